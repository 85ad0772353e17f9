// SPDX-License-Identifier: BSD-3-Clause
/* Unfolding a half or quarter domain across its mirror planes (see mirror.h). Per axis the
 * full grid's faces are the computed faces reflected about the lower face followed by the
 * computed faces; full index i maps to computed index n - 1 - i on the reflected side and
 * i - n on the computed side. */
#include "mirror.h"

#include <stdlib.h>

#include "parallel.h"

void rfl_mirror_free(rfl_mirror *m) {
  if (!m) return;
  rfl_grid_free(m->full);
  for (int a = 0; a < 3; ++a) free(m->source[a]);
  free(m);
}

rfl_status rfl_mirror_create(const rfl_grid *half, rfl_symmetry symmetry, rfl_mirror **out) {
  *out = NULL;
  rfl_mirror *m = calloc(1, sizeof *m);
  if (!m) return RFL_ERROR(RFL_ENOMEM, "out of memory unfolding the mirrored domain");
  m->half = half;
  m->flip[0] = (symmetry & RFL_SYMMETRY_X) != 0;
  m->flip[1] = (symmetry & RFL_SYMMETRY_Y) != 0;
  m->flip[2] = 0;
  int n[3];
  double *faces[3] = {NULL, NULL, NULL};
  rfl_status st = RFL_OK;
  for (int a = 0; a < 3; ++a) {
    const int nh = half->n[a];
    n[a] = m->flip[a] ? 2 * nh : nh;
    faces[a] = malloc((size_t)(n[a] + 1) * sizeof(double));
    m->source[a] = malloc((size_t)n[a] * sizeof(int));
    if (!faces[a] || !m->source[a]) {
      st = RFL_ERROR(RFL_ENOMEM, "out of memory unfolding the mirrored domain");
      goto done;
    }
    const double x0 = half->xf[a][0];
    if (m->flip[a]) {
      for (int i = 0; i <= nh; ++i) faces[a][i] = 2.0 * x0 - half->xf[a][nh - i];
      for (int i = 1; i <= nh; ++i) faces[a][nh + i] = half->xf[a][i];
      for (int i = 0; i < nh; ++i) {
        m->source[a][i] = nh - 1 - i;
        m->source[a][nh + i] = i;
      }
    } else {
      for (int i = 0; i <= nh; ++i) faces[a][i] = half->xf[a][i];
      for (int i = 0; i < nh; ++i) m->source[a][i] = i;
    }
  }
  st = rfl_grid_create_from_faces(n, (const double *const *)faces, &m->full);
done:
  for (int a = 0; a < 3; ++a) free(faces[a]);
  if (st != RFL_OK) {
    rfl_mirror_free(m);
    return st;
  }
  *out = m;
  return RFL_OK;
}

/* Index in the computed grid of the image of full-grid cell (i, j, k). */
static inline size_t source_index(const rfl_mirror *m, int i, int j, int k) {
  return rfl_grid_index(m->half, m->source[0][i], m->source[1][j], m->source[2][k]);
}

void rfl_mirror_unfold(const rfl_mirror *m, const double *src, double *dst) {
  const rfl_grid *f = m->full;
  RFL_OMP_FOR
  for (int k = 0; k < f->n[2]; ++k)
    for (int j = 0; j < f->n[1]; ++j)
      for (int i = 0; i < f->n[0]; ++i) dst[rfl_grid_index(f, i, j, k)] = src[source_index(m, i, j, k)];
}

void rfl_mirror_unfold_bytes(const rfl_mirror *m, const uint8_t *src, uint8_t *dst) {
  const rfl_grid *f = m->full;
  RFL_OMP_FOR
  for (int k = 0; k < f->n[2]; ++k)
    for (int j = 0; j < f->n[1]; ++j)
      for (int i = 0; i < f->n[0]; ++i) dst[rfl_grid_index(f, i, j, k)] = src[source_index(m, i, j, k)];
}
