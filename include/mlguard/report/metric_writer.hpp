#ifndef MLGUARD_REPORT_METRIC_WRITER_HPP
#define MLGUARD_REPORT_METRIC_WRITER_HPP

// What one scrape gathers: metric families (a name, HELP, TYPE and the
// series), the name rules Prometheus enforces, and metric_writer, through
// which the registry and its collectors write each scrape's samples.

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/report/metric.hpp"

namespace mlguard::report {

/// Label names and values of one series, in the order they are written.
using label_set = std::vector<std::pair<std::string, std::string>>;

/// One sample line: the family name plus `suffix` ("_total", "_bucket",
/// "_sum", "_count" or nothing), its labels and its value.
struct metric_sample {
  std::string suffix;
  label_set labels;
  double value = 0.0;
};

/// All series of one metric name, with its HELP text and TYPE. For a
/// counter, `name` is without the "_total" its samples carry.
struct metric_family {
  std::string name;
  std::string help;
  metric_type type = metric_type::gauge;
  std::vector<metric_sample> samples;
};

namespace detail {

template <class = void>
bool is_name_start(char c) noexcept;
template <class = void>
bool is_name_char(char c) noexcept;

// Prometheus' metric name rule, [a-zA-Z_:][a-zA-Z0-9_:]*.
template <class = void>
bool is_metric_name(std::string_view s) noexcept;

// Prometheus' label name rule, [a-zA-Z_][a-zA-Z0-9_]*, without the reserved "__" prefix.
template <class = void>
bool is_label_name(std::string_view s) noexcept;

template <class = void>
bool ends_with(std::string_view s, std::string_view tail) noexcept;

} // namespace detail

/// Gathers the samples of one scrape into families: every family once, its
/// series together, whichever collector wrote them. Collectors write through it.
template <class = void> // deferred: see core/json.hpp
class basic_metric_writer {
public:
  /// Writes counter `name` (given with or without "_total") with `value`.
  /// Throws report_error: mlguard.report.invalid_name (a metric or label
  /// name Prometheus rejects, a reserved suffix such as "_bucket"),
  /// mlguard.report.metric_conflict (the name was written with another
  /// type), mlguard.report.duplicate_series (the same labels twice).
  void counter(std::string_view name, std::string_view help, label_set labels, double value);

  /// Writes gauge `name` with `value` (NaN and ±Inf allowed). Throws as counter().
  void gauge(std::string_view name, std::string_view help, label_set labels, double value);

  /// Writes histogram `name`: its `_bucket` series (with "le", +Inf last),
  /// `_sum` and `_count`. Throws as counter(), and mlguard.report.invalid_name
  /// for a label named "le".
  void histogram(std::string_view name, std::string_view help, const label_set& labels,
                 const histogram_snapshot& s);

  /// The families written, in the order each name was first written.
  std::vector<metric_family> take() && { return std::move(families_); }

private:
  metric_family& family(std::string_view name, std::string_view help, metric_type type);

  static void check_name(std::string_view name, metric_type type);

  void add(metric_family& f, std::string_view suffix, label_set labels, double value);

  std::vector<metric_family> families_;
  std::map<std::string, std::size_t, std::less<>> index_;
  std::set<std::string> series_;
};

/// The type to name (a class template only so that its bodies compile where used).
using metric_writer = basic_metric_writer<>;

} // namespace mlguard::report

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include <functional>

#include "mlguard/report/detail/number_format.hpp"

