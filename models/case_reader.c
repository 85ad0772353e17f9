// SPDX-License-Identifier: BSD-3-Clause
/* The case-file reader: INI text -> validated rfl_case in SI units (see case_reader.h and
 * docs/case-format.md).
 *
 * Three passes. (1) Lines are fed to Debian's inih (r55) through a line reader of our own,
 * which checks every line first (size, NUL and control bytes, UTF-8, length), parses the
 * [section] headers itself (inih reports no header events and truncates long names) and
 * counts lines, so every key knows its line. Each key is looked up in a const table (type,
 * unit, accepted range, SI scale, offset into the target struct), its value parsed and
 * range-checked at once, so value errors come out in file order. (2) --set overrides are
 * applied to the same entries, replacing file values. (3) Entries are copied into the
 * case, material names resolved, defaults that depend on other keys filled in, and
 * cross-key rules checked (fine box inside the domain, probe inside the domain, cells per
 * electrode radius, memory, ...).
 *
 * The reader's files, one noun each, share case_reading.h: the key table (case_keys.c),
 * parsing and storing values (case_values.c), messages and blame (case_messages.c),
 * materials and structures (case_build.c), the checks across keys (case_checks.c), the
 * grid estimate (grid_estimate.c) and the writer (case_writer.c); this file holds the
 * line reader, sections and entries, --set and the entry points.
 *
 * Assumptions: inih's runtime globals (a Debian build choice) exist; they are set on every
 * read to the same values, so concurrent reads are harmless. The first error wins and is
 * the only one reported. Not done here: voxelisation, the exact grid (solver/grid.c),
 * reading the voxel file: it is checked to be a readable file with the HDF5 signature, and
 * its header through the caller's rfl_case_voxel_check when one is given. */
#define _XOPEN_SOURCE 700 /* realpath() */
#include "case_reading.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "discretisation.h"
#include "ini_text.h"

/* ==== sections and entries ============================================================ */

/* The struct of the case being built that a section kind's keys go to. */
void *reader_section_target(reader *r, int kind) { return case_keys_target(&r->c, kind); }

int reader_find_section(const reader *r, int kind, const char *name) {
  for (int i = 0; i < r->nsections; i++)
    if (r->sections[i].kind == kind &&
        (!sections_table[kind].named || strcmp(r->sections[i].name, name) == 0))
      return i;
  return -1;
}

static int count_sections(const reader *r, int kind) {
  int n = 0;
  for (int i = 0; i < r->nsections; i++) n += r->sections[i].kind == kind;
  return n;
}

entry_rec *reader_find_entry(reader *r, int sec, const char *key) {
  for (int i = 0; i < r->nentries; i++)
    if (r->entries[i].sec == sec && strcmp(r->entries[i].spec->name, key) == 0)
      return &r->entries[i];
  return NULL;
}

/* Entry of key in the first section of kind, or NULL. */
entry_rec *reader_find_entry_kind(reader *r, int kind, const char *key) {
  int sec = reader_find_section(r, kind, "");
  return sec < 0 ? NULL : reader_find_entry(r, sec, key);
}

static void remove_entry(reader *r, entry_rec *e) {
  free(e->text);
  size_t i = (size_t)(e - r->entries);
  memmove(e, e + 1, (size_t)(r->nentries - (int)i - 1) * sizeof *e);
  r->nentries--;
}

/* The [sweep] section belongs to `rflesion sweep` (models/sweep_spec.h), which reads it
 * itself: the case reader accepts it once and skips its keys. */
#define SWEEP_SECTION (-2)

