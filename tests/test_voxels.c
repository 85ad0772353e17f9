// SPDX-License-Identifier: BSD-3-Clause
/* Labelled voxel volumes: a small volume written with the HDF5 C API in the build
 * directory is read back and sampled; the geometry maps its labels to materials (relative
 * to the case file's directory) and paints a structure and a probe on top; a case file
 * naming a generated volume goes through the case reader to the geometry; every error path
 * of the reader is provoked, directly and through the case reader (located at the line of
 * the key). */
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "geometry.h"
#include "probe.h"
#include "test_support.h"
#include "voxels.h"

#define MM 1e-3
#define NX 5
#define NY 4
#define NZ 3

enum { MUSCLE = 0, BONE = 1, NERVE = 2, FAT = 3, STEEL = 4 };

static const double spacing_mm[3] = {0.5, 0.75, 1.25};
static const double origin_mm[3] = {-1.25, -1.5, -1.875};

static int label_of(int i, int j, int k) { return (i + 2 * j + 3 * k) % 4; }

static void write_attr(hid_t obj, const char *name, const double *v, hsize_t n) {
  hid_t space = H5Screate_simple(1, &n, NULL);
  assert_true(space >= 0);
  hid_t attr = H5Acreate2(obj, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT);
  assert_true(attr >= 0);
  assert_true(H5Awrite(attr, H5T_NATIVE_DOUBLE, v) >= 0);
  assert_true(H5Aclose(attr) >= 0);
  assert_true(H5Sclose(space) >= 0);
}

/* Writes dataset `name` (intermediate groups created) of the given rank/dims/type holding
 * the labels, with the attributes unless NULL. */
