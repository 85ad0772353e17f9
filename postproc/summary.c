// SPDX-License-Identifier: BSD-3-Clause
/* The step observer that turns fields into the figures a user reads (lesion size,
 * generator, structures and safety flags). The figures are reported through the metric
 * table (metrics.h): the human summary in summary_print.c, the JSON file in summary_json.c
 * (docs/json-summary.md). Measurements use postproc/lesion.c; this file only decides when
 * to measure and what the figures mean.
 *
 * Safety flags (each names its structure):
 *   protected_overlap       the Omega >= 1 lesion reaches into a protected structure;
 *   protected_within_margin the gap is positive but below the structure's margin;
 *   protected_over_threshold the structure's hottest point reached its injury threshold.
 * Effectiveness findings (reported, but not a reason for exit code 1):
 *   target_not_covered      the Omega >= 1 lesion does not enclose a whole cross-section of
 *                           a target structure (a lesion that only grazes the nerve leaves
 *                           part of its fibres conducting). */
#include "summary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "course.h"
#include "generator.h"
#include "metrics.h"
#include "mirror.h"

struct rfl_monitor {
  const rfl_case *kase;
  const rfl_grid *grid;
  const rfl_geometry *geo;
  rfl_simulation *sim;
  rfl_summary *sum;
  uint8_t *exclude;      /* 1 = not tissue */
  double *phi;           /* scratch level function */
  /* Measurements see the whole domain: with mirror planes the unfolded grid and copies of
   * exclude/phi and a scratch field on it; without, these alias the computed ones. */
  rfl_mirror *mirror;
  const rfl_grid *mgrid;
  uint8_t *mexclude;
  double *mphi, *mfield;
  size_t *active;        /* active-tip cells (their temperature is the electrode surface's) */
  size_t nactive;
  double *history;       /* structure peaks per step (summary.history_peak_C) */
  size_t history_capacity; /* steps */
  double prev_t;
  double prev_struct_max[RFL_MAX_STRUCTURES];
  int next_output;
  int have_end_of_rf;
  rfl_status status;
};

void rfl_monitor_free(rfl_monitor *m) {
  if (!m) return;
  free(m->exclude);
  free(m->phi);
  free(m->active);
  free(m->history);
  if (m->mirror) {
    free(m->mexclude);
    free(m->mphi);
    free(m->mfield);
    rfl_mirror_free(m->mirror);
  }
  free(m);
}

/* 1 for the cells the lesion and structure figures leave out (electrodes, non-tissue). */
static void fill_exclude(const rfl_case *c, const rfl_geometry *geo, size_t ncells, uint8_t *exclude) {
  for (size_t i = 0; i < ncells; ++i) {
    rfl_label l = geo->label[i];
    exclude[i] = l.part != RFL_PART_TISSUE || c->materials[l.material].kind != RFL_MATERIAL_TISSUE;
  }
}

/* Each structure's figures are maxima over its tissue: one with none (swallowed by an
 * electrode, made of a non-tissue material, outside the grid) can never be measured, so it
 * is refused here, at its section line, rather than by the measurement after the run. */
static rfl_status check_structures_on(const rfl_case *c, const rfl_grid *g, const uint8_t *exclude,
                                      double *zero) {
  for (int k = 0; k < c->nstructures; ++k) {
    const rfl_structure *s = &c->structures[k];
    double tmax;
    rfl_status st = rfl_lesion_structure_max(g, zero, exclude, &s->shape, &tmax);
    if (st == RFL_EINPUT)
      return RFL_ERROR(RFL_EINPUT,
                       "%s:%d: [structure %s]: expected some part of the structure in tissue inside the grid, "
                       "found none (it lies inside an electrode, in a non-tissue material or outside the grid)",
                       c->path[0] ? c->path : "(case)", s->line, s->name);
    RFL_CHECK(st);
  }
  return RFL_OK;
}

rfl_status rfl_structures_check(const rfl_case *c, const rfl_grid *g, const rfl_geometry *geo) {
  if (c->nstructures == 0) return RFL_OK;
  uint8_t *exclude = malloc(g->ncells);
  double *zero = calloc(g->ncells, sizeof *zero);
  rfl_status st = exclude && zero ? RFL_OK
                                  : RFL_ERROR(RFL_ENOMEM, "out of memory checking the structures (%zu cells)", g->ncells);
  if (st == RFL_OK) {
    fill_exclude(c, geo, g->ncells, exclude);
    st = check_structures_on(c, g, exclude, zero);
  }
  free(exclude);
  free(zero);
  return st;
}

