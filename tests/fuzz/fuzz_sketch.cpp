// libFuzzer harness: the sketches' documents. The first byte picks the
// sketch the rest is read as: 0 kll_sketch<double>, 1 frequent_items, 2
// distinct_count. A document must load or throw an mlguard::error; a loaded
// sketch must save and load back to the same text and an equal sketch,
// answer queries, and stay so after updates and a merge with itself.

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "mlguard/sketch/distinct_count.hpp"
#include "mlguard/sketch/frequent_items.hpp"
#include "mlguard/sketch/kll_sketch.hpp"

namespace {

namespace sk = mlguard::sketch;

template <class S>
void check_round_trip(const S& s, const std::string& what) {
  const auto save = [](const S& x) { return mlguard::dump_json(x.to_json()); };
  const std::string saved = mlguard::fuzz::must(what + ": to_json threw", [&] { return save(s); });
  const S again = mlguard::fuzz::round_trip(
      what + " round trip", saved,
      [](const std::string& t) { return S::from_json(mlguard::parse_json(t, "saved"), "saved"); },
      save);
  if (again != s) {
    mlguard::fuzz::finding(what + " round trip: the sketch read back differs",
                           saved.substr(0, 2000));
  }
}

template <class S>
void exercise(S& s, const std::string& what);

template <>
void exercise(sk::kll_sketch<double>& s, const std::string& what) {
  mlguard::fuzz::must(what + ": a query threw", [&] {
    if (!s.is_empty()) {
      (void)s.get_quantile(0.0);
      (void)s.get_quantile(0.5);
      (void)s.get_quantile(1.0);
      (void)s.get_rank(s.min());
      const double split[] = {s.min()};
      if (!std::isinf(split[0])) {
        (void)s.get_pmf(mlguard::span<const double>(split, 1));
      }
    }
    return 0;
  });
  const double values[] = {0.0, -1.0, 1e308, std::numeric_limits<double>::infinity(), 2.5};
  for (double v : values) { // count_overflow (a document near 2^64 items) is allowed
    mlguard::fuzz::loads([&] { s.update(v); });
  }
}

template <>
void exercise(sk::frequent_items<std::string>& s, const std::string& what) {
  mlguard::fuzz::must(what + ": a query threw", [&] { return s.top(10); });
  mlguard::fuzz::loads([&] { s.update(std::string("a"), 3); });
  mlguard::fuzz::loads([&] { s.update(std::string("zz")); });
}

template <>
void exercise(sk::distinct_count& s, const std::string& what) {
  mlguard::fuzz::must(what + ": a query threw", [&] {
    (void)s.estimate();
    s.update(1.5);
    s.update(std::string_view("a"));
    return 0;
  });
}

template <class S>
void run(std::string_view text, const std::string& what) {
  std::optional<S> s;
  if (!mlguard::fuzz::loads(
          [&] { s.emplace(S::from_json(mlguard::parse_json(text, "fuzz"), "fuzz")); })) {
    return;
  }
  check_round_trip(*s, what);
  exercise(*s, what);
  check_round_trip(*s, what + " after updates");
  // An mlguard::error (count_overflow) must leave the sketch as it was.
  const S before = *s;
  if (mlguard::fuzz::loads([&] { s->merge(before); })) {
    check_round_trip(*s, what + " merged into itself");
  } else if (!(*s == before)) {
    mlguard::fuzz::finding(what + ": a merge that threw changed the sketch");
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
  case 0:
    run<sk::kll_sketch<double>>(text, "kll_sketch");
    break;
  case 1:
    run<sk::frequent_items<std::string>>(text, "frequent_items");
    break;
  default:
    run<sk::distinct_count>(text, "distinct_count");
    break;
  }
  return 0;
}
