// SPDX-License-Identifier: BSD-3-Clause
/* Sweep descriptions and their expansion (see sweep_spec.h).
 *
 * The [sweep] section is read here, line by line, with its own small parser: the case
 * reader skips the section (its keys are SECTION.KEY names, not keys of a section), and
 * the same text rules apply (comments after ';' or '#' at the start of a line or after
 * whitespace, double quotes protect both). A range's values are computed as START + i STEP
 * (never accumulated) and printed with 12 significant digits, so 0.1:0.3:0.1 gives 0.1,
 * 0.2, 0.3 and not 0.30000000000000004. Random values are printed with 10 digits; the text
 * is what every run of the case uses, so a value is the same wherever it runs.
 *
 * Not done here: checking that a key exists or that a value is valid for it (the case
 * reader does that on every expanded case), or anything about running the cases. */
#include "sweep_spec.h"

#include <ctype.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini_text.h"

#define MAX_TEXT 1000 /* a line or an option, as the case reader's RFL_CASE_MAX_LINE */

void rfl_sweep_init(rfl_sweep *s) {
  memset(s, 0, sizeof *s);
  s->seed = 1;
}

static void axis_clear(rfl_sweep_axis *a) {
  for (int i = 0; i < a->nvalues; i++) free(a->values[i]);
  free(a->values);
  a->values = NULL;
  a->nvalues = 0;
}

void rfl_sweep_free(rfl_sweep *s) {
  if (!s) return;
  for (int i = 0; i < s->naxes; i++) axis_clear(&s->axes[i]);
  s->naxes = 0;
}

/* ---- messages ------------------------------------------------------------------------- */

