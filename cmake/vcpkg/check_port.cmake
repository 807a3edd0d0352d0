# Performs what cmake/vcpkg/ports/mlguard/portfile.cmake asks vcpkg to do,
# without vcpkg (which cannot be installed here): configure with the port's
# OPTIONS (read from the portfile, so the two cannot drift apart), install,
# check the layout vcpkg_cmake_config_fixup and the post-build checks expect,
# then build a find_package consumer against the result.
# vcpkg_check_features(... FEATURES <feature> <OPTION> ...) is emulated: each
# feature becomes -D<OPTION>=ON or OFF, and its features must be the manifest's.
# The port is checked with its default features (none: an install without the
# XGBoost component, which find_package(mlguard COMPONENTS xgboost) must report
# as such), then once more with each feature of FEATURES on.
# Inputs: SOURCE_DIR, WORK_DIR, GENERATOR, CXX_COMPILER; FEATURES (optional, the
# features whose dependencies are present here, separated by commas or semicolons,
# e.g. "xgboost,gzip").
cmake_minimum_required(VERSION 3.14)
string(REPLACE "," ";" FEATURES "${FEATURES}")

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " cmd "${ARGN}")
    message(FATAL_ERROR "failed (${rc}): ${cmd}\n${out}\n${err}")
  endif()
endfunction()

set(port_dir "${SOURCE_DIR}/cmake/vcpkg/ports/mlguard")
file(READ "${port_dir}/portfile.cmake" portfile)
string(REGEX MATCHALL "-DMLGUARD_[A-Z_]+=[A-Z]+" port_options "${portfile}")
if(NOT port_options)
  message(FATAL_ERROR "no -DMLGUARD_* OPTIONS found in the portfile")
endif()
if(NOT portfile MATCHES "vcpkg_cmake_config_fixup\\(CONFIG_PATH ([^)]+)\\)")
  message(FATAL_ERROR "the portfile has no vcpkg_cmake_config_fixup(CONFIG_PATH ...)")
endif()
set(config_path "${CMAKE_MATCH_1}")

# The port's manifest version must be the project's version.
file(READ "${port_dir}/vcpkg.json" manifest)
string(JSON port_version GET "${manifest}" version-semver)
file(STRINGS "${SOURCE_DIR}/include/mlguard/core/version.hpp" lines
     REGEX "#define MLGUARD_VERSION_(MAJOR|MINOR|PATCH) ")
foreach(line IN LISTS lines)
  string(REGEX MATCH "([0-9]+)$" v "${line}")
  list(APPEND parts ${v})
endforeach()
string(REPLACE ";" "." header_version "${parts}")
if(NOT port_version STREQUAL header_version)
  message(FATAL_ERROR "port version ${port_version} != header version ${header_version}")
endif()

# Features: the portfile's vcpkg_check_features pairs against the manifest's features.
set(feature_names "")
set(feature_options "")
if(portfile MATCHES "vcpkg_check_features\\([^)]*FEATURES([^)]*)\\)")
  string(REGEX MATCHALL "[^ \t\r\n]+" pairs "${CMAKE_MATCH_1}")
  list(LENGTH pairs n)
  math(EXPR odd "${n} % 2")
  if(n EQUAL 0 OR odd)
    message(FATAL_ERROR "vcpkg_check_features FEATURES must be <feature> <OPTION> pairs")
  endif()
  math(EXPR last "${n} - 1")
  foreach(i RANGE 0 ${last} 2)
    math(EXPR j "${i} + 1")
    list(GET pairs ${i} name)
    list(GET pairs ${j} option)
    list(APPEND feature_names ${name})
    list(APPEND feature_options ${option})
  endforeach()
  if(NOT portfile MATCHES "\\$\\{FEATURE_OPTIONS\\}")
    message(FATAL_ERROR "vcpkg_check_features is called but \${FEATURE_OPTIONS} is not passed")
  endif()
endif()
string(JSON manifest_features ERROR_VARIABLE no_features GET "${manifest}" features)
set(manifest_feature_names "")
if(NOT no_features)
  string(JSON count LENGTH "${manifest_features}")
  if(count GREATER 0)
    math(EXPR last "${count} - 1")
    foreach(i RANGE ${last})
      string(JSON name MEMBER "${manifest_features}" ${i})
      list(APPEND manifest_feature_names ${name})
    endforeach()
  endif()
endif()
set(sorted_portfile ${feature_names})
set(sorted_manifest ${manifest_feature_names})
list(SORT sorted_portfile)
list(SORT sorted_manifest)
if(NOT sorted_portfile STREQUAL sorted_manifest)
  message(FATAL_ERROR "the portfile's features (${sorted_portfile}) are not the manifest's "
                      "(${sorted_manifest})")
endif()
foreach(requested IN LISTS FEATURES)
  if(NOT requested IN_LIST feature_names)
    message(FATAL_ERROR "FEATURES names '${requested}', which the port does not have")
  endif()
endforeach()

