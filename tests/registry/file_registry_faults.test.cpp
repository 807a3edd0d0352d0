// file_registry when storage fails or may only be read: writes that fail before or
// after their commit point (a full disk, a file-size limit, a blocked document),
// client-token retries across those failures, read-only consumers (another user's
// files, a read-only mount), a root that is a file, and a model with 20,000 versions.
//
// Tests that must change what a test process should not (its mount namespace, its user,
// its file-size limit) run their registry calls in a forked child, which reports what it
// saw as lines of text; the parent asserts on them.
#include "mlguard/registry/file_registry.hpp"

#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "registry_fixtures.hpp"

using namespace mlguard;
using namespace mlguard::registry;

namespace registry_faults_test {

constexpr uid_t nobody = 65534;

/// What a forked child reported: its exit status and the text it wrote.
struct child_report {
  int status = -1;
  std::string out;
};

/// Runs `fn(out)` in a forked child; fn returns the child's exit status and appends
/// its report to `out`. Exit status 77 means "cannot run here" (the reason in out).
template <class Fn>
child_report in_child(Fn&& fn) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    std::string out;
    int status = 0;
    try {
      status = fn(out);
    } catch (const std::exception& e) {
      out += std::string("problem: exception: ") + e.what() + "\n";
      status = 100;
    }
    const char* p = out.data();
    std::size_t left = out.size();
    while (left > 0) {
      const ssize_t n = ::write(fds[1], p, left);
      if (n <= 0) {
        break;
      }
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    ::_exit(status);
  }
  ::close(fds[1]);
  child_report r;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    if (n > 0) {
      r.out.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

/// Fails the test for every "problem: " line of a child's report.
void check_no_problems(const child_report& r) {
  std::istringstream lines(r.out);
  std::string line;
  while (std::getline(lines, line)) {
    CHECK_MESSAGE(line.rfind("problem: ", 0) != 0, line);
  }
}

/// The number after "NAME=" in a child's report, or -1.
long reported(const child_report& r, const std::string& name) {
  const auto at = r.out.find(name + "=");
  return at == std::string::npos ? -1 : std::atol(r.out.c_str() + at + name.size() + 1);
}

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

/// In a child: a private mount namespace (as root; otherwise in a user namespace where
/// the system allows them), so that mounts made here vanish with the child.
/// Returns an empty string, or why there is none.
std::string private_mounts() {
  if (::unshare(CLONE_NEWNS) != 0) {
    const std::string as_is = errno_text("unshare(CLONE_NEWNS)");
    const auto uid = ::geteuid();
    const auto gid = ::getegid();
    if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) {
      return as_is + "; " + errno_text("unshare(CLONE_NEWUSER | CLONE_NEWNS)");
    }
    write_text("/proc/self/setgroups", "deny");
    write_text("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1");
    write_text("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1");
  }
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return errno_text("mount --make-rprivate /");
  }
  return {};
}

/// In a child run as root: becomes user and group nobody (65534).
void become_nobody() {
  if (::setgroups(0, nullptr) != 0 || ::setgid(nobody) != 0 || ::setuid(nobody) != 0) {
    throw std::runtime_error(errno_text("cannot become nobody"));
  }
}

/// fsync on: the real write path (on tmpfs a no-op, so cheap).
file_registry_options sync_options(bool fsync = true) {
  file_registry_options o;
  o.fsync = fsync;
  return o;
}

/// model.json's journal_offset and the journal's size: equal when the documents are
/// current, the first smaller when a write committed but its documents are behind.
std::pair<long long, long long> snapshot_and_journal(const std::string& root,
                                                     const std::string& model) {
  const auto dir = root + "/models/" + model;
  const auto snapshot = parse_json(test::read_file(dir + "/model.json"), "model.json");
  struct stat st;
  if (::stat((dir + "/journal.jsonl").c_str(), &st) != 0) {
    return {-1, -1};
  }
  return {snapshot["journal_offset"].get<long long>(), static_cast<long long>(st.st_size)};
}

/// What a client was told about its writes to one model, to compare with what the
/// registry holds.
struct client_log {
  struct registration {
    std::string uri;
    version_metadata metadata;
    int version = 0; // 0: reported failed
  };
  std::map<std::string, registration> registrations;       // by client token
  std::map<std::pair<int, std::string>, std::string> tags; // acknowledged version tags
  std::set<std::pair<int, std::string>> refused_tags;
  std::optional<int> alias;  // where the last acknowledged move put "champion"
  std::string description;   // the last acknowledged model description
  std::uint64_t records = 1; // journal records acknowledged (create_model is the first)
  int failures = 0;          // calls that reported an error
  int behind = 0;            // acknowledged calls that left the documents behind the journal
  int acknowledged = 0;

  std::vector<int> versions() const {
    std::vector<int> out;
    for (const auto& kv : registrations) {
      if (kv.second.version != 0) {
        out.push_back(kv.second.version);
      }
    }
    return out;
  }
};

