#ifndef MLGUARD_FAIRNESS_GROUP_METRICS_HPP
#define MLGUARD_FAIRNESS_GROUP_METRICS_HPP

// Group fairness of a binary classifier, batch: per group of a sensitive
// attribute its confusion counts, selection rate, accuracy, TPR and FPR, and
// the disparities Fairlearn defines between groups (demographic parity
// difference and ratio, equalized odds difference, equal opportunity
// difference). fairness/fairness_monitor.hpp computes the same over windows.
//
// Definitions (Fairlearn 0.15, fairlearn/metrics/_fairness_metrics.py and
// _base_metrics.py; docs/fairness.md writes them out):
//   selection rate  (tp + fp) / n            P[ŷ = 1 | A = a]
//   TPR             tp / (tp + fn)           P[ŷ = 1 | A = a, y = 1]
//   FPR             fp / (fp + tn)           P[ŷ = 1 | A = a, y = 0]
//   difference      max over groups − min over groups   (method="between_groups")
//   ratio           min over groups / max over groups
//   equalized odds difference   max(TPR difference, FPR difference) (agg="worst_case")
//   equal opportunity difference  TPR difference
// Only groups that have rows take part (Fairlearn groups by the values present).
//
// Edge cases, decided once:
// - A group without positives has no TPR (without negatives: no FPR). Its
//   group_result leaves the rate unset. Fairlearn's true_positive_rate returns
//   0.0 there (sklearn's confusion_matrix(normalize="true") turns 0/0 into 0),
//   and undefined_rate::zero (the default) counts it as 0 in the disparities,
//   as Fairlearn does; undefined_rate::skip leaves the group out of them.
// - Every selection rate 0: the ratio is 0/0, NaN in Fairlearn; here unset.
// - One group present: differences 0 and ratio 1, as Fairlearn; groups_present
//   says so, and the registry guard refuses such evidence.
// - Bad input (batch): no rows, sizes that differ, a label or class other than
//   0/1, a NaN score, a group code outside the names: errors (ids below).
//
// Errors: fairness_error mlguard.fairness.empty_input, bad_label, bad_score,
// invalid_option; argument_error mlguard.argument.size_mismatch, unknown_code,
// unknown_column, wrong_kind (table columns of the wrong kind).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/core/table.hpp"
#include "mlguard/fairness/disparity.hpp"

namespace mlguard::fairness {

/// The confusion counts of one group (sklearn's confusion_matrix(labels=[0, 1]).ravel() order).
struct confusion_counts {
  std::uint64_t tn = 0;
  std::uint64_t fp = 0;
  std::uint64_t fn = 0;
  std::uint64_t tp = 0;

  /// Counts one row. Never allocates or throws.
  void add(bool label, bool predicted) noexcept { ++slot(label, predicted); }
  /// Uncounts one row added before (sliding windows).
  void remove(bool label, bool predicted) noexcept { --slot(label, predicted); }

  std::uint64_t rows() const noexcept { return tn + fp + fn + tp; }
  /// Rows whose label is 1.
  std::uint64_t positives() const noexcept { return tp + fn; }
  /// Rows whose label is 0.
  std::uint64_t negatives() const noexcept { return tn + fp; }
  /// Rows predicted 1.
  std::uint64_t selected() const noexcept { return tp + fp; }

private:
  std::uint64_t& slot(bool label, bool predicted) noexcept {
    return label ? (predicted ? tp : fn) : (predicted ? fp : tn);
  }
};

/// How a rate without a denominator (TPR of a group without positives, FPR
/// of a group without negatives) enters the disparities.
enum class undefined_rate {
  zero, ///< as 0, as Fairlearn's true_positive_rate / false_positive_rate return it
  skip  ///< the group is left out of that rate's disparity
};

/// "zero" or "skip".
inline const char* to_string(undefined_rate u) noexcept {
  return u == undefined_rate::skip ? "skip" : "zero";
}

/// Settings of the metrics (batch and windowed).
struct fairness_options {
  /// When set, predictions are scores and the predicted class is 1 when
  /// score > threshold (LogisticRegression.predict's rule for 0.5); when
  /// unset, predictions are classes, 0 or 1.
  std::optional<double> decision_threshold;
  undefined_rate undefined_rates = undefined_rate::zero;

