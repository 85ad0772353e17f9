// SPDX-License-Identifier: BSD-3-Clause
/* Electrode geometry (probe.h). With t = (x - tip) . u the axial coordinate from the distal
 * point along the unit direction u and rho the distance from the axis, radius a, active
 * length L and shaft length S:
 *   ROUND active tip: the ball of radius a centred at t = a, for t < a, plus the cylinder
 *                     rho <= a for a <= t <= L (the hemisphere counts in L);
 *   FLAT active tip:  the cylinder rho <= a for 0 <= t <= L;
 *   shaft:            rho <= a for L < t <= L + S (no end when S <= 0).
 * Active area and volume: ROUND 2 pi a L (lateral 2 pi a (L - a) plus hemisphere 2 pi a^2)
 * and pi a^2 (L - a) + 2/3 pi a^3; FLAT 2 pi a L + pi a^2 (distal disc) and pi a^2 L.
 * The rare ROUND tip shorter than a is the ball cap t <= L (area 2 pi a L by Archimedes,
 * volume pi (a L^2 - L^3 / 3)). Distances are exact Euclidean signed distances to the whole
 * electrode (active + shaft, one convex body). The axial coordinate is measured from the
 * tip, never from a far-away end, so an unbounded shaft costs no precision. Nothing here
 * knows the domain: clipping to it is the solver's business. */
#include "probe.h"

#include <math.h>

#define PI 3.14159265358979323846

typedef struct {
  double t;   /* axial coordinate from the tip, m */
  double rho; /* distance from the axis, m */
} axial_coords;

static axial_coords probe_coords(const rfl_probe *p, rfl_vec3 x) {
  double n = rfl_vec3_norm(p->direction);
  rfl_vec3 u = n > 0.0 ? rfl_vec3_scale(p->direction, 1.0 / n) : rfl_vec3_make(0.0, 0.0, 1.0);
  rfl_vec3 d = rfl_vec3_sub(x, p->tip);
  axial_coords c;
  c.t = rfl_vec3_dot(d, u);
  c.rho = rfl_vec3_norm(rfl_vec3_sub(d, rfl_vec3_scale(u, c.t)));
  return c;
}

static double shaft_end(const rfl_probe *p) {
  return p->shaft_length > 0.0 ? p->tip_length + p->shaft_length : INFINITY;
}

rfl_probe_part rfl_probe_part_at(const rfl_probe *p, rfl_vec3 x) {
  axial_coords c = probe_coords(p, x);
  double a = p->radius, L = p->tip_length;
  if (c.t <= L) {
    if (p->tip_shape == RFL_TIP_ROUND && c.t < a)
      return hypot(c.t - a, c.rho) <= a ? RFL_PROBE_PART_ACTIVE : RFL_PROBE_PART_NONE;
    return c.t >= 0.0 && c.rho <= a ? RFL_PROBE_PART_ACTIVE : RFL_PROBE_PART_NONE;
  }
  return c.t <= shaft_end(p) && c.rho <= a ? RFL_PROBE_PART_SHAFT : RFL_PROBE_PART_NONE;
}

/* Exact signed distance to the flat-ended cylinder rho <= a, t0 <= t <= t1 (t1 may be
 * infinite). */
static double cylinder_sdf(axial_coords c, double a, double t0, double t1) {
  double dr = c.rho - a, da = fmax(t0 - c.t, c.t - t1);
  if (dr > 0.0 || da > 0.0) return hypot(fmax(dr, 0.0), fmax(da, 0.0));
  return fmax(dr, da);
}

double rfl_probe_distance(const rfl_probe *p, rfl_vec3 x) {
  axial_coords c = probe_coords(p, x);
  double a = p->radius, end = shaft_end(p);
  if (p->tip_shape != RFL_TIP_ROUND || p->tip_length < a) return cylinder_sdf(c, a, 0.0, end);
  /* Ball at t = a united with the cylinder a <= t <= end: outside, the minimum of the two
   * exact distances; inside, the convex body's depth is the smaller of the depth below the
   * capsule surface and below the proximal end face. */
  double ball = hypot(c.t - a, c.rho) - a;
  double cyl = cylinder_sdf(c, a, a, end);
  if (ball > 0.0 && cyl > 0.0) return fmin(ball, cyl);
  double capsule = (c.t < a ? hypot(c.t - a, c.rho) : c.rho) - a;
  return fmax(capsule, c.t - end);
}

double rfl_probe_active_area(const rfl_probe *p) {
  double a = p->radius, L = p->tip_length;
  if (p->tip_shape == RFL_TIP_ROUND) return 2.0 * PI * a * L;
  return 2.0 * PI * a * L + PI * a * a;
}

double rfl_probe_active_volume(const rfl_probe *p) {
  double a = p->radius, L = p->tip_length;
  if (p->tip_shape != RFL_TIP_ROUND) return PI * a * a * L;
  if (L < a) return PI * (a * L * L - L * L * L / 3.0);
  return PI * a * a * (L - a) + 2.0 / 3.0 * PI * a * a * a;
}

/* Nominal outer diameters (mm) of hypodermic needle tubing by gauge, 10G..30G: the
 * Stubs iron wire gauge values used by needle makers, each within the outer-diameter range
 * that ISO 9626:2016 ("Stainless steel needle tubing for the manufacture of medical
 * devices", Table 1) allows for that designated metric size. */
static const double gauge_od_mm[] = { /* rounded to 0.001 mm */
    3.404, /* 10G */ 3.048, /* 11G */ 2.769, /* 12G */ 2.413, /* 13G */ 2.108, /* 14G */
    1.829, /* 15G */ 1.651, /* 16G */ 1.473, /* 17G */ 1.270, /* 18G */ 1.067, /* 19G */
    0.908, /* 20G */ 0.819, /* 21G */ 0.718, /* 22G */ 0.641, /* 23G */ 0.565, /* 24G */
    0.514, /* 25G */ 0.464, /* 26G */ 0.413, /* 27G */ 0.362, /* 28G */ 0.337, /* 29G */
    0.311  /* 30G */
};
#define GAUGE_MIN 10
#define GAUGE_MAX 30

double rfl_probe_gauge_radius(int gauge) {
  if (gauge < GAUGE_MIN || gauge > GAUGE_MAX) return 0.0;
  return 0.5e-3 * gauge_od_mm[gauge - GAUGE_MIN];
}
