// SPDX-License-Identifier: BSD-3-Clause
/* Grid estimate of a case's grid spec (grid_estimate.c); the public functions are
 * declared in case_reader.h. */
#ifndef RFL_GRID_ESTIMATE_H
#define RFL_GRID_ESTIMATE_H

#include "case_reader.h"

/* Cells along axis a of the estimated grid. */
double rfl_case_axis_estimate(const rfl_grid_spec *g, int a);

#endif
