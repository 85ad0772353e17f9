// SPDX-License-Identifier: BSD-3-Clause
/* A run's result file read back (result_reader.h). Summary tables are read column by
 * column, by member name, through a one-member memory type: HDF5 converts the stored type
 * (uint8, int32, float64) to double, and a member the file lacks (an older file, or error
 * bars not recorded) is simply absent. Every dataset's extent is checked against what the
 * grid or the table says before it is read into a buffer. */
#include "result_reader.h"

#include <hdf5.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_reader.h"
#include "hdf5_quiet.h"

#define NOT_A_RESULT "expected an rflesion result file (the .h5 of rflesion run)"

/* ---- small HDF5 readers (all quiet; the caller turns automatic printing off) ------------ */

/* 1 if every component of path (relative to loc, '/'-separated) exists. */
static int exists(hid_t loc, const char *path) {
  char part[256];
  size_t len = 0;
  for (const char *p = path;; ++p) {
    if (*p == '/' || *p == '\0') {
      if (len >= sizeof part) return 0;
      memcpy(part, path, len);
      part[len] = '\0';
      if (len && H5Lexists(loc, part, H5P_DEFAULT) <= 0) return 0;
      if (*p == '\0') return 1;
    }
    ++len;
  }
}

/* String attribute (fixed or variable length) into buf; 0 if absent or not a string. */
static int attr_str(hid_t obj, const char *name, char *buf, size_t size) {
  buf[0] = '\0';
  if (H5Aexists(obj, name) <= 0) return 0;
  hid_t a = H5Aopen(obj, name, H5P_DEFAULT), t = H5I_INVALID_HID, mt = H5I_INVALID_HID;
  int ok = 0;
  if (a >= 0 && (t = H5Aget_type(a)) >= 0 && H5Tget_class(t) == H5T_STRING) {
    if (H5Tis_variable_str(t) > 0) {
      char *s = NULL;
      mt = H5Tcopy(H5T_C_S1);
      if (mt >= 0 && H5Tset_size(mt, H5T_VARIABLE) >= 0 && H5Aread(a, mt, &s) >= 0 && s) {
        snprintf(buf, size, "%s", s);
        H5free_memory(s);
        ok = 1;
      }
    } else {
      size_t n = H5Tget_size(t);
      char *s = calloc(n + 1, 1);
      if (s && H5Aread(a, t, s) >= 0) {
        snprintf(buf, size, "%.*s", (int)n, s);
        ok = 1;
      }
      free(s);
    }
  }
  if (mt >= 0) H5Tclose(mt);
  if (t >= 0) H5Tclose(t);
  if (a >= 0) H5Aclose(a);
  return ok;
}

/* A numeric scalar attribute as double; 0 if absent. */
static int attr_num(hid_t obj, const char *name, double *v) {
  if (H5Aexists(obj, name) <= 0) return 0;
  hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  int ok = a >= 0 && H5Aget_storage_size(a) > 0 && H5Aread(a, H5T_NATIVE_DOUBLE, v) >= 0;
  if (a >= 0) H5Aclose(a);
  return ok;
}

/* Number of elements of dataset path, or -1. */
static long long extent(hid_t loc, const char *path, int *rank, hsize_t dims[3]) {
  hid_t d = H5Dopen2(loc, path, H5P_DEFAULT), s = H5I_INVALID_HID;
  long long n = -1;
  if (d >= 0 && (s = H5Dget_space(d)) >= 0) {
    int r = H5Sget_simple_extent_ndims(s);
    if (r >= 0 && r <= 3) {
      hsize_t tmp[3] = {1, 1, 1};
      H5Sget_simple_extent_dims(s, dims ? dims : tmp, NULL);
      if (rank) *rank = r;
      n = (long long)H5Sget_simple_extent_npoints(s);
    }
  }
  if (s >= 0) H5Sclose(s);
  if (d >= 0) H5Dclose(d);
  return n;
}

/* A whole numeric dataset of exactly n elements, converted to memtype; 0 on any mismatch. */
static int read_n(hid_t loc, const char *path, size_t n, hid_t memtype, void *out) {
  if (!exists(loc, path) || extent(loc, path, NULL, NULL) != (long long)n) return 0;
  hid_t d = H5Dopen2(loc, path, H5P_DEFAULT);
  int ok = d >= 0 && (n == 0 || H5Dread(d, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) >= 0);
  if (d >= 0) H5Dclose(d);
  return ok;
}