/* "FILE:LINE: [sweep] <what>" or "--vary TEXT: [sweep] <what>" (origin already formatted). */
static rfl_status fail(const char *origin, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static rfl_status fail(const char *origin, const char *fmt, ...) {
  char what[1536];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  return RFL_ERROR(RFL_EINPUT, "%s: [sweep] %s", origin, what);
}

/* ---- small parsers --------------------------------------------------------------------- */

/* SECTION.KEY or SECTION:NAME.KEY made of letters, digits, '_' and '-'. */
static int valid_key(const char *k) {
  const char *dot = strchr(k, '.');
  if (!dot || dot == k || !dot[1] || strchr(dot + 1, '.')) return 0;
  const char *colon = strchr(k, ':');
  if (colon && (colon > dot || colon == k || colon + 1 == dot || strchr(colon + 1, ':'))) return 0;
  for (const char *p = k; *p; p++)
    if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-' && *p != '.' && *p != ':') return 0;
  return 1;
}

static rfl_status add_value(rfl_sweep_axis *a, const char *text, int *cap) {
  if (a->nvalues == *cap) {
    int ncap = *cap ? 2 * *cap : 8;
    char **grown = realloc(a->values, (size_t)ncap * sizeof *grown);
    if (!grown) return RFL_ERROR(RFL_ENOMEM, "out of memory for the values of %s", a->key);
    a->values = grown;
    *cap = ncap;
  }
  size_t n = strlen(text);
  char *copy = malloc(n + 1);
  if (!copy) return RFL_ERROR(RFL_ENOMEM, "out of memory for the values of %s", a->key);
  memcpy(copy, text, n + 1);
  a->values[a->nvalues++] = copy;
  return RFL_OK;
}

static const char values_form[] =
    "a list V1, V2, ..., a range START:STOP:STEP, uniform(A, B) or normal(MEAN, SD[, LO, HI])";

/* What a random value should look like, for messages. */
static const char *random_form(int is_uniform) {
  return is_uniform ? "uniform(A, B) with numbers A < B"
                    : "normal(MEAN, SD) or normal(MEAN, SD, LO, HI) with numbers SD > 0, LO < HI";
}

/* uniform(A, B) or normal(MEAN, SD[, LO, HI]): text without its closing ')'. */
static rfl_status parse_random(rfl_sweep_axis *a, char *text, int is_uniform, const char *shown_text) {
  const char *key = a->key;
  const char *form = random_form(is_uniform);
  char *parts[5];
  int np = rfl_ini_split(text + (is_uniform ? 8 : 7), ',', 1, parts, 5);
  double v[4];
  int want_ok = is_uniform ? np == 2 : (np == 2 || np == 4);
  for (int i = 0; want_ok && i < np; i++) want_ok = rfl_ini_parse_number(rfl_ini_trim(parts[i]), &v[i]);
  if (!want_ok) return fail(a->origin, "%s: expected %s, found '%s'", key, form, shown_text);
  if (is_uniform) {
    if (!(v[0] < v[1])) return fail(a->origin, "%s: expected %s, found '%s'", key, form, shown_text);
    a->kind = RFL_SWEEP_UNIFORM;
    a->a = v[0], a->b = v[1];
    return RFL_OK;
  }
  if (!(v[1] > 0.0) || (np == 4 && !(v[2] < v[3])))
    return fail(a->origin, "%s: expected %s, found '%s'", key, form, shown_text);
  a->kind = RFL_SWEEP_NORMAL;
  a->a = v[0], a->b = v[1];
  a->lo = np == 4 ? v[2] : -INFINITY;
  a->hi = np == 4 ? v[3] : INFINITY;
  /* rejection sampling must terminate quickly: the bounds must hold some probability */
  double mass = gsl_cdf_ugaussian_P((a->hi - a->a) / a->b) - gsl_cdf_ugaussian_P((a->lo - a->a) / a->b);
  if (!(mass >= 1e-3))
    return fail(a->origin, "%s: expected LO, HI that hold at least 0.1 %% of normal(%g, %g), found '%s' (%.3g %%)",
                key, a->a, a->b, shown_text, 100.0 * mass);
  return RFL_OK;
}

/* START:STOP:STEP, its values computed as START + i STEP. */
static rfl_status parse_range(rfl_sweep_axis *a, char *text, const char *shown_text, int *cap) {
  const char *key = a->key;
  char *parts[4];
  int np = rfl_ini_split(text, ':', 1, parts, 4);
  double v[3];
  int ok = np == 3;
  for (int i = 0; ok && i < 3; i++) ok = rfl_ini_parse_number(rfl_ini_trim(parts[i]), &v[i]);
  if (!ok) return fail(a->origin, "%s: expected a range START:STOP:STEP of numbers, found '%s'", key, shown_text);
  double start = v[0], stop = v[1], step = v[2];
  if (step == 0.0) return fail(a->origin, "%s: expected a nonzero STEP in START:STOP:STEP, found '%s'", key, shown_text);
  double k = (stop - start) / step;
  if (k < -1e-9) return fail(a->origin, "%s: expected a STEP that leads from START to STOP, found '%s'", key, shown_text);
  if (k > RFL_SWEEP_MAX_VALUES)
    return fail(a->origin, "%s: expected at most %d values, found %.0f in '%s'", key, RFL_SWEEP_MAX_VALUES,
                floor(k) + 1.0, shown_text);
  int n = (int)floor(k + 1e-9) + 1;
  if (n > RFL_SWEEP_MAX_VALUES)
    return fail(a->origin, "%s: expected at most %d values, found %d in '%s'", key, RFL_SWEEP_MAX_VALUES, n,
                shown_text);
  a->kind = RFL_SWEEP_RANGE;
  for (int i = 0; i < n; i++) {
    double x = start + i * step;
    if (fabs(x - stop) <= 1e-9 * fabs(step)) x = stop; /* the stop as written */
    if (fabs(x) < 1e-12 * fabs(step)) x = 0.0;        /* no "-0" or 1e-17 */
    char item[64];
    snprintf(item, sizeof item, "%.12g", x);
    RFL_CHECK(add_value(a, item, cap));
  }
  return RFL_OK;
}

/* V1, V2, ...: items trimmed, a quoted item taken without its quotes. */
static rfl_status parse_list(rfl_sweep_axis *a, char *text, const char *shown_text, int *cap) {
  const char *key = a->key;
  char *items[RFL_SWEEP_MAX_VALUES > 4096 ? 4096 : RFL_SWEEP_MAX_VALUES];
  int n = rfl_ini_split(text, ',', 1, items, (int)(sizeof items / sizeof items[0]));
  if (n < 0) return fail(a->origin, "%s: expected at most %d list items (use a range), found more", key, 4096);
  a->kind = RFL_SWEEP_LIST;
  for (int i = 0; i < n; i++) {
    char *it = rfl_ini_trim(items[i]);
    size_t len = strlen(it);
    if (len >= 2 && it[0] == '"' && it[len - 1] == '"') {
      it[len - 1] = '\0';
      it++;
      if (strchr(it, '"'))
        return fail(a->origin, "%s: expected list items without '\"' inside quotes, found '%s'", key, shown_text);
    } else if (strchr(it, '"')) {
      return fail(a->origin, "%s: expected a list item wholly in double quotes, found '%s'", key, it);
    }
    if (!*it) return fail(a->origin, "%s: expected a value between every two commas, found an empty item in '%s'", key,
                          shown_text);
    RFL_CHECK(add_value(a, it, cap));
  }
  return RFL_OK;
}

/* Parses the values of axis a (text is the value as written, comments removed). */
static rfl_status parse_values(rfl_sweep_axis *a, const char *text_in) {
  char buf[MAX_TEXT + 1], sh[96];
  snprintf(buf, sizeof buf, "%s", text_in);
  char *text = rfl_ini_trim(buf);
  char shown_text[MAX_TEXT + 1];
  snprintf(shown_text, sizeof shown_text, "%s", rfl_ini_shown(text, sh, sizeof sh));
  int cap = 0;
  if (!*text) return fail(a->origin, "%s: expected %s, found ''", a->key, values_form);
  int is_uniform = strncmp(text, "uniform(", 8) == 0, is_normal = strncmp(text, "normal(", 7) == 0;
  if (is_uniform || is_normal) {
    size_t n = strlen(text);
    if (text[n - 1] != ')')
      return fail(a->origin, "%s: expected %s, found '%s'", a->key, random_form(is_uniform), shown_text);
    text[n - 1] = '\0';
    return parse_random(a, text, is_uniform, shown_text);
  }
  if (text[0] != '"' && rfl_ini_has_outside_quotes(text, ':')) return parse_range(a, text, shown_text, &cap);
  return parse_list(a, text, shown_text, &cap);
}

/* Adds (or replaces, when `replace`) the axis KEY = VALUES. */
static rfl_status add_axis(rfl_sweep *s, const char *origin, const char *key, const char *values, int replace) {
  char sh[96];
  if (strlen(key) >= RFL_SWEEP_KEY_MAX || !valid_key(key))
    return fail(origin, "%s: expected a case key as SECTION.KEY or SECTION:NAME.KEY (as for --set), found '%s'",
                rfl_ini_shown(key, sh, sizeof sh), rfl_ini_shown(key, sh, sizeof sh));
  int idx = -1;
  for (int i = 0; i < s->naxes; i++)
    if (strcmp(s->axes[i].key, key) == 0) idx = i;
  if (idx >= 0 && !replace) {
    const char *first = strrchr(s->axes[idx].origin, ':');
    return fail(origin, "%s: duplicate key (first given on line %s)", key, first ? first + 1 : "?");
  }
  rfl_sweep_axis tmp;
  memset(&tmp, 0, sizeof tmp);
  snprintf(tmp.key, sizeof tmp.key, "%s", key);
  snprintf(tmp.origin, sizeof tmp.origin, "%s", origin);
  rfl_status st = parse_values(&tmp, values);
  if (st != RFL_OK) {
    axis_clear(&tmp);
    return st;
  }
  if (idx < 0) {
    if (s->naxes == RFL_SWEEP_MAX_AXES) {
      axis_clear(&tmp);
      return fail(origin, "%s: expected at most %d varied keys, found more", key, RFL_SWEEP_MAX_AXES);
    }
    idx = s->naxes++;
  } else {
    axis_clear(&s->axes[idx]);
  }
  s->axes[idx] = tmp;
  return RFL_OK;
}

static rfl_status set_samples(rfl_sweep *s, const char *origin, const char *text) {
  double v;
  if (!rfl_ini_parse_number(text, &v) || v != floor(v) || v < 1 || v > RFL_SWEEP_MAX_VALUES)
    return fail(origin, "samples: expected an integer in [1, %d], found '%s'", RFL_SWEEP_MAX_VALUES, text);
  s->samples = (long)v;
  snprintf(s->samples_origin, sizeof s->samples_origin, "%s", origin);
  return RFL_OK;
}

static rfl_status set_seed(rfl_sweep *s, const char *origin, const char *text) {
  double v;
  if (!rfl_ini_parse_number(text, &v) || v != floor(v) || v < 0 || v > 4294967295.0)
    return fail(origin, "seed: expected an integer in [0, 4294967295], found '%s'", text);
  s->seed = (unsigned long)v;
  s->seed_given = 1;
  snprintf(s->seed_origin, sizeof s->seed_origin, "%s", origin);
  return RFL_OK;
}

static rfl_status set_flags_exit_zero(rfl_sweep *s, const char *origin, const char *text) {
  if (s->flags_exit_zero_origin[0])
    return fail(origin, "flags_exit_zero: duplicate key (first given on %s)", s->flags_exit_zero_origin);
  static const char *const yes[] = {"yes", "true", "1"}, *const no[] = {"no", "false", "0"};
  for (int i = 0; i < 3; i++)
    if (strcmp(text, yes[i]) == 0 || strcmp(text, no[i]) == 0) {
      s->flags_exit_zero = strcmp(text, yes[i]) == 0;
      snprintf(s->flags_exit_zero_origin, sizeof s->flags_exit_zero_origin, "%s", origin);
      return RFL_OK;
    }
  return fail(origin, "flags_exit_zero: expected yes, no, true, false, 1 or 0, found '%s'", text);
}

static rfl_status add_zip(rfl_sweep *s, const char *origin, const char *text) {
  if (s->nzips == RFL_SWEEP_MAX_AXES) return fail(origin, "zip: expected at most %d zips, found more", RFL_SWEEP_MAX_AXES);
  if (strlen(text) >= sizeof s->zips[0]) return fail(origin, "zip: expected at most %zu characters, found more",
                                                      sizeof s->zips[0] - 1);
  snprintf(s->zips[s->nzips], sizeof s->zips[0], "%s", text);
  snprintf(s->zip_origin[s->nzips], sizeof s->zip_origin[0], "%s", origin);
  s->nzips++;
  return RFL_OK;
}

/* ---- the [sweep] section of a case file ------------------------------------------------- */

/* Removes a comment: ';' or '#' at the start or after whitespace, outside double quotes. */
static void strip_comment(char *s) {
  int quoted = 0;
  for (char *p = s; *p; p++) {
    if (*p == '"') quoted = !quoted;
    else if (!quoted && (*p == ';' || *p == '#') && (p == s || p[-1] == ' ' || p[-1] == '\t')) {
      *p = '\0';
      return;
    }
  }
}

rfl_status rfl_sweep_read_text(rfl_sweep *s, const char *name, const char *data, size_t len) {
  if (!name) name = "(case)";
  size_t pos = 0;
  if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) pos = 3;
  int lineno = 0, in_sweep = 0, sweep_line = 0;
  char line[MAX_TEXT + 2], origin[160];
  while (pos < len) {
    const char *start = data + pos;
    const char *nl = memchr(start, '\n', len - pos);
    size_t n = nl ? (size_t)(nl - start) : len - pos;
    pos += n + (nl ? 1 : 0);
    lineno++;
    snprintf(origin, sizeof origin, "%.120s:%d", name, lineno);
    if (n > MAX_TEXT) {
      if (in_sweep) return fail(origin, "expected lines of at most %d characters, found one of %zu", MAX_TEXT, n);
      continue; /* the case reader reports it */
    }
    memcpy(line, start, n);
    line[n] = '\0';
    char *t = rfl_ini_trim(line);
    if (*t == '[') {
      char *close = strchr(t, ']');
      if (!close) {
        in_sweep = 0;
        continue;
      }
      *close = '\0';
      char *inside = rfl_ini_trim(t + 1);
      char *rest = inside;
      while (*rest && *rest != ' ' && *rest != '\t') rest++;
      int named = *rest != '\0';
      if (*rest) *rest++ = '\0';
      if (strcmp(inside, "sweep") != 0) {
        in_sweep = 0;
        continue;
      }
      if (named)
        return RFL_ERROR(RFL_EINPUT, "%s: [sweep %s]: expected [sweep] without a name, found '%s'", origin,
                         rfl_ini_trim(rest), rfl_ini_trim(rest));
      if (sweep_line)
        return RFL_ERROR(RFL_EINPUT, "%s: [sweep]: duplicate section (first on line %d)", origin, sweep_line);
      in_sweep = 1;
      sweep_line = lineno;
      continue;
    }
    if (!in_sweep || *t == ';' || *t == '#' || !*t) continue;
    strip_comment(t);
    char *eq = strchr(t, '=');
    if (!eq) return RFL_ERROR(RFL_EINPUT, "%s: [sweep]: expected 'KEY = VALUES', found '%s'", origin, rfl_ini_trim(t));
    *eq = '\0';
    char *key = rfl_ini_trim(t), *value = rfl_ini_trim(eq + 1);
    rfl_status st;
    if (strcmp(key, "zip") == 0) {
      st = add_zip(s, origin, value);
    } else if (strcmp(key, "samples") == 0) {
      if (s->samples_origin[0]) return fail(origin, "samples: duplicate key (first given on %s)", s->samples_origin);
      st = set_samples(s, origin, value);
    } else if (strcmp(key, "seed") == 0) {
      if (s->seed_given) return fail(origin, "seed: duplicate key (first given on %s)", s->seed_origin);
      st = set_seed(s, origin, value);
    } else if (strcmp(key, "flags_exit_zero") == 0) {
      st = set_flags_exit_zero(s, origin, value);
    } else if (!strchr(key, '.')) {
      return fail(origin,
                  "%s: unknown key (known: SECTION.KEY or SECTION:NAME.KEY = values, zip, samples, seed, "
                  "flags_exit_zero)",
                  key);
    } else {
      st = add_axis(s, origin, key, value, 0);
    }
    if (st != RFL_OK) return st;
  }
  return RFL_OK;
}

