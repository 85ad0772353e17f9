// SPDX-License-Identifier: BSD-3-Clause
/* The 7-point conductance-form system (see sysmat.h) and its kernels: operator, residual,
 * deterministic dot products, the red-black Gauss-Seidel half-sweep, and a contract check.
 *
 * For an unknown cell c with the face conductances g_f (f = west, east, south, north, down,
 * up) and neighbours n(f):
 *
 *   (A x)_c = diag_c x_c + sum_f g_f (x_c - x_n(f))                      (difference form)
 *   GS:  x_c <- (b_c + sum_f g_f x_n(f)) / (diag_c + sum_f g_f)
 *
 * The operator and residual use the difference form, which keeps the residual accurate near
 * convergence when large conductances (steel) meet smooth fields. The stencil is written
 * once: a row of cells (j, k) gets its four transverse neighbour rows from row_setup (a
 * missing neighbour on the domain boundary becomes the cell itself with weight 0, so the
 * inner loops have no branches), and the x-direction faces are peeled at i = 0 and
 * i = n0 - 1. Loops run over (k, j) rows with a static OpenMP schedule; every cell is
 * written by one thread from values that do not change during the loop, so the results
 * are bit-identical for any thread count. Reductions go through rfl_parallel_dot.
 *
 * Memory traffic per cell (double precision, 1-byte mask): apply and residual read x, diag,
 * three face arrays and fixed (41 B, +8 B for b) and write 8 B. This module does not fold
 * boundary conditions into diag and b, and does not know what the unknown means: the
 * caller assembles; the matrix only checks the contract it relies on. */
#include "sysmat.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>

#include "parallel.h"

rfl_status rfl_sysmat_create(const rfl_grid *g, rfl_sysmat **out) {
  *out = NULL;
  if (!g || g->n[0] < 1 || g->n[1] < 1 || g->n[2] < 1)
    return RFL_ERROR(RFL_EINPUT, "sysmat: grid must have at least one cell per axis");
  size_t n = (size_t)g->n[0] * (size_t)g->n[1] * (size_t)g->n[2];
  rfl_sysmat *m = calloc(1, sizeof *m);
  if (!m) return RFL_ERROR(RFL_ENOMEM, "sysmat: out of memory for %zu cells", n);
  m->grid = g;
  for (int a = 0; a < 3; ++a) m->g[a] = calloc(n, sizeof(rfl_face_g));
  m->diag = calloc(n, sizeof(double));
  m->fixed = calloc(n, sizeof(uint8_t));
  m->dirichlet = calloc(n, sizeof(double));
  if (!m->g[0] || !m->g[1] || !m->g[2] || !m->diag || !m->fixed || !m->dirichlet) {
    rfl_sysmat_free(m);
    return RFL_ERROR(RFL_ENOMEM, "sysmat: out of memory for %zu cells", n);
  }
  *out = m;
  return RFL_OK;
}

void rfl_sysmat_free(rfl_sysmat *m) {
  if (!m) return;
  for (int a = 0; a < 3; ++a) free(m->g[a]);
  free(m->diag);
  free(m->fixed);
  free(m->dirichlet);
  free(m);
}

/* The transverse neighbours of the row of cells (., j, k). */
typedef struct {
  size_t c0;                       /* index of cell (0, j, k) */
  const rfl_face_g *gs, *gn, *gd, *gu; /* face conductances: gs[i] is the south face of cell i */
  ptrdiff_t os, on, od, ou;        /* index offset to the neighbour (0 when it is absent) */
  double ms, mn, md, mu;           /* 1 when the neighbour exists, else 0 */
} row_nbrs;

static inline void row_setup(const rfl_sysmat *m, int j, int k, row_nbrs *R) {
  const int n0 = m->grid->n[0], n1 = m->grid->n[1], n2 = m->grid->n[2];
  const ptrdiff_t sy = n0, sz = (ptrdiff_t)n0 * n1;
  R->c0 = (size_t)n0 * ((size_t)j + (size_t)n1 * (size_t)k);
  const rfl_face_g *g1 = m->g[1] + R->c0, *g2 = m->g[2] + R->c0;
  R->gs = j > 0 ? g1 - sy : g1;
  R->os = j > 0 ? -sy : 0;
  R->ms = j > 0 ? 1.0 : 0.0;
  R->gn = g1;
  R->on = j < n1 - 1 ? sy : 0;
  R->mn = j < n1 - 1 ? 1.0 : 0.0;
  R->gd = k > 0 ? g2 - sz : g2;
  R->od = k > 0 ? -sz : 0;
  R->md = k > 0 ? 1.0 : 0.0;
  R->gu = g2;
  R->ou = k < n2 - 1 ? sz : 0;
  R->mu = k < n2 - 1 ? 1.0 : 0.0;
}

