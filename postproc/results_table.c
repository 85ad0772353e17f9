// SPDX-License-Identifier: BSD-3-Clause
/* Rows, row records and the sweep results table (see results_table.h).
 *
 * Record format (version 1), one cell per line, names without blanks:
 *   rflesion-row 1
 *   hash 1f0c9a3b5e7d2468      (optional: the hash of the resolved case, see sweep_dir.h)
 *   i case 42
 *   s status ok
 *   n lesion_width_mm 5.2799999999999998
 *   end
 * Texts lose control characters (they become blanks), so a record is always one cell per
 * line. Every file is written to NAME.tmp.PID, flushed to disk and renamed, so a reader
 * sees a whole record or none; the "end" line also guards against a truncated copy. */
#include "results_table.h"

#include "atomic_file.h"

#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "metrics.h"
#include "provenance.h"

void rfl_results_row_init(rfl_results_row *row, long long index) {
  memset(row, 0, sizeof *row);
  row->index = index;
}

void rfl_results_row_free(rfl_results_row *row) {
  if (!row) return;
  for (int i = 0; i < row->ncells; i++) free(row->cells[i].text);
  free(row->cells);
  row->cells = NULL;
  row->ncells = row->capacity = 0;
}

static rfl_status add_cell(rfl_results_row *row, const char *name, rfl_results_type type, double num,
                           const char *text) {
  if (strlen(name) >= RFL_RESULTS_NAME_MAX || !name[0] || strpbrk(name, " \t\r\n"))
    return RFL_ERROR(RFL_EINPUT, "results column '%.60s': expected a name of 1 to %d characters without blanks",
                     name, RFL_RESULTS_NAME_MAX - 1);
  for (int i = 0; i < row->ncells; i++)
    if (strcmp(row->cells[i].name, name) == 0)
      return RFL_ERROR(RFL_EINPUT, "results column '%s': given twice in the row of case %lld", name, row->index);
  if (row->ncells == row->capacity) {
    int cap = row->capacity ? 2 * row->capacity : 32;
    rfl_results_cell *grown = realloc(row->cells, (size_t)cap * sizeof *grown);
    if (!grown) return RFL_ERROR(RFL_ENOMEM, "out of memory for a results row");
    row->cells = grown;
    row->capacity = cap;
  }
  rfl_results_cell *c = &row->cells[row->ncells];
  memset(c, 0, sizeof *c);
  snprintf(c->name, sizeof c->name, "%s", name);
  c->type = type;
  c->num = num;
  if (type == RFL_RESULTS_TEXT) {
    size_t n = strlen(text ? text : "");
    c->text = malloc(n + 1);
    if (!c->text) return RFL_ERROR(RFL_ENOMEM, "out of memory for a results row");
    for (size_t i = 0; i < n; i++) c->text[i] = (unsigned char)text[i] < 0x20 ? ' ' : text[i];
    c->text[n] = '\0';
  }
  row->ncells++;
  return RFL_OK;
}

rfl_status rfl_results_row_add_int(rfl_results_row *row, const char *name, long long v) {
  return add_cell(row, name, RFL_RESULTS_INT, (double)v, NULL);
}
rfl_status rfl_results_row_add_real(rfl_results_row *row, const char *name, double v) {
  return add_cell(row, name, RFL_RESULTS_REAL, v, NULL);
}
rfl_status rfl_results_row_add_text(rfl_results_row *row, const char *name, const char *v) {
  return add_cell(row, name, RFL_RESULTS_TEXT, 0.0, v);
}

const rfl_results_cell *rfl_results_row_find(const rfl_results_row *row, const char *name) {
  for (int i = 0; i < row->ncells; i++)
    if (strcmp(row->cells[i].name, name) == 0) return &row->cells[i];
  return NULL;
}

/* ---- the figures of a run --------------------------------------------------------------- */