/* Parse a header "[word name]" (text between the brackets, trimmed) into a new section. */
static rfl_status open_section(reader *r, char *inside, int line, const char *set) {
  char *word = rfl_ini_trim(inside);
  char *name = word;
  while (*name && *name != ' ' && *name != '\t') name++;
  if (*name) *name++ = '\0';
  name = rfl_ini_trim(name);

  if (strcmp(word, "sweep") == 0 && !set) {
    if (*name)
      return reader_fail(r, line, set, "[sweep %s]: expected [sweep] without a name, found '%s'", name, name);
    if (r->sweep_line > 0)
      return reader_fail(r, line, set, "[sweep]: duplicate section (first on line %d)", r->sweep_line);
    r->sweep_line = line;
    r->cur = SWEEP_SECTION;
    return RFL_OK;
  }

  int kind = -1;
  for (int s = 0; s < S_COUNT; s++)
    if (strcmp(sections_table[s].word, word) == 0) kind = s;
  if (kind < 0) {
    near_miss nm = {NULL, 0, word};
    for (int s = 0; s < S_COUNT; s++) reader_near_consider(&nm, sections_table[s].word);
    if (nm.best)
      return reader_fail(r, line, set, "[%s]: unknown section, did you mean '[%s%s]'?", word, nm.best,
                         (strcmp(nm.best, "material") == 0 || strcmp(nm.best, "structure") == 0)
                      ? " NAME"
                      : "");
    return reader_fail(r, line, set,
                       "[%s]: unknown section (known: case, grid, probe, return_probe, generator, "
                       "tissue, physics, material NAME, structure NAME, damage, solver, output, sweep)",
                       word);
  }
  const section_spec *ss = &sections_table[kind];
  if (ss->named && !reader_valid_name(name))
    return reader_fail(r, line, set,
                       "[%s %s]: expected a name of letters, digits, '_' or '-' (at most %d "
                       "characters) after '%s', found '%s'",
                       word, name, RFL_NAME_MAX - 1, word, name);
  if (!ss->named && *name)
    return reader_fail(r, line, set, "[%s %s]: expected [%s] without a name, found '%s'", word, name,
                       word, name);
  int prev = reader_find_section(r, kind, name);
  if (prev >= 0) {
    char label[RFL_NAME_MAX + 32];
    reader_sec_label(r, prev, label, sizeof label);
    if (r->sections[prev].line > 0)
      return reader_fail(r, line, set, "%s: duplicate section (first on line %d)", label,
                         r->sections[prev].line);
    return reader_fail(r, line, set, "%s: duplicate section", label);
  }
  if (kind == S_STRUCTURE && count_sections(r, S_STRUCTURE) >= RFL_MAX_STRUCTURES)
    return reader_fail(r, line, set, "[structure %s]: expected at most %d structures, found more", name,
                       RFL_MAX_STRUCTURES);
  if (kind == S_MATERIAL && count_sections(r, S_MATERIAL) >= RFL_MAX_MATERIALS)
    return reader_fail(r, line, set, "[material %s]: expected at most %d [material] sections, found more",
                       name, RFL_MAX_MATERIALS);
  section_rec *s = &r->sections[r->nsections];
  memset(s, 0, sizeof *s);
  s->kind = kind;
  snprintf(s->name, sizeof s->name, "%s", ss->named ? name : "");
  s->line = line;
  s->set = set;
  r->cur = r->nsections++;
  return RFL_OK;
}

/* Add (or, for a --set, replace) key = raw in section sec. */
static rfl_status add_entry(reader *r, int sec, const char *key, const char *raw, int line,
                            const char *set) {
  char label[RFL_NAME_MAX + 32];
  const section_rec *s = &r->sections[sec];
  const key_spec *k = case_keys_find(s->kind, key);
  if (!k) {
    near_miss nm = {NULL, 0, key};
    for (const key_spec *q = sections_table[s->kind].keys; q->name; q++) reader_near_consider(&nm, q->name);
    reader_sec_label(r, sec, label, sizeof label);
    if (nm.best) return reader_fail(r, line, set, "%s %s: unknown key, did you mean '%s'?", label, key, nm.best);
    char known[512] = "";
    for (const key_spec *q = sections_table[s->kind].keys; q->name; q++) {
      size_t n = strlen(known);
      snprintf(known + n, sizeof known - n, "%s%s", n ? ", " : "", q->name);
    }
    return reader_fail(r, line, set, "%s %s: unknown key (known keys: %s)", label, key, known);
  }
  entry_rec *prev = reader_find_entry(r, sec, key);
  if (prev && !set) {
    reader_sec_label(r, sec, label, sizeof label);
    return reader_fail(r, line, set, "%s %s: duplicate key (first given on line %d)", label, key,
                       prev->line);
  }
  if (prev) remove_entry(r, prev);
  if (set && (strcmp(key, "gauge") == 0 || strcmp(key, "diameter_mm") == 0)) {
    /* an override of the probe size replaces the file's other way of giving it */
    entry_rec *other = reader_find_entry(r, sec, strcmp(key, "gauge") == 0 ? "diameter_mm" : "gauge");
    if (other && !other->set) remove_entry(r, other);
  }
  if (r->nentries == r->capentries) {
    int cap = r->capentries ? 2 * r->capentries : 64;
    entry_rec *grown = realloc(r->entries, (size_t)cap * sizeof *grown);
    if (!grown) {
      r->failed = 1;
      return r->status = RFL_ERROR(RFL_ENOMEM, "%s: out of memory reading the case", r->name);
    }
    r->entries = grown;
    r->capentries = cap;
  }
  entry_rec *e = &r->entries[r->nentries];
  memset(e, 0, sizeof *e);
  e->sec = sec;
  e->spec = k;
  e->line = line;
  e->set = set;
  size_t n = strlen(raw);
  e->text = malloc(n + 1);
  if (!e->text) {
    r->failed = 1;
    return r->status = RFL_ERROR(RFL_ENOMEM, "%s: out of memory reading the case", r->name);
  }
  r->nentries++;
  if (!reader_clean_value(raw, k->type == KT_POINTS, e->text, n + 1)) {
    snprintf(e->text, n + 1, "%s", raw);
    return reader_fail_expected(r, e, "a value with nothing but a comment after its closing quote");
  }
  return reader_parse_entry(r, e);
}

