// SPDX-License-Identifier: BSD-3-Clause
/* Kernel benchmark on a real case: how close each hot kernel of a time step comes to the
 * memory bandwidth of this machine, and how fast the multigrid converges.
 *
 *   kernels CASE [--set SECTION.KEY=VALUE]... [--threads N] [--at SECONDS] [--mg-only]
 *           [--triad-mib MIB]
 *
 * 1. STREAM-like triad a[i] = b[i] + s c[i] on three arrays of MIB MiB each (default 256, so
 *    that they do not fit in the last-level cache), best of 10, counted as 24 bytes per
 *    element (no write-allocate traffic), as STREAM does; and the same triad on the case's
 *    working set (3 arrays moving the bytes of one operator apply), which tells the
 *    bandwidth of the cache level the case's arrays fit in.
 * 2. The case is run to t = SECONDS (default 20 s of RF) so that temperature, conductivity and
 *    damage fields are those of a real lesion, then on those fields:
 *      potential apply    y = A_V x                    x, diag, g[3] read, fixed, y written  37 B
 *      heat apply         y = A_T x (with the mass term)                                   37 B
 *      smoother           one red + one black Gauss-Seidel half-sweep on A_V            2 x 49 B
 *      transfer           residual, restriction to level 1, prolongation back            70 B
 *      Joule heat         unit-voltage Joule heat from the face fluxes (sigma(T) refill)   55 B
 *      damage update      Arrhenius Omega + CEM43 + peak T per cell (the step's update)    67 B
 *    Each kernel: median over 5 batches, reported in cell updates per second, in GB/s for
 *    the bytes per cell above (what the kernel must stream at least once, 8-byte doubles,
 *    4-byte face conductances, 1-byte mask) and as a fraction of the triad bandwidth. A kernel far below the triad is
 *    bound by something else (the damage update by exp/log per cell, Joule heat by its
 *    per-face geometry).
 * 3. Multigrid on the case's potential problem from x = 0: the stationary V-cycle factor
 *    (geometric mean of the residual reductions of cycles 3..12) and the MG-preconditioned
 *    CG rate per iteration with its iteration count to 1e-8. --mg-only skips 1 and 2.
 * 4. The linear-solver iterations per step of the warm-up run (potential, heat both parts,
 *    coefficient passes), as the simulation reports them.
 * Lines are "key value" pairs after a fixed first word so that bench/perf_report.sh can parse
 * them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "case_reader.h"
#include "coefficients.h"
#include "damage.h"
#include "geometry.h"
#include "grid.h"
#include "mg.h"
#include "parallel.h"
#include "simulation.h"
#include "sysmat.h"

#define MAX_SETS 64

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void die(const char *what) {
  fprintf(stderr, "kernels: %s: %s\n", what, rfl_error_message());
  exit(3);
}

/* ---- 1. triad ------------------------------------------------------------------------- */

static double triad_gbs(size_t n) {
  double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), *c = malloc(n * sizeof *c);
  if (!a || !b || !c) {
    fprintf(stderr, "kernels: out of memory for the triad (3 x %zu doubles)\n", n);
    exit(4);
  }
  RFL_PRAGMA(omp parallel for schedule(static)) /* first touch by the thread that uses it */
  for (size_t i = 0; i < n; ++i) {
    a[i] = 0.0;
    b[i] = 1.0;
    c[i] = 2.0;
  }
  double best = INFINITY;
  for (int r = 0; r < 10; ++r) {
    double t = now();
    RFL_PRAGMA(omp parallel for schedule(static))
    for (size_t i = 0; i < n; ++i) a[i] = b[i] + 3.0 * c[i];
    t = now() - t;
    if (t < best) best = t;
  }
  const double check = a[n / 2];
  free(a);
  free(b);
  free(c);
  if (check != 7.0) {
    fprintf(stderr, "kernels: triad result %g, expected 7\n", check);
    exit(3);
  }
  return 24.0 * (double)n / best * 1e-9;
}

/* ---- 2. kernels on a real state ------------------------------------------------------- */

typedef struct {
  const rfl_case *kase;
  const rfl_grid *grid;
  const rfl_geometry *geo;
  rfl_assembler *as;
  rfl_sysmat *Av, *At;
  rfl_mg *mgv;
  const double *T;
  double *x, *y, *b, *phi, *q, *omega, *cem43, *Tpeak, *T1;
  double dt;
} bench_state;

typedef enum { K_APPLY_V, K_APPLY_T, K_SMOOTH, K_TRANSFER, K_JOULE, K_DAMAGE, K_COUNT } kernel_id;

static const struct {
  const char *name;
  double bytes_per_cell;
} kernels[K_COUNT] = {
    {"potential_apply", 37}, {"heat_apply", 37}, {"smoother", 98},
    {"transfer", 70},        {"joule_heat", 55}, {"damage_update", 67},
};

