#ifndef MLGUARD_REGISTRY_POSTGRES_REGISTRY_HPP
#define MLGUARD_REGISTRY_POSTGRES_REGISTRY_HPP

// postgres_registry: the model registry in a PostgreSQL database, for a fleet of
// machines that share one registry. An optional component: it needs libpqxx (Debian:
// libpqxx-dev) and the CMake target mlguard::postgres; mlguard.hpp does not include it.
//
// Layout (in the schema postgres_options::schema, "mlguard" by default):
//   schema_version  one row per migration applied (at connect, under an advisory lock);
//   models          one row per live model: id, name, journal sequence, its document;
//   versions        one row per version: its document (without aliases);
//   journal         the audit journal, one row per change (the journal_entry JSON of
//                   the file backend, plus columns to query): it outlives its model;
//   bundles, bundle_members   the artifact store (serving/postgres_artifact_store.hpp).
//
// A write is one transaction: lock the model's row (SELECT ... FOR UPDATE), decide from
// the state read under the lock (compare-and-swap, guards, the next version number),
// update the row and the version, append the journal row, NOTIFY, commit. Writers of
// one model queue on its row, so no update is lost and the journal's order is the order
// of the commits. The journal row carries a token of the transaction: after a commit
// whose answer was lost, the registry asks the server whether the token is there, so an
// acknowledged write is recorded and an unacknowledged one either is or is retried.
//
// watch() LISTENs on a second connection and wakes within milliseconds of a commit;
// when that connection is down it polls every postgres_registry_options::poll_interval.
//
// Errors, beyond the interface's: mlguard.registry.unavailable (server unreachable;
// nothing recorded), in_doubt, database (the server refused), schema_too_new,
// schema_outdated, invalid_option (no URL, a bad schema name); see docs/fleet.md.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "mlguard/core/clock.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/registry/detail/journaled_registry.hpp"
#include "mlguard/registry/detail/postgres_session.hpp"
#include "mlguard/registry/model_registry.hpp"
#include "mlguard/registry/names.hpp"

namespace mlguard::registry {

/// How a postgres_registry connects and behaves.
struct postgres_registry_options : postgres_options {
  /// The clock of created_at and audit timestamps; null means system_clock. Must outlive
  /// the registry.
  const clock_source* clock = nullptr;
  /// How often watch() checks when its LISTEN connection is down.
  std::chrono::milliseconds poll_interval{250};
};

/// The PostgreSQL model registry (layout and transactions in the comment at the top of
/// postgres_registry.hpp).
///
/// Thread-safety: safe to share between threads; one connection serialises its calls
/// (a mutex), watch() uses a second one, shared by the threads that watch. Safe between processes
/// and machines: the server's row locks. Transition guards run inside the write transaction
/// (holding the model's row lock) and must not call back into the registry.
///
/// Cost: every call is one transaction of a few round trips. On a local socket
/// (bench_postgres, -O2, fsync off): a write (register_version, set_alias) 0.55 ms,
/// resolve() 0.25 ms, a changes_since that finds nothing 0.16 ms; a server across a
/// network adds its round trips.
template <class = void> // deferred: see core/json.hpp
class basic_postgres_registry final : public detail::journaled_registry {
public:
  /// Connects and migrates the schema. Throws registry_error: invalid_option,
  /// unavailable, schema_too_new, schema_outdated, database.
  explicit basic_postgres_registry(const postgres_registry_options& options = {})
      : detail::journaled_registry(options.clock != nullptr ? *options.clock
                                                            : system_clock::instance()),
        options_(options), session_(options) {}

  /// The URL with its password redacted.
  std::string where() const { return session_.where(); }

  std::vector<std::string> model_names() const override {
    return session_.run([&](pqxx::connection& c) {
      pqxx::read_transaction tx(c);
      std::vector<std::string> out;
      for (const auto& row : tx.exec("SELECT name FROM " + q() + ".models ORDER BY name")) {
        out.push_back(row[0].template as<std::string>());
      }
      return out;
    });
  }

  std::vector<audit_record> changes_since(const std::string& name,
                                          std::uint64_t sequence) const override {
    validate_model_name(name);
    return session_.run([&](pqxx::connection& c) {
      snapshot_tx tx(c);
      const auto model =
          tx.exec_params("SELECT id, sequence FROM " + q() + ".models WHERE name = $1", name);
      if (model.empty()) {
        detail::throw_model_not_found(name);
      }
      std::vector<audit_record> out;
      if (model[0][1].template as<std::uint64_t>() <= sequence) {
        return out; // the cheap path of a poll that finds nothing new
      }
      for (const auto& row : tx.exec_params("SELECT entry FROM " + q() +
                                                ".journal WHERE model_id = $1 AND sequence > $2 "
                                                "ORDER BY sequence",
                                            model[0][0].template as<std::int64_t>(),
                                            static_cast<std::int64_t>(sequence))) {
        out.push_back(entry_of(row[0]).record);
      }
      return out;
    });
  }

