// SPDX-License-Identifier: BSD-3-Clause
/* Parsing a case-file value against its key (type, unit, range) into the entry, and
 * storing an entry into the case; a bad value is reported at its line as it is read. */
#include "case_reading.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini_text.h"
#include "output_times.h"

static int is_name_char(int ch) { return isalnum(ch) || ch == '_' || ch == '-'; }

int reader_valid_name(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n >= RFL_NAME_MAX) return 0;
  for (size_t i = 0; i < n; i++)
    if (!is_name_char((unsigned char)s[i])) return 0;
  return 1;
}

/* Strip a trailing comment (';' or '#' after whitespace; in points values ';' separates
 * points, so only '#' starts a comment) and surrounding double quotes. Returns 0 when a
 * quoted value has text after its closing quote. */
int reader_clean_value(const char *raw, int semicolon_is_data, char *out, size_t size) {
  size_t n = strlen(raw);
  if (n >= size) n = size - 1;
  memcpy(out, raw, n);
  out[n] = '\0';
  char *s = rfl_ini_trim(out);
  if (*s == '"') {
    char *close = strrchr(s + 1, '"');
    if (!close) return 0;
    char *rest = close + 1;
    while (*rest == ' ' || *rest == '\t') rest++;
    if (*rest && *rest != ';' && *rest != '#') return 0;
    *close = '\0';
    memmove(out, s + 1, strlen(s + 1) + 1);
    return 1;
  }
  for (char *p = s; *p; p++) {
    if ((*p == '#' || (*p == ';' && !semicolon_is_data)) &&
        (p == s || p[-1] == ' ' || p[-1] == '\t')) {
      *p = '\0';
      break;
    }
  }
  s = rfl_ini_trim(s);
  memmove(out, s, strlen(s) + 1);
  return 1;
}

/* Split s at sep into at most max trimmed pieces (s is modified). Returns the count, or
 * max + 1 when there are more. */
int reader_split(char *s, char sep, char **parts, int max) {
  int n = rfl_ini_split(s, sep, 0, parts, max);
  if (n < 0) return max + 1;
  for (int i = 0; i < n; i++) parts[i] = rfl_ini_trim(parts[i]);
  return n;
}
/* "a number of mm in [0.01, 5]" */
static void describe_number(const key_spec *k, const char *kind, char *buf, size_t size) {
  if (k->unit[0])
    snprintf(buf, size, "%s of %s in [%g, %g]", kind, k->unit, k->min, k->max);
  else
    snprintf(buf, size, "%s in [%g, %g]", kind, k->min, k->max);
}

static int parse_vec3(const char *text, double lo, double hi, double *out) {
  char tmp[RFL_CASE_MAX_LINE + 1];
  snprintf(tmp, sizeof tmp, "%s", text);
  char *parts[4];
  if (reader_split(tmp, ',', parts, 3) != 3) return 0;
  for (int i = 0; i < 3; i++)
    if (!rfl_ini_parse_number(parts[i], &out[i]) || out[i] < lo || out[i] > hi) return 0;
  return 1;
}

static const char *words_list(const char *const *words, char *buf, size_t size) {
  buf[0] = '\0';
  for (int i = 0; words[i]; i++) {
    size_t n = strlen(buf);
    snprintf(buf + n, size - n, "%s%s", i ? ", " : "", words[i]);
  }
  return buf;
}

/* A direction: three numbers, not all zero, normalised. */
static rfl_status parse_direction(reader *r, entry_rec *e) {
  const key_spec *k = e->spec;
  double v[3];
  const char *dir_what = "3 comma-separated numbers x, y, z of a nonzero direction";
  if (!parse_vec3(e->text, k->min, k->max, v)) return reader_fail_expected(r, e, dir_what);
  double norm = sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
  if (!(norm > 1e-12) || !isfinite(norm)) return reader_fail_expected(r, e, dir_what);
  /* A direction already unit to within what a written case can carry (10 digits) is
   * kept as given, so that writing a case and reading it back is a fixed point. */
  if (fabs(norm - 1.0) < 1e-9) norm = 1.0;
  e->vec = rfl_vec3_make(v[0] / norm, v[1] / norm, v[2] / norm);
  return RFL_OK;
}

