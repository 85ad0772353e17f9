// SPDX-License-Identifier: BSD-3-Clause
/* Status codes and error reporting for every rflesion module.
 *
 * One X-macro list generates the enum and rfl_strerror(). Functions that can fail return
 * an rfl_status; they raise through RFL_ERROR, which records a formatted message (with the
 * source location of the raise, for debugging) in one place and returns the code, so one
 * breakpoint on rfl_error_raise catches every error. The exit code of each status is in
 * the same list (the one table behind `rflesion --help` and the C API); only the programs
 * (cli/, api/) turn statuses into exit codes, through rfl_status_exit_code. The last message
 * is kept per thread. */
#ifndef RFL_STATUS_H
#define RFL_STATUS_H

#include <stdarg.h>

#define RFL_STATUS_LIST(X)                                                        \
  X(RFL_OK, 0, "success")                                                         \
  X(RFL_EINPUT, 2, "bad input")                                                   \
  X(RFL_EUSAGE, 2, "bad usage")                                                   \
  X(RFL_ENOMEM, 4, "out of memory")                                               \
  X(RFL_ENOCONV, 3, "solver did not converge")                                    \
  X(RFL_ENUMERIC, 3, "numerical failure (NaN or non-physical state)")             \
  X(RFL_EIO, 4, "input/output failure")                                           \
  X(RFL_EINTERNAL, 4, "internal error")

typedef enum {
#define RFL_STATUS_ENUM(name, exit_code, text) name,
  RFL_STATUS_LIST(RFL_STATUS_ENUM)
#undef RFL_STATUS_ENUM
      RFL_STATUS_COUNT
} rfl_status;

/* Human-readable name of a status. */
const char *rfl_strerror(rfl_status status);

/* Process exit code for a status, following the table in rflesion --help:
 * 0 ok, 1 safety flag (not a status), 2 bad input/usage, 3 numerical failure, 4 I/O/system. */
int rfl_status_exit_code(rfl_status status);

/* Records the message for the current thread and returns status. The message must be
 * the complete user-facing text ("case.ini:12: [probe] diameter_mm: expected ..."). */
rfl_status rfl_error_raise(rfl_status status, const char *src_file, int src_line,
                           const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The last raised message of this thread ("" if none). */
const char *rfl_error_message(void);
/* Forget the last message (tests use it between cases). */
void rfl_error_clear(void);

#define RFL_ERROR(status, ...) rfl_error_raise((status), __FILE__, __LINE__, __VA_ARGS__)

/* Propagate a failing status from a call. */
#define RFL_CHECK(call)                                                                   \
  do {                                                                                    \
    rfl_status rfl_check_status_ = (call);                                                \
    if (rfl_check_status_ != RFL_OK) return rfl_check_status_;                            \
  } while (0)

#endif
