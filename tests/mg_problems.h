// SPDX-License-Identifier: BSD-3-Clause
/* Test problems for the multigrid tests: hand-built grids (face coordinates per axis) and a
 * finite-volume assembly of -div(k grad u) = f in the conductance form of sysmat.h.
 *
 * Assembly: the face between cells L and R along axis a has conductance
 * A_f / (dx_L / (2 k_L) + dx_R / (2 k_R)) (harmonic mean of the two half-cells). A face
 * between an unknown and a fixed cell is folded into the unknown's diag, its value times
 * the conductance into b. An outer-boundary face is a Dirichlet face at half-cell distance,
 * k A_f / (dx / 2), with the value bc(face centre). Faces to excluded cells
 * (RFL_FIXED_EXCLUDED: an insulator) carry no flux. Everything is static inline so each test
 * file uses what it needs. */
#ifndef RFL_MG_PROBLEMS_H
#define RFL_MG_PROBLEMS_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "grid.h"
#include "sysmat.h"

#define MGP_PI 3.14159265358979323846

/* A grid owned by the test, from face coordinates (copied); NULL on allocation failure. */
static inline rfl_grid *mgp_grid(const int n[3], const double *const faces[3]) {
  rfl_grid *g = calloc(1, sizeof *g);
  if (!g) return NULL;
  g->ncells = 1;
  for (int a = 0; a < 3; ++a) {
    g->n[a] = n[a];
    g->ncells *= (size_t)n[a];
    g->xf[a] = malloc((size_t)(n[a] + 1) * sizeof(double));
    g->xc[a] = malloc((size_t)n[a] * sizeof(double));
    g->dx[a] = malloc((size_t)n[a] * sizeof(double));
    if (!g->xf[a] || !g->xc[a] || !g->dx[a]) return NULL;
    memcpy(g->xf[a], faces[a], (size_t)(n[a] + 1) * sizeof(double));
    for (int i = 0; i < n[a]; ++i) {
      g->dx[a][i] = g->xf[a][i + 1] - g->xf[a][i];
      g->xc[a][i] = 0.5 * (g->xf[a][i] + g->xf[a][i + 1]);
    }
  }
  return g;
}

static inline void mgp_grid_free(rfl_grid *g) {
  if (!g) return;
  for (int a = 0; a < 3; ++a) {
    free(g->xf[a]);
    free(g->xc[a]);
    free(g->dx[a]);
  }
  free(g);
}

/* Map of [0, 1] onto itself: identity (alpha = 0) or smoothly stretched; phi'(t) =
 * 1 + alpha cos(2 pi t), so the widest / narrowest cell ratio is (1 + alpha) / (1 - alpha). */
static inline double mgp_stretch(double t, double alpha) {
  return t + alpha * sin(2.0 * MGP_PI * t) / (2.0 * MGP_PI);
}

/* Faces of [lo, hi] with n cells, uniform (alpha = 0) or stretched by mgp_stretch; with
 * split in (lo, hi), the two sides [lo, split], [split, hi] are mapped separately with
 * n * (split - lo) / (hi - lo) cells on the first (must be an integer): split is a face. */
static inline void mgp_faces(double *xf, int n, double lo, double hi, double alpha,
                             double split) {
  if (split > lo && split < hi) {
    int n1 = (int)lround(n * (split - lo) / (hi - lo));
    for (int i = 0; i <= n1; ++i) xf[i] = lo + (split - lo) * mgp_stretch((double)i / n1, alpha);
    for (int i = 0; i <= n - n1; ++i)
      xf[n1 + i] = split + (hi - split) * mgp_stretch((double)i / (n - n1), alpha);
  } else {
    for (int i = 0; i <= n; ++i) xf[i] = lo + (hi - lo) * mgp_stretch((double)i / n, alpha);
  }
}

typedef double (*mgp_fn)(double x, double y, double z, const void *ctx);

/* Assembles A and b (b is overwritten) for conductivity k per cell, the fixed mask and the
 * fixed values xfix (per cell), and Dirichlet data bc on the outer boundary (NULL: 0), except
 * on the lower faces of the axes a with mirror[a] != 0 (mirror NULL: none), which are
 * symmetry planes (no flux). */
