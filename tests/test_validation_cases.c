// SPDX-License-Identifier: BSD-3-Clause
/* Pins the simulated lesion widths of a few validation cases (docs/validation.md) to their
 * current values, so that a change of the physics, the numerics or the lesion measurement
 * that moves them is noticed. These are NOT reference values: the cases run the RC-1 model
 * (cases/reference/rc1.ini) on a deliberately coarse grid and time step (a few seconds
 * each), and the pinned numbers are what the code computed at that resolution.
 *
 * To re-pin after an intended change: run this test (ctest -R validation_cases -V); each
 * case prints "got" next to "pinned"; copy the "got" values into PINNED below and say in the
 * commit why they moved. Produced with build type Release, 2 threads; the values do not
 * depend on the thread count beyond round-off. */
#include <stdlib.h>
#include <string.h>

#include "test_support.h"
/* after test_support.h (cmocka's include order) */
#include "case_runner.h"

#define TOL_MM 0.05 /* allowed drift of a pinned width */

typedef struct {
  const char *name;
  const char *sets[24];
  double omega_width_mm, isotherm_width_mm; /* pinned: Omega >= 1 and 50 C isotherm widths */
} pinned_case;

/* Common coarse settings: cells growing by 40 % outside the fine box, 2 s steps. */
#define COARSE "grid.growth=1.4", "solver.dt_s=2"

static const pinned_case PINNED[] = {
    /* the trend base of docs/validation.md: 18G, 10 mm, 80 C, 2 min, ex vivo tissue at 22 C */
    {"18G 10 mm 80 C 120 s, ex vivo at 22 C",
     {COARSE, "grid.fine_min_mm=0,0,-8", "grid.fine_max_mm=4.8,4.8,6.4", "physics.initial_C=22",
      "physics.boundary_C=22", "physics.arterial_C=22", "generator.duration_s=120", "output.times_s=120", NULL},
     7.522, 7.960},
    /* the de Louw 2001 row: 22G, 5 mm, 67 C, 60 s, in vivo (IT'IS muscle perfusion) */
    {"22G 5 mm 67 C 60 s, in vivo",
     {COARSE, "probe.gauge=22", "probe.tip_length_mm=5", "probe.tip_mm=0,0,-2.5", "grid.spacing_mm=0.11",
      "grid.fine_min_mm=0,0,-5.5", "grid.fine_max_mm=2.64,2.64,3.3", "generator.set_temperature_C=67",
      "generator.duration_s=60", "output.times_s=60", "material:muscle.perfusion_1_s=6.677e-4",
      "material:muscle.q_met_W_m3=988", NULL},
     4.236, 5.047},
};
#define NPINNED ((int)(sizeof PINNED / sizeof PINNED[0]))

static void widths_stay_pinned(void **state) {
  (void)state;
  char path[1024];
  snprintf(path, sizeof path, "%s/cases/reference/rc1.ini", RFL_SOURCE_DIR);
  int misses = 0;
  for (int i = 0; i < NPINNED; ++i) {
    static rfl_case kase;
    static rfl_summary sum;
    int nsets = 0;
    while (PINNED[i].sets[nsets]) ++nsets;
    size_t cells = run_case_file(path, PINNED[i].sets, nsets, &kase, &sum);
    double w = 1e3 * sum.end_of_rf.lesion.width, wi = 1e3 * sum.end_of_rf.isotherm.width;
    int ok = fabs(w - PINNED[i].omega_width_mm) <= TOL_MM && fabs(wi - PINNED[i].isotherm_width_mm) <= TOL_MM;
    printf("  %-40s %7zu cells: Omega width got %.3f pinned %.3f; isotherm width got %.3f pinned %.3f  %s\n",
           PINNED[i].name, cells, w, PINNED[i].omega_width_mm, wi, PINNED[i].isotherm_width_mm,
           ok ? "ok" : "MOVED");
    misses += !ok;
  }
  if (misses) fail_msg("%d case(s) moved by more than %.2f mm (re-pin if intended; see the header)", misses, TOL_MM);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(widths_stay_pinned)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
