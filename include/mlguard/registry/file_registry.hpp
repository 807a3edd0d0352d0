#ifndef MLGUARD_REGISTRY_FILE_REGISTRY_HPP
#define MLGUARD_REGISTRY_FILE_REGISTRY_HPP

// file_registry: the embedded default backend, a directory tree of JSON documents a
// person can read (POSIX only).
//
//   ROOT/registry.json                   {"format": "mlguard.registry", "format_version": 1, ...}
//   ROOT/models/NAME/journal.jsonl       the model's append-only journal (the truth)
//   ROOT/models/NAME/model.json          snapshot: description, tags, aliases, latest version,
//                                        and "journal_offset", the journal bytes it reflects
//   ROOT/models/NAME/versions/N.json     one document per version
//   ROOT/models/NAME/tokens/TOKEN.json   the version a client token registered (an index
//                                        of the journal's register records that carry one)
//   ROOT/models/NAME/runs/V/SEQ.json     one document per run of version V (record_run),
//                                        SEQ its journal record's sequence number
//   ROOT/locks/NAME.lock                 the model's advisory lock file (flock)
//   ROOT/trash/NAME.deleted.TIME.PID/    a deleted model, kept for the record
//
// Journal: one checksummed record per line (the line format is in detail/journal.hpp). A
// last line that is incomplete or fails its checksum is a torn write from a crash: it is
// ignored on read and cut off by the next writer. A bad record anywhere else is corruption
// and reading the model fails with format_error naming the file.
//
// A write (under the model's lock):
//   1. append the record to the journal and fsync it: this is the commit point;
//   2. update the documents it touches (versions/N.json, tokens/TOKEN.json,
//      runs/V/SEQ.json, then model.json with the new journal_offset), each atomically:
//      temporary file, fsync, rename, fsync directory.
// A crash between 1 and 2 leaves documents behind the journal; readers apply the journal
// records past model.json's journal_offset in memory, and the next writer replays them
// onto the documents first. So every acknowledged write survives a crash (SIGKILL at any
// moment; power loss too while fsync is on), and no reader ever sees a partial document.
// A version number is taken when its record is committed, so numbers are never reused.
// (create_model builds the model's directory aside and renames it into place: the
// rename is its commit point. delete_model's commit is its record; moving the directory
// to trash/ comes after.)
//
// A write that fails (a full disk, a file-size limit, an I/O error) is reported by what
// was committed, so a client may retry whatever it was told failed:
//   - before the commit point: the call throws and nothing is recorded. A partly
//     appended record has no newline, so it is torn and ignored; it is cut off at once
//     (or by the next writer). A record whose fsync failed is cut off before the call
//     throws.
//   - after it: the call succeeds. Documents left behind are the crash case above:
//     readers see the change from the journal, and the next write repairs the documents
//     before its own commit (and fails, committing nothing, while it cannot).
// A registration that carries a client token (version_metadata::client_token) and meets
// one already recorded returns that version instead: register_version is exactly-once
// for a client that retries with the same token.
//
// Read-only use: reading needs only read permission on the tree (a replica, a snapshot,
// a backup mount, another user's files). Readers take the lock file shared and
// read-only, and read without it where it does not exist and cannot be made (why that
// is safe: the comment in fresh()). Writes there throw mlguard.registry.read_only.
//
// Concurrency: processes on one machine coordinate with flock() on ROOT/locks/NAME.lock
// (exclusive for writes, shared for cold reads where the lock file can be opened);
// threads of one process with a mutex.
// Several file_registry objects on one root, in one or many processes, are safe.
// Network file systems are only as safe as their flock emulation.
//
// Names are validated (names.hpp) and every path below ROOT is opened with openat and
// O_NOFOLLOW, step by step, so no name escapes ROOT and no symlink inside ROOT is followed.
//
// In-process cache: each model's state (aliases, tags, latest version and the versions
// read so far) is cached together with the identity and size of its journal. The journal
// only grows, so one fstatat() tells whether the cache is still current:
// resolve("models:/NAME@ALIAS") then costs a mutex, one stat and two map look-ups,
// whatever the number of versions. Measured with 10,000 versions (benchmarks/
// registry.bench.cpp, GCC 12 -O2, 2-core VM, ext4): cached resolve 2.3 µs (1.5 µs CPU);
// cold resolve (after clear_cache(), or after another process wrote) 49 µs: a shared
// flock, model.json, the journal records past its offset and one version document;
// opening a new file_registry and resolving once 87 µs. Neither depends on the number of
// versions. A write (register_version or set_alias) costs a few milliseconds: about
// 2.3 ms without fsync (ext4 flushes a file replaced by rename) and 19 ms with fsync.
// Reading a whole model (audit_log, list_versions) streams its journal a block at a time
// and keeps no cache of every version: with 100,000 versions (a 50 MB journal) the
// audit log peaks at 42 MB, the listing at 76 MB: their results (docs/registry.md).

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mlguard/core/clock.hpp"
#include "mlguard/core/compiled.hpp"
#include "mlguard/core/iso8601.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/registry/detail/journaled_registry.hpp"
#include "mlguard/registry/detail/posix_file.hpp"
#include "mlguard/registry/model_registry.hpp"

