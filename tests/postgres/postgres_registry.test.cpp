// postgres_registry against a real PostgreSQL server: the conformance suite every
// backend passes (registry_conformance.hpp), then what only this backend does.
#include "mlguard/registry/postgres_registry.hpp"
#include "mlguard/serving/postgres_artifact_store.hpp"

#include "postgres_fixtures.hpp"

#define MLGUARD_REGISTRY_BACKENDS test::postgres_backend
#include "registry/registry_conformance.hpp"

#include <time.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "process.hpp"

namespace {

using mlguard::test::postgres_backend;
using mlguard::test::postgres_server;
using mlguard::test::shared_postgres;

/// Runs one SQL statement as the superuser; returns the first column of each row.
std::vector<std::string> pg_sql(const std::string& sql) {
  pqxx::connection c(shared_postgres()->url());
  pqxx::work tx(c);
  std::vector<std::string> out;
  for (const auto& row : tx.exec(sql)) {
    out.push_back(row[0].is_null() ? "" : row[0].c_str());
  }
  tx.commit();
  return out;
}

#ifdef MLGUARD_POSTGRES_WORKER_PATH
/// The lines of a worker's output, split into words.
std::vector<std::vector<std::string>> pg_lines(const std::string& text) {
  std::vector<std::vector<std::string>> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string word; words >> word;) {
      w.push_back(word);
    }
    if (!w.empty()) {
      out.push_back(std::move(w));
    }
  }
  return out;
}
#endif

} // namespace

TEST_CASE("postgres: the schema is created and migrated at connect, under a version") {
  if (!postgres_backend::available()) {
    return;
  }
  postgres_backend b;
  const auto q = b.schema;
  CHECK(pg_sql("SELECT version FROM " + q + ".schema_version ORDER BY version") ==
        std::vector<std::string>{"1", "2"});
  b.reopen(); // a second connect finds it current and changes nothing
  CHECK(pg_sql("SELECT count(*) FROM " + q + ".schema_version") == std::vector<std::string>{"2"});

  SUBCASE("a schema written by a newer mlguard is refused") {
    pg_sql("INSERT INTO " + q + ".schema_version (version) VALUES (99)");
    MLGUARD_CHECK_THROWS_ID(registry::postgres_registry(b.options()),
                            "mlguard.registry.schema_too_new");
  }
  SUBCASE("with migration off, an empty schema is refused") {
    auto o = b.options();
    o.schema = postgres_server::fresh_schema();
    o.migrate = false;
    MLGUARD_CHECK_THROWS_ID(registry::postgres_registry(o), "mlguard.registry.schema_outdated");
  }
  SUBCASE("a bad schema name is refused before connecting") {
    auto o = b.options();
    o.schema = "Bad-Name";
    MLGUARD_CHECK_THROWS_ID(registry::postgres_registry(o), "mlguard.registry.invalid_option");
  }
}

TEST_CASE("postgres: the URL comes from the application or MLGUARD_REGISTRY_URL") {
  if (!postgres_backend::available()) {
    return;
  }
  postgres_backend b;
  auto o = b.options();
  const std::string url = o.url;
  o.url.clear();
  ::unsetenv("MLGUARD_REGISTRY_URL");
  MLGUARD_CHECK_THROWS_ID(registry::postgres_registry(o), "mlguard.registry.invalid_option");
  ::setenv("MLGUARD_REGISTRY_URL", url.c_str(), 1);
  registry::postgres_registry from_env(o);
  from_env.create_model("churn");
  ::unsetenv("MLGUARD_REGISTRY_URL");
  CHECK(b.reg().has_model("churn"));
}

TEST_CASE("postgres: an unreachable server is a clear error that never shows the password") {
  registry::postgres_registry_options o;
  o.url = "postgresql://alice:s3cret@/db?host=/nonexistent-mlguard-dir";
  o.retries = 1;
  o.retry_delay = std::chrono::milliseconds(1);
  try {
    registry::postgres_registry r(o);
    FAIL("connected to nothing");
  } catch (const mlguard::error& e) {
    CHECK(std::string(e.id()) == "mlguard.registry.unavailable");
    const std::string what = e.what();
    CHECK(what.find("s3cret") == std::string::npos);
    CHECK(what.find("alice:***@") != std::string::npos);
    CHECK(what.find("nothing was recorded") != std::string::npos);
  }
  CHECK(registry::detail::redact_url("host=/x password=abc user=u") ==
        "host=/x password=*** user=u");
}

