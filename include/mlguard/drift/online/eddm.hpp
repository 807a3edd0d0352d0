#ifndef MLGUARD_DRIFT_ONLINE_EDDM_HPP
#define MLGUARD_DRIFT_ONLINE_EDDM_HPP

// EDDM, the Early Drift Detection Method (Baena-García et al. 2006), as
// River implements it (river.drift.binary.EDDM, River 0.26): the mean p' and
// standard deviation s' of the distance between consecutive errors; past
// the warm start the maximum of p' + 2s' is tracked, and once more than
// warm_start errors were seen, (p' + 2s') / max below alpha warns and below
// beta signals drift. Input: 1 for an error, anything else counts as
// correct (River tests x == 1). As in River, a warning stays raised until an
// error updates it. Update, reset and persistence: detector_base.hpp.

#include <cmath>
#include <cstdint>
#include <string_view>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/drift/online/detail/river_stats.hpp"
#include "mlguard/drift/online/detector_base.hpp"

namespace mlguard::drift::online {

/// EDDM's settings; defaults are River's. Ranges and meanings: eddm::option_table().
struct eddm_options {
  std::uint64_t warm_start = 30;
  double alpha = 0.95;
  double beta = 0.9;
};

/// EDDM drift detector (River's river.drift.binary.EDDM); constant memory.
template <class = void> // deferred: see core/json.hpp
class basic_eddm : public detector_base<basic_eddm<>, eddm_options> {
public:
  static constexpr std::string_view name = "eddm";                           ///< in saved states
  static constexpr std::string_view river_class = "river.drift.binary.EDDM"; ///< what it ports
  static constexpr bool warns = true;                                        ///< has a warning zone

  /// The parameters: name, field, range, meaning (River's names).
  static constexpr auto option_table() {
    return std::make_tuple(
        option("warm_start", &eddm_options::warm_start, at_least(0),
               "observations, and errors, before any verdict"),
        option("alpha", &eddm_options::alpha, open_closed(0, 1),
               "warning level of (p' + 2s') / max; at least beta"),
        option("beta", &eddm_options::beta, open_closed(0, 1), "drift level of (p' + 2s') / max"));
  }

  /// Throws drift_error mlguard.drift.invalid_option when a setting is
  /// outside its range (option_table()) or alpha < beta (River raises
  /// ValueError then).
  explicit basic_eddm(const eddm_options& options = {});

  std::uint64_t n() const noexcept { return n_; }               ///< observations since reset
  std::uint64_t n_errors() const noexcept { return n_errors_; } ///< errors since reset

private:
  friend detector_base;

  void step(double x) noexcept;
  void clear() noexcept;
  // "state": {"distances": {"n", "mean", "s"}, "n", "last_error", "n_errors", "p2s_prime_max"}.
  void write_state(json& s) const;
  void read_state(const json_reader& s);

  detail::river_var distances_;
  std::uint64_t n_ = 0;
  std::uint64_t last_error_ = 0;
  std::uint64_t n_errors_ = 0;
  double p2s_prime_max_ = -1.0;
};

/// The type to name (a class template only so that its bodies compile where used).
using eddm = basic_eddm<>;

} // namespace mlguard::drift::online

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::drift::online {

template <class V>
MLGUARD_INLINE basic_eddm<V>::basic_eddm(const eddm_options& options) : detector_base(options) {
  detail::require_option(options.alpha >= options.beta, name,
                         "alpha must be greater or equal to beta");
}

template <class V>
MLGUARD_INLINE auto basic_eddm<V>::step(double x) noexcept -> void {
  ++n_;
  if (x == 1.0) {
    ++n_errors_;
    distances_.update(static_cast<double>(n_ - last_error_));
    if (n_ > options_.warm_start) {
      const double pi_prime = distances_.mean.mean;
      const double si_prime = std::pow(distances_.get(), 0.5);
      const double p2s_prime = pi_prime + 2.0 * si_prime;
      if (p2s_prime > p2s_prime_max_) {
        p2s_prime_max_ = p2s_prime;
      } else if (n_errors_ > options_.warm_start) {
        const double level = p2s_prime / p2s_prime_max_;
        if (level < options_.beta) {
          drift_ = true;
        } else {
          warning_ = level < options_.alpha;
        }
      }
    }
    last_error_ = n_;
  }
}

template <class V>
MLGUARD_INLINE auto basic_eddm<V>::clear() noexcept -> void {
  distances_ = {};
  n_ = last_error_ = n_errors_ = 0;
  p2s_prime_max_ = -1.0;
}

template <class V>
MLGUARD_INLINE auto basic_eddm<V>::write_state(json& s) const -> void {
  s["distances"] = distances_.to_json();
  s["n"] = n_;
  s["last_error"] = last_error_;
  s["n_errors"] = n_errors_;
  s["p2s_prime_max"] = json_number(p2s_prime_max_);
}

template <class V>
MLGUARD_INLINE auto basic_eddm<V>::read_state(const json_reader& s) -> void {
  allow_state_fields(s, {"distances", "n", "last_error", "n_errors", "p2s_prime_max"});
  distances_ = detail::river_var::from_json(s.object("distances"));
  n_ = s.count("n");
  last_error_ = s.count("last_error", n_);
  n_errors_ = s.count("n_errors", n_);
  p2s_prime_max_ = state_number(s, "p2s_prime_max");
}

} // namespace mlguard::drift::online

#endif // MLGUARD_COMPILED
#endif // MLGUARD_DRIFT_ONLINE_EDDM_HPP
