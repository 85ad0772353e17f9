// SPDX-License-Identifier: BSD-3-Clause
/* Building the case from the entries: the materials (library, [material] sections and
 * the names that use them) and the structures with their shapes. */
#include "case_reading.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini_text.h"
#include "material_library.h"

/* Text of a key's value for messages: as written, or the default. */
const char *reader_found_text(reader *r, int kind, const char *key, const char *dflt) {
  entry_rec *e = reader_find_entry_kind(r, kind, key);
  return e ? e->text : dflt;
}

static int find_work(const reader *r, const char *name) {
  for (int i = 0; i < r->nwork; i++)
    if (strcmp(r->work[i].name, name) == 0) return i;
  return -1;
}

rfl_status reader_build_materials(reader *r) {
  r->nwork = 0;
  for (int i = 0; i < rfl_material_library_count(); i++) {
    r->work[r->nwork] = *rfl_material_library_get(i);
    r->work_user[r->nwork] = -1;
    r->work_used[r->nwork++] = 0;
  }
  for (int s = 0; s < r->nsections; s++) {
    if (r->sections[s].kind != S_MATERIAL) continue;
    int w = find_work(r, r->sections[s].name);
    if (w < 0) {
      w = r->nwork++;
      memset(&r->work[w], 0, sizeof r->work[w]);
      snprintf(r->work[w].name, sizeof r->work[w].name, "%s", r->sections[s].name);
      r->work_used[w] = 0;
      entry_rec *kind = reader_find_entry(r, s, "kind");
      if (!kind) return reader_missing_key(r, s, "kind", " (a material not in the library needs every property)");
      int metal = (int)kind->num == RFL_MATERIAL_METAL;
      int nreq = metal ? MATERIAL_METAL_KEYS : case_keys_count(material_keys) - MATERIAL_OPTIONAL_KEYS;
      for (int k = 0; k < nreq; k++)
        if (!reader_find_entry(r, s, material_keys[k].name))
          return reader_missing_key(r, s, material_keys[k].name,
                                    metal ? " (a new metal needs kind, rho_kg_m3, c_J_kgK, k_W_mK, "
                                     "dk_dT_percent_per_C)"
                                   : " (a material not in the library needs every property)");
    }
    r->work_user[w] = s;
    for (int i = 0; i < r->nentries; i++)
      if (r->entries[i].sec == s) reader_apply_entry(&r->entries[i], &r->work[w]);
  }
  return RFL_OK;
}

/* Index in the case of the material called name, adding it on first use. e may be NULL
 * (a default name). */
static rfl_status use_material(reader *r, const char *name, const entry_rec *e, int *out) {
  rfl_case *c = &r->c;
  int w = find_work(r, name);
  if (w < 0) {
    near_miss nm = {NULL, 0, name};
    for (int i = 0; i < r->nwork; i++) reader_near_consider(&nm, r->work[i].name);
    char what[512];
    if (nm.best)
      snprintf(what, sizeof what, "a known material (did you mean '%s'?)", nm.best);
    else
      snprintf(what, sizeof what,
               "a built-in material (muscle, fat, nerve, bone_cortical, bone_cancellous, "
               "intervertebral_disc, cerebrospinal_fluid, tendon, cartilage, liver, "
               "connective_tissue, skin, dura, blood, steel) or one defined in a "
               "[material NAME] section");
    return e ? reader_fail_expected(r, e, what) : reader_fail(r, 0, NULL, "unknown material '%s'", name);
  }
  if (!r->work_used[w]) {
    if (c->nmaterials >= RFL_MAX_MATERIALS) {
      if (e) return reader_fail_entry(r, e, "expected at most %d materials in use, found more ('%s')",
                                      RFL_MAX_MATERIALS, name);
      return reader_fail(r, 0, NULL, "expected at most %d materials in use, found more", RFL_MAX_MATERIALS);
    }
    c->materials[c->nmaterials] = r->work[w];
    r->work_used[w] = ++c->nmaterials;
  }
  *out = r->work_used[w] - 1;
  return RFL_OK;
}

