// SPDX-License-Identifier: BSD-3-Clause
/* A Slurm job array's task -> the shard of the sweep it runs (see sweep_array.h). */
#include "sweep_array.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"

#define ARRAY_FILE "array.txt"

int rfl_array_shape_shard(const rfl_array_shape *s, long id) {
  if (s->count < 1 || s->step < 1 || id < s->min || (id - s->min) % s->step != 0) return -1;
  long k = (id - s->min) / s->step;
  return k < s->count ? (int)k : -1;
}

static int env_long(const char *name, long *v) {
  const char *s = getenv(name);
  if (!s || !*s) return 0;
  char *end;
  errno = 0;
  long x = strtol(s, &end, 10);
  if (*end || errno || x < 0 || x > 100000000) return 0;
  *v = x;
  return 1;
}

typedef struct {
  long id, min, max, step, count;
} array_env;

/* 0: not an array task; 1: read (missing MIN, STEP, MAX as for a plain 0-based range). */
static int read_env(array_env *e) {
  if (!env_long("SLURM_ARRAY_TASK_ID", &e->id) || !env_long("SLURM_ARRAY_TASK_COUNT", &e->count)) return 0;
  if (!env_long("SLURM_ARRAY_TASK_MIN", &e->min)) e->min = 0;
  if (!env_long("SLURM_ARRAY_TASK_STEP", &e->step) || e->step < 1) e->step = 1;
  if (!env_long("SLURM_ARRAY_TASK_MAX", &e->max)) e->max = e->min + (e->count - 1) * e->step;
  return 1;
}

/* The shape the variables describe, when they describe one unambiguously. */
static rfl_array_shape env_shape(const array_env *e) {
  rfl_array_shape s = {e->min, 1, 0};
  long span = e->max - e->min;
  if (e->count == 1 && span == 0) s.count = 1;
  else if (e->count == 2 && span > 0) s.step = span, s.count = 2; /* any two indices */
  else if (e->count > 2 && span % e->step == 0 && span / e->step + 1 == e->count) s.step = e->step, s.count = e->count;
  return s;
}

/* The shape recorded in DIR/array.txt: 1 found, 0 none, -1 unreadable (message set). */
static int read_recorded(const char *path, rfl_array_shape *s, rfl_status *st) {
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  char line[512];
  int found = 0;
  while (!found && fgets(line, sizeof line, f)) {
    const char *p = strstr(line, " min ");
    if (line[0] != '#' && p && sscanf(p, " min %ld step %ld count %ld", &s->min, &s->step, &s->count) == 3 &&
        s->min >= 0 && s->step >= 1 && s->count >= 1)
      found = 1;
  }
  fclose(f);
  if (found) return 1;
  *st = RFL_ERROR(RFL_EINPUT, "%s: expected a line 'array job J min M step S count N', found none", path);
  return -1;
}

/* Creates DIR/array.txt with shape s unless it exists: of several tasks starting at once,
 * the first one's file stays, whole (rfl_atomic_create). */
static rfl_status record(const char *path, const rfl_array_shape *s) {
  char text[512];
  const char *job = getenv("SLURM_ARRAY_JOB_ID");
  snprintf(text, sizeof text,
           "# rflesion: the job array that first ran this sweep directory; an array task ID runs shard\n"
           "# (ID - min) / step of count (do not edit)\narray job %s min %ld step %ld count %ld\n",
           job && *job ? job : "?", s->min, s->step, s->count);
  int created = 0;
  return rfl_atomic_create(path, text, strlen(text), &created);
}

static rfl_status unmappable(const array_env *e) {
  return RFL_ERROR(RFL_EUSAGE,
                   "job array task %ld: cannot tell which shard it runs, since the array's indices are not evenly "
                   "spaced (SLURM_ARRAY_TASK_MIN=%ld, MAX=%ld, STEP=%ld, COUNT=%ld) and the sweep directory records "
                   "no earlier array: give each task --shard I/N (0 <= I < N), or use an evenly spaced array such "
                   "as --array=0-%ld",
                   e->id, e->min, e->max, e->step, e->count, e->count - 1);
}

rfl_status rfl_array_shard(const char *dir, int record_shape, int *shard, int *nshards) {
  array_env e;
  *nshards = 0;
  if (!read_env(&e)) return RFL_OK;
  char path[RFL_PATH_MAX + 64] = "";
  if (dir) snprintf(path, sizeof path, "%s/%s", dir, ARRAY_FILE);
  rfl_array_shape s, mine = env_shape(&e);
  rfl_status st = RFL_OK;
  int have = dir ? read_recorded(path, &s, &st) : 0;
  if (have < 0) return st;
  if (!have && mine.count == 0) return unmappable(&e);
  if (!have && record_shape) {
    RFL_CHECK(record(path, &mine));
    have = read_recorded(path, &s, &st); /* the first task's shape, maybe another array's */
    if (have < 0) return st;
  }
  if (!have) s = mine;
  int k = rfl_array_shape_shard(&s, e.id);
  if (k < 0 && have)
    return RFL_ERROR(RFL_EUSAGE,
                     "%s: job array task %ld is not one of the indices of the array this sweep directory was "
                     "started with (%ld-%ld:%ld, %ld tasks): rerun indices of that array, give --shard I/N, or "
                     "remove %s when no task of the earlier array runs any more",
                     path, e.id, s.min, s.min + (s.count - 1) * s.step, s.step, s.count, path);
  if (k < 0) return unmappable(&e);
  *shard = k;
  *nshards = (int)s.count;
  return RFL_OK;
}
