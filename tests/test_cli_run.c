// SPDX-License-Identifier: BSD-3-Clause
/* `rflesion run` as a script meets it: the built binary (path given as the first argument)
 * runs the tiny case tests/data/sweep_tiny.ini (about a second), and RC-1 for another
 * duration (its output times and title follow), with --json, --output and
 * --figures, and the test checks the exit code of each outcome (0 clear, 1 a safety flag,
 * 2 usage, 3 the sanity bound), the JSON summary (parsed here: every documented key, with
 * the values that are known), the HDF5 file (opened with the HDF5 library), the figure
 * files in each --figure-format, and that nothing reaches standard error when it is not a
 * terminal and nothing at all is printed with --quiet. */
#define _XOPEN_SOURCE 700 /* mknod() */
#include <dirent.h>
#include <fcntl.h>
#include <hdf5.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_support.h"
/* after test_support.h (cmocka's include order) */
#include "cli_runner.h"
#include "rfl_version.h"

#define CASE RFL_SOURCE_DIR "/tests/data/sweep_tiny.ini"
/* the nerve (radius 0.8 mm) far from the probe, its axis between cell centres */
#define NERVE_FAR "structure:root.points_mm=10,0,-12;10,0,12"
/* its surface 0.15 mm from the probe's (radius 1.25 mm) */
#define NERVE_NEAR "structure:root.points_mm=2.2,0,-12;2.2,0,12"

static char dir[64], json_path[96], h5_path[96], fig_dir[96];

/* Removes the run's outputs so that every check sees files of its own run. */
static void clean_outputs(void) {
  unlink(json_path);
  unlink(h5_path);
  char xmf[128];
  snprintf(xmf, sizeof xmf, "%s/run.xmf", dir);
  unlink(xmf);
  DIR *d = opendir(fig_dir);
  if (!d) return;
  struct dirent *e;
  char path[400];
  while ((e = readdir(d)))
    if (e->d_name[0] != '.') {
      snprintf(path, sizeof path, "%s/%s", fig_dir, e->d_name);
      unlink(path);
    }
  closedir(d);
}

/* ---- a small JSON reader: validates the text and finds values by path ------------------- */

static const char *ws(const char *p) {
  while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t') ++p;
  return p;
}

/* Past the value at p (after white space); NULL if it is not valid JSON. */
static const char *skip_value(const char *p);

static const char *skip_string(const char *p) {
  if (*p != '"') return NULL;
  for (++p; *p && *p != '"'; ++p) {
    if ((unsigned char)*p < 0x20) return NULL;
    if (*p == '\\' && !*++p) return NULL;
  }
  return *p == '"' ? p + 1 : NULL;
}

static const char *skip_value(const char *p) {
  p = ws(p);
  if (*p == '"') return skip_string(p);
  if (*p == '{' || *p == '[') {
    const char close = *p == '{' ? '}' : ']';
    p = ws(p + 1);
    if (*p == close) return p + 1;
    for (;;) {
      if (close == '}') {
        if (!(p = skip_string(ws(p)))) return NULL;
        p = ws(p);
        if (*p++ != ':') return NULL;
      }
      if (!(p = skip_value(p))) return NULL;
      p = ws(p);
      if (*p == close) return p + 1;
      if (*p++ != ',') return NULL;
    }
  }
  if (strncmp(p, "null", 4) == 0 || strncmp(p, "true", 4) == 0) return p + 4;
  if (strncmp(p, "false", 5) == 0) return p + 5;
  char *end;
  strtod(p, &end);
  return end > p ? end : NULL;
}

/* The value at path ("lesion.width_mm", "structures.0.name"; array elements by index),
 * or NULL if there is none. */
