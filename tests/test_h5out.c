// SPDX-License-Identifier: BSD-3-Clause
/* The HDF5 result writer (postproc/h5out.c), read back with the HDF5 C API.
 *
 * The synthetic run of h5out_fixture.h (6 x 5 x 4 cells, uniform and graded, field values
 * known per cell) is written and every part is checked: coordinates and labels, field
 * shapes (nz, ny, nx), storage precision, chunking and deflate, values per cell, the units
 * attribute of every dataset in the file, the compound records of the summary and case
 * tables, the case attributes, and the XDMF sidecar's text. Atomicity: while writing only
 * PATH.tmp.PID exists; commit leaves PATH and PATH.xmf and no temporary; discard and
 * failures leave nothing new and an older PATH untouched, including a write that fails
 * for real (file size limit). Errors: a missing or non-directory parent gives RFL_EIO
 * naming the file and the system's reason; calls out of order give RFL_EUSAGE. */
#include <errno.h>
#include <float.h>
#include <hdf5.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "case_reader.h"
#include "h5out.h"
#include "h5out_fixture.h"
#include "test_support.h"

#define DIR RFL_BINARY_DIR "/tests/h5out_unit"

static int exists(const char *path) { return access(path, F_OK) == 0; }

static void path_in_dir(char *buf, size_t size, const char *name) {
  snprintf(buf, size, "%s/%s", DIR, name);
}

static void clean(const char *path) {
  char xmf[RFL_PATH_MAX];
  remove(path);
  if (rfl_h5out_xdmf_path(path, xmf, sizeof xmf) == RFL_OK) remove(xmf);
}

/* Writes the whole fixture run; returns the first failure. */
static rfl_status write_run(h5fix *f, const char *path, const rfl_h5out_options *opt) {
  rfl_h5out *out = NULL;
  rfl_status st = rfl_h5out_open(path, opt, &out);
  if (st != RFL_OK) return st;
  char tmp[RFL_PATH_MAX + 32];
  snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
  assert_string_equal(rfl_h5out_temp_path(out), tmp);
  assert_true(exists(tmp));
  st = rfl_h5out_write_grid(out, f->grid, &f->geo, &f->kase);
  for (int s = 0; s < f->kase.output.ntimes && st == RFL_OK; ++s) {
    rfl_field_view v = fix_view(f, f->kase.output.times_s[s]);
    st = rfl_h5out_write_fields(out, &v);
  }
  if (st == RFL_OK) st = rfl_h5out_write_series(out, f->samples, FIX_NSAMPLES);
  if (st == RFL_OK) st = rfl_h5out_write_summary(out, &f->summary);
  rfl_status cst = rfl_h5out_close(out, st == RFL_OK);
  return st != RFL_OK ? st : cst;
}

/* ---- reading helpers ---------------------------------------------------------------- */

static int rank_dims(hid_t file, const char *path, hsize_t dims[3]) {
  hid_t d = H5Dopen2(file, path, H5P_DEFAULT);
  if (d < 0) fail_msg("no dataset %s", path);
  hid_t s = H5Dget_space(d);
  int rank = H5Sget_simple_extent_ndims(s);
  assert_true(rank >= 0 && rank <= 3);
  H5Sget_simple_extent_dims(s, dims, NULL);
  H5Sclose(s);
  H5Dclose(d);
  return rank;
}