/// One client call against `model`, chosen by `rng`, logged as acknowledged or failed.
/// Registrations carry a client token and 0-60 tags, so records and documents vary in
/// size and the disk runs out at every step of a write.
void random_write(file_registry& reg, const std::string& root, const std::string& model,
                  client_log& log, std::mt19937& rng, int serial) {
  const auto versions = log.versions();
  const int kind = versions.empty() ? 0 : static_cast<int>(rng() % 5);
  try {
    if (kind <= 1) {
      const std::string token = "t" + std::to_string(serial);
      auto& r = log.registrations[token];
      r.uri = "s3://bucket/" + token;
      r.metadata.client_token = token;
      r.metadata.metrics["auc"] = 0.5 + static_cast<double>(rng() % 500) / 1000.0;
      const auto tags = rng() % 61;
      for (std::size_t i = 0; i < tags; ++i) {
        r.metadata.tags["tag" + std::to_string(i)] = std::string(rng() % 40, 'v');
      }
      r.version = reg.register_version(model, r.uri, r.metadata, {"client", "disk test"}).version;
    } else if (kind == 2) {
      const int v = versions[rng() % versions.size()];
      const std::string key = "k" + std::to_string(serial);
      const std::string value(rng() % 300, 'x');
      try {
        reg.set_version_tag(model, v, key, value);
      } catch (...) {
        log.refused_tags.insert({v, key});
        throw;
      }
      log.tags[{v, key}] = value;
    } else if (kind == 3) {
      const int v = versions[rng() % versions.size()];
      if (log.alias == v) {
        return; // "unchanged" writes nothing
      }
      const auto moved = reg.set_alias(model, "champion", v);
      if (moved.outcome != alias_outcome::applied) {
        throw std::runtime_error("set_alias: " + std::string(to_string(moved.outcome)));
      }
      log.alias = v;
    } else {
      const std::string text = "model " + std::to_string(serial) + std::string(rng() % 3000, 'd');
      reg.set_model_description(model, text);
      log.description = text;
    }
    ++log.records;
    ++log.acknowledged;
    const auto [snapshot, journal] = snapshot_and_journal(root, model);
    log.behind += snapshot < journal ? 1 : 0;
  } catch (const mlguard::error&) {
    ++log.failures;
  }
}

/// Compares a fresh registry's view of `model` with what the client was told; appends a
/// "problem: ..." line for each difference.
void check_against_log(const std::string& root, const std::string& model, const client_log& log,
                       std::string& out, bool fsync = true) {
  auto problem = [&](const std::string& p) { out += "problem: " + model + ": " + p + "\n"; };
  file_registry reg(root, sync_options(fsync)); // a cold cache: everything read from disk
  const auto m = reg.get_model(model);
  if (m.sequence != log.records) {
    problem("the journal holds " + std::to_string(m.sequence) + " records; " +
            std::to_string(log.records) + " were acknowledged");
  }
  std::set<std::string> uris;
  for (const auto& v : reg.list_versions(model)) {
    uris.insert(v.artifact_uri);
  }
  int acknowledged_versions = 0;
  for (const auto& [token, r] : log.registrations) {
    if (r.version != 0) {
      ++acknowledged_versions;
      if (reg.get_version(model, r.version).artifact_uri != r.uri) {
        problem("acknowledged version " + std::to_string(r.version) + " is not " + r.uri);
      }
    } else if (uris.count(r.uri) != 0) {
      problem("registration " + token + " was reported failed but is there");
    }
  }
  if (m.latest_version != acknowledged_versions) {
    problem(std::to_string(m.latest_version) + " versions; " +
            std::to_string(acknowledged_versions) + " were acknowledged");
  }
  for (const auto& [at, value] : log.tags) {
    const auto tags = reg.get_version(model, at.first).tags;
    const auto it = tags.find(at.second);
    if (it == tags.end() || it->second != value) {
      problem("acknowledged tag " + at.second + " of v" + std::to_string(at.first) + " missing");
    }
  }
  for (const auto& at : log.refused_tags) {
    if (reg.get_version(model, at.first).tags.count(at.second) != 0) {
      problem("tag " + at.second + " was reported failed but is there");
    }
  }
  if (reg.alias_version(model, "champion") != log.alias) {
    problem("champion is not where the last acknowledged move put it");
  }
  if (m.description != log.description) {
    problem("the description is not the last acknowledged one");
  }
}

/// After space came back: every registration retried with its token. An acknowledged one
/// returns its version; a failed one registers now, once (a second retry returns the
/// same version). Then the documents must be current again.
void retry_and_check_repair(const std::string& root, const std::string& model, client_log& log,
                            std::string& out, bool fsync = true) {
  auto problem = [&](const std::string& p) { out += "problem: " + model + ": " + p + "\n"; };
  file_registry reg(root, sync_options(fsync));
  for (auto& [token, r] : log.registrations) {
    const int v = reg.register_version(model, r.uri, r.metadata).version;
    if (r.version != 0 && v != r.version) {
      problem("retry of " + token + " gave v" + std::to_string(v) + ", not v" +
              std::to_string(r.version));
    }
    if (r.version == 0) {
      r.version = v;
      ++log.records;
      if (reg.register_version(model, r.uri, r.metadata).version != v) {
        problem("a second retry of " + token + " made another version");
      }
    }
  }
  const auto [snapshot, journal] = snapshot_and_journal(root, model);
  if (!log.registrations.empty() && snapshot != journal) {
    problem("model.json is still behind the journal after a successful write");
  }
  const auto dir = root + "/models/" + model;
  for (const auto& [token, r] : log.registrations) {
    struct stat st;
    const auto version_file = dir + "/versions/" + std::to_string(r.version) + ".json";
    if (::stat(version_file.c_str(), &st) != 0) {
      problem(version_file + " was not written back");
    }
    if (::stat((dir + "/tokens/" + token + ".json").c_str(), &st) != 0) {
      problem("the token file of " + token + " was not written back");
    }
  }
  check_against_log(root, model, log, out, fsync);
}

