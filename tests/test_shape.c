// SPDX-License-Identifier: BSD-3-Clause
/* Shapes and the probe: signed distances at chosen points against hand-computed values,
 * volume/area formulas (including the bent-capsule joint correction, checked against a
 * Monte Carlo estimate of 5.983 +/- 0.009 when it was derived), bounds, names, probe parts
 * on both sides of every boundary, and the gauge table. */
#include <string.h>

#include "probe.h"
#include "shape.h"
#include "test_support.h"

#define PI 3.14159265358979323846
#define TOL 1e-12

static rfl_vec3 v3(double x, double y, double z) { return rfl_vec3_make(x, y, z); }

static rfl_vec3 combo(rfl_vec3 o, double s, rfl_vec3 u, double t, rfl_vec3 v) {
  return rfl_vec3_add(o, rfl_vec3_add(rfl_vec3_scale(u, s), rfl_vec3_scale(v, t)));
}

static void box_distances_and_measures(void **state) {
  (void)state;
  rfl_shape s = {.kind = RFL_SHAPE_BOX, .lo = {0.1, -0.2, 0.3}, .hi = {1.7, 0.9, 2.4}};
  assert_close(rfl_shape_distance(&s, v3(2.0, 1.3, 2.9)), sqrt(0.5), TOL); /* corner */
  assert_close(rfl_shape_distance(&s, v3(0.5, 0.1, 2.9)), 0.5, TOL);       /* face */
  assert_close(rfl_shape_distance(&s, v3(0.5, 0.1, 1.0)), -0.3, TOL);      /* inside */
  assert_true(rfl_shape_contains(&s, v3(1.7, 0.9, 2.4)));
  assert_false(rfl_shape_contains(&s, v3(1.7 + 1e-9, 0.0, 1.0)));
  assert_close(rfl_shape_volume(&s), 1.6 * 1.1 * 2.1, TOL);
  assert_close(rfl_shape_area(&s), 2.0 * (1.6 * 1.1 + 1.1 * 2.1 + 2.1 * 1.6), TOL);
}

static void sphere_distances_and_measures(void **state) {
  (void)state;
  rfl_shape s = {.kind = RFL_SHAPE_SPHERE, .centre = {0.3, -1.2, 2.5}, .radius = 1.385};
  assert_close(rfl_shape_distance(&s, v3(1.3, 0.8, 0.5)), 1.615, TOL);
  assert_close(rfl_shape_distance(&s, v3(0.3, -1.2, 2.5)), -1.385, TOL);
  assert_close(rfl_shape_volume(&s), 11.128533295448278, 1e-12);
  assert_close(rfl_shape_area(&s), 24.105126271729123, 1e-12);
  rfl_vec3 lo, hi;
  rfl_shape_bounds(&s, &lo, &hi);
  assert_close(lo.y, -2.585, TOL);
  assert_close(hi.z, 3.885, TOL);
}

static void tilted_cylinder_distances(void **state) {
  (void)state;
  rfl_vec3 u = v3(2.0 / 7.0, 3.0 / 7.0, 6.0 / 7.0), v = v3(3.0 / sqrt(13.0), -2.0 / sqrt(13.0), 0);
  rfl_vec3 p0 = v3(1.0, 2.0, 3.0);
  rfl_shape s = {.kind = RFL_SHAPE_CYLINDER, .radius = 0.45, .npoints = 2};
  s.points[0] = p0;
  s.points[1] = rfl_vec3_add(p0, rfl_vec3_scale(u, 2.385));
  assert_close(rfl_shape_distance(&s, combo(p0, 1.1, u, 0.2, v)), -0.25, 1e-12);
  assert_close(rfl_shape_distance(&s, combo(p0, -0.3, u, 0.6, v)), 0.33541019662496846, 1e-12);
  assert_close(rfl_shape_distance(&s, combo(p0, 2.5, u, 0.1, v)), 0.115, 1e-12);
  assert_close(rfl_shape_distance(&s, combo(p0, 1.0, u, 0.9, v)), 0.45, 1e-12);
  assert_close(rfl_shape_distance(&s, combo(p0, 2.3, u, 0.0, v)), -0.085, 1e-12); /* end */
  assert_close(rfl_shape_volume(&s), 1.5172714419593605, 1e-12);
  assert_close(rfl_shape_area(&s), 8.015773655634357, 1e-12);
  rfl_vec3 lo, hi;
  rfl_shape_bounds(&s, &lo, &hi);
  assert_close(lo.z, 3.0 - 0.45 * sqrt(1.0 - 36.0 / 49.0), 1e-12);
  assert_close(hi.x, 1.0 + 2.385 * 2.0 / 7.0 + 0.45 * sqrt(1.0 - 4.0 / 49.0), 1e-12);
}