static void read_doubles(hid_t file, const char *path, double *buf) {
  hid_t d = H5Dopen2(file, path, H5P_DEFAULT);
  if (d < 0) fail_msg("no dataset %s", path);
  assert_true(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
  H5Dclose(d);
}

static size_t stored_size(hid_t file, const char *path) {
  hid_t d = H5Dopen2(file, path, H5P_DEFAULT);
  assert_true(d >= 0);
  hid_t t = H5Dget_type(d);
  size_t n = H5Tget_size(t);
  H5Tclose(t);
  H5Dclose(d);
  return n;
}

/* String attribute `name` of the object at `path` into buf. */
static void read_attr_string(hid_t file, const char *path, const char *name, char *buf, size_t size) {
  hid_t a = H5Aopen_by_name(file, path, name, H5P_DEFAULT, H5P_DEFAULT);
  if (a < 0) fail_msg("no attribute %s on %s", name, path);
  hid_t ft = H5Aget_type(a);
  assert_int_equal(H5Tget_class(ft), H5T_STRING);
  size_t n = H5Tget_size(ft);
  assert_true(n < size);
  hid_t mt = H5Tcopy(H5T_C_S1);
  H5Tset_size(mt, n + 1);
  memset(buf, 0, size);
  assert_true(H5Aread(a, mt, buf) >= 0);
  H5Tclose(mt);
  H5Tclose(ft);
  H5Aclose(a);
}

static double read_attr_double(hid_t file, const char *path, const char *name) {
  double v = NAN;
  hid_t a = H5Aopen_by_name(file, path, name, H5P_DEFAULT, H5P_DEFAULT);
  if (a < 0) fail_msg("no attribute %s on %s", name, path);
  assert_true(H5Aread(a, H5T_NATIVE_DOUBLE, &v) >= 0);
  H5Aclose(a);
  return v;
}

typedef struct {
  int datasets, with_units;
  char missing[256];
} units_census;

#if H5_VERSION_GE(1, 12, 0)
typedef H5O_info2_t object_info;
#define VISIT(file, op, data) H5Ovisit3((file), H5_INDEX_NAME, H5_ITER_INC, (op), (data), H5O_INFO_BASIC)
#else
typedef H5O_info_t object_info;
#define VISIT(file, op, data) H5Ovisit2((file), H5_INDEX_NAME, H5_ITER_INC, (op), (data), H5O_INFO_BASIC)
#endif

static herr_t check_units(hid_t obj, const char *name, const object_info *info, void *ctx) {
  units_census *c = ctx;
  if (info->type != H5O_TYPE_DATASET) return 0;
  c->datasets++;
  htri_t has = H5Aexists_by_name(obj, name, "units", H5P_DEFAULT);
  if (has > 0) {
    c->with_units++;
  } else if (!c->missing[0]) {
    snprintf(c->missing, sizeof c->missing, "%s", name);
  }
  return 0;
}

/* ---- /case attributes are case keys ------------------------------------------------------- */

typedef struct {
  const char *section; /* "case" for /case itself */
  int attrs;
  char unknown[160];
} key_census;

static herr_t census_attr(hid_t obj, const char *name, const H5A_info_t *info, void *ctx) {
  key_census *c = ctx;
  (void)obj;
  (void)info;
  /* /case itself also says where the case came from: the resolved text, its path, the
     version that read it; every other name is a key of the case file */
  int about = strcmp(c->section, "case") == 0 &&
              (strcmp(name, "ini") == 0 || strcmp(name, "path") == 0 ||
               strcmp(name, "rflesion_version") == 0);
  c->attrs++;
  if (!about && !rfl_case_key_accepted(c->section, name) && !c->unknown[0])
    snprintf(c->unknown, sizeof c->unknown, "[%s] %s", c->section, name);
  return 0;
}

static herr_t census_group(hid_t g, const char *name, const H5L_info_t *info, void *ctx) {
  (void)info;
  H5O_info_t oi;
#if H5_VERSION_GE(1, 12, 0)
  assert_true(H5Oget_info_by_name3(g, name, &oi, H5O_INFO_BASIC, H5P_DEFAULT) >= 0);
#else
  assert_true(H5Oget_info_by_name2(g, name, &oi, H5O_INFO_BASIC, H5P_DEFAULT) >= 0);
#endif
  if (oi.type != H5O_TYPE_GROUP) return 0; /* the tables: materials, probes, structures */
  key_census *c = ctx;
  key_census sub = {name, 0, ""};
  hsize_t idx = 0;
  assert_true(H5Aiterate_by_name(g, name, H5_INDEX_NAME, H5_ITER_INC, &idx, census_attr, &sub,
                                 H5P_DEFAULT) >= 0);
  c->attrs += sub.attrs;
  if (!c->unknown[0]) snprintf(c->unknown, sizeof c->unknown, "%s", sub.unknown);
  return 0;
}

/* Every attribute of /case and its groups is named as the case file's key, with the value in
 * the case file's units; a name copied back into a case file is accepted. */
static rfl_status count_key(const rfl_case_value *v, void *ctx) {
  (void)v;
  ++*(int *)ctx;
  return RFL_OK;
}

static void check_case_keys(hid_t file, const rfl_case *kase) {
  hid_t g = H5Gopen2(file, "/case", H5P_DEFAULT);
  assert_true(g >= 0);
  key_census c = {"case", 0, ""};
  hsize_t idx = 0;
  assert_true(H5Aiterate2(g, H5_INDEX_NAME, H5_ITER_INC, &idx, census_attr, &c) >= 0);
  idx = 0;
  assert_true(H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, &idx, census_group, &c) >= 0);
  H5Gclose(g);
  if (c.unknown[0]) fail_msg("/case attribute %s is not a key the case reader accepts", c.unknown);
  /* and every key of the unnamed sections is there (3 attributes say where it came from) */
  int keys = 0;
  for (int i = 0; rfl_case_unnamed_sections[i]; i++)
    assert_int_equal(rfl_case_section_values(kase, rfl_case_unnamed_sections[i], count_key, &keys), RFL_OK);
  assert_true(keys >= 60);
  assert_int_equal(c.attrs, keys + 3);
  /* the names that differed from the case file, in its units */
  assert_close(read_attr_double(file, "/case/generator", "ki_V_per_Ks"), 1.0, 0);
  assert_close(read_attr_double(file, "/case/generator", "pulse_width_ms"), 20.0, 1e-12);
  assert_close(read_attr_double(file, "/case/physics", "blood_rho_c_J_m3K"), 1050.0 * 3617.0, 0);
  assert_close(read_attr_double(file, "/case/damage", "nerve_threshold_C"), 45.0, 0);
  assert_close(read_attr_double(file, "/case/damage", "margin_mm"), 1.0, 1e-12);
  assert_close(read_attr_double(file, "/case/solver", "pulse_dt_ms"), 2.0, 1e-12);
  assert_close(read_attr_double(file, "/case/probe", "diameter_mm"), 1.27, 1e-12);
  char text[64];
  read_attr_string(file, "/case/tissue", "background", text, sizeof text);
  assert_string_equal(text, "muscle");
  read_attr_string(file, "/case/probe", "tip_shape", text, sizeof text);
  assert_string_equal(text, "round");
}

/* ---- the round trip ---------------------------------------------------------------------- */

