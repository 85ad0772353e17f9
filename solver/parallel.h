// SPDX-License-Identifier: BSD-3-Clause
/* The one place that spells OpenMP. Kernels write RFL_OMP_FOR before a loop; without
 * OpenMP the macros vanish and the code is plain serial C. Schedules are static so the
 * partition of cells over threads, and so every result, is repeatable. Reductions that
 * must not depend on the thread count go through rfl_parallel_sum (fixed-size blocks
 * summed in a fixed order). */
#ifndef RFL_PARALLEL_H
#define RFL_PARALLEL_H

#include <stddef.h>

#ifdef _OPENMP
#include <omp.h>
#define RFL_PRAGMA(x) _Pragma(#x)
#define RFL_OMP_FOR RFL_PRAGMA(omp parallel for schedule(static))
#define RFL_OMP_FOR_COLLAPSE2 RFL_PRAGMA(omp parallel for collapse(2) schedule(static))
/* The same, parallel only for loops over at least RFL_PARALLEL_MIN_CELLS cells: on coarse
 * multigrid levels a fork/join costs more than the loop (and far more when the cores are
 * shared). The partition stays static, so results do not change. */
#define RFL_OMP_FOR_N(ncells) \
  RFL_PRAGMA(omp parallel for schedule(static) if ((ncells) >= RFL_PARALLEL_MIN_CELLS))
#define RFL_OMP_FOR_COLLAPSE2_N(ncells) \
  RFL_PRAGMA(omp parallel for collapse(2) schedule(static) if ((ncells) >= RFL_PARALLEL_MIN_CELLS))
static inline int rfl_parallel_threads(void) { return omp_get_max_threads(); }
#else
#define RFL_PRAGMA(x)
#define RFL_OMP_FOR
#define RFL_OMP_FOR_COLLAPSE2
#define RFL_OMP_FOR_N(ncells)
#define RFL_OMP_FOR_COLLAPSE2_N(ncells)
static inline int rfl_parallel_threads(void) { return 1; }
#endif

#define RFL_PARALLEL_MIN_CELLS 8192

/* Block size of deterministic reductions: partial sums over blocks of this many entries
 * are added in index order, whatever the number of threads. */
#define RFL_REDUCE_BLOCK 4096 /* grows for arrays over 8 M entries */

/* Deterministic parallel sum of f[i] * w[i] (w may be NULL for weight 1) over i < n, with
 * entries where skip[i] != 0 left out (skip may be NULL). */
double rfl_parallel_dot(const double *f, const double *w, const unsigned char *skip, size_t n);

#endif