static int read_f64(hid_t loc, const char *path, size_t n, double *out) {
  return read_n(loc, path, n, H5T_NATIVE_DOUBLE, out);
}

static int read_u8(hid_t loc, const char *path, size_t n, uint8_t *out) {
  return read_n(loc, path, n, H5T_NATIVE_UINT8, out);
}

/* Column `member` of the compound table dset (nrows rows) as doubles: 1 read, 0 the table
 * has no such member, -1 failure. */
static int column_f64(hid_t dset, const char *member, size_t nrows, double *out) {
  hid_t ft = H5Dget_type(dset);
  int idx = ft >= 0 ? H5Tget_member_index(ft, member) : -1;
  if (ft >= 0) H5Tclose(ft);
  if (idx < 0) return 0;
  if (nrows == 0) return 1;
  hid_t mt = H5Tcreate(H5T_COMPOUND, sizeof(double));
  int ok = mt >= 0 && H5Tinsert(mt, member, 0, H5T_NATIVE_DOUBLE) >= 0 &&
           H5Dread(dset, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) >= 0;
  if (mt >= 0) H5Tclose(mt);
  return ok ? 1 : -1;
}

/* Text column `member` (fixed-length strings) into nrows strings of width bytes each. */
static int column_str(hid_t dset, const char *member, size_t nrows, size_t width, char *out) {
  hid_t ft = H5Dget_type(dset);
  int idx = ft >= 0 ? H5Tget_member_index(ft, member) : -1;
  if (ft >= 0) H5Tclose(ft);
  if (idx < 0) return 0;
  if (nrows == 0) return 1;
  hid_t st = H5Tcopy(H5T_C_S1), mt = H5I_INVALID_HID;
  int ok = st >= 0 && H5Tset_size(st, width) >= 0 && H5Tset_strpad(st, H5T_STR_NULLTERM) >= 0 &&
           (mt = H5Tcreate(H5T_COMPOUND, width)) >= 0 && H5Tinsert(mt, member, 0, st) >= 0 &&
           H5Dread(dset, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) >= 0;
  if (mt >= 0) H5Tclose(mt);
  if (st >= 0) H5Tclose(st);
  for (size_t i = 0; ok && i < nrows; ++i) out[i * width + width - 1] = '\0';
  return ok ? 1 : -1;
}

static double cell(hid_t dset, const char *member) {
  double v = NAN;
  return column_f64(dset, member, 1, &v) == 1 ? v : NAN;
}

/* ---- the parts of the file ----------------------------------------------------------------- */

static rfl_status not_result(const rfl_result *r, const char *found) {
  return RFL_ERROR(RFL_EINPUT, "%s: " NOT_A_RESULT ", found %s", r->path, found);
}

static rfl_status read_root(rfl_result *r, hid_t f) {
  char format[64];
  double v;
  if (!attr_str(f, "format", format, sizeof format) || strcmp(format, "rflesion-h5") != 0) {
    if (exists(f, "results"))
      return not_result(r, "a sweep's results table (for a sweep report give the sweep's directory)");
    return not_result(r, "an HDF5 file without the root attribute format = rflesion-h5");
  }
  rfl_result_provenance *p = &r->provenance;
  p->format_version = attr_num(f, "format_version", &v) ? (int)v : -1;
  if (p->format_version != 1) {
    char found[64];
    snprintf(found, sizeof found, "format_version %d (this program reads 1)", p->format_version);
    return not_result(r, found);
  }
  attr_str(f, "rflesion_version", p->version, sizeof p->version);
  if (!attr_str(f, "commit", p->commit, sizeof p->commit)) snprintf(p->commit, sizeof p->commit, "not recorded");
  attr_str(f, "build_type", p->build_type, sizeof p->build_type);
  attr_str(f, "hdf5_version", p->hdf5, sizeof p->hdf5);
  attr_str(f, "case_hash", p->case_hash, sizeof p->case_hash);
  p->mpi = attr_num(f, "built_with_mpi", &v) ? (int)v : -1;
  p->openmp = attr_num(f, "built_with_openmp", &v) ? (int)v : -1;
  static const char *const groups[] = {"case", "grid", "series", "summary"};
  for (size_t i = 0; i < sizeof groups / sizeof groups[0]; ++i)
    if (!exists(f, groups[i])) {
      char found[96];
      snprintf(found, sizeof found, "a file without /%s (not a finished run)", groups[i]);
      return not_result(r, found);
    }
  return RFL_OK;
}