namespace mlguard::registry {

/// Options of a file_registry.
struct file_registry_options {
  /// fsync the journal, every document and its directory on each write (the default).
  /// Off, writes are still atomic and survive a crash of the process (SIGKILL), but the
  /// last writes may be lost on power failure or a kernel crash. Off is for tests and
  /// for registries that can be rebuilt.
  bool fsync = true;
  /// Create ROOT (one level) and its layout when missing. Off, a missing registry is
  /// an error (mlguard.registry.not_found).
  bool create = true;
  /// The clock of created_at and audit timestamps; null means system_clock. Must outlive
  /// the registry.
  const clock_source* clock = nullptr;
};

/// The file-system model registry (layout, crash safety, locking and caching in the
/// comment at the top of file_registry.hpp).
///
/// Thread-safety: safe to share between threads (one mutex serialises calls; a write
/// holds it through its fsyncs) and between processes (flock). Transition guards run
/// under the model's write lock and must not call back into the registry.
template <class = void> // deferred: see core/json.hpp
class basic_file_registry final : public detail::journaled_registry {
public:
  /// ROOT/registry.json, the marker of a registry root.
  static constexpr document_format registry_format{"mlguard.registry", 1};
  /// ROOT/models/NAME/model.json, a model's snapshot.
  static constexpr document_format snapshot_format{"mlguard.registry.model", 1};
  /// ROOT/models/NAME/versions/N.json, one version.
  static constexpr document_format version_format{"mlguard.registry.model_version", 1};
  /// ROOT/models/NAME/tokens/TOKEN.json, the version a client token registered.
  static constexpr document_format token_format{"mlguard.registry.client_token", 1};

  /// Opens (or, with options.create, creates) the registry at `root`. A registry this
  /// process may only read (a read-only mount, files owned by another user) opens too,
  /// with or without options.create, as long as it exists: reading needs only read
  /// permission, and writes then throw mlguard.registry.read_only.
  /// Throws io_error when the directory cannot be opened or created (the message says
  /// when `root` is a file), format_error when ROOT/registry.json is corrupt or newer,
  /// registry_error (mlguard.registry.not_found) when it is missing and options.create
  /// is off.
  explicit basic_file_registry(std::string root, file_registry_options options = {});

  /// The root directory.
  const std::string& root() const noexcept { return root_; }

  /// The options in force.
  const file_registry_options& options() const noexcept { return options_; }

  std::vector<std::string> model_names() const override;

  /// Forgets every cached model state (the next access pays the cold cost). Never needed
  /// for correctness: the cache revalidates itself on every call.
  void clear_cache();

protected:
  void read_model(const std::string& name,
                  const std::function<void(detail::model_state&)>& fn) const override;

  const model_version& load_version(const std::string& name, detail::model_state& s,
                                    int version) const override;

  model_version copy_version(const std::string& name, detail::model_state& s,
                             int version) const override;

  std::uint64_t write_model(const std::string& name, const decide_fn& decide) override;

  void visit_journal(const std::string& name, const detail::model_state& s,
                     const std::function<bool(detail::journal_entry&&)>& visit) const override;

  std::optional<detail::client_token_record>
  find_client_token(const std::string& name, const detail::model_state& s,
                    const std::string& token) const override;

  /// The runs from ROOT/models/NAME/runs/V/*.json, plus those whose records lie past
  /// model.json's journal offset and whose documents may not be written yet (after a crash
  /// or a failed document write), up to the state `s` (a run another process records
  /// meanwhile is left out, as audit_log leaves its record out).
  void collect_runs(const std::string& name, detail::model_state& s, std::optional<int> version,
                    std::vector<run_record>& out) const override;

private:
  struct cache_entry {
    detail::model_state state;
    detail::unique_fd dir;          // ROOT/models/NAME
    detail::unique_fd versions_dir; // ROOT/models/NAME/versions
    dev_t dev = 0;                  // identity of the journal file
    ino_t ino = 0;
    std::size_t observed = 0;        // journal size when last read
    std::size_t valid_end = 0;       // end of its last complete record
    std::size_t snapshot_offset = 0; // model.json's journal_offset, when known to be current
  };

  std::string model_path(const std::string& name) const { return root_ + "/models/" + name; }

  /// Opens ROOT/NAME (creating it with options.create). `required`: a missing
  /// directory is corruption; otherwise (locks/, trash/: a copy may lack them, and a
  /// read-only one cannot make them) it is created when first needed (layout_dir).
  detail::unique_fd open_layout_dir(const std::string& name, bool required);

  /// The descriptor of layout directory ROOT/NAME, created now if it was missing.
  /// Throws registry_error (mlguard.registry.read_only), io_error.
  int layout_dir(detail::unique_fd& fd, const std::string& name) const;

  /// Throws for a root that cannot be created (`reason` write_failed) or opened
  /// (open_failed), saying so when the root, or a directory on its path, is a file.
  [[noreturn]] void throw_root_problem(const char* reason, const std::string& what, int err);

  /// Version `version` as the documents and the journal past model.json say.
  model_version read_version(const std::string& name, const detail::model_state& s,
                             int version) const;

  /// The sequence number a run document's file name "SEQ.json" gives, or 0 for any other
  /// name (a temporary file of an atomic write, a stray).
  static std::uint64_t run_file_sequence(const std::string& file);

  /// The names in directory `dir` (not "." and ".."). Throws io_error.
  static std::vector<std::string> list_files(int dir, const std::string& path);

  /// A run document, checked against the place it was found in.
  run_record decode_run(const std::string& text, const std::string& path, const std::string& name,
                        int version, std::uint64_t sequence) const;

  model_version decode_version(const std::string& text, const std::string& path,
                               const std::string& name, int version) const;

  /// The cache entry of `name`, current as of now. `locked`: the caller holds the model's
  /// exclusive lock (so no shared lock is taken, and there is no incremental refresh).
  cache_entry& fresh(const std::string& name, bool locked) const;