/* ==== the line reader fed to inih ===================================================== */

/* Length of a valid UTF-8 sequence at s (n bytes available), or 0. */
static int utf8_len(const unsigned char *s, size_t n) {
  unsigned char c = s[0];
  int len;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) len = 2;
  else if (c == 0xE0) len = 3, lo = 0xA0;
  else if (c >= 0xE1 && c <= 0xEC) len = 3;
  else if (c == 0xED) len = 3, hi = 0x9F;
  else if (c >= 0xEE && c <= 0xEF) len = 3;
  else if (c == 0xF0) len = 4, lo = 0x90;
  else if (c >= 0xF1 && c <= 0xF3) len = 4;
  else if (c == 0xF4) len = 4, hi = 0x8F;
  else return 0;
  if ((size_t)len > n) return 0;
  if (s[1] < lo || s[1] > hi) return 0;
  for (int i = 2; i < len; i++)
    if (s[i] < 0x80 || s[i] > 0xBF) return 0;
  return len;
}

/* Checks one line (bytes [0, n)); returns 0 and fails the read when it is not text. */
static int check_line(reader *r, const unsigned char *s, size_t n, const char *set) {
  int line = set ? 0 : r->lineno;
  if (n > RFL_CASE_MAX_LINE) {
    reader_fail(r, line, set, "expected lines of at most %d characters, found one of %zu",
                RFL_CASE_MAX_LINE, n);
    return 0;
  }
  for (size_t i = 0; i < n;) {
    if (s[i] == 0) {
      reader_fail(r, line, set, "expected a text file, found a NUL byte at column %zu (binary data?)",
                  i + 1);
      return 0;
    }
    if ((s[i] < 0x20 && s[i] != '\t' && s[i] != '\r') || s[i] == 0x7F) {
      reader_fail(r, line, set, "expected text, found control byte 0x%02x at column %zu", s[i],
                  i + 1);
      return 0;
    }
    int len = utf8_len(s + i, n - i);
    if (!len) {
      reader_fail(r, line, set, "expected UTF-8 text, found byte 0x%02x at column %zu", s[i], i + 1);
      return 0;
    }
    i += (size_t)len;
  }
  return 1;
}

/* A header line "[...]" (leading blanks skipped): opens the section. */
static void header_line(reader *r, char *line) {
  char *p = line;
  while (*p == ' ' || *p == '\t') p++;
  if (*p != '[') return;
  char *close = strchr(p, ']');
  if (!close) {
    reader_fail(r, r->lineno, NULL, "expected a section header '[name]', found '%s'", rfl_ini_trim(p));
    return;
  }
  char *rest = close + 1;
  while (*rest == ' ' || *rest == '\t' || *rest == '\r') rest++;
  if (*rest && *rest != ';' && *rest != '#') {
    reader_fail(r, r->lineno, NULL, "expected nothing but a comment after ']', found '%s'", rest);
    return;
  }
  char inside[RFL_CASE_MAX_LINE + 1];
  size_t n = (size_t)(close - p - 1);
  memcpy(inside, p + 1, n);
  inside[n] = '\0';
  open_section(r, inside, r->lineno, NULL);
}

