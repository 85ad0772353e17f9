// SPDX-License-Identifier: BSD-3-Clause
/* The checks across keys of a built case: grid and voxel file, probes, structures, the
 * generator and physics, output times, memory, and the automatic discretisation. Each
 * says what was expected and what was found, at the line of the key to change. */
#define _XOPEN_SOURCE 700 /* realpath() */
#include "case_reading.h"

#include <errno.h>
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "discretisation.h"
#include "generator.h"
#include "grid_estimate.h"
#include "probe.h"

/* The keys the grid's size depends on. */
#define GRID_DEPS "grid.domain_min_mm grid.domain_max_mm grid.spacing_mm grid.fine_min_mm " \
                  "grid.fine_max_mm grid.growth"

static int structure_meets_domain(const rfl_shape *s, const rfl_grid_spec *g) {
  if (s->kind == RFL_SHAPE_HALFSPACE) {
    for (int corner = 0; corner < 8; corner++) {
      rfl_vec3 p = rfl_vec3_make(corner & 1 ? g->domain_max.x : g->domain_min.x,
                                 corner & 2 ? g->domain_max.y : g->domain_min.y,
                                 corner & 4 ? g->domain_max.z : g->domain_min.z);
      if (rfl_vec3_dot(rfl_vec3_sub(p, s->point), s->normal) < 0.0) return 1;
    }
    return 0;
  }
  rfl_vec3 lo, hi;
  rfl_shape_bounds(s, &lo, &hi);
  return lo.x < g->domain_max.x && hi.x > g->domain_min.x && lo.y < g->domain_max.y &&
         hi.y > g->domain_min.y && lo.z < g->domain_max.z && hi.z > g->domain_min.z;
}

static int inside_box(rfl_vec3 p, rfl_vec3 lo, rfl_vec3 hi) {
  return p.x > lo.x && p.x < hi.x && p.y > lo.y && p.y < hi.y && p.z > lo.z && p.z < hi.z;
}

/* Inside, or on a mirror plane of the domain (a probe axis lies there under symmetry). */
static int inside_domain(rfl_vec3 p, const rfl_grid_spec *g) {
  rfl_vec3 lo = g->domain_min;
  const double eps = 1e-9;
  if (g->symmetry & RFL_SYMMETRY_X) lo.x -= eps;
  if (g->symmetry & RFL_SYMMETRY_Y) lo.y -= eps;
  return inside_box(p, lo, g->domain_max);
}

static const char *domain_text(const rfl_grid_spec *g, char *buf, size_t size) {
  snprintf(buf, size, "[%g, %g] x [%g, %g] x [%g, %g] mm", g->domain_min.x * 1e3,
           g->domain_max.x * 1e3, g->domain_min.y * 1e3, g->domain_max.y * 1e3,
           g->domain_min.z * 1e3, g->domain_max.z * 1e3);
  return buf;
}

/* Whether f (size bytes) carries the HDF5 signature where HDF5 looks for it: at offset 0,
 * 512, 1024, 2048, ... (a user block may precede the superblock). */
static int has_hdf5_signature(FILE *f, double size) {
  static const unsigned char sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  unsigned char buf[8];
  for (double off = 0.0; off + 8.0 <= size; off = off > 0.0 ? 2.0 * off : 512.0) {
    if (fseeko(f, (off_t)off, SEEK_SET) != 0 || fread(buf, 1, 8, f) != 8) return 0;
    if (memcmp(buf, sig, 8) == 0) return 1;
  }
  return 0;
}

/* The cell counts the grid builder accepts (the estimate is the builder's count to within
 * a cell or two of graded rounding per side). */
