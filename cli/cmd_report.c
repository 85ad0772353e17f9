// SPDX-License-Identifier: BSD-3-Clause
/* rflesion report RESULT.h5 | SWEEPDIR [-o FILE.html]: one self-contained HTML page of a
 * finished run (from its result file alone) or of a sweep (its figures and its results
 * table, assembled from the records like `rflesion merge --partial`). The page itself is
 * postproc/report.c's; here only the arguments, the sweep's records and the exit code. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli_common.h"
#include "commands.h"
#include "report.h"
#include "sweep_dir.h"

#define MAX_FIGURES 64

static const char report_usage[] =
    "Usage: rflesion report RESULT.h5 [-o FILE.html]\n"
    "       rflesion report SWEEPDIR [-o FILE.html]\n"
    "Write one self-contained HTML page (figures embedded, nothing fetched from the network):\n"
    "for a run's result file, the case in words, the lesion, each structure's gap, peak\n"
    "temperature, time over its limit, thermal dose and flags, the generator curves, the\n"
    "slices and the provenance; for a sweep directory, its figures and its results table.\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE.html  where the page goes (default: RESULT.html next to RESULT.h5,\n"
    "                          or SWEEPDIR/report.html)\n"
    "  -q, --quiet             print nothing but errors\n"
    "  -h, --help              this help\n"
    "\n"
    "Page layout: docs/report.md.\n"
    "\n";

/* RESULT.h5 -> RESULT.html; a name without the .h5 extension gets .html appended. */
static void default_output(const char *input, int is_dir, char *buf, size_t size) {
  size_t n = strlen(input);
  if (is_dir) {
    while (n > 1 && input[n - 1] == '/') --n;
    snprintf(buf, size, "%.*s/report.html", (int)n, input);
  } else if (n > 3 && strcasecmp(input + n - 3, ".h5") == 0) {
    snprintf(buf, size, "%.*s.html", (int)(n - 3), input);
  } else {
    snprintf(buf, size, "%s.html", input);
  }
}

static int is_sweep_figure(const struct dirent *e) {
  size_t n = strlen(e->d_name);
  return strncmp(e->d_name, "figure-", 7) == 0 && n > 11 &&
         (strcasecmp(e->d_name + n - 4, ".png") == 0 || strcasecmp(e->d_name + n - 4, ".svg") == 0);
}

/* The sweep's figure files (DIR/figure-*.png, .svg), sorted by name. */
static int sweep_figures(const char *dir, char paths[][RFL_PATH_MAX + 256], int max) {
  struct dirent **list = NULL;
  int n = scandir(dir, &list, is_sweep_figure, alphasort), k = 0;
  for (int i = 0; i < n; ++i) {
    if (k < max) snprintf(paths[k++], sizeof paths[0], "%s/%s", dir, list[i]->d_name);
    free(list[i]);
  }
  free(list);
  return k;
}

static rfl_status report_sweep(const char *dir, const char *out) {
  char *manifest = NULL;
  size_t ncases = 0, missing = 0, first[1];
  uint64_t *hashes = NULL;
  rfl_results_table t;
  rfl_results_table_init(&t);
  rfl_status st = rfl_sweep_dir_read_manifest(dir, &manifest, &ncases);
  if (st == RFL_OK && !(hashes = malloc((ncases ? ncases : 1) * sizeof *hashes)))
    st = RFL_ERROR(RFL_ENOMEM, "out of memory for %zu cases", ncases);
  if (st == RFL_OK) st = rfl_sweep_dir_manifest_hashes(dir, manifest, ncases, hashes);
  if (st == RFL_OK) st = rfl_sweep_dir_collect(&dir, 1, ncases, hashes, &t, &missing, first, 1);
  static char paths[MAX_FIGURES][RFL_PATH_MAX + 256];
  const char *figures[MAX_FIGURES];
  int nfig = st == RFL_OK ? sweep_figures(dir, paths, MAX_FIGURES) : 0;
  for (int i = 0; i < nfig; ++i) figures[i] = paths[i];
  rfl_report_sweep_input in = {.dir = dir, .table = &t, .ncases = ncases, .figures = figures, .nfigures = nfig};
  if (st == RFL_OK) st = rfl_report_sweep(&in, out);
  rfl_results_table_free(&t);
  free(manifest);
  free(hashes);
  return st;
}

int rfl_cmd_report(int argc, char **argv) {
  static const struct option longopts[] = {{"output", required_argument, NULL, 'o'},
                                           {"quiet", no_argument, NULL, 'q'},
                                           {"help", no_argument, NULL, 'h'},
                                           {NULL, 0, NULL, 0}};
  const char *out = NULL;
  int quiet = 0, opt;
  optind = 0;
  opterr = 0;
  while ((opt = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
    switch (opt) {
      case 'o': out = optarg; break;
      case 'q': quiet = 1; break;
      case 'h': rfl_cli_usage(stdout, report_usage, 0); return RFL_CLI_EXIT_OK;
      default:
        fprintf(stderr, "rflesion report: unknown or incomplete option '%s'\n", argv[optind - 1]);
        rfl_cli_usage(stderr, report_usage, 0);
        return RFL_CLI_EXIT_USAGE;
    }
  }
  if (argc - optind != 1) {
    fprintf(stderr, "rflesion report: expected one result file or sweep directory, found %d arguments\n",
            argc - optind);
    rfl_cli_usage(stderr, report_usage, 0);
    return RFL_CLI_EXIT_USAGE;
  }
  const char *input = argv[optind];
  struct stat sb;
  if (stat(input, &sb) != 0) {
    fprintf(stderr, "rflesion: %s: expected a run's result file (.h5) or a sweep directory, found %s\n", input,
            errno == ENOENT ? "no such file" : strerror(errno));
    return 2;
  }
  int is_dir = S_ISDIR(sb.st_mode);
  char def[RFL_PATH_MAX + 16];
  if (!out) {
    default_output(input, is_dir, def, sizeof def);
    out = def;
  }
  rfl_status st = is_dir ? report_sweep(input, out) : rfl_report_run(input, out);
  if (st != RFL_OK) return rfl_cli_fail(st);
  if (!quiet) printf("Report: %s\n", out);
  return 0;
}