static void check_grid(hid_t file, int graded) {
  hsize_t dims[3];
  double v[16];
  const char *faces[3] = {"/grid/x_mm", "/grid/y_mm", "/grid/z_mm"};
  const char *centres[3] = {"/grid/xc_mm", "/grid/yc_mm", "/grid/zc_mm"};
  const int n[3] = {FIX_NX, FIX_NY, FIX_NZ};
  const double *gf[3] = {fix_graded_x, fix_graded_y, fix_graded_z};
  const double lo[3] = {-3.0, -2.5, 0.0};
  for (int a = 0; a < 3; ++a) {
    assert_int_equal(rank_dims(file, faces[a], dims), 1);
    assert_int_equal(dims[0], n[a] + 1);
    read_doubles(file, faces[a], v);
    for (int i = 0; i <= n[a]; ++i) assert_close(v[i], graded ? gf[a][i] : lo[a] + i, 1e-12);
    assert_int_equal(rank_dims(file, centres[a], dims), 1);
    assert_int_equal(dims[0], n[a]);
    read_doubles(file, centres[a], v);
    for (int i = 0; i < n[a]; ++i)
      assert_close(v[i], graded ? 0.5 * (gf[a][i] + gf[a][i + 1]) : lo[a] + i + 0.5, 1e-12);
  }
  char units[64];
  read_attr_string(file, "/grid/x_mm", "units", units, sizeof units);
  assert_string_equal(units, "mm");

  /* labels: uint8, (nz, ny, nx), values per cell */
  assert_int_equal(rank_dims(file, "/grid/material", dims), 3);
  assert_int_equal(dims[0], FIX_NZ);
  assert_int_equal(dims[1], FIX_NY);
  assert_int_equal(dims[2], FIX_NX);
  assert_int_equal(stored_size(file, "/grid/material"), 1);
  uint8_t mat[FIX_NZ][FIX_NY][FIX_NX], part[FIX_NZ][FIX_NY][FIX_NX];
  hid_t d = H5Dopen2(file, "/grid/material", H5P_DEFAULT);
  assert_true(H5Dread(d, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, mat) >= 0);
  /* material names as a string-array attribute */
  hid_t a = H5Aopen(d, "names", H5P_DEFAULT);
  assert_true(a >= 0);
  hid_t s = H5Aget_space(a);
  assert_int_equal(H5Sget_simple_extent_npoints(s), 3);
  char names[3][16];
  hid_t mt = H5Tcopy(H5T_C_S1);
  H5Tset_size(mt, 16);
  assert_true(H5Aread(a, mt, names) >= 0);
  assert_string_equal(names[0], "muscle");
  assert_string_equal(names[1], "steel");
  assert_string_equal(names[2], "nerve");
  H5Tclose(mt);
  H5Sclose(s);
  H5Aclose(a);
  H5Dclose(d);
  d = H5Dopen2(file, "/grid/part", H5P_DEFAULT);
  assert_true(H5Dread(d, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, part) >= 0);
  H5Dclose(d);
  /* probe: signed, the probe's row in electrode cells and -1 in tissue */
  int8_t probe[FIX_NZ][FIX_NY][FIX_NX];
  d = H5Dopen2(file, "/grid/probe", H5P_DEFAULT);
  hid_t pt = H5Dget_type(d);
  assert_int_equal(H5Tget_sign(pt), H5T_SGN_2);
  H5Tclose(pt);
  assert_true(H5Dread(d, H5T_NATIVE_INT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, probe) >= 0);
  H5Dclose(d);
  for (int k = 0; k < FIX_NZ; ++k)
    for (int j = 0; j < FIX_NY; ++j)
      for (int i = 0; i < FIX_NX; ++i) {
        assert_int_equal(mat[k][j][i], fix_material(i, j, k));
        assert_int_equal(part[k][j][i], fix_part(i, j));
        assert_int_equal(probe[k][j][i], fix_part(i, j) ? 0 : -1);
      }
}

/* /grid/structure: 1 + the row of the structure that contains a tissue cell's centre,
 * worked out here from the fixture's shapes (the root cylinder at x = 5 mm lies outside
 * the grid; the medial branch is a 0.5 mm ball at (0, 2, 1) mm), 0 elsewhere; names
 * "none" and the structures. Returns the number of cells the ball owns. */
static int check_structure_ids(hid_t file) {
  uint8_t id[FIX_NZ][FIX_NY][FIX_NX];
  double xc[FIX_NX], yc[FIX_NY], zc[FIX_NZ];
  read_doubles(file, "/grid/xc_mm", xc);
  read_doubles(file, "/grid/yc_mm", yc);
  read_doubles(file, "/grid/zc_mm", zc);
  assert_int_equal(stored_size(file, "/grid/structure"), 1);
  hid_t d = H5Dopen2(file, "/grid/structure", H5P_DEFAULT);
  assert_true(d >= 0);
  assert_true(H5Dread(d, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, id) >= 0);
  hid_t a = H5Aopen(d, "names", H5P_DEFAULT), sp = H5Aget_space(a), mt = H5Tcopy(H5T_C_S1);
  assert_int_equal(H5Sget_simple_extent_npoints(sp), 3);
  char names[3][RFL_NAME_MAX];
  H5Tset_size(mt, RFL_NAME_MAX);
  assert_true(H5Aread(a, mt, names) >= 0);
  assert_string_equal(names[0], "none");
  assert_string_equal(names[1], "root");
  assert_string_equal(names[2], "medial_branch");
  H5Tclose(mt);
  H5Sclose(sp);
  H5Aclose(a);
  H5Dclose(d);
  int owned = 0;
  for (int k = 0; k < FIX_NZ; ++k)
    for (int j = 0; j < FIX_NY; ++j)
      for (int i = 0; i < FIX_NX; ++i) {
        double r2 = xc[i] * xc[i] + (yc[j] - 2.0) * (yc[j] - 2.0) + (zc[k] - 1.0) * (zc[k] - 1.0);
        int want = !fix_part(i, j) && r2 <= 0.25 ? 2 : 0;
        assert_int_equal(id[k][j][i], want);
        owned += want == 2;
      }
  return owned;
}

/* The lesion mask: omega >= 1 (i + j + k >= 2) in tissue; an electrode cell takes its
 * nearest tissue: the shaft column (1, 0, k) touches (2, 0, k), in the lesion; the tip
 * column (0, 0, k) touches (0, 1, k), in the lesion from k = 1 on. */
static void check_lesion_mask(hid_t file, const char *group) {
  char path[128];
  snprintf(path, sizeof path, "%s/lesion", group);
  assert_int_equal(stored_size(file, path), 1);
  uint8_t m[FIX_NZ][FIX_NY][FIX_NX];
  hid_t d = H5Dopen2(file, path, H5P_DEFAULT);
  assert_true(d >= 0);
  assert_true(H5Dread(d, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, m) >= 0);
  H5Dclose(d);
  for (int k = 0; k < FIX_NZ; ++k)
    for (int j = 0; j < FIX_NY; ++j)
      for (int i = 0; i < FIX_NX; ++i) {
        int expected = fix_part(i, j) == 0 ? i + j + k >= 2 : i == 1 ? 1 : k >= 1;
        if (m[k][j][i] != expected)
          fail_msg("%s at cell (%d, %d, %d): %d, expected %d", path, i, j, k, m[k][j][i], expected);
      }
}