static rfl_status check_grid_size(reader *r) {
  const rfl_grid_spec *g = &r->c.grid;
  double n[3], cells = 1.0;
  for (int a = 0; a < 3; a++) cells *= n[a] = rfl_case_axis_estimate(g, a);
  for (int a = 0; a < 3; a++)
    if (n[a] > RFL_CASE_MAX_CELLS_PER_AXIS) {
      reader_blame_sets(r, -1, GRID_DEPS);
      return reader_fail_key(r, S_GRID, "spacing_mm",
                             "expected at most %d cells along each axis, found '%s' giving %.0f cells "
                             "along %c%s", RFL_CASE_MAX_CELLS_PER_AXIS,
                             reader_found_text(r, S_GRID, "spacing_mm", "0.2"), n[a], "xyz"[a],
                             g->growth > 1.0 ? " (fine box and graded cells)" : "");
    }
  if (cells > RFL_CASE_MAX_CELLS) {
    reader_blame_sets(r, -1, GRID_DEPS);
    return reader_fail_key(r, S_GRID, "spacing_mm",
                           "expected a grid of at most %.0g cells, found '%s' giving %.0f x %.0f x %.0f "
                           "= %.3g cells", RFL_CASE_MAX_CELLS, reader_found_text(r, S_GRID, "spacing_mm", "0.2"),
                           n[0], n[1], n[2], cells);
  }
  return RFL_OK;
}

/* The warning for an HDF5 volume that does not overlap the domain at all. */
static void warn_volume_outside(reader *r, const entry_rec *vf, const rfl_case_voxel_header *h) {
  const rfl_grid_spec *g = &r->c.grid;
  char buf[128], buf2[128];
  rfl_vec3 lo = h->origin;
  rfl_vec3 hi = rfl_vec3_make(lo.x + h->n[0] * h->spacing.x, lo.y + h->n[1] * h->spacing.y,
                              lo.z + h->n[2] * h->spacing.z);
  if (lo.x < g->domain_max.x && hi.x > g->domain_min.x && lo.y < g->domain_max.y &&
      hi.y > g->domain_min.y && lo.z < g->domain_max.z && hi.z > g->domain_min.z)
    return;
  rfl_grid_spec vol = *g;
  vol.domain_min = lo;
  vol.domain_max = hi;
  reader_warn(r, vf->line, vf->set, "[grid] voxel_file: the volume %s does not overlap the domain "
              "%s; no cell takes a voxel label", domain_text(&vol, buf, sizeof buf),
              domain_text(g, buf2, sizeof buf2));
}

/* [grid] voxel_file: a readable HDF5 file or a NIfTI image, its header checked by the caller's
 * rfl_case_voxel_check when there is one; stored as an absolute path. */
