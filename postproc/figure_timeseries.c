// SPDX-License-Identifier: BSD-3-Clause
/* The time-series figure (figures.h): stacked panels sharing the time axis, each drawn by
 * its own function on the shared series buffers (a t = 0 point first). */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "figure_canvas.h"
#include "metrics.h"

enum { TS_W = 1000, TS_LEFT = 88, TS_RIGHT = 250, TS_TOP = 84, TS_PANEL = 150, TS_GAP = 22, TS_BOTTOM = 64 };

static const rgb c_tc = {0.12, 0.47, 0.71}, c_set = {0.35, 0.35, 0.35}, c_tissue = {1.0, 0.50, 0.05},
                 c_power = {0.58, 0.40, 0.74}, c_volt = {0.09, 0.75, 0.81}, c_imp = {0.55, 0.34, 0.29};
static const rgb c_prot_series[4] = {{0.84, 0.15, 0.16}, {0.89, 0.47, 0.76}, {0.74, 0.25, 0.05}, {0.55, 0.10, 0.35}};

typedef struct {
  cairo_t *cr;
  const rfl_sample *samples;
  size_t n, m;                   /* samples; points of a series (n + 1, from t = 0) */
  const rfl_summary *summary;
  const rfl_case *kase;
  double *t, *y, *y2, *y3;       /* times and three series of m points */
  int shown[RFL_MAX_STRUCTURES]; /* structures with a peak-temperature curve */
  int nshown;
  size_t hsteps;                 /* steps of the structures' history */
  int npanels, ip;               /* panels, and the next one's position */
  double lx, cool_from;          /* legend column; start of the cool-down shading */
  panel p;                       /* the current panel */
} ts_figure;

static void next_panel(ts_figure *ts) { ts->p.y = TS_TOP + ts->ip++ * (TS_PANEL + TS_GAP); }

/* 1: thermocouple, set point, hottest tissue. */
static void panel_temperatures(ts_figure *ts) {
  const rfl_sample *samples = ts->samples;
  double *y = ts->y, *y2 = ts->y2, *y3 = ts->y3;
  next_panel(ts);
  y[0] = y2[0] = y3[0] = ts->kase->physics.initial_C;
  for (size_t i = 0; i < ts->n; ++i) {
    y[i + 1] = samples[i].thermocouple_C;
    y2[i + 1] =
        samples[i].rf_on || samples[i].t <= ts->kase->generator.duration_s + 1e-9 ? samples[i].setpoint_C : NAN;
    y3[i + 1] = samples[i].tissue_max_C;
  }
  double lo = INFINITY, hi = -INFINITY;
  rfl_axes_range_of(y, ts->m, 1, &lo, &hi);
  rfl_axes_range_of(y2, ts->m, 1, &lo, &hi);
  rfl_axes_range_of(y3, ts->m, 1, &lo, &hi);
  rfl_axes_nice_range(&lo, &hi);
  ts->p.y0 = lo, ts->p.y1 = hi;
  rfl_axes_frame(ts->cr, &ts->p, "temperature (\u00b0C)", ts->ip == ts->npanels, ts->cool_from);
  rfl_axes_series(ts->cr, &ts->p, ts->t, y3, ts->m, 1, c_tissue, 1.6, 0);
  rfl_axes_series(ts->cr, &ts->p, ts->t, y2, ts->m, 1, c_set, 1.8, 1);
  rfl_axes_series(ts->cr, &ts->p, ts->t, y, ts->m, 1, c_tc, 2.4, 0);
  double ly = ts->p.y + 12;
  ly += rfl_axes_legend_entry(ts->cr, ts->lx, ly, c_tc, 0, "thermocouple");
  ly += rfl_axes_legend_entry(ts->cr, ts->lx, ly, c_set, 1, "set point");
  rfl_axes_legend_entry(ts->cr, ts->lx, ly, c_tissue, 0, "hottest tissue");
}

/* A protected structure's threshold (dashed) and the moment it was first reached (a dotted
 * line, a ring and the time); the legend says when, or that it was not. */
