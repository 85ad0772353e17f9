// SPDX-License-Identifier: BSD-3-Clause
/* The case reader's messages (see case_reader.h for their form): where a key is or would
 * be, "did you mean", which --set shares the blame for a check across keys. The first
 * error wins; warnings are collected, never printed here. */
#include "case_reading.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini_text.h"

/* "FILE:LINE: ", "--set TEXT: " or "FILE: " */
static void origin_text(const reader *r, int line, const char *set, char *buf, size_t size) {
  if (set)
    snprintf(buf, size, "--set %s: ", set);
  else if (line > 0)
    snprintf(buf, size, "%s:%d: ", r->name, line);
  else
    snprintf(buf, size, "%s: ", r->name);
}

static rfl_status failv(reader *r, int line, const char *set, const char *fmt, va_list ap) {
  if (r->failed) return r->status;
  char where[RFL_PATH_MAX + 64], what[1536], after[RFL_CASE_MAX_LINE + 32] = "";
  origin_text(r, line, set, where, sizeof where);
  vsnprintf(what, sizeof what, fmt, ap);
  if (r->after && !set) snprintf(after, sizeof after, " (after --set %s)", r->after);
  r->failed = 1;
  r->status = RFL_ERROR(RFL_EINPUT, "%s%s%s", where, what, after);
  return r->status;
}

rfl_status reader_fail(reader *r, int line, const char *set, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  rfl_status s = failv(r, line, set, fmt, ap);
  va_end(ap);
  return s;
}

void reader_warn(reader *r, int line, const char *set, const char *fmt, ...) {
  rfl_case_warnings *w = r->warnings;
  if (!w) return;
  if (w->count < RFL_CASE_MAX_WARNINGS) {
    char where[RFL_PATH_MAX + 64], what[RFL_CASE_WARNING_LEN];
    origin_text(r, line, set, where, sizeof where);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    size_t nw = strlen(where), nt = strlen(what);
    if (nw > RFL_CASE_WARNING_LEN - 1) nw = RFL_CASE_WARNING_LEN - 1;
    if (nt > RFL_CASE_WARNING_LEN - 1 - nw) nt = RFL_CASE_WARNING_LEN - 1 - nw;
    memcpy(w->text[w->count], where, nw);
    memcpy(w->text[w->count] + nw, what, nt);
    w->text[w->count][nw + nt] = '\0';
  }
  w->count++;
}

/* "[probe]" or "[structure root]" */
const char *reader_sec_label(const reader *r, int sec, char *buf, size_t size) {
  const section_rec *s = &r->sections[sec];
  if (sections_table[s->kind].named)
    snprintf(buf, size, "[%s %s]", sections_table[s->kind].word, s->name);
  else
    snprintf(buf, size, "[%s]", sections_table[s->kind].word);
  return buf;
}

/* Error on an entry: "[section] key: <message>" at the entry's origin. */
rfl_status reader_fail_entry(reader *r, const entry_rec *e, const char *fmt, ...) {
  char label[RFL_NAME_MAX + 32], what[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  return reader_fail(r, e->line, e->set, "%s %s: %s", reader_sec_label(r, e->sec, label, sizeof label),
                     e->spec->name, what);
}

rfl_status reader_fail_both(reader *r, const entry_rec *a, const entry_rec *b, const char *either) {
  const entry_rec *later = b->line > a->line || b->set ? b : a;
  const entry_rec *other = later == b ? a : b;
  if (other->set)
    return reader_fail_entry(r, later, "expected either %s, found both (%s by --set %s)", either,
                             other->spec->name, other->set);
  return reader_fail_entry(r, later, "expected either %s, found both (%s on line %d)", either, other->spec->name,
                           other->line);
}

rfl_status reader_fail_expected(reader *r, const entry_rec *e, const char *expected) {
  char buf[96];
  return reader_fail_entry(r, e, "expected %s, found '%s'", expected, rfl_ini_shown(e->text, buf, sizeof buf));
}

/* Optimal string alignment distance (edits, adjacent transpositions count 1), capped. */
static int edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 63 || lb > 63) return 99;
  int d[64][64];
  for (size_t i = 0; i <= la; i++) d[i][0] = (int)i;
  for (size_t j = 0; j <= lb; j++) d[0][j] = (int)j;
  for (size_t i = 1; i <= la; i++)
    for (size_t j = 1; j <= lb; j++) {
      int cost = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]) ? 0 : 1;
      int v = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
      if (d[i - 1][j - 1] + cost < v) v = d[i - 1][j - 1] + cost;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
          d[i - 2][j - 2] + 1 < v)
        v = d[i - 2][j - 2] + 1;
      d[i][j] = v;
    }
  return d[la][lb];
}

