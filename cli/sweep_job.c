// SPDX-License-Identifier: BSD-3-Clause
/* A sweep's cases and the run of one (sweep_job.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "case_hash.h"
#include "case_job.h"
#include "generator.h"
#include "grid.h"
#include "provenance.h"
#include "sweep_job.h"

double rfl_sweep_job_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The --set list of one case: the global ones, then one per varied key. */
static rfl_status case_sets(const sweep_ctx *c, size_t index, char (*buf)[RFL_CASE_MAX_LINE + 1], const char **sets,
                            int *nsets) {
  int n = 0;
  for (int i = 0; i < c->sets.n; i++) sets[n++] = c->sets.items[i];
  for (int a = 0; a < c->sweep.naxes; a++) {
    RFL_CHECK(rfl_sweep_case_set(&c->sweep, index, a, buf[a], sizeof buf[0]));
    sets[n++] = buf[a];
  }
  *nsets = n;
  return RFL_OK;
}

rfl_status rfl_sweep_job_read_case(const sweep_ctx *c, size_t index, rfl_case *out, rfl_case_warnings *w) {
  char buf[RFL_SWEEP_MAX_AXES][RFL_CASE_MAX_LINE + 1];
  const char *sets[RFL_CLI_MAX_SETS + RFL_SWEEP_MAX_AXES];
  int nsets;
  RFL_CHECK(case_sets(c, index, buf, sets, &nsets));
  rfl_case_read_options opt;
  rfl_cli_case_options(&opt, sets, nsets, NULL, w);
  return rfl_case_read_buffer(c->path, c->data, c->len, &opt, out);
}

/* A rough step count: the time loop's steps at dt (and pulse_dt inside bursts). */
static double estimate_steps(const rfl_case *k) {
  const rfl_generator *g = &k->generator;
  double dt = k->solver.dt_s > 0 ? k->solver.dt_s : 1.0;
  double rf = rfl_generator_rf_steps(g, &k->solver, dt);
  return ceil(rf + g->cooldown_s / dt);
}

/* The reader's message for a failed case, told as the sweep's: "ORIGIN: [sweep] KEY=VALUE
 * (case I): ..." when a varied value is to blame, else "sweep case I (sets): ...". */
rfl_status rfl_sweep_job_case_error(const sweep_ctx *c, size_t index, rfl_status st) {
  char msg[2048];
  snprintf(msg, sizeof msg, "%s", rfl_error_message());
  for (int a = 0; a < c->sweep.naxes; a++) {
    char set[RFL_CASE_MAX_LINE + 1], prefix[RFL_CASE_MAX_LINE + 16];
    if (rfl_sweep_case_set(&c->sweep, index, a, set, sizeof set) != RFL_OK) break;
    snprintf(prefix, sizeof prefix, "--set %s: ", set);
    if (strncmp(msg, prefix, strlen(prefix)) == 0)
      return RFL_ERROR(st, "%s: [sweep] %s (case %zu of %zu): %s", c->sweep.axes[a].origin, set, index, c->ncases,
                       msg + strlen(prefix));
  }
  char sets[1024] = "";
  for (int a = 0; a < c->sweep.naxes; a++) {
    char set[RFL_CASE_MAX_LINE + 1];
    size_t n = strlen(sets);
    if (rfl_sweep_case_set(&c->sweep, index, a, set, sizeof set) == RFL_OK)
      snprintf(sets + n, sizeof sets - n, "%s%s", n ? " " : "", set);
  }
  return RFL_ERROR(st, "sweep case %zu of %zu (%s): %s", index, c->ncases, sets, msg);
}

/* Expands and validates every case; builds the manifest and the costs. */
rfl_status rfl_sweep_job_expand(sweep_ctx *c, char **manifest) {
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  if (!f) return RFL_ERROR(RFL_ENOMEM, "out of memory for the sweep manifest");
  fprintf(f, "# rflesion sweep manifest: the expanded sweep of this directory (do not edit)\n");
  fprintf(f, "# case file: %s\nrflesion-sweep 1\ncases %zu\n", c->path, c->ncases);
  for (int i = 0; i < c->sets.n; i++) fprintf(f, "set\t%s\n", c->sets.items[i]);
  for (int a = 0; a < c->sweep.naxes; a++)
    fprintf(f, "axis\t%s\t%s\t%d values\n", c->sweep.axes[a].key, c->sweep.axes[a].numeric ? "number" : "text",
            c->sweep.axes[a].nvalues);
  rfl_status st = RFL_OK;
  for (size_t i = 0; i < c->ncases && st == RFL_OK; i++) {
    rfl_error_clear();
    st = rfl_sweep_job_read_case(c, i, c->kase, NULL);
    if (st != RFL_OK) {
      st = rfl_sweep_job_case_error(c, i, st);
      break;
    }
    int n[3];
    c->cost[i] = rfl_case_estimate_cells(&c->kase->grid, n) * estimate_steps(c->kase);
    uint64_t h = 0;
    st = rfl_case_hash(c->kase, &h);
    c->hash[i] = h;
    char hash[17];
    rfl_case_hash_text(h, hash);
    fprintf(f, "case %zu\t%s", i, hash);
    for (int a = 0; a < c->sweep.naxes; a++)
      fprintf(f, "\t%s", c->sweep.axes[a].values[rfl_sweep_value_index(&c->sweep, i, a)]);
    fputc('\n', f);
  }
  fclose(f);
  if (st != RFL_OK || !text) {
    free(text);
    return st != RFL_OK ? st : RFL_ERROR(RFL_ENOMEM, "out of memory for the sweep manifest");
  }
  *manifest = text;
  return RFL_OK;
}

