#ifndef MLGUARD_STATS_ALTERNATIVE_HPP
#define MLGUARD_STATS_ALTERNATIVE_HPP

// The alternative hypothesis of a two-sample test, shared by the
// Kolmogorov–Smirnov and Mann–Whitney tests.

namespace mlguard::stats {

/// The alternative hypothesis of a two-sample test, named as scipy names it
/// (`alternative="two-sided" | "less" | "greater"`). What "less" and "greater"
/// mean is documented per test, always with scipy's meaning.
enum class alternative { two_sided, less, greater };

/// scipy's spelling of `a`: "two-sided", "less" or "greater".
inline const char* to_string(alternative a) noexcept {
  switch (a) {
  case alternative::less:
    return "less";
  case alternative::greater:
    return "greater";
  case alternative::two_sided:
  default:
    return "two-sided";
  }
}

} // namespace mlguard::stats

#endif // MLGUARD_STATS_ALTERNATIVE_HPP
