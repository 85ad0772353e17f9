// SPDX-License-Identifier: BSD-3-Clause
/* One case from a validated rfl_case to its summary (see case_job.h): the part of
 * `rflesion run` that `rflesion sweep` shares. The step observer feeds the monitor, writes
 * field snapshots exactly at the requested output times (steps end on them), keeps a copy
 * of the end-of-RF fields when figures are asked for and a cool-down follows (the final
 * fields are no longer those; the slices are drawn after the run, with the structures'
 * figures), prints progress, and calls the caller's poll hook. Nothing here prints results
 * or maps statuses to exit codes. */
#include "case_job.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unistd.h>

#include "atomic_file.h"
#include "case_hash.h"
#include "figures.h"
#include "geometry.h"
#include "grid.h"
#include "h5out.h"
#include "parallel.h"
#include "simulation.h"

struct rfl_case_job {
  const rfl_case *kase;
  rfl_case_job_options opt;
  rfl_grid *grid;
  rfl_geometry *geo;
  rfl_simulation *sim;
  rfl_monitor *mon;
  rfl_h5out *h5;
  double t_setup;
  rfl_summary summary;
  /* the end-of-RF fields for the figures when a cool-down follows (else NULL) */
  double *eor_fields;
  rfl_field_view eor_view;
  int have_eor;
};

typedef struct {
  rfl_case_job *job;
  double start, last_print;
  size_t step, nsteps;
  double t_end;
  int next_output;
  rfl_status h5_status;
} progress;

