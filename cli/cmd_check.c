// SPDX-License-Identifier: BSD-3-Clause
/* rflesion check CASE: read and validate a case (with --set overrides), print it resolved
 * (every key, defaults filled in, as a case file that reads back to the same case), then
 * build the grid and the voxelised geometry and report them as comment lines: cells per
 * axis, spacing range, cell count, the memory a run needs (array by array) and the limit it
 * is checked against, cells per material and per
 * electrode part, and how well the grid represents each electrode. The whole standard
 * output is therefore itself a valid case file. It runs no simulation. The reader also
 * checks the header of a voxel file (the common loader passes rfl_voxels_check), so that a
 * bad voxel file is reported at its line of the case file. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "case_reader.h"
#include "cli_common.h"
#include "commands.h"
#include "geometry.h"
#include "grid.h"
#include "memory_estimate.h"
#include "metrics.h"
#include "summary.h"

static void check_usage(FILE *f) {
  fputs("Usage: rflesion check CASE [options]\n"
        "Validate a case file, print the resolved case (every value, defaults filled in,\n"
        "as a case file) and a report of its grid and voxelised geometry. Runs nothing.\n"
        "\n"
        "Options:\n",
        f);
  fputs(rfl_cli_set_help, f);
  fputs("  --accuracy MM     target discretisation error of lengths and margins (= --set\n"
        "                    solver.accuracy_mm=MM): the automatic grid is sized for it\n", f);
  fputs("  -q, --quiet       print nothing on success (errors still go to stderr)\n"
        "  --keys-markdown   print the key tables of docs/case-format.md (no CASE)\n"
        "  --metrics-markdown print the metric tables of docs/json-summary.md (no CASE)\n"
        "  --metrics-tsv     print the metric table, one tab-separated line per metric (no CASE)\n"
        "  -h, --help        this help\n"
        "\n",
        f);
  fputs(rfl_cli_exit_codes_help, f);
}

static void report_grid(FILE *f, const rfl_grid *g) {
  double hmin, hmax;
  rfl_grid_spacing_range(g, &hmin, &hmax);
  fprintf(f, "\n; ---- grid ----\n");
  fprintf(f, "; cells per axis      : %d x %d x %d\n", g->n[0], g->n[1], g->n[2]);
  fprintf(f, "; spacing range       : %.4g .. %.4g mm\n", hmin * 1e3, hmax * 1e3);
  fprintf(f, "; cells               : %zu\n", g->ncells);
}

/* The run's memory estimate array by array, against the limit the run is checked against. */
static int report_memory(FILE *f, const rfl_case *c) {
  const double mib = 1024.0 * 1024.0;
  rfl_memory_estimate e;
  rfl_memory_run_options run = {.output = 1};
  rfl_status st = rfl_memory_estimate_case(c, &run, &e);
  if (st != RFL_OK) return rfl_cli_fail(st);
  fprintf(f, "; memory estimate     : %.1f MiB for a run with its HDF5 file (%.0f bytes per cell;\n"
             ";                       --figures adds %.0f MiB):\n",
          e.total / mib, (e.total - RFL_MEMORY_PROGRAM_BYTES) / (double)e.cells,
          RFL_MEMORY_FIGURES_BYTES / mib);
  for (int i = 0; i < e.nitems; i++)
    fprintf(f, ";   %-30s %8.1f MiB\n", e.items[i].what, e.items[i].bytes / mib);
  const rfl_memory_limit *limit = rfl_cli_memory_limit();
  if (limit)
    fprintf(f, "; memory limit        : %.1f MiB (%s)\n", limit->bytes / mib, limit->source);
  else
    fprintf(f, "; memory limit        : unknown (not checked)\n");
  return 0;
}

static void report_geometry(FILE *f, const rfl_case *c, const rfl_geometry *geo) {
  static const char *const parts[3] = {"tissue", "active tip", "insulated shaft"};
  fprintf(f, ";\n; ---- cells per material ----\n");
  for (int m = 0; m < c->nmaterials; m++)
    fprintf(f, "; %-20s: %zu\n", c->materials[m].name, geo->material_cells[m]);
  fprintf(f, ";\n; ---- cells per electrode part ----\n");
  for (int p = 0; p < 3; p++) fprintf(f, "; %-20s: %zu\n", parts[p], geo->part_cells[p]);
}

