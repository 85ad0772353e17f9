// SPDX-License-Identifier: BSD-3-Clause
/* rflesion sweep CASE: run a parameter sweep (docs/hpc.md; syntax in docs/case-format.md).
 *
 * Phases: parse the options; read the [sweep] section and the --vary/--zip/--samples/--seed
 * options into a sweep (models/sweep_spec); expand it and read every case through the case
 * reader (base case + --set + one --set per varied key), so every value is validated like a
 * line of a case file before anything runs, and estimate each case's cost (cells x steps);
 * then either print the plan (--dry-run) or prepare the output directory (manifest: a
 * restart must be the same sweep), pick this process's cases (a shard: --shard or a SLURM
 * array task) that have no results record yet, and run them: one after another, or as an
 * MPI task farm when mpirun/srun started several ranks. Each finished case is one results
 * record written atomically; the table (results.h5 + results.csv) is assembled from all
 * records at the end, unless this is one shard of several (then `rflesion merge` does it).
 * A case that fails is recorded as failed with its message and the sweep goes on. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "case_hash.h"
#include "case_job.h"
#include "case_reader.h"
#include "cli_common.h"
#include "commands.h"
#include "grid.h"
#include "parallel.h"
#include "provenance.h"
#include "sweep_array.h"
#include "sweep_dir.h"
#include "sweep_farm.h"
#include "sweep_spec.h"
#include "voxels.h"
#include "sweep_job.h"

#define MAX_FIGURES 16

static const char sweep_usage[] =
    "Usage: rflesion sweep CASE [options]\n"
    "Run every case of a parameter sweep (the case's [sweep] section and --vary options) and\n"
    "gather one row per case into DIR/results.h5 and DIR/results.csv. Started by mpirun or\n"
    "srun with several ranks it becomes an MPI task farm; in a SLURM job array each array\n"
    "task runs its shard. Run again with the same command to resume (docs/hpc.md).\n"
    "\n"
    "Options:\n"
    "  -s, --set SECTION.KEY=VALUE\n"
    "                            override a case key in every case (repeatable)\n"
    "  --accuracy MM             target discretisation error of lengths and margins in every\n"
    "                            case (= --set solver.accuracy_mm=MM; default 0.1)\n"
    "  --vary KEY=VALUES         vary a case key (KEY as for --set): V1,V2,... or\n"
    "                            START:STOP:STEP or uniform(A,B) or normal(MEAN,SD[,LO,HI])\n"
    "  --zip KEY,KEY[,...]       move varied keys together (equal numbers of values)\n"
    "  --samples N, --seed S     random draws of uniform()/normal() values, and their seed\n"
    "  --out DIR                 output directory (required unless --dry-run)\n"
    "  --dry-run                 print the number of cases, examples and the cost; run nothing\n"
    "  --shard I/N               run only shard I of N (0 <= I < N); default in a SLURM job\n"
    "                            array: the task's position in the array (DIR/array.txt)\n"
    "  --flags-exit-zero         exit 0 when cases raised safety flags (they stay in the\n"
    "                            table): batch jobs then COMPLETE; as [sweep] flags_exit_zero\n"
    "  --fields                  also keep each case's HDF5 field file in DIR/fields/\n"
    "  --figure METRIC:X[:GROUP] draw METRIC against X, one curve per GROUP value, into\n"
    "                            DIR/figure-METRIC-vs-X[-by-GROUP].png (repeatable)\n"
    "  --threads N               OpenMP threads per process (default: OMP_NUM_THREADS, else\n"
    "                            under mpirun/srun the node's cores shared among its ranks,\n"
    "                            else all cores)\n"
    "  -q, --quiet               print nothing but errors\n"
    "  -h, --help                this help\n"
    "\n"
    "\n";

/* ---- the directory ---------------------------------------------------------------------------- */

/* Checks and creates the directory, takes its lock (kept until the process ends), writes or
 * checks the manifest and removes temporaries that killed runs left behind (a shard only
 * those of its own cases: the other shards may be running). */
