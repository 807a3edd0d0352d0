#ifndef MLGUARD_SERVING_ARTIFACT_STORE_HPP
#define MLGUARD_SERVING_ARTIFACT_STORE_HPP

// Where model bundles live: an interface (a database store comes later) and
// a content-addressed store on the file system that writes a bundle
// all-or-nothing.

#include <cerrno>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/detail/file.hpp"
#include "mlguard/core/error.hpp"

namespace mlguard::serving {

/// The members of one bundle: member name → bytes.
using bundle_members = std::map<std::string, std::string>;

/// Content-addressed storage of bundles. A bundle is put under its digest
/// ("sha256:<64 hex digits>", see model_bundle.hpp) all-or-nothing.
class artifact_store {
public:
  virtual ~artifact_store() = default;
  /// Stores `members` under `digest` and returns the bundle's URI. After it
  /// returns, every member is durable; a crash during put leaves either the
  /// whole bundle or no trace a reader can see. Storing a digest that is
  /// already there does nothing. Throws serving_error (mlguard.serving.invalid_name)
  /// for a bad digest or member name, io_error when writing fails.
  virtual std::string put(const std::string& digest, const bundle_members& members) = 0;
  /// True when a bundle is stored under `digest`.
  virtual bool contains(const std::string& digest) const = 0;
  /// One member's bytes; nothing when the bundle or the member is absent.
  /// Throws io_error when the member exists but cannot be read.
  virtual std::optional<std::string> read(const std::string& digest,
                                          const std::string& member) const = 0;
  /// The URI put() returns for `digest`.
  virtual std::string uri_of(const std::string& digest) const = 0;
};

namespace detail {

using ::mlguard::detail::read_file;
using ::mlguard::detail::sync_fd;
using ::mlguard::detail::throw_io;
using ::mlguard::detail::unique_fd;
using ::mlguard::detail::write_all;

/// Throws serving_error (invalid_name) unless `digest` is "sha256:" + 64 lowercase hex digits.
template <class = void>
void check_digest(std::string_view digest);

/// Throws serving_error (invalid_name) unless `name` is a plain file name:
/// 1–64 of [a-z0-9_.-], not starting with '.'.
template <class = void>
void check_member_name(std::string_view name);

template <class = void>
void make_directory(const std::string& path);

template <class = void>
void sync_directory(const std::string& path);

template <class = void>
void remove_tree(const std::string& dir, const bundle_members& members);

} // namespace detail

/// An artifact_store in memory: for tests, and for reading a bundle that is
/// not in a store yet (load_bundle). Not synchronised.
template <class = void> // deferred: see core/json.hpp
class basic_memory_artifact_store final : public artifact_store {
public:
  std::string put(const std::string& digest, const bundle_members& members) override;
  bool contains(const std::string& digest) const override;
  std::optional<std::string> read(const std::string& digest,
                                  const std::string& member) const override;
  std::string uri_of(const std::string& digest) const override { return "memory:" + digest; }

private:
  std::map<std::string, bundle_members> bundles_;
};

/// The type to name (a class template only so that its bodies compile where used).
using memory_artifact_store = basic_memory_artifact_store<>;

/// An artifact_store in a directory:
///
///     ROOT/bundles/<64 hex digits>/<member>   one directory per bundle
///     ROOT/incoming/                          bundles being written
///
/// put() writes the members into a fresh directory under incoming/, fsyncs
/// each file and the directory, then renames it into bundles/ and fsyncs
/// bundles/: the rename is the commit, so bundles/ only ever holds whole
/// bundles. Leftovers of a crash stay under incoming/ (remove_incomplete()
/// clears them). Safe for several processes: two that put one digest race
/// on the rename, and the loser discards its copy. URIs read
/// "file://ROOT/bundles/<hex>".
template <class = void> // deferred: see core/json.hpp
class basic_file_artifact_store final : public artifact_store {
public:
  /// A store rooted at `root`, created if absent (not its parents). Throws
  /// io_error (mlguard.io.write_failed) when it cannot be created.
  explicit basic_file_artifact_store(std::string root);

  std::string put(const std::string& digest, const bundle_members& members) override;

  bool contains(const std::string& digest) const override;

  std::optional<std::string> read(const std::string& digest,
                                  const std::string& member) const override;

  std::string uri_of(const std::string& digest) const override;

  /// The directory of the bundle `digest`.
  std::string directory(const std::string& digest) const;
  /// The root directory.
  const std::string& root() const noexcept { return root_; }

private:
  static std::string hex(const std::string& digest) { return digest.substr(7); }

  static void write_member(const std::string& path, const std::string& bytes);

  std::string root_;
};

/// The type to name (a class template only so that its bodies compile where used).
using file_artifact_store = basic_file_artifact_store<>;

} // namespace mlguard::serving

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include <atomic>

