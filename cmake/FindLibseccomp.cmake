# Finds libseccomp; defines the imported target Libseccomp::Libseccomp.
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(PC_LIBSECCOMP QUIET libseccomp)
endif()
find_path(LIBSECCOMP_INCLUDE_DIR seccomp.h HINTS ${PC_LIBSECCOMP_INCLUDE_DIRS})
find_library(LIBSECCOMP_LIBRARY NAMES seccomp HINTS ${PC_LIBSECCOMP_LIBRARY_DIRS})
set(LIBSECCOMP_VERSION ${PC_LIBSECCOMP_VERSION})
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Libseccomp
  REQUIRED_VARS LIBSECCOMP_LIBRARY LIBSECCOMP_INCLUDE_DIR
  VERSION_VAR LIBSECCOMP_VERSION)
if(Libseccomp_FOUND AND NOT TARGET Libseccomp::Libseccomp)
  add_library(Libseccomp::Libseccomp UNKNOWN IMPORTED)
  set_target_properties(Libseccomp::Libseccomp PROPERTIES
    IMPORTED_LOCATION "${LIBSECCOMP_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${LIBSECCOMP_INCLUDE_DIR}")
endif()
mark_as_advanced(LIBSECCOMP_INCLUDE_DIR LIBSECCOMP_LIBRARY)
