// The NYC taxi pipeline of issue 6: predict whether a trip is tipped
// (tip_amount > 0), fitted on January 2019, saved, loaded, identical predictions.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "mlguard/io/csv.hpp"
#include "mlguard/pipeline/clipper.hpp"
#include "mlguard/pipeline/dynamic_pipeline.hpp"
#include "mlguard/pipeline/fingerprint.hpp"
#include "mlguard/pipeline/imputer.hpp"
#include "mlguard/pipeline/logistic_regression.hpp"
#include "mlguard/pipeline/one_hot_encoder.hpp"
#include "mlguard/pipeline/pipeline.hpp"
#include "mlguard/pipeline/standard_scaler.hpp"
#include "pipeline/pipeline_fixtures.hpp"

using namespace mlguard;
using namespace mlguard::test;
using namespace mlguard::pipeline;

namespace {

const std::vector<std::string> numeric = {"passenger_count", "trip_distance", "fare_amount",
                                          "extra", "tolls_amount"};
const std::vector<std::string> categorical = {"payment_type", "rate_code_id", "vendor_id"};

struct month {
  Eigen::MatrixXd X;
  Eigen::VectorXd tipped;
};

month read_month(const std::string& dir, int m) {
  char name[64];
  std::snprintf(name, sizeof name, "/nyc-taxi/yellow_tripdata_sample_2019-%02d.csv", m);
  const table t = io::read_csv(dir + name);
  std::vector<std::string> cols = numeric;
  cols.insert(cols.end(), categorical.begin(), categorical.end());
  month out{
      Eigen::MatrixXd(static_cast<Eigen::Index>(t.rows()), static_cast<Eigen::Index>(cols.size())),
      Eigen::VectorXd(static_cast<Eigen::Index>(t.rows()))};
  for (std::size_t j = 0; j < cols.size(); ++j) {
    out.X.col(static_cast<Eigen::Index>(j)) = t.at(cols[j]).vector();
  }
  const auto tip = t.at("tip_amount").vector();
  for (Eigen::Index i = 0; i < tip.size(); ++i) {
    out.tipped[i] = tip[i] > 0 ? 1.0 : 0.0;
  }
  return out;
}

// The area under the ROC curve (Mann-Whitney U / (n1 n0), ties counted half).
double auc(const Eigen::VectorXd& score, const Eigen::VectorXd& label) {
  std::vector<Eigen::Index> order(static_cast<std::size_t>(score.size()));
  for (Eigen::Index i = 0; i < score.size(); ++i) {
    order[static_cast<std::size_t>(i)] = i;
  }
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return score[a] < score[b]; });
  double rank_sum = 0;
  double positives = 0;
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j < order.size() && score[order[j]] == score[order[i]]) {
      ++j;
    }
    const double mid_rank = (static_cast<double>(i + j) + 1) / 2;
    for (std::size_t k = i; k < j; ++k) {
      if (label[order[k]] == 1) {
        rank_sum += mid_rank;
        positives += 1;
      }
    }
    i = j;
  }
  const double negatives = static_cast<double>(score.size()) - positives;
  return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives);
}

} // namespace

TEST_CASE("NYC taxi: tipped-trip pipeline fitted on 2019-01, saved, loaded, identical") {
  const auto dir = shared_data_dir();
  if (!dir) {
    return;
  }
  const month jan = read_month(*dir, 1);
  std::vector<std::string> names = numeric;
  names.insert(names.end(), categorical.begin(), categorical.end());
  using tip_model =
      static_pipeline<imputer, clipper, standard_scaler, one_hot_encoder, logistic_regression>;
  tip_model p(imputer(impute_strategy::median), clipper(numeric), standard_scaler(numeric),
              one_hot_encoder(categorical), logistic_regression(1.0));
  p.fit(jan.X, names, jan.tipped);
  MESSAGE("fitted on " << jan.X.rows() << " January trips; " << p.stage<4>().iterations()
                       << " Newton iterations; fingerprint " << fingerprint(p)
                       << "; data fingerprint " << data_fingerprint(jan.X));

  const std::string path = "nyc_taxi_tip_pipeline.json";
  p.save(path);
  auto typed = tip_model::load(path);
  auto dynamic = dynamic_pipeline::load(path);
  std::remove(path.c_str());
  CHECK(fingerprint(typed) == fingerprint(p));

  const month feb = read_month(*dir, 2);
  const Eigen::MatrixXd expected = p.transform(feb.X);
  CHECK(bit_identical(typed.transform(feb.X), expected));
  CHECK(bit_identical(dynamic.transform(feb.X), expected));
  for (Eigen::Index i = 0; i < feb.X.rows(); i += 97) {
    const Eigen::RowVectorXd row = feb.X.row(i);
    double a = 0;
    double b = 0;
    CHECK(typed.transform_row(row.data(), &a) == row_status::ok);
    CHECK(dynamic.transform_row(row.data(), &b) == row_status::ok);
    CHECK(std::memcmp(&a, &expected(i, 0), sizeof a) == 0);
    CHECK(std::memcmp(&b, &expected(i, 0), sizeof b) == 0);
  }
  const double train_auc = auc(p.predict(jan.X), jan.tipped);
  const double feb_auc = auc(expected.col(0), feb.tipped);
  MESSAGE("AUC January (train) " << train_auc << ", February " << feb_auc);
  // Card trips are tipped, cash tips are not recorded: the model must find that.
  CHECK(feb_auc > 0.85);
}
