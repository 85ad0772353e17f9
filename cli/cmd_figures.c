// SPDX-License-Identifier: BSD-3-Clause
/* rflesion figures RESULT.h5 --out DIR: the figures of a finished run, drawn again from its
 * HDF5 results file (postproc/result_reader.h) with the options a user tunes: colour range,
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
#include "result_reader.h"

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
    "\n";

static int usage_error(const char *fmt, const char *arg) {
  fputs("rflesion figures: ", stderr);
  fprintf(stderr, fmt, arg);
  fputc('\n', stderr);
  return RFL_CLI_EXIT_USAGE;
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

typedef struct {
  const char *out, *path;
  int quiet;
  rfl_figure_set_options o;
} figures_args;

/* The options and the result file's name: -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, figures_args *a) {
  static const struct option longopts[] = {
      {"out", required_argument, NULL, 'o'},   {"range", required_argument, NULL, 'r'},
      {"crop", required_argument, NULL, 'c'},  {"format", required_argument, NULL, 'f'},
      {"dpi", required_argument, NULL, 'd'},   {"quiet", no_argument, NULL, 'q'},
      {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
  optind = 0;
  opterr = 0;
  int opt;
  while ((opt = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
    char *end;
    switch (opt) {
      case 'o':
        a->out = optarg;
        break;
      case 'r':
        if (!parse_range(optarg, &a->o.t_min_C, &a->o.t_max_C))
          return usage_error("--range: expected TMIN:TMAX in C with TMIN < TMAX, found '%s'", optarg);
        break;
      case 'c': {
        double v = strtod(optarg, &end);
        if (end == optarg || *end != '\0' || !(v >= 1.0 && v <= 200.0))
          return usage_error("--crop: expected a half-width in mm, 1..200, found '%s'", optarg);
        a->o.half_width = 1e-3 * v;
        break;
      }
      case 'f':
        if (strcmp(optarg, "png") == 0) a->o.formats = RFL_FIGURE_PNG;
        else if (strcmp(optarg, "svg") == 0) a->o.formats = RFL_FIGURE_SVG;
        else if (strcmp(optarg, "pdf") == 0) a->o.formats = RFL_FIGURE_PDF;
        else return usage_error("--format: expected png, svg or pdf, found '%s'", optarg);
        break;
      case 'd': {
        long v = strtol(optarg, &end, 10);
        if (end == optarg || *end != '\0' || v < 24 || v > 768)
          return usage_error("--dpi: expected an integer 24..768, found '%s'", optarg);
        a->o.style.scale = (double)v / 96.0;
        break;
      }
      case 'q':
        a->quiet = 1;
        break;
      case 'h':
        rfl_cli_usage(stdout, figures_usage, 0);
        return RFL_CLI_EXIT_OK;
      default:
        fprintf(stderr, "rflesion figures: unknown or incomplete option '%s'\n", argv[optind - 1]);
        rfl_cli_usage(stderr, figures_usage, 0);
        return RFL_CLI_EXIT_USAGE;
    }
  }
  if (optind != argc - 1) {
    fprintf(stderr, "rflesion figures: expected one result file, found %d arguments\n", argc - optind);
    rfl_cli_usage(stderr, figures_usage, 0);
    return RFL_CLI_EXIT_USAGE;
  }
  if (!a->out) return usage_error("%s", "--out DIR: expected the directory for the figures, found none");
  a->path = argv[optind];
  return -1;
}

/* The file, in this command's words when it is no file or no HDF5 file at all; the reader
 * says what else is wrong with it. */
static rfl_status open_result(const char *path, rfl_result **r) {
  FILE *f = fopen(path, "rb");
  if (!f) return RFL_ERROR(RFL_EINPUT, "%s: cannot open the result file: %s", path, strerror(errno));
  fclose(f);
  if (!rfl_result_is_hdf5(path))
    return RFL_ERROR(RFL_EINPUT, "%s: expected an HDF5 result file of rflesion run, found another kind of file", path);
  return rfl_result_open(path, r);
}

/* The figure set: the end-of-RF slices from that snapshot, the peak slice from the last one
 * and the time series (one snapshot in memory at a time). */
static rfl_status draw_figures(rfl_result *r, const char *out, const rfl_figure_set_options *o) {
  rfl_field_view view;
  int end = rfl_result_snapshot_at(r, r->kase.generator.duration_s), last = r->nsnapshots - 1;
  rfl_figure_run run = {.kase = &r->kase, .summary = &r->summary};
  if (end >= 0) {
    RFL_CHECK(rfl_result_view(r, end, &view));
    run.end_of_rf = &view;
    RFL_CHECK(rfl_figure_set_write(out, &run, o));
    run.end_of_rf = NULL;
  }
  if (last >= 0) {
    RFL_CHECK(rfl_result_view(r, last, &view));
    run.final = &view;
  }
  run.samples = r->samples;
  run.nsamples = r->nsamples;
  return rfl_figure_set_write(out, &run, o);
}

int rfl_cmd_figures(int argc, char **argv) {
  figures_args a = {.o = {.formats = RFL_FIGURE_PNG, .style = {1.0, NULL}, .t_min_C = NAN, .t_max_C = NAN,
                          .per_structure = 1}};
  int code = parse_args(argc, argv, &a);
  if (code >= 0) return code;
  rfl_result *r = NULL;
  rfl_status st = rfl_output_dir_check("--out", a.out);
  if (st == RFL_OK) st = open_result(a.path, &r);
  stem_check sc = {a.out, a.o.formats};
  struct stat sb;
  if (st == RFL_OK && stat(a.out, &sb) == 0) st = rfl_figure_set_stems(&r->kase, 1, check_stem, &sc);
  if (st == RFL_OK && mkdir(a.out, 0777) != 0 && errno != EEXIST)
    st = RFL_ERROR(RFL_EIO, "%s: cannot create the figures directory: %s", a.out, strerror(errno));
  char footer[256];
  if (st == RFL_OK) {
    const char *hash = r->provenance.case_hash[0] ? r->provenance.case_hash : "unknown";
    rfl_figure_provenance_footer(hash, footer, sizeof footer);
    a.o.style.footer = footer;
    st = draw_figures(r, a.out, &a.o);
  }
  rfl_result_close(r);
  if (st != RFL_OK) return rfl_cli_fail(st);
  if (!a.quiet) printf("Figures: %s/\n", a.out);
  return RFL_CLI_EXIT_OK;
}
