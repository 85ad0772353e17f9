// SPDX-License-Identifier: BSD-3-Clause
/* Reading, validating and writing case files (format: docs/case-format.md).
 *
 * A case file is INI text: [section] headers, `key = value` lines, comments starting with
 * ';' or '#' (at the start of a line, or after whitespace inside a line). Keys carry their
 * unit (spacing_mm, duration_s); the reader converts to SI once, so rfl_case holds m, s,
 * S/m, W, V and degrees C. Defaults come from rfl_case_defaults().
 *
 * Every error is RFL_EINPUT with one message (rfl_error_message()) of the form
 *   FILE:LINE: [section] key: expected <what, unit, range>, found '<text>'
 * and for --set style overrides
 *   --set SECTION.KEY=VALUE: [section] key: expected ..., found '<text>'
 * A check across keys that fails because of an override of another key it reads appends
 * " (after --set SECTION.KEY=VALUE)" to the message at the file's line.
 * Suspicious but legal input produces warnings (collected, never printed here). */
#ifndef RFL_CASE_READER_H
#define RFL_CASE_READER_H

#include <stddef.h>
#include <stdio.h>

#include "case.h"
#include "status.h"

#define RFL_CASE_MAX_BYTES (1024 * 1024) /* larger case files are refused */
#define RFL_CASE_MAX_LINE 1000           /* characters per line, without the newline */
#define RFL_CASE_MAX_WARNINGS 16
#define RFL_CASE_WARNING_LEN 320

/* The largest grid the solver builds (solver/grid.c uses the same limits): cells along one
 * axis, and cells in all. The reader refuses a case whose estimated grid exceeds them. */
#define RFL_CASE_MAX_CELLS_PER_AXIS 100000
#define RFL_CASE_MAX_CELLS 1e9

/* Warnings collected while reading; `count` may exceed RFL_CASE_MAX_WARNINGS (the extra
 * ones are counted, not kept). */
typedef struct {
  int count;
  char text[RFL_CASE_MAX_WARNINGS][RFL_CASE_WARNING_LEN];
} rfl_case_warnings;

/* What the header of a voxel file says (the layouts are in solver/voxels.h and
 * solver/nifti_labels.h). */
typedef struct {
  int n[3];          /* voxels along x, y, z (i, j, k of a NIfTI image) */
  rfl_vec3 origin;   /* HDF5: outer corner of voxel (0, 0, 0), m */
  rfl_vec3 spacing;  /* HDF5: voxel size along x, y, z, m */
  /* Case point p (m) -> continuous voxel coordinates s = to_index[.][0..2] . p +
   * to_index[.][3], voxel (i, j, k) covering [i, i+1) x [j, j+1) x [k, k+1): for a NIfTI
   * image the inverse of its sform or qform (any orientation); for HDF5 the axis-aligned
   * origin and spacing. */
  double to_index[3][4];
  /* NIfTI images only (the check reads their labels): 1 and which label values occur. */
  int labels_known;
  unsigned char label_present[256];
} rfl_case_voxel_header;

/* Whether `path` names a NIfTI image (it ends in .nii or .nii.gz) rather than HDF5. */
int rfl_case_voxel_file_is_nifti(const char *path);

/* Results of a voxel-file check: fine, a problem with the file, or no such dataset. */
enum { RFL_CASE_VOXEL_OK = 0, RFL_CASE_VOXEL_BAD_FILE = 1, RFL_CASE_VOXEL_BAD_DATASET = 2 };

/* Checks the header of `dataset` in the voxel file `path` without reading the labels
 * (the solver's rfl_voxels_check; the reader itself knows no HDF5). Returns
 * RFL_CASE_VOXEL_OK and fills hdr, or another RFL_CASE_VOXEL_* and writes
 * "expected ..., found ..." into problem. */
typedef int (*rfl_case_voxel_check)(const char *path, const char *dataset,
                                    rfl_case_voxel_header *hdr, char *problem, size_t size);

/* Options of a read; a zeroed struct (or NULL) means: no overrides, no memory check, a
 * voxel file checked only for being a readable HDF5 file, warnings discarded. */
