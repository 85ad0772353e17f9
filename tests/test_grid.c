// SPDX-License-Identifier: BSD-3-Clause
/* Grids: uniform sizes and adjusted spacing, graded axes (monotone faces, exact domain
 * ends, neighbour ratio <= growth, uniform fine region with faces where requested),
 * locate, spacing range and the input errors. */
#include <gsl/gsl_errno.h>
#include <string.h>

#include "grid.h"
#include "test_support.h"

static rfl_grid_spec spec_make(double spacing, double growth) {
  rfl_grid_spec s;
  memset(&s, 0, sizeof s);
  s.domain_min = rfl_vec3_make(-20.0e-3, -17.3e-3, -12.5e-3);
  s.domain_max = rfl_vec3_make(20.0e-3, 23.9e-3, 31.15e-3);
  s.fine_min = rfl_vec3_make(-3.1e-3, -2.45e-3, -7.35e-3);
  s.fine_max = rfl_vec3_make(2.9e-3, 3.05e-3, 6.25e-3);
  s.spacing = spacing;
  s.growth = growth;
  return s;
}

static void uniform_from_spec_adjusts_spacing(void **state) {
  (void)state;
  rfl_grid_spec s = spec_make(0.37e-3, 1.0);
  rfl_grid *g = NULL;
  assert_int_equal(rfl_grid_create(&s, &g), RFL_OK);
  /* 40 / 0.37 = 108.1 -> 108; 41.2 / 0.37 = 111.35 -> 111; 43.65 / 0.37 = 117.97 -> 118 */
  assert_int_equal(g->n[0], 108);
  assert_int_equal(g->n[1], 111);
  assert_int_equal(g->n[2], 118);
  assert_true(g->ncells == (size_t)108 * 111 * 118);
  assert_close(g->dx[0][17], 40.0e-3 / 108, 1e-15);
  assert_close(g->xf[2][118], 31.15e-3, 0.0);
  assert_close(g->xf[1][0], -17.3e-3, 0.0);
  assert_close(g->xc[2][5], -12.5e-3 + 5.5 * 43.65e-3 / 118, 1e-15);
  double hmin, hmax;
  rfl_grid_spacing_range(g, &hmin, &hmax);
  assert_close(hmin, 43.65e-3 / 118, 1e-15); /* z */
  assert_close(hmax, 41.2e-3 / 111, 1e-15);  /* y */
  rfl_grid_free(g);
}

static void check_graded_axis(const rfl_grid *g, int a, double lo, double hi, double f0,
                              double f1, double h, double growth) {
  const int n = g->n[a];
  const double *xf = g->xf[a];
  assert_true(xf[0] == lo);
  assert_true(xf[n] == hi);
  double worst = 1.0;
  for (int i = 0; i < n; ++i) {
    assert_true(xf[i + 1] > xf[i]);
    if (i > 0) {
      double r = g->dx[a][i] / g->dx[a][i - 1];
      worst = fmax(worst, fmax(r, 1.0 / r));
    }
  }
  if (!(worst <= growth + 1e-12))
    fail_msg("axis %d: neighbour ratio %.15g exceeds growth %.15g", a, worst, growth);
  /* the requested fine edges are faces, and every cell between them has width h */
  int i0 = rfl_grid_locate(g, a, f0 + 1e-3 * h), i1 = rfl_grid_locate(g, a, f1 - 1e-3 * h);
  assert_close(xf[i0], f0, 1e-12 * h + 1e-15);
  for (int i = i0; i <= i1; ++i) assert_close(g->dx[a][i], h, 1e-9 * h);
  /* faces at f0 + m h, whole cells, covering [f0, f1] */
  for (int i = i0; i <= i1 + 1; ++i) assert_close(xf[i], f0 + (i - i0) * h, 1e-9 * h);
  assert_true(xf[i1 + 1] >= f1 - 1e-9 * h);
}

static void graded_axes_meet_the_contract(void **state) {
  (void)state;
  const double growths[] = {1.08, 1.15, 1.3};
  for (size_t t = 0; t < sizeof growths / sizeof growths[0]; ++t) {
    rfl_grid_spec s = spec_make(0.2e-3, growths[t]);
    rfl_grid *g = NULL;
    assert_int_equal(rfl_grid_create(&s, &g), RFL_OK);
    for (int a = 0; a < 3; ++a)
      check_graded_axis(g, a, rfl_vec3_get(s.domain_min, a), rfl_vec3_get(s.domain_max, a),
                        rfl_vec3_get(s.fine_min, a), rfl_vec3_get(s.fine_max, a), s.spacing,
                        s.growth);
    /* the graded part really grows: the outermost cell is much wider than h */
    assert_true(g->dx[0][0] > 3.0 * s.spacing);
    rfl_grid_free(g);
  }
}

static void graded_fine_box_is_snapped_to_whole_cells(void **state) {
  (void)state;
  /* 6.0 / 0.35 = 17.14 cells: the box grows to 18 cells, i.e. to 3.2 mm */
  rfl_grid_spec s = spec_make(0.35e-3, 1.12);
  rfl_grid *g = NULL;
  assert_int_equal(rfl_grid_create(&s, &g), RFL_OK);
  int i0 = rfl_grid_locate(g, 0, -3.1e-3 + 1e-9);
  assert_close(g->xf[0][i0], -3.1e-3, 1e-15);
  assert_close(g->xf[0][i0 + 18], -3.1e-3 + 18 * 0.35e-3, 1e-15);
  assert_close(g->dx[0][i0 + 17], 0.35e-3, 1e-15);
  assert_true(g->dx[0][i0 + 18] > 0.35e-3 * (1.0 + 1e-9)); /* first graded cell */
  assert_true(g->dx[0][i0 - 1] > 0.35e-3 * (1.0 + 1e-9));
  rfl_grid_free(g);
}

