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

typedef struct {
  rfl_cli_sets sets;
  char accuracy_set[RFL_CLI_ACCURACY_SET_MAX];
  int quiet, verbose, threads, no_output, figure_formats;
  const char *json, *output, *figures, *path;
} run_args;

/* One option: -1 to go on, else the exit code. */
static int take_option(run_args *a, int opt, const char *arg) {
  switch (opt) {
    case 'A': /* the same as --set solver.accuracy_mm=MM, validated by the reader */
      rfl_cli_accuracy_set(a->accuracy_set, arg);
      arg = a->accuracy_set;
      /* fall through */
    case 's': return rfl_cli_sets_add(&a->sets, "run", arg) ? RFL_CLI_EXIT_USAGE : -1;
    case 'j': a->json = arg; return -1;
    case 'o': a->output = arg; return -1;
    case 'n': a->no_output = 1; return -1;
    case 'f': a->figures = arg; return -1;
    case 'F':
      if (strcmp(arg, "png") == 0) a->figure_formats = RFL_FIGURES_PNG;
      else if (strcmp(arg, "svg") == 0) a->figure_formats = RFL_FIGURES_SVG;
      else if (strcmp(arg, "both") == 0) a->figure_formats = RFL_FIGURES_PNG | RFL_FIGURES_SVG;
      else {
        fprintf(stderr, "rflesion run: --figure-format: expected png, svg or both, found '%s'\n", arg);
        return RFL_CLI_EXIT_USAGE;
      }
      return -1;
    case 't':
      if (rfl_cli_threads_arg(arg, &a->threads)) return -1;
      fprintf(stderr, "rflesion run: --threads: expected an integer 1..1024, found '%s'\n", arg);
      return RFL_CLI_EXIT_USAGE;
    case 'q': a->quiet = 1; return -1;
    case 'v': a->verbose = 1; return -1;
    case 'h':
      usage(stdout);
      return RFL_CLI_EXIT_OK;
    default:
      fprintf(stderr, "rflesion run: unknown or incomplete option '%s'\n", arg);
      usage(stderr);
      return RFL_CLI_EXIT_USAGE;
  }
}

/* The options and the case file's name: -1 to go on, else the exit code. */
static int parse_args(run_args *a, int argc, char **argv) {
  static const struct option longopts[] = {
      RFL_CLI_SET_OPTION, {"json", required_argument, NULL, 'j'},
      {"output", required_argument, NULL, 'o'}, {"no-output", no_argument, NULL, 'n'},
      {"figures", required_argument, NULL, 'f'}, {"figure-format", required_argument, NULL, 'F'},
      {"threads", required_argument, NULL, 't'}, {"quiet", no_argument, NULL, 'q'},
      {"verbose", no_argument, NULL, 'v'}, {"help", no_argument, NULL, 'h'},
      {"accuracy", required_argument, NULL, 'A'}, {NULL, 0, NULL, 0}};
  optind = 0; /* GNU getopt: restart scanning (and permuting) from argv[1] */
  opterr = 0;
  int opt, code;
  while ((opt = getopt_long(argc, argv, "s:qvh", longopts, NULL)) != -1)
    if ((code = take_option(a, opt, opt == '?' ? argv[optind - 1] : optarg)) >= 0) return code;
  if (optind != argc - 1) {
    fprintf(stderr, "rflesion run: expected one case file, found %d arguments\n", argc - optind);
    usage(stderr);
    return RFL_CLI_EXIT_USAGE;
  }
  a->path = argv[optind];
  return -1;
}

/* Every output path, checked before any work (a bad one must not cost the run), and the
 * figures' directory made. */
