# Configures, builds and runs one packaging consumer; run with cmake -P.
# Inputs: MODE (find_package | add_subdirectory | conan_test_package | pkg_config |
# components), SOURCE_DIR, BINARY_DIR, PREFIX, GENERATOR, CXX_COMPILER,
# MLGUARD_SOURCE_DIR, VERSION; for components (configure only, the consumer checks
# the answer itself): REQUEST, EXPECT_FOUND, EXPECT_MESSAGE.
cmake_minimum_required(VERSION 3.14)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message("${out}")
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " cmd "${ARGN}")
    message(FATAL_ERROR "failed (${rc}): ${cmd}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${BINARY_DIR}")
file(MAKE_DIRECTORY "${BINARY_DIR}")

if(MODE STREQUAL "components")
  run(${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${BINARY_DIR}" -G "${GENERATOR}"
      -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_PREFIX_PATH=${PREFIX}
      -DREQUEST=${REQUEST} -DEXPECT_FOUND=${EXPECT_FOUND} "-DEXPECT_MESSAGE=${EXPECT_MESSAGE}")
  return()
endif()

if(MODE STREQUAL "pkg_config")
  find_program(PKG_CONFIG pkg-config REQUIRED)
  # Eigen's and nlohmann_json's .pc files live in the system's search path;
  # mlguard's comes from the installed prefix.
  set(ENV{PKG_CONFIG_PATH} "${PREFIX}/share/pkgconfig")
  run(${PKG_CONFIG} --modversion mlguard)
  string(STRIP "${last_output}" found_version)
  if(NOT found_version STREQUAL VERSION)
    message(FATAL_ERROR "pkg-config reports mlguard ${found_version}, expected ${VERSION}")
  endif()
  run(${PKG_CONFIG} --cflags mlguard)
  string(STRIP "${last_output}" cflags)
  separate_arguments(cflags UNIX_COMMAND "${cflags}")
  run(${CXX_COMPILER} -std=c++17 ${cflags} "${SOURCE_DIR}/main.cpp" -o "${BINARY_DIR}/consumer")
else()
  set(args -S "${SOURCE_DIR}" -B "${BINARY_DIR}" -G "${GENERATOR}"
           -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_BUILD_TYPE=Release)
  if(MODE STREQUAL "add_subdirectory")
    list(APPEND args -DMLGUARD_SOURCE_DIR=${MLGUARD_SOURCE_DIR})
  else()
    list(APPEND args -DCMAKE_PREFIX_PATH=${PREFIX} -DEXPECTED_MLGUARD_VERSION=${VERSION})
  endif()
  run(${CMAKE_COMMAND} ${args})
  run(${CMAKE_COMMAND} --build "${BINARY_DIR}")
endif()

if(MODE STREQUAL "conan_test_package")
  run("${BINARY_DIR}/test_package")
else()
  run("${BINARY_DIR}/consumer")
endif()
if(NOT last_output MATCHES "mlguard ${VERSION}")
  message(FATAL_ERROR "the consumer did not report mlguard ${VERSION}: ${last_output}")
endif()
