// `mlguard score`: the hourly batch job, end to end.
//
//   mlguard score --registry DIR|URL --model models:/NAME@ALIAS INPUT.csv -o PREDICTIONS.csv
//       [--report REPORT.json] [--rejects REJECTS.csv] [--labels COLUMN] [--keep COLUMN ...]
//       [--max-rejected SHARE] [--method M] [--threshold T] [--drift-share S] [--bins N]
//       [--task auto|classification|regression] [--min-accuracy A] [--min-auc A]
//       [--max-rmse E] [--store DIR] [--actor NAME] [--no-record] [--format text|json]
//
// 1. Opens the version the URI names and its bundle, verified against the version's
//    digest (serving::open_bundle), and builds its guarded model (XGBoost boosters too
//    when the CLI is built with mlguard::xgboost).
// 2. Reads the input in chunks (open_input: only the columns it uses, with the schema's
//    kinds), validates every row by the schema's row policies and scores it
//    (guarded_model::predict_into), with a progress line on a terminal. Every row
//    goes to the predictions file with its row number, status, the version and the
//    model's outputs; rejected rows also go to the rejects file with their reasons.
// 3. Reports drift of the scored rows against the bundle's reference profile (and of the
//    predictions against its predictions profile): one monitor window over the whole
//    batch. With --labels, model performance (drift::performance_tracker).
// 4. Writes the report, prints a summary (text, or the report as JSON with --format json)
//    and appends a run record to the registry as lineage of the version
//    (model_registry::record_run): input fingerprint, bundle digest, counts, timings,
//    thresholds, outputs, exit code. Also when the job exits 1 or 2 (once the version is
//    known), unless --no-record.
//
// Exit status (command.hpp): 0 clean; 1 a finding above its threshold (a rejected share
// above --max-rejected, dataset drift of the inputs, a performance limit crossed); 2 an
// input or usage error (a missing column, a corrupt line, a bundle digest mismatch, an
// unknown model), one line on stderr with the error id.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <mlguard/core/clock.hpp>
#include <mlguard/core/digest.hpp>
#include <mlguard/core/iso8601.hpp>
#include <mlguard/core/json.hpp>
#include <mlguard/drift/performance_tracker.hpp>
#include <mlguard/io/csv.hpp>
#include <mlguard/registry/file_registry.hpp>
#include <mlguard/serving/artifact_store.hpp>
#include <mlguard/serving/detail/layout_rows.hpp>
#include <mlguard/serving/guarded_model.hpp>
#include <mlguard/serving/publish.hpp>
#ifdef MLGUARD_CLI_XGBOOST
#include <mlguard/xgboost/xgboost_model.hpp>
#endif

#include "command.hpp"
#include "mlguard/registry/names.hpp"
#include "output.hpp"
#include "registry_location.hpp"
#include "text_table.hpp"

