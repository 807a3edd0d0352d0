#ifndef MLGUARD_CORE_JSON_HPP
#define MLGUARD_CORE_JSON_HPP

// mlguard's one JSON layer. Every persisted document and every result that
// goes to JSON uses these pieces, so a reader meets one set of rules:
//
// - Doubles: json_number() writes a finite value as a JSON number (nlohmann
//   writes the shortest text that reads back to the same bits), NaN as null
//   and ±Inf as the strings "inf" and "-inf" (JSON has no such numbers).
//   read_json_number() reads that back, and also the string "nan" that
//   pipeline documents of mlguard 0.1 wrote.
// - Documents: an object that opens with {"format": "mlguard.<kind>",
//   "format_version": N}. Each document type names its document_format and
//   has save(path) and load(path), built on save_json and load_json.
// - Text: JSON is UTF-8. dump_json and save_json refuse a string that is not
//   (mlguard.format.invalid_utf8, naming its JSON pointer) rather than write
//   something that would not read back as it was.
// - Loaders read fields through json_reader, whose errors name the source and
//   the field path: `pipeline.json: stages[2].params.coef: expected a number`.
//
// Writers assign fields one by one (`j["count"] = n;`) rather than with
// nested braces: each distinct string-literal length in a braced json
// initialiser is a template instantiation that every includer pays for.
//
// Deferred bodies (issue 11): a non-template inline function is compiled,
// with every template it uses, in each file that includes its header; a
// function template only in files that call it. So mlguard writes heavy
// bodies that most includers never call (loaders, writers, fit) as
// `template <class = void>`: callers write nothing different, and a file
// pays for such a body only when it uses it. Every namespace-scope function
// with a body is written so. A class whose members are more than accessors
// is a class template for the same reason (as nlohmann's basic_json is):
// `template <class = void> class basic_X`, and `using X = basic_X<>;` is the
// name users write. A virtual function, a constructor or a copy cannot be a
// function template, but a member of a class template is compiled only where
// it is used. A class template deriving from a CRTP base names itself as
// basic_X<>, so that the base stays non-dependent and its members need no
// `this->`. Taking such a function's address needs `<>` (`&f<>`). Headers
// refer here.
//
// Compiled mode: a header declares such functions where they belong (with
// their doc comments) and defines the ones longer than two lines at its end,
// in one `#ifndef MLGUARD_COMPILED` block; members of a basic_X are defined
// there as `template <class V> MLGUARD_INLINE auto basic_X<V>::f(...) -> R`
// (core/compiled.hpp says why MLGUARD_INLINE). A program that
// defines MLGUARD_COMPILED (linking mlguard::compiled does) sees declarations
// only and links the bodies, instantiated once, from the library that
// src/compiled/ builds (tools/compiled_sources.py writes it; docs/core.md).

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/detail/utf8.hpp"
#include "mlguard/core/error.hpp"