typedef struct {
  const char *const *sets;   /* overrides "SECTION.KEY=VALUE"; a named section is written
                                SECTION:NAME (structure:root.radius_mm=2); later ones win */
  int nsets;
  /* Memory check: the bytes a run of the case needs (<= 0: unknown, not checked) must not
   * exceed memory_limit; NULL or a limit of 0: no check. */
  double (*memory_estimate)(const rfl_case *c, void *ctx);
  void *memory_ctx;          /* passed to memory_estimate */
  double memory_limit;       /* bytes */
  const char *memory_limit_source; /* where the limit comes from, for the message */
  rfl_case_voxel_check voxel_check; /* header check of [grid] voxel_file (errors at its
                                       line; a warning when the volume misses the domain),
                                       or NULL */
  rfl_case_warnings *warnings; /* may be NULL */
} rfl_case_read_options;

/* Read a case file (at most RFL_CASE_MAX_BYTES). Relative voxel_file paths are taken
 * relative to the case file's directory. On error *out is left in an unspecified but
 * safe state (no allocations are ever held by a case). */
rfl_status rfl_case_read(const char *path, const rfl_case_read_options *opt, rfl_case *out);

/* Same from memory: `name` is used in messages and for relative paths (its directory);
 * `data` need not be NUL-terminated and may contain any bytes. */
rfl_status rfl_case_read_buffer(const char *name, const char *data, size_t len,
                                const rfl_case_read_options *opt, rfl_case *out);

/* Write the resolved case as a case file (every key, defaults included, in the file's
 * units); reading it back gives the same case to 10 significant digits. */
rfl_status rfl_case_write(FILE *f, const rfl_case *c);

/* Cells per axis of the grid a spec asks for, as the reader estimates it (uniform cells
 * in the fine box, geometric growth outside); returns the total (0 on overflow). */
double rfl_case_estimate_cells(const rfl_grid_spec *g, int n[3]);

/* Edge length of the cell at point p in the estimated grid (largest of the three), m. */
double rfl_case_local_spacing(const rfl_grid_spec *g, rfl_vec3 p);

/* ---- the key table, for the other writers of a case -------------------------------------
 * The reader's table of keys (name, type, unit, range, scale) also drives `check`'s
 * printout (rfl_case_write), the HDF5 /case attributes and the key tables of
 * docs/case-format.md, so that every name is spelled once. */

/* How a key's value is stored outside the case file. */
typedef enum {
  RFL_CASE_VALUE_NUMBER,  /* one number, in the key's unit (the case file's) */
  RFL_CASE_VALUE_INTEGER, /* an integer (booleans: 0 / 1) */
  RFL_CASE_VALUE_VECTOR,  /* three numbers, in the key's unit */
  RFL_CASE_VALUE_NUMBERS, /* a list of numbers (output times, s), possibly empty */
  RFL_CASE_VALUE_TEXT     /* text: words, names, paths, label lists */
} rfl_case_value_kind;

/* One key of a resolved case: its name and its value in the case file's units. */
typedef struct {
  const char *section;     /* section word: "grid", "return_probe", ... */
  const char *key;         /* the key as the case file spells it */
  const char *unit;        /* the case file's unit ("" for plain numbers and text) */
  rfl_case_value_kind kind;
  double number[RFL_MAX_OUTPUT_TIMES]; /* NUMBER, INTEGER: [0]; VECTOR: [0..2]; NUMBERS */
  int count;               /* numbers used in `number` */
  const char *text;        /* the value as the case file writes it (every kind) */
} rfl_case_value;

typedef rfl_status (*rfl_case_value_fn)(const rfl_case_value *v, void *ctx);

/* Calls fn for every key of the unnamed section `section` ("case", "grid", "probe",
 * "return_probe", "generator", "tissue", "physics", "damage", "solver", "output") in table
 * order, with the case's values (defaults filled in); stops at the first status fn returns
 * other than RFL_OK and returns it. "return_probe" of a case with one probe visits nothing.
 * RFL_EUSAGE for an unknown or named section. */
rfl_status rfl_case_section_values(const rfl_case *c, const char *section, rfl_case_value_fn fn,
                                   void *ctx);

/* The unnamed sections in file order, NULL-terminated (the `section` words above). */
extern const char *const rfl_case_unnamed_sections[];

/* 1 when the reader accepts `key` in section `section` (the header word, also of named
 * sections: "material", "structure"), else 0. */
int rfl_case_key_accepted(const char *section, const char *key);

/* The key tables of docs/case-format.md as Markdown: for every section, a line
 * "<!-- keys: SECTION -->" followed by its table (key, unit, default, range, meaning). */
rfl_status rfl_case_keys_markdown(FILE *f);

#endif