  /// Waits until the model's journal has records after `sequence`, or `timeout` passes,
  /// and returns them (oldest first; empty on timeout). Woken by NOTIFY within
  /// milliseconds of the commit; polls every poll_interval while LISTEN is unavailable.
  /// Threads that watch at once share the LISTEN connection: one waits on it, the others
  /// on its wake-ups. Throws mlguard.registry.not_found, unavailable (from changes_since).
  std::vector<audit_record> watch(const std::string& name, std::uint64_t sequence,
                                  std::chrono::milliseconds timeout) const override {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::uint64_t generation = 0;
    {
      const std::lock_guard<std::mutex> lock(listen_mutex_);
      if (!awaiting_) {
        listen(); // LISTEN before the first check, so no commit falls in between
      }
      generation = wake_generation_;
    }
    for (;;) {
      auto out = changes_since(name, sequence);
      const auto now = std::chrono::steady_clock::now();
      if (!out.empty() || now >= deadline) {
        return out;
      }
      const auto wait =
          std::min(std::chrono::duration_cast<std::chrono::microseconds>(deadline - now),
                   std::chrono::microseconds(options_.poll_interval));
      std::unique_lock<std::mutex> lock(listen_mutex_);
      if (wake_generation_ == generation && awaiting_) {
        // Another thread waits on the connection: wait for its next wake-up.
        wake_.wait_for(lock, wait, [&] { return wake_generation_ != generation; });
      } else if (wake_generation_ == generation) {
        const bool listening = listen();
        awaiting_ = true;
        lock.unlock();
        bool broken = false;
        if (listening) {
          try {
            listener_->await_notification(static_cast<long>(wait.count() / 1000000),
                                          static_cast<long>(wait.count() % 1000000));
          } catch (const pqxx::failure&) {
            broken = true;
          }
        } else {
          std::this_thread::sleep_for(wait);
        }
        lock.lock();
        if (broken) {
          receiver_.reset();
          listener_.reset(); // polls until it reconnects
        }
        awaiting_ = false;
        ++wake_generation_;
        wake_.notify_all();
      }
      generation = wake_generation_; // something may have changed: look again
    }
  }

  /// Copies a model, its whole journal as it is (sequence numbers, times, actors,
  /// reasons, documents), from another backend (journal_entries of a file_registry) into
  /// this one, in one transaction: afterwards audit_log, list_versions, aliases and runs
  /// read the same as in the source. Returns the number of records copied. Throws
  /// mlguard.registry.already_exists (the model exists here), mlguard.registry.invalid_argument
  /// (a journal that does not start with create_model, skips a sequence number, names
  /// another model, or ends with the model deleted), unavailable, database.
  std::size_t import_model(const std::string& name,
                           const std::vector<detail::journal_entry>& entries) {
    validate_model_name(name);
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const auto& r = entries[i].record;
      if (r.sequence != i + 1 || r.model != name ||
          (i == 0) != (r.action == audit_action::create_model) ||
          r.action == audit_action::delete_model ||
          (r.action == audit_action::register_version && !entries[i].version_document)) {
        throw registry_error("invalid_argument",
                             "the journal of model '" + name + "' cannot be imported: record " +
                                 std::to_string(i + 1) + " is " + to_string(r.action) +
                                 " with sequence " + std::to_string(r.sequence) + " of model '" +
                                 r.model + "'");
      }
    }
    if (entries.empty()) {
      throw registry_error("invalid_argument", "the journal of model '" + name + "' is empty");
    }
    std::string token;
    session_.run(
        [&](pqxx::connection& c) {
          token = session_.next_token();
          pqxx::work tx(c);
          detail::model_state s;
          if (load_state(tx, name, true, s)) {
            throw registry_error("already_exists", "model '" + name + "' already exists in " +
                                                       where() + " (schema " + session_.schema() +
                                                       ")");
          }
          for (const auto& e : entries) {
            detail::apply(s, e);
          }
          const json model_doc = s.model;
          const auto id = tx.exec_params("INSERT INTO " + q() +
                                             ".models (name, sequence, document) VALUES ($1, $2, "
                                             "$3) RETURNING id",
                                         name, static_cast<std::int64_t>(s.model.sequence),
                                         model_doc.dump())[0][0]
                              .template as<std::int64_t>();
          for (const auto& [number, version] : s.versions) {
            json doc = version;
            doc.erase("aliases");
            tx.exec_params("INSERT INTO " + q() +
                               ".versions (model_id, version, document) VALUES ($1, $2, $3)",
                           id, number, doc.dump());
          }
          for (const auto& e : entries) {
            const auto& r = e.record;
            tx.exec_params("INSERT INTO " + q() +
                               ".journal (model_id, sequence, model, action, alias, version, "
                               "client_token, txn, entry) VALUES ($1, $2, $3, $4, $5, $6, $7, "
                               "$8, $9)",
                           id, static_cast<std::int64_t>(r.sequence), name, to_string(r.action),
                           opt(r.alias), r.version, opt(r.client_token), token,
                           detail::entry_to_json(e).dump());
          }
          tx.exec_params("SELECT pg_notify($1, $2)", session_.channel(),
                         name + " " + std::to_string(s.model.sequence));
          tx.commit();
        },
        [&](pqxx::connection& c) {
          pqxx::read_transaction tx(c);
          return !tx.exec_params("SELECT 1 FROM " + q() + ".journal WHERE txn = $1", token).empty();
        });
    return entries.size();
  }

protected:
  /// The registration made with `token` (journal rows are indexed by it).
  std::optional<detail::client_token_record>
  find_client_token(const std::string& name, const detail::model_state& s,
                    const std::string& token) const override {
    (void)name;
    (void)s;
    const auto r = tx_->exec_params("SELECT entry FROM " + q() +
                                        ".journal WHERE model_id = $1 AND client_token = $2",
                                    model_id_, token);
    if (r.empty()) {
      return std::nullopt;
    }
    const auto e = entry_of(r[0][0]);
    return detail::client_token_record{e.version_document->version,
                                       detail::registration_request(*e.version_document)};
  }

