// SPDX-License-Identifier: BSD-3-Clause
/* Pulsed mode: during a burst (t mod 1/f < width) V = pulse voltage, lowered so that the
 * thermocouple does not exceed the pulse limit at the end of the step (the generator
 * reduces output to hold the limit); 0 between bursts. Burst edges are events, and steps
 * inside a burst are pulse_dt_s long so that a burst is resolved. */
#include <math.h>
#include <stdio.h>

#include "generator.h"
#include "time_tolerance.h"

static double pulse_period(const rfl_generator *g) { return 1.0 / g->pulse_frequency_Hz; }

static double pulsed_control(const rfl_generator *g, rfl_generator_state *s, double initial_C,
                             double t_next, double dt, double a, double b, double G) {
  (void)initial_C, (void)t_next, (void)dt;
  double V = g->pulse_voltage_V;
  double vmax = rfl_generator_voltage_limit(g, G);
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

/* Inside a burst: [start, start + width) of each period. */
static int in_burst(const rfl_generator *g, double t) {
  double period = pulse_period(g);
  double phase = t - floor(t / period) * period;
  return phase < g->pulse_width_s;
}

/* The next burst edge after t (before the end of RF). */
static double burst_edge(const rfl_generator *g, double t) {
  const double eps = RFL_TIME_SAME_S;
  double next = INFINITY;
  if (t < g->duration_s - eps) {
    double period = pulse_period(g);
    double start = floor((t + eps) / period) * period;
    double edges[3] = {start + g->pulse_width_s, start + period, start + period + g->pulse_width_s};
    for (int i = 0; i < 3; ++i)
      if (edges[i] > t + eps && edges[i] < next) next = edges[i];
  }
  return next;
}

static double burst_dt(const rfl_generator *g, const rfl_solver_settings *s, double t) {
  return rfl_generator_is_on(g, t + RFL_TIME_AFTER_S) ? s->pulse_dt_s : s->dt_s;
}

static double burst_steps(const rfl_generator *g, const rfl_solver_settings *s, double dt) {
  if (!(s->pulse_dt_s > 0)) return g->duration_s / dt;
  double bursts = g->duration_s * g->pulse_frequency_Hz;
  return bursts * (g->pulse_width_s / s->pulse_dt_s + 2.0) + g->duration_s / dt;
}

static double pulse_limit(const rfl_generator *g) { return g->pulse_limit_C; }

/* A burst shorter than its period, and a burst step that resolves the burst. */
static rfl_status check(const rfl_case *c, rfl_case_check *chk) {
  const rfl_generator *g = &c->generator;
  char msg[256];
  if (!(g->pulse_width_s < 1.0 / g->pulse_frequency_Hz)) {
    snprintf(msg, sizeof msg, "less than the pulse period %g ms (pulse_frequency_Hz = %g)",
             1e3 / g->pulse_frequency_Hz, g->pulse_frequency_Hz);
    return chk->fail(chk, "generator", "pulse_width_ms",
                     "generator.mode generator.pulse_frequency_Hz", msg, "20");
  }
  if (c->solver.pulse_dt_s >= g->pulse_width_s) {
    snprintf(msg, sizeof msg, "%g ms does not resolve %g ms bursts", c->solver.pulse_dt_s * 1e3,
             g->pulse_width_s * 1e3);
    chk->warn(chk, "solver", "pulse_dt_ms", msg);
  }
  return RFL_OK;
}

static int describe(const rfl_generator *g, double initial_C, rfl_generator_text style,
                    char *buf, size_t size) {
  (void)initial_C;
  switch (style) {
    case RFL_GENERATOR_TEXT_SETTINGS:
      return snprintf(buf, size, "pulsed %.3g V, %.3g ms at %.3g Hz, %.3g C limit", g->pulse_voltage_V,
                      g->pulse_width_s * 1e3, g->pulse_frequency_Hz, g->pulse_limit_C);
    case RFL_GENERATOR_TEXT_LEGEND:
      return snprintf(buf, size, "pulsed %.0f V, %.0f ms at %.1f Hz", g->pulse_voltage_V,
                      1e3 * g->pulse_width_s, g->pulse_frequency_Hz);
    case RFL_GENERATOR_TEXT_SENTENCE:
      break;
  }
  return snprintf(buf, size,
                  "Pulsed RF: %.0f V bursts of %.0f ms at %.1f Hz for %.0f s, scaled down when the "
                  "thermocouple passes %.0f \u00b0C.",
                  g->pulse_voltage_V, 1e3 * g->pulse_width_s, g->pulse_frequency_Hz, g->duration_s,
                  g->pulse_limit_C);
}

const rfl_generator_type rfl_generator_pulsed = {
    .name = "pulsed",
    .control = pulsed_control,
    .output_on = in_burst,
    .next_event = burst_edge,
    .step_dt = burst_dt,
    .rf_steps = burst_steps,
    .hottest_C = pulse_limit,
    .describe = describe,
    .check = check,
    .keys = "pulse_voltage_V pulse_width_ms pulse_frequency_Hz pulse_limit_C",
    .unused_note = "used in mode = pulsed",
    .bursts = 1,
};
