// SPDX-License-Identifier: BSD-3-Clause
/* Scalar physics models: damage rates against closed forms and published figures, the
 * generator laws (every mode from one table of scenarios), tissue property laws. */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <stdio.h>
#include <string.h>

#include "case.h"
#include "case_reader.h"
#include "damage.h"
#include "generator.h"
#include "test_support.h"
#include "tissue.h"

static rfl_material soft_tissue(void) {
  rfl_material m;
  memset(&m, 0, sizeof m);
  m.kind = RFL_MATERIAL_TISSUE;
  m.rho = 1090;
  m.c = 3421;
  m.k = 0.49;
  m.dk_dT = 0.0012;
  m.sigma = 0.45;
  m.dsigma_dT = 0.015;
  m.arrhenius_A = 7.39e39;
  m.arrhenius_Ea = 2.577e5;
  return m;
}

/* The reference cases quote the rate at 37 C; the validation notes quote times to Omega = 1. */
static void arrhenius_matches_published_figures(void **state) {
  (void)state;
  rfl_material m = soft_tissue();
  assert_rel_close(rfl_damage_arrhenius_rate(&m, 37.0), 2.9e-4, 0.02);
  assert_close(90.0 * rfl_damage_arrhenius_rate(&m, 37.0), 0.026, 0.001);
  assert_close(1.0 / rfl_damage_arrhenius_rate(&m, 50.0), 61.0, 1.0);
  assert_close(1.0 / rfl_damage_arrhenius_rate(&m, 55.0), 14.0, 0.5);
  m.kind = RFL_MATERIAL_METAL;
  assert_true(rfl_damage_arrhenius_rate(&m, 80.0) == 0.0);
}

typedef struct {
  const rfl_material *m;
  double T0, T1, dt;
} ramp;

static double rate_on_ramp(double t, void *p) {
  const ramp *r = p;
  return rfl_damage_arrhenius_rate(r->m, r->T0 + (r->T1 - r->T0) * t / r->dt);
}

/* A step that heats 10 K: the substepped trapezoid against adaptive quadrature. */
static void arrhenius_increment_integrates_a_ramp(void **state) {
  (void)state;
  rfl_material m = soft_tissue();
  ramp r = {&m, 52.385, 62.385, 0.5};
  gsl_integration_workspace *ws = gsl_integration_workspace_alloc(100);
  double exact, err;
  gsl_function f = {rate_on_ramp, &r};
  assert_int_equal(gsl_integration_qag(&f, 0.0, r.dt, 0.0, 1e-12, 100, GSL_INTEG_GAUSS61, ws, &exact, &err), GSL_SUCCESS);
  gsl_integration_workspace_free(ws);
  assert_rel_close(rfl_damage_arrhenius_increment(&m, r.T0, r.T1, r.dt), exact, 2e-4);
}

static void cem43_follows_sapareto_dewey(void **state) {
  (void)state;
  rfl_damage_settings d = {.cem43_R_above = 0.5, .cem43_R_below = 0.25};
  assert_close(60.0 * rfl_damage_cem43_rate(&d, 43.0), 1.0, 1e-12);
  assert_close(60.0 * rfl_damage_cem43_rate(&d, 45.0), 4.0, 1e-12);
  assert_close(60.0 * rfl_damage_cem43_rate(&d, 41.0), 1.0 / 16.0, 1e-12);
  /* 10 minutes at 44 C = 20 equivalent minutes; a 43 -> 47 C ramp over 60 s integrates
   * 2^(T-43)/60 exactly: (16 - 1) / ln 2 / 4 minutes */
  assert_close(rfl_damage_cem43_increment(&d, 44.0, 44.0, 600.0), 20.0, 1e-9);
  assert_rel_close(rfl_damage_cem43_increment(&d, 43.0, 47.0, 60.0), 15.0 / log(2.0) / 4.0, 1e-12);
}