/* The damage part of the step's cell update (solver/simulation.c, step 4). */
static void damage_update(bench_state *s) {
  const rfl_label *lab = s->geo->label;
  const rfl_case *k = s->kase;
  const size_t n = s->grid->ncells;
  const double dt = s->dt;
  RFL_OMP_FOR
  for (size_t c = 0; c < n; ++c) {
    const rfl_material *m = &k->materials[lab[c].material];
    const double T0 = s->T[c], T1 = s->T1[c];
    if (lab[c].part == RFL_PART_TISSUE && m->kind == RFL_MATERIAL_TISSUE) {
      s->omega[c] += rfl_damage_arrhenius_increment(m, T0, T1, dt);
      s->cem43[c] += rfl_damage_cem43_increment(&k->damage, T0, T1, dt);
    }
    if (T1 > s->Tpeak[c]) s->Tpeak[c] = T1;
  }
}

static void run_kernel(bench_state *s, kernel_id id) {
  switch (id) {
    case K_APPLY_V: rfl_sysmat_apply(s->Av, s->x, s->y); break;
    case K_APPLY_T: rfl_sysmat_apply(s->At, s->x, s->y); break;
    case K_SMOOTH: rfl_mg_bench_smooth(s->mgv, s->b, s->x); break;
    case K_TRANSFER: rfl_mg_bench_transfer(s->mgv, s->b, s->x); break;
    case K_JOULE: (void)rfl_assembler_joule(s->as, s->T, s->phi, s->q); break;
    case K_DAMAGE: damage_update(s); break;
    case K_COUNT: break;
  }
}

/* Median over 5 batches of the time per call; a batch lasts about 0.1 s. */
static double time_kernel(bench_state *s, kernel_id id) {
  run_kernel(s, id); /* warm caches and pages */
  double t = now();
  run_kernel(s, id);
  t = now() - t;
  int reps = t > 0.1 ? 1 : (int)(0.1 / fmax(t, 1e-6)) + 1;
  double batch[5];
  for (int b = 0; b < 5; ++b) {
    double t0 = now();
    for (int r = 0; r < reps; ++r) run_kernel(s, id);
    batch[b] = (now() - t0) / reps;
  }
  qsort(batch, 5, sizeof batch[0], cmp_double);
  return batch[2];
}

/* ---- 3. multigrid convergence --------------------------------------------------------- */

static void mg_convergence(rfl_mg *mg, const rfl_sysmat *A, const double *b, const double *xfix,
                           double *x, size_t n) {
  double norms[13];
  memcpy(x, xfix, n * sizeof *x);
  for (size_t c = 0; c < n; ++c)
    if (!A->fixed[c]) x[c] = 0.0;
  if (rfl_mg_residual_norm(mg, b, x, &norms[0]) != RFL_OK) die("residual");
  for (int i = 1; i <= 12; ++i)
    if (rfl_mg_vcycle(mg, b, x) != RFL_OK || rfl_mg_residual_norm(mg, b, x, &norms[i]) != RFL_OK)
      die("V-cycle");
  const double vfactor = pow(norms[12] / norms[2], 1.0 / 10.0);
  memcpy(x, xfix, n * sizeof *x);
  for (size_t c = 0; c < n; ++c)
    if (!A->fixed[c]) x[c] = 0.0;
  rfl_mg_info info;
  const double t0 = now();
  if (rfl_mg_solve(mg, b, x, 1e-8, 0.0, 200, &info) != RFL_OK) die("PCG");
  const double tpcg = now() - t0;
  printf("mg levels %d vcycle_factor %.4f pcg_rate %.4f pcg_iterations %d pcg_ms %.2f converged %d\n",
         rfl_mg_levels(mg), vfactor, info.rate, info.iterations, 1e3 * tpcg, info.converged);
}

/* ---- warm-up run ---------------------------------------------------------------------- */

typedef struct {
  double stop_at;
  long steps, it_potential, it_heat, passes;
} warmup;

static int observe(const rfl_field_view *view, const rfl_sample *smp, void *ctx) {
  warmup *w = ctx;
  if (smp->rf_on) {
    w->steps++;
    w->it_potential += smp->iterations_potential;
    w->it_heat += smp->iterations_heat;
    w->passes += smp->passes;
  }
  return view->t >= w->stop_at - 1e-9;
}

static const char usage[] =
    "usage: kernels CASE [--set SECTION.KEY=VALUE]... [--threads N] [--at SECONDS] [--mg-only]\n"
    "               [--triad-mib MIB]\n";

int main(int argc, char **argv) {
  const char *path = NULL, *sets[MAX_SETS];
  int nsets = 0, threads = 0, mg_only = 0;
  double at = 20.0;
  size_t triad_mib = 256;
  for (int i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "--set") && i + 1 < argc && nsets < MAX_SETS) sets[nsets++] = argv[++i];
    else if (!strcmp(argv[i], "--threads") && i + 1 < argc) threads = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--at") && i + 1 < argc) at = atof(argv[++i]);
    else if (!strcmp(argv[i], "--triad-mib") && i + 1 < argc) triad_mib = (size_t)atol(argv[++i]);
    else if (!strcmp(argv[i], "--mg-only")) mg_only = 1;
    else if (argv[i][0] != '-' && !path) path = argv[i];
    else {
      fputs(usage, stderr);
      return 2;
    }
  }
  if (!path || !(at > 0.0) || triad_mib < 1) {
    fputs(usage, stderr);
    return 2;
  }
