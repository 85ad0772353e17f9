# SPDX-License-Identifier: BSD-3-Clause
# One warning set for every target of the project (not for the libraries it uses).
add_library(rfl_warnings INTERFACE)
target_compile_options(rfl_warnings INTERFACE -Wall -Wextra -Wshadow -Wstrict-prototypes
  -Wmissing-prototypes -Wno-unknown-pragmas)
if(RFL_WERROR)
  target_compile_options(rfl_warnings INTERFACE -Werror)
endif()
# POSIX functions (rename, fileno, isatty, clock_gettime) with a strict C11 compiler.
target_compile_definitions(rfl_warnings INTERFACE _POSIX_C_SOURCE=200809L)
