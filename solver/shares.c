// SPDX-License-Identifier: BSD-3-Clause
/* Material shares of cut cells and faces (shares.h).
 *
 * A cell is cut when one of its 26 neighbours has another label. Its second label is the
 * commonest other label among them (the first in scan order on a tie). The interface plane
 * is the least-squares plane through the located crossings between the two labels on the
 * segments joining the centres of the cell's 3 x 3 x 3 block (geometry.h cut arrays): its
 * normal is the eigenvector of the smallest eigenvalue of the points' scatter matrix,
 * oriented from the cell's own label to the other. With fewer than three crossings, or all
 * on a line, the plane goes through their centroid with the normal of the crossing
 * directions summed. The shares are exact volumes of the cell, and of each face's column
 * (between the two cell centres, over the face), on the far side of the plane.
 *
 * A face c | c + e_a between two cells of the same label belongs to the lower cell's plane
 * when that cell is cut, else to the upper cell's, so each face has one entry; an
 * outer-boundary face belongs to its cell. Cut cells
 * are found and their entries computed in parallel (each from its own neighbourhood, into
 * its own slots), then compacted in index order: the result does not depend on the
 * thread count. */
#include "shares.h"

#include <gsl/gsl_eigen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "parallel.h"

static inline int same_label(rfl_label a, rfl_label b) {
  return a.material == b.material && a.part == b.part && a.probe == b.probe;
}

/* ---- exact fraction of a box beyond a plane ------------------------------------------ */

/* Integral of clip(u, 0, 1) from 0 to u. */
static double clip_integral(double u) {
  if (u <= 0.0) return 0.0;
  if (u <= 1.0) return 0.5 * u * u;
  return u - 0.5;
}

/* Integral over s in [0, 1] of clip(a + b s, 0, 1). */
static double line_fraction(double a, double b) {
  if (fabs(b) < 1e-6) { /* the difference quotient would cancel; midpoint error O(b^2) */
    double u = a + 0.5 * b;
    return u <= 0.0 ? 0.0 : u >= 1.0 ? 1.0 : u;
  }
  return (clip_integral(a + b) - clip_integral(a)) / b;
}

