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
#include "discretisation.h"
#include "figures.h"
#include "geometry.h"
#include "grid.h"
#include "h5out.h"
#include "memory_estimate.h"
#include "parallel.h"
#include "simulation.h"
#include "time_tolerance.h"

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
         output->times_s[p->next_output] <= view->t + RFL_TIME_SAME_S) {
    if (fabs(output->times_s[p->next_output] - view->t) <= RFL_TIME_SAME_S)
      p->h5_status = rfl_h5out_write_fields(job->h5, view);
    p->next_output++;
  }
  if (job->eor_fields && !job->have_eor && fabs(view->t - job->kase->generator.duration_s) <= RFL_TIME_SAME_S)
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

/* ---- solve: the discretisation settled around the run ------------------------------------ */

#define MAX_REFINEMENTS 1  /* grids refined for the accuracy target: one round bounds the
                              cost (a round costs r^4, up to 6.6 times the run) */
#define MAX_REFINE_RATIO 1.6 /* finest refinement of the cells in that round */
#define MAX_BOX_RERUNS 2   /* runs repeated with a larger automatic fine box */

/* The box around the computed lesions (Omega and isotherm, end of RF and final): the
 * cylinder of their largest radius around the first probe's axis, between their ends.
 * 0 if there is no lesion. */
static int lesion_box(const rfl_summary *s, const rfl_case *c, rfl_vec3 *lo, rfl_vec3 *hi) {
  const rfl_lesion_metrics *m[4] = {&s->end_of_rf.lesion, &s->end_of_rf.isotherm, &s->final.lesion,
                                    &s->final.isotherm};
  double radius = 0.0, smin = INFINITY, smax = -INFINITY;
  for (int i = 0; i < 4; i++)
    if (m[i]->found) {
      radius = fmax(radius, 0.5 * m[i]->width);
      smin = fmin(smin, -m[i]->distal);
      smax = fmax(smax, m[i]->length - m[i]->distal);
    }
  if (!(smax >= smin)) return 0;
  const rfl_probe *p = &c->probes[0];
  rfl_vec3 a = rfl_vec3_add(p->tip, rfl_vec3_scale(p->direction, smin));
  rfl_vec3 b = rfl_vec3_add(p->tip, rfl_vec3_scale(p->direction, smax));
  /* a cylinder of radius R along unit d reaches R sqrt(1 - d_a^2) beyond its ends on axis a */
  const rfl_vec3 d = p->direction;
  const double rx = radius * sqrt(fmax(0.0, 1.0 - d.x * d.x)), ry = radius * sqrt(fmax(0.0, 1.0 - d.y * d.y)),
               rz = radius * sqrt(fmax(0.0, 1.0 - d.z * d.z));
  *lo = rfl_vec3_make(fmin(a.x, b.x) - rx, fmin(a.y, b.y) - ry, fmin(a.z, b.z) - rz);
  *hi = rfl_vec3_make(fmax(a.x, b.x) + rx, fmax(a.y, b.y) + ry, fmax(a.z, b.z) + rz);
  return 1;
}

/* Whether the fine box holds [lo, hi] with a cell to spare (a side on the domain face holds
 * anything). */
static int fine_box_holds(const rfl_grid_spec *g, rfl_vec3 lo, rfl_vec3 hi) {
  for (int a = 0; a < 3; a++) {
    double flo = rfl_vec3_get(g->fine_min, a), fhi = rfl_vec3_get(g->fine_max, a);
    if (flo > rfl_vec3_get(g->domain_min, a) && rfl_vec3_get(lo, a) < flo + g->spacing) return 0;
    if (fhi < rfl_vec3_get(g->domain_max, a) && rfl_vec3_get(hi, a) > fhi - g->spacing) return 0;
  }
  return 1;
}

/* Cells r times and steps RFL_ERROR_TIME_RATIO times coarser; an automatic fine box is
 * chosen again for them. */
static void coarsen(rfl_case *c, double r) {
  c->grid.coarse_solution = 1;
  c->grid.spacing *= r;
  c->solver.dt_s *= RFL_ERROR_TIME_RATIO; /* the step's share of the error is ~0.01 mm (RC-1) */
  if (c->solver.pulse_dt_s * r < c->generator.pulse_width_s) c->solver.pulse_dt_s *= r;
  if (c->grid.auto_fine_box) rfl_discretisation_fine_box(c, c->grid.spacing, NULL, NULL);
}