static rfl_status check_voxel_file(reader *r) {
  rfl_grid_spec *g = &r->c.grid;
  entry_rec *vf = reader_find_entry_kind(r, S_GRID, "voxel_file");
  entry_rec *vl = reader_find_entry_kind(r, S_GRID, "voxel_labels");
  if (vl && !vf) return reader_fail_key(r, S_GRID, "voxel_file", "expected a voxel file for voxel_labels, found none");
  if (vf && !vl) return reader_fail_key(r, S_GRID, "voxel_labels", "expected 'label:material, ...' for voxel_file, found none");
  if (!vf) return RFL_OK;
  char path[2 * RFL_PATH_MAX];
  if (vf->text[0] == '/' || r->dir[0] == '\0')
    snprintf(path, sizeof path, "%s", vf->text);
  else
    snprintf(path, sizeof path, "%s/%s", r->dir, vf->text);
  if (strlen(path) >= sizeof g->voxel_file)
    return reader_fail_expected(r, vf, "a shorter path");
  struct stat st;
  if (stat(path, &st) != 0)
    return reader_fail_entry(r, vf, "expected a readable file, found '%s' (%s)", vf->text, strerror(errno));
  if (!S_ISREG(st.st_mode))
    return reader_fail_entry(r, vf, "expected a readable file, found '%s' (not a regular file)", vf->text);
  FILE *f = fopen(path, "rb");
  if (!f)
    return reader_fail_entry(r, vf, "expected a readable file, found '%s' (%s)", vf->text, strerror(errno));
  int nifti = rfl_case_voxel_file_is_nifti(path);
  int hdf5 = nifti || has_hdf5_signature(f, (double)st.st_size);
  fclose(f);
  if (!hdf5)
    return reader_fail_entry(r, vf, "expected an HDF5 file, found '%s' (no HDF5 signature)", vf->text);
  entry_rec *ds = reader_find_entry_kind(r, S_GRID, "voxel_dataset");
  if (nifti && ds)
    return reader_fail_entry(r, ds, "expected no dataset with the NIfTI image '%s', found '%s'",
                             vf->text, ds->text);
  if (r->opt && r->opt->voxel_check) {
    rfl_case_voxel_header h;
    char problem[RFL_PATH_MAX + 256];
    int bad = r->opt->voxel_check(path, g->voxel_dataset, &h, problem, sizeof problem);
    reader_blame_sets(r, -1, "grid.voxel_file grid.voxel_dataset");
    if (bad == RFL_CASE_VOXEL_BAD_DATASET)
      return reader_fail_entry(r, ds ? ds : vf, "expected a dataset of '%s', found '%s' (no such dataset)",
                               vf->text, g->voxel_dataset);
    if (bad != RFL_CASE_VOXEL_OK && nifti)
      return reader_fail_entry(r, vf, "%s, in '%s'", problem, vf->text);
    if (bad != RFL_CASE_VOXEL_OK) return reader_fail_entry(r, vf, "%s", problem);
    r->after = NULL;
    r->voxel = h;
    r->voxel_known = 1;
    if (!nifti) warn_volume_outside(r, vf, &h); /* an image must cover the probes instead */
  }
  char *abs = realpath(path, NULL); /* absolute, so a written case reads back anywhere */
  const char *keep = abs && strlen(abs) < sizeof g->voxel_file ? abs : path;
  memcpy(g->voxel_file, keep, strlen(keep) + 1);
  free(abs);
  return RFL_OK;
}

