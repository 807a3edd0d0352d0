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

#include "mlguard/core/detail/file.hpp"
#include "mlguard/core/error.hpp"

namespace mlguard::registry::detail {

/// Throws io_error mlguard.io.<reason>: "<what> <path>: <strerror(err)>", noting
/// that symlinks inside a registry root are not followed when that is the cause.
[[noreturn]] inline void throw_registry_io(std::string_view reason, const std::string& what,
                                           const std::string& path, int err) {
  std::string message = what + " " + path + ": " + std::strerror(err);
  if (err == ELOOP || err == ENOTDIR) {
    message += " (symlinks inside a registry root are not followed)";
  }
  throw io_error(reason, message);
}

using mlguard::detail::read_from;
using mlguard::detail::sync_fd;
using mlguard::detail::unique_fd;
using mlguard::detail::write_all;

/// Opens directory `name` inside `dir` without following a symlink. Returns an empty
/// descriptor when it does not exist; throws io_error otherwise.
inline unique_fd open_dir_at(int dir, const std::string& name, const std::string& path) {
  int fd = -1;
  do {
    fd = ::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    if (errno == ENOENT) {
      return unique_fd();
    }
    throw_registry_io("open_failed", "cannot open directory", path, errno);
  }
  return unique_fd(fd);
}

/// Creates directory `name` inside `dir` unless it exists.
inline void make_dir_at(int dir, const std::string& name, const std::string& path) {
  if (::mkdirat(dir, name.c_str(), 0755) != 0 && errno != EEXIST) {
    throw_registry_io("write_failed", "cannot create directory", path, errno);
  }
}

/// Opens file `name` inside `dir` for reading without following a symlink. Returns an
/// empty descriptor when it does not exist; throws io_error otherwise.
inline unique_fd open_read_at(int dir, const std::string& name, const std::string& path) {
  int fd = -1;
  do {
    fd = ::openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    if (errno == ENOENT) {
      return unique_fd();
    }
    throw_registry_io("open_failed", "cannot open", path, errno);
  }
  return unique_fd(fd);
}

/// Reads the whole of file `name` inside `dir`; false when it does not exist.
inline bool read_file_at(int dir, const std::string& name, std::string& out,
                         const std::string& path) {
  const auto fd = open_read_at(dir, name, path);
  if (!fd) {
    return false;
  }
  read_from(fd.get(), 0, out, path);
  return true;
}

/// Replaces file `name` inside `dir` atomically (see mlguard::detail::write_file_atomic_at).
inline void write_file_atomic(int dir, const std::string& name, const std::string& content,
                              bool sync, const std::string& path) {
  mlguard::detail::write_file_atomic_at(dir, name, content, sync, path);
}

/// An advisory whole-file lock (flock) on a lock file, released on destruction.
/// flock locks belong to the open file description, so two registries in one process
/// exclude each other like two processes do.
class file_lock {
public:
  /// Opens (creating) `name` inside `dir` and locks it, shared or exclusive, waiting.
  file_lock(int dir, const std::string& name, bool exclusive, const std::string& path) {
    int fd = -1;
    do {
      fd = ::openat(dir, name.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    } while (fd < 0 && errno == EINTR);
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

private:
  unique_fd fd_; // closing the descriptor releases the lock
};

} // namespace mlguard::registry::detail

#endif // MLGUARD_REGISTRY_DETAIL_POSIX_FILE_HPP
