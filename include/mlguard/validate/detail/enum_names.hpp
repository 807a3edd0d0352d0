#ifndef MLGUARD_VALIDATE_DETAIL_ENUM_NAMES_HPP
#define MLGUARD_VALIDATE_DETAIL_ENUM_NAMES_HPP

// Reading validate's enums back from the names to_string gives them, for
// the JSON loaders (which report a bad name as a format error themselves).

#include <cstddef>
#include <string_view>

namespace mlguard::validate::detail {

// Sets `out` to the value among the first `count` of Enum whose to_string
// is `name`; false when there is none.
template <typename Enum>
bool enum_from_string(std::string_view name, std::size_t count, Enum& out) {
  for (std::size_t i = 0; i < count; ++i) {
    if (name == to_string(static_cast<Enum>(i))) {
      out = static_cast<Enum>(i);
      return true;
    }
  }
  return false;
}

} // namespace mlguard::validate::detail

#endif // MLGUARD_VALIDATE_DETAIL_ENUM_NAMES_HPP