static rfl_status read_case(rfl_result *r, hid_t f) {
  hid_t g = H5Gopen2(f, "case", H5P_DEFAULT), a = H5I_INVALID_HID, t = H5I_INVALID_HID;
  char *ini = NULL;
  size_t n = 0;
  if (g >= 0 && H5Aexists(g, "ini") > 0 && (a = H5Aopen(g, "ini", H5P_DEFAULT)) >= 0 &&
      (t = H5Aget_type(a)) >= 0 && H5Tget_class(t) == H5T_STRING && H5Tis_variable_str(t) == 0) {
    n = H5Tget_size(t);
    ini = calloc(n + 1, 1);
    if (ini && H5Aread(a, t, ini) < 0) {
      free(ini);
      ini = NULL;
    }
  }
  if (t >= 0) H5Tclose(t);
  if (a >= 0) H5Aclose(a);
  if (g >= 0) H5Gclose(g);
  if (!ini) return not_result(r, "no resolved case (attribute ini of /case)");
  char name[RFL_PATH_MAX + 16];
  snprintf(name, sizeof name, "%s:/case", r->path);
  rfl_status st = rfl_case_read_buffer(name, ini, strlen(ini), NULL, &r->kase);
  free(ini);
  if (st != RFL_OK) {
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", rfl_error_message());
    return RFL_ERROR(RFL_EINPUT, "%s: cannot read the run's case back: %s", r->path, msg);
  }
  return RFL_OK;
}

static rfl_status read_grid(rfl_result *r, hid_t f) {
  static const char *const faces[3] = {"grid/x_mm", "grid/y_mm", "grid/z_mm"};
  double *xf[3] = {NULL, NULL, NULL};
  int n[3];
  rfl_status st = RFL_OK;
  for (int a = 0; a < 3 && st == RFL_OK; ++a) {
    long long m = exists(f, faces[a]) ? extent(f, faces[a], NULL, NULL) : -1;
    if (m < 2) {
      st = not_result(r, "no grid coordinates (/grid/x_mm, y_mm, z_mm)");
      break;
    }
    n[a] = (int)(m - 1);
    if (!(xf[a] = malloc((size_t)m * sizeof(double)))) st = RFL_ERROR(RFL_ENOMEM, "%s: out of memory", r->path);
    else if (!read_f64(f, faces[a], (size_t)m, xf[a])) st = not_result(r, "unreadable grid coordinates");
    for (long long i = 0; st == RFL_OK && i < m; ++i) xf[a][i] *= 1e-3;
  }
  if (st == RFL_OK) st = rfl_grid_create_from_faces(n, (const double *const *)xf, &r->grid);
  for (int a = 0; a < 3; ++a) free(xf[a]);
  if (st != RFL_OK) return st;
  size_t nc = r->grid->ncells;
  uint8_t *lab = malloc(3 * nc);
  r->geometry.grid = r->grid;
  r->geometry.label = malloc(nc * sizeof *r->geometry.label);
  if (!lab || !r->geometry.label) st = RFL_ERROR(RFL_ENOMEM, "%s: out of memory for %zu cells", r->path, nc);
  else if (!read_u8(f, "grid/material", nc, lab) || !read_u8(f, "grid/part", nc, lab + nc) ||
           !read_u8(f, "grid/probe", nc, lab + 2 * nc))
    st = not_result(r, "cell labels (/grid/material, part, probe) that do not match the grid");
  for (size_t c = 0; st == RFL_OK && c < nc; ++c) {
    if (lab[c] >= r->kase.nmaterials) st = not_result(r, "a material label beyond the case's materials");
    r->geometry.label[c] = (rfl_label){lab[c], lab[nc + c], lab[2 * nc + c]};
  }
  free(lab);
  return st;
}

