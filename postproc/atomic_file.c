// SPDX-License-Identifier: BSD-3-Clause
/* Whole-or-nothing file writes over regular files only (see atomic_file.h). */
#include "atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "temp_registry.h"

static const char *kind_of(mode_t m) {
  return S_ISDIR(m) ? "a directory" : S_ISCHR(m) ? "a character device" : S_ISBLK(m) ? "a block device"
         : S_ISFIFO(m) ? "a FIFO" : S_ISSOCK(m) ? "a socket" : "not a regular file";
}

/* The directory part of path ("." without one, "/" for the root). */
static void dir_of(const char *path, char *dir, size_t size) {
  const char *slash = strrchr(path, '/');
  if (!slash) snprintf(dir, size, ".");
  else if (slash == path) snprintf(dir, size, "/");
  else snprintf(dir, size, "%.*s", (int)(slash - path), path);
}

/* Follows path's symbolic links to the file a write lands in (which may not exist yet). */
static rfl_status resolve(const char *path, char *target, size_t size) {
  char cur[RFL_PATH_MAX], link[RFL_PATH_MAX], dir[RFL_PATH_MAX];
  if (snprintf(cur, sizeof cur, "%s", path) >= (int)sizeof cur)
    return RFL_ERROR(RFL_EUSAGE, "%.60s...: expected a path of at most %d characters, found a longer one", path,
                     RFL_PATH_MAX - 1);
  for (int hops = 0;; hops++) {
    struct stat sb;
    if (lstat(cur, &sb) != 0 || !S_ISLNK(sb.st_mode)) break;
    if (hops == 40)
      return RFL_ERROR(RFL_EUSAGE, "%s: expected a file or a chain of symbolic links, found a loop", path);
    ssize_t n = readlink(cur, link, sizeof link - 1);
    if (n < 0) return RFL_ERROR(RFL_EIO, "%s: cannot read the symbolic link %s: %s", path, cur, strerror(errno));
    link[n] = '\0';
    /* /dev/stdout and friends: a process's descriptor, not a file of the user's to replace */
    if (strncmp(link, "/proc/", 6) == 0)
      return RFL_ERROR(RFL_EUSAGE,
                       "%s: expected a regular file or a new name to write, found a link to a process's open file "
                       "(%s; rflesion replaces only regular files; give another name)", path, link);
    dir_of(cur, dir, sizeof dir);
    int len = link[0] == '/' ? snprintf(cur, sizeof cur, "%s", link) : snprintf(cur, sizeof cur, "%s/%s", dir, link);
    if (len >= (int)sizeof cur) return RFL_ERROR(RFL_EUSAGE, "%s: the symbolic link's target path is too long", path);
  }
  if (snprintf(target, size, "%s", cur) >= (int)size) return RFL_ERROR(RFL_EUSAGE, "%s: path too long", path);
  /* the kernel's own view too: /dev/stdout and /proc/self/fd links end in pipes and ttys */
  struct stat sb;
  const char *names[2] = {target, path};
  for (int i = 0; i < 2; i++)
    if (stat(names[i], &sb) == 0 && !S_ISREG(sb.st_mode))
      return RFL_ERROR(RFL_EUSAGE,
                       "%s: expected a regular file or a new name to write, found %s (rflesion replaces only "
                       "regular files; give another name)",
                       path, kind_of(sb.st_mode));
  return RFL_OK;
}

rfl_status rfl_atomic_temp(const char *path, char *target, size_t tsize, char *tmp, size_t size) {
  RFL_CHECK(resolve(path, target, tsize));
  if (snprintf(tmp, size, "%s.tmp.%ld", target, (long)getpid()) >= (int)size)
    return RFL_ERROR(RFL_EIO, "%s: path too long", path);
  rfl_temp_register(tmp);
  return RFL_OK;
}

rfl_status rfl_atomic_publish(const char *tmp, const char *target, const char *path) {
  if (rename(tmp, target) != 0) {
    const int e = errno;
    rfl_atomic_discard(tmp);
    return RFL_ERROR(RFL_EIO, "%s: cannot rename the finished file into place: %s", path, strerror(e));
  }
  rfl_temp_unregister(tmp);
  return RFL_OK;
}

void rfl_atomic_discard(const char *tmp) {
  remove(tmp);
  rfl_temp_unregister(tmp);
}

rfl_status rfl_atomic_open(rfl_atomic_file *a, const char *path) {
  a->f = NULL;
  if (snprintf(a->path, sizeof a->path, "%s", path) >= (int)sizeof a->path)
    return RFL_ERROR(RFL_EIO, "%s: path too long", path);
  RFL_CHECK(rfl_atomic_temp(path, a->target, sizeof a->target, a->tmp, sizeof a->tmp));
  a->f = fopen(a->tmp, "wb");
  if (!a->f) {
    const int e = errno;
    rfl_temp_unregister(a->tmp);
    return RFL_ERROR(RFL_EIO, "%s: cannot create: %s", a->tmp, strerror(e));
  }
  return RFL_OK;
}

rfl_status rfl_atomic_commit(rfl_atomic_file *a) {
  int bad = ferror(a->f), e = bad ? EIO : 0;
  if (fflush(a->f) != 0 || fsync(fileno(a->f)) != 0) bad = 1, e = errno;
  if (fclose(a->f) != 0) bad = 1, e = errno;
  a->f = NULL;
  if (bad) {
    rfl_atomic_discard(a->tmp);
    return RFL_ERROR(RFL_EIO, "%s: write failed: %s", a->path, strerror(e));
  }
  return rfl_atomic_publish(a->tmp, a->target, a->path);
}