rfl_status reader_check_grid(reader *r) {
  rfl_grid_spec *g = &r->c.grid;
  char buf[128], buf2[128];
  int fine_given = reader_find_entry_kind(r, S_GRID, "fine_min_mm") || reader_find_entry_kind(r, S_GRID, "fine_max_mm");
  if (!g->auto_fine_box && !reader_find_entry_kind(r, S_GRID, "fine_min_mm")) g->fine_min = g->domain_min;
  if (!g->auto_fine_box && !reader_find_entry_kind(r, S_GRID, "fine_max_mm")) g->fine_max = g->domain_max;
  reader_blame_sets(r, -1, GRID_DEPS);
  for (int a = 0; a < 3; a++)
    if (!(rfl_vec3_get(g->domain_max, a) > rfl_vec3_get(g->domain_min, a)))
      return reader_fail_key(r, S_GRID, reader_find_entry_kind(r, S_GRID, "domain_max_mm") ? "domain_max_mm" : "domain_min_mm",
                             "expected domain_max_mm greater than domain_min_mm in each coordinate, "
                             "found '%s' and '%s'",
                             reader_vec_text(g->domain_min, 1e-3, buf, sizeof buf),
                             reader_vec_text(g->domain_max, 1e-3, buf2, sizeof buf2));
  double extent = INFINITY;
  for (int a = 0; a < 3; a++)
    extent = fmin(extent, rfl_vec3_get(g->domain_max, a) - rfl_vec3_get(g->domain_min, a));
  if (g->spacing > extent / 4.0)
    return reader_fail_key(r, S_GRID, "spacing_mm",
                           "expected at most a quarter of the smallest domain extent (%g mm), found '%s'",
                           extent * 1e3 / 4.0, reader_found_text(r, S_GRID, "spacing_mm", "0.2"));
  for (int a = 0; a < 3; a++) {
    double lo = rfl_vec3_get(g->domain_min, a), hi = rfl_vec3_get(g->domain_max, a);
    double flo = rfl_vec3_get(g->fine_min, a), fhi = rfl_vec3_get(g->fine_max, a);
    const char *key = (flo < lo - 1e-12 || flo >= fhi) ? "fine_min_mm" : "fine_max_mm";
    if (flo < lo - 1e-12 || fhi > hi + 1e-12 || !(fhi > flo)) {
      rfl_vec3 dflt = strcmp(key, "fine_min_mm") == 0 ? g->fine_min : g->fine_max;
      return reader_fail_key(r, S_GRID, key,
                             "expected a fine box inside the domain %s with fine_min_mm < fine_max_mm, "
                             "found '%s'",
                             domain_text(g, buf, sizeof buf),
                             reader_found_text(r, S_GRID, key, reader_vec_text(dflt, 1e-3, buf2, sizeof buf2)));
    }
  }
  int smaller = 0;
  for (int a = 0; a < 3; a++)
    smaller |= rfl_vec3_get(g->fine_min, a) > rfl_vec3_get(g->domain_min, a) + 1e-12 ||
               rfl_vec3_get(g->fine_max, a) < rfl_vec3_get(g->domain_max, a) - 1e-12;
  if (g->growth > 1.0 && !smaller)
    return reader_fail_key(r, S_GRID, "growth",
                           "expected 1 (uniform) unless fine_min_mm and fine_max_mm give a fine box "
                           "smaller than the domain, found '%s'", reader_found_text(r, S_GRID, "growth", "1"));
  r->after = NULL;
  if (fine_given && smaller && g->growth <= 1.0) {
    entry_rec *e = reader_find_entry_kind(r, S_GRID, "fine_min_mm");
    if (!e) e = reader_find_entry_kind(r, S_GRID, "fine_max_mm");
    reader_warn(r, e->line, e->set, "[grid] %s: the fine box has no effect with growth = 1 (the grid "
                "is uniform)", e->spec->name);
  }
  for (int a = 0; a < 3; a++) {
    double w = (rfl_vec3_get(g->fine_max, a) - rfl_vec3_get(g->fine_min, a)) / g->spacing;
    if (smaller && !g->auto_fine_box && fabs(w - floor(w + 0.5)) > 1e-6) {
      int line;
      const char *set;
      reader_key_origin(r, reader_find_section(r, S_GRID, ""), "fine_max_mm", &line, &set);
      reader_warn(r, line, set, "[grid] fine_max_mm: the fine box is not a whole number of cells "
                  "(%.6g cells along %c); the grid will adjust it", w, "xyz"[a]);
      break;
    }
  }
  RFL_CHECK(check_grid_size(r));
  return check_voxel_file(r);
}

/* A probe's size: gauge or diameter (one of them), and a tip no shorter than its radius
 * when round. */
static rfl_status check_probe_size(reader *r, int kind, int sec, rfl_probe *pr) {
  entry_rec *gauge = reader_find_entry(r, sec, "gauge"), *diam = reader_find_entry(r, sec, "diameter_mm");
  if (gauge && diam) return reader_fail_both(r, gauge, diam, "gauge or diameter_mm");
  if (!gauge && !diam) return reader_missing_key(r, sec, "gauge", " (or 'diameter_mm')");
  if (gauge) {
    pr->radius = rfl_probe_gauge_radius(pr->gauge);
    if (!(pr->radius > 0.0)) return reader_fail_expected(r, gauge, "a gauge of the needle table (10 to 30)");
  } else {
    pr->gauge = 0;
  }
  if (!reader_find_entry(r, sec, "tip_length_mm")) return reader_missing_key(r, sec, "tip_length_mm", "");
  reader_blame_probe(r, kind, "gauge diameter_mm tip_shape", "");
  if (pr->tip_shape == RFL_TIP_ROUND && pr->tip_length < pr->radius)
    return reader_fail_entry(r, reader_find_entry(r, sec, "tip_length_mm"),
                             "expected at least the probe radius (%g mm) for a round tip, found '%s'",
                             pr->radius * 1e3, reader_find_entry(r, sec, "tip_length_mm")->text);
  return RFL_OK;
}