static const char *json_at(const char *doc, const char *path) {
  const char *p = ws(doc);
  while (*path) {
    const char *dot = strchr(path, '.');
    size_t len = dot ? (size_t)(dot - path) : strlen(path);
    if (*p == '{') {
      p = ws(p + 1);
      const char *found = NULL;
      while (*p == '"' && !found) {
        const char *key = p + 1, *end = skip_string(p);
        if (!end) return NULL;
        p = ws(end);
        if (*p++ != ':') return NULL;
        p = ws(p);
        if ((size_t)(end - 1 - key) == len && strncmp(key, path, len) == 0) found = p;
        else if (!(p = skip_value(p))) return NULL;
        p = ws(p);
        if (*p == ',') p = ws(p + 1);
      }
      if (!found) return NULL;
      p = found;
    } else if (*p == '[') {
      long idx = strtol(path, NULL, 10);
      p = ws(p + 1);
      for (long i = 0; i < idx; ++i) {
        if (*p == ']' || !(p = skip_value(p))) return NULL;
        p = ws(p);
        if (*p == ',') p = ws(p + 1);
      }
      if (*p == ']') return NULL;
    } else {
      return NULL;
    }
    path += len + (dot != NULL);
  }
  return p;
}

static double json_number(const char *doc, const char *path) {
  const char *v = json_at(doc, path);
  if (!v) fail_msg("JSON: no key %s", path);
  char *end;
  double x = strtod(v, &end);
  if (end == v) fail_msg("JSON: %s is not a number: %.40s", path, v);
  return x;
}

static int json_is_null(const char *doc, const char *path) {
  const char *v = json_at(doc, path);
  if (!v) fail_msg("JSON: no key %s", path);
  return strncmp(v, "null", 4) == 0;
}

static void assert_json_string(const char *doc, const char *path, const char *expected) {
  const char *v = json_at(doc, path);
  if (!v) fail_msg("JSON: no key %s", path);
  size_t n = strlen(expected);
  if (*v != '"' || strncmp(v + 1, expected, n) != 0 || v[n + 1] != '"')
    fail_msg("JSON: %s is %.60s, expected \"%s\"", path, v, expected);
}

/* Fails unless the array at path holds exactly the given strings (n of them), in order. */
static void assert_json_strings(const char *doc, const char *path, const char *const *expected, int n) {
  char item[128];
  for (int i = 0; i < n; ++i) {
    snprintf(item, sizeof item, "%s.%d", path, i);
    assert_json_string(doc, item, expected[i]);
  }
  snprintf(item, sizeof item, "%s.%d", path, n);
  if (json_at(doc, item)) fail_msg("JSON: %s has more than %d entries", path, n);
}

/* The summary's text, checked to be one valid JSON object with every documented key. */
static char *read_summary(void) {
  char *doc = read_text(json_path);
  if (!doc) fail_msg("no JSON summary %s", json_path);
  const char *end = skip_value(doc);
  if (!end || *ws(end) != '\0') fail_msg("the JSON summary is not valid JSON:\n%s", doc);
  static const char *const numbers[] = {
      "lesion.width_mm", "lesion.length_mm", "lesion.volume_mm3", "isotherm.threshold_C",
      "isotherm.width_mm", "isotherm.length_mm", "isotherm.volume_mm3", "generator.voltage_V",
      "generator.current_A", "generator.power_W", "generator.impedance_ohm",
      "generator.thermocouple_C", "peak_tissue_C.end", "peak_tissue_C.run", "grid.cells", "wall_s",
      "time_s", "structures.0.peak_C", "structures.0.peak_time_s", "structures.0.max_omega",
      "structures.0.max_cem43_min", "structures.0.damaged_fraction", "structures.0.threshold_C",
      "structures.0.margin_mm", "structures.0.isotherm_margin_mm"};
  for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; ++i) {
    double v = json_number(doc, numbers[i]);
    if (!isfinite(v)) fail_msg("JSON: %s = %g", numbers[i], v);
  }
  /* present, a number or null (no lesion: no distal projection) */
  static const char *const maybe[] = {"lesion.distal_mm", "isotherm.distal_mm",
                                      "structures.0.threshold_crossed_s"};
  for (size_t i = 0; i < sizeof maybe / sizeof maybe[0]; ++i)
    if (!json_is_null(doc, maybe[i])) (void)json_number(doc, maybe[i]);
  const char *v = json_at(doc, "version");
  if (!v || *v != '"') fail_msg("JSON: no version string");
  /* provenance: the build that ran it, and a 16-digit hash of the resolved case */
  assert_json_string(doc, "provenance.version", RFL_VERSION_FULL);
  assert_json_string(doc, "provenance.commit", RFL_COMMIT);
  assert_json_string(doc, "provenance.build_type", RFL_BUILD_TYPE);
  const char *hash = json_at(doc, "provenance.case_hash");
  if (!hash || strspn(hash + 1, "0123456789abcdef") != 16 || hash[17] != '"')
    fail_msg("JSON: provenance.case_hash is not 16 hex digits");
  assert_json_string(doc, "structures.0.name", "root");
  if (!json_at(doc, "structures.0.flags") || *json_at(doc, "structures.0.flags") != '[')
    fail_msg("JSON: no structures[0].flags array");
  if (!json_at(doc, "flags") || *json_at(doc, "flags") != '[') fail_msg("JSON: no flags array");
  if (json_at(doc, "structures.1")) fail_msg("JSON: more than one structure");
  /* values the case fixes */
  assert_close(json_number(doc, "isotherm.threshold_C"), 50.0, 0.0);
  assert_close(json_number(doc, "structures.0.threshold_C"), 45.0, 0.0);
  assert_close(json_number(doc, "time_s"), 10.0, 1e-9);
  assert_true(json_number(doc, "grid.cells") > 1000.0);
  assert_true(json_number(doc, "lesion.width_mm") > 2.5); /* wider than the probe */
  assert_true(json_number(doc, "peak_tissue_C.run") >= json_number(doc, "peak_tissue_C.end"));
  double p = json_number(doc, "generator.power_W"), u = json_number(doc, "generator.voltage_V");
  double i = json_number(doc, "generator.current_A"), z = json_number(doc, "generator.impedance_ohm");
  assert_rel_close(p, u * i, 1e-6);
  assert_rel_close(z, u / i, 1e-6);
  double f = json_number(doc, "structures.0.damaged_fraction");
  assert_true(f >= 0.0 && f <= 1.0);
  return doc;
}