static char *line_reader(char *str, int num, void *stream) {
  reader *r = stream;
  if (r->failed || r->pos >= r->len) return NULL;
  const char *start = r->data + r->pos;
  const char *nl = memchr(start, '\n', r->len - r->pos);
  size_t n = nl ? (size_t)(nl - start) : r->len - r->pos;
  r->pos += n + (nl ? 1 : 0);
  r->lineno++;
  if (!check_line(r, (const unsigned char *)start, n, NULL)) return NULL;
  if (num < 3 || n + 2 > (size_t)num) {
    reader_fail(r, r->lineno, NULL, "expected lines of at most %d characters, found one of %zu",
                num - 3, n);
    return NULL;
  }
  memcpy(str, start, n);
  str[n] = '\0';
  header_line(r, str);
  if (r->failed) return NULL;
  memcpy(str, start, n);
  str[n] = '\0';
  return str;
}

static int key_handler(void *user, const char *section, const char *name, const char *value) {
  reader *r = user;
  (void)section; /* inih truncates long names; the line reader tracks the real one */
  if (r->failed) return 0;
  if (r->cur == SWEEP_SECTION) return 1; /* read by the sweep module */
  if (r->cur < 0) {
    reader_fail(r, r->lineno, NULL, "%s: expected a [section] header before the first key, found '%s'",
                name, name);
    return 0;
  }
  return add_entry(r, r->cur, name, value ? value : "", r->lineno, NULL) == RFL_OK;
}

/* Text of line number `line` (1-based) of the buffer, for syntax-error messages. */
static void line_text(const reader *r, int line, char *buf, size_t size) {
  size_t pos = 0;
  for (int l = 1; l < line && pos < r->len; l++) {
    const char *nl = memchr(r->data + pos, '\n', r->len - pos);
    pos = nl ? (size_t)(nl - r->data) + 1 : r->len;
  }
  const char *nl = memchr(r->data + pos, '\n', r->len - pos);
  size_t n = nl ? (size_t)(nl - r->data) - pos : r->len - pos;
  if (n >= size) n = size - 1;
  memcpy(buf, r->data + pos, n);
  buf[n] = '\0';
}

/* ==== --set overrides ================================================================= */

static rfl_status apply_set(reader *r, const char *set) {
  char tmp[RFL_CASE_MAX_LINE + 1];
  const char *form = "expected SECTION.KEY=VALUE (a named section as structure:NAME.KEY=VALUE)";
  if (!set || strlen(set) > RFL_CASE_MAX_LINE) return reader_fail(r, 0, set ? "(too long)" : "(null)", "%s", form);
  snprintf(tmp, sizeof tmp, "%s", set);
  char *eq = strchr(tmp, '=');
  char *dot = strchr(tmp, '.');
  if (!eq || !dot || dot > eq) return reader_fail(r, 0, set, "%s, found '%s'", form, set);
  *eq = '\0';
  *dot = '\0';
  char *sec = rfl_ini_trim(tmp), *key = rfl_ini_trim(dot + 1), *value = eq + 1;
  if (!check_line(r, (const unsigned char *)set, strlen(set), set)) return r->status;
  char *colon = strchr(sec, ':');
  if (colon) *colon = ' ';
  char header[RFL_CASE_MAX_LINE + 1];
  snprintf(header, sizeof header, "%s", sec);
  /* find the section, or create it as the file would */
  char word[RFL_CASE_MAX_LINE + 1];
  snprintf(word, sizeof word, "%s", sec);
  char *name = word;
  while (*name && *name != ' ') name++;
  if (*name) *name++ = '\0';
  if (strcmp(word, "sweep") == 0)
    return reader_fail(r, 0, set,
                       "expected a case key, found a [sweep] key (sweeps are varied with rflesion sweep "
                       "--vary KEY=VALUES)");
  int idx = -1;
  for (int s = 0; s < S_COUNT; s++)
    if (strcmp(sections_table[s].word, word) == 0) idx = reader_find_section(r, s, name);
  if (idx < 0) {
    if (r->nsections >= MAX_SECTIONS) return reader_fail(r, 0, set, "expected fewer sections");
    rfl_status st = open_section(r, header, 0, set);
    if (st != RFL_OK) return st;
    idx = r->nsections - 1;
  }
  return add_entry(r, idx, key, value, 0, set);
}

