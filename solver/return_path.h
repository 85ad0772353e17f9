// SPDX-License-Identifier: BSD-3-Clause
/* The return path: the resistance in series with the tissue the grid models, between the
 * generator's output and the tip (see generator.h, "The circuit").
 *
 * Monopolar, the domain's outer boundary is held at 0 V, as if the dispersive pad were
 * there; in the body the current spreads on beyond it. That part is the spreading
 * resistance of the domain's boundary into an unbounded conductor, approximated by the
 * sphere of the (unfolded) domain's volume: 1 / (4 pi sigma r_eq), with sigma the
 * background tissue's conductivity at the initial temperature. It makes the generator's
 * reading independent of the domain's size. The pad, skin and cables add
 * [generator] return_path_ohm (RFL_RETURN_PATH_OHM when not given). A value given for
 * return_path_ohm is the whole return path, and bipolar cases (no current leaves through
 * the boundary) have no body term. */
#ifndef RFL_RETURN_PATH_H
#define RFL_RETURN_PATH_H

#include "case.h"
#include "grid.h"

/* Resistance of the body beyond the domain, ohm (0 when bipolar or not computable). */
double rfl_return_path_beyond_domain(const rfl_case *c, const rfl_grid *g);

/* The whole return path of the run, ohm. */
double rfl_return_path_ohm(const rfl_case *c, const rfl_grid *g);

#endif