static void course_figures_absent(rfl_structure_report *r) {
  r->course_length = r->margin_at = r->peak_at = r->max_omega_at = r->max_cem43_at = NAN;
  r->coagulated_length = r->captured_length = r->exposed_length = NAN;
  r->margin_point = rfl_vec3_make(NAN, NAN, NAN);
}

rfl_status rfl_monitor_create(const rfl_case *c, const rfl_grid *g, const rfl_geometry *geo,
                              rfl_simulation *sim, rfl_summary *summary, rfl_monitor **out) {
  *out = NULL;
  rfl_monitor *m = calloc(1, sizeof *m);
  if (!m) return RFL_ERROR(RFL_ENOMEM, "out of memory for the run monitor");
  m->kase = c;
  m->grid = g;
  m->geo = geo;
  m->sim = sim;
  m->sum = summary;
  m->exclude = malloc(g->ncells);
  m->phi = malloc(g->ncells * sizeof *m->phi);
  size_t nactive = 0;
  for (size_t i = 0; i < g->ncells; ++i) nactive += geo->label[i].part == RFL_PART_ACTIVE;
  m->active = malloc((nactive ? nactive : 1) * sizeof *m->active);
  m->history_capacity = rfl_simulation_step_count(sim);
  m->history = malloc((m->history_capacity * (size_t)c->nstructures + 1) * sizeof *m->history);
  if (!m->exclude || !m->phi || !m->active || !m->history) {
    rfl_monitor_free(m);
    return RFL_ERROR(RFL_ENOMEM, "out of memory for the run monitor (%zu cells)", g->ncells);
  }
  fill_exclude(c, geo, g->ncells, m->exclude);
  for (size_t i = 0; i < g->ncells; ++i)
    if (geo->label[i].part == RFL_PART_ACTIVE) m->active[m->nactive++] = i;
  for (size_t i = 0; i < g->ncells; ++i) m->phi[i] = 0.0;
  rfl_status cs = check_structures_on(c, g, m->exclude, m->phi);
  if (cs != RFL_OK) {
    rfl_monitor_free(m);
    return cs;
  }
  m->mgrid = g;
  m->mexclude = m->exclude;
  m->mphi = m->phi;
  if (c->grid.symmetry != RFL_SYMMETRY_NONE) {
    rfl_status st = rfl_mirror_create(g, c->grid.symmetry, &m->mirror);
    if (st != RFL_OK) {
      rfl_monitor_free(m);
      return st;
    }
    size_t nf = m->mirror->full->ncells;
    m->mgrid = m->mirror->full;
    m->mexclude = malloc(nf);
    m->mphi = malloc(nf * sizeof(double));
    m->mfield = malloc(nf * sizeof(double));
    if (!m->mexclude || !m->mphi || !m->mfield) {
      rfl_monitor_free(m);
      return RFL_ERROR(RFL_ENOMEM, "out of memory for the unfolded domain (%zu cells)", nf);
    }
    rfl_mirror_unfold_bytes(m->mirror, m->exclude, m->mexclude);
  }
  memset(summary, 0, sizeof *summary);
  summary->kase = c;
  summary->cells = g->ncells;
  summary->peak_tissue_run_C = -INFINITY;
  summary->thermocouple_max_C = -INFINITY;
  summary->nstructures = c->nstructures;
  summary->history_peak_C = m->history;
  for (int s = 0; s < c->nstructures; ++s) {
    rfl_structure_report *r = &summary->structures[s];
    r->structure = &c->structures[s];
    r->peak_C = c->physics.initial_C;
    r->threshold_crossed_s = NAN;
    course_figures_absent(r);
    m->prev_struct_max[s] = c->physics.initial_C;
  }
  *out = m;
  return RFL_OK;
}

rfl_status rfl_monitor_status(const rfl_monitor *m) { return m->status; }

