// SPDX-License-Identifier: BSD-3-Clause
/* Geometric primitives for anatomy and probes, in SI units (m).
 *
 * Every shape answers "signed distance from a point" (negative inside, exact Euclidean
 * distance for box/sphere/capsule/half-space/cylinder), from which the voxeliser derives
 * inside tests and sub-cell interface positions, and postproc derives the distance from a
 * lesion surface to a structure. Shapes know nothing of grids. */
#ifndef RFL_SHAPE_H
#define RFL_SHAPE_H

#include "vec3.h"

#define RFL_MAX_POLYLINE 16

typedef enum {
  RFL_SHAPE_BOX = 0,       /* axis-aligned box [lo, hi] */
  RFL_SHAPE_SPHERE = 1,    /* centre, radius */
  RFL_SHAPE_CYLINDER = 2,  /* flat-ended cylinder between points[0] and points[1], radius */
  RFL_SHAPE_CAPSULE = 3,   /* round-ended tube along a polyline points[0..npoints-1], radius */
  RFL_SHAPE_HALFSPACE = 4  /* { p : (p - point) . normal <= 0 }, normal is unit */
} rfl_shape_kind;

typedef struct {
  rfl_shape_kind kind;
  rfl_vec3 lo, hi;                      /* box corners */
  rfl_vec3 centre;                      /* sphere centre */
  double radius;                        /* sphere, cylinder, capsule */
  rfl_vec3 points[RFL_MAX_POLYLINE];    /* cylinder ends / capsule polyline */
  int npoints;
  rfl_vec3 point, normal;               /* half-space */
} rfl_shape;

/* Signed distance (m): < 0 inside, 0 on the surface, > 0 outside. */
double rfl_shape_distance(const rfl_shape *s, rfl_vec3 p);

/* 1 if p is inside (distance <= 0). */
int rfl_shape_contains(const rfl_shape *s, rfl_vec3 p);

/* Volume (m^3) and surface area (m^2) of the shape; for a half-space both are infinite
 * (returns INFINITY). Exact for box, sphere, cylinder and straight capsules; for a bent
 * capsule the segments' tubes plus the spheres at the joints, with the overlap at each
 * joint removed as documented in shape.c. */
double rfl_shape_volume(const rfl_shape *s);
double rfl_shape_area(const rfl_shape *s);

/* Axis-aligned bounding box (half-space: the whole space, +-INFINITY). */
void rfl_shape_bounds(const rfl_shape *s, rfl_vec3 *lo, rfl_vec3 *hi);

/* Name of a kind ("box", "sphere", ...) and the reverse (-1 if unknown). */
const char *rfl_shape_kind_name(rfl_shape_kind kind);
int rfl_shape_kind_from_name(const char *name);

#endif
