#ifndef MLGUARD_EXPLAIN_BACKGROUND_HPP
#define MLGUARD_EXPLAIN_BACKGROUND_HPP

// The background of a linear explanation: E[x] of every feature the model
// stage reads (the pipeline's transformed features), measured on the
// training rows. SHAP's LinearExplainer takes the same vector from its
// background data; mlguard measures it once, when a bundle is made, and keeps
// it as the bundle member background.json.

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/json.hpp"

namespace mlguard::explain {

/// The document format of a background: "mlguard.explanation_background", version 1.
inline constexpr document_format background_format{"mlguard.explanation_background", 1};

/// The training means of a linear model's input features (after every
/// preprocessing stage), one per name, and the rows they were measured on.
/// Empty (no names): no background, nothing to explain with.
template <class = void> // deferred: see core/json.hpp
struct basic_background {
  /// The model stage's input features, in order.
  std::vector<std::string> features;
  /// Their means over the training rows that score.
  std::vector<double> mean;
  /// The number of training rows measured.
  std::uint64_t rows = 0;

  bool empty() const noexcept { return features.empty(); }

  /// {"format", "format_version", "features", "mean", "rows"}.
  json to_json() const;
  /// Reads what to_json wrote. Throws format_error (mlguard.format.corrupt,
  /// wrong_kind, newer_version, unknown_field; corrupt also when the two
  /// lists differ in length).
  static basic_background from_json(const json& doc, std::string_view source = "background");
};

/// The type to name (a class template only so that its bodies compile where used).
using background = basic_background<>;

} // namespace mlguard::explain

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::explain {

template <class V>
MLGUARD_INLINE auto basic_background<V>::to_json() const -> json {
  json j = new_document(background_format);
  j["features"] = features;
  j["mean"] = json_numbers(mean);
  j["rows"] = rows;
  return j;
}

template <class V>
MLGUARD_INLINE auto basic_background<V>::from_json(const json& doc, std::string_view source)
    -> basic_background {
  const auto r = json_reader::document(doc, background_format, std::string(source),
                                       {"features", "mean", "rows"});
  basic_background b;
  b.features = r.texts("features");
  b.mean = r.numbers("mean");
  b.rows =
      static_cast<std::uint64_t>(r.integer("rows", 0, std::numeric_limits<std::int64_t>::max()));
  if (b.mean.size() != b.features.size()) {
    r.fail("mean", "expected one mean per feature");
  }
  return b;
}

} // namespace mlguard::explain

#endif // MLGUARD_COMPILED
#endif // MLGUARD_EXPLAIN_BACKGROUND_HPP
