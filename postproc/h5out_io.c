// SPDX-License-Identifier: BSD-3-Clause
/* The HDF5 writer's small writers (h5out_internal.h): error handling, attributes, groups,
 * datasets and compound tables. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h5out_internal.h"

/* ---- errors ---------------------------------------------------------------------------- */


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
rfl_status h5o_h5_fail(const rfl_h5out *o, const char *src_line_file, int src_line,
                          const char *fmt, ...) __attribute__((format(printf, 4, 5)));
rfl_status h5o_h5_fail(const rfl_h5out *o, const char *src_line_file, int src_line,
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

/* Remembers the first failure; later calls repeat it. */
rfl_status h5o_poison(rfl_h5out *o, rfl_status st) {
  if (st != RFL_OK && o->status == RFL_OK) {
    o->status = st;
    snprintf(o->msg, sizeof o->msg, "%s", rfl_error_message());
  }
  return st;
}

rfl_status h5o_reraise(const rfl_h5out *o) {
  return rfl_error_raise(o->status, __FILE__, __LINE__, "%s", o->msg);
}

/* ---- small writers: attributes ---------------------------------------------------------- */

/* A fixed-length, NUL-terminated ASCII string type of `size` bytes (at least 1). */
hid_t h5o_string_type(size_t size) {
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
rfl_status h5o_attr_write(const rfl_h5out *o, hid_t obj, const char *where, const char *name,
                             hid_t filetype, hid_t memtype, int scalar, hsize_t n,
                             const void *data) {
  rfl_status st = RFL_OK;
  hid_t space = H5I_INVALID_HID, attr = H5I_INVALID_HID;
  if ((space = scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, NULL)) < 0 ||
      (attr = H5Acreate2(obj, name, filetype, space, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
      ((scalar || n > 0) && H5Awrite(attr, memtype, data) < 0))
    st = H5O_FAIL(o, "write attribute %s of %s", name, where);
  H5E_BEGIN_TRY {
    if (attr >= 0) H5Aclose(attr);
    if (space >= 0) H5Sclose(space);
  }
  H5E_END_TRY;
  return st;
}

rfl_status h5o_attr_f64(const rfl_h5out *o, hid_t obj, const char *where, const char *name,
                           double v) {
  return h5o_attr_write(o, obj, where, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, 0, &v);
}

rfl_status h5o_attr_f64v(const rfl_h5out *o, hid_t obj, const char *where, const char *name,
                            const double *v, size_t n) {
  return h5o_attr_write(o, obj, where, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 0, n, v);
}

rfl_status h5o_attr_i32(const rfl_h5out *o, hid_t obj, const char *where, const char *name,
                           int v) {
  int32_t x = (int32_t)v;
  return h5o_attr_write(o, obj, where, name, H5T_STD_I32LE, H5T_NATIVE_INT32, 1, 0, &x);
}

rfl_status h5o_attr_i32v(const rfl_h5out *o, hid_t obj, const char *where, const char *name,
                            const int32_t *v, size_t n) {
  return h5o_attr_write(o, obj, where, name, H5T_STD_I32LE, H5T_NATIVE_INT32, 0, n, v);
}

rfl_status h5o_attr_str(const rfl_h5out *o, hid_t obj, const char *where, const char *name,
                           const char *value) {
  hid_t t = h5o_string_type(strlen(value) + 1);
  if (t < 0) return H5O_FAIL(o, "make a string type for attribute %s of %s", name, where);
  rfl_status st = h5o_attr_write(o, obj, where, name, t, t, 1, 0, value);
  H5E_BEGIN_TRY { H5Tclose(t); }
  H5E_END_TRY;
  return st;
}

/* n strings of at most `stride` bytes each, laid out at `strings + i * stride`. */
rfl_status h5o_attr_strv(const rfl_h5out *o, hid_t obj, const char *where, const char *name,
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
  hid_t t = h5o_string_type(len);
  if (t < 0)
    st = H5O_FAIL(o, "make a string type for attribute %s of %s", name, where);
  else
    st = h5o_attr_write(o, obj, where, name, t, t, 0, n, packed);
  H5E_BEGIN_TRY {
    if (t >= 0) H5Tclose(t);
  }
  H5E_END_TRY;
  free(packed);
  return st;
}

/* ---- small writers: groups and datasets -------------------------------------------------- */

rfl_status h5o_group_create(const rfl_h5out *o, hid_t loc, const char *name, const char *where,
                               hid_t *out) {
  rfl_status st = RFL_OK;
  hid_t gcpl = H5I_INVALID_HID;
  *out = H5I_INVALID_HID;
  if ((gcpl = H5Pcreate(H5P_GROUP_CREATE)) < 0 || H5Pset_obj_track_times(gcpl, 0) < 0 ||
      (*out = H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT)) < 0)
    st = H5O_FAIL(o, "create group %s", where);
  H5E_BEGIN_TRY {
    if (gcpl >= 0) H5Pclose(gcpl);
  }
  H5E_END_TRY;
  return st;
}

void h5o_close_group(hid_t *g) {
  H5E_BEGIN_TRY {
    if (*g >= 0) H5Gclose(*g);
  }
  H5E_END_TRY;
  *g = H5I_INVALID_HID;
}

/* Chunk shape for dims (slowest first): whole rows, halving the slowest axes first until
 * a chunk holds at most CHUNK_ELEMENTS. */
static void h5o_chunk_shape(int rank, const hsize_t *dims, hsize_t *chunk) {
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


/* Creates and writes one dataset (data may be NULL only when it has no elements); returns
 * it open in *out when out is not NULL. `where` is the parent's path for messages. */
rfl_status h5o_dataset_write(const rfl_h5out *o, hid_t loc, const char *where,
                                const h5o_dataset_spec *d, const void *data, hid_t *out) {
  rfl_status st = RFL_OK;
  hid_t space = H5I_INVALID_HID, dcpl = H5I_INVALID_HID, dset = H5I_INVALID_HID;
  hsize_t chunk[3], count = 1;
  for (int a = 0; a < d->rank; ++a) count *= d->dims[a];
  if (out) *out = H5I_INVALID_HID;
  if ((space = H5Screate_simple(d->rank, d->dims, NULL)) < 0 ||
      (dcpl = H5Pcreate(H5P_DATASET_CREATE)) < 0 || H5Pset_obj_track_times(dcpl, 0) < 0) {
    st = H5O_FAIL(o, "set up dataset %s/%s", where, d->name);
    goto cleanup;
  }
  if (d->compress && o->deflate >= 0 && count > 0) {
    h5o_chunk_shape(d->rank, d->dims, chunk);
    if (H5Pset_chunk(dcpl, d->rank, chunk) < 0 || H5Pset_shuffle(dcpl) < 0 ||
        H5Pset_deflate(dcpl, (unsigned)o->deflate) < 0) {
      st = H5O_FAIL(o, "set up compression of dataset %s/%s", where, d->name);
      goto cleanup;
    }
  }
  if ((dset = H5Dcreate2(loc, d->name, d->filetype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT)) < 0) {
    st = H5O_FAIL(o, "create dataset %s/%s", where, d->name);
    goto cleanup;
  }
  if (count > 0 && H5Dwrite(dset, d->memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
    st = H5O_FAIL(o, "write dataset %s/%s", where, d->name);
    goto cleanup;
  }
  char path[256];
  snprintf(path, sizeof path, "%s/%s", where, d->name);
  if ((st = h5o_attr_str(o, dset, path, "units", d->units)) != RFL_OK) goto cleanup;
  if (d->description && (st = h5o_attr_str(o, dset, path, "description", d->description)) != RFL_OK)
    goto cleanup;
  if (out) {
    *out = dset;
  } else if (H5Dclose(dset) < 0) { /* writes cached raw data: a failure here is a write failure */
    st = H5O_FAIL(o, "write dataset %s/%s", where, d->name);
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

/* Closes a dataset returned open by h5o_dataset_write, checking the write of its cached data. */
rfl_status h5o_close_dataset(const rfl_h5out *o, hid_t *dset, const char *path) {
  herr_t rc = H5Dclose(*dset);
  *dset = H5I_INVALID_HID;
  return rc < 0 ? H5O_FAIL(o, "write dataset %s", path) : RFL_OK;
}

rfl_status h5o_write_f64_1d(const rfl_h5out *o, hid_t loc, const char *where, const char *name,
                               const double *v, size_t n, const char *units, const char *desc) {
  h5o_dataset_spec d = {name, units, desc, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, {n, 0, 0}, n > 4096};
  return h5o_dataset_write(o, loc, where, &d, v, NULL);
}

/* ---- compound tables --------------------------------------------------------------------- */


/* nrec records of recsize bytes as a compound dataset: native layout in memory, packed
 * little-endian in the file, `units` = the columns' units, comma-separated, in order. */
rfl_status h5o_table_write(const rfl_h5out *o, hid_t loc, const char *where, const char *name,
                              const h5o_column *cols, size_t ncols, size_t recsize, const void *data,
                              size_t nrec, const char *description) {
  rfl_status st = RFL_OK;
  hid_t mem = H5I_INVALID_HID, file = H5I_INVALID_HID, str = H5I_INVALID_HID;
  size_t file_size = 0;
  char units[1024] = "";
  for (size_t c = 0; c < ncols; ++c) file_size += cols[c].size;
  if ((mem = H5Tcreate(H5T_COMPOUND, recsize)) < 0 ||
      (file = H5Tcreate(H5T_COMPOUND, file_size)) < 0) {
    st = H5O_FAIL(o, "make the record type of %s/%s", where, name);
    goto cleanup;
  }
  size_t foff = 0, ulen = 0;
  for (size_t c = 0; c < ncols; ++c) {
    hid_t mt = H5I_INVALID_HID, ft = H5I_INVALID_HID;
    switch (cols[c].kind) {
      case H5O_COL_F64: mt = H5T_NATIVE_DOUBLE; ft = H5T_IEEE_F64LE; break;
      case H5O_COL_I32: mt = H5T_NATIVE_INT32; ft = H5T_STD_I32LE; break;
      case H5O_COL_I64: mt = H5T_NATIVE_INT64; ft = H5T_STD_I64LE; break;
      case H5O_COL_U8: mt = H5T_NATIVE_UINT8; ft = H5T_STD_U8LE; break;
      case H5O_COL_STR:
        if ((str = h5o_string_type(cols[c].size)) < 0) break;
        mt = ft = str;
        break;
    }
    if (mt < 0 || H5Tinsert(mem, cols[c].name, cols[c].offset, mt) < 0 ||
        H5Tinsert(file, cols[c].name, foff, ft) < 0) {
      st = H5O_FAIL(o, "make the record type of %s/%s (h5o_column %s)", where, name, cols[c].name);
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
  h5o_dataset_spec d = {name, units, description, file, mem, 1, {nrec, 0, 0}, 0};
  st = h5o_dataset_write(o, loc, where, &d, data, NULL);
cleanup:
  H5E_BEGIN_TRY {
    if (str >= 0) H5Tclose(str);
    if (file >= 0) H5Tclose(file);
    if (mem >= 0) H5Tclose(mem);
  }
  H5E_END_TRY;
  return st;
}
