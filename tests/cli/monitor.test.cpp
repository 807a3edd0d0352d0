// `mlguard monitor` end to end: the real executable, real files.
#include <cmath>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "mlguard/core/json.hpp"
#include "mlguard/drift/report.hpp"
#include "mlguard/io/csv.hpp"
#include "process.hpp"
#include "test_support.hpp"

using namespace mlguard;

namespace {

struct temp_dir {
  std::string path;
  temp_dir() {
    char pattern[] = "/tmp/mlguard-monitor-XXXXXX";
    REQUIRE(mkdtemp(pattern) != nullptr);
    path = pattern;
  }
  ~temp_dir() { test::run_process({"/bin/rm", "-rf", path}); }
  std::string write(const std::string& name, const std::string& content) const {
    const auto file = path + "/" + name;
    std::ofstream(file, std::ios::binary) << content;
    return file;
  }
};

test::process_result mlguard_cli(std::vector<std::string> args) {
  args.insert(args.begin(), MLGUARD_CLI_PATH);
  return test::run_process(args);
}

std::vector<json> json_lines(const std::string& out) {
  std::vector<json> lines;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    lines.push_back(parse_json(line, "stdout"));
  }
  return lines;
}

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
  temp_dir dir;
  const auto ref = dir.write("ref.csv", make_csv(3000, 1, 1u << 30));
  const auto cur = dir.write("stream.csv", make_csv(2500, 2, 1500));
  const auto r =
      mlguard_cli({"monitor", "--reference", ref, "--window", "500", "--method", "psi", cur});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const auto lines = json_lines(r.out);
  REQUIRE(lines.size() == 5);
  const table reference = io::read_csv(ref);
  const table stream = io::read_csv(cur);
  for (std::size_t k = 0; k < lines.size(); ++k) {
    const auto& w = lines[k];
    CAPTURE(w.dump());
    CHECK(w["window"] == k);
    CHECK(w["first_row"] == k * 500 + 1);
    CHECK(w["last_row"] == (k + 1) * 500);
    REQUIRE(w["features"].size() == 2); // the categorical column is not monitored
    // The batch report on the window's rows gives the same numbers.
    table window;
    for (const char* name : {"x", "k"}) {
      const auto& v = stream.at(name).values();
      window.add(column::numeric(
          name, std::vector<double>(v.begin() + long(k * 500), v.begin() + long((k + 1) * 500))));
    }
    drift::report_options o;
    o.stat = drift::method::psi;
    o.columns = {"x", "k"};
    const auto batch = drift::compare(reference, window, o);
    for (std::size_t f = 0; f < 2; ++f) {
      const auto& feature = w["features"][f];
      CHECK(feature["name"] == batch.columns[f].name);
      CHECK(feature["method"] == "psi");
      CHECK(feature["statistic"].get<double>() == batch.columns[f].statistic);
      CHECK(feature["p_value"].is_null());
      CHECK(feature["drifted"] == batch.columns[f].drifted);
      CHECK(feature["missing"] == batch.columns[f].missing_current);
    }
  }
  CHECK(lines[0]["features"][0]["drifted"] == false);
  CHECK(lines[4]["features"][0]["drifted"] == true); // x shifted from row 1501
}

TEST_CASE("mlguard monitor: ks has p-values; sliding windows; --partial; usage errors") {
  temp_dir dir;
  const auto ref = dir.write("ref.csv", make_csv(1000, 3, 1u << 30));
  const auto cur = dir.write("stream.csv", make_csv(1100, 4, 1u << 30));
  auto r = mlguard_cli(
      {"monitor", "--reference", ref, "--window", "400", "--method", "ks", "--partial", cur});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  auto lines = json_lines(r.out);
  REQUIRE(lines.size() == 3);
  CHECK(lines[2]["rows"] == 300);
  CHECK(lines[2]["last_row"] == 1100);
  CHECK(lines[0]["features"][0]["p_value"].is_number());
  CHECK(lines[0]["features"][0]["method"] == "ks");

  r = mlguard_cli({"monitor", "--reference", ref, "--window", "400", "--step", "100", "--method",
                   "js", "--threshold", "0.2", cur});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  lines = json_lines(r.out);
  REQUIRE(lines.size() == 8); // windows ending at rows 400, 500, ..., 1100
  CHECK(lines[7]["first_row"] == 701);
  CHECK(lines[7]["features"][1]["method"] == "jensenshannon");
  CHECK(lines[7]["features"][1]["threshold"] == 0.2);

  r = mlguard_cli({"monitor", "--reference", ref, "--method", "wasserstein", cur});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("mlguard.drift.method_not_applicable") != std::string::npos);
  const auto other = dir.write("other.csv", "y\n1\n2\n");
  r = mlguard_cli({"monitor", "--reference", ref, other});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("mlguard.drift.unknown_column") != std::string::npos);
  r = mlguard_cli({"monitor", "--reference", ref, "--window", "0", cur});
  CHECK(r.exit_code == 2);
  r = mlguard_cli({"monitor", cur});
  CHECK(r.exit_code == 2);
  r = mlguard_cli({"monitor", "--reference", dir.path + "/missing.csv", cur});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("mlguard.io.open_failed") != std::string::npos);
}