  /// Reads the records appended since the entry was read and applies them. False when
  /// the journal is no longer the same file.
  bool refresh(const std::string& name, cache_entry& e) const;

  /// Applies the journal's records from byte `from` on to `e`'s state, skipping those
  /// with a sequence up to `applied` (already in model.json), and keeps the records whose
  /// version or run documents may still need writing as pending; sets valid_end and
  /// observed.
  static void replay_journal(cache_entry& e, int fd, std::size_t from, const std::string& path,
                             std::uint64_t applied);

  /// Loads a model from its documents: model.json, then the journal past its offset.
  cache_entry& load(const std::string& name) const;

  /// Replays the journal records past model.json's offset onto the documents (after a
  /// crash between a commit and its document updates). Caller holds the write lock.
  void recover(const std::string& name, cache_entry& e);

  /// Cuts a torn last record off the journal, so the next record starts on a clean line.
  void cut_torn_tail(const std::string& name, cache_entry& e);

  /// Writes the version or run document a record changes (if any).
  void apply_to_disk(const std::string& name, cache_entry& e, const detail::journal_entry& p);

  /// Writes ROOT/models/NAME/tokens/TOKEN.json, which a retry with the same client token
  /// finds in one open (the journal record is the truth; this is its index).
  void write_token(const std::string& name, cache_entry& e, const detail::journal_entry& p);

  /// Writes ROOT/models/NAME/runs/V/SEQ.json, the run a record_run record recorded (the
  /// journal record is the truth; this is its index by version).
  void write_run(const std::string& name, cache_entry& e, const detail::journal_entry& p);

  /// Appends `line` to the model's journal and makes it durable: the commit point.
  /// On failure nothing is committed, and the error is thrown: a partly written line
  /// has no newline, so readers ignore it as torn; it is cut off here (or by the next
  /// writer). A whole line whose fsync failed is cut off before the error is reported,
  /// so no reader sees it (readers that can lock wait for this writer's exclusive lock).
  /// Throws registry_error (mlguard.registry.read_only), io_error.
  void append_record(const std::string& name, cache_entry& e, const std::string& line);

  void write_snapshot(const std::string& name, cache_entry& e, std::size_t offset);

  /// Builds the model's directory under a temporary name and renames it into place.
  void create_model_dir(const std::string& name, const detail::journal_entry& entry);

  /// Best-effort removal of a half-built ".create.*" directory.
  void remove_tree(const std::string& temp) noexcept;

  /// Moves a deleted model's directory to ROOT/trash, keeping its journal for the record.
  void move_to_trash(const std::string& name);

  std::string root_;
  file_registry_options options_;
  detail::unique_fd root_fd_;
  detail::unique_fd models_fd_;
  mutable detail::unique_fd locks_fd_; // may be missing in a read-only copy: layout_dir
  mutable detail::unique_fd trash_fd_;
  mutable std::mutex mutex_;
  mutable std::map<std::string, cache_entry> cache_;
};

/// The type to name (a class template only so that its bodies compile where used).
using file_registry = basic_file_registry<>;

} // namespace mlguard::registry

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::registry {

template <class V>
MLGUARD_INLINE basic_file_registry<V>::basic_file_registry(std::string root,
                                                           file_registry_options options)
    : detail::journaled_registry(options.clock != nullptr ? *options.clock
                                                          : system_clock::instance()),
      root_(std::move(root)), options_(options) {
  while (root_.size() > 1 && root_.back() == '/') {
    root_.pop_back();
  }
  if (options_.create && ::mkdir(root_.c_str(), 0755) != 0 && errno != EEXIST) {
    throw_root_problem("write_failed", "cannot create registry root", errno);
  }
  const int fd = ::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      throw registry_error("not_found", "no registry at " + root_);
    }
    throw_root_problem("open_failed", "cannot open registry root", errno);
  }
  root_fd_ = detail::unique_fd(fd);
  const std::string marker = root_ + "/registry.json";
  std::string text;
  if (detail::read_file_at(root_fd_.get(), "registry.json", text, marker)) {
    check_format(parse_json(text, marker), registry_format, marker);
  } else if (options_.create) {
    json doc = new_document(registry_format);
    doc["created_at"] = detail::time_to_json(clock().now());
    doc["layout"] = "models/NAME/{journal.jsonl,model.json,versions/N.json}";
    detail::write_file_atomic(root_fd_.get(), "registry.json", dump_json(doc, 2) + "\n",
                              options_.fsync, marker);
  } else {
    throw registry_error("not_found", root_ + " is not an mlguard registry (no registry.json)");
  }
  models_fd_ = open_layout_dir("models", true);
  locks_fd_ = open_layout_dir("locks", false);
  trash_fd_ = open_layout_dir("trash", false);
}

template <class V>
MLGUARD_INLINE auto basic_file_registry<V>::model_names() const -> std::vector<std::string> {
  std::vector<std::string> out;
  const int fd = ::openat(models_fd_.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    detail::throw_registry_io("open_failed", "cannot open", root_ + "/models", errno);
  }
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    const int err = errno;
    ::close(fd);
    detail::throw_registry_io("read_failed", "cannot read", root_ + "/models", err);
  }
  while (const dirent* d = ::readdir(dir)) {
    const std::string name = d->d_name;
    if (!name_problem(name).empty()) {
      continue; // ".", "..", temporary ".create.*" directories, strays
    }
    struct stat st;
    const std::string journal = name + "/journal.jsonl";
    if (::fstatat(models_fd_.get(), journal.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
      out.push_back(name);
    }
  }
  ::closedir(dir);
  std::sort(out.begin(), out.end());
  return out;
}

