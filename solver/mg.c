// SPDX-License-Identifier: BSD-3-Clause
/* Geometric multigrid preconditioned conjugate gradients for rfl_sysmat systems (mg.h).
 *
 * Hierarchy (semi-coarsening for graded tensor grids). Level l+1 merges cells of level l in
 * pairs along each axis, but only where both are narrow: scanning an axis upwards, cells i
 * and i + 1 merge when both are narrower than merge_ratio x h_l, every other cell stays
 * alone. h_0 is the smallest width of the fine grid and doubles per level (and further when
 * no pair qualifies, so an isolated sliver cannot stall the coarsening); it stops at
 * max_coarse cells. The coarse grid is again a tensor grid, each coarse index covering one
 * or two fine indices per axis (the per-axis maps first[] and parent[]); its faces are fine
 * faces, so the spacing of every level is known. On a uniform grid every pair merges and
 * this is the classical 2x2x2 aggregation (an odd axis ends in a 1-wide aggregate, an axis
 * of one cell is not coarsened); uniform grids converge exactly as fast as before. On a
 * grid with a uniform fine box and geometrically graded arms, the box and the small arm
 * cells merge first, and a cell that is long in y (an arm) but short in x (the box width)
 * is coarsened in x only, its strongly coupled direction: coarse cells get no more
 * anisotropic than the fine ones, which is what a point smoother needs. The coarse operator is
 *
 *   diag_C = sum (diag - dirichlet)_c + sum s_c dirichlet_c,   g_CD = w_CD sum g_f (across CD)
 *
 * over the unknown fine cells c of C. With w = 1 this is P^T A P for piecewise-constant P
 * (Galerkin), which is about twice too stiff for smooth errors; w = 1/2 is the operator
 * rediscretised on the doubled spacing. The default is the geometric w = d_fine / d_coarse
 * (centre-to-centre distances across that face): 1/2 on uniform axes, r / (1 + r^2) for a
 * ratio-r grading, 1 where neither side is merged. The Dirichlet couplings folded into diag
 * (outer boundary at half a cell, faces to fixed cells) grow weaker with the distance along
 * their face normal: s_c is the fine / coarse width ratio along the axes of c's Dirichlet
 * faces (1 along an axis that is not merged), the faces weighted by their conductance
 * ~ 1 / dx^2 because sysmat keeps only the sum; a side of the domain counts as Dirichlet
 * when most of its unknown cells have a coupling, so a mirror plane does not (on the
 * quarter needle, 0.2 mm, PCG 0.102 -> 0.093). Summing them with weight 1 made the coarse
 * grids see the boundary too strongly and held the V-cycle factor at 0.5 on a plain Poisson
 * problem (0.11 with the split, 64^3, piecewise-constant transfers); the former per-cell
 * rule "1/2 when any axis is merged" halves boundary couplings across unmerged axes and, with
 * semi-coarsening, made the stationary cycle diverge on the graded needle problem (factor
 * 3.3 at h = 0.4 mm, PCG rate 0.31 instead of 0.09). A coarse cell is Dirichlet when more
 * than half of its fine cells are (the electrode keeps its size on coarse grids; the V-cycle
 * factor with an embedded sphere went from 0.30 to 0.25 compared with "all fixed"; counting
 * a tie as Dirichlet lowered stationary factors but raised PCG rates, 0.11 -> 0.16 on the
 * stretched cube), excluded when none of its fine cells is an unknown, and an unknown
 * otherwise; coarse faces into a Dirichlet coarse cell become Dirichlet couplings.
 *
 * Transfers: linear prolongation between cell centres (weights from each level's centres,
 * constant extrapolation at the domain ends), restriction its transpose (residuals of the
 * conductance form are integrated balances, so the transpose is the conservative transfer).
 * Corrections are not prolonged into fixed cells. Piecewise-constant transfers remain as an
 * option: on the sphere potential problem at 96^3 they give a worse stationary factor (0.42
 * vs 0.30) but fewer, cheaper PCG iterations (8 vs 9; 247 vs 325 ms on one thread).
 *
 * Smoother: red-black Gauss-Seidel, 2 sweeps before (red, black) and 2 after (black, red):
 * the V-cycle B is symmetric and, with the exact coarse solve, positive definite. With 1 + 1
 * sweeps the stationary cycle diverged on the sphere problem (factor 1.1) and PCG needed 17
 * iterations instead of 9. The coarsest level is solved by banded Cholesky (GSL),
 * factorised at setup.
 *
 * Graded grids, measured (PCG rate to 1e-8 from x = 0; tests/test_mg_convergence.c and
 * bench/mg_bench). With 2x2x2 aggregation, point smoothing failed on stretched cells: on the
 * RC-1-like needle (mgp_rod_init, 0.4 mm fine box, growth 1.12, cell aspect up to 5) the
 * stationary cycle diverged (2.1) and PCG crawled at 0.45; on the smoothly stretched cube
 * (cell ratio 3, 96^3) 1.9 and 0.38; on the real RC-1 potential 0.70..0.77 (34..53
 * iterations per solve). With graded coarsening the needle gives 0.092 (0.4 mm), 0.091 (0.2
 * mm, aspect 9.6) and 0.089 (0.2 mm, growth 1.2, aspect 15), stationary factors 0.21..0.28:
 * the uniform-grid figures (0.11 on the same needle at a uniform 0.4 mm), and no degradation
 * with refinement; the quarter needle (two mirror planes through the rod) 0.093, the cube
 * 0.09..0.15. The merge ratio, at 0.2 mm: 1.25 / 1.5 / 1.75 / 2 gave rates 0.098 / 0.093 /
 * 0.091 / 0.118 (growth 1.12) and 0.088 / 0.092 / 0.089 / 0.100 (growth 1.2) with all levels
 * holding 1.55 / 1.50 / 1.44 / 1.40 times the fine cells (1.15 for 2x2x2 aggregation): 1.75
 * is the default. A V-cycle costs about 1.2x one with 2x2x2 aggregation (0.2 mm needle, 600
 * k cells, median of 5: 26.6 vs 22.2 ms on one thread, 18.6 vs 14.4 ms on two; the smoother
 * is half of it, the coarse levels are larger), against 6x fewer iterations (PCG to 1e-8:
 * 217 vs 1039 ms, 154 vs 689 ms). Uniform grids get the same hierarchy, the same iteration
 * counts and rates and the same speed (128^3: 118 / 56 ms per V-cycle on one / two threads,
 * before 125 / 58). On the RC-1 case itself (quarter domain, first 3 s) the potential solves
 * took 55 instead of 248 PCG iterations (growth 1.12) and 55 instead of 338 (1.2): 0.098 per
 * iteration from scratch, 0.13..0.17 for the warm-started solves that need only two decades;
 * the Joule-heat response went from 0.15 to 0.11. Line or plane smoothers were not needed.
 * The implicit heat step on the needle converges at 0.14 (0.4 mm) and 0.18 (0.2 mm): not the
 * grading (0.16 on a uniform grid) but the steel rod, 30x more conductive than the tissue
 * (V-cycle factor 0.03 without the contrast); operator-dependent interpolation or line
 * smoothing along the rod would be the remedy (not done).
 *
 * PCG: standard preconditioned CG on the unknowns, all dot products through rfl_parallel_dot
 * and all kernels with static schedules and no reductions, so the iterates are bit-identical
 * for any thread count. NaN/Inf in b, x or the iteration gives RFL_ENUMERIC. Not converging
 * within max_iterations is a result (info.converged = 0, RFL_OK).
 *
 * Memory: create allocates the hierarchy (grids, operators, three vectors per level, the
 * transfer weights, four PCG vectors, the band matrix for the largest possible coarse system
 * and the connectivity-check queue); setup, solve and vcycle allocate nothing. Not done
 * here: assembly and boundary conditions (the caller's), MPI (single process),
 * operator-dependent interpolation (PCG absorbs the steel/tissue contrast of 30). */
