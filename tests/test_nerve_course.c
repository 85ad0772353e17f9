// SPDX-License-Identifier: BSD-3-Clause
/* Nerves along their course and probes by trajectory, on whole runs:
 * - RC-3 and RC-3b with the nerve root as a single-segment capsule and, in the same run, as
 *   a polyline of four collinear points: the same figures (tolerances below);
 * - RC-3b with a bent nerve whose closest point to the lesion is its bend: the margin and
 *   where along the course it lies, against a brute-force search over the lesion surface
 *   points found on the grid lines;
 * - a thin target nerve straight through the lesion beside the electrode is captured over
 *   close to the lesion's chord along its axis (found by brute force on the Omega field);
 *   RC-3's nerve beside the lesion is neither coagulated nor captured, and RC-3b's, which
 *   the lesion enters by 0.6 mm, is coagulated over a length but not captured;
 * - a probe placed by entry_mm and target_mm gives exactly the run of the same probe given
 *   by tip_mm, direction and shaft_length_mm.
 * The nerves have the tissue's properties (RC-3's rc_nerve), so the extra structures leave
 * the fields alone. Coarse cells and steps (the figures are compared with each other, not
 * with the reference values): two RC runs of about a minute on one core. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test_support.h"
/* after test_support.h (cmocka's include order) */
#include "case_runner.h"
#include "course.h"

#define COARSE                                                                                          \
  "grid.spacing_mm=0.21", "grid.growth=1.35", "solver.dt_s=4.5", "grid.fine_min_mm=0,-6.3,-8.4",         \
      "grid.fine_max_mm=6.3,6.3,6.3", "solver.error_estimate=no"
#define NERVE(name, shape, points, radius, role)                                                         \
  "structure:" name ".shape=" shape, "structure:" name ".points_mm=" points,                              \
      "structure:" name ".radius_mm=" radius, "structure:" name ".material=rc_nerve",                     \
      "structure:" name ".role=" role

/* The bent nerve: two straight arms meeting at (2, 5.6, -1) mm, its point nearest the probe
 * axis, steep enough on both sides that the nearest point to the lesion is the bend. */
#define BENT_POINTS "-10,20,-1;2,5.6,-1;14,20,1"
/* The thin target across the lesion, beside the electrode (0.635 mm radius). */
#define CORE_Y 2e-3
#define CORE_Z -2e-3

static rfl_case kase;
static rfl_summary sum;

static const rfl_structure_report *report(const char *name) {
  for (int k = 0; k < sum.nstructures; k++)
    if (strcmp(sum.structures[k].structure->name, name) == 0) return &sum.structures[k];
  fail_msg("no structure '%s'", name);
  return NULL;
}

static void run_rc(const char *rc, const char *const *sets, int nsets, run_inspect_fn inspect, void *ctx) {
  char path[1024];
  snprintf(path, sizeof path, "%s/cases/reference/%s.ini", RFL_SOURCE_DIR, rc);
  run_case_file_inspect(path, sets, nsets, &kase, &sum, inspect, ctx);
}

static void print_course(const char *name) {
  const rfl_structure_report *r = report(name);
  printf("  %-9s margin %+.4f mm at %.3f mm (%.3f, %.3f, %.3f), peak %.3f C at %.3f mm, coagulated %.3f mm, "
         "captured %.3f mm, 45 C over %.3f mm\n",
         name, 1e3 * r->margin, 1e3 * r->margin_at, 1e3 * r->margin_point.x, 1e3 * r->margin_point.y,
         1e3 * r->margin_point.z, r->peak_C, 1e3 * r->peak_at, 1e3 * r->coagulated_length,
         1e3 * r->captured_length, 1e3 * r->exposed_length);
}

/* The polyline through collinear points gives the single segment's figures. Margins,
 * damage and fraction are read the same way on both (to round-off); maxima and lengths are
 * read at cross-sections spaced from each segment's start, which a joint shifts: peaks
 * within 0.05 C, the time the threshold is crossed within 0.1 s, lengths within 1e-3 mm and
 * positions within a quarter of a cell (0.06 mm). */
