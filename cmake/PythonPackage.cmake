# The Python package in python/: the core module _hourglass (pybind11) is built into
# build/python; the package's Python files are read from python/ itself, so that
# PYTHONPATH=python:build/python imports it (make install-python writes that into a .pth
# file of the user's site directory). Its pytest suite is a CTest (label "python").
# Needs pybind11, NumPy, pandas, scikit-learn and pytest for Debian's python3
# (scripts/install-deps.sh); skipped, with a message, where pybind11 is missing.
if(NOT DEFINED Python_EXECUTABLE AND EXISTS /usr/bin/python3)
  # Debian's Python, whose packages install-deps.sh installs, not the first python3 on
  # PATH (a pyenv or virtual environment may come first there).
  set(Python_EXECUTABLE /usr/bin/python3)
endif()
set(PYBIND11_FINDPYTHON ON)
find_package(pybind11 CONFIG QUIET)
if(NOT pybind11_FOUND)
  message(STATUS "pybind11 not found: the Python package in python/ is not built (scripts/install-deps.sh installs it)")
  return()
endif()

pybind11_add_module(_hourglass MODULE python/src/module.cpp)
target_link_libraries(_hourglass PRIVATE hourglass)
target_compile_options(_hourglass PRIVATE -Wall -Wextra)
set_target_properties(_hourglass PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/python)
set(HOURGLASS_PYTHONPATH "${CMAKE_SOURCE_DIR}/python:${CMAKE_BINARY_DIR}/python")

if(HOURGLASS_BUILD_TESTS)
  add_test(NAME python_package_tests
           COMMAND ${Python_EXECUTABLE} -m pytest -q -p no:cacheprovider ${CMAKE_SOURCE_DIR}/python/tests)
  set_tests_properties(python_package_tests PROPERTIES
    LABELS python TIMEOUT 1800
    ENVIRONMENT "PYTHONPATH=${HOURGLASS_PYTHONPATH};HOURGLASS_CLI=$<TARGET_FILE:hourglass_cli>;OMP_NUM_THREADS=1;PYTHONDONTWRITEBYTECODE=1;HOURGLASS_R_LIBS=$<$<BOOL:${HOURGLASS_WITH_R}>:${CMAKE_BINARY_DIR}/r-library>")
endif()
