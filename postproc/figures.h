// SPDX-License-Identifier: BSD-3-Clause
/* Figures of a run, drawn with cairo: a temperature slice through the probe axis and the
 * generator and temperature time series. The format follows the file's extension (.png or
 * .svg, any case); files are written to a temporary name next to the target and renamed
 * into place, so a reader never sees a half-written figure.
 *
 * The slice plane contains the active probe's axis and, to fix its rotation about that
 * axis, the lateral direction e1 chosen as (first that applies):
 *   1. options->lateral (its component normal to the axis);
 *   2. towards the protected structure nearest to the active tip (the component, normal to
 *      the axis, of minus the gradient of the structure's distance at the point of the
 *      active tip closest to it), so the plane cuts through the structure's nearest part;
 *   3. the grid axis least aligned with the probe.
 * A direction within 1e-9 of a grid axis is snapped onto it, so an axis-aligned probe gives
 * an exact grid plane. The image shows plane coordinates (u, v): u along e1 (left to right),
 * v along the probe direction from the distal tip (upwards, towards the shaft). Fields are
 * resampled on a pixel raster by trilinear interpolation between the true (possibly graded)
 * cell centres; ln Omega and the peak temperature for the contours use tissue cells only
 * (electrode cells carry no damage). */
#ifndef RFL_FIGURES_H
#define RFL_FIGURES_H

#include <stddef.h>

#include "case.h"
#include "results_table.h"
#include "simulation.h"
#include "status.h"
#include "summary.h"
#include "vec3.h"

typedef enum {
  RFL_FIGURE_TEMPERATURE = 0, /* the view's temperature (end of RF when taken then) */
  RFL_FIGURE_PEAK = 1         /* the view's peak temperature up to its time */
} rfl_figure_field;

typedef struct {
  rfl_figure_field field;   /* field shown in colour */
  double half_width;        /* crop half-size, m: u in [-hw, hw], v in [vc - hw, vc + hw]
                               with vc the middle of the active tip (default 12 mm) */
  double t_min_C, t_max_C;  /* colour range, C; NAN = automatic (initial temperature to
                               the hottest shown value rounded up) */
  rfl_vec3 lateral;         /* direction shown left to right (projected normal to the
                               probe axis); zero = automatic (see above) */
  double scale;             /* PNG pixels per layout unit (1: 1080 x 830 px; 2 for
                               high-resolution slides); SVG ignores it (units are pt) */
} rfl_figure_slice_options;

/* Where things land in the slice image, for tests and tools. */
typedef struct {
  int width, height;         /* image size, px (PNG; SVG: the same numbers in pt / scale) */
  double plot_x, plot_y;     /* top-left corner of the field plot, px */
  double plot_size;          /* side of the (square) field plot, px */
  rfl_vec3 origin;           /* world point at u = v = 0: the active probe's distal tip, m */
  rfl_vec3 lateral, axial;   /* unit vectors of u (image right) and v (image up) */
  double u_min, v_max;       /* plane coordinates of the plot's top-left corner, m */
  double px_per_m;           /* image pixels per metre in the plot */
  int plane_structure;       /* structure that fixed the plane, or -1 */
} rfl_figure_slice_info;

/* Defaults: temperature, 12 mm half-width, automatic colour range and plane, scale 1. */
void rfl_figure_slice_defaults(rfl_figure_slice_options *o);

/* The plane and layout the slice of this view would use (no drawing). Errors: RFL_EINPUT
 * for a case without probes, a zero probe direction or a lateral option parallel to the
 * probe axis, a non-positive half-width or scale. */
rfl_status rfl_figure_slice_plan(const rfl_field_view *view, const rfl_figure_slice_options *options,
                                 rfl_figure_slice_info *info);

/* Image position (px, from the top-left corner) of the world point p projected on the
 * slice plane. */
void rfl_figure_slice_pixel(const rfl_figure_slice_info *info, rfl_vec3 p, double *x, double *y);

/* Slice through the probe axis: the field in colour with a colour bar in C, the Omega = 1
 * contour (solid white), the peak-temperature isotherm at damage.isotherm_C (dashed), the
 * electrode (active tip and insulated shaft), each structure's cross-section labelled with
 * its name and role (protected red, target green, others grey), a scale bar, a title
 * (case title, time, set point) and a legend. With a summary (may be NULL) the legend also
 * gives the lesion's size from the snapshot taken at the view's time (end of RF, an output
 * time, or the final one) and, once the run is finished (rfl_monitor_finish sets
 * summary->final), each nerve's gap to the lesion and its peak temperature. Nerves the
 * plane misses are listed as such. options may be NULL (defaults).
 * Errors: RFL_EINPUT (unknown extension, see rfl_figure_slice_plan, missing fields),
 * RFL_ENOMEM, RFL_EIO (the file cannot be created, written or renamed; the message names
 * the path and the system's reason). */
rfl_status rfl_figure_slice(const char *path, const rfl_field_view *view, const rfl_summary *summary,
                            const rfl_figure_slice_options *options);

/* Time series in stacked panels sharing the time axis: thermocouple, set point and hottest
 * tissue; the peak temperature of every protected (and target) structure from
 * summary->history_peak_C, with each protected structure's threshold dashed and the time
 * it was first reached marked; power; voltage; impedance. The cool-down is shaded.
 * summary may be NULL (no structure panel). Errors: RFL_EINPUT for no samples or an
 * unknown extension, RFL_ENOMEM, RFL_EIO as above. */
rfl_status rfl_figure_timeseries(const char *path, const rfl_sample *samples, size_t n,
                                 const rfl_summary *summary, const rfl_case *kase);

/* A sweep figure: the results-table column `metric` against the column `x`, one curve (in x
 * order, with a dot per case) for each value of the column `group` (NULL: one curve).
 * Failed cases and non-finite values are left out. Errors: RFL_EINPUT for a column the
 * table lacks or an unknown extension, RFL_ENOMEM, RFL_EIO as above. */
rfl_status rfl_figure_sweep(const char *path, const rfl_results_table *t, const char *metric, const char *x,
                            const char *group);

#endif