/* (A x)_c for cell i of the row, given its x-direction faces (gw, xw), (ge, xe). */
static inline double cell_apply(const rfl_sysmat *m, const row_nbrs *R, const double *x,
                                size_t i, double gw, double xw, double ge, double xe) {
  const size_t c = R->c0 + i;
  const double xc = x[c];
  return m->diag[c] * xc + gw * (xc - xw) + ge * (xc - xe) +
         R->ms * R->gs[i] * (xc - x[(ptrdiff_t)c + R->os]) +
         R->mn * R->gn[i] * (xc - x[(ptrdiff_t)c + R->on]) +
         R->md * R->gd[i] * (xc - x[(ptrdiff_t)c + R->od]) +
         R->mu * R->gu[i] * (xc - x[(ptrdiff_t)c + R->ou]);
}

/* The interior cells 1..n0-2 of a row: out = A x (b == NULL) or b - A x, 0 on fixed cells.
 * Plain row pointers, restrict-qualified, and a branch-free body (an arithmetic mask for the
 * fixed cells) so that the compiler vectorises it; the transverse neighbour rows come from
 * row_setup (a missing neighbour is the row itself with weight 0). */
#define ROW_INTERIOR_PARAMS                                                                   \
  int n0, const double *restrict d, const rfl_face_g *restrict gx,                         \
      const rfl_face_g *restrict gs, const rfl_face_g *restrict gn,                         \
      const rfl_face_g *restrict gd, const rfl_face_g *restrict gu,                         \
      double ms, double mn, double md, double mu, const double *restrict x,                 \
      const double *restrict xs, const double *restrict xn, const double *restrict xd,      \
      const double *restrict xu, const uint8_t *restrict fx
#define ROW_INTERIOR_AX                                                                       \
  (d[i] * x[i] + gx[i - 1] * (x[i] - x[i - 1]) + gx[i] * (x[i] - x[i + 1]) +                \
   ms * gs[i] * (x[i] - xs[i]) + mn * gn[i] * (x[i] - xn[i]) + md * gd[i] * (x[i] - xd[i]) + \
   mu * gu[i] * (x[i] - xu[i]))

static void row_interior_apply(ROW_INTERIOR_PARAMS, double *restrict o) {
  for (int i = 1; i < n0 - 1; ++i) o[i] = (double)(fx[i] == 0) * ROW_INTERIOR_AX;
}

static void row_interior_residual(ROW_INTERIOR_PARAMS, const double *restrict b,
                                  double *restrict o) {
  for (int i = 1; i < n0 - 1; ++i) o[i] = (double)(fx[i] == 0) * (b[i] - ROW_INTERIOR_AX);
}

/* out[c] = sign * (A x)_c + (b ? b[c] : 0) over one row; 0 on fixed cells. */
static inline void row_apply(const rfl_sysmat *m, int j, int k, const double *b,
                             const double *x, double sign, double *out) {
  row_nbrs R;
  row_setup(m, j, k, &R);
  const int n0 = m->grid->n[0];
  const rfl_face_g *gx = m->g[0] + R.c0;
  const double *xr = x + R.c0;
  const uint8_t *fx = m->fixed + R.c0;
  const double *br = b ? b + R.c0 : NULL;
  double *o = out + R.c0;
  if (n0 == 1) {
    double v = sign * cell_apply(m, &R, x, 0, 0.0, 0.0, 0.0, 0.0) + (br ? br[0] : 0.0);
    o[0] = fx[0] ? 0.0 : v;
    return;
  }
  double v0 = sign * cell_apply(m, &R, x, 0, 0.0, 0.0, gx[0], xr[1]) + (br ? br[0] : 0.0);
  o[0] = fx[0] ? 0.0 : v0;
  if (br)
    row_interior_residual(n0, m->diag + R.c0, gx, R.gs, R.gn, R.gd, R.gu, R.ms, R.mn, R.md,
                          R.mu, xr, xr + R.os, xr + R.on, xr + R.od, xr + R.ou, fx, br, o);
  else
    row_interior_apply(n0, m->diag + R.c0, gx, R.gs, R.gn, R.gd, R.gu, R.ms, R.mn, R.md, R.mu,
                       xr, xr + R.os, xr + R.on, xr + R.od, xr + R.ou, fx, o);
  const int l = n0 - 1;
  double vl = sign * cell_apply(m, &R, x, (size_t)l, gx[l - 1], xr[l - 1], 0.0, 0.0) +
              (br ? br[l] : 0.0);
  o[l] = fx[l] ? 0.0 : vl;
}

void rfl_sysmat_apply(const rfl_sysmat *m, const double *x, double *y) {
  const int n1 = m->grid->n[1], n2 = m->grid->n[2];
  RFL_OMP_FOR_COLLAPSE2_N(m->grid->ncells)
  for (int k = 0; k < n2; ++k)
    for (int j = 0; j < n1; ++j) row_apply(m, j, k, NULL, x, 1.0, y);
}

void rfl_sysmat_residual(const rfl_sysmat *m, const double *b, const double *x, double *r) {
  const int n1 = m->grid->n[1], n2 = m->grid->n[2];
  RFL_OMP_FOR_COLLAPSE2_N(m->grid->ncells)
  for (int k = 0; k < n2; ++k)
    for (int j = 0; j < n1; ++j) row_apply(m, j, k, b, x, -1.0, r);
}

