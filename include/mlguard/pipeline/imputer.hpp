#ifndef MLGUARD_PIPELINE_IMPUTER_HPP
#define MLGUARD_PIPELINE_IMPUTER_HPP

// The imputer stage: fills missing values (NaN) per column, as sklearn's
// SimpleImputer does.

#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/pipeline/detail/columnwise.hpp"

namespace mlguard::pipeline {

/// How an imputer fills a column's missing values (NaN).
enum class impute_strategy { mean, median, most_frequent, constant };

/// "mean", "median", "most_frequent" or "constant" (sklearn's strategy names).
constexpr const char* to_string(impute_strategy s) noexcept {
  switch (s) {
  case impute_strategy::mean:
    return "mean";
  case impute_strategy::median:
    return "median";
  case impute_strategy::most_frequent:
    return "most_frequent";
  case impute_strategy::constant:
    return "constant";
  }
  return "constant";
}

/// Parses a strategy name; nullopt when `s` names none.
template <class = void>
std::optional<impute_strategy> impute_strategy_from_string(std::string_view s) noexcept;

/// Replaces NaN by a value learned per column. Matches
/// sklearn.impute.SimpleImputer (1.2): mean and median of the non-missing
/// values, most_frequent = the smallest of the most frequent values, constant =
/// fill_value. Unlike sklearn, a column with no value to learn from is an
/// error (sklearn drops it, which would change the width silently).
template <class = void> // deferred: see core/json.hpp
class basic_imputer : public detail::columnwise<basic_imputer<>> {
public:
  static constexpr std::string_view kind = "imputer";

  /// Imputes `columns` (empty: all) with `strategy`; `fill_value` serves the
  /// constant strategy.
  explicit basic_imputer(impute_strategy strategy = impute_strategy::mean,
                         std::vector<std::string> columns = {}, double fill_value = 0.0)
      : columnwise(std::move(columns)), strategy_(strategy), fill_value_(fill_value) {}

  /// Uses another strategy for one column (which must be among the imputed ones).
  basic_imputer& set_strategy(std::string column, impute_strategy strategy,
                              double fill_value = 0.0);

  /// Learns each column's fill value. Throws pipeline_error
  /// (mlguard.pipeline.width_mismatch, mlguard.pipeline.empty_column,
  /// mlguard.pipeline.unknown_feature for an override naming no imputed column).
  void fit(const Eigen::Ref<const Eigen::MatrixXd>& X);

  /// x, or the column's fill value when x is NaN.
  double apply(std::size_t k, double x) const noexcept;

  /// The fill values of the imputed columns (sklearn's statistics_).
  const std::vector<double>& statistics() const noexcept { return statistics_; }

  /// {"columns", "strategy", "fill_value", "overrides", "statistics"}.
  json to_json() const;
  /// Restores a fitted imputer. Throws format_error (mlguard.format.corrupt,
  /// mlguard.format.unknown_field), pipeline_error (width_mismatch, unknown_feature).
  static basic_imputer from_json(const json_reader& params,
                                 const std::vector<std::string>& names_in);

private:
  static impute_strategy strategy_from(const json_reader& r);

  struct override_entry {
    std::string column;
    impute_strategy strategy;
    double fill_value;
  };
  struct choice {
    impute_strategy strategy;
    double fill;
  };

  choice strategy_of(std::size_t k) const;

  void check_overrides() const;

