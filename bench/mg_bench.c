// SPDX-License-Identifier: BSD-3-Clause
/* Multigrid benchmark: kernel throughput and convergence of the MG-preconditioned CG on
 * two potential problems:
 *
 *   mg_bench [n [alpha [pre post [weight [transfer [max_coarse [merge_ratio]]]]]]]
 *     a cube: conductivity 0.45 S/m with a 0.02 S/m slab, a fixed sphere V = 1 of radius
 *     1/10 of the box, V = 0 outside, n^3 cells on a 40 mm cube, uniform or stretched
 *     n        cells per axis (default 128)
 *     alpha    stretching, widest/narrowest cell = (1 + alpha) / (1 - alpha) (default 0)
 *     pre post red-black GS sweeps (default 2 2)
 *     weight   "geometric" or "half" (coarse conductance weight, default geometric)
 *     transfer "linear" or "constant" (default linear)
 *     max_coarse, merge_ratio  see rfl_mg_options (defaults 1000, 2)
 *
 *   mg_bench rod|rod-heat|rod-quarter|rod-heat-quarter [h_mm [growth [merge_ratio [pre post]]]]
 *     the RC-1-like needle of tests/mg_problems.h (mgp_rod_init): an active rod V = 1 with an
 *     insulated shaft to the boundary (rod), or an implicit heat step of 0.5 s with a
 *     Joule-like source (rod-heat); fine cells h (default 0.2 mm) in a box around it, graded
 *     by `growth` (default 1.12) out to the 40 mm box; -quarter: only x, y >= 0 with
 *     symmetry planes at x = 0 and y = 0
 *
 * Reports, per kernel, the time, cell updates per second and the effective bandwidth from
 * the bytes per cell this program assumes (8-byte doubles, 1-byte mask, every array streamed
 * once per pass, no write-allocate traffic counted):
 *   apply         x, diag, g[3], fixed read; y written                       49 B
 *   RB-GS sweep   two half-sweeps, each streams x, b, diag, g[3], fixed and
 *                 writes half of x                                          2 x 61 B
 *   transfer      residual (57 B) + restriction (read r 8 B) + prolongation
 *                 (x read+write 16 B, fixed 1 B)                             82 B
 * then the stationary V-cycle factor (geometric mean of the residual reductions over cycles
 * 2..10) and PCG iterations and time to reduce the residual by 1e-8. The V-cycle time is the
 * median over 5 runs of 10 cycles, the PCG time the median of 5 solves from x = 0. Set
 * OMP_NUM_THREADS to compare thread counts. Untimed: problem assembly and setup (setup is
 * timed separately). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../tests/mg_problems.h"
#include "mg.h"
#include "parallel.h"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void report(const char *name, double seconds, int reps, size_t cells, double bytes) {
  const double t = seconds / reps;
  printf("%-12s %9.3f ms  %8.1f Mcell/s  %6.2f GB/s  (%.0f B/cell)\n", name, 1e3 * t,
         1e-6 * (double)cells / t, 1e-9 * bytes * (double)cells / t, bytes);
}

static int cmp_double(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median5(double t[5]) {
  qsort(t, 5, sizeof(double), cmp_double);
  return t[2];
}

/* The needle problem from the command line (argv[1] is "rod" or "rod-heat"); 0 or an exit
 * code. */
