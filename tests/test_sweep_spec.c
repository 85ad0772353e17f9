// SPDX-License-Identifier: BSD-3-Clause
/* Sweep descriptions (models/sweep_spec): lists, ranges with an inclusive stop, the
 * Cartesian order (first axis slowest), zips, seeded random draws, and the exact message
 * of every bad spec. Also the results records (postproc/results_table) round trip bit for
 * bit, since resuming a sweep relies on it. */
#include "test_support.h"

#include <stdlib.h>
#include <string.h>

#include "results_table.h"
#include "sweep_spec.h"

static rfl_status read_spec(rfl_sweep *s, const char *text) {
  rfl_sweep_init(s);
  rfl_error_clear();
  rfl_status st = rfl_sweep_read_text(s, "c.ini", text, strlen(text));
  if (st == RFL_OK) st = rfl_sweep_finalize(s);
  return st;
}

static void expect_error(const char *text, const char *message) {
  rfl_sweep s;
  rfl_status st = read_spec(&s, text);
  assert_int_equal(st, RFL_EINPUT);
  assert_string_equal(rfl_error_message(), message);
  rfl_sweep_free(&s);
}

static void value(const rfl_sweep *s, size_t index, int axis, const char *expected) {
  char buf[256];
  assert_int_equal(rfl_sweep_case_set(s, index, axis, buf, sizeof buf), RFL_OK);
  assert_string_equal(buf, expected);
}

static void list_and_quotes(void **state) {
  (void)state;
  rfl_sweep s;
  assert_int_equal(read_spec(&s, "[probe]\ngauge = 18\n[sweep]\ngenerator.duration_s = 30, 60 ,90 ; comment\n"
                                  "probe.tip_mm = \"0, 0, -5\", \"0, 0, -4.5\"\n"),
                   RFL_OK);
  assert_int_equal(s.naxes, 2);
  assert_int_equal(rfl_sweep_count(&s), 6);
  value(&s, 0, 0, "generator.duration_s=30");
  value(&s, 5, 1, "probe.tip_mm=0, 0, -4.5");
  assert_true(s.axes[0].numeric);
  assert_false(s.axes[1].numeric);
  rfl_sweep_free(&s);
}

/* Values of any length stay numbers (a 63-character limit used to turn them into text or
 * refuse them). */
static void long_numbers_stay_numbers(void **state) {
  (void)state;
  rfl_sweep s;
  assert_int_equal(read_spec(&s, "[sweep]\nprobe.tip_length_mm = 10.0000000000000000000000000000000000000000000000"
                                  "000000000000000000000000000001, 5\n"),
                   RFL_OK);
  assert_true(s.axes[0].numeric);
  value(&s, 0, 0, "probe.tip_length_mm=10.0000000000000000000000000000000000000000000000000000000000000000000000000001");
  rfl_sweep_free(&s);
}

static void range_stop_is_inclusive(void **state) {
  (void)state;
  rfl_sweep s;
  assert_int_equal(read_spec(&s, "[sweep]\ngrid.spacing_mm = 0.1:0.3:0.1\ngenerator.set_temperature_C = 90:60:-15\n"),
                   RFL_OK);
  assert_int_equal(s.axes[0].nvalues, 3); /* 0.1 + 2 x 0.1 = 0.30000000000000004 still counts */
  assert_string_equal(s.axes[0].values[2], "0.3");
  assert_int_equal(s.axes[1].nvalues, 3);
  assert_string_equal(s.axes[1].values[2], "60");
  rfl_sweep_free(&s);
  /* a stop off the grid of steps is not reached */
  assert_int_equal(read_spec(&s, "[sweep]\ngenerator.duration_s = 30:100:30\n"), RFL_OK);
  assert_int_equal(s.axes[0].nvalues, 3);
  assert_string_equal(s.axes[0].values[2], "90");
  rfl_sweep_free(&s);
  assert_int_equal(read_spec(&s, "[sweep]\ngenerator.duration_s = 2.385:2.385:1\n"), RFL_OK);
  assert_int_equal(s.axes[0].nvalues, 1);
  assert_string_equal(s.axes[0].values[0], "2.385");
  rfl_sweep_free(&s);
}

