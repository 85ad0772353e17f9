// SPDX-License-Identifier: BSD-3-Clause
/* The step observer that turns fields into the figures a user reads (lesion size,
 * generator, structures and safety flags), and the two ways of reporting them: a human
 * summary and a JSON file (docs/json-summary.md). Measurements use postproc/lesion.c; this
 * file only decides when to measure and what the figures mean.
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

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "case_hash.h"
#include "generator.h"
#include "mirror.h"
#include "provenance.h"
#include "rfl_version.h"

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
    RFL_CHECK(rfl_lesion_distance_to_shape(&in, &st->shape, &r->margin));
    RFL_CHECK(rfl_lesion_structure_fraction(&in, &st->shape, &r->damaged_fraction));
    RFL_CHECK(rfl_lesion_structure_covered(&in, &st->shape, &r->covered));
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
        add_flag(s, k, "protected_overlap", text);
      }
      if (r->flag_within_margin) {
        snprintf(text, sizeof text, "%s is %.2f mm from the lesion (Omega >= 1), inside its required margin of %g mm",
                 name, 1e3 * r->margin, 1e3 * st->margin);
        add_flag(s, k, "protected_within_margin", text);
      }
      if (r->flag_threshold) {
        threshold_text(s, r, name, text, sizeof text);
        add_flag(s, k, "protected_over_threshold", text);
      }
    } else if (st->role == RFL_ROLE_TARGET) {
      r->flag_not_covered = !r->covered;
      if (r->flag_not_covered) {
        not_covered_text(r, name, text, sizeof text);
        add_finding(s, k, "target_not_covered", text);
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
    add_flag(s, k, "margin_within_error", text);
  }
}

/* ---- human summary ---------------------------------------------------------------------- */

/* " +- 0.04" after a figure when its error is estimated (scale: SI to the printed unit). */
static const char *pm(const rfl_summary *s, int index, double scale, const char *fmt, char *buf, size_t size) {
  buf[0] = '\0';
  double e = s->errors.estimated && index < s->errors.error.n ? s->errors.error.value[index] : NAN;
  if (isfinite(e)) {
    char num[24];
    snprintf(num, sizeof num, fmt, scale * e);
    snprintf(buf, size, " +- %s", num);
  }
  return buf;
}

static void print_lesion(FILE *f, const char *label, const rfl_summary *s, int snapshot, int which) {
  const rfl_lesion_snapshot *snap = snapshot == 0 ? &s->end_of_rf : &s->final;
  const rfl_lesion_metrics *l = which == 0 ? &snap->lesion : &snap->isotherm;
  if (!l->found) {
    fprintf(f, "  %-22s none\n", label);
    return;
  }
  char e[4][32];
  for (int k = 0; k < 4; k++)
    pm(s, rfl_error_lesion_index(snapshot, which, k), k == 3 ? 1e9 : 1e3, k == 3 ? "%.1f" : "%.2f", e[k], sizeof e[k]);
  fprintf(f, "  %-22s width %.2f%s mm, length %.2f%s mm, distal %.2f%s mm, volume %.1f%s mm3\n", label,
          1e3 * l->width, e[0], 1e3 * l->length, e[1], 1e3 * l->distal, e[2], 1e9 * l->volume, e[3]);
}

/* The error estimate in one line: how it was made and whether the target was met. */
static void print_error_estimate(FILE *f, const rfl_summary *s) {
  const rfl_error_estimate *e = &s->errors;
  if (!e->estimated) {
    if (e->note[0]) fprintf(f, "Discretisation error: not estimated (%s)\n", e->note);
    return;
  }
  fprintf(f, "Discretisation error (+-): from a second solution with %.3g mm cells and %.3g s steps "
             "beside %.3g mm and %.3g s; largest on a length %.3f mm, target %.3g mm %s%s%s\n",
          e->coarse_spacing * 1e3, e->coarse_dt, e->spacing * 1e3, e->dt, e->largest_length * 1e3,
          e->accuracy * 1e3, e->largest_length <= e->accuracy ? "met" : "NOT met",
          e->note[0] ? "; " : "", e->note);
}

