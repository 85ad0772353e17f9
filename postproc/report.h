// SPDX-License-Identifier: BSD-3-Clause
/* The HTML report: one self-contained page (inline CSS, figures as PNG data URIs, no
 * script, nothing fetched from the network) that a clinician can open and keep.
 *
 * A run's report (rfl_report_run) is made from its result file alone (result_reader.h):
 * the case in words, the lesion table (with discretisation error bars when the file
 * records them), each structure's margin, peak temperature, time over its threshold,
 * thermal dose and flags in words (flagged structures carry the CSS class "flagged"), the
 * generator curves and the slices (drawn again by the figure code, figures.h), and the provenance.
 * A sweep's report (rfl_report_sweep) shows its figures and its results table.
 * Both pages are written atomically (atomic_file.h). Layout and classes: docs/report.md. */
#ifndef RFL_REPORT_H
#define RFL_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "results_table.h"
#include "status.h"

/* Writes s to f with &, <, >, " and ' replaced by their character references. */
void rfl_html_escape(FILE *f, const char *s);

/* Base64 (RFC 4648, with padding) of n bytes into out, which must hold
 * 4 * ((n + 2) / 3) + 1 bytes; returns the length written (without the NUL). */
size_t rfl_base64_encode(const unsigned char *in, size_t n, char *out);

/* The report of a finished run's result file. Errors: those of rfl_result_open (RFL_EINPUT
 * for a file that is not a run's result), of the figures, and of the atomic write. */
rfl_status rfl_report_run(const char *h5path, const char *html_path);

/* What a sweep's report shows. */
typedef struct {
  const char *dir;                  /* the sweep directory (named on the page) */
  const rfl_results_table *table;   /* its results, one row per finished case */
  size_t ncases;                    /* cases in the manifest */
  const char *const *figures;       /* figure files to embed (.png or .svg) */
  int nfigures;
} rfl_report_sweep_input;

rfl_status rfl_report_sweep(const rfl_report_sweep_input *in, const char *html_path);

#endif
