// SPDX-License-Identifier: BSD-3-Clause
/* rflesion run CASE: read and validate the case, build the grid and geometry, run the
 * coupled simulation, report the lesion, the generator and the structures' safety figures,
 * and write the JSON summary on request. Reads like its phases: parse, validate, set up
 * (untimed), run (timed), report, exit code. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "case_job.h"
#include "atomic_file.h"
#include "case_reader.h"
#include "cli_common.h"
#include "commands.h"
#include "h5out.h"
#include "parallel.h"
#include "summary.h"

static const char run_usage[] =
    "Usage: rflesion run CASE [options]\n"
    "Simulate the RF lesion of a case and report lesion size, generator figures and the\n"
    "safety figures of every structure.\n"
    "\n"
    "Options:\n";

static const char run_options[] =
    "  --accuracy MM            target discretisation error of the lesion lengths and margins\n"
    "                           (default 0.1; = --set solver.accuracy_mm=MM): the grid is\n"
    "                           refined until every figure's estimated error is below it\n"
    "  --json FILE              write the JSON summary (docs/json-summary.md)\n"
    "  --output FILE.h5         HDF5 results + FILE.xmf for ParaView (docs/output-format.md;\n"
    "                           default: CASE.h5 in [output] directory, else the current one)\n"
    "  --no-output              write no HDF5/XDMF file\n"
    "  --figures DIR            write figures into DIR (created if missing): a slice through\n"
    "                           the probe at the end of RF, a peak-temperature slice and the\n"
    "                           time series\n"
    "  --figure-format FMT      png, svg or both (default png)\n"
    "  --threads N              OpenMP threads (default: [solver] threads, else all cores)\n"
    "  -q, --quiet              print only the safety flags, findings and errors\n"
    "  -v, --verbose            also print the resolved case and per-step figures\n"
    "  -h, --help               this help\n"
    "\n"
    "Safety flags (a protected structure over its threshold, reached by the lesion or inside\n"
    "its margin, or too close to call within its error) set exit code 1; findings (a target\n"
    "the lesion does not cut through) are reported but leave it 0.\n"
    "\n";

static void usage(FILE *f) {
  fputs(run_usage, f);
  fputs(rfl_cli_set_help, f);
  rfl_cli_usage(f, run_options, 0);
}

/* Where the run's files went (a default output lands in the current directory). */
static void print_outputs(const char *h5path, const char *xmfpath, const char *json, const char *figures) {
  if (h5path) printf("Results: %s (fields, series, summary, the case) and %s (open in ParaView)\n", h5path, xmfpath);
  if (json) printf("Summary: %s\n", json);
  if (figures) printf("Figures: %s/\n", figures);
}