static rfl_status own_directory(sweep_ctx *c, const char *manifest, int shard, int nshards, const size_t *queue,
                                size_t nqueue) {
  RFL_CHECK(rfl_sweep_dir_create(c->out, c->fields));
  RFL_CHECK(rfl_sweep_dir_lock(c->out, shard, nshards, &c->lock));
  if (c->lock.unsupported)
    fprintf(stderr, "rflesion: warning: %s/.lock: the file system does not support locks (%s); nothing stops "
                    "another sweep from starting in this directory (the manifest and the records' case hashes "
                    "still keep the table right)\n", c->out, strerror(c->lock.unsupported));
  RFL_CHECK(rfl_sweep_dir_claim(c->out, manifest));
  unsigned char *mine = NULL;
  if (nshards > 1) {
    mine = calloc(c->ncases ? c->ncases : 1, 1);
    if (!mine) return RFL_ERROR(RFL_ENOMEM, "out of memory for %zu cases", c->ncases);
    for (size_t k = 0; k < nqueue; k++) mine[queue[k]] = 1;
  }
  size_t removed = 0;
  rfl_sweep_dir_remove_stale_temps(c->out, mine, c->ncases, &removed);
  free(mine);
  if (removed && !c->quiet)
    fprintf(stderr, "rflesion: removed %zu temporary file%s left by stopped runs in %s\n", removed,
            removed == 1 ? "" : "s", c->out);
  return RFL_OK;
}

/* Keeps the queue's cases that have no valid record (in order); says why a record is not
 * reused. Returns how many. */
static size_t unfinished(const sweep_ctx *c, size_t *queue, size_t nqueue) {
  size_t pending = 0;
  for (size_t k = 0; k < nqueue; k++) {
    char why[1200];
    rfl_sweep_row_state s = rfl_sweep_dir_row_state(c->out, queue[k], c->hash[queue[k]], why, sizeof why);
    if (s == RFL_ROW_DONE) continue;
    if (s == RFL_ROW_STALE || s == RFL_ROW_RETRY)
      fprintf(stderr, "rflesion: warning: %s; computing case %zu again\n", why, queue[k]);
    else if (s == RFL_ROW_CORRUPT)
      fprintf(stderr, "rflesion: warning: %s; moved it aside to case-%06zu.row.corrupt and computing case %zu "
                      "again\n", why, queue[k], queue[k]);
    queue[pending++] = queue[k];
  }
  return pending;
}

/* ---- the command ---------------------------------------------------------------------------- */

static int parse_shard(const char *s, int *i, int *n) {
  char *end;
  long a = strtol(s, &end, 10);
  if (end == s || *end != '/') return 0;
  const char *t = end + 1;
  long b = strtol(t, &end, 10);
  if (end == t || *end || b < 1 || b > 1000000 || a < 0 || a >= b) return 0;
  *i = (int)a;
  *n = (int)b;
  return 1;
}

/* The one way out: everything the context holds is released here. */
static int finish(sweep_ctx *c, int code) {
  rfl_sweep_dir_unlock(&c->lock);
  rfl_sweep_free(&c->sweep);
  free(c->data);
  free(c->cost);
  free(c->hash);
  free(c->kase);
  free(c->summary);
  free(c->manifest);
  free(c->queue);
  rfl_farm_finalize();
  return code;
}

/* Message from rank 0 only (every rank reaches the same input errors); the exit code. */
static int fail(const sweep_ctx *c, rfl_status st) {
  if (c->rank == 0) fprintf(stderr, "rflesion: %s\n", rfl_error_message()[0] ? rfl_error_message() : rfl_strerror(st));
  return rfl_status_exit_code(st);
}

static int usage_error(const sweep_ctx *c, const char *fmt, const char *arg) {
  if (c->rank == 0) {
    fprintf(stderr, "rflesion sweep: ");
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    rfl_cli_usage(stderr, sweep_usage, 1);
  }
  return RFL_CLI_EXIT_USAGE;
}

/* The command line's options besides the case (sweep_ctx holds what the cases need). */
typedef struct {
  struct {
    const char *option, *text;
  } sweep_opts[RFL_CLI_MAX_SETS]; /* --vary, --zip, --samples, --seed in order */
  int nsweep_opts, dry_run, shard, nshards, from_array, threads, flags_exit_zero;
  const char *figures[MAX_FIGURES];
  int nfigures;
  char accuracy_set[RFL_CLI_ACCURACY_SET_MAX];
} sweep_args;

