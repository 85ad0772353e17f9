// SPDX-License-Identifier: BSD-3-Clause
/* The JSON summary (summary.h; docs/json-summary.md). The figures come from the metric
 * table (metrics.h): each metric's JSON path ("generator.power_W") places it, nested
 * objects opened and closed as the paths go; the rest (provenance, flags, the error
 * estimate) is written here. */
#include <math.h>
#include <string.h>

#include "atomic_file.h"
#include "case_hash.h"
#include "metrics.h"
#include "provenance.h"
#include "rfl_version.h"

#define DEPTH_MAX 12

/* A streaming writer: members are separated and indented by depth, and the names of the
 * objects open above `base` are kept so that a path can reuse or close them. */
typedef struct {
  FILE *f;
  int depth;
  int count[DEPTH_MAX];          /* members written in the object open at each depth */
  char name[DEPTH_MAX][64];      /* name of the object open at each depth */
} json_out;

static void json_string(FILE *f, const char *s) {
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *)s; *p; ++p) {
    if (*p == '"' || *p == '\\')
      fprintf(f, "\\%c", *p);
    else if (*p < 0x20)
      fprintf(f, "\\u%04x", *p);
    else
      fputc(*p, f);
  }
  fputc('"', f);
}

/* The separator and indentation before a member, then its key (none in an array). */
static void key(json_out *j, const char *k) {
  if (j->count[j->depth]++) fputc(',', j->f);
  fprintf(j->f, "\n%*s", 2 * j->depth, "");
  if (k) {
    json_string(j->f, k);
    fputs(": ", j->f);
  }
}

static void open_(json_out *j, const char *k, char bracket) {
  key(j, k);
  fputc(bracket, j->f);
  j->depth++;
  j->count[j->depth] = 0;
  snprintf(j->name[j->depth], sizeof j->name[0], "%s", k ? k : "");
}

static void close_(json_out *j, char bracket) {
  int had = j->count[j->depth];
  j->depth--;
  if (had) fprintf(j->f, "\n%*s", 2 * j->depth, "");
  fputc(bracket, j->f);
}

static void num(json_out *j, const char *k, double v) {
  key(j, k);
  if (isfinite(v))
    fprintf(j->f, "%.10g", v);
  else
    fputs("null", j->f);
}

static void text(json_out *j, const char *k, const char *v) {
  key(j, k);
  json_string(j->f, v);
}

/* Opens the objects of `path` below `base` (closing those of the previous path that
 * differ) and writes the key of its last part. */
static void path_key(json_out *j, int base, const char *path) {
  char part[DEPTH_MAX][64];
  int n = 0;
  for (const char *p = path; n < DEPTH_MAX;) {
    const char *dot = strchr(p, '.');
    size_t len = dot ? (size_t)(dot - p) : strlen(p);
    snprintf(part[n++], sizeof part[0], "%.*s", (int)len, p);
    if (!dot) break;
    p = dot + 1;
  }
  int keep = 0; /* objects already open on this path */
  while (keep < n - 1 && base + 1 + keep <= j->depth && strcmp(j->name[base + 1 + keep], part[keep]) == 0) keep++;
  while (j->depth > base + keep) close_(j, '}');
  for (int i = keep; i < n - 1; ++i) open_(j, part[i], '{');
  key(j, part[n - 1]);
}

static void metric(json_out *j, int base, const rfl_metric *m, const rfl_metric_source *src) {
  path_key(j, base, m->json);
  double v = rfl_metric_value(m, src);
  if (m->type == RFL_METRIC_TEXT)
    json_string(j->f, rfl_metric_text(m, src));
  else if (m->type == RFL_METRIC_FOUND)
    fputs(v != 0.0 ? "true" : "false", j->f);
  else if (isfinite(v))
    fprintf(j->f, "%.10g", v);
  else
    fputs("null", j->f);
}

/* Every metric of a scope under the object open at the current depth, with a path prefix
 * ("after_cooldown."). */
