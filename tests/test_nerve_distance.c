// SPDX-License-Identifier: BSD-3-Clause
/* Moving the protected nerve root of RC-3 away from the probe: the lesion-to-nerve margin
 * must grow and the nerve's peak temperature fall monotonically with the distance, the
 * overlap flag must be raised when the lesion reaches the nerve (RC-3b's 5.5 mm) and every
 * flag must clear once the nerve is far enough (11.5 mm). Runs RC-3 on a coarser grid and
 * time step than the shipped case (this is about the trend, not the reference values). */
#include <stdlib.h>
#include <string.h>

#include "test_support.h"
/* after test_support.h (cmocka's include order) */
#include "case_runner.h"

#define NDIST 4
static const double DIST_MM[NDIST] = {5.5, 7.5, 9.5, 11.5};

static void run_at(double d_mm, rfl_structure_report *out, int *nflags) {
  static rfl_case kase;
  static rfl_summary sum;
  char points[128];
  snprintf(points, sizeof points, "structure:nerve_root.points_mm=-20,%g,0;20,%g,0", d_mm, d_mm);
  const char *sets[] = {points, "grid.spacing_mm=0.2", "grid.growth=1.25", "solver.dt_s=1",
                        "grid.fine_min_mm=0,-6.4,-9.6", "grid.fine_max_mm=6.4,6.4,6.4"};
  char path[1024];
  snprintf(path, sizeof path, "%s/cases/reference/rc3.ini", RFL_SOURCE_DIR);
  run_case_file(path, sets, 6, &kase, &sum);
  *out = sum.structures[0];
  *nflags = sum.nflags;
  printf("  nerve axis at %4.1f mm: margin %+6.3f mm, isotherm margin %+6.3f mm, peak %6.2f C, "
         "%d flag(s)%s%s\n",
         d_mm, 1e3 * out->margin, 1e3 * out->isotherm_margin, out->peak_C, sum.nflags,
         sum.nflags ? ", first " : "", sum.nflags ? sum.flags[0] : "");
}

static void flags_and_margins_follow_the_distance(void **state) {
  (void)state;
  rfl_structure_report r[NDIST];
  int nflags[NDIST];
  for (int i = 0; i < NDIST; ++i) run_at(DIST_MM[i], &r[i], &nflags[i]);
  for (int i = 1; i < NDIST; ++i) {
    assert_true(r[i].margin > r[i - 1].margin);
    assert_true(r[i].isotherm_margin > r[i - 1].isotherm_margin);
    assert_true(r[i].peak_C < r[i - 1].peak_C);
    assert_true(r[i].max_cem43_min < r[i - 1].max_cem43_min);
  }
  /* the margin moves with the nerve (the lesion does not depend on where the nerve is,
   * which has tissue properties): each 2 mm step adds close to 2 mm */
  for (int i = 1; i < NDIST; ++i) assert_close(r[i].margin - r[i - 1].margin, 2e-3, 0.15e-3);
  assert_true(r[0].flag_overlap);
  assert_true(r[0].flag_threshold);
  assert_false(r[1].flag_overlap);
  assert_true(r[1].flag_threshold); /* RC-3: outside the lesion, yet above 45 C */
  assert_int_equal(nflags[NDIST - 1], 0);
  assert_true(r[NDIST - 1].peak_C < r[NDIST - 1].structure->threshold_C);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(flags_and_margins_follow_the_distance)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
