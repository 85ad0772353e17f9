// SPDX-License-Identifier: BSD-3-Clause
/* The working field and its interpolant, roots and refinement, the sign mask and the lesion
 * fraction of a cell, and the input checks (lesion_field.h; the method is described at the
 * top of lesion.c). */
#include "lesion_field.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "parallel.h"

/* ---- small geometry helpers ------------------------------------------------------------ */

/* t1 = hint with its n component removed (any perpendicular if that vanishes), t2 = n x t1. */
void rfl_lesion_orthonormal_pair(rfl_vec3 n, rfl_vec3 hint, rfl_vec3 *t1, rfl_vec3 *t2) {
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
int rfl_lesion_locate_interval(const double *x, int n, double v) {
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
double rfl_lesion_cell_size_at(const rfl_grid *g, rfl_vec3 p) {
  double h = 0.0;
  for (int a = 0; a < 3; ++a) {
    int i = g->n[a] > 1 ? rfl_lesion_locate_interval(g->xf[a], g->n[a] + 1, vec_component(p, a)) : 0;
    if (g->dx[a][i] > h) h = g->dx[a][i];
  }
  return h;
}

/* Central-difference gradient of the shape's signed distance, normalised (0 if flat). */
rfl_vec3 rfl_lesion_shape_normal(const rfl_shape *s, rfl_vec3 p, double eps) {
  rfl_vec3 g = {0.0, 0.0, 0.0};
  for (int a = 0; a < 3; ++a) {
    rfl_vec3 e = rfl_vec3_scale(axis_unit(a), eps);
    vec_set(&g, a, rfl_shape_distance(s, rfl_vec3_add(p, e)) -
                       rfl_shape_distance(s, rfl_vec3_sub(p, e)));
  }
  double norm = rfl_vec3_norm(g);
  return norm > 0.0 ? rfl_vec3_scale(g, 1.0 / norm) : rfl_vec3_make(0.0, 0.0, 0.0);
}

/* ---- working field and its interpolant ------------------------------------------------- */

void rfl_work_field_free(work_field *w) {
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
rfl_status rfl_work_field_init(work_field *w, const rfl_grid *g, const double *f,
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
    rfl_work_field_free(w);
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
      rfl_work_field_free(w);
      return RFL_ERROR(RFL_EINPUT,
                       "lesion: %s must be finite in tissue, found %g in cell (%d, %d, %d)",
                       what, bad, i, j, k);
    }
  free(first_bad);
  return RFL_OK;
}

static void axis_stencil_at(const rfl_grid *g, int a, double x, int cubic, axis_stencil *st) {
  const int n = g->n[a];
  const double *xc = g->xc[a];
  if (n == 1) {
    st->lo = 0;
    st->m = 1;
    st->w[0] = 1.0;
    return;
  }
  int i = rfl_lesion_locate_interval(xc, n, x);
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
double rfl_work_field_eval(const work_field *w, rfl_vec3 p) {
  axis_stencil st[3];
  double v;
  for (int a = 0; a < 3; ++a) axis_stencil_at(w->g, a, vec_component(p, a), 1, &st[a]);
  if (stencil_sum(w, st, CELL_TISSUE, &v)) return v;
  for (int a = 0; a < 3; ++a) axis_stencil_at(w->g, a, vec_component(p, a), 0, &st[a]);
  if (stencil_sum(w, st, CELL_EXTRAPOLATED, &v)) return v;
  return NAN;
}

void rfl_work_field_column_init(const work_field *w, rfl_vec3 p, int axis, column *col) {
  memset(col, 0, sizeof *col);
  col->w = w;
  col->axis = axis;
  for (int a = 0; a < 3; ++a)
    if (a != axis) {
      axis_stencil_at(w->g, a, vec_component(p, a), 1, &col->cubic[a]);
      axis_stencil_at(w->g, a, vec_component(p, a), 0, &col->linear[a]);
    }
}

double rfl_work_field_column_eval(const void *ctx, rfl_vec3 p) {
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
    ijk[a] = w->g->n[a] > 1 ? rfl_lesion_locate_interval(w->g->xf[a], w->g->n[a] + 1, vec_component(p, a)) : 0;
  const uint8_t state = w->state[rfl_grid_index(w->g, ijk[0], ijk[1], ijk[2])];
  if (state == CELL_TISSUE) return 1;
  if (state != CELL_EXTRAPOLATED || !w->probes) return 0;
  for (int q = 0; q < w->nprobes; ++q)
    if (rfl_probe_distance(&w->probes[q], p) <= 0.0) return 0;
  return 1;
}

/* The interpolated field where p lies in tissue, NaN elsewhere: lesion points and
 * structure points are tissue points. */
double rfl_work_field_tissue(const work_field *w, rfl_vec3 p) {
  return point_in_tissue(w, p) ? rfl_work_field_eval(w, p) : NAN;
}

double rfl_work_field_level(const void *ctx, rfl_vec3 p) { return rfl_work_field_tissue(ctx, p); }
double rfl_work_field_minus(const void *ctx, rfl_vec3 p) { return -rfl_work_field_tissue(ctx, p); }

/* ---- roots and refinement ----------------------------------------------------------------- */

/* Zero of f on p0 + t dir between ta and tb, where f(ta) = fa and f(tb) = fb lie on either
 * side of 0 (>= 0 counts as inside). Regula falsi with the Illinois modification. */
double rfl_lesion_line_root(point_fn f, const void *ctx, rfl_vec3 p0, rfl_vec3 dir, double ta,
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
  *out = axpy(q, rfl_lesion_line_root(level, ctx, q, n, t[kb], f[kb], t[kb + 1], f[kb + 1]), n);
  return 1;
}

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
void rfl_lesion_refine_on_surface(const surface_problem *sp, rfl_vec3 n, rfl_vec3 hint, double h,
                              best_point *best) {
  if (!best->set || !(rfl_vec3_norm(n) > 0.5) || !(h > 0.0)) return;
  rfl_vec3 t[2];
  rfl_lesion_orthonormal_pair(n, hint, &t[0], &t[1]);
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

/* ---- signs and the lesion's share of a cell ---------------------------------------------- */

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
rfl_status rfl_work_field_mark_signs(work_field *w) {
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

/* Fraction of cell (i, j, k) where the interpolated field >= 0: 4 x 4 columns along the
 * axis of the largest gradient component, each cut exactly at the interpolant's zeros. */
double rfl_work_field_cell_fraction(const work_field *w, int i, int j, int k) {
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
      rfl_work_field_column_init(w, q, axis, &col);
      for (int m = 0; m < 3; ++m) {
        vec_set(&q, axis, cuts[m]);
        fv[m] = rfl_work_field_column_eval(&col, q);
        if (!isfinite(fv[m])) fv[m] = in0 ? 1.0 : -1.0;
      }
      vec_set(&q, axis, 0.0);
      for (int m = 0; m < 2; ++m) {
        const double ta = cuts[m], tb = cuts[m + 1];
        const int ia = fv[m] >= 0.0, ib = fv[m + 1] >= 0.0;
        if (ia && ib) inside += tb - ta;
        else if (ia != ib) {
          double t = rfl_lesion_line_root(rfl_work_field_column_eval, &col, q, dir, ta, fv[m], tb, fv[m + 1]);
          inside += ia ? t - ta : tb - t;
        }
      }
    }
  return inside / (NC * NC * g->dx[axis][ijk[axis]]);
}

/* Lesion volume inside tissue cell (i, j, k), m^3. */
/* ---- input checks ----------------------------------------------------------------------- */

rfl_status rfl_lesion_check_grid(const rfl_grid *g, const char *fn) {
  if (!g) return RFL_ERROR(RFL_EINPUT, "%s: no grid given", fn);
  for (int a = 0; a < 3; ++a)
    if (g->n[a] < 1 || !g->xf[a] || !g->xc[a] || !g->dx[a])
      return RFL_ERROR(RFL_EINPUT, "%s: grid axis %d has %d cells or no coordinates", fn, a,
                       g->n[a]);
  return RFL_OK;
}

static rfl_status check_input(const rfl_lesion_input *in, const char *fn, probe_frame *frame) {
  if (!in) return RFL_ERROR(RFL_EINPUT, "%s: no input given", fn);
  RFL_CHECK(rfl_lesion_check_grid(in->grid, fn));
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
rfl_status rfl_lesion_phi_field(const rfl_lesion_input *in, const char *fn, probe_frame *frame, work_field *w) {
  RFL_CHECK(check_input(in, fn, frame));
  RFL_CHECK(rfl_work_field_init(w, in->grid, in->phi, in->exclude, "phi"));
  w->probes = in->probes;
  w->nprobes = in->probes ? in->nprobes : 0;
  return RFL_OK;
}
