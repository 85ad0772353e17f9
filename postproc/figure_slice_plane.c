// SPDX-License-Identifier: BSD-3-Clause
/* Where a slice lies (figures.h states the rules): the plane through or across the probe
 * axis, its lateral direction, and the mapping of world points to image pixels. */
#include <math.h>
#include <string.h>

#include "figure_slice.h"
#include "shape.h"

void rfl_figure_slice_defaults(rfl_figure_slice_options *o) {
  memset(o, 0, sizeof *o);
  o->field = RFL_FIGURE_TEMPERATURE;
  o->half_width = 12.0 * MM;
  o->t_min_C = NAN;
  o->t_max_C = NAN;
  o->lateral = rfl_vec3_make(0, 0, 0);
  o->scale = 1.0;
  o->plane = RFL_SLICE_ALONG;
  o->structure = -1;
  o->footer = NULL;
}

/* Snap a unit vector onto a grid axis when it is within 1e-9 of one. */
static rfl_vec3 snap(rfl_vec3 v) {
  double c[3] = {v.x, v.y, v.z};
  for (int a = 0; a < 3; ++a)
    if (fabs(fabs(c[a]) - 1.0) < 1e-9) {
      double s[3] = {0, 0, 0};
      s[a] = c[a] > 0 ? 1.0 : -1.0;
      return rfl_vec3_make(s[0], s[1], s[2]);
    }
  return v;
}

/* Minus the distance gradient of the nearest protected structure (only: that structure,
 * when >= 0), normal to the axis d, at the active tip's point closest to it. Returns the
 * structure or -1. */
static int nearest_protected(const rfl_case *c, const rfl_probe *p, rfl_vec3 d, int only, rfl_vec3 *towards) {
  int best = -1;
  double best_dist = INFINITY;
  rfl_vec3 best_dir = {0, 0, 0};
  for (int k = 0; k < c->nstructures; ++k) {
    const rfl_structure *st = &c->structures[k];
    if (only >= 0 ? k != only : st->role != RFL_ROLE_PROTECTED) continue;
    double dmin = INFINITY;
    rfl_vec3 at = p->tip;
    for (int q = 0; q <= 40; ++q) {
      rfl_vec3 x = rfl_vec3_add(p->tip, rfl_vec3_scale(d, p->tip_length * q / 40.0));
      double dist = rfl_shape_distance(&st->shape, x);
      if (dist < dmin) dmin = dist, at = x;
    }
    const double h = 1e-6;
    rfl_vec3 grad;
    double gc[3];
    for (int a = 0; a < 3; ++a) {
      rfl_vec3 e = rfl_vec3_make(a == 0, a == 1, a == 2);
      gc[a] = (rfl_shape_distance(&st->shape, rfl_vec3_add(at, rfl_vec3_scale(e, h))) -
               rfl_shape_distance(&st->shape, rfl_vec3_sub(at, rfl_vec3_scale(e, h)))) / (2 * h);
    }
    grad = rfl_vec3_make(-gc[0], -gc[1], -gc[2]);
    rfl_vec3 perp = rfl_vec3_sub(grad, rfl_vec3_scale(d, rfl_vec3_dot(grad, d)));
    if (!(rfl_vec3_norm(perp) > 1e-3 * fmax(rfl_vec3_norm(grad), 1e-300))) continue; /* on the axis */
    if (dmin < best_dist) {
      best_dist = dmin;
      best = k;
      best_dir = slice_unit(perp);
    }
  }
  *towards = best_dir;
  return best;
}

/* The grid axis least aligned with d, made normal to it. */
static rfl_vec3 least_aligned_axis(rfl_vec3 d) {
  double ad[3] = {fabs(d.x), fabs(d.y), fabs(d.z)};
  int a = 0;
  for (int q = 1; q < 3; ++q)
    if (ad[q] < ad[a] - 1e-12) a = q;
  rfl_vec3 e = rfl_vec3_make(a == 0, a == 1, a == 2);
  return slice_unit(rfl_vec3_sub(e, rfl_vec3_scale(d, rfl_vec3_dot(e, d))));
}

/* Axial position (from the distal tip) of the active tip's point closest to structure k,
 * ties going to the one nearest the middle of the tip (a nerve parallel to the probe is cut
 * at the middle). */
static double closest_tip_point(const rfl_probe *p, rfl_vec3 d, const rfl_structure *st) {
  double best = INFINITY, s_best = 0.5 * p->tip_length;
  for (int q = 0; q <= 40; ++q) {
    double sq = p->tip_length * q / 40.0;
    double dist = rfl_shape_distance(&st->shape, rfl_vec3_add(p->tip, rfl_vec3_scale(d, sq)));
    double tie = 1e-9 * fabs(sq - 0.5 * p->tip_length);
    if (dist + tie < best) best = dist + tie, s_best = sq;
  }
  return s_best;
}

