// SPDX-License-Identifier: BSD-3-Clause
/* The coupled time loop on small, fast cases written inline: the observed order of the
 * time schemes, the energy balance over whole runs (temperature control with perfusion,
 * a cooled probe, a cool-down), thread-count invariance, pulsed RF (tissue hotter than the
 * thermocouple during bursts), generator limits, bipolar probes, and numerical failures
 * reported as such. The probe is a 2.4 mm electrode on a 0.4 mm grid (3 cells per radius)
 * in a 12 mm box, so a run takes a fraction of a second. */
#include <gsl/gsl_math.h> /* M_PI */
#include <stdlib.h>
#include <string.h>

#include "test_support.h"
/* after test_support.h (cmocka's include order) */
#include "case_reader.h"
#include "geometry.h"
#include "grid.h"
#include "lesion.h"
#include "parallel.h"
#include "simulation.h"
#include "summary.h"
#include "tissue.h"

/* The case: these sections, each extended by the test's own lines. */
static const char GRID[] = "[grid]\ndomain_min_mm = -6, -6, -6\ndomain_max_mm = 6, 6, 6\nspacing_mm = 0.4\ngrowth = 1\n";
static const char PROBE[] = "[probe]\ndiameter_mm = 2.5\ntip_length_mm = 5\ntip_mm = 0, 0, -2.5\ndirection = 0, 0, 1\n";
static const char MUSCLE[] = "[material muscle]\n";
static const char EX_VIVO[] = "perfusion_1_s = 0\nq_met_W_m3 = 0\n";

typedef struct {
  const char *generator; /* lines of [generator] */
  const char *probe;     /* extra lines of [probe] */
  const char *muscle;    /* lines of [material muscle] (default: ex vivo) */
  const char *other;     /* further sections */
} case_text;

typedef struct {
  rfl_case kase;
  rfl_grid *grid;
  rfl_geometry *geo;
  rfl_simulation *sim;
  rfl_monitor *mon;
  rfl_summary summary;
} run;

/* Reads the case (+ --set style overrides) and builds everything. */
static run *prepare(case_text ct, const char *const *sets, int nsets) {
  run *r = calloc(1, sizeof *r);
  char *text = malloc(8192);
  snprintf(text, 8192, "%s%s%s%s%s[generator]\n%s%s", GRID, PROBE, ct.probe ? ct.probe : "", MUSCLE,
           ct.muscle ? ct.muscle : EX_VIVO, ct.generator ? ct.generator : "", ct.other ? ct.other : "");
  rfl_case_read_options opt = {.sets = sets, .nsets = nsets};
  rfl_status st = rfl_case_read_buffer("sim.ini", text, strlen(text), &opt, &r->kase);
  free(text);
  if (st != RFL_OK) fail_msg("case: %s", rfl_error_message());
  assert_int_equal(rfl_grid_create(&r->kase.grid, &r->grid), RFL_OK);
  assert_int_equal(rfl_geometry_create(&r->kase, r->grid, &r->geo), RFL_OK);
  assert_int_equal(rfl_simulation_create(&r->kase, r->grid, r->geo, &r->sim), RFL_OK);
  assert_int_equal(rfl_monitor_create(&r->kase, r->grid, r->geo, r->sim, &r->summary, &r->mon), RFL_OK);
  return r;
}

static rfl_status execute(run *r) {
  rfl_status st = rfl_simulation_run(r->sim, rfl_monitor_observe, r->mon);
  if (st == RFL_OK) st = rfl_monitor_status(r->mon);
  if (st == RFL_OK) st = rfl_monitor_finish(r->mon);
  return st;
}

static void finish(run *r) {
  rfl_monitor_free(r->mon);
  rfl_simulation_free(r->sim);
  rfl_geometry_free(r->geo);
  rfl_grid_free(r->grid);
  free(r);
}

/* Temperature field at the end of a constant-power run with time step dt. */
static double *power_run(const char *scheme, double dt) {
  char s1[64], s2[64];
  snprintf(s1, sizeof s1, "solver.scheme=%s", scheme);
  snprintf(s2, sizeof s2, "solver.dt_s=%.17g", dt);
  const char *sets[] = {s1, s2, "solver.rtol=1e-12"};
  run *r = prepare((case_text){.generator = "mode = power\npower_W = 1.385\nduration_s = 4\nramp_s = 0\n"}, sets, 3);
  assert_int_equal(execute(r), RFL_OK);
  rfl_field_view v = rfl_simulation_view(r->sim);
  double *T = malloc(r->grid->ncells * sizeof *T);
  memcpy(T, v.temperature, r->grid->ncells * sizeof *T);
  finish(r);
  return T;
}