static rfl_status read_series(rfl_result *r, hid_t f) {
  long long n = exists(f, "series/t_s") ? extent(f, "series/t_s", NULL, NULL) : -1;
  if (n < 0) return not_result(r, "no time series (/series/t_s)");
  r->nsamples = (size_t)n;
  double *v = malloc((n ? (size_t)n : 1) * sizeof *v);
  r->samples = calloc(n ? (size_t)n : 1, sizeof *r->samples);
  if (!v || !r->samples) {
    free(v);
    return RFL_ERROR(RFL_ENOMEM, "%s: out of memory for %lld samples", r->path, n);
  }
  static const struct {
    const char *name;
    size_t offset;
    int optional; /* absent from files written before it was added: read as NaN */
  } cols[] = {{"series/t_s", offsetof(rfl_sample, t), 0},
              {"series/voltage_V", offsetof(rfl_sample, voltage), 0},
              {"series/current_A", offsetof(rfl_sample, current), 0},
              {"series/power_W", offsetof(rfl_sample, power), 0},
              {"series/impedance_ohm", offsetof(rfl_sample, impedance), 0},
              {"series/reading_ohm", offsetof(rfl_sample, reading_ohm), 1},
              {"series/output_voltage_V", offsetof(rfl_sample, output_voltage), 1},
              {"series/output_power_W", offsetof(rfl_sample, output_power), 1},
              {"series/thermocouple_C", offsetof(rfl_sample, thermocouple_C), 0},
              {"series/setpoint_C", offsetof(rfl_sample, setpoint_C), 0},
              {"series/tissue_max_C", offsetof(rfl_sample, tissue_max_C), 0},
              {"series/rf_on", (size_t)-1, 0}};
  for (size_t k = 0; k < sizeof cols / sizeof cols[0]; ++k) {
    const int present = read_f64(f, cols[k].name, (size_t)n, v);
    if (!present && cols[k].optional) {
      for (long long i = 0; i < n; ++i) v[i] = NAN;
    } else if (!present) {
      free(v);
      char found[96];
      snprintf(found, sizeof found, "no %s of the time series' length", cols[k].name);
      return not_result(r, found);
    }
    for (long long i = 0; i < n; ++i) {
      if (cols[k].offset == (size_t)-1) r->samples[i].rf_on = v[i] != 0.0;
      else *(double *)((char *)&r->samples[i] + cols[k].offset) = v[i];
    }
  }
  free(v);
  return RFL_OK;
}

/* One lesion snapshot from row i of a table whose columns are PREFIXlesion_width_mm, ... */
static void lesion_from(hid_t d, size_t nrows, size_t i, const char *prefix, const char *what,
                        rfl_lesion_metrics *m) {
  static const char *const cols[] = {"found", "width_mm", "length_mm", "distal_mm", "volume_mm3"};
  double v[5];
  double *buf = malloc((nrows ? nrows : 1) * sizeof *buf);
  for (int c = 0; c < 5; ++c) {
    char name[96];
    snprintf(name, sizeof name, "%s%s_%s", prefix, what, cols[c]);
    v[c] = buf && column_f64(d, name, nrows, buf) == 1 ? buf[i] : NAN;
  }
  free(buf);
  m->found = v[0] == 1.0;
  m->width = 1e-3 * v[1];
  m->length = 1e-3 * v[2];
  m->distal = 1e-3 * v[3];
  m->volume = 1e-9 * v[4];
}

static rfl_status read_metrics(rfl_result *r, hid_t f) {
  if (!exists(f, "summary/metrics") || extent(f, "summary/metrics", NULL, NULL) != 1)
    return not_result(r, "no one-row table /summary/metrics");
  hid_t d = H5Dopen2(f, "summary/metrics", H5P_DEFAULT);
  if (d < 0) return not_result(r, "an unreadable /summary/metrics");
  rfl_summary *s = &r->summary;
  s->end_of_rf.t = cell(d, "time_s");
  s->final.t = cell(d, "final_time_s");
  lesion_from(d, 1, 0, "", "lesion", &s->end_of_rf.lesion);
  lesion_from(d, 1, 0, "", "isotherm", &s->end_of_rf.isotherm);
  lesion_from(d, 1, 0, "final_", "lesion", &s->final.lesion);
  lesion_from(d, 1, 0, "final_", "isotherm", &s->final.isotherm);
  rfl_sample *g = &s->generator_end;
  g->t = s->end_of_rf.t;
  g->voltage = cell(d, "voltage_V");
  g->current = cell(d, "current_A");
  g->power = cell(d, "power_W");
  g->impedance = cell(d, "impedance_ohm");
  g->reading_ohm = cell(d, "reading_ohm");
  g->output_voltage = cell(d, "output_voltage_V");
  g->output_power = cell(d, "output_power_W");
  g->thermocouple_C = cell(d, "thermocouple_C");
  s->thermocouple_max_C = cell(d, "thermocouple_max_C");
  s->peak_tissue_end_C = cell(d, "peak_tissue_end_C");
  s->peak_tissue_run_C = cell(d, "peak_tissue_run_C");
  s->peak_tissue_run_time_s = cell(d, "peak_tissue_run_time_s");
  s->energy = (rfl_energy_budget){cell(d, "energy_electrical_J"), cell(d, "energy_metabolic_J"),
                                  cell(d, "energy_stored_J"),     cell(d, "energy_boundary_J"),
                                  cell(d, "energy_perfusion_J"),  cell(d, "energy_cooling_J")};
  double v = cell(d, "cells");
  s->cells = isfinite(v) && v > 0 ? (size_t)v : 0;
  v = cell(d, "steps");
  s->steps = isfinite(v) && v > 0 ? (size_t)v : 0;
  v = cell(d, "threads");
  s->threads = isfinite(v) ? (int)v : 0;
  s->wall_s = cell(d, "wall_s");
  s->setup_s = cell(d, "setup_s");
  H5Dclose(d);
  return RFL_OK;
}

