#ifndef MLGUARD_PROFILE_DATASET_PROFILE_HPP
#define MLGUARD_PROFILE_DATASET_PROFILE_HPP

// The mergeable profile of a whole table: one feature_profile per column,
// keyed by column name, persisted as the "mlguard.profile" JSON document.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/core/table.hpp"
#include "mlguard/profile/feature_profile.hpp"
#include "mlguard/sketch/detail/json.hpp"
#include "mlguard/sketch/distinct_count.hpp"
#include "mlguard/sketch/frequent_items.hpp"
#include "mlguard/sketch/kll_sketch.hpp"

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
/// - JSON: {"format": "mlguard.profile", "format_version": 1, "rows",
///   "options", "columns" (names in first-seen order), "features" (name →
///   feature profile)}; the same input and seed give the same bytes.
///   Documents mlguard 0.1 wrote ("format": "profile", sketches named
///   "kll_sketch", ...) still read.
/// - Threads: not synchronised; one profile per thread, then merge.
template <class = void> // deferred: see core/json.hpp
class basic_dataset_profile {
public:
  /// The document a profile is saved as: "mlguard.profile", version 1
  /// (mlguard 0.1 wrote "profile", still read).
  static constexpr document_format format{"mlguard.profile", 1, "profile"};

  /// An empty profile whose features will use `options`.
  explicit basic_dataset_profile(const profile_options& options = {}) : options_(options) {}

  /// The profile of one table.
  static basic_dataset_profile of(const table& data, const profile_options& options = {});

  /// Adds a batch of rows. Throws profile_error (mlguard.profile.kind_mismatch)
  /// when a column's kind conflicts with its feature's; the profile is then
  /// unchanged.
  void update(const table& batch);

  /// Folds `other` in. Throws profile_error (mlguard.profile.kind_mismatch)
  /// naming the feature, mlguard.profile.incompatible_sketches, or
  /// mlguard.profile.count_overflow (more than 2^64 - 1 rows together); the
  /// profile is then unchanged.
  void merge(const basic_dataset_profile& other);

  /// The number of rows profiled.
  std::uint64_t rows() const noexcept { return rows_; }
  /// The number of features.
  std::size_t size() const noexcept { return features_.size(); }
  /// The options new features are built with.
  const profile_options& options() const noexcept { return options_; }
  /// Feature names in the order they were first seen.
  const std::vector<std::string>& columns() const noexcept { return columns_; }
  /// The features, in the order of columns().
  const std::vector<feature_profile>& features() const noexcept { return features_; }
  /// The feature called `name`, or nullptr. O(log size()).
  const feature_profile* find(std::string_view name) const noexcept;
  /// The feature called `name`. Throws profile_error (mlguard.profile.unknown_feature).
  const feature_profile& at(std::string_view name) const;

  /// The profile as a "mlguard.profile" document (see the class comment).
  json to_json() const;

  /// The profile as JSON text (`indent` < 0: one line).
  std::string dump(int indent = -1) const { return dump_json(to_json(), indent); }

  /// Reads a "mlguard.profile" document (or mlguard 0.1's "profile").
  /// `source` names the input in errors (a path); messages give the field
  /// path, e.g. `p.json: features.fare.quantiles.levels[2]: expected an item`.
  /// Throws format_error: mlguard.format.corrupt (ill-typed or inconsistent
  /// fields, a feature whose count differs from rows, a bad sketch),
  /// mlguard.format.unknown_field, mlguard.format.wrong_kind (another kind
  /// of document), mlguard.format.newer_version.
  static basic_dataset_profile from_json(const json& document,
                                         const std::string& source = "profile");

  /// Parses and reads profile JSON text; throws as parse_json and from_json.
  static basic_dataset_profile parse(std::string_view text, const std::string& source = "profile");

  /// Writes the profile document to `path` atomically (save_json).
  /// Throws io_error (mlguard.io.write_failed).
  void save(const std::string& path) const { save_json(path, to_json()); }
  /// Reads a profile document from `path` (load_json, then from_json).
  /// Throws io_error (mlguard.io.open_failed, read_failed) and from_json's errors.
  static basic_dataset_profile load(const std::string& path);

  /// Equality of rows, options and every feature (column order ignored).
  friend bool operator==(const basic_dataset_profile& a, const basic_dataset_profile& b) {
    if (a.rows_ != b.rows_ || !(a.options_ == b.options_) || a.size() != b.size()) {
      return false;
    }
    for (std::size_t i = 0; i < a.features_.size(); ++i) {
      const auto* theirs = b.find(a.columns_[i]);
      if (theirs == nullptr || !(a.features_[i] == *theirs)) {
        return false;
      }
    }
    return true;
  }
  friend bool operator!=(const basic_dataset_profile& a, const basic_dataset_profile& b) {
    return !(a == b);
  }

private:
  static profile_error kind_conflict(const std::string& name, column_kind ours, column_kind theirs);

