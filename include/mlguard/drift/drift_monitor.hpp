#ifndef MLGUARD_DRIFT_DRIFT_MONITOR_HPP
#define MLGUARD_DRIFT_DRIFT_MONITOR_HPP

// A windowed data-drift monitor: observe one row at a time (numeric values
// and category codes), get a drift verdict per feature and for the window
// each time a window closes.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "mlguard/core/clock.hpp"
#include "mlguard/core/compiled.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/core/table.hpp"
#include "mlguard/drift/binning.hpp"
#include "mlguard/drift/feature_reference.hpp"
#include "mlguard/drift/method.hpp"
#include "mlguard/drift/window.hpp"
#include "mlguard/drift/window_report.hpp"
#include "mlguard/drift/window_state.hpp"
#include "mlguard/stats/ks.hpp"

namespace mlguard::drift {

/// One feature's own method in a drift_monitor (monitor_options::per_feature).
/// Unlike report_options' column_options, nothing is inherited from the
/// monitor-wide settings: `stat` is the feature's method (automatic =
/// monitor_method's choice for it) and an unset threshold is that method's
/// default_threshold.
struct feature_options {
  method stat = method::automatic;
  std::optional<double> threshold;
};

/// What a drift_monitor computes and how it cuts windows.
struct monitor_options {
  /// The method of every feature without a per_feature entry: psi (the
  /// default), jensen_shannon, kl_divergence, hellinger, total_variation,
  /// l_infinity, chi_square (over the reference bins or categories),
  /// ks_2samp (numeric features), chi2_contingency and z_test (categorical
  /// features), or automatic (see monitor_method).
  method stat = method::psi;
  /// The threshold of those features; unset = the method's default_threshold.
  std::optional<double> threshold;
  /// Quantile bins per feature (fewer when reference quantiles coincide).
  std::size_t bins = default_bins;
  /// A window drifts as a whole when the share of drifted features is ≥ this.
  double drift_share = 0.5;
  /// The window policy.
  window_options window;
  /// How KS computes its p-value: automatic is scipy's rule (exact when
  /// max(n_ref, n_window) ≤ 10000, which costs ~2 ms per feature and window
  /// for 10000 vs 1000 values); asymptotic is ~100× cheaper and, for windows
  /// of hundreds of rows, close to the exact p-value.
  stats::ks_method ks = stats::ks_method::automatic;
  /// Methods and thresholds by feature name, overriding stat and threshold
  /// (last, so positional initialisers of the fields above keep working).
  std::map<std::string, feature_options> per_feature;
};

/// Watches a stream of rows (one value per feature, in the order of the
/// references) against fixed references and reports drift per closed window.
///
/// A row holds a numeric feature's value, and a categorical feature's code
/// as a double (as validate::validate_fields produces it): NaN or missing_code
/// is missing; an integer in [0, V) is that category; anything else
/// (unseen_code, a code past the vocabulary, a fraction, ±Inf) counts in
/// the feature's "other" bin.
///
/// observe(row) costs O(features × log bins): per numeric feature one
/// binary search over the reference edges, per categorical feature one
/// range check (direct indexing), then one counter increment, plus one store
/// into a preallocated buffer when the method needs the values (KS) or the
/// window slides. It never allocates and never throws on bad data: NaN
/// counts as missing, ±Inf as non-finite (both excluded from the statistics,
/// as the drift report does). When a window closes (the row that completes
/// it), the statistics run — the same functions as the batch API
/// (psi(bin_table), jensen_shannon, chi_square(category_counts),
/// stats::ks_2samp_sorted; for categorical features the category_counts
/// forms over the categories present, as compare() does), so a window's
/// result equals the batch result on the window's rows — and the callback
/// gets a window_report. Closing allocates the report.
///
/// Memory, fixed at construction and independent of the stream's length,
/// with F features, b_f bins (categorical: V_f + 1), W = window.size, s_f the
/// KS reference sample (0 unless the method is ks/automatic) and v = 1 when
/// values are kept (ks, automatic, or a sliding window), else 0:
///   Σ_f r_f                         (references; numeric: 8·(3·b_f − 1) + 8·s_f for
///                                    edges, proportions, counts, sample; categorical:
///                                    16·b_f + the vocabulary's strings)
/// + Σ_f [ 8·b_f + 16 + 48 ]         (window: bin counts, missing, non-finite, slot)
/// + Σ_numeric f 8·(2^⌈log2 b_f⌉ − 1)  (the edges, padded for the branch-free search)
/// + v · 8·W·(F + 1)                 (window values and one sort buffer)
/// + KS scratch ≤ 8·(min(s_f, W) + 1) (the exact p-value's path buffer).
/// memory_bytes() reports it (without the vocabularies' strings).
///
/// Threads: not synchronised. Use one monitor per thread and merge their
/// snapshot() states on read (window_state::merge, evaluate), or the
/// concurrent_monitor wrapper.
template <class = void> // deferred: see core/json.hpp
class basic_drift_monitor {
public:
  /// Receives each closed window.
  using callback = std::function<void(const window_report&)>;