static double threshold_marks(ts_figure *ts, const rfl_structure_report *r, rgb col, double ly) {
  cairo_t *cr = ts->cr;
  const panel *p = &ts->p;
  char text_buf[RFL_CASE_TITLE_MAX];
  double thr = r->structure->threshold_C, ty = rfl_axes_y(p, thr);
  const double dash[] = {6.0, 4.0};
  cairo_save(cr);
  cairo_set_dash(cr, dash, 2, 0);
  cairo_move_to(cr, p->x, ty);
  cairo_line_to(cr, p->x + p->w, ty);
  rfl_canvas_set_rgb(cr, col);
  cairo_set_line_width(cr, 1.5);
  cairo_stroke(cr);
  cairo_restore(cr);
  snprintf(text_buf, sizeof text_buf, "threshold %.0f \u00b0C", thr);
  ly += rfl_axes_legend_entry(cr, ts->lx, ly, col, 1, text_buf);
  double tc = r->threshold_crossed_s;
  if (isfinite(tc)) {
    double cx = rfl_axes_x(p, tc);
    const double dot[] = {2.0, 3.0};
    cairo_save(cr);
    cairo_set_dash(cr, dot, 2, 0);
    cairo_move_to(cr, cx, p->y);
    cairo_line_to(cr, cx, p->y + p->h);
    rfl_canvas_set_rgb(cr, col);
    cairo_set_line_width(cr, 1.2);
    cairo_stroke(cr);
    cairo_restore(cr);
    cairo_arc(cr, cx, ty, 5.0, 0, 2 * RFL_PI);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill_preserve(cr);
    rfl_canvas_set_rgb(cr, col);
    cairo_set_line_width(cr, 2.0);
    cairo_stroke(cr);
    snprintf(text_buf, sizeof text_buf, "%.1f s", tc);
    double tw = rfl_canvas_text_width(cr, text_buf, 13, 1);
    double lxx = cx + 8 + tw < p->x + p->w ? cx + 8 : cx - 8 - tw;
    double lyy = ty - 10 > p->y + 14 ? ty - 10 : ty + 20;
    rfl_canvas_set_rgb(cr, col);
    rfl_canvas_text(cr, lxx, lyy, text_buf, 13, 1, 0.0, 0.0);
    snprintf(text_buf, sizeof text_buf, "reached at %.1f s", tc);
  } else {
    snprintf(text_buf, sizeof text_buf, "not reached");
  }
  cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
  rfl_canvas_text(cr, ts->lx + 36, ly, text_buf, 12, 0, 0.0, 0.5);
  return ly + 20;
}

/* 2: the peak temperature of every protected and target structure. */
static void panel_structures(ts_figure *ts) {
  const rfl_summary *summary = ts->summary;
  const size_t ns = (size_t)summary->nstructures;
  next_panel(ts);
  double lo = INFINITY, hi = -INFINITY;
  for (int q = 0; q < ts->nshown; ++q) {
    const rfl_structure_report *r = &summary->structures[ts->shown[q]];
    rfl_axes_range_of(summary->history_peak_C + ts->shown[q], ts->hsteps, ns, &lo, &hi);
    lo = fmin(lo, ts->kase->physics.initial_C);
    if (r->structure->role == RFL_ROLE_PROTECTED) hi = fmax(hi, r->structure->threshold_C);
  }
  rfl_axes_nice_range(&lo, &hi);
  ts->p.y0 = lo, ts->p.y1 = hi;
  rfl_axes_frame(ts->cr, &ts->p, "structure peak (\u00b0C)", ts->ip == ts->npanels, ts->cool_from);
  double ly = ts->p.y + 12;
  int nprot = 0;
  char text_buf[RFL_CASE_TITLE_MAX];
  for (int q = 0; q < ts->nshown; ++q) {
    const rfl_structure_report *r = &summary->structures[ts->shown[q]];
    const rfl_structure *sk = r->structure;
    int prot = sk->role == RFL_ROLE_PROTECTED;
    rgb col = prot ? c_prot_series[nprot++ % 4] : c_target;
    ts->y[0] = ts->kase->physics.initial_C;
    for (size_t i = 0; i < ts->hsteps; ++i) ts->y[i + 1] = summary->history_peak_C[i * ns + (size_t)ts->shown[q]];
    rfl_axes_series(ts->cr, &ts->p, ts->t, ts->y, ts->hsteps + 1, 1, col, 2.4, 0);
    snprintf(text_buf, sizeof text_buf, "%s (%s)", sk->name, rfl_role_words(sk->role));
    ly += rfl_axes_legend_entry(ts->cr, ts->lx, ly, col, 0, text_buf);
    if (prot) ly = threshold_marks(ts, r, col, ly);
  }
}