/* The discretisation the case leaves open, chosen for its accuracy target
 * (discretisation.h): the cell size without spacing_mm, the fine box without fine_min_mm
 * and fine_max_mm (unless growth = 1 asks for a uniform grid), the growth without growth,
 * the time step without dt_s. An explicit spacing coarser than the target needs is kept
 * with a warning: the run's error estimate then says how far off its figures are. */
static void choose_discretisation(reader *r) {
  rfl_case *c = &r->c;
  rfl_grid_spec *g = &c->grid;
  entry_rec *spacing = reader_find_entry_kind(r, S_GRID, "spacing_mm");
  entry_rec *growth = reader_find_entry_kind(r, S_GRID, "growth");
  g->auto_spacing = !spacing;
  g->auto_growth = !growth;
  g->auto_fine_box = !reader_find_entry_kind(r, S_GRID, "fine_min_mm") &&
                     !reader_find_entry_kind(r, S_GRID, "fine_max_mm") && !(growth && g->growth <= 1.0);
  c->solver.auto_dt = !reader_find_entry_kind(r, S_SOLVER, "dt_s");
  c->generator.auto_return_path = !reader_find_entry_kind(r, S_GENERATOR, "return_path_ohm");
  /* the electrode's radius as check_probes will settle it: a diameter given wins over the
   * default gauge (both given is an error reported there) */
  for (int p = 0; p < c->nprobes; p++) {
    int sec = reader_find_section(r, p == 0 ? S_PROBE : S_RETURN_PROBE, "");
    if (sec >= 0 && reader_find_entry(r, sec, "diameter_mm") && !reader_find_entry(r, sec, "gauge")) c->probes[p].gauge = 0;
  }
  rfl_discretisation_apply(c);
  double need = rfl_discretisation_spacing(c, c->solver.accuracy);
  if (spacing && g->spacing > need * 1.05)
    reader_warn(r, spacing->line, spacing->set, "[grid] spacing_mm: %g mm is coarser than the %.3g mm "
                "the accuracy target of %g mm needs (remove spacing_mm to let rflesion choose); the "
                "error estimate says how far off the figures are", g->spacing * 1e3, need * 1e3,
                c->solver.accuracy * 1e3);
}

static rfl_status build(reader *r) {
  rfl_case *c = &r->c;
  if (reader_find_section(r, S_PROBE, "") < 0) return reader_fail(r, 0, NULL, "missing required section [probe]");
  RFL_CHECK(reader_build_materials(r));
  c->nprobes = reader_find_section(r, S_RETURN_PROBE, "") >= 0 ? 2 : 1;
  c->probes[1] = c->probes[0];
  snprintf(c->probes[1].name, sizeof c->probes[1].name, "return_probe");
  c->probes[1].role = RFL_PROBE_RETURN;
  for (int i = 0; i < r->nentries; i++) {
    const entry_rec *e = &r->entries[i];
    void *target = reader_section_target(r, r->sections[e->sec].kind);
    if (target) reader_apply_entry(e, target);
  }
  RFL_CHECK(reader_build_structures(r));
  RFL_CHECK(reader_resolve_materials(r));
  RFL_CHECK(reader_place_probes(r));
  choose_discretisation(r);
  RFL_CHECK(reader_check_grid(r));
  RFL_CHECK(reader_check_probes(r));
  RFL_CHECK(reader_check_structures(r));
  RFL_CHECK(reader_check_voxel_image(r));
  RFL_CHECK(reader_check_physics(r));
  RFL_CHECK(reader_check_output(r));
  RFL_CHECK(reader_check_memory(r));
  return RFL_OK;
}

/* ==== entry points ==================================================================== */

static void set_dir(reader *r, const char *name) {
  const char *slash = strrchr(name, '/');
  r->dir[0] = '\0';
  if (!slash) return;
  size_t n = (size_t)(slash - name);
  if (n == 0) n = 1; /* "/case.ini" */
  if (n >= sizeof r->dir) n = sizeof r->dir - 1;
  memcpy(r->dir, name, n);
  r->dir[n] = '\0';
}

