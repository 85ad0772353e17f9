// SPDX-License-Identifier: BSD-3-Clause
/* A symmetric positive definite 7-point system on the grid, in conductance form:
 *
 *   (A x)_c = diag_c x_c + sum over the six faces f of c with an unknown neighbour n:
 *             g_f (x_c - x_n)
 *
 * g_f >= 0 is the face conductance (S for the potential, W/K for heat). Faces to cells
 * that are not unknowns (fixed[c] != 0: Dirichlet electrode cells, excluded cells such as
 * the insulated shaft in the potential problem) and to the outer boundary are the caller's
 * business: it folds their conductance into diag and their known value into the right-hand
 * side, and stores g = 0 there. The same form serves the potential problem (diag holds only
 * Dirichlet couplings) and the implicit heat step (diag adds rho c V / dt, perfusion and
 * cooling). Fixed cells carry x = their given value and take no part in the solve. */
#ifndef RFL_SYSMAT_H
#define RFL_SYSMAT_H

#include <stdint.h>

#include "grid.h"

enum { RFL_UNKNOWN = 0, RFL_FIXED_DIRICHLET = 1, RFL_FIXED_EXCLUDED = 2 };

/* A face conductance as stored: single precision. Its rounding (6e-8 relative) perturbs the
 * operator far below the model's and the discretisation's errors, the operator stays
 * symmetric and conservative (one value per face), and every product and sum with it is
 * accumulated in double. It halves the largest array family of an operator. */
typedef float rfl_face_g;

typedef struct {
  const rfl_grid *grid;  /* not owned */
  rfl_face_g *g[3];      /* g[a][c]: conductance of the face between c and c + e_a (0 on the
                            last layer of axis a and wherever a side is not an unknown) */
  double *diag;          /* per cell, >= 0; > 0 somewhere in every connected component */
  uint8_t *fixed;        /* per cell: RFL_UNKNOWN, or not an unknown: RFL_FIXED_DIRICHLET
                            (a known value, e.g. the active electrode) or RFL_FIXED_EXCLUDED
                            (outside the problem, e.g. the insulated shaft: no couplings).
                            The multigrid coarsens the two differently. */
  double *dirichlet;     /* per cell, 0 <= dirichlet <= diag: the part of diag that is a
                            conductance to a known value (outer-boundary faces, faces to
                            fixed cells), as opposed to volume terms (rho c V / dt, perfusion).
                            Not part of A; the multigrid scales it like a face conductance
                            on coarse grids. Optional (zeroed by create): leaving it 0 gives
                            the same solution, but with Dirichlet couplings the V-cycle
                            converges much more slowly (factor ~0.5 instead of ~0.1). */
} rfl_sysmat;

/* Bytes per cell of one operator's arrays (g[3], diag, dirichlet, fixed). */
#define RFL_SYSMAT_BYTES_PER_CELL (3 * sizeof(rfl_face_g) + 2 * sizeof(double) + sizeof(uint8_t))

/* Allocate the arrays for a grid (zeroed). */
rfl_status rfl_sysmat_create(const rfl_grid *g, rfl_sysmat **out);
void rfl_sysmat_free(rfl_sysmat *m);

/* y = A x on the unknowns (y = 0 on fixed cells). OpenMP-parallel, deterministic. */
void rfl_sysmat_apply(const rfl_sysmat *m, const double *x, double *y);

/* r = b - A x on the unknowns (r = 0 on fixed cells). */
void rfl_sysmat_residual(const rfl_sysmat *m, const double *b, const double *x, double *r);

/* sum of u_c v_c over the unknowns, and the 2-norm of v over the unknowns. Deterministic:
 * bit-identical for any thread count (rfl_parallel_dot). */
double rfl_sysmat_dot(const rfl_sysmat *m, const double *u, const double *v);
double rfl_sysmat_norm(const rfl_sysmat *m, const double *v);

/* One Gauss-Seidel half-sweep over the unknowns of one colour, (i + j + k) % 2 == color:
 * x_c <- (b_c + sum_f g_f x_n) / (diag_c + sum_f g_f). Cells of one colour couple only to
 * the other colour, so the half-sweep is a parallel, order-independent (deterministic)
 * Jacobi update of that colour. The multigrid smoother. */
void rfl_sysmat_smooth_color(const rfl_sysmat *m, const double *b, double *x, int color);

/* Checks the contract above: every coefficient finite (else RFL_ENUMERIC), g >= 0,
 * diag >= 0 and 0 <= dirichlet <= diag (1e-12 relative slack), g = 0 on the last layer of each axis and on every face that touches a fixed
 * cell, and every unknown has diag > 0 or a coupling (else RFL_EINPUT). The message names
 * the first offending cell. One read pass; rfl_mg_setup calls it. */
rfl_status rfl_sysmat_check(const rfl_sysmat *m);

#endif
