// `mlguard score` end to end: the real executable on a registry, a published bundle and
// CSV files — the NYC taxi months (skipped without ../shared/data) and synthetic trips.
#include <sys/stat.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "mlguard/core/digest.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/core/table_ops.hpp"
#include "mlguard/io/csv.hpp"
#include "mlguard/pipeline/dynamic_pipeline.hpp"
#include "mlguard/pipeline/imputer.hpp"
#include "mlguard/pipeline/linear_regression.hpp"
#include "mlguard/pipeline/pipeline.hpp"
#include "mlguard/pipeline/standard_scaler.hpp"
#include "mlguard/registry/file_registry.hpp"
#include "mlguard/serving/make_bundle.hpp"
#include "serving/serving_support.hpp"
#include "test_support.hpp"
#ifdef MLGUARD_TEST_XGBOOST
#include "xgboost/xgboost_support.hpp"
#endif

using namespace mlguard;

namespace score_cli {

const std::vector<std::string> taxi_features{"fare_amount", "trip_distance", "passenger_count",
                                             "payment_type"};

std::string month(const std::string& data, int m) {
  char name[64];
  std::snprintf(name, sizeof name, "/nyc-taxi/yellow_tripdata_sample_2019-%02d.csv", m);
  return data + name;
}

/// A registry at dir/registry whose model `name` has version 1 at alias champion: the
/// bundle of `fitted` (saved as dir/pipeline.json) made by `mlguard bundle create` on
/// `train` and published by `mlguard registry publish`.
template <typename Pipeline>
std::string publish(const test::temp_dir& dir, const Pipeline& fitted, const std::string& train,
                    const std::string& name) {
  fitted.save(dir.file("pipeline.json"));
  const auto bundle = dir.file("bundle");
  const auto made = test::run_cli({"bundle", "create", "--pipeline", dir.file("pipeline.json"),
                                   "--data", train, "--out", bundle});
  REQUIRE_MESSAGE(made.exit_code == 0, made.err);
  const auto root = dir.file("registry");
  const auto published = test::run_cli({"registry", "--root", root, "publish", name, bundle});
  REQUIRE_MESSAGE(published.exit_code == 0, published.err);
  REQUIRE(test::run_cli({"registry", "--root", root, "alias", name, "champion", "1"}).exit_code ==
          0);
  return root;
}

/// tip_amount from the four request features, fitted on a month (a regression, so the
/// real file's tip_amount column is the label).
using taxi_pipeline = pipeline::static_pipeline<pipeline::imputer, pipeline::standard_scaler,
                                                pipeline::linear_regression>;

taxi_pipeline fit_taxi(const std::string& path) {
  const table t = io::read_csv(path);
  taxi_pipeline p;
  p.fit(to_matrix<Eigen::MatrixXd>(t, taxi_features), taxi_features, t.at("tip_amount").vector());
  return p;
}

/// The month at `path` with payment codes 1 (card) and 2 (cash) swapped: what an upstream
/// renumbering does to the model's input.
std::string swap_payment_codes(const std::string& path) {
  std::istringstream in(test::read_file(path));
  std::string out;
  std::string line;
  std::size_t field = std::string::npos;
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::size_t start = 0;
    for (std::size_t comma; (comma = line.find(',', start)) != std::string::npos;
         start = comma + 1) {
      fields.push_back(line.substr(start, comma - start));
    }
    fields.push_back(line.substr(start));
    if (field == std::string::npos) {
      for (std::size_t i = 0; i < fields.size(); ++i) {
        field = fields[i] == "payment_type" ? i : field;
      }
      REQUIRE(field != std::string::npos);
    } else if (fields[field] == "1" || fields[field] == "2") {
      fields[field] = fields[field] == "1" ? "2" : "1";
    }
    for (std::size_t i = 0; i < fields.size(); ++i) {
      out += (i == 0 ? "" : ",") + fields[i];
    }
    out += "\n";
  }
  return out;
}

std::uint64_t file_size(const std::string& path) {
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return static_cast<std::uint64_t>(st.st_size);
}