static void tissue_laws(void **state) {
  (void)state;
  rfl_material m = soft_tissue();
  rfl_physics ph = {.desiccation_start_C = 99, .desiccation_end_C = 100, .desiccation_factor = 0.01};
  assert_close(rfl_tissue_sigma(&m, &ph, 80.0), 0.45 * (1 + 0.015 * 43), 1e-12);
  assert_close(rfl_tissue_sigma(&m, &ph, 99.5), 0.45 * (1 + 0.015 * 62.5) * 0.1, 1e-12);
  assert_close(rfl_tissue_sigma(&m, &ph, 105.0), 0.45 * (1 + 0.015 * 68) * 0.01, 1e-12);
  assert_close(rfl_tissue_k(&m, 62.385), 0.49 * (1 + 0.0012 * 25.385), 1e-12);
  /* boiled fraction: linear over the window, never below what has boiled off, at most 1 */
  assert_close(rfl_tissue_vapour_fraction(&ph, 80.0, 0.0), 0.0, 0.0);
  assert_close(rfl_tissue_vapour_fraction(&ph, 99.25, 0.0), 0.25, 1e-12);
  assert_close(rfl_tissue_vapour_fraction(&ph, 99.25, 0.6), 0.6, 0.0);
  assert_close(rfl_tissue_vapour_fraction(&ph, 60.0, 0.6), 0.6, 0.0);
  assert_close(rfl_tissue_vapour_fraction(&ph, 140.0, 0.2), 1.0, 0.0);
  /* with the fraction driving the collapse, sigma of cooled dry tissue stays collapsed */
  assert_close(rfl_tissue_sigma_vapour(&m, &ph, 99.5, 0.5), rfl_tissue_sigma(&m, &ph, 99.5), 1e-12);
  assert_close(rfl_tissue_sigma_vapour(&m, &ph, 60.0, 1.0), 0.45 * (1 + 0.015 * 23) * 0.01, 1e-12);
}

/* Every damage model of the table: at a constant temperature the step's increment is the
 * rate times the step, and the names follow the registry. */
static void every_damage_model_integrates_its_rate(void **state) {
  (void)state;
  static const char *const names[RFL_DAMAGE_COUNT] = {[RFL_DAMAGE_ARRHENIUS] = "arrhenius",
                                                      [RFL_DAMAGE_CEM43] = "cem43"};
  rfl_material m = soft_tissue();
  rfl_case c;
  rfl_case_defaults(&c);
  for (int i = 0; i < RFL_DAMAGE_COUNT; ++i) {
    const rfl_damage_type *t = rfl_damage_types[i];
    assert_string_equal(t->name, names[i]);
    for (double T = 41.5; T < 80.0; T += 7.25) {
      double rate = t->rate(&m, &c.damage, T);
      assert_true(rate > 0.0);
      assert_close(t->increment(&m, &c.damage, T, T, 0.385), 0.385 * rate, 1e-12 * rate);
    }
  }
  /* a ramp integrates more than its start and less than its end */
  const rfl_damage_type *a = &rfl_damage_arrhenius;
  double inc = a->increment(&m, &c.damage, 50.0, 60.0, 2.0);
  assert_true(inc > 2.0 * a->rate(&m, &c.damage, 50.0) && inc < 2.0 * a->rate(&m, &c.damage, 60.0));
}

/* Every temperature law of the table, through the generic functions: the name follows
 * the registry, properties are positive and continuous across 37 C, and sigma_vapour with
 * nothing boiled off is sigma below the desiccation window. */