/* ---- files --------------------------------------------------------------------------------- */

static long file_size(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* Fails unless the figures exist in exactly the formats asked for (PNG and/or SVG). */
static void check_figures(int png, int svg) {
  static const char *const stems[] = {"slice_end_of_rf", "slice_across", "slice_peak", "timeseries"};
  for (int s = 0; s < 4; ++s)
    for (int f = 0; f < 2; ++f) {
      char path[160];
      snprintf(path, sizeof path, "%s/%s.%s", fig_dir, stems[s], f ? "svg" : "png");
      long n = file_size(path);
      if ((f ? svg : png) && n < 1000) fail_msg("figure %s missing or too small (%ld bytes)", path, n);
      if (!(f ? svg : png) && n >= 0) fail_msg("figure %s written, but not asked for", path);
      if (n < 0) continue;
      char *head = read_text(path);
      if (f == 0) assert_memory_equal(head, "\x89PNG\r\n\x1a\n", 8);
      else assert_contains(head, "<svg");
      free(head);
    }
}

static int h5_has(hid_t file, const char *path) {
  htri_t e = H5Lexists(file, path, H5P_DEFAULT);
  return e > 0 && H5Oexists_by_name(file, path, H5P_DEFAULT) > 0;
}

/* The results file: the summary tables, one structure row, fields and series. */
static void check_h5(int nflags) {
  hid_t file = H5Fopen(h5_path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) fail_msg("cannot open %s", h5_path);
  static const char *const paths[] = {"/summary", "/summary/metrics", "/summary/structures",
                                      "/summary/flags", "/fields", "/fields/times_s", "/series/t_s",
                                      "/grid/material", "/case"};
  for (size_t i = 0; i < sizeof paths / sizeof paths[0]; ++i)
    if (!h5_has(file, paths[i])) fail_msg("%s: no %s", h5_path, paths[i]);
  hid_t d = H5Dopen2(file, "/summary/structures", H5P_DEFAULT);
  hid_t s = H5Dget_space(d);
  hsize_t dims[1] = {0};
  assert_int_equal(H5Sget_simple_extent_ndims(s), 1);
  H5Sget_simple_extent_dims(s, dims, NULL);
  assert_int_equal(dims[0], 1);
  H5Sclose(s);
  H5Dclose(d);
  hid_t a = H5Aopen_by_name(file, "/summary", "nflags", H5P_DEFAULT, H5P_DEFAULT);
  int n = -1;
  assert_true(a >= 0 && H5Aread(a, H5T_NATIVE_INT, &n) >= 0);
  H5Aclose(a);
  assert_int_equal(n, nflags);
  /* the root attributes state the build, as the JSON does */
  char text[128] = "";
  a = H5Aopen_by_name(file, "/", "commit", H5P_DEFAULT, H5P_DEFAULT);
  hid_t at = a >= 0 ? H5Aget_type(a) : H5I_INVALID_HID;
  assert_true(at >= 0 && H5Tget_size(at) < sizeof text && H5Aread(a, at, text) >= 0);
  H5Tclose(at);
  H5Aclose(a);
  assert_string_equal(text, RFL_COMMIT);
  /* at least one field snapshot with the temperature */
  d = H5Dopen2(file, "/fields/times_s", H5P_DEFAULT);
  s = H5Dget_space(d);
  H5Sget_simple_extent_dims(s, dims, NULL);
  assert_true(dims[0] >= 1);
  double t[64];
  assert_true(dims[0] <= 64 && H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, t) >= 0);
  H5Sclose(s);
  H5Dclose(d);
  char field[64];
  snprintf(field, sizeof field, "/fields/t_%07.3f/temperature_C", t[0]);
  if (!h5_has(file, field)) fail_msg("%s: no %s", h5_path, field);
  H5Fclose(file);
}

