// SPDX-License-Identifier: BSD-3-Clause
/* Files that are written whole or not at all, and only ever over regular files.
 *
 * The text goes to TARGET.tmp.PID, is flushed and fsync'ed, and only then renamed over
 * TARGET, so a crash or kill never leaves a half-written file under the real name (an older
 * complete one stays). TARGET is the path itself, or, when the path is a symbolic link,
 * the file at the end of the link (the temporary sits in that file's directory): the link
 * stays a link and its target gets the new content. An existing target that is not a
 * regular file (a device node such as /dev/null, a FIFO, a socket, a directory) is refused
 * with RFL_EUSAGE before anything is written. Temporaries are registered (temp_registry.h)
 * while they exist, so SIGINT and SIGTERM remove them. Every writer of result files (JSON,
 * HDF5, XDMF, figures, sweep tables and records) goes through these functions. */
#ifndef RFL_ATOMIC_FILE_H
#define RFL_ATOMIC_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "case.h" /* RFL_PATH_MAX */
#include "status.h"

#define RFL_ATOMIC_TMP_MAX (RFL_PATH_MAX + 32)

typedef struct {
  FILE *f;                        /* write here between open and commit */
  char path[RFL_PATH_MAX];        /* as given (messages) */
  char target[RFL_PATH_MAX];      /* where it lands (the end of a symbolic link) */
  char tmp[RFL_ATOMIC_TMP_MAX];
} rfl_atomic_file;

/* Creates the temporary file; RFL_EUSAGE for a non-regular target, RFL_EIO with the path
 * on other failures. */
rfl_status rfl_atomic_open(rfl_atomic_file *a, const char *path);
/* Flushes, fsyncs and closes the file and renames it into place; on any failure (a write
 * error included) the temporary file is removed and RFL_EIO names the path. */
rfl_status rfl_atomic_commit(rfl_atomic_file *a);
/* len bytes of data as the whole content of path. */
rfl_status rfl_atomic_write(const char *path, const char *data, size_t len);

/* len bytes of data as the whole content of path, only if path does not exist yet: the
 * finished temporary is hard-linked to the name (exclusive creation; of several processes
 * racing, exactly one creates it, and nobody sees it half-written). *created = 0 when the
 * name was taken already (the existing file is left alone). */
rfl_status rfl_atomic_create(const char *path, const char *data, size_t len, int *created);

/* For writers that create the temporary themselves (HDF5, cairo): resolves path's target,
 * refuses a non-regular one, and names and registers the temporary (not created here). */
rfl_status rfl_atomic_temp(const char *path, char *target, size_t tsize, char *tmp, size_t size);
/* Renames a finished temporary onto target (RFL_EIO naming path on failure, the
 * temporary then removed) and unregisters it. */
rfl_status rfl_atomic_publish(const char *tmp, const char *target, const char *path);
/* Removes an abandoned temporary (if it exists) and unregisters it. */
void rfl_atomic_discard(const char *tmp);

/* Checks an output file before any work: the name is usable (not empty, not ending in
 * '/', within RFL_PATH_MAX), an existing target is a regular file, and its directory
 * exists and is writable. RFL_EUSAGE "OPTION PATH: expected ..., found ..." otherwise. */
rfl_status rfl_output_check(const char *option, const char *path);
/* The same for an output directory (created later if missing: its parent must be
 * writable; an existing one must be a writable directory). */
rfl_status rfl_output_dir_check(const char *option, const char *path);

#endif