# One install per feature set: the defaults (no feature), then each of FEATURES.
function(check_install variant enabled)
  set(options ${port_options})
  set(i 0)
  foreach(name IN LISTS feature_names)
    list(GET feature_options ${i} option)
    math(EXPR i "${i} + 1")
    if(name IN_LIST enabled)
      list(APPEND options -D${option}=ON)
    else()
      list(APPEND options -D${option}=OFF)
    endif()
  endforeach()
  set(work "${WORK_DIR}/${variant}")
  set(packages "${work}/packages")
  file(REMOVE_RECURSE "${work}")
  run(${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${work}/build" -G "${GENERATOR}"
      -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_BUILD_TYPE=Release
      "-DCMAKE_INSTALL_PREFIX=${packages}" ${options})
  run(${CMAKE_COMMAND} --build "${work}/build")
  run(${CMAKE_COMMAND} --install "${work}/build")

  foreach(expected "${config_path}/mlguardConfig.cmake" "${config_path}/mlguardConfigVersion.cmake"
                   "${config_path}/mlguardTargets.cmake" "share/pkgconfig/mlguard.pc"
                   "include/mlguard/mlguard.hpp")
    if(NOT EXISTS "${packages}/${expected}")
      message(FATAL_ERROR "the port's install lacks ${expected}")
    endif()
  endforeach()
  if(EXISTS "${packages}/lib" OR EXISTS "${packages}/bin")
    message(FATAL_ERROR "a header-only port must not install lib/ or bin/")
  endif()
  if(EXISTS "${work}/build/CTestTestfile.cmake")
    file(READ "${work}/build/CTestTestfile.cmake" ctest_file)
    if(ctest_file MATCHES "mlguard_tests")
      message(FATAL_ERROR "the port's options did not turn the tests off")
    endif()
  endif()

  set(consumer_args -G "${GENERATOR}" -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
                    "-DCMAKE_PREFIX_PATH=${packages}")
  run(${CMAKE_COMMAND} -S "${SOURCE_DIR}/tests/packaging/find_package" -B "${work}/consumer"
      ${consumer_args} -DEXPECTED_MLGUARD_VERSION=${header_version})
  run(${CMAKE_COMMAND} --build "${work}/consumer")
  run("${work}/consumer/consumer")

  set(xgboost_targets "${packages}/${config_path}/mlguardXgboostTargets.cmake")
  if("xgboost" IN_LIST enabled)
    if(NOT EXISTS "${xgboost_targets}")
      message(FATAL_ERROR "the feature xgboost did not install the component mlguard::xgboost")
    endif()
    run(${CMAKE_COMMAND} -S "${SOURCE_DIR}/tests/packaging/find_package_xgboost"
        -B "${work}/consumer_xgboost" ${consumer_args} -DEXPECTED_MLGUARD_VERSION=${header_version})
    run(${CMAKE_COMMAND} --build "${work}/consumer_xgboost")
    run("${work}/consumer_xgboost/consumer")
  else()
    if(EXISTS "${xgboost_targets}")
      message(FATAL_ERROR "without the feature xgboost the port installed mlguard::xgboost")
    endif()
    # Asking for the component an install lacks is a clear "not found".
    run(${CMAKE_COMMAND} -S "${SOURCE_DIR}/tests/packaging/components"
        -B "${work}/consumer_components" ${consumer_args} -DREQUEST=xgboost -DEXPECT_FOUND=OFF
        "-DEXPECT_MESSAGE=xgboost: this mlguard was installed without it")
  endif()
  set(gzip_targets "${packages}/${config_path}/mlguardGzipTargets.cmake")
  if("gzip" IN_LIST enabled)
    if(NOT EXISTS "${gzip_targets}")
      message(FATAL_ERROR "the feature gzip did not install the component mlguard::gzip")
    endif()
    run(${CMAKE_COMMAND} -S "${SOURCE_DIR}/tests/packaging/components"
        -B "${work}/consumer_gzip" ${consumer_args} -DREQUEST=gzip -DEXPECT_FOUND=ON)
  elseif(EXISTS "${gzip_targets}")
    message(FATAL_ERROR "without the feature gzip the port installed mlguard::gzip")
  endif()
  set(postgres_targets "${packages}/${config_path}/mlguardPostgresTargets.cmake")
  if("postgres" IN_LIST enabled)
    if(NOT EXISTS "${postgres_targets}")
      message(FATAL_ERROR "the feature postgres did not install the component mlguard::postgres")
    endif()
    run(${CMAKE_COMMAND} -S "${SOURCE_DIR}/tests/packaging/find_package_postgres"
        -B "${work}/consumer_postgres" ${consumer_args} -DEXPECTED_MLGUARD_VERSION=${header_version})
    run(${CMAKE_COMMAND} --build "${work}/consumer_postgres")
    run("${work}/consumer_postgres/consumer")
  elseif(EXISTS "${postgres_targets}")
    message(FATAL_ERROR "without the feature postgres the port installed mlguard::postgres")
  endif()
  message(STATUS "vcpkg port layout and consumer OK (${variant}: ${options})")
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
check_install(default "")
foreach(feature IN LISTS FEATURES)
  check_install(${feature} ${feature})
endforeach()
