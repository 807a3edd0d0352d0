#ifndef MLGUARD_SERVING_MODEL_BUNDLE_HPP
#define MLGUARD_SERVING_MODEL_BUNDLE_HPP

// Everything a registered version needs to serve, as one content-addressed
// bundle: the fitted pipeline, the model when the pipeline is not the model
// (a booster's bytes), the schema, the reference profiles, the feature
// layout, smoke rows and free metadata; optionally how it was made (its
// lineage) and the background of its explanations. One SHA-256 digest covers
// every member's bytes and becomes the version's artifact_digest.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <sys/stat.h>

#include "mlguard/core/detail/file.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/explain/background.hpp"
#include "mlguard/profile/dataset_profile.hpp"
#include "mlguard/serving/artifact_store.hpp"
#include "mlguard/serving/feature_layout.hpp"
#include "mlguard/validate/schema.hpp"

namespace mlguard::serving {

/// A request the model must keep answering the same way: the text fields in
/// layout order (as a request sends them) and the pipeline's outputs for them.
struct smoke_row {
  std::vector<std::string> fields;
  std::vector<double> expected;
};

/// Which model scores a bundle's requests (see serving/model.hpp).
struct model_spec {
  /// The model's kind, as registered in model_loaders. "pipeline": the
  /// pipeline ends in the model and scores requests itself.
  std::string kind = "pipeline";
  /// The artifact member holding the model's bytes (e.g. "booster.ubj");
  /// empty for "pipeline".
  std::string member;
};

/// How a bundle was made (lineage.json): "which data, which code, which
/// options". make_bundle fills it; `mlguard bundle show` prints it.
struct bundle_lineage {
  /// The training rows' fingerprint (make_bundle: table_fingerprint of the
  /// pipeline's input columns, "sha256:<hex>").
  std::string data_fingerprint;
  /// The number of training rows.
  std::uint64_t data_rows = 0;
  /// The mlguard version that made the bundle ("MAJOR.MINOR.PATCH").
  std::string mlguard_version;
  /// The application's own code version (e.g. a git commit); may be empty.
  std::string code_version;
  /// How the pipeline was fitted, as the application describes it (an
  /// object: the label, hyper-parameters, seeds, the split).
  json fit_options = json::object();

