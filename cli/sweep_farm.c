// SPDX-License-Identifier: BSD-3-Clause
/* Launch detection and the MPI task farm (see sweep_farm.h).
 *
 * Messages (MPI_COMM_WORLD, small and point to point):
 *   worker -> 0  TAG_RESULT  "rank R on HOST pid PID" and a newline, then the record text
 *                            of the case it finished (nothing after the newline: "ready")
 *   0 -> worker  TAG_CASE    one long long: the next case index, or -1 (stop)
 * Rank 0 answers with MPI_Iprobe between and during its own cases, so a worker waits at
 * most one of rank 0's time steps for its next case. MPI is initialised FUNNELED: only the
 * main thread calls MPI, outside OpenMP regions. */
#include "sweep_farm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef RFL_WITH_MPI
#include <mpi.h>
#endif

static int env_int(const char *name, int *v) {
  const char *s = getenv(name);
  if (!s || !*s) return 0;
  char *end;
  long x = strtol(s, &end, 10);
  if (*end || x < 0 || x > 1 << 24) return 0;
  *v = (int)x;
  return 1;
}

/* The leading integer of a variable such as SLURM_STEP_TASKS_PER_NODE ("2" or "2(x3)"). */
static int env_leading_int(const char *name, int *v) {
  const char *s = getenv(name);
  if (!s || *s < '0' || *s > '9') return 0;
  long x = strtol(s, NULL, 10);
  if (x < 0 || x > 1 << 24) return 0;
  *v = (int)x;
  return 1;
}

int rfl_farm_threads_per_rank(int cores) {
  if (getenv("OMP_NUM_THREADS") || !rfl_farm_launched()) return 0;
  int n;
  if (env_int("SLURM_CPUS_PER_TASK", &n) && n >= 1) return n; /* srun: the step's share */
  if (env_int("OMPI_COMM_WORLD_LOCAL_SIZE", &n) || env_int("MPI_LOCALNRANKS", &n) || /* MPICH */
      env_leading_int("SLURM_STEP_TASKS_PER_NODE", &n) || env_int("SLURM_NTASKS_PER_NODE", &n)) {
    if (n > 1) return cores / n > 1 ? cores / n : 1;
  }
  return 0;
}

int rfl_farm_launched(void) {
  return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_RANK") || getenv("PMI_SIZE");
}

int rfl_farm_launched_tasks(void) {
  if (!rfl_farm_launched()) return 1;
  int n;
  if (env_int("OMPI_COMM_WORLD_SIZE", &n) || env_int("PMI_SIZE", &n) || env_int("PMIX_SIZE", &n) ||
      env_int("SLURM_STEP_NUM_TASKS", &n) || env_int("SLURM_NTASKS", &n))
    return n;
  return 0;
}

int rfl_farm_slurm_tasks_without_launcher(void) {
  if (rfl_farm_launched()) return 0;
  int n = 0;
  if (env_int("SLURM_STEP_NUM_TASKS", &n) || (getenv("SLURM_STEP_ID") && env_int("SLURM_NTASKS", &n)))
    return n > 1 ? n : 0;
  return 0;
}

/* Plain srun under MpiDefault=none starts N copies that each see one rank: all of them would
 * run the whole sweep, silently, N times over. */
static rfl_status refuse_slurm_tasks_without_launcher(void) {
  int n = rfl_farm_slurm_tasks_without_launcher();
  if (n == 0) return RFL_OK;
  return RFL_ERROR(RFL_EUSAGE,
                   "started as one of %d Slurm tasks (SLURM_STEP_NUM_TASKS or SLURM_NTASKS) without an MPI "
                   "launcher's environment (no PMIx or PMI variables), so each task would run the whole sweep: "
                   "start the task farm with 'srun --mpi=pmix' or 'mpirun', run one task (srun -n 1), or use a "
                   "job array",
                   n);
}

void rfl_farm_whoami(int rank, char *buf, size_t size) {
  char host[64] = "?";
  gethostname(host, sizeof host);
  host[sizeof host - 1] = '\0';
  snprintf(buf, size, "rank %d on %s pid %ld", rank, host, (long)getpid());
}

#ifdef RFL_WITH_MPI

enum { TAG_RESULT = 101, TAG_CASE = 102 };
static int mpi_started;

rfl_status rfl_farm_init(int *rank, int *size) {
  *rank = 0;
  *size = 1;
  RFL_CHECK(refuse_slurm_tasks_without_launcher());
  if (!rfl_farm_launched()) return RFL_OK;
  int provided;
  if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
    return RFL_ERROR(RFL_EINTERNAL, "MPI_Init_thread failed");
  mpi_started = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, rank);
  MPI_Comm_size(MPI_COMM_WORLD, size);
  return RFL_OK;
}

void rfl_farm_finalize(void) {
  if (mpi_started) MPI_Finalize();
  mpi_started = 0;
}

