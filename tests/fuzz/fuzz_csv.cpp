// libFuzzer harness: io::parse_csv on any bytes. It must return a table or
// throw an mlguard::error; the same bytes read by csv_reader a few at a time
// (blocks that end anywhere) must give the same table or the same error; a
// table written back as CSV (every text field quoted, numbers in shortest
// round-trip form) must parse to the same table.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "mlguard/io/csv.hpp"
#include "mlguard/io/csv_reader.hpp"

namespace {

using mlguard::table;

// Hands out its text `piece` bytes at a time, as a slow pipe does.
class piece_source final : public mlguard::io::byte_source {
public:
  piece_source(std::string_view text, std::size_t piece) : text_(text), piece_(piece) {}
  std::size_t read(char* out, std::size_t size) override {
    std::size_t n = std::min(size, std::min(piece_, text_.size() - at_));
    std::memcpy(out, text_.data() + at_, n);
    at_ += n;
    return n;
  }
  std::uint64_t position() const noexcept override { return at_; }
  std::optional<std::uint64_t> size() const noexcept override { return std::nullopt; }
  const std::string& name() const noexcept override { return name_; }

private:
  std::string_view text_;
  std::size_t piece_;
  std::size_t at_ = 0;
  std::string name_ = "fuzz.csv";
};

// The message of the mlguard::error `read` throws, or "" when it returns.
template <class Read>
std::string error_of(Read&& read) {
  try {
    read();
  } catch (const mlguard::error& e) {
    return e.what();
  }
  return "";
}

void append_quoted(std::string& out, std::string_view text) {
  out.push_back('"');
  for (char c : text) {
    out.push_back(c);
    if (c == '"') {
      out.push_back('"');
    }
  }
  out.push_back('"');
}

void append_number(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "nan"; // not empty: a one-column row of "" is a blank line
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "inf" : "-inf";
    return;
  }
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
  out.append(buffer, result.ptr);
}

std::string write_csv(const table& t) {
  std::string out;
  for (std::size_t c = 0; c < t.cols(); ++c) {
    out += c == 0 ? "" : ",";
    append_quoted(out, t[c].name());
  }
  out.push_back('\n');
  for (std::size_t r = 0; r < t.rows(); ++r) {
    for (std::size_t c = 0; c < t.cols(); ++c) {
      out += c == 0 ? "" : ",";
      const auto& col = t[c];
      if (col.is_numeric()) {
        append_number(out, col.values()[r]);
      } else if (col.codes()[r] != mlguard::missing_code) {
        append_quoted(out, col.vocab().name_of(col.codes()[r]));
      }
    }
    out.push_back('\n');
  }
  return out;
}

bool same_value(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, sizeof a) == 0;
}

void check_same(const table& a, const table& b) {
  if (a.cols() != b.cols() || a.rows() != b.rows()) {
    mlguard::fuzz::finding("csv round trip: the shape changed");
  }
  for (std::size_t c = 0; c < a.cols(); ++c) {
    const auto& x = a[c];
    const auto& y = b[c];
    if (x.name() != y.name() || x.kind() != y.kind()) {
      mlguard::fuzz::finding("csv round trip: a column's name or kind changed", x.name());
    }
    for (std::size_t r = 0; r < x.size(); ++r) {
      const bool same =
          x.is_numeric()
              ? same_value(x.values()[r], y.values()[r])
              : (x.codes()[r] == mlguard::missing_code
                     ? y.codes()[r] == mlguard::missing_code
                     : y.codes()[r] != mlguard::missing_code &&
                           x.vocab().name_of(x.codes()[r]) == y.vocab().name_of(y.codes()[r]));
      if (!same) {
        mlguard::fuzz::finding("csv round trip: a value changed",
                               x.name() + " row " + std::to_string(r));
      }
    }
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::optional<table> t;
  const bool loaded = mlguard::fuzz::loads([&] { t = mlguard::io::parse_csv(text, "fuzz.csv"); });
  // The same bytes in pieces of 1..8 bytes (chosen by the input's first byte).
  const std::size_t piece = size > 0 ? 1 + data[0] % 8 : 1;
  std::optional<table> pieces;
  const std::string piece_error = error_of([&] {
    pieces = mlguard::io::csv_reader(std::make_unique<piece_source>(text, piece)).read_all();
  });
  if (loaded != pieces.has_value()) {
    mlguard::fuzz::finding("csv in pieces: one read failed, the other did not", piece_error);
  }
  if (!loaded) {
    const std::string whole_error =
        error_of([&] { (void)mlguard::io::parse_csv(text, "fuzz.csv"); });
    mlguard::fuzz::same_text("csv in pieces: another error", whole_error, piece_error);
    return 0;
  }
  check_same(*t, *pieces);
  const std::string saved = write_csv(*t);
  const table again = mlguard::fuzz::must("csv round trip: what was written does not parse", [&] {
    return mlguard::io::parse_csv(saved, "again.csv");
  });
  check_same(*t, again);
  return 0;
}