/* ---- the runs -------------------------------------------------------------------------------- */

/* The nerve far away: exit 0, no flags, every output written, nothing on standard error. */
static void clear_run_writes_everything(void **state) {
  (void)state;
  clean_outputs();
  RUN(0, "run", CASE, "--set", NERVE_FAR, "--json", json_path, "--output", h5_path, "--figures", fig_dir);
  assert_string_equal(err_text, "");
  assert_contains(out_text, "Lesion at the end of RF (t = 10.0 s):");
  assert_contains(out_text, "Structure 'root' (protected)");
  assert_contains(out_text, "Safety flags: none\n");
  /* it says where its files went */
  char wrote[512];
  snprintf(wrote, sizeof wrote, "Results: %s (fields, series, summary, the case) and %.*s.xmf (open in ParaView)\n",
           h5_path, (int)(strlen(h5_path) - 3), h5_path);
  assert_contains(out_text, wrote);
  snprintf(wrote, sizeof wrote, "Summary: %s\nFigures: %s/\n", json_path, fig_dir);
  assert_contains(out_text, wrote);
  char *doc = read_summary();
  assert_json_string(doc, "structures.0.role", "protected");
  assert_true(json_is_null(doc, "structures.0.threshold_crossed_s"));
  assert_true(json_number(doc, "structures.0.margin_mm") > 2.0);
  assert_true(json_number(doc, "structures.0.peak_C") < 45.0);
  assert_close(json_number(doc, "structures.0.damaged_fraction"), 0.0, 0.0);
  assert_json_strings(doc, "structures.0.flags", NULL, 0);
  assert_json_strings(doc, "flags", NULL, 0);
  free(doc);
  check_h5(0);
  check_figures(1, 0);
}

/* The nerve beside the probe: the lesion reaches into it and it passes 45 C (exit 1);
 * --quiet prints the safety flags, in words, and nothing else. */