  /// A monitor of the given references. `clock` drives time windows
  /// (observe without a timestamp reads it) and must outlive the monitor.
  /// Throws drift_error: mlguard.drift.invalid_option (no references, a bad
  /// window, drift_share outside [0, 1], a negative threshold, a per_feature
  /// entry naming no reference), mlguard.drift.method_not_applicable (a
  /// method the monitor cannot run on a feature of its kind — e.g. ks_2samp
  /// on a categorical feature, the message names it — or ks against
  /// references built without their sample).
  basic_drift_monitor(std::vector<feature_reference> references, monitor_options options,
                      callback on_window = {},
                      const clock_source& clock = system_clock::instance());

  /// A monitor whose references are the columns of a training table:
  /// numeric columns by feature_reference::from_sample, categorical ones by
  /// from_codes (the rows then carry codes into the column's vocabulary).
  /// Left out, and listed in unmonitored(): a column without a finite
  /// (numeric) or present (categorical) value, and a categorical column
  /// when options.stat cannot run on categories (ks_2samp) and per_feature
  /// does not name it. Throws as the constructor.
  static basic_drift_monitor from_table(const table& reference, monitor_options options,
                                        callback on_window = {},
                                        const clock_source& clock = system_clock::instance());

  /// A monitor whose references are the columns of a matrix (rows = training
  /// observations), named by `names`: any Eigen matrix or expression, either
  /// storage order, read one column at a time (no copy of the whole matrix).
  /// Throws argument_error (mlguard.argument.size_mismatch) when names and
  /// columns differ in number, and as the constructor.
  template <typename Derived>
  static basic_drift_monitor from_matrix(const Eigen::DenseBase<Derived>& reference,
                                         const std::vector<std::string>& names,
                                         monitor_options options, callback on_window = {},
                                         const clock_source& clock = system_clock::instance()) {
    if (names.size() != static_cast<std::size_t>(reference.cols())) {
      throw argument_error("size_mismatch", std::to_string(names.size()) + " names for " +
                                                std::to_string(reference.cols()) + " columns");
    }
    std::vector<feature_reference> refs;
    std::vector<double> column(static_cast<std::size_t>(reference.rows()));
    for (Eigen::Index j = 0; j < reference.cols(); ++j) {
      for (Eigen::Index i = 0; i < reference.rows(); ++i) {
        column[static_cast<std::size_t>(i)] = reference.derived().coeff(i, j);
      }
      const auto& name = names[static_cast<std::size_t>(j)];
      refs.push_back(feature_reference::from_sample(name, column, options.bins,
                                                    keeps_sample(asked_method(options, name))));
    }
    return basic_drift_monitor(std::move(refs), std::move(options), std::move(on_window), clock);
  }

