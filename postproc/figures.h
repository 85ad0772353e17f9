// SPDX-License-Identifier: BSD-3-Clause
/* Figures of a run, drawn with cairo: temperature slices through and across the probe axis
 * and the generator and temperature time series. The format follows the file's extension
 * (.png, .svg or .pdf, any case); files are written to a temporary name next to the target
 * and renamed into place, so a reader never sees a half-written figure.
 *
 * Layout units: PNG pixels at scale 1 (96 dpi); SVG and PDF take them as points.
 *
 * A slice along the probe (RFL_SLICE_ALONG, the default) contains the active probe's axis
 * and, to fix its rotation about that axis, the lateral direction e1 chosen as (first that
 * applies):
 *   1. options->lateral (its component normal to the axis);
 *   2. towards options->structure when it is set, else the protected structure nearest to
 *      the active tip (the component, normal to the axis, of minus the gradient of the
 *      structure's distance at the point of the active tip closest to it), so the plane
 *      cuts through the structure's nearest part;
 *   3. the grid axis least aligned with the probe.
 * A cross-section (RFL_SLICE_ACROSS) is normal to the probe axis, at the point of the active
 * tip closest to options->structure (the first target when it is -1; the middle of the
 * active tip without one), with u along the grid axis least aligned with the probe and v =
 * axis x u (a probe along +z shows +x to the right and +y up).
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

typedef enum {
  RFL_SLICE_ALONG = 0,      /* a plane through the probe axis */
  RFL_SLICE_ACROSS = 1      /* a cross-section normal to the probe axis */
} rfl_figure_plane;

/* What every figure shares: resolution and a footer line. */
typedef struct {
  double scale;             /* PNG pixels per layout unit (1 = 96 dpi; 0.25..8); SVG and PDF
                               ignore it */
  const char *footer;       /* one line of small grey text at the bottom (the provenance:
                               rfl_figure_provenance_footer), or NULL for none */
} rfl_figure_style;

typedef struct {
  rfl_figure_field field;   /* field shown in colour */
  rfl_figure_plane plane;   /* along (default) or across the probe */
  int structure;            /* along: the structure the plane turns towards; across: the one
                               it cuts through; -1 = automatic (see above) */
  double half_width;        /* crop half-size, m: u in [-hw, hw], v in [vc - hw, vc + hw]
                               with vc the middle of the active tip (default 12 mm) */
  double t_min_C, t_max_C;  /* colour range, C; NAN = automatic (initial temperature to
                               the hottest shown value rounded up) */
  rfl_vec3 lateral;         /* direction shown left to right (projected normal to the
                               probe axis); zero = automatic (see above) */
  double scale;             /* PNG pixels per layout unit (1: 1080 x 830 px; 2 for
                               high-resolution slides); SVG and PDF ignore it (units are pt) */
  const char *footer;       /* as rfl_figure_style.footer (the image grows by 24 units) */
} rfl_figure_slice_options;

/* Where things land in the slice image, for tests and tools. */
typedef struct {
  int width, height;         /* image size, px (PNG; SVG: the same numbers in pt / scale) */
  double plot_x, plot_y;     /* top-left corner of the field plot, px */
  double plot_size;          /* side of the (square) field plot, px */
  rfl_vec3 origin;           /* world point at u = v = 0: the active probe's distal tip
                                (along), its axis point in the plane (across), m */
  rfl_vec3 lateral, axial;   /* unit vectors of u (image right) and v (image up): v is the
                                probe direction along it, axis x u across it */
  double u_min, v_max;       /* plane coordinates of the plot's top-left corner, m */
  double px_per_m;           /* image pixels per metre in the plot */
  int plane_structure;       /* structure that fixed the plane, or -1 */
  double across_s;           /* across: distance of the plane from the distal tip along the
                                probe, m (0 along) */
} rfl_figure_slice_info;

/* Defaults: temperature, along the probe, 12 mm half-width, automatic colour range and
 * plane, scale 1, no footer. */
void rfl_figure_slice_defaults(rfl_figure_slice_options *o);

/* The plane and layout the slice of this view would use (no drawing). Errors: RFL_EINPUT
 * for a case without probes, a zero probe direction or a lateral option parallel to the
 * probe axis, a non-positive half-width or scale, a structure index out of range. */
rfl_status rfl_figure_slice_plan(const rfl_field_view *view, const rfl_figure_slice_options *options,
                                 rfl_figure_slice_info *info);

/* Image position (px, from the top-left corner) of the world point p projected on the
 * slice plane. */
void rfl_figure_slice_pixel(const rfl_figure_slice_info *info, rfl_vec3 p, double *x, double *y);

