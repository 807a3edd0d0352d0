#ifndef MLGUARD_IO_BYTE_SOURCE_HPP
#define MLGUARD_IO_BYTE_SOURCE_HPP

// Where the CSV reader (io/csv_reader.hpp) gets its bytes: a file, stdin
// ("-"), a string, or (io/gzip_source.hpp, which needs zlib) a gzip stream
// over any of them. A source is read front to back once, in large blocks; it
// says how far it has got and, when it can know, how big the input is, so a
// caller can draw a progress bar.
//
// Error ids: mlguard.io.open_failed, read_failed (the OS refused);
// mlguard.io.gzip_unsupported (open_plain_input met a gzip file).
// Threads: a source is used by one thread at a time.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/detail/file.hpp"
#include "mlguard/core/error.hpp"

namespace mlguard::io {

/// A stream of bytes read front to back: the input of csv_reader.
class byte_source {
public:
  virtual ~byte_source() = default;

  /// Reads up to `size` bytes into `out` and returns how many it read: 0 only
  /// at the end of the input, fewer than `size` whenever the input has no
  /// more at hand (a pipe). Throws io_error (mlguard.io.read_failed, or the
  /// source's own ids, e.g. mlguard.io.gzip_corrupt).
  virtual std::size_t read(char* out, std::size_t size) = 0;

  /// How many bytes of the underlying input have been consumed so far (for a
  /// gzip source: compressed bytes), for progress. Never decreases.
  virtual std::uint64_t position() const noexcept = 0;

  /// The size of the underlying input in the unit of position(), when it is
  /// known (a regular file); empty for a pipe or a terminal.
  virtual std::optional<std::uint64_t> size() const noexcept = 0;

  /// How errors name the input: the path, or "<stdin>".
  virtual const std::string& name() const noexcept = 0;

  byte_source() = default;
  byte_source(const byte_source&) = delete;
  byte_source& operator=(const byte_source&) = delete;
};

/// The bytes of a file, or of standard input when the path is "-", read
/// with read(2) straight into the caller's buffer (no copy of its own).
template <class = void> // deferred: see core/json.hpp
class basic_file_source final : public byte_source {
public:
  /// Opens `path` for reading; "-" is standard input (left open when the
  /// source goes). Throws io_error (mlguard.io.open_failed).
  explicit basic_file_source(const std::string& path);

  /// The first `size` bytes of the input (fewer when it is shorter), without
  /// consuming them: read() returns them again. For recognising a format by
  /// its magic bytes, also on a pipe. Throws io_error (mlguard.io.read_failed).
  std::string_view peek(std::size_t size);

  std::size_t read(char* out, std::size_t size) override;

  std::uint64_t position() const noexcept override { return position_; }
  std::optional<std::uint64_t> size() const noexcept override { return size_; }
  const std::string& name() const noexcept override { return name_; }

private:
  std::size_t raw_read(char* out, std::size_t size);

  std::string name_;
  ::mlguard::detail::unique_fd owned_;
  int fd_ = -1;
  std::optional<std::uint64_t> size_;
  std::uint64_t position_ = 0;
  std::string head_; // peeked bytes, handed out first
  std::size_t head_used_ = 0;
  bool eof_ = false;
};

/// The type to name (a class template only so that its bodies compile where used).
using file_source = basic_file_source<>;

/// The bytes of a string held by the caller, who keeps it alive while the
/// source is read (parse_csv's input).
class string_source final : public byte_source {
public:
  /// A source over `text`, named `name` in errors.
  explicit string_source(std::string_view text, std::string name = "<csv>")
      : text_(text), name_(std::move(name)) {}

