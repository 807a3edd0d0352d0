#ifndef MLGUARD_PIPELINE_MONITORING_TAP_HPP
#define MLGUARD_PIPELINE_MONITORING_TAP_HPP

// A pipeline tap that feeds every row to a windowed drift monitor whose
// reference is the data the pipeline was fitted on, at that point of the
// chain.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/core/table.hpp"
#include "mlguard/drift/drift_monitor.hpp"
#include "mlguard/pipeline/row_status.hpp"
#include "mlguard/pipeline/tap.hpp"
#include "mlguard/profile/dataset_profile.hpp"

namespace mlguard::pipeline {

/// Watches the rows passing this point of a pipeline with a
/// drift::drift_monitor. fit() profiles the training rows reaching the tap
/// (profile::dataset_profile: KLL quantiles, exact counts) and builds the monitor from
/// that profile (drift_monitor::from_profile), so a fitted pipeline and the
/// same pipeline saved and loaded monitor identically: to_json() embeds the
/// monitor options and the profile. The training rows themselves are not
/// observed. Rows pass unchanged; inspect() returns
/// flagged while the last closed window drifted as a whole, ok otherwise.
///
/// Per row it costs what drift_monitor::observe costs (no allocation), except
/// the row that closes a window, which computes the statistics, allocates the
/// report and runs the callback. An exception escaping there is swallowed
/// (the row still passes; failed_windows() counts it) because the per-row
/// path must not throw. Non-numeric input is not expected here: every
/// pipeline column is numeric.
///
/// Each copy of the tap owns its monitor: a pipeline copied per thread
/// monitors each thread's traffic (merge with drift_monitor::snapshot()). A
/// copy starts with an empty window and keeps the window callback. Time
/// windows read the system clock.
template <class = void> // deferred: see core/json.hpp
class basic_monitoring_tap : public tap<basic_monitoring_tap<>> {
public:
  static constexpr std::string_view kind = "monitoring_tap";

  /// A tap that will monitor with `options`, reporting each closed window to
  /// `on_window`. Unusable until fit() or from_json().
  explicit basic_monitoring_tap(drift::monitor_options options = {},
                                drift::drift_monitor::callback on_window = {});

  /// A copy with its own monitor of the same reference (an empty window).
  basic_monitoring_tap(const basic_monitoring_tap& other);
  basic_monitoring_tap& operator=(const basic_monitoring_tap& other);
  basic_monitoring_tap(basic_monitoring_tap&&) = default;
  basic_monitoring_tap& operator=(basic_monitoring_tap&&) = default;
  ~basic_monitoring_tap() = default;

  /// Profiles the training rows (columns named as the input) and builds the
  /// monitor. Throws as profile::dataset_profile::of and drift_monitor::from_profile
  /// (drift_error for options the monitor rejects).
  void fit(const Eigen::Ref<const Eigen::MatrixXd>& X);

  /// Batch: as every tap, except that the training matrix, which fit() of a
  /// pipeline passes on right after fitting this tap, is not observed (once).
  void transform(const Eigen::Ref<const Eigen::MatrixXd>& in, Eigen::Ref<Eigen::MatrixXd> out,
                 span<row_status> status);

  /// Feeds the row to the monitor (see the class comment). Never throws.
  row_status inspect(span<double> row) noexcept;

  /// Replaces the window callback (e.g. after loading a pipeline).
  void set_on_window(drift::drift_monitor::callback on_window);

  /// The monitor, or nullptr before fit() or from_json().
  const drift::drift_monitor* monitor() const noexcept { return monitor_ ? &*monitor_ : nullptr; }
  /// Whether the last closed window drifted as a whole.
  bool drifting() const noexcept { return sink_->drifting; }
  /// Windows whose evaluation threw (the rows passed anyway).
  std::size_t failed_windows() const noexcept { return failed_windows_; }

  /// {"options": {"method", "threshold"?, "bins", "drift_share", "ks",
  /// "window": {"kind", "size", "step", "duration_ns"}}, "reference": the
  /// training profile}. Throws pipeline_error (not_fitted) before fit().
  json to_json() const;

  /// The tap of a saved pipeline, bound to `names_in`, monitoring as the
  /// saved one did (no window callback: see set_on_window). Throws
  /// format_error (corrupt, unknown_field, the profile's format errors) and
  /// as fit().
  static basic_monitoring_tap from_json(const json_reader& params,
                                        const std::vector<std::string>& names_in);

private:
  static stats::ks_method ks_method_from(const json_reader& o, const std::string& name);

