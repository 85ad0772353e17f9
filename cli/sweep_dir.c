/* A sweep's output directory (see sweep_dir.h). Every file is written atomically
 * (temporary name, fsync, rename); the completion log is appended with one write() per
 * line on a descriptor opened O_APPEND, so lines from several processes never interleave.
 * The log is a record for people and tests; the row records alone decide what is done. */
#include "sweep_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "figures.h"

static rfl_status make_dir(const char *path) {
  if (mkdir(path, 0777) == 0 || errno == EEXIST) {
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) return RFL_OK;
    return RFL_ERROR(RFL_EIO, "%s: expected a directory, found a file", path);
  }
  return RFL_ERROR(RFL_EIO, "%s: cannot create the directory: %s", path, strerror(errno));
}

static rfl_status read_all(const char *path, char **text) {
  *text = NULL;
  FILE *f = fopen(path, "rb");
  if (!f) return RFL_ERROR(errno == ENOENT ? RFL_EINPUT : RFL_EIO, "%s: cannot read: %s", path, strerror(errno));
  size_t len = 0, cap = 65536;
  char *buf = malloc(cap);
  rfl_status st = RFL_OK;
  while (buf) {
    len += fread(buf + len, 1, cap - len - 1, f);
    if (len + 1 < cap) break;
    char *grown = realloc(buf, 2 * cap);
    if (!grown) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = grown;
    cap *= 2;
  }
  if (!buf) st = RFL_ERROR(RFL_ENOMEM, "%s: out of memory", path);
  else if (ferror(f)) st = RFL_ERROR(RFL_EIO, "%s: read error", path);
  fclose(f);
  if (st != RFL_OK) {
    free(buf);
    return st;
  }
  buf[len] = '\0';
  *text = buf;
  return RFL_OK;
}

/* Next line that is not a comment, as [*start, *end); returns 0 at the end. */
static int next_line(const char **p, const char **start, const char **end) {
  while (**p) {
    const char *s = *p, *nl = strchr(s, '\n');
    const char *e = nl ? nl : s + strlen(s);
    *p = nl ? nl + 1 : e;
    if (*s == '#') continue;
    *start = s;
    *end = e;
    return 1;
  }
  return 0;
}

rfl_status rfl_sweep_dir_prepare(const char *dir, const char *manifest, int fields) {
  char path[RFL_PATH_MAX + 64];
  RFL_CHECK(make_dir(dir));
  snprintf(path, sizeof path, "%s/rows", dir);
  RFL_CHECK(make_dir(path));
  if (fields) {
    snprintf(path, sizeof path, "%s/fields", dir);
    RFL_CHECK(make_dir(path));
  }
  snprintf(path, sizeof path, "%s/sweep.txt", dir);
  char *old = NULL;
  if (access(path, F_OK) != 0) return rfl_atomic_write(path, manifest, strlen(manifest));
  RFL_CHECK(read_all(path, &old));
  const char *p = old, *q = manifest, *a0 = NULL, *a1 = NULL, *b0 = NULL, *b1 = NULL;
  int line = 0;
  rfl_status st = RFL_OK;
  for (;;) {
    int ha = next_line(&p, &a0, &a1), hb = next_line(&q, &b0, &b1);
    line++;
    if (!ha && !hb) break;
    if (ha && hb && a1 - a0 == b1 - b0 && memcmp(a0, b0, (size_t)(a1 - a0)) == 0) continue;
    st = RFL_ERROR(RFL_EINPUT,
                   "%s: expected the sweep this directory was started with, found a different one (manifest "
                   "line %d: recorded '%.*s', now '%.*s'); give a new --out directory, or remove %s to start over",
                   path, line, ha ? (int)(a1 - a0 > 120 ? 120 : a1 - a0) : 5, ha ? a0 : "(end)",
                   hb ? (int)(b1 - b0 > 120 ? 120 : b1 - b0) : 5, hb ? b0 : "(end)", dir);
    break;
  }
  free(old);
  return st;
}

rfl_status rfl_sweep_dir_read_manifest(const char *dir, char **text, size_t *ncases) {
  char path[RFL_PATH_MAX + 64];
  snprintf(path, sizeof path, "%s/sweep.txt", dir);
  RFL_CHECK(read_all(path, text));
  const char *p = *text, *s, *e;
  while (next_line(&p, &s, &e)) {
    unsigned long long n;
    if (sscanf(s, "cases %llu", &n) == 1) {
      *ncases = (size_t)n;
      return RFL_OK;
    }
  }
  free(*text);
  *text = NULL;
  return RFL_ERROR(RFL_EINPUT, "%s: expected a sweep manifest with a 'cases N' line, found none", path);
}

void rfl_sweep_dir_row_path(const char *dir, size_t index, char *buf, size_t size) {
  snprintf(buf, size, "%s/rows/case-%06zu.row", dir, index);
}

void rfl_sweep_dir_fields_path(const char *dir, size_t index, char *buf, size_t size) {
  snprintf(buf, size, "%s/fields/case-%06zu.h5", dir, index);
}

int rfl_sweep_dir_has_row(const char *dir, size_t index) {
  char path[RFL_PATH_MAX + 64];
  rfl_sweep_dir_row_path(dir, index, path, sizeof path);
  return access(path, F_OK) == 0;
}

