// SPDX-License-Identifier: BSD-3-Clause
/* Which process runs which of a sweep's cases (sweep_job.h): the longest-first plan, the
 * dry run's account of it, and a shard's checks and verdict. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "sweep_array.h"
#include "sweep_job.h"

/* ---- planning ------------------------------------------------------------------------------ */

typedef struct {
  size_t index;
  double cost;
} costed;

static int longest_first(const void *a, const void *b) {
  const costed *p = a, *q = b;
  if (p->cost != q->cost) return p->cost > q->cost ? -1 : 1;
  return (p->index > q->index) - (p->index < q->index);
}

/* The cases of shard `shard` of `nshards`: every nshards-th of the longest-first order, so
 * shards get similar work. Returned longest first (farm) or by index (one process). */
rfl_status rfl_sweep_job_plan(const sweep_ctx *c, int shard, int nshards, int by_index, size_t **out, size_t *n) {
  costed *all = malloc((c->ncases ? c->ncases : 1) * sizeof *all);
  size_t *q = malloc((c->ncases ? c->ncases : 1) * sizeof *q);
  if (!all || !q) {
    free(all);
    free(q);
    return RFL_ERROR(RFL_ENOMEM, "out of memory for the sweep's queue");
  }
  for (size_t i = 0; i < c->ncases; i++) all[i] = (costed){i, c->cost[i]};
  qsort(all, c->ncases, sizeof *all, longest_first);
  size_t m = 0;
  for (size_t k = 0; k < c->ncases; k++)
    if ((int)(k % (size_t)nshards) == shard) q[m++] = all[k].index;
  free(all);
  if (by_index)
    for (size_t i = 1; i < m; i++) /* insertion sort of the shard's indices */
      for (size_t j = i; j > 0 && q[j - 1] > q[j]; j--) {
        size_t t = q[j];
        q[j] = q[j - 1];
        q[j - 1] = t;
      }
  *out = q;
  *n = m;
  return RFL_OK;
}

void rfl_sweep_job_print_dry_run(const sweep_ctx *c, int shard, int nshards, const size_t *mine, size_t nmine) {
  printf("Sweep of %s: %zu case%s", c->path, c->ncases, c->ncases == 1 ? "" : "s");
  if (c->sweep.naxes) {
    printf(" (");
    for (int a = 0; a < c->sweep.naxes; a++)
      printf("%s%s: %d value%s", a ? "; " : "", c->sweep.axes[a].key, c->sweep.axes[a].nvalues,
             c->sweep.axes[a].nvalues == 1 ? "" : "s");
    printf("; %d group%s in the product)", c->sweep.ngroups, c->sweep.ngroups == 1 ? "" : "s");
  }
  printf("\n");
  size_t show[5] = {0, 1, 2, c->ncases - 2, c->ncases - 1};
  int nshow = c->ncases <= 5 ? (int)c->ncases : 5;
  printf("Examples:\n");
  for (int k = 0; k < nshow; k++) {
    size_t i = c->ncases <= 5 ? (size_t)k : show[k];
    if (c->ncases > 5 && k == 3) printf("  ...\n");
    printf("  case %zu:", i);
    for (int a = 0; a < c->sweep.naxes; a++) {
      char set[RFL_CASE_MAX_LINE + 1];
      if (rfl_sweep_case_set(&c->sweep, i, a, set, sizeof set) == RFL_OK) printf(" %s", set);
    }
    printf("%s  (%.3g cell-steps)\n", c->sweep.naxes ? "" : " the base case", c->cost[i]);
  }
  double total = 0, lo = INFINITY, hi = 0;
  for (size_t i = 0; i < c->ncases; i++) total += c->cost[i], lo = fmin(lo, c->cost[i]), hi = fmax(hi, c->cost[i]);
  /* about 2 us per cell-step on one core (RC-1-like cases, docs/performance.md): a guide only */
  printf("Estimated cost: %.3g cell-steps (cells x time steps; smallest case %.3g, largest %.3g), roughly %.0f s of "
         "one core at 2 us per cell-step\n", total, lo, hi, 2e-6 * total);
  if (nshards > 1) {
    printf("This process: shard %d of %d, %zu case%s", shard, nshards, nmine, nmine == 1 ? "" : "s");
    for (size_t k = 0; k < nmine; k++) printf("%s%zu", k ? ", " : ": ", mine[k]);
    printf("\n");
  }
}

/* A job array task records its array's shape in DIR (when it is the first) once DIR is its
 * sweep's. The shard was read from the environment and any recorded shape before; only
 * another array recording a different shape in between can change it. */
rfl_status rfl_sweep_job_check_array_shard(const sweep_ctx *c, int shard, int nshards) {
  int s = shard, n = nshards;
  RFL_CHECK(rfl_array_shard(c->out, 1, &s, &n));
  if (s == shard && n == nshards) return RFL_OK;
  return RFL_ERROR(RFL_EUSAGE, "%s/array.txt: another job array recorded its shape while this task started (this "
                               "task: shard %d of %d, now shard %d of %d): run this task again",
                   c->out, shard, nshards, s, n);
}

/* The exit code of this shard's own cases (from their records). */
rfl_status rfl_sweep_job_shard_exit_code(const sweep_ctx *c, int shard, int nshards, int *code) {
  rfl_results_table mine;
  rfl_results_table_init(&mine);
  size_t *q = NULL, n = 0;
  rfl_status st = rfl_sweep_job_plan(c, shard, nshards, 1, &q, &n);
  for (size_t k = 0; st == RFL_OK && k < n; k++) {
    char path[RFL_PATH_MAX + 64];
    rfl_results_row row;
    rfl_sweep_dir_row_path(c->out, q[k], path, sizeof path);
    st = rfl_results_row_read(path, &row);
    if (st == RFL_OK) st = rfl_results_table_add(&mine, &row);
    rfl_results_row_free(&row);
  }
  if (st == RFL_OK) st = rfl_results_table_finish(&mine);
  if (st == RFL_OK) *code = rfl_sweep_table_exit_code(&mine);
  free(q);
  rfl_results_table_free(&mine);
  return st;
}