  /// True when nothing was recorded (a bundle made before lineage existed).
  bool empty() const noexcept {
    return data_fingerprint.empty() && mlguard_version.empty() && code_version.empty() &&
           data_rows == 0 && (fit_options.is_null() || fit_options.empty());
  }
};

/// A model version's serving bundle.
struct model_bundle {
  /// The fitted pipeline's document (dynamic_pipeline / static_pipeline to_json).
  /// With a model of another kind, the preprocessing in front of it.
  json pipeline;
  /// The model (model.json). Bundles written before model specs existed
  /// have none and are read as "pipeline".
  model_spec model;
  /// Members that are not mlguard documents, by name: a model runtime's own
  /// files (model.member names one). Their bytes are kept as they are.
  bundle_members artifacts;
  /// The schema requests are validated against.
  validate::schema schema;
  /// The profile of the training inputs: the input monitors' reference.
  profile::dataset_profile reference;
  /// The profile of the pipeline's outputs on the training inputs, one
  /// column per output feature: the prediction monitor's reference.
  /// No columns: predictions are not monitored.
  profile::dataset_profile predictions;
  /// The order of a request's features (see feature_layout).
  feature_layout layout;
  /// Checked by a follower before it serves the version (see registry_follower).
  std::vector<smoke_row> smoke;
  /// Largest |actual − expected| / max(1, |expected|) a smoke row may show.
  double smoke_tolerance = 1e-9;
  /// Free metadata (an object).
  json metadata = json::object();
  /// How the bundle was made (lineage.json); empty in bundles made before
  /// lineage existed, which then have no such member.
  bundle_lineage lineage;
  /// The means of the model's input features over the training rows, for
  /// linear explanations (background.json); empty when the model is not a
  /// linear pipeline or the bundle predates it.
  explain::background background;
};

/// The members of a bundle, by file name.
namespace member {
inline constexpr const char* manifest = "manifest.json";
inline constexpr const char* pipeline = "pipeline.json";
inline constexpr const char* schema = "schema.json";
inline constexpr const char* reference = "reference.json";
inline constexpr const char* predictions = "predictions.json";
inline constexpr const char* layout = "layout.json";
inline constexpr const char* smoke = "smoke.json";
inline constexpr const char* metadata = "metadata.json";
inline constexpr const char* model = "model.json";
inline constexpr const char* lineage = "lineage.json";
inline constexpr const char* background = "background.json";
} // namespace member

/// The bundle format: a manifest mapping every other member to its SHA-256.
/// Version 2 adds model.json and artifact members; a bundle without them is
/// still written as version 1, so its digest does not change, and an older
/// mlguard refuses a version-2 bundle instead of serving its pipeline alone.
inline constexpr document_format bundle_format{"mlguard.bundle", 2};
/// The model member's format.
inline constexpr document_format model_spec_format{"mlguard.model_spec", 1};
/// The lineage member's format.
inline constexpr document_format lineage_format{"mlguard.bundle_lineage", 1};
/// The smoke-rows member's format.
inline constexpr document_format smoke_format{"mlguard.smoke_rows", 1};

namespace detail {

template <class = void> // deferred: see core/json.hpp
std::string member_text(const json& document);

template <class = void>
json smoke_to_json(const model_bundle& b);

template <class = void>
json lineage_to_json(const bundle_lineage& l);

template <class = void>
bundle_lineage lineage_from_json(const json& j);

[[noreturn]] inline void rethrow_corrupt(const std::string& name, const error& e) {
  throw serving_error("bundle_corrupt", "bundle member " + name + ": " + e.what());
}

// True for the members mlguard itself writes and decodes.
template <class = void>
bool is_document_member(const std::string& name) noexcept;

} // namespace detail

/// Checks that the members agree: the schema and the pipeline's inputs
/// follow the layout (names, order, kinds), the reference profile has every
/// layout feature, the predictions profile (when present) every pipeline
/// output (for a "pipeline" model; the model's outputs are checked when it
/// is built), smoke rows have one field per feature, and a model of another
/// kind has its member among the artifacts. Throws serving_error
/// (mlguard.serving.layout_mismatch) naming the feature, (bundle_incomplete)
/// for a missing model member, and format_error when the pipeline document
/// lacks its feature lists.
template <class = void>
void check_bundle(const model_bundle& b);

/// The bundle's members as stored: each document as indented JSON text,
/// each artifact's bytes as they are, and the manifest, {"format":
/// "mlguard.bundle", "format_version": 1 (2 with a model spec or artifacts),
/// "members": {name: "sha256:..."}} as compact JSON (keys sorted).
/// Throws as check_bundle (a bundle that would fail to open is not written),
/// serving_error (mlguard.serving.invalid_name) for an artifact name that is
/// not a member name or is one of the documents'.
template <class = void>
bundle_members encode_bundle(const model_bundle& b);

/// The bundle's digest: the SHA-256 of its manifest, which holds every
/// other member's SHA-256 ("sha256:<hex>"). Throws serving_error
/// (bundle_incomplete) when `members` has no manifest.
template <class = void>
std::string bundle_digest(const bundle_members& members);

/// Reads the bundle `digest` from `store`, verifies every byte and decodes it:
/// - serving_error mlguard.serving.bundle_incomplete: the store has no such
///   bundle, or a member the manifest lists (or a required one) is missing;
/// - mlguard.serving.digest_mismatch: the manifest's SHA-256 is not `digest`,
///   or a member's is not the manifest's (names the member);
/// - mlguard.serving.bundle_corrupt: a member does not parse (names it);
/// - mlguard.serving.layout_mismatch: the members disagree (check_bundle).
template <class = void>
model_bundle read_bundle(const artifact_store& store, const std::string& digest);

/// Stores `b` in `store` and returns its digest (the same bundle always gets
/// the same digest). Throws as encode_bundle and artifact_store::put.
template <class = void>
std::string write_bundle(artifact_store& store, const model_bundle& b);

/// Writes `b` as loose files into directory `dir` (created if absent, not
/// its parents; each member replaced atomically), the form `mlguard bundle
/// create` writes and `mlguard registry publish` reads. Returns the digest.
/// Throws as encode_bundle, io_error when writing fails.
template <class = void>
std::string save_bundle(const std::string& dir, const model_bundle& b);

/// A bundle read from a directory, verified, with its digest.
struct loaded_bundle {
  std::string digest;
  model_bundle bundle;
  bundle_members members;
};

/// Reads the bundle save_bundle wrote into `dir` and verifies it as
/// read_bundle does (its digest is that of the manifest found there). Throws
/// serving_error (bundle_incomplete when there is no manifest or a member is
/// missing, digest_mismatch, bundle_corrupt, layout_mismatch), io_error.
template <class = void>
loaded_bundle load_bundle(const std::string& dir);

} // namespace mlguard::serving

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include "mlguard/core/digest.hpp"