static void same_figures(const rfl_structure_report *a, const rfl_structure_report *b) {
  assert_close(a->margin, b->margin, 1e-12);
  assert_close(a->isotherm_margin, b->isotherm_margin, 1e-12);
  assert_rel_close(a->max_omega, b->max_omega, 1e-9);
  assert_rel_close(a->max_cem43_min, b->max_cem43_min, 1e-9);
  assert_close(a->damaged_fraction, b->damaged_fraction, 1e-9);
  assert_int_equal(a->covered, b->covered);
  assert_close(a->peak_C, b->peak_C, 0.05);
  if (isnan(a->threshold_crossed_s))
    assert_true(isnan(b->threshold_crossed_s));
  else
    assert_close(a->threshold_crossed_s, b->threshold_crossed_s, 0.1);
  assert_close(a->course_length, b->course_length, 1e-15);
  if (isnan(a->margin_at))
    assert_true(isnan(b->margin_at));
  else
    assert_close(a->margin_at, b->margin_at, 1e-9);
  assert_close(a->peak_at, b->peak_at, 0.06e-3);
  assert_close(a->coagulated_length, b->coagulated_length, 1e-6);
  assert_close(a->captured_length, b->captured_length, 1e-6);
  assert_close(a->exposed_length, b->exposed_length, 1e-6);
  assert_int_equal(a->flag_overlap, b->flag_overlap);
  assert_int_equal(a->flag_within_margin, b->flag_within_margin);
  assert_int_equal(a->flag_threshold, b->flag_threshold);
}

/* ---- brute force on the fields ----------------------------------------------------------- */

typedef struct {
  const rfl_shape *bent;
  double margin, margin_at; /* brute force: min over lesion surface points, and its arc */
  double half_chord;        /* of the lesion along the core nerve's axis, from x = 0 */
} brute;

static int is_tissue(const rfl_geometry *geo, size_t c) { return geo->label[c].part == RFL_PART_TISSUE; }

static double ln_omega(const rfl_field_view *f, size_t c) { return log(fmax(f->omega[c], 1e-300)); }

/* The lesion surface points where ln Omega changes sign between neighbouring tissue
 * centres (linearly), and their mirror images in the plane x = 0: the smallest signed
 * distance to the bent nerve and where along its course it lies. */
static void brute_margin(const rfl_grid *g, const rfl_geometry *geo, const rfl_field_view *f, brute *b) {
  double best = INFINITY;
  rfl_vec3 at = {0, 0, 0};
  for (int k = 0; k < g->n[2]; k++)
    for (int j = 0; j < g->n[1]; j++)
      for (int i = 0; i < g->n[0]; i++) {
        size_t c = rfl_grid_index(g, i, j, k);
        if (!is_tissue(geo, c)) continue;
        const int ijk[3] = {i, j, k};
        for (int a = 0; a < 3; a++) {
          if (ijk[a] + 1 >= g->n[a]) continue;
          size_t c1 = rfl_grid_index(g, i + (a == 0), j + (a == 1), k + (a == 2));
          if (!is_tissue(geo, c1)) continue;
          double f0 = ln_omega(f, c), f1 = ln_omega(f, c1);
          if ((f0 >= 0.0) == (f1 >= 0.0)) continue;
          double t = f0 / (f0 - f1);
          double x[3] = {g->xc[0][i], g->xc[1][j], g->xc[2][k]};
          x[a] += t * (g->xc[a][ijk[a] + 1] - g->xc[a][ijk[a]]);
          for (int side = -1; side <= 1; side += 2) {
            rfl_vec3 p = rfl_vec3_make(side * x[0], x[1], x[2]);
            double d = rfl_shape_distance(b->bent, p);
            if (d < best) {
              best = d;
              at = p;
            }
          }
        }
      }
  b->margin = best;
  b->margin_at = rfl_course_project(b->bent, at, NULL);
}

/* Trilinear interpolation of ln Omega at p (x >= 0; below the first centre the mirror
 * plane makes it flat). */
