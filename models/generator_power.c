// SPDX-License-Identifier: BSD-3-Clause
/* Constant-power mode: V = sqrt(P / G) for the tissue conductance G of the step, clamped
 * by the voltage limit (and by the power limit, which then equals or exceeds P). It does
 * not limit the tissue temperature: desiccation does, by collapsing G. */
#include <math.h>
#include <stdio.h>

#include "generator.h"

static double power_control(const rfl_generator *g, rfl_generator_state *s, double initial_C,
                            double t_next, double dt, double a, double b, double G) {
  (void)initial_C, (void)t_next, (void)dt, (void)a, (void)b;
  double V = G > 0.0 ? sqrt(g->power_W / G) : 0.0;
  double vmax = rfl_generator_voltage_limit(g, G);
  s->clamped = V > vmax;
  return V > vmax ? vmax : V;
}

static int describe(const rfl_generator *g, double initial_C, rfl_generator_text style,
                    char *buf, size_t size) {
  (void)initial_C;
  switch (style) {
    case RFL_GENERATOR_TEXT_SETTINGS:
      return snprintf(buf, size, "%.3g W", g->power_W);
    case RFL_GENERATOR_TEXT_LEGEND:
      return snprintf(buf, size, "power %.1f W", g->power_W);
    case RFL_GENERATOR_TEXT_SENTENCE:
      break;
  }
  return snprintf(buf, size, "Constant-power RF: %.1f W for %.0f s (voltage limit %.0f V).",
                  g->power_W, g->duration_s, g->max_voltage_V);
}

const rfl_generator_type rfl_generator_power = {
    .name = "power",
    .control = power_control,
    .describe = describe,
    .keys = "power_W",
    .required = "power_W",
    .unused_note = "", /* not written in other modes: it has no default to show */
};