void rfl_summary_print(FILE *f, const rfl_summary *s) {
  const rfl_case *c = s->kase;
  char iso[64];
  snprintf(iso, sizeof iso, "%.0f C isotherm:", c->damage.isotherm_C);
  fprintf(f, "Lesion at the end of RF (t = %.1f s):\n", s->end_of_rf.t);
  print_lesion(f, "Omega >= 1:", s, 0, 0);
  print_lesion(f, iso, s, 0, 1);
  if (c->generator.cooldown_s > 0.0) {
    fprintf(f, "After the cool-down (t = %.1f s):\n", s->final.t);
    print_lesion(f, "Omega >= 1:", s, 1, 0);
    print_lesion(f, iso, s, 1, 1);
  }
  const rfl_sample *g = &s->generator_end;
  fprintf(f, "Generator at the end of RF: %.2f V, %.1f mA, %.2f W, %.1f ohm, thermocouple %.2f C\n",
          g->voltage, 1e3 * g->current, g->power, g->impedance, g->thermocouple_C);
  fprintf(f, "Peak tissue temperature: %.2f C at the end of RF, %.2f C over the run (t = %.1f s)\n",
          s->peak_tissue_end_C, s->peak_tissue_run_C, s->peak_tissue_run_time_s);
  if (rfl_generator_type_of(&c->generator)->bursts)
    fprintf(f, "Pulsed RF: highest thermocouple reading %.2f C, hottest tissue %.2f C\n",
            s->thermocouple_max_C, s->peak_tissue_run_C);
  for (int k = 0; k < s->nstructures; ++k) {
    const rfl_structure_report *r = &s->structures[k];
    const rfl_structure *st = r->structure;
    const char *role = st->role == RFL_ROLE_PROTECTED ? "protected" : st->role == RFL_ROLE_TARGET ? "target" : "region";
    char em[32], ei[32], ep[32];
    pm(s, rfl_error_structure_index(k, 0), 1e3, "%.2f", em, sizeof em);
    pm(s, rfl_error_structure_index(k, 1), 1e3, "%.2f", ei, sizeof ei);
    pm(s, rfl_error_structure_index(k, 2), 1.0, "%.2f", ep, sizeof ep);
    fprintf(f, "Structure '%s' (%s): lesion margin %+.2f%s mm (isotherm %+.2f%s mm), peak %.2f%s C at %.1f s",
            st->name, role, 1e3 * r->margin, em, 1e3 * r->isotherm_margin, ei, r->peak_C, ep, r->peak_time_s);
    if (isnan(r->threshold_crossed_s))
      fprintf(f, ", never reached %.1f C", st->threshold_C);
    else
      fprintf(f, ", reached %.1f C at %.1f s", st->threshold_C, r->threshold_crossed_s);
    fprintf(f, ", max Omega %.3g, CEM43 %.3g min, %.2f %% coagulated%s\n", r->max_omega,
            r->max_cem43_min, 100.0 * r->damaged_fraction,
            st->role != RFL_ROLE_TARGET ? "" : r->covered ? ", covered through its thickness"
                                                          : ", not covered through its thickness");
  }
  rfl_summary_print_flags(f, s);
  print_error_estimate(f, s);
  fprintf(f, "Grid %zu cells, %zu steps, %d thread(s), %.2f s wall (set-up %.2f s)\n", s->cells,
          s->steps, s->threads, s->wall_s, s->setup_s);
  if (s->unconverged_steps > 0)
    fprintf(f, "Note: %zu step(s) kept with conductivity or boiling passes unconverged (energy is "
               "conserved; a smaller [solver] dt_s resolves them)\n", s->unconverged_steps);
}

void rfl_summary_print_flags(FILE *f, const rfl_summary *s) {
  if (s->nflags == 0) fprintf(f, "Safety flags: none\n");
  for (int i = 0; i < s->nflags; ++i) fprintf(f, "SAFETY FLAG: %s [%s]\n", s->flag_text[i], s->flags[i]);
  for (int i = 0; i < s->nfindings; ++i)
    fprintf(f, "Finding (effectiveness, not a safety flag): %s [%s]\n", s->finding_text[i], s->findings[i]);
}

/* ---- JSON ------------------------------------------------------------------------------- */

static void json_num(FILE *f, int indent, const char *key, double v, int last) {
  if (isfinite(v))
    fprintf(f, "%*s\"%s\": %.10g%s\n", indent, "", key, v, last ? "" : ",");
  else
    fprintf(f, "%*s\"%s\": null%s\n", indent, "", key, last ? "" : ",");
}

