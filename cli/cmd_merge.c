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

int rfl_cmd_merge(int argc, char **argv) {
  static const struct option longopts[] = {{"out", required_argument, NULL, 'o'},
                                           {"partial", no_argument, NULL, 'p'},
                                           {"figure", required_argument, NULL, 'g'},
                                           {"quiet", no_argument, NULL, 'q'},
                                           {"flags-exit-zero", no_argument, NULL, 'Z'},
                                           {"help", no_argument, NULL, 'h'},
                                           {NULL, 0, NULL, 0}};
  const char *out = NULL, *figures[MAX_FIGURES];
  int partial = 0, quiet = 0, nfigures = 0, flags_exit_zero = 0;
  optind = 0;
  opterr = 0;
  int opt;
  while ((opt = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
    switch (opt) {
      case 'o':
        out = optarg;
        break;
      case 'p':
        partial = 1;
        break;
      case 'g':
        if (nfigures == MAX_FIGURES) {
          fprintf(stderr, "rflesion merge: expected at most %d --figure options, found more\n", MAX_FIGURES);
          return 2;
        }
        figures[nfigures++] = optarg;
        break;
      case 'q':
        quiet = 1;
        break;
      case 'Z':
        flags_exit_zero = 1;
        break;
      case 'h':
        rfl_cli_usage(stdout, merge_usage, 1);
        return RFL_CLI_EXIT_OK;
      default:
        fprintf(stderr, "rflesion merge: unknown or incomplete option '%s'\n", argv[optind - 1]);
        rfl_cli_usage(stderr, merge_usage, 1);
        return RFL_CLI_EXIT_USAGE;
    }
  }
  int ndirs = argc - optind;
  if (ndirs < 1 || ndirs > MAX_DIRS) {
    fprintf(stderr, "rflesion merge: expected 1 to %d sweep directories, found %d\n", MAX_DIRS, ndirs);
    rfl_cli_usage(stderr, merge_usage, 1);
    return RFL_CLI_EXIT_USAGE;
  }
  const char *const *dirs = (const char *const *)(argv + optind);
  if (!out) out = dirs[0];

  /* every directory a sweep's, of the same sweep: a typo is refused, never created */
  char *manifest = NULL;
  size_t ncases = 0;
  uint64_t *hashes = NULL;
  rfl_status st = rfl_sweep_dir_read_manifest(dirs[0], &manifest, &ncases);
  if (st == RFL_OK && !(hashes = malloc((ncases ? ncases : 1) * sizeof *hashes)))
    st = RFL_ERROR(RFL_ENOMEM, "out of memory for %zu cases", ncases);
  if (st == RFL_OK) st = rfl_sweep_dir_manifest_hashes(dirs[0], manifest, ncases, hashes);
  for (int d = 1; d < ndirs && st == RFL_OK; d++) st = rfl_sweep_dir_check_same(dirs[d], manifest);
  if (st == RFL_OK && strcmp(out, dirs[0]) != 0) st = rfl_sweep_dir_prepare(out, manifest, 0);
  rfl_results_table t;
  rfl_results_table_init(&t);
  size_t missing = 0, first[8];
  if (st == RFL_OK) st = rfl_sweep_dir_collect(dirs, ndirs, ncases, hashes, &t, &missing, first, 8);
  if (st == RFL_OK && missing && !partial) {
    char list[160] = "";
    for (size_t i = 0; i < missing && i < 8; i++) {
      size_t n = strlen(list);
      snprintf(list + n, sizeof list - n, "%s%zu", i ? ", " : "", first[i]);
    }
    st = RFL_ERROR(RFL_EINPUT,
                   "expected results for all %zu cases, found %zu missing (cases %s%s): run the unfinished shards "
                   "again (the same command resumes them), or give --partial",
                   ncases, missing, list, missing > 8 ? ", ..." : "");
  }
  if (st == RFL_OK) st = rfl_sweep_dir_write_table(out, &t, manifest);
  for (int i = 0; i < nfigures && st == RFL_OK; i++) {
    char path[RFL_PATH_MAX + 512];
    st = rfl_sweep_figure(out, &t, figures[i], path, sizeof path);
    if (st == RFL_OK && !quiet) printf("Figure: %s\n", path);
  }
  int code;
  if (st != RFL_OK) {
    fprintf(stderr, "rflesion: %s\n", rfl_error_message());
    code = rfl_status_exit_code(st);
  } else {
    code = rfl_sweep_table_exit_code(&t);
    if (code == 1 && flags_exit_zero) code = 0;
    if (!quiet)
      printf("Merged %zu of %zu cases from %d director%s into %s/results.h5 and %s/results.csv\n", t.nrows, ncases,
             ndirs, ndirs == 1 ? "y" : "ies", out, out);
  }
  rfl_results_table_free(&t);
  free(manifest);
  free(hashes);
  return code;
}
