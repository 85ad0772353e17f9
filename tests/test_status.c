// SPDX-License-Identifier: BSD-3-Clause
/* The status table: names, exit codes per DESIGN's table, and the raise/record path. */
#include <string.h>

#include "status.h"
#include "test_support.h"

static void exit_codes_follow_the_table(void **state) {
  (void)state;
  assert_int_equal(rfl_status_exit_code(RFL_OK), 0);
  assert_int_equal(rfl_status_exit_code(RFL_EINPUT), 2);
  assert_int_equal(rfl_status_exit_code(RFL_EUSAGE), 2);
  assert_int_equal(rfl_status_exit_code(RFL_ENOCONV), 3);
  assert_int_equal(rfl_status_exit_code(RFL_ENUMERIC), 3);
  assert_int_equal(rfl_status_exit_code(RFL_EIO), 4);
  assert_int_equal(rfl_status_exit_code(RFL_ENOMEM), 4);
}

static rfl_status fails_with_number(double x) {
  return RFL_ERROR(RFL_EINPUT, "case.ini:7: [probe] diameter_mm: expected > 0, found %.3g", x);
}

static rfl_status propagates(void) {
  RFL_CHECK(fails_with_number(-1.25));
  return RFL_OK;
}

static void raise_records_the_message(void **state) {
  (void)state;
  rfl_error_clear();
  assert_string_equal(rfl_error_message(), "");
  assert_int_equal(propagates(), RFL_EINPUT);
  assert_string_equal(rfl_error_message(),
                      "case.ini:7: [probe] diameter_mm: expected > 0, found -1.25");
  assert_string_equal(rfl_strerror(RFL_ENOCONV), "solver did not converge");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(exit_codes_follow_the_table),
      cmocka_unit_test(raise_records_the_message),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
