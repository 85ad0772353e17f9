// SPDX-License-Identifier: BSD-3-Clause
/* A sweep being run by `rflesion sweep` (cli/cmd_sweep.c): its cases (their --set lists,
 * each read and validated through the case reader, the manifest), the run of one case into
 * a results record, and the plan of which process runs which cases. */
#ifndef RFL_SWEEP_JOB_H
#define RFL_SWEEP_JOB_H

#include <stddef.h>
#include <stdint.h>

#include "case_reader.h"
#include "cli_common.h"
#include "results_table.h"
#include "summary.h"
#include "sweep_dir.h"
#include "sweep_farm.h"
#include "sweep_spec.h"

typedef struct {
  const char *path;      /* case file */
  char *data;            /* its bytes */
  size_t len;
  rfl_cli_sets sets;     /* --set and --accuracy, in every case */
  rfl_sweep sweep;
  size_t ncases;
  double *cost;          /* cells x steps per case */
  uint64_t *hash;        /* hash of each resolved case (the manifest's; records carry it) */
  rfl_sweep_lock lock;   /* of the output directory (rank 0 / the serial process) */
  const char *out;
  int fields, quiet;
  int rank, size;
  size_t done, todo;     /* progress of this run (rank 0 / serial) */
  rfl_case *kase;        /* scratch case */
  rfl_summary *summary;  /* scratch copy of a job's summary */
  char *manifest;        /* the expanded sweep (DIR/sweep.txt) */
  size_t *queue, nqueue; /* this process's cases (rank 0 / serial: those still to run) */
  size_t pending;        /* cases of the queue without a record (rank 0 / serial) */
} sweep_ctx;

/* Seconds on a monotonic clock. */
double rfl_sweep_job_now(void);

/* Case index read through the reader (base case, the global --set list, then one --set
 * per varied key); warnings into w (may be NULL). */
rfl_status rfl_sweep_job_read_case(const sweep_ctx *c, size_t index, rfl_case *out, rfl_case_warnings *w);

/* The reader's message for a failed case, told as the sweep's: "ORIGIN: [sweep] KEY=VALUE
 * (case I): ..." when a varied value is to blame, else "sweep case I (sets): ...". */
rfl_status rfl_sweep_job_case_error(const sweep_ctx *c, size_t index, rfl_status st);

/* Expands and validates every case; builds the manifest and the costs. */
rfl_status rfl_sweep_job_expand(sweep_ctx *c, char **manifest);

/* The first columns of a case's record: case, status, message, exit code and the varied
 * keys' values (nothing once *st is not RFL_OK). */
void rfl_sweep_job_add_head(rfl_results_row *row, const sweep_ctx *c, size_t index, const char *status,
                            const char *message, int exit_code, rfl_status *st);

/* The farm's callbacks: run case index into row, and commit a finished row (ctx: the
 * sweep_ctx). */
rfl_status rfl_sweep_job_run_case(size_t index, rfl_results_row *row, rfl_farm_poll poll, void *poll_ctx, void *ctx);
rfl_status rfl_sweep_job_commit(const rfl_results_row *row, const char *who, void *ctx);

/* The cases of shard `shard` of `nshards`: every nshards-th of the longest-first order, so
 * shards get similar work. Returned longest first (farm) or by index (one process). */
rfl_status rfl_sweep_job_plan(const sweep_ctx *c, int shard, int nshards, int by_index, size_t **out, size_t *n);

/* --dry-run: the cases, examples, the cost and this shard's cases. */
void rfl_sweep_job_print_dry_run(const sweep_ctx *c, int shard, int nshards, const size_t *mine, size_t nmine);

/* A job array task's shape, recorded in DIR once DIR is its sweep's (see sweep_plan.c). */
rfl_status rfl_sweep_job_check_array_shard(const sweep_ctx *c, int shard, int nshards);

/* The exit code of this shard's own cases (from their records). */
rfl_status rfl_sweep_job_shard_exit_code(const sweep_ctx *c, int shard, int nshards, int *code);

#endif
