// SPDX-License-Identifier: BSD-3-Clause
/* Shared helpers for the cmocka tests: the include order Debian's cmocka 1.1.5 needs, and a
 * double comparison with an explicit tolerance (assert_float_equal truncates to float). */
#ifndef RFL_TEST_SUPPORT_H
#define RFL_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* keep after the four above */
#include <cmocka.h>
#include <math.h>
#include <stdio.h>

/* Fails unless |actual - expected| <= tol, printing both values. */
#define assert_close(actual, expected, tol)                                                   \
  do {                                                                                        \
    double rfl_a_ = (actual), rfl_e_ = (expected), rfl_t_ = (tol);                            \
    if (!(fabs(rfl_a_ - rfl_e_) <= rfl_t_))                                                   \
      fail_msg("%s = %.10g, expected %.10g +/- %.3g (off by %.3g)", #actual, rfl_a_, rfl_e_,  \
               rfl_t_, rfl_a_ - rfl_e_);                                                      \
  } while (0)

/* Fails unless |actual/expected - 1| <= rtol. */
#define assert_rel_close(actual, expected, rtol)                                              \
  do {                                                                                        \
    double rfl_a_ = (actual), rfl_e_ = (expected), rfl_t_ = (rtol);                           \
    if (!(fabs(rfl_a_ - rfl_e_) <= rfl_t_ * fabs(rfl_e_)))                                    \
      fail_msg("%s = %.10g, expected %.10g within %.3g %% (off by %.3g %%)", #actual, rfl_a_, \
               rfl_e_, 100.0 * rfl_t_, 100.0 * (rfl_a_ / rfl_e_ - 1.0));                      \
  } while (0)

/* Fails unless haystack contains needle, printing both. */
#define assert_contains(haystack, needle)                                                     \
  do {                                                                                        \
    const char *rfl_h_ = (haystack), *rfl_n_ = (needle);                                      \
    if (!rfl_h_ || !strstr(rfl_h_, rfl_n_))                                                   \
      fail_msg("expected \"%s\" in:\n%s", rfl_n_, rfl_h_ ? rfl_h_ : "(null)");                \
  } while (0)

#endif