static rfl_lesion_input lesion_input(const rfl_monitor *m) {
  rfl_lesion_input in;
  in.grid = m->mgrid;
  in.phi = m->mphi;
  in.exclude = m->mexclude;
  in.tip = m->kase->probes[0].tip;
  in.direction = m->kase->probes[0].direction;
  in.probes = m->kase->probes;
  in.nprobes = m->kase->nprobes;
  return in;
}

/* The level functions on the measurement grid. */
static void fill_phi_omega(rfl_monitor *m, const double *omega) {
  for (size_t i = 0; i < m->grid->ncells; ++i) m->phi[i] = log(fmax(omega[i], 1e-300));
  if (m->mirror) rfl_mirror_unfold(m->mirror, m->phi, m->mphi);
}

static void fill_phi_isotherm(rfl_monitor *m, const double *tpeak) {
  double iso = m->kase->damage.isotherm_C;
  for (size_t i = 0; i < m->grid->ncells; ++i) m->phi[i] = tpeak[i] - iso;
  if (m->mirror) rfl_mirror_unfold(m->mirror, m->phi, m->mphi);
}

/* A computed field as seen on the measurement grid. */
static const double *measurement_field(rfl_monitor *m, const double *f) {
  if (!m->mirror) return f;
  rfl_mirror_unfold(m->mirror, f, m->mfield);
  return m->mfield;
}

static rfl_status snapshot(rfl_monitor *m, const rfl_field_view *v, rfl_lesion_snapshot *out) {
  rfl_lesion_input in = lesion_input(m);
  out->t = v->t;
  fill_phi_omega(m, v->omega);
  RFL_CHECK(rfl_lesion_measure(&in, &out->lesion));
  fill_phi_isotherm(m, v->peak_temperature);
  RFL_CHECK(rfl_lesion_measure(&in, &out->isotherm));
  return RFL_OK;
}

/* Hottest tissue, with the active electrode's cells standing for its surface. */
static double hottest(const rfl_monitor *m, const rfl_field_view *v, const rfl_sample *smp) {
  double t = smp->tissue_max_C;
  for (size_t i = 0; i < m->nactive; ++i)
    if (v->temperature[m->active[i]] > t) t = v->temperature[m->active[i]];
  return t;
}

static rfl_status observe(rfl_monitor *m, const rfl_field_view *v, const rfl_sample *smp) {
  rfl_summary *s = m->sum;
  const rfl_case *c = m->kase;
  s->steps++;
  if (smp->unconverged) s->unconverged_steps++;
  double hot = hottest(m, v, smp);
  if (hot > s->peak_tissue_run_C) {
    s->peak_tissue_run_C = hot;
    s->peak_tissue_run_time_s = v->t;
  }
  if (smp->thermocouple_C > s->thermocouple_max_C) s->thermocouple_max_C = smp->thermocouple_C;
  for (int k = 0; k < c->nstructures; ++k) {
    rfl_structure_report *r = &s->structures[k];
    double tmax;
    RFL_CHECK(rfl_lesion_structure_max(m->grid, v->temperature, m->exclude, &c->structures[k].shape, &tmax));
    if (tmax > r->peak_C) {
      r->peak_C = tmax;
      r->peak_time_s = v->t;
    }
    double thr = c->structures[k].threshold_C, prev = m->prev_struct_max[k];
    if (isnan(r->threshold_crossed_s) && tmax >= thr) /* linear between the two steps */
      r->threshold_crossed_s = prev < thr ? m->prev_t + (thr - prev) / (tmax - prev) * (v->t - m->prev_t) : v->t;
    m->prev_struct_max[k] = tmax;
    if (s->history_steps < m->history_capacity)
      m->history[s->history_steps * (size_t)c->nstructures + (size_t)k] = tmax;
  }
  if (s->history_steps < m->history_capacity) s->history_steps++;
  m->prev_t = v->t;
  const double eps = 1e-9;
  while (m->next_output < c->output.ntimes && c->output.times_s[m->next_output] <= v->t + eps) {
    if (fabs(c->output.times_s[m->next_output] - v->t) <= eps && s->ngrowth < RFL_MAX_OUTPUT_TIMES)
      RFL_CHECK(snapshot(m, v, &s->growth[s->ngrowth++]));
    m->next_output++;
  }
  if (!m->have_end_of_rf && fabs(v->t - c->generator.duration_s) <= eps) {
    m->have_end_of_rf = 1;
    RFL_CHECK(snapshot(m, v, &s->end_of_rf));
    RFL_CHECK(rfl_simulation_generator_now(m->sim, v->voltage, &s->generator_end));
    s->peak_tissue_end_C = hot;
  }
  return RFL_OK;
}

