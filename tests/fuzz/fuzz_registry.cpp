// libFuzzer harness: what the file registry reads from disk. The first byte
// picks what the rest is:
//   0: a journal file (journal.jsonl), checksums and all;
//   1: journal records, one JSON text a line, which the harness checksums
//      and puts after a valid header (so mutations reach the record reader);
//   2: a version document (versions/N.json);
//   3: a model snapshot (model.json).
// Each must load or throw an mlguard::error; what loads must save and load
// back to the same text.

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"
#include "mlguard/registry/detail/journal.hpp"
#include "mlguard/registry/model_version.hpp"

namespace {

namespace reg = mlguard::registry;

std::vector<reg::detail::journal_entry> read_journal(const std::string& data) {
  std::size_t valid_end = 0;
  auto entries = reg::detail::parse_journal(data, 0, "journal.jsonl", valid_end);
  if (valid_end > data.size()) {
    mlguard::fuzz::finding("parse_journal: valid_end beyond the data");
  }
  return entries;
}

std::string write_journal(const std::vector<reg::detail::journal_entry>& entries) {
  std::string out = reg::detail::journal_line(reg::detail::journal_header("m"));
  for (const auto& e : entries) {
    out += reg::detail::journal_line(reg::detail::entry_to_json(e));
  }
  return out;
}

void journal(const std::string& data) {
  std::optional<std::vector<reg::detail::journal_entry>> entries;
  if (!mlguard::fuzz::loads([&] { entries = read_journal(data); })) {
    return;
  }
  const std::string saved = mlguard::fuzz::must("journal: writing records threw",
                                                [&] { return write_journal(*entries); });
  mlguard::fuzz::round_trip("journal round trip", saved, read_journal, write_journal);
}

// Puts the checksum before each line, after a valid header.
std::string checksummed(std::string_view lines) {
  std::string out = reg::detail::journal_line(reg::detail::journal_header("m"));
  while (!lines.empty()) {
    const auto nl = lines.find('\n');
    const std::string_view line = lines.substr(0, nl);
    char crc[16];
    std::snprintf(crc, sizeof crc, "%08x ", static_cast<unsigned>(reg::detail::crc32(line)));
    out.append(crc).append(line).push_back('\n');
    lines = nl == std::string_view::npos ? std::string_view() : lines.substr(nl + 1);
  }
  return out;
}

template <class T, class Read>
void document(std::string_view text, const char* what, Read read) {
  const auto load = [&](std::string_view t) {
    const mlguard::json j = mlguard::parse_json(t, what);
    return read(mlguard::json_reader(j, what));
  };
  const auto save = [](const T& x) { return mlguard::dump_json(mlguard::json(x)); };
  std::optional<T> value;
  if (!mlguard::fuzz::loads([&] { value = load(text); })) {
    return;
  }
  const std::string saved = mlguard::fuzz::must("to_json threw", [&] { return save(*value); });
  mlguard::fuzz::round_trip(std::string(what) + " round trip", saved, load, save);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
  case 0:
    journal(std::string(text));
    break;
  case 1:
    journal(checksummed(text));
    break;
  case 2:
    document<reg::model_version>(text, "model_version", [](const mlguard::json_reader& r) {
      return reg::read_model_version(r);
    });
    break;
  default:
    document<reg::registered_model>(text, "registered_model", [](const mlguard::json_reader& r) {
      return reg::read_registered_model(r);
    });
    break;
  }
  return 0;
}