static void cartesian_order_first_axis_slowest(void **state) {
  (void)state;
  rfl_sweep s;
  assert_int_equal(read_spec(&s, "[sweep]\na.x = 1, 2\nb.y = 10, 20, 30\n"), RFL_OK);
  assert_int_equal(rfl_sweep_count(&s), 6);
  const int a[6] = {0, 0, 0, 1, 1, 1}, b[6] = {0, 1, 2, 0, 1, 2};
  for (size_t i = 0; i < 6; i++) {
    assert_int_equal(rfl_sweep_value_index(&s, i, 0), a[i]);
    assert_int_equal(rfl_sweep_value_index(&s, i, 1), b[i]);
  }
  rfl_sweep_free(&s);
  /* the command line replaces an axis in place and adds new ones at the end */
  rfl_sweep_init(&s);
  const char *text = "[sweep]\na.x = 1, 2\nb.y = 10, 20, 30\n";
  assert_int_equal(rfl_sweep_read_text(&s, "c.ini", text, strlen(text)), RFL_OK);
  assert_int_equal(rfl_sweep_add_option(&s, "vary", "a.x=7:9:1"), RFL_OK);
  assert_int_equal(rfl_sweep_add_option(&s, "vary", "structure:root.radius_mm=1,2"), RFL_OK);
  assert_int_equal(rfl_sweep_finalize(&s), RFL_OK);
  assert_int_equal(rfl_sweep_count(&s), 18);
  value(&s, 0, 0, "a.x=7");
  value(&s, 17, 0, "a.x=9");
  value(&s, 1, 2, "structure:root.radius_mm=2");
  rfl_sweep_free(&s);
}

static void zip_moves_keys_together(void **state) {
  (void)state;
  rfl_sweep s;
  assert_int_equal(read_spec(&s, "[sweep]\nprobe.gauge = 22, 20, 18\ngenerator.duration_s = 30, 60\n"
                                  "probe.tip_length_mm = 5, 10, 10\nzip = probe.gauge, probe.tip_length_mm\n"),
                   RFL_OK);
  assert_int_equal(s.ngroups, 2);
  assert_int_equal(rfl_sweep_count(&s), 6);
  for (size_t i = 0; i < 6; i++) assert_int_equal(rfl_sweep_value_index(&s, i, 0), rfl_sweep_value_index(&s, i, 2));
  value(&s, 2, 0, "probe.gauge=20"); /* zip group first (slowest), duration second */
  value(&s, 2, 1, "generator.duration_s=30");
  rfl_sweep_free(&s);
}

static void random_draws_repeat_with_the_seed(void **state) {
  (void)state;
  const char *text = "[sweep]\ngenerator.set_temperature_C = uniform(60, 90)\n"
                     "structure:root.radius_mm = normal(1.5, 0.4, 1, 2)\nsamples = 50\nseed = 2385\n"
                     "generator.duration_s = 30, 60\n";
  rfl_sweep s1, s2, s3;
  assert_int_equal(read_spec(&s1, text), RFL_OK);
  assert_int_equal(read_spec(&s2, text), RFL_OK);
  assert_int_equal(rfl_sweep_count(&s1), 100);
  assert_int_equal(s1.ngroups, 2);
  for (int i = 0; i < 50; i++) {
    assert_string_equal(s1.axes[0].values[i], s2.axes[0].values[i]);
    assert_string_equal(s1.axes[1].values[i], s2.axes[1].values[i]);
    double t = atof(s1.axes[0].values[i]), r = atof(s1.axes[1].values[i]);
    assert_true(t >= 60 && t <= 90);
    assert_true(r >= 1 && r <= 2);
  }
  /* another seed, other values */
  rfl_sweep_init(&s3);
  assert_int_equal(rfl_sweep_read_text(&s3, "c.ini", text, strlen(text)), RFL_OK);
  assert_int_equal(rfl_sweep_add_option(&s3, "seed", "7"), RFL_OK);
  assert_int_equal(rfl_sweep_finalize(&s3), RFL_OK);
  assert_string_not_equal(s1.axes[0].values[0], s3.axes[0].values[0]);
  rfl_sweep_free(&s1);
  rfl_sweep_free(&s2);
  rfl_sweep_free(&s3);
}

