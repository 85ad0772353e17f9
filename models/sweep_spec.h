// SPDX-License-Identifier: BSD-3-Clause
/* Parameter sweeps: which case keys vary and how, and the expansion into numbered cases
 * (syntax: docs/case-format.md, section "Sweeps").
 *
 * A sweep is a list of axes. Each axis names one case key exactly as --set does
 * (SECTION.KEY or SECTION:NAME.KEY) and gives its values as
 *   a list        30, 60, 90            (a quoted item keeps commas: "0, 0, -5", "1.5")
 *   a range       START:STOP:STEP       (STOP included when it lies on the grid of steps,
 *                                        to 1e-9 of a step)
 *   random        uniform(A, B)         (uniform in [A, B])
 *                 normal(MEAN, SD[, LO, HI])  (normal, truncated to [LO, HI] by rejection)
 * Axes form groups: a list or range axis is its own group, a `zip` joins list/range axes
 * that move together (equal lengths), and all random axes form one group of `samples`
 * draws from GSL's MT19937 seeded with `seed` (default 1; draw order: sample by sample,
 * axes in the order given). The cases are the Cartesian product of the groups, the first
 * group varying slowest (nested loops in the order the axes are written); a group sits
 * where its first axis is.
 *
 * Values stay text: a case is the base case plus one "KEY=VALUE" --set per axis, so the
 * case reader validates every value exactly like a line of a case file. This module never
 * looks at case keys beyond their form; it is pure (no files but the one it is asked to
 * read, no globals).
 *
 * Errors are RFL_EINPUT with the case reader's message shape:
 *   FILE:LINE: [sweep] KEY: expected ..., found '...'
 *   --vary TEXT: [sweep] KEY: expected ..., found '...'  (and --zip, --samples, --seed) */
#ifndef RFL_SWEEP_SPEC_H
#define RFL_SWEEP_SPEC_H

#include <stddef.h>

#include "status.h"

#define RFL_SWEEP_MAX_AXES 32
#define RFL_SWEEP_KEY_MAX 128         /* SECTION:NAME.KEY, with the terminating NUL */
#define RFL_SWEEP_MAX_VALUES 100000   /* values of one axis (samples included) */
#define RFL_SWEEP_MAX_CASES 10000000  /* cases of one sweep */

typedef enum {
  RFL_SWEEP_LIST = 0,
  RFL_SWEEP_RANGE = 1,
  RFL_SWEEP_UNIFORM = 2,
  RFL_SWEEP_NORMAL = 3
} rfl_sweep_kind;

typedef struct {
  char key[RFL_SWEEP_KEY_MAX]; /* "generator.duration_s", "structure:root.radius_mm" */
  rfl_sweep_kind kind;
  char **values;               /* value texts (random axes: filled by rfl_sweep_finalize) */
  int nvalues;
  double a, b, lo, hi;         /* uniform: [a, b]; normal: mean a, sd b, truncated [lo, hi] */
  int numeric;                 /* 1 if every value is a plain number (set by finalize) */
  int group;                   /* index into the groups (set by finalize) */
  char origin[160];            /* "case.ini:12" or "--vary generator.duration_s=30,60" */
} rfl_sweep_axis;

typedef struct {
  rfl_sweep_axis axes[RFL_SWEEP_MAX_AXES];
  int naxes;
  char zips[RFL_SWEEP_MAX_AXES][512];  /* each zip's key list as written */
  char zip_origin[RFL_SWEEP_MAX_AXES][160];
  int nzips;
  long samples;                /* random draws (0 = not given) */
  char samples_origin[160];
  unsigned long seed;          /* GSL seed (default 1) */
  int seed_given;
  char seed_origin[160];
  int flags_exit_zero;         /* flags_exit_zero = yes: safety flags exit 0 (not part of the
                                  expanded sweep: it changes no case) */
  char flags_exit_zero_origin[160];
  /* set by rfl_sweep_finalize */
  int ngroups;
  int group_size[RFL_SWEEP_MAX_AXES];   /* values per group */
  size_t ncases;
  int finalized;
} rfl_sweep;

/* An empty sweep (one case: the base case). */
void rfl_sweep_init(rfl_sweep *s);
/* Frees the value texts; s may be NULL. The struct can be reused after rfl_sweep_init. */
void rfl_sweep_free(rfl_sweep *s);

/* Reads the [sweep] section of case-file text (name is used in messages); no section is
 * not an error. Keys: SECTION.KEY / SECTION:NAME.KEY = VALUES, zip = KEY, KEY[, ...]
 * (repeatable), samples = N, seed = S. */
rfl_status rfl_sweep_read_text(rfl_sweep *s, const char *name, const char *data, size_t len);

/* Command-line forms: option is "vary" (KEY=VALUES; replaces an axis of the same key, in
 * place), "zip" (KEY,KEY[,...]), "samples" (N) or "seed" (S); the last two replace the
 * file's. */
rfl_status rfl_sweep_add_option(rfl_sweep *s, const char *option, const char *text);

/* Checks the zips and the samples, draws the random values and fixes the groups and the
 * number of cases. Call once, after everything is added. */
rfl_status rfl_sweep_finalize(rfl_sweep *s);

/* Number of cases (1 for a sweep without axes). */
size_t rfl_sweep_count(const rfl_sweep *s);

/* Index into axes[axis].values of the value that case `index` uses. */
int rfl_sweep_value_index(const rfl_sweep *s, size_t index, int axis);

/* Text of the --set of `axis` for case `index` ("KEY=VALUE") into buf; RFL_EINPUT (message
 * naming the axis) if it does not fit. */
rfl_status rfl_sweep_case_set(const rfl_sweep *s, size_t index, int axis, char *buf, size_t size);

#endif