static void check_field(hid_t file, const char *group, const char *name, const char *units,
                        int double_precision, double t) {
  char path[128], u[32];
  snprintf(path, sizeof path, "%s/%s", group, name);
  hsize_t dims[3];
  assert_int_equal(rank_dims(file, path, dims), 3);
  assert_int_equal(dims[0], FIX_NZ);
  assert_int_equal(dims[1], FIX_NY);
  assert_int_equal(dims[2], FIX_NX);
  assert_int_equal(stored_size(file, path), double_precision ? 8 : 4);
  read_attr_string(file, path, "units", u, sizeof u);
  assert_string_equal(u, units);

  hid_t d = H5Dopen2(file, path, H5P_DEFAULT);
  hid_t pl = H5Dget_create_plist(d);
  assert_int_equal(H5Pget_layout(pl), H5D_CHUNKED);
  int nf = H5Pget_nfilters(pl), deflate = 0;
  for (int i = 0; i < nf; ++i) {
    unsigned flags;
    size_t nelem = 0;
    unsigned cd[4];
    char fname[32];
    unsigned config;
    if (H5Pget_filter2(pl, (unsigned)i, &flags, &nelem, cd, sizeof fname, fname, &config) == H5Z_FILTER_DEFLATE)
      deflate = 1;
  }
  assert_true(deflate);
  H5Pclose(pl);
  H5Dclose(d);

  double v[FIX_NZ][FIX_NY][FIX_NX];
  read_doubles(file, path, &v[0][0][0]);
  for (int k = 0; k < FIX_NZ; ++k)
    for (int j = 0; j < FIX_NY; ++j)
      for (int i = 0; i < FIX_NX; ++i) {
        double e = strcmp(name, "temperature_C") == 0        ? fix_temperature(i, j, k, t)
                   : strcmp(name, "peak_temperature_C") == 0 ? fix_temperature(i, j, k, t) + 2.0
                   : strcmp(name, "omega") == 0              ? fix_omega(i, j, k)
                   : strcmp(name, "cem43_min") == 0          ? fix_cem43(i, j, k)
                                                             : fix_potential(i, j, k);
        /* float32: exact for all but the potential (rounded to 24 bits) */
        double tol = double_precision ? 1e-12 * fabs(e) : (strcmp(name, "potential_V") == 0 ? 1e-6 * fabs(e) : 0.0);
        if (!(fabs(v[k][j][i] - e) <= tol))
          fail_msg("%s[%d][%d][%d] = %.9g, expected %.9g", path, k, j, i, v[k][j][i], e);
      }
}

typedef struct {
  char name[RFL_NAME_MAX];
  char role[16];
  double margin_mm, isotherm_margin_mm, peak_C, peak_time_s, max_omega, max_cem43_min,
      damaged_fraction, threshold_C, threshold_crossed_s;
  uint8_t protected_over_threshold, target_not_covered;
  char flags[128];
} structure_read;

