#ifndef MLGUARD_IO_GZIP_SOURCE_HPP
#define MLGUARD_IO_GZIP_SOURCE_HPP

// gzip input for the CSV reader, through zlib: gzip_source decompresses any
// byte_source, and open_input opens a path ("-" = stdin) as text or as
// gzip, told apart by the first two bytes (1F 8B), not by the name.
//
// zlib is optional: only this header includes <zlib.h>, so a program that
// includes it links zlib (CMake: the component mlguard::gzip, which links
// ZLIB::ZLIB; Debian: zlib1g-dev). Everything else in io/ works without it.
//
//   auto t = io::read_csv(io::open_input("trips.csv.gz"));
//   io::csv_reader reader(io::open_input("-"));   // plain or gzip on stdin
//
// Members: a file of several gzip members (`cat a.gz b.gz > ab.gz`) reads
// as their concatenation, as gzip -d does. Each member's CRC-32 and length
// are checked. Errors: mlguard.io.gzip_corrupt (not gzip data, a bad CRC,
// bytes after the last member that start no member),
// mlguard.io.gzip_truncated (the input ends inside a member); the message
// names the input and the compressed offset.
// Threads: a source is used by one thread at a time.

#if !__has_include(<zlib.h>)
#error "mlguard/io/gzip_source.hpp needs zlib's header <zlib.h> (Debian: zlib1g-dev)"
#endif

#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <utility>

#include "mlguard/core/error.hpp"
#include "mlguard/io/byte_source.hpp"

namespace mlguard::io {

/// The decompressed bytes of a gzip stream (RFC 1952) read from another
/// source; position() and size() are those of the compressed input.
template <class = void> // deferred: see core/json.hpp
class basic_gzip_source final : public byte_source {
public:
  /// Decompresses `compressed`. Throws std::bad_alloc when zlib cannot
  /// allocate its state.
  explicit basic_gzip_source(std::unique_ptr<byte_source> compressed)
      : in_(std::move(compressed)), buffer_(new unsigned char[block]) {
    // 16 + MAX_WBITS: a gzip wrapper, not zlib's own or raw deflate.
    if (inflateInit2(&stream_, 16 + MAX_WBITS) != Z_OK) {
      throw std::bad_alloc();
    }
    live_ = true;
  }
  ~basic_gzip_source() override {
    if (live_) {
      inflateEnd(&stream_);
    }
  }

  std::size_t read(char* out, std::size_t size) override {
    if (done_ || size == 0) {
      return 0;
    }
    const auto cap = static_cast<std::size_t>(std::numeric_limits<uInt>::max());
    stream_.next_out = reinterpret_cast<Bytef*>(out);
    stream_.avail_out = static_cast<uInt>(size < cap ? size : cap);
    const uInt wanted = stream_.avail_out;
    while (stream_.avail_out == wanted) { // until some output (or the end)
      if (stream_.avail_in == 0 && !in_eof_) {
        refill();
      }
      if (stream_.avail_in == 0 && in_eof_) {
        if (member_started_) {
          throw io_error("gzip_truncated",
                         in_->name() + ": the gzip data ends early, inside a member (after " +
                             std::to_string(consumed()) +
                             " compressed bytes); is the file complete?");
        }
        done_ = true;
        break;
      }
      if (!member_started_ && !next_member()) {
        done_ = true;
        break;
      }
      const int rc = inflate(&stream_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        member_started_ = false; // another member may follow
        inflateReset(&stream_);
        continue;
      }
      if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT) {
        corrupt(stream_.msg != nullptr ? stream_.msg : "invalid data");
      }
      if (rc == Z_MEM_ERROR) {
        throw std::bad_alloc();
      }
      // Z_OK, or Z_BUF_ERROR (no progress possible): loop for more input.
    }
    return wanted - stream_.avail_out;
  }

  std::uint64_t position() const noexcept override { return in_->position(); }
  std::optional<std::uint64_t> size() const noexcept override { return in_->size(); }
  const std::string& name() const noexcept override { return in_->name(); }

private:
  static constexpr std::size_t block = std::size_t{1} << 18;

  void refill() {
    const std::size_t n = in_->read(reinterpret_cast<char*>(buffer_.get()), block);
    if (n == 0) {
      in_eof_ = true;
    }
    stream_.next_in = buffer_.get();
    stream_.avail_in = static_cast<uInt>(n);
  }

  // Called between members with input at hand or at its end: true when
  // another member starts here, false at the clean end of the input.
  bool next_member() {
    if (stream_.avail_in == 0) {
      return false; // in_eof_: handled by the caller
    }
    // The first byte of a member is 1F; anything else after a member is
    // not gzip (gzip -d warns of "trailing garbage": here it is an error).
    if (stream_.next_in[0] != 0x1F) {
      corrupt("bytes after the last gzip member start no member");
    }
    member_started_ = true;
    return true;
  }

  std::uint64_t consumed() const noexcept { return in_->position() - stream_.avail_in; }

  [[noreturn]] void corrupt(const std::string& why) const {
    throw io_error("gzip_corrupt", in_->name() +
                                       ": the gzip data is corrupt near compressed byte " +
                                       std::to_string(consumed()) + " (" + why +
                                       "); is it a .gz file, and complete?");
  }

  std::unique_ptr<byte_source> in_;
  std::unique_ptr<unsigned char[]> buffer_;
  z_stream stream_{};
  bool live_ = false;
  bool in_eof_ = false;
  bool member_started_ = false;
  bool done_ = false;
};

/// The type to name (a class template only so that its bodies compile where used).
using gzip_source = basic_gzip_source<>;

/// Opens `path` ("-" = standard input) for csv_reader: decompressed when it
/// starts with gzip's magic bytes (1F 8B), whatever its name, as it is
/// otherwise. Throws io_error (mlguard.io.open_failed, read_failed; the
/// gzip errors as it is read).
template <class = void>
std::unique_ptr<byte_source> open_input(const std::string& path) {
  auto file = std::make_unique<file_source>(path);
  if (is_gzip_magic(file->peek(2))) {
    return std::make_unique<gzip_source>(std::move(file));
  }
  return file;
}

} // namespace mlguard::io

#endif // MLGUARD_IO_GZIP_SOURCE_HPP
