// SPDX-License-Identifier: BSD-3-Clause
/* Tensor-product grids (grid.h): face coordinates per axis, from which centres and widths
 * follow (xc = (xf[i] + xf[i+1]) / 2, dx = xf[i+1] - xf[i]).
 *
 * Uniform (growth == 1): n = max(1, round(L / spacing)) cells of width L / n per axis, so a
 * spacing that does not divide the extent L is adjusted to the nearest one that does (by
 * at most half a cell over the whole axis); the fine box is then ignored.
 *
 * Graded (growth > 1), per axis: uniform cells of width h = spacing with faces at
 * fine_min + i h cover [fine_min, fine_max]; when the extent is not a whole number of
 * cells the box grows at its upper end (if that would cross the domain face, the cells are
 * anchored to that face instead and the box grows downwards). On each side the remaining
 * distance D to the domain face is filled with m cells of widths h r, h r^2, ..., h r^m:
 * m is the smallest count for which some ratio 1 <= r <= growth gives
 *   h (r + r^2 + ... + r^m) = D
 * exactly, and r is the root of that equation on [1, growth] (GSL Brent solver). So every
 * ratio of neighbouring widths, including the jump out of the fine box, is r <= growth, and
 * the last face is exactly the domain face. When no such m exists (D is shorter than one
 * fine cell, or falls between what m and m + 1 cells can span), the fine region is
 * extended by whole cells on that side until the rest fits; a domain too small for any
 * fit is an input error. The solver returns status codes, never calls the GSL error
 * handler (its bracket is checked first).
 *
 * Nothing here knows about geometry or fields; a grid is immutable once created. */
#include "grid.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "case_reader.h"

/* The limits the case reader enforces with file and line; here they only guard the API. */
#define MAX_CELLS_PER_AXIS RFL_CASE_MAX_CELLS_PER_AXIS
#define MAX_CELLS RFL_CASE_MAX_CELLS /* 10^9 cells: beyond any machine this code runs on */
#define SNAP_TOL 1e-9            /* relative tolerance (of h or L) for "whole cells" */
#define MAX_GRADED 100000        /* cells on one graded side */

static const char axis_name[3] = {'x', 'y', 'z'};

/* Allocates a grid with n cells per axis and its arrays (faces left to the caller). */
static rfl_status grid_alloc(const int n[3], rfl_grid **out) {
  *out = NULL;
  double total = (double)n[0] * (double)n[1] * (double)n[2];
  if (total > MAX_CELLS)
    return RFL_ERROR(RFL_EINPUT, "[grid] spacing_mm: the grid would have %d x %d x %d = %.3g cells, "
                     "more than %.0g", n[0], n[1], n[2], total, MAX_CELLS);
  rfl_grid *g = calloc(1, sizeof *g);
  if (!g) return RFL_ERROR(RFL_ENOMEM, "grid: out of memory");
  for (int a = 0; a < 3; ++a) {
    g->n[a] = n[a];
    g->xf[a] = malloc(((size_t)n[a] + 1) * sizeof(double));
    g->xc[a] = malloc((size_t)n[a] * sizeof(double));
    g->dx[a] = malloc((size_t)n[a] * sizeof(double));
    if (!g->xf[a] || !g->xc[a] || !g->dx[a]) {
      rfl_grid_free(g);
      return RFL_ERROR(RFL_ENOMEM, "grid: out of memory for %d cells on the %c axis", n[a],
                       axis_name[a]);
    }
  }
  g->ncells = (size_t)n[0] * (size_t)n[1] * (size_t)n[2];
  *out = g;
  return RFL_OK;
}

/* Centres and widths from the faces. */
static void grid_finish(rfl_grid *g) {
  for (int a = 0; a < 3; ++a)
    for (int i = 0; i < g->n[a]; ++i) {
      g->xc[a][i] = 0.5 * (g->xf[a][i] + g->xf[a][i + 1]);
      g->dx[a][i] = g->xf[a][i + 1] - g->xf[a][i];
    }
}

void rfl_grid_free(rfl_grid *g) {
  if (!g) return;
  for (int a = 0; a < 3; ++a) {
    free(g->xf[a]);
    free(g->xc[a]);
    free(g->dx[a]);
  }
  free(g);
}

