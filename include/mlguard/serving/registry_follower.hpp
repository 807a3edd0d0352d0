#ifndef MLGUARD_SERVING_REGISTRY_FOLLOWER_HPP
#define MLGUARD_SERVING_REGISTRY_FOLLOWER_HPP

// Keeps a model slot serving what an alias points at: when the alias moves,
// the new version is opened, verified, built and smoke-tested off the
// request path, then swapped in; when any step fails, the old version keeps
// serving and the new one is marked failed in the registry.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "mlguard/core/clock.hpp"
#include "mlguard/core/compiled.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/registry/model_registry.hpp"
#include "mlguard/serving/artifact_store.hpp"
#include "mlguard/serving/guarded_model_fwd.hpp"
#include "mlguard/serving/guarded_options.hpp"
#include "mlguard/serving/model_slot.hpp"

namespace mlguard::serving {

/// What a follower did about one alias move.
struct follower_event {
  enum class kind {
    swapped, ///< the new version serves now
    failed,  ///< the new version could not serve; the old one still does
  };
  kind what = kind::swapped;
  /// The version the alias points at.
  int version = 0;
  /// The version serving before (0: none).
  int previous = 0;
  /// Why it failed (the error's message, with its id).
  std::string reason;
  /// When (the follower's clock).
  timestamp at{};
};

/// "swapped" or "failed".
inline const char* to_string(follower_event::kind k) noexcept {
  return k == follower_event::kind::swapped ? "swapped" : "failed";
}

/// How a registry_follower works.
struct follower_options {
  /// How often the thread started by start() polls.
  std::chrono::milliseconds interval{1000};
  /// The options of each guarded_model it builds.
  guarded_options model;
  /// Build the new model before releasing the old one (the default), or the
  /// reverse for models that do not fit in memory twice (see swap_mode).
  swap_mode mode = swap_mode::preserve_availability;
  /// Mark a version that fails to open, build or pass its smoke rows as
  /// failed in the registry (with the reason), so the journal shows it.
  bool mark_failed = true;
  /// Who the registry's journal names for those changes.
  std::string actor = "mlguard-follower";
  /// Between polls, wait for the model's journal to change (model_registry::watch)
  /// instead of sleeping out the interval: with postgres_registry (LISTEN/NOTIFY) a
  /// follower swaps within milliseconds of an alias move; with the other backends watch
  /// polls every 20 ms. It still polls at least every interval.
  bool watch = false;
  /// With watch: the longest single wait, so stop() returns within about this long.
  std::chrono::milliseconds watch_slice{200};
  /// Receives each swap and failure (on the polling thread).
  std::function<void(const follower_event&)> on_event;
};

/// Follows a model URI with an alias ("models:/taxi@champion") into a
/// model_slot<guarded_model>.
///
/// poll() does one check: resolve the alias; when it names a version other
/// than the one serving (and not one that already failed), open and verify
/// its bundle (open_bundle), build its guarded_model, run its smoke rows,
/// then publish it in the slot. If any step fails, the slot keeps the old
/// model, the version is marked failed (follower_options::mark_failed) and
/// an event says why; the follower does not retry that version until the
/// alias points elsewhere first. start() runs poll() on a thread of its own
/// every interval (with follower_options::watch, also as soon as the model's journal
/// changes); or call poll() from your own event loop. Either way no
/// registry read or write, file read or model build runs on a request
/// thread: request threads only call slot.acquire().
///
/// Errors of the registry itself (unreachable, the alias deleted) are
/// reported as failed events too, without marking anything.
///
/// Thread safety: poll() calls are serialised internally. The registry,
/// store and slot must outlive the follower.
template <class = void> // deferred: see core/json.hpp
class basic_registry_follower {
public:
  /// Throws argument_error (mlguard.argument.invalid_option) for an
  /// interval or watch slice that is not positive.
  basic_registry_follower(registry::model_registry& registry, const artifact_store& store,
                          std::string uri, model_slot<guarded_model>& slot,
                          follower_options options = {},
                          const clock_source& clock = system_clock::instance());

  basic_registry_follower(const basic_registry_follower&) = delete;
  basic_registry_follower& operator=(const basic_registry_follower&) = delete;
  ~basic_registry_follower() { stop(); }

  /// One check (see the class comment). Returns true when it swapped.
  /// Never throws: failures become events.
  bool poll() noexcept;

  /// Starts polling on a thread of its own (an immediate poll, then one per
  /// interval). Does nothing when already started.
  void start();

  /// Stops the polling thread (waits for a poll in progress).
  void stop();

  /// The version serving (0: none yet).
  int serving_version() const;

  /// The URI followed.
  const std::string& uri() const noexcept { return uri_; }

private:
  /// The followed model's journal sequence, or nothing when the registry cannot say.
  std::optional<std::uint64_t> journal_position() noexcept;

  /// Waits, a slice at a time, up to the interval for the journal to pass `seen`.
  /// Returns true when it did, false when the interval passed or stop() was called.
  bool watch_for_change(std::uint64_t seen) noexcept;

  void report(follower_event::kind what, int version, std::string reason, int previous = -1);

