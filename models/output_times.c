// SPDX-License-Identifier: BSD-3-Clause
/* Output times relative to the generator's schedule (see output_times.h). */
#include "output_times.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A plain decimal number filling all of s (no sign, no hex, no inf or nan). */
static int parse_plain(const char *s, double *v) {
  if (!*s) return 0;
  for (const char *p = s; *p; p++)
    if (!isdigit((unsigned char)*p) && *p != '.' && *p != 'e' && *p != 'E' && *p != '+' &&
        *p != '-')
      return 0;
  if (!isdigit((unsigned char)s[0]) && s[0] != '.') return 0;
  char *end;
  double x = strtod(s, &end);
  if (*end || !isfinite(x)) return 0;
  *v = x;
  return 1;
}

int rfl_output_time_parse(const char *text, rfl_output_time *out) {
  char s[64];
  size_t n = 0;
  for (const char *p = text; *p; p++) { /* spaces carry no meaning inside an item */
    if (*p == ' ' || *p == '\t') continue;
    if (n + 1 >= sizeof s) return 0;
    s[n++] = *p;
  }
  s[n] = '\0';
  rfl_output_time t = {RFL_TIME_SECONDS, 0.0, 1.0};
  if (parse_plain(s, &t.num)) {
    *out = t;
    return 1;
  }
  char *sym = s, *slash = strchr(s, '/'), *star = strchr(s, '*');
  if (star) {
    *star = '\0';
    if (!parse_plain(s, &t.num)) return 0;
    sym = star + 1;
  } else {
    t.num = 1.0;
  }
  if (slash) {
    if (slash < sym) return 0;
    *slash = '\0';
    if (!parse_plain(slash + 1, &t.den) || !(t.den > 0.0)) return 0;
  }
  if (strcmp(sym, "rf_end") == 0)
    t.anchor = RFL_TIME_RF_END;
  else if (strcmp(sym, "end") == 0)
    t.anchor = RFL_TIME_END;
  else
    return 0;
  *out = t;
  return 1;
}

void rfl_output_time_text(const rfl_output_time *t, char *buf, size_t size) {
  if (t->anchor == RFL_TIME_SECONDS) {
    snprintf(buf, size, "%.10g", t->num);
    return;
  }
  const char *sym = t->anchor == RFL_TIME_RF_END ? "rf_end" : "end";
  char num[32] = "", den[32] = "";
  if (t->num != 1.0) snprintf(num, sizeof num, "%.10g*", t->num);
  if (t->den != 1.0) snprintf(den, sizeof den, "/%.10g", t->den);
  snprintf(buf, size, "%s%s%s", num, sym, den);
}

void rfl_output_times_text(const rfl_output_time *items, int n, char *buf, size_t size) {
  size_t used = 0;
  if (size) buf[0] = '\0';
  for (int i = 0; i < n && used + 1 < size; i++) {
    char item[64];
    rfl_output_time_text(&items[i], item, sizeof item);
    int w = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", item);
    if (w < 0) break;
    used += (size_t)w;
  }
}

double rfl_output_time_seconds(const rfl_output_time *t, double duration_s, double cooldown_s) {
  switch (t->anchor) {
    case RFL_TIME_RF_END: return t->num * duration_s / t->den;
    case RFL_TIME_END: return t->num * (duration_s + cooldown_s) / t->den;
    case RFL_TIME_SECONDS: break;
  }
  return t->num;
}

int rfl_output_times_resolve(const rfl_output_time *items, int n, double duration_s,
                             double cooldown_s, double *times_s) {
  int count = 0;
  for (int i = 0; i < n; i++) {
    double t = rfl_output_time_seconds(&items[i], duration_s, cooldown_s);
    if (count > 0 && t == times_s[count - 1]) continue;
    if (count > 0 && t < times_s[count - 1]) return -(i + 1);
    times_s[count++] = t;
  }
  return count;
}