  std::size_t read(char* out, std::size_t size) override {
    const std::size_t n = std::min(size, text_.size() - static_cast<std::size_t>(position_));
    std::memcpy(out, text_.data() + position_, n);
    position_ += n;
    return n;
  }
  std::uint64_t position() const noexcept override { return position_; }
  std::optional<std::uint64_t> size() const noexcept override { return text_.size(); }
  const std::string& name() const noexcept override { return name_; }

private:
  std::string_view text_;
  std::string name_;
  std::uint64_t position_ = 0;
};

/// True when `head` starts with gzip's magic bytes, 1F 8B (RFC 1952).
template <class = void>
bool is_gzip_magic(std::string_view head) noexcept;

/// Opens `path` ("-" = standard input) as it is, without decompressing: a
/// file that starts with gzip's magic bytes is refused, so that compressed
/// bytes are never parsed as text. io::open_input (io/gzip_source.hpp, with
/// zlib) reads such files. Throws io_error: mlguard.io.open_failed,
/// read_failed, gzip_unsupported.
template <class = void>
std::unique_ptr<byte_source> open_plain_input(const std::string& path);

} // namespace mlguard::io

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::io {

template <class V>
MLGUARD_INLINE basic_file_source<V>::basic_file_source(const std::string& path) {
  if (path == "-") {
    name_ = "<stdin>";
    fd_ = STDIN_FILENO;
  } else {
    name_ = path;
    int fd = -1;
    do {
      fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
      ::mlguard::detail::throw_io("open_failed", "cannot open", path, errno);
    }
    owned_ = ::mlguard::detail::unique_fd(fd);
    fd_ = fd;
  }
  struct stat st {};
  if (::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode)) {
    const auto here = ::lseek(fd_, 0, SEEK_CUR);
    const auto offset = here > 0 ? static_cast<std::uint64_t>(here) : 0;
    const auto total = static_cast<std::uint64_t>(st.st_size);
    size_ = total > offset ? total - offset : 0;
  }
}

template <class V>
MLGUARD_INLINE auto basic_file_source<V>::peek(std::size_t size) -> std::string_view {
  while (head_.size() < size && !eof_) {
    char buffer[64];
    const std::size_t want = std::min(sizeof buffer, size - head_.size());
    const std::size_t n = raw_read(buffer, want);
    if (n == 0) {
      eof_ = true;
    }
    head_.append(buffer, n);
  }
  return std::string_view(head_).substr(0, size);
}

template <class V>
MLGUARD_INLINE auto basic_file_source<V>::read(char* out, std::size_t size) -> std::size_t {
  if (head_used_ < head_.size()) {
    const std::size_t n = std::min(size, head_.size() - head_used_);
    std::memcpy(out, head_.data() + head_used_, n);
    head_used_ += n;
    position_ += n;
    return n;
  }
  if (eof_ || size == 0) {
    return 0;
  }
  const std::size_t n = raw_read(out, size);
  position_ += n;
  return n;
}

template <class V>
MLGUARD_INLINE auto basic_file_source<V>::raw_read(char* out, std::size_t size) -> std::size_t {
  for (;;) {
    const ssize_t n = ::read(fd_, out, size);
    if (n >= 0) {
      return static_cast<std::size_t>(n);
    }
    if (errno != EINTR) {
      ::mlguard::detail::throw_io("read_failed", "cannot read", name_, errno);
    }
  }
}

template <class>
bool is_gzip_magic(std::string_view head) noexcept {
  return head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1F &&
         static_cast<unsigned char>(head[1]) == 0x8B;
}

template <class>
std::unique_ptr<byte_source> open_plain_input(const std::string& path) {
  auto file = std::make_unique<file_source>(path);
  if (is_gzip_magic(file->peek(2))) {
    throw io_error("gzip_unsupported",
                   file->name() + " is gzip-compressed; this program reads it only through "
                                  "mlguard/io/gzip_source.hpp (io::open_input, which needs zlib)");
  }
  return file;
}

} // namespace mlguard::io

#endif // MLGUARD_COMPILED
#endif // MLGUARD_IO_BYTE_SOURCE_HPP