static void every_tissue_law_is_complete(void **state) {
  (void)state;
  assert_null(rfl_tissue_law_words[RFL_TISSUE_LAW_COUNT]);
  rfl_case c;
  rfl_case_defaults(&c);
  for (int i = 0; i < RFL_TISSUE_LAW_COUNT; ++i) {
    const rfl_tissue_law *law = rfl_tissue_laws[i];
    assert_string_equal(law->name, rfl_tissue_law_words[i]);
    rfl_material m = soft_tissue();
    m.law = i;
    assert_close(rfl_tissue_sigma(&m, &c.physics, 37.0), m.sigma, 1e-12);
    assert_close(rfl_tissue_k(&m, 37.0), m.k, 1e-12);
    for (double T = 20.5; T < 98.0; T += 6.5) {
      assert_true(rfl_tissue_sigma(&m, &c.physics, T) > 0.0 && rfl_tissue_k(&m, T) > 0.0);
      assert_close(rfl_tissue_sigma_vapour(&m, &c.physics, T, 0.0), rfl_tissue_sigma(&m, &c.physics, T),
                   1e-12 * m.sigma);
      assert_close(law->sigma(&m, &c.physics, T), rfl_tissue_sigma(&m, &c.physics, T), 0.0);
    }
  }
}

/* ---- generator: one table of scenarios, every mode ---------------------------------- */

static rfl_generator rc1_generator(void) {
  rfl_generator g;
  memset(&g, 0, sizeof g);
  g.mode = RFL_GEN_TEMPERATURE;
  g.set_temperature_C = 80;
  g.ramp_s = 10;
  g.duration_s = 90;
  g.max_voltage_V = 100;
  g.max_power_W = 50;
  g.kp_V_per_K = 2;
  g.ki_V_per_Ks = 1;
  g.power_W = 7.5;
  g.pulse_voltage_V = 45;
  g.pulse_width_s = 0.02;
  g.pulse_frequency_Hz = 2;
  g.pulse_limit_C = 42;
  return g;
}

static void setpoint_ramps_then_holds(void **state) {
  (void)state;
  rfl_generator g = rc1_generator();
  assert_close(rfl_generator_setpoint(&g, 37.0, 0.0), 37.0, 1e-12);
  assert_close(rfl_generator_setpoint(&g, 37.0, 2.5), 37.0 + 43.0 * 0.25, 1e-12);
  assert_close(rfl_generator_setpoint(&g, 37.0, 45.0), 80.0, 1e-12);
}

/* The implicit PI law holds exactly for the voltage returned: V = Kp e + Ki I_{n+1}. */
static void temperature_mode_solves_the_implicit_pi_law(void **state) {
  (void)state;
  rfl_generator g = rc1_generator();
  rfl_generator_state s = {.integral = 3.125};
  double a = 50.3, b = 0.0417, dt = 0.385, t = 4.2, G = 0.0167;
  double V = rfl_generator_step_voltage(&g, &s, 37.0, t, dt, a, b, G);
  double e = rfl_generator_setpoint(&g, 37.0, t) - (a + b * V * V);
  assert_close(s.integral, 3.125 + e * dt, 1e-12);
  assert_close(V, g.kp_V_per_K * e + g.ki_V_per_Ks * s.integral, 1e-10);
  assert_int_equal(s.clamped, 0);
}

static void temperature_mode_clamps_and_freezes_the_integral(void **state) {
  (void)state;
  rfl_generator g = rc1_generator();
  g.max_voltage_V = 5.0;
  rfl_generator_state s = {.integral = 40.0};
  double V = rfl_generator_step_voltage(&g, &s, 37.0, 20.0, 0.5, 45.0, 0.01, 0.02);
  assert_close(V, 5.0, 1e-12);
  assert_int_equal(s.clamped, 1);
  assert_close(s.integral, 40.0, 0.0); /* error still positive: frozen */
  /* power limit lowers the voltage limit: P = V^2 G <= 50 W */
  g.max_voltage_V = 100.0;
  s.integral = 1e4;
  V = rfl_generator_step_voltage(&g, &s, 37.0, 20.0, 0.5, 45.0, 1e-5, 2.0);
  assert_close(V * V * 2.0, 50.0, 1e-9);
  /* lower clamp: far above set point gives 0 V */
  s.integral = -100.0;
  V = rfl_generator_step_voltage(&g, &s, 37.0, 20.0, 0.5, 95.0, 0.01, 0.02);
  assert_close(V, 0.0, 0.0);
  assert_int_equal(s.clamped, -1);
}

