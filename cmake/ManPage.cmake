# SPDX-License-Identifier: BSD-3-Clause
# Writes the man page from the program's --help with help2man (cmake -P). The page is dated
# by the last commit (SOURCE_DATE_EPOCH), or left undated outside git, so that two builds of
# one commit give the same page.
set(epoch "")
find_package(Git QUIET)
if(GIT_FOUND AND EXISTS "${SOURCE_DIR}/.git")
  execute_process(COMMAND "${GIT_EXECUTABLE}" log -1 --format=%ct WORKING_DIRECTORY "${SOURCE_DIR}"
                  OUTPUT_VARIABLE epoch OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
endif()
if(NOT epoch)
  set(epoch 0)
endif()
set(ENV{SOURCE_DATE_EPOCH} "${epoch}")
execute_process(COMMAND "${HELP2MAN}" -N
                -n "simulate the thermal lesion of a radiofrequency needle electrode near nerve roots"
                -o "${OUTPUT}" "${PROGRAM}"
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "help2man failed: ${err}")
endif()
