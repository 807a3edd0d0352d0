#ifndef MLGUARD_SKETCH_DETAIL_COUNT_OVERFLOW_HPP
#define MLGUARD_SKETCH_DETAIL_COUNT_OVERFLOW_HPP

// The error of a sketch (or profile) whose 64-bit count would wrap. No stream reaches 2^64
// items; a document can bring a sketch close to it, and a count that wrapped
// would save a sketch that cannot load back. Not for direct use.

#include <string>

#include "mlguard/core/error.hpp"

namespace mlguard::sketch::detail {

/// Throws profile_error (mlguard.profile.count_overflow) for `kind` (a sketch
/// or profile), which cannot hold more than `limit`.
[[noreturn]] inline void throw_count_overflow(const char* kind, const char* limit) {
  throw profile_error("count_overflow", std::string(kind) + ": cannot count more than " + limit +
                                            "; nothing was changed");
}

} // namespace mlguard::sketch::detail

#endif // MLGUARD_SKETCH_DETAIL_COUNT_OVERFLOW_HPP
