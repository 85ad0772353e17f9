// SPDX-License-Identifier: BSD-3-Clause
/* Writing a resolved case as a case file, the key table for the other writers of a case
 * (HDF5 /case attributes), and the key tables of docs/case-format.md; all from the
 * reader's key table, so every name is spelled once. */
#include "case_reading.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_key_docs.h"
#include "generator.h"

/* [output] times_s as written (rf_end, ...), and the seconds they stand for as a comment;
 * a case built in code whose times no longer match its items is written in seconds. */
static void write_output_times(FILE *f, const rfl_output_settings *o, const rfl_case *c) {
  double t[RFL_MAX_OUTPUT_TIMES];
  const rfl_generator *g = &c->generator;
  int n = rfl_output_times_resolve(o->items, o->nitems, g->duration_s, g->cooldown_s, t);
  int same = n == o->ntimes, symbolic = 0;
  for (int i = 0; same && i < n; i++) same = t[i] == o->times_s[i];
  for (int i = 0; same && i < o->nitems; i++) symbolic |= o->items[i].anchor != RFL_TIME_SECONDS;
  if (same) {
    char buf[RFL_MAX_OUTPUT_TIMES * 40];
    rfl_output_times_text(o->items, o->nitems, buf, sizeof buf);
    fputs(buf, f);
  }
  if (same && !symbolic) return;
  if (same) fputs("   ; =", f);
  for (int i = 0; i < o->ntimes; i++) fprintf(f, "%s%.10g", i ? ", " : same ? " " : "", o->times_s[i]);
  if (same) fputs(" s", f);
}

static void write_value(FILE *f, const key_spec *k, const void *target, const rfl_case *c) {
  const char *field = (const char *)target + k->offset;
  switch (k->type) {
    case KT_REAL: {
      double v;
      memcpy(&v, field, sizeof v);
      fprintf(f, "%.10g", v / k->scale);
      break;
    }
    case KT_INT: {
      int v;
      memcpy(&v, field, sizeof v);
      fprintf(f, "%d", v);
      break;
    }
    case KT_BOOL: {
      int v;
      memcpy(&v, field, sizeof v);
      fputs(v ? "yes" : "no", f);
      break;
    }
    case KT_ENUM:
      fputs(k->choices[k->get_enum(target)], f);
      break;
    case KT_TEXT:
    case KT_PATH:
      fprintf(f, "\"%s\"", field);
      break;
    case KT_VEC3:
    case KT_DIR: {
      rfl_vec3 v;
      char buf[96];
      memcpy(&v, field, sizeof v);
      fputs(reader_vec_text(v, k->scale, buf, sizeof buf), f);
      break;
    }
    case KT_POINTS: {
      const rfl_shape *s = (const rfl_shape *)(const void *)field;
      char buf[96];
      for (int i = 0; i < s->npoints; i++)
        fprintf(f, "%s%s", i ? "; " : "", reader_vec_text(s->points[i], k->scale, buf, sizeof buf));
      break;
    }
    case KT_LIST: {
      write_output_times(f, target, c);
      break;
    }
    case KT_MATERIAL: {
      int m;
      memcpy(&m, field, sizeof m);
      fputs(m >= 0 && m < c->nmaterials ? c->materials[m].name : "?", f);
      break;
    }
    case KT_LABELS: {
      int first = 1;
      for (int v = 0; v < 256; v++) {
        int m = c->grid.voxel_material[v];
        if (m < 0 || m >= c->nmaterials) continue;
        fprintf(f, "%s%d:%s", first ? "" : ", ", v, c->materials[m].name);
        first = 0;
      }
      break;
    }
  }
}

/* A skip rule says how to write a key: NULL = as a key, "" = not at all, any other text =
 * as a comment ending in that text. A comment "used ..." marks a key the case does not use
 * now (the reader warned and ignored it): it shows the default that would apply, not a
 * value the user gave, so that a written case read back writes the same text. */
typedef const char *(*skip_rule)(const key_spec *k, const void *target, const rfl_case *c);

