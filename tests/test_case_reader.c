// SPDX-License-Identifier: BSD-3-Clause
/* Tests of the case reader: defaults, the shipped case files, SI conversion, the written
 * case reading back identically, --set overrides, and every kind of input mistake with
 * its exact message (file, line, section, key, what was expected, what was found). */
#include <errno.h>
#include <hdf5.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_support.h"
/* after test_support.h (cmocka's include order) */
#include "case_reader.h"
#include "grid.h"
#include "material_library.h"
#include "probe.h"
#include "tissue.h"

#define MIN_PROBE "[probe]\ngauge = 18\ntip_length_mm = 10\n"

static rfl_case kase; /* large: static */

static rfl_status read_text_opt(const char *text, const rfl_case_read_options *opt) {
  rfl_error_clear();
  return rfl_case_read_buffer("t.ini", text, strlen(text), opt, &kase);
}

static rfl_status read_text(const char *text) { return read_text_opt(text, NULL); }

/* The read fails with RFL_EINPUT and exactly this message. */
static void expect_error(const char *text, const char *message) {
  rfl_status st = read_text(text);
  if (st != RFL_EINPUT) fail_msg("expected RFL_EINPUT for:\n%s\ngot %d (%s)", text, st, rfl_error_message());
  assert_string_equal(rfl_error_message(), message);
}

static void expect_set_error(const char *text, const char *set, const char *message) {
  const char *sets[1] = {set};
  rfl_case_read_options opt = {.sets = sets, .nsets = 1};
  assert_int_equal(read_text_opt(text, &opt), RFL_EINPUT);
  assert_string_equal(rfl_error_message(), message);
}

static void read_ok(const char *text) {
  rfl_status st = read_text(text);
  if (st != RFL_OK) fail_msg("read failed: %s\n---\n%s", rfl_error_message(), text);
}

static void read_file_ok(const char *path) {
  rfl_error_clear();
  rfl_status st = rfl_case_read(path, NULL, &kase);
  if (st != RFL_OK) fail_msg("%s: %s", path, rfl_error_message());
}

/* ---- probes by trajectory ---------------------------------------------------------- */

#define TRAJ_GRID "[grid]\ndomain_min_mm = -20, -20, -20\ndomain_max_mm = 20, 20, 20\n"
#define TRAJ_NERVE                                                                                \
  "[structure mb]\nshape = capsule\npoints_mm = -10, 5, 0; 0, 5, 0; 0, 5, 10\nradius_mm = 0.5\n" \
  "material = nerve\nrole = target\n"

/* entry_mm and target_mm place the probe exactly where tip_mm, direction and the shaft
 * back to the entry point do. */
static void test_trajectory_target(void **state) {
  (void)state;
  static rfl_case by_tip;
  read_ok(TRAJ_GRID MIN_PROBE "tip_mm = 1, 2, -5\ndirection = 0, 0, 1\nshaft_length_mm = 25\n");
  by_tip = kase;
  read_ok(TRAJ_GRID MIN_PROBE "entry_mm = 1, 2, 30\ntarget_mm = 1, 2, -5\n");
  assert_true(kase.probes[0].trajectory.given);
  assert_memory_equal(&kase.probes[0].tip, &by_tip.probes[0].tip, sizeof(rfl_vec3));
  assert_memory_equal(&kase.probes[0].direction, &by_tip.probes[0].direction, sizeof(rfl_vec3));
  assert_close(kase.probes[0].shaft_length, by_tip.probes[0].shaft_length, 1e-15);
  /* oblique: the direction is the unit vector from the target to the entry */
  read_ok(TRAJ_GRID MIN_PROBE "entry_mm = 30, 40, -5\ntarget_mm = 0, 0, -5\n");
  assert_close(kase.probes[0].direction.x, 0.6, 1e-15);
  assert_close(kase.probes[0].direction.y, 0.8, 1e-15);
  assert_close(kase.probes[0].shaft_length, 40e-3, 1e-15); /* 50 mm to the entry, 10 mm active */
  /* the return probe takes the same keys */
  read_ok(TRAJ_GRID MIN_PROBE "tip_mm = 0, 0, -5\n[return_probe]\ngauge = 18\ntip_length_mm = 10\n"
          "entry_mm = 8, 0, 30\ntarget_mm = 8, 0, -5\n");
  assert_close(kase.probes[1].tip.x, 8e-3, 1e-15);
  assert_false(kase.probes[0].trajectory.given);
  assert_true(kase.probes[1].trajectory.given);
}

/* Parallel: along the course's segment at the chosen point, offset towards the entry's
 * side, the tip beyond the point in the direction of advance. Perpendicular: across the
 * course through the point, the tip beyond its axis. */
static void test_trajectory_course(void **state) {
  (void)state;
  /* the course runs along +x from (-10, 5, 0) to (0, 5, 0), then along +z; 4 mm in */
  read_ok(TRAJ_GRID MIN_PROBE "entry_mm = -30, 5, 12\napproach = parallel\ncourse = mb\ncourse_at_mm = 4\n"
          "offset_mm = 1.5\novershoot_mm = 3\n" TRAJ_NERVE);
  const rfl_probe *p = &kase.probes[0];
  assert_close(p->tip.x, -3e-3, 1e-15); /* -6 + 3 mm along +x (away from the entry) */
  assert_close(p->tip.y, 5e-3, 1e-15);
  assert_close(p->tip.z, 1.5e-3, 1e-15); /* offset towards the entry's side (+z) */
  assert_close(p->direction.x, -1.0, 1e-15);
  assert_close(p->shaft_length, 27e-3 - 10e-3, 1e-14); /* the entry lies 27 mm back along the axis */
  read_ok(TRAJ_GRID MIN_PROBE "entry_mm = -20, 5, 20\napproach = perpendicular\ncourse = mb\ncourse_at_mm = 15\n"
          "overshoot_mm = 1\n" TRAJ_NERVE);
  /* 15 mm in: (0, 5, 5) on the +z segment; the entry lies on the -x side */
  assert_close(p->tip.x, 1e-3, 1e-15); /* 1 mm beyond the course's axis */
  assert_close(p->tip.y, 5e-3, 1e-15);
  assert_close(p->tip.z, 5e-3, 1e-15);
  assert_close(p->direction.x, -1.0, 1e-15);
  assert_close(p->shaft_length, 21e-3 - 10e-3, 1e-14);
}

/* Every mistake in placing a probe by trajectory, with its exact message. */
static void test_trajectory_errors(void **state) {
  (void)state;
  static const struct {
    const char *keys, *message;
  } cases[] = {
      {"tip_mm = 0, 0, -5\nentry_mm = 0, 0, 30\ntarget_mm = 0, 0, -5\n",
       "t.ini:8: [probe] entry_mm: expected either tip_mm and direction, or entry_mm and a target, found both "
       "(tip_mm on line 7)"},
      {"entry_mm = 0, 0, 30\ntarget_mm = 0, 0, -5\ndirection = 0, 0, 1\n",
       "t.ini:9: [probe] direction: expected either tip_mm and direction, or entry_mm and a target, found both "
       "(entry_mm on line 7)"},
      {"entry_mm = 0, 0, 30\ntarget_mm = 0, 0, -5\nshaft_length_mm = 10\n",
       "t.ini:9: [probe] shaft_length_mm: expected no shaft_length_mm with entry_mm (the shaft runs back to the "
       "entry point), found '10'"},
      {"target_mm = 0, 0, -5\n",
       "t.ini:7: [probe] target_mm: expected entry_mm with it (a probe placed by trajectory), found no entry_mm"},
      {"entry_mm = 0, 0, 30\n",
       "t.ini:4: [probe]: missing required key 'target_mm' (with entry_mm, unless approach = parallel or "
       "perpendicular)"},
      {"entry_mm = 0, 0, 30\ntarget_mm = 0, 0, 30\n",
       "t.ini:8: [probe] target_mm: expected a target apart from entry_mm, found the same point '0, 0, 30'"},
      {"entry_mm = 0, 0, 3\ntarget_mm = 0, 0, -5\n",
       "t.ini:7: [probe] entry_mm: expected an entry point more than tip_length_mm (10 mm) back from the tip "
       "along the probe's axis (the insulated shaft runs back to it), found '0, 0, 3'"},
      {"entry_mm = 0, 0, 30\ntarget_mm = 0, 0, -5\ncourse = mb\n" TRAJ_NERVE,
       "t.ini:9: [probe] course: expected approach = parallel or perpendicular with it, found approach = target"},
      {"entry_mm = 0, 0, 30\napproach = parallel\ncourse_at_mm = 2\n" TRAJ_NERVE,
       "t.ini:4: [probe]: missing required key 'course' (approach = parallel)"},
      {"entry_mm = 0, 0, 30\napproach = parallel\ncourse = mb\n" TRAJ_NERVE,
       "t.ini:4: [probe]: missing required key 'course_at_mm' (approach = parallel)"},
      {"entry_mm = 0, 0, 30\napproach = parallel\ncourse = mbb\ncourse_at_mm = 2\n" TRAJ_NERVE,
       "t.ini:9: [probe] course: expected the name of a [structure] section (did you mean 'mb'?), found 'mbb'"},
      {"entry_mm = 0, 0, 30\napproach = parallel\ncourse = ball\ncourse_at_mm = 2\n"
       "[structure ball]\nshape = sphere\ncentre_mm = 5, 5, 5\nradius_mm = 1\nmaterial = nerve\n",
       "t.ini:9: [probe] course: expected a structure with a course (shape = capsule of 2 or more points, or "
       "cylinder), found 'ball' (shape = sphere)"},
      {"entry_mm = 0, 0, 30\napproach = parallel\ncourse = mb\ncourse_at_mm = 25\n" TRAJ_NERVE,
       "t.ini:10: [probe] course_at_mm: expected an arc length along the course of 'mb' (0 to 20 mm), found '25'"},
      {"entry_mm = 0, 0, 30\napproach = perpendicular\ncourse = mb\ncourse_at_mm = 2\noffset_mm = 1\n" TRAJ_NERVE,
       "t.ini:11: [probe] offset_mm: expected approach = parallel with it, found approach = perpendicular"},
      {"entry_mm = 0, 0, 30\napproach = perpendicular\ncourse = mb\ncourse_at_mm = 2\ntarget_mm = 1, 1, 1\n"
       TRAJ_NERVE,
       "t.ini:11: [probe] target_mm: expected no target_mm with approach = perpendicular (the course sets the "
       "target), found '1, 1, 1'"},
      {"entry_mm = -20, 5, 0\napproach = perpendicular\ncourse = mb\ncourse_at_mm = 2\n" TRAJ_NERVE,
       "t.ini:7: [probe] entry_mm: expected an entry point off the line of the course at course_at_mm (it sets "
       "the side the probe comes from), found '-20, 5, 0' on it"},
  };
  char text[2048];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    snprintf(text, sizeof text, TRAJ_GRID MIN_PROBE "%s", cases[i].keys);
    expect_error(text, cases[i].message);
  }
  expect_set_error(TRAJ_GRID MIN_PROBE "entry_mm = 0, 0, 30\ntarget_mm = 0, 0, -5\n", "probe.tip_mm=0,0,1",
                   "t.ini:7: [probe] entry_mm: expected either tip_mm and direction, or entry_mm and a target, "
                   "found both (tip_mm by --set probe.tip_mm=0,0,1)");
}

