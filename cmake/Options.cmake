# SPDX-License-Identifier: BSD-3-Clause
# Build options. MPI (the sweep's task farm) is off by default; the presets turn it on.
option(RFL_WITH_MPI "Build the MPI task farm for sweeps" OFF)
option(RFL_BUILD_TESTS "Build the cmocka test suite" ON)
option(RFL_BUILD_BENCH "Build the benchmark harness in bench/" ON)
option(RFL_WERROR "Treat compiler warnings as errors" OFF)
option(RFL_FUZZ "Build the libFuzzer target for the case reader (needs clang)" OFF)

set(CMAKE_C_STANDARD 11)
set(CMAKE_C_STANDARD_REQUIRED ON)
set(CMAKE_C_EXTENSIONS OFF)
if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE Release CACHE STRING "Build type" FORCE)
endif()
# The static libraries also go into the shared librflesion (api/): position-independent code.
set(CMAKE_POSITION_INDEPENDENT_CODE ON)
include(GNUInstallDirs)
