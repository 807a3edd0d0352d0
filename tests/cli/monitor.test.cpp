// `mlguard monitor` end to end: the real executable, real files.
#include <cmath>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/drift/report.hpp"
#include "mlguard/drift/window_report.hpp"
#include "mlguard/io/csv.hpp"
#include "test_support.hpp"

using namespace mlguard;

namespace {

// x: normal, shifted by 1 after row 1500 of the stream; k: small integers; c: a category.
std::string make_csv(std::size_t n, std::uint64_t seed, std::size_t shift_after) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::poisson_distribution<int> poisson(4.0);
  std::ostringstream out;
  out.precision(17);
  out << "x,k,c\n";
  for (std::size_t i = 0; i < n; ++i) {
    const double x = normal(rng) + (i >= shift_after ? 1.0 : 0.0);
    if (i % 50 == 3) {
      out << ",";
    } else {
      out << x << ",";
    }
    out << poisson(rng) << "," << (i % 3 == 0 ? "a" : "b") << "\n";
  }
  return out.str();
}

} // namespace

TEST_CASE("mlguard monitor: one JSON line per window, equal to mlguard's batch drift") {
  test::temp_dir dir;
  const auto ref = dir.write("ref.csv", make_csv(3000, 1, 1u << 30));
  const auto cur = dir.write("stream.csv", make_csv(2500, 2, 1500));
  const auto r = test::run_cli({"monitor", "--reference", ref, "--window", "500", "--method", "psi",
                                "--drift-share", "0.3", "--format", "json", cur});
  REQUIRE_MESSAGE(r.exit_code == 1, r.err); // the last window drifts: findings
  const auto lines = test::json_lines(r.out);
  REQUIRE(lines.size() == 5);
  const table reference = io::read_csv(ref);
  const table stream = io::read_csv(cur);
  for (std::size_t k = 0; k < lines.size(); ++k) {
    const auto& w = lines[k];
    CAPTURE(w.dump());
    CHECK(w["window"] == k);
    CHECK(w["first_row"] == k * 500 + 1);
    CHECK(w["last_row"] == (k + 1) * 500);
    REQUIRE(w["columns"].size() == 3); // the categorical column is monitored too
    // The batch report on the window's rows gives the same numbers.
    table window;
    for (const char* name : {"x", "k"}) {
      const auto& v = stream.at(name).values();
      window.add(column::numeric(
          name, std::vector<double>(v.begin() + long(k * 500), v.begin() + long((k + 1) * 500))));
    }
    const auto& codes = stream.at("c").codes();
    window.add(column::categorical("c",
                                   std::vector<std::int32_t>(codes.begin() + long(k * 500),
                                                             codes.begin() + long((k + 1) * 500)),
                                   stream.at("c").vocab()));
    drift::report_options o;
    o.stat = drift::method::psi;
    o.drift_share = 0.3;
    o.columns = {"x", "k", "c"};
    const auto batch = drift::compare(reference, window, o);
    // Each line is a window_report: the batch report's shape, to the last bit.
    const auto line = drift::window_report::from_json(w, "stdout");
    REQUIRE(line.drift.columns.size() == 3);
    CHECK(line.drift.columns[2].kind == column_kind::categorical);
    for (std::size_t f = 0; f < 3; ++f) {
      const auto& got = line.drift.columns[f];
      const auto& want = batch.columns[f];
      CHECK(got.name == want.name);
      CHECK(got.stat == drift::method::psi);
      CHECK(got.statistic == want.statistic);
      CHECK_FALSE(got.p_value.has_value());
      CHECK(got.drifted == want.drifted);
      CHECK(got.n_current == want.n_current);
      CHECK(got.missing_current == want.missing_current);
      CHECK(got.n_reference == want.n_reference);
    }
    CHECK(line.drift.share_drifted == batch.share_drifted);
  }
  CHECK(lines[0]["columns"][0]["drifted"] == false);
  CHECK(lines[4]["columns"][0]["drifted"] == true); // x shifted from row 1501
}