/* Keeps the end-of-RF fields (the view points into the simulation, which steps on). */
static void keep_end_of_rf(rfl_case_job *job, const rfl_field_view *view) {
  size_t n = job->grid->ncells;
  double *f = job->eor_fields;
  memcpy(f, view->temperature, n * sizeof *f);
  memcpy(f + n, view->peak_temperature, n * sizeof *f);
  memcpy(f + 2 * n, view->omega, n * sizeof *f);
  memcpy(f + 3 * n, view->cem43, n * sizeof *f);
  job->eor_view = *view;
  job->eor_view.temperature = f;
  job->eor_view.peak_temperature = f + n;
  job->eor_view.omega = f + 2 * n;
  job->eor_view.cem43 = f + 3 * n;
  job->eor_view.unit_potential = NULL;
  job->have_eor = 1;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int observe(const rfl_field_view *view, const rfl_sample *smp, void *ctx) {
  progress *p = ctx;
  rfl_case_job *job = p->job;
  const rfl_output_settings *output = &job->kase->output;
  int stop = rfl_monitor_observe(view, smp, job->mon);
  /* steps end exactly on the output times (simulation.h); same matching as the monitor */
  while (job->h5 && p->h5_status == RFL_OK && p->next_output < output->ntimes &&
         output->times_s[p->next_output] <= view->t + 1e-9) {
    if (fabs(output->times_s[p->next_output] - view->t) <= 1e-9)
      p->h5_status = rfl_h5out_write_fields(job->h5, view);
    p->next_output++;
  }
  if (job->eor_fields && !job->have_eor && fabs(view->t - job->kase->generator.duration_s) <= 1e-9)
    keep_end_of_rf(job, view);
  if (p->h5_status != RFL_OK) stop = 1;
  p->step++;
  if (job->opt.verbose)
    fprintf(stderr,
            "t = %8.3f s  V = %7.3f V  P = %7.3f W  Z = %7.2f ohm  T_tc = %7.3f C  Tmax = %7.3f C  "
            "iterations: potential %d, heat %d, passes %d\n",
            smp->t, smp->voltage, smp->power, smp->impedance, smp->thermocouple_C, smp->tissue_max_C,
            smp->iterations_potential, smp->iterations_heat, smp->passes);
  double t = now_s();
  if (job->opt.progress && t - p->last_print > 0.25 && t - p->start > 1.0) {
    double frac = (double)p->step / (double)p->nsteps;
    double eta = frac > 0 ? (t - p->start) * (1.0 - frac) / frac : 0.0;
    fprintf(stderr, "\r  t = %6.1f / %.1f s, step %zu / %zu, T_tc %.1f C, ETA %.0f s   ", smp->t, p->t_end,
            p->step, p->nsteps, smp->thermocouple_C, eta);
    p->last_print = t;
  }
  if (job->opt.poll) job->opt.poll(job->opt.poll_ctx);
  return stop;
}

static rfl_status check_figure(const char *stem, void *ctx) {
  const rfl_case_job_options *opt = ctx;
  static const char *const ext[] = {"png", "svg", "pdf"};
  int formats = opt->figure_formats ? opt->figure_formats : RFL_FIGURES_PNG;
  char path[RFL_PATH_MAX + RFL_NAME_MAX + 32];
  for (int f = 0; f < 3; ++f)
    if (formats & (1 << f)) {
      snprintf(path, sizeof path, "%s/%s.%s", opt->figures, stem, ext[f]);
      RFL_CHECK(rfl_output_check("--figures", path));
    }
  return RFL_OK;
}

rfl_status rfl_case_job_check_figures(const rfl_case_job_options *opt) {
  if (!opt->figures) return RFL_OK;
  RFL_CHECK(rfl_output_dir_check("--figures", opt->figures));
  if (access(opt->figures, F_OK) != 0) return RFL_OK; /* a new directory holds nothing yet */
  return rfl_figure_set_stems(NULL, 0, check_figure, (void *)opt);
}

rfl_status rfl_case_job_create(const rfl_case *kase, const rfl_case_job_options *opt, rfl_case_job **out) {
  rfl_case_job *job = calloc(1, sizeof *job);
  *out = job;
  if (!job) return RFL_ERROR(RFL_ENOMEM, "out of memory for a case");
  job->kase = kase;
  if (opt) job->opt = *opt;
  job->t_setup = now_s();
  rfl_status st;
  if ((st = rfl_grid_create(&kase->grid, &job->grid)) != RFL_OK ||
      (st = rfl_geometry_create(kase, job->grid, &job->geo)) != RFL_OK ||
      (st = rfl_simulation_create(kase, job->grid, job->geo, &job->sim)) != RFL_OK ||
      (st = rfl_monitor_create(kase, job->grid, job->geo, job->sim, &job->summary, &job->mon)) != RFL_OK)
    return st;
  if (job->opt.h5path && ((st = rfl_h5out_open(job->opt.h5path, NULL, &job->h5)) != RFL_OK ||
                          (st = rfl_h5out_write_grid(job->h5, job->grid, job->geo, kase)) != RFL_OK))
    return st;
  job->summary.threads = rfl_parallel_threads();
  if (job->opt.figures && kase->generator.cooldown_s > 0.0) {
    job->eor_fields = malloc(4 * job->grid->ncells * sizeof *job->eor_fields);
    if (!job->eor_fields)
      return RFL_ERROR(RFL_ENOMEM, "out of memory for the end-of-RF fields of the figures (%zu cells)", job->grid->ncells);
  }
  return RFL_OK;
}

rfl_status rfl_case_job_run(rfl_case_job *job) {
  const rfl_case *kase = job->kase;
  progress prog = {.job = job, .nsteps = rfl_simulation_step_count(job->sim),
                   .t_end = kase->generator.duration_s + kase->generator.cooldown_s};
  double t_run = now_s();
  prog.start = prog.last_print = t_run;
  job->summary.setup_s = t_run - job->t_setup;
  rfl_status st = rfl_simulation_run(job->sim, observe, &prog);
  if (job->opt.progress && t_run + 1.0 < now_s()) fprintf(stderr, "\r%*s\r", 78, "");
  if (st == RFL_OK) st = prog.h5_status;
  if (st == RFL_OK) st = rfl_monitor_status(job->mon);
  if (st == RFL_OK) st = rfl_monitor_finish(job->mon);
  job->summary.wall_s = now_s() - t_run;
  return st;
}

/* The figures, drawn after the run with the structures' figures known: the end-of-RF
 * slices (from the kept fields after a cool-down, else the final ones), the peak-temperature
 * slice and the time series, each with the provenance footer. */
static rfl_status write_figures(const rfl_case_job *job, const rfl_sample *samples, size_t n) {
  rfl_field_view view = rfl_simulation_view(job->sim);
  uint64_t h = 0;
  char hash[17] = "unknown", footer[256];
  if (rfl_case_hash(job->kase, &h) == RFL_OK) rfl_case_hash_text(h, hash);
  rfl_figure_provenance_footer(hash, footer, sizeof footer);
  rfl_figure_set_options o = {.formats = job->opt.figure_formats, .style = {1.0, footer},
                              .t_min_C = NAN, .t_max_C = NAN};
  rfl_figure_run run = {.kase = job->kase, .end_of_rf = job->have_eor ? &job->eor_view : &view, .final = &view,
                        .samples = samples, .nsamples = n, .summary = &job->summary};
  return rfl_figure_set_write(job->opt.figures, &run, &o);
}

rfl_status rfl_case_job_write_results(rfl_case_job *job) {
  size_t nsamples = 0;
  const rfl_sample *samples = rfl_simulation_samples(job->sim, &nsamples);
  rfl_status st = RFL_OK;
  if (job->h5) st = rfl_h5out_write_series(job->h5, samples, nsamples);
  if (job->h5 && st == RFL_OK) st = rfl_h5out_write_summary(job->h5, &job->summary);
  if (job->opt.figures && st == RFL_OK) st = write_figures(job, samples, nsamples);
  return st;
}

const rfl_summary *rfl_case_job_summary(const rfl_case_job *job) { return &job->summary; }

rfl_status rfl_case_job_close(rfl_case_job *job, rfl_status st) {
  if (!job) return st;
  /* commit only a complete run; otherwise the temporary file goes and an older result stays */
  rfl_status h5st = rfl_h5out_close(job->h5, st == RFL_OK);
  if (st == RFL_OK) st = h5st;
  rfl_monitor_free(job->mon);
  rfl_simulation_free(job->sim);
  rfl_geometry_free(job->geo);
  rfl_grid_free(job->grid);
  free(job->eor_fields);
  free(job);
  return st;
}
