// SPDX-License-Identifier: BSD-3-Clause
/* Lesion metrics from a cell-centred field on the grid, located to sub-cell accuracy.
 *
 * A lesion is the region where a level function phi >= 0 over tissue cells. For the
 * Arrhenius lesion phi = ln(Omega) (Omega grows exponentially across the front, so its
 * logarithm is nearly linear there and interpolates well); for an isotherm lesion
 * phi = Tpeak - T_iso. The surface phi = 0 is located by interpolating phi between cell
 * centres (cubic Lagrange through four centres per axis where four tissue centres are
 * available, linear otherwise, always with the true, possibly graded, centre coordinates),
 * never by counting cells. Excluded cells (the electrode) carry no phi of their own: where
 * an interpolation stencil needs one, a value extrapolated from the tissue next to it is
 * used.
 *
 * Lengths are measured in the probe's frame: axial coordinate s along the probe direction
 * (s = 0 at the distal tip point, positive towards the shaft) and radial distance r from
 * the probe axis.
 *
 * Extremes (largest r, smallest and largest s, closest approach to a structure) are first
 * taken over the surface points found on the grid segments between neighbouring tissue
 * centres and over the lesion's cell centres, then refined on the interpolated surface
 * around the best point: the surface is cut by a family of parallel lines across it, and
 * the objective is minimised over the lines' offsets by sampling and parabolic fits. This
 * removes the under-estimate of sampling a curved surface only where grid lines cross it,
 * whatever the probe's tilt. Lesion points are tissue points: a refined point inside an
 * excluded cell does not count, so a lesion running up the shaft ends on the voxelised
 * electrode's surface, unless the input names the electrodes: then a point in an excluded
 * cell next to tissue but outside every electrode (the sliver of tissue between the true
 * surface and the face of the electrode's cells) counts too, read from the values
 * extrapolated there, and the lesion ends on the true surface. Without that, the length
 * of a lesion along the shaft moved with where the surface fell inside its cells (RC-1:
 * by +-0.07 mm at 0.17-0.21 mm cells, periodically in radius / cell size).
 *
 * All functions are deterministic: the same numbers for any number of OpenMP threads. */
#ifndef RFL_LESION_H
#define RFL_LESION_H

#include <stdint.h>

#include "grid.h"
#include "probe.h"
#include "shape.h"
#include "status.h"
#include "vec3.h"

typedef struct {
  const rfl_grid *grid;
  const double *phi;        /* level function per cell: lesion where phi >= 0; finite in
                               every tissue cell (pass ln(max(Omega, tiny)), not ln(0)) */
  const uint8_t *exclude;   /* per cell, 1 = not tissue (electrode): its phi is ignored and
                               it does not count towards the volume (may be NULL) */
  rfl_vec3 tip;             /* distal-most point of the probe, m */
  rfl_vec3 direction;       /* unit vector from the tip towards the shaft (normalised here
                               if it is not quite unit) */
  const rfl_probe *probes;  /* the electrodes, or NULL: see "Lesion points" above */
  int nprobes;
} rfl_lesion_input;

typedef struct {
  int found;                /* 0 if no tissue cell has phi >= 0 (then all metrics are 0) */
  double width;             /* 2 x the largest distance of the surface from the axis, m */
  double length;            /* s_max - s_min of the lesion, m */
  double distal;            /* projection beyond the tip: -s_min, m (negative if the lesion
                               starts proximal of the tip) */
  double volume;            /* tissue volume with phi >= 0, m^3 */
} rfl_lesion_metrics;

/* Width, length, distal projection and volume of the lesion. The volume sums whole
 * tissue cells whose 3x3x3 neighbourhood lies on one side of phi = 0, and for cells the
 * surface passes through, the fraction of the cell where the interpolated phi >= 0: 4 x 4
 * columns across the cell along the axis closest to grad phi, each cut exactly at the
 * interpolant's zeros. Errors: RFL_EINPUT for missing arrays, a zero or non-finite
 * direction, or a non-finite phi in a tissue cell (named by its indices). */
rfl_status rfl_lesion_measure(const rfl_lesion_input *in, rfl_lesion_metrics *out);