static void power_mode_delivers_the_power(void **state) {
  (void)state;
  rfl_generator g = rc1_generator();
  g.mode = RFL_GEN_POWER;
  rfl_generator_state s = {0};
  double G = 0.0171;
  double V = rfl_generator_step_voltage(&g, &s, 37.0, 3.0, 0.5, 50.0, 0.02, G);
  assert_close(V * V * G, 7.5, 1e-12);
}

static void pulsed_mode_bursts_and_limits(void **state) {
  (void)state;
  rfl_generator g = rc1_generator();
  g.mode = RFL_GEN_PULSED;
  g.duration_s = 120;
  assert_true(rfl_generator_is_on(&g, 0.0));
  assert_true(rfl_generator_is_on(&g, 0.019));
  assert_false(rfl_generator_is_on(&g, 0.021));
  assert_true(rfl_generator_is_on(&g, 0.505));
  assert_false(rfl_generator_is_on(&g, 120.001));
  assert_close(rfl_generator_next_event(&g, 0.0), 0.02, 1e-12);
  assert_close(rfl_generator_next_event(&g, 0.02), 0.5, 1e-12);
  assert_close(rfl_generator_next_event(&g, 0.3), 0.5, 1e-12);
  rfl_generator_state s = {0};
  double V = rfl_generator_step_voltage(&g, &s, 37.0, 0.502, 0.002, 38.0, 1e-4, 0.02);
  assert_close(V, 45.0, 1e-12); /* 38 + 1e-4 * 45^2 = 38.2 C < 42 C */
  V = rfl_generator_step_voltage(&g, &s, 37.0, 0.502, 0.002, 41.0, 1e-3, 0.02);
  assert_close(41.0 + 1e-3 * V * V, 42.0, 1e-12); /* held at the limit */
  V = rfl_generator_step_voltage(&g, &s, 37.0, 0.302, 0.002, 38.0, 1e-4, 0.02);
  assert_close(V, 0.0, 0.0); /* between bursts */
}

static void every_mode_is_off_after_the_duration(void **state) {
  (void)state;
  const rfl_generator_mode modes[] = {RFL_GEN_TEMPERATURE, RFL_GEN_POWER, RFL_GEN_PULSED};
  for (size_t i = 0; i < sizeof modes / sizeof modes[0]; ++i) {
    rfl_generator g = rc1_generator();
    g.mode = modes[i];
    rfl_generator_state s = {.integral = 10.0};
    assert_close(rfl_generator_step_voltage(&g, &s, 37.0, 90.5, 0.5, 40.0, 0.01, 0.02), 0.0, 0.0);
    assert_true(isinf(rfl_generator_next_event(&g, 90.0)));
    assert_true(strlen(rfl_generator_mode_name(modes[i])) > 0);
  }
}

/* ---- generator modes: the type table ------------------------------------------------ */

/* Every registered mode is a complete type: its word, its hooks, keys the reader accepts. */
static void every_mode_type_is_complete(void **state) {
  (void)state;
  assert_null(rfl_generator_mode_words[RFL_GEN_COUNT]);
  for (int i = 0; i < RFL_GEN_COUNT; ++i) {
    const rfl_generator_type *t = rfl_generator_types[i];
    assert_non_null(t);
    assert_string_equal(t->name, rfl_generator_mode_words[i]);
    assert_string_equal(rfl_generator_mode_name((rfl_generator_mode)i), t->name);
    assert_non_null(t->control);
    assert_non_null(t->describe);
    rfl_generator g = rc1_generator();
    g.mode = (rfl_generator_mode)i;
    assert_ptr_equal(rfl_generator_type_of(&g), t);
    char text[512];
    for (int style = RFL_GENERATOR_TEXT_SETTINGS; style <= RFL_GENERATOR_TEXT_SENTENCE; ++style)
      assert_true(rfl_generator_describe(&g, 37.0, (rfl_generator_text)style, text, sizeof text) > 0);
    char keys[256];
    snprintf(keys, sizeof keys, "%s", t->keys ? t->keys : "");
    for (char *k = strtok(keys, " "); k; k = strtok(NULL, " ")) {
      assert_true(rfl_case_key_accepted("generator", k));
      assert_ptr_equal(rfl_generator_key_owner(k), t);
      assert_non_null(t->unused_note);
    }
    if (t->required) assert_ptr_equal(rfl_generator_key_owner(t->required), t);
  }
  assert_null(rfl_generator_key_owner("duration_s")); /* every mode reads it */
}

