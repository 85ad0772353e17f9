/* Labelled voxel volumes: a small volume written with the HDF5 C API in the build
 * directory is read back and sampled; the geometry maps its labels to materials (relative
 * to the case file's directory) and paints a structure on top; every error path of the
 * reader is provoked. */
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geometry.h"
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

static void geometry_maps_labels_and_paints_structures(void **state) {
  (void)state;
  rfl_case *c = voxel_case();
  int n[3] = {26, 20, 17}; /* 0.125 x 0.175 x 0.265 mm cells, wider than the volume */
  rfl_grid *g = NULL;
  assert_int_equal(rfl_grid_create_uniform(n, rfl_vec3_make(-1.625 * MM, -1.75 * MM, -2.25 * MM),
                                           rfl_vec3_make(1.625 * MM, 1.75 * MM, 2.25 * MM), &g),
                   RFL_OK);
  rfl_geometry *geo = NULL;
  if (rfl_geometry_create(c, g, &geo) != RFL_OK) fail_msg("%s", rfl_error_message());
  int seen[5] = {0};
  for (int k = 0; k < n[2]; ++k)
    for (int j = 0; j < n[1]; ++j)
      for (int i = 0; i < n[0]; ++i) {
        double x = g->xc[0][i], y = g->xc[1][j], z = g->xc[2][k];
        int want = MUSCLE;
        double fi = (x / MM - origin_mm[0]) / spacing_mm[0];
        double fj = (y / MM - origin_mm[1]) / spacing_mm[1];
        double fk = (z / MM - origin_mm[2]) / spacing_mm[2];
        if (fi >= 0 && fi < NX && fj >= 0 && fj < NY && fk >= 0 && fk < NZ) {
          int l = label_of((int)fi, (int)fj, (int)fk);
          if (l > 0) want = c->grid.voxel_material[l];
        }
        if (x >= -0.3 * MM && x <= 0.7 * MM && y >= -0.2 * MM && y <= 0.9 * MM &&
            z >= -0.6 * MM && z <= 0.4 * MM)
          want = STEEL;
        int got = geo->label[rfl_grid_index(g, i, j, k)].material;
        if (got != want)
          fail_msg("cell (%d, %d, %d) at (%.4g, %.4g, %.4g) mm: material %d, expected %d", i, j,
                   k, x / MM, y / MM, z / MM, got, want);
        seen[want] = 1;
      }
  for (int m = 0; m < 5; ++m) assert_true(seen[m]);
  rfl_geometry_free(geo);

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
  assert_contains(rfl_error_message(), "[grid] voxel_file: " RFL_BINARY_DIR
                                       "/nowhere.h5: cannot open voxel file: No such file");
  rfl_grid_free(g);
  free(c);
}

static void expect_error(const char *path, const char *dataset, rfl_status status,
                         const char *message) {
  rfl_voxels *v = (rfl_voxels *)1;
  rfl_error_clear();
  assert_int_equal(rfl_voxels_read(path, dataset, &v), status);
  assert_null(v);
  assert_contains(rfl_error_message(), message);
}

static void reader_errors(void **state) {
  (void)state;
  expect_error(RFL_BINARY_DIR "/no_such_volume.h5", "labels", RFL_EINPUT,
               "no_such_volume.h5: cannot open voxel file: No such file or directory");
  FILE *f = fopen(BAD_FILE, "w");
  assert_non_null(f);
  fputs("not hdf5\n", f);
  fclose(f);
  expect_error(BAD_FILE, "labels", RFL_EINPUT, "test_voxels_bad.h5: not an HDF5 file");

  expect_error(GOOD_FILE, "anatomy/missing", RFL_EINPUT, "no dataset \"anatomy/missing\"");
  expect_error(GOOD_FILE, "nogroup/labels", RFL_EINPUT, "no dataset \"nogroup/labels\"");

  const hsize_t dims2[2] = {NZ * NY, NX};
  write_volume(BAD_FILE, "labels", 2, dims2, H5T_STD_U8LE, spacing_mm, 3, origin_mm);
  expect_error(BAD_FILE, "labels", RFL_EINPUT,
               "dataset labels: expected rank 3 (nz, ny, nx), found rank 2");

  write_volume(BAD_FILE, "labels", 3, dims3, H5T_STD_I16LE, spacing_mm, 3, origin_mm);
  expect_error(BAD_FILE, "labels", RFL_EINPUT,
               "dataset labels: expected unsigned 8-bit integer labels, found signed integers "
               "of 2 byte(s)");

  write_volume(BAD_FILE, "labels", 3, dims3, H5T_STD_U8LE, spacing_mm, 3, NULL);
  expect_error(BAD_FILE, "labels", RFL_EINPUT,
               "dataset labels: missing attribute origin_mm (3 doubles, x y z in mm)");

  write_volume(BAD_FILE, "labels", 3, dims3, H5T_STD_U8LE, NULL, 0, origin_mm);
  expect_error(BAD_FILE, "labels", RFL_EINPUT, "dataset labels: missing attribute spacing_mm");

  write_volume(BAD_FILE, "labels", 3, dims3, H5T_STD_U8LE, spacing_mm, 2, origin_mm);
  expect_error(BAD_FILE, "labels", RFL_EINPUT,
               "dataset labels: attribute spacing_mm must hold 3 numbers (x y z in mm), found 2");

  const double flat[3] = {0.5, 0.0, 1.25};
  write_volume(BAD_FILE, "labels", 3, dims3, H5T_STD_U8LE, flat, 3, origin_mm);
  expect_error(BAD_FILE, "labels", RFL_EINPUT,
               "dataset labels: spacing_mm must be > 0 on every axis, found 0.5 0 1.25");
  remove(BAD_FILE);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(read_back_and_sample),
      cmocka_unit_test(geometry_maps_labels_and_paints_structures),
      cmocka_unit_test(reader_errors),
  };
  return cmocka_run_group_tests(tests, setup_good, NULL);
}