static double max_diff(const double *a, const double *b, size_t n) {
  double m = 0.0;
  for (size_t i = 0; i < n; ++i) m = fmax(m, fabs(a[i] - b[i]));
  return m;
}

/* Self-convergence in dt: differences between successive halvings shrink by 2^p. */
static void observed_order(const char *scheme, double lo, double hi) {
  const double dts[4] = {0.4, 0.2, 0.1, 0.05};
  double *T[4];
  for (int i = 0; i < 4; ++i) T[i] = power_run(scheme, dts[i]);
  run *r = prepare((case_text){0}, NULL, 0);
  size_t n = r->grid->ncells;
  finish(r);
  double d01 = max_diff(T[0], T[1], n), d12 = max_diff(T[1], T[2], n), d23 = max_diff(T[2], T[3], n);
  double p1 = log2(d01 / d12), p2 = log2(d12 / d23);
  printf("  %s: max |T_dt - T_dt/2| = %.3e, %.3e, %.3e K; observed order %.2f, %.2f\n", scheme, d01, d12, d23, p1, p2);
  for (int i = 0; i < 4; ++i) free(T[i]);
  assert_true(p2 >= lo && p2 <= hi);
}

static void bdf2_is_second_order_in_time(void **state) {
  (void)state;
  observed_order("bdf2", 1.8, 2.3);
}

static void backward_euler_is_first_order_in_time(void **state) {
  (void)state;
  observed_order("euler", 0.85, 1.2);
}

/* electrical + metabolic = stored + boundary + perfusion + cooling, within 1 %. */
static void check_energy(const rfl_energy_budget *e, double tol) {
  double in = e->electrical + e->metabolic;
  double out = e->stored + e->boundary + e->perfusion + e->cooling;
  printf("  energy in %.4f J (electrical %.4f), stored %.4f, boundary %.4f, perfusion %.4f, cooling %.4f; imbalance %.2e\n",
         in, e->electrical, e->stored, e->boundary, e->perfusion, e->cooling, (in - out) / in);
  assert_true(e->electrical > 0.0);
  assert_true(fabs(in - out) <= tol * in);
}

static void energy_balances_over_a_perfused_run_with_cooldown(void **state) {
  (void)state;
  run *r = prepare((case_text){.generator = "set_temperature_C = 75\nramp_s = 3\nduration_s = 20\ncooldown_s = 5\n",
                               .muscle = "perfusion_1_s = 0.002\nq_met_W_m3 = 10000\n"},
                   NULL, 0);
  assert_int_equal(execute(r), RFL_OK);
  rfl_energy_budget e = rfl_simulation_energy(r->sim);
  assert_true(e.perfusion > 0.0);
  assert_true(e.metabolic > 0.0);
  check_energy(&e, 0.01);
  /* the controller holds the set point */
  assert_close(r->summary.generator_end.thermocouple_C, 75.0, 0.2);
  finish(r);
}

static void energy_balances_with_a_cooled_probe(void **state) {
  (void)state;
  run *r = prepare((case_text){.generator = "set_temperature_C = 55\nramp_s = 3\nduration_s = 15\n",
                               .probe = "cooled = yes\ncoolant_C = 25\ncooling_h_W_m2K = 1500\n"},
                   NULL, 0);
  rfl_status st = execute(r);
  if (st != RFL_OK) fail_msg("%s", rfl_error_message());
  rfl_energy_budget e = rfl_simulation_energy(r->sim);
  assert_true(e.cooling > 0.0);
  check_energy(&e, 0.01);
  /* cooled tip: the hottest tissue lies away from the electrode and exceeds the reading */
  assert_true(r->summary.peak_tissue_end_C > r->summary.generator_end.thermocouple_C + 1.0);
  finish(r);
}

/* Boiling: a temperature-controlled cooled probe whose thermocouple reads far below the
 * tissue, so the controller drives the tissue at the electrode past 100 C. With latent heat
 * the tissue holds at the boiling window while its water boils off (without it, the same
 * run passes 100 C sooner and overheats far more), the budget still closes (stored heat
 * includes the latent heat), the dried tissue's conductivity collapse raises the impedance
 * (roll-off), and the water stays gone after RF stops: the impedance after the cool-down
 * is above the initial one. */
