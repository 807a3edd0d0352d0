#ifndef MLGUARD_DRIFT_ONLINE_DETECTOR_BASE_HPP
#define MLGUARD_DRIFT_ONLINE_DETECTOR_BASE_HPP

// What the online drift detectors of mlguard/drift/online/ share, written
// once: the update guard, the verdict accessors, the options and the saved
// state. Each detector derives from detector_base<itself, its options>
// (CRTP: no virtual call, the update inlines into the caller) and supplies
//
//   static constexpr std::string_view name;        // "adwin": the "detector" of its state
//   static constexpr std::string_view river_class; // "river.drift.ADWIN" (for listings)
//   static constexpr bool warns;                   // has a warning zone
//   static constexpr auto option_table();          // its parameters (option_table.hpp)
//   void step(double x) noexcept;    // one finite observation: River's update
//   void clear() noexcept;           // River's _reset of its own statistics
//   void write_state(json&) const;   // its "state" fields
//   void read_state(const json_reader&); // ... and back (allow_state_fields first)
//
// (the four hooks private, with `friend detector_base;`). Errors: settings
// out of range throw drift_error mlguard.drift.invalid_option; loading
// throws format_error mlguard.format.corrupt, unknown_field, wrong_kind and
// newer_version, and load/save io_error mlguard.io.*.
//
// The detectors port River's (online-ml/river) drift detectors: same
// parameters, same defaults, same arithmetic in the same order, hence the
// same detections on the same stream. Each one
//  - takes one observation per update(x) and answers none / warning / drift,
//    without allocating, locking or throwing;
//  - ignores non-finite input (NaN, ±inf): the value is counted in
//    ignored_count(), nothing else changes, and update answers none;
//  - after answering drift, starts afresh at its next accepted observation,
//    as River's detectors do (`if self.drift_detected: self._reset()`);
//  - saves its full state with to_json() / save(path) and restores it with
//    from_json() / load(path), so a restarted service continues exactly
//    where it stopped. The document:
//      {"format": "mlguard.online_detector", "format_version": 1,
//       "detector": "<name>", "params": {<one entry per option>},
//       "state": {<the detector's fields>, "drift", ["warning",] "ignored"}}
// A detector is a plain value: one per thread, or guard it yourself.

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/drift/online/detector_state.hpp"
#include "mlguard/drift/online/option_table.hpp"

namespace mlguard::drift::online {

/// The document format of every saved online detector.
inline constexpr document_format online_detector_format{"mlguard.online_detector", 1};

/// The shared part of every online detector (see the top of this header).
template <typename Derived, typename Options>
class detector_base {
public:
  /// The settings type (adwin_options, ...).
  using options_type = Options;
  /// The document's identity: "mlguard.online_detector", version 1 ("detector" names which).
  static constexpr document_format format = online_detector_format;

  /// Adds one observation and answers the verdict. Non-finite x is ignored
  /// (counted in ignored_count(); answers none). Never allocates or throws.
  detector_state update(double x) noexcept {
    if (!std::isfinite(x)) {
      ++ignored_;
      return detector_state::none;
    }
    if (drift_) {
      reset();
    }
    self().step(x);
    return state();
  }

  /// The verdict of the last accepted update (drift wins over warning).
  detector_state state() const noexcept {
    if constexpr (Derived::warns) {
      return drift_ ? detector_state::drift
                    : (warning_ ? detector_state::warning : detector_state::none);
    } else {
      return drift_ ? detector_state::drift : detector_state::none;
    }
  }
  /// River's drift_detected.
  bool drift_detected() const noexcept { return drift_; }
  /// River's warning_detected (always false for detectors without a warning zone).
  bool warning_detected() const noexcept { return warning_; }
  /// Starts afresh (River's _reset); keeps ignored_count() and the options.
  void reset() noexcept {
    self().clear();
    drift_ = false;
    warning_ = false;
  }
  /// Non-finite inputs ignored since construction.
  std::uint64_t ignored_count() const noexcept { return ignored_; }
  /// The settings the detector was made with.
  const Options& options() const noexcept { return options_; }

  /// The full state, as the document described at the top of this header.
  json to_json() const {
    json document = new_document(online_detector_format);
    document["detector"] = Derived::name;
    document["params"] = detail::write_options(Derived::option_table(), options_);
    json state = json::object();
    self().write_state(state);
    state["drift"] = drift_;
    if constexpr (Derived::warns) {
      state["warning"] = warning_;
    }
    state["ignored"] = ignored_;
    document["state"] = std::move(state);
    return document;
  }

