// SPDX-License-Identifier: BSD-3-Clause
/* rflesion merge DIR...: gather the results records of one sweep, run as shards (a SLURM
 * job array, --shard) into one directory or into several, into one table. Every directory
 * must hold the same manifest (the same expanded sweep); a case is taken from the first
 * directory that has its record. Without --partial every case must have a record. */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_common.h"
#include "commands.h"
#include "sweep_dir.h"

#define MAX_DIRS 4096
#define MAX_FIGURES 16

static const char merge_usage[] =
    "Usage: rflesion merge [options] DIR...\n"
    "Assemble the results records of a sweep (shards run into one directory or several)\n"
    "into OUT/results.h5 and OUT/results.csv, one row per case sorted by case index.\n"
    "\n"
    "Options:\n"
    "  --out OUT                 where the table goes (default: the first DIR; another\n"
    "                            directory gets the manifest too)\n"
    "  --partial                 write the table even when cases have no results yet\n"
    "  --figure METRIC:X[:GROUP] draw a sweep figure into OUT (as rflesion sweep)\n"
    "  --flags-exit-zero         exit 0 when cases raised safety flags (as rflesion sweep)\n"
    "  -q, --quiet               print nothing but errors\n"
    "  -h, --help                this help\n"
    "\n"
    "\n";

typedef struct {
  const char *out, *figures[MAX_FIGURES];
  int partial, quiet, nfigures, flags_exit_zero;
  const char *const *dirs;
  int ndirs;
} merge_args;

/* The options and the directories: -1 to go on, else the exit code. */
static int parse_args(merge_args *a, int argc, char **argv) {
  static const struct option longopts[] = {{"out", required_argument, NULL, 'o'},
                                           {"partial", no_argument, NULL, 'p'},
                                           {"figure", required_argument, NULL, 'g'},
                                           {"quiet", no_argument, NULL, 'q'},
                                           {"flags-exit-zero", no_argument, NULL, 'Z'},
                                           {"help", no_argument, NULL, 'h'},
                                           {NULL, 0, NULL, 0}};
  optind = 0;
  opterr = 0;
  int opt;
  while ((opt = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
    if (opt == 'o') a->out = optarg;
    else if (opt == 'p') a->partial = 1;
    else if (opt == 'q') a->quiet = 1;
    else if (opt == 'Z') a->flags_exit_zero = 1;
    else if (opt == 'g' && a->nfigures < MAX_FIGURES) a->figures[a->nfigures++] = optarg;
    else if (opt == 'g') {
      fprintf(stderr, "rflesion merge: expected at most %d --figure options, found more\n", MAX_FIGURES);
      return RFL_CLI_EXIT_USAGE;
    } else if (opt == 'h') {
      rfl_cli_usage(stdout, merge_usage, 1);
      return RFL_CLI_EXIT_OK;
    } else {
      fprintf(stderr, "rflesion merge: unknown or incomplete option '%s'\n", argv[optind - 1]);
      rfl_cli_usage(stderr, merge_usage, 1);
      return RFL_CLI_EXIT_USAGE;
    }
  }
  a->ndirs = argc - optind;
  if (a->ndirs < 1 || a->ndirs > MAX_DIRS) {
    fprintf(stderr, "rflesion merge: expected 1 to %d sweep directories, found %d\n", MAX_DIRS, a->ndirs);
    rfl_cli_usage(stderr, merge_usage, 1);
    return RFL_CLI_EXIT_USAGE;
  }
  a->dirs = (const char *const *)(argv + optind);
  if (!a->out) a->out = a->dirs[0];
  return -1;
}

/* Every directory a sweep's, of the same sweep (a typo is refused, never created), and OUT
 * prepared: the manifest and its cases' hashes. */
static rfl_status check_dirs(const merge_args *a, char **manifest, size_t *ncases, uint64_t **hashes) {
  RFL_CHECK(rfl_sweep_dir_read_manifest(a->dirs[0], manifest, ncases));
  if (!(*hashes = malloc((*ncases ? *ncases : 1) * sizeof **hashes)))
    return RFL_ERROR(RFL_ENOMEM, "out of memory for %zu cases", *ncases);
  RFL_CHECK(rfl_sweep_dir_manifest_hashes(a->dirs[0], *manifest, *ncases, *hashes));
  for (int d = 1; d < a->ndirs; d++) RFL_CHECK(rfl_sweep_dir_check_same(a->dirs[d], *manifest));
  if (strcmp(a->out, a->dirs[0]) != 0) RFL_CHECK(rfl_sweep_dir_prepare(a->out, *manifest, 0));
  return RFL_OK;
}

/* The records into t; without --partial every case must have one. */
static rfl_status collect(const merge_args *a, size_t ncases, const uint64_t *hashes, rfl_results_table *t) {
  size_t missing = 0, first[8];
  RFL_CHECK(rfl_sweep_dir_collect(a->dirs, a->ndirs, ncases, hashes, t, &missing, first, 8));
  if (!missing || a->partial) return RFL_OK;
  char list[160] = "";
  for (size_t i = 0; i < missing && i < 8; i++) {
    size_t n = strlen(list);
    snprintf(list + n, sizeof list - n, "%s%zu", i ? ", " : "", first[i]);
  }
  return RFL_ERROR(RFL_EINPUT,
                   "expected results for all %zu cases, found %zu missing (cases %s%s): run the unfinished shards "
                   "again (the same command resumes them), or give --partial",
                   ncases, missing, list, missing > 8 ? ", ..." : "");
}

/* The table and its figures in OUT. */
static rfl_status write_out(const merge_args *a, const rfl_results_table *t, const char *manifest) {
  RFL_CHECK(rfl_sweep_dir_write_table(a->out, t, manifest));
  for (int i = 0; i < a->nfigures; i++) {
    char path[RFL_PATH_MAX + 512];
    RFL_CHECK(rfl_sweep_figure(a->out, t, a->figures[i], path, sizeof path));
    if (!a->quiet) printf("Figure: %s\n", path);
  }
  return RFL_OK;
}

int rfl_cmd_merge(int argc, char **argv) {
  merge_args a = {0};
  int code = parse_args(&a, argc, argv);
  if (code >= 0) return code;
  char *manifest = NULL;
  size_t ncases = 0;
  uint64_t *hashes = NULL;
  rfl_results_table t;
  rfl_results_table_init(&t);
  rfl_status st = check_dirs(&a, &manifest, &ncases, &hashes);
  if (st == RFL_OK) st = collect(&a, ncases, hashes, &t);
  if (st == RFL_OK) st = write_out(&a, &t, manifest);
  if (st != RFL_OK) {
    code = rfl_cli_fail(st);
  } else {
    code = rfl_sweep_table_exit_code(&t);
    if (code == 1 && a.flags_exit_zero) code = 0;
    if (!a.quiet)
      printf("Merged %zu of %zu cases from %d director%s into %s/results.h5 and %s/results.csv\n", t.nrows, ncases,
             a.ndirs, a.ndirs == 1 ? "y" : "ies", a.out, a.out);
  }
  rfl_results_table_free(&t);
  free(manifest);
  free(hashes);
  return code;
}
