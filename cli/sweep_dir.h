// SPDX-License-Identifier: BSD-3-Clause
/* A sweep's output directory, shared by `rflesion sweep` and `rflesion merge`:
 *
 *   DIR/sweep.txt              the expanded sweep (manifest): every case's --set list and a
 *                              hash of its resolved case; a restart must match it. Created
 *                              exclusively: of two sweeps started together, one creates it
 *                              and the other is compared with it
 *   DIR/.lock                  held by the running sweep: exclusively by a whole sweep,
 *                              shared by the shards of one (host and pid written inside)
 *   DIR/.lock-shard-I-of-N     held exclusively by the process running shard I of N
 *   DIR/rows/case-NNNNNN.row   one results record per finished case (written atomically),
 *                              carrying the hash of its case: a record whose hash is not
 *                              the manifest's is never reused
 *   DIR/completed.log          one line per case finished (who ran it), appended
 *   DIR/results.h5, .csv       the table, assembled from the records sorted by case index
 *   DIR/fields/case-NNNNNN.h5  per-case field files (--fields only)
 *
 * A case is done when its record exists and carries its case's hash; nothing else records
 * progress, so a sweep killed at any moment resumes by running the cases without one. */
#ifndef RFL_SWEEP_DIR_H
#define RFL_SWEEP_DIR_H

#include <stddef.h>
#include <stdint.h>

#include "results_table.h"
#include "status.h"

/* Checks DIR and the table, manifest and log names in it before any work (an existing
 * DIR must be a writable directory; no name may be a device node, FIFO or directory),
 * then creates DIR and DIR/rows (and DIR/fields when fields). RFL_EUSAGE naming --out. */
rfl_status rfl_sweep_dir_create(const char *dir, int fields);

/* Writes the manifest, or, when DIR already holds one, checks that it is the same sweep
 * (lines starting with '#' are comments). A different sweep is RFL_EINPUT naming the
 * first differing line. */
rfl_status rfl_sweep_dir_claim(const char *dir, const char *manifest);
/* rfl_sweep_dir_create, then rfl_sweep_dir_claim. */
rfl_status rfl_sweep_dir_prepare(const char *dir, const char *manifest, int fields);
/* DIR must hold a manifest (RFL_EINPUT "expected a sweep directory" otherwise; nothing is
 * created) equal to manifest. */
rfl_status rfl_sweep_dir_check_same(const char *dir, const char *manifest);

/* The lock of a running sweep (descriptors; -1 when not held). */
typedef struct {
  int fd, shard_fd;
  int unsupported; /* errno when the file system refused locks (the run goes on), else 0 */
} rfl_sweep_lock;

/* Takes DIR/.lock exclusively (nshards == 1) or shared plus DIR/.lock-shard-I-of-N
 * exclusively, for as long as the process runs or until rfl_sweep_dir_unlock. Another
 * sweep holding it is RFL_EINPUT naming it (host and pid) and what to do. A file system
 * without locks sets lock->unsupported and returns RFL_OK. */
rfl_status rfl_sweep_dir_lock(const char *dir, int shard, int nshards, rfl_sweep_lock *lock);
void rfl_sweep_dir_unlock(rfl_sweep_lock *lock);

/* Removes temporaries (NAME.tmp.PID) of processes that are no longer alive from DIR, DIR/rows
 * and DIR/fields; with mine (a flag per case), only those of the flagged cases' records
 * and field files (the other shards' are theirs to clean). *removed counts them. */
void rfl_sweep_dir_remove_stale_temps(const char *dir, const unsigned char *mine, size_t ncases, size_t *removed);

/* The hash of every case, from the manifest's "case I HASH ..." lines. */
rfl_status rfl_sweep_dir_manifest_hashes(const char *dir, const char *manifest, size_t ncases, uint64_t *hashes);

/* The manifest of DIR (malloc'ed) and the number of cases it lists. */
rfl_status rfl_sweep_dir_read_manifest(const char *dir, char **text, size_t *ncases);

void rfl_sweep_dir_row_path(const char *dir, size_t index, char *buf, size_t size);
void rfl_sweep_dir_fields_path(const char *dir, size_t index, char *buf, size_t size);

/* What a resumed sweep does with case index's record. */
typedef enum {
  RFL_ROW_MISSING, /* none: run the case */
  RFL_ROW_DONE,    /* a whole record of this case (its hash matches): reuse it */
  RFL_ROW_STALE,   /* a record of another case (hash missing or different): run it again */
  RFL_ROW_CORRUPT, /* unreadable: moved aside to NAME.corrupt; run the case again */
  RFL_ROW_RETRY    /* the case failed with an I/O or system error (exit code 4: a full
                      disk, say), which another attempt may not meet: run it again */
} rfl_sweep_row_state;
/* why (when not NULL) gets the reason of STALE and CORRUPT, naming the record. */
rfl_sweep_row_state rfl_sweep_dir_row_state(const char *dir, size_t index, uint64_t hash, char *why, size_t size);

/* Writes the record of a finished case and appends "case N by WHO" to the log. */
rfl_status rfl_sweep_dir_commit_row(const char *dir, const rfl_results_row *row, const char *who);

/* Reads the records of cases 0..ncases-1 from the directories (the first that has a case
 * wins) into t (finished); *missing counts the cases none has, and the first few missing
 * indices go to first_missing (up to nfirst). A damaged record, or one whose hash is not
 * hashes[i], is RFL_EINPUT naming it and saying how to recompute it. */
rfl_status rfl_sweep_dir_collect(const char *const *dirs, int ndirs, size_t ncases, const uint64_t *hashes,
                                 rfl_results_table *t, size_t *missing, size_t *first_missing, int nfirst);

/* DIR/results.h5 and DIR/results.csv. */
rfl_status rfl_sweep_dir_write_table(const char *dir, const rfl_results_table *t, const char *manifest);

/* Exit code of a set of cases: the largest exit code of a failed case (3 or 4), else 1 if
 * a case raised a safety flag, else 0. */
int rfl_sweep_table_exit_code(const rfl_results_table *t);

/* --figure METRIC:X[:GROUP]: splits spec into columns the table has (column names may hold
 * ':' themselves: the split that names existing columns wins) and draws
 * DIR/figure-METRIC-vs-X[-by-GROUP].png; the path goes to path_out. RFL_EINPUT when no
 * split names existing columns (the message lists the numeric columns). */
rfl_status rfl_sweep_figure(const char *dir, const rfl_results_table *t, const char *spec, char *path_out,
                            size_t size);
/* Only checks that spec names columns of t (t may be a one-row prototype). */
rfl_status rfl_sweep_figure_check(const rfl_results_table *t, const char *spec);

#endif
