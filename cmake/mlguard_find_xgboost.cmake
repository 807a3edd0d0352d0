# Finds XGBoost's C API for the optional component mlguard::xgboost. Included by
# mlguard's CMakeLists.txt and, installed beside it, by mlguardConfig.cmake, so a
# consumer finds XGBoost the way mlguard's own build did.
#
# Result: the target xgboost::xgboost and MLGUARD_XGBOOST_FOUND (TRUE/FALSE), with
# MLGUARD_XGBOOST_VERSION and, when not found, MLGUARD_XGBOOST_REASON.
#
# XGBoost's own CMake package comes first (vcpkg, Conan's CMakeDeps, a source
# install): only it knows what a static libxgboost needs (dmlc-core, OpenMP). But
# the package of Debian 12's libxgboost-dev (1.7.4-1) cannot load on its own: it
# exports the command-line tool as xgboost::runxgboost, whose file /usr/bin/xgboost
# ships in the separate package `xgboost`, and a missing imported file stops CMake
# with a FATAL_ERROR, QUIET or not. So the package is first loaded by a throwaway
# CMake run (once per build tree; the cache entry MLGUARD_XGBOOST_PACKAGE_LOADS),
# and when that fails the header <xgboost/c_api.h> and the shared library are found
# directly instead. An xgboost::xgboost made that way also lets a later
# find_package(xgboost) in the same directory succeed: XGBoost's config skips its
# targets file when the target exists.

set(MLGUARD_XGBOOST_FOUND FALSE)
set(MLGUARD_XGBOOST_REASON "")

if(TARGET xgboost::xgboost)
  set(MLGUARD_XGBOOST_FOUND TRUE)
else()
  if(NOT DEFINED MLGUARD_XGBOOST_PACKAGE_LOADS)
    set(_mlguard_probe "${CMAKE_BINARY_DIR}${CMAKE_FILES_DIRECTORY}/mlguard_xgboost_probe")
    file(REMOVE_RECURSE "${_mlguard_probe}")
    file(WRITE "${_mlguard_probe}/src/CMakeLists.txt" [=[
cmake_minimum_required(VERSION 3.14)
project(mlguard_xgboost_probe NONE)
find_package(xgboost CONFIG REQUIRED)
if(NOT TARGET xgboost::xgboost)
  message(FATAL_ERROR "XGBoost's package defines no xgboost::xgboost")
endif()
]=])
    # The search must see what this project's find_package would see.
    set(_mlguard_flags "")
    foreach(_mlguard_var CMAKE_PREFIX_PATH CMAKE_FIND_ROOT_PATH CMAKE_SYSTEM_PREFIX_PATH
                         CMAKE_LIBRARY_ARCHITECTURE CMAKE_TOOLCHAIN_FILE CMAKE_SYSROOT
                         CMAKE_MAKE_PROGRAM CMAKE_GENERATOR_PLATFORM CMAKE_GENERATOR_TOOLSET
                         xgboost_DIR xgboost_ROOT)
      if(DEFINED ${_mlguard_var} AND NOT "${${_mlguard_var}}" STREQUAL "")
        string(REPLACE ";" "\\;" _mlguard_value "${${_mlguard_var}}")
        list(APPEND _mlguard_flags "-D${_mlguard_var}=${_mlguard_value}")
      endif()
    endforeach()
    # try_compile(PROJECT) cannot be used: it reports a failed configure as an error.
    execute_process(
      COMMAND "${CMAKE_COMMAND}" -S "${_mlguard_probe}/src" -B "${_mlguard_probe}/build"
              -G "${CMAKE_GENERATOR}" ${_mlguard_flags}
      RESULT_VARIABLE _mlguard_rc OUTPUT_VARIABLE _mlguard_out ERROR_VARIABLE _mlguard_out)
    if(_mlguard_rc EQUAL 0)
      set(_mlguard_loads TRUE)
    else()
      set(_mlguard_loads FALSE)
      file(WRITE "${_mlguard_probe}/output.log" "${_mlguard_out}")
    endif()
    set(MLGUARD_XGBOOST_PACKAGE_LOADS ${_mlguard_loads} CACHE BOOL
        "Whether XGBoost's CMake package loads (probed once; delete this entry to probe again)")
    unset(_mlguard_rc)
    unset(_mlguard_out)
    unset(_mlguard_loads)
    unset(_mlguard_flags)
    unset(_mlguard_var)
    unset(_mlguard_value)
    unset(_mlguard_probe)
  endif()

  if(MLGUARD_XGBOOST_PACKAGE_LOADS)
    find_package(xgboost CONFIG QUIET)
  else()
    find_path(MLGUARD_XGBOOST_INCLUDE_DIR xgboost/c_api.h
      DOC "Directory holding <xgboost/c_api.h>, for mlguard::xgboost")
    find_library(MLGUARD_XGBOOST_LIBRARY xgboost
      DOC "XGBoost's shared library, for mlguard::xgboost")
    if(MLGUARD_XGBOOST_INCLUDE_DIR AND MLGUARD_XGBOOST_LIBRARY)
      add_library(xgboost::xgboost UNKNOWN IMPORTED)
      set_target_properties(xgboost::xgboost PROPERTIES
        IMPORTED_LOCATION "${MLGUARD_XGBOOST_LIBRARY}"
        INTERFACE_INCLUDE_DIRECTORIES "${MLGUARD_XGBOOST_INCLUDE_DIR}")
    elseif(MLGUARD_XGBOOST_INCLUDE_DIR OR MLGUARD_XGBOOST_LIBRARY)
      set(MLGUARD_XGBOOST_REASON "found only one of <xgboost/c_api.h> "
          "(${MLGUARD_XGBOOST_INCLUDE_DIR}) and libxgboost (${MLGUARD_XGBOOST_LIBRARY})")
    endif()
  endif()

  if(TARGET xgboost::xgboost)
    set(MLGUARD_XGBOOST_FOUND TRUE)
  elseif(NOT MLGUARD_XGBOOST_REASON)
    set(MLGUARD_XGBOOST_REASON "neither XGBoost's CMake package (xgboost_DIR) nor "
        "<xgboost/c_api.h> with libxgboost was found (Debian: libxgboost-dev)")
  endif()
endif()
string(CONCAT MLGUARD_XGBOOST_REASON ${MLGUARD_XGBOOST_REASON})

# The version, from the package or from the header.
set(MLGUARD_XGBOOST_VERSION "${xgboost_VERSION}")
if(MLGUARD_XGBOOST_FOUND AND NOT MLGUARD_XGBOOST_VERSION)
  get_target_property(_mlguard_dirs xgboost::xgboost INTERFACE_INCLUDE_DIRECTORIES)
  foreach(_mlguard_dir IN LISTS _mlguard_dirs)
    if(EXISTS "${_mlguard_dir}/xgboost/version_config.h")
      file(STRINGS "${_mlguard_dir}/xgboost/version_config.h" _mlguard_lines
           REGEX "#define XGBOOST_VER_(MAJOR|MINOR|PATCH) ")
      string(REGEX REPLACE "[^;]*XGBOOST_VER_[A-Z]+ ([0-9]+)" "\\1" _mlguard_parts
             "${_mlguard_lines}")
      string(REPLACE ";" "." MLGUARD_XGBOOST_VERSION "${_mlguard_parts}")
      break()
    endif()
  endforeach()
  unset(_mlguard_dirs)
  unset(_mlguard_dir)
  unset(_mlguard_lines)
  unset(_mlguard_parts)
endif()