/* One option of the sweep's: -1 to go on, else the exit code. */
static int take_option(sweep_ctx *c, sweep_args *a, int opt, const char *arg) {
  switch (opt) {
    case 'A': /* --set solver.accuracy_mm=MM */
      rfl_cli_accuracy_set(a->accuracy_set, arg);
      arg = a->accuracy_set;
      /* fall through */
    case 's':
      if (c->sets.n == RFL_CLI_MAX_SETS) return usage_error(c, "expected at most 256 --set options, found more%s", "");
      c->sets.items[c->sets.n++] = arg;
      return -1;
    case 'V': case 'z': case 'N': case 'S':
      if (a->nsweep_opts == RFL_CLI_MAX_SETS) return usage_error(c, "expected at most 256 sweep options, found more%s", "");
      a->sweep_opts[a->nsweep_opts].option = opt == 'V' ? "vary" : opt == 'z' ? "zip" : opt == 'N' ? "samples" : "seed";
      a->sweep_opts[a->nsweep_opts++].text = arg;
      return -1;
    case 'o': c->out = arg; return -1;
    case 'd': a->dry_run = 1; return -1;
    case 'x':
      if (!parse_shard(arg, &a->shard, &a->nshards))
        return usage_error(c, "--shard: expected I/N with 0 <= I < N, found '%s'", arg);
      return -1;
    case 'F': c->fields = 1; return -1;
    case 'g':
      if (a->nfigures == MAX_FIGURES) return usage_error(c, "expected at most 16 --figure options, found more%s", "");
      a->figures[a->nfigures++] = arg;
      return -1;
    case 't':
      if (!rfl_cli_threads_arg(arg, &a->threads))
        return usage_error(c, "--threads: expected an integer 1..1024, found '%s'", arg);
      return -1;
    case 'q': c->quiet = 1; return -1;
    case 'Z': a->flags_exit_zero = 1; return -1;
    case 'h':
      if (c->rank == 0) rfl_cli_usage(stdout, sweep_usage, 1);
      return RFL_CLI_EXIT_OK;
    default:
      return usage_error(c, "unknown or incomplete option '%s'", arg);
  }
}

/* The options and the case file's name: -1 to go on, else the exit code. */
static int parse_args(sweep_ctx *c, sweep_args *a, int argc, char **argv) {
  static const struct option longopts[] = {
      RFL_CLI_SET_OPTION,                        {"vary", required_argument, NULL, 'V'},
      {"zip", required_argument, NULL, 'z'},     {"samples", required_argument, NULL, 'N'},
      {"seed", required_argument, NULL, 'S'},    {"out", required_argument, NULL, 'o'},
      {"dry-run", no_argument, NULL, 'd'},       {"shard", required_argument, NULL, 'x'},
      {"fields", no_argument, NULL, 'F'},        {"figure", required_argument, NULL, 'g'},
      {"threads", required_argument, NULL, 't'}, {"quiet", no_argument, NULL, 'q'},
      {"help", no_argument, NULL, 'h'},          {"flags-exit-zero", no_argument, NULL, 'Z'},
      {"accuracy", required_argument, NULL, 'A'}, {NULL, 0, NULL, 0}};
  optind = 0;
  opterr = 0;
  int opt, code;
  while ((opt = getopt_long(argc, argv, "s:qh", longopts, NULL)) != -1)
    if ((code = take_option(c, a, opt, opt == '?' || opt == ':' ? argv[optind - 1] : optarg)) >= 0) return code;
  if (optind != argc - 1) {
    char n[32];
    snprintf(n, sizeof n, "%d", argc - optind);
    return usage_error(c, "expected one case file, found %s arguments", n);
  }
  c->path = argv[optind];
  if (!c->out && !a->dry_run) return usage_error(c, "expected --out DIR (or --dry-run)%s", "");
  return -1;
}

/* The shard: --shard, else a SLURM array task's (read only here: a dry run writes nothing;
 * recorded in DIR once it is prepared), else the whole sweep. Then the threads per process. */
static rfl_status shard_and_threads(const sweep_ctx *c, sweep_args *a) {
  if (a->shard < 0) {
    RFL_CHECK(rfl_array_shard(c->out, 0, &a->shard, &a->nshards));
    a->from_array = a->nshards > 0;
    if (!a->from_array) a->shard = 0, a->nshards = 1;
  }
#ifdef _OPENMP
  if (a->threads > 0) {
    omp_set_num_threads(a->threads);
  } else {
    const int t = rfl_farm_threads_per_rank(omp_get_num_procs());
    if (t > 0) omp_set_num_threads(t);
  }
#endif
  return RFL_OK;
}

/* The sweep: the case file's [sweep] section, then the command line's options; the case
 * file's bytes are kept for reading every case. */