double rfl_sysmat_dot(const rfl_sysmat *m, const double *u, const double *v) {
  return rfl_parallel_dot(u, v, m->fixed, m->grid->ncells);
}

double rfl_sysmat_norm(const rfl_sysmat *m, const double *v) {
  return sqrt(rfl_parallel_dot(v, v, m->fixed, m->grid->ncells));
}

void rfl_sysmat_smooth_color(const rfl_sysmat *m, const double *b, double *x, int color) {
  const int n0 = m->grid->n[0], n1 = m->grid->n[1], n2 = m->grid->n[2];
  RFL_OMP_FOR_COLLAPSE2_N(m->grid->ncells)
  for (int k = 0; k < n2; ++k)
    for (int j = 0; j < n1; ++j) {
      row_nbrs R;
      row_setup(m, j, k, &R);
      const rfl_face_g *gx = m->g[0] + R.c0;
      double *xr = x + R.c0;
      const double *br = b + R.c0, *dr = m->diag + R.c0;
      const uint8_t *fx = m->fixed + R.c0;
      for (int i = (j + k + color) & 1; i < n0; i += 2) {
        if (fx[i]) continue;
        const size_t c = R.c0 + (size_t)i;
        const double gw = i > 0 ? gx[i - 1] : 0.0, ge = i < n0 - 1 ? gx[i] : 0.0;
        const double xw = xr[i > 0 ? i - 1 : i], xe = xr[i < n0 - 1 ? i + 1 : i];
        const double gs = R.ms * R.gs[i], gn = R.mn * R.gn[i];
        const double gd = R.md * R.gd[i], gu = R.mu * R.gu[i];
        const double s = br[i] + gw * xw + ge * xe + gs * x[(ptrdiff_t)c + R.os] +
                         gn * x[(ptrdiff_t)c + R.on] + gd * x[(ptrdiff_t)c + R.od] +
                         gu * x[(ptrdiff_t)c + R.ou];
        xr[i] = s / (dr[i] + gw + ge + gs + gn + gd + gu);
      }
    }
}

rfl_status rfl_sysmat_check(const rfl_sysmat *m) {
  const rfl_grid *g = m->grid;
  const int n[3] = {g->n[0], g->n[1], g->n[2]};
  const size_t stride[3] = {1, (size_t)n[0], (size_t)n[0] * (size_t)n[1]};
  for (int k = 0; k < n[2]; ++k)
    for (int j = 0; j < n[1]; ++j)
      for (int i = 0; i < n[0]; ++i) {
        const int ijk[3] = {i, j, k};
        const size_t c = rfl_grid_index(g, i, j, k);
        if (!isfinite(m->diag[c]))
          return RFL_ERROR(RFL_ENUMERIC, "sysmat: diag at cell (%d, %d, %d) is %g", i, j, k,
                           m->diag[c]);
        if (m->diag[c] < 0.0)
          return RFL_ERROR(RFL_EINPUT, "sysmat: diag at cell (%d, %d, %d) is %g, expected >= 0",
                           i, j, k, m->diag[c]);
        const double dd = m->dirichlet[c];
        if (!isfinite(dd))
          return RFL_ERROR(RFL_ENUMERIC, "sysmat: dirichlet at cell (%d, %d, %d) is %g", i, j,
                           k, dd);
        if (dd < 0.0 || dd > m->diag[c] * (1.0 + 1e-12))
          return RFL_ERROR(RFL_EINPUT,
                           "sysmat: dirichlet at cell (%d, %d, %d) is %g, expected 0..diag (%g)",
                           i, j, k, dd, m->diag[c]);
        double gsum = m->diag[c];
        for (int a = 0; a < 3; ++a) {
          const double ga = m->g[a][c];
          if (!isfinite(ga))
            return RFL_ERROR(RFL_ENUMERIC, "sysmat: g[%d] at cell (%d, %d, %d) is %g", a, i, j,
                             k, ga);
          if (ga < 0.0)
            return RFL_ERROR(RFL_EINPUT,
                             "sysmat: g[%d] at cell (%d, %d, %d) is %g, expected >= 0", a, i, j,
                             k, ga);
          const int last = ijk[a] == n[a] - 1;
          if (ga != 0.0 && (last || m->fixed[c] || m->fixed[c + stride[a]]))
            return RFL_ERROR(RFL_EINPUT,
                             "sysmat: g[%d] at cell (%d, %d, %d) is %g, expected 0 (%s)", a, i,
                             j, k, ga, last ? "last layer" : "face touches a fixed cell");
          gsum += ga;
          if (ijk[a] > 0) gsum += m->g[a][c - stride[a]];
        }
        if (!m->fixed[c] && !(gsum > 0.0))
          return RFL_ERROR(RFL_EINPUT,
                           "sysmat: unknown cell (%d, %d, %d) has diag 0 and no coupling", i, j,
                           k);
      }
  return RFL_OK;
}