#include "mg.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "parallel.h"

#define MG_MAX_LEVELS 32

typedef struct {
  rfl_grid *grid;  /* level 0: the caller's grid (not owned); coarser: owned */
  rfl_sysmat *A;   /* level 0: the caller's matrix (set by setup); coarser: owned */
  double *x, *b;   /* correction and right-hand side (coarse levels only) */
  double *r;       /* residual */
  /* Aggregation towards the next level, per axis a: coarse index I covers the fine indices
   * first[a][I] .. first[a][I + 1] - 1 (one or two of them), and fine index i lies in
   * coarse index parent[a][i]. */
  int *first[3], *parent[3];
  /* Linear prolongation to this level from the next, per axis a and fine index i: the
   * correction is w * X[lo] + (1 - w) * X[hi] (lo == hi, w = 1 at the domain ends and where
   * the coarse index has one fine index); restriction is the transpose, stored per coarse
   * index I as up to 4 fine indices rs[a][I] .. rs[a][I] + 3 with weights rw[a][4 I + m]. */
  int *lo[3], *hi[3], *rs[3];
  double *w[3], *rw[3];
} mg_level;

struct rfl_mg {
  const rfl_grid *grid;
  rfl_mg_options opt;
  int nlevels;
  mg_level lev[MG_MAX_LEVELS];
  double *r, *z, *p, *q;  /* PCG vectors on level 0 */
  gsl_matrix *band;       /* coarsest operator in GSL band storage, band(p, d) = A(p + d, p)
                             over its first m rows, Cholesky-factorised by setup */
  int bw;                 /* its lower bandwidth: n0 * n1 of the coarsest grid */
  gsl_vector *rhs;        /* coarsest right-hand side / solution, first m entries */
  int *map;               /* coarsest cell -> unknown number, -1 when fixed */
  int ncoarse;            /* m: coarsest unknowns */
  int ready;              /* setup succeeded */
  size_t *queue;          /* connectivity check of setup: breadth-first queue ... */
  uint8_t *reached;       /* ... and the cells it reached */
  /* The scratch vectors above (r, z, p, q, queue, reached) and those of every level (x, b,
   * r) hold nothing between calls; a solver made by rfl_mg_create_sharing borrows them from
   * another one instead of allocating its own. */
  int borrowed;
};

rfl_mg_options rfl_mg_options_default(void) {
  rfl_mg_options o = {.pre_sweeps = 2, .post_sweeps = 2, .max_coarse = 1000,
                      .weight = RFL_MG_WEIGHT_GEOMETRIC, .linear = 1, .merge_ratio = 1.75};
  return o;
}

/* ---------------------------------------------------------------- coarse grids */


/* Plans the aggregation of axis a of grid F: scanning upwards, cells i and i + 1 are merged
 * when both are narrower than `limit` (limit <= 0: always), every other cell stays alone.
 * Fills parent (fine index -> coarse index) unless it is NULL; returns the coarse count. */
static int plan_axis(const rfl_grid *F, int a, double limit, int *parent) {
  const int n = F->n[a];
  const double *dx = F->dx[a];
  int I = 0;
  for (int i = 0; i < n; ++I) {
    const int pair = i + 1 < n && (limit <= 0.0 || (dx[i] < limit && dx[i + 1] < limit));
    if (parent) parent[i] = I;
    if (pair && parent) parent[i + 1] = I;
    i += pair ? 2 : 1;
  }
  return I;
}

/* The grid whose faces are the fine faces first[a][I] (and the last fine face). */
static rfl_grid *coarse_grid_create(const rfl_grid *fine, const int nc[3],
                                    int *const first[3]) {
  rfl_grid *g = calloc(1, sizeof *g);
  if (!g) return NULL;
  g->ncells = 1;
  for (int a = 0; a < 3; ++a) {
    const int n = nc[a];
    g->n[a] = n;
    g->ncells *= (size_t)n;
    g->xf[a] = malloc((size_t)(n + 1) * sizeof(double));
    g->xc[a] = malloc((size_t)n * sizeof(double));
    g->dx[a] = malloc((size_t)n * sizeof(double));
    if (!g->xf[a] || !g->xc[a] || !g->dx[a]) {
      rfl_grid_free(g);
      return NULL;
    }
    for (int I = 0; I <= n; ++I) g->xf[a][I] = fine->xf[a][first[a][I]];
    for (int I = 0; I < n; ++I) {
      g->dx[a][I] = g->xf[a][I + 1] - g->xf[a][I];
      g->xc[a][I] = 0.5 * (g->xf[a][I] + g->xf[a][I + 1]);
    }
  }
  return g;
}

/* The aggregation maps of level L towards nc[a] coarse indices per axis, planned with
 * `limit` (see plan_axis). Returns 0 on allocation failure. */
static int aggregation_create(mg_level *L, const int nc[3], double limit) {
  const rfl_grid *F = L->grid;
  for (int a = 0; a < 3; ++a) {
    L->parent[a] = malloc((size_t)F->n[a] * sizeof(int));
    L->first[a] = malloc((size_t)(nc[a] + 1) * sizeof(int));
    if (!L->parent[a] || !L->first[a]) return 0;
    plan_axis(F, a, limit, L->parent[a]);
    for (int i = F->n[a] - 1; i >= 0; --i) L->first[a][L->parent[a][i]] = i;
    L->first[a][nc[a]] = F->n[a];
  }
  return 1;
}

/* The 1-D linear interpolation weights between fine level L and coarse grid C (see
 * mg_level), from the cell centres, so a graded axis gets its own weights. A coarse index
 * with one fine index passes its value on unchanged (same cell, same centre). Returns 0 on
 * allocation failure. */
