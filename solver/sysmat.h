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

typedef struct {
  const rfl_grid *grid;  /* not owned */
  double *g[3];          /* g[a][c]: conductance of the face between c and c + e_a (0 on the
                            last layer of axis a and wherever a side is not an unknown) */
  double *diag;          /* per cell, >= 0; > 0 somewhere in every connected component */
  uint8_t *fixed;        /* per cell: 1 = not an unknown */
} rfl_sysmat;

/* Allocate the arrays for a grid (zeroed). */
rfl_status rfl_sysmat_create(const rfl_grid *g, rfl_sysmat **out);
void rfl_sysmat_free(rfl_sysmat *m);

/* y = A x on the unknowns (y = 0 on fixed cells). OpenMP-parallel, deterministic. */
void rfl_sysmat_apply(const rfl_sysmat *m, const double *x, double *y);

#endif
