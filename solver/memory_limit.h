// SPDX-License-Identifier: BSD-3-Clause
/* The memory a run may use: the smallest of the machine's physical memory, the process's
 * cgroup limit (v2 memory.max of its cgroup and every ancestor; v1 memory.limit_in_bytes)
 * and SLURM's allocation (SLURM_MEM_PER_NODE, or SLURM_MEM_PER_CPU times the CPUs of a
 * task), shared among the ranks on the node (SLURM_STEP_TASKS_PER_NODE,
 * SLURM_NTASKS_PER_NODE or OMPI_COMM_WORLD_LOCAL_SIZE), since they run side by side in one
 * job. The places it reads are injectable for tests. */
#ifndef RFL_MEMORY_LIMIT_H
#define RFL_MEMORY_LIMIT_H

#include <stddef.h>

#include "status.h"

typedef struct {
  const char *proc_self_cgroup;        /* NULL: /proc/self/cgroup */
  const char *cgroup_root;             /* NULL: /sys/fs/cgroup */
  const char *(*env)(const char *name); /* NULL: getenv */
  double physical;                     /* bytes; 0: the machine's (sysconf) */
} rfl_memory_limit_sources;

typedef struct {
  double bytes;       /* the limit for this process */
  char source[320];   /* where it came from, e.g. "cgroup memory.max of /user.slice/x" */
} rfl_memory_limit;

/* Find the limit (src may be NULL). Fails only when not even the physical memory is known. */
rfl_status rfl_memory_limit_find(const rfl_memory_limit_sources *src, rfl_memory_limit *out);

#endif
