// SPDX-License-Identifier: BSD-3-Clause
/* Arrhenius and CEM43 damage integrals (see damage.h). The per-step increment integrates
 * the rate along a linear temperature history. Both rates are exponential in T (CEM43
 * exactly, Arrhenius nearly: ln rate = ln A - Ea/(R T) bends by only ~0.2 % per K^2), so
 * each substep of at most 1 K uses the logarithmic mean of its end rates,
 * dt (r1 - r0) / ln(r1 / r0), which is exact for an exponential; the plain trapezoid would
 * be 0.7 % high per 1 K substep at ablation temperatures. */
#include "damage.h"

#include <math.h>

/* Substeps so that each changes T by at most 1 K (at most 64). */
static int substeps(double T0, double T1) {
  int n = (int)ceil(fabs(T1 - T0));
  if (n < 1) n = 1;
  if (n > 64) n = 64;
  return n;
}

/* Integral over h of a positive rate that varies exponentially from r0 to r1, given
 * d = ln(r1 / r0) from the model's ln(rate) (no log() of the ratio: this runs for every
 * cell in every step). */
static double log_mean_integral(double r0, double r1, double d, double h) {
  if (r0 <= 0.0 || r1 <= 0.0 || fabs(d) < 1e-6) return 0.5 * h * (r0 + r1);
  return h * (r1 - r0) / d;
}

/* Integral of a rate over a step along a linear temperature history, substepped; each model
 * gives its rate and ln(rate) up to a constant (only differences of it are used). */
typedef void (*rate_fn)(const void *model, double T_C, double *rate, double *log_rate);
static double integrate_rate(rate_fn rate, const void *model, double T0, double T1, double dt) {
  int n = substeps(T0, T1);
  double h = dt / n, sum = 0.0, prev, lprev;
  rate(model, T0, &prev, &lprev);
  for (int s = 1; s <= n; ++s) {
    double next, lnext;
    rate(model, T0 + (T1 - T0) * s / n, &next, &lnext);
    sum += log_mean_integral(prev, next, lnext - lprev, h);
    prev = next;
    lprev = lnext;
  }
  return sum;
}

static void arrhenius_rate(const void *model, double T_C, double *rate, double *log_rate) {
  const rfl_material *m = model;
  *log_rate = -m->arrhenius_Ea / (RFL_GAS_CONSTANT * (T_C + 273.15)); /* + ln A */
  *rate = m->kind == RFL_MATERIAL_TISSUE && m->arrhenius_A > 0.0 ? m->arrhenius_A * exp(*log_rate) : 0.0;
}

static void cem43_rate(const void *model, double T_C, double *rate, double *log_rate) {
  const rfl_damage_settings *d = model;
  /* ln R^(43 - T) with R fixed on each side of 43 C */
  const double R = T_C >= 43.0 ? d->cem43_R_above : d->cem43_R_below;
  *log_rate = (43.0 - T_C) * log(R); /* - ln 60 */
  *rate = exp(*log_rate) / 60.0;
}

double rfl_damage_arrhenius_rate(const rfl_material *m, double T_C) {
  double rate, log_rate;
  arrhenius_rate(m, T_C, &rate, &log_rate);
  return rate;
}

double rfl_damage_cem43_rate(const rfl_damage_settings *d, double T_C) {
  double rate, log_rate;
  cem43_rate(d, T_C, &rate, &log_rate);
  return rate;
}

double rfl_damage_arrhenius_increment(const rfl_material *m, double T0, double T1, double dt) {
  return integrate_rate(arrhenius_rate, m, T0, T1, dt);
}

double rfl_damage_cem43_increment(const rfl_damage_settings *d, double T0, double T1, double dt) {
  return integrate_rate(cem43_rate, d, T0, T1, dt);
}

/* ---- the type table ------------------------------------------------------------------ */

static double arrhenius_type_rate(const rfl_material *m, const rfl_damage_settings *d, double T_C) {
  (void)d;
  return rfl_damage_arrhenius_rate(m, T_C);
}

static double arrhenius_type_increment(const rfl_material *m, const rfl_damage_settings *d,
                                       double T0, double T1, double dt) {
  (void)d;
  return rfl_damage_arrhenius_increment(m, T0, T1, dt);
}

static double cem43_type_rate(const rfl_material *m, const rfl_damage_settings *d, double T_C) {
  (void)m;
  return rfl_damage_cem43_rate(d, T_C);
}

static double cem43_type_increment(const rfl_material *m, const rfl_damage_settings *d, double T0,
                                   double T1, double dt) {
  (void)m;
  return rfl_damage_cem43_increment(d, T0, T1, dt);
}

const rfl_damage_type rfl_damage_arrhenius = {"arrhenius", arrhenius_type_rate,
                                              arrhenius_type_increment};
const rfl_damage_type rfl_damage_cem43 = {"cem43", cem43_type_rate, cem43_type_increment};

#define RFL_DAMAGE_TYPE_ENTRY(word, NAME) [RFL_DAMAGE_##NAME] = &rfl_damage_##word,
const rfl_damage_type *const rfl_damage_types[RFL_DAMAGE_COUNT] = {
    RFL_DAMAGE_MODEL_LIST(RFL_DAMAGE_TYPE_ENTRY)};
#undef RFL_DAMAGE_TYPE_ENTRY
