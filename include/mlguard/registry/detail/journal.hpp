#ifndef MLGUARD_REGISTRY_DETAIL_JOURNAL_HPP
#define MLGUARD_REGISTRY_DETAIL_JOURNAL_HPP

// The registry journal: its records and their line format, in one place.
//
// A model's journal is a list of records, one per change. In the file backend it is
// ROOT/models/NAME/journal.jsonl, one record per line:
//
//   CCCCCCCC {json}\n
//
// where CCCCCCCC is the CRC-32 (8 lowercase hex digits) of the JSON text. The first
// line is a header, {"format": "mlguard.registry.journal", "format_version": 1,
// "model": NAME}; every later line is an audit_record plus, for create_model,
// register_version and record_run, the "document" the change created (a registration made
// with a client token carries it in its document as "client_token"; a run's document holds
// the fields of run_record its caller chose, run_body_to_json). A last line that is
// incomplete or fails its checksum is a torn write from a crash: parse_journal and
// scan_journal ignore it. A bad line anywhere else is corruption. A writer appends a whole
// line in one write() with its newline last, so a reader that meets a write in progress
// sees a torn last line.

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mlguard/core/detail/file.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/registry/detail/crc32.hpp"
#include "mlguard/registry/model_version.hpp"
#include "mlguard/registry/run_record.hpp"

