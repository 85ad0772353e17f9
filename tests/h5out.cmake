# SPDX-License-Identifier: BSD-3-Clause
# The HDF5 result writer (postproc/h5out*.c): the cmocka round trip, a small writer program
# for the external readers, the h5py read-back and the ParaView check of the XDMF sidecar.
# Checks that cannot run here are still registered and report a visible skip (code 77).
rfl_add_test(test_h5out LIBS rfl_postproc)

add_executable(h5_writer h5_writer.c)
target_link_libraries(h5_writer PRIVATE rfl_postproc rfl_warnings)
target_include_directories(h5_writer PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})

set(RFL_SKIP_CODE 77)
# Debian's interpreter, where python3-h5py and ParaView's modules live (not a pyenv shim).
find_program(SYSTEM_PYTHON3 python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(SYSTEM_PYTHON3)
  add_test(NAME h5_readback COMMAND ${SYSTEM_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/h5_readback.py
    $<TARGET_FILE:h5_writer> ${CMAKE_CURRENT_BINARY_DIR}/h5out_py)
else()
  add_test(NAME h5_readback COMMAND sh -c
    "echo 'SKIPPED: /usr/bin/python3 not found (install python3-h5py python3-numpy)'; exit ${RFL_SKIP_CODE}")
endif()
set_tests_properties(h5_readback PROPERTIES LABELS "unit;python" TIMEOUT 120
  SKIP_RETURN_CODE ${RFL_SKIP_CODE})

find_program(PVPYTHON pvpython)
find_program(XVFB_RUN xvfb-run)
if(PVPYTHON AND XVFB_RUN)
  # Xvfb -noreset: without it the server resets when a client disconnects and ParaView
  # aborts with "bad X server connection" in about one run in four.
  add_test(NAME xdmf_paraview COMMAND ${XVFB_RUN} -a -s "-screen 0 1024x768x24 -noreset"
    ${PVPYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/xdmf_paraview.py
    $<TARGET_FILE:h5_writer> ${CMAKE_CURRENT_BINARY_DIR}/h5out_paraview)
else()
  add_test(NAME xdmf_paraview COMMAND sh -c
    "echo 'SKIPPED: pvpython or xvfb-run not found (install paraview python3-paraview xvfb xauth)'; exit ${RFL_SKIP_CODE}")
endif()
set_tests_properties(xdmf_paraview PROPERTIES LABELS paraview TIMEOUT 300
  SKIP_RETURN_CODE ${RFL_SKIP_CODE})
