// SPDX-License-Identifier: BSD-3-Clause
/* Launch detection and the default OpenMP threads of each rank (cli/sweep_farm.c, built here
 * without MPI): the environment a launcher leaves decides, and OMP_NUM_THREADS always wins.
 * Several Slurm tasks without PMI variables are refused. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_support.h"
/* after test_support.h (cmocka's include order) */
#include "sweep_farm.h"

static const char *const launcher_vars[] = {
    "OMP_NUM_THREADS",       "OMPI_COMM_WORLD_SIZE",       "PMIX_RANK",      "PMI_RANK",
    "PMI_SIZE",              "OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS", "SLURM_CPUS_PER_TASK",
    "SLURM_STEP_TASKS_PER_NODE", "SLURM_NTASKS_PER_NODE", "SLURM_STEP_NUM_TASKS", "SLURM_NTASKS",
    "SLURM_STEP_ID",         "PMIX_SIZE",                  "SLURM_ARRAY_TASK_ID"};

static int clear_environment(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof launcher_vars / sizeof launcher_vars[0]; ++i) unsetenv(launcher_vars[i]);
  return 0;
}

static void no_launcher_no_advice(void **state) {
  (void)state;
  assert_int_equal(rfl_farm_launched(), 0);
  assert_int_equal(rfl_farm_threads_per_rank(8), 0);
  setenv("OMPI_COMM_WORLD_LOCAL_SIZE", "2", 1); /* a stray variable alone is no launcher */
  assert_int_equal(rfl_farm_threads_per_rank(8), 0);
}

static void mpirun_shares_the_node(void **state) {
  (void)state;
  setenv("OMPI_COMM_WORLD_SIZE", "6", 1);
  setenv("OMPI_COMM_WORLD_LOCAL_SIZE", "3", 1);
  assert_int_equal(rfl_farm_threads_per_rank(8), 2);  /* 8 cores, 3 ranks: 2 each */
  assert_int_equal(rfl_farm_threads_per_rank(2), 1);  /* never below 1 */
  setenv("OMPI_COMM_WORLD_LOCAL_SIZE", "1", 1);
  assert_int_equal(rfl_farm_threads_per_rank(8), 0);  /* alone on the node: OpenMP's default */
  setenv("OMP_NUM_THREADS", "4", 1);
  setenv("OMPI_COMM_WORLD_LOCAL_SIZE", "3", 1);
  assert_int_equal(rfl_farm_threads_per_rank(8), 0);  /* the user's choice wins */
}

static void srun_cpus_per_task_or_tasks_per_node(void **state) {
  (void)state;
  setenv("PMIX_RANK", "0", 1);
  setenv("SLURM_STEP_TASKS_PER_NODE", "4(x2)", 1);
  assert_int_equal(rfl_farm_threads_per_rank(16), 4);
  setenv("SLURM_CPUS_PER_TASK", "3", 1);
  assert_int_equal(rfl_farm_threads_per_rank(16), 3);
  setenv("SLURM_CPUS_PER_TASK", "three", 1); /* not a number: ignored */
  assert_int_equal(rfl_farm_threads_per_rank(16), 4);
}

static const char refused[] =
    "started as one of 2 Slurm tasks (SLURM_STEP_NUM_TASKS or SLURM_NTASKS) without an MPI launcher's environment "
    "(no PMIx or PMI variables), so each task would run the whole sweep: start the task farm with 'srun --mpi=pmix' "
    "or 'mpirun', run one task (srun -n 1), or use a job array";

static void expect_init(rfl_status want, const char *message) {
  int rank = -1, size = -1;
  rfl_error_clear();
  assert_int_equal(rfl_farm_init(&rank, &size), want);
  if (message) assert_string_equal(rfl_error_message(), message);
  rfl_farm_finalize();
}

static void plain_srun_of_several_tasks_is_refused(void **state) {
  (void)state;
  setenv("SLURM_STEP_ID", "0", 1); /* srun -n 2 under MpiDefault=none */
  setenv("SLURM_STEP_NUM_TASKS", "2", 1);
  setenv("SLURM_NTASKS", "2", 1);
  assert_int_equal(rfl_farm_slurm_tasks_without_launcher(), 2);
  expect_init(RFL_EUSAGE, refused);
  unsetenv("SLURM_STEP_NUM_TASKS"); /* SLURM_NTASKS inside a step says the same */
  assert_int_equal(rfl_farm_slurm_tasks_without_launcher(), 2);
  expect_init(RFL_EUSAGE, refused);
}

static void one_task_batch_script_array_and_launchers_are_not(void **state) {
  (void)state;
  setenv("SLURM_STEP_ID", "0", 1); /* srun -n 1 */
  setenv("SLURM_STEP_NUM_TASKS", "1", 1);
  setenv("SLURM_NTASKS", "1", 1);
  assert_int_equal(rfl_farm_slurm_tasks_without_launcher(), 0);
  expect_init(RFL_OK, NULL);
  unsetenv("SLURM_STEP_ID"); /* the batch script of sbatch -n 2: no step */
  unsetenv("SLURM_STEP_NUM_TASKS");
  setenv("SLURM_NTASKS", "2", 1);
  assert_int_equal(rfl_farm_slurm_tasks_without_launcher(), 0);
  unsetenv("SLURM_NTASKS"); /* an array task */
  setenv("SLURM_ARRAY_TASK_ID", "3", 1);
  assert_int_equal(rfl_farm_slurm_tasks_without_launcher(), 0);
  setenv("SLURM_STEP_ID", "0", 1); /* srun --mpi=pmix -n 2, and mpirun inside sbatch -n 2 */
  setenv("SLURM_STEP_NUM_TASKS", "2", 1);
  setenv("PMIX_RANK", "1", 1);
  assert_int_equal(rfl_farm_slurm_tasks_without_launcher(), 0);
  unsetenv("PMIX_RANK");
  setenv("OMPI_COMM_WORLD_SIZE", "2", 1);
  assert_int_equal(rfl_farm_slurm_tasks_without_launcher(), 0);
}

static void whoami_names_rank_host_and_pid(void **state) {
  (void)state;
  char host[64] = "?", want[160], got[160];
  gethostname(host, sizeof host);
  host[sizeof host - 1] = '\0';
  snprintf(want, sizeof want, "rank 3 on %s pid %ld", host, (long)getpid());
  rfl_farm_whoami(3, got, sizeof got);
  assert_string_equal(got, want);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(no_launcher_no_advice, clear_environment),
      cmocka_unit_test_setup(mpirun_shares_the_node, clear_environment),
      cmocka_unit_test_setup(srun_cpus_per_task_or_tasks_per_node, clear_environment),
      cmocka_unit_test_setup(plain_srun_of_several_tasks_is_refused, clear_environment),
      cmocka_unit_test_setup(one_task_batch_script_array_and_launchers_are_not, clear_environment),
      cmocka_unit_test_setup(whoami_names_rank_host_and_pid, clear_environment),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
