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

static rfl_status add_lesion(rfl_results_row *row, const char *prefix, const rfl_lesion_metrics *l) {
  char name[RFL_RESULTS_NAME_MAX];
  int have = l != NULL, found = have && l->found;
  static const char *const what[] = {"width_mm", "length_mm", "distal_mm", "volume_mm3"};
  double v[4] = {NAN, NAN, NAN, NAN};
  if (have) { /* as the JSON summary: no lesion has size 0 and no distal projection */
    v[0] = found ? 1e3 * l->width : 0.0;
    v[1] = found ? 1e3 * l->length : 0.0;
    v[2] = found ? 1e3 * l->distal : NAN;
    v[3] = found ? 1e9 * l->volume : 0.0;
  }
  for (int i = 0; i < 4; i++) {
    snprintf(name, sizeof name, "%s_%s", prefix, what[i]);
    RFL_CHECK(rfl_results_row_add_real(row, name, v[i]));
  }
  return RFL_OK;
}

rfl_status rfl_results_row_add_summary(rfl_results_row *row, const rfl_summary *s, const rfl_case *kase) {
  RFL_CHECK(add_lesion(row, "lesion", s ? &s->end_of_rf.lesion : NULL));
  RFL_CHECK(add_lesion(row, "isotherm", s ? &s->end_of_rf.isotherm : NULL));
  RFL_CHECK(add_lesion(row, "final_lesion", s ? &s->final.lesion : NULL));
  const rfl_sample *g = s ? &s->generator_end : NULL;
  RFL_CHECK(rfl_results_row_add_real(row, "voltage_V", g ? g->voltage : NAN));
  RFL_CHECK(rfl_results_row_add_real(row, "power_W", g ? g->power : NAN));
  RFL_CHECK(rfl_results_row_add_real(row, "impedance_ohm", g ? g->impedance : NAN));
  RFL_CHECK(rfl_results_row_add_real(row, "energy_J", s ? s->energy.electrical : NAN));
  RFL_CHECK(rfl_results_row_add_real(row, "thermocouple_C", g ? g->thermocouple_C : NAN));
  RFL_CHECK(rfl_results_row_add_real(row, "peak_tissue_C", s ? s->peak_tissue_run_C : NAN));
  int ns = s ? s->nstructures : kase ? kase->nstructures : 0;
  for (int k = 0; k < ns; k++) {
    const rfl_structure_report *r = s ? &s->structures[k] : NULL;
    const char *sname = r ? r->structure->name : kase->structures[k].name;
    char name[RFL_RESULTS_NAME_MAX];
    snprintf(name, sizeof name, "%s.margin_mm", sname);
    RFL_CHECK(rfl_results_row_add_real(row, name, r ? 1e3 * r->margin : NAN));
    snprintf(name, sizeof name, "%s.isotherm_margin_mm", sname);
    RFL_CHECK(rfl_results_row_add_real(row, name, r ? 1e3 * r->isotherm_margin : NAN));
    snprintf(name, sizeof name, "%s.peak_C", sname);
    RFL_CHECK(rfl_results_row_add_real(row, name, r ? r->peak_C : NAN));
  }
  char flags[RFL_MAX_FLAGS * 98] = "";
  for (int i = 0; s && i < s->nflags; i++) {
    size_t n = strlen(flags);
    snprintf(flags + n, sizeof flags - n, "%s%s", i ? "; " : "", s->flags[i]);
  }
  RFL_CHECK(rfl_results_row_add_int(row, "nflags", s ? s->nflags : 0));
  RFL_CHECK(rfl_results_row_add_text(row, "flags", flags));
  char findings[RFL_MAX_FLAGS * 98] = "";
  for (int i = 0; s && i < s->nfindings; i++) {
    size_t n = strlen(findings);
    snprintf(findings + n, sizeof findings - n, "%s%s", i ? "; " : "", s->findings[i]);
  }
  RFL_CHECK(rfl_results_row_add_text(row, "findings", findings));
  RFL_CHECK(rfl_results_row_add_int(row, "cells", s ? (long long)s->cells : 0));
  RFL_CHECK(rfl_results_row_add_int(row, "steps", s ? (long long)s->steps : 0));
  return rfl_results_row_add_int(row, "threads", s ? s->threads : 0);
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

rfl_status rfl_results_table_write_h5(const rfl_results_table *t, const char *path, const char *note) {
  char tmp[RFL_ATOMIC_TMP_MAX], target[RFL_PATH_MAX];
  RFL_CHECK(rfl_atomic_temp(path, target, sizeof target, tmp, sizeof tmp));
  size_t *offset = calloc((size_t)t->ncolumns + 1, sizeof *offset);
  size_t *width = calloc((size_t)t->ncolumns + 1, sizeof *width);
  hid_t *strtype = calloc((size_t)t->ncolumns + 1, sizeof *strtype);
  unsigned char *buf = NULL;
  hid_t file = H5I_INVALID_HID, type = H5I_INVALID_HID, space = H5I_INVALID_HID, dset = H5I_INVALID_HID;
  hid_t ascalar = H5I_INVALID_HID, atype = H5I_INVALID_HID, attr = H5I_INVALID_HID;
  rfl_status st = RFL_OK;
  H5E_auto2_t old_func;
  void *old_data;
  H5Eget_auto2(H5E_DEFAULT, &old_func, &old_data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  if (!offset || !width || !strtype) {
    st = RFL_ERROR(RFL_ENOMEM, "%s: out of memory for the table", path);
    goto done;
  }
  /* member sizes: strings as long as the longest value (NUL included) */
  size_t rowsize = 0;
  char nb[64];
  for (int c = 0; c < t->ncolumns; c++) {
    strtype[c] = H5I_INVALID_HID;
    if (t->columns[c].type == RFL_RESULTS_TEXT) {
      size_t w = 2;
      for (size_t r = 0; r < t->nrows; r++) {
        size_t n = strlen(rfl_results_table_text(t, r, c, nb, sizeof nb)) + 1;
        if (n > w) w = n;
      }
      width[c] = w;
    } else {
      width[c] = 8;
    }
    offset[c] = rowsize;
    rowsize += width[c];
  }
  if (rowsize == 0) rowsize = 1;
  buf = calloc(t->nrows ? t->nrows : 1, rowsize);
  if (!buf) {
    st = RFL_ERROR(RFL_ENOMEM, "%s: out of memory for the table (%zu rows)", path, t->nrows);
    goto done;
  }
  for (size_t r = 0; r < t->nrows; r++)
    for (int c = 0; c < t->ncolumns; c++) {
      unsigned char *p = buf + r * rowsize + offset[c];
      const rfl_results_cell *cell = rfl_results_row_find(&t->rows[r], t->columns[c].name);
      if (t->columns[c].type == RFL_RESULTS_TEXT) {
        memcpy(p, rfl_results_table_text(t, r, c, nb, sizeof nb), strlen(rfl_results_table_text(t, r, c, nb, sizeof nb)));
      } else if (t->columns[c].type == RFL_RESULTS_INT) {
        int64_t v = cell ? (int64_t)cell->num : -1;
        memcpy(p, &v, 8);
      } else {
        double v = rfl_results_table_number(t, r, c);
        memcpy(p, &v, 8);
      }
    }
  file = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (file < 0) {
    st = RFL_ERROR(RFL_EIO, "%s: cannot create the HDF5 table (temporary file %s)", path, tmp);
    goto done;
  }
  type = H5Tcreate(H5T_COMPOUND, rowsize);
  if (type < 0) goto h5fail;
  for (int c = 0; c < t->ncolumns; c++) {
    hid_t member = t->columns[c].type == RFL_RESULTS_INT ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE;
    if (t->columns[c].type == RFL_RESULTS_TEXT) {
      strtype[c] = H5Tcopy(H5T_C_S1);
      if (strtype[c] < 0 || H5Tset_size(strtype[c], width[c]) < 0 || H5Tset_strpad(strtype[c], H5T_STR_NULLTERM) < 0)
        goto h5fail;
      member = strtype[c];
    }
    if (H5Tinsert(type, t->columns[c].name, offset[c], member) < 0) goto h5fail;
  }
  hsize_t dims[1] = {t->nrows};
  space = H5Screate_simple(1, dims, NULL);
  if (space < 0) goto h5fail;
  dset = H5Dcreate2(file, "results", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (dset < 0) goto h5fail;
  if (t->nrows && H5Dwrite(dset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) goto h5fail;
  rfl_provenance p;
  rfl_provenance_get(&p);
  const char *attrs[][2] = {{"sweep", note}, {"rflesion_version", p.version_full}, {"commit", p.commit},
                            {"build_type", p.build_type}, {"hdf5_version", p.hdf5}};
  for (size_t a = 0; a < sizeof attrs / sizeof attrs[0]; a++) {
    if (!attrs[a][1]) continue;
    ascalar = H5Screate(H5S_SCALAR);
    atype = H5Tcopy(H5T_C_S1);
    if (ascalar < 0 || atype < 0 || H5Tset_size(atype, strlen(attrs[a][1]) + 1) < 0) goto h5fail;
    attr = H5Acreate2(dset, attrs[a][0], atype, ascalar, H5P_DEFAULT, H5P_DEFAULT);
    if (attr < 0 || H5Awrite(attr, atype, attrs[a][1]) < 0) goto h5fail;
    H5Aclose(attr);
    H5Tclose(atype);
    H5Sclose(ascalar);
    attr = atype = ascalar = H5I_INVALID_HID;
  }
  if (H5Fflush(file, H5F_SCOPE_GLOBAL) < 0) goto h5fail;
  goto done;
h5fail:
  st = RFL_ERROR(RFL_EIO, "%s: HDF5 failed writing the results table", path);
done:
  H5E_BEGIN_TRY {
    if (attr >= 0) H5Aclose(attr);
    if (atype >= 0) H5Tclose(atype);
    if (ascalar >= 0) H5Sclose(ascalar);
    if (dset >= 0) H5Dclose(dset);
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    for (int c = 0; strtype && c < t->ncolumns; c++)
      if (strtype[c] > 0) H5Tclose(strtype[c]);
    if (file >= 0 && H5Fclose(file) < 0 && st == RFL_OK) st = RFL_ERROR(RFL_EIO, "%s: closing the HDF5 table failed", path);
  }
  H5E_END_TRY;
  H5Eset_auto2(H5E_DEFAULT, old_func, old_data);
  if (st == RFL_OK) st = rfl_atomic_publish(tmp, target, path);
  else rfl_atomic_discard(tmp);
  free(buf);
  free(offset);
  free(width);
  free(strtype);
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