static void boiling_holds_the_tissue_and_conserves_energy(void **state) {
  (void)state;
  const char *gen = "set_temperature_C = 60\nramp_s = 5\nduration_s = 30\ncooldown_s = 10\nmax_voltage_V = 100\n";
  const char *probe = "cooled = yes\ncoolant_C = 20\ncooling_h_W_m2K = 3000\n";
  double peak[2], past100[2] = {INFINITY, INFINITY};
  for (int latent = 0; latent < 2; ++latent) {
    const char *sets[] = {latent ? "physics.latent_heat_J_m3=1.69275e9" : "physics.latent_heat_J_m3=0",
                          "solver.max_temperature_C=500"};
    run *r = prepare((case_text){.generator = gen, .probe = probe}, sets, 2);
    rfl_status st = execute(r);
    if (st != RFL_OK) fail_msg("%s", rfl_error_message());
    peak[latent] = r->summary.peak_tissue_run_C;
    size_t n;
    const rfl_sample *smp = rfl_simulation_samples(r->sim, &n);
    for (size_t i = 0; i < n && !isfinite(past100[latent]); ++i)
      if (smp[i].tissue_max_C > 100.5) past100[latent] = smp[i].t;
    if (latent) {
      rfl_energy_budget e = rfl_simulation_energy(r->sim);
      check_energy(&e, 0.01);
      double zmin = INFINITY, zend = 0.0;
      for (size_t i = 0; i < n; ++i)
        if (smp[i].rf_on) {
          zmin = fmin(zmin, smp[i].impedance);
          zend = smp[i].impedance;
        }
      rfl_sample now;
      assert_int_equal(rfl_simulation_generator_now(r->sim, 1.0, &now), RFL_OK);
      printf("  boiling: Z first %.1f, min %.1f, end of RF %.1f, after cool-down %.1f ohm; %zu unconverged steps\n",
             smp[0].impedance, zmin, zend, now.impedance, r->summary.unconverged_steps);
      assert_true(zend > 5.0 * zmin);
      assert_true(now.impedance > smp[0].impedance);
    }
    finish(r);
  }
  printf("  tissue past 100.5 C at %.2f s without latent heat, %.2f s with; peak %.1f C vs %.1f C\n",
         past100[0], past100[1], peak[0], peak[1]);
  assert_true(past100[1] > past100[0] + 1.0);
  assert_true(peak[0] > peak[1] + 50.0);
}

/* 1 and 2 threads: identical fields (deterministic reductions and static schedules). */
static void results_do_not_depend_on_the_thread_count(void **state) {
  (void)state;
#ifdef _OPENMP
  double *T[2];
  rfl_lesion_metrics les[2];
  for (int t = 0; t < 2; ++t) {
    omp_set_num_threads(t + 1);
    run *r = prepare((case_text){.generator = "set_temperature_C = 80\nramp_s = 2\nduration_s = 12\n"}, NULL, 0);
    assert_int_equal(execute(r), RFL_OK);
    rfl_field_view v = rfl_simulation_view(r->sim);
    T[t] = malloc(r->grid->ncells * sizeof(double));
    memcpy(T[t], v.temperature, r->grid->ncells * sizeof(double));
    les[t] = r->summary.final.lesion;
    if (t == 1) {
      double d = max_diff(T[0], T[1], r->grid->ncells);
      printf("  1 vs 2 threads: max |dT| = %.3e K, width %.9f vs %.9f mm\n", d, 1e3 * les[0].width, 1e3 * les[1].width);
      assert_true(d <= 1e-12);
    }
    finish(r);
  }
  assert_true(les[0].found);
  assert_close(les[0].width, les[1].width, 1e-12);
  assert_close(les[0].volume, les[1].volume, 1e-18);
  free(T[0]), free(T[1]);
  omp_set_num_threads(2);
#else
  skip();
#endif
}

/* Pulsed RF: bursts heat the tissue near the tip above what the thermocouple reads. */
static void pulsed_tissue_spikes_exceed_the_thermocouple(void **state) {
  (void)state;
  run *r = prepare((case_text){.generator = "mode = pulsed\nduration_s = 3\npulse_voltage_V = 45\npulse_width_ms = 20\n"
                                            "pulse_frequency_Hz = 2\npulse_limit_C = 42\n"},
                   NULL, 0);
  assert_int_equal(execute(r), RFL_OK);
  size_t n;
  const rfl_sample *s = rfl_simulation_samples(r->sim, &n);
  int bursts = 0;
  for (size_t i = 1; i < n; ++i) bursts += s[i].rf_on && !s[i - 1].rf_on;
  printf("  pulsed: %d bursts, thermocouple max %.2f C, tissue max %.2f C\n", bursts + s[0].rf_on,
         r->summary.thermocouple_max_C, r->summary.peak_tissue_run_C);
  assert_int_equal(bursts + s[0].rf_on, 6);
  /* while a burst delivers, the generator holds the reading at or below the limit (after a
   * burst the probe may read a little higher as heat reaches it from the tissue) */
  for (size_t i = 0; i < n; ++i)
    if (s[i].rf_on && s[i].voltage > 0.0) assert_true(s[i].thermocouple_C <= 42.0 + 1e-9);
  assert_true(r->summary.peak_tissue_run_C > r->summary.thermocouple_max_C + 0.5);
  finish(r);
}