  /// A monitor whose references are the features of a dataset profile
  /// (profile::dataset_profile; see feature_reference::from_profile for the
  /// approximation). A categorical feature's vocabulary is its profile's
  /// categories in string order: rows must carry codes into it (the
  /// overload taking vocabularies aligns them to a schema's codes instead).
  /// Left out, and listed in unmonitored(), as from_table does. A template
  /// so that drift/ does not include profile/ for the users who never call
  /// it: the caller includes profile/dataset_profile.hpp, and loads a
  /// profile file with dataset_profile's own loader. Throws as the constructor.
  template <typename DatasetProfile>
  static basic_drift_monitor from_profile(const DatasetProfile& reference, monitor_options options,
                                          callback on_window = {},
                                          const clock_source& clock = system_clock::instance()) {
    return from_profile(reference, {}, std::move(options), std::move(on_window), clock);
  }

  /// from_profile() whose categorical features named in `vocabularies`
  /// take that vocabulary (code i = its name i; feature_reference::
  /// from_profile(name, profile, vocab)), e.g. a validate::schema's
  /// vocab(i), so that rows carry the schema's codes. Throws as the
  /// constructor and feature_reference::from_profile (wrong_kind for a
  /// vocabulary given to a numeric feature).
  template <typename DatasetProfile>
  static basic_drift_monitor from_profile(const DatasetProfile& reference,
                                          const std::map<std::string, vocabulary>& vocabularies,
                                          monitor_options options, callback on_window = {},
                                          const clock_source& clock = system_clock::instance()) {
    std::vector<feature_reference> refs;
    std::vector<std::string> skipped;
    for (const auto& name : reference.columns()) {
      const auto& p = reference.at(name);
      const auto vocab = vocabularies.find(name);
      if (vocab != vocabularies.end()) {
        refs.push_back(feature_reference::from_profile(name, p, vocab->second));
      } else if (p.kind() == column_kind::numeric && p.finite_count() > 0) {
        refs.push_back(feature_reference::from_profile(name, p, options.bins));
      } else if (p.kind() == column_kind::categorical && p.present_count() > 0 &&
                 watches_categories(options, name)) {
        refs.push_back(feature_reference::from_profile(name, p));
      } else {
        skipped.push_back(name);
      }
    }
    basic_drift_monitor m(std::move(refs), std::move(options), std::move(on_window), clock);
    m.unmonitored_ = std::move(skipped);
    return m;
  }

  // ---- the hot path --------------------------------------------------------

  /// Adds one row of features() values (a contiguous row; NaN = missing;
  /// a categorical feature's code as a double, see the class comment).
  /// Time windows read the clock. Closes a window when the row completes it
  /// (the callback runs then). Never allocates or throws unless a window closes.
  void observe(const double* row);

  /// observe() on a span. Throws argument_error (mlguard.argument.size_mismatch)
  /// when its size is not features().
  void observe(span<const double> row);

  /// observe() on an Eigen vector or matrix row expression (any storage
  /// order or stride), read coefficient by coefficient into a stack buffer
  /// (rows of more than 64 features are copied to the heap).
  /// Throws as observe(span).
  template <typename Derived>
  void observe(const Eigen::DenseBase<Derived>& row) {
    check_width(static_cast<std::size_t>(row.size()));
    double buffer[64];
    if (row.size() <= 64) {
      for (Eigen::Index i = 0; i < row.size(); ++i) {
        buffer[i] = row.derived().coeff(i);
      }
      observe(static_cast<const double*>(buffer));
      return;
    }
    const Eigen::Matrix<double, 1, Eigen::Dynamic> copy = row.derived();
    observe(copy.data());
  }

  /// Adds a row observed at time `t` (time windows: a row at or after the
  /// current window's end closes it first; windows are aligned to the
  /// first row's time; empty time spans yield no window). For count
  /// windows `t` is ignored.
  void observe_at(const double* row, timestamp t);

  /// Time windows: closes the current window when `clock` says its time is
  /// up, without a new row (call it from a timer). Returns true if a window closed.
  bool poll();

  /// Closes the current window now, if it holds rows (count windows: a
  /// partial window; sliding: the last min(rows, size) rows). Returns true if
  /// a window was reported.
  bool flush();

