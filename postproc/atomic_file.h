/* Files that are written whole or not at all: the text goes to PATH.tmp.PID, is flushed and
 * fsync'ed, and only then renamed over PATH, so a crash or kill never leaves a half-written
 * file under the real name (an older complete one stays). */
#ifndef RFL_ATOMIC_FILE_H
#define RFL_ATOMIC_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "case.h" /* RFL_PATH_MAX */
#include "status.h"

typedef struct {
  FILE *f;                        /* write here between open and commit */
  char path[RFL_PATH_MAX];
  char tmp[RFL_PATH_MAX + 32];
} rfl_atomic_file;

/* Creates the temporary file; RFL_EIO with the path on failure. */
rfl_status rfl_atomic_open(rfl_atomic_file *a, const char *path);
/* Flushes, fsyncs and closes the file and renames it into place; on any failure (a write
 * error included) the temporary file is removed and RFL_EIO names the path. */
rfl_status rfl_atomic_commit(rfl_atomic_file *a);
/* len bytes of data as the whole content of path. */
rfl_status rfl_atomic_write(const char *path, const char *data, size_t len);

#endif