static void check_summary(hid_t file) {
  /* structures: a subset of the columns, matched by name */
  hid_t mt = H5Tcreate(H5T_COMPOUND, sizeof(structure_read));
  hid_t s48 = H5Tcopy(H5T_C_S1), s16 = H5Tcopy(H5T_C_S1), s128 = H5Tcopy(H5T_C_S1);
  H5Tset_size(s48, RFL_NAME_MAX);
  H5Tset_size(s16, 16);
  H5Tset_size(s128, 128);
  H5Tinsert(mt, "name", offsetof(structure_read, name), s48);
  H5Tinsert(mt, "role", offsetof(structure_read, role), s16);
#define D(f) H5Tinsert(mt, #f, offsetof(structure_read, f), H5T_NATIVE_DOUBLE)
  D(margin_mm);
  D(isotherm_margin_mm);
  D(peak_C);
  D(peak_time_s);
  D(max_omega);
  D(max_cem43_min);
  D(damaged_fraction);
  D(threshold_C);
  D(threshold_crossed_s);
#undef D
  H5Tinsert(mt, "protected_over_threshold", offsetof(structure_read, protected_over_threshold), H5T_NATIVE_UINT8);
  H5Tinsert(mt, "target_not_covered", offsetof(structure_read, target_not_covered), H5T_NATIVE_UINT8);
  H5Tinsert(mt, "flags", offsetof(structure_read, flags), s128);
  hsize_t dims[3];
  assert_int_equal(rank_dims(file, "/summary/structures", dims), 1);
  assert_int_equal(dims[0], 2);
  structure_read r[2];
  memset(r, 0, sizeof r);
  hid_t d = H5Dopen2(file, "/summary/structures", H5P_DEFAULT);
  assert_true(H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, r) >= 0);
  H5Dclose(d);
  assert_string_equal(r[0].name, "root");
  assert_string_equal(r[0].role, "protected");
  assert_string_equal(r[1].name, "medial_branch");
  assert_string_equal(r[1].role, "target");
  assert_close(r[0].margin_mm, 1.25, 1e-12);
  assert_close(r[1].margin_mm, -0.5, 1e-12);
  assert_close(r[0].isotherm_margin_mm, 0.25, 1e-12);
  assert_close(r[1].peak_C, 70.25, 0);
  assert_close(r[1].peak_time_s, 85.5, 0);
  assert_close(r[1].max_omega, 12.5, 0);
  assert_close(r[1].max_cem43_min, 1500.0, 0);
  assert_close(r[1].damaged_fraction, 0.75, 0);
  assert_close(r[0].threshold_C, 45.0, 0);
  assert_close(r[0].threshold_crossed_s, 61.25, 0);
  assert_int_equal(r[0].protected_over_threshold, 1);
  assert_int_equal(r[1].protected_over_threshold, 0);
  assert_string_equal(r[0].flags, "protected_over_threshold");
  assert_string_equal(r[1].flags, "");
  H5Tclose(mt);

  /* metrics: one record */
  typedef struct {
    double time_s, lesion_width_mm, lesion_volume_mm3, impedance_ohm, energy_electrical_J;
    int32_t nflags, protected_over_threshold;
    int64_t cells;
  } metrics_read;
  mt = H5Tcreate(H5T_COMPOUND, sizeof(metrics_read));
  H5Tinsert(mt, "time_s", offsetof(metrics_read, time_s), H5T_NATIVE_DOUBLE);
  H5Tinsert(mt, "lesion_width_mm", offsetof(metrics_read, lesion_width_mm), H5T_NATIVE_DOUBLE);
  H5Tinsert(mt, "lesion_volume_mm3", offsetof(metrics_read, lesion_volume_mm3), H5T_NATIVE_DOUBLE);
  H5Tinsert(mt, "impedance_ohm", offsetof(metrics_read, impedance_ohm), H5T_NATIVE_DOUBLE);
  H5Tinsert(mt, "energy_electrical_J", offsetof(metrics_read, energy_electrical_J), H5T_NATIVE_DOUBLE);
  H5Tinsert(mt, "nflags", offsetof(metrics_read, nflags), H5T_NATIVE_INT32);
  H5Tinsert(mt, "protected_over_threshold", offsetof(metrics_read, protected_over_threshold), H5T_NATIVE_INT32);
  H5Tinsert(mt, "cells", offsetof(metrics_read, cells), H5T_NATIVE_INT64);
  metrics_read m;
  memset(&m, 0, sizeof m);
  d = H5Dopen2(file, "/summary/metrics", H5P_DEFAULT);
  assert_true(H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, &m) >= 0);
  H5Dclose(d);
  H5Tclose(mt);
  assert_close(m.time_s, 90.0, 0);
  assert_close(m.lesion_width_mm, 8.5, 1e-12);
  assert_close(m.lesion_volume_mm3, 420.5, 1e-9);
  assert_close(m.impedance_ohm, 208.5, 0);
  assert_close(m.energy_electrical_J, 150.5, 0);
  assert_int_equal(m.nflags, 1);
  assert_int_equal(m.protected_over_threshold, 1);
  assert_int_equal(m.cells, FIX_NX * FIX_NY * FIX_NZ);

  /* units of a table: one per column, in order */
  char units[1024];
  read_attr_string(file, "/summary/structures", "units", units, sizeof units);
  assert_string_equal(units, "-,-,mm,mm,mm,C,s,1,min,1,C,s,mm,mm,mm,mm,mm,mm,mm,mm,mm,mm,mm,-,-,-,-,-,-");

  /* lesion rows: growth at 30 s (the one at 90 s is the end of RF), end_of_rf, final; no
     lesion at 30 s: width 0, distal NaN */
  typedef struct {
    char snapshot[16];
    double time_s, lesion_width_mm, lesion_distal_mm;
    uint8_t lesion_found;
  } lesion_read;
  mt = H5Tcreate(H5T_COMPOUND, sizeof(lesion_read));
  H5Tinsert(mt, "snapshot", offsetof(lesion_read, snapshot), s16);
  H5Tinsert(mt, "time_s", offsetof(lesion_read, time_s), H5T_NATIVE_DOUBLE);
  H5Tinsert(mt, "lesion_width_mm", offsetof(lesion_read, lesion_width_mm), H5T_NATIVE_DOUBLE);
  H5Tinsert(mt, "lesion_distal_mm", offsetof(lesion_read, lesion_distal_mm), H5T_NATIVE_DOUBLE);
  H5Tinsert(mt, "lesion_found", offsetof(lesion_read, lesion_found), H5T_NATIVE_UINT8);
  assert_int_equal(rank_dims(file, "/summary/lesion", dims), 1);
  assert_int_equal(dims[0], 3);
  lesion_read l[3];
  memset(l, 0, sizeof l);
  d = H5Dopen2(file, "/summary/lesion", H5P_DEFAULT);
  assert_true(H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, l) >= 0);
  H5Dclose(d);
  H5Tclose(mt);
  assert_string_equal(l[0].snapshot, "growth");
  assert_int_equal(l[0].lesion_found, 0);
  assert_close(l[0].lesion_width_mm, 0.0, 0);
  assert_true(isnan(l[0].lesion_distal_mm));
  assert_close(l[0].time_s, 30.0, 0);
  assert_string_equal(l[1].snapshot, "end_of_rf");
  assert_string_equal(l[2].snapshot, "final");
  assert_close(l[2].lesion_distal_mm, 1.75, 1e-12);

  /* flags */
  assert_int_equal(rank_dims(file, "/summary/flags", dims), 1);
  assert_int_equal(dims[0], 1);
  char flags[1][96];
  hid_t s96 = H5Tcopy(H5T_C_S1);
  H5Tset_size(s96, 96);
  d = H5Dopen2(file, "/summary/flags", H5P_DEFAULT);
  assert_true(H5Dread(d, s96, H5S_ALL, H5S_ALL, H5P_DEFAULT, flags) >= 0);
  H5Dclose(d);
  H5Tclose(s96);
  assert_string_equal(flags[0], "protected_over_threshold:root");

  /* structure peak history (steps, structures) */
  assert_int_equal(rank_dims(file, "/summary/structure_peak_C", dims), 2);
  assert_int_equal(dims[0], FIX_NSAMPLES);
  assert_int_equal(dims[1], 2);
  double h[FIX_NSAMPLES * 2];
  read_doubles(file, "/summary/structure_peak_C", h);
  assert_close(h[2 * 3 + 1], 46.0, 0);
  H5Tclose(s16);
  H5Tclose(s48);
  H5Tclose(s128);
}

static void check_series_and_case(hid_t file) {
  hsize_t dims[3];
  double v[FIX_NSAMPLES];
  assert_int_equal(rank_dims(file, "/series/t_s", dims), 1);
  assert_int_equal(dims[0], FIX_NSAMPLES);
  read_doubles(file, "/series/t_s", v);
  assert_close(v[6], 90.0, 0);
  read_doubles(file, "/series/impedance_ohm", v);
  assert_true(isinf(v[0]));
  assert_close(v[3], 203.0, 0);
  read_doubles(file, "/series/power_W", v);
  assert_close(v[2], 12.0 * 0.02, 1e-15);
  read_doubles(file, "/series/rf_on", v);
  assert_close(v[5], 1.0, 0);
  assert_close(v[6], 0.0, 0);
  char u[32];
  read_attr_string(file, "/series/current_A", "units", u, sizeof u);
  assert_string_equal(u, "A");

  static char ini[65536];
  read_attr_string(file, "/case", "ini", ini, sizeof ini);
  assert_contains(ini, "[generator]");
  assert_contains(ini, "set_temperature_C = 85");
  assert_contains(ini, "h5out fixture");
  read_attr_string(file, "/", "rflesion_version", u, sizeof u);
  assert_true(strlen(u) > 0);
  read_attr_string(file, "/case/generator", "mode", u, sizeof u);
  assert_string_equal(u, "temperature");
  assert_close(read_attr_double(file, "/case/generator", "set_temperature_C"), 85.0, 0);
  assert_close(read_attr_double(file, "/case/grid", "spacing_mm"), 0.2, 1e-12);
  assert_close(read_attr_double(file, "/fields/t_090.000", "time_s"), 90.0, 0);
  assert_close(read_attr_double(file, "/fields/t_090.000", "voltage_V"), FIX_VOLTAGE, 0);

  /* materials table: sigma of the third */
  typedef struct {
    char name[RFL_NAME_MAX];
    double sigma_S_per_m;
  } mat_read;
  hid_t mt = H5Tcreate(H5T_COMPOUND, sizeof(mat_read)), s48 = H5Tcopy(H5T_C_S1);
  H5Tset_size(s48, RFL_NAME_MAX);
  H5Tinsert(mt, "name", offsetof(mat_read, name), s48);
  H5Tinsert(mt, "sigma_S_per_m", offsetof(mat_read, sigma_S_per_m), H5T_NATIVE_DOUBLE);
  mat_read mr[3];
  memset(mr, 0, sizeof mr);
  hid_t d = H5Dopen2(file, "/case/materials", H5P_DEFAULT);
  assert_true(H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, mr) >= 0);
  H5Dclose(d);
  H5Tclose(mt);
  H5Tclose(s48);
  assert_string_equal(mr[2].name, "nerve");
  assert_close(mr[2].sigma_S_per_m, 0.3456, 0);
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  static char text[65536];
  size_t n = fread(text, 1, sizeof text - 1, f);
  text[n] = '\0';
  fclose(f);
  return text;
}