static void write_section(FILE *f, const char *header, const key_spec *keys, const void *target,
                          const void *defaults, const rfl_case *c, skip_rule skip) {
  fprintf(f, "\n[%s]\n", header);
  for (const key_spec *k = keys; k->name; k++) {
    const char *why = skip ? skip(k, target, c) : NULL;
    if (why && !why[0]) continue;
    const int unused = why && defaults && strncmp(why, "used ", 5) == 0;
    fprintf(f, "%s%s = ", why ? "; " : "", k->name);
    write_value(f, k, unused ? defaults : target, c);
    if (why) fprintf(f, "   (%s)", why);
    fputc('\n', f);
  }
}

static const char *skip_grid(const key_spec *k, const void *t, const rfl_case *c) {
  const rfl_grid_spec *g = t;
  (void)c;
  if (g->voxel_file[0] == '\0' && (k->type == KT_PATH || k->type == KT_LABELS ||
                                   strcmp(k->name, "voxel_dataset") == 0))
    return "";
  if (strcmp(k->name, "voxel_dataset") == 0 && rfl_case_voxel_file_is_nifti(g->voxel_file))
    return ""; /* a NIfTI image has no datasets */
  /* automatic choices are written as comments: read back, the case chooses them again */
  if ((g->auto_spacing && strcmp(k->name, "spacing_mm") == 0) ||
      (g->auto_fine_box && strncmp(k->name, "fine_m", 6) == 0) ||
      (g->auto_growth && strcmp(k->name, "growth") == 0))
    return "automatic";
  return NULL;
}

static const char *skip_solver(const key_spec *k, const void *t, const rfl_case *c) {
  const rfl_solver_settings *s = t;
  (void)c;
  return s->auto_dt && strcmp(k->name, "dt_s") == 0 ? "automatic" : NULL;
}

/* A key of the placement by trajectory that this probe does not use: all of them for a
 * probe given by tip_mm and direction, else those of the other approaches. */
static int trajectory_key_unused(const key_spec *k, const rfl_probe *p) {
  if (!reader_trajectory_key(k->name)) return 0;
  const rfl_trajectory *t = &p->trajectory;
  if (!t->given) return 1;
  if (strcmp(k->name, "entry_mm") == 0 || strcmp(k->name, "approach") == 0) return 0;
  if (t->approach == RFL_APPROACH_TARGET) return strcmp(k->name, "target_mm") != 0;
  if (strcmp(k->name, "target_mm") == 0) return 1;
  return strcmp(k->name, "offset_mm") == 0 && t->approach != RFL_APPROACH_PARALLEL;
}

static const char *skip_probe(const key_spec *k, const void *t, const rfl_case *c) {
  const rfl_probe *p = t;
  (void)c;
  /* a probe placed by trajectory is written so: read back, it is placed the same; where
     that put its tip, direction and shaft is shown as comments */
  if (reader_trajectory_key(k->name)) return trajectory_key_unused(k, p) ? "" : NULL;
  if (p->trajectory.given && (strcmp(k->name, "tip_mm") == 0 || strcmp(k->name, "direction") == 0 ||
                              strcmp(k->name, "shaft_length_mm") == 0))
    return "placed by entry_mm";
  if (strcmp(k->name, "gauge") == 0) return p->gauge > 0 ? NULL : "";
  if (strcmp(k->name, "diameter_mm") == 0) return p->gauge > 0 ? "from the gauge" : NULL;
  if (!p->cooled && (strcmp(k->name, "coolant_C") == 0 || strcmp(k->name, "cooling_h_W_m2K") == 0))
    return "used when cooled = yes";
  return NULL;
}

static const char *skip_generator(const key_spec *k, const void *t, const rfl_case *c) {
  const rfl_generator *g = t;
  (void)c;
  if (g->auto_return_path && strcmp(k->name, "return_path_ohm") == 0)
    return "automatic: plus the body beyond the domain when monopolar";
  const rfl_generator_type *owner = rfl_generator_key_owner(k->name);
  return owner && owner != rfl_generator_type_of(g) ? owner->unused_note : NULL;
}

static const char *skip_material(const key_spec *k, const void *t, const rfl_case *c) {
  const rfl_material *m = t;
  (void)c;
  if (m->kind == RFL_MATERIAL_METAL && (int)(k - material_keys) >= MATERIAL_METAL_KEYS) return "";
  /* the default law is not written, so that a case hashes as it did before the key */
  if (strcmp(k->name, "law") == 0 && m->law == 0) return "";
  return NULL;
}