/* A slice: the field in colour with a colour bar in C, the Omega = 1 contour (solid white),
 * the peak-temperature isotherm at damage.isotherm_C (dashed), a dotted peak-temperature
 * contour at each protected structure's threshold (45 C by default), the electrode (active
 * tip and insulated shaft), each structure's cross-section labelled with its name and role,
 * a scale bar, a title (case title, time, set point, plane) and a legend. Without a finished
 * run, protected structures are red, targets green, others grey; once the run is finished
 * (rfl_monitor_finish sets summary->final) a protected structure that raised a safety flag
 * is red and labelled "flagged", one clear of them blue and "clear", a target green
 * ("covered") or orange ("not covered"), and the legend gives each nerve's gap to the
 * lesion and its peak temperature. With a summary (may be NULL) the legend also gives the
 * lesion's size from the snapshot taken at the view's time (end of RF, an output time, or
 * the final one). Nerves the plane misses are listed as such. options may be NULL
 * (defaults).
 * Errors: RFL_EINPUT (unknown extension, see rfl_figure_slice_plan, missing fields),
 * RFL_ENOMEM, RFL_EIO (the file cannot be created, written or renamed; the message names
 * the path and the system's reason). */
rfl_status rfl_figure_slice(const char *path, const rfl_field_view *view, const rfl_summary *summary,
                            const rfl_figure_slice_options *options);

/* Time series in stacked panels sharing the time axis: thermocouple, set point and hottest
 * tissue; the peak temperature of every protected (and target) structure from
 * summary->history_peak_C, with each protected structure's threshold dashed and the time
 * it was first reached marked; power; voltage; impedance. The cool-down is shaded.
 * summary may be NULL (no structure panel), style too (scale 1, no footer). Errors:
 * RFL_EINPUT for no samples, an unknown extension or a scale outside 0.25..8, RFL_ENOMEM,
 * RFL_EIO as above. */
rfl_status rfl_figure_timeseries(const char *path, const rfl_sample *samples, size_t n,
                                 const rfl_summary *summary, const rfl_case *kase, const rfl_figure_style *style);

/* A sweep figure: the results-table column `metric` against the column `x`, one curve (in x
 * order, with a dot per case) for each value of the column `group` (NULL: one curve). The
 * title and axis labels name the columns in words with their units
 * (rfl_results_column_describe). Failed cases and non-finite values are left out. Errors:
 * RFL_EINPUT for a column the table lacks or an unknown extension, RFL_ENOMEM, RFL_EIO as
 * above. */
rfl_status rfl_figure_sweep(const char *path, const rfl_results_table *t, const char *metric, const char *x,
                            const char *group);

/* The provenance footer of a figure: "rflesion VERSION, commit ABCDEF123456, case HASH"
 * (the version and commit of this build, postproc/provenance.c; case_hash as the outputs
 * state it, or NULL to leave it out). */
void rfl_figure_provenance_footer(const char *case_hash, char *buf, size_t size);

/* ---- the figures of a run, as `run --figures` and `figures` write them ---------------------- */

/* Bits of rfl_figure_set_options.formats. */
enum { RFL_FIGURE_PNG = 1, RFL_FIGURE_SVG = 2, RFL_FIGURE_PDF = 4 };

typedef struct {
  const rfl_case *kase;
  const rfl_field_view *end_of_rf; /* fields at the end of RF (may be NULL: not drawn) */
  const rfl_field_view *final;     /* fields at the end of the run (peak temperature slice) */
  const rfl_sample *samples;       /* the time series (may be NULL with nsamples 0) */
  size_t nsamples;
  const rfl_summary *summary;      /* the finished run's summary (may be NULL) */
} rfl_figure_run;

typedef struct {
  int formats;              /* RFL_FIGURE_* bits; 0 = PNG */
  rfl_figure_style style;   /* resolution and footer */
  double half_width;        /* slice crop half-size, m (0: the default 12 mm) */
  double t_min_C, t_max_C;  /* slice colour range, C (NAN: automatic) */
  int per_structure;        /* also a slice along the probe towards each protected
                               structure (slice_towards_NAME) */
} rfl_figure_set_options;

/* Writes into the existing directory dir, in each format: slice_end_of_rf (along the probe,
 * towards the nearest protected structure), slice_across (across the probe through the
 * first target), slice_peak (peak temperature, final), timeseries, and with per_structure
 * slice_towards_NAME for each protected structure. Figures whose fields are missing are
 * left out. Errors as the figures' own. */
rfl_status rfl_figure_set_write(const char *dir, const rfl_figure_run *run, const rfl_figure_set_options *o);

/* The file stems rfl_figure_set_write may write for this case (for checks before a run):
 * calls fn(stem, ctx) for each; stops at the first status that is not RFL_OK. */
rfl_status rfl_figure_set_stems(const rfl_case *kase, int per_structure,
                                rfl_status (*fn)(const char *stem, void *ctx), void *ctx);

#endif
