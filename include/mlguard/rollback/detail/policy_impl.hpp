#ifndef MLGUARD_ROLLBACK_DETAIL_POLICY_IMPL_HPP
#define MLGUARD_ROLLBACK_DETAIL_POLICY_IMPL_HPP

// Policy's helpers, then the bodies of its checks, descriptions and JSON
// conversion. The bodies, and the online detectors that check() builds, are
// in the mlguard::compiled library when MLGUARD_COMPILED is defined.

#include "mlguard/rollback/policy.hpp"

namespace mlguard::rollback::detail {

inline const char* to_string(worse w) noexcept { return w == worse::above ? "above" : "below"; }

template <class = void>
double seconds(std::chrono::nanoseconds d);

template <class = void>
std::string number_text(double v);

template <class = void>
void require(bool ok, const std::string& what);

template <class = void>
void require_signal(const std::string& signal, const char* kind);

template <class = void>
void require_duration(std::chrono::nanoseconds d, const char* kind, bool positive);

template <class = void>
std::chrono::nanoseconds duration_of(const json_reader& r, std::string_view field);

template <class = void>
worse worse_of(const json_reader& r);

/// How deep any_of / all_of may nest in a document: far beyond a readable
/// policy, and shallow enough that a hostile document cannot exhaust the stack.
inline constexpr int max_policy_depth = 32;
template <class = void>
policy policy_at_depth(const json_reader& r, int depth);

} // namespace mlguard::rollback::detail

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include <sstream>

#include "mlguard/drift/online/detectors.hpp"

