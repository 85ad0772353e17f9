// SPDX-License-Identifier: BSD-3-Clause
/* The whole domain of a case computed on a half or quarter (mirror planes at the lower x
 * and/or y domain faces): the unfolded grid and fields, for measurements that must see
 * across the planes (lesion extremes on the probe axis, which lies in the planes, sub-cell
 * interpolation stencils, structure overlaps). Fields are copied by reflection, so the
 * unfolded arrays hold exactly the computed values. */
#ifndef RFL_MIRROR_H
#define RFL_MIRROR_H

#include <stdint.h>

#include "case.h"
#include "grid.h"
#include "status.h"

typedef struct {
  const rfl_grid *half;   /* the computed grid (not owned) */
  rfl_grid *full;         /* the unfolded grid (owned) */
  int flip[3];            /* per axis: 1 if unfolded across its lower face */
  int *source[3];         /* per axis: full-grid index -> computed-grid index */
} rfl_mirror;

/* Unfold a grid for the case's symmetry (with none, full is a copy of the grid). */
rfl_status rfl_mirror_create(const rfl_grid *half, rfl_symmetry symmetry, rfl_mirror **out);
void rfl_mirror_free(rfl_mirror *m);

/* dst[full cell] = src[its computed image], for doubles and bytes. */
void rfl_mirror_unfold(const rfl_mirror *m, const double *src, double *dst);
void rfl_mirror_unfold_bytes(const rfl_mirror *m, const uint8_t *src, uint8_t *dst);

#endif
