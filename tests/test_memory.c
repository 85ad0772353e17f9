// SPDX-License-Identifier: BSD-3-Clause
/* Tests of the run's memory estimate and of the limit it is checked against: the limit
 * from fake /proc/self/cgroup files, cgroup trees (v2, a v1/v2 hybrid, v1) and SLURM
 * environments, exactly which one wins and how it is named; the estimate's multigrid plan
 * against the hierarchy rfl_mg_create builds, and its items. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_support.h"
/* after test_support.h (cmocka's include order) */
#include "case.h"
#include "grid.h"
#include "memory_estimate.h"
#include "memory_limit.h"
#include "mg.h"

#define MIB (1024.0 * 1024.0)
#define GIB (1024.0 * MIB)

static char root[64];

static void write_file(const char *rel, const char *text) {
  char path[256], dir[256];
  snprintf(path, sizeof path, "%s/%s", root, rel);
  for (char *p = strchr(path + strlen(root) + 1, '/'); p; p = strchr(p + 1, '/')) {
    snprintf(dir, sizeof dir, "%.*s", (int)(p - path), path);
    mkdir(dir, 0700);
  }
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/* A fake environment: NAME=VALUE pairs, NULL-terminated. */
static const char *const *fake_env;
static const char *env_lookup(const char *name) {
  size_t n = strlen(name);
  for (int i = 0; fake_env && fake_env[i]; i++)
    if (strncmp(fake_env[i], name, n) == 0 && fake_env[i][n] == '=') return fake_env[i] + n + 1;
  return NULL;
}

/* The limit found with the fake files under root, the given environment and 16 GiB of RAM. */
static rfl_memory_limit find(const char *cgroup_file, const char *const *env) {
  char proc[128], cg[128];
  snprintf(proc, sizeof proc, "%s/%s", root, cgroup_file);
  snprintf(cg, sizeof cg, "%s/cg", root);
  fake_env = env;
  rfl_memory_limit_sources src = {.proc_self_cgroup = proc, .cgroup_root = cg, .env = env_lookup,
                                  .physical = 16.0 * GIB};
  rfl_memory_limit lim;
  assert_int_equal(rfl_memory_limit_find(&src, &lim), RFL_OK);
  return lim;
}

static void expect_source(const rfl_memory_limit *lim, const char *rel) {
  char want[256];
  snprintf(want, sizeof want, rel, root);
  assert_string_equal(lim->source, want);
}

static void test_limit_physical(void **state) {
  (void)state;
  write_file("proc_none", "0::/\n");
  rfl_memory_limit lim = find("proc_none", NULL);
  assert_close(lim.bytes, 16.0 * GIB, 0.0);
  assert_string_equal(lim.source, "physical memory");
  lim = find("no_such_file", NULL); /* no /proc: still the machine's memory */
  assert_close(lim.bytes, 16.0 * GIB, 0.0);
  /* the real machine's: whatever it is, a positive number with a source */
  rfl_memory_limit real;
  assert_int_equal(rfl_memory_limit_find(NULL, &real), RFL_OK);
  assert_true(real.bytes > 0.0 && real.source[0]);
}

/* v2: the leaf says max, its parent holds the limit; an ancestor's smaller limit wins */
static void test_limit_cgroup_v2(void **state) {
  (void)state;
  write_file("proc_v2", "0::/job/step/task\n");
  write_file("cg/job/step/task/memory.max", "max\n");
  write_file("cg/job/step/memory.max", "2147483648\n");
  write_file("cg/job/memory.max", "4294967296\n");
  rfl_memory_limit lim = find("proc_v2", NULL);
  assert_close(lim.bytes, 2.0 * GIB, 0.0);
  expect_source(&lim, "cgroup v2 %s/cg/job/step/memory.max");
  write_file("cg/job/memory.max", "1073741824\n");
  lim = find("proc_v2", NULL);
  assert_close(lim.bytes, 1.0 * GIB, 0.0);
  expect_source(&lim, "cgroup v2 %s/cg/job/memory.max");
  /* a v1/v2 hybrid: v2 lives under unified/ */
  write_file("proc_hybrid", "4:memory:/\n0::/user/app\n");
  write_file("cg/unified/user/app/memory.max", "536870912\n");
  lim = find("proc_hybrid", NULL);
  assert_close(lim.bytes, 512.0 * MIB, 0.0);
  expect_source(&lim, "cgroup v2 %s/cg/unified/user/app/memory.max");
}

/* v1: memory.limit_in_bytes of the memory controller's path; ~2^63 means none */
static void test_limit_cgroup_v1(void **state) {
  (void)state;
  write_file("proc_v1", "5:cpu,cpuacct:/x\n4:memory:/batch/job7\n0::/\n");
  write_file("cg/memory/batch/job7/memory.limit_in_bytes", "3221225472\n");
  rfl_memory_limit lim = find("proc_v1", NULL);
  assert_close(lim.bytes, 3.0 * GIB, 0.0);
  expect_source(&lim, "cgroup v1 %s/cg/memory/batch/job7/memory.limit_in_bytes");
  write_file("cg/memory/batch/job7/memory.limit_in_bytes", "9223372036854771712\n");
  lim = find("proc_v1", NULL);
  assert_string_equal(lim.source, "physical memory");
  /* a container sees its own cgroup at the mount's root */
  write_file("proc_v1c", "4:memory:/elsewhere/abc\n");
  write_file("cg/memory/memory.limit_in_bytes", "1073741824\n");
  lim = find("proc_v1c", NULL);
  assert_close(lim.bytes, 1.0 * GIB, 0.0);
  expect_source(&lim, "cgroup v1 %s/cg/memory/memory.limit_in_bytes");
}

/* SLURM: per node, shared by the node's tasks; or per CPU times the task's CPUs */
static void test_limit_slurm(void **state) {
  (void)state;
  static const char *const node[] = {"SLURM_MEM_PER_NODE=4000", "SLURM_NTASKS_PER_NODE=2", NULL};
  rfl_memory_limit lim = find("proc_none", node);
  assert_close(lim.bytes, 2000.0 * MIB, 0.0);
  assert_string_equal(lim.source, "SLURM_MEM_PER_NODE = 4000 MB for the node's tasks");
  static const char *const step[] = {"SLURM_MEM_PER_NODE=8000", "SLURM_STEP_TASKS_PER_NODE=4(x2)",
                                     "SLURM_NTASKS_PER_NODE=2", NULL};
  lim = find("proc_none", step);
  assert_close(lim.bytes, 2000.0 * MIB, 0.0);
  static const char *const cpu[] = {"SLURM_MEM_PER_CPU=1000", "SLURM_CPUS_PER_TASK=3", NULL};
  lim = find("proc_none", cpu);
  assert_close(lim.bytes, 3000.0 * MIB, 0.0);
  assert_string_equal(lim.source, "SLURM_MEM_PER_CPU = 1000 MB x 3 CPUs of a task");
  static const char *const one_cpu[] = {"SLURM_MEM_PER_CPU=1500", NULL};
  lim = find("proc_none", one_cpu);
  assert_close(lim.bytes, 1500.0 * MIB, 0.0);
  /* a cgroup below SLURM's figure wins, shared among the ranks like the node's memory */
  static const char *const both[] = {"SLURM_MEM_PER_NODE=64000", "OMPI_COMM_WORLD_LOCAL_SIZE=4", NULL};
  lim = find("proc_v2", both); /* 1 GiB on cg/job */
  assert_close(lim.bytes, 256.0 * MIB, 0.0);
  char want[256];
  snprintf(want, sizeof want, "cgroup v2 %s/cg/job/memory.max shared by 4 ranks on the node", root);
  assert_string_equal(lim.source, want);
  static const char *const ranks[] = {"OMPI_COMM_WORLD_LOCAL_SIZE=8", NULL};
  lim = find("proc_none", ranks);
  assert_close(lim.bytes, 2.0 * GIB, 0.0);
  assert_string_equal(lim.source, "physical memory shared by 8 ranks on the node");
  static const char *const junk[] = {"SLURM_MEM_PER_NODE=lots", "SLURM_NTASKS_PER_NODE=x", NULL};
  lim = find("proc_none", junk);
  assert_string_equal(lim.source, "physical memory");
}

/* The plan counts the levels rfl_mg_create builds, on a graded grid too. */
static void test_mg_plan(void **state) {
  (void)state;
  static rfl_case c;
  rfl_case_defaults(&c);
  c.grid.domain_min = rfl_vec3_make(-0.01, -0.01, -0.015);
  c.grid.domain_max = rfl_vec3_make(0.01, 0.01, 0.015);
  c.grid.fine_min = rfl_vec3_make(-0.003, -0.003, -0.006);
  c.grid.fine_max = rfl_vec3_make(0.003, 0.003, 0.006);
  c.grid.spacing = 0.25e-3;
  c.grid.growth = 1.2;
  rfl_grid *g = NULL;
  assert_int_equal(rfl_grid_create(&c.grid, &g), RFL_OK);
  rfl_mg_plan plan;
  assert_int_equal(rfl_mg_plan_hierarchy(g, &plan), RFL_OK);
  rfl_mg *mg = NULL;
  assert_int_equal(rfl_mg_create(g, &mg), RFL_OK);
  assert_int_equal(plan.nlevels, rfl_mg_levels(mg));
  assert_true(plan.nlevels >= 3);
  assert_true(plan.coarsest_cells <= 1000);
  assert_true(plan.coarse_cells > g->ncells / 10 && plan.coarse_cells < g->ncells / 2);
  assert_true(plan.bytes_owner > plan.bytes_sharing);
  rfl_mg_free(mg);

  /* the estimate: its items add up; mirror planes add the unfolded domain's copies; figures
   * and the HDF5 file their own costs */
  rfl_memory_estimate e, quarter, lean;
  rfl_memory_run_options with_all = {.output = 1, .figures = 1}, none = {0};
  assert_int_equal(rfl_memory_estimate_case(&c, &with_all, &e), RFL_OK);
  assert_int_equal(e.cells, g->ncells);
  assert_int_equal(e.coarse_cells, plan.coarse_cells);
  double sum = 0.0;
  for (int i = 0; i < e.nitems; i++) sum += e.items[i].bytes;
  assert_close(e.total, sum, 1e-6 * sum);
  assert_int_equal(rfl_memory_estimate_case(&c, &none, &lean), RFL_OK);
  assert_close(e.total - lean.total,
               RFL_MEMORY_FIGURES_BYTES + RFL_MEMORY_OUTPUT_BYTES + 8.0 * (double)g->ncells, 1.0);
  assert_close(rfl_memory_estimate_bytes(&c, &none), lean.total, 0.0);
  /* per cell, 250 to 450 bytes beyond the program at this size */
  double per_cell = (lean.total - RFL_MEMORY_PROGRAM_BYTES) / (double)g->ncells;
  assert_true(per_cell > 250.0 && per_cell < 450.0);
  c.grid.symmetry = RFL_SYMMETRY_XY;
  c.grid.domain_min = rfl_vec3_make(0.0, 0.0, -0.015);
  c.grid.fine_min = rfl_vec3_make(0.0, 0.0, -0.006);
  assert_int_equal(rfl_memory_estimate_case(&c, &none, &quarter), RFL_OK);
  assert_int_equal(quarter.unfolded_cells, 4 * quarter.cells);
  assert_true(quarter.total - RFL_MEMORY_PROGRAM_BYTES > 0.25 * (lean.total - RFL_MEMORY_PROGRAM_BYTES));
  /* a grid that cannot be built: no estimate */
  c.grid.spacing = 0.0;
  assert_true(rfl_memory_estimate_bytes(&c, NULL) < 0.0);
  rfl_grid_free(g);
}

int main(void) {
  snprintf(root, sizeof root, "/tmp/rfl_memory_%d", (int)getpid());
  if (mkdir(root, 0700) != 0) {
    perror(root);
    return 1;
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_limit_physical),  cmocka_unit_test(test_limit_cgroup_v2),
      cmocka_unit_test(test_limit_cgroup_v1), cmocka_unit_test(test_limit_slurm),
      cmocka_unit_test(test_mg_plan),
  };
  int failed = cmocka_run_group_tests(tests, NULL, NULL);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", root);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", root);
  return failed;
}
