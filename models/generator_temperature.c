// SPDX-License-Identifier: BSD-3-Clause
/* Temperature-controlled mode: the implicit PI of the reference cases, solved exactly per
 * step (see generator.h). With K = Kp + Ki dt and d = K (T_set - a) + Ki I_n, the
 * unclamped voltage solves K b V^2 + V - d = 0, whose non-negative root is
 * V = 2 d / (1 + sqrt(1 + 4 K b d)) (the cancellation-free form). The end of the set-point
 * ramp is an event: the set point bends there, and a step across it would blur the bend. */
#include <math.h>
#include <stdio.h>

#include "generator.h"
#include "time_tolerance.h"

static double temperature_control(const rfl_generator *g, rfl_generator_state *s,
                                  double initial_C, double t_next, double dt, double a,
                                  double b, double G) {
  double Tset = rfl_generator_setpoint(g, initial_C, t_next);
  double K = g->kp_V_per_K + g->ki_V_per_Ks * dt;
  double d = K * (Tset - a) + g->ki_V_per_Ks * s->integral;
  double V;
  if (d <= 0.0)
    V = d; /* negative: the lower clamp takes it */
  else
    V = 2.0 * d / (1.0 + sqrt(1.0 + 4.0 * K * b * d));
  double vmax = rfl_generator_voltage_limit(g, G);
  s->clamped = 0;
  if (V > vmax) {
    V = vmax;
    s->clamped = 1;
  } else if (V < 0.0) {
    V = 0.0;
    s->clamped = -1;
  }
  double e = Tset - (a + b * V * V);
  /* Conditional integration: freeze while on a clamp with e pushing further into it. */
  int frozen = (s->clamped == 1 && e > 0.0) || (s->clamped == -1 && e < 0.0);
  if (!frozen) s->integral += e * dt;
  return V;
}

static double ramp_end(const rfl_generator *g, double t) {
  return g->ramp_s > t + RFL_TIME_SAME_S ? g->ramp_s : INFINITY;
}

static double set_temperature(const rfl_generator *g) { return g->set_temperature_C; }

/* A set point the tissue starts above or that reaches desiccation, a ramp longer than RF. */
static rfl_status check(const rfl_case *c, rfl_case_check *chk) {
  const rfl_generator *g = &c->generator;
  char msg[256];
  if (g->set_temperature_C <= c->physics.initial_C) {
    snprintf(msg, sizeof msg, "%g C is not above the initial %g C; the generator will deliver no power",
             g->set_temperature_C, c->physics.initial_C);
    chk->warn(chk, "generator", "set_temperature_C", msg);
  }
  if (g->set_temperature_C >= c->physics.desiccation_start_C) {
    snprintf(msg, sizeof msg, "%g C reaches desiccation (%g C); expect impedance roll-off",
             g->set_temperature_C, c->physics.desiccation_start_C);
    chk->warn(chk, "generator", "set_temperature_C", msg);
  }
  if (g->ramp_s > g->duration_s) {
    snprintf(msg, sizeof msg, "the ramp (%g s) is longer than duration_s (%g s)", g->ramp_s,
             g->duration_s);
    chk->warn(chk, "generator", "ramp_s", msg);
  }
  return RFL_OK;
}

static int describe(const rfl_generator *g, double initial_C, rfl_generator_text style,
                    char *buf, size_t size) {
  switch (style) {
    case RFL_GENERATOR_TEXT_SETTINGS:
      return snprintf(buf, size, "%.3g C", g->set_temperature_C);
    case RFL_GENERATOR_TEXT_LEGEND:
      return snprintf(buf, size, "set point %.0f \u00b0C", g->set_temperature_C);
    case RFL_GENERATOR_TEXT_SENTENCE:
      break;
  }
  return snprintf(buf, size,
                  "Temperature-controlled RF: the set point rises from %.0f \u00b0C to %.0f \u00b0C "
                  "over a %.0f s ramp and is held until RF stops at %.0f s (limits %.0f V, %.0f W).",
                  initial_C, g->set_temperature_C, g->ramp_s, g->duration_s, g->max_voltage_V,
                  g->max_power_W);
}

const rfl_generator_type rfl_generator_temperature = {
    .name = "temperature",
    .control = temperature_control,
    .next_event = ramp_end,
    .hottest_C = set_temperature,
    .check = check,
    .describe = describe,
};
