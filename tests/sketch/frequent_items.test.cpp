#include "mlguard/sketch/frequent_items.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::sketch;

namespace {

// A Zipf-like stream over `universe` items.
std::vector<std::string> zipf_stream(std::size_t n, int universe, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::vector<double> weights(static_cast<std::size_t>(universe));
  for (int i = 0; i < universe; ++i) {
    weights[static_cast<std::size_t>(i)] = 1.0 / (i + 1.0);
  }
  std::discrete_distribution<int> pick(weights.begin(), weights.end());
  std::vector<std::string> out(n);
  for (auto& s : out) {
    s = "item" + std::to_string(pick(gen));
  }
  return out;
}

std::map<std::string, std::uint64_t> exact(const std::vector<std::string>& stream) {
  std::map<std::string, std::uint64_t> out;
  for (const auto& s : stream) {
    ++out[s];
  }
  return out;
}

// Every true count lies in [estimate, estimate + max_error], and max_error
// respects its a-priori bound 2N / capacity.
std::size_t bound_violations(const frequent_items<>& f,
                             const std::map<std::string, std::uint64_t>& truth) {
  std::size_t bad = f.max_error() > 2 * f.total_weight() / f.capacity() ? 1 : 0;
  for (const auto& [item, count] : truth) {
    bad += f.estimate(item) > count || count > f.upper_bound(item);
  }
  return bad;
}

} // namespace

TEST_CASE("frequent_items: exact counts up to the capacity") {
  frequent_items<> f(4);
  CHECK(f.is_empty());
  f.update("a");
  f.update("b", 3);
  f.update(std::string("c"));
  f.update("a", 0); // ignored
  f.update("a");
  CHECK(f.is_exact());
  CHECK(f.total_weight() == 6);
  CHECK(f.estimate("a") == 2);
  CHECK(f.estimate("b") == 3);
  CHECK(f.estimate("zzz") == 0);
  CHECK(f.max_error() == 0);
  const auto rows = f.top();
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].item == "b");
  CHECK(rows[1].item == "a");
  CHECK(rows[2].item == "c");
  MLGUARD_CHECK_THROWS_ID(frequent_items<>(1), "mlguard.profile.invalid_option");
}

TEST_CASE("frequent_items: beyond the capacity, documented error bounds hold") {
  const auto stream = zipf_stream(200000, 20000, 1);
  const auto truth = exact(stream);
  frequent_items<> f(256);
  for (const auto& s : stream) {
    f.update(s);
  }
  CHECK_FALSE(f.is_exact());
  CHECK(f.size() <= 256);
  CHECK(f.total_weight() == stream.size());
  CHECK(bound_violations(f, truth) == 0);
  // Everything heavier than the error is reported; the head is the true head.
  for (const auto& [item, count] : truth) {
    if (count > f.max_error()) {
      CHECK(f.estimate(item) > 0);
    }
  }
  const auto heavy = f.top(5, true);
  REQUIRE(heavy.size() == 5);
  CHECK(heavy[0].item == "item0");
  MESSAGE("frequent_items capacity 256, N = 200000: max_error " << f.max_error() << " (bound "
                                                                << 2 * 200000 / 256 << ")");
}

TEST_CASE("frequent_items: merges of random splits keep the bounds") {
  const auto stream = zipf_stream(100000, 5000, 2);
  const auto truth = exact(stream);
  std::mt19937_64 gen(3);
  for (int trial = 0; trial < 5; ++trial) {
    const std::size_t parts = 2 + static_cast<std::size_t>(gen() % 15);
    std::vector<frequent_items<>> pieces(parts, frequent_items<>(128));
    for (const auto& s : stream) {
      pieces[static_cast<std::size_t>(gen() % parts)].update(s);
    }
    std::shuffle(pieces.begin(), pieces.end(), gen);
    frequent_items<> merged(128);
    for (const auto& p : pieces) {
      merged.merge(p);
    }
    CHECK(merged.total_weight() == stream.size());
    CHECK(bound_violations(merged, truth) == 0);
  }
  // Exact sketches merge exactly.
  frequent_items<> a;
  frequent_items<> b;
  a.update("x", 2);
  b.update("x");
  b.update("y");
  a.merge(b);
  CHECK(a.is_exact());
  CHECK(a.estimate("x") == 3);
  CHECK(a.estimate("y") == 1);
  a.merge(a);
  CHECK(a.estimate("x") == 6);
}