namespace mlguard {

/// The JSON value type used throughout mlguard (nlohmann::json).
using json = nlohmann::json;

/// A double as JSON: a number when finite, null for NaN, "inf" / "-inf" for ±Inf.
template <class = void>
json json_number(double v);

/// An optional double as JSON: null when empty, else json_number(*v).
template <class = void>
json json_number(const std::optional<double>& v);

/// Doubles as a JSON array of json_number values.
template <class = void>
json json_numbers(const std::vector<double>& values);

/// Reads what json_number wrote (and the legacy string "nan") into `out`.
/// Returns false, leaving `out` alone, for any other JSON value.
template <class = void>
bool read_json_number(const json& j, double& out) noexcept;

/// Parses `text` as JSON. `source` names where the text came from (a file
/// path, "stdin", ...) and opens the error message.
/// Throws format_error (mlguard.format.corrupt) on malformed or truncated input.
template <class = void> // deferred: the parser is instantiated only where used
json parse_json(std::string_view text, std::string_view source);

namespace detail {

// Appends to `path` the JSON pointer of the first string of `value` (a key
// or a value, in document order) that is not UTF-8, and returns that
// string; nullptr when every string is UTF-8. Runs only after a dump failed.
inline const std::string* find_invalid_utf8(const json& value, std::string& path) {
  const auto step = [&path](std::string_view token) {
    path.push_back('/');
    for (const char ch : token) { // RFC 6901: '~' is "~0", '/' is "~1"
      path.append(ch == '~' ? "~0" : ch == '/' ? "~1" : std::string(1, ch));
    }
  };
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    return is_utf8(s) ? nullptr : &s;
  }
  const std::size_t size = path.size();
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      step(utf8_printable(it.key(), std::string::npos));
      if (!is_utf8(it.key())) {
        return &it.key();
      }
      if (const auto* bad = find_invalid_utf8(*it, path)) {
        return bad;
      }
      path.resize(size);
    }
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      step(std::to_string(i));
      if (const auto* bad = find_invalid_utf8(value[i], path)) {
        return bad;
      }
      path.resize(size);
    }
  }
  return nullptr;
}

// dump_json's work; `source` opens the error message (a path, or "" to name
// the document by its "format").
template <class = void>
std::string dump_json_checked(const json& value, int indent, std::string_view source);

} // namespace detail

/// Serialises `value` as JSON text, `indent` spaces per level (-1: one line).
/// JSON text is UTF-8, and what mlguard writes must read back as it was, so
/// a string (or key) that is not UTF-8 is an error, not replaced: throws
/// format_error (mlguard.format.invalid_utf8) naming the document (its
/// "format") and the string's JSON pointer, e.g. `a "mlguard.profile"
/// document: /features/city/...: "caf\xE9" is not UTF-8 ...`. Never lets
/// nlohmann's type_error.316 escape.
template <class = void>
std::string dump_json(const json& value, int indent = -1);

/// The identity of a persisted document type: its "format" name, the newest
/// "format_version" this mlguard reads (and the one it writes), and the name
/// mlguard 0.1 wrote before every name began with "mlguard." (still read).
struct document_format {
  std::string_view name;
  std::int64_t version = 1;
  std::string_view legacy_name = {};
};

/// A new document: {"format": format.name, "format_version": format.version}.
template <class = void>
json new_document(const document_format& format);

/// Checks the envelope every persisted mlguard document carries and returns
/// its format_version: an object whose "format" is format.name (or its
/// legacy name) and whose integer "format_version" is in [1, format.version].
/// Throws format_error: mlguard.format.corrupt when the document is not an
/// object or lacks the fields, mlguard.format.wrong_kind when it holds
/// another kind of document, mlguard.format.newer_version when a newer
/// mlguard wrote it.
template <class = void>
std::int64_t check_format(const json& document, const document_format& format,
                          std::string_view source);

/// Reads the fields of one JSON object for a loader. Every error is a
/// format_error whose message names the source and the field's path, e.g.
/// `[mlguard.format.corrupt] pipeline.json: stages[2].params.coef: expected a number`.
/// The reader refers to the JSON value; keep that alive while reading.
template <class = void> // deferred: see core/json.hpp
class basic_json_reader {
public:
  /// Reads `object`, found at `path` inside `source` (a file name or a
  /// description such as "profile"). Implicit, so a loader taking a reader
  /// can be called with a JSON value. Throws format_error
  /// (mlguard.format.corrupt) when it is not an object.
  basic_json_reader(const json& object, std::string source = "json",
                    std::string path = {}); // NOLINT

  /// A reader refers to its JSON value, so it cannot be made from a temporary.
  basic_json_reader(json&&, std::string = {}, std::string = {}) = delete;

  /// Opens a document: checks its envelope against `format` (see
  /// check_format) and that it has no fields beyond `known` (which need not
  /// list "format" and "format_version").
  static basic_json_reader document(const json& document, const document_format& format,
                                    std::string source,
                                    std::initializer_list<std::string_view> known);

