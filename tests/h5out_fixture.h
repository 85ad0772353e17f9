// SPDX-License-Identifier: BSD-3-Clause
/* A small synthetic run for the HDF5 writer's tests (test_h5out.c and the h5_writer program
 * that the Python and ParaView checks call): a 6 x 5 x 4 cell grid, uniform (1 mm cells on
 * [-3, 3] x [-2.5, 2.5] x [0, 4] mm) or graded (faces listed below), hand-made labels, and
 * fields with values known in closed form so a reader can check every cell:
 *
 *   temperature_C      = 37 + i + 10 j + 100 k + t / 30
 *   peak_temperature_C = temperature_C + 2
 *   omega              = 0.5 (i + j + k)
 *   cem43_min          = 2^k (i + 1)
 *   potential_V        = FIX_VOLTAGE / (1 + i + j + k)
 *   material           = (i + j + k) % 3, part = 1 on the column i = j = 0 (the "tip"),
 *                        2 on i = 1, j = 0, 0 elsewhere; probe = 0
 *
 * (all exactly representable in float32 except the potential). Snapshots are taken at
 * t = 30 and 90 s. The summary, series and case carry the distinct values set below. */
#ifndef RFL_H5OUT_FIXTURE_H
#define RFL_H5OUT_FIXTURE_H

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "geometry.h"
#include "grid.h"
#include "simulation.h"
#include "summary.h"

#define FIX_NX 6
#define FIX_NY 5
#define FIX_NZ 4
#define FIX_NSAMPLES 7
#define FIX_VOLTAGE 20.5

typedef struct {
  rfl_case kase;
  rfl_grid *grid;
  rfl_geometry geo;
  double *T, *Tpeak, *omega, *cem43, *phi;
  rfl_sample samples[FIX_NSAMPLES];
  rfl_summary summary;
  double history[FIX_NSAMPLES * 2];
} h5fix;

static const double fix_graded_x[FIX_NX + 1] = {-3.0, -1.5, -0.5, 0.0, 0.5, 1.5, 3.0};
static const double fix_graded_y[FIX_NY + 1] = {-2.5, -1.0, -0.25, 0.25, 1.0, 2.5};
static const double fix_graded_z[FIX_NZ + 1] = {0.0, 0.5, 1.0, 2.0, 4.0};

static inline double fix_temperature(int i, int j, int k, double t) {
  return 37.0 + i + 10.0 * j + 100.0 * k + t / 30.0;
}
static inline double fix_omega(int i, int j, int k) { return 0.5 * (i + j + k); }
static inline double fix_cem43(int i, int j, int k) {
  (void)j;
  return ldexp(1.0, k) * (i + 1);
}
static inline double fix_potential(int i, int j, int k) { return FIX_VOLTAGE / (1.0 + i + j + k); }
static inline int fix_material(int i, int j, int k) { return (i + j + k) % 3; }
static inline int fix_part(int i, int j) { return j == 0 && i <= 1 ? (i == 0 ? 1 : 2) : 0; }

static void fix_case(rfl_case *c) {
  rfl_case_defaults(c);
  strcpy(c->title, "h5out fixture");
  strcpy(c->path, "cases/fixture.ini");
  c->materials[2] = c->materials[0];
  strcpy(c->materials[2].name, "nerve");
  c->materials[2].sigma = 0.3456;
  c->nmaterials = 3;
  c->generator.set_temperature_C = 85.0;
  c->generator.duration_s = 90.0;
  c->output.times_s[0] = 30.0;
  c->output.times_s[1] = 90.0;
  c->output.ntimes = 2;
  c->nstructures = 2;
  rfl_structure *root = &c->structures[0];
  strcpy(root->name, "root");
  root->shape.kind = RFL_SHAPE_CYLINDER;
  root->shape.radius = 1.5e-3;
  root->shape.points[0] = rfl_vec3_make(5e-3, -10e-3, 2e-3);
  root->shape.points[1] = rfl_vec3_make(5e-3, 10e-3, 2e-3);
  root->shape.npoints = 2;
  root->material = 2;
  root->role = RFL_ROLE_PROTECTED;
  root->threshold_C = 45.0;
  root->margin = 1.0e-3;
  root->line = 21;
  rfl_structure *mb = &c->structures[1];
  strcpy(mb->name, "medial_branch");
  mb->shape.kind = RFL_SHAPE_SPHERE;
  mb->shape.centre = rfl_vec3_make(0.0, 2e-3, 1e-3);
  mb->shape.radius = 0.5e-3;
  mb->material = 2;
  mb->role = RFL_ROLE_TARGET;
  mb->threshold_C = 45.0;
  mb->margin = 0.0;
  mb->line = 30;
}

