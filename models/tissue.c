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

#define RFL_TISSUE_LAW_ENTRY(word, NAME) [RFL_TISSUE_LAW_##NAME] = &rfl_tissue_##word,
const rfl_tissue_law *const rfl_tissue_laws[RFL_TISSUE_LAW_COUNT] = {
    RFL_TISSUE_LAW_LIST(RFL_TISSUE_LAW_ENTRY)};
#undef RFL_TISSUE_LAW_ENTRY

#define RFL_TISSUE_LAW_WORD(word, NAME) [RFL_TISSUE_LAW_##NAME] = #word,
const char *const rfl_tissue_law_words[RFL_TISSUE_LAW_COUNT + 1] = {
    RFL_TISSUE_LAW_LIST(RFL_TISSUE_LAW_WORD)};
#undef RFL_TISSUE_LAW_WORD

double rfl_tissue_sigma(const rfl_material *m, const rfl_physics *ph, double T_C) {
  return rfl_tissue_laws[m->law]->sigma(m, ph, T_C);
}

double rfl_tissue_sigma_vapour(const rfl_material *m, const rfl_physics *ph, double T_C,
                               double fraction) {
  return rfl_tissue_laws[m->law]->sigma_vapour(m, ph, T_C, fraction);
}

double rfl_tissue_k(const rfl_material *m, double T_C) {
  return rfl_tissue_laws[m->law]->k(m, T_C);
}
