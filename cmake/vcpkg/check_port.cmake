# Performs what cmake/vcpkg/ports/mlguard/portfile.cmake asks vcpkg to do,
# without vcpkg (which cannot be installed here): configure with the port's
# OPTIONS (read from the portfile, so the two cannot drift apart), install,
# check the layout vcpkg_cmake_config_fixup and the post-build checks expect,
# then build a find_package consumer against the result.
# Inputs: SOURCE_DIR, WORK_DIR, GENERATOR, CXX_COMPILER.
cmake_minimum_required(VERSION 3.14)

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

set(packages "${WORK_DIR}/packages")
file(REMOVE_RECURSE "${WORK_DIR}")
run(${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${WORK_DIR}/build" -G "${GENERATOR}"
    -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_BUILD_TYPE=Release
    "-DCMAKE_INSTALL_PREFIX=${packages}" ${port_options})
run(${CMAKE_COMMAND} --build "${WORK_DIR}/build")
run(${CMAKE_COMMAND} --install "${WORK_DIR}/build")

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
if(EXISTS "${WORK_DIR}/build/CTestTestfile.cmake")
  file(READ "${WORK_DIR}/build/CTestTestfile.cmake" ctest_file)
  if(ctest_file MATCHES "mlguard_tests")
    message(FATAL_ERROR "the port's options did not turn the tests off")
  endif()
endif()

run(${CMAKE_COMMAND} -S "${SOURCE_DIR}/tests/packaging/find_package" -B "${WORK_DIR}/consumer"
    -G "${GENERATOR}" -DCMAKE_CXX_COMPILER=${CXX_COMPILER} "-DCMAKE_PREFIX_PATH=${packages}"
    -DEXPECTED_MLGUARD_VERSION=${header_version})
run(${CMAKE_COMMAND} --build "${WORK_DIR}/consumer")
run("${WORK_DIR}/consumer/consumer")
message(STATUS "vcpkg port layout and consumer OK (options: ${port_options})")
