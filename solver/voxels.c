// SPDX-License-Identifier: BSD-3-Clause
/* Reading a labelled voxel volume (voxels.h) with the serial HDF5 C API, and point lookup.
 *
 * One function opens the dataset and checks its header, for the case reader's check of a
 * voxel file (rfl_voxels_check) and for the read itself, so both say the same thing about
 * a bad file. Handle hygiene: every hid_t starts at H5I_INVALID_HID, every call is
 * checked, and one cleanup label closes whatever was opened inside H5E_BEGIN_TRY /
 * H5E_END_TRY. HDF5's automatic error printing is switched off for the duration of a check
 * or a read (and restored), so the user sees only our message. The dataset's stored type
 * must be an unsigned 8-bit integer: no silent conversion of wider labels, which HDF5
 * would clamp. Lookup is nearest-neighbour (the voxel containing the point); there is no
 * interpolation of labels. Lengths in the file are mm; the struct holds metres. */
#include "voxels.h"

#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hdf5_quiet.h"
#include "nifti_labels.h"

#define MAX_VOXELS 2000000000.0 /* 2 * 10^9 labels, 2 GB */

/* Reads the 3-number attribute `name` of dataset `dset` (in mm) into out (in m). Returns 0,
 * or 1 with "expected ..., found ..." in problem. */
static int read_vec3_attr(hid_t dset, const char *name, const char *dataset, rfl_vec3 *out,
                          char *problem, size_t size) {
  int bad = 1;
  hid_t attr = H5I_INVALID_HID, space = H5I_INVALID_HID, type = H5I_INVALID_HID;
  double v[3];
  if (H5Aexists(dset, name) <= 0) {
    snprintf(problem, size, "expected attribute %s (3 numbers, x y z in mm) on dataset '%s', "
             "found none", name, dataset);
    goto cleanup;
  }
  if ((attr = H5Aopen(dset, name, H5P_DEFAULT)) < 0 || (space = H5Aget_space(attr)) < 0 ||
      (type = H5Aget_type(attr)) < 0) {
    snprintf(problem, size, "expected attribute %s of dataset '%s' to open, found an HDF5 "
             "error", name, dataset);
    goto cleanup;
  }
  hssize_t npoints = H5Sget_simple_extent_npoints(space);
  H5T_class_t cls = H5Tget_class(type);
  if (npoints != 3 || (cls != H5T_FLOAT && cls != H5T_INTEGER)) {
    snprintf(problem, size, "expected attribute %s of dataset '%s' to hold 3 numbers (x y z in "
             "mm), found %lld value(s) of a %s type", name, dataset, (long long)npoints,
             cls == H5T_FLOAT || cls == H5T_INTEGER ? "numeric" : "non-numeric");
    goto cleanup;
  }
  if (H5Aread(attr, H5T_NATIVE_DOUBLE, v) < 0) {
    snprintf(problem, size, "expected attribute %s of dataset '%s' to read as numbers, found an "
             "HDF5 error", name, dataset);
    goto cleanup;
  }
  if (!isfinite(v[0]) || !isfinite(v[1]) || !isfinite(v[2])) {
    snprintf(problem, size, "expected attribute %s of dataset '%s' to hold finite numbers, "
             "found %g, %g, %g", name, dataset, v[0], v[1], v[2]);
    goto cleanup;
  }
  *out = rfl_vec3_make(1e-3 * v[0], 1e-3 * v[1], 1e-3 * v[2]);
  bad = 0;
cleanup:
  H5E_BEGIN_TRY {
    if (type >= 0) H5Tclose(type);
    if (space >= 0) H5Sclose(space);
    if (attr >= 0) H5Aclose(attr);
  }
  H5E_END_TRY;
  return bad;
}

static const char *type_text(hid_t type) {
  if (H5Tget_class(type) == H5T_INTEGER)
    return H5Tget_sign(type) == H5T_SGN_NONE ? "unsigned integers" : "signed integers";
  return H5Tget_class(type) == H5T_FLOAT ? "floating-point values" : "non-integer values";
}

/* The shape and type of an open label dataset, checked, into hdr->n: 1 (with the problem)
 * if it is not a 3-D volume of unsigned 8-bit labels of a sane size, else 0. */
