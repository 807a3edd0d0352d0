// mlguard quickstart: the inference loop of a small service, guarded.
//
// Each capability of mlguard adds a step here as it lands: the columnar
// table, the injectable clock, errors with stable ids, a drift report
// comparing today's requests with the training data, and a model pipeline.
#include <mlguard/mlguard.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>

int main() {
  std::printf("mlguard %s quickstart\n\n", mlguard::version().string);

  // 1. Batches of requests as tables: numeric columns and categorical codes.
  //    The serving batch has drifted: fares are higher and cash is rarer.
  std::mt19937_64 rng(42);
  auto make_batch = [&rng](double mean_fare, double cash_share) {
    std::normal_distribution<double> fare(mean_fare, 4.0);
    std::bernoulli_distribution cash(cash_share);
    std::vector<double> fares;
    std::vector<std::int32_t> payment;
    for (int i = 0; i < 2000; ++i) {
      fares.push_back(fare(rng));
      payment.push_back(cash(rng) ? 1 : 0);
    }
    mlguard::table batch;
    batch.add(mlguard::column::numeric("fare_amount", fares));
    batch.add(mlguard::column::categorical("payment_type", payment,
                                           mlguard::vocabulary({"card", "cash"})));
    return batch;
  };
  const mlguard::table training = make_batch(12.0, 0.30);
  const mlguard::table batch = make_batch(14.0, 0.20);
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

  // 4. Drift: compare the serving batch with the training data, column by
  //    column, with Evidently's default methods and thresholds.
  const auto report = mlguard::drift::compare(training, batch);
  for (const auto& c : report.columns) {
    std::printf("drift %-13s %-16s statistic %.4f  %s\n", c.name.c_str(),
                mlguard::drift::to_string(c.stat), c.statistic, c.drifted ? "DRIFT" : "ok");
  }
  std::printf("dataset drift: %s (%zu of %zu columns)\n", report.dataset_drift ? "yes" : "no",
              report.drifted, report.evaluated);

  // 5. A pipeline: preprocessing and a model, fitted stage by stage, then one
  //    request scored without allocating. Predicts "cash" from the fare.
  //    (examples/pipeline does this on the NYC taxi data, with persistence.)
  Eigen::MatrixXd X(static_cast<Eigen::Index>(training.rows()), 1);
  X.col(0) = training.at("fare_amount").vector();
  Eigen::VectorXd cash(X.rows());
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    cash[i] = training.at("payment_type").codes()[static_cast<std::size_t>(i)];
  }
  mlguard::pipeline<mlguard::stages::imputer, mlguard::stages::standard_scaler,
                    mlguard::stages::logistic_regression>
      model(mlguard::stages::imputer{}, mlguard::stages::standard_scaler{},
            mlguard::stages::logistic_regression(1.0));
  model.fit(X, {"fare_amount"}, cash);
  const double request[1] = {std::nan("")}; // a missing fare is imputed
  double p_cash = 0;
  const auto status = model.transform_row(request, &p_cash);
  std::printf("pipeline: P(cash | fare missing) = %.3f (%s), document %zu bytes\n", p_cash,
              mlguard::to_string(status), model.to_json().dump().size());
  return 0;
}
