// `mlguard detect` end to end: the real executable, River's streams on stdin.
#include <cstdlib>
#include <string>
#include <vector>

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_support.hpp"
#include "drift/online/online_support.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/drift/online/detectors.hpp"
#include "test_support.hpp"

using namespace mlguard;
namespace online = mlguard::drift::online;

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

// The JSON report, with its shape checked on the way.
json detect_report(const std::string& out) {
  const json j = parse_json(out, "stdout");
  REQUIRE(j.is_object());
  for (const char* field : {"values", "ignored", "drifts", "warnings"}) {
    REQUIRE(j[field].is_number_unsigned());
  }
  REQUIRE(j["detector"].is_string());
  REQUIRE(j["params"].is_object());
  REQUIRE(j["events"].is_array());
  std::uint64_t drifts = 0;
  std::uint64_t warnings = 0;
  for (const auto& e : j["events"]) {
    REQUIRE(e.size() == 2);
    REQUIRE(e["index"].is_number_unsigned());
    const auto& state = e["state"].get_ref<const std::string&>();
    REQUIRE((state == "drift" || state == "warning"));
    (state == "drift" ? drifts : warnings) += 1;
  }
  CHECK(j["drifts"] == drifts);
  CHECK(j["warnings"] == warnings);
  return j;
}

// The indices of the drift events, shifted by `offset`.
std::vector<std::size_t> drifts(const json& r, std::size_t offset = 0) {
  std::vector<std::size_t> result;
  for (const auto& e : r["events"]) {
    if (e["state"].get_ref<const std::string&>() == "drift") {
      result.push_back(e["index"].get<std::size_t>() + offset);
    }
  }
  return result;
}

// A fresh temporary directory, removed at the end of the scope.
} // namespace

TEST_CASE("mlguard detect: River's parity vectors through the real binary") {
  // Expected indices: River 0.26's tests/drift/test_drift_detectors.py, as in tests/drift/online/.
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
    auto args = c.args;
    args.insert(args.end(), {"--format", "json"});
    const auto r = detect(args, *c.input);
    CHECK_MESSAGE(r.exit_code == 1, r.err); // drift found
    CHECK(r.err.empty());
    const json j = detect_report(r.out);
    CHECK(drifts(j) == c.expected);
    CHECK(j["detector"] == c.args[1]);
    CHECK(j["values"] == 2000);
    CHECK(j["ignored"] == 0);
  }
}

TEST_CASE("mlguard detect: exit 0 without drift, also when it warns, NaN lines are ignored") {
  const auto s2 = test::river_stream("s2");
  // DDM warns from index 1007 on s2 and signals drift at 1049.
  const auto warned = detect({"--detector", "ddm", "--format", "json"}, as_lines(s2, 0, 1040));
  CHECK_MESSAGE(warned.exit_code == 0, warned.err);
  const json w = detect_report(warned.out);
  CHECK(w["drifts"] == 0);
  CHECK(w["warnings"].get<int>() > 0);
  CHECK(w["events"][0]["index"] == 1007);
  CHECK(w["events"][0]["state"] == "warning");

  const auto n =
      detect({"--detector", "page_hinkley", "--format", "json"}, "1\nnan\n  2 \r\ninf\n3\n");
  CHECK_MESSAGE(n.exit_code == 0, n.err);
  const json j = detect_report(n.out);
  CHECK(j["values"] == 5);
  CHECK(j["ignored"] == 2);
  CHECK(j["events"].empty());
  CHECK(j["params"] == online::page_hinkley{}.to_json()["params"]);
}

TEST_CASE("mlguard detect: the text report is a table of events and a summary line") {
  const auto s2 = as_lines(test::river_stream("s2"));
  const auto r = detect({"--detector", "ddm"}, s2);
  CHECK(r.exit_code == 1);
  CHECK(r.out.rfind("index  state\n", 0) == 0);
  CHECK(r.out.find("\n1007   warning\n") != std::string::npos);
  CHECK(r.out.find("\n1049   drift\n") != std::string::npos);
  const auto json_run = detect_report(detect({"--detector", "ddm", "--format", "json"}, s2).out);
  const std::string summary = "\nddm: 2000 values (0 ignored), 1 drift, " +
                              std::to_string(json_run["warnings"].get<int>()) + " warnings\n";
  CHECK(r.out.size() > summary.size());
  CHECK(r.out.compare(r.out.size() - summary.size(), summary.size(), summary) == 0);
  const auto quiet = detect({"--detector", "adwin"}, "1\n2\n");
  CHECK(quiet.exit_code == 0);
  CHECK(quiet.out == "adwin: 2 values (0 ignored), no drift, 0 warnings\n");
}

