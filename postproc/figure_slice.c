// SPDX-License-Identifier: BSD-3-Clause
/* The slice figure (figures.h): the cell-centred fields sampled at the centre of every pixel
 * of the plot by trilinear interpolation between the true (possibly graded) cell centres,
 * clamped to the outermost centres (points outside the domain are grey), painted through a
 * piecewise-linear table of eleven points of the inferno map (perceptually ordered, dark =
 * cold); then the contours (Omega = 1 from ln Omega, the peak-temperature isotherm, the
 * structures' thresholds, structure outlines from rfl_shape_distance = 0, probes that do not
 * lie in the plane) from marching squares on the same raster (figure_contour.h). Probes
 * whose axis lies in the plane are drawn exactly (rectangle and hemispherical end). The
 * labels, axes and legend are figure_slice_legend.c's.
 *
 * Not done here: choosing when to draw (the caller passes the view it wants, e.g. at the
 * end of RF), several slices per figure, or any layout beyond the fixed one. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "figure_slice.h"
#include "geometry.h"
#include "grid.h"
#include "shape.h"

static const rgb c_outside = {0.85, 0.85, 0.85};

static rgb colormap(double x) {
  if (!(x > 0.0)) return inferno[0];
  if (x >= 1.0) return inferno[10];
  double f = 10.0 * x;
  int i = (int)f;
  double w = f - i;
  rgb a = inferno[i], b = inferno[i + 1];
  return (rgb){a.r + w * (b.r - a.r), a.g + w * (b.g - a.g), a.b + w * (b.b - a.b)};
}

/* ---- sampling the grid ------------------------------------------------------------------- */

typedef struct {
  int i0, i1;
  double w1;
} axis_weight;

static axis_weight locate_centre(const double *xc, int n, double x) {
  axis_weight a = {0, 0, 0.0};
  if (n == 1 || x <= xc[0]) return a;
  if (x >= xc[n - 1]) {
    a.i0 = a.i1 = n - 1;
    return a;
  }
  int lo = 0, hi = n - 1; /* xc[lo] <= x < xc[hi] */
  while (hi - lo > 1) {
    int mid = (lo + hi) / 2;
    if (xc[mid] <= x)
      lo = mid;
    else
      hi = mid;
  }
  a.i0 = lo, a.i1 = hi;
  a.w1 = (x - xc[lo]) / (xc[hi] - xc[lo]);
  return a;
}

static int inside_domain(const rfl_grid *g, rfl_vec3 p) {
  for (int a = 0; a < 3; ++a) {
    double x = rfl_vec3_get(p, a);
    if (x < g->xf[a][0] || x > g->xf[a][g->n[a]]) return 0;
  }
  return 1;
}

/* A point beyond a mirror plane of the case (the computed part is the half or quarter on
 * the positive side) stands for its reflection. */
static rfl_vec3 mirror_image(const rfl_field_view *v, rfl_vec3 p) {
  const rfl_grid *g = v->grid;
  rfl_symmetry sym = v->kase ? v->kase->grid.symmetry : RFL_SYMMETRY_NONE;
  if ((sym & RFL_SYMMETRY_X) && p.x < g->xf[0][0]) p.x = 2.0 * g->xf[0][0] - p.x;
  if ((sym & RFL_SYMMETRY_Y) && p.y < g->xf[1][0]) p.y = 2.0 * g->xf[1][0] - p.y;
  return p;
}

/* Excluded from the damage fields: electrode and non-tissue (metal) cells. */
static int excluded(const rfl_field_view *v, size_t idx) {
  if (!v->geometry) return 0;
  rfl_label l = v->geometry->label[idx];
  return l.part != RFL_PART_TISSUE || v->kase->materials[l.material].kind != RFL_MATERIAL_TISSUE;
}

/* Trilinear interpolation at p of the shown field (all cells), ln Omega (from
 * ln(max(Omega, 1e-300)) per cell) and the peak temperature; the last two over tissue cells
 * only (weights renormalised; NAN where no tissue corner has weight). */
