// SPDX-License-Identifier: BSD-3-Clause
/* /summary: the metric records (/summary/metrics, /summary/lesion, /summary/structures),
 * laid out from the metric table (metrics.h), the flags in words and the error estimate. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h5out_internal.h"
#include "metrics.h"

#define RECORD_COLUMNS_MAX 128
#define TEXT_SIZE 16 /* bytes of a text metric ("temperature") and of a snapshot's name */
#define FLAGS_SIZE 160

/* A record type built at run time: its columns (offsets into a packed record) and names. */
typedef struct {
  h5o_column cols[RECORD_COLUMNS_MAX];
  char names[RECORD_COLUMNS_MAX][RFL_NAME_MAX];
  const rfl_metric *metric[RECORD_COLUMNS_MAX]; /* NULL for a column that is not a metric */
  size_t ncols, size;
} record;

static void record_add(record *r, const char *prefix, const char *name, h5o_col_kind kind, size_t size,
                       const char *unit, const rfl_metric *m) {
  if (r->ncols >= RECORD_COLUMNS_MAX) return;
  snprintf(r->names[r->ncols], sizeof r->names[0], "%s%s", prefix, name);
  r->cols[r->ncols] = (h5o_column){r->names[r->ncols], r->size, size, kind, unit};
  r->metric[r->ncols++] = m;
  r->size += size;
}

static void record_add_metric(record *r, const char *prefix, const rfl_metric *m) {
  static const h5o_col_kind kinds[] = {H5O_COL_F64, H5O_COL_I32, H5O_COL_I64, H5O_COL_U8, H5O_COL_STR};
  static const size_t sizes[] = {sizeof(double), sizeof(int32_t), sizeof(int64_t), sizeof(uint8_t), TEXT_SIZE};
  record_add(r, prefix, m->column, kinds[m->type], sizes[m->type], m->unit, m);
}

/* Every metric of a scope as columns, their names after `prefix`. */
static void record_add_scope(record *r, rfl_metric_scope scope, const char *prefix) {
  int n;
  const rfl_metric *t = rfl_metrics(&n);
  for (int i = 0; i < n; ++i)
    if (t[i].scope == scope) record_add_metric(r, prefix, &t[i]);
}

/* The values of columns [from, to) that are metrics of src's scope, into one record. */
static void record_fill(const record *r, size_t from, size_t to, unsigned char *rec, const rfl_metric_source *src) {
  for (size_t c = from; c < to; ++c) {
    const rfl_metric *m = r->metric[c];
    unsigned char *p = rec + r->cols[c].offset;
    if (!m) continue;
    double v = rfl_metric_value(m, src);
    if (m->type == RFL_METRIC_TEXT) {
      snprintf((char *)p, TEXT_SIZE, "%s", rfl_metric_text(m, src));
    } else if (m->type == RFL_METRIC_REAL) {
      memcpy(p, &v, sizeof v);
    } else if (m->type == RFL_METRIC_INT) {
      int32_t x = isfinite(v) ? (int32_t)v : 0;
      memcpy(p, &x, sizeof x);
    } else if (m->type == RFL_METRIC_COUNT) {
      int64_t x = isfinite(v) ? (int64_t)v : 0;
      memcpy(p, &x, sizeof x);
    } else {
      *p = (uint8_t)(v != 0.0);
    }
  }
}

static rfl_status record_write(const rfl_h5out *o, hid_t g, const char *name, const record *r, const void *rows,
                               size_t nrows, const char *description) {
  return h5o_table_write(o, g, "/summary", name, r->cols, r->ncols, r->size, rows, nrows, description);
}

/* /summary/metrics: one record, the end of RF's and the cool-down's snapshot figures
 * ("final_") and the run's. */
static rfl_status write_metrics(const rfl_h5out *o, hid_t g, const rfl_summary *s) {
  record r = {.ncols = 0};
  size_t start[3];
  for (int place = 0; place < 2; ++place) {
    start[place] = r.ncols;
    record_add_scope(&r, RFL_METRIC_SNAPSHOT, rfl_snapshot_places[place].column_prefix);
  }
  start[2] = r.ncols;
  record_add_scope(&r, RFL_METRIC_RUN, "");
  unsigned char *rec = calloc(1, r.size);
  if (!rec) return RFL_ERROR(RFL_ENOMEM, "%s: out of memory for /summary/metrics", o->path);
  for (int place = 0; place < 2; ++place) {
    rfl_metric_source src = rfl_metric_snapshot(s, rfl_snapshot_at(s, place), place);
    record_fill(&r, start[place], start[place + 1], rec, &src);
  }
  rfl_metric_source run = rfl_metric_run(s);
  record_fill(&r, start[2], r.ncols, rec, &run);
  rfl_status st = record_write(o, g, "metrics", &r, rec, 1,
                               "the run's figures: lesion at the end of RF and after the cool-down, generator at "
                               "the end of RF, peaks, energy budget, flag counts, cost");
  free(rec);
  return st;
}