static int rod_problem(int argc, char **argv, rfl_mg_options *opt, mgp_problem *p,
                       char *title, size_t len) {
  const int heat = strncmp(argv[1], "rod-heat", 8) == 0;
  const int quarter = strstr(argv[1], "quarter") != NULL;
  const double h = argc > 2 ? atof(argv[2]) : 0.2, growth = argc > 3 ? atof(argv[3]) : 1.12;
  if (argc > 4) opt->merge_ratio = atof(argv[4]);
  if (argc > 6) {
    opt->pre_sweeps = atoi(argv[5]);
    opt->post_sweeps = atoi(argv[6]);
  }
  if (!(h >= 0.05 && h <= 1.6) || !(growth >= 1.0 && growth <= 2.0)) {
    fprintf(stderr, "mg_bench: expected 0.05 <= h_mm <= 1.6 and 1 <= growth <= 2, found h %g "
            "growth %g\n", h, growth);
    return 2;
  }
  if (!mgp_rod_init(p, 1e-3 * h, growth, quarter)) {
    fprintf(stderr, "mg_bench: cannot build the rod grid\n");
    return 4;
  }
  if (heat) mgp_rod_heat(p, 0.5);
  else mgp_rod_potential(p);
  snprintf(title, len, "rod %s%s, grid %dx%dx%d (h %.3g mm, growth %.3g)",
           heat ? "heat step" : "potential", quarter ? " (quarter)" : "", p->g->n[0],
           p->g->n[1], p->g->n[2], h, growth);
  return 0;
}

/* The cube with a sphere from the command line; 0 or an exit code. */
static int cube_problem(int argc, char **argv, rfl_mg_options *opt, mgp_problem *p,
                        char *title, size_t len) {
  const int n = argc > 1 ? atoi(argv[1]) : 128;
  const double alpha = argc > 2 ? atof(argv[2]) : 0.0;
  if (argc > 4) {
    opt->pre_sweeps = atoi(argv[3]);
    opt->post_sweeps = atoi(argv[4]);
  }
  if (argc > 5) opt->weight = strcmp(argv[5], "half") == 0 ? RFL_MG_WEIGHT_HALF
                                                            : RFL_MG_WEIGHT_GEOMETRIC;
  if (argc > 6) opt->linear = strcmp(argv[6], "constant") != 0;
  if (argc > 7) opt->max_coarse = atoi(argv[7]);
  if (argc > 8) opt->merge_ratio = atof(argv[8]);
  if (n < 4 || n > 1024 || alpha < 0.0 || alpha >= 1.0) {
    fprintf(stderr, "mg_bench: expected 4 <= n <= 1024 and 0 <= alpha < 1, found n %d alpha %g\n",
            n, alpha);
    return 2;
  }
  const int nn[3] = {n, n, n};
  const double len3[3] = {40e-3, 40e-3, 40e-3}, ctr[3] = {20.3e-3, 19.7e-3, 20.1e-3};
  if (!mgp_problem_init(p, nn, len3, alpha)) {
    fprintf(stderr, "mg_bench: out of memory\n");
    return 4;
  }
  mgp_potential(p->g, ctr, 4e-3, p->k, p->fixed, p->xfix, p->A, p->b);
  snprintf(title, len, "grid %d^3 (alpha %.2f)", n, alpha);
  return 0;
}