/// Version documents and journal records of a model with `count` versions, written
/// directly (as the registry would have, had it registered them one by one).
void generate_model(const std::string& root, const std::string& model, int count) {
  file_registry_options options;
  options.fsync = false;
  {
    file_registry reg(root, options);
    reg.create_model(model);
  }
  const std::string dir = root + "/models/" + model;
  std::ofstream journal(dir + "/journal.jsonl", std::ios::binary | std::ios::app);
  auto offset = static_cast<long long>(std::filesystem::file_size(dir + "/journal.jsonl"));
  const timestamp t = test::test_epoch();
  registry::detail::journal_entry e;
  e.record.time = t;
  e.record.model = model;
  e.record.action = audit_action::register_version;
  e.record.actor = "generator";
  model_version v;
  v.model = model;
  v.lineage.created_at = t;
  v.lineage.created_by = "generator";
  for (int i = 1; i <= count; ++i) {
    e.record.sequence = static_cast<std::uint64_t>(i) + 1;
    e.record.version = i;
    v.version = i;
    v.artifact_uri = "s3://bucket/" + model + "/" + std::to_string(i);
    v.metrics["auc"] = 0.5 + 1e-6 * i;
    v.tags["run"] = std::to_string(i);
    e.version_document = v;
    const std::string line = registry::detail::journal_line(registry::detail::entry_to_json(e));
    journal << line;
    offset += static_cast<long long>(line.size());
    json doc = new_document(file_registry::version_format);
    doc.update(json(v));
    doc.erase("aliases");
    std::ofstream(dir + "/versions/" + std::to_string(i) + ".json", std::ios::binary)
        << dump_json(doc, 2) << "\n";
  }
  journal.close();
  registered_model m;
  m.name = model;
  m.created_at = m.updated_at = t;
  m.latest_version = count;
  m.sequence = static_cast<std::uint64_t>(count) + 1;
  json doc = new_document(file_registry::snapshot_format);
  doc.update(json(m));
  doc["journal_offset"] = offset;
  std::ofstream(dir + "/model.json", std::ios::binary | std::ios::trunc)
      << dump_json(doc, 2) << "\n";
}

