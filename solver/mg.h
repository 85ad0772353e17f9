/* Geometric multigrid for rfl_sysmat systems, used as the preconditioner of conjugate
 * gradients (MG-PCG), warm-started from the caller's x.
 *
 * Levels are built by 2x2x2 aggregation of cells (1-wide aggregates at odd edges) with
 * Galerkin-like coarse operators: a coarse face conductance is half the sum of the fine
 * conductances across it (the factor 1/2 restores the scaling of a rediscretised operator
 * on the doubled spacing), a coarse diagonal is the sum of the fine diagonals, and fixed
 * fine cells are left out of their aggregate (a coarse cell whose fine cells are all fixed
 * is fixed). So material jumps, graded spacing and embedded electrodes need no special
 * cases on the coarse grids. Smoother: red-black Gauss-Seidel, applied symmetrically so the
 * V-cycle is a valid CG preconditioner; the coarsest level is solved exactly (dense
 * Cholesky, GSL). Everything is OpenMP-parallel with static schedules, so results do not
 * depend on the thread count beyond reduction round-off.
 *
 * Life cycle (setup / iterate / test): rfl_mg_create once per grid; rfl_mg_setup whenever
 * the coefficients change; rfl_mg_solve per right-hand side. No allocation after setup. */
#ifndef RFL_MG_H
#define RFL_MG_H

#include "sysmat.h"

typedef struct rfl_mg rfl_mg;

typedef struct {
  int iterations;          /* PCG iterations done */
  double residual_norm0;   /* ||b - A x0||_2 over unknowns */
  double residual_norm;    /* final ||b - A x||_2 */
  double rate;             /* mean residual reduction per iteration */
  int converged;           /* 1 if residual_norm <= rtol * ||b||_2 or <= atol */
} rfl_mg_info;

rfl_status rfl_mg_create(const rfl_grid *g, rfl_mg **out);
void rfl_mg_free(rfl_mg *mg);

/* Build the coarse operators for A (A is referenced, not copied: keep it alive). */
rfl_status rfl_mg_setup(rfl_mg *mg, const rfl_sysmat *A);

/* Solve A x = b on the unknowns, starting from x (fixed cells of x are left untouched).
 * Stops when the residual drops below rtol * ||b||_2 (or below atol), or after
 * max_iterations. Non-convergence is reported in info, not as an error: the caller
 * decides. Returns RFL_ENUMERIC on NaN/Inf. */
rfl_status rfl_mg_solve(rfl_mg *mg, const double *b, double *x, double rtol, double atol,
                        int max_iterations, rfl_mg_info *info);

/* One V-cycle as a stationary iteration x <- x + B (b - A x) (for measuring the
 * convergence factor per cycle in bench/ and tests). */
rfl_status rfl_mg_vcycle(rfl_mg *mg, const double *b, double *x);

/* Number of levels built by the last setup. */
int rfl_mg_levels(const rfl_mg *mg);

#endif