int rfl_monitor_observe(const rfl_field_view *view, const rfl_sample *sample, void *ctx) {
  rfl_monitor *m = ctx;
  m->status = observe(m, view, sample);
  return m->status != RFL_OK;
}

/* A structure's name as words ("ventral_ramus" -> "ventral ramus"). */
static void name_words(const char *name, char *buf, size_t size) {
  snprintf(buf, size, "%s", name);
  for (char *p = buf; *p; ++p)
    if (*p == '_') *p = ' ';
}

static void add_flag(rfl_summary *s, int k, const char *what, const char *text) {
  if (s->nflags >= RFL_MAX_FLAGS) return;
  snprintf(s->flags[s->nflags], sizeof s->flags[0], "%s:%s", what, s->structures[k].structure->name);
  snprintf(s->flag_text[s->nflags], sizeof s->flag_text[0], "%s", text);
  s->flag_structure[s->nflags++] = k;
}

static void add_finding(rfl_summary *s, int k, const char *what, const char *text) {
  if (s->nfindings >= RFL_MAX_FLAGS) return;
  snprintf(s->findings[s->nfindings], sizeof s->findings[0], "%s:%s", what, s->structures[k].structure->name);
  snprintf(s->finding_text[s->nfindings], sizeof s->finding_text[0], "%s", text);
  s->finding_structure[s->nfindings++] = k;
}

/* "ventral ramus reached 46.7 C (limit 45 C) at 67.6 s, 7.6 s after RF stopped (first over
 * the limit at 63.0 s)" */
static void threshold_text(const rfl_summary *s, const rfl_structure_report *r, const char *name, char *buf,
                           size_t size) {
  double rf_end = s->kase ? s->kase->generator.duration_s : INFINITY;
  char when[64];
  if (r->peak_time_s > rf_end + 1e-9)
    snprintf(when, sizeof when, "%.1f s after RF stopped", r->peak_time_s - rf_end);
  else
    snprintf(when, sizeof when, "during RF");
  snprintf(buf, size, "%s reached %.1f C (limit %g C) at %.1f s, %s (first over the limit at %.1f s)", name,
           r->peak_C, r->structure->threshold_C, r->peak_time_s, when, r->threshold_crossed_s);
}

static void not_covered_text(const rfl_structure_report *r, const char *name, char *buf, size_t size) {
  char how[80];
  if (!isfinite(r->margin))
    snprintf(how, sizeof how, "there is no lesion");
  else if (r->margin < 0.0)
    snprintf(how, sizeof how, "it reaches %.2f mm into it", -1e3 * r->margin);
  else
    snprintf(how, sizeof how, "it stops %.2f mm short of it", 1e3 * r->margin);
  snprintf(buf, size, "the lesion (Omega >= 1) does not cut through the whole thickness of %s (%s)", name, how);
}

/* The figures of a tube along its course (m->mphi holds ln Omega on entry and on return). */
static rfl_status course_figures(rfl_monitor *m, const rfl_field_view *v, rfl_vec3 closest, rfl_structure_report *r) {
  const rfl_shape *shape = &r->structure->shape;
  rfl_course_profile p;
  r->course_length = rfl_course_length(shape);
  if (isfinite(closest.x)) r->margin_at = rfl_course_project(shape, closest, &r->margin_point);
  RFL_CHECK(rfl_lesion_course_profile(m->mgrid, m->mphi, m->mexclude, shape, 0.0, &p));
  r->coagulated_length = p.any_length;
  r->captured_length = p.all_length;
  RFL_CHECK(rfl_lesion_course_profile(m->mgrid, measurement_field(m, v->peak_temperature), m->mexclude, shape,
                                      RFL_COURSE_EXPOSURE_C, &p));
  r->exposed_length = p.any_length;
  r->peak_at = p.max_at;
  RFL_CHECK(rfl_lesion_course_profile(m->mgrid, measurement_field(m, v->omega), m->mexclude, shape, 1.0, &p));
  r->max_omega_at = p.max_at;
  RFL_CHECK(rfl_lesion_course_profile(m->mgrid, measurement_field(m, v->cem43), m->mexclude, shape, 0.0, &p));
  r->max_cem43_at = p.max_at;
  return RFL_OK;
}

