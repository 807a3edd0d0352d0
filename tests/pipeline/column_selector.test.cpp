#include "mlguard/pipeline/column_selector.hpp"

#include <vector>

#include "pipeline/pipeline_fixtures.hpp"

using namespace mlguard;
using namespace mlguard::test;
using namespace mlguard::pipeline;

TEST_CASE("column_selector selects and reorders by name") {
  column_selector s({"c", "a", "c"});
  s.bind({"a", "b", "c"});
  CHECK(s.output_width() == 3);
  Eigen::MatrixXd X(2, 3);
  X << 1, 2, 3, 4, 5, 6;
  Eigen::MatrixXd out(2, 3);
  std::vector<row_status> status(2);
  s.transform(X, out, span<row_status>(status));
  Eigen::MatrixXd expected(2, 3);
  expected << 3, 1, 3, 6, 4, 6;
  CHECK(bit_identical(out, expected));
  double row[3] = {7, 8, 9};
  double o[3];
  s.transform_row(row, o);
  CHECK(o[0] == 9);
  CHECK(o[1] == 7);
  const json s_doc = s.to_json();
  const auto copy = column_selector::from_json(s_doc, {"a", "b", "c"});
  CHECK(copy.feature_names_out() == s.feature_names_out());
  MLGUARD_CHECK_THROWS_ID(s.bind({"a", "b"}), "mlguard.pipeline.unknown_feature");
  column_selector none;
  MLGUARD_CHECK_THROWS_ID(none.bind({"a"}), "mlguard.pipeline.invalid_option");
}