static void roundtrip(int graded, int double_precision) {
  h5fix *f = fix_create(graded);
  assert_non_null(f);
  char path[RFL_PATH_MAX], xmf[RFL_PATH_MAX], tmp[RFL_PATH_MAX + 32];
  char name[64];
  snprintf(name, sizeof name, "run_%s_%s.h5", graded ? "graded" : "uniform", double_precision ? "f64" : "f32");
  path_in_dir(path, sizeof path, name);
  clean(path);
  rfl_h5out_options opt = {.double_precision = double_precision};
  rfl_status st = write_run(f, path, &opt);
  if (st != RFL_OK) fail_msg("%s", rfl_error_message());
  snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
  assert_true(exists(path));
  assert_false(exists(tmp));
  assert_int_equal(rfl_h5out_xdmf_path(path, xmf, sizeof xmf), RFL_OK);
  assert_true(exists(xmf));

  hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  assert_true(file >= 0);
  check_grid(file, graded);
  int owned = check_structure_ids(file);
  if (graded) assert_true(owned > 0); /* the graded cells put centres inside the ball */
  const char *names[] = {"temperature_C", "peak_temperature_C", "omega", "cem43_min", "potential_V"};
  const char *units[] = {"C", "C", "1", "min", "V"};
  for (int s = 0; s < 2; ++s) {
    double t = s ? 90.0 : 30.0;
    const char *group = s ? "/fields/t_090.000" : "/fields/t_030.000";
    for (int k = 0; k < 5; ++k) check_field(file, group, names[k], units[k], double_precision, t);
    check_lesion_mask(file, group);
  }
  double times[2];
  read_doubles(file, "/fields/times_s", times);
  assert_close(times[0], 30.0, 0);
  assert_close(times[1], 90.0, 0);
  check_summary(file);
  check_series_and_case(file);
  check_case_keys(file, &f->kase);

  units_census census = {0, 0, ""};
  assert_true(VISIT(file, check_units, &census) >= 0);
  if (census.with_units != census.datasets)
    fail_msg("%d of %d datasets have no units attribute (first: %s)", census.datasets - census.with_units,
             census.datasets, census.missing);
  assert_true(census.datasets >= 40);
  assert_true(H5Fclose(file) >= 0);

  /* the sidecar: base name of the .h5, rectilinear mesh with node counts z y x, times */
  const char *x = slurp(xmf);
  assert_contains(x, "<Xdmf Version=\"3.0\">");
  assert_contains(x, "CollectionType=\"Temporal\"");
  assert_contains(x, "TopologyType=\"3DRectMesh\" Dimensions=\"5 6 7\"");
  assert_contains(x, "GeometryType=\"VXVYVZ\"");
  assert_contains(x, "<Time Value=\"30\"/>");
  assert_contains(x, "<Time Value=\"90\"/>");
  char item[256];
  snprintf(item, sizeof item, "Dimensions=\"4 5 6\" NumberType=\"Float\" Precision=\"%d\" Format=\"HDF\">%s:/fields/t_090.000/temperature_C<",
           double_precision ? 8 : 4, name);
  assert_contains(x, item);
  snprintf(item, sizeof item, "NumberType=\"UChar\" Precision=\"1\" Format=\"HDF\">%s:/grid/material<", name);
  assert_contains(x, item);
  snprintf(item, sizeof item, "NumberType=\"Char\" Precision=\"1\" Format=\"HDF\">%s:/grid/probe<", name);
  assert_contains(x, item);
  snprintf(item, sizeof item, "NumberType=\"UChar\" Precision=\"1\" Format=\"HDF\">%s:/grid/structure<", name);
  assert_contains(x, item);
  snprintf(item, sizeof item, "NumberType=\"UChar\" Precision=\"1\" Format=\"HDF\">%s:/fields/t_090.000/lesion<", name);
  assert_contains(x, item);
  assert_null(strstr(x, DIR)); /* relative: the pair can be moved together */
  clean(path);
  fix_free(f);
}

static void test_uniform_float32(void **state) {
  (void)state;
  roundtrip(0, 0);
}

static void test_graded_float64(void **state) {
  (void)state;
  roundtrip(1, 1);
}

/* ---- atomicity ---------------------------------------------------------------------------- */

static void write_marker(const char *path) {
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs("previous result\n", f);
  fclose(f);
}

static void assert_marker(const char *path) {
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  char line[64] = "";
  assert_non_null(fgets(line, sizeof line, f));
  fclose(f);
  assert_string_equal(line, "previous result\n");
}

