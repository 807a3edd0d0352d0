# Finds libpqxx (the C++ client of PostgreSQL, over libpq) for the optional component
# mlguard::postgres. Included by mlguard's CMakeLists.txt and, installed beside it, by
# mlguardConfig.cmake, so a consumer finds libpqxx the way mlguard's own build did.
#
# Result: the target libpqxx::pqxx and MLGUARD_POSTGRES_FOUND (TRUE/FALSE), with
# MLGUARD_POSTGRES_VERSION and, when not found, MLGUARD_POSTGRES_REASON.
#
# libpqxx's own CMake package comes first (vcpkg, Conan's CMakeDeps, a source install
# export libpqxx::pqxx). Debian's libpqxx-dev (6.4.5) ships no CMake package, only
# pkg-config's libpqxx.pc, so then the header <pqxx/pqxx> and the library are found
# directly (libpqxx.so links libpq itself). mlguard's code is written against
# libpqxx 6.4 (Debian 12).

set(MLGUARD_POSTGRES_FOUND FALSE)
set(MLGUARD_POSTGRES_REASON "")
set(MLGUARD_POSTGRES_VERSION "")

if(NOT TARGET libpqxx::pqxx)
  find_package(libpqxx CONFIG QUIET)
endif()
if(NOT TARGET libpqxx::pqxx)
  find_path(MLGUARD_PQXX_INCLUDE_DIR pqxx/pqxx
    DOC "Directory holding <pqxx/pqxx>, for mlguard::postgres")
  find_library(MLGUARD_PQXX_LIBRARY pqxx
    DOC "libpqxx (shared), for mlguard::postgres")
  find_library(MLGUARD_PQ_LIBRARY pq
    DOC "libpq, for mlguard::postgres")
  if(MLGUARD_PQXX_INCLUDE_DIR AND MLGUARD_PQXX_LIBRARY AND MLGUARD_PQ_LIBRARY)
    add_library(libpqxx::pqxx UNKNOWN IMPORTED)
    set_target_properties(libpqxx::pqxx PROPERTIES
      IMPORTED_LOCATION "${MLGUARD_PQXX_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${MLGUARD_PQXX_INCLUDE_DIR}"
      INTERFACE_LINK_LIBRARIES "${MLGUARD_PQ_LIBRARY}")
  elseif(MLGUARD_PQXX_INCLUDE_DIR OR MLGUARD_PQXX_LIBRARY)
    string(CONCAT MLGUARD_POSTGRES_REASON "found only part of libpqxx: <pqxx/pqxx> ("
           "${MLGUARD_PQXX_INCLUDE_DIR}), libpqxx (${MLGUARD_PQXX_LIBRARY}), libpq "
           "(${MLGUARD_PQ_LIBRARY})")
  endif()
endif()

if(TARGET libpqxx::pqxx)
  set(MLGUARD_POSTGRES_FOUND TRUE)
  set(MLGUARD_POSTGRES_VERSION "${libpqxx_VERSION}")
  if(NOT MLGUARD_POSTGRES_VERSION)
    get_target_property(_mlguard_dirs libpqxx::pqxx INTERFACE_INCLUDE_DIRECTORIES)
    foreach(_mlguard_dir IN LISTS _mlguard_dirs)
      if(EXISTS "${_mlguard_dir}/pqxx/version.hxx")
        file(STRINGS "${_mlguard_dir}/pqxx/version.hxx" _mlguard_line
             REGEX "#define PQXX_VERSION \"")
        string(REGEX REPLACE ".*PQXX_VERSION \"([^\"]*)\".*" "\\1" MLGUARD_POSTGRES_VERSION
               "${_mlguard_line}")
        break()
      endif()
    endforeach()
    unset(_mlguard_dirs)
    unset(_mlguard_dir)
    unset(_mlguard_line)
  endif()
elseif(NOT MLGUARD_POSTGRES_REASON)
  set(MLGUARD_POSTGRES_REASON "neither libpqxx's CMake package (libpqxx_DIR) nor <pqxx/pqxx> "
      "with libpqxx and libpq was found (Debian: libpqxx-dev)")
endif()
string(CONCAT MLGUARD_POSTGRES_REASON ${MLGUARD_POSTGRES_REASON})
