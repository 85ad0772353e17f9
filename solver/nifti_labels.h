// SPDX-License-Identifier: BSD-3-Clause
/* A NIfTI-1 or NIfTI-2 label image (.nii, .nii.gz, as segmentation tools write them) read
 * with the NIfTI C library into a labelled voxel volume (voxels.h), placed in the case's
 * frame by its affine.
 *
 * What is accepted (docs/anatomy-input.md):
 *   - a 3-D image (any further dimension of size 1) of integer labels: datatype uint8,
 *     int8, uint16, int16, uint32, int32, uint64 or int64, unscaled (scl_slope 0 or 1 and
 *     scl_inter 0), every label in 0..255;
 *   - an affine: the sform when sform_code > 0, else the qform when qform_code > 0; it
 *     maps voxel indices (i, j, k) to the centre of that voxel in the case's x, y, z, in
 *     the image's spatial unit (mm, or m or um when xyzt_units says so; mm when unknown),
 *     and must be invertible. Any orientation works: flipped, permuted or oblique axes.
 * Voxel (i, j, k) covers the index-space cube [i-0.5, i+0.5) x ... around its centre. */
#ifndef RFL_NIFTI_LABELS_H
#define RFL_NIFTI_LABELS_H

#include <stddef.h>

#include "case_reader.h"
#include "status.h"
#include "voxels.h"

/* Read the image `path` fully and check it against the rules above (an
 * rfl_case_voxel_check without a dataset). Returns RFL_CASE_VOXEL_OK and fills hdr (its
 * to_index and label_present, labels_known = 1); or RFL_CASE_VOXEL_BAD_FILE with
 * "expected ..., found ..." in problem. The library's own messages are silenced. */
int rfl_nifti_labels_check(const char *path, rfl_case_voxel_header *hdr, char *problem,
                           size_t size);

/* Read the image into a voxel volume (labels as uint8, index i + nx * (j + ny * k), and
 * the inverse affine). Errors: RFL_EINPUT ("PATH: expected ..., found ...") for every
 * problem rfl_nifti_labels_check reports; RFL_ENOMEM. */
rfl_status rfl_nifti_labels_read(const char *path, rfl_voxels **out);

#endif
