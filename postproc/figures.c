// SPDX-License-Identifier: BSD-3-Clause
/* Figures with cairo: a slice of the temperature field through the probe axis, and the
 * generator and temperature time series, as PNG (image surface) or SVG (vector surface with
 * the field raster embedded), chosen by the file extension.
 *
 * The slice samples the cell-centred fields at the centre of every pixel of the plot by
 * trilinear interpolation between the true (possibly graded) cell centres, clamped to the
 * outermost centres; points outside the domain are grey. Contours (Omega = 1 from ln Omega,
 * the peak-temperature isotherm, structure outlines from rfl_shape_distance = 0, probes that
 * do not lie in the plane) come from marching squares on the same pixel raster, with linear
 * interpolation along pixel edges (sub-pixel positions), saddles resolved by the cell mean,
 * and segments chained into polylines so dashes run on. Probes whose axis lies in the plane
 * are drawn exactly (rectangle and hemispherical end). The colour map is a piecewise-linear
 * table through eleven points of the inferno map (perceptually ordered, dark = cold).
 *
 * Not done here: choosing when to draw (the caller passes the view it wants, e.g. at the
 * end of RF), several slices per figure, or any layout beyond the fixed one below. */
#include "figures.h"

#include "atomic_file.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "generator.h"
#include "geometry.h"
#include "grid.h"
#include "provenance.h"
#include "rfl_version.h"
#include "shape.h"

#define MM 1e-3
#define FONT "DejaVu Sans"

/* ---- colours ----------------------------------------------------------------------------- */

typedef struct {
  double r, g, b;
} rgb;

/* inferno at 0, 0.1, ..., 1 */
static const rgb inferno[11] = {
    {0.001, 0.000, 0.014}, {0.087, 0.045, 0.225}, {0.258, 0.039, 0.406}, {0.416, 0.090, 0.433},
    {0.578, 0.148, 0.404}, {0.736, 0.216, 0.330}, {0.865, 0.317, 0.226}, {0.955, 0.469, 0.100},
    {0.988, 0.645, 0.040}, {0.964, 0.844, 0.273}, {0.988, 0.998, 0.645}};

static rgb colormap(double x) {
  if (!(x > 0.0)) return inferno[0];
  if (x >= 1.0) return inferno[10];
  double f = 10.0 * x;
  int i = (int)f;
  double w = f - i;
  rgb a = inferno[i], b = inferno[i + 1];
  return (rgb){a.r + w * (b.r - a.r), a.g + w * (b.g - a.g), a.b + w * (b.b - a.b)};
}

static const rgb c_protected = {0.95, 0.15, 0.15};
static const rgb c_clear = {0.30, 0.62, 1.0};
static const rgb c_target = {0.20, 0.85, 0.35};
static const rgb c_not_covered = {1.0, 0.62, 0.10};
static const rgb c_threshold = {1.0, 0.45, 0.75};
static const rgb c_region = {0.80, 0.80, 0.80};
static const rgb c_omega = {1.0, 1.0, 1.0};
static const rgb c_iso = {0.45, 0.85, 1.0};
static const rgb c_active = {0.85, 0.86, 0.88};
static const rgb c_active_line = {0.10, 0.10, 0.10};
static const rgb c_shaft = {0.23, 0.33, 0.50};
static const rgb c_shaft_line = {0.62, 0.78, 1.0};
static const rgb c_outside = {0.85, 0.85, 0.85};

static void set_rgb(cairo_t *cr, rgb c) { cairo_set_source_rgb(cr, c.r, c.g, c.b); }

/* ---- output: temporary file, cairo surface, rename --------------------------------------- */

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