static void test_discard_leaves_nothing(void **state) {
  (void)state;
  h5fix *f = fix_create(0);
  assert_non_null(f);
  char path[RFL_PATH_MAX], xmf[RFL_PATH_MAX], old[RFL_PATH_MAX];
  path_in_dir(path, sizeof path, "discard.h5");
  path_in_dir(old, sizeof old, "previous.h5");
  clean(path);
  rfl_h5out_xdmf_path(path, xmf, sizeof xmf);

  rfl_h5out *out = NULL;
  assert_int_equal(rfl_h5out_open(path, NULL, &out), RFL_OK);
  char tmp[RFL_PATH_MAX + 32];
  snprintf(tmp, sizeof tmp, "%s", rfl_h5out_temp_path(out));
  assert_true(exists(tmp));
  assert_false(exists(path));
  assert_int_equal(rfl_h5out_write_grid(out, f->grid, &f->geo, &f->kase), RFL_OK);
  rfl_field_view v = fix_view(f, 30.0);
  assert_int_equal(rfl_h5out_write_fields(out, &v), RFL_OK);
  assert_false(exists(path)); /* a kill now leaves only the temporary */
  assert_int_equal(rfl_h5out_close(out, 0), RFL_OK);
  assert_false(exists(path));
  assert_false(exists(tmp));
  assert_false(exists(xmf));

  /* an older result survives a discarded run */
  clean(old);
  write_marker(old);
  assert_int_equal(rfl_h5out_open(old, NULL, &out), RFL_OK);
  assert_int_equal(rfl_h5out_write_grid(out, f->grid, &f->geo, &f->kase), RFL_OK);
  assert_int_equal(rfl_h5out_close(out, 0), RFL_OK);
  assert_marker(old);
  clean(old);
  assert_int_equal(rfl_h5out_close(NULL, 1), RFL_OK);
  fix_free(f);
}

/* A write that really fails (file size limit): the first failure is RFL_EIO naming the file,
 * later calls repeat it, commit refuses, the older file stays, no temporary is left. */
static void test_failed_write_keeps_previous(void **state) {
  (void)state;
  h5fix *f = fix_create(0);
  assert_non_null(f);
  char path[RFL_PATH_MAX], xmf[RFL_PATH_MAX];
  path_in_dir(path, sizeof path, "limited.h5");
  clean(path);
  write_marker(path);
  rfl_h5out_xdmf_path(path, xmf, sizeof xmf);

  struct rlimit old;
  assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
  void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
  struct rlimit lim = old;
  lim.rlim_cur = 4096;
  assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);

  rfl_h5out *out = NULL;
  rfl_status st = rfl_h5out_open(path, NULL, &out);
  if (st == RFL_OK) st = rfl_h5out_write_grid(out, f->grid, &f->geo, &f->kase);
  for (int s = 0; s < 2 && st == RFL_OK; ++s) {
    rfl_field_view v = fix_view(f, s ? 90.0 : 30.0);
    st = rfl_h5out_write_fields(out, &v);
  }
  if (st == RFL_OK) st = rfl_h5out_write_series(out, f->samples, FIX_NSAMPLES);
  if (st == RFL_OK) st = rfl_h5out_write_summary(out, &f->summary);
  char first[1024];
  snprintf(first, sizeof first, "%s", rfl_error_message());
  print_message("first failure: %s\n", st != RFL_OK ? first : "(none before commit)");
  if (st != RFL_OK) {
    /* poisoned: the next call repeats the first failure */
    rfl_error_clear();
    assert_int_equal(rfl_h5out_write_series(out, f->samples, FIX_NSAMPLES), st);
    assert_string_equal(rfl_error_message(), first);
  }
  /* lift the limit before closing: HDF5 1.10 cannot close a file whose final flush fails
   * (it keeps a dangling ID that crashes at exit); on a full disk the writer truncates the
   * temporary first so that this flush fits */
  assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
  signal(SIGXFSZ, old_handler);
  rfl_status cst = rfl_h5out_close(out, 1);

  assert_int_equal(st != RFL_OK ? st : cst, RFL_EIO);
  assert_int_equal(cst, RFL_EIO);
  assert_contains(rfl_error_message(), path);
  char tmp[RFL_PATH_MAX + 32];
  snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
  assert_false(exists(tmp));
  assert_false(exists(xmf));
  assert_marker(path);
  clean(path);
  fix_free(f);
}

/* ---- errors -------------------------------------------------------------------------------- */

static void test_unwritable_directory(void **state) {
  (void)state;
  rfl_h5out *out = NULL;
  char path[RFL_PATH_MAX];
  path_in_dir(path, sizeof path, "no_such_dir/out.h5");
  rfl_error_clear();
  assert_int_equal(rfl_h5out_open(path, NULL, &out), RFL_EIO);
  assert_null(out);
  assert_contains(rfl_error_message(), path);
  assert_contains(rfl_error_message(), "No such file or directory");

  char file[RFL_PATH_MAX];
  path_in_dir(file, sizeof file, "plain_file");
  write_marker(file);
  path_in_dir(path, sizeof path, "plain_file/out.h5");
  assert_int_equal(rfl_h5out_open(path, NULL, &out), RFL_EIO);
  assert_contains(rfl_error_message(), path);
  assert_contains(rfl_error_message(), "Not a directory");
  remove(file);

  if (geteuid() != 0) { /* root writes anywhere */
    char ro[RFL_PATH_MAX];
    path_in_dir(ro, sizeof ro, "read_only");
    mkdir(ro, 0755);
    assert_int_equal(chmod(ro, 0555), 0);
    path_in_dir(path, sizeof path, "read_only/out.h5");
    assert_int_equal(rfl_h5out_open(path, NULL, &out), RFL_EIO);
    assert_contains(rfl_error_message(), "Permission denied");
    chmod(ro, 0755);
    rmdir(ro);
  }
}