static int compare_double(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

/* Integral over the unit square of clip(a + b s + g t, 0, 1): line_fraction in s is
 * piecewise quadratic in t, so Simpson's rule between its breakpoints is exact. */
static double square_fraction(double a, double b, double g) {
  if (fabs(g) < 1e-12) return line_fraction(a + 0.5 * g, b);
  const double knots[6] = {0.0, 1.0, -b, 1.0 - b, -0.5 * b, 1.0 - 0.5 * b};
  double t[8];
  int nt = 0;
  t[nt++] = 0.0;
  t[nt++] = 1.0;
  for (int i = 0; i < 6; ++i) {
    double x = (knots[i] - a) / g;
    if (x > 0.0 && x < 1.0) t[nt++] = x;
  }
  qsort(t, (size_t)nt, sizeof *t, compare_double);
  double sum = 0.0;
  for (int i = 0; i + 1 < nt; ++i) {
    double t0 = t[i], t1 = t[i + 1];
    if (t1 <= t0) continue;
    double fm = line_fraction(a + g * 0.5 * (t0 + t1), b);
    sum += (t1 - t0) / 6.0 * (line_fraction(a + g * t0, b) + 4.0 * fm + line_fraction(a + g * t1, b));
  }
  return sum;
}

double rfl_shares_box_fraction(const double lo[3], const double hi[3], const double n[3],
                               const double p[3]) {
  /* n . (x - p) = c0 + sum_i c_i xi_i with x_i = lo_i + (hi_i - lo_i) xi_i, xi in [0, 1]^3 */
  double c[3], c0 = 0.0;
  int a = 0;
  for (int i = 0; i < 3; ++i) {
    c[i] = n[i] * (hi[i] - lo[i]);
    c0 += n[i] * (lo[i] - p[i]);
    if (fabs(c[i]) > fabs(c[a])) a = i;
  }
  if (c[a] == 0.0) return c0 > 0.0 ? 1.0 : 0.0;
  /* along axis a the part beyond the plane is a clipped linear function of the other two */
  const int b = (a + 1) % 3, d = (a + 2) % 3;
  const double s = fabs(c[a]);
  const double alpha = c0 / s + (c[a] > 0.0 ? 1.0 : 0.0);
  return square_fraction(alpha, c[b] / s, c[d] / s);
}

/* ---- the plane of a cut cell --------------------------------------------------------- */

typedef struct {
  rfl_label other;
  double n[3], p[3]; /* unit normal (own -> other) and a point of the plane */
} plane;

/* The commonest other label among the 26 neighbours; 0 when there is none. */
static int other_label(const rfl_geometry *geo, int i, int j, int k, rfl_label *out) {
  const rfl_grid *g = geo->grid;
  const rfl_label own = geo->label[rfl_grid_index(g, i, j, k)];
  rfl_label seen[26];
  int count[26], ns = 0;
  for (int dk = -1; dk <= 1; ++dk)
    for (int dj = -1; dj <= 1; ++dj)
      for (int di = -1; di <= 1; ++di) {
        int ii = i + di, jj = j + dj, kk = k + dk;
        if (ii < 0 || jj < 0 || kk < 0 || ii >= g->n[0] || jj >= g->n[1] || kk >= g->n[2]) continue;
        rfl_label l = geo->label[rfl_grid_index(g, ii, jj, kk)];
        if (same_label(l, own)) continue;
        int s = 0;
        while (s < ns && !same_label(seen[s], l)) ++s;
        if (s == ns) seen[ns] = l, count[ns++] = 0;
        count[s]++;
      }
  int best = -1;
  for (int s = 0; s < ns; ++s)
    if (best < 0 || count[s] > count[best]) best = s;
  if (best < 0) return 0;
  *out = seen[best];
  return 1;
}

/* Least-squares plane through the crossings own <-> other in the block of (i, j, k). */
static int fit_plane(const rfl_geometry *geo, int i, int j, int k, plane *pl) {
  const rfl_grid *g = geo->grid;
  const size_t c = rfl_grid_index(g, i, j, k);
  const rfl_label own = geo->label[c];
  if (!other_label(geo, i, j, k, &pl->other)) return 0;
  double pts[54][3], dir[3] = {0.0, 0.0, 0.0}, mean[3] = {0.0, 0.0, 0.0};
  int np = 0;
  for (int dk = -1; dk <= 1; ++dk)
    for (int dj = -1; dj <= 1; ++dj)
      for (int di = -1; di <= 1; ++di) {
        const int q[3] = {i + di, j + dj, k + dk};
        if (q[0] < 0 || q[1] < 0 || q[2] < 0 || q[0] >= g->n[0] || q[1] >= g->n[1] || q[2] >= g->n[2])
          continue;
        const size_t m = rfl_grid_index(g, q[0], q[1], q[2]);
        const int dq[3] = {di, dj, dk};
        for (int a = 0; a < 3; ++a) {
          if (dq[a] == 1 || q[a] + 1 >= g->n[a]) continue; /* the segment q -> q + e_a in the block */
          const size_t stride = a == 0 ? 1 : a == 1 ? (size_t)g->n[0] : (size_t)g->n[0] * g->n[1];
          rfl_label l0 = geo->label[m], l1 = geo->label[m + stride];
          int forward = same_label(l0, own) && same_label(l1, pl->other);
          if (!forward && !(same_label(l0, pl->other) && same_label(l1, own))) continue;
          double x[3] = {g->xc[0][q[0]], g->xc[1][q[1]], g->xc[2][q[2]]};
          x[a] += geo->cut[a][m] * (g->xc[a][q[a] + 1] - g->xc[a][q[a]]);
          for (int b = 0; b < 3; ++b) pts[np][b] = x[b], mean[b] += x[b];
          dir[a] += forward ? 1.0 : -1.0;
          ++np;
        }
      }
  if (np == 0) return 0;
  for (int b = 0; b < 3; ++b) mean[b] /= np, pl->p[b] = mean[b];
  double dn = sqrt(dir[0] * dir[0] + dir[1] * dir[1] + dir[2] * dir[2]);
  double scatter[9] = {0.0};
  for (int s = 0; s < np; ++s)
    for (int r = 0; r < 3; ++r)
      for (int t = 0; t < 3; ++t) scatter[3 * r + t] += (pts[s][r] - mean[r]) * (pts[s][t] - mean[t]);
  double eval[3], evec[9];
  int planar = 0;
  if (np >= 3) {
    gsl_matrix_view A = gsl_matrix_view_array(scatter, 3, 3);
    gsl_vector_view ev = gsl_vector_view_array(eval, 3);
    gsl_matrix_view V = gsl_matrix_view_array(evec, 3, 3);
    gsl_eigen_symmv_workspace *w = gsl_eigen_symmv_alloc(3);
    if (w && gsl_eigen_symmv(&A.matrix, &ev.vector, &V.matrix, w) == 0) {
      gsl_eigen_symmv_sort(&ev.vector, &V.matrix, GSL_EIGEN_SORT_VAL_ASC);
      planar = eval[1] > 1e-6 * eval[2]; /* the crossings span a plane, not a line */
    }
    gsl_eigen_symmv_free(w);
  }
  if (planar) {
    double dot = 0.0;
    for (int b = 0; b < 3; ++b) pl->n[b] = evec[3 * b], dot += pl->n[b] * dir[b];
    if (dot < 0.0 || (dot == 0.0 && pl->n[0] * (g->xc[0][i] - mean[0]) + pl->n[1] * (g->xc[1][j] - mean[1]) +
                                            pl->n[2] * (g->xc[2][k] - mean[2]) > 0.0))
      for (int b = 0; b < 3; ++b) pl->n[b] = -pl->n[b];
  } else {
    if (dn == 0.0) return 0;
    for (int b = 0; b < 3; ++b) pl->n[b] = dir[b] / dn;
  }
  return 1;
}

/* ---- building the tables ------------------------------------------------------------- */

static int is_cut(const rfl_geometry *geo, int i, int j, int k) {
  rfl_label dummy;
  return other_label(geo, i, j, k, &dummy);
}

/* The entries of cut cell (i, j, k): its volume share and up to six face shares. */
static void cell_entries(const rfl_geometry *geo, const uint8_t *cut, int i, int j, int k,
                         rfl_cell_share *cs, rfl_face_share fs[6], int *nfs) {
  const rfl_grid *g = geo->grid;
  const size_t c = rfl_grid_index(g, i, j, k);
  const int ijk[3] = {i, j, k};
  const size_t stride[3] = {1, (size_t)g->n[0], (size_t)g->n[0] * g->n[1]};
  plane pl;
  *nfs = 0;
  cs->cell = c;
  cs->share = 0.0f;
  memset(&cs->other, 0, sizeof cs->other);
  if (!fit_plane(geo, i, j, k, &pl)) return;
  cs->other = pl.other;
  double lo[3], hi[3];
  for (int a = 0; a < 3; ++a) lo[a] = g->xf[a][ijk[a]], hi[a] = g->xf[a][ijk[a] + 1];
  cs->share = (float)rfl_shares_box_fraction(lo, hi, pl.n, pl.p);
  for (int a = 0; a < 3; ++a)
    for (int s = -1; s <= 1; s += 2) {
      const int q = ijk[a] + s, boundary = q < 0 || q >= g->n[a];
      double clo[3], chi[3];
      memcpy(clo, lo, sizeof lo);
      memcpy(chi, hi, sizeof hi);
      size_t owner = c;
      if (boundary) { /* the column from the centre to the boundary face */
        (s > 0 ? clo : chi)[a] = g->xc[a][ijk[a]];
      } else {
        const size_t n = s > 0 ? c + stride[a] : c - stride[a];
        if (!same_label(geo->label[n], geo->label[c])) continue;
        if (s < 0 && cut[n]) continue; /* the lower cell's plane gives this face */
        clo[a] = g->xc[a][s > 0 ? ijk[a] : q];
        chi[a] = g->xc[a][s > 0 ? q : ijk[a]];
        owner = s > 0 ? c : n;
      }
      double f = rfl_shares_box_fraction(clo, chi, pl.n, pl.p);
      if (!(f > 0.0)) continue;
      rfl_face_share *e = &fs[(*nfs)++];
      e->cell = owner;
      e->axis = (uint8_t)a;
      e->lower = (uint8_t)(boundary && s < 0);
      e->other = pl.other;
      e->share = (float)f;
      e->normal2 = (float)(pl.n[a] * pl.n[a]);
    }
}

/* p shrunk to size bytes (freed, NULL, for 0; kept as it is if realloc fails). */
static void *shrink(void *p, size_t size) {
  if (size == 0) {
    free(p);
    return NULL;
  }
  void *q = realloc(p, size);
  return q ? q : p;
}

rfl_status rfl_shares_build(rfl_geometry *geo) {
  const rfl_grid *g = geo->grid;
  const size_t n = g->ncells;
  const int nx = g->n[0], ny = g->n[1], nz = g->n[2];
  uint8_t *cut = malloc(n);
  geo->share_bits = calloc(n / 8 + 1, 1);
  if (!cut || !geo->share_bits) {
    free(cut);
    return RFL_ERROR(RFL_ENOMEM, "geometry: out of memory for the interface shares (%zu cells)", n);
  }
  RFL_OMP_FOR_COLLAPSE2
  for (int k = 0; k < nz; ++k)
    for (int j = 0; j < ny; ++j)
      for (int i = 0; i < nx; ++i) cut[rfl_grid_index(g, i, j, k)] = (uint8_t)is_cut(geo, i, j, k);
  size_t ncut = 0;
  for (size_t c = 0; c < n; ++c) ncut += cut[c];
  size_t *cells = malloc((ncut ? ncut : 1) * sizeof *cells);
  rfl_cell_share *cs = malloc((ncut ? ncut : 1) * sizeof *cs);
  rfl_face_share *fs = malloc((ncut ? 6 * ncut : 1) * sizeof *fs);
  int *nfs = malloc((ncut ? ncut : 1) * sizeof *nfs);
  if (!cells || !cs || !fs || !nfs) {
    free(cut), free(cells), free(cs), free(fs), free(nfs);
    return RFL_ERROR(RFL_ENOMEM, "geometry: out of memory for the shares of %zu cut cells", ncut);
  }
  for (size_t c = 0, m = 0; c < n; ++c)
    if (cut[c]) cells[m++] = c;
  RFL_OMP_FOR
  for (size_t m = 0; m < ncut; ++m) {
    const size_t c = cells[m];
    const int i = (int)(c % (size_t)nx), j = (int)((c / (size_t)nx) % (size_t)ny);
    const int k = (int)(c / ((size_t)nx * (size_t)ny));
    cell_entries(geo, cut, i, j, k, &cs[m], &fs[6 * m], &nfs[m]);
  }
  /* compact in index order: cells with a share, then the faces */
  size_t nc = 0, nf = 0;
  for (size_t m = 0; m < ncut; ++m) {
    if (cs[m].share > 0.0f) {
      cs[nc++] = cs[m];
      geo->share_bits[cs[m].cell >> 3] |= (uint8_t)(1u << (cs[m].cell & 7));
    }
    for (int e = 0; e < nfs[m]; ++e) fs[nf++] = fs[6 * m + e];
  }
  free(cut), free(cells), free(nfs);
  geo->cell_shares = shrink(cs, nc * sizeof *cs);
  geo->ncell_shares = nc;
  geo->face_shares = shrink(fs, nf * sizeof *fs);
  geo->nface_shares = nf;
  return RFL_OK;
}

const rfl_cell_share *rfl_shares_cell(const rfl_geometry *geo, size_t c) {
  if (!geo->share_bits || !(geo->share_bits[c >> 3] & (1u << (c & 7)))) return NULL;
  size_t lo = 0, hi = geo->ncell_shares;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (geo->cell_shares[mid].cell < c)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < geo->ncell_shares && geo->cell_shares[lo].cell == c ? &geo->cell_shares[lo] : NULL;
}
