// SPDX-License-Identifier: BSD-3-Clause
/* The per-case HDF5 result file and its XDMF sidecar (h5out.h; layout in
 * docs/output-format.md), written with the serial HDF5 C API.
 *
 * Atomicity: everything goes to PATH.tmp.PID; on commit the file is closed, fsync'ed and
 * renamed onto PATH (rename is atomic within a directory), then the sidecar is written to
 * its own temporary name and renamed the same way. A crash leaves the previous PATH (if
 * any) untouched. Handle hygiene: every hid_t starts at H5I_INVALID_HID, every call is
 * checked, and each function has one cleanup label that closes what it opened inside
 * H5E_BEGIN_TRY / H5E_END_TRY. HDF5's automatic error printing is switched off while a
 * public function runs; the innermost entry of HDF5's error stack is appended to our
 * message instead. Object modification times are not recorded, so the same run writes the
 * same bytes. Fields are converted to float32 here (clamped to the float range) rather
 * than by HDF5, whose overflow behaviour depends on its conversion path. This file does
 * not read results back and knows nothing of MPI (one writer per case). */
#include "h5out.h"

#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <hdf5.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic_file.h"
#include "case_hash.h"
#include "case_reader.h"
#include "generator.h"
#include "provenance.h"
#include "rfl_version.h"

#define CHUNK_ELEMENTS 262144 /* target elements per chunk (1 MiB of float32) */
#define DEFAULT_DEFLATE 4
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

/* ---- errors ---------------------------------------------------------------------------- */

typedef struct {
  H5E_auto2_t func;
  void *data;
  int restore;
} quiet_state;

