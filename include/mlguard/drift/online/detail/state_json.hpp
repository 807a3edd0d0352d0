#ifndef MLGUARD_DRIFT_ONLINE_DETAIL_STATE_JSON_HPP
#define MLGUARD_DRIFT_ONLINE_DETAIL_STATE_JSON_HPP

// JSON helpers shared by the online detectors. Not for direct use.

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <string_view>

#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/drift/online/detector_state.hpp"

namespace mlguard::drift::online::detail {

/// Throws drift_error mlguard.drift.bad_parameter unless `ok`.
inline void require_parameter(bool ok, std::string_view detector, std::string_view what) {
  if (!ok) {
    std::string message(detector);
    message.append(": ").append(what);
    throw drift_error("bad_parameter", message);
  }
}

/// A double as JSON: a number, or "inf" / "-inf" (JSON has no infinities).
/// NaN never occurs in a detector's state (non-finite input is ignored).
inline json number_to_json(double v) {
  if (std::isinf(v)) {
    return v > 0 ? "inf" : "-inf";
  }
  return v;
}

/// Wraps params and state in the documented envelope.
inline json envelope(std::string_view detector, json params, json state) {
  return json{{"format", online_detector_format},
              {"format_version", online_detector_format_version},
              {"detector", std::string(detector)},
              {"params", std::move(params)},
              {"state", std::move(state)}};
}

/// Reads fields of one JSON object, naming the object in errors
/// (format_error mlguard.format.corrupt on a missing or ill-typed field).
class object_reader {
public:
  object_reader(const json& object, std::string source,
                std::initializer_list<std::string_view> known)
      : object_(object), source_(std::move(source)) {
    if (!object_.is_object()) {
      fail("expected a JSON object");
    }
    check_known_fields(object_, known, source_);
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw format_error("corrupt", source_ + ": " + what);
  }

  const json& field(const char* name) const {
    const auto it = object_.find(name);
    if (it == object_.end()) {
      fail(std::string("missing field \"") + name + "\"");
    }
    return *it;
  }

  /// A double; "inf" and "-inf" are accepted when `allow_infinite`.
  double number(const char* name, bool allow_infinite = false) const {
    const json& j = field(name);
    if (allow_infinite && j.is_string()) {
      const auto& s = j.get_ref<const std::string&>();
      if (s == "inf" || s == "-inf") {
        return s == "inf" ? std::numeric_limits<double>::infinity()
                          : -std::numeric_limits<double>::infinity();
      }
    }
    if (!j.is_number()) {
      fail(std::string("field \"") + name + "\" must be a number");
    }
    return j.get<double>();
  }

  /// A non-negative integer no larger than `max_value`.
  std::uint64_t count(const char* name,
                      std::uint64_t max_value = std::numeric_limits<std::uint64_t>::max()) const {
    const json& j = field(name);
    if (!j.is_number_unsigned() || j.get<std::uint64_t>() > max_value) {
      fail(std::string("field \"") + name + "\" must be an integer in [0, " +
           std::to_string(max_value) + "]");
    }
    return j.get<std::uint64_t>();
  }

  bool flag(const char* name) const {
    const json& j = field(name);
    if (!j.is_boolean()) {
      fail(std::string("field \"") + name + "\" must be true or false");
    }
    return j.get<bool>();
  }

  std::string text(const char* name) const {
    const json& j = field(name);
    if (!j.is_string()) {
      fail(std::string("field \"") + name + "\" must be a string");
    }
    return j.get<std::string>();
  }

  const json& array(const char* name) const {
    const json& j = field(name);
    if (!j.is_array()) {
      fail(std::string("field \"") + name + "\" must be an array");
    }
    return j;
  }

  const std::string& source() const noexcept { return source_; }

private:
  const json& object_;
  std::string source_;
};

/// Opens the envelope: checks format, version, known fields and that it
/// holds `detector`; returns readers' sources for "params" and "state".
/// Throws format_error corrupt / unknown_field / wrong_kind / newer_version.
inline void open_envelope(const json& document, std::string_view detector,
                          std::string_view source) {
  check_format(document, online_detector_format, online_detector_format_version, source);
  check_known_fields(document, {"format", "format_version", "detector", "params", "state"}, source);
  const auto it = document.find("detector");
  if (it == document.end() || !it->is_string()) {
    throw format_error("corrupt", std::string(source) + ": missing string field \"detector\"");
  }
  if (it->get_ref<const std::string&>() != detector) {
    throw format_error("wrong_kind", std::string(source) + ": holds a \"" + it->get<std::string>() +
                                         "\" detector, expected \"" + std::string(detector) + "\"");
  }
  for (const char* part : {"params", "state"}) {
    if (document.find(part) == document.end()) {
      throw format_error("corrupt", std::string(source) + ": missing field \"" + part + "\"");
    }
  }
}

/// Restores a detector through its constructor and maps a parameter error
/// to format_error mlguard.format.corrupt (a stored document is corrupt,
/// not a caller's mistake).
template <typename Detector, typename Params>
Detector construct_from_stored(const Params& params, std::string_view source) {
  try {
    return Detector(params);
  } catch (const drift_error& e) {
    throw format_error("corrupt", std::string(source) + ".params: " + std::string(e.message()));
  }
}

} // namespace mlguard::drift::online::detail

#endif // MLGUARD_DRIFT_ONLINE_DETAIL_STATE_JSON_HPP
