// SPDX-License-Identifier: BSD-3-Clause
/* The course of a tube structure (course.h). Repeated points (segments of zero length)
 * add nothing and are stepped over. */
#include "course.h"

#include <math.h>

/* The axis points of a tube: its own array, and how many. */
static int course_points(const rfl_shape *s, const rfl_vec3 **pts) {
  *pts = s->points;
  if (s->kind == RFL_SHAPE_CYLINDER) return 2;
  if (s->kind == RFL_SHAPE_CAPSULE) return s->npoints;
  return 0;
}

double rfl_course_length(const rfl_shape *s) {
  const rfl_vec3 *p;
  int n = course_points(s, &p);
  double len = 0.0;
  for (int i = 0; i + 1 < n; ++i) len += rfl_vec3_norm(rfl_vec3_sub(p[i + 1], p[i]));
  return len;
}

int rfl_course_exists(const rfl_shape *s) { return rfl_course_length(s) > 0.0; }

void rfl_course_at(const rfl_shape *s, double arc, rfl_vec3 *point, rfl_vec3 *tangent) {
  const rfl_vec3 *p;
  int n = course_points(s, &p);
  double walked = 0.0;
  int last = -1; /* last segment with a length */
  for (int i = 0; i + 1 < n; ++i) {
    rfl_vec3 d = rfl_vec3_sub(p[i + 1], p[i]);
    double len = rfl_vec3_norm(d);
    if (!(len > 0.0)) continue;
    last = i;
    if (arc < walked + len) {
      const double t = fmax(arc - walked, 0.0);
      *tangent = rfl_vec3_scale(d, 1.0 / len);
      *point = rfl_vec3_add(p[i], rfl_vec3_scale(*tangent, t)); /* exact along an axis-aligned segment */
      return;
    }
    walked += len;
  }
  if (last < 0) { /* no course: the first point, any direction */
    *point = n > 0 ? p[0] : s->centre;
    *tangent = rfl_vec3_make(1.0, 0.0, 0.0);
    return;
  }
  rfl_vec3 d = rfl_vec3_sub(p[last + 1], p[last]);
  *point = p[last + 1];
  *tangent = rfl_vec3_scale(d, 1.0 / rfl_vec3_norm(d));
}

double rfl_course_project(const rfl_shape *s, rfl_vec3 q, rfl_vec3 *closest) {
  const rfl_vec3 *p;
  int n = course_points(s, &p);
  double best = INFINITY, best_arc = 0.0, walked = 0.0;
  rfl_vec3 best_p = n > 0 ? p[0] : q;
  for (int i = 0; i + 1 < n; ++i) {
    rfl_vec3 d = rfl_vec3_sub(p[i + 1], p[i]);
    double len2 = rfl_vec3_dot(d, d);
    if (!(len2 > 0.0)) continue;
    double t = rfl_vec3_dot(rfl_vec3_sub(q, p[i]), d) / len2;
    t = t < 0.0 ? 0.0 : t > 1.0 ? 1.0 : t;
    rfl_vec3 c = rfl_vec3_add(p[i], rfl_vec3_scale(d, t));
    double dist = rfl_vec3_norm(rfl_vec3_sub(q, c));
    if (dist < best) {
      best = dist;
      best_arc = walked + t * sqrt(len2);
      best_p = c;
    }
    walked += sqrt(len2);
  }
  if (closest) *closest = best_p;
  return best_arc;
}
