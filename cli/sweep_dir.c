// SPDX-License-Identifier: BSD-3-Clause
/* A sweep's output directory (see sweep_dir.h). Every file is written atomically
 * (temporary name, fsync, rename); the completion log is appended with one write() per
 * line on a descriptor opened O_APPEND, so lines from several processes never interleave.
 * The log is a record for people and tests; the row records alone decide what is done. */
#define _GNU_SOURCE /* F_OFD_SETLK: locks of an open file, which NFS honours too */
#include "sweep_dir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "figures.h"
#include "temp_registry.h"

static rfl_status make_dir(const char *path) {
  if (mkdir(path, 0777) == 0 || errno == EEXIST) {
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) return RFL_OK;
    return RFL_ERROR(RFL_EIO, "%s: expected a directory, found a file", path);
  }
  return RFL_ERROR(RFL_EIO, "%s: cannot create the directory: %s", path, strerror(errno));
}

static rfl_status read_all(const char *path, char **text) {
  *text = NULL;
  FILE *f = fopen(path, "rb");
  if (!f) return RFL_ERROR(errno == ENOENT ? RFL_EINPUT : RFL_EIO, "%s: cannot read: %s", path, strerror(errno));
  size_t len = 0, cap = 65536;
  char *buf = malloc(cap);
  rfl_status st = RFL_OK;
  while (buf) {
    len += fread(buf + len, 1, cap - len - 1, f);
    if (len + 1 < cap) break;
    char *grown = realloc(buf, 2 * cap);
    if (!grown) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = grown;
    cap *= 2;
  }
  if (!buf) st = RFL_ERROR(RFL_ENOMEM, "%s: out of memory", path);
  else if (ferror(f)) st = RFL_ERROR(RFL_EIO, "%s: read error", path);
  fclose(f);
  if (st != RFL_OK) {
    free(buf);
    return st;
  }
  buf[len] = '\0';
  *text = buf;
  return RFL_OK;
}

/* Next line that is not a comment, as [*start, *end); returns 0 at the end. */
static int next_line(const char **p, const char **start, const char **end) {
  while (**p) {
    const char *s = *p, *nl = strchr(s, '\n');
    const char *e = nl ? nl : s + strlen(s);
    *p = nl ? nl + 1 : e;
    if (*s == '#') continue;
    *start = s;
    *end = e;
    return 1;
  }
  return 0;
}

rfl_status rfl_sweep_dir_create(const char *dir, int fields) {
  static const char *const files[] = {"sweep.txt", "results.h5", "results.csv", "completed.log"};
  char path[RFL_PATH_MAX + 64];
  RFL_CHECK(rfl_output_dir_check("--out", dir));
  for (size_t i = 0; i < sizeof files / sizeof files[0] && access(dir, F_OK) == 0; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, files[i]);
    RFL_CHECK(rfl_output_check("--out", path));
  }
  RFL_CHECK(make_dir(dir));
  snprintf(path, sizeof path, "%s/rows", dir);
  RFL_CHECK(make_dir(path));
  if (fields) {
    snprintf(path, sizeof path, "%s/fields", dir);
    RFL_CHECK(make_dir(path));
  }
  return RFL_OK;
}

/* The manifest at path (text old) against the one of this run: RFL_EINPUT naming the first
 * line that differs. */
static rfl_status compare_manifests(const char *dir, const char *path, const char *old, const char *manifest) {
  const char *p = old, *q = manifest, *a0 = NULL, *a1 = NULL, *b0 = NULL, *b1 = NULL;
  int line = 0;
  rfl_status st = RFL_OK;
  for (;;) {
    int ha = next_line(&p, &a0, &a1), hb = next_line(&q, &b0, &b1);
    line++;
    if (!ha && !hb) break;
    if (ha && hb && a1 - a0 == b1 - b0 && memcmp(a0, b0, (size_t)(a1 - a0)) == 0) continue;
    st = RFL_ERROR(RFL_EINPUT,
                   "%s: expected the sweep this directory was started with, found a different one (manifest "
                   "line %d: recorded '%.*s', now '%.*s'); give a new --out directory, or remove %s to start over",
                   path, line, ha ? (int)(a1 - a0 > 120 ? 120 : a1 - a0) : 5, ha ? a0 : "(end)",
                   hb ? (int)(b1 - b0 > 120 ? 120 : b1 - b0) : 5, hb ? b0 : "(end)", dir);
    break;
  }
  return st;
}