TEST_CASE("mlguard monitor: ks has p-values, sliding windows, --partial, usage errors") {
  test::temp_dir dir;
  const auto ref = dir.write("ref.csv", make_csv(1000, 3, 1u << 30));
  const auto cur = dir.write("stream.csv", make_csv(1100, 4, 1u << 30));
  auto r = test::run_cli({"monitor", "--reference", ref, "--window", "400", "--method", "ks",
                          "--partial", "--format", "json", cur});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err); // the same distribution: no window drifts
  auto lines = test::json_lines(r.out);
  REQUIRE(lines.size() == 3);
  CHECK(lines[2]["rows"] == 300);
  CHECK(lines[2]["last_row"] == 1100);
  CHECK(lines[0]["columns"][0]["p_value"].is_number());
  CHECK(lines[0]["columns"][0]["method"] == "ks_2samp"); // "ks" parses, the function's name prints
  CHECK(lines[0]["columns"].size() == 2); // ks needs numbers: the categorical c is left out

  r = test::run_cli({"monitor", "--reference", ref, "--window", "400", "--step", "100", "--method",
                     "js", "--threshold", "0.2", "--format", "json", cur});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  lines = test::json_lines(r.out);
  REQUIRE(lines.size() == 8); // windows ending at rows 400, 500, ..., 1100
  CHECK(lines[7]["first_row"] == 701);
  CHECK(lines[7]["columns"][1]["method"] == "jensen_shannon");
  CHECK(lines[7]["columns"][1]["threshold"] == 0.2);

  r = test::run_cli({"monitor", "--reference", ref, "--method", "wasserstein", cur});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("mlguard.drift.method_not_applicable") != std::string::npos);
  const auto other = dir.write("other.csv", "y\n1\n2\n");
  r = test::run_cli({"monitor", "--reference", ref, other});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("mlguard.drift.unknown_column") != std::string::npos);
  // c is categorical in the reference, numeric here.
  const auto numeric_c = dir.write("numeric_c.csv", "x,k,c\n1,2,3\n");
  r = test::run_cli({"monitor", "--reference", ref, numeric_c});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("mlguard.drift.wrong_kind") != std::string::npos);
  r = test::run_cli({"monitor", "--reference", ref, "--window", "0", cur});
  CHECK(r.exit_code == 2);
  r = test::run_cli({"monitor", cur});
  CHECK(r.exit_code == 2);
  r = test::run_cli({"monitor", "--reference", dir.path + "/missing.csv", cur});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("mlguard.io.open_failed") != std::string::npos);
}

TEST_CASE("mlguard monitor: exit status 1 when a window drifts, text lines, -o FILE") {
  test::temp_dir dir;
  const auto ref = dir.write("ref.csv", make_csv(2000, 5, 1u << 30));
  const auto calm = dir.write("calm.csv", make_csv(1000, 6, 1u << 30));
  const auto moved = dir.write("moved.csv", make_csv(1000, 7, 500)); // x shifts at row 501
  const std::vector<std::string> base = {"monitor", "--reference", ref, "--window",
                                         "500",     "--method",    "ks"};
  auto with = [&](std::vector<std::string> extra) {
    auto args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return test::run_cli(args);
  };
  // Text is the default: one line per window, saying whether it drifted.
  auto r = with({calm});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("window 0  rows 1-500") == 0);
  CHECK(r.out.find("no drift") != std::string::npos);
  CHECK(r.out.find("DRIFT") == std::string::npos);
  r = with({moved});
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("window 1  rows 501-1000") != std::string::npos);
  CHECK(r.out.find("(x)") != std::string::npos); // names the drifted feature
  CHECK(r.out.find("DRIFT") != std::string::npos);
  // --drift-share 1: a window drifts only when both features do.
  CHECK(with({"--drift-share", "1", moved}).exit_code == 0);

  // -o: the JSON lines go to the file, atomically; stdout stays empty.
  const auto out = dir.path + "/windows.jsonl";
  r = with({"--format", "json", "-o", out, moved});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  const auto lines = test::json_lines(test::read_file(out));
  REQUIRE(lines.size() == 2);
  CHECK(drift::window_report::from_json(lines[1]).drift.dataset_drift);
  CHECK_FALSE(drift::window_report::from_json(lines[0]).drift.dataset_drift);
}
