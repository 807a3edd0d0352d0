// libFuzzer harness: dataset profiles. The first byte picks what the rest is:
//   0: a profile document; it must load or throw an mlguard::error;
//   1: two profile documents separated by a NUL byte, loaded and merged (a
//      merge that throws must leave the profile unchanged), then merged into itself;
//   2: a CSV file, profiled (dataset_profile::of).
// Every profile that results must save and load back to an equal profile and
// the same text, and answer its queries without throwing.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "mlguard/io/csv.hpp"
#include "mlguard/profile/dataset_profile.hpp"

namespace {

using mlguard::profile::dataset_profile;

void check_round_trip(const dataset_profile& p, const char* what) {
  const auto save = [](const dataset_profile& x) { return x.dump(); };
  const std::string saved =
      mlguard::fuzz::must(std::string(what) + ": dump threw", [&] { return save(p); });
  const auto again = mlguard::fuzz::round_trip(
      std::string(what) + " round trip", saved,
      [](const std::string& t) { return dataset_profile::parse(t, "saved"); }, save);
  if (again != p) {
    mlguard::fuzz::finding(std::string(what) + " round trip: the profile read back differs",
                           saved.substr(0, 2000));
  }
  mlguard::fuzz::must(std::string(what) + ": a query threw", [&] {
    for (const auto& f : p.features()) {
      (void)f.quantile(0.5);
      (void)f.variance();
      (void)f.distinct_estimate();
    }
    return 0;
  });
}

// Merges `other` into `p`: either the round trip holds for the result, or an
// mlguard::error left `p` as it was (dataset_profile::merge promises that).
bool merges(dataset_profile& p, const dataset_profile& other, const char* what) {
  const dataset_profile before = p;
  const std::string before_text = before.dump();
  if (mlguard::fuzz::loads([&] { p.merge(other); })) {
    check_round_trip(p, what);
    return true;
  }
  if (p != before || p.dump() != before_text) {
    mlguard::fuzz::finding(std::string(what) + ": a merge that threw changed the profile");
  }
  return false;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::optional<dataset_profile> p;
  switch (data[0] % 3) {
  case 0:
    if (mlguard::fuzz::loads([&] { p = dataset_profile::parse(text, "fuzz"); })) {
      check_round_trip(*p, "profile");
    }
    break;
  case 1: {
    const auto nul = text.find('\0');
    if (nul == std::string_view::npos) {
      return 0;
    }
    std::optional<dataset_profile> other;
    if (!mlguard::fuzz::loads([&] {
          p = dataset_profile::parse(text.substr(0, nul), "a");
          other = dataset_profile::parse(text.substr(nul + 1), "b");
        })) {
      return 0;
    }
    if (!merges(*p, *other, "merged profile")) {
      return 0;
    }
    merges(*p, *p, "profile merged into itself");
    break;
  }
  default: {
    std::optional<mlguard::table> t;
    if (!mlguard::fuzz::loads([&] { t = mlguard::io::parse_csv(text, "fuzz.csv"); })) {
      return 0;
    }
    p = mlguard::fuzz::must("profiling a table threw", [&] { return dataset_profile::of(*t); });
    check_round_trip(*p, "profile of a CSV file");
    break;
  }
  }
  return 0;
}
