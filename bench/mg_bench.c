/* Multigrid benchmark: kernel throughput and convergence of the MG-preconditioned CG on a
 * potential-like problem (conductivity 0.45 S/m with a 0.02 S/m slab, a fixed sphere V = 1
 * of radius 1/10 of the box, V = 0 outside), n^3 cells on a 40 mm cube, uniform or stretched.
 *
 *   mg_bench [n [alpha [pre post [weight [max_coarse]]]]]
 *     n        cells per axis (default 128)
 *     alpha    stretching, widest/narrowest cell = (1 + alpha) / (1 - alpha) (default 0)
 *     pre post red-black GS sweeps (default 2 2)
 *     weight   "geometric" or "half" (coarse conductance weight, default geometric)
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
 * 2..10) and PCG iterations and time to reduce the residual by 1e-8. Set OMP_NUM_THREADS to
 * compare thread counts. Untimed: problem assembly and setup (setup is timed separately). */
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

int main(int argc, char **argv) {
  const int n = argc > 1 ? atoi(argv[1]) : 128;
  const double alpha = argc > 2 ? atof(argv[2]) : 0.0;
  rfl_mg_options opt = rfl_mg_options_default();
  if (argc > 4) {
    opt.pre_sweeps = atoi(argv[3]);
    opt.post_sweeps = atoi(argv[4]);
  }
  if (argc > 5) opt.weight = strcmp(argv[5], "half") == 0 ? RFL_MG_WEIGHT_HALF
                                                          : RFL_MG_WEIGHT_GEOMETRIC;
  if (argc > 6) opt.linear = strcmp(argv[6], "constant") != 0;
  if (argc > 7) opt.max_coarse = atoi(argv[7]);
  if (n < 4 || n > 1024 || alpha < 0.0 || alpha >= 1.0) {
    fprintf(stderr, "mg_bench: expected 4 <= n <= 1024 and 0 <= alpha < 1, found n %d alpha %g\n",
            n, alpha);
    return 2;
  }

  mgp_problem p;
  const int nn[3] = {n, n, n};
  const double len[3] = {40e-3, 40e-3, 40e-3}, ctr[3] = {20.3e-3, 19.7e-3, 20.1e-3};
  if (!mgp_problem_init(&p, nn, len, alpha)) {
    fprintf(stderr, "mg_bench: out of memory\n");
    return 4;
  }
  mgp_potential(p.g, ctr, 4e-3, p.k, p.fixed, p.xfix, p.A, p.b);
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
  printf("grid %d^3 (alpha %.2f), %d threads, %d levels, coarsest %dx%dx%d (%d unknowns), "
         "sweeps %d+%d, weight %s, %s prolongation, setup %.1f ms\n",
         n, alpha, rfl_parallel_threads(), rfl_mg_levels(mg), nl[0], nl[1], nl[2],
         rfl_mg_coarsest_unknowns(mg), opt.pre_sweeps, opt.post_sweeps,
         opt.weight == RFL_MG_WEIGHT_HALF ? "half" : "geometric",
         opt.linear ? "linear" : "constant", 1e3 * tsetup);

  double *y = calloc(N, sizeof(double));
  if (!y) return 4;
  for (size_t c = 0; c < N; ++c) p.x[c] = p.fixed[c] ? 0.0 : 0.001 * (double)(c % 97);
  const int reps = n >= 128 ? 10 : 40;
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

  /* stationary V-cycles from x = 0 */
  memset(p.x, 0, N * sizeof(double));
  double res[11];
  rfl_mg_residual_norm(mg, p.b, p.x, &res[0]);
  t0 = now();
  for (int it = 1; it <= 10; ++it) {
    rfl_mg_vcycle(mg, p.b, p.x);
    rfl_mg_residual_norm(mg, p.b, p.x, &res[it]);
  }
  const double tv = (now() - t0) / 10.0;
  printf("V-cycle      %9.3f ms  %8.1f Mcell/s (fine cells per second per cycle)\n", 1e3 * tv,
         1e-6 * (double)N / tv);
  printf("V-cycle residual reductions:");
  for (int it = 1; it <= 10; ++it) printf(" %.3f", res[it] / res[it - 1]);
  printf("\nV-cycle factor (geometric mean, cycles 2..10): %.4f\n", pow(res[10] / res[1], 1.0 / 9.0));

  memset(p.x, 0, N * sizeof(double));
  rfl_mg_info info;
  t0 = now();
  rfl_status st = rfl_mg_solve(mg, p.b, p.x, 1e-8, 0.0, 200, &info);
  const double ts = now() - t0;
  printf("PCG to 1e-8: %d iterations, rate %.4f, %.1f ms (%s, %s)\n", info.iterations, info.rate,
         1e3 * ts, rfl_strerror(st), info.converged ? "converged" : "NOT converged");
  free(y);
  rfl_mg_free(mg);
  mgp_problem_free(&p);
  return st == RFL_OK && info.converged ? 0 : 3;
}
