// `mlguard registry --registry DIR|URL <command>`: the registry from the terminal, a
// directory (file registry) or a PostgreSQL URL (registry_location.hpp; --root is the
// older name of --registry, and MLGUARD_REGISTRY_URL stands in for it).
//
//   create NAME [--description TEXT] [--tag k=v ...]
//   register NAME --artifact URI [--digest D] [--metric k=v ...] [--tag k=v ...]
//            [--param k=v ...] [--parent V] [--status pending|ready|failed]
//            [--client-token T]
//   list [NAME]
//   show NAME | NAME/VERSION | NAME@ALIAS | NAME/latest | models:/...
//   alias NAME ALIAS VERSION [--expect CURRENT|none] [--reason TEXT]
//   history NAME [--alias ALIAS] [--at ISO8601]
//   rollback NAME ALIAS [--reason TEXT]
//   publish NAME BUNDLE_DIR [--store DIR] [--description TEXT] [--reason TEXT]
//   runs NAME | NAME/VERSION | NAME@ALIAS | models:/...
//   migrate --from DIR --to URL [--store DIR]
//
// register --client-token makes the registration safe to retry: the same command run
// again (after a timeout, a crash, a full disk) prints the version the first run made
// instead of registering another.
//
// runs lists the run records of a version (or of every version of a model): what
// `mlguard score` recorded, input fingerprint, counts, exit code (model_registry::runs).
//
// publish verifies a bundle directory (`mlguard bundle create`), copies it into the
// artifact store (default ROOT/artifacts) and registers it as a new version whose
// artifact_digest is the bundle's digest (serving::publish). With a PostgreSQL registry the
// default store is the same database's.
//
// migrate copies every model of the file registry DIR, each with its whole journal
// (times, actors, reasons, documents: postgres_registry::import_model), and every bundle
// of its artifact store (default DIR/artifacts) into the PostgreSQL database URL. A model
// already there with the same journal is left as it is, so migrate can run again.
//
// Every command prints its result as text for people, or with --format json as the JSON
// of the registry's types; -o FILE writes it to a file (see output.hpp). Exit codes are
// command.hpp's: 3 is a lost compare-and-swap (alias --expect, rollback racing).
// --actor (default $USER, else "mlguard-cli") names who made the change in the audit journal.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <mlguard/core/iso8601.hpp>
#include <mlguard/core/json.hpp>
#include <mlguard/registry/file_registry.hpp>
#include <mlguard/serving/artifact_store.hpp>
#include <mlguard/serving/model_bundle.hpp>
#include <mlguard/serving/publish.hpp>

#include "command.hpp"
#include "output.hpp"
#include "registry_location.hpp"
#include "text_table.hpp"

