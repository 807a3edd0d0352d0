#ifndef MLGUARD_DRIFT_ONLINE_DDM_HPP
#define MLGUARD_DRIFT_ONLINE_DDM_HPP

// DDM, the Drift Detection Method (Gama et al. 2004), as River implements it
// (river.drift.binary.DDM, River 0.26): the running error rate p and
// its Bernoulli standard deviation s = sqrt(p(1 − p)/n); past the warm
// start, the minimum of p + s is tracked and p + s beyond p_min + w·s_min
// warns, beyond p_min + d·s_min signals drift. Input: 1 for an error, 0 for
// a correct prediction (any finite number is averaged as River does).
// Update, reset and persistence: detector_base.hpp.

#include <cmath>
#include <cstdint>
#include <limits>
#include <string_view>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/drift/online/detail/river_stats.hpp"
#include "mlguard/drift/online/detector_base.hpp"

namespace mlguard::drift::online {

/// DDM's settings; defaults are River's. Ranges and meanings: ddm::option_table().
struct ddm_options {
  std::uint64_t warm_start = 30;
  double warning_threshold = 2.0;
  double drift_threshold = 3.0;
};

/// DDM drift detector (River's river.drift.binary.DDM); constant memory.
template <class = void> // deferred: see core/json.hpp
class basic_ddm : public detector_base<basic_ddm<>, ddm_options> {
public:
  static constexpr std::string_view name = "ddm";                           ///< in saved states
  static constexpr std::string_view river_class = "river.drift.binary.DDM"; ///< what it ports
  static constexpr bool warns = true;                                       ///< has a warning zone

  /// The parameters: name, field, range, meaning (River's names).
  static constexpr auto option_table() {
    return std::make_tuple(option("warm_start", &ddm_options::warm_start, at_least(0),
                                  "observations before any warning or drift"),
                           option("warning_threshold", &ddm_options::warning_threshold, above(0),
                                  "w: warn when p + s > p_min + w * s_min"),
                           option("drift_threshold", &ddm_options::drift_threshold, above(0),
                                  "d: drift when p + s > p_min + d * s_min"));
  }

  /// Throws drift_error mlguard.drift.invalid_option when a setting is
  /// outside its range (option_table()).
  explicit basic_ddm(const ddm_options& options = {}) : detector_base(options) {}

  double error_rate() const noexcept { return p_.mean; } ///< p, the running error rate
  double n() const noexcept { return p_.n; }             ///< observations since the last reset

private:
  friend detector_base;

  void step(double x) noexcept;
  void clear() noexcept;
  // "state": {"p": {"n", "mean"}, "p_min", "s_min", "ps_min"} (infinite before the warm start).
  void write_state(json& s) const;
  void read_state(const json_reader& s);

  detail::river_mean p_;
  double p_min_ = std::numeric_limits<double>::infinity();
  double s_min_ = std::numeric_limits<double>::infinity();
  double ps_min_ = std::numeric_limits<double>::infinity();
};

/// The type to name (a class template only so that its bodies compile where used).
using ddm = basic_ddm<>;

} // namespace mlguard::drift::online

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::drift::online {

template <class V>
MLGUARD_INLINE auto basic_ddm<V>::step(double x) noexcept -> void {
  p_.update(x);
  const double p_i = p_.mean;
  const double n = p_.n;
  const double s_i = std::sqrt(p_i * (1.0 - p_i) / n);
  if (n > static_cast<double>(options_.warm_start)) {
    if (p_i + s_i <= ps_min_) {
      p_min_ = p_i;
      s_min_ = s_i;
      ps_min_ = p_min_ + s_min_;
    }
    warning_ = p_i + s_i > p_min_ + options_.warning_threshold * s_min_;
    if (p_i + s_i > p_min_ + options_.drift_threshold * s_min_) {
      drift_ = true;
      warning_ = false;
    }
  }
}

template <class V>
MLGUARD_INLINE auto basic_ddm<V>::clear() noexcept -> void {
  p_ = {};
  p_min_ = s_min_ = ps_min_ = std::numeric_limits<double>::infinity();
}

template <class V>
MLGUARD_INLINE auto basic_ddm<V>::write_state(json& s) const -> void {
  s["p"] = p_.to_json();
  s["p_min"] = json_number(p_min_);
  s["s_min"] = json_number(s_min_);
  s["ps_min"] = json_number(ps_min_);
}

template <class V>
MLGUARD_INLINE auto basic_ddm<V>::read_state(const json_reader& s) -> void {
  allow_state_fields(s, {"p", "p_min", "s_min", "ps_min"});
  p_ = detail::river_mean::from_json(s.object("p"));
  p_min_ = state_number(s, "p_min");
  s_min_ = state_number(s, "s_min");
  ps_min_ = state_number(s, "ps_min");
}

} // namespace mlguard::drift::online

#endif // MLGUARD_COMPILED
#endif // MLGUARD_DRIFT_ONLINE_DDM_HPP
