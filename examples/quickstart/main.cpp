// mlguard quickstart: the inference loop of a small service, guarded.
//
// Each capability of mlguard adds a step here as it lands; today it shows the
// foundation every step stands on: the columnar table, the injectable clock
// and errors with stable ids.
#include <mlguard/mlguard.hpp>

#include <chrono>
#include <cstdio>
#include <random>

int main() {
  std::printf("mlguard %s quickstart\n\n", mlguard::version().string);

  // 1. A batch of requests as a table: numeric columns and categorical codes.
  std::mt19937_64 rng(42);
  std::normal_distribution<double> fare(12.0, 4.0);
  std::vector<double> fares;
  std::vector<std::int32_t> payment;
  mlguard::vocabulary payments({"card", "cash"});
  for (int i = 0; i < 1000; ++i) {
    fares.push_back(fare(rng));
    payment.push_back(static_cast<std::int32_t>(rng() % 2));
  }
  mlguard::table batch;
  batch.add(mlguard::column::numeric("fare_amount", fares));
  batch.add(mlguard::column::categorical("payment_type", payment, payments));
  std::printf("batch: %zu rows x %zu columns; mean fare %.2f\n", batch.rows(), batch.cols(),
              batch.at("fare_amount").vector().mean());

  // 2. Time comes from an injectable clock, so windows and cooldowns replay in tests.
  mlguard::manual_clock clock;
  clock.advance(std::chrono::minutes(5));
  std::printf("manual clock reads %lld s after the epoch\n",
              static_cast<long long>(
                  std::chrono::duration_cast<std::chrono::seconds>(clock.now().time_since_epoch())
                      .count()));

  // 3. Mistakes are reported with stable ids a program can branch on.
  try {
    (void)batch.at("tip_amount");
  } catch (const mlguard::error& e) {
    std::printf("caught %s: %s\n", e.id().c_str(), std::string(e.message()).c_str());
  }
  return 0;
}
