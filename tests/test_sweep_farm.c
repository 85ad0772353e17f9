/* Launch detection and the default OpenMP threads of each rank (cli/sweep_farm.c, built here
 * without MPI): the environment a launcher leaves decides, and OMP_NUM_THREADS always wins. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>

#include "test_support.h"
/* after test_support.h (cmocka's include order) */
#include "sweep_farm.h"

static const char *const launcher_vars[] = {
    "OMP_NUM_THREADS",       "OMPI_COMM_WORLD_SIZE",       "PMIX_RANK",      "PMI_RANK",
    "PMI_SIZE",              "OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS", "SLURM_CPUS_PER_TASK",
    "SLURM_STEP_TASKS_PER_NODE", "SLURM_NTASKS_PER_NODE"};

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

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(no_launcher_no_advice, clear_environment),
      cmocka_unit_test_setup(mpirun_shares_the_node, clear_environment),
      cmocka_unit_test_setup(srun_cpus_per_task_or_tasks_per_node, clear_environment),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
