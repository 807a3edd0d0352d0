#ifndef MLGUARD_CORE_DETAIL_DETECT_HPP
#define MLGUARD_CORE_DETAIL_DETECT_HPP

// The detection idiom, written once for the compile-time contracts (the
// pipeline stage contract, the serving model contract): is_detected<T, Op>
// is true when Op<T> names a valid type.

#include <type_traits>

namespace mlguard::detail {

template <typename, template <typename> class, typename = void>
struct is_detected : std::false_type {};
template <typename T, template <typename> class Op>
struct is_detected<T, Op, std::void_t<Op<T>>> : std::true_type {};

} // namespace mlguard::detail

#endif // MLGUARD_CORE_DETAIL_DETECT_HPP