TEST_CASE("postgres: registries on separate connections: one compare-and-swap wins") {
  if (!postgres_backend::available()) {
    return;
  }
  postgres_backend b;
  b.reg().create_model("churn");
  for (int i = 0; i < 3; ++i) {
    b.reg().register_version("churn", "s3://" + std::to_string(i));
  }
  b.reg().set_alias("churn", "champion", 1);
  constexpr int contenders = 6;
  std::vector<std::unique_ptr<registry::postgres_registry>> regs;
  for (int i = 0; i < contenders; ++i) {
    regs.push_back(std::make_unique<registry::postgres_registry>(b.options()));
  }
  for (int round = 0; round < 10; ++round) {
    const int from = *b.reg().alias_version("churn", "champion");
    const int to = from == 1 ? 2 : (from == 2 ? 3 : 1);
    std::vector<registry::alias_outcome> outcomes(contenders);
    std::vector<std::string> errors(contenders);
    std::vector<std::thread> pool;
    for (int i = 0; i < contenders; ++i) {
      pool.emplace_back([&, i] {
        const auto k = static_cast<std::size_t>(i);
        try {
          outcomes[k] =
              regs[k]
                  ->set_alias("churn", "champion", to, registry::alias_expectation::version(from))
                  .outcome;
        } catch (const std::exception& e) {
          errors[k] = e.what();
        }
      });
    }
    for (auto& t : pool) {
      t.join();
    }
    for (const auto& e : errors) {
      CHECK_MESSAGE(e.empty(), e);
    }
    CHECK(std::count(outcomes.begin(), outcomes.end(), registry::alias_outcome::applied) == 1);
    CHECK(std::count(outcomes.begin(), outcomes.end(), registry::alias_outcome::conflict) ==
          contenders - 1);
  }
  // Every journaled move starts where the one before it ended: no update was lost.
  std::optional<int> at;
  for (const auto& c : b.reg().alias_history("churn", "champion")) {
    CHECK(c.from == at);
    at = c.to;
  }
}

