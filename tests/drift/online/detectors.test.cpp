// Every registered online detector: its table agrees with its document,
// make_detector / load_detector find it, and the states saved by an
// earlier mlguard (tests/fixtures/online/) still load and resume.
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include <unistd.h>

#include <doctest/doctest.h>

#include "drift/online/online_support.hpp"
#include "mlguard/drift/online/detectors.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::drift::online;

namespace {

// The stream and the uninterrupted detector each golden file was cut from
// (tests/fixtures/online/README.md).
struct golden {
  const char* stream;
  std::size_t cut;
  std::vector<option_setting> settings;
};

golden golden_of(std::string_view name) {
  if (name == "adwin") {
    return {"s1", 1000, {}};
  }
  if (name == "ddm") {
    return {"s2", 1030, {}};
  }
  if (name == "eddm") {
    return {"s2", 1040, {{"alpha", "0.9"}, {"beta", "0.8"}}};
  }
  if (name == "hddm_a" || name == "hddm_w") {
    return {"s3", 1000, {{"two_sided_test", "true"}}};
  }
  if (name == "kswin") {
    return {"s1",
            1000,
            {{"alpha", "0.0001"}, {"window_size", "200"}, {"stat_size", "100"}, {"seed", "42"}}};
  }
  return {"s3", 1000, {}}; // page_hinkley
}

} // namespace

TEST_CASE(
    "detectors: each detector's table is its params object, and its verdicts are non-virtual") {
  std::set<std::string> names;
  for_each_detector([&](auto tag) {
    using D = typename decltype(tag)::type;
    static_assert(!std::is_polymorphic_v<D>, "update() must not be a virtual call");
    static_assert(noexcept(std::declval<D&>().update(0.0)));
    CAPTURE(D::name);
    CHECK(names.insert(std::string(D::name)).second);
    const json params = D{}.to_json()["params"];
    std::set<std::string> in_json;
    for (auto it = params.begin(); it != params.end(); ++it) {
      in_json.insert(it.key());
    }
    std::set<std::string> in_table;
    for (const auto& o : D::describe_options()) {
      CHECK(in_table.insert(o.name).second);
      CHECK(!o.doc.empty());
    }
    CHECK(in_json == in_table);
  });
  CHECK(names.size() == std::variant_size_v<any_detector>);
  const auto listed = detector_names();
  CHECK(std::set<std::string>(listed.begin(), listed.end()) == names);
}

TEST_CASE("detectors: golden states of an earlier mlguard load unchanged and resume") {
  for_each_detector([&](auto tag) {
    using D = typename decltype(tag)::type;
    CAPTURE(D::name);
    const std::string path = test::fixture_path("online/" + std::string(D::name) + ".json");
    const golden g = golden_of(D::name);
    const auto stream = test::river_stream(g.stream);

    // Loaded, it writes back the very document it was read from.
    D loaded = D::load(path);
    CHECK(loaded.to_json() == load_json(path));
    CHECK(detector_name(load_detector(load_json(path), path)) == D::name);

    // It goes on as the detector it was cut from.
    auto straight = std::get<D>(make_detector(D::name, g.settings));
    auto expected = test::events(straight, stream);
    std::vector<test::event> tail;
    for (const auto& e : expected) {
      if (e.first >= g.cut) {
        tail.push_back(e);
      }
    }
    CHECK(test::events(loaded, stream, g.cut) == tail);
    CHECK(loaded.to_json() == straight.to_json());
  });
}

TEST_CASE("detectors: save and load through a file, make_detector and load_detector") {
  char dir[] = "/tmp/mlguard-detectors-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  const auto s3 = test::river_stream("s3");
  for_each_detector([&](auto tag) {
    using D = typename decltype(tag)::type;
    CAPTURE(D::name);
    any_detector made = make_detector(D::name);
    D& d = std::get<D>(made);
    for (std::size_t i = 0; i < 700; ++i) {
      d.update(s3[i]);
    }
    const std::string path = std::string(dir) + "/" + std::string(D::name) + ".json";
    d.save(path);
    D back = D::load(path);
    CHECK(back.to_json() == d.to_json());
    CHECK(std::visit([](const auto& x) { return x.to_json(); },
                     load_detector(load_json(path), path)) == d.to_json());
    for (std::size_t i = 700; i < s3.size(); ++i) {
      REQUIRE(back.update(s3[i]) == d.update(s3[i]));
    }
    std::remove(path.c_str());
  });
  rmdir(dir);

  const auto eddm_made = make_detector("eddm", {{"alpha", "0.9"}, {"beta", "0.8"}});
  CHECK(std::get<eddm>(eddm_made).options().beta == 0.8);
  MLGUARD_CHECK_THROWS_ID(make_detector("eddm", {{"alpha", "0.5"}}), // alpha < beta
                          "mlguard.drift.invalid_option");
  MLGUARD_CHECK_THROWS_ID(make_detector("nope"), "mlguard.drift.invalid_option");
  json doc = ddm{}.to_json();
  doc["detector"] = "nope";
  MLGUARD_CHECK_THROWS_ID(load_detector(doc, "doc"), "mlguard.format.wrong_kind");
  doc["format"] = "mlguard.schema";
  MLGUARD_CHECK_THROWS_ID(load_detector(doc, "doc"), "mlguard.format.wrong_kind");
}

TEST_CASE("detectors: the functions also run over a program's own list") {
  using mine = std::variant<page_hinkley, ddm>;
  CHECK(detector_names<mine>() == std::vector<std::string_view>{"page_hinkley", "ddm"});
  const mine d = make_detector<mine>("ddm", {{"warm_start", "5"}});
  CHECK(std::get<ddm>(d).options().warm_start == 5);
  CHECK(detector_name(d) == "ddm");
  MLGUARD_CHECK_THROWS_ID(make_detector<mine>("adwin"), "mlguard.drift.invalid_option");
  CHECK(std::holds_alternative<page_hinkley>(
      load_detector<mine>(page_hinkley{}.to_json(), "page_hinkley")));
  MLGUARD_CHECK_THROWS_ID(load_detector<mine>(adwin{}.to_json(), "adwin"),
                          "mlguard.format.wrong_kind");
}

// Found by tests/fuzz/fuzz_online.cpp: finite values near ±1e308 overflow the
// detectors' running sums (as they do River's), and the state they reach was
// saved with "inf" or null, then refused by the loader ("expected a finite
// number"), so a service could not restart from its own save.
TEST_CASE("detectors: a state reached on finite values near ±1e308 saves and loads back") {
  std::vector<double> extremes;
  for (int i = 0; i < 40; ++i) {
    for (double v : {1e308, -1e308, 1.7976931348623157e308, 0.0, 1.0, -1e308, 0.5, 1e6}) {
      extremes.push_back(v);
    }
  }
  for_each_detector([&](auto tag) {
    using D = typename decltype(tag)::type;
    CAPTURE(D::name);
    D d;
    for (std::size_t i = 0; i < extremes.size(); ++i) {
      d.update(extremes[i]);
      const json saved = d.to_json();
      CAPTURE(i);
      CAPTURE(dump_json(saved["state"]));
      const D back = D::from_json(saved);
      REQUIRE(dump_json(back.to_json()) == dump_json(saved));
    }
  });
}