  registry::model_registry& registry_;
  const artifact_store& store_;
  std::string uri_;
  model_slot<guarded_model>& slot_;
  follower_options options_;
  const clock_source& clock_;
  mutable std::mutex poll_mutex_;
  int serving_ = 0;
  int failed_ = 0;
  std::mutex thread_mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

/// The type to name (a class template only so that its bodies compile where used).
using registry_follower = basic_registry_follower<>;

} // namespace mlguard::serving

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include "mlguard/serving/guarded_model.hpp"
#include "mlguard/serving/publish.hpp"

namespace mlguard::serving {

template <class V>
MLGUARD_INLINE basic_registry_follower<V>::basic_registry_follower(
    registry::model_registry& registry, const artifact_store& store, std::string uri,
    model_slot<guarded_model>& slot, follower_options options, const clock_source& clock)
    : registry_(registry), store_(store), uri_(std::move(uri)), slot_(slot),
      options_(std::move(options)), clock_(clock) {
  if (options_.interval.count() <= 0 || options_.watch_slice.count() <= 0) {
    throw argument_error("invalid_option",
                         "a follower's interval and watch slice must be positive");
  }
}

template <class V>
MLGUARD_INLINE auto basic_registry_follower<V>::poll() noexcept -> bool {
  const std::lock_guard<std::mutex> lock(poll_mutex_);
  std::optional<registry::model_version> target;
  try {
    target = registry_.resolve(uri_);
  } catch (const std::exception& e) {
    report(follower_event::kind::failed, 0, e.what());
    return false;
  }
  const int version = target->version;
  if (version == serving_ || version == failed_) {
    return false;
  }
  try {
    auto opened = open_bundle(registry_, store_, uri_);
    if (opened.version.version != version) { // the alias moved again meanwhile
      return false;
    }
    // guarded_model runs the smoke rows as it is built: a failing version
    // never reaches the slot, which keeps the old model (preserve_availability).
    slot_.replace(
        [&]() -> guarded_model {
          return guarded_model(std::move(opened.bundle), version, options_.model);
        },
        options_.mode);
  } catch (const std::exception& e) {
    failed_ = version;
    if (options_.mark_failed) {
      try {
        registry_.set_version_status(target->model, version, registry::version_status::failed,
                                     {options_.actor, e.what()});
      } catch (const std::exception&) { // the event still says why
      }
    }
    report(follower_event::kind::failed, version, e.what());
    return false;
  }
  const int previous = serving_;
  serving_ = version;
  failed_ = 0;
  report(follower_event::kind::swapped, version, {}, previous);
  return true;
}

template <class V>
MLGUARD_INLINE auto basic_registry_follower<V>::start() -> void {
  const std::lock_guard<std::mutex> lock(thread_mutex_);
  if (thread_.joinable()) {
    return;
  }
  stopping_ = false;
  thread_ = std::thread([this] {
    std::unique_lock<std::mutex> wait_lock(thread_mutex_);
    while (!stopping_) {
      wait_lock.unlock();
      // The journal's position before the poll, so a move during it is not missed.
      const auto seen = options_.watch ? journal_position() : std::nullopt;
      poll();
      if (seen && watch_for_change(*seen)) {
        wait_lock.lock();
        continue; // something changed: poll now
      }
      wait_lock.lock();
      if (!seen) {
        wake_.wait_for(wait_lock, options_.interval, [this] { return stopping_; });
      }
    }
  });
}

template <class V>
MLGUARD_INLINE auto basic_registry_follower<V>::stop() -> void {
  std::thread t;
  {
    const std::lock_guard<std::mutex> lock(thread_mutex_);
    stopping_ = true;
    t = std::move(thread_);
  }
  wake_.notify_all();
  if (t.joinable()) {
    t.join();
  }
}

template <class V>
MLGUARD_INLINE auto basic_registry_follower<V>::serving_version() const -> int {
  const std::lock_guard<std::mutex> lock(poll_mutex_);
  return serving_;
}

template <class V>
MLGUARD_INLINE auto basic_registry_follower<V>::journal_position() noexcept
    -> std::optional<std::uint64_t> {
  try {
    return registry_.get_model(registry::parse_model_uri(uri_).name).sequence;
  } catch (...) { // reported by poll(); this thread then sleeps out the interval
    return std::nullopt;
  }
}

template <class V>
MLGUARD_INLINE auto basic_registry_follower<V>::watch_for_change(std::uint64_t seen) noexcept
    -> bool {
  const auto until = std::chrono::steady_clock::now() + options_.interval;
  std::string name;
  try { // noexcept: a URI that does not parse (poll() reports it) or no memory
    name = registry::parse_model_uri(uri_).name;
  } catch (...) {
    return false;
  }
  for (;;) {
    {
      const std::lock_guard<std::mutex> lock(thread_mutex_);
      if (stopping_) {
        return false;
      }
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= until) {
      return false;
    }
    const auto slice = std::min(std::chrono::duration_cast<std::chrono::milliseconds>(until - now),
                                options_.watch_slice);
    try {
      if (!registry_.watch(name, seen, slice).empty()) {
        return true;
      }
    } catch (...) { // unreachable or deleted: wait the slice out, poll() reports it
      std::unique_lock<std::mutex> lock(thread_mutex_);
      wake_.wait_for(lock, slice, [this] { return stopping_; });
    }
  }
}

template <class V>
MLGUARD_INLINE auto basic_registry_follower<V>::report(follower_event::kind what, int version,
                                                       std::string reason, int previous) -> void {
  if (!options_.on_event) {
    return;
  }
  follower_event e;
  e.what = what;
  e.version = version;
  e.previous = previous < 0 ? serving_ : previous;
  e.reason = std::move(reason);
  e.at = clock_.now();
  try {
    options_.on_event(e);
  } catch (...) { // a listener's failure is not the follower's
  }
}

} // namespace mlguard::serving

#endif // MLGUARD_COMPILED
#endif // MLGUARD_SERVING_REGISTRY_FOLLOWER_HPP
