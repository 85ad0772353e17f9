/* Reading a labelled voxel volume (voxels.h) with the serial HDF5 C API, and point lookup.
 *
 * Handle hygiene: every hid_t starts at H5I_INVALID_HID, every call is checked, and one
 * cleanup label closes whatever was opened inside H5E_BEGIN_TRY / H5E_END_TRY. HDF5's
 * automatic error printing is switched off for the duration of the read (and restored), so
 * the user sees only our message. The dataset's stored type must be an unsigned 8-bit
 * integer: no silent conversion of wider labels, which HDF5 would clamp. Lookup is
 * nearest-neighbour (the voxel containing the point); there is no interpolation of labels.
 * Lengths in the file are mm; the struct holds metres. */
#include "voxels.h"

#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_VOXELS 2000000000.0 /* 2 * 10^9 labels, 2 GB */

/* Reads a 3-double attribute `name` of object `obj` (in mm) into out (in m). */
static rfl_status read_vec3_attr(hid_t obj, const char *name, const char *path,
                                 const char *dataset, rfl_vec3 *out) {
  rfl_status st = RFL_OK;
  hid_t attr = H5I_INVALID_HID, space = H5I_INVALID_HID, type = H5I_INVALID_HID;
  double v[3];
  htri_t exists = H5Aexists(obj, name);
  if (exists <= 0) {
    st = RFL_ERROR(RFL_EINPUT, "%s: dataset %s: missing attribute %s (3 doubles, x y z in mm)",
                   path, dataset, name);
    goto cleanup;
  }
  if ((attr = H5Aopen(obj, name, H5P_DEFAULT)) < 0 || (space = H5Aget_space(attr)) < 0 ||
      (type = H5Aget_type(attr)) < 0) {
    st = RFL_ERROR(RFL_EIO, "%s: dataset %s: cannot open attribute %s", path, dataset, name);
    goto cleanup;
  }
  hssize_t npoints = H5Sget_simple_extent_npoints(space);
  H5T_class_t cls = H5Tget_class(type);
  if (npoints != 3 || (cls != H5T_FLOAT && cls != H5T_INTEGER)) {
    st = RFL_ERROR(RFL_EINPUT, "%s: dataset %s: attribute %s must hold 3 numbers (x y z in "
                   "mm), found %lld value(s) of a %s type", path, dataset, name,
                   (long long)npoints, cls == H5T_FLOAT || cls == H5T_INTEGER ? "numeric"
                                                                              : "non-numeric");
    goto cleanup;
  }
  if (H5Aread(attr, H5T_NATIVE_DOUBLE, v) < 0) {
    st = RFL_ERROR(RFL_EIO, "%s: dataset %s: cannot read attribute %s", path, dataset, name);
    goto cleanup;
  }
  for (int a = 0; a < 3; ++a)
    if (!isfinite(v[a])) {
      st = RFL_ERROR(RFL_EINPUT, "%s: dataset %s: attribute %s has a non-finite value", path,
                     dataset, name);
      goto cleanup;
    }
  *out = rfl_vec3_make(1e-3 * v[0], 1e-3 * v[1], 1e-3 * v[2]);
cleanup:
  H5E_BEGIN_TRY {
    if (type >= 0) H5Tclose(type);
    if (space >= 0) H5Sclose(space);
    if (attr >= 0) H5Aclose(attr);
  }
  H5E_END_TRY;
  return st;
}

