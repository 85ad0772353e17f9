// SPDX-License-Identifier: BSD-3-Clause
/* The public API (rflesion.h) over the case reader, the case job and the results row that
 * the sweep table uses, so that the library and the program agree on every figure and name. */
#include "rflesion.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "case_job.h"
#include "case_reader.h"
#include "grid.h"
#include "memory_estimate.h"
#include "results_table.h"
#include "rfl_version.h"
#include "voxels.h"

struct rflesion_case {
  rfl_case kase;
  rfl_case_warnings warnings;
};

struct rflesion_result {
  rfl_results_row row; /* the sweep table's cells of this run */
  int nflags;
  char (*flags)[96];
};

static rflesion_status from_status(rfl_status st) {
  switch (st) {
    case RFL_OK: return RFLESION_OK;
    case RFL_EINPUT: return RFLESION_EINPUT;
    case RFL_EUSAGE: return RFLESION_EUSAGE;
    case RFL_ENOMEM: return RFLESION_ENOMEM;
    case RFL_ENOCONV: return RFLESION_ENOCONV;
    case RFL_ENUMERIC: return RFLESION_ENUMERIC;
    case RFL_EIO: return RFLESION_EIO;
    default: return RFLESION_EINTERNAL;
  }
}

static rflesion_status usage(const char *what) {
  return from_status(RFL_ERROR(RFL_EUSAGE, "rflesion API: %s", what));
}

const char *rflesion_version(void) { return RFL_VERSION_FULL; }
const char *rflesion_commit(void) { return RFL_COMMIT; }
const char *rflesion_last_error(void) { return rfl_error_message(); }

int rflesion_exit_code(rflesion_status status) {
  static const rfl_status to[] = {RFL_OK,      RFL_EINPUT,   RFL_EUSAGE, RFL_ENOMEM,   RFL_ENOCONV,
                                  RFL_ENUMERIC, RFL_EIO,     RFL_EINTERNAL, RFL_EUSAGE};
  if ((int)status < 0 || (size_t)status >= sizeof to / sizeof to[0]) return 4;
  return rfl_status_exit_code(to[status]);
}

/* Reads a case from the file `name` (text NULL) or from text in memory named `name`. */
static rflesion_status read_case(const char *name, const char *text, size_t len, const char *const *sets, int nsets,
                                 rflesion_case **out) {
  if (!out) return usage("rflesion_case_read: out is NULL");
  *out = NULL;
  if (!name || nsets < 0 || (nsets > 0 && !sets)) return usage("rflesion_case_read: a NULL argument");
  rfl_error_clear();
  rflesion_case *c = calloc(1, sizeof *c);
  if (!c) return from_status(RFL_ERROR(RFL_ENOMEM, "%s: out of memory for a case", name));
  rfl_case_read_options opt = {.sets = sets, .nsets = nsets, .voxel_check = rfl_voxels_check,
                               .warnings = &c->warnings};
  rfl_memory_limit limit;
  rfl_memory_check_options(&opt, NULL, &limit);
  rfl_status st = text ? rfl_case_read_buffer(name, text, len, &opt, &c->kase) : rfl_case_read(name, &opt, &c->kase);
  if (st != RFL_OK) {
    free(c);
    return from_status(st);
  }
  *out = c;
  return RFLESION_OK;
}

rflesion_status rflesion_case_read(const char *path, const char *const *sets, int nsets, rflesion_case **out) {
  return read_case(path, NULL, 0, sets, nsets, out);
}

rflesion_status rflesion_case_read_text(const char *name, const char *text, size_t len, const char *const *sets,
                                        int nsets, rflesion_case **out) {
  if (!text) {
    if (out) *out = NULL;
    return usage("rflesion_case_read_text: text is NULL");
  }
  return read_case(name, text, len, sets, nsets, out);
}

int rflesion_case_warning_count(const rflesion_case *c) {
  if (!c) return 0;
  return c->warnings.count < RFL_CASE_MAX_WARNINGS ? c->warnings.count : RFL_CASE_MAX_WARNINGS;
}

const char *rflesion_case_warning(const rflesion_case *c, int i) {
  return c && i >= 0 && i < rflesion_case_warning_count(c) ? c->warnings.text[i] : NULL;
}

rflesion_status rflesion_case_text(const rflesion_case *c, char **text) {
  if (!c || !text) return usage("rflesion_case_text: a NULL argument");
  *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(text, &len);
  if (!f) return from_status(RFL_ERROR(RFL_ENOMEM, "out of memory writing a case"));
  rfl_status st = rfl_case_write(f, &c->kase);
  if (fclose(f) != 0 && st == RFL_OK) st = RFL_ERROR(RFL_ENOMEM, "out of memory writing a case");
  if (st != RFL_OK) {
    free(*text);
    *text = NULL;
  }
  return from_status(st);
}