static int read_shape(hid_t dset, const char *dataset, rfl_case_voxel_header *hdr, char *problem,
                      size_t size) {
  int bad = 1;
  hid_t space = H5I_INVALID_HID, type = H5I_INVALID_HID;
  if ((space = H5Dget_space(dset)) < 0 || (type = H5Dget_type(dset)) < 0) {
    snprintf(problem, size, "expected dataset '%s' with a shape and a type, found an HDF5 error",
             dataset);
    goto cleanup;
  }
  int rank = H5Sget_simple_extent_ndims(space);
  if (rank != 3) {
    snprintf(problem, size, "expected dataset '%s' of rank 3 (nz, ny, nx), found rank %d",
             dataset, rank);
    goto cleanup;
  }
  if (H5Tget_class(type) != H5T_INTEGER || H5Tget_size(type) != 1 ||
      H5Tget_sign(type) != H5T_SGN_NONE) {
    snprintf(problem, size, "expected dataset '%s' of unsigned 8-bit integer labels, found %s "
             "of %zu byte(s)", dataset, type_text(type), H5Tget_size(type));
    goto cleanup;
  }
  hsize_t dims[3];
  if (H5Sget_simple_extent_dims(space, dims, NULL) != 3) {
    snprintf(problem, size, "expected dataset '%s' with 3 dimensions, found an HDF5 error",
             dataset);
    goto cleanup;
  }
  double total = (double)dims[0] * (double)dims[1] * (double)dims[2];
  if (dims[0] == 0 || dims[1] == 0 || dims[2] == 0 || total > MAX_VOXELS) {
    snprintf(problem, size, "expected dataset '%s' of 1 to %.0g voxels, found %llu x %llu x "
             "%llu", dataset, MAX_VOXELS, (unsigned long long)dims[0],
             (unsigned long long)dims[1], (unsigned long long)dims[2]);
    goto cleanup;
  }
  hdr->n[0] = (int)dims[2];
  hdr->n[1] = (int)dims[1];
  hdr->n[2] = (int)dims[0];
  bad = 0;
cleanup:
  H5E_BEGIN_TRY {
    if (type >= 0) H5Tclose(type);
    if (space >= 0) H5Sclose(space);
  }
  H5E_END_TRY;
  return bad;
}

/* Opens `dataset` of `path` and checks its header (HDF5 error printing must be off). On
 * success *file and *dset stay open for the caller to read and close; on a problem they
 * are closed and the result is an RFL_CASE_VOXEL_BAD_* code (see rfl_voxels_check). */
static int open_volume(const char *path, const char *dataset, hid_t *file, hid_t *dset,
                       rfl_case_voxel_header *hdr, char *problem, size_t size) {
  int bad = RFL_CASE_VOXEL_BAD_FILE;
  *file = *dset = H5I_INVALID_HID;
  memset(hdr, 0, sizeof *hdr);
  if (!dataset) dataset = "";
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(problem, size, "expected a readable file, found an error: %s", strerror(errno));
    goto cleanup;
  }
  fclose(f);
  if (H5Fis_hdf5(path) <= 0) {
    snprintf(problem, size, "expected an HDF5 file, found no HDF5 signature");
    goto cleanup;
  }
  if ((*file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0) {
    snprintf(problem, size, "expected an HDF5 file that HDF5 opens, found one it cannot open");
    goto cleanup;
  }
  if (!dataset[0] || H5Lexists(*file, dataset, H5P_DEFAULT) <= 0 ||
      (*dset = H5Dopen2(*file, dataset, H5P_DEFAULT)) < 0) {
    snprintf(problem, size, "expected a dataset '%s', found none", dataset);
    bad = RFL_CASE_VOXEL_BAD_DATASET;
    goto cleanup;
  }
  if (read_shape(*dset, dataset, hdr, problem, size)) goto cleanup;
  if (read_vec3_attr(*dset, "spacing_mm", dataset, &hdr->spacing, problem, size) ||
      read_vec3_attr(*dset, "origin_mm", dataset, &hdr->origin, problem, size))
    goto cleanup;
  rfl_vec3 h = hdr->spacing;
  if (!(h.x > 0.0 && h.y > 0.0 && h.z > 0.0)) {
    snprintf(problem, size, "expected attribute spacing_mm of dataset '%s' > 0 on every axis, "
             "found %g, %g, %g", dataset, 1e3 * h.x, 1e3 * h.y, 1e3 * h.z);
    goto cleanup;
  }
  for (int a = 0; a < 3; ++a) {
    hdr->to_index[a][a] = 1.0 / rfl_vec3_get(h, a);
    hdr->to_index[a][3] = -rfl_vec3_get(hdr->origin, a) / rfl_vec3_get(h, a);
  }
  bad = RFL_CASE_VOXEL_OK;
cleanup:
  H5E_BEGIN_TRY {
    if (bad != RFL_CASE_VOXEL_OK) {
      if (*dset >= 0) H5Dclose(*dset);
      if (*file >= 0) H5Fclose(*file);
      *file = *dset = H5I_INVALID_HID;
    }
  }
  H5E_END_TRY;
  return bad;
}