  void read_model(const std::string& name,
                  const std::function<void(detail::model_state&)>& fn) const override {
    session_.run([&](pqxx::connection& c) {
      snapshot_tx tx(c);
      detail::model_state s;
      if (!load_state(tx, name, false, s)) {
        detail::throw_model_not_found(name);
      }
      const current scope(*this, tx, model_id_);
      fn(s);
    });
  }

  const model_version& load_version(const std::string& name, detail::model_state& s,
                                    int version) const override {
    const auto it = s.versions.find(version);
    if (it != s.versions.end()) {
      return it->second;
    }
    const auto r = tx_->exec_params("SELECT document FROM " + q() +
                                        ".versions WHERE model_id = $1 AND version = $2",
                                    model_id_, version);
    if (r.empty()) {
      detail::throw_version_not_found(name, version);
    }
    auto v = json::parse(r[0][0].c_str()).template get<model_version>();
    return s.versions.emplace(version, std::move(v)).first->second;
  }

  std::uint64_t write_model(const std::string& name, const decide_fn& decide) override {
    std::uint64_t sequence = 0;
    std::string token;
    session_.run(
        [&](pqxx::connection& c) {
          sequence = 0;
          token = session_.next_token();
          pqxx::work tx(c);
          detail::model_state s;
          const bool exists = load_state(tx, name, true, s);
          const current scope(*this, tx, exists ? model_id_ : 0);
          auto entry = decide(exists ? &s : nullptr);
          if (!entry) {
            return; // nothing to write; the transaction rolls back, releasing the lock
          }
          entry->record.model = name;
          entry->record.sequence = (exists ? s.model.sequence : 0) + 1;
          detail::apply(s, *entry);
          std::int64_t id = model_id_;
          json model_doc = s.model;
          if (!exists) {
            id = tx.exec_params("INSERT INTO " + q() +
                                    ".models (name, sequence, document) VALUES ($1, $2, $3) "
                                    "RETURNING id",
                                name, static_cast<std::int64_t>(entry->record.sequence),
                                model_doc.dump())[0][0]
                     .template as<std::int64_t>();
          } else if (s.deleted) {
            tx.exec_params("DELETE FROM " + q() + ".models WHERE id = $1", id);
          } else {
            tx.exec_params("UPDATE " + q() +
                               ".models SET sequence = $2, document = $3 WHERE id = $1",
                           id, static_cast<std::int64_t>(entry->record.sequence), model_doc.dump());
          }
          if (const auto v = detail::version_touched(*entry); v && !s.deleted) {
            json doc = s.versions.at(*v);
            doc.erase("aliases");
            tx.exec_params("INSERT INTO " + q() +
                               ".versions (model_id, version, document) VALUES ($1, $2, $3) "
                               "ON CONFLICT (model_id, version) DO UPDATE SET document = "
                               "EXCLUDED.document",
                           id, *v, doc.dump());
          }
          const json j = detail::entry_to_json(*entry);
          const auto& r = entry->record;
          tx.exec_params(
              "INSERT INTO " + q() +
                  ".journal (model_id, sequence, model, action, alias, version, "
                  "client_token, txn, entry) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
              id, static_cast<std::int64_t>(r.sequence), name, to_string(r.action), opt(r.alias),
              r.version, opt(r.client_token), token, j.dump());
          tx.exec_params("SELECT pg_notify($1, $2)", session_.channel(),
                         name + " " + std::to_string(r.sequence));
          sequence = r.sequence;
          tx.commit();
        },
        [&](pqxx::connection& c) {
          pqxx::read_transaction tx(c);
          return !tx.exec_params("SELECT 1 FROM " + q() + ".journal WHERE txn = $1", token).empty();
        });
    return sequence;
  }

