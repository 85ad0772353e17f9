// SPDX-License-Identifier: BSD-3-Clause
/* Placing a probe by its trajectory (trajectory.h). */
#include "trajectory.h"

#include <math.h>

#include "course.h"

static const char *const approach_names[] = {"target", "parallel", "perpendicular"};

const char *rfl_approach_name(rfl_approach a) {
  return (unsigned)a < sizeof approach_names / sizeof approach_names[0] ? approach_names[a] : "?";
}

/* The tip and axis against the course: see trajectory.h. */
static rfl_place_result place_on_course(const rfl_trajectory *t, const rfl_shape *course, rfl_vec3 *tip,
                                        rfl_vec3 *axis) {
  rfl_vec3 p, tan;
  rfl_course_at(course, t->course_at, &p, &tan);
  rfl_vec3 to_entry = rfl_vec3_sub(t->entry, p);
  rfl_vec3 across = rfl_vec3_sub(to_entry, rfl_vec3_scale(tan, rfl_vec3_dot(to_entry, tan)));
  double side = rfl_vec3_norm(across);
  if (!(side > 1e-9 * fmax(1e-3, rfl_vec3_norm(to_entry)))) return RFL_PLACE_NO_SIDE;
  rfl_vec3 n = rfl_vec3_scale(across, 1.0 / side);
  if (rfl_vec3_dot(to_entry, tan) > 0.0) tan = rfl_vec3_scale(tan, -1.0); /* advance away from the entry */
  if (t->approach == RFL_APPROACH_PARALLEL) {
    *tip = rfl_vec3_add(rfl_vec3_add(p, rfl_vec3_scale(n, t->offset)), rfl_vec3_scale(tan, t->overshoot));
    *axis = rfl_vec3_scale(tan, -1.0);
  } else {
    *tip = rfl_vec3_sub(p, rfl_vec3_scale(n, t->overshoot));
    *axis = n;
  }
  return RFL_PLACE_OK;
}

rfl_place_result rfl_trajectory_place(const rfl_trajectory *t, const rfl_shape *course, double tip_length,
                                      rfl_vec3 *tip, rfl_vec3 *direction, double *shaft_length) {
  rfl_vec3 axis;
  if (t->approach == RFL_APPROACH_TARGET) {
    rfl_vec3 d = rfl_vec3_sub(t->entry, t->target);
    double len = rfl_vec3_norm(d);
    if (!(len > 0.0)) return RFL_PLACE_NO_LENGTH;
    *tip = t->target;
    axis = rfl_vec3_scale(d, 1.0 / len);
  } else {
    rfl_place_result r = place_on_course(t, course, tip, &axis);
    if (r != RFL_PLACE_OK) return r;
  }
  double shaft = rfl_vec3_dot(rfl_vec3_sub(t->entry, *tip), axis) - tip_length;
  if (!(shaft > 0.0)) return RFL_PLACE_SHORT;
  *direction = axis;
  *shaft_length = shaft;
  return RFL_PLACE_OK;
}