static rfl_status read_growth(rfl_result *r, hid_t f) {
  long long n = exists(f, "summary/lesion") ? extent(f, "summary/lesion", NULL, NULL) : 0;
  if (n <= 0) return RFL_OK;
  hid_t d = H5Dopen2(f, "summary/lesion", H5P_DEFAULT);
  char (*what)[16] = calloc((size_t)n, sizeof *what);
  double *t = malloc((size_t)n * sizeof *t);
  rfl_status st = RFL_OK;
  if (!what || !t) st = RFL_ERROR(RFL_ENOMEM, "%s: out of memory", r->path);
  else if (d < 0 || column_str(d, "snapshot", (size_t)n, 16, what[0]) != 1 || column_f64(d, "time_s", (size_t)n, t) != 1)
    st = not_result(r, "an unreadable /summary/lesion");
  rfl_summary *s = &r->summary;
  for (long long i = 0; st == RFL_OK && i < n; ++i)
    if (strcmp(what[i], "growth") == 0 && s->ngrowth < RFL_MAX_OUTPUT_TIMES) {
      rfl_lesion_snapshot *g = &s->growth[s->ngrowth++];
      g->t = t[i];
      lesion_from(d, (size_t)n, (size_t)i, "", "lesion", &g->lesion);
      lesion_from(d, (size_t)n, (size_t)i, "", "isotherm", &g->isotherm);
    }
  if (d >= 0) H5Dclose(d);
  free(what);
  free(t);
  return st;
}

/* One structure report from row k of /summary/structures (columns in cols, read whole). */
enum { S_MARGIN, S_ISO, S_PEAK, S_PEAK_T, S_OMEGA, S_CEM, S_DAMAGED, S_CROSSED, S_OVERLAP, S_WITHIN, S_OVER,
       S_NOTCOV, S_NCOLS };
static const char *const structure_cols[S_NCOLS] = {
    "margin_mm",  "isotherm_margin_mm", "peak_C",           "peak_time_s",
    "max_omega",  "max_cem43_min",      "damaged_fraction", "threshold_crossed_s",
    "protected_overlap", "protected_within_margin", "protected_over_threshold", "target_not_covered"};

/* The flags of structure k as the file records them today: one uint8 column per kind. The
 * one place to adapt when the records separate safety flags from effectiveness findings. */
static void structure_flags(rfl_structure_report *sr, const double *const col[S_NCOLS], size_t k) {
  sr->flag_overlap = col[S_OVERLAP][k] != 0.0;
  sr->flag_within_margin = col[S_WITHIN][k] != 0.0;
  sr->flag_threshold = col[S_OVER][k] != 0.0;
  sr->flag_not_covered = col[S_NOTCOV][k] != 0.0;
}

static void structure_report(rfl_result *r, const double *const col[S_NCOLS], size_t k) {
  rfl_structure_report *sr = &r->summary.structures[k];
  sr->structure = &r->kase.structures[k];
  sr->margin = 1e-3 * col[S_MARGIN][k];
  sr->isotherm_margin = 1e-3 * col[S_ISO][k];
  sr->peak_C = col[S_PEAK][k];
  sr->peak_time_s = col[S_PEAK_T][k];
  sr->max_omega = col[S_OMEGA][k];
  sr->max_cem43_min = col[S_CEM][k];
  sr->damaged_fraction = col[S_DAMAGED][k];
  sr->threshold_crossed_s = col[S_CROSSED][k];
  structure_flags(sr, col, k);
  sr->covered = sr->structure->role == RFL_ROLE_TARGET && !sr->flag_not_covered;
}

/* margin_within_error, a column files before the error estimate do not have (then 0). */
static void structure_uncertain_flags(rfl_result *r, hid_t d, size_t n, double *buf) {
  int have = column_f64(d, "margin_within_error", n, buf) == 1;
  for (size_t k = 0; k < n; ++k) r->summary.structures[k].flag_within_error = have && buf[k] != 0.0;
}