  /// Throws fairness_error (mlguard.fairness.invalid_option) when the threshold is not finite.
  void validate() const {
    if (decision_threshold && !std::isfinite(*decision_threshold)) {
      throw fairness_error("invalid_option", "the decision threshold must be finite");
    }
  }
};

/// One group's metrics. A rate is unset when its denominator is 0 (a group
/// without rows, positives or negatives).
struct group_result {
  std::string group;
  confusion_counts counts;
  std::optional<double> selection_rate; ///< (tp + fp) / rows: Fairlearn selection_rate
  std::optional<double> accuracy;       ///< (tp + tn) / rows: sklearn accuracy_score
  std::optional<double> tpr;            ///< tp / (tp + fn): Fairlearn true_positive_rate
  std::optional<double> fpr;            ///< fp / (fp + tn): Fairlearn false_positive_rate
};

/// The metrics of one sensitive attribute: each group's, and the disparities
/// between the groups present (see the header comment). A disparity is unset
/// when no group present defines it.
struct fairness_metrics {
  /// Every group named, in code order, also those without rows.
  std::vector<group_result> groups;
  std::uint64_t rows = 0;
  /// Groups with at least one row: those the disparities compare.
  std::uint64_t groups_present = 0;
  undefined_rate undefined_rates = undefined_rate::zero;
  std::optional<double> demographic_parity_difference; ///< max − min selection rate
  std::optional<double> demographic_parity_ratio;      ///< min / max selection rate
  std::optional<double> tpr_difference;                ///< max − min TPR
  std::optional<double> fpr_difference;                ///< max − min FPR
  std::optional<double> equalized_odds_difference;     ///< max(tpr_difference, fpr_difference)
  std::optional<double> equal_opportunity_difference;  ///< tpr_difference
};

/// The value of disparity `d` in `m` (unset when undefined there).
template <class = void>
std::optional<double> value_of(const fairness_metrics& m, disparity d) noexcept;

/// Fills each group's rates and the disparities of `m` from its groups'
/// counts (rows, groups_present included). Never allocates or throws: the
/// windowed monitor runs it when a window closes.
template <class = void>
void summarise(fairness_metrics& m, undefined_rate undefined_rates) noexcept;

namespace detail {

// The class of a prediction (a score through the threshold, or a 0/1 class);
// false when it is neither a valid score nor a class. Never throws.
template <class = void>
bool predicted_class(double prediction, const std::optional<double>& threshold, bool& out) noexcept;

template <class = void>
std::string number_text(double v);

} // namespace detail

/// The metrics of `group_names.size()` groups over rows i = 0..n−1 with
/// label y_true[i], prediction y_pred[i] (a class, or a score when
/// options.decision_threshold is set) and group code groups[i] (an index
/// into group_names). Matches Fairlearn's MetricFrame and disparity
/// functions (see the header comment; fixture from sklearn's per-group
/// confusion_matrix, tests/reference/gen_fairness.py).
///
/// Throws fairness_error: mlguard.fairness.empty_input (no rows),
/// invalid_option (no group names, a threshold not finite), bad_label (a
/// label, or a class when no threshold is set, other than 0/1; the message
/// gives the row), bad_score (a NaN score); argument_error:
/// mlguard.argument.size_mismatch (lengths differ), unknown_code (a group
/// code outside group_names, or missing_code).
template <class = void> // deferred: see core/json.hpp
fairness_metrics
evaluate(span<const double> y_true, span<const double> y_pred, span<const std::int32_t> groups,
         const std::vector<std::string>& group_names, const fairness_options& options = {});

/// evaluate() on a table's columns: `label` and `prediction` numeric, `group`
/// categorical (its vocabulary names the groups). Throws as evaluate(), and
/// argument_error: mlguard.argument.unknown_column (no such column),
/// wrong_kind (a column of the other kind); NaN labels are bad_label.
template <class = void>
fairness_metrics evaluate(const table& t, std::string_view label, std::string_view prediction,
                          std::string_view group, const fairness_options& options = {});

/// `m`'s disparities and sizes as registry metrics, to record on a version
/// at registration (version_metadata::metrics) for registry::guards::fairness:
/// "<prefix>.<disparity>" for each defined disparity, "<prefix>.rows",
/// "<prefix>.groups_present". E.g. prefix "fairness.pickup_zone".
template <class = void>
std::map<std::string, double> metric_entries(const fairness_metrics& m, std::string_view prefix);

/// Writes `m`'s fields into the JSON object `j` (other fields kept): "rows",
/// "groups_present", "undefined_rates", each disparity (null when unset) and
/// "groups": [{"group", "rows", "tn", "fp", "fn", "tp", "selection_rate",
/// "accuracy", "tpr", "fpr"}] (rates null when unset).
template <class = void>
void write_metrics_fields(json& j, const fairness_metrics& m);

/// Reads what write_metrics_fields wrote: the counts, from which the rates
/// and disparities are computed again (so they cannot disagree). Throws
/// format_error (mlguard.format.corrupt naming the field, unknown_field).
template <class = void>
fairness_metrics read_metrics_fields(const json_reader& r);

/// The metrics as a JSON object (write_metrics_fields).
template <class = void>
void to_json(json& j, const fairness_metrics& m);

} // namespace mlguard::fairness

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::fairness {

template <class>
std::optional<double> value_of(const fairness_metrics& m, disparity d) noexcept {
  switch (d) {
  case disparity::demographic_parity_ratio:
    return m.demographic_parity_ratio;
  case disparity::equalized_odds_difference:
    return m.equalized_odds_difference;
  case disparity::equal_opportunity_difference:
    return m.equal_opportunity_difference;
  case disparity::tpr_difference:
    return m.tpr_difference;
  case disparity::fpr_difference:
    return m.fpr_difference;
  case disparity::demographic_parity_difference:
  default:
    return m.demographic_parity_difference;
  }
}

template <class>
void summarise(fairness_metrics& m, undefined_rate undefined_rates) noexcept {
  m.undefined_rates = undefined_rates;
  m.rows = 0;
  m.groups_present = 0;
  m.demographic_parity_difference.reset();
  m.demographic_parity_ratio.reset();
  m.tpr_difference.reset();
  m.fpr_difference.reset();
  m.equalized_odds_difference.reset();
  m.equal_opportunity_difference.reset();
  struct range {
    std::optional<double> lo;
    std::optional<double> hi;
    void add(double v) noexcept {
      lo = lo ? std::min(*lo, v) : v;
      hi = hi ? std::max(*hi, v) : v;
    }
    std::optional<double> width() const noexcept {
      return lo ? std::optional<double>(*hi - *lo) : std::nullopt;
    }
  } selection, tpr, fpr;
  const bool zero = undefined_rates == undefined_rate::zero;
  for (auto& g : m.groups) {
    const auto& c = g.counts;
    const auto rate = [](std::uint64_t num, std::uint64_t den) {
      return den == 0 ? std::nullopt
                      : std::optional<double>(static_cast<double>(num) / static_cast<double>(den));
    };
    g.selection_rate = rate(c.selected(), c.rows());
    g.accuracy = rate(c.tp + c.tn, c.rows());
    g.tpr = rate(c.tp, c.positives());
    g.fpr = rate(c.fp, c.negatives());
    if (c.rows() == 0) {
      continue;
    }
    m.rows += c.rows();
    ++m.groups_present;
    selection.add(*g.selection_rate);
    if (g.tpr || zero) {
      tpr.add(g.tpr ? *g.tpr : 0.0);
    }
    if (g.fpr || zero) {
      fpr.add(g.fpr ? *g.fpr : 0.0);
    }
  }
  m.demographic_parity_difference = selection.width();
  if (selection.hi && *selection.hi > 0.0) {
    m.demographic_parity_ratio = *selection.lo / *selection.hi;
  }
  m.tpr_difference = tpr.width();
  m.fpr_difference = fpr.width();
  m.equal_opportunity_difference = m.tpr_difference;
  if (m.tpr_difference && m.fpr_difference) {
    m.equalized_odds_difference = std::max(*m.tpr_difference, *m.fpr_difference);
  }
}

} // namespace mlguard::fairness

