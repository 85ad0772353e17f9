/* Temperature-dependent tissue properties (pure scalar functions, callable from any thread).
 *
 *   sigma(T) = sigma37 (1 + dsigma_dT (T - 37)) * f_desiccation(T)
 *   k(T)     = k37 (1 + dk_dT (T - 37))
 *
 * f_desiccation is 1 below desiccation_start_C, falls log-linearly to desiccation_factor at
 * desiccation_end_C and stays there: the collapse of conductivity as tissue water boils off
 * near 100 C, which raises the impedance and makes a temperature-controlled generator roll
 * off. The linear law is floored at 1 % of sigma37 so that absurd inputs cannot make it
 * negative. Metals return their k; their sigma is not used (the probe part decides). */
#ifndef RFL_TISSUE_H
#define RFL_TISSUE_H

#include "case.h"

double rfl_tissue_sigma(const rfl_material *m, const rfl_physics *ph, double T_C);
double rfl_tissue_k(const rfl_material *m, double T_C);
/* Desiccation multiplier alone (1 = intact). */
double rfl_tissue_desiccation(const rfl_physics *ph, double T_C);

#endif
