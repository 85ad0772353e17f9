// SPDX-License-Identifier: BSD-3-Clause
/* The memory limit that applies to this process (see memory_limit.h). */
#include "memory_limit.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MIB (1024.0 * 1024.0)

static const char *env_get(const rfl_memory_limit_sources *s, const char *name) {
  const char *v = s->env ? s->env(name) : getenv(name);
  return v && *v ? v : NULL;
}

/* The leading positive integer of an environment value ("2", "2(x3)" -> 2), or 0. */
static double env_count(const rfl_memory_limit_sources *s, const char *name) {
  const char *v = env_get(s, name);
  if (!v || !isdigit((unsigned char)*v)) return 0.0;
  double x = strtod(v, NULL);
  return x > 0.0 ? x : 0.0;
}

/* One number from a file: "max" or a missing file gives 0 (no limit). */
static double read_limit_file(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return 0.0;
  char buf[64] = "";
  int ok = fgets(buf, sizeof buf, f) != NULL;
  fclose(f);
  if (!ok || !isdigit((unsigned char)buf[0])) return 0.0;
  double v = strtod(buf, NULL);
  return v > 0.0 && v < 0x1p60 ? v : 0.0; /* v1 writes ~2^63 for "no limit" */
}

/* Take bytes as the limit when it is the smallest so far; the source is what + detail. */
static void offer(rfl_memory_limit *out, double bytes, const char *what, const char *detail) {
  if (!(bytes > 0.0) || (out->bytes > 0.0 && bytes >= out->bytes)) return;
  out->bytes = bytes;
  size_t cap = sizeof out->source - 1, n = strlen(what);
  if (n > cap) n = cap;
  memcpy(out->source, what, n);
  size_t m = strlen(detail);
  if (m > cap - n) m = cap - n;
  memcpy(out->source + n, detail, m);
  out->source[n + m] = '\0';
}

/* cgroup v2 ("0::/path": memory.max of the cgroup and each ancestor, under the root or,
 * on a v1/v2 hybrid, its unified/ directory) and v1
 * ("N:...memory...:/path": memory.limit_in_bytes). */
static void cgroup_limits(const rfl_memory_limit_sources *s, rfl_memory_limit *out) {
  const char *root = s->cgroup_root ? s->cgroup_root : "/sys/fs/cgroup";
  FILE *f = fopen(s->proc_self_cgroup ? s->proc_self_cgroup : "/proc/self/cgroup", "r");
  if (!f) return;
  char line[1024], path[2048];
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = '\0';
    char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c2) continue;
    *c1 = '\0';
    *c2 = '\0';
    const char *controllers = c1 + 1, *cg = c2 + 1;
    if (strncmp(line, "0", 2) == 0 && controllers[0] == '\0') { /* v2 */
      char dir[1024];
      snprintf(dir, sizeof dir, "%s", strcmp(cg, "/") == 0 ? "" : cg);
      for (;;) { /* a v1/v2 hybrid mounts v2 at unified/ */
        for (int hybrid = 0; hybrid < 2; hybrid++) {
          snprintf(path, sizeof path, "%s%s%s/memory.max", root, hybrid ? "/unified" : "", dir);
          offer(out, read_limit_file(path), "cgroup v2 ", path);
        }
        char *slash = strrchr(dir, '/');
        if (!slash) break;
        *slash = '\0';
      }
    } else if (strstr(controllers, "memory")) { /* v1 */
      snprintf(path, sizeof path, "%s/memory%s/memory.limit_in_bytes", root, strcmp(cg, "/") == 0 ? "" : cg);
      double v = read_limit_file(path);
      if (!(v > 0.0)) { /* a container sees its own cgroup at the mount's root */
        snprintf(path, sizeof path, "%s/memory/memory.limit_in_bytes", root);
        v = read_limit_file(path);
      }
      offer(out, v, "cgroup v1 ", path);
    }
  }
  fclose(f);
}

static void slurm_limit(const rfl_memory_limit_sources *s, double tasks, rfl_memory_limit *out) {
  const char *node = env_get(s, "SLURM_MEM_PER_NODE"), *cpu = env_get(s, "SLURM_MEM_PER_CPU");
  char text[160];
  if (node && isdigit((unsigned char)*node)) {
    snprintf(text, sizeof text, "%.20s MB%s", node, tasks > 1.0 ? " for the node's tasks" : "");
    offer(out, strtod(node, NULL) * MIB / tasks, "SLURM_MEM_PER_NODE = ", text);
  } else if (cpu && isdigit((unsigned char)*cpu)) {
    double cpus = env_count(s, "SLURM_CPUS_PER_TASK");
    if (!(cpus > 0.0)) cpus = 1.0;
    snprintf(text, sizeof text, "%.20s MB x %g CPUs of a task", cpu, cpus);
    offer(out, strtod(cpu, NULL) * MIB * cpus, "SLURM_MEM_PER_CPU = ", text);
  }
}

rfl_status rfl_memory_limit_find(const rfl_memory_limit_sources *src, rfl_memory_limit *out) {
  rfl_memory_limit_sources s = src ? *src : (rfl_memory_limit_sources){0};
  *out = (rfl_memory_limit){0};
  double phys = s.physical;
  if (!(phys > 0.0)) {
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0) phys = (double)pages * (double)page;
  }
  /* ranks side by side on this node share whatever limit applies to all of them */
  double tasks = env_count(&s, "SLURM_STEP_TASKS_PER_NODE");
  if (!(tasks > 0.0)) tasks = env_count(&s, "SLURM_NTASKS_PER_NODE");
  if (!(tasks > 0.0)) tasks = env_count(&s, "OMPI_COMM_WORLD_LOCAL_SIZE");
  if (!(tasks > 0.0)) tasks = 1.0;
  offer(out, phys, "physical memory", "");
  cgroup_limits(&s, out);
  if (tasks > 1.0) out->bytes /= tasks; /* node-wide limits so far */
  if (tasks > 1.0 && out->bytes > 0.0) {
    size_t n = strlen(out->source);
    snprintf(out->source + n, sizeof out->source - n, " shared by %g ranks on the node", tasks);
  }
  slurm_limit(&s, tasks, out);
  if (!(out->bytes > 0.0)) return RFL_ERROR(RFL_EIO, "cannot find the machine's physical memory");
  return RFL_OK;
}