/* The error bars from /summary/errors (one row per figure: figure, unit, value, error), NaN
 * for figures it does not list (error_estimate = no, or a file without the table). */
static void read_errors(rfl_result *r, hid_t f) {
  rfl_result_lesion_error *le[2] = {&r->lesion_error, &r->isotherm_error};
  for (int l = 0; l < 2; ++l) le[l]->width_mm = le[l]->length_mm = le[l]->distal_mm = le[l]->volume_mm3 = NAN;
  for (int k = 0; k < RFL_MAX_STRUCTURES; ++k)
    r->structure_error[k].margin_mm = r->structure_error[k].isotherm_margin_mm = r->structure_error[k].peak_C = NAN;
  long long n = exists(f, "summary/errors") ? extent(f, "summary/errors", NULL, NULL) : -1;
  if (n <= 0 || n > 4096) return;
  hid_t d = H5Dopen2(f, "summary/errors", H5P_DEFAULT);
  enum { WIDTH = RFL_NAME_MAX + 32 };
  char (*names)[WIDTH] = calloc((size_t)n, sizeof *names);
  double *err = calloc((size_t)n, sizeof *err);
  if (d >= 0 && names && err && column_str(d, "figure", (size_t)n, WIDTH, names[0]) == 1 &&
      column_f64(d, "error", (size_t)n, err) == 1)
    for (long long i = 0; i < n; ++i) {
      static const char *const metric[4] = {"width", "length", "distal", "volume"};
      for (int l = 0; l < 2; ++l)
        for (int m = 0; m < 4; ++m) {
          char want[64];
          snprintf(want, sizeof want, "end_of_rf.%s.%s", l ? "isotherm" : "lesion", metric[m]);
          if (strcmp(names[i], want) != 0) continue;
          double *slot[4] = {&le[l]->width_mm, &le[l]->length_mm, &le[l]->distal_mm, &le[l]->volume_mm3};
          *slot[m] = err[i];
        }
      for (int k = 0; k < r->kase.nstructures && k < RFL_MAX_STRUCTURES; ++k) {
        char want[WIDTH];
        rfl_result_structure_error *e = &r->structure_error[k];
        snprintf(want, sizeof want, "structure.%s.margin", r->kase.structures[k].name);
        if (strcmp(names[i], want) == 0) e->margin_mm = err[i];
        snprintf(want, sizeof want, "structure.%s.isotherm_margin", r->kase.structures[k].name);
        if (strcmp(names[i], want) == 0) e->isotherm_margin_mm = err[i];
        snprintf(want, sizeof want, "structure.%s.peak", r->kase.structures[k].name);
        if (strcmp(names[i], want) == 0) e->peak_C = err[i];
      }
    }
  if (d >= 0) H5Dclose(d);
  free(names);
  free(err);
}

static rfl_status read_structures(rfl_result *r, hid_t f) {
  int ns = r->kase.nstructures;
  long long n = exists(f, "summary/structures") ? extent(f, "summary/structures", NULL, NULL) : -1;
  if (n != ns) return not_result(r, "a /summary/structures table that does not list the case's structures");
  r->summary.nstructures = ns;
  if (ns == 0) return RFL_OK;
  hid_t d = H5Dopen2(f, "summary/structures", H5P_DEFAULT);
  double *buf = malloc((size_t)(S_NCOLS + 1) * (size_t)ns * sizeof *buf);
  char (*names)[RFL_NAME_MAX] = calloc((size_t)ns, sizeof *names);
  rfl_status st = RFL_OK;
  if (!buf || !names) st = RFL_ERROR(RFL_ENOMEM, "%s: out of memory", r->path);
  else if (d < 0 || column_str(d, "name", (size_t)ns, RFL_NAME_MAX, names[0]) != 1)
    st = not_result(r, "an unreadable /summary/structures");
  const double *col[S_NCOLS];
  for (int c = 0; st == RFL_OK && c < S_NCOLS; ++c) {
    col[c] = buf + (size_t)c * (size_t)ns;
    if (column_f64(d, structure_cols[c], (size_t)ns, buf + (size_t)c * (size_t)ns) != 1)
      st = not_result(r, "a /summary/structures table without its columns");
  }
  for (int k = 0; st == RFL_OK && k < ns; ++k) {
    if (strcmp(names[k], r->kase.structures[k].name) != 0)
      st = not_result(r, "a /summary/structures table that does not match the case's structures");
    else
      structure_report(r, col, (size_t)k);
  }
  if (st == RFL_OK) structure_uncertain_flags(r, d, (size_t)ns, buf);
  if (d >= 0) H5Dclose(d);
  free(buf);
  free(names);
  return st;
}

