// SPDX-License-Identifier: BSD-3-Clause
/* Assembly of the two elliptic problems of a time step from the voxelised geometry and the
 * current temperature, in the conductance form of sysmat.h (finite-volume flux form).
 *
 * Face conductance between cells c and n along axis a, with the material interface at the
 * fraction theta of the centre-to-centre distance d on c's side (geometry.h cut arrays):
 *     G = A / (theta d / p_c + (1 - theta) d / p_n),      A = face area,
 * p = sigma (potential) or k (heat): the harmonic mean with the true interface position,
 * exact for a planar interface and conservative at every material jump.
 * A face between a tissue cell and the active electrode is a Dirichlet face at the true
 * surface distance: G = A p_c / (theta d); the insulated shaft carries no current; the outer
 * boundary is Dirichlet at half a cell: G = A p_c / (dx / 2) (for the potential only in
 * monopolar cases; with a bipolar return probe the boundary is insulating).
 * Potential: active-probe tip cells are fixed at 1 (unit voltage; the field is linear in V),
 * return-probe tip cells at 0, shaft and other metal cells excluded.
 * Joule heat per cell at unit voltage is the dissipation G (dV)^2 of each face, split
 * between the two cells in proportion to their share of the face's resistance (all of it to
 * the tissue side at the electrode and at the boundary); the total equals V I exactly for
 * the discrete solution, so electrical and thermal energy balance to solver tolerance.
 *
 * Faces an interface cuts (shares.h): a face between two cells of the same label whose
 * column holds the share f of a second material, and an outer-boundary face likewise, take
 *     p = n_a^2 / ((1 - f) / p_own + f / p_other) + (1 - n_a^2) ((1 - f) p_own + f p_other),
 * p_own the face's conductivity above, p_other the second material's at the two cells' mean
 * temperature, n_a the interface normal's component along the face's axis: arithmetic for
 * an interface parallel to the flux, harmonic across it (a laminate). Without it, the
 * faces parallel to an interface that cuts a cell carry the wrong material over part of
 * their area, a first-order error. In the potential, only shares of conducting tissue
 * count (the electrode is a boundary there). */
#ifndef RFL_COEFFICIENTS_H
#define RFL_COEFFICIENTS_H

#include "case.h"
#include "geometry.h"
#include "sysmat.h"

/* Smallest fraction of a centre-to-centre distance used for a Dirichlet face: a cell centre
 * almost on the electrode surface would otherwise give an unbounded conductance. */
#define RFL_MIN_FACE_FRACTION 0.05

typedef struct {
  const rfl_case *kase;      /* not owned */
  const rfl_geometry *geo;   /* not owned */
  double *prop;              /* per-cell scratch: sigma or k at the current temperature */
  const double *vapour;      /* not owned: vaporised water fraction per cell; when set,
                                sigma's desiccation follows it instead of T */
} rfl_assembler;

rfl_status rfl_assembler_create(const rfl_case *c, const rfl_geometry *geo, rfl_assembler **out);
void rfl_assembler_free(rfl_assembler *as);

/* Potential problem at temperature T: fills A (g, diag, fixed), the right-hand side b
 * (Dirichlet contributions) and the fixed values of x. */
void rfl_assembler_potential(rfl_assembler *as, const double *T, rfl_sysmat *A, double *b,
                             double *x);

/* Unit-voltage Joule heat per cell (W at 1 V) from the potential x solved at temperature T;
 * returns the total over the whole domain (mirror images included), which is the tissue
 * conductance G seen by the tip (A/V). */
double rfl_assembler_joule(rfl_assembler *as, const double *T, const double *x, double *q);

/* Heat conduction at temperature T: fills the face conductances of A, sets diag to the
 * outer-boundary conductance of each cell (W/K) and copies it to boundary_g; the caller
 * adds mass, perfusion and cooling to diag. Nothing is fixed. */
void rfl_assembler_heat(rfl_assembler *as, const double *T, rfl_sysmat *A, double *boundary_g);

/* Volumetric heat capacity rho c of cell c, J/(m^3 K), weighted by the volume shares of
 * its materials where an interface cuts it (shares.h). */
double rfl_cell_rho_c(const rfl_case *k, const rfl_geometry *geo, size_t c);

#endif
