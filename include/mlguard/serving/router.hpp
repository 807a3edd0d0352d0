#ifndef MLGUARD_SERVING_ROUTER_HPP
#define MLGUARD_SERVING_ROUTER_HPP

// A canary router in front of two guarded models, the champion and a
// challenger: it splits traffic by a stable hash of a request key (canary),
// or lets the challenger score requests beside the champion without ever
// answering (shadow), and keeps per-arm metrics for the canary judge
// (rollback/canary.hpp).
//
// Composition. The router holds two model_slot<guarded_model>& — the slots a
// registry_follower fills — not models: follow "models:/taxi@champion" into
// one slot and "models:/taxi@challenger" into the other, and the router
// serves whatever the aliases point at, picking up every swap without being
// told (a request takes a lock-free handle per arm; a handle keeps its model
// alive while it scores). An empty challenger slot sends every request to the
// champion; an empty champion slot answers "unavailable" (status rejected,
// version 0) unless the request goes to the challenger.
//
// Routing. bucket = route_bucket(key, seed) ∈ [0, 10000): for an integer key
// splitmix64_hash(key ^ seed); for a text key splitmix64_hash(fnv1a64(bytes) ^ seed),
// with FNV-1a 64 over the key's bytes (offset basis 0xcbf29ce484222325, prime
// 0x100000001b3) and one step of SplitMix64 (Steele, Lea & Flood 2014; the
// constants of Vigna's splitmix64.c); the bucket is the hash modulo 10000. It
// depends on nothing but the key's bytes and the seed: the same key goes to
// the same arm on every machine, every run, every replica. A request goes to
// the challenger when bucket < percent × 100 (a resolution of 0.01 %), so
// raising the share keeps every key already in the canary there.
//
// Metrics. Per arm, two bounded rings (router_options::capacity values each,
// allocated when the router is built) hold per-request values tagged with the
// version that produced them: the error of each labelled request
// (record_label: the guarded_model's error, |label − prediction| for
// regression, 0/1 for a classifier; or the mean of router_options::error_batch
// consecutive ones, a rate) and the latencies the caller reports
// (record_latency). In shadow mode a third ring holds |champion − challenger|
// for each request both scored. snapshot() copies the values of the versions
// serving now, for rollback::judge_canary.
//
// Cost and threads. predict() neither allocates nor throws and holds no lock
// while a model scores: it takes a slot handle per arm (two atomic
// read-modify-writes) and reads the share (an atomic). Pushing a value into a
// ring takes that ring's own mutex for an O(1) store, never held for longer;
// record_label, record_latency and a shadowed request push (a canary request
// pushes nothing). Shadow scoring runs on the request thread after the
// champion's answer, so a shadowed request costs both models' time: lower
// the percent to shadow fewer requests. Every member function may be called
// from any number of threads at once; the slots must outlive the router.
//
// Errors: serving_error mlguard.serving.invalid_option for a percent outside
// [0, 100] (or not a number), a zero capacity and a zero error batch.

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/serving/detail/value_ring.hpp"
#include "mlguard/serving/guarded_model_fwd.hpp"
#include "mlguard/serving/model_slot.hpp"
#include "mlguard/serving/outcome.hpp"

