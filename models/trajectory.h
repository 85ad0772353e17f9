// SPDX-License-Identifier: BSD-3-Clause
/* Placing a probe by its trajectory: from a skin entry point to a target (the tip's distal
 * end on the target), or against a nerve's course (parallel to it at an offset, or across
 * it), with the insulated shaft running back to the entry point. Pure geometry in SI
 * units: the result is the probe's tip, direction and shaft length. */
#ifndef RFL_TRAJECTORY_H
#define RFL_TRAJECTORY_H

#include "material.h" /* RFL_NAME_MAX */
#include "shape.h"

typedef enum {
  RFL_APPROACH_TARGET = 0,       /* straight from entry_mm to target_mm */
  RFL_APPROACH_PARALLEL = 1,     /* along the course, offset from it */
  RFL_APPROACH_PERPENDICULAR = 2 /* across the course */
} rfl_approach;

/* A probe's trajectory as the case gives it ([probe] entry_mm, target_mm, approach, course,
 * course_at_mm, offset_mm, overshoot_mm). */
typedef struct {
  int given;                  /* 1: the probe is placed by these, not by tip_mm/direction */
  rfl_vec3 entry, target;     /* m */
  rfl_approach approach;
  char course[RFL_NAME_MAX];  /* the structure whose course it follows or crosses */
  double course_at;           /* arc length of the chosen point along the course, m */
  double offset;              /* parallel: distance from the course to the probe's axis, m */
  double overshoot;           /* how far the tip goes beyond the chosen point, m */
} rfl_trajectory;

typedef enum {
  RFL_PLACE_OK = 0,
  RFL_PLACE_NO_LENGTH,   /* entry and target coincide */
  RFL_PLACE_NO_SIDE,     /* the entry point lies on the course's line at the chosen point */
  RFL_PLACE_SHORT        /* the entry point is not beyond the active tip */
} rfl_place_result;

/* The probe's tip (distal-most point), unit direction (tip towards the shaft) and
 * insulated shaft length (from the end of the active tip back to the level of the entry
 * point) for a trajectory of approach TARGET; course is unused and may be NULL. For
 * PARALLEL and PERPENDICULAR, course is the structure's shape (with a course): P is the
 * point at course_at along it, t the course's tangent there oriented the way the needle
 * advances (away from the entry point's side along the course), and n the unit vector
 * from P towards the entry point across the course. Parallel: the axis runs along t,
 * offset by `offset` towards n, the tip `overshoot` beyond P. Perpendicular: the axis runs
 * along n through P, the tip `overshoot` beyond the course's axis. */
rfl_place_result rfl_trajectory_place(const rfl_trajectory *t, const rfl_shape *course, double tip_length,
                                      rfl_vec3 *tip, rfl_vec3 *direction, double *shaft_length);

const char *rfl_approach_name(rfl_approach a);

#endif
