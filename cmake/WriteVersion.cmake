# SPDX-License-Identifier: BSD-3-Clause
# Writes the version header at build time (cmake -P), so that every build states the commit
# it was built from, not the one it was configured at. Inputs: SOURCE_DIR, TEMPLATE, OUTPUT,
# RELEASE_VERSION, BUILD_TYPE, WITH_MPI, WITH_OPENMP. A source tree without git metadata (a
# release tarball) gets the release number alone and the commit "none". The header is
# rewritten only when its text changes, so an unchanged commit rebuilds nothing.
set(RFL_COMMIT "none")
set(RFL_VERSION_FULL "${RELEASE_VERSION}")
find_package(Git QUIET)
if(GIT_FOUND AND EXISTS "${SOURCE_DIR}/.git")
  execute_process(COMMAND "${GIT_EXECUTABLE}" rev-parse HEAD
                  WORKING_DIRECTORY "${SOURCE_DIR}" RESULT_VARIABLE rc_rev
                  OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(rc_rev EQUAL 0 AND commit)
    set(RFL_COMMIT "${commit}")
    # release tags are vRELEASE; without one, describe gives the abbreviated commit
    execute_process(COMMAND "${GIT_EXECUTABLE}" describe --tags --match "v[0-9]*" --always --dirty
                    WORKING_DIRECTORY "${SOURCE_DIR}" RESULT_VARIABLE rc_desc
                    OUTPUT_VARIABLE describe OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    if(rc_desc EQUAL 0 AND describe)
      if(describe MATCHES "^v(.*)$")
        # vX.Y.Z on the tag itself, vX.Y.Z-N-gHASH[-dirty] after it
        set(RFL_VERSION_FULL "${CMAKE_MATCH_1}")
      else()
        set(RFL_VERSION_FULL "${RELEASE_VERSION}+g${describe}")
      endif()
    endif()
  endif()
endif()
set(RFL_VERSION "${RELEASE_VERSION}")
set(RFL_BUILD_TYPE "${BUILD_TYPE}")
set(RFL_BUILT_WITH_MPI "${WITH_MPI}")
set(RFL_BUILT_WITH_OPENMP "${WITH_OPENMP}")
configure_file("${TEMPLATE}" "${OUTPUT}" @ONLY)