static double ln_omega_at(const rfl_grid *g, const rfl_field_view *f, rfl_vec3 p) {
  int lo[3];
  double w[3];
  for (int a = 0; a < 3; a++) {
    double x = rfl_vec3_get(p, a);
    const double *xc = g->xc[a];
    if (x <= xc[0]) x = xc[0];
    int i = 0;
    while (i + 2 < g->n[a] && xc[i + 1] <= x) i++;
    lo[a] = i;
    w[a] = (x - xc[i]) / (xc[i + 1] - xc[i]);
  }
  double v = 0.0;
  for (int m = 0; m < 8; m++) {
    int di = m & 1, dj = (m >> 1) & 1, dk = (m >> 2) & 1;
    double wt = (di ? w[0] : 1 - w[0]) * (dj ? w[1] : 1 - w[1]) * (dk ? w[2] : 1 - w[2]);
    v += wt * ln_omega(f, rfl_grid_index(g, lo[0] + di, lo[1] + dj, lo[2] + dk));
  }
  return v;
}

static void brute_force(const rfl_grid *g, const rfl_geometry *geo, const rfl_field_view *f, void *ctx) {
  brute *b = ctx;
  for (int k = 0; k < kase.nstructures; k++) /* the case read by the run */
    if (strcmp(kase.structures[k].name, "bent") == 0) b->bent = &kase.structures[k].shape;
  assert_non_null(b->bent);
  brute_margin(g, geo, f, b);
  const double step = 1e-6;
  double x = 0.0;
  while (x < 20e-3 && ln_omega_at(g, f, rfl_vec3_make(x + step, CORE_Y, CORE_Z)) >= 0.0) x += step;
  b->half_chord = x;
}

/* ---- the tests --------------------------------------------------------------------------- */

static void rc3_polyline(void **state) {
  (void)state;
  const char *sets[] = {COARSE, "structure:nerve_root.shape=capsule",
                        NERVE("poly", "capsule", "-20,7.5,0;-6.5,7.5,0;3.25,7.5,0;20,7.5,0", "1.5", "protected")};
  run_rc("rc3", sets, (int)(sizeof sets / sizeof sets[0]), NULL, NULL);
  print_course("nerve_root");
  print_course("poly");
  same_figures(report("nerve_root"), report("poly"));
  /* beside the lesion: neither coagulated nor captured, closest where the probe passes */
  const rfl_structure_report *r = report("nerve_root");
  assert_true(r->margin > 0.0);
  assert_close(r->coagulated_length, 0.0, 0.0);
  assert_close(r->captured_length, 0.0, 0.0);
  assert_close(r->margin_at, 20e-3, 0.2e-3);
  assert_close(r->course_length, 40e-3, 1e-15);
  assert_true(r->exposed_length > 0.0); /* RC-3: outside the lesion, yet above 45 C */
}

