/* A sweep's output directory, shared by `rflesion sweep` and `rflesion merge`:
 *
 *   DIR/sweep.txt              the expanded sweep (manifest): every case's --set list and a
 *                              hash of its resolved case; a restart must match it
 *   DIR/rows/case-NNNNNN.row   one results record per finished case (written atomically)
 *   DIR/completed.log          one line per case finished (who ran it), appended
 *   DIR/results.h5, .csv       the table, assembled from the records sorted by case index
 *   DIR/fields/case-NNNNNN.h5  per-case field files (--fields only)
 *
 * A case is done when its record exists; nothing else records progress, so a sweep killed
 * at any moment resumes by running the cases without a record. */
#ifndef RFL_SWEEP_DIR_H
#define RFL_SWEEP_DIR_H

#include <stddef.h>

#include "results_table.h"
#include "status.h"

/* Creates DIR and DIR/rows (and DIR/fields when fields), then writes the manifest, or, when
 * DIR already holds one, checks that it is the same sweep (lines starting with '#' are
 * comments). A different sweep is RFL_EINPUT naming the first differing line. */
rfl_status rfl_sweep_dir_prepare(const char *dir, const char *manifest, int fields);

/* The manifest of DIR (malloc'ed) and the number of cases it lists. */
rfl_status rfl_sweep_dir_read_manifest(const char *dir, char **text, size_t *ncases);

void rfl_sweep_dir_row_path(const char *dir, size_t index, char *buf, size_t size);
void rfl_sweep_dir_fields_path(const char *dir, size_t index, char *buf, size_t size);
int rfl_sweep_dir_has_row(const char *dir, size_t index);

/* Writes the record of a finished case and appends "case N by WHO" to the log. */
rfl_status rfl_sweep_dir_commit_row(const char *dir, const rfl_results_row *row, const char *who);

/* Reads the records of cases 0..ncases-1 from the directories (the first that has a case
 * wins) into t (finished); *missing counts the cases none has, and the first few missing
 * indices go to first_missing (up to nfirst). */
rfl_status rfl_sweep_dir_collect(const char *const *dirs, int ndirs, size_t ncases, rfl_results_table *t,
                                 size_t *missing, size_t *first_missing, int nfirst);

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