static int report_electrode(FILE *f, const rfl_case *c, const rfl_geometry *geo, int p) {
  rfl_electrode_report rep;
  rfl_status st = rfl_geometry_electrode_report(c, geo, p, &rep);
  if (st != RFL_OK) return rfl_cli_fail(st);
  const double mm3 = 1e9, mm2 = 1e6;
  fprintf(f, ";\n; ---- electrode [%s] ----\n", c->probes[p].name);
  fprintf(f, "; radius              : %.4g mm (%.3g cells per radius at the tip)\n",
          c->probes[p].radius * 1e3, rep.cells_per_radius);
  fprintf(f, "; volume in domain    : %.4g mm^3 voxelised, %.4g mm^3 exact (ratio %.4f)\n",
          rep.volume_grid * mm3, rep.volume_exact * mm3,
          rep.volume_exact > 0 ? rep.volume_grid / rep.volume_exact : 0.0);
  fprintf(f, "; surface in domain   : %.4g mm^2 voxelised, %.4g mm^2 exact (ratio %.4f; a\n"
             ";                       staircase tends to about 4/pi = 1.27 of a cylinder's)\n",
          rep.area_grid * mm2, rep.area_exact * mm2,
          rep.area_exact > 0 ? rep.area_grid / rep.area_exact : 0.0);
  fprintf(f, "; active tip area     : %.4g mm^2 exact\n", rep.active_area_exact * mm2);
  return 0;
}

/* The tables the documentation is generated from: the case keys (--keys-markdown, 'k') and
 * the metrics (--metrics-markdown 'm', --metrics-tsv 't'). */
static int print_table(int which, int nargs) {
  const char *name = which == 'k' ? "keys-markdown" : which == 'm' ? "metrics-markdown" : "metrics-tsv";
  if (nargs != 0) {
    fprintf(stderr, "rflesion check: --%s: expected no case file, found %d arguments\n", name, nargs);
    return 2;
  }
  rfl_status st = RFL_OK;
  if (which == 'k')
    st = rfl_case_keys_markdown(stdout);
  else if (which == 'm')
    rfl_metrics_write_markdown(stdout);
  else
    rfl_metrics_write_tsv(stdout);
  if (st == RFL_OK && fflush(stdout) != 0) st = RFL_ERROR(RFL_EIO, "writing to standard output failed");
  return st == RFL_OK ? 0 : rfl_cli_fail(st);
}

int rfl_cmd_check(int argc, char **argv) {
  static const struct option longopts[] = {RFL_CLI_SET_OPTION,
                                           {"accuracy", required_argument, NULL, 'A'},
                                           {"quiet", no_argument, NULL, 'q'},
                                           {"keys-markdown", no_argument, NULL, 'k'},
                                           {"metrics-markdown", no_argument, NULL, 'm'},
                                           {"metrics-tsv", no_argument, NULL, 't'},
                                           {"help", no_argument, NULL, 'h'},
                                           {NULL, 0, NULL, 0}};
  static rfl_cli_sets sets;
  sets.n = 0;
  int quiet = 0, table = 0, opt;
  optind = 0;
  opterr = 0;
  while ((opt = getopt_long(argc, argv, "s:qh", longopts, NULL)) != -1) {
    switch (opt) {
      case 's':
        if (rfl_cli_sets_add(&sets, "check", optarg)) return 2;
        break;
      case 'A': { /* --set solver.accuracy_mm=MM */
        static char accuracy_set[96];
        snprintf(accuracy_set, sizeof accuracy_set, "solver.accuracy_mm=%.60s", optarg);
        if (rfl_cli_sets_add(&sets, "check", accuracy_set)) return 2;
        break;
      }
      case 'q':
        quiet = 1;
        break;
      case 'k':
      case 'm':
      case 't':
        table = opt;
        break;
      case 'h':
        check_usage(stdout);
        return 0;
      default:
        fprintf(stderr, "rflesion check: unknown option or missing value '%s'\n\n",
                argv[optind - 1]);
        check_usage(stderr);
        return 2;
    }
  }
  if (table) return print_table(table, argc - optind);
  if (optind != argc - 1) {
    fprintf(stderr, "rflesion check: expected one case file, found %d arguments\n\n",
            argc - optind);
    check_usage(stderr);
    return 2;
  }

  static rfl_case kase; /* large; kept off the stack */
  rfl_status st =
      rfl_cli_load_case_quiet(argv[optind], sets.items, sets.n, quiet, &kase);
  if (st != RFL_OK) return rfl_cli_fail(st);
  if (!quiet && rfl_case_write(stdout, &kase) != RFL_OK) return rfl_cli_fail(RFL_EIO);

  rfl_grid *grid = NULL;
  rfl_geometry *geo = NULL;
  int code = 0;
  if ((st = rfl_grid_create(&kase.grid, &grid)) != RFL_OK ||
      (st = rfl_geometry_create(&kase, grid, &geo)) != RFL_OK ||
      (st = rfl_structures_check(&kase, grid, geo)) != RFL_OK) {
    code = rfl_cli_fail(st);
  } else if (!quiet) {
    report_grid(stdout, grid);
    code = report_memory(stdout, &kase);
    report_geometry(stdout, &kase, geo);
    for (int p = 0; p < kase.nprobes && code == 0; p++) code = report_electrode(stdout, &kase, geo, p);
  }
  rfl_geometry_free(geo);
  rfl_grid_free(grid);
  if (code == 0 && fflush(stdout) != 0) code = rfl_cli_fail(RFL_ERROR(RFL_EIO, "writing to standard output failed"));
  return code;
}