/// A temporary directory in /dev/shm (tmpfs) when there is one, else in /tmp: a test that
/// creates 20,000 files takes 4 s there and 12-30 s on a busy VM's disk.
struct memory_temp_dir {
  std::string path;
  memory_temp_dir() {
    char shm[] = "/dev/shm/mlguard-test-XXXXXX";
    char tmp[] = "/tmp/mlguard-test-XXXXXX";
    const char* made = ::mkdtemp(shm);
    if (made == nullptr) {
      made = ::mkdtemp(tmp);
    }
    REQUIRE(made != nullptr);
    path = made;
  }
  memory_temp_dir(const memory_temp_dir&) = delete;
  memory_temp_dir& operator=(const memory_temp_dir&) = delete;
  ~memory_temp_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

/// A registry with two models, versions, an alias, tags and a client token, for the
/// read-only tests.
void make_sample(const std::string& root) {
  file_registry reg(root, sync_options());
  reg.create_model("churn", "who leaves");
  reg.create_model("fraud");
  version_metadata meta;
  meta.client_token = "token-1";
  reg.register_version("churn", "s3://churn/1", meta);
  reg.register_version("churn", "s3://churn/2");
  reg.register_version("fraud", "s3://fraud/1");
  reg.set_alias("churn", "champion", 1);
  reg.set_alias("churn", "champion", 2);
  reg.set_version_tag("churn", 2, "approved", "yes");
}

/// Reads everything of make_sample's registry, then tries writes, which must each fail
/// with mlguard.registry.read_only; reports "problem: ..." lines otherwise.
void read_only_checks(const std::string& root, std::string& out) {
  auto problem = [&](const std::string& p) { out += "problem: " + p + "\n"; };
  for (const bool create : {false, true}) {
    file_registry_options options;
    options.create = create;
    const std::string as = create ? " (create on)" : " (create off)";
    try {
      file_registry reg(root, options);
      if (reg.model_names() != std::vector<std::string>{"churn", "fraud"}) {
        problem("model_names" + as);
      }
      if (reg.get_model("churn").description != "who leaves") {
        problem("get_model" + as);
      }
      if (reg.list_versions("churn").size() != 2 || reg.list_models().size() != 2) {
        problem("list" + as);
      }
      if (reg.resolve("models:/churn@champion").tags.at("approved") != "yes" ||
          reg.resolve_version("models:/churn/latest") != 2 ||
          reg.resolve("models:/fraud/1").artifact_uri != "s3://fraud/1") {
        problem("resolve" + as);
      }
      if (reg.audit_log("churn").size() != 6 ||
          reg.alias_history("churn", "champion").size() != 2 ||
          reg.previous_version("churn", "champion") != 1) {
        problem("history" + as);
      }
      auto refused = [&](const char* what, auto&& call) {
        try {
          call();
          problem(std::string(what) + as + ": a write to a read-only registry succeeded");
        } catch (const mlguard::error& e) {
          if (e.id() != "mlguard.registry.read_only") {
            problem(std::string(what) + as + ": " + e.what());
          }
        }
      };
      refused("register_version", [&] { reg.register_version("churn", "s3://x"); });
      refused("set_alias", [&] { reg.set_alias("churn", "champion", 1); });
      refused("set_model_tag", [&] { reg.set_model_tag("fraud", "k", "v"); });
      refused("create_model", [&] { reg.create_model("new"); });
      refused("delete_model", [&] { reg.delete_model("fraud"); });
    } catch (const std::exception& e) {
      problem("reading" + as + ": " + e.what());
    }
  }
  out += "checked\n";
}

/// chmod -R: every directory and file below (and including) `path` gets `dir_mode` or
/// `file_mode`; chown too when `owner` is given.
void set_tree(const std::string& path, mode_t dir_mode, mode_t file_mode,
              std::optional<uid_t> owner = std::nullopt) {
  namespace fs = std::filesystem;
  auto one = [&](const fs::path& p) {
    struct stat st;
    REQUIRE(::lstat(p.c_str(), &st) == 0);
    if (owner) {
      REQUIRE(::lchown(p.c_str(), *owner, *owner) == 0);
    }
    REQUIRE(::chmod(p.c_str(), S_ISDIR(st.st_mode) ? dir_mode : file_mode) == 0);
  };
  // Files first, then directories from the deepest, so a directory loses its write
  // permission only after what is inside it changed.
  std::vector<fs::path> dirs{path};
  for (const auto& entry : fs::recursive_directory_iterator(path)) {
    if (entry.is_directory()) {
      dirs.push_back(entry.path());
    } else {
      one(entry.path());
    }
  }
  for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) {
    one(*it);
  }
}

// The test cases live in the namespace too, so that in a unity build its helpers win
// over same-named ones of the folder's other test files.

TEST_CASE("file_registry: a root that is a file says so") {
  test::temp_dir dir;
  const auto file = dir.write("not-a-registry", "hello");
  for (const bool create : {true, false}) {
    file_registry_options options;
    options.create = create;
    try {
      file_registry reg(file, options);
      FAIL("expected an error");
    } catch (const io_error& e) {
      const std::string what = e.what();
      CHECK_MESSAGE(what.find(file + " is a file, not a directory") != std::string::npos, what);
      CHECK_MESSAGE(what.find("symlink") == std::string::npos, what);
    }
  }
  // A file where a directory of the path should be.
  try {
    file_registry reg(file + "/reg");
    FAIL("expected an error");
  } catch (const io_error& e) {
    const std::string what = e.what();
    CHECK_MESSAGE(what.find("a component of the path is a file") != std::string::npos, what);
    CHECK_MESSAGE(what.find("symlink") == std::string::npos, what);
  }
  // A file where a model's directory should be is named as such, not as a symlink.
  const auto root = dir.path + "/reg";
  file_registry reg(root);
  write_text(root + "/models/churn", "stray");
  REQUIRE(::mkdir((root + "/models/fraud").c_str(), 0755) == 0);
  write_text(root + "/models/fraud/journal.jsonl", "");
  try {
    reg.create_model("churn");
    FAIL("expected an error");
  } catch (const mlguard::error& e) {
    CHECK_MESSAGE(std::string(e.what()).find("symlink") == std::string::npos, e.what());
  }
}

