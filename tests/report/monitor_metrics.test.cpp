#include <cmath>
#include <map>
#include <string>

#include <doctest/doctest.h>

#include <mlguard/report/exposition.hpp>
#include <mlguard/report/monitor_metrics.hpp>

#include "report/exposition_check.hpp"
#include "test_support.hpp"

using namespace mlguard;

namespace {

drift::column_drift drift_column(std::string name, drift::method m, double statistic,
                                 bool drifted) {
  drift::column_drift c;
  c.name = std::move(name);
  c.stat = m;
  c.statistic = statistic;
  c.drifted = drifted;
  return c;
}

} // namespace

TEST_CASE("monitor_metrics: the latest window's statistics, and windows counted per stream") {
  report::metric_registry registry;
  report::monitor_metrics metrics(registry, {{"model", "tips"}});
  drift::window_report w;
  w.rows = 500;
  w.drift.dataset_drift = true;
  w.drift.share_drifted = 0.5;
  w.drift.columns.push_back(drift_column("fare", drift::method::psi, 0.31, true));
  auto ks = drift_column("distance", drift::method::ks_2samp, 0.04, false);
  ks.p_value = 0.62;
  w.drift.columns.push_back(ks);
  auto skipped = drift_column("payment", drift::method::jensen_shannon, NAN, false);
  skipped.skipped = "no values";
  w.drift.columns.push_back(skipped);
  metrics.record_window("inputs", w);

  auto v = test::scrape_values(registry);
  CHECK(v.at("mlguard_drift_statistic{model=tips,stream=inputs,feature=fare,method=psi,}") == 0.31);
  CHECK(v.at("mlguard_drift_detected{model=tips,stream=inputs,feature=fare,method=psi,}") == 1.0);
  CHECK(v.at("mlguard_drift_p_value{model=tips,stream=inputs,feature=distance,method=ks_2samp,}") ==
        0.62);
  CHECK(v.count("mlguard_drift_p_value{model=tips,stream=inputs,feature=fare,method=psi,}") ==
        0); // PSI has no p-value
  CHECK(v.count("mlguard_drift_statistic{model=tips,stream=inputs,feature=payment,method=jensen_"
                "shannon,}") == 0);
  CHECK(v.at("mlguard_drift_detected{model=tips,stream=inputs,feature=payment,method=jensen_"
             "shannon,}") == 0.0);
  CHECK(v.at("mlguard_drift_share{model=tips,stream=inputs,}") == 0.5);
  CHECK(v.at("mlguard_monitor_windows_total{model=tips,stream=inputs,}") == 1.0);
  CHECK(v.at("mlguard_monitor_drifted_windows_total{model=tips,stream=inputs,}") == 1.0);

  // The next window replaces the gauges and adds to the counters.
  w.drift.dataset_drift = false;
  w.drift.columns[0] = drift_column("fare", drift::method::psi, 0.02, false);
  metrics.record_window("inputs", w);
  v = test::scrape_values(registry);
  CHECK(v.at("mlguard_drift_statistic{model=tips,stream=inputs,feature=fare,method=psi,}") == 0.02);
  CHECK(v.at("mlguard_drift_detected{model=tips,stream=inputs,feature=fare,method=psi,}") == 0.0);
  CHECK(v.at("mlguard_monitor_windows_total{model=tips,stream=inputs,}") == 2.0);
  CHECK(v.at("mlguard_monitor_drifted_windows_total{model=tips,stream=inputs,}") == 1.0);
  CHECK(v.at("mlguard_monitor_rows_total{model=tips,stream=inputs,}") == 1000.0);
  for (const auto format :
       {report::exposition_format::prometheus_text, report::exposition_format::openmetrics}) {
    test::check_exposition(report::expose(registry, format), format);
  }
}

TEST_CASE("monitor_metrics: validation reports count rows and anomalies per feature and kind") {
  report::metric_registry registry;
  report::monitor_metrics metrics(registry);
  validate::validation_report r;
  r.rows = 100;
  r.rejected_rows = 4;
  validate::feature_report fare;
  fare.name = "fare";
  fare.anomalies.push_back({validate::anomaly_kind::float_type_big_float,
                            validate::severity::error,
                            4,
                            0.04,
                            {},
                            {},
                            {}});
  validate::feature_report payment;
  payment.name = "payment";
  payment.anomalies.push_back({validate::anomaly_kind::comparator_l_infty_high,
                               validate::severity::warning,
                               0,
                               0.0,
                               {},
                               0.3,
                               0.1});
  r.features = {fare, payment};
  metrics.record_validation("batch.csv", r);
  metrics.record_validation("batch.csv", r);
  const auto v = test::scrape_values(registry);
  CHECK(v.at("mlguard_validation_rows_total{source=batch.csv,}") == 200.0);
  CHECK(v.at("mlguard_validation_rejected_rows_total{source=batch.csv,}") == 8.0);
  CHECK(v.at("mlguard_validation_anomalies_total{source=batch.csv,feature=fare,kind=FLOAT_TYPE_BIG_"
             "FLOAT,}") == 8.0);
  // A comparator anomaly is about the batch: it counts once per report.
  CHECK(v.at("mlguard_validation_anomalies_total{source=batch.csv,feature=payment,kind=COMPARATOR_"
             "L_INFTY_HIGH,}") == 2.0);
  test::check_exposition(report::expose(registry), report::exposition_format::prometheus_text);
}

TEST_CASE("monitor_metrics: a constant label that a record repeats is refused") {
  report::metric_registry registry;
  report::monitor_metrics metrics(registry, {{"stream", "x"}});
  MLGUARD_CHECK_THROWS_ID(metrics.record_window("inputs", drift::window_report{}),
                          "mlguard.report.invalid_name");
}
