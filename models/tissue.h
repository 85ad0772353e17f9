// SPDX-License-Identifier: BSD-3-Clause
/* Temperature-dependent tissue properties (pure scalar functions, callable from any thread).
 * Each material names its temperature law ([material] law); the laws are types in a table,
 * one file each (tissue_<law>.c), listed in RFL_TISSUE_LAW_LIST below. The linear law:
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

/* The registry of temperature laws: one X(word, NAME) per law, in index order (the
 * material's `law`). Adding a law: its file, its test, and one line here. */
#define RFL_TISSUE_LAW_LIST(X) \
  X(linear, LINEAR) /* linear in T about 37 C, desiccation collapse of sigma */

#define RFL_TISSUE_LAW_ENUM(word, NAME) RFL_TISSUE_LAW_##NAME,
enum { RFL_TISSUE_LAW_LIST(RFL_TISSUE_LAW_ENUM) RFL_TISSUE_LAW_COUNT };
#undef RFL_TISSUE_LAW_ENUM

/* What a temperature law is: sigma and k of a material at T (as the functions below). */
typedef struct {
  const char *name; /* the case file's [material] law word */
  double (*sigma)(const rfl_material *m, const rfl_physics *ph, double T_C);
  double (*sigma_vapour)(const rfl_material *m, const rfl_physics *ph, double T_C,
                         double fraction);
  double (*k)(const rfl_material *m, double T_C);
} rfl_tissue_law;

#define RFL_TISSUE_LAW_DECLARE(word, NAME) extern const rfl_tissue_law rfl_tissue_##word;
RFL_TISSUE_LAW_LIST(RFL_TISSUE_LAW_DECLARE)
#undef RFL_TISSUE_LAW_DECLARE
extern const rfl_tissue_law *const rfl_tissue_laws[RFL_TISSUE_LAW_COUNT];
extern const char *const rfl_tissue_law_words[RFL_TISSUE_LAW_COUNT + 1];

/* The properties of a material at T through its law. */
double rfl_tissue_sigma(const rfl_material *m, const rfl_physics *ph, double T_C);
/* The same with the desiccation multiplier taken from the vaporised water fraction
 * (desiccation_factor^fraction) instead of from T: conductivity lost with the water stays
 * lost when the tissue cools. Used when boiling is modelled (latent_heat_J_m3 > 0). */
double rfl_tissue_sigma_vapour(const rfl_material *m, const rfl_physics *ph, double T_C,
                               double fraction);
double rfl_tissue_k(const rfl_material *m, double T_C);
/* Desiccation multiplier alone (1 = intact). */
double rfl_tissue_desiccation(const rfl_physics *ph, double T_C);

/* Vaporised fraction of the tissue water in equilibrium with temperature T_C, given the
 * fraction already boiled off (`done`, never given back: the vapour leaves the tissue):
 * (T - desiccation_start) / (desiccation_end - desiccation_start) clipped to [done, 1].
 * Boiling the fraction f off absorbs f * latent_heat_J_m3 per unit volume, so a cell's
 * enthalpy is rho c T + latent_heat_J_m3 * fraction (an apparent heat capacity of
 * latent_heat_J_m3 / (end - start) over the desiccation window). */
double rfl_tissue_vapour_fraction(const rfl_physics *ph, double T_C, double done);

#endif
