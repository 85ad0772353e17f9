// SPDX-License-Identifier: BSD-3-Clause
/* Peak memory of one run, estimated before it from the arrays the run allocates on the
 * case's actual grid: the simulation's fields, both operators, the multigrid hierarchy
 * (planned level by level as rfl_mg_create builds it), the voxelised geometry, and what the
 * run's analysis and output add (the monitor's copies, the unfolded domain of a mirrored
 * case, the lesion measurement's working copies, the HDF5 conversion buffer), plus the
 * program itself (code, libraries, HDF5 and OpenMP runtimes) and, with figures, cairo's
 * canvases and fonts. Checked against the maximum resident set size of real runs
 * (docs/performance.md): within 15 % from 0.2 to several million cells. */
#ifndef RFL_MEMORY_ESTIMATE_H
#define RFL_MEMORY_ESTIMATE_H

#include <stddef.h>

#include "case.h"
#include "case_reader.h"
#include "memory_limit.h"
#include "status.h"

/* Fixed costs, bytes: measured as the maximum resident set size of runs on a few thousand
 * cells less their arrays. */
#define RFL_MEMORY_PROGRAM_BYTES (16.0 * 1024 * 1024) /* code, libraries, runtimes */
#define RFL_MEMORY_OUTPUT_BYTES (7.0 * 1024 * 1024)   /* HDF5 file: chunk caches, filters */
#define RFL_MEMORY_FIGURES_BYTES (23.0 * 1024 * 1024) /* cairo canvases, fonts */

#define RFL_MEMORY_MAX_ITEMS 12

typedef struct {
  const char *what;   /* "fields", "operators", ... */
  double bytes;
} rfl_memory_item;

typedef struct {
  size_t cells;            /* computed cells */
  size_t unfolded_cells;   /* cells of the whole domain (mirror planes unfolded) */
  size_t coarse_cells;     /* all multigrid levels below the grid */
  rfl_memory_item items[RFL_MEMORY_MAX_ITEMS];
  int nitems;
  double total;            /* bytes */
} rfl_memory_estimate;

/* What the run writes besides the summary. */
typedef struct {
  int output;   /* the HDF5 results file */
  int figures;  /* PNG/SVG figures */
} rfl_memory_run_options;

/* The estimate for a run of case c. Builds the grid's axes (not its cells). */
rfl_status rfl_memory_estimate_case(const rfl_case *c, const rfl_memory_run_options *run,
                                    rfl_memory_estimate *out);

/* For the case reader's memory check (rfl_case_read_options.memory_estimate): ctx is a
 * const rfl_memory_run_options * (NULL: output, no figures); returns bytes, or -1 when the
 * grid cannot be built (the reader's own checks report why). */
double rfl_memory_estimate_bytes(const rfl_case *c, void *ctx);

/* Give a case read the memory check: this estimate for what the run writes (run may be
 * NULL: HDF5 output, no figures) against the limit that applies to this process, found
 * into *limit (rfl_memory_limit_find). run and limit must outlive the read. Without a
 * known limit the read checks nothing. */
void rfl_memory_check_options(rfl_case_read_options *opt, const rfl_memory_run_options *run,
                              rfl_memory_limit *limit);

#endif