TEST_CASE("postgres: watch wakes on a commit from another connection and times out quietly") {
  if (!postgres_backend::available()) {
    return;
  }
  postgres_backend b;
  auto& reg = b.reg();
  reg.create_model("churn");
  reg.register_version("churn", "s3://1");
  const auto seq = reg.get_model("churn").sequence;
  auto o = b.options();
  o.poll_interval = std::chrono::seconds(30); // only NOTIFY can wake it early
  registry::postgres_registry watcher(o);
  const auto start = std::chrono::steady_clock::now();
  CHECK(watcher.watch("churn", seq, std::chrono::milliseconds(150)).empty());
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(150));

  registry::postgres_registry other(b.options());
  std::thread mover([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    other.set_alias("churn", "champion", 1);
  });
  const auto t0 = std::chrono::steady_clock::now();
  const auto got = watcher.watch("churn", seq, std::chrono::seconds(20));
  const auto waited = std::chrono::steady_clock::now() - t0;
  mover.join();
  REQUIRE(got.size() == 1);
  CHECK(got[0].alias == "champion");
  // Woken by NOTIFY (the poll is 30 s away): 200 ms of sleep plus a commit.
  CHECK(waited < std::chrono::milliseconds(1000));
  MLGUARD_CHECK_THROWS_ID(reg.watch("nope", 0, std::chrono::milliseconds(1)),
                          "mlguard.registry.not_found");

  // Three threads watching through one registry all wake on one move, and a short
  // timeout is kept while another thread holds the LISTEN connection.
  const auto seq2 = reg.get_model("churn").sequence;
  std::vector<std::chrono::steady_clock::duration> woke(3);
  std::vector<std::size_t> got_n(3);
  const auto t1 = std::chrono::steady_clock::now();
  std::vector<std::thread> watchers;
  for (std::size_t i = 0; i < 3; ++i) {
    watchers.emplace_back([&, i] {
      got_n[i] = watcher.watch("churn", seq2, std::chrono::seconds(20)).size();
      woke[i] = std::chrono::steady_clock::now() - t1;
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto t_short = std::chrono::steady_clock::now();
  CHECK(watcher.watch("churn", seq2, std::chrono::milliseconds(50)).empty());
  CHECK(std::chrono::steady_clock::now() - t_short < std::chrono::milliseconds(1000));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  other.delete_alias("churn", "champion");
  for (auto& t : watchers) {
    t.join();
  }
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(got_n[i] == 1);
    CHECK(woke[i] < std::chrono::milliseconds(1500));
  }
}

TEST_CASE("postgres: import_model copies a file registry's model with its whole history") {
  if (!postgres_backend::available()) {
    return;
  }
  mlguard::test::file_backend source;
  auto& from = source.reg();
  from.create_model("churn", "predicts churn", {{"team", "growth"}}, {"alice", "first"});
  version_metadata meta;
  meta.metrics["auc"] = 0.81;
  meta.client_token = "tok-1";
  from.register_version("churn", "s3://m/1", meta, {"alice", "trained"});
  source.clock.advance(std::chrono::hours(1));
  from.register_version("churn", "s3://m/2");
  from.set_version_tag("churn", 1, "stage", "old");
  from.set_alias("churn", "champion", 1, alias_expectation::absent(), {"bob", "ship"});
  source.clock.advance(std::chrono::hours(1));
  from.set_alias("churn", "champion", 2);
  from.rollback_alias("churn", "champion", {"ctl", "error rate"});
  run_record run;
  run.input = "day1.csv";
  run.counts["rows"] = 10;
  from.record_run("churn", 1, run, {"batch", ""});

  postgres_backend b;
  auto& to = dynamic_cast<registry::postgres_registry&>(b.reg());
  const auto entries = source.registry->journal_entries("churn");
  CHECK(to.import_model("churn", entries) == entries.size());
  auto dump = [](const auto& value) { return json(value).dump(); };
  CHECK(dump(to.get_model("churn")) == dump(from.get_model("churn")));
  CHECK(dump(to.list_versions("churn")) == dump(from.list_versions("churn")));
  CHECK(dump(to.audit_log("churn")) == dump(from.audit_log("churn")));
  CHECK(dump(to.runs("churn")) == dump(from.runs("churn")));
  CHECK(to.alias_at("churn", "champion", mlguard::test::test_epoch() + std::chrono::minutes(90)) ==
        1);
  CHECK(to.previous_version("churn", "champion") == from.previous_version("churn", "champion"));
  // The client token came along: a retry of that registration finds its version.
  CHECK(to.register_version("churn", "s3://m/1", meta, {"alice", "trained"}).version == 1);
  // It goes on from where the source was.
  CHECK(to.register_version("churn", "s3://m/3").version == 3);
  MLGUARD_CHECK_THROWS_ID(to.import_model("churn", entries), "mlguard.registry.already_exists");
  auto broken = entries;
  broken.erase(broken.begin() + 1);
  MLGUARD_CHECK_THROWS_ID(to.import_model("other", broken), "mlguard.registry.invalid_argument");
}

#ifdef MLGUARD_POSTGRES_WORKER_PATH
TEST_CASE("postgres: a fleet of 4 processes registers 1..1000 and every compare-and-swap has "
          "one winner") {
  if (!postgres_backend::available()) {
    return;
  }
  postgres_backend b;
  b.reg().create_model("fleet");
  constexpr int workers = 4;
  constexpr int each = 250;
  const std::string url = shared_postgres()->url();
  mlguard::test::temp_dir dir;
  const auto go = dir.file("go");
  std::vector<std::unique_ptr<mlguard::test::child_process>> kids;
  for (int i = 0; i < workers; ++i) {
    kids.push_back(std::make_unique<mlguard::test::child_process>(std::vector<std::string>{
        MLGUARD_POSTGRES_WORKER_PATH, "fleet", url, b.schema, "fleet", std::to_string(each), go}));
  }
  for (auto& k : kids) {
    REQUIRE(k->wait_for("ready\n", 30000));
  }
  dir.write("go", ""); // all four connected: start at once
  std::vector<std::vector<std::vector<std::string>>> outputs;
  for (auto& k : kids) {
    CHECK(k->wait_for("done\n", 300000));
    int status = 0;
    ::waitpid(k->pid, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    outputs.push_back(pg_lines(k->text.substr(k->text.find("ready\n") + 6)));
    ::close(k->out);
  }
  // Versions: exactly 1..1000, each acknowledged to one process.
  std::set<int> versions;
  std::map<int, std::pair<std::string, std::string>> wins; // version -> (from, process)
  std::map<std::string, int> winners_from;                 // from -> how many won from it
  for (std::size_t p = 0; p < outputs.size(); ++p) {
    int registered = 0;
    for (const auto& w : outputs[p]) {
      if (w[0] == "v") {
        CHECK(versions.insert(std::stoi(w[1])).second);
        ++registered;
      } else if (w[0] == "a") {
        wins[std::stoi(w[1])] = {w[2], std::to_string(p)};
        ++winners_from[w[2]];
      }
    }
    CHECK(registered == each);
  }
  REQUIRE(versions.size() == static_cast<std::size_t>(workers * each));
  CHECK(*versions.begin() == 1);
  CHECK(*versions.rbegin() == workers * each);
  // Every compare-and-swap from one position had exactly one winner.
  for (const auto& kv : winners_from) {
    CHECK_MESSAGE(kv.second == 1, "moves from " << kv.first);
  }
  // The journal: each alias record starts where the previous ended, its applied moves are
  // exactly the acknowledged wins, and each process's acknowledged operations appear in
  // the order it made them.
  const auto log = b.reg().audit_log("fleet");
  std::map<int, std::uint64_t> registered_at; // version -> journal sequence
  std::map<int, std::uint64_t> moved_at;      // version -> journal sequence of its move
  std::optional<int> at;
  for (const auto& r : log) {
    if (r.action == registry::audit_action::register_version) {
      registered_at[*r.version] = r.sequence;
    } else if (r.action == registry::audit_action::set_alias) {
      CHECK(r.previous_version == at);
      at = r.version;
      moved_at[*r.version] = r.sequence;
    }
  }
  CHECK(moved_at.size() == wins.size());
  for (const auto& kv : wins) {
    CHECK(moved_at.count(kv.first) == 1);
  }
  for (const auto& out : outputs) {
    std::uint64_t last = 0;
    for (const auto& w : out) {
      if (w.size() < 2) {
        continue; // "done"
      }
      const int v = std::stoi(w[1]);
      const std::uint64_t seq = w[0] == "v" ? registered_at[v] : (w[0] == "a" ? moved_at[v] : 0);
      if (seq != 0) {
        CHECK(seq > last);
        last = seq;
      }
    }
  }
  MESSAGE("fleet: " << wins.size() << " of " << workers * each << " alias moves won, " << log.size()
                    << " journal records");
}

TEST_CASE("postgres: a follower in another process sees an alias move within 100 ms") {
  if (!postgres_backend::available()) {
    return;
  }
  postgres_backend b;
  auto& reg = b.reg();
  reg.create_model("live");
  for (int i = 0; i < 3; ++i) {
    reg.register_version("live", "s3://" + std::to_string(i));
  }
  constexpr int moves = 100;
  mlguard::test::child_process follower({MLGUARD_POSTGRES_WORKER_PATH, "follow",
                                         shared_postgres()->url(), b.schema, "live",
                                         std::to_string(moves)});
  REQUIRE(follower.wait_for("ready\n", 30000));
  std::map<std::uint64_t, long long> sent; // journal sequence -> monotonic ns before the call
  for (int i = 0; i < moves; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5 + (i * 7) % 20));
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    const auto t = static_cast<long long>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
    const auto r = reg.set_alias("live", "champion", 1 + i % 3);
    REQUIRE(r.outcome == registry::alias_outcome::applied);
    sent[r.sequence] = t;
  }
  REQUIRE(follower.wait_for("w " + std::to_string(sent.rbegin()->first) + " ", 30000));
  follower.wait_for("\n__end__", 200); // whatever else it printed
  follower.kill_and_reap();
  std::vector<double> ms;
  for (const auto& w : pg_lines(follower.text)) {
    if (w[0] == "w") {
      const auto it = sent.find(std::stoull(w[1]));
      REQUIRE(it != sent.end());
      ms.push_back(static_cast<double>(std::stoll(w[2]) - it->second) / 1e6);
    }
  }
  REQUIRE(ms.size() == static_cast<std::size_t>(moves));
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double p) {
    return ms[std::min(ms.size() - 1,
                       static_cast<std::size_t>(p * static_cast<double>(ms.size())))];
  };
  MESSAGE("alias move -> follower woken (ms, from before set_alias, "
          << moves << " moves): min " << ms.front() << " p50 " << pct(0.5) << " p90 " << pct(0.9)
          << " p99 " << pct(0.99) << " max " << ms.back());
  CHECK(pct(0.5) < 100.0);
  CHECK(pct(0.9) < 100.0);
}