rfl_status rfl_sweep_add_option(rfl_sweep *s, const char *option, const char *text) {
  char origin[160], sh[96], buf[MAX_TEXT + 1];
  if (!option || !text) return RFL_ERROR(RFL_EINTERNAL, "rfl_sweep_add_option: no option or text");
  snprintf(origin, sizeof origin, "--%s %s", option, rfl_ini_shown(text, sh, sizeof sh));
  if (strlen(text) > MAX_TEXT) return fail(origin, "%s: expected at most %d characters, found %zu", option, MAX_TEXT,
                                           strlen(text));
  snprintf(buf, sizeof buf, "%s", text);
  if (strcmp(option, "vary") == 0) {
    char *eq = strchr(buf, '=');
    if (!eq)
      return RFL_ERROR(RFL_EINPUT, "%s: expected KEY=VALUES (KEY as for --set: SECTION.KEY or SECTION:NAME.KEY), found '%s'",
                       origin, rfl_ini_shown(text, sh, sizeof sh));
    *eq = '\0';
    return add_axis(s, origin, rfl_ini_trim(buf), eq + 1, 1);
  }
  if (strcmp(option, "zip") == 0) return add_zip(s, origin, rfl_ini_trim(buf));
  if (strcmp(option, "samples") == 0) return set_samples(s, origin, rfl_ini_trim(buf));
  if (strcmp(option, "seed") == 0) return set_seed(s, origin, rfl_ini_trim(buf));
  return RFL_ERROR(RFL_EINTERNAL, "rfl_sweep_add_option: unknown option '%s'", option);
}

