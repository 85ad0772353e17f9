// SPDX-License-Identifier: BSD-3-Clause
/* The per-case HDF5 result file and its XDMF sidecar (h5out.h; layout in
 * docs/output-format.md), written with the serial HDF5 C API. This file holds the paths,
 * opening and closing; each part of the file has its own (listed in h5out_internal.h).
 *
 * Atomicity: everything goes to PATH.tmp.PID; on commit the file is closed, fsync'ed and
 * renamed onto PATH (rename is atomic within a directory), then the sidecar is written to
 * its own temporary name and renamed the same way. A crash leaves the previous PATH (if
 * any) untouched. Handle hygiene: every hid_t starts at H5I_INVALID_HID, every call is
 * checked, and each function closes what it opened inside H5E_BEGIN_TRY / H5E_END_TRY. HDF5's automatic error printing is switched off while a
 * public function runs; the innermost entry of HDF5's error stack is appended to our
 * message instead. Object modification times are not recorded, so the same run writes the
 * same bytes. Fields are converted to float32 here (clamped to the float range) rather
 * than by HDF5, whose overflow behaviour depends on its conversion path. The writer does
 * not read results back and knows nothing of MPI (one writer per case). */
#include "h5out.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "h5out_internal.h"
#include "provenance.h"

#define DEFAULT_DEFLATE 4

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
  if ((st = h5o_attr_str(o, root, "/", "rflesion_version", p.version_full)) != RFL_OK ||
      (st = h5o_attr_str(o, root, "/", "commit", p.commit)) != RFL_OK ||
      (st = h5o_attr_str(o, root, "/", "build_type", p.build_type)) != RFL_OK ||
      (st = h5o_attr_i32(o, root, "/", "built_with_mpi", p.mpi)) != RFL_OK ||
      (st = h5o_attr_i32(o, root, "/", "built_with_openmp", p.openmp)) != RFL_OK)
    return st;
  return h5o_attr_str(o, root, "/", "hdf5_version", p.hdf5);
}

/* Root attributes: the program, what built it and the layout. */
static rfl_status write_root(const rfl_h5out *o) {
  hid_t root = H5Gopen2(o->file, "/", H5P_DEFAULT);
  if (root < 0) return H5O_FAIL(o, "open the root group");
  rfl_status st = h5o_attr_str(o, root, "/", "program", "rflesion");
  if (st == RFL_OK) st = write_provenance(o, root);
  if (st == RFL_OK) st = h5o_attr_str(o, root, "/", "format", "rflesion-h5");
  if (st == RFL_OK) st = h5o_attr_i32(o, root, "/", "format_version", RFL_H5OUT_FORMAT_VERSION);
  if (st == RFL_OK)
    st = h5o_attr_str(o, root, "/", "layout",
                      "fields (nz, ny, nx), x fastest, cell-centred; coordinates in mm; every "
                      "dataset has a units attribute");
  H5E_BEGIN_TRY { H5Gclose(root); }
  H5E_END_TRY;
  return st;
}

/* The temporary file, created by open(2) first so that a bad directory gives the system's
 * reason; *created tells whether it exists. */
static rfl_status create_file(rfl_h5out *o, int *created) {
  int fd = open(o->tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  *created = fd >= 0;
  if (fd < 0)
    return RFL_ERROR(RFL_EIO, "%s: cannot create the temporary file %s: %s", o->path, o->tmp, strerror(errno));
  close(fd);
  rfl_status st = RFL_OK;
  hid_t fapl = H5I_INVALID_HID, fcpl = H5I_INVALID_HID;
  if ((fapl = H5Pcreate(H5P_FILE_ACCESS)) < 0 || H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0 ||
      H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_LATEST) < 0 ||
      (fcpl = H5Pcreate(H5P_FILE_CREATE)) < 0 || H5Pset_obj_track_times(fcpl, 0) < 0 ||
      (o->file = H5Fcreate(o->tmp, H5F_ACC_TRUNC, fcpl, fapl)) < 0)
    st = H5O_FAIL(o, "create the HDF5 file %s", o->tmp);
  H5E_BEGIN_TRY {
    if (fcpl >= 0) H5Pclose(fcpl);
    if (fapl >= 0) H5Pclose(fapl);
  }
  H5E_END_TRY;
  return st;
}