namespace mlguard::registry::detail {

/// The journal header's format.
inline constexpr document_format journal_format{"mlguard.registry.journal", 1};

/// One journal record plus what is needed to replay it.
struct journal_entry {
  audit_record record;
  std::optional<model_version> version_document;  ///< register_version: the new version
  std::optional<registered_model> model_document; ///< create_model: description and tags
  std::optional<run_record> run_document;         ///< record_run: the run, all fields set
};

/// The JSON of an entry (one journal line without its checksum).
template <class = void>
json entry_to_json(const journal_entry& e);

/// The inverse of entry_to_json. Throws format_error (mlguard.format.corrupt,
/// unknown_field) naming `source`.
template <class = void>
journal_entry entry_from_json(const json& j, const std::string& source);

/// The header record of `model`'s journal.
template <class = void>
json journal_header(const std::string& model);

/// One journal line: "CCCCCCCC {json}\n".
template <class = void>
std::string journal_line(const json& record);

/// Checks one journal line (without its newline) at byte `offset` of the journal at
/// `path` and returns its JSON, or nothing when its checksum fails and `last` says no
/// byte follows it in the file (a torn write). Throws format_error
/// (mlguard.format.corrupt) when the checksum fails on a line that is not the last.
template <class = void>
std::optional<json> journal_line_json(std::string_view line, std::size_t offset,
                                      const std::string& path, bool last);

/// The entry of a checked journal line at byte `offset` (0: the header, checked, and
/// nothing returned). Throws format_error.
template <class = void>
std::optional<journal_entry> journal_line_entry(const json& j, std::size_t offset,
                                                const std::string& path);

/// Parses the complete records in `data`, which starts at byte `base` of the journal
/// at `path` and runs to its end (base 0: the header comes first and is checked, not
/// returned). `valid_end` receives the end of the last good record; a torn last record
/// is ignored. Throws format_error (mlguard.format.corrupt, newer_version) for a bad
/// record before the last.
template <class = void>
std::vector<journal_entry> parse_journal(const std::string& data, std::size_t base,
                                         const std::string& path, std::size_t& valid_end);

/// Reads the journal open at `fd` from byte `base` to its end, one block at a time, and
/// calls `visit(journal_entry&&)` for each good record in order; `visit` returns false
/// to stop early. Memory stays at one block plus the longest record, however long the
/// journal (a model with 100,000 versions has a journal of some 60 MB). Returns the end
/// of the last good record read; `observed` receives the number of bytes in the file
/// as read (more than the valid end when the last record is torn). Throws io_error
/// (mlguard.io.read_failed) and format_error as parse_journal does.
template <class Visit>
std::size_t scan_journal(int fd, std::size_t base, const std::string& path, Visit&& visit,
                         std::size_t* observed = nullptr) {
  constexpr std::size_t block = std::size_t(1) << 20;
  std::string buffer; // bytes from `start` on, not yet parsed
  std::size_t start = base;
  std::size_t valid_end = base;
  bool eof = false;
  std::string chunk(block, '\0');
  auto read_more = [&] {
    for (;;) {
      const ssize_t n = ::pread(fd, &chunk[0], block, static_cast<off_t>(start + buffer.size()));
      if (n < 0) {
        if (errno == EINTR) {
          continue;
        }
        mlguard::detail::throw_io("read_failed", "cannot read", path, errno);
      }
      if (n == 0) {
        eof = true;
      } else {
        buffer.append(chunk, 0, static_cast<std::size_t>(n));
      }
      return;
    }
  };
  bool stopped = false;
  while (!stopped) {
    if (!eof) {
      read_more();
    }
    std::size_t pos = 0;
    for (;;) {
      const auto nl = buffer.find('\n', pos);
      if (nl == std::string::npos) {
        break;
      }
      const bool last = nl + 1 == buffer.size();
      if (last && !eof) {
        break; // read on: a torn or damaged line is forgiven only as the journal's last
      }
      const std::string_view line(buffer.data() + pos, nl - pos);
      const auto j = journal_line_json(line, start + pos, path, last);
      if (!j) {
        stopped = true; // the torn last line
        break;
      }
      auto e = journal_line_entry(*j, start + pos, path);
      pos = nl + 1;
      valid_end = start + pos;
      if (e && !visit(std::move(*e))) {
        stopped = true;
        break;
      }
    }
    buffer.erase(0, pos);
    start += pos;
    stopped = stopped || eof;
  }
  if (observed != nullptr) {
    *observed = start + buffer.size();
  }
  return valid_end;
}

} // namespace mlguard::registry::detail

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::registry::detail {

template <class>
json entry_to_json(const journal_entry& e) {
  json j = e.record;
  if (e.version_document) {
    json d = *e.version_document;
    d.erase("aliases");
    if (!e.record.client_token.empty()) {
      // Inside the document, whose unknown fields readers ignore, so a registry written
      // with client tokens stays readable by an mlguard that predates them.
      j.erase("client_token");
      d["client_token"] = e.record.client_token;
    }
    j["document"] = std::move(d);
  } else if (e.model_document) {
    json d = json::object();
    d["description"] = e.model_document->description;
    d["tags"] = e.model_document->tags;
    j["document"] = std::move(d);
  } else if (e.run_document) {
    j["document"] = run_body_to_json(*e.run_document);
  }
  return j;
}

template <class>
journal_entry entry_from_json(const json& j, const std::string& source) {
  const json_reader r(j, source);
  r.allow_fields({"sequence", "time", "model", "action", "actor", "reason", "version", "alias",
                  "previous_version", "key", "value", "client_token", "document"});
  journal_entry e;
  e.record = read_audit_record(r);
  if (r.has("document")) {
    const json_reader doc = r.object("document");
    if (e.record.action == audit_action::register_version) {
      e.version_document = read_model_version(doc);
      if (doc.has_value("client_token")) {
        e.record.client_token = doc.text("client_token");
      }
    } else if (e.record.action == audit_action::create_model) {
      registered_model m;
      m.name = e.record.model;
      m.description = detail::read_optional_text(doc, "description");
      m.tags = detail::read_string_map(doc, "tags");
      m.created_at = m.updated_at = e.record.time;
      e.model_document = std::move(m);
    } else if (e.record.action == audit_action::record_run) {
      run_record run;
      read_run_body(doc, run);
      run.sequence = e.record.sequence;
      run.model = e.record.model;
      run.version = e.record.version.value_or(0);
      run.recorded_at = e.record.time;
      run.actor = e.record.actor;
      e.run_document = std::move(run);
    }
  }
  if (e.record.action == audit_action::register_version && !e.version_document) {
    r.fail("document", "a register_version record needs the version's document");
  }
  if (e.record.action == audit_action::record_run && (!e.run_document || !e.record.version)) {
    r.fail("document", "a record_run record needs its version and the run's document");
  }
  return e;
}

template <class>
json journal_header(const std::string& model) {
  json header = new_document(journal_format);
  header["model"] = model;
  return header;
}

template <class>
std::string journal_line(const json& record) {
  const std::string text = dump_json(record);
  char crc[16];
  std::snprintf(crc, sizeof crc, "%08x ", static_cast<unsigned>(crc32(text)));
  std::string line(crc);
  line.append(text).push_back('\n');
  return line;
}

template <class>
std::optional<json> journal_line_json(std::string_view line, std::size_t offset,
                                      const std::string& path, bool last) {
  const std::string where = path + ": record at byte " + std::to_string(offset);
  bool ok = line.size() > 9 && line[8] == ' ';
  unsigned long stored = 0;
  for (std::size_t i = 0; i < 8 && ok; ++i) {
    const char c = line[i];
    const int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    ok = digit >= 0;
    stored = stored * 16 + static_cast<unsigned long>(digit < 0 ? 0 : digit);
  }
  const std::string_view text = ok ? line.substr(9) : std::string_view();
  ok = ok && stored == crc32(text);
  if (!ok) {
    if (last) {
      return std::nullopt; // torn or damaged last record: never acknowledged, ignored
    }
    throw format_error("corrupt", where + " fails its checksum (the journal is damaged)");
  }
  return parse_json(text, where);
}

template <class>
std::optional<journal_entry> journal_line_entry(const json& j, std::size_t offset,
                                                const std::string& path) {
  if (offset == 0) {
    json_reader::document(j, journal_format, path, {"model"});
    return std::nullopt;
  }
  return entry_from_json(j, path + ": record at byte " + std::to_string(offset));
}

template <class>
std::vector<journal_entry> parse_journal(const std::string& data, std::size_t base,
                                         const std::string& path, std::size_t& valid_end) {
  std::vector<journal_entry> out;
  std::size_t pos = 0;
  valid_end = base;
  while (pos < data.size()) {
    const auto nl = data.find('\n', pos);
    if (nl == std::string::npos) {
      break; // torn: the crash came before the newline
    }
    const std::string_view line(data.data() + pos, nl - pos);
    const auto j = journal_line_json(line, base + pos, path, nl + 1 == data.size());
    if (!j) {
      break;
    }
    if (auto e = journal_line_entry(*j, base + pos, path)) {
      out.push_back(std::move(*e));
    }
    pos = nl + 1;
    valid_end = base + pos;
  }
  return out;
}

} // namespace mlguard::registry::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_REGISTRY_DETAIL_JOURNAL_HPP