static int transfer_create(mg_level *L, const rfl_grid *C) {
  const rfl_grid *F = L->grid;
  for (int a = 0; a < 3; ++a) {
    const int nf = F->n[a], nc = C->n[a];
    L->lo[a] = malloc((size_t)nf * sizeof(int));
    L->hi[a] = malloc((size_t)nf * sizeof(int));
    L->w[a] = malloc((size_t)nf * sizeof(double));
    L->rs[a] = malloc((size_t)nc * sizeof(int));
    L->rw[a] = calloc(4 * (size_t)nc, sizeof(double));
    if (!L->lo[a] || !L->hi[a] || !L->w[a] || !L->rs[a] || !L->rw[a]) return 0;
    const double *xf = F->xc[a], *X = C->xc[a];
    const int *first = L->first[a];
    for (int i = 0; i < nf; ++i) {
      const int I = L->parent[a][i], merged = first[I + 1] - first[I] == 2;
      int lo = I, hi = I;
      double w = 1.0;
      if (merged && xf[i] < X[I] && I > 0) {
        lo = I - 1;
        w = (X[I] - xf[i]) / (X[I] - X[I - 1]);
      } else if (merged && xf[i] > X[I] && I + 1 < nc) {
        hi = I + 1;
        w = (X[I + 1] - xf[i]) / (X[I + 1] - X[I]);
      }
      L->lo[a][i] = lo;
      L->hi[a][i] = hi;
      L->w[a][i] = w;
    }
    /* the fine indices that see coarse I: its own (first[I] .. first[I + 1] - 1), and at
     * most one on either side, so at most 4 from first[I] - 1 */
    for (int I = 0; I < nc; ++I) {
      const int start = first[I] > 0 ? first[I] - 1 : 0;
      L->rs[a][I] = start;
      for (int m = 0; m < 4 && start + m < nf; ++m) {
        const int i = start + m;
        double v = 0.0;
        if (L->lo[a][i] == I) v += L->w[a][i];
        if (L->hi[a][i] == I && L->hi[a][i] != L->lo[a][i]) v += 1.0 - L->w[a][i];
        L->rw[a][4 * I + m] = v;
      }
    }
  }
  return 1;
}

/* The coarse cells per axis of the level below grid lg, and the merge limit they were
 * planned with; href is the level's reference width (doubled for the next level). */
static double plan_level(const rfl_grid *lg, const rfl_mg_options *o, double *href, int nc[3]) {
  double limit;
  for (;;) { /* ends: an axis with two cells or more merges once limit exceeds them */
    limit = o->merge_ratio > 0.0 && isfinite(*href) ? o->merge_ratio * *href : 0.0;
    for (int a = 0; a < 3; ++a) nc[a] = plan_axis(lg, a, limit, NULL);
    if ((size_t)nc[0] * (size_t)nc[1] * (size_t)nc[2] < lg->ncells) break;
    *href *= 2.0; /* nothing this narrow has a narrow neighbour: look at wider cells */
  }
  *href *= 2.0;
  return limit;
}

rfl_status rfl_mg_plan_hierarchy(const rfl_grid *g, rfl_mg_plan *out) {
  const rfl_mg_options o = rfl_mg_options_default();
  memset(out, 0, sizeof *out);
  out->nlevels = 1;
  double href;
  rfl_grid_spacing_range(g, &href, NULL);
  const rfl_grid *lg = g;
  rfl_grid *owned = NULL; /* the current level's grid when it is not g */
  int ok = 1;
  while (ok && out->nlevels < MG_MAX_LEVELS && lg->ncells > (size_t)o.max_coarse) {
    int nc[3];
    double limit = plan_level(lg, &o, &href, nc);
    mg_level L = {.grid = (rfl_grid *)lg};
    rfl_grid *C = aggregation_create(&L, nc, limit) ? coarse_grid_create(lg, nc, L.first) : NULL;
    for (int a = 0; a < 3; ++a) free(L.first[a]), free(L.parent[a]);
    rfl_grid_free(owned);
    owned = C;
    ok = C != NULL;
    if (ok) {
      lg = C;
      out->coarse_cells += C->ncells;
      out->nlevels++;
    }
  }
  if (ok) { /* the arrays mg_create allocates, per level and for the coarsest solve */
    const double nc = (double)lg->ncells, n0 = (double)g->ncells;
    out->coarsest_cells = lg->ncells;
    out->coarsest_band = lg->n[0] * lg->n[1] >= (int)lg->ncells ? (int)lg->ncells - 1 : lg->n[0] * lg->n[1];
    const double direct = nc * (out->coarsest_band + 1.0) * sizeof(double) + nc * (sizeof(double) + sizeof(int));
    const double operators = (double)out->coarse_cells * RFL_SYSMAT_BYTES_PER_CELL + direct;
    out->bytes_sharing = operators;
    out->bytes_owner = operators + (double)out->coarse_cells * 3.0 * sizeof(double) +
                       n0 * (5.0 * sizeof(double) + sizeof(size_t) + sizeof(uint8_t));
  }
  rfl_grid_free(owned);
  return ok ? RFL_OK : RFL_ERROR(RFL_ENOMEM, "mg: out of memory planning the hierarchy");
}

/* ---------------------------------------------------------------- create / free */

void rfl_mg_free(rfl_mg *mg) {
  if (!mg) return;
  for (int l = 0; l < MG_MAX_LEVELS; ++l) {
    mg_level *L = &mg->lev[l];
    if (l > 0) {
      rfl_sysmat_free(L->A);
      rfl_grid_free(L->grid);
    }
    if (!mg->borrowed) {
      free(L->x);
      free(L->b);
      free(L->r);
    }
    for (int a = 0; a < 3; ++a) {
      free(L->first[a]);
      free(L->parent[a]);
      free(L->lo[a]);
      free(L->hi[a]);
      free(L->rs[a]);
      free(L->w[a]);
      free(L->rw[a]);
    }
  }
  if (!mg->borrowed) {
    free(mg->r);
    free(mg->z);
    free(mg->p);
    free(mg->q);
    free(mg->queue);
    free(mg->reached);
  }
  if (mg->band) gsl_matrix_free(mg->band);
  if (mg->rhs) gsl_vector_free(mg->rhs);
  free(mg->map);
  free(mg);
}

rfl_status rfl_mg_create(const rfl_grid *g, rfl_mg **out) {
  return rfl_mg_create_with(g, NULL, out);
}

static rfl_status mg_create(const rfl_grid *g, const rfl_mg_options *opt, rfl_mg *lender,
                            rfl_mg **out);

rfl_status rfl_mg_create_with(const rfl_grid *g, const rfl_mg_options *opt, rfl_mg **out) {
  return mg_create(g, opt, NULL, out);
}

rfl_status rfl_mg_create_sharing(rfl_mg *lender, rfl_mg **out) {
  *out = NULL;
  if (!lender || lender->borrowed)
    return RFL_ERROR(RFL_EINPUT, "mg: a shared workspace must come from a solver that owns it");
  return mg_create(lender->grid, &lender->opt, lender, out);
}

