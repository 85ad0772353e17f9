// SPDX-License-Identifier: BSD-3-Clause
/* The RF generator: what tip voltage it applies over each time step.
 *
 * The solver hands the generator, for the step ending at t_next, the thermocouple reading
 * as a function of the (constant-over-the-step) voltage,
 *     T_tc(V) = a + b V^2,
 * which is exact for the linear heat step with conductivities lagged (Joule heat is V^2
 * times the unit-voltage heat), and the tissue conductance G (A/V) seen by the tip. Each
 * mode then picks V (each mode is a type in its own file, generator_<mode>.c, listed in
 * generator_modes.h):
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
 * The set point ramps linearly from the initial tissue temperature over ramp_s.
 *
 * The circuit: the generator's output drives the tissue the grid models (conductance G)
 * in series with the return path R (the body beyond the domain, the dispersive pad, the
 * skin under it and the cables). The modes work at the generator's terminals: they see the
 * circuit's conductance G / (1 + R G) and the thermocouple as a function of the output
 * voltage, T_tc = a + b V_out^2 / (1 + R G)^2; the tip then carries V_out / (1 + R G). With
 * R = 0 (the reference cases) the output is the tip voltage. */
#ifndef RFL_GENERATOR_H
#define RFL_GENERATOR_H

#include "case.h"

/* The default return path, ohm: the dispersive pad's spreading resistance into the body,
 * 1 / (4 sigma a) for a disc of radius a on a half-space (13 ohm for a 130 cm^2 pad on
 * 0.3 S/m tissue), the skin and gel under it and the cables, about 7 ohm together. The
 * body between the modelled domain and the pad is computed per run (return_path.h).
 * docs/physics-and-numerics.md, "Impedance as the generator reads it". */
#define RFL_RETURN_PATH_OHM 20.0

typedef struct {
  double integral;     /* PI integral of the error, K s */
  double voltage;      /* tip voltage of the last step, V */
  double output_voltage; /* the generator's output voltage of the last step, V */
  double series_ohm;   /* return path in series with the tissue, ohm (set by the solver) */
  int clamped;         /* 1 if the last step's voltage sat on a limit */
} rfl_generator_state;

/* The texts a mode tells its settings in. */
typedef enum {
  RFL_GENERATOR_TEXT_SETTINGS, /* in a case title: "80 C", "7.5 W", "pulsed 45 V, ..." */
  RFL_GENERATOR_TEXT_LEGEND,   /* on a figure: "set point 80 °C", "power 7.5 W", ... */
  RFL_GENERATOR_TEXT_SENTENCE  /* in the report: what the generator did, in words */
} rfl_generator_text;

/* What a mode's check of a read case can report. The case reader provides it, so that a
 * message carries the line of its key and names the --set keys that share the blame. */
typedef struct rfl_case_check {
  void *reader;
  /* A warning "[section] key: <message>" at the key's line. */
  void (*warn)(struct rfl_case_check *chk, const char *section, const char *key,
               const char *message);
  /* An error "[section] key: expected <expected>, found '<text as written>'" (or
   * `shown_default` when the key is not written); `blame` lists the other SECTION.KEY the
   * check read. */
  rfl_status (*fail)(struct rfl_case_check *chk, const char *section, const char *key,
                     const char *blame, const char *expected, const char *shown_default);
} rfl_case_check;

/* What a generator mode is: its name and the hooks the generic functions below call. A
 * NULL hook takes the default named in its comment. The solver and the writers call the
 * generic functions, never a mode by name. */
