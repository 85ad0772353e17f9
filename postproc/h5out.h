// SPDX-License-Identifier: BSD-3-Clause
/* One HDF5 result file per case, with an XDMF sidecar that ParaView and VisIt open directly
 * (layout: docs/output-format.md).
 *
 * Life cycle, in the order a run calls it:
 *   rfl_h5out_open       creates FILE.tmp.PID next to FILE (nothing under FILE yet);
 *   rfl_h5out_write_grid face and centre coordinates, material/part/probe labels per cell,
 *                        and the resolved case (INI text and every parameter) under /case;
 *   rfl_h5out_write_fields at each requested output time: /fields/t_SSS.sss/ with
 *                        temperature, peak temperature, Omega, CEM43 and potential;
 *   rfl_h5out_write_series the generator and thermal time series (one value per step);
 *   rfl_h5out_write_summary lesion metrics, structures and flags as compound tables;
 *   rfl_h5out_close      commit = 1: flush, close, fsync and rename FILE.tmp.PID -> FILE,
 *                        then write FILE's .xmf sidecar the same way; commit = 0: remove the
 *                        temporary file. A run killed at any point leaves at most a stray
 *                        FILE.tmp.PID, never a truncated FILE.
 *
 * Fields are stored with shape (nz, ny, nx) (x fastest, the grid's cell order), chunked and
 * deflate-compressed, and every dataset carries a `units` string attribute. Coordinates are
 * in mm; everything else keeps the unit its name ends with.
 *
 * Errors: RFL_EIO (the message names the file and, when HDF5 gives one, the system's
 * reason), RFL_ENOMEM, and RFL_EUSAGE for calls out of order or twice (these only refuse
 * the call). After an RFL_EIO or RFL_ENOMEM the writer is poisoned: later writes return
 * the same status and message, and rfl_h5out_close(out, 1) removes the temporary file and
 * returns it again. HDF5's automatic error printing is off inside these functions (and
 * restored after). Not thread-safe: one writer per case, called from one thread. */
#ifndef RFL_H5OUT_H
#define RFL_H5OUT_H

#include <stddef.h>

#include "case.h"
#include "geometry.h"
#include "grid.h"
#include "simulation.h"
#include "status.h"
#include "summary.h"

/* File format version written to the root attribute `format_version`. */
#define RFL_H5OUT_FORMAT_VERSION 1

typedef struct {
  int double_precision; /* 1: fields as float64; 0 (default): float32 (values beyond the
                           float range are clamped to +-FLT_MAX) */
  int deflate_level;    /* 0..9; 0 = default (4); -1 = no compression */
  int no_xdmf;          /* 1: no .xmf sidecar */
} rfl_h5out_options;

typedef struct rfl_h5out rfl_h5out;

/* Default result path for a case: DIR/BASE.h5 where BASE is the case file's name without
 * its directory and extension ("case" when built in code) and DIR is [output] directory,
 * or the current directory when that is empty. RFL_EUSAGE if it does not fit. */
rfl_status rfl_h5out_default_path(const rfl_case *c, char *buf, size_t size);

/* Path of the XDMF sidecar of an .h5 path: the extension replaced by .xmf (appended when
 * there is none). RFL_EUSAGE if it does not fit. */
rfl_status rfl_h5out_xdmf_path(const char *h5path, char *buf, size_t size);

/* Creates the temporary file PATH.tmp.PID. opt may be NULL (defaults). */
rfl_status rfl_h5out_open(const char *path, const rfl_h5out_options *opt, rfl_h5out **out);

/* /grid and /case (once, before any fields). The writer keeps only the grid's sizes. */
rfl_status rfl_h5out_write_grid(rfl_h5out *out, const rfl_grid *grid, const rfl_geometry *geo,
                                const rfl_case *c);

/* One snapshot /fields/t_SSS.sss (the time to the millisecond; a second snapshot at the
 * same millisecond is RFL_EUSAGE). The view's grid must be the one given to write_grid. */
rfl_status rfl_h5out_write_fields(rfl_h5out *out, const rfl_field_view *view);

/* /series: the per-step samples (once). n may be 0. */
rfl_status rfl_h5out_write_series(rfl_h5out *out, const rfl_sample *samples, size_t n);

/* /summary (once). */
rfl_status rfl_h5out_write_summary(rfl_h5out *out, const rfl_summary *s);

/* Finish (commit = 1) or discard (commit = 0), and free the writer (NULL is a no-op and
 * returns RFL_OK). With commit = 0 the return value is RFL_OK unless removing the
 * temporary file failed; a previously poisoned writer is discarded either way. */
rfl_status rfl_h5out_close(rfl_h5out *out, int commit);

/* Final and temporary paths (for messages and tests). */
const char *rfl_h5out_path(const rfl_h5out *out);
const char *rfl_h5out_temp_path(const rfl_h5out *out);

#endif
