#ifndef MLGUARD_CORE_SPAN_HPP
#define MLGUARD_CORE_SPAN_HPP

// mlguard::span, a pointer and a size: the C++17 stand-in for std::span that
// per-row and per-column functions take, so they neither copy nor allocate.

#include <array>
#include <cstddef>
#include <type_traits>
#include <vector>

namespace mlguard {

/// A non-owning view of contiguous elements (a C++17 stand-in for std::span).
/// Statistics take their samples as span<const double>, so a std::vector, an
/// Eigen vector's data or a raw pointer + size all pass without a copy.
template <typename T>
class span {
public:
  using element_type = T;
  using value_type = std::remove_cv_t<T>;
  using iterator = T*;

  constexpr span() noexcept = default;
  constexpr span(T* data, std::size_t size) noexcept : data_(data), size_(size) {}

  /// From a std::vector (const or not, matching T's constness).
  template <typename U, typename A,
            typename = std::enable_if_t<std::is_convertible_v<U (*)[], T (*)[]>>>
  span(std::vector<U, A>& v) noexcept : data_(v.data()), size_(v.size()) {} // NOLINT
  template <typename U, typename A,
            typename = std::enable_if_t<std::is_convertible_v<const U (*)[], T (*)[]>>>
  span(const std::vector<U, A>& v) noexcept : data_(v.data()), size_(v.size()) {} // NOLINT

  /// From a std::array or a C array.
  template <typename U, std::size_t N,
            typename = std::enable_if_t<std::is_convertible_v<const U (*)[], T (*)[]>>>
  constexpr span(const std::array<U, N>& a) noexcept : data_(a.data()), size_(N) {} // NOLINT
  template <std::size_t N>
  constexpr span(T (&a)[N]) noexcept : data_(a), size_(N) {} // NOLINT

  /// From a non-const span of the same element type.
  template <typename U, typename = std::enable_if_t<std::is_convertible_v<U (*)[], T (*)[]>>>
  constexpr span(span<U> other) noexcept : data_(other.data()), size_(other.size()) {} // NOLINT

  constexpr T* data() const noexcept { return data_; }
  constexpr std::size_t size() const noexcept { return size_; }
  constexpr bool empty() const noexcept { return size_ == 0; }
  constexpr T& operator[](std::size_t i) const noexcept { return data_[i]; }
  constexpr T* begin() const noexcept { return data_; }
  constexpr T* end() const noexcept { return data_ + size_; }

  /// The elements [offset, offset + count). The caller keeps it in range.
  constexpr span subspan(std::size_t offset, std::size_t count) const noexcept {
    return span(data_ + offset, count);
  }

private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

} // namespace mlguard

#endif // MLGUARD_CORE_SPAN_HPP