static const char *skip_structure(const key_spec *k, const void *t, const rfl_case *c) {
  const rfl_structure *s = t;
  (void)c;
  if (k->shapes && !(k->shapes & SH(s->shape.kind))) return "";
  if (s->role == RFL_ROLE_NONE && k->type == KT_REAL && !k->shapes)
    return "used for role = target or protected"; /* threshold_C, margin_mm */
  return NULL;
}

rfl_status rfl_case_write(FILE *f, const rfl_case *c) {
  if (!f || !c) return RFL_ERROR(RFL_EINTERNAL, "rfl_case_write: no file or case");
  char header[RFL_NAME_MAX + 16];
  fprintf(f, "; resolved case%s%s: every key, defaults filled in, in the file's units\n",
          c->path[0] ? " from " : "", c->path);
  rfl_case *d = malloc(sizeof *d); /* the defaults, for keys the case does not use */
  if (!d) return RFL_ERROR(RFL_ENOMEM, "out of memory writing the resolved case");
  rfl_case_defaults(d);
  write_section(f, "case", case_keys, c, NULL, c, NULL);
  write_section(f, "grid", grid_keys, &c->grid, NULL, c, skip_grid);
  for (int p = 0; p < c->nprobes && p < RFL_MAX_PROBES; p++)
    write_section(f, p == 0 ? "probe" : "return_probe", probe_keys, &c->probes[p], &d->probes[0], c,
                  skip_probe);
  write_section(f, "generator", generator_keys, &c->generator, &d->generator, c, skip_generator);
  write_section(f, "tissue", tissue_keys, c, NULL, c, NULL);
  write_section(f, "physics", physics_keys, &c->physics, NULL, c, NULL);
  write_section(f, "damage", damage_keys, &c->damage, NULL, c, NULL);
  write_section(f, "solver", solver_keys, &c->solver, NULL, c, skip_solver);
  write_section(f, "output", output_keys, &c->output, NULL, c, NULL);
  for (int m = 0; m < c->nmaterials && m < RFL_MAX_MATERIALS; m++) {
    snprintf(header, sizeof header, "material %s", c->materials[m].name);
    write_section(f, header, material_keys, &c->materials[m], NULL, c, skip_material);
  }
  for (int s = 0; s < c->nstructures && s < RFL_MAX_STRUCTURES; s++) {
    rfl_structure sd = c->structures[s]; /* a structure's defaults come from [damage] */
    sd.threshold_C = c->damage.default_threshold_C;
    sd.margin = c->damage.default_margin;
    snprintf(header, sizeof header, "structure %s", c->structures[s].name);
    write_section(f, header, structure_keys, &c->structures[s], &sd, c, skip_structure);
  }
  free(d);
  if (ferror(f)) return RFL_ERROR(RFL_EIO, "writing the resolved case failed");
  return RFL_OK;
}

/* ==== the key table for other writers ================================================= */

const char *const rfl_case_unnamed_sections[] = {"case",   "grid",    "probe",  "return_probe",
                                                 "generator", "tissue", "physics", "damage",
                                                 "solver", "output",  NULL};

static int section_kind(const char *word) {
  for (int k = 0; k < S_COUNT; k++)
    if (strcmp(sections_table[k].word, word) == 0) return k;
  return -1;
}

int rfl_case_key_accepted(const char *section, const char *key) {
  int kind = section && key ? section_kind(section) : -1;
  return kind >= 0 && case_keys_find(kind, key) != NULL;
}