TEST_CASE("mlguard detect: text on stdout streams each event the moment it happens") {
  // A live pipe: feed DDM River's s2 stream up to just past its drift (index 1049)
  // without closing stdin, and read the drift line while the input is still open.
  const auto s2 = as_lines(test::river_stream("s2"), 0, 1100);
  int in[2];
  int out[2];
  REQUIRE(::pipe(in) == 0);
  REQUIRE(::pipe(out) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    ::close(in[1]);
    ::close(out[0]);
    ::execl(MLGUARD_CLI_PATH, MLGUARD_CLI_PATH, "detect", "--detector", "ddm",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  REQUIRE(::write(in[1], s2.data(), s2.size()) == static_cast<ssize_t>(s2.size()));
  std::string seen;
  pollfd reader{out[0], POLLIN, 0};
  while (seen.find("1049   drift\n") == std::string::npos && ::poll(&reader, 1, 20000) > 0) {
    char buffer[4096];
    const ssize_t n = ::read(out[0], buffer, sizeof buffer);
    if (n <= 0) {
      break;
    }
    seen.append(buffer, static_cast<std::size_t>(n));
  }
  CHECK(seen.rfind("index  state\n", 0) == 0);
  CHECK(seen.find("1049   drift\n") != std::string::npos); // before the input ended
  CHECK(seen.find("values") == std::string::npos);         // the summary comes at the end
  ::close(in[1]);
  int status = 0;
  while (::read(out[0], &status, 1) > 0) {
  }
  ::close(out[0]);
  REQUIRE(::waitpid(child, &status, 0) == child);
  CHECK(WEXITSTATUS(status) == 1);
}

TEST_CASE("mlguard detect: -o writes the report to a file") {
  test::temp_dir dir;
  const std::string path = dir.path + "/report.json";
  const auto r = detect({"--detector", "hddm_a", "--format", "json", "-o", path},
                        as_lines(test::river_stream("s2")));
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(drifts(detect_report(test::read_file(path))) == std::vector<std::size_t>{1047});
  const std::string text_path = dir.path + "/report.txt";
  const auto t = detect({"--detector", "adwin", "-o", text_path}, "1\n");
  CHECK(t.exit_code == 0);
  CHECK(test::read_file(text_path) == "adwin: 1 values (0 ignored), no drift, 0 warnings\n");
}

TEST_CASE("mlguard detect: --state carries the window across runs") {
  test::temp_dir dir;
  const std::string state = dir.path + "/adwin.json";
  const auto s1 = test::river_stream("s1");
  const auto first =
      detect({"--detector", "adwin", "--state", state, "--format", "json"}, as_lines(s1, 0, 1000));
  REQUIRE_MESSAGE(first.exit_code == 0, first.err);
  CHECK(detect_report(first.out)["events"].empty());
  const auto saved = online::adwin::load(state);
  CHECK(saved.width() == 1000.0);
  const auto second = detect({"--detector", "adwin", "--state", state, "--format", "json"},
                             as_lines(s1, 1000, 1500));
  REQUIRE_MESSAGE(second.exit_code == 1, second.err);
  CHECK(drifts(detect_report(second.out), 1000) == std::vector<std::size_t>{1023});
  // Without --detector, the state file says which detector it holds.
  const auto third = detect({"--state", state, "--format", "json"}, as_lines(s1, 1500));
  CHECK_MESSAGE(third.exit_code == 0, third.err);
  CHECK(detect_report(third.out)["detector"] == "adwin");
  // Parameters come from the saved state, so --param is refused with it.
  const auto both =
      detect({"--detector", "adwin", "--state", state, "--param", "delta=0.1"}, "1\n");
  CHECK(both.exit_code == 2);
  CHECK(both.err.find("mlguard.argument.invalid_option") != std::string::npos);
  const auto wrong = detect({"--detector", "ddm", "--state", state}, "1\n");
  CHECK(wrong.exit_code == 2);
  CHECK(wrong.err.find("mlguard.format.wrong_kind") != std::string::npos);
  // A golden state written by an earlier mlguard resumes where it stopped.
  const std::string golden = dir.path + "/kswin.json";
  test::run_process({"/bin/cp", test::fixture_path("online/kswin.json"), golden});
  const auto resumed = detect({"--state", golden, "--format", "json"}, as_lines(s1, 1000));
  CHECK(resumed.exit_code == 1);
  CHECK(drifts(detect_report(resumed.out), 1000) == std::vector<std::size_t>{1042});
}

TEST_CASE("mlguard detect: --param reads every detector's parameter table") {
  // River's lambda_val is accepted as an alias of hddm_w's lambda.
  const auto alias =
      detect({"--detector", "hddm_w", "--param", "lambda_val=0.2", "--format", "json"}, "0\n");
  CHECK_MESSAGE(alias.exit_code == 0, alias.err);
  CHECK(detect_report(alias.out)["params"]["lambda"] == 0.2);
  // Every option of every detector can be set to its default's text.
  online::for_each_detector([&](auto tag) {
    using D = typename decltype(tag)::type;
    std::vector<std::string> args = {"--detector", std::string(D::name), "--format", "json"};
    for (const auto& o : D::describe_options()) {
      args.push_back("--param");
      args.push_back(o.name + "=" + o.default_value);
    }
    CAPTURE(D::name);
    const auto r = detect(args, "0\n");
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    const json params = detect_report(r.out)["params"];
    const json defaults = D{}.to_json()["params"];
    for (const auto& o : D::describe_options()) {
      if (o.name != "seed") {
        CHECK(params[o.name] == defaults[o.name]);
      }
    }
  });
}

TEST_CASE("mlguard detect: --list shows each detector's parameters from its table") {
  const auto all = detect({"--list", "--format", "json"}, "");
  REQUIRE_MESSAGE(all.exit_code == 0, all.err);
  const json doc = parse_json(all.out, "stdout");
  std::size_t i = 0;
  online::for_each_detector([&](auto tag) {
    using D = typename decltype(tag)::type;
    REQUIRE(i < doc["detectors"].size());
    const json& entry = doc["detectors"][i++];
    CHECK(entry["name"] == std::string(D::name));
    CHECK(entry["river"] == std::string(D::river_class));
    const auto options = D::describe_options();
    REQUIRE(entry["params"].size() == options.size());
    for (std::size_t k = 0; k < options.size(); ++k) {
      CHECK(entry["params"][k]["name"] == options[k].name);
      CHECK(entry["params"][k]["default"] == options[k].default_value);
      CHECK(entry["params"][k]["range"] == options[k].range);
    }
  });
  CHECK(i == doc["detectors"].size());

  const auto one = detect({"--list", "--detector", "adwin"}, "");
  CHECK(one.exit_code == 0);
  CHECK(one.out.rfind("adwin (river.drift.ADWIN; drift)\n", 0) == 0);
  CHECK(one.out.find("  delta ") != std::string::npos);
  CHECK(one.out.find("(0, 1]") != std::string::npos);
  CHECK(one.out.find("ddm") == std::string::npos);
}

TEST_CASE("mlguard detect: bad parameters and input exit 2 with one stderr line") {
  struct bad_case {
    std::vector<std::string> args;
    std::string input;
    std::string needle;
  };
  const std::vector<bad_case> cases = {
      {{"--detector", "adwin", "--param", "deltaa=0.1"}, "1\n", "unknown parameter \"deltaa\""},
      {{"--detector", "adwin", "--param", "delta=abc"}, "1\n", "is not a number"},
      {{"--detector", "adwin", "--param", "delta=-1"}, "1\n", "mlguard.drift.invalid_option"},
      {{"--detector", "adwin", "--param", "delta=inf"}, "1\n", "delta must be in (0, 1]"},
      {{"--detector", "adwin", "--param", "clock=-3"}, "1\n", "non-negative integer"},
      {{"--detector", "adwin", "--param", "clock=4294967296"}, "1\n", "[1, 4294967295]"},
      {{"--detector", "adwin", "--param", "delta"}, "1\n", "mlguard.argument.invalid_option"},
      {{"--detector", "hddm_a", "--param", "two_sided_test=maybe"}, "1\n", "true or false"},
      {{"--detector", "page_hinkley", "--param", "mode=sideways"}, "1\n", "up|down|both"},
      {{"--detector", "kswin", "--param", "stat_size=60"}, "1\n", "window_size"},
      {{"--detector", "nope"}, "1\n", "detector"},
      {{"--param", "delta=0.1"}, "1\n", "--detector is required"},
      {{"--detector", "ddm"}, "0\n1\nabc\n1\n", "line 3"},
      {{"--detector", "ddm"}, "0\n\n1\n", "line 2"},
      {{"--detector", "ddm"}, "0\n1 2\n", "line 2"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.args.back());
    CAPTURE(c.input);
    const auto r = detect(c.args, c.input);
    CHECK(r.exit_code == 2);
    CHECK(test::count_lines(r.err) == 1);
    CHECK(r.out.empty());
    CHECK_MESSAGE(r.err.find(c.needle) != std::string::npos, r.err);
  }
}