static rfl_status load_sweep(sweep_ctx *c, sweep_args *a, rfl_case_warnings *warnings) {
  c->kase = malloc(sizeof *c->kase);
  c->summary = malloc(sizeof *c->summary);
  if (!c->kase || !c->summary) return RFL_ERROR(RFL_ENOMEM, "out of memory");
  rfl_case_read_options ropt;
  rfl_cli_case_options(&ropt, c->sets.items, c->sets.n, NULL, warnings);
  FILE *f = fopen(c->path, "rb");
  if (!f) return rfl_case_read(c->path, &ropt, c->kase); /* the reader's message for a missing file */
  c->data = malloc(RFL_CASE_MAX_BYTES + 1);
  if (!c->data) {
    fclose(f);
    return RFL_ERROR(RFL_ENOMEM, "out of memory");
  }
  c->len = fread(c->data, 1, RFL_CASE_MAX_BYTES + 1, f);
  fclose(f);
  if (c->len > RFL_CASE_MAX_BYTES) return rfl_case_read(c->path, &ropt, c->kase);
  RFL_CHECK(rfl_sweep_read_text(&c->sweep, c->path, c->data, c->len));
  for (int i = 0; i < a->nsweep_opts; i++)
    RFL_CHECK(rfl_sweep_add_option(&c->sweep, a->sweep_opts[i].option, a->sweep_opts[i].text));
  RFL_CHECK(rfl_sweep_finalize(&c->sweep));
  a->flags_exit_zero = a->flags_exit_zero || c->sweep.flags_exit_zero;
  c->ncases = rfl_sweep_count(&c->sweep);
  c->cost = malloc(c->ncases * sizeof *c->cost);
  c->hash = malloc(c->ncases * sizeof *c->hash);
  if (!c->cost || !c->hash) return RFL_ERROR(RFL_ENOMEM, "out of memory for %zu cases", c->ncases);
  return RFL_OK;
}

/* --figure names must be columns: checked against case 0's row as a failed case. */
static rfl_status check_figures(sweep_ctx *c, const sweep_args *a) {
  if (!a->nfigures) return RFL_OK;
  rfl_results_row proto;
  rfl_results_table t;
  rfl_results_table_init(&t);
  rfl_results_row_init(&proto, 0);
  rfl_sweep_job_read_case(c, 0, c->kase, NULL);
  rfl_status ps = RFL_OK;
  rfl_sweep_job_add_head(&proto, c, 0, "failed", "", 3, &ps);
  if (ps == RFL_OK) ps = rfl_results_row_add_summary(&proto, NULL, c->kase);
  if (ps == RFL_OK) ps = rfl_results_row_add_real(&proto, "wall_s", 0.0);
  if (ps == RFL_OK) ps = rfl_results_table_add(&t, &proto);
  if (ps == RFL_OK) ps = rfl_results_table_finish(&t);
  for (int i = 0; i < a->nfigures && ps == RFL_OK; i++) ps = rfl_sweep_figure_check(&t, a->figures[i]);
  rfl_results_row_free(&proto);
  rfl_results_table_free(&t);
  return ps;
}

/* Every case read and validated before anything runs (case 0's warnings shown), the
 * manifest built, the --figure names checked and this process's queue planned: -1 to go
 * on, else the exit code. */
static int prepare(sweep_ctx *c, sweep_args *a) {
  rfl_case_warnings warnings = {0};
  rfl_status st = load_sweep(c, a, &warnings);
  if (st != RFL_OK) return fail(c, st);
  rfl_error_clear();
  if (rfl_sweep_job_read_case(c, 0, c->kase, &warnings) != RFL_OK)
    return fail(c, rfl_sweep_job_case_error(c, 0, RFL_EINPUT));
  if (!c->quiet && c->rank == 0) rfl_cli_print_warnings(&warnings, "case 0: ");
  if ((st = rfl_sweep_job_expand(c, &c->manifest)) != RFL_OK) return fail(c, st);
  if ((st = check_figures(c, a)) != RFL_OK) return fail(c, st);
  if ((st = rfl_sweep_job_plan(c, a->shard, a->nshards, c->size == 1 || a->dry_run, &c->queue, &c->nqueue)) != RFL_OK)
    return fail(c, st);
  return -1;
}

/* The directory: rank 0 (or each shard) locks it, writes the manifest or checks it, and
 * keeps the cases without a record: -1 to go on, else the exit code. */
static int own_output(sweep_ctx *c, const sweep_args *a) {
  rfl_status st = RFL_OK;
  if (c->rank == 0) st = own_directory(c, c->manifest, a->shard, a->nshards, c->queue, c->nqueue);
  if (c->rank == 0 && st == RFL_OK && a->from_array) st = rfl_sweep_job_check_array_shard(c, a->shard, a->nshards);
  int code0 = rfl_farm_bcast_int(st == RFL_OK ? 0 : rfl_status_exit_code(st));
  if (code0 != 0) return c->rank == 0 ? fail(c, st) : code0;
  if (c->rank != 0) return -1;
  c->pending = unfinished(c, c->queue, c->nqueue);
  c->todo = c->pending;
  if (c->quiet) return -1;
  printf("Sweep of %s: %zu cases", c->path, c->ncases);
  if (a->nshards > 1) printf(", shard %d of %d: %zu cases", a->shard, a->nshards, c->nqueue);
  printf(", %zu to run", c->pending);
  if (c->nqueue > c->pending) printf(" (%zu done before)", c->nqueue - c->pending);
  if (c->size > 1) printf(", %d MPI ranks", c->size);
  printf(", %d thread(s) each\n", rfl_parallel_threads());
  fflush(stdout);
  return -1;
}