static rfl_status read_text(reader *r) {
  if (r->len == 0)
    return reader_fail(r, 0, NULL, "expected a case file with a [probe] section, found an empty file");
  if (r->len > RFL_CASE_MAX_BYTES)
    return reader_fail(r, 0, NULL, "expected a case file of at most %d bytes, found %zu bytes",
                       RFL_CASE_MAX_BYTES, r->len);
  if (r->len >= 3 && memcmp(r->data, "\xEF\xBB\xBF", 3) == 0) r->pos = 3; /* UTF-8 BOM */

  /* Debian's inih r55 runtime settings (see the file comment) */
  ini_max_line = 4096;
  ini_allow_multiline = false;
  ini_allow_inline_comments = false; /* comments inside lines are handled by clean_value */
  ini_stop_on_first_error = true;
  ini_allow_bom = false;
  ini_allow_no_value = false;

  int rc = ini_parse_stream(line_reader, r, key_handler, r);
  if (r->failed) return r->status;
  if (rc == -2) return RFL_ERROR(RFL_ENOMEM, "%s: out of memory reading the case", r->name);
  if (rc != 0) {
    char text[RFL_CASE_MAX_LINE + 1], buf[96];
    line_text(r, rc, text, sizeof text);
    return reader_fail(r, rc, NULL, "expected 'key = value', '[section]' or a comment, found '%s'",
                       rfl_ini_shown(rfl_ini_trim(text), buf, sizeof buf));
  }
  if (r->nsections == 0)
    return reader_fail(r, 0, NULL, "expected a case file with a [probe] section, found no section");
  return RFL_OK;
}

static void reader_free(reader *r) {
  if (!r) return;
  for (int i = 0; i < r->nentries; i++) free(r->entries[i].text);
  free(r->entries);
  free(r);
}

rfl_status rfl_case_read_buffer(const char *name, const char *data, size_t len,
                                const rfl_case_read_options *opt, rfl_case *out) {
  if (!out) return RFL_ERROR(RFL_EINTERNAL, "rfl_case_read_buffer: no output case");
  if (!name) name = "(case)";
  if (!data) len = 0;
  reader *r = calloc(1, sizeof *r);
  if (!r) return RFL_ERROR(RFL_ENOMEM, "%s: out of memory reading the case", name);
  r->name = name;
  set_dir(r, name);
  r->data = data;
  r->len = len;
  r->cur = -1;
  r->opt = opt;
  r->warnings = opt ? opt->warnings : NULL;
  if (r->warnings) r->warnings->count = 0;
  rfl_case_defaults(&r->c);
  snprintf(r->c.path, sizeof r->c.path, "%s", name);

  rfl_status st = read_text(r);
  for (int i = 0; st == RFL_OK && opt && i < opt->nsets; i++) st = apply_set(r, opt->sets[i]);
  if (st == RFL_OK) st = build(r);
  if (st == RFL_OK) *out = r->c;
  reader_free(r);
  return st;
}

rfl_status rfl_case_read(const char *path, const rfl_case_read_options *opt, rfl_case *out) {
  if (!path) return RFL_ERROR(RFL_EINPUT, "no case file given");
  struct stat st;
  if (stat(path, &st) != 0)
    return RFL_ERROR(RFL_EINPUT, "%s: expected a readable case file, found an error: %s", path,
                     strerror(errno));
  if (S_ISDIR(st.st_mode))
    return RFL_ERROR(RFL_EINPUT, "%s: expected a case file, found a directory", path);
  if (!S_ISREG(st.st_mode))
    return RFL_ERROR(RFL_EINPUT, "%s: expected a regular case file, found a device, pipe or socket",
                     path);
  if (st.st_size > RFL_CASE_MAX_BYTES)
    return RFL_ERROR(RFL_EINPUT, "%s: expected a case file of at most %d bytes, found %lld bytes",
                     path, RFL_CASE_MAX_BYTES, (long long)st.st_size);
  FILE *f = fopen(path, "rb");
  if (!f)
    return RFL_ERROR(RFL_EINPUT, "%s: expected a readable case file, found an error: %s", path,
                     strerror(errno));
  char *data = malloc(RFL_CASE_MAX_BYTES + 1);
  if (!data) {
    fclose(f);
    return RFL_ERROR(RFL_ENOMEM, "%s: out of memory reading the case", path);
  }
  size_t len = fread(data, 1, RFL_CASE_MAX_BYTES + 1, f);
  int err = ferror(f);
  fclose(f);
  rfl_status s;
  if (err)
    s = RFL_ERROR(RFL_EINPUT, "%s: expected a readable case file, found a read error", path);
  else
    s = rfl_case_read_buffer(path, data, len, opt, out);
  free(data);
  return s;
}

