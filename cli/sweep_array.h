// SPDX-License-Identifier: BSD-3-Clause
/* A Slurm job array's task -> the shard of the sweep it runs.
 *
 * An array is a shape MIN, MIN+STEP, ..., MIN+(COUNT-1)*STEP; task ID runs shard
 * (ID - MIN) / STEP of COUNT. Slurm gives each task SLURM_ARRAY_TASK_ID, _MIN, _MAX, _STEP
 * and _COUNT; --array=0-4:2 gives STEP 2, but a list (--array=3,5 or 1,2,5) gives STEP 1,
 * so a shape is taken from the variables only when it is regular: COUNT values from MIN to
 * MAX by STEP, or two values (then STEP = MAX - MIN). A throttle (%N) changes nothing.
 *
 * The first array task that runs into a sweep directory records its array's shape in
 * DIR/array.txt (created whole, never replaced). Later tasks, of that array or of another
 * one submitted to rerun selected indices (--array=3,5 after --array=0-19), map their ID
 * with the recorded shape, so shard I is always the same cases. An ID outside the recorded
 * shape, or an irregular array with nothing recorded, cannot be mapped: RFL_EUSAGE asking
 * for --shard I/N. */
#ifndef RFL_SWEEP_ARRAY_H
#define RFL_SWEEP_ARRAY_H

#include <stddef.h>

#include "status.h"

typedef struct {
  long min, step, count; /* count 0: not a regular shape */
} rfl_array_shape;

/* The shard of task `id` in shape s, or -1 when id is not one of its indices. */
int rfl_array_shape_shard(const rfl_array_shape *s, long id);

/* This process's shard from the SLURM_ARRAY_* variables: *nshards = 0 when it is not an
 * array task. dir (may be NULL) is the sweep directory: its recorded shape wins; with
 * record set (and dir existing), a regular shape is recorded there when none is.
 * RFL_EUSAGE when the task cannot be mapped. */
rfl_status rfl_array_shard(const char *dir, int record, int *shard, int *nshards);

#endif
