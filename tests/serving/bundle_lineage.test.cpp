// Reproducibility and lineage (issue 17, section 5): fitting twice gives the
// same bits; a bundle records how it was made; bundles made before lineage
// existed still load with their digests.
#include "mlguard/serving/make_bundle.hpp"

#include <string>
#include <vector>

#include "mlguard/core/version.hpp"
#include "mlguard/pipeline/clipper.hpp"
#include "mlguard/pipeline/fingerprint.hpp"
#include "mlguard/pipeline/min_max_scaler.hpp"
#include "mlguard/pipeline/one_hot_encoder.hpp"
#include "mlguard/pipeline/robust_scaler.hpp"
#include "mlguard/registry/in_memory_registry.hpp"
#include "mlguard/serving/artifact_store.hpp"
#include "mlguard/serving/guarded_model.hpp"
#include "mlguard/serving/model_bundle.hpp"
#include "mlguard/serving/publish.hpp"
#include "serving/serving_support.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::serving;

namespace bundle_lineage_test {

using wide_pipeline =
    pipeline::static_pipeline<pipeline::imputer, pipeline::clipper, pipeline::robust_scaler,
                              pipeline::min_max_scaler, pipeline::one_hot_encoder,
                              pipeline::logistic_regression>;

// Every stage that learns something, fitted on the same rows.
wide_pipeline fit_wide(const Eigen::MatrixXd& X, const Eigen::VectorXd& y) {
  wide_pipeline p(pipeline::imputer(pipeline::impute_strategy::median, {"fare"}),
                  pipeline::clipper({"distance"}, 0.01, 0.99), pipeline::robust_scaler({"fare"}),
                  pipeline::min_max_scaler({"distance"}), pipeline::one_hot_encoder({"zone"}),
                  pipeline::logistic_regression(0.5));
  p.fit(X, {"fare", "distance", "zone"}, y);
  return p;
}

Eigen::MatrixXd wide_rows(const table& t) {
  Eigen::MatrixXd X(static_cast<Eigen::Index>(t.rows()), 3);
  X << t.at("fare").vector(), t.at("distance").vector(), t.at("fare").vector();
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    X(i, 2) = static_cast<double>(static_cast<int>(X(i, 1) * 3) % 4); // a zone code
    if (i % 17 == 0) {
      X(i, 0) = std::nan(""); // something to impute
    }
  }
  return X;
}

} // namespace bundle_lineage_test

using namespace bundle_lineage_test;

TEST_CASE("fitting the same pipeline twice on the same data gives bit-identical documents and "
          "fingerprints") {
  Eigen::VectorXd y;
  const table t = test::tip_trips(5, 12.0, 1500, &y);
  const Eigen::MatrixXd X = wide_rows(t);
  const auto a = fit_wide(X, y);
  const auto b = fit_wide(X, y);
  CHECK(dump_json(a.to_json(), 1) == dump_json(b.to_json(), 1));
  CHECK(pipeline::fingerprint(a) == pipeline::fingerprint(b));
  CHECK(pipeline::data_fingerprint(X) == pipeline::data_fingerprint(Eigen::MatrixXd(X)));

  // The tip pipeline through make_bundle: the same bundle, to the digest.
  bundle_options options;
  options.code_version = "3f2c1ab";
  options.fit_options = {{"label", "tipped"}, {"C", 1.0}};
  const auto bundle_a = make_bundle(test::fitted_tips(), test::tip_trips(1, 12.0, 2000), options);
  const auto bundle_b = make_bundle(test::fitted_tips(), test::tip_trips(1, 12.0, 2000), options);
  CHECK(encode_bundle(bundle_a) == encode_bundle(bundle_b));
  CHECK(bundle_digest(encode_bundle(bundle_a)) == bundle_digest(encode_bundle(bundle_b)));

  // ... and a different fit is a different document
  Eigen::VectorXd flipped = y;
  flipped[0] = 1.0 - flipped[0];
  CHECK(pipeline::fingerprint(fit_wide(X, flipped)) != pipeline::fingerprint(a));
}

TEST_CASE("a bundle's lineage records the data fingerprint, the versions and the fit options") {
  const table train = test::tip_trips(1, 12.0, 2000);
  bundle_options options;
  options.code_version = "3f2c1ab";
  options.fit_options = {{"label", "tipped"}, {"C", 1.0}, {"seed", 1}};
  const auto b = make_bundle(test::fitted_tips(), train, options);
  CHECK(b.lineage.data_fingerprint == table_fingerprint(train));
  CHECK(is_content_digest(b.lineage.data_fingerprint));
  CHECK(b.lineage.data_rows == 2000);
  CHECK(b.lineage.mlguard_version == std::string(version().string));
  CHECK(b.lineage.code_version == "3f2c1ab");
  CHECK(b.lineage.fit_options == options.fit_options);

  SUBCASE("it survives saving and loading") {
    test::temp_dir dir;
    save_bundle(dir.path, b);
    const auto loaded = load_bundle(dir.path);
    CHECK(loaded.members.count(member::lineage) == 1);
    CHECK(loaded.bundle.lineage.data_fingerprint == b.lineage.data_fingerprint);
    CHECK(loaded.bundle.lineage.fit_options == options.fit_options);
    CHECK(loaded.bundle.lineage.code_version == "3f2c1ab");
  }
  SUBCASE("the data fingerprint follows the data") {
    table other = test::tip_trips(1, 12.0, 2000);
    CHECK(table_fingerprint(other) == b.lineage.data_fingerprint);
    auto fares = other.at("fare").values();
    fares[1999] += 1e-9;
    table changed;
    changed.add(column::numeric("fare", fares));
    changed.add(column::numeric("distance", other.at("distance").values()));
    CHECK(table_fingerprint(changed) != b.lineage.data_fingerprint);
  }
  SUBCASE("publish hands it to the registry") {
    registry::in_memory_registry reg;
    memory_artifact_store store;
    const auto v = publish(reg, store, "tips", b);
    CHECK(v.lineage.data_fingerprint == b.lineage.data_fingerprint);
    CHECK(v.lineage.code_version == "3f2c1ab");
  }
  SUBCASE("fit options must be an object") {
    bundle_options bad;
    bad.fit_options = json::array();
    MLGUARD_CHECK_THROWS_ID(make_bundle(test::fitted_tips(), train, bad),
                            "mlguard.argument.invalid_option");
  }
}

TEST_CASE("a bundle written before lineage and backgrounds existed loads with its digest") {
  // tests/fixtures/bundles/tip_before_lineage: test::tip_bundle's make_bundle, saved by
  // mlguard at commit 04ec2a3 (before lineage.json and background.json).
  const auto loaded = load_bundle(test::fixture_path("bundles/tip_before_lineage"));
  CHECK(loaded.digest == "sha256:efa8229808cf00d8b7d00c76ebb5661836acf7aa87e78322d6a8b8973f0c65ea");
  CHECK(loaded.bundle.lineage.empty());
  CHECK(loaded.bundle.background.empty());
  const auto again = encode_bundle(loaded.bundle);
  CHECK(again == loaded.members); // re-encoded byte for byte: the digest stays
  CHECK(bundle_digest(again) == loaded.digest);
  guarded_model m(loaded.bundle, 1, test::small_model_options());
  const double row[2] = {18.0, 3.5};
  CHECK(m.predict(row).status == request_status::ok);
}
