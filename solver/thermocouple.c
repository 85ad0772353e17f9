// SPDX-License-Identifier: BSD-3-Clause
/* The thermocouple at the distal tip point of probe 0 as a fixed linear functional of the
 * cell temperatures (see simulation.h): the interface temperature (flux-continuity
 * weighted mean of the electrode and tissue cell temperatures) on the grid faces crossing
 * the electrode surface within RFL_TC_RADIUS_CELLS cells of the point, averaged with
 * inverse-square-distance weights; the nearest electrode cell when no face is that close.
 * Not done here: the sensor's own heat capacity or lag. */
#include "thermocouple.h"

#include <math.h>
#include <stdlib.h>

#define RFL_TC_RADIUS_CELLS 1.5 /* thermocouple stencil radius, in local cell widths */

static int is_probe_metal(rfl_label l, int probe) {
  return (l.part == RFL_PART_ACTIVE || l.part == RFL_PART_SHAFT) && l.probe == probe;
}

rfl_status rfl_thermocouple_create(const rfl_case *kase, const rfl_grid *g, const rfl_geometry *geo,
                                   rfl_thermocouple *tc) {
  rfl_vec3 p = geo->thermocouple[0];
  int ip = rfl_grid_locate(g, 0, p.x), jp = rfl_grid_locate(g, 1, p.y), kp = rfl_grid_locate(g, 2, p.z);
  double hloc = fmax(g->dx[0][ip], fmax(g->dx[1][jp], g->dx[2][kp]));
  double radius = RFL_TC_RADIUS_CELLS * hloc;
  int lo[3], hi[3];
  const int pc[3] = {ip, jp, kp};
  for (int a = 0; a < 3; ++a) {
    lo[a] = pc[a] - 3 < 0 ? 0 : pc[a] - 3;
    hi[a] = pc[a] + 3 >= g->n[a] ? g->n[a] - 1 : pc[a] + 3;
  }
  /* At most 2 terms per face, 3 faces per cell of the 7^3 window. */
  size_t cap = 2u * 3u * 343u;
  tc->terms = malloc(cap * sizeof *tc->terms);
  tc->n = 0;
  if (!tc->terms) return RFL_ERROR(RFL_ENOMEM, "out of memory for the thermocouple stencil");
  double wsum = 0.0;
  int nt = 0;
  size_t best_cell = 0;
  double best_d = INFINITY;
  for (int k = lo[2]; k <= hi[2]; ++k)
    for (int j = lo[1]; j <= hi[1]; ++j)
      for (int i = lo[0]; i <= hi[0]; ++i) {
        size_t c = rfl_grid_index(g, i, j, k);
        const int ijk[3] = {i, j, k};
        rfl_vec3 xc = rfl_vec3_make(g->xc[0][i], g->xc[1][j], g->xc[2][k]);
        if (is_probe_metal(geo->label[c], 0)) {
          double d = rfl_vec3_norm(rfl_vec3_sub(xc, p));
          if (d < best_d) {
            best_d = d;
            best_cell = c;
          }
        }
        for (int a = 0; a < 3; ++a) {
          if (ijk[a] + 1 > hi[a]) continue;
          const size_t stride[3] = {1, (size_t)g->n[0], (size_t)g->n[0] * (size_t)g->n[1]};
          size_t nb = c + stride[a];
          rfl_label lc = geo->label[c], ln = geo->label[nb];
          int mc = is_probe_metal(lc, 0), mn = is_probe_metal(ln, 0);
          if (mc == mn || (!mc && lc.part != RFL_PART_TISSUE) || (!mn && ln.part != RFL_PART_TISSUE)) continue;
          double d = g->xc[a][ijk[a] + 1] - g->xc[a][ijk[a]];
          double dc = geo->cut[a][c] * d, dn = d - dc;
          rfl_vec3 q = xc;
          if (a == 0) q.x += dc; else if (a == 1) q.y += dc; else q.z += dc;
          double dist = rfl_vec3_norm(rfl_vec3_sub(q, p));
          if (dist > radius) continue;
          double kc = kase->materials[lc.material].k, kn = kase->materials[ln.material].k;
          double wc = kc / fmax(dc, 1e-3 * d), wn = kn / fmax(dn, 1e-3 * d);
          double w = 1.0 / (dist * dist + 1e-4 * hloc * hloc);
          tc->terms[nt].cell = c;
          tc->terms[nt++].weight = w * wc / (wc + wn);
          tc->terms[nt].cell = nb;
          tc->terms[nt++].weight = w * wn / (wc + wn);
          wsum += w;
        }
      }
  if (nt == 0) {
    if (!isfinite(best_d))
      return RFL_ERROR(RFL_EINPUT, "[probe] tip_mm: no electrode cell near the thermocouple point "
                                   "(%.3f, %.3f, %.3f) mm", 1e3 * p.x, 1e3 * p.y, 1e3 * p.z);
    tc->terms[0].cell = best_cell;
    tc->terms[0].weight = 1.0;
    tc->n = 1;
    return RFL_OK;
  }
  for (int i = 0; i < nt; ++i) tc->terms[i].weight /= wsum;
  tc->n = nt;
  return RFL_OK;
}

double rfl_thermocouple_read(const rfl_thermocouple *tc, const double *T) {
  double v = 0.0;
  for (int i = 0; i < tc->n; ++i) v += tc->terms[i].weight * T[tc->terms[i].cell];
  return v;
}

void rfl_thermocouple_free(rfl_thermocouple *tc) {
  free(tc->terms);
  tc->terms = NULL;
  tc->n = 0;
}