/* One metric's cell (metrics.h): NAN, 0 or "" without a summary (a failed case). */
static rfl_status add_metric(rfl_results_row *row, const rfl_metric *m, const rfl_metric_source *src,
                             const char *prefix, const char *structure) {
  char name[RFL_RESULTS_NAME_MAX];
  rfl_metric_sweep_name(m, prefix, structure, name, sizeof name);
  if (!name[0]) return RFL_OK;
  if (m->type == RFL_METRIC_TEXT) return rfl_results_row_add_text(row, name, rfl_metric_text(m, src));
  double v = rfl_metric_value(m, src);
  if (m->type == RFL_METRIC_REAL) return rfl_results_row_add_real(row, name, v);
  return rfl_results_row_add_int(row, name, isfinite(v) ? (long long)v : 0);
}

static rfl_status add_scope(rfl_results_row *row, rfl_metric_scope scope, const rfl_metric_source *src,
                            const char *prefix, const char *structure) {
  int n;
  const rfl_metric *t = rfl_metrics(&n);
  for (int i = 0; i < n; i++)
    if (t[i].scope == scope) RFL_CHECK(add_metric(row, &t[i], src, prefix, structure));
  return RFL_OK;
}

/* "KIND:structure; KIND:structure" */
static rfl_status add_flag_text(rfl_results_row *row, const char *name, const char (*ids)[96], int n) {
  char text[RFL_MAX_FLAGS * 98] = "";
  for (int i = 0; i < n; i++) {
    size_t len = strlen(text);
    snprintf(text + len, sizeof text - len, "%s%s", i ? "; " : "", ids[i]);
  }
  return rfl_results_row_add_text(row, name, text);
}

rfl_status rfl_results_row_add_summary(rfl_results_row *row, const rfl_summary *s, const rfl_case *kase) {
  for (int place = 0; place < 2; place++) {
    rfl_metric_source src = rfl_metric_snapshot(s, s ? rfl_snapshot_at(s, place) : NULL, place);
    RFL_CHECK(add_scope(row, RFL_METRIC_SNAPSHOT, &src, rfl_snapshot_places[place].column_prefix, NULL));
  }
  rfl_metric_source run = rfl_metric_run(s);
  RFL_CHECK(add_scope(row, RFL_METRIC_RUN, &run, "", NULL));
  int ns = s ? s->nstructures : kase ? kase->nstructures : 0;
  for (int k = 0; k < ns; k++) {
    rfl_metric_source src = rfl_metric_structure(s, k);
    RFL_CHECK(add_scope(row, RFL_METRIC_STRUCTURE, &src, "", s ? s->structures[k].structure->name
                                                               : kase->structures[k].name));
  }
  RFL_CHECK(add_flag_text(row, "flags", s ? s->flags : NULL, s ? s->nflags : 0));
  return add_flag_text(row, "findings", s ? s->findings : NULL, s ? s->nfindings : 0);
}

/* ---- row records -------------------------------------------------------------------------- */

rfl_status rfl_results_row_format(const rfl_results_row *row, char **text) {
  size_t size = 64;
  for (int i = 0; i < row->ncells; i++)
    size += strlen(row->cells[i].name) + 40 + (row->cells[i].text ? strlen(row->cells[i].text) : 0);
  char *buf = malloc(size);
  if (!buf) return RFL_ERROR(RFL_ENOMEM, "out of memory for a results record");
  size_t n = (size_t)snprintf(buf, size, "rflesion-row 1\n");
  if (row->has_hash) n += (size_t)snprintf(buf + n, size - n, "hash %016llx\n", (unsigned long long)row->hash);
  for (int i = 0; i < row->ncells; i++) {
    const rfl_results_cell *c = &row->cells[i];
    if (c->type == RFL_RESULTS_INT)
      n += (size_t)snprintf(buf + n, size - n, "i %s %lld\n", c->name, (long long)c->num);
    else if (c->type == RFL_RESULTS_REAL)
      n += (size_t)snprintf(buf + n, size - n, "n %s %.17g\n", c->name, c->num);
    else
      n += (size_t)snprintf(buf + n, size - n, "s %s %s\n", c->name, c->text);
  }
  snprintf(buf + n, size - n, "end\n");
  *text = buf;
  return RFL_OK;
}

