// SPDX-License-Identifier: BSD-3-Clause
/* A finished run read back from its HDF5 results file (docs/output-format.md), in the
 * structures the figures draw from: the resolved case (from /case's `ini`), the grid (built
 * again from the case, checked against /grid), the cell labels (/grid), the fields at the
 * end of RF and at the end of the run (/fields), the time series (/series) and the summary
 * (/summary: lesion snapshots, structure reports, flags, structure peaks per step).
 *
 * The views point into the result: free it after the last figure. */
#ifndef RFL_RESULT_FILE_H
#define RFL_RESULT_FILE_H

#include <stddef.h>

#include "case.h"
#include "geometry.h"
#include "grid.h"
#include "simulation.h"
#include "status.h"
#include "summary.h"

typedef struct {
  rfl_case kase;             /* the resolved case */
  rfl_grid *grid;
  rfl_geometry geometry;     /* labels only (no interface shares) */
  rfl_summary summary;       /* the run's figures; summary.kase = &kase */
  rfl_sample *samples;       /* the time series */
  size_t nsamples;
  rfl_field_view end_of_rf;  /* fields at t = duration (have_end_of_rf) */
  rfl_field_view final;      /* fields at the last saved time (have_final) */
  int have_end_of_rf, have_final;
  char case_hash[17];        /* the root attribute case_hash ("unknown" if absent) */
  char version[64];          /* the root attribute rflesion_version */
  double *buffers;           /* owned storage of the fields and structure peaks */
} rfl_result_file;

/* Reads the file. Errors: RFL_EINPUT "FILE: ..." for a file that is not an rflesion result
 * (not HDF5, no /case ini, a grid that does not match its case, missing tables), RFL_EIO
 * for one that cannot be opened, RFL_ENOMEM. *out is NULL on failure. */
rfl_status rfl_result_file_read(const char *path, rfl_result_file **out);
void rfl_result_file_free(rfl_result_file *r);

#endif
