#include <limits>
#include <string>

#include <doctest/doctest.h>

#include <mlguard/report/exposition.hpp>

#include "report/exposition_check.hpp"
#include "test_support.hpp"

using namespace mlguard;
using report::exposition_format;

namespace {

// A registry with each kind of metric, a hostile label value and HELP text.
void fill(report::metric_registry& r) {
  r.add_counter("mlguard_requests_total", "Requests scored, by status.",
                {{"model", "tips"}, {"status", "ok"}})
      .inc(41);
  r.add_counter("mlguard_requests_total", "Requests scored, by status.",
                {{"model", "tips"}, {"status", "rejected"}})
      .inc(2);
  r.add_gauge("mlguard_drift_statistic", "Back\\slash,\nnew line and \"quotes\" in help.",
              {{"feature", "a\"b\\c\nd"}})
      .set(0.25);
  r.add_gauge("mlguard_drift_p_value", "P-values.", {{"feature", "inf"}})
      .set(std::numeric_limits<double>::infinity());
  r.add_gauge("mlguard_drift_p_value", "P-values.", {{"feature", "nan"}})
      .set(std::numeric_limits<double>::quiet_NaN());
  auto& h = r.add_histogram("mlguard_request_duration_seconds", "Request latency.", {0.001, 0.01},
                            {{"model", "tips"}});
  h.observe(0.0005);
  h.observe(0.005);
  h.observe(0.5);
}

std::string sample_exposition(exposition_format f) {
  report::metric_registry r;
  fill(r);
  return report::expose(r, f);
}

} // namespace

TEST_CASE("exposition: the Prometheus text format 0.0.4") {
  const auto text = sample_exposition(exposition_format::prometheus_text);
  CHECK(text == "# HELP mlguard_requests_total Requests scored, by status.\n"
                "# TYPE mlguard_requests_total counter\n"
                "mlguard_requests_total{model=\"tips\",status=\"ok\"} 41\n"
                "mlguard_requests_total{model=\"tips\",status=\"rejected\"} 2\n"
                "# HELP mlguard_drift_statistic Back\\\\slash,\\nnew line and \"quotes\" in help.\n"
                "# TYPE mlguard_drift_statistic gauge\n"
                "mlguard_drift_statistic{feature=\"a\\\"b\\\\c\\nd\"} 0.25\n"
                "# HELP mlguard_drift_p_value P-values.\n"
                "# TYPE mlguard_drift_p_value gauge\n"
                "mlguard_drift_p_value{feature=\"inf\"} +Inf\n"
                "mlguard_drift_p_value{feature=\"nan\"} NaN\n"
                "# HELP mlguard_request_duration_seconds Request latency.\n"
                "# TYPE mlguard_request_duration_seconds histogram\n"
                "mlguard_request_duration_seconds_bucket{model=\"tips\",le=\"0.001\"} 1\n"
                "mlguard_request_duration_seconds_bucket{model=\"tips\",le=\"0.01\"} 2\n"
                "mlguard_request_duration_seconds_bucket{model=\"tips\",le=\"+Inf\"} 3\n"
                "mlguard_request_duration_seconds_sum{model=\"tips\"} 0.5055\n"
                "mlguard_request_duration_seconds_count{model=\"tips\"} 3\n");
  const auto samples = test::check_exposition(text, exposition_format::prometheus_text);
  if (!samples.empty()) {
    // The hostile label value reads back as it was written.
    bool found = false;
    for (const auto& s : samples) {
      if (s.name == "mlguard_drift_statistic") {
        CHECK(s.labels_json == "{\"feature\": \"a\\\"b\\\\c\\nd\"}");
        CHECK(s.value == "0.25");
        found = true;
      }
    }
    CHECK(found);
  }
}

TEST_CASE("exposition: OpenMetrics 1.0 names counter families without _total and ends with EOF") {
  const auto text = sample_exposition(exposition_format::openmetrics);
  CHECK(text.rfind("# TYPE mlguard_requests counter\n"
                   "# HELP mlguard_requests Requests scored, by status.\n"
                   "mlguard_requests_total{model=\"tips\",status=\"ok\"} 41\n",
                   0) == 0);
  CHECK(text.find("# HELP mlguard_drift_statistic Back\\\\slash,\\nnew line and \\\"quotes\\\" "
                  "in help.\n") != std::string::npos);
  CHECK(text.size() > 6);
  CHECK(text.substr(text.size() - 6) == "# EOF\n");
  const auto samples = test::check_exposition(text, exposition_format::openmetrics);
  if (!samples.empty()) {
    CHECK(samples.size() == 10);
    CHECK(samples[0].family == "mlguard_requests");
    CHECK(samples[0].type == "counter");
    CHECK(samples[0].value == "41");
    CHECK(samples.back().name == "mlguard_request_duration_seconds_count");
    CHECK(samples.back().value == "3");
  }
}

TEST_CASE("exposition: the checkers reject what they should (so the checks above can fail)") {
  const std::string no_eof = "# TYPE a counter\na_total 1\n";
  const auto om = test::parse_with_client(no_eof, exposition_format::openmetrics);
  if (om) {
    CHECK(om->error.find("EOF") != std::string::npos);
  }
  const auto promtool = test::promtool_check("# HELP a A.\n# TYPE a counter\na 1\n");
  if (promtool) {
    CHECK(promtool->exit_code != 0);
    CHECK(promtool->err.find("_total") != std::string::npos);
  }
}

TEST_CASE("exposition: content negotiation follows the Accept header") {
  CHECK(report::negotiate_format("") == exposition_format::prometheus_text);
  CHECK(report::negotiate_format("*/*") == exposition_format::prometheus_text);
  // What Prometheus 2.42 sends.
  CHECK(report::negotiate_format(
            "application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
            "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1") ==
        exposition_format::openmetrics);
  CHECK(std::string(report::content_type(exposition_format::openmetrics))
            .rfind("application/openmetrics-text; version=1.0.0", 0) == 0);
  CHECK(std::string(report::content_type(exposition_format::prometheus_text)) ==
        "text/plain; version=0.0.4; charset=utf-8");
}

TEST_CASE("exposition: an empty registry is a valid scrape") {
  const report::metric_registry r;
  CHECK(report::expose(r) == "");
  CHECK(report::expose(r, exposition_format::openmetrics) == "# EOF\n");
  test::check_exposition(report::expose(r, exposition_format::openmetrics),
                         exposition_format::openmetrics);
}
