// SPDX-License-Identifier: BSD-3-Clause
/* Automatic discretisation: the cell size, fine box and time step that a case needs for a
 * given accuracy target, derived from the probe, the generator, the tissue and the
 * structures whose margins are reported (docs/physics-and-numerics.md, "Automatic
 * discretisation").
 *
 * - Cell size at the tip: at least 3 cells per electrode radius and at most h_ref = 0.224 mm
 *   at the default 0.1 mm target (the lesion figures converge at second order, with about
 *   2 mm^-1 h^2 of error on the reference cases), scaled by sqrt(target / 0.1 mm), and
 *   rounded down so that the active tip is a whole number of cells: both tip ends then lie
 *   on cell faces.
 * - Fine box: around each active tip, the predicted reach of the isotherm lesion (the
 *   larger of the two lesions) with a safety factor, plus the closest point of every
 *   target or protected structure within reach of the threshold temperature; faces
 *   anchored on the probe's tip point so that the axis and the distal end lie on faces;
 *   growth 1.25 per cell outside it.
 * - Time step: 2 s (BDF2 after start-up steps; the lesion moves by < 0.01 mm against 0.5 s
 *   on RC-1), scaled by sqrt(target / 0.1 mm), at most duration / 40.
 *
 * The reach is a conservative conduction estimate (see rfl_discretisation_reach); a run
 * checks it afterwards against the lesion it computed (postproc/case_job.c). */
#ifndef RFL_DISCRETISATION_H
#define RFL_DISCRETISATION_H

#include "case.h"

#define RFL_ACCURACY_DEFAULT 0.1e-3   /* m: the default [solver] accuracy_mm */
/* A lesion length's error floor, in cells of the grid a run starts on (its evidence is in
 * postproc/error_estimate.h): automatic cells are never over 1 / this times the target. */
#define RFL_LENGTH_FLOOR_CELLS 0.5
#define RFL_AUTO_GROWTH 1.25          /* cell-size ratio outside an automatic fine box */

/* Cell size (m) for the case's probes at accuracy target `accuracy` (m). */
double rfl_discretisation_spacing(const rfl_case *c, double accuracy);

/* The accuracy target (m) whose automatic cell size is h (inverse of the above where the
 * electrode does not bound it). */
double rfl_discretisation_accuracy_for_spacing(const rfl_case *c, double h);

/* Conservative radial reach (m) beyond the electrode surface of the region where the peak
 * temperature reaches temperature_C: K sqrt(alpha t) ln(dT_hot / dT), with alpha the
 * largest tissue diffusivity, t the RF time plus cool-down, dT_hot the hottest tissue the
 * generator allows above the initial temperature, and K = 1.5 (1.1 fits RC-1). 0 when
 * temperature_C is not reached. */
double rfl_discretisation_reach(const rfl_case *c, double temperature_C);

#define RFL_LESION_PAD_CELLS 4.0 /* fine cells around a measured lesion */

/* Fills c->grid.fine_min/fine_max for cell size h (c->grid.spacing is set to h): the box
 * around the active tips and reported structures described above, anchored on the first
 * probe's tip point and clipped to the domain. With a measured lesion box (lesion_lo and
 * lesion_hi not NULL), that box padded by RFL_LESION_PAD_CELLS cells replaces the
 * predicted reach around the tips. */
void rfl_discretisation_fine_box(rfl_case *c, double h, const rfl_vec3 *lesion_lo,
                                 const rfl_vec3 *lesion_hi);

/* Time step (s) at accuracy target `accuracy` (m). */
double rfl_discretisation_time_step(const rfl_case *c, double accuracy);

/* Applies every automatic choice the case leaves open (grid.auto_spacing,
 * grid.auto_fine_box, solver.auto_dt) at the case's accuracy target. */
void rfl_discretisation_apply(rfl_case *c);

#endif
