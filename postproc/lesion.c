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
 * read at sample points inside them (see "sample points of a structure"). */
#include "lesion.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "parallel.h"

enum { CELL_TISSUE = 0, CELL_EXTRAPOLATED = 1, CELL_NONE = 2 };

typedef struct {
  const rfl_grid *g;
  double *v;       /* tissue: the field; excluded next to tissue: extrapolated; else 0 */
  uint8_t *state;  /* CELL_TISSUE, CELL_EXTRAPOLATED or CELL_NONE per cell */
  uint8_t *signs;  /* NULL until work_field_mark_signs: per cell, bit 0 if its 3x3x3
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

enum { OBJ_RMAX = 0, OBJ_SMIN = 1, OBJ_SMAX = 2, MAX_OBJ = 3 };

typedef struct {
  int nobj;
  point_fn obj[MAX_OBJ];
  const void *ctx;
} objective_set;

/* ---- small geometry helpers ------------------------------------------------------------ */

static rfl_vec3 axpy(rfl_vec3 p, double t, rfl_vec3 dir) {
  return rfl_vec3_add(p, rfl_vec3_scale(dir, t));
}

static rfl_vec3 cell_centre(const rfl_grid *g, int i, int j, int k) {
  return rfl_vec3_make(g->xc[0][i], g->xc[1][j], g->xc[2][k]);
}

static rfl_vec3 axis_unit(int a) {
  return rfl_vec3_make(a == 0, a == 1, a == 2);
}

static double vec_component(rfl_vec3 v, int a) { return rfl_vec3_get(v, a); }

static void vec_set(rfl_vec3 *v, int a, double x) {
  if (a == 0) v->x = x;
  else if (a == 1) v->y = x;
  else v->z = x;
}

/* t1 = hint with its n component removed (any perpendicular if that vanishes), t2 = n x t1. */
static void orthonormal_pair(rfl_vec3 n, rfl_vec3 hint, rfl_vec3 *t1, rfl_vec3 *t2) {
  rfl_vec3 t = rfl_vec3_sub(hint, rfl_vec3_scale(n, rfl_vec3_dot(hint, n)));
  if (rfl_vec3_norm(t) < 1e-6) {
    int a = 0;
    for (int b = 1; b < 3; ++b)
      if (fabs(vec_component(n, b)) < fabs(vec_component(n, a))) a = b;
    rfl_vec3 e = axis_unit(a);
    t = rfl_vec3_sub(e, rfl_vec3_scale(n, rfl_vec3_dot(e, n)));
  }
  *t1 = rfl_vec3_scale(t, 1.0 / rfl_vec3_norm(t));
  *t2 = rfl_vec3_cross(n, *t1);
}

/* Largest i in [0, n-2] with x[i] <= v (0 below x[0], n-2 above x[n-1]); needs n >= 2. */
static int locate_interval(const double *x, int n, double v) {
  if (!(v > x[0])) return 0;
  if (v >= x[n - 1]) return n - 2;
  int lo = 0, hi = n - 1;
  while (hi - lo > 1) {
    int mid = lo + (hi - lo) / 2;
    if (x[mid] <= v) lo = mid;
    else hi = mid;
  }
  return lo;
}

/* Largest width of the cell containing p (clamped to the grid), m. */
static double cell_size_at(const rfl_grid *g, rfl_vec3 p) {
  double h = 0.0;
  for (int a = 0; a < 3; ++a) {
    int i = g->n[a] > 1 ? locate_interval(g->xf[a], g->n[a] + 1, vec_component(p, a)) : 0;
    if (g->dx[a][i] > h) h = g->dx[a][i];
  }
  return h;
}

static double frame_s(const probe_frame *f, rfl_vec3 p) {
  return rfl_vec3_dot(rfl_vec3_sub(p, f->tip), f->d);
}

static double frame_r(const probe_frame *f, rfl_vec3 p) {
  rfl_vec3 q = rfl_vec3_sub(p, f->tip);
  return rfl_vec3_norm(rfl_vec3_sub(q, rfl_vec3_scale(f->d, rfl_vec3_dot(q, f->d))));
}

static double obj_minus_r(const void *ctx, rfl_vec3 p) { return -frame_r(ctx, p); }
static double obj_s(const void *ctx, rfl_vec3 p) { return frame_s(ctx, p); }
static double obj_minus_s(const void *ctx, rfl_vec3 p) { return -frame_s(ctx, p); }
static double obj_shape_distance(const void *ctx, rfl_vec3 p) {
  return rfl_shape_distance(ctx, p);
}
static double level_inside_shape(const void *ctx, rfl_vec3 p) {
  return -rfl_shape_distance(ctx, p);
}

/* Central-difference gradient of the shape's signed distance, normalised (0 if flat). */
static rfl_vec3 shape_normal(const rfl_shape *s, rfl_vec3 p, double eps) {
  rfl_vec3 g = {0.0, 0.0, 0.0};
  for (int a = 0; a < 3; ++a) {
    rfl_vec3 e = rfl_vec3_scale(axis_unit(a), eps);
    vec_set(&g, a, rfl_shape_distance(s, rfl_vec3_add(p, e)) -
                       rfl_shape_distance(s, rfl_vec3_sub(p, e)));
  }
  double norm = rfl_vec3_norm(g);
  return norm > 0.0 ? rfl_vec3_scale(g, 1.0 / norm) : rfl_vec3_make(0.0, 0.0, 0.0);
}

static void best_update(best_point *b, double f, rfl_vec3 p) {
  if (!b->set || f < b->f) {
    b->f = f;
    b->p = p;
    b->set = 1;
  }
}

/* ---- working field and its interpolant ------------------------------------------------- */

static void work_field_free(work_field *w) {
  free(w->v);
  free(w->state);
  free(w->signs);
  w->v = NULL;
  w->state = NULL;
  w->signs = NULL;
}

static int is_tissue(const uint8_t *exclude, size_t c) { return !exclude || !exclude[c]; }

/* Value for excluded cell (i, j, k): linear extrapolation along each axis from the two
 * tissue cells beside it (a copy where only one), averaged; else the mean of the tissue
 * cells among its 26 neighbours. Returns 0 if no tissue touches it. */
static int extrapolate_cell(const rfl_grid *g, const double *f, const uint8_t *exclude, int i,
                            int j, int k, double *out) {
  const int ijk[3] = {i, j, k};
  double sum = 0.0;
  int count = 0;
  for (int a = 0; a < 3; ++a)
    for (int side = -1; side <= 1; side += 2) {
      int m1[3] = {i, j, k}, m2[3] = {i, j, k};
      m1[a] += side;
      m2[a] += 2 * side;
      if (m1[a] < 0 || m1[a] >= g->n[a]) continue;
      size_t c1 = rfl_grid_index(g, m1[0], m1[1], m1[2]);
      if (!is_tissue(exclude, c1)) continue;
      double v = f[c1];
      if (m2[a] >= 0 && m2[a] < g->n[a]) {
        size_t c2 = rfl_grid_index(g, m2[0], m2[1], m2[2]);
        if (is_tissue(exclude, c2)) {
          const double *x = g->xc[a];
          v += (f[c1] - f[c2]) * (x[ijk[a]] - x[m1[a]]) / (x[m1[a]] - x[m2[a]]);
        }
      }
      sum += v;
      ++count;
    }
  if (count == 0)
    for (int dk = -1; dk <= 1; ++dk)
      for (int dj = -1; dj <= 1; ++dj)
        for (int di = -1; di <= 1; ++di) {
          int ii = i + di, jj = j + dj, kk = k + dk;
          if (ii < 0 || jj < 0 || kk < 0 || ii >= g->n[0] || jj >= g->n[1] || kk >= g->n[2])
            continue;
          size_t c = rfl_grid_index(g, ii, jj, kk);
          if (!is_tissue(exclude, c)) continue;
          sum += f[c];
          ++count;
        }
  if (count == 0) return 0;
  *out = sum / count;
  return 1;
}

/* Copies the field, checks it is finite in tissue, extrapolates into excluded cells. */
static rfl_status work_field_init(work_field *w, const rfl_grid *g, const double *f,
                                  const uint8_t *exclude, const char *what) {
  w->g = g;
  w->signs = NULL;
  w->probes = NULL;
  w->nprobes = 0;
  w->v = malloc(g->ncells * sizeof *w->v);
  w->state = malloc(g->ncells);
  size_t *first_bad = malloc((size_t)g->n[2] * sizeof *first_bad);
  if (!w->v || !w->state || !first_bad) {
    free(first_bad);
    work_field_free(w);
    return RFL_ERROR(RFL_ENOMEM, "lesion: cannot allocate a working copy of %s (%zu cells)",
                     what, g->ncells);
  }
  const int n2 = g->n[2];
  RFL_OMP_FOR
  for (int k = 0; k < n2; ++k) {
    first_bad[k] = (size_t)-1;
    for (int j = 0; j < g->n[1]; ++j)
      for (int i = 0; i < g->n[0]; ++i) {
        size_t c = rfl_grid_index(g, i, j, k);
        if (is_tissue(exclude, c)) {
          w->v[c] = f[c];
          w->state[c] = CELL_TISSUE;
          if (!isfinite(f[c]) && first_bad[k] == (size_t)-1) first_bad[k] = c;
        } else {
          double v = 0.0;
          int ok = extrapolate_cell(g, f, exclude, i, j, k, &v);
          w->v[c] = ok ? v : 0.0;
          w->state[c] = ok ? CELL_EXTRAPOLATED : CELL_NONE;
        }
      }
  }
  for (int k = 0; k < n2; ++k)
    if (first_bad[k] != (size_t)-1) {
      size_t c = first_bad[k];
      int i = (int)(c % (size_t)g->n[0]), j = (int)(c / (size_t)g->n[0] % (size_t)g->n[1]);
      double bad = f[c];
      free(first_bad);
      work_field_free(w);
      return RFL_ERROR(RFL_EINPUT,
                       "lesion: %s must be finite in tissue, found %g in cell (%d, %d, %d)",
                       what, bad, i, j, k);
    }
  free(first_bad);
  return RFL_OK;
}

typedef struct {
  int lo, m;     /* first index and number of centres (1, 2 or 4) */
  double w[4];   /* Lagrange weights */
} axis_stencil;

static void axis_stencil_at(const rfl_grid *g, int a, double x, int cubic, axis_stencil *st) {
  const int n = g->n[a];
  const double *xc = g->xc[a];
  if (n == 1) {
    st->lo = 0;
    st->m = 1;
    st->w[0] = 1.0;
    return;
  }
  int i = locate_interval(xc, n, x);
  if (cubic && i >= 1 && i + 2 <= n - 1) {
    st->lo = i - 1;
    st->m = 4;
    for (int m = 0; m < 4; ++m) {
      double w = 1.0;
      for (int l = 0; l < 4; ++l)
        if (l != m) w *= (x - xc[i - 1 + l]) / (xc[i - 1 + m] - xc[i - 1 + l]);
      st->w[m] = w;
    }
  } else {
    double t = (x - xc[i]) / (xc[i + 1] - xc[i]);
    st->lo = i;
    st->m = 2;
    st->w[0] = 1.0 - t;
    st->w[1] = t;
  }
}

static int stencil_sum(const work_field *w, const axis_stencil st[3], int worst, double *out) {
  double sum = 0.0;
  for (int c = 0; c < st[2].m; ++c)
    for (int b = 0; b < st[1].m; ++b) {
      double wcb = st[2].w[c] * st[1].w[b];
      size_t base = rfl_grid_index(w->g, st[0].lo, st[1].lo + b, st[2].lo + c);
      for (int a = 0; a < st[0].m; ++a) {
        if (w->state[base + a] > worst) return 0;
        sum += wcb * st[0].w[a] * w->v[base + a];
      }
    }
  *out = sum;
  return 1;
}

/* The interpolated field at p (NaN where it is undefined). */
static double field_eval(const work_field *w, rfl_vec3 p) {
  axis_stencil st[3];
  double v;
  for (int a = 0; a < 3; ++a) axis_stencil_at(w->g, a, vec_component(p, a), 1, &st[a]);
  if (stencil_sum(w, st, CELL_TISSUE, &v)) return v;
  for (int a = 0; a < 3; ++a) axis_stencil_at(w->g, a, vec_component(p, a), 0, &st[a]);
  if (stencil_sum(w, st, CELL_EXTRAPOLATED, &v)) return v;
  return NAN;
}

/* The interpolant along a grid-aligned line: the stencils across the line are computed
 * once, only the one along it per evaluation. Gives exactly what field_eval gives. */
typedef struct {
  const work_field *w;
  int axis;
  axis_stencil cubic[3], linear[3]; /* across-line entries; the along-line one is made
                                       per evaluation */
} column;

static void column_init(const work_field *w, rfl_vec3 p, int axis, column *col) {
  memset(col, 0, sizeof *col);
  col->w = w;
  col->axis = axis;
  for (int a = 0; a < 3; ++a)
    if (a != axis) {
      axis_stencil_at(w->g, a, vec_component(p, a), 1, &col->cubic[a]);
      axis_stencil_at(w->g, a, vec_component(p, a), 0, &col->linear[a]);
    }
}

static double column_eval(const void *ctx, rfl_vec3 p) {
  const column *col = ctx;
  const int a = col->axis;
  const double x = vec_component(p, a);
  axis_stencil st[3];
  double v;
  memcpy(st, col->cubic, sizeof st);
  axis_stencil_at(col->w->g, a, x, 1, &st[a]);
  if (stencil_sum(col->w, st, CELL_TISSUE, &v)) return v;
  memcpy(st, col->linear, sizeof st);
  axis_stencil_at(col->w->g, a, x, 0, &st[a]);
  if (stencil_sum(col->w, st, CELL_EXTRAPOLATED, &v)) return v;
  return NAN;
}

/* 1 if the cell containing p (clamped to the grid) is tissue, or, with the electrodes
 * known, an excluded cell next to tissue and p lies outside every electrode. */
static int point_in_tissue(const work_field *w, rfl_vec3 p) {
  int ijk[3];
  for (int a = 0; a < 3; ++a)
    ijk[a] = w->g->n[a] > 1 ? locate_interval(w->g->xf[a], w->g->n[a] + 1, vec_component(p, a)) : 0;
  const uint8_t state = w->state[rfl_grid_index(w->g, ijk[0], ijk[1], ijk[2])];
  if (state == CELL_TISSUE) return 1;
  if (state != CELL_EXTRAPOLATED || !w->probes) return 0;
  for (int q = 0; q < w->nprobes; ++q)
    if (rfl_probe_distance(&w->probes[q], p) <= 0.0) return 0;
  return 1;
}

/* The interpolated field where p lies in tissue, NaN elsewhere: lesion points and
 * structure points are tissue points. */
static double tissue_field(const work_field *w, rfl_vec3 p) {
  return point_in_tissue(w, p) ? field_eval(w, p) : NAN;
}

static double level_tissue_field(const void *ctx, rfl_vec3 p) { return tissue_field(ctx, p); }
static double obj_minus_field(const void *ctx, rfl_vec3 p) { return -tissue_field(ctx, p); }

/* ---- roots and refinement ----------------------------------------------------------------- */

/* Zero of f on p0 + t dir between ta and tb, where f(ta) = fa and f(tb) = fb lie on either
 * side of 0 (>= 0 counts as inside). Regula falsi with the Illinois modification. */
static double line_root(point_fn f, const void *ctx, rfl_vec3 p0, rfl_vec3 dir, double ta,
                        double fa, double tb, double fb) {
  const double tol = 1e-9 * fabs(tb - ta);
  const int a_inside = fa >= 0.0;
  double t = ta, t_prev = tb;
  int side = 0;
  for (int it = 0; it < 80; ++it) {
    t = (fb != fa) ? (ta * fb - tb * fa) / (fb - fa) : 0.5 * (ta + tb);
    if (fabs(t - t_prev) <= tol || fabs(tb - ta) <= tol) break;
    t_prev = t;
    double ft = f(ctx, axpy(p0, t, dir));
    if (!isfinite(ft) || ft == 0.0) break;
    if ((ft >= 0.0) == a_inside) {
      ta = t;
      fa = ft;
      if (side == -1) fb *= 0.5;
      side = -1;
    } else {
      tb = t;
      fb = ft;
      if (side == 1) fa *= 0.5;
      side = 1;
    }
  }
  return t;
}

/* The point where level goes from >= 0 to < 0 along q + t n, |t| <= 2h, nearest t = 0. */
static int surface_on_line(point_fn level, const void *ctx, rfl_vec3 q, rfl_vec3 n, double h,
                           rfl_vec3 *out) {
  enum { NS = 17 };
  double t[NS], f[NS];
  for (int k = 0; k < NS; ++k) {
    t[k] = -2.0 * h + k * 0.25 * h;
    f[k] = level(ctx, axpy(q, t[k], n));
  }
  int kb = -1;
  for (int k = 0; k + 1 < NS; ++k)
    if (isfinite(f[k]) && isfinite(f[k + 1]) && f[k] >= 0.0 && f[k + 1] < 0.0 &&
        (kb < 0 || fabs(t[k] + t[k + 1]) < fabs(t[kb] + t[kb + 1])))
      kb = k;
  if (kb < 0) return 0;
  *out = axpy(q, line_root(level, ctx, q, n, t[kb], f[kb], t[kb + 1], f[kb + 1]), n);
  return 1;
}

typedef struct {
  point_fn level;     /* >= 0 inside the surface's body, NaN where unknown */
  const void *lctx;
  point_fn obj;       /* minimised over the surface */
  const void *octx;
  const work_field *tissue; /* if set, only surface points in its tissue cells count */
} surface_problem;

static int surface_sample(const surface_problem *sp, rfl_vec3 q, rfl_vec3 n, double h,
                          rfl_vec3 *p, double *f) {
  if (!surface_on_line(sp->level, sp->lctx, q, n, h, p)) return 0;
  if (sp->tissue && !point_in_tissue(sp->tissue, *p)) return 0;
  *f = sp->obj(sp->octx, *p);
  return isfinite(*f);
}

/* Improves best (a surface point) by minimising the objective over surface points on lines
 * parallel to n through offsets of the starting point: coordinate sweeps along t1, t2, t1
 * with 9 samples over +-span, a parabolic step, first span = h, then h/4. */
static void refine_on_surface(const surface_problem *sp, rfl_vec3 n, rfl_vec3 hint, double h,
                              best_point *best) {
  if (!best->set || !(rfl_vec3_norm(n) > 0.5) || !(h > 0.0)) return;
  rfl_vec3 t[2];
  orthonormal_pair(n, hint, &t[0], &t[1]);
  const rfl_vec3 p0 = best->p;
  double off[2] = {0.0, 0.0};
  static const double span[2] = {1.0, 0.25};
  for (int round = 0; round < 2; ++round) {
    const double step = 0.25 * span[round] * h;
    for (int pass = 0; pass < 3; ++pass) {
      const int ax = pass == 1;
      double fk[9], ck[9];
      int ok[9], kb = -1;
      for (int m = 0; m < 9; ++m) {
        ck[m] = off[ax] + (m - 4) * step;
        double o0 = ax == 0 ? ck[m] : off[0], o1 = ax == 1 ? ck[m] : off[1];
        rfl_vec3 q = axpy(axpy(p0, o0, t[0]), o1, t[1]), p;
        ok[m] = surface_sample(sp, q, n, h, &p, &fk[m]);
        if (ok[m]) {
          best_update(best, fk[m], p);
          if (kb < 0 || fk[m] < fk[kb]) kb = m;
        }
      }
      if (kb < 0) continue;
      off[ax] = ck[kb];
      if (kb > 0 && kb < 8 && ok[kb - 1] && ok[kb + 1]) {
        double den = fk[kb - 1] - 2.0 * fk[kb] + fk[kb + 1];
        if (den > 0.0) {
          double cv = ck[kb] - step * (fk[kb + 1] - fk[kb - 1]) / (2.0 * den), fv;
          double o0 = ax == 0 ? cv : off[0], o1 = ax == 1 ? cv : off[1];
          rfl_vec3 q = axpy(axpy(p0, o0, t[0]), o1, t[1]), p;
          if (surface_sample(sp, q, n, h, &p, &fv) && fv < fk[kb]) {
            best_update(best, fv, p);
            off[ax] = cv;
          }
        }
      }
    }
  }
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
        column_init(w, p0, a, &col);
        double t = line_root(column_eval, &col, p0, axis_unit(a), 0.0, w->v[c], len, w->v[c1]);
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
static void spread_bits(const rfl_grid *g, int axis, const uint8_t *src, uint8_t *dst) {
  const int n0 = g->n[0], n1 = g->n[1], n2 = g->n[2], na = g->n[axis];
  const size_t stride = axis == 1 ? (size_t)n0 : (size_t)n0 * n1;
  RFL_OMP_FOR
  for (int k = 0; k < n2; ++k)
    for (int j = 0; j < n1; ++j)
      for (int i = 0; i < n0; ++i) {
        size_t c = rfl_grid_index(g, i, j, k);
        const int at = axis == 1 ? j : k;
        uint8_t bits = src[c];
        if (at > 0) bits |= src[c - stride];
        if (at + 1 < na) bits |= src[c + stride];
        dst[c] = bits;
      }
}

/* Fills w->signs by dilating each valued cell's sign bit over its 3x3x3 neighbourhood, one
 * axis at a time (three passes of three byte reads per cell). */
static rfl_status work_field_mark_signs(work_field *w) {
  const rfl_grid *g = w->g;
  uint8_t *a = malloc(g->ncells), *b = malloc(g->ncells);
  if (!a || !b) {
    free(a);
    free(b);
    return RFL_ERROR(RFL_ENOMEM, "lesion: cannot allocate sign masks (%zu cells)", g->ncells);
  }
  const int n0 = g->n[0], n1 = g->n[1], n2 = g->n[2];
  const size_t sx = 1;
  RFL_OMP_FOR
  for (int k = 0; k < n2; ++k)
    for (int j = 0; j < n1; ++j)
      for (int i = 0; i < n0; ++i) {
        size_t c = rfl_grid_index(g, i, j, k);
        uint8_t bits = 0;
        for (int d = i > 0 ? -1 : 0; d <= (i + 1 < n0 ? 1 : 0); ++d) {
          size_t m = c + (size_t)d * sx;
          if (w->state[m] != CELL_NONE) bits |= w->v[m] >= 0.0 ? 2 : 1;
        }
        a[c] = bits;
      }
  spread_bits(g, 1, a, b);
  spread_bits(g, 2, b, a);
  free(b);
  w->signs = a;
  return RFL_OK;
}

/* 1 if the 3x3x3 neighbourhood of tissue cell (i, j, k) holds both signs of the field. */
static int cell_is_mixed(const work_field *w, int i, int j, int k) {
  return w->signs[rfl_grid_index(w->g, i, j, k)] == 3;
}

/* Fraction of cell (i, j, k) where the interpolated field >= 0: 4 x 4 columns along the
 * axis of the largest gradient component, each cut exactly at the interpolant's zeros. */
static double cell_fraction(const work_field *w, int i, int j, int k) {
  enum { NC = 4 };
  const rfl_grid *g = w->g;
  const int ijk[3] = {i, j, k};
  const size_t c = rfl_grid_index(g, i, j, k);
  const int in0 = w->v[c] >= 0.0;
  const size_t stride[3] = {1, (size_t)g->n[0], (size_t)g->n[0] * g->n[1]};
  int axis = 0;
  double gmax = -1.0;
  for (int a = 0; a < 3; ++a) {
    int lo = ijk[a] > 0 && w->state[c - stride[a]] != CELL_NONE ? ijk[a] - 1 : ijk[a];
    int hi = ijk[a] + 1 < g->n[a] && w->state[c + stride[a]] != CELL_NONE ? ijk[a] + 1 : ijk[a];
    if (hi == lo) continue;
    double vlo = w->v[c - (size_t)(ijk[a] - lo) * stride[a]];
    double vhi = w->v[c + (size_t)(hi - ijk[a]) * stride[a]];
    double grad = fabs(vhi - vlo) / (g->xc[a][hi] - g->xc[a][lo]);
    if (grad > gmax) {
      gmax = grad;
      axis = a;
    }
  }
  const int b = (axis + 1) % 3, e = (axis + 2) % 3;
  const rfl_vec3 dir = axis_unit(axis);
  const double cuts[3] = {g->xf[axis][ijk[axis]], g->xc[axis][ijk[axis]],
                          g->xf[axis][ijk[axis] + 1]};
  double inside = 0.0;
  for (int ub = 0; ub < NC; ++ub)
    for (int ue = 0; ue < NC; ++ue) {
      rfl_vec3 q = rfl_vec3_make(0.0, 0.0, 0.0);
      vec_set(&q, b, g->xf[b][ijk[b]] + (ub + 0.5) / NC * g->dx[b][ijk[b]]);
      vec_set(&q, e, g->xf[e][ijk[e]] + (ue + 0.5) / NC * g->dx[e][ijk[e]]);
      double fv[3];
      column col;
      column_init(w, q, axis, &col);
      for (int m = 0; m < 3; ++m) {
        vec_set(&q, axis, cuts[m]);
        fv[m] = column_eval(&col, q);
        if (!isfinite(fv[m])) fv[m] = in0 ? 1.0 : -1.0;
      }
      vec_set(&q, axis, 0.0);
      for (int m = 0; m < 2; ++m) {
        const double ta = cuts[m], tb = cuts[m + 1];
        const int ia = fv[m] >= 0.0, ib = fv[m + 1] >= 0.0;
        if (ia && ib) inside += tb - ta;
        else if (ia != ib) {
          double t = line_root(column_eval, &col, q, dir, ta, fv[m], tb, fv[m + 1]);
          inside += ia ? t - ta : tb - t;
        }
      }
    }
  return inside / (NC * NC * g->dx[axis][ijk[axis]]);
}

/* Lesion volume inside tissue cell (i, j, k), m^3. */
static double cell_lesion_volume(const work_field *w, int i, int j, int k) {
  double vol = rfl_grid_volume(w->g, i, j, k);
  if (cell_is_mixed(w, i, j, k)) return vol * cell_fraction(w, i, j, k);
  return w->v[rfl_grid_index(w->g, i, j, k)] >= 0.0 ? vol : 0.0;
}

static rfl_status lesion_volume(work_field *w, double *volume) {
  const rfl_grid *g = w->g;
  RFL_CHECK(work_field_mark_signs(w));
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

/* ---- sample points of a structure ------------------------------------------------------- */

/* Points inside a structure and on its surface, read through the interpolated field so that
 * a structure thinner than a cell, or lying between cell centres, is still seen. Tubes
 * (capsule, cylinder): cross-sections ("stations") normal to each axis segment, at most half
 * a cell apart along it, each with the axis point, RING_IN points at half the radius and
 * RING_OUT on the surface; each end cap of a capsule adds its pole and a ring at 45 degrees
 * on the surface and a point at half depth. Sphere: the centre, 6 points at half the radius
 * and 14 on the surface. Box: a lattice of at most 9 points per axis, faces included, at
 * most half a cell apart where 9 suffice. Half-space: none (it always holds whole cells).
 * Only the part within the grid's box (grown by the radius) is sampled. */
enum { RING_IN = 8, RING_OUT = 16, CAP_RING = 8, BOX_MAX = 9, MAX_STATIONS = 1 << 16 };

typedef struct {
  rfl_vec3 p;
  int station; /* cross-section of a tube it belongs to, -1 for the other points */
  int surface; /* 1 on the structure's surface */
} shape_sample;

typedef struct {
  shape_sample *s;
  size_t n, cap;
  int nstations;
  int failed; /* an allocation failed */
} sample_set;

static void sample_add(sample_set *ss, rfl_vec3 p, int station, int surface) {
  if (ss->failed) return;
  if (ss->n == ss->cap) {
    size_t cap = ss->cap ? 2 * ss->cap : 256;
    shape_sample *s = realloc(ss->s, cap * sizeof *s);
    if (!s) {
      ss->failed = 1;
      return;
    }
    ss->s = s;
    ss->cap = cap;
  }
  ss->s[ss->n++] = (shape_sample){p, station, surface};
}

/* Point at angle phi on the circle of radius r about c in the plane of t1, t2. */
static rfl_vec3 on_circle(rfl_vec3 c, rfl_vec3 t1, rfl_vec3 t2, double r, double phi) {
  return axpy(axpy(c, r * cos(phi), t1), r * sin(phi), t2);
}

/* The cross-section of radius r about c normal to the unit vector d, as one station. */
static void add_disc(sample_set *ss, rfl_vec3 c, rfl_vec3 d, double r) {
  rfl_vec3 t1, t2;
  orthonormal_pair(d, axis_unit(0), &t1, &t2);
  const int st = ss->nstations++;
  sample_add(ss, c, st, 0);
  for (int m = 0; m < RING_IN; ++m)
    sample_add(ss, on_circle(c, t1, t2, 0.5 * r, 2.0 * RFL_PI * m / RING_IN), st, 0);
  for (int m = 0; m < RING_OUT; ++m)
    sample_add(ss, on_circle(c, t1, t2, r, 2.0 * RFL_PI * m / RING_OUT), st, 1);
}

/* Hemispherical cap of radius r on e, bulging along the unit vector u. */
static void add_cap(sample_set *ss, rfl_vec3 e, rfl_vec3 u, double r) {
  rfl_vec3 t1, t2;
  orthonormal_pair(u, axis_unit(0), &t1, &t2);
  sample_add(ss, axpy(e, 0.5 * r, u), -1, 0);
  sample_add(ss, axpy(e, r, u), -1, 1);
  const double c45 = sqrt(0.5);
  const rfl_vec3 ring = axpy(e, r * c45, u);
  for (int m = 0; m < CAP_RING; ++m)
    sample_add(ss, on_circle(ring, t1, t2, r * c45, 2.0 * RFL_PI * m / CAP_RING), -1, 1);
}

/* Parameter range [t0, t1] of a + t d (|d| = 1, t in [0, len]) inside the grid's box grown
 * by pad; 0 if the segment misses it. */
static int clip_to_grid(const rfl_grid *g, rfl_vec3 a, rfl_vec3 d, double len, double pad,
                        double *t0, double *t1) {
  double lo = 0.0, hi = len;
  for (int ax = 0; ax < 3; ++ax) {
    const double x = vec_component(a, ax), dx = vec_component(d, ax);
    const double blo = g->xf[ax][0] - pad, bhi = g->xf[ax][g->n[ax]] + pad;
    if (fabs(dx) < 1e-300) {
      if (x < blo || x > bhi) return 0;
      continue;
    }
    double ta = (blo - x) / dx, tb = (bhi - x) / dx;
    if (ta > tb) {
      double t = ta;
      ta = tb;
      tb = t;
    }
    if (ta > lo) lo = ta;
    if (tb < hi) hi = tb;
  }
  *t0 = lo;
  *t1 = hi;
  return lo <= hi;
}

/* Stations along the tube segment [a, b] of radius r, at most half a cell apart. */
static void add_tube_segment(sample_set *ss, const rfl_grid *g, rfl_vec3 a, rfl_vec3 b, double r) {
  const double len = rfl_vec3_norm(rfl_vec3_sub(b, a));
  if (!(len > 0.0)) return;
  const rfl_vec3 d = rfl_vec3_scale(rfl_vec3_sub(b, a), 1.0 / len);
  double t, t1;
  if (!clip_to_grid(g, a, d, len, r, &t, &t1)) return;
  for (int k = 0; k < MAX_STATIONS && !ss->failed; ++k) {
    rfl_vec3 c = axpy(a, t, d);
    add_disc(ss, c, d, r);
    if (t >= t1) break;
    t = fmin(t + 0.5 * cell_size_at(g, c), t1);
  }
}

/* A ball of radius r about c: centre, 6 points at half the radius, 14 on the surface. */
static void add_ball(sample_set *ss, rfl_vec3 c, double r) {
  sample_add(ss, c, -1, 0);
  for (int a = 0; a < 3; ++a)
    for (int side = -1; side <= 1; side += 2) {
      sample_add(ss, axpy(c, side * 0.5 * r, axis_unit(a)), -1, 0);
      sample_add(ss, axpy(c, side * r, axis_unit(a)), -1, 1);
    }
  for (int m = 0; m < 8; ++m) {
    rfl_vec3 dg = rfl_vec3_make(m & 1 ? 1.0 : -1.0, m & 2 ? 1.0 : -1.0, m & 4 ? 1.0 : -1.0);
    sample_add(ss, axpy(c, r / sqrt(3.0), dg), -1, 1);
  }
}

static void collect_samples(const rfl_grid *g, const rfl_shape *s, sample_set *ss) {
  const double r = s->radius;
  switch (s->kind) {
    case RFL_SHAPE_CAPSULE:
      if (s->npoints < 2) { /* one point: a ball */
        add_ball(ss, s->points[0], r);
        break;
      }
      for (int i = 0; i + 1 < s->npoints; ++i)
        add_tube_segment(ss, g, s->points[i], s->points[i + 1], r);
      for (int end = 0; end < 2; ++end) {
        rfl_vec3 e = s->points[end ? s->npoints - 1 : 0], f = s->points[end ? s->npoints - 2 : 1];
        rfl_vec3 u = rfl_vec3_sub(e, f);
        double len = rfl_vec3_norm(u);
        if (len > 0.0) add_cap(ss, e, rfl_vec3_scale(u, 1.0 / len), r);
      }
      break;
    case RFL_SHAPE_CYLINDER:
      add_tube_segment(ss, g, s->points[0], s->points[1], r);
      break;
    case RFL_SHAPE_SPHERE:
      add_ball(ss, s->centre, r);
      break;
    case RFL_SHAPE_BOX: {
      double lo[3], hi[3];
      int m[3];
      const double h = cell_size_at(g, rfl_vec3_scale(rfl_vec3_add(s->lo, s->hi), 0.5));
      for (int a = 0; a < 3; ++a) {
        lo[a] = fmax(vec_component(s->lo, a), g->xf[a][0]);
        hi[a] = fmin(vec_component(s->hi, a), g->xf[a][g->n[a]]);
        if (!(lo[a] <= hi[a])) return;
        double cnt = 1.0 + ceil((hi[a] - lo[a]) / (0.5 * h));
        m[a] = cnt < 2.0 ? 2 : cnt > BOX_MAX ? BOX_MAX : (int)cnt;
      }
      for (int k = 0; k < m[2]; ++k)
        for (int j = 0; j < m[1]; ++j)
          for (int i = 0; i < m[0]; ++i) {
            const int idx[3] = {i, j, k};
            rfl_vec3 p = rfl_vec3_make(0.0, 0.0, 0.0);
            int face = 0;
            for (int a = 0; a < 3; ++a) {
              vec_set(&p, a, lo[a] + (hi[a] - lo[a]) * idx[a] / (m[a] - 1));
              face |= idx[a] == 0 || idx[a] == m[a] - 1;
            }
            sample_add(ss, p, -1, face);
          }
      break;
    }
    case RFL_SHAPE_HALFSPACE:
      break;
  }
}

/* The sample points of a structure (none for a half-space); on failure nothing is left to
 * free and the error names the caller fn. */
static rfl_status shape_samples(const rfl_grid *g, const rfl_shape *s, const char *fn,
                                sample_set *ss) {
  memset(ss, 0, sizeof *ss);
  collect_samples(g, s, ss);
  if (!ss->failed) return RFL_OK;
  free(ss->s);
  ss->s = NULL;
  return RFL_ERROR(RFL_ENOMEM, "%s: cannot allocate the structure's sample points", fn);
}

/* The interpolated field at a sample: NaN outside the grid's box or outside tissue. */
static double sample_value(const work_field *w, rfl_vec3 p) {
  for (int a = 0; a < 3; ++a) {
    const double x = vec_component(p, a);
    if (x < w->g->xf[a][0] || x > w->g->xf[a][w->g->n[a]]) return NAN;
  }
  return tissue_field(w, p);
}

/* Width of the thinnest part of a shape, m (INFINITY for a half-space). */
static double shape_thickness(const rfl_shape *s) {
  if (s->kind == RFL_SHAPE_HALFSPACE) return INFINITY;
  if (s->kind != RFL_SHAPE_BOX) return 2.0 * s->radius;
  rfl_vec3 e = rfl_vec3_sub(s->hi, s->lo);
  return fmin(e.x, fmin(e.y, e.z));
}

/* ---- input checks ----------------------------------------------------------------------- */

static rfl_status check_grid(const rfl_grid *g, const char *fn) {
  if (!g) return RFL_ERROR(RFL_EINPUT, "%s: no grid given", fn);
  for (int a = 0; a < 3; ++a)
    if (g->n[a] < 1 || !g->xf[a] || !g->xc[a] || !g->dx[a])
      return RFL_ERROR(RFL_EINPUT, "%s: grid axis %d has %d cells or no coordinates", fn, a,
                       g->n[a]);
  return RFL_OK;
}

static rfl_status check_input(const rfl_lesion_input *in, const char *fn, probe_frame *frame) {
  if (!in) return RFL_ERROR(RFL_EINPUT, "%s: no input given", fn);
  RFL_CHECK(check_grid(in->grid, fn));
  if (!in->phi) return RFL_ERROR(RFL_EINPUT, "%s: no level function phi given", fn);
  double norm = rfl_vec3_norm(in->direction);
  if (!(norm > 0.0) || !isfinite(norm))
    return RFL_ERROR(RFL_EINPUT, "%s: probe direction must be a non-zero vector, found "
                     "(%g, %g, %g)", fn, in->direction.x, in->direction.y, in->direction.z);
  frame->tip = in->tip;
  frame->d = rfl_vec3_scale(in->direction, 1.0 / norm);
  return RFL_OK;
}

/* The checked input's probe frame and the working copy of its phi (with the electrodes),
 * for the public functions that read phi; the caller frees w. */
static rfl_status phi_field(const rfl_lesion_input *in, const char *fn, probe_frame *frame, work_field *w) {
  RFL_CHECK(check_input(in, fn, frame));
  RFL_CHECK(work_field_init(w, in->grid, in->phi, in->exclude, "phi"));
  w->probes = in->probes;
  w->nprobes = in->probes ? in->nprobes : 0;
  return RFL_OK;
}

/* ---- public functions ------------------------------------------------------------------- */

rfl_status rfl_lesion_measure(const rfl_lesion_input *in, rfl_lesion_metrics *out) {
  probe_frame frame;
  if (!out) return RFL_ERROR(RFL_EINPUT, "rfl_lesion_measure: no output given");
  memset(out, 0, sizeof *out);
  work_field w;
  RFL_CHECK(phi_field(in, "rfl_lesion_measure", &frame, &w));
  objective_set os = {3, {obj_minus_r, obj_s, obj_minus_s}, &frame};
  best_point surf[MAX_OBJ], centre[MAX_OBJ];
  size_t nlesion = 0;
  rfl_status st = scan_lesion(&w, &os, surf, centre, &nlesion);
  if (st == RFL_OK && nlesion > 0) {
    const rfl_vec3 dir[MAX_OBJ] = {rfl_vec3_make(0.0, 0.0, 0.0), rfl_vec3_scale(frame.d, -1.0),
                                   frame.d};
    for (int o = 0; o < MAX_OBJ; ++o) {
      if (!surf[o].set) continue;
      surface_problem sp = {level_tissue_field, &w, os.obj[o], &frame, &w};
      rfl_vec3 n = dir[o];
      if (o == OBJ_RMAX) {
        rfl_vec3 q = rfl_vec3_sub(surf[o].p, frame.tip);
        n = rfl_vec3_sub(q, rfl_vec3_scale(frame.d, rfl_vec3_dot(q, frame.d)));
        double r = rfl_vec3_norm(n);
        n = r > 0.0 ? rfl_vec3_scale(n, 1.0 / r) : rfl_vec3_make(0.0, 0.0, 0.0);
      }
      refine_on_surface(&sp, n, frame.d, cell_size_at(in->grid, surf[o].p), &surf[o]);
      if (surf[o].f < centre[o].f) centre[o] = surf[o];
    }
    const double smin = centre[OBJ_SMIN].f, smax = -centre[OBJ_SMAX].f;
    out->found = 1;
    out->width = -2.0 * centre[OBJ_RMAX].f;
    out->length = smax - smin;
    out->distal = -smin;
    st = lesion_volume(&w, &out->volume);
  }
  work_field_free(&w);
  return st;
}

/* Moves p down the structure's distance gradient while it stays inside the lesion. */
static void descend_in_lesion(const work_field *w, const rfl_shape *shape, double h,
                              best_point *best) {
  rfl_vec3 p = best->p;
  double d = best->f, step = h;
  for (int it = 0; it < 200 && step > 1e-7 * h; ++it) {
    rfl_vec3 n = shape_normal(shape, p, 1e-4 * h);
    if (!(rfl_vec3_norm(n) > 0.5)) break;
    rfl_vec3 q = axpy(p, -step, n);
    double lv = tissue_field(w, q), dq = rfl_shape_distance(shape, q);
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
  probe_frame frame;
  if (!signed_distance || !shape)
    return RFL_ERROR(RFL_EINPUT, "rfl_lesion_distance_to_shape: no %s given",
                     shape ? "output" : "shape");
  *signed_distance = INFINITY;
  work_field w;
  RFL_CHECK(phi_field(in, "rfl_lesion_distance_to_shape", &frame, &w));
  objective_set os = {1, {obj_shape_distance}, shape};
  best_point surf[MAX_OBJ], centre[MAX_OBJ];
  size_t nlesion = 0;
  rfl_status st = scan_lesion(&w, &os, surf, centre, &nlesion);
  if (st == RFL_OK && nlesion > 0) {
    if (surf[0].set) {
      double h = cell_size_at(in->grid, surf[0].p);
      rfl_vec3 n = rfl_vec3_scale(shape_normal(shape, surf[0].p, 1e-4 * h), -1.0);
      surface_problem sp = {level_tissue_field, &w, obj_shape_distance, shape, &w};
      refine_on_surface(&sp, n, frame.d, h, &surf[0]);
    }
    descend_in_lesion(&w, shape, cell_size_at(in->grid, centre[0].p), &centre[0]);
    double d = centre[0].f;
    if (surf[0].set && surf[0].f < d) d = surf[0].f;
    *signed_distance = d;
  }
  work_field_free(&w);
  return st;
}

/* Inclusive cell index range covering the shape's bounding box plus one cell. */
static void shape_cell_range(const rfl_grid *g, const rfl_shape *s, int lo[3], int hi[3]) {
  rfl_vec3 blo, bhi;
  rfl_shape_bounds(s, &blo, &bhi);
  for (int a = 0; a < 3; ++a) {
    int n = g->n[a];
    int l = locate_interval(g->xf[a], n + 1, vec_component(blo, a)) - 1;
    int u = locate_interval(g->xf[a], n + 1, vec_component(bhi, a)) + 1;
    lo[a] = l < 0 ? 0 : l;
    hi[a] = u > n - 1 ? n - 1 : u;
  }
}

/* ---- walks over a structure ------------------------------------------------------------- */

/* What a walk over a structure's cells visits: the tissue cells of the bounding box of the
 * shape plus one cell (box), z-plane by z-plane in parallel; each plane adds into its own
 * accumulator, and the caller combines them in plane order. */
typedef struct {
  const work_field *w;
  const rfl_shape *shape;
  int lo[3], hi[3];
} structure_cells;

typedef void (*cell_visit)(const structure_cells *sc, int i, int j, int k, size_t c, void *acc);

/* Runs visit over the cells; *planes gets one zeroed accumulator of acc_size bytes per
 * plane (*nplanes of them; the caller frees it). */
static rfl_status walk_structure_cells(const structure_cells *sc, const char *fn, size_t acc_size, cell_visit visit,
                                       unsigned char **planes, int *nplanes) {
  const rfl_grid *g = sc->w->g;
  const int nk = sc->hi[2] - sc->lo[2] + 1;
  unsigned char *acc = calloc((size_t)nk, acc_size);
  if (!acc) return RFL_ERROR(RFL_ENOMEM, "%s: cannot allocate %d plane results", fn, nk);
  RFL_OMP_FOR
  for (int kk = 0; kk < nk; ++kk) {
    const int k = sc->lo[2] + kk;
    for (int j = sc->lo[1]; j <= sc->hi[1]; ++j)
      for (int i = sc->lo[0]; i <= sc->hi[0]; ++i) {
        size_t c = rfl_grid_index(g, i, j, k);
        if (sc->w->state[c] == CELL_TISSUE) visit(sc, i, j, k, c, acc + (size_t)kk * acc_size);
      }
  }
  *planes = acc;
  *nplanes = nk;
  return RFL_OK;
}

/* Calls visit for every sample point of the structure where the interpolated field has a
 * value (sample_value finite). */
typedef void (*sample_visit)(void *ctx, const shape_sample *s, double v);

static rfl_status walk_structure_samples(const work_field *w, const rfl_shape *shape, const char *fn,
                                         sample_visit visit, void *ctx) {
  sample_set ss;
  RFL_CHECK(shape_samples(w->g, shape, fn, &ss));
  for (size_t m = 0; m < ss.n; ++m) {
    double v = sample_value(w, ss.s[m].p);
    if (isfinite(v)) visit(ctx, &ss.s[m], v);
  }
  free(ss.s);
  return RFL_OK;
}

static structure_cells structure_cells_of(const work_field *w, const rfl_shape *shape) {
  structure_cells sc = {w, shape, {0, 0, 0}, {0, 0, 0}};
  shape_cell_range(w->g, shape, sc.lo, sc.hi);
  return sc;
}

/* ---- the maximum of a field over a structure ---------------------------------------------- */

/* Minus the field at the centres inside the structure (inner) and where the segments to the
 * next centres cross its surface (surf), interpolated along the segment. */
static void max_visit(const structure_cells *sc, int i, int j, int k, size_t c, void *acc) {
  const work_field *w = sc->w;
  const rfl_grid *grid = w->g;
  best_point *inner = acc, *surf = inner + 1;
  rfl_vec3 p0 = cell_centre(grid, i, j, k);
  double d0 = rfl_shape_distance(sc->shape, p0);
  if (d0 <= 0.0) best_update(inner, -w->v[c], p0);
  const int ijk[3] = {i, j, k};
  for (int a = 0; a < 3; ++a) {
    if (ijk[a] + 1 > sc->hi[a]) continue;
    size_t c1 = c + (a == 0 ? 1 : a == 1 ? (size_t)grid->n[0] : (size_t)grid->n[0] * grid->n[1]);
    if (w->state[c1] != CELL_TISSUE) continue;
    rfl_vec3 p1 = axpy(p0, grid->xc[a][ijk[a] + 1] - grid->xc[a][ijk[a]], axis_unit(a));
    double d1 = rfl_shape_distance(sc->shape, p1);
    if ((d0 <= 0.0) == (d1 <= 0.0)) continue;
    double len = grid->xc[a][ijk[a] + 1] - grid->xc[a][ijk[a]];
    double t = line_root(level_inside_shape, sc->shape, p0, axis_unit(a), 0.0, -d0, len, -d1);
    double v = w->v[c] + (w->v[c1] - w->v[c]) * t / len;
    best_update(surf, -v, axpy(p0, t, axis_unit(a)));
  }
}

/* best[0] inside, best[1] on the surface. */
static void max_sample(void *ctx, const shape_sample *s, double v) {
  best_point *best = ctx;
  best_update(s->surface ? &best[1] : &best[0], -v, s->p);
}

/* The surface maximum refined on the interpolated surface. */
static void refine_surface_max(const work_field *w, const rfl_shape *shape, best_point *surf) {
  const double hc = cell_size_at(w->g, surf->p), thick = shape_thickness(shape);
  surface_problem sp = {level_inside_shape, shape, obj_minus_field, w, w};
  if (thick >= hc) {
    refine_on_surface(&sp, shape_normal(shape, surf->p, 1e-4 * hc), axis_unit(0), hc, surf);
    return;
  }
  /* lines across a structure thinner than a cell must stay within it, so each pass moves at
     most about its thickness: repeat while it improves (the best sample lies within a
     quarter of a cell of a local maximum along the structure) */
  for (int pass = 0; pass < 64; ++pass) {
    const double before = surf->f;
    rfl_vec3 n = shape_normal(shape, surf->p, 1e-4 * thick);
    refine_on_surface(&sp, n, axis_unit(0), thick, surf);
    if (!(surf->f < before - 1e-12 * fabs(before))) break;
  }
}

/* best[0] the inner and best[1] the surface extreme of minus the field: cells, then the
 * sample points (a structure between centres has no centre inside and may cross no
 * segment). */
static rfl_status structure_extremes(const work_field *w, const rfl_shape *shape, const char *fn, best_point best[2]) {
  const structure_cells sc = structure_cells_of(w, shape);
  unsigned char *acc = NULL;
  int nk = 0;
  RFL_CHECK(walk_structure_cells(&sc, fn, 2 * sizeof(best_point), max_visit, &acc, &nk));
  const best_point *plane = (const best_point *)(const void *)acc;
  for (int kk = 0; kk < nk; ++kk)
    for (int q = 0; q < 2; ++q)
      if (plane[2 * kk + q].set) best_update(&best[q], plane[2 * kk + q].f, plane[2 * kk + q].p);
  free(acc);
  return walk_structure_samples(w, shape, fn, max_sample, best);
}

rfl_status rfl_lesion_structure_max(const rfl_grid *grid, const double *field,
                                    const uint8_t *exclude, const rfl_shape *shape,
                                    double *max) {
  static const char fn[] = "rfl_lesion_structure_max";
  if (!max || !shape || !field)
    return RFL_ERROR(RFL_EINPUT, "%s: no %s given", fn,
                     !max ? "output" : !shape ? "shape" : "field");
  *max = -INFINITY;
  RFL_CHECK(check_grid(grid, fn));
  work_field w;
  RFL_CHECK(work_field_init(&w, grid, field, exclude, "the field"));
  best_point best[2];
  memset(best, 0, sizeof best);
  rfl_status st = structure_extremes(&w, shape, fn, best);
  const best_point *inner = &best[0], *surf = &best[1];
  if (st == RFL_OK && !inner->set && !surf->set)
    st = RFL_ERROR(RFL_EINPUT, "%s: no point of the structure lies in tissue inside the grid", fn);
  if (st == RFL_OK) {
    if (surf->set) refine_surface_max(&w, shape, &best[1]);
    *max = -(inner->set && (!surf->set || inner->f < surf->f) ? inner->f : surf->f);
  }
  work_field_free(&w);
  return st;
}

/* ---- the damaged fraction of a structure -------------------------------------------------- */

/* acc[0] += the cell's volume inside the structure, acc[1] += the part also in the lesion:
 * whole cells inside, else 8^3 (16^3 in a mixed cell) sub-cell points. */
static void fraction_visit(const structure_cells *sc, int i, int j, int k, size_t c, void *acc_v) {
  const work_field *w = sc->w;
  const rfl_grid *g = w->g;
  double *acc = acc_v;
  const double dx = g->dx[0][i], dy = g->dx[1][j], dz = g->dx[2][k];
  const double vol = dx * dy * dz, half_diag = 0.5 * sqrt(dx * dx + dy * dy + dz * dz);
  const double d = rfl_shape_distance(sc->shape, cell_centre(g, i, j, k));
  if (d >= half_diag) return;
  const int mixed = cell_is_mixed(w, i, j, k), in0 = w->v[c] >= 0.0;
  if (d <= -half_diag) {
    acc[0] += vol;
    acc[1] += mixed ? vol * cell_fraction(w, i, j, k) : (in0 ? vol : 0.0);
    return;
  }
  const int ns = mixed ? 16 : 8;
  int n_shape = 0, n_both = 0;
  for (int sk = 0; sk < ns; ++sk)
    for (int sj = 0; sj < ns; ++sj)
      for (int si = 0; si < ns; ++si) {
        rfl_vec3 p = rfl_vec3_make(g->xf[0][i] + (si + 0.5) / ns * dx, g->xf[1][j] + (sj + 0.5) / ns * dy,
                                   g->xf[2][k] + (sk + 0.5) / ns * dz);
        if (!rfl_shape_contains(sc->shape, p)) continue;
        ++n_shape;
        int les = in0;
        if (mixed) {
          double v = field_eval(w, p);
          if (isfinite(v)) les = v >= 0.0;
        }
        n_both += les;
      }
  acc[0] += vol * n_shape / ((double)ns * ns * ns);
  acc[1] += vol * n_both / ((double)ns * ns * ns);
}

/* total[0] one per valued sample point, total[1] one per point in the lesion. */
static void fraction_sample(void *ctx, const shape_sample *s, double v) {
  (void)s;
  double *total = ctx;
  total[0] += 1.0;
  total[1] += v >= 0.0;
}

/* total[0] the structure's tissue volume, total[1] its part in the lesion; from the sample
 * points when the structure is thinner than the sampling lattice. */
static rfl_status structure_volumes(const work_field *w, const rfl_shape *shape, const char *fn, double total[2]) {
  const structure_cells sc = structure_cells_of(w, shape);
  unsigned char *acc = NULL;
  int nk = 0;
  RFL_CHECK(walk_structure_cells(&sc, fn, 2 * sizeof(double), fraction_visit, &acc, &nk));
  const double *plane = (const double *)(const void *)acc;
  for (int kk = 0; kk < nk; ++kk) {
    total[0] += plane[2 * kk];
    total[1] += plane[2 * kk + 1];
  }
  free(acc);
  if (total[0] > 0.0) return RFL_OK;
  return walk_structure_samples(w, shape, fn, fraction_sample, total);
}

rfl_status rfl_lesion_structure_fraction(const rfl_lesion_input *in, const rfl_shape *shape,
                                         double *fraction) {
  static const char fn[] = "rfl_lesion_structure_fraction";
  probe_frame frame;
  if (!fraction || !shape)
    return RFL_ERROR(RFL_EINPUT, "%s: no %s given", fn, shape ? "output" : "shape");
  *fraction = 0.0;
  work_field w;
  RFL_CHECK(phi_field(in, fn, &frame, &w));
  double total[2] = {0.0, 0.0};
  rfl_status st = work_field_mark_signs(&w);
  if (st == RFL_OK) st = structure_volumes(&w, shape, fn, total);
  work_field_free(&w);
  RFL_CHECK(st);
  if (!(total[0] > 0.0))
    return RFL_ERROR(RFL_EINPUT, "%s: the structure holds no tissue of the grid", fn);
  *fraction = total[1] / total[0];
  return RFL_OK;
}

rfl_status rfl_lesion_structure_covered(const rfl_lesion_input *in, const rfl_shape *shape,
                                        int *covered) {
  static const char fn[] = "rfl_lesion_structure_covered";
  probe_frame frame;
  if (!covered || !shape)
    return RFL_ERROR(RFL_EINPUT, "%s: no %s given", fn, shape ? "output" : "shape");
  *covered = 0;
  work_field w;
  RFL_CHECK(phi_field(in, fn, &frame, &w));
  sample_set ss;
  rfl_status st = shape_samples(in->grid, shape, fn, &ss);
  if (st != RFL_OK) {
    work_field_free(&w);
    return st;
  }
  const int tube = shape->kind == RFL_SHAPE_CYLINDER ||
                   (shape->kind == RFL_SHAPE_CAPSULE && shape->npoints >= 2);
  /* a tube: some station with every valued point in the lesion; else every valued point */
  size_t seen = 0, inside = 0;
  for (size_t m = 0; m < ss.n && !*covered; ++m) {
    const shape_sample *p = &ss.s[m];
    if (tube && p->station < 0) continue;
    double v = sample_value(&w, p->p);
    if (isfinite(v)) {
      ++seen;
      inside += v >= 0.0;
    }
    /* stations are consecutive; the other points all carry -1 */
    if (m + 1 == ss.n || ss.s[m + 1].station != p->station) {
      if (seen > 0 && inside == seen) *covered = 1;
      seen = inside = 0;
    }
  }
  free(ss.s);
  work_field_free(&w);
  return RFL_OK;
}