rfl_status rfl_sweep_dir_commit_row(const char *dir, const rfl_results_row *row, const char *who) {
  char path[RFL_PATH_MAX + 64], line[256];
  rfl_sweep_dir_row_path(dir, (size_t)row->index, path, sizeof path);
  RFL_CHECK(rfl_results_row_write(path, row));
  snprintf(path, sizeof path, "%s/completed.log", dir);
  int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0666);
  if (fd < 0) return RFL_ERROR(RFL_EIO, "%s: cannot open: %s", path, strerror(errno));
  int n = snprintf(line, sizeof line, "case %lld by %s\n", row->index, who);
  ssize_t w = write(fd, line, (size_t)n);
  int e = errno;
  close(fd);
  if (w != n) return RFL_ERROR(RFL_EIO, "%s: cannot append: %s", path, strerror(e));
  return RFL_OK;
}

rfl_status rfl_sweep_dir_collect(const char *const *dirs, int ndirs, size_t ncases, rfl_results_table *t,
                                 size_t *missing, size_t *first_missing, int nfirst) {
  char path[RFL_PATH_MAX + 64];
  *missing = 0;
  for (size_t i = 0; i < ncases; i++) {
    int found = 0;
    for (int d = 0; d < ndirs && !found; d++) {
      rfl_sweep_dir_row_path(dirs[d], i, path, sizeof path);
      if (access(path, F_OK) != 0) continue;
      rfl_results_row row;
      RFL_CHECK(rfl_results_row_read(path, &row));
      if (row.index != (long long)i) {
        rfl_results_row_free(&row);
        return RFL_ERROR(RFL_EINPUT, "%s: expected the record of case %zu, found case %lld", path, i, row.index);
      }
      rfl_status st = rfl_results_table_add(t, &row);
      rfl_results_row_free(&row);
      RFL_CHECK(st);
      found = 1;
    }
    if (!found) {
      if (*missing < (size_t)nfirst) first_missing[*missing] = i;
      (*missing)++;
    }
  }
  return rfl_results_table_finish(t);
}

rfl_status rfl_sweep_dir_write_table(const char *dir, const rfl_results_table *t, const char *manifest) {
  char path[RFL_PATH_MAX + 64];
  snprintf(path, sizeof path, "%s/results.h5", dir);
  RFL_CHECK(rfl_results_table_write_h5(t, path, manifest));
  snprintf(path, sizeof path, "%s/results.csv", dir);
  return rfl_results_table_write_csv(t, path);
}

int rfl_sweep_table_exit_code(const rfl_results_table *t) {
  int code = 0, ce = rfl_results_table_column(t, "exit_code");
  if (ce < 0) return 0;
  for (size_t r = 0; r < t->nrows; r++) {
    double v = rfl_results_table_number(t, r, ce);
    int c = v == v ? (int)v : 0;
    if (c >= 2 && c > code) code = c;
    if (c == 1 && code == 0) code = 1;
  }
  return code;
}

/* ---- --figure ---------------------------------------------------------------------------- */

/* Splits spec at ':' into metric, x and an optional group that are all columns of t. */
static int split_figure(const rfl_results_table *t, const char *spec, char *m, char *x, char *g, size_t size) {
  const char *colon[64];
  int nc = 0;
  for (const char *p = spec; *p && nc < 64; p++)
    if (*p == ':') colon[nc++] = p;
  const char *end = spec + strlen(spec);
  for (int i = 0; i < nc; i++)
    for (int j = i + 1; j <= nc; j++) {
      const char *xe = j < nc ? colon[j] : end;
      snprintf(m, size, "%.*s", (int)(colon[i] - spec), spec);
      snprintf(x, size, "%.*s", (int)(xe - colon[i] - 1), colon[i] + 1);
      if (j < nc) snprintf(g, size, "%s", colon[j] + 1);
      else g[0] = '\0';
      if (rfl_results_table_column(t, m) >= 0 && rfl_results_table_column(t, x) >= 0 &&
          (!g[0] || rfl_results_table_column(t, g) >= 0))
        return 1;
    }
  return 0;
}

static rfl_status figure_error(const rfl_results_table *t, const char *spec) {
  char known[2048] = "";
  for (int c = 0; c < t->ncolumns; c++) {
    if (t->columns[c].type == RFL_RESULTS_TEXT) continue;
    size_t n = strlen(known);
    snprintf(known + n, sizeof known - n, "%s%s", n ? ", " : "", t->columns[c].name);
  }
  return RFL_ERROR(RFL_EUSAGE, "--figure %s: expected METRIC:X[:GROUP] naming columns of the results table "
                               "(numeric: %s), found '%s'", spec, known, spec);
}

rfl_status rfl_sweep_figure_check(const rfl_results_table *t, const char *spec) {
  char m[RFL_RESULTS_NAME_MAX * 2], x[RFL_RESULTS_NAME_MAX * 2], g[RFL_RESULTS_NAME_MAX * 2];
  return split_figure(t, spec, m, x, g, sizeof m) ? RFL_OK : figure_error(t, spec);
}

rfl_status rfl_sweep_figure(const char *dir, const rfl_results_table *t, const char *spec, char *path_out,
                            size_t size) {
  char m[RFL_RESULTS_NAME_MAX * 2], x[RFL_RESULTS_NAME_MAX * 2], g[RFL_RESULTS_NAME_MAX * 2];
  if (!split_figure(t, spec, m, x, g, sizeof m)) return figure_error(t, spec);
  char name[RFL_RESULTS_NAME_MAX * 7];
  snprintf(name, sizeof name, "figure-%s-vs-%s%s%s.png", m, x, g[0] ? "-by-" : "", g);
  for (char *p = name; *p; p++)
    if (*p == '/' || *p == ':') *p = '_';
  if (snprintf(path_out, size, "%s/%s", dir, name) >= (int)size) return RFL_ERROR(RFL_EIO, "%s: path too long", dir);
  return rfl_figure_sweep(path_out, t, m, x, g[0] ? g : NULL);
}
