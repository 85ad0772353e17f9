// SPDX-License-Identifier: BSD-3-Clause
/* Thermal damage models, as rates integrated by the solver over time (pure functions).
 *
 * Arrhenius:  dOmega/dt = A exp(-Ea / (R (T + 273.15))), lesion where Omega >= 1.
 * CEM43:      dCEM/dt   = R_cem^(43 - T) / 60  (minutes of equivalent exposure at 43 C per
 *             second), R_cem = 0.5 for T >= 43 C and 0.25 below (Sapareto & Dewey 1984).
 * Peak temperature is tracked by the solver; the isotherm lesion is Tpeak >= isotherm_C.
 * Note Omega at 37 C is not zero for the RF-ablation constants (2.9e-4 1/s). */
#ifndef RFL_DAMAGE_H
#define RFL_DAMAGE_H

#include "case.h"

#define RFL_GAS_CONSTANT 8.314 /* J/(mol K), as in the reference cases */

/* Arrhenius damage rate of a material at T, 1/s (0 for metals). */
double rfl_damage_arrhenius_rate(const rfl_material *m, double T_C);

/* CEM43 accumulation rate, minutes per second. */
double rfl_damage_cem43_rate(const rfl_damage_settings *d, double T_C);

/* Increments over a step of length dt along a linear temperature history from T0 to T1
 * (substeps of at most 1 K, each integrated exactly for an exponential rate). */
double rfl_damage_arrhenius_increment(const rfl_material *m, double T0, double T1, double dt);
double rfl_damage_cem43_increment(const rfl_damage_settings *d, double T0, double T1, double dt);

#endif