/* ---- groups and random draws ------------------------------------------------------------ */

static int find_axis(const rfl_sweep *s, const char *key) {
  for (int i = 0; i < s->naxes; i++)
    if (strcmp(s->axes[i].key, key) == 0) return i;
  return -1;
}

static rfl_status draw_random(rfl_sweep *s) {
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  if (!rng) return RFL_ERROR(RFL_ENOMEM, "out of memory for the random number generator");
  gsl_rng_set(rng, s->seed);
  int caps[RFL_SWEEP_MAX_AXES] = {0};
  rfl_status st = RFL_OK;
  for (long k = 0; k < s->samples && st == RFL_OK; k++)
    for (int i = 0; i < s->naxes && st == RFL_OK; i++) {
      rfl_sweep_axis *a = &s->axes[i];
      double x;
      if (a->kind == RFL_SWEEP_UNIFORM) {
        x = a->a + (a->b - a->a) * gsl_rng_uniform(rng);
      } else if (a->kind == RFL_SWEEP_NORMAL) {
        /* the bounds hold >= 0.1 % of the mass (checked when read): expected <= 1000 tries */
        do x = a->a + gsl_ran_gaussian(rng, a->b);
        while (x < a->lo || x > a->hi);
      } else {
        continue;
      }
      char item[64];
      snprintf(item, sizeof item, "%.10g", x);
      st = add_value(a, item, &caps[i]);
    }
  gsl_rng_free(rng);
  return st;
}