static void fix_summary(h5fix *f) {
  rfl_summary *s = &f->summary;
  memset(s, 0, sizeof *s);
  s->kase = &f->kase;
  rfl_lesion_metrics l = {1, 8.5e-3, 12.25e-3, 1.75e-3, 420.5e-9};
  rfl_lesion_metrics iso = {1, 10.5e-3, 14.0e-3, 2.5e-3, 700.25e-9};
  rfl_lesion_metrics none = {0, 0, 0, 0, 0};
  s->growth[0] = (rfl_lesion_snapshot){30.0, none, iso};
  s->growth[1] = (rfl_lesion_snapshot){90.0, l, iso};
  s->ngrowth = 2;
  s->end_of_rf = s->growth[1];
  s->final = s->growth[1];
  s->generator_end = (rfl_sample){.t = 90.0, .voltage = 18.25, .current = 0.0875, .power = 1.59375,
                                  .impedance = 208.5, .output_voltage = 20.0, .output_power = 1.75,
                                  .reading_ohm = 228.5, .thermocouple_C = 84.875, .setpoint_C = 85.0,
                                  .tissue_max_C = 91.5, .rf_on = 1, .iterations = 12,
                                  .iterations_potential = 4, .iterations_heat = 8, .passes = 1,
                                  .unconverged = 0};
  s->peak_tissue_end_C = 91.5;
  s->peak_tissue_run_C = 92.25;
  s->peak_tissue_run_time_s = 88.5;
  s->thermocouple_max_C = 85.5;
  s->energy = (rfl_energy_budget){150.5, 0.25, 100.0, 30.5, 20.0, 0.0};
  s->nstructures = 2;
  for (int k = 0; k < 2; ++k) {
    rfl_structure_report *r = &s->structures[k];
    r->structure = &f->kase.structures[k];
    r->margin = k == 0 ? 1.25e-3 : -0.5e-3;
    r->isotherm_margin = k == 0 ? 0.25e-3 : -1.5e-3;
    r->peak_C = k == 0 ? 47.5 : 70.25;
    r->peak_time_s = k == 0 ? 90.0 : 85.5;
    r->max_omega = k == 0 ? 0.125 : 12.5;
    r->max_cem43_min = k == 0 ? 3.5 : 1500.0;
    r->damaged_fraction = k == 0 ? 0.0 : 0.75;
    r->threshold_crossed_s = k == 0 ? 61.25 : 20.5;
    r->flag_threshold = k == 0;
  }
  strcpy(s->flags[0], "protected_over_threshold:root");
  strcpy(s->flag_text[0], "root reached 47.5 C (limit 45 C) at 90.0 s, during RF (first over the limit at 61.2 s)");
  s->nflags = 1;
  strcpy(s->findings[0], "target_not_covered:medial_branch");
  strcpy(s->finding_text[0], "the lesion (Omega >= 1) does not cut through the whole thickness of medial branch "
                             "(it reaches 0.50 mm into it)");
  s->finding_structure[0] = 1;
  s->nfindings = 1;
  for (int n = 0; n < FIX_NSAMPLES; ++n) {
    f->history[2 * n] = 37.0 + n;
    f->history[2 * n + 1] = 40.0 + 2.0 * n;
  }
  s->history_peak_C = f->history;
  s->history_steps = FIX_NSAMPLES;
  s->cells = FIX_NX * FIX_NY * FIX_NZ;
  s->steps = FIX_NSAMPLES;
  s->threads = 2;
  s->wall_s = 1.5;
  s->setup_s = 0.25;
}

static void fix_free(h5fix *f) {
  if (!f) return;
  rfl_grid_free(f->grid);
  free(f->geo.label);
  free(f->T);
  free(f->Tpeak);
  free(f->omega);
  free(f->cem43);
  free(f->phi);
  free(f);
}

