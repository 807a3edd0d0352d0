#include "mlguard/serving/model_slot.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <thread>
#include <vector>

#include "test_support.hpp"

using mlguard::serving::model_slot;
using mlguard::serving::swap_mode;

namespace {

std::atomic<int> models_alive{0};

// A model whose every word carries its id: a reader that sees a mix saw half a model.
struct counted_model {
  explicit counted_model(std::uint64_t model_id) : id(model_id) {
    words.fill(id);
    models_alive.fetch_add(1);
  }
  counted_model(counted_model&& other) noexcept : id(other.id), words(other.words) {
    models_alive.fetch_add(1);
  }
  counted_model(const counted_model&) = delete;
  ~counted_model() { models_alive.fetch_sub(1); }
  bool whole() const noexcept {
    for (auto w : words) {
      if (w != id) {
        return false;
      }
    }
    return true;
  }
  std::uint64_t id;
  std::array<std::uint64_t, 16> words{};
};

} // namespace

TEST_CASE("model_slot: handles see the current model and keep theirs alive") {
  models_alive = 0;
  {
    model_slot<counted_model> slot;
    CHECK_FALSE(slot.has_model());
    CHECK_FALSE(slot.acquire());
    CHECK(slot.acquire().generation() == 0);

    CHECK(slot.store(counted_model(7)) == 1);
    auto first = slot.acquire();
    REQUIRE(first);
    CHECK(first->id == 7);
    CHECK(first.generation() == 1);

    CHECK(slot.store(counted_model(8)) == 2);
    CHECK(slot.acquire()->id == 8);
    CHECK(first->id == 7); // still alive: a handle holds it
    CHECK(slot.live_models() == 2);
    CHECK(models_alive == 2);
    first.reset();
    CHECK(slot.live_models() == 1);
    CHECK(models_alive == 1);

    // Moving a handle moves the hold.
    auto a = slot.acquire();
    auto b = std::move(a);
    CHECK_FALSE(a);
    CHECK(b->id == 8);
    slot.clear();
    CHECK_FALSE(slot.acquire());
    CHECK(models_alive == 1); // b holds it
    b = model_slot<counted_model>::handle();
    CHECK(models_alive == 0);
    CHECK(slot.live_models() == 0);
  }
  CHECK(models_alive == 0);
}

TEST_CASE("model_slot: replace keeps the old model when building fails, or frees it first") {
  models_alive = 0;
  model_slot<counted_model> slot;
  slot.store(counted_model(1));
  CHECK_THROWS_AS(slot.replace([]() -> counted_model { throw std::runtime_error("no model"); }),
                  std::runtime_error);
  CHECK(slot.acquire()->id == 1);

  // preserve_resources: the old model is gone before the new one is built.
  auto held = slot.acquire();
  std::thread reader([&held] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    held.reset();
  });
  int alive_while_building = -1;
  slot.replace(
      [&] {
        alive_while_building = models_alive.load();
        return counted_model(2);
      },
      swap_mode::preserve_resources);
  reader.join();
  CHECK(alive_while_building == 0);
  CHECK(slot.acquire()->id == 2);
  CHECK(slot.acquire().generation() == 2); // the failed build published nothing
}

TEST_CASE("model_slot: four readers and a writer swapping every 100 us: every read sees a whole "
          "model, none fails") {
  models_alive = 0;
  {
    model_slot<counted_model> slot;
    slot.store(counted_model(1));
    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> failures{0};
    std::atomic<std::uint64_t> swaps{0};
    std::thread writer([&] {
      std::uint64_t id = 1;
      while (!stop.load()) {
        slot.store(counted_model(++id));
        swaps.fetch_add(1);
        std::this_thread::sleep_for(std::chrono::microseconds(100));
      }
    });
    constexpr int requests = 1000000;
    std::vector<std::thread> readers;
    for (int r = 0; r < 4; ++r) {
      readers.emplace_back([&] {
        std::uint64_t last_generation = 0;
        for (int i = 0; i < requests; ++i) {
          auto h = slot.acquire();
          // Generations only move forward for one reader, ids match generations.
          if (!h || !h->whole() || h.generation() < last_generation || h->id != h.generation()) {
            failures.fetch_add(1);
          }
          last_generation = h.generation();
        }
      });
    }
    for (auto& t : readers) {
      t.join();
    }
    stop = true;
    writer.join();
    CHECK(failures == 0);
    CHECK(swaps > 0);
    CHECK(slot.live_models() == 1);
    CHECK(models_alive == 1);
  }
  CHECK(models_alive == 0);
}