typedef struct {
  const char *name; /* the case file's [generator] mode word */
  /* Voltage for the step (t_next - dt, t_next] while RF is on (arguments as for
   * rfl_generator_step_voltage); sets s->clamped. */
  double (*control)(const rfl_generator *g, rfl_generator_state *s, double initial_C,
                    double t_next, double dt, double a, double b, double G);
  /* 1 while the output is on at t, 0 <= t < duration_s (bursts). NULL: always on. */
  int (*output_on)(const rfl_generator *g, double t);
  /* The mode's next event after t (burst edges, the end of the ramp), or INFINITY; the end
   * of RF is added by rfl_generator_next_event. NULL: none. */
  double (*next_event)(const rfl_generator *g, double t);
  /* Time step of a step starting at t, s. NULL: the solver's dt_s. */
  double (*step_dt)(const rfl_generator *g, const rfl_solver_settings *s, double t);
  /* Rough number of steps over the RF period at the plain step dt. NULL: duration / dt. */
  double (*rf_steps)(const rfl_generator *g, const rfl_solver_settings *s, double dt);
  /* The hottest tissue the mode allows, C. NULL: the mode does not limit it. */
  double (*hottest_C)(const rfl_generator *g);
  /* The mode's settings as text, in one of the styles above (snprintf's return). */
  int (*describe)(const rfl_generator *g, double initial_C, rfl_generator_text style, char *buf,
                  size_t size);
  /* The mode's checks of a read case (warnings, or an error). NULL: none. */
  rfl_status (*check)(const rfl_case *c, rfl_case_check *chk);
  const char *keys;        /* the [generator] keys only this mode reads, space-separated */
  const char *required;    /* those of them without a default (must be given), or NULL */
  const char *unused_note; /* the written case's note on its keys in other modes */
  int bursts;              /* 1: RF comes in bursts (the summary gives the peak reading) */
} rfl_generator_type;

/* The types of the modes, indexed by rfl_generator_mode, and their words (NULL-ended). */
#define RFL_GENERATOR_TYPE_DECLARE(word, NAME) extern const rfl_generator_type rfl_generator_##word;
RFL_GENERATOR_MODE_LIST(RFL_GENERATOR_TYPE_DECLARE)
#undef RFL_GENERATOR_TYPE_DECLARE
extern const rfl_generator_type *const rfl_generator_types[RFL_GEN_COUNT];
extern const char *const rfl_generator_mode_words[RFL_GEN_COUNT + 1];

/* The type of a generator's mode. */
const rfl_generator_type *rfl_generator_type_of(const rfl_generator *g);

/* The mode that alone reads a [generator] key, or NULL for a key every mode reads. */
const rfl_generator_type *rfl_generator_key_owner(const char *key);

/* Voltage limit from the voltage and power limits for tissue conductance G (A/V), V. */
double rfl_generator_voltage_limit(const rfl_generator *g, double G);

/* Time step of the step starting at t, s (pulse_dt_s inside bursts). */
double rfl_generator_step_dt(const rfl_generator *g, const rfl_solver_settings *s, double t);

/* Rough number of steps over the RF period at the plain step dt. */
double rfl_generator_rf_steps(const rfl_generator *g, const rfl_solver_settings *s, double dt);

/* The hottest tissue the mode allows, C, or `otherwise` when the mode does not limit it. */
double rfl_generator_hottest_C(const rfl_generator *g, double otherwise);

/* The mode's checks of a read case (see rfl_case_check). */
rfl_status rfl_generator_check(const rfl_case *c, rfl_case_check *chk);

/* The generator's settings as text (see rfl_generator_text); returns snprintf's count. */
int rfl_generator_describe(const rfl_generator *g, double initial_C, rfl_generator_text style,
                           char *buf, size_t size);

/* Set point at time t, C. */
double rfl_generator_setpoint(const rfl_generator *g, double initial_C, double t);

/* 1 while RF is applied at time t (inside a burst for pulsed mode; before duration). The
 * interval convention is [start, end). */
int rfl_generator_is_on(const rfl_generator *g, double t);

/* The next time after t where the generator's output or law switches (burst edges, end
 * of the ramp, end of RF), or INFINITY. Time steps end on these. */
double rfl_generator_next_event(const rfl_generator *g, double t);

/* Tip voltage for the step (t_next - dt, t_next], given T_tc(V) = a + b V^2 at the tip
 * voltage V and the tissue conductance G (A/V, > 0); the mode acts at the generator's
 * terminals through the return path s->series_ohm (see above). Updates the controller
 * state (s->voltage, s->output_voltage). */
double rfl_generator_step_voltage(const rfl_generator *g, rfl_generator_state *s,
                                  double initial_C, double t_next, double dt, double a,
                                  double b, double G);

/* Name of a mode (its case-file word). */
const char *rfl_generator_mode_name(rfl_generator_mode mode);

#endif