/* A case placed by trajectory is written with its trajectory and reads back the same. */
static void test_trajectory_written(void **state) {
  (void)state;
  static const char *const texts[] = {
      TRAJ_GRID MIN_PROBE "entry_mm = 7, -3, 31\ntarget_mm = 0.5, 1, -4\n",
      TRAJ_GRID MIN_PROBE "entry_mm = -30, 5, 12\napproach = parallel\ncourse = mb\ncourse_at_mm = 4.5\n"
                          "offset_mm = 1.5\novershoot_mm = -2\n" TRAJ_NERVE};
  static rfl_case first;
  for (int i = 0; i < 2; i++) {
    read_ok(texts[i]);
    first = kase;
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);
    assert_int_equal(rfl_case_write(f, &first), RFL_OK);
    fclose(f);
    assert_non_null(strstr(text, "\nentry_mm = "));
    assert_non_null(strstr(text, "\n; tip_mm = "));
    assert_int_equal(rfl_case_read_buffer("t.ini", text, n, NULL, &kase), RFL_OK);
    assert_memory_equal(&kase.probes[0].tip, &first.probes[0].tip, sizeof(rfl_vec3));
    assert_memory_equal(&kase.probes[0].direction, &first.probes[0].direction, sizeof(rfl_vec3));
    assert_true(kase.probes[0].shaft_length == first.probes[0].shaft_length);
    free(text);
  }
}

/* ---- defaults and library ----------------------------------------------------------- */

static void test_defaults(void **state) {
  (void)state;
  rfl_case_defaults(&kase);
  assert_int_equal(kase.nprobes, 1);
  assert_int_equal(kase.probes[0].gauge, 18);
  assert_close(kase.probes[0].radius, rfl_probe_gauge_radius(18), 1e-15);
  assert_close(kase.probes[0].tip_length, 10e-3, 1e-15);
  assert_close(kase.probes[0].direction.z, 1.0, 0.0);
  assert_string_equal(kase.materials[kase.background_material].name, "muscle");
  assert_string_equal(kase.materials[kase.probes[0].material].name, "steel");
  assert_close(kase.generator.set_temperature_C, 80.0, 0.0);
  assert_close(kase.generator.duration_s, 90.0, 0.0);
  assert_close(kase.generator.pulse_width_s, 0.020, 1e-15);
  assert_close(kase.physics.blood_rho_c, 3797850.0, 1e-6);
  assert_close(kase.damage.default_threshold_C, 45.0, 0.0);
  assert_close(kase.damage.default_margin, 1e-3, 1e-15);
  assert_close(kase.grid.spacing, 0.2e-3, 1e-15);
  assert_int_equal(kase.grid.voxel_material[7], -1);
  assert_int_equal(kase.solver.scheme, RFL_SCHEME_BDF2);
  assert_int_equal(kase.output.ntimes, 1);
  assert_close(kase.output.times_s[0], 90.0, 0.0);
  assert_int_equal(rfl_case_find_material(&kase, "steel"), 1);
  assert_int_equal(rfl_case_find_material(&kase, "nerve"), -1);
}

static void test_library(void **state) {
  (void)state;
  static const char *const names[] = {
      "muscle", "fat", "nerve", "bone_cortical", "bone_cancellous", "intervertebral_disc",
      "cerebrospinal_fluid", "tendon", "cartilage", "liver", "connective_tissue", "skin", "dura",
      "blood", "steel"};
  assert_int_equal(rfl_material_library_count(), 15);
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    const rfl_material *m = rfl_material_library_find(names[i]);
    if (!m) fail_msg("library lacks %s", names[i]);
    assert_true(m->rho > 500 && m->c > 100 && m->k > 0.1);
    assert_true(rfl_material_library_source((int)i)[0] != '\0');
    if (m->kind == RFL_MATERIAL_TISSUE) {
      assert_true(m->sigma >= 1e-4 && m->sigma <= 10);
      assert_close(m->arrhenius_A, 7.39e39, 1e26);
      assert_close(m->arrhenius_Ea, 2.577e5, 1e-6);
    }
  }
  const rfl_material *mu = rfl_material_library_find("muscle");
  assert_close(mu->sigma, 0.4459, 1e-12);              /* sigma_500kHz_S_m */
  assert_close(mu->perfusion, 6.677e-4, 1e-12);        /* perfusion_omega_1_s_derived */
  assert_close(mu->q_met, 0.906125 * 1090.4, 1e-9);    /* W/kg x kg/m^3 */
  assert_close(mu->dsigma_dT, 0.015, 1e-15);
  assert_close(rfl_material_library_find("liver")->dsigma_dT, 0.0182, 1e-15);
  const rfl_material *st = rfl_material_library_find("steel");
  assert_int_equal(st->kind, RFL_MATERIAL_METAL);
  assert_close(st->rho, 8000, 0);
  assert_close(st->c, 500, 0);
  assert_close(st->k, 15, 0);
  assert_null(rfl_material_library_find("unobtainium"));
  assert_null(rfl_material_library_get(15));
}

/* ---- valid input -------------------------------------------------------------------- */

static void test_minimal(void **state) {
  (void)state;
  read_ok(MIN_PROBE);
  assert_int_equal(kase.nprobes, 1);
  assert_int_equal(kase.probes[0].gauge, 18);
  assert_close(kase.probes[0].radius, rfl_probe_gauge_radius(18), 1e-15);
  assert_close(kase.probes[0].radius, 0.635e-3, 0.01e-3);
  assert_int_equal(kase.nmaterials, 2);
  assert_int_equal(kase.nstructures, 0);
  assert_string_equal(kase.path, "t.ini");
  /* no grid or step keys: all automatic; 18G, 10 mm tip: 0.635 / 3.175 = 0.2 mm, 50 cells
   * along the tip; a fine box inside the domain around the tip, growth 1.25; 2 s steps */
  assert_true(kase.grid.auto_spacing && kase.grid.auto_fine_box && kase.grid.auto_growth);
  assert_true(kase.solver.auto_dt);
  assert_close(kase.grid.spacing, 0.2e-3, 1e-12);
  assert_close(kase.grid.growth, 1.25, 0.0);
  assert_close(kase.solver.dt_s, 2.0, 0.0);
  assert_close(kase.solver.accuracy, 0.1e-3, 0.0);
  assert_int_equal(kase.solver.error_estimate, 1);
  assert_true(kase.grid.fine_max.x < kase.grid.domain_max.x && kase.grid.fine_min.x > kase.grid.domain_min.x);
  assert_true(kase.grid.fine_max.z > kase.probes[0].tip.z + kase.probes[0].tip_length);
  /* the fine box's faces lie a whole number of cells from the tip point (axis on faces) */
  double w = (kase.probes[0].tip.x - kase.grid.fine_min.x) / kase.grid.spacing;
  assert_close(w, floor(w + 0.5), 1e-9);
  /* a tighter target: finer cells (sqrt scaling, whole cells along the tip, and at most
   * twice the target: a lesion length's error floor is half a cell), shorter steps */
  const char *tight[] = {"solver.accuracy_mm=0.025"};
  rfl_case_read_options o = {.sets = tight, .nsets = 1};
  assert_int_equal(read_text_opt(MIN_PROBE, &o), RFL_OK);
  assert_close(kase.grid.spacing, 10e-3 / 200.0, 1e-12); /* 2 x 0.025 mm, under 0.2 x 0.5 */
  assert_close(kase.solver.dt_s, 1.0, 1e-12);
  const char *looser[] = {"solver.accuracy_mm=0.064"};
  o.sets = looser;
  assert_int_equal(read_text_opt(MIN_PROBE, &o), RFL_OK);
  assert_close(kase.grid.spacing, 10e-3 / 79.0, 1e-12); /* 2 x 0.064 = 0.128: 78.1 -> 79 cells */
  /* an explicit uniform grid stays uniform */
  read_ok(MIN_PROBE "[grid]\nspacing_mm = 0.2\ngrowth = 1\n");
  assert_false(kase.grid.auto_fine_box);
  assert_close(kase.grid.fine_max.x, kase.grid.domain_max.x, 0.0);
}

