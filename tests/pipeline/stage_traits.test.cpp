#include "mlguard/pipeline/stage_traits.hpp"

#include "mlguard/pipeline/builtin_stages.hpp"
#include "mlguard/pipeline/clipper.hpp"
#include "mlguard/pipeline/column_selector.hpp"
#include "mlguard/pipeline/imputer.hpp"
#include "mlguard/pipeline/linear_regression.hpp"
#include "mlguard/pipeline/logistic_regression.hpp"
#include "mlguard/pipeline/min_max_scaler.hpp"
#include "mlguard/pipeline/one_hot_encoder.hpp"
#include "mlguard/pipeline/robust_scaler.hpp"
#include "mlguard/pipeline/standard_scaler.hpp"
#include "mlguard/pipeline/tap.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::pipeline;

namespace {
// A stage that is complete except for its batch transform.
struct no_batch {
  static constexpr std::string_view kind = "no_batch";
  void bind(const std::vector<std::string>&) {}
  std::size_t input_width() const { return 1; }
  std::size_t output_width() const { return 1; }
  const std::vector<std::string>& feature_names_in() const { return names; }
  std::vector<std::string> feature_names_out() const { return names; }
  row_status transform_row(const double*, double*) noexcept { return row_status::ok; }
  json to_json() const { return json::object(); }
  static no_batch from_json(const json_reader&, const std::vector<std::string>&) { return {}; }
  std::vector<std::string> names;
};
// The same with a batch transform, and a per-row path that may throw.
struct throwing_row : no_batch {
  void transform(const Eigen::Ref<const Eigen::MatrixXd>&, Eigen::Ref<Eigen::MatrixXd>,
                 span<row_status>) {}
  row_status transform_row(const double*, double*) { return row_status::ok; }
  static throwing_row from_json(const json_reader&, const std::vector<std::string>&) { return {}; }
};
struct complete : no_batch {
  void transform(const Eigen::Ref<const Eigen::MatrixXd>&, Eigen::Ref<Eigen::MatrixXd>,
                 span<row_status>) {}
  static complete from_json(const json_reader&, const std::vector<std::string>&) { return {}; }
};
} // namespace

TEST_CASE("stage traits detect each clause of the contract") {
  static_assert(is_stage_v<imputer>);
  static_assert(is_stage_v<standard_scaler>);
  static_assert(is_stage_v<min_max_scaler>);
  static_assert(is_stage_v<robust_scaler>);
  static_assert(is_stage_v<clipper>);
  static_assert(is_stage_v<one_hot_encoder>);
  static_assert(is_stage_v<column_selector>);
  static_assert(is_stage_v<linear_regression>);
  static_assert(is_stage_v<logistic_regression>);
  static_assert(is_stage_v<callback_tap>);
  static_assert(is_stage_v<complete>);
  static_assert(!is_stage_v<no_batch>);
  static_assert(!has_transform_v<no_batch>);
  static_assert(has_transform_v<throwing_row>);
  static_assert(!has_transform_row_v<throwing_row>);
  static_assert(!is_stage_v<throwing_row>);
  static_assert(has_fit_v<imputer>);
  static_assert(!has_supervised_fit_v<imputer>);
  static_assert(has_supervised_fit_v<logistic_regression>);
  static_assert(!has_fit_v<column_selector>);
  CHECK(to_string(row_status::rejected) == std::string("rejected"));
  CHECK(worst(row_status::flagged, row_status::ok) == row_status::flagged);
  CHECK(stops(row_status::invalid_input));
  CHECK_FALSE(stops(row_status::flagged));
}