int rfl_farm_bcast_int(int v) {
  if (mpi_started) MPI_Bcast(&v, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return v;
}

void rfl_farm_abort(int code) {
  if (mpi_started) MPI_Abort(MPI_COMM_WORLD, code);
  exit(code);
}

typedef struct {
  const size_t *queue;
  size_t nqueue, next;
  int active;             /* workers not yet told to stop */
  rfl_farm_commit commit;
  void *ctx;
  rfl_status status;      /* first commit failure */
} master;

static long long next_case(master *m) {
  if (m->status != RFL_OK || m->next >= m->nqueue) return -1;
  return (long long)m->queue[m->next++];
}

/* One request from a worker: store its result, send its next case. */
static void answer(master *m, const MPI_Status *probe) {
  int n = 0;
  MPI_Get_count(probe, MPI_CHAR, &n);
  char *text = malloc((size_t)n + 1);
  if (!text) {
    fprintf(stderr, "rflesion: out of memory receiving a result\n");
    rfl_farm_abort(4);
  }
  MPI_Recv(text, n, MPI_CHAR, probe->MPI_SOURCE, TAG_RESULT, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  text[n] = '\0';
  char *record = strchr(text, '\n');
  if (record) *record++ = '\0';
  if (record && *record && m->status == RFL_OK) {
    const char *who = text;
    rfl_results_row row;
    m->status = rfl_results_row_parse(who, record, &row);
    if (m->status == RFL_OK) m->status = m->commit(&row, who, m->ctx);
    rfl_results_row_free(&row);
  }
  free(text);
  long long next = next_case(m);
  MPI_Send(&next, 1, MPI_LONG_LONG, probe->MPI_SOURCE, TAG_CASE, MPI_COMM_WORLD);
  if (next < 0) m->active--;
}

static void serve(void *ctx) {
  master *m = ctx;
  for (;;) {
    int flag = 0;
    MPI_Status probe;
    MPI_Iprobe(MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD, &flag, &probe);
    if (!flag) return;
    answer(m, &probe);
  }
}

/* A worker's message to rank 0: who it is, a newline, then the record (or nothing: ready). */
static rfl_status send_result(const char *who, const char *record) {
  size_t nw = strlen(who), nr = record ? strlen(record) : 0;
  char *msg = malloc(nw + 1 + nr + 1);
  if (!msg) {
    fprintf(stderr, "rflesion: out of memory sending a result\n");
    return RFL_ENOMEM;
  }
  memcpy(msg, who, nw);
  msg[nw] = '\n';
  if (nr) memcpy(msg + nw + 1, record, nr);
  MPI_Send(msg, (int)(nw + 1 + nr), MPI_CHAR, 0, TAG_RESULT, MPI_COMM_WORLD);
  free(msg);
  return RFL_OK;
}

rfl_status rfl_farm_run(const size_t *queue, size_t nqueue, rfl_farm_run_case run, rfl_farm_commit commit,
                        void *ctx) {
  int rank = 0, size = 1;
  if (mpi_started) {
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
  }
  if (rank == 0) {
    master m = {.queue = queue, .nqueue = nqueue, .active = size - 1, .commit = commit, .ctx = ctx};
    char who[160];
    rfl_farm_whoami(0, who, sizeof who);
    long long idx;
    while ((idx = next_case(&m)) >= 0) {
      rfl_results_row row;
      rfl_status st = run((size_t)idx, &row, size > 1 ? serve : NULL, &m, ctx);
      if (st == RFL_OK && m.status == RFL_OK) m.status = commit(&row, who, ctx);
      else if (st != RFL_OK && m.status == RFL_OK) m.status = st;
      rfl_results_row_free(&row);
      if (size > 1) serve(&m);
    }
    while (m.active > 0) {
      MPI_Status probe;
      MPI_Probe(MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD, &probe);
      answer(&m, &probe);
    }
    return m.status;
  }
  char *text = NULL, who[160];
  rfl_farm_whoami(rank, who, sizeof who);
  rfl_status result = RFL_OK;
  for (;;) {
    if (send_result(who, text) != RFL_OK) rfl_farm_abort(4);
    free(text);
    text = NULL;
    long long idx;
    MPI_Recv(&idx, 1, MPI_LONG_LONG, 0, TAG_CASE, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (idx < 0) break;
    rfl_results_row row;
    rfl_status st = run((size_t)idx, &row, NULL, NULL, ctx);
    if (st == RFL_OK) st = rfl_results_row_format(&row, &text);
    rfl_results_row_free(&row);
    if (st != RFL_OK) {
      /* the case has no record (a restart runs it); go on with the next */
      fprintf(stderr, "rflesion: rank %d: case %lld: %s\n", rank, idx, rfl_error_message());
      result = st;
      text = NULL;
    }
  }
  return result;
}

#else /* built without MPI: one process, the same loop without messages */

rfl_status rfl_farm_init(int *rank, int *size) {
  *rank = 0;
  *size = 1;
  RFL_CHECK(refuse_slurm_tasks_without_launcher());
  int n = rfl_farm_launched_tasks();
  if (n != 1)
    return RFL_ERROR(RFL_EUSAGE,
                     "launched by mpirun or srun as %s tasks, but this rflesion was built without MPI "
                     "(RFL_WITH_MPI=OFF): run it as one process, or split the sweep with --shard I/N",
                     n ? "several" : "an unknown number of");
  return RFL_OK;
}

void rfl_farm_finalize(void) {}
int rfl_farm_bcast_int(int v) { return v; }
void rfl_farm_abort(int code) { exit(code); }

rfl_status rfl_farm_run(const size_t *queue, size_t nqueue, rfl_farm_run_case run, rfl_farm_commit commit,
                        void *ctx) {
  char who[160];
  rfl_farm_whoami(0, who, sizeof who);
  for (size_t i = 0; i < nqueue; i++) {
    rfl_results_row row;
    rfl_status st = run(queue[i], &row, NULL, NULL, ctx);
    if (st == RFL_OK) st = commit(&row, who, ctx);
    rfl_results_row_free(&row);
    if (st != RFL_OK) return st;
  }
  return RFL_OK;
}

#endif