static void sample(const rfl_field_view *v, const double *shown, rfl_vec3 p, double val[3]) {
  const rfl_grid *g = v->grid;
  axis_weight w[3];
  for (int a = 0; a < 3; ++a) w[a] = locate_centre(g->xc[a], g->n[a], rfl_vec3_get(p, a));
  double sum[3] = {0, 0, 0}, wsum[3] = {0, 0, 0};
  for (int corner = 0; corner < 8; ++corner) {
    int ci = corner & 1, cj = (corner >> 1) & 1, ck = (corner >> 2) & 1;
    double wt = (ci ? w[0].w1 : 1.0 - w[0].w1) * (cj ? w[1].w1 : 1.0 - w[1].w1) * (ck ? w[2].w1 : 1.0 - w[2].w1);
    if (wt <= 0.0) continue;
    size_t idx = rfl_grid_index(g, ci ? w[0].i1 : w[0].i0, cj ? w[1].i1 : w[1].i0, ck ? w[2].i1 : w[2].i0);
    sum[0] += wt * shown[idx];
    wsum[0] += wt;
    if (excluded(v, idx)) continue;
    if (v->omega) {
      sum[1] += wt * log(fmax(v->omega[idx], 1e-300));
      wsum[1] += wt;
    }
    if (v->peak_temperature) {
      sum[2] += wt * v->peak_temperature[idx];
      wsum[2] += wt;
    }
  }
  for (int q = 0; q < 3; ++q) val[q] = wsum[q] > 1e-12 ? sum[q] / wsum[q] : NAN;
}

/* ---- drawing ---------------------------------------------------------------------------- */

static rfl_vec3 node_point(const slice_ctx *s, int i, int j) {
  double h = 2.0 * s->hw / s->n;
  double u = s->info.u_min + (i + 0.5) * h, v = s->info.v_max - (j + 0.5) * h;
  return rfl_vec3_add(s->info.origin, rfl_vec3_add(rfl_vec3_scale(s->info.lateral, u), rfl_vec3_scale(s->info.axial, v)));
}

void rfl_slice_node_to_layout(const slice_ctx *s, pt2 q, double *x, double *y) {
  *x = SL_PX + (q.x + 0.5) * s->unit_px;
  *y = SL_PY + (q.y + 0.5) * s->unit_px;
}

void rfl_slice_plane_to_layout(const slice_ctx *s, double u, double v, double *x, double *y) {
  *x = SL_PX + (u - s->info.u_min) * s->ppm;
  *y = SL_PY + (s->info.v_max - v) * s->ppm;
}

static void contour_path(cairo_t *cr, const slice_ctx *s, const contour_set *cs) {
  for (size_t c = 0; c < cs->nchains; ++c) {
    for (size_t k = cs->start[c]; k < cs->start[c + 1]; ++k) {
      double x, y;
      rfl_slice_node_to_layout(s, cs->pts[k], &x, &y);
      if (k == cs->start[c])
        cairo_move_to(cr, x, y);
      else
        cairo_line_to(cr, x, y);
    }
    if (cs->closed[c]) cairo_close_path(cr);
  }
}

static void stroke_contour(cairo_t *cr, const slice_ctx *s, const contour_set *cs, rgb colour, double width,
                           double halo, const double *dash, int ndash) {
  if (cs->nchains == 0) return;
  cairo_save(cr);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  contour_path(cr, s, cs);
  if (halo > 0) {
    cairo_set_source_rgba(cr, 0, 0, 0, 0.55);
    cairo_set_line_width(cr, width + halo);
    cairo_set_dash(cr, dash, ndash, 0);
    cairo_stroke_preserve(cr);
  }
  rfl_canvas_set_rgb(cr, colour);
  cairo_set_line_width(cr, width);
  cairo_set_dash(cr, dash, ndash, 0);
  cairo_stroke(cr);
  cairo_restore(cr);
}

/* Signed distance to the flat-ended cylinder r <= a, s0 <= s <= s1 in axial coordinates. */
static double cyl_sdf(double s, double r, double a, double s0, double s1) {
  double dr = r - a, ds = fmax(s0 - s, s - s1);
  if (dr > 0.0 || ds > 0.0) return hypot(fmax(dr, 0.0), fmax(ds, 0.0));
  return fmax(dr, ds);
}