rfl_status rfl_grid_create_from_faces(const int n[3], const double *const faces[3],
                                      rfl_grid **out) {
  *out = NULL;
  for (int a = 0; a < 3; ++a) {
    if (n[a] < 1 || n[a] > MAX_CELLS_PER_AXIS)
      return RFL_ERROR(RFL_EINPUT, "grid: %c axis: expected 1..%d cells, found %d", axis_name[a],
                       MAX_CELLS_PER_AXIS, n[a]);
    for (int i = 0; i <= n[a]; ++i) {
      if (!isfinite(faces[a][i]))
        return RFL_ERROR(RFL_EINPUT, "grid: %c axis: face %d is not finite", axis_name[a], i);
      if (i > 0 && !(faces[a][i] > faces[a][i - 1]))
        return RFL_ERROR(RFL_EINPUT,
                         "grid: %c axis: faces must increase, found %.6g m after %.6g m at face %d",
                         axis_name[a], faces[a][i], faces[a][i - 1], i);
    }
  }
  rfl_grid *g;
  RFL_CHECK(grid_alloc(n, &g));
  for (int a = 0; a < 3; ++a) memcpy(g->xf[a], faces[a], ((size_t)n[a] + 1) * sizeof(double));
  grid_finish(g);
  *out = g;
  return RFL_OK;
}

/* Uniform faces lo + (hi - lo) i / n with the last one exactly hi. */
static void fill_uniform(double *xf, int n, double lo, double hi) {
  for (int i = 0; i < n; ++i) xf[i] = lo + (hi - lo) * ((double)i / n);
  xf[n] = hi;
}

rfl_status rfl_grid_create_uniform(const int n[3], rfl_vec3 lo, rfl_vec3 hi, rfl_grid **out) {
  *out = NULL;
  for (int a = 0; a < 3; ++a) {
    double l = rfl_vec3_get(lo, a), h = rfl_vec3_get(hi, a);
    if (n[a] < 1 || n[a] > MAX_CELLS_PER_AXIS)
      return RFL_ERROR(RFL_EINPUT, "grid: %c axis: expected 1..%d cells, found %d", axis_name[a],
                       MAX_CELLS_PER_AXIS, n[a]);
    if (!isfinite(l) || !isfinite(h) || !(h > l))
      return RFL_ERROR(RFL_EINPUT, "grid: %c axis: expected lo < hi, found [%.6g, %.6g] m",
                       axis_name[a], l, h);
  }
  rfl_grid *g;
  RFL_CHECK(grid_alloc(n, &g));
  for (int a = 0; a < 3; ++a)
    fill_uniform(g->xf[a], n[a], rfl_vec3_get(lo, a), rfl_vec3_get(hi, a));
  grid_finish(g);
  *out = g;
  return RFL_OK;
}

/* ---- graded axes ------------------------------------------------------------------- */

/* One side of the fine box: `extra` more fine cells, then m cells growing by ratio r. */
typedef struct {
  int extra; /* fine cells added beyond the (snapped) fine box */
  int m;     /* graded cells */
  double r;  /* growth ratio of the graded cells */
} side_plan;

/* One axis: uniform (nf cells from `base`, no graded sides) or graded. */
typedef struct {
  double lo, hi;      /* domain faces, m */
  double h;           /* fine width, m */
  int uniform;        /* 1: n = nf cells of (hi - lo) / nf */
  double base;        /* first face of the snapped fine box (before extensions), m */
  int nf;             /* cells in the snapped fine box */
  side_plan side[2];  /* below and above the fine box */
} axis_plan;

/* h (r + r^2 + ... + r^m) - D */
typedef struct {
  double h, D;
  int m;
} series_params;

static double series_residual(double r, void *params) {
  const series_params *sp = params;
  double s = 0.0, rk = 1.0;
  for (int k = 1; k <= sp->m; ++k) {
    rk *= r;
    s += rk;
  }
  return sp->h * s - sp->D;
}

/* Root r in [1, g] of series_residual (f(1) <= 0 <= f(g) checked by the caller). */
static rfl_status solve_ratio(double h, double D, int m, double g, double *r) {
  series_params sp = {h, D, m};
  double f1 = series_residual(1.0, &sp), fg = series_residual(g, &sp);
  if (f1 >= 0.0) {
    *r = 1.0;
    return RFL_OK;
  }
  if (fg <= 0.0) {
    *r = g;
    return RFL_OK;
  }
  gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
  if (!s) return RFL_ERROR(RFL_ENOMEM, "grid: out of memory (root solver)");
  gsl_function f = {series_residual, &sp};
  int status = gsl_root_fsolver_set(s, &f, 1.0, g);
  for (int it = 0; status == GSL_SUCCESS && it < 200; ++it) {
    status = gsl_root_fsolver_iterate(s);
    if (status != GSL_SUCCESS) break;
    status = gsl_root_test_interval(gsl_root_fsolver_x_lower(s), gsl_root_fsolver_x_upper(s),
                                    0.0, 1e-15);
    if (status == GSL_SUCCESS) break;
    if (status == GSL_CONTINUE) status = GSL_SUCCESS;
  }
  double root = gsl_root_fsolver_root(s);
  int converged = gsl_root_test_interval(gsl_root_fsolver_x_lower(s), gsl_root_fsolver_x_upper(s),
                                         0.0, 1e-12) == GSL_SUCCESS;
  gsl_root_fsolver_free(s);
  if (status != GSL_SUCCESS || !converged)
    return RFL_ERROR(RFL_ENOCONV, "grid: growth ratio for %d cells over %.6g m did not converge "
                     "(%s)", m, D, gsl_strerror(status));
  *r = fmin(fmax(root, 1.0), g);
  return RFL_OK;
}