template <class V>
MLGUARD_INLINE auto basic_file_registry<V>::clear_cache() -> void {
  std::lock_guard<std::mutex> guard(mutex_);
  cache_.clear();
}

template <class V>
MLGUARD_INLINE auto basic_file_registry<V>::read_model(
    const std::string& name, const std::function<void(detail::model_state&)>& fn) const -> void {
  std::lock_guard<std::mutex> guard(mutex_);
  auto& e = fresh(name, false);
  if (e.state.deleted) {
    detail::throw_model_not_found(name);
  }
  fn(e.state);
}

template <class V>
MLGUARD_INLINE auto basic_file_registry<V>::load_version(const std::string& name,
                                                         detail::model_state& s, int version) const
    -> const model_version& {
  const auto it = s.versions.find(version);
  if (it != s.versions.end()) {
    return it->second;
  }
  return s.versions.emplace(version, read_version(name, s, version)).first->second;
}

template <class V>
MLGUARD_INLINE auto basic_file_registry<V>::copy_version(const std::string& name,
                                                         detail::model_state& s, int version) const
    -> model_version {
  const auto it = s.versions.find(version);
  return it != s.versions.end() ? it->second : read_version(name, s, version);
}

template <class V>
MLGUARD_INLINE auto basic_file_registry<V>::write_model(const std::string& name,
                                                        const decide_fn& decide) -> std::uint64_t {
  std::lock_guard<std::mutex> guard(mutex_);
  detail::file_lock lock(layout_dir(locks_fd_, "locks"), name + ".lock", true,
                         root_ + "/locks/" + name + ".lock");
  cache_entry* e = nullptr;
  try {
    e = &fresh(name, true);
  } catch (const registry_error& x) {
    if (x.id() != "mlguard.registry.not_found") {
      throw;
    }
  }
  if (e != nullptr && (e->snapshot_offset != e->valid_end || e->observed != e->valid_end)) {
    cache_.erase(name); // a reader's incremental refresh: reread model.json for the truth
    e = &load(name);
    if (e->snapshot_offset != e->valid_end && !e->state.deleted) {
      recover(name, *e);
    }
    if (e->observed != e->valid_end) {
      cut_torn_tail(name, *e);
    }
  }
  if (e != nullptr && e->state.deleted) {
    move_to_trash(name); // a delete committed before a crash
    cache_.erase(name);
    e = nullptr;
  }

  auto entry = decide(e != nullptr ? &e->state : nullptr);
  if (!entry) {
    return 0;
  }
  entry->record.model = name;
  entry->record.sequence = (e != nullptr ? e->state.model.sequence : 0) + 1;
  const auto sequence = entry->record.sequence;
  if (entry->record.action == audit_action::create_model) {
    cache_.erase(name);
    create_model_dir(name, *entry);
    return sequence;
  }
  const std::string line = detail::journal_line(detail::entry_to_json(*entry));
  try {
    append_record(name, *e, line);
  } catch (...) {
    cache_.erase(name);
    throw; // nothing was committed
  }
  // Committed: from here on the call reports success. A failure below (a full disk, an
  // I/O error) leaves documents behind the journal, exactly as a crash here would:
  // readers apply the records past model.json's journal_offset, and the next writer
  // rewrites the documents (recover). Reporting it would tell a client to retry a
  // change that is already made.
  try {
    const std::size_t end = e->valid_end + line.size();
    if (entry->record.action == audit_action::delete_model) {
      cache_.erase(name);
      move_to_trash(name);
      return sequence;
    }
    apply_to_disk(name, *e, *entry);
    detail::apply(e->state, *entry);
    write_snapshot(name, *e, end);
    e->observed = e->valid_end = e->snapshot_offset = end;
  } catch (...) {
    cache_.erase(name); // the next call rereads the journal, and the next write recovers
  }
  return sequence;
}

template <class V>
MLGUARD_INLINE auto basic_file_registry<V>::visit_journal(
    const std::string& name, const detail::model_state& s,
    const std::function<bool(detail::journal_entry&&)>& visit) const -> void {
  const auto& e = cache_.at(name);
  const std::string path = model_path(name) + "/journal.jsonl";
  const auto fd = detail::open_read_at(e.dir.get(), "journal.jsonl", path);
  if (!fd) {
    throw format_error("corrupt", path + ": missing");
  }
  detail::scan_journal(fd.get(), 0, path, [&](detail::journal_entry&& entry) {
    // Another process may have appended since `s` was read: keep the view consistent.
    return entry.record.sequence <= s.model.sequence && visit(std::move(entry));
  });
}

template <class V>
MLGUARD_INLINE auto basic_file_registry<V>::find_client_token(const std::string& name,
                                                              const detail::model_state& s,
                                                              const std::string& token) const
    -> std::optional<detail::client_token_record> {
  if (auto found = detail::journaled_registry::find_client_token(name, s, token)) {
    return found; // registered since the model was read (its file may not be written yet)
  }
  auto& e = cache_.at(name);
  const std::string file = token + ".json";
  const std::string path = model_path(name) + "/tokens/" + file;
  const auto dir = detail::open_dir_at(e.dir.get(), "tokens", model_path(name) + "/tokens");
  std::string text;
  if (!dir || !detail::read_file_at(dir.get(), file, text, path)) {
    return std::nullopt;
  }
  const json doc = parse_json(text, path);
  const auto r = json_reader::document(doc, token_format, path,
                                       {"model", "client_token", "version", "request"});
  if (r.text("model") != name || r.text("client_token") != token) {
    r.fail("client_token", "is not token '" + token + "' of model '" + name + "'");
  }
  detail::client_token_record out;
  out.version = detail::read_int(r, "version");
  out.request = r.object("request").value();
  return out;
}

