// SPDX-License-Identifier: BSD-3-Clause
/* Lesion metrics, structure proximity and per-structure statistics from cell-centred
 * fields, with the lesion surface located to sub-cell accuracy.
 *
 * Method. A working copy of the field holds the tissue values and, in excluded cells that
 * touch tissue, a value extrapolated linearly along the grid axes from the two tissue cells
 * beside them (or the mean of the touching tissue cells). The field between centres is a
 * tensor-product Lagrange interpolant on the true centre coordinates: cubic (4 centres per
 * axis) where the 4x4x4 stencil is all tissue, trilinear otherwise (extrapolated values
 * allowed), undefined (NaN) where even that needs a cell with no value. Interpolation is
 * exact on grid lines, so on a segment between neighbouring centres it reduces to the 1D
 * interpolant along that line.
 *   Surface points: zeros of the interpolant on every segment between neighbouring tissue
 * centres whose phi changes sign (safeguarded regula falsi, Illinois variant). Extremes of
 * an objective (-r, s, -s, the distance to a structure) over these points and over the
 * lesion's centres are then refined on the interpolated surface: lines parallel to the
 * improving direction n (radial, axial, or down the structure's distance gradient) are
 * laid through offsets of the best point in the plane normal to n; on each, the surface is
 * the inside-to-outside zero nearest the plane; the objective is minimised over the offsets
 * by coordinate sweeps (9 samples over +-h, then +-h/4) with a parabolic step. The result
 * is the best objective over every surface point evaluated, so refinement can only improve
 * on the grid-line samples. Only points in tissue cells count as lesion (or structure)
 * points; the extrapolated values serve interpolation stencils only.
 *   Volume: cells whose 27-cell neighbourhood has one sign count whole or not at all; in the
 * others, 4 x 4 columns along the axis closest to grad phi are cut exactly at the
 * interpolant's zeros (the interpolant is one polynomial on each half of the cell).
 *   Reductions run over z-planes in parallel and are combined in plane order, with strict
 * comparisons, so every result is independent of the number of threads.
 * Assumptions: phi is smooth across the front (ln Omega or a temperature difference); the
 * lesion does not end exactly on the domain faces (there its extent is taken from the last
 * centres, at most half a cell short). Not done: topology (several lesions are measured as
 * one) and allocation-free operation (each call allocates one working copy of the field
 * and per-plane scratch). Structures thinner than a cell, or lying between centres, are
 * read at sample points inside them (see "sample points of a structure" in
 * lesion_structure.c). The working field is lesion_field.c's. */
#include "lesion.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lesion_field.h"
#include "parallel.h"

enum { OBJ_RMAX = 0, OBJ_SMIN = 1, OBJ_SMAX = 2, MAX_OBJ = 3 };

typedef struct {
  int nobj;
  point_fn obj[MAX_OBJ];
  const void *ctx;
} objective_set;

static double obj_minus_r(const void *ctx, rfl_vec3 p) { return -frame_r(ctx, p); }
static double obj_s(const void *ctx, rfl_vec3 p) { return frame_s(ctx, p); }
static double obj_minus_s(const void *ctx, rfl_vec3 p) { return -frame_s(ctx, p); }
static double obj_shape_distance(const void *ctx, rfl_vec3 p) {
  return rfl_shape_distance(ctx, p);
}

/* ---- scans over the grid ---------------------------------------------------------------- */

/* Surface points and lesion centres of plane k, fed to the objectives. */
static void scan_plane(const work_field *w, int k, const objective_set *os, best_point *surf,
                       best_point *centre, size_t *nlesion) {
  const rfl_grid *g = w->g;
  size_t count = 0;
  for (int j = 0; j < g->n[1]; ++j)
    for (int i = 0; i < g->n[0]; ++i) {
      size_t c = rfl_grid_index(g, i, j, k);
      if (w->state[c] != CELL_TISSUE) continue;
      const int in0 = w->v[c] >= 0.0;
      const rfl_vec3 p0 = cell_centre(g, i, j, k);
      if (in0) {
        ++count;
        for (int o = 0; o < os->nobj; ++o) best_update(&centre[o], os->obj[o](os->ctx, p0), p0);
      }
      const int ijk[3] = {i, j, k};
      for (int a = 0; a < 3; ++a) {
        if (ijk[a] + 1 >= g->n[a]) continue;
        size_t c1 = c + (a == 0 ? 1 : a == 1 ? (size_t)g->n[0] : (size_t)g->n[0] * g->n[1]);
        if (w->state[c1] != CELL_TISSUE || (w->v[c1] >= 0.0) == in0) continue;
        double len = g->xc[a][ijk[a] + 1] - g->xc[a][ijk[a]];
        column col;
        rfl_work_field_column_init(w, p0, a, &col);
        double t = rfl_lesion_line_root(rfl_work_field_column_eval, &col, p0, axis_unit(a), 0.0, w->v[c], len, w->v[c1]);
        rfl_vec3 p = axpy(p0, t, axis_unit(a));
        for (int o = 0; o < os->nobj; ++o) best_update(&surf[o], os->obj[o](os->ctx, p), p);
      }
    }
  *nlesion = count;
}