static int is_random(const rfl_sweep_axis *a) {
  return a->kind == RFL_SWEEP_UNIFORM || a->kind == RFL_SWEEP_NORMAL;
}

/* The zips: each a group of list/range axes of one length; zip_of[axis] is its zip or -1. */
static rfl_status resolve_zips(const rfl_sweep *s, int zip_of[RFL_SWEEP_MAX_AXES]) {
  for (int i = 0; i < s->naxes; i++) zip_of[i] = -1;
  for (int z = 0; z < s->nzips; z++) {
    char buf[512], sh[96];
    snprintf(buf, sizeof buf, "%s", s->zips[z]);
    char *keys[RFL_SWEEP_MAX_AXES + 1];
    int nk = rfl_ini_split(buf, ',', 1, keys, RFL_SWEEP_MAX_AXES + 1);
    if (nk < 2)
      return fail(s->zip_origin[z], "zip: expected two or more varied keys separated by commas, found '%s'",
                  rfl_ini_shown(s->zips[z], sh, sizeof sh));
    int first = -1;
    for (int k = 0; k < nk; k++) {
      char *key = rfl_ini_trim(keys[k]);
      int i = find_axis(s, key);
      if (i < 0)
        return fail(s->zip_origin[z], "zip: expected keys that the sweep varies, found '%s'", key);
      const rfl_sweep_axis *a = &s->axes[i];
      if (is_random(a))
        return fail(s->zip_origin[z], "zip: expected keys with lists or ranges, found '%s' (random values are "
                                      "drawn together already)", key);
      if (zip_of[i] >= 0)
        return fail(s->zip_origin[z], "zip: expected each key in one zip, found '%s' in two", key);
      zip_of[i] = z;
      if (first < 0) {
        first = i;
      } else if (a->nvalues != s->axes[first].nvalues) {
        return fail(s->zip_origin[z], "zip: expected keys with equal numbers of values, found %s with %d and %s with %d",
                    s->axes[first].key, s->axes[first].nvalues, a->key, a->nvalues);
      }
    }
  }
  return RFL_OK;
}

