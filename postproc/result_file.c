// SPDX-License-Identifier: BSD-3-Clause
/* Reading a run back from its HDF5 results file (see result_file.h). The case comes from
 * /case's `ini` text (the resolved case, every key), so the grid is built as the run built
 * it; /grid's sizes must agree. Compound tables are read by member name into local records
 * (HDF5 converts), so columns added later do not matter. */
#include "result_file.h"

#include <errno.h>
#include <hdf5.h>
#include <stddef.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "case_reader.h"

#define MM 1e-3

typedef struct {
  const char *path;
  hid_t file;
} reader;

static rfl_status bad(const reader *r, const char *what) {
  return RFL_ERROR(RFL_EINPUT, "%s: not a complete rflesion result file: %s", r->path, what);
}

/* A string attribute of an object into buf (empty when absent); heap copy when *heap. */
static rfl_status read_text_attr(const reader *r, const char *obj, const char *name, char **out) {
  *out = NULL;
  if (H5Aexists_by_name(r->file, obj, name, H5P_DEFAULT) <= 0) return bad(r, "a text attribute is missing");
  hid_t a = H5Aopen_by_name(r->file, obj, name, H5P_DEFAULT, H5P_DEFAULT);
  hid_t t = a >= 0 ? H5Aget_type(a) : H5I_INVALID_HID;
  size_t n = t >= 0 ? H5Tget_size(t) : 0;
  rfl_status st = RFL_OK;
  char *buf = n > 0 && H5Tget_class(t) == H5T_STRING && !H5Tis_variable_str(t) ? calloc(n + 1, 1) : NULL;
  if (!buf || H5Aread(a, t, buf) < 0) st = bad(r, "a text attribute cannot be read");
  if (t >= 0) H5Tclose(t);
  if (a >= 0) H5Aclose(a);
  if (st != RFL_OK) free(buf);
  else *out = buf;
  return st;
}

static void copy_attr(const reader *r, const char *name, char *dst, size_t size, const char *fallback) {
  char *text = NULL;
  H5E_BEGIN_TRY { read_text_attr(r, "/", name, &text); }
  H5E_END_TRY;
  snprintf(dst, size, "%s", text ? text : fallback);
  free(text);
  rfl_error_clear();
}

/* A numeric dataset of exactly n elements, read as `memtype`. */
static rfl_status read_array(const reader *r, const char *name, hid_t memtype, void *dst, size_t n) {
  hid_t d = H5Dopen2(r->file, name, H5P_DEFAULT);
  hid_t s = d >= 0 ? H5Dget_space(d) : H5I_INVALID_HID;
  hssize_t count = s >= 0 ? H5Sget_simple_extent_npoints(s) : -1;
  rfl_status st = RFL_OK;
  if (d < 0 || count != (hssize_t)n || H5Dread(d, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, dst) < 0)
    st = RFL_ERROR(RFL_EINPUT, "%s: not a complete rflesion result file: %s missing or not of %zu values", r->path,
                   name, n);
  if (s >= 0) H5Sclose(s);
  if (d >= 0) H5Dclose(d);
  return st;
}

/* Number of elements of a dataset (-1 when it is missing). */
static long long extent(const reader *r, const char *name) {
  if (H5Lexists(r->file, name, H5P_DEFAULT) <= 0) return -1;
  hid_t d = H5Dopen2(r->file, name, H5P_DEFAULT);
  hid_t s = d >= 0 ? H5Dget_space(d) : H5I_INVALID_HID;
  long long n = s >= 0 ? (long long)H5Sget_simple_extent_npoints(s) : -1;
  if (s >= 0) H5Sclose(s);
  if (d >= 0) H5Dclose(d);
  return n;
}