/* HDF5's automatic error printing, switched off around our calls and restored. */
int rfl_voxels_check(const char *path, const char *dataset, rfl_case_voxel_header *hdr,
                     char *problem, size_t size) {
  if (rfl_case_voxel_file_is_nifti(path)) return rfl_nifti_labels_check(path, hdr, problem, size);
  rfl_hdf5_quiet q;
  hid_t file, dset;
  rfl_hdf5_quiet_begin(&q);
  int bad = open_volume(path, dataset, &file, &dset, hdr, problem, size);
  if (bad == RFL_CASE_VOXEL_OK) {
    H5E_BEGIN_TRY {
      H5Dclose(dset);
      H5Fclose(file);
    }
    H5E_END_TRY;
  }
  rfl_hdf5_quiet_end(&q);
  return bad;
}

rfl_status rfl_voxels_read(const char *path, const char *dataset, rfl_voxels **out) {
  *out = NULL;
  if (rfl_case_voxel_file_is_nifti(path)) return rfl_nifti_labels_read(path, out);
  rfl_status st = RFL_OK;
  hid_t file = H5I_INVALID_HID, dset = H5I_INVALID_HID;
  rfl_voxels *v = NULL;
  rfl_case_voxel_header hdr;
  char problem[RFL_PATH_MAX + 256];
  rfl_hdf5_quiet q;
  rfl_hdf5_quiet_begin(&q);
  if (open_volume(path, dataset, &file, &dset, &hdr, problem, sizeof problem) !=
      RFL_CASE_VOXEL_OK) {
    st = RFL_ERROR(RFL_EINPUT, "%s: %s", path, problem);
    goto cleanup;
  }
  size_t total = (size_t)hdr.n[0] * (size_t)hdr.n[1] * (size_t)hdr.n[2];
  if (!(v = calloc(1, sizeof *v)) || !(v->label = malloc(total))) {
    st = RFL_ERROR(RFL_ENOMEM, "%s: dataset %s: out of memory for %zu labels", path, dataset,
                   total);
    goto cleanup;
  }
  memcpy(v->n, hdr.n, sizeof v->n);
  v->origin = hdr.origin;
  v->spacing = hdr.spacing;
  if (H5Dread(dset, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, v->label) < 0) {
    st = RFL_ERROR(RFL_EIO, "%s: dataset %s: reading the labels failed", path, dataset);
    goto cleanup;
  }
cleanup:
  H5E_BEGIN_TRY {
    if (dset >= 0) H5Dclose(dset);
    if (file >= 0) H5Fclose(file);
  }
  H5E_END_TRY;
  rfl_hdf5_quiet_end(&q);
  if (st != RFL_OK) {
    rfl_voxels_free(v);
    return st;
  }
  *out = v;
  return RFL_OK;
}

/* Continuous voxel coordinate of p along axis a (voxel i covers [i, i+1)): through the
 * inverse affine for an image (any orientation), else from the origin and spacing. */
static double voxel_coordinate(const rfl_voxels *v, rfl_vec3 p, int a) {
  if (v->affine) {
    const double *t = v->to_index[a];
    return t[0] * p.x + t[1] * p.y + t[2] * p.z + t[3];
  }
  return (rfl_vec3_get(p, a) - rfl_vec3_get(v->origin, a)) / rfl_vec3_get(v->spacing, a);
}

int rfl_voxels_label_at(const rfl_voxels *v, rfl_vec3 p) {
  size_t idx = 0, stride = 1;
  for (int a = 0; a < 3; ++a) {
    double s = voxel_coordinate(v, p, a);
    if (!(s >= 0.0) || s >= (double)v->n[a]) return -1;
    size_t i = (size_t)s;
    if (i >= (size_t)v->n[a]) i = (size_t)v->n[a] - 1;
    idx += i * stride;
    stride *= (size_t)v->n[a];
  }
  return v->label[idx];
}

void rfl_voxels_free(rfl_voxels *v) {
  if (!v) return;
  free(v->label);
  free(v);
}