namespace mlguard::cli {
namespace {

/// The score report's document format.
constexpr document_format score_report_format{"mlguard.score_report", 1};

struct score_args {
  std::string registry;
  std::string store;
  std::string model;
  std::string input;
  std::string predictions;
  std::string rejects;
  std::string report;
  std::string labels;
  std::vector<std::string> keep;
  std::string task = "auto";
  std::string method = "psi";
  std::optional<double> threshold;
  std::size_t bins = 10;
  std::optional<double> drift_share; ///< unset: 1 / features, any drifted feature
  double max_rejected = 0.01;
  std::optional<double> min_accuracy;
  std::optional<double> min_auc;
  std::optional<double> max_rmse;
  std::string actor;
  bool no_record = false;
  std::string format = "text";
  io::csv_options csv;
};

/// Opens the batch to score (plain or gzip-compressed: open_csv) for reading in chunks,
/// keeping only the columns the job uses, with the kinds the model's schema gives them:
/// a stray text cell in a numeric feature is then an error naming its line and column
/// (mlguard.io.csv_not_a_number), or a missing value with --non-numbers missing. Not
/// standard input: the run record needs the input file's fingerprint. Throws
/// argument_error (mlguard.argument.unknown_column) naming the columns the input lacks,
/// and open_csv's errors.
io::csv_reader open_input(const score_args& args, const serving::model_bundle& b,
                          const std::string& model_name) {
  auto reader = open_csv(args.input, args.csv);
  const auto& header = reader.header();
  const auto has = [&](const std::string& name) {
    return std::find(header.begin(), header.end(), name) != header.end();
  };
  std::string missing;
  for (const auto& f : b.layout) {
    if (!has(f.name)) {
      missing.append(missing.empty() ? "'" : ", '").append(f.name).append("'");
    }
  }
  if (!missing.empty()) {
    std::string layout;
    for (const auto& f : b.layout) {
      layout.append(layout.empty() ? "" : ", ").append(f.name);
    }
    throw argument_error("unknown_column", args.input + " lacks column " + missing + " of " +
                                               model_name + " (its features: " + layout + ")");
  }
  for (const auto& name : args.keep) {
    if (!has(name)) {
      throw argument_error("unknown_column", args.input + " has no column '" + name + "' (--keep)");
    }
  }
  if (!args.labels.empty() && !has(args.labels)) {
    throw argument_error("unknown_column",
                         args.input + " has no label column '" + args.labels + "' (--labels)");
  }
  std::vector<std::string> used;
  const auto features = b.layout.names();
  for (const auto* names : {&features, &args.keep}) {
    for (const auto& name : *names) {
      if (std::find(used.begin(), used.end(), name) == used.end()) {
        used.push_back(name);
      }
    }
  }
  if (!args.labels.empty() && std::find(used.begin(), used.end(), args.labels) == used.end()) {
    used.push_back(args.labels);
  }
  reader.select(used);
  for (const auto& f : b.layout) {
    reader.set_kind(f.name, f.kind == validate::feature_kind::categorical ? column_kind::categorical
                                                                          : column_kind::numeric);
  }
  if (!args.labels.empty() &&
      std::find(features.begin(), features.end(), args.labels) == features.end()) {
    reader.set_kind(args.labels, column_kind::numeric);
  }
  return reader;
}

/// `path` made absolute (against the working directory) and normalised, so that the run
/// record names the same file wherever it is read.
std::string absolute_path(const std::string& path) {
  std::error_code ignored;
  const auto p = std::filesystem::absolute(path, ignored);
  return p.empty() ? path : p.lexically_normal().string();
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

/// A CSV file written row by row into a temporary file beside `path`, and renamed onto
/// it by commit(): a reader never sees half a file, and a failed run leaves the old one.
class csv_output {
public:
  explicit csv_output(std::string path)
      : path_(std::move(path)), temp_(path_ + ".tmp." + std::to_string(::getpid())) {
    file_ = std::fopen(temp_.c_str(), "wb");
    if (file_ == nullptr) {
      mlguard::detail::throw_io("write_failed", "cannot create", temp_, errno);
    }
  }
  csv_output(const csv_output&) = delete;
  csv_output& operator=(const csv_output&) = delete;
  ~csv_output() {
    if (file_ != nullptr) {
      std::fclose(file_);
      std::remove(temp_.c_str());
    }
  }

  /// Appends one record, quoting a field that holds a comma, quote or line break (RFC 4180).
  void row(const std::vector<std::string>& fields) {
    for (const auto& f : fields) {
      field(f);
    }
    end_row();
  }

  /// Appends a field to the record being written (see row()).
  void field(std::string_view f) {
    if (!first_) {
      line_.push_back(',');
    }
    first_ = false;
    if (f.find_first_of(",\"\r\n") == std::string_view::npos) {
      line_.append(f);
      return;
    }
    line_.push_back('"');
    for (const char ch : f) {
      if (ch == '"') {
        line_.push_back('"');
      }
      line_.push_back(ch);
    }
    line_.push_back('"');
  }

  /// Appends a number field: the shortest text that reads back as the same double, empty
  /// for NaN (a missing value, as read_csv reads it).
  void number(double v) {
    char buffer[32];
    const auto r = std::isnan(v) ? std::to_chars_result{buffer, {}}
                                 : std::to_chars(buffer, buffer + sizeof buffer, v);
    field(std::string_view(buffer, static_cast<std::size_t>(r.ptr - buffer)));
  }

  /// Appends an unsigned integer field.
  void number(std::uint64_t v) {
    char buffer[24];
    const auto r = std::to_chars(buffer, buffer + sizeof buffer, v);
    field(std::string_view(buffer, static_cast<std::size_t>(r.ptr - buffer)));
  }

  /// Ends the record. Records are written in blocks, so a row costs no system call.
  void end_row() {
    line_.push_back('\n');
    first_ = true;
    if (line_.size() >= block_size) {
      write_out();
    }
  }

  /// Flushes, syncs and renames the file into place. Throws io_error (write_failed).
  void commit() {
    write_out();
    const bool ok = std::fflush(file_) == 0 && ::fsync(::fileno(file_)) == 0;
    const int err = errno;
    const bool closed = std::fclose(file_) == 0;
    file_ = nullptr;
    if (!ok || !closed) {
      std::remove(temp_.c_str());
      mlguard::detail::throw_io("write_failed", "cannot write", temp_, err);
    }
    if (std::rename(temp_.c_str(), path_.c_str()) != 0) {
      const int rename_err = errno;
      std::remove(temp_.c_str());
      mlguard::detail::throw_io("write_failed", "cannot rename a temporary file onto", path_,
                                rename_err);
    }
  }

private:
  static constexpr std::size_t block_size = 1 << 16;

  void write_out() {
    if (std::fwrite(line_.data(), 1, line_.size(), file_) != line_.size()) {
      mlguard::detail::throw_io("write_failed", "cannot write", temp_, errno);
    }
    line_.clear();
  }

  std::string path_;
  std::string temp_;
  std::FILE* file_ = nullptr;
  std::string line_; ///< records not written yet
  bool first_ = true;
};

/// Appends cell `row` of `c` to `out`'s record: the number, the category's name, empty
/// when missing.
void cell(csv_output& out, const column& c, std::size_t row) {
  if (c.is_numeric()) {
    out.number(c.values()[row]);
  } else {
    const auto code = c.codes()[row];
    out.field(code < 0 ? std::string_view() : std::string_view(c.vocab().name_of(code)));
  }
}

/// PREDICTIONS.rejects.csv beside PREDICTIONS.csv (or PREDICTIONS + ".rejects.csv").
std::string default_rejects_path(const std::string& predictions) {
  const std::string suffix = ".csv";
  if (predictions.size() > suffix.size() &&
      predictions.compare(predictions.size() - suffix.size(), suffix.size(), suffix) == 0) {
    return predictions.substr(0, predictions.size() - suffix.size()) + ".rejects.csv";
  }
  return predictions + ".rejects.csv";
}

/// Why a row was rejected: each anomalous feature with its anomalies and its policy, or
/// the model's refusal when validation passed it.
std::string reject_reasons(const serving::outcome& o, const serving::model_bundle& b) {
  if (o.malformed) {
    return "the row does not have one value per feature";
  }
  std::string out;
  for (std::uint32_t i = 0; i < o.listed; ++i) {
    const auto& a = o.anomalies[i];
    std::string kinds;
    for (std::size_t k = 0; k < validate::anomaly_kind_count; ++k) {
      const auto kind = static_cast<validate::anomaly_kind>(k);
      if (a.kinds.has(kind)) {
        kinds.append(kinds.empty() ? "" : " ").append(validate::to_string(kind));
      }
    }
    out.append(out.empty() ? "" : "; ")
        .append(b.layout[a.feature].name)
        .append(": ")
        .append(kinds)
        .append(" (")
        .append(validate::to_string(b.schema.check(a.feature).action))
        .append(")");
  }
  if (o.anomalous_features > o.listed) {
    out += "; and " + std::to_string(o.anomalous_features - o.listed) + " more features";
  }
  if (out.empty()) {
    out = "the model cannot take the row (its pipeline stops it: a missing value with no "
          "imputer?)";
  }
  return out;
}

/// The task of --task auto: classification when every finite label is 0 or 1.
/// `binary_labels`: every finite label of the input is 0 or 1.
drift::model_task task_of(const std::string& task, bool binary_labels) {
  if (task == "classification") {
    return drift::model_task::binary_classification;
  }
  if (task == "regression") {
    return drift::model_task::regression;
  }
  return binary_labels ? drift::model_task::binary_classification : drift::model_task::regression;
}

json drift_json(const std::optional<drift::window_report>& w) {
  if (!w) {
    return nullptr;
  }
  json j = w->drift;
  j.erase("format");
  j.erase("format_version");
  j["rows"] = w->rows;
  return j;
}

std::string drift_line(const char* what, const std::optional<drift::window_report>& w) {
  if (!w) {
    return std::string(what) + ": no rows scored\n";
  }
  const auto& d = w->drift;
  char head[200];
  std::snprintf(head, sizeof head, "%s: %zu of %zu features drifted (share %.3g, limit %.3g)", what,
                d.drifted, d.evaluated, d.share_drifted, d.drift_share);
  std::string line = head;
  std::string names;
  for (const auto& c : d.columns) {
    if (c.drifted) {
      names.append(names.empty() ? "" : ", ")
          .append(c.name)
          .append(" ")
          .append(to_string(c.stat))
          .append(" ")
          .append(number_cell(c.statistic));
    }
  }
  if (!names.empty()) {
    line += ": " + names;
  }
  return line + (d.dataset_drift ? "  DRIFT\n" : "\n");
}

std::string default_actor() {
  for (const char* variable : {"USER", "LOGNAME"}) {
    if (const char* user = std::getenv(variable); user != nullptr && *user != '\0') {
      return user;
    }
  }
  return "mlguard-cli";
}

/// Everything one run learns, gathered for the report, the summary and the run record.
struct score_run {
  std::string uri;
  std::optional<registry::model_version> version;
  std::string model_kind;
  registry::run_record record;
  std::optional<drift::window_report> input_drift;
  std::optional<drift::window_report> prediction_drift;
  std::optional<drift::performance_report> performance;
  std::string task;
  std::string rejects_path; ///< as the user gave it (or its default beside -o)
  json report = json::object();
  std::vector<std::string> findings;
};

/// Scores the batch; fills `run` as it goes (so a failure still has what was known).
/// Returns the exit status.
int score(const score_args& args, registry::model_registry& models, score_run& run) {
  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  auto& rec = run.record;

  const std::string rejects_path =
      args.rejects.empty() ? default_rejects_path(args.predictions) : args.rejects;
  for (const auto& [a, b] : {std::pair<std::string, std::string>{args.predictions, args.input},
                             {rejects_path, args.input},
                             {args.report, args.input},
                             {rejects_path, args.predictions},
                             {args.report, args.predictions},
                             {args.report, rejects_path}}) {
    if (!a.empty() && absolute_path(a) == absolute_path(b)) {
      throw argument_error("invalid_option",
                           "mlguard score would write " + a + " over " + b +
                               "; give the predictions, rejects and report files their own names");
    }
  }

  if (args.input == "-") {
    throw argument_error("invalid_option",
                         "score reads a file, not standard input: the run record holds the "
                         "input file's SHA-256");
  }

  // 1. The version and its verified bundle.
  const auto store_owner = open_store(registry_location(args.registry), args.store);
  const serving::artifact_store& store = *store_owner;
  run.version = models.resolve(run.uri);
  rec.artifact_digest = run.version->artifact_digest;
  // The input's fingerprint first, so that a run that fails on the bundle still says
  // which data it was for.
  const auto t_read = clock::now();
  struct stat st;
  if (::stat(args.input.c_str(), &st) == 0) {
    rec.input_bytes = static_cast<std::uint64_t>(st.st_size);
  }
  rec.input_fingerprint = "sha256:" + sha256_file(args.input);
  const double fingerprint_seconds = seconds_since(t_read);
  const auto opened = serving::open_bundle(models, store, run.uri);
  const auto& v = opened.version;
  const std::string model_name = v.model + " v" + std::to_string(v.version);

  // 2. The guarded model: one lane, one monitor window over the whole batch (a window
  //    that never fills: flush() closes it at the end; binned methods keep counts, not
  //    rows, so its memory does not grow with the input).
  serving::guarded_options options;
  options.lanes = 1;
  const drift::method stat =
      drift::method_from_string(args.method == "js" ? "jensen_shannon" : args.method);
  options.inputs.stat = stat;
  options.inputs.threshold = args.threshold;
  options.inputs.bins = args.bins;
  // By default any drifted feature is dataset drift: share ≥ 1/F ⟺ at least one of F.
  const double drift_share =
      args.drift_share.value_or(1.0 / static_cast<double>(opened.bundle.layout.size()));
  options.inputs.drift_share = drift_share;
  options.inputs.window =
      drift::window_options::tumbling(std::numeric_limits<std::size_t>::max() / 4);
  options.predictions = options.inputs;
  options.predictions.drift_share = args.drift_share.value_or(
      1.0 /
      static_cast<double>(std::max<std::size_t>(1, opened.bundle.predictions.columns().size())));
  auto& input_drift = run.input_drift;
  auto& prediction_drift = run.prediction_drift;
  options.on_window = [&](const serving::version_window& w) {
    (w.stream == "inputs" ? input_drift : prediction_drift) = w.report;
  };
#ifdef MLGUARD_CLI_XGBOOST
  options.models.add<xgboost::xgboost_model>();
#endif
  serving::guarded_model model(opened.bundle, v.version, std::move(options));
  const auto& b = model.bundle();
  run.model_kind = b.model.kind;

  run.rejects_path = rejects_path;
  csv_output predictions(args.predictions);
  csv_output rejects(rejects_path);
  std::vector<std::string> header{"row", "status", "version"};
  for (const auto& name : model.output_names()) {
    header.push_back(name);
  }
  header.insert(header.end(), args.keep.begin(), args.keep.end());
  predictions.row(header);
  std::vector<std::string> reject_header{"row", "reasons"};
  for (const auto& f : b.layout) {
    reject_header.push_back(f.name);
  }
  rejects.row(reject_header);

  // 3. The rows, chunk by chunk (--chunk-rows): memory is a chunk and the monitors'
  //    counts, plus 16 bytes per labelled row with --labels (AUC needs every score).
  auto reader = open_input(args, b, model_name);
  progress_bar progress = progress_of(reader);
  std::vector<double> out(model.outputs());
  std::vector<double> scored;   // the first output of each labelled, scored row
  std::vector<double> labelled; // and its label
  bool binary_labels = true;
  const std::string version_text = std::to_string(v.version);
  double read_seconds = 0;
  double score_seconds = 0;
  std::uint64_t rows_seen = 0;
  table chunk;
  for (;;) {
    auto t = clock::now();
    if (!reader.next(chunk)) {
      break;
    }
    read_seconds += seconds_since(t);
    t = clock::now();
    const auto rows = serving::detail::layout_rows(b, chunk);
    const column* labels = args.labels.empty() ? nullptr : &chunk.at(args.labels);
    std::vector<const column*> kept;
    for (const auto& name : args.keep) {
      kept.push_back(&chunk.at(name));
    }
    for (std::size_t r = 0; r < chunk.rows(); ++r) {
      const std::uint64_t row_number = rows_seen + r + 1;
      const auto o = model.predict_into(
          span<const double>(rows.row(static_cast<Eigen::Index>(r)).data(), b.layout.size()),
          span<double>(out));
      predictions.number(row_number);
      predictions.field(serving::to_string(o.status));
      predictions.field(version_text);
      for (const double y : out) {
        predictions.number(y);
      }
      for (const column* c : kept) {
        cell(predictions, *c, r);
      }
      predictions.end_row();
      const double y = labels != nullptr ? labels->values()[r] : 0.0;
      binary_labels = binary_labels && (!std::isfinite(y) || y == 0.0 || y == 1.0);
      if (o.status == serving::request_status::rejected) {
        rejects.number(row_number);
        rejects.field(reject_reasons(o, b));
        for (const auto& f : b.layout) {
          cell(rejects, chunk.at(f.name), r);
        }
        rejects.end_row();
      } else if (labels != nullptr) {
        scored.push_back(out[0]);
        labelled.push_back(y);
      }
    }
    rows_seen += chunk.rows();
    score_seconds += seconds_since(t);
    progress.update(reader);
  }
  progress.finish();
  note_non_numbers(reader);
  rec.timings["read"] = fingerprint_seconds + read_seconds;
  if (rows_seen == 0) {
    throw validation_error("empty_data", args.input + ": no data rows to score");
  }
  const auto t_flush = clock::now();
  model.flush();

  // Performance over the whole batch: one window that never closes.
  drift::performance_options perf;
  perf.task = task_of(args.task, binary_labels && !args.labels.empty());
  perf.window = scored.size() + 1;
  perf.pending_capacity = 1;
  drift::performance_tracker tracker(perf);
  for (std::size_t i = 0; i < scored.size(); ++i) {
    tracker.observe(scored[i], labelled[i]);
  }
  std::vector<double>().swap(scored);
  std::vector<double>().swap(labelled);
  rec.timings["score"] = score_seconds + seconds_since(t_flush);

  // 4. Counts, findings.
  const auto counts = model.counts();
  rec.counts = {{"rows", rows_seen},           {"ok", counts.ok},
                {"flagged", counts.flagged},   {"imputed", counts.imputed},
                {"rejected", counts.rejected}, {"imputed_values", counts.imputed_values}};
  const double rejected_share =
      static_cast<double>(counts.rejected) / static_cast<double>(rows_seen);
  rec.metrics["rejected_share"] = rejected_share;
  rec.thresholds["max_rejected"] = args.max_rejected;
  rec.thresholds["drift_share"] = drift_share;
  rec.thresholds["drift_threshold"] = args.threshold.value_or(drift::default_threshold(stat));
  if (rejected_share > args.max_rejected) {
    char text[160];
    std::snprintf(text, sizeof text, "rejected: %llu of %llu rows (%.3g%%), above %.3g%%",
                  static_cast<unsigned long long>(counts.rejected),
                  static_cast<unsigned long long>(rows_seen), 100 * rejected_share,
                  100 * args.max_rejected);
    run.findings.push_back(text);
  }
  if (input_drift) {
    rec.metrics["drift_share"] = input_drift->drift.share_drifted;
    rec.counts["drifted_features"] = input_drift->drift.drifted;
    if (input_drift->drift.dataset_drift && input_drift->drift.drifted > 0) {
      std::string names;
      for (const auto& c : input_drift->drift.columns) {
        if (c.drifted) {
          names.append(names.empty() ? "" : ", ").append(c.name);
        }
      }
      run.findings.push_back("drift: " + std::to_string(input_drift->drift.drifted) + " of " +
                             std::to_string(input_drift->drift.evaluated) + " features drifted (" +
                             names + ")");
    }
  }
  if (prediction_drift) {
    rec.counts["drifted_outputs"] = prediction_drift->drift.drifted;
  }
  json performance = nullptr;
  if (!args.labels.empty()) {
    const auto p = tracker.current();
    run.performance = p;
    run.task = perf.task == drift::model_task::regression ? "regression" : "classification";
    rec.counts["labelled"] = p.rows;
    rec.counts["invalid_labels"] = tracker.invalid();
    performance = p;
    performance.erase("window");
    performance["label"] = args.labels;
    performance["task"] = run.task;
    performance["invalid_labels"] = tracker.invalid();
    auto judge = [&](const char* name, const std::optional<double>& value,
                     const std::optional<double>& limit, bool at_least) {
      if (value) {
        rec.metrics[name] = *value;
      }
      if (!limit) {
        return;
      }
      rec.thresholds[std::string(at_least ? "min_" : "max_") + name] = *limit;
      char text[160];
      if (!value) {
        std::snprintf(text, sizeof text, "%s: undefined on these labels (limit %.6g)", name,
                      *limit);
        run.findings.push_back(text);
      } else if (at_least ? *value < *limit : *value > *limit) {
        std::snprintf(text, sizeof text, "%s: %.6g, %s %.6g", name, *value,
                      at_least ? "below" : "above", *limit);
        run.findings.push_back(text);
      }
    };
    judge("accuracy", p.accuracy, args.min_accuracy, true);
    judge("auc", p.auc, args.min_auc, true);
    judge("rmse", p.rmse, args.max_rmse, false);
  }
  const int status = run.findings.empty() ? exit_ok : exit_findings;

  // 5. The report and the files.
  json anomalies = json::array();
  for (std::size_t f = 0; f < b.layout.size(); ++f) {
    for (std::size_t k = 0; k < validate::anomaly_kind_count; ++k) {
      const auto kind = static_cast<validate::anomaly_kind>(k);
      if (const auto n = model.anomaly_count(f, kind); n > 0) {
        anomalies.push_back({{"feature", b.layout[f].name},
                             {"kind", validate::to_string(kind)},
                             {"policy", validate::to_string(b.schema.check(f).action)},
                             {"rows", n}});
      }
    }
  }
  rec.outputs["predictions"] = absolute_path(args.predictions);
  rec.outputs["rejects"] = absolute_path(rejects_path);
  if (!args.report.empty()) {
    rec.outputs["report"] = absolute_path(args.report);
  }
  rec.exit_code = status;

  json& doc = run.report;
  doc = new_document(score_report_format);
  doc["model"] = {{"uri", run.uri},       {"name", v.model},
                  {"version", v.version}, {"artifact_digest", v.artifact_digest},
                  {"kind", b.model.kind}, {"outputs", model.output_names()}};
  doc["input"] = {{"path", rec.input},
                  {"fingerprint", rec.input_fingerprint},
                  {"bytes", rec.input_bytes},
                  {"rows", rows_seen}};
  doc["counts"] = rec.counts;
  doc["rejected_share"] = json_number(rejected_share);
  doc["anomalies"] = std::move(anomalies);
  doc["drift"] = {{"inputs", drift_json(input_drift)},
                  {"predictions", drift_json(prediction_drift)}};
  doc["performance"] = std::move(performance);
  doc["thresholds"] = registry::detail::metrics_to_json(rec.thresholds);
  doc["findings"] = run.findings;
  doc["outputs"] = rec.outputs;
  doc["exit_code"] = status;

  const auto t_write = clock::now();
  predictions.commit();
  rejects.commit();
  rec.timings["write"] = seconds_since(t_write);
  rec.timings["total"] = seconds_since(t0);
  doc["timings"] = registry::detail::metrics_to_json(rec.timings);
  if (!args.report.empty()) {
    save_json(args.report, doc);
  }
  return status;
}

std::string summary_text(const score_args& args, const score_run& run,
                         const std::optional<registry::run_record>& recorded) {
  const auto& rec = run.record;
  const auto& v = *run.version;
  std::string out = run.uri + ": " + v.model + " v" + std::to_string(v.version) + " (" +
                    v.artifact_digest.substr(0, 19) + "…, " + run.model_kind + ")\n";
  out += "input " + args.input + ": " + std::to_string(rec.counts.at("rows")) + " rows, " +
         std::to_string(rec.input_bytes) + " bytes, " + rec.input_fingerprint.substr(0, 19) + "…\n";
  char line[240];
  std::snprintf(line, sizeof line,
                "rows: %llu ok, %llu flagged, %llu imputed, %llu rejected (%.3g%%, limit %.3g%%)\n",
                static_cast<unsigned long long>(rec.counts.at("ok")),
                static_cast<unsigned long long>(rec.counts.at("flagged")),
                static_cast<unsigned long long>(rec.counts.at("imputed")),
                static_cast<unsigned long long>(rec.counts.at("rejected")),
                100 * rec.metrics.at("rejected_share"), 100 * args.max_rejected);
  out += line;
  out += drift_line("inputs drift", run.input_drift);
  out += drift_line("predictions drift", run.prediction_drift);
  if (run.performance) {
    const auto& p = *run.performance;
    out += "performance on '" + args.labels + "' (" + run.task + ", " + std::to_string(p.rows) +
           " labelled rows):";
    std::string metrics;
    for (const auto& [name, value] :
         {std::pair<const char*, std::optional<double>>{"accuracy", p.accuracy},
          {"auc", p.auc},
          {"log_loss", p.log_loss},
          {"mae", p.mae},
          {"rmse", p.rmse}}) {
      if (value) {
        metrics += std::string(metrics.empty() ? " " : ", ") + name + " " + number_cell(*value);
      }
    }
    out += (metrics.empty() ? std::string(" no metric defined") : metrics) + "\n";
  }
  std::snprintf(line, sizeof line, " in %.3g s\n", rec.timings.at("total"));
  out += "wrote " + args.predictions + ", " + run.rejects_path +
         (args.report.empty() ? std::string() : ", " + args.report) + line;
  if (run.findings.empty()) {
    out += "findings: none\n";
  } else {
    out += "findings:\n";
    for (const auto& f : run.findings) {
      out += "  " + f + "\n";
    }
  }
  if (recorded) {
    out += "run " + std::to_string(recorded->sequence) + " recorded as lineage of " + v.model +
           " v" + std::to_string(v.version) + " (exit " + std::to_string(recorded->exit_code) +
           ")\n";
  } else {
    out += "run not recorded (--no-record)\n";
  }
  return out;
}

} // namespace

void add_score_command(CLI::App& app, int& status) {
  auto args = std::make_shared<score_args>();
  args->actor = default_actor();
  auto* cmd = app.add_subcommand(
      "score", "Score a CSV file with a registered model: validate, predict, report drift, "
               "record the run in the registry");
  cmd->add_option("--registry,--root", args->registry,
                  "Registry: a directory, or a PostgreSQL URL postgresql://... (default "
                  "$MLGUARD_REGISTRY_URL)");
  cmd->add_option("--model", args->model,
                  "The version to run: models:/NAME@ALIAS, models:/NAME/VERSION, "
                  "models:/NAME/latest (or NAME@ALIAS ...)")
      ->required();
  cmd->add_option("INPUT", args->input, "CSV file to score")->required();
  cmd->add_option("-o,--output", args->predictions,
                  "Predictions CSV: row, status, version, the model's outputs")
      ->required();
  cmd->add_option("--rejects", args->rejects,
                  "Rejected rows with their reasons (default: beside -o, NAME.rejects.csv)");
  cmd->add_option("--report", args->report, "Write the JSON report (mlguard.score_report) here");
  cmd->add_option("--labels", args->labels, "Label column: report the model's performance");
  cmd->add_option("--keep", args->keep, "Copy this input column into the predictions (repeatable)");
  cmd->add_option("--store", args->store, "Artifact store directory (default REGISTRY/artifacts)");
  cmd->add_option("--max-rejected", args->max_rejected,
                  "Largest share of rejected rows that is not a finding")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--method", args->method,
                  "Drift method against the reference profile: psi|jensen_shannon|chi_square|"
                  "kl_divergence|hellinger|total_variation|l_infinity (also js)")
      ->capture_default_str();
  cmd->add_option("--threshold", args->threshold,
                  "Drift threshold (default: the method's, 0.1 for distances)");
  cmd->add_option("--bins", args->bins, "Quantile bins of the reference")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--drift-share", args->drift_share,
                  "Share of drifted input features that is a finding (default: any one)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--task", args->task,
                  "With --labels: classification (labels 0/1, the first output P(1)), "
                  "regression, or auto (classification when every label is 0 or 1)")
      ->check(CLI::IsMember({"auto", "classification", "regression"}))
      ->capture_default_str();
  cmd->add_option("--min-accuracy", args->min_accuracy,
                  "With --labels: a lower accuracy is a finding");
  cmd->add_option("--min-auc", args->min_auc, "With --labels: a lower AUC is a finding");
  cmd->add_option("--max-rmse", args->max_rmse, "With --labels: a higher RMSE is a finding");
  cmd->add_option("--actor", args->actor,
                  "Who ran the job (run record; default $USER, else mlguard-cli)");
  cmd->add_flag("--no-record", args->no_record,
                "Do not append the run record (a dry run, a registry you may only read)");
  cmd->add_option("--format", args->format, "Summary on stdout: text, or json (the report)")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  add_csv_options(cmd, args->csv);