/* Signed distance to the active tip (part 1) or the shaft (part 2) of a probe. */
static double probe_part_sdf(const rfl_probe *p, rfl_vec3 x, int part) {
  rfl_vec3 d = slice_unit(p->direction), r = rfl_vec3_sub(x, p->tip);
  double s = rfl_vec3_dot(r, d), rho = rfl_vec3_norm(rfl_vec3_sub(r, rfl_vec3_scale(d, s)));
  double a = p->radius, L = p->tip_length;
  if (part == 2) return cyl_sdf(s, rho, a, L, p->shaft_length > 0 ? L + p->shaft_length : INFINITY);
  if (p->tip_shape != RFL_TIP_ROUND || L < a) return cyl_sdf(s, rho, a, 0.0, L);
  return fmin(hypot(s - a, rho) - a, cyl_sdf(s, rho, a, a, L));
}

/* Fills and outlines the current path as the active tip (part 1) or the shaft (part 2). */
static void fill_probe_part(cairo_t *cr, int part) {
  rfl_canvas_set_rgb(cr, part == 1 ? c_active : c_shaft);
  cairo_fill_preserve(cr);
  rfl_canvas_set_rgb(cr, part == 1 ? c_active_line : c_shaft_line);
  cairo_set_line_width(cr, 1.6);
  cairo_stroke(cr);
}

/* Distance along d from x (inside the domain) to the domain's boundary. */
static double axis_exit(const rfl_grid *g, rfl_vec3 x, rfl_vec3 d) {
  double t = INFINITY;
  for (int a = 0; a < 3; ++a) {
    double da = rfl_vec3_get(d, a), xa = rfl_vec3_get(x, a);
    if (da > 1e-15) t = fmin(t, (g->xf[a][g->n[a]] - xa) / da);
    if (da < -1e-15) t = fmin(t, (g->xf[a][0] - xa) / da);
  }
  return fmax(t, 0.0);
}

/* A probe whose axis lies in the plane, drawn exactly (the shaft ends at its length or at
 * the domain's boundary). */
static void draw_probe_in_plane(cairo_t *cr, const slice_ctx *s, const rfl_probe *p) {
  rfl_vec3 d = slice_unit(p->direction), r = rfl_vec3_sub(p->tip, s->info.origin);
  double tx, ty;
  rfl_slice_plane_to_layout(s, rfl_vec3_dot(r, s->info.lateral), rfl_vec3_dot(r, s->info.axial), &tx, &ty);
  double ang = atan2(-rfl_vec3_dot(d, s->info.axial), rfl_vec3_dot(d, s->info.lateral));
  double a = p->radius, L = p->tip_length;
  double shaft_end = p->shaft_length > 0 ? L + p->shaft_length : axis_exit(s->view->grid, p->tip, d);
  for (int part = 2; part >= 1; --part) {
    cairo_save(cr);
    cairo_translate(cr, tx, ty);
    cairo_rotate(cr, ang);
    cairo_scale(cr, s->ppm, s->ppm);
    if (part == 2) {
      cairo_rectangle(cr, L, -a, shaft_end - L, 2 * a);
    } else if (p->tip_shape == RFL_TIP_ROUND && L >= a) {
      cairo_move_to(cr, L, -a);
      cairo_line_to(cr, a, -a);
      cairo_arc_negative(cr, a, 0, a, 1.5 * RFL_PI, 0.5 * RFL_PI);
      cairo_line_to(cr, L, a);
      cairo_close_path(cr);
    } else {
      cairo_rectangle(cr, 0, -a, L, 2 * a);
    }
    cairo_restore(cr); /* the path stays; widths below are in layout units */
    fill_probe_part(cr, part);
  }
}

typedef struct {
  double *field, *lnomega, *tpeak, *work;
  unsigned char *outside;
  cairo_surface_t *raster;
} slice_buffers;

static void slice_buffers_free(slice_buffers *b) {
  free(b->field), free(b->lnomega), free(b->tpeak), free(b->work), free(b->outside);
  if (b->raster) cairo_surface_destroy(b->raster);
}

/* A dotted peak-temperature contour at each distinct threshold of the protected structures
 * (one equal to the isotherm is that contour already); thr[0 .. *nthr) gets those drawn. */
