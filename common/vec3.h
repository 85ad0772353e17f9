// SPDX-License-Identifier: BSD-3-Clause
/* A 3-vector of doubles and the few operations geometry code needs. Header-only. */
#ifndef RFL_VEC3_H
#define RFL_VEC3_H

#include <math.h>

#define RFL_PI 3.14159265358979323846

typedef struct {
  double x, y, z;
} rfl_vec3;

static inline rfl_vec3 rfl_vec3_make(double x, double y, double z) {
  rfl_vec3 v = {x, y, z};
  return v;
}
static inline rfl_vec3 rfl_vec3_add(rfl_vec3 a, rfl_vec3 b) {
  return rfl_vec3_make(a.x + b.x, a.y + b.y, a.z + b.z);
}
static inline rfl_vec3 rfl_vec3_sub(rfl_vec3 a, rfl_vec3 b) {
  return rfl_vec3_make(a.x - b.x, a.y - b.y, a.z - b.z);
}
static inline rfl_vec3 rfl_vec3_scale(rfl_vec3 a, double s) {
  return rfl_vec3_make(a.x * s, a.y * s, a.z * s);
}
static inline double rfl_vec3_dot(rfl_vec3 a, rfl_vec3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
static inline rfl_vec3 rfl_vec3_cross(rfl_vec3 a, rfl_vec3 b) {
  return rfl_vec3_make(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x);
}
static inline double rfl_vec3_norm(rfl_vec3 a) { return sqrt(rfl_vec3_dot(a, a)); }
static inline double rfl_vec3_get(rfl_vec3 a, int axis) {
  return axis == 0 ? a.x : (axis == 1 ? a.y : a.z);
}

#endif
