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

/* The registry of damage models: one X(word, NAME) per dose the solver integrates in every
 * tissue cell, in the order of rfl_damage_model. Adding a model: its type (damage.c, or a
 * file of its own), its test, and one line here. */
#define RFL_DAMAGE_MODEL_LIST(X) \
  X(arrhenius, ARRHENIUS) /* Omega, dimensionless; lesion where >= 1 */ \
  X(cem43, CEM43)         /* cumulative equivalent minutes at 43 C */

#define RFL_DAMAGE_MODEL_ENUM(word, NAME) RFL_DAMAGE_##NAME,
typedef enum { RFL_DAMAGE_MODEL_LIST(RFL_DAMAGE_MODEL_ENUM) RFL_DAMAGE_COUNT } rfl_damage_model;
#undef RFL_DAMAGE_MODEL_ENUM

/* What a damage model is: a dose with its rate, integrated along a step. */
typedef struct {
  const char *name; /* the registry's word */
  /* Rate of the dose at T_C in a tissue cell of material m, per second. */
  double (*rate)(const rfl_material *m, const rfl_damage_settings *d, double T_C);
  /* Increment of the dose over a step of length dt along a linear history T0 -> T1. */
  double (*increment)(const rfl_material *m, const rfl_damage_settings *d, double T0, double T1,
                      double dt);
} rfl_damage_type;

#define RFL_DAMAGE_TYPE_DECLARE(word, NAME) extern const rfl_damage_type rfl_damage_##word;
RFL_DAMAGE_MODEL_LIST(RFL_DAMAGE_TYPE_DECLARE)
#undef RFL_DAMAGE_TYPE_DECLARE
extern const rfl_damage_type *const rfl_damage_types[RFL_DAMAGE_COUNT];

/* Arrhenius damage rate of a material at T, 1/s (0 for metals). */
double rfl_damage_arrhenius_rate(const rfl_material *m, double T_C);

/* CEM43 accumulation rate, minutes per second. */
double rfl_damage_cem43_rate(const rfl_damage_settings *d, double T_C);

/* Increments over a step of length dt along a linear temperature history from T0 to T1
 * (substeps of at most 1 K, each integrated exactly for an exponential rate). */
double rfl_damage_arrhenius_increment(const rfl_material *m, double T0, double T1, double dt);
double rfl_damage_cem43_increment(const rfl_damage_settings *d, double T0, double T1, double dt);

#endif