static rfl_status read_flags_and_history(rfl_result *r, hid_t f) {
  rfl_summary *s = &r->summary;
  long long n = exists(f, "summary/flags") ? extent(f, "summary/flags", NULL, NULL) : 0;
  if (n > 0) {
    hid_t d = H5Dopen2(f, "summary/flags", H5P_DEFAULT), t = H5I_INVALID_HID;
    char *buf = NULL;
    size_t w = 0;
    if (d >= 0 && (t = H5Dget_type(d)) >= 0 && H5Tget_class(t) == H5T_STRING && H5Tis_variable_str(t) == 0 &&
        (w = H5Tget_size(t)) > 0 && (buf = calloc((size_t)n, w)) && H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0)
      for (long long i = 0; i < n && s->nflags < RFL_MAX_FLAGS; ++i)
        snprintf(s->flags[s->nflags++], sizeof s->flags[0], "%.*s", (int)w, buf + (size_t)i * w);
    free(buf);
    if (t >= 0) H5Tclose(t);
    if (d >= 0) H5Dclose(d);
  }
  size_t ns = (size_t)s->nstructures;
  hsize_t dims[3];
  int rank = 0;
  if (ns && exists(f, "summary/structure_peak_C") && extent(f, "summary/structure_peak_C", &rank, dims) >= 0 &&
      rank == 2 && dims[1] == ns && dims[0] <= r->nsamples) {
    if (!(r->history = malloc((dims[0] ? dims[0] : 1) * ns * sizeof *r->history)))
      return RFL_ERROR(RFL_ENOMEM, "%s: out of memory", r->path);
    if (read_f64(f, "summary/structure_peak_C", dims[0] * ns, r->history)) {
      s->history_peak_C = r->history;
      s->history_steps = dims[0];
    }
  }
  return RFL_OK;
}

static rfl_status read_snapshots(rfl_result *r, hid_t f) {
  long long n = exists(f, "fields/times_s") ? extent(f, "fields/times_s", NULL, NULL) : 0;
  if (n <= 0) return RFL_OK;
  double *t = malloc((size_t)n * sizeof *t);
  if (!t) return RFL_ERROR(RFL_ENOMEM, "%s: out of memory", r->path);
  if (!read_f64(f, "fields/times_s", (size_t)n, t)) n = 0;
  for (long long i = 0; i < n && r->nsnapshots < RFL_RESULT_MAX_SNAPSHOTS; ++i) {
    rfl_result_snapshot *s = &r->snapshots[r->nsnapshots];
    snprintf(s->name, sizeof s->name, "t_%07.3f", t[i]);
    char path[64];
    snprintf(path, sizeof path, "fields/%s", s->name);
    if (!exists(f, path)) continue; /* a name this program would not have written */
    s->t = t[i];
    r->nsnapshots++;
  }
  free(t);
  return RFL_OK;
}

/* ---- public --------------------------------------------------------------------------------- */

static rfl_status read_all(rfl_result *r, hid_t f) {
  RFL_CHECK(read_root(r, f));
  RFL_CHECK(read_case(r, f));
  RFL_CHECK(read_grid(r, f));
  RFL_CHECK(read_series(r, f));
  r->summary.kase = &r->kase;
  RFL_CHECK(read_metrics(r, f));
  RFL_CHECK(read_growth(r, f));
  RFL_CHECK(read_structures(r, f));
  read_errors(r, f);
  RFL_CHECK(read_flags_and_history(r, f));
  return read_snapshots(r, f);
}

rfl_status rfl_result_open(const char *path, rfl_result **out) {
  *out = NULL;
  rfl_result *r = calloc(1, sizeof *r);
  if (!r) return RFL_ERROR(RFL_ENOMEM, "%s: out of memory", path);
  r->file_id = H5I_INVALID_HID;
  snprintf(r->path, sizeof r->path, "%s", path);
  rfl_hdf5_quiet quiet;
  rfl_hdf5_quiet_begin(&quiet);
  rfl_status st = RFL_OK;
  htri_t is = H5Fis_hdf5(path);
  if (is <= 0) {
    FILE *probe = fopen(path, "rb");
    if (!probe) st = RFL_ERROR(RFL_EINPUT, "%s: " NOT_A_RESULT ", found no readable file", path);
    else st = not_result(r, "a file that is not HDF5");
    if (probe) fclose(probe);
  } else {
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    r->file_id = f;
    st = f < 0 ? not_result(r, "an HDF5 file that cannot be opened") : read_all(r, f);
  }
  rfl_hdf5_quiet_end(&quiet);
  if (st != RFL_OK) {
    rfl_result_close(r);
    return st;
  }
  *out = r;
  return RFL_OK;
}