TEST_CASE("file_registry: a write that fails after its commit point succeeds and is repaired") {
  test::temp_dir dir;
  const auto root = dir.path + "/reg";
  const auto versions = root + "/models/churn/versions";
  file_registry reg(root, sync_options());
  reg.create_model("churn");
  reg.register_version("churn", "s3://1");
  // A directory where version 2's document goes: the journal append (the commit) works,
  // the document's rename then fails.
  REQUIRE(::mkdir((versions + "/2.json").c_str(), 0755) == 0);
  write_text(versions + "/2.json/blocker", "x");
  version_metadata meta;
  meta.client_token = "retry-me";
  const auto v2 = reg.register_version("churn", "s3://2", meta); // committed: success
  CHECK(v2.version == 2);
  const auto [snapshot, journal] = snapshot_and_journal(root, "churn");
  CHECK(snapshot < journal); // the documents are behind, as after a crash
  // Every reader sees the committed version, from the journal.
  CHECK(reg.get_version("churn", 2).artifact_uri == "s3://2");
  file_registry other(root, sync_options());
  CHECK(other.resolve("models:/churn/latest").artifact_uri == "s3://2");
  CHECK(other.list_versions("churn").size() == 2);

  // A write while the document still cannot be written fails before its commit point
  // (the repair comes first), and leaves nothing behind.
  MLGUARD_CHECK_THROWS_ID(reg.set_alias("churn", "champion", 2), "mlguard.io.write_failed");
  CHECK(other.get_model("churn").sequence == 3);
  CHECK_FALSE(other.alias_version("churn", "champion").has_value());

  // Once the obstacle is gone, the next write repairs the documents first.
  std::filesystem::remove_all(versions + "/2.json");
  CHECK(reg.register_version("churn", "s3://2", meta).version == 2); // the retry: no duplicate
  CHECK(reg.set_alias("churn", "champion", 2).outcome == alias_outcome::applied);
  const auto [snapshot2, journal2] = snapshot_and_journal(root, "churn");
  CHECK(snapshot2 == journal2);
  const auto doc = parse_json(test::read_file(versions + "/2.json"), "2.json");
  CHECK(doc["artifact_uri"] == "s3://2");
  CHECK(file_registry(root).get_model("churn").latest_version == 2);

  // The token's file, written after the version's document, was repaired with it.
  const auto token =
      parse_json(test::read_file(root + "/models/churn/tokens/retry-me.json"), "retry-me.json");
  CHECK(token["format"] == "mlguard.registry.client_token");
  CHECK(token["version"] == 2);
}

TEST_CASE("file_registry: a delete whose clean-up fails after its commit point succeeds") {
  test::temp_dir dir;
  const auto root = dir.path + "/reg";
  manual_clock clock(test::test_epoch());
  file_registry_options options = sync_options();
  options.clock = &clock;
  file_registry reg(root, options);
  reg.create_model("churn");
  reg.create_model("fraud");
  reg.register_version("churn", "s3://1");
  // Where the deleted model's directory will go (ROOT/trash/NAME.deleted.TIME.PID), a
  // directory that is not empty: the rename after the commit fails.
  const auto target = root + "/trash/churn.deleted." +
                      std::to_string(clock.now().time_since_epoch().count()) + "." +
                      std::to_string(::getpid());
  REQUIRE(::mkdir(target.c_str(), 0755) == 0);
  write_text(target + "/x", "x");
  reg.delete_model("churn"); // committed: success
  file_registry other(root, options);
  CHECK_FALSE(other.has_model("churn"));
  MLGUARD_CHECK_THROWS_ID(other.get_version("churn", 1), "mlguard.registry.not_found");
  const auto models = other.list_models(); // the pending clean-up does not break a listing
  REQUIRE(models.size() == 1);
  CHECK(models[0].name == "fraud");
  // The next write to the name finishes the move first.
  clock.advance(std::chrono::seconds(1));
  reg.create_model("churn");
  CHECK(other.get_model("churn").latest_version == 0);
  CHECK(other.model_names() == std::vector<std::string>{"churn", "fraud"});
}

TEST_CASE("file_registry: the journal is read in blocks, and only its last line may be torn") {
  memory_temp_dir dir;
  const auto root = dir.path + "/reg";
  generate_model(root, "big", 6000); // a journal of about 3 MB: several 1 MiB blocks
  const auto path = root + "/models/big/journal.jsonl";
  const std::string data = test::read_file(path);
  REQUIRE(data.size() > (std::size_t(2) << 20));
  auto scan = [&](std::size_t base, std::size_t* observed = nullptr) {
    const int fd = ::open(path.c_str(), O_RDONLY);
    REQUIRE(fd >= 0);
    std::vector<std::uint64_t> sequences;
    std::size_t end = 0;
    try {
      end = registry::detail::scan_journal(
          fd, base, path,
          [&](registry::detail::journal_entry&& e) {
            sequences.push_back(e.record.sequence);
            return true;
          },
          observed);
    } catch (...) {
      ::close(fd);
      throw;
    }
    ::close(fd);
    return std::make_pair(sequences, end);
  };
  std::size_t valid_end = 0;
  const auto all = registry::detail::parse_journal(data, 0, path, valid_end);
  const auto [sequences, end] = scan(0);
  REQUIRE(sequences.size() == all.size());
  CHECK(sequences.front() == 1);
  CHECK(sequences.back() == 6001);
  CHECK(end == data.size());
  CHECK(valid_end == data.size());
  // From the middle of the file (a snapshot's offset: the start of a record).
  const auto middle = data.find('\n', data.size() / 2) + 1;
  CHECK(scan(middle).first.size() ==
        static_cast<std::size_t>(
            std::count(data.begin() + static_cast<long>(middle), data.end(), '\n')));

  // A torn last line is ignored: observed counts it, the valid end does not.
  const std::string half = "1234abcd {\"sequence\":60";
  write_text(path, data + half);
  std::size_t observed = 0;
  const auto torn = scan(0, &observed);
  CHECK(torn.first.size() == all.size());
  CHECK(torn.second == data.size());
  CHECK(observed == data.size() + half.size());
  // A complete last line with a bad checksum, too.
  write_text(path, data + "00000000 {}\n");
  CHECK(scan(0).first.size() == all.size());

  // But a damaged record anywhere else, and in particular the one that crosses the first
  // block boundary (where the reader has not yet seen what follows), is corruption.
  for (const std::size_t at : {std::size_t(1) << 20, data.size() / 2}) {
    std::string damaged = data;
    const auto line_start = damaged.rfind('\n', at) + 1;
    damaged[line_start + 20] = damaged[line_start + 20] == 'x' ? 'y' : 'x';
    write_text(path, damaged);
    MLGUARD_CHECK_THROWS_ID(scan(0), "mlguard.format.corrupt");
  }
  // And so is a damaged line that ends exactly where the first block ends: a filler
  // record's reason is sized so that the record after it ends at byte 2^20.
  const std::size_t block = std::size_t(1) << 20;
  const std::string header = data.substr(0, data.find('\n') + 1);
  auto line_of = [](const registry::detail::journal_entry& e) {
    return registry::detail::journal_line(registry::detail::entry_to_json(e));
  };
  auto filler = all[0];
  filler.record.reason = "p";
  const std::string at_boundary = line_of(all[1]);
  filler.record.reason =
      std::string(block - header.size() - at_boundary.size() - line_of(filler).size() + 1, 'p');
  std::string crafted = header + line_of(filler);
  REQUIRE(crafted.size() + at_boundary.size() == block);
  crafted += at_boundary;
  for (std::size_t i = 2; i < 100; ++i) {
    crafted += line_of(all[i]);
  }
  write_text(path, crafted);
  CHECK(scan(0).first.size() == 100);
  crafted[block - 10] = crafted[block - 10] == '1' ? '2' : '1';
  write_text(path, crafted);
  MLGUARD_CHECK_THROWS_ID(scan(0), "mlguard.format.corrupt");
  // Cut right after it, that same line is the journal's last: torn, ignored.
  write_text(path, crafted.substr(0, block));
  CHECK(scan(0).first.size() == 1);
  write_text(path, data);
  CHECK(scan(0).first.size() == all.size());
}