static rfl_status read_case_and_grid(const reader *r, rfl_result_file *res) {
  char *ini = NULL;
  RFL_CHECK(read_text_attr(r, "/case", "ini", &ini));
  char name[RFL_PATH_MAX + 16];
  snprintf(name, sizeof name, "%s:/case ini", r->path);
  rfl_status st = rfl_case_read_buffer(name, ini, strlen(ini), NULL, &res->kase);
  free(ini);
  RFL_CHECK(st);
  RFL_CHECK(rfl_grid_create(&res->kase.grid, &res->grid));
  int n[3];
  for (int a = 0; a < 3; ++a) {
    static const char *const centres[] = {"/grid/xc_mm", "/grid/yc_mm", "/grid/zc_mm"};
    n[a] = (int)extent(r, centres[a]);
    if (n[a] != res->grid->n[a])
      return RFL_ERROR(RFL_EINPUT, "%s: the grid of the file (%s: %d cells) is not the one its case builds (%d cells)",
                       r->path, centres[a], n[a], res->grid->n[a]);
  }
  return RFL_OK;
}

static rfl_status read_labels(const reader *r, rfl_result_file *res) {
  size_t nc = res->grid->ncells;
  uint8_t *tmp = malloc(nc);
  res->geometry.label = calloc(nc, sizeof *res->geometry.label);
  if (!tmp || !res->geometry.label) {
    free(tmp);
    return RFL_ERROR(RFL_ENOMEM, "%s: out of memory for the labels (%zu cells)", r->path, nc);
  }
  res->geometry.grid = res->grid;
  res->geometry.symmetry = res->kase.grid.symmetry;
  static const char *const names[] = {"/grid/material", "/grid/part", "/grid/probe"};
  rfl_status st = RFL_OK;
  for (int q = 0; q < 3 && st == RFL_OK; ++q) {
    st = read_array(r, names[q], H5T_NATIVE_UINT8, tmp, nc);
    for (size_t i = 0; st == RFL_OK && i < nc; ++i) {
      if (q == 0) res->geometry.label[i].material = tmp[i];
      if (q == 1) res->geometry.label[i].part = tmp[i];
      if (q == 2) res->geometry.label[i].probe = tmp[i];
    }
  }
  for (size_t i = 0; st == RFL_OK && i < nc; ++i)
    if (res->geometry.label[i].material >= res->kase.nmaterials || res->geometry.label[i].part > 2)
      st = bad(r, "/grid/material or /grid/part holds a label its case does not have");
  free(tmp);
  return st;
}

/* The fields saved at time t into fields[0..3] (temperature, peak, Omega, CEM43). */
static rfl_status read_fields_at(const reader *r, const rfl_result_file *res, double t, double *fields,
                                 rfl_field_view *view) {
  static const char *const names[] = {"temperature_C", "peak_temperature_C", "omega", "cem43_min"};
  size_t nc = res->grid->ncells;
  char path[96];
  for (int q = 0; q < 4; ++q) {
    snprintf(path, sizeof path, "/fields/t_%07.3f/%s", t, names[q]);
    RFL_CHECK(read_array(r, path, H5T_NATIVE_DOUBLE, fields + (size_t)q * nc, nc));
  }
  memset(view, 0, sizeof *view);
  view->kase = &res->kase;
  view->grid = res->grid;
  view->geometry = &res->geometry;
  view->t = t;
  view->temperature = fields;
  view->peak_temperature = fields + nc;
  view->omega = fields + 2 * nc;
  view->cem43 = fields + 3 * nc;
  return RFL_OK;
}

