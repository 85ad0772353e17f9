// SPDX-License-Identifier: BSD-3-Clause
/* The sweep figure (figures.h): a results-table column against another, one curve per
 * value of a third, on the axes of figure_canvas.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "figure_canvas.h"

enum { W = 1000, H = 640, LEFT = 96, TOP = 84, BOTTOM = 70 };

typedef struct {
  double x, y;
  size_t group; /* index into the group labels */
} sweep_point;

/* The points of the finished cases with finite values, sorted by group then x, and the
 * groups' labels in order of appearance. */
typedef struct {
  sweep_point *pts;
  size_t np;
  char (*labels)[64];
  size_t ng;
} sweep_points;

static void sweep_points_free(sweep_points *sp) {
  free(sp->pts);
  free(sp->labels);
}

static int by_group_then_x(const void *a, const void *b) {
  const sweep_point *p = a, *q = b;
  if (p->group != q->group) return p->group < q->group ? -1 : 1;
  return (p->x > q->x) - (p->x < q->x);
}

static rfl_status collect_points(const char *path, const rfl_results_table *t, int cx, int cy, int cg,
                                 sweep_points *sp) {
  int cstatus = rfl_results_table_column(t, "status");
  sp->pts = malloc((t->nrows ? t->nrows : 1) * sizeof *sp->pts);
  sp->labels = malloc((t->nrows ? t->nrows : 1) * sizeof *sp->labels);
  sp->np = sp->ng = 0;
  if (!sp->pts || !sp->labels) return RFL_ERROR(RFL_ENOMEM, "%s: out of memory for the sweep figure", path);
  char nb[64];
  for (size_t r = 0; r < t->nrows; ++r) {
    if (cstatus >= 0 && strcmp(rfl_results_table_text(t, r, cstatus, nb, sizeof nb), "failed") == 0) continue;
    double x = rfl_results_table_number(t, r, cx), y = rfl_results_table_number(t, r, cy);
    if (!isfinite(x) || !isfinite(y)) continue;
    const char *g = cg >= 0 ? rfl_results_table_text(t, r, cg, nb, sizeof nb) : "";
    size_t k = 0;
    while (k < sp->ng && strcmp(sp->labels[k], g) != 0) ++k;
    if (k == sp->ng) snprintf(sp->labels[sp->ng++], sizeof sp->labels[0], "%s", g);
    sp->pts[sp->np++] = (sweep_point){x, y, k};
  }
  qsort(sp->pts, sp->np, sizeof *sp->pts, by_group_then_x);
  return RFL_OK;
}

/* The columns in words with their units (rfl_results_column_describe). */
typedef struct {
  const char *metric, *xname, *group;
  char ylabel[160], xlabel[160], glabel[160], yunit[16], xunit[16], gunit[16];
  char gtitle[200]; /* the group's legend title */
} sweep_names;

static void describe_columns(sweep_names *nm) {
  rfl_results_column_describe(nm->metric, nm->ylabel, sizeof nm->ylabel, nm->yunit, sizeof nm->yunit);
  rfl_results_column_describe(nm->xname, nm->xlabel, sizeof nm->xlabel, nm->xunit, sizeof nm->xunit);
  nm->gtitle[0] = '\0';
  if (!nm->group) return;
  rfl_results_column_describe(nm->group, nm->glabel, sizeof nm->glabel, nm->gunit, sizeof nm->gunit);
  snprintf(nm->gtitle, sizeof nm->gtitle, nm->gunit[0] ? "%s (%s)" : "%s", nm->glabel, nm->gunit);
}

/* Title ("Y against X"), subtitle (cases shown, columns) and the axes around the points. */
static void sweep_frame(cairo_t *cr, panel *p, const sweep_points *sp, const sweep_names *nm, size_t nrows) {
  for (size_t i = 0; i < sp->np; ++i) {
    p->t0 = fmin(p->t0, sp->pts[i].x), p->t1 = fmax(p->t1, sp->pts[i].x);
    p->y0 = fmin(p->y0, sp->pts[i].y), p->y1 = fmax(p->y1, sp->pts[i].y);
  }
  rfl_axes_nice_range(&p->t0, &p->t1);
  rfl_axes_nice_range(&p->y0, &p->y1);
  char title[600], axis[200];
  const char *group = nm->group;
  cairo_set_source_rgb(cr, 0, 0, 0);
  snprintf(title, sizeof title, "%s against %s", nm->ylabel, nm->xlabel);
  if (title[0] >= 'a' && title[0] <= 'z') title[0] = (char)(title[0] - 'a' + 'A');
  rfl_canvas_text_fit(cr, LEFT, 34, title, 21, 1, W - LEFT - 30);
  snprintf(title, sizeof title, "%zu of %zu cases%s%s  \u00b7  columns %s, %s%s%s", sp->np, nrows,
           group ? ", one curve per " : "", group ? nm->glabel : "", nm->metric, nm->xname, group ? ", " : "",
           group ? group : "");
  cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
  rfl_canvas_text_fit(cr, LEFT, 62, title, 15, 0, W - LEFT - 30);
  snprintf(axis, sizeof axis, nm->yunit[0] ? "%s (%s)" : "%s", nm->ylabel, nm->yunit);
  rfl_axes_frame(cr, p, axis, 1, INFINITY);
}