void reader_near_consider(near_miss *n, const char *candidate) {
  size_t len = strlen(candidate);
  int limit = len <= 4 ? 1 : (len <= 9 ? 2 : 3);
  int d = edit_distance(n->word, candidate);
  if (d <= limit && (!n->best || d < n->dist)) {
    n->best = candidate;
    n->dist = d;
  }
}

/* Where a key is (or would be) given: its entry, else its section header, else the file. */
void reader_key_origin(reader *r, int sec, const char *key, int *line, const char **set) {
  entry_rec *e = sec >= 0 ? reader_find_entry(r, sec, key) : NULL;
  *line = e ? e->line : (sec >= 0 ? r->sections[sec].line : 0);
  *set = e ? e->set : (sec >= 0 ? r->sections[sec].set : NULL);
}

/* Before a cross-key error: names the last --set among the keys the check reads, `deps`
 * ("section.key" words of unnamed sections) and every key of section sec (-1: none), so
 * that an error blamed on a file line says which override broke it (see failv). */
void reader_blame_sets(reader *r, int sec, const char *deps) {
  r->after = NULL;
  for (int i = 0; i < r->nentries; i++) {
    const entry_rec *e = &r->entries[i];
    if (!e->set) continue;
    const section_spec *ss = &sections_table[r->sections[e->sec].kind];
    char word[96];
    snprintf(word, sizeof word, "%s.%s", ss->word, e->spec->name);
    if (e->sec == sec || (!ss->named && rfl_ini_has_word(deps, word))) r->after = e->set;
  }
}

/* blame_sets for a check of probe section `kind` that reads its `keys` and `others`. */
void reader_blame_probe(reader *r, int kind, const char *keys, const char *others) {
  char deps[768], tmp[256], *save = NULL;
  snprintf(deps, sizeof deps, "%s", others);
  snprintf(tmp, sizeof tmp, "%s", keys);
  for (char *k = strtok_r(tmp, " ", &save); k; k = strtok_r(NULL, " ", &save)) {
    size_t n = strlen(deps);
    snprintf(deps + n, sizeof deps - n, " %s.%s", sections_table[kind].word, k);
  }
  reader_blame_sets(r, -1, deps);
}

/* Error about key of section sec (unnamed kinds), whether or not the key was written. */
rfl_status reader_fail_key(reader *r, int kind, const char *key, const char *fmt, ...) {
  int sec = reader_find_section(r, kind, ""), line;
  const char *set;
  reader_key_origin(r, sec, key, &line, &set);
  char what[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  return reader_fail(r, line, set, "[%s] %s: %s", sections_table[kind].word, key, what);
}

rfl_status reader_missing_key(reader *r, int sec, const char *key, const char *why) {
  char label[RFL_NAME_MAX + 32];
  return reader_fail(r, r->sections[sec].line, r->sections[sec].set, "%s: missing required key '%s'%s",
                     reader_sec_label(r, sec, label, sizeof label), key, why);
}

const char *reader_vec_text(rfl_vec3 v, double scale, char *buf, size_t size) {
  snprintf(buf, size, "%.10g, %.10g, %.10g", v.x / scale, v.y / scale, v.z / scale);
  return buf;
}
