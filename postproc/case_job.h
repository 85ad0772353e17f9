// SPDX-License-Identifier: BSD-3-Clause
/* One case, start to finish, for the commands that run cases (run, sweep): grid, geometry,
 * simulation and monitor, an optional HDF5 results file with field snapshots at [output]
 * times_s, optional figures, and the summary. The caller reads and validates the case and
 * decides what to report; the job does the work in the order a run needs it:
 *
 *   rfl_case_job_create   set up (untimed): grid, geometry, simulation, monitor, results
 *                         file opened with the grid and case written
 *   rfl_case_job_run      the timed run: every step observed (monitor, snapshots, a copy
 *                         of the end-of-RF fields for the figures when a cool-down
 *                         follows, progress), then the final measurements
 *   rfl_case_job_write_results   time series and summary into the results file, and the
 *                         figures (rfl_figure_set_write: the end-of-RF slices along and
 *                         across the probe, the peak-temperature slice and the time
 *                         series, with the structures' figures known by then)
 *   rfl_case_job_close    commits the results file only when the job succeeded (else the
 *                         temporary file goes), frees everything
 *
 * The summary lives in the job (it points into the monitor's history): read it before
 * closing. The case must outlive the job. */
#ifndef RFL_CASE_JOB_H
#define RFL_CASE_JOB_H

#include "case.h"
#include "status.h"
#include "summary.h"

/* Figure formats (bits of rfl_case_job_options.figure_formats: figures.h's RFL_FIGURE_*). */
enum { RFL_FIGURES_PNG = 1, RFL_FIGURES_SVG = 2, RFL_FIGURES_PDF = 4 };

typedef struct {
  const char *h5path;  /* HDF5 results file (+ XDMF sidecar), or NULL for none */
  const char *figures; /* existing directory for figures, or NULL */
  int figure_formats;  /* RFL_FIGURES_PNG and/or RFL_FIGURES_SVG; 0 = PNG */
  int progress;        /* a progress line on standard error (terminals) */
  int verbose;         /* per-step figures on standard error */
  /* Called after every step (the sweep's task farm answers its workers here); may be NULL. */
  void (*poll)(void *ctx);
  void *poll_ctx;
  double memory_limit; /* bytes a refined grid may use (0: not checked) */
} rfl_case_job_options;

typedef struct rfl_case_job rfl_case_job;

/* Sets up the job; on failure *out is still a job to close (it holds the status). */
/* Before any work: the figures directory is usable (an existing one writable, a new one's
 * parent writable) and no figure name in it is a device node, FIFO or directory
 * (rfl_output_check); RFL_EUSAGE naming --figures otherwise. */
rfl_status rfl_case_job_check_figures(const rfl_case_job_options *opt);
/* Sets up the job; on failure *out is still a job to close (it holds the status). */
rfl_status rfl_case_job_create(const rfl_case *kase, const rfl_case_job_options *opt, rfl_case_job **out);
rfl_status rfl_case_job_run(rfl_case_job *job);

/* Create and run with the case's discretisation settled (docs/physics-and-numerics.md,
 * "Automatic discretisation" and "Error estimates"):
 *  1. with error_estimate = yes, a second solution on cells RFL_ERROR_RATIO times and steps
 *     RFL_ERROR_TIME_RATIO times coarser runs first, without outputs; an automatic fine box is then fitted to the
 *     lesion it found (else to the predicted reach);
 *  2. the run itself, with the outputs;
 *  3. if its lesion reaches past an automatic fine box, the box grows and the run repeats
 *     (an explicit box gets a note instead);
 *  4. every figure's error from the two solutions; when the largest error of a length is
 *     over [solver] accuracy_mm, the cell size is automatic and one round of at most 1.6x
 *     finer cells can meet it within memory_limit, the grid is refined once (the previous
 *     run becomes the coarse solution); otherwise the summary's note says why not.
 * kase is updated to the discretisation of the final run. On failure *out is still a job
 * to close (it holds the status). */
rfl_status rfl_case_job_solve(rfl_case *kase, const rfl_case_job_options *opt, rfl_case_job **out);
rfl_status rfl_case_job_write_results(rfl_case_job *job);
const rfl_summary *rfl_case_job_summary(const rfl_case_job *job);

/* Commits the results file if st is RFL_OK, frees the job (NULL is fine) and returns st, or
 * the commit's failure when st was RFL_OK. */
rfl_status rfl_case_job_close(rfl_case_job *job, rfl_status st);

#endif
