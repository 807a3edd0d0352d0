#include "mlguard/core/iso8601.hpp"

#include <chrono>

#include "test_support.hpp"

using namespace mlguard;
using namespace std::chrono_literals;

namespace {
timestamp at(std::chrono::nanoseconds ns) { return timestamp(ns); }
} // namespace

TEST_CASE("iso8601: formats UTC with the chosen precision") {
  // 1795747272 s = 2026-11-27T02:41:12Z (`date -u -d @1795747272`).
  const auto t = at(1795747272s + 123456789ns);
  CHECK(format_iso8601(t) == "2026-11-27T02:41:12.123Z");
  CHECK(format_iso8601(t, iso8601_precision::seconds) == "2026-11-27T02:41:12Z");
  CHECK(format_iso8601(t, iso8601_precision::microseconds) == "2026-11-27T02:41:12.123456Z");
  CHECK(format_iso8601(t, iso8601_precision::nanoseconds) == "2026-11-27T02:41:12.123456789Z");
  CHECK(format_iso8601(t, iso8601_precision::exact) == "2026-11-27T02:41:12.123456789Z");
  CHECK(format_iso8601(at(1795747272s + 5ms), iso8601_precision::exact) ==
        "2026-11-27T02:41:12.005Z");
  CHECK(format_iso8601(at(0s)) == "1970-01-01T00:00:00.000Z");
  CHECK(format_iso8601(at(-1ns), iso8601_precision::nanoseconds) ==
        "1969-12-31T23:59:59.999999999Z");
  CHECK(format_iso8601(at(951782400s)) == "2000-02-29T00:00:00.000Z"); // a leap day
}

TEST_CASE("iso8601: parses RFC 3339 and round-trips") {
  CHECK(parse_iso8601("2026-11-27T02:41:12.123Z") == at(1795747272s + 123ms));
  CHECK(parse_iso8601("2026-11-27T02:41:12Z") == at(1795747272s));
  CHECK(parse_iso8601("2026-11-27t02:41:12.5z") == at(1795747272s + 500ms));
  CHECK(parse_iso8601("2026-11-27 02:41:12.000000001Z") == at(1795747272s + 1ns));
  CHECK(parse_iso8601("2026-11-27T04:41:12+02:00") == at(1795747272s));
  CHECK(parse_iso8601("2026-11-26T21:11:12-05:30") == at(1795747272s));
  CHECK(parse_iso8601("2026-11-27") == at(1795737600s));
  for (auto ns : {0LL, 1LL, -1LL, 1795747272123456789LL, 951782400000000000LL}) {
    const auto t = at(std::chrono::nanoseconds(ns));
    CHECK(parse_iso8601(format_iso8601(t, iso8601_precision::exact)) == t);
  }
}

TEST_CASE("iso8601: rejects what is not a time") {
  for (const char* bad :
       {"", "2026", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-27T24:00:00Z",
        "2026-11-27T02:41:60Z", "2026-11-27T02:41:12", "2026-11-27T02:41:12.Z",
        "2026-11-27T02:41:12.1234567891Z", "2026-11-27T02:41:12Zjunk", "27/11/2026",
        "3000-01-01T00:00:00Z", "2026-11-27T02:41:12+2"}) {
    CAPTURE(bad);
    MLGUARD_CHECK_THROWS_ID(parse_iso8601(bad), "mlguard.argument.invalid_time");
  }
}
