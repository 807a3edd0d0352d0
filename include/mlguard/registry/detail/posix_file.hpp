#ifndef MLGUARD_REGISTRY_DETAIL_POSIX_FILE_HPP
#define MLGUARD_REGISTRY_DETAIL_POSIX_FILE_HPP

// POSIX file operations of the file registry. Every path below the registry root is
// reached with openat() from a directory descriptor, with O_NOFOLLOW on each step, so a
// symlink planted inside the root is never followed (reads and writes alike).

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/detail/file.hpp"
#include "mlguard/core/error.hpp"

namespace mlguard::registry::detail {

/// Throws io_error mlguard.io.<reason>: "<what> <path>: <strerror(err)>", noting
/// that symlinks inside a registry root are not followed when that is the cause (ELOOP:
/// O_NOFOLLOW met a symlink).
[[noreturn]] inline void throw_registry_io(std::string_view reason, const std::string& what,
                                           const std::string& path, int err) {
  std::string message = what + " " + path + ": " + std::strerror(err);
  if (err == ELOOP) {
    message += " (symlinks inside a registry root are not followed)";
  }
  throw io_error(reason, message);
}

/// Whether `err` says this process may not write there: no permission, or a read-only
/// file system (a replica, a snapshot, a backup mount).
template <class = void>
bool write_denied(int err) noexcept;

/// Throws registry_error (mlguard.registry.read_only): a write to a registry this process
/// may only read.
[[noreturn]] inline void throw_read_only(const std::string& what, const std::string& path,
                                         int err) {
  throw registry_error("read_only", what + " " + path + ": " + std::strerror(err) +
                                        " (the registry is read-only to this process: it can "
                                        "read, but a write needs write permission on the "
                                        "registry's locks/ and models/ directories)");
}

/// Throws for a failed open of `name` inside `dir` (errno `err`): when `name` is not a
/// directory (ENOTDIR, ELOOP), says what it is instead (a symlink, which is not
/// followed, or a file).
[[noreturn]] inline void throw_open_failed(int dir, const std::string& name,
                                           const std::string& what, const std::string& path,
                                           int err) {
  struct stat st;
  if ((err == ENOTDIR || err == ELOOP) &&
      ::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (S_ISLNK(st.st_mode)) {
      throw io_error("open_failed", what + " " + path +
                                        ": it is a symlink (symlinks inside a registry root "
                                        "are not followed)");
    }
    if (!S_ISDIR(st.st_mode) && err == ENOTDIR) {
      throw io_error("open_failed", what + " " + path + ": it is a file, not a directory");
    }
  }
  throw_registry_io("open_failed", what, path, err);
}

using mlguard::detail::read_from;
using mlguard::detail::sync_fd;
using mlguard::detail::unique_fd;
using mlguard::detail::write_all;

/// Opens directory `name` inside `dir` without following a symlink. Returns an empty
/// descriptor when it does not exist; throws io_error otherwise.
template <class = void>
unique_fd open_dir_at(int dir, const std::string& name, const std::string& path);

/// Creates directory `name` inside `dir` unless it exists. Throws registry_error
/// (mlguard.registry.read_only) when writing there is denied, io_error otherwise.
template <class = void>
void make_dir_at(int dir, const std::string& name, const std::string& path);

/// Opens file `name` inside `dir` for reading without following a symlink. Returns an
/// empty descriptor when it does not exist; throws io_error otherwise.
template <class = void>
unique_fd open_read_at(int dir, const std::string& name, const std::string& path);

/// Reads the whole of file `name` inside `dir`; false when it does not exist.
template <class = void>
bool read_file_at(int dir, const std::string& name, std::string& out, const std::string& path);

/// Replaces file `name` inside `dir` atomically (see mlguard::detail::write_file_atomic_at).
template <class = void>
void write_file_atomic(int dir, const std::string& name, const std::string& content, bool sync,
                       const std::string& path);

/// An advisory whole-file lock (flock) on a lock file, released on destruction.
/// flock locks belong to the open file description, so two registries in one process
/// exclude each other like two processes do.
template <class = void> // deferred: see core/json.hpp
class basic_file_lock {
public:
  /// Locks `name` inside directory `dir`, waiting for it.
  ///
  /// Exclusive (writers): opens the lock file for writing, creating it. Throws
  /// registry_error (mlguard.registry.read_only) when this process may not write there
  /// (no permission, a read-only file system), io_error otherwise.
  ///
  /// Shared (readers): opens the lock file read-only (flock needs no write permission),
  /// creating it only when it is missing. When it is missing and cannot be created, or
  /// cannot be read (a read-only tree, or files owned by another user), or when `dir`
  /// is -1 (no locks/ directory), no lock is taken and held() is false: file_registry.hpp
  /// says why its readers are safe without one.
  basic_file_lock(int dir, const std::string& name, bool exclusive, const std::string& path);