/* A probe's place: its tip inside the domain, its axis in every mirror plane. */
static rfl_status check_probe_place(reader *r, int kind, int sec, const rfl_probe *pr) {
  const rfl_case *c = &r->c;
  char buf[128], buf2[128];
  reader_blame_probe(r, kind, "tip_mm", "grid.domain_min_mm grid.domain_max_mm grid.symmetry");
  if (!inside_domain(pr->tip, &c->grid)) {
    entry_rec *t = reader_find_entry(r, sec, "tip_mm");
    return reader_fail_key(r, kind, "tip_mm", "expected a point inside the domain %s, found '%s'",
                           domain_text(&c->grid, buf, sizeof buf),
                           t ? t->text : reader_vec_text(pr->tip, 1e-3, buf2, sizeof buf2));
  }
  rfl_vec3 end = rfl_vec3_add(pr->tip, rfl_vec3_scale(pr->direction, pr->tip_length));
  if (!inside_domain(end, &c->grid)) {
    int line;
    const char *set;
    reader_key_origin(r, sec, "tip_mm", &line, &set);
    reader_warn(r, line, set, "[%s] tip_mm: the active tip leaves the domain", sections_table[kind].word);
  }
  reader_blame_probe(r, kind, "tip_mm direction", "grid.symmetry grid.domain_min_mm");
  for (int a = 0; a < 2; ++a) {
    if (!(c->grid.symmetry & (a == 0 ? RFL_SYMMETRY_X : RFL_SYMMETRY_Y))) continue;
    double plane = rfl_vec3_get(c->grid.domain_min, a);
    if (fabs(rfl_vec3_get(pr->tip, a) - plane) > 1e-9 || fabs(rfl_vec3_get(pr->direction, a)) > 1e-9)
      return reader_fail_key(r, S_GRID, "symmetry",
                             "expected the axis of [%s] to lie in the mirror plane %c = %g mm (tip %c and "
                             "direction %c component), found '%s' with tip_mm %s",
                             sections_table[kind].word, "xy"[a], plane * 1e3, "xy"[a], "xy"[a],
                             reader_found_text(r, S_GRID, "symmetry", "none"),
                             reader_vec_text(pr->tip, 1e-3, buf2, sizeof buf2));
  }
  return RFL_OK;
}

/* 3 cells per probe radius at its tip; the spacing to type when the tip is in the fine box. */
static rfl_status check_probe_cells(reader *r, int kind, const rfl_probe *pr) {
  const rfl_case *c = &r->c;
  reader_blame_probe(r, kind, "gauge diameter_mm tip_mm", GRID_DEPS);
  double h = rfl_case_local_spacing(&c->grid, pr->tip);
  double cpr = pr->radius / h;
  if (cpr < 3.0 - 1e-9) {
    /* a tip in the fine box needs a finer spacing: say exactly which one to type */
    char advice[96] = "";
    if (h <= c->grid.spacing * (1.0 + 1e-9)) {
      double most = pr->radius * 1e3 / 3.0, step = pow(10.0, floor(log10(most)) - 2.0);
      snprintf(advice, sizeof advice, "; for this probe type --set grid.spacing_mm=%.3g",
               floor(most / step) * step);
    }
    return reader_fail_key(r, S_GRID, "spacing_mm",
                           "expected cells of at most %.4g mm at the tip of [%s] (3 cells per radius "
                           "%g mm), found '%s' (%.3g cells per radius; cell at the tip %.4g mm)%s",
                           pr->radius * 1e3 / 3.0, sections_table[kind].word, pr->radius * 1e3,
                           reader_found_text(r, S_GRID, "spacing_mm", "0.2"), cpr, h * 1e3, advice);
  }
  return RFL_OK;
}

