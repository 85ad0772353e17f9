// SPDX-License-Identifier: BSD-3-Clause
/* The figures of a run (figures.h): the slices and the time series that `run --figures`
 * and `figures` write, in every format asked for. */
#include <stdio.h>

#include "figures.h"

static const char *const set_ext[] = {"png", "svg", "pdf"};

/* Draws one slice in every format the options ask for. */
static rfl_status set_slice(const char *dir, const rfl_figure_set_options *o, const char *stem,
                            const rfl_field_view *view, const rfl_summary *summary, const rfl_figure_slice_options *so) {
  char path[RFL_PATH_MAX + RFL_NAME_MAX + 32];
  int formats = o->formats ? o->formats : RFL_FIGURE_PNG;
  for (int f = 0; f < 3; ++f)
    if (formats & (1 << f)) {
      snprintf(path, sizeof path, "%s/%s.%s", dir, stem, set_ext[f]);
      RFL_CHECK(rfl_figure_slice(path, view, summary, so));
    }
  return RFL_OK;
}

rfl_status rfl_figure_set_stems(const rfl_case *kase, int per_structure,
                                rfl_status (*fn)(const char *stem, void *ctx), void *ctx) {
  static const char *const stems[] = {"slice_end_of_rf", "slice_across", "slice_peak", "timeseries"};
  for (size_t i = 0; i < sizeof stems / sizeof stems[0]; ++i) RFL_CHECK(fn(stems[i], ctx));
  char stem[RFL_NAME_MAX + 32];
  for (int k = 0; per_structure && kase && k < kase->nstructures; ++k)
    if (kase->structures[k].role == RFL_ROLE_PROTECTED) {
      snprintf(stem, sizeof stem, "slice_towards_%s", kase->structures[k].name);
      RFL_CHECK(fn(stem, ctx));
    }
  return RFL_OK;
}

rfl_status rfl_figure_set_write(const char *dir, const rfl_figure_run *run, const rfl_figure_set_options *o) {
  if (!dir || !run || !run->kase || !o) return RFL_ERROR(RFL_EINPUT, "figures: missing directory, run or options");
  rfl_figure_slice_options so;
  rfl_figure_slice_defaults(&so);
  if (o->half_width > 0.0) so.half_width = o->half_width;
  so.t_min_C = o->t_min_C;
  so.t_max_C = o->t_max_C;
  so.scale = o->style.scale > 0.0 ? o->style.scale : 1.0;
  so.footer = o->style.footer;
  const rfl_summary *sum = run->summary;
  if (run->end_of_rf) {
    RFL_CHECK(set_slice(dir, o, "slice_end_of_rf", run->end_of_rf, sum, &so));
    rfl_figure_slice_options across = so;
    across.plane = RFL_SLICE_ACROSS;
    RFL_CHECK(set_slice(dir, o, "slice_across", run->end_of_rf, sum, &across));
    char stem[RFL_NAME_MAX + 32];
    for (int k = 0; o->per_structure && k < run->kase->nstructures; ++k)
      if (run->kase->structures[k].role == RFL_ROLE_PROTECTED) {
        rfl_figure_slice_options towards = so;
        towards.structure = k;
        snprintf(stem, sizeof stem, "slice_towards_%s", run->kase->structures[k].name);
        RFL_CHECK(set_slice(dir, o, stem, run->end_of_rf, sum, &towards));
      }
  }
  if (run->final) {
    rfl_figure_slice_options peak = so;
    peak.field = RFL_FIGURE_PEAK;
    RFL_CHECK(set_slice(dir, o, "slice_peak", run->final, sum, &peak));
  }
  if (run->samples && run->nsamples > 0) {
    char path[RFL_PATH_MAX + 32];
    int formats = o->formats ? o->formats : RFL_FIGURE_PNG;
    rfl_figure_style style = {so.scale, o->style.footer};
    for (int f = 0; f < 3; ++f)
      if (formats & (1 << f)) {
        snprintf(path, sizeof path, "%s/timeseries.%s", dir, set_ext[f]);
        RFL_CHECK(rfl_figure_timeseries(path, run->samples, run->nsamples, sum, run->kase, &style));
      }
  }
  return RFL_OK;
}