rfl_status rfl_sweep_dir_claim(const char *dir, const char *manifest) {
  char path[RFL_PATH_MAX + 64];
  snprintf(path, sizeof path, "%s/sweep.txt", dir);
  int created = 0;
  RFL_CHECK(rfl_atomic_create(path, manifest, strlen(manifest), &created));
  if (created) return RFL_OK;
  char *old = NULL;
  RFL_CHECK(read_all(path, &old));
  rfl_status st = compare_manifests(dir, path, old, manifest);
  free(old);
  return st;
}

rfl_status rfl_sweep_dir_prepare(const char *dir, const char *manifest, int fields) {
  RFL_CHECK(rfl_sweep_dir_create(dir, fields));
  return rfl_sweep_dir_claim(dir, manifest);
}

/* RFL_EINPUT unless DIR holds a manifest (nothing is created). */
static rfl_status sweep_directory(const char *dir) {
  char path[RFL_PATH_MAX + 64];
  snprintf(path, sizeof path, "%s/sweep.txt", dir);
  struct stat sb;
  if (stat(path, &sb) == 0) return RFL_OK;
  return RFL_ERROR(RFL_EINPUT, "%s: expected a sweep directory (holding sweep.txt), found %s; give the --out "
                               "directories of the sweep's shards", dir,
                   stat(dir, &sb) != 0 ? "no such directory" : S_ISDIR(sb.st_mode) ? "no sweep.txt" : "a file");
}

rfl_status rfl_sweep_dir_check_same(const char *dir, const char *manifest) {
  char path[RFL_PATH_MAX + 64], *old = NULL;
  snprintf(path, sizeof path, "%s/sweep.txt", dir);
  RFL_CHECK(sweep_directory(dir));
  RFL_CHECK(read_all(path, &old));
  rfl_status st = compare_manifests(dir, path, old, manifest);
  free(old);
  return st;
}

/* ---- the lock ------------------------------------------------------------------------------ */

/* Who holds a lock: the first line of its file (written by the holder). */
static void lock_holder(int fd, char *buf, size_t size) {
  ssize_t n = pread(fd, buf, size - 1, 0);
  buf[n > 0 ? n : 0] = '\0';
  char *nl = strchr(buf, '\n');
  if (nl) *nl = '\0';
  if (!buf[0]) snprintf(buf, size, "holder unknown");
}

/* 0 locked, 1 held by another process, 2 locks unsupported here, -1 error (errno). */
static int take(const char *path, short type, int *fd) {
  *fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (*fd < 0) return -1;
  struct flock fl = {.l_type = type, .l_whence = SEEK_SET};
  if (fcntl(*fd, F_OFD_SETLK, &fl) == 0) return 0;
  int e = errno;
  if (e == EAGAIN || e == EACCES) return 1;
  close(*fd);
  *fd = -1;
  errno = e;
  return e == ENOLCK || e == EOPNOTSUPP || e == ENOSYS || e == EINVAL ? 2 : -1;
}

static void write_holder(int fd, const char *what) {
  char host[64] = "?", line[256];
  gethostname(host, sizeof host);
  host[sizeof host - 1] = '\0';
  int n = snprintf(line, sizeof line, "host %s pid %ld: %s\n", host, (long)getpid(), what);
  if (ftruncate(fd, 0) == 0 && pwrite(fd, line, (size_t)n, 0) == n) return; /* best effort: a name only */
}

static rfl_status refuse(const char *dir, const char *path, int fd, int whole_wanted) {
  char holder[200];
  struct flock fl = {.l_type = whole_wanted ? F_WRLCK : F_RDLCK, .l_whence = SEEK_SET};
  int shards = fcntl(fd, F_OFD_GETLK, &fl) == 0 && fl.l_type == F_RDLCK;
  if (shards) snprintf(holder, sizeof holder, "shards of a sweep, see %s/.lock-shard-*", dir);
  else lock_holder(fd, holder, sizeof holder);
  close(fd);
  return RFL_ERROR(RFL_EINPUT,
                   "%s: expected a directory no other sweep is using, found one in use (%s held by %s); wait for "
                   "that sweep to finish (or stop it), or give another --out directory",
                   dir, path, holder);
}

