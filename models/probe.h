// SPDX-License-Identifier: BSD-3-Clause
/* The RF electrode's geometry: an active (exposed) tip of length L ending distally in a
 * hemisphere of the needle's radius (or flat), followed by the insulated shaft.
 * Pure geometry in SI units; the solver voxelises it, postproc measures from its axis. */
#ifndef RFL_PROBE_H
#define RFL_PROBE_H

#include "case.h"
#include "vec3.h"

/* Which part of probe p contains point x: RFL_PROBE_PART_NONE, _ACTIVE or _SHAFT. The shaft
 * extends shaft_length beyond the active tip (or without end when shaft_length <= 0). */
typedef enum { RFL_PROBE_PART_NONE = 0, RFL_PROBE_PART_ACTIVE = 1, RFL_PROBE_PART_SHAFT = 2 } rfl_probe_part;

rfl_probe_part rfl_probe_part_at(const rfl_probe *p, rfl_vec3 x);

/* Signed distance from x to the whole electrode surface (active + shaft), m. */
double rfl_probe_distance(const rfl_probe *p, rfl_vec3 x);

/* Exact active-tip surface area (m^2) and volume (m^3). */
double rfl_probe_active_area(const rfl_probe *p);
double rfl_probe_active_volume(const rfl_probe *p);

/* Outer radius of a needle gauge (Stubs/Birmingham table, 10G..30G), m; 0 if unknown. */
double rfl_probe_gauge_radius(int gauge);

#endif
