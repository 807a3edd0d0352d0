#ifndef MLGUARD_DRIFT_ONLINE_PAGE_HINKLEY_HPP
#define MLGUARD_DRIFT_ONLINE_PAGE_HINKLEY_HPP

// The Page-Hinkley test (Page 1954) as River implements it
// (river.drift.PageHinkley): faded cumulative sums of the deviations from the
// running mean, one for increases (minus delta) and one for decreases (plus
// delta); once min_instances values were seen, drift when the increase sum
// rose more than `threshold` above its minimum ("up"), the decrease sum fell
// more than `threshold` below its maximum ("down"), or either ("both").

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "mlguard/core/json.hpp"
#include "mlguard/drift/online/detail/river_stats.hpp"
#include "mlguard/drift/online/detail/state_json.hpp"
#include "mlguard/drift/online/detector_state.hpp"

namespace mlguard::drift::online {

/// Which changes of the mean Page-Hinkley watches (River's mode).
enum class page_hinkley_mode : std::uint8_t {
  up,   ///< increases
  down, ///< decreases
  both, ///< either (River's default)
};

/// "up", "down" or "both".
inline const char* to_string(page_hinkley_mode m) noexcept {
  return m == page_hinkley_mode::up ? "up" : (m == page_hinkley_mode::down ? "down" : "both");
}

/// Parses "up", "down" or "both"; throws drift_error mlguard.drift.bad_parameter.
inline page_hinkley_mode parse_page_hinkley_mode(std::string_view s) {
  if (s == "up") {
    return page_hinkley_mode::up;
  }
  if (s == "down") {
    return page_hinkley_mode::down;
  }
  detail::require_parameter(s == "both", "page_hinkley",
                            "mode must be \"up\", \"down\" or \"both\", not \"" + std::string(s) +
                                "\"");
  return page_hinkley_mode::both;
}

/// Page-Hinkley's parameters; defaults are River's.
struct page_hinkley_options {
  std::uint64_t min_instances = 30; ///< observations before any drift
  double delta = 0.005;             ///< tolerated deviation (≥ 0)
  double threshold = 50.0;          ///< lambda, the detection threshold (> 0)
  double alpha = 1.0 - 0.0001;      ///< forgetting factor of the sums, in (0, 1]
  page_hinkley_mode mode = page_hinkley_mode::both;
};

/// Page-Hinkley drift detector (River's river.drift.PageHinkley); constant
/// memory; never warns.
class page_hinkley {
public:
  /// Throws drift_error mlguard.drift.bad_parameter unless delta ≥ 0,
  /// threshold > 0 and alpha in (0, 1], all finite.
  explicit page_hinkley(const page_hinkley_options& params = {}) : params_(params) {
    detail::require_parameter(std::isfinite(params.delta) && params.delta >= 0.0, "page_hinkley",
                              "delta must be a non-negative number");
    detail::require_parameter(std::isfinite(params.threshold) && params.threshold > 0.0,
                              "page_hinkley", "threshold must be a positive number");
    detail::require_parameter(params.alpha > 0.0 && params.alpha <= 1.0, "page_hinkley",
                              "alpha must be in (0, 1]");
  }

  /// Adds one observation. Non-finite x is ignored (counted in
  /// ignored_count(); returns none).
  detector_state update(double x) noexcept {
    if (!std::isfinite(x)) {
      ++ignored_;
      return detector_state::none;
    }
    if (drift_) {
      reset();
    }
    mean_.update(x);
    const double dev = x - mean_.mean;
    sum_increase_ = params_.alpha * sum_increase_ + dev - params_.delta;
    sum_decrease_ = params_.alpha * sum_decrease_ + dev + params_.delta;
    if (sum_increase_ < min_increase_) {
      min_increase_ = sum_increase_;
    }
    if (sum_decrease_ > max_decrease_) {
      max_decrease_ = sum_decrease_;
    }
    if (mean_.n >= static_cast<double>(params_.min_instances)) {
      const double test_increase = sum_increase_ - min_increase_;
      const double test_decrease = max_decrease_ - sum_decrease_;
      switch (params_.mode) {
      case page_hinkley_mode::up:
        drift_ = test_increase > params_.threshold;
        break;
      case page_hinkley_mode::down:
        drift_ = test_decrease > params_.threshold;
        break;
      case page_hinkley_mode::both:
      default:
        drift_ = test_increase > params_.threshold || test_decrease > params_.threshold;
        break;
      }
    }
    return state();
  }

