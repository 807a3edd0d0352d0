#ifndef MLGUARD_TESTS_FUZZ_FUZZ_SUPPORT_HPP
#define MLGUARD_TESTS_FUZZ_FUZZ_SUPPORT_HPP

// The checks every libFuzzer harness in tests/fuzz/ makes, written once:
// - a loader given any bytes either succeeds or throws an mlguard::error
//   (loads); any other exception (nlohmann's, std::out_of_range, ...) is a
//   finding;
// - what loads saves, and what it saves loads back to the same text
//   (round_trip): a document mlguard writes is one mlguard reads.
// A finding prints what failed to stderr and calls abort(), which libFuzzer
// reports as a crash, saving the input (docs/building.md#fuzzing).

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <utility>

#include "mlguard/core/error.hpp"

namespace mlguard::fuzz {

/// Reports a finding and aborts.
[[noreturn]] inline void finding(std::string_view what, std::string_view detail = {}) {
  std::fprintf(stderr, "\n== mlguard fuzz finding: %.*s\n%.*s\n", static_cast<int>(what.size()),
               what.data(), static_cast<int>(detail.size()), detail.data());
  std::abort();
}

/// True when the environment sets MLGUARD_FUZZ_VERBOSE=1: loads() then
/// prints why each rejected input was rejected (to check a seed loads).
inline bool verbose() {
  static const bool on = [] {
    const char* v = std::getenv("MLGUARD_FUZZ_VERBOSE");
    return v != nullptr && v[0] == '1';
  }();
  return on;
}

/// Runs `load`: true when it returns, false when it throws an mlguard::error
/// (bad input, rejected as it should be). Any other exception is a finding.
template <class Load>
bool loads(Load&& load) {
  try {
    std::forward<Load>(load)();
    return true;
  } catch (const error& e) {
    if (verbose()) {
      std::fprintf(stderr, "rejected: %s\n", e.what());
    }
    return false;
  } catch (const std::exception& e) {
    finding("an exception that is not an mlguard::error escaped", e.what());
  } catch (...) {
    finding("an exception that is not a std::exception escaped");
  }
}

/// Runs `step`, which must not throw at all (saving what loaded, loading what
/// was saved); returns its result. Any exception is a finding named `what`.
template <class Step>
auto must(std::string_view what, Step&& step) -> decltype(std::forward<Step>(step)()) {
  try {
    return std::forward<Step>(step)();
  } catch (const std::exception& e) {
    finding(what, e.what());
  } catch (...) {
    finding(what, "an exception that is not a std::exception");
  }
}

/// A finding unless `again` equals `first`; prints both around where they part.
inline void same_text(std::string_view what, const std::string& first, const std::string& again) {
  if (first == again) {
    return;
  }
  std::size_t at = 0;
  while (at < first.size() && at < again.size() && first[at] == again[at]) {
    ++at;
  }
  const std::size_t from = at > 80 ? at - 80 : 0;
  finding(what, "the text differs from byte " + std::to_string(at) + "\n first: ..." +
                    first.substr(from, 240) + "\n again: ..." + again.substr(from, 240));
}

/// The round trip: `saved` (what save wrote of a loaded value) must load
/// without error, and saving that again must give `saved` back byte for byte.
/// Returns the value loaded from `saved`.
template <class Load, class Save>
auto round_trip(std::string_view what, const std::string& saved, Load&& load, Save&& save) {
  auto again = must(what, [&] { return load(saved); });
  same_text(what, saved, must(what, [&] { return save(again); }));
  return again;
}

} // namespace mlguard::fuzz

#endif // MLGUARD_TESTS_FUZZ_FUZZ_SUPPORT_HPP