static void test_si_conversion(void **state) {
  (void)state;
  read_ok("[probe]\n"
          "diameter_mm = 1.27\n"
          "tip_length_mm = 7.5\n"
          "tip_mm = 1.5, -2.25, -5\n"
          "direction = 0, 0, 2\n"
          "shaft_length_mm = 12.5\n"
          "cooled = yes\n"
          "cooling_h_W_m2K = 2500\n"
          "[grid]\n"
          "spacing_mm = 0.125\n"
          "[generator]\n"
          "mode = pulsed\n"
          "pulse_width_ms = 20\n"
          "pulse_frequency_Hz = 2.5\n"
          "[solver]\n"
          "pulse_dt_ms = 0.5\n"
          "scheme = euler\n"
          "[damage]\n"
          "margin_mm = 1.75\n"
          "[material muscle]\n"
          "sigma_S_m = 0.385\n"
          "dsigma_dT_percent_per_C = 2\n"
          "dk_dT_percent_per_C = 0.25\n"
          "[output]\n"
          "times_s = 10, 45.5, 90\n");
  const rfl_probe *p = &kase.probes[0];
  assert_close(p->radius, 6.35e-4, 1e-15);
  assert_int_equal(p->gauge, 0);
  assert_close(p->tip_length, 7.5e-3, 1e-15);
  assert_close(p->tip.x, 1.5e-3, 1e-15);
  assert_close(p->tip.y, -2.25e-3, 1e-15);
  assert_close(p->tip.z, -5e-3, 1e-15);
  assert_close(p->direction.z, 1.0, 1e-15);
  assert_close(p->shaft_length, 12.5e-3, 1e-15);
  assert_int_equal(p->cooled, 1);
  assert_close(p->cooling_h, 2500.0, 0.0);
  assert_close(kase.grid.spacing, 1.25e-4, 1e-15);
  assert_int_equal(kase.generator.mode, RFL_GEN_PULSED);
  assert_close(kase.generator.pulse_width_s, 0.020, 1e-15);
  assert_close(kase.solver.pulse_dt_s, 5e-4, 1e-15);
  assert_int_equal(kase.solver.scheme, RFL_SCHEME_BACKWARD_EULER);
  assert_close(kase.damage.default_margin, 1.75e-3, 1e-15);
  const rfl_material *mu = &kase.materials[kase.background_material];
  assert_close(mu->sigma, 0.385, 1e-15);
  assert_close(mu->dsigma_dT, 0.02, 1e-15);
  assert_close(mu->dk_dT, 0.0025, 1e-15);
  assert_close(mu->rho, 1090.4, 1e-12); /* the rest from the library */
  assert_int_equal(kase.output.ntimes, 3);
  assert_close(kase.output.times_s[1], 45.5, 0.0);
}

static void test_gauge_radius(void **state) {
  (void)state;
  read_ok("[probe]\ngauge = 22\ntip_length_mm = 5\n[grid]\nspacing_mm = 0.1\n");
  assert_int_equal(kase.probes[0].gauge, 22);
  assert_close(kase.probes[0].radius, rfl_probe_gauge_radius(22), 1e-15);
  assert_true(kase.probes[0].radius < rfl_probe_gauge_radius(18));
}

static void test_comments_quotes_bom_crlf(void **state) {
  (void)state;
  read_ok("\xEF\xBB\xBF; a comment\r\n"
          "# another\r\n"
          "[case]\r\n"
          "title = \"Lesion #3; near L4\"  ; trailing comment\r\n"
          "[probe]   ; header comment\r\n"
          "gauge = 18 # the usual cannula\r\n"
          "tip_length_mm = 10 ; mm\r\n"
          "[structure root]\r\n"
          "shape = capsule\r\n"
          "points_mm = 5, 5, -5 ; 5, 5, 5   # semicolons separate points here\r\n"
          "radius_mm = 1.5\r\n"
          "material = nerve\r\n"
          "role = protected\r\n");
  assert_string_equal(kase.title, "Lesion #3; near L4");
  assert_int_equal(kase.structures[0].shape.npoints, 2);
  assert_close(kase.structures[0].shape.points[1].z, 5e-3, 1e-15);
  assert_close(kase.structures[0].threshold_C, 45.0, 0.0);  /* from [damage] */
  assert_close(kase.structures[0].margin, 1e-3, 1e-15);
  assert_int_equal(kase.structures[0].line, 8);
}

static void test_structures_and_materials(void **state) {
  (void)state;
  read_ok(MIN_PROBE
          "[damage]\nnerve_threshold_C = 44\nmargin_mm = 2\n"
          "[structure bone]\nshape = halfspace\npoint_mm = 0, -2, 0\nnormal = 0, 3, 0\n"
          "material = bone_cortical\n"
          "[structure ball]\nshape = sphere\ncentre_mm = 4, 0, 0\nradius_mm = 1\nmaterial = fat\n"
          "[structure disc]\nshape = box\nmin_mm = -3, -3, 6\nmax_mm = 3, 3, 8\n"
          "material = intervertebral_disc\n"
          "[structure root]\nshape = cylinder\npoints_mm = -20, 7.5, 0; 20, 7.5, 0\n"
          "radius_mm = 1.5\nmaterial = my_nerve\nrole = protected\nthreshold_C = 43\n"
          "[material my_nerve]\nkind = tissue\nrho_kg_m3 = 1075\nc_J_kgK = 3613\nk_W_mK = 0.49\n"
          "dk_dT_percent_per_C = 0\nsigma_S_m = 0.2\ndsigma_dT_percent_per_C = 1.5\n"
          "perfusion_1_s = 0.002\nq_met_W_m3 = 0\narrhenius_A_1_s = 7.39e39\n"
          "arrhenius_Ea_J_mol = 2.577e5\n");
  assert_int_equal(kase.nstructures, 4);
  assert_int_equal(kase.structures[0].shape.kind, RFL_SHAPE_HALFSPACE);
  assert_close(kase.structures[0].shape.normal.y, 1.0, 1e-15);
  assert_int_equal(kase.structures[3].shape.kind, RFL_SHAPE_CYLINDER);
  assert_int_equal(kase.structures[3].role, RFL_ROLE_PROTECTED);
  assert_close(kase.structures[3].threshold_C, 43.0, 0.0);
  assert_close(kase.structures[3].margin, 2e-3, 1e-15);   /* [damage] margin_mm */
  assert_close(kase.structures[1].threshold_C, 44.0, 0.0); /* [damage] nerve_threshold_C */
  /* materials in order of first use: background, probe, structures */
  assert_int_equal(kase.nmaterials, 6);
  assert_string_equal(kase.materials[2].name, "bone_cortical");
  assert_string_equal(kase.materials[5].name, "my_nerve");
  assert_int_equal(kase.structures[3].material, 5);
  assert_close(kase.materials[5].sigma, 0.2, 0.0);
  assert_int_equal(kase.materials[5].law, 0); /* a new tissue need not name its law */
  read_ok(MIN_PROBE "[material muscle]\nlaw = linear\n");
  assert_string_equal(rfl_tissue_laws[kase.materials[kase.background_material].law]->name, "linear");
}

static void test_case_files(void **state) {
  (void)state;
  read_file_ok(RFL_SOURCE_DIR "/cases/default.ini");
  assert_int_equal(kase.nstructures, 3);
  assert_int_equal(kase.structures[1].role, RFL_ROLE_TARGET);
  assert_int_equal(kase.structures[2].role, RFL_ROLE_PROTECTED);

  read_file_ok(RFL_SOURCE_DIR "/cases/reference/rc1.ini");
  const rfl_material *mu = &kase.materials[kase.background_material];
  assert_close(kase.probes[0].radius, 0.635e-3, 1e-15);
  assert_close(kase.probes[0].tip.z, -5e-3, 1e-15);
  assert_close(kase.probes[0].shaft_length, 0.0, 0.0);
  assert_close(mu->rho, 1090, 0);
  assert_close(mu->c, 3421, 0);
  assert_close(mu->k, 0.49, 0);
  assert_close(mu->sigma, 0.45, 0);
  assert_close(mu->dsigma_dT, 0.015, 1e-15);
  assert_close(mu->perfusion, 0.0, 0.0);
  assert_close(mu->q_met, 0.0, 0.0);
  assert_close(kase.generator.kp_V_per_K, 2, 0);
  assert_close(kase.generator.ki_V_per_Ks, 1, 0);
  assert_close(kase.generator.max_voltage_V, 100, 0);
  assert_close(kase.grid.growth, 1.25, 0);
  assert_true(kase.grid.auto_spacing && kase.grid.auto_fine_box);
  assert_close(kase.grid.spacing, 0.2e-3, 1e-12);
  assert_close(kase.grid.fine_min.x, 0.0, 0.0); /* on the mirror plane */

  read_file_ok(RFL_SOURCE_DIR "/cases/reference/rc2.ini");
  assert_close(kase.materials[kase.background_material].perfusion, 6.2e-4, 1e-15);
  assert_int_equal(kase.physics.perfusion_shutoff, 1);

  read_file_ok(RFL_SOURCE_DIR "/cases/reference/rc3.ini");
  assert_int_equal(kase.nstructures, 1);
  assert_close(kase.structures[0].shape.points[0].y, 7.5e-3, 1e-15);
  assert_close(kase.structures[0].shape.radius, 1.5e-3, 1e-15);
  assert_close(kase.materials[kase.structures[0].material].perfusion, 6.2e-4, 1e-15);

  read_file_ok(RFL_SOURCE_DIR "/cases/reference/rc3b.ini");
  assert_close(kase.structures[0].shape.points[1].y, 5.5e-3, 1e-15);
}