static rfl_status read_series(const reader *r, rfl_result_file *res) {
  long long n = extent(r, "/series/t_s");
  if (n < 0) return bad(r, "no /series");
  res->nsamples = (size_t)n;
  res->samples = calloc(res->nsamples ? res->nsamples : 1, sizeof *res->samples);
  double *v = malloc((res->nsamples ? res->nsamples : 1) * sizeof *v);
  uint8_t *on = malloc(res->nsamples ? res->nsamples : 1);
  if (!res->samples || !v || !on) {
    free(v), free(on);
    return RFL_ERROR(RFL_ENOMEM, "%s: out of memory for the time series", r->path);
  }
  static const struct {
    const char *name;
    size_t offset;
  } cols[] = {{"/series/t_s", offsetof(rfl_sample, t)},
              {"/series/voltage_V", offsetof(rfl_sample, voltage)},
              {"/series/current_A", offsetof(rfl_sample, current)},
              {"/series/power_W", offsetof(rfl_sample, power)},
              {"/series/impedance_ohm", offsetof(rfl_sample, impedance)},
              {"/series/thermocouple_C", offsetof(rfl_sample, thermocouple_C)},
              {"/series/setpoint_C", offsetof(rfl_sample, setpoint_C)},
              {"/series/tissue_max_C", offsetof(rfl_sample, tissue_max_C)}};
  rfl_status st = RFL_OK;
  for (size_t c = 0; c < sizeof cols / sizeof cols[0] && st == RFL_OK; ++c) {
    st = read_array(r, cols[c].name, H5T_NATIVE_DOUBLE, v, res->nsamples);
    for (size_t i = 0; st == RFL_OK && i < res->nsamples; ++i)
      memcpy((char *)&res->samples[i] + cols[c].offset, &v[i], sizeof v[i]);
  }
  if (st == RFL_OK) st = read_array(r, "/series/rf_on", H5T_NATIVE_UINT8, on, res->nsamples);
  for (size_t i = 0; st == RFL_OK && i < res->nsamples; ++i) res->samples[i].rf_on = on[i];
  free(v), free(on);
  return st;
}

/* A compound table read by member names: n records of `size` bytes. */
static rfl_status read_table(const reader *r, const char *name, hid_t memtype, void *dst, size_t n) {
  return read_array(r, name, memtype, dst, n);
}

typedef struct {
  char snapshot[16];
  double time_s;
  uint8_t lesion_found, isotherm_found;
  double lw, ll, ld, lv, iw, il, id, iv;
} lesion_row;

static hid_t lesion_row_type(void) {
  hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(lesion_row));
  hid_t s16 = H5Tcopy(H5T_C_S1);
  H5Tset_size(s16, 16);
  H5Tinsert(t, "snapshot", offsetof(lesion_row, snapshot), s16);
  H5Tclose(s16);
  H5Tinsert(t, "time_s", offsetof(lesion_row, time_s), H5T_NATIVE_DOUBLE);
  H5Tinsert(t, "lesion_found", offsetof(lesion_row, lesion_found), H5T_NATIVE_UINT8);
  H5Tinsert(t, "lesion_width_mm", offsetof(lesion_row, lw), H5T_NATIVE_DOUBLE);
  H5Tinsert(t, "lesion_length_mm", offsetof(lesion_row, ll), H5T_NATIVE_DOUBLE);
  H5Tinsert(t, "lesion_distal_mm", offsetof(lesion_row, ld), H5T_NATIVE_DOUBLE);
  H5Tinsert(t, "lesion_volume_mm3", offsetof(lesion_row, lv), H5T_NATIVE_DOUBLE);
  H5Tinsert(t, "isotherm_found", offsetof(lesion_row, isotherm_found), H5T_NATIVE_UINT8);
  H5Tinsert(t, "isotherm_width_mm", offsetof(lesion_row, iw), H5T_NATIVE_DOUBLE);
  H5Tinsert(t, "isotherm_length_mm", offsetof(lesion_row, il), H5T_NATIVE_DOUBLE);
  H5Tinsert(t, "isotherm_distal_mm", offsetof(lesion_row, id), H5T_NATIVE_DOUBLE);
  H5Tinsert(t, "isotherm_volume_mm3", offsetof(lesion_row, iv), H5T_NATIVE_DOUBLE);
  return t;
}

static rfl_lesion_metrics metrics_mm(uint8_t found, double w, double l, double d, double v) {
  rfl_lesion_metrics m = {found, w * MM, l * MM, d * MM, v * MM * MM * MM};
  return m;
}