static rfl_status threshold_contours(cairo_t *cr, const slice_ctx *s, slice_buffers *b, double *thr, int *nthr) {
  const rfl_case *c = s->kase;
  const size_t nn = (size_t)s->n * (size_t)s->n;
  double done[RFL_MAX_STRUCTURES];
  int ndone = 0;
  *nthr = 0;
  for (int k = 0; k < c->nstructures; ++k) {
    const double t = c->structures[k].threshold_C;
    int seen = fabs(t - c->damage.isotherm_C) < 1e-9;
    for (int q = 0; q < ndone; ++q) seen |= fabs(done[q] - t) < 1e-9;
    if (c->structures[k].role != RFL_ROLE_PROTECTED || seen) continue;
    done[ndone++] = t;
    for (size_t q = 0; q < nn; ++q) b->work[q] = b->tpeak[q] - t;
    contour_set cs;
    RFL_CHECK(rfl_contour_build(b->work, s->n, s->n, &cs));
    if (cs.nchains) {
      const double dot[] = {0.1, 5.0};
      stroke_contour(cr, s, &cs, c_threshold, 2.4, 1.4, dot, 2);
      thr[(*nthr)++] = t;
    }
    rfl_contour_free(&cs);
  }
  return RFL_OK;
}

/* The default colour range: from the initial temperature (or the coldest shown value) to
 * the hottest shown value rounded up to 5 C; the options' bounds where they are set. */
static void colour_range(const rfl_case *c, const rfl_figure_slice_options *o, double tlo, double thi, double *t0_out,
                         double *t1_out) {
  double t0 = isfinite(o->t_min_C) ? o->t_min_C : fmin(c->physics.initial_C, isfinite(tlo) ? tlo : 37.0);
  double t1 = o->t_max_C;
  if (!isfinite(t1)) {
    double hi = isfinite(thi) ? thi : t0 + 10.0;
    t1 = ceil(hi / 5.0 - 1e-9) * 5.0;
  }
  if (!(t1 > t0)) t1 = t0 + 1.0;
  if (!isfinite(o->t_min_C)) t0 = floor(t0 + 1e-9);
  *t0_out = t0;
  *t1_out = t1;
}

/* Samples the shown field, ln Omega and the peak temperature at every raster node, and sets
 * the colour range. */
static rfl_status sample_raster(const slice_ctx *s, const rfl_figure_slice_options *o, slice_buffers *b,
                                slice_marks *mk) {
  const rfl_field_view *view = s->view;
  const int n = s->n;
  const size_t nn = (size_t)n * (size_t)n;
  const double *shown = o->field == RFL_FIGURE_PEAK ? view->peak_temperature : view->temperature;
  if (!shown)
    return RFL_ERROR(RFL_EINPUT, "slice figure: the view has no %s field",
                     o->field == RFL_FIGURE_PEAK ? "peak temperature" : "temperature");
  b->field = malloc(nn * sizeof *b->field);
  b->lnomega = malloc(nn * sizeof *b->lnomega);
  b->tpeak = malloc(nn * sizeof *b->tpeak);
  b->work = malloc(nn * sizeof *b->work);
  b->outside = malloc(nn);
  if (!b->field || !b->lnomega || !b->tpeak || !b->work || !b->outside)
    return RFL_ERROR(RFL_ENOMEM, "slice figure: out of memory for a %d x %d raster", n, n);
  double tlo = INFINITY, thi = -INFINITY;
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) {
      size_t q = (size_t)j * n + i;
      rfl_vec3 p = node_point(s, i, j);
      double val[3] = {NAN, NAN, NAN};
      p = mirror_image(view, p);
      b->outside[q] = !inside_domain(view->grid, p);
      if (!b->outside[q]) sample(view, shown, p, val);
      b->field[q] = val[0];
      b->lnomega[q] = val[1];
      b->tpeak[q] = val[2];
      if (isfinite(val[0])) tlo = fmin(tlo, val[0]), thi = fmax(thi, val[0]);
    }
  colour_range(s->kase, o, tlo, thi, &mk->t0, &mk->t1);
  return RFL_OK;
}