rfl_status reader_resolve_materials(reader *r) {
  rfl_case *c = &r->c;
  c->nmaterials = 0;
  entry_rec *bg = reader_find_entry_kind(r, S_TISSUE, "background");
  RFL_CHECK(use_material(r, bg ? bg->text : "muscle", bg, &c->background_material));
  if (c->materials[c->background_material].kind != RFL_MATERIAL_TISSUE)
    return bg ? reader_fail_expected(r, bg, "a tissue material (not a metal)")
              : reader_fail_key(r, S_TISSUE, "background",
                                "expected a tissue material, found 'muscle' (default, a metal here)");
  for (int p = 0; p < c->nprobes; p++) {
    entry_rec *m = reader_find_entry_kind(r, p == 0 ? S_PROBE : S_RETURN_PROBE, "material");
    RFL_CHECK(use_material(r, m ? m->text : "steel", m, &c->probes[p].material));
    if (c->materials[c->probes[p].material].kind != RFL_MATERIAL_METAL)
      return m ? reader_fail_expected(r, m, "a metal material for the electrode body")
               : reader_fail_key(r, p == 0 ? S_PROBE : S_RETURN_PROBE, "material",
                                 "expected a metal material, found 'steel' (default, a tissue here)");
  }
  int n = 0;
  for (int s = 0; s < r->nsections; s++) {
    if (r->sections[s].kind != S_STRUCTURE) continue;
    entry_rec *m = reader_find_entry(r, s, "material");
    RFL_CHECK(use_material(r, m->text, m, &c->structures[n].material));
    if (c->materials[c->structures[n].material].kind == RFL_MATERIAL_METAL)
      reader_warn(r, m->line, m->set, "[structure %s] material: '%s' is a metal; it conducts heat but "
                  "carries no current of its own", r->sections[s].name, m->text);
    n++;
  }
  entry_rec *labels = reader_find_entry_kind(r, S_GRID, "voxel_labels");
  if (labels) {
    char tmp[RFL_CASE_MAX_LINE + 1];
    char *parts[257];
    snprintf(tmp, sizeof tmp, "%s", labels->text);
    int np = reader_split(tmp, ',', parts, 256);
    for (int i = 0; i < np && i <= 256; i++) {
      char *colon = strchr(parts[i], ':');
      *colon = '\0';
      long v = strtol(rfl_ini_trim(parts[i]), NULL, 10);
      RFL_CHECK(use_material(r, rfl_ini_trim(colon + 1), labels, &c->grid.voxel_material[v]));
    }
  }
  for (int w = 0; w < r->nwork; w++)
    if (r->work_user[w] >= 0 && !r->work_used[w]) {
      const section_rec *s = &r->sections[r->work_user[w]];
      reader_warn(r, s->line, s->set, "[material %s]: defined but not used", s->name);
    }
  return RFL_OK;
}

static const char *shape_keys_text(unsigned shape, char *buf, size_t size) {
  buf[0] = '\0';
  for (const key_spec *k = structure_keys; k->name; k++)
    if (k->shapes & SH(shape)) {
      size_t n = strlen(buf);
      snprintf(buf + n, size - n, "%s%s", n ? ", " : "", k->name);
    }
  return buf;
}

rfl_status reader_build_structures(reader *r) {
  rfl_case *c = &r->c;
  c->nstructures = 0;
  for (int s = 0; s < r->nsections; s++) {
    if (r->sections[s].kind != S_STRUCTURE) continue;
    rfl_structure *st = &c->structures[c->nstructures];
    memset(st, 0, sizeof *st);
    snprintf(st->name, sizeof st->name, "%s", r->sections[s].name);
    st->line = r->sections[s].line;
    st->role = RFL_ROLE_NONE;
    st->threshold_C = c->damage.default_threshold_C;
    st->margin = c->damage.default_margin;
    entry_rec *shape = reader_find_entry(r, s, "shape");
    if (!shape) return reader_missing_key(r, s, "shape", "");
    unsigned kind = (unsigned)shape->num;
    char list[256];
    for (int i = 0; i < r->nentries; i++) {
      entry_rec *e = &r->entries[i];
      if (e->sec != s) continue;
      if (e->spec->shapes && !(e->spec->shapes & SH(kind))) {
        char what[400];
        snprintf(what, sizeof what, "a key of shape '%s' (%s) or of any structure (material, "
                 "role, threshold_C, margin_mm), found '%s'", shape_words[kind],
                 shape_keys_text(kind, list, sizeof list), e->spec->name);
        char label[RFL_NAME_MAX + 32];
        return reader_fail(r, e->line, e->set, "%s %s: expected %s", reader_sec_label(r, s, label, sizeof label),
                           e->spec->name, what);
      }
      reader_apply_entry(e, st);
    }
    for (const key_spec *k = structure_keys; k->name; k++)
      if ((k->shapes & SH(kind)) && !reader_find_entry(r, s, k->name)) {
        char why[64];
        snprintf(why, sizeof why, " (shape = %s)", shape_words[kind]);
        return reader_missing_key(r, s, k->name, why);
      }
    if (!reader_find_entry(r, s, "material")) return reader_missing_key(r, s, "material", "");
    entry_rec *pts = reader_find_entry(r, s, "points_mm");
    if (kind == RFL_SHAPE_CYLINDER &&
        (pts->count != 2 || rfl_vec3_norm(rfl_vec3_sub(pts->points[1], pts->points[0])) < 1e-9))
      return reader_fail_expected(r, pts, "2 distinct points 'x, y, z; x, y, z' of mm (the axis ends)");
    if (kind == RFL_SHAPE_CAPSULE && pts->count < 2)
      return reader_fail_expected(r, pts, "2 to 16 points 'x, y, z; x, y, z; ...' of mm");
    if (kind == RFL_SHAPE_BOX) {
      rfl_vec3 lo = st->shape.lo, hi = st->shape.hi;
      char buf[96];
      if (!(hi.x > lo.x && hi.y > lo.y && hi.z > lo.z))
        return reader_fail_entry(r, reader_find_entry(r, s, "max_mm"),
                                 "expected each coordinate greater than min_mm (%s), found '%s'",
                                 reader_vec_text(lo, 1e-3, buf, sizeof buf), reader_find_entry(r, s, "max_mm")->text);
    }
    if (st->role == RFL_ROLE_NONE) {
      entry_rec *t = reader_find_entry(r, s, "threshold_C");
      if (!t) t = reader_find_entry(r, s, "margin_mm");
      if (t)
        reader_warn(r, t->line, t->set, "[structure %s] %s: ignored for role = none", st->name,
                    t->spec->name);
    }
    c->nstructures++;
  }
  return RFL_OK;
}