  static basic_json_reader document(json&&, const document_format&, std::string,
                                    std::initializer_list<std::string_view>) = delete;

  /// The format_version of a document opened by document(); 0 otherwise.
  std::int64_t version() const noexcept { return version_; }
  /// The source this reader names in errors.
  const std::string& source() const noexcept { return source_; }
  /// The path of this object inside its source ("" at the root).
  const std::string& path() const noexcept { return path_; }
  /// The JSON object read.
  const json& value() const noexcept { return *object_; }

  /// Rejects fields other than `known`, so a typo in a hand-edited document
  /// is reported rather than ignored. Throws format_error (mlguard.format.unknown_field).
  void allow_fields(std::initializer_list<std::string_view> known,
                    std::initializer_list<std::string_view> also = {}) const;

  /// True when the object has `field`.
  bool has(std::string_view field) const { return object_->find(field) != object_->end(); }
  /// True when the object has `field` and it is not null.
  bool has_value(std::string_view field) const;

  /// The raw value of `field`. Throws format_error (corrupt) when it is missing.
  const json& at(std::string_view field) const;

  /// A double, as json_number wrote it (null is NaN).
  double number(std::string_view field) const;
  /// A finite double.
  double finite(std::string_view field) const;
  /// A double, or nullopt when the field is absent or null.
  std::optional<double> optional_number(std::string_view field) const;
  /// A non-negative integer no larger than `max_value`.
  std::uint64_t count(std::string_view field,
                      std::uint64_t max_value = std::numeric_limits<std::uint64_t>::max()) const;
  /// An integer in [lo, hi].
  std::int64_t integer(std::string_view field, std::int64_t lo, std::int64_t hi) const;
  /// true or false.
  bool flag(std::string_view field) const;
  /// A string.
  const std::string& text(std::string_view field) const;
  /// An array (of anything; see numbers, texts and objects for typed ones).
  const json& array(std::string_view field) const;
  /// An array of doubles as json_numbers wrote it.
  std::vector<double> numbers(std::string_view field) const;
  /// An array of non-negative integers.
  std::vector<std::uint64_t> counts(std::string_view field) const;
  /// An array of strings.
  std::vector<std::string> texts(std::string_view field) const;
  /// The object in `field`, as a reader whose path continues this one's.
  basic_json_reader object(std::string_view field) const;
  /// The objects of the array in `field`, each with its path ("stages[2]").
  std::vector<basic_json_reader> objects(std::string_view field) const;

  /// "source: path.field", for messages about `field`.
  std::string where(std::string_view field) const;
  /// "source: path" (or "source" at the root), for messages about the object.
  std::string where() const { return path_.empty() ? source_ : source_ + ": " + path_; }

  /// Throws format_error (mlguard.format.corrupt) "source: path.field: what".
  [[noreturn]] void fail(std::string_view field, const std::string& what) const;
  /// Throws format_error (mlguard.format.corrupt) "source: path: what".
  [[noreturn]] void fail(const std::string& what) const;

private:
  static std::string element(std::string_view field, std::size_t i);
  std::string join(std::string_view field) const;

  const json* object_;
  std::string source_;
  std::string path_;
  std::int64_t version_ = 0;
};

/// The type to name (a class template only so that its bodies compile where used).
using json_reader = basic_json_reader<>;

/// Writes `document` to `path` atomically (a temporary file beside it,
/// fsync, rename, fsync of the directory): a reader sees the old file or the
/// new one, never a torn one. Throws io_error (mlguard.io.write_failed), and
/// format_error (mlguard.format.invalid_utf8, naming `path`) as dump_json;
/// then nothing is written.
template <class = void>
void save_json(const std::string& path, const json& document, int indent = 1);

