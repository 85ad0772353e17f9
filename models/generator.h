// SPDX-License-Identifier: BSD-3-Clause
/* The RF generator: what tip voltage it applies over each time step.
 *
 * The solver hands the generator, for the step ending at t_next, the thermocouple reading
 * as a function of the (constant-over-the-step) voltage,
 *     T_tc(V) = a + b V^2,
 * which is exact for the linear heat step with conductivities lagged (Joule heat is V^2
 * times the unit-voltage heat), and the tissue conductance G (A/V) seen by the tip. Each
 * mode then picks V:
 *
 * temperature: implicit PI (the reference cases' law): e = T_set(t_next) - T_tc(V),
 *   I_{n+1} = I_n + e dt, V = clamp(Kp e + Ki I_{n+1}, 0, V_max), which with T_tc(V) above
 *   is a quadratic in V solved in closed form (no iteration). Conditional integration: the
 *   integral is frozen while V sits on a clamp and e pushes further into it. V_max is the
 *   voltage limit, lowered to sqrt(P_max / G) by the power limit.
 * power: V = sqrt(P / G), clamped by the voltage limit.
 * pulsed: during a burst (t mod 1/f < width) V = pulse voltage, lowered so that the
 *   thermocouple does not exceed the pulse limit at the end of the step (the generator
 *   reduces output to hold the limit); 0 between bursts.
 * After duration_s (cool-down) every mode delivers 0 V.
 *
 * The set point ramps linearly from the initial tissue temperature over ramp_s. */
#ifndef RFL_GENERATOR_H
#define RFL_GENERATOR_H

#include "case.h"

typedef struct {
  double integral;     /* PI integral of the error, K s */
  double voltage;      /* voltage of the last step, V */
  int clamped;         /* 1 if the last step's voltage sat on a limit */
} rfl_generator_state;

/* Set point at time t, C. */
double rfl_generator_setpoint(const rfl_generator *g, double initial_C, double t);

/* 1 while RF is applied at time t (inside a burst for pulsed mode; before duration). The
 * interval convention is [start, end). */
int rfl_generator_is_on(const rfl_generator *g, double t);

/* The next time after t where the generator's output switches (burst edges, end of RF),
 * or INFINITY. Time steps end on these. */
double rfl_generator_next_event(const rfl_generator *g, double t);

/* Voltage for the step (t_next - dt, t_next], given T_tc(V) = a + b V^2 and the tissue
 * conductance G (A/V, > 0). Updates the controller state. */
double rfl_generator_step_voltage(const rfl_generator *g, rfl_generator_state *s,
                                  double initial_C, double t_next, double dt, double a,
                                  double b, double G);

/* Name of a mode ("temperature", "power", "pulsed"). */
const char *rfl_generator_mode_name(rfl_generator_mode mode);

#endif
