// SPDX-License-Identifier: BSD-3-Clause
/* rflesion figures RESULT.h5 --out DIR: the figures of a finished run, drawn again from its
 * HDF5 results file (postproc/result_file.c) with the options a user tunes: colour range,
 * crop, format and resolution. The same drawing code as `run --figures`
 * (rfl_figure_set_write), plus a slice towards each protected structure. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "atomic_file.h"
#include "cli_common.h"
#include "commands.h"
#include "figures.h"
#include "result_file.h"

static const char figures_usage[] =
    "Usage: rflesion figures RESULT.h5 --out DIR [options]\n"
    "Draw the figures of a finished run again from its HDF5 results file (rflesion run\n"
    "--output): the end-of-RF slice along the probe towards the nearest protected structure,\n"
    "a cross-section across the probe through the target, a slice towards each protected\n"
    "structure, the peak-temperature slice and the time series, each with the structures\n"
    "marked flagged or clear, a contour at each protected structure's threshold and a\n"
    "provenance footer.\n"
    "\n"
    "Options:\n"
    "  -o, --out DIR            write the figures into DIR (created if missing; required)\n"
    "  --range TMIN:TMAX        colour range of the slices in C, e.g. 37:90 (default: from\n"
    "                           the initial temperature to the hottest shown value)\n"
    "  --crop HALF_MM           slices show HALF_MM mm on either side of the probe axis and\n"
    "                           of the middle of its active tip, 1..200 (default 12)\n"
    "  --format FMT             png, svg or pdf (default png)\n"
    "  --dpi N                  PNG resolution, 24..768 (default 96: the size `run --figures`\n"
    "                           draws, 1080 x 854 px for a slice)\n"
    "  -q, --quiet              print nothing but errors\n"
    "  -h, --help               this help\n"
    "\n"
    "Exit codes: 0 ok, 2 bad input or usage (a file that is not a result of rflesion run),\n"
    "4 I/O or system failure.\n";

static int usage_error(const char *fmt, const char *arg) {
  fputs("rflesion figures: ", stderr);
  fprintf(stderr, fmt, arg);
  fputc('\n', stderr);
  return 2;
}

static int parse_range(const char *text, double *lo, double *hi) {
  char *end;
  *lo = strtod(text, &end);
  if (end == text || *end != ':') return 0;
  const char *second = end + 1;
  *hi = strtod(second, &end);
  return end != second && *end == '\0' && isfinite(*lo) && isfinite(*hi) && *lo < *hi;
}

typedef struct {
  const char *dir;
  int formats;
} stem_check;

static rfl_status check_stem(const char *stem, void *ctx) {
  const stem_check *c = ctx;
  static const char *const ext[] = {"png", "svg", "pdf"};
  char path[RFL_PATH_MAX + RFL_NAME_MAX + 32];
  for (int f = 0; f < 3; ++f)
    if (c->formats & (1 << f)) {
      snprintf(path, sizeof path, "%s/%s.%s", c->dir, stem, ext[f]);
      RFL_CHECK(rfl_output_check("--out", path));
    }
  return RFL_OK;
}

int rfl_cmd_figures(int argc, char **argv) {
  static const struct option longopts[] = {
      {"out", required_argument, NULL, 'o'},   {"range", required_argument, NULL, 'r'},
      {"crop", required_argument, NULL, 'c'},  {"format", required_argument, NULL, 'f'},
      {"dpi", required_argument, NULL, 'd'},   {"quiet", no_argument, NULL, 'q'},
      {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
  const char *out = NULL;
  int quiet = 0;
  rfl_figure_set_options o = {.formats = RFL_FIGURE_PNG, .style = {1.0, NULL}, .t_min_C = NAN, .t_max_C = NAN,
                              .per_structure = 1};
  optind = 0;
  opterr = 0;
  int opt;
  while ((opt = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
    char *end;
    switch (opt) {
      case 'o':
        out = optarg;
        break;
      case 'r':
        if (!parse_range(optarg, &o.t_min_C, &o.t_max_C))
          return usage_error("--range: expected TMIN:TMAX in C with TMIN < TMAX, found '%s'", optarg);
        break;
      case 'c': {
        double v = strtod(optarg, &end);
        if (end == optarg || *end != '\0' || !(v >= 1.0 && v <= 200.0))
          return usage_error("--crop: expected a half-width in mm, 1..200, found '%s'", optarg);
        o.half_width = 1e-3 * v;
        break;
      }
      case 'f':
        if (strcmp(optarg, "png") == 0) o.formats = RFL_FIGURE_PNG;
        else if (strcmp(optarg, "svg") == 0) o.formats = RFL_FIGURE_SVG;
        else if (strcmp(optarg, "pdf") == 0) o.formats = RFL_FIGURE_PDF;
        else return usage_error("--format: expected png, svg or pdf, found '%s'", optarg);
        break;
      case 'd': {
        long v = strtol(optarg, &end, 10);
        if (end == optarg || *end != '\0' || v < 24 || v > 768)
          return usage_error("--dpi: expected an integer 24..768, found '%s'", optarg);
        o.style.scale = (double)v / 96.0;
        break;
      }
      case 'q':
        quiet = 1;
        break;
      case 'h':
        fputs(figures_usage, stdout);
        return 0;
      default:
        fprintf(stderr, "rflesion figures: unknown or incomplete option '%s'\n%s", argv[optind - 1], figures_usage);
        return 2;
    }
  }
  if (optind != argc - 1) {
    fprintf(stderr, "rflesion figures: expected one result file, found %d arguments\n%s", argc - optind, figures_usage);
    return 2;
  }
  if (!out) return usage_error("%s", "--out DIR: expected the directory for the figures, found none");
  const char *path = argv[optind];

  rfl_result_file *res = NULL;
  rfl_status st = rfl_output_dir_check("--out", out);
  if (st == RFL_OK) st = rfl_result_file_read(path, &res);
  stem_check sc = {out, o.formats};
  struct stat sb;
  if (st == RFL_OK && stat(out, &sb) == 0) st = rfl_figure_set_stems(&res->kase, 1, check_stem, &sc);
  if (st != RFL_OK) {
    rfl_result_file_free(res);
    return rfl_cli_fail(st);
  }
  if (mkdir(out, 0777) != 0 && errno != EEXIST) {
    fprintf(stderr, "rflesion: %s: cannot create the figures directory: %s\n", out, strerror(errno));
    rfl_result_file_free(res);
    return 4;
  }
  char footer[256];
  rfl_figure_provenance_footer(res->case_hash, footer, sizeof footer);
  o.style.footer = footer;
  rfl_figure_run run = {.kase = &res->kase, .end_of_rf = res->have_end_of_rf ? &res->end_of_rf : NULL,
                        .final = res->have_final ? &res->final : NULL, .samples = res->samples,
                        .nsamples = res->nsamples, .summary = &res->summary};
  st = rfl_figure_set_write(out, &run, &o);
  rfl_result_file_free(res);
  if (st != RFL_OK) return rfl_cli_fail(st);
  if (!quiet) printf("Figures: %s/\n", out);
  return 0;
}
