// SPDX-License-Identifier: BSD-3-Clause
/* rflesion.h: the public C API of the rflesion library (link rflesion::rflesion with CMake,
 * or `pkg-config --cflags --libs rflesion`).
 *
 * Read and validate a case file (with the same SECTION.KEY=VALUE overrides as the
 * program's --set), run it, read its results by the names of the sweep table's columns
 * (docs/hpc.md: lesion_width_mm, NAME.margin_mm, flags, ...), free. Every function that can
 * fail returns a status and leaves a message for rflesion_last_error(); nothing here prints
 * or exits. A case and a result are independent objects: free each with its own function.
 * Calls on different objects may run in different threads; the solver's threads are
 * OpenMP's (rflesion_run_options.threads). */
#ifndef RFLESION_H
#define RFLESION_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RFLESION_API_VERSION 1

/* The program's exit codes are rflesion_exit_code() of these (a raised safety flag, exit
 * code 1, is a result: rflesion_result_flag_count). */
typedef enum {
  RFLESION_OK = 0,
  RFLESION_EINPUT,    /* bad input: the message names the file, line and key */
  RFLESION_EUSAGE,    /* a bad argument to an API call */
  RFLESION_ENOMEM,    /* out of memory */
  RFLESION_ENOCONV,   /* a solver did not converge */
  RFLESION_ENUMERIC,  /* a non-physical or non-finite state */
  RFLESION_EIO,       /* input/output failure */
  RFLESION_EINTERNAL, /* a bug: please report it with the message */
  RFLESION_ENOTFOUND  /* no result of that name */
} rflesion_status;

typedef struct rflesion_case rflesion_case;
typedef struct rflesion_result rflesion_result;

/* The library's version with its git description, e.g. "0.1.0+g1a2b3c4". */
const char *rflesion_version(void);
/* The full commit the library was built from ("none" outside git). */
const char *rflesion_commit(void);
/* The message of the last failure in this thread ("" if none). */
const char *rflesion_last_error(void);
/* The program's exit code for a status: 0, 2 (input/usage), 3 (numerical), 4 (system). */
int rflesion_exit_code(rflesion_status status);

/* Reads and validates a case file; sets (may be NULL when nsets is 0) are overrides
 * "SECTION.KEY=VALUE", later ones winning. On failure *out is NULL. */
rflesion_status rflesion_case_read(const char *path, const char *const *sets, int nsets, rflesion_case **out);
/* The same from text in memory; name stands for the file in messages and relative paths. */
rflesion_status rflesion_case_read_text(const char *name, const char *text, size_t len, const char *const *sets,
                                        int nsets, rflesion_case **out);
/* Warnings the reader raised (a key the case ignores, a setting the model doubts). */
int rflesion_case_warning_count(const rflesion_case *c);
const char *rflesion_case_warning(const rflesion_case *c, int i);
/* The resolved case as a case file (every key, defaults included), malloc'ed: free() it. */
rflesion_status rflesion_case_text(const rflesion_case *c, char **text);
void rflesion_case_free(rflesion_case *c);

typedef struct {
  int threads;         /* OpenMP threads; 0: the case's [solver] threads, else OpenMP's default */
  const char *h5path;  /* HDF5 results (+ XDMF sidecar) to write, or NULL for none */
} rflesion_run_options;

/* Runs a case (opt may be NULL). A failed run returns its status and *out NULL; a run
 * whose safety flags were raised is a success with flags in its result. */
rflesion_status rflesion_run(const rflesion_case *c, const rflesion_run_options *opt, rflesion_result **out);

/* Results by name, as the sweep table's columns. Numbers (lengths in mm, volumes in mm^3,
 * temperatures in C, V, W, ohm, J; NaN when not defined, e.g. the distal projection of no
 * lesion) and texts ("flags"). RFLESION_ENOTFOUND for an unknown name. */
rflesion_status rflesion_result_number(const rflesion_result *r, const char *name, double *value);
rflesion_status rflesion_result_text(const rflesion_result *r, const char *name, const char **text);
/* Every result name, in the table's order: i from 0 to rflesion_result_count() - 1. */
int rflesion_result_count(const rflesion_result *r);
const char *rflesion_result_name(const rflesion_result *r, int i);
/* The safety flags raised ("STRUCTURE: flag_name"). */
int rflesion_result_flag_count(const rflesion_result *r);
const char *rflesion_result_flag(const rflesion_result *r, int i);
void rflesion_result_free(rflesion_result *r);

#ifdef __cplusplus
}
#endif

#endif