static inline void mgp_assemble_mirror(const rfl_grid *g, const double *k, const uint8_t *fixed,
                                       const double *xfix, mgp_fn bc, const void *ctx,
                                       const int *mirror, rfl_sysmat *A, double *b) {
  const size_t stride[3] = {1, (size_t)g->n[0], (size_t)g->n[0] * (size_t)g->n[1]};
  for (int a = 0; a < 3; ++a) memset(A->g[a], 0, g->ncells * sizeof *A->g[a]);
  memset(A->diag, 0, g->ncells * sizeof(double));
  memset(A->dirichlet, 0, g->ncells * sizeof(double));
  memcpy(A->fixed, fixed, g->ncells);
  memset(b, 0, g->ncells * sizeof(double));
  for (int kk = 0; kk < g->n[2]; ++kk)
    for (int j = 0; j < g->n[1]; ++j)
      for (int i = 0; i < g->n[0]; ++i) {
        const int ijk[3] = {i, j, kk};
        const size_t c = rfl_grid_index(g, i, j, kk);
        for (int a = 0; a < 3; ++a) {
          const int b1 = (a + 1) % 3, b2 = (a + 2) % 3;
          const double area = g->dx[b1][ijk[b1]] * g->dx[b2][ijk[b2]];
          const double hc = g->dx[a][ijk[a]];
          for (int side = 0; side < 2; ++side) {
            const int on_boundary = side == 0 ? ijk[a] == 0 : ijk[a] == g->n[a] - 1;
            if (on_boundary) {
              if (fixed[c] || (side == 0 && mirror && mirror[a])) continue;
              const double gb = k[c] * area / (0.5 * hc);
              double p[3] = {g->xc[0][i], g->xc[1][j], g->xc[2][kk]};
              p[a] = side == 0 ? g->xf[a][0] : g->xf[a][g->n[a]];
              A->diag[c] += gb;
              A->dirichlet[c] += gb;
              if (bc) b[c] += gb * bc(p[0], p[1], p[2], ctx);
              continue;
            }
            if (side == 0) continue; /* each interior face once, from its lower cell */
            const size_t nb = c + stride[a];
            const double hn = g->dx[a][ijk[a] + 1];
            const double gf = area / (0.5 * hc / k[c] + 0.5 * hn / k[nb]);
            if (!fixed[c] && !fixed[nb]) {
              A->g[a][c] = gf;
            } else if (!fixed[c] && fixed[nb] == RFL_FIXED_DIRICHLET) {
              A->diag[c] += gf;
              A->dirichlet[c] += gf;
              b[c] += gf * xfix[nb];
            } else if (!fixed[nb] && fixed[c] == RFL_FIXED_DIRICHLET) {
              A->diag[nb] += gf;
              A->dirichlet[nb] += gf;
              b[nb] += gf * xfix[c];
            }
          }
        }
      }
}

static inline void mgp_assemble(const rfl_grid *g, const double *k, const uint8_t *fixed,
                                const double *xfix, mgp_fn bc, const void *ctx, rfl_sysmat *A,
                                double *b) {
  mgp_assemble_mirror(g, k, fixed, xfix, bc, ctx, NULL, A, b);
}

/* Deterministic pseudo-random numbers in [0, 1) (xorshift64*), so tests do not depend on
 * the C library's rand(). */
static inline double mgp_rand(uint64_t *s) {
  *s ^= *s >> 12;
  *s ^= *s << 25;
  *s ^= *s >> 27;
  return (double)((*s * 2685821657736338717ULL) >> 11) * (1.0 / 9007199254740992.0);
}

/* A potential-like problem on the grid: conductivity 0.45 with a slab of 0.02 ("bone") for
 * x above 70 % of the domain, a fixed sphere (V = 1) of radius `radius` at centre `ctr`,
 * V = 0 on the outer boundary. Fills k (scratch), fixed, xfix, A and b. */
