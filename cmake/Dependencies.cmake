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
# NIfTI-1/-2 label images ([grid] voxel_file = *.nii, *.nii.gz): Debian's libnifti2-dev has
# no pkg-config file and a broken CMake config (it names a libznz that does not exist), so
# the library is found by hand. nifti2_io reads both versions; never link -lniftiio too
# (the same symbols, silently wrong dims).
find_path(NIFTI_INCLUDE_DIR nifti2_io.h PATH_SUFFIXES nifti REQUIRED)
find_library(NIFTI2_LIBRARY nifti2 REQUIRED)
find_library(ZNZ_LIBRARY znz REQUIRED)
find_package(ZLIB REQUIRED)
add_library(nifti2_imp UNKNOWN IMPORTED)
set_target_properties(nifti2_imp PROPERTIES IMPORTED_LOCATION "${NIFTI2_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${NIFTI_INCLUDE_DIR}"
  INTERFACE_LINK_LIBRARIES "${ZNZ_LIBRARY};ZLIB::ZLIB;m")
