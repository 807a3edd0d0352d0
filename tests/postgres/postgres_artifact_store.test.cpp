// postgres_artifact_store against a real PostgreSQL server: bundles stored whole,
// content-addressed, byte for byte; a bundle published through the PostgreSQL registry
// opened again from the same database; a replica's follower woken by NOTIFY.
#include "mlguard/serving/postgres_artifact_store.hpp"

#include <thread>

#include "mlguard/serving/publish.hpp"
#include "mlguard/serving/registry_follower.hpp"
#include "postgres_fixtures.hpp"
#include "serving/serving_support.hpp"

using namespace mlguard;

namespace {

const std::string pg_digest_a = "sha256:" + std::string(64, 'a');

} // namespace

TEST_CASE("postgres artifact store: a bundle is stored whole and read back byte for byte") {
  if (!mlguard::test::postgres_backend::available()) {
    return;
  }
  mlguard::test::postgres_backend b; // its schema, migrated
  registry::postgres_options o;
  o.url = mlguard::test::shared_postgres()->url();
  o.schema = b.schema;
  serving::postgres_artifact_store store(o);
  std::string binary;
  for (int i = 0; i < 256; ++i) {
    binary.push_back(static_cast<char>(i)); // NUL and bytes that are not UTF-8
  }
  const serving::bundle_members members{{"model.bin", binary}, {"meta.json", "{}"}};
  CHECK_FALSE(store.contains(pg_digest_a));
  CHECK_FALSE(store.read(pg_digest_a, "model.bin"));
  const auto uri = store.put(pg_digest_a, members);
  CHECK(uri == "postgresql-bundle:" + b.schema + "/" + pg_digest_a);
  CHECK(store.contains(pg_digest_a));
  CHECK(store.read(pg_digest_a, "model.bin") == binary);
  CHECK(store.read(pg_digest_a, "meta.json") == std::string("{}"));
  CHECK_FALSE(store.read(pg_digest_a, "absent"));
  // Content-addressed: putting the digest again writes nothing, from any process.
  serving::postgres_artifact_store other(o);
  CHECK(other.put(pg_digest_a, {{"model.bin", "different"}}) == uri);
  CHECK(other.read(pg_digest_a, "model.bin") == binary);
  MLGUARD_CHECK_THROWS_ID(store.put("sha256:xyz", members), "mlguard.serving.invalid_name");
  MLGUARD_CHECK_THROWS_ID(store.put(pg_digest_a, {{"../x", ""}}), "mlguard.serving.invalid_name");

  // Two stores racing to put one new digest store it once, and neither fails.
  const std::string d2 = "sha256:" + std::string(64, 'b');
  std::thread t([&] { other.put(d2, members); });
  store.put(d2, members);
  t.join();
  CHECK(store.read(d2, "model.bin") == binary);
}

TEST_CASE("postgres artifact store: publish and open_bundle through PostgreSQL alone") {
  if (!mlguard::test::postgres_backend::available()) {
    return;
  }
  mlguard::test::postgres_backend b;
  registry::postgres_options o;
  o.url = mlguard::test::shared_postgres()->url();
  o.schema = b.schema;
  serving::postgres_artifact_store store(o);
  const auto bundle = test::tip_bundle();
  const auto v = serving::publish(b.reg(), store, "tips", bundle);
  CHECK(v.version == 1);
  CHECK(store.contains(v.artifact_digest));
  b.reg().set_alias("tips", "champion", 1);
  // A replica: its own registry and store objects, connections and nothing else.
  registry::postgres_registry replica_registry(b.options());
  serving::postgres_artifact_store replica_store(o);
  const auto opened =
      serving::open_bundle(replica_registry, replica_store, "models:/tips@champion");
  CHECK(opened.version.version == 1);
  CHECK(serving::bundle_digest(serving::encode_bundle(opened.bundle)) == v.artifact_digest);
}

TEST_CASE("postgres: a replica's follower swaps within milliseconds of an alias move") {
  if (!mlguard::test::postgres_backend::available()) {
    return;
  }
  mlguard::test::postgres_backend b;
  registry::postgres_options o;
  o.url = mlguard::test::shared_postgres()->url();
  o.schema = b.schema;
  serving::postgres_artifact_store store(o);
  serving::publish(b.reg(), store, "tips", test::tip_bundle(1, 12.0));
  serving::publish(b.reg(), store, "tips", test::tip_bundle(2, 14.0));
  b.reg().set_alias("tips", "champion", 1);

  // The replica: its own registry, store, slot and follower.
  registry::postgres_registry replica(b.options());
  serving::postgres_artifact_store replica_store(o);
  serving::model_slot<serving::guarded_model> slot;
  serving::follower_options fo;
  fo.interval = std::chrono::minutes(10); // only NOTIFY can wake it in time
  fo.watch = true;
  fo.model.lanes = 1;
  serving::registry_follower follower(replica, replica_store, "models:/tips@champion", slot, fo);
  follower.start();
  auto serving_within = [&](int version, std::chrono::milliseconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (follower.serving_version() != version && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return follower.serving_version() == version;
  };
  REQUIRE(serving_within(1, std::chrono::seconds(20)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300)); // the follower is watching
  const auto moved = std::chrono::steady_clock::now();
  b.reg().set_alias("tips", "champion", 2);
  CHECK(serving_within(2, std::chrono::seconds(5)));
  MESSAGE(
      "replica serves v2 "
      << std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - moved).count()
      << " ms after the move (open, verify, build and smoke-test included)");
  follower.stop();
}
