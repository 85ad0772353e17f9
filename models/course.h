// SPDX-License-Identifier: BSD-3-Clause
/* The course of a tube structure: the axis a nerve runs along (a capsule's polyline, a
 * cylinder's two ends), measured by arc length from its first point. Pure geometry in SI
 * units; postproc reports figures along it and the reader places probes against it. */
#ifndef RFL_COURSE_H
#define RFL_COURSE_H

#include "shape.h"

/* 1 if the shape has a course: a cylinder, or a capsule of at least two points with some
 * length between them. */
int rfl_course_exists(const rfl_shape *s);

/* Length of the course, m (0 without one). */
double rfl_course_length(const rfl_shape *s);

/* The point at arc length `arc` (clamped to [0, length]) and the unit tangent there
 * (towards the last point; at a joint, the segment that begins there). */
void rfl_course_at(const rfl_shape *s, double arc, rfl_vec3 *point, rfl_vec3 *tangent);

/* Arc length of the point of the course closest to p (the first such point if several
 * are), and that point in *closest (may be NULL). */
double rfl_course_project(const rfl_shape *s, rfl_vec3 p, rfl_vec3 *closest);

#endif
