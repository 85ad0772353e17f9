// SPDX-License-Identifier: BSD-3-Clause
/* Automatic discretisation (discretisation.h). Everything here is a pure function of the
 * resolved case; the numbers behind the constants are in docs/physics-and-numerics.md. */
#include "discretisation.h"

#include <math.h>

#include "generator.h"
#include "probe.h"

#define AUTO_CELLS_PER_RADIUS 3.175 /* as RC-1's verified 0.2 mm cells on an 18G needle */
#define H_REF 0.2e-3            /* m: cell size for the 0.1 mm target where the electrode
                                   does not need finer: a lesion length's error floor is half
                                   a cell (postproc/error_estimate.h) */
#define DT_REF 2.0              /* s: time step for the 0.1 mm target */
#define DT_MIN_STEPS 40.0       /* at least this many steps over the RF time (a 20 s run
                                   with 1.33 s steps lost 4.5 % of its energy budget) */
#define REACH_K 1.5             /* safety factor on the conduction reach (1.1 fits RC-1) */
#define COOLED_HOT_C 95.0       /* tissue peak of an internally cooled electrode, C */
#define DESICCATION_HOT_C 100.0 /* no tissue gets hotter under power control, C */
#define STRUCTURE_CELLS 3.0     /* fine cells beyond a structure's closest point */
#define REACH_SLACK 2e-3        /* m: structures this far beyond the threshold reach count */

static void vset(rfl_vec3 *v, int axis, double value) {
  if (axis == 0) v->x = value;
  else if (axis == 1) v->y = value;
  else v->z = value;
}

static double smallest_radius(const rfl_case *c) {
  double a = INFINITY;
  for (int p = 0; p < c->nprobes; p++) {
    double r = c->probes[p].radius;
    if (c->probes[p].gauge > 0 && rfl_probe_gauge_radius(c->probes[p].gauge) > 0.0)
      r = rfl_probe_gauge_radius(c->probes[p].gauge); /* before the reader resolves it */
    if (r > 0.0 && r < a) a = r;
  }
  return isfinite(a) ? a : 0.635e-3;
}

double rfl_discretisation_spacing(const rfl_case *c, double accuracy) {
  /* h^2 scaling with the target; a looser target never gets fewer cells per radius, and a
   * tighter one gets cells on which a lesion length's error floor can meet it */
  const double s = sqrt(accuracy / RFL_ACCURACY_DEFAULT);
  double h = fmin(smallest_radius(c) / AUTO_CELLS_PER_RADIUS * fmin(1.0, s), H_REF * s);
  h = fmin(h, accuracy / RFL_LENGTH_FLOOR_CELLS);
  /* whole cells along the active tip: its distal and proximal ends then lie on faces */
  double L = c->probes[0].tip_length;
  if (L > h) h = L / ceil(L / h - 1e-9);
  return h;
}

double rfl_discretisation_accuracy_for_spacing(const rfl_case *c, double h) {
  /* the loosest target whose automatic cells are no larger than h (the inverse of the
   * above for targets up to the default) */
  double h0 = fmin(smallest_radius(c) / AUTO_CELLS_PER_RADIUS, H_REF);
  if (h >= h0) return RFL_ACCURACY_DEFAULT;
  return fmin(RFL_ACCURACY_DEFAULT, fmax(RFL_ACCURACY_DEFAULT * (h / h0) * (h / h0), RFL_LENGTH_FLOOR_CELLS * h));
}

/* The hottest tissue the generator allows, C. */
static double hottest_C(const rfl_case *c) {
  const rfl_generator *g = &c->generator;
  double hot = rfl_generator_hottest_C(g, DESICCATION_HOT_C);
  for (int p = 0; p < c->nprobes; p++)
    if (c->probes[p].cooled) hot = fmax(hot, COOLED_HOT_C);
  return hot;
}

