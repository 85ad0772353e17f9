// SPDX-License-Identifier: BSD-3-Clause
/* What every figure is drawn on (figure_canvas.h): the output file, text, the title block
 * and footer, and the axes of a plot panel. */
#include "figure_canvas.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "generator.h"
#include "provenance.h"

#define FONT "DejaVu Sans"

void rfl_canvas_set_rgb(cairo_t *cr, rgb c) { cairo_set_source_rgb(cr, c.r, c.g, c.b); }

/* ---- output: temporary file, cairo surface, rename --------------------------------------- */

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int length) {
  figure *f = closure;
  if (f->write_failed) return CAIRO_STATUS_WRITE_ERROR;
  errno = 0;
  if (fwrite(data, 1, length, f->file) != length) {
    f->write_failed = 1;
    f->write_errno = errno;
    return CAIRO_STATUS_WRITE_ERROR;
  }
  return CAIRO_STATUS_SUCCESS;
}

rfl_status rfl_canvas_format(const char *path, fig_format *fmt) {
  const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
  if (dot && (!slash || dot > slash)) {
    if (strcasecmp(dot, ".png") == 0) {
      *fmt = FIG_PNG;
      return RFL_OK;
    }
    if (strcasecmp(dot, ".svg") == 0) {
      *fmt = FIG_SVG;
      return RFL_OK;
    }
    if (strcasecmp(dot, ".pdf") == 0) {
      *fmt = FIG_PDF;
      return RFL_OK;
    }
  }
  return RFL_ERROR(RFL_EINPUT, "%s: figure format: expected a .png, .svg or .pdf file name, found '%s'", path,
                   dot && (!slash || dot > slash) ? dot : "no extension");
}

static rfl_status cairo_failure(const char *path, cairo_status_t cs) {
  if (cs == CAIRO_STATUS_NO_MEMORY) return RFL_ERROR(RFL_ENOMEM, "%s: out of memory while drawing", path);
  return RFL_ERROR(RFL_EINTERNAL, "%s: drawing failed: %s", path, cairo_status_to_string(cs));
}

/* Opens the temporary file and a white surface of width x height layout units. */
rfl_status rfl_canvas_open(figure *f, const char *path, double width, double height, double scale) {
  memset(f, 0, sizeof *f);
  f->path = path;
  RFL_CHECK(rfl_canvas_format(path, &f->format));
  f->scale = f->format == FIG_PNG ? scale : 1.0;
  RFL_CHECK(rfl_atomic_temp(path, f->target, sizeof f->target, f->tmp, sizeof f->tmp));
  f->file = fopen(f->tmp, "wb");
  if (!f->file) {
    const int e = errno;
    rfl_atomic_discard(f->tmp);
    return RFL_ERROR(RFL_EIO, "%s: cannot create the figure (temporary file %s): %s", path, f->tmp, strerror(e));
  }
  if (f->format == FIG_PNG)
    f->surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)lround(width * f->scale),
                                            (int)lround(height * f->scale));
  else if (f->format == FIG_SVG)
    f->surface = cairo_svg_surface_create_for_stream(sink_write, f, width, height);
  else
    f->surface = cairo_pdf_surface_create_for_stream(sink_write, f, width, height);
  cairo_status_t cs = cairo_surface_status(f->surface);
  if (cs == CAIRO_STATUS_SUCCESS) {
    f->cr = cairo_create(f->surface);
    cs = cairo_status(f->cr);
  }
  if (cs != CAIRO_STATUS_SUCCESS) {
    if (f->cr) cairo_destroy(f->cr);
    cairo_surface_destroy(f->surface);
    fclose(f->file);
    rfl_atomic_discard(f->tmp);
    return cairo_failure(path, cs);
  }
  cairo_scale(f->cr, f->scale, f->scale);
  cairo_set_source_rgb(f->cr, 1, 1, 1);
  cairo_paint(f->cr);
  return RFL_OK;
}

/* Finishes the drawing, writes and closes the file, renames it into place (st == RFL_OK)
 * or removes it (st is a failure already raised, returned as is). */