  void visit_journal(const std::string& name, const detail::model_state& s,
                     const std::function<bool(detail::journal_entry&&)>& visit) const override {
    (void)name;
    const auto r = tx_->exec_params("SELECT entry FROM " + q() +
                                        ".journal WHERE model_id = $1 AND sequence <= $2 "
                                        "ORDER BY sequence",
                                    model_id_, static_cast<std::int64_t>(s.model.sequence));
    for (const auto& row : r) {
      if (!visit(entry_of(row[0]))) {
        return;
      }
    }
  }

  void collect_runs(const std::string& name, detail::model_state& s, std::optional<int> version,
                    std::vector<run_record>& out) const override {
    (void)name;
    const auto r = tx_->exec_params(
        "SELECT entry FROM " + q() +
            ".journal WHERE model_id = $1 AND sequence <= $2 AND action = 'record_run' AND "
            "($3::integer IS NULL OR version = $3) ORDER BY sequence",
        model_id_, static_cast<std::int64_t>(s.model.sequence), version);
    for (const auto& row : r) {
      out.push_back(detail::run_from(entry_of(row[0])));
    }
  }

private:
  using snapshot_tx = detail::snapshot_transaction;

  /// Points tx_ and model_id_ at the transaction in progress for the calls it makes back
  /// (load_version, visit_journal, ...); the session's mutex makes them this thread's.
  class current {
  public:
    current(const basic_postgres_registry& r, pqxx::transaction_base& tx, std::int64_t id) : r_(r) {
      r_.tx_ = &tx;
      r_.model_id_ = id;
    }
    ~current() { r_.tx_ = nullptr; }
    current(const current&) = delete;
    current& operator=(const current&) = delete;

  private:
    const basic_postgres_registry& r_;
  };

  const std::string& q() const { return session_.qschema(); }

  /// SQL NULL for an empty text.
  static std::optional<std::string> opt(const std::string& text) {
    return text.empty() ? std::nullopt : std::optional<std::string>(text);
  }

  static detail::journal_entry entry_of(const pqxx::field& f) {
    return detail::entry_from_json(json::parse(f.c_str()), "the PostgreSQL journal");
  }

  /// Reads the model's row (locking it for a write) into s; false when it does not exist.
  bool load_state(pqxx::transaction_base& tx, const std::string& name, bool lock,
                  detail::model_state& s) const {
    const auto r = tx.exec_params("SELECT id, sequence, document FROM " + q() +
                                      ".models WHERE name = $1" + (lock ? " FOR UPDATE" : ""),
                                  name);
    if (r.empty()) {
      return false;
    }
    model_id_ = r[0][0].template as<std::int64_t>();
    s.model = json::parse(r[0][2].c_str()).template get<registered_model>();
    s.model.sequence = r[0][1].template as<std::uint64_t>();
    return true;
  }

  /// LISTENs on the second connection when it is not already; false when it cannot.
  bool listen() const {
    if (listener_ && listener_->is_open()) {
      return true;
    }
    receiver_.reset();
    listener_.reset();
    try {
      listener_ = std::make_unique<pqxx::connection>(session_.url());
      receiver_ = std::make_unique<wake_receiver>(*listener_, session_.channel());
      return true;
    } catch (const pqxx::failure&) {
      receiver_.reset();
      listener_.reset();
      return false;
    }
  }

  /// Receives NOTIFY: await_notification returns on any, and watch looks again.
  class wake_receiver final : public pqxx::notification_receiver {
  public:
    using pqxx::notification_receiver::notification_receiver;
    void operator()(const std::string&, int) override {}
  };

  postgres_registry_options options_;
  mutable detail::postgres_session session_;
  mutable pqxx::transaction_base* tx_ = nullptr;
  mutable std::int64_t model_id_ = 0;
  mutable std::mutex listen_mutex_; // guards what follows, except the await itself
  mutable std::condition_variable wake_;
  mutable bool awaiting_ = false; // a thread waits on listener_ (it alone touches it)
  mutable std::uint64_t wake_generation_ = 0;
  mutable std::unique_ptr<pqxx::connection> listener_;
  mutable std::unique_ptr<wake_receiver> receiver_;
};

/// The type to name (a class template only so that its bodies compile where used).
using postgres_registry = basic_postgres_registry<>;

} // namespace mlguard::registry

#endif // MLGUARD_REGISTRY_POSTGRES_REGISTRY_HPP