/* The events and steps the time loop takes from the modes: the end of the ramp, burst
 * edges and burst steps, the sweep's step estimate and the hottest tissue. */
static void mode_hooks_schedule_the_steps(void **state) {
  (void)state;
  rfl_generator g = rc1_generator();
  rfl_solver_settings s = {.dt_s = 0.5, .pulse_dt_s = 0.002};
  assert_close(rfl_generator_next_event(&g, 0.0), 10.0, 0.0);  /* the ramp ends */
  assert_close(rfl_generator_next_event(&g, 10.0), 90.0, 0.0); /* then RF */
  g.ramp_s = 95.0;                                              /* a ramp into the cool-down */
  assert_close(rfl_generator_next_event(&g, 91.0), 95.0, 0.0);
  g.ramp_s = 10.0;
  assert_close(rfl_generator_step_dt(&g, &s, 0.0), 0.5, 0.0);
  assert_close(rfl_generator_rf_steps(&g, &s, 0.5), 180.0, 0.0);
  assert_close(rfl_generator_hottest_C(&g, 100.0), 80.0, 0.0);
  g.mode = RFL_GEN_POWER;
  assert_close(rfl_generator_next_event(&g, 0.0), 90.0, 0.0); /* no ramp event */
  assert_close(rfl_generator_hottest_C(&g, 100.0), 100.0, 0.0);
  g.mode = RFL_GEN_PULSED;
  assert_close(rfl_generator_step_dt(&g, &s, 0.0), 0.002, 0.0); /* inside a burst */
  assert_close(rfl_generator_step_dt(&g, &s, 0.3), 0.5, 0.0);   /* between bursts */
  assert_close(rfl_generator_step_dt(&g, &s, 0.02), 0.5, 0.0);  /* a burst's end: after it */
  /* 180 bursts of 10 steps plus 2 edges each, and the plain steps */
  assert_close(rfl_generator_rf_steps(&g, &s, 0.5), 180.0 * 12.0 + 180.0, 1e-9);
  assert_close(rfl_generator_hottest_C(&g, 100.0), 42.0, 0.0);
  assert_int_equal(rfl_generator_type_of(&g)->bursts, 1);
}

static void mode_texts(void **state) {
  (void)state;
  static const char *const expect[RFL_GEN_COUNT][2] = {
      [RFL_GEN_TEMPERATURE] = {"80 C", "set point 80 \u00b0C"},
      [RFL_GEN_POWER] = {"7.5 W", "power 7.5 W"},
      [RFL_GEN_PULSED] = {"pulsed 45 V, 20 ms at 2 Hz, 42 C limit", "pulsed 45 V, 20 ms at 2.0 Hz"},
  };
  char text[512];
  for (int i = 0; i < RFL_GEN_COUNT; ++i) {
    rfl_generator g = rc1_generator();
    g.mode = (rfl_generator_mode)i;
    rfl_generator_describe(&g, 37.0, RFL_GENERATOR_TEXT_SETTINGS, text, sizeof text);
    assert_string_equal(text, expect[i][0]);
    rfl_generator_describe(&g, 37.0, RFL_GENERATOR_TEXT_LEGEND, text, sizeof text);
    assert_string_equal(text, expect[i][1]);
  }
  rfl_generator g = rc1_generator();
  rfl_generator_describe(&g, 36.5, RFL_GENERATOR_TEXT_SENTENCE, text, sizeof text);
  assert_string_equal(text, "Temperature-controlled RF: the set point rises from 36 \u00b0C to 80 \u00b0C over a "
                            "10 s ramp and is held until RF stops at 90 s (limits 100 V, 50 W).");
}