static void capsule_polyline(void **state) {
  (void)state;
  rfl_shape s = {.kind = RFL_SHAPE_CAPSULE, .radius = 0.5, .npoints = 3};
  s.points[0] = v3(0, 0, 0);
  s.points[1] = v3(3, 0, 0);
  s.points[2] = v3(3, 4, 0);
  assert_close(rfl_shape_distance(&s, v3(1.5, 1.2, 0.7)), 0.8892443989449803, 1e-12);
  assert_close(rfl_shape_distance(&s, v3(3.8, -0.6, 0.0)), 0.5, 1e-12); /* round joint */
  assert_close(rfl_shape_distance(&s, v3(2.9, 3.0, 0.1)), -0.3585786437626905, 1e-12);
  assert_close(rfl_shape_distance(&s, v3(3.0, 4.3, 0.0)), -0.2, 1e-12); /* end cap */
  /* right-angle joint: pi R^2 7 + 4/3 pi R^3 + R^3 (pi/3 - 4/3) */
  assert_close(rfl_shape_volume(&s), 5.985618946613346, 1e-12);
  assert_close(rfl_shape_area(&s), 24.918139392115794, 1e-12);
  /* a collinear middle point changes nothing */
  rfl_shape straight = {.kind = RFL_SHAPE_CAPSULE, .radius = 0.5, .npoints = 3};
  straight.points[0] = v3(0, 0, 0);
  straight.points[1] = v3(1.25, 0, 0);
  straight.points[2] = v3(3.5, 0, 0);
  assert_close(rfl_shape_volume(&straight), PI * 0.25 * 3.5 + 4.0 / 3.0 * PI * 0.125, 1e-12);
  assert_close(rfl_shape_area(&straight), 2.0 * PI * 0.5 * 3.5 + 4.0 * PI * 0.25, 1e-12);
  rfl_vec3 lo, hi;
  rfl_shape_bounds(&s, &lo, &hi);
  assert_close(lo.x, -0.5, TOL);
  assert_close(hi.y, 4.5, TOL);
}

static void halfspace_and_names(void **state) {
  (void)state;
  rfl_shape s = {.kind = RFL_SHAPE_HALFSPACE, .point = {1, 2, 3}, .normal = {0, 0.6, 0.8}};
  assert_close(rfl_shape_distance(&s, v3(5.0, 2.5, 3.5)), 0.7, 1e-12);
  assert_true(rfl_shape_contains(&s, v3(-40.0, 1.0, 3.0)));
  assert_true(isinf(rfl_shape_volume(&s)));
  rfl_vec3 lo, hi;
  rfl_shape_bounds(&s, &lo, &hi);
  assert_true(isinf(lo.x) && lo.x < 0 && isinf(hi.z));
  for (int k = RFL_SHAPE_BOX; k <= RFL_SHAPE_HALFSPACE; ++k)
    assert_int_equal(rfl_shape_kind_from_name(rfl_shape_kind_name((rfl_shape_kind)k)), k);
  assert_string_equal(rfl_shape_kind_name(RFL_SHAPE_CAPSULE), "capsule");
  assert_int_equal(rfl_shape_kind_from_name("cone"), -1);
}

/* RC-1's electrode: 18G, 10 mm round tip from z = -5 mm along +z. */
static rfl_probe rc1_probe(void) {
  rfl_probe p;
  memset(&p, 0, sizeof p);
  strcpy(p.name, "probe");
  p.radius = 0.635e-3;
  p.gauge = 18;
  p.tip_length = 10e-3;
  p.tip_shape = RFL_TIP_ROUND;
  p.tip = v3(0, 0, -5e-3);
  p.direction = v3(0, 0, 1);
  return p;
}

static void probe_parts_at_boundaries(void **state) {
  (void)state;
  rfl_probe p = rc1_probe();
  const double a = p.radius, e = 1e-9;
  assert_int_equal(rfl_probe_part_at(&p, v3(0, 0, -5e-3 + e)), RFL_PROBE_PART_ACTIVE);
  assert_int_equal(rfl_probe_part_at(&p, v3(0, 0, -5e-3 - e)), RFL_PROBE_PART_NONE);
  /* on the hemisphere at 40 degrees from the axis */
  rfl_vec3 c = v3(0, 0, -5e-3 + a), dir = v3(sin(0.7), 0, -cos(0.7));
  assert_int_equal(rfl_probe_part_at(&p, rfl_vec3_add(c, rfl_vec3_scale(dir, a - e))),
                   RFL_PROBE_PART_ACTIVE);
  assert_int_equal(rfl_probe_part_at(&p, rfl_vec3_add(c, rfl_vec3_scale(dir, a + e))),
                   RFL_PROBE_PART_NONE);
  /* lateral surface */
  assert_int_equal(rfl_probe_part_at(&p, v3(0, a - e, 1.3e-3)), RFL_PROBE_PART_ACTIVE);
  assert_int_equal(rfl_probe_part_at(&p, v3(0, a + e, 1.3e-3)), RFL_PROBE_PART_NONE);
  /* active / shaft boundary at z = +5 mm */
  assert_int_equal(rfl_probe_part_at(&p, v3(0.2e-3, 0, 5e-3 - e)), RFL_PROBE_PART_ACTIVE);
  assert_int_equal(rfl_probe_part_at(&p, v3(0.2e-3, 0, 5e-3 + e)), RFL_PROBE_PART_SHAFT);
  assert_int_equal(rfl_probe_part_at(&p, v3(0, 0, 0.75)), RFL_PROBE_PART_SHAFT); /* unbounded */
  assert_int_equal(rfl_probe_part_at(&p, v3(a + e, 0, 0.75)), RFL_PROBE_PART_NONE);
  p.shaft_length = 10e-3;
  assert_int_equal(rfl_probe_part_at(&p, v3(0, 0, 15e-3 - e)), RFL_PROBE_PART_SHAFT);
  assert_int_equal(rfl_probe_part_at(&p, v3(0, 0, 15e-3 + e)), RFL_PROBE_PART_NONE);
  /* a corner point that only a flat tip contains */
  rfl_vec3 corner = v3(0.9 * a, 0, -5e-3 + 0.05 * a);
  assert_int_equal(rfl_probe_part_at(&p, corner), RFL_PROBE_PART_NONE);
  p.tip_shape = RFL_TIP_FLAT;
  assert_int_equal(rfl_probe_part_at(&p, corner), RFL_PROBE_PART_ACTIVE);
}