rfl_status reader_check_probes(reader *r) {
  rfl_case *c = &r->c;
  for (int p = 0; p < c->nprobes; p++) {
    int kind = p == 0 ? S_PROBE : S_RETURN_PROBE;
    int sec = reader_find_section(r, kind, "");
    rfl_probe *pr = &c->probes[p];
    RFL_CHECK(check_probe_size(r, kind, sec, pr));
    RFL_CHECK(check_probe_place(r, kind, sec, pr));
    RFL_CHECK(check_probe_cells(r, kind, pr));
    r->after = NULL;
    static const char *const cooling_keys[] = {"coolant_C", "cooling_h_W_m2K"};
    for (int i = 0; i < 2 && !pr->cooled; i++) {
      entry_rec *e = reader_find_entry(r, sec, cooling_keys[i]);
      if (e)
        reader_warn(r, e->line, e->set, "[%s] %s: ignored because cooled = no", sections_table[kind].word,
                    cooling_keys[i]);
    }
  }
  if (c->nprobes == 2) {
    double d = rfl_vec3_norm(rfl_vec3_sub(c->probes[0].tip, c->probes[1].tip));
    if (d < c->probes[0].radius + c->probes[1].radius) {
      int line;
      const char *set;
      reader_key_origin(r, reader_find_section(r, S_RETURN_PROBE, ""), "tip_mm", &line, &set);
      reader_warn(r, line, set, "[return_probe] tip_mm: the return probe's tip touches the active probe");
    }
  }
  return RFL_OK;
}

rfl_status reader_check_structures(reader *r) {
  rfl_case *c = &r->c;
  char buf[128];
  int n = 0;
  for (int s = 0; s < r->nsections; s++) {
    if (r->sections[s].kind != S_STRUCTURE) continue;
    const rfl_structure *st = &c->structures[n++];
    if (!structure_meets_domain(&st->shape, &c->grid)) {
      reader_blame_sets(r, s, "grid.domain_min_mm grid.domain_max_mm");
      static const char *const key[] = {"min_mm", "centre_mm", "points_mm", "points_mm", "point_mm"};
      entry_rec *e = reader_find_entry(r, s, key[st->shape.kind]);
      return reader_fail_entry(r, e, "expected a structure overlapping the domain %s, found '%s' "
                               "(entirely outside)", domain_text(&c->grid, buf, sizeof buf), e->text);
    }
  }
  return RFL_OK;
}

/* The section kind of a section word (unnamed sections). */
static int section_kind(const char *word) {
  for (int k = 0; k < S_COUNT; k++)
    if (strcmp(sections_table[k].word, word) == 0) return k;
  return -1;
}

/* rfl_case_check for the generator modes: their messages at the lines of their keys. */
static void check_warn(rfl_case_check *chk, const char *section, const char *key, const char *message) {
  reader *r = chk->reader;
  int line;
  const char *set;
  reader_key_origin(r, reader_find_section(r, section_kind(section), ""), key, &line, &set);
  reader_warn(r, line, set, "[%s] %s: %s", section, key, message);
}

static rfl_status check_fail(rfl_case_check *chk, const char *section, const char *key, const char *blame,
                             const char *expected, const char *shown_default) {
  reader *r = chk->reader;
  int kind = section_kind(section);
  reader_blame_sets(r, -1, blame);
  return reader_fail_key(r, kind, key, "expected %s, found '%s'", expected,
                         reader_found_text(r, kind, key, shown_default));
}

rfl_status reader_check_physics(reader *r) {
  rfl_case *c = &r->c;
  rfl_generator *g = &c->generator;
  if (!(c->physics.desiccation_end_C > c->physics.desiccation_start_C)) {
    reader_blame_sets(r, -1, "physics.desiccation_start_C");
    return reader_fail_key(r, S_PHYSICS, "desiccation_end_C",
                           "expected a temperature above desiccation_start_C (%g C), found '%s'",
                           c->physics.desiccation_start_C,
                           reader_found_text(r, S_PHYSICS, "desiccation_end_C", "100"));
  }
  int gsec = reader_find_section(r, S_GENERATOR, "");
  const rfl_generator_type *mode = rfl_generator_type_of(g);
  if (mode->required && !reader_find_entry_kind(r, S_GENERATOR, mode->required)) {
    char why[64];
    snprintf(why, sizeof why, " (mode = %s)", mode->name);
    reader_blame_sets(r, -1, "generator.mode");
    if (gsec >= 0) return reader_missing_key(r, gsec, mode->required, why);
    return reader_fail(r, 0, NULL, "[generator]: missing required key '%s'%s", mode->required, why);
  }
  for (const key_spec *k = generator_keys; k->name; k++) {
    entry_rec *e = reader_find_entry_kind(r, S_GENERATOR, k->name);
    const rfl_generator_type *owner = rfl_generator_key_owner(k->name);
    if (e && owner && owner != mode)
      reader_warn(r, e->line, e->set, "[generator] %s: ignored in mode = %s", k->name, mode->name);
  }
  rfl_case_check chk = {r, check_warn, check_fail};
  RFL_CHECK(rfl_generator_check(c, &chk));
  int line;
  const char *set;
  if (c->solver.dt_s > g->duration_s) {
    reader_key_origin(r, reader_find_section(r, S_SOLVER, ""), "dt_s", &line, &set);
    reader_warn(r, line, set, "[solver] dt_s: %g s is longer than the whole RF duration (%g s)",
                c->solver.dt_s, g->duration_s);
  }
  return RFL_OK;
}