namespace {

/// What churn workers acknowledged and the errors they saw.
struct pg_churn_log {
  std::set<int> registered, moved;
  std::vector<std::string> errors;
  int acks_after_last_error = 0;
};

pg_churn_log pg_read_churn(const std::string& text) {
  pg_churn_log out;
  for (const auto& w : pg_lines(text)) {
    if (w[0] == "v" && w.size() == 2) {
      out.registered.insert(std::stoi(w[1]));
      ++out.acks_after_last_error;
    } else if (w[0] == "a" && w.size() == 2) {
      out.moved.insert(std::stoi(w[1]));
    } else if (w[0] == "e") {
      std::string line;
      for (const auto& word : w) {
        line += word + " ";
      }
      out.errors.push_back(line);
      out.acks_after_last_error = 0;
    }
  }
  return out;
}

/// Every acknowledged write of `log` is in the registry.
void pg_check_acknowledged(mlguard::registry::model_registry& reg, const pg_churn_log& log) {
  std::set<int> versions, moves;
  for (const auto& v : reg.list_versions("churn")) {
    versions.insert(v.version);
  }
  for (const auto& c : reg.alias_history("churn", "champion")) {
    moves.insert(c.to.value_or(0));
  }
  for (int v : log.registered) {
    CHECK_MESSAGE(versions.count(v) == 1, "acknowledged version " << v << " is lost");
  }
  for (int v : log.moved) {
    CHECK_MESSAGE(moves.count(v) == 1, "acknowledged move to " << v << " is lost");
  }
}

/// `n` churn workers writing to model "churn" of `b`'s schema, each on its own connection.
std::vector<std::unique_ptr<mlguard::test::child_process>> pg_start_churn(const postgres_backend& b,
                                                                          int n) {
  std::vector<std::unique_ptr<mlguard::test::child_process>> kids;
  for (int i = 0; i < n; ++i) {
    kids.push_back(std::make_unique<mlguard::test::child_process>(std::vector<std::string>{
        MLGUARD_POSTGRES_WORKER_PATH, "churn", shared_postgres()->url(), b.schema, "churn"}));
    REQUIRE(kids.back()->wait_for("ready\n", 30000));
  }
  return kids;
}

/// Stops the churn workers and merges what they acknowledged and the errors they saw.
/// Checks that every error was unavailable or in_doubt, that each worker went on
/// acknowledging writes after its last error, and, with `expect_errors`, that each saw one.
pg_churn_log pg_stop_churn(std::vector<std::unique_ptr<mlguard::test::child_process>>& kids,
                           bool expect_errors) {
  pg_churn_log all;
  for (auto& k : kids) {
    k->kill_and_reap();
    const auto log = pg_read_churn(k->text);
    all.registered.insert(log.registered.begin(), log.registered.end());
    all.moved.insert(log.moved.begin(), log.moved.end());
    all.errors.insert(all.errors.end(), log.errors.begin(), log.errors.end());
    if (expect_errors) {
      CHECK(!log.errors.empty());
    }
    for (const auto& e : log.errors) {
      CHECK_MESSAGE((e.rfind("e mlguard.registry.unavailable", 0) == 0 ||
                     e.rfind("e mlguard.registry.in_doubt", 0) == 0),
                    e);
    }
    CHECK(log.acks_after_last_error > 0); // it kept going
  }
  return all;
}

} // namespace

