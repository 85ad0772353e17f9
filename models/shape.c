// SPDX-License-Identifier: BSD-3-Clause
/* Signed distances, volumes and areas of the anatomy primitives (shape.h), in metres.
 *
 * Distances are exact Euclidean signed distances (negative inside):
 *   box        q = |p - centre| - half-size per axis; outside |max(q, 0)|, inside max_i q_i;
 *   sphere     |p - c| - R;
 *   cylinder   flat ends at points[0], points[1]: with t the axial coordinate from
 *              points[0] and rho the distance from the axis, d_r = rho - R and
 *              d_a = max(-t, t - L); outside |(max(d_r, 0), max(d_a, 0))|, inside
 *              max(d_r, d_a);
 *   capsule    min over the segments of (distance to the segment) - R. Outside and on the
 *              surface this is exact. Inside a bent capsule it is exact wherever the nearest
 *              surface point belongs to the nearest segment's tube; deep in the inner
 *              crease of a sharp bend it can underestimate the depth (the sign and the zero
 *              set stay exact, which is all the voxeliser needs);
 *   half-space (p - point) . normal.
 *
 * Volume and area of a capsule along a polyline with segment lengths L_i, radius R and
 * turning angle theta_j at each interior joint (angle between consecutive directions):
 *   V = pi R^2 sum L_i + 4/3 pi R^3 + sum_j R^3 (2/3 theta_j - 4/3 tan(theta_j / 2))
 *   A = 2 pi R sum L_i + 4 pi R^2   + sum_j R^2 (2 theta_j - 4 tan(theta_j / 2))
 * At a joint the two tubes, cut flat at the joint, leave an outer spherical wedge of
 * dihedral angle theta (volume 2/3 theta R^3, area 2 theta R^2) and overlap on the inner
 * side in a region of volume 4/3 R^3 tan(theta/2) whose hidden lateral area is
 * 4 R^2 tan(theta/2). This is exact when the overlaps stay local: theta_j < pi, every
 * segment is at least R long and at least R (tan(theta_in/2) + tan(theta_out/2)), and
 * non-adjacent segments stay more than 2R apart. Otherwise the formulas overestimate.
 * A straight capsule (or collinear joints, theta = 0) reduces to pi R^2 L + 4/3 pi R^3.
 * Degenerate input (zero-length cylinder axis, fewer than 2 polyline points) is the case
 * reader's to reject; here it gives the natural limit (a sphere for a one-point capsule). */
#include "shape.h"

#include <math.h>
#include <string.h>

#define PI 3.14159265358979323846

static const char *const kind_names[] = {"box", "sphere", "cylinder", "capsule", "halfspace"};
#define NKINDS ((int)(sizeof kind_names / sizeof kind_names[0]))

/* Distance from p to the segment [a, b] (a point when a == b). */
static double segment_distance(rfl_vec3 a, rfl_vec3 b, rfl_vec3 p) {
  rfl_vec3 ab = rfl_vec3_sub(b, a), ap = rfl_vec3_sub(p, a);
  double len2 = rfl_vec3_dot(ab, ab);
  double t = len2 > 0.0 ? rfl_vec3_dot(ap, ab) / len2 : 0.0;
  if (t < 0.0) t = 0.0;
  if (t > 1.0) t = 1.0;
  return rfl_vec3_norm(rfl_vec3_sub(ap, rfl_vec3_scale(ab, t)));
}

static double box_distance(const rfl_shape *s, rfl_vec3 p) {
  double q[3], outside = 0.0, inside = -INFINITY;
  for (int a = 0; a < 3; ++a) {
    double lo = rfl_vec3_get(s->lo, a), hi = rfl_vec3_get(s->hi, a), x = rfl_vec3_get(p, a);
    q[a] = fmax(lo - x, x - hi); /* = |x - centre| - half-size, without cancellation */
    if (q[a] > 0.0) outside += q[a] * q[a];
    if (q[a] > inside) inside = q[a];
  }
  return outside > 0.0 ? sqrt(outside) : inside;
}