  /// Discards the current window (its rows are not reported) and starts
  /// an empty one. Allocation-free.
  void reset_window() noexcept;

  // ---- states, merging -----------------------------------------------------

  /// The current window's mergeable state (values included when the method
  /// needs them). Allocates.
  window_state snapshot() const;

  /// The drift report of a state (e.g. the merge of several replicas'
  /// snapshots of monitors with the same references and options), with
  /// index `index` and first/last row 0. Throws argument_error
  /// (mlguard.argument.size_mismatch) for a state of another shape.
  window_report evaluate(const window_state& state, std::uint64_t index = 0) const;

  // ---- accessors -----------------------------------------------------------

  /// The number of monitored features (the row width observe expects).
  std::size_t features() const noexcept { return refs_.size(); }
  /// The references, in row order.
  const std::vector<feature_reference>& references() const noexcept { return refs_; }
  /// Columns of the reference that from_table / from_profile could not
  /// monitor: no finite (numeric) or present (categorical) value, or a
  /// categorical column under a method that needs numbers (see from_table).
  const std::vector<std::string>& unmonitored() const noexcept { return unmonitored_; }
  /// The method run on feature f (monitor_method of its own or the monitor's).
  method method_of(std::size_t f) const noexcept { return slots_[f].stat; }
  /// The threshold of feature f.
  double threshold_of(std::size_t f) const noexcept { return slots_[f].threshold; }
  /// The options.
  const monitor_options& options() const noexcept { return options_; }
  /// Rows in the current window.
  std::size_t rows_in_window() const noexcept { return in_window_; }
  /// Rows observed since construction.
  std::uint64_t rows_seen() const noexcept { return rows_; }
  /// Windows closed since construction.
  std::uint64_t windows_closed() const noexcept { return windows_; }
  /// True when per-row values are buffered (KS, automatic, sliding windows).
  bool keeps_values() const noexcept { return keep_values_; }

  /// The bytes this monitor holds (references, window state, buffers; see
  /// the formula in the class comment). Constant while streaming.
  std::size_t memory_bytes() const noexcept;

private:
  struct slot {
    std::size_t edges = 0;        // offset of the padded edges in edges_ (numeric)
    std::size_t half = 0;         // (padded size + 1) / 2: the first search step (numeric)
    std::size_t offset = 0;       // offset of the bin counts in counts_
    double threshold = 0;         // the feature's threshold
    std::uint32_t categories = 0; // V (categorical)
    method stat = method::psi;    // the feature's method, resolved
    bool categorical = false;
  };

  // The smallest 2^k − 1 ≥ n.
  static std::size_t padded_size(std::size_t n) noexcept;

  static bool keeps_sample(method m) noexcept;

  // The method asked for feature `name`: its per_feature entry's, or stat.
  static method asked_method(const monitor_options& o, const std::string& name);

  // Whether a factory monitors categorical column `name`: always when
  // per_feature names it (the constructor then checks its method).
  static bool watches_categories(const monitor_options& o, const std::string& name);

  bool needs_values(std::size_t f) const noexcept { return slots_[f].stat == method::ks_2samp; }

  void check_width(std::size_t n) const;

  void check_state(const window_state& s) const;

  // Counts x into feature f's window (+1) or out of it (−1 as unsigned wrap).
  void count(std::size_t f, double x, std::uint64_t delta) noexcept;

  void add(const double* row);

  void advance_time(timestamp t);

  void close();