  /// Whether a lock is held (false only for a shared lock that could not be taken).
  bool held() const noexcept { return static_cast<bool>(fd_); }

private:
  static int open_retry(int dir, const std::string& name, int flags);

  unique_fd fd_; // closing the descriptor releases the lock
};

/// The type to name (a class template only so that its bodies compile where used).
using file_lock = basic_file_lock<>;

} // namespace mlguard::registry::detail

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::registry::detail {

template <class>
bool write_denied(int err) noexcept {
  return err == EACCES || err == EPERM || err == EROFS;
}

template <class>
unique_fd open_dir_at(int dir, const std::string& name, const std::string& path) {
  int fd = -1;
  do {
    fd = ::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    if (errno == ENOENT) {
      return unique_fd();
    }
    throw_open_failed(dir, name, "cannot open directory", path, errno);
  }
  return unique_fd(fd);
}

template <class>
void make_dir_at(int dir, const std::string& name, const std::string& path) {
  if (::mkdirat(dir, name.c_str(), 0755) != 0 && errno != EEXIST) {
    if (write_denied(errno)) {
      throw_read_only("cannot create directory", path, errno);
    }
    throw_registry_io("write_failed", "cannot create directory", path, errno);
  }
}

template <class>
unique_fd open_read_at(int dir, const std::string& name, const std::string& path) {
  int fd = -1;
  do {
    fd = ::openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    if (errno == ENOENT) {
      return unique_fd();
    }
    throw_open_failed(dir, name, "cannot open", path, errno);
  }
  return unique_fd(fd);
}

template <class>
bool read_file_at(int dir, const std::string& name, std::string& out, const std::string& path) {
  const auto fd = open_read_at(dir, name, path);
  if (!fd) {
    return false;
  }
  read_from(fd.get(), 0, out, path);
  return true;
}

template <class>
void write_file_atomic(int dir, const std::string& name, const std::string& content, bool sync,
                       const std::string& path) {
  mlguard::detail::write_file_atomic_at(dir, name, content, sync, path);
}

template <class V>
MLGUARD_INLINE basic_file_lock<V>::basic_file_lock(int dir, const std::string& name, bool exclusive,
                                                   const std::string& path) {
  int fd = -1;
  if (exclusive) {
    fd = open_retry(dir, name, O_RDWR | O_CREAT);
    if (fd < 0 && write_denied(errno)) {
      throw_read_only("cannot open lock file", path, errno);
    }
  } else if (dir >= 0) {
    fd = open_retry(dir, name, O_RDONLY);
    if (fd < 0 && errno == ENOENT) {
      fd = open_retry(dir, name, O_RDONLY | O_CREAT);
    }
    if (fd < 0 && write_denied(errno)) {
      return; // read without the lock
    }
  } else {
    return;
  }
  if (fd < 0) {
    throw_registry_io("open_failed", "cannot open lock file", path, errno);
  }
  fd_ = unique_fd(fd);
  int rc = 0;
  do {
    rc = ::flock(fd, exclusive ? LOCK_EX : LOCK_SH);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    throw_registry_io("lock_failed", "cannot lock", path, errno);
  }
}

template <class V>
MLGUARD_INLINE auto basic_file_lock<V>::open_retry(int dir, const std::string& name, int flags)
    -> int {
  int fd = -1;
  do {
    fd = ::openat(dir, name.c_str(), flags | O_NOFOLLOW | O_CLOEXEC, 0644);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

} // namespace mlguard::registry::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_REGISTRY_DETAIL_POSIX_FILE_HPP
