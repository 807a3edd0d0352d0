#ifndef MLGUARD_EXAMPLES_INFERENCE_LOOP_TRIPS_HPP
#define MLGUARD_EXAMPLES_INFERENCE_LOOP_TRIPS_HPP

// The demo's data: a month of taxi trips, and whether each rider tipped.
// The NYC yellow-taxi samples of 2019 when ../shared/data is there (10,000
// real trips a month), otherwise a deterministic synthetic month with the
// same columns and the same shape: riders who pay by card tip about 96% of
// the time, cash riders are never recorded as tipping.

#include <mlguard/core/table.hpp>
#include <mlguard/io/csv.hpp>

#include <Eigen/Core>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace demo {

/// One month of trips: the request columns, and the labels that arrive later.
struct month {
  mlguard::table trips;   ///< fare_amount, trip_distance, passenger_count, payment_type
  Eigen::VectorXd tipped; ///< the true label: tip_amount > 0
  Eigen::VectorXd tolled; ///< tolls_amount > 0: the column a buggy retrain reads instead
  std::size_t size() const { return trips.rows(); }
};

/// The request features every version may use, in this order.
inline const std::vector<std::string>& request_columns() {
  static const std::vector<std::string> names{"fare_amount", "trip_distance", "passenger_count",
                                              "payment_type"};
  return names;
}

inline std::string nyc_path(const std::string& data_dir, int m) {
  char name[64];
  std::snprintf(name, sizeof name, "/nyc-taxi/yellow_tripdata_sample_2019-%02d.csv", m);
  return data_dir + name;
}

/// Month `m` (1–12) of 2019 from `data_dir`, or a synthetic one when
/// `data_dir` is empty.
inline month load_month(const std::string& data_dir, int m) {
  month out;
  std::vector<double> tips, tolls;
  mlguard::table all;
  if (!data_dir.empty()) {
    all = mlguard::io::read_csv(nyc_path(data_dir, m));
    tips = all.at("tip_amount").values();
    tolls = all.at("tolls_amount").values();
  } else {
    std::mt19937_64 rng(2019 * 100 + static_cast<std::uint64_t>(m));
    std::lognormal_distribution<double> distance(0.6, 0.8);
    std::uniform_int_distribution<int> passengers(1, 3);
    std::bernoulli_distribution card(0.72), tips_on_card(0.96), toll(0.05);
    std::vector<double> fare, dist, pass, pay;
    for (int i = 0; i < 10000; ++i) {
      dist.push_back(std::round(distance(rng) * 100) / 100);
      fare.push_back(std::round((2.5 + 2.5 * dist.back()) * 2) / 2);
      pass.push_back(passengers(rng));
      pay.push_back(card(rng) ? 1 : 2);
      tips.push_back(pay.back() == 1 && tips_on_card(rng) ? 0.2 * fare.back() : 0.0);
      tolls.push_back(toll(rng) ? 5.76 : 0.0);
    }
    all.add(mlguard::column::numeric("fare_amount", fare));
    all.add(mlguard::column::numeric("trip_distance", dist));
    all.add(mlguard::column::numeric("passenger_count", pass));
    all.add(mlguard::column::numeric("payment_type", pay));
  }
  for (const auto& name : request_columns()) {
    out.trips.add(mlguard::column::numeric(name, all.at(name).values()));
  }
  out.tipped.resize(static_cast<Eigen::Index>(tips.size()));
  out.tolled.resize(static_cast<Eigen::Index>(tolls.size()));
  for (std::size_t i = 0; i < tips.size(); ++i) {
    out.tipped[static_cast<Eigen::Index>(i)] = tips[i] > 0 ? 1.0 : 0.0;
    out.tolled[static_cast<Eigen::Index>(i)] = tolls[i] > 0 ? 1.0 : 0.0;
  }
  return out;
}

/// The shared data directory when its NYC samples are there, else "".
inline std::string find_data(const std::string& candidate) {
  return std::filesystem::exists(nyc_path(candidate, 1)) ? candidate : std::string();
}

} // namespace demo

#endif // MLGUARD_EXAMPLES_INFERENCE_LOOP_TRIPS_HPP
