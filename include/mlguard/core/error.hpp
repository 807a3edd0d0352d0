#ifndef MLGUARD_CORE_ERROR_HPP
#define MLGUARD_CORE_ERROR_HPP

// mlguard::error, the base of every exception mlguard throws, and one
// subclass per area. Each error carries a stable id, mlguard.<area>.<reason>;
// docs/errors.md lists every id with its meaning and fix.

#include <stdexcept>
#include <string>
#include <string_view>

namespace mlguard {

/// Base of every exception mlguard throws.
///
/// Each error carries a stable, dotted id, `mlguard.<area>.<reason>`, which
/// also opens its message in brackets, as nlohmann/json does:
/// `[mlguard.registry.not_found] model 'churn' has no version 7`.
/// Programs branch on id(); people read what().
class error : public std::runtime_error {
public:
  /// Builds an error whose what() is "[id] message".
  error(std::string_view id, std::string_view message)
      : std::runtime_error(compose(id, message)), id_(id), message_offset_(id.size() + 3) {}

  /// The stable id, e.g. "mlguard.registry.not_found".
  const std::string& id() const noexcept { return id_; }

  /// The message without its "[id] " prefix.
  std::string_view message() const noexcept {
    return std::string_view(what()).substr(message_offset_);
  }

private:
  static std::string compose(std::string_view id, std::string_view message) {
    std::string text;
    text.reserve(id.size() + message.size() + 3);
    text.append("[").append(id).append("] ").append(message);
    return text;
  }

  std::string id_;
  std::size_t message_offset_;
};

namespace detail {
template <class = void>
std::string area_id(std::string_view area, std::string_view reason);
} // namespace detail

/// Defines an error subclass for one area; its ids read mlguard.<area>.<reason>.
#define MLGUARD_DETAIL_DEFINE_AREA_ERROR(name, area)                                               \
  class name : public ::mlguard::error {                                                           \
  public:                                                                                          \
    /** Builds "[mlguard.area.reason] message". */                                                 \
    name(std::string_view reason, std::string_view message)                                        \
        : ::mlguard::error(::mlguard::detail::area_id(area, reason), message) {}                   \
  }

/// A caller passed a value outside a function's contract (ids mlguard.argument.*).
MLGUARD_DETAIL_DEFINE_AREA_ERROR(argument_error, "argument");
/// A persisted document (JSON schema, profile, pipeline, registry metadata)
/// is corrupt, has unknown fields or a newer format_version (ids mlguard.format.*).
MLGUARD_DETAIL_DEFINE_AREA_ERROR(format_error, "format");
/// Reading or writing a file failed (ids mlguard.io.*).
MLGUARD_DETAIL_DEFINE_AREA_ERROR(io_error, "io");
/// Statistics: a test or distribution got parameters it cannot use (ids mlguard.stats.*).
MLGUARD_DETAIL_DEFINE_AREA_ERROR(stats_error, "stats");
/// Drift detection and monitoring configuration errors (ids mlguard.drift.*).
MLGUARD_DETAIL_DEFINE_AREA_ERROR(drift_error, "drift");
/// Profiles and sketches (ids mlguard.profile.*).
MLGUARD_DETAIL_DEFINE_AREA_ERROR(profile_error, "profile");
/// Schemas and validation configuration (ids mlguard.validate.*).
MLGUARD_DETAIL_DEFINE_AREA_ERROR(validation_error, "validate");
/// Explanations: contributions, permutation importance, partial dependence
/// (ids mlguard.explain.*).
MLGUARD_DETAIL_DEFINE_AREA_ERROR(explain_error, "explain");
/// Pipeline composition, fitting and persistence (ids mlguard.pipeline.*).
MLGUARD_DETAIL_DEFINE_AREA_ERROR(pipeline_error, "pipeline");
/// The model registry (ids mlguard.registry.*).
MLGUARD_DETAIL_DEFINE_AREA_ERROR(registry_error, "registry");
/// Model bundles, artifact stores, model slots and followers (ids mlguard.serving.*).
MLGUARD_DETAIL_DEFINE_AREA_ERROR(serving_error, "serving");
/// Rollback policies, canary judges, controllers and traces (ids mlguard.rollback.*).
MLGUARD_DETAIL_DEFINE_AREA_ERROR(rollback_error, "rollback");
/// Metrics, alert notifiers and HTML reports (ids mlguard.report.*).
MLGUARD_DETAIL_DEFINE_AREA_ERROR(report_error, "report");
/// Group fairness metrics and monitors (ids mlguard.fairness.*).
MLGUARD_DETAIL_DEFINE_AREA_ERROR(fairness_error, "fairness");

#undef MLGUARD_DETAIL_DEFINE_AREA_ERROR

} // namespace mlguard

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::detail {

template <class>
std::string area_id(std::string_view area, std::string_view reason) {
  std::string id("mlguard.");
  id.append(area).append(".").append(reason);
  return id;
}

} // namespace mlguard::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_CORE_ERROR_HPP
