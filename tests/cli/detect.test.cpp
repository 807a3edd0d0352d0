// `mlguard detect` end to end: the real executable, River's streams on stdin.
#include <string>
#include <vector>

#include "drift/online/online_support.hpp"
#include "mlguard/core/json.hpp"
#include "process.hpp"
#include "test_support.hpp"

using namespace mlguard;

namespace {

test::process_result detect(std::vector<std::string> args, const std::string& input) {
  args.insert(args.begin(), {MLGUARD_CLI_PATH, "detect"});
  return test::run_process(args, input);
}

std::string as_lines(const std::vector<double>& values, std::size_t from = 0,
                     std::size_t to = static_cast<std::size_t>(-1)) {
  std::string out;
  for (std::size_t i = from; i < values.size() && i < to; ++i) {
    out += std::to_string(static_cast<long long>(values[i]));
    out += '\n';
  }
  return out;
}

// The indices of the "drift" lines, checking every line's shape on the way.
std::vector<std::size_t> drifts(const std::string& out, std::size_t offset = 0) {
  std::vector<std::size_t> result;
  std::size_t start = 0;
  while (start < out.size()) {
    const auto end = out.find('\n', start);
    REQUIRE(end != std::string::npos);
    const auto j = parse_json(out.substr(start, end - start), "stdout line");
    REQUIRE(j.size() == 2);
    REQUIRE(j["index"].is_number_unsigned());
    const auto state = j["state"].get<std::string>();
    REQUIRE((state == "drift" || state == "warning"));
    if (state == "drift") {
      result.push_back(j["index"].get<std::size_t>() + offset);
    }
    start = end + 1;
  }
  return result;
}

int lines(const std::string& s) {
  int n = 0;
  for (char c : s) {
    n += c == '\n' ? 1 : 0;
  }
  return n;
}

} // namespace

TEST_CASE("mlguard detect: River's parity vectors through the real binary") {
  // Expected indices: River's published values (issue 5), as in tests/drift/online/.
  const auto s1 = as_lines(test::river_stream("s1"));
  const auto s2 = as_lines(test::river_stream("s2"));
  const auto s3 = as_lines(test::river_stream("s3"));
  struct vector_case {
    std::vector<std::string> args;
    const std::string* input;
    std::vector<std::size_t> expected;
  };
  const std::vector<vector_case> cases = {
      {{"--detector", "adwin"}, &s1, {1023}},
      {{"--detector", "ddm"}, &s2, {1049}},
      {{"--detector", "eddm", "--param", "alpha=0.9", "--param", "beta=0.8"}, &s2, {1059}},
      {{"--detector", "hddm_a"}, &s2, {1047}},
      {{"--detector", "hddm_a", "--param", "two_sided_test=true"}, &s3, {531, 1015, 1545}},
      {{"--detector", "hddm_w"}, &s2, {1018}},
      {{"--detector", "hddm_w", "--param", "two_sided_test=true"}, &s3, {507, 1032, 1508}},
      {{"--detector", "kswin", "--param", "alpha=0.0001", "--param", "window_size=200", "--param",
        "stat_size=100", "--param", "seed=42"},
       &s1,
       {1042}},
      {{"--detector", "page_hinkley", "--param", "mode=up"}, &s3, {588, 1681}},
      {{"--detector", "page_hinkley", "--param", "mode=down"}, &s3, {1172}},
      {{"--detector", "page_hinkley"}, &s3, {588, 1097, 1585}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.args[1]);
    const auto r = detect(c.args, *c.input);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.err.empty());
    CHECK(drifts(r.out) == c.expected);
  }
}

TEST_CASE("mlguard detect: warnings are printed too, NaN lines are ignored") {
  const auto r = detect({"--detector", "ddm"}, as_lines(test::river_stream("s2")));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("\"state\":\"warning\"") != std::string::npos);
  const auto n = detect({"--detector", "page_hinkley"}, "1\nnan\n  2 \r\ninf\n3\n");
  CHECK(n.exit_code == 0);
  CHECK(n.out.empty());
}

TEST_CASE("mlguard detect: --state carries the window across runs") {
  char pattern[] = "/tmp/mlguard-detect-XXXXXX";
  REQUIRE(mkdtemp(pattern) != nullptr);
  const std::string dir = pattern;
  const std::string state = dir + "/adwin.json";
  const auto s1 = test::river_stream("s1");
  const auto first = detect({"--detector", "adwin", "--state", state}, as_lines(s1, 0, 1000));
  REQUIRE_MESSAGE(first.exit_code == 0, first.err);
  CHECK(first.out.empty());
  const auto saved = parse_json(test::read_file(state), state);
  CHECK(saved["detector"] == "adwin");
  const auto second = detect({"--detector", "adwin", "--state", state}, as_lines(s1, 1000));
  REQUIRE_MESSAGE(second.exit_code == 0, second.err);
  CHECK(drifts(second.out, 1000) == std::vector<std::size_t>{1023});
  // Parameters come from the saved state, so --param is refused with it.
  const auto both =
      detect({"--detector", "adwin", "--state", state, "--param", "delta=0.1"}, "1\n");
  CHECK(both.exit_code == 2);
  const auto wrong = detect({"--detector", "ddm", "--state", state}, "1\n");
  CHECK(wrong.exit_code == 2);
  CHECK(wrong.err.find("mlguard.format.wrong_kind") != std::string::npos);
  test::run_process({"/bin/rm", "-rf", dir});
}

TEST_CASE("mlguard detect: bad parameters and input exit 2 with one stderr line") {
  struct bad_case {
    std::vector<std::string> args;
    std::string input;
    std::string needle;
  };
  const std::vector<bad_case> cases = {
      {{"--detector", "adwin", "--param", "deltaa=0.1"}, "1\n", "unknown parameter"},
      {{"--detector", "adwin", "--param", "delta=abc"}, "1\n", "not a finite number"},
      {{"--detector", "adwin", "--param", "delta=-1"}, "1\n", "mlguard.drift.bad_parameter"},
      {{"--detector", "adwin", "--param", "clock=-3"}, "1\n", "non-negative integer"},
      {{"--detector", "adwin", "--param", "delta"}, "1\n", "name=value"},
      {{"--detector", "hddm_a", "--param", "two_sided_test=maybe"}, "1\n", "true or false"},
      {{"--detector", "page_hinkley", "--param", "mode=sideways"}, "1\n", "mode"},
      {{"--detector", "kswin", "--param", "stat_size=60"}, "1\n", "window_size"},
      {{"--detector", "nope"}, "1\n", "detector"},
      {{"--detector", "ddm"}, "0\n1\nabc\n1\n", "line 3"},
      {{"--detector", "ddm"}, "0\n\n1\n", "line 2"},
      {{"--detector", "ddm"}, "0\n1 2\n", "line 2"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.args.back());
    CAPTURE(c.input);
    const auto r = detect(c.args, c.input);
    CHECK(r.exit_code == 2);
    CHECK(lines(r.err) == 1);
    CHECK_MESSAGE(r.err.find(c.needle) != std::string::npos, r.err);
  }
}