/* Resolve [output] times_s against the generator's schedule; a time past the run says
 * what to type instead. */
rfl_status reader_check_output(reader *r) {
  rfl_output_settings *o = &r->c.output;
  const rfl_generator *g = &r->c.generator;
  const double end = g->duration_s + g->cooldown_s;
  entry_rec *e = reader_find_entry_kind(r, S_OUTPUT, "times_s");
  int n = rfl_output_times_resolve(o->items, o->nitems, g->duration_s, g->cooldown_s, o->times_s);
  if (n < 0 && e) {
    char item[64], prev[64];
    rfl_output_time_text(&o->items[-n - 1], item, sizeof item);
    rfl_output_time_text(&o->items[-n - 2], prev, sizeof prev);
    reader_blame_sets(r, -1, "generator.duration_s generator.cooldown_s");
    return reader_fail_entry(r, e, "expected increasing times, found '%s' (%s = %g s comes after %s = %g s)",
                             e->text, item, rfl_output_time_seconds(&o->items[-n - 1], g->duration_s, g->cooldown_s),
                             prev, rfl_output_time_seconds(&o->items[-n - 2], g->duration_s, g->cooldown_s));
  }
  o->ntimes = n < 0 ? 0 : n;
  for (int i = 0; e && i < o->ntimes; i++)
    if (o->times_s[i] > end * (1.0 + 1e-12)) {
      reader_blame_sets(r, -1, "generator.duration_s generator.cooldown_s");
      return reader_fail_entry(r, e,
                               "expected times in [0, %g] s (duration_s + cooldown_s), found '%s'; for "
                               "times that follow the run type --set output.times_s=%s (or fractions "
                               "such as 0.5*rf_end)",
                               end, e->text, g->cooldown_s > 0.0 ? "rf_end,end" : "rf_end");
    }
  return RFL_OK;
}

/* The finest spacing (mm, 3 digits) from the current one up to coarsest_mm whose run fits
 * in limit, found by bisection on the estimate; 0 when not even coarsest_mm fits. */
static double fits_spacing(reader *r, double coarsest_mm, double limit) {
  const rfl_case_read_options *opt = r->opt;
  rfl_case *trial = malloc(sizeof *trial);
  if (!trial) return 0.0;
  *trial = r->c;
  double lo = r->c.grid.spacing * 1e3, hi = coarsest_mm, need;
  trial->grid.spacing = hi * 1e-3;
  need = opt->memory_estimate(trial, opt->memory_ctx);
  if (!(need > 0.0 && need <= limit) || !(hi > lo)) hi = 0.0;
  while (hi > 0.0 && hi - lo > 0.0015) { /* lo does not fit, hi does */
    double mid = 0.5 * (lo + hi);
    trial->grid.spacing = mid * 1e-3;
    need = opt->memory_estimate(trial, opt->memory_ctx);
    if (need > 0.0 && need <= limit) hi = mid;
    else lo = mid;
  }
  free(trial);
  if (hi <= 0.0) return 0.0;
  double rounded = ceil(hi * 1e3 - 1e-9) / 1e3; /* whole micrometres, still fits if coarser */
  return rounded <= coarsest_mm ? rounded : coarsest_mm;
}

