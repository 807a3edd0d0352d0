// libFuzzer harness: the saved states of the online drift detectors
// (drift::online::load_detector, which picks the detector the document
// names). Input: a state document, optionally followed by a NUL byte and a
// stream of observations, one byte each (see observation()). A state must
// load or throw an mlguard::error; a loaded detector must save and load back
// to the same text, take the stream without fault, and round-trip again.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "fuzz_support.hpp"
#include "mlguard/drift/online/detectors.hpp"

namespace {

using mlguard::drift::online::any_detector;

any_detector load(std::string_view text, const char* source) {
  return mlguard::drift::online::load_detector(mlguard::parse_json(text, source), source);
}

std::string save(const any_detector& d) {
  return mlguard::dump_json(std::visit([](const auto& x) { return x.to_json(); }, d));
}

// Mostly 0/1 (the error streams DDM and its kin read), then fractions, then
// the values that break arithmetic.
double observation(std::uint8_t b) {
  if (b < 200) {
    return b % 2;
  }
  if (b < 250) {
    return (b - 200) / 49.0;
  }
  switch (b) {
  case 250:
    return std::numeric_limits<double>::quiet_NaN();
  case 251:
    return std::numeric_limits<double>::infinity();
  case 252:
    return -1e308;
  case 253:
    return 1e308;
  case 254:
    return -5.0;
  default:
    return 1e6;
  }
}

void check_round_trip(const any_detector& d, const char* what) {
  const std::string saved =
      mlguard::fuzz::must(std::string(what) + ": to_json threw", [&] { return save(d); });
  mlguard::fuzz::round_trip(
      std::string(what) + " round trip", saved,
      [](const std::string& t) { return load(t, "saved"); }, save);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto nul = input.find('\0');
  std::optional<any_detector> d;
  if (!mlguard::fuzz::loads([&] { d.emplace(load(input.substr(0, nul), "fuzz")); })) {
    return 0;
  }
  check_round_trip(*d, "detector state");
  if (nul == std::string_view::npos) {
    return 0;
  }
  std::visit(
      [&](auto& detector) {
        for (std::size_t i = nul + 1; i < size; ++i) {
          (void)detector.update(observation(data[i]));
        }
      },
      *d);
  check_round_trip(*d, "detector state after updates");
  return 0;
}