namespace mlguard::cli {
namespace {

using namespace mlguard::registry;

struct registry_args {
  std::string location; // --registry (--root): a directory or a PostgreSQL URL
  std::string from;     // migrate --from
  std::string to;       // migrate --to
  std::string actor;
  std::string name;
  std::string alias;
  std::string target; // show's NAME[/VERSION|@ALIAS]
  std::string artifact;
  std::string digest;
  std::string description;
  std::string status = "ready";
  std::string client_token;
  std::vector<std::string> metrics;
  std::vector<std::string> tags;
  std::vector<std::string> params;
  std::optional<int> parent;
  int version = 0;
  std::string expect;
  std::string reason;
  std::string at;
  std::string bundle;
  std::string store;
  output_options out;
};

std::string or_dash(const std::string& s) { return s.empty() ? "-" : s; }
std::string or_dash(const std::optional<int>& v) { return v ? std::to_string(*v) : "-"; }

std::string join_map(const string_map& m) {
  std::string out;
  for (const auto& [k, v] : m) {
    out.append(out.empty() ? "" : ", ").append(k).append("=").append(v);
  }
  return or_dash(out);
}

std::string join_metrics(const metric_map& m) {
  std::string out;
  for (const auto& [k, v] : m) {
    char number[32];
    std::snprintf(number, sizeof number, "%.6g", v);
    out.append(out.empty() ? "" : ", ").append(k).append("=").append(number);
  }
  return or_dash(out);
}

std::string time_text(timestamp t) { return format_iso8601(t, iso8601_precision::seconds); }

std::string model_text(const registered_model& m) {
  std::string aliases;
  for (const auto& [a, v] : m.aliases) {
    aliases.append(aliases.empty() ? "" : ", ").append(a).append(" -> v").append(std::to_string(v));
  }
  text_table t({"model", m.name});
  t.add({"description", or_dash(m.description)});
  t.add({"tags", join_map(m.tags)});
  t.add({"latest version", std::to_string(m.latest_version)});
  t.add({"aliases", or_dash(aliases)});
  t.add({"created", time_text(m.created_at)});
  t.add({"updated", time_text(m.updated_at)});
  return t.str();
}

std::string version_text(const model_version& v) {
  std::string aliases;
  for (const auto& a : v.aliases) {
    aliases.append(aliases.empty() ? "" : ", ").append(a);
  }
  text_table t({"model", v.model});
  t.add({"version", std::to_string(v.version)});
  t.add({"status", to_string(v.status)});
  t.add({"artifact", or_dash(v.artifact_uri)});
  t.add({"digest", or_dash(v.artifact_digest)});
  t.add({"aliases", or_dash(aliases)});
  t.add({"metrics", join_metrics(v.metrics)});
  t.add({"tags", join_map(v.tags)});
  t.add({"params", join_map(v.params)});
  t.add({"description", or_dash(v.description)});
  t.add({"parent version", or_dash(v.lineage.parent_version)});
  t.add({"created", time_text(v.lineage.created_at) + " by " + or_dash(v.lineage.created_by)});
  return t.str();
}

std::string alias_text(const std::string& name, const std::string& alias, const alias_result& r) {
  std::string text = name + "@" + alias + ": " + to_string(r.outcome) + " (" + or_dash(r.previous) +
                     " -> " + or_dash(r.current) + ")";
  if (!r.reason.empty()) {
    text += ": " + r.reason;
  }
  return text;
}

std::pair<std::string, std::string> split_pair(const std::string& text, const char* option) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw argument_error("invalid_option",
                         std::string(option) + " expects KEY=VALUE, got '" + text + "'");
  }
  return {text.substr(0, eq), text.substr(eq + 1)};
}

string_map to_map(const std::vector<std::string>& pairs, const char* option) {
  string_map out;
  for (const auto& p : pairs) {
    out.insert(split_pair(p, option));
  }
  return out;
}

metric_map to_metrics(const std::vector<std::string>& pairs) {
  metric_map out;
  for (const auto& p : pairs) {
    const auto kv = split_pair(p, "--metric");
    char* end = nullptr;
    const double value = std::strtod(kv.second.c_str(), &end);
    if (kv.second.empty() || end == nullptr || *end != '\0') {
      throw argument_error("invalid_option",
                           "--metric " + kv.first + ": '" + kv.second + "' is not a number");
    }
    out[kv.first] = value;
  }
  return out;
}

std::unique_ptr<model_registry> open(const registry_args& args, bool create) {
  return open_registry(registry_location(args.location), create);
}

change_context context(const registry_args& args) { return {args.actor, args.reason}; }

json alias_json(const std::string& name, const std::string& alias, const alias_result& r) {
  json j = r;
  j["model"] = name;
  j["alias"] = alias;
  return j;
}