rfl_status rfl_monitor_finish(rfl_monitor *m) {
  rfl_summary *s = m->sum;
  const rfl_case *c = m->kase;
  rfl_field_view v = rfl_simulation_view(m->sim);
  RFL_CHECK(snapshot(m, &v, &s->final));
  if (!m->have_end_of_rf) s->end_of_rf = s->final;
  s->energy = rfl_simulation_energy(m->sim);
  rfl_lesion_input in = lesion_input(m);
  for (int k = 0; k < c->nstructures; ++k) {
    rfl_structure_report *r = &s->structures[k];
    const rfl_structure *st = &c->structures[k];
    RFL_CHECK(rfl_lesion_structure_max(m->mgrid, measurement_field(m, v.omega), m->mexclude, &st->shape,
                                       &r->max_omega));
    RFL_CHECK(rfl_lesion_structure_max(m->mgrid, measurement_field(m, v.cem43), m->mexclude, &st->shape,
                                       &r->max_cem43_min));
    fill_phi_isotherm(m, v.peak_temperature);
    RFL_CHECK(rfl_lesion_distance_to_shape(&in, &st->shape, &r->isotherm_margin));
    fill_phi_omega(m, v.omega);
    rfl_vec3 closest;
    RFL_CHECK(rfl_lesion_closest_to_shape(&in, &st->shape, &r->margin, &closest));
    RFL_CHECK(rfl_lesion_structure_fraction(&in, &st->shape, &r->damaged_fraction));
    RFL_CHECK(rfl_lesion_structure_covered(&in, &st->shape, &r->covered));
    if (rfl_course_exists(&st->shape)) RFL_CHECK(course_figures(m, &v, closest, r));
  }
  rfl_summary_set_flags(s);
  return RFL_OK;
}

void rfl_summary_set_flags(rfl_summary *s) {
  s->nflags = s->nfindings = 0;
  char name[RFL_NAME_MAX], text[RFL_FLAG_TEXT_MAX];
  for (int k = 0; k < s->nstructures; ++k) {
    rfl_structure_report *r = &s->structures[k];
    const rfl_structure *st = r->structure;
    name_words(st->name, name, sizeof name);
    r->flag_overlap = r->flag_within_margin = r->flag_threshold = r->flag_not_covered = 0;
    if (st->role == RFL_ROLE_PROTECTED) {
      r->flag_overlap = r->margin < 0.0;
      r->flag_within_margin = !r->flag_overlap && r->margin < st->margin;
      r->flag_threshold = !isnan(r->threshold_crossed_s);
      if (r->flag_overlap) {
        snprintf(text, sizeof text, "the lesion (Omega >= 1) reaches %.2f mm into %s", -1e3 * r->margin, name);
        add_flag(s, k, rfl_flag_name(RFL_FLAG_OVERLAP), text);
      }
      if (r->flag_within_margin) {
        snprintf(text, sizeof text, "%s is %.2f mm from the lesion (Omega >= 1), inside its required margin of %g mm",
                 name, 1e3 * r->margin, 1e3 * st->margin);
        add_flag(s, k, rfl_flag_name(RFL_FLAG_WITHIN_MARGIN), text);
      }
      if (r->flag_threshold) {
        threshold_text(s, r, name, text, sizeof text);
        add_flag(s, k, rfl_flag_name(RFL_FLAG_OVER_THRESHOLD), text);
      }
    } else if (st->role == RFL_ROLE_TARGET) {
      r->flag_not_covered = !r->covered;
      if (r->flag_not_covered) {
        not_covered_text(r, name, text, sizeof text);
        add_finding(s, k, rfl_flag_name(RFL_FLAG_NOT_COVERED), text);
      }
    }
  }
}

