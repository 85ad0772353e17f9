// SPDX-License-Identifier: BSD-3-Clause
/* Material shares of the cells and faces that a material interface cuts (geometry.h).
 *
 * A cell takes the label of its centre, so a cell the interface cuts holds a share of a
 * second material that its label does not see: the part of its volume beyond the
 * interface, and, on its faces parallel to the interface, the part of the face area. The
 * solver weights the heat capacity (per cell) and the face conductivities by these shares;
 * without them a material interface that does not lie on cell faces is first order.
 *
 * The shares come from a planar reconstruction of the interface in each cut cell: the plane
 * fitted (least squares) through the located crossings (geometry.h cut arrays) on the
 * segments between the centres of the cell's 3 x 3 x 3 block, and the exact volume of the
 * cell (or of a face's column) on the far side of that plane. For a planar interface the
 * shares are exact; for a curved one their error is O(curvature x h) relative, which leaves
 * the scheme second order (a share error that stays a fixed fraction as h falls, as any
 * fixed sub-sampling gives, leaves a first-order term). Cells where two interfaces meet
 * (edges, thin features) get the share of the one plane fitted: an O(1) error on O(1/h)
 * cells.
 *
 * Stored only for the cut cells: a bitmap over all cells (1 bit per cell) says which cells
 * have an entry; the entries are sorted by cell index (binary search). */
#ifndef RFL_SHARES_H
#define RFL_SHARES_H

#include <stddef.h>
#include <stdint.h>

#include "geometry.h"

/* Volume share of a second label in a cut cell. */
typedef struct rfl_cell_share {
  size_t cell;
  rfl_label other;   /* the label beyond the interface */
  float share;       /* fraction of the cell's volume on the far side, 0..1 */
} rfl_cell_share;

/* Share of a second label on a face between two cells of the same label: the face c |
 * c + e_axis and the column between the two centres; or on an outer-boundary face of c
 * (lower = 1: its face on the lower side, index 0 along the axis; lower = 0 and c on the
 * last layer: the upper one), the column from the centre to the face. */
typedef struct rfl_face_share {
  size_t cell;       /* the lower cell c (the boundary cell for a boundary face) */
  uint8_t axis;
  uint8_t lower;
  rfl_label other;
  float share;       /* fraction of the column's volume beyond the interface, 0..1 */
  float normal2;     /* squared component of the interface normal along the axis */
} rfl_face_share;

/* Builds geo->cell_shares, geo->face_shares and the bitmap from the labels and cuts.
 * Deterministic (every entry depends on its own cell's neighbourhood only). */
rfl_status rfl_shares_build(rfl_geometry *geo);

/* The share entry of cell c, or NULL when the interface does not cut it. */
const rfl_cell_share *rfl_shares_cell(const rfl_geometry *geo, size_t c);

/* Fraction of the box [lo, hi] where n . (x - p) > 0 (exact; exposed for tests). */
double rfl_shares_box_fraction(const double lo[3], const double hi[3], const double n[3],
                               const double p[3]);

/* Conductivity of a face whose column holds the share f of a second material: the
 * arithmetic (parallel) and harmonic (series) means of p_own and p_other blended by the
 * squared normal component n2 along the face's axis, as for a laminate: arithmetic for
 * an interface parallel to the flux, harmonic for one across it. */
static inline double rfl_shares_blend(double p_own, double p_other, double f, double n2) {
  double arith = (1.0 - f) * p_own + f * p_other;
  double harm = (p_own > 0.0 && p_other > 0.0) ? 1.0 / ((1.0 - f) / p_own + f / p_other) : 0.0;
  return n2 * harm + (1.0 - n2) * arith;
}

#endif