#ifdef MLGUARD_CLI_POSTGRES
/// `mlguard registry migrate`: every model of the file registry `from` with its whole
/// journal, then every bundle of its store, into the PostgreSQL database `to`.
int migrate_to_postgres(const std::string& from, const std::string& store_dir,
                        const std::string& to, const output_options& out) {
  file_registry_options fo;
  fo.create = false;
  const file_registry source(from, fo);
  postgres_registry_options po;
  po.url = to;
  postgres_registry target(po);
  auto dump = [](const auto& value) { return json(value).dump(); };
  json doc = json::object();
  doc["models"] = json::array();
  text_table t({"model", "records", "versions", "outcome"});
  for (const auto& name : source.model_names()) {
    const auto entries = source.journal_entries(name);
    std::string outcome = "copied";
    if (target.has_model(name)) {
      if (dump(target.audit_log(name)) != dump(source.audit_log(name))) {
        throw registry_error("already_exists",
                             "model '" + name + "' is already in " + target.where() +
                                 " with another history; migrate it by hand or drop it there");
      }
      outcome = "already there";
    } else {
      target.import_model(name, entries);
    }
    // Read back through the interface: the copy must read as the original.
    if (dump(target.audit_log(name)) != dump(source.audit_log(name)) ||
        dump(target.list_versions(name)) != dump(source.list_versions(name))) {
      throw registry_error("database", "model '" + name + "' reads back differently from " +
                                           target.where() + " than from " + from);
    }
    const auto versions = source.get_model(name).latest_version;
    doc["models"].push_back({{"model", name},
                             {"records", entries.size()},
                             {"versions", versions},
                             {"outcome", outcome}});
    t.add({name, std::to_string(entries.size()), std::to_string(versions), outcome});
  }
  // Bundles: ROOT/bundles/<hex>/<member> of the file store, by digest.
  const std::string dir = (store_dir.empty() ? from + "/artifacts" : store_dir) + "/bundles";
  std::size_t bundles = 0;
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) {
    serving::postgres_artifact_store store(po);
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      serving::bundle_members members;
      for (const auto& file : std::filesystem::directory_iterator(entry.path())) {
        members[file.path().filename().string()] =
            ::mlguard::detail::read_file(file.path().string());
      }
      store.put("sha256:" + entry.path().filename().string(), members);
      ++bundles;
    }
  }
  doc["bundles"] = bundles;
  emit(out, doc, [&] {
    return t.str() + std::to_string(bundles) + " bundle" + (bundles == 1 ? "" : "s") +
           " copied into " + target.where() + "\n";
  });
  return exit_ok;
}
#endif

} // namespace