/* Largest thermal diffusivity k / (rho c) of the tissues in the case, m^2/s. */
static double largest_diffusivity(const rfl_case *c) {
  double alpha = 0.0;
  for (int m = 0; m < c->nmaterials; m++) {
    const rfl_material *mat = &c->materials[m];
    if (mat->kind != RFL_MATERIAL_TISSUE || !(mat->rho * mat->c > 0.0)) continue;
    alpha = fmax(alpha, mat->k * (1.0 + fmax(0.0, mat->dk_dT) * 60.0) / (mat->rho * mat->c));
  }
  return alpha > 0.0 ? alpha : 1.4e-7;
}

double rfl_discretisation_reach(const rfl_case *c, double temperature_C) {
  double t0 = c->physics.initial_C;
  double rise = hottest_C(c) - t0, need = temperature_C - t0;
  if (!(need > 0.0) || !(rise > need)) return 0.0;
  double t = c->generator.duration_s + c->generator.cooldown_s;
  return REACH_K * sqrt(largest_diffusivity(c) * t) * log(rise / need);
}

static void box_add(rfl_vec3 *lo, rfl_vec3 *hi, rfl_vec3 p, double pad) {
  for (int a = 0; a < 3; a++) {
    vset(lo, a, fmin(rfl_vec3_get(*lo, a), rfl_vec3_get(p, a) - pad));
    vset(hi, a, fmax(rfl_vec3_get(*hi, a), rfl_vec3_get(p, a) + pad));
  }
}

/* Closest point of shape s to the segment [p0, p1] (a few golden-section steps along the
 * segment, then the surface point along the distance gradient); returns its distance. */
static double closest_to_segment(const rfl_shape *s, rfl_vec3 p0, rfl_vec3 p1, rfl_vec3 *at) {
  double lo = 0.0, hi = 1.0;
  const double phi = 0.5 * (sqrt(5.0) - 1.0);
  for (int it = 0; it < 60; it++) {
    double u1 = hi - phi * (hi - lo), u2 = lo + phi * (hi - lo);
    double d1 = rfl_shape_distance(s, rfl_vec3_add(p0, rfl_vec3_scale(rfl_vec3_sub(p1, p0), u1)));
    double d2 = rfl_shape_distance(s, rfl_vec3_add(p0, rfl_vec3_scale(rfl_vec3_sub(p1, p0), u2)));
    if (d1 < d2) hi = u2;
    else lo = u1;
  }
  rfl_vec3 q = rfl_vec3_add(p0, rfl_vec3_scale(rfl_vec3_sub(p1, p0), 0.5 * (lo + hi)));
  double d = rfl_shape_distance(s, q);
  /* walk down the distance gradient onto the surface */
  const double eps = 1e-6;
  rfl_vec3 grad = rfl_vec3_make(0.0, 0.0, 0.0);
  for (int a = 0; a < 3; a++) {
    rfl_vec3 e = rfl_vec3_make(a == 0 ? eps : 0.0, a == 1 ? eps : 0.0, a == 2 ? eps : 0.0);
    vset(&grad, a, (rfl_shape_distance(s, rfl_vec3_add(q, e)) -
                            rfl_shape_distance(s, rfl_vec3_sub(q, e))) / (2.0 * eps));
  }
  double gn = rfl_vec3_norm(grad);
  *at = gn > 0.0 ? rfl_vec3_sub(q, rfl_vec3_scale(grad, d / gn)) : q;
  return d;
}

/* Snaps [lo, hi] on axis a to faces anchor + i h, clipped to the domain (a side closer than
 * two cells to the domain face goes to the face). */
static void anchor_axis(rfl_grid_spec *g, int a, double anchor, double h, double lo, double hi) {
  double dlo = rfl_vec3_get(g->domain_min, a), dhi = rfl_vec3_get(g->domain_max, a);
  double flo = anchor - ceil((anchor - lo) / h - 1e-9) * h;
  double fhi = anchor + ceil((hi - anchor) / h - 1e-9) * h;
  if (flo < dlo + 2.0 * h) flo = dlo;
  if (fhi > dhi - 2.0 * h) fhi = dhi;
  if (!(fhi > flo)) flo = dlo, fhi = dhi;
  vset(&g->fine_min, a, flo);
  vset(&g->fine_max, a, fhi);
}

