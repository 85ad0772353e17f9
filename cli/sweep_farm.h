// SPDX-License-Identifier: BSD-3-Clause
/* How a sweep was launched, and the MPI task farm.
 *
 * rflesion calls MPI_Init only when a launcher started it: Open MPI's mpirun sets
 * OMPI_COMM_WORLD_SIZE, PMIx launchers (srun --mpi=pmix, prterun) PMIX_RANK, PMI-1/2
 * launchers (srun --mpi=pmi2, MPICH's hydra) PMI_RANK / PMI_SIZE. Plain runs never touch MPI.
 *
 * The farm: rank 0 keeps the queue (longest first) and hands out one case at a time to
 * whichever rank asks; workers send back each finished case's results record with their
 * next request, and rank 0 writes it (only rank 0 writes the sweep directory). Rank 0 runs
 * cases too, answering requests after every time step of its own case (the job's poll
 * hook), so two ranks do the work of two. Built without MPI (RFL_WITH_MPI off), a launch
 * with more than one task is refused. */
#ifndef RFL_SWEEP_FARM_H
#define RFL_SWEEP_FARM_H

#include <stddef.h>

#include "results_table.h"
#include "status.h"

/* Tasks the launcher started (1 when not launched by one; 0 if launched but the count is
 * not in the environment). */
int rfl_farm_launched_tasks(void);
/* 1 when the environment shows an MPI launcher. */
int rfl_farm_launched(void);
/* The number of tasks of a Slurm job step (SLURM_STEP_NUM_TASKS, or SLURM_NTASKS inside a
 * step) when it is more than one and no MPI launcher's variables are set: plain srun under
 * MpiDefault=none, where every task would run the whole sweep. 0 otherwise (one task, an
 * array task, a batch script, or mpirun / srun --mpi=pmix). rfl_farm_init refuses it. */
int rfl_farm_slurm_tasks_without_launcher(void);
/* "rank R on HOST pid PID": who computed a case, for the completion log. */
void rfl_farm_whoami(int rank, char *buf, size_t size);
/* OpenMP threads for each rank when neither --threads nor OMP_NUM_THREADS says (0: no
 * advice, keep OpenMP's default). Under a launcher the ranks of a node share its cores, and
 * OpenMP's default (every core for every rank) oversubscribes them: spinning threads then
 * slow every rank down many times over. srun's SLURM_CPUS_PER_TASK wins; otherwise the
 * node's `cores` divided by its ranks (OMPI_COMM_WORLD_LOCAL_SIZE, MPI_LOCALNRANKS,
 * SLURM_STEP_TASKS_PER_NODE, SLURM_NTASKS_PER_NODE), at least 1. */
int rfl_farm_threads_per_rank(int cores);

/* MPI_Init when launched (and built with MPI); rank and size of the world (0 and 1 when not).
 * RFL_EUSAGE for several Slurm tasks without a launcher (see above). */
rfl_status rfl_farm_init(int *rank, int *size);
void rfl_farm_finalize(void);
/* Rank 0's value, on every rank (a plain copy without MPI). */
int rfl_farm_bcast_int(int v);
/* Ends every rank at once (after rank 0 hit an error the others cannot see). */
void rfl_farm_abort(int code);

/* Runs one case into row (the caller's sweep context in ctx); poll is to be called often. */
typedef void (*rfl_farm_poll)(void *poll_ctx);
typedef rfl_status (*rfl_farm_run_case)(size_t index, rfl_results_row *row, rfl_farm_poll poll, void *poll_ctx,
                                        void *ctx);
/* Stores a finished case's record (rank 0 only); who = "rank R on HOST pid PID" of the rank
 * that computed it. */
typedef rfl_status (*rfl_farm_commit)(const rfl_results_row *row, const char *who, void *ctx);

/* Every rank calls this; rank 0 passes the queue (case indices in the order to hand them
 * out), the others NULL/0. Returns the first commit failure on rank 0 (the farm then hands
 * out nothing more), RFL_OK elsewhere. */
rfl_status rfl_farm_run(const size_t *queue, size_t nqueue, rfl_farm_run_case run, rfl_farm_commit commit,
                        void *ctx);

#endif
