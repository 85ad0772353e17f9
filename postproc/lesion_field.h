// SPDX-License-Identifier: BSD-3-Clause
/* The working field behind the lesion and structure measurements (private to lesion.c,
 * lesion_structure.c and lesion_field.c; lesion.h is the public interface): a copy of a
 * cell-centred field with values extrapolated into excluded cells next to tissue, its
 * interpolant between centres, roots along lines, refinement of an objective over a level
 * surface, and the per-cell sign mask and lesion fraction. The method is described at the
 * top of lesion.c. */
#ifndef RFL_LESION_FIELD_H
#define RFL_LESION_FIELD_H

#include <stdint.h>

#include "lesion.h"

enum { CELL_TISSUE = 0, CELL_EXTRAPOLATED = 1, CELL_NONE = 2 };

typedef struct {
  const rfl_grid *g;
  double *v;       /* tissue: the field; excluded next to tissue: extrapolated; else 0 */
  uint8_t *state;  /* CELL_TISSUE, CELL_EXTRAPOLATED or CELL_NONE per cell */
  uint8_t *signs;  /* NULL until rfl_work_field_mark_signs: per cell, bit 0 if its 3x3x3
                      neighbourhood has a valued cell with v < 0, bit 1 if one with v >= 0 */
  const rfl_probe *probes; /* electrodes: points of extrapolated cells outside them are
                              tissue points too (NULL: only tissue cells) */
  int nprobes;
} work_field;

typedef double (*point_fn)(const void *ctx, rfl_vec3 p);

typedef struct {
  double f;     /* objective value (minimised) */
  rfl_vec3 p;   /* where, m */
  int set;
} best_point;

typedef struct {
  rfl_vec3 tip; /* m */
  rfl_vec3 d;   /* unit axis direction */
} probe_frame;

/* ---- small geometry helpers ------------------------------------------------------------ */

static inline rfl_vec3 axpy(rfl_vec3 p, double t, rfl_vec3 dir) { return rfl_vec3_add(p, rfl_vec3_scale(dir, t)); }

static inline rfl_vec3 cell_centre(const rfl_grid *g, int i, int j, int k) {
  return rfl_vec3_make(g->xc[0][i], g->xc[1][j], g->xc[2][k]);
}

static inline rfl_vec3 axis_unit(int a) { return rfl_vec3_make(a == 0, a == 1, a == 2); }

static inline double vec_component(rfl_vec3 v, int a) { return rfl_vec3_get(v, a); }

static inline void vec_set(rfl_vec3 *v, int a, double x) {
  if (a == 0) v->x = x;
  else if (a == 1) v->y = x;
  else v->z = x;
}

static inline void best_update(best_point *b, double f, rfl_vec3 p) {
  if (!b->set || f < b->f) {
    b->f = f;
    b->p = p;
    b->set = 1;
  }
}

/* Point at angle phi on the circle of radius r about c in the plane of t1, t2. */
static inline rfl_vec3 on_circle(rfl_vec3 c, rfl_vec3 t1, rfl_vec3 t2, double r, double phi) {
  return axpy(axpy(c, r * cos(phi), t1), r * sin(phi), t2);
}

/* Axial and radial position of p in the probe's frame, m. */
static inline double frame_s(const probe_frame *f, rfl_vec3 p) { return rfl_vec3_dot(rfl_vec3_sub(p, f->tip), f->d); }

static inline double frame_r(const probe_frame *f, rfl_vec3 p) {
  rfl_vec3 q = rfl_vec3_sub(p, f->tip);
  return rfl_vec3_norm(rfl_vec3_sub(q, rfl_vec3_scale(f->d, rfl_vec3_dot(q, f->d))));
}

static inline double level_inside_shape(const void *ctx, rfl_vec3 p) { return -rfl_shape_distance(ctx, p); }

/* t1 = hint with its n component removed (any perpendicular if that vanishes), t2 = n x t1. */
void rfl_lesion_orthonormal_pair(rfl_vec3 n, rfl_vec3 hint, rfl_vec3 *t1, rfl_vec3 *t2);

/* Largest i in [0, n-2] with x[i] <= v (0 below x[0], n-2 above x[n-1]); needs n >= 2. */
int rfl_lesion_locate_interval(const double *x, int n, double v);

