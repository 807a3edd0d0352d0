#ifndef MLGUARD_SERVING_FEATURE_LAYOUT_HPP
#define MLGUARD_SERVING_FEATURE_LAYOUT_HPP

// The order of a request's features: one list of names and kinds that the
// schema, the pipeline's inputs and the monitors all follow, checked once when
// a bundle opens so that no request is ever read in the wrong order.

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/validate/feature_spec.hpp"
#include "mlguard/validate/schema.hpp"

namespace mlguard::serving {

/// One feature of a layout.
struct layout_feature {
  std::string name;
  validate::feature_kind kind = validate::feature_kind::numeric;

  friend bool operator==(const layout_feature& a, const layout_feature& b) {
    return a.name == b.name && a.kind == b.kind;
  }
  friend bool operator!=(const layout_feature& a, const layout_feature& b) { return !(a == b); }
};

/// The ordered features of a request row (categorical values as codes in the
/// schema's vocabulary, as validate_row reads them).
template <class = void> // deferred: see core/json.hpp
class basic_feature_layout {
public:
  static constexpr document_format format{"mlguard.feature_layout", 1};

  /// An empty layout.
  basic_feature_layout() = default;
  /// A layout of these features, in this order. Throws serving_error
  /// (mlguard.serving.layout_mismatch) for an empty or repeated name.
  explicit basic_feature_layout(std::vector<layout_feature> features);

  /// The schema's features, in schema order.
  static basic_feature_layout of(const validate::schema& s);

  std::size_t size() const noexcept { return features_.size(); }
  bool empty() const noexcept { return features_.empty(); }
  const layout_feature& operator[](std::size_t i) const noexcept { return features_[i]; }
  const std::vector<layout_feature>& features() const noexcept { return features_; }
  auto begin() const noexcept { return features_.begin(); }
  auto end() const noexcept { return features_.end(); }

  /// The names, in layout order.
  std::vector<std::string> names() const;

  /// The position of `name`, or nothing.
  std::optional<std::size_t> index_of(std::string_view name) const noexcept;

  /// Checks that `names` (what `who` expects, e.g. "the pipeline's inputs")
  /// are the layout's names in the layout's order. Throws serving_error
  /// (mlguard.serving.layout_mismatch) naming the first missing, extra or
  /// misplaced feature.
  void check_names(const std::vector<std::string>& names, std::string_view who) const;

  /// Checks that the schema has the layout's features, in order, of the same
  /// kinds. Throws serving_error (mlguard.serving.layout_mismatch) naming the feature.
  void check_schema(const validate::schema& s) const;

  /// {"format", "format_version", "features": [{"name", "kind"}]}.
  json to_json() const;

  /// The inverse of to_json. Throws format_error (mlguard.format.*) naming the
  /// field, and serving_error (layout_mismatch) for repeated names.
  static basic_feature_layout from_json(const json& document, const std::string& source = "layout");

  friend bool operator==(const basic_feature_layout& a, const basic_feature_layout& b) {
    return a.features_ == b.features_;
  }
  friend bool operator!=(const basic_feature_layout& a, const basic_feature_layout& b) {
    return !(a == b);
  }

private:
  static serving_error mismatch(std::string_view who, const std::string& what);

  static validate::feature_kind kind_from(const json_reader& item);