  // The position in by_name_ of the first name not less than `name`.
  std::size_t lower_bound(std::string_view name) const noexcept;

  // Appends feature `name` (not yet present).
  feature_profile& add(const std::string& name, feature_profile profile);

  // The feature called `name`, added (missing for the rows so far) when new.
  feature_profile& feature(const std::string& name, column_kind kind);

  profile_options options_;
  std::uint64_t rows_ = 0;
  std::vector<std::string> columns_;      // first-seen order
  std::vector<feature_profile> features_; // in the order of columns_
  std::vector<std::size_t> by_name_;      // indices into columns_, sorted by name
};

/// The type to name (a class template only so that its bodies compile where used).
using dataset_profile = basic_dataset_profile<>;

/// nlohmann ADL hook: `json j = profile;`
template <class = void>
void to_json(json& j, const dataset_profile& profile);
/// nlohmann ADL hook. Throws as dataset_profile::from_json.
template <class = void>
void from_json(const json& j, dataset_profile& profile);

} // namespace mlguard::profile

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::profile {

template <class V>
MLGUARD_INLINE auto basic_dataset_profile<V>::of(const table& data, const profile_options& options)
    -> basic_dataset_profile {
  basic_dataset_profile p(options);
  p.update(data);
  return p;
}

template <class V>
MLGUARD_INLINE auto basic_dataset_profile<V>::update(const table& batch) -> void {
  for (const auto& c : batch) {
    const auto* ours = find(c.name());
    if (ours != nullptr && ours->kind() != c.kind() && ours->present_count() > 0 &&
        c.missing_count() < c.size()) {
      throw kind_conflict(c.name(), ours->kind(), c.kind());
    }
  }
  const auto rows = static_cast<std::uint64_t>(batch.rows());
  const std::size_t known = features_.size();
  for (const auto& c : batch) {
    feature(c.name(), c.kind()).update(c);
  }
  for (std::size_t i = 0; i < known; ++i) {
    if (batch.find(columns_[i]) == nullptr) {
      features_[i].update_missing(rows);
    }
  }
  rows_ += rows;
}

template <class V>
MLGUARD_INLINE auto basic_dataset_profile<V>::merge(const basic_dataset_profile& other) -> void {
  // Every feature counts rows() values, so this bounds every count inside.
  if (other.rows_ > std::numeric_limits<std::uint64_t>::max() - rows_) {
    sketch::detail::throw_count_overflow("dataset_profile", "2^64 - 1 rows");
  }
  if (&other == this) { // every feature with itself: nothing can conflict
    for (auto& f : features_) {
      f.merge(f);
    }
    rows_ += rows_;
    return;
  }
  for (std::size_t j = 0; j < other.features_.size(); ++j) {
    const auto* ours = find(other.columns_[j]);
    const auto& theirs = other.features_[j];
    if (ours == nullptr) {
      continue;
    }
    if (ours->kind() != theirs.kind() && ours->present_count() > 0 && theirs.present_count() > 0) {
      throw kind_conflict(other.columns_[j], ours->kind(), theirs.kind());
    }
    if (ours->distinct().precision() != theirs.distinct().precision()) {
      throw profile_error("incompatible_sketches",
                          "feature '" + other.columns_[j] + "': distinct-count precisions differ");
    }
  }
  const std::size_t known = features_.size();
  for (std::size_t j = 0; j < other.features_.size(); ++j) {
    feature(other.columns_[j], other.features_[j].kind()).merge(other.features_[j]);
  }
  for (std::size_t i = 0; i < known; ++i) {
    if (other.find(columns_[i]) == nullptr) {
      features_[i].update_missing(other.rows_);
    }
  }
  rows_ += other.rows_;
}

template <class V>
MLGUARD_INLINE auto basic_dataset_profile<V>::find(std::string_view name) const noexcept
    -> const feature_profile* {
  const std::size_t i = lower_bound(name);
  return i < by_name_.size() && columns_[by_name_[i]] == name ? &features_[by_name_[i]] : nullptr;
}

template <class V>
MLGUARD_INLINE auto basic_dataset_profile<V>::at(std::string_view name) const
    -> const feature_profile& {
  if (const auto* p = find(name)) {
    return *p;
  }
  throw profile_error("unknown_feature", "the profile has no feature '" + std::string(name) + "'");
}

template <class V>
MLGUARD_INLINE auto basic_dataset_profile<V>::to_json() const -> json {
  json features = json::object();
  for (std::size_t i = 0; i < features_.size(); ++i) {
    features[columns_[i]] = features_[i].to_json();
  }
  json options = json::object();
  options["kll_k"] = static_cast<std::uint64_t>(options_.kll_k);
  options["seed"] = sketch::detail::hex64(options_.seed);
  options["frequent_items_capacity"] = static_cast<std::uint64_t>(options_.frequent_items_capacity);
  options["distinct_precision"] = static_cast<std::uint64_t>(options_.distinct_precision);
  json j = new_document(format);
  j["rows"] = rows_;
  j["options"] = std::move(options);
  json columns = json::array();
  for (const auto& name : columns_) {
    columns.push_back(name);
  }
  j["columns"] = std::move(columns);
  j["features"] = std::move(features);
  return j;
}

template <class V>
MLGUARD_INLINE auto basic_dataset_profile<V>::from_json(const json& document,
                                                        const std::string& source)
    -> basic_dataset_profile {
  const auto r =
      json_reader::document(document, format, source, {"rows", "options", "columns", "features"});
  const auto o = r.object("options");
  o.allow_fields({"kll_k", "seed", "frequent_items_capacity", "distinct_precision"});
  profile_options options;
  options.kll_k =
      static_cast<std::uint16_t>(o.integer("kll_k", sketch::kll_sketch<double>::min_k, 65535));
  options.frequent_items_capacity = static_cast<std::size_t>(
      o.integer("frequent_items_capacity", 2,
                static_cast<std::int64_t>(sketch::frequent_items<>::max_capacity)));
  options.distinct_precision =
      static_cast<unsigned>(o.integer("distinct_precision", sketch::distinct_count::min_precision,
                                      sketch::distinct_count::max_precision));
  options.seed = sketch::detail::read_hex64(o, "seed");

  basic_dataset_profile p(options);
  p.rows_ = r.count("rows");
  const auto columns = r.texts("columns");
  const auto features = r.object("features");
  if (features.value().size() != columns.size()) {
    r.fail("features", "expected one entry per name in \"columns\"");
  }
  for (const auto& name : columns) {
    if (!features.has(name) || p.find(name) != nullptr) {
      r.fail("columns", "column '" + name + "' is duplicated or has no feature profile");
    }
    auto profile = feature_profile::from_json(features.object(name), options);
    if (profile.count() != p.rows_) {
      features.fail(name, "counts " + std::to_string(profile.count()) + " values, the profile " +
                              std::to_string(p.rows_) + " rows");
    }
    p.add(name, std::move(profile));
  }
  return p;
}

template <class V>
MLGUARD_INLINE auto basic_dataset_profile<V>::parse(std::string_view text,
                                                    const std::string& source)
    -> basic_dataset_profile {
  return from_json(parse_json(text, source), source);
}

template <class V>
MLGUARD_INLINE auto basic_dataset_profile<V>::load(const std::string& path)
    -> basic_dataset_profile {
  return from_json(load_json(path), path);
}

template <class V>
MLGUARD_INLINE auto basic_dataset_profile<V>::kind_conflict(const std::string& name,
                                                            column_kind ours, column_kind theirs)
    -> profile_error {
  return profile_error("kind_mismatch", "feature '" + name + "' is " + to_string(ours) +
                                            " in one profile and " + to_string(theirs) +
                                            " in the other; profile the column with one kind "
                                            "(e.g. read it as text everywhere) before merging");
}

template <class V>
MLGUARD_INLINE auto basic_dataset_profile<V>::lower_bound(std::string_view name) const noexcept
    -> std::size_t {
  std::size_t lo = 0;
  std::size_t hi = by_name_.size();
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (std::string_view(columns_[by_name_[mid]]) < name) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

template <class V>
MLGUARD_INLINE auto basic_dataset_profile<V>::add(const std::string& name, feature_profile profile)
    -> feature_profile& {
  const std::size_t at = lower_bound(name);
  by_name_.insert(by_name_.begin() + static_cast<std::ptrdiff_t>(at), features_.size());
  columns_.push_back(name);
  features_.push_back(std::move(profile));
  return features_.back();
}

template <class V>
MLGUARD_INLINE auto basic_dataset_profile<V>::feature(const std::string& name, column_kind kind)
    -> feature_profile& {
  const std::size_t i = lower_bound(name);
  if (i < by_name_.size() && columns_[by_name_[i]] == name) {
    return features_[by_name_[i]];
  }
  auto& added = add(name, feature_profile(kind, options_));
  added.update_missing(rows_);
  return added;
}

template <class>
void to_json(json& j, const dataset_profile& profile) {
  j = profile.to_json();
}

template <class>
void from_json(const json& j, dataset_profile& profile) {
  profile = dataset_profile::from_json(j);
}

} // namespace mlguard::profile

#endif // MLGUARD_COMPILED
#endif // MLGUARD_PROFILE_DATASET_PROFILE_HPP