  cmd->callback([args, &status] {
    if (args->labels.empty() && (args->min_accuracy || args->min_auc || args->max_rmse)) {
      throw argument_error("invalid_option",
                           "--min-accuracy, --min-auc and --max-rmse need --labels COLUMN");
    }
    score_run run;
    run.uri = args->model.rfind("models:/", 0) == 0 ? args->model : "models:/" + args->model;
    auto& rec = run.record;
    rec.kind = "score";
    rec.model_uri = run.uri;
    rec.input = absolute_path(args->input);
    rec.started_at = system_clock::instance().now();
    const auto models_owner = open_registry(registry_location(args->registry), false);
    registry::model_registry& models = *models_owner;
    const auto record = [&](int code) {
      rec.exit_code = code;
      rec.finished_at = system_clock::instance().now();
      const auto& v = *run.version;
      return models.record_run(
          v.model, v.version, rec,
          {args->actor, "mlguard score " + args->input + ": exit " + std::to_string(code)});
    };
    int code = exit_usage;
    try {
      code = score(*args, models, run);
    } catch (const mlguard::error& e) {
      // A failed run of a known version is lineage too: which hours failed, and why.
      if (run.version && !args->no_record) {
        rec.outputs.clear(); // nothing a failed run wrote is to be trusted
        rec.tags["error"] = std::string(e.id());
        const std::string message(e.message());
        if (message.size() <= 1000) {
          try {
            registry::validate_text("message", message);
            rec.tags["message"] = message;
          } catch (const registry_error&) { // a message quoting bytes that are not UTF-8
          }
        }
        try {
          record(exit_usage);
        } catch (const mlguard::error& x) {
          std::fprintf(stderr, "mlguard: warning: the failed run was not recorded: %s\n", x.what());
        }
      }
      throw;
    }
    std::optional<registry::run_record> recorded;
    if (!args->no_record) {
      recorded = record(code);
    }
    if (args->format == "json") {
      json doc = run.report;
      doc["run"] = recorded ? json(*recorded) : json(nullptr);
      write_text("", dump_json(doc, 2));
    } else {
      std::string text = summary_text(*args, run, recorded);
      text.pop_back();
      write_text("", std::move(text));
    }
    status = code;
  });
}

} // namespace mlguard::cli
