// SPDX-License-Identifier: BSD-3-Clause
/* Deterministic reductions (see parallel.h): the sum is split into fixed blocks that depend
 * only on n, each block summed serially, and the block sums added in order, so the result
 * is bit-identical for any thread count. No allocation: at most RFL_REDUCE_MAX_BLOCKS
 * partial sums live on the stack, larger arrays use proportionally larger blocks. */
#include "parallel.h"

#define RFL_REDUCE_MAX_BLOCKS 2048

double rfl_parallel_dot(const double *f, const double *w, const unsigned char *skip, size_t n) {
  size_t block = RFL_REDUCE_BLOCK;
  if (n > block * RFL_REDUCE_MAX_BLOCKS) block = (n + RFL_REDUCE_MAX_BLOCKS - 1) / RFL_REDUCE_MAX_BLOCKS;
  size_t nblocks = (n + block - 1) / block;
  double partial[RFL_REDUCE_MAX_BLOCKS];
  RFL_OMP_FOR_N(n)
  for (size_t b = 0; b < nblocks; ++b) {
    size_t lo = b * block, hi = lo + block < n ? lo + block : n;
    double s = 0.0;
    for (size_t i = lo; i < hi; ++i)
      if (!skip || !skip[i]) s += f[i] * (w ? w[i] : 1.0);
    partial[b] = s;
  }
  double total = 0.0;
  for (size_t b = 0; b < nblocks; ++b) total += partial[b];
  return total;
}