static double cylinder_distance(const rfl_shape *s, rfl_vec3 p) {
  rfl_vec3 axis = rfl_vec3_sub(s->points[1], s->points[0]);
  double len = rfl_vec3_norm(axis);
  if (!(len > 0.0)) return rfl_vec3_norm(rfl_vec3_sub(p, s->points[0])) - s->radius;
  rfl_vec3 u = rfl_vec3_scale(axis, 1.0 / len), ap = rfl_vec3_sub(p, s->points[0]);
  double t = rfl_vec3_dot(ap, u);
  double rho = rfl_vec3_norm(rfl_vec3_sub(ap, rfl_vec3_scale(u, t)));
  double dr = rho - s->radius, da = fmax(-t, t - len);
  if (dr > 0.0 || da > 0.0) return hypot(fmax(dr, 0.0), fmax(da, 0.0));
  return fmax(dr, da);
}

static double capsule_distance(const rfl_shape *s, rfl_vec3 p) {
  if (s->npoints <= 1) return rfl_vec3_norm(rfl_vec3_sub(p, s->points[0])) - s->radius;
  double best = INFINITY;
  for (int i = 0; i + 1 < s->npoints; ++i) {
    double d = segment_distance(s->points[i], s->points[i + 1], p);
    if (d < best) best = d;
  }
  return best - s->radius;
}

double rfl_shape_distance(const rfl_shape *s, rfl_vec3 p) {
  switch (s->kind) {
    case RFL_SHAPE_BOX:
      return box_distance(s, p);
    case RFL_SHAPE_SPHERE:
      return rfl_vec3_norm(rfl_vec3_sub(p, s->centre)) - s->radius;
    case RFL_SHAPE_CYLINDER:
      return cylinder_distance(s, p);
    case RFL_SHAPE_CAPSULE:
      return capsule_distance(s, p);
    case RFL_SHAPE_HALFSPACE:
      return rfl_vec3_dot(rfl_vec3_sub(p, s->point), s->normal);
  }
  return NAN;
}

int rfl_shape_contains(const rfl_shape *s, rfl_vec3 p) { return rfl_shape_distance(s, p) <= 0.0; }

/* Total segment length, and the joint corrections of the header formulas divided by R^3
 * (volume) and R^2 (area). */
static void capsule_measures(const rfl_shape *s, double *length, double *vol_joint,
                             double *area_joint) {
  *length = *vol_joint = *area_joint = 0.0;
  rfl_vec3 prev = {0.0, 0.0, 0.0};
  int have_prev = 0;
  for (int i = 0; i + 1 < s->npoints; ++i) {
    rfl_vec3 d = rfl_vec3_sub(s->points[i + 1], s->points[i]);
    double len = rfl_vec3_norm(d);
    *length += len;
    if (!(len > 0.0)) continue; /* repeated point: no direction, no joint */
    rfl_vec3 u = rfl_vec3_scale(d, 1.0 / len);
    if (have_prev) {
      double c = rfl_vec3_dot(prev, u);
      double theta = atan2(rfl_vec3_norm(rfl_vec3_cross(prev, u)), c);
      *vol_joint += 2.0 / 3.0 * theta - 4.0 / 3.0 * tan(0.5 * theta);
      *area_joint += 2.0 * theta - 4.0 * tan(0.5 * theta);
    }
    prev = u;
    have_prev = 1;
  }
}

double rfl_shape_volume(const rfl_shape *s) {
  double r = s->radius;
  switch (s->kind) {
    case RFL_SHAPE_BOX:
      return fmax(s->hi.x - s->lo.x, 0.0) * fmax(s->hi.y - s->lo.y, 0.0) *
             fmax(s->hi.z - s->lo.z, 0.0);
    case RFL_SHAPE_SPHERE:
      return 4.0 / 3.0 * PI * r * r * r;
    case RFL_SHAPE_CYLINDER:
      return PI * r * r * rfl_vec3_norm(rfl_vec3_sub(s->points[1], s->points[0]));
    case RFL_SHAPE_CAPSULE: {
      double len, vj, aj;
      capsule_measures(s, &len, &vj, &aj);
      return PI * r * r * len + 4.0 / 3.0 * PI * r * r * r + vj * r * r * r;
    }
    case RFL_SHAPE_HALFSPACE:
      return INFINITY;
  }
  return NAN;
}

