// SPDX-License-Identifier: BSD-3-Clause
/* The discretisation error of the figures from two solutions (postproc/error_estimate.c):
 * the Richardson/GCI part Fs |f - f_c| / (r^p - 1), the floors (lengths, lesion lengths and
 * distal projections, volumes) and figures without a coarse value. */
#include <math.h>
#include <string.h>

#include "error_estimate.h"
#include "test_support.h"

static void richardson_part_and_floors(void **state) {
  (void)state;
  rfl_error_figures fine = {.n = 0}, coarse = {.n = 0};
  const int ns = 1;
  fine.n = coarse.n = rfl_error_peak_index(ns) + 1;
  for (int i = 0; i < fine.n; i++) fine.value[i] = coarse.value[i] = 1e-3;
  const double h = 0.2e-3, gain = RFL_ERROR_SAFETY / (1.5 * 1.5 - 1.0); /* 2.4 */
  /* a width 0.1 mm apart: 2.4 x 0.1 = 0.24 mm */
  int width = rfl_error_lesion_index(0, 0, 0), length = rfl_error_lesion_index(0, 0, 1);
  int distal = rfl_error_lesion_index(0, 0, 2);
  int volume = rfl_error_lesion_index(0, 0, 3), margin = rfl_error_structure_index(0, 0);
  int peak = rfl_error_structure_index(0, 2), tissue = rfl_error_peak_index(ns);
  fine.value[width] = 9.33e-3, coarse.value[width] = 9.23e-3;
  /* lengths that agree: the floors (half a cell for a lesion's length, 0.35 cells for its
   * distal projection, 0.05 for a margin) */
  fine.value[length] = coarse.value[length] = 16.7e-3;
  fine.value[distal] = coarse.value[distal] = 2.7e-3;
  fine.value[margin] = coarse.value[margin] = 1.4e-3;
  /* a volume that agrees: the length floor over a sphere's area */
  fine.value[volume] = coarse.value[volume] = 740e-9;
  /* temperatures: no floor */
  fine.value[peak] = 46.8, coarse.value[peak] = 46.7;
  fine.value[tissue] = 80.5, coarse.value[tissue] = NAN; /* no coarse value */
  rfl_error_estimate e;
  memset(&e, 0, sizeof e);
  rfl_error_estimate_compute(&fine, &coarse, 1.5, h, h, ns, &e);
  assert_int_equal(e.estimated, 1);
  assert_close(e.error.value[width], gain * 0.1e-3, 1e-15);
  assert_close(e.error.value[length], 0.5 * h, 1e-15);
  assert_close(e.error.value[distal], 0.35 * h, 1e-15);
  assert_close(e.error.value[margin], RFL_ERROR_FLOOR_CELLS * h, 1e-15);
  const double area = cbrt(36.0 * 3.14159265358979323846 * 740e-9 * 740e-9);
  assert_close(e.error.value[volume], area * RFL_ERROR_FLOOR_CELLS * h, 1e-18);
  assert_close(e.error.value[peak], gain * 0.1, 1e-12);
  assert_true(isnan(e.error.value[tissue]));
  /* the largest length error is the width's, 0.24 mm, over the 0.1 mm floor */
  assert_close(e.largest_length, gain * 0.1e-3, 1e-15);
  assert_close(e.ratio, 1.5, 0.0);
  e.accuracy = 0.1e-3;
  assert_false(rfl_error_estimate_met(&e));

  /* a run refined from 0.2 to 0.16 mm cells keeps the length floor of its first grid (a
   * refinement round does not shrink the proximal end's scatter), the other floors follow
   * the cells it ends on */
  fine.value[width] = coarse.value[width];
  const double h1 = 0.16e-3;
  rfl_error_estimate_compute(&fine, &coarse, 1.25, h1, h, ns, &e);
  assert_close(e.error.value[length], 0.5 * h, 1e-15);
  assert_close(e.error.value[distal], 0.35 * h1, 1e-15);
  assert_close(e.error.value[margin], 0.05 * h1, 1e-15);
  assert_close(e.start_spacing, h, 0.0);
  /* half a 0.2 mm cell meets a 0.1 mm target, to rounding */
  e.accuracy = 0.1 * 1e-3;
  assert_close(e.largest_length, 0.5 * 0.2e-3, 1e-15);
  assert_true(rfl_error_estimate_met(&e));
  e.accuracy = 0.0999e-3;
  assert_false(rfl_error_estimate_met(&e));
}

