// SPDX-License-Identifier: BSD-3-Clause
/* Richardson / GCI error estimates of the reported figures (error_estimate.h). */
#include "error_estimate.h"

#include <math.h>
#include <string.h>

rfl_error_quantity rfl_error_figure_kind(int index, int nstructures) {
  if (index < RFL_ERROR_LESION_FIGURES) return index % 4 == 3 ? RFL_ERROR_OF_VOLUME : RFL_ERROR_OF_LENGTH;
  if (index >= rfl_error_peak_index(nstructures)) return RFL_ERROR_OF_TEMPERATURE;
  return (index - RFL_ERROR_LESION_FIGURES) % 3 == 2 ? RFL_ERROR_OF_TEMPERATURE : RFL_ERROR_OF_LENGTH;
}

void rfl_error_estimate_compute(const rfl_error_figures *fine, const rfl_error_figures *coarse,
                                double ratio, double spacing, double start_spacing, int nstructures,
                                rfl_error_estimate *out) {
  const double gain = RFL_ERROR_SAFETY / (pow(ratio, RFL_ERROR_ORDER) - 1.0);
  out->estimated = 1;
  out->ratio = ratio;
  out->start_spacing = start_spacing;
  out->largest_length = 0.0;
  out->error.n = fine->n;
  for (int i = 0; i < fine->n; i++) {
    double f = fine->value[i], c = i < coarse->n ? coarse->value[i] : NAN;
    double e = NAN;
    if (isfinite(f) && isfinite(c)) {
      e = gain * fabs(f - c);
      if (rfl_error_figure_kind(i, nstructures) == RFL_ERROR_OF_LENGTH) {
        /* metric 1 (length) and 2 (distal) of a lesion run along the electrode */
        const int lesion = i < RFL_ERROR_LESION_FIGURES;
        double floor = RFL_ERROR_FLOOR_CELLS * spacing;
        if (lesion && i % 4 == 1) floor = RFL_ERROR_LENGTH_FLOOR_CELLS * fmax(spacing, start_spacing);
        if (lesion && i % 4 == 2) floor = RFL_ERROR_AXIAL_FLOOR_CELLS * spacing;
        e = fmax(e, floor);
        if (e > out->largest_length) out->largest_length = e;
      } else if (rfl_error_figure_kind(i, nstructures) == RFL_ERROR_OF_VOLUME) {
        /* the length floor swept over the surface: at least a sphere's area for the volume */
        const double pi = 3.14159265358979323846, area = cbrt(36.0 * pi * f * f);
        e = fmax(e, area * RFL_ERROR_FLOOR_CELLS * spacing);
      }
    }
    out->error.value[i] = e;
  }
}

int rfl_error_estimate_met(const rfl_error_estimate *e) {
  return e->largest_length <= e->accuracy * (1.0 + 1e-9);
}

void rfl_error_estimate_carry(rfl_error_estimate *e, const rfl_error_estimate *earlier, int nstructures) {
  if (!earlier->estimated || !(earlier->spacing > 0.0) || earlier->error.n != e->error.n) return;
  const double shrink = pow(e->spacing / earlier->spacing, RFL_ERROR_ORDER);
  e->largest_length = 0.0;
  for (int i = 0; i < e->error.n; i++) {
    double carried = shrink * earlier->error.value[i];
    if (isfinite(e->error.value[i]) && isfinite(carried)) e->error.value[i] = fmax(e->error.value[i], carried);
    if (rfl_error_figure_kind(i, nstructures) == RFL_ERROR_OF_LENGTH && e->error.value[i] > e->largest_length)
      e->largest_length = e->error.value[i];
  }
}
