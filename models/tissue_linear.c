// SPDX-License-Identifier: BSD-3-Clause
/* The linear temperature law (see tissue.h): linear in T about 37 C, as in the reference
 * cases and most RF-ablation models; desiccation as a log-linear collapse over a narrow
 * band (Haemmerich et al.-style), not a vapour model. The linear factor is floored (1 %
 * for sigma, 10 % for k) so that absurd inputs cannot make a property vanish. */
#include "tissue.h"

#include <math.h>

static double linear_sigma(const rfl_material *m, const rfl_physics *ph, double T_C) {
  double linear = 1.0 + m->dsigma_dT * (T_C - 37.0);
  if (linear < 0.01) linear = 0.01;
  return m->sigma * linear * rfl_tissue_desiccation(ph, T_C);
}

static double linear_sigma_vapour(const rfl_material *m, const rfl_physics *ph, double T_C,
                                  double fraction) {
  double linear = 1.0 + m->dsigma_dT * (T_C - 37.0);
  if (linear < 0.01) linear = 0.01;
  if (fraction <= 0.0) return m->sigma * linear; /* the common case: no pow() */
  if (fraction >= 1.0) return m->sigma * linear * ph->desiccation_factor;
  return m->sigma * linear * pow(ph->desiccation_factor, fraction);
}

static double linear_k(const rfl_material *m, double T_C) {
  double linear = 1.0 + m->dk_dT * (T_C - 37.0);
  if (linear < 0.1) linear = 0.1;
  return m->k * linear;
}

const rfl_tissue_law rfl_tissue_linear = {"linear", linear_sigma, linear_sigma_vapour, linear_k};
