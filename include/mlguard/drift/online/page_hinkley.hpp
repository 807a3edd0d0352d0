#ifndef MLGUARD_DRIFT_ONLINE_PAGE_HINKLEY_HPP
#define MLGUARD_DRIFT_ONLINE_PAGE_HINKLEY_HPP

// The Page-Hinkley test (Page 1954) as River implements it
// (river.drift.PageHinkley, River 0.26): faded cumulative sums of the
// deviations from the running mean, one for increases (minus delta) and
// one for decreases (plus delta); once min_instances values were seen,
// drift when the increase sum rose more than `threshold` above its minimum
// ("up"), the decrease sum fell more than `threshold` below its maximum
// ("down"), or either ("both"). Update, reset and persistence: detector_base.hpp.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/drift/online/detail/river_stats.hpp"
#include "mlguard/drift/online/detector_base.hpp"

namespace mlguard::drift::online {

/// Which changes of the mean Page-Hinkley watches (River's mode).
enum class page_hinkley_mode : std::uint8_t {
  up,   ///< increases
  down, ///< decreases
  both, ///< either (River's default)
};

/// The names of page_hinkley_mode's values, in order: "up", "down", "both".
inline constexpr std::string_view page_hinkley_mode_names[] = {"up", "down", "both"};

/// "up", "down" or "both".
inline const char* to_string(page_hinkley_mode m) noexcept {
  return page_hinkley_mode_names[static_cast<std::size_t>(m) % 3].data();
}

/// Page-Hinkley's settings; defaults are River's. Ranges and meanings:
/// page_hinkley::option_table().
struct page_hinkley_options {
  std::uint64_t min_instances = 30;
  double delta = 0.005;
  double threshold = 50.0;
  double alpha = 1.0 - 0.0001;
  page_hinkley_mode mode = page_hinkley_mode::both;
};

/// Page-Hinkley drift detector (River's river.drift.PageHinkley); constant
/// memory; never warns.
template <class = void> // deferred: see core/json.hpp
class basic_page_hinkley : public detector_base<basic_page_hinkley<>, page_hinkley_options> {
public:
  static constexpr std::string_view name = "page_hinkley";                   ///< in saved states
  static constexpr std::string_view river_class = "river.drift.PageHinkley"; ///< what it ports
  static constexpr bool warns = false;                                       ///< drift only

  /// The parameters: name, field, range, meaning (River's names).
  static constexpr auto option_table() {
    return std::make_tuple(option("min_instances", &page_hinkley_options::min_instances,
                                  at_least(0), "observations before any drift"),
                           option("delta", &page_hinkley_options::delta, at_least(0),
                                  "deviation from the mean tolerated per observation"),
                           option("threshold", &page_hinkley_options::threshold, above(0),
                                  "lambda: drift when a cumulative sum moves further than this"),
                           option("alpha", &page_hinkley_options::alpha, open_closed(0, 1),
                                  "forgetting factor of the cumulative sums"),
                           option("mode", &page_hinkley_options::mode, page_hinkley_mode_names,
                                  "which changes of the mean to detect"));
  }

  /// Throws drift_error mlguard.drift.invalid_option when a setting is
  /// outside its range (option_table()).
  explicit basic_page_hinkley(const page_hinkley_options& options = {}) : detector_base(options) {}

  double mean() const noexcept { return mean_.mean; } ///< running mean since reset

private:
  friend detector_base;

  void step(double x) noexcept;
  void clear() noexcept;
  // "state": {"mean": {"n", "mean"}, "sum_increase", "sum_decrease",
  // "min_increase" ("inf" at first), "max_decrease"}.
  void write_state(json& s) const;
  void read_state(const json_reader& s);

  detail::river_mean mean_;
  double sum_increase_ = 0.0;
  double sum_decrease_ = 0.0;
  double min_increase_ = std::numeric_limits<double>::infinity();
  double max_decrease_ = -1.0;
};

/// The type to name (a class template only so that its bodies compile where used).
using page_hinkley = basic_page_hinkley<>;

} // namespace mlguard::drift::online

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::drift::online {

template <class V>
MLGUARD_INLINE auto basic_page_hinkley<V>::step(double x) noexcept -> void {
  mean_.update(x);
  const double dev = x - mean_.mean;
  sum_increase_ = options_.alpha * sum_increase_ + dev - options_.delta;
  sum_decrease_ = options_.alpha * sum_decrease_ + dev + options_.delta;
  if (sum_increase_ < min_increase_) {
    min_increase_ = sum_increase_;
  }
  if (sum_decrease_ > max_decrease_) {
    max_decrease_ = sum_decrease_;
  }
  if (mean_.n >= static_cast<double>(options_.min_instances)) {
    const double test_increase = sum_increase_ - min_increase_;
    const double test_decrease = max_decrease_ - sum_decrease_;
    switch (options_.mode) {
    case page_hinkley_mode::up:
      drift_ = test_increase > options_.threshold;
      break;
    case page_hinkley_mode::down:
      drift_ = test_decrease > options_.threshold;
      break;
    case page_hinkley_mode::both:
    default:
      drift_ = test_increase > options_.threshold || test_decrease > options_.threshold;
      break;
    }
  }
}

template <class V>
MLGUARD_INLINE auto basic_page_hinkley<V>::clear() noexcept -> void {
  mean_ = {};
  sum_increase_ = sum_decrease_ = 0.0;
  min_increase_ = std::numeric_limits<double>::infinity();
  max_decrease_ = -1.0;
}

template <class V>
MLGUARD_INLINE auto basic_page_hinkley<V>::write_state(json& s) const -> void {
  s["mean"] = mean_.to_json();
  s["sum_increase"] = json_number(sum_increase_);
  s["sum_decrease"] = json_number(sum_decrease_);
  s["min_increase"] = json_number(min_increase_);
  s["max_decrease"] = json_number(max_decrease_);
}

template <class V>
MLGUARD_INLINE auto basic_page_hinkley<V>::read_state(const json_reader& s) -> void {
  allow_state_fields(s, {"mean", "sum_increase", "sum_decrease", "min_increase", "max_decrease"});
  mean_ = detail::river_mean::from_json(s.object("mean"));
  sum_increase_ = state_number(s, "sum_increase");
  sum_decrease_ = state_number(s, "sum_decrease");
  min_increase_ = state_number(s, "min_increase");
  max_decrease_ = state_number(s, "max_decrease");
}

} // namespace mlguard::drift::online

#endif // MLGUARD_COMPILED
#endif // MLGUARD_DRIFT_ONLINE_PAGE_HINKLEY_HPP
