/* rflesion run CASE: read and validate the case, build the grid and geometry, run the
 * coupled simulation, report the lesion, the generator and the structures' safety figures,
 * and write the JSON summary on request. Reads like its phases: parse, validate, set up
 * (untimed), run (timed), report, exit code. */
#include <errno.h>
#include <getopt.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "case_reader.h"
#include "commands.h"
#include "figures.h"
#include "geometry.h"
#include "grid.h"
#include "h5out.h"
#include "parallel.h"
#include "simulation.h"
#include "summary.h"

#define MAX_SETS 256

static const char run_usage[] =
    "Usage: rflesion run CASE [options]\n"
    "Simulate the RF lesion of a case and report lesion size, generator figures and the\n"
    "safety figures of every structure.\n"
    "\n"
    "Options:\n"
    "  --set SECTION.KEY=VALUE  override a case key (repeatable; named sections as\n"
    "                           SECTION:NAME.KEY=VALUE, e.g. structure:root.radius_mm=2)\n"
    "  --json FILE              write the JSON summary (docs/json-summary.md)\n"
    "  --output FILE.h5         HDF5 results + FILE.xmf for ParaView (docs/output-format.md;\n"
    "                           default: CASE.h5 in [output] directory, else the current one)\n"
    "  --no-output              write no HDF5/XDMF file\n"
    "  --figures DIR            write figures into DIR (created if missing): a slice through\n"
    "                           the probe at the end of RF, a peak-temperature slice and the\n"
    "                           time series (PNG)\n"
    "  --threads N              OpenMP threads (default: [solver] threads, else all cores)\n"
    "  -q, --quiet              print nothing but errors\n"
    "  -v, --verbose            also print the resolved case and per-step figures\n"
    "  -h, --help               this help\n"
    "\n"
    "Exit codes: 0 ok, 1 a safety flag was raised, 2 bad input or usage,\n"
    "3 numerical failure, 4 I/O or system failure.\n";

typedef struct {
  rfl_monitor *monitor;
  double start, last_print;
  size_t step, nsteps;
  double t_end;
  int progress;   /* progress line on a terminal */
  int verbose;
  rfl_h5out *h5;          /* field snapshots at [output] times_s */
  const rfl_output_settings *output;
  int next_output;
  rfl_status h5_status;
  const char *figures;          /* --figures directory, or NULL */
  const rfl_case *kase;
  const rfl_summary *summary;
  int slice_done;
  rfl_status figure_status;
} run_progress;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int observe(const rfl_field_view *view, const rfl_sample *smp, void *ctx) {
  run_progress *p = ctx;
  int stop = rfl_monitor_observe(view, smp, p->monitor);
  /* steps end exactly on the output times (simulation.h); same matching as the monitor */
  while (p->h5 && p->h5_status == RFL_OK && p->next_output < p->output->ntimes &&
         p->output->times_s[p->next_output] <= view->t + 1e-9) {
    if (fabs(p->output->times_s[p->next_output] - view->t) <= 1e-9)
      p->h5_status = rfl_h5out_write_fields(p->h5, view);
    p->next_output++;
  }
  /* the end-of-RF slice now: after a cool-down the final fields are no longer those */
  if (p->figures && !p->slice_done && fabs(view->t - p->kase->generator.duration_s) <= 1e-9) {
    char fig[RFL_PATH_MAX + 32];
    p->slice_done = 1;
    snprintf(fig, sizeof fig, "%s/slice_end_of_rf.png", p->figures);
    p->figure_status = rfl_figure_slice(fig, view, p->summary, NULL);
  }
  if (p->h5_status != RFL_OK || p->figure_status != RFL_OK) stop = 1;
  p->step++;
  if (p->verbose)
    fprintf(stderr,
            "t = %8.3f s  V = %7.3f V  P = %7.3f W  Z = %7.2f ohm  T_tc = %7.3f C  Tmax = %7.3f C  "
            "iterations: potential %d, heat %d, passes %d\n",
            smp->t, smp->voltage, smp->power, smp->impedance, smp->thermocouple_C, smp->tissue_max_C,
            smp->iterations_potential, smp->iterations_heat, smp->passes);
  double t = now_s();
  if (p->progress && t - p->last_print > 0.25 && t - p->start > 1.0) {
    double frac = (double)p->step / (double)p->nsteps;
    double eta = frac > 0 ? (t - p->start) * (1.0 - frac) / frac : 0.0;
    fprintf(stderr, "\r  t = %6.1f / %.1f s, step %zu / %zu, T_tc %.1f C, ETA %.0f s   ", smp->t,
            p->t_end, p->step, p->nsteps, smp->thermocouple_C, eta);
    p->last_print = t;
  }
  return stop;
}

