# vcpkg overlay port for mlguard, modelled on the header-only ports
# (doctest, nlohmann-json). It builds from this checkout:
#   vcpkg install mlguard --overlay-ports=<checkout>/cmake/vcpkg/ports
# A registry port would use vcpkg_from_github(... REF v${VERSION} ...) instead.
get_filename_component(SOURCE_PATH "${CMAKE_CURRENT_LIST_DIR}/../../../.." ABSOLUTE)

# Feature "xgboost": the component mlguard::xgboost (find_package(mlguard COMPONENTS
# xgboost)); feature "gzip": mlguard::gzip (zlib); feature "postgres": mlguard::postgres
# (libpqxx). Without a feature its component is
# not installed and its dependency is never looked for.
vcpkg_check_features(OUT_FEATURE_OPTIONS FEATURE_OPTIONS
    FEATURES
        xgboost MLGUARD_WITH_XGBOOST
        gzip MLGUARD_WITH_ZLIB
        postgres MLGUARD_WITH_POSTGRES
)

vcpkg_cmake_configure(
    SOURCE_PATH "${SOURCE_PATH}"
    OPTIONS
        -DMLGUARD_BUILD_TESTS=OFF
        -DMLGUARD_BUILD_EXAMPLES=OFF
        -DMLGUARD_BUILD_BENCHMARKS=OFF
        -DMLGUARD_INSTALL=ON
        ${FEATURE_OPTIONS}
)
vcpkg_cmake_install()
vcpkg_cmake_config_fixup(CONFIG_PATH share/mlguard/cmake)
vcpkg_fixup_pkgconfig()

# Header-only: nothing is built for debug, and there is no lib/.
file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/debug" "${CURRENT_PACKAGES_DIR}/lib")
file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/share/doc")
file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