static void power_mode_respects_the_voltage_limit(void **state) {
  (void)state;
  run *r = prepare((case_text){.generator = "mode = power\npower_W = 30\nmax_voltage_V = 6.5\nduration_s = 2\nramp_s = 0\n"}, NULL, 0);
  assert_int_equal(execute(r), RFL_OK);
  size_t n;
  const rfl_sample *s = rfl_simulation_samples(r->sim, &n);
  /* the limit is the generator's: its output, the tip voltage plus the return path's drop */
  for (size_t i = 0; i < n; ++i) assert_true(s[i].output_voltage <= 6.5 + 1e-12);
  assert_close(s[n - 1].output_voltage, 6.5, 1e-12);
  assert_true(s[n - 1].voltage < 6.5);
  finish(r);
}

/* Power mode sets the generator's output power: the tissue gets the share Z / (Z + R) of it,
 * and the generator reads Z + R. */
static void power_mode_sets_the_generator_output(void **state) {
  (void)state;
  const char *sets[] = {"generator.return_path_ohm=50"};
  run *r = prepare((case_text){.generator = "mode = power\npower_W = 2\nduration_s = 2\nramp_s = 0\n"}, sets, 1);
  assert_int_equal(execute(r), RFL_OK);
  size_t n;
  const rfl_sample *s = rfl_simulation_samples(r->sim, &n);
  for (size_t i = 0; i < n; ++i) {
    if (!s[i].rf_on) continue;
    assert_close(s[i].output_power, 2.0, 1e-12);
    assert_close(s[i].reading_ohm, s[i].impedance + 50.0, 1e-12);
    assert_close(s[i].power, 2.0 * s[i].impedance / (s[i].impedance + 50.0), 1e-12);
    assert_close(s[i].output_voltage, s[i].voltage * (1.0 + 50.0 / s[i].impedance), 1e-12);
  }
  finish(r);
}

/* With the automatic return path, the body beyond the domain is added to what the domain
 * models: the tissue's impedance (the domain alone, grounded at its boundary) rises by the
 * spreading resistance of the added shell when the domain grows, and the generator's reading
 * barely moves (8 % of that rise is left: the sphere of the box's volume is an
 * approximation, and the 5 mm tip is not small beside a 12 mm box). */
static void reading_does_not_depend_on_the_domain(void **state) {
  (void)state;
  const char *small[] = {"generator.duration_s=1"};
  const char *large[] = {"generator.duration_s=1", "grid.domain_min_mm=-12,-12,-12", "grid.domain_max_mm=12,12,12"};
  run *a = prepare((case_text){0}, small, 1), *b = prepare((case_text){0}, large, 3);
  rfl_sample sa, sb;
  assert_int_equal(rfl_simulation_generator_now(a->sim, 1.0, &sa), RFL_OK);
  assert_int_equal(rfl_simulation_generator_now(b->sim, 1.0, &sb), RFL_OK);
  double dz = sb.impedance - sa.impedance, dread = sb.reading_ohm - sa.reading_ohm;
  printf("  tissue %.2f -> %.2f ohm, generator reads %.2f -> %.2f ohm (12 -> 24 mm box)\n", sa.impedance,
         sb.impedance, sa.reading_ohm, sb.reading_ohm);
  assert_true(dz > 3.0);
  assert_true(fabs(dread) < 0.12 * dz);
  /* beyond the 12 mm cube: the sphere of its volume in the background tissue */
  const rfl_case *k = &a->kase;
  double sigma = rfl_tissue_sigma(&k->materials[k->background_material], &k->physics, k->physics.initial_C);
  double r_eq = cbrt(3.0 * 1728e-9 / (4.0 * M_PI));
  assert_close(sa.reading_ohm - sa.impedance, 20.0 + 1.0 / (4.0 * M_PI * sigma * r_eq), 1e-9);
  finish(a);
  finish(b);
}