static rfl_status check_outputs(const run_args *a, const rfl_case *kase, char *h5path, char *xmfpath,
                                rfl_case_job_options *jopt) {
  const int out = !a->no_output;
  if (!out) h5path[0] = '\0';
  else if (!a->output) RFL_CHECK(rfl_h5out_default_path(kase, h5path, RFL_PATH_MAX));
  else if (snprintf(h5path, RFL_PATH_MAX, "%s", a->output) >= RFL_PATH_MAX)
    return RFL_ERROR(RFL_EUSAGE, "--output: path longer than %d characters", RFL_PATH_MAX - 1);
  const char *h5option = a->output ? "--output" : "HDF5 output";
  if (out) RFL_CHECK(rfl_output_check(h5option, h5path));
  if (out) RFL_CHECK(rfl_h5out_xdmf_path(h5path, xmfpath, RFL_PATH_MAX + 8));
  if (out) RFL_CHECK(rfl_output_check(h5option, xmfpath));
  if (a->json) RFL_CHECK(rfl_output_check("--json", a->json));
  *jopt = (rfl_case_job_options){.h5path = out ? h5path : NULL, .figures = a->figures,
                                 .figure_formats = a->figure_formats,
                                 .progress = !a->quiet && !a->verbose && isatty(fileno(stderr)),
                                 .verbose = a->verbose};
  const rfl_memory_limit *limit = rfl_cli_memory_limit();
  if (limit) jopt->memory_limit = limit->bytes;
  RFL_CHECK(rfl_case_job_check_figures(jopt));
  if (a->figures && mkdir(a->figures, 0777) != 0 && errno != EEXIST)
    return RFL_ERROR(RFL_EIO, "%s: cannot create the figures directory: %s", a->figures, strerror(errno));
  return RFL_OK;
}

/* The run, with its discretisation settled (a coarse solution for the error estimate,
 * refinement for the accuracy target), its report and its files; the exit code. */
static int run_case(rfl_case *kase, const run_args *a, const rfl_case_job_options *jopt, const char *h5path,
                    const char *xmfpath) {
  rfl_case_job *job = NULL;
  rfl_status st = rfl_case_job_solve(kase, jopt, &job);
  const rfl_summary *summary = job ? rfl_case_job_summary(job) : NULL;
  if (st == RFL_OK && !a->quiet) rfl_summary_print(stdout, summary);
  else if (st == RFL_OK) rfl_summary_print_flags(stdout, summary); /* --quiet still says them */
  /* a JSON file that cannot be written after all (a full disk) keeps the HDF5 results */
  rfl_status json_st = st == RFL_OK && a->json ? rfl_summary_write_json(a->json, summary) : RFL_OK;
  char json_msg[1024] = "";
  if (json_st != RFL_OK) snprintf(json_msg, sizeof json_msg, "%s", rfl_error_message());
  if (st == RFL_OK) st = rfl_case_job_write_results(job);
  int nflags = summary ? summary->nflags : 0;
  st = rfl_case_job_close(job, st);
  if (st == RFL_OK && json_st != RFL_OK) st = RFL_ERROR(json_st, "%s", json_msg);
  if (st != RFL_OK) return rfl_cli_fail(st);
  if (!a->quiet) print_outputs(a->no_output ? NULL : h5path, xmfpath, a->json, a->figures);
  return nflags > 0 ? RFL_CLI_EXIT_FLAGS : RFL_CLI_EXIT_OK;
}

int rfl_cmd_run(int argc, char **argv) {
  static run_args a; /* large; static keeps it off the stack */
  static rfl_case kase;
  a = (run_args){.threads = -1, .figure_formats = RFL_FIGURES_PNG};
  int code = parse_args(&a, argc, argv);
  if (code >= 0) return code;
  const rfl_memory_run_options writes = {.output = !a.no_output, .figures = a.figures != NULL};
  rfl_status st = rfl_cli_load_case_run(a.path, &a.sets, &writes, a.quiet, &kase);
  if (st != RFL_OK) return rfl_cli_fail(st);
  if (a.threads < 0 && kase.solver.threads > 0) a.threads = kase.solver.threads;
#ifdef _OPENMP
  if (a.threads > 0) omp_set_num_threads(a.threads);
#endif
  if (a.verbose) rfl_case_write(stdout, &kase);
  char h5path[RFL_PATH_MAX], xmfpath[RFL_PATH_MAX + 8];
  rfl_case_job_options jopt;
  if ((st = check_outputs(&a, &kase, h5path, xmfpath, &jopt)) != RFL_OK) return rfl_cli_fail(st);
  return run_case(&kase, &a, &jopt, h5path, xmfpath);
}