/// Reads and parses the JSON file at `path`. Throws io_error
/// (mlguard.io.open_failed, read_failed) and format_error (mlguard.format.corrupt).
template <class = void>
json load_json(const std::string& path);

} // namespace mlguard

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include "mlguard/core/detail/file.hpp"

namespace mlguard {

template <class>
json json_number(double v) {
  if (v != v) {
    return json(nullptr);
  }
  if (v == std::numeric_limits<double>::infinity()) {
    return json("inf");
  }
  if (v == -std::numeric_limits<double>::infinity()) {
    return json("-inf");
  }
  return json(v);
}

template <class>
json json_number(const std::optional<double>& v) {
  return v ? json_number(*v) : json(nullptr);
}

template <class>
json json_numbers(const std::vector<double>& values) {
  json out = json::array();
  out.get_ref<json::array_t&>().reserve(values.size());
  for (double v : values) {
    out.push_back(json_number(v));
  }
  return out;
}

template <class>
bool read_json_number(const json& j, double& out) noexcept {
  if (j.is_number()) {
    out = j.get<double>();
    return true;
  }
  if (j.is_null()) {
    out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    if (s == "inf" || s == "-inf") {
      out = s[0] == '-' ? -std::numeric_limits<double>::infinity()
                        : std::numeric_limits<double>::infinity();
      return true;
    }
    if (s == "nan") {
      out = std::numeric_limits<double>::quiet_NaN();
      return true;
    }
  }
  return false;
}

template <class> // deferred: the parser is instantiated only where used
json parse_json(std::string_view text, std::string_view source) {
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    std::string message(source);
    message.append(": not valid JSON: ").append(e.what());
    throw format_error("corrupt", message);
  }
}

} // namespace mlguard

namespace mlguard::detail {

template <class>
std::string dump_json_checked(const json& value, int indent, std::string_view source) {
  try {
    return value.dump(indent, ' ', false, json::error_handler_t::strict);
  } catch (const json::type_error& e) { // 316: a string is not UTF-8
    std::string where(source);
    if (where.empty()) {
      const auto kind = value.is_object() ? value.find("format") : value.end();
      where = kind != value.end() && kind->is_string()
                  ? "a \"" + utf8_printable(kind->get_ref<const std::string&>()) + "\" document"
                  : std::string("a JSON value");
    }
    std::string path;
    const std::string* bad = find_invalid_utf8(value, path);
    if (bad == nullptr) {
      throw format_error("invalid_utf8", where + ": " + e.what());
    }
    throw format_error("invalid_utf8",
                       where + ": " + (path.empty() ? std::string("/") : path) + ": \"" +
                           utf8_printable(*bad) +
                           "\" is not UTF-8, which JSON text must be (decode Latin-1 "
                           "text first, as read_csv does with csv_encoding::latin1)");
  }
}

} // namespace mlguard::detail

