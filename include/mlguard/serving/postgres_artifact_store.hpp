#ifndef MLGUARD_SERVING_POSTGRES_ARTIFACT_STORE_HPP
#define MLGUARD_SERVING_POSTGRES_ARTIFACT_STORE_HPP

// An artifact_store in PostgreSQL, so a fleet that shares a postgres_registry needs
// nothing else shared: bundles live in the same database and schema (tables bundles and
// bundle_members, created by the registry's migrations), each member a bytea row,
// content-addressed by the bundle's digest. An optional component (mlguard::postgres);
// mlguard.hpp does not include it.
//
// put() is one transaction: the bundle's row first (ON CONFLICT DO NOTHING tells a
// second putter of the same digest to stop, so it is stored once), then the members; the
// commit makes the whole bundle visible at once. A bytea value holds up to 1 GB; a bundle member is
// far smaller in practice (a pipeline document, a profile, a model file).

#include <optional>
#include <string>

#include "mlguard/registry/detail/postgres_session.hpp"
#include "mlguard/serving/artifact_store.hpp"

namespace mlguard::serving {

/// Bundles in PostgreSQL (see the comment at the top of postgres_artifact_store.hpp).
///
/// Thread-safety: safe to share between threads (one connection, a mutex) and between
/// processes and machines.
template <class = void> // deferred: see core/json.hpp
class basic_postgres_artifact_store final : public artifact_store {
public:
  /// Connects and migrates the schema (the same as the registry's). Throws
  /// registry_error: invalid_option, unavailable, schema_too_new, schema_outdated, database.
  explicit basic_postgres_artifact_store(const registry::postgres_options& options = {})
      : session_(options) {}

  /// Stores the bundle all-or-nothing. Throws serving_error (mlguard.serving.invalid_name)
  /// for a bad digest or member name; registry_error (unavailable, database) when the
  /// server cannot take it.
  std::string put(const std::string& digest, const bundle_members& members) override {
    detail::check_digest(digest);
    std::size_t bytes = 0;
    for (const auto& m : members) {
      detail::check_member_name(m.first);
      bytes += m.second.size();
    }
    const auto& q = session_.qschema();
    session_.run([&](pqxx::connection& c) {
      pqxx::work tx(c);
      // The bundle row first (ON CONFLICT tells a second putter to stop), then the
      // members; one transaction, so a reader sees all of the bundle or none of it.
      const auto inserted = tx.exec_params(
          "INSERT INTO " + q +
              ".bundles (digest, members, bytes) VALUES ($1, $2, $3) ON CONFLICT "
              "(digest) DO NOTHING RETURNING digest",
          digest, static_cast<long long>(members.size()), static_cast<long long>(bytes));
      if (inserted.empty()) {
        return; // already stored (content-addressed: the same bytes)
      }
      for (const auto& m : members) {
        tx.exec_params("INSERT INTO " + q +
                           ".bundle_members (digest, member, bytes) VALUES ($1, $2, $3)",
                       digest, m.first, pqxx::binarystring(m.second));
      }
      tx.commit();
    });
    return uri_of(digest);
  }

  /// True when a bundle is stored under `digest`. Throws registry_error (unavailable).
  bool contains(const std::string& digest) const override {
    return session_.run([&](pqxx::connection& c) {
      pqxx::read_transaction tx(c);
      return !tx.exec_params("SELECT 1 FROM " + session_.qschema() + ".bundles WHERE digest = $1",
                             digest)
                  .empty();
    });
  }

  /// One member's bytes; nothing when the bundle or the member is absent. Throws
  /// registry_error (unavailable, database).
  std::optional<std::string> read(const std::string& digest,
                                  const std::string& member) const override {
    return session_.run([&](pqxx::connection& c) -> std::optional<std::string> {
      pqxx::read_transaction tx(c);
      const auto r = tx.exec_params("SELECT bytes FROM " + session_.qschema() +
                                        ".bundle_members WHERE digest = $1 AND member = $2",
                                    digest, member);
      if (r.empty()) {
        return std::nullopt;
      }
      return pqxx::binarystring(r[0][0]).str();
    });
  }

  /// "postgresql-bundle:SCHEMA/DIGEST": which store holds it, without the server's URL
  /// (a replica reaches the same database through its own URL).
  std::string uri_of(const std::string& digest) const override {
    return "postgresql-bundle:" + session_.schema() + "/" + digest;
  }

private:
  mutable registry::detail::postgres_session session_;
};

/// The type to name (a class template only so that its bodies compile where used).
using postgres_artifact_store = basic_postgres_artifact_store<>;

} // namespace mlguard::serving

#endif // MLGUARD_SERVING_POSTGRES_ARTIFACT_STORE_HPP
