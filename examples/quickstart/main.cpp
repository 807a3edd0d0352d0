// mlguard quickstart: the inference loop of a small service, guarded.
//
// Each capability of mlguard adds a step here as it lands: the columnar
// table, the injectable clock, errors with stable ids, a drift report
// comparing today's requests with the training data, schema validation, a
// windowed monitor, an online detector watching the model's errors one
// request at a time, and a model pipeline.
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

  // 5. Validation: infer a schema from the training data (domains, vocabularies),
  //    then check each request row before the model sees it, with no allocation.
  const auto schema = mlguard::validate::infer_schema(training);
  double suspicious[] = {250.0, 1.0}; // a fare far outside training's range; "cash"
  mlguard::validate::anomaly_set found[2];
  const auto verdict = mlguard::validate::validate_row(schema, suspicious, found);
  std::printf("row: %zu anomalous feature(s)%s; fare_amount %s\n", verdict.anomalous_features,
              verdict.has_error ? " (error)" : "",
              found[0].has(mlguard::validate::anomaly_kind::float_type_big_float)
                  ? "FLOAT_TYPE_BIG_FLOAT"
                  : "ok");
  const auto checked = mlguard::validate::validate_batch(schema, batch);
  const auto* big =
      checked.find("fare_amount", mlguard::validate::anomaly_kind::float_type_big_float);
  std::printf("batch verdict: %s; fare_amount above the training max in %.1f%% of rows\n",
              mlguard::validate::to_string(checked.outcome), big ? 100.0 * big->rate : 0.0);

  // 6. Streaming: a windowed monitor sees requests one at a time (no
  //    allocation per row) and reports each window of 500 rows; a performance
  //    tracker turns delayed labels into windowed accuracy and an error stream
  //    for an online concept-drift detector.
  namespace md = mlguard::drift;
  md::monitor_options monitor_options;
  monitor_options.stat = md::method::psi;
  monitor_options.window = md::window_options::tumbling(500);
  auto monitor =
      md::drift_monitor::from_table(training, monitor_options, [](const md::window_report& w) {
        const auto& fare = w.drift.columns[0];
        std::printf("window %llu rows %llu-%llu: %s PSI "
                    "%.3f %s\n",
                    static_cast<unsigned long long>(w.index),
                    static_cast<unsigned long long>(w.first_row),
                    static_cast<unsigned long long>(w.last_row), fare.name.c_str(), fare.statistic,
                    fare.drifted ? "DRIFT" : "ok");
      });
  // A row holds each monitored column: the fare, and the payment type's code.
  for (std::size_t i = 0; i < 1500; ++i) {
    const auto& source = i < 1000 ? training : batch;
    const double row[2] = {source.at("fare_amount").values()[i],
                           static_cast<double>(source.at("payment_type").codes()[i])};
    monitor.observe(row); // the first 1000 requests look like training, then fares rise
  }
  md::performance_tracker quality(md::performance_options{});
  std::size_t error_count = 0;
  std::bernoulli_distribution right(0.9);
  for (std::uint64_t id = 0; id < 200; ++id) {
    quality.record_prediction(id, 0.8); // served: P(label = 1) = 0.8
    error_count += quality.record_label(id, right(rng) ? 1.0 : 0.0).value_or(0.0) > 0.0 ? 1 : 0;
  }
  std::printf("labelled %llu predictions: accuracy %.3f, %zu errors fed to a detector\n",
              static_cast<unsigned long long>(quality.labelled()), *quality.current().accuracy,
              error_count);

  // 7. Concept drift, online: once labels arrive, feed the model's errors
  //    (1 = wrong) to a River-compatible detector, one request at a time.
  //    Its whole state survives a restart as JSON.
  mlguard::drift::online::adwin errors;
  std::mt19937_64 labels(7);
  std::bernoulli_distribution before(0.10);
  std::bernoulli_distribution after(0.30); // the model degrades at request 2000
  for (int i = 0; i < 4000; ++i) {
    const double wrong = (i < 2000 ? before(labels) : after(labels)) ? 1.0 : 0.0;
    if (errors.update(wrong) == mlguard::drift::online::detector_state::drift) {
      std::printf("ADWIN: drift at request %d, error rate now %.3f over %.0f requests\n", i,
                  errors.estimation(), errors.width());
    }
    if (i == 1500) { // a restart: save, and carry on from the saved state
      errors = mlguard::drift::online::adwin::from_json(errors.to_json());
    }
  }

  // 8. A pipeline: preprocessing and a model, fitted stage by stage, then one
  //    request scored without allocating. Predicts "cash" from the fare.
  //    (examples/pipeline does this on the NYC taxi data, with persistence.)
  Eigen::MatrixXd X(static_cast<Eigen::Index>(training.rows()), 1);
  X.col(0) = training.at("fare_amount").vector();
  Eigen::VectorXd cash(X.rows());
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    cash[i] = training.at("payment_type").codes()[static_cast<std::size_t>(i)];
  }
  mlguard::pipeline::static_pipeline<mlguard::pipeline::imputer, mlguard::pipeline::standard_scaler,
                                     mlguard::pipeline::logistic_regression>
      model(mlguard::pipeline::imputer{}, mlguard::pipeline::standard_scaler{},
            mlguard::pipeline::logistic_regression(1.0));
  model.fit(X, {"fare_amount"}, cash);
  const double request[1] = {std::nan("")}; // a missing fare is imputed
  double p_cash = 0;
  const auto status = model.transform_row(request, &p_cash);
  std::printf("pipeline: P(cash | fare missing) = %.3f (%s), document %zu bytes\n", p_cash,
              mlguard::pipeline::to_string(status), model.to_json().dump().size());
  return 0;
}
