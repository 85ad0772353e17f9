// SPDX-License-Identifier: BSD-3-Clause
/* What every figure is drawn on (private to the figure files, figures.h is the public
 * interface): the output file (format from the extension, a temporary file renamed into
 * place), text in the figures' font, the title block and footer, and the axes of a plot
 * panel (ticks, grid lines, a polyline series, legend entries). Layout units are PNG pixels
 * at scale 1; SVG and PDF take them as points. */
#ifndef RFL_FIGURE_CANVAS_H
#define RFL_FIGURE_CANVAS_H

#include <cairo.h>
#include <stdio.h>

#include "atomic_file.h"
#include "figures.h"

#define MM 1e-3

typedef struct {
  double r, g, b;
} rgb;

static const rgb c_target = {0.20, 0.85, 0.35}; /* a target structure (slice and time series) */

/* ---- the output file --------------------------------------------------------------------- */

typedef enum { FIG_PNG, FIG_SVG, FIG_PDF } fig_format;

typedef struct {
  const char *path;
  char target[RFL_PATH_MAX];
  char tmp[RFL_ATOMIC_TMP_MAX];
  FILE *file;
  int write_failed, write_errno;
  fig_format format;
  cairo_surface_t *surface;
  cairo_t *cr;
  double scale; /* device pixels per layout unit */
} figure;

/* The format of path from its extension (.png, .svg, .pdf, any case); RFL_EINPUT otherwise. */
rfl_status rfl_canvas_format(const char *path, fig_format *fmt);

/* Opens the temporary file and a white surface of width x height layout units (PNG: scale
 * device pixels per unit). */
rfl_status rfl_canvas_open(figure *f, const char *path, double width, double height, double scale);

/* Finishes the drawing, writes and closes the file, renames it into place (st == RFL_OK)
 * or removes it (st is a failure already raised, returned as is). */
rfl_status rfl_canvas_close(figure *f, rfl_status st);

/* RFL_EINPUT "WHAT: scale: ..." unless 0.25 <= scale <= 8. */
rfl_status rfl_canvas_check_scale(const char *what, double scale);

/* ---- text and small drawing helpers ------------------------------------------------------ */

void rfl_canvas_set_rgb(cairo_t *cr, rgb c);

/* Text with its anchor at (x, y): ax = 0 left, 0.5 centre, 1 right; ay = 0 baseline,
 * 0.5 middle of the capitals, 1 top of the capitals. Returns the advance width. */
double rfl_canvas_text(cairo_t *cr, double x, double y, const char *s, double size, int bold, double ax, double ay);
double rfl_canvas_text_width(cairo_t *cr, const char *s, double size, int bold);

/* Text at most width wide: its font shrinks from size as far as it must. */
void rfl_canvas_text_fit(cairo_t *cr, double x, double y, const char *s, double size, int bold, double width);

/* A figure's title (the case as run: rfl_case_display_title) and subtitle, each fitted to
 * width. A title too long for one line at a readable size keeps the case's name, and its
 * settings open the subtitle instead. */
void rfl_canvas_title(cairo_t *cr, double x, double width, const rfl_case *c, const char *subtitle);

/* Height the footer adds to a figure, layout units. */
double rfl_canvas_footer_height(const char *footer);

/* The footer line, small and grey, at the bottom left of a figure of the given size. */
void rfl_canvas_footer(cairo_t *cr, double width, double height, const char *footer);

void rfl_canvas_rounded_rect(cairo_t *cr, double x, double y, double w, double h, double r);

/* The generator's settings in words, for titles ("set point 90 C", "power 10.0 W", ...). */
void rfl_canvas_generator_text(const rfl_case *c, char *buf, size_t len);

/* ---- axes -------------------------------------------------------------------------------- */

typedef struct {
  double x, y, w, h;     /* layout units */
  double t0, t1, y0, y1; /* data ranges */
} panel;

/* Layout position of the abscissa t and the ordinate y. */
double rfl_axes_x(const panel *p, double t);
double rfl_axes_y(const panel *p, double y);

/* A "nice" tick step (1, 2 or 5 x 10^k) giving about `target` intervals over range. */
double rfl_axes_nice_step(double range, double target);

/* A tick's label with as many decimals as the step needs. */
void rfl_axes_tick_label(char *buf, size_t len, double v, double step);

/* Range of finite values in a strided series, grown by more. */
void rfl_axes_range_of(const double *v, size_t n, size_t stride, double *lo, double *hi);

/* Round a data range outwards to ticks, with 5 % head room. */
void rfl_axes_nice_range(double *lo, double *hi);

/* Grid lines, ticks (abscissa labels when time_labels), frame and the ordinate's label;
 * the abscissa from cool_from on is shaded. */
void rfl_axes_frame(cairo_t *cr, const panel *p, const char *ylabel, int time_labels, double cool_from);

/* A polyline through (t[i], y[i * stride]); non-finite values break it. */
void rfl_axes_series(cairo_t *cr, const panel *p, const double *t, const double *y, size_t n, size_t stride,
                     rgb colour, double width, int dashed);

/* A legend line from x0 to x1 at y (dashed: 0 solid, 1 dashed, 2 dotted), then its label
 * starting at label_x. */
void rfl_axes_legend_stroke(cairo_t *cr, double x0, double x1, double y, rgb colour, int dashed, double label_x,
                            const char *label);

/* A legend entry of a series: a short line, then the label. Returns the line height. */
double rfl_axes_legend_entry(cairo_t *cr, double x, double y, rgb colour, int dashed, const char *label);

#endif
