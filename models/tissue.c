// SPDX-License-Identifier: BSD-3-Clause
/* Temperature laws for tissue conductivities (see tissue.h). Linear in T about 37 C, as in
 * the reference cases and most RF-ablation models; desiccation as a log-linear collapse over
 * a narrow band (Haemmerich et al.-style), not a vapour model. */
#include "tissue.h"

#include <math.h>

double rfl_tissue_desiccation(const rfl_physics *ph, double T_C) {
  if (T_C <= ph->desiccation_start_C) return 1.0;
  if (T_C >= ph->desiccation_end_C) return ph->desiccation_factor;
  double s = (T_C - ph->desiccation_start_C) / (ph->desiccation_end_C - ph->desiccation_start_C);
  return pow(ph->desiccation_factor, s);
}

double rfl_tissue_vapour_fraction(const rfl_physics *ph, double T_C, double done) {
  double f = (T_C - ph->desiccation_start_C) / (ph->desiccation_end_C - ph->desiccation_start_C);
  if (!(f > done)) return done; /* also for a NaN T: the sanity check reports it */
  return f < 1.0 ? f : 1.0;
}

double rfl_tissue_sigma(const rfl_material *m, const rfl_physics *ph, double T_C) {
  double linear = 1.0 + m->dsigma_dT * (T_C - 37.0);
  if (linear < 0.01) linear = 0.01;
  return m->sigma * linear * rfl_tissue_desiccation(ph, T_C);
}

double rfl_tissue_sigma_vapour(const rfl_material *m, const rfl_physics *ph, double T_C,
                               double fraction) {
  double linear = 1.0 + m->dsigma_dT * (T_C - 37.0);
  if (linear < 0.01) linear = 0.01;
  if (fraction <= 0.0) return m->sigma * linear; /* the common case: no pow() */
  if (fraction >= 1.0) return m->sigma * linear * ph->desiccation_factor;
  return m->sigma * linear * pow(ph->desiccation_factor, fraction);
}

double rfl_tissue_k(const rfl_material *m, double T_C) {
  double linear = 1.0 + m->dk_dT * (T_C - 37.0);
  if (linear < 0.1) linear = 0.1;
  return m->k * linear;
}
