#include "mlguard/io/gzip_source.hpp"

#include <zlib.h>

#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "mlguard/io/csv.hpp"

#include "test_support.hpp"

using namespace mlguard;

namespace gzip_source_test {

// `text` as one gzip member, made by zlib's deflate with a gzip wrapper.
std::string gzip(const std::string& text) {
  z_stream s{};
  REQUIRE(deflateInit2(&s, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&s, static_cast<uLong>(text.size())), '\0');
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  s.avail_in = static_cast<uInt>(text.size());
  s.next_out = reinterpret_cast<Bytef*>(out.data());
  s.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&s, Z_FINISH) == Z_STREAM_END);
  out.resize(s.total_out);
  deflateEnd(&s);
  return out;
}

// All the bytes of `source`, read in pieces of `piece` bytes.
std::string drain(io::byte_source& source, std::size_t piece = 1000) {
  std::string out;
  std::vector<char> buffer(piece);
  for (;;) {
    const std::size_t n = source.read(buffer.data(), buffer.size());
    if (n == 0) {
      return out;
    }
    out.append(buffer.data(), n);
  }
}

std::string csv_text() {
  std::string text = "id,fare,pay\n";
  for (int i = 0; i < 20000; ++i) {
    text += std::to_string(i) + "," + std::to_string(i * 0.37) + (i % 3 ? ",card\n" : ",cash\n");
  }
  return text;
}

// The id and message of the error reading `bytes` as gzip raises, or "".
std::string error_of(const std::string& bytes, std::string* id = nullptr) {
  try {
    io::gzip_source source(std::make_unique<io::string_source>(bytes, "g.csv.gz"));
    (void)drain(source);
  } catch (const io_error& e) {
    if (id != nullptr) {
      *id = e.id();
    }
    return std::string(e.message());
  }
  return "";
}

} // namespace gzip_source_test

TEST_CASE("gzip_source: decompresses, also member after member (cat a.gz b.gz)") {
  const auto text = gzip_source_test::csv_text();
  const auto packed = gzip_source_test::gzip(text);
  CHECK(packed.size() < text.size() / 2);
  for (const std::size_t piece : std::vector<std::size_t>{1, 7, 4096, 1 << 20}) {
    io::gzip_source source(std::make_unique<io::string_source>(packed, "g.gz"));
    CHECK(gzip_source_test::drain(source, piece) == text);
    CHECK(source.position() == packed.size());
    CHECK(source.size() == std::optional<std::uint64_t>(packed.size()));
    CHECK(source.name() == "g.gz");
  }
  const auto two = gzip_source_test::gzip("a,b\n1,2\n") + gzip_source_test::gzip("3,4\n") +
                   gzip_source_test::gzip("");
  io::gzip_source source(std::make_unique<io::string_source>(two, "two.gz"));
  CHECK(gzip_source_test::drain(source) == "a,b\n1,2\n3,4\n");
}

TEST_CASE("gzip_source: a truncated or corrupt stream is a clear error") {
  const auto packed = gzip_source_test::gzip(gzip_source_test::csv_text());
  std::string id;
  // Cut anywhere inside the member, even inside its 8-byte trailer.
  for (const std::size_t keep :
       {std::size_t{3}, std::size_t{12}, packed.size() / 2, packed.size() - 4, packed.size() - 1}) {
    CAPTURE(keep);
    const auto message = gzip_source_test::error_of(packed.substr(0, keep), &id);
    CHECK(id == "mlguard.io.gzip_truncated");
    CHECK(message.rfind("g.csv.gz: the gzip data ends early, inside a member", 0) == 0);
  }
  // One flipped byte in the deflate data or the CRC.
  for (const std::size_t at : {packed.size() / 2, packed.size() - 6}) {
    CAPTURE(at);
    auto damaged = packed;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x55);
    const auto message = gzip_source_test::error_of(damaged, &id);
    CHECK(id == "mlguard.io.gzip_corrupt");
    CHECK(message.rfind("g.csv.gz: the gzip data is corrupt near compressed byte ", 0) == 0);
  }
  // Trailing bytes that start no member.
  CHECK(gzip_source_test::error_of(gzip_source_test::gzip("a\n1\n") + "junk", &id)
            .find("bytes after the last gzip member start no member") != std::string::npos);
  CHECK(id == "mlguard.io.gzip_corrupt");
}

TEST_CASE("open_input: gzip is recognised by its first bytes, not its name, '-' is stdin") {
  const test::temp_dir dir;
  const auto text = gzip_source_test::csv_text();
  const auto plain = dir.write("plain.csv", text);
  const auto packed = dir.write("packed.csv", gzip_source_test::gzip(text)); // no .gz
  const auto named = dir.write("named.csv.gz", text);                        // not gzip
  const auto want = io::read_csv(plain);
  for (const auto& path : {packed, named}) {
    CAPTURE(path);
    const auto t = io::read_csv(io::open_input(path));
    REQUIRE(t.names() == want.names());
    CHECK(t.at("fare").values() == want.at("fare").values());
    CHECK(t.at("pay").vocab() == want.at("pay").vocab());
    CHECK(t.at("pay").codes() == want.at("pay").codes());
  }
  // The reader's progress counts compressed bytes against the compressed size.
  io::csv_reader reader(io::open_input(packed));
  const auto size = std::filesystem::file_size(packed);
  CHECK(reader.total_bytes() == std::optional<std::uint64_t>(size));
  (void)reader.read_all();
  CHECK(reader.bytes_read() == size);
  // Errors through the reader name the file.
  const auto cut = dir.write("cut.csv.gz", gzip_source_test::gzip(text).substr(0, 500));
  MLGUARD_CHECK_THROWS_ID(io::read_csv(io::open_input(cut)), "mlguard.io.gzip_truncated");
  MLGUARD_CHECK_THROWS_ID(io::open_input(dir.file("none.gz")), "mlguard.io.open_failed");
}