/* Largest width of the cell containing p (clamped to the grid), m. */
double rfl_lesion_cell_size_at(const rfl_grid *g, rfl_vec3 p);

/* Central-difference gradient of the shape's signed distance, normalised (0 if flat). */
rfl_vec3 rfl_lesion_shape_normal(const rfl_shape *s, rfl_vec3 p, double eps);

/* ---- the working field and its interpolant ------------------------------------------------ */

/* The working copy of field f (what is the field's name in messages). Errors: RFL_EINPUT
 * for a non-finite tissue value, RFL_ENOMEM. */
rfl_status rfl_work_field_init(work_field *w, const rfl_grid *g, const double *f, const uint8_t *exclude,
                               const char *what);
void rfl_work_field_free(work_field *w);

/* The interpolant at p (NaN where it needs a cell without a value). */
double rfl_work_field_eval(const work_field *w, rfl_vec3 p);

typedef struct {
  int lo, m;     /* first index and number of centres (1, 2 or 4) */
  double w[4];   /* Lagrange weights */
} axis_stencil;

/* The interpolant along a grid-aligned line: the stencils across the line are computed
 * once, only the one along it per evaluation. Gives exactly what rfl_work_field_eval gives. */
typedef struct {
  const work_field *w;
  int axis;
  axis_stencil cubic[3], linear[3]; /* across-line entries; the along-line one is made
                                       per evaluation */
} column;

void rfl_work_field_column_init(const work_field *w, rfl_vec3 p, int axis, column *col);
double rfl_work_field_column_eval(const void *ctx, rfl_vec3 p);

/* The interpolated field where p lies in tissue, NaN elsewhere: lesion points and
 * structure points are tissue points. */
double rfl_work_field_tissue(const work_field *w, rfl_vec3 p);

/* rfl_work_field_tissue at a sample point of a structure: NaN outside the grid's box too. */
static inline double rfl_work_field_sample(const work_field *w, rfl_vec3 p) {
  for (int a = 0; a < 3; ++a) {
    const double x = vec_component(p, a);
    if (x < w->g->xf[a][0] || x > w->g->xf[a][w->g->n[a]]) return NAN;
  }
  return rfl_work_field_tissue(w, p);
}

/* rfl_work_field_tissue and its negative as point_fn (ctx: the work_field). */
double rfl_work_field_level(const void *ctx, rfl_vec3 p);
double rfl_work_field_minus(const void *ctx, rfl_vec3 p);

/* ---- roots and refinement ----------------------------------------------------------------- */

/* The zero of f on p0 + t dir between ta and tb (fa, fb of opposite signs): safeguarded
 * regula falsi (Illinois). */
double rfl_lesion_line_root(point_fn f, const void *ctx, rfl_vec3 p0, rfl_vec3 dir, double ta, double fa,
                            double tb, double fb);

typedef struct {
  point_fn level;     /* >= 0 inside the surface's body, NaN where unknown */
  const void *lctx;
  point_fn obj;       /* minimised over the surface */
  const void *octx;
  const work_field *tissue; /* if set, only surface points in its tissue cells count */
} surface_problem;

/* Improves best (a surface point) by minimising the objective over surface points on lines
 * parallel to n through offsets of the starting point (see lesion.c). */
void rfl_lesion_refine_on_surface(const surface_problem *sp, rfl_vec3 n, rfl_vec3 hint, double h, best_point *best);

/* ---- signs and the lesion's share of a cell ---------------------------------------------- */

rfl_status rfl_work_field_mark_signs(work_field *w);

/* 1 if the 3x3x3 neighbourhood of tissue cell (i, j, k) holds both signs of the field. */
static inline int cell_is_mixed(const work_field *w, int i, int j, int k) {
  return w->signs[rfl_grid_index(w->g, i, j, k)] == 3;
}

/* Fraction of cell (i, j, k) where the interpolated field >= 0. */
double rfl_work_field_cell_fraction(const work_field *w, int i, int j, int k);

/* ---- input checks ----------------------------------------------------------------------- */

rfl_status rfl_lesion_check_grid(const rfl_grid *g, const char *fn);

/* The checked input's probe frame and the working copy of its phi (with the electrodes),
 * for the public functions that read phi; the caller frees w. */
rfl_status rfl_lesion_phi_field(const rfl_lesion_input *in, const char *fn, probe_frame *frame, work_field *w);

#endif
