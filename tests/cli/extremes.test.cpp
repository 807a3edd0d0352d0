// The CLI on a CSV of finite values near ±1e308 (issue 16): profile, profile
// merge, monitor --reference PROFILE, drift and validate --reference-profile,
// the real executable on real files.
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/profile/dataset_profile.hpp"
#include "test_support.hpp"

using namespace mlguard;

namespace cli_extremes {

// x: values of magnitude 1e308 to 1.725e308 of both signs, so that the gap
// across zero exceeds DBL_MAX; y: small integers (an ordinary column).
// `shift` moves x towards +DBL_MAX (halving it first, so it stays finite).
std::string huge_csv(int first, int last, bool shift = false) {
  std::ostringstream out;
  out.precision(17);
  out << "x,y\n";
  for (int i = first; i < last; ++i) {
    double x = (i % 2 == 0 ? 1.0 : -1.0) * (1e308 + static_cast<double>(i % 30) * 2.5e306);
    if (shift) {
      x = x / 2.0 + 8e307;
    }
    out << x << "," << (i % 7) << "\n";
  }
  return out.str();
}

// Every column verdict stands on a number or says why it was skipped.
void check_verdicts(const json& report) {
  for (const auto& c : report["columns"]) {
    CAPTURE(c.dump());
    if (c.contains("skipped")) {
      CHECK(c["skipped"].is_string());
      CHECK(c["drifted"] == false);
      continue;
    }
    CHECK((c["statistic"].is_number() || (c["statistic"] == "inf" && c["p_value"].is_number())));
  }
}

} // namespace cli_extremes

TEST_CASE("mlguard profile, profile merge, monitor, drift and validate on ±1e308 (issue 16)") {
  const test::temp_dir dir;
  const auto all = dir.write("all.csv", cli_extremes::huge_csv(0, 61));
  const auto a = dir.write("a.csv", cli_extremes::huge_csv(0, 25));
  const auto b = dir.write("b.csv", cli_extremes::huge_csv(25, 61));
  const auto moved = dir.write("moved.csv", cli_extremes::huge_csv(0, 61, true));

  // profile: every number written is finite, and it loads back.
  auto r = test::run_cli({"profile", all, "-o", dir.file("p.json")});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const auto p = profile::dataset_profile::load(dir.file("p.json"));
  const json pj = parse_json(test::read_file(dir.file("p.json")), "p.json");
  CHECK(pj["features"]["x"]["mean"].is_number());
  CHECK(pj["features"]["x"]["m2"].is_number()); // was "inf"
  CHECK(pj["features"]["x"].contains("m2_exp2"));
  CHECK(std::isinf(*p.at("x").variance())); // the true variance is ≈ 1e616

  // profile merge of the two halves equals the whole (to rounding).
  REQUIRE(test::run_cli({"profile", a, "-o", dir.file("a.json")}).exit_code == 0);
  REQUIRE(test::run_cli({"profile", b, "-o", dir.file("b.json")}).exit_code == 0);
  r = test::run_cli(
      {"profile", "merge", dir.file("a.json"), dir.file("b.json"), "-o", dir.file("m.json")});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const auto m = profile::dataset_profile::load(dir.file("m.json"));
  CHECK(m.rows() == 61);
  CHECK(std::abs(*m.at("x").mean() - *p.at("x").mean()) <= 1e-14 * *p.at("x").max());
  CHECK(*m.at("x").max() == *p.at("x").max());

  // monitor --reference PROFILE: windows with verdicts, each on a number.
  r = test::run_cli(
      {"monitor", "--reference", dir.file("p.json"), "--window", "20", "--format", "json", moved});
  REQUIRE_MESSAGE((r.exit_code == 0 || r.exit_code == 1), r.err);
  const auto windows = test::json_lines(r.out);
  REQUIRE(windows.size() == 3);
  for (const auto& w : windows) {
    cli_extremes::check_verdicts(w);
  }

  // drift: the distances of identical data are 0 (scipy: NaN); of moved
  // data, finite (Evidently binning cast a NaN bin count before).
  for (const std::string method : {"wasserstein", "wasserstein_norm", "energy", "psi", "ks"}) {
    CAPTURE(method);
    r = test::run_cli({"drift", all, all, "--method", method, "--format", "json"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const json same = parse_json(r.out, "stdout");
    cli_extremes::check_verdicts(same);
    CHECK(same["columns"][0]["statistic"].is_number());
    CHECK(same["columns"][0]["drifted"] == false);
    r = test::run_cli(
        {"drift", all, moved, "--method", method, "--binning", "evidently", "--format", "json"});
    REQUIRE_MESSAGE((r.exit_code == 0 || r.exit_code == 1), r.err);
    const json drifted = parse_json(r.out, "stdout");
    cli_extremes::check_verdicts(drifted);
    CHECK(drifted["columns"][0]["statistic"].is_number());
  }

  // validate --reference-profile: the skew comparators read the profile.
  const auto train = dir.write("train.csv", "x,y\n1.5,1\n2.5,2\n-3,3\n");
  REQUIRE(test::run_cli({"schema", "infer", train, "-o", dir.file("schema.json")}).exit_code == 0);
  r = test::run_cli({"validate", "--schema", dir.file("schema.json"), all, "--reference-profile",
                     dir.file("p.json"), "--format", "json"});
  REQUIRE_MESSAGE((r.exit_code == 0 || r.exit_code == 1), r.err);
  CHECK(parse_json(r.out, "stdout")["features"].size() == 2);
}