static void json_string_value(FILE *f, const char *s) {
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *)s; *p; ++p) {
    if (*p == '"' || *p == '\\')
      fprintf(f, "\\%c", *p);
    else if (*p < 0x20)
      fprintf(f, "\\u%04x", *p);
    else
      fputc(*p, f);
  }
  fputc('"', f);
}

static void json_lesion(FILE *f, int indent, const char *key, const rfl_lesion_metrics *l,
                        double threshold, int last) {
  fprintf(f, "%*s\"%s\": {\n", indent, "", key);
  if (threshold == threshold) json_num(f, indent + 2, "threshold_C", threshold, 0);
  json_num(f, indent + 2, "width_mm", l->found ? 1e3 * l->width : 0.0, 0);
  json_num(f, indent + 2, "length_mm", l->found ? 1e3 * l->length : 0.0, 0);
  json_num(f, indent + 2, "distal_mm", l->found ? 1e3 * l->distal : NAN, 0);
  json_num(f, indent + 2, "volume_mm3", l->found ? 1e9 * l->volume : 0.0, 1);
  fprintf(f, "%*s}%s\n", indent, "", last ? "" : ",");
}

/* "provenance": what produced these figures (the same fields as the HDF5 root attributes). */
static void json_provenance(FILE *f, const rfl_case *c) {
  rfl_provenance p;
  rfl_provenance_get(&p);
  uint64_t h = 0;
  char hash[17] = "unknown";
  if (rfl_case_hash(c, &h) == RFL_OK) rfl_case_hash_text(h, hash);
  fprintf(f, "  \"provenance\": {\n    \"version\": \"%s\",\n    \"commit\": \"%s\",\n    \"build_type\": \"%s\",\n"
             "    \"mpi\": %s,\n    \"openmp\": %s,\n    \"hdf5\": \"%s\",\n    \"case_hash\": \"%s\"\n  },\n",
          p.version_full, p.commit, p.build_type, p.mpi ? "true" : "false", p.openmp ? "true" : "false", p.hdf5, hash);
}

/* "errors": the discretisation error of each figure, in the figure's unit (null where not
 * estimated), and how it was estimated. */
static void json_error_lesion(FILE *f, int indent, const char *key, const rfl_error_estimate *e,
                              int snapshot, int which, int last) {
  static const char *const names[4] = {"width_mm", "length_mm", "distal_mm", "volume_mm3"};
  fprintf(f, "%*s\"%s\": {\n", indent, "", key);
  for (int k = 0; k < 4; k++)
    json_num(f, indent + 2, names[k], (k == 3 ? 1e9 : 1e3) * e->error.value[rfl_error_lesion_index(snapshot, which, k)], k == 3);
  fprintf(f, "%*s}%s\n", indent, "", last ? "" : ",");
}

static void json_errors(FILE *f, const rfl_summary *s) {
  const rfl_error_estimate *e = &s->errors;
  fprintf(f, "  \"errors\": {\n    \"estimated\": %s,\n    \"note\": ", e->estimated ? "true" : "false");
  json_string_value(f, e->note);
  fprintf(f, ",\n");
  json_num(f, 4, "accuracy_mm", 1e3 * e->accuracy, 0);
  if (!e->estimated) {
    fprintf(f, "    \"method\": null\n  },\n");
    return;
  }
  fprintf(f, "    \"method\": \"Richardson/GCI: max(Fs |f - f_coarse| / (r^p - 1), floor), Fs %.2f, p %.0f, "
             "floor %.2g cells (%.2g for lesion lengths and distal projections)\",\n",
          RFL_ERROR_SAFETY, RFL_ERROR_ORDER, RFL_ERROR_FLOOR_CELLS, RFL_ERROR_AXIAL_FLOOR_CELLS);
  json_num(f, 4, "ratio", e->ratio, 0);
  json_num(f, 4, "spacing_mm", 1e3 * e->spacing, 0);
  json_num(f, 4, "coarse_spacing_mm", 1e3 * e->coarse_spacing, 0);
  json_num(f, 4, "dt_s", e->dt, 0);
  json_num(f, 4, "coarse_dt_s", e->coarse_dt, 0);
  json_num(f, 4, "refinements", e->refinements, 0);
  json_num(f, 4, "largest_length_mm", 1e3 * e->largest_length, 0);
  fprintf(f, "    \"met\": %s,\n", e->largest_length <= e->accuracy ? "true" : "false");
  json_error_lesion(f, 4, "lesion", e, 0, 0, 0);
  json_error_lesion(f, 4, "isotherm", e, 0, 1, 0);
  fprintf(f, "    \"after_cooldown\": {\n");
  json_error_lesion(f, 6, "lesion", e, 1, 0, 0);
  json_error_lesion(f, 6, "isotherm", e, 1, 1, 1);
  fprintf(f, "    },\n");
  json_num(f, 4, "peak_tissue_end_C", e->error.value[rfl_error_peak_index(s->nstructures)], 0);
  fprintf(f, "    \"structures\": [\n");
  for (int k = 0; k < s->nstructures; ++k) {
    fprintf(f, "      {\n        \"name\": ");
    json_string_value(f, s->structures[k].structure->name);
    fprintf(f, ",\n");
    json_num(f, 8, "margin_mm", 1e3 * e->error.value[rfl_error_structure_index(k, 0)], 0);
    json_num(f, 8, "isotherm_margin_mm", 1e3 * e->error.value[rfl_error_structure_index(k, 1)], 0);
    json_num(f, 8, "peak_C", e->error.value[rfl_error_structure_index(k, 2)], 1);
    fprintf(f, "      }%s\n", k + 1 < s->nstructures ? "," : "");
  }
  fprintf(f, "    ]\n  },\n");
}

