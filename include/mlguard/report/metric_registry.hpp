#ifndef MLGUARD_REPORT_METRIC_REGISTRY_HPP
#define MLGUARD_REPORT_METRIC_REGISTRY_HPP

// The metrics a process exposes: metrics the application updates itself
// (counters, gauges, histograms, created once and then updated lock-free),
// and collectors that read mlguard's own objects (models, monitors, the
// controller) when a scrape asks. A scrape gathers both into metric families
// (metric_writer.hpp) that exposition.hpp writes as Prometheus text or
// OpenMetrics.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/report/metric.hpp"
#include "mlguard/report/metric_writer.hpp"

namespace mlguard::report {

/// Identifies a collector for remove_collector().
using collector_id = std::uint64_t;

/// The metrics of a process: its own counters, gauges and histograms, and
/// collectors that read values at scrape time.
///
/// add_counter/add_gauge/add_histogram create a metric once (locking and
/// allocating) and return the same object for the same name and labels;
/// keep the reference and update it on the hot path, where it takes no lock.
/// The metrics live as long as the registry.
///
/// Thread safety: every member may be called from any thread. collect()
/// runs the collectors one scrape at a time, and remove_collector() waits
/// for a scrape in progress, so a collector never runs after its removal
/// returns. A collector must not add or remove collectors.
template <class = void> // deferred: see core/json.hpp
class basic_metric_registry {
public:
  basic_metric_registry() = default;
  basic_metric_registry(const basic_metric_registry&) = delete;
  basic_metric_registry& operator=(const basic_metric_registry&) = delete;

  /// The counter `name` with `labels`. Throws report_error
  /// (mlguard.report.invalid_name, mlguard.report.metric_conflict: the name
  /// exists with another type).
  report::counter& add_counter(std::string_view name, std::string_view help, label_set labels = {});

  /// The gauge `name` with `labels`. Throws as add_counter().
  report::gauge& add_gauge(std::string_view name, std::string_view help, label_set labels = {});

  /// The histogram `name` with `labels` and bucket `upper_bounds` (used when
  /// it is created). Throws as add_counter(), and as histogram's constructor.
  report::histogram& add_histogram(std::string_view name, std::string_view help,
                                   std::vector<double> upper_bounds, label_set labels = {});

  /// Adds a function that writes metrics at each scrape; returns its id.
  collector_id add_collector(std::function<void(metric_writer&)> collect);

  /// Removes a collector (unknown ids: nothing). Waits for a scrape in progress.
  void remove_collector(collector_id id);

  /// Every metric now: the registry's own, then what the collectors write.
  /// Throws what a collector throws, and metric_writer's errors when two
  /// sources write one series.
  std::vector<metric_family> collect() const;

private:
  template <class Metric>
  struct owned {
    std::string name;
    std::string help;
    label_set labels;
    std::unique_ptr<Metric> metric;
  };

  template <class Metric, class Make>
  Metric* find_or_add(std::vector<owned<Metric>>& list, const std::string& name,
                      std::string_view help, metric_type type, label_set labels, Make make) {
    const std::lock_guard<std::mutex> lock(mutex_);
    const auto known = types_.find(name);
    if (known != types_.end() && known->second != type) {
      throw report_error("metric_conflict", "metric '" + name + "' is a " +
                                                to_string(known->second) + ", not a " +
                                                to_string(type));
    }
    std::string key = name;
    for (const auto& [label, value] : labels) {
      key.append("\x1f").append(label).append("\x1e").append(value);
    }
    const auto found = index_.find(key);
    if (found != index_.end()) {
      return static_cast<Metric*>(found->second);
    }
    // Validate now, so a bad name fails where it is registered, not at the first scrape.
    metric_writer check;
    if (type == metric_type::counter) {
      check.counter(name, help, labels, 0.0);
    } else if (type == metric_type::gauge) {
      check.gauge(name, help, labels, 0.0);
    } else {
      check.histogram(name, help, labels, histogram_snapshot{{}, {0}, 0.0, 0});
    }
    list.push_back(owned<Metric>{name, std::string(help), std::move(labels), make()});
    types_.emplace(name, type);
    index_.emplace(std::move(key), list.back().metric.get());
    return list.back().metric.get();
  }

  mutable std::mutex mutex_;
  std::vector<owned<report::counter>> counters_;
  std::vector<owned<report::gauge>> gauges_;
  std::vector<owned<report::histogram>> histograms_;
  std::map<std::string, metric_type> types_;
  std::map<std::string, void*> index_; // name and labels -> the metric
  mutable std::mutex collect_mutex_;
  std::vector<std::pair<collector_id, std::function<void(metric_writer&)>>> collectors_;
  collector_id next_id_ = 1;
};

/// The type to name (a class template only so that its bodies compile where used).
using metric_registry = basic_metric_registry<>;

} // namespace mlguard::report

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::report {

template <class V>
MLGUARD_INLINE auto basic_metric_registry<V>::add_counter(std::string_view name,
                                                          std::string_view help, label_set labels)
    -> report::counter& {
  auto key = std::string(name);
  if (detail::ends_with(key, "_total")) {
    key.resize(key.size() - 6);
  }
  return *find_or_add(counters_, key, help, metric_type::counter, std::move(labels),
                      [] { return std::make_unique<report::counter>(); });
}

template <class V>
MLGUARD_INLINE auto basic_metric_registry<V>::add_gauge(std::string_view name,
                                                        std::string_view help, label_set labels)
    -> report::gauge& {
  return *find_or_add(gauges_, std::string(name), help, metric_type::gauge, std::move(labels),
                      [] { return std::make_unique<report::gauge>(); });
}

template <class V>
MLGUARD_INLINE auto
basic_metric_registry<V>::add_histogram(std::string_view name, std::string_view help,
                                        std::vector<double> upper_bounds, label_set labels)
    -> report::histogram& {
  return *find_or_add(histograms_, std::string(name), help, metric_type::histogram,
                      std::move(labels),
                      [&] { return std::make_unique<report::histogram>(std::move(upper_bounds)); });
}

template <class V>
MLGUARD_INLINE auto
basic_metric_registry<V>::add_collector(std::function<void(metric_writer&)> collect)
    -> collector_id {
  const std::lock_guard<std::mutex> lock(collect_mutex_);
  collectors_.emplace_back(next_id_, std::move(collect));
  return next_id_++;
}

template <class V>
MLGUARD_INLINE auto basic_metric_registry<V>::remove_collector(collector_id id) -> void {
  const std::lock_guard<std::mutex> lock(collect_mutex_);
  for (auto it = collectors_.begin(); it != collectors_.end(); ++it) {
    if (it->first == id) {
      collectors_.erase(it);
      return;
    }
  }
}

template <class V>
MLGUARD_INLINE auto basic_metric_registry<V>::collect() const -> std::vector<metric_family> {
  metric_writer w;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& m : counters_) {
      w.counter(m.name, m.help, m.labels, static_cast<double>(m.metric->value()));
    }
    for (const auto& m : gauges_) {
      w.gauge(m.name, m.help, m.labels, m.metric->value());
    }
    for (const auto& m : histograms_) {
      w.histogram(m.name, m.help, m.labels, m.metric->snapshot());
    }
  }
  const std::lock_guard<std::mutex> lock(collect_mutex_);
  for (const auto& c : collectors_) {
    c.second(w);
  }
  return std::move(w).take();
}

} // namespace mlguard::report

#endif // MLGUARD_COMPILED
#endif // MLGUARD_REPORT_METRIC_REGISTRY_HPP