static rfl_status read_lesions(const reader *r, rfl_summary *s) {
  long long n = extent(r, "/summary/lesion");
  if (n < 2 || n > RFL_MAX_OUTPUT_TIMES + 2) return bad(r, "/summary/lesion is missing or has no end_of_rf and final rows");
  lesion_row rows[RFL_MAX_OUTPUT_TIMES + 2];
  hid_t t = lesion_row_type();
  rfl_status st = read_table(r, "/summary/lesion", t, rows, (size_t)n);
  H5Tclose(t);
  RFL_CHECK(st);
  for (long long i = 0; i < n; ++i) {
    rfl_lesion_snapshot snap = {rows[i].time_s, metrics_mm(rows[i].lesion_found, rows[i].lw, rows[i].ll, rows[i].ld, rows[i].lv),
                                metrics_mm(rows[i].isotherm_found, rows[i].iw, rows[i].il, rows[i].id, rows[i].iv)};
    if (strcmp(rows[i].snapshot, "end_of_rf") == 0) s->end_of_rf = snap;
    else if (strcmp(rows[i].snapshot, "final") == 0) s->final = snap;
    else if (s->ngrowth < RFL_MAX_OUTPUT_TIMES) s->growth[s->ngrowth++] = snap;
  }
  return RFL_OK;
}

typedef struct {
  double margin_mm, isotherm_margin_mm, peak_C, peak_time_s, max_omega, max_cem43_min, damaged_fraction,
      threshold_crossed_s;
  uint8_t overlap, within, threshold, not_covered;
} structure_row;

static hid_t structure_row_type(void) {
  hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(structure_row));
  H5Tinsert(t, "margin_mm", offsetof(structure_row, margin_mm), H5T_NATIVE_DOUBLE);
  H5Tinsert(t, "isotherm_margin_mm", offsetof(structure_row, isotherm_margin_mm), H5T_NATIVE_DOUBLE);
  H5Tinsert(t, "peak_C", offsetof(structure_row, peak_C), H5T_NATIVE_DOUBLE);
  H5Tinsert(t, "peak_time_s", offsetof(structure_row, peak_time_s), H5T_NATIVE_DOUBLE);
  H5Tinsert(t, "max_omega", offsetof(structure_row, max_omega), H5T_NATIVE_DOUBLE);
  H5Tinsert(t, "max_cem43_min", offsetof(structure_row, max_cem43_min), H5T_NATIVE_DOUBLE);
  H5Tinsert(t, "damaged_fraction", offsetof(structure_row, damaged_fraction), H5T_NATIVE_DOUBLE);
  H5Tinsert(t, "threshold_crossed_s", offsetof(structure_row, threshold_crossed_s), H5T_NATIVE_DOUBLE);
  H5Tinsert(t, "protected_overlap", offsetof(structure_row, overlap), H5T_NATIVE_UINT8);
  H5Tinsert(t, "protected_within_margin", offsetof(structure_row, within), H5T_NATIVE_UINT8);
  H5Tinsert(t, "protected_over_threshold", offsetof(structure_row, threshold), H5T_NATIVE_UINT8);
  H5Tinsert(t, "target_not_covered", offsetof(structure_row, not_covered), H5T_NATIVE_UINT8);
  return t;
}

/* The structure reports (rows in case order); the flags are set again from their figures,
 * which gives the file's flags back (rfl_summary_set_flags). */
static rfl_status read_structures(const reader *r, rfl_result_file *res) {
  rfl_summary *s = &res->summary;
  int ns = res->kase.nstructures;
  s->nstructures = ns;
  if (ns == 0) return RFL_OK;
  structure_row rows[RFL_MAX_STRUCTURES];
  if (extent(r, "/summary/structures") != ns) return bad(r, "/summary/structures does not list the case's structures");
  hid_t t = structure_row_type();
  rfl_status st = read_table(r, "/summary/structures", t, rows, (size_t)ns);
  H5Tclose(t);
  RFL_CHECK(st);
  for (int k = 0; k < ns; ++k) {
    rfl_structure_report *p = &s->structures[k];
    p->structure = &res->kase.structures[k];
    p->margin = rows[k].margin_mm * MM;
    p->isotherm_margin = rows[k].isotherm_margin_mm * MM;
    p->peak_C = rows[k].peak_C;
    p->peak_time_s = rows[k].peak_time_s;
    p->max_omega = rows[k].max_omega;
    p->max_cem43_min = rows[k].max_cem43_min;
    p->damaged_fraction = rows[k].damaged_fraction;
    p->threshold_crossed_s = rows[k].threshold_crossed_s;
    p->covered = p->structure->role == RFL_ROLE_TARGET && !rows[k].not_covered;
  }
  rfl_summary_set_flags(s);
  long long nh = extent(r, "/summary/structure_peak_C");
  if (nh > 0 && nh % ns == 0) {
    double *h = malloc((size_t)nh * sizeof *h);
    if (!h) return RFL_ERROR(RFL_ENOMEM, "%s: out of memory for the structure peaks", r->path);
    if ((st = read_array(r, "/summary/structure_peak_C", H5T_NATIVE_DOUBLE, h, (size_t)nh)) != RFL_OK) {
      free(h);
      return st;
    }
    s->history_peak_C = h;
    s->history_steps = (size_t)(nh / ns);
  }
  return RFL_OK;
}