static rfl_status check_options(const rfl_mg_options *o, const rfl_grid *g) {
  if (o->pre_sweeps < 0 || o->post_sweeps < 0 || o->pre_sweeps + o->post_sweeps < 1)
    return RFL_ERROR(RFL_EINPUT, "mg: sweeps pre %d, post %d: expected >= 0 and at least one",
                     o->pre_sweeps, o->post_sweeps);
  if (o->max_coarse < 1 || o->max_coarse > 20000)
    return RFL_ERROR(RFL_EINPUT, "mg: max_coarse %d: expected 1..20000", o->max_coarse);
  if (o->weight != RFL_MG_WEIGHT_HALF && o->weight != RFL_MG_WEIGHT_GEOMETRIC)
    return RFL_ERROR(RFL_EINPUT, "mg: unknown coarse weight %d", (int)o->weight);
  if (!(o->merge_ratio >= 0.0) || !isfinite(o->merge_ratio))
    return RFL_ERROR(RFL_EINPUT, "mg: merge_ratio %g: expected a finite value >= 0",
                     o->merge_ratio);
  if (!g || g->n[0] < 1 || g->n[1] < 1 || g->n[2] < 1)
    return RFL_ERROR(RFL_EINPUT, "mg: grid must have at least one cell per axis");
  return RFL_OK;
}

/* The coarse levels below level 0 with their aggregation, transfer and operators, and
 * (unless the scratch is borrowed) their vectors. 0 when out of memory. */
static int build_levels(rfl_mg *mg, int borrowed) {
  const rfl_mg_options *o = &mg->opt;
  /* the width below which cells merge doubles with every level (see the header) */
  double href;
  rfl_grid_spacing_range(mg->grid, &href, NULL);
  while (mg->nlevels < MG_MAX_LEVELS) {
    mg_level *L = &mg->lev[mg->nlevels - 1];
    const rfl_grid *lg = L->grid;
    if (lg->ncells <= (size_t)o->max_coarse) break;
    int nc[3];
    double limit = plan_level(lg, o, &href, nc);
    if (!aggregation_create(L, nc, limit)) return 0;
    mg_level *C = &mg->lev[mg->nlevels];
    C->grid = coarse_grid_create(lg, nc, L->first);
    if (!C->grid) return 0;
    ++mg->nlevels;
    if (!transfer_create(L, C->grid)) return 0;
    if (rfl_sysmat_create(C->grid, &C->A) != RFL_OK) return 0;
    if (borrowed) continue; /* same grid and options: the same hierarchy, scratch borrowed */
    C->x = calloc(C->grid->ncells, sizeof(double));
    C->b = calloc(C->grid->ncells, sizeof(double));
    C->r = calloc(C->grid->ncells, sizeof(double));
    if (!C->x || !C->b || !C->r) return 0;
  }
  return 1;
}

/* The solver's scratch (level vectors, PCG vectors, the island search), borrowed from the
 * lender of a shared workspace. */
static void borrow_scratch(rfl_mg *mg, const rfl_mg *lender) {
  for (int l = 0; l < mg->nlevels; ++l) {
    mg->lev[l].x = lender->lev[l].x;
    mg->lev[l].b = lender->lev[l].b;
    mg->lev[l].r = lender->lev[l].r;
  }
  mg->r = lender->r;
  mg->z = lender->z;
  mg->p = lender->p;
  mg->q = lender->q;
  mg->queue = lender->queue;
  mg->reached = lender->reached;
}

/* ... or allocated for level 0; 0 when out of memory. */
static int allocate_scratch(rfl_mg *mg) {
  const size_t n0 = mg->grid->ncells;
  mg->lev[0].r = calloc(n0, sizeof(double));
  mg->r = calloc(n0, sizeof(double));
  mg->z = calloc(n0, sizeof(double));
  mg->p = calloc(n0, sizeof(double));
  mg->q = calloc(n0, sizeof(double));
  mg->queue = malloc(n0 * sizeof(size_t));
  mg->reached = malloc(n0);
  return mg->lev[0].r && mg->r && mg->z && mg->p && mg->q && mg->queue && mg->reached;
}

/* The banded direct solver of the coarsest level; 0 when out of memory. */
static int allocate_coarse_solver(rfl_mg *mg) {
  const rfl_grid *gc = mg->lev[mg->nlevels - 1].grid;
  const size_t nc = gc->ncells;
  mg->bw = gc->n[0] * gc->n[1];
  if (mg->bw >= (int)nc) mg->bw = (int)nc - 1;
  mg->band = gsl_matrix_alloc(nc, (size_t)mg->bw + 1);
  mg->rhs = gsl_vector_alloc(nc);
  mg->map = malloc(nc * sizeof(int));
  return mg->band && mg->rhs && mg->map;
}

static rfl_status mg_create(const rfl_grid *g, const rfl_mg_options *opt, rfl_mg *lender,
                            rfl_mg **out) {
  *out = NULL;
  rfl_mg_options o = opt ? *opt : rfl_mg_options_default();
  RFL_CHECK(check_options(&o, g));
  rfl_mg *mg = calloc(1, sizeof *mg);
  if (!mg) return RFL_ERROR(RFL_ENOMEM, "mg: out of memory");
  mg->grid = g;
  mg->opt = o;
  mg->borrowed = lender != NULL;
  mg->lev[0].grid = (rfl_grid *)g; /* never written through: level 0 is the caller's */
  mg->nlevels = 1;
  if (!build_levels(mg, lender != NULL)) goto nomem;
  if (lender) {
    if (lender->nlevels != mg->nlevels) { /* cannot happen: the hierarchy is deterministic */
      rfl_mg_free(mg);
      return RFL_ERROR(RFL_EINTERNAL, "mg: shared workspace of a different hierarchy");
    }
    borrow_scratch(mg, lender);
  } else if (!allocate_scratch(mg)) {
    goto nomem;
  }
  if (!allocate_coarse_solver(mg)) goto nomem;
  *out = mg;
  return RFL_OK;
nomem:
  rfl_mg_free(mg);
  return RFL_ERROR(RFL_ENOMEM, "mg: out of memory building the hierarchy for %d x %d x %d cells",
                   g->n[0], g->n[1], g->n[2]);
}

int rfl_mg_levels(const rfl_mg *mg) { return mg->nlevels; }

void rfl_mg_level_size(const rfl_mg *mg, int l, int n[3]) {
  for (int a = 0; a < 3; ++a) n[a] = (l >= 0 && l < mg->nlevels) ? mg->lev[l].grid->n[a] : 0;
}

int rfl_mg_coarsest_unknowns(const rfl_mg *mg) { return mg->ncoarse; }

/* ---------------------------------------------------------------- setup */

/* Weight of the coarse face between coarse cells I and I+1 along axis a of level l + 1
 * (fine level L): 1 when neither side is merged along a (the face and both cells are the
 * fine ones), else 1/2 (RFL_MG_WEIGHT_HALF) or d_fine / d_coarse, the ratio of the
 * centre-to-centre distances across the face. */