rfl_status rfl_results_row_parse(const char *name, const char *text, rfl_results_row *row) {
  rfl_results_row_init(row, -1);
  const char *p = text;
  int lineno = 0, ended = 0;
  rfl_status st = RFL_OK;
  while (*p && st == RFL_OK && !ended) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    char line[8192];
    lineno++;
    if (n >= sizeof line) {
      st = RFL_ERROR(RFL_EINPUT, "%s:%d: expected a results record line of at most %zu characters", name, lineno,
                     sizeof line - 1);
      break;
    }
    memcpy(line, p, n);
    line[n] = '\0';
    p += n + (nl ? 1 : 0);
    if (lineno == 1) {
      if (strcmp(line, "rflesion-row 1") != 0)
        st = RFL_ERROR(RFL_EINPUT, "%s:1: expected 'rflesion-row 1', found '%.40s'", name, line);
      continue;
    }
    if (strcmp(line, "end") == 0) {
      ended = 1;
      break;
    }
    if (lineno == 2 && strncmp(line, "hash ", 5) == 0) {
      char *end;
      unsigned long long h = strtoull(line + 5, &end, 16);
      if (strlen(line + 5) != 16 || *end) {
        st = RFL_ERROR(RFL_EINPUT, "%s:2: expected 'hash' and 16 hexadecimal digits, found '%.40s'", name, line);
        break;
      }
      row->hash = (uint64_t)h;
      row->has_hash = 1;
      continue;
    }
    char *sp1 = strchr(line, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
    if (!sp1 || !sp2 || sp1 != line + 1 || !strchr("ins", line[0])) {
      st = RFL_ERROR(RFL_EINPUT, "%s:%d: expected 'TYPE NAME VALUE', found '%.60s'", name, lineno, line);
      break;
    }
    *sp2 = '\0';
    const char *cname = sp1 + 1, *value = sp2 + 1;
    if (line[0] == 's') {
      st = rfl_results_row_add_text(row, cname, value);
      continue;
    }
    char *end;
    double v = strtod(value, &end);
    if (end == value || *end) {
      st = RFL_ERROR(RFL_EINPUT, "%s:%d: %s: expected a number, found '%.40s'", name, lineno, cname, value);
      break;
    }
    st = line[0] == 'i' ? rfl_results_row_add_int(row, cname, (long long)v) : rfl_results_row_add_real(row, cname, v);
    if (st == RFL_OK && strcmp(cname, "case") == 0) row->index = (long long)v;
  }
  if (st == RFL_OK && !ended) st = RFL_ERROR(RFL_EINPUT, "%s: expected a whole results record, found no 'end' line", name);
  if (st == RFL_OK && row->index < 0) st = RFL_ERROR(RFL_EINPUT, "%s: expected a 'case' cell, found none", name);
  if (st != RFL_OK) rfl_results_row_free(row);
  return st;
}

rfl_status rfl_results_row_write(const char *path, const rfl_results_row *row) {
  char *text;
  RFL_CHECK(rfl_results_row_format(row, &text));
  rfl_status st = rfl_atomic_write(path, text, strlen(text));
  free(text);
  return st;
}

rfl_status rfl_results_row_read(const char *path, rfl_results_row *row) {
  rfl_results_row_init(row, -1);
  FILE *f = fopen(path, "rb");
  if (!f) return RFL_ERROR(RFL_EIO, "%s: cannot read the results record: %s", path, strerror(errno));
  char *buf = NULL;
  size_t len = 0, cap = 0;
  rfl_status st = RFL_OK;
  for (;;) {
    if (len + 4096 + 1 > cap) {
      cap = cap ? 2 * cap : 16384;
      char *grown = realloc(buf, cap);
      if (!grown) {
        st = RFL_ERROR(RFL_ENOMEM, "%s: out of memory", path);
        break;
      }
      buf = grown;
    }
    size_t n = fread(buf + len, 1, 4096, f);
    len += n;
    if (n < 4096) break;
  }
  if (st == RFL_OK && ferror(f)) st = RFL_ERROR(RFL_EIO, "%s: read error", path);
  fclose(f);
  if (st == RFL_OK) {
    buf[len] = '\0';
    st = rfl_results_row_parse(path, buf, row);
  }
  free(buf);
  return st;
}

/* ---- the table ------------------------------------------------------------------------------ */

void rfl_results_table_init(rfl_results_table *t) { memset(t, 0, sizeof *t); }

