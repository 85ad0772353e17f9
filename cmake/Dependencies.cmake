# SPDX-License-Identifier: BSD-3-Clause
# Third-party libraries, found the standard way (no vendored copies).
find_package(OpenMP REQUIRED COMPONENTS C)
# FindHDF5 picks the serial flavour through h5cc even when an MPI flavour is installed too.
find_package(HDF5 REQUIRED COMPONENTS C HL)
find_package(GSL REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(INIH REQUIRED IMPORTED_TARGET inih)
pkg_check_modules(CAIRO REQUIRED IMPORTED_TARGET cairo)
if(RFL_BUILD_TESTS)
  pkg_check_modules(CMOCKA REQUIRED IMPORTED_TARGET cmocka)
endif()
if(RFL_WITH_MPI)
  find_package(MPI REQUIRED COMPONENTS C)
endif()
find_library(MATH_LIBRARY m REQUIRED)
