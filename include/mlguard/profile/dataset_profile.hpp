#ifndef MLGUARD_PROFILE_DATASET_PROFILE_HPP
#define MLGUARD_PROFILE_DATASET_PROFILE_HPP

// The mergeable profile of a whole table: one feature_profile per column,
// keyed by column name, persisted as the versioned "profile" JSON document.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/core/table.hpp"
#include "mlguard/profile/feature_profile.hpp"

namespace mlguard::profile {

/// Profiles of every column of a stream of tables (batches).
///
/// - Every feature counts every row: a column that a batch lacks counts as
///   missing for that batch's rows, and a column that first appears in a later
///   batch counts as missing for the rows before it. So for each feature
///   count() == rows().
/// - merge(profile(A), profile(B)) equals profile(A ∪ B) as feature_profile
///   describes, feature by feature; features are matched by name.
/// - Kind conflicts: a feature numeric in one batch or profile and
///   categorical in another (a CSV column that holds text in one month) throws
///   profile_error (mlguard.profile.kind_mismatch) naming the feature, unless
///   one side holds only missing values. Nothing is changed when it throws
///   from merge (the profile is checked first).
/// - JSON: {"format": "profile", "format_version": 1, "rows", "options",
///   "columns" (names in first-seen order), "features" (name → feature
///   profile)}; the same input and seed give the same bytes.
/// - Threads: not synchronised; one profile per thread, then merge.
class dataset_profile {
public:
  /// The JSON format version written by to_json.
  static constexpr std::int64_t format_version = 1;

  /// An empty profile whose features will use `options`.
  explicit dataset_profile(const profile_options& options = {}) : options_(options) {}

  /// The profile of one table.
  static dataset_profile of(const table& data, const profile_options& options = {}) {
    dataset_profile p(options);
    p.update(data);
    return p;
  }

  /// Adds a batch of rows. Throws profile_error (mlguard.profile.kind_mismatch)
  /// when a column's kind conflicts with its feature's; the profile is then
  /// unchanged.
  void update(const table& batch) {
    for (const auto& c : batch) {
      const auto it = features_.find(c.name());
      if (it != features_.end() && it->second.kind() != c.kind() &&
          it->second.present_count() > 0 && c.missing_count() < c.size()) {
        throw kind_conflict(c.name(), it->second.kind(), c.kind());
      }
    }
    const auto rows = static_cast<std::uint64_t>(batch.rows());
    for (const auto& c : batch) {
      feature(c.name(), c.kind()).update(c);
    }
    for (auto& [name, profile] : features_) {
      if (batch.find(name) == nullptr) {
        profile.update_missing(rows);
      }
    }
    rows_ += rows;
  }

  /// Folds `other` in. Throws profile_error (mlguard.profile.kind_mismatch)
  /// naming the feature, or mlguard.profile.incompatible_sketches; the
  /// profile is then unchanged.
  void merge(const dataset_profile& other) {
    if (&other == this) {
      const dataset_profile copy(other);
      merge(copy);
      return;
    }
    for (const auto& [name, theirs] : other.features_) {
      const auto it = features_.find(name);
      if (it == features_.end()) {
        continue;
      }
      const auto& ours = it->second;
      if (ours.kind() != theirs.kind() && ours.present_count() > 0 && theirs.present_count() > 0) {
        throw kind_conflict(name, ours.kind(), theirs.kind());
      }
      if (ours.distinct().precision() != theirs.distinct().precision()) {
        throw profile_error("incompatible_sketches",
                            "feature '" + name + "': distinct-count precisions differ");
      }
    }
    for (const auto& name : other.columns_) {
      const auto& theirs = other.features_.at(name);
      auto& ours = feature(name, theirs.kind());
      ours.merge(theirs);
    }
    for (auto& [name, profile] : features_) {
      if (other.features_.count(name) == 0) {
        profile.update_missing(other.rows_);
      }
    }
    rows_ += other.rows_;
  }

  /// The number of rows profiled.
  std::uint64_t rows() const noexcept { return rows_; }
  /// The number of features.
  std::size_t size() const noexcept { return features_.size(); }
  /// The options new features are built with.
  const profile_options& options() const noexcept { return options_; }
  /// Feature names in the order they were first seen.
  const std::vector<std::string>& columns() const noexcept { return columns_; }
  /// The features by name.
  const std::map<std::string, feature_profile, std::less<>>& features() const noexcept {
    return features_;
  }
  /// The feature called `name`, or nullptr.
  const feature_profile* find(std::string_view name) const {
    const auto it = features_.find(name);
    return it == features_.end() ? nullptr : &it->second;
  }
  /// The feature called `name`. Throws profile_error (mlguard.profile.unknown_feature).
  const feature_profile& at(std::string_view name) const {
    if (const auto* p = find(name)) {
      return *p;
    }
    throw profile_error("unknown_feature",
                        "the profile has no feature '" + std::string(name) + "'");
  }

  /// The profile as the versioned "profile" document (see the class comment).
  json to_json() const {
    json features = json::object();
    for (const auto& [name, profile] : features_) {
      features[name] = profile.to_json();
    }
    json options = json::object();
    options["kll_k"] = options_.kll_k;
    options["seed"] = sketch::detail::hex64(options_.seed);
    options["frequent_items_capacity"] = options_.frequent_items_capacity;
    options["distinct_precision"] = options_.distinct_precision;
    json j = json::object();
    j["format"] = "profile";
    j["format_version"] = format_version;
    j["rows"] = rows_;
    j["options"] = std::move(options);
    j["columns"] = columns_;
    j["features"] = std::move(features);
    return j;
  }

