# SPDX-License-Identifier: BSD-3-Clause
# The version header generated/rfl_version.h, rewritten at every build from git (see
# WriteVersion.cmake). Targets that include it depend on rfl_version.
if(RFL_WITH_MPI)
  set(_rfl_mpi 1)
else()
  set(_rfl_mpi 0)
endif()
set(_rfl_build_type "${CMAKE_BUILD_TYPE}")
if(NOT _rfl_build_type)
  set(_rfl_build_type "none")
endif()
set(_rfl_version_args
  -DSOURCE_DIR=${CMAKE_SOURCE_DIR}
  -DTEMPLATE=${CMAKE_SOURCE_DIR}/common/version.h.in
  -DOUTPUT=${CMAKE_BINARY_DIR}/generated/rfl_version.h
  -DRELEASE_VERSION=${PROJECT_VERSION}
  -DBUILD_TYPE=${_rfl_build_type}
  -DWITH_MPI=${_rfl_mpi}
  -DWITH_OPENMP=1)
# once at configure time, so the header exists before the first build
execute_process(COMMAND ${CMAKE_COMMAND} ${_rfl_version_args} -P ${CMAKE_SOURCE_DIR}/cmake/WriteVersion.cmake)
add_custom_target(rfl_version
  COMMAND ${CMAKE_COMMAND} ${_rfl_version_args} -P ${CMAKE_SOURCE_DIR}/cmake/WriteVersion.cmake
  BYPRODUCTS ${CMAKE_BINARY_DIR}/generated/rfl_version.h
  COMMENT "Stamping the version from git"
  VERBATIM)
