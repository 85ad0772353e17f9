// SPDX-License-Identifier: BSD-3-Clause
/* Text rules of case files (see ini_text.h). A number is checked against the case-file
 * grammar before strtod reads it, so that strtod's extras (hex, inf, nan, a prefix of a
 * longer word) never pass. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini_text.h"

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

char *rfl_ini_trim(char *s) {
  while (is_blank(*s)) s++;
  size_t n = strlen(s);
  while (n > 0 && is_blank(s[n - 1])) s[--n] = '\0';
  return s;
}

int rfl_ini_parse_number(const char *s, double *v) {
  const char *p = s;
  while (*p == ' ' || *p == '\t') p++;
  const char *start = p;
  if (*p == '+' || *p == '-') p++;
  int digits = 0;
  while (isdigit((unsigned char)*p)) p++, digits++;
  if (*p == '.') {
    p++;
    while (isdigit((unsigned char)*p)) p++, digits++;
  }
  if (!digits) return 0;
  if (*p == 'e' || *p == 'E') {
    p++;
    if (*p == '+' || *p == '-') p++;
    if (!isdigit((unsigned char)*p)) return 0;
    while (isdigit((unsigned char)*p)) p++;
  }
  const char *end = p;
  while (*p == ' ' || *p == '\t') p++;
  if (*p) return 0;
  /* any length: strtod reads exactly the syntax checked above (no copy to a fixed buffer) */
  char *stop;
  double x = strtod(start, &stop);
  if (stop != end || !isfinite(x)) return 0;
  *v = x;
  return 1;
}

int rfl_ini_parse_int(const char *s, long *v) {
  const char *p = s;
  if (*p == '+' || *p == '-') p++;
  if (!isdigit((unsigned char)*p)) return 0;
  for (const char *q = p; *q; q++)
    if (!isdigit((unsigned char)*q)) return 0;
  if (strlen(p) > 9) return 0;
  *v = strtol(s, NULL, 10);
  return 1;
}

int rfl_ini_split(char *s, char sep, int quoted, char **parts, int max) {
  int n = 0, inside = 0;
  parts[n++] = s;
  for (char *p = s; *p; p++) {
    if (quoted && *p == '"') inside = !inside;
    else if (*p == sep && !inside) {
      if (n == max) return -1;
      *p = '\0';
      parts[n++] = p + 1;
    }
  }
  return n;
}

int rfl_ini_has_outside_quotes(const char *s, char c) {
  int quoted = 0;
  for (; *s; s++) {
    if (*s == '"') quoted = !quoted;
    else if (*s == c && !quoted) return 1;
  }
  return 0;
}

int rfl_ini_has_word(const char *words, const char *word) {
  size_t n = strlen(word);
  for (const char *p = strstr(words, word); p; p = strstr(p + 1, word))
    if ((p == words || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0')) return 1;
  return 0;
}

const char *rfl_ini_shown(const char *text, char *buf, size_t size) {
  if (strlen(text) < 64 || size < 80) return text;
  snprintf(buf, size, "%.60s...", text);
  return buf;
}