/* The writer with its paths and options checked, nothing created yet. */
static rfl_status new_writer(const char *path, const rfl_h5out_options *opt, rfl_h5out **out) {
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
  int level = o->opt.deflate_level;
  if (st == RFL_OK && (level < -1 || level > 9)) {
    st = RFL_ERROR(RFL_EUSAGE, "%s: deflate level must be -1 (none) or 0..9, found %d", path, level);
    rfl_atomic_discard(o->tmp);
    rfl_atomic_discard(o->xmf_tmp);
  }
  if (st != RFL_OK) {
    free_writer(o);
    return st;
  }
  o->deflate = level == 0 ? DEFAULT_DEFLATE : level;
  *out = o;
  return RFL_OK;
}

rfl_status rfl_h5out_open(const char *path, const rfl_h5out_options *opt, rfl_h5out **out) {
  rfl_h5out *o;
  RFL_CHECK(new_writer(path, opt, &o));
  rfl_hdf5_quiet q;
  rfl_hdf5_quiet_begin(&q);
  if (o->deflate >= 0 && (H5Zfilter_avail(H5Z_FILTER_DEFLATE) <= 0 ||
                          H5Zfilter_avail(H5Z_FILTER_SHUFFLE) <= 0))
    o->deflate = -1; /* an HDF5 built without zlib: chunked, uncompressed */
  int created = 0;
  rfl_status st = create_file(o, &created);
  if (st == RFL_OK) st = write_root(o);
  if (st != RFL_OK && o->file >= 0) {
    H5E_BEGIN_TRY { H5Fclose(o->file); }
    H5E_END_TRY;
  }
  rfl_hdf5_quiet_end(&q);
  if (st != RFL_OK) {
    if (created) remove(o->tmp);
    rfl_atomic_discard(o->tmp);
    rfl_atomic_discard(o->xmf_tmp);
    free_writer(o);
    return st;
  }
  *out = o;
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
    st = H5O_FAIL(o, "open group /fields");
    goto cleanup;
  }
  if ((st = h5o_write_f64_1d(o, f, "/fields", "times_s", t, o->nsnaps, "s",
                         "times of the snapshots, in the order written")) != RFL_OK)
    goto cleanup;
  h5o_close_group(&f);
  if (H5Fflush(o->file, H5F_SCOPE_GLOBAL) < 0) {
    st = H5O_FAIL(o, "flush the file");
    goto cleanup;
  }
  herr_t rc = H5Fclose(o->file);
  o->file = H5I_INVALID_HID;
  if (rc < 0) {
    st = H5O_FAIL(o, "close the file");
    goto cleanup;
  }
  if (fsync_path(o->tmp, O_RDONLY) != 0) {
    st = RFL_ERROR(RFL_EIO, "%s: cannot sync %s to disk: %s", o->path, o->tmp, strerror(errno));
    goto cleanup;
  }
  if (!o->opt.no_xdmf && (st = h5o_write_xdmf(o)) != RFL_OK) goto cleanup;
  if ((st = rfl_atomic_publish(o->tmp, o->target, o->path)) != RFL_OK) goto cleanup;
  if (!o->opt.no_xdmf && (st = rfl_atomic_publish(o->xmf_tmp, o->xmf_target, o->xmf)) != RFL_OK) goto cleanup;
  if (o->opt.no_xdmf) rfl_atomic_discard(o->xmf_tmp); /* registered, never created */
  fsync_directory(o->target);
cleanup:
  h5o_close_group(&f);
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
  rfl_hdf5_quiet q;
  rfl_hdf5_quiet_begin(&q);
  if (commit_it) {
    if (out->status != RFL_OK)
      st = h5o_reraise(out);
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
  rfl_hdf5_quiet_end(&q);
  free_writer(out);
  return st;
}

