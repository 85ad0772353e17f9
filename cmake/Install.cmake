# SPDX-License-Identifier: BSD-3-Clause
# Installation, as a library of this field installs: GNUInstallDirs layout, the program
# with a relocatable RPATH and a man page, the library with its header, an exported CMake
# package (find_package(rflesion CONFIG) -> rflesion::rflesion) and a relocatable
# pkg-config file, and the cases, data and docs under share/rflesion.
include(CMakePackageConfigHelpers)

set_target_properties(rflesion PROPERTIES INSTALL_RPATH "$ORIGIN/../${CMAKE_INSTALL_LIBDIR}")
install(TARGETS rflesion RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS rflesion_lib EXPORT rflesionTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  PUBLIC_HEADER DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT rflesionTargets NAMESPACE rflesion:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/rflesion)
configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/rflesion-config.cmake.in
  ${CMAKE_BINARY_DIR}/rflesion-config.cmake INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/rflesion)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/rflesion-config-version.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/rflesion-config.cmake ${CMAKE_BINARY_DIR}/rflesion-config-version.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/rflesion)

# pkg-config: prefix relative to the .pc file, so an installed tree can be moved
set(_rfl_pcdir ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
file(RELATIVE_PATH RFL_PC_PREFIX_FROM_PCDIR /prefix/${_rfl_pcdir} /prefix)
string(REGEX REPLACE "/$" "" RFL_PC_PREFIX_FROM_PCDIR "${RFL_PC_PREFIX_FROM_PCDIR}")
configure_file(${CMAKE_SOURCE_DIR}/cmake/rflesion.pc.in ${CMAKE_BINARY_DIR}/rflesion.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/rflesion.pc DESTINATION ${_rfl_pcdir})

# the man page, from --help (help2man), dated by the last commit so the build is reproducible
find_program(RFL_HELP2MAN help2man)
if(RFL_HELP2MAN)
  add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/rflesion.1
    COMMAND ${CMAKE_COMMAND} -DHELP2MAN=${RFL_HELP2MAN} -DPROGRAM=$<TARGET_FILE:rflesion>
            -DSOURCE_DIR=${CMAKE_SOURCE_DIR} -DOUTPUT=${CMAKE_BINARY_DIR}/rflesion.1
            -P ${CMAKE_SOURCE_DIR}/cmake/ManPage.cmake
    DEPENDS rflesion ${CMAKE_SOURCE_DIR}/cmake/ManPage.cmake
    COMMENT "Man page rflesion.1 from --help")
  add_custom_target(rflesion_man ALL DEPENDS ${CMAKE_BINARY_DIR}/rflesion.1)
  install(FILES ${CMAKE_BINARY_DIR}/rflesion.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
  message(STATUS "help2man not found: no man page (apt-get install help2man)")
endif()

install(DIRECTORY ${CMAKE_SOURCE_DIR}/cases ${CMAKE_SOURCE_DIR}/data ${CMAKE_SOURCE_DIR}/docs
  DESTINATION ${CMAKE_INSTALL_DATADIR}/rflesion)
install(FILES ${CMAKE_SOURCE_DIR}/LICENSE ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/CITATION.cff
  ${CMAKE_SOURCE_DIR}/CHANGELOG.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