static void overlap_raises_flags(void **state) {
  (void)state;
  clean_outputs();
  RUN(1, "run", CASE, "--set", NERVE_NEAR, "--json", json_path, "--output", h5_path, "--quiet");
  assert_string_equal(err_text, "");
  assert_true(strncmp(out_text, "SAFETY FLAG: the lesion (Omega >= 1) reaches ", 45) == 0);
  assert_contains(out_text, " mm into root [protected_overlap:root]\nSAFETY FLAG: root reached ");
  assert_contains(out_text, "C (limit 45 C) at ");
  assert_contains(out_text, "during RF (first over the limit at ");
  const char *last = strstr(out_text, "[protected_over_threshold:root]\n");
  assert_non_null(last);
  assert_string_equal(last, "[protected_over_threshold:root]\n"); /* nothing after the flags */
  char *doc = read_summary();
  assert_true(json_number(doc, "structures.0.margin_mm") < 0.0);
  assert_true(json_number(doc, "structures.0.peak_C") >= 45.0);
  assert_true(json_number(doc, "structures.0.damaged_fraction") > 0.0);
  double crossed = json_number(doc, "structures.0.threshold_crossed_s");
  assert_true(crossed > 0.0 && crossed <= 10.0);
  static const char *const flags[] = {"protected_overlap", "protected_over_threshold"};
  static const char *const top[] = {"protected_overlap:root", "protected_over_threshold:root"};
  assert_json_strings(doc, "structures.0.flags", flags, 2);
  assert_json_strings(doc, "flags", top, 2);
  assert_json_string(doc, "safety_flags.0.id", "protected_overlap:root");
  assert_json_string(doc, "safety_flags.0.structure", "root");
  assert_json_string(doc, "safety_flags.1.id", "protected_over_threshold:root");
  char words[256];
  snprintf(words, sizeof words, "root reached %.1f C (limit 45 C) at %.1f s, during RF (first over the limit at %.1f s)",
           json_number(doc, "structures.0.peak_C"), json_number(doc, "structures.0.peak_time_s"), crossed);
  assert_json_string(doc, "safety_flags.1.text", words);
  assert_contains(out_text, words);
  assert_true(json_at(doc, "findings") && strncmp(json_at(doc, "findings"), "[]", 2) == 0);
  free(doc);
  check_h5(2);
  /* the terminal summary says the same */
  RUN(1, "run", CASE, "--set", NERVE_NEAR, "--no-output");
  assert_contains(out_text, "Structure 'root' (protected)");
  assert_contains(out_text, " mm into root [protected_overlap:root]\n");
  assert_contains(out_text, "\nSAFETY FLAG: root reached ");
  assert_string_equal(err_text, "");
}

/* A required margin wider than the gap (a safety flag, exit 1); the nerve as a target the
 * lesion does not reach (a finding: reported, exit 0); a thin target beside the probe that
 * the lesion cuts through (nothing, exit 0). */
static void margin_and_coverage_flags(void **state) {
  (void)state;
  clean_outputs();
  RUN(1, "run", CASE, "--set", NERVE_FAR, "--set", "structure:root.margin_mm=20", "--json", json_path,
      "--no-output", "-q");
  char *doc = read_summary();
  static const char *const margin[] = {"protected_within_margin:root"};
  assert_json_strings(doc, "flags", margin, 1);
  free(doc);
  assert_contains(out_text, "inside its required margin of 20 mm [protected_within_margin:root]\n");
  RUN(0, "run", CASE, "--set", NERVE_FAR, "--set", "structure:root.role=target", "--json", json_path,
      "--no-output", "-q");
  doc = read_summary();
  assert_json_string(doc, "structures.0.role", "target");
  assert_json_strings(doc, "flags", NULL, 0);
  assert_json_string(doc, "findings.0.id", "target_not_covered:root");
  assert_json_string(doc, "findings.0.structure", "root");
  char words[256];
  snprintf(words, sizeof words,
           "the lesion (Omega >= 1) does not cut through the whole thickness of root (it stops %.2f mm short of it)",
           json_number(doc, "structures.0.margin_mm"));
  assert_json_string(doc, "findings.0.text", words);
  static const char *const own[] = {"target_not_covered"};
  assert_json_strings(doc, "structures.0.flags", own, 1);
  free(doc);
  char line[400];
  snprintf(line, sizeof line, "Safety flags: none\nFinding (effectiveness, not a safety flag): %s [target_not_covered:root]\n",
           words);
  assert_string_equal(out_text, line); /* -q: the findings too, and nothing else */
  RUN(0, "run", CASE, "--set", "structure:root.points_mm=1.9,0,-12;1.9,0,12", "--set",
      "structure:root.radius_mm=0.3", "--set", "structure:root.role=target", "--json", json_path,
      "--no-output", "-q");
  doc = read_summary();
  assert_true(json_number(doc, "structures.0.margin_mm") < 0.0);
  assert_json_strings(doc, "structures.0.flags", NULL, 0);
  assert_json_strings(doc, "flags", NULL, 0);
  free(doc);
}