void rflesion_case_free(rflesion_case *c) { free(c); }

/* The result keeps the table's cells and the flags: nothing that points into the case. */
static rfl_status keep_result(const rflesion_case *c, const rfl_summary *s, rflesion_result *r) {
  rfl_results_row_init(&r->row, 0);
  RFL_CHECK(rfl_results_row_add_summary(&r->row, s, &c->kase));
  r->nflags = s->nflags;
  if (s->nflags == 0) return RFL_OK;
  r->flags = malloc((size_t)s->nflags * sizeof *r->flags);
  if (!r->flags) return RFL_ERROR(RFL_ENOMEM, "out of memory for the flags");
  for (int i = 0; i < s->nflags; i++) snprintf(r->flags[i], sizeof r->flags[i], "%s", s->flags[i]);
  return RFL_OK;
}

rflesion_status rflesion_run(const rflesion_case *c, const rflesion_run_options *opt, rflesion_result **out) {
  if (!out) return usage("rflesion_run: out is NULL");
  *out = NULL;
  if (!c) return usage("rflesion_run: the case is NULL");
  rfl_error_clear();
  int threads = opt && opt->threads > 0 ? opt->threads : c->kase.solver.threads;
#ifdef _OPENMP
  const int threads_before = omp_get_max_threads();
  if (threads > 0) omp_set_num_threads(threads);
#else
  (void)threads;
#endif
  rflesion_result *r = calloc(1, sizeof *r);
  rfl_status st = r ? RFL_OK : RFL_ERROR(RFL_ENOMEM, "out of memory for a result");
  rfl_case_job_options jopt = {.h5path = opt ? opt->h5path : NULL};
  rfl_case_job *job = NULL;
  /* the run settles the discretisation in its own copy: the caller's case stays as read */
  rfl_case *run_case = st == RFL_OK ? malloc(sizeof *run_case) : NULL;
  if (st == RFL_OK && !run_case) st = RFL_ERROR(RFL_ENOMEM, "out of memory for a case");
  if (st == RFL_OK) *run_case = c->kase;
  if (st == RFL_OK) st = rfl_case_job_solve(run_case, &jopt, &job);
  if (st == RFL_OK) st = rfl_case_job_write_results(job);
  if (st == RFL_OK) st = keep_result(c, rfl_case_job_summary(job), r);
  st = rfl_case_job_close(job, st);
  free(run_case);
#ifdef _OPENMP
  omp_set_num_threads(threads_before);
#endif
  if (st != RFL_OK) {
    rflesion_result_free(r);
    return from_status(st);
  }
  *out = r;
  return RFLESION_OK;
}

static const rfl_results_cell *find(const rflesion_result *r, const char *name) {
  return r && name ? rfl_results_row_find(&r->row, name) : NULL;
}

rflesion_status rflesion_result_number(const rflesion_result *r, const char *name, double *value) {
  if (!r || !name || !value) return usage("rflesion_result_number: a NULL argument");
  const rfl_results_cell *cell = find(r, name);
  if (!cell || cell->type == RFL_RESULTS_TEXT) {
    rfl_error_raise(RFL_EUSAGE, __FILE__, __LINE__, "rflesion_result_number: expected the name of a number, "
                    "found '%s'%s", name, cell ? " (a text)" : "");
    return RFLESION_ENOTFOUND;
  }
  *value = cell->num;
  return RFLESION_OK;
}

rflesion_status rflesion_result_text(const rflesion_result *r, const char *name, const char **text) {
  if (!r || !name || !text) return usage("rflesion_result_text: a NULL argument");
  const rfl_results_cell *cell = find(r, name);
  if (!cell || cell->type != RFL_RESULTS_TEXT) {
    rfl_error_raise(RFL_EUSAGE, __FILE__, __LINE__, "rflesion_result_text: expected the name of a text, found '%s'%s",
                    name, cell ? " (a number)" : "");
    return RFLESION_ENOTFOUND;
  }
  *text = cell->text;
  return RFLESION_OK;
}

int rflesion_result_count(const rflesion_result *r) { return r ? r->row.ncells : 0; }

const char *rflesion_result_name(const rflesion_result *r, int i) {
  return r && i >= 0 && i < r->row.ncells ? r->row.cells[i].name : NULL;
}

int rflesion_result_flag_count(const rflesion_result *r) { return r ? r->nflags : 0; }

const char *rflesion_result_flag(const rflesion_result *r, int i) {
  return r && i >= 0 && i < r->nflags ? r->flags[i] : NULL;
}

void rflesion_result_free(rflesion_result *r) {
  if (!r) return;
  rfl_results_row_free(&r->row);
  free(r->flags);
  free(r);
}