void rfl_results_table_free(rfl_results_table *t) {
  if (!t) return;
  for (size_t i = 0; i < t->nrows; i++) rfl_results_row_free(&t->rows[i]);
  free(t->rows);
  free(t->columns);
  memset(t, 0, sizeof *t);
}

rfl_status rfl_results_table_add(rfl_results_table *t, rfl_results_row *row) {
  if (t->nrows == t->capacity) {
    size_t cap = t->capacity ? 2 * t->capacity : 64;
    rfl_results_row *grown = realloc(t->rows, cap * sizeof *grown);
    if (!grown) return RFL_ERROR(RFL_ENOMEM, "out of memory for the results table");
    t->rows = grown;
    t->capacity = cap;
  }
  t->rows[t->nrows++] = *row;
  rfl_results_row_init(row, row->index);
  return RFL_OK;
}

static int by_index(const void *a, const void *b) {
  long long x = ((const rfl_results_row *)a)->index, y = ((const rfl_results_row *)b)->index;
  return (x > y) - (x < y);
}

rfl_status rfl_results_table_finish(rfl_results_table *t) {
  if (t->nrows > 1) qsort(t->rows, t->nrows, sizeof *t->rows, by_index); /* rows is NULL when empty */
  free(t->columns);
  t->columns = NULL;
  t->ncolumns = 0;
  int cap = 0;
  for (size_t r = 0; r < t->nrows; r++)
    for (int i = 0; i < t->rows[r].ncells; i++) {
      const rfl_results_cell *c = &t->rows[r].cells[i];
      int col = rfl_results_table_column(t, c->name);
      if (col >= 0) {
        rfl_results_type *have = &t->columns[col].type;
        if (*have != c->type && *have != RFL_RESULTS_TEXT)
          *have = c->type == RFL_RESULTS_TEXT ? RFL_RESULTS_TEXT : RFL_RESULTS_REAL;
        continue;
      }
      if (t->ncolumns == cap) {
        cap = cap ? 2 * cap : 64;
        rfl_results_column *grown = realloc(t->columns, (size_t)cap * sizeof *grown);
        if (!grown) return RFL_ERROR(RFL_ENOMEM, "out of memory for the results table");
        t->columns = grown;
      }
      snprintf(t->columns[t->ncolumns].name, RFL_RESULTS_NAME_MAX, "%s", c->name);
      t->columns[t->ncolumns++].type = c->type;
    }
  return RFL_OK;
}

int rfl_results_table_column(const rfl_results_table *t, const char *name) {
  for (int i = 0; i < t->ncolumns; i++)
    if (strcmp(t->columns[i].name, name) == 0) return i;
  return -1;
}

double rfl_results_table_number(const rfl_results_table *t, size_t r, int col) {
  const rfl_results_cell *c = rfl_results_row_find(&t->rows[r], t->columns[col].name);
  if (!c) return NAN;
  if (c->type != RFL_RESULTS_TEXT) return c->num;
  char *end;
  double v = strtod(c->text, &end);
  return end != c->text && !*end ? v : NAN;
}

const char *rfl_results_table_text(const rfl_results_table *t, size_t r, int col, char *buf, size_t size) {
  const rfl_results_cell *c = rfl_results_row_find(&t->rows[r], t->columns[col].name);
  if (!c) return "";
  if (c->type == RFL_RESULTS_TEXT) return c->text;
  if (c->type == RFL_RESULTS_INT)
    snprintf(buf, size, "%lld", (long long)c->num);
  else
    snprintf(buf, size, "%.10g", c->num);
  return buf;
}

/* ---- CSV -------------------------------------------------------------------------------------- */

static void csv_field(FILE *f, const char *s) {
  if (!strpbrk(s, ",\"\n\r")) {
    fputs(s, f);
    return;
  }
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"') fputc('"', f);
    fputc(*s, f);
  }
  fputc('"', f);
}

