// SPDX-License-Identifier: BSD-3-Clause
/* Status table and the single raise point for errors (see status.h). The message buffer is
 * thread-local so OpenMP threads and sweep workers never overwrite each other's errors. */
#include "status.h"

#include <stdio.h>

static _Thread_local char last_message[2048];

const char *rfl_strerror(rfl_status status) {
  switch (status) {
#define RFL_STATUS_TEXT(name, exit_code, text) \
  case name:                                   \
    return text;
    RFL_STATUS_LIST(RFL_STATUS_TEXT)
#undef RFL_STATUS_TEXT
    default:
      return "unknown status";
  }
}

int rfl_status_exit_code(rfl_status status) {
  switch (status) {
#define RFL_STATUS_EXIT(name, exit_code, text) \
  case name:                                   \
    return exit_code;
    RFL_STATUS_LIST(RFL_STATUS_EXIT)
#undef RFL_STATUS_EXIT
    default:
      return 4;
  }
}

rfl_status rfl_error_raise(rfl_status status, const char *src_file, int src_line,
                           const char *fmt, ...) {
  (void)src_file; /* kept for debuggers: break on rfl_error_raise and read these */
  (void)src_line;
  va_list args;
  va_start(args, fmt);
  vsnprintf(last_message, sizeof last_message, fmt, args);
  va_end(args);
  return status;
}

const char *rfl_error_message(void) { return last_message; }

void rfl_error_clear(void) { last_message[0] = '\0'; }
