// SPDX-License-Identifier: BSD-3-Clause
/* Runs a case file through the whole pipeline (read with overrides, grid, geometry,
 * simulation with the monitor) for the tests that check a run's summary. Fails the current
 * cmocka test with the error message on any failure. */
#ifndef RFL_TEST_CASE_RUNNER_H
#define RFL_TEST_CASE_RUNNER_H

#include "case_reader.h"
#include "geometry.h"
#include "grid.h"
#include "simulation.h"
#include "summary.h"

/* Called after the run, before its grid, geometry and fields are freed. */
typedef void (*run_inspect_fn)(const rfl_grid *grid, const rfl_geometry *geo, const rfl_field_view *fields,
                               void *ctx);

/* run_case_file, calling inspect (if not NULL) with the run's fields at its end. */
static inline size_t run_case_file_inspect(const char *path, const char *const *sets, int nsets, rfl_case *kase,
                                           rfl_summary *sum, run_inspect_fn inspect, void *ctx) {
  rfl_case_read_options opt = {.sets = sets, .nsets = nsets};
  if (rfl_case_read(path, &opt, kase) != RFL_OK) fail_msg("%s", rfl_error_message());
  rfl_grid *grid = NULL;
  rfl_geometry *geo = NULL;
  rfl_simulation *sim = NULL;
  rfl_monitor *mon = NULL;
  assert_int_equal(rfl_grid_create(&kase->grid, &grid), RFL_OK);
  assert_int_equal(rfl_geometry_create(kase, grid, &geo), RFL_OK);
  assert_int_equal(rfl_simulation_create(kase, grid, geo, &sim), RFL_OK);
  assert_int_equal(rfl_monitor_create(kase, grid, geo, sim, sum, &mon), RFL_OK);
  rfl_status st = rfl_simulation_run(sim, rfl_monitor_observe, mon);
  if (st == RFL_OK) st = rfl_monitor_status(mon);
  if (st == RFL_OK) st = rfl_monitor_finish(mon);
  if (st != RFL_OK) fail_msg("%s", rfl_error_message());
  if (inspect) {
    rfl_field_view fields = rfl_simulation_view(sim);
    inspect(grid, geo, &fields, ctx);
  }
  size_t cells = grid->ncells;
  sum->history_peak_C = NULL; /* owned by the monitor, freed below */
  sum->history_steps = 0;
  rfl_monitor_free(mon);
  rfl_simulation_free(sim);
  rfl_geometry_free(geo);
  rfl_grid_free(grid);
  return cells;
}

/* kase and sum must outlive the use of sum (it points into kase). Returns the cell count. */
static inline size_t run_case_file(const char *path, const char *const *sets, int nsets, rfl_case *kase,
                                   rfl_summary *sum) {
  return run_case_file_inspect(path, sets, nsets, kase, sum, NULL, NULL);
}

#endif