/* A check that records what a mode reports. */
typedef struct {
  rfl_case_check chk;
  char last[512];
  int warnings, failures;
} recorder;

static void record_warn(rfl_case_check *chk, const char *section, const char *key, const char *message) {
  recorder *r = (recorder *)chk;
  r->warnings++;
  snprintf(r->last, sizeof r->last, "[%s] %s: %s", section, key, message);
}

static rfl_status record_fail(rfl_case_check *chk, const char *section, const char *key, const char *blame,
                              const char *expected, const char *shown_default) {
  recorder *r = (recorder *)chk;
  r->failures++;
  snprintf(r->last, sizeof r->last, "[%s] %s: expected %s, found '%s' (%s)", section, key, expected,
           shown_default, blame);
  return RFL_EINPUT;
}

static void mode_checks_report_through_the_reader(void **state) {
  (void)state;
  rfl_case c;
  rfl_case_defaults(&c);
  recorder r = {{NULL, record_warn, record_fail}, "", 0, 0};
  c.generator.set_temperature_C = 35.5;
  assert_int_equal(rfl_generator_check(&c, &r.chk), RFL_OK);
  assert_int_equal(r.warnings, 1);
  assert_string_equal(r.last, "[generator] set_temperature_C: 35.5 C is not above the initial 37 C; "
                              "the generator will deliver no power");
  c.generator.mode = RFL_GEN_PULSED;
  c.generator.pulse_width_s = 0.6;
  assert_int_equal(rfl_generator_check(&c, &r.chk), RFL_EINPUT);
  assert_int_equal(r.failures, 1);
  assert_string_equal(r.last, "[generator] pulse_width_ms: expected less than the pulse period 500 ms "
                              "(pulse_frequency_Hz = 2), found '20' (generator.mode generator.pulse_frequency_Hz)");
  c.generator.pulse_width_s = 0.02;
  c.solver.pulse_dt_s = 0.025;
  assert_int_equal(rfl_generator_check(&c, &r.chk), RFL_OK);
  assert_string_equal(r.last, "[solver] pulse_dt_ms: 25 ms does not resolve 20 ms bursts");
  c.generator.mode = RFL_GEN_POWER;
  r.warnings = 0;
  assert_int_equal(rfl_generator_check(&c, &r.chk), RFL_OK); /* power has no checks */
  assert_int_equal(r.warnings, 0);
}

int main(void) {
  gsl_set_error_handler_off();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(arrhenius_matches_published_figures),
      cmocka_unit_test(arrhenius_increment_integrates_a_ramp),
      cmocka_unit_test(cem43_follows_sapareto_dewey),
      cmocka_unit_test(tissue_laws),
      cmocka_unit_test(every_damage_model_integrates_its_rate),
      cmocka_unit_test(every_tissue_law_is_complete),
      cmocka_unit_test(setpoint_ramps_then_holds),
      cmocka_unit_test(temperature_mode_solves_the_implicit_pi_law),
      cmocka_unit_test(temperature_mode_clamps_and_freezes_the_integral),
      cmocka_unit_test(power_mode_delivers_the_power),
      cmocka_unit_test(pulsed_mode_bursts_and_limits),
      cmocka_unit_test(every_mode_is_off_after_the_duration),
      cmocka_unit_test(every_mode_type_is_complete),
      cmocka_unit_test(mode_hooks_schedule_the_steps),
      cmocka_unit_test(mode_texts),
      cmocka_unit_test(mode_checks_report_through_the_reader),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