static void metrics(json_out *j, rfl_metric_scope scope, const char *prefix, const rfl_metric_source *src) {
  int n, base = j->depth;
  const rfl_metric *t = rfl_metrics(&n);
  char path[160];
  for (int i = 0; i < n; ++i) {
    if (t[i].scope != scope) continue;
    rfl_metric m = t[i];
    snprintf(path, sizeof path, "%s%s", prefix, t[i].json);
    m.json = path;
    metric(j, base, &m, src);
  }
  while (j->depth > base) close_(j, '}');
}

/* "provenance": what produced these figures (the same fields as the HDF5 root attributes). */
static void provenance(json_out *j, const rfl_case *c) {
  rfl_provenance p;
  rfl_provenance_get(&p);
  uint64_t h = 0;
  char hash[17] = "unknown";
  if (rfl_case_hash(c, &h) == RFL_OK) rfl_case_hash_text(h, hash);
  open_(j, "provenance", '{');
  text(j, "version", p.version_full);
  text(j, "commit", p.commit);
  text(j, "build_type", p.build_type);
  key(j, "mpi");
  fputs(p.mpi ? "true" : "false", j->f);
  key(j, "openmp");
  fputs(p.openmp ? "true" : "false", j->f);
  text(j, "hdf5", p.hdf5);
  text(j, "case_hash", hash);
  close_(j, '}');
}

static void head(json_out *j, const rfl_summary *s) {
  const rfl_case *c = s->kase;
  text(j, "version", RFL_VERSION);
  num(j, "schema_version", RFL_JSON_SCHEMA_VERSION);
  provenance(j, c);
  text(j, "case", c->path);
  char title[RFL_CASE_TITLE_MAX];
  rfl_case_display_title(c, title, sizeof title);
  text(j, "title", title);
  text(j, "name", c->title);
}

/* The end of RF at the top level, the cool-down in "after_cooldown", then "growth". */
static void snapshots(json_out *j, const rfl_summary *s) {
  for (int place = 0; place < 2; ++place) {
    rfl_metric_source src = rfl_metric_snapshot(s, rfl_snapshot_at(s, place), place);
    metrics(j, RFL_METRIC_SNAPSHOT, rfl_snapshot_places[place].json_prefix, &src);
  }
}

static void growth(json_out *j, const rfl_summary *s) {
  open_(j, "growth", '[');
  for (int i = 0; i < s->ngrowth; ++i) {
    rfl_metric_source src = rfl_metric_snapshot(s, &s->growth[i], -1);
    open_(j, NULL, '{');
    metrics(j, RFL_METRIC_SNAPSHOT, "", &src);
    close_(j, '}');
  }
  close_(j, ']');
}

static void structures(json_out *j, const rfl_summary *s) {
  open_(j, "structures", '[');
  for (int k = 0; k < s->nstructures; ++k) {
    const rfl_structure *st = s->structures[k].structure;
    rfl_metric_source src = rfl_metric_structure(s, k);
    open_(j, NULL, '{');
    text(j, "name", st->name);
    text(j, "role", rfl_role_name(st->role));
    metrics(j, RFL_METRIC_STRUCTURE, "", &src);
    open_(j, "flags", '[');
    for (int f = 0; f < RFL_FLAG_KINDS; ++f)
      if (rfl_flag_raised(&s->structures[k], (rfl_flag_kind)f)) text(j, NULL, rfl_flag_name((rfl_flag_kind)f));
    close_(j, ']');
    close_(j, '}');
  }
  close_(j, ']');
}

/* "KEY": [{"id": "KIND:structure", "structure": "NAME", "text": "..."}, ...] */
static void flag_list(json_out *j, const char *k, const rfl_summary *s, const char (*ids)[96], const int *structure,
                      const char (*texts)[RFL_FLAG_TEXT_MAX], int n) {
  open_(j, k, '[');
  for (int i = 0; i < n; ++i) {
    open_(j, NULL, '{');
    text(j, "id", ids[i]);
    text(j, "structure", s->structures[structure[i]].structure->name);
    text(j, "text", texts[i]);
    close_(j, '}');
  }
  close_(j, ']');
}

static void flags(json_out *j, const rfl_summary *s) {
  open_(j, "flags", '[');
  for (int i = 0; i < s->nflags; ++i) text(j, NULL, s->flags[i]);
  close_(j, ']');
  flag_list(j, "safety_flags", s, s->flags, s->flag_structure, s->flag_text, s->nflags);
  flag_list(j, "findings", s, s->findings, s->finding_structure, s->finding_text, s->nfindings);
}

