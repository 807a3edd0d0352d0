#include "mlguard/pipeline/one_hot_encoder.hpp"

#include <vector>

#include "pipeline/pipeline_fixtures.hpp"

using namespace mlguard;
using namespace mlguard::test;
using namespace mlguard::pipeline;

TEST_CASE("one_hot_encoder: in-place blocks, unseen bucket, missing as zeros") {
  Eigen::MatrixXd X(4, 3);
  X << 1.5, 2, 0, //
      2.5, 1, 1,  //
      3.5, 2, 0,  //
      4.5, 3, NAN;
  one_hot_encoder e({"pay", "flag"});
  e.bind({"fare", "pay", "flag"});
  e.fit(X);
  CHECK(e.categories(0) == std::vector<double>{1, 2, 3});
  CHECK(e.output_width() == 1 + 4 + 3);
  CHECK(e.feature_names_out() == std::vector<std::string>{"fare", "pay=1", "pay=2", "pay=3",
                                                          "pay=unseen", "flag=0", "flag=1",
                                                          "flag=unseen"});
  Eigen::MatrixXd Y(2, 3);
  Y << 9.0, 7, NAN, // 7 unseen, NaN missing
      8.0, 1, 1;
  Eigen::MatrixXd out(2, 8);
  std::vector<row_status> status(2);
  e.transform(Y, out, span<row_status>(status));
  Eigen::MatrixXd expected(2, 8);
  expected << 9.0, 0, 0, 0, 1, 0, 0, 0, //
      8.0, 1, 0, 0, 0, 0, 1, 0;
  CHECK(bit_identical(out, expected));
  for (Eigen::Index i = 0; i < 2; ++i) {
    const Eigen::RowVectorXd in = Y.row(i);
    Eigen::RowVectorXd row(8);
    e.transform_row(in.data(), row.data());
    CHECK(bit_identical(row, expected.row(i)));
  }
}

TEST_CASE("one_hot_encoder without the unseen bucket is sklearn's handle_unknown='ignore'") {
  one_hot_encoder e({"c"}, false);
  e.bind({"c"});
  Eigen::MatrixXd X(2, 1);
  X << 0, 1;
  e.fit(X);
  CHECK(e.output_width() == 2);
  double in = 5;
  double out[2] = {7, 7};
  e.transform_row(&in, out);
  CHECK(out[0] == 0);
  CHECK(out[1] == 0);
  const json e_doc = e.to_json();
  const auto copy = one_hot_encoder::from_json(e_doc, {"c"});
  CHECK(copy.to_json() == e.to_json());
  json bad = e.to_json();
  bad["categories"] = {{1.0, 0.0}};
  MLGUARD_CHECK_THROWS_ID(one_hot_encoder::from_json(bad, {"c"}), "mlguard.format.corrupt");
  bad["categories"] = json::array();
  MLGUARD_CHECK_THROWS_ID(one_hot_encoder::from_json(bad, {"c"}),
                          "mlguard.pipeline.width_mismatch");
  one_hot_encoder missing({"nope"});
  MLGUARD_CHECK_THROWS_ID(missing.bind({"c"}), "mlguard.pipeline.unknown_feature");
}