/* The field in colour (grey outside the domain), scaled onto the plot. */
static rfl_status paint_raster(cairo_t *cr, const slice_ctx *s, slice_buffers *b, double t0, double t1) {
  const int n = s->n;
  b->raster = cairo_image_surface_create(CAIRO_FORMAT_RGB24, n, n);
  if (cairo_surface_status(b->raster) != CAIRO_STATUS_SUCCESS)
    return RFL_ERROR(RFL_ENOMEM, "slice figure: cannot create a %d x %d raster", n, n);
  cairo_surface_flush(b->raster);
  unsigned char *data = cairo_image_surface_get_data(b->raster);
  int stride = cairo_image_surface_get_stride(b->raster);
  for (int j = 0; j < n; ++j) {
    uint32_t *row = (uint32_t *)(void *)(data + (size_t)j * (size_t)stride);
    for (int i = 0; i < n; ++i) {
      size_t q = (size_t)j * n + i;
      rgb col = b->outside[q] || !isfinite(b->field[q]) ? c_outside : colormap((b->field[q] - t0) / (t1 - t0));
      row[i] = (uint32_t)lround(255 * col.r) << 16 | (uint32_t)lround(255 * col.g) << 8 | (uint32_t)lround(255 * col.b);
    }
  }
  cairo_surface_mark_dirty(b->raster);
  cairo_save(cr);
  cairo_rectangle(cr, SL_PX, SL_PY, SL_P, SL_P);
  cairo_clip(cr);
  cairo_translate(cr, SL_PX, SL_PY);
  cairo_scale(cr, s->unit_px, s->unit_px);
  cairo_set_source_surface(cr, b->raster, 0, 0);
  cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
  cairo_paint(cr);
  cairo_restore(cr);
  return RFL_OK;
}

/* b->work = f(node point) at every node inside the domain, NAN outside. */
typedef double (*node_fn)(const void *ctx, rfl_vec3 p);

static void fill_nodes(const slice_ctx *s, slice_buffers *b, node_fn f, const void *ctx) {
  for (int j = 0; j < s->n; ++j)
    for (int i = 0; i < s->n; ++i) {
      size_t q = (size_t)j * s->n + i;
      b->work[q] = b->outside[q] ? NAN : f(ctx, node_point(s, i, j));
    }
}

/* The isotherm (dashed), the Omega = 1 contour (solid white) and the threshold contours. */
static rfl_status lesion_contours(cairo_t *cr, const slice_ctx *s, slice_buffers *b, slice_marks *mk) {
  const rfl_field_view *view = s->view;
  const rfl_case *c = s->kase;
  const int n = s->n, ns = c->nstructures;
  const size_t nn = (size_t)n * (size_t)n;
  rfl_status st = RFL_OK;
  if (view->peak_temperature) {
    for (size_t q = 0; q < nn; ++q) b->work[q] = b->tpeak[q] - c->damage.isotherm_C;
    st = rfl_contour_build(b->work, n, n, &mk->outlines[ns]);
    const double dash[] = {7.0, 5.0};
    if (st == RFL_OK) stroke_contour(cr, s, &mk->outlines[ns], c_iso, 2.2, 1.6, dash, 2);
  }
  if (view->omega && st == RFL_OK) {
    st = rfl_contour_build(b->lnomega, n, n, &mk->outlines[ns + 1]);
    if (st == RFL_OK) stroke_contour(cr, s, &mk->outlines[ns + 1], c_omega, 2.6, 1.6, NULL, 0);
  }
  if (view->peak_temperature && st == RFL_OK) st = threshold_contours(cr, s, b, mk->thresholds, &mk->nthr);
  return st;
}

static double shape_distance_at(const void *shape, rfl_vec3 p) { return rfl_shape_distance(shape, p); }

/* Each structure's outline in its look's colour (other regions thin and dashed). */
static rfl_status structure_outlines(cairo_t *cr, const slice_ctx *s, slice_buffers *b, slice_marks *mk) {
  const rfl_case *c = s->kase;
  for (int k = 0; k < c->nstructures; ++k) {
    const rfl_structure *sk = &c->structures[k];
    fill_nodes(s, b, shape_distance_at, &sk->shape);
    RFL_CHECK(rfl_contour_build(b->work, s->n, s->n, &mk->outlines[k]));
    if (mk->outlines[k].nchains) mk->have_look[mk->looks[k]] = 1;
    const double dash[] = {3.0, 3.0};
    const int region = sk->role == RFL_ROLE_NONE;
    stroke_contour(cr, s, &mk->outlines[k], rfl_slice_look_colour(mk->looks[k]), region ? 1.5 : 2.6, 2.0,
                   region ? dash : NULL, region ? 2 : 0);
  }
  return RFL_OK;
}

typedef struct {
  const rfl_probe *probe;
  int part;
} probe_part;

static double inside_probe_part(const void *ctx, rfl_vec3 p) {
  const probe_part *pp = ctx;
  return -probe_part_sdf(pp->probe, p, pp->part);
}

