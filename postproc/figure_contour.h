// SPDX-License-Identifier: BSD-3-Clause
/* Contour lines by marching squares on a raster of node values (private to the figure
 * files): linear interpolation along the edges between nodes (sub-pixel positions),
 * saddles resolved by the cell mean, and segments chained into polylines so that dashes
 * run on along a contour. */
#ifndef RFL_FIGURE_CONTOUR_H
#define RFL_FIGURE_CONTOUR_H

#include <stddef.h>

#include "status.h"

typedef struct {
  double x, y;
} pt2;

/* Polylines in raster node coordinates (x = column, y = row). */
typedef struct {
  pt2 *pts;
  size_t npts;
  size_t *start; /* chain c is pts[start[c] .. start[c + 1]) */
  int *closed;
  size_t nchains;
} contour_set;

/* The level-0 contour of v (w x h nodes, row by row; NAN = no value: cells touching one are
 * skipped), inside = v >= 0: open chains first, then closed loops. Errors: RFL_ENOMEM. */
rfl_status rfl_contour_build(const double *v, int w, int h, contour_set *out);

void rfl_contour_free(contour_set *c);

#endif