static void uniform_and_from_faces(void **state) {
  (void)state;
  int n[3] = {7, 3, 5};
  rfl_grid *g = NULL;
  assert_int_equal(rfl_grid_create_uniform(n, rfl_vec3_make(-1.5, 0.25, 2.0),
                                           rfl_vec3_make(2.0, 1.0, 3.125), &g),
                   RFL_OK);
  assert_close(g->dx[0][3], 0.5, 1e-15);
  assert_close(g->xc[1][1], 0.625, 1e-15);
  assert_close(g->xf[2][5], 3.125, 0.0);
  rfl_grid_free(g);

  double x[] = {0.0, 0.1, 0.35, 0.8}, y[] = {-2.0, 2.0}, z[] = {1.0, 1.5, 3.0};
  const double *faces[3] = {x, y, z};
  int m[3] = {3, 1, 2};
  assert_int_equal(rfl_grid_create_from_faces(m, faces, &g), RFL_OK);
  assert_close(g->dx[0][2], 0.45, 1e-15);
  assert_close(g->xc[2][1], 2.25, 1e-15);
  assert_true(g->ncells == 6);
  assert_close(rfl_grid_volume(g, 1, 0, 1), 0.25 * 4.0 * 1.5, 1e-15);
  /* locate: faces belong to the cell above, outside is clamped */
  assert_int_equal(rfl_grid_locate(g, 0, 0.1), 1);
  assert_int_equal(rfl_grid_locate(g, 0, 0.0999), 0);
  assert_int_equal(rfl_grid_locate(g, 0, 0.5), 2);
  assert_int_equal(rfl_grid_locate(g, 0, -7.0), 0);
  assert_int_equal(rfl_grid_locate(g, 0, 9.0), 2);
  assert_int_equal(rfl_grid_locate(g, 0, 0.8), 2);
  assert_true(rfl_grid_index(g, 2, 0, 1) == 5);
  rfl_grid_free(g);

  double bad[] = {0.0, 0.3, 0.3, 0.8};
  const double *bad_faces[3] = {bad, y, z};
  assert_int_equal(rfl_grid_create_from_faces(m, bad_faces, &g), RFL_EINPUT);
  assert_null(g);
  assert_contains(rfl_error_message(), "faces must increase");
}

static void locate_on_graded_grid(void **state) {
  (void)state;
  rfl_grid_spec s = spec_make(0.25e-3, 1.2);
  rfl_grid *g = NULL;
  assert_int_equal(rfl_grid_create(&s, &g), RFL_OK);
  for (int a = 0; a < 3; ++a)
    for (int i = 0; i < g->n[a]; ++i) {
      assert_int_equal(rfl_grid_locate(g, a, g->xc[a][i]), i);
      assert_int_equal(rfl_grid_locate(g, a, g->xf[a][i]), i);
    }
  rfl_grid_free(g);
}

static void input_errors(void **state) {
  (void)state;
  rfl_grid *g = NULL;
  rfl_grid_spec s = spec_make(0.2e-3, 0.9);
  assert_int_equal(rfl_grid_create(&s, &g), RFL_EINPUT);
  assert_contains(rfl_error_message(), "[grid] growth: expected a ratio >= 1, found 0.9");
  s = spec_make(-0.2e-3, 1.1);
  assert_int_equal(rfl_grid_create(&s, &g), RFL_EINPUT);
  assert_contains(rfl_error_message(), "[grid] spacing_mm: expected a positive number");
  s = spec_make(0.2e-3, 1.1);
  s.fine_max.y = 30e-3;
  assert_int_equal(rfl_grid_create(&s, &g), RFL_EINPUT);
  assert_contains(rfl_error_message(), "[grid] fine_min_mm: the fine box");
  s = spec_make(0.2e-3, 1.1);
  s.domain_max.z = s.domain_min.z;
  assert_int_equal(rfl_grid_create(&s, &g), RFL_EINPUT);
  assert_contains(rfl_error_message(), "[grid] domain_max_mm");
  /* 0.05 mm left below the fine box, far less than a fine cell: cannot grade */
  s = spec_make(0.2e-3, 1.1);
  s.fine_min.x = s.domain_min.x + 0.05e-3;
  assert_int_equal(rfl_grid_create(&s, &g), RFL_EINPUT);
  assert_contains(rfl_error_message(), "[grid] growth: cannot fill the 0.05 mm");
  s = spec_make(1e-9, 1.0);
  assert_int_equal(rfl_grid_create(&s, &g), RFL_EINPUT);
  assert_contains(rfl_error_message(), "[grid] spacing_mm");
  assert_null(g);
}

int main(void) {
  gsl_set_error_handler_off();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(uniform_from_spec_adjusts_spacing),
      cmocka_unit_test(graded_axes_meet_the_contract),
      cmocka_unit_test(graded_fine_box_is_snapped_to_whole_cells),
      cmocka_unit_test(uniform_and_from_faces),
      cmocka_unit_test(locate_on_graded_grid),
      cmocka_unit_test(input_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