/* rfl_case_write's output reads back to the same case and writes the same text. */
static void roundtrip(const char *path) {
  static rfl_case first, second;
  assert_int_equal(rfl_case_read(path, NULL, &first), RFL_OK);
  char *text1 = NULL, *text2 = NULL;
  size_t n1 = 0, n2 = 0;
  FILE *f = open_memstream(&text1, &n1);
  assert_int_equal(rfl_case_write(f, &first), RFL_OK);
  fclose(f);
  rfl_case_warnings w = {0};
  rfl_case_read_options opt = {.warnings = &w};
  rfl_error_clear();
  if (rfl_case_read_buffer(path, text1, n1, &opt, &second) != RFL_OK)
    fail_msg("%s re-read: %s\n%s", path, rfl_error_message(), text1);
  assert_int_equal(w.count, 0);
  f = open_memstream(&text2, &n2);
  assert_int_equal(rfl_case_write(f, &second), RFL_OK);
  fclose(f);
  assert_string_equal(text1, text2);
  assert_int_equal(second.nmaterials, first.nmaterials);
  assert_int_equal(second.nstructures, first.nstructures);
  assert_rel_close(second.probes[0].radius, first.probes[0].radius, 1e-9);
  assert_rel_close(second.materials[0].q_met + 1.0, first.materials[0].q_met + 1.0, 1e-9);
  free(text1);
  free(text2);
}

static void test_roundtrip(void **state) {
  (void)state;
  roundtrip(RFL_SOURCE_DIR "/cases/default.ini");
  roundtrip(RFL_SOURCE_DIR "/cases/reference/rc1.ini");
  roundtrip(RFL_SOURCE_DIR "/cases/reference/rc3.ini");
  /* an oblique probe: its normalised direction, written to 10 digits, must read back as
   * the same text (found by the fuzzer) */
  roundtrip(RFL_SOURCE_DIR "/fuzz/corpus/oblique_direction.ini");
  /* values of keys the case does not use now (fuzzer find) */
  roundtrip(RFL_SOURCE_DIR "/fuzz/corpus/unused_keys.ini");
}

/* ---- output times ------------------------------------------------------------------ */

#define TIMES_EXPECTED                                                                      \
  "1 to 32 comma-separated increasing times: seconds in [0, 100000], rf_end, end or a "   \
  "fraction such as 0.5*rf_end or rf_end/3"

static void expect_times(const char *generator, const char *times, int n, const double *want) {
  char text[512];
  snprintf(text, sizeof text, MIN_PROBE "[generator]\n%s[output]\ntimes_s = %s\n", generator, times);
  read_ok(text);
  assert_int_equal(kase.output.ntimes, n);
  for (int i = 0; i < n; i++) assert_close(kase.output.times_s[i], want[i], 1e-12);
}

/* Times relative to the run: rf_end, end, fractions of either, mixed with seconds; equal
 * neighbours give one snapshot; the default is the end of RF and of the cool-down. */
static void test_output_times(void **state) {
  (void)state;
  expect_times("duration_s = 60\ncooldown_s = 30\n", "rf_end, end", 2, (double[]){60, 90});
  expect_times("duration_s = 60\ncooldown_s = 0\n", "rf_end, end", 1, (double[]){60});
  expect_times("duration_s = 90\n", "rf_end/3, 2*rf_end/3, rf_end", 3, (double[]){30, 60, 90});
  expect_times("duration_s = 120\ncooldown_s = 40\n", "10, 0.5 * rf_end, end/2, 0.75*end", 4,
               (double[]){10, 60, 80, 120});
  expect_times("duration_s = 90\n", "0, 90, rf_end", 2, (double[]){0, 90});
  read_ok(MIN_PROBE "[generator]\nduration_s = 45\ncooldown_s = 15\n");
  assert_int_equal(kase.output.ntimes, 2); /* the default */
  assert_close(kase.output.times_s[0], 45.0, 0.0);
  assert_close(kase.output.times_s[1], 60.0, 0.0);
  read_ok(MIN_PROBE "[generator]\nduration_s = 45\n");
  assert_int_equal(kase.output.ntimes, 1);
  assert_close(kase.output.times_s[0], 45.0, 0.0);

  /* the items are kept as written: another duration moves them */
  const char *sets[] = {"generator.duration_s=30"};
  rfl_case_read_options opt = {.sets = sets, .nsets = 1};
  assert_int_equal(read_text_opt(MIN_PROBE "[output]\ntimes_s = rf_end/2, rf_end\n", &opt), RFL_OK);
  assert_int_equal(kase.output.ntimes, 2);
  assert_close(kase.output.times_s[0], 15.0, 0.0);
  assert_close(kase.output.times_s[1], 30.0, 0.0);

  static const char *const bad[] = {"rf-end", "0.5*", "*rf_end", "rf_end/0", "rf_end/", "-1*end",
                                    "1/rf_end", "end*2", "0.5*rf_end*2", "nan*end", "1e6", "40, 30"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char text[256], msg[512];
    snprintf(text, sizeof text, MIN_PROBE "[output]\ntimes_s = %s\n", bad[i]);
    snprintf(msg, sizeof msg, "t.ini:5: [output] times_s: expected " TIMES_EXPECTED ", found '%s'",
             bad[i]);
    expect_error(text, msg);
  }
  expect_error(MIN_PROBE "\n[output]\ntimes_s = end, rf_end\n[generator]\ncooldown_s = 10\n",
               "t.ini:6: [output] times_s: expected increasing times, found 'end, rf_end' (rf_end "
               "= 90 s comes after end = 100 s)");
  expect_error(MIN_PROBE "[output]\ntimes_s = 1.5*rf_end\n",
               "t.ini:5: [output] times_s: expected times in [0, 90] s (duration_s + cooldown_s), "
               "found '1.5*rf_end'; for times that follow the run type --set output.times_s=rf_end "
               "(or fractions such as 0.5*rf_end)");
  expect_set_error(MIN_PROBE "[generator]\ncooldown_s = 30\n[output]\ntimes_s = 90, 120\n",
                   "generator.duration_s=60",
                   "t.ini:7: [output] times_s: expected times in [0, 90] s (duration_s + "
                   "cooldown_s), found '90, 120'; for times that follow the run type --set "
                   "output.times_s=rf_end,end (or fractions such as 0.5*rf_end) (after --set "
                   "generator.duration_s=60)");
  /* the advice works as typed */
  const char *fixed[] = {"generator.duration_s=60", "output.times_s=rf_end,end"};
  rfl_case_read_options fix = {.sets = fixed, .nsets = 2};
  assert_int_equal(read_text_opt(MIN_PROBE "[generator]\ncooldown_s = 30\n[output]\ntimes_s = 90, 120\n",
                                 &fix), RFL_OK);
  assert_close(kase.output.times_s[1], 90.0, 0.0);
}

/* Written symbolic times read back as the same items, the seconds shown as a comment. */
static void test_output_times_written(void **state) {
  (void)state;
  read_ok(MIN_PROBE "[generator]\ncooldown_s = 30\n[output]\ntimes_s = rf_end / 3, 2*rf_end/3, end\n");
  char *text = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&text, &n);
  assert_int_equal(rfl_case_write(f, &kase), RFL_OK);
  fclose(f);
  assert_non_null(strstr(text, "\ntimes_s = rf_end/3, 2*rf_end/3, end   ; = 30, 60, 120 s\n"));
  static rfl_case again;
  assert_int_equal(rfl_case_read_buffer("w.ini", text, n, NULL, &again), RFL_OK);
  assert_int_equal(again.output.nitems, 3);
  assert_int_equal(again.output.items[1].anchor, RFL_TIME_RF_END);
  assert_close(again.output.times_s[1], 60.0, 0.0);
  free(text);
  /* a case built in code with plain times is written in seconds */
  rfl_case_defaults(&kase);
  kase.output.times_s[0] = 30.0;
  kase.output.times_s[1] = 90.0;
  kase.output.ntimes = 2;
  f = open_memstream(&text, &n);
  assert_int_equal(rfl_case_write(f, &kase), RFL_OK);
  fclose(f);
  assert_non_null(strstr(text, "\ntimes_s = 30, 90\n"));
  free(text);
}

/* ---- the title as run ---------------------------------------------------------------- */

static void expect_title(const char *text, const char *set1, const char *set2, const char *want) {
  const char *sets[2] = {set1, set2};
  rfl_case_read_options opt = {.sets = sets, .nsets = set2 ? 2 : set1 ? 1 : 0};
  if (read_text_opt(text, &opt) != RFL_OK) fail_msg("%s", rfl_error_message());
  char title[RFL_CASE_TITLE_MAX];
  rfl_case_display_title(&kase, title, sizeof title);
  assert_string_equal(title, want);
}

/* The settings in a title come from the case as run, after every --set; the [case] title
 * is a name before them. */
static void test_display_title(void **state) {
  (void)state;
  const char *named = MIN_PROBE "[case]\ntitle = \"L4 medial branch\"\n[grid]\nspacing_mm = 0.1\n";
  expect_title(named, NULL, NULL, "L4 medial branch (18G 10 mm, 80 C, 90 s)");
  expect_title(named, "generator.duration_s=60", "generator.cooldown_s=30",
               "L4 medial branch (18G 10 mm, 80 C, 60 s + 30 s cool-down)");
  expect_title(named, "probe.gauge=20", "generator.set_temperature_C=90",
               "L4 medial branch (20G 10 mm, 90 C, 90 s)");
  expect_title(named, "probe.diameter_mm=0.909", "probe.tip_length_mm=5",
               "L4 medial branch (20G 5 mm, 80 C, 90 s)"); /* 20G's diameter is named so */
  expect_title(named, "probe.diameter_mm=1.1", NULL,
               "L4 medial branch (1.1 mm diameter, 10 mm tip, 80 C, 90 s)");
  expect_title(MIN_PROBE, "generator.mode=power", "generator.power_W=12.5", "18G 10 mm, 12.5 W, 90 s");
  expect_title(MIN_PROBE "cooled = yes\n[generator]\nset_temperature_C = 60\n", NULL, NULL,
               "18G 10 mm cooled, 60 C, 90 s");
  expect_title(MIN_PROBE "[generator]\nmode = pulsed\npulse_voltage_V = 45\npulse_width_ms = 20\n"
               "pulse_frequency_Hz = 2\npulse_limit_C = 42\nduration_s = 120\n", NULL, NULL,
               "18G 10 mm, pulsed 45 V, 20 ms at 2 Hz, 42 C limit, 120 s");
  expect_title(MIN_PROBE "tip_mm = -3, 0, 0\n[return_probe]\ngauge = 18\ntip_length_mm = 10\n"
               "tip_mm = 3, 0, 0\n", NULL, NULL, "2 x 18G 10 mm, 80 C, 90 s");
  expect_title(MIN_PROBE "tip_mm = -3, 0, 0\n[return_probe]\ngauge = 18\ntip_length_mm = 10\n"
               "tip_mm = 3, 0, 0\n", "return_probe.gauge=16", NULL, "18G 10 mm and 16G 10 mm, 80 C, 90 s");
}