void add_registry_command(CLI::App& app, int& status) {
  auto args = std::make_shared<registry_args>();
  args->actor = "mlguard-cli";
  for (const char* variable : {"USER", "LOGNAME"}) {
    if (const char* user = std::getenv(variable); user != nullptr && *user != '\0') {
      args->actor = user;
      break;
    }
  }
  auto* reg = app.add_subcommand("registry", "Inspect and change a model registry");
  reg->add_option("--registry,--root", args->location,
                  "Registry: a directory, or a PostgreSQL URL postgresql://... (default "
                  "$MLGUARD_REGISTRY_URL)");
  reg->add_option("--actor", args->actor,
                  "Who makes the change (audit journal; default $USER, else mlguard-cli)");
  add_output_options(reg, args->out);
  reg->require_subcommand(1);
  reg->fallthrough();

  auto* create = reg->add_subcommand("create", "Create a registered model");
  create->add_option("NAME", args->name, "Model name")->required();
  create->add_option("--description", args->description, "Description");
  create->add_option("--tag", args->tags, "Model tag KEY=VALUE (repeatable)");
  create->callback([args, &status] {
    auto r = open(*args, true);
    const auto m =
        r->create_model(args->name, args->description, to_map(args->tags, "--tag"), context(*args));
    emit(args->out, m, [&] { return model_text(m); });
    status = exit_ok;
  });

  auto* publish = reg->add_subcommand("publish", "Publish a bundle directory as a new version");
  publish->add_option("NAME", args->name, "Model name (created if absent)")->required();
  publish->add_option("BUNDLE", args->bundle, "Bundle directory (mlguard bundle create)")
      ->required();
  publish->add_option("--store", args->store, "Artifact store directory (default ROOT/artifacts)");
  publish->add_option("--description", args->description, "Description");
  publish->add_option("--reason", args->reason, "Why (audit journal)");
  publish->callback([args, &status] {
    const auto loaded = serving::load_bundle(args->bundle);
    auto r = open(*args, true); // creates ROOT, where the default store lives
    const auto store = open_store(registry_location(args->location), args->store);
    version_metadata meta;
    meta.description = args->description;
    const auto v = serving::publish(*r, *store, args->name, loaded.bundle, meta, context(*args));
    emit(args->out, v, [&] { return version_text(v); });
    status = exit_ok;
  });

  auto* regv = reg->add_subcommand("register", "Register a new version; prints it");
  regv->add_option("NAME", args->name, "Model name")->required();
  regv->add_option("--artifact", args->artifact, "Artifact URI")->required();
  regv->add_option("--digest", args->digest, "Artifact digest, e.g. sha256:...");
  regv->add_option("--metric", args->metrics, "Metric KEY=NUMBER (repeatable)");
  regv->add_option("--tag", args->tags, "Version tag KEY=VALUE (repeatable)");
  regv->add_option("--param", args->params, "Parameter KEY=VALUE (repeatable)");
  regv->add_option("--parent", args->parent, "Parent version")->check(CLI::PositiveNumber);
  regv->add_option("--description", args->description, "Description");
  regv->add_option("--status", args->status, "pending|ready|failed")
      ->check(CLI::IsMember({"pending", "ready", "failed"}))
      ->capture_default_str();
  regv->add_option("--client-token", args->client_token,
                   "Retry token: run again with the same token, get the same version "
                   "(e.g. a UUID)");
  regv->callback([args, &status] {
    version_metadata meta;
    meta.artifact_digest = args->digest;
    meta.metrics = to_metrics(args->metrics);
    meta.tags = to_map(args->tags, "--tag");
    meta.params = to_map(args->params, "--param");
    meta.parent_version = args->parent;
    meta.description = args->description;
    meta.status = version_status_from_string(args->status);
    meta.client_token = args->client_token;
    auto r = open(*args, false);
    const auto v = r->register_version(args->name, args->artifact, meta, context(*args));
    emit(args->out, v, [&] { return version_text(v); });
    status = exit_ok;
  });

  auto* list = reg->add_subcommand("list", "List models, or the versions of one model");
  list->add_option("NAME", args->name, "Model name");
  list->callback([args, &status] {
    auto r = open(*args, false);
    json doc = json::array();
    if (args->name.empty()) {
      text_table t({"model", "latest", "aliases", "updated", "description"});
      for (const auto& m : r->list_models()) {
        doc.push_back(m);
        std::string aliases;
        for (const auto& [a, v] : m.aliases) {
          aliases.append(aliases.empty() ? "" : ",")
              .append(a)
              .append("=")
              .append(std::to_string(v));
        }
        t.add({m.name, std::to_string(m.latest_version), or_dash(aliases), time_text(m.updated_at),
               or_dash(m.description)});
      }
      emit(args->out, doc, [&] { return t.str(); });
    } else {
      text_table t({"version", "status", "aliases", "artifact", "metrics", "created"});
      for (const auto& v : r->list_versions(args->name)) {
        doc.push_back(v);
        std::string aliases;
        for (const auto& a : v.aliases) {
          aliases.append(aliases.empty() ? "" : ",").append(a);
        }
        t.add({std::to_string(v.version), to_string(v.status), or_dash(aliases),
               or_dash(v.artifact_uri), join_metrics(v.metrics), time_text(v.lineage.created_at)});
      }
      emit(args->out, doc, [&] { return t.str(); });
    }
    status = exit_ok;
  });

  auto* show = reg->add_subcommand("show", "Show a model, a version or what an alias points to");
  show->add_option("TARGET", args->target, "NAME, NAME/VERSION, NAME@ALIAS or models:/...")
      ->required();
  show->callback([args, &status] {
    auto r = open(*args, false);
    const std::string& t = args->target;
    if (t.rfind("models:/", 0) == 0 || t.find_first_of("/@") != std::string::npos) {
      const std::string uri = t.rfind("models:/", 0) == 0 ? t : "models:/" + t;
      const auto v = r->resolve(uri);
      emit(args->out, v, [&] { return version_text(v); });
    } else {
      const auto m = r->get_model(t);
      emit(args->out, m, [&] { return model_text(m); });
    }
    status = exit_ok;
  });

  auto* alias = reg->add_subcommand("alias", "Point an alias at a version (compare-and-swap)");
  alias->add_option("NAME", args->name, "Model name")->required();
  alias->add_option("ALIAS", args->alias, "Alias, e.g. champion")->required();
  alias->add_option("VERSION", args->version, "Version")->required()->check(CLI::PositiveNumber);
  alias->add_option("--expect", args->expect,
                    "Move only if the alias is now at this version ('none': absent); "
                    "exit 3 otherwise");
  alias->add_option("--reason", args->reason, "Why (audit journal)");
  alias->callback([args, &status] {
    auto expected = alias_expectation::any();
    if (args->expect == "none" || args->expect == "absent") {
      expected = alias_expectation::absent();
    } else if (!args->expect.empty()) {
      const auto& e = args->expect;
      if (e.size() > 9 || e.find_first_not_of("0123456789") != std::string::npos) {
        throw argument_error("invalid_option",
                             "--expect takes a version number or 'none', got '" + e + "'");
      }
      expected = alias_expectation::version(std::stoi(e));
    }
    auto r = open(*args, false);
    const auto result =
        r->set_alias(args->name, args->alias, args->version, expected, context(*args));
    emit(args->out, alias_json(args->name, args->alias, result),
         [&] { return alias_text(args->name, args->alias, result); });
    status = result ? exit_ok : exit_conflict;
    if (!result) {
      std::fprintf(stderr, "mlguard: %s\n", result.reason.c_str());
    }
  });

  auto* history = reg->add_subcommand("history", "The audit journal, or one alias's moves");
  history->add_option("NAME", args->name, "Model name")->required();
  history->add_option("--alias", args->alias, "Only the moves of this alias");
  history->add_option("--at", args->at,
                      "Where the alias (or every alias) pointed at this ISO-8601 time");
  history->callback([args, &status] {
    std::optional<timestamp> at;
    if (!args->at.empty()) {
      at = parse_iso8601(args->at);
    }
    auto r = open(*args, false);
    if (at) {
      json doc = json::object();
      doc["model"] = args->name;
      doc["at"] = format_iso8601(*at, iso8601_precision::exact);
      std::vector<std::string> aliases;
      if (!args->alias.empty()) {
        aliases.push_back(args->alias);
      } else {
        for (const auto& rec : r->audit_log(args->name)) {
          if (!rec.alias.empty() &&
              std::find(aliases.begin(), aliases.end(), rec.alias) == aliases.end()) {
            aliases.push_back(rec.alias);
          }
        }
      }
      json map = json::object();
      text_table t({"alias", "version at " + format_iso8601(*at, iso8601_precision::seconds)});
      for (const auto& a : aliases) {
        const auto v = r->alias_at(args->name, a, *at);
        map[a] = v ? json(*v) : json(nullptr);
        t.add({a, or_dash(v)});
      }
      doc["aliases"] = map;
      emit(args->out, doc, [&] { return t.str(); });
    } else if (!args->alias.empty()) {
      json doc = json::array();
      text_table t({"sequence", "time", "from", "to", "actor", "reason"});
      for (const auto& c : r->alias_history(args->name, args->alias)) {
        doc.push_back(c);
        t.add({std::to_string(c.sequence), time_text(c.time), or_dash(c.from), or_dash(c.to),
               or_dash(c.actor), or_dash(c.reason) + (c.rollback ? " (rollback)" : "")});
      }
      emit(args->out, doc, [&] { return t.str(); });
    } else {
      json doc = json::array();
      text_table t({"sequence", "time", "action", "version", "alias", "actor", "reason"});
      for (const auto& rec : r->audit_log(args->name)) {
        doc.push_back(rec);
        t.add({std::to_string(rec.sequence), time_text(rec.time), to_string(rec.action),
               or_dash(rec.version), or_dash(rec.alias), or_dash(rec.actor), or_dash(rec.reason)});
      }
      emit(args->out, doc, [&] { return t.str(); });
    }
    status = exit_ok;
  });

  auto* runs = reg->add_subcommand("runs", "The run records of a version, or of a model");
  runs->add_option("TARGET", args->target, "NAME, NAME/VERSION, NAME@ALIAS or models:/...")
      ->required();
  runs->callback([args, &status] {
    auto r = open(*args, false);
    const std::string& t = args->target;
    std::vector<run_record> found;
    if (t.rfind("models:/", 0) == 0 || t.find_first_of("/@") != std::string::npos) {
      const std::string uri = t.rfind("models:/", 0) == 0 ? t : "models:/" + t;
      const auto v = r->resolve(uri);
      found = r->runs(v.model, v.version);
    } else {
      found = r->runs(t);
    }
    json doc = json::array();
    text_table table({"run", "version", "kind", "exit", "rows", "rejected", "input", "fingerprint",
                      "recorded", "actor"});
    for (const auto& run : found) {
      doc.push_back(run);
      auto count = [&](const char* key) {
        const auto it = run.counts.find(key);
        return it == run.counts.end() ? std::string("-") : std::to_string(it->second);
      };
      table.add({std::to_string(run.sequence), std::to_string(run.version), run.kind,
                 std::to_string(run.exit_code), count("rows"), count("rejected"),
                 or_dash(run.input),
                 run.input_fingerprint.empty() ? "-" : run.input_fingerprint.substr(0, 19) + "…",
                 time_text(run.recorded_at), or_dash(run.actor)});
    }
    emit(args->out, doc, [&] { return found.empty() ? std::string("no runs\n") : table.str(); });
    status = exit_ok;
  });

  auto* rollback = reg->add_subcommand("rollback", "Move an alias back to its previous version");
  rollback->add_option("NAME", args->name, "Model name")->required();
  rollback->add_option("ALIAS", args->alias, "Alias")->required();
  rollback->add_option("--reason", args->reason, "Why (audit journal)");
  rollback->callback([args, &status] {
    auto r = open(*args, false);
    const auto result = r->rollback_alias(args->name, args->alias, context(*args));
    emit(args->out, alias_json(args->name, args->alias, result),
         [&] { return alias_text(args->name, args->alias, result); });
    status = result ? exit_ok : exit_conflict;
    if (!result) {
      std::fprintf(stderr, "mlguard: %s\n", result.reason.c_str());
    }
  });

  auto* migrate =
      reg->add_subcommand("migrate", "Copy a file registry, history and bundles, into PostgreSQL");
  migrate->add_option("--from", args->from, "File registry directory")->required();
  migrate->add_option("--to", args->to, "PostgreSQL URL (postgresql://...)")->required();
  migrate->add_option("--store", args->store,
                      "The file registry's artifact store (default FROM/artifacts)");
  migrate->callback([args, &status] {
    if (!is_postgres_url(args->to)) {
      throw argument_error("invalid_option", "migrate --to takes a PostgreSQL URL "
                                             "(postgresql://...), not '" +
                                                 args->to + "'");
    }
#ifdef MLGUARD_CLI_POSTGRES
    status = migrate_to_postgres(args->from, args->store, args->to, args->out);
#else
    (void)status;
    throw_no_postgres(args->to);
#endif
  });
}

} // namespace mlguard::cli