static void bad_specs_say_what_and_where(void **state) {
  (void)state;
  expect_error("[sweep]\nzip = a.x, b.y\na.x = 1, 2\nb.y = 1, 2, 3\n",
               "c.ini:2: [sweep] zip: expected keys with equal numbers of values, found a.x with 2 and b.y with 3");
  expect_error("[sweep]\na.x = 1:5:0\n", "c.ini:2: [sweep] a.x: expected a nonzero STEP in START:STOP:STEP, found '1:5:0'");
  expect_error("[sweep]\na.x = 1:5:-1\n",
               "c.ini:2: [sweep] a.x: expected a STEP that leads from START to STOP, found '1:5:-1'");
  expect_error("[sweep]\na.x = 1:five:1\n",
               "c.ini:2: [sweep] a.x: expected a range START:STOP:STEP of numbers, found '1:five:1'");
  expect_error("[sweep]\na.x = 1,,2\n", "c.ini:2: [sweep] a.x: expected a value between every two commas, found an "
                                        "empty item in '1,,2'");
  expect_error("[sweep]\na.x = uniform(9, 3)\nsamples = 4\n",
               "c.ini:2: [sweep] a.x: expected uniform(A, B) with numbers A < B, found 'uniform(9, 3)'");
  expect_error("[sweep]\na.x = normal(1, 0)\nsamples = 4\n",
               "c.ini:2: [sweep] a.x: expected normal(MEAN, SD) or normal(MEAN, SD, LO, HI) with numbers SD > 0, "
               "LO < HI, found 'normal(1, 0)'");
  expect_error("[sweep]\na.x = uniform(1, 2)\n", "c.ini:2: [sweep] samples: missing required key 'samples' (the "
                                                 "number of random draws of uniform(...) and normal(...))");
  expect_error("[sweep]\nsamples = 0\n", "c.ini:2: [sweep] samples: expected an integer in [1, 100000], found '0'");
  expect_error("[sweep]\na.x = 1\nsamples = 3\n",
               "c.ini:3: [sweep] samples: expected random values (uniform(...) or normal(...)) to draw, found none");
  expect_error("[sweep]\na.x = 1\na.x = 2\n", "c.ini:3: [sweep] a.x: duplicate key (first given on line 2)");
  expect_error("[sweep]\nduration_s = 1\n", "c.ini:2: [sweep] duration_s: unknown key (known: SECTION.KEY or "
                                            "SECTION:NAME.KEY = values, zip, samples, seed, flags_exit_zero)");
  expect_error("[sweep]\nflags_exit_zero = maybe\n",
               "c.ini:2: [sweep] flags_exit_zero: expected yes, no, true, false, 1 or 0, found 'maybe'");
  expect_error("[sweep]\nflags_exit_zero = yes\nflags_exit_zero = no\n",
               "c.ini:3: [sweep] flags_exit_zero: duplicate key (first given on c.ini:2)");
  expect_error("[sweep]\nstructure:.x = 1\n", "c.ini:2: [sweep] structure:.x: expected a case key as SECTION.KEY or "
                                              "SECTION:NAME.KEY (as for --set), found 'structure:.x'");
  expect_error("[sweep]\nzip = a.x, c.z\na.x = 1, 2\n",
               "c.ini:2: [sweep] zip: expected keys that the sweep varies, found 'c.z'");
  expect_error("[sweep]\na.x = 1\n[sweep]\n", "c.ini:3: [sweep]: duplicate section (first on line 1)");
  expect_error("[sweep]\ngenerator.duration_s\n", "c.ini:2: [sweep]: expected 'KEY = VALUES', found 'generator.duration_s'");
  /* the command line names the option */
  rfl_sweep s;
  rfl_sweep_init(&s);
  assert_int_equal(rfl_sweep_add_option(&s, "vary", "generator.duration_s=30:10:5"), RFL_EINPUT);
  assert_string_equal(rfl_error_message(), "--vary generator.duration_s=30:10:5: [sweep] generator.duration_s: "
                                           "expected a STEP that leads from START to STOP, found '30:10:5'");
  assert_int_equal(rfl_sweep_add_option(&s, "vary", "generator.duration_s"), RFL_EINPUT);
  assert_string_equal(rfl_error_message(), "--vary generator.duration_s: expected KEY=VALUES (KEY as for --set: "
                                           "SECTION.KEY or SECTION:NAME.KEY), found 'generator.duration_s'");
  rfl_sweep_free(&s);
}