rfl_status rfl_results_table_write_csv(const rfl_results_table *t, const char *path) {
  char *data = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&data, &len);
  if (!f) return RFL_ERROR(RFL_ENOMEM, "%s: out of memory for the table", path);
  for (int c = 0; c < t->ncolumns; c++) {
    if (c) fputc(',', f);
    csv_field(f, t->columns[c].name);
  }
  fputc('\n', f);
  char buf[64];
  for (size_t r = 0; r < t->nrows; r++) {
    for (int c = 0; c < t->ncolumns; c++) {
      if (c) fputc(',', f);
      if (t->columns[c].type == RFL_RESULTS_TEXT || rfl_results_row_find(&t->rows[r], t->columns[c].name))
        csv_field(f, rfl_results_table_text(t, r, c, buf, sizeof buf));
      else
        fputs(t->columns[c].type == RFL_RESULTS_INT ? "-1" : "nan", f);
    }
    fputc('\n', f);
  }
  if (fclose(f) != 0 || !data) {
    free(data);
    return RFL_ERROR(RFL_ENOMEM, "%s: out of memory for the table", path);
  }
  rfl_status st = rfl_atomic_write(path, data, len);
  free(data);
  return st;
}

/* ---- HDF5 ------------------------------------------------------------------------------------- */

/* The compound record: int64 and double members of 8 bytes, strings as long as the
 * column's longest value (NUL included), in column order. */
typedef struct {
  size_t *offset, *width;
  hid_t *strtype;
  size_t rowsize;
} h5_layout;

static void layout_free(h5_layout *l, int ncolumns) {
  H5E_BEGIN_TRY {
    for (int c = 0; l->strtype && c < ncolumns; c++)
      if (l->strtype[c] > 0) H5Tclose(l->strtype[c]);
  }
  H5E_END_TRY;
  free(l->offset);
  free(l->width);
  free(l->strtype);
}

static rfl_status layout_make(const rfl_results_table *t, const char *path, h5_layout *l) {
  l->offset = calloc((size_t)t->ncolumns + 1, sizeof *l->offset);
  l->width = calloc((size_t)t->ncolumns + 1, sizeof *l->width);
  l->strtype = calloc((size_t)t->ncolumns + 1, sizeof *l->strtype);
  l->rowsize = 0;
  if (!l->offset || !l->width || !l->strtype) return RFL_ERROR(RFL_ENOMEM, "%s: out of memory for the table", path);
  char nb[64];
  for (int c = 0; c < t->ncolumns; c++) {
    l->strtype[c] = H5I_INVALID_HID;
    l->width[c] = 8;
    if (t->columns[c].type == RFL_RESULTS_TEXT) {
      l->width[c] = 2;
      for (size_t r = 0; r < t->nrows; r++) {
        size_t n = strlen(rfl_results_table_text(t, r, c, nb, sizeof nb)) + 1;
        if (n > l->width[c]) l->width[c] = n;
      }
    }
    l->offset[c] = l->rowsize;
    l->rowsize += l->width[c];
  }
  if (l->rowsize == 0) l->rowsize = 1;
  return RFL_OK;
}

/* The rows in the record layout (missing integers -1, missing reals NaN, texts ""). */
static void layout_fill(const rfl_results_table *t, const h5_layout *l, unsigned char *buf) {
  char nb[64];
  for (size_t r = 0; r < t->nrows; r++)
    for (int c = 0; c < t->ncolumns; c++) {
      unsigned char *p = buf + r * l->rowsize + l->offset[c];
      const rfl_results_cell *cell = rfl_results_row_find(&t->rows[r], t->columns[c].name);
      if (t->columns[c].type == RFL_RESULTS_TEXT) {
        const char *text = rfl_results_table_text(t, r, c, nb, sizeof nb);
        memcpy(p, text, strlen(text));
      } else if (t->columns[c].type == RFL_RESULTS_INT) {
        int64_t v = cell ? (int64_t)cell->num : -1;
        memcpy(p, &v, 8);
      } else {
        double v = rfl_results_table_number(t, r, c);
        memcpy(p, &v, 8);
      }
    }
}

static hid_t layout_type(const rfl_results_table *t, h5_layout *l) {
  hid_t type = H5Tcreate(H5T_COMPOUND, l->rowsize);
  for (int c = 0; type >= 0 && c < t->ncolumns; c++) {
    hid_t member = t->columns[c].type == RFL_RESULTS_INT ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE;
    if (t->columns[c].type == RFL_RESULTS_TEXT) {
      member = l->strtype[c] = H5Tcopy(H5T_C_S1);
      if (member < 0 || H5Tset_size(member, l->width[c]) < 0 || H5Tset_strpad(member, H5T_STR_NULLTERM) < 0)
        member = H5I_INVALID_HID;
    }
    if (member < 0 || H5Tinsert(type, t->columns[c].name, l->offset[c], member) < 0) {
      H5Tclose(type);
      type = H5I_INVALID_HID;
    }
  }
  return type;
}