/* The figures drawn after the run: time series and peak-temperature slice. */
static rfl_status write_figures(const char *dir, const rfl_simulation *sim, const rfl_sample *samples,
                                size_t n, const rfl_summary *summary, const rfl_case *kase) {
  char path[RFL_PATH_MAX + 32];
  snprintf(path, sizeof path, "%s/timeseries.png", dir);
  RFL_CHECK(rfl_figure_timeseries(path, samples, n, summary, kase));
  rfl_figure_slice_options o;
  rfl_figure_slice_defaults(&o);
  o.field = RFL_FIGURE_PEAK;
  rfl_field_view view = rfl_simulation_view(sim);
  snprintf(path, sizeof path, "%s/slice_peak.png", dir);
  return rfl_figure_slice(path, &view, summary, &o);
}

int rfl_cmd_run(int argc, char **argv) {
  static const struct option longopts[] = {
      {"set", required_argument, NULL, 's'}, {"json", required_argument, NULL, 'j'},
      {"output", required_argument, NULL, 'o'}, {"no-output", no_argument, NULL, 'n'},
      {"figures", required_argument, NULL, 'f'},
      {"threads", required_argument, NULL, 't'}, {"quiet", no_argument, NULL, 'q'},
      {"verbose", no_argument, NULL, 'v'}, {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  const char *sets[MAX_SETS];
  int nsets = 0, quiet = 0, verbose = 0, threads = -1, no_output = 0;
  const char *json = NULL, *output = NULL, *figures = NULL;
  optind = 0; /* GNU getopt: restart scanning (and permuting) from argv[1] */
  opterr = 0;
  int opt;
  while ((opt = getopt_long(argc, argv, "qvh", longopts, NULL)) != -1) {
    switch (opt) {
      case 's':
        if (nsets == MAX_SETS) {
          fprintf(stderr, "rflesion run: at most %d --set options\n", MAX_SETS);
          return 2;
        }
        sets[nsets++] = optarg;
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
      case 't': {
        char *end;
        long v = strtol(optarg, &end, 10);
        if (*optarg == '\0' || *end != '\0' || v < 1 || v > 1024) {
          fprintf(stderr, "rflesion run: --threads: expected an integer 1..1024, found '%s'\n", optarg);
          return 2;
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
        fputs(run_usage, stdout);
        return 0;
      default:
        fprintf(stderr, "rflesion run: unknown or incomplete option '%s'\n%s", argv[optind - 1], run_usage);
        return 2;
    }
  }
  if (optind != argc - 1) {
    fprintf(stderr, "rflesion run: expected one case file, found %d arguments\n%s", argc - optind, run_usage);
    return 2;
  }
  const char *path = argv[optind];

  /* parse and validate */
  static rfl_case kase; /* large; static keeps it off the stack */
  rfl_case_warnings warnings = {0};
  rfl_case_read_options ropt = {.sets = sets, .nsets = nsets, .bytes_per_cell = RFL_SOLVER_BYTES_PER_CELL,
                                .warnings = &warnings};
  rfl_status st = rfl_case_read(path, &ropt, &kase);
  if (st != RFL_OK) {
    fprintf(stderr, "rflesion: %s\n", rfl_error_message());
    return rfl_status_exit_code(st);
  }
  for (int i = 0; i < warnings.count && i < RFL_CASE_MAX_WARNINGS; ++i)
    if (!quiet) fprintf(stderr, "rflesion: warning: %s\n", warnings.text[i]);
  if (threads < 0 && kase.solver.threads > 0) threads = kase.solver.threads;
#ifdef _OPENMP
  if (threads > 0) omp_set_num_threads(threads);
#endif
  if (verbose) rfl_case_write(stdout, &kase);

  if (figures && mkdir(figures, 0777) != 0 && errno != EEXIST) {
    fprintf(stderr, "rflesion: %s: cannot create the figures directory: %s\n", figures, strerror(errno));
    return 4;
  }

  /* set up (untimed) */
  double t_setup = now_s();
  rfl_grid *grid = NULL;
  rfl_geometry *geo = NULL;
  rfl_simulation *sim = NULL;
  rfl_monitor *mon = NULL;
  rfl_h5out *h5 = NULL;
  char h5path[RFL_PATH_MAX];
  static rfl_summary summary;
  if ((st = rfl_grid_create(&kase.grid, &grid)) != RFL_OK || (st = rfl_geometry_create(&kase, grid, &geo)) != RFL_OK ||
      (st = rfl_simulation_create(&kase, grid, geo, &sim)) != RFL_OK ||
      (st = rfl_monitor_create(&kase, grid, geo, sim, &summary, &mon)) != RFL_OK)
    goto done;
  if (no_output) {
    h5path[0] = '\0';
  } else if (output) {
    if (snprintf(h5path, sizeof h5path, "%s", output) >= (int)sizeof h5path) {
      st = RFL_ERROR(RFL_EUSAGE, "--output: path longer than %d characters", RFL_PATH_MAX - 1);
      goto done;
    }
  } else if ((st = rfl_h5out_default_path(&kase, h5path, sizeof h5path)) != RFL_OK) {
    goto done;
  }
  if (!no_output && ((st = rfl_h5out_open(h5path, NULL, &h5)) != RFL_OK ||
                     (st = rfl_h5out_write_grid(h5, grid, geo, &kase)) != RFL_OK))
    goto done;
  summary.threads = rfl_parallel_threads();

  /* run (timed) */
  run_progress prog = {.monitor = mon, .nsteps = rfl_simulation_step_count(sim),
                       .t_end = kase.generator.duration_s + kase.generator.cooldown_s,
                       .progress = !quiet && !verbose && isatty(fileno(stderr)), .verbose = verbose,
                       .h5 = h5, .output = &kase.output, .figures = figures, .kase = &kase,
                       .summary = &summary};
  double t_run = now_s();
  prog.start = prog.last_print = t_run;
  summary.setup_s = t_run - t_setup;
  st = rfl_simulation_run(sim, observe, &prog);
  if (prog.progress && t_run + 1.0 < now_s()) fprintf(stderr, "\r%*s\r", 78, "");
  if (st == RFL_OK) st = prog.h5_status;
  if (st == RFL_OK) st = prog.figure_status;
  if (st == RFL_OK) st = rfl_monitor_status(mon);
  if (st == RFL_OK) st = rfl_monitor_finish(mon);
  summary.wall_s = now_s() - t_run;
  if (st != RFL_OK) goto done;

  /* report */
  if (!quiet) rfl_summary_print(stdout, &summary);
  if (json) st = rfl_summary_write_json(json, &summary);
  size_t nsamples = 0;
  const rfl_sample *samples = rfl_simulation_samples(sim, &nsamples);
  if (h5 && st == RFL_OK) st = rfl_h5out_write_series(h5, samples, nsamples);
  if (h5 && st == RFL_OK) st = rfl_h5out_write_summary(h5, &summary);
  if (figures && st == RFL_OK) st = write_figures(figures, sim, samples, nsamples, &summary, &kase);

done:;
  /* commit only a complete run; otherwise the temporary file goes and an older result stays */
  rfl_status h5st = rfl_h5out_close(h5, st == RFL_OK);
  if (st == RFL_OK) st = h5st;
  if (st != RFL_OK) fprintf(stderr, "rflesion: %s\n", rfl_error_message());
  int code = st != RFL_OK ? rfl_status_exit_code(st) : (summary.nflags > 0 ? 1 : 0);
  rfl_monitor_free(mon);
  rfl_simulation_free(sim);
  rfl_geometry_free(geo);
  rfl_grid_free(grid);
  return code;
}