/* ---- --set -------------------------------------------------------------------------- */

static void test_set_overrides(void **state) {
  (void)state;
  const char *sets[] = {"generator.duration_s=120", "structure:root.radius_mm = 2",
                        "probe.diameter_mm=1.3", "generator.duration_s=60",
                        "return_probe.gauge=18", "return_probe.tip_length_mm=5",
                        "return_probe.tip_mm=6,0,-5"};
  rfl_case_read_options opt = {.sets = sets, .nsets = 7};
  rfl_status st = read_text_opt(MIN_PROBE "[structure root]\nshape = sphere\ncentre_mm = 5, 0, 0\n"
                                          "radius_mm = 1\nmaterial = nerve\n", &opt);
  if (st != RFL_OK) fail_msg("%s", rfl_error_message());
  assert_close(kase.generator.duration_s, 60.0, 0.0);      /* the later --set wins */
  assert_close(kase.output.times_s[0], 60.0, 0.0);         /* default follows duration */
  assert_close(kase.structures[0].shape.radius, 2e-3, 1e-15);
  assert_close(kase.probes[0].radius, 0.65e-3, 1e-15);     /* replaces the file's gauge */
  assert_int_equal(kase.probes[0].gauge, 0);
  assert_int_equal(kase.nprobes, 2);                       /* created by --set */
  assert_int_equal(kase.probes[1].role, RFL_PROBE_RETURN);
  assert_close(kase.probes[1].tip.x, 6e-3, 1e-15);
}

/* [sweep] belongs to rflesion sweep: the case reader accepts one and skips its keys. */
static void test_sweep_section(void **state) {
  (void)state;
  read_ok(MIN_PROBE "[sweep]\ngenerator.duration_s = 30, 60\nnot.a_case_key = 1:3:1\n");
  expect_error(MIN_PROBE "[sweep]\na.b = 1\n[sweep]\n",
               "t.ini:6: [sweep]: duplicate section (first on line 4)");
  expect_error(MIN_PROBE "[sweep x]\n", "t.ini:4: [sweep x]: expected [sweep] without a name, found 'x'");
}

static void test_set_errors(void **state) {
  (void)state;
  expect_set_error(MIN_PROBE, "generator.duration_s=abc",
                   "--set generator.duration_s=abc: [generator] duration_s: expected a number "
                   "of s in [0.1, 7200], found 'abc'");
  expect_set_error(MIN_PROBE, "sweep.generator.duration_s=5",
                   "--set sweep.generator.duration_s=5: expected a case key, found a [sweep] key "
                   "(sweeps are varied with rflesion sweep --vary KEY=VALUES)");
  expect_set_error(MIN_PROBE, "duration_s=5",
                   "--set duration_s=5: expected SECTION.KEY=VALUE (a named section as "
                   "structure:NAME.KEY=VALUE), found 'duration_s=5'");
  expect_set_error(MIN_PROBE, "genrator.duration_s=5",
                   "--set genrator.duration_s=5: [genrator]: unknown section, did you mean "
                   "'[generator]'?");
  expect_set_error(MIN_PROBE, "probe.tip_lenght_mm=5",
                   "--set probe.tip_lenght_mm=5: [probe] tip_lenght_mm: unknown key, did you "
                   "mean 'tip_length_mm'?");
  expect_set_error(MIN_PROBE, "structure.radius_mm=5",
                   "--set structure.radius_mm=5: [structure ]: expected a name of letters, "
                   "digits, '_' or '-' (at most 47 characters) after 'structure', found ''");
  expect_set_error(MIN_PROBE, "structure:new.radius_mm=5",
                   "--set structure:new.radius_mm=5: [structure new]: missing required key "
                   "'shape'");
  expect_set_error(MIN_PROBE, "grid.spacing_mm=0.5",
                   "--set grid.spacing_mm=0.5: [grid] spacing_mm: expected cells of at most "
                   "0.2117 mm at the tip of [probe] (3 cells per radius 0.635 mm), found '0.5' "
                   "(1.27 cells per radius; cell at the tip 0.5 mm); for this probe type --set "
                   "grid.spacing_mm=0.211");
  /* a check across keys blames a file line; the override of another key it reads is named */
  expect_set_error(MIN_PROBE "[grid]\nspacing_mm = 0.2\n", "probe.gauge=22",
                   "t.ini:5: [grid] spacing_mm: expected cells of at most 0.1197 mm at the tip of "
                   "[probe] (3 cells per radius 0.359 mm), found '0.2' (1.79 cells per radius; "
                   "cell at the tip 0.2 mm); for this probe type --set grid.spacing_mm=0.119 (after "
                   "--set probe.gauge=22)");
  expect_set_error(MIN_PROBE "[output]\ntimes_s = 30, 90\n", "generator.duration_s=60",
                   "t.ini:5: [output] times_s: expected times in [0, 60] s (duration_s + "
                   "cooldown_s), found '30, 90'; for times that follow the run type --set "
                   "output.times_s=rf_end (or fractions such as 0.5*rf_end) (after --set "
                   "generator.duration_s=60)");
  expect_set_error(MIN_PROBE "[structure far]\nshape = sphere\ncentre_mm = 25, 0, 0\n"
                   "radius_mm = 2\nmaterial = fat\n", "grid.domain_max_mm=20, 20, 20",
                   "t.ini:6: [structure far] centre_mm: expected a structure overlapping the "
                   "domain [-20, 20] x [-20, 20] x [-20, 20] mm, found '25, 0, 0' (entirely "
                   "outside) (after --set grid.domain_max_mm=20, 20, 20)");
  expect_set_error(MIN_PROBE "tip_mm = 0, 0, 15\n", "grid.domain_max_mm=10, 10, 10",
                   "t.ini:4: [probe] tip_mm: expected a point inside the domain [-20, 10] x "
                   "[-20, 10] x [-20, 10] mm, found '0, 0, 15' (after --set "
                   "grid.domain_max_mm=10, 10, 10)");
  /* an override the failing check does not read is not named */
  expect_set_error(MIN_PROBE "[grid]\nspacing_mm = 0.25\n", "generator.duration_s=60",
                   "t.ini:5: [grid] spacing_mm: expected cells of at most 0.2117 mm at the tip of "
                   "[probe] (3 cells per radius 0.635 mm), found '0.25' (2.54 cells per radius; "
                   "cell at the tip 0.25 mm); for this probe type --set grid.spacing_mm=0.211");
  expect_set_error(MIN_PROBE "[structure far]\nshape = sphere\ncentre_mm = 25, 0, 0\n"
                   "radius_mm = 2\nmaterial = fat\n", "probe.cooled=no",
                   "t.ini:6: [structure far] centre_mm: expected a structure overlapping the "
                   "domain [-20, 20] x [-20, 20] x [-20, 20] mm, found '25, 0, 0' (entirely "
                   "outside)");
}

/* ---- mistakes: one exact message each ------------------------------------------------ */

static void test_value_errors(void **state) {
  (void)state;
  expect_error(MIN_PROBE "[grid]\nspacing_mm = abc\n",
               "t.ini:5: [grid] spacing_mm: expected a number of mm in [0.01, 5], found 'abc'");
  expect_error(MIN_PROBE "[grid]\nspacing_mm = 10\n",
               "t.ini:5: [grid] spacing_mm: expected a number of mm in [0.01, 5], found '10'");
  expect_error(MIN_PROBE "[grid]\nspacing_mm = 0.2 mm\n",
               "t.ini:5: [grid] spacing_mm: expected a number of mm in [0.01, 5], found '0.2 mm'");
  expect_error(MIN_PROBE "[grid]\nspacing_mm = 0.2#no space\n",
               "t.ini:5: [grid] spacing_mm: expected a number of mm in [0.01, 5], found "
               "'0.2#no space'");
  expect_error(MIN_PROBE "[grid]\nspacing_mm = nan\n",
               "t.ini:5: [grid] spacing_mm: expected a number of mm in [0.01, 5], found 'nan'");
  expect_error(MIN_PROBE "[grid]\nspacing_mm = 0x1p-3\n",
               "t.ini:5: [grid] spacing_mm: expected a number of mm in [0.01, 5], found '0x1p-3'");
  expect_error(MIN_PROBE "[generator]\nset_temperature_C = 400\n",
               "t.ini:5: [generator] set_temperature_C: expected a number of C in [-50, 150], "
               "found '400'");
  expect_error(MIN_PROBE "[material muscle]\nsigma_S_m = 50\n",
               "t.ini:5: [material muscle] sigma_S_m: expected a number of S/m in [0.0001, 10], "
               "found '50'");
  expect_error(MIN_PROBE "[material muscle]\nlaw = cubic\n",
               "t.ini:5: [material muscle] law: expected one of linear, found 'cubic'");
  expect_error("[probe]\ngauge = 8\ntip_length_mm = 10\n",
               "t.ini:2: [probe] gauge: expected an integer of G in [10, 30], found '8'");
  expect_error("[probe]\ngauge = 18.5\ntip_length_mm = 10\n",
               "t.ini:2: [probe] gauge: expected an integer of G in [10, 30], found '18.5'");
  expect_error(MIN_PROBE "tip_mm = 1, 2\n",
               "t.ini:4: [probe] tip_mm: expected 3 comma-separated numbers x, y, z of mm, each "
               "in [-1000, 1000], found '1, 2'");
  expect_error(MIN_PROBE "tip_mm = 1, 2, 3, 4\n",
               "t.ini:4: [probe] tip_mm: expected 3 comma-separated numbers x, y, z of mm, each "
               "in [-1000, 1000], found '1, 2, 3, 4'");
  expect_error(MIN_PROBE "direction = 0, 0, 0\n",
               "t.ini:4: [probe] direction: expected 3 comma-separated numbers x, y, z of a "
               "nonzero direction, found '0, 0, 0'");
  expect_error(MIN_PROBE "cooled = maybe\n",
               "t.ini:4: [probe] cooled: expected yes, no, true, false, 1 or 0, found 'maybe'");
  expect_error(MIN_PROBE "tip_shape = square\n",
               "t.ini:4: [probe] tip_shape: expected one of round, flat, found 'square'");
  expect_error(MIN_PROBE "[output]\ntimes_s = 10, 5\n",
               "t.ini:5: [output] times_s: expected " TIMES_EXPECTED ", found '10, 5'");
  expect_error(MIN_PROBE "[case]\ntitle = \"unclosed\" tail\n",
               "t.ini:5: [case] title: expected a value with nothing but a comment after its "
               "closing quote, found '\"unclosed\" tail'");
}

