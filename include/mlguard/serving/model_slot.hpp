#ifndef MLGUARD_SERVING_MODEL_SLOT_HPP
#define MLGUARD_SERVING_MODEL_SLOT_HPP

// The one place a serving model lives: request threads take a handle to the
// current model without ever waiting for a writer, and a writer swaps in a new
// model without ever failing or stalling a request.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <thread>
#include <type_traits>
#include <utility>

#include "mlguard/core/error.hpp"

namespace mlguard::serving {

/// How model_slot::replace trades memory for availability.
enum class swap_mode {
  /// Build the new model, then swap; the old one goes when its last reader
  /// lets go. Requests never see an empty slot. Two models live at once.
  preserve_availability,
  /// Empty the slot, wait until the old model's last reader lets go (it is
  /// destroyed then), build the new one, then publish it: for models that do
  /// not fit in memory twice. Requests during the gap get an empty handle
  /// (answer them "unavailable"). See tensorflow/serving#2017.
  preserve_resources,
};

/// A slot holding the model that serves, shared by request threads and a writer.
///
/// - acquire() returns a handle that keeps its model alive until the handle
///   goes. It never blocks, never allocates, never throws: two atomic
///   read-modify-writes (one to take, one to give back), lock-free.
/// - store() publishes a model; the previous one is destroyed when its last
///   handle goes (on the thread that lets go of it last, or on the writer's
///   when no handle holds it).
/// - A handle always sees one whole model: models are built before they are
///   published and never change identity while held.
///
/// How: the slot's word packs the current node's address with a count of the
/// handles taken through the word (a split reference count). A writer that
/// swaps the node out moves that count into the node, so a handle given back
/// later finds it there. Needs 48-bit user-space addresses (x86-64, AArch64),
/// which store() checks; at most 65535 handles may be held at once per model
/// (acquire waits, briefly, beyond that rather than overflow).
///
/// Model needs no particular interface; whatever readers call on it must be
/// safe to call concurrently (handles give non-const access).
template <typename Model>
class model_slot {
  struct node;

public:
  /// A reader's hold on one model. Move-only; empty when the slot was empty.
  class handle {
  public:
    handle() noexcept = default;
    handle(handle&& other) noexcept
        : slot_(other.slot_), node_(std::exchange(other.node_, nullptr)) {}
    handle& operator=(handle&& other) noexcept {
      if (this != &other) {
        reset();
        slot_ = other.slot_;
        node_ = std::exchange(other.node_, nullptr);
      }
      return *this;
    }
    handle(const handle&) = delete;
    handle& operator=(const handle&) = delete;
    ~handle() { reset(); }

    /// True when the handle holds a model.
    explicit operator bool() const noexcept { return node_ != nullptr; }
    /// The model. Undefined on an empty handle.
    Model& operator*() const noexcept { return node_->model; }
    Model* operator->() const noexcept { return &node_->model; }
    Model* get() const noexcept { return node_ ? &node_->model : nullptr; }
    /// The publication number of the held model: 1 for the first store(), +1 per
    /// store(); 0 for an empty handle.
    std::uint64_t generation() const noexcept { return node_ ? node_->generation : 0; }
    /// Lets go of the model now (the destructor does it otherwise).
    void reset() noexcept {
      if (node_) {
        slot_->release(std::exchange(node_, nullptr));
      }
    }

  private:
    friend class model_slot;
    handle(const model_slot* slot, node* n) noexcept : slot_(slot), node_(n) {}
    const model_slot* slot_ = nullptr;
    node* node_ = nullptr;
  };

  /// An empty slot: acquire() returns empty handles until the first store().
  model_slot() = default;
  model_slot(const model_slot&) = delete;
  model_slot& operator=(const model_slot&) = delete;
  /// Destroys the current model. Every handle must be gone by then.
  ~model_slot() { retire(word_.exchange(0, std::memory_order_acq_rel)); }

  /// A handle to the current model (empty when the slot is empty).
  /// Lock-free; no allocation; never throws.
  handle acquire() const noexcept {
    std::uint64_t w = word_.load(std::memory_order_relaxed);
    for (;;) {
      if (w == 0) {
        return handle();
      }
      if ((w >> address_bits) == max_count) { // 65535 handles held: let some go first
        std::this_thread::yield();
        w = word_.load(std::memory_order_relaxed);
        continue;
      }
      if (word_.compare_exchange_weak(w, w + one_handle, std::memory_order_acquire,
                                      std::memory_order_relaxed)) {
        return handle(this, address_of(w));
      }
    }
  }

  /// Publishes `model` (built by the caller, off the request path) and
  /// returns its generation. The previous model goes when its last handle
  /// does. Throws serving_error (mlguard.serving.unsupported_platform) when
  /// the allocator returns an address above 2^48, and what allocating throws.
  std::uint64_t store(Model model) {
    return publish(std::make_unique<node>([&model]() -> Model { return std::move(model); }));
  }