/* A polyline: 1 to RFL_MAX_POLYLINE points separated by ';'. */
static rfl_status parse_points(reader *r, entry_rec *e) {
  const key_spec *k = e->spec;
  char what[256];
  char tmp[RFL_CASE_MAX_LINE + 1];
  char *parts[RFL_MAX_POLYLINE + 1];
  snprintf(tmp, sizeof tmp, "%s", e->text);
  snprintf(what, sizeof what,
           "1 to %d points 'x, y, z; x, y, z; ...' of mm, each coordinate in [%g, %g]",
           RFL_MAX_POLYLINE, k->min, k->max);
  int n = reader_split(tmp, ';', parts, RFL_MAX_POLYLINE);
  if (n > RFL_MAX_POLYLINE) return reader_fail_expected(r, e, what);
  for (int i = 0; i < n; i++) {
    double v[3];
    if (!parse_vec3(parts[i], k->min, k->max, v)) return reader_fail_expected(r, e, what);
    e->points[i] = rfl_vec3_make(v[0] * k->scale, v[1] * k->scale, v[2] * k->scale);
  }
  e->count = n;
  return RFL_OK;
}

/* Output times: seconds, rf_end, end or fractions of them, increasing. */
static rfl_status parse_times(reader *r, entry_rec *e) {
  const key_spec *k = e->spec;
  char what[256];
  char tmp[RFL_CASE_MAX_LINE + 1];
  char *parts[RFL_MAX_OUTPUT_TIMES + 1];
  snprintf(tmp, sizeof tmp, "%s", e->text);
  snprintf(what, sizeof what,
           "1 to %d comma-separated increasing times: seconds in [%g, %g], rf_end, end "
           "or a fraction such as 0.5*rf_end or rf_end/3",
           RFL_MAX_OUTPUT_TIMES, k->min, k->max);
  int n = reader_split(tmp, ',', parts, RFL_MAX_OUTPUT_TIMES);
  if (n > RFL_MAX_OUTPUT_TIMES) return reader_fail_expected(r, e, what);
  for (int i = 0; i < n; i++) {
    rfl_output_time *t = &e->list[i];
    if (rfl_ini_parse_number(parts[i], &t->num))
      *t = (rfl_output_time){RFL_TIME_SECONDS, t->num, 1.0};
    else if (!rfl_output_time_parse(parts[i], t))
      return reader_fail_expected(r, e, what);
    const rfl_output_time *prev = i > 0 ? &e->list[i - 1] : NULL;
    if ((t->anchor == RFL_TIME_SECONDS && (t->num < k->min || t->num > k->max)) ||
        (prev && prev->anchor == RFL_TIME_SECONDS && t->anchor == RFL_TIME_SECONDS &&
         !(t->num > prev->num)))
      return reader_fail_expected(r, e, what);
  }
  e->count = n;
  return RFL_OK;
}

/* Voxel labels: 'label:material, ...' with labels 0 to 255, each once. */
static rfl_status parse_labels(reader *r, entry_rec *e) {
  char tmp[RFL_CASE_MAX_LINE + 1];
  char *parts[257];
  int seen[256] = {0};
  const char *lab_what = "a list 'label:material, ...' with labels 0 to 255, each once";
  snprintf(tmp, sizeof tmp, "%s", e->text);
  int n = reader_split(tmp, ',', parts, 256);
  if (n > 256) return reader_fail_expected(r, e, lab_what);
  for (int i = 0; i < n; i++) {
    char *colon = strchr(parts[i], ':');
    long v;
    if (!colon) return reader_fail_expected(r, e, lab_what);
    *colon = '\0';
    if (!rfl_ini_parse_int(rfl_ini_trim(parts[i]), &v) || v < 0 || v > 255 || seen[v] ||
        !reader_valid_name(rfl_ini_trim(colon + 1)))
      return reader_fail_expected(r, e, lab_what);
    seen[v] = 1;
  }
  return RFL_OK;
}