/* NULL on allocation failure. */
static h5fix *fix_create(int graded) {
  h5fix *f = calloc(1, sizeof *f);
  if (!f) return NULL;
  fix_case(&f->kase);
  int n[3] = {FIX_NX, FIX_NY, FIX_NZ};
  rfl_status st;
  if (graded) {
    double fx[FIX_NX + 1], fy[FIX_NY + 1], fz[FIX_NZ + 1];
    for (int i = 0; i <= FIX_NX; ++i) fx[i] = 1e-3 * fix_graded_x[i];
    for (int i = 0; i <= FIX_NY; ++i) fy[i] = 1e-3 * fix_graded_y[i];
    for (int i = 0; i <= FIX_NZ; ++i) fz[i] = 1e-3 * fix_graded_z[i];
    const double *faces[3] = {fx, fy, fz};
    st = rfl_grid_create_from_faces(n, faces, &f->grid);
  } else {
    st = rfl_grid_create_uniform(n, rfl_vec3_make(-3e-3, -2.5e-3, 0.0), rfl_vec3_make(3e-3, 2.5e-3, 4e-3),
                                 &f->grid);
  }
  size_t nc = (size_t)FIX_NX * FIX_NY * FIX_NZ;
  f->geo.label = calloc(nc, sizeof *f->geo.label);
  f->T = malloc(nc * sizeof(double));
  f->Tpeak = malloc(nc * sizeof(double));
  f->omega = malloc(nc * sizeof(double));
  f->cem43 = malloc(nc * sizeof(double));
  f->phi = malloc(nc * sizeof(double));
  if (st != RFL_OK || !f->geo.label || !f->T || !f->Tpeak || !f->omega || !f->cem43 || !f->phi) {
    fix_free(f);
    return NULL;
  }
  f->geo.grid = f->grid;
  for (int k = 0; k < FIX_NZ; ++k)
    for (int j = 0; j < FIX_NY; ++j)
      for (int i = 0; i < FIX_NX; ++i) {
        size_t c = rfl_grid_index(f->grid, i, j, k);
        f->geo.label[c].material = (uint8_t)fix_material(i, j, k);
        f->geo.label[c].part = (uint8_t)fix_part(i, j);
        f->geo.label[c].probe = 0;
        f->omega[c] = fix_omega(i, j, k);
        f->cem43[c] = fix_cem43(i, j, k);
        f->phi[c] = fix_potential(i, j, k) / FIX_VOLTAGE;
      }
  for (int n2 = 0; n2 < FIX_NSAMPLES; ++n2) {
    rfl_sample *s = &f->samples[n2];
    s->t = 15.0 * n2;
    s->voltage = 10.0 + n2;
    s->current = 0.01 * n2;
    s->power = s->voltage * s->current;
    s->impedance = n2 == 0 ? INFINITY : 200.0 + n2;
    s->reading_ohm = s->impedance + 20.0;
    s->output_voltage = s->voltage + 20.0 * s->current;
    s->output_power = s->output_voltage * s->current;
    s->thermocouple_C = 37.0 + 7.0 * n2;
    s->setpoint_C = 85.0;
    s->tissue_max_C = 38.0 + 7.0 * n2;
    s->rf_on = n2 < FIX_NSAMPLES - 1;
    s->iterations = 10 + n2;
  }
  fix_summary(f);
  return f;
}

/* The field view at time t (fields recomputed for t). */
static rfl_field_view fix_view(h5fix *f, double t) {
  for (int k = 0; k < FIX_NZ; ++k)
    for (int j = 0; j < FIX_NY; ++j)
      for (int i = 0; i < FIX_NX; ++i) {
        size_t c = rfl_grid_index(f->grid, i, j, k);
        f->T[c] = fix_temperature(i, j, k, t);
        f->Tpeak[c] = f->T[c] + 2.0;
      }
  rfl_field_view v;
  memset(&v, 0, sizeof v);
  v.kase = &f->kase;
  v.grid = f->grid;
  v.geometry = &f->geo;
  v.t = t;
  v.temperature = f->T;
  v.peak_temperature = f->Tpeak;
  v.omega = f->omega;
  v.cem43 = f->cem43;
  v.unit_potential = f->phi;
  v.voltage = FIX_VOLTAGE;
  return v;
}

#endif
