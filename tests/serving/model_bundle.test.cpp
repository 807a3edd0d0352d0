#include "mlguard/serving/model_bundle.hpp"

#include <fstream>
#include <string>

#include "mlguard/core/digest.hpp"
#include "mlguard/registry/in_memory_registry.hpp"
#include "mlguard/serving/artifact_store.hpp"
#include "mlguard/serving/publish.hpp"
#include "serving/serving_support.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::serving;

namespace {

// Overwrites one member of a stored bundle in place (what bit rot or a bad copy does).
void overwrite_member(const file_artifact_store& store, const std::string& digest,
                      const std::string& name, const std::string& bytes) {
  std::ofstream(store.directory(digest) + "/" + name, std::ios::binary | std::ios::trunc) << bytes;
}

// Stores `b` with member `name` replaced by `bytes` under a manifest that
// matches it, so every digest check passes and only decoding can object.
std::string put_with_member(artifact_store& store, const model_bundle& b, const char* name,
                            std::string bytes) {
  auto members = encode_bundle(b);
  members[name] = std::move(bytes);
  json manifest = parse_json(members[member::manifest], "manifest");
  manifest["members"][name] = content_digest(members[name]);
  members[member::manifest] = dump_json(manifest);
  const auto digest = bundle_digest(members);
  store.put(digest, members);
  return digest;
}

} // namespace

TEST_CASE("model_bundle: made from a fitted pipeline, stored, read back and verified") {
  const test::temp_dir dir;
  file_artifact_store store(dir.file("artifacts"));
  const auto b = test::tip_bundle();
  CHECK(b.layout.names() == std::vector<std::string>{"fare", "distance"});
  CHECK(b.smoke.size() == 5);
  CHECK(b.predictions.columns().size() == 1);

  const auto digest = write_bundle(store, b);
  CHECK(is_content_digest(digest));
  CHECK(store.contains(digest));
  CHECK(write_bundle(store, b) == digest); // same bytes, same digest; storing again is a no-op
  CHECK(store.uri_of(digest) == "file://" + store.directory(digest));

  const auto back = read_bundle(store, digest);
  CHECK(back.pipeline == b.pipeline);
  CHECK(back.layout == b.layout);
  CHECK(back.schema.to_json() == b.schema.to_json());
  CHECK(back.reference == b.reference);
  CHECK(back.smoke.size() == b.smoke.size());
  CHECK(back.smoke[0].fields == b.smoke[0].fields);
  CHECK(back.smoke[0].expected == b.smoke[0].expected);
  CHECK(encode_bundle(back) == encode_bundle(b)); // decoding and encoding again changes no byte

  // Another model gives another digest.
  CHECK(bundle_digest(encode_bundle(test::tip_bundle(2, 14.0))) != digest);
}