/* Groups in the order of their first axis: a zip, all random axes, or an axis alone. */
static void assign_groups(rfl_sweep *s, const int zip_of[RFL_SWEEP_MAX_AXES]) {
  s->ngroups = 0;
  int zip_group[RFL_SWEEP_MAX_AXES], random_group = -1;
  for (int z = 0; z < RFL_SWEEP_MAX_AXES; z++) zip_group[z] = -1;
  for (int i = 0; i < s->naxes; i++) {
    rfl_sweep_axis *a = &s->axes[i];
    int *slot = NULL;
    if (is_random(a)) slot = &random_group;
    else if (zip_of[i] >= 0) slot = &zip_group[zip_of[i]];
    if (slot && *slot >= 0) {
      a->group = *slot;
      continue;
    }
    a->group = s->ngroups;
    s->group_size[s->ngroups++] = a->nvalues;
    if (slot) *slot = a->group;
  }
}

rfl_status rfl_sweep_finalize(rfl_sweep *s) {
  if (s->finalized) return RFL_ERROR(RFL_EINTERNAL, "rfl_sweep_finalize: called twice");
  int nrandom = 0;
  for (int i = 0; i < s->naxes; i++) {
    s->axes[i].group = -1;
    nrandom += is_random(&s->axes[i]);
  }
  if (nrandom && !s->samples)
    return fail(s->axes[0].origin[0] ? s->axes[0].origin : "(sweep)",
                "samples: missing required key 'samples' (the number of random draws of uniform(...) and normal(...))");
  if (!nrandom && s->samples)
    return fail(s->samples_origin, "samples: expected random values (uniform(...) or normal(...)) to draw, found none");
  if (!nrandom && s->seed_given)
    return fail(s->seed_origin, "seed: expected random values (uniform(...) or normal(...)) to draw, found none");
  int zip_of[RFL_SWEEP_MAX_AXES];
  RFL_CHECK(resolve_zips(s, zip_of));
  RFL_CHECK(draw_random(s));
  assign_groups(s, zip_of);
  double total = 1.0;
  for (int g = 0; g < s->ngroups; g++) total *= s->group_size[g];
  if (total > RFL_SWEEP_MAX_CASES) {
    return fail(s->naxes ? s->axes[0].origin : "(sweep)", "expected at most %d cases, found %.0f (%d groups)",
                RFL_SWEEP_MAX_CASES, total, s->ngroups);
  }
  s->ncases = (size_t)total;
  for (int i = 0; i < s->naxes; i++) {
    rfl_sweep_axis *a = &s->axes[i];
    a->numeric = 1;
    for (int v = 0; v < a->nvalues && a->numeric; v++) {
      double x;
      a->numeric = rfl_ini_parse_number(a->values[v], &x);
    }
  }
  s->finalized = 1;
  return RFL_OK;
}

size_t rfl_sweep_count(const rfl_sweep *s) { return s->finalized ? s->ncases : 0; }

int rfl_sweep_value_index(const rfl_sweep *s, size_t index, int axis) {
  int g = s->axes[axis].group;
  for (int k = s->ngroups - 1; k > g; k--) index /= (size_t)s->group_size[k];
  return (int)(index % (size_t)s->group_size[g]);
}

rfl_status rfl_sweep_case_set(const rfl_sweep *s, size_t index, int axis, char *buf, size_t size) {
  const rfl_sweep_axis *a = &s->axes[axis];
  const char *v = a->values[rfl_sweep_value_index(s, index, axis)];
  if (snprintf(buf, size, "%s=%s", a->key, v) >= (int)size)
    return fail(a->origin, "%s: expected a value of at most %zu characters, found '%.40s...'", a->key,
                size - strlen(a->key) - 2, v);
  return RFL_OK;
}
