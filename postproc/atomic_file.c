/* Whole-or-nothing file writes (see atomic_file.h). */
#include "atomic_file.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

rfl_status rfl_atomic_open(rfl_atomic_file *a, const char *path) {
  a->f = NULL;
  if (snprintf(a->path, sizeof a->path, "%s", path) >= (int)sizeof a->path ||
      snprintf(a->tmp, sizeof a->tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof a->tmp)
    return RFL_ERROR(RFL_EIO, "%s: path too long", path);
  a->f = fopen(a->tmp, "wb");
  if (!a->f) return RFL_ERROR(RFL_EIO, "%s: cannot create: %s", a->tmp, strerror(errno));
  return RFL_OK;
}

rfl_status rfl_atomic_commit(rfl_atomic_file *a) {
  int bad = ferror(a->f), e = bad ? EIO : 0;
  if (fflush(a->f) != 0 || fsync(fileno(a->f)) != 0) bad = 1, e = errno;
  if (fclose(a->f) != 0) bad = 1, e = errno;
  a->f = NULL;
  if (bad) {
    remove(a->tmp);
    return RFL_ERROR(RFL_EIO, "%s: write failed: %s", a->path, strerror(e));
  }
  if (rename(a->tmp, a->path) != 0) {
    e = errno;
    remove(a->tmp);
    return RFL_ERROR(RFL_EIO, "%s: cannot rename the finished file into place: %s", a->path, strerror(e));
  }
  return RFL_OK;
}

rfl_status rfl_atomic_write(const char *path, const char *data, size_t len) {
  rfl_atomic_file a;
  RFL_CHECK(rfl_atomic_open(&a, path));
  if (len > 0 && fwrite(data, 1, len, a.f) != len) {
    const int e = errno;
    fclose(a.f);
    remove(a.tmp);
    return RFL_ERROR(RFL_EIO, "%s: write failed: %s", path, strerror(e));
  }
  return rfl_atomic_commit(&a);
}