namespace mlguard::serving::detail {

template <class>
void check_digest(std::string_view digest) {
  bool ok = digest.size() == 71 && digest.substr(0, 7) == "sha256:";
  for (std::size_t i = 7; ok && i < digest.size(); ++i) {
    const char c = digest[i];
    ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  }
  if (!ok) {
    throw serving_error("invalid_name", "'" + std::string(digest.substr(0, 80)) +
                                            "' is not a bundle digest (sha256:<64 hex digits>)");
  }
}

template <class>
void check_member_name(std::string_view name) {
  bool ok = !name.empty() && name.size() <= 64 && name[0] != '.';
  for (char c : name) {
    ok = ok &&
         ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-');
  }
  if (!ok) {
    throw serving_error("invalid_name", "'" + std::string(name.substr(0, 80)) +
                                            "' is not a bundle member name ([a-z0-9_.-], "
                                            "1-64 characters, not starting with '.')");
  }
}

template <class>
void make_directory(const std::string& path) {
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
    throw_io("write_failed", "cannot create the directory", path, errno);
  }
}

template <class>
void sync_directory(const std::string& path) {
  int fd = -1;
  do {
    fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    throw_io("open_failed", "cannot open the directory", path, errno);
  }
  const unique_fd dir(fd);
  sync_fd(fd, path);
}

template <class>
void remove_tree(const std::string& dir, const bundle_members& members) {
  for (const auto& m : members) {
    ::unlink((dir + "/" + m.first).c_str());
  }
  ::rmdir(dir.c_str());
}

} // namespace mlguard::serving::detail

namespace mlguard::serving {

template <class V>
MLGUARD_INLINE auto basic_memory_artifact_store<V>::put(const std::string& digest,
                                                        const bundle_members& members)
    -> std::string {
  detail::check_digest(digest);
  for (const auto& m : members) {
    detail::check_member_name(m.first);
  }
  bundles_.emplace(digest, members);
  return uri_of(digest);
}

template <class V>
MLGUARD_INLINE auto basic_memory_artifact_store<V>::contains(const std::string& digest) const
    -> bool {
  return bundles_.find(digest) != bundles_.end();
}

template <class V>
MLGUARD_INLINE auto basic_memory_artifact_store<V>::read(const std::string& digest,
                                                         const std::string& member) const
    -> std::optional<std::string> {
  const auto b = bundles_.find(digest);
  if (b == bundles_.end()) {
    return std::nullopt;
  }
  const auto m = b->second.find(member);
  return m == b->second.end() ? std::nullopt : std::optional<std::string>(m->second);
}

template <class V>
MLGUARD_INLINE basic_file_artifact_store<V>::basic_file_artifact_store(std::string root)
    : root_(std::move(root)) {
  while (root_.size() > 1 && root_.back() == '/') {
    root_.pop_back();
  }
  detail::make_directory(root_);
  detail::make_directory(root_ + "/bundles");
  detail::make_directory(root_ + "/incoming");
}

template <class V>
MLGUARD_INLINE auto basic_file_artifact_store<V>::put(const std::string& digest,
                                                      const bundle_members& members)
    -> std::string {
  detail::check_digest(digest);
  for (const auto& m : members) {
    detail::check_member_name(m.first);
  }
  if (contains(digest)) {
    return uri_of(digest);
  }
  static std::atomic<unsigned long> counter{0};
  const std::string temp = root_ + "/incoming/" + hex(digest) + "." + std::to_string(::getpid()) +
                           "." + std::to_string(counter.fetch_add(1));
  detail::make_directory(temp);
  try {
    for (const auto& m : members) {
      write_member(temp + "/" + m.first, m.second);
    }
    detail::sync_directory(temp);
    if (::rename(temp.c_str(), directory(digest).c_str()) != 0) {
      const int err = errno;
      if (err != EEXIST && err != ENOTEMPTY) {
        detail::throw_io("write_failed", "cannot move a bundle into", directory(digest), err);
      }
      detail::remove_tree(temp, members); // another writer stored it first
    }
    detail::sync_directory(root_ + "/bundles");
  } catch (...) {
    detail::remove_tree(temp, members);
    throw;
  }
  return uri_of(digest);
}

template <class V>
MLGUARD_INLINE auto basic_file_artifact_store<V>::contains(const std::string& digest) const
    -> bool {
  detail::check_digest(digest);
  struct stat st {};
  return ::stat(directory(digest).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

template <class V>
MLGUARD_INLINE auto basic_file_artifact_store<V>::read(const std::string& digest,
                                                       const std::string& member) const
    -> std::optional<std::string> {
  detail::check_digest(digest);
  detail::check_member_name(member);
  const std::string path = directory(digest) + "/" + member;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 && errno == ENOENT) {
    return std::nullopt;
  }
  return detail::read_file(path);
}

template <class V>
MLGUARD_INLINE auto basic_file_artifact_store<V>::uri_of(const std::string& digest) const
    -> std::string {
  detail::check_digest(digest);
  return "file://" + directory(digest);
}

template <class V>
MLGUARD_INLINE auto basic_file_artifact_store<V>::directory(const std::string& digest) const
    -> std::string {
  return root_ + "/bundles/" + hex(digest);
}

template <class V>
MLGUARD_INLINE auto basic_file_artifact_store<V>::write_member(const std::string& path,
                                                               const std::string& bytes) -> void {
  int fd = -1;
  do {
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    detail::throw_io("write_failed", "cannot create", path, errno);
  }
  const detail::unique_fd file(fd);
  detail::write_all(fd, bytes.data(), bytes.size(), path);
  detail::sync_fd(fd, path);
}

} // namespace mlguard::serving

#endif // MLGUARD_COMPILED
#endif // MLGUARD_SERVING_ARTIFACT_STORE_HPP