static double coarse_weight(const rfl_mg *mg, const mg_level *L, const rfl_grid *C, int a,
                            int I) {
  const int *first = L->first[a];
  const int ifine = first[I + 1]; /* the fine cell just above the face */
  if (first[I + 1] - first[I] == 1 && first[I + 2] - first[I + 1] == 1) return 1.0;
  if (mg->opt.weight == RFL_MG_WEIGHT_HALF) return 0.5;
  const double dfine = L->grid->xc[a][ifine] - L->grid->xc[a][ifine - 1];
  const double dcoarse = C->xc[a][I + 1] - C->xc[a][I];
  return dfine / dcoarse;
}

/* Which sides of the domain carry Dirichlet couplings on this level (side[a][0] the lower
 * face of axis a, side[a][1] the upper): those where most unknown cells have dirichlet > 0.
 * A Dirichlet boundary gives every cell on it a coupling; a mirror (symmetry) plane or an
 * insulated side gives none, except where an electrode touches it. */
static void dirichlet_sides(const rfl_sysmat *A, int side[3][2]) {
  const rfl_grid *g = A->grid;
  for (int a = 0; a < 3; ++a) {
    const int b1 = (a + 1) % 3, b2 = (a + 2) % 3;
    for (int s = 0; s < 2; ++s) {
      size_t unknown = 0, coupled = 0;
      int ijk[3];
      ijk[a] = s ? g->n[a] - 1 : 0;
      for (ijk[b2] = 0; ijk[b2] < g->n[b2]; ++ijk[b2])
        for (ijk[b1] = 0; ijk[b1] < g->n[b1]; ++ijk[b1]) {
          const size_t c = rfl_grid_index(g, ijk[0], ijk[1], ijk[2]);
          if (A->fixed[c]) continue;
          ++unknown;
          coupled += A->dirichlet[c] > 0.0;
        }
      side[a][s] = 2 * coupled > unknown;
    }
  }
}

/* Scale of the Dirichlet couplings of the unknown fine cell c = ijk (in coarse cell IJK)
 * on the coarse grid. A coupling at distance d (half a cell to the outer boundary, to a
 * Dirichlet neighbour about a cell) sees the coarse cell at a distance larger by the ratio
 * coarse / fine width along the face normal when the cell is merged along that axis, and
 * unchanged otherwise. sysmat keeps only the sum per cell, so it is split over the cell's
 * Dirichlet faces (on a Dirichlet side of the domain, see dirichlet_sides, or towards a
 * Dirichlet cell) in proportion to area / half-width ~ 1 / dx^2, the conductance of a face
 * of a uniform-conductivity cell; with no such face (a coupling to a Dirichlet cell the
 * coarse grid has absorbed) the ratios are averaged. */
static double dirichlet_scale(const mg_level *L, const rfl_grid *C, const int side[3][2],
                              const int ijk[3], const int IJK[3], size_t c,
                              const size_t fst[3]) {
  const rfl_grid *F = L->grid;
  const uint8_t *fixed = L->A->fixed;
  double num = 0.0, den = 0.0, mean = 0.0;
  for (int a = 0; a < 3; ++a) {
    const int i = ijk[a], I = IJK[a];
    const double h = F->dx[a][i];
    const double ratio = L->first[a][I + 1] - L->first[a][I] == 2 ? h / C->dx[a][I] : 1.0;
    const int lo = i == 0 ? side[a][0] : fixed[c - fst[a]] == RFL_FIXED_DIRICHLET;
    const int hi = i == F->n[a] - 1 ? side[a][1] : fixed[c + fst[a]] == RFL_FIXED_DIRICHLET;
    num += (lo + hi) * ratio / (h * h);
    den += (lo + hi) / (h * h);
    mean += ratio / 3.0;
  }
  return den > 0.0 ? num / den : mean;
}

/* Level l+1's operator from level l's, in two passes: the coarse fixed mask (a coarse cell
 * is fixed when more than half of its fine cells are: the embedded electrode keeps its size
 * on every level instead of shrinking to the cells entirely inside it), then diag,
 * dirichlet and the face conductances from the unknown fine cells of each unknown coarse
 * cell. A coarse face towards a fixed coarse cell becomes a Dirichlet coupling (folded into
 * diag and dirichlet with the face weight), as the fine assembly does it. */
static void build_coarse(rfl_mg *mg, int l) {
  const mg_level *L = &mg->lev[l];
  const rfl_sysmat *A = L->A;
  rfl_sysmat *Ac = mg->lev[l + 1].A;
  const rfl_grid *F = L->grid, *C = mg->lev[l + 1].grid;
  const int cn0 = C->n[0], cn1 = C->n[1], cn2 = C->n[2];
  const size_t fst[3] = {1, (size_t)F->n[0], (size_t)F->n[0] * (size_t)F->n[1]};
  const size_t cst[3] = {1, (size_t)cn0, (size_t)cn0 * (size_t)cn1};
  int *const *first = L->first;
  int side[3][2];
  dirichlet_sides(A, side);
  RFL_OMP_FOR_COLLAPSE2_N(F->ncells)
  for (int K = 0; K < cn2; ++K)
    for (int J = 0; J < cn1; ++J)
      for (int I = 0; I < cn0; ++I) {
        int ndirichlet = 0, nunknown = 0, nall = 0;
        for (int k = first[2][K]; k < first[2][K + 1]; ++k)
          for (int j = first[1][J]; j < first[1][J + 1]; ++j)
            for (int i = first[0][I]; i < first[0][I + 1]; ++i) {
              const uint8_t fx = A->fixed[rfl_grid_index(F, i, j, k)];
              ndirichlet += fx == RFL_FIXED_DIRICHLET;
              nunknown += fx == RFL_UNKNOWN;
              ++nall;
            }
        /* Dirichlet majority: a Dirichlet coarse cell (zero correction). An insulating
         * (excluded) cell must not become one, or the coarse grids would see a grounded
         * conductor where the fine problem has a no-flux surface (the potential problem's
         * insulated shaft made PCG crawl at 0.75 per iteration that way). */
        Ac->fixed[rfl_grid_index(C, I, J, K)] =
            (uint8_t)(2 * ndirichlet > nall ? RFL_FIXED_DIRICHLET
                                            : (nunknown == 0 ? RFL_FIXED_EXCLUDED : RFL_UNKNOWN));
      }
  RFL_OMP_FOR_COLLAPSE2_N(F->ncells)
  for (int K = 0; K < cn2; ++K)
    for (int J = 0; J < cn1; ++J)
      for (int I = 0; I < cn0; ++I) {
        const int IJK[3] = {I, J, K};
        const size_t cc = rfl_grid_index(C, I, J, K);
        Ac->g[0][cc] = Ac->g[1][cc] = Ac->g[2][cc] = 0.0;
        Ac->diag[cc] = Ac->dirichlet[cc] = 0.0;
        if (Ac->fixed[cc]) continue;
        const int lo[3] = {first[0][I], first[1][J], first[2][K]};
        const int hi[3] = {first[0][I + 1], first[1][J + 1], first[2][K + 1]};
        double d = 0.0, dd = 0.0, ghi[3] = {0.0, 0.0, 0.0}, glo[3] = {0.0, 0.0, 0.0};
        for (int k = lo[2]; k < hi[2]; ++k)
          for (int j = lo[1]; j < hi[1]; ++j)
            for (int i = lo[0]; i < hi[0]; ++i) {
              const size_t c = rfl_grid_index(F, i, j, k);
              if (A->fixed[c]) continue;
              const int ijk[3] = {i, j, k};
              const double dc = A->dirichlet[c];
              const double dcs =
                  dc > 0.0 ? dc * dirichlet_scale(L, C, side, ijk, IJK, c, fst) : 0.0;
              d += A->diag[c] - dc + dcs;
              dd += dcs;
              for (int a = 0; a < 3; ++a) {
                if (ijk[a] == hi[a] - 1) ghi[a] += A->g[a][c];
                if (ijk[a] == lo[a] && lo[a] > 0) glo[a] += A->g[a][c - fst[a]];
              }
            }
        for (int a = 0; a < 3; ++a) {
          if (IJK[a] < C->n[a] - 1) {
            const double g = ghi[a] * coarse_weight(mg, L, C, a, IJK[a]);
            if (Ac->fixed[cc + cst[a]] == RFL_FIXED_DIRICHLET) {
              d += g;
              dd += g;
            } else if (Ac->fixed[cc + cst[a]] == RFL_UNKNOWN) {
              Ac->g[a][cc] = g;
            } /* an excluded neighbour has only non-unknown fine cells: g is 0 */
          }
          if (IJK[a] > 0 && Ac->fixed[cc - cst[a]] == RFL_FIXED_DIRICHLET) {
            const double g = glo[a] * coarse_weight(mg, L, C, a, IJK[a] - 1);
            d += g;
            dd += g;
          }
        }
        Ac->diag[cc] = d;
        Ac->dirichlet[cc] = dd;
      }
}

