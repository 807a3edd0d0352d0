#ifndef MLGUARD_REGISTRY_DETAIL_POSTGRES_SESSION_HPP
#define MLGUARD_REGISTRY_DETAIL_POSTGRES_SESSION_HPP

// What the PostgreSQL registry and the PostgreSQL artifact store share: the connection
// URL (from the application or MLGUARD_REGISTRY_URL), the schema and its migrations, one
// connection that reconnects, and the mapping of libpqxx's exceptions to registry errors.
//
// Errors. A server that cannot be reached, or a connection lost before a transaction's
// commit, is mlguard.registry.unavailable (nothing was recorded: retrying is safe). A
// connection lost during the commit itself is resolved, not guessed: the session
// reconnects and looks for the transaction's own token (each write records one), so a
// write either returns success because it committed or is retried because it did not;
// only when the server stays unreachable is it mlguard.registry.in_doubt. Any other
// refusal by the server (privileges, a full disk) is mlguard.registry.database with the
// server's SQLSTATE. Passwords never appear in a message.

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>

#include <pqxx/pqxx>

#include "mlguard/core/error.hpp"
#include "mlguard/registry/detail/redact_url.hpp"

namespace mlguard::registry {

/// How a PostgreSQL-backed registry or artifact store connects.
struct postgres_options {
  /// A libpq connection URL (postgresql://user@host:port/db?sslmode=require) or
  /// key=value string; empty means the environment variable MLGUARD_REGISTRY_URL.
  std::string url;
  /// The PostgreSQL schema (namespace) that holds mlguard's tables: several registries
  /// can share one database under different schemas. [a-z_][a-z0-9_]*, at most 48 bytes.
  std::string schema = "mlguard";
  /// Create the schema and apply pending migrations at connect (needs the CREATE
  /// privilege once). Off, an outdated schema is mlguard.registry.schema_outdated.
  bool migrate = true;
  /// How many times one call tries again after losing its connection, and the pause
  /// before the first retry (it doubles each time): with 4 and 100 ms a call rides out
  /// about 1.5 s of outage before it throws mlguard.registry.unavailable.
  int retries = 4;
  std::chrono::milliseconds retry_delay{100};
};

namespace detail {

/// A read-only transaction on one snapshot (libpqxx 6 and 7 name its policy apart).
#if PQXX_VERSION_MAJOR >= 7
using snapshot_transaction =
    pqxx::transaction<pqxx::isolation_level::repeatable_read, pqxx::write_policy::read_only>;
#else
using snapshot_transaction =
    pqxx::transaction<pqxx::isolation_level::repeatable_read, pqxx::read_only>;
#endif

/// The schema version this mlguard writes; migrations 1..this are applied at connect.
inline constexpr int postgres_schema_version = 2;

/// The URL to use: `url`, or MLGUARD_REGISTRY_URL when it is empty. Throws
/// registry_error (mlguard.registry.invalid_option) when both are empty.
template <class = void>
std::string postgres_url(const std::string& url) {
  if (!url.empty()) {
    return url;
  }
  const char* env = std::getenv("MLGUARD_REGISTRY_URL");
  if (env == nullptr || *env == '\0') {
    throw registry_error("invalid_option", "no PostgreSQL URL: pass one (postgres_options::url) "
                                           "or set MLGUARD_REGISTRY_URL");
  }
  return env;
}

/// Throws registry_error (mlguard.registry.invalid_option) unless `schema` is
/// [a-z_][a-z0-9_]* and at most 48 bytes (it also names the NOTIFY channel).
template <class = void>
void check_schema_name(const std::string& schema) {
  bool ok = !schema.empty() && schema.size() <= 48 && !(schema[0] >= '0' && schema[0] <= '9');
  for (char c : schema) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  }
  if (!ok) {
    throw registry_error("invalid_option", "'" + schema.substr(0, 60) +
                                               "' is not a PostgreSQL schema name for mlguard "
                                               "([a-z_][a-z0-9_]*, at most 48 bytes)");
  }
}

/// Whether a failure of the server is worth one more try on a fresh transaction:
/// serialization failure, deadlock, a unique violation (two creators of one model).
template <class = void>
bool retryable_sqlstate(const std::string& state) {
  return state == "40001" || state == "40P01" || state == "23505";
}

template <class T>
bool is_a(const pqxx::sql_error& e) {
  return dynamic_cast<const T*>(&e) != nullptr;
}

/// The SQLSTATE of a server error. libpqxx 6.4 leaves sql_error::sqlstate() empty for
/// some errors it throws as a subclass (insufficient_privilege among them), so the
/// subclass answers then.
template <class = void>
std::string sqlstate_of(const pqxx::sql_error& e) {
  if (!e.sqlstate().empty()) {
    return e.sqlstate();
  }
  if (is_a<pqxx::insufficient_privilege>(e)) {
    return "42501";
  }
  if (is_a<pqxx::undefined_table>(e)) {
    return "42P01";
  }
  if (is_a<pqxx::unique_violation>(e)) {
    return "23505";
  }
  if (is_a<pqxx::serialization_failure>(e)) {
    return "40001";
  }
  if (is_a<pqxx::deadlock_detected>(e)) {
    return "40P01";
  }
  if (is_a<pqxx::disk_full>(e)) {
    return "53100";
  }
  if (is_a<pqxx::out_of_memory>(e)) {
    return "53200";
  }
  if (is_a<pqxx::too_many_connections>(e)) {
    return "53300";
  }
  return "unknown";
}

/// The migrations, in order: migration i takes the schema from version i to i + 1.
/// `s` is the quoted schema name.
template <class = void>
std::string postgres_migration(int to, const std::string& s) {
  switch (to) {
  case 1:
    return "CREATE TABLE " + s +
           ".models (id bigserial PRIMARY KEY, name text NOT NULL UNIQUE,"
           " sequence bigint NOT NULL, document jsonb NOT NULL);"
           "CREATE TABLE " +
           s + ".versions (model_id bigint NOT NULL REFERENCES " + s +
           ".models (id) ON DELETE CASCADE, version integer NOT NULL, document jsonb NOT NULL,"
           " PRIMARY KEY (model_id, version));"
           // The journal outlives its model (a deleted model's record stays), so no
           // foreign key; txn is the writing transaction's token (in-doubt commits).
           "CREATE TABLE " +
           s +
           ".journal (model_id bigint NOT NULL, sequence bigint NOT NULL, model text NOT NULL,"
           " recorded_at timestamptz NOT NULL DEFAULT now(), action text NOT NULL, alias text,"
           " version integer, client_token text, txn text NOT NULL, entry jsonb NOT NULL,"
           " PRIMARY KEY (model_id, sequence));"
           "CREATE INDEX ON " +
           s +
           ".journal (model_id, client_token) WHERE client_token IS NOT NULL;"
           "CREATE INDEX ON " +
           s + ".journal (txn);";
  case 2:
    return "CREATE TABLE " + s +
           ".bundles (digest text PRIMARY KEY, members integer NOT NULL,"
           " bytes bigint NOT NULL, stored_at timestamptz NOT NULL DEFAULT now());"
           "CREATE TABLE " +
           s + ".bundle_members (digest text NOT NULL REFERENCES " + s +
           ".bundles (digest) ON DELETE CASCADE, member text NOT NULL, bytes bytea NOT NULL,"
           " PRIMARY KEY (digest, member));";
  default:
    return {};
  }
}

/// One connection to the server with reconnection, retries and error mapping; calls are
/// serialised by a mutex (share one session between threads, or open one per thread for
/// parallel round trips).
template <class = void> // deferred: see core/json.hpp
class basic_postgres_session {
public:
  /// Connects, creates the schema and applies pending migrations (options.migrate).
  /// Throws registry_error: invalid_option (no URL, a bad schema name), unavailable,
  /// schema_too_new (written by a newer mlguard), schema_outdated (migrate off), database.
  explicit basic_postgres_session(const postgres_options& options)
      : url_(postgres_url(options.url)), schema_(options.schema), options_(options) {
    check_schema_name(schema_);
    std::random_device rd;
    token_seed_ = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
    run([&](pqxx::connection& c) { migrate(c); });
  }

