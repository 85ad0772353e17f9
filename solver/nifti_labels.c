// SPDX-License-Identifier: BSD-3-Clause
/* Reading a NIfTI label image (nifti_labels.h) with Debian's nifti2_io, which reads both
 * NIfTI-1 and NIfTI-2 and gives 64-bit dimensions and a double affine.
 *
 * The library prints its own diagnostics to stderr unless its (global) debug level is 0,
 * so it is set to 0 before every call: the user sees only our message. A missing file is
 * told apart from a corrupt one by opening it first; a header that reads but data that do
 * not (a truncated file) fail at nifti_image_load. The library applies no scaling to the
 * raw data, so a scaled image is refused rather than read as wrong labels. Labels of any
 * integer type are checked to lie in 0..255 and stored as uint8 (the label table of the
 * case covers 0..255). */
#include "nifti_labels.h"

#include <errno.h>
#include <math.h>
#include <nifti2_io.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_VOXELS 2000000000.0 /* as for HDF5 volumes: 2 * 10^9 labels */

/* Label at flat index n of the raw data of an integer datatype. */
static int64_t raw_label(const void *data, int datatype, size_t n) {
  switch (datatype) {
  case DT_UINT8: return ((const uint8_t *)data)[n];
  case DT_INT8: return ((const int8_t *)data)[n];
  case DT_UINT16: return ((const uint16_t *)data)[n];
  case DT_INT16: return ((const int16_t *)data)[n];
  case DT_UINT32: return ((const uint32_t *)data)[n];
  case DT_INT32: return ((const int32_t *)data)[n];
  case DT_INT64: return ((const int64_t *)data)[n];
  default: { /* DT_UINT64: values above INT64_MAX are out of range all the same */
    uint64_t u = ((const uint64_t *)data)[n];
    return u > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)u;
  }
  }
}

static int integer_datatype(int dt) {
  return dt == DT_UINT8 || dt == DT_INT8 || dt == DT_UINT16 || dt == DT_INT16 ||
         dt == DT_UINT32 || dt == DT_INT32 || dt == DT_UINT64 || dt == DT_INT64;
}

/* Metres per unit of the image's spatial coordinates (mm when the header leaves it open). */
static double unit_metres(int xyz_units) {
  if (xyz_units == NIFTI_UNITS_METER) return 1.0;
  if (xyz_units == NIFTI_UNITS_MICRON) return 1e-6;
  return 1e-3;
}

/* The shape: 3-D (further dimensions of size 1), 1 to MAX_VOXELS voxels. */
static int check_shape(const nifti_image *im, rfl_case_voxel_header *hdr, char *problem,
                       size_t size) {
  int64_t extra = im->nt * im->nu * im->nv * im->nw;
  double total = (double)im->nx * (double)im->ny * (double)im->nz;
  if (im->nx < 1 || im->ny < 1 || im->nz < 1 || extra != 1 || total > MAX_VOXELS) {
    snprintf(problem, size, "expected a 3-D image of 1 to %.0g voxels, found dimensions %lld x "
             "%lld x %lld x %lld", MAX_VOXELS, (long long)im->nx, (long long)im->ny,
             (long long)im->nz, (long long)extra);
    return 1;
  }
  hdr->n[0] = (int)im->nx;
  hdr->n[1] = (int)im->ny;
  hdr->n[2] = (int)im->nz;
  return 0;
}

/* The affine (sform, else qform) inverted into hdr->to_index, or 1 with the problem. */
static int read_affine(const nifti_image *im, rfl_case_voxel_header *hdr, char *problem,
                       size_t size) {
  const char *which = im->sform_code > 0 ? "sform" : "qform";
  if (im->sform_code <= 0 && im->qform_code <= 0) {
    snprintf(problem, size, "expected an affine placing the image (sform_code or qform_code > "
             "0), found sform_code %d and qform_code %d", im->sform_code, im->qform_code);
    return 1;
  }
  const nifti_dmat44 *a = im->sform_code > 0 ? &im->sto_xyz : &im->qto_xyz;
  nifti_dmat33 m;
  double colnorm[3] = {0.0, 0.0, 0.0};
  int finite = 1;
  for (int r = 0; r < 3; ++r) {
    finite &= isfinite(a->m[r][3]);
    for (int c = 0; c < 3; ++c) {
      m.m[r][c] = a->m[r][c];
      finite &= isfinite(m.m[r][c]);
      colnorm[c] += m.m[r][c] * m.m[r][c];
    }
  }
  double det = nifti_dmat33_determ(m);
  /* singular: a zero voxel size, or axes (nearly) in one plane */
  if (!finite || !(fabs(det) > 1e-9 * sqrt(colnorm[0] * colnorm[1] * colnorm[2]))) {
    snprintf(problem, size, "expected an invertible %s (the voxel-to-mm affine), found a "
             "singular one (determinant %g)", which, det);
    return 1;
  }
  nifti_dmat33 inv = nifti_dmat33_inverse(m);
  double per_metre = 1.0 / unit_metres(im->xyz_units);
  for (int r = 0; r < 3; ++r) {
    double shift = 0.0;
    for (int c = 0; c < 3; ++c) {
      hdr->to_index[r][c] = inv.m[r][c] * per_metre;
      shift += inv.m[r][c] * a->m[c][3];
    }
    hdr->to_index[r][3] = 0.5 - shift; /* voxel centres at integers: cells [i-0.5, i+0.5) */
  }
  return 0;
}