static rfl_status scan_lesion(const work_field *w, const objective_set *os, best_point *surf,
                              best_point *centre, size_t *nlesion) {
  const int n2 = w->g->n[2];
  best_point *plane = calloc((size_t)n2 * 2 * MAX_OBJ, sizeof *plane);
  size_t *counts = calloc((size_t)n2, sizeof *counts);
  if (!plane || !counts) {
    free(plane);
    free(counts);
    return RFL_ERROR(RFL_ENOMEM, "lesion: cannot allocate scan scratch for %d planes", n2);
  }
  RFL_OMP_FOR
  for (int k = 0; k < n2; ++k)
    scan_plane(w, k, os, plane + (size_t)k * 2 * MAX_OBJ, plane + (size_t)k * 2 * MAX_OBJ + MAX_OBJ,
               &counts[k]);
  memset(surf, 0, MAX_OBJ * sizeof *surf);
  memset(centre, 0, MAX_OBJ * sizeof *centre);
  *nlesion = 0;
  for (int k = 0; k < n2; ++k) {
    *nlesion += counts[k];
    for (int o = 0; o < os->nobj; ++o) {
      const best_point *ps = plane + (size_t)k * 2 * MAX_OBJ;
      if (ps[o].set) best_update(&surf[o], ps[o].f, ps[o].p);
      if (ps[MAX_OBJ + o].set) best_update(&centre[o], ps[MAX_OBJ + o].f, ps[MAX_OBJ + o].p);
    }
  }
  free(plane);
  free(counts);
  return RFL_OK;
}

/* dst = src ORed with its two neighbours along grid axis `axis` (1 or 2). */
static double cell_lesion_volume(const work_field *w, int i, int j, int k) {
  double vol = rfl_grid_volume(w->g, i, j, k);
  if (cell_is_mixed(w, i, j, k)) return vol * rfl_work_field_cell_fraction(w, i, j, k);
  return w->v[rfl_grid_index(w->g, i, j, k)] >= 0.0 ? vol : 0.0;
}

static rfl_status lesion_volume(work_field *w, double *volume) {
  const rfl_grid *g = w->g;
  RFL_CHECK(rfl_work_field_mark_signs(w));
  const int n2 = g->n[2];
  double *plane = malloc((size_t)n2 * sizeof *plane);
  if (!plane) return RFL_ERROR(RFL_ENOMEM, "lesion: cannot allocate %d plane sums", n2);
  RFL_OMP_FOR
  for (int k = 0; k < n2; ++k) {
    double sum = 0.0;
    for (int j = 0; j < g->n[1]; ++j)
      for (int i = 0; i < g->n[0]; ++i)
        if (w->state[rfl_grid_index(g, i, j, k)] == CELL_TISSUE)
          sum += cell_lesion_volume(w, i, j, k);
    plane[k] = sum;
  }
  double total = 0.0;
  for (int k = 0; k < n2; ++k) total += plane[k];
  free(plane);
  *volume = total;
  return RFL_OK;
}

/* ---- public functions ------------------------------------------------------------------- */