/* The coarsest operator over its unknowns (numbered in grid order, so every coupling lies
 * within the band n0 * n1), Cholesky-factorised in band storage: O(m bw^2) work instead
 * of the O(m^3) of a dense factorisation (which took 53 s for 16^3 cells). */
static rfl_status build_coarsest(rfl_mg *mg) {
  const mg_level *L = &mg->lev[mg->nlevels - 1];
  const rfl_sysmat *A = L->A;
  const rfl_grid *G = L->grid;
  int m = 0;
  for (size_t c = 0; c < G->ncells; ++c) mg->map[c] = A->fixed[c] ? -1 : m++;
  mg->ncoarse = m;
  if (m == 0) return RFL_OK;
  gsl_matrix_view B = gsl_matrix_submatrix(mg->band, 0, 0, (size_t)m, (size_t)mg->bw + 1);
  gsl_matrix_set_zero(&B.matrix);
  const size_t stride[3] = {1, (size_t)G->n[0], (size_t)G->n[0] * (size_t)G->n[1]};
  for (size_t c = 0; c < G->ncells; ++c) {
    const int p = mg->map[c];
    if (p < 0) continue;
    *gsl_matrix_ptr(&B.matrix, (size_t)p, 0) += A->diag[c];
    for (int a = 0; a < 3; ++a) {
      const double g = A->g[a][c];
      if (g == 0.0) continue;
      const int q = mg->map[c + stride[a]]; /* > p, and q - p <= n0 * n1 */
      *gsl_matrix_ptr(&B.matrix, (size_t)p, 0) += g;
      *gsl_matrix_ptr(&B.matrix, (size_t)q, 0) += g;
      *gsl_matrix_ptr(&B.matrix, (size_t)p, (size_t)(q - p)) -= g;
    }
  }
  int rc = gsl_linalg_cholesky_band_decomp(&B.matrix);
  if (rc != GSL_SUCCESS)
    return RFL_ERROR(RFL_EINPUT,
                     "mg: coarsest operator (%d unknowns) is not positive definite (%s): a "
                     "connected region has no Dirichlet coupling or diagonal term",
                     m, gsl_strerror(rc));
  return RFL_OK;
}

/* Every connected region of unknowns must hold a cell with diag > 0, or A is singular (the
 * coarse grids could hide it: a coarse cell that is mostly electrode is fixed, and the faces
 * into it become Dirichlet couplings). Breadth-first search from those cells over g > 0. */
static rfl_status check_grounded(rfl_mg *mg, const rfl_sysmat *A) {
  const rfl_grid *g = A->grid;
  const size_t n = g->ncells, sy = (size_t)g->n[0], sz = sy * (size_t)g->n[1];
  size_t head = 0, tail = 0;
  for (size_t c = 0; c < n; ++c) {
    mg->reached[c] = A->fixed[c] || A->diag[c] > 0.0;
    if (!A->fixed[c] && A->diag[c] > 0.0) mg->queue[tail++] = c;
  }
  while (head < tail) {
    const size_t c = mg->queue[head++];
    const size_t nb[6] = {c + 1, c - 1, c + sy, c - sy, c + sz, c - sz};
    const double gf[6] = {A->g[0][c], c % sy > 0 ? A->g[0][c - 1] : 0.0,
                          A->g[1][c], (c / sy) % (size_t)g->n[1] > 0 ? A->g[1][c - sy] : 0.0,
                          A->g[2][c], c >= sz ? A->g[2][c - sz] : 0.0};
    for (int f = 0; f < 6; ++f)
      if (gf[f] > 0.0 && !mg->reached[nb[f]]) {
        mg->reached[nb[f]] = 1;
        mg->queue[tail++] = nb[f];
      }
  }
  for (size_t c = 0; c < n; ++c)
    if (!mg->reached[c]) {
      const int i = (int)(c % sy), j = (int)((c / sy) % (size_t)g->n[1]), k = (int)(c / sz);
      return RFL_ERROR(RFL_EINPUT,
                       "mg: the region of unknowns around cell (%d, %d, %d) has no Dirichlet "
                       "coupling or diagonal term: the system is singular",
                       i, j, k);
    }
  return RFL_OK;
}

rfl_status rfl_mg_setup(rfl_mg *mg, const rfl_sysmat *A) {
  mg->ready = 0;
  const rfl_grid *g = mg->grid;
  if (!A || A->grid->n[0] != g->n[0] || A->grid->n[1] != g->n[1] || A->grid->n[2] != g->n[2])
    return RFL_ERROR(RFL_EINPUT, "mg: setup with a matrix for another grid (expected %d x %d x %d)",
                     g->n[0], g->n[1], g->n[2]);
  RFL_CHECK(rfl_sysmat_check(A));
  RFL_CHECK(check_grounded(mg, A));
  mg->lev[0].A = (rfl_sysmat *)A; /* never written through */
  for (int l = 0; l + 1 < mg->nlevels; ++l) build_coarse(mg, l);
  RFL_CHECK(build_coarsest(mg));
  mg->ready = 1;
  return RFL_OK;
}

