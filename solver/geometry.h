// SPDX-License-Identifier: BSD-3-Clause
/* The case's geometry on the grid: a material label and an electrode part per cell, and
 * where material interfaces cut the segments between neighbouring cell centres.
 *
 * Labels come from (in order, later overriding earlier) the background material, an
 * optional labelled voxel volume (resampled by nearest neighbour at cell centres), the
 * structures in file order, and finally the probes. A cell takes the label of its centre.
 *
 * For every face between two cells whose labels differ, `cut[a][c]` is the fraction of the
 * centre-to-centre segment (cell c to c + e_a) that lies on cell c's side of the interface,
 * located to 1e-9 of the segment by bisection on the point classifier; 0.5 elsewhere. The
 * solver uses it for sharp-interface face coefficients (harmonic combination with the true
 * distances) and for Dirichlet distances to the electrode, which makes the electrode
 * boundary second-order rather than a staircase. The cells and faces an interface cuts also
 * carry the shares of the second material (shares.h). */
#ifndef RFL_GEOMETRY_H
#define RFL_GEOMETRY_H

#include <stdint.h>

#include "case.h"
#include "grid.h"
#include "status.h"

typedef enum {
  RFL_PART_TISSUE = 0,   /* anything not electrode */
  RFL_PART_ACTIVE = 1,   /* exposed (active) electrode tip */
  RFL_PART_SHAFT = 2     /* insulated shaft */
} rfl_part;

typedef struct {
  uint8_t material; /* material index into rfl_case.materials */
  uint8_t part;     /* rfl_part */
  uint8_t probe;    /* probe index for ACTIVE/SHAFT cells, 0 otherwise */
} rfl_label;

struct rfl_cell_share;
struct rfl_face_share;

typedef struct {
  const rfl_grid *grid;      /* not owned */
  rfl_label *label;          /* per cell */
  float *cut[3];             /* per cell c: interface fraction on the face c | c + e_a */
  rfl_vec3 thermocouple[RFL_MAX_PROBES]; /* distal tip point of each probe, m */
  size_t material_cells[RFL_MAX_MATERIALS]; /* cells per material */
  size_t part_cells[3];      /* cells per part */
  rfl_symmetry symmetry;     /* mirror planes of the case (lower x / y faces) */
  /* material shares of the cells and faces an interface cuts (shares.h), sparse */
  struct rfl_cell_share *cell_shares;
  size_t ncell_shares;
  struct rfl_face_share *face_shares;
  size_t nface_shares;
  uint8_t *share_bits;       /* bit c set: cell c has an entry in cell_shares */
} rfl_geometry;

/* The structure that owns point p: 1 + the index of the last structure (in file order)
 * that contains it, whose material the voxeliser paints there; 0 when none does. Probes
 * paint over it. */
int rfl_geometry_structure_at(const rfl_case *c, rfl_vec3 p);

/* Classify a point the way the voxeliser does (exposed for tests and postproc). */
rfl_label rfl_geometry_classify(const rfl_case *c, const void *voxels, rfl_vec3 p);

/* Voxelise the case on the grid. Errors name the offending section/key (probe or structure
 * entirely outside the domain, electrode under-resolved, voxel file unreadable). */
rfl_status rfl_geometry_create(const rfl_case *c, const rfl_grid *g, rfl_geometry **out);
void rfl_geometry_free(rfl_geometry *geo);

/* How well the grid represents probe p's electrode (active + shaft inside the domain):
 * voxelised volume and surface area (faces between electrode and non-electrode cells)
 * against the exact values. The staircase area does not converge to the exact one (it
 * tends to about 4/pi of it for a cylinder); the report says so. */
typedef struct {
  double volume_exact, volume_grid;   /* m^3 */
  double area_exact, area_grid;       /* m^2 */
  double active_area_exact;           /* exposed tip area, m^2 */
  double cells_per_radius;            /* radius / finest local spacing */
} rfl_electrode_report;

rfl_status rfl_geometry_electrode_report(const rfl_case *c, const rfl_geometry *geo, int p,
                                         rfl_electrode_report *out);

#endif