rfl_status rfl_canvas_close(figure *f, rfl_status st) {
  cairo_status_t cs = cairo_status(f->cr);
  cairo_destroy(f->cr);
  if (st == RFL_OK && cs != CAIRO_STATUS_SUCCESS) st = cairo_failure(f->path, cs);
  cairo_status_t ws = CAIRO_STATUS_SUCCESS;
  if (st == RFL_OK && f->format == FIG_PNG) ws = cairo_surface_write_to_png_stream(f->surface, sink_write, f);
  cairo_surface_finish(f->surface);
  if (ws == CAIRO_STATUS_SUCCESS) ws = cairo_surface_status(f->surface);
  cairo_surface_destroy(f->surface);
  int close_errno = 0;
  if (fclose(f->file) != 0) close_errno = errno;
  if (st == RFL_OK && (f->write_failed || ws != CAIRO_STATUS_SUCCESS || close_errno)) {
    if (f->write_failed || close_errno)
      st = RFL_ERROR(RFL_EIO, "%s: cannot write the figure: %s", f->path,
                     f->write_failed ? (f->write_errno ? strerror(f->write_errno) : "short write")
                                     : strerror(close_errno));
    else
      st = cairo_failure(f->path, ws);
  }
  if (st == RFL_OK) st = rfl_atomic_publish(f->tmp, f->target, f->path);
  else rfl_atomic_discard(f->tmp);
  return st;
}

/* ---- text and small drawing helpers ------------------------------------------------------ */

/* Text with its anchor at (x, y): ax = 0 left, 0.5 centre, 1 right; ay = 0 baseline,
 * 0.5 middle of the capitals, 1 top of the capitals. Returns the advance width. */
double rfl_canvas_text(cairo_t *cr, double x, double y, const char *s, double size, int bold, double ax, double ay) {
  cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
  cairo_text_extents_t e;
  cairo_text_extents(cr, s, &e);
  cairo_move_to(cr, x - ax * e.x_advance, y + ay * 0.73 * size);
  cairo_show_text(cr, s);
  return e.x_advance;
}

double rfl_canvas_text_width(cairo_t *cr, const char *s, double size, int bold) {
  cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
  cairo_text_extents_t e;
  cairo_text_extents(cr, s, &e);
  return e.x_advance;
}

/* Text at most width wide: its font shrinks from size as far as it must. */
void rfl_canvas_text_fit(cairo_t *cr, double x, double y, const char *s, double size, int bold, double width) {
  double w = rfl_canvas_text_width(cr, s, size, bold);
  rfl_canvas_text(cr, x, y, s, w > width ? size * width / w : size, bold, 0.0, 0.0);
}

/* A figure's title (the case as run: rfl_case_display_title) and subtitle, each fitted to
 * width. A title too long for one line at a readable size keeps the case's name, and its
 * settings open the subtitle instead. */
void rfl_canvas_title(cairo_t *cr, double x, double width, const rfl_case *c, const char *subtitle) {
  char title[RFL_CASE_TITLE_MAX], settings[RFL_CASE_TITLE_MAX], sub[2 * RFL_CASE_TITLE_MAX];
  rfl_case_display_title(c, title, sizeof title);
  snprintf(sub, sizeof sub, "%s", subtitle);
  if (rfl_canvas_text_width(cr, title, 21, 1) > width * 21.0 / 16.0 && c->title[0] && strcmp(c->title, "untitled") != 0) {
    rfl_case_settings_text(c, settings, sizeof settings);
    snprintf(title, sizeof title, "%s", c->title);
    snprintf(sub, sizeof sub, "%s  \u00b7  %s", settings, subtitle);
  }
  cairo_set_source_rgb(cr, 0, 0, 0);
  rfl_canvas_text_fit(cr, x, 34, title, 21, 1, width);
  cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
  rfl_canvas_text_fit(cr, x, 62, sub, 15, 0, width);
}

/* Height the footer adds to a figure, layout units. */
double rfl_canvas_footer_height(const char *footer) { return footer && footer[0] ? 24.0 : 0.0; }

/* The footer line, small and grey, at the bottom left of a figure of the given size. */
void rfl_canvas_footer(cairo_t *cr, double width, double height, const char *footer) {
  if (!footer || !footer[0]) return;
  cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
  rfl_canvas_text_fit(cr, 12, height - 9, footer, 11, 0, width - 24);
}