/* Fills distance D >= 0 beyond the fine box edge: the fewest extra fine cells, then the
 * fewest graded cells. Returns 0 when nothing fits. */
static int side_fit(double D, double h, double g, side_plan *sp) {
  for (int k = 0; D - k * h > -SNAP_TOL * h; ++k) {
    double Dk = D - k * h;
    if (Dk <= SNAP_TOL * h) {
      sp->extra = k;
      sp->m = 0;
      sp->r = 1.0;
      return 1;
    }
    /* smallest m with h (g + ... + g^m) >= Dk */
    double s = 0.0, gk = 1.0;
    int m = 0;
    while (h * s < Dk && m < MAX_GRADED) {
      gk *= g;
      s += gk;
      ++m;
    }
    if (h * s < Dk) return 0;
    if (m * h <= Dk * (1.0 + 1e-12)) {
      sp->extra = k;
      sp->m = m;
      sp->r = 1.0;
      return 1;
    }
  }
  return 0;
}

static rfl_status plan_axis(const rfl_grid_spec *spec, int a, axis_plan *p) {
  memset(p, 0, sizeof *p);
  p->lo = rfl_vec3_get(spec->domain_min, a);
  p->hi = rfl_vec3_get(spec->domain_max, a);
  p->h = spec->spacing;
  double L = p->hi - p->lo, h = p->h;
  double f0 = rfl_vec3_get(spec->fine_min, a), f1 = rfl_vec3_get(spec->fine_max, a);
  /* the limit applies to the cells built: uniform ones here, graded ones in the caller */
  double nfine = spec->growth == 1.0 ? round(L / h) : ceil((f1 - f0) / h - SNAP_TOL);
  if (nfine > MAX_CELLS_PER_AXIS)
    return RFL_ERROR(RFL_EINPUT, "[grid] spacing_mm: %.6g mm gives %.0f cells on the %c axis, "
                     "more than %d", 1e3 * h, nfine, axis_name[a], MAX_CELLS_PER_AXIS);
  if (spec->growth == 1.0) {
    p->uniform = 1;
    p->nf = (int)fmax(1.0, round(L / h));
    return RFL_OK;
  }
  int nf = (int)nfine;
  if (nf < 1) nf = 1;
  double base = f0, top = f0 + nf * h;
  if (top > p->hi + SNAP_TOL * h) { /* anchor the fine cells to the upper domain face */
    top = p->hi;
    base = p->hi - nf * h;
  }
  if (base < p->lo + SNAP_TOL * h && top > p->hi - SNAP_TOL * h) { /* fine box = domain */
    p->uniform = 1;
    p->nf = (int)fmax(1.0, round(L / h));
    return RFL_OK;
  }
  if (base < p->lo - SNAP_TOL * h) {
    p->uniform = 1;
    p->nf = (int)fmax(1.0, round(L / h));
    return RFL_OK;
  }
  p->base = base;
  p->nf = nf;
  double D[2] = {fmax(0.0, base - p->lo), fmax(0.0, p->hi - top)};
  for (int s = 0; s < 2; ++s) {
    if (!side_fit(D[s], h, spec->growth, &p->side[s]))
      return RFL_ERROR(RFL_EINPUT,
                       "[grid] growth: cannot fill the %.6g mm between the fine box and the %s %c "
                       "face with cells growing from %.6g mm by at most %.6g each; enlarge the "
                       "domain or the fine box, or change spacing_mm",
                       1e3 * D[s], s == 0 ? "lower" : "upper", axis_name[a], 1e3 * h,
                       spec->growth);
    side_plan *sp = &p->side[s];
    if (sp->m > 0)
      RFL_CHECK(solve_ratio(h, D[s] - sp->extra * h, sp->m, spec->growth, &sp->r));
  }
  return RFL_OK;
}

static int plan_cells(const axis_plan *p) {
  if (p->uniform) return p->nf;
  return p->side[0].m + p->side[0].extra + p->nf + p->side[1].extra + p->side[1].m;
}