/* Every label of the loaded image in 0..255: into labels (if not NULL) and
 * hdr->label_present; or 1 with the first bad one in problem. */
static int convert_labels(const nifti_image *im, rfl_case_voxel_header *hdr, uint8_t *labels,
                          char *problem, size_t size) {
  size_t total = (size_t)im->nx * (size_t)im->ny * (size_t)im->nz;
  memset(hdr->label_present, 0, sizeof hdr->label_present);
  for (size_t n = 0; n < total; ++n) {
    int64_t v = raw_label(im->data, im->datatype, n);
    if (v < 0 || v > 255) {
      size_t i = n % (size_t)im->nx, j = n / (size_t)im->nx % (size_t)im->ny;
      size_t k = n / ((size_t)im->nx * (size_t)im->ny);
      snprintf(problem, size, "expected labels 0 to 255, found label %lld at voxel (%zu, %zu, "
               "%zu)", (long long)v, i, j, k);
      return 1;
    }
    hdr->label_present[v] = 1;
    if (labels) labels[n] = (uint8_t)v;
  }
  hdr->labels_known = 1;
  return 0;
}

/* Reads and checks the image; on success *out holds it with its data loaded. */
static int open_image(const char *path, nifti_image **out, rfl_case_voxel_header *hdr,
                      char *problem, size_t size) {
  *out = NULL;
  memset(hdr, 0, sizeof *hdr);
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(problem, size, "expected a readable file, found an error: %s", strerror(errno));
    return 1;
  }
  fclose(f);
  nifti_set_debug_level(0);
  nifti_image *im = nifti_image_read(path, 0);
  if (!im) {
    snprintf(problem, size, "expected a NIfTI-1 or NIfTI-2 image, found a file the NIfTI "
             "library cannot read (not NIfTI, or a corrupt header)");
    return 1;
  }
  int bad = 1;
  if (!integer_datatype(im->datatype)) {
    snprintf(problem, size, "expected integer labels (uint8, int8, uint16, int16, uint32, "
             "int32, uint64 or int64), found datatype %s", nifti_datatype_string(im->datatype));
  } else if (im->scl_slope != 0.0 && (im->scl_slope != 1.0 || im->scl_inter != 0.0)) {
    snprintf(problem, size, "expected unscaled labels (scl_slope 0 or 1, scl_inter 0), found "
             "scl_slope %g and scl_inter %g", im->scl_slope, im->scl_inter);
  } else if (!check_shape(im, hdr, problem, size) && !read_affine(im, hdr, problem, size)) {
    if (nifti_image_load(im) < 0)
      snprintf(problem, size, "expected %lld voxels of data after the header, found a "
               "truncated or corrupt file", (long long)im->nvox);
    else
      bad = 0;
  }
  if (bad) {
    nifti_image_free(im);
    return 1;
  }
  *out = im;
  return 0;
}

int rfl_nifti_labels_check(const char *path, rfl_case_voxel_header *hdr, char *problem,
                           size_t size) {
  nifti_image *im = NULL;
  if (open_image(path, &im, hdr, problem, size)) return RFL_CASE_VOXEL_BAD_FILE;
  int bad = convert_labels(im, hdr, NULL, problem, size);
  nifti_image_free(im);
  return bad ? RFL_CASE_VOXEL_BAD_FILE : RFL_CASE_VOXEL_OK;
}

rfl_status rfl_nifti_labels_read(const char *path, rfl_voxels **out) {
  *out = NULL;
  rfl_case_voxel_header hdr;
  char problem[512];
  nifti_image *im = NULL;
  if (open_image(path, &im, &hdr, problem, sizeof problem))
    return RFL_ERROR(RFL_EINPUT, "%s: %s", path, problem);
  size_t total = (size_t)hdr.n[0] * (size_t)hdr.n[1] * (size_t)hdr.n[2];
  rfl_voxels *v = calloc(1, sizeof *v);
  if (!v || !(v->label = malloc(total))) {
    nifti_image_free(im);
    rfl_voxels_free(v);
    return RFL_ERROR(RFL_ENOMEM, "%s: out of memory for %zu labels", path, total);
  }
  int bad = convert_labels(im, &hdr, v->label, problem, sizeof problem);
  nifti_image_free(im);
  if (bad) {
    rfl_voxels_free(v);
    return RFL_ERROR(RFL_EINPUT, "%s: %s", path, problem);
  }
  memcpy(v->n, hdr.n, sizeof v->n);
  memcpy(v->to_index, hdr.to_index, sizeof v->to_index);
  memcpy(v->label_present, hdr.label_present, sizeof v->label_present);
  v->affine = 1;
  *out = v;
  return RFL_OK;
}
