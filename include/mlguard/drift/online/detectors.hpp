#ifndef MLGUARD_DRIFT_ONLINE_DETECTORS_HPP
#define MLGUARD_DRIFT_ONLINE_DETECTORS_HPP

// The list of mlguard's online drift detectors, for code that picks one at
// run time by name: a service reading its configuration, the `mlguard
// detect` command. any_detector is the one place a detector is registered;
// everything here (names, making one from name=value settings, loading a
// saved one) follows from that list and each detector's option table.
//
// Adding a detector: write drift/online/<name>.hpp (a class deriving from
// detector_base, with its option table; see detector_base.hpp), include it
// below and add it to any_detector.
//
// The functions take the list as a template parameter (any_detector by
// default), so a program can also run them over its own list, say
// std::variant<adwin, my_detector>; and a program that includes this header
// without calling them does not compile them.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/drift/online/adwin.hpp"
#include "mlguard/drift/online/ddm.hpp"
#include "mlguard/drift/online/eddm.hpp"
#include "mlguard/drift/online/hddm_a.hpp"
#include "mlguard/drift/online/hddm_w.hpp"
#include "mlguard/drift/online/kswin.hpp"
#include "mlguard/drift/online/page_hinkley.hpp"

namespace mlguard::drift::online {

/// Any one of the online detectors; the list of them all.
using any_detector = std::variant<adwin, ddm, eddm, hddm_a, hddm_w, kswin, page_hinkley>;

/// Stands for the detector type D in for_each_detector.
template <typename D>
struct detector_tag {
  using type = D;
};

namespace detail {
template <typename List, typename Fn, std::size_t... I>
void for_each_alternative(Fn& fn, std::index_sequence<I...>) {
  (fn(detector_tag<std::variant_alternative_t<I, List>>{}), ...);
}
} // namespace detail

/// Calls fn(detector_tag<D>{}) for every detector type D of `List` (a
/// std::variant of detectors), in order.
template <typename List = any_detector, typename Fn>
void for_each_detector(Fn&& fn) {
  detail::for_each_alternative<List>(fn, std::make_index_sequence<std::variant_size_v<List>>{});
}

/// The detectors' names ("adwin", "ddm", ...), in list order.
template <typename List = any_detector>
std::vector<std::string_view> detector_names() {
  std::vector<std::string_view> names;
  for_each_detector<List>([&](auto tag) { names.push_back(decltype(tag)::type::name); });
  return names;
}

/// One setting of make_detector: an option's name and its value as text.
using option_setting = std::pair<std::string, std::string>;

/// The detector called `name`, with River's defaults changed by `settings`
/// (read as D::set_option reads them). Throws drift_error
/// mlguard.drift.invalid_option for an unknown detector, an unknown option, a
/// malformed value or one outside its range.
template <typename List = any_detector>
List make_detector(std::string_view name, const std::vector<option_setting>& settings = {}) {
  std::optional<List> made;
  for_each_detector<List>([&](auto tag) {
    using D = typename decltype(tag)::type;
    if (!made && name == D::name) {
      typename D::options_type options;
      for (const auto& [option, value] : settings) {
        D::set_option(options, option, value);
      }
      made.emplace(std::in_place_type<D>, options);
    }
  });
  if (!made) {
    std::string known;
    for (auto n : detector_names<List>()) {
      known.append(known.empty() ? "" : ", ").append(n);
    }
    throw drift_error("invalid_option",
                      "unknown detector \"" + std::string(name) + "\" (known: " + known + ")");
  }
  return std::move(*made);
}

/// Restores a detector from what its to_json() wrote, whichever it is (the
/// document's "detector" says). Throws format_error as the detectors'
/// from_json, and mlguard.format.wrong_kind when "detector" names none of them.
template <typename List = any_detector>
List load_detector(const json& document, std::string_view source) {
  const json_reader r = json_reader::document(document, online_detector_format, std::string(source),
                                              {"detector", "params", "state"});
  const std::string& stored = r.text("detector");
  std::optional<List> loaded;
  for_each_detector<List>([&](auto tag) {
    using D = typename decltype(tag)::type;
    if (!loaded && stored == D::name) {
      loaded.emplace(D::from_json(document, source));
    }
  });
  if (!loaded) {
    throw format_error("wrong_kind", r.where("detector") + ": \"" + stored +
                                         "\" is not an online detector of this mlguard");
  }
  return std::move(*loaded);
}

/// The name of the detector `d` (an any_detector, or another list) holds.
template <typename List>
std::string_view detector_name(const List& d) noexcept {
  return std::visit([](const auto& x) { return std::decay_t<decltype(x)>::name; }, d);
}

} // namespace mlguard::drift::online

#endif // MLGUARD_DRIFT_ONLINE_DETECTORS_HPP
