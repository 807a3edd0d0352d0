// The parameter-table machinery: ranges, text values, the "params" object.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include <doctest/doctest.h>

#include "mlguard/drift/online/option_table.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::drift::online;
namespace ot = mlguard::drift::online::detail;

namespace {

enum class colour : std::uint8_t { red, green };
constexpr std::string_view colour_names[] = {"red", "green"};

struct demo_options {
  double rate = 0.5;
  std::uint32_t count = 3;
  std::uint64_t big = 7;
  bool flag = false;
  colour hue = colour::green;
  std::optional<std::uint64_t> seed;
};

constexpr auto demo_table() {
  return std::make_tuple(option("rate", &demo_options::rate, open_closed(0, 1), "a rate"),
                         option("count", &demo_options::count, at_least(1), "a count", "n"),
                         option("big", &demo_options::big, at_least(0), "any count"),
                         option("flag", &demo_options::flag, "a flag"),
                         option("hue", &demo_options::hue, colour_names, "a colour"),
                         option("seed", &demo_options::seed, "a seed"));
}

demo_options set(std::string_view name, std::string_view text) {
  demo_options o;
  ot::set_option(demo_table(), o, name, text, "demo");
  return o;
}

std::string error_of(std::string_view name, std::string_view text) {
  try {
    set(name, text);
  } catch (const error& e) {
    CHECK(e.id() == "mlguard.drift.invalid_option");
    return e.what();
  }
  return "";
}

} // namespace

TEST_CASE("option_table: ranges include or exclude their ends") {
  CHECK(open_closed(0, 1).contains(1.0));
  CHECK(!open_closed(0, 1).contains(0.0));
  CHECK(closed(1, 10).contains(1.0));
  CHECK(!open_interval(0, 1).contains(1.0));
  CHECK(above(0).contains(1e300));
  CHECK(!above(0).contains(std::numeric_limits<double>::infinity()));
  CHECK(at_least(0).contains(0.0));
  CHECK(!at_least(0).contains(std::numeric_limits<double>::quiet_NaN()));
}

TEST_CASE("option_table: set_option reads each type's text and checks the range") {
  CHECK(set("rate", "0.25").rate == 0.25);
  CHECK(set("rate", "1e-3").rate == 0.001);
  CHECK(set("count", "12").count == 12);
  CHECK(set("n", "12").count == 12); // the alias
  CHECK(set("big", "18446744073709551615").big == std::numeric_limits<std::uint64_t>::max());
  CHECK(set("flag", "true").flag);
  CHECK(set("flag", "1").flag);
  CHECK(!set("flag", "false").flag);
  CHECK(set("hue", "red").hue == colour::red);
  CHECK(set("seed", "42").seed == std::optional<std::uint64_t>(42));
  CHECK(!set("seed", "none").seed);

  CHECK(error_of("rate", "0") ==
        "[mlguard.drift.invalid_option] demo: rate must be in (0, 1], not 0");
  CHECK(error_of("rate", "nan").find("rate must be in (0, 1], not nan") != std::string::npos);
  CHECK(error_of("rate", "0.5x") ==
        "[mlguard.drift.invalid_option] demo: rate: \"0.5x\" is not a number");
  CHECK(error_of("rate", "").find("is not a number") != std::string::npos);
  CHECK(error_of("count", "0").find("count must be in [1, 4294967295], not 0") !=
        std::string::npos);
  CHECK(error_of("count", "4294967296").find("not 4294967296") != std::string::npos);
  for (const char* text : {"-1", "+1", " 1", "1.5", "0x10"}) {
    CAPTURE(text);
    CHECK(error_of("count", text).find("is not a non-negative integer") != std::string::npos);
  }
  CHECK(error_of("big", "18446744073709551616").find("is not a non-negative integer") !=
        std::string::npos);
  CHECK(error_of("flag", "yes").find("is not true or false") != std::string::npos);
  CHECK(error_of("hue", "blue").find("is not one of red|green") != std::string::npos);
  CHECK(error_of("seed", "-1").find("is not a non-negative integer or none") != std::string::npos);
  CHECK(error_of("colour", "red") == "[mlguard.drift.invalid_option] demo: unknown parameter "
                                     "\"colour\" (known: rate, count, big, flag, hue, seed)");
}

TEST_CASE("option_table: the params object round-trips and is read strictly") {
  demo_options o;
  o.rate = 0.125;
  o.hue = colour::red;
  o.seed = 9;
  const json params = ot::write_options(demo_table(), o);
  CHECK(params.size() == 6);
  CHECK(params["hue"] == "red");
  CHECK(params["seed"] == 9);
  CHECK(ot::write_options(demo_table(), demo_options{})["seed"].is_null());
  const auto back = ot::read_options<demo_options>(demo_table(), json_reader(params, "p"));
  CHECK(ot::write_options(demo_table(), back) == params);

  auto read = [](json j) {
    return ot::read_options<demo_options>(demo_table(), json_reader(j, "doc.json", "params"));
  };
  json bad = params;
  bad["extra"] = 1;
  MLGUARD_CHECK_THROWS_ID(read(bad), "mlguard.format.unknown_field");
  bad = params;
  bad.erase("flag");
  MLGUARD_CHECK_THROWS_ID(read(bad), "mlguard.format.corrupt");
  bad = params;
  bad["count"] = 4294967296u;
  MLGUARD_CHECK_THROWS_ID(read(bad), "mlguard.format.corrupt");
  bad = params;
  bad["hue"] = "blue";
  MLGUARD_CHECK_THROWS_ID(read(bad), "mlguard.format.corrupt");
  bad = params;
  bad["rate"] = "inf";
  try {
    read(bad);
    FAIL("expected a throw");
  } catch (const error& e) {
    CHECK(std::string(e.what()) ==
          "[mlguard.format.corrupt] doc.json: params.rate: expected a value in (0, 1]");
  }
}

TEST_CASE("option_table: descriptions give type, default and range as text") {
  const auto d = ot::describe_options<demo_options>(demo_table());
  REQUIRE(d.size() == 6);
  CHECK(d[0].type == "number");
  CHECK(d[0].default_value == "0.5");
  CHECK(d[0].range == "(0, 1]");
  CHECK(d[1].range == "[1, 4294967295]");
  CHECK(d[2].range.empty()); // any uint64
  CHECK(d[3].type == "bool");
  CHECK(d[4].type == "red|green");
  CHECK(d[4].default_value == "green");
  CHECK(d[5].type == "integer|none");
  CHECK(d[5].default_value == "none");
  // Each default, read back as text, gives the default.
  demo_options o;
  for (const auto& row : d) {
    ot::set_option(demo_table(), o, row.name, row.default_value, "demo");
  }
  CHECK(ot::write_options(demo_table(), o) == ot::write_options(demo_table(), demo_options{}));
}