namespace mlguard::serving::detail {

template <class> // deferred: see core/json.hpp
std::string member_text(const json& document) {
  std::string text = dump_json(document, 1);
  text.push_back('\n');
  return text;
}

template <class>
json smoke_to_json(const model_bundle& b) {
  json doc = new_document(smoke_format);
  doc["tolerance"] = json_number(b.smoke_tolerance);
  json rows = json::array();
  for (const auto& r : b.smoke) {
    rows.push_back({{"fields", r.fields}, {"expected", json_numbers(r.expected)}});
  }
  doc["rows"] = std::move(rows);
  return doc;
}

template <class>
json lineage_to_json(const bundle_lineage& l) {
  json doc = new_document(lineage_format);
  doc["data_fingerprint"] = l.data_fingerprint;
  doc["data_rows"] = l.data_rows;
  doc["mlguard_version"] = l.mlguard_version;
  doc["code_version"] = l.code_version;
  doc["fit_options"] = l.fit_options;
  return doc;
}

template <class>
bundle_lineage lineage_from_json(const json& j) {
  const auto r = json_reader::document(
      j, lineage_format, member::lineage,
      {"data_fingerprint", "data_rows", "mlguard_version", "code_version", "fit_options"});
  bundle_lineage l;
  l.data_fingerprint = r.text("data_fingerprint");
  l.data_rows = static_cast<std::uint64_t>(
      r.integer("data_rows", 0, std::numeric_limits<std::int64_t>::max()));
  l.mlguard_version = r.text("mlguard_version");
  l.code_version = r.text("code_version");
  if (!r.at("fit_options").is_object()) {
    r.fail("fit_options", "expected an object");
  }
  l.fit_options = r.at("fit_options");
  return l;
}

template <class>
bool is_document_member(const std::string& name) noexcept {
  for (const char* m : {member::manifest, member::pipeline, member::schema, member::reference,
                        member::predictions, member::layout, member::smoke, member::metadata,
                        member::model, member::lineage, member::background}) {
    if (name == m) {
      return true;
    }
  }
  return false;
}

} // namespace mlguard::serving::detail

