// SPDX-License-Identifier: BSD-3-Clause
/* A finished run's HDF5 result file read back (layout: docs/output-format.md): the resolved
 * case, the grid and its labels, the time series, the summary tables as an rfl_summary, the
 * provenance attributes and the saved field snapshots, so that the report and the figures
 * are made from the file without running the case again (`rflesion report` and
 * `rflesion figures` both read it here). Serial HDF5 C API only.
 *
 * The case comes back from the `ini` text under /case (a case with a voxel file needs that
 * file where the run found it). The grid comes from the stored face coordinates and the
 * geometry from the stored labels, so they are the run's own, not rebuilt.
 *
 * Errors: RFL_EINPUT naming the file ("expected an rflesion result file ...") for a file
 * that is missing, not HDF5, not written by rflesion, of another format version, or without
 * the groups of a finished run; RFL_ENOMEM. HDF5's own error printing is off while these
 * functions run. */
#ifndef RFL_RESULT_READER_H
#define RFL_RESULT_READER_H

#include <stddef.h>

#include "case.h"
#include "geometry.h"
#include "grid.h"
#include "simulation.h"
#include "status.h"
#include "summary.h"

/* The root attributes that say what produced the file. */
typedef struct {
  char version[96];   /* rflesion_version */
  char commit[64];
  char build_type[32];
  char hdf5[32];      /* hdf5_version */
  char case_hash[32];
  int mpi, openmp;    /* built_with_mpi, built_with_openmp (-1: not recorded) */
  int format_version;
} rfl_result_provenance;

/* Discretisation error bars of the figures, when the file records them: the rows of the
 * table /summary/errors (end_of_rf.lesion.width, structure.NAME.margin, ...; docs/
 * output-format.md). NaN: not recorded, as with error_estimate = no (then the report shows
 * no error bar). */
typedef struct {
  double width_mm, length_mm, distal_mm, volume_mm3;
} rfl_result_lesion_error;

typedef struct {
  double margin_mm, isotherm_margin_mm, peak_C;
} rfl_result_structure_error;

/* Field snapshots a run writes at most: its output times, the end of RF and the end. */
#define RFL_RESULT_MAX_SNAPSHOTS (RFL_MAX_OUTPUT_TIMES + 2)

typedef struct {
  double t;       /* s */
  char name[32];  /* group under /fields */
} rfl_result_snapshot;

typedef struct {
  char path[RFL_PATH_MAX];
  rfl_result_provenance provenance;
  rfl_case kase;                 /* read back from /case ini */
  rfl_grid *grid;                /* from /grid x_mm, y_mm, z_mm */
  rfl_geometry geometry;         /* labels from /grid material, part, probe (no cut data) */
  rfl_sample *samples;           /* /series */
  size_t nsamples;
  rfl_summary summary;           /* /summary (structure reports point into kase) */
  rfl_result_lesion_error lesion_error, isotherm_error;       /* end of RF */
  rfl_result_structure_error structure_error[RFL_MAX_STRUCTURES];
  rfl_result_snapshot snapshots[RFL_RESULT_MAX_SNAPSHOTS];
  int nsnapshots;
  /* private */
  long long file_id;
  double *history;               /* /summary/structure_peak_C */
  double *field[5];              /* buffers of rfl_result_view */
} rfl_result;

/* Opens and reads everything but the fields. *out is NULL on failure. */
rfl_status rfl_result_open(const char *path, rfl_result **out);
void rfl_result_close(rfl_result *r);

/* 1 if path names an HDF5 file of any kind, 0 otherwise (no file, another format): for a
 * command's own check before rfl_result_open. */
int rfl_result_is_hdf5(const char *path);

/* The snapshot nearest to time t within 1 ms, or -1. */
int rfl_result_snapshot_at(const rfl_result *r, double t);

/* Reads snapshot i into the result's buffers and sets view (valid until the next call). */
rfl_status rfl_result_view(rfl_result *r, int i, rfl_field_view *view);

/* Seconds that structure k's hottest point spent at or above temperature threshold_C over
 * the run, from /summary/structure_peak_C (linear between steps, from the initial
 * temperature at t = 0); NaN when the file has no such history. */
double rfl_result_time_over(const rfl_result *r, int k, double threshold_C);

#endif