namespace mlguard {

template <class>
std::string dump_json(const json& value, int indent) {
  return detail::dump_json_checked(value, indent, {});
}

template <class>
json new_document(const document_format& format) {
  json document = json::object();
  document["format"] = format.name;
  document["format_version"] = format.version;
  return document;
}

template <class>
std::int64_t check_format(const json& document, const document_format& format,
                          std::string_view source) {
  const std::string where = std::string(source) + ": ";
  if (!document.is_object()) {
    throw format_error("corrupt", where + "expected a JSON object");
  }
  const auto kind = document.find("format");
  if (kind == document.end() || !kind->is_string()) {
    throw format_error("corrupt", where + "missing string field \"format\"");
  }
  const auto& name = kind->get_ref<const std::string&>();
  if (name != format.name && (format.legacy_name.empty() || name != format.legacy_name)) {
    throw format_error("wrong_kind", where + "holds a \"" + name + "\" document, expected \"" +
                                         std::string(format.name) + "\"");
  }
  const auto version = document.find("format_version");
  if (version == document.end() || !version->is_number_integer()) {
    throw format_error("corrupt", where + "missing integer field \"format_version\"");
  }
  const auto v = version->get<std::int64_t>();
  if (v < 1) {
    throw format_error("corrupt", where + "format_version " + std::to_string(v) + " is not valid");
  }
  if (v > format.version) {
    throw format_error("newer_version", where + "format_version " + std::to_string(v) +
                                            " is newer than this mlguard reads (" +
                                            std::to_string(format.version) + "); upgrade mlguard");
  }
  return v;
}

template <class V>
MLGUARD_INLINE basic_json_reader<V>::basic_json_reader(const json& object, std::string source,
                                                       std::string path) // NOLINT
    : object_(&object), source_(std::move(source)), path_(std::move(path)) {
  if (!object.is_object()) {
    fail("expected a JSON object");
  }
}

template <class V>
MLGUARD_INLINE auto
basic_json_reader<V>::document(const json& document, const document_format& format,
                               std::string source, std::initializer_list<std::string_view> known)
    -> basic_json_reader {
  const auto version = check_format(document, format, source);
  basic_json_reader reader(document, std::move(source));
  reader.version_ = version;
  reader.allow_fields(known, {"format", "format_version"});
  return reader;
}

template <class V>
MLGUARD_INLINE auto
basic_json_reader<V>::allow_fields(std::initializer_list<std::string_view> known,
                                   std::initializer_list<std::string_view> also) const -> void {
  for (auto it = object_->begin(); it != object_->end(); ++it) {
    bool found = false;
    for (auto list : {known, also}) {
      for (auto name : list) {
        found = found || it.key() == name;
      }
    }
    if (!found) {
      throw format_error("unknown_field", where(it.key()) + ": unknown field");
    }
  }
}

template <class V>
MLGUARD_INLINE auto basic_json_reader<V>::has_value(std::string_view field) const -> bool {
  const auto it = object_->find(field);
  return it != object_->end() && !it->is_null();
}

template <class V>
MLGUARD_INLINE auto basic_json_reader<V>::at(std::string_view field) const -> const json& {
  const auto it = object_->find(field);
  if (it == object_->end()) {
    fail(field, "missing field");
  }
  return *it;
}

template <class V>
MLGUARD_INLINE auto basic_json_reader<V>::number(std::string_view field) const -> double {
  double v = 0;
  if (!read_json_number(at(field), v)) {
    fail(field, "expected a number");
  }
  return v;
}

template <class V>
MLGUARD_INLINE auto basic_json_reader<V>::finite(std::string_view field) const -> double {
  const double v = number(field);
  if (!std::isfinite(v)) {
    fail(field, "expected a finite number");
  }
  return v;
}

template <class V>
MLGUARD_INLINE auto basic_json_reader<V>::optional_number(std::string_view field) const
    -> std::optional<double> {
  if (!has_value(field)) {
    return std::nullopt;
  }
  return number(field);
}

template <class V>
MLGUARD_INLINE auto basic_json_reader<V>::count(std::string_view field,
                                                std::uint64_t max_value) const -> std::uint64_t {
  const json& j = at(field);
  if (!j.is_number_unsigned() || j.get<std::uint64_t>() > max_value) {
    fail(field, "expected an integer in [0, " + std::to_string(max_value) + "]");
  }
  return j.get<std::uint64_t>();
}

template <class V>
MLGUARD_INLINE auto basic_json_reader<V>::integer(std::string_view field, std::int64_t lo,
                                                  std::int64_t hi) const -> std::int64_t {
  const json& j = at(field);
  const bool fits =
      j.is_number_integer() &&
      !(j.is_number_unsigned() && j.get<std::uint64_t>() > static_cast<std::uint64_t>(hi));
  if (!fits || j.get<std::int64_t>() < lo || j.get<std::int64_t>() > hi) {
    fail(field, "expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
  return j.get<std::int64_t>();
}

template <class V>
MLGUARD_INLINE auto basic_json_reader<V>::flag(std::string_view field) const -> bool {
  const json& j = at(field);
  if (!j.is_boolean()) {
    fail(field, "expected true or false");
  }
  return j.get<bool>();
}

template <class V>
MLGUARD_INLINE auto basic_json_reader<V>::text(std::string_view field) const -> const std::string& {
  const json& j = at(field);
  if (!j.is_string()) {
    fail(field, "expected a string");
  }
  return j.get_ref<const std::string&>();
}

template <class V>
MLGUARD_INLINE auto basic_json_reader<V>::array(std::string_view field) const -> const json& {
  const json& j = at(field);
  if (!j.is_array()) {
    fail(field, "expected an array");
  }
  return j;
}

template <class V>
MLGUARD_INLINE auto basic_json_reader<V>::numbers(std::string_view field) const
    -> std::vector<double> {
  const json& a = array(field);
  std::vector<double> out(a.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (!read_json_number(a[i], out[i])) {
      fail(element(field, i), "expected a number");
    }
  }
  return out;
}

template <class V>
MLGUARD_INLINE auto basic_json_reader<V>::counts(std::string_view field) const
    -> std::vector<std::uint64_t> {
  const json& a = array(field);
  std::vector<std::uint64_t> out(a.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (!a[i].is_number_unsigned()) {
      fail(element(field, i), "expected a non-negative integer");
    }
    out[i] = a[i].get<std::uint64_t>();
  }
  return out;
}

template <class V>
MLGUARD_INLINE auto basic_json_reader<V>::texts(std::string_view field) const
    -> std::vector<std::string> {
  const json& a = array(field);
  std::vector<std::string> out(a.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (!a[i].is_string()) {
      fail(element(field, i), "expected a string");
    }
    out[i] = a[i].get<std::string>();
  }
  return out;
}

template <class V>
MLGUARD_INLINE auto basic_json_reader<V>::object(std::string_view field) const
    -> basic_json_reader {
  return basic_json_reader(at(field), source_, join(field));
}

template <class V>
MLGUARD_INLINE auto basic_json_reader<V>::objects(std::string_view field) const
    -> std::vector<basic_json_reader> {
  const json& a = array(field);
  std::vector<basic_json_reader> out;
  out.reserve(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    out.emplace_back(a[i], source_, join(element(field, i)));
  }
  return out;
}

template <class V>
MLGUARD_INLINE auto basic_json_reader<V>::where(std::string_view field) const -> std::string {
  std::string s = source_;
  s.append(": ").append(join(field));
  return s;
}

template <class V>
MLGUARD_INLINE auto basic_json_reader<V>::fail(std::string_view field,
                                               const std::string& what) const -> void {
  throw format_error("corrupt", where(field) + ": " + what);
}

template <class V>
MLGUARD_INLINE auto basic_json_reader<V>::fail(const std::string& what) const -> void {
  throw format_error("corrupt", where() + ": " + what);
}

template <class V>
MLGUARD_INLINE auto basic_json_reader<V>::element(std::string_view field, std::size_t i)
    -> std::string {
  std::string s(field);
  s.append("[").append(std::to_string(i)).append("]");
  return s;
}

template <class V>
MLGUARD_INLINE auto basic_json_reader<V>::join(std::string_view field) const -> std::string {
  if (path_.empty()) {
    return std::string(field);
  }
  std::string s = path_;
  if (!field.empty() && field.front() != '[') {
    s.push_back('.');
  }
  s.append(field);
  return s;
}

template <class>
void save_json(const std::string& path, const json& document, int indent) {
  std::string text = detail::dump_json_checked(document, indent, path);
  text.push_back('\n');
  detail::write_file_atomic(path, text);
}

template <class>
json load_json(const std::string& path) {
  return parse_json(detail::read_file(path), path);
}

} // namespace mlguard

#endif // MLGUARD_COMPILED
#endif // MLGUARD_CORE_JSON_HPP