static inline void mgp_potential(const rfl_grid *g, const double ctr[3], double radius,
                                 double *k, uint8_t *fixed, double *xfix, rfl_sysmat *A,
                                 double *b) {
  const double xslab = g->xf[0][0] + 0.7 * (g->xf[0][g->n[0]] - g->xf[0][0]);
  for (int kk = 0; kk < g->n[2]; ++kk)
    for (int j = 0; j < g->n[1]; ++j)
      for (int i = 0; i < g->n[0]; ++i) {
        const size_t c = rfl_grid_index(g, i, j, kk);
        const double dx = g->xc[0][i] - ctr[0], dy = g->xc[1][j] - ctr[1],
                     dz = g->xc[2][kk] - ctr[2];
        fixed[c] = (uint8_t)(dx * dx + dy * dy + dz * dz <= radius * radius);
        xfix[c] = fixed[c] ? 1.0 : 0.0;
        k[c] = g->xc[0][i] > xslab ? 0.02 : 0.45;
      }
  mgp_assemble(g, k, fixed, xfix, NULL, NULL, A, b);
}

/* A grid, its matrix, right-hand side, solution and scratch, owned together. */
typedef struct {
  rfl_grid *g;
  rfl_sysmat *A;
  double *b, *x, *k, *xfix;
  uint8_t *fixed;
} mgp_problem;

static inline void mgp_problem_free(mgp_problem *p) {
  rfl_sysmat_free(p->A);
  free(p->b);
  free(p->x);
  free(p->k);
  free(p->xfix);
  free(p->fixed);
  mgp_grid_free(p->g);
  memset(p, 0, sizeof *p);
}

/* n cells per axis on [0, len[a]], stretched by alpha per axis (0: uniform). Returns 0 on
 * allocation failure. */
static inline int mgp_problem_init(mgp_problem *p, const int n[3], const double len[3],
                                   double alpha) {
  memset(p, 0, sizeof *p);
  double *f[3] = {NULL, NULL, NULL};
  int ok = 1;
  for (int a = 0; a < 3; ++a) {
    f[a] = malloc((size_t)(n[a] + 1) * sizeof(double));
    if (!f[a]) ok = 0;
    else mgp_faces(f[a], n[a], 0.0, len[a], alpha, -1.0);
  }
  if (ok) p->g = mgp_grid(n, (const double *const *)f);
  for (int a = 0; a < 3; ++a) free(f[a]);
  if (!p->g || rfl_sysmat_create(p->g, &p->A) != RFL_OK) return 0;
  const size_t nc = p->g->ncells;
  p->b = calloc(nc, sizeof(double));
  p->x = calloc(nc, sizeof(double));
  p->k = calloc(nc, sizeof(double));
  p->xfix = calloc(nc, sizeof(double));
  p->fixed = calloc(nc, 1);
  return p->b && p->x && p->k && p->xfix && p->fixed;
}

/* An RC-1-like needle electrode on a graded grid (the project's grid generator): the box
 * [-20, 20]^3 mm with cells of width h in the fine box [-3.2, 3.2]^2 x [-8, 6.4] mm, growing
 * by at most `growth` per cell outside it. The electrode is a rod of radius 0.6 mm along z
 * with a hemispherical tip at z = -5 mm: the active part up to z = 1 mm, the insulated
 * shaft from there to the +z boundary. quarter: only x >= 0, y >= 0 is gridded (from 0, the
 * rod axis), x = 0 and y = 0 being symmetry planes, as the RC-1 case does it. Returns 0 on
 * allocation failure or a bad grid. */
#define MGP_ROD_RADIUS 0.6e-3
#define MGP_ROD_TIP (-5e-3)
#define MGP_ROD_TOP 1e-3

static inline int mgp_rod_init(mgp_problem *p, double h, double growth, int quarter) {
  memset(p, 0, sizeof *p);
  rfl_grid_spec spec;
  memset(&spec, 0, sizeof spec);
  const double lo = quarter ? 0.0 : -20e-3, flo = quarter ? 0.0 : -3.2e-3;
  spec.domain_min = (rfl_vec3){lo, lo, -20e-3};
  spec.domain_max = (rfl_vec3){20e-3, 20e-3, 20e-3};
  spec.spacing = h;
  spec.fine_min = (rfl_vec3){flo, flo, -8e-3};
  spec.fine_max = (rfl_vec3){3.2e-3, 3.2e-3, 6.4e-3};
  spec.growth = growth;
  if (rfl_grid_create(&spec, &p->g) != RFL_OK || rfl_sysmat_create(p->g, &p->A) != RFL_OK)
    return 0;
  const size_t nc = p->g->ncells;
  p->b = calloc(nc, sizeof(double));
  p->x = calloc(nc, sizeof(double));
  p->k = calloc(nc, sizeof(double));
  p->xfix = calloc(nc, sizeof(double));
  p->fixed = calloc(nc, 1);
  return p->b && p->x && p->k && p->xfix && p->fixed;
}