/* Parse e->text according to e->spec into e's value fields. */
rfl_status reader_parse_entry(reader *r, entry_rec *e) {
  const key_spec *k = e->spec;
  char what[256];
  switch (k->type) {
    case KT_REAL: {
      double v;
      describe_number(k, "a number", what, sizeof what);
      if (!rfl_ini_parse_number(e->text, &v) || v < k->min || v > k->max)
        return reader_fail_expected(r, e, what);
      e->num = v * k->scale;
      return RFL_OK;
    }
    case KT_INT: {
      long v;
      describe_number(k, "an integer", what, sizeof what);
      if (!rfl_ini_parse_int(e->text, &v) || v < k->min || v > k->max) return reader_fail_expected(r, e, what);
      e->num = (double)v;
      return RFL_OK;
    }
    case KT_BOOL: {
      static const char *const yes[] = {"yes", "true", "1"}, *const no[] = {"no", "false", "0"};
      for (int i = 0; i < 3; i++) {
        if (strcmp(e->text, yes[i]) == 0) return e->num = 1, RFL_OK;
        if (strcmp(e->text, no[i]) == 0) return e->num = 0, RFL_OK;
      }
      return reader_fail_expected(r, e, "yes, no, true, false, 1 or 0");
    }
    case KT_ENUM: {
      for (int i = 0; k->choices[i]; i++)
        if (strcmp(e->text, k->choices[i]) == 0) return e->num = i, RFL_OK;
      char list[128];
      snprintf(what, sizeof what, "one of %s", words_list(k->choices, list, sizeof list));
      return reader_fail_expected(r, e, what);
    }
    case KT_TEXT:
    case KT_PATH:
      if (strlen(e->text) >= k->size) {
        snprintf(what, sizeof what, "a text of at most %zu bytes", k->size - 1);
        return reader_fail_expected(r, e, what);
      }
      if (k->type == KT_PATH && e->text[0] == '\0')
        return reader_fail_expected(r, e, "a file name");
      return RFL_OK;
    case KT_VEC3: {
      double v[3];
      snprintf(what, sizeof what, "3 comma-separated numbers x, y, z of %s, each in [%g, %g]",
               k->unit, k->min, k->max);
      if (!parse_vec3(e->text, k->min, k->max, v)) return reader_fail_expected(r, e, what);
      e->vec = rfl_vec3_make(v[0] * k->scale, v[1] * k->scale, v[2] * k->scale);
      return RFL_OK;
    }
    case KT_DIR:
      return parse_direction(r, e);
    case KT_POINTS:
      return parse_points(r, e);
    case KT_LIST:
      return parse_times(r, e);
    case KT_MATERIAL:
      if (!reader_valid_name(e->text))
        return reader_fail_expected(r, e, "a material name (letters, digits, '_', '-')");
      return RFL_OK;
    case KT_LABELS:
      return parse_labels(r, e);

  }
  return RFL_OK;
}

void reader_apply_entry(const entry_rec *e, void *target) {
  const key_spec *k = e->spec;
  char *field = (char *)target + k->offset;
  switch (k->type) {
    case KT_REAL:
      memcpy(field, &e->num, sizeof(double));
      break;
    case KT_INT:
    case KT_BOOL: {
      int v = (int)e->num;
      memcpy(field, &v, sizeof v);
      break;
    }
    case KT_ENUM:
      k->set_enum(target, (int)e->num);
      break;
    case KT_TEXT:
    case KT_PATH:
      snprintf(field, k->size, "%s", e->text);
      break;
    case KT_VEC3:
    case KT_DIR:
      memcpy(field, &e->vec, sizeof e->vec);
      break;
    case KT_POINTS: {
      rfl_shape *s = (rfl_shape *)(void *)field;
      for (int i = 0; i < e->count; i++) s->points[i] = e->points[i];
      s->npoints = e->count;
      break;
    }
    case KT_LIST: {
      rfl_output_settings *o = target;
      for (int i = 0; i < e->count; i++) o->items[i] = e->list[i];
      o->nitems = e->count; /* resolved once the generator is known (check_output) */
      break;
    }
    case KT_MATERIAL:
    case KT_LABELS:
      break; /* resolved by name later */
  }
}

/* The struct an unnamed section's keys are stored in (NULL for named sections). */
