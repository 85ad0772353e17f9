// SPDX-License-Identifier: BSD-3-Clause
/* Generator control laws (see generator.h). The temperature-controlled law is the implicit
 * PI of the reference cases solved exactly per step: with K = Kp + Ki dt and
 * d = K (T_set - a) + Ki I_n, the unclamped voltage solves K b V^2 + V - d = 0, whose
 * non-negative root is V = 2 d / (1 + sqrt(1 + 4 K b d)) (the cancellation-free form). */
#include "generator.h"

#include <math.h>

#include "time_tolerance.h"

double rfl_generator_setpoint(const rfl_generator *g, double initial_C, double t) {
  double s = g->ramp_s > 0.0 ? t / g->ramp_s : 1.0;
  if (s > 1.0) s = 1.0;
  if (s < 0.0) s = 0.0;
  return initial_C + (g->set_temperature_C - initial_C) * s;
}

static double pulse_period(const rfl_generator *g) { return 1.0 / g->pulse_frequency_Hz; }

int rfl_generator_is_on(const rfl_generator *g, double t) {
  if (t < 0.0 || t >= g->duration_s) return 0;
  if (g->mode != RFL_GEN_PULSED) return 1;
  double period = pulse_period(g);
  double phase = t - floor(t / period) * period;
  return phase < g->pulse_width_s;
}

double rfl_generator_next_event(const rfl_generator *g, double t) {
  /* A small tolerance keeps a step that lands on an edge from scheduling a zero step. */
  const double eps = RFL_TIME_SAME_S;
  double next = t < g->duration_s - eps ? g->duration_s : INFINITY;
  if (g->mode == RFL_GEN_PULSED && t < g->duration_s - eps) {
    double period = pulse_period(g);
    double start = floor((t + eps) / period) * period;
    double edges[3] = {start + g->pulse_width_s, start + period, start + period + g->pulse_width_s};
    for (int i = 0; i < 3; ++i)
      if (edges[i] > t + eps && edges[i] < next) next = edges[i];
  }
  return next;
}

/* Voltage limit from the voltage and power limits. */
static double voltage_limit(const rfl_generator *g, double G) {
  double vmax = g->max_voltage_V;
  if (g->max_power_W > 0.0 && G > 0.0) {
    double vp = sqrt(g->max_power_W / G);
    if (vp < vmax) vmax = vp;
  }
  return vmax;
}

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
  double vmax = voltage_limit(g, G);
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

static double power_control(const rfl_generator *g, rfl_generator_state *s, double G) {
  double V = G > 0.0 ? sqrt(g->power_W / G) : 0.0;
  double vmax = voltage_limit(g, G);
  s->clamped = V > vmax;
  return V > vmax ? vmax : V;
}

static double pulsed_control(const rfl_generator *g, rfl_generator_state *s, double a,
                             double b, double G) {
  double V = g->pulse_voltage_V;
  double vmax = voltage_limit(g, G);
  s->clamped = 0;
  if (V > vmax) {
    V = vmax;
    s->clamped = 1;
  }
  if (b > 0.0 && a + b * V * V > g->pulse_limit_C) {
    V = a < g->pulse_limit_C ? sqrt((g->pulse_limit_C - a) / b) : 0.0;
    s->clamped = 1;
  }
  return V;
}

double rfl_generator_step_voltage(const rfl_generator *g, rfl_generator_state *s,
                                  double initial_C, double t_next, double dt, double a,
                                  double b, double G) {
  /* The step (t_next - dt, t_next] is on if RF is on at its start (edges are step ends). */
  double t_start = t_next - dt;
  double V = 0.0;
  if (rfl_generator_is_on(g, t_start + RFL_TIME_AFTER_S)) {
    switch (g->mode) {
      case RFL_GEN_TEMPERATURE:
        V = temperature_control(g, s, initial_C, t_next, dt, a, b, G);
        break;
      case RFL_GEN_POWER:
        V = power_control(g, s, G);
        break;
      case RFL_GEN_PULSED:
        V = pulsed_control(g, s, a, b, G);
        break;
    }
  } else {
    s->clamped = 0;
  }
  s->voltage = V;
  return V;
}

const char *rfl_generator_mode_name(rfl_generator_mode mode) {
  switch (mode) {
    case RFL_GEN_TEMPERATURE:
      return "temperature";
    case RFL_GEN_POWER:
      return "power";
    case RFL_GEN_PULSED:
      return "pulsed";
  }
  return "unknown";
}
