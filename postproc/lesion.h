/* Lesion metrics from a cell-centred field on the grid, located to sub-cell accuracy.
 *
 * A lesion is the region where a level function phi >= 0 over tissue cells. For the
 * Arrhenius lesion phi = ln(Omega) (Omega grows exponentially across the front, so its
 * logarithm is nearly linear there and interpolates well); for an isotherm lesion
 * phi = Tpeak - T_iso. The surface phi = 0 is located by linear interpolation of phi
 * between neighbouring cell centres (and trilinear interpolation inside the dual cells for
 * volumes), never by counting cells.
 *
 * Lengths are measured in the probe's frame: axial coordinate s along the probe direction
 * (s = 0 at the distal tip point, positive towards the shaft) and radial distance r from
 * the probe axis. */
#ifndef RFL_LESION_H
#define RFL_LESION_H

#include <stdint.h>

#include "grid.h"
#include "status.h"
#include "vec3.h"

typedef struct {
  const rfl_grid *grid;
  const double *phi;        /* level function per cell: lesion where phi >= 0 */
  const uint8_t *exclude;   /* per cell, 1 = not tissue (electrode): its phi is ignored and
                               it does not count towards the volume (may be NULL) */
  rfl_vec3 tip;             /* distal-most point of the probe, m */
  rfl_vec3 direction;       /* unit vector from the tip towards the shaft */
} rfl_lesion_input;

typedef struct {
  int found;                /* 0 if no part of the domain has phi >= 0 */
  double width;             /* 2 x the largest distance of the surface from the axis, m */
  double length;            /* s_max - s_min of the lesion, m */
  double distal;            /* projection beyond the tip: -s_min, m (negative if the lesion
                               starts proximal of the tip) */
  double volume;            /* tissue volume with phi >= 0, m^3 */
} rfl_lesion_metrics;

rfl_status rfl_lesion_measure(const rfl_lesion_input *in, rfl_lesion_metrics *out);

#endif