namespace mlguard::rollback {
namespace detail {

template <class... F>
struct overloaded : F... {
  using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

} // namespace detail

template <class V>
MLGUARD_INLINE auto basic_policy<V>::check() const -> void {
  using detail::require;
  std::visit(
      detail::overloaded{
          [](const threshold_rule& t) {
            detail::require_signal(t.signal, "threshold");
            require(std::isfinite(t.trip) && std::isfinite(t.reset),
                    "threshold: trip and reset must be finite");
            require(t.bad == worse::above ? t.reset <= t.trip : t.reset >= t.trip,
                    "threshold: reset " + detail::number_text(t.reset) + " is beyond trip " +
                        detail::number_text(t.trip) + " on the bad side");
          },
          [](const consecutive_rule& c) {
            detail::require_signal(c.signal, "consecutive");
            require(std::isfinite(c.level), "consecutive: the level must be finite");
            require(c.windows >= 1, "consecutive: windows must be ≥ 1");
          },
          [](const rate_rule& r) {
            detail::require_signal(r.signal, "rate");
            require(r.max_rate >= 0.0 && r.max_rate <= 1.0, "rate: max_rate must be in [0, 1]");
            detail::require_duration(r.window, "rate", true);
            require(r.min_samples >= 1, "rate: min_samples must be ≥ 1");
          },
          [](const drift_rule& d) {
            detail::require_signal(d.signal, "drift");
            require(d.features >= 1, "drift: features must be ≥ 1");
            require(d.windows >= 1 && d.windows <= d.of && d.of <= 10000,
                    "drift: need 1 ≤ windows ≤ of ≤ 10000");
          },
          [](const detector_rule& d) {
            detail::require_signal(d.signal, "detector");
            // Makes one to check the name and settings (drift_error invalid_option).
            (void)drift::online::make_detector(d.detector, d.settings);
          },
          [](const baseline_rule& b) {
            detail::require_signal(b.signal, "baseline");
            require(std::isfinite(b.tolerance) && b.tolerance >= 0.0,
                    "baseline: the tolerance must be finite and ≥ 0");
            require(b.min_samples >= 1, "baseline: min_samples must be ≥ 1");
          },
          [](const grace_rule& g) {
            detail::require_signal(g.signal, "grace");
            detail::require_duration(g.duration, "grace", false);
          },
          [](const cooldown_rule& c) { detail::require_duration(c.duration, "cooldown", false); },
          [](const limit_rule& l) {
            require(l.rollbacks >= 1, "limit: rollbacks must be ≥ 1");
            detail::require_duration(l.period, "limit", true);
          },
          [](const any_of_rule&) {}, [](const all_of_rule&) {}},
      rule_);
  require(is_combination() == !children_.empty(),
          is_combination() ? "any_of/all_of needs at least one policy"
                           : "only any_of and all_of hold other policies");
}

template <class V>
MLGUARD_INLINE auto basic_policy<V>::describe() const -> std::string {
  using detail::number_text;
  return std::visit(
      detail::overloaded{
          [](const threshold_rule& t) {
            return "threshold " + t.signal + " " + detail::to_string(t.bad) + " " +
                   number_text(t.trip) + " (reset " + number_text(t.reset) + ")";
          },
          [](const consecutive_rule& c) {
            return "consecutive " + std::to_string(c.windows) + " × " + c.signal + " " +
                   detail::to_string(c.bad) + " " + number_text(c.level);
          },
          [](const rate_rule& r) {
            return "rate " + r.signal + " above " + number_text(r.max_rate) + " over " +
                   number_text(detail::seconds(r.window)) + " s";
          },
          [](const drift_rule& d) {
            return "drift ≥ " + std::to_string(d.features) + " features in " +
                   std::to_string(d.windows) + " of " + std::to_string(d.of) + " windows";
          },
          [](const detector_rule& d) { return "detector " + d.detector + " on " + d.signal; },
          [](const baseline_rule& b) {
            return "baseline " + b.signal + " " + detail::to_string(b.bad) + " previous by " +
                   number_text(b.relative ? b.tolerance * 100.0 : b.tolerance) +
                   (b.relative ? "%" : "");
          },
          [](const grace_rule& g) {
            return "grace " + std::to_string(g.samples) + " " + g.signal +
                   (g.duration.count() > 0 ? ", " + number_text(detail::seconds(g.duration)) + " s"
                                           : std::string());
          },
          [](const cooldown_rule& c) {
            return "cooldown " + number_text(detail::seconds(c.duration)) + " s";
          },
          [](const limit_rule& l) {
            return "limit " + std::to_string(l.rollbacks) + " per " +
                   number_text(detail::seconds(l.period)) + " s";
          },
          [](const any_of_rule&) { return std::string("any_of"); },
          [](const all_of_rule&) { return std::string("all_of"); }},
      rule_);
}

template <class>
json to_json(const policy& p) {
  // `j = json{...}`, not `j = {...}`: in a template, clang 14 leaks the old value
  // of a braced-list assignment (tests/style/check_style.py rejects it).
  json j = json::object();
  std::visit(
      detail::overloaded{[&](const threshold_rule& t) {
                           j = json{{"kind", "threshold"},
                                    {"signal", t.signal},
                                    {"trip", t.trip},
                                    {"reset", t.reset},
                                    {"worse", detail::to_string(t.bad)},
                                    {"min_samples", t.min_samples}};
                         },
                         [&](const consecutive_rule& c) {
                           j = json{{"kind", "consecutive"},
                                    {"signal", c.signal},
                                    {"level", c.level},
                                    {"windows", c.windows},
                                    {"worse", detail::to_string(c.bad)}};
                         },
                         [&](const rate_rule& r) {
                           j = json{{"kind", "rate"},
                                    {"signal", r.signal},
                                    {"max_rate", r.max_rate},
                                    {"seconds", detail::seconds(r.window)},
                                    {"min_samples", r.min_samples}};
                         },
                         [&](const drift_rule& d) {
                           j = json{{"kind", "drift"},
                                    {"signal", d.signal},
                                    {"features", d.features},
                                    {"windows", d.windows},
                                    {"of", d.of}};
                         },
                         [&](const detector_rule& d) {
                           json settings = json::object();
                           for (const auto& [k, v] : d.settings) {
                             settings[k] = v;
                           }
                           j = json{{"kind", "detector"},
                                    {"signal", d.signal},
                                    {"detector", d.detector},
                                    {"settings", settings}};
                         },
                         [&](const baseline_rule& b) {
                           j = json{{"kind", "baseline"},       {"signal", b.signal},
                                    {"tolerance", b.tolerance}, {"worse", detail::to_string(b.bad)},
                                    {"relative", b.relative},   {"min_samples", b.min_samples}};
                         },
                         [&](const grace_rule& g) {
                           j = json{{"kind", "grace"},
                                    {"signal", g.signal},
                                    {"samples", g.samples},
                                    {"seconds", detail::seconds(g.duration)}};
                         },
                         [&](const cooldown_rule& c) {
                           j = json{{"kind", "cooldown"}, {"seconds", detail::seconds(c.duration)}};
                         },
                         [&](const limit_rule& l) {
                           j = json{{"kind", "limit"},
                                    {"rollbacks", l.rollbacks},
                                    {"seconds", detail::seconds(l.period)}};
                         },
                         [&](const any_of_rule&) {
                           j = json{{"kind", "any_of"}};
                         },
                         [&](const all_of_rule&) {
                           j = json{{"kind", "all_of"}};
                         }},
      p.rule());
  if (p.is_combination()) {
    json list = json::array();
    for (const auto& c : p.children()) {
      list.push_back(to_json(c));
    }
    j["policies"] = std::move(list);
  }
  if (p.name() != p.describe()) {
    j["name"] = p.name();
  }
  return j;
}

template <class>
policy policy_from_json(const json_reader& r) {
  return detail::policy_at_depth<>(r, 0);
}

namespace detail {

template <class>
policy policy_at_depth(const json_reader& r, int depth) {
  if (depth > max_policy_depth) {
    throw format_error("corrupt", r.where("policies") + ": any_of/all_of nest deeper than " +
                                      std::to_string(max_policy_depth) + " levels");
  }
  const std::string& kind = r.text("kind");
  const std::string name = r.has("name") ? r.text("name") : std::string();
  const auto with = [&](std::initializer_list<std::string_view> fields) {
    r.allow_fields(fields, {"kind", "name"});
  };
  const auto made = [&](policy::rule_type rule, std::vector<policy> children = {}) {
    return policy(std::move(rule), std::move(children), name);
  };
  if (kind == "threshold") {
    with({"signal", "trip", "reset", "worse", "min_samples"});
    return made(threshold_rule{r.text("signal"), r.finite("trip"), r.finite("reset"),
                               detail::worse_of(r), r.count("min_samples")});
  }
  if (kind == "consecutive") {
    with({"signal", "level", "windows", "worse"});
    return made(consecutive_rule{r.text("signal"), r.finite("level"), r.count("windows", 1 << 20),
                                 detail::worse_of(r)});
  }
  if (kind == "rate") {
    with({"signal", "max_rate", "seconds", "min_samples"});
    return made(rate_rule{r.text("signal"), r.finite("max_rate"), detail::duration_of(r, "seconds"),
                          r.count("min_samples")});
  }
  if (kind == "drift") {
    with({"signal", "features", "windows", "of"});
    return made(drift_rule{r.text("signal"), r.count("features", 1 << 20),
                           r.count("windows", 1 << 20), r.count("of", 1 << 20)});
  }
  if (kind == "detector") {
    with({"signal", "detector", "settings"});
    detector_rule d{r.text("signal"), r.text("detector"), {}};
    const auto settings = r.object("settings");
    for (auto it = settings.value().begin(); it != settings.value().end(); ++it) {
      d.settings.emplace_back(it.key(), settings.text(it.key()));
    }
    return made(std::move(d));
  }
  if (kind == "baseline") {
    with({"signal", "tolerance", "worse", "relative", "min_samples"});
    return made(baseline_rule{r.text("signal"), r.finite("tolerance"), detail::worse_of(r),
                              r.flag("relative"), r.count("min_samples")});
  }
  if (kind == "grace") {
    with({"signal", "samples", "seconds"});
    return made(
        grace_rule{r.text("signal"), r.count("samples"), detail::duration_of(r, "seconds")});
  }
  if (kind == "cooldown") {
    with({"seconds"});
    return made(cooldown_rule{detail::duration_of(r, "seconds")});
  }
  if (kind == "limit") {
    with({"rollbacks", "seconds"});
    return made(limit_rule{r.count("rollbacks", 1 << 20), detail::duration_of(r, "seconds")});
  }
  if (kind == "any_of" || kind == "all_of") {
    with({"policies"});
    std::vector<policy> children;
    for (const auto& c : r.objects("policies")) {
      children.push_back(detail::policy_at_depth<>(c, depth + 1));
    }
    if (children.empty()) {
      throw format_error("corrupt", r.where("policies") + ": expected at least one policy");
    }
    return kind == "any_of" ? made(any_of_rule{}, std::move(children))
                            : made(all_of_rule{}, std::move(children));
  }
  throw format_error("corrupt", r.where("kind") + ": unknown policy kind \"" + kind +
                                    "\" (known: threshold, consecutive, rate, drift, detector, "
                                    "baseline, grace, cooldown, limit, any_of, all_of)");
}

} // namespace detail

} // namespace mlguard::rollback

namespace mlguard::rollback::detail {

template <class>
double seconds(std::chrono::nanoseconds d) {
  return static_cast<double>(d.count()) / 1e9;
}

template <class>
std::string number_text(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

template <class>
void require(bool ok, const std::string& what) {
  if (!ok) {
    throw rollback_error("invalid_option", what);
  }
}

template <class>
void require_signal(const std::string& signal, const char* kind) {
  require(!signal.empty(), std::string(kind) + ": the signal name is empty");
}

template <class>
void require_duration(std::chrono::nanoseconds d, const char* kind, bool positive) {
  require(positive ? d.count() > 0 : d.count() >= 0,
          std::string(kind) + ": the duration must be " + (positive ? "positive" : "≥ 0"));
}

template <class>
std::chrono::nanoseconds duration_of(const json_reader& r, std::string_view field) {
  const double s = r.finite(field);
  if (!(s >= 0.0 && s <= 1e9)) {
    throw format_error("corrupt", r.where(field) + ": expected seconds in [0, 1e9]");
  }
  return std::chrono::nanoseconds(static_cast<std::int64_t>(std::llround(s * 1e9)));
}

template <class>
worse worse_of(const json_reader& r) {
  const auto& w = r.text("worse");
  if (w != "above" && w != "below") {
    throw format_error("corrupt", r.where("worse") + ": expected \"above\" or \"below\"");
  }
  return w == "above" ? worse::above : worse::below;
}

} // namespace mlguard::rollback::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_ROLLBACK_DETAIL_POLICY_IMPL_HPP