namespace mlguard::fairness::detail {

template <class>
bool predicted_class(double prediction, const std::optional<double>& threshold,
                     bool& out) noexcept {
  if (threshold) {
    if (std::isnan(prediction)) {
      return false;
    }
    out = prediction > *threshold;
    return true;
  }
  if (prediction != 0.0 && prediction != 1.0) {
    return false;
  }
  out = prediction == 1.0;
  return true;
}

template <class>
std::string number_text(double v) {
  json j = json_number(v);
  return j.dump();
}

} // namespace mlguard::fairness::detail

namespace mlguard::fairness {

template <class> // deferred: see core/json.hpp
fairness_metrics
evaluate(span<const double> y_true, span<const double> y_pred, span<const std::int32_t> groups,
         const std::vector<std::string>& group_names, const fairness_options& options) {
  options.validate();
  if (group_names.empty()) {
    throw fairness_error("invalid_option", "fairness metrics need at least one group name");
  }
  if (y_true.size() != y_pred.size() || y_true.size() != groups.size()) {
    throw argument_error("size_mismatch", std::to_string(y_true.size()) + " labels, " +
                                              std::to_string(y_pred.size()) + " predictions and " +
                                              std::to_string(groups.size()) +
                                              " group codes: one of each per row");
  }
  if (y_true.size() == 0) {
    throw fairness_error("empty_input", "fairness metrics need at least one row");
  }
  fairness_metrics m;
  m.groups.resize(group_names.size());
  for (std::size_t g = 0; g < group_names.size(); ++g) {
    m.groups[g].group = group_names[g];
  }
  for (std::size_t i = 0; i < y_true.size(); ++i) {
    const double y = y_true[i];
    if (y != 0.0 && y != 1.0) {
      throw fairness_error("bad_label", "row " + std::to_string(i) + ": label " +
                                            detail::number_text(y) + " is not 0 or 1");
    }
    bool predicted = false;
    if (!detail::predicted_class(y_pred[i], options.decision_threshold, predicted)) {
      if (options.decision_threshold) {
        throw fairness_error("bad_score", "row " + std::to_string(i) + ": the score is NaN");
      }
      throw fairness_error("bad_label", "row " + std::to_string(i) + ": predicted class " +
                                            detail::number_text(y_pred[i]) +
                                            " is not 0 or 1 (set decision_threshold for scores)");
    }
    const std::int32_t code = groups[i];
    if (code < 0 || static_cast<std::size_t>(code) >= group_names.size()) {
      throw argument_error("unknown_code",
                           "row " + std::to_string(i) +
                               (code == missing_code
                                    ? std::string(": the group is missing")
                                    : ": group code " + std::to_string(code) +
                                          " is not one of the " +
                                          std::to_string(group_names.size()) + " groups"));
    }
    m.groups[static_cast<std::size_t>(code)].counts.add(y == 1.0, predicted);
  }
  summarise(m, options.undefined_rates);
  return m;
}

template <class>
fairness_metrics evaluate(const table& t, std::string_view label, std::string_view prediction,
                          std::string_view group, const fairness_options& options) {
  const column& y = t.at(label); // every name is checked before any kind
  const column& p = t.at(prediction);
  const column& g = t.at(group);
  return evaluate(y.values(), p.values(), g.codes(), g.vocab().names(), options);
}

template <class>
std::map<std::string, double> metric_entries(const fairness_metrics& m, std::string_view prefix) {
  std::map<std::string, double> out;
  for (auto d : {disparity::demographic_parity_difference, disparity::demographic_parity_ratio,
                 disparity::equalized_odds_difference, disparity::equal_opportunity_difference,
                 disparity::tpr_difference, disparity::fpr_difference}) {
    if (const auto v = value_of(m, d)) {
      out[metric_name(d, prefix)] = *v;
    }
  }
  out[std::string(prefix) + ".rows"] = static_cast<double>(m.rows);
  out[std::string(prefix) + ".groups_present"] = static_cast<double>(m.groups_present);
  return out;
}

template <class>
void write_metrics_fields(json& j, const fairness_metrics& m) {
  j["rows"] = m.rows;
  j["groups_present"] = m.groups_present;
  j["undefined_rates"] = to_string(m.undefined_rates);
  for (auto d : {disparity::demographic_parity_difference, disparity::demographic_parity_ratio,
                 disparity::equalized_odds_difference, disparity::equal_opportunity_difference,
                 disparity::tpr_difference, disparity::fpr_difference}) {
    j[to_string(d)] = json_number(value_of(m, d));
  }
  json groups = json::array();
  for (const auto& g : m.groups) {
    json o = json::object();
    o["group"] = g.group;
    o["rows"] = g.counts.rows();
    o["tn"] = g.counts.tn;
    o["fp"] = g.counts.fp;
    o["fn"] = g.counts.fn;
    o["tp"] = g.counts.tp;
    o["selection_rate"] = json_number(g.selection_rate);
    o["accuracy"] = json_number(g.accuracy);
    o["tpr"] = json_number(g.tpr);
    o["fpr"] = json_number(g.fpr);
    groups.push_back(std::move(o));
  }
  j["groups"] = std::move(groups);
}

template <class>
fairness_metrics read_metrics_fields(const json_reader& r) {
  fairness_metrics m;
  const auto& u = r.text("undefined_rates");
  if (u != "zero" && u != "skip") {
    r.fail("undefined_rates", "expected \"zero\" or \"skip\"");
  }
  for (const auto& g : r.objects("groups")) {
    g.allow_fields(
        {"group", "rows", "tn", "fp", "fn", "tp", "selection_rate", "accuracy", "tpr", "fpr"});
    group_result out;
    out.group = g.text("group");
    out.counts.tn = g.count("tn");
    out.counts.fp = g.count("fp");
    out.counts.fn = g.count("fn");
    out.counts.tp = g.count("tp");
    if (g.count("rows") != out.counts.rows()) {
      g.fail("rows", "is not tn + fp + fn + tp");
    }
    m.groups.push_back(std::move(out));
  }
  summarise(m, u == "skip" ? undefined_rate::skip : undefined_rate::zero);
  if (r.count("rows") != m.rows) {
    r.fail("rows", "is not the sum of the groups' rows");
  }
  return m;
}

template <class>
void to_json(json& j, const fairness_metrics& m) {
  j = json::object();
  write_metrics_fields(j, m);
}

} // namespace mlguard::fairness

#endif // MLGUARD_COMPILED
#endif // MLGUARD_FAIRNESS_GROUP_METRICS_HPP