#ifdef _OPENMP
  if (threads > 0) omp_set_num_threads(threads);
#endif
  static rfl_case kase;
  rfl_case_warnings warnings = {0};
  rfl_case_read_options ropt = {.sets = sets, .nsets = nsets, .warnings = &warnings};
  if (rfl_case_read(path, &ropt, &kase) != RFL_OK) {
    fprintf(stderr, "kernels: %s\n", rfl_error_message());
    return 2;
  }
  if (at > kase.generator.duration_s) at = kase.generator.duration_s;
  printf("threads %d\n", rfl_parallel_threads());
  if (!mg_only) printf("triad gbs %.3f mib %zu\n", triad_gbs(triad_mib * 1024 * 1024 / sizeof(double)), triad_mib);

  rfl_grid *grid = NULL;
  rfl_geometry *geo = NULL;
  rfl_simulation *sim = NULL;
  if (rfl_grid_create(&kase.grid, &grid) != RFL_OK || rfl_geometry_create(&kase, grid, &geo) != RFL_OK ||
      rfl_simulation_create(&kase, grid, geo, &sim) != RFL_OK)
    die("setup");
  const size_t n = grid->ncells;
  printf("case cells %zu\n", n);
  /* the same triad on the working set of an operator apply (37 B per cell): the bandwidth
   * of the cache level the case's arrays live in */
  if (!mg_only)
    printf("triad_case gbs %.3f mib %.1f\n", triad_gbs(n * 37 / 24),
           3.0 * (double)(n * 37 / 24) * 8.0 / 1048576.0);
  warmup w = {.stop_at = at};
  if (rfl_simulation_run(sim, observe, &w) != RFL_OK) die("warm-up run");
  if (w.steps > 0)
    printf("iterations steps %ld potential_per_step %.2f heat_per_step %.2f passes_per_step %.3f at_s %g\n",
           w.steps, (double)w.it_potential / w.steps, (double)w.it_heat / w.steps,
           (double)w.passes / w.steps, at);
  rfl_field_view view = rfl_simulation_view(sim);

  bench_state s = {.kase = &kase, .grid = grid, .geo = geo, .T = view.temperature, .dt = kase.solver.dt_s};
  double **arrays[] = {&s.x, &s.y, &s.b, &s.phi, &s.q, &s.omega, &s.cem43, &s.Tpeak, &s.T1};
  for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; ++i)
    if (!(*arrays[i] = calloc(n, sizeof(double)))) die("out of memory");
  if (rfl_assembler_create(&kase, geo, &s.as) != RFL_OK || rfl_sysmat_create(grid, &s.Av) != RFL_OK ||
      rfl_sysmat_create(grid, &s.At) != RFL_OK || rfl_mg_create(grid, &s.mgv) != RFL_OK)
    die("kernel setup");
  rfl_assembler_potential(s.as, s.T, s.Av, s.b, s.phi);
  if (rfl_mg_setup(s.mgv, s.Av) != RFL_OK) die("potential MG setup");
  mg_convergence(s.mgv, s.Av, s.b, s.phi, s.x, n);
  if (!mg_only) {
    memcpy(s.phi, view.unit_potential, n * sizeof *s.phi);
    rfl_assembler_heat(s.as, s.T, s.At, s.y);
    for (int k = 0; k < grid->n[2]; ++k) /* the mass term of a step: rho c vol / dt */
      for (int j = 0; j < grid->n[1]; ++j)
        for (int i = 0; i < grid->n[0]; ++i) {
          const size_t c = rfl_grid_index(grid, i, j, k);
          const rfl_material *m = &kase.materials[geo->label[c].material];
          s.At->diag[c] += m->rho * m->c * rfl_grid_volume(grid, i, j, k) / s.dt;
        }
    for (size_t c = 0; c < n; ++c) {
      s.x[c] = s.phi[c];
      s.T1[c] = s.T[c] + 0.5;
      s.omega[c] = view.omega[c];
      s.cem43[c] = view.cem43[c];
      s.Tpeak[c] = view.peak_temperature[c];
    }
    for (int id = 0; id < K_COUNT; ++id) {
      const double t = time_kernel(&s, (kernel_id)id);
      const double gbs = kernels[id].bytes_per_cell * (double)n / t * 1e-9;
      printf("kernel %s ms %.4f mcells %.2f gbs %.3f bytes_per_cell %.0f\n", kernels[id].name, 1e3 * t,
             1e-6 * (double)n / t, gbs, kernels[id].bytes_per_cell);
    }
  }
  for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; ++i) free(*arrays[i]);
  rfl_mg_free(s.mgv);
  rfl_sysmat_free(s.Av);
  rfl_sysmat_free(s.At);
  rfl_assembler_free(s.as);
  rfl_simulation_free(sim);
  rfl_geometry_free(geo);
  rfl_grid_free(grid);
  return 0;
}
