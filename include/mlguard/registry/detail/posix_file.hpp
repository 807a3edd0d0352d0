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

#include "mlguard/core/error.hpp"

namespace mlguard::registry::detail {

[[noreturn]] inline void throw_io(const std::string& what, const std::string& path, int err) {
  std::string message = what + " " + path + ": " + std::strerror(err);
  if (err == ELOOP || err == ENOTDIR) {
    message += " (symlinks inside a registry root are not followed)";
  }
  throw io_error("failed", message);
}

/// An owned file descriptor, closed on destruction.
class unique_fd {
public:
  unique_fd() noexcept = default;
  explicit unique_fd(int fd) noexcept : fd_(fd) {}
  unique_fd(unique_fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  unique_fd& operator=(unique_fd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;
  ~unique_fd() { reset(); }

  int get() const noexcept { return fd_; }
  explicit operator bool() const noexcept { return fd_ >= 0; }
  void reset() noexcept {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }

private:
  int fd_ = -1;
};

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
    throw_io("cannot open directory", path, errno);
  }
  return unique_fd(fd);
}

/// Creates directory `name` inside `dir` unless it exists.
inline void make_dir_at(int dir, const std::string& name, const std::string& path) {
  if (::mkdirat(dir, name.c_str(), 0755) != 0 && errno != EEXIST) {
    throw_io("cannot create directory", path, errno);
  }
}

inline void sync_fd(int fd, const std::string& path) {
  int rc = 0;
  do {
    rc = ::fsync(fd);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    throw_io("cannot fsync", path, errno);
  }
}

inline void write_all(int fd, const char* data, std::size_t size, const std::string& path) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw_io("cannot write", path, errno);
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

/// Reads from `fd` at `offset` to its end into `out`.
inline void read_from(int fd, std::size_t offset, std::string& out, const std::string& path) {
  out.clear();
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::pread(fd, buffer, sizeof buffer, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw_io("cannot read", path, errno);
    }
    if (n == 0) {
      return;
    }
    out.append(buffer, static_cast<std::size_t>(n));
    offset += static_cast<std::size_t>(n);
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
    throw_io("cannot open", path, errno);
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

/// Replaces file `name` inside `dir` with `content` atomically: a reader sees the old
/// file or the new one, never a mix. Writes a temporary file (".NAME.tmp.PID.N"), fsyncs
/// it, renames it over NAME and fsyncs the directory (both fsyncs only when `sync`).
inline void write_file_atomic(int dir, const std::string& name, const std::string& content,
                              bool sync, const std::string& path) {
  static std::atomic<unsigned long> counter{0};
  const std::string temp = "." + name + ".tmp." + std::to_string(::getpid()) + "." +
                           std::to_string(counter.fetch_add(1));
  int fd = -1;
  do {
    fd = ::openat(dir, temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    throw_io("cannot create", path + " (temporary " + temp + ")", errno);
  }
  unique_fd file(fd);
  try {
    write_all(fd, content.data(), content.size(), path);
    if (sync) {
      sync_fd(fd, path);
    }
    file.reset();
    if (::renameat(dir, temp.c_str(), dir, name.c_str()) != 0) {
      throw_io("cannot rename a temporary file onto", path, errno);
    }
  } catch (...) {
    ::unlinkat(dir, temp.c_str(), 0);
    throw;
  }
  if (sync) {
    sync_fd(dir, path + " (its directory)");
  }
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
      throw_io("cannot open lock file", path, errno);
    }
    fd_ = unique_fd(fd);
    int rc = 0;
    do {
      rc = ::flock(fd, exclusive ? LOCK_EX : LOCK_SH);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
      throw_io("cannot lock", path, errno);
    }
  }

private:
  unique_fd fd_; // closing the descriptor releases the lock
};

} // namespace mlguard::registry::detail

#endif // MLGUARD_REGISTRY_DETAIL_POSIX_FILE_HPP
