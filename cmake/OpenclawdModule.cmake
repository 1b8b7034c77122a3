# openclawd_module(NAME SOURCES ... DEPENDS ...)
# Declares the static library openclawd_<NAME> built from src/<NAME>/.
# Its public headers live in include/openclawd/<NAME>/; a module reaches
# another only through those headers (link the other module in DEPENDS).
function(openclawd_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPENDS" ${ARGN})
  add_library(openclawd_${name} STATIC ${ARG_SOURCES})
  add_library(openclawd::${name} ALIAS openclawd_${name})
  target_include_directories(openclawd_${name}
    PUBLIC "${PROJECT_SOURCE_DIR}/include" "${PROJECT_BINARY_DIR}/generated"
    PRIVATE "${CMAKE_CURRENT_SOURCE_DIR}")
  target_link_libraries(openclawd_${name} PUBLIC ${ARG_DEPENDS})
endfunction()

# openclawd_gtest(NAME SOURCES ... DEPENDS ... [LABELS ...] [TIMEOUT s])
# One GoogleTest executable registered with ctest (gtest_discover_tests).
# Labels: unit (pure logic), integration (real kernel/services, root),
# e2e (the real daemon binary).
include(GoogleTest OPTIONAL)
function(openclawd_gtest name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;DEPENDS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPENDS} GTest::gmock GTest::gtest_main)
  target_include_directories(${name} PRIVATE "${PROJECT_SOURCE_DIR}/tests")
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  # Where the sources and the built binary are (tests/common/paths.hpp); the
  # environment variables of the same names override them.
  target_compile_definitions(${name} PRIVATE
    "OPENCLAWD_TEST_SOURCE_DIR=\"${PROJECT_SOURCE_DIR}\""
    "OPENCLAWD_TEST_BINARY_DIR=\"${PROJECT_BINARY_DIR}\""
    "OPENCLAWD_TEST_BINARY=\"$<TARGET_FILE:openclawd>\"")
  add_dependencies(${name} openclawd)
  gtest_discover_tests(${name}
    PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT}
    DISCOVERY_TIMEOUT 60)
endfunction()

# openclawd_fuzzer(NAME SOURCES ... DEPENDS ... [CORPUS dir])
# A libFuzzer target; ctest runs it briefly over its seed corpus (label fuzz).
function(openclawd_fuzzer name)
  cmake_parse_arguments(ARG "" "CORPUS" "SOURCES;DEPENDS" ${ARGN})
  if(NOT OPENCLAWD_BUILD_FUZZERS)
    return()
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPENDS})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  # The fuzz preset builds only the target "fuzzers" (not the whole project).
  if(NOT TARGET fuzzers)
    add_custom_target(fuzzers)
  endif()
  add_dependencies(fuzzers ${name})
  set(work "${CMAKE_CURRENT_BINARY_DIR}/${name}-corpus")
  set(seeds "")
  if(ARG_CORPUS)
    set(seeds "${ARG_CORPUS}")
  endif()
  add_test(NAME ${name}
    COMMAND "${PROJECT_SOURCE_DIR}/tests/fuzz/run-fuzzer.sh" $<TARGET_FILE:${name}> "${work}" ${seeds})
  set_tests_properties(${name} PROPERTIES LABELS fuzz TIMEOUT 300)
endfunction()
