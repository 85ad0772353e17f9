// SPDX-License-Identifier: BSD-3-Clause
/* What a run found, in one plain struct, and how it is reported: the human summary on a
 * terminal (summary_print.c) and the JSON summary for scripts (summary_json.c; schema:
 * docs/json-summary.md), both written from the metric table (metrics.h).
 *
 * rfl_monitor is the simulation's step observer that fills it: it tracks every structure's
 * peak temperature and the first time it reaches its injury threshold (interpolated
 * between steps), snapshots lesion and generator figures at the end of RF and at requested
 * output times, and measures the final lesion and proximity figures at the end. */
#ifndef RFL_SUMMARY_H
#define RFL_SUMMARY_H

#include <stdio.h>

#include "case.h"
#include "error_estimate.h"
#include "lesion.h"
#include "simulation.h"

#define RFL_MAX_FLAGS 64
#define RFL_FLAG_TEXT_MAX 256

typedef struct {
  double t;                       /* s */
  rfl_lesion_metrics lesion;      /* Omega >= 1 */
  rfl_lesion_metrics isotherm;    /* Tpeak >= isotherm_C */
} rfl_lesion_snapshot;

/* The temperature whose reach along a nerve's course is reported (exposed_length): the
 * usual threshold of nerve injury. */
#define RFL_COURSE_EXPOSURE_C 45.0

typedef struct {
  const rfl_structure *structure; /* the case's */
  double margin;                  /* signed distance Omega lesion -> structure, m */
  double isotherm_margin;         /* same for the isotherm lesion, m */
  double peak_C, peak_time_s;     /* hottest point of the structure over the run */
  double max_omega, max_cem43_min;
  double damaged_fraction;        /* volume fraction with Omega >= 1 */
  double threshold_crossed_s;     /* first time peak >= threshold, NAN if never */
  /* Along the course of a tube structure (course.h; rfl_lesion_course_profile), arc lengths
   * from its first point; all NAN for a structure without a course. */
  double course_length;           /* m */
  double margin_at;               /* where the course comes closest to the lesion: the
                                     course point nearest the lesion point of `margin`, m */
  rfl_vec3 margin_point;          /* that course point, m */
  double peak_at;                 /* the hottest cross-section (peak temperature over the run), m */
  double max_omega_at, max_cem43_at; /* the cross-sections of the largest dose, m */
  double coagulated_length;       /* where some point of the cross-section has Omega >= 1, m */
  double captured_length;         /* where every point of it has Omega >= 1, m */
  double exposed_length;          /* where some point of it reached RFL_COURSE_EXPOSURE_C, m */
  int covered;                    /* the Omega >= 1 lesion encloses a whole cross-section
                                     (rfl_lesion_structure_covered) */
  int flag_overlap, flag_within_margin, flag_threshold, flag_not_covered;
  int flag_within_error;          /* the margin or the threshold is decided by less than
                                     its estimated discretisation error */
} rfl_structure_report;

typedef struct {
  const rfl_case *kase;
  rfl_lesion_snapshot end_of_rf;  /* at t = duration */
  rfl_lesion_snapshot final;      /* after the cool-down (= end_of_rf without one) */
  rfl_lesion_snapshot growth[RFL_MAX_OUTPUT_TIMES];
  int ngrowth;
  rfl_sample generator_end;       /* generator figures at the end of RF (G at T(end)) */
  double peak_tissue_end_C;       /* hottest tissue at the end of RF, C */
  double peak_tissue_run_C, peak_tissue_run_time_s; /* over the whole run */
  double thermocouple_max_C;      /* highest thermocouple reading, C */
  rfl_energy_budget energy;
  rfl_structure_report structures[RFL_MAX_STRUCTURES];
  int nstructures;
  /* Safety flags (a protected structure over its threshold, or the lesion into it or inside
   * its margin): "KIND:structure" identifiers, each with its structure's index and the flag
   * in words. A run with any of them exits 1. */
  char flags[RFL_MAX_FLAGS][96];
  int flag_structure[RFL_MAX_FLAGS];
  char flag_text[RFL_MAX_FLAGS][RFL_FLAG_TEXT_MAX];
  int nflags;
  /* Effectiveness findings (a target not covered): reported the same way, but they do not
   * change the exit code. */
  char findings[RFL_MAX_FLAGS][96];
  int finding_structure[RFL_MAX_FLAGS];
  char finding_text[RFL_MAX_FLAGS][RFL_FLAG_TEXT_MAX];
  int nfindings;
  /* Hottest point of each structure after every step: history_peak_C[step * nstructures + k]
   * for step < history_steps (times in the simulation's samples). Owned by the monitor. */
  const double *history_peak_C;
  size_t history_steps;
  size_t cells, steps;
  size_t unconverged_steps; /* steps kept with their coefficient passes unconverged */
  int threads;
  double wall_s, setup_s;
  rfl_error_estimate errors;      /* discretisation error of every figure (error_estimate.h) */
} rfl_summary;