namespace mlguard::report::detail {

template <class>
bool is_name_start(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

template <class>
bool is_name_char(char c) noexcept {
  return is_name_start(c) || (c >= '0' && c <= '9');
}

template <class>
bool is_metric_name(std::string_view s) noexcept {
  if (s.empty() || !(is_name_start(s[0]) || s[0] == ':')) {
    return false;
  }
  for (char c : s) {
    if (!(is_name_char(c) || c == ':')) {
      return false;
    }
  }
  return true;
}

template <class>
bool is_label_name(std::string_view s) noexcept {
  if (s.empty() || !is_name_start(s[0]) || s.substr(0, 2) == "__") {
    return false;
  }
  for (char c : s) {
    if (!is_name_char(c)) {
      return false;
    }
  }
  return true;
}

template <class>
bool ends_with(std::string_view s, std::string_view tail) noexcept {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

} // namespace mlguard::report::detail

namespace mlguard::report {

template <class V>
MLGUARD_INLINE auto basic_metric_writer<V>::counter(std::string_view name, std::string_view help,
                                                    label_set labels, double value) -> void {
  if (detail::ends_with(name, "_total")) {
    name.remove_suffix(6);
  }
  add(family(name, help, metric_type::counter), "_total", std::move(labels), value);
}

template <class V>
MLGUARD_INLINE auto basic_metric_writer<V>::gauge(std::string_view name, std::string_view help,
                                                  label_set labels, double value) -> void {
  add(family(name, help, metric_type::gauge), "", std::move(labels), value);
}

template <class V>
MLGUARD_INLINE auto basic_metric_writer<V>::histogram(std::string_view name, std::string_view help,
                                                      const label_set& labels,
                                                      const histogram_snapshot& s) -> void {
  auto& f = family(name, help, metric_type::histogram);
  for (const auto& [label, value] : labels) {
    if (label == "le") {
      throw report_error("invalid_name",
                         "histogram '" + std::string(name) + "' cannot carry a label named \"le\"");
    }
  }
  for (std::size_t i = 0; i < s.cumulative.size(); ++i) {
    label_set bucket = labels;
    bucket.emplace_back("le", i < s.upper_bounds.size() ? detail::format_number(s.upper_bounds[i])
                                                        : "+Inf");
    add(f, "_bucket", std::move(bucket), static_cast<double>(s.cumulative[i]));
  }
  add(f, "_sum", labels, s.sum);
  add(f, "_count", labels, static_cast<double>(s.count));
}

template <class V>
MLGUARD_INLINE auto basic_metric_writer<V>::family(std::string_view name, std::string_view help,
                                                   metric_type type) -> metric_family& {
  const auto found = index_.find(name);
  if (found != index_.end()) {
    auto& f = families_[found->second];
    if (f.type != type) {
      throw report_error("metric_conflict", "metric '" + std::string(name) + "' is a " +
                                                to_string(f.type) + ", not a " + to_string(type));
    }
    return f;
  }
  check_name(name, type);
  index_.emplace(std::string(name), families_.size());
  families_.push_back(metric_family{std::string(name), std::string(help), type, {}});
  return families_.back();
}

template <class V>
MLGUARD_INLINE auto basic_metric_writer<V>::check_name(std::string_view name, metric_type type)
    -> void {
  if (!detail::is_metric_name(name)) {
    throw report_error("invalid_name", "'" + std::string(name) + "' is not a metric name");
  }
  for (std::string_view reserved : {"_total", "_bucket", "_sum", "_count", "_created"}) {
    if (detail::ends_with(name, reserved) && type != metric_type::counter) {
      throw report_error("invalid_name", "metric '" + std::string(name) + "' ends in '" +
                                             std::string(reserved) +
                                             "', which Prometheus reserves");
    }
  }
}

template <class V>
MLGUARD_INLINE auto basic_metric_writer<V>::add(metric_family& f, std::string_view suffix,
                                                label_set labels, double value) -> void {
  std::string key = f.name;
  key.append(suffix);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const auto& [label, v] = labels[i];
    if (!detail::is_label_name(label)) {
      throw report_error("invalid_name",
                         "'" + label + "' is not a label name (metric '" + f.name + "')");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (labels[j].first == label) {
        throw report_error("invalid_name",
                           "metric '" + f.name + "' has the label '" + label + "' twice");
      }
    }
    key.append("\x1f").append(label).append("\x1e").append(v);
  }
  if (!series_.insert(std::move(key)).second) {
    throw report_error("duplicate_series",
                       "metric '" + f.name + "' has the same labels twice in one scrape");
  }
  f.samples.push_back(metric_sample{std::string(suffix), std::move(labels), value});
}

} // namespace mlguard::report

#endif // MLGUARD_COMPILED
#endif // MLGUARD_REPORT_METRIC_WRITER_HPP