  /// Restores what to_json() wrote. `source` names the input in errors.
  /// Throws format_error: mlguard.format.corrupt (missing, ill-typed,
  /// out-of-range or inconsistent fields), unknown_field, wrong_kind
  /// (another document or another detector), newer_version.
  static Derived from_json(const json& document, std::string_view source = Derived::name) {
    const json_reader r = open_document(document, source);
    Derived d = restore(r, [](const Options& o) { return Derived(o); });
    d.read_common_state(r.object("state"));
    return d;
  }

  /// Writes to_json() to `path` atomically (save_json). Throws io_error
  /// mlguard.io.write_failed.
  void save(const std::string& path) const { save_json(path, to_json()); }

  /// Reads a detector saved by save(). Throws io_error (mlguard.io.open_failed,
  /// read_failed) and the format_errors of from_json.
  static Derived load(const std::string& path) { return Derived::from_json(load_json(path), path); }

  /// Sets the option `name` of `o` from its text ("0.01", "true", "up",
  /// "none"), as `mlguard detect --param name=value` does. Throws drift_error
  /// mlguard.drift.invalid_option for an unknown name, a malformed value or
  /// one outside the option's range.
  static void set_option(Options& o, std::string_view name, std::string_view text) {
    detail::set_option(Derived::option_table(), o, name, text, Derived::name);
  }

  /// The options as text (name, type, default, range, meaning), in table order.
  static std::vector<option_description> describe_options() {
    return detail::describe_options<Options>(Derived::option_table());
  }

protected:
  /// Checks every option against its range. Throws drift_error
  /// mlguard.drift.invalid_option naming the option.
  explicit detector_base(const Options& options) : options_(options) {
    // Checks the argument, not options_: the detector's address then never
    // reaches an out-of-line call, so the compiler may keep its state in
    // registers around update() (measured: HDDM_W 22% more instructions otherwise).
    detail::check_options(Derived::option_table(), options, Derived::name);
  }

  /// Opens a saved detector's document: the envelope, and that it holds this
  /// detector. Throws as from_json.
  static json_reader open_document(const json& document, std::string_view source) {
    json_reader r = json_reader::document(document, online_detector_format, std::string(source),
                                          {"detector", "params", "state"});
    const std::string& stored = r.text("detector");
    if (stored != Derived::name) {
      throw format_error("wrong_kind", r.where("detector") + ": holds a \"" + stored +
                                           "\" detector, expected \"" + std::string(Derived::name) +
                                           "\"");
    }
    return r;
  }

  /// Reads "params" and makes the detector with `make(options)`; a
  /// constructor's drift_error (a setting out of range, or settings that do
  /// not fit together) becomes format_error mlguard.format.corrupt: a stored
  /// document is corrupt, not a caller's mistake.
  template <typename Make>
  static Derived restore(const json_reader& r, Make make) {
    const json_reader params = r.object("params");
    const auto options = detail::read_options<Options>(Derived::option_table(), params);
    try {
      return make(options);
    } catch (const drift_error& e) {
      params.fail(std::string(e.message()));
    }
  }

  /// Reads "state": the detector's own fields (read_state, which starts
  /// with allow_state_fields) and the shared ones.
  void read_common_state(const json_reader& state) {
    self().read_state(state);
    drift_ = state.flag("drift");
    if constexpr (Derived::warns) {
      warning_ = state.flag("warning");
    }
    ignored_ = state.count("ignored");
  }

  /// Rejects fields of "state" other than `own` and the shared ones
  /// (format_error mlguard.format.unknown_field).
  static void allow_state_fields(const json_reader& state,
                                 std::initializer_list<std::string_view> own) {
    if constexpr (Derived::warns) {
      state.allow_fields(own, {"drift", "warning", "ignored"});
    } else {
      state.allow_fields(own, {"drift", "ignored"});
    }
  }

  /// A statistic of "state": any double json_number writes, ±inf and NaN
  /// (null) included. Non-finite input never reaches a statistic, but finite
  /// input near ±1e308 overflows River's arithmetic (here as in River), and
  /// every state a detector reaches must load back.
  static double state_number(const json_reader& state, std::string_view field) {
    return state.number(field);
  }

  Options options_;
  std::uint64_t ignored_ = 0;
  bool drift_ = false;
  bool warning_ = false;

private:
  Derived& self() noexcept { return static_cast<Derived&>(*this); }
  const Derived& self() const noexcept { return static_cast<const Derived&>(*this); }
};

} // namespace mlguard::drift::online

#endif // MLGUARD_DRIFT_ONLINE_DETECTOR_BASE_HPP