rfl_status rfl_voxels_read(const char *path, const char *dataset, rfl_voxels **out) {
  *out = NULL;
  rfl_status st = RFL_OK;
  hid_t file = H5I_INVALID_HID, dset = H5I_INVALID_HID, space = H5I_INVALID_HID,
        type = H5I_INVALID_HID;
  rfl_voxels *v = NULL;
  H5E_auto2_t old_func = NULL;
  void *old_data = NULL;
  int restore_auto = H5Eget_auto2(H5E_DEFAULT, &old_func, &old_data) >= 0;
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);

  FILE *probe = fopen(path, "rb");
  if (!probe) {
    st = RFL_ERROR(RFL_EINPUT, "%s: cannot open voxel file: %s", path, strerror(errno));
    goto cleanup;
  }
  fclose(probe);
  if (H5Fis_hdf5(path) <= 0) {
    st = RFL_ERROR(RFL_EINPUT, "%s: not an HDF5 file", path);
    goto cleanup;
  }
  if ((file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0) {
    st = RFL_ERROR(RFL_EIO, "%s: cannot open HDF5 file", path);
    goto cleanup;
  }
  if (!dataset || !dataset[0] || H5Lexists(file, dataset, H5P_DEFAULT) <= 0 ||
      (dset = H5Dopen2(file, dataset, H5P_DEFAULT)) < 0) {
    st = RFL_ERROR(RFL_EINPUT, "%s: no dataset \"%s\"", path, dataset ? dataset : "");
    goto cleanup;
  }
  if ((space = H5Dget_space(dset)) < 0 || (type = H5Dget_type(dset)) < 0) {
    st = RFL_ERROR(RFL_EIO, "%s: dataset %s: cannot query shape and type", path, dataset);
    goto cleanup;
  }
  int rank = H5Sget_simple_extent_ndims(space);
  if (rank != 3) {
    st = RFL_ERROR(RFL_EINPUT, "%s: dataset %s: expected rank 3 (nz, ny, nx), found rank %d",
                   path, dataset, rank);
    goto cleanup;
  }
  if (H5Tget_class(type) != H5T_INTEGER || H5Tget_size(type) != 1 ||
      H5Tget_sign(type) != H5T_SGN_NONE) {
    st = RFL_ERROR(RFL_EINPUT, "%s: dataset %s: expected unsigned 8-bit integer labels, found "
                   "%s of %zu byte(s)", path, dataset,
                   H5Tget_class(type) == H5T_INTEGER
                       ? (H5Tget_sign(type) == H5T_SGN_NONE ? "unsigned integers"
                                                            : "signed integers")
                       : (H5Tget_class(type) == H5T_FLOAT ? "floating-point values"
                                                          : "non-integer values"),
                   H5Tget_size(type));
    goto cleanup;
  }
  hsize_t dims[3];
  if (H5Sget_simple_extent_dims(space, dims, NULL) != 3) {
    st = RFL_ERROR(RFL_EIO, "%s: dataset %s: cannot read its dimensions", path, dataset);
    goto cleanup;
  }
  double total = (double)dims[0] * (double)dims[1] * (double)dims[2];
  if (dims[0] == 0 || dims[1] == 0 || dims[2] == 0 || total > MAX_VOXELS) {
    st = RFL_ERROR(RFL_EINPUT, "%s: dataset %s: expected 1 to %.0g voxels, found %llu x %llu x "
                   "%llu", path, dataset, MAX_VOXELS, (unsigned long long)dims[0],
                   (unsigned long long)dims[1], (unsigned long long)dims[2]);
    goto cleanup;
  }
  if (!(v = calloc(1, sizeof *v))) {
    st = RFL_ERROR(RFL_ENOMEM, "voxels: out of memory");
    goto cleanup;
  }
  v->n[0] = (int)dims[2];
  v->n[1] = (int)dims[1];
  v->n[2] = (int)dims[0];
  if ((st = read_vec3_attr(dset, "spacing_mm", path, dataset, &v->spacing)) != RFL_OK ||
      (st = read_vec3_attr(dset, "origin_mm", path, dataset, &v->origin)) != RFL_OK)
    goto cleanup;
  for (int a = 0; a < 3; ++a)
    if (!(rfl_vec3_get(v->spacing, a) > 0.0)) {
      st = RFL_ERROR(RFL_EINPUT, "%s: dataset %s: spacing_mm must be > 0 on every axis, found "
                     "%g %g %g", path, dataset, 1e3 * v->spacing.x, 1e3 * v->spacing.y,
                     1e3 * v->spacing.z);
      goto cleanup;
    }
  if (!(v->label = malloc((size_t)total))) {
    st = RFL_ERROR(RFL_ENOMEM, "%s: dataset %s: out of memory for %.0f labels", path, dataset,
                   total);
    goto cleanup;
  }
  if (H5Dread(dset, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, v->label) < 0) {
    st = RFL_ERROR(RFL_EIO, "%s: dataset %s: reading the labels failed", path, dataset);
    goto cleanup;
  }
cleanup:
  H5E_BEGIN_TRY {
    if (type >= 0) H5Tclose(type);
    if (space >= 0) H5Sclose(space);
    if (dset >= 0) H5Dclose(dset);
    if (file >= 0) H5Fclose(file);
  }
  H5E_END_TRY;
  if (restore_auto) H5Eset_auto2(H5E_DEFAULT, old_func, old_data);
  if (st != RFL_OK) {
    rfl_voxels_free(v);
    return st;
  }
  *out = v;
  return RFL_OK;
}

int rfl_voxels_label_at(const rfl_voxels *v, rfl_vec3 p) {
  size_t idx = 0, stride = 1;
  for (int a = 0; a < 3; ++a) {
    double s = (rfl_vec3_get(p, a) - rfl_vec3_get(v->origin, a)) / rfl_vec3_get(v->spacing, a);
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
