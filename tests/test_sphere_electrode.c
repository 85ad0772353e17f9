// SPDX-License-Identifier: BSD-3-Clause
/* A spherical electrode (V = 1, radius a) at the centre of a cube [-L, L]^3 with V = 0 on
 * the cube's faces, conductivity sigma: the computed resistance R = 1 / I against the
 * analytic value with the box correction,
 *
 *   R = (1 / (4 pi sigma)) (1 / a - M / (2 L)),   M = 1.747564594633 (NaCl Madelung constant)
 *
 * The grounded cube acts through the infinite lattice of image charges at 2 L n with signs
 * (-1)^(n1 + n2 + n3), whose potential at the centre is -M / (2 L) per unit charge / (4 pi
 * sigma); the induced field near the centre is harmonic with cubic symmetry, so its
 * variation over the sphere, and the error of this formula, is O((a / L)^5) (here 1e-3 of
 * the correction term).
 *
 * Sharp Dirichlet treatment (what the lead plans for the electrode): cells whose centre is
 * inside the sphere are fixed at V = 1; a tissue cell next to one couples to V = 1 through
 * sigma A / (theta h), theta h the exact distance from its centre to the sphere along that
 * axis. I = sum of those couplings times (1 - V_c). Grids 32^3, 64^3, 128^3 (a = 4, 8, 16
 * cells); the observed order and Richardson extrapolation of R are compared with the
 * analytic value. */
#include <gsl/gsl_errno.h>

#include "mg.h"
#include "mg_problems.h"
#include "test_support.h"

#define MADELUNG_NACL 1.747564594633182

static const double sigma = 0.45, L = 1.0, a_r = 0.25;

/* Distance from p along +/- axis ax to the sphere |x| = a (p outside, the neighbour inside). */
static double dist_to_sphere(const double p[3], int ax, int dir) {
  double q = 0.0;
  for (int b = 0; b < 3; ++b)
    if (b != ax) q += p[b] * p[b];
  const double s = sqrt(a_r * a_r - q); /* surface at coordinate +/- s on this line */
  return dir > 0 ? (-s) - p[ax] : p[ax] - s;
}

static double resistance(int n, int *iters) {
  mgp_problem p;
  const int nn[3] = {n, n, n};
  const double len[3] = {2.0 * L, 2.0 * L, 2.0 * L};
  assert_true(mgp_problem_init(&p, nn, len, 0.0));
  for (int a = 0; a < 3; ++a) { /* shift to [-L, L] */
    for (int i = 0; i <= n; ++i) p.g->xf[a][i] -= L;
    for (int i = 0; i < n; ++i) p.g->xc[a][i] -= L;
  }
  const rfl_grid *g = p.g;
  for (int k = 0; k < n; ++k)
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < n; ++i) {
        const size_t c = rfl_grid_index(g, i, j, k);
        const double r2 = g->xc[0][i] * g->xc[0][i] + g->xc[1][j] * g->xc[1][j] +
                          g->xc[2][k] * g->xc[2][k];
        p.fixed[c] = r2 < a_r * a_r;
        p.xfix[c] = p.fixed[c] ? 1.0 : 0.0;
        p.k[c] = sigma;
      }
  mgp_assemble(g, p.k, p.fixed, p.xfix, NULL, NULL, p.A, p.b);
  /* replace the centre-to-centre couplings to the electrode by sharp ones */
  const double h = g->dx[0][0], area = h * h;
  const size_t st[3] = {1, (size_t)n, (size_t)n * (size_t)n};
  double *gs = calloc(g->ncells, sizeof(double));
  assert_non_null(gs);
  for (int k = 0; k < n; ++k)
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < n; ++i) {
        const size_t c = rfl_grid_index(g, i, j, k);
        if (p.fixed[c]) continue;
        const int ijk[3] = {i, j, k};
        const double pc[3] = {g->xc[0][i], g->xc[1][j], g->xc[2][k]};
        for (int ax = 0; ax < 3; ++ax)
          for (int dir = -1; dir <= 1; dir += 2) {
            const int m = ijk[ax] + dir;
            if (m < 0 || m >= n) continue;
            const size_t nb = dir > 0 ? c + st[ax] : c - st[ax];
            if (!p.fixed[nb]) continue;
            const double gold = sigma * area / h;
            const double gnew = sigma * area / dist_to_sphere(pc, ax, dir);
            p.A->diag[c] += gnew - gold;
            p.A->dirichlet[c] += gnew - gold;
            p.b[c] += gnew - gold;
            gs[c] += gnew;
          }
      }
  rfl_mg *mg = NULL;
  rfl_mg_info info;
  assert_int_equal(rfl_mg_create(p.g, &mg), RFL_OK);
  assert_int_equal(rfl_mg_setup(mg, p.A), RFL_OK);
  assert_int_equal(rfl_mg_solve(mg, p.b, p.x, 1e-11, 0.0, 100, &info), RFL_OK);
  assert_int_equal(info.converged, 1);
  *iters = info.iterations;
  double I = 0.0;
  for (size_t c = 0; c < g->ncells; ++c) I += gs[c] * (1.0 - p.x[c]);
  free(gs);
  rfl_mg_free(mg);
  mgp_problem_free(&p);
  return 1.0 / I;
}

static void resistance_matches_the_image_series(void **state) {
  (void)state;
  const double R_exact = (1.0 / a_r - MADELUNG_NACL / (2.0 * L)) / (4.0 * MGP_PI * sigma);
  const int ns[3] = {32, 64, 128};
  double R[3];
  printf("sphere a = %.2f in cube [-%.0f, %.0f]^3, sigma %.2f: R exact %.6f ohm (R infinite "
         "medium %.6f)\n", a_r, L, L, sigma, R_exact, 1.0 / (4.0 * MGP_PI * sigma * a_r));
  for (int r = 0; r < 3; ++r) {
    int it;
    R[r] = resistance(ns[r], &it);
    printf("  n = %3d (a = %2.0f cells): R %.6f, error %+.3f %%, %d PCG iterations\n", ns[r],
           a_r * ns[r] / (2.0 * L), R[r], 100.0 * (R[r] / R_exact - 1.0), it);
  }
  const double p = log2((R[0] - R[1]) / (R[1] - R[2]));
  const double R_rich = R[2] + (R[2] - R[1]) / (pow(2.0, p) - 1.0);
  printf("  observed order %.2f, Richardson R %.6f, error %+.3f %%\n", p, R_rich,
         100.0 * (R_rich / R_exact - 1.0));
  assert_in_range((long)(100 * p), 180, 230);
  assert_rel_close(R[2], R_exact, 1e-3);     /* measured +0.031 % */
  assert_rel_close(R_rich, R_exact, 3e-4);   /* measured +0.005 % */
}

int main(void) {
  gsl_set_error_handler_off();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(resistance_matches_the_image_series),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
