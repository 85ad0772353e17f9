// SPDX-License-Identifier: BSD-3-Clause
/* The generator's thermocouple: a fixed linear functional of the cell temperatures,
 * sum of weight * T[cell] over a few cells around the distal tip point of probe 0 (see
 * thermocouple.c for the stencil). Built once with the geometry; read every step. */
#ifndef RFL_THERMOCOUPLE_H
#define RFL_THERMOCOUPLE_H

#include <stddef.h>

#include "case.h"
#include "geometry.h"
#include "grid.h"
#include "status.h"

typedef struct {
  size_t cell;   /* cell index */
  double weight; /* weight of its temperature; the weights sum to 1 */
} rfl_thermocouple_term;

typedef struct {
  rfl_thermocouple_term *terms;
  int n;
} rfl_thermocouple;

/* Builds the functional; RFL_EINPUT when no electrode cell is near the tip point. On
 * failure tc holds nothing to free beyond what rfl_thermocouple_free releases. */
rfl_status rfl_thermocouple_create(const rfl_case *kase, const rfl_grid *g, const rfl_geometry *geo,
                                   rfl_thermocouple *tc);

/* The reading for the cell temperatures T, C. */
double rfl_thermocouple_read(const rfl_thermocouple *tc, const double *T);

void rfl_thermocouple_free(rfl_thermocouple *tc);

#endif