rfl_status rfl_sweep_dir_lock(const char *dir, int shard, int nshards, rfl_sweep_lock *lock) {
  char path[RFL_PATH_MAX + 64], what[64];
  lock->fd = lock->shard_fd = -1;
  lock->unsupported = 0;
  snprintf(path, sizeof path, "%s/.lock", dir);
  int fd, r = take(path, nshards > 1 ? F_RDLCK : F_WRLCK, &fd);
  if (r == 2) {
    lock->unsupported = errno;
    return RFL_OK;
  }
  if (r < 0) return RFL_ERROR(RFL_EIO, "%s: cannot open the lock file: %s", path, strerror(errno));
  if (r == 1) return refuse(dir, path, fd, nshards == 1);
  lock->fd = fd;
  if (nshards == 1) {
    write_holder(fd, "whole sweep");
    return RFL_OK;
  }
  snprintf(path, sizeof path, "%s/.lock-shard-%d-of-%d", dir, shard, nshards);
  r = take(path, F_WRLCK, &fd);
  if (r == 2) return RFL_OK;
  if (r < 0) {
    const int e = errno;
    rfl_sweep_dir_unlock(lock);
    return RFL_ERROR(RFL_EIO, "%s: cannot open the lock file: %s", path, strerror(e));
  }
  if (r == 1) {
    rfl_sweep_dir_unlock(lock);
    return refuse(dir, path, fd, 0);
  }
  snprintf(what, sizeof what, "shard %d of %d", shard, nshards);
  write_holder(fd, what);
  lock->shard_fd = fd;
  return RFL_OK;
}

void rfl_sweep_dir_unlock(rfl_sweep_lock *lock) {
  if (lock->shard_fd >= 0) close(lock->shard_fd);
  if (lock->fd >= 0) close(lock->fd);
  lock->fd = lock->shard_fd = -1;
}

/* ---- stale temporaries ------------------------------------------------------------------------ */

static int process_gone(long pid) { return pid > 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH; }

static void remove_stale_in(const char *sub, const unsigned char *mine, size_t ncases, size_t *removed) {
  DIR *d = opendir(sub);
  if (!d) return;
  char path[RFL_PATH_MAX + 320];
  for (struct dirent *e; (e = readdir(d));) {
    long pid = rfl_temp_name_pid(e->d_name);
    if (!pid || !process_gone(pid)) continue;
    if (mine) {
      size_t index;
      if (sscanf(e->d_name, "case-%zu.", &index) != 1 || index >= ncases || !mine[index]) continue;
    }
    snprintf(path, sizeof path, "%s/%s", sub, e->d_name);
    if (unlink(path) == 0) (*removed)++;
  }
  closedir(d);
}

void rfl_sweep_dir_remove_stale_temps(const char *dir, const unsigned char *mine, size_t ncases, size_t *removed) {
  char path[RFL_PATH_MAX + 64];
  *removed = 0;
  if (!mine) remove_stale_in(dir, NULL, ncases, removed);
  snprintf(path, sizeof path, "%s/rows", dir);
  remove_stale_in(path, mine, ncases, removed);
  snprintf(path, sizeof path, "%s/fields", dir);
  remove_stale_in(path, mine, ncases, removed);
}

rfl_status rfl_sweep_dir_read_manifest(const char *dir, char **text, size_t *ncases) {
  char path[RFL_PATH_MAX + 64];
  snprintf(path, sizeof path, "%s/sweep.txt", dir);
  *text = NULL;
  RFL_CHECK(sweep_directory(dir));
  RFL_CHECK(read_all(path, text));
  const char *p = *text, *s, *e;
  while (next_line(&p, &s, &e)) {
    unsigned long long n;
    if (sscanf(s, "cases %llu", &n) == 1) {
      *ncases = (size_t)n;
      return RFL_OK;
    }
  }
  free(*text);
  *text = NULL;
  return RFL_ERROR(RFL_EINPUT, "%s: expected a sweep manifest with a 'cases N' line, found none", path);
}

void rfl_sweep_dir_row_path(const char *dir, size_t index, char *buf, size_t size) {
  snprintf(buf, size, "%s/rows/case-%06zu.row", dir, index);
}

void rfl_sweep_dir_fields_path(const char *dir, size_t index, char *buf, size_t size) {
  snprintf(buf, size, "%s/fields/case-%06zu.h5", dir, index);
}

rfl_status rfl_sweep_dir_manifest_hashes(const char *dir, const char *manifest, size_t ncases, uint64_t *hashes) {
  const char *p = manifest, *s, *e;
  size_t found = 0;
  while (next_line(&p, &s, &e)) {
    unsigned long long i, h;
    if (sscanf(s, "case %llu\t%16llx", &i, &h) != 2 || i >= ncases) continue;
    hashes[i] = (uint64_t)h;
    found++;
  }
  if (found != ncases)
    return RFL_ERROR(RFL_EINPUT, "%s/sweep.txt: expected a 'case I HASH' line for each of the %zu cases, found %zu",
                     dir, ncases, found);
  return RFL_OK;
}