void rfl_result_close(rfl_result *r) {
  if (!r) return;
  if (r->file_id >= 0) {
    H5E_BEGIN_TRY { H5Fclose((hid_t)r->file_id); }
    H5E_END_TRY;
  }
  for (int i = 0; i < 5; ++i) free(r->field[i]);
  free(r->history);
  free(r->samples);
  free(r->geometry.label);
  rfl_grid_free(r->grid);
  free(r);
}

int rfl_result_is_hdf5(const char *path) {
  htri_t is;
  H5E_BEGIN_TRY { is = H5Fis_hdf5(path); }
  H5E_END_TRY;
  return is > 0;
}

int rfl_result_snapshot_at(const rfl_result *r, double t) {
  for (int i = 0; i < r->nsnapshots; ++i)
    if (fabs(r->snapshots[i].t - t) <= 1e-3) return i;
  return -1;
}

rfl_status rfl_result_view(rfl_result *r, int i, rfl_field_view *view) {
  if (i < 0 || i >= r->nsnapshots) return RFL_ERROR(RFL_EUSAGE, "%s: no snapshot %d", r->path, i);
  static const char *const names[5] = {"temperature_C", "peak_temperature_C", "omega", "cem43_min", "potential_V"};
  size_t nc = r->grid->ncells;
  hid_t f = (hid_t)r->file_id;
  rfl_hdf5_quiet quiet;
  rfl_hdf5_quiet_begin(&quiet);
  rfl_status st = RFL_OK;
  for (int k = 0; k < 5 && st == RFL_OK; ++k) {
    char path[96];
    snprintf(path, sizeof path, "fields/%s/%s", r->snapshots[i].name, names[k]);
    if (!r->field[k] && !(r->field[k] = malloc(nc * sizeof(double))))
      st = RFL_ERROR(RFL_ENOMEM, "%s: out of memory for %zu cells", r->path, nc);
    else if (!read_f64(f, path, nc, r->field[k]))
      st = RFL_ERROR(RFL_EINPUT, "%s: " NOT_A_RESULT ", found no /%s of the grid's size", r->path, path);
  }
  double voltage = 0.0;
  hid_t g = H5I_INVALID_HID;
  char gpath[64];
  snprintf(gpath, sizeof gpath, "fields/%s", r->snapshots[i].name);
  if (st == RFL_OK && (g = H5Gopen2(f, gpath, H5P_DEFAULT)) >= 0) {
    if (!attr_num(g, "voltage_V", &voltage)) voltage = 0.0;
    H5Gclose(g);
  }
  rfl_hdf5_quiet_end(&quiet);
  if (st != RFL_OK) return st;
  if (voltage != 0.0) /* the file holds the potential; the view the unit-voltage solution */
    for (size_t c = 0; c < nc; ++c) r->field[4][c] /= voltage;
  *view = (rfl_field_view){.kase = &r->kase, .grid = r->grid, .geometry = &r->geometry, .t = r->snapshots[i].t,
                           .temperature = r->field[0], .peak_temperature = r->field[1], .omega = r->field[2],
                           .cem43 = r->field[3], .unit_potential = r->field[4], .voltage = voltage};
  return RFL_OK;
}

double rfl_result_time_over(const rfl_result *r, int k, double threshold_C) {
  const rfl_summary *s = &r->summary;
  if (!s->history_peak_C || k < 0 || k >= s->nstructures) return NAN;
  size_t ns = (size_t)s->nstructures;
  double t0 = 0.0, y0 = r->kase.physics.initial_C, total = 0.0;
  for (size_t i = 0; i < s->history_steps; ++i) {
    double t1 = r->samples[i].t, y1 = s->history_peak_C[i * ns + (size_t)k];
    if (y0 >= threshold_C && y1 >= threshold_C)
      total += t1 - t0;
    else if (y0 >= threshold_C || y1 >= threshold_C) { /* crosses inside the step */
      double tc = t0 + (threshold_C - y0) / (y1 - y0) * (t1 - t0);
      total += y1 >= threshold_C ? t1 - tc : tc - t0;
    }
    t0 = t1;
    y0 = y1;
  }
  return total;
}
