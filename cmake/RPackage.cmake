# The R package in r/: installed into the build tree (r-library/) after the C++ library
# is built, and tested with testthat by CTest (label "r"). Needs R, Rcpp and testthat
# (scripts/install-deps.sh); skipped, with a message, where R is missing.
find_program(R_EXECUTABLE R)
find_program(RSCRIPT_EXECUTABLE Rscript)
if(NOT R_EXECUTABLE OR NOT RSCRIPT_EXECUTABLE)
  message(STATUS "R not found: the R package in r/ is not built (scripts/install-deps.sh installs R)")
  return()
endif()

set(R_LIBRARY_DIR ${CMAKE_BINARY_DIR}/r-library)
set(R_PACKAGE_COPY ${CMAKE_BINARY_DIR}/r-package)
file(GLOB_RECURSE R_PACKAGE_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/r/*)
list(FILTER R_PACKAGE_FILES EXCLUDE REGEX "/r/src/(Makevars|.*\\.o|.*\\.so)$")
# R compiles the bindings through ccache too: R reads this file after its own Makeconf.
set(R_MAKEVARS_FILE ${CMAKE_BINARY_DIR}/r-makevars)
if(CCACHE_PROGRAM)
  file(WRITE ${R_MAKEVARS_FILE} "CXX17 = ${CCACHE_PROGRAM} g++\n")
else()
  file(WRITE ${R_MAKEVARS_FILE} "")
endif()

# A fresh copy of the package is installed each time, so that no object file of an
# older build (or of a build against other headers) is reused.
add_custom_command(
  OUTPUT ${R_LIBRARY_DIR}/hourglass/DESCRIPTION
  COMMAND ${CMAKE_COMMAND} -E rm -rf ${R_PACKAGE_COPY}
  COMMAND ${CMAKE_COMMAND} -E copy_directory ${CMAKE_SOURCE_DIR}/r ${R_PACKAGE_COPY}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${R_LIBRARY_DIR}
  COMMAND ${CMAKE_COMMAND} -E env HOURGLASS_ROOT=${CMAKE_SOURCE_DIR} HOURGLASS_LIBRARY=$<TARGET_FILE:hourglass>
          R_MAKEVARS_USER=${R_MAKEVARS_FILE}
          sh -c "'${R_EXECUTABLE}' CMD INSTALL --no-docs --no-html --library='${R_LIBRARY_DIR}' '${R_PACKAGE_COPY}' > '${CMAKE_BINARY_DIR}/r-install.log' 2>&1 || { cat '${CMAKE_BINARY_DIR}/r-install.log'; exit 1; }"
  DEPENDS hourglass ${R_PACKAGE_FILES}
  COMMENT "Installing the R package into ${R_LIBRARY_DIR}"
  VERBATIM)
add_custom_target(r_package ALL DEPENDS ${R_LIBRARY_DIR}/hourglass/DESCRIPTION)

if(HOURGLASS_BUILD_TESTS)
  add_test(NAME r_package_tests
           COMMAND ${RSCRIPT_EXECUTABLE} -e "testthat::test_dir('${CMAKE_SOURCE_DIR}/r/tests/testthat', package = 'hourglass', load_package = 'installed', stop_on_failure = TRUE)")
  set_tests_properties(r_package_tests PROPERTIES
    LABELS r
    ENVIRONMENT "R_LIBS=${R_LIBRARY_DIR};HOURGLASS_CLI=$<TARGET_FILE:hourglass_cli>;OMP_NUM_THREADS=1")
  # The package as CRAN checks it, against the installed library (tests/install/r_check_test.sh).
  add_test(NAME r_package_check
           COMMAND ${CMAKE_SOURCE_DIR}/tests/install/r_check_test.sh ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR}
                   ${CMAKE_BINARY_DIR}/r-check)
  set_tests_properties(r_package_check PROPERTIES
    LABELS r
    TIMEOUT 900
    ENVIRONMENT "HOURGLASS_CLI=$<TARGET_FILE:hourglass_cli>;OMP_NUM_THREADS=1;R_MAKEVARS_USER=${R_MAKEVARS_FILE}")
endif()
