cmake_minimum_required(VERSION 3.18)
# Run by CTest (test "test_groups"): every suite the test binary holds must belong to
# one of the per-file CTest tests (tests/CMakeLists.txt), or its cases would never run.
# -DBINARY=the test binary -DSUITES=the suites the files declare, joined by ":".
execute_process(COMMAND ${BINARY} --gtest_list_tests OUTPUT_VARIABLE listing RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${BINARY} --gtest_list_tests failed with ${status}")
endif()
string(REPLACE ":" ";" declared "${SUITES}")
string(REGEX MATCHALL "(^|\n)[A-Za-z0-9_]+\\." suites "${listing}")
set(missing "")
foreach(suite IN LISTS suites)
  string(STRIP "${suite}" suite)
  string(REGEX REPLACE "\\.$" "" suite "${suite}")
  if(NOT suite IN_LIST declared)
    list(APPEND missing ${suite})
  endif()
endforeach()
if(missing)
  message(FATAL_ERROR "suites in no CTest group: ${missing}; declare them with TEST(Suite, Case) or "
                      "TEST_F(Fixture, Case) at the start of a line in a file listed in tests/CMakeLists.txt")
endif()
list(LENGTH suites count)
message(STATUS "${count} suites, each in a CTest group")