/* The second solution: run without outputs, keep its figures and lesion box. */
static rfl_status run_coarse(rfl_case *c, const rfl_case_job_options *opt, rfl_error_figures *fig,
                             rfl_vec3 *lo, rfl_vec3 *hi, int *have_box) {
  rfl_case_job_options quiet = {.poll = opt->poll, .poll_ctx = opt->poll_ctx};
  rfl_case_job *job = NULL;
  rfl_status st = rfl_case_job_create(c, &quiet, &job);
  if (st == RFL_OK) st = rfl_case_job_run(job);
  if (st == RFL_OK) {
    rfl_summary_error_figures(&job->summary, fig);
    *have_box = lesion_box(&job->summary, c, lo, hi);
  }
  return rfl_case_job_close(job, st);
}

/* Throws a run away (its results file is not committed). */
static void discard(rfl_case_job *job) { (void)rfl_case_job_close(job, RFL_EINTERNAL); }

/* The run itself; repeated with a larger fine box while its lesion reaches past an
 * automatic one. */
static rfl_status run_main(rfl_case *kase, const rfl_case_job_options *opt, rfl_case_job **out,
                           char *note, size_t note_size) {
  for (int attempt = 0;; attempt++) {
    rfl_status st = rfl_case_job_create(kase, opt, out);
    if (st == RFL_OK) st = rfl_case_job_run(*out);
    if (st != RFL_OK) return st;
    rfl_vec3 lo, hi;
    if (!lesion_box(&(*out)->summary, kase, &lo, &hi) || fine_box_holds(&kase->grid, lo, hi)) return RFL_OK;
    if (!kase->grid.auto_fine_box || attempt >= MAX_BOX_RERUNS) {
      snprintf(note, note_size, "the lesion reaches past the fine box, where cells grow: widen "
               "[grid] fine_min_mm / fine_max_mm or remove them");
      return RFL_OK;
    }
    discard(*out);
    *out = NULL;
    rfl_discretisation_fine_box(kase, kase->grid.spacing, &lo, &hi);
  }
}

/* The next cell size for the accuracy target, 0 if the grid cannot be refined (a fixed
 * spacing, or the memory limit); says why in note. */
static double refined_spacing(const rfl_case *kase, double largest, double limit, char *note,
                              size_t note_size) {
  const double acc = kase->solver.accuracy;
  if (!kase->grid.auto_spacing) {
    snprintf(note, note_size, "spacing_mm is fixed; remove it to let rflesion refine");
    return 0.0;
  }
  /* errors shrink as h^2 (with 10 % to spare); one round of at most 1.6x finer cells (2.6
   * to 6.6 times the cost) is all a run spends: a target further off is reported instead */
  double need_r = 1.1 * sqrt(largest / acc);
  if (need_r > MAX_REFINE_RATIO) {
    snprintf(note, note_size, "meeting it needs cells about %.2g times finer (%.3g mm) than one "
             "refinement gives: ask for a looser --accuracy, or give [grid] spacing_mm",
             need_r, 1e3 * kase->grid.spacing / need_r);
    return 0.0;
  }
  double r = fmax(1.25, need_r);
  double h = kase->grid.spacing / r, L = kase->probes[0].tip_length;
  if (L > h) h = L / ceil(L / h - 1e-9);
  if (limit > 0.0) {
    rfl_case *trial = malloc(sizeof *trial);
    if (!trial) return 0.0;
    *trial = *kase;
    trial->grid.spacing = h;
    double need = rfl_memory_estimate_bytes(trial, NULL);
    free(trial);
    if (!(need > 0.0) || need > limit) {
      snprintf(note, note_size, "a finer grid (%.3g mm) needs about %.0f MiB, over the memory "
               "limit of %.0f MiB", h * 1e3, need / 1048576.0, limit / 1048576.0);
      return 0.0;
    }
  }
  return h;
}

/* The run's error estimate against the coarser solution; after a refinement round (earlier:
 * the estimate of the run it refines, else NULL) no figure's error falls below the earlier
 * one carried to the finer cells. */