/* "1.5 GiB" or "300 MiB" */
static const char *bytes_text(double bytes, char *buf, size_t size) {
  const double mib = 1024.0 * 1024.0;
  if (bytes >= 1024.0 * mib)
    snprintf(buf, size, "%.3g GiB", bytes / (1024.0 * mib));
  else
    snprintf(buf, size, "%.0f MiB", bytes / mib);
  return buf;
}

/* The run's estimated memory against the limit that applies; the message says both, where
 * the limit comes from, and what to change (a spacing that fits, found by asking the
 * estimate again, unless the electrode needs finer cells than that). */
rfl_status reader_check_memory(reader *r) {
  const rfl_case_read_options *opt = r->opt;
  if (!opt || !opt->memory_estimate || !(opt->memory_limit > 0.0)) return RFL_OK;
  const double limit = opt->memory_limit, need = opt->memory_estimate(&r->c, opt->memory_ctx);
  if (!(need > limit)) return RFL_OK;
  char advice[256];
  double finest = r->c.probes[0].radius / 3.0; /* cells the electrode needs at its tip */
  for (int p = 1; p < r->c.nprobes; p++)
    if (r->c.probes[p].radius / 3.0 < finest) finest = r->c.probes[p].radius / 3.0;
  /* a spacing that fits, no coarser than the electrode allows */
  double fits_mm = fits_spacing(r, floor(finest * 1e6) / 1e3, limit);
  if (fits_mm > 0.0)
    snprintf(advice, sizeof advice, "type --set grid.spacing_mm=%.3g, or shrink the fine box or "
             "the domain", fits_mm);
  else
    snprintf(advice, sizeof advice, "shrink the fine box or the domain (the electrode needs cells "
             "of at most %.3g mm at its tip), or run with more memory", finest * 1e3);
  int n[3];
  double cells = rfl_case_estimate_cells(&r->c.grid, n);
  char need_text[32], limit_text[32];
  if (r->c.grid.auto_spacing) {
    /* the grid follows the accuracy target: name the finest target that fits */
    reader_blame_sets(r, S_SOLVER, GRID_DEPS);
    entry_rec *acc = reader_find_entry_kind(r, S_SOLVER, "accuracy_mm");
    char found[64];
    snprintf(found, sizeof found, "%s", acc ? acc->text : "0.1");
    if (fits_mm > 0.0) {
      /* in whole micrometres, rounded up: the target typed back must fit */
      double fits_acc = ceil(rfl_discretisation_accuracy_for_spacing(&r->c, fits_mm * 1e-3) * 1e6) / 1e3;
      snprintf(advice, sizeof advice, "the finest accuracy that fits is %.3g mm (--accuracy %.3g)",
               fits_acc, fits_acc);
    }
    return reader_fail_key(r, S_SOLVER, "accuracy_mm",
                           "expected an accuracy target whose grid fits in memory, found '%s' giving "
                           "%.3g mm cells, %.3g cells and an estimated %s, over the limit of %s (%s); %s",
                           found, r->c.grid.spacing * 1e3, cells, bytes_text(need, need_text, sizeof need_text),
                           bytes_text(limit, limit_text, sizeof limit_text),
                           opt->memory_limit_source ? opt->memory_limit_source : "given", advice);
  }
  reader_blame_sets(r, -1, GRID_DEPS);
  return reader_fail_key(r, S_GRID, "spacing_mm",
                         "expected a grid whose run fits in memory, found '%s' giving %.3g cells and an "
                         "estimated %s, over the limit of %s (%s); %s",
                         reader_found_text(r, S_GRID, "spacing_mm", "0.2"), cells,
                         bytes_text(need, need_text, sizeof need_text),
                         bytes_text(limit, limit_text, sizeof limit_text),
                         opt->memory_limit_source ? opt->memory_limit_source : "given", advice);
}
