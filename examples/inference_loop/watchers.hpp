#ifndef MLGUARD_EXAMPLES_INFERENCE_LOOP_WATCHERS_HPP
#define MLGUARD_EXAMPLES_INFERENCE_LOOP_WATCHERS_HPP

// What operators watch while the story runs: Prometheus metrics of the slots,
// the router and the decisions; drift alerts grouped and de-duplicated the way
// Alertmanager does it; and the champion's input windows, kept for an HTML
// monitor timeline.

#include <mlguard/mlguard.hpp>

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "timeline.hpp"

namespace demo {

/// Metrics, alerts and the monitor timeline of the demo's service.
class watchers {
public:
  watchers(const mlguard::clock_source& clock, timeline& story)
      : serving_(metrics_, "tips"), controller_(metrics_, "tips", "champion"),
        canary_(metrics_, "tips", "challenger"), notifier_(notifier_settings(clock, story)),
        drift_(notifier_, drift_settings()) {}

  /// Connects what the followers build and report: monitor windows to the
  /// drift alerts, the timeline and the drift gauges; swaps to the counters.
  void connect(mlguard::serving::follower_options& fo,
               const mlguard::serving::model_slot<mlguard::serving::guarded_model>& champion) {
    auto next = std::move(fo.model.on_window);
    fo.model.on_window = [this, &champion, next](const mlguard::serving::version_window& w) {
      if (w.stream == "inputs") { // the demo serves from one thread: no lock needed here
        drift_.observe(w.stream, w.report);
        const auto serving = champion.acquire();
        if (serving && serving->version() == w.version) {
          champion_windows_.push_back(w.report); // the champion's inputs, for the timeline
        }
      }
      if (next) {
        next(w);
      }
    };
    serving_.connect(fo.model);
    serving_.connect(fo);
  }

  mlguard::report::metric_registry& metrics() noexcept { return metrics_; }
  mlguard::serving::serving_metrics& serving() noexcept { return serving_; }
  mlguard::rollback::rollback_metrics& controller() noexcept { return controller_; }
  mlguard::rollback::rollback_metrics& canary() noexcept { return canary_; }
  /// Sends the alert notifications that are due (the service's timer).
  void tick() { notifier_.tick(); }

  /// Writes metrics.txt (one scrape, Prometheus text) and timeline.html under
  /// `dir`, and prints a few lines of the scrape and the alert counts.
  void finish(const std::string& dir) {
    notifier_.flush();
    const auto scrape = mlguard::report::expose(metrics_);
    std::ofstream(dir + "/metrics.txt") << scrape;
    std::ofstream(dir + "/timeline.html") << mlguard::report::timeline_html(champion_windows_);
    for (const char* name : {"mlguard_rollbacks_total{", "mlguard_canary_score{",
                             "mlguard_alias_version{", "mlguard_follower_swaps_total{"}) {
      for (std::size_t at = scrape.find(name); at != std::string::npos;
           at = scrape.find(name, at + 1)) {
        if (at == 0 || scrape[at - 1] == '\n') {
          std::printf("  %s\n", scrape.substr(at, scrape.find('\n', at) - at).c_str());
        }
      }
    }
    const auto c = notifier_.counts();
    std::printf("alerts: %llu notifications (%zu of them weekly reminders) for %zu windows in "
                "which the champion's inputs drifted\n",
                static_cast<unsigned long long>(c.notifications), reminders_, drifted_windows());
  }

private:
  mlguard::report::notifier_options notifier_settings(const mlguard::clock_source& clock,
                                                      timeline& story) {
    mlguard::report::notifier_options n;
    n.clock = &clock;
    n.repeat_interval = std::chrono::hours(24 * 7); // a weekly reminder while it lasts
    n.sinks.push_back(std::make_shared<mlguard::report::callback_sink>(
        [](const mlguard::report::alert&) {},
        [this, &story](const mlguard::report::alert_group& g) {
          if (g.reason == mlguard::report::notify_reason::repeat) {
            ++reminders_; // counted, not told
            return;
          }
          for (const auto& a : g.alerts) {
            const bool firing = a.status == mlguard::report::alert_status::firing;
            const auto feature = a.labels.count("feature") ? a.labels.at("feature") : "";
            story.add(0, firing ? "alert: firing" : "alert: resolved",
                      firing
                          ? a.summary
                          : "feature '" + feature + "' of inputs: no drift in the last 5 windows");
          }
        }));
    return n;
  }

  static mlguard::report::drift_alerts_options drift_settings() {
    mlguard::report::drift_alerts_options d;
    d.trigger = {3, 5, 0}; // 3 of the last 5 windows fire it; 0 of 5 resolve it
    d.labels = {{"model", "tips"}};
    return d;
  }

  std::size_t drifted_windows() const {
    std::size_t n = 0;
    for (const auto& w : champion_windows_) {
      for (const auto& c : w.drift.columns) {
        if (c.drifted) {
          ++n;
          break;
        }
      }
    }
    return n;
  }

  mlguard::report::metric_registry metrics_;
  mlguard::serving::serving_metrics serving_;
  mlguard::rollback::rollback_metrics controller_;
  mlguard::rollback::rollback_metrics canary_;
  mlguard::report::alert_notifier notifier_;
  mlguard::report::drift_alerts drift_;
  std::vector<mlguard::drift::window_report> champion_windows_;
  std::size_t reminders_ = 0;
};

} // namespace demo

#endif // MLGUARD_EXAMPLES_INFERENCE_LOOP_WATCHERS_HPP