  static drift::window_kind window_kind_from(const json_reader& w, const std::string& name);

  // Builds the monitor from `reference` and maps its features to input columns.
  void install(profile::dataset_profile reference);

  // What the monitor's callback writes to, shared by the monitor and this tap.
  struct sink {
    bool drifting = false;
    drift::drift_monitor::callback on_window;
  };

  drift::monitor_options options_;
  std::shared_ptr<sink> sink_;
  // Set by install(); the copy constructor, which cannot be a template, calls
  // install() through it, so includers that never install compile none of it.
  void (*reinstall_)(basic_monitoring_tap&, const profile::dataset_profile&) = nullptr;
  std::optional<profile::dataset_profile> reference_;
  std::optional<drift::drift_monitor> monitor_;
  std::vector<std::size_t> positions_;
  std::vector<double> row_;
  std::size_t failed_windows_ = 0;
  const double* training_ = nullptr; // the matrix fit() saw, until passed on
  Eigen::Index training_rows_ = 0;
};

/// The type to name (a class template only so that its bodies compile where used).
using monitoring_tap = basic_monitoring_tap<>;

} // namespace mlguard::pipeline

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::pipeline {

template <class V>
MLGUARD_INLINE
basic_monitoring_tap<V>::basic_monitoring_tap(drift::monitor_options options,
                                              drift::drift_monitor::callback on_window)
    : options_(std::move(options)), sink_(std::make_shared<sink>()) {
  sink_->on_window = std::move(on_window);
}

template <class V>
MLGUARD_INLINE basic_monitoring_tap<V>::basic_monitoring_tap(const basic_monitoring_tap& other)
    : tap(other), options_(other.options_), sink_(std::make_shared<sink>()),
      failed_windows_(other.failed_windows_) {
  sink_->on_window = other.sink_->on_window;
  if (other.reference_) {
    other.reinstall_(*this, *other.reference_);
  }
}

template <class V>
MLGUARD_INLINE auto basic_monitoring_tap<V>::operator=(const basic_monitoring_tap& other)
    -> basic_monitoring_tap& {
  if (this != &other) {
    basic_monitoring_tap copy(other);
    *this = std::move(copy);
  }
  return *this;
}

template <class V>
MLGUARD_INLINE auto basic_monitoring_tap<V>::fit(const Eigen::Ref<const Eigen::MatrixXd>& X)
    -> void {
  table t;
  for (Eigen::Index j = 0; j < X.cols(); ++j) {
    std::vector<double> values(static_cast<std::size_t>(X.rows()));
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
      values[static_cast<std::size_t>(i)] = X(i, j);
    }
    t.add(column::numeric(names_in_[static_cast<std::size_t>(j)], std::move(values)));
  }
  install(profile::dataset_profile::of(t));
  training_ = X.data();
  training_rows_ = X.rows();
}

template <class V>
MLGUARD_INLINE auto basic_monitoring_tap<V>::transform(const Eigen::Ref<const Eigen::MatrixXd>& in,
                                                       Eigen::Ref<Eigen::MatrixXd> out,
                                                       span<row_status> status) -> void {
  if (training_ != nullptr && in.data() == training_ && in.rows() == training_rows_) {
    training_ = nullptr;
    detail::check_width(static_cast<std::size_t>(in.cols()), input_width(), kind);
    out = in;
    return;
  }
  training_ = nullptr;
  tap::transform(in, out, status);
}

template <class V>
MLGUARD_INLINE auto basic_monitoring_tap<V>::inspect(span<double> row) noexcept -> row_status {
  if (!monitor_) {
    return row_status::ok; // not fitted: the pipeline reports not_fitted earlier
  }
  for (std::size_t f = 0; f < positions_.size(); ++f) {
    row_[f] = row[positions_[f]];
  }
  try {
    monitor_->observe(row_.data());
  } catch (...) {
    ++failed_windows_;
  }
  return sink_->drifting ? row_status::flagged : row_status::ok;
}

template <class V>
MLGUARD_INLINE auto basic_monitoring_tap<V>::set_on_window(drift::drift_monitor::callback on_window)
    -> void {
  sink_->on_window = std::move(on_window);
}

