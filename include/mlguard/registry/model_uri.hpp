#ifndef MLGUARD_REGISTRY_MODEL_URI_HPP
#define MLGUARD_REGISTRY_MODEL_URI_HPP

// models:/NAME/VERSION, models:/NAME@ALIAS and models:/NAME/latest: parsing
// and printing the registry's model URIs (MLflow's scheme).

#include <optional>
#include <string>
#include <string_view>

#include "mlguard/core/error.hpp"

namespace mlguard::registry {

/// A reference to one model version, as MLflow writes it:
/// "models:/NAME/7" (a version number), "models:/NAME@ALIAS" (whatever the alias
/// points to now) or "models:/NAME/latest" (the newest registered version).
struct model_uri {
  std::string name;                 ///< the registered model
  std::optional<int> version;       ///< set for "models:/NAME/7"
  std::optional<std::string> alias; ///< set for "models:/NAME@ALIAS"
  bool latest = false;              ///< true for "models:/NAME/latest"

  /// Back to text: "models:/NAME/7", "models:/NAME@ALIAS" or "models:/NAME/latest".
  std::string str() const {
    std::string out = "models:/" + name;
    if (alias) {
      out.append("@").append(*alias);
    } else if (version) {
      out.append("/").append(std::to_string(*version));
    } else {
      out.append("/latest");
    }
    return out;
  }
};

/// Parses a model URI (forms in model_uri). The name and alias are validated.
/// Throws registry_error: mlguard.registry.invalid_uri when the text has none of the
/// three forms or the version is not a positive integer; mlguard.registry.invalid_name
/// when the name or alias breaks the naming rules (names.hpp).
template <class = void>
model_uri parse_model_uri(std::string_view text);

} // namespace mlguard::registry

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include "mlguard/registry/names.hpp"

namespace mlguard::registry {

template <class>
model_uri parse_model_uri(std::string_view text) {
  auto fail = [&](const char* why) -> model_uri {
    throw registry_error("invalid_uri", "'" + detail::printable(text) + "' is not a model URI (" +
                                            why +
                                            "; expected models:/NAME/VERSION, "
                                            "models:/NAME@ALIAS or models:/NAME/latest)");
  };
  constexpr std::string_view scheme = "models:/";
  if (text.substr(0, scheme.size()) != scheme) {
    return fail("missing \"models:/\"");
  }
  const auto rest = text.substr(scheme.size());
  model_uri uri;
  const auto at = rest.find('@');
  const auto slash = rest.find('/');
  if (at != std::string_view::npos && (slash == std::string_view::npos || at < slash)) {
    uri.name = std::string(rest.substr(0, at));
    uri.alias = std::string(rest.substr(at + 1));
    validate_model_name(uri.name);
    validate_alias_name(*uri.alias);
    return uri;
  }
  if (slash == std::string_view::npos) {
    return fail("no version or alias");
  }
  uri.name = std::string(rest.substr(0, slash));
  validate_model_name(uri.name);
  const auto tail = rest.substr(slash + 1);
  if (tail == "latest") {
    uri.latest = true;
    return uri;
  }
  if (tail.empty() || tail.size() > 9 ||
      tail.find_first_not_of("0123456789") != std::string_view::npos) {
    return fail("the version is not a positive integer");
  }
  int v = 0;
  for (char c : tail) {
    v = v * 10 + (c - '0');
  }
  if (v < 1) {
    return fail("versions start at 1");
  }
  uri.version = v;
  return uri;
}

} // namespace mlguard::registry

#endif // MLGUARD_COMPILED
#endif // MLGUARD_REGISTRY_MODEL_URI_HPP
