#ifndef MLGUARD_CORE_VERSION_HPP
#define MLGUARD_CORE_VERSION_HPP

/// mlguard's version. CMake reads these three lines, so they are the single
/// source of truth for the package version too.
#define MLGUARD_VERSION_MAJOR 0
#define MLGUARD_VERSION_MINOR 1
#define MLGUARD_VERSION_PATCH 0

#define MLGUARD_DETAIL_STR2(x) #x
#define MLGUARD_DETAIL_STR(x) MLGUARD_DETAIL_STR2(x)

/// The version as a string literal, "MAJOR.MINOR.PATCH".
#define MLGUARD_VERSION_STRING                                                                     \
  MLGUARD_DETAIL_STR(MLGUARD_VERSION_MAJOR)                                                        \
  "." MLGUARD_DETAIL_STR(MLGUARD_VERSION_MINOR) "." MLGUARD_DETAIL_STR(MLGUARD_VERSION_PATCH)

/// One number that grows with every release: MAJOR * 10000 + MINOR * 100 + PATCH.
#define MLGUARD_VERSION                                                                            \
  (MLGUARD_VERSION_MAJOR * 10000 + MLGUARD_VERSION_MINOR * 100 + MLGUARD_VERSION_PATCH)

namespace mlguard {

/// The version of the mlguard headers a translation unit was compiled with.
struct version_info {
  int major;
  int minor;
  int patch;
  /// "MAJOR.MINOR.PATCH".
  const char* string;
};

/// Returns the version of the mlguard headers in use.
constexpr version_info version() noexcept {
  return {MLGUARD_VERSION_MAJOR, MLGUARD_VERSION_MINOR, MLGUARD_VERSION_PATCH,
          MLGUARD_VERSION_STRING};
}

} // namespace mlguard

#endif // MLGUARD_CORE_VERSION_HPP