/* The note and the provenance as string attributes of the dataset; -1 on failure. */
static int write_table_attrs(hid_t dset, const char *note) {
  rfl_provenance p;
  rfl_provenance_get(&p);
  const char *attrs[][2] = {{"sweep", note}, {"rflesion_version", p.version_full}, {"commit", p.commit},
                            {"build_type", p.build_type}, {"hdf5_version", p.hdf5}};
  int rc = 0;
  for (size_t a = 0; a < sizeof attrs / sizeof attrs[0] && rc == 0; a++) {
    if (!attrs[a][1]) continue;
    hid_t space = H5Screate(H5S_SCALAR), type = H5Tcopy(H5T_C_S1), attr = H5I_INVALID_HID;
    if (space < 0 || type < 0 || H5Tset_size(type, strlen(attrs[a][1]) + 1) < 0 ||
        (attr = H5Acreate2(dset, attrs[a][0], type, space, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
        H5Awrite(attr, type, attrs[a][1]) < 0)
      rc = -1;
    if (attr >= 0) H5Aclose(attr);
    if (type >= 0) H5Tclose(type);
    if (space >= 0) H5Sclose(space);
  }
  return rc;
}

/* The file tmp with the dataset /results, flushed and closed. */
static rfl_status write_table_file(const rfl_results_table *t, const char *path, const char *tmp, h5_layout *l,
                                   const void *buf, const char *note) {
  hid_t file = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (file < 0) return RFL_ERROR(RFL_EIO, "%s: cannot create the HDF5 table (temporary file %s)", path, tmp);
  hsize_t dims[1] = {t->nrows};
  hid_t type = layout_type(t, l), space = H5Screate_simple(1, dims, NULL), dset = H5I_INVALID_HID;
  int ok = type >= 0 && space >= 0 &&
           (dset = H5Dcreate2(file, "results", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) >= 0 &&
           (!t->nrows || H5Dwrite(dset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0) &&
           write_table_attrs(dset, note) == 0 && H5Fflush(file, H5F_SCOPE_GLOBAL) >= 0;
  rfl_status st = ok ? RFL_OK : RFL_ERROR(RFL_EIO, "%s: HDF5 failed writing the results table", path);
  H5E_BEGIN_TRY {
    if (dset >= 0) H5Dclose(dset);
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    if (H5Fclose(file) < 0 && st == RFL_OK) st = RFL_ERROR(RFL_EIO, "%s: closing the HDF5 table failed", path);
  }
  H5E_END_TRY;
  return st;
}

rfl_status rfl_results_table_write_h5(const rfl_results_table *t, const char *path, const char *note) {
  char tmp[RFL_ATOMIC_TMP_MAX], target[RFL_PATH_MAX];
  RFL_CHECK(rfl_atomic_temp(path, target, sizeof target, tmp, sizeof tmp));
  H5E_auto2_t old_func;
  void *old_data;
  H5Eget_auto2(H5E_DEFAULT, &old_func, &old_data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  h5_layout l = {0};
  unsigned char *buf = NULL;
  rfl_status st = layout_make(t, path, &l);
  if (st == RFL_OK && !(buf = calloc(t->nrows ? t->nrows : 1, l.rowsize)))
    st = RFL_ERROR(RFL_ENOMEM, "%s: out of memory for the table (%zu rows)", path, t->nrows);
  if (st == RFL_OK) {
    layout_fill(t, &l, buf);
    st = write_table_file(t, path, tmp, &l, buf, note);
  }
  layout_free(&l, t->ncolumns);
  H5Eset_auto2(H5E_DEFAULT, old_func, old_data);
  if (st == RFL_OK)
    st = rfl_atomic_publish(tmp, target, path);
  else
    rfl_atomic_discard(tmp);
  free(buf);
  return st;
}

/* ---- columns in words ------------------------------------------------------------------- */

static const struct {
  const char *suffix, *unit;
} unit_words[] = {{"mm3", "mm\u00b3"}, {"mm", "mm"}, {"C", "\u00b0C"}, {"s", "s"},   {"ms", "ms"},
                  {"min", "min"},      {"V", "V"},   {"A", "A"},          {"W", "W"}, {"ohm", "\u03a9"},
                  {"J", "J"},          {"Hz", "Hz"}};

/* The table's own columns (rfl_results_row_add_summary and the sweep's head). */
static const struct {
  const char *column, *label;
} column_words[] = {
    {"lesion_width_mm", "lesion width, \u03a9 \u2265 1"},
    {"lesion_length_mm", "lesion length, \u03a9 \u2265 1"},
    {"lesion_distal_mm", "distal projection, \u03a9 \u2265 1"},
    {"lesion_volume_mm3", "lesion volume, \u03a9 \u2265 1"},
    {"isotherm_width_mm", "isotherm lesion width"},
    {"isotherm_length_mm", "isotherm lesion length"},
    {"isotherm_distal_mm", "isotherm distal projection"},
    {"isotherm_volume_mm3", "isotherm lesion volume"},
    {"final_lesion_width_mm", "lesion width after the cool-down"},
    {"final_lesion_length_mm", "lesion length after the cool-down"},
    {"final_lesion_distal_mm", "distal projection after the cool-down"},
    {"final_lesion_volume_mm3", "lesion volume after the cool-down"},
    {"voltage_V", "voltage at the end of RF"},
    {"power_W", "power at the end of RF"},
    {"impedance_ohm", "impedance at the end of RF"},
    {"energy_J", "energy delivered"},
    {"thermocouple_C", "thermocouple at the end of RF"},
    {"peak_tissue_C", "peak tissue temperature"},
    {"nflags", "safety flags"},
    {"cells", "grid cells"},
    {"steps", "time steps"},
    {"wall_s", "wall time"},
};

/* Per-structure columns NAME.SUFFIX. */
static const struct {
  const char *suffix, *label;
} structure_words[] = {{".margin_mm", "gap to the lesion"},
                       {".isotherm_margin_mm", "gap to the isotherm lesion"},
                       {".peak_C", "peak temperature"}};

static const char *unit_of(const char *name) {
  const char *us = strrchr(name, '_');
  if (!us) return NULL;
  for (size_t i = 0; i < sizeof unit_words / sizeof unit_words[0]; i++)
    if (strcmp(us + 1, unit_words[i].suffix) == 0) return unit_words[i].unit;
  return NULL;
}

void rfl_results_column_describe(const char *column, char *label, size_t label_size, char *unit, size_t unit_size) {
  const char *u = unit_of(column);
  snprintf(unit, unit_size, "%s", u ? u : "");
  for (size_t i = 0; i < sizeof column_words / sizeof column_words[0]; i++)
    if (strcmp(column, column_words[i].column) == 0) {
      snprintf(label, label_size, "%s", column_words[i].label);
      return;
    }
  size_t n = strlen(column);
  for (size_t i = 0; i < sizeof structure_words / sizeof structure_words[0]; i++) {
    size_t m = strlen(structure_words[i].suffix);
    if (n > m && strcmp(column + n - m, structure_words[i].suffix) == 0 && !strchr(column, ':')) {
      snprintf(label, label_size, "%.*s: %s", (int)(n - m), column, structure_words[i].label);
      return;
    }
  }
  /* a case key: SECTION[:NAME].KEY_UNIT -> "[NAME ]key" in words */
  const char *dot = strrchr(column, '.'), *key = dot ? dot + 1 : column;
  const char *colon = strchr(column, ':');
  size_t klen = strlen(key);
  const char *us = strrchr(key, '_');
  if (u && us) klen = (size_t)(us - key);
  if (colon && dot && colon < dot)
    snprintf(label, label_size, "%.*s %.*s", (int)(dot - colon - 1), colon + 1, (int)klen, key);
  else
    snprintf(label, label_size, "%.*s", (int)klen, key);
  for (char *p = label; *p; ++p)
    if (*p == '_') *p = ' ';
}