/* Each probe: exactly when its axis lies in the plane, else its cut from contours. */
static rfl_status draw_probes(cairo_t *cr, const slice_ctx *s, slice_buffers *b) {
  const rfl_case *c = s->kase;
  for (int pi = 0; pi < c->nprobes; ++pi) {
    const rfl_probe *p = &c->probes[pi];
    rfl_vec3 d = slice_unit(p->direction);
    double off = fabs(rfl_vec3_dot(rfl_vec3_sub(p->tip, s->info.origin), s->normal));
    if (fabs(rfl_vec3_dot(d, s->normal)) < 1e-9 && off < 1e-9) {
      draw_probe_in_plane(cr, s, p);
      continue;
    }
    for (int part = 2; part >= 1; --part) {
      const probe_part pp = {p, part};
      contour_set cs;
      fill_nodes(s, b, inside_probe_part, &pp);
      RFL_CHECK(rfl_contour_build(b->work, s->n, s->n, &cs));
      contour_path(cr, s, &cs);
      fill_probe_part(cr, part);
      rfl_contour_free(&cs);
    }
  }
  return RFL_OK;
}

/* Everything drawn on the field, clipped to the plot. */
static rfl_status draw_overlays(cairo_t *cr, const slice_ctx *s, const rfl_summary *summary, slice_buffers *b,
                                slice_marks *mk) {
  const rfl_case *c = s->kase;
  for (int k = 0; k < c->nstructures; ++k) mk->looks[k] = rfl_slice_look(summary, k, &c->structures[k]);
  cairo_save(cr);
  cairo_rectangle(cr, SL_PX, SL_PY, SL_P, SL_P);
  cairo_clip(cr);
  rfl_status st = lesion_contours(cr, s, b, mk);
  if (st == RFL_OK) st = structure_outlines(cr, s, b, mk);
  if (st == RFL_OK) st = draw_probes(cr, s, b);
  cairo_restore(cr);
  return st;
}

static rfl_status draw_slice(cairo_t *cr, const slice_ctx *s, const rfl_summary *summary,
                             const rfl_figure_slice_options *o, slice_buffers *b) {
  slice_marks mk;
  memset(&mk, 0, sizeof mk);
  rfl_status st = sample_raster(s, o, b, &mk);
  if (st == RFL_OK) st = paint_raster(cr, s, b, mk.t0, mk.t1);
  if (st == RFL_OK) st = draw_overlays(cr, s, summary, b, &mk);
  if (st == RFL_OK) rfl_slice_annotate(cr, s, summary, o, &mk);
  for (int k = 0; k < s->kase->nstructures + 2; ++k) rfl_contour_free(&mk.outlines[k]);
  return st;
}

rfl_status rfl_figure_slice(const char *path, const rfl_field_view *view, const rfl_summary *summary,
                            const rfl_figure_slice_options *options) {
  rfl_figure_slice_options defaults;
  rfl_figure_slice_defaults(&defaults);
  const rfl_figure_slice_options *o = options ? options : &defaults;
  if (!path) return RFL_ERROR(RFL_EINPUT, "slice figure: no file name");
  fig_format fmt;
  RFL_CHECK(rfl_canvas_format(path, &fmt));
  slice_ctx s;
  memset(&s, 0, sizeof s);
  s.view = view;
  RFL_CHECK(rfl_figure_slice_plan(view, o, &s.info));
  s.kase = view->kase;
  /* the layout works in layout units; info (device pixels) gives the plane */
  double scale = fmt == FIG_PNG ? o->scale : 1.0;
  s.hw = o->half_width;
  s.n = (int)lround(SL_P * scale);
  s.unit_px = (double)SL_P / s.n;
  s.ppm = SL_P / (2.0 * s.hw);
  s.normal = rfl_vec3_cross(s.info.lateral, s.info.axial);
  figure f;
  const double height = SL_H + rfl_canvas_footer_height(o->footer);
  RFL_CHECK(rfl_canvas_open(&f, path, SL_W, height, scale));
  slice_buffers b;
  memset(&b, 0, sizeof b);
  rfl_status st = draw_slice(f.cr, &s, summary, o, &b);
  if (st == RFL_OK) rfl_canvas_footer(f.cr, SL_W, height, o->footer);
  slice_buffers_free(&b);
  return rfl_canvas_close(&f, st);
}