  std::vector<feature_reference> refs_;
  monitor_options options_;
  callback on_window_;
  const clock_source* clock_;
  std::vector<std::string> unmonitored_;
  bool keep_values_ = false;
  std::vector<slot> slots_;
  std::vector<double> edges_; // every feature's padded interior edges
  std::vector<std::uint64_t> counts_;
  std::vector<std::uint64_t> missing_;
  std::vector<std::uint64_t> non_finite_;
  std::vector<double> values_; // row-major ring: values_[slot * features + f]
  std::vector<double> sorted_; // one feature's finite window values, sorted at close
  mutable std::vector<double> ks_scratch_;
  std::size_t in_window_ = 0;
  std::size_t head_ = 0;
  std::size_t since_close_ = 0;
  std::uint64_t rows_ = 0;
  std::uint64_t windows_ = 0;
  std::optional<timestamp> start_;
};

/// The type to name (a class template only so that its bodies compile where used).
using drift_monitor = basic_drift_monitor<>;

} // namespace mlguard::drift

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include "mlguard/drift/detail/evaluate_window.hpp"
#include "mlguard/drift/monitor_method.hpp"

namespace mlguard::drift {

template <class V>
MLGUARD_INLINE
basic_drift_monitor<V>::basic_drift_monitor(std::vector<feature_reference> references,
                                            monitor_options options, callback on_window,
                                            const clock_source& clock)
    : refs_(std::move(references)), options_(std::move(options)), on_window_(std::move(on_window)),
      clock_(&clock) {
  if (refs_.empty()) {
    throw drift_error("invalid_option", "a monitor needs at least one feature");
  }
  options_.window.validate();
  if (!(options_.drift_share >= 0.0 && options_.drift_share <= 1.0)) {
    throw drift_error("invalid_option", "drift_share must be in [0, 1]");
  }
  if (options_.threshold && !(*options_.threshold >= 0.0)) {
    throw drift_error("invalid_option", "threshold must be a non-negative number");
  }
  for (const auto& entry : options_.per_feature) {
    const bool known = std::any_of(refs_.begin(), refs_.end(), [&](const feature_reference& r) {
      return r.name() == entry.first;
    });
    if (!known) {
      throw drift_error("invalid_option", "per_feature names '" + entry.first +
                                              "', which is not a monitored feature");
    }
    if (entry.second.threshold && !(*entry.second.threshold >= 0.0)) {
      throw drift_error("invalid_option", "the threshold of feature '" + entry.first +
                                              "' must be a non-negative number");
    }
  }
  // Flat, preallocated state: the hot path touches contiguous arrays only.
  // Each numeric feature's interior edges, padded with +inf to 2^k − 1
  // entries for the branch-free binary search of count().
  slots_.resize(refs_.size());
  bool needs_values = options_.window.kind == window_kind::sliding_count;
  std::size_t offset = 0;
  std::size_t total = 0;
  for (const auto& r : refs_) {
    total += padded_size(r.interior_edges().size());
  }
  edges_.reserve(total);
  for (std::size_t f = 0; f < refs_.size(); ++f) {
    const auto& r = refs_[f];
    slot& s = slots_[f];
    const auto it = options_.per_feature.find(r.name());
    const method asked = it == options_.per_feature.end() ? options_.stat : it->second.stat;
    if (!monitor_supports(asked, r.kind())) {
      throw drift_error("method_not_applicable",
                        std::string(to_string(asked)) + " cannot run on " + to_string(r.kind()) +
                            " feature '" + r.name() + "' in a streaming monitor (" +
                            (r.is_categorical()
                                 ? "use psi, jensen_shannon, kl_divergence, hellinger, "
                                   "total_variation, l_infinity, chi_square, chi2_contingency, "
                                   "z_test or auto)"
                                 : "use psi, jensen_shannon, kl_divergence, hellinger, "
                                   "total_variation, l_infinity, chi_square, ks_2samp or auto)"));
    }
    s.stat = monitor_method(asked, r);
    if (s.stat == method::ks_2samp && r.sorted_sample().empty()) {
      throw drift_error("method_not_applicable",
                        "ks needs the reference sample of feature '" + r.name() + "'");
    }
    needs_values = needs_values || s.stat == method::ks_2samp;
    const auto threshold =
        it == options_.per_feature.end() ? options_.threshold : it->second.threshold;
    s.threshold = threshold.value_or(default_threshold(s.stat));
    s.offset = offset;
    offset += r.bins();
    if (r.is_categorical()) {
      s.categorical = true;
      s.categories = static_cast<std::uint32_t>(r.vocabulary().size());
      continue;
    }
    const auto& e = r.interior_edges();
    const std::size_t padded = padded_size(e.size());
    s.edges = edges_.size();
    s.half = (padded + 1) / 2;
    edges_.insert(edges_.end(), e.begin(), e.end());
    edges_.insert(edges_.end(), padded - e.size(), std::numeric_limits<double>::infinity());
  }
  keep_values_ = needs_values;
  counts_.assign(offset, 0);
  missing_.assign(refs_.size(), 0);
  non_finite_.assign(refs_.size(), 0);
  if (keep_values_) {
    values_.assign(options_.window.size * refs_.size(), 0.0);
    sorted_.assign(options_.window.size, 0.0);
  }
}

template <class V>
MLGUARD_INLINE auto basic_drift_monitor<V>::from_table(const table& reference,
                                                       monitor_options options, callback on_window,
                                                       const clock_source& clock)
    -> basic_drift_monitor {
  std::vector<feature_reference> refs;
  std::vector<std::string> skipped;
  for (const auto& c : reference) {
    const method m = asked_method(options, c.name());
    if (c.is_numeric()) {
      const bool any = std::any_of(c.values().begin(), c.values().end(),
                                   [](double v) { return std::isfinite(v); });
      if (any) {
        refs.push_back(
            feature_reference::from_sample(c.name(), c.values(), options.bins, keeps_sample(m)));
      } else {
        skipped.push_back(c.name());
      }
    } else if (c.missing_count() < c.size() && watches_categories(options, c.name())) {
      refs.push_back(feature_reference::from_codes(c.name(), c.vocab(), c.codes()));
    } else {
      skipped.push_back(c.name());
    }
  }
  basic_drift_monitor m(std::move(refs), std::move(options), std::move(on_window), clock);
  m.unmonitored_ = std::move(skipped);
  return m;
}

template <class V>
MLGUARD_INLINE auto basic_drift_monitor<V>::observe(const double* row) -> void {
  if (options_.window.kind == window_kind::tumbling_time) {
    observe_at(row, clock_->now());
    return;
  }
  add(row);
}

template <class V>
MLGUARD_INLINE auto basic_drift_monitor<V>::observe(span<const double> row) -> void {
  check_width(row.size());
  observe(row.data());
}

template <class V>
MLGUARD_INLINE auto basic_drift_monitor<V>::observe_at(const double* row, timestamp t) -> void {
  if (options_.window.kind == window_kind::tumbling_time) {
    advance_time(t);
  }
  add(row);
}

template <class V>
MLGUARD_INLINE auto basic_drift_monitor<V>::poll() -> bool {
  if (options_.window.kind != window_kind::tumbling_time || !start_) {
    return false;
  }
  const auto before = windows_;
  advance_time(clock_->now());
  return windows_ != before;
}

template <class V>
MLGUARD_INLINE auto basic_drift_monitor<V>::flush() -> bool {
  if (in_window_ == 0) {
    return false;
  }
  close();
  return true;
}

template <class V>
MLGUARD_INLINE auto basic_drift_monitor<V>::reset_window() noexcept -> void {
  std::fill(counts_.begin(), counts_.end(), 0);
  std::fill(missing_.begin(), missing_.end(), 0);
  std::fill(non_finite_.begin(), non_finite_.end(), 0);
  in_window_ = 0;
  head_ = 0;
  since_close_ = 0;
}

template <class V>
MLGUARD_INLINE auto basic_drift_monitor<V>::snapshot() const -> window_state {
  window_state s;
  s.rows = in_window_;
  s.features.resize(refs_.size());
  for (std::size_t f = 0; f < refs_.size(); ++f) {
    auto& fs = s.features[f];
    fs.counts.assign(counts_.begin() + static_cast<std::ptrdiff_t>(slots_[f].offset),
                     counts_.begin() +
                         static_cast<std::ptrdiff_t>(slots_[f].offset + refs_[f].bins()));
    fs.missing = missing_[f];
    fs.non_finite = non_finite_[f];
    if (keep_values_ && needs_values(f)) {
      for (std::size_t i = 0; i < in_window_; ++i) {
        const double v = values_[i * refs_.size() + f];
        if (std::isfinite(v)) {
          fs.values.push_back(v);
        }
      }
    }
  }
  return s;
}

template <class V>
MLGUARD_INLINE auto basic_drift_monitor<V>::evaluate(const window_state& state,
                                                     std::uint64_t index) const -> window_report {
  check_state(state);
  window_report w;
  w.index = index;
  w.rows = state.rows;
  std::vector<double> values;
  for (std::size_t f = 0; f < refs_.size(); ++f) {
    const auto& fs = state.features[f];
    values.assign(fs.values.begin(), fs.values.end());
    w.drift.columns.push_back(detail::evaluate_feature(
        refs_[f], slots_[f].stat, slots_[f].threshold, fs.counts.data(), fs.missing, fs.non_finite,
        values.data(), values.size(), ks_scratch_, options_.ks));
  }
  detail::tally(w.drift, options_.drift_share);
  return w;
}

template <class V>
MLGUARD_INLINE auto basic_drift_monitor<V>::memory_bytes() const noexcept -> std::size_t {
  std::size_t bytes = sizeof(*this);
  for (const auto& r : refs_) {
    bytes += r.memory_bytes();
  }
  bytes += slots_.capacity() * sizeof(slot) + edges_.capacity() * sizeof(double) +
           counts_.capacity() * sizeof(std::uint64_t) +
           (missing_.capacity() + non_finite_.capacity()) * sizeof(std::uint64_t) +
           (values_.capacity() + sorted_.capacity() + ks_scratch_.capacity()) * sizeof(double);
  return bytes;
}

template <class V>
MLGUARD_INLINE auto basic_drift_monitor<V>::padded_size(std::size_t n) noexcept -> std::size_t {
  std::size_t padded = 0;
  while (padded < n) {
    padded = 2 * padded + 1;
  }
  return padded;
}

template <class V>
MLGUARD_INLINE auto basic_drift_monitor<V>::keeps_sample(method m) noexcept -> bool {
  return m == method::ks_2samp || m == method::automatic;
}

template <class V>
MLGUARD_INLINE auto basic_drift_monitor<V>::asked_method(const monitor_options& o,
                                                         const std::string& name) -> method {
  const auto it = o.per_feature.find(name);
  return it == o.per_feature.end() ? o.stat : it->second.stat;
}

template <class V>
MLGUARD_INLINE auto basic_drift_monitor<V>::watches_categories(const monitor_options& o,
                                                               const std::string& name) -> bool {
  return o.per_feature.count(name) != 0 || monitor_supports(o.stat, column_kind::categorical);
}

template <class V>
MLGUARD_INLINE auto basic_drift_monitor<V>::check_width(std::size_t n) const -> void {
  if (n != refs_.size()) {
    throw argument_error("size_mismatch", "a row of " + std::to_string(n) + " values for " +
                                              std::to_string(refs_.size()) + " features");
  }
}

template <class V>
MLGUARD_INLINE auto basic_drift_monitor<V>::check_state(const window_state& s) const -> void {
  if (s.features.size() != refs_.size()) {
    throw argument_error("size_mismatch", "a window state of " + std::to_string(s.features.size()) +
                                              " features for a monitor of " +
                                              std::to_string(refs_.size()));
  }
  for (std::size_t f = 0; f < refs_.size(); ++f) {
    if (s.features[f].counts.size() != refs_[f].bins()) {
      throw argument_error("size_mismatch", "a window state whose bins differ for feature '" +
                                                refs_[f].name() + "'");
    }
  }
}

template <class V>
MLGUARD_INLINE auto basic_drift_monitor<V>::count(std::size_t f, double x,
                                                  std::uint64_t delta) noexcept -> void {
  const slot& s = slots_[f];
  if (s.categorical) {
    // A code: missing, or its bin by direct indexing; selects, no branches.
    const std::uint64_t missing = (std::isnan(x) || x == static_cast<double>(missing_code)) ? 1 : 0;
    missing_[f] += delta * missing;
    counts_[s.offset + feature_reference::category_bin(x, s.categories)] += delta * (1 - missing);
    return;
  }
  if (std::isnan(x)) {
    missing_[f] += delta;
  } else if (std::isinf(x)) {
    non_finite_[f] += delta;
  } else {
    // The number of edges ≤ x (std::upper_bound), without branches:
    // log2(padded + 1) dependent compares over a 2^k − 1 array.
    const double* e = edges_.data() + s.edges;
    std::size_t pos = 0;
    for (std::size_t step = s.half; step > 0; step >>= 1) {
      pos += e[pos + step - 1] <= x ? step : 0;
    }
    counts_[s.offset + pos] += delta;
  }
}

template <class V>
MLGUARD_INLINE auto basic_drift_monitor<V>::add(const double* row) -> void {
  const std::size_t width = refs_.size();
  const auto& w = options_.window;
  if (w.kind == window_kind::sliding_count) {
    double* dst = values_.data() + head_ * width;
    if (in_window_ == w.size) {
      for (std::size_t f = 0; f < width; ++f) {
        count(f, dst[f], ~std::uint64_t{0}); // evict the oldest row
      }
    } else {
      ++in_window_;
    }
    for (std::size_t f = 0; f < width; ++f) {
      dst[f] = row[f];
      count(f, row[f], 1);
    }
    head_ = head_ + 1 == w.size ? 0 : head_ + 1;
    ++rows_;
    ++since_close_;
    if (in_window_ == w.size && since_close_ >= w.step) {
      close();
    }
    return;
  }
  if (keep_values_) {
    double* dst = values_.data() + in_window_ * width;
    for (std::size_t f = 0; f < width; ++f) {
      dst[f] = row[f];
    }
  }
  for (std::size_t f = 0; f < width; ++f) {
    count(f, row[f], 1);
  }
  ++in_window_;
  ++rows_;
  if (in_window_ == w.size) {
    close();
  }
}

template <class V>
MLGUARD_INLINE auto basic_drift_monitor<V>::advance_time(timestamp t) -> void {
  detail::advance_time_window(start_, t, options_.window.duration, [this] {
    if (in_window_ > 0) {
      close();
    }
  });
}

template <class V>
MLGUARD_INLINE auto basic_drift_monitor<V>::close() -> void {
  const std::size_t width = refs_.size();
  const bool sliding = options_.window.kind == window_kind::sliding_count;
  window_report w;
  w.index = windows_;
  w.rows = in_window_;
  w.first_row = rows_ - in_window_ + 1;
  w.last_row = rows_;
  if (options_.window.kind == window_kind::tumbling_time) {
    w.start = start_;
  }
  w.drift.columns.reserve(width);
  for (std::size_t f = 0; f < width; ++f) {
    std::size_t n = 0;
    if (keep_values_ && needs_values(f)) {
      for (std::size_t i = 0; i < in_window_; ++i) {
        const double v = values_[i * width + f];
        if (std::isfinite(v)) {
          sorted_[n++] = v;
        }
      }
    }
    w.drift.columns.push_back(detail::evaluate_feature(
        refs_[f], slots_[f].stat, slots_[f].threshold, counts_.data() + slots_[f].offset,
        missing_[f], non_finite_[f], sorted_.data(), n, ks_scratch_, options_.ks));
  }
  detail::tally(w.drift, options_.drift_share);
  ++windows_;
  since_close_ = 0;
  if (!sliding) {
    reset_window();
  }
  if (on_window_) {
    on_window_(w);
  }
}

} // namespace mlguard::drift

#endif // MLGUARD_COMPILED
#endif // MLGUARD_DRIFT_DRIFT_MONITOR_HPP
