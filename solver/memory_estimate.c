// SPDX-License-Identifier: BSD-3-Clause
/* Peak memory of a run from its arrays (see memory_estimate.h). Each array family is
 * counted by the module that allocates it where it can be (simulation, operators,
 * multigrid); the analysis arrays of postproc/ are counted here, named after their owners,
 * since the solver library cannot call into postproc. */
#include "memory_estimate.h"

#include <stdint.h>

#include "geometry.h"
#include "grid.h"
#include "mg.h"
#include "simulation.h"
#include "sysmat.h"

static void add(rfl_memory_estimate *e, const char *what, double bytes) {
  if (e->nitems < RFL_MEMORY_MAX_ITEMS) e->items[e->nitems++] = (rfl_memory_item){what, bytes};
  e->total += bytes;
}

rfl_status rfl_memory_estimate_case(const rfl_case *c, const rfl_memory_run_options *run,
                                    rfl_memory_estimate *out) {
  *out = (rfl_memory_estimate){0};
  rfl_memory_run_options opt = run ? *run : (rfl_memory_run_options){.output = 1};
  rfl_grid *g = NULL;
  RFL_CHECK(rfl_grid_create(&c->grid, &g));
  rfl_mg_plan plan;
  rfl_status st = rfl_mg_plan_hierarchy(g, &plan);
  if (st != RFL_OK) {
    rfl_grid_free(g);
    return st;
  }
  const double n = (double)g->ncells, nu = n * rfl_case_mirror_factor(c);
  const int mirrored = c->grid.symmetry != RFL_SYMMETRY_NONE;
  out->cells = g->ncells;
  out->unfolded_cells = (size_t)nu;
  out->coarse_cells = plan.coarse_cells;
  add(out, "program and libraries", RFL_MEMORY_PROGRAM_BYTES);
  add(out, "fields, vapour, samples", rfl_simulation_bytes(c, g->ncells));
  add(out, "operators (potential, heat)", 2.0 * n * RFL_SYSMAT_BYTES_PER_CELL);
  add(out, "multigrid (both solvers)", plan.bytes_owner + plan.bytes_sharing);
  add(out, "geometry (labels, cuts)", n * (sizeof(rfl_label) + 3.0 * sizeof(float)));
  /* rfl_monitor: exclude mask and level function; unfolded: their copies and a field */
  add(out, "run monitor", n * (1.0 + sizeof(double)) +
                              (mirrored ? nu * (1.0 + 2.0 * sizeof(double)) : 0.0));
  /* rfl_lesion: a working copy of the field, its cell states and two sign masks */
  add(out, "lesion measurement", nu * (sizeof(double) + 3.0));
  if (opt.output) add(out, "HDF5 output", RFL_MEMORY_OUTPUT_BYTES + n * sizeof(double));
  if (opt.figures) add(out, "figures", RFL_MEMORY_FIGURES_BYTES);
  /* the end-of-RF fields kept for the figures through a cool-down (postproc/case_job.c) */
  if (opt.figures && c->generator.cooldown_s > 0.0) add(out, "end-of-RF fields (figures)", 4.0 * n * sizeof(double));
  rfl_grid_free(g);
  return RFL_OK;
}

double rfl_memory_estimate_bytes(const rfl_case *c, void *ctx) {
  rfl_memory_estimate e;
  if (rfl_memory_estimate_case(c, ctx, &e) != RFL_OK) return -1.0;
  return e.total;
}

void rfl_memory_check_options(rfl_case_read_options *opt, const rfl_memory_run_options *run,
                              rfl_memory_limit *limit) {
  if (rfl_memory_limit_find(NULL, limit) != RFL_OK) return;
  opt->memory_estimate = rfl_memory_estimate_bytes;
  opt->memory_ctx = (void *)run;
  opt->memory_limit = limit->bytes;
  opt->memory_limit_source = limit->source;
}