/* A temperature above [solver] max_temperature_C is a numerical failure: exit 3 with the
 * solver's message, and neither a summary nor a results file. */
static void sanity_bound_is_a_numerical_failure(void **state) {
  (void)state;
  clean_outputs();
  RUN(3, "run", CASE, "--set", "solver.max_temperature_C=50", "--json", json_path, "--output", h5_path,
      "--figures", fig_dir, "-q");
  assert_contains(err_text, "exceeds the sanity bound");
  assert_string_equal(out_text, "");
  assert_true(file_size(json_path) < 0);
  assert_true(file_size(h5_path) < 0);
}

/* --figure-format svg and both; anything else is a usage error. */
static void figure_formats(void **state) {
  (void)state;
  clean_outputs();
  RUN(0, "run", CASE, "--set", NERVE_FAR, "--no-output", "-q", "--figures", fig_dir, "--figure-format", "svg");
  check_figures(0, 1);
  clean_outputs();
  RUN(0, "run", CASE, "--set", NERVE_FAR, "--no-output", "-q", "--figures", fig_dir, "--figure-format=both");
  check_figures(1, 1);
  RUN(2, "run", CASE, "--figures", fig_dir, "--figure-format", "pdf");
  assert_contains(err_text, "--figure-format: expected png, svg or both, found 'pdf'");
  RUN(0, "run", "--help");
  assert_contains(out_text, "--figure-format FMT");
}

/* A shipped case run for another duration and with a cool-down: its output times follow
 * the run (fields at the end of RF and of the cool-down) and the title states the settings
 * as run, not the case file's. */
static void shipped_case_follows_the_settings(void **state) {
  (void)state;
  clean_outputs();
  RUN(0, "run", RFL_SOURCE_DIR "/cases/reference/rc1.ini", "--set", "generator.duration_s=2", "--set",
      "generator.cooldown_s=1", "--set", "probe.gauge=17", "--json", json_path, "--output", h5_path, "-q");
  char *doc = read_text(json_path);
  if (!doc) fail_msg("no JSON summary %s", json_path);
  assert_json_string(doc, "title", "RC-1: conventional RF, ex vivo muscle (17G 10 mm, 80 C, 2 s + 1 s cool-down)");
  assert_json_string(doc, "name", "RC-1: conventional RF, ex vivo muscle");
  assert_close(json_number(doc, "time_s"), 2.0, 1e-9);
  assert_close(json_number(doc, "after_cooldown.time_s"), 3.0, 1e-9);
  assert_close(json_number(doc, "growth.0.time_s"), 2.0, 1e-9);
  assert_close(json_number(doc, "growth.1.time_s"), 3.0, 1e-9);
  if (json_at(doc, "growth.2")) fail_msg("JSON: more than two growth snapshots");
  free(doc);
  hid_t file = H5Fopen(h5_path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) fail_msg("cannot open %s", h5_path);
  hid_t d = H5Dopen2(file, "/fields/times_s", H5P_DEFAULT);
  double t[3] = {0};
  hid_t sp = H5Dget_space(d);
  assert_int_equal(H5Sget_simple_extent_npoints(sp), 2);
  assert_true(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, t) >= 0);
  assert_close(t[0], 2.0, 1e-9);
  assert_close(t[1], 3.0, 1e-9);
  H5Sclose(sp);
  H5Dclose(d);
  H5Fclose(file);
  clean_outputs(); /* the next test expects none */
}

/* Every output path is checked before the run, and only regular files are replaced: a
 * device node, FIFO or directory under an output name is refused (exit 2) with nothing run
 * and nothing written (a device node used to be replaced by a regular file, and a bad
 * --json path was found only after the run, throwing the HDF5 results away too). */