template <class V>
MLGUARD_INLINE auto basic_monitoring_tap<V>::to_json() const -> json {
  if (!reference_) {
    throw pipeline_error("not_fitted", std::string(kind) + ": used before fit() or from_json()");
  }
  json window = json::object();
  window["kind"] = drift::to_string(options_.window.kind);
  window["size"] = options_.window.size;
  window["step"] = options_.window.step;
  window["duration_ns"] = options_.window.duration.count();
  json o = json::object();
  o["method"] = drift::to_string(options_.stat);
  o["bins"] = options_.bins;
  o["drift_share"] = json_number(options_.drift_share);
  o["ks"] = stats::to_string(options_.ks);
  o["window"] = std::move(window);
  if (options_.threshold) {
    o["threshold"] = json_number(*options_.threshold);
  }
  json j = json::object();
  j["options"] = std::move(o);
  j["reference"] = reference_->to_json();
  return j;
}

template <class V>
MLGUARD_INLINE auto basic_monitoring_tap<V>::from_json(const json_reader& params,
                                                       const std::vector<std::string>& names_in)
    -> basic_monitoring_tap {
  params.allow_fields({"options", "reference"});
  const json_reader o = params.object("options");
  o.allow_fields({"method", "threshold", "bins", "drift_share", "ks", "window"});
  drift::monitor_options options;
  try {
    options.stat = drift::method_from_string(o.text("method"));
  } catch (const drift_error& e) {
    o.fail("method", std::string(e.message()));
  }
  options.bins = o.count("bins");
  options.drift_share = o.finite("drift_share");
  options.ks = ks_method_from(o, o.text("ks"));
  options.threshold = o.optional_number("threshold");
  const json_reader w = o.object("window");
  w.allow_fields({"kind", "size", "step", "duration_ns"});
  options.window.kind = window_kind_from(w, w.text("kind"));
  options.window.size = w.count("size");
  options.window.step = w.count("step");
  options.window.duration = std::chrono::nanoseconds(
      w.integer("duration_ns", 0, std::numeric_limits<std::int64_t>::max()));
  basic_monitoring_tap t(std::move(options));
  t.bind(names_in);
  t.install(profile::dataset_profile::from_json(params.at("reference"), params.where("reference")));
  return t;
}

template <class V>
MLGUARD_INLINE auto basic_monitoring_tap<V>::ks_method_from(const json_reader& o,
                                                            const std::string& name)
    -> stats::ks_method {
  for (auto m :
       {stats::ks_method::automatic, stats::ks_method::exact, stats::ks_method::asymptotic}) {
    if (name == stats::to_string(m)) {
      return m;
    }
  }
  o.fail("ks", "unknown ks method '" + name + "'");
}

template <class V>
MLGUARD_INLINE auto basic_monitoring_tap<V>::window_kind_from(const json_reader& w,
                                                              const std::string& name)
    -> drift::window_kind {
  for (auto k : {drift::window_kind::tumbling_count, drift::window_kind::tumbling_time,
                 drift::window_kind::sliding_count}) {
    if (name == drift::to_string(k)) {
      return k;
    }
  }
  w.fail("kind", "unknown window kind '" + name + "'");
}

template <class V>
MLGUARD_INLINE auto basic_monitoring_tap<V>::install(profile::dataset_profile reference) -> void {
  reinstall_ = [](basic_monitoring_tap& t, const profile::dataset_profile& r) { t.install(r); };
  // The callback holds the sink, not `this`: taps move with their pipeline.
  auto on_window = [target = sink_](const drift::window_report& w) {
    target->drifting = w.drift.dataset_drift;
    if (target->on_window) {
      target->on_window(w);
    }
  };
  drift::drift_monitor m = drift::drift_monitor::from_profile(reference, options_, on_window);
  std::vector<std::size_t> positions;
  for (const auto& ref : m.references()) {
    std::size_t j = 0;
    while (j < names_in_.size() && names_in_[j] != ref.name()) {
      ++j;
    }
    if (j == names_in_.size()) {
      throw pipeline_error("unknown_feature", std::string(kind) + ": the reference's feature '" +
                                                  ref.name() + "' is not an input column");
    }
    positions.push_back(j);
  }
  positions_ = std::move(positions);
  row_.assign(positions_.size(), 0.0);
  monitor_.emplace(std::move(m));
  reference_.emplace(std::move(reference));
  sink_->drifting = false;
}

} // namespace mlguard::pipeline

#endif // MLGUARD_COMPILED
#endif // MLGUARD_PIPELINE_MONITORING_TAP_HPP