namespace mlguard::serving {

/// What the challenger does with the requests routed to it.
enum class router_mode : std::uint8_t {
  canary, ///< it answers them
  shadow, ///< it scores them too; the champion answers
};

/// "canary" or "shadow".
constexpr const char* to_string(router_mode m) noexcept {
  return m == router_mode::shadow ? "shadow" : "canary";
}

/// One side of the router.
enum class router_arm : std::uint8_t { champion = 0, challenger = 1 };

/// "champion" or "challenger".
constexpr const char* to_string(router_arm a) noexcept {
  return a == router_arm::challenger ? "challenger" : "champion";
}

/// Buckets per share: a percent has a resolution of 0.01.
inline constexpr std::uint32_t route_buckets = 10000;

/// One step of SplitMix64 from state x, as a hash: x + 0x9E3779B97F4A7C15, then
/// its finaliser (Vigna's splitmix64.c next()). A bijection on 64-bit integers
/// whose every output bit depends on every input bit.
constexpr std::uint64_t splitmix64_hash(std::uint64_t x) noexcept {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

/// FNV-1a, 64 bits, over the bytes of `bytes` (as unsigned char).
constexpr std::uint64_t fnv1a64(std::string_view bytes) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

/// The routing bucket of an integer key: splitmix64_hash(key ^ seed) % 10000.
constexpr std::uint32_t route_bucket(std::uint64_t key, std::uint64_t seed = 0) noexcept {
  return static_cast<std::uint32_t>(splitmix64_hash(key ^ seed) % route_buckets);
}

/// The routing bucket of a text key: splitmix64_hash(fnv1a64(key) ^ seed) % 10000.
constexpr std::uint32_t route_bucket(std::string_view key, std::uint64_t seed = 0) noexcept {
  return route_bucket(fnv1a64(key), seed);
}

/// How a canary_router routes and what it keeps.
struct router_options {
  router_mode mode = router_mode::canary;
  /// The share of keys (percent, in [0, 100], resolution 0.01) the challenger
  /// answers (canary) or scores beside the champion (shadow).
  double percent = 0.0;
  /// Mixed into every key's hash: another seed picks another set of keys.
  std::uint64_t seed = 0;
  /// Values each metric ring holds (errors and latencies per arm, shadow
  /// differences); the oldest are overwritten. Must be positive.
  std::size_t capacity = 4096;
  /// Labelled requests per error value: each value in an arm's error ring is
  /// the mean error of this many consecutive labels of one version (1: one
  /// value per request). A classifier's per-request error is 0 or 1, and the
  /// judge's rank test on 0/1 values only sees a challenger that errs on most
  /// requests; batches turn them into error rates, the per-interval values
  /// Kayenta judges, so a rate of 5 % against 30 % fails. Must be positive.
  std::size_t error_batch = 1;
  /// Shadow: a request both arms scored is a disagreement when the
  /// predictions differ by more than this, or only one arm rejected it.
  double shadow_tolerance = 0.0;
};

/// What a routed request returns: the answer and the arm that gave it
/// (answer.version is the version that answered).
struct routed_outcome {
  outcome answer;
  router_arm arm = router_arm::champion;
  /// Shadow mode: the challenger scored the request too (its answer is
  /// recorded in the router, never returned).
  bool shadowed = false;
};

/// One arm's metrics, copied by canary_router::snapshot().
struct arm_snapshot {
  /// The version serving in the arm now (0: its slot is empty); the values
  /// below are this version's only.
  int version = 0;
  /// Requests the arm answered (canary) or scored (shadow challenger), all versions.
  std::uint64_t requests = 0;
  /// Labels joined with a prediction of the arm, all versions.
  std::uint64_t labelled = 0;
  /// Errors of `version` (per request, or the means of error_batch
  /// labels), oldest first (at most capacity).
  std::vector<double> errors;
  /// Per-request latencies of `version` the caller reported, oldest first.
  std::vector<double> latencies;
};

/// Shadow comparisons, copied by canary_router::snapshot().
struct shadow_snapshot {
  /// Requests both arms scored.
  std::uint64_t compared = 0;
  /// Of those, the ones where the arms disagreed (see router_options::shadow_tolerance).
  std::uint64_t disagreements = 0;
  /// |champion − challenger| per request both scored (not rejected by
  /// either), of the challenger version serving now, oldest first.
  std::vector<double> differences;
  /// Mean and largest of `differences` (NaN when empty).
  double mean_difference = std::numeric_limits<double>::quiet_NaN();
  double max_difference = std::numeric_limits<double>::quiet_NaN();
};

/// The router's state for the judge.
struct router_snapshot {
  router_mode mode = router_mode::canary;
  double percent = 0.0;
  arm_snapshot champion;
  arm_snapshot challenger;
  shadow_snapshot shadow;
};

/// JSON form: {"mode", "percent", "champion": {...}, "challenger": {...},
/// "shadow": {...}}, each arm {"version", "requests", "labelled", "errors",
/// "latencies"} (value counts and means, not the values), and shadow
/// {"compared", "disagreements", "differences", "mean_difference", "max_difference"}.
template <class = void>
json to_json(const router_snapshot& s);

/// Routes requests between a champion and a challenger slot (see the header comment).
template <class = void> // deferred: see core/json.hpp
class basic_canary_router {
public:
  /// Throws serving_error (mlguard.serving.invalid_option) for a percent
  /// outside [0, 100], a zero capacity or a zero error batch. The slots must
  /// outlive the router.
  basic_canary_router(model_slot<guarded_model>& champion, model_slot<guarded_model>& challenger,
                      router_options options = {})
      : champion_(champion), challenger_(challenger), seed_(options.seed),
        tolerance_(options.shadow_tolerance), error_batch_(checked_batch(options.error_batch)),
        capacity_(checked_capacity(options.capacity)), mode_(options.mode),
        share_(basis_points(options.percent)), arms_{arm_state(capacity_), arm_state(capacity_)},
        differences_(capacity_) {}

  basic_canary_router(const basic_canary_router&) = delete;
  basic_canary_router& operator=(const basic_canary_router&) = delete;

  /// Routes and scores a row of doubles in layout order (guarded_model::predict)
  /// under an integer key. `request_id` 0: the router assigns one (from its
  /// own counter, starting at 2^63, so it does not meet small caller ids);
  /// pass your own to join labels later. Never throws or allocates.
  routed_outcome predict(std::uint64_t key, span<const double> row,
                         std::uint64_t request_id = 0) noexcept;

  /// As above, under a text key (hashed with FNV-1a, then SplitMix64).
  routed_outcome predict(std::string_view key, span<const double> row,
                         std::uint64_t request_id = 0) noexcept;

  /// Routes and scores text fields in layout order (guarded_model::predict_fields).
  routed_outcome predict_fields(std::uint64_t key, span<const std::string_view> fields,
                                std::uint64_t request_id = 0) noexcept;

  /// As above, under a text key.
  routed_outcome predict_fields(std::string_view key, span<const std::string_view> fields,
                                std::uint64_t request_id = 0) noexcept;

  /// The arm `key` goes to at the current share (what predict would do).
  router_arm arm_of(std::uint64_t key) const noexcept;
  router_arm arm_of(std::string_view key) const noexcept { return arm_of(fnv1a64(key)); }

  /// Joins a delayed label with the predictions made for `request_id`: each
  /// arm's model that has one pending (guarded_model::record_label) gives
  /// its error, which goes into that arm's ring — one arm in canary mode,
  /// both in shadow mode. Returns the number of arms that took it (0 when no
  /// model has the request pending: unknown, already labelled, or its model
  /// swapped out since). Allocates only when the label closes a model's
  /// performance window, whose callback then runs (see guarded_model).
  std::size_t record_label(std::uint64_t request_id, double label);

  /// Records a latency (any unit, the same for both arms; seconds are
  /// usual) that the caller measured for a routed request, into the ring of
  /// the arm and version that answered it. NaN is ignored. No allocation.
  void record_latency(const routed_outcome& o, double latency) noexcept;

  /// Sets the challenger's share (percent in [0, 100]); keys already below
  /// it stay with the challenger when it grows. Throws serving_error
  /// (mlguard.serving.invalid_option) outside [0, 100].
  void set_percent(double percent);
  /// The challenger's share now, in percent.
  double percent() const noexcept;
  /// Switches between canary and shadow (requests in flight finish as routed).
  void set_mode(router_mode m) noexcept { mode_.store(m, std::memory_order_relaxed); }
  router_mode mode() const noexcept { return mode_.load(std::memory_order_relaxed); }

  /// Copies the metrics of the versions serving now (see arm_snapshot). Allocates.
  router_snapshot snapshot() const;

  /// Forgets every metric and counter (e.g. when a new canary starts).
  void reset_metrics() noexcept;

  /// The slot behind an arm.
  model_slot<guarded_model>& slot(router_arm a) const noexcept;
  /// Values each ring holds.
  std::size_t capacity() const noexcept { return capacity_; }

private:
  struct arm_state {
    explicit arm_state(std::size_t capacity) : errors(capacity), latencies(capacity) {}
    detail::value_ring errors;
    detail::value_ring latencies;
    std::atomic<std::uint64_t> requests{0};
    std::atomic<std::uint64_t> labelled{0};
  };

  static std::uint32_t basis_points(double percent);

  static std::size_t checked_capacity(std::size_t capacity);

  static std::size_t checked_batch(std::size_t batch);

  static outcome unavailable(std::uint64_t request_id) noexcept;

  template <typename Score>
  routed_outcome route(std::uint32_t bucket, std::uint64_t request_id, Score&& score) noexcept {
    if (request_id == 0) {
      request_id = next_id_.fetch_add(1, std::memory_order_relaxed);
    }
    const bool chosen = bucket < share_.load(std::memory_order_relaxed);
    routed_outcome r;
    if (mode() == router_mode::canary) {
      if (chosen) {
        auto c = challenger_.acquire();
        if (c) {
          r.answer = score(*c, request_id);
          r.arm = router_arm::challenger;
          arms_[1].requests.fetch_add(1, std::memory_order_relaxed);
          return r;
        }
      }
      auto h = champion_.acquire();
      r.answer = h ? score(*h, request_id) : unavailable(request_id);
      arms_[0].requests.fetch_add(1, std::memory_order_relaxed);
      return r;
    }
    {
      auto h = champion_.acquire();
      r.answer = h ? score(*h, request_id) : unavailable(request_id);
      arms_[0].requests.fetch_add(1, std::memory_order_relaxed);
    }
    if (chosen) {
      auto c = challenger_.acquire();
      if (c) {
        const outcome shadow = score(*c, request_id);
        r.shadowed = true;
        arms_[1].requests.fetch_add(1, std::memory_order_relaxed);
        compare(r.answer, shadow);
      }
    }
    return r;
  }

  void compare(const outcome& answer, const outcome& shadow) noexcept;

  model_slot<guarded_model>& champion_;
  model_slot<guarded_model>& challenger_;
  std::uint64_t seed_;
  double tolerance_;
  std::size_t error_batch_;
  std::size_t capacity_;
  std::atomic<router_mode> mode_;
  std::atomic<std::uint32_t> share_;
  arm_state arms_[2];
  detail::value_ring differences_;
  std::atomic<std::uint64_t> compared_{0};
  std::atomic<std::uint64_t> disagreements_{0};
  std::atomic<std::uint64_t> next_id_{std::uint64_t{1} << 63};
};

/// The type to name (a class template only so that its bodies compile where used).
using canary_router = basic_canary_router<>;

} // namespace mlguard::serving

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include "mlguard/serving/guarded_model.hpp"

namespace mlguard::serving {

template <class>
json to_json(const router_snapshot& s) {
  const auto mean_of = [](const std::vector<double>& v) {
    double sum = 0.0;
    for (const double x : v) {
      sum += x;
    }
    return v.empty() ? std::numeric_limits<double>::quiet_NaN()
                     : sum / static_cast<double>(v.size());
  };
  const auto arm = [&](const arm_snapshot& a) {
    return json{{"version", a.version},
                {"requests", a.requests},
                {"labelled", a.labelled},
                {"errors", a.errors.size()},
                {"mean_error", json_number(mean_of(a.errors))},
                {"latencies", a.latencies.size()},
                {"mean_latency", json_number(mean_of(a.latencies))}};
  };
  return json{{"mode", to_string(s.mode)},
              {"percent", json_number(s.percent)},
              {"champion", arm(s.champion)},
              {"challenger", arm(s.challenger)},
              {"shadow",
               {{"compared", s.shadow.compared},
                {"disagreements", s.shadow.disagreements},
                {"differences", s.shadow.differences.size()},
                {"mean_difference", json_number(s.shadow.mean_difference)},
                {"max_difference", json_number(s.shadow.max_difference)}}}};
}

template <class V>
MLGUARD_INLINE auto basic_canary_router<V>::predict(std::uint64_t key, span<const double> row,
                                                    std::uint64_t request_id) noexcept
    -> routed_outcome {
  return route(route_bucket(key, seed_), request_id,
               [row](guarded_model& m, std::uint64_t id) { return m.predict(row, id); });
}

template <class V>
MLGUARD_INLINE auto basic_canary_router<V>::predict(std::string_view key, span<const double> row,
                                                    std::uint64_t request_id) noexcept
    -> routed_outcome {
  return route(route_bucket(key, seed_), request_id,
               [row](guarded_model& m, std::uint64_t id) { return m.predict(row, id); });
}

template <class V>
MLGUARD_INLINE auto basic_canary_router<V>::predict_fields(std::uint64_t key,
                                                           span<const std::string_view> fields,
                                                           std::uint64_t request_id) noexcept
    -> routed_outcome {
  return route(route_bucket(key, seed_), request_id, [fields](guarded_model& m, std::uint64_t id) {
    return m.predict_fields(fields, id);
  });
}

template <class V>
MLGUARD_INLINE auto basic_canary_router<V>::predict_fields(std::string_view key,
                                                           span<const std::string_view> fields,
                                                           std::uint64_t request_id) noexcept
    -> routed_outcome {
  return route(route_bucket(key, seed_), request_id, [fields](guarded_model& m, std::uint64_t id) {
    return m.predict_fields(fields, id);
  });
}

template <class V>
MLGUARD_INLINE auto basic_canary_router<V>::arm_of(std::uint64_t key) const noexcept -> router_arm {
  return route_bucket(key, seed_) < share_.load(std::memory_order_relaxed) ? router_arm::challenger
                                                                           : router_arm::champion;
}

template <class V>
MLGUARD_INLINE auto basic_canary_router<V>::record_label(std::uint64_t request_id, double label)
    -> std::size_t {
  std::size_t taken = 0;
  for (std::size_t a = 0; a < 2; ++a) {
    auto h = slot(static_cast<router_arm>(a)).acquire();
    if (!h) {
      continue;
    }
    const auto error = h->record_label(request_id, label);
    if (error) {
      ++taken;
      arms_[a].labelled.fetch_add(1, std::memory_order_relaxed);
      if (!std::isnan(*error)) {
        arms_[a].errors.add(*error, h->version(), error_batch_);
      }
    }
  }
  return taken;
}

template <class V>
MLGUARD_INLINE auto basic_canary_router<V>::record_latency(const routed_outcome& o,
                                                           double latency) noexcept -> void {
  if (!std::isnan(latency) && o.answer.version != 0) {
    arms_[static_cast<std::size_t>(o.arm)].latencies.push(latency, o.answer.version);
  }
}

template <class V>
MLGUARD_INLINE auto basic_canary_router<V>::set_percent(double percent) -> void {
  share_.store(basis_points(percent), std::memory_order_relaxed);
}

template <class V>
MLGUARD_INLINE auto basic_canary_router<V>::percent() const noexcept -> double {
  return static_cast<double>(share_.load(std::memory_order_relaxed)) / 100.0;
}

template <class V>
MLGUARD_INLINE auto basic_canary_router<V>::snapshot() const -> router_snapshot {
  router_snapshot s;
  s.mode = mode();
  s.percent = percent();
  for (std::size_t a = 0; a < 2; ++a) {
    auto& out = a == 0 ? s.champion : s.challenger;
    const auto h = slot(static_cast<router_arm>(a)).acquire();
    out.version = h ? h->version() : 0;
    out.requests = arms_[a].requests.load(std::memory_order_relaxed);
    out.labelled = arms_[a].labelled.load(std::memory_order_relaxed);
    if (out.version != 0) {
      out.errors = arms_[a].errors.copy(out.version);
      out.latencies = arms_[a].latencies.copy(out.version);
    }
  }
  s.shadow.compared = compared_.load(std::memory_order_relaxed);
  s.shadow.disagreements = disagreements_.load(std::memory_order_relaxed);
  if (s.challenger.version != 0) {
    s.shadow.differences = differences_.copy(s.challenger.version);
  }
  if (!s.shadow.differences.empty()) {
    double sum = 0.0;
    double max = 0.0;
    for (const double d : s.shadow.differences) {
      sum += d;
      max = std::max(max, d);
    }
    s.shadow.mean_difference = sum / static_cast<double>(s.shadow.differences.size());
    s.shadow.max_difference = max;
  }
  return s;
}

template <class V>
MLGUARD_INLINE auto basic_canary_router<V>::reset_metrics() noexcept -> void {
  for (auto& a : arms_) {
    a.errors.clear();
    a.latencies.clear();
    a.requests.store(0, std::memory_order_relaxed);
    a.labelled.store(0, std::memory_order_relaxed);
  }
  differences_.clear();
  compared_.store(0, std::memory_order_relaxed);
  disagreements_.store(0, std::memory_order_relaxed);
}

template <class V>
MLGUARD_INLINE auto basic_canary_router<V>::slot(router_arm a) const noexcept
    -> model_slot<guarded_model>& {
  return a == router_arm::challenger ? challenger_ : champion_;
}

template <class V>
MLGUARD_INLINE auto basic_canary_router<V>::basis_points(double percent) -> std::uint32_t {
  if (!(percent >= 0.0 && percent <= 100.0)) {
    throw serving_error("invalid_option",
                        "a router's percent must be in [0, 100], not " + std::to_string(percent));
  }
  return static_cast<std::uint32_t>(std::lround(percent * 100.0));
}

template <class V>
MLGUARD_INLINE auto basic_canary_router<V>::checked_capacity(std::size_t capacity) -> std::size_t {
  if (capacity == 0) {
    throw serving_error("invalid_option", "a router's metric capacity must be positive");
  }
  return capacity;
}

template <class V>
MLGUARD_INLINE auto basic_canary_router<V>::checked_batch(std::size_t batch) -> std::size_t {
  if (batch == 0) {
    throw serving_error("invalid_option", "a router's error batch must be positive");
  }
  return batch;
}

template <class V>
MLGUARD_INLINE auto basic_canary_router<V>::unavailable(std::uint64_t request_id) noexcept
    -> outcome {
  outcome o;
  o.request_id = request_id;
  return o;
}

template <class V>
MLGUARD_INLINE auto basic_canary_router<V>::compare(const outcome& answer,
                                                    const outcome& shadow) noexcept -> void {
  compared_.fetch_add(1, std::memory_order_relaxed);
  const bool a_rejected = answer.status == request_status::rejected;
  const bool b_rejected = shadow.status == request_status::rejected;
  bool disagree = a_rejected != b_rejected;
  if (!a_rejected && !b_rejected) {
    const double d = std::abs(answer.prediction - shadow.prediction);
    differences_.push(d, shadow.version);
    disagree = !(d <= tolerance_);
  }
  if (disagree) {
    disagreements_.fetch_add(1, std::memory_order_relaxed);
  }
}

} // namespace mlguard::serving

#endif // MLGUARD_COMPILED
#endif // MLGUARD_SERVING_ROUTER_HPP