static void no_sweep_is_one_case(void **state) {
  (void)state;
  rfl_sweep s;
  assert_int_equal(read_spec(&s, "[probe]\ngauge = 18\n"), RFL_OK);
  assert_int_equal(rfl_sweep_count(&s), 1);
  rfl_sweep_free(&s);
}

static void flags_exit_zero_changes_no_case(void **state) {
  (void)state;
  rfl_sweep s;
  assert_int_equal(read_spec(&s, "[sweep]\ngenerator.duration_s = 5, 6\nflags_exit_zero = yes\n"), RFL_OK);
  assert_int_equal(s.flags_exit_zero, 1);
  assert_int_equal(rfl_sweep_count(&s), 2);
  rfl_sweep_free(&s);
  assert_int_equal(read_spec(&s, "[sweep]\nflags_exit_zero = false\n"), RFL_OK);
  assert_int_equal(s.flags_exit_zero, 0);
  assert_int_equal(rfl_sweep_count(&s), 1);
  rfl_sweep_free(&s);
}

static void records_round_trip_bit_for_bit(void **state) {
  (void)state;
  rfl_results_row row, back;
  rfl_results_row_init(&row, 42);
  assert_int_equal(rfl_results_row_add_int(&row, "case", 42), RFL_OK);
  assert_int_equal(rfl_results_row_add_text(&row, "message", "line\none, \"quoted\""), RFL_OK);
  assert_int_equal(rfl_results_row_add_real(&row, "x", 0.1 + 0.2), RFL_OK);
  assert_int_equal(rfl_results_row_add_real(&row, "y", NAN), RFL_OK);
  assert_int_equal(rfl_results_row_add_real(&row, "x", 1.0), RFL_EINPUT);
  char *text;
  assert_int_equal(rfl_results_row_format(&row, &text), RFL_OK);
  assert_int_equal(rfl_results_row_parse("rec", text, &back), RFL_OK);
  assert_int_equal(back.index, 42);
  assert_true(rfl_results_row_find(&back, "x")->num == 0.1 + 0.2);
  assert_true(isnan(rfl_results_row_find(&back, "y")->num));
  assert_string_equal(rfl_results_row_find(&back, "message")->text, "line one, \"quoted\"");
  text[strlen(text) - 4] = '\0'; /* no "end" line: a truncated record */
  rfl_results_row bad;
  assert_int_equal(rfl_results_row_parse("rec", text, &bad), RFL_EINPUT);
  assert_string_equal(rfl_error_message(), "rec: expected a whole results record, found no 'end' line");
  free(text);
  rfl_results_row_free(&row);
  rfl_results_row_free(&back);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(list_and_quotes),
      cmocka_unit_test(range_stop_is_inclusive),
      cmocka_unit_test(cartesian_order_first_axis_slowest),
      cmocka_unit_test(zip_moves_keys_together),
      cmocka_unit_test(random_draws_repeat_with_the_seed),
      cmocka_unit_test(bad_specs_say_what_and_where),
      cmocka_unit_test(long_numbers_stay_numbers),
      cmocka_unit_test(no_sweep_is_one_case),
      cmocka_unit_test(flags_exit_zero_changes_no_case),
      cmocka_unit_test(records_round_trip_bit_for_bit),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