static void test_structure_errors(void **state) {
  (void)state;
  expect_error(MIN_PROBE "[structure b]\nshape = box\nmin_mm = 0,0,0\nmax_mm = 1,1,1\n"
                         "radius_mm = 2\nmaterial = fat\n",
               "t.ini:8: [structure b] radius_mm: expected a key of shape 'box' (min_mm, max_mm) "
               "or of any structure (material, role, threshold_C, margin_mm), found 'radius_mm'");
  expect_error(MIN_PROBE "[structure s]\nshape = sphere\ncentre_mm = 0,0,0\nmaterial = fat\n",
               "t.ini:4: [structure s]: missing required key 'radius_mm' (shape = sphere)");
  expect_error(MIN_PROBE "[structure s]\nshape = sphere\ncentre_mm = 5,0,0\nradius_mm = 1\n",
               "t.ini:4: [structure s]: missing required key 'material'");
  expect_error(MIN_PROBE "[structure c]\nshape = cylinder\npoints_mm = 0,5,0\nradius_mm = 1\n"
                         "material = fat\n",
               "t.ini:6: [structure c] points_mm: expected 2 distinct points 'x, y, z; x, y, z' "
               "of mm (the axis ends), found '0,5,0'");
  expect_error(MIN_PROBE "[structure b]\nshape = box\nmin_mm = 0,0,0\nmax_mm = 1,-1,1\n"
                         "material = fat\n",
               "t.ini:7: [structure b] max_mm: expected each coordinate greater than min_mm "
               "(0, 0, 0), found '1,-1,1'");
  expect_error(MIN_PROBE "[structure far]\nshape = sphere\ncentre_mm = 100, 0, 0\nradius_mm = 2\n"
                         "material = fat\n",
               "t.ini:6: [structure far] centre_mm: expected a structure overlapping the domain "
               "[-20, 20] x [-20, 20] x [-20, 20] mm, found '100, 0, 0' (entirely outside)");
  expect_error(MIN_PROBE "[structure h]\nshape = halfspace\npoint_mm = 0, 0, -30\nnormal = 0,0,1\n"
                         "material = fat\n",
               "t.ini:6: [structure h] point_mm: expected a structure overlapping the domain "
               "[-20, 20] x [-20, 20] x [-20, 20] mm, found '0, 0, -30' (entirely outside)");
  expect_error(MIN_PROBE "[structure bad name]\nshape = box\n",
               "t.ini:4: [structure bad name]: expected a name of letters, digits, '_' or '-' "
               "(at most 47 characters) after 'structure', found 'bad name'");
}

static void test_section_and_key_errors(void **state) {
  (void)state;
  expect_error(MIN_PROBE "[prbe]\n",
               "t.ini:4: [prbe]: unknown section, did you mean '[probe]'?");
  expect_error(MIN_PROBE "[strcture x]\n",
               "t.ini:4: [strcture]: unknown section, did you mean '[structure NAME]'?");
  expect_error(MIN_PROBE "[widgets]\n",
               "t.ini:4: [widgets]: unknown section (known: case, grid, probe, return_probe, "
               "generator, tissue, physics, material NAME, structure NAME, damage, solver, "
               "output, sweep)");
  expect_error("[probe]\ngauge = 18\ntip_lenght_mm = 10\n",
               "t.ini:3: [probe] tip_lenght_mm: unknown key, did you mean 'tip_length_mm'?");
  expect_error(MIN_PROBE "[grid]\nSpacing_mm = 0.2\n",
               "t.ini:5: [grid] Spacing_mm: unknown key, did you mean 'spacing_mm'?");
  expect_error(MIN_PROBE "[tissue]\ncolour = red\n",
               "t.ini:5: [tissue] colour: unknown key (known keys: background)");
  expect_error("[probe]\ngauge = 18\ntip_length_mm = 10\ngauge = 20\n",
               "t.ini:4: [probe] gauge: duplicate key (first given on line 2)");
  expect_error(MIN_PROBE "[grid]\n[probe]\n",
               "t.ini:5: [probe]: duplicate section (first on line 1)");
  expect_error(MIN_PROBE "[probe x]\n",
               "t.ini:4: [probe x]: expected [probe] without a name, found 'x'");
  expect_error("[probe]\ngauge = 18\n",
               "t.ini:1: [probe]: missing required key 'tip_length_mm'");
  expect_error("\n[probe]\ntip_length_mm = 10\n",
               "t.ini:2: [probe]: missing required key 'gauge' (or 'diameter_mm')");
  expect_error("[grid]\nspacing_mm = 0.2\n", "t.ini: missing required section [probe]");
  expect_error("[probe]\ngauge = 18\ndiameter_mm = 1.2\ntip_length_mm = 10\n",
               "t.ini:3: [probe] diameter_mm: expected either gauge or diameter_mm, found both "
               "(gauge on line 2)");
  expect_error("gauge = 18\n[probe]\n",
               "t.ini:1: gauge: expected a [section] header before the first key, found 'gauge'");
  expect_error(MIN_PROBE "just some words\n",
               "t.ini:4: expected 'key = value', '[section]' or a comment, found 'just some "
               "words'");
  expect_error(MIN_PROBE "[grid\n",
               "t.ini:4: expected a section header '[name]', found '[grid'");
  expect_error(MIN_PROBE "[grid] spacing_mm = 1\n",
               "t.ini:4: expected nothing but a comment after ']', found 'spacing_mm = 1'");
}

static void test_material_errors(void **state) {
  (void)state;
  expect_error(MIN_PROBE "[tissue]\nbackground = musle\n",
               "t.ini:5: [tissue] background: expected a known material (did you mean "
               "'muscle'?), found 'musle'");
  expect_error(MIN_PROBE "[structure b]\nshape = sphere\ncentre_mm = 5,0,0\nradius_mm = 1\n"
                         "material = kryptonite\n",
               "t.ini:8: [structure b] material: expected a built-in material (muscle, fat, "
               "nerve, bone_cortical, bone_cancellous, intervertebral_disc, cerebrospinal_fluid, "
               "tendon, cartilage, liver, connective_tissue, skin, dura, blood, steel) or one "
               "defined in a [material NAME] section, found 'kryptonite'");
  expect_error(MIN_PROBE "[material gel]\nkind = tissue\nrho_kg_m3 = 1000\n",
               "t.ini:4: [material gel]: missing required key 'c_J_kgK' (a material not in the "
               "library needs every property)");
  expect_error(MIN_PROBE "[material gel]\nrho_kg_m3 = 1000\n",
               "t.ini:4: [material gel]: missing required key 'kind' (a material not in the "
               "library needs every property)");
  expect_error(MIN_PROBE "material = muscle\n",
               "t.ini:4: [probe] material: expected a metal material for the electrode body, "
               "found 'muscle'");
  expect_error(MIN_PROBE "[tissue]\nbackground = steel\n",
               "t.ini:5: [tissue] background: expected a tissue material (not a metal), found "
               "'steel'");
}