static rfl_status figure_format(const char *path, fig_format *fmt) {
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
static rfl_status figure_open(figure *f, const char *path, double width, double height, double scale) {
  memset(f, 0, sizeof *f);
  f->path = path;
  RFL_CHECK(figure_format(path, &f->format));
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
static rfl_status figure_close(figure *f, rfl_status st) {
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
static double text(cairo_t *cr, double x, double y, const char *s, double size, int bold, double ax, double ay) {
  cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
  cairo_text_extents_t e;
  cairo_text_extents(cr, s, &e);
  cairo_move_to(cr, x - ax * e.x_advance, y + ay * 0.73 * size);
  cairo_show_text(cr, s);
  return e.x_advance;
}

static double text_width(cairo_t *cr, const char *s, double size, int bold) {
  cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
  cairo_text_extents_t e;
  cairo_text_extents(cr, s, &e);
  return e.x_advance;
}

/* Text at most width wide: its font shrinks from size as far as it must. */
static void text_fit(cairo_t *cr, double x, double y, const char *s, double size, int bold, double width) {
  double w = text_width(cr, s, size, bold);
  text(cr, x, y, s, w > width ? size * width / w : size, bold, 0.0, 0.0);
}

/* A figure's title (the case as run: rfl_case_display_title) and subtitle, each fitted to
 * width. A title too long for one line at a readable size keeps the case's name, and its
 * settings open the subtitle instead. */
static void title_block(cairo_t *cr, double x, double width, const rfl_case *c, const char *subtitle) {
  char title[RFL_CASE_TITLE_MAX], settings[RFL_CASE_TITLE_MAX], sub[2 * RFL_CASE_TITLE_MAX];
  rfl_case_display_title(c, title, sizeof title);
  snprintf(sub, sizeof sub, "%s", subtitle);
  if (text_width(cr, title, 21, 1) > width * 21.0 / 16.0 && c->title[0] && strcmp(c->title, "untitled") != 0) {
    rfl_case_settings_text(c, settings, sizeof settings);
    snprintf(title, sizeof title, "%s", c->title);
    snprintf(sub, sizeof sub, "%s  \u00b7  %s", settings, subtitle);
  }
  cairo_set_source_rgb(cr, 0, 0, 0);
  text_fit(cr, x, 34, title, 21, 1, width);
  cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
  text_fit(cr, x, 62, sub, 15, 0, width);
}

/* Height the footer adds to a figure, layout units. */
static double footer_height(const char *footer) { return footer && footer[0] ? 24.0 : 0.0; }

/* The footer line, small and grey, at the bottom left of a figure of the given size. */
static void draw_footer(cairo_t *cr, double width, double height, const char *footer) {
  if (!footer || !footer[0]) return;
  cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
  text_fit(cr, 12, height - 9, footer, 11, 0, width - 24);
}

static rfl_status check_scale(const char *what, double scale) {
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

static void rounded_rect(cairo_t *cr, double x, double y, double w, double h, double r) {
  cairo_new_sub_path(cr);
  cairo_arc(cr, x + w - r, y + r, r, -0.5 * RFL_PI, 0);
  cairo_arc(cr, x + w - r, y + h - r, r, 0, 0.5 * RFL_PI);
  cairo_arc(cr, x + r, y + h - r, r, 0.5 * RFL_PI, RFL_PI);
  cairo_arc(cr, x + r, y + r, r, RFL_PI, 1.5 * RFL_PI);
  cairo_close_path(cr);
}

/* A "nice" tick step (1, 2 or 5 x 10^k) giving about `target` intervals over range. */
static double nice_step(double range, double target) {
  if (!(range > 0.0)) return 1.0;
  double raw = range / target, mag = pow(10.0, floor(log10(raw))), f = raw / mag;
  return (f < 1.5 ? 1.0 : f < 3.0 ? 2.0 : f < 7.0 ? 5.0 : 10.0) * mag;
}

static void tick_label(char *buf, size_t len, double v, double step) {
  int dec = step >= 1.0 ? 0 : (int)ceil(-log10(step) - 1e-9);
  if (fabs(v) < 1e-9 * step) v = 0.0;
  snprintf(buf, len, "%.*f", dec, v);
}

static const char *role_name(rfl_structure_role r) {
  return r == RFL_ROLE_PROTECTED ? "protected" : r == RFL_ROLE_TARGET ? "target" : "region";
}

/* How a structure is drawn: by its role while the run is not finished, by its verdict once
 * it is (a protected structure flagged or clear, a target covered or not). */
typedef enum { LOOK_PROTECTED, LOOK_FLAGGED, LOOK_CLEAR, LOOK_TARGET, LOOK_COVERED, LOOK_NOT_COVERED, LOOK_REGION, NLOOKS } look;

static const struct {
  const char *word;   /* after the role in the label, or NULL */
  const char *legend;
} look_text[NLOOKS] = {{NULL, "protected structure"}, {"flagged", "protected, safety flag"},
                       {"clear", "protected, clear"},   {NULL, "target structure"},
                       {"covered", "target, covered"},  {"not covered", "target, not covered"},
                       {NULL, "other region"}};

static look structure_look(const rfl_summary *sum, int k, const rfl_structure *st) {
  int finished = sum && sum->final.t > 0.0 && k < sum->nstructures;
  const rfl_structure_report *r = finished ? &sum->structures[k] : NULL;
  if (st->role == RFL_ROLE_PROTECTED)
    return !r ? LOOK_PROTECTED : r->flag_overlap || r->flag_within_margin || r->flag_threshold ? LOOK_FLAGGED : LOOK_CLEAR;
  if (st->role == RFL_ROLE_TARGET) return !r ? LOOK_TARGET : r->covered ? LOOK_COVERED : LOOK_NOT_COVERED;
  return LOOK_REGION;
}

static rgb look_colour(look l) {
  switch (l) {
    case LOOK_PROTECTED: case LOOK_FLAGGED: return c_protected;
    case LOOK_CLEAR: return c_clear;
    case LOOK_TARGET: case LOOK_COVERED: return c_target;
    case LOOK_NOT_COVERED: return c_not_covered;
    default: return c_region;
  }
}

/* The label text's colour: a darker shade of the outline's. */
static rgb look_text_colour(look l) {
  switch (l) {
    case LOOK_PROTECTED: case LOOK_FLAGGED: return (rgb){0.70, 0.05, 0.05};
    case LOOK_CLEAR: return (rgb){0.05, 0.30, 0.70};
    case LOOK_TARGET: case LOOK_COVERED: return (rgb){0.05, 0.45, 0.15};
    case LOOK_NOT_COVERED: return (rgb){0.62, 0.33, 0.0};
    default: return (rgb){0.25, 0.25, 0.25};
  }
}

/* ---- marching squares -------------------------------------------------------------------- */

typedef struct {
  double x, y;
} pt2;

typedef struct {
  size_t edge[2];
  pt2 p[2];
} ms_segment;

/* Polylines in raster node coordinates (x = column, y = row). */
typedef struct {
  pt2 *pts;
  size_t npts;
  size_t *start; /* chain c is pts[start[c] .. start[c + 1]) */
  int *closed;
  size_t nchains;
} contour_set;

static void contour_free(contour_set *c) {
  free(c->pts);
  free(c->start);
  free(c->closed);
  memset(c, 0, sizeof *c);
}

typedef struct {
  size_t edge;
  size_t end; /* segment * 2 + which end */
} ms_end;

static int cmp_end(const void *a, const void *b) {
  const ms_end *x = a, *y = b;
  if (x->edge != y->edge) return x->edge < y->edge ? -1 : 1;
  return x->end < y->end ? -1 : x->end > y->end;
}

/* The level-0 contour of v (w x h nodes, NAN = no value: cells touching one are skipped),
 * inside = v >= 0. */
static rfl_status contour_build(const double *v, int w, int h, contour_set *out) {
  memset(out, 0, sizeof *out);
  ms_segment *seg = NULL;
  size_t nseg = 0, cap = 0;
  const size_t nh = (size_t)h * (size_t)(w - 1); /* horizontal edges come first */
  for (int j = 0; j + 1 < h; ++j)
    for (int i = 0; i + 1 < w; ++i) {
      const double c[4] = {v[(size_t)j * w + i], v[(size_t)j * w + i + 1], v[(size_t)(j + 1) * w + i + 1],
                           v[(size_t)(j + 1) * w + i]};
      if (isnan(c[0]) || isnan(c[1]) || isnan(c[2]) || isnan(c[3])) continue;
      int in[4], code = 0;
      for (int k = 0; k < 4; ++k) {
        in[k] = c[k] >= 0.0;
        code |= in[k] << k;
      }
      if (code == 0 || code == 15) continue;
      /* corners 0 (i,j), 1 (i+1,j), 2 (i+1,j+1), 3 (i,j+1); edge k joins corners k, k+1 */
      const pt2 corner[4] = {{i, j}, {i + 1, j}, {i + 1, j + 1}, {i, j + 1}};
      const size_t edge_id[4] = {(size_t)j * (w - 1) + i, nh + (size_t)j * w + i + 1,
                                 (size_t)(j + 1) * (w - 1) + i, nh + (size_t)j * w + i};
      int pairs[2][2], npairs = 0;
      if (code == 5 || code == 10) {
        int centre_in = 0.25 * (c[0] + c[1] + c[2] + c[3]) >= 0.0;
        /* cut off the two corners that are not connected through the centre */
        int first = (code == 5) == centre_in ? 1 : 0; /* corners first and first + 2 */
        pairs[0][0] = (first + 3) % 4, pairs[0][1] = first;
        pairs[1][0] = (first + 1) % 4, pairs[1][1] = (first + 2) % 4;
        npairs = 2;
      } else {
        int e[2], ne = 0;
        for (int k = 0; k < 4; ++k)
          if (in[k] != in[(k + 1) % 4]) e[ne++] = k;
        pairs[0][0] = e[0], pairs[0][1] = e[1];
        npairs = 1;
      }
      for (int q = 0; q < npairs; ++q) {
        if (nseg == cap) {
          cap = cap ? 2 * cap : 256;
          ms_segment *grown = realloc(seg, cap * sizeof *seg);
          if (!grown) {
            free(seg);
            return RFL_ERROR(RFL_ENOMEM, "out of memory for a contour");
          }
          seg = grown;
        }
        ms_segment *s = &seg[nseg++];
        for (int m = 0; m < 2; ++m) {
          int k = pairs[q][m], k1 = (k + 1) % 4;
          double t = c[k] / (c[k] - c[k1]);
          s->edge[m] = edge_id[k];
          s->p[m].x = corner[k].x + t * (corner[k1].x - corner[k].x);
          s->p[m].y = corner[k].y + t * (corner[k1].y - corner[k].y);
        }
      }
    }
  if (nseg == 0) {
    free(seg);
    return RFL_OK;
  }
  /* link segment ends that share a pixel edge (at most two per edge) */
  ms_end *ends = malloc(2 * nseg * sizeof *ends);
  size_t *partner = malloc(2 * nseg * sizeof *partner);
  unsigned char *used = calloc(nseg, 1);
  out->pts = malloc((nseg + 2 * nseg) * sizeof *out->pts);
  out->start = malloc((nseg + 1) * sizeof *out->start);
  out->closed = malloc(nseg * sizeof *out->closed);
  if (!ends || !partner || !used || !out->pts || !out->start || !out->closed) {
    free(seg), free(ends), free(partner), free(used);
    contour_free(out);
    return RFL_ERROR(RFL_ENOMEM, "out of memory for a contour (%zu segments)", nseg);
  }
  const size_t none = (size_t)-1;
  for (size_t s = 0; s < nseg; ++s)
    for (int m = 0; m < 2; ++m) {
      ends[2 * s + m].edge = seg[s].edge[m];
      ends[2 * s + m].end = 2 * s + m;
      partner[2 * s + m] = none;
    }
  qsort(ends, 2 * nseg, sizeof *ends, cmp_end);
  for (size_t k = 0; k + 1 < 2 * nseg; ++k)
    if (ends[k].edge == ends[k + 1].edge) {
      partner[ends[k].end] = ends[k + 1].end;
      partner[ends[k + 1].end] = ends[k].end;
      ++k;
    }
  /* open chains first (start at a free end), then closed loops */
  for (int pass = 0; pass < 2; ++pass)
    for (size_t s0 = 0; s0 < nseg; ++s0) {
      if (used[s0]) continue;
      int m0 = 0;
      if (pass == 0) {
        if (partner[2 * s0] == none)
          m0 = 0;
        else if (partner[2 * s0 + 1] == none)
          m0 = 1;
        else
          continue;
      }
      out->start[out->nchains] = out->npts;
      out->closed[out->nchains] = pass == 1;
      out->nchains++;
      size_t s = s0;
      int m = m0;
      out->pts[out->npts++] = seg[s].p[m];
      for (;;) {
        used[s] = 1;
        out->pts[out->npts++] = seg[s].p[1 - m];
        size_t next = partner[2 * s + (size_t)(1 - m)];
        if (next == none || used[next / 2]) break;
        s = next / 2;
        m = (int)(next % 2);
      }
    }
  out->start[out->nchains] = out->npts;
  free(seg), free(ends), free(partner), free(used);
  return RFL_OK;
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

/* ---- the slice plane --------------------------------------------------------------------- */

/* Layout of the slice figure, in layout units. */
enum { SL_W = 1080, SL_H = 830, SL_PX = 78, SL_PY = 92, SL_P = 680 };

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

static rfl_vec3 unit(rfl_vec3 v) { return rfl_vec3_scale(v, 1.0 / rfl_vec3_norm(v)); }

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
      best_dir = unit(perp);
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
  return unit(rfl_vec3_sub(e, rfl_vec3_scale(d, rfl_vec3_dot(e, d))));
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
  info->axial = snap(unit(rfl_vec3_cross(d, e1)));
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
  RFL_CHECK(check_scale("slice figure", o->scale));
  if (o->structure < -1 || o->structure >= c->nstructures)
    return RFL_ERROR(RFL_EINPUT, "slice figure: structure: expected -1..%d, found %d", c->nstructures - 1, o->structure);
  const rfl_probe *p = &c->probes[0];
  double dn = rfl_vec3_norm(p->direction);
  if (!(dn > 0.0) || !isfinite(dn))
    return RFL_ERROR(RFL_EINPUT, "slice figure: probe '%s' has no direction", p->name);
  rfl_vec3 d = snap(unit(p->direction));
  rfl_vec3 e1;
  info->plane_structure = -1;
  info->across_s = 0.0;
  double s = o->scale;
  info->width = (int)lround(SL_W * s);
  info->height = (int)lround((SL_H + footer_height(o->footer)) * s);
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
    e1 = unit(perp);
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

/* ---- the slice figure -------------------------------------------------------------------- */

typedef struct {
  const rfl_field_view *view;
  const rfl_case *kase;
  rfl_figure_slice_info info; /* in device pixels */
  int n;                      /* raster nodes per side */
  double hw;                  /* half-width, m */
  double unit_px;             /* layout units per raster node */
  double ppm;                 /* layout units per metre */
  rfl_vec3 normal;            /* plane normal */
} slice_ctx;

static rfl_vec3 node_point(const slice_ctx *s, int i, int j) {
  double h = 2.0 * s->hw / s->n;
  double u = s->info.u_min + (i + 0.5) * h, v = s->info.v_max - (j + 0.5) * h;
  return rfl_vec3_add(s->info.origin, rfl_vec3_add(rfl_vec3_scale(s->info.lateral, u), rfl_vec3_scale(s->info.axial, v)));
}

/* Raster node coordinates -> layout units. */
static void node_to_layout(const slice_ctx *s, pt2 q, double *x, double *y) {
  *x = SL_PX + (q.x + 0.5) * s->unit_px;
  *y = SL_PY + (q.y + 0.5) * s->unit_px;
}

/* Plane coordinates (m) -> layout units. */
static void plane_to_layout(const slice_ctx *s, double u, double v, double *x, double *y) {
  *x = SL_PX + (u - s->info.u_min) * s->ppm;
  *y = SL_PY + (s->info.v_max - v) * s->ppm;
}

static void contour_path(cairo_t *cr, const slice_ctx *s, const contour_set *cs) {
  for (size_t c = 0; c < cs->nchains; ++c) {
    for (size_t k = cs->start[c]; k < cs->start[c + 1]; ++k) {
      double x, y;
      node_to_layout(s, cs->pts[k], &x, &y);
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
  set_rgb(cr, colour);
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
  rfl_vec3 d = unit(p->direction), r = rfl_vec3_sub(x, p->tip);
  double s = rfl_vec3_dot(r, d), rho = rfl_vec3_norm(rfl_vec3_sub(r, rfl_vec3_scale(d, s)));
  double a = p->radius, L = p->tip_length;
  if (part == 2) return cyl_sdf(s, rho, a, L, p->shaft_length > 0 ? L + p->shaft_length : INFINITY);
  if (p->tip_shape != RFL_TIP_ROUND || L < a) return cyl_sdf(s, rho, a, 0.0, L);
  return fmin(hypot(s - a, rho) - a, cyl_sdf(s, rho, a, a, L));
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
  rfl_vec3 d = unit(p->direction), r = rfl_vec3_sub(p->tip, s->info.origin);
  double tx, ty;
  plane_to_layout(s, rfl_vec3_dot(r, s->info.lateral), rfl_vec3_dot(r, s->info.axial), &tx, &ty);
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
    set_rgb(cr, part == 1 ? c_active : c_shaft);
    cairo_fill_preserve(cr);
    set_rgb(cr, part == 1 ? c_active_line : c_shaft_line);
    cairo_set_line_width(cr, 1.6);
    cairo_stroke(cr);
  }
}

typedef struct {
  double x, y, w, h;
} box;

static int boxes_overlap(box a, box b, double pad) {
  return a.x < b.x + b.w + pad && b.x < a.x + a.w + pad && a.y < b.y + b.h + pad && b.y < a.y + a.h + pad;
}

/* Labels structure k's outline. Candidates: boxes 12 or 40 units from points of the
 * outline, in eight directions; the best keeps inside the plot, clear of other labels, of
 * the electrodes, of outlines (outlines[0 .. nstructures + 1]: the structures, then the
 * lesion contours), and as far as possible from the plot centre (the lesion). */
static void label_structure(cairo_t *cr, const slice_ctx *s, const contour_set *outlines, int nstructures, int k,
                            const rfl_structure *st, look lk, box *placed, int *nplaced) {
  const contour_set *cs = &outlines[k];
  if (cs->npts == 0) return;
  char label[RFL_NAME_MAX + 32];
  if (st->role == RFL_ROLE_NONE)
    snprintf(label, sizeof label, "%s", st->name);
  else if (look_text[lk].word) /* the verdict; the colour and the legend give the role */
    snprintf(label, sizeof label, "%s (%s)", st->name, look_text[lk].word);
  else
    snprintf(label, sizeof label, "%s (%s)", st->name, role_name(st->role));
  const double fs = 14.0, bw = text_width(cr, label, fs, 1) + 16.0, bh = 24.0;
  const double cx = SL_PX + 0.5 * SL_P, cy = SL_PY + 0.5 * SL_P;
  double best = -INFINITY;
  box bb = {0, 0, 0, 0};
  double ax = 0, ay = 0;
  size_t stride = cs->npts / 60 + 1;
  for (size_t q = 0; q < cs->npts; q += stride) {
    double x, y;
    node_to_layout(s, cs->pts[q], &x, &y);
    if (x < SL_PX || y < SL_PY || x > SL_PX + SL_P || y > SL_PY + SL_P) continue;
    for (int cand = 0; cand < 16; ++cand) {
      double ang = (cand % 8) * 0.25 * RFL_PI, ux = cos(ang), uy = sin(ang), gap = cand < 8 ? 12.0 : 40.0;
      /* box centre so that the box edge is `gap` from the anchor along (ux, uy) */
      double ext = fmin(fabs(ux) > 1e-9 ? 0.5 * bw / fabs(ux) : INFINITY, fabs(uy) > 1e-9 ? 0.5 * bh / fabs(uy) : INFINITY);
      double bx = x + ux * (gap + ext), by = y + uy * (gap + ext);
      box b = {bx - 0.5 * bw, by - 0.5 * bh, bw, bh};
      double score = hypot(bx - cx, by - cy) - (gap > 12.0 ? 30.0 : 0.0);
      if (b.x < SL_PX + 6 || b.y < SL_PY + 6 || b.x + b.w > SL_PX + SL_P - 6 || b.y + b.h > SL_PY + SL_P - 6)
        score -= 1e5;
      for (int m = 0; m < *nplaced; ++m)
        if (boxes_overlap(b, placed[m], 4.0)) score -= 1e5;
      for (int m = 0; m < nstructures + 2; ++m) { /* structures, then the lesion contours */
        const contour_set *o = &outlines[m];
        size_t ostride = o->npts / 400 + 1;
        for (size_t r = 0; r < o->npts; r += ostride) {
          double ox, oy;
          node_to_layout(s, o->pts[r], &ox, &oy);
          if (ox > b.x - 3 && ox < b.x + b.w + 3 && oy > b.y - 3 && oy < b.y + b.h + 3) score -= m < nstructures ? 40.0 : 15.0;
        }
      }
      for (int pi = 0; pi < s->kase->nprobes; ++pi) { /* keep off the electrodes */
        const rfl_probe *p = &s->kase->probes[pi];
        rfl_vec3 d = unit(p->direction);
        double pad = p->radius * s->ppm + 3.0;
        for (double t = 0.0; t < 4.0 * s->hw; t += 0.25 * MM) {
          rfl_vec3 r = rfl_vec3_sub(rfl_vec3_add(p->tip, rfl_vec3_scale(d, t)), s->info.origin);
          double ox, oy;
          plane_to_layout(s, rfl_vec3_dot(r, s->info.lateral), rfl_vec3_dot(r, s->info.axial), &ox, &oy);
          if (ox > b.x - pad && ox < b.x + b.w + pad && oy > b.y - pad && oy < b.y + b.h + pad) score -= 40.0;
        }
      }
      if (score > best) best = score, bb = b, ax = x, ay = y;
    }
  }
  if (best == -INFINITY) return;
  rgb col = look_colour(lk);
  cairo_save(cr);
  double bx = fmin(fmax(ax, bb.x), bb.x + bb.w), by = fmin(fmax(ay, bb.y), bb.y + bb.h);
  cairo_move_to(cr, ax, ay);
  cairo_line_to(cr, bx, by);
  set_rgb(cr, col);
  cairo_set_line_width(cr, 1.5);
  cairo_stroke(cr);
  cairo_arc(cr, ax, ay, 2.5, 0, 2 * RFL_PI);
  cairo_fill(cr);
  rounded_rect(cr, bb.x, bb.y, bb.w, bb.h, 5.0);
  cairo_set_source_rgba(cr, 1, 1, 1, 0.92);
  cairo_fill_preserve(cr);
  set_rgb(cr, col);
  cairo_set_line_width(cr, 1.5);
  cairo_stroke(cr);
  set_rgb(cr, look_text_colour(lk));
  text(cr, bb.x + 8.0, bb.y + 0.5 * bb.h, label, fs, 1, 0.0, 0.5);
  cairo_restore(cr);
  if (*nplaced < RFL_MAX_STRUCTURES + 4) placed[(*nplaced)++] = bb;
}

static void draw_colour_bar(cairo_t *cr, double x, double y, double w, double h, double tmin, double tmax,
                            const char *title, double iso_C) {
  cairo_pattern_t *pat = cairo_pattern_create_linear(0, y + h, 0, y);
  for (int k = 0; k <= 10; ++k) cairo_pattern_add_color_stop_rgb(pat, k / 10.0, inferno[k].r, inferno[k].g, inferno[k].b);
  cairo_rectangle(cr, x, y, w, h);
  cairo_set_source(cr, pat);
  cairo_fill(cr);
  cairo_pattern_destroy(pat);
  cairo_rectangle(cr, x, y, w, h);
  cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
  cairo_set_line_width(cr, 1.0);
  cairo_stroke(cr);
  double step = nice_step(tmax - tmin, 6.0);
  char buf[32];
  for (double t = ceil(tmin / step - 1e-9) * step; t <= tmax + 1e-9 * step; t += step) {
    double ty = y + h - (t - tmin) / (tmax - tmin) * h;
    cairo_move_to(cr, x + w, ty);
    cairo_line_to(cr, x + w + 5, ty);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_stroke(cr);
    tick_label(buf, sizeof buf, t, step);
    text(cr, x + w + 8, ty, buf, 13, 0, 0.0, 0.5);
  }
  if (iso_C > tmin && iso_C < tmax) {
    double ty = y + h - (iso_C - tmin) / (tmax - tmin) * h;
    const double dash[] = {4.0, 3.0};
    cairo_save(cr);
    cairo_set_dash(cr, dash, 2, 0);
    cairo_move_to(cr, x, ty);
    cairo_line_to(cr, x + w, ty);
    set_rgb(cr, c_iso);
    cairo_set_line_width(cr, 2.0);
    cairo_stroke(cr);
    cairo_restore(cr);
  }
  cairo_set_source_rgb(cr, 0, 0, 0);
  text(cr, x, y - 12, title, 14, 1, 0.0, 0.0);
}

/* Legend swatch: a short line or a filled bar on a dark square, then the text. */
/* dashed: 0 solid, 1 dashed, 2 dotted */
static double legend_line(cairo_t *cr, double x, double y, rgb colour, int dashed, const char *label) {
  rounded_rect(cr, x, y - 9, 34, 18, 3);
  set_rgb(cr, inferno[2]);
  cairo_fill(cr);
  cairo_save(cr);
  const double dash[] = {5.0, 3.0}, dot[] = {0.1, 5.0};
  if (dashed == 1) cairo_set_dash(cr, dash, 2, 0);
  if (dashed == 2) {
    cairo_set_dash(cr, dot, 2, 0);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  }
  cairo_move_to(cr, x + 4, y);
  cairo_line_to(cr, x + 30, y);
  set_rgb(cr, colour);
  cairo_set_line_width(cr, 2.5);
  cairo_stroke(cr);
  cairo_restore(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
  text(cr, x + 44, y, label, 13, 0, 0.0, 0.5);
  return 23.0;
}

static double legend_fill(cairo_t *cr, double x, double y, rgb fill, rgb line, const char *label) {
  rounded_rect(cr, x, y - 9, 34, 18, 3);
  set_rgb(cr, inferno[2]);
  cairo_fill(cr);
  cairo_rectangle(cr, x + 3, y - 4, 28, 8);
  set_rgb(cr, fill);
  cairo_fill_preserve(cr);
  set_rgb(cr, line);
  cairo_set_line_width(cr, 1.5);
  cairo_stroke(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
  text(cr, x + 44, y, label, 13, 0, 0.0, 0.5);
  return 23.0;
}

static void generator_text(const rfl_case *c, char *buf, size_t len) {
  const rfl_generator *g = &c->generator;
  rfl_generator_describe(g, c->physics.initial_C, RFL_GENERATOR_TEXT_LEGEND, buf, len);
}

/* The summary's lesion snapshot taken at time t (end of RF, final, growth), or NULL. */
static const rfl_lesion_snapshot *snapshot_at(const rfl_summary *sum, double t) {
  if (!sum || !(t > 0.0)) return NULL;
  const double eps = 1e-6;
  if (fabs(sum->end_of_rf.t - t) <= eps) return &sum->end_of_rf;
  if (fabs(sum->final.t - t) <= eps) return &sum->final;
  for (int k = 0; k < sum->ngrowth && k < RFL_MAX_OUTPUT_TIMES; ++k)
    if (fabs(sum->growth[k].t - t) <= eps) return &sum->growth[k];
  return NULL;
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
    RFL_CHECK(contour_build(b->work, s->n, s->n, &cs));
    if (cs.nchains) {
      const double dot[] = {0.1, 5.0};
      stroke_contour(cr, s, &cs, c_threshold, 2.4, 1.4, dot, 2);
      thr[(*nthr)++] = t;
    }
    contour_free(&cs);
  }
  return RFL_OK;
}

/* "+x" for a grid axis, else "" */
static void axis_words(rfl_vec3 e, char *buf, size_t size) {
  int a = fabs(e.x) == 1.0 ? 0 : fabs(e.y) == 1.0 ? 1 : fabs(e.z) == 1.0 ? 2 : -1;
  if (a >= 0)
    snprintf(buf, size, ", along %c%c", rfl_vec3_get(e, a) > 0 ? '+' : '-', "xyz"[a]);
  else
    buf[0] = '\0';
}

static rfl_status draw_slice(cairo_t *cr, slice_ctx *s, const rfl_summary *summary, const rfl_figure_slice_options *o,
                             slice_buffers *b) {
  const rfl_field_view *view = s->view;
  const rfl_case *c = s->kase;
  const rfl_grid *g = view->grid;
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
      b->outside[q] = !inside_domain(g, p);
      if (!b->outside[q]) sample(view, shown, p, val);
      b->field[q] = val[0];
      b->lnomega[q] = val[1];
      b->tpeak[q] = val[2];
      if (isfinite(val[0])) tlo = fmin(tlo, val[0]), thi = fmax(thi, val[0]);
    }

  /* colour range */
  double t0 = isfinite(o->t_min_C) ? o->t_min_C : fmin(c->physics.initial_C, isfinite(tlo) ? tlo : 37.0);
  double t1 = o->t_max_C;
  if (!isfinite(t1)) {
    double hi = isfinite(thi) ? thi : t0 + 10.0;
    t1 = ceil(hi / 5.0 - 1e-9) * 5.0;
  }
  if (!(t1 > t0)) t1 = t0 + 1.0;
  if (!isfinite(o->t_min_C)) t0 = floor(t0 + 1e-9);

  /* the field raster */
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

  /* overlays, clipped to the plot */
  cairo_save(cr);
  cairo_rectangle(cr, SL_PX, SL_PY, SL_P, SL_P);
  cairo_clip(cr);
  /* outlines[0 .. nstructures-1]: structures; then the isotherm and Omega contours (kept
   * for label placement) */
  contour_set outlines[RFL_MAX_STRUCTURES + 2], cs;
  memset(outlines, 0, sizeof outlines);
  const int ns = c->nstructures, iso_k = ns, omega_k = ns + 1;
  rfl_status st = RFL_OK;
  int have_look[NLOOKS] = {0};
  look looks[RFL_MAX_STRUCTURES];
  for (int k = 0; k < ns; ++k) looks[k] = structure_look(summary, k, &c->structures[k]);
  if (view->peak_temperature) {
    for (size_t q = 0; q < nn; ++q) b->work[q] = b->tpeak[q] - c->damage.isotherm_C;
    st = contour_build(b->work, n, n, &outlines[iso_k]);
    const double dash[] = {7.0, 5.0};
    if (st == RFL_OK) stroke_contour(cr, s, &outlines[iso_k], c_iso, 2.2, 1.6, dash, 2);
  }
  if (view->omega && st == RFL_OK) {
    st = contour_build(b->lnomega, n, n, &outlines[omega_k]);
    if (st == RFL_OK) stroke_contour(cr, s, &outlines[omega_k], c_omega, 2.6, 1.6, NULL, 0);
  }
  double thresholds[RFL_MAX_STRUCTURES];
  int nthr = 0;
  if (view->peak_temperature && st == RFL_OK) st = threshold_contours(cr, s, b, thresholds, &nthr);
  /* structures (inside the domain): outlines first, labels after everything else */
  for (int k = 0; k < ns && st == RFL_OK; ++k) {
    const rfl_structure *sk = &c->structures[k];
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < n; ++i) {
        size_t q = (size_t)j * n + i;
        b->work[q] = b->outside[q] ? NAN : rfl_shape_distance(&sk->shape, node_point(s, i, j));
      }
    st = contour_build(b->work, n, n, &outlines[k]);
    if (st != RFL_OK) break;
    if (outlines[k].nchains) have_look[looks[k]] = 1;
    const double dash[] = {3.0, 3.0};
    stroke_contour(cr, s, &outlines[k], look_colour(looks[k]), sk->role == RFL_ROLE_NONE ? 1.5 : 2.6, 2.0,
                   sk->role == RFL_ROLE_NONE ? dash : NULL, sk->role == RFL_ROLE_NONE ? 2 : 0);
  }
  /* probes */
  for (int pi = 0; pi < c->nprobes && st == RFL_OK; ++pi) {
    const rfl_probe *p = &c->probes[pi];
    rfl_vec3 d = unit(p->direction);
    double off = fabs(rfl_vec3_dot(rfl_vec3_sub(p->tip, s->info.origin), s->normal));
    if (fabs(rfl_vec3_dot(d, s->normal)) < 1e-9 && off < 1e-9) {
      draw_probe_in_plane(cr, s, p);
      continue;
    }
    for (int part = 2; part >= 1 && st == RFL_OK; --part) {
      for (int j = 0; j < n; ++j)
        for (int i = 0; i < n; ++i) {
          size_t q = (size_t)j * n + i;
          b->work[q] = b->outside[q] ? NAN : -probe_part_sdf(p, node_point(s, i, j), part);
        }
      if ((st = contour_build(b->work, n, n, &cs)) != RFL_OK) break;
      contour_path(cr, s, &cs);
      set_rgb(cr, part == 1 ? c_active : c_shaft);
      cairo_fill_preserve(cr);
      set_rgb(cr, part == 1 ? c_active_line : c_shaft_line);
      cairo_set_line_width(cr, 1.6);
      cairo_stroke(cr);
      contour_free(&cs);
    }
  }
  cairo_restore(cr);
  if (st == RFL_OK) {
    /* scale bar, bottom left inside the plot */
    double bar_mm = 2.0 * s->hw / MM > 30 ? 10.0 : 2.0 * s->hw / MM > 12 ? 5.0 : 2.0 * s->hw / MM > 5 ? 2.0 : 1.0;
    double bx = SL_PX + 18, by = SL_PY + SL_P - 22, bl = bar_mm * MM * s->ppm;
    char buf[RFL_CASE_TITLE_MAX];
    cairo_rectangle(cr, bx - 8, by - 26, bl + 16, 38);
    cairo_set_source_rgba(cr, 0, 0, 0, 0.45);
    cairo_fill(cr);
    cairo_rectangle(cr, bx, by, bl, 5);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill(cr);
    snprintf(buf, sizeof buf, "%g mm", bar_mm);
    text(cr, bx + 0.5 * bl, by - 7, buf, 14, 1, 0.5, 0.0);

    /* structure labels */
    box placed[RFL_MAX_STRUCTURES + 4];
    int nplaced = 0;
    placed[nplaced++] = (box){bx - 8, by - 26, bl + 16, 38};
    cairo_save(cr);
    cairo_rectangle(cr, SL_PX, SL_PY, SL_P, SL_P);
    cairo_clip(cr);
    for (int pass = 0; pass < 2; ++pass) /* nerves first, then other regions */
      for (int k = 0; k < c->nstructures; ++k)
        if ((c->structures[k].role == RFL_ROLE_NONE) == pass)
          label_structure(cr, s, outlines, ns, k, &c->structures[k], looks[k], placed, &nplaced);
    cairo_restore(cr);

    /* frame and axes (mm from the tip) */
    cairo_rectangle(cr, SL_PX, SL_PY, SL_P, SL_P);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_set_line_width(cr, 1.2);
    cairo_stroke(cr);
    double step = nice_step(2.0 * s->hw / MM, 5.0);
    double umin = s->info.u_min / MM, umax = umin + 2.0 * s->hw / MM;
    double vmax = s->info.v_max / MM, vmin = vmax - 2.0 * s->hw / MM;
    cairo_set_line_width(cr, 1.0);
    for (double u = ceil(umin / step - 1e-9) * step; u <= umax + 1e-9; u += step) {
      double x, y;
      plane_to_layout(s, u * MM, vmin * MM, &x, &y);
      cairo_move_to(cr, x, y);
      cairo_line_to(cr, x, y + 5);
      cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
      cairo_stroke(cr);
      tick_label(buf, sizeof buf, u, step);
      text(cr, x, y + 20, buf, 13, 0, 0.5, 0.0);
    }
    for (double v = ceil(vmin / step - 1e-9) * step; v <= vmax + 1e-9; v += step) {
      double x, y;
      plane_to_layout(s, umin * MM, v * MM, &x, &y);
      cairo_move_to(cr, x, y);
      cairo_line_to(cr, x - 5, y);
      cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
      cairo_stroke(cr);
      tick_label(buf, sizeof buf, v, step);
      text(cr, x - 8, y, buf, 13, 0, 1.0, 0.5);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    char along[32];
    int across = o->plane == RFL_SLICE_ACROSS;
    axis_words(s->info.lateral, along, sizeof along);
    if (s->info.plane_structure >= 0 && !across)
      snprintf(buf, sizeof buf, "across the probe, towards %s (mm)", c->structures[s->info.plane_structure].name);
    else
      snprintf(buf, sizeof buf, "across the probe%s (mm)", along);
    text(cr, SL_PX + 0.5 * SL_P, SL_PY + SL_P + 44, buf, 14, 0, 0.5, 0.0);
    axis_words(s->info.axial, along, sizeof along);
    if (across)
      snprintf(buf, sizeof buf, "across the probe%s (mm)", along);
    else
      snprintf(buf, sizeof buf, "along the probe from its tip (mm)");
    cairo_save(cr);
    cairo_translate(cr, SL_PX - 46, SL_PY + 0.5 * SL_P);
    cairo_rotate(cr, -0.5 * RFL_PI);
    text(cr, 0, 0, buf, 14, 0, 0.5, 0.0);
    cairo_restore(cr);

    /* title */
    char gen[96];
    generator_text(c, gen, sizeof gen);
    int end_of_rf = fabs(view->t - c->generator.duration_s) <= 1e-6;
    char plane[RFL_NAME_MAX + 64] = "";
    if (across && s->info.plane_structure >= 0)
      snprintf(plane, sizeof plane, "  \u00b7  cross-section %.1f mm from the tip, through %s", s->info.across_s / MM,
               c->structures[s->info.plane_structure].name);
    else if (across)
      snprintf(plane, sizeof plane, "  \u00b7  cross-section %.1f mm from the tip", s->info.across_s / MM);
    if (o->field == RFL_FIGURE_PEAK)
      snprintf(buf, sizeof buf, "Peak temperature up to t = %.1f s  \u00b7  %s%s", view->t, gen, plane);
    else
      snprintf(buf, sizeof buf, "Temperature %s t = %.1f s  \u00b7  %s%s", end_of_rf ? "at the end of RF," : "at",
               view->t, gen, plane);
    title_block(cr, SL_PX, SL_W - SL_PX - 30, c, buf);

    /* colour bar */
    const double cbx = SL_PX + SL_P + 34, cby = SL_PY + 28, cbh = 250;
    draw_colour_bar(cr, cbx, cby, 24, cbh, t0, t1, o->field == RFL_FIGURE_PEAK ? "T peak (\u00b0C)" : "T (\u00b0C)",
                    c->damage.isotherm_C);

    /* legend */
    double lx = cbx, ly = cby + cbh + 40;
    cairo_set_source_rgb(cr, 0, 0, 0);
    text(cr, lx, ly, "Legend", 14, 1, 0.0, 0.0);
    ly += 22;
    if (outlines[omega_k].nchains) ly += legend_line(cr, lx, ly, c_omega, 0, "\u03a9 = 1 (lesion edge)");
    if (outlines[iso_k].nchains) {
      snprintf(buf, sizeof buf, "T peak = %.0f \u00b0C", c->damage.isotherm_C);
      ly += legend_line(cr, lx, ly, c_iso, 1, buf);
    }
    for (int q = 0; q < nthr; ++q) {
      snprintf(buf, sizeof buf, "T peak = %g \u00b0C (nerve limit)", thresholds[q]);
      ly += legend_line(cr, lx, ly, c_threshold, 2, buf);
    }
    ly += legend_fill(cr, lx, ly, c_active, c_active_line, "active tip");
    ly += legend_fill(cr, lx, ly, c_shaft, c_shaft_line, "insulated shaft");
    for (int l = 0; l < NLOOKS; ++l)
      if (have_look[l]) ly += legend_line(cr, lx, ly, look_colour((look)l), l == LOOK_REGION, look_text[l].legend);
    for (int k = 0; k < ns; ++k) /* nerves the plane misses */
      if (c->structures[k].role != RFL_ROLE_NONE && outlines[k].nchains == 0) {
        snprintf(buf, sizeof buf, "%s: not in this plane", c->structures[k].name);
        cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
        text(cr, lx, ly, buf, 12, 0, 0.0, 0.5);
        ly += 19;
      }
    const rfl_lesion_snapshot *snap = snapshot_at(summary, view->t);
    if (snap && snap->lesion.found) {
      const rfl_lesion_metrics *l = &snap->lesion;
      ly += 14;
      cairo_set_source_rgb(cr, 0, 0, 0);
      snprintf(buf, sizeof buf, "Lesion (\u03a9 \u2265 1), t = %.0f s", snap->t);
      text(cr, lx, ly, buf, 13, 1, 0.0, 0.5);
      ly += 20;
      snprintf(buf, sizeof buf, "width %.1f mm, length %.1f mm", l->width / MM, l->length / MM);
      text(cr, lx, ly, buf, 13, 0, 0.0, 0.5);
      ly += 20;
      snprintf(buf, sizeof buf, "distal %.1f mm, volume %.0f mm\u00b3", l->distal / MM, l->volume / (MM * MM * MM));
      text(cr, lx, ly, buf, 13, 0, 0.0, 0.5);
      ly += 20;
    }
    /* structure figures once the run is finished (the final snapshot is set last) */
    if (summary && summary->final.t > 0.0) {
      int listed = 0;
      for (int k = 0; k < summary->nstructures && listed < 3; ++k) {
        const rfl_structure_report *r = &summary->structures[k];
        if (!r->structure || r->structure->role == RFL_ROLE_NONE) continue;
        if (listed++ == 0) ly += 6;
        set_rgb(cr, look_text_colour(looks[k]));
        text(cr, lx, ly, r->structure->name, 13, 1, 0.0, 0.5);
        ly += 19;
        int target = r->structure->role == RFL_ROLE_TARGET;
        if (target && r->covered)
          snprintf(buf, sizeof buf, "covered, peak %.1f \u00b0C", r->peak_C);
        else if (r->margin < 0.0)
          snprintf(buf, sizeof buf, target ? "not covered, %.1f mm in, peak %.1f \u00b0C" : "overlap %.1f mm, peak %.1f \u00b0C",
                   -r->margin / MM, r->peak_C);
        else
          snprintf(buf, sizeof buf, "%s %.1f mm, peak %.1f \u00b0C", target ? "not covered, gap" : "gap", r->margin / MM,
                   r->peak_C);
        cairo_set_source_rgb(cr, 0, 0, 0);
        text(cr, lx, ly, buf, 13, 0, 0.0, 0.5);
        ly += 19;
        if (!target && !isnan(r->threshold_crossed_s)) {
          snprintf(buf, sizeof buf, "reached %.0f \u00b0C at %.1f s", r->structure->threshold_C, r->threshold_crossed_s);
          set_rgb(cr, (rgb){0.70, 0.05, 0.05});
          text(cr, lx, ly, buf, 13, 0, 0.0, 0.5);
          ly += 19;
        }
        ly += 3;
      }
    }
  }
  for (int k = 0; k < ns + 2; ++k) contour_free(&outlines[k]);
  return st;
}

rfl_status rfl_figure_slice(const char *path, const rfl_field_view *view, const rfl_summary *summary,
                            const rfl_figure_slice_options *options) {
  rfl_figure_slice_options defaults;
  rfl_figure_slice_defaults(&defaults);
  const rfl_figure_slice_options *o = options ? options : &defaults;
  if (!path) return RFL_ERROR(RFL_EINPUT, "slice figure: no file name");
  fig_format fmt;
  RFL_CHECK(figure_format(path, &fmt));
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
  const double height = SL_H + footer_height(o->footer);
  RFL_CHECK(figure_open(&f, path, SL_W, height, scale));
  slice_buffers b;
  memset(&b, 0, sizeof b);
  rfl_status st = draw_slice(f.cr, &s, summary, o, &b);
  if (st == RFL_OK) draw_footer(f.cr, SL_W, height, o->footer);
  slice_buffers_free(&b);
  return figure_close(&f, st);
}

/* ---- time series ------------------------------------------------------------------------- */

enum { TS_W = 1000, TS_LEFT = 88, TS_RIGHT = 250, TS_TOP = 84, TS_PANEL = 150, TS_GAP = 22, TS_BOTTOM = 64 };

typedef struct {
  double x, y, w, h;     /* layout units */
  double t0, t1, y0, y1; /* data ranges */
} panel;

static double px_t(const panel *p, double t) { return p->x + (t - p->t0) / (p->t1 - p->t0) * p->w; }
static double px_y(const panel *p, double y) { return p->y + p->h - (y - p->y0) / (p->y1 - p->y0) * p->h; }

/* Range of finite values in a strided series, grown by more. */
static void range_of(const double *v, size_t n, size_t stride, double *lo, double *hi) {
  for (size_t i = 0; i < n; ++i) {
    double x = v[i * stride];
    if (isfinite(x)) *lo = fmin(*lo, x), *hi = fmax(*hi, x);
  }
}

/* Round a data range outwards to ticks, with 5 % head room. */
static void nice_range(double *lo, double *hi) {
  if (!isfinite(*lo) || !isfinite(*hi)) *lo = 0.0, *hi = 1.0;
  if (*hi - *lo < 1e-9 * fmax(1.0, fabs(*hi))) *lo -= 1.0, *hi += 1.0;
  double pad = 0.05 * (*hi - *lo);
  double step = nice_step(*hi - *lo + 2 * pad, 4.0);
  *lo = floor((*lo - pad) / step) * step;
  *hi = ceil((*hi + pad) / step) * step;
}

static void panel_frame(cairo_t *cr, const panel *p, const char *ylabel, int time_labels, double cool_from) {
  if (cool_from < p->t1) {
    double x = px_t(p, fmax(cool_from, p->t0));
    cairo_rectangle(cr, x, p->y, p->x + p->w - x, p->h);
    cairo_set_source_rgb(cr, 0.93, 0.93, 0.95);
    cairo_fill(cr);
  }
  char buf[32];
  cairo_set_line_width(cr, 1.0);
  double ys = nice_step(p->y1 - p->y0, 4.0);
  for (double y = ceil(p->y0 / ys - 1e-9) * ys; y <= p->y1 + 1e-9 * ys; y += ys) {
    double py = px_y(p, y);
    cairo_move_to(cr, p->x, py);
    cairo_line_to(cr, p->x + p->w, py);
    cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
    cairo_stroke(cr);
    cairo_move_to(cr, p->x - 5, py);
    cairo_line_to(cr, p->x, py);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_stroke(cr);
    tick_label(buf, sizeof buf, y, ys);
    text(cr, p->x - 8, py, buf, 13, 0, 1.0, 0.5);
  }
  double ts = nice_step(p->t1 - p->t0, 8.0);
  for (double t = ceil(p->t0 / ts - 1e-9) * ts; t <= p->t1 + 1e-9 * ts; t += ts) {
    double px = px_t(p, t);
    cairo_move_to(cr, px, p->y);
    cairo_line_to(cr, px, p->y + p->h);
    cairo_set_source_rgb(cr, 0.90, 0.90, 0.90);
    cairo_stroke(cr);
    cairo_move_to(cr, px, p->y + p->h);
    cairo_line_to(cr, px, p->y + p->h + 5);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_stroke(cr);
    if (time_labels) {
      tick_label(buf, sizeof buf, t, ts);
      text(cr, px, p->y + p->h + 20, buf, 13, 0, 0.5, 0.0);
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
  text(cr, 0, 0, ylabel, 14, 0, 0.5, 0.0);
  cairo_restore(cr);
}

/* A polyline through (t[i], y[i * stride]); non-finite values break it. */
static void panel_series(cairo_t *cr, const panel *p, const double *t, const double *y, size_t n, size_t stride,
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
    double x = px_t(p, t[i]), yy = px_y(p, v);
    if (pen)
      cairo_line_to(cr, x, yy);
    else
      cairo_move_to(cr, x, yy);
    pen = 1;
  }
  const double dash[] = {7.0, 4.0};
  cairo_set_dash(cr, dash, dashed ? 2 : 0, 0);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  set_rgb(cr, colour);
  cairo_set_line_width(cr, width);
  cairo_stroke(cr);
  cairo_restore(cr);
}

static double ts_legend(cairo_t *cr, double x, double y, rgb colour, int dashed, const char *label) {
  cairo_save(cr);
  const double dash[] = {5.0, 3.0};
  cairo_set_dash(cr, dash, dashed ? 2 : 0, 0);
  cairo_move_to(cr, x, y);
  cairo_line_to(cr, x + 28, y);
  set_rgb(cr, colour);
  cairo_set_line_width(cr, 2.5);
  cairo_stroke(cr);
  cairo_restore(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
  text(cr, x + 36, y, label, 13, 0, 0.0, 0.5);
  return 20.0;
}

static const rgb c_tc = {0.12, 0.47, 0.71}, c_set = {0.35, 0.35, 0.35}, c_tissue = {1.0, 0.50, 0.05},
                 c_power = {0.58, 0.40, 0.74}, c_volt = {0.09, 0.75, 0.81}, c_imp = {0.55, 0.34, 0.29};
static const rgb c_prot_series[4] = {{0.84, 0.15, 0.16}, {0.89, 0.47, 0.76}, {0.74, 0.25, 0.05}, {0.55, 0.10, 0.35}};

rfl_status rfl_figure_timeseries(const char *path, const rfl_sample *samples, size_t n, const rfl_summary *summary,
                                 const rfl_case *kase, const rfl_figure_style *style) {
  if (!path) return RFL_ERROR(RFL_EINPUT, "time-series figure: no file name");
  const rfl_figure_style plain = {1.0, NULL};
  if (!style) style = &plain;
  fig_format fmt;
  RFL_CHECK(figure_format(path, &fmt));
  RFL_CHECK(check_scale(path, style->scale));
  if (!samples || n == 0) return RFL_ERROR(RFL_EINPUT, "%s: time-series figure: no samples", path);
  if (!kase) return RFL_ERROR(RFL_EINPUT, "%s: time-series figure: no case", path);
  int shown[RFL_MAX_STRUCTURES], nshown = 0;
  size_t hsteps = 0;
  if (summary && summary->history_peak_C && summary->nstructures > 0) {
    hsteps = summary->history_steps < n ? summary->history_steps : n;
    for (int k = 0; k < summary->nstructures; ++k)
      if (summary->structures[k].structure && summary->structures[k].structure->role != RFL_ROLE_NONE)
        shown[nshown++] = k;
  }
  if (hsteps == 0) nshown = 0;
  int npanels = nshown ? 5 : 4;

  /* series with a t = 0 point for the temperatures */
  size_t m = n + 1;
  double *buf = malloc(4 * m * sizeof *buf);
  if (!buf) return RFL_ERROR(RFL_ENOMEM, "%s: out of memory for %zu samples", path, n);
  double *t = buf, *y = buf + m, *y2 = buf + 2 * m, *y3 = buf + 3 * m;
  t[0] = 0.0;
  for (size_t i = 0; i < n; ++i) t[i + 1] = samples[i].t;
  double t_end = fmax(t[n], 1e-9);
  double cool_from = kase->generator.cooldown_s > 0 ? kase->generator.duration_s : INFINITY;

  figure f;
  double height = TS_TOP + npanels * TS_PANEL + (npanels - 1) * TS_GAP + TS_BOTTOM + footer_height(style->footer);
  rfl_status st = figure_open(&f, path, TS_W, height, style->scale);
  if (st != RFL_OK) {
    free(buf);
    return st;
  }
  cairo_t *cr = f.cr;
  char text_buf[RFL_CASE_TITLE_MAX], gen[96];
  generator_text(kase, gen, sizeof gen);
  snprintf(text_buf, sizeof text_buf, "Generator and temperatures  \u00b7  %s, RF %.0f s%s", gen, kase->generator.duration_s,
           kase->generator.cooldown_s > 0 ? ", then cool-down (shaded)" : "");
  title_block(cr, TS_LEFT, TS_W - TS_LEFT - 30, kase, text_buf);

  int ip = 0;
  double lx = TS_W - TS_RIGHT + 22;
  panel p;
  p.x = TS_LEFT, p.w = TS_W - TS_LEFT - TS_RIGHT, p.h = TS_PANEL, p.t0 = 0.0, p.t1 = t_end;
#define NEXT_PANEL() (p.y = TS_TOP + ip * (TS_PANEL + TS_GAP), ip++)

  /* 1: thermocouple, set point, hottest tissue */
  NEXT_PANEL();
  y[0] = y2[0] = y3[0] = kase->physics.initial_C;
  for (size_t i = 0; i < n; ++i) {
    y[i + 1] = samples[i].thermocouple_C;
    y2[i + 1] = samples[i].rf_on || samples[i].t <= kase->generator.duration_s + 1e-9 ? samples[i].setpoint_C : NAN;
    y3[i + 1] = samples[i].tissue_max_C;
  }
  double lo = INFINITY, hi = -INFINITY;
  range_of(y, m, 1, &lo, &hi);
  range_of(y2, m, 1, &lo, &hi);
  range_of(y3, m, 1, &lo, &hi);
  nice_range(&lo, &hi);
  p.y0 = lo, p.y1 = hi;
  panel_frame(cr, &p, "temperature (\u00b0C)", ip == npanels, cool_from);
  panel_series(cr, &p, t, y3, m, 1, c_tissue, 1.6, 0);
  panel_series(cr, &p, t, y2, m, 1, c_set, 1.8, 1);
  panel_series(cr, &p, t, y, m, 1, c_tc, 2.4, 0);
  double ly = p.y + 12;
  ly += ts_legend(cr, lx, ly, c_tc, 0, "thermocouple");
  ly += ts_legend(cr, lx, ly, c_set, 1, "set point");
  ly += ts_legend(cr, lx, ly, c_tissue, 0, "hottest tissue");

  /* 2: structures */
  if (nshown) {
    NEXT_PANEL();
    lo = INFINITY, hi = -INFINITY;
    for (int q = 0; q < nshown; ++q) {
      const rfl_structure_report *r = &summary->structures[shown[q]];
      range_of(summary->history_peak_C + shown[q], hsteps, (size_t)summary->nstructures, &lo, &hi);
      lo = fmin(lo, kase->physics.initial_C);
      if (r->structure->role == RFL_ROLE_PROTECTED) hi = fmax(hi, r->structure->threshold_C);
    }
    nice_range(&lo, &hi);
    p.y0 = lo, p.y1 = hi;
    panel_frame(cr, &p, "structure peak (\u00b0C)", ip == npanels, cool_from);
    ly = p.y + 12;
    int nprot = 0;
    for (int q = 0; q < nshown; ++q) {
      const rfl_structure_report *r = &summary->structures[shown[q]];
      const rfl_structure *sk = r->structure;
      int prot = sk->role == RFL_ROLE_PROTECTED;
      rgb col = prot ? c_prot_series[nprot++ % 4] : c_target;
      y[0] = kase->physics.initial_C;
      for (size_t i = 0; i < hsteps; ++i) y[i + 1] = summary->history_peak_C[i * (size_t)summary->nstructures + (size_t)shown[q]];
      panel_series(cr, &p, t, y, hsteps + 1, 1, col, 2.4, 0);
      snprintf(text_buf, sizeof text_buf, "%s (%s)", sk->name, role_name(sk->role));
      ly += ts_legend(cr, lx, ly, col, 0, text_buf);
      if (!prot) continue;
      double thr = sk->threshold_C, tx0 = p.x, tx1 = p.x + p.w, ty = px_y(&p, thr);
      const double dash[] = {6.0, 4.0};
      cairo_save(cr);
      cairo_set_dash(cr, dash, 2, 0);
      cairo_move_to(cr, tx0, ty);
      cairo_line_to(cr, tx1, ty);
      set_rgb(cr, col);
      cairo_set_line_width(cr, 1.5);
      cairo_stroke(cr);
      cairo_restore(cr);
      snprintf(text_buf, sizeof text_buf, "threshold %.0f \u00b0C", thr);
      ly += ts_legend(cr, lx, ly, col, 1, text_buf);
      double tc = r->threshold_crossed_s;
      if (isfinite(tc)) {
        double cx = px_t(&p, tc);
        const double dot[] = {2.0, 3.0};
        cairo_save(cr);
        cairo_set_dash(cr, dot, 2, 0);
        cairo_move_to(cr, cx, p.y);
        cairo_line_to(cr, cx, p.y + p.h);
        set_rgb(cr, col);
        cairo_set_line_width(cr, 1.2);
        cairo_stroke(cr);
        cairo_restore(cr);
        cairo_arc(cr, cx, ty, 5.0, 0, 2 * RFL_PI);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_fill_preserve(cr);
        set_rgb(cr, col);
        cairo_set_line_width(cr, 2.0);
        cairo_stroke(cr);
        snprintf(text_buf, sizeof text_buf, "%.1f s", tc);
        double tw = text_width(cr, text_buf, 13, 1);
        double lxx = cx + 8 + tw < p.x + p.w ? cx + 8 : cx - 8 - tw;
        double lyy = ty - 10 > p.y + 14 ? ty - 10 : ty + 20;
        set_rgb(cr, col);
        text(cr, lxx, lyy, text_buf, 13, 1, 0.0, 0.0);
        snprintf(text_buf, sizeof text_buf, "reached at %.1f s", tc);
      } else {
        snprintf(text_buf, sizeof text_buf, "not reached");
      }
      cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
      text(cr, lx + 36, ly, text_buf, 12, 0, 0.0, 0.5);
      ly += 20;
    }
  }

  /* 3-5: power, voltage, impedance */
  struct {
    const char *label, *legend;
    rgb colour;
    size_t offset;
  } gen_panels[3] = {{"power (W)", "power", c_power, offsetof(rfl_sample, power)},
                     {"voltage (V)", "voltage", c_volt, offsetof(rfl_sample, voltage)},
                     {"impedance (\u03a9)", "impedance", c_imp, offsetof(rfl_sample, impedance)}};
  for (int q = 0; q < 3; ++q) {
    NEXT_PANEL();
    for (size_t i = 0; i < n; ++i) {
      double v;
      memcpy(&v, (const char *)&samples[i] + gen_panels[q].offset, sizeof v);
      y[i + 1] = v;
    }
    y[0] = q == 2 ? NAN : 0.0;
    if (q == 2)
      for (size_t i = 0; i < n; ++i)
        if (!samples[i].rf_on && samples[i].t > kase->generator.duration_s + 1e-9) y[i + 1] = NAN;
    lo = q == 2 ? INFINITY : 0.0, hi = -INFINITY;
    range_of(y, m, 1, &lo, &hi);
    nice_range(&lo, &hi);
    if (q < 2) p.y0 = 0.0, p.y1 = hi;
    else p.y0 = lo, p.y1 = hi;
    panel_frame(cr, &p, gen_panels[q].label, ip == npanels, cool_from);
    panel_series(cr, &p, t, y, m, 1, gen_panels[q].colour, 2.0, 0);
    ts_legend(cr, lx, p.y + 12, gen_panels[q].colour, 0, gen_panels[q].legend);
  }
#undef NEXT_PANEL
  cairo_set_source_rgb(cr, 0, 0, 0);
  text(cr, p.x + 0.5 * p.w, p.y + p.h + 46, "time (s)", 14, 0, 0.5, 0.0);
  draw_footer(cr, TS_W, height, style->footer);
  free(buf);
  return figure_close(&f, RFL_OK);
}

/* ---- sweep figure --------------------------------------------------------------------------- */

typedef struct {
  double x, y;
  size_t group; /* index into the group labels */
} sweep_point;

static int by_group_then_x(const void *a, const void *b) {
  const sweep_point *p = a, *q = b;
  if (p->group != q->group) return p->group < q->group ? -1 : 1;
  return (p->x > q->x) - (p->x < q->x);
}

rfl_status rfl_figure_sweep(const char *path, const rfl_results_table *t, const char *metric, const char *xname,
                            const char *group) {
  if (!path || !t || !metric || !xname) return RFL_ERROR(RFL_EINPUT, "sweep figure: missing file name or columns");
  fig_format fmt;
  RFL_CHECK(figure_format(path, &fmt));
  int cy = rfl_results_table_column(t, metric), cx = rfl_results_table_column(t, xname);
  int cg = group ? rfl_results_table_column(t, group) : -1;
  const char *missing = cy < 0 ? metric : cx < 0 ? xname : group && cg < 0 ? group : NULL;
  if (missing) return RFL_ERROR(RFL_EINPUT, "%s: sweep figure: expected a column of the results table, found '%s'", path, missing);
  int cstatus = rfl_results_table_column(t, "status");
  sweep_point *pts = malloc((t->nrows ? t->nrows : 1) * sizeof *pts);
  char (*labels)[64] = malloc((t->nrows ? t->nrows : 1) * sizeof *labels);
  if (!pts || !labels) {
    free(pts);
    free(labels);
    return RFL_ERROR(RFL_ENOMEM, "%s: out of memory for the sweep figure", path);
  }
  size_t np = 0, ng = 0;
  char nb[64];
  for (size_t r = 0; r < t->nrows; ++r) {
    if (cstatus >= 0 && strcmp(rfl_results_table_text(t, r, cstatus, nb, sizeof nb), "failed") == 0) continue;
    double x = rfl_results_table_number(t, r, cx), y = rfl_results_table_number(t, r, cy);
    if (!isfinite(x) || !isfinite(y)) continue;
    const char *g = cg >= 0 ? rfl_results_table_text(t, r, cg, nb, sizeof nb) : "";
    size_t k = 0;
    while (k < ng && strcmp(labels[k], g) != 0) ++k;
    if (k == ng) snprintf(labels[ng++], sizeof labels[0], "%s", g);
    pts[np++] = (sweep_point){x, y, k};
  }
  qsort(pts, np, sizeof *pts, by_group_then_x);

  /* the plot takes the width the legend leaves (none without groups) */
  enum { W = 1000, H = 640, LEFT = 96, TOP = 84, BOTTOM = 70 };
  char ylabel[160], xlabel[160], glabel[160], yunit[16], xunit[16], gunit[16];
  rfl_results_column_describe(metric, ylabel, sizeof ylabel, yunit, sizeof yunit);
  rfl_results_column_describe(xname, xlabel, sizeof xlabel, xunit, sizeof xunit);
  if (group) rfl_results_column_describe(group, glabel, sizeof glabel, gunit, sizeof gunit);
  figure f;
  rfl_status st = figure_open(&f, path, W, H, 1.0);
  if (st != RFL_OK) {
    free(pts);
    free(labels);
    return st;
  }
  cairo_t *cr = f.cr;
  char gtitle[200] = "";
  double legend_w = 0.0;
  if (group) {
    snprintf(gtitle, sizeof gtitle, gunit[0] ? "%s (%s)" : "%s", glabel, gunit);
    legend_w = text_width(cr, gtitle, 13, 1);
    for (size_t k = 0; k < ng; ++k) legend_w = fmax(legend_w, 36 + text_width(cr, labels[k], 13, 0));
  }
  const double RIGHT = group ? fmin(legend_w + 50, 0.4 * W) : 40;
  panel p = {LEFT, TOP, W - LEFT - RIGHT, H - TOP - BOTTOM, INFINITY, -INFINITY, INFINITY, -INFINITY};
  for (size_t i = 0; i < np; ++i) {
    p.t0 = fmin(p.t0, pts[i].x), p.t1 = fmax(p.t1, pts[i].x);
    p.y0 = fmin(p.y0, pts[i].y), p.y1 = fmax(p.y1, pts[i].y);
  }
  nice_range(&p.t0, &p.t1);
  nice_range(&p.y0, &p.y1);
  char title[600], axis[200];
  cairo_set_source_rgb(cr, 0, 0, 0);
  snprintf(title, sizeof title, "%s against %s", ylabel, xlabel);
  if (title[0] >= 'a' && title[0] <= 'z') title[0] = (char)(title[0] - 'a' + 'A');
  text_fit(cr, LEFT, 34, title, 21, 1, W - LEFT - 30);
  snprintf(title, sizeof title, "%zu of %zu cases%s%s  \u00b7  columns %s, %s%s%s", np, t->nrows,
           group ? ", one curve per " : "", group ? glabel : "", metric, xname, group ? ", " : "", group ? group : "");
  cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
  text_fit(cr, LEFT, 62, title, 15, 0, W - LEFT - 30);
  snprintf(axis, sizeof axis, yunit[0] ? "%s (%s)" : "%s", ylabel, yunit);
  panel_frame(cr, &p, axis, 1, INFINITY);
  static const rgb palette[8] = {{0.12, 0.47, 0.71}, {1.0, 0.50, 0.05}, {0.17, 0.63, 0.17}, {0.84, 0.15, 0.16},
                                 {0.58, 0.40, 0.74}, {0.55, 0.34, 0.29}, {0.89, 0.47, 0.76}, {0.09, 0.75, 0.81}};
  double *xs = malloc((np ? np : 1) * 2 * sizeof *xs);
  if (!xs) {
    free(pts);
    free(labels);
    return figure_close(&f, RFL_ERROR(RFL_ENOMEM, "%s: out of memory for the sweep figure", path));
  }
  double *ys = xs + (np ? np : 1), ly = p.y + 12;
  for (size_t k = 0, i = 0; k < ng; ++k) {
    size_t n = 0;
    for (; i < np && pts[i].group == k; ++i, ++n) xs[n] = pts[i].x, ys[n] = pts[i].y;
    rgb col = palette[k % 8];
    panel_series(cr, &p, xs, ys, n, 1, col, 2.2, k >= 8);
    for (size_t j = 0; j < n; ++j) {
      cairo_arc(cr, px_t(&p, xs[j]), px_y(&p, ys[j]), 4.0, 0, 2 * RFL_PI);
      set_rgb(cr, col);
      cairo_fill(cr);
    }
    if (group) {
      if (k == 0) { /* the group in words, then one line per value */
        cairo_set_source_rgb(cr, 0, 0, 0);
        text(cr, W - RIGHT + 22, ly, gtitle, 13, 1, 0.0, 0.5);
        ly += 22;
      }
      ly += ts_legend(cr, W - RIGHT + 22, ly, col, k >= 8, labels[k]);
    }
  }
  cairo_set_source_rgb(cr, 0, 0, 0);
  snprintf(axis, sizeof axis, xunit[0] ? "%s (%s)" : "%s", xlabel, xunit);
  text(cr, p.x + 0.5 * p.w, p.y + p.h + 46, axis, 14, 0, 0.5, 0.0);
  free(xs);
  free(pts);
  free(labels);
  return figure_close(&f, RFL_OK);
}

/* ---- the figures of a run ----------------------------------------------------------------- */

static const char *const set_ext[] = {"png", "svg", "pdf"};

/* Draws one slice in every format the options ask for. */
static rfl_status set_slice(const char *dir, const rfl_figure_set_options *o, const char *stem,
                            const rfl_field_view *view, const rfl_summary *summary, const rfl_figure_slice_options *so) {
  char path[RFL_PATH_MAX + RFL_NAME_MAX + 32];
  int formats = o->formats ? o->formats : RFL_FIGURE_PNG;
  for (int f = 0; f < 3; ++f)
    if (formats & (1 << f)) {
      snprintf(path, sizeof path, "%s/%s.%s", dir, stem, set_ext[f]);
      RFL_CHECK(rfl_figure_slice(path, view, summary, so));
    }
  return RFL_OK;
}

rfl_status rfl_figure_set_stems(const rfl_case *kase, int per_structure,
                                rfl_status (*fn)(const char *stem, void *ctx), void *ctx) {
  static const char *const stems[] = {"slice_end_of_rf", "slice_across", "slice_peak", "timeseries"};
  for (size_t i = 0; i < sizeof stems / sizeof stems[0]; ++i) RFL_CHECK(fn(stems[i], ctx));
  char stem[RFL_NAME_MAX + 32];
  for (int k = 0; per_structure && kase && k < kase->nstructures; ++k)
    if (kase->structures[k].role == RFL_ROLE_PROTECTED) {
      snprintf(stem, sizeof stem, "slice_towards_%s", kase->structures[k].name);
      RFL_CHECK(fn(stem, ctx));
    }
  return RFL_OK;
}

rfl_status rfl_figure_set_write(const char *dir, const rfl_figure_run *run, const rfl_figure_set_options *o) {
  if (!dir || !run || !run->kase || !o) return RFL_ERROR(RFL_EINPUT, "figures: missing directory, run or options");
  rfl_figure_slice_options so;
  rfl_figure_slice_defaults(&so);
  if (o->half_width > 0.0) so.half_width = o->half_width;
  so.t_min_C = o->t_min_C;
  so.t_max_C = o->t_max_C;
  so.scale = o->style.scale > 0.0 ? o->style.scale : 1.0;
  so.footer = o->style.footer;
  const rfl_summary *sum = run->summary;
  if (run->end_of_rf) {
    RFL_CHECK(set_slice(dir, o, "slice_end_of_rf", run->end_of_rf, sum, &so));
    rfl_figure_slice_options across = so;
    across.plane = RFL_SLICE_ACROSS;
    RFL_CHECK(set_slice(dir, o, "slice_across", run->end_of_rf, sum, &across));
    char stem[RFL_NAME_MAX + 32];
    for (int k = 0; o->per_structure && k < run->kase->nstructures; ++k)
      if (run->kase->structures[k].role == RFL_ROLE_PROTECTED) {
        rfl_figure_slice_options towards = so;
        towards.structure = k;
        snprintf(stem, sizeof stem, "slice_towards_%s", run->kase->structures[k].name);
        RFL_CHECK(set_slice(dir, o, stem, run->end_of_rf, sum, &towards));
      }
  }
  if (run->final) {
    rfl_figure_slice_options peak = so;
    peak.field = RFL_FIGURE_PEAK;
    RFL_CHECK(set_slice(dir, o, "slice_peak", run->final, sum, &peak));
  }
  if (run->samples && run->nsamples > 0) {
    char path[RFL_PATH_MAX + 32];
    int formats = o->formats ? o->formats : RFL_FIGURE_PNG;
    rfl_figure_style style = {so.scale, o->style.footer};
    for (int f = 0; f < 3; ++f)
      if (formats & (1 << f)) {
        snprintf(path, sizeof path, "%s/timeseries.%s", dir, set_ext[f]);
        RFL_CHECK(rfl_figure_timeseries(path, run->samples, run->nsamples, sum, run->kase, &style));
      }
  }
  return RFL_OK;
}