/* The cross-section: normal to the probe, through structure o->structure (the first target
 * when -1), u along the grid axis least aligned with the probe, v = axis x u. */
static void plan_across(const rfl_case *c, const rfl_probe *p, rfl_vec3 d, const rfl_figure_slice_options *o,
                        rfl_figure_slice_info *info) {
  int k = o->structure;
  for (int q = 0; q < c->nstructures && k < 0; ++q)
    if (c->structures[q].role == RFL_ROLE_TARGET) k = q;
  double s0 = k >= 0 ? closest_tip_point(p, d, &c->structures[k]) : 0.5 * p->tip_length;
  rfl_vec3 e1 = snap(least_aligned_axis(d));
  info->plane_structure = k;
  info->across_s = s0;
  info->origin = rfl_vec3_add(p->tip, rfl_vec3_scale(d, s0));
  info->lateral = e1;
  info->axial = snap(slice_unit(rfl_vec3_cross(d, e1)));
  info->u_min = -o->half_width;
  info->v_max = o->half_width;
}

rfl_status rfl_figure_slice_plan(const rfl_field_view *view, const rfl_figure_slice_options *options,
                                 rfl_figure_slice_info *info) {
  rfl_figure_slice_options defaults;
  rfl_figure_slice_defaults(&defaults);
  const rfl_figure_slice_options *o = options ? options : &defaults;
  const rfl_case *c = view ? view->kase : NULL;
  if (!c || !view->grid) return RFL_ERROR(RFL_EINPUT, "slice figure: the field view has no case or grid");
  if (c->nprobes < 1) return RFL_ERROR(RFL_EINPUT, "slice figure: the case has no probe");
  if (!(o->half_width > 0.0) || !isfinite(o->half_width))
    return RFL_ERROR(RFL_EINPUT, "slice figure: half-width: expected a positive length, found %g m", o->half_width);
  RFL_CHECK(rfl_canvas_check_scale("slice figure", o->scale));
  if (o->structure < -1 || o->structure >= c->nstructures)
    return RFL_ERROR(RFL_EINPUT, "slice figure: structure: expected -1..%d, found %d", c->nstructures - 1, o->structure);
  const rfl_probe *p = &c->probes[0];
  double dn = rfl_vec3_norm(p->direction);
  if (!(dn > 0.0) || !isfinite(dn))
    return RFL_ERROR(RFL_EINPUT, "slice figure: probe '%s' has no direction", p->name);
  rfl_vec3 d = snap(slice_unit(p->direction));
  rfl_vec3 e1;
  info->plane_structure = -1;
  info->across_s = 0.0;
  double s = o->scale;
  info->width = (int)lround(SL_W * s);
  info->height = (int)lround((SL_H + rfl_canvas_footer_height(o->footer)) * s);
  info->plot_x = SL_PX * s;
  info->plot_y = SL_PY * s;
  info->plot_size = SL_P * s;
  info->px_per_m = SL_P * s / (2.0 * o->half_width);
  if (o->plane == RFL_SLICE_ACROSS) {
    plan_across(c, p, d, o, info);
    return RFL_OK;
  }
  double ln = rfl_vec3_norm(o->lateral);
  if (ln > 0.0) {
    rfl_vec3 l = rfl_vec3_scale(o->lateral, 1.0 / ln);
    rfl_vec3 perp = rfl_vec3_sub(l, rfl_vec3_scale(d, rfl_vec3_dot(l, d)));
    if (!(rfl_vec3_norm(perp) > 1e-6))
      return RFL_ERROR(RFL_EINPUT, "slice figure: the lateral direction (%g, %g, %g) is parallel to the probe axis",
                       o->lateral.x, o->lateral.y, o->lateral.z);
    e1 = slice_unit(perp);
  } else if ((info->plane_structure = nearest_protected(c, p, d, o->structure, &e1)) < 0) {
    e1 = least_aligned_axis(d);
  }
  e1 = snap(e1);
  double hw = o->half_width, vc = 0.5 * p->tip_length;
  info->origin = p->tip;
  info->lateral = e1;
  info->axial = d;
  info->u_min = -hw;
  info->v_max = vc + hw;
  return RFL_OK;
}

void rfl_figure_slice_pixel(const rfl_figure_slice_info *info, rfl_vec3 p, double *x, double *y) {
  rfl_vec3 r = rfl_vec3_sub(p, info->origin);
  double u = rfl_vec3_dot(r, info->lateral), v = rfl_vec3_dot(r, info->axial);
  *x = info->plot_x + (u - info->u_min) * info->px_per_m;
  *y = info->plot_y + (info->v_max - v) * info->px_per_m;
}
