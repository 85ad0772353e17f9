// SPDX-License-Identifier: BSD-3-Clause
/* The results table of a sweep: one row per case, columns named and typed, written as an
 * HDF5 compound dataset and as CSV (columns: docs/hpc.md).
 *
 * A row is a list of named cells, each an integer, a real or a text. Rows travel as small
 * text records ("row records": a header line, one "TYPE NAME VALUE" line per cell with
 * reals printed to 17 significant digits so they read back bit for bit, and an "end" line);
 * a sweep keeps one record file per finished case and assembles the table from them, so
 * the table is the same however the cases were spread over processes or restarts.
 *
 * The table's columns are the union of the rows' cells in the order they first appear,
 * rows sorted by case index; a cell a row lacks is NaN (reals), -1 (integers) or ""
 * (texts). A column that is text in one row and a number in another becomes text. */
#ifndef RFL_RESULTS_TABLE_H
#define RFL_RESULTS_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "case.h"
#include "status.h"
#include "summary.h"

#define RFL_RESULTS_NAME_MAX 128

typedef enum { RFL_RESULTS_INT = 'i', RFL_RESULTS_REAL = 'n', RFL_RESULTS_TEXT = 's' } rfl_results_type;

typedef struct {
  char name[RFL_RESULTS_NAME_MAX];
  rfl_results_type type;
  double num;  /* integers and reals */
  char *text;  /* texts (owned) */
} rfl_results_cell;

typedef struct {
  long long index; /* case index */
  rfl_results_cell *cells;
  int ncells, capacity;
  int has_hash;    /* the record names the resolved case it belongs to */
  uint64_t hash;   /* 64-bit hash of that case (the sweep manifest's), when has_hash */
} rfl_results_row;

void rfl_results_row_init(rfl_results_row *row, long long index);
void rfl_results_row_free(rfl_results_row *row);
rfl_status rfl_results_row_add_int(rfl_results_row *row, const char *name, long long v);
rfl_status rfl_results_row_add_real(rfl_results_row *row, const char *name, double v);
rfl_status rfl_results_row_add_text(rfl_results_row *row, const char *name, const char *v);
const rfl_results_cell *rfl_results_row_find(const rfl_results_row *row, const char *name);

/* The figures of a run: one cell per metric of the metric table (metrics.h) under its
 * sweep column (the end of RF's snapshot, the cool-down's prefixed "final_", the run's, and
 * per structure NAME.COLUMN), then flags (the safety flags) and findings (the
 * effectiveness findings, which leave the status ok), `; `-separated. With summary NULL (a
 * failed case) the same columns are added empty (NaN, 0 or ""), the structures taken from
 * kase (may be NULL too). */
rfl_status rfl_results_row_add_summary(rfl_results_row *row, const rfl_summary *summary, const rfl_case *kase);

/* Row records: text form (malloc'ed, NUL-terminated), parsing, atomic file write
 * (temporary file, fsync, rename) and read. Parse errors are RFL_EINPUT naming `name`. */
rfl_status rfl_results_row_format(const rfl_results_row *row, char **text);
rfl_status rfl_results_row_parse(const char *name, const char *text, rfl_results_row *row);
rfl_status rfl_results_row_write(const char *path, const rfl_results_row *row);
rfl_status rfl_results_row_read(const char *path, rfl_results_row *row);

typedef struct {
  char name[RFL_RESULTS_NAME_MAX];
  rfl_results_type type;
} rfl_results_column;

typedef struct {
  rfl_results_row *rows;
  size_t nrows, capacity;
  rfl_results_column *columns; /* set by rfl_results_table_finish */
  int ncolumns;
} rfl_results_table;

void rfl_results_table_init(rfl_results_table *t);
void rfl_results_table_free(rfl_results_table *t);
/* Takes the row over (row is left empty). */
rfl_status rfl_results_table_add(rfl_results_table *t, rfl_results_row *row);
/* Sorts the rows by case index and builds the columns. */
rfl_status rfl_results_table_finish(rfl_results_table *t);
int rfl_results_table_column(const rfl_results_table *t, const char *name);
/* Value of column col in row r as a number (NaN when missing or text) or as text
 * (numbers printed; "" when missing); buf is used for numbers. */
double rfl_results_table_number(const rfl_results_table *t, size_t r, int col);
const char *rfl_results_table_text(const rfl_results_table *t, size_t r, int col, char *buf, size_t size);

/* CSV (RFC 4180 quoting; reals with 10 significant digits, "nan" when missing) and HDF5
 * (dataset /results of a compound type: int64, double and fixed-length string members in
 * column order; `note` (may be NULL) is stored as the dataset's string attribute "sweep").
 * Both written atomically. */
rfl_status rfl_results_table_write_csv(const rfl_results_table *t, const char *path);
rfl_status rfl_results_table_write_h5(const rfl_results_table *t, const char *path, const char *note);

/* A column in words, for figure titles and axes: its label ("lesion width, \u03a9 \u2265 1",
 * "root: gap to the lesion", "set temperature") and its unit ("mm", "\u00b0C", "" for none),
 * UTF-8. The table's own columns come from a small lookup; a case key
 * (SECTION[:NAME].KEY_UNIT) is named by its key, after the section's NAME if it has one. */
void rfl_results_column_describe(const char *column, char *label, size_t label_size, char *unit, size_t unit_size);

#endif