registry::run_record last_run(const std::string& root, const std::string& model) {
  registry::file_registry_options options;
  options.create = false;
  const registry::file_registry reg(root, options);
  const auto runs = reg.runs(model);
  REQUIRE(!runs.empty());
  return runs.back();
}

/// The number of `value` cells in column `name` of `t` (a categorical column).
std::size_t count_of(const table& t, const std::string& name, const std::string& value) {
  const column& c = t.at(name);
  std::size_t n = 0;
  for (const auto code : c.codes()) {
    n += code >= 0 && c.vocab().name_of(code) == value ? 1 : 0;
  }
  return n;
}

/// The taxi model trained on January, published as taxi@champion in a registry of its
/// own: where the NYC taxi tests start. Null when ../shared/data is absent (the test
/// is skipped with a message).
struct taxi_champion {
  std::string data; // the shared data folder
  test::temp_dir dir;
  std::string jan;
  std::string root;
};

std::unique_ptr<taxi_champion> publish_taxi_champion() {
  const auto data = test::shared_data_dir();
  if (!data) {
    return nullptr;
  }
  auto t = std::make_unique<taxi_champion>();
  t->data = *data;
  t->jan = month(*data, 1);
  t->root = publish(t->dir, fit_taxi(t->jan), t->jan, "taxi");
  return t;
}

} // namespace score_cli

