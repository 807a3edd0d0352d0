#ifndef MLGUARD_SERVING_PUBLISH_HPP
#define MLGUARD_SERVING_PUBLISH_HPP

// A bundle becomes a registered version (publish) and a model URI becomes a
// verified bundle (open_bundle): the two ends of the registry for serving.

#include <string>
#include <string_view>
#include <utility>

#include "mlguard/core/error.hpp"
#include "mlguard/registry/model_registry.hpp"
#include "mlguard/serving/artifact_store.hpp"
#include "mlguard/serving/model_bundle.hpp"

namespace mlguard::serving {

/// Registers `bundle` as a new version of `model` (created if absent):
/// writes the bundle to `store` first, durably and all-or-nothing, then
/// registers the version with artifact_uri = its store URI and
/// artifact_digest = its digest. Unless `metadata` sets them, lineage's
/// pipeline_fingerprint is the SHA-256 of the pipeline member, its
/// data_fingerprint the bundle lineage's (the training rows' fingerprint;
/// for a bundle without lineage, the SHA-256 of the reference member) and its
/// code_version the bundle lineage's. A crash at any point leaves no
/// registered version whose bundle fails verification (at worst an
/// unreferenced bundle in the store). Throws as encode_bundle,
/// artifact_store::put and model_registry::register_version.
template <class = void> // deferred: see core/json.hpp
registry::model_version publish(registry::model_registry& registry, artifact_store& store,
                                const std::string& model, const model_bundle& bundle,
                                registry::version_metadata metadata = {},
                                const registry::change_context& context = {});

/// A registered version and its verified bundle.
struct opened_bundle {
  registry::model_version version;
  model_bundle bundle;
};

/// Resolves a model URI ("models:/taxi@champion", "models:/taxi/3") and
/// reads its bundle from `store`, verified against the version's
/// artifact_digest (read_bundle). Throws registry_error as resolve();
/// serving_error mlguard.serving.version_failed (the version's status is
/// failed), bundle_incomplete (no digest: not published as a bundle), and
/// as read_bundle.
template <class = void>
opened_bundle open_bundle(const registry::model_registry& registry, const artifact_store& store,
                          std::string_view uri);

} // namespace mlguard::serving

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include "mlguard/core/digest.hpp"

namespace mlguard::serving {

template <class> // deferred: see core/json.hpp
registry::model_version publish(registry::model_registry& registry, artifact_store& store,
                                const std::string& model, const model_bundle& bundle,
                                registry::version_metadata metadata,
                                const registry::change_context& context) {
  const auto members = encode_bundle(bundle);
  const auto digest = bundle_digest(members);
  const auto uri = store.put(digest, members);
  metadata.artifact_digest = digest;
  if (metadata.pipeline_fingerprint.empty()) {
    metadata.pipeline_fingerprint = content_digest(members.at(member::pipeline));
  }
  if (metadata.data_fingerprint.empty()) {
    metadata.data_fingerprint = !bundle.lineage.data_fingerprint.empty()
                                    ? bundle.lineage.data_fingerprint
                                    : content_digest(members.at(member::reference));
  }
  if (metadata.code_version.empty()) {
    metadata.code_version = bundle.lineage.code_version;
  }
  if (!registry.has_model(model)) {
    try {
      registry.create_model(model, "", {}, context);
    } catch (const registry_error& e) {
      if (e.id() != "mlguard.registry.already_exists") { // another publisher was first
        throw;
      }
    }
  }
  return registry.register_version(model, uri, metadata, context);
}

template <class>
opened_bundle open_bundle(const registry::model_registry& registry, const artifact_store& store,
                          std::string_view uri) {
  opened_bundle out;
  out.version = registry.resolve(uri);
  const auto& v = out.version;
  const std::string name = v.model + " v" + std::to_string(v.version);
  if (v.status == registry::version_status::failed) {
    throw serving_error("version_failed", name + " is marked failed");
  }
  if (v.artifact_digest.empty()) {
    throw serving_error("bundle_incomplete",
                        name + " has no artifact digest (it was not published as a bundle)");
  }
  out.bundle = read_bundle(store, v.artifact_digest);
  return out;
}

} // namespace mlguard::serving

#endif // MLGUARD_COMPILED
#endif // MLGUARD_SERVING_PUBLISH_HPP
