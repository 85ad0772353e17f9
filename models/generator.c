// SPDX-License-Identifier: BSD-3-Clause
/* The generic part of the generator (see generator.h): the set point, the RF period, the
 * events that steps land on and the registry of the mode types. What differs between
 * modes lives in the types, one file each (generator_<mode>.c); a NULL hook takes the
 * default named in generator.h. */
#include "generator.h"

#include <math.h>

#include "ini_text.h"
#include "time_tolerance.h"

#define RFL_GENERATOR_TYPE_ENTRY(word, NAME) [RFL_GEN_##NAME] = &rfl_generator_##word,
const rfl_generator_type *const rfl_generator_types[RFL_GEN_COUNT] = {
    RFL_GENERATOR_MODE_LIST(RFL_GENERATOR_TYPE_ENTRY)};
#undef RFL_GENERATOR_TYPE_ENTRY

#define RFL_GENERATOR_WORD(word, NAME) [RFL_GEN_##NAME] = #word,
const char *const rfl_generator_mode_words[RFL_GEN_COUNT + 1] = {
    RFL_GENERATOR_MODE_LIST(RFL_GENERATOR_WORD)};
#undef RFL_GENERATOR_WORD

const rfl_generator_type *rfl_generator_type_of(const rfl_generator *g) {
  return rfl_generator_types[g->mode];
}

const rfl_generator_type *rfl_generator_key_owner(const char *key) {
  for (int m = 0; m < RFL_GEN_COUNT; ++m)
    if (rfl_generator_types[m]->keys && rfl_ini_has_word(rfl_generator_types[m]->keys, key))
      return rfl_generator_types[m];
  return NULL;
}

double rfl_generator_setpoint(const rfl_generator *g, double initial_C, double t) {
  double s = g->ramp_s > 0.0 ? t / g->ramp_s : 1.0;
  if (s > 1.0) s = 1.0;
  if (s < 0.0) s = 0.0;
  return initial_C + (g->set_temperature_C - initial_C) * s;
}

int rfl_generator_is_on(const rfl_generator *g, double t) {
  if (t < 0.0 || t >= g->duration_s) return 0;
  const rfl_generator_type *type = rfl_generator_type_of(g);
  return type->output_on ? type->output_on(g, t) : 1;
}

double rfl_generator_next_event(const rfl_generator *g, double t) {
  /* A small tolerance keeps a step that lands on an edge from scheduling a zero step. */
  double next = t < g->duration_s - RFL_TIME_SAME_S ? g->duration_s : INFINITY;
  const rfl_generator_type *type = rfl_generator_type_of(g);
  if (type->next_event) next = fmin(next, type->next_event(g, t));
  return next;
}

double rfl_generator_voltage_limit(const rfl_generator *g, double G) {
  double vmax = g->max_voltage_V;
  if (g->max_power_W > 0.0 && G > 0.0) {
    double vp = sqrt(g->max_power_W / G);
    if (vp < vmax) vmax = vp;
  }
  return vmax;
}

double rfl_generator_step_voltage(const rfl_generator *g, rfl_generator_state *s,
                                  double initial_C, double t_next, double dt, double a,
                                  double b, double G) {
  /* The step (t_next - dt, t_next] is on if RF is on at its start (edges are step ends). */
  double t_start = t_next - dt;
  double V_out = 0.0;
  const double divider = 1.0 + s->series_ohm * G; /* V_out / V_tip */
  if (rfl_generator_is_on(g, t_start + RFL_TIME_AFTER_S))
    V_out = rfl_generator_type_of(g)->control(g, s, initial_C, t_next, dt, a, b / (divider * divider),
                                              G / divider);
  else
    s->clamped = 0;
  s->output_voltage = V_out;
  s->voltage = V_out / divider;
  return s->voltage;
}

double rfl_generator_step_dt(const rfl_generator *g, const rfl_solver_settings *s, double t) {
  const rfl_generator_type *type = rfl_generator_type_of(g);
  return type->step_dt ? type->step_dt(g, s, t) : s->dt_s;
}

double rfl_generator_rf_steps(const rfl_generator *g, const rfl_solver_settings *s, double dt) {
  const rfl_generator_type *type = rfl_generator_type_of(g);
  return type->rf_steps ? type->rf_steps(g, s, dt) : g->duration_s / dt;
}

double rfl_generator_hottest_C(const rfl_generator *g, double otherwise) {
  const rfl_generator_type *type = rfl_generator_type_of(g);
  return type->hottest_C ? type->hottest_C(g) : otherwise;
}

rfl_status rfl_generator_check(const rfl_case *c, rfl_case_check *chk) {
  const rfl_generator_type *type = rfl_generator_type_of(&c->generator);
  return type->check ? type->check(c, chk) : RFL_OK;
}

int rfl_generator_describe(const rfl_generator *g, double initial_C, rfl_generator_text style,
                           char *buf, size_t size) {
  return rfl_generator_type_of(g)->describe(g, initial_C, style, buf, size);
}

const char *rfl_generator_mode_name(rfl_generator_mode mode) {
  return mode >= 0 && mode < RFL_GEN_COUNT ? rfl_generator_types[mode]->name : "unknown";
}