int main(int argc, char **argv) {
  rfl_mg_options opt = rfl_mg_options_default();
  mgp_problem p;
  char title[160];
  const int rod = argc > 1 && strncmp(argv[1], "rod", 3) == 0;
  const int rc = rod ? rod_problem(argc, argv, &opt, &p, title, sizeof title)
                     : cube_problem(argc, argv, &opt, &p, title, sizeof title);
  if (rc) return rc;
  const size_t N = p.g->ncells;
  rfl_mg *mg = NULL;
  if (rfl_mg_create_with(p.g, &opt, &mg) != RFL_OK) {
    fprintf(stderr, "mg_bench: %s\n", rfl_error_message());
    return 4;
  }
  double t0 = now();
  if (rfl_mg_setup(mg, p.A) != RFL_OK) {
    fprintf(stderr, "mg_bench: %s\n", rfl_error_message());
    return 3;
  }
  const double tsetup = now() - t0;
  int nl[3];
  rfl_mg_level_size(mg, rfl_mg_levels(mg) - 1, nl);
  printf("%s, %d threads, %d levels, coarsest %dx%dx%d (%d unknowns), sweeps %d+%d, weight "
         "%s, %s prolongation, merge ratio %g, setup %.1f ms\n",
         title, rfl_parallel_threads(), rfl_mg_levels(mg), nl[0], nl[1], nl[2],
         rfl_mg_coarsest_unknowns(mg), opt.pre_sweeps, opt.post_sweeps,
         opt.weight == RFL_MG_WEIGHT_HALF ? "half" : "geometric",
         opt.linear ? "linear" : "constant", opt.merge_ratio, 1e3 * tsetup);
  printf("levels:");
  size_t total = 0;
  for (int l = 0; l < rfl_mg_levels(mg); ++l) {
    int m[3];
    rfl_mg_level_size(mg, l, m);
    total += (size_t)m[0] * (size_t)m[1] * (size_t)m[2];
    printf(" %dx%dx%d", m[0], m[1], m[2]);
  }
  printf(" (all levels / fine cells %.3f)\n", (double)total / (double)N);

  double *y = calloc(N, sizeof(double));
  if (!y) return 4;
  for (size_t c = 0; c < N; ++c) p.x[c] = p.fixed[c] ? 0.0 : 0.001 * (double)(c % 97);
  const int reps = N >= 2000000 ? 10 : 40;
  rfl_sysmat_apply(p.A, p.x, y);
  t0 = now();
  for (int r = 0; r < reps; ++r) rfl_sysmat_apply(p.A, p.x, y);
  report("apply", now() - t0, reps, N, 49.0);
  rfl_mg_bench_smooth(mg, p.b, p.x);
  t0 = now();
  for (int r = 0; r < reps; ++r) rfl_mg_bench_smooth(mg, p.b, p.x);
  report("RB-GS sweep", now() - t0, reps, N, 122.0);
  rfl_mg_bench_transfer(mg, p.b, p.x);
  t0 = now();
  for (int r = 0; r < reps; ++r) rfl_mg_bench_transfer(mg, p.b, p.x);
  report("transfer", now() - t0, reps, N, 82.0);

  /* stationary V-cycles from x = 0: 5 runs of 10 cycles */
  double res[11], tv[5], tp[5];
  for (int run = 0; run < 5; ++run) {
    memset(p.x, 0, N * sizeof(double));
    rfl_mg_residual_norm(mg, p.b, p.x, &res[0]);
    t0 = now();
    for (int it = 1; it <= 10; ++it) {
      rfl_mg_vcycle(mg, p.b, p.x);
      rfl_mg_residual_norm(mg, p.b, p.x, &res[it]);
    }
    tv[run] = (now() - t0) / 10.0;
  }
  const double tvm = median5(tv);
  printf("V-cycle      %9.3f ms  %8.1f Mcell/s (fine cells per second per cycle; median of 5)\n",
         1e3 * tvm, 1e-6 * (double)N / tvm);
  printf("V-cycle residual reductions:");
  for (int it = 1; it <= 10; ++it) printf(" %.3f", res[it] / res[it - 1]);
  printf("\nV-cycle factor (geometric mean, cycles 2..10): %.4f\n", pow(res[10] / res[1], 1.0 / 9.0));

  rfl_mg_info info;
  rfl_status st = RFL_OK;
  for (int run = 0; run < 5; ++run) {
    memset(p.x, 0, N * sizeof(double));
    t0 = now();
    st = rfl_mg_solve(mg, p.b, p.x, 1e-8, 0.0, 200, &info);
    tp[run] = now() - t0;
  }
  printf("PCG to 1e-8: %d iterations, rate %.4f, %.1f ms (median of 5; %s, %s)\n",
         info.iterations, info.rate, 1e3 * median5(tp), rfl_strerror(st),
         info.converged ? "converged" : "NOT converged");
  free(y);
  rfl_mg_free(mg);
  mgp_problem_free(&p);
  return st == RFL_OK && info.converged ? 0 : 3;
}
