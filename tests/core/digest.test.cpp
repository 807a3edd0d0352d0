#include "mlguard/core/digest.hpp"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "mlguard/core/json.hpp"
#include "test_support.hpp"

using namespace mlguard;

namespace {

std::string digest_case_input(const json& c) {
  if (c.contains("repeat_hex")) {
    const auto byte = std::stoi(c["repeat_hex"].get<std::string>(), nullptr, 16);
    return std::string(c["count"].get<std::size_t>(), static_cast<char>(byte));
  }
  const auto hex = c["input_hex"].get<std::string>();
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

json digest_cases() {
  return parse_json(test::read_file(test::fixture_path("reference/digest.json")), "digest.json");
}

} // namespace

TEST_CASE("digest: sha256 matches Python's hashlib (tests/reference/gen_digest.py)") {
  const auto doc = digest_cases();
  REQUIRE(doc["cases"].size() >= 25);
  for (const auto& c : doc["cases"]) {
    const auto name = c["name"].get<std::string>();
    const auto input = digest_case_input(c);
    const auto expected = c["sha256"].get<std::string>();
    INFO(name << " (" << input.size() << " bytes)");
    CHECK(sha256_hex(input) == expected);
    CHECK(content_digest(input) == "sha256:" + expected);
    if (c.contains("splits")) {
      sha256 h;
      std::size_t at = 0;
      for (const auto n : c["splits"].get<std::vector<std::size_t>>()) {
        h.update(input.data() + at, n);
        at += n;
      }
      CHECK(h.size() == input.size());
      CHECK(h.hex() == expected);
    }
  }
}

TEST_CASE("digest: updates in random splits give the one-shot digest") {
  const auto doc = digest_cases();
  std::mt19937_64 rng(7);
  for (const auto& c : doc["cases"]) {
    const auto input = digest_case_input(c);
    if (input.size() > 20000) {
      continue;
    }
    const auto expected = c["sha256"].get<std::string>();
    for (int round = 0; round < 5; ++round) {
      sha256 h;
      std::size_t at = 0;
      while (at < input.size()) {
        const std::size_t n = std::min<std::size_t>(rng() % 150, input.size() - at);
        h.update(std::string_view(input).substr(at, n));
        at += n;
      }
      INFO(c["name"].get<std::string>() << " round " << round);
      CHECK(h.hex() == expected);
    }
  }
}

TEST_CASE("digest: digest() reads a prefix and the stream goes on") {
  sha256 h;
  h.update("ab");
  const sha256 fork = h;
  CHECK(h.hex() == sha256_hex("ab"));
  h.update("c");
  CHECK(h.hex() == sha256_hex("abc"));
  CHECK(fork.hex() == sha256_hex("ab"));
  CHECK(h.digest()[0] == 0xba); // sha256("abc") opens ba7816bf
  h.update(nullptr, 0);
  CHECK(h.hex() == sha256_hex("abc"));
}

TEST_CASE("digest: is_content_digest accepts exactly what content_digest writes") {
  CHECK(is_content_digest(content_digest("model")));
  CHECK_FALSE(is_content_digest(sha256_hex("model")));
  CHECK_FALSE(is_content_digest("sha256:" + std::string(63, 'a')));
  CHECK_FALSE(is_content_digest("sha256:" + std::string(65, 'a')));
  CHECK_FALSE(is_content_digest("sha256:" + std::string(64, 'A')));
  CHECK_FALSE(is_content_digest("sha512:" + std::string(64, 'a')));
}

TEST_CASE("digest: sha256_file streams a file and reports I/O errors") {
  const test::temp_dir dir;
  std::string content;
  for (int i = 0; i < 200000; ++i) { // 1.2 MB: more than one read block
    content += std::to_string(i % 10) + "abcde";
  }
  const auto path = dir.write("bundle.bin", content);
  CHECK(sha256_file(path) == sha256_hex(content));
  CHECK(sha256_file(dir.write("empty.bin", "")) == sha256_hex(""));
  MLGUARD_CHECK_THROWS_ID(sha256_file(dir.file("missing.bin")), "mlguard.io.open_failed");
  MLGUARD_CHECK_THROWS_ID(sha256_file(dir.path), "mlguard.io.read_failed"); // a directory
}
