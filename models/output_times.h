// SPDX-License-Identifier: BSD-3-Clause
/* Output times that follow the run: a field snapshot time is written either in seconds or
 * relative to the generator's schedule, as `rf_end` (end of RF, duration_s), `end` (end of
 * the run, duration_s + cooldown_s) or a fraction of either (`0.5*rf_end`, `rf_end/3`,
 * `2*end/3`). A case keeps the times as written, so that it still makes sense after
 * duration_s or cooldown_s change, and resolves them to seconds for the run. */
#ifndef RFL_OUTPUT_TIMES_H
#define RFL_OUTPUT_TIMES_H

#include <stddef.h>

typedef enum {
  RFL_TIME_SECONDS = 0, /* a fixed time: num seconds */
  RFL_TIME_RF_END = 1,  /* num * duration_s / den */
  RFL_TIME_END = 2      /* num * (duration_s + cooldown_s) / den */
} rfl_time_anchor;

typedef struct {
  rfl_time_anchor anchor;
  double num;           /* seconds (RFL_TIME_SECONDS) or the multiplier of the anchor */
  double den;           /* divisor of the anchor (1 for seconds) */
} rfl_output_time;

/* Parse one item ("90", "rf_end", "end", "0.5*rf_end", "rf_end/3", "2*end/3"; spaces
 * around '*' and '/' allowed). Returns 1 on success; a number of seconds must still be
 * range-checked by the caller. */
int rfl_output_time_parse(const char *text, rfl_output_time *out);

/* The item as the case file writes it (round-trips through rfl_output_time_parse). */
void rfl_output_time_text(const rfl_output_time *t, char *buf, size_t size);

/* n items as a comma-separated list ("rf_end/2, rf_end, end"). */
void rfl_output_times_text(const rfl_output_time *items, int n, char *buf, size_t size);

/* Seconds of an item for a run of duration_s RF and cooldown_s cool-down. */
double rfl_output_time_seconds(const rfl_output_time *t, double duration_s, double cooldown_s);

/* Resolve n items into times_s (at most n values): equal neighbours (e.g. rf_end, end
 * without a cool-down) give one snapshot. Returns the count, or -(i + 1) when item i
 * resolves to a time not after the previous one's (a decreasing list). */
int rfl_output_times_resolve(const rfl_output_time *items, int n, double duration_s,
                             double cooldown_s, double *times_s);

#endif
