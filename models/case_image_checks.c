// SPDX-License-Identifier: BSD-3-Clause
/* The checks of a NIfTI label image against the rest of the case, once the probes and the
 * structures are known: every label in the image has a material in [grid] voxel_labels
 * (label 0, the segmentation tools' "nothing", may stay unmapped and shows the
 * background), and the image covers each probe's tip and the part inside the domain of
 * each reported (target or protected) structure's bounding box. They need the labels,
 * which the caller's voxel check reads; without that check they are done when the solver
 * reads the image. An HDF5 volume keeps its older rules (unmapped labels show the
 * background, no coverage needed). */
#include "case_reading.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int rfl_case_voxel_file_is_nifti(const char *path) {
  size_t n = strlen(path);
  return (n > 4 && strcmp(path + n - 4, ".nii") == 0) ||
         (n > 7 && strcmp(path + n - 7, ".nii.gz") == 0);
}

/* Whether the image whose header is h covers the point p (m). */
static int image_covers(const rfl_case_voxel_header *h, rfl_vec3 p) {
  for (int a = 0; a < 3; a++) {
    const double *t = h->to_index[a];
    double s = t[0] * p.x + t[1] * p.y + t[2] * p.z + t[3];
    if (!(s >= -1e-9 && s <= (double)h->n[a] + 1e-9)) return 0; /* closed: an image ending at
                                                                 the domain face covers it */
  }
  return 1;
}

/* The first corner of s's bounding box, clipped to the domain, outside the image; 0 if
 * none (or s is a half-space, which has no box). */
static int structure_uncovered(const rfl_case_voxel_header *h, const rfl_shape *s,
                               const rfl_grid_spec *g, rfl_vec3 *corner) {
  if (s->kind == RFL_SHAPE_HALFSPACE) return 0;
  rfl_vec3 blo, bhi;
  rfl_shape_bounds(s, &blo, &bhi);
  double lo[3], hi[3];
  for (int a = 0; a < 3; a++) {
    lo[a] = fmax(rfl_vec3_get(blo, a), rfl_vec3_get(g->domain_min, a));
    hi[a] = fmin(rfl_vec3_get(bhi, a), rfl_vec3_get(g->domain_max, a));
  }
  for (int c = 0; c < 8; c++) {
    *corner = rfl_vec3_make(c & 1 ? hi[0] : lo[0], c & 2 ? hi[1] : lo[1], c & 4 ? hi[2] : lo[2]);
    if (!image_covers(h, *corner)) return 1;
  }
  return 0;
}

rfl_status reader_check_voxel_image(reader *r) {
  const rfl_case *c = &r->c;
  const rfl_case_voxel_header *h = &r->voxel;
  if (!r->voxel_known || !h->labels_known) return RFL_OK;
  entry_rec *vf = reader_find_entry_kind(r, S_GRID, "voxel_file");
  entry_rec *vl = reader_find_entry_kind(r, S_GRID, "voxel_labels");
  char buf[128];
  for (int l = 1; l < 256; l++)
    if (h->label_present[l] && c->grid.voxel_material[l] < 0)
      return reader_fail_entry(r, vl, "expected a material for every label of '%s' but 0, found "
                               "label %d with none", vf->text, l);
  for (int p = 0; p < c->nprobes; p++)
    if (!image_covers(h, c->probes[p].tip))
      return reader_fail_entry(r, vf, "expected an image covering the tip of [%s], found the tip "
                               "(%s) mm outside '%s'", c->probes[p].name,
                               reader_vec_text(c->probes[p].tip, 1e-3, buf, sizeof buf), vf->text);
  for (int s = 0; s < c->nstructures; s++) {
    const rfl_structure *st = &c->structures[s];
    rfl_vec3 corner;
    if (st->role != RFL_ROLE_NONE && structure_uncovered(h, &st->shape, &c->grid, &corner))
      return reader_fail_entry(r, vf, "expected an image covering [structure %s] (its bounding "
                               "box inside the domain), found its corner (%s) mm outside '%s'",
                               st->name, reader_vec_text(corner, 1e-3, buf, sizeof buf), vf->text);
  }
  return RFL_OK;
}
