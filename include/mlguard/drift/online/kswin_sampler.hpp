#ifndef MLGUARD_DRIFT_ONLINE_KSWIN_SAMPLER_HPP
#define MLGUARD_DRIFT_ONLINE_KSWIN_SAMPLER_HPP

// How KSWIN picks its reference sample. River (river.drift.KSWIN, River
// 0.26) calls
//   random.Random(seed).sample(range(window_size - stat_size), stat_size)
// at every test and re-creates the generator after every drift. The
// default sampler, python_random_sampler, is a port of CPython's Mersenne
// Twister and sample(), so for the same integer seed it draws exactly the
// indices River draws (tests/drift/online/kswin_sampler.test.cpp checks it
// against /usr/bin/python3's output). A C++ user who wants other random
// numbers derives from kswin_sampler and hands it to kswin's constructor.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/drift/online/detail/python_random.hpp"

namespace mlguard::drift::online {

/// Draws KSWIN's reference indices. Implementations are used from one thread.
class kswin_sampler {
public:
  virtual ~kswin_sampler() = default;

  /// Called once by kswin's constructor with the fixed population
  /// (window_size − stat_size) and sample size (stat_size): allocate scratch
  /// here, never in sample(). May throw.
  virtual void prepare(std::size_t population, std::size_t k) = 0;

  /// Writes out.size() distinct indices in [0, population) to `out`, in draw
  /// order. Must not allocate or throw.
  virtual void sample(std::size_t population, span<std::size_t> out) noexcept = 0;

  /// Back to the state right after construction (River re-creates
  /// random.Random(seed) after every drift).
  virtual void restart() noexcept = 0;

  /// The sampler's full state as JSON (an object with a string "kind").
  virtual json to_json() const = 0;

  /// Restores what to_json() wrote. Throws format_error (mlguard.format.*).
  virtual void restore(const json& state, std::string_view source) = 0;

  /// A deep copy (kswin is copyable).
  virtual std::unique_ptr<kswin_sampler> clone() const = 0;
};

/// The default sampler: CPython's random.Random(seed).sample, bit for bit.
/// Seeds are integers in [0, 2^64); Python maps a negative seed to its
/// absolute value, so Random(-7) here is python_random_sampler(7).
template <class = void> // deferred: see core/json.hpp
class basic_python_random_sampler final : public kswin_sampler {
public:
  /// Seeds as random.Random(seed).
  explicit basic_python_random_sampler(std::uint64_t seed) : seed_(seed), rng_(seed) {}

  void prepare(std::size_t population, std::size_t k) override;

  void sample(std::size_t population, span<std::size_t> out) noexcept override;

  void restart() noexcept override { rng_.seed(seed_); }

  /// {"kind": "python_random", "seed", "index", "mt": [624 words]}.
  json to_json() const override;

  /// Restores what to_json() wrote. Throws format_error
  /// (mlguard.format.corrupt, unknown_field) naming `source` and the field.
  void restore(const json& state, std::string_view source) override;

  std::unique_ptr<kswin_sampler> clone() const override;

  /// The seed.
  std::uint64_t seed() const noexcept { return seed_; }

private:
  std::uint64_t seed_;
  detail::python_random rng_;
  std::vector<std::size_t> scratch_;
};

/// The type to name (a class template only so that its bodies compile where used).
using python_random_sampler = basic_python_random_sampler<>;

} // namespace mlguard::drift::online

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include <memory>

#include "mlguard/drift/online/option_table.hpp"

namespace mlguard::drift::online {

template <class V>
MLGUARD_INLINE auto basic_python_random_sampler<V>::prepare(std::size_t population, std::size_t k)
    -> void {
  detail::require_option(population < (std::size_t{1} << 32), "kswin",
                         "window_size - stat_size must be below 2^32");
  detail::require_option(k <= population, "kswin",
                         "stat_size must not exceed window_size - stat_size");
  scratch_.assign(population, 0);
}

template <class V>
MLGUARD_INLINE auto basic_python_random_sampler<V>::sample(std::size_t population,
                                                           span<std::size_t> out) noexcept -> void {
  rng_.sample(static_cast<std::uint32_t>(population), out.data(), out.size(), scratch_.data());
}

template <class V>
MLGUARD_INLINE auto basic_python_random_sampler<V>::to_json() const -> json {
  json j = json::object();
  j["kind"] = "python_random";
  j["seed"] = seed_;
  j["index"] = rng_.index();
  json mt = json::array();
  for (const std::uint32_t word : rng_.state()) {
    mt.push_back(word);
  }
  j["mt"] = std::move(mt);
  return j;
}

template <class V>
MLGUARD_INLINE auto basic_python_random_sampler<V>::restore(const json& state,
                                                            std::string_view source) -> void {
  const json_reader r(state, std::string(source));
  r.allow_fields({"kind", "seed", "index", "mt"});
  if (r.text("kind") != "python_random") {
    r.fail("kind", "expected \"python_random\"");
  }
  const std::uint64_t seed = r.count("seed");
  const auto index = static_cast<std::size_t>(r.count("index", detail::python_random::n));
  const std::vector<std::uint64_t> mt = r.counts("mt");
  std::array<std::uint32_t, detail::python_random::n> words{};
  if (mt.size() != words.size()) {
    r.fail("mt", "expected 624 words");
  }
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (mt[i] > UINT32_MAX) {
      r.fail("mt", "expected 32-bit unsigned integers");
    }
    words[i] = static_cast<std::uint32_t>(mt[i]);
  }
  seed_ = seed;
  rng_.set_state(words, index);
}

template <class V>
MLGUARD_INLINE auto basic_python_random_sampler<V>::clone() const
    -> std::unique_ptr<kswin_sampler> {
  return std::make_unique<basic_python_random_sampler>(*this);
}

} // namespace mlguard::drift::online

#endif // MLGUARD_COMPILED
#endif // MLGUARD_DRIFT_ONLINE_KSWIN_SAMPLER_HPP