namespace mlguard::serving {

template <class>
void check_bundle(const model_bundle& b) {
  b.layout.check_schema(b.schema);
  if (b.model.kind != "pipeline") {
    if (b.model.kind.empty() || b.model.member.empty()) {
      throw serving_error("bundle_incomplete", "the bundle's model spec needs a kind and a member");
    }
    if (b.artifacts.find(b.model.member) == b.artifacts.end()) {
      throw serving_error("bundle_incomplete", "the model member " + b.model.member + " (kind '" +
                                                   b.model.kind + "') is not in the bundle");
    }
  }
  const json_reader p(b.pipeline, member::pipeline);
  b.layout.check_names(p.texts("input_features"), "the pipeline's inputs");
  for (const auto& f : b.layout) {
    if (!b.reference.find(f.name)) {
      throw serving_error("layout_mismatch",
                          "the reference profile lacks feature '" + f.name + "'");
    }
  }
  if (!b.predictions.columns().empty() && b.model.kind == "pipeline") {
    for (const auto& name : p.texts("output_features")) {
      if (!b.predictions.find(name)) {
        throw serving_error("layout_mismatch",
                            "the predictions profile lacks output '" + name + "'");
      }
    }
  }
  for (std::size_t i = 0; i < b.smoke.size(); ++i) {
    if (b.smoke[i].fields.size() != b.layout.size()) {
      throw serving_error("layout_mismatch", "smoke row " + std::to_string(i) + " has " +
                                                 std::to_string(b.smoke[i].fields.size()) +
                                                 " fields; the layout has " +
                                                 std::to_string(b.layout.size()) + " features");
    }
  }
}

template <class>
bundle_members encode_bundle(const model_bundle& b) {
  check_bundle(b);
  bundle_members m;
  m[member::pipeline] = detail::member_text(b.pipeline);
  m[member::schema] = detail::member_text(b.schema.to_json());
  m[member::reference] = detail::member_text(b.reference.to_json());
  if (!b.predictions.columns().empty()) {
    m[member::predictions] = detail::member_text(b.predictions.to_json());
  }
  m[member::layout] = detail::member_text(b.layout.to_json());
  m[member::smoke] = detail::member_text(detail::smoke_to_json(b));
  m[member::metadata] = detail::member_text(b.metadata);
  // Optional members, written only when set, so that a bundle made before
  // they existed encodes (and digests) exactly as it did.
  if (!b.lineage.empty()) {
    m[member::lineage] = detail::member_text(detail::lineage_to_json(b.lineage));
  }
  if (!b.background.empty()) {
    m[member::background] = detail::member_text(b.background.to_json());
  }
  document_format format{bundle_format.name, 1};
  if (b.model.kind != "pipeline") {
    json spec = new_document(model_spec_format);
    spec["kind"] = b.model.kind;
    spec["member"] = b.model.member;
    m[member::model] = detail::member_text(spec);
    format = bundle_format;
  }
  for (const auto& a : b.artifacts) {
    detail::check_member_name(a.first);
    if (detail::is_document_member(a.first)) {
      throw serving_error("invalid_name",
                          "artifact " + a.first + " has the name of a bundle document");
    }
    m[a.first] = a.second;
    format = bundle_format;
  }
  json manifest = new_document(format);
  json digests = json::object();
  for (const auto& entry : m) {
    digests[entry.first] = content_digest(entry.second);
  }
  manifest["members"] = std::move(digests);
  m[member::manifest] = dump_json(manifest);
  return m;
}

template <class>
std::string bundle_digest(const bundle_members& members) {
  const auto it = members.find(member::manifest);
  if (it == members.end()) {
    throw serving_error("bundle_incomplete", "the bundle has no manifest.json");
  }
  return content_digest(it->second);
}

template <class>
model_bundle read_bundle(const artifact_store& store, const std::string& digest) {
  const auto manifest_text = store.read(digest, member::manifest);
  if (!manifest_text) {
    throw serving_error("bundle_incomplete", store.contains(digest)
                                                 ? "bundle " + digest + " has no manifest.json"
                                                 : "no bundle " + digest + " in the store");
  }
  if (content_digest(*manifest_text) != digest) {
    throw serving_error("digest_mismatch", "bundle " + digest + ": manifest.json hashes to " +
                                               content_digest(*manifest_text));
  }
  bundle_members m;
  try {
    const json manifest = parse_json(*manifest_text, member::manifest);
    const auto r = json_reader::document(manifest, bundle_format, member::manifest, {"members"});
    for (const auto& entry : r.at("members").items()) {
      const auto bytes = store.read(digest, entry.key());
      if (!bytes) {
        throw serving_error("bundle_incomplete",
                            "bundle " + digest + ": member " + entry.key() + " is missing");
      }
      if (!entry.value().is_string() ||
          content_digest(*bytes) != entry.value().get_ref<const std::string&>()) {
        throw serving_error("digest_mismatch", "bundle " + digest + ": member " + entry.key() +
                                                   " does not match its digest in the manifest");
      }
      m[entry.key()] = *bytes;
    }
  } catch (const serving_error&) {
    throw;
  } catch (const error& e) {
    detail::rethrow_corrupt(member::manifest, e);
  }
  for (const char* required : {member::pipeline, member::schema, member::reference, member::layout,
                               member::smoke, member::metadata}) {
    if (m.find(required) == m.end()) {
      throw serving_error("bundle_incomplete", "bundle " + digest + ": the manifest lacks member " +
                                                   std::string(required));
    }
  }
  model_bundle b;
  auto decode = [&](const char* name, auto&& read) {
    try {
      read(parse_json(m.at(name), name));
    } catch (const serving_error&) {
      throw;
    } catch (const error& e) {
      detail::rethrow_corrupt(name, e);
    }
  };
  decode(member::pipeline, [&](json j) { b.pipeline = std::move(j); });
  decode(member::schema,
         [&](const json& j) { b.schema = validate::schema::from_json(j, member::schema); });
  decode(member::reference, [&](const json& j) {
    b.reference = profile::dataset_profile::from_json(j, member::reference);
  });
  if (m.count(member::predictions) != 0) {
    decode(member::predictions, [&](const json& j) {
      b.predictions = profile::dataset_profile::from_json(j, member::predictions);
    });
  }
  decode(member::layout,
         [&](const json& j) { b.layout = feature_layout::from_json(j, member::layout); });
  decode(member::smoke, [&](const json& j) {
    const auto r = json_reader::document(j, smoke_format, member::smoke, {"tolerance", "rows"});
    b.smoke_tolerance = r.finite("tolerance");
    for (const auto& row : r.objects("rows")) {
      row.allow_fields({"fields", "expected"});
      b.smoke.push_back({row.texts("fields"), row.numbers("expected")});
    }
  });
  decode(member::metadata, [&](json j) {
    if (!j.is_object()) {
      throw format_error("corrupt", std::string(member::metadata) + ": expected an object");
    }
    b.metadata = std::move(j);
  });
  if (m.count(member::lineage) != 0) {
    decode(member::lineage, [&](const json& j) { b.lineage = detail::lineage_from_json(j); });
  }
  if (m.count(member::background) != 0) {
    decode(member::background, [&](const json& j) {
      b.background = explain::background::from_json(j, member::background);
    });
  }
  if (m.count(member::model) != 0) {
    decode(member::model, [&](const json& j) {
      const auto r = json_reader::document(j, model_spec_format, member::model, {"kind", "member"});
      b.model.kind = r.text("kind");
      b.model.member = r.text("member");
    });
  }
  for (auto& entry : m) {
    if (!detail::is_document_member(entry.first)) {
      b.artifacts.emplace(entry.first, std::move(entry.second));
    }
  }
  check_bundle(b);
  return b;
}

template <class>
std::string write_bundle(artifact_store& store, const model_bundle& b) {
  const auto members = encode_bundle(b);
  const auto digest = bundle_digest(members);
  store.put(digest, members);
  return digest;
}

template <class>
std::string save_bundle(const std::string& dir, const model_bundle& b) {
  const auto members = encode_bundle(b);
  detail::make_directory(dir);
  for (const auto& m : members) {
    if (m.first != member::manifest) {
      ::mlguard::detail::write_file_atomic(dir + "/" + m.first, m.second);
    }
  }
  // The manifest last: a directory with a manifest has every member it lists.
  ::mlguard::detail::write_file_atomic(dir + "/" + member::manifest, members.at(member::manifest));
  return bundle_digest(members);
}

template <class>
loaded_bundle load_bundle(const std::string& dir) {
  loaded_bundle out;
  const std::string manifest_path = dir + "/" + member::manifest;
  struct stat st {};
  if (::stat(manifest_path.c_str(), &st) != 0) {
    throw serving_error("bundle_incomplete", dir + " has no " + member::manifest);
  }
  out.members[member::manifest] = ::mlguard::detail::read_file(manifest_path);
  try {
    const json manifest = parse_json(out.members[member::manifest], manifest_path);
    const auto r = json_reader::document(manifest, bundle_format, manifest_path, {"members"});
    for (const auto& entry : r.at("members").items()) {
      detail::check_member_name(entry.key());
      const std::string path = dir + "/" + entry.key();
      if (::stat(path.c_str(), &st) != 0) {
        throw serving_error("bundle_incomplete", dir + ": member " + entry.key() + " is missing");
      }
      out.members[entry.key()] = ::mlguard::detail::read_file(path);
    }
  } catch (const serving_error&) {
    throw;
  } catch (const format_error& e) {
    detail::rethrow_corrupt(member::manifest, e);
  }
  out.digest = bundle_digest(out.members);
  memory_artifact_store store;
  store.put(out.digest, out.members);
  out.bundle = read_bundle(store, out.digest);
  return out;
}

} // namespace mlguard::serving

#endif // MLGUARD_COMPILED
#endif // MLGUARD_SERVING_MODEL_BUNDLE_HPP
