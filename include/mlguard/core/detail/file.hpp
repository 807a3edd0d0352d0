#ifndef MLGUARD_CORE_DETAIL_FILE_HPP
#define MLGUARD_CORE_DETAIL_FILE_HPP

// Whole-file reads and atomic replacement (POSIX), shared by the document
// types' save/load and the file registry. Not for direct use.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "mlguard/core/error.hpp"

namespace mlguard::detail {

/// Throws io_error mlguard.io.<reason>: "<what> <path>: <strerror(err)>".
[[noreturn]] inline void throw_io(std::string_view reason, const std::string& what,
                                  const std::string& path, int err) {
  throw io_error(reason, what + " " + path + ": " + std::strerror(err));
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

/// fsync, retried on EINTR. Throws io_error (mlguard.io.write_failed).
template <class = void>
void sync_fd(int fd, const std::string& path);

/// Writes all of `data`. Throws io_error (mlguard.io.write_failed).
template <class = void>
void write_all(int fd, const char* data, std::size_t size, const std::string& path);

/// Reads from `fd` at `offset` to its end into `out`. Throws io_error (mlguard.io.read_failed).
template <class = void>
void read_from(int fd, std::size_t offset, std::string& out, const std::string& path);

/// The whole content of the file at `path`. Throws io_error
/// (mlguard.io.open_failed, mlguard.io.read_failed).
template <class = void>
std::string read_file(const std::string& path);

/// Replaces file `name` inside directory `dir` with `content` atomically: a
/// reader sees the old file or the new one, never a mix. Writes a temporary
/// file (".NAME.tmp.PID.N"), fsyncs it, renames it over NAME and fsyncs the
/// directory (both fsyncs only when `sync`). `path` names the file in errors.
/// Throws io_error (mlguard.io.write_failed).
template <class = void>
void write_file_atomic_at(int dir, const std::string& name, const std::string& content, bool sync,
                          const std::string& path);

/// Replaces the file at `path` with `content` atomically and durably (see
/// write_file_atomic_at). Throws io_error (mlguard.io.open_failed when the
/// directory cannot be opened, mlguard.io.write_failed).
template <class = void>
void write_file_atomic(const std::string& path, const std::string& content);

} // namespace mlguard::detail

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include <atomic>

namespace mlguard::detail {

template <class>
void sync_fd(int fd, const std::string& path) {
  int rc = 0;
  do {
    rc = ::fsync(fd);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    throw_io("write_failed", "cannot fsync", path, errno);
  }
}

template <class>
void write_all(int fd, const char* data, std::size_t size, const std::string& path) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw_io("write_failed", "cannot write", path, errno);
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

template <class>
void read_from(int fd, std::size_t offset, std::string& out, const std::string& path) {
  out.clear();
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::pread(fd, buffer, sizeof buffer, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw_io("read_failed", "cannot read", path, errno);
    }
    if (n == 0) {
      return;
    }
    out.append(buffer, static_cast<std::size_t>(n));
    offset += static_cast<std::size_t>(n);
  }
}

template <class>
std::string read_file(const std::string& path) {
  int fd = -1;
  do {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    throw_io("open_failed", "cannot open", path, errno);
  }
  const unique_fd file(fd);
  std::string out;
  read_from(fd, 0, out, path);
  return out;
}

template <class>
void write_file_atomic_at(int dir, const std::string& name, const std::string& content, bool sync,
                          const std::string& path) {
  static std::atomic<unsigned long> counter{0};
  const std::string temp = "." + name + ".tmp." + std::to_string(::getpid()) + "." +
                           std::to_string(counter.fetch_add(1));
  int fd = -1;
  do {
    fd = ::openat(dir, temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    throw_io("write_failed", "cannot create", path + " (temporary " + temp + ")", errno);
  }
  unique_fd file(fd);
  try {
    write_all(fd, content.data(), content.size(), path);
    if (sync) {
      sync_fd(fd, path);
    }
    file.reset();
    if (::renameat(dir, temp.c_str(), dir, name.c_str()) != 0) {
      throw_io("write_failed", "cannot rename a temporary file onto", path, errno);
    }
  } catch (...) {
    ::unlinkat(dir, temp.c_str(), 0);
    throw;
  }
  if (sync) {
    sync_fd(dir, path + " (its directory)");
  }
}

template <class>
void write_file_atomic(const std::string& path, const std::string& content) {
  const auto slash = path.find_last_of('/');
  const std::string dir_path = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (name.empty()) {
    throw io_error("write_failed", "cannot write " + path + ": not a file name");
  }
  int fd = -1;
  do {
    fd = ::open(dir_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    throw_io("open_failed", "cannot open the directory of", path, errno);
  }
  const unique_fd dir(fd);
  write_file_atomic_at(fd, name, content, true, path);
}

} // namespace mlguard::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_CORE_DETAIL_FILE_HPP
