// SPDX-License-Identifier: BSD-3-Clause
/* A labelled voxel volume (segmented anatomy) read from HDF5, sampled at points by the
 * geometry module before the primitive structures are painted on top.
 *
 * File layout (docs/voxel-input.md):
 *   - one dataset (its path is [grid] voxel_dataset) of unsigned 8-bit integer labels, rank
 *     3, shape (nz, ny, nx): C order, x varies fastest, so label (i, j, k) is element
 *     [k][j][i];
 *   - attribute `spacing_mm` on that dataset: 3 doubles, voxel size along x, y, z in mm
 *     (each > 0);
 *   - attribute `origin_mm` on that dataset: 3 doubles, x y z in mm of the outer corner of
 *     voxel (0, 0, 0) (the corner with the smallest coordinates, not its centre).
 * Voxel (i, j, k) covers [origin + (i, j, k) * spacing, origin + (i+1, j+1, k+1) * spacing).
 * Labels are mapped to materials by [grid] voxel_labels (rfl_grid_spec.voxel_material). */
#ifndef RFL_VOXELS_H
#define RFL_VOXELS_H

#include <stddef.h>
#include <stdint.h>

#include "case_reader.h"
#include "status.h"
#include "vec3.h"

typedef struct rfl_voxels {
  int n[3];          /* voxels along x, y, z (i, j, k of a NIfTI image) */
  rfl_vec3 origin;   /* HDF5: outer corner of voxel (0, 0, 0), m */
  rfl_vec3 spacing;  /* HDF5: voxel size along x, y, z, m */
  uint8_t *label;    /* n[0] * n[1] * n[2] labels, index i + n[0] * (j + n[1] * k) */
  int affine;        /* 1: placed by to_index (a NIfTI image), 0: by origin and spacing */
  double to_index[3][4]; /* affine only: point (m) -> voxel coordinates, voxel i on [i, i+1) */
  unsigned char label_present[256]; /* affine only: which labels occur */
} rfl_voxels;

/* A path ending in .nii or .nii.gz is a NIfTI image (nifti_labels.h); `dataset` is then
 * unused, and the check and the read go to rfl_nifti_labels_check / _read. */

/* Check the header of `dataset` in the HDF5 file `path` against the layout above without
 * reading the labels (an rfl_case_voxel_check, so that the case reader can report a bad
 * voxel file at its line). Returns RFL_CASE_VOXEL_OK and fills hdr; or writes
 * "expected ..., found ..." into problem and returns RFL_CASE_VOXEL_BAD_DATASET when there
 * is no such dataset, RFL_CASE_VOXEL_BAD_FILE for anything else: a missing, unreadable or
 * non-HDF5 file, a rank other than 3, a type other than unsigned 8-bit integers, no voxels
 * or too many, missing or malformed attributes, non-positive spacing. */
int rfl_voxels_check(const char *path, const char *dataset, rfl_case_voxel_header *hdr,
                     char *problem, size_t size);

/* Read `dataset` from the HDF5 file `path`. Errors: RFL_EINPUT for every problem that
 * rfl_voxels_check reports ("PATH: expected ..., found ..."); RFL_EIO when reading the
 * data fails; RFL_ENOMEM. HDF5's own error stack is never printed. */
rfl_status rfl_voxels_read(const char *path, const char *dataset, rfl_voxels **out);

/* Label of the voxel that contains p (the nearest voxel centre), or -1 outside the
 * volume. */
int rfl_voxels_label_at(const rfl_voxels *v, rfl_vec3 p);

void rfl_voxels_free(rfl_voxels *v);

#endif