/* Bipolar: the return probe is held at 0 V and the outer boundary is insulating (no
 * dispersive pad), so all current runs between the tips and a symmetric pair heats both
 * tips alike; monopolar, the far side of the same location barely warms. */
static void bipolar_pair_heats_both_tips(void **state) {
  (void)state;
  const char *gen = "mode = power\npower_W = 2\nduration_s = 4\nramp_s = 0\n";
  const char *shift[] = {"probe.tip_mm=-2,0,-2.5"};
  run *mono = prepare((case_text){.generator = gen}, shift, 1);
  assert_int_equal(execute(mono), RFL_OK);
  run *bi = prepare((case_text){.generator = gen,
                                .other = "[return_probe]\ndiameter_mm = 2.5\ntip_length_mm = 5\ntip_mm = 2, 0, -2.5\n"
                                         "direction = 0, 0, 1\n"},
                    shift, 1);
  assert_int_equal(execute(bi), RFL_OK);
  double z_mono = mono->summary.generator_end.impedance, z_bi = bi->summary.generator_end.impedance;
  rfl_field_view v = rfl_simulation_view(bi->sim);
  const rfl_grid *g = bi->grid;
  /* tissue just outside each tip, on the far side from the other probe */
  size_t out_active = rfl_grid_index(g, rfl_grid_locate(g, 0, -3.5e-3), rfl_grid_locate(g, 1, 0.1e-3), rfl_grid_locate(g, 2, 0.1e-3));
  size_t out_return = rfl_grid_index(g, rfl_grid_locate(g, 0, 3.5e-3), rfl_grid_locate(g, 1, 0.1e-3), rfl_grid_locate(g, 2, 0.1e-3));
  rfl_field_view vm = rfl_simulation_view(mono->sim);
  printf("  impedance monopolar %.1f ohm, bipolar %.1f ohm; beside the active tip %.2f C, beside the return tip %.2f C "
         "(monopolar: %.2f C)\n", z_mono, z_bi, v.temperature[out_active], v.temperature[out_return], vm.temperature[out_return]);
  assert_true(fabs(z_bi - z_mono) > 1.0);
  double rise_active = v.temperature[out_active] - 37.0, rise_return = v.temperature[out_return] - 37.0;
  assert_true(rise_active > 2.0);
  assert_close(rise_return, rise_active, 0.02 * rise_active);
  assert_true(vm.temperature[out_return] - 37.0 < 0.25 * rise_return);
  finish(mono);
  finish(bi);
}

static void runaway_heating_is_a_numerical_failure(void **state) {
  (void)state;
  const char *sets[] = {"solver.max_temperature_C=50"};
  run *r = prepare((case_text){.generator = "mode = power\npower_W = 40\nmax_power_W = 50\nduration_s = 5\nramp_s = 0\n"}, sets, 1);
  rfl_status st = execute(r);
  assert_int_equal(st, RFL_ENUMERIC);
  assert_contains(rfl_error_message(), "exceeds the sanity bound [solver] max_temperature_C = 50.0 C");
  finish(r);
}

static void unconverged_solves_are_reported(void **state) {
  (void)state;
  const char *sets[] = {"solver.max_iterations=1", "solver.rtol=1e-14"};
  run *r = prepare((case_text){.generator = "duration_s = 1\n"}, sets, 2);
  rfl_status st = execute(r);
  assert_int_equal(st, RFL_ENOCONV);
  assert_contains(rfl_error_message(), "solve did not converge at t = ");
  assert_contains(rfl_error_message(), "[solver] max_iterations = 1");
  finish(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(bdf2_is_second_order_in_time),
      cmocka_unit_test(backward_euler_is_first_order_in_time),
      cmocka_unit_test(energy_balances_over_a_perfused_run_with_cooldown),
      cmocka_unit_test(energy_balances_with_a_cooled_probe),
      cmocka_unit_test(boiling_holds_the_tissue_and_conserves_energy),
      cmocka_unit_test(results_do_not_depend_on_the_thread_count),
      cmocka_unit_test(pulsed_tissue_spikes_exceed_the_thermocouple),
      cmocka_unit_test(power_mode_respects_the_voltage_limit),
      cmocka_unit_test(power_mode_sets_the_generator_output),
      cmocka_unit_test(reading_does_not_depend_on_the_domain),
      cmocka_unit_test(bipolar_pair_heats_both_tips),
      cmocka_unit_test(runaway_heating_is_a_numerical_failure),
      cmocka_unit_test(unconverged_solves_are_reported),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