static void outputs_checked_before_the_run(void **state) {
  (void)state;
  char node[128], fifo[128], link[128], target[128], expected[512];
  snprintf(node, sizeof node, "%s/fullnode", dir);
  snprintf(fifo, sizeof fifo, "%s/fifo", dir);
  snprintf(link, sizeof link, "%s/link.json", dir);
  snprintf(target, sizeof target, "%s/target.json", dir);
  struct stat sb;
  if (mknod(node, S_IFCHR | 0666, makedev(1, 7)) == 0) { /* /dev/full's numbers; needs root */
    RUN(2, "run", CASE, "--no-output", "--json", node);
    snprintf(expected, sizeof expected, "rflesion: --json %s: expected a regular file or a new name to write, found "
             "a character device (rflesion replaces only regular files; give another name)\n", node);
    assert_string_equal(err_text, expected);
    assert_string_equal(out_text, "");
    assert_int_equal(stat(node, &sb), 0);
    assert_true(S_ISCHR(sb.st_mode));
    unlink(node);
  }
  assert_int_equal(mkfifo(fifo, 0666), 0);
  RUN(2, "run", CASE, "--output", fifo);
  snprintf(expected, sizeof expected, "rflesion: --output %s: expected a regular file or a new name to write, found "
           "a FIFO (rflesion replaces only regular files; give another name)\n", fifo);
  assert_string_equal(err_text, expected);
  RUN(2, "run", CASE, "--no-output", "--figures", fifo);
  snprintf(expected, sizeof expected, "rflesion: --figures %s: expected '%s' to be a directory, found a FIFO\n", fifo,
           fifo);
  assert_string_equal(err_text, expected);
  assert_int_equal(stat(fifo, &sb), 0);
  assert_true(S_ISFIFO(sb.st_mode));
  unlink(fifo);

  /* a missing directory for --json: refused at once, the HDF5 file not even started */
  RUN(2, "run", CASE, "--output", h5_path, "--json", "no-such-dir-rfl/x.json");
  assert_string_equal(err_text, "rflesion: --json no-such-dir-rfl/x.json: expected an existing directory "
                                "'no-such-dir-rfl', found none (No such file or directory)\n");
  assert_string_equal(out_text, "");
  assert_int_equal(access(h5_path, F_OK), -1);

  /* a symbolic link stays a link; its target gets the summary */
  FILE *f = fopen(target, "w");
  assert_non_null(f);
  fputs("old\n", f);
  fclose(f);
  assert_int_equal(symlink("target.json", link), 0);
  RUN(0, "run", CASE, "--no-output", "-q", "--json", link, "--set", "generator.duration_s=2", "--set",
      "generator.ramp_s=1", "--set", "output.times_s=2");
  assert_int_equal(lstat(link, &sb), 0);
  assert_true(S_ISLNK(sb.st_mode));
  char *text = read_text(target);
  assert_non_null(text);
  assert_contains(text, "\"lesion\": {");
  free(text);
  unlink(link);
  unlink(target);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: test_cli_run PATH_TO_RFLESION\n");
    return 2;
  }
  binary = argv[1];
  /* under the leak checker the child would list the suppressions it used on stderr */
  const char *lsan = getenv("LSAN_OPTIONS");
  if (lsan) {
    static char opts[1024];
    snprintf(opts, sizeof opts, "%s:print_suppressions=0", lsan);
    setenv("LSAN_OPTIONS", opts, 1);
  }
  snprintf(dir, sizeof dir, "/tmp/rfl_cli_run_%d", (int)getpid());
  if (mkdir(dir, 0700) != 0) {
    perror(dir);
    return 1;
  }
  snprintf(out_path, sizeof out_path, "%s/stdout", dir);
  snprintf(err_path, sizeof err_path, "%s/stderr", dir);
  snprintf(json_path, sizeof json_path, "%s/run.json", dir);
  snprintf(h5_path, sizeof h5_path, "%s/run.h5", dir);
  snprintf(fig_dir, sizeof fig_dir, "%s/figures", dir);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(clear_run_writes_everything),
      cmocka_unit_test(overlap_raises_flags),
      cmocka_unit_test(margin_and_coverage_flags),
      cmocka_unit_test(sanity_bound_is_a_numerical_failure),
      cmocka_unit_test(figure_formats),
      cmocka_unit_test(shipped_case_follows_the_settings),
      cmocka_unit_test(outputs_checked_before_the_run),
  };
  int failed = cmocka_run_group_tests(tests, NULL, NULL);
  free(out_text);
  free(err_text);
  clean_outputs();
  unlink(out_path);
  unlink(err_path);
  rmdir(fig_dir);
  rmdir(dir);
  return failed;
}