static void set_errors(rfl_case_job *job, const rfl_error_figures *coarse, double coarse_h, double coarse_dt,
                       double start_h, const rfl_error_estimate *earlier, const char *note) {
  const rfl_case *k = job->kase;
  rfl_error_figures fine;
  rfl_summary_error_figures(&job->summary, &fine);
  rfl_error_estimate *e = &job->summary.errors;
  rfl_error_estimate_compute(&fine, coarse, coarse_h / k->grid.spacing, k->grid.spacing, start_h,
                             job->summary.nstructures, e);
  e->spacing = k->grid.spacing;
  e->coarse_spacing = coarse_h;
  e->dt = k->solver.dt_s;
  e->coarse_dt = coarse_dt;
  e->refinements = earlier ? earlier->refinements + 1 : 0;
  e->accuracy = k->solver.accuracy;
  if (earlier) rfl_error_estimate_carry(e, earlier, job->summary.nstructures);
  snprintf(e->note, sizeof e->note, "%s", note);
  rfl_summary_apply_errors(&job->summary);
}

rfl_status rfl_case_job_solve(rfl_case *kase, const rfl_case_job_options *opt, rfl_case_job **out) {
  *out = NULL;
  rfl_error_figures coarse = {.n = 0};
  double coarse_h = 0.0, coarse_dt = 0.0;
  rfl_vec3 lo, hi;
  int have_coarse = 0, have_box = 0;
  char note[256] = "";
  if (kase->solver.error_estimate) {
    rfl_case *cc = malloc(sizeof *cc);
    if (!cc) return RFL_ERROR(RFL_ENOMEM, "out of memory for the coarse solution");
    *cc = *kase;
    coarsen(cc, RFL_ERROR_RATIO);
    rfl_status st = run_coarse(cc, opt, &coarse, &lo, &hi, &have_box);
    if (st == RFL_OK) {
      have_coarse = 1;
      coarse_h = cc->grid.spacing;
      coarse_dt = cc->solver.dt_s;
    } else {
      snprintf(note, sizeof note, "the coarse solution failed: %.200s", rfl_error_message());
      rfl_error_clear();
    }
    free(cc);
  }
  if (kase->grid.auto_fine_box)
    rfl_discretisation_fine_box(kase, kase->grid.spacing, have_box ? &lo : NULL, have_box ? &hi : NULL);
  RFL_CHECK(run_main(kase, opt, out, note, sizeof note));
  if (!have_coarse) {
    (*out)->summary.errors.accuracy = kase->solver.accuracy;
    snprintf((*out)->summary.errors.note, sizeof (*out)->summary.errors.note, "%s",
             note[0] ? note : "error_estimate = no");
    return RFL_OK;
  }
  const double start_h = kase->grid.spacing;
  set_errors(*out, &coarse, coarse_h, coarse_dt, start_h, NULL, note);
  for (int refinements = 1; refinements <= MAX_REFINEMENTS; refinements++) {
    rfl_error_estimate *e = &(*out)->summary.errors;
    if (rfl_error_estimate_met(e)) break;
    double h = refined_spacing(kase, e->largest_length, opt ? opt->memory_limit : 0.0, note, sizeof note);
    if (!(h > 0.0)) {
      snprintf(e->note, sizeof e->note, "%s", note);
      break;
    }
    const rfl_error_estimate earlier = *e; /* kept: the refined run's estimate carries it */
    rfl_summary_error_figures(&(*out)->summary, &coarse); /* this run is the coarse one now */
    coarse_h = kase->grid.spacing;
    coarse_dt = kase->solver.dt_s;
    have_box = lesion_box(&(*out)->summary, kase, &lo, &hi);
    discard(*out);
    *out = NULL;
    if (kase->solver.auto_dt) kase->solver.dt_s *= h / kase->grid.spacing;
    kase->grid.spacing = h;
    if (kase->grid.auto_fine_box) rfl_discretisation_fine_box(kase, h, have_box ? &lo : NULL, have_box ? &hi : NULL);
    note[0] = '\0';
    RFL_CHECK(run_main(kase, opt, out, note, sizeof note));
    set_errors(*out, &coarse, coarse_h, coarse_dt, start_h, &earlier, note);
  }
  rfl_error_estimate *e = &(*out)->summary.errors;
  if (!rfl_error_estimate_met(e) && !e->note[0])
    snprintf(e->note, sizeof e->note, "not met after %d refinement round(s), the most a run "
             "spends: ask for a looser --accuracy, or give [grid] spacing_mm", e->refinements);
  return RFL_OK;
}

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
