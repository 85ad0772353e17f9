// SPDX-License-Identifier: BSD-3-Clause
/* The slice figure's private parts, shared by its files: figure_slice_plane.c (where the
 * plane lies), figure_slice.c (the field, the contours, the electrodes) and
 * figure_slice_legend.c (labels, axes, title, colour bar and legend). */
#ifndef RFL_FIGURE_SLICE_H
#define RFL_FIGURE_SLICE_H

#include "figure_canvas.h"
#include "figure_contour.h"

/* Layout of the slice figure, in layout units: size, top-left corner and side of the plot. */
enum { SL_W = 1080, SL_H = 830, SL_PX = 78, SL_PY = 92, SL_P = 680 };

/* inferno at 0, 0.1, ..., 1 */
static const rgb inferno[11] = {
    {0.001, 0.000, 0.014}, {0.087, 0.045, 0.225}, {0.258, 0.039, 0.406}, {0.416, 0.090, 0.433},
    {0.578, 0.148, 0.404}, {0.736, 0.216, 0.330}, {0.865, 0.317, 0.226}, {0.955, 0.469, 0.100},
    {0.988, 0.645, 0.040}, {0.964, 0.844, 0.273}, {0.988, 0.998, 0.645}};

static const rgb c_threshold = {1.0, 0.45, 0.75};
static const rgb c_omega = {1.0, 1.0, 1.0};
static const rgb c_iso = {0.45, 0.85, 1.0};
static const rgb c_active = {0.85, 0.86, 0.88};
static const rgb c_active_line = {0.10, 0.10, 0.10};
static const rgb c_shaft = {0.23, 0.33, 0.50};
static const rgb c_shaft_line = {0.62, 0.78, 1.0};

static inline rfl_vec3 slice_unit(rfl_vec3 v) { return rfl_vec3_scale(v, 1.0 / rfl_vec3_norm(v)); }

/* How a structure is drawn: by its role while the run is not finished, by its verdict once
 * it is (a protected structure flagged or clear, a target covered or not). */
typedef enum { LOOK_PROTECTED, LOOK_FLAGGED, LOOK_CLEAR, LOOK_TARGET, LOOK_COVERED, LOOK_NOT_COVERED, LOOK_REGION, NLOOKS } look;

look rfl_slice_look(const rfl_summary *sum, int k, const rfl_structure *st);
rgb rfl_slice_look_colour(look l);

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

/* What the drawing found, for the labels and the legend. */
typedef struct {
  contour_set outlines[RFL_MAX_STRUCTURES + 2]; /* the structures, then the isotherm and the
                                                   Omega = 1 contours (kept for the labels) */
  look looks[RFL_MAX_STRUCTURES];
  int have_look[NLOOKS];                        /* a structure of this look is in the plane */
  double thresholds[RFL_MAX_STRUCTURES];        /* threshold contours drawn, C */
  int nthr;
  double t0, t1;                                /* colour range, C */
} slice_marks;

/* Raster node coordinates -> layout units. */
void rfl_slice_node_to_layout(const slice_ctx *s, pt2 q, double *x, double *y);

/* Plane coordinates (m) -> layout units. */
void rfl_slice_plane_to_layout(const slice_ctx *s, double u, double v, double *x, double *y);

/* Everything drawn over the field: scale bar, structure labels, frame and axes, title,
 * colour bar and legend. */
void rfl_slice_annotate(cairo_t *cr, const slice_ctx *s, const rfl_summary *summary,
                        const rfl_figure_slice_options *o, const slice_marks *mk);

#endif