template <class V>
MLGUARD_INLINE auto
basic_file_registry<V>::collect_runs(const std::string& name, detail::model_state& s,
                                     std::optional<int> version, std::vector<run_record>& out) const
    -> void {
  const auto& e = cache_.at(name);
  std::map<std::uint64_t, run_record> found;
  const std::string runs_path = model_path(name) + "/runs";
  const auto runs = detail::open_dir_at(e.dir.get(), "runs", runs_path);
  const int first = version ? *version : 1;
  const int last = version ? *version : s.model.latest_version;
  for (int v = first; runs && v <= last; ++v) {
    const std::string dir_path = runs_path + "/" + std::to_string(v);
    const auto dir = detail::open_dir_at(runs.get(), std::to_string(v), dir_path);
    if (!dir) {
      continue; // no run of this version yet
    }
    for (const auto& file : list_files(dir.get(), dir_path)) {
      const auto sequence = run_file_sequence(file);
      if (sequence == 0 || sequence > s.model.sequence) {
        continue; // not a run document (a temporary file), or a run recorded since `s`
      }
      std::string text;
      const std::string path = dir_path + "/" + file;
      if (detail::read_file_at(dir.get(), file, text, path)) {
        found.emplace(sequence, decode_run(text, path, name, v, sequence));
      }
    }
  }
  for (const auto& p : s.pending) {
    if (p.run_document && (!version || p.record.version == version) &&
        p.record.sequence <= s.model.sequence) {
      found.emplace(p.record.sequence, detail::run_from(p)); // keeps a document read
    }
  }
  for (auto& kv : found) {
    out.push_back(std::move(kv.second));
  }
}

template <class V>
MLGUARD_INLINE auto basic_file_registry<V>::open_layout_dir(const std::string& name, bool required)
    -> detail::unique_fd {
  const std::string path = root_ + "/" + name;
  if (options_.create) {
    try {
      detail::make_dir_at(root_fd_.get(), name, path);
    } catch (const registry_error&) {
      // read-only: read what is there
    }
  }
  auto fd = detail::open_dir_at(root_fd_.get(), name, path);
  if (!fd && required) {
    throw format_error("corrupt", path + ": missing directory of the registry layout");
  }
  return fd;
}

template <class V>
MLGUARD_INLINE auto basic_file_registry<V>::layout_dir(detail::unique_fd& fd,
                                                       const std::string& name) const -> int {
  if (!fd) {
    const std::string path = root_ + "/" + name;
    detail::make_dir_at(root_fd_.get(), name, path);
    fd = detail::open_dir_at(root_fd_.get(), name, path);
    if (!fd) {
      detail::throw_registry_io("open_failed", "cannot open directory", path, ENOENT);
    }
  }
  return fd.get();
}

template <class V>
MLGUARD_INLINE auto basic_file_registry<V>::throw_root_problem(const char* reason,
                                                               const std::string& what, int err)
    -> void {
  struct stat st;
  if (err == ENOTDIR && ::stat(root_.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) {
    throw io_error("open_failed", root_ + " is a file, not a directory (a registry root is " +
                                      "a directory holding registry.json)");
  }
  if (err == ENOTDIR) {
    throw io_error(reason,
                   what + " " + root_ + ": a component of the path is a file, not a directory");
  }
  detail::throw_registry_io(reason, what, root_, err);
}

template <class V>
MLGUARD_INLINE auto basic_file_registry<V>::read_version(const std::string& name,
                                                         const detail::model_state& s,
                                                         int version) const -> model_version {
  if (version < 1 || version > s.model.latest_version) {
    detail::throw_version_not_found(name, version);
  }
  auto& e = cache_.at(name);
  std::optional<model_version> v;
  const std::string file = std::to_string(version) + ".json";
  const std::string path = model_path(name) + "/versions/" + file;
  std::string text;
  if (detail::read_file_at(e.versions_dir.get(), file, text, path)) {
    v = decode_version(text, path, name, version);
  }
  for (const auto& p : s.pending) {
    if (detail::version_touched(p) != version) {
      continue;
    }
    if (p.version_document) {
      v = *p.version_document;
    } else if (v) {
      detail::apply_to_version(*v, p);
    }
  }
  if (!v) {
    throw format_error("corrupt", path + ": missing, though the journal records version " +
                                      std::to_string(version));
  }
  return std::move(*v);
}

template <class V>
MLGUARD_INLINE auto basic_file_registry<V>::run_file_sequence(const std::string& file)
    -> std::uint64_t {
  const auto dot = file.find('.');
  if (dot == 0 || dot == std::string::npos || dot > 19 || file.compare(dot, 6, ".json") != 0 ||
      dot + 5 != file.size()) {
    return 0;
  }
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < dot; ++i) {
    if (file[i] < '0' || file[i] > '9') {
      return 0;
    }
    n = n * 10 + static_cast<std::uint64_t>(file[i] - '0');
  }
  return n;
}

template <class V>
MLGUARD_INLINE auto basic_file_registry<V>::list_files(int dir, const std::string& path)
    -> std::vector<std::string> {
  std::vector<std::string> out;
  const int fd = ::openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    detail::throw_registry_io("open_failed", "cannot open", path, errno);
  }
  DIR* d = ::fdopendir(fd);
  if (d == nullptr) {
    const int err = errno;
    ::close(fd);
    detail::throw_registry_io("read_failed", "cannot read", path, err);
  }
  while (const dirent* entry = ::readdir(d)) {
    const std::string n = entry->d_name;
    if (n != "." && n != "..") {
      out.push_back(n);
    }
  }
  ::closedir(d);
  return out;
}