/* /summary/lesion: the growth snapshots (those at the end of RF or of the run are the
 * end_of_rf and final rows), then end_of_rf and final. */
static rfl_status write_lesion(const rfl_h5out *o, hid_t g, const rfl_summary *s) {
  record r = {.ncols = 0};
  record_add(&r, "", "snapshot", H5O_COL_STR, TEXT_SIZE, "-", NULL);
  record_add_scope(&r, RFL_METRIC_SNAPSHOT, "");
  int ng = s->ngrowth < 0 ? 0 : s->ngrowth > RFL_MAX_OUTPUT_TIMES ? RFL_MAX_OUTPUT_TIMES : s->ngrowth;
  unsigned char *rows = calloc((size_t)ng + 2, r.size);
  if (!rows) return RFL_ERROR(RFL_ENOMEM, "%s: out of memory for /summary/lesion", o->path);
  size_t n = 0;
  for (int i = 0; i < ng + 2; ++i) {
    const rfl_lesion_snapshot *snap = i < ng ? &s->growth[i] : rfl_snapshot_at(s, i - ng);
    if (i < ng && (snap->t == s->end_of_rf.t || snap->t == s->final.t)) continue;
    unsigned char *rec = rows + n++ * r.size;
    snprintf((char *)rec, TEXT_SIZE, "%s", i < ng ? "growth" : i == ng ? "end_of_rf" : "final");
    rfl_metric_source src = rfl_metric_snapshot(s, snap, i < ng ? -1 : i - ng);
    record_fill(&r, 1, r.ncols, rec, &src);
  }
  rfl_status st = record_write(o, g, "lesion", &r, rows, n,
                               "lesion (Omega >= 1) and isotherm lesion at each output time before the end of RF "
                               "or of the run (growth), the end of RF and the end of the run (final)");
  free(rows);
  return st;
}

/* A structure's name, role, metrics, one 0/1 column per flag kind and its flags as text. */
static void structure_record(record *r) {
  record_add(r, "", "name", H5O_COL_STR, RFL_NAME_MAX, "-", NULL);
  record_add(r, "", "role", H5O_COL_STR, TEXT_SIZE, "-", NULL);
  record_add_scope(r, RFL_METRIC_STRUCTURE, "");
  for (int f = 0; f < RFL_FLAG_KINDS; ++f)
    record_add(r, "", rfl_flag_name((rfl_flag_kind)f), H5O_COL_U8, sizeof(uint8_t), "-", NULL);
  record_add(r, "", "flags", H5O_COL_STR, FLAGS_SIZE, "-", NULL);
}

static void structure_fill(const record *r, unsigned char *rec, const rfl_summary *s, int k) {
  const rfl_structure_report *sr = &s->structures[k];
  rfl_metric_source src = rfl_metric_structure(s, k);
  if (sr->structure) {
    snprintf((char *)rec, RFL_NAME_MAX, "%s", sr->structure->name);
    snprintf((char *)rec + r->cols[1].offset, TEXT_SIZE, "%s", rfl_role_name(sr->structure->role));
  }
  record_fill(r, 2, r->ncols, rec, &src);
  size_t c = r->ncols - 1 - RFL_FLAG_KINDS;
  for (int f = 0; f < RFL_FLAG_KINDS; ++f)
    rec[r->cols[c + (size_t)f].offset] = (uint8_t)rfl_flag_raised(sr, (rfl_flag_kind)f);
  rfl_flag_list(sr, ",", (char *)rec + r->cols[r->ncols - 1].offset, FLAGS_SIZE);
}

static rfl_status write_structures(const rfl_h5out *o, hid_t g, const rfl_summary *s, int ns) {
  record r = {.ncols = 0};
  structure_record(&r);
  unsigned char *rows = calloc((size_t)ns + 1, r.size);
  if (!rows) return RFL_ERROR(RFL_ENOMEM, "%s: out of memory for /summary/structures", o->path);
  for (int k = 0; k < ns; ++k) structure_fill(&r, rows + (size_t)k * r.size, s, k);
  rfl_status st = record_write(o, g, "structures", &r, rows, (size_t)ns,
                               "per structure: margins, peaks, damage and safety flags");
  free(rows);
  return st;
}