/* The summary's figures in the error estimate's list order (error_estimate.h). */
void rfl_summary_error_figures(const rfl_summary *s, rfl_error_figures *out);

/* Figure i of the error list by name ("end_of_rf.lesion.width", "structure.NAME.margin",
 * "peak_tissue_end"), its unit ("mm", "mm^3", "C"), and its value and error in that unit
 * (the error NAN when not estimated). */
void rfl_summary_error_figure(const rfl_summary *s, int i, char *name, size_t size, const char **unit,
                              double *value, double *error);

/* Sets the flags again with the error estimate in s->errors: a protected structure whose
 * margin or threshold decision is closer than its error bar gets margin_within_error. */
void rfl_summary_apply_errors(rfl_summary *s);

typedef struct rfl_monitor rfl_monitor;

/* RFL_EINPUT "FILE:LINE: [structure NAME]: expected some part of the structure in tissue
 * inside the grid, ..." for a structure with no tissue in the grid (inside an electrode,
 * say); rflesion check calls it, and rfl_monitor_create checks the same before a run. */
rfl_status rfl_structures_check(const rfl_case *c, const rfl_grid *g, const rfl_geometry *geo);

rfl_status rfl_monitor_create(const rfl_case *c, const rfl_grid *g, const rfl_geometry *geo,
                              rfl_simulation *sim, rfl_summary *summary, rfl_monitor **out);
void rfl_monitor_free(rfl_monitor *m);

/* The step observer to pass to rfl_simulation_run (ctx = the monitor). */
int rfl_monitor_observe(const rfl_field_view *view, const rfl_sample *sample, void *ctx);

/* Status of the last observation (measurements can fail); RFL_OK if none failed. */
rfl_status rfl_monitor_status(const rfl_monitor *m);

/* After the run: final lesion, structure figures and flags. */
rfl_status rfl_monitor_finish(rfl_monitor *m);

/* The safety flags and findings from the structure reports' figures (margin,
 * threshold_crossed_s, peak_C, peak_time_s, covered; each report's structure set): sets
 * every report's flag_* and rebuilds s->flags and s->findings with their sentences. A
 * protected structure raises a safety flag when the lesion reaches into it (margin < 0),
 * when the gap is below its required margin, and when it reached its threshold; a target
 * raises a finding when the lesion does not enclose a whole cross-section of it
 * (covered == 0). */
void rfl_summary_set_flags(rfl_summary *s);

/* Human summary (the flags and findings included, as rfl_summary_print_flags). */
void rfl_summary_print(FILE *f, const rfl_summary *s);

/* The safety flags and findings alone, in words with their identifiers:
 *   SAFETY FLAG: ventral ramus reached 46.7 C (limit 45 C) at 67.6 s, 7.6 s after RF stopped
 *     [protected_over_threshold:ventral_ramus]
 * ("Safety flags: none" without any); `run --quiet` prints these. */
void rfl_summary_print_flags(FILE *f, const rfl_summary *s);

/* JSON summary, written atomically (temporary file, then rename). */
rfl_status rfl_summary_write_json(const char *path, const rfl_summary *s);

#endif
