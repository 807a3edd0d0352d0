#ifndef MLGUARD_TESTS_DRIFT_ONLINE_SUPPORT_HPP
#define MLGUARD_TESTS_DRIFT_ONLINE_SUPPORT_HPP

// Shared by the online detector tests: River's test streams (fixture from
// tests/reference/gen_online_streams.py) and a save/restore-mid-stream check.

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include "mlguard/core/json.hpp"
#include "mlguard/drift/online/detector_state.hpp"
#include "test_support.hpp"

namespace mlguard::test {

inline const json& online_fixture() {
  static const json doc =
      parse_json(read_file(fixture_path("reference/online_streams.json")), "online_streams.json");
  return doc;
}

/// River's stream "s1", "s2" or "s3" as doubles.
inline std::vector<double> river_stream(const char* name) {
  std::vector<double> out;
  for (const auto& v : online_fixture()["streams"][name]) {
    out.push_back(v.get<double>());
  }
  REQUIRE(out.size() == 2000);
  return out;
}

using event = std::pair<std::size_t, drift::online::detector_state>;

/// Indices (0-based, as River's enumerate counts them) where update answers drift.
template <typename Detector>
std::vector<std::size_t> drift_indices(Detector& d, const std::vector<double>& stream) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < stream.size(); ++i) {
    if (d.update(stream[i]) == drift::online::detector_state::drift) {
      out.push_back(i);
    }
  }
  return out;
}

/// Every non-none verdict, with its index, from position `from` on.
template <typename Detector>
std::vector<event> events(Detector& d, const std::vector<double>& stream, std::size_t from = 0,
                          std::size_t to = static_cast<std::size_t>(-1)) {
  std::vector<event> out;
  for (std::size_t i = from; i < stream.size() && i < to; ++i) {
    const auto s = d.update(stream[i]);
    if (s != drift::online::detector_state::none) {
      out.emplace_back(i, s);
    }
  }
  return out;
}

/// Saving at each cut, serialising to text, restoring and going on gives the
/// same verdicts as an uninterrupted run, and the same final state.
template <typename Detector, typename Restore>
void check_save_restore(const Detector& prototype, const std::vector<double>& stream,
                        Restore restore) {
  Detector straight = prototype;
  const auto expected = events(straight, stream);
  for (std::size_t cut :
       {std::size_t{1}, std::size_t{37}, std::size_t{500}, std::size_t{1023}, std::size_t{1024},
        std::size_t{1047}, std::size_t{1500}, std::size_t{1999}}) {
    CAPTURE(cut);
    Detector first = prototype;
    auto got = events(first, stream, 0, cut);
    const std::string text = first.to_json().dump();
    Detector second = restore(parse_json(text, "saved"));
    CHECK(second.to_json() == first.to_json());
    const auto rest = events(second, stream, cut);
    got.insert(got.end(), rest.begin(), rest.end());
    CHECK(got == expected);
    CHECK(second.to_json() == straight.to_json());
  }
}

/// The envelope checks every detector's from_json makes: a newer version,
/// another detector, unknown fields, missing parts and a non-object.
template <typename Restore>
void check_rejects_bad_documents(const json& good, Restore restore) {
  auto broken = [&](auto change) {
    json j = good;
    change(j);
    return j;
  };
  MLGUARD_CHECK_THROWS_ID(restore(broken([](json& j) { j["format_version"] = 2; })),
                          "mlguard.format.newer_version");
  MLGUARD_CHECK_THROWS_ID(restore(broken([](json& j) { j["format_version"] = "1"; })),
                          "mlguard.format.corrupt");
  MLGUARD_CHECK_THROWS_ID(restore(broken([](json& j) { j["detector"] = "nope"; })),
                          "mlguard.format.wrong_kind");
  MLGUARD_CHECK_THROWS_ID(restore(broken([](json& j) { j["format"] = "kll_sketch"; })),
                          "mlguard.format.wrong_kind");
  MLGUARD_CHECK_THROWS_ID(restore(broken([](json& j) { j["extra"] = 1; })),
                          "mlguard.format.unknown_field");
  MLGUARD_CHECK_THROWS_ID(restore(broken([](json& j) { j["params"]["typo"] = 1; })),
                          "mlguard.format.unknown_field");
  MLGUARD_CHECK_THROWS_ID(restore(broken([](json& j) { j["state"]["typo"] = 1; })),
                          "mlguard.format.unknown_field");
  MLGUARD_CHECK_THROWS_ID(restore(broken([](json& j) { j.erase("state"); })),
                          "mlguard.format.corrupt");
  MLGUARD_CHECK_THROWS_ID(restore(broken([](json& j) { j["state"] = 1; })),
                          "mlguard.format.corrupt");
  MLGUARD_CHECK_THROWS_ID(restore(broken([](json& j) { j["state"].erase("drift"); })),
                          "mlguard.format.corrupt");
  MLGUARD_CHECK_THROWS_ID(restore(broken([](json& j) { j["state"]["drift"] = "yes"; })),
                          "mlguard.format.corrupt");
  MLGUARD_CHECK_THROWS_ID(restore(broken([](json& j) { j["state"]["ignored"] = -1; })),
                          "mlguard.format.corrupt");
  MLGUARD_CHECK_THROWS_ID(restore(json::array()), "mlguard.format.corrupt");
  MLGUARD_CHECK_THROWS_ID(restore(json{{"format", "mlguard.online_detector"}}),
                          "mlguard.format.corrupt");
}

} // namespace mlguard::test

#endif // MLGUARD_TESTS_DRIFT_ONLINE_SUPPORT_HPP