int rfl_cmd_run(int argc, char **argv) {
  static const struct option longopts[] = {
      RFL_CLI_SET_OPTION, {"json", required_argument, NULL, 'j'},
      {"output", required_argument, NULL, 'o'}, {"no-output", no_argument, NULL, 'n'},
      {"figures", required_argument, NULL, 'f'}, {"figure-format", required_argument, NULL, 'F'},
      {"threads", required_argument, NULL, 't'}, {"quiet", no_argument, NULL, 'q'},
      {"verbose", no_argument, NULL, 'v'}, {"help", no_argument, NULL, 'h'},
      {"accuracy", required_argument, NULL, 'A'}, {NULL, 0, NULL, 0}};
  static rfl_cli_sets sets;
  static char accuracy_set[96];
  sets.n = 0;
  int quiet = 0, verbose = 0, threads = -1, no_output = 0;
  const char *json = NULL, *output = NULL, *figures = NULL;
  int figure_formats = RFL_FIGURES_PNG;
  optind = 0; /* GNU getopt: restart scanning (and permuting) from argv[1] */
  opterr = 0;
  int opt;
  while ((opt = getopt_long(argc, argv, "s:qvh", longopts, NULL)) != -1) {
    switch (opt) {
      case 's':
        if (rfl_cli_sets_add(&sets, "run", optarg)) return RFL_CLI_EXIT_USAGE;
        break;
      case 'A': /* the same as --set solver.accuracy_mm=MM, validated by the reader */
        snprintf(accuracy_set, sizeof accuracy_set, "solver.accuracy_mm=%.60s", optarg);
        if (rfl_cli_sets_add(&sets, "run", accuracy_set)) return RFL_CLI_EXIT_USAGE;
        break;
      case 'j':
        json = optarg;
        break;
      case 'o':
        output = optarg;
        break;
      case 'n':
        no_output = 1;
        break;
      case 'f':
        figures = optarg;
        break;
      case 'F':
        if (strcmp(optarg, "png") == 0)
          figure_formats = RFL_FIGURES_PNG;
        else if (strcmp(optarg, "svg") == 0)
          figure_formats = RFL_FIGURES_SVG;
        else if (strcmp(optarg, "both") == 0)
          figure_formats = RFL_FIGURES_PNG | RFL_FIGURES_SVG;
        else {
          fprintf(stderr, "rflesion run: --figure-format: expected png, svg or both, found '%s'\n", optarg);
          return RFL_CLI_EXIT_USAGE;
        }
        break;
      case 't': {
        char *end;
        long v = strtol(optarg, &end, 10);
        if (*optarg == '\0' || *end != '\0' || v < 1 || v > 1024) {
          fprintf(stderr, "rflesion run: --threads: expected an integer 1..1024, found '%s'\n", optarg);
          return RFL_CLI_EXIT_USAGE;
        }
        threads = (int)v;
        break;
      }
      case 'q':
        quiet = 1;
        break;
      case 'v':
        verbose = 1;
        break;
      case 'h':
        usage(stdout);
        return RFL_CLI_EXIT_OK;
      default:
        fprintf(stderr, "rflesion run: unknown or incomplete option '%s'\n", argv[optind - 1]);
        usage(stderr);
        return RFL_CLI_EXIT_USAGE;
    }
  }
  if (optind != argc - 1) {
    fprintf(stderr, "rflesion run: expected one case file, found %d arguments\n", argc - optind);
    usage(stderr);
    return RFL_CLI_EXIT_USAGE;
  }
  const char *path = argv[optind];

  /* parse and validate */
  static rfl_case kase; /* large; static keeps it off the stack */
  const rfl_memory_run_options writes = {.output = !no_output, .figures = figures != NULL};
  rfl_status st = rfl_cli_load_case_run(path, &sets, &writes, quiet, &kase);
  if (st != RFL_OK) return rfl_cli_fail(st);
  if (threads < 0 && kase.solver.threads > 0) threads = kase.solver.threads;
#ifdef _OPENMP
  if (threads > 0) omp_set_num_threads(threads);
#endif
  if (verbose) rfl_case_write(stdout, &kase);

  /* every output path, checked before any work (a bad one must not cost the run) */
  char h5path[RFL_PATH_MAX], xmfpath[RFL_PATH_MAX + 8];
  st = RFL_OK;
  if (no_output) {
    h5path[0] = '\0';
  } else if (output) {
    if (snprintf(h5path, sizeof h5path, "%s", output) >= (int)sizeof h5path)
      st = RFL_ERROR(RFL_EUSAGE, "--output: path longer than %d characters", RFL_PATH_MAX - 1);
  } else {
    st = rfl_h5out_default_path(&kase, h5path, sizeof h5path);
  }
  const char *h5option = output ? "--output" : "HDF5 output";
  if (st == RFL_OK && !no_output) st = rfl_output_check(h5option, h5path);
  if (st == RFL_OK && !no_output) st = rfl_h5out_xdmf_path(h5path, xmfpath, sizeof xmfpath);
  if (st == RFL_OK && !no_output) st = rfl_output_check(h5option, xmfpath);
  if (st == RFL_OK && json) st = rfl_output_check("--json", json);
  rfl_case_job_options jopt = {.h5path = no_output ? NULL : h5path, .figures = figures,
                               .figure_formats = figure_formats,
                               .progress = !quiet && !verbose && isatty(fileno(stderr)),
                               .verbose = verbose};
  const rfl_memory_limit *limit = rfl_cli_memory_limit();
  if (limit) jopt.memory_limit = limit->bytes;
  if (st == RFL_OK) st = rfl_case_job_check_figures(&jopt);
  if (st != RFL_OK) return rfl_cli_fail(st);
  if (figures && mkdir(figures, 0777) != 0 && errno != EEXIST)
    return rfl_cli_fail(RFL_ERROR(RFL_EIO, "%s: cannot create the figures directory: %s", figures,
                                  strerror(errno)));

  /* the run, with its discretisation settled (a coarse solution for the error estimate,
   * refinement for the accuracy target) */
  rfl_case_job *job = NULL;
  st = rfl_case_job_solve(&kase, &jopt, &job);

  /* report */
  const rfl_summary *summary = job ? rfl_case_job_summary(job) : NULL;
  if (st == RFL_OK && !quiet) rfl_summary_print(stdout, summary);
  else if (st == RFL_OK) rfl_summary_print_flags(stdout, summary); /* --quiet still says them */
  /* a JSON file that cannot be written after all (a full disk) keeps the HDF5 results */
  rfl_status json_st = st == RFL_OK && json ? rfl_summary_write_json(json, summary) : RFL_OK;
  char json_msg[1024] = "";
  if (json_st != RFL_OK) snprintf(json_msg, sizeof json_msg, "%s", rfl_error_message());
  if (st == RFL_OK) st = rfl_case_job_write_results(job);
  int nflags = summary ? summary->nflags : 0;
  st = rfl_case_job_close(job, st);
  if (st == RFL_OK && json_st != RFL_OK) st = RFL_ERROR(json_st, "%s", json_msg);
  if (st != RFL_OK) return rfl_cli_fail(st);
  if (!quiet) print_outputs(no_output ? NULL : h5path, xmfpath, json, figures);
  return nflags > 0 ? RFL_CLI_EXIT_FLAGS : RFL_CLI_EXIT_OK;
}