TEST_CASE("model_bundle: every failure names what is wrong") {
  const test::temp_dir dir;
  file_artifact_store store(dir.file("artifacts"));
  const auto b = test::tip_bundle();

  SUBCASE("a changed member is a digest mismatch naming it") {
    const auto digest = write_bundle(store, b);
    auto text = *store.read(digest, member::schema);
    text[text.size() / 2] = text[text.size() / 2] == 'a' ? 'b' : 'a';
    overwrite_member(store, digest, member::schema, text);
    try {
      (void)read_bundle(store, digest);
      FAIL("a tampered bundle was read");
    } catch (const serving_error& e) {
      CHECK(e.id() == "mlguard.serving.digest_mismatch");
      CHECK(std::string(e.what()).find("schema.json") != std::string::npos);
    }
  }
  SUBCASE("a changed manifest") {
    const auto digest = write_bundle(store, b);
    overwrite_member(store, digest, member::manifest, "{}");
    MLGUARD_CHECK_THROWS_ID(read_bundle(store, digest), "mlguard.serving.digest_mismatch");
  }
  SUBCASE("a missing member is an incomplete bundle naming it") {
    const auto digest = write_bundle(store, b);
    std::remove((store.directory(digest) + "/" + member::layout).c_str());
    try {
      (void)read_bundle(store, digest);
      FAIL("an incomplete bundle was read");
    } catch (const serving_error& e) {
      CHECK(e.id() == "mlguard.serving.bundle_incomplete");
      CHECK(std::string(e.what()).find("layout.json") != std::string::npos);
    }
  }
  SUBCASE("a member that does not parse is corrupt, named") {
    const auto digest =
        put_with_member(store, b, member::smoke,
                        "{\"format\": \"mlguard.smoke_rows\", \"format_version\": 1, \"rows\": [");
    try {
      (void)read_bundle(store, digest);
      FAIL("a corrupt bundle was read");
    } catch (const serving_error& e) {
      CHECK(e.id() == "mlguard.serving.bundle_corrupt");
      CHECK(std::string(e.what()).find("smoke.json") != std::string::npos);
    }
  }
  SUBCASE("a stored layout that disagrees with the schema is refused when opened") {
    const feature_layout swapped(
        {{"distance", validate::feature_kind::numeric}, {"fare", validate::feature_kind::numeric}});
    const auto digest = put_with_member(store, b, member::layout, dump_json(swapped.to_json()));
    try {
      (void)read_bundle(store, digest);
      FAIL("a bundle whose members disagree was read");
    } catch (const serving_error& e) {
      CHECK(e.id() == "mlguard.serving.layout_mismatch");
      CHECK(std::string(e.what()).find("'distance'") != std::string::npos);
    }
  }
  SUBCASE("unknown and malformed digests") {
    MLGUARD_CHECK_THROWS_ID(read_bundle(store, "sha256:" + std::string(64, '0')),
                            "mlguard.serving.bundle_incomplete");
    MLGUARD_CHECK_THROWS_ID(read_bundle(store, "sha256:../../etc"), "mlguard.serving.invalid_name");
    MLGUARD_CHECK_THROWS_ID(store.read("sha256:" + std::string(64, '0'), "../x"),
                            "mlguard.serving.invalid_name");
  }
  SUBCASE("a layout the schema or pipeline does not follow is refused when written") {
    auto swapped = b;
    swapped.layout = feature_layout(
        {{"distance", validate::feature_kind::numeric}, {"fare", validate::feature_kind::numeric}});
    MLGUARD_CHECK_THROWS_ID(encode_bundle(swapped), "mlguard.serving.layout_mismatch");
    auto extra = b;
    extra.layout = feature_layout({{"fare", validate::feature_kind::numeric},
                                   {"distance", validate::feature_kind::numeric},
                                   {"tolls", validate::feature_kind::numeric}});
    try {
      (void)encode_bundle(extra);
      FAIL("a layout with an extra feature was accepted");
    } catch (const serving_error& e) {
      CHECK(e.id() == "mlguard.serving.layout_mismatch");
      CHECK(std::string(e.what()).find("tolls") != std::string::npos);
    }
  }
}

TEST_CASE("publish and open_bundle: the registry version carries the bundle's digest") {
  const test::temp_dir dir;
  file_artifact_store store(dir.file("artifacts"));
  registry::in_memory_registry models;
  const auto b = test::tip_bundle();
  const auto v1 = publish(models, store, "tips", b, {}, {"trainer", "first"});
  CHECK(v1.version == 1);
  CHECK(v1.artifact_digest == bundle_digest(encode_bundle(b)));
  CHECK(v1.artifact_uri == store.uri_of(v1.artifact_digest));
  CHECK(v1.lineage.pipeline_fingerprint == content_digest(encode_bundle(b).at(member::pipeline)));
  CHECK(is_content_digest(v1.lineage.data_fingerprint));

  models.set_alias("tips", "champion", 1);
  const auto opened = open_bundle(models, store, "models:/tips@champion");
  CHECK(opened.version.version == 1);
  CHECK(opened.bundle.pipeline == b.pipeline);

  // A version registered without a bundle, and one marked failed.
  models.register_version("tips", "s3://elsewhere/model.bin");
  MLGUARD_CHECK_THROWS_ID(open_bundle(models, store, "models:/tips/2"),
                          "mlguard.serving.bundle_incomplete");
  models.set_version_status("tips", 1, registry::version_status::failed);
  MLGUARD_CHECK_THROWS_ID(open_bundle(models, store, "models:/tips@champion"),
                          "mlguard.serving.version_failed");
  MLGUARD_CHECK_THROWS_ID(open_bundle(models, store, "models:/nope@champion"),
                          "mlguard.registry.not_found");
}