/* Reads case index's record at path and checks it is the case's: RFL_EINPUT otherwise,
 * with *stale set when the record is whole but belongs to another case. */
static rfl_status read_own_row(const char *path, size_t index, uint64_t hash, rfl_results_row *row, int *stale) {
  *stale = 0;
  RFL_CHECK(rfl_results_row_read(path, row));
  rfl_status st = RFL_OK;
  if (row->index != (long long)index)
    st = RFL_ERROR(RFL_EINPUT, "%s: expected the record of case %zu, found case %lld", path, index, row->index);
  else if (!row->has_hash || row->hash != hash) {
    *stale = 1;
    char had[32] = "none";
    if (row->has_hash) snprintf(had, sizeof had, "%016llx", (unsigned long long)row->hash);
    st = RFL_ERROR(RFL_EINPUT, "%s: expected the record of case %zu of this sweep (case hash %016llx), found one of "
                               "another case (hash %s)", path, index, (unsigned long long)hash, had);
  }
  if (st != RFL_OK) rfl_results_row_free(row);
  return st;
}

rfl_sweep_row_state rfl_sweep_dir_row_state(const char *dir, size_t index, uint64_t hash, char *why, size_t size) {
  char path[RFL_PATH_MAX + 64], aside[RFL_PATH_MAX + 80];
  rfl_sweep_dir_row_path(dir, index, path, sizeof path);
  if (access(path, F_OK) != 0) return RFL_ROW_MISSING;
  rfl_results_row row;
  int stale;
  rfl_error_clear();
  if (read_own_row(path, index, hash, &row, &stale) == RFL_OK) {
    const rfl_results_cell *code = rfl_results_row_find(&row, "exit_code");
    const rfl_results_cell *msg = rfl_results_row_find(&row, "message");
    int retry = code && code->type != RFL_RESULTS_TEXT && code->num == 4.0;
    if (retry && why)
      snprintf(why, size, "%s: case %zu failed with an I/O or system error last time (%.300s)", path, index,
               msg && msg->type == RFL_RESULTS_TEXT ? msg->text : "no message");
    rfl_results_row_free(&row);
    return retry ? RFL_ROW_RETRY : RFL_ROW_DONE;
  }
  if (why) snprintf(why, size, "%s", rfl_error_message());
  if (stale) return RFL_ROW_STALE;
  snprintf(aside, sizeof aside, "%s.corrupt", path);
  if (rename(path, aside) != 0) unlink(path);
  return RFL_ROW_CORRUPT;
}

rfl_status rfl_sweep_dir_commit_row(const char *dir, const rfl_results_row *row, const char *who) {
  char path[RFL_PATH_MAX + 64], line[256];
  rfl_sweep_dir_row_path(dir, (size_t)row->index, path, sizeof path);
  RFL_CHECK(rfl_results_row_write(path, row));
  snprintf(path, sizeof path, "%s/completed.log", dir);
  int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0666);
  if (fd < 0) return RFL_ERROR(RFL_EIO, "%s: cannot open: %s", path, strerror(errno));
  int n = snprintf(line, sizeof line, "case %lld by %s\n", row->index, who);
  ssize_t w = write(fd, line, (size_t)n);
  int e = errno;
  close(fd);
  if (w != n) return RFL_ERROR(RFL_EIO, "%s: cannot append: %s", path, strerror(e));
  return RFL_OK;
}

rfl_status rfl_sweep_dir_collect(const char *const *dirs, int ndirs, size_t ncases, const uint64_t *hashes,
                                 rfl_results_table *t, size_t *missing, size_t *first_missing, int nfirst) {
  char path[RFL_PATH_MAX + 64];
  *missing = 0;
  for (size_t i = 0; i < ncases; i++) {
    int found = 0;
    for (int d = 0; d < ndirs && !found; d++) {
      rfl_sweep_dir_row_path(dirs[d], i, path, sizeof path);
      if (access(path, F_OK) != 0) continue;
      rfl_results_row row;
      int stale;
      rfl_status st = read_own_row(path, i, hashes[i], &row, &stale);
      if (st != RFL_OK) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", rfl_error_message());
        return RFL_ERROR(st == RFL_EIO ? RFL_EIO : RFL_EINPUT,
                         "%s; run the sweep again with the same command and --out %s: it %s the record and "
                         "recomputes the case", msg, dirs[d], stale ? "replaces" : "moves aside");
      }
      st = rfl_results_table_add(t, &row);
      rfl_results_row_free(&row);
      RFL_CHECK(st);
      found = 1;
    }
    if (!found) {
      if (*missing < (size_t)nfirst) first_missing[*missing] = i;
      (*missing)++;
    }
  }
  return rfl_results_table_finish(t);
}