/* A 1-D dataset of n fixed-length strings of `width` bytes each. */
static rfl_status string_array_write(const rfl_h5out *o, hid_t g, const char *where, const char *name,
                                     const char *description, const void *data, size_t width, int n) {
  h5o_dataset_spec d = {name, "-", description, H5I_INVALID_HID, H5I_INVALID_HID, 1,
                        {(hsize_t)(n < 0 ? 0 : n), 0, 0}, 0};
  hid_t str = h5o_string_type(width);
  if (str < 0) return H5O_FAIL(o, "make the string type of %s/%s", where, name);
  d.filetype = d.memtype = str;
  rfl_status st = h5o_dataset_write(o, g, where, &d, data, NULL);
  H5E_BEGIN_TRY { H5Tclose(str); }
  H5E_END_TRY;
  return st;
}

/* The flags in words and the effectiveness findings: /summary/flag_text (one sentence per
 * /summary/flags entry), /summary/findings (KIND:structure) and /summary/finding_text, and
 * the attribute nfindings. */
static rfl_status write_flag_words(const rfl_h5out *o, hid_t g, const rfl_summary *s) {
  int nf = s->nflags < 0 ? 0 : s->nflags > RFL_MAX_FLAGS ? RFL_MAX_FLAGS : s->nflags;
  int nd = s->nfindings < 0 ? 0 : s->nfindings > RFL_MAX_FLAGS ? RFL_MAX_FLAGS : s->nfindings;
  RFL_CHECK(h5o_attr_i32(o, g, "/summary", "nfindings", nd));
  RFL_CHECK(string_array_write(o, g, "/summary", "flag_text", "the safety flags in words (rows of /summary/flags)",
                               s->flag_text, sizeof s->flag_text[0], nf));
  RFL_CHECK(string_array_write(o, g, "/summary", "findings",
                               "effectiveness findings, KIND:structure (reported; no exit code)", s->findings,
                               sizeof s->findings[0], nd));
  return string_array_write(o, g, "/summary", "finding_text", "the findings in words (rows of /summary/findings)",
                            s->finding_text, sizeof s->finding_text[0], nd);
}

/* /summary/errors: every figure with its discretisation error (error_estimate.h), and how
 * the error was estimated as attributes. */
typedef struct {
  char figure[RFL_NAME_MAX + 32];
  char unit[8];
  double value;
  double error;
} error_rec;

static const h5o_column error_cols[] = {
    H5O_COL(error_rec, figure, H5O_COL_STR, "-"),
    H5O_COL(error_rec, unit, H5O_COL_STR, "-"),
    H5O_COL(error_rec, value, H5O_COL_F64, "(unit)"),
    H5O_COL(error_rec, error, H5O_COL_F64, "(unit)"),
};

static rfl_status write_errors(rfl_h5out *o, hid_t g, const rfl_summary *s) {
  const rfl_error_estimate *e = &s->errors;
  int n = rfl_error_peak_index(s->nstructures) + 1;
  error_rec *rows = calloc((size_t)n, sizeof *rows);
  if (!rows) return RFL_ERROR(RFL_ENOMEM, "%s: out of memory for /summary/errors", o->path);
  for (int i = 0; i < n; i++) {
    const char *unit;
    rfl_summary_error_figure(s, i, rows[i].figure, sizeof rows[i].figure, &unit, &rows[i].value, &rows[i].error);
    snprintf(rows[i].unit, sizeof rows[i].unit, "%s", unit);
  }
  hid_t t = H5I_INVALID_HID;
  rfl_status st = h5o_table_write(o, g, "/summary", "errors", error_cols, H5O_NCOLS(error_cols), sizeof rows[0], rows,
                              (size_t)n, "discretisation error of each figure (NaN: not estimated), "
                              "from a second solution on coarser cells and steps (Richardson/GCI)");
  if (st == RFL_OK && (t = H5Dopen2(g, "errors", H5P_DEFAULT)) < 0) st = H5O_FAIL(o, "open /summary/errors");
  if (st == RFL_OK) st = h5o_attr_i32(o, t, "/summary/errors", "estimated", e->estimated);
  if (st == RFL_OK) st = h5o_attr_f64(o, t, "/summary/errors", "accuracy_mm", 1e3 * e->accuracy);
  if (st == RFL_OK) st = h5o_attr_f64(o, t, "/summary/errors", "largest_length_mm", 1e3 * e->largest_length);
  if (st == RFL_OK) st = h5o_attr_f64(o, t, "/summary/errors", "spacing_mm", 1e3 * e->spacing);
  if (st == RFL_OK) st = h5o_attr_f64(o, t, "/summary/errors", "coarse_spacing_mm", 1e3 * e->coarse_spacing);
  if (st == RFL_OK) st = h5o_attr_f64(o, t, "/summary/errors", "ratio", e->ratio);
  if (st == RFL_OK) st = h5o_attr_i32(o, t, "/summary/errors", "refinements", e->refinements);
  if (st == RFL_OK) st = h5o_attr_str(o, t, "/summary/errors", "note", e->note);
  if (t >= 0) H5Dclose(t);
  free(rows);
  return st;
}