static void write_volume(const char *path, const char *name, int rank, const hsize_t *dims,
                         hid_t file_type, const double *spacing, hsize_t nspacing,
                         const double *origin) {
  unsigned char data[NZ * NY * NX];
  for (int k = 0; k < NZ; ++k)
    for (int j = 0; j < NY; ++j)
      for (int i = 0; i < NX; ++i) data[i + NX * (j + NY * k)] = (unsigned char)label_of(i, j, k);
  hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  assert_true(file >= 0);
  hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  assert_true(lcpl >= 0);
  assert_true(H5Pset_create_intermediate_group(lcpl, 1) >= 0);
  hid_t space = H5Screate_simple(rank, dims, NULL);
  assert_true(space >= 0);
  hid_t dset = H5Dcreate2(file, name, file_type, space, lcpl, H5P_DEFAULT, H5P_DEFAULT);
  assert_true(dset >= 0);
  assert_true(H5Dwrite(dset, H5T_NATIVE_UCHAR, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0);
  if (spacing) write_attr(dset, "spacing_mm", spacing, nspacing);
  if (origin) write_attr(dset, "origin_mm", origin, 3);
  assert_true(H5Dclose(dset) >= 0);
  assert_true(H5Sclose(space) >= 0);
  assert_true(H5Pclose(lcpl) >= 0);
  assert_true(H5Fclose(file) >= 0);
}

static const hsize_t dims3[3] = {NZ, NY, NX};
#define GOOD_FILE RFL_BINARY_DIR "/test_voxels_good.h5"
#define BAD_FILE RFL_BINARY_DIR "/test_voxels_bad.h5"

static int setup_good(void **state) {
  (void)state;
  write_volume(GOOD_FILE, "anatomy/labels", 3, dims3, H5T_STD_U8LE, spacing_mm, 3, origin_mm);
  return 0;
}

static rfl_vec3 voxel_centre(int i, int j, int k) {
  return rfl_vec3_make((origin_mm[0] + (i + 0.5) * spacing_mm[0]) * MM,
                       (origin_mm[1] + (j + 0.5) * spacing_mm[1]) * MM,
                       (origin_mm[2] + (k + 0.5) * spacing_mm[2]) * MM);
}

static void read_back_and_sample(void **state) {
  (void)state;
  rfl_voxels *v = NULL;
  assert_int_equal(rfl_voxels_read(GOOD_FILE, "anatomy/labels", &v), RFL_OK);
  assert_int_equal(v->n[0], NX);
  assert_int_equal(v->n[1], NY);
  assert_int_equal(v->n[2], NZ);
  assert_close(v->spacing.y, 0.75 * MM, 1e-18);
  assert_close(v->origin.z, -1.875 * MM, 1e-18);
  for (int k = 0; k < NZ; ++k)
    for (int j = 0; j < NY; ++j)
      for (int i = 0; i < NX; ++i) {
        assert_int_equal(rfl_voxels_label_at(v, voxel_centre(i, j, k)), label_of(i, j, k));
        /* 0.45 voxel off the centre still picks the same voxel */
        rfl_vec3 p = rfl_vec3_add(voxel_centre(i, j, k),
                                  rfl_vec3_make(0.45 * spacing_mm[0] * MM,
                                                -0.45 * spacing_mm[1] * MM,
                                                0.45 * spacing_mm[2] * MM));
        assert_int_equal(rfl_voxels_label_at(v, p), label_of(i, j, k));
      }
  assert_int_equal(rfl_voxels_label_at(v, rfl_vec3_make(-1.2501 * MM, 0, 0)), -1);
  assert_int_equal(rfl_voxels_label_at(v, rfl_vec3_make(1.2501 * MM, 0, 0)), -1);
  assert_int_equal(rfl_voxels_label_at(v, rfl_vec3_make(0, 1.5001 * MM, 0)), -1);
  assert_int_equal(rfl_voxels_label_at(v, rfl_vec3_make(0, 0, 1.8751 * MM)), -1);
  assert_int_equal(rfl_voxels_label_at(v, rfl_vec3_make(0, 0, -1.8749 * MM)), label_of(2, 2, 0));
  rfl_voxels_free(v);
  rfl_voxels_free(NULL);
}

static rfl_case *voxel_case(void) {
  rfl_case *c = calloc(1, sizeof *c);
  assert_non_null(c);
  c->nmaterials = 5;
  c->background_material = MUSCLE;
  strcpy(c->path, RFL_BINARY_DIR "/spine.ini"); /* need not exist */
  strcpy(c->grid.voxel_file, "test_voxels_good.h5");  /* relative to the case's folder */
  strcpy(c->grid.voxel_dataset, "anatomy/labels");
  for (int l = 0; l < 256; ++l) c->grid.voxel_material[l] = -1;
  c->grid.voxel_material[1] = BONE; /* label 0 is not mapped: background shows */
  c->grid.voxel_material[2] = NERVE;
  c->grid.voxel_material[3] = FAT;
  rfl_shape box = {.kind = RFL_SHAPE_BOX, .lo = {-0.3 * MM, -0.2 * MM, -0.6 * MM},
                   .hi = {0.7 * MM, 0.9 * MM, 0.4 * MM}};
  c->structures[0].shape = box;
  c->structures[0].material = STEEL;
  strcpy(c->structures[0].name, "implant");
  c->nstructures = 1;
  return c;
}

/* Label of the volume's voxel at p (mm), or -1 outside: worked out here from the file's
 * layout, not by rfl_voxels_label_at. */
static int voxel_label_mm(double x, double y, double z, const double *origin) {
  double fi = (x - origin[0]) / spacing_mm[0];
  double fj = (y - origin[1]) / spacing_mm[1];
  double fk = (z - origin[2]) / spacing_mm[2];
  if (fi >= 0 && fi < NX && fj >= 0 && fj < NY && fk >= 0 && fk < NZ)
    return label_of((int)fi, (int)fj, (int)fk);
  return -1;
}

/* Part of a round-ended probe of radius a (mm) with its axis along +z from tip (mm), the
 * active tip L long and the shaft running to the domain face, at p (mm): a capsule worked
 * out here, not by rfl_probe_part_at. */
static int probe_part_mm(const double *tip, double a, double L, double x, double y, double z) {
  double t = z - tip[2], rho2 = (x - tip[0]) * (x - tip[0]) + (y - tip[1]) * (y - tip[1]);
  if (t < 0.0) return RFL_PART_TISSUE;
  if (t < a) return rho2 + (t - a) * (t - a) <= a * a ? RFL_PART_ACTIVE : RFL_PART_TISSUE;
  if (rho2 > a * a) return RFL_PART_TISSUE;
  return t <= L ? RFL_PART_ACTIVE : RFL_PART_SHAFT;
}

/* Voxelises voxel_case() on g and checks every cell: the probe (if any) over the implant
 * box over the mapped voxel labels over the background. Returns the number of cells the
 * probe took from a mapped voxel label. */
static int check_painting(const rfl_case *c, const rfl_grid *g, int seen[5]) {
  rfl_geometry *geo = NULL;
  if (rfl_geometry_create(c, g, &geo) != RFL_OK) fail_msg("%s", rfl_error_message());
  const double tip[3] = {c->probes[0].tip.x / MM, c->probes[0].tip.y / MM,
                         c->probes[0].tip.z / MM};
  int over_voxels = 0;
  for (int k = 0; k < g->n[2]; ++k)
    for (int j = 0; j < g->n[1]; ++j)
      for (int i = 0; i < g->n[0]; ++i) {
        double x = g->xc[0][i] / MM, y = g->xc[1][j] / MM, z = g->xc[2][k] / MM;
        int want = MUSCLE, part = RFL_PART_TISSUE;
        int l = voxel_label_mm(x, y, z, origin_mm);
        if (l > 0) want = c->grid.voxel_material[l];
        if (x >= -0.3 && x <= 0.7 && y >= -0.2 && y <= 0.9 && z >= -0.6 && z <= 0.4)
          want = STEEL;
        if (c->nprobes > 0)
          part = probe_part_mm(tip, c->probes[0].radius / MM, c->probes[0].tip_length / MM, x, y, z);
        if (part != RFL_PART_TISSUE) {
          over_voxels += l > 0;
          want = STEEL;
        }
        rfl_label got = geo->label[rfl_grid_index(g, i, j, k)];
        if (got.material != want || got.part != part)
          fail_msg("cell (%d, %d, %d) at (%.4g, %.4g, %.4g) mm: material %d part %d, expected "
                   "%d part %d", i, j, k, x, y, z, got.material, got.part, want, part);
        seen[want] = 1;
      }
  rfl_geometry_free(geo);
  return over_voxels;
}

static void geometry_maps_labels_and_paints_structures(void **state) {
  (void)state;
  rfl_case *c = voxel_case();
  int n[3] = {26, 20, 17}; /* 0.125 x 0.175 x 0.265 mm cells, wider than the volume */
  rfl_grid *g = NULL;
  assert_int_equal(rfl_grid_create_uniform(n, rfl_vec3_make(-1.625 * MM, -1.75 * MM, -2.25 * MM),
                                           rfl_vec3_make(1.625 * MM, 1.75 * MM, 2.25 * MM), &g),
                   RFL_OK);
  rfl_geometry *geo = NULL;
  int seen[5] = {0};
  assert_int_equal(check_painting(c, g, seen), 0);
  for (int m = 0; m < 5; ++m) assert_true(seen[m]);

  /* a label mapped to a material that does not exist */
  c->grid.voxel_material[3] = 9;
  assert_int_equal(rfl_geometry_create(c, g, &geo), RFL_EINPUT);
  assert_string_equal(rfl_error_message(),
                      "[grid] voxel_labels: label 3 maps to material 9, but there are 5 "
                      "materials");
  c->grid.voxel_material[3] = FAT;
  /* missing file, reported under [grid] voxel_file */
  strcpy(c->grid.voxel_file, "nowhere.h5");
  assert_int_equal(rfl_geometry_create(c, g, &geo), RFL_EINPUT);
  assert_null(geo);
  assert_string_equal(rfl_error_message(), RFL_BINARY_DIR "/spine.ini: [grid] voxel_file: "
                                           RFL_BINARY_DIR "/nowhere.h5: expected a readable "
                                           "file, found an error: No such file or directory");
  rfl_grid_free(g);
  free(c);
}

/* A probe through the volume: its steel active tip and shaft replace the voxel labels (and
 * the implant box) wherever it is. */
static void probe_overrides_voxel_labels(void **state) {
  (void)state;
  rfl_case *c = voxel_case();
  rfl_probe *p = &c->probes[0];
  p->radius = 0.4 * MM; /* 3.2 cells of 0.125 mm */
  p->tip_length = 1.0 * MM;
  p->tip_shape = RFL_TIP_ROUND;
  p->tip = rfl_vec3_make(0.0, 0.0, -0.5 * MM);
  p->direction = rfl_vec3_make(0.0, 0.0, 1.0);
  p->shaft_length = 0.0; /* to the domain face */
  p->material = STEEL;
  strcpy(p->name, "probe");
  c->nprobes = 1;
  int n[3] = {26, 28, 36}; /* 0.125 mm cells */
  rfl_grid *g = NULL;
  assert_int_equal(rfl_grid_create_uniform(n, rfl_vec3_make(-1.625 * MM, -1.75 * MM, -2.25 * MM),
                                           rfl_vec3_make(1.625 * MM, 1.75 * MM, 2.25 * MM), &g),
                   RFL_OK);
  int seen[5] = {0};
  int over = check_painting(c, g, seen);
  /* 32 cells of cross-section over the 19 layers from the tip to the volume's top face,
   * less the quarter with label 0 (unmapped): about 450 */
  if (over < 400) fail_msg("the probe took only %d cells from mapped voxel labels", over);
  for (int m = 0; m < 5; ++m) assert_true(seen[m]);
  rfl_grid_free(g);
  free(c);
}

/* rfl_voxels_read fails with "PATH: problem", and rfl_voxels_check reports the same
 * problem with code `bad`. */
static void expect_error(const char *path, const char *dataset, int bad, const char *problem) {
  rfl_voxels *v = (rfl_voxels *)1;
  rfl_error_clear();
  assert_int_equal(rfl_voxels_read(path, dataset, &v), RFL_EINPUT);
  assert_null(v);
  char expected[1024];
  snprintf(expected, sizeof expected, "%s: %s", path, problem);
  assert_string_equal(rfl_error_message(), expected);
  rfl_case_voxel_header h;
  char text[1024];
  assert_int_equal(rfl_voxels_check(path, dataset, &h, text, sizeof text), bad);
  assert_string_equal(text, problem);
}

static void reader_errors(void **state) {
  (void)state;
  enum { FILE_ = RFL_CASE_VOXEL_BAD_FILE, DATASET = RFL_CASE_VOXEL_BAD_DATASET };
  rfl_case_voxel_header h;
  char text[1024];
  assert_int_equal(rfl_voxels_check(GOOD_FILE, "anatomy/labels", &h, text, sizeof text),
                   RFL_CASE_VOXEL_OK);
  assert_int_equal(h.n[0], NX);
  assert_int_equal(h.n[2], NZ);
  assert_close(h.spacing.z, 1.25 * MM, 1e-18);
  assert_close(h.origin.x, -1.25 * MM, 1e-18);

  expect_error(RFL_BINARY_DIR "/no_such_volume.h5", "labels", FILE_,
               "expected a readable file, found an error: No such file or directory");
  FILE *f = fopen(BAD_FILE, "w");
  assert_non_null(f);
  fputs("not hdf5\n", f);
  fclose(f);
  expect_error(BAD_FILE, "labels", FILE_, "expected an HDF5 file, found no HDF5 signature");

  expect_error(GOOD_FILE, "anatomy/missing", DATASET, "expected a dataset 'anatomy/missing', found none");
  expect_error(GOOD_FILE, "nogroup/labels", DATASET, "expected a dataset 'nogroup/labels', found none");
  expect_error(GOOD_FILE, "anatomy", DATASET, "expected a dataset 'anatomy', found none");

  const hsize_t dims2[2] = {NZ * NY, NX};
  write_volume(BAD_FILE, "labels", 2, dims2, H5T_STD_U8LE, spacing_mm, 3, origin_mm);
  expect_error(BAD_FILE, "labels", FILE_,
               "expected dataset 'labels' of rank 3 (nz, ny, nx), found rank 2");

  write_volume(BAD_FILE, "labels", 3, dims3, H5T_STD_I16LE, spacing_mm, 3, origin_mm);
  expect_error(BAD_FILE, "labels", FILE_,
               "expected dataset 'labels' of unsigned 8-bit integer labels, found signed integers "
               "of 2 byte(s)");

  write_volume(BAD_FILE, "labels", 3, dims3, H5T_IEEE_F32LE, spacing_mm, 3, origin_mm);
  expect_error(BAD_FILE, "labels", FILE_,
               "expected dataset 'labels' of unsigned 8-bit integer labels, found floating-point "
               "values of 4 byte(s)");

  write_volume(BAD_FILE, "labels", 3, dims3, H5T_STD_U8LE, spacing_mm, 3, NULL);
  expect_error(BAD_FILE, "labels", FILE_,
               "expected attribute origin_mm (3 numbers, x y z in mm) on dataset 'labels', found "
               "none");

  write_volume(BAD_FILE, "labels", 3, dims3, H5T_STD_U8LE, NULL, 0, origin_mm);
  expect_error(BAD_FILE, "labels", FILE_,
               "expected attribute spacing_mm (3 numbers, x y z in mm) on dataset 'labels', found "
               "none");

  write_volume(BAD_FILE, "labels", 3, dims3, H5T_STD_U8LE, spacing_mm, 2, origin_mm);
  expect_error(BAD_FILE, "labels", FILE_,
               "expected attribute spacing_mm of dataset 'labels' to hold 3 numbers (x y z in mm), "
               "found 2 value(s) of a numeric type");

  const double flat[3] = {0.5, 0.0, 1.25};
  write_volume(BAD_FILE, "labels", 3, dims3, H5T_STD_U8LE, flat, 3, origin_mm);
  expect_error(BAD_FILE, "labels", FILE_,
               "expected attribute spacing_mm of dataset 'labels' > 0 on every axis, found 0.5, "
               "0, 1.25");
  remove(BAD_FILE);
}

/* ---- from a case file ---------------------------------------------------------------- */

static char case_dir[64];
static char case_path[128], volume_path[128];

/* Writes DIR/case.ini: a probe through the volume DIR/vol.h5 (line 9), its dataset (line
 * 10) and the labels' materials (line 11). */
static void write_case(const char *dataset) {
  FILE *f = fopen(case_path, "w");
  assert_non_null(f);
  fprintf(f, "[probe]\n"
             "diameter_mm = 0.8\n"
             "tip_length_mm = 1\n"
             "tip_mm = 0, 0, -0.5\n"
             "[grid]\n"
             "domain_min_mm = -2, -2, -2.5\n"
             "domain_max_mm = 2, 2, 2.5\n"
             "spacing_mm = 0.125\n"
             "voxel_file = vol.h5\n"
             "voxel_dataset = %s\n"
             "voxel_labels = 1:bone_cortical, 2:nerve, 3:fat\n", dataset);
  fclose(f);
}

static rfl_status read_case(rfl_case *c, rfl_case_warnings *w, rfl_case_voxel_check check) {
  rfl_case_read_options opt = {.voxel_check = check, .warnings = w};
  rfl_error_clear();
  return rfl_case_read(case_path, &opt, c);
}

static int setup_case_dir(void **state) {
  (void)state;
  snprintf(case_dir, sizeof case_dir, "/tmp/rfl_voxels_XXXXXX");
  if (!mkdtemp(case_dir)) return -1;
  snprintf(case_path, sizeof case_path, "%s/case.ini", case_dir);
  snprintf(volume_path, sizeof volume_path, "%s/vol.h5", case_dir);
  return 0;
}

static int teardown_case_dir(void **state) {
  (void)state;
  remove(case_path);
  remove(volume_path);
  rmdir(case_dir);
  return 0;
}

/* Case text -> rfl_case_read (voxel header checked, path relative to the case) -> grid ->
 * geometry: every cell has the material of its voxel's label by name, the probe on top. */
static void case_file_to_geometry(void **state) {
  (void)state;
  write_volume(volume_path, "anatomy/labels", 3, dims3, H5T_STD_U8LE, spacing_mm, 3, origin_mm);
  write_case("/anatomy/labels");
  static rfl_case c;
  rfl_case_warnings w;
  if (read_case(&c, &w, rfl_voxels_check) != RFL_OK) fail_msg("%s", rfl_error_message());
  assert_int_equal(w.count, 0);
  const int mat[4] = {rfl_case_find_material(&c, "muscle"),
                      rfl_case_find_material(&c, "bone_cortical"),
                      rfl_case_find_material(&c, "nerve"), rfl_case_find_material(&c, "fat")};
  const int steel = rfl_case_find_material(&c, "steel");
  for (int m = 0; m < 4; ++m) assert_true(mat[m] >= 0);
  assert_true(steel >= 0);
  rfl_grid *g = NULL;
  rfl_geometry *geo = NULL;
  assert_int_equal(rfl_grid_create(&c.grid, &g), RFL_OK);
  assert_int_equal(g->n[0], 32);
  assert_int_equal(g->n[2], 40);
  if (rfl_geometry_create(&c, g, &geo) != RFL_OK) fail_msg("%s", rfl_error_message());
  const double tip[3] = {0.0, 0.0, -0.5};
  size_t counts[4] = {0}, probe_cells = 0;
  for (int k = 0; k < g->n[2]; ++k)
    for (int j = 0; j < g->n[1]; ++j)
      for (int i = 0; i < g->n[0]; ++i) {
        double x = g->xc[0][i] / MM, y = g->xc[1][j] / MM, z = g->xc[2][k] / MM;
        int l = voxel_label_mm(x, y, z, origin_mm);
        int part = probe_part_mm(tip, 0.4, 1.0, x, y, z);
        int want = part != RFL_PART_TISSUE ? steel : mat[l > 0 ? l : 0];
        rfl_label got = geo->label[rfl_grid_index(g, i, j, k)];
        if (got.material != want || got.part != part)
          fail_msg("cell (%d, %d, %d) at (%.4g, %.4g, %.4g) mm: material %d part %d, expected "
                   "%d part %d", i, j, k, x, y, z, got.material, got.part, want, part);
        if (part == RFL_PART_TISSUE) counts[l > 0 ? l : 0]++;
        probe_cells += part != RFL_PART_TISSUE;
      }
  for (int m = 0; m < 4; ++m) assert_true(counts[m] > 0);
  assert_true(probe_cells > 0);
  rfl_geometry_free(geo);
  rfl_grid_free(g);
}

/* The same case with bad volumes: the reader reports each at the line of the key. */
static void case_reader_locates_voxel_errors(void **state) {
  (void)state;
  static rfl_case c;
  rfl_case_warnings w;
  char expected[1024];

  write_case("/anatomy/labels");
  FILE *f = fopen(volume_path, "w");
  assert_non_null(f);
  fputs("label,material\n1,bone\n", f);
  fclose(f);
  snprintf(expected, sizeof expected, "%s:9: [grid] voxel_file: expected an HDF5 file, found "
           "'vol.h5' (no HDF5 signature)", case_path);
  assert_int_equal(read_case(&c, NULL, NULL), RFL_EINPUT); /* even without a header check */
  assert_string_equal(rfl_error_message(), expected);
  assert_int_equal(read_case(&c, NULL, rfl_voxels_check), RFL_EINPUT);
  assert_string_equal(rfl_error_message(), expected);

  write_volume(volume_path, "anatomy/labels", 3, dims3, H5T_STD_I16LE, spacing_mm, 3, origin_mm);
  assert_int_equal(read_case(&c, NULL, rfl_voxels_check), RFL_EINPUT);
  snprintf(expected, sizeof expected, "%s:9: [grid] voxel_file: expected dataset "
           "'/anatomy/labels' of unsigned 8-bit integer labels, found signed integers of 2 "
           "byte(s)", case_path);
  assert_string_equal(rfl_error_message(), expected);
  assert_int_equal(read_case(&c, NULL, NULL), RFL_OK); /* the signature alone passes */

  write_volume(volume_path, "anatomy/labels", 2, (const hsize_t[2]){NZ * NY, NX}, H5T_STD_U8LE,
               spacing_mm, 3, origin_mm);
  assert_int_equal(read_case(&c, NULL, rfl_voxels_check), RFL_EINPUT);
  snprintf(expected, sizeof expected, "%s:9: [grid] voxel_file: expected dataset "
           "'/anatomy/labels' of rank 3 (nz, ny, nx), found rank 2", case_path);
  assert_string_equal(rfl_error_message(), expected);

  write_volume(volume_path, "anatomy/labels", 3, dims3, H5T_STD_U8LE, spacing_mm, 3, NULL);
  assert_int_equal(read_case(&c, NULL, rfl_voxels_check), RFL_EINPUT);
  snprintf(expected, sizeof expected, "%s:9: [grid] voxel_file: expected attribute origin_mm "
           "(3 numbers, x y z in mm) on dataset '/anatomy/labels', found none", case_path);
  assert_string_equal(rfl_error_message(), expected);

  /* no such dataset: blamed on voxel_dataset */
  write_volume(volume_path, "anatomy/labels", 3, dims3, H5T_STD_U8LE, spacing_mm, 3, origin_mm);
  write_case("/labels");
  assert_int_equal(read_case(&c, NULL, rfl_voxels_check), RFL_EINPUT);
  snprintf(expected, sizeof expected, "%s:10: [grid] voxel_dataset: expected a dataset of "
           "'vol.h5', found '/labels' (no such dataset)", case_path);
  assert_string_equal(rfl_error_message(), expected);

  /* a volume beside the domain: a warning at voxel_file, and no cell takes a label */
  const double far[3] = {100.0, 100.0, 100.0};
  write_volume(volume_path, "anatomy/labels", 3, dims3, H5T_STD_U8LE, spacing_mm, 3, far);
  write_case("/anatomy/labels");
  assert_int_equal(read_case(&c, &w, rfl_voxels_check), RFL_OK);
  assert_int_equal(w.count, 1);
  snprintf(expected, sizeof expected, "%s:9: [grid] voxel_file: the volume [100, 102.5] x "
           "[100, 103] x [100, 103.75] mm does not overlap the domain [-2, 2] x [-2, 2] x "
           "[-2.5, 2.5] mm; no cell takes a voxel label", case_path);
  assert_string_equal(w.text[0], expected);
  rfl_grid *g = NULL;
  rfl_geometry *geo = NULL;
  assert_int_equal(rfl_grid_create(&c.grid, &g), RFL_OK);
  if (rfl_geometry_create(&c, g, &geo) != RFL_OK) fail_msg("%s", rfl_error_message());
  for (int m = 0; m < c.nmaterials; ++m)
    if (m != c.background_material && m != c.probes[0].material)
      assert_int_equal(geo->material_cells[m], 0);
  rfl_geometry_free(geo);
  rfl_grid_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(read_back_and_sample),
      cmocka_unit_test(geometry_maps_labels_and_paints_structures),
      cmocka_unit_test(probe_overrides_voxel_labels),
      cmocka_unit_test(reader_errors),
      cmocka_unit_test_setup_teardown(case_file_to_geometry, setup_case_dir, teardown_case_dir),
      cmocka_unit_test_setup_teardown(case_reader_locates_voxel_errors, setup_case_dir,
                                      teardown_case_dir),
  };
  return cmocka_run_group_tests(tests, setup_good, NULL);
}