template <class V>
MLGUARD_INLINE auto basic_file_registry<V>::decode_run(const std::string& text,
                                                       const std::string& path,
                                                       const std::string& name, int version,
                                                       std::uint64_t sequence) const -> run_record {
  const json doc = parse_json(text, path);
  const auto r = json_reader::document(
      doc, run_format, path,
      {"sequence",    "model",     "version",         "recorded_at", "actor",
       "kind",        "model_uri", "artifact_digest", "input",       "input_fingerprint",
       "input_bytes", "counts",    "timings",         "thresholds",  "metrics",
       "outputs",     "exit_code", "started_at",      "finished_at", "tags"});
  auto run = read_run_record(r);
  if (run.model != name || run.version != version || run.sequence != sequence) {
    r.fail("sequence", "holds run " + std::to_string(run.sequence) + " of version " +
                           std::to_string(run.version) + " of model '" + run.model + "', not run " +
                           std::to_string(sequence) + " of version " + std::to_string(version) +
                           " of '" + name + "'");
  }
  return run;
}

template <class V>
MLGUARD_INLINE auto basic_file_registry<V>::decode_version(const std::string& text,
                                                           const std::string& path,
                                                           const std::string& name,
                                                           int version) const -> model_version {
  const json doc = parse_json(text, path);
  const auto r =
      json_reader::document(doc, version_format, path,
                            {"model", "version", "artifact_uri", "artifact_digest", "status",
                             "description", "tags", "metrics", "params", "lineage"});
  auto v = read_model_version(r);
  if (v.model != name || v.version != version) {
    r.fail("version", "holds version " + std::to_string(v.version) + " of model '" + v.model +
                          "', not version " + std::to_string(version) + " of '" + name + "'");
  }
  return v;
}