/* /summary/structure_peak_C: each structure's hottest point after every step. */
static rfl_status write_peak_history(const rfl_h5out *o, hid_t g, const rfl_summary *s, int ns) {
  if (ns == 0 || s->history_steps == 0 || !s->history_peak_C) return RFL_OK;
  h5o_dataset_spec h = {"structure_peak_C", "C",
                        "hottest point of each structure after each step (rows: steps as in /series; columns: "
                        "/summary/structures)",
                        H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, {s->history_steps, (hsize_t)ns, 0}, 1};
  char names[RFL_MAX_STRUCTURES][RFL_NAME_MAX];
  memset(names, 0, sizeof names);
  for (int k = 0; k < ns; ++k)
    if (s->structures[k].structure) snprintf(names[k], sizeof names[k], "%s", s->structures[k].structure->name);
  hid_t dset = H5I_INVALID_HID;
  rfl_status st = h5o_dataset_write(o, g, "/summary", &h, s->history_peak_C, &dset);
  if (st == RFL_OK)
    st = h5o_attr_strv(o, dset, "/summary/structure_peak_C", "structures", names[0], sizeof names[0], (size_t)ns);
  if (dset >= 0 && st != RFL_OK) {
    H5E_BEGIN_TRY { H5Dclose(dset); }
    H5E_END_TRY;
  } else if (dset >= 0) {
    st = h5o_close_dataset(o, &dset, "/summary/structure_peak_C");
  }
  return st;
}

static rfl_status write_summary(rfl_h5out *o, const rfl_summary *s) {
  int ns = s->nstructures < 0 ? 0 : s->nstructures > RFL_MAX_STRUCTURES ? RFL_MAX_STRUCTURES : s->nstructures;
  int nf = s->nflags < 0 ? 0 : s->nflags > RFL_MAX_FLAGS ? RFL_MAX_FLAGS : s->nflags;
  hid_t g = H5I_INVALID_HID;
  rfl_status st = h5o_group_create(o, o->file, "summary", "/summary", &g);
  if (st == RFL_OK) st = h5o_attr_i32(o, g, "/summary", "nflags", s->nflags);
  if (st == RFL_OK) st = write_metrics(o, g, s);
  if (st == RFL_OK) st = write_lesion(o, g, s);
  if (st == RFL_OK) st = write_structures(o, g, s, ns);
  if (st == RFL_OK) /* one KIND:structure string per raised flag */
    st = string_array_write(o, g, "/summary", "flags", "raised safety flags, KIND:structure", s->flags,
                            sizeof s->flags[0], nf);
  if (st == RFL_OK) st = write_flag_words(o, g, s);
  if (st == RFL_OK) st = write_errors(o, g, s);
  if (st == RFL_OK) st = write_peak_history(o, g, s, ns);
  h5o_close_group(&g);
  return st;
}

rfl_status rfl_h5out_write_summary(rfl_h5out *out, const rfl_summary *s) {
  if (out->status != RFL_OK) return h5o_reraise(out);
  if (out->have_summary) return RFL_ERROR(RFL_EUSAGE, "%s: the summary was already written", out->path);
  if (!s) return RFL_ERROR(RFL_EUSAGE, "%s: no summary", out->path);
  rfl_hdf5_quiet q;
  rfl_hdf5_quiet_begin(&q);
  rfl_status st = write_summary(out, s);
  rfl_hdf5_quiet_end(&q);
  if (st == RFL_OK) out->have_summary = 1;
  return h5o_poison(out, st);
}
