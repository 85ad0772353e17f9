// SPDX-License-Identifier: BSD-3-Clause
/* The Cartesian tensor-product grid: cell-centred, uniform or graded per axis.
 *
 * Cell (i, j, k) spans [xf[0][i], xf[0][i+1]] x [xf[1][j], ...] x [...]; its linear index is
 * i + n[0] * (j + n[1] * k) (x fastest). A graded axis has uniform cells of size `spacing`
 * inside [fine_lo, fine_hi] and cells that grow geometrically outwards, each at most
 * `growth` times its inner neighbour, ending exactly on the domain faces. */
#ifndef RFL_GRID_H
#define RFL_GRID_H

#include <stddef.h>

#include "case.h"
#include "status.h"

typedef struct {
  int n[3];        /* cells per axis */
  double *xf[3];   /* face coordinates, n[a] + 1 per axis, m (ascending) */
  double *xc[3];   /* cell-centre coordinates, n[a] per axis, m */
  double *dx[3];   /* cell widths, n[a] per axis, m */
  size_t ncells;   /* n[0] * n[1] * n[2] */
} rfl_grid;

/* Build the grid a case asks for. Errors (RFL_EINPUT) name the [grid] key at fault. */
rfl_status rfl_grid_create(const rfl_grid_spec *spec, rfl_grid **out);

/* A uniform grid on [lo, hi] with n cells per axis (tests and benchmarks). */
rfl_status rfl_grid_create_uniform(const int n[3], rfl_vec3 lo, rfl_vec3 hi, rfl_grid **out);

/* A grid from explicit face coordinates per axis (copied). */
rfl_status rfl_grid_create_from_faces(const int n[3], const double *const faces[3],
                                      rfl_grid **out);

void rfl_grid_free(rfl_grid *g);

static inline size_t rfl_grid_index(const rfl_grid *g, int i, int j, int k) {
  return (size_t)i + (size_t)g->n[0] * ((size_t)j + (size_t)g->n[1] * (size_t)k);
}

/* Cell volume, m^3. */
static inline double rfl_grid_volume(const rfl_grid *g, int i, int j, int k) {
  return g->dx[0][i] * g->dx[1][j] * g->dx[2][k];
}

/* Index of the cell containing coordinate x along axis a (clamped to [0, n-1]). */
int rfl_grid_locate(const rfl_grid *g, int axis, double x);

/* Smallest and largest cell width over all axes, m. */
void rfl_grid_spacing_range(const rfl_grid *g, double *hmin, double *hmax);

#endif