/* One curve with a dot per case for each group, and with groups the legend in the right
 * margin (legend_x). xs holds 2 np values of scratch. */
static void sweep_curves(cairo_t *cr, const panel *p, const sweep_points *sp, const sweep_names *nm, double legend_x,
                         double *xs) {
  static const rgb palette[8] = {{0.12, 0.47, 0.71}, {1.0, 0.50, 0.05}, {0.17, 0.63, 0.17}, {0.84, 0.15, 0.16},
                                 {0.58, 0.40, 0.74}, {0.55, 0.34, 0.29}, {0.89, 0.47, 0.76}, {0.09, 0.75, 0.81}};
  double *ys = xs + (sp->np ? sp->np : 1), ly = p->y + 12;
  for (size_t k = 0, i = 0; k < sp->ng; ++k) {
    size_t n = 0;
    for (; i < sp->np && sp->pts[i].group == k; ++i, ++n) xs[n] = sp->pts[i].x, ys[n] = sp->pts[i].y;
    rgb col = palette[k % 8];
    rfl_axes_series(cr, p, xs, ys, n, 1, col, 2.2, k >= 8);
    for (size_t j = 0; j < n; ++j) {
      cairo_arc(cr, rfl_axes_x(p, xs[j]), rfl_axes_y(p, ys[j]), 4.0, 0, 2 * RFL_PI);
      rfl_canvas_set_rgb(cr, col);
      cairo_fill(cr);
    }
    if (!nm->group) continue;
    if (k == 0) { /* the group in words, then one line per value */
      cairo_set_source_rgb(cr, 0, 0, 0);
      rfl_canvas_text(cr, legend_x, ly, nm->gtitle, 13, 1, 0.0, 0.5);
      ly += 22;
    }
    ly += rfl_axes_legend_entry(cr, legend_x, ly, col, k >= 8, sp->labels[k]);
  }
}

/* The plot takes the width the legend leaves (none without groups). */
static double right_margin(cairo_t *cr, const sweep_points *sp, const sweep_names *nm) {
  if (!nm->group) return 40;
  double legend_w = rfl_canvas_text_width(cr, nm->gtitle, 13, 1);
  for (size_t k = 0; k < sp->ng; ++k) legend_w = fmax(legend_w, 36 + rfl_canvas_text_width(cr, sp->labels[k], 13, 0));
  return fmin(legend_w + 50, 0.4 * W);
}

static rfl_status draw_sweep(figure *f, const char *path, const rfl_results_table *t, const sweep_points *sp,
                             const sweep_names *nm) {
  cairo_t *cr = f->cr;
  const double right = right_margin(cr, sp, nm);
  panel p = {LEFT, TOP, W - LEFT - right, H - TOP - BOTTOM, INFINITY, -INFINITY, INFINITY, -INFINITY};
  sweep_frame(cr, &p, sp, nm, t->nrows);
  double *xs = malloc((sp->np ? sp->np : 1) * 2 * sizeof *xs);
  if (!xs) return RFL_ERROR(RFL_ENOMEM, "%s: out of memory for the sweep figure", path);
  sweep_curves(cr, &p, sp, nm, W - right + 22, xs);
  free(xs);
  char axis[200];
  cairo_set_source_rgb(cr, 0, 0, 0);
  snprintf(axis, sizeof axis, nm->xunit[0] ? "%s (%s)" : "%s", nm->xlabel, nm->xunit);
  rfl_canvas_text(cr, p.x + 0.5 * p.w, p.y + p.h + 46, axis, 14, 0, 0.5, 0.0);
  return RFL_OK;
}

rfl_status rfl_figure_sweep(const char *path, const rfl_results_table *t, const char *metric, const char *xname,
                            const char *group) {
  if (!path || !t || !metric || !xname) return RFL_ERROR(RFL_EINPUT, "sweep figure: missing file name or columns");
  fig_format fmt;
  RFL_CHECK(rfl_canvas_format(path, &fmt));
  int cy = rfl_results_table_column(t, metric), cx = rfl_results_table_column(t, xname);
  int cg = group ? rfl_results_table_column(t, group) : -1;
  const char *missing = cy < 0 ? metric : cx < 0 ? xname : group && cg < 0 ? group : NULL;
  if (missing) return RFL_ERROR(RFL_EINPUT, "%s: sweep figure: expected a column of the results table, found '%s'", path, missing);
  sweep_points sp;
  rfl_status st = collect_points(path, t, cx, cy, cg, &sp);
  sweep_names nm = {.metric = metric, .xname = xname, .group = group};
  describe_columns(&nm);
  figure f;
  if (st == RFL_OK) st = rfl_canvas_open(&f, path, W, H, 1.0);
  if (st == RFL_OK) st = rfl_canvas_close(&f, draw_sweep(&f, path, t, &sp, &nm));
  sweep_points_free(&sp);
  return st;
}
