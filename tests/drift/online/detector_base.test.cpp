// What detector_base gives every detector, shown on a detector written here
// in one class: the update guard, River's reset after a drift, options,
// the saved document and its checks, save/load.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>

#include <unistd.h>

#include <doctest/doctest.h>

#include "mlguard/drift/online/detector_base.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::drift::online;

namespace {

struct spike_options {
  double limit = 3.0;
  std::uint32_t patience = 2;
};

// Warns on one value above `limit`, drifts on `patience` in a row.
class spike : public detector_base<spike, spike_options> {
public:
  static constexpr std::string_view name = "spike";
  static constexpr bool warns = true;
  static constexpr auto option_table() {
    return std::make_tuple(option("limit", &spike_options::limit, above(0), "the spike level"),
                           option("patience", &spike_options::patience, closed(1, 10),
                                  "spikes in a row that make a drift"));
  }
  explicit spike(const spike_options& o = {}) : detector_base(o) {}
  std::uint32_t run() const noexcept { return run_; }

private:
  friend detector_base;
  void step(double x) noexcept {
    run_ = x > options_.limit ? run_ + 1 : 0;
    warning_ = run_ > 0;
    drift_ = run_ >= options_.patience;
  }
  void clear() noexcept { run_ = 0; }
  void write_state(json& s) const { s["run"] = run_; }
  void read_state(const json_reader& s) {
    allow_state_fields(s, {"run"});
    run_ = static_cast<std::uint32_t>(s.count("run", options_.patience));
  }
  std::uint32_t run_ = 0;
};

// The base adds no virtual call, and update() promises not to throw.
static_assert(!std::is_polymorphic_v<spike>);
static_assert(noexcept(std::declval<spike&>().update(1.0)));

} // namespace

TEST_CASE("detector_base: verdicts, non-finite input and the reset after a drift") {
  spike d;
  CHECK(d.update(1.0) == detector_state::none);
  CHECK(d.update(5.0) == detector_state::warning);
  CHECK(d.warning_detected());
  CHECK(d.update(std::numeric_limits<double>::quiet_NaN()) == detector_state::none);
  CHECK(d.update(-std::numeric_limits<double>::infinity()) == detector_state::none);
  CHECK(d.ignored_count() == 2);
  CHECK(d.state() == detector_state::warning); // ignored values change nothing
  CHECK(d.update(5.0) == detector_state::drift);
  CHECK(d.drift_detected());
  CHECK(d.warning_detected()); // both flags are set; state() says drift
  CHECK(d.run() == 2);
  // The next accepted value starts afresh (River's _reset), so one spike only warns.
  CHECK(d.update(5.0) == detector_state::warning);
  CHECK(d.run() == 1);
  d.reset();
  CHECK(d.state() == detector_state::none);
  CHECK(d.run() == 0);
  CHECK(d.ignored_count() == 2); // kept by reset
}

TEST_CASE("detector_base: options are checked against the table") {
  spike_options o;
  o.limit = 0.0;
  MLGUARD_CHECK_THROWS_ID(spike{o}, "mlguard.drift.invalid_option");
  o = {};
  o.patience = 11;
  MLGUARD_CHECK_THROWS_ID(spike{o}, "mlguard.drift.invalid_option");
  try {
    spike{o};
  } catch (const error& e) {
    CHECK(std::string(e.what()) ==
          "[mlguard.drift.invalid_option] spike: patience must be in [1, 10], not 11");
  }
  o = {};
  spike::set_option(o, "patience", "4");
  CHECK(spike{o}.options().patience == 4);
  const auto described = spike::describe_options();
  REQUIRE(described.size() == 2);
  CHECK(described[1].name == "patience");
  CHECK(described[1].default_value == "2");
  CHECK(described[1].range == "[1, 10]");
}

TEST_CASE("detector_base: the saved document, its checks, save and load") {
  spike_options o;
  o.limit = 2.5;
  spike d(o);
  d.update(3.0);
  d.update(std::nan(""));
  const json j = d.to_json();
  CHECK(j["format"] == "mlguard.online_detector");
  CHECK(j["format_version"] == 1);
  CHECK(j["detector"] == "spike");
  CHECK(j["params"]["limit"] == 2.5);
  CHECK(j["params"]["patience"] == 2);
  CHECK(j["state"]["run"] == 1);
  CHECK(j["state"]["warning"] == true);
  CHECK(j["state"]["drift"] == false);
  CHECK(j["state"]["ignored"] == 1);
  CHECK(spike::from_json(j).to_json() == j);

  json bad = j;
  bad["detector"] = "ddm";
  MLGUARD_CHECK_THROWS_ID(spike::from_json(bad), "mlguard.format.wrong_kind");
  bad = j;
  bad["params"]["patience"] = 0u; // out of its range: the stored document is corrupt
  try {
    spike::from_json(bad, "spike.json");
    FAIL("expected a throw");
  } catch (const error& e) {
    CHECK(std::string(e.what()) ==
          "[mlguard.format.corrupt] spike.json: params.patience: expected a value in [1, 10]");
  }
  bad = j;
  bad["state"]["run"] = 3; // more than patience
  MLGUARD_CHECK_THROWS_ID(spike::from_json(bad), "mlguard.format.corrupt");
  bad = j;
  bad["params"]["limit"] = nullptr; // NaN
  MLGUARD_CHECK_THROWS_ID(spike::from_json(bad), "mlguard.format.corrupt");

  char dir[] = "/tmp/mlguard-detector-base-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  const std::string path = std::string(dir) + "/spike.json";
  d.save(path);
  CHECK(spike::load(path).to_json() == j);
  std::remove(path.c_str());
  MLGUARD_CHECK_THROWS_ID(spike::load(path), "mlguard.io.open_failed");
  rmdir(dir);
}
