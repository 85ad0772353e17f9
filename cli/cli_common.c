// SPDX-License-Identifier: BSD-3-Clause
/* Shared command-line helpers (see cli_common.h). Loading a case goes through the case
 * reader with the solver's memory budget per cell; nothing here knows the case format. */
#include "cli_common.h"

#include <stdlib.h>

#include "case_reader.h"
#include "grid.h"
#include "voxels.h"

const char rfl_cli_set_help[] =
    "  -s, --set SECTION.KEY=VALUE\n"
    "                    override a case key, validated like the file (repeatable; later\n"
    "                    ones win); a named section is written SECTION:NAME, e.g.\n"
    "                    --set structure:root.radius_mm=2 --set generator.duration_s=120\n";

const char rfl_cli_exit_codes_help[] =
    "Exit codes:\n"
    "  0  ok\n"
    "  1  a safety flag was raised (the run itself succeeded)\n"
    "  2  bad input or usage\n"
    "  3  numerical failure (divergence, NaN, non-physical state)\n"
    "  4  I/O or system failure\n"
    "  130, 143  interrupted by SIGINT (Ctrl-C) or SIGTERM: temporary files removed, finished\n"
    "     results kept\n";

const char rfl_cli_sweep_exit_codes_help[] =
    "A sweep exits with the worst of its cases (of this shard's when it is one of several):\n"
    "1 when a case raised a safety flag, 3 when a case failed numerically (recorded as\n"
    "failed; the others ran); merge also exits 2 when cases are missing or the directories\n"
    "hold different sweeps.\n";

void rfl_cli_usage(FILE *f, const char *usage, int sweep) {
  fputs(usage, f);
  fputs(rfl_cli_exit_codes_help, f);
  if (sweep) fputs(rfl_cli_sweep_exit_codes_help, f);
}

int rfl_cli_sets_add(rfl_cli_sets *s, const char *cmd, const char *value) {
  if (s->n >= RFL_CLI_MAX_SETS) {
    fprintf(stderr, "rflesion %s: --set %s: expected at most %d --set options, found more\n",
            cmd, value, RFL_CLI_MAX_SETS);
    return 2;
  }
  s->items[s->n++] = value;
  return 0;
}

/* The limit, found once per process (the commands read cases one after another). */
static rfl_memory_limit cli_limit;
static int cli_limit_found; /* 1 found, -1 unknown */

const rfl_memory_limit *rfl_cli_memory_limit(void) {
  if (!cli_limit_found) cli_limit_found = rfl_memory_limit_find(NULL, &cli_limit) == RFL_OK ? 1 : -1;
  return cli_limit_found > 0 ? &cli_limit : NULL;
}

void rfl_cli_memory_check(rfl_case_read_options *opt, const rfl_memory_run_options *run) {
  if (!rfl_cli_memory_limit()) return;
  rfl_memory_check_options(opt, run, &cli_limit);
}

void rfl_cli_accuracy_set(char buf[RFL_CLI_ACCURACY_SET_MAX], const char *mm) {
  snprintf(buf, RFL_CLI_ACCURACY_SET_MAX, "solver.accuracy_mm=%.60s", mm);
}

int rfl_cli_threads_arg(const char *text, int *threads) {
  char *end;
  long v = strtol(text, &end, 10);
  if (*text == '\0' || *end != '\0' || v < 1 || v > 1024) return 0;
  *threads = (int)v;
  return 1;
}

void rfl_cli_case_options(rfl_case_read_options *opt, const char *const *sets, int nsets,
                          const rfl_memory_run_options *run, rfl_case_warnings *warnings) {
  *opt = (rfl_case_read_options){.sets = sets, .nsets = nsets, .warnings = warnings, .voxel_check = rfl_voxels_check};
  rfl_cli_memory_check(opt, run);
}

void rfl_cli_print_warnings(const rfl_case_warnings *w, const char *prefix) {
  for (int i = 0; i < w->count && i < RFL_CASE_MAX_WARNINGS; i++)
    fprintf(stderr, "rflesion: warning: %s%s\n", prefix, w->text[i]);
  if (w->count > RFL_CASE_MAX_WARNINGS)
    fprintf(stderr, "rflesion: warning: %s... and %d more warnings\n", prefix, w->count - RFL_CASE_MAX_WARNINGS);
}

static rfl_status load_case(const char *path, const char *const *sets, int nsets,
                            const rfl_memory_run_options *run, int quiet, rfl_case *out) {
  rfl_case_warnings warnings = {0};
  rfl_case_read_options opt;
  rfl_cli_case_options(&opt, sets, nsets, run, &warnings);
  rfl_status st = rfl_case_read(path, &opt, out);
  if (st == RFL_OK && !quiet) rfl_cli_print_warnings(&warnings, "");
  return st;
}

rfl_status rfl_cli_load_case_quiet(const char *path, const char *const *sets, int nsets,
                                   int quiet, rfl_case *out) {
  return load_case(path, sets, nsets, NULL, quiet, out);
}

rfl_status rfl_cli_load_case_run(const char *path, const rfl_cli_sets *sets,
                                 const rfl_memory_run_options *run, int quiet, rfl_case *out) {
  return load_case(path, sets->items, sets->n, run, quiet, out);
}

rfl_status rfl_cli_load_case(const char *path, const char *const *sets, int nsets, rfl_case *out) {
  return rfl_cli_load_case_quiet(path, sets, nsets, 0, out);
}

int rfl_cli_fail(rfl_status st) {
  const char *msg = rfl_error_message();
  fprintf(stderr, "rflesion: %s\n", msg[0] ? msg : rfl_strerror(st));
  return rfl_status_exit_code(st);
}