  /// Builds a model in place from `args` and publishes it (for models that
  /// cannot move, e.g. guarded_model). Returns its generation; throws as store().
  template <typename... Args>
  std::uint64_t emplace(Args&&... args) {
    return publish(std::make_unique<node>([&]() { return Model(std::forward<Args>(args)...); }));
  }

  /// Builds a model with `build()` and publishes it as `mode` says (see
  /// swap_mode). What build() throws propagates; the slot then keeps the old
  /// model under preserve_availability, and stays empty under
  /// preserve_resources. Returns the new generation.
  template <typename Build>
  std::uint64_t replace(Build&& build, swap_mode mode = swap_mode::preserve_availability) {
    static_assert(std::is_same_v<std::decay_t<std::invoke_result_t<Build&>>, Model>,
                  "replace(build): build() must return a Model");
    if (mode == swap_mode::preserve_resources) {
      clear();
      wait_until_released();
    }
    return publish(std::make_unique<node>(build));
  }

  /// Empties the slot: new handles are empty; the model goes with its last handle.
  void clear() noexcept { retire(word_.exchange(0, std::memory_order_acq_rel)); }

  /// True when the slot holds a model.
  bool has_model() const noexcept { return word_.load(std::memory_order_acquire) != 0; }

  /// Models published and not yet destroyed (the current one and those still
  /// held by handles).
  std::size_t live_models() const noexcept { return live_.load(std::memory_order_acquire); }

  /// Waits until no model but the current one is alive (every handle on an
  /// older model is gone), polling every 50 µs.
  void wait_until_released() const {
    const std::size_t current = has_model() ? 1 : 0;
    while (live_.load(std::memory_order_acquire) > current) {
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  }

private:
  struct node {
    // From a builder: the model is built in place (C++17 elides the copy).
    template <typename Build>
    explicit node(Build&& build) : model(build()) {}
    Model model;
    std::uint64_t generation = 0;
    // Handles given back after the node left the word, minus the handle count
    // the writer moved here when it swapped the node out.
    std::atomic<std::int64_t> released{0};
  };

  static constexpr unsigned address_bits = 48;
  static constexpr std::uint64_t address_mask = (std::uint64_t{1} << address_bits) - 1;
  static constexpr std::uint64_t one_handle = std::uint64_t{1} << address_bits;
  static constexpr std::uint64_t max_count = 0xFFFF;

  static node* address_of(std::uint64_t w) noexcept {
    return reinterpret_cast<node*>(static_cast<std::uintptr_t>(w & address_mask));
  }

  std::uint64_t publish(std::unique_ptr<node> n) {
    const auto address = reinterpret_cast<std::uintptr_t>(n.get());
    if ((static_cast<std::uint64_t>(address) & ~address_mask) != 0) {
      throw serving_error("unsupported_platform",
                          "model_slot needs 48-bit addresses; the allocator returned one above");
    }
    n->generation = generation_.fetch_add(1, std::memory_order_relaxed) + 1;
    live_.fetch_add(1, std::memory_order_acq_rel);
    const std::uint64_t old =
        word_.exchange(static_cast<std::uint64_t>(address), std::memory_order_acq_rel);
    const std::uint64_t generation = n->generation;
    n.release();
    retire(old);
    return generation;
  }

  // The writer's side of the split count: move the handles taken through the
  // word into the node; destroy it when they are all given back already.
  void retire(std::uint64_t old) const noexcept {
    if (old == 0) {
      return;
    }
    node* n = address_of(old);
    const auto taken = static_cast<std::int64_t>(old >> address_bits);
    if (n->released.fetch_add(taken, std::memory_order_acq_rel) + taken == 0) {
      destroy(n);
    }
  }

  // A handle's side: give the count back to the word while the node is
  // still current, else to the node (the writer moved the count there).
  void release(node* n) const noexcept {
    std::uint64_t w = word_.load(std::memory_order_relaxed);
    while (address_of(w) == n) {
      if (word_.compare_exchange_weak(w, w - one_handle, std::memory_order_release,
                                      std::memory_order_relaxed)) {
        return;
      }
    }
    if (n->released.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      destroy(n);
    }
  }

  void destroy(node* n) const noexcept {
    delete n;
    live_.fetch_sub(1, std::memory_order_acq_rel);
  }

  mutable std::atomic<std::uint64_t> word_{0};
  mutable std::atomic<std::size_t> live_{0};
  std::atomic<std::uint64_t> generation_{0};
};

} // namespace mlguard::serving

#endif // MLGUARD_SERVING_MODEL_SLOT_HPP