/* The numbers of a key's value in the case file's units; text kinds have none. */
static rfl_case_value_kind value_numbers(const key_spec *k, const void *target, const rfl_case *c,
                                         rfl_case_value *v) {
  const char *field = (const char *)target + k->offset;
  v->count = 0;
  switch (k->type) {
    case KT_REAL:
      memcpy(&v->number[0], field, sizeof(double));
      v->number[0] /= k->scale;
      v->count = 1;
      return RFL_CASE_VALUE_NUMBER;
    case KT_INT:
    case KT_BOOL: {
      int i;
      memcpy(&i, field, sizeof i);
      v->number[0] = i;
      v->count = 1;
      return RFL_CASE_VALUE_INTEGER;
    }
    case KT_VEC3:
    case KT_DIR: {
      rfl_vec3 p;
      memcpy(&p, field, sizeof p);
      v->number[0] = p.x / k->scale;
      v->number[1] = p.y / k->scale;
      v->number[2] = p.z / k->scale;
      v->count = 3;
      return RFL_CASE_VALUE_VECTOR;
    }
    case KT_LIST: {
      const rfl_output_settings *o = target;
      for (int i = 0; i < o->ntimes && i < RFL_MAX_OUTPUT_TIMES; i++) v->number[v->count++] = o->times_s[i];
      (void)c;
      return RFL_CASE_VALUE_NUMBERS;
    }
    default:
      return RFL_CASE_VALUE_TEXT;
  }
}

/* The value as the case file writes it; text and paths without their quotes. */
static char *value_text(const key_spec *k, const void *target, const rfl_case *c) {
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  if (!f) return NULL;
  if (k->type == KT_TEXT || k->type == KT_PATH)
    fputs((const char *)target + k->offset, f);
  else
    write_value(f, k, target, c);
  if (fclose(f) != 0) {
    free(text);
    return NULL;
  }
  return text;
}

rfl_status rfl_case_section_values(const rfl_case *c, const char *section, rfl_case_value_fn fn,
                                   void *ctx) {
  int kind = c && section && fn ? section_kind(section) : -1;
  if (kind < 0 || sections_table[kind].named)
    return RFL_ERROR(RFL_EUSAGE, "rfl_case_section_values: no unnamed section '%s'",
                     section ? section : "(null)");
  if (kind == S_RETURN_PROBE && c->nprobes < 2) return RFL_OK;
  const void *target = case_keys_target((rfl_case *)c, kind);
  rfl_case_value v;
  rfl_status st = RFL_OK;
  for (const key_spec *k = sections_table[kind].keys; k->name && st == RFL_OK; k++) {
    if ((kind == S_PROBE || kind == S_RETURN_PROBE) && trajectory_key_unused(k, target)) continue;
    memset(&v, 0, sizeof v);
    v.section = section;
    v.key = k->name;
    v.unit = k->unit;
    v.kind = value_numbers(k, target, c, &v);
    char *text = value_text(k, target, c);
    if (!text) return RFL_ERROR(RFL_ENOMEM, "out of memory writing the case's [%s] %s", section, k->name);
    v.text = text;
    st = fn(&v, ctx);
    free(text);
  }
  return st;
}

/* ---- the key tables of docs/case-format.md ---- */

/* A range bound as the docs write it: 1e5, not 100000; 0.0001 as 1e-4. */
static void doc_number(double x, char *buf, size_t size) {
  double a = fabs(x);
  if (a != 0.0 && (a >= 1e5 || a < 1e-3)) {
    int e = (int)floor(log10(a));
    snprintf(buf, size, "%.6ge%d", x / pow(10.0, e), e);
  } else {
    snprintf(buf, size, "%.10g", x);
  }
}

static void doc_unit(FILE *f, const key_spec *k) {
  switch (k->type) {
    case KT_REAL: fputs(k->unit, f); break;
    case KT_INT: fprintf(f, "%s%sinteger%s", k->unit, k->unit[0] ? " (" : "", k->unit[0] ? ")" : ""); break;
    case KT_BOOL: fputs("boolean", f); break;
    case KT_ENUM:
      for (const char *const *w = k->choices; *w; w++) fprintf(f, "%s`%s`", w == k->choices ? "" : "/", *w);
      break;
    case KT_TEXT: fputs("text", f); break;
    case KT_PATH: fputs("path", f); break;
    case KT_VEC3: fprintf(f, "%s, vector", k->unit); break;
    case KT_DIR: fputs("vector", f); break;
    case KT_POINTS: fprintf(f, "%s, points `x, y, z; x, y, z; ...`", k->unit); break;
    case KT_LIST: fprintf(f, "list, %s", k->unit); break;
    case KT_MATERIAL: fputs("material", f); break;
    case KT_LABELS: fputs("list", f); break;
  }
}