/* ---------------------------------------------------------------- cycle kernels */

/* b_C = sum of the children's r (level l -> l+1). */
static void restrict_sum(const rfl_mg *mg, int l, const double *r, double *bc) {
  const mg_level *L = &mg->lev[l];
  const rfl_grid *F = L->grid, *C = mg->lev[l + 1].grid;
  const int fn0 = F->n[0], cn0 = C->n[0], cn1 = C->n[1], cn2 = C->n[2];
  const int *p0 = L->parent[0];
  RFL_OMP_FOR_COLLAPSE2_N(F->ncells)
  for (int K = 0; K < cn2; ++K)
    for (int J = 0; J < cn1; ++J) {
      double *out = bc + rfl_grid_index(C, 0, J, K);
      for (int I = 0; I < cn0; ++I) out[I] = 0.0;
      for (int k = L->first[2][K]; k < L->first[2][K + 1]; ++k)
        for (int j = L->first[1][J]; j < L->first[1][J + 1]; ++j) {
          const double *row = r + rfl_grid_index(F, 0, j, k);
          for (int i = 0; i < fn0; ++i) out[p0[i]] += row[i];
        }
    }
}

/* x_c += x_C on every unknown child c of C (level l+1 -> l). */
static void prolong_add(const rfl_mg *mg, int l, const double *xc, double *x) {
  const mg_level *L = &mg->lev[l];
  const rfl_grid *F = L->grid, *C = mg->lev[l + 1].grid;
  const uint8_t *fixed = L->A->fixed;
  const int fn0 = F->n[0], fn1 = F->n[1], fn2 = F->n[2];
  const int *p0 = L->parent[0];
  RFL_OMP_FOR_COLLAPSE2_N(F->ncells)
  for (int k = 0; k < fn2; ++k)
    for (int j = 0; j < fn1; ++j) {
      const size_t c0 = rfl_grid_index(F, 0, j, k);
      const double *in = xc + rfl_grid_index(C, 0, L->parent[1][j], L->parent[2][k]);
      double *row = x + c0;
      const uint8_t *fx = fixed + c0;
      for (int i = 0; i < fn0; ++i) row[i] += fx[i] ? 0.0 : in[p0[i]];
    }
}

/* b_C = sum over fine c of P_cC r_c, P the linear prolongation (level l -> l+1). */
static void restrict_linear(const rfl_mg *mg, int l, const double *r, double *bc) {
  const mg_level *L = &mg->lev[l];
  const rfl_grid *F = L->grid, *C = mg->lev[l + 1].grid;
  const int fn0 = F->n[0], fn1 = F->n[1], fn2 = F->n[2];
  const int cn0 = C->n[0], cn1 = C->n[1], cn2 = C->n[2];
  RFL_OMP_FOR_COLLAPSE2_N(F->ncells)
  for (int K = 0; K < cn2; ++K)
    for (int J = 0; J < cn1; ++J) {
      double *out = bc + rfl_grid_index(C, 0, J, K);
      for (int I = 0; I < cn0; ++I) out[I] = 0.0;
      const int k0 = L->rs[2][K], j0 = L->rs[1][J];
      for (int mk = 0; mk < 4 && k0 + mk < fn2; ++mk) {
        const double wk = L->rw[2][4 * K + mk];
        if (wk == 0.0) continue;
        for (int mj = 0; mj < 4 && j0 + mj < fn1; ++mj) {
          const double wjk = wk * L->rw[1][4 * J + mj];
          if (wjk == 0.0) continue;
          const double *row = r + rfl_grid_index(F, 0, j0 + mj, k0 + mk);
          for (int I = 0; I < cn0; ++I) {
            const int i0 = L->rs[0][I];
            const double *rw = L->rw[0] + 4 * I;
            double s = rw[0] * row[i0];
            for (int m = 1; m < 4 && i0 + m < fn0; ++m) s += rw[m] * row[i0 + m];
            out[I] += wjk * s;
          }
        }
      }
    }
}

/* x_c += (P x_C)_c on every unknown fine cell c, P linear (level l+1 -> l). */
static void prolong_linear(const rfl_mg *mg, int l, const double *xc, double *x) {
  const mg_level *L = &mg->lev[l];
  const rfl_grid *F = L->grid, *C = mg->lev[l + 1].grid;
  const uint8_t *fixed = L->A->fixed;
  const int fn0 = F->n[0], fn1 = F->n[1], fn2 = F->n[2];
  RFL_OMP_FOR_COLLAPSE2_N(F->ncells)
  for (int k = 0; k < fn2; ++k)
    for (int j = 0; j < fn1; ++j) {
      const size_t c0 = rfl_grid_index(F, 0, j, k);
      const double wk = L->w[2][k], wj = L->w[1][j];
      const double *r00 = xc + rfl_grid_index(C, 0, L->lo[1][j], L->lo[2][k]);
      const double *r10 = xc + rfl_grid_index(C, 0, L->hi[1][j], L->lo[2][k]);
      const double *r01 = xc + rfl_grid_index(C, 0, L->lo[1][j], L->hi[2][k]);
      const double *r11 = xc + rfl_grid_index(C, 0, L->hi[1][j], L->hi[2][k]);
      const double w00 = wj * wk, w10 = (1.0 - wj) * wk, w01 = wj * (1.0 - wk),
                   w11 = (1.0 - wj) * (1.0 - wk);
      const int *lo = L->lo[0], *hi = L->hi[0];
      const double *w = L->w[0];
      double *row = x + c0;
      const uint8_t *fx = fixed + c0;
      for (int i = 0; i < fn0; ++i) {
        const int a = lo[i], b = hi[i];
        const double yl = w00 * r00[a] + w10 * r10[a] + w01 * r01[a] + w11 * r11[a];
        const double yh = w00 * r00[b] + w10 * r10[b] + w01 * r01[b] + w11 * r11[b];
        row[i] += fx[i] ? 0.0 : w[i] * yl + (1.0 - w[i]) * yh;
      }
    }
}

static void restrict_residual(const rfl_mg *mg, int l, const double *r, double *bc) {
  if (mg->opt.linear) restrict_linear(mg, l, r, bc);
  else restrict_sum(mg, l, r, bc);
}

static void prolong(const rfl_mg *mg, int l, const double *xc, double *x) {
  if (mg->opt.linear) prolong_linear(mg, l, xc, x);
  else prolong_add(mg, l, xc, x);
}