  std::vector<layout_feature> features_;
};

/// The type to name (a class template only so that its bodies compile where used).
using feature_layout = basic_feature_layout<>;

} // namespace mlguard::serving

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::serving {

template <class V>
MLGUARD_INLINE basic_feature_layout<V>::basic_feature_layout(std::vector<layout_feature> features)
    : features_(std::move(features)) {
  for (std::size_t i = 0; i < features_.size(); ++i) {
    if (features_[i].name.empty()) {
      throw serving_error("layout_mismatch", "feature " + std::to_string(i) + " has no name");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (features_[j].name == features_[i].name) {
        throw serving_error("layout_mismatch",
                            "feature '" + features_[i].name + "' appears twice in the layout");
      }
    }
  }
}

template <class V>
MLGUARD_INLINE auto basic_feature_layout<V>::of(const validate::schema& s) -> basic_feature_layout {
  std::vector<layout_feature> f;
  f.reserve(s.size());
  for (const auto& spec : s.features()) {
    f.push_back({spec.name, spec.kind});
  }
  return basic_feature_layout(std::move(f));
}

template <class V>
MLGUARD_INLINE auto basic_feature_layout<V>::names() const -> std::vector<std::string> {
  std::vector<std::string> out;
  out.reserve(features_.size());
  for (const auto& f : features_) {
    out.push_back(f.name);
  }
  return out;
}

template <class V>
MLGUARD_INLINE auto basic_feature_layout<V>::index_of(std::string_view name) const noexcept
    -> std::optional<std::size_t> {
  for (std::size_t i = 0; i < features_.size(); ++i) {
    if (features_[i].name == name) {
      return i;
    }
  }
  return std::nullopt;
}

template <class V>
MLGUARD_INLINE auto basic_feature_layout<V>::check_names(const std::vector<std::string>& names,
                                                         std::string_view who) const -> void {
  for (const auto& f : features_) {
    if (std::find(names.begin(), names.end(), f.name) == names.end()) {
      throw mismatch(who, "lacks feature '" + f.name + "' of the layout");
    }
  }
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!index_of(names[i])) {
      throw mismatch(who, "has feature '" + names[i] + "', which the layout lacks");
    }
    if (features_[i].name != names[i]) {
      throw mismatch(who, "has feature '" + names[i] + "' at position " + std::to_string(i) +
                              ", the layout has '" + features_[i].name + "' there");
    }
  }
}

template <class V>
MLGUARD_INLINE auto basic_feature_layout<V>::check_schema(const validate::schema& s) const -> void {
  std::vector<std::string> names;
  for (const auto& spec : s.features()) {
    names.push_back(spec.name);
  }
  check_names(names, "the schema");
  for (std::size_t i = 0; i < features_.size(); ++i) {
    if (s[i].kind != features_[i].kind) {
      throw mismatch("the schema", "says feature '" + features_[i].name + "' is " +
                                       to_string(s[i].kind) + ", the layout says " +
                                       to_string(features_[i].kind));
    }
  }
}

template <class V>
MLGUARD_INLINE auto basic_feature_layout<V>::to_json() const -> json {
  json doc = new_document(format);
  json list = json::array();
  for (const auto& f : features_) {
    list.push_back({{"name", f.name}, {"kind", to_string(f.kind)}});
  }
  doc["features"] = std::move(list);
  return doc;
}

template <class V>
MLGUARD_INLINE auto basic_feature_layout<V>::from_json(const json& document,
                                                       const std::string& source)
    -> basic_feature_layout {
  const auto r = json_reader::document(document, format, source, {"features"});
  std::vector<layout_feature> f;
  for (const auto& item : r.objects("features")) {
    item.allow_fields({"name", "kind"});
    f.push_back({item.text("name"), kind_from(item)});
  }
  return basic_feature_layout(std::move(f));
}

template <class V>
MLGUARD_INLINE auto basic_feature_layout<V>::mismatch(std::string_view who, const std::string& what)
    -> serving_error {
  return serving_error("layout_mismatch", std::string(who) + " " + what);
}

template <class V>
MLGUARD_INLINE auto basic_feature_layout<V>::kind_from(const json_reader& item)
    -> validate::feature_kind {
  const std::string& s = item.text("kind");
  for (auto k : {validate::feature_kind::numeric, validate::feature_kind::integer,
                 validate::feature_kind::categorical, validate::feature_kind::boolean}) {
    if (s == to_string(k)) {
      return k;
    }
  }
  throw format_error("corrupt", item.where("kind") + ": unknown feature kind '" + s + "'");
}

} // namespace mlguard::serving

#endif // MLGUARD_COMPILED
#endif // MLGUARD_SERVING_FEATURE_LAYOUT_HPP
