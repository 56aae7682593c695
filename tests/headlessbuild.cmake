# Configures and builds Strata with STRATA_BUILD_GUI=OFF — Qt Widgets is never looked for, so
# any include of it from core/ or its tests fails to compile — then runs the core tests there
# (the PostgreSQL suites, built here too, run once, in the main build, against its server).
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${BINARY_DIR} -G Ninja
                        -DSTRATA_BUILD_GUI=OFF -DSTRATA_BUILD_BENCH=OFF
                        -DCMAKE_BUILD_TYPE=Debug
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "headless configure failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BINARY_DIR} -j2 RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "core or its tests do not build without Qt Widgets")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E env QT_QPA_PLATFORM=offscreen
                        ctest --test-dir ${BINARY_DIR} --output-on-failure
                        -LE postgres RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "core tests failed in the headless build")
endif()
file(STRINGS ${BINARY_DIR}/CMakeCache.txt widgets REGEX "^Qt6Widgets_DIR:PATH=/")
if(widgets)
  message(FATAL_ERROR "the headless configuration found Qt Widgets: ${widgets}")
endif()
message(STATUS "core and its tests build and pass without Qt Widgets")
