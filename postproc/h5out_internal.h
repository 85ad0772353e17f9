// SPDX-License-Identifier: BSD-3-Clause
/* What the HDF5 writer's files share (h5out.h is the public interface): the writer's state,
 * the error handling that poisons it, and the small writers of attributes, datasets and
 * compound tables (h5out_io.c). Files: h5out.c (paths, open, close), h5out_io.c,
 * h5out_case.c (/case), h5out_grid.c (/grid), h5out_fields.c (/fields), h5out_series.c
 * (/series), h5out_records.c (/summary), h5out_xdmf.c (the .xmf sidecar). */
#ifndef RFL_H5OUT_INTERNAL_H
#define RFL_H5OUT_INTERNAL_H

#include <hdf5.h>
#include <stddef.h>
#include <stdint.h>

#include "atomic_file.h"
#include "h5out.h"
#include "hdf5_quiet.h"

#define CHUNK_ELEMENTS 262144 /* target elements per chunk (1 MiB of float32) */
#define MSG_MAX 1024

typedef struct {
  double t;      /* s */
  char name[32]; /* group name under /fields */
} snapshot;

struct rfl_h5out {
  char path[RFL_PATH_MAX];     /* final name */
  char target[RFL_PATH_MAX];   /* where it lands (the end of a symbolic link) */
  char tmp[RFL_ATOMIC_TMP_MAX]; /* TARGET.tmp.PID */
  char xmf[RFL_PATH_MAX + 8];  /* sidecar */
  char xmf_target[RFL_PATH_MAX];
  char xmf_tmp[RFL_ATOMIC_TMP_MAX];
  rfl_h5out_options opt;
  int deflate;                 /* level, or -1 for none */
  hid_t file;
  int have_grid, have_series, have_summary;
  int n[3];                    /* cells per axis */
  size_t ncells;
  void *buf;                   /* ncells doubles: conversion scratch */
  uint8_t *part;               /* /grid/part of every cell, for the lesion mask */
  size_t *queue;               /* electrode cells, for the lesion mask's fill */
  size_t nelectrode;
  snapshot *snaps;
  size_t nsnaps, capsnaps;
  rfl_status status;           /* first failure (poisons the writer) */
  char msg[MSG_MAX];           /* its message */
};


/* RFL_EIO naming the file and what failed, with HDF5's innermost reason when there is one. */
rfl_status h5o_h5_fail(const rfl_h5out *o, const char *src_line_file, int src_line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#define H5O_FAIL(o, ...) h5o_h5_fail((o), __FILE__, __LINE__, __VA_ARGS__)

/* Remembers the first failure (later calls repeat it), and repeats it. */
rfl_status h5o_poison(rfl_h5out *o, rfl_status st);
rfl_status h5o_reraise(const rfl_h5out *o);

typedef struct {
  const char *name;        /* dataset name inside loc */
  const char *units;       /* `units` attribute */
  const char *description; /* `description` attribute (may be NULL) */
  hid_t filetype, memtype;
  int rank;
  hsize_t dims[3];
  int compress;            /* chunked + shuffle + deflate when the writer compresses */
} h5o_dataset_spec;

typedef enum { H5O_COL_F64, H5O_COL_I32, H5O_COL_I64, H5O_COL_U8, H5O_COL_STR } h5o_col_kind;

typedef struct {
  const char *name;
  size_t offset, size; /* in the C record */
  h5o_col_kind kind;
  const char *unit;    /* "1" dimensionless, "-" text, label or count */
} h5o_column;

#define H5O_COL(T, field, kind, unit) {#field, offsetof(T, field), sizeof(((T *)0)->field), kind, unit}
#define H5O_NCOLS(a) (sizeof(a) / sizeof((a)[0]))

/* A fixed-length, NUL-terminated ASCII string type of `size` bytes (at least 1). */
hid_t h5o_string_type(size_t size);

/* Attribute `name` on obj (called `where` in messages): n values of memtype (scalar when
 * n == 0 and scalar is set), stored as filetype; and its typed shorthands. */
rfl_status h5o_attr_write(const rfl_h5out *o, hid_t obj, const char *where, const char *name, hid_t filetype,
                          hid_t memtype, int scalar, hsize_t n, const void *data);
rfl_status h5o_attr_f64(const rfl_h5out *o, hid_t obj, const char *where, const char *name, double v);
rfl_status h5o_attr_f64v(const rfl_h5out *o, hid_t obj, const char *where, const char *name, const double *v,
                         size_t n);
rfl_status h5o_attr_i32(const rfl_h5out *o, hid_t obj, const char *where, const char *name, int v);
rfl_status h5o_attr_i32v(const rfl_h5out *o, hid_t obj, const char *where, const char *name, const int32_t *v,
                         size_t n);
rfl_status h5o_attr_str(const rfl_h5out *o, hid_t obj, const char *where, const char *name, const char *value);
/* n strings of at most `stride` bytes each, laid out at `strings + i * stride`. */
rfl_status h5o_attr_strv(const rfl_h5out *o, hid_t obj, const char *where, const char *name, const char *strings,
                         size_t stride, size_t n);

rfl_status h5o_group_create(const rfl_h5out *o, hid_t loc, const char *name, const char *where, hid_t *out);
void h5o_close_group(hid_t *g);

/* Creates and writes one dataset (data may be NULL only when it has no elements); returns
 * it open in *out when out is not NULL. `where` is the parent's path for messages. */
rfl_status h5o_dataset_write(const rfl_h5out *o, hid_t loc, const char *where, const h5o_dataset_spec *d,
                             const void *data, hid_t *out);
/* Closes a dataset returned open by h5o_dataset_write, checking the write of its cached data. */
rfl_status h5o_close_dataset(const rfl_h5out *o, hid_t *dset, const char *path);
rfl_status h5o_write_f64_1d(const rfl_h5out *o, hid_t loc, const char *where, const char *name, const double *v,
                            size_t n, const char *units, const char *desc);

/* nrec records of recsize bytes as a compound dataset: native layout in memory, packed
 * little-endian in the file, `units` = the columns' units, comma-separated, in order. */
rfl_status h5o_table_write(const rfl_h5out *o, hid_t loc, const char *where, const char *name,
                           const h5o_column *cols, size_t ncols, size_t recsize, const void *data, size_t nrec,
                           const char *description);

/* The parts written by the other files. */
rfl_status h5o_write_case(const rfl_h5out *o, const rfl_case *c);
rfl_status h5o_write_xdmf(const rfl_h5out *o);

#endif