rfl_status rfl_atomic_write(const char *path, const char *data, size_t len) {
  rfl_atomic_file a;
  RFL_CHECK(rfl_atomic_open(&a, path));
  if (len > 0 && fwrite(data, 1, len, a.f) != len) {
    const int e = errno;
    fclose(a.f);
    rfl_atomic_discard(a.tmp);
    return RFL_ERROR(RFL_EIO, "%s: write failed: %s", path, strerror(e));
  }
  return rfl_atomic_commit(&a);
}

rfl_status rfl_atomic_create(const char *path, const char *data, size_t len, int *created) {
  rfl_atomic_file a;
  *created = 0;
  RFL_CHECK(rfl_atomic_open(&a, path));
  int bad = len > 0 && fwrite(data, 1, len, a.f) != len, e = errno;
  if (fflush(a.f) != 0 || fsync(fileno(a.f)) != 0) bad = 1, e = errno;
  if (fclose(a.f) != 0) bad = 1, e = errno;
  if (bad) {
    rfl_atomic_discard(a.tmp);
    return RFL_ERROR(RFL_EIO, "%s: write failed: %s", path, strerror(e));
  }
  rfl_status st = RFL_OK;
  if (link(a.tmp, a.target) == 0) {
    *created = 1;
  } else if (errno == EPERM || errno == ENOTSUP || errno == EOPNOTSUPP || errno == ENOSYS) {
    /* no hard links here: exclusive creation still decides the race */
    int fd = open(a.target, O_WRONLY | O_CREAT | O_EXCL, 0666);
    if (fd >= 0) {
      *created = 1;
      if (write(fd, data, len) != (ssize_t)len || fsync(fd) != 0) {
        st = RFL_ERROR(RFL_EIO, "%s: write failed: %s", path, strerror(errno));
        unlink(a.target);
      }
      close(fd);
    } else if (errno != EEXIST) {
      st = RFL_ERROR(RFL_EIO, "%s: cannot create: %s", path, strerror(errno));
    }
  } else if (errno != EEXIST) {
    st = RFL_ERROR(RFL_EIO, "%s: cannot create: %s", path, strerror(errno));
  }
  rfl_atomic_discard(a.tmp);
  return st;
}

/* ---- checks before any work ------------------------------------------------------------- */

/* dir must be an existing, writable directory. */
static rfl_status writable_dir(const char *option, const char *path, const char *dir) {
  struct stat sb;
  if (stat(dir, &sb) != 0)
    return RFL_ERROR(RFL_EUSAGE, "%s %s: expected an existing directory '%s', found none (%s)", option, path, dir,
                     strerror(errno));
  if (!S_ISDIR(sb.st_mode))
    return RFL_ERROR(RFL_EUSAGE, "%s %s: expected '%s' to be a directory, found %s", option, path, dir,
                     S_ISREG(sb.st_mode) ? "a file" : kind_of(sb.st_mode));
  if (access(dir, W_OK | X_OK) != 0)
    return RFL_ERROR(RFL_EUSAGE, "%s %s: expected a writable directory '%s', found it not writable (%s)", option,
                     path, dir, strerror(errno));
  return RFL_OK;
}

rfl_status rfl_output_check(const char *option, const char *path) {
  const size_t n = strlen(path);
  if (n == 0) return RFL_ERROR(RFL_EUSAGE, "%s: expected a file name, found ''", option);
  if (path[n - 1] == '/')
    return RFL_ERROR(RFL_EUSAGE, "%s %s: expected a file name, found a directory path", option, path);
  char target[RFL_PATH_MAX], dir[RFL_PATH_MAX];
  rfl_status st = resolve(path, target, sizeof target);
  if (st != RFL_OK) {
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", rfl_error_message());
    return RFL_ERROR(st, "%s %s", option, msg);
  }
  if (strlen(target) + 32 >= RFL_ATOMIC_TMP_MAX)
    return RFL_ERROR(RFL_EUSAGE, "%s %s: expected a path of at most %d characters, found a longer one", option, path,
                     RFL_PATH_MAX - 33);
  dir_of(target, dir, sizeof dir);
  return writable_dir(option, path, dir);
}

rfl_status rfl_output_dir_check(const char *option, const char *path) {
  const size_t n = strlen(path);
  if (n == 0) return RFL_ERROR(RFL_EUSAGE, "%s: expected a directory name, found ''", option);
  if (n + 64 >= RFL_PATH_MAX)
    return RFL_ERROR(RFL_EUSAGE, "%s %.60s...: expected a path of at most %d characters, found a longer one", option,
                     path, RFL_PATH_MAX - 65);
  struct stat sb;
  if (stat(path, &sb) == 0) return writable_dir(option, path, path);
  char trimmed[RFL_PATH_MAX], parent[RFL_PATH_MAX];
  snprintf(trimmed, sizeof trimmed, "%s", path);
  for (size_t k = strlen(trimmed); k > 1 && trimmed[k - 1] == '/'; k--) trimmed[k - 1] = '\0';
  dir_of(trimmed, parent, sizeof parent);
  return writable_dir(option, path, parent);
}