/* Signed shortest distance from the lesion to a structure, m:
 *   min over lesion points p of rfl_shape_distance(shape, p).
 * Positive: the gap between the lesion surface and the structure's surface. Negative: the
 * lesion reaches into the structure, and the value is minus the depth (measured from the
 * structure's surface) of the deepest lesion point inside it; a lesion that swallows the
 * structure's axis gives minus the structure's radius there. +INFINITY if there is no
 * lesion. Candidates are the surface points on grid segments and the lesion's cell centres;
 * the best surface point is refined on the interpolated surface and the best centre is
 * moved down the structure's distance gradient while it stays in the lesion. */
rfl_status rfl_lesion_distance_to_shape(const rfl_lesion_input *in, const rfl_shape *shape,
                                        double *signed_distance);

/* rfl_lesion_distance_to_shape, and the lesion point where the distance is taken (the
 * surface point or the deepest point inside the structure; NaNs without a lesion). */
rfl_status rfl_lesion_closest_to_shape(const rfl_lesion_input *in, const rfl_shape *shape,
                                       double *signed_distance, rfl_vec3 *point);

/* A field along the course of a tube structure (course.h): cross-sections ("stations")
 * normal to each segment of the course, at most a quarter of a cell apart and at both
 * ends of every segment, each sampled at its axis point and on rings at a third, two
 * thirds and the whole of the radius (8, 16 and 24 points), the field interpolated as in
 * rfl_lesion_structure_max (tissue points inside the grid only). Between two stations a
 * figure is taken as linear in the arc length, so the lengths are located to sub-station
 * accuracy. */
typedef struct {
  double any_length; /* arc length over which some point of the cross-section has
                        field >= level, m */
  double all_length; /* arc length over which every (valued) point of it has, m */
  double max;        /* largest value at a station (-INFINITY if none has a value) */
  double max_at;     /* where along the course it lies, from the course's first point: the
                        vertex of a parabola through that station and its neighbours, m (NAN
                        if no station has a value) */
} rfl_course_profile;

/* The profile of field (cell-centred; exclude may be NULL) along the course of shape.
 * Errors: RFL_EINPUT for a shape without a course (rfl_course_exists) or a non-finite
 * tissue value, RFL_ENOMEM. */
rfl_status rfl_lesion_course_profile(const rfl_grid *grid, const double *field, const uint8_t *exclude,
                                     const rfl_shape *shape, double level, rfl_course_profile *out);

/* Largest value of a cell-centred field over a structure, its surface included: the max
 * over tissue cells whose centre is inside the shape, over the structure's surface points
 * on the grid segments that cross it (field interpolated linearly along the segment), and
 * over sample points inside the structure and on its surface read from the interpolated
 * field (a tube: cross-sections at most half a cell apart along its axis, each with the
 * axis point, a ring at half the radius and one on the surface; see lesion.c), so a
 * structure thinner than a cell or lying between cell centres is measured too. The best
 * surface point is refined over the surface with the interpolated field. exclude may be
 * NULL. Errors: RFL_EINPUT if no point of the structure lies in tissue inside the grid. */
rfl_status rfl_lesion_structure_max(const rfl_grid *grid, const double *field,
                                    const uint8_t *exclude, const rfl_shape *shape,
                                    double *max);

/* Fraction of a structure's tissue volume inside the domain where phi >= 0 (0..1). Cells
 * wholly inside the structure use the lesion volume fraction of rfl_lesion_measure; cells
 * the structure's surface cuts are sampled at 8^3 points (16^3 where the lesion surface
 * passes as well) with rfl_shape_contains and the interpolated phi. A structure so thin
 * that none of these points falls inside it gets the share of its sample points (those of
 * rfl_lesion_structure_max) where phi >= 0. Errors: as rfl_lesion_measure, and RFL_EINPUT
 * if the structure holds no tissue of the grid. */
rfl_status rfl_lesion_structure_fraction(const rfl_lesion_input *in, const rfl_shape *shape,
                                         double *fraction);

/* Whether the lesion (phi >= 0) encloses a whole cross-section of a structure: for a tube
 * (cylinder, capsule) some cross-section normal to its axis whose sample points (axis,
 * half radius, surface; tissue points inside the grid) all have phi >= 0, i.e. the lesion
 * cuts through the structure's full thickness somewhere along it; for a sphere or a box,
 * all of its sample points. A half-space is never covered. *covered is 1 or 0. Errors: as
 * rfl_lesion_measure. */
rfl_status rfl_lesion_structure_covered(const rfl_lesion_input *in, const rfl_shape *shape,
                                        int *covered);

#endif