/* The range the reader checks by itself; the rules across keys come from the docs table. */
static void doc_range(FILE *f, const key_spec *k, const char *more) {
  char lo[32], hi[32];
  const char *sep = "";
  doc_number(k->min, lo, sizeof lo);
  doc_number(k->max, hi, sizeof hi);
  switch (k->type) {
    case KT_REAL: fprintf(f, "[%s, %s]", lo, hi), sep = ", "; break;
    case KT_INT: fprintf(f, "[%.0f, %.0f]", k->min, k->max), sep = ", "; break;
    case KT_VEC3:
    case KT_POINTS: fprintf(f, "each in [%s, %s]", lo, hi), sep = ", "; break;
    case KT_DIR: fputs("nonzero", f), sep = ", "; break;
    case KT_TEXT: fprintf(f, "at most %zu bytes", k->size - 1), sep = ", "; break;
    default: break;
  }
  if (more && more[0]) fprintf(f, "%s%s", sep, more);
}

static void doc_default(FILE *f, const key_spec *k, const void *target, const rfl_case *c,
                        const char *text) {
  if (text) {
    fputs(text, f);
    return;
  }
  fputc('`', f);
  write_value(f, k, target, c);
  fputc('`', f);
}

/* The shapes a structure key belongs to, "all" for every shape. */
static void doc_shapes(FILE *f, const key_spec *k) {
  if (!k->shapes) {
    fputs("all", f);
    return;
  }
  const char *sep = "";
  for (int s = 0; shape_words[s]; s++)
    if (k->shapes & SH(s)) fprintf(f, "%s%s", sep, shape_words[s]), sep = ", ";
}

static rfl_status doc_section(FILE *f, int kind, const rfl_case *d) {
  const section_spec *sec = &sections_table[kind];
  const int material = kind == S_MATERIAL, structure = kind == S_STRUCTURE;
  const void *target = material ? (const void *)&d->materials[0]
                       : structure ? (const void *)&d->structures[0]
                                   : case_keys_target((rfl_case *)d, kind);
  fprintf(f, "<!-- keys: %s -->\n", sec->word);
  fputs(material    ? "| key | unit | range | meaning |\n|---|---|---|---|\n"
        : structure ? "| key | unit | default | shapes | range | meaning |\n|---|---|---|---|---|---|\n"
                    : "| key | unit | default | range | meaning |\n|---|---|---|---|---|\n",
        f);
  for (const key_spec *k = sec->keys; k->name; k++) {
    const rfl_case_key_doc *doc = rfl_case_key_doc_find(sec->word, k->name);
    if (!doc) return RFL_ERROR(RFL_EINTERNAL, "[%s] %s has no description in models/case_key_docs.c",
                               sec->word, k->name);
    fprintf(f, "| `%s` | ", k->name);
    doc_unit(f, k);
    fputs(" | ", f);
    if (!material) {
      doc_default(f, k, target, d, doc->default_text);
      fputs(" | ", f);
    }
    if (structure) {
      doc_shapes(f, k);
      fputs(" | ", f);
    }
    doc_range(f, k, doc->range_text);
    fprintf(f, " | %s |\n", doc->meaning);
  }
  return RFL_OK;
}

rfl_status rfl_case_keys_markdown(FILE *f) {
  for (const rfl_case_key_doc *doc = rfl_case_key_docs; doc->section; doc++)
    if (!rfl_case_key_accepted(doc->section, doc->key))
      return RFL_ERROR(RFL_EINTERNAL, "models/case_key_docs.c describes [%s] %s, which the reader "
                       "does not accept", doc->section, doc->key);
  rfl_case *d = malloc(sizeof *d);
  if (!d) return RFL_ERROR(RFL_ENOMEM, "out of memory for the default case");
  rfl_case_defaults(d);
  d->structures[0].threshold_C = d->damage.default_threshold_C;
  d->structures[0].margin = d->damage.default_margin;
  rfl_status st = RFL_OK;
  for (int kind = 0; kind < S_COUNT && st == RFL_OK; kind++) {
    if (kind == S_RETURN_PROBE) continue; /* the same keys as [probe], one table */
    if (kind > 0) fputc('\n', f);
    st = doc_section(f, kind, d);
  }
  free(d);
  if (st == RFL_OK && ferror(f)) st = RFL_ERROR(RFL_EIO, "writing the key tables failed");
  return st;
}