TEST_CASE("frequent_items: JSON round trip and bad documents") {
  frequent_items<> f(64);
  for (const auto& s : zipf_stream(5000, 1000, 4)) {
    f.update(s);
  }
  const auto text = f.to_json().dump();
  const auto back = frequent_items<>::from_json(parse_json(text, "f.json"), "f.json");
  CHECK(back == f);
  CHECK(back.to_json().dump() == text);

  auto j = f.to_json();
  j["format_version"] = 2;
  MLGUARD_CHECK_THROWS_ID(frequent_items<>::from_json(j), "mlguard.format.newer_version");
  j = f.to_json();
  j["extra"] = 1;
  MLGUARD_CHECK_THROWS_ID(frequent_items<>::from_json(j), "mlguard.format.unknown_field");
  for (const auto& mutate : std::vector<void (*)(json&)>{
           [](json& d) { d["capacity"] = 1; },
           [](json& d) { d["items"].push_back(d["items"][0]); }, // duplicate
           [](json& d) { d["items"][0] = json::array({"x"}); },  // not a pair
           [](json& d) { d["items"][0][1] = -3; },               // negative count
           [](json& d) { d["total_weight"] = 1; },               // counts exceed total
           [](json& d) { d["max_error"] = "big"; },
           [](json& d) { d["items"][0][0] = json::object(); }, // not a string
       }) {
    auto bad = f.to_json();
    mutate(bad);
    CAPTURE(bad.dump().substr(0, 200));
    MLGUARD_CHECK_THROWS_ID(frequent_items<>::from_json(bad), "mlguard.format.corrupt");
  }
  frequent_items<> exact_summary;
  exact_summary.update("a", 3);
  j = exact_summary.to_json();
  j["total_weight"] = 4; // an exact summary must account for all weight
  MLGUARD_CHECK_THROWS_ID(frequent_items<>::from_json(j), "mlguard.format.corrupt");
}

TEST_CASE("frequent_items: a mlguard.frequent_items document, save, load, and mlguard 0.1's name") {
  frequent_items<> f(8);
  for (const auto& s : zipf_stream(500, 50, 2)) {
    f.update(s);
  }
  const auto j = f.to_json();
  CHECK(j["format"].get<std::string>() == "mlguard.frequent_items");
  CHECK(j["format_version"] == 1);
  auto old = j;
  old["format"] = "frequent_items"; // what mlguard 0.1 wrote
  CHECK(frequent_items<>::from_json(old) == f);

  const test::temp_dir dir;
  const auto path = dir.path + "/frequent.json";
  f.save(path);
  CHECK(frequent_items<>::load(path) == f);

  auto bad = j;
  bad["items"][2][1] = 0;
  try {
    (void)frequent_items<>::from_json(bad, "f.json");
    FAIL("expected a format error");
  } catch (const format_error& e) {
    CHECK(std::string(e.message()).rfind("f.json: items[2]: ", 0) == 0);
  }
}

// Found by tests/fuzz/fuzz_sketch.cpp: a summary whose total weight is near 2^64 (a
// document, or explicit weights) wrapped it on update or merge, and the summary saved
// then failed to load ("the counts add up to more than total_weight").
TEST_CASE("frequent_items: a total weight that would pass 2^64 - 1 throws, the summary unchanged") {
  constexpr auto most = std::numeric_limits<std::uint64_t>::max();
  frequent_items<std::string> items(4);
  items.update("x", most - 1);
  const json before = items.to_json();
  MLGUARD_CHECK_THROWS_ID(items.update("a", 2), "mlguard.profile.count_overflow");
  MLGUARD_CHECK_THROWS_ID(items.merge(items), "mlguard.profile.count_overflow");
  CHECK(items.to_json() == before);
  items.update("a"); // exactly 2^64 - 1
  CHECK(items.total_weight() == most);
  CHECK(frequent_items<std::string>::from_json(items.to_json()) == items);

  // The error bound never exceeds the total weight, so it cannot wrap first.
  json doc = frequent_items<std::string>(4).to_json();
  doc["max_error"] = most;
  MLGUARD_CHECK_THROWS_ID(frequent_items<std::string>::from_json(doc), "mlguard.format.corrupt");
}