void rfl_discretisation_fine_box(rfl_case *c, double h, const rfl_vec3 *lesion_lo,
                                 const rfl_vec3 *lesion_hi) {
  rfl_grid_spec *g = &c->grid;
  rfl_vec3 lo = rfl_vec3_make(INFINITY, INFINITY, INFINITY);
  rfl_vec3 hi = rfl_vec3_make(-INFINITY, -INFINITY, -INFINITY);
  double lesion = rfl_discretisation_reach(c, c->damage.isotherm_C);
  double threshold = lesion;
  for (int s = 0; s < c->nstructures; s++)
    if (c->structures[s].role != RFL_ROLE_NONE)
      threshold = fmax(threshold, rfl_discretisation_reach(c, c->structures[s].threshold_C));
  for (int p = 0; p < c->nprobes; p++) {
    const rfl_probe *pr = &c->probes[p];
    double a = pr->gauge > 0 && rfl_probe_gauge_radius(pr->gauge) > 0.0
                   ? rfl_probe_gauge_radius(pr->gauge) : pr->radius;
    rfl_vec3 p0 = pr->tip, p1 = rfl_vec3_add(pr->tip, rfl_vec3_scale(pr->direction, pr->tip_length));
    double pad = a + (lesion_lo ? 0.0 : lesion) + 2.0 * h;
    box_add(&lo, &hi, p0, pad);
    box_add(&lo, &hi, p1, pad);
    for (int s = 0; s < c->nstructures; s++) {
      const rfl_structure *st = &c->structures[s];
      if (st->role == RFL_ROLE_NONE) continue;
      rfl_vec3 at;
      double d = closest_to_segment(&st->shape, p0, p1, &at);
      if (d <= a + threshold + REACH_SLACK) box_add(&lo, &hi, at, STRUCTURE_CELLS * h);
    }
  }
  if (lesion_lo && lesion_hi) {
    box_add(&lo, &hi, *lesion_lo, RFL_LESION_PAD_CELLS * h);
    box_add(&lo, &hi, *lesion_hi, RFL_LESION_PAD_CELLS * h);
  }
  g->spacing = h;
  int smaller = 0;
  for (int a = 0; a < 3; a++) {
    anchor_axis(g, a, rfl_vec3_get(c->probes[0].tip, a), h, rfl_vec3_get(lo, a), rfl_vec3_get(hi, a));
    smaller |= rfl_vec3_get(g->fine_min, a) > rfl_vec3_get(g->domain_min, a) ||
               rfl_vec3_get(g->fine_max, a) < rfl_vec3_get(g->domain_max, a);
  }
  if (g->auto_growth) g->growth = smaller ? RFL_AUTO_GROWTH : 1.0; /* graded only outside a box */
}

double rfl_discretisation_time_step(const rfl_case *c, double accuracy) {
  double dt = DT_REF * sqrt(fmin(1.0, accuracy / RFL_ACCURACY_DEFAULT));
  return fmin(dt, c->generator.duration_s / DT_MIN_STEPS);
}

void rfl_discretisation_apply(rfl_case *c) {
  double acc = c->solver.accuracy > 0.0 ? c->solver.accuracy : RFL_ACCURACY_DEFAULT;
  if (c->grid.auto_spacing) c->grid.spacing = rfl_discretisation_spacing(c, acc);
  if (c->grid.auto_fine_box) {
    rfl_discretisation_fine_box(c, c->grid.spacing, NULL, NULL);
  }
  if (c->solver.auto_dt) c->solver.dt_s = rfl_discretisation_time_step(c, acc);
}
