#ifndef MLGUARD_XGBOOST_TRAIN_HPP
#define MLGUARD_XGBOOST_TRAIN_HPP

// Training a booster from C++ through XGBoost's C API, as xgboost.train
// does in Python: for retraining jobs written in C++, for the demo and the
// tests. The bytes it returns are what xgboost_model loads from a bundle.

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <xgboost/c_api.h>

#include "mlguard/core/error.hpp"
#include "mlguard/xgboost/xgboost_model.hpp"

namespace mlguard::xgboost {

/// What train_booster fits: XGBoost's own parameter names and values
/// (https://xgboost.readthedocs.io/en/release_1.7.0/parameter.html), e.g.
/// {"objective", "binary:logistic"}, {"max_depth", "6"}, {"eta", "0.3"},
/// {"nthread", "1"}, {"seed", "0"}; and the number of boosting rounds.
struct train_options {
  std::vector<std::pair<std::string, std::string>> params{{"objective", "binary:logistic"}};
  int rounds = 10;
  /// "ubj" (UBJSON, XGBoost's compact format) or "json".
  std::string format = "ubj";
};

/// Trains a booster on `x` (rows are observations; NaN = missing) and the
/// labels `y`, with `feature_names` stored in the model (so xgboost_model
/// checks them against the pipeline), and returns the saved model's bytes.
/// Throws argument_error (mlguard.argument.size_mismatch) when the sizes
/// disagree, serving_error (mlguard.serving.model_failed) with XGBoost's
/// message when it refuses a parameter or the data.
template <class = void> // deferred: see core/json.hpp
std::string train_booster(const Eigen::Ref<const Eigen::MatrixXd>& x,
                          const Eigen::Ref<const Eigen::VectorXd>& y,
                          const std::vector<std::string>& feature_names,
                          const train_options& options = {}) {
  if (y.size() != x.rows() || feature_names.size() != static_cast<std::size_t>(x.cols())) {
    throw argument_error("size_mismatch", "train_booster: " + std::to_string(x.rows()) + " rows, " +
                                              std::to_string(y.size()) + " labels, " +
                                              std::to_string(x.cols()) + " columns and " +
                                              std::to_string(feature_names.size()) + " names");
  }
  const auto check = [](int rc, const char* what) {
    if (rc != 0) {
      throw serving_error("model_failed",
                          std::string("train_booster: ") + what + ": " + detail::last_error());
    }
  };
  using row_major = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const row_major rows = x;
  void* dmatrix = nullptr;
  check(XGDMatrixCreateFromDense(detail::dense_interface(rows.data(),
                                                         static_cast<std::size_t>(rows.rows()),
                                                         static_cast<std::size_t>(rows.cols()))
                                     .c_str(),
                                 "{\"missing\":NaN,\"nthread\":1}", &dmatrix),
        "building the DMatrix");
  const std::unique_ptr<void, detail::dmatrix_deleter> owned_dmatrix(dmatrix);
  const Eigen::VectorXf labels = y.cast<float>();
  check(
      XGDMatrixSetFloatInfo(dmatrix, "label", labels.data(), static_cast<bst_ulong>(labels.size())),
      "setting the labels");
  std::vector<const char*> names;
  for (const auto& n : feature_names) {
    names.push_back(n.c_str());
  }
  check(XGDMatrixSetStrFeatureInfo(dmatrix, "feature_name", names.data(),
                                   static_cast<bst_ulong>(names.size())),
        "setting the feature names");
  void* booster = nullptr;
  check(XGBoosterCreate(&dmatrix, 1, &booster), "creating the booster");
  const std::unique_ptr<void, detail::booster_deleter> owned_booster(booster);
  for (const auto& p : options.params) {
    check(XGBoosterSetParam(booster, p.first.c_str(), p.second.c_str()),
          ("parameter " + p.first).c_str());
  }
  for (int i = 0; i < options.rounds; ++i) {
    check(XGBoosterUpdateOneIter(booster, i, dmatrix), "boosting");
  }
  // The booster does not take the DMatrix's names by itself (Python's
  // xgboost.train sets them the same way).
  check(XGBoosterSetStrFeatureInfo(booster, "feature_name", names.data(),
                                   static_cast<bst_ulong>(names.size())),
        "storing the feature names");
  bst_ulong size = 0;
  const char* bytes = nullptr;
  const std::string config = "{\"format\":\"" + options.format + "\"}";
  check(XGBoosterSaveModelToBuffer(booster, config.c_str(), &size, &bytes), "saving the model");
  return std::string(bytes, static_cast<std::size_t>(size));
}

} // namespace mlguard::xgboost

#endif // MLGUARD_XGBOOST_TRAIN_HPP
