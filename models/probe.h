// SPDX-License-Identifier: BSD-3-Clause
/* The RF electrode's geometry: an active (exposed) tip of length L ending distally in a
 * hemisphere of the needle's radius (or flat), followed by the insulated shaft.
 * Pure geometry in SI units; the solver voxelises it, postproc measures from its axis. */
#ifndef RFL_PROBE_H
#define RFL_PROBE_H

#include "material.h" /* RFL_NAME_MAX */
#include "trajectory.h"
#include "vec3.h"

typedef enum { RFL_TIP_ROUND = 0, RFL_TIP_FLAT = 1 } rfl_tip_shape;
typedef enum { RFL_PROBE_ACTIVE = 0, RFL_PROBE_RETURN = 1 } rfl_probe_role;

typedef struct {
  char name[RFL_NAME_MAX];      /* section name: "probe" or "return_probe" */
  rfl_probe_role role;          /* ACTIVE carries V(t); RETURN (bipolar) is held at 0 V */
  double radius;                /* outer radius a, m (from gauge or diameter) */
  int gauge;                    /* needle gauge if given (0 if diameter given) */
  double tip_length;            /* active (exposed) length including the rounded end, m */
  rfl_tip_shape tip_shape;      /* hemispherical (radius a) or flat distal end */
  rfl_vec3 tip;                 /* distal-most point of the electrode, m */
  rfl_vec3 direction;           /* unit vector from the tip towards the shaft (proximal) */
  double shaft_length;          /* insulated shaft beyond the active tip, m; <= 0: to the
                                   domain boundary */
  int material;                 /* index of the electrode body's material (metal) */
  int cooled;                   /* 1: internally cooled electrode */
  double coolant_C;             /* coolant temperature, C */
  double cooling_h;             /* heat transfer coefficient to the coolant, W/(m^2 K),
                                   acting on the inner wall of the active tip */
  rfl_trajectory trajectory;    /* the placement as given when by trajectory (then tip,
                                   direction and shaft_length are computed from it) */
} rfl_probe;

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