static void quiet_begin(quiet_state *q) {
  q->func = NULL;
  q->data = NULL;
  q->restore = H5Eget_auto2(H5E_DEFAULT, &q->func, &q->data) >= 0;
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

static void quiet_end(const quiet_state *q) {
  if (q->restore) H5Eset_auto2(H5E_DEFAULT, q->func, q->data);
}

typedef struct {
  char text[200];
} h5_detail;

/* The innermost error's description, shortened: the file driver's long report ("file write
 * failed: time = ..., filename = ..., errno = 28, error message = 'No space left on
 * device', ...") becomes "file write failed: No space left on device". */
static herr_t innermost(unsigned n, const H5E_error2_t *e, void *ctx) {
  h5_detail *d = ctx;
  if (n != 0) return 0;
  char desc[512] = "";
  if (e->desc && e->desc[0])
    snprintf(desc, sizeof desc, "%s", e->desc);
  else if (H5Eget_msg(e->min_num, NULL, desc, sizeof desc) < 0)
    desc[0] = '\0';
  const char *reason = strstr(desc, "error message = '");
  size_t head = strcspn(desc, ":\n");
  if (reason) {
    reason += strlen("error message = '");
    snprintf(d->text, sizeof d->text, "%.*s: %.*s", (int)head, desc, (int)strcspn(reason, "'"), reason);
  } else {
    snprintf(d->text, sizeof d->text, "%.*s", (int)strcspn(desc, "\n"), desc);
  }
  return 0;
}

/* RFL_EIO naming the file and what failed, with HDF5's innermost reason when there is one. */
static rfl_status h5_fail(const rfl_h5out *o, const char *src_line_file, int src_line,
                          const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static rfl_status h5_fail(const rfl_h5out *o, const char *src_line_file, int src_line,
                          const char *fmt, ...) {
  char what[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  h5_detail d = {{0}};
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, innermost, &d);
  if (d.text[0])
    return rfl_error_raise(RFL_EIO, src_line_file, src_line, "%s: cannot %s (HDF5: %s)", o->path,
                           what, d.text);
  return rfl_error_raise(RFL_EIO, src_line_file, src_line, "%s: cannot %s", o->path, what);
}
#define FAIL(o, ...) h5_fail((o), __FILE__, __LINE__, __VA_ARGS__)

/* Remembers the first failure; later calls repeat it. */
static rfl_status poison(rfl_h5out *o, rfl_status st) {
  if (st != RFL_OK && o->status == RFL_OK) {
    o->status = st;
    snprintf(o->msg, sizeof o->msg, "%s", rfl_error_message());
  }
  return st;
}

static rfl_status reraise(const rfl_h5out *o) {
  return rfl_error_raise(o->status, __FILE__, __LINE__, "%s", o->msg);
}

/* ---- small writers: attributes ---------------------------------------------------------- */

/* A fixed-length, NUL-terminated ASCII string type of `size` bytes (at least 1). */
static hid_t string_type(size_t size) {
  hid_t t = H5Tcopy(H5T_C_S1);
  if (t < 0) return t;
  if (H5Tset_size(t, size ? size : 1) < 0 || H5Tset_strpad(t, H5T_STR_NULLTERM) < 0 ||
      H5Tset_cset(t, H5T_CSET_ASCII) < 0) {
    H5E_BEGIN_TRY { H5Tclose(t); }
    H5E_END_TRY;
    return H5I_INVALID_HID;
  }
  return t;
}

/* Attribute `name` on obj (called `where` in messages): n values of memtype (scalar when
 * n == 0 and scalar is set), stored as filetype. */
static rfl_status attr_write(const rfl_h5out *o, hid_t obj, const char *where, const char *name,
                             hid_t filetype, hid_t memtype, int scalar, hsize_t n,
                             const void *data) {
  rfl_status st = RFL_OK;
  hid_t space = H5I_INVALID_HID, attr = H5I_INVALID_HID;
  if ((space = scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, NULL)) < 0 ||
      (attr = H5Acreate2(obj, name, filetype, space, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
      ((scalar || n > 0) && H5Awrite(attr, memtype, data) < 0))
    st = FAIL(o, "write attribute %s of %s", name, where);
  H5E_BEGIN_TRY {
    if (attr >= 0) H5Aclose(attr);
    if (space >= 0) H5Sclose(space);
  }
  H5E_END_TRY;
  return st;
}

static rfl_status attr_f64(const rfl_h5out *o, hid_t obj, const char *where, const char *name,
                           double v) {
  return attr_write(o, obj, where, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, 0, &v);
}

static rfl_status attr_f64v(const rfl_h5out *o, hid_t obj, const char *where, const char *name,
                            const double *v, size_t n) {
  return attr_write(o, obj, where, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 0, n, v);
}

static rfl_status attr_i32(const rfl_h5out *o, hid_t obj, const char *where, const char *name,
                           int v) {
  int32_t x = (int32_t)v;
  return attr_write(o, obj, where, name, H5T_STD_I32LE, H5T_NATIVE_INT32, 1, 0, &x);
}

static rfl_status attr_i32v(const rfl_h5out *o, hid_t obj, const char *where, const char *name,
                            const int32_t *v, size_t n) {
  return attr_write(o, obj, where, name, H5T_STD_I32LE, H5T_NATIVE_INT32, 0, n, v);
}

static rfl_status attr_str(const rfl_h5out *o, hid_t obj, const char *where, const char *name,
                           const char *value) {
  hid_t t = string_type(strlen(value) + 1);
  if (t < 0) return FAIL(o, "make a string type for attribute %s of %s", name, where);
  rfl_status st = attr_write(o, obj, where, name, t, t, 1, 0, value);
  H5E_BEGIN_TRY { H5Tclose(t); }
  H5E_END_TRY;
  return st;
}

/* n strings of at most `stride` bytes each, laid out at `strings + i * stride`. */
static rfl_status attr_strv(const rfl_h5out *o, hid_t obj, const char *where, const char *name,
                            const char *strings, size_t stride, size_t n) {
  size_t len = 1;
  for (size_t i = 0; i < n; ++i) {
    size_t l = strnlen(strings + i * stride, stride) + 1;
    if (l > len) len = l;
  }
  char *packed = calloc(n ? n : 1, len);
  if (!packed) return RFL_ERROR(RFL_ENOMEM, "%s: out of memory for attribute %s", o->path, name);
  for (size_t i = 0; i < n; ++i)
    memcpy(packed + i * len, strings + i * stride, strnlen(strings + i * stride, stride));
  rfl_status st = RFL_OK;
  hid_t t = string_type(len);
  if (t < 0)
    st = FAIL(o, "make a string type for attribute %s of %s", name, where);
  else
    st = attr_write(o, obj, where, name, t, t, 0, n, packed);
  H5E_BEGIN_TRY {
    if (t >= 0) H5Tclose(t);
  }
  H5E_END_TRY;
  free(packed);
  return st;
}

/* ---- small writers: groups and datasets -------------------------------------------------- */

static rfl_status group_create(const rfl_h5out *o, hid_t loc, const char *name, const char *where,
                               hid_t *out) {
  rfl_status st = RFL_OK;
  hid_t gcpl = H5I_INVALID_HID;
  *out = H5I_INVALID_HID;
  if ((gcpl = H5Pcreate(H5P_GROUP_CREATE)) < 0 || H5Pset_obj_track_times(gcpl, 0) < 0 ||
      (*out = H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT)) < 0)
    st = FAIL(o, "create group %s", where);
  H5E_BEGIN_TRY {
    if (gcpl >= 0) H5Pclose(gcpl);
  }
  H5E_END_TRY;
  return st;
}

static void close_group(hid_t *g) {
  H5E_BEGIN_TRY {
    if (*g >= 0) H5Gclose(*g);
  }
  H5E_END_TRY;
  *g = H5I_INVALID_HID;
}

/* Chunk shape for dims (slowest first): whole rows, halving the slowest axes first until
 * a chunk holds at most CHUNK_ELEMENTS. */
static void chunk_shape(int rank, const hsize_t *dims, hsize_t *chunk) {
  hsize_t total = 1;
  for (int a = 0; a < rank; ++a) {
    chunk[a] = dims[a] ? dims[a] : 1;
    total *= chunk[a];
  }
  for (int a = 0; a < rank && total > CHUNK_ELEMENTS; ++a)
    while (chunk[a] > 1 && total > CHUNK_ELEMENTS) {
      total /= chunk[a];
      chunk[a] = (chunk[a] + 1) / 2;
      total *= chunk[a];
    }
}

typedef struct {
  const char *name;        /* dataset name inside loc */
  const char *units;       /* `units` attribute */
  const char *description; /* `description` attribute (may be NULL) */
  hid_t filetype, memtype;
  int rank;
  hsize_t dims[3];
  int compress;            /* chunked + shuffle + deflate when the writer compresses */
} dataset_spec;

/* Creates and writes one dataset (data may be NULL only when it has no elements); returns
 * it open in *out when out is not NULL. `where` is the parent's path for messages. */
static rfl_status dataset_write(const rfl_h5out *o, hid_t loc, const char *where,
                                const dataset_spec *d, const void *data, hid_t *out) {
  rfl_status st = RFL_OK;
  hid_t space = H5I_INVALID_HID, dcpl = H5I_INVALID_HID, dset = H5I_INVALID_HID;
  hsize_t chunk[3], count = 1;
  for (int a = 0; a < d->rank; ++a) count *= d->dims[a];
  if (out) *out = H5I_INVALID_HID;
  if ((space = H5Screate_simple(d->rank, d->dims, NULL)) < 0 ||
      (dcpl = H5Pcreate(H5P_DATASET_CREATE)) < 0 || H5Pset_obj_track_times(dcpl, 0) < 0) {
    st = FAIL(o, "set up dataset %s/%s", where, d->name);
    goto cleanup;
  }
  if (d->compress && o->deflate >= 0 && count > 0) {
    chunk_shape(d->rank, d->dims, chunk);
    if (H5Pset_chunk(dcpl, d->rank, chunk) < 0 || H5Pset_shuffle(dcpl) < 0 ||
        H5Pset_deflate(dcpl, (unsigned)o->deflate) < 0) {
      st = FAIL(o, "set up compression of dataset %s/%s", where, d->name);
      goto cleanup;
    }
  }
  if ((dset = H5Dcreate2(loc, d->name, d->filetype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT)) < 0) {
    st = FAIL(o, "create dataset %s/%s", where, d->name);
    goto cleanup;
  }
  if (count > 0 && H5Dwrite(dset, d->memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
    st = FAIL(o, "write dataset %s/%s", where, d->name);
    goto cleanup;
  }
  char path[256];
  snprintf(path, sizeof path, "%s/%s", where, d->name);
  if ((st = attr_str(o, dset, path, "units", d->units)) != RFL_OK) goto cleanup;
  if (d->description && (st = attr_str(o, dset, path, "description", d->description)) != RFL_OK)
    goto cleanup;
  if (out) {
    *out = dset;
  } else if (H5Dclose(dset) < 0) { /* writes cached raw data: a failure here is a write failure */
    st = FAIL(o, "write dataset %s/%s", where, d->name);
  }
  dset = H5I_INVALID_HID;
cleanup:
  H5E_BEGIN_TRY {
    if (dset >= 0) H5Dclose(dset);
    if (dcpl >= 0) H5Pclose(dcpl);
    if (space >= 0) H5Sclose(space);
  }
  H5E_END_TRY;
  return st;
}

/* Closes a dataset returned open by dataset_write, checking the write of its cached data. */
static rfl_status close_dataset(const rfl_h5out *o, hid_t *dset, const char *path) {
  herr_t rc = H5Dclose(*dset);
  *dset = H5I_INVALID_HID;
  return rc < 0 ? FAIL(o, "write dataset %s", path) : RFL_OK;
}

static rfl_status write_f64_1d(const rfl_h5out *o, hid_t loc, const char *where, const char *name,
                               const double *v, size_t n, const char *units, const char *desc) {
  dataset_spec d = {name, units, desc, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, {n, 0, 0}, n > 4096};
  return dataset_write(o, loc, where, &d, v, NULL);
}

/* ---- compound tables --------------------------------------------------------------------- */

typedef enum { COL_F64, COL_I32, COL_I64, COL_U8, COL_STR } col_kind;

typedef struct {
  const char *name;
  size_t offset, size; /* in the C record */
  col_kind kind;
  const char *unit;    /* "1" dimensionless, "-" text, label or count */
} column;

#define COL(T, field, kind, unit) {#field, offsetof(T, field), sizeof(((T *)0)->field), kind, unit}
#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))

/* nrec records of recsize bytes as a compound dataset: native layout in memory, packed
 * little-endian in the file, `units` = the columns' units, comma-separated, in order. */
static rfl_status table_write(const rfl_h5out *o, hid_t loc, const char *where, const char *name,
                              const column *cols, size_t ncols, size_t recsize, const void *data,
                              size_t nrec, const char *description) {
  rfl_status st = RFL_OK;
  hid_t mem = H5I_INVALID_HID, file = H5I_INVALID_HID, str = H5I_INVALID_HID;
  size_t file_size = 0;
  char units[1024] = "";
  for (size_t c = 0; c < ncols; ++c) file_size += cols[c].size;
  if ((mem = H5Tcreate(H5T_COMPOUND, recsize)) < 0 ||
      (file = H5Tcreate(H5T_COMPOUND, file_size)) < 0) {
    st = FAIL(o, "make the record type of %s/%s", where, name);
    goto cleanup;
  }
  size_t foff = 0, ulen = 0;
  for (size_t c = 0; c < ncols; ++c) {
    hid_t mt = H5I_INVALID_HID, ft = H5I_INVALID_HID;
    switch (cols[c].kind) {
      case COL_F64: mt = H5T_NATIVE_DOUBLE; ft = H5T_IEEE_F64LE; break;
      case COL_I32: mt = H5T_NATIVE_INT32; ft = H5T_STD_I32LE; break;
      case COL_I64: mt = H5T_NATIVE_INT64; ft = H5T_STD_I64LE; break;
      case COL_U8: mt = H5T_NATIVE_UINT8; ft = H5T_STD_U8LE; break;
      case COL_STR:
        if ((str = string_type(cols[c].size)) < 0) break;
        mt = ft = str;
        break;
    }
    if (mt < 0 || H5Tinsert(mem, cols[c].name, cols[c].offset, mt) < 0 ||
        H5Tinsert(file, cols[c].name, foff, ft) < 0) {
      st = FAIL(o, "make the record type of %s/%s (column %s)", where, name, cols[c].name);
      goto cleanup;
    }
    if (str >= 0) {
      H5Tclose(str);
      str = H5I_INVALID_HID;
    }
    foff += cols[c].size;
    ulen += (size_t)snprintf(units + ulen, ulen < sizeof units ? sizeof units - ulen : 0, "%s%s",
                             c ? "," : "", cols[c].unit);
  }
  dataset_spec d = {name, units, description, file, mem, 1, {nrec, 0, 0}, 0};
  st = dataset_write(o, loc, where, &d, data, NULL);
cleanup:
  H5E_BEGIN_TRY {
    if (str >= 0) H5Tclose(str);
    if (file >= 0) H5Tclose(file);
    if (mem >= 0) H5Tclose(mem);
  }
  H5E_END_TRY;
  return st;
}

/* ---- paths ------------------------------------------------------------------------------- */

rfl_status rfl_h5out_default_path(const rfl_case *c, char *buf, size_t size) {
  const char *p = c->path[0] ? c->path : "case";
  const char *slash = strrchr(p, '/');
  const char *base = slash ? slash + 1 : p;
  const char *dot = strrchr(base, '.');
  int blen = (int)(dot && dot != base ? (size_t)(dot - base) : strlen(base));
  int n;
  if (c->output.directory[0])
    n = snprintf(buf, size, "%s%s%.*s.h5", c->output.directory,
                 c->output.directory[strlen(c->output.directory) - 1] == '/' ? "" : "/", blen, base);
  else /* the current directory, like any program's default output */
    n = snprintf(buf, size, "%.*s.h5", blen, base);
  if (n < 0 || (size_t)n >= size)
    return RFL_ERROR(RFL_EUSAGE, "output path for case %s is too long (at most %zu characters)", p,
                     size ? size - 1 : 0);
  return RFL_OK;
}

rfl_status rfl_h5out_xdmf_path(const char *h5path, char *buf, size_t size) {
  const char *slash = strrchr(h5path, '/');
  const char *base = slash ? slash + 1 : h5path;
  const char *dot = strrchr(base, '.');
  size_t stem = dot && dot != base ? (size_t)(dot - h5path) : strlen(h5path);
  int n = snprintf(buf, size, "%.*s.xmf", (int)stem, h5path);
  if (n < 0 || (size_t)n >= size)
    return RFL_ERROR(RFL_EUSAGE, "%s: sidecar path too long (at most %zu characters)", h5path,
                     size ? size - 1 : 0);
  return RFL_OK;
}

const char *rfl_h5out_path(const rfl_h5out *out) { return out->path; }
const char *rfl_h5out_temp_path(const rfl_h5out *out) { return out->tmp; }

/* ---- open -------------------------------------------------------------------------------- */

static void free_writer(rfl_h5out *o) {
  if (!o) return;
  free(o->buf);
  free(o->part);
  free(o->queue);
  free(o->snaps);
  free(o);
}

/* Root attributes: what wrote the file (the JSON summary's "provenance" says the same). */
static rfl_status write_provenance(const rfl_h5out *o, hid_t root) {
  rfl_provenance p;
  rfl_provenance_get(&p);
  rfl_status st;
  if ((st = attr_str(o, root, "/", "rflesion_version", p.version_full)) != RFL_OK ||
      (st = attr_str(o, root, "/", "commit", p.commit)) != RFL_OK ||
      (st = attr_str(o, root, "/", "build_type", p.build_type)) != RFL_OK ||
      (st = attr_i32(o, root, "/", "built_with_mpi", p.mpi)) != RFL_OK ||
      (st = attr_i32(o, root, "/", "built_with_openmp", p.openmp)) != RFL_OK)
    return st;
  return attr_str(o, root, "/", "hdf5_version", p.hdf5);
}

rfl_status rfl_h5out_open(const char *path, const rfl_h5out_options *opt, rfl_h5out **out) {
  *out = NULL;
  if (!path || !path[0]) return RFL_ERROR(RFL_EUSAGE, "HDF5 output: empty file name");
  if (strlen(path) >= RFL_PATH_MAX)
    return RFL_ERROR(RFL_EUSAGE, "%.60s...: output file name too long (at most %d characters)",
                     path, RFL_PATH_MAX - 1);
  rfl_h5out *o = calloc(1, sizeof *o);
  if (!o) return RFL_ERROR(RFL_ENOMEM, "%s: out of memory for the HDF5 writer", path);
  o->file = H5I_INVALID_HID;
  if (opt) o->opt = *opt;
  snprintf(o->path, sizeof o->path, "%s", path);
  rfl_status st = rfl_h5out_xdmf_path(path, o->xmf, sizeof o->xmf);
  if (st == RFL_OK) st = rfl_atomic_temp(path, o->target, sizeof o->target, o->tmp, sizeof o->tmp);
  if (st == RFL_OK &&
      (st = rfl_atomic_temp(o->xmf, o->xmf_target, sizeof o->xmf_target, o->xmf_tmp, sizeof o->xmf_tmp)) != RFL_OK)
    rfl_atomic_discard(o->tmp);
  if (st != RFL_OK) {
    free_writer(o);
    return st;
  }
  int level = o->opt.deflate_level;
  if (level < -1 || level > 9) {
    st = RFL_ERROR(RFL_EUSAGE, "%s: deflate level must be -1 (none) or 0..9, found %d", path, level);
    free_writer(o);
    return st;
  }
  o->deflate = level == 0 ? DEFAULT_DEFLATE : level;

  quiet_state q;
  quiet_begin(&q);
  hid_t fapl = H5I_INVALID_HID, fcpl = H5I_INVALID_HID, root = H5I_INVALID_HID;
  if (o->deflate >= 0 && (H5Zfilter_avail(H5Z_FILTER_DEFLATE) <= 0 ||
                          H5Zfilter_avail(H5Z_FILTER_SHUFFLE) <= 0))
    o->deflate = -1; /* an HDF5 built without zlib: chunked, uncompressed */
  /* Create the file ourselves first so that a bad directory gives the system's reason. */
  int fd = open(o->tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    st = RFL_ERROR(RFL_EIO, "%s: cannot create the temporary file %s: %s", path, o->tmp,
                   strerror(errno));
    goto cleanup;
  }
  close(fd);
  if ((fapl = H5Pcreate(H5P_FILE_ACCESS)) < 0 || H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0 ||
      H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_LATEST) < 0 ||
      (fcpl = H5Pcreate(H5P_FILE_CREATE)) < 0 || H5Pset_obj_track_times(fcpl, 0) < 0 ||
      (o->file = H5Fcreate(o->tmp, H5F_ACC_TRUNC, fcpl, fapl)) < 0) {
    st = FAIL(o, "create the HDF5 file %s", o->tmp);
    goto cleanup;
  }
  if ((root = H5Gopen2(o->file, "/", H5P_DEFAULT)) < 0) {
    st = FAIL(o, "open the root group");
    goto cleanup;
  }
  if ((st = attr_str(o, root, "/", "program", "rflesion")) != RFL_OK ||
      (st = write_provenance(o, root)) != RFL_OK ||
      (st = attr_str(o, root, "/", "format", "rflesion-h5")) != RFL_OK ||
      (st = attr_i32(o, root, "/", "format_version", RFL_H5OUT_FORMAT_VERSION)) != RFL_OK ||
      (st = attr_str(o, root, "/", "layout",
                     "fields (nz, ny, nx), x fastest, cell-centred; coordinates in mm; every "
                     "dataset has a units attribute")) != RFL_OK)
    goto cleanup;
cleanup:
  H5E_BEGIN_TRY {
    if (root >= 0) H5Gclose(root);
    if (fcpl >= 0) H5Pclose(fcpl);
    if (fapl >= 0) H5Pclose(fapl);
    if (st != RFL_OK && o->file >= 0) H5Fclose(o->file);
  }
  H5E_END_TRY;
  quiet_end(&q);
  if (st != RFL_OK) {
    if (fd >= 0) remove(o->tmp);
    rfl_atomic_discard(o->tmp);
    rfl_atomic_discard(o->xmf_tmp);
    free_writer(o);
    return st;
  }
  *out = o;
  return RFL_OK;
}

/* ---- /case --------------------------------------------------------------------------------- */

typedef struct {
  int32_t index;
  char name[RFL_NAME_MAX];
  char kind[8];
  double rho_kg_per_m3, c_J_per_kg_K, k_W_per_m_K, dk_dT_per_K, sigma_S_per_m, dsigma_dT_per_K,
      perfusion_per_s, q_met_W_per_m3, arrhenius_A_per_s, arrhenius_Ea_J_per_mol;
} material_rec;

static const column material_cols[] = {
    COL(material_rec, index, COL_I32, "-"),
    COL(material_rec, name, COL_STR, "-"),
    COL(material_rec, kind, COL_STR, "-"),
    COL(material_rec, rho_kg_per_m3, COL_F64, "kg/m^3"),
    COL(material_rec, c_J_per_kg_K, COL_F64, "J/(kg K)"),
    COL(material_rec, k_W_per_m_K, COL_F64, "W/(m K)"),
    COL(material_rec, dk_dT_per_K, COL_F64, "1/K"),
    COL(material_rec, sigma_S_per_m, COL_F64, "S/m"),
    COL(material_rec, dsigma_dT_per_K, COL_F64, "1/K"),
    COL(material_rec, perfusion_per_s, COL_F64, "1/s"),
    COL(material_rec, q_met_W_per_m3, COL_F64, "W/m^3"),
    COL(material_rec, arrhenius_A_per_s, COL_F64, "1/s"),
    COL(material_rec, arrhenius_Ea_J_per_mol, COL_F64, "J/mol"),
};

typedef struct {
  char name[RFL_NAME_MAX];
  char role[8];
  int32_t gauge;
  double radius_mm, tip_length_mm;
  char tip_shape[8];
  double tip_x_mm, tip_y_mm, tip_z_mm, direction_x, direction_y, direction_z, shaft_length_mm;
  char material[RFL_NAME_MAX];
  uint8_t cooled;
  double coolant_C, cooling_h_W_per_m2_K;
} probe_rec;

static const column probe_cols[] = {
    COL(probe_rec, name, COL_STR, "-"),
    COL(probe_rec, role, COL_STR, "-"),
    COL(probe_rec, gauge, COL_I32, "-"),
    COL(probe_rec, radius_mm, COL_F64, "mm"),
    COL(probe_rec, tip_length_mm, COL_F64, "mm"),
    COL(probe_rec, tip_shape, COL_STR, "-"),
    COL(probe_rec, tip_x_mm, COL_F64, "mm"),
    COL(probe_rec, tip_y_mm, COL_F64, "mm"),
    COL(probe_rec, tip_z_mm, COL_F64, "mm"),
    COL(probe_rec, direction_x, COL_F64, "1"),
    COL(probe_rec, direction_y, COL_F64, "1"),
    COL(probe_rec, direction_z, COL_F64, "1"),
    COL(probe_rec, shaft_length_mm, COL_F64, "mm"),
    COL(probe_rec, material, COL_STR, "-"),
    COL(probe_rec, cooled, COL_U8, "-"),
    COL(probe_rec, coolant_C, COL_F64, "C"),
    COL(probe_rec, cooling_h_W_per_m2_K, COL_F64, "W/(m^2 K)"),
};

typedef struct {
  char name[RFL_NAME_MAX];
  char shape[16];
  char material[RFL_NAME_MAX];
  char role[16];
  double threshold_C, required_margin_mm;
  int32_t line;
} case_structure_rec;

static const column case_structure_cols[] = {
    COL(case_structure_rec, name, COL_STR, "-"),
    COL(case_structure_rec, shape, COL_STR, "-"),
    COL(case_structure_rec, material, COL_STR, "-"),
    COL(case_structure_rec, role, COL_STR, "-"),
    COL(case_structure_rec, threshold_C, COL_F64, "C"),
    COL(case_structure_rec, required_margin_mm, COL_F64, "mm"),
    COL(case_structure_rec, line, COL_I32, "-"),
};

static const char *role_name(rfl_structure_role r) {
  return r == RFL_ROLE_PROTECTED ? "protected" : r == RFL_ROLE_TARGET ? "target" : "none";
}

static const char *material_name(const rfl_case *c, int m) {
  return m >= 0 && m < c->nmaterials ? c->materials[m].name : "";
}

static rfl_status case_ini_text(const rfl_case *c, char **text) {
  size_t len = 0;
  *text = NULL;
  FILE *f = open_memstream(text, &len);
  if (!f) return RFL_ERROR(RFL_ENOMEM, "out of memory for the resolved case text");
  rfl_status st = rfl_case_write(f, c);
  if (fclose(f) != 0 && st == RFL_OK)
    st = RFL_ERROR(RFL_ENOMEM, "out of memory for the resolved case text");
  if (st != RFL_OK) {
    free(*text);
    *text = NULL;
  }
  return st;
}

static rfl_status write_case_tables(const rfl_h5out *o, hid_t g, const rfl_case *c) {
  rfl_status st;
  material_rec mats[RFL_MAX_MATERIALS];
  memset(mats, 0, sizeof mats);
  for (int m = 0; m < c->nmaterials && m < RFL_MAX_MATERIALS; ++m) {
    const rfl_material *s = &c->materials[m];
    material_rec *r = &mats[m];
    r->index = m;
    snprintf(r->name, sizeof r->name, "%s", s->name);
    snprintf(r->kind, sizeof r->kind, "%s", s->kind == RFL_MATERIAL_METAL ? "metal" : "tissue");
    r->rho_kg_per_m3 = s->rho;
    r->c_J_per_kg_K = s->c;
    r->k_W_per_m_K = s->k;
    r->dk_dT_per_K = s->dk_dT;
    r->sigma_S_per_m = s->sigma;
    r->dsigma_dT_per_K = s->dsigma_dT;
    r->perfusion_per_s = s->perfusion;
    r->q_met_W_per_m3 = s->q_met;
    r->arrhenius_A_per_s = s->arrhenius_A;
    r->arrhenius_Ea_J_per_mol = s->arrhenius_Ea;
  }
  if ((st = table_write(o, g, "/case", "materials", material_cols, NCOLS(material_cols),
                        sizeof mats[0], mats, (size_t)c->nmaterials,
                        "materials of the case, indexed by the /grid/material label")) != RFL_OK)
    return st;

  probe_rec probes[RFL_MAX_PROBES];
  memset(probes, 0, sizeof probes);
  for (int p = 0; p < c->nprobes && p < RFL_MAX_PROBES; ++p) {
    const rfl_probe *s = &c->probes[p];
    probe_rec *r = &probes[p];
    snprintf(r->name, sizeof r->name, "%s", s->name);
    snprintf(r->role, sizeof r->role, "%s", s->role == RFL_PROBE_RETURN ? "return" : "active");
    r->gauge = s->gauge;
    r->radius_mm = 1e3 * s->radius;
    r->tip_length_mm = 1e3 * s->tip_length;
    snprintf(r->tip_shape, sizeof r->tip_shape, "%s", s->tip_shape == RFL_TIP_FLAT ? "flat" : "round");
    r->tip_x_mm = 1e3 * s->tip.x;
    r->tip_y_mm = 1e3 * s->tip.y;
    r->tip_z_mm = 1e3 * s->tip.z;
    r->direction_x = s->direction.x;
    r->direction_y = s->direction.y;
    r->direction_z = s->direction.z;
    r->shaft_length_mm = 1e3 * s->shaft_length;
    snprintf(r->material, sizeof r->material, "%s", material_name(c, s->material));
    r->cooled = (uint8_t)(s->cooled != 0);
    r->coolant_C = s->coolant_C;
    r->cooling_h_W_per_m2_K = s->cooling_h;
  }
  if ((st = table_write(o, g, "/case", "probes", probe_cols, NCOLS(probe_cols), sizeof probes[0],
                        probes, (size_t)c->nprobes,
                        "probes: index = /grid/probe label of their electrode cells")) != RFL_OK)
    return st;

  case_structure_rec *rs = calloc(RFL_MAX_STRUCTURES, sizeof *rs);
  if (!rs) return RFL_ERROR(RFL_ENOMEM, "%s: out of memory for the structure table", o->path);
  for (int k = 0; k < c->nstructures && k < RFL_MAX_STRUCTURES; ++k) {
    const rfl_structure *s = &c->structures[k];
    snprintf(rs[k].name, sizeof rs[k].name, "%s", s->name);
    snprintf(rs[k].shape, sizeof rs[k].shape, "%s", rfl_shape_kind_name(s->shape.kind));
    snprintf(rs[k].material, sizeof rs[k].material, "%s", material_name(c, s->material));
    snprintf(rs[k].role, sizeof rs[k].role, "%s", role_name(s->role));
    rs[k].threshold_C = s->threshold_C;
    rs[k].required_margin_mm = 1e3 * s->margin;
    rs[k].line = s->line;
  }
  st = table_write(o, g, "/case", "structures", case_structure_cols, NCOLS(case_structure_cols),
                   sizeof rs[0], rs, (size_t)c->nstructures,
                   "structures in file order (geometry: see the ini attribute of /case)");
  free(rs);
  return st;
}

/* One group of /case attributes: a section's keys, named and in the units of the case file
 * (the reader's key table drives it; [case] keys go on /case itself). */
typedef struct {
  const rfl_h5out *o;
  hid_t parent, group;       /* group: created at the section's first key */
  char where[64];
} case_section_writer;

static rfl_status case_key_attr(const rfl_case_value *v, void *ctx) {
  case_section_writer *w = ctx;
  rfl_status st;
  if (w->group < 0) {
    if (strcmp(v->section, "case") == 0) {
      snprintf(w->where, sizeof w->where, "/case");
      w->group = w->parent;
    } else {
      snprintf(w->where, sizeof w->where, "/case/%s", v->section);
      if ((st = group_create(w->o, w->parent, v->section, w->where, &w->group)) != RFL_OK) return st;
    }
  }
  switch (v->kind) {
    case RFL_CASE_VALUE_NUMBER: return attr_f64(w->o, w->group, w->where, v->key, v->number[0]);
    case RFL_CASE_VALUE_INTEGER: return attr_i32(w->o, w->group, w->where, v->key, (int)v->number[0]);
    case RFL_CASE_VALUE_VECTOR:
    case RFL_CASE_VALUE_NUMBERS:
      return attr_f64v(w->o, w->group, w->where, v->key, v->number, (size_t)v->count);
    case RFL_CASE_VALUE_TEXT: break;
  }
  return attr_str(w->o, w->group, w->where, v->key, v->text);
}

static rfl_status write_case_sections(const rfl_h5out *o, hid_t g, const rfl_case *c) {
  rfl_status st = RFL_OK;
  for (int i = 0; rfl_case_unnamed_sections[i] && st == RFL_OK; ++i) {
    case_section_writer w = {o, g, H5I_INVALID_HID, ""};
    st = rfl_case_section_values(c, rfl_case_unnamed_sections[i], case_key_attr, &w);
    if (w.group != g) close_group(&w.group);
  }
  return st;
}

static rfl_status write_case(const rfl_h5out *o, const rfl_case *c) {
  rfl_status st = RFL_OK;
  hid_t g = H5I_INVALID_HID;
  char *ini = NULL;
  uint64_t h = 0;
  char hash[17];
  if ((st = rfl_case_hash(c, &h)) != RFL_OK) return st;
  rfl_case_hash_text(h, hash);
  if ((st = case_ini_text(c, &ini)) != RFL_OK) goto cleanup;
  if ((st = group_create(o, o->file, "case", "/case", &g)) != RFL_OK ||
      (st = attr_str(o, g, "/case", "ini", ini)) != RFL_OK ||
      (st = attr_str(o, g, "/case", "path", c->path)) != RFL_OK ||
      (st = attr_str(o, g, "/case", "rflesion_version", RFL_VERSION_FULL)) != RFL_OK ||
      (st = attr_str(o, o->file, "/", "case_hash", hash)) != RFL_OK ||
      (st = write_case_sections(o, g, c)) != RFL_OK || (st = write_case_tables(o, g, c)) != RFL_OK)
    goto cleanup;
cleanup:
  close_group(&g);
  free(ini);
  return st;
}

/* ---- /grid --------------------------------------------------------------------------------- */

static rfl_status write_labels(const rfl_h5out *o, hid_t g, const rfl_geometry *geo,
                               const rfl_case *c) {
  rfl_status st = RFL_OK;
  hid_t dset = H5I_INVALID_HID;
  uint8_t *lab = o->buf;
  dataset_spec d = {NULL, "-", NULL, H5T_STD_U8LE, H5T_NATIVE_UINT8, 3,
                    {(hsize_t)o->n[2], (hsize_t)o->n[1], (hsize_t)o->n[0]}, 1};

  for (size_t i = 0; i < o->ncells; ++i) lab[i] = geo->label[i].material;
  d.name = "material";
  d.description = "material index per cell (names: attribute names; /case/materials)";
  if ((st = dataset_write(o, g, "/grid", &d, lab, &dset)) != RFL_OK) goto cleanup;
  char names[RFL_MAX_MATERIALS][RFL_NAME_MAX], kinds[RFL_MAX_MATERIALS][8];
  memset(names, 0, sizeof names);
  memset(kinds, 0, sizeof kinds);
  int nm = c->nmaterials > RFL_MAX_MATERIALS ? RFL_MAX_MATERIALS : c->nmaterials;
  for (int m = 0; m < nm; ++m) {
    snprintf(names[m], sizeof names[m], "%s", c->materials[m].name);
    snprintf(kinds[m], sizeof kinds[m], "%s",
             c->materials[m].kind == RFL_MATERIAL_METAL ? "metal" : "tissue");
  }
  if ((st = attr_strv(o, dset, "/grid/material", "names", names[0], sizeof names[0], (size_t)nm)) != RFL_OK ||
      (st = attr_strv(o, dset, "/grid/material", "kinds", kinds[0], sizeof kinds[0], (size_t)nm)) != RFL_OK)
    goto cleanup;
  if ((st = close_dataset(o, &dset, "/grid/material")) != RFL_OK) goto cleanup;

  for (size_t i = 0; i < o->ncells; ++i) lab[i] = geo->label[i].part;
  d.name = "part";
  d.description = "0 tissue, 1 active electrode tip, 2 insulated shaft";
  if ((st = dataset_write(o, g, "/grid", &d, lab, &dset)) != RFL_OK) goto cleanup;
  const char parts[3][8] = {"tissue", "active", "shaft"};
  if ((st = attr_strv(o, dset, "/grid/part", "names", parts[0], sizeof parts[0], 3)) != RFL_OK)
    goto cleanup;
  if ((st = close_dataset(o, &dset, "/grid/part")) != RFL_OK) goto cleanup;

  int8_t *probe = o->buf;
  for (size_t i = 0; i < o->ncells; ++i)
    probe[i] = geo->label[i].part != RFL_PART_TISSUE ? (int8_t)geo->label[i].probe : -1;
  d.name = "probe";
  d.description = "probe index (row of /case/probes) of electrode cells (part > 0), -1 elsewhere";
  d.filetype = H5T_STD_I8LE;
  d.memtype = H5T_NATIVE_INT8;
  st = dataset_write(o, g, "/grid", &d, probe, NULL);
cleanup:
  H5E_BEGIN_TRY {
    if (dset >= 0) H5Dclose(dset);
  }
  H5E_END_TRY;
  return st;
}

static rfl_status write_grid(rfl_h5out *o, const rfl_grid *grid, const rfl_geometry *geo,
                             const rfl_case *c) {
  rfl_status st = RFL_OK;
  hid_t g = H5I_INVALID_HID, f = H5I_INVALID_HID;
  double *v = NULL;
  int nmax = grid->n[0] > grid->n[1] ? grid->n[0] : grid->n[1];
  if (grid->n[2] > nmax) nmax = grid->n[2];
  if (!(v = malloc(((size_t)nmax + 1) * sizeof *v)) ||
      !(o->buf = malloc(grid->ncells * sizeof(double)))) {
    st = RFL_ERROR(RFL_ENOMEM, "%s: out of memory for %zu cells", o->path, grid->ncells);
    goto cleanup;
  }
  for (int a = 0; a < 3; ++a) o->n[a] = grid->n[a];
  o->ncells = grid->ncells;
  o->nelectrode = 0;
  for (size_t i = 0; i < grid->ncells; ++i) o->nelectrode += geo->label[i].part != RFL_PART_TISSUE;
  if (!(o->part = malloc(grid->ncells)) ||
      !(o->queue = malloc((o->nelectrode ? o->nelectrode : 1) * sizeof *o->queue))) {
    st = RFL_ERROR(RFL_ENOMEM, "%s: out of memory for %zu cells", o->path, grid->ncells);
    goto cleanup;
  }
  for (size_t i = 0; i < grid->ncells; ++i) o->part[i] = geo->label[i].part;

  if ((st = group_create(o, o->file, "grid", "/grid", &g)) != RFL_OK) goto cleanup;
  int32_t cells[3] = {grid->n[0], grid->n[1], grid->n[2]};
  if ((st = attr_i32v(o, g, "/grid", "cells_xyz", cells, 3)) != RFL_OK ||
      (st = attr_str(o, g, "/grid", "order",
                     "cell arrays are (nz, ny, nx), x fastest; cell (i, j, k) spans "
                     "[x_mm[i], x_mm[i+1]] x [y_mm[j], y_mm[j+1]] x [z_mm[k], z_mm[k+1]]")) != RFL_OK)
    goto cleanup;
  static const char *const face_names[3] = {"x_mm", "y_mm", "z_mm"};
  static const char *const centre_names[3] = {"xc_mm", "yc_mm", "zc_mm"};
  static const char *const width_names[3] = {"dx_mm", "dy_mm", "dz_mm"};
  for (int a = 0; a < 3; ++a) {
    int n = grid->n[a];
    for (int i = 0; i <= n; ++i) v[i] = 1e3 * grid->xf[a][i];
    if ((st = write_f64_1d(o, g, "/grid", face_names[a], v, (size_t)n + 1, "mm",
                           "face (node) coordinates, n + 1")) != RFL_OK)
      goto cleanup;
    for (int i = 0; i < n; ++i) v[i] = 1e3 * grid->xc[a][i];
    if ((st = write_f64_1d(o, g, "/grid", centre_names[a], v, (size_t)n, "mm",
                           "cell-centre coordinates, n")) != RFL_OK)
      goto cleanup;
    for (int i = 0; i < n; ++i) v[i] = 1e3 * grid->dx[a][i];
    if ((st = write_f64_1d(o, g, "/grid", width_names[a], v, (size_t)n, "mm", "cell widths, n")) != RFL_OK)
      goto cleanup;
  }
  if ((st = write_labels(o, g, geo, c)) != RFL_OK) goto cleanup;
  if ((st = group_create(o, o->file, "fields", "/fields", &f)) != RFL_OK) goto cleanup;
  st = write_case(o, c);
cleanup:
  close_group(&f);
  close_group(&g);
  free(v);
  return st;
}

rfl_status rfl_h5out_write_grid(rfl_h5out *out, const rfl_grid *grid, const rfl_geometry *geo,
                                const rfl_case *c) {
  if (out->status != RFL_OK) return reraise(out);
  if (out->have_grid)
    return RFL_ERROR(RFL_EUSAGE, "%s: the grid was already written", out->path);
  if (!grid || !geo || !c || grid->ncells == 0)
    return RFL_ERROR(RFL_EUSAGE, "%s: write_grid needs a grid, its geometry and the case", out->path);
  quiet_state q;
  quiet_begin(&q);
  rfl_status st = write_grid(out, grid, geo, c);
  quiet_end(&q);
  if (st == RFL_OK) out->have_grid = 1;
  return poison(out, st);
}

/* ---- /fields ------------------------------------------------------------------------------- */

/* The field (times scale) into the scratch buffer in the stored precision. */
static void to_buffer(rfl_h5out *o, const double *src, double scale) {
  if (o->opt.double_precision) {
    double *d = o->buf;
    for (size_t i = 0; i < o->ncells; ++i) d[i] = scale * src[i];
  } else {
    float *d = o->buf;
    for (size_t i = 0; i < o->ncells; ++i) {
      double x = scale * src[i];
      d[i] = x > FLT_MAX ? FLT_MAX : x < -FLT_MAX ? -FLT_MAX : (float)x; /* NaN passes */
    }
  }
}

/* The lesion mask into the scratch buffer: 1 in tissue cells with Omega >= 1; an electrode
 * cell takes the value of the nearest tissue cell (breadth-first over face neighbours, from
 * the electrode's surface inwards), so that the needle inside the lesion is inside the
 * mask, and an iso-surface at 0.5 follows the lesion without ringing the electrode (whose
 * Omega is 0). */
static void lesion_mask(rfl_h5out *o, const double *omega) {
  enum { UNSET = 255 };
  uint8_t *m = o->buf;
  const size_t nx = (size_t)o->n[0], nxy = nx * (size_t)o->n[1];
  size_t head = 0, tail = 0;
  for (size_t i = 0; i < o->ncells; ++i) m[i] = o->part[i] == RFL_PART_TISSUE ? omega[i] >= 1.0 : UNSET;
  for (int pass = 0; pass < 2; ++pass) {
    /* pass 0 seeds the electrode cells next to tissue; pass 1 spreads inwards */
    size_t end = pass ? o->nelectrode : o->ncells;
    for (size_t q = 0; q < end && (pass == 0 || head < tail); ++q) {
      size_t i = pass ? o->queue[head++] : q;
      if (!pass && m[i] != UNSET) continue;
      const int ijk[3] = {(int)(i % nx), (int)(i / nx % (size_t)o->n[1]), (int)(i / nxy)};
      const size_t stride[3] = {1, nx, nxy};
      int seen = 0, value = 0;
      for (int a = 0; a < 3; ++a)
        for (int dir = -1; dir <= 1; dir += 2) {
          if (ijk[a] + dir < 0 || ijk[a] + dir >= o->n[a]) continue;
          size_t j = dir < 0 ? i - stride[a] : i + stride[a];
          if (!pass && o->part[j] == RFL_PART_TISSUE) seen = 1, value |= m[j];
          if (pass && m[j] == UNSET) m[j] = m[i], o->queue[tail++] = j;
        }
      if (!pass && seen) m[i] = (uint8_t)value, o->queue[tail++] = i;
    }
  }
  for (size_t i = 0; i < o->ncells; ++i)
    if (m[i] == UNSET) m[i] = 0; /* an electrode without tissue around it */
}

static rfl_status write_fields(rfl_h5out *o, const rfl_field_view *v, const char *name) {
  rfl_status st = RFL_OK;
  hid_t g = H5I_INVALID_HID;
  char where[64];
  snprintf(where, sizeof where, "/fields/%s", name);
  if ((st = group_create(o, o->file, where, where, &g)) != RFL_OK ||
      (st = attr_f64(o, g, where, "time_s", v->t)) != RFL_OK ||
      (st = attr_f64(o, g, where, "voltage_V", v->voltage)) != RFL_OK)
    goto cleanup;
  const struct {
    const char *name, *units, *desc;
    const double *data;
    double scale;
  } fields[] = {
      {"temperature_C", "C", "temperature", v->temperature, 1.0},
      {"peak_temperature_C", "C", "highest temperature so far", v->peak_temperature, 1.0},
      {"omega", "1", "Arrhenius damage integral (lesion where >= 1)", v->omega, 1.0},
      {"cem43_min", "min", "cumulative equivalent minutes at 43 C", v->cem43, 1.0},
      {"potential_V", "V", "electric potential (unit potential x tip voltage)", v->unit_potential,
       v->voltage},
  };
  hid_t ft = o->opt.double_precision ? H5T_IEEE_F64LE : H5T_IEEE_F32LE;
  hid_t mt = o->opt.double_precision ? H5T_NATIVE_DOUBLE : H5T_NATIVE_FLOAT;
  for (size_t k = 0; k < sizeof fields / sizeof fields[0]; ++k) {
    to_buffer(o, fields[k].data, fields[k].scale);
    dataset_spec d = {fields[k].name, fields[k].units, fields[k].desc, ft, mt, 3,
                      {(hsize_t)o->n[2], (hsize_t)o->n[1], (hsize_t)o->n[0]}, 1};
    if ((st = dataset_write(o, g, where, &d, o->buf, NULL)) != RFL_OK) goto cleanup;
  }
  lesion_mask(o, v->omega);
  dataset_spec d = {"lesion", "-",
                    "1 in the lesion (tissue with omega >= 1; electrode cells take the value of "
                    "the nearest tissue cell), 0 elsewhere",
                    H5T_STD_U8LE, H5T_NATIVE_UINT8, 3,
                    {(hsize_t)o->n[2], (hsize_t)o->n[1], (hsize_t)o->n[0]}, 1};
  st = dataset_write(o, g, where, &d, o->buf, NULL);
cleanup:
  close_group(&g);
  return st;
}

rfl_status rfl_h5out_write_fields(rfl_h5out *out, const rfl_field_view *view) {
  if (out->status != RFL_OK) return reraise(out);
  if (!out->have_grid)
    return RFL_ERROR(RFL_EUSAGE, "%s: write the grid before the fields", out->path);
  if (!view || !view->grid || !view->temperature || !view->peak_temperature || !view->omega ||
      !view->cem43 || !view->unit_potential)
    return RFL_ERROR(RFL_EUSAGE, "%s: incomplete field view", out->path);
  for (int a = 0; a < 3; ++a)
    if (view->grid->n[a] != out->n[a])
      return RFL_ERROR(RFL_EUSAGE, "%s: field view on a %d x %d x %d grid, file grid %d x %d x %d",
                       out->path, view->grid->n[0], view->grid->n[1], view->grid->n[2], out->n[0],
                       out->n[1], out->n[2]);
  if (!(view->t >= 0.0 && view->t < 1e9))
    return RFL_ERROR(RFL_EUSAGE, "%s: field time %g s out of range", out->path, view->t);
  snapshot s;
  s.t = view->t;
  snprintf(s.name, sizeof s.name, "t_%07.3f", view->t);
  for (size_t i = 0; i < out->nsnaps; ++i)
    if (strcmp(out->snaps[i].name, s.name) == 0)
      return RFL_ERROR(RFL_EUSAGE, "%s: fields at t = %.3f s were already written (%s)", out->path,
                       view->t, s.name);
  if (out->nsnaps == out->capsnaps) {
    size_t cap = out->capsnaps ? 2 * out->capsnaps : 16;
    snapshot *p = realloc(out->snaps, cap * sizeof *p);
    if (!p) return poison(out, RFL_ERROR(RFL_ENOMEM, "%s: out of memory", out->path));
    out->snaps = p;
    out->capsnaps = cap;
  }
  quiet_state q;
  quiet_begin(&q);
  rfl_status st = write_fields(out, view, s.name);
  quiet_end(&q);
  if (st == RFL_OK) out->snaps[out->nsnaps++] = s;
  return poison(out, st);
}

/* ---- /series ------------------------------------------------------------------------------- */

static rfl_status write_series(rfl_h5out *o, const rfl_sample *smp, size_t n) {
  rfl_status st = RFL_OK;
  hid_t g = H5I_INVALID_HID;
  double *v = malloc((n ? n : 1) * sizeof *v);
  int32_t *iv = malloc((n ? n : 1) * sizeof *iv);
  if (!v || !iv) {
    st = RFL_ERROR(RFL_ENOMEM, "%s: out of memory for %zu samples", o->path, n);
    goto cleanup;
  }
  if ((st = group_create(o, o->file, "series", "/series", &g)) != RFL_OK ||
      (st = attr_str(o, g, "/series", "description", "one value per time step, at its end")) != RFL_OK)
    goto cleanup;
  const struct {
    const char *name, *units, *desc;
    size_t offset;
  } cols[] = {
      {"t_s", "s", "time at the end of the step", offsetof(rfl_sample, t)},
      {"voltage_V", "V", "tip voltage", offsetof(rfl_sample, voltage)},
      {"current_A", "A", "current", offsetof(rfl_sample, current)},
      {"power_W", "W", "delivered power", offsetof(rfl_sample, power)},
      {"impedance_ohm", "ohm", "impedance (inf without a current path)", offsetof(rfl_sample, impedance)},
      {"thermocouple_C", "C", "tip thermocouple reading", offsetof(rfl_sample, thermocouple_C)},
      {"setpoint_C", "C", "generator set point", offsetof(rfl_sample, setpoint_C)},
      {"tissue_max_C", "C", "hottest tissue cell", offsetof(rfl_sample, tissue_max_C)},
  };
  for (size_t k = 0; k < sizeof cols / sizeof cols[0]; ++k) {
    for (size_t i = 0; i < n; ++i) memcpy(&v[i], (const char *)&smp[i] + cols[k].offset, sizeof(double));
    if ((st = write_f64_1d(o, g, "/series", cols[k].name, v, n, cols[k].units, cols[k].desc)) != RFL_OK)
      goto cleanup;
  }
  dataset_spec d = {"rf_on", "-", "1 if RF was applied over the step", H5T_STD_U8LE,
                    H5T_NATIVE_UINT8, 1, {n, 0, 0}, n > 4096};
  uint8_t *u = (uint8_t *)iv;
  for (size_t i = 0; i < n; ++i) u[i] = (uint8_t)(smp[i].rf_on != 0);
  if ((st = dataset_write(o, g, "/series", &d, u, NULL)) != RFL_OK) goto cleanup;
  for (size_t i = 0; i < n; ++i) iv[i] = smp[i].iterations;
  dataset_spec di = {"iterations", "-", "linear-solver iterations of the step", H5T_STD_I32LE,
                     H5T_NATIVE_INT32, 1, {n, 0, 0}, n > 4096};
  st = dataset_write(o, g, "/series", &di, iv, NULL);
cleanup:
  close_group(&g);
  free(v);
  free(iv);
  return st;
}

rfl_status rfl_h5out_write_series(rfl_h5out *out, const rfl_sample *samples, size_t n) {
  if (out->status != RFL_OK) return reraise(out);
  if (out->have_series) return RFL_ERROR(RFL_EUSAGE, "%s: the series was already written", out->path);
  if (n > 0 && !samples) return RFL_ERROR(RFL_EUSAGE, "%s: no samples", out->path);
  quiet_state q;
  quiet_begin(&q);
  rfl_status st = write_series(out, samples, n);
  quiet_end(&q);
  if (st == RFL_OK) out->have_series = 1;
  return poison(out, st);
}

/* ---- /summary ------------------------------------------------------------------------------ */

typedef struct {
  double time_s;
  uint8_t lesion_found;
  double lesion_width_mm, lesion_length_mm, lesion_distal_mm, lesion_volume_mm3;
  double isotherm_C;
  uint8_t isotherm_found;
  double isotherm_width_mm, isotherm_length_mm, isotherm_distal_mm, isotherm_volume_mm3;
  double final_time_s;
  uint8_t final_lesion_found;
  double final_lesion_width_mm, final_lesion_length_mm, final_lesion_distal_mm, final_lesion_volume_mm3;
  uint8_t final_isotherm_found;
  double final_isotherm_width_mm, final_isotherm_length_mm, final_isotherm_distal_mm,
      final_isotherm_volume_mm3;
  double voltage_V, current_A, power_W, impedance_ohm, thermocouple_C, thermocouple_max_C;
  double peak_tissue_end_C, peak_tissue_run_C, peak_tissue_run_time_s;
  double energy_electrical_J, energy_metabolic_J, energy_stored_J, energy_boundary_J,
      energy_perfusion_J, energy_cooling_J;
  int32_t nflags, protected_overlap, protected_within_margin, protected_over_threshold,
      target_not_covered;
  int64_t cells, steps;
  int32_t threads;
  double wall_s, setup_s;
} metrics_rec;

static const column metrics_cols[] = {
    COL(metrics_rec, time_s, COL_F64, "s"),
    COL(metrics_rec, lesion_found, COL_U8, "-"),
    COL(metrics_rec, lesion_width_mm, COL_F64, "mm"),
    COL(metrics_rec, lesion_length_mm, COL_F64, "mm"),
    COL(metrics_rec, lesion_distal_mm, COL_F64, "mm"),
    COL(metrics_rec, lesion_volume_mm3, COL_F64, "mm^3"),
    COL(metrics_rec, isotherm_C, COL_F64, "C"),
    COL(metrics_rec, isotherm_found, COL_U8, "-"),
    COL(metrics_rec, isotherm_width_mm, COL_F64, "mm"),
    COL(metrics_rec, isotherm_length_mm, COL_F64, "mm"),
    COL(metrics_rec, isotherm_distal_mm, COL_F64, "mm"),
    COL(metrics_rec, isotherm_volume_mm3, COL_F64, "mm^3"),
    COL(metrics_rec, final_time_s, COL_F64, "s"),
    COL(metrics_rec, final_lesion_found, COL_U8, "-"),
    COL(metrics_rec, final_lesion_width_mm, COL_F64, "mm"),
    COL(metrics_rec, final_lesion_length_mm, COL_F64, "mm"),
    COL(metrics_rec, final_lesion_distal_mm, COL_F64, "mm"),
    COL(metrics_rec, final_lesion_volume_mm3, COL_F64, "mm^3"),
    COL(metrics_rec, final_isotherm_found, COL_U8, "-"),
    COL(metrics_rec, final_isotherm_width_mm, COL_F64, "mm"),
    COL(metrics_rec, final_isotherm_length_mm, COL_F64, "mm"),
    COL(metrics_rec, final_isotherm_distal_mm, COL_F64, "mm"),
    COL(metrics_rec, final_isotherm_volume_mm3, COL_F64, "mm^3"),
    COL(metrics_rec, voltage_V, COL_F64, "V"),
    COL(metrics_rec, current_A, COL_F64, "A"),
    COL(metrics_rec, power_W, COL_F64, "W"),
    COL(metrics_rec, impedance_ohm, COL_F64, "ohm"),
    COL(metrics_rec, thermocouple_C, COL_F64, "C"),
    COL(metrics_rec, thermocouple_max_C, COL_F64, "C"),
    COL(metrics_rec, peak_tissue_end_C, COL_F64, "C"),
    COL(metrics_rec, peak_tissue_run_C, COL_F64, "C"),
    COL(metrics_rec, peak_tissue_run_time_s, COL_F64, "s"),
    COL(metrics_rec, energy_electrical_J, COL_F64, "J"),
    COL(metrics_rec, energy_metabolic_J, COL_F64, "J"),
    COL(metrics_rec, energy_stored_J, COL_F64, "J"),
    COL(metrics_rec, energy_boundary_J, COL_F64, "J"),
    COL(metrics_rec, energy_perfusion_J, COL_F64, "J"),
    COL(metrics_rec, energy_cooling_J, COL_F64, "J"),
    COL(metrics_rec, nflags, COL_I32, "-"),
    COL(metrics_rec, protected_overlap, COL_I32, "-"),
    COL(metrics_rec, protected_within_margin, COL_I32, "-"),
    COL(metrics_rec, protected_over_threshold, COL_I32, "-"),
    COL(metrics_rec, target_not_covered, COL_I32, "-"),
    COL(metrics_rec, cells, COL_I64, "-"),
    COL(metrics_rec, steps, COL_I64, "-"),
    COL(metrics_rec, threads, COL_I32, "-"),
    COL(metrics_rec, wall_s, COL_F64, "s"),
    COL(metrics_rec, setup_s, COL_F64, "s"),
};

typedef struct {
  char snapshot[16];
  double time_s;
  uint8_t lesion_found;
  double lesion_width_mm, lesion_length_mm, lesion_distal_mm, lesion_volume_mm3;
  uint8_t isotherm_found;
  double isotherm_width_mm, isotherm_length_mm, isotherm_distal_mm, isotherm_volume_mm3;
} lesion_rec;

static const column lesion_cols[] = {
    COL(lesion_rec, snapshot, COL_STR, "-"),
    COL(lesion_rec, time_s, COL_F64, "s"),
    COL(lesion_rec, lesion_found, COL_U8, "-"),
    COL(lesion_rec, lesion_width_mm, COL_F64, "mm"),
    COL(lesion_rec, lesion_length_mm, COL_F64, "mm"),
    COL(lesion_rec, lesion_distal_mm, COL_F64, "mm"),
    COL(lesion_rec, lesion_volume_mm3, COL_F64, "mm^3"),
    COL(lesion_rec, isotherm_found, COL_U8, "-"),
    COL(lesion_rec, isotherm_width_mm, COL_F64, "mm"),
    COL(lesion_rec, isotherm_length_mm, COL_F64, "mm"),
    COL(lesion_rec, isotherm_distal_mm, COL_F64, "mm"),
    COL(lesion_rec, isotherm_volume_mm3, COL_F64, "mm^3"),
};

typedef struct {
  char name[RFL_NAME_MAX];
  char role[16];
  double margin_mm, isotherm_margin_mm, required_margin_mm, peak_C, peak_time_s, max_omega,
      max_cem43_min, damaged_fraction, threshold_C, threshold_crossed_s;
  uint8_t protected_overlap, protected_within_margin, protected_over_threshold, target_not_covered;
  uint8_t margin_within_error;
  char flags[160];
} structure_rec;

static const column structure_cols[] = {
    COL(structure_rec, name, COL_STR, "-"),
    COL(structure_rec, role, COL_STR, "-"),
    COL(structure_rec, margin_mm, COL_F64, "mm"),
    COL(structure_rec, isotherm_margin_mm, COL_F64, "mm"),
    COL(structure_rec, required_margin_mm, COL_F64, "mm"),
    COL(structure_rec, peak_C, COL_F64, "C"),
    COL(structure_rec, peak_time_s, COL_F64, "s"),
    COL(structure_rec, max_omega, COL_F64, "1"),
    COL(structure_rec, max_cem43_min, COL_F64, "min"),
    COL(structure_rec, damaged_fraction, COL_F64, "1"),
    COL(structure_rec, threshold_C, COL_F64, "C"),
    COL(structure_rec, threshold_crossed_s, COL_F64, "s"),
    COL(structure_rec, protected_overlap, COL_U8, "-"),
    COL(structure_rec, protected_within_margin, COL_U8, "-"),
    COL(structure_rec, protected_over_threshold, COL_U8, "-"),
    COL(structure_rec, target_not_covered, COL_U8, "-"),
    COL(structure_rec, margin_within_error, COL_U8, "-"),
    COL(structure_rec, flags, COL_STR, "-"),
};

/* Lesion figures as the JSON summary reports them: sizes 0 and distal NaN without a lesion. */
static void lesion_figures(const rfl_lesion_metrics *l, uint8_t *found, double *w, double *len,
                           double *distal, double *vol) {
  *found = (uint8_t)(l->found != 0);
  *w = l->found ? 1e3 * l->width : 0.0;
  *len = l->found ? 1e3 * l->length : 0.0;
  *distal = l->found ? 1e3 * l->distal : NAN;
  *vol = l->found ? 1e9 * l->volume : 0.0;
}

static void lesion_row(lesion_rec *r, const char *what, const rfl_lesion_snapshot *s) {
  snprintf(r->snapshot, sizeof r->snapshot, "%s", what);
  r->time_s = s->t;
  lesion_figures(&s->lesion, &r->lesion_found, &r->lesion_width_mm, &r->lesion_length_mm,
                 &r->lesion_distal_mm, &r->lesion_volume_mm3);
  lesion_figures(&s->isotherm, &r->isotherm_found, &r->isotherm_width_mm, &r->isotherm_length_mm,
                 &r->isotherm_distal_mm, &r->isotherm_volume_mm3);
}

/* Raised flags and findings of one kind. */
static int count_flags(const rfl_summary *s, const char *kind) {
  int n = 0;
  size_t len = strlen(kind);
  for (int i = 0; i < s->nflags && i < RFL_MAX_FLAGS; ++i)
    n += strncmp(s->flags[i], kind, len) == 0 && s->flags[i][len] == ':';
  for (int i = 0; i < s->nfindings && i < RFL_MAX_FLAGS; ++i)
    n += strncmp(s->findings[i], kind, len) == 0 && s->findings[i][len] == ':';
  return n;
}

/* A 1-D dataset of n fixed-length strings of `width` bytes each. */
static rfl_status string_array_write(const rfl_h5out *o, hid_t g, const char *where, const char *name,
                                     const char *description, const void *data, size_t width, int n) {
  dataset_spec d = {name, "-", description, H5I_INVALID_HID, H5I_INVALID_HID, 1, {(hsize_t)(n < 0 ? 0 : n), 0, 0}, 0};
  hid_t str = string_type(width);
  if (str < 0) return FAIL(o, "make the string type of %s/%s", where, name);
  d.filetype = d.memtype = str;
  rfl_status st = dataset_write(o, g, where, &d, data, NULL);
  H5E_BEGIN_TRY { H5Tclose(str); }
  H5E_END_TRY;
  return st;
}

/* The flags in words and the effectiveness findings: /summary/flag_text (one sentence per
 * /summary/flags entry), /summary/findings (KIND:structure) and /summary/finding_text, and
 * the attribute nfindings. */
static rfl_status write_flag_words(const rfl_h5out *o, hid_t g, const rfl_summary *s) {
  int nf = s->nflags < 0 ? 0 : s->nflags > RFL_MAX_FLAGS ? RFL_MAX_FLAGS : s->nflags;
  int nd = s->nfindings < 0 ? 0 : s->nfindings > RFL_MAX_FLAGS ? RFL_MAX_FLAGS : s->nfindings;
  RFL_CHECK(attr_i32(o, g, "/summary", "nfindings", nd));
  RFL_CHECK(string_array_write(o, g, "/summary", "flag_text", "the safety flags in words (rows of /summary/flags)",
                               s->flag_text, sizeof s->flag_text[0], nf));
  RFL_CHECK(string_array_write(o, g, "/summary", "findings",
                               "effectiveness findings, KIND:structure (reported; no exit code)", s->findings,
                               sizeof s->findings[0], nd));
  return string_array_write(o, g, "/summary", "finding_text", "the findings in words (rows of /summary/findings)",
                            s->finding_text, sizeof s->finding_text[0], nd);
}

static void fill_metrics(metrics_rec *m, const rfl_summary *s) {
  const rfl_case *c = s->kase;
  m->time_s = s->end_of_rf.t;
  lesion_figures(&s->end_of_rf.lesion, &m->lesion_found, &m->lesion_width_mm, &m->lesion_length_mm,
                 &m->lesion_distal_mm, &m->lesion_volume_mm3);
  m->isotherm_C = c ? c->damage.isotherm_C : NAN;
  lesion_figures(&s->end_of_rf.isotherm, &m->isotherm_found, &m->isotherm_width_mm,
                 &m->isotherm_length_mm, &m->isotherm_distal_mm, &m->isotherm_volume_mm3);
  m->final_time_s = s->final.t;
  lesion_figures(&s->final.lesion, &m->final_lesion_found, &m->final_lesion_width_mm,
                 &m->final_lesion_length_mm, &m->final_lesion_distal_mm, &m->final_lesion_volume_mm3);
  lesion_figures(&s->final.isotherm, &m->final_isotherm_found, &m->final_isotherm_width_mm,
                 &m->final_isotherm_length_mm, &m->final_isotherm_distal_mm,
                 &m->final_isotherm_volume_mm3);
  m->voltage_V = s->generator_end.voltage;
  m->current_A = s->generator_end.current;
  m->power_W = s->generator_end.power;
  m->impedance_ohm = s->generator_end.impedance;
  m->thermocouple_C = s->generator_end.thermocouple_C;
  m->thermocouple_max_C = s->thermocouple_max_C;
  m->peak_tissue_end_C = s->peak_tissue_end_C;
  m->peak_tissue_run_C = s->peak_tissue_run_C;
  m->peak_tissue_run_time_s = s->peak_tissue_run_time_s;
  m->energy_electrical_J = s->energy.electrical;
  m->energy_metabolic_J = s->energy.metabolic;
  m->energy_stored_J = s->energy.stored;
  m->energy_boundary_J = s->energy.boundary;
  m->energy_perfusion_J = s->energy.perfusion;
  m->energy_cooling_J = s->energy.cooling;
  m->nflags = s->nflags;
  m->protected_overlap = count_flags(s, "protected_overlap");
  m->protected_within_margin = count_flags(s, "protected_within_margin");
  m->protected_over_threshold = count_flags(s, "protected_over_threshold");
  m->target_not_covered = count_flags(s, "target_not_covered");
  m->cells = (int64_t)s->cells;
  m->steps = (int64_t)s->steps;
  m->threads = s->threads;
  m->wall_s = s->wall_s;
  m->setup_s = s->setup_s;
}

static void fill_structure(structure_rec *r, const rfl_structure_report *sr) {
  const rfl_structure *st = sr->structure;
  if (st) {
    snprintf(r->name, sizeof r->name, "%s", st->name);
    snprintf(r->role, sizeof r->role, "%s", role_name(st->role));
    r->required_margin_mm = 1e3 * st->margin;
    r->threshold_C = st->threshold_C;
  } else {
    r->required_margin_mm = r->threshold_C = NAN;
  }
  r->margin_mm = 1e3 * sr->margin;
  r->isotherm_margin_mm = 1e3 * sr->isotherm_margin;
  r->peak_C = sr->peak_C;
  r->peak_time_s = sr->peak_time_s;
  r->max_omega = sr->max_omega;
  r->max_cem43_min = sr->max_cem43_min;
  r->damaged_fraction = sr->damaged_fraction;
  r->threshold_crossed_s = sr->threshold_crossed_s;
  r->protected_overlap = (uint8_t)(sr->flag_overlap != 0);
  r->protected_within_margin = (uint8_t)(sr->flag_within_margin != 0);
  r->protected_over_threshold = (uint8_t)(sr->flag_threshold != 0);
  r->target_not_covered = (uint8_t)(sr->flag_not_covered != 0);
  r->margin_within_error = (uint8_t)(sr->flag_within_error != 0);
  const char *names[] = {"protected_overlap", "protected_within_margin", "protected_over_threshold",
                         "target_not_covered", "margin_within_error"};
  const int on[] = {sr->flag_overlap, sr->flag_within_margin, sr->flag_threshold, sr->flag_not_covered,
                    sr->flag_within_error};
  size_t len = 0;
  for (int i = 0; i < 5; ++i)
    if (on[i] && len < sizeof r->flags)
      len += (size_t)snprintf(r->flags + len, sizeof r->flags - len, "%s%s", len ? "," : "", names[i]);
}

/* /summary/errors: every figure with its discretisation error (error_estimate.h), and how
 * the error was estimated as attributes. */
typedef struct {
  char figure[RFL_NAME_MAX + 32];
  char unit[8];
  double value;
  double error;
} error_rec;

static const column error_cols[] = {
    COL(error_rec, figure, COL_STR, "-"),
    COL(error_rec, unit, COL_STR, "-"),
    COL(error_rec, value, COL_F64, "(unit)"),
    COL(error_rec, error, COL_F64, "(unit)"),
};

static rfl_status write_errors(rfl_h5out *o, hid_t g, const rfl_summary *s) {
  const rfl_error_estimate *e = &s->errors;
  int n = rfl_error_peak_index(s->nstructures) + 1;
  error_rec *rows = calloc((size_t)n, sizeof *rows);
  if (!rows) return RFL_ERROR(RFL_ENOMEM, "%s: out of memory for /summary/errors", o->path);
  for (int i = 0; i < n; i++) {
    const char *unit;
    rfl_summary_error_figure(s, i, rows[i].figure, sizeof rows[i].figure, &unit, &rows[i].value, &rows[i].error);
    snprintf(rows[i].unit, sizeof rows[i].unit, "%s", unit);
  }
  hid_t t = H5I_INVALID_HID;
  rfl_status st = table_write(o, g, "/summary", "errors", error_cols, NCOLS(error_cols), sizeof rows[0], rows,
                              (size_t)n, "discretisation error of each figure (NaN: not estimated), "
                              "from a second solution on coarser cells and steps (Richardson/GCI)");
  if (st == RFL_OK && (t = H5Dopen2(g, "errors", H5P_DEFAULT)) < 0) st = FAIL(o, "open /summary/errors");
  if (st == RFL_OK) st = attr_i32(o, t, "/summary/errors", "estimated", e->estimated);
  if (st == RFL_OK) st = attr_f64(o, t, "/summary/errors", "accuracy_mm", 1e3 * e->accuracy);
  if (st == RFL_OK) st = attr_f64(o, t, "/summary/errors", "largest_length_mm", 1e3 * e->largest_length);
  if (st == RFL_OK) st = attr_f64(o, t, "/summary/errors", "spacing_mm", 1e3 * e->spacing);
  if (st == RFL_OK) st = attr_f64(o, t, "/summary/errors", "coarse_spacing_mm", 1e3 * e->coarse_spacing);
  if (st == RFL_OK) st = attr_f64(o, t, "/summary/errors", "ratio", e->ratio);
  if (st == RFL_OK) st = attr_i32(o, t, "/summary/errors", "refinements", e->refinements);
  if (st == RFL_OK) st = attr_str(o, t, "/summary/errors", "note", e->note);
  if (t >= 0) H5Dclose(t);
  free(rows);
  return st;
}

static rfl_status write_summary(rfl_h5out *o, const rfl_summary *s) {
  rfl_status st = RFL_OK;
  hid_t g = H5I_INVALID_HID, dset = H5I_INVALID_HID, str = H5I_INVALID_HID;
  lesion_rec *rows = NULL;
  structure_rec *srec = NULL;
  metrics_rec m;
  memset(&m, 0, sizeof m);
  fill_metrics(&m, s);
  int ng = s->ngrowth < 0 ? 0 : s->ngrowth > RFL_MAX_OUTPUT_TIMES ? RFL_MAX_OUTPUT_TIMES : s->ngrowth;
  int ns = s->nstructures < 0 ? 0 : s->nstructures > RFL_MAX_STRUCTURES ? RFL_MAX_STRUCTURES
                                                                        : s->nstructures;
  int nf = s->nflags < 0 ? 0 : s->nflags > RFL_MAX_FLAGS ? RFL_MAX_FLAGS : s->nflags;
  rows = calloc((size_t)ng + 2, sizeof *rows);
  srec = calloc((size_t)ns + 1, sizeof *srec);
  if (!rows || !srec) {
    st = RFL_ERROR(RFL_ENOMEM, "%s: out of memory for the summary tables", o->path);
    goto cleanup;
  }
  int nrows = 0; /* growth rows at the end of RF or of the run are those rows already */
  for (int i = 0; i < ng; ++i)
    if (s->growth[i].t != s->end_of_rf.t && s->growth[i].t != s->final.t)
      lesion_row(&rows[nrows++], "growth", &s->growth[i]);
  lesion_row(&rows[nrows++], "end_of_rf", &s->end_of_rf);
  lesion_row(&rows[nrows++], "final", &s->final);
  for (int k = 0; k < ns; ++k) fill_structure(&srec[k], &s->structures[k]);

  if ((st = group_create(o, o->file, "summary", "/summary", &g)) != RFL_OK ||
      (st = attr_i32(o, g, "/summary", "nflags", s->nflags)) != RFL_OK ||
      (st = table_write(o, g, "/summary", "metrics", metrics_cols, NCOLS(metrics_cols), sizeof m, &m, 1,
                        "the run's figures: lesion at the end of RF and after the cool-down, "
                        "generator at the end of RF, peaks, energy budget, flag counts, cost")) != RFL_OK ||
      (st = table_write(o, g, "/summary", "lesion", lesion_cols, NCOLS(lesion_cols), sizeof rows[0], rows,
                        (size_t)nrows,
                        "lesion (Omega >= 1) and isotherm lesion at each output time before the "
                        "end of RF or of the run (growth), the end of RF and the end of the run "
                        "(final)")) != RFL_OK ||
      (st = table_write(o, g, "/summary", "structures", structure_cols, NCOLS(structure_cols),
                        sizeof srec[0], srec, (size_t)ns,
                        "per structure: margins, peaks, damage and safety flags")) != RFL_OK)
    goto cleanup;

  /* /summary/flags: one KIND:structure string per raised flag */
  dataset_spec d = {"flags", "-", "raised safety flags, KIND:structure", H5I_INVALID_HID,
                    H5I_INVALID_HID, 1, {(hsize_t)nf, 0, 0}, 0};
  if ((str = string_type(sizeof s->flags[0])) < 0) {
    st = FAIL(o, "make the string type of /summary/flags");
    goto cleanup;
  }
  d.filetype = d.memtype = str;
  if ((st = dataset_write(o, g, "/summary", &d, s->flags, NULL)) != RFL_OK) goto cleanup;
  if ((st = write_flag_words(o, g, s)) != RFL_OK) goto cleanup;
  if ((st = write_errors(o, g, s)) != RFL_OK) goto cleanup;

  if (ns > 0 && s->history_steps > 0 && s->history_peak_C) {
    dataset_spec h = {"structure_peak_C", "C",
                      "hottest point of each structure after each step (rows: steps as in "
                      "/series; columns: /summary/structures)",
                      H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, {s->history_steps, (hsize_t)ns, 0}, 1};
    char names[RFL_MAX_STRUCTURES][RFL_NAME_MAX];
    memset(names, 0, sizeof names);
    for (int k = 0; k < ns; ++k) snprintf(names[k], sizeof names[k], "%s", srec[k].name);
    if ((st = dataset_write(o, g, "/summary", &h, s->history_peak_C, &dset)) != RFL_OK ||
        (st = attr_strv(o, dset, "/summary/structure_peak_C", "structures", names[0], sizeof names[0],
                        (size_t)ns)) != RFL_OK ||
        (st = close_dataset(o, &dset, "/summary/structure_peak_C")) != RFL_OK)
      goto cleanup;
  }
cleanup:
  H5E_BEGIN_TRY {
    if (str >= 0) H5Tclose(str);
    if (dset >= 0) H5Dclose(dset);
  }
  H5E_END_TRY;
  close_group(&g);
  free(rows);
  free(srec);
  return st;
}

rfl_status rfl_h5out_write_summary(rfl_h5out *out, const rfl_summary *s) {
  if (out->status != RFL_OK) return reraise(out);
  if (out->have_summary) return RFL_ERROR(RFL_EUSAGE, "%s: the summary was already written", out->path);
  if (!s) return RFL_ERROR(RFL_EUSAGE, "%s: no summary", out->path);
  quiet_state q;
  quiet_begin(&q);
  rfl_status st = write_summary(out, s);
  quiet_end(&q);
  if (st == RFL_OK) out->have_summary = 1;
  return poison(out, st);
}

/* ---- XDMF sidecar ---------------------------------------------------------------------------- */

static void xml_escaped(FILE *f, const char *s) {
  for (; *s; ++s) switch (*s) {
      case '&': fputs("&amp;", f); break;
      case '<': fputs("&lt;", f); break;
      case '>': fputs("&gt;", f); break;
      case '"': fputs("&quot;", f); break;
      default: fputc(*s, f);
    }
}

static void xdmf_item(FILE *f, const char *indent, const char *dims, const char *type, int prec,
                      const char *h5, const char *dataset) {
  fprintf(f, "%s<DataItem Dimensions=\"%s\" NumberType=\"%s\" Precision=\"%d\" Format=\"HDF\">", indent,
          dims, type, prec);
  xml_escaped(f, h5);
  fprintf(f, ":%s</DataItem>\n", dataset);
}

static void xdmf_grid(FILE *f, const rfl_h5out *o, const char *h5, const snapshot *s) {
  char nodes[64], cells[64], len[3][24], path[96];
  snprintf(nodes, sizeof nodes, "%d %d %d", o->n[2] + 1, o->n[1] + 1, o->n[0] + 1);
  snprintf(cells, sizeof cells, "%d %d %d", o->n[2], o->n[1], o->n[0]);
  for (int a = 0; a < 3; ++a) snprintf(len[a], sizeof len[a], "%d", o->n[a] + 1);
  const char *in = s ? "      " : "    ";
  fprintf(f, "%s<Grid Name=\"%s\" GridType=\"Uniform\">\n", in, s ? s->name : "grid");
  if (s) fprintf(f, "%s  <Time Value=\"%.17g\"/>\n", in, s->t);
  fprintf(f, "%s  <Topology TopologyType=\"3DRectMesh\" Dimensions=\"%s\"/>\n", in, nodes);
  fprintf(f, "%s  <Geometry GeometryType=\"VXVYVZ\">\n", in);
  char in2[16];
  snprintf(in2, sizeof in2, "%s    ", in);
  xdmf_item(f, in2, len[0], "Float", 8, h5, "/grid/x_mm");
  xdmf_item(f, in2, len[1], "Float", 8, h5, "/grid/y_mm");
  xdmf_item(f, in2, len[2], "Float", 8, h5, "/grid/z_mm");
  fprintf(f, "%s  </Geometry>\n", in);
  static const char *const fields[] = {"temperature_C", "peak_temperature_C", "omega", "cem43_min",
                                       "potential_V"};
  int prec = o->opt.double_precision ? 8 : 4;
  if (s)
    for (size_t k = 0; k < sizeof fields / sizeof fields[0]; ++k) {
      fprintf(f, "%s  <Attribute Name=\"%s\" AttributeType=\"Scalar\" Center=\"Cell\">\n", in, fields[k]);
      snprintf(path, sizeof path, "/fields/%s/%s", s->name, fields[k]);
      xdmf_item(f, in2, cells, "Float", prec, h5, path);
      fprintf(f, "%s  </Attribute>\n", in);
    }
  if (s) {
    fprintf(f, "%s  <Attribute Name=\"lesion\" AttributeType=\"Scalar\" Center=\"Cell\">\n", in);
    snprintf(path, sizeof path, "/fields/%s/lesion", s->name);
    xdmf_item(f, in2, cells, "UChar", 1, h5, path);
    fprintf(f, "%s  </Attribute>\n", in);
  }
  static const char *const labels[] = {"material", "part", "probe"};
  for (size_t k = 0; k < sizeof labels / sizeof labels[0]; ++k) {
    fprintf(f, "%s  <Attribute Name=\"%s\" AttributeType=\"Scalar\" Center=\"Cell\">\n", in, labels[k]);
    snprintf(path, sizeof path, "/grid/%s", labels[k]);
    xdmf_item(f, in2, cells, k == 2 ? "Char" : "UChar", 1, h5, path);
    fprintf(f, "%s  </Attribute>\n", in);
  }
  fprintf(f, "%s</Grid>\n", in);
}

/* The sidecar into its temporary name; references the final .h5 by its base name. */
static rfl_status write_xdmf(const rfl_h5out *o) {
  const char *slash = strrchr(o->path, '/');
  const char *h5 = slash ? slash + 1 : o->path;
  FILE *f = fopen(o->xmf_tmp, "w");
  if (!f)
    return RFL_ERROR(RFL_EIO, "%s: cannot create the temporary file %s: %s", o->xmf, o->xmf_tmp,
                     strerror(errno));
  fprintf(f, "<?xml version=\"1.0\" ?>\n<!-- rflesion %s: cell-centred fields of ", RFL_VERSION_FULL);
  xml_escaped(f, h5);
  fprintf(f, ", coordinates in mm -->\n<Xdmf Version=\"3.0\">\n  <Domain>\n");
  if (o->nsnaps == 0) {
    xdmf_grid(f, o, h5, NULL);
  } else {
    fprintf(f, "    <Grid Name=\"fields\" GridType=\"Collection\" CollectionType=\"Temporal\">\n");
    for (size_t i = 0; i < o->nsnaps; ++i) xdmf_grid(f, o, h5, &o->snaps[i]);
    fprintf(f, "    </Grid>\n");
  }
  fprintf(f, "  </Domain>\n</Xdmf>\n");
  int bad = ferror(f);
  if (fflush(f) != 0 || fsync(fileno(f)) != 0) bad = 1;
  int e = errno;
  if (fclose(f) != 0) bad = 1, e = errno;
  if (bad) {
    remove(o->xmf_tmp);
    return RFL_ERROR(RFL_EIO, "%s: write failed: %s", o->xmf, strerror(e));
  }
  return RFL_OK;
}

/* ---- close --------------------------------------------------------------------------------- */

static int fsync_path(const char *path, int flags) {
  int fd = open(path, flags);
  if (fd < 0) return -1;
  int rc = fsync(fd);
  close(fd);
  return rc;
}

/* Directory of path, for an fsync after the renames ("." without one). */
static void fsync_directory(const char *path) {
  char dir[RFL_PATH_MAX];
  const char *slash = strrchr(path, '/');
  if (!slash)
    snprintf(dir, sizeof dir, ".");
  else if (slash == path)
    snprintf(dir, sizeof dir, "/");
  else
    snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
  (void)fsync_path(dir, O_RDONLY); /* best effort: some file systems refuse it */
}

static rfl_status commit(rfl_h5out *o) {
  rfl_status st = RFL_OK;
  hid_t f = H5I_INVALID_HID;
  double *t = malloc((o->nsnaps ? o->nsnaps : 1) * sizeof *t);
  if (!t) return RFL_ERROR(RFL_ENOMEM, "%s: out of memory", o->path);
  for (size_t i = 0; i < o->nsnaps; ++i) t[i] = o->snaps[i].t;
  if ((f = H5Gopen2(o->file, "/fields", H5P_DEFAULT)) < 0) {
    st = FAIL(o, "open group /fields");
    goto cleanup;
  }
  if ((st = write_f64_1d(o, f, "/fields", "times_s", t, o->nsnaps, "s",
                         "times of the snapshots, in the order written")) != RFL_OK)
    goto cleanup;
  close_group(&f);
  if (H5Fflush(o->file, H5F_SCOPE_GLOBAL) < 0) {
    st = FAIL(o, "flush the file");
    goto cleanup;
  }
  herr_t rc = H5Fclose(o->file);
  o->file = H5I_INVALID_HID;
  if (rc < 0) {
    st = FAIL(o, "close the file");
    goto cleanup;
  }
  if (fsync_path(o->tmp, O_RDONLY) != 0) {
    st = RFL_ERROR(RFL_EIO, "%s: cannot sync %s to disk: %s", o->path, o->tmp, strerror(errno));
    goto cleanup;
  }
  if (!o->opt.no_xdmf && (st = write_xdmf(o)) != RFL_OK) goto cleanup;
  if ((st = rfl_atomic_publish(o->tmp, o->target, o->path)) != RFL_OK) goto cleanup;
  if (!o->opt.no_xdmf && (st = rfl_atomic_publish(o->xmf_tmp, o->xmf_target, o->xmf)) != RFL_OK) goto cleanup;
  if (o->opt.no_xdmf) rfl_atomic_discard(o->xmf_tmp); /* registered, never created */
  fsync_directory(o->target);
cleanup:
  close_group(&f);
  free(t);
  return st;
}

static rfl_status discard(rfl_h5out *o) {
  if (o->file >= 0) {
    /* After a failed write, free the space first: closing still flushes HDF5's metadata,
     * which then fits again on a full disk or quota (a sparse rewrite of a few blocks).
     * HDF5 1.10 keeps a dangling file ID when even that flush fails. */
    if (o->status != RFL_OK) {
      int rc = truncate(o->tmp, 0); /* best effort */
      (void)rc;
    }
    H5E_BEGIN_TRY { H5Fclose(o->file); }
    H5E_END_TRY;
    o->file = H5I_INVALID_HID;
  }
  rfl_status st = RFL_OK;
  if (remove(o->tmp) != 0 && errno != ENOENT)
    st = RFL_ERROR(RFL_EIO, "%s: cannot remove the temporary file %s: %s", o->path, o->tmp,
                   strerror(errno));
  if (remove(o->xmf_tmp) != 0 && errno != ENOENT && st == RFL_OK)
    st = RFL_ERROR(RFL_EIO, "%s: cannot remove the temporary file %s: %s", o->xmf, o->xmf_tmp,
                   strerror(errno));
  rfl_atomic_discard(o->tmp);
  rfl_atomic_discard(o->xmf_tmp);
  return st;
}

rfl_status rfl_h5out_close(rfl_h5out *out, int commit_it) {
  if (!out) return RFL_OK;
  rfl_status st = RFL_OK;
  quiet_state q;
  quiet_begin(&q);
  if (commit_it) {
    if (out->status != RFL_OK)
      st = reraise(out);
    else if (!out->have_grid)
      st = RFL_ERROR(RFL_EUSAGE, "%s: nothing to commit (no grid was written)", out->path);
    else
      st = commit(out);
    if (st != RFL_OK) {
      /* keep the first message; the clean-up's own failure is secondary */
      char msg[MSG_MAX];
      snprintf(msg, sizeof msg, "%s", rfl_error_message());
      (void)discard(out);
      rfl_error_raise(st, __FILE__, __LINE__, "%s", msg);
    }
  } else {
    st = discard(out);
  }
  quiet_end(&q);
  free_writer(out);
  return st;
}
