// SPDX-License-Identifier: BSD-3-Clause
/* Geometric multigrid for rfl_sysmat systems, used as the preconditioner of conjugate
 * gradients (MG-PCG), warm-started from the caller's x.
 *
 * Levels are built by aggregating neighbouring cells in pairs along each axis, but only
 * where both are narrow (below merge_ratio x a reference width that doubles per level), down
 * to at most max_coarse cells: on a uniform grid this is 2x2x2 aggregation, on a graded
 * tensor grid the small cells merge first and a stretched cell is coarsened along its short
 * (strongly coupled) side only, which keeps the point smoother effective. Coarse operators
 * are rediscretisation-like: a coarse face conductance is the sum of the fine conductances
 * across it times a weight (1/2 on a uniform grid, the centre-distance ratio on a graded
 * one, see rfl_mg_weight), a coarse diagonal is the sum of the fine volume terms plus the
 * fine Dirichlet couplings scaled with the distance along their face normal (sysmat's
 * dirichlet array: fill it). A coarse cell is fixed when more than half of its fine cells
 * are; faces into it become Dirichlet couplings. So material jumps, graded spacing and
 * embedded electrodes need no special cases on the coarse grids. Transfers: linear
 * prolongation (cell centres, per-axis weights from the grid) with its transpose as
 * restriction (option: piecewise constant). Smoother: red-black Gauss-Seidel, applied
 * symmetrically so the V-cycle is a valid CG preconditioner; the coarsest level is solved
 * exactly (banded Cholesky, GSL: the program must have switched GSL's aborting error
 * handler off). Everything is OpenMP-parallel with static schedules and deterministic
 * reductions: results are bit-identical for any thread count.
 *
 * Life cycle (setup / iterate / test): rfl_mg_create once per grid; rfl_mg_setup whenever
 * the coefficients change (checks the matrix contract and that no region of unknowns is
 * floating); rfl_mg_solve per right-hand side. No allocation after create. */
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

/* How coarse face conductances are weighted (see mg.c for the measurements). */
typedef enum {
  RFL_MG_WEIGHT_HALF,      /* 1/2 x the sum of the fine conductances across the coarse face */
  RFL_MG_WEIGHT_GEOMETRIC  /* x d_fine / d_coarse: the ratio of the centre-to-centre
                              distances across that face (1/2 on a uniform grid; follows
                              the grading on a stretched grid) */
} rfl_mg_weight;

typedef struct {
  int pre_sweeps;       /* red-black GS sweeps (red then black) before the coarse correction */
  int post_sweeps;      /* sweeps after it (black then red), so the V-cycle is symmetric */
  int max_coarse;       /* coarsen until a level has at most this many cells (direct solve) */
  rfl_mg_weight weight; /* coarse face conductance weight */
  int linear;           /* 1: linear prolongation, restriction its transpose; 0: piecewise
                           constant (plain aggregation) */
  double merge_ratio;   /* coarsening: two neighbouring cells along an axis merge only when
                           both are narrower than merge_ratio x the level's reference width
                           (the finest width, doubled per level); 0: every pair merges
                           (uniform 2x2x2 aggregation) */
} rfl_mg_options;

/* The defaults: 2 + 2 sweeps, coarsest <= 1000 cells, geometric weight, linear transfers,
 * merge ratio 1.75. */
rfl_mg_options rfl_mg_options_default(void);

/* Builds the level hierarchy for the grid (all workspace is allocated here). */
rfl_status rfl_mg_create(const rfl_grid *g, rfl_mg **out);
/* The same with explicit options (NULL: the defaults). RFL_EINPUT on bad options. */
rfl_status rfl_mg_create_with(const rfl_grid *g, const rfl_mg_options *opt, rfl_mg **out);
/* A second solver on the lender's grid with the lender's options that borrows its scratch
 * vectors (about 50 bytes per cell): for two problems on one grid that are never solved at
 * the same time, as the potential and the heat step are. Free it before the lender. */
rfl_status rfl_mg_create_sharing(rfl_mg *lender, rfl_mg **out);
void rfl_mg_free(rfl_mg *mg);

/* The hierarchy rfl_mg_create (default options) builds on g, planned without its
 * operators or vectors (for the memory estimate): levels, cells of all coarse levels
 * together, and the coarsest grid's cells and band width (its direct solve). */
typedef struct {
  int nlevels;
  size_t coarse_cells;
  size_t coarsest_cells;
  int coarsest_band;
  double bytes_owner;   /* a solver's own allocation: level-0 PCG vectors, residual and
                           queue, coarse operators and vectors, the band matrix */
  double bytes_sharing; /* one made by rfl_mg_create_sharing: operators and band only */
} rfl_mg_plan;
rfl_status rfl_mg_plan_hierarchy(const rfl_grid *g, rfl_mg_plan *out);

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

/* ||b - A x||_2 over the unknowns (deterministic), into *norm; RFL_ENUMERIC if not finite. */
rfl_status rfl_mg_residual_norm(rfl_mg *mg, const double *b, const double *x, double *norm);

/* Number of levels of the hierarchy (1: the grid is solved directly). */
int rfl_mg_levels(const rfl_mg *mg);

/* Cells per axis of level l (0 = the fine grid), into n[3]; unknowns of the coarsest level
 * after setup (for diagnostics and benchmarks). */
void rfl_mg_level_size(const rfl_mg *mg, int l, int n[3]);
int rfl_mg_coarsest_unknowns(const rfl_mg *mg);

/* The kernels of one V-cycle on level 0, exposed for benchmarks: one symmetric sweep
 * (red, black) of the smoother on A x = b, and one restriction of r = b - A x to level 1
 * followed by the prolongation (addition) of level 1's correction into x. Need setup. */
void rfl_mg_bench_smooth(rfl_mg *mg, const double *b, double *x);
void rfl_mg_bench_transfer(rfl_mg *mg, const double *b, double *x);

#endif