/* y[1..n] = the samples' field at offset (y[0] the value at t = 0); with rf_only, NaN
 * after RF. */
static void sample_series(const ts_figure *ts, size_t offset, double at_zero, int rf_only, double *y) {
  y[0] = at_zero;
  for (size_t i = 0; i < ts->n; ++i) {
    memcpy(&y[i + 1], (const char *)&ts->samples[i] + offset, sizeof(double));
    if (rf_only && !ts->samples[i].rf_on && ts->samples[i].t > ts->kase->generator.duration_s + 1e-9)
      y[i + 1] = NAN;
  }
}

static int any_finite(const double *y, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (isfinite(y[i])) return 1;
  return 0;
}

/* 3-5: power, voltage, impedance (the last only while RF is on). The impedance panel
 * shows the tissue's and, dashed, what the generator reads through the return path
 * (files written before it was recorded have no reading: all NaN, no line). */
static void panels_generator(ts_figure *ts) {
  static const struct {
    const char *label, *legend;
    size_t offset;
  } gen_panels[3] = {{"power (W)", "power into the tissue", offsetof(rfl_sample, power)},
                     {"voltage (V)", "tip voltage", offsetof(rfl_sample, voltage)},
                     {"impedance (\u03a9)", "tissue", offsetof(rfl_sample, impedance)}};
  const rgb colour[3] = {c_power, c_volt, c_imp};
  double *y = ts->y;
  double *reading = malloc(ts->m * sizeof *reading);
  for (int q = 0; q < 3; ++q) {
    next_panel(ts);
    const int imp = q == 2;
    sample_series(ts, gen_panels[q].offset, imp ? NAN : 0.0, imp, y);
    double lo = imp ? INFINITY : 0.0, hi = -INFINITY;
    rfl_axes_range_of(y, ts->m, 1, &lo, &hi);
    if (imp && reading) {
      sample_series(ts, offsetof(rfl_sample, reading_ohm), NAN, 1, reading);
      rfl_axes_range_of(reading, ts->m, 1, &lo, &hi);
    }
    rfl_axes_nice_range(&lo, &hi);
    ts->p.y0 = imp ? lo : 0.0, ts->p.y1 = hi;
    rfl_axes_frame(ts->cr, &ts->p, gen_panels[q].label, ts->ip == ts->npanels, ts->cool_from);
    rfl_axes_series(ts->cr, &ts->p, ts->t, y, ts->m, 1, colour[q], 2.0, 0);
    double ly = ts->p.y + 12;
    ly += rfl_axes_legend_entry(ts->cr, ts->lx, ly, colour[q], 0, gen_panels[q].legend);
    if (imp && reading && any_finite(reading, ts->m)) {
      rfl_axes_series(ts->cr, &ts->p, ts->t, reading, ts->m, 1, colour[q], 2.0, 1);
      rfl_axes_legend_entry(ts->cr, ts->lx, ly, colour[q], 1, "generator reads");
    }
  }
  free(reading);
}

/* The structures with a peak-temperature curve (all but other regions), when the summary
 * has their history. */