rfl_status rfl_sweep_dir_write_table(const char *dir, const rfl_results_table *t, const char *manifest) {
  char path[RFL_PATH_MAX + 64];
  snprintf(path, sizeof path, "%s/results.h5", dir);
  RFL_CHECK(rfl_results_table_write_h5(t, path, manifest));
  snprintf(path, sizeof path, "%s/results.csv", dir);
  return rfl_results_table_write_csv(t, path);
}

int rfl_sweep_table_exit_code(const rfl_results_table *t) {
  int code = 0, ce = rfl_results_table_column(t, "exit_code");
  if (ce < 0) return 0;
  for (size_t r = 0; r < t->nrows; r++) {
    double v = rfl_results_table_number(t, r, ce);
    int c = v == v ? (int)v : 0;
    if (c >= 2 && c > code) code = c;
    if (c == 1 && code == 0) code = 1;
  }
  return code;
}

/* ---- --figure ---------------------------------------------------------------------------- */

/* Splits spec at ':' into metric, x and an optional group that are all columns of t. */
static int split_figure(const rfl_results_table *t, const char *spec, char *m, char *x, char *g, size_t size) {
  const char *colon[64];
  int nc = 0;
  for (const char *p = spec; *p && nc < 64; p++)
    if (*p == ':') colon[nc++] = p;
  const char *end = spec + strlen(spec);
  for (int i = 0; i < nc; i++)
    for (int j = i + 1; j <= nc; j++) {
      const char *xe = j < nc ? colon[j] : end;
      snprintf(m, size, "%.*s", (int)(colon[i] - spec), spec);
      snprintf(x, size, "%.*s", (int)(xe - colon[i] - 1), colon[i] + 1);
      if (j < nc) snprintf(g, size, "%s", colon[j] + 1);
      else g[0] = '\0';
      if (rfl_results_table_column(t, m) >= 0 && rfl_results_table_column(t, x) >= 0 &&
          (!g[0] || rfl_results_table_column(t, g) >= 0))
        return 1;
    }
  return 0;
}

static rfl_status figure_error(const rfl_results_table *t, const char *spec) {
  char known[2048] = "";
  for (int c = 0; c < t->ncolumns; c++) {
    if (t->columns[c].type == RFL_RESULTS_TEXT) continue;
    size_t n = strlen(known);
    snprintf(known + n, sizeof known - n, "%s%s", n ? ", " : "", t->columns[c].name);
  }
  return RFL_ERROR(RFL_EUSAGE, "--figure %s: expected METRIC:X[:GROUP] naming columns of the results table "
                               "(numeric: %s), found '%s'", spec, known, spec);
}

rfl_status rfl_sweep_figure_check(const rfl_results_table *t, const char *spec) {
  char m[RFL_RESULTS_NAME_MAX * 2], x[RFL_RESULTS_NAME_MAX * 2], g[RFL_RESULTS_NAME_MAX * 2];
  return split_figure(t, spec, m, x, g, sizeof m) ? RFL_OK : figure_error(t, spec);
}

rfl_status rfl_sweep_figure(const char *dir, const rfl_results_table *t, const char *spec, char *path_out,
                            size_t size) {
  char m[RFL_RESULTS_NAME_MAX * 2], x[RFL_RESULTS_NAME_MAX * 2], g[RFL_RESULTS_NAME_MAX * 2];
  if (!split_figure(t, spec, m, x, g, sizeof m)) return figure_error(t, spec);
  char name[RFL_RESULTS_NAME_MAX * 7];
  snprintf(name, sizeof name, "figure-%s-vs-%s%s%s.png", m, x, g[0] ? "-by-" : "", g);
  for (char *p = name; *p; p++)
    if (*p == '/' || *p == ':') *p = '_';
  if (snprintf(path_out, size, "%s/%s", dir, name) >= (int)size) return RFL_ERROR(RFL_EIO, "%s: path too long", dir);
  return rfl_figure_sweep(path_out, t, m, x, g[0] ? g : NULL);
}