/* A refined pair that agrees by chance keeps the wider pair's estimate carried to its cells
 * at order 2; figures the refined pair sees larger keep their own; the largest length is
 * taken again. */
static void refinement_carries_the_earlier_estimate(void **state) {
  (void)state;
  const int ns = 1;
  rfl_error_figures fine, coarse;
  fine.n = coarse.n = rfl_error_peak_index(ns) + 1;
  for (int i = 0; i < fine.n; i++) fine.value[i] = coarse.value[i] = 1e-3;
  int width = rfl_error_lesion_index(0, 0, 0), margin = rfl_error_structure_index(0, 0);
  int peak = rfl_error_structure_index(0, 2);
  const double h0 = 0.2e-3, h1 = 0.16e-3, shrink = (h1 / h0) * (h1 / h0); /* 0.64 */
  rfl_error_estimate earlier, e;
  memset(&earlier, 0, sizeof earlier);
  memset(&e, 0, sizeof e);
  coarse.value[width] = 1e-3 - 0.05e-3; /* first pair: width 0.05 mm apart -> 0.12 mm */
  coarse.value[peak] = 1e-3 + 0.1;
  rfl_error_estimate_compute(&fine, &coarse, 1.5, h0, h0, ns, &earlier);
  earlier.spacing = h0;
  assert_close(earlier.error.value[width], 2.4 * 0.05e-3, 1e-15);
  /* the refined pair (r = 1.25): width agrees, the margin moves by 0.02 mm */
  for (int i = 0; i < fine.n; i++) coarse.value[i] = fine.value[i];
  coarse.value[margin] = 1e-3 + 0.02e-3;
  rfl_error_estimate_compute(&fine, &coarse, 1.25, h1, h0, ns, &e);
  e.spacing = h1;
  const double margin_own = 3.0 / (1.25 * 1.25 - 1.0) * 0.02e-3; /* 0.107 mm */
  assert_close(e.error.value[width], 0.05 * h1, 1e-15);          /* the floor alone */
  rfl_error_estimate_carry(&e, &earlier, ns);
  assert_close(e.error.value[width], shrink * 2.4 * 0.05e-3, 1e-15); /* 0.0768 mm */
  assert_close(e.error.value[margin], margin_own, 1e-15);
  assert_close(e.error.value[peak], shrink * 2.4 * 0.1, 1e-12);
  assert_close(e.largest_length, margin_own, 1e-15);
  /* an estimate from another list of figures is not carried */
  rfl_error_estimate other = earlier;
  other.error.n = 3;
  rfl_error_estimate before = e;
  rfl_error_estimate_carry(&e, &other, ns);
  assert_memory_equal(&e, &before, sizeof e);
}

static void kinds_follow_the_list(void **state) {
  (void)state;
  assert_int_equal(rfl_error_figure_kind(rfl_error_lesion_index(1, 1, 2), 2), RFL_ERROR_OF_LENGTH);
  assert_int_equal(rfl_error_figure_kind(rfl_error_lesion_index(1, 0, 3), 2), RFL_ERROR_OF_VOLUME);
  assert_int_equal(rfl_error_figure_kind(rfl_error_structure_index(1, 1), 2), RFL_ERROR_OF_LENGTH);
  assert_int_equal(rfl_error_figure_kind(rfl_error_structure_index(1, 2), 2), RFL_ERROR_OF_TEMPERATURE);
  assert_int_equal(rfl_error_figure_kind(rfl_error_peak_index(2), 2), RFL_ERROR_OF_TEMPERATURE);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(richardson_part_and_floors),
      cmocka_unit_test(refinement_carries_the_earlier_estimate),
      cmocka_unit_test(kinds_follow_the_list),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
