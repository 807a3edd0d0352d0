// mlguard pipeline example: will this NYC taxi trip be tipped?
//
// Fits a five-stage pipeline (impute, clip, scale, one-hot, logistic) on the
// January 2019 sample, saves it as one versioned JSON document, loads it back
// as a pipeline::dynamic_pipeline (as a serving process would), and prints its AUC on
// every later month. Usage: pipeline_example [data dir] (default ../shared/data).
#include <mlguard/io/csv.hpp>
#include <mlguard/mlguard.hpp>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace {

using namespace mlguard;

const std::vector<std::string> numeric = {"passenger_count", "trip_distance", "fare_amount",
                                          "extra", "tolls_amount"};
const std::vector<std::string> categorical = {"payment_type", "rate_code_id", "vendor_id"};

struct month {
  Eigen::MatrixXd X;
  Eigen::VectorXd tipped;
};

month read_month(const std::string& path) {
  const table t = io::read_csv(path);
  std::vector<std::string> cols = numeric;
  cols.insert(cols.end(), categorical.begin(), categorical.end());
  month m{
      Eigen::MatrixXd(static_cast<Eigen::Index>(t.rows()), static_cast<Eigen::Index>(cols.size())),
      Eigen::VectorXd(static_cast<Eigen::Index>(t.rows()))};
  for (std::size_t j = 0; j < cols.size(); ++j) {
    m.X.col(static_cast<Eigen::Index>(j)) = t.at(cols[j]).vector();
  }
  m.tipped = (t.at("tip_amount").vector().array() > 0).cast<double>();
  return m;
}

// Area under the ROC curve: the Mann-Whitney U statistic over n1 * n0, ties half.
double auc(const Eigen::VectorXd& score, const Eigen::VectorXd& label) {
  std::vector<Eigen::Index> order(static_cast<std::size_t>(score.size()));
  for (std::size_t i = 0; i < order.size(); ++i) {
    order[i] = static_cast<Eigen::Index>(i);
  }
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return score[a] < score[b]; });
  double rank_sum = 0;
  double positives = 0;
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j < order.size() && score[order[j]] == score[order[i]]) {
      ++j;
    }
    for (std::size_t k = i; k < j; ++k) {
      if (label[order[k]] == 1) {
        rank_sum += (static_cast<double>(i + j) + 1) / 2;
        positives += 1;
      }
    }
    i = j;
  }
  const double negatives = static_cast<double>(score.size()) - positives;
  return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives);
}

std::string month_path(const std::string& dir, int m) {
  char name[64];
  std::snprintf(name, sizeof name, "/nyc-taxi/yellow_tripdata_sample_2019-%02d.csv", m);
  return dir + name;
}

} // namespace

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : "../shared/data";
  if (std::FILE* probe = std::fopen(month_path(dir, 1).c_str(), "rb")) {
    std::fclose(probe);
  } else {
    std::printf("pipeline example skipped: no NYC taxi data under %s/nyc-taxi\n", dir.c_str());
    return 0;
  }
  try {
    const month jan = read_month(month_path(dir, 1));
    std::vector<std::string> names = numeric;
    names.insert(names.end(), categorical.begin(), categorical.end());

    // 1. Compose and fit: each stage is fitted on the output of the ones before it.
    pipeline::static_pipeline<pipeline::imputer, pipeline::clipper, pipeline::standard_scaler,
                              pipeline::one_hot_encoder, pipeline::logistic_regression>
        model(pipeline::imputer(pipeline::impute_strategy::median), pipeline::clipper(numeric),
              pipeline::standard_scaler(numeric), pipeline::one_hot_encoder(categorical),
              pipeline::logistic_regression(1.0));
    model.fit(jan.X, names, jan.tipped);
    std::printf("fitted on %lld January trips: %zu features in, %zu model inputs\n",
                static_cast<long long>(jan.X.rows()), model.input_width(),
                model.stage<3>().output_width());
#if defined(__has_include) && __has_include(<xxhash.h>)
    std::printf("lineage: pipeline %s\n         data     %s\n",
                pipeline::fingerprint(model).c_str(), pipeline::data_fingerprint(jan.X).c_str());
#endif

    // 2. Persist as one versioned JSON document; load it without knowing its type.
    const std::string path = "tip_pipeline.json";
    model.save(path);
    auto served = pipeline::dynamic_pipeline::load(path);
    std::remove(path.c_str());

    // 3. Score every later month; one row goes through the allocation-free path.
    std::printf("month    trips   tipped   AUC\n");
    for (int m = 2; m <= 12; ++m) {
      const month data = read_month(month_path(dir, m));
      const Eigen::VectorXd p = served.predict(data.X);
      std::printf("2019-%02d  %5lld   %5.1f%%   %.4f\n", m, static_cast<long long>(data.X.rows()),
                  100 * data.tipped.mean(), auc(p, data.tipped));
    }
    const double trip[8] = {1, 2.5, 11.0, 0.5, 0, 1 /* card */, 1, 2};
    double probability = 0;
    const pipeline::row_status status = served.transform_row(trip, &probability);
    std::printf("a 2.5-mile card trip: P(tipped) = %.3f (%s)\n", probability,
                pipeline::to_string(status));
  } catch (const mlguard::error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
