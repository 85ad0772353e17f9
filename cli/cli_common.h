// SPDX-License-Identifier: BSD-3-Clause
/* Helpers shared by the rflesion commands: collecting --set options with getopt_long,
 * loading a case with its overrides (warnings go to stderr), and reporting a failed status
 * as a message plus exit code. Exit codes follow the table in rflesion --help. */
#ifndef RFL_CLI_COMMON_H
#define RFL_CLI_COMMON_H

#include <stdio.h>

#include "case.h"
#include "case_reader.h"
#include "memory_estimate.h"
#include "memory_limit.h"
#include "status.h"

#define RFL_CLI_MAX_SETS 256

/* The getopt_long entry every command that reads a case uses: --set SECTION.KEY=VALUE. */
#define RFL_CLI_SET_OPTION {"set", required_argument, NULL, 's'}

/* Help text for --set, for the commands' usage messages. */
extern const char rfl_cli_set_help[];

/* The exit-code table, for usage messages: every command prints it (a sweep's commands
 * add how the cases' codes combine). */
extern const char rfl_cli_exit_codes_help[];

/* How a sweep's cases combine into its exit code (sweep, merge), after the table. */
extern const char rfl_cli_sweep_exit_codes_help[];

/* Usage text, then the exit-code table (and for a sweep's commands how its cases combine). */
void rfl_cli_usage(FILE *f, const char *usage, int sweep);

/* Exit codes that are not a status (rfl_status_exit_code maps the others). */
enum { RFL_CLI_EXIT_OK = 0, RFL_CLI_EXIT_FLAGS = 1, RFL_CLI_EXIT_USAGE = 2 };

/* --set values in command-line order (pointers into argv; nothing is copied). */
typedef struct {
  const char *items[RFL_CLI_MAX_SETS];
  int n;
} rfl_cli_sets;

/* Add one --set value. Returns 0, or prints a usage error naming cmd and returns exit code
 * 2 when there are more than RFL_CLI_MAX_SETS. */
int rfl_cli_sets_add(rfl_cli_sets *s, const char *cmd, const char *value);

/* --accuracy MM as the --set it stands for ("solver.accuracy_mm=MM", validated by the
 * reader) into buf. */
#define RFL_CLI_ACCURACY_SET_MAX 96
void rfl_cli_accuracy_set(char buf[RFL_CLI_ACCURACY_SET_MAX], const char *mm);

/* --threads N: 1 and *threads = N for an integer 1..1024, else 0 (the caller says so). */
int rfl_cli_threads_arg(const char *text, int *threads);

/* The case reader's options every command uses: the --set list, the voxel-file check, the
 * memory check (rfl_cli_memory_check with run) and where warnings go (may be NULL). */
void rfl_cli_case_options(rfl_case_read_options *opt, const char *const *sets, int nsets,
                          const rfl_memory_run_options *run, rfl_case_warnings *warnings);

/* The reader's warnings on stderr, "rflesion: warning: PREFIXtext" each (prefix may be ""),
 * and how many more there were than it keeps. */
void rfl_cli_print_warnings(const rfl_case_warnings *w, const char *prefix);

/* Read and validate a case file with --set overrides (applied in order; later ones win),
 * checking that its run fits in memory (rfl_cli_memory_check, HDF5 output, no figures). Warnings are printed
 * to stderr as "rflesion: warning: ..." unless quiet; the error (if any) is left in
 * rfl_error_message() for the caller (see rfl_cli_fail). */
rfl_status rfl_cli_load_case(const char *path, const char *const *sets, int nsets, rfl_case *out);
rfl_status rfl_cli_load_case_quiet(const char *path, const char *const *sets, int nsets,
                                   int quiet, rfl_case *out);
/* The same, with the memory check for what the run writes (run: as rfl_cli_memory_check). */
rfl_status rfl_cli_load_case_run(const char *path, const rfl_cli_sets *sets,
                                 const rfl_memory_run_options *run, int quiet, rfl_case *out);

/* Set the reader's memory check: the run's estimate (solver/memory_estimate.h, for what the
 * run writes: run may be NULL for HDF5 output and no figures; it must outlive the read)
 * against the limit that applies to this process (solver/memory_limit.h), found once. */
void rfl_cli_memory_check(rfl_case_read_options *opt, const rfl_memory_run_options *run);

/* The limit rfl_cli_memory_check uses (NULL when not even the physical memory is known). */
const rfl_memory_limit *rfl_cli_memory_limit(void);

/* Print "rflesion: <message of the last error>" to stderr and return the exit code of st. */
int rfl_cli_fail(rfl_status st);

#endif