static void probe_distances(void **state) {
  (void)state;
  rfl_probe p = rc1_probe();
  assert_close(rfl_probe_distance(&p, v3(0, 0, -5.3e-3)), 0.3e-3, 1e-15);
  assert_close(rfl_probe_distance(&p, v3(1.0e-3, 0, -1e-3)), 0.365e-3, 1e-15);
  assert_close(rfl_probe_distance(&p, v3(0, 0, -4.8e-3)), -0.2e-3, 1e-15);
  assert_close(rfl_probe_distance(&p, v3(0, 0.3e-3, 0)), -0.335e-3, 1e-15);
  p.shaft_length = 7.25e-3; /* proximal end at z = 12.25 mm */
  assert_close(rfl_probe_distance(&p, v3(0, 0, 12.45e-3)), 0.2e-3, 1e-15);
  assert_close(rfl_probe_distance(&p, v3(0.8e-3, 0, 12.45e-3)), hypot(0.165e-3, 0.2e-3), 1e-15);
  assert_close(rfl_probe_distance(&p, v3(0, 0, 12.15e-3)), -0.1e-3, 1e-15);
  p.tip_shape = RFL_TIP_FLAT;
  assert_close(rfl_probe_distance(&p, v3(0.8e-3, 0, -5.2e-3)), hypot(0.165e-3, 0.2e-3), 1e-15);
  assert_close(rfl_probe_distance(&p, v3(0.5e-3, 0, -4.95e-3)), -0.05e-3, 1e-15);
}

static void probe_active_measures(void **state) {
  (void)state;
  rfl_probe p = rc1_probe();
  /* RC-1: cylinder of length L - a plus a hemisphere (mm^2, mm^3 in the comments) */
  assert_close(rfl_probe_active_area(&p), 39.89822670059037e-6, 1e-16);
  assert_close(rfl_probe_active_volume(&p), 12.399554269748352e-9, 1e-19);
  p.tip_shape = RFL_TIP_FLAT;
  assert_close(rfl_probe_active_area(&p), 41.16499539833411e-6, 1e-16);
  assert_close(rfl_probe_active_volume(&p), 12.667686977437445e-9, 1e-19);
}

static void gauge_table(void **state) {
  (void)state;
  assert_close(rfl_probe_gauge_radius(18), 0.635e-3, 1e-12);
  assert_close(rfl_probe_gauge_radius(16), 0.8255e-3, 1e-12);
  assert_close(rfl_probe_gauge_radius(17), 0.7365e-3, 1e-12);
  assert_close(rfl_probe_gauge_radius(20), 0.454e-3, 1e-12);
  assert_close(rfl_probe_gauge_radius(22), 0.359e-3, 1e-12);
  assert_close(rfl_probe_gauge_radius(10), 1.702e-3, 1e-12);
  assert_close(rfl_probe_gauge_radius(30), 0.1555e-3, 1e-12);
  assert_true(rfl_probe_gauge_radius(9) == 0.0);
  assert_true(rfl_probe_gauge_radius(31) == 0.0);
  for (int g = 11; g <= 30; ++g) assert_true(rfl_probe_gauge_radius(g) < rfl_probe_gauge_radius(g - 1));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(box_distances_and_measures), cmocka_unit_test(sphere_distances_and_measures),
      cmocka_unit_test(tilted_cylinder_distances),  cmocka_unit_test(capsule_polyline),
      cmocka_unit_test(halfspace_and_names),        cmocka_unit_test(probe_parts_at_boundaries),
      cmocka_unit_test(probe_distances),            cmocka_unit_test(probe_active_measures),
      cmocka_unit_test(gauge_table),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