TEST_CASE("file_registry: a full disk (tmpfs): acknowledged writes stay, failed ones leave no "
          "trace, and the registry works again once space is freed") {
  test::temp_dir dir;
  const auto mount_point = dir.path + "/small";
  REQUIRE(::mkdir(mount_point.c_str(), 0755) == 0);
  const auto r = in_child([&](std::string& out) {
    const auto why = private_mounts();
    if (!why.empty()) {
      out += why + "\n";
      return 77;
    }
    // 2 MiB: room for the registry's growth over the rounds below; each round fills
    // what is free first.
    if (::mount("tmpfs", mount_point.c_str(), "tmpfs", 0, "size=2m") != 0) {
      out += errno_text("mount -t tmpfs") + "\n";
      return 77;
    }
    const auto root = mount_point + "/reg";
    const auto filler = mount_point + "/filler";
    {
      file_registry reg(root, sync_options());
      reg.create_model("m");
    }
    client_log log;
    std::mt19937 rng(20261127);
    int serial = 0;
    // Each round fills the disk, frees `slack` pages, and writes until the disk is full,
    // so the last writes fail at every step: the journal append, a version document, a
    // token file, model.json.
    for (int slack = 0; slack < 10; ++slack) {
      {
        const int fd = ::open(filler.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const std::string page(4096, 'f');
        while (::write(fd, page.data(), page.size()) > 0) {
        }
        struct stat st;
        ::fstat(fd, &st);
        if (::ftruncate(fd, std::max<off_t>(0, st.st_size - slack * 4096)) != 0) {
          out += "problem: " + errno_text("ftruncate") + "\n";
        }
        ::close(fd);
      }
      file_registry reg(root, sync_options());
      for (int i = 0, failed_in_a_row = 0; i < 60 && failed_in_a_row < 4; ++i) {
        const int before = log.failures;
        random_write(reg, root, "m", log, rng, serial++);
        failed_in_a_row = log.failures > before ? failed_in_a_row + 1 : 0;
      }
      // What every client was told holds while the disk is still full...
      check_against_log(root, "m", log, out);
      // ...and after space is freed, retries are exactly-once and the documents mend.
      ::unlink(filler.c_str());
      retry_and_check_repair(root, "m", log, out);
    }
    out += "acknowledged=" + std::to_string(log.acknowledged) +
           " failures=" + std::to_string(log.failures) + " behind=" + std::to_string(log.behind) +
           "\n";
    return 0;
  });
  if (r.status == 77) {
    MESSAGE("skipped: cannot mount a tmpfs here (" << r.out
                                                   << "); the RLIMIT_FSIZE test covers it");
    return;
  }
  CHECK_MESSAGE(r.status == 0, r.out);
  check_no_problems(r);
  MESSAGE(r.out.substr(r.out.rfind("acknowledged=")));
  CHECK(reported(r, "acknowledged") > 20);
  CHECK(reported(r, "failures") > 10); // writes that failed before their commit point
  CHECK(reported(r, "behind") > 0);    // ...and after it, reported as the success they are
}

TEST_CASE("file_registry: a file-size limit (RLIMIT_FSIZE, EFBIG): acknowledged writes stay, "
          "failed ones leave no trace, and the registry works again once it is lifted") {
  // Runs everywhere (no mount needed): the kernel refuses writes past the limit, as a
  // full disk refuses them. Version documents are written with indentation and are
  // larger than their compact journal records, so on a young model a limit can let the
  // journal append (the commit) through and stop the document: both sides of the commit
  // point fail, depending on the limit. (fsync off: the limit stops write(), which
  // comes first, and 40 models' fsyncs on a real disk would take seconds.)
  test::temp_dir dir;
  const auto root = dir.path + "/reg";
  const auto r = in_child([&](std::string& out) {
    ::signal(SIGXFSZ, SIG_IGN); // so write() fails with EFBIG instead of killing the child
    rlimit limit{};
    ::getrlimit(RLIMIT_FSIZE, &limit);
    const rlim_t unlimited = limit.rlim_max;
    int acknowledged = 0;
    int failures = 0;
    int behind = 0;
    for (int trial = 0; trial < 40; ++trial) {
      const std::string model = "m" + std::to_string(trial);
      {
        file_registry reg(root, sync_options(false));
        reg.create_model(model);
      }
      const auto [snapshot, journal] = snapshot_and_journal(root, model);
      (void)snapshot;
      limit.rlim_cur = static_cast<rlim_t>(journal + 100 * trial);
      ::setrlimit(RLIMIT_FSIZE, &limit);
      client_log log;
      std::mt19937 rng(static_cast<unsigned>(trial));
      {
        file_registry reg(root, sync_options(false));
        // A registration with 60 tags of 30 bytes: a record of about 2.9 KB and a
        // document of about 3.6 KB, then a few smaller writes.
        auto& first = log.registrations["big"];
        first.uri = "s3://bucket/big";
        first.metadata.client_token = "big";
        for (int i = 0; i < 60; ++i) {
          first.metadata.tags["tag" + std::to_string(i)] = std::string(30, 'v');
        }
        try {
          first.version = reg.register_version(model, first.uri, first.metadata).version;
          ++log.records;
          ++log.acknowledged;
          const auto [s, j] = snapshot_and_journal(root, model);
          log.behind += s < j ? 1 : 0;
        } catch (const mlguard::error&) {
          ++log.failures;
        }
        for (int i = 0; i < 4; ++i) {
          random_write(reg, root, model, log, rng, i);
        }
      }
      check_against_log(root, model, log, out, false);
      limit.rlim_cur = unlimited;
      ::setrlimit(RLIMIT_FSIZE, &limit);
      retry_and_check_repair(root, model, log, out, false);
      acknowledged += log.acknowledged;
      failures += log.failures;
      behind += log.behind;
    }
    out += "acknowledged=" + std::to_string(acknowledged) +
           " failures=" + std::to_string(failures) + " behind=" + std::to_string(behind) + "\n";
    return 0;
  });
  CHECK_MESSAGE(r.status == 0, r.out);
  check_no_problems(r);
  MESSAGE(r.out.substr(r.out.rfind("acknowledged=")));
  CHECK(reported(r, "acknowledged") > 10);
  CHECK(reported(r, "failures") > 10);
  CHECK(reported(r, "behind") > 0);
}

TEST_CASE("file_registry: another user's registry reads with read permission only") {
  if (::geteuid() != 0) {
    MESSAGE("skipped: needs root to hand the files to another user (the chmod test below "
            "runs as this user)");
    return;
  }
  test::temp_dir dir;
  const auto root = dir.path + "/reg";
  make_sample(root);
  const auto journal_before = test::read_file(root + "/models/churn/journal.jsonl");
  // Owned by root, readable by all: what a replica or a backup shared with readers is.
  set_tree(dir.path, 0755, 0644);
  SUBCASE("with its lock files") {}
  SUBCASE("without lock files, which the reader cannot create") {
    for (const auto& name : {"churn.lock", "fraud.lock"}) {
      REQUIRE(::unlink((root + "/locks/" + name).c_str()) == 0);
    }
  }
  SUBCASE("without a locks/ directory") { std::filesystem::remove_all(root + "/locks"); }
  SUBCASE("with lock files the reader may not read") { set_tree(root + "/locks", 0755, 0600); }
  const auto r = in_child([&](std::string& out) {
    become_nobody();
    read_only_checks(root, out);
    return 0;
  });
  CHECK_MESSAGE(r.status == 0, r.out);
  check_no_problems(r);
  CHECK(r.out.find("checked") != std::string::npos);
  CHECK(test::read_file(root + "/models/churn/journal.jsonl") == journal_before);
}

TEST_CASE("file_registry: a registry made read-only (chmod -R a-w) still reads") {
  test::temp_dir dir;
  const auto root = dir.path + "/reg";
  make_sample(root);
  const bool root_user = ::geteuid() == 0;
  // As root, hand the tree to nobody first: root writes whatever the modes say.
  set_tree(dir.path, 0555, 0444, root_user ? std::optional<uid_t>(nobody) : std::nullopt);
  const auto r = in_child([&](std::string& out) {
    if (root_user) {
      become_nobody();
    }
    read_only_checks(root, out);
    return 0;
  });
  set_tree(dir.path, 0755, 0644, root_user ? std::optional<uid_t>(0) : std::nullopt);
  CHECK_MESSAGE(r.status == 0, r.out);
  check_no_problems(r);
  CHECK(r.out.find("checked") != std::string::npos);
}

TEST_CASE("file_registry: a registry on a read-only mount reads, and refuses writes clearly") {
  test::temp_dir dir;
  const auto root = dir.path + "/reg";
  const auto snapshot = dir.path + "/snapshot";
  make_sample(root);
  REQUIRE(::mkdir(snapshot.c_str(), 0755) == 0);
  SUBCASE("with its lock files") {}
  SUBCASE("without lock files") {
    std::filesystem::remove_all(root + "/locks");
    REQUIRE(::mkdir((root + "/locks").c_str(), 0755) == 0);
  }
  const auto r = in_child([&](std::string& out) {
    const auto why = private_mounts();
    if (!why.empty()) {
      out += why + "\n";
      return 77;
    }
    if (::mount(root.c_str(), snapshot.c_str(), nullptr, MS_BIND, nullptr) != 0 ||
        ::mount(nullptr, snapshot.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) !=
            0) {
      out += errno_text("a read-only bind mount") + "\n";
      return 77;
    }
    read_only_checks(snapshot, out); // as root: EROFS, not permissions, refuses the writes
    return 0;
  });
  if (r.status == 77) {
    MESSAGE("skipped: cannot mount here (" << r.out << ")");
    return;
  }
  CHECK_MESSAGE(r.status == 0, r.out);
  check_no_problems(r);
  CHECK(r.out.find("checked") != std::string::npos);
}

#ifdef MLGUARD_REGISTRY_WORKER_PATH

// ThreadSanitizer shadows every byte and holds freed memory back, so a peak RSS measured
// under it says nothing about the code (the steps below grew 3.5 times there).
#if defined(__SANITIZE_THREAD__)
constexpr bool registry_rss_is_meaningful = false;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
constexpr bool registry_rss_is_meaningful = false;
#else
constexpr bool registry_rss_is_meaningful = true;
#endif
#else
constexpr bool registry_rss_is_meaningful = true;
#endif

TEST_CASE("file_registry: a model with 20,000 versions opens at once, and reading all of it "
          "costs its result, not a copy of the journal") {
  // Written directly (registering 20,000 versions one by one takes minutes); the numbers
  // for 100,000 versions are in docs/registry.md.
  constexpr int count = 20000;
  memory_temp_dir dir;
  const auto root = dir.path + "/reg";
  generate_model(root, "big", count);
  const auto journal_kb =
      static_cast<long>(std::filesystem::file_size(root + "/models/big/journal.jsonl") / 1024);
  struct step {
    double open_seconds = 0;
    long open_kb = 0;
    int latest = 0;
    double seconds = 0;
    long kb = 0;
    long count = 0;
  };
  // Each step in a fresh process, so its peak memory is its own.
  auto run = [&](const std::string& what) {
    const auto r = test::run_process({MLGUARD_REGISTRY_WORKER_PATH, "inspect", root, "big", what});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    step s;
    std::istringstream in(r.out);
    std::string word;
    in >> word >> s.open_seconds >> s.open_kb >> s.latest >> word >> s.seconds >> s.kb >> s.count;
    MESSAGE(what << ": open " << s.open_seconds << " s, " << s.open_kb << " KB; " << what << " "
                 << s.seconds << " s, peak " << s.kb << " KB (journal " << journal_kb << " KB)");
    return s;
  };
  const auto history = run("history");
  CHECK(history.latest == count);
  CHECK(history.open_seconds < 1.0); // model.json and nothing else: no versions, no journal
  CHECK(history.count == count + 1);
  // The journal is read a block at a time: the step holds its 20,001 records (about
  // 1.2 times the journal's size here), not also a copy of the file and every record
  // parsed with its version document (5.5 times, before).
  if (registry_rss_is_meaningful) {
    CHECK(history.kb - history.open_kb < 2 * journal_kb);
  } else {
    MESSAGE("memory bounds not checked under ThreadSanitizer");
  }
  const auto list = run("list");
  CHECK(list.count == count);
  // The listing holds its result (1.8 times the journal's size here), not also a cache
  // of every version kept for the life of the registry object (3.1 times, before).
  if (registry_rss_is_meaningful) {
    CHECK(list.kb - list.open_kb < 5 * journal_kb / 2);
  }
  const auto more = run("register");
  CHECK(more.count == count + 1);
  CHECK(more.seconds < 1.0);

  // Everything reads as registered.
  file_registry reg(root);
  CHECK(reg.get_version("big", 12345).artifact_uri == "s3://bucket/big/12345");
  CHECK(reg.changes_since("big", count + 1).size() == 1);
  const auto log = reg.audit_log("big");
  REQUIRE(log.size() == static_cast<std::size_t>(count) + 2);
  CHECK(log[20000].version == 20000);
}

#endif // MLGUARD_REGISTRY_WORKER_PATH

} // namespace registry_faults_test