  /// The URL with its password redacted, for messages.
  std::string where() const { return redact_url(url_); }
  const std::string& schema() const noexcept { return schema_; }
  const std::string& url() const noexcept { return url_; }
  const postgres_options& options() const noexcept { return options_; }
  /// The quoted schema name, for SQL text.
  const std::string& qschema() const noexcept { return qschema_; }
  /// The NOTIFY channel of this schema's changes.
  std::string channel() const { return schema_ + "_changes"; }
  /// A token unique to one write of this process (journal.txn).
  std::string next_token() {
    return std::to_string(token_seed_) + "-" + std::to_string(++token_counter_);
  }

  /// Runs fn(connection) under the session's mutex, reconnecting and retrying (with a
  /// fresh call of fn) after a lost connection or a retryable server error, and maps
  /// libpqxx's exceptions to registry errors. fn must be safe to call again: it runs one
  /// whole transaction. For a write, fn returns void and `committed(connection)` answers,
  /// after a commit whose answer was lost, whether it was recorded (fn keeps what the
  /// caller needs before it commits); when it was, run returns.
  template <class F>
  auto run(F&& fn, const std::function<bool(pqxx::connection&)>& committed = {})
      -> decltype(fn(std::declval<pqxx::connection&>())) {
    using result_t = decltype(fn(std::declval<pqxx::connection&>()));
    const std::lock_guard<std::mutex> lock(mutex_);
    auto delay = options_.retry_delay;
    std::string last;
    for (int attempt = 0;; ++attempt) {
      if (attempt > 0) {
        std::this_thread::sleep_for(delay);
        delay *= 2;
      }
      const bool last_try = attempt >= options_.retries;
      try {
        if (!conn_) {
          conn_ = std::make_unique<pqxx::connection>(url_);
        }
        if constexpr (std::is_void_v<result_t>) {
          fn(*conn_);
          return;
        } else {
          return fn(*conn_);
        }
      } catch (const pqxx::in_doubt_error& e) {
        conn_.reset();
        if (!committed) { // a read, or a migration that looks before it writes: again
          last = e.what();
          if (last_try) {
            throw_unavailable(last);
          }
          continue;
        }
        // The commit was sent and its answer lost: ask the server, on a new connection,
        // whether this transaction's token is recorded.
        if (const auto answer = ask_committed(committed)) {
          if (*answer) {
            if constexpr (std::is_void_v<result_t>) {
              return;
            } else {
              return result_t{}; // unreachable: writes (with `committed`) return void
            }
          }
          last = e.what();
          if (last_try) {
            throw_unavailable(last);
          }
          continue; // not committed: nothing was recorded, try again
        }
        // (Not libpqxx's text, which says to check by hand: the registry just tried to.)
        throw registry_error("in_doubt",
                             "the connection to PostgreSQL at " + where() +
                                 " was lost while a write committed, and the server stayed "
                                 "unreachable, so whether it was recorded is unknown; read the "
                                 "model once the server is back (a registration retried with "
                                 "its client token is safe either way)");
      } catch (const pqxx::broken_connection& e) {
        conn_.reset();
        last = e.what();
        if (last_try) {
          throw_unavailable(last);
        }
      } catch (const pqxx::sql_error& e) {
        if (!conn_ || !conn_->is_open()) {
          conn_.reset();
          last = e.what();
          if (last_try) {
            throw_unavailable(last);
          }
          continue;
        }
        const auto state = sqlstate_of(e);
        if (retryable_sqlstate(state) && !last_try) {
          continue;
        }
        throw registry_error("database", "PostgreSQL at " + where() + " refused (SQLSTATE " +
                                             state + "): " + first_line(e.what()));
      }
    }
  }