static void fill_planned(const axis_plan *p, double *xf) {
  if (p->uniform) {
    fill_uniform(xf, p->nf, p->lo, p->hi);
    return;
  }
  const side_plan *below = &p->side[0], *above = &p->side[1];
  int n = plan_cells(p);
  /* fine faces: base + i h for i = -below->extra .. nf + above->extra */
  int first = below->m, nfine = below->extra + p->nf + above->extra;
  for (int i = 0; i <= nfine; ++i) xf[first + i] = p->base + (double)(i - below->extra) * p->h;
  double w = p->h, x = xf[first];
  for (int j = 1; j <= below->m; ++j) {
    w *= below->r;
    x -= w;
    xf[first - j] = x;
  }
  w = p->h;
  x = xf[first + nfine];
  for (int j = 1; j <= above->m; ++j) {
    w *= above->r;
    x += w;
    xf[first + nfine + j] = x;
  }
  xf[0] = p->lo; /* exact domain faces (the sums above agree to round-off) */
  xf[n] = p->hi;
}

rfl_status rfl_grid_create(const rfl_grid_spec *spec, rfl_grid **out) {
  *out = NULL;
  if (!(spec->spacing > 0.0) || !isfinite(spec->spacing))
    return RFL_ERROR(RFL_EINPUT, "[grid] spacing_mm: expected a positive number, found %g",
                     1e3 * spec->spacing);
  if (!(spec->growth >= 1.0) || !isfinite(spec->growth))
    return RFL_ERROR(RFL_EINPUT, "[grid] growth: expected a ratio >= 1, found %g", spec->growth);
  for (int a = 0; a < 3; ++a) {
    double lo = rfl_vec3_get(spec->domain_min, a), hi = rfl_vec3_get(spec->domain_max, a);
    if (!isfinite(lo) || !isfinite(hi) || !(hi > lo))
      return RFL_ERROR(RFL_EINPUT, "[grid] domain_max_mm: expected %c max > min, found "
                       "[%.6g, %.6g] mm", axis_name[a], 1e3 * lo, 1e3 * hi);
    if (spec->growth == 1.0) continue;
    double f0 = rfl_vec3_get(spec->fine_min, a), f1 = rfl_vec3_get(spec->fine_max, a);
    double tol = SNAP_TOL * (hi - lo);
    if (!(f1 > f0))
      return RFL_ERROR(RFL_EINPUT, "[grid] fine_max_mm: expected %c max > min, found "
                       "[%.6g, %.6g] mm", axis_name[a], 1e3 * f0, 1e3 * f1);
    if (f0 < lo - tol || f1 > hi + tol)
      return RFL_ERROR(RFL_EINPUT, "[grid] fine_min_mm: the fine box [%.6g, %.6g] mm must lie "
                       "inside the domain [%.6g, %.6g] mm on the %c axis", 1e3 * f0, 1e3 * f1,
                       1e3 * lo, 1e3 * hi, axis_name[a]);
  }
  axis_plan plan[3];
  int n[3];
  for (int a = 0; a < 3; ++a) {
    RFL_CHECK(plan_axis(spec, a, &plan[a]));
    n[a] = plan_cells(&plan[a]);
    if (n[a] > MAX_CELLS_PER_AXIS)
      return RFL_ERROR(RFL_EINPUT, "[grid] spacing_mm: %.6g mm gives %d cells on the %c axis "
                       "(fine box and graded cells), more than %d", 1e3 * spec->spacing, n[a],
                       axis_name[a], MAX_CELLS_PER_AXIS);
  }
  rfl_grid *g;
  RFL_CHECK(grid_alloc(n, &g));
  for (int a = 0; a < 3; ++a) fill_planned(&plan[a], g->xf[a]);
  grid_finish(g);
  *out = g;
  return RFL_OK;
}

int rfl_grid_locate(const rfl_grid *g, int axis, double x) {
  const double *xf = g->xf[axis];
  int lo = 0, hi = g->n[axis];
  while (hi - lo > 1) {
    int mid = lo + (hi - lo) / 2;
    if (x >= xf[mid])
      lo = mid;
    else
      hi = mid;
  }
  return lo;
}

void rfl_grid_spacing_range(const rfl_grid *g, double *hmin, double *hmax) {
  double lo = INFINITY, hi = 0.0;
  for (int a = 0; a < 3; ++a)
    for (int i = 0; i < g->n[a]; ++i) {
      if (g->dx[a][i] < lo) lo = g->dx[a][i];
      if (g->dx[a][i] > hi) hi = g->dx[a][i];
    }
  if (hmin) *hmin = lo;
  if (hmax) *hmax = hi;
}