static void test_cross_checks(void **state) {
  (void)state;
  expect_error(MIN_PROBE "tip_mm = 0, 0, 25\n",
               "t.ini:4: [probe] tip_mm: expected a point inside the domain [-20, 20] x [-20, 20] "
               "x [-20, 20] mm, found '0, 0, 25'");
  expect_error("[probe]\ngauge = 18\ntip_length_mm = 10\n[grid]\nspacing_mm = 0.25\n",
               "t.ini:5: [grid] spacing_mm: expected cells of at most 0.2117 mm at the tip of "
               "[probe] (3 cells per radius 0.635 mm), found '0.25' (2.54 cells per radius; cell "
               "at the tip 0.25 mm); for this probe type --set grid.spacing_mm=0.211");
  expect_error(MIN_PROBE "tip_mm = 0, 0, 15\n[grid]\nfine_min_mm = -5, -5, -5\n"
               "fine_max_mm = 5, 5, 5\ngrowth = 1.3\n",
               "t.ini:5: [grid] spacing_mm: expected cells of at most 0.2117 mm at the tip of "
               "[probe] (3 cells per radius 0.635 mm), found '0.2' (0.23 cells per radius; cell "
               "at the tip 2.757 mm)");
  expect_error("[probe]\ngauge = 18\ntip_length_mm = 0.5\n",
               "t.ini:3: [probe] tip_length_mm: expected at least the probe radius (0.635 mm) "
               "for a round tip, found '0.5'");
  expect_error(MIN_PROBE "[grid]\ngrowth = 1.2\nfine_min_mm = -20, -20, -20\nfine_max_mm = 20, 20, 20\n",
               "t.ini:5: [grid] growth: expected 1 (uniform) unless fine_min_mm and fine_max_mm "
               "give a fine box smaller than the domain, found '1.2'");
  expect_error(MIN_PROBE "[grid]\nfine_min_mm = -30, -5, -5\n",
               "t.ini:5: [grid] fine_min_mm: expected a fine box inside the domain [-20, 20] x "
               "[-20, 20] x [-20, 20] mm with fine_min_mm < fine_max_mm, found '-30, -5, -5'");
  expect_error(MIN_PROBE "[grid]\ndomain_min_mm = 0, 0, 0\ndomain_max_mm = 10, -10, 10\n",
               "t.ini:6: [grid] domain_max_mm: expected domain_max_mm greater than "
               "domain_min_mm in each coordinate, found '0, 0, 0' and '10, -10, 10'");
  expect_error(MIN_PROBE "[generator]\nmode = power\n",
               "t.ini:4: [generator]: missing required key 'power_W' (mode = power)");
  expect_error(MIN_PROBE "[generator]\nmode = pulsed\npulse_width_ms = 600\n",
               "t.ini:6: [generator] pulse_width_ms: expected less than the pulse period 500 ms "
               "(pulse_frequency_Hz = 2), found '600'");
  expect_error(MIN_PROBE "[physics]\ndesiccation_end_C = 90\n",
               "t.ini:5: [physics] desiccation_end_C: expected a temperature above "
               "desiccation_start_C (99 C), found '90'");
  expect_error(MIN_PROBE "[output]\ntimes_s = 30, 95\n",
               "t.ini:5: [output] times_s: expected times in [0, 90] s (duration_s + "
               "cooldown_s), found '30, 95'; for times that follow the run type --set "
               "output.times_s=rf_end (or fractions such as 0.5*rf_end)");
  expect_error(MIN_PROBE "[grid]\nvoxel_file = missing.h5\nvoxel_labels = 1:fat\n",
               "t.ini:5: [grid] voxel_file: expected a readable file, found 'missing.h5' (No such "
               "file or directory)");
  expect_error(MIN_PROBE "[grid]\nvoxel_labels = 1:fat\n",
               "t.ini:4: [grid] voxel_file: expected a voxel file for voxel_labels, found none");
  expect_error(MIN_PROBE "[grid]\nvoxel_file = x.h5\nvoxel_labels = 1:fat, 1:nerve\n",
               "t.ini:6: [grid] voxel_labels: expected a list 'label:material, ...' with labels 0 "
               "to 255, each once, found '1:fat, 1:nerve'");
}

/* The grid builder's limits (10^5 cells per axis, 10^9 cells) are checked by the reader,
 * with the line of spacing_mm, on the cells the grid will have: graded cells count as
 * built, not as if the domain were filled at spacing_mm. Reader and builder agree. */
static void test_grid_limits(void **state) {
  (void)state;
  /* uniform: 2 m at 0.01 mm */
  expect_error(MIN_PROBE "[grid]\nspacing_mm = 0.01\ngrowth = 1\ndomain_min_mm = -1000,-1000,-1000\n"
               "domain_max_mm = 1000,1000,1000\n",
               "t.ini:5: [grid] spacing_mm: expected at most 100000 cells along each axis, found "
               "'0.01' giving 200000 cells along x");
  /* graded: the same 2 m box at 0.01 mm in a 4 mm fine box, growing by 1.5, is small */
  const char *graded = MIN_PROBE "[grid]\nspacing_mm = 0.01\ndomain_min_mm = -1000,-1000,-1000\n"
                       "domain_max_mm = 1000,1000,1000\nfine_min_mm = -2, -2, -2\n"
                       "fine_max_mm = 2, 2, 2\ngrowth = 1.5\n";
  read_ok(graded);
  int est[3];
  double cells = rfl_case_estimate_cells(&kase.grid, est);
  rfl_grid *g = NULL;
  if (rfl_grid_create(&kase.grid, &g) != RFL_OK) fail_msg("%s", rfl_error_message());
  /* 400 fine cells and, on each side, the m = 26 cells of 0.01 mm x 1.5^k that first
   * reach 998 mm: 0.03 (1.5^m - 1) >= 998 */
  for (int a = 0; a < 3; a++) {
    assert_int_equal(g->n[a], 452);
    assert_int_equal(est[a], g->n[a]);
  }
  assert_close(cells, (double)est[0] * est[1] * est[2], 0.0);
  rfl_grid_free(g);
  /* graded, but the fine box alone is too long for one axis: both refuse it */
  rfl_grid_spec spec = kase.grid;
  spec.fine_min.x = -550e-3;
  spec.fine_max.x = 550e-3;
  assert_int_equal(rfl_grid_create(&spec, &g), RFL_EINPUT);
  assert_null(g);
  assert_string_equal(rfl_error_message(), "[grid] spacing_mm: 0.01 mm gives 110000 cells on "
                                           "the x axis, more than 100000");
  expect_error(MIN_PROBE "[grid]\nspacing_mm = 0.01\ndomain_min_mm = -1000,-1000,-1000\n"
               "domain_max_mm = 1000,1000,1000\nfine_min_mm = -550, -2, -2\n"
               "fine_max_mm = 550, 2, 2\ngrowth = 1.5\n",
               "t.ini:5: [grid] spacing_mm: expected at most 100000 cells along each axis, found "
               "'0.01' giving 110048 cells along x (fine box and graded cells)");
  /* the whole grid: 2000^3 cells */
  expect_error(MIN_PROBE "[grid]\nspacing_mm = 0.05\ngrowth = 1\ndomain_min_mm = -50,-50,-50\n"
               "domain_max_mm = 50,50,50\n",
               "t.ini:5: [grid] spacing_mm: expected a grid of at most 1e+09 cells, found '0.05' "
               "giving 2000 x 2000 x 2000 = 8e+09 cells");
  /* an automatic spacing on a uniform grid is blamed at the [grid] header; graded (the
   * default), the same domain is small */
  read_ok(MIN_PROBE "[grid]\ndomain_min_mm = -1000,-1000,-1000\ndomain_max_mm = 1000,1000,1000\n");
  expect_error(MIN_PROBE "[grid]\ngrowth = 1\ndomain_min_mm = -1000,-1000,-1000\n"
               "domain_max_mm = 1000,1000,1000\n",
               "t.ini:4: [grid] spacing_mm: expected a grid of at most 1e+09 cells, found '0.2' "
               "giving 10000 x 10000 x 10000 = 1e+12 cells");
}

static void test_limits(void **state) {
  (void)state;
  static char text[16384];
  size_t n = (size_t)snprintf(text, sizeof text, "%s", MIN_PROBE);
  for (int i = 0; i <= RFL_MAX_STRUCTURES; i++)
    n += (size_t)snprintf(text + n, sizeof text - n,
                          "[structure s%d]\nshape = sphere\ncentre_mm = 5,0,0\nradius_mm = 1\n"
                          "material = fat\n", i);
  expect_error(text, "t.ini:164: [structure s32]: expected at most 32 structures, found more");

  n = (size_t)snprintf(text, sizeof text, "%s", MIN_PROBE);
  for (int i = 0; i < RFL_MAX_MATERIALS - 1; i++)
    n += (size_t)snprintf(text + n, sizeof text - n,
                          "[material m%d]\nkind = metal\nrho_kg_m3 = 7000\nc_J_kgK = 400\n"
                          "k_W_mK = 20\ndk_dT_percent_per_C = 0\n"
                          "[structure s%d]\nshape = sphere\ncentre_mm = 5,0,0\nradius_mm = 1\n"
                          "material = m%d\n", i, i, i);
  expect_error(text, "t.ini:256: [structure s22] material: expected at most 24 materials in use, "
                     "found more ('m22')");
}

/* A number is read whole however many digits it has (there was a hidden 63-character
 * limit, refused as "out of range"). */
static void test_long_numbers(void **state) {
  (void)state;
  char text[1024];
  snprintf(text, sizeof text, "[probe]\ngauge = 18\ntip_length_mm = 10.%0100d1\n", 0);
  assert_int_equal(read_text(text), RFL_OK);
  assert_close(kase.probes[0].tip_length, 10e-3, 1e-15);
  snprintf(text, sizeof text, "[probe]\ngauge = 18\ntip_length_mm = 0000000000000000000000000000000000000000000000000"
                              "00000000000000000000007.25e0\n");
  assert_int_equal(read_text(text), RFL_OK);
  assert_close(kase.probes[0].tip_length, 7.25e-3, 1e-15);
}

/* A stand-in estimate for the reader's memory check: 150 bytes per estimated cell. */
static double estimate_150(const rfl_case *c, void *ctx) {
  int n[3];
  (void)ctx;
  return 150.0 * rfl_case_estimate_cells(&c->grid, n);
}

static double estimate_unknown(const rfl_case *c, void *ctx) {
  (void)c, (void)ctx;
  return -1.0;
}

/* The run's estimate against the limit: the message gives both, the limit's source and a
 * spacing to type that fits (asked of the estimate again), or what else to change. */