static void coarse_solve(rfl_mg *mg, const double *b, double *x) {
  const rfl_grid *G = mg->lev[mg->nlevels - 1].grid;
  for (size_t c = 0; c < G->ncells; ++c)
    if (mg->map[c] >= 0) gsl_vector_set(mg->rhs, (size_t)mg->map[c], b[c]);
  if (mg->ncoarse > 0) {
    gsl_matrix_view B =
        gsl_matrix_submatrix(mg->band, 0, 0, (size_t)mg->ncoarse, (size_t)mg->bw + 1);
    gsl_vector_view v = gsl_vector_subvector(mg->rhs, 0, (size_t)mg->ncoarse);
    gsl_linalg_cholesky_band_svx(&B.matrix, &v.vector); /* cannot fail after the decomp */
  }
  for (size_t c = 0; c < G->ncells; ++c)
    x[c] = mg->map[c] >= 0 ? gsl_vector_get(mg->rhs, (size_t)mg->map[c]) : 0.0;
}

static void smooth(const rfl_sysmat *A, const double *b, double *x, int sweeps, int first) {
  for (int s = 0; s < sweeps; ++s) {
    rfl_sysmat_smooth_color(A, b, x, first);
    rfl_sysmat_smooth_color(A, b, x, 1 - first);
  }
}

/* x <- B b on level l, with x = 0 on entry. */
static void vcycle(rfl_mg *mg, int l, const double *b, double *x) {
  if (l == mg->nlevels - 1) {
    coarse_solve(mg, b, x);
    return;
  }
  mg_level *L = &mg->lev[l], *C = &mg->lev[l + 1];
  smooth(L->A, b, x, mg->opt.pre_sweeps, 0);
  rfl_sysmat_residual(L->A, b, x, L->r);
  restrict_residual(mg, l, L->r, C->b);
  memset(C->x, 0, C->grid->ncells * sizeof(double));
  vcycle(mg, l + 1, C->b, C->x);
  prolong(mg, l, C->x, x);
  smooth(L->A, b, x, mg->opt.post_sweeps, 1);
}

/* z = B r on level 0. */
static void precondition(rfl_mg *mg, const double *r, double *z) {
  memset(z, 0, mg->grid->ncells * sizeof(double));
  vcycle(mg, 0, r, z);
}

void rfl_mg_bench_smooth(rfl_mg *mg, const double *b, double *x) {
  smooth(mg->lev[0].A, b, x, 1, 0);
}

void rfl_mg_bench_transfer(rfl_mg *mg, const double *b, double *x) {
  if (mg->nlevels < 2) return;
  rfl_sysmat_residual(mg->lev[0].A, b, x, mg->lev[0].r);
  restrict_residual(mg, 0, mg->lev[0].r, mg->lev[1].b);
  prolong(mg, 0, mg->lev[1].b, x);
}

/* ---------------------------------------------------------------- iterate / test */

static rfl_status require_setup(const rfl_mg *mg) {
  if (!mg->ready) return RFL_ERROR(RFL_EUSAGE, "mg: solve before a successful rfl_mg_setup");
  return RFL_OK;
}

rfl_status rfl_mg_residual_norm(rfl_mg *mg, const double *b, const double *x, double *norm) {
  RFL_CHECK(require_setup(mg));
  const rfl_sysmat *A = mg->lev[0].A;
  rfl_sysmat_residual(A, b, x, mg->r);
  *norm = rfl_sysmat_norm(A, mg->r);
  if (!isfinite(*norm)) return RFL_ERROR(RFL_ENUMERIC, "mg: residual norm is %g", *norm);
  return RFL_OK;
}

rfl_status rfl_mg_vcycle(rfl_mg *mg, const double *b, double *x) {
  double rn;
  RFL_CHECK(rfl_mg_residual_norm(mg, b, x, &rn));
  precondition(mg, mg->r, mg->z);
  const size_t n = mg->grid->ncells;
  double *z = mg->z;
  RFL_OMP_FOR
  for (size_t c = 0; c < n; ++c) x[c] += z[c];
  return RFL_OK;
}

rfl_status rfl_mg_solve(rfl_mg *mg, const double *b, double *x, double rtol, double atol,
                        int max_iterations, rfl_mg_info *info) {
  rfl_mg_info dummy;
  if (!info) info = &dummy;
  memset(info, 0, sizeof *info);
  RFL_CHECK(require_setup(mg));
  if (!(rtol >= 0.0) || !(atol >= 0.0) || max_iterations < 0)
    return RFL_ERROR(RFL_EINPUT, "mg: rtol %g, atol %g, max_iterations %d: expected >= 0", rtol,
                     atol, max_iterations);
  const rfl_sysmat *A = mg->lev[0].A;
  const size_t n = mg->grid->ncells;
  double *r = mg->r, *z = mg->z, *p = mg->p, *q = mg->q;

  const double bnorm = rfl_sysmat_norm(A, b);
  if (!isfinite(bnorm)) return RFL_ERROR(RFL_ENUMERIC, "mg: right-hand side norm is %g", bnorm);
  double rn;
  RFL_CHECK(rfl_mg_residual_norm(mg, b, x, &rn)); /* r = b - A x */
  info->residual_norm0 = info->residual_norm = rn;
  info->rate = 0.0;
  const double tol = fmax(rtol * bnorm, atol);
  if (rn <= tol) {
    info->converged = 1;
    return RFL_OK;
  }
  precondition(mg, r, z);
  memcpy(p, z, n * sizeof(double));
  double rz = rfl_parallel_dot(r, z, NULL, n);
  for (int it = 1; it <= max_iterations; ++it) {
    rfl_sysmat_apply(A, p, q);
    const double pq = rfl_parallel_dot(p, q, NULL, n);
    if (!isfinite(pq) || !isfinite(rz))
      return RFL_ERROR(RFL_ENUMERIC, "mg: PCG iteration %d: p.Ap = %g, r.z = %g", it, pq, rz);
    if (!(pq > 0.0)) /* A p = 0 for p != 0: the system is singular or not SPD */
      return RFL_ERROR(RFL_ENUMERIC, "mg: PCG iteration %d: p.Ap = %g, expected > 0", it, pq);
    const double alpha = rz / pq;
    RFL_OMP_FOR
    for (size_t c = 0; c < n; ++c) {
      x[c] += alpha * p[c];
      r[c] -= alpha * q[c];
    }
    rn = sqrt(rfl_parallel_dot(r, r, NULL, n));
    info->iterations = it;
    info->residual_norm = rn;
    info->rate = pow(rn / info->residual_norm0, 1.0 / it);
    if (!isfinite(rn)) return RFL_ERROR(RFL_ENUMERIC, "mg: PCG iteration %d: residual %g", it, rn);
    if (rn <= tol) {
      info->converged = 1;
      break;
    }
    if (it == max_iterations) break;
    precondition(mg, r, z);
    const double rz_new = rfl_parallel_dot(r, z, NULL, n);
    const double beta = rz_new / rz;
    rz = rz_new;
    RFL_OMP_FOR
    for (size_t c = 0; c < n; ++c) p[c] = z[c] + beta * p[c];
  }
  return RFL_OK;
}