/* The errors of a snapshot's lesion figures, in the figures' units. */
static void error_lesion(json_out *j, const char *k, const rfl_summary *s, int snapshot, int which) {
  static const char *const names[4] = {"width_mm", "length_mm", "distal_mm", "volume_mm3"};
  open_(j, k, '{');
  for (int i = 0; i < 4; i++)
    num(j, names[i], (i == 3 ? 1e9 : 1e3) * s->errors.error.value[rfl_error_lesion_index(snapshot, which, i)]);
  close_(j, '}');
}

static void error_method(json_out *j, const rfl_error_estimate *e) {
  char method[256];
  snprintf(method, sizeof method,
           "Richardson/GCI: max(Fs |f - f_coarse| / (r^p - 1), floor), Fs %.2f, p %.0f, floor %.2g cells (%.2g "
           "for distal projections, %.2g of the first grid's cells for lesion lengths)",
           RFL_ERROR_SAFETY, RFL_ERROR_ORDER, RFL_ERROR_FLOOR_CELLS, RFL_ERROR_AXIAL_FLOOR_CELLS,
           RFL_ERROR_LENGTH_FLOOR_CELLS);
  text(j, "method", method);
  num(j, "ratio", e->ratio);
  num(j, "spacing_mm", 1e3 * e->spacing);
  num(j, "coarse_spacing_mm", 1e3 * e->coarse_spacing);
  num(j, "dt_s", e->dt);
  num(j, "coarse_dt_s", e->coarse_dt);
  num(j, "refinements", e->refinements);
  num(j, "largest_length_mm", 1e3 * e->largest_length);
  key(j, "met");
  fputs(rfl_error_estimate_met(e) ? "true" : "false", j->f);
}

static void error_figures(json_out *j, const rfl_summary *s) {
  const double *v = s->errors.error.value;
  error_lesion(j, "lesion", s, 0, 0);
  error_lesion(j, "isotherm", s, 0, 1);
  open_(j, "after_cooldown", '{');
  error_lesion(j, "lesion", s, 1, 0);
  error_lesion(j, "isotherm", s, 1, 1);
  close_(j, '}');
  num(j, "peak_tissue_end_C", v[rfl_error_peak_index(s->nstructures)]);
  open_(j, "structures", '[');
  for (int k = 0; k < s->nstructures; ++k) {
    open_(j, NULL, '{');
    text(j, "name", s->structures[k].structure->name);
    num(j, "margin_mm", 1e3 * v[rfl_error_structure_index(k, 0)]);
    num(j, "isotherm_margin_mm", 1e3 * v[rfl_error_structure_index(k, 1)]);
    num(j, "peak_C", v[rfl_error_structure_index(k, 2)]);
    close_(j, '}');
  }
  close_(j, ']');
}

/* "errors": the discretisation error of each figure, in the figure's unit (null where not
 * estimated), and how it was estimated. */
static void errors(json_out *j, const rfl_summary *s) {
  const rfl_error_estimate *e = &s->errors;
  open_(j, "errors", '{');
  key(j, "estimated");
  fputs(e->estimated ? "true" : "false", j->f);
  text(j, "note", e->note);
  num(j, "accuracy_mm", 1e3 * e->accuracy);
  if (!e->estimated) {
    key(j, "method");
    fputs("null", j->f);
  } else {
    error_method(j, e);
    error_figures(j, s);
  }
  close_(j, '}');
}

rfl_status rfl_summary_write_json(const char *path, const rfl_summary *s) {
  rfl_atomic_file out;
  RFL_CHECK(rfl_atomic_open(&out, path));
  json_out j = {.f = out.f, .depth = 1};
  rfl_metric_source run = rfl_metric_run(s);
  fputc('{', out.f);
  head(&j, s);
  snapshots(&j, s);
  metrics(&j, RFL_METRIC_RUN, "", &run);
  growth(&j, s);
  structures(&j, s);
  flags(&j, s);
  errors(&j, s);
  close_(&j, '}');
  fputc('\n', out.f);
  return rfl_atomic_commit(&out);
}