/* "KEY": [{"id": "KIND:structure", "structure": "NAME", "text": "..."}, ...], */
static void json_flag_list(FILE *f, const char *key, const rfl_summary *s, const char (*ids)[96], const int *structure,
                           const char (*texts)[RFL_FLAG_TEXT_MAX], int n) {
  fprintf(f, "  \"%s\": [", key);
  for (int i = 0; i < n; ++i) {
    fprintf(f, "%s\n    {\"id\": ", i ? "," : "");
    json_string_value(f, ids[i]);
    fprintf(f, ", \"structure\": ");
    json_string_value(f, s->structures[structure[i]].structure->name);
    fprintf(f, ", \"text\": ");
    json_string_value(f, texts[i]);
    fprintf(f, "}");
  }
  fprintf(f, "%s],\n", n ? "\n  " : "");
}

static void json_body(FILE *f, const rfl_summary *s) {
  const rfl_case *c = s->kase;
  fprintf(f, "{\n  \"version\": \"%s\",\n", RFL_VERSION);
  json_provenance(f, c);
  fprintf(f, "  \"case\": ");
  json_string_value(f, c->path);
  char title[RFL_CASE_TITLE_MAX];
  rfl_case_display_title(c, title, sizeof title);
  fprintf(f, ",\n  \"title\": ");
  json_string_value(f, title);
  fprintf(f, ",\n  \"name\": ");
  json_string_value(f, c->title);
  fprintf(f, ",\n");
  json_num(f, 2, "time_s", s->end_of_rf.t, 0);
  json_lesion(f, 2, "lesion", &s->end_of_rf.lesion, NAN, 0);
  json_lesion(f, 2, "isotherm", &s->end_of_rf.isotherm, c->damage.isotherm_C, 0);
  fprintf(f, "  \"after_cooldown\": {\n");
  json_num(f, 4, "time_s", s->final.t, 0);
  json_lesion(f, 4, "lesion", &s->final.lesion, NAN, 0);
  json_lesion(f, 4, "isotherm", &s->final.isotherm, c->damage.isotherm_C, 1);
  fprintf(f, "  },\n  \"generator\": {\n    \"mode\": \"%s\",\n", rfl_generator_mode_name(c->generator.mode));
  const rfl_sample *g = &s->generator_end;
  json_num(f, 4, "voltage_V", g->voltage, 0);
  json_num(f, 4, "current_A", g->current, 0);
  json_num(f, 4, "power_W", g->power, 0);
  json_num(f, 4, "impedance_ohm", g->impedance, 0);
  json_num(f, 4, "thermocouple_C", g->thermocouple_C, 0);
  json_num(f, 4, "thermocouple_max_C", s->thermocouple_max_C, 1);
  fprintf(f, "  },\n  \"peak_tissue_C\": {\n");
  json_num(f, 4, "end", s->peak_tissue_end_C, 0);
  json_num(f, 4, "run", s->peak_tissue_run_C, 0);
  json_num(f, 4, "run_time_s", s->peak_tissue_run_time_s, 1);
  fprintf(f, "  },\n  \"growth\": [\n");
  for (int i = 0; i < s->ngrowth; ++i) {
    fprintf(f, "    {\n");
    json_num(f, 6, "time_s", s->growth[i].t, 0);
    json_lesion(f, 6, "lesion", &s->growth[i].lesion, NAN, 0);
    json_lesion(f, 6, "isotherm", &s->growth[i].isotherm, c->damage.isotherm_C, 1);
    fprintf(f, "    }%s\n", i + 1 < s->ngrowth ? "," : "");
  }
  fprintf(f, "  ],\n  \"structures\": [\n");
  for (int k = 0; k < s->nstructures; ++k) {
    const rfl_structure_report *r = &s->structures[k];
    const rfl_structure *st = r->structure;
    fprintf(f, "    {\n      \"name\": ");
    json_string_value(f, st->name);
    fprintf(f, ",\n      \"role\": \"%s\",\n",
            st->role == RFL_ROLE_PROTECTED ? "protected" : st->role == RFL_ROLE_TARGET ? "target" : "none");
    json_num(f, 6, "margin_mm", 1e3 * r->margin, 0);
    json_num(f, 6, "isotherm_margin_mm", 1e3 * r->isotherm_margin, 0);
    json_num(f, 6, "required_margin_mm", 1e3 * st->margin, 0);
    json_num(f, 6, "peak_C", r->peak_C, 0);
    json_num(f, 6, "peak_time_s", r->peak_time_s, 0);
    json_num(f, 6, "max_omega", r->max_omega, 0);
    json_num(f, 6, "max_cem43_min", r->max_cem43_min, 0);
    json_num(f, 6, "damaged_fraction", r->damaged_fraction, 0);
    json_num(f, 6, "threshold_C", st->threshold_C, 0);
    json_num(f, 6, "threshold_crossed_s", r->threshold_crossed_s, 0);
    fprintf(f, "      \"flags\": [");
    const char *names[] = {"protected_overlap", "protected_within_margin", "protected_over_threshold",
                           "target_not_covered", "margin_within_error"};
    const int on[] = {r->flag_overlap, r->flag_within_margin, r->flag_threshold, r->flag_not_covered,
                      r->flag_within_error};
    int first = 1;
    for (int i = 0; i < 5; ++i)
      if (on[i]) {
        fprintf(f, "%s\"%s\"", first ? "" : ", ", names[i]);
        first = 0;
      }
    fprintf(f, "]\n    }%s\n", k + 1 < s->nstructures ? "," : "");
  }
  fprintf(f, "  ],\n  \"flags\": [");
  for (int i = 0; i < s->nflags; ++i) {
    fprintf(f, "%s", i ? ", " : "");
    json_string_value(f, s->flags[i]);
  }
  fprintf(f, "],\n");
  json_flag_list(f, "safety_flags", s, s->flags, s->flag_structure, s->flag_text, s->nflags);
  json_flag_list(f, "findings", s, s->findings, s->finding_structure, s->finding_text, s->nfindings);
  json_errors(f, s);
  fprintf(f, "  \"energy_J\": {\n");
  json_num(f, 4, "electrical", s->energy.electrical, 0);
  json_num(f, 4, "metabolic", s->energy.metabolic, 0);
  json_num(f, 4, "stored", s->energy.stored, 0);
  json_num(f, 4, "boundary", s->energy.boundary, 0);
  json_num(f, 4, "perfusion", s->energy.perfusion, 0);
  json_num(f, 4, "cooling", s->energy.cooling, 1);
  fprintf(f, "  },\n  \"grid\": {\n");
  json_num(f, 4, "cells", (double)s->cells, 1);
  fprintf(f, "  },\n");
  json_num(f, 2, "steps", (double)s->steps, 0);
  json_num(f, 2, "unconverged_steps", (double)s->unconverged_steps, 0);
  json_num(f, 2, "threads", s->threads, 0);
  json_num(f, 2, "setup_s", s->setup_s, 0);
  json_num(f, 2, "wall_s", s->wall_s, 1);
  fprintf(f, "}\n");
}

rfl_status rfl_summary_write_json(const char *path, const rfl_summary *s) {
  rfl_atomic_file out;
  RFL_CHECK(rfl_atomic_open(&out, path));
  json_body(out.f, s);
  return rfl_atomic_commit(&out);
}