rfl_status rfl_lesion_measure(const rfl_lesion_input *in, rfl_lesion_metrics *out) {
  probe_frame frame;
  if (!out) return RFL_ERROR(RFL_EINPUT, "rfl_lesion_measure: no output given");
  memset(out, 0, sizeof *out);
  work_field w;
  RFL_CHECK(rfl_lesion_phi_field(in, "rfl_lesion_measure", &frame, &w));
  objective_set os = {3, {obj_minus_r, obj_s, obj_minus_s}, &frame};
  best_point surf[MAX_OBJ], centre[MAX_OBJ];
  size_t nlesion = 0;
  rfl_status st = scan_lesion(&w, &os, surf, centre, &nlesion);
  if (st == RFL_OK && nlesion > 0) {
    const rfl_vec3 dir[MAX_OBJ] = {rfl_vec3_make(0.0, 0.0, 0.0), rfl_vec3_scale(frame.d, -1.0),
                                   frame.d};
    for (int o = 0; o < MAX_OBJ; ++o) {
      if (!surf[o].set) continue;
      surface_problem sp = {rfl_work_field_level, &w, os.obj[o], &frame, &w};
      rfl_vec3 n = dir[o];
      if (o == OBJ_RMAX) {
        rfl_vec3 q = rfl_vec3_sub(surf[o].p, frame.tip);
        n = rfl_vec3_sub(q, rfl_vec3_scale(frame.d, rfl_vec3_dot(q, frame.d)));
        double r = rfl_vec3_norm(n);
        n = r > 0.0 ? rfl_vec3_scale(n, 1.0 / r) : rfl_vec3_make(0.0, 0.0, 0.0);
      }
      rfl_lesion_refine_on_surface(&sp, n, frame.d, rfl_lesion_cell_size_at(in->grid, surf[o].p), &surf[o]);
      if (surf[o].f < centre[o].f) centre[o] = surf[o];
    }
    const double smin = centre[OBJ_SMIN].f, smax = -centre[OBJ_SMAX].f;
    out->found = 1;
    out->width = -2.0 * centre[OBJ_RMAX].f;
    out->length = smax - smin;
    out->distal = -smin;
    st = lesion_volume(&w, &out->volume);
  }
  rfl_work_field_free(&w);
  return st;
}

/* Moves p down the structure's distance gradient while it stays inside the lesion. */
static void descend_in_lesion(const work_field *w, const rfl_shape *shape, double h,
                              best_point *best) {
  rfl_vec3 p = best->p;
  double d = best->f, step = h;
  for (int it = 0; it < 200 && step > 1e-7 * h; ++it) {
    rfl_vec3 n = rfl_lesion_shape_normal(shape, p, 1e-4 * h);
    if (!(rfl_vec3_norm(n) > 0.5)) break;
    rfl_vec3 q = axpy(p, -step, n);
    double lv = rfl_work_field_tissue(w, q), dq = rfl_shape_distance(shape, q);
    if (isfinite(lv) && lv >= 0.0 && dq < d) {
      p = q;
      d = dq;
    } else {
      step *= 0.5;
    }
  }
  best_update(best, d, p);
}

rfl_status rfl_lesion_distance_to_shape(const rfl_lesion_input *in, const rfl_shape *shape,
                                        double *signed_distance) {
  rfl_vec3 where;
  return rfl_lesion_closest_to_shape(in, shape, signed_distance, &where);
}

rfl_status rfl_lesion_closest_to_shape(const rfl_lesion_input *in, const rfl_shape *shape,
                                       double *signed_distance, rfl_vec3 *point) {
  probe_frame frame;
  if (!signed_distance || !shape || !point)
    return RFL_ERROR(RFL_EINPUT, "rfl_lesion_distance_to_shape: no %s given",
                     shape ? "output" : "shape");
  *signed_distance = INFINITY;
  *point = rfl_vec3_make(NAN, NAN, NAN);
  work_field w;
  RFL_CHECK(rfl_lesion_phi_field(in, "rfl_lesion_distance_to_shape", &frame, &w));
  objective_set os = {1, {obj_shape_distance}, shape};
  best_point surf[MAX_OBJ], centre[MAX_OBJ];
  size_t nlesion = 0;
  rfl_status st = scan_lesion(&w, &os, surf, centre, &nlesion);
  if (st == RFL_OK && nlesion > 0) {
    if (surf[0].set) {
      double h = rfl_lesion_cell_size_at(in->grid, surf[0].p);
      rfl_vec3 n = rfl_vec3_scale(rfl_lesion_shape_normal(shape, surf[0].p, 1e-4 * h), -1.0);
      surface_problem sp = {rfl_work_field_level, &w, obj_shape_distance, shape, &w};
      rfl_lesion_refine_on_surface(&sp, n, frame.d, h, &surf[0]);
    }
    descend_in_lesion(&w, shape, rfl_lesion_cell_size_at(in->grid, centre[0].p), &centre[0]);
    double d = centre[0].f;
    *point = centre[0].p;
    if (surf[0].set && surf[0].f < d) {
      d = surf[0].f;
      *point = surf[0].p;
    }
    *signed_distance = d;
  }
  rfl_work_field_free(&w);
  return st;
}

/* Inclusive cell index range covering the shape's bounding box plus one cell. */