rfl_status rfl_canvas_check_scale(const char *what, double scale) {
  if (!(scale >= 0.25 && scale <= 8.0))
    return RFL_ERROR(RFL_EINPUT, "%s: scale: expected 0.25..8, found %g", what, scale);
  return RFL_OK;
}

void rfl_figure_provenance_footer(const char *case_hash, char *buf, size_t size) {
  rfl_provenance p;
  rfl_provenance_get(&p);
  int n = snprintf(buf, size, "rflesion %s, commit %.12s", p.version_full, p.commit);
  if (case_hash && n >= 0 && (size_t)n < size) snprintf(buf + n, size - (size_t)n, ", case %s", case_hash);
}

void rfl_canvas_rounded_rect(cairo_t *cr, double x, double y, double w, double h, double r) {
  cairo_new_sub_path(cr);
  cairo_arc(cr, x + w - r, y + r, r, -0.5 * RFL_PI, 0);
  cairo_arc(cr, x + w - r, y + h - r, r, 0, 0.5 * RFL_PI);
  cairo_arc(cr, x + r, y + h - r, r, 0.5 * RFL_PI, RFL_PI);
  cairo_arc(cr, x + r, y + r, r, RFL_PI, 1.5 * RFL_PI);
  cairo_close_path(cr);
}

/* A "nice" tick step (1, 2 or 5 x 10^k) giving about `target` intervals over range. */
double rfl_axes_nice_step(double range, double target) {
  if (!(range > 0.0)) return 1.0;
  double raw = range / target, mag = pow(10.0, floor(log10(raw))), f = raw / mag;
  return (f < 1.5 ? 1.0 : f < 3.0 ? 2.0 : f < 7.0 ? 5.0 : 10.0) * mag;
}

void rfl_axes_tick_label(char *buf, size_t len, double v, double step) {
  int dec = step >= 1.0 ? 0 : (int)ceil(-log10(step) - 1e-9);
  if (fabs(v) < 1e-9 * step) v = 0.0;
  snprintf(buf, len, "%.*f", dec, v);
}

void rfl_canvas_generator_text(const rfl_case *c, char *buf, size_t len) {
  rfl_generator_describe(&c->generator, c->physics.initial_C, RFL_GENERATOR_TEXT_LEGEND, buf, len);
}

/* ---- axes -------------------------------------------------------------------------------- */

double rfl_axes_x(const panel *p, double t) { return p->x + (t - p->t0) / (p->t1 - p->t0) * p->w; }
double rfl_axes_y(const panel *p, double y) { return p->y + p->h - (y - p->y0) / (p->y1 - p->y0) * p->h; }

/* Range of finite values in a strided series, grown by more. */
void rfl_axes_range_of(const double *v, size_t n, size_t stride, double *lo, double *hi) {
  for (size_t i = 0; i < n; ++i) {
    double x = v[i * stride];
    if (isfinite(x)) *lo = fmin(*lo, x), *hi = fmax(*hi, x);
  }
}

/* Round a data range outwards to ticks, with 5 % head room. */
void rfl_axes_nice_range(double *lo, double *hi) {
  if (!isfinite(*lo) || !isfinite(*hi)) *lo = 0.0, *hi = 1.0;
  if (*hi - *lo < 1e-9 * fmax(1.0, fabs(*hi))) *lo -= 1.0, *hi += 1.0;
  double pad = 0.05 * (*hi - *lo);
  double step = rfl_axes_nice_step(*hi - *lo + 2 * pad, 4.0);
  *lo = floor((*lo - pad) / step) * step;
  *hi = ceil((*hi + pad) / step) * step;
}