static void test_memory(void **state) {
  (void)state;
  rfl_case_read_options opt = {.memory_estimate = estimate_150, .memory_limit = 1024.0 * 1024.0 * 1024.0,
                               .memory_limit_source = "cgroup v2 /sys/fs/cgroup/job/memory.max"};
  assert_int_equal(read_text_opt(MIN_PROBE "[grid]\nspacing_mm = 0.05\ngrowth = 1\n", &opt), RFL_EINPUT);
  assert_string_equal(rfl_error_message(),
                      "t.ini:5: [grid] spacing_mm: expected a grid whose run fits in memory, found "
                      "'0.05' giving 5.12e+08 cells and an estimated 71.5 GiB, over the limit of "
                      "1 GiB (cgroup v2 /sys/fs/cgroup/job/memory.max); type --set "
                      "grid.spacing_mm=0.209, or shrink the fine box or the domain");
  /* the advice fits */
  const char *fixed[] = {"grid.spacing_mm=0.209"};
  opt.sets = fixed;
  opt.nsets = 1;
  assert_int_equal(read_text_opt(MIN_PROBE "[grid]\nspacing_mm = 0.05\ngrowth = 1\n", &opt), RFL_OK);
  /* a limit too small for the cells the electrode needs: no spacing to type */
  opt.nsets = 0;
  opt.memory_limit = 64.0 * 1024 * 1024;
  assert_int_equal(read_text_opt(MIN_PROBE "[grid]\nspacing_mm = 0.1\ngrowth = 1\n", &opt), RFL_EINPUT);
  assert_string_equal(rfl_error_message(),
                      "t.ini:5: [grid] spacing_mm: expected a grid whose run fits in memory, found "
                      "'0.1' giving 6.4e+07 cells and an estimated 8.94 GiB, over the limit of "
                      "64 MiB (cgroup v2 /sys/fs/cgroup/job/memory.max); shrink the fine box or the "
                      "domain (the electrode needs cells of at most 0.212 mm at its tip), or run "
                      "with more memory");
  /* no estimate, or an unknown one: no check */
  opt.memory_estimate = NULL;
  assert_int_equal(read_text_opt(MIN_PROBE "[grid]\nspacing_mm = 0.05\ngrowth = 1\n", &opt), RFL_OK);
  opt.memory_estimate = estimate_unknown;
  assert_int_equal(read_text_opt(MIN_PROBE "[grid]\nspacing_mm = 0.05\ngrowth = 1\n", &opt), RFL_OK);
  /* the default grid fits */
  opt.memory_estimate = estimate_150;
  opt.memory_limit = 2.0 * 1024.0 * 1024.0 * 1024.0;
  assert_int_equal(read_text_opt(MIN_PROBE "[grid]\ngrowth = 1\nspacing_mm = 0.2\n", &opt), RFL_OK);
  int nc[3];
  assert_close(rfl_case_estimate_cells(&kase.grid, nc), 200.0 * 200.0 * 200.0, 0.0);
  assert_int_equal(nc[0], 200);
  /* an automatic grid too fine for the limit names the accuracy target that fits */
  const char *tight[] = {"solver.accuracy_mm=0.01"};
  opt.sets = tight;
  opt.nsets = 1;
  opt.memory_limit = 256.0 * 1024 * 1024;
  assert_int_equal(read_text_opt(MIN_PROBE, &opt), RFL_EINPUT);
  assert_non_null(strstr(rfl_error_message(), "--set solver.accuracy_mm=0.01: [solver] accuracy_mm: expected an "
                                              "accuracy target whose grid fits in memory, found '0.01'"));
  assert_non_null(strstr(rfl_error_message(), "the finest accuracy that fits is "));
}

static void test_warnings(void **state) {
  (void)state;
  rfl_case_warnings w;
  rfl_case_read_options opt = {.warnings = &w};
  assert_int_equal(read_text_opt(MIN_PROBE "[generator]\nset_temperature_C = 30\npower_W = 5\n"
                                 "[material gel]\nkind = metal\nrho_kg_m3 = 7000\nc_J_kgK = 400\n"
                                 "k_W_mK = 20\ndk_dT_percent_per_C = 0\n", &opt), RFL_OK);
  assert_int_equal(w.count, 3);
  assert_string_equal(w.text[0], "t.ini:7: [material gel]: defined but not used");
  assert_string_equal(w.text[1], "t.ini:6: [generator] power_W: ignored in mode = temperature");
  assert_string_equal(w.text[2], "t.ini:5: [generator] set_temperature_C: 30 C is not above the "
                                 "initial 37 C; the generator will deliver no power");
}

/* ---- files that are not case files --------------------------------------------------- */

static void test_bad_files(void **state) {
  (void)state;
  expect_error("", "t.ini: expected a case file with a [probe] section, found an empty file");
  expect_error("; only a comment\n\n",
               "t.ini: expected a case file with a [probe] section, found no section");
  static const char binary[] = "[probe]\ngauge = 18\0\x01\x02";
  rfl_error_clear();
  assert_int_equal(rfl_case_read_buffer("t.ini", binary, sizeof binary - 1, NULL, &kase), RFL_EINPUT);
  assert_string_equal(rfl_error_message(),
                      "t.ini:2: expected a text file, found a NUL byte at column 11 (binary data?)");
  expect_error(MIN_PROBE "[case]\ntitle = caf\xe9\n",
               "t.ini:5: expected UTF-8 text, found byte 0xe9 at column 12");
  expect_error(MIN_PROBE "[case]\ntitle = ok \xc3\xa9 \xff\n",
               "t.ini:5: expected UTF-8 text, found byte 0xff at column 15");
  expect_error(MIN_PROBE "[case]\ntitle = bell\x07\n",
               "t.ini:5: expected text, found control byte 0x07 at column 13");
  static char line[3000];
  memset(line, 'x', sizeof line - 1);
  memcpy(line, "; ", 2);
  static char text[4000];
  snprintf(text, sizeof text, "%s%s\n", MIN_PROBE, line);
  expect_error(text, "t.ini:4: expected lines of at most 1000 characters, found one of 2999");

  /* files */
  rfl_error_clear();
  assert_int_equal(rfl_case_read("no/such/case.ini", NULL, &kase), RFL_EINPUT);
  assert_string_equal(rfl_error_message(),
                      "no/such/case.ini: expected a readable case file, found an error: No such "
                      "file or directory");
  assert_int_equal(rfl_case_read(RFL_SOURCE_DIR "/cases", NULL, &kase), RFL_EINPUT);
  assert_string_equal(rfl_error_message(), RFL_SOURCE_DIR "/cases: expected a case file, found a directory");
  assert_int_equal(rfl_case_read("/dev/null", NULL, &kase), RFL_EINPUT);
  assert_string_equal(rfl_error_message(),
                      "/dev/null: expected a regular case file, found a device, pipe or socket");

  char dir[] = "/tmp/rfl_case_reader_XXXXXX";
  assert_non_null(mkdtemp(dir));
  char path[256];
  snprintf(path, sizeof path, "%s/huge.ini", dir);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  fputs(MIN_PROBE, f);
  for (int i = 0; i < 2 * 1024 * 1024 / 32; i++) fputs("; padding padding padding pad\n", f);
  fclose(f);
  char expected[512];
  struct stat st;
  assert_int_equal(stat(path, &st), 0);
  snprintf(expected, sizeof expected,
           "%s: expected a case file of at most 1048576 bytes, found %lld bytes", path,
           (long long)st.st_size);
  assert_int_equal(rfl_case_read(path, NULL, &kase), RFL_EINPUT);
  assert_string_equal(rfl_error_message(), expected);
  /* the same bytes from memory */
  static char big[RFL_CASE_MAX_BYTES + 2];
  memset(big, '\n', sizeof big);
  rfl_error_clear();
  assert_int_equal(rfl_case_read_buffer("m.ini", big, sizeof big, NULL, &kase), RFL_EINPUT);
  assert_string_equal(rfl_error_message(),
                      "m.ini: expected a case file of at most 1048576 bytes, found 1048578 bytes");
  /* a voxel file relative to the case file's directory (an HDF5 file: without a header
   * check the reader looks only at its signature) */
  snprintf(path, sizeof path, "%s/labels.h5", dir);
  hid_t h5 = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  assert_true(h5 >= 0);
  assert_true(H5Fclose(h5) >= 0);
  snprintf(path, sizeof path, "%s/vox.ini", dir);
  f = fopen(path, "wb");
  fputs(MIN_PROBE "[grid]\nvoxel_file = labels.h5\nvoxel_labels = 1:bone_cortical, 7:fat\n", f);
  fclose(f);
  read_file_ok(path);
  snprintf(expected, sizeof expected, "%s/labels.h5", dir);
  assert_string_equal(kase.grid.voxel_file, expected);
  assert_string_equal(kase.materials[kase.grid.voxel_material[7]].name, "fat");
  assert_int_equal(kase.grid.voxel_material[2], -1);
  unlink(path);
  snprintf(path, sizeof path, "%s/labels.h5", dir);
  unlink(path);
  snprintf(path, sizeof path, "%s/huge.ini", dir);
  unlink(path);
  rmdir(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_defaults),
      cmocka_unit_test(test_library),
      cmocka_unit_test(test_minimal),
      cmocka_unit_test(test_si_conversion),
      cmocka_unit_test(test_gauge_radius),
      cmocka_unit_test(test_comments_quotes_bom_crlf),
      cmocka_unit_test(test_structures_and_materials),
      cmocka_unit_test(test_case_files),
      cmocka_unit_test(test_roundtrip),
      cmocka_unit_test(test_output_times),
      cmocka_unit_test(test_output_times_written),
      cmocka_unit_test(test_display_title),
      cmocka_unit_test(test_set_overrides),
      cmocka_unit_test(test_sweep_section),
      cmocka_unit_test(test_set_errors),
      cmocka_unit_test(test_value_errors),
      cmocka_unit_test(test_structure_errors),
      cmocka_unit_test(test_section_and_key_errors),
      cmocka_unit_test(test_material_errors),
      cmocka_unit_test(test_cross_checks),
      cmocka_unit_test(test_grid_limits),
      cmocka_unit_test(test_limits),
      cmocka_unit_test(test_long_numbers),
      cmocka_unit_test(test_memory),
      cmocka_unit_test(test_warnings),
      cmocka_unit_test(test_bad_files),
      cmocka_unit_test(test_trajectory_target),
      cmocka_unit_test(test_trajectory_course),
      cmocka_unit_test(test_trajectory_errors),
      cmocka_unit_test(test_trajectory_written),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
