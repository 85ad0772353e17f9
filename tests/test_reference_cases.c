// SPDX-License-Identifier: BSD-3-Clause
/* The reference cases RC-1, RC-2, RC-3 and RC-3b (shared benchmarks) against the values of
 * an independent finite-element solution. Usage: test_reference_cases CASE [--set K=V]...
 * where CASE is rc1, rc2, rc3 or rc3b; the shipped case file is read, any overrides applied
 * (CI may run at another resolution), the case simulated, and every figure compared with
 * its tolerance: lesion and isotherm width, length and distal projection within 0.3 mm,
 * volumes, tip voltage and power within 5 %; for the nerve cases the margins within 0.3 mm,
 * the peak nerve temperature within 1 C, the 45 C crossing time within 3 s, and the flags.
 * Each figure is printed with its reference so a failing run shows every miss at once. */
#include <stdlib.h>
#include <string.h>

#include "test_support.h"
/* after test_support.h (cmocka's include order) */
#include "case_runner.h"

static const char *case_name;
static const char *sets[64];
static int nsets;
static int failures;

static void check(const char *what, double got, double ref, double tol) {
  int ok = fabs(got - ref) <= tol;
  printf("  %-38s %10.4f  reference %10.4f  +/- %-7.3g %s\n", what, got, ref, tol, ok ? "ok" : "MISS");
  failures += !ok;
}

static void check_rel(const char *what, double got, double ref, double rtol) {
  check(what, got, ref, rtol * fabs(ref));
}

static void check_lesion(const char *label, const rfl_lesion_metrics *l, double w, double len, double distal,
                         double vol) {
  char name[64];
  snprintf(name, sizeof name, "%s width, mm", label);
  check(name, 1e3 * l->width, w, 0.3);
  snprintf(name, sizeof name, "%s length, mm", label);
  check(name, 1e3 * l->length, len, 0.3);
  snprintf(name, sizeof name, "%s distal projection, mm", label);
  check(name, 1e3 * l->distal, distal, 0.3);
  snprintf(name, sizeof name, "%s volume, mm3", label);
  check_rel(name, 1e9 * l->volume, vol, 0.05);
}

static const rfl_structure_report *nerve(const rfl_summary *s) {
  for (int k = 0; k < s->nstructures; ++k)
    if (s->structures[k].structure->role == RFL_ROLE_PROTECTED) return &s->structures[k];
  fail_msg("no protected structure in %s", case_name);
  return NULL;
}

static void reference_case(void **state) {
  (void)state;
  static rfl_case kase;
  static rfl_summary sum;
  char path[1024];
  snprintf(path, sizeof path, "%s/cases/reference/%s.ini", RFL_SOURCE_DIR, case_name);
  size_t cells = run_case_file(path, sets, nsets, &kase, &sum);
  printf("  %s: %zu cells, %zu steps\n", case_name, cells, sum.steps);

  const rfl_lesion_snapshot *e = &sum.end_of_rf;
  const rfl_sample *g = &sum.generator_end;
  if (!strcmp(case_name, "rc1")) {
    check_lesion("Omega >= 1", &e->lesion, 9.305, 16.748, 2.705, 738.5);
    check_lesion("50 C isotherm", &e->isotherm, 10.352, 17.293, 2.961, 928.7);
    check_rel("tip voltage, V", g->voltage, 10.475, 0.05);
    check_rel("power, W", g->power, 1.834, 0.05);
    check_rel("impedance, ohm", g->impedance, 59.83, 0.05);
    check("peak tissue T at 90 s, C", sum.peak_tissue_end_C, 80.088, 1.0);
  } else if (!strcmp(case_name, "rc2")) {
    check_lesion("Omega >= 1", &e->lesion, 9.237, 16.700, 2.683, 726.1);
    check_lesion("50 C isotherm", &e->isotherm, 10.253, 17.219, 2.928, 907.5);
    check_rel("tip voltage, V", g->voltage, 10.514, 0.05);
    check_rel("power, W", g->power, 1.846, 0.05);
    check_rel("impedance, ohm", g->impedance, 59.89, 0.05);
    const double t_ref[2] = {30, 60}, w_ref[2] = {5.504, 7.673}, l_ref[2] = {13.764, 15.472},
                 v_ref[2] = {236.6, 483.1};
    for (int i = 0; i < 2; ++i) {
      const rfl_lesion_snapshot *s = NULL;
      for (int k = 0; k < sum.ngrowth; ++k)
        if (fabs(sum.growth[k].t - t_ref[i]) < 1e-6) s = &sum.growth[k];
      if (!s) fail_msg("no lesion snapshot at t = %g s ([output] times_s)", t_ref[i]);
      char name[64];
      snprintf(name, sizeof name, "width at %g s, mm", t_ref[i]);
      check(name, 1e3 * s->lesion.width, w_ref[i], 0.3);
      snprintf(name, sizeof name, "length at %g s, mm", t_ref[i]);
      check(name, 1e3 * s->lesion.length, l_ref[i], 0.3);
      snprintf(name, sizeof name, "volume at %g s, mm3", t_ref[i]);
      check_rel(name, 1e9 * s->lesion.volume, v_ref[i], 0.05);
    }
  } else if (!strcmp(case_name, "rc3")) {
    const rfl_structure_report *n = nerve(&sum);
    check("lesion-to-nerve distance, mm", 1e3 * n->margin, 1.385, 0.3);
    check("isotherm-to-nerve distance, mm", 1e3 * n->isotherm_margin, 0.876, 0.3);
    check("peak nerve temperature, C", n->peak_C, 46.765, 1.0);
    check("first time the nerve reaches 45 C, s", n->threshold_crossed_s, 65.8, 3.0);
    check_rel("max Omega in the nerve", n->max_omega, 0.2104, 0.25);
    check_rel("max CEM43 in the nerve, min", n->max_cem43_min, 4.10, 0.25);
    check("nerve fraction with Omega >= 1", n->damaged_fraction, 0.0, 1e-12);
    check("threshold flag raised", n->flag_threshold, 1, 0);
    check("overlap flag raised", n->flag_overlap, 0, 0);
  } else if (!strcmp(case_name, "rc3b")) {
    const rfl_structure_report *n = nerve(&sum);
    check("lesion-to-nerve distance, mm", 1e3 * n->margin, -0.614, 0.3);
    check("peak nerve temperature, C", n->peak_C, 55.42, 1.0);
    check("nerve fraction with Omega >= 1, %", 100.0 * n->damaged_fraction, 0.99, 0.3);
    check("overlap flag raised", n->flag_overlap, 1, 0);
    check("threshold flag raised", n->flag_threshold, 1, 0);
  } else {
    fail_msg("unknown reference case '%s' (rc1, rc2, rc3, rc3b)", case_name);
  }
  if (failures) fail_msg("%d figure(s) outside their tolerance", failures);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s rc1|rc2|rc3|rc3b [--set KEY=VALUE]...\n", argv[0]);
    return 2;
  }
  case_name = argv[1];
  for (int i = 2; i + 1 < argc && nsets < 64; i += 2)
    if (!strcmp(argv[i], "--set")) sets[nsets++] = argv[i + 1];
  const struct CMUnitTest tests[] = {cmocka_unit_test(reference_case)};
  return cmocka_run_group_tests_name(case_name, tests, NULL, NULL);
}
