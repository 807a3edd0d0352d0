#ifndef MLGUARD_XGBOOST_DETAIL_BOOSTER_CHECK_HPP
#define MLGUARD_XGBOOST_DETAIL_BOOSTER_CHECK_HPP

// Checks a saved XGBoost model before XGBoost loads it. XGBoost 1.7 trusts
// the model it reads: a truncated UBJSON model makes it read past the end of
// the buffer, and a tree whose arrays disagree with its node count, or whose
// children point anywhere, makes it crash while loading or predicting. A
// bundle member that fails here is refused with a message instead.

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "mlguard/core/json.hpp"

namespace mlguard::xgboost::detail {

// True when XGBoost would parse `bytes` as UBJSON: '{' and then a letter (a
// length marker), which is how XGBoost 1.7 tells UBJSON from JSON ('{"').
template <class = void>
bool looks_like_ubjson(std::string_view bytes) noexcept {
  if (bytes.size() < 2 || bytes[0] != '{') {
    return false;
  }
  const char c = bytes[1];
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// A count XGBoost stores as a decimal string ("15"); -1 when it is not one.
template <class = void>
std::int64_t stored_count(const json& j) {
  if (!j.is_string()) {
    return -1;
  }
  const auto& s = j.get_ref<const std::string&>();
  std::int64_t v = -1;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && v >= 0 ? v : -1;
}

// j[key] when j is an object that has it, else null.
inline const json& field(const json& j, const char* key) {
  static const json null;
  if (!j.is_object()) {
    return null;
  }
  const auto it = j.find(key);
  return it != j.end() ? *it : null;
}

// An integer array element, or `bad` when it is not an integer.
template <class = void>
std::int64_t element(const json& j, std::int64_t bad) {
  return j.is_number_integer() ? j.get<std::int64_t>() : bad;
}

// The problem with one tree, or "" when its arrays agree and its nodes form
// a tree: every array has num_nodes entries, children come after their
// parent (so every path ends), parents name them back, split features are
// among the model's features.
template <class = void> // deferred: see core/json.hpp
std::string tree_problem(const json& tree, std::int64_t features) {
  if (!tree.is_object() || !tree.contains("tree_param")) {
    return "not a tree";
  }
  const std::int64_t n = stored_count(field(tree["tree_param"], "num_nodes"));
  if (n < 1 || n > (std::int64_t{1} << 31)) {
    return "num_nodes is not a positive count";
  }
  for (const char* name : {"left_children", "right_children", "parents", "split_indices",
                           "split_conditions", "default_left", "base_weights"}) {
    const auto it = tree.find(name);
    if (it == tree.end() || !it->is_array() || static_cast<std::int64_t>(it->size()) != n) {
      return std::string(name) + " does not have num_nodes entries";
    }
  }
  const auto& left = tree["left_children"];
  const auto& right = tree["right_children"];
  const auto& parents = tree["parents"];
  const auto& splits = tree["split_indices"];
  for (std::int64_t i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    const std::int64_t l = element(left[k], -2);
    const std::int64_t r = element(right[k], -2);
    if (l == -1 && r == -1) {
      continue; // a leaf
    }
    if (l <= i || l >= n || r <= i || r >= n || l == r) {
      return "node " + std::to_string(i) + " has children outside the tree";
    }
    if (element(parents[static_cast<std::size_t>(l)], -1) != i ||
        element(parents[static_cast<std::size_t>(r)], -1) != i) {
      return "node " + std::to_string(i) + "'s children do not name it as their parent";
    }
    const std::int64_t f = element(splits[k], -1);
    if (f < 0 || f >= features) {
      return "node " + std::to_string(i) + " splits on a feature the model does not have";
    }
  }
  if (tree.contains("split_type")) {
    const auto& types = tree["split_type"];
    if (!types.is_array() || static_cast<std::int64_t>(types.size()) != n) {
      return "split_type does not have num_nodes entries";
    }
    for (const auto& t : types) {
      if (element(t, -1) != 0) {
        return "categorical splits are not supported by mlguard's check";
      }
    }
  }
  return {};
}

// The problem with a saved model, or "" when XGBoost can load it safely.
template <class = void>
std::string booster_problem(std::string_view bytes) {
  json model;
  try {
    if (looks_like_ubjson(bytes)) {
      model = json::from_ubjson(bytes.begin(), bytes.end());
    } else if (!bytes.empty() && bytes[0] == '{') {
      model = json::parse(bytes.begin(), bytes.end());
    } else {
      return "not an XGBoost model in UBJSON or JSON (XGBoost's old binary format is not "
             "accepted: save the model as .ubj or .json)";
    }
  } catch (const json::exception& e) {
    return std::string(looks_like_ubjson(bytes) ? "not complete UBJSON: " : "not valid JSON: ") +
           e.what();
  }
  const json& learner = field(model, "learner");
  const std::int64_t features =
      stored_count(field(field(learner, "learner_model_param"), "num_feature"));
  if (features < 0) {
    return "no learner with a feature count in the model";
  }
  const json* booster = &field(learner, "gradient_booster");
  const json& name = field(*booster, "name");
  if (name == "dart") {
    booster = &field(*booster, "gbtree");
  } else if (name == "gblinear") {
    return {}; // weights only: XGBoost checks their count itself
  } else if (name != "gbtree") {
    return "not a tree booster XGBoost 1.7 writes (gbtree, dart, gblinear)";
  }
  const json& trees = field(field(*booster, "model"), "trees");
  const json& info = field(field(*booster, "model"), "tree_info");
  const json& param = field(field(*booster, "model"), "gbtree_model_param");
  if (!trees.is_array() || !info.is_array() || trees.size() != info.size() ||
      stored_count(field(param, "num_trees")) != static_cast<std::int64_t>(trees.size())) {
    return "num_trees, the trees and tree_info disagree";
  }
  // Each tree adds to one output group: a class, or the one output.
  const std::int64_t classes =
      stored_count(field(field(learner, "learner_model_param"), "num_class"));
  const std::int64_t groups = classes > 1 ? classes : 1;
  std::vector<bool> seen(trees.size(), false);
  for (std::size_t t = 0; t < trees.size(); ++t) {
    const std::int64_t group = element(info[t], -1);
    if (group < 0 || group >= groups) {
      return "tree_info names an output the model does not have";
    }
    // XGBoost places each tree by its "id".
    const std::int64_t id = element(field(trees[t], "id"), -1);
    if (id < 0 || id >= static_cast<std::int64_t>(trees.size()) ||
        seen[static_cast<std::size_t>(id)]) {
      return "tree " + std::to_string(t) + " has an id out of range or seen before";
    }
    seen[static_cast<std::size_t>(id)] = true;
  }
  for (std::size_t t = 0; t < trees.size(); ++t) {
    const auto problem = tree_problem(trees[t], features);
    if (!problem.empty()) {
      return "tree " + std::to_string(t) + ": " + problem;
    }
  }
  return {};
}

} // namespace mlguard::xgboost::detail

#endif // MLGUARD_XGBOOST_DETAIL_BOOSTER_CHECK_HPP
