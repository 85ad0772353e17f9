// SPDX-License-Identifier: BSD-3-Clause
/* The reader's estimate of the grid a spec asks for (see case_reader.h): cell counts and
 * local spacing without building the grid, for the size and memory checks and a sweep's
 * cost. The exact grid (solver/grid.c) fits the graded cells to the domain, so its counts
 * may differ slightly; this estimate is what the limits are checked against. */
#include "grid_estimate.h"

#include <math.h>

/* Cells along one axis: uniform in [flo, fhi], growing by g per cell outside. A uniform
 * axis (g = 1, or a fine box as wide as the domain) has round(L / h) cells, as the grid
 * builds it. */
static double axis_cells(double lo, double hi, double flo, double fhi, double h, double g) {
  if (g <= 1.0 + 1e-12 || (flo - lo <= 1e-12 && hi - fhi <= 1e-12))
    return fmax(1.0, round((hi - lo) / h));
  double n = ceil((fhi - flo) / h - 1e-6);
  if (n < 1) n = 1;
  double side[2] = {flo - lo, hi - fhi};
  for (int s = 0; s < 2; s++) {
    if (!(side[s] > 1e-12)) continue;
    if (g <= 1.0 + 1e-12) {
      n += ceil(side[s] / h - 1e-6);
      continue;
    }
    double size = h, covered = 0.0;
    while (covered < side[s] * (1.0 - 1e-9) && n < 1e9) {
      size *= g;
      covered += size;
      n += 1;
    }
  }
  return n;
}

/* Size of the cell at x along one axis of the estimated grid. */
static double axis_spacing(double x, double flo, double fhi, double h, double g) {
  double d = x < flo ? flo - x : (x > fhi ? x - fhi : 0.0);
  if (d <= 0.0 || g <= 1.0 + 1e-12) return h;
  double size = h, covered = 0.0;
  for (int k = 0; covered < d && k < 100000; k++) {
    size *= g;
    covered += size;
  }
  return size;
}

double rfl_case_axis_estimate(const rfl_grid_spec *g, int a) {
  return axis_cells(rfl_vec3_get(g->domain_min, a), rfl_vec3_get(g->domain_max, a),
                    rfl_vec3_get(g->fine_min, a), rfl_vec3_get(g->fine_max, a), g->spacing,
                    g->growth);
}

double rfl_case_estimate_cells(const rfl_grid_spec *g, int n[3]) {
  double total = 1.0;
  for (int a = 0; a < 3; a++) {
    double na = rfl_case_axis_estimate(g, a);
    if (n) n[a] = na > 2e9 ? -1 : (int)na;
    total *= na;
  }
  return isfinite(total) ? total : 0.0;
}

double rfl_case_local_spacing(const rfl_grid_spec *g, rfl_vec3 p) {
  double h = 0.0;
  for (int a = 0; a < 3; a++) {
    double s = axis_spacing(rfl_vec3_get(p, a), rfl_vec3_get(g->fine_min, a),
                            rfl_vec3_get(g->fine_max, a), g->spacing, g->growth);
    if (s > h) h = s;
  }
  return h;
}