/* Where the cell centre (x, y, z) lies: 0 tissue, 1 active electrode, 2 insulated shaft. */
/* The symmetry planes of a quarter grid (lower x and y faces at the rod axis). */
static inline void mgp_rod_mirror(const rfl_grid *g, int mirror[3]) {
  mirror[0] = g->xf[0][0] == 0.0;
  mirror[1] = g->xf[1][0] == 0.0;
  mirror[2] = 0;
}

static inline int mgp_rod_part(double x, double y, double z) {
  const double r2 = x * x + y * y, R = MGP_ROD_RADIUS, zc = MGP_ROD_TIP + R;
  if (z > MGP_ROD_TOP) return r2 <= R * R ? 2 : 0;
  if (z >= zc) return r2 <= R * R;
  return r2 + (z - zc) * (z - zc) <= R * R;
}

/* The potential: sigma 0.45 S/m, the active electrode fixed at V = 1 (Dirichlet), the shaft
 * excluded (insulating), V = 0 on the outer boundary. */
static inline void mgp_rod_potential(mgp_problem *p) {
  const rfl_grid *g = p->g;
  for (int kk = 0; kk < g->n[2]; ++kk)
    for (int j = 0; j < g->n[1]; ++j)
      for (int i = 0; i < g->n[0]; ++i) {
        const size_t c = rfl_grid_index(g, i, j, kk);
        const int part = mgp_rod_part(g->xc[0][i], g->xc[1][j], g->xc[2][kk]);
        p->fixed[c] = (uint8_t)(part == 1 ? RFL_FIXED_DIRICHLET
                                          : part == 2 ? RFL_FIXED_EXCLUDED : RFL_UNKNOWN);
        p->xfix[c] = part == 1 ? 1.0 : 0.0;
        p->k[c] = 0.45;
      }
  int mirror[3];
  mgp_rod_mirror(g, mirror);
  mgp_assemble_mirror(g, p->k, p->fixed, p->xfix, NULL, NULL, mirror, p->A, p->b);
  memset(p->x, 0, g->ncells * sizeof(double));
}

/* One implicit heat step of length dt (s): k 0.49 W/(m K) in tissue and 15 in the steel rod
 * (all cells unknown), rho c 3.73e6 J/(m^3 K) (tissue; the steel's 4e6 is close enough), the
 * outer boundary at 0. The right-hand side is a Joule-like source 1e9 W/m^3 in the tissue
 * cells within 1 mm of the rod axis, from z = -6 to 1 mm. */
static inline void mgp_rod_heat(mgp_problem *p, double dt) {
  const rfl_grid *g = p->g;
  for (int kk = 0; kk < g->n[2]; ++kk)
    for (int j = 0; j < g->n[1]; ++j)
      for (int i = 0; i < g->n[0]; ++i) {
        const size_t c = rfl_grid_index(g, i, j, kk);
        const int part = mgp_rod_part(g->xc[0][i], g->xc[1][j], g->xc[2][kk]);
        p->fixed[c] = RFL_UNKNOWN;
        p->xfix[c] = 0.0;
        p->k[c] = part ? 15.0 : 0.49;
      }
  int mirror[3];
  mgp_rod_mirror(g, mirror);
  mgp_assemble_mirror(g, p->k, p->fixed, p->xfix, NULL, NULL, mirror, p->A, p->b);
  for (int kk = 0; kk < g->n[2]; ++kk)
    for (int j = 0; j < g->n[1]; ++j)
      for (int i = 0; i < g->n[0]; ++i) {
        const size_t c = rfl_grid_index(g, i, j, kk);
        const double x = g->xc[0][i], y = g->xc[1][j], z = g->xc[2][kk];
        const double vol = rfl_grid_volume(g, i, j, kk);
        p->A->diag[c] += 3.73e6 * vol / dt;
        const int near = x * x + y * y <= 1e-6 && z >= -6e-3 && z <= 1e-3;
        p->b[c] = near && !mgp_rod_part(x, y, z) ? 1e9 * vol : 0.0;
      }
  memset(p->x, 0, g->ncells * sizeof(double));
}

#endif