/* The table (all shards' records) and figures once every case has its record, else what is
 * missing; a shard of several is judged by its own cases. Returns the exit code. */
static int gather(sweep_ctx *c, const sweep_args *a, double wall) {
  rfl_results_table t;
  rfl_results_table_init(&t);
  size_t missing = 0, first[8];
  const char *dirs[1] = {c->out};
  rfl_status st = rfl_sweep_dir_collect(dirs, 1, c->ncases, c->hash, &t, &missing, first, 8);
  int code = 0;
  if (st == RFL_OK && missing == 0) {
    st = rfl_sweep_dir_write_table(c->out, &t, c->manifest);
    for (int i = 0; i < a->nfigures && st == RFL_OK; i++) {
      char path[RFL_PATH_MAX + 512];
      st = rfl_sweep_figure(c->out, &t, a->figures[i], path, sizeof path);
      if (st == RFL_OK && !c->quiet) printf("Figure: %s\n", path);
    }
    if (st == RFL_OK) code = rfl_sweep_table_exit_code(&t);
    if (st == RFL_OK && !c->quiet)
      printf("Done: %zu cases in %.1f s (%.1f cases per minute); table %s/results.h5 and %s/results.csv\n", c->pending,
             wall, wall > 0 ? 60.0 * (double)c->pending / wall : 0.0, c->out, c->out);
  } else if (st == RFL_OK && !c->quiet) {
    printf("Done: shard %d of %d (%zu cases in %.1f s); %zu cases of the sweep have no results yet: when every "
           "shard has finished, 'rflesion merge %s' writes the table\n", a->shard, a->nshards, c->pending, wall,
           missing, c->out);
  }
  /* one shard of several (also the last, which wrote the table): its own cases decide */
  if (st == RFL_OK && a->nshards > 1) st = rfl_sweep_job_shard_exit_code(c, a->shard, a->nshards, &code);
  rfl_results_table_free(&t);
  if (st != RFL_OK) {
    fprintf(stderr, "rflesion: %s\n", rfl_error_message());
    return rfl_status_exit_code(st);
  }
  return code == 1 && a->flags_exit_zero ? 0 : code;
}

/* The sweep from the options to the exit code (every exit through rfl_cmd_sweep's finish). */
static int sweep(sweep_ctx *c, sweep_args *a, int argc, char **argv) {
  /* MPI first: every rank parses the same arguments and reaches the same verdicts */
  rfl_status st = rfl_farm_init(&c->rank, &c->size);
  if (st != RFL_OK) return fail(c, st);
  int code = parse_args(c, a, argc, argv);
  if (code >= 0) return code;
  if ((st = shard_and_threads(c, a)) != RFL_OK) return fail(c, st);
  if ((code = prepare(c, a)) >= 0) return code;
  if (a->dry_run) {
    if (c->rank == 0) {
      rfl_sweep_job_print_dry_run(c, a->shard, a->nshards, c->queue, c->nqueue);
      printf("Execution: %s\n",
             c->size > 1 ? "MPI task farm" : a->nshards > 1 ? "one process, this shard" : "one process");
    }
    return RFL_CLI_EXIT_OK;
  }
  if ((code = own_output(c, a)) >= 0) return code;
  double t0 = rfl_sweep_job_now();
  st = rfl_farm_run(c->queue, c->rank == 0 ? c->pending : 0, rfl_sweep_job_run_case, rfl_sweep_job_commit, c);
  double wall = rfl_sweep_job_now() - t0;
  if (st != RFL_OK) return fail(c, st);
  return c->rank == 0 ? gather(c, a, wall) : RFL_CLI_EXIT_OK;
}

int rfl_cmd_sweep(int argc, char **argv) {
  sweep_ctx ctx = {.lock = {-1, -1, 0}};
  sweep_args args = {.shard = -1, .threads = -1};
  rfl_sweep_init(&ctx.sweep);
  return finish(&ctx, sweep(&ctx, &args, argc, argv));
}