  impute_strategy strategy_;
  double fill_value_;
  std::vector<override_entry> overrides_;
  std::vector<double> statistics_;
};

/// The type to name (a class template only so that its bodies compile where used).
using imputer = basic_imputer<>;

} // namespace mlguard::pipeline

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::pipeline {

template <class>
std::optional<impute_strategy> impute_strategy_from_string(std::string_view s) noexcept {
  for (auto v : {impute_strategy::mean, impute_strategy::median, impute_strategy::most_frequent,
                 impute_strategy::constant}) {
    if (s == to_string(v)) {
      return v;
    }
  }
  return std::nullopt;
}

template <class V>
MLGUARD_INLINE auto basic_imputer<V>::set_strategy(std::string column, impute_strategy strategy,
                                                   double fill_value) -> basic_imputer& {
  overrides_.push_back({std::move(column), strategy, fill_value});
  return *this;
}

template <class V>
MLGUARD_INLINE auto basic_imputer<V>::fit(const Eigen::Ref<const Eigen::MatrixXd>& X) -> void {
  prepare_fit(X);
  statistics_.assign(acted_on(), 0.0);
  for (std::size_t k = 0; k < acted_on(); ++k) {
    const auto [strategy, fill] = strategy_of(k);
    if (strategy == impute_strategy::constant) {
      statistics_[k] = fill;
      continue;
    }
    const auto v = detail::sorted_present(X, column_index(k));
    detail::check_not_empty(v, column_name(k), kind);
    const std::size_t n = v.size();
    if (strategy == impute_strategy::mean) {
      double sum = 0;
      for (double x : v) {
        sum += x;
      }
      statistics_[k] = sum / static_cast<double>(n);
    } else if (strategy == impute_strategy::median) {
      statistics_[k] = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    } else {
      std::size_t best = 0;
      std::size_t best_count = 0;
      for (std::size_t i = 0; i < n;) {
        std::size_t j = i;
        while (j < n && v[j] == v[i]) {
          ++j;
        }
        if (j - i > best_count) { // strict: ties keep the smaller value
          best = i;
          best_count = j - i;
        }
        i = j;
      }
      statistics_[k] = v[best];
    }
  }
  check_overrides();
  fitted_ = true;
}

template <class V>
MLGUARD_INLINE auto basic_imputer<V>::apply(std::size_t k, double x) const noexcept -> double {
  return std::isnan(x) ? statistics_[k] : x;
}

template <class V>
MLGUARD_INLINE auto basic_imputer<V>::to_json() const -> json {
  json j = base_json();
  j["strategy"] = to_string(strategy_);
  j["fill_value"] = json_number(fill_value_);
  json overrides = json::array();
  for (const auto& o : overrides_) {
    json entry = json::object();
    entry["column"] = o.column;
    entry["strategy"] = to_string(o.strategy);
    entry["fill_value"] = json_number(o.fill_value);
    overrides.push_back(std::move(entry));
  }
  j["overrides"] = std::move(overrides);
  j["statistics"] = json_numbers(statistics_);
  return j;
}

template <class V>
MLGUARD_INLINE auto basic_imputer<V>::from_json(const json_reader& params,
                                                const std::vector<std::string>& names_in)
    -> basic_imputer {
  params.allow_fields({"columns", "strategy", "fill_value", "overrides", "statistics"});
  basic_imputer s(strategy_from(params), {}, params.number("fill_value"));
  if (params.has("overrides")) {
    for (const auto& o : params.objects("overrides")) {
      o.allow_fields({"column", "strategy", "fill_value"});
      s.set_strategy(o.text("column"), strategy_from(o), o.number("fill_value"));
    }
  }
  s.base_from_json(params, names_in);
  s.check_overrides();
  s.statistics_ = detail::read_numbers(params, "statistics", s.acted_on());
  s.fitted_ = true;
  return s;
}

template <class V>
MLGUARD_INLINE auto basic_imputer<V>::strategy_from(const json_reader& r) -> impute_strategy {
  const auto s = impute_strategy_from_string(r.text("strategy"));
  if (!s) {
    r.fail("strategy", "expected mean, median, most_frequent or constant");
  }
  return *s;
}

template <class V>
MLGUARD_INLINE auto basic_imputer<V>::strategy_of(std::size_t k) const -> choice {
  for (const auto& o : overrides_) {
    if (o.column == column_name(k)) {
      return {o.strategy, o.fill_value};
    }
  }
  return {strategy_, fill_value_};
}

template <class V>
MLGUARD_INLINE auto basic_imputer<V>::check_overrides() const -> void {
  for (const auto& o : overrides_) {
    bool found = false;
    for (std::size_t k = 0; k < acted_on(); ++k) {
      found = found || column_name(k) == o.column;
    }
    if (!found) {
      throw pipeline_error("unknown_feature",
                           "imputer: override for \"" + o.column + "\", not an imputed column");
    }
  }
}

} // namespace mlguard::pipeline

#endif // MLGUARD_COMPILED
#endif // MLGUARD_PIPELINE_IMPUTER_HPP
