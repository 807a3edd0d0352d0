#include "mlguard/core/detail/utf8.hpp"

#include <string>

#include "mlguard/core/json.hpp"
#include "test_support.hpp"

using namespace mlguard;

namespace utf8_test {

std::string from_hex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

} // namespace utf8_test

TEST_CASE(
    "utf8_scan: fails where Python's bytes.decode('utf-8') does (tests/reference/gen_csv.py)") {
  const auto doc =
      parse_json(test::read_file(test::fixture_path("reference/csv.json")), "csv.json");
  REQUIRE(doc["utf8"].size() >= 400);
  for (const auto& c : doc["utf8"]) {
    const auto bytes = utf8_test::from_hex(c["hex"].get<std::string>());
    const auto start = c["start"].get<std::size_t>();
    INFO(c["name"].get<std::string>());
    CHECK(detail::utf8_scan(bytes, false) == start);
    CHECK(detail::is_utf8(bytes) == (start == bytes.size()));
    // Stopping at NUL as well: the first NUL before `start` wins.
    const auto nul = bytes.find('\0');
    CHECK(detail::utf8_scan(bytes, true) == (nul < start ? nul : start));
  }
}

TEST_CASE("utf8_printable: bytes that are not UTF-8 as \\xNN, and a bounded length") {
  CHECK(detail::utf8_printable("caf\xc3\xa9") == "caf\xc3\xa9");
  CHECK(detail::utf8_printable("caf\xe9") == "caf\\xE9");
  CHECK(detail::utf8_printable(std::string(100, 'a'), 8) == "aaaaaaaa...");
}