static void test_usage_errors(void **state) {
  (void)state;
  h5fix *f = fix_create(0);
  assert_non_null(f);
  char path[RFL_PATH_MAX];
  path_in_dir(path, sizeof path, "usage.h5");
  clean(path);
  rfl_h5out *out = NULL;
  assert_int_equal(rfl_h5out_open("", NULL, &out), RFL_EUSAGE);
  rfl_h5out_options bad = {.deflate_level = 12};
  assert_int_equal(rfl_h5out_open(path, &bad, &out), RFL_EUSAGE);
  assert_contains(rfl_error_message(), "deflate level");

  assert_int_equal(rfl_h5out_open(path, NULL, &out), RFL_OK);
  rfl_field_view v = fix_view(f, 30.0);
  assert_int_equal(rfl_h5out_write_fields(out, &v), RFL_EUSAGE);
  assert_contains(rfl_error_message(), "write the grid before the fields");
  assert_int_equal(rfl_h5out_write_grid(out, f->grid, &f->geo, &f->kase), RFL_OK);
  assert_int_equal(rfl_h5out_write_grid(out, f->grid, &f->geo, &f->kase), RFL_EUSAGE);
  assert_int_equal(rfl_h5out_write_fields(out, &v), RFL_OK);
  v.t = 30.0004; /* same millisecond */
  assert_int_equal(rfl_h5out_write_fields(out, &v), RFL_EUSAGE);
  assert_contains(rfl_error_message(), "t_030.000");
  rfl_grid *other = NULL;
  int n[3] = {3, 3, 3};
  assert_int_equal(rfl_grid_create_uniform(n, rfl_vec3_make(0, 0, 0), rfl_vec3_make(1, 1, 1), &other), RFL_OK);
  v.grid = other;
  v.t = 45.0;
  assert_int_equal(rfl_h5out_write_fields(out, &v), RFL_EUSAGE);
  rfl_grid_free(other);
  /* usage errors do not poison: the file still commits */
  assert_int_equal(rfl_h5out_write_series(out, f->samples, 0), RFL_OK);
  assert_int_equal(rfl_h5out_write_series(out, f->samples, 0), RFL_EUSAGE);
  assert_int_equal(rfl_h5out_close(out, 1), RFL_OK);
  assert_true(exists(path));
  hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  assert_true(file >= 0);
  hsize_t dims[3];
  assert_int_equal(rank_dims(file, "/series/t_s", dims), 1);
  assert_int_equal(dims[0], 0);
  assert_int_equal(rank_dims(file, "/fields/times_s", dims), 1);
  assert_int_equal(dims[0], 1);
  H5Fclose(file);
  clean(path);

  /* commit without a grid: refused, nothing left */
  assert_int_equal(rfl_h5out_open(path, NULL, &out), RFL_OK);
  assert_int_equal(rfl_h5out_close(out, 1), RFL_EUSAGE);
  assert_false(exists(path));
  fix_free(f);
}

static void test_paths_and_clamp(void **state) {
  (void)state;
  static rfl_case c;
  rfl_case_defaults(&c);
  char buf[RFL_PATH_MAX];
  strcpy(c.path, "cases/reference/rc1.ini");
  assert_int_equal(rfl_h5out_default_path(&c, buf, sizeof buf), RFL_OK);
  assert_string_equal(buf, "rc1.h5"); /* the current directory */
  strcpy(c.output.directory, "results");
  assert_int_equal(rfl_h5out_default_path(&c, buf, sizeof buf), RFL_OK);
  assert_string_equal(buf, "results/rc1.h5");
  strcpy(c.output.directory, "out/");
  strcpy(c.path, "my.case.ini");
  assert_int_equal(rfl_h5out_default_path(&c, buf, sizeof buf), RFL_OK);
  assert_string_equal(buf, "out/my.case.h5");
  c.output.directory[0] = '\0';
  strcpy(c.path, "plain");
  assert_int_equal(rfl_h5out_default_path(&c, buf, sizeof buf), RFL_OK);
  assert_string_equal(buf, "plain.h5");
  c.path[0] = '\0';
  assert_int_equal(rfl_h5out_default_path(&c, buf, sizeof buf), RFL_OK);
  assert_string_equal(buf, "case.h5");
  char tiny[6];
  assert_int_equal(rfl_h5out_default_path(&c, tiny, sizeof tiny), RFL_EUSAGE);

  assert_int_equal(rfl_h5out_xdmf_path("a/b.h5", buf, sizeof buf), RFL_OK);
  assert_string_equal(buf, "a/b.xmf");
  assert_int_equal(rfl_h5out_xdmf_path("a.d/b", buf, sizeof buf), RFL_OK);
  assert_string_equal(buf, "a.d/b.xmf");
  assert_int_equal(rfl_h5out_xdmf_path(".hidden", buf, sizeof buf), RFL_OK);
  assert_string_equal(buf, ".hidden.xmf");

  /* float32: values beyond the float range are clamped, NaN kept */
  h5fix *f = fix_create(0);
  assert_non_null(f);
  char path[RFL_PATH_MAX];
  path_in_dir(path, sizeof path, "clamp.h5");
  clean(path);
  rfl_h5out *out = NULL;
  assert_int_equal(rfl_h5out_open(path, NULL, &out), RFL_OK);
  assert_int_equal(rfl_h5out_write_grid(out, f->grid, &f->geo, &f->kase), RFL_OK);
  f->omega[0] = 1e60;
  f->omega[1] = -1e60;
  f->omega[2] = NAN;
  rfl_field_view v = fix_view(f, 12.5);
  assert_int_equal(rfl_h5out_write_fields(out, &v), RFL_OK);
  assert_int_equal(rfl_h5out_close(out, 1), RFL_OK);
  hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  assert_true(file >= 0);
  double w[FIX_NX * FIX_NY * FIX_NZ];
  read_doubles(file, "/fields/t_012.500/omega", w);
  assert_close(w[0], FLT_MAX, 0);
  assert_close(w[1], -FLT_MAX, 0);
  assert_true(isnan(w[2]));
  assert_close(w[3], 1.5, 0);
  H5Fclose(file);
  clean(path);
  fix_free(f);
}

int main(void) {
  mkdir(RFL_BINARY_DIR "/tests", 0755);
  mkdir(DIR, 0755);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_uniform_float32),
      cmocka_unit_test(test_graded_float64),
      cmocka_unit_test(test_discard_leaves_nothing),
      cmocka_unit_test(test_failed_write_keeps_previous),
      cmocka_unit_test(test_unwritable_directory),
      cmocka_unit_test(test_usage_errors),
      cmocka_unit_test(test_paths_and_clamp),
  };
  return cmocka_run_group_tests_name("h5out", tests, NULL, NULL);
}