static void rc3b_polyline_bent_and_core(void **state) {
  (void)state;
  const char *sets[] = {COARSE, "structure:nerve_root.shape=capsule",
                        NERVE("poly", "capsule", "-20,5.5,0;-6.5,5.5,0;3.25,5.5,0;20,5.5,0", "1.5", "protected"),
                        NERVE("bent", "capsule", BENT_POINTS, "0.5", "protected"),
                        NERVE("core", "capsule", "-20,2,-2;20,2,-2", "0.25", "target")};
  brute b = {0};
  run_rc("rc3b", sets, (int)(sizeof sets / sizeof sets[0]), brute_force, &b);
  for (int k = 0; k < sum.nstructures; k++) print_course(sum.structures[k].structure->name);
  same_figures(report("nerve_root"), report("poly"));

  /* RC-3b's nerve: the lesion reaches into it, so some of its length is coagulated, but
     nowhere its whole cross-section */
  const rfl_structure_report *root = report("nerve_root");
  assert_true(root->margin < 0.0);
  assert_true(root->coagulated_length > 1e-3);
  assert_close(root->captured_length, 0.0, 0.0);
  assert_false(root->covered);

  /* the bent nerve: nearest the lesion at its bend, as the brute force finds */
  const rfl_structure_report *bent = report("bent");
  printf("  brute force: bent margin %+.4f mm at %.3f mm; core half chord %.3f mm\n", 1e3 * b.margin,
         1e3 * b.margin_at, 1e3 * b.half_chord);
  const rfl_shape *shape = &bent->structure->shape;
  const double bend_at = rfl_vec3_norm(rfl_vec3_sub(shape->points[1], shape->points[0]));
  assert_close(bent->margin, b.margin, 0.03e-3);
  assert_close(bent->margin_at, b.margin_at, 0.2e-3);
  assert_close(bent->margin_at, bend_at, 0.2e-3);
  assert_close(bent->margin_point.x, 2e-3, 0.2e-3);
  assert_close(bent->margin_point.y, 5.6e-3, 0.2e-3);
  assert_close(bent->margin_point.z, -1e-3, 0.2e-3);
  assert_true(bent->margin > 0.0);

  /* the core nerve: captured through the lesion, over close to its chord (the whole
     0.25 mm cross-section is in over a little less than the axis is, and some of it over
     a little more) */
  const rfl_structure_report *core = report("core");
  const double chord = 2.0 * b.half_chord;
  assert_true(core->covered);
  assert_true(core->captured_length <= chord);
  assert_true(core->coagulated_length >= chord);
  assert_close(core->captured_length, chord, 0.5e-3);
  assert_close(core->coagulated_length, chord, 0.5e-3);
  assert_close(core->peak_at, 20e-3, 0.5e-3);
}

/* ---- probes by trajectory: the same run --------------------------------------------------- */

#define TINY_HEAD                                                                                 \
  "[grid]\nsymmetry = xy\ndomain_min_mm = 0, 0, -12\ndomain_max_mm = 12, 12, 12\nspacing_mm = 0.4\n" \
  "fine_min_mm = 0, 0, -8\nfine_max_mm = 4, 4, 6\ngrowth = 1.3\n[probe]\ndiameter_mm = 2.5\ntip_length_mm = 10\n"
#define TINY_TAIL                                                                                  \
  "[generator]\nset_temperature_C = 80\nramp_s = 5\nduration_s = 10\n[structure root]\nshape = capsule\n" \
  "points_mm = 4.5, 0, -12; 4.5, 0, 12\nradius_mm = 0.8\nmaterial = nerve\nrole = protected\n"          \
  "[solver]\naccuracy_mm = 1\nerror_estimate = no\n"

static void write_case(const char *name, const char *text, char *path, size_t size) {
  snprintf(path, size, "%s/tests/%s", RFL_BINARY_DIR, name);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  assert_int_equal(fclose(f), 0);
}

static void trajectory_same_run(void **state) {
  (void)state;
  static rfl_case kase_tip;
  static rfl_summary by_tip;
  char path[1024];
  write_case("course_tip.ini", TINY_HEAD "tip_mm = 0, 0, -5\ndirection = 0, 0, 1\nshaft_length_mm = 25\n" TINY_TAIL,
             path, sizeof path);
  run_case_file(path, NULL, 0, &kase_tip, &by_tip);
  write_case("course_entry.ini", TINY_HEAD "entry_mm = 0, 0, 30\ntarget_mm = 0, 0, -5\n" TINY_TAIL, path,
             sizeof path);
  run_case_file(path, NULL, 0, &kase, &sum);
  assert_memory_equal(&sum.end_of_rf, &by_tip.end_of_rf, sizeof sum.end_of_rf);
  assert_memory_equal(&sum.generator_end, &by_tip.generator_end, sizeof sum.generator_end);
  assert_true(sum.peak_tissue_run_C == by_tip.peak_tissue_run_C);
  const rfl_structure_report *a = &sum.structures[0], *b = &by_tip.structures[0];
  assert_true(a->margin == b->margin);
  assert_true(a->peak_C == b->peak_C);
  assert_true(a->margin_at == b->margin_at);
  assert_true(a->exposed_length == b->exposed_length);
  assert_true(sum.end_of_rf.lesion.found);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(trajectory_same_run),
      cmocka_unit_test(rc3_polyline),
      cmocka_unit_test(rc3b_polyline_bent_and_core),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