void rfl_summary_error_figures(const rfl_summary *s, rfl_error_figures *out) {
  const rfl_lesion_snapshot *snaps[2] = {&s->end_of_rf, &s->final};
  for (int t = 0; t < 2; t++)
    for (int l = 0; l < 2; l++) {
      const rfl_lesion_metrics *m = l == 0 ? &snaps[t]->lesion : &snaps[t]->isotherm;
      const double v[4] = {m->width, m->length, m->distal, m->volume};
      for (int k = 0; k < 4; k++) out->value[rfl_error_lesion_index(t, l, k)] = m->found ? v[k] : 0.0;
    }
  for (int k = 0; k < s->nstructures; k++) {
    out->value[rfl_error_structure_index(k, 0)] = s->structures[k].margin;
    out->value[rfl_error_structure_index(k, 1)] = s->structures[k].isotherm_margin;
    out->value[rfl_error_structure_index(k, 2)] = s->structures[k].peak_C;
  }
  out->value[rfl_error_peak_index(s->nstructures)] = s->peak_tissue_end_C;
  out->n = rfl_error_peak_index(s->nstructures) + 1;
}

void rfl_summary_error_figure(const rfl_summary *s, int i, char *name, size_t size, const char **unit,
                              double *value, double *error) {
  static const char *const snaps[2] = {"end_of_rf", "final"}, *const lesions[2] = {"lesion", "isotherm"};
  static const char *const metrics[4] = {"width", "length", "distal", "volume"};
  static const char *const what[3] = {"margin", "isotherm_margin", "peak"};
  rfl_error_figures f;
  rfl_summary_error_figures(s, &f);
  rfl_error_quantity q = rfl_error_figure_kind(i, s->nstructures);
  double scale = q == RFL_ERROR_OF_LENGTH ? 1e3 : q == RFL_ERROR_OF_VOLUME ? 1e9 : 1.0;
  *unit = q == RFL_ERROR_OF_LENGTH ? "mm" : q == RFL_ERROR_OF_VOLUME ? "mm^3" : "C";
  if (i < RFL_ERROR_LESION_FIGURES)
    snprintf(name, size, "%s.%s.%s", snaps[i / 8], lesions[(i / 4) % 2], metrics[i % 4]);
  else if (i < rfl_error_peak_index(s->nstructures))
    snprintf(name, size, "structure.%s.%s", s->structures[(i - RFL_ERROR_LESION_FIGURES) / 3].structure->name,
             what[(i - RFL_ERROR_LESION_FIGURES) % 3]);
  else
    snprintf(name, size, "peak_tissue_end");
  *value = scale * f.value[i];
  *error = s->errors.estimated && i < s->errors.error.n ? scale * s->errors.error.value[i] : NAN;
}

void rfl_summary_apply_errors(rfl_summary *s) {
  rfl_summary_set_flags(s);
  if (!s->errors.estimated) return;
  for (int k = 0; k < s->nstructures; ++k) {
    rfl_structure_report *r = &s->structures[k];
    const rfl_structure *st = r->structure;
    if (st->role != RFL_ROLE_PROTECTED) continue;
    double em = s->errors.error.value[rfl_error_structure_index(k, 0)];
    double ep = s->errors.error.value[rfl_error_structure_index(k, 2)];
    int margin_close = isfinite(em) && (fabs(r->margin - st->margin) <= em || fabs(r->margin) <= em);
    int peak_close = isfinite(ep) && fabs(r->peak_C - st->threshold_C) <= ep;
    r->flag_within_error = margin_close || peak_close;
    if (!r->flag_within_error) continue;
    char name[RFL_NAME_MAX], text[RFL_FLAG_TEXT_MAX];
    name_words(st->name, name, sizeof name);
    if (margin_close)
      snprintf(text, sizeof text, "%s is %.2f mm from the lesion (required %g mm), closer to the limit than "
               "the estimated error of +-%.2f mm: too close to call on this grid (refine with --accuracy)",
               name, 1e3 * r->margin, 1e3 * st->margin, 1e3 * em);
    else
      snprintf(text, sizeof text, "%s peaks at %.2f C (limit %g C), closer to the limit than the estimated "
               "error of +-%.2f C: too close to call on this grid (refine with --accuracy)",
               name, r->peak_C, st->threshold_C, ep);
    add_flag(s, k, rfl_flag_name(RFL_FLAG_WITHIN_ERROR), text);
  }
}