static void pick_structures(ts_figure *ts) {
  const rfl_summary *summary = ts->summary;
  ts->nshown = 0;
  ts->hsteps = 0;
  if (summary && summary->history_peak_C && summary->nstructures > 0) {
    ts->hsteps = summary->history_steps < ts->n ? summary->history_steps : ts->n;
    for (int k = 0; k < summary->nstructures; ++k)
      if (summary->structures[k].structure && summary->structures[k].structure->role != RFL_ROLE_NONE)
        ts->shown[ts->nshown++] = k;
  }
  if (ts->hsteps == 0) ts->nshown = 0;
  ts->npanels = ts->nshown ? 5 : 4;
}

static void draw_timeseries(ts_figure *ts, double height, const char *footer) {
  const rfl_case *kase = ts->kase;
  char text_buf[RFL_CASE_TITLE_MAX], gen[96];
  rfl_canvas_generator_text(kase, gen, sizeof gen);
  snprintf(text_buf, sizeof text_buf, "Generator and temperatures  \u00b7  %s, RF %.0f s%s", gen,
           kase->generator.duration_s, kase->generator.cooldown_s > 0 ? ", then cool-down (shaded)" : "");
  rfl_canvas_title(ts->cr, TS_LEFT, TS_W - TS_LEFT - 30, kase, text_buf);
  ts->ip = 0;
  ts->lx = TS_W - TS_RIGHT + 22;
  ts->p = (panel){TS_LEFT, 0.0, TS_W - TS_LEFT - TS_RIGHT, TS_PANEL, 0.0, fmax(ts->t[ts->n], 1e-9), 0.0, 0.0};
  panel_temperatures(ts);
  if (ts->nshown) panel_structures(ts);
  panels_generator(ts);
  cairo_set_source_rgb(ts->cr, 0, 0, 0);
  rfl_canvas_text(ts->cr, ts->p.x + 0.5 * ts->p.w, ts->p.y + ts->p.h + 46, "time (s)", 14, 0, 0.5, 0.0);
  rfl_canvas_footer(ts->cr, TS_W, height, footer);
}

rfl_status rfl_figure_timeseries(const char *path, const rfl_sample *samples, size_t n, const rfl_summary *summary,
                                 const rfl_case *kase, const rfl_figure_style *style) {
  if (!path) return RFL_ERROR(RFL_EINPUT, "time-series figure: no file name");
  const rfl_figure_style plain = {1.0, NULL};
  if (!style) style = &plain;
  fig_format fmt;
  RFL_CHECK(rfl_canvas_format(path, &fmt));
  RFL_CHECK(rfl_canvas_check_scale(path, style->scale));
  if (!samples || n == 0) return RFL_ERROR(RFL_EINPUT, "%s: time-series figure: no samples", path);
  if (!kase) return RFL_ERROR(RFL_EINPUT, "%s: time-series figure: no case", path);
  ts_figure ts = {.samples = samples, .n = n, .m = n + 1, .summary = summary, .kase = kase};
  pick_structures(&ts);
  double *buf = malloc(4 * ts.m * sizeof *buf);
  if (!buf) return RFL_ERROR(RFL_ENOMEM, "%s: out of memory for %zu samples", path, n);
  ts.t = buf, ts.y = buf + ts.m, ts.y2 = buf + 2 * ts.m, ts.y3 = buf + 3 * ts.m;
  ts.t[0] = 0.0;
  for (size_t i = 0; i < n; ++i) ts.t[i + 1] = samples[i].t;
  ts.cool_from = kase->generator.cooldown_s > 0 ? kase->generator.duration_s : INFINITY;
  figure f;
  const int np = ts.npanels;
  double height = TS_TOP + np * TS_PANEL + (np - 1) * TS_GAP + TS_BOTTOM + rfl_canvas_footer_height(style->footer);
  rfl_status st = rfl_canvas_open(&f, path, TS_W, height, style->scale);
  if (st == RFL_OK) {
    ts.cr = f.cr;
    draw_timeseries(&ts, height, style->footer);
    st = rfl_canvas_close(&f, RFL_OK);
  }
  free(buf);
  return st;
}