TEST_CASE("postgres: connections killed mid-transaction lose no acknowledged write") {
  if (!postgres_backend::available()) {
    return;
  }
  postgres_backend b;
  b.reg().create_model("churn");
  auto kids = pg_start_churn(b, 2);
  int killed = 0;
  for (int round = 0; round < 60; ++round) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10 + (round * 13) % 30));
    killed += static_cast<int>(
        pg_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE backend_type = "
               "'client backend' AND pid <> pg_backend_pid()")
            .size());
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300)); // let them write again
  const pg_churn_log all = pg_stop_churn(kids, false);
  MESSAGE(killed << " connections killed; " << all.registered.size() << " registrations and "
                 << all.moved.size() << " alias moves acknowledged");
  CHECK(killed > 20);
  CHECK(all.registered.size() > 20);
  b.reopen(); // its own connection was killed too
  pg_check_acknowledged(b.reg(), all);
}

TEST_CASE("postgres: a server restart while 2 processes write: clear errors, then they go on") {
  if (!postgres_backend::available()) {
    return;
  }
  postgres_backend b;
  b.reg().create_model("churn");
  auto kids = pg_start_churn(b, 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  shared_postgres()->stop();
  std::this_thread::sleep_for(std::chrono::milliseconds(2000)); // longer than a call's retries
  shared_postgres()->start();
  for (auto& k : kids) {
    // Each reconnects on its own and acknowledges writes again.
    REQUIRE(k->wait_for("e mlguard.registry.unavailable", 5000));
    for (int i = 0; i < 200 && pg_read_churn(k->text).acks_after_last_error < 3; ++i) {
      k->wait_for("\n__more__", 50);
    }
  }
  const pg_churn_log all = pg_stop_churn(kids, true);
  for (const auto& e : all.errors) {
    // unavailable: nothing recorded; in_doubt: the server went away during a commit and
    // stayed away while the registry asked whether it was recorded.
    CHECK_MESSAGE((e.find("cannot be reached") != std::string::npos ||
                   e.find("stayed unreachable") != std::string::npos),
                  e);
  }
  b.reopen();
  pg_check_acknowledged(b.reg(), all);
}
#endif // MLGUARD_POSTGRES_WORKER_PATH

TEST_CASE("postgres: a commit whose answer was lost is looked up, not guessed") {
  if (!postgres_backend::available()) {
    return;
  }
  postgres_backend b; // a migrated schema
  registry::postgres_options o;
  o.url = shared_postgres()->url();
  o.schema = b.schema;
  o.retry_delay = std::chrono::milliseconds(1);
  registry::detail::postgres_session session(o);
  pg_sql("CREATE TABLE " + b.schema + ".lost (token text)");
  auto rows = [&] { return pg_sql("SELECT count(*) FROM " + b.schema + ".lost")[0]; };
  auto recorded = [&](const std::string& token) {
    return [&, token](pqxx::connection& c) {
      pqxx::read_transaction tx(c);
      return !tx.exec_params("SELECT 1 FROM " + b.schema + ".lost WHERE token = $1", token).empty();
    };
  };
  int calls = 0;
  SUBCASE("committed: success, and the write is not made twice") {
    session.run(
        [&](pqxx::connection& c) {
          ++calls;
          pqxx::work tx(c);
          tx.exec_params("INSERT INTO " + b.schema + ".lost VALUES ($1)", "a");
          tx.commit();
          throw pqxx::in_doubt_error("the answer to COMMIT was lost (simulated)");
        },
        recorded("a"));
    CHECK(calls == 1);
    CHECK(rows() == "1");
  }
  SUBCASE("not committed: tried again, recorded once") {
    session.run(
        [&](pqxx::connection& c) {
          if (++calls == 1) {
            throw pqxx::in_doubt_error("the connection died before COMMIT arrived (simulated)");
          }
          pqxx::work tx(c);
          tx.exec_params("INSERT INTO " + b.schema + ".lost VALUES ($1)", "b");
          tx.commit();
        },
        recorded("b"));
    CHECK(calls == 2);
    CHECK(rows() == "1");
  }
  SUBCASE("a read whose commit's answer was lost is read again (no libpqxx error escapes)") {
    const auto n = session.run([&](pqxx::connection& c) {
      pqxx::read_transaction tx(c);
      const auto r = tx.exec("SELECT count(*) FROM " + b.schema + ".lost")[0][0].as<int>();
      if (++calls == 1) {
        throw pqxx::in_doubt_error("the answer to COMMIT was lost (simulated)");
      }
      return r;
    });
    CHECK(calls == 2);
    CHECK(n == 0);
  }
  SUBCASE("a lost connection before the commit: reconnects and tries again") {
    session.run([&](pqxx::connection&) {
      if (++calls < 3) {
        throw pqxx::broken_connection("server closed the connection (simulated)");
      }
    });
    CHECK(calls == 3);
  }
  SUBCASE("a server that refuses: mlguard.registry.database with the SQLSTATE") {
    try {
      session.run([&](pqxx::connection& c) {
        pqxx::work tx(c);
        tx.exec("SELECT * FROM " + b.schema + ".no_such_table");
      });
      FAIL("no error");
    } catch (const mlguard::error& e) {
      CHECK(std::string(e.id()) == "mlguard.registry.database");
      CHECK(std::string(e.what()).find("42P01") != std::string::npos);
    }
  }
}

TEST_CASE("postgres: the privileges docs/fleet.md lists are enough, and a missing one is clear") {
  if (!postgres_backend::available()) {
    return;
  }
  const auto tag = postgres_server::fresh_schema(); // unique: roles are cluster-wide
  const auto admin = "admin_" + tag, app = "app_" + tag, reader = "reader_" + tag;
  const auto schema = "fleet_" + tag;
  for (const auto& role : {admin, app, reader}) {
    pg_sql("CREATE ROLE " + role + " LOGIN");
  }
  pg_sql("GRANT CREATE ON DATABASE postgres TO " + admin);
  registry::postgres_registry_options o;
  o.schema = schema;
  o.url = shared_postgres()->url("postgres", admin);
  { registry::postgres_registry first(o); } // the admin creates and migrates the schema
  pg_sql("GRANT USAGE ON SCHEMA " + schema + " TO " + app + ", " + reader);
  pg_sql("GRANT SELECT ON ALL TABLES IN SCHEMA " + schema + " TO " + app + ", " + reader);
  pg_sql("GRANT INSERT, UPDATE, DELETE ON " + schema + ".models, " + schema + ".versions, " +
         schema + ".journal, " + schema + ".bundles, " + schema + ".bundle_members TO " + app);
  pg_sql("GRANT USAGE ON SEQUENCE " + schema + ".models_id_seq TO " + app);

  o.migrate = false;
  o.url = shared_postgres()->url("postgres", app);
  registry::postgres_registry publisher(o);
  publisher.create_model("churn");
  publisher.register_version("churn", "s3://1");
  publisher.register_version("churn", "s3://2");
  CHECK(publisher.set_alias("churn", "champion", 2).outcome == registry::alias_outcome::applied);
  CHECK(publisher.set_alias("churn", "champion", 1).outcome == registry::alias_outcome::applied);
  CHECK(publisher.rollback_alias("churn", "champion").outcome == registry::alias_outcome::applied);
  CHECK(publisher.set_alias("churn", "champion", 1).outcome == registry::alias_outcome::applied);
  publisher.record_run("churn", 1, {});
  publisher.create_model("scratch");
  publisher.delete_model("scratch");
  registry::postgres_options store_options = o;
  serving::postgres_artifact_store store(store_options);
  store.put("sha256:" + std::string(64, 'c'), {{"m", "bytes"}});
  CHECK(store.read("sha256:" + std::string(64, 'c'), "m") == std::string("bytes"));

  o.url = shared_postgres()->url("postgres", reader);
  registry::postgres_registry follower(o);
  CHECK(follower.alias_version("churn", "champion") == 1);
  CHECK(follower.list_versions("churn").size() == 2);
  CHECK(follower.watch("churn", 0, std::chrono::milliseconds(10)).size() == 8);
  try {
    follower.set_alias("churn", "champion", 2);
    FAIL("a role with SELECT only moved an alias");
  } catch (const mlguard::error& e) {
    CHECK(std::string(e.id()) == "mlguard.registry.database");
    CHECK_MESSAGE(std::string(e.what()).find("42501") != std::string::npos, std::string(e.what()));
  }
}