void rfl_axes_frame(cairo_t *cr, const panel *p, const char *ylabel, int time_labels, double cool_from) {
  if (cool_from < p->t1) {
    double x = rfl_axes_x(p, fmax(cool_from, p->t0));
    cairo_rectangle(cr, x, p->y, p->x + p->w - x, p->h);
    cairo_set_source_rgb(cr, 0.93, 0.93, 0.95);
    cairo_fill(cr);
  }
  char buf[32];
  cairo_set_line_width(cr, 1.0);
  double ys = rfl_axes_nice_step(p->y1 - p->y0, 4.0);
  for (double y = ceil(p->y0 / ys - 1e-9) * ys; y <= p->y1 + 1e-9 * ys; y += ys) {
    double py = rfl_axes_y(p, y);
    cairo_move_to(cr, p->x, py);
    cairo_line_to(cr, p->x + p->w, py);
    cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
    cairo_stroke(cr);
    cairo_move_to(cr, p->x - 5, py);
    cairo_line_to(cr, p->x, py);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_stroke(cr);
    rfl_axes_tick_label(buf, sizeof buf, y, ys);
    rfl_canvas_text(cr, p->x - 8, py, buf, 13, 0, 1.0, 0.5);
  }
  double ts = rfl_axes_nice_step(p->t1 - p->t0, 8.0);
  for (double t = ceil(p->t0 / ts - 1e-9) * ts; t <= p->t1 + 1e-9 * ts; t += ts) {
    double px = rfl_axes_x(p, t);
    cairo_move_to(cr, px, p->y);
    cairo_line_to(cr, px, p->y + p->h);
    cairo_set_source_rgb(cr, 0.90, 0.90, 0.90);
    cairo_stroke(cr);
    cairo_move_to(cr, px, p->y + p->h);
    cairo_line_to(cr, px, p->y + p->h + 5);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_stroke(cr);
    if (time_labels) {
      rfl_axes_tick_label(buf, sizeof buf, t, ts);
      rfl_canvas_text(cr, px, p->y + p->h + 20, buf, 13, 0, 0.5, 0.0);
    }
  }
  cairo_rectangle(cr, p->x, p->y, p->w, p->h);
  cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
  cairo_set_line_width(cr, 1.2);
  cairo_stroke(cr);
  cairo_save(cr);
  cairo_translate(cr, p->x - 62, p->y + 0.5 * p->h);
  cairo_rotate(cr, -0.5 * RFL_PI);
  cairo_set_source_rgb(cr, 0, 0, 0);
  rfl_canvas_text(cr, 0, 0, ylabel, 14, 0, 0.5, 0.0);
  cairo_restore(cr);
}

/* A polyline through (t[i], y[i * stride]); non-finite values break it. */
void rfl_axes_series(cairo_t *cr, const panel *p, const double *t, const double *y, size_t n, size_t stride,
                     rgb colour, double width, int dashed) {
  cairo_save(cr);
  cairo_rectangle(cr, p->x, p->y, p->w, p->h);
  cairo_clip(cr);
  int pen = 0;
  for (size_t i = 0; i < n; ++i) {
    double v = y[i * stride];
    if (!isfinite(v) || !isfinite(t[i])) {
      pen = 0;
      continue;
    }
    double x = rfl_axes_x(p, t[i]), yy = rfl_axes_y(p, v);
    if (pen)
      cairo_line_to(cr, x, yy);
    else
      cairo_move_to(cr, x, yy);
    pen = 1;
  }
  const double dash[] = {7.0, 4.0};
  cairo_set_dash(cr, dash, dashed ? 2 : 0, 0);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  rfl_canvas_set_rgb(cr, colour);
  cairo_set_line_width(cr, width);
  cairo_stroke(cr);
  cairo_restore(cr);
}

void rfl_axes_legend_stroke(cairo_t *cr, double x0, double x1, double y, rgb colour, int dashed, double label_x,
                            const char *label) {
  cairo_save(cr);
  const double dash[] = {5.0, 3.0}, dot[] = {0.1, 5.0};
  if (dashed == 1) cairo_set_dash(cr, dash, 2, 0);
  if (dashed == 2) {
    cairo_set_dash(cr, dot, 2, 0);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  }
  cairo_move_to(cr, x0, y);
  cairo_line_to(cr, x1, y);
  rfl_canvas_set_rgb(cr, colour);
  cairo_set_line_width(cr, 2.5);
  cairo_stroke(cr);
  cairo_restore(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
  rfl_canvas_text(cr, label_x, y, label, 13, 0, 0.0, 0.5);
}

double rfl_axes_legend_entry(cairo_t *cr, double x, double y, rgb colour, int dashed, const char *label) {
  rfl_axes_legend_stroke(cr, x, x + 28, y, colour, dashed, x + 36, label);
  return 20.0;
}