  /// The server's connection id of the current connection, or 0 (tests terminate it).
  int backend_pid() {
    const std::lock_guard<std::mutex> lock(mutex_);
    return conn_ && conn_->is_open() ? conn_->backendpid() : 0;
  }

private:
  std::optional<bool> ask_committed(const std::function<bool(pqxx::connection&)>& committed) {
    auto delay = options_.retry_delay;
    for (int attempt = 0; attempt <= options_.retries; ++attempt) {
      try {
        conn_ = std::make_unique<pqxx::connection>(url_);
        return committed(*conn_);
      } catch (const pqxx::failure&) {
        conn_.reset();
        std::this_thread::sleep_for(delay);
        delay *= 2;
      }
    }
    return std::nullopt;
  }

  static std::string first_line(const std::string& text) {
    const auto nl = text.find('\n');
    return nl == std::string::npos ? text : text.substr(0, nl);
  }

  [[noreturn]] void throw_unavailable(const std::string& why) const {
    throw registry_error("unavailable", "PostgreSQL at " + where() + " cannot be reached (" +
                                            first_line(redact_url(why)) +
                                            "); nothing was recorded, retry later");
  }

  void migrate(pqxx::connection& c) {
    qschema_ = c.quote_name(schema_);
    pqxx::work tx(c);
    // One migrator at a time per schema, across every process and machine.
    tx.exec_params("SELECT pg_advisory_xact_lock(hashtext($1))", "mlguard:" + schema_);
    const auto exists =
        tx.exec_params("SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND "
                       "table_name = 'schema_version'",
                       schema_);
    int current = 0;
    if (!exists.empty()) {
      current =
          tx.exec("SELECT coalesce(max(version), 0) FROM " + qschema_ + ".schema_version")[0][0]
              .as<int>();
    }
    if (current > postgres_schema_version) {
      throw registry_error("schema_too_new", "the mlguard schema '" + schema_ + "' at " + where() +
                                                 " is at version " + std::to_string(current) +
                                                 ", newer than this mlguard knows (" +
                                                 std::to_string(postgres_schema_version) +
                                                 "); upgrade mlguard");
    }
    if (current == postgres_schema_version) {
      tx.commit();
      return;
    }
    if (!options_.migrate) {
      throw registry_error("schema_outdated",
                           "the mlguard schema '" + schema_ + "' at " + where() +
                               " is at version " + std::to_string(current) +
                               ", this mlguard needs " + std::to_string(postgres_schema_version) +
                               " and migration is off; connect once with migrate on");
    }
    if (current == 0) {
      tx.exec("CREATE SCHEMA IF NOT EXISTS " + qschema_);
      tx.exec("CREATE TABLE IF NOT EXISTS " + qschema_ +
              ".schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL "
              "DEFAULT now())");
    }
    for (int v = current + 1; v <= postgres_schema_version; ++v) {
      tx.exec(postgres_migration(v, qschema_));
      tx.exec_params("INSERT INTO " + qschema_ + ".schema_version (version) VALUES ($1)", v);
    }
    tx.commit();
  }

  std::string url_;
  std::string schema_;
  std::string qschema_;
  postgres_options options_;
  std::mutex mutex_;
  std::unique_ptr<pqxx::connection> conn_;
  std::uint64_t token_seed_ = 0;
  std::uint64_t token_counter_ = 0;
};

/// The type to name (a class template only so that its bodies compile where used).
using postgres_session = basic_postgres_session<>;

} // namespace detail
} // namespace mlguard::registry

#endif // MLGUARD_REGISTRY_DETAIL_POSTGRES_SESSION_HPP