/* The end-of-RF and final fields: the saved times equal to the duration and the latest. */
static rfl_status read_fields(const reader *r, rfl_result_file *res) {
  long long nt = extent(r, "/fields/times_s");
  if (nt <= 0 || nt > 4096) return RFL_OK; /* no fields: only the time series can be drawn */
  double times[4096];
  RFL_CHECK(read_array(r, "/fields/times_s", H5T_NATIVE_DOUBLE, times, (size_t)nt));
  double t_end = times[0];
  int have_rf = 0;
  for (long long i = 0; i < nt; ++i) {
    t_end = fmax(t_end, times[i]);
    have_rf |= fabs(times[i] - res->kase.generator.duration_s) <= 1e-6;
  }
  size_t nc = res->grid->ncells;
  res->buffers = malloc(8 * nc * sizeof *res->buffers);
  if (!res->buffers) return RFL_ERROR(RFL_ENOMEM, "%s: out of memory for the fields (%zu cells)", r->path, nc);
  if (have_rf) {
    RFL_CHECK(read_fields_at(r, res, res->kase.generator.duration_s, res->buffers, &res->end_of_rf));
    res->have_end_of_rf = 1;
  }
  RFL_CHECK(read_fields_at(r, res, t_end, res->buffers + 4 * nc, &res->final));
  res->have_final = 1;
  return RFL_OK;
}

static rfl_status read_all(const reader *r, rfl_result_file *res) {
  RFL_CHECK(read_case_and_grid(r, res));
  RFL_CHECK(read_labels(r, res));
  res->summary.kase = &res->kase;
  RFL_CHECK(read_lesions(r, &res->summary));
  RFL_CHECK(read_structures(r, res));
  RFL_CHECK(read_series(r, res));
  RFL_CHECK(read_fields(r, res));
  copy_attr(r, "case_hash", res->case_hash, sizeof res->case_hash, "unknown");
  copy_attr(r, "rflesion_version", res->version, sizeof res->version, "unknown");
  return RFL_OK;
}

rfl_status rfl_result_file_read(const char *path, rfl_result_file **out) {
  *out = NULL;
  rfl_result_file *res = calloc(1, sizeof *res);
  if (!res) return RFL_ERROR(RFL_ENOMEM, "out of memory for a result file");
  FILE *probe = fopen(path, "rb");
  if (!probe) {
    free(res);
    return RFL_ERROR(RFL_EINPUT, "%s: cannot open the result file: %s", path, strerror(errno));
  }
  fclose(probe);
  reader r = {path, H5I_INVALID_HID};
  rfl_status st;
  H5E_BEGIN_TRY {
    r.file = H5Fis_hdf5(path) > 0 ? H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT) : H5I_INVALID_HID;
    st = r.file < 0 ? RFL_ERROR(RFL_EINPUT, "%s: expected an HDF5 result file of rflesion run, found another kind of file", path)
                    : read_all(&r, res);
    if (r.file >= 0) H5Fclose(r.file);
  }
  H5E_END_TRY;
  if (st != RFL_OK) {
    rfl_result_file_free(res);
    return st;
  }
  *out = res;
  return RFL_OK;
}

void rfl_result_file_free(rfl_result_file *r) {
  if (!r) return;
  free((double *)r->summary.history_peak_C);
  free(r->buffers);
  free(r->samples);
  free(r->geometry.label);
  rfl_grid_free(r->grid);
  free(r);
}