  /// The profile as JSON text (`indent` < 0: one line).
  std::string dump(int indent = -1) const { return to_json().dump(indent); }

  /// Reads a "profile" document. `source` names the input in errors (a path).
  /// Throws format_error: mlguard.format.corrupt (ill-typed or inconsistent
  /// fields, a feature whose count differs from rows, a bad sketch),
  /// mlguard.format.unknown_field, mlguard.format.wrong_kind (another kind
  /// of document), mlguard.format.newer_version.
  static dataset_profile from_json(const json& document, std::string_view source = "profile") {
    check_format(document, "profile", format_version, source);
    check_known_fields(
        document, {"format", "format_version", "rows", "options", "columns", "features"}, source);
    auto fail = [&](const std::string& what) {
      throw format_error("corrupt", std::string(source) + ": " + what);
    };
    const auto rows = document.find("rows");
    if (rows == document.end() || !rows->is_number_unsigned()) {
      fail("field \"rows\" must be a non-negative integer");
    }
    const auto opts = document.find("options");
    if (opts == document.end() || !opts->is_object()) {
      fail("field \"options\" must be an object");
    }
    const std::string options_source = std::string(source) + ".options";
    check_known_fields(*opts, {"kll_k", "seed", "frequent_items_capacity", "distinct_precision"},
                       options_source);
    profile_options options;
    auto option = [&](const char* name, std::uint64_t lo, std::uint64_t hi) -> std::uint64_t {
      const auto it = opts->find(name);
      if (it == opts->end() || !it->is_number_unsigned() ||
          it->template get<std::uint64_t>() < lo || it->template get<std::uint64_t>() > hi) {
        fail(std::string("option \"") + name + "\" must be an integer in [" + std::to_string(lo) +
             ", " + std::to_string(hi) + "]");
      }
      return it->template get<std::uint64_t>();
    };
    options.kll_k = static_cast<std::uint16_t>(option("kll_k", 8, 65535));
    options.frequent_items_capacity =
        static_cast<std::size_t>(option("frequent_items_capacity", 2, std::uint64_t{1} << 32));
    options.distinct_precision = static_cast<unsigned>(option("distinct_precision", 4, 18));
    const auto seed = opts->find("seed");
    if (seed == opts->end() || !sketch::detail::parse_hex64(*seed, options.seed)) {
      fail("option \"seed\" must be 16 lowercase hex digits");
    }

    dataset_profile p(options);
    p.rows_ = rows->get<std::uint64_t>();
    const auto columns = document.find("columns");
    const auto features = document.find("features");
    if (columns == document.end() || !columns->is_array()) {
      fail("field \"columns\" must be an array of names");
    }
    if (features == document.end() || !features->is_object() ||
        features->size() != columns->size()) {
      fail("field \"features\" must be an object with one entry per column");
    }
    for (const auto& name : *columns) {
      if (!name.is_string()) {
        fail("field \"columns\" must be an array of names");
      }
      const auto& key = name.get_ref<const std::string&>();
      const auto entry = features->find(key);
      if (entry == features->end() || p.features_.count(key) > 0) {
        fail("column '" + key + "' is duplicated or has no feature profile");
      }
      auto profile =
          feature_profile::from_json(*entry, std::string(source) + ".features." + key, options);
      if (profile.count() != p.rows_) {
        fail("feature '" + key + "' counts " + std::to_string(profile.count()) +
             " values, the profile " + std::to_string(p.rows_) + " rows");
      }
      p.columns_.push_back(key);
      p.features_.emplace(key, std::move(profile));
    }
    return p;
  }

  /// Parses and reads profile JSON text; throws as parse_json and from_json.
  static dataset_profile parse(std::string_view text, std::string_view source = "profile") {
    return from_json(parse_json(text, source), source);
  }

  /// Equality of rows, options and every feature (column order ignored).
  friend bool operator==(const dataset_profile& a, const dataset_profile& b) {
    return a.rows_ == b.rows_ && a.options_ == b.options_ && a.features_ == b.features_;
  }
  friend bool operator!=(const dataset_profile& a, const dataset_profile& b) { return !(a == b); }

private:
  static profile_error kind_conflict(const std::string& name, column_kind ours,
                                     column_kind theirs) {
    return profile_error("kind_mismatch", "feature '" + name + "' is " + to_string(ours) +
                                              " in one profile and " + to_string(theirs) +
                                              " in the other; profile the column with one kind "
                                              "(e.g. read it as text everywhere) before merging");
  }

  feature_profile& feature(const std::string& name, column_kind kind) {
    auto it = features_.find(name);
    if (it == features_.end()) {
      it = features_.emplace(name, feature_profile(kind, options_)).first;
      it->second.update_missing(rows_);
      columns_.push_back(name);
    }
    return it->second;
  }

  profile_options options_;
  std::uint64_t rows_ = 0;
  std::vector<std::string> columns_;
  std::map<std::string, feature_profile, std::less<>> features_;
};

/// nlohmann ADL hook: `json j = profile;`
inline void to_json(json& j, const dataset_profile& profile) { j = profile.to_json(); }
/// nlohmann ADL hook. Throws as dataset_profile::from_json.
inline void from_json(const json& j, dataset_profile& profile) {
  profile = dataset_profile::from_json(j);
}

} // namespace mlguard::profile

#endif // MLGUARD_PROFILE_DATASET_PROFILE_HPP