/* ---- one case ----------------------------------------------------------------------------- */

void rfl_sweep_job_add_head(rfl_results_row *row, const sweep_ctx *c, size_t index, const char *status, const char *message,
                     int exit_code, rfl_status *st) {
  if (*st == RFL_OK) *st = rfl_results_row_add_int(row, "case", (long long)index);
  if (*st == RFL_OK) *st = rfl_results_row_add_text(row, "status", status);
  if (*st == RFL_OK) *st = rfl_results_row_add_text(row, "message", message);
  if (*st == RFL_OK) *st = rfl_results_row_add_int(row, "exit_code", exit_code);
  for (int a = 0; a < c->sweep.naxes && *st == RFL_OK; a++) {
    const rfl_sweep_axis *ax = &c->sweep.axes[a];
    const char *v = ax->values[rfl_sweep_value_index(&c->sweep, index, a)];
    *st = ax->numeric ? rfl_results_row_add_real(row, ax->key, strtod(v, NULL)) : rfl_results_row_add_text(row, ax->key, v);
  }
}

/* Which build computed the case, and the hash of the case it ran (the manifest's). */
static rfl_status add_provenance(rfl_results_row *row, uint64_t case_hash) {
  char hash[17];
  rfl_case_hash_text(case_hash, hash);
  RFL_CHECK(rfl_results_row_add_text(row, "case_hash", hash));
  rfl_provenance p;
  rfl_provenance_get(&p);
  return rfl_results_row_add_text(row, "rflesion_version", p.version_full);
}

rfl_status rfl_sweep_job_run_case(size_t index, rfl_results_row *row, rfl_farm_poll poll, void *poll_ctx, void *ctx) {
  sweep_ctx *c = ctx;
  rfl_results_row_init(row, (long long)index);
  row->has_hash = 1;
  row->hash = c->hash[index];
  double t0 = rfl_sweep_job_now();
  rfl_error_clear();
  rfl_status st = rfl_sweep_job_read_case(c, index, c->kase, NULL);
  int have_case = st == RFL_OK, have_summary = 0;
  char h5path[RFL_PATH_MAX];
  if (c->fields) rfl_sweep_dir_fields_path(c->out, index, h5path, sizeof h5path);
  rfl_case_job_options jopt = {.h5path = c->fields ? h5path : NULL, .poll = poll, .poll_ctx = poll_ctx};
  rfl_case_job *job = NULL;
  const rfl_memory_limit *limit = rfl_cli_memory_limit();
  if (limit) jopt.memory_limit = limit->bytes;
  if (st == RFL_OK) st = rfl_case_job_solve(c->kase, &jopt, &job);
  if (st == RFL_OK) st = rfl_case_job_write_results(job);
  if (st == RFL_OK) {
    *c->summary = *rfl_case_job_summary(job); /* the job owns it; keep a copy */
    have_summary = 1;
  }
  st = rfl_case_job_close(job, st);
  char message[1024] = "";
  if (st != RFL_OK) snprintf(message, sizeof message, "%s", rfl_error_message()[0] ? rfl_error_message() : rfl_strerror(st));
  int nflags = st == RFL_OK && have_summary ? c->summary->nflags : 0;
  const char *status = st != RFL_OK ? "failed" : nflags > 0 ? "flagged" : "ok";
  int exit_code = st != RFL_OK ? rfl_status_exit_code(st) : nflags > 0 ? 1 : 0;
  rfl_status rs = RFL_OK;
  rfl_sweep_job_add_head(row, c, index, status, message, exit_code, &rs);
  if (rs == RFL_OK)
    rs = rfl_results_row_add_summary(row, st == RFL_OK ? c->summary : NULL, have_case ? c->kase : NULL);
  if (rs == RFL_OK) rs = rfl_results_row_add_real(row, "wall_s", rfl_sweep_job_now() - t0);
  if (rs == RFL_OK) rs = add_provenance(row, c->hash[index]);
  return rs;
}

rfl_status rfl_sweep_job_commit(const rfl_results_row *row, const char *who, void *ctx) {
  sweep_ctx *c = ctx;
  RFL_CHECK(rfl_sweep_dir_commit_row(c->out, row, who));
  c->done++;
  if (!c->quiet) {
    const rfl_results_cell *s = rfl_results_row_find(row, "status"), *w = rfl_results_row_find(row, "wall_s");
    const rfl_results_cell *lw = rfl_results_row_find(row, "lesion_width_mm"), *ll = rfl_results_row_find(row, "lesion_length_mm");
    const rfl_results_cell *m = rfl_results_row_find(row, "message");
    const char *on = strstr(who, " on "); /* "rank R" of "rank R on HOST pid PID" */
    printf("[%zu/%zu] case %lld %s (%.*s, %.2f s)", c->done, c->todo, row->index, s ? s->text : "?",
           on ? (int)(on - who) : (int)strlen(who), who, w ? w->num : NAN);
    if (s && strcmp(s->text, "failed") == 0 && m) printf(": %s\n", m->text);
    else if (lw && ll) printf(": lesion %.2f x %.2f mm\n", lw->num, ll->num);
    else printf("\n");
    fflush(stdout);
  }
  return RFL_OK;
}