  /// The verdict of the last accepted update.
  detector_state state() const noexcept {
    return drift_ ? detector_state::drift : detector_state::none;
  }
  bool drift_detected() const noexcept { return drift_; } ///< River's drift_detected
  /// Starts afresh (River's _reset); keeps ignored_count().
  void reset() noexcept {
    mean_ = {};
    sum_increase_ = sum_decrease_ = 0.0;
    min_increase_ = std::numeric_limits<double>::infinity();
    max_decrease_ = -1.0;
    drift_ = false;
  }
  double mean() const noexcept { return mean_.mean; }               ///< running mean since reset
  std::uint64_t ignored_count() const noexcept { return ignored_; } ///< non-finite inputs
  const page_hinkley_options& params() const noexcept { return params_; } ///< the parameters

  /// The full state (envelope of detector_state.hpp, "detector": "page_hinkley").
  json to_json() const {
    json params{{"min_instances", params_.min_instances},
                {"delta", params_.delta},
                {"threshold", params_.threshold},
                {"alpha", params_.alpha},
                {"mode", to_string(params_.mode)}};
    json state{{"mean", mean_.to_json()},
               {"sum_increase", sum_increase_},
               {"sum_decrease", sum_decrease_},
               {"min_increase", detail::number_to_json(min_increase_)},
               {"max_decrease", max_decrease_},
               {"drift", drift_},
               {"ignored", ignored_}};
    return detail::envelope("page_hinkley", std::move(params), std::move(state));
  }

  /// Restores what to_json() wrote. Throws format_error mlguard.format.corrupt
  /// (missing, ill-typed or out-of-range fields), unknown_field, wrong_kind,
  /// newer_version.
  static page_hinkley from_json(const json& document, std::string_view source = "page_hinkley") {
    detail::open_envelope(document, "page_hinkley", source);
    const std::string src(source);
    detail::object_reader p(document["params"], src + ".params",
                            {"min_instances", "delta", "threshold", "alpha", "mode"});
    page_hinkley_options params;
    params.min_instances = p.count("min_instances");
    params.delta = p.number("delta");
    params.threshold = p.number("threshold");
    params.alpha = p.number("alpha");
    const std::string mode = p.text("mode");
    if (mode != "up" && mode != "down" && mode != "both") {
      p.fail("\"mode\" must be \"up\", \"down\" or \"both\"");
    }
    params.mode = parse_page_hinkley_mode(mode);
    auto d = detail::construct_from_stored<page_hinkley>(params, source);
    detail::object_reader s(document["state"], src + ".state",
                            {"mean", "sum_increase", "sum_decrease", "min_increase", "max_decrease",
                             "drift", "ignored"});
    d.mean_ = detail::river_mean::from_json(s.field("mean"), src + ".state.mean");
    d.sum_increase_ = s.number("sum_increase");
    d.sum_decrease_ = s.number("sum_decrease");
    d.min_increase_ = s.number("min_increase", true);
    d.max_decrease_ = s.number("max_decrease");
    d.drift_ = s.flag("drift");
    d.ignored_ = s.count("ignored");
    return d;
  }

private:
  page_hinkley_options params_;
  detail::river_mean mean_;
  double sum_increase_ = 0.0;
  double sum_decrease_ = 0.0;
  double min_increase_ = std::numeric_limits<double>::infinity();
  double max_decrease_ = -1.0;
  std::uint64_t ignored_ = 0;
  bool drift_ = false;
};

} // namespace mlguard::drift::online

#endif // MLGUARD_DRIFT_ONLINE_PAGE_HINKLEY_HPP
