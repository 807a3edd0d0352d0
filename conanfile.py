"""Conan 2 recipe for mlguard, a header-only C++17 library.

    conan create . --build=missing

builds test_package/ against the packaged headers. The option with_xgboost adds the
component mlguard::xgboost (target of find_package(mlguard)), which requires
Conan Center's xgboost (its C API; static by default); with_zlib adds mlguard::gzip
(gzip input for the CSV reader, mlguard/io/gzip_source.hpp), which requires zlib;
with_postgres adds mlguard::postgres (the PostgreSQL registry and artifact store,
mlguard/registry/postgres_registry.hpp), which requires libpqxx.
"""
import os
import re

from conan import ConanFile
from conan.tools.build import check_min_cppstd
from conan.tools.files import copy, load
from conan.tools.layout import basic_layout

required_conan_version = ">=2.0"


class MlguardConan(ConanFile):
    name = "mlguard"
    description = ("Header-only C++17 MLOps guard rails: data validation, drift detection, "
                   "model registry and rollback in the application's own process.")
    license = "Apache-2.0"
    homepage = "https://github.com/mlguard/mlguard"
    topics = ("mlops", "drift-detection", "data-validation", "model-registry", "header-only")
    package_type = "header-library"
    settings = "os", "arch", "compiler", "build_type"
    options = {"with_xgboost": [True, False], "with_zlib": [True, False],
               "with_postgres": [True, False]}
    default_options = {"with_xgboost": False, "with_zlib": False, "with_postgres": False}
    exports_sources = "include/*", "LICENSE"
    no_copy_source = True

    def set_version(self):
        # The version has one home: include/mlguard/core/version.hpp.
        header = load(self, os.path.join(self.recipe_folder, "include", "mlguard", "core",
                                         "version.hpp"))
        parts = [re.search(r"#define MLGUARD_VERSION_%s (\d+)" % p, header).group(1)
                 for p in ("MAJOR", "MINOR", "PATCH")]
        self.version = ".".join(parts)

    def layout(self):
        basic_layout(self, src_folder=".")

    def requirements(self):
        self.requires("eigen/3.4.0")
        self.requires("nlohmann_json/3.11.3")
        # Header-only use (XXH_INLINE_ALL) by mlguard/pipeline/fingerprint.hpp.
        self.requires("xxhash/0.8.2")
        if self.options.with_xgboost:
            # mlguard/xgboost/*.hpp call XGBoost's C API (<xgboost/c_api.h>).
            self.requires("xgboost/2.0.3")
        if self.options.with_zlib:
            # mlguard/io/gzip_source.hpp calls zlib's inflate.
            self.requires("zlib/[>=1.2.11 <2]")
        if self.options.with_postgres:
            # mlguard/registry/postgres_registry.hpp talks to PostgreSQL through libpqxx.
            self.requires("libpqxx/[>=6.4 <8]")

    def package_id(self):
        self.info.clear()

    def validate(self):
        if self.settings.compiler.get_safe("cppstd"):
            check_min_cppstd(self, 17)

    def package(self):
        copy(self, "LICENSE", self.source_folder, os.path.join(self.package_folder, "licenses"))
        copy(self, "*.hpp", os.path.join(self.source_folder, "include"),
             os.path.join(self.package_folder, "include"))

    def package_info(self):
        # The headers are the same with or without XGBoost; the option only adds the
        # component that links it, mlguard::xgboost, as in mlguard's own CMake package.
        # "core" carries the package's own target name (the pattern of Conan Center's fmt).
        self.cpp_info.set_property("cmake_file_name", "mlguard")
        self.cpp_info.set_property("cmake_target_name", "mlguard::mlguard")
        self.cpp_info.set_property("pkg_config_name", "mlguard")
        core = self.cpp_info.components["core"]
        core.bindirs = []
        core.libdirs = []
        core.set_property("cmake_target_name", "mlguard::mlguard")
        core.requires = ["eigen::eigen", "nlohmann_json::nlohmann_json", "xxhash::xxhash"]
        if self.options.with_xgboost:
            xgb = self.cpp_info.components["xgboost"]
            xgb.bindirs = []
            xgb.libdirs = []
            xgb.set_property("cmake_target_name", "mlguard::xgboost")
            xgb.requires = ["core", "xgboost::xgboost"]
        if self.options.with_zlib:
            gzip = self.cpp_info.components["gzip"]
            gzip.bindirs = []
            gzip.libdirs = []
            gzip.set_property("cmake_target_name", "mlguard::gzip")
            gzip.requires = ["core", "zlib::zlib"]
        if self.options.with_postgres:
            pg = self.cpp_info.components["postgres"]
            pg.bindirs = []
            pg.libdirs = []
            pg.set_property("cmake_target_name", "mlguard::postgres")
            pg.requires = ["core", "libpqxx::pqxx"]