double rfl_shape_area(const rfl_shape *s) {
  double r = s->radius;
  switch (s->kind) {
    case RFL_SHAPE_BOX: {
      double a = fmax(s->hi.x - s->lo.x, 0.0), b = fmax(s->hi.y - s->lo.y, 0.0),
             c = fmax(s->hi.z - s->lo.z, 0.0);
      return 2.0 * (a * b + b * c + c * a);
    }
    case RFL_SHAPE_SPHERE:
      return 4.0 * PI * r * r;
    case RFL_SHAPE_CYLINDER:
      return 2.0 * PI * r * rfl_vec3_norm(rfl_vec3_sub(s->points[1], s->points[0])) +
             2.0 * PI * r * r;
    case RFL_SHAPE_CAPSULE: {
      double len, vj, aj;
      capsule_measures(s, &len, &vj, &aj);
      return 2.0 * PI * r * len + 4.0 * PI * r * r + aj * r * r;
    }
    case RFL_SHAPE_HALFSPACE:
      return INFINITY;
  }
  return NAN;
}

/* Bounding box of a flat-ended cylinder: per axis, the disc of radius R perpendicular to
 * the unit axis u extends R sqrt(1 - u_a^2) around each end point. */
static void cylinder_bounds(rfl_vec3 p0, rfl_vec3 p1, double r, rfl_vec3 *lo, rfl_vec3 *hi) {
  rfl_vec3 d = rfl_vec3_sub(p1, p0);
  double len = rfl_vec3_norm(d);
  double e[3];
  for (int a = 0; a < 3; ++a) {
    double ua = len > 0.0 ? rfl_vec3_get(d, a) / len : 0.0;
    e[a] = r * sqrt(fmax(0.0, 1.0 - ua * ua));
  }
  *lo = rfl_vec3_make(fmin(p0.x, p1.x) - e[0], fmin(p0.y, p1.y) - e[1], fmin(p0.z, p1.z) - e[2]);
  *hi = rfl_vec3_make(fmax(p0.x, p1.x) + e[0], fmax(p0.y, p1.y) + e[1], fmax(p0.z, p1.z) + e[2]);
}

void rfl_shape_bounds(const rfl_shape *s, rfl_vec3 *lo, rfl_vec3 *hi) {
  double r = s->radius;
  switch (s->kind) {
    case RFL_SHAPE_BOX:
      *lo = s->lo;
      *hi = s->hi;
      return;
    case RFL_SHAPE_SPHERE:
      *lo = rfl_vec3_sub(s->centre, rfl_vec3_make(r, r, r));
      *hi = rfl_vec3_add(s->centre, rfl_vec3_make(r, r, r));
      return;
    case RFL_SHAPE_CYLINDER:
      cylinder_bounds(s->points[0], s->points[1], r, lo, hi);
      return;
    case RFL_SHAPE_CAPSULE: {
      rfl_vec3 l = s->points[0], h = s->points[0];
      for (int i = 1; i < s->npoints; ++i) {
        rfl_vec3 q = s->points[i];
        l = rfl_vec3_make(fmin(l.x, q.x), fmin(l.y, q.y), fmin(l.z, q.z));
        h = rfl_vec3_make(fmax(h.x, q.x), fmax(h.y, q.y), fmax(h.z, q.z));
      }
      *lo = rfl_vec3_sub(l, rfl_vec3_make(r, r, r));
      *hi = rfl_vec3_add(h, rfl_vec3_make(r, r, r));
      return;
    }
    case RFL_SHAPE_HALFSPACE:
      break;
  }
  *lo = rfl_vec3_make(-INFINITY, -INFINITY, -INFINITY);
  *hi = rfl_vec3_make(INFINITY, INFINITY, INFINITY);
}

const char *rfl_shape_kind_name(rfl_shape_kind kind) {
  return (int)kind >= 0 && (int)kind < NKINDS ? kind_names[kind] : "unknown";
}

int rfl_shape_kind_from_name(const char *name) {
  for (int k = 0; name && k < NKINDS; ++k)
    if (strcmp(name, kind_names[k]) == 0) return k;
  return -1;
}