TEST_CASE("mlguard score on NYC taxi: February's predictions, report and run record, field by "
          "field") {
  using namespace score_cli;
  const auto taxi = publish_taxi_champion();
  if (!taxi) {
    return;
  }
  const auto& dir = taxi->dir;
  const auto& root = taxi->root;
  const auto feb = month(taxi->data, 2);
  const auto predictions = dir.file("feb.predictions.csv");
  const auto report_path = dir.file("feb.report.json");

  const auto r = test::run_cli({"score", "--registry", root, "--model", "models:/taxi@champion",
                                feb, "-o", predictions, "--report", report_path, "--labels",
                                "tip_amount", "--keep", "vendor_id", "--actor", "cron-test"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err << r.out);
  CHECK(r.err.empty());
  CHECK(r.out.find("models:/taxi@champion: taxi v1") != std::string::npos);
  CHECK(r.out.find("findings: none") != std::string::npos);
  CHECK(r.out.find("run 4 recorded as lineage of taxi v1 (exit 0)") != std::string::npos);

  // The predictions: every input row, in order, with its status, the version and the
  // output the pipeline computes for it, to the last bit (shortest round-trip text).
  const table feb_table = io::read_csv(feb);
  const table out = io::read_csv(predictions);
  REQUIRE(out.rows() == 10000);
  CHECK(out.names() ==
        std::vector<std::string>{"row", "status", "version", "prediction", "vendor_id"});
  const Eigen::VectorXd expected =
      pipeline::dynamic_pipeline::load(dir.file("pipeline.json"))
          .transform(to_matrix<Eigen::MatrixXd>(feb_table, taxi_features))
          .col(0);
  double squared = 0;
  double absolute = 0;
  for (std::size_t i = 0; i < out.rows(); ++i) {
    REQUIRE(out.at("row").values()[i] == static_cast<double>(i + 1));
    REQUIRE(out.at("version").values()[i] == 1.0);
    REQUIRE(out.at("prediction").values()[i] == expected[static_cast<Eigen::Index>(i)]);
    REQUIRE(out.at("vendor_id").values()[i] == feb_table.at("vendor_id").values()[i]);
    const double e =
        feb_table.at("tip_amount").values()[i] - expected[static_cast<Eigen::Index>(i)];
    squared += e * e;
    absolute += std::abs(e);
  }
  // January's schema flags February's trips with 0 passengers (January's minimum was 1);
  // the flag policy scores them.
  const std::size_t flagged = count_of(out, "status", "flagged");
  const std::size_t ok = count_of(out, "status", "ok");
  CHECK(ok + flagged == 10000);
  CHECK(flagged == 1579);
  // Nothing was rejected: the rejects file is its header.
  CHECK(test::read_file(dir.file("feb.predictions.rejects.csv")) ==
        "row,reasons,fare_amount,trip_distance,passenger_count,payment_type\n");

  // The report.
  const json report = load_json(report_path);
  CHECK(report["format"] == "mlguard.score_report");
  CHECK(report["format_version"] == 1);
  registry::file_registry_options ro;
  ro.create = false;
  const registry::file_registry reg(root, ro);
  const auto version = reg.get_version("taxi", 1);
  CHECK(report["model"]["uri"] == "models:/taxi@champion");
  CHECK(report["model"]["name"] == "taxi");
  CHECK(report["model"]["version"] == 1);
  CHECK(report["model"]["artifact_digest"] == version.artifact_digest);
  CHECK(report["model"]["kind"] == "pipeline");
  CHECK(report["model"]["outputs"] == json::array({"prediction"}));
  const std::string fingerprint = "sha256:" + sha256_file(feb);
  CHECK(report["input"]["path"] == feb);
  CHECK(report["input"]["fingerprint"] == fingerprint);
  CHECK(report["input"]["bytes"] == file_size(feb));
  CHECK(report["input"]["rows"] == 10000);
  CHECK(report["counts"]["rows"] == 10000);
  CHECK(report["counts"]["ok"] == ok);
  CHECK(report["counts"]["flagged"] == flagged);
  CHECK(report["counts"]["imputed"] == 0);
  CHECK(report["counts"]["rejected"] == 0);
  CHECK(report["counts"]["labelled"] == 10000);
  CHECK(report["rejected_share"] == 0.0);
  REQUIRE(report["anomalies"].size() == 1);
  CHECK(report["anomalies"][0] == json{{"feature", "passenger_count"},
                                       {"kind", "INT_TYPE_SMALL_INT"},
                                       {"policy", "flag"},
                                       {"rows", 1579}});
  const auto& inputs = report["drift"]["inputs"];
  CHECK(inputs["rows"] == 10000);
  CHECK(inputs["dataset_drift"] == false);
  CHECK(inputs["drift_share"] == 0.25); // any one of the four features
  REQUIRE(inputs["columns"].size() == 4);
  for (std::size_t i = 0; i < 4; ++i) {
    CAPTURE(i);
    CHECK(inputs["columns"][i]["name"] == taxi_features[i]);
    CHECK(inputs["columns"][i]["method"] == "psi");
    CHECK(inputs["columns"][i]["threshold"] == 0.1);
    CHECK(inputs["columns"][i]["drifted"] == false);
    CHECK(inputs["columns"][i]["statistic"].get<double>() < 0.01); // a quiet month
  }
  CHECK(report["drift"]["predictions"]["columns"][0]["name"] == "prediction");
  CHECK(report["drift"]["predictions"]["dataset_drift"] == false);
  const auto& perf = report["performance"];
  CHECK(perf["label"] == "tip_amount");
  CHECK(perf["task"] == "regression");
  CHECK(perf["rows"] == 10000);
  CHECK(perf["rmse"].get<double>() == doctest::Approx(std::sqrt(squared / 10000)).epsilon(1e-12));
  CHECK(perf["mae"].get<double>() == doctest::Approx(absolute / 10000).epsilon(1e-12));
  CHECK(perf.count("accuracy") == 0);
  CHECK(report["thresholds"] ==
        json{{"drift_share", 0.25}, {"drift_threshold", 0.1}, {"max_rejected", 0.01}});
  CHECK(report["findings"] == json::array());
  CHECK(report["outputs"]["predictions"] == predictions);
  CHECK(report["outputs"]["rejects"] == dir.file("feb.predictions.rejects.csv"));
  CHECK(report["outputs"]["report"] == report_path);
  CHECK(report["exit_code"] == 0);
  CHECK(report["timings"]["total"].get<double>() > 0);

  // The run record, read back through the library: one answer to "which model produced
  // this file, from which data?".
  const auto runs = reg.runs("taxi", 1);
  REQUIRE(runs.size() == 1);
  const auto& run = runs[0];
  CHECK(run.sequence == 4);
  CHECK(run.model == "taxi");
  CHECK(run.version == 1);
  CHECK(run.actor == "cron-test");
  CHECK(run.kind == "score");
  CHECK(run.model_uri == "models:/taxi@champion");
  CHECK(run.artifact_digest == version.artifact_digest);
  CHECK(run.input == feb);
  CHECK(run.input_fingerprint == fingerprint);
  CHECK(run.input_bytes == file_size(feb));
  CHECK(json(run.counts) == report["counts"]);
  CHECK(run.metrics.at("rejected_share") == 0.0);
  CHECK(run.metrics.at("drift_share") == 0.0);
  CHECK(run.metrics.at("rmse") == perf["rmse"].get<double>());
  CHECK(run.thresholds == registry::metric_map{{"drift_share", 0.25},
                                               {"drift_threshold", 0.1},
                                               {"max_rejected", 0.01}});
  CHECK(run.outputs == registry::string_map{{"predictions", predictions},
                                            {"rejects", dir.file("feb.predictions.rejects.csv")},
                                            {"report", report_path}});
  CHECK(run.exit_code == 0);
  CHECK(run.started_at <= run.finished_at);
  CHECK(run.finished_at <= run.recorded_at);
  for (const char* phase : {"read", "score", "write", "total"}) {
    CHECK(run.timings.count(phase) == 1);
  }
  CHECK(run.timings.at("total") >= run.timings.at("score"));
  CHECK(run.tags.empty());

  // And through the CLI: the runs of the version, and the audit journal's record_run.
  const auto listed =
      test::run_cli({"registry", "--root", root, "--format", "json", "runs", "taxi@champion"});
  REQUIRE_MESSAGE(listed.exit_code == 0, listed.err);
  const json runs_json = json::parse(listed.out);
  REQUIRE(runs_json.size() == 1);
  CHECK(runs_json[0] == json(run));
  const auto history = test::run_cli({"registry", "--root", root, "history", "taxi"});
  CHECK(history.out.find("record_run") != std::string::npos);
  CHECK(history.out.find("cron-test") != std::string::npos);
  const auto text = test::run_cli({"registry", "--root", root, "runs", "taxi"});
  CHECK(text.out.find(fingerprint.substr(0, 19)) != std::string::npos);

  // --format json prints the report with the run.
  const auto as_json = test::run_cli({"score", "--registry", root, "--model", "taxi@champion", feb,
                                      "-o", dir.file("again.csv"), "--format", "json"});
  REQUIRE_MESSAGE(as_json.exit_code == 0, as_json.err);
  const json doc = json::parse(as_json.out);
  CHECK(doc["format"] == "mlguard.score_report");
  CHECK(doc["run"]["sequence"] == 5);
  CHECK(doc["performance"].is_null());
  CHECK(test::read_file(dir.file("again.csv")).find("row,status,version,prediction\n1,") == 0);
}

TEST_CASE("mlguard score on NYC taxi: a month with payment codes renumbered drifts: exit 1, "
          "recorded") {
  using namespace score_cli;
  const auto taxi = publish_taxi_champion();
  if (!taxi) {
    return;
  }
  const auto& dir = taxi->dir;
  const auto& root = taxi->root;
  const auto swapped = dir.write("feb-swapped.csv", swap_payment_codes(month(taxi->data, 2)));

  const auto r = test::run_cli({"score", "--registry", root, "--model", "taxi@champion", swapped,
                                "-o", dir.file("p.csv"), "--report", dir.file("r.json")});
  CHECK(r.exit_code == 1);
  CHECK(r.err.empty());
  CHECK(r.out.find("drift: 1 of 4 features drifted (payment_type)") != std::string::npos);
  const json report = load_json(dir.file("r.json"));
  CHECK(report["exit_code"] == 1);
  CHECK(report["findings"] == json::array({"drift: 1 of 4 features drifted (payment_type)"}));
  CHECK(report["drift"]["inputs"]["dataset_drift"] == true);
  for (const auto& c : report["drift"]["inputs"]["columns"]) {
    CHECK(c["drifted"] == (c["name"] == "payment_type"));
  }
  CHECK(report["drift"]["inputs"]["columns"][3]["statistic"].get<double>() > 0.5);
  // The predictions are written all the same: exit 1 is a finding, not a failure.
  CHECK(io::read_csv(dir.file("p.csv")).rows() == 10000);
  const auto run = last_run(root, "taxi");
  CHECK(run.exit_code == 1);
  CHECK(run.counts.at("drifted_features") == 1);
  CHECK(run.input_fingerprint == "sha256:" + sha256_file(swapped));

  // Judged by share instead (half the features must drift), the month passes.
  const auto by_share = test::run_cli({"score", "--registry", root, "--model", "taxi@champion",
                                       swapped, "-o", dir.file("p.csv"), "--drift-share", "0.5"});
  CHECK(by_share.exit_code == 0);
  CHECK(last_run(root, "taxi").thresholds.at("drift_share") == 0.5);
  // The real February does not drift.
  CHECK(test::run_cli({"score", "--registry", root, "--model", "taxi@champion",
                       month(taxi->data, 2), "-o", dir.file("p.csv")})
            .exit_code == 0);
}

TEST_CASE("mlguard score on NYC taxi: a corrupt line, a missing column, a damaged bundle: exit 2 "
          "with the error id") {
  using namespace score_cli;
  const auto taxi = publish_taxi_champion();
  if (!taxi) {
    return;
  }
  const auto& dir = taxi->dir;
  const auto& root = taxi->root;
  const auto feb = month(taxi->data, 2);
  const auto predictions = dir.write("p.csv", "old predictions\n");
  auto score = [&](const std::string& input, std::vector<std::string> more = {}) {
    std::vector<std::string> args{"score",         "--registry", root, "--model",
                                  "taxi@champion", input,        "-o", predictions};
    args.insert(args.end(), more.begin(), more.end());
    return test::run_cli(args);
  };
  auto one_line = [](const test::process_result& r, const std::string& id) {
    CHECK(r.exit_code == 2);
    CHECK(test::count_lines(r.err) == 1);
    CHECK_MESSAGE(r.err.find("[" + id + "]") != std::string::npos, r.err);
  };
  const std::string text = test::read_file(feb);
  const auto lines = [&](std::size_t n) {
    std::size_t end = 0;
    for (std::size_t i = 0; i < n; ++i) {
      end = text.find('\n', end) + 1;
    }
    return text.substr(0, end);
  };

  SUBCASE("a corrupt line: the file and line") {
    const auto bad = dir.write("bad.csv", lines(6) + "1,2019-02-01 00:00:00,x,3\r\n" + lines(9));
    const auto r = score(bad);
    one_line(r, "mlguard.io.csv_ragged_row");
    CHECK(r.err.find(bad + ":7: 4 fields, the header has 18") != std::string::npos);
  }
  SUBCASE("a missing column: which, and the model's features") {
    // Drop the fare_amount column (the 11th) from every line.
    std::string dropped;
    std::istringstream again(lines(20));
    for (std::string line; std::getline(again, line);) {
      std::size_t start = 0;
      for (int i = 0; i < 10; ++i) {
        start = line.find(',', start) + 1;
      }
      const auto end = line.find(',', start);
      dropped += line.substr(0, start) + line.substr(end + 1) + "\n";
    }
    const auto r = score(dir.write("nofare.csv", dropped));
    one_line(r, "mlguard.argument.unknown_column");
    CHECK(r.err.find("lacks column 'fare_amount' of taxi v1 (its features: fare_amount, "
                     "trip_distance, passenger_count, payment_type)") != std::string::npos);
  }
  SUBCASE("text in a numeric column: the row and the cell") {
    std::string fare = lines(12);
    // The 5th data row's fare_amount becomes "N/A".
    std::size_t line_start = 0;
    for (int i = 0; i < 5; ++i) {
      line_start = fare.find('\n', line_start) + 1;
    }
    std::size_t start = line_start;
    for (int i = 0; i < 10; ++i) {
      start = fare.find(',', start) + 1;
    }
    fare.replace(start, fare.find(',', start) - start, "N/A");
    const auto text_csv = dir.write("text.csv", fare);
    const auto r = score(text_csv);
    one_line(r, "mlguard.io.csv_not_a_number");
    // The schema declares the column numeric: the cell's line (the 5th data row is line
    // 6) and column, whichever chunk it is in.
    CHECK_MESSAGE(r.err.find(text_csv + ":6:") != std::string::npos, r.err);
    CHECK(r.err.find("'N/A' in column 'fare_amount' is not a number, and the column is declared "
                     "numeric") != std::string::npos);
    const auto chunked = score(text_csv, {"--chunk-rows", "2"});
    one_line(chunked, "mlguard.io.csv_not_a_number");
    CHECK(chunked.err.find(text_csv + ":6:") != std::string::npos);
    // With --non-numbers missing the cell is a missing value, which the schema's
    // policy handles: the row is scored, and a note says where the text was.
    const auto missing =
        test::run_cli({"score", "--registry", root, "--model", "taxi@champion", text_csv, "-o",
                       dir.file("missing.csv"), "--non-numbers", "missing", "--no-record"});
    CHECK_MESSAGE(missing.exit_code != 2, missing.err);
    CHECK(missing.err.find("1 text cells read as missing, the first 'N/A' at line 6") !=
          std::string::npos);
  }
  SUBCASE("a bundle whose bytes changed: digest mismatch, and the failed run is recorded") {
    const auto bundles = std::filesystem::path(root) / "artifacts" / "bundles";
    std::filesystem::path stored;
    for (const auto& entry : std::filesystem::directory_iterator(bundles)) {
      stored = entry.path() / "schema.json";
    }
    std::filesystem::permissions(stored, std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::add);
    std::string bytes = test::read_file(stored.string());
    bytes[bytes.size() / 2] ^= 1;
    std::ofstream(stored, std::ios::binary | std::ios::trunc) << bytes;
    const auto r = score(feb);
    one_line(r, "mlguard.serving.digest_mismatch");
    CHECK(r.err.find("schema.json") != std::string::npos);
    const auto run = last_run(root, "taxi");
    CHECK(run.exit_code == 2);
    CHECK(run.tags.at("error") == "mlguard.serving.digest_mismatch");
    CHECK(run.input_fingerprint == "sha256:" + sha256_file(feb));
    CHECK(run.outputs.empty());
  }
  SUBCASE("an unknown model or alias, and options that need --labels") {
    one_line(test::run_cli(
                 {"score", "--registry", root, "--model", "taxi@nope", feb, "-o", predictions}),
             "mlguard.registry.not_found");
    one_line(test::run_cli({"score", "--registry", root, "--model", "models:/fraud/1", feb, "-o",
                            predictions}),
             "mlguard.registry.not_found");
    one_line(score(feb, {"--min-auc", "0.8"}), "mlguard.argument.invalid_option");
    const auto small = dir.write("small.csv", lines(5));
    one_line(test::run_cli(
                 {"score", "--registry", root, "--model", "taxi@champion", small, "-o", small}),
             "mlguard.argument.invalid_option");
    CHECK(test::read_file(small) == lines(5));
    one_line(score(feb, {"--report", predictions}), "mlguard.argument.invalid_option");
    one_line(score(feb, {"--labels", "no_such_column"}), "mlguard.argument.unknown_column");
    CHECK(test::run_cli({"score", "--registry", dir.file("nothing"), "--model", "taxi@champion",
                         feb, "-o", predictions})
              .exit_code == 2);
    CHECK(test::run_cli({"score", "--registry", root, feb, "-o", predictions}).exit_code == 2);
  }
  // A failed run leaves no half-written output and the old file as it was.
  CHECK(test::read_file(predictions) == "old predictions\n");
  for (const auto& entry : std::filesystem::directory_iterator(dir.path)) {
    CHECK(entry.path().filename().string().find(".tmp.") == std::string::npos);
  }
}

TEST_CASE("mlguard score: rejected rows go to the rejects file with their reasons, "
          "classification performance, exit 1 above the limits") {
  using namespace score_cli;
  const test::temp_dir dir;
  // The README's tips model, every feature under the reject policy.
  const auto bundle = test::tip_bundle(1, 12.0, validate::row_action::reject);
  serving::save_bundle(dir.file("bundle"), bundle);
  const auto root = dir.file("registry");
  REQUIRE(test::run_cli({"registry", "--root", root, "publish", "tips", dir.file("bundle")})
              .exit_code == 0);
  REQUIRE(test::run_cli({"registry", "--root", root, "alias", "tips", "champion", "1"}).exit_code ==
          0);

  Eigen::VectorXd tipped;
  const table trips = test::tip_trips(7, 12.0, 400, &tipped);
  std::string csv = "trip,fare,distance,tipped\n";
  char line[160];
  for (std::size_t i = 0; i < trips.rows(); ++i) {
    const double fare = i == 9 ? 1e6 : trips.at("fare").values()[i]; // out of the domain
    if (i == 20) {
      std::snprintf(line, sizeof line, "t%zu,,%.17g,%g\n", i, trips.at("distance").values()[i],
                    tipped[static_cast<Eigen::Index>(i)]); // fare missing
    } else {
      std::snprintf(line, sizeof line, "t%zu,%.17g,%.17g,%g\n", i, fare,
                    trips.at("distance").values()[i], tipped[static_cast<Eigen::Index>(i)]);
    }
    csv += line;
  }
  const auto input = dir.write("trips.csv", csv);
  const auto predictions = dir.file("out/p.csv");
  std::filesystem::create_directory(dir.file("out"));

  const auto r = test::run_cli({"score", "--registry", root, "--model", "tips@champion", input,
                                "-o", predictions, "--rejects", dir.file("out/bad.csv"), "--labels",
                                "tipped", "--keep", "trip", "--format", "json"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const json doc = json::parse(r.out);
  // The two rows made bad above, and one trip whose distance lies past the training
  // domain: 3 of 400, under the default 1%.
  CHECK(doc["counts"]["rejected"] == 3);
  CHECK(doc["rejected_share"] == 0.0075);
  const std::string rejects = test::read_file(dir.file("out/bad.csv"));
  CHECK(rejects.find("row,reasons,fare,distance\n") == 0);
  CHECK(rejects.find("\n10,fare: FLOAT_TYPE_BIG_FLOAT (reject),1e+06,") != std::string::npos);
  CHECK(rejects.find("\n21,fare: FEATURE_TYPE_LOW_FRACTION_PRESENT (reject),,") !=
        std::string::npos);
  CHECK(rejects.find("\n210,distance: FLOAT_TYPE_BIG_FLOAT (reject),") != std::string::npos);
  CHECK(test::count_lines(rejects) == 4);
  const table out = io::read_csv(predictions);
  CHECK(out.names() == std::vector<std::string>{"row", "status", "version", "probability", "trip"});
  CHECK(count_of(out, "status", "rejected") == 3);
  CHECK(std::isnan(out.at("probability").values()[9]));
  CHECK(out.at("trip").vocab().name_of(out.at("trip").codes()[9]) == "t9");

  // Classification: accuracy as the labels and the written probabilities say.
  std::size_t right = 0;
  std::size_t scored = 0;
  for (std::size_t i = 0; i < out.rows(); ++i) {
    const double p = out.at("probability").values()[i];
    if (!std::isnan(p)) {
      ++scored;
      right += (p > 0.5 ? 1.0 : 0.0) == tipped[static_cast<Eigen::Index>(i)] ? 1 : 0;
    }
  }
  const auto& perf = doc["performance"];
  CHECK(perf["task"] == "classification");
  CHECK(perf["rows"] == scored);
  CHECK(perf["accuracy"].get<double>() ==
        doctest::Approx(static_cast<double>(right) / static_cast<double>(scored)));
  CHECK(perf["auc"].get<double>() > 0.9);
  CHECK(doc["run"]["metrics"]["accuracy"] == perf["accuracy"]);

  // Limits: a rejected share above --max-rejected, an accuracy below --min-accuracy.
  const auto strict = test::run_cli({"score", "--registry", root, "--model", "tips@champion", input,
                                     "-o", predictions, "--labels", "tipped", "--max-rejected",
                                     "0.001", "--min-accuracy", "0.999", "--format", "json"});
  CHECK(strict.exit_code == 1);
  const json findings = json::parse(strict.out)["findings"];
  REQUIRE(findings.size() == 2);
  CHECK(findings[0].get<std::string>().rfind("rejected: 3 of 400 rows", 0) == 0);
  CHECK(findings[1].get<std::string>().rfind("accuracy: ", 0) == 0);
  const auto run = last_run(root, "tips");
  CHECK(run.exit_code == 1);
  CHECK(run.thresholds.at("max_rejected") == 0.001);
  CHECK(run.thresholds.at("min_accuracy") == 0.999);
  // The default rejects file lies beside -o.
  CHECK(run.outputs.at("rejects") == dir.file("out/p.rejects.csv"));
  CHECK(test::read_file(dir.file("out/p.rejects.csv")) == rejects);

  // A gzip copy of the input scores to the same predictions; standard input is
  // refused (the run record needs the input file's fingerprint).
  REQUIRE(test::run_cli({"score", "--registry", root, "--model", "tips@champion", input, "-o",
                         predictions, "--no-record"})
              .exit_code == 0);
  const std::string plain = test::read_file(predictions);
  REQUIRE(test::run_process({"/bin/sh", "-c", "gzip -c -n '" + input + "' > '" + input + ".gz'"})
              .exit_code == 0);
  const auto zipped = test::run_cli({"score", "--registry", root, "--model", "tips@champion",
                                     input + ".gz", "-o", predictions, "--no-record"});
  REQUIRE_MESSAGE(zipped.exit_code == 0, zipped.err);
  CHECK(test::read_file(predictions) == plain);
  const auto piped = test::run_cli(
      {"score", "--registry", root, "--model", "tips@champion", "-", "-o", predictions});
  CHECK(piped.exit_code == 2);
  CHECK(piped.err.find("not standard input") != std::string::npos);

  // --no-record writes the files and leaves the registry as it was.
  const auto before = registry::file_registry(root).get_model("tips").sequence;
  CHECK(test::run_cli({"score", "--registry", root, "--model", "tips@champion", input, "-o",
                       predictions, "--no-record"})
            .exit_code == 0);
  CHECK(registry::file_registry(root).get_model("tips").sequence == before);
}

#ifdef MLGUARD_TEST_XGBOOST
TEST_CASE("mlguard score: an XGBoost bundle scores as the booster does (the CLI registers the "
          "xgboost kind)") {
  using namespace score_cli;
  const test::temp_dir dir;
  const auto bundle = test::tip_xgboost_bundle(test::tip_booster());
  serving::save_bundle(dir.file("bundle"), bundle);
  const auto root = dir.file("registry");
  REQUIRE(test::run_cli({"registry", "--root", root, "publish", "tips", dir.file("bundle")})
              .exit_code == 0);
  const table trips = test::tip_trips(3, 12.0, 200);
  std::string csv = "fare,distance\n";
  char line[96];
  for (std::size_t i = 0; i < trips.rows(); ++i) {
    std::snprintf(line, sizeof line, "%.17g,%.17g\n", trips.at("fare").values()[i],
                  trips.at("distance").values()[i]);
    csv += line;
  }
  const auto r = test::run_cli({"score", "--registry", root, "--model", "tips/1",
                                dir.write("trips.csv", csv), "-o", dir.file("p.csv")});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(r.out.find("tips v1 (sha256:") != std::string::npos);
  CHECK(r.out.find(", xgboost)") != std::string::npos);
  serving::model_loaders loaders;
  loaders.add<xgboost::xgboost_model>();
  auto model = loaders.load(bundle, pipeline::builtin_stages());
  const table out = io::read_csv(dir.file("p.csv"));
  REQUIRE(out.rows() == 200);
  const auto& name = model.feature_names_out().at(0);
  for (std::size_t i = 0; i < out.rows(); ++i) {
    const double row[2] = {trips.at("fare").values()[i], trips.at("distance").values()[i]};
    double expected = 0;
    model.predict_row(row, &expected);
    REQUIRE(out.at(name).values()[i] == expected);
  }
  CHECK(last_run(root, "tips").model_uri == "models:/tips/1");
}
#endif