template <class V>
MLGUARD_INLINE auto basic_file_registry<V>::fresh(const std::string& name, bool locked) const
    -> cache_entry& {
  struct stat st;
  const std::string journal = name + "/journal.jsonl";
  if (::fstatat(models_fd_.get(), journal.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    const int err = errno;
    cache_.erase(name);
    if (err == ENOENT || err == ENOTDIR) {
      detail::throw_model_not_found(name);
    }
    detail::throw_registry_io("read_failed", "cannot stat", model_path(name) + "/journal.jsonl",
                              err);
  }
  const auto size = static_cast<std::size_t>(st.st_size);
  auto it = cache_.find(name);
  const bool same_file =
      it != cache_.end() && it->second.dev == st.st_dev && it->second.ino == st.st_ino;
  if (same_file && size == it->second.observed && it->second.observed == it->second.valid_end) {
    return it->second; // the fast path: nothing changed
  }
  if (locked) {
    cache_.erase(name);
    return load(name);
  }
  // Readers take a shared lock where they can (so they wait for a writer in progress
  // rather than read its records before its documents), and read without one where
  // they cannot (a read-only tree: file_lock). That is safe because of the journal's
  // rules (detail/journal.hpp): it only grows; a writer appends one whole record per
  // write() with its newline last, so a reader that meets the write sees a prefix of
  // it at worst (on a local file system), and a prefix (no newline, or a checksum that
  // fails) is ignored as torn; every document is replaced by rename, so a reader sees
  // the old file or the new one; model.json is read before the journal, and its
  // journal_offset never runs ahead of the journal, so model.json plus the journal
  // past its offset is a state the registry was in. The one cut of a whole record (its
  // fsync failed: append_record) happens under the exclusive lock, so only a reader
  // without the lock, next to a live writer, could have seen that record: a reader
  // that cannot open a lock file that a writer can.
  detail::file_lock lock(locks_fd_.get(), name + ".lock", false,
                         root_ + "/locks/" + name + ".lock");
  if (same_file && size >= it->second.valid_end && it->second.state.pending.size() < 256 &&
      refresh(name, it->second)) {
    return it->second;
  }
  cache_.erase(name);
  return load(name);
}

template <class V>
MLGUARD_INLINE auto basic_file_registry<V>::refresh(const std::string& name, cache_entry& e) const
    -> bool {
  const std::string path = model_path(name) + "/journal.jsonl";
  const auto fd = detail::open_read_at(e.dir.get(), "journal.jsonl", path);
  struct stat st;
  if (!fd || ::fstat(fd.get(), &st) != 0 || st.st_dev != e.dev || st.st_ino != e.ino) {
    return false;
  }
  replay_journal(e, fd.get(), e.valid_end, path, 0);
  e.snapshot_offset = 0; // unknown: a writer rereads model.json
  return true;
}

template <class V>
MLGUARD_INLINE auto basic_file_registry<V>::replay_journal(cache_entry& e, int fd, std::size_t from,
                                                           const std::string& path,
                                                           std::uint64_t applied) -> void {
  std::size_t observed = 0;
  e.valid_end = detail::scan_journal(
      fd, from, path,
      [&](detail::journal_entry&& p) {
        if (p.record.sequence <= applied) {
          return true;
        }
        detail::apply(e.state, p);
        if (detail::version_touched(p) || p.run_document) {
          e.state.pending.push_back(std::move(p));
        }
        return true;
      },
      &observed);
  e.observed = observed;
}

template <class V>
MLGUARD_INLINE auto basic_file_registry<V>::load(const std::string& name) const -> cache_entry& {
  cache_entry e;
  const std::string path = model_path(name);
  e.dir = detail::open_dir_at(models_fd_.get(), name, path);
  if (!e.dir) {
    detail::throw_model_not_found(name);
  }
  e.versions_dir = detail::open_dir_at(e.dir.get(), "versions", path + "/versions");
  if (!e.versions_dir) {
    throw format_error("corrupt", path + "/versions: missing directory");
  }
  const std::string snapshot_path = path + "/model.json";
  std::string text;
  if (!detail::read_file_at(e.dir.get(), "model.json", text, snapshot_path)) {
    throw format_error("corrupt", snapshot_path + ": missing");
  }
  const json doc = parse_json(text, snapshot_path);
  const auto r = json_reader::document(doc, snapshot_format, snapshot_path,
                                       {"name", "description", "tags", "created_at", "updated_at",
                                        "latest_version", "aliases", "sequence", "journal_offset"});
  e.state.model = read_registered_model(r);
  e.snapshot_offset = static_cast<std::size_t>(r.count("journal_offset"));
  if (e.state.model.name != name) {
    throw format_error("corrupt", snapshot_path + ": names model '" + e.state.model.name + "'");
  }
  const std::string journal_path = path + "/journal.jsonl";
  const auto fd = detail::open_read_at(e.dir.get(), "journal.jsonl", journal_path);
  struct stat st;
  if (!fd || ::fstat(fd.get(), &st) != 0) {
    throw format_error("corrupt", journal_path + ": missing");
  }
  e.dev = st.st_dev;
  e.ino = st.st_ino;
  if (static_cast<std::size_t>(st.st_size) < e.snapshot_offset) {
    throw format_error("corrupt", journal_path + ": shorter than model.json's journal_offset " +
                                      std::to_string(e.snapshot_offset));
  }
  replay_journal(e, fd.get(), e.snapshot_offset, journal_path, e.state.model.sequence);
  return cache_.insert_or_assign(name, std::move(e)).first->second;
}

template <class V>
MLGUARD_INLINE auto basic_file_registry<V>::recover(const std::string& name, cache_entry& e)
    -> void {
  for (const auto& p : e.state.pending) {
    apply_to_disk(name, e, p);
  }
  write_snapshot(name, e, e.valid_end);
  e.snapshot_offset = e.valid_end;
  e.state.pending.clear();
}

template <class V>
MLGUARD_INLINE auto basic_file_registry<V>::cut_torn_tail(const std::string& name, cache_entry& e)
    -> void {
  const std::string path = model_path(name) + "/journal.jsonl";
  const int fd = ::openat(e.dir.get(), "journal.jsonl", O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    detail::throw_registry_io("open_failed", "cannot open", path, errno);
  }
  detail::unique_fd journal(fd);
  if (::ftruncate(fd, static_cast<off_t>(e.valid_end)) != 0) {
    detail::throw_registry_io("write_failed", "cannot truncate the torn record of", path, errno);
  }
  if (options_.fsync) {
    detail::sync_fd(fd, path);
  }
  e.observed = e.valid_end;
}

template <class V>
MLGUARD_INLINE auto basic_file_registry<V>::apply_to_disk(const std::string& name, cache_entry& e,
                                                          const detail::journal_entry& p) -> void {
  if (p.run_document) {
    write_run(name, e, p);
    return;
  }
  const auto version = detail::version_touched(p);
  if (!version) {
    return;
  }
  const std::string file = std::to_string(*version) + ".json";
  const std::string path = model_path(name) + "/versions/" + file;
  model_version v;
  if (p.version_document) {
    v = *p.version_document;
  } else {
    std::string text;
    if (!detail::read_file_at(e.versions_dir.get(), file, text, path)) {
      throw format_error("corrupt", path + ": missing");
    }
    v = decode_version(text, path, name, *version);
    detail::apply_to_version(v, p);
  }
  json doc = new_document(version_format);
  doc.update(json(v));
  doc.erase("aliases");
  detail::write_file_atomic(e.versions_dir.get(), file, dump_json(doc, 2) + "\n", options_.fsync,
                            path);
  if (p.record.action == audit_action::register_version && !p.record.client_token.empty()) {
    write_token(name, e, p);
  }
}

template <class V>
MLGUARD_INLINE auto basic_file_registry<V>::write_token(const std::string& name, cache_entry& e,
                                                        const detail::journal_entry& p) -> void {
  const std::string dir_path = model_path(name) + "/tokens";
  detail::make_dir_at(e.dir.get(), "tokens", dir_path);
  const auto dir = detail::open_dir_at(e.dir.get(), "tokens", dir_path);
  if (!dir) {
    detail::throw_registry_io("open_failed", "cannot open directory", dir_path, ENOENT);
  }
  json doc = new_document(token_format);
  doc["model"] = name;
  doc["client_token"] = p.record.client_token;
  doc["version"] = p.version_document->version;
  doc["request"] = detail::registration_request(*p.version_document);
  const std::string file = p.record.client_token + ".json";
  detail::write_file_atomic(dir.get(), file, dump_json(doc, 2) + "\n", options_.fsync,
                            dir_path + "/" + file);
}

template <class V>
MLGUARD_INLINE auto basic_file_registry<V>::write_run(const std::string& name, cache_entry& e,
                                                      const detail::journal_entry& p) -> void {
  const auto run = detail::run_from(p);
  const std::string runs_path = model_path(name) + "/runs";
  detail::make_dir_at(e.dir.get(), "runs", runs_path);
  const auto runs = detail::open_dir_at(e.dir.get(), "runs", runs_path);
  if (!runs) {
    detail::throw_registry_io("open_failed", "cannot open directory", runs_path, ENOENT);
  }
  const std::string version = std::to_string(run.version);
  const std::string dir_path = runs_path + "/" + version;
  detail::make_dir_at(runs.get(), version, dir_path);
  const auto dir = detail::open_dir_at(runs.get(), version, dir_path);
  if (!dir) {
    detail::throw_registry_io("open_failed", "cannot open directory", dir_path, ENOENT);
  }
  json doc = new_document(run_format);
  doc.update(json(run));
  const std::string file = std::to_string(run.sequence) + ".json";
  detail::write_file_atomic(dir.get(), file, dump_json(doc, 2) + "\n", options_.fsync,
                            dir_path + "/" + file);
}

template <class V>
MLGUARD_INLINE auto basic_file_registry<V>::append_record(const std::string& name, cache_entry& e,
                                                          const std::string& line) -> void {
  const std::string path = model_path(name) + "/journal.jsonl";
  const int fd =
      ::openat(e.dir.get(), "journal.jsonl", O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (detail::write_denied(errno)) {
      detail::throw_read_only("cannot open", path, errno);
    }
    detail::throw_registry_io("open_failed", "cannot open", path, errno);
  }
  detail::unique_fd journal(fd);
  bool written = false;
  try {
    detail::write_all(fd, line.data(), line.size(), path);
    written = true;
    if (options_.fsync) {
      detail::sync_fd(fd, path);
    }
  } catch (...) {
    if (::ftruncate(fd, static_cast<off_t>(e.valid_end)) != 0 && written) {
      // The whole record is in the journal and cannot be taken back: readers see it,
      // so it is committed (only its durability is in doubt, as with fsync off).
      return;
    }
    throw;
  }
}

template <class V>
MLGUARD_INLINE auto basic_file_registry<V>::write_snapshot(const std::string& name, cache_entry& e,
                                                           std::size_t offset) -> void {
  json doc = new_document(snapshot_format);
  doc.update(json(e.state.model));
  doc["journal_offset"] = offset;
  detail::write_file_atomic(e.dir.get(), "model.json", dump_json(doc, 2) + "\n", options_.fsync,
                            model_path(name) + "/model.json");
}

template <class V>
MLGUARD_INLINE auto basic_file_registry<V>::create_model_dir(const std::string& name,
                                                             const detail::journal_entry& entry)
    -> void {
  static std::atomic<unsigned long> counter{0};
  const std::string temp = ".create." + std::to_string(::getpid()) + "." +
                           std::to_string(counter.fetch_add(1)) + "." + name;
  const std::string temp_path = root_ + "/models/" + temp;
  detail::make_dir_at(models_fd_.get(), temp, temp_path);
  try {
    cache_entry e;
    e.dir = detail::open_dir_at(models_fd_.get(), temp, temp_path);
    if (!e.dir) {
      detail::throw_registry_io("open_failed", "cannot open", temp_path, ENOENT);
    }
    detail::make_dir_at(e.dir.get(), "versions", temp_path + "/versions");
    const std::string journal = detail::journal_line(detail::journal_header(name)) +
                                detail::journal_line(detail::entry_to_json(entry));
    detail::write_file_atomic(e.dir.get(), "journal.jsonl", journal, options_.fsync,
                              temp_path + "/journal.jsonl");
    detail::apply(e.state, entry);
    write_snapshot(name, e, journal.size());
    struct stat st;
    if (::fstatat(models_fd_.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
      throw registry_error("already_exists", model_path(name) +
                                                 " exists but holds no model journal; "
                                                 "remove it to create model '" +
                                                 name + "'");
    }
    if (::renameat(models_fd_.get(), temp.c_str(), models_fd_.get(), name.c_str()) != 0) {
      detail::throw_registry_io("write_failed", "cannot rename " + temp_path + " to",
                                model_path(name), errno);
    }
  } catch (...) {
    remove_tree(temp);
    throw;
  }
  // The rename was the commit point: the model exists, so the call succeeds even if
  // making the rename durable fails (as after a crash, the model may then vanish on
  // power loss; no reader ever sees it half made).
  if (options_.fsync) {
    try {
      detail::sync_fd(models_fd_.get(), root_ + "/models");
    } catch (const io_error&) {
    }
  }
}

template <class V>
MLGUARD_INLINE auto basic_file_registry<V>::remove_tree(const std::string& temp) noexcept -> void {
  const int fd = ::openat(models_fd_.get(), temp.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  if (fd >= 0) {
    for (const char* f : {"journal.jsonl", "model.json"}) {
      ::unlinkat(fd, f, 0);
    }
    ::unlinkat(fd, "versions", AT_REMOVEDIR);
    ::close(fd);
  }
  ::unlinkat(models_fd_.get(), temp.c_str(), AT_REMOVEDIR);
}

template <class V>
MLGUARD_INLINE auto basic_file_registry<V>::move_to_trash(const std::string& name) -> void {
  const std::string target = name + ".deleted." +
                             std::to_string(clock().now().time_since_epoch().count()) + "." +
                             std::to_string(::getpid());
  const int trash = layout_dir(trash_fd_, "trash");
  if (::renameat(models_fd_.get(), name.c_str(), trash, target.c_str()) != 0) {
    if (errno == ENOENT) {
      return;
    }
    detail::throw_registry_io("write_failed", "cannot move a deleted model to",
                              root_ + "/trash/" + target, errno);
  }
  if (options_.fsync) {
    detail::sync_fd(models_fd_.get(), root_ + "/models");
    detail::sync_fd(trash_fd_.get(), root_ + "/trash");
  }
}

} // namespace mlguard::registry

#endif // MLGUARD_COMPILED
#endif // MLGUARD_REGISTRY_FILE_REGISTRY_HPP
