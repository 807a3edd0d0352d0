// `mlguard bundle`: serving bundles as directories of files.
//
//   create --pipeline P.json --data TRAIN.csv --out DIR [--smoke-rows N] [--meta k=v ...]
//          [--code-version TEXT] [--fit-option k=v ...]
//   verify DIR [--digest sha256:...]
//   show DIR
//
// create derives the schema, profiles, layout and smoke rows from the fitted pipeline
// and its training CSV (serving::make_bundle) and prints the bundle's digest; verify
// re-hashes every member (exit 1 when the bundle is damaged or its digest is not the
// one given); show prints what a bundle holds and how it was made (its lineage: the
// training data's fingerprint, the mlguard and code versions, the fit options). `mlguard registry
// publish` publishes one.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <mlguard/core/digest.hpp>
#include <mlguard/core/json.hpp>
#include <mlguard/io/csv.hpp>
#include <mlguard/pipeline/dynamic_pipeline.hpp>
#include <mlguard/serving/make_bundle.hpp>
#include <mlguard/serving/model_bundle.hpp>

#include "command.hpp"
#include "output.hpp"
#include "text_table.hpp"

namespace mlguard::cli {
namespace {

struct bundle_args {
  std::string pipeline;
  std::string data;
  std::string dir;
  std::string digest;
  std::size_t smoke_rows = 5;
  std::vector<std::string> meta;
  std::string code_version;
  std::vector<std::string> fit_options;
  output_options out;
  io::csv_options csv;
};

json bundle_summary(const serving::loaded_bundle& b) {
  json doc = json::object();
  doc["digest"] = b.digest;
  json members = json::object();
  for (const auto& [name, bytes] : b.members) {
    members[name] = {{"bytes", bytes.size()}, {"sha256", content_digest(bytes)}};
  }
  doc["members"] = std::move(members);
  doc["layout"] = b.bundle.layout.to_json()["features"];
  doc["model"] = {{"kind", b.bundle.model.kind}, {"member", b.bundle.model.member}};
  // A pipeline model's outputs are the pipeline's; another model's are the
  // columns of the predictions profile make_bundle wrote for it.
  if (b.bundle.model.kind == "pipeline") {
    doc["outputs"] = b.bundle.pipeline.value("output_features", json::array());
  } else {
    json outputs = json::array();
    for (const auto& name : b.bundle.predictions.columns()) {
      outputs.push_back(name);
    }
    doc["outputs"] = std::move(outputs);
  }
  doc["smoke_rows"] = b.bundle.smoke.size();
  doc["metadata"] = b.bundle.metadata;
  const auto& l = b.bundle.lineage;
  if (l.empty()) {
    doc["lineage"] = nullptr; // made before bundles recorded it
  } else {
    json stages = json::array();
    for (const auto& s : b.bundle.pipeline.value("stages", json::array())) {
      stages.push_back(s.value("kind", std::string()));
    }
    doc["lineage"] = {
        {"data_fingerprint", l.data_fingerprint}, {"data_rows", l.data_rows},
        {"mlguard_version", l.mlguard_version},   {"code_version", l.code_version},
        {"fit_options", l.fit_options},           {"pipeline_stages", std::move(stages)}};
  }
  doc["explains"] = !b.bundle.background.empty();
  return doc;
}

std::string bundle_summary_text(const serving::loaded_bundle& b) {
  std::string out = "bundle " + b.digest + "\n\n";
  text_table members({"member", "bytes", "sha256"});
  for (const auto& [name, bytes] : b.members) {
    members.add({name, std::to_string(bytes.size()), content_digest(bytes).substr(7, 16) + "…"});
  }
  out += members.str() + "\n";
  text_table features({"#", "feature", "kind"});
  for (std::size_t i = 0; i < b.bundle.layout.size(); ++i) {
    features.add(
        {std::to_string(i), b.bundle.layout[i].name, validate::to_string(b.bundle.layout[i].kind)});
  }
  out += features.str() + "\n";
  out += "model: " + b.bundle.model.kind +
         (b.bundle.model.member.empty() ? "" : " (" + b.bundle.model.member + ")") + "\n";
  out += std::to_string(b.bundle.smoke.size()) + " smoke rows; metadata " +
         dump_json(b.bundle.metadata) + "\n";
  const auto& l = b.bundle.lineage;
  if (l.empty()) {
    out += "lineage: not recorded (a bundle made before mlguard recorded lineage)\n";
  } else {
    std::string stages;
    for (const auto& s : b.bundle.pipeline.value("stages", json::array())) {
      stages += (stages.empty() ? "" : " -> ") + s.value("kind", std::string());
    }
    out += "\n";
    text_table lineage({"how it was made", ""});
    lineage.add(
        {"training data", l.data_fingerprint + " (" + std::to_string(l.data_rows) + " rows)"});
    lineage.add({"mlguard", l.mlguard_version});
    lineage.add({"code version", l.code_version.empty() ? "-" : l.code_version});
    lineage.add({"fit options", dump_json(l.fit_options)});
    lineage.add({"pipeline", stages});
    out += lineage.str();
  }
  out += std::string("explanations: ") +
         (b.bundle.background.empty() ? "none" : "linear contributions (background stored)") + "\n";
  return out;
}

} // namespace

void add_bundle_command(CLI::App& app, int& status) {
  auto args = std::make_shared<bundle_args>();
  auto* bundle = app.add_subcommand("bundle", "Create, verify and show serving bundles");
  add_output_options(bundle, args->out);
  bundle->require_subcommand(1);
  bundle->fallthrough();

  auto* create = bundle->add_subcommand("create", "Make a bundle from a fitted pipeline");
  create->add_option("--pipeline", args->pipeline, "Fitted pipeline document (JSON)")->required();
  create->add_option("--data", args->data, "Training CSV (the pipeline's input columns)")
      ->required();
  create->add_option("--out", args->dir, "Directory to write the bundle into")->required();
  create->add_option("--smoke-rows", args->smoke_rows, "Training rows kept as smoke rows")
      ->capture_default_str();
  create->add_option("--meta", args->meta, "Metadata KEY=VALUE (repeatable)");
  create->add_option("--code-version", args->code_version,
                     "The code version recorded in the lineage (e.g. a git commit)");
  create->add_option("--fit-option", args->fit_options,
                     "How the pipeline was fitted, KEY=VALUE, recorded in the lineage "
                     "(repeatable)");
  add_csv_options(create, args->csv);
  create->callback([args, &status] {
    const auto fitted = pipeline::dynamic_pipeline::load(args->pipeline);
    serving::bundle_options options;
    options.smoke_rows = args->smoke_rows;
    for (const auto& kv : args->meta) {
      const auto eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) {
        throw argument_error("invalid_option", "--meta wants KEY=VALUE, got '" + kv + "'");
      }
      options.metadata[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    for (const auto& kv : args->fit_options) {
      const auto eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) {
        throw argument_error("invalid_option", "--fit-option wants KEY=VALUE, got '" + kv + "'");
      }
      options.fit_options[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    options.code_version = args->code_version;
    const auto b = serving::make_bundle(fitted, read_csv_input(args->data, args->csv), options);
    serving::save_bundle(args->dir, b);
    const auto loaded = serving::load_bundle(args->dir);
    emit(args->out, bundle_summary(loaded), [&] { return bundle_summary_text(loaded); });
    status = exit_ok;
  });

  auto* verify = bundle->add_subcommand("verify", "Re-hash and check every member of a bundle");
  verify->add_option("DIR", args->dir, "Bundle directory")->required();
  verify->add_option("--digest", args->digest, "The digest the bundle must have");
  verify->callback([args, &status] {
    json doc = json::object();
    std::string text;
    try {
      const auto b = serving::load_bundle(args->dir);
      const bool match = args->digest.empty() || args->digest == b.digest;
      doc = {{"ok", match}, {"digest", b.digest}};
      text = match ? "ok " + b.digest
                   : "digest mismatch: the bundle is " + b.digest + ", expected " + args->digest;
      status = match ? exit_ok : exit_findings;
    } catch (const serving_error& e) {
      doc = {{"ok", false}, {"error", e.id()}, {"message", std::string(e.message())}};
      text = std::string("damaged: ") + e.what();
      status = exit_findings;
    }
    emit(args->out, doc, [&] { return text; });
  });

  auto* show = bundle->add_subcommand("show", "Print what a bundle holds");
  show->add_option("DIR", args->dir, "Bundle directory")->required();
  show->callback([args, &status] {
    const auto b = serving::load_bundle(args->dir);
    emit(args->out, bundle_summary(b), [&] { return bundle_summary_text(b); });
    status = exit_ok;
  });
}

} // namespace mlguard::cli
