// A closed window's report: the window span plus the drift verdict, written
// with the same functions as the batch report (one shape).
#include "mlguard/drift/window_report.hpp"

#include <chrono>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

#include "mlguard/drift/report.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::drift;

namespace {

drift_report some_verdict() {
  std::mt19937_64 rng(5);
  std::normal_distribution<double> normal;
  std::vector<double> a(300);
  std::vector<double> b(300);
  for (std::size_t i = 0; i < a.size(); ++i) {
    a[i] = normal(rng);
    b[i] = normal(rng) + (i % 3 == 0 ? 1.0 : 0.0);
  }
  b[7] = std::numeric_limits<double>::quiet_NaN();
  table ref;
  table cur;
  ref.add(column::numeric("x", a));
  cur.add(column::numeric("x", b));
  ref.add(column::numeric("y", a));
  cur.add(column::numeric("y", a));
  report_options o;
  o.stat = method::psi;
  return compare(ref, cur, o);
}

window_report some_window() {
  window_report w;
  w.index = 4;
  w.first_row = 2001;
  w.last_row = 2500;
  w.rows = 500;
  w.drift = some_verdict();
  return w;
}

} // namespace

TEST_CASE("window_report: JSON is the window span and the batch report's fields") {
  const auto w = some_window();
  const json line = w;
  json document = w.drift; // what compare() gives and `mlguard drift` prints
  // Every field of the batch report but its document envelope is in the
  // window's line, with the same value: one shape for a verdict.
  document.erase("format");
  document.erase("format_version");
  for (const auto& field : document.items()) {
    CAPTURE(field.key());
    REQUIRE(line.contains(field.key()));
    CHECK(line[field.key()] == field.value());
  }
  // Besides: its own envelope, and where the window lies, named as in every
  // windowed result.
  CHECK(line["format"] == "mlguard.window_report");
  CHECK(line["format_version"] == 1);
  json span = json::object();
  write_window_span(span, w);
  CHECK(line.size() == 2 + document.size() + span.size());
  CHECK(line["window"] == 4);
  CHECK(line["first_row"] == 2001);
  CHECK(line["last_row"] == 2500);
  CHECK(line["rows"] == 500);
  CHECK_FALSE(line.contains("start_ns")); // a count window has no start time
}

TEST_CASE("window_report: a JSON line reads back, time windows with their start") {
  auto w = some_window();
  w.start = timestamp(std::chrono::seconds(1700000000) + std::chrono::nanoseconds(5));
  const json line = w;
  CHECK(line["start_ns"] == 1700000000000000005LL);
  const auto back = window_report::from_json(parse_json(dump_json(line), "line"));
  CHECK(back.index == w.index);
  CHECK(back.first_row == w.first_row);
  CHECK(back.last_row == w.last_row);
  CHECK(back.rows == w.rows);
  CHECK(back.start == w.start);
  REQUIRE(back.drift.columns.size() == w.drift.columns.size());
  for (std::size_t i = 0; i < back.drift.columns.size(); ++i) {
    CHECK(back.drift.columns[i].name == w.drift.columns[i].name);
    CHECK(back.drift.columns[i].statistic == w.drift.columns[i].statistic);
    CHECK(back.drift.columns[i].missing_current == w.drift.columns[i].missing_current);
  }
  CHECK(back.drift.dataset_drift == w.drift.dataset_drift);
  CHECK(back.drift.share_drifted == w.drift.share_drifted);
}

TEST_CASE("window_report: save and load keep a window in a file") {
  auto w = some_window();
  w.start = timestamp(std::chrono::seconds(30));
  const std::string path = "/tmp/mlguard-window-report-" + std::to_string(::getpid()) + ".json";
  w.save(path);
  const auto back = window_report::load(path);
  std::remove(path.c_str());
  CHECK(back.index == 4);
  CHECK(back.start == w.start);
  CHECK(back.drift.columns.size() == w.drift.columns.size());
  CHECK(back.drift.drifted == w.drift.drifted);
  MLGUARD_CHECK_THROWS_ID(window_report::load(path), "mlguard.io.open_failed");
}

TEST_CASE("window_report: a bad line fails naming the field") {
  json line = some_window();
  line["rows"] = "many";
  MLGUARD_CHECK_THROWS_ID(window_report::from_json(line), "mlguard.format.corrupt");
  line = some_window();
  line["features"] = json::array(); // the shape of mlguard 0.1's monitor lines
  MLGUARD_CHECK_THROWS_ID(window_report::from_json(line), "mlguard.format.unknown_field");
  line = some_window();
  line["format"] = "mlguard.drift_report"; // a batch report is not a window
  MLGUARD_CHECK_THROWS_ID(window_report::from_json(line), "mlguard.format.wrong_kind");
  line = some_window();
  line.erase("window");
  try {
    (void)window_report::from_json(line, "stream.jsonl");
    FAIL("expected an error");
  } catch (const format_error& e) {
    CHECK(std::string(e.what()).find("stream.jsonl: window: missing field") != std::string::npos);
  }
}
