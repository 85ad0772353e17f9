// SPDX-License-Identifier: BSD-3-Clause
/* Every figure a run reports, described once. One descriptor per metric says what it is
 * called in each output, its unit, what it means and where its value comes from; the
 * terminal summary, the JSON summary, the HDF5 records under /summary and the sweep's
 * results table are written by walking this table, and docs/json-summary.md is generated
 * from it (`rflesion check --metrics-markdown`). Adding a metric is one table entry in
 * metrics.c.
 *
 * A metric belongs to a scope:
 *   RUN        one value per run (generator at the end of RF, energy budget, cost);
 *   SNAPSHOT   one value per lesion snapshot (end of RF, after the cool-down, each growth
 *              time): the JSON object of the snapshot, a row of /summary/lesion, and for
 *              the end of RF and the cool-down columns of /summary/metrics and the sweep
 *              (the cool-down's prefixed "after_cooldown." in JSON, "final_" in columns);
 *   STRUCTURE  one value per structure: an element of the JSON "structures" list, a row
 *              of /summary/structures, and the sweep columns NAME.COLUMN.
 *
 * Also here, so that they are spelled once: the safety flag and finding kinds, and a
 * structure's role as text. */
#ifndef RFL_METRICS_H
#define RFL_METRICS_H

#include <stdio.h>

#include "summary.h"

/* Version of the JSON summary's layout (the JSON key "schema_version"): raised when a key
 * is renamed or removed or changes its meaning, not when one is added. */
#define RFL_JSON_SCHEMA_VERSION 1

typedef enum { RFL_METRIC_RUN, RFL_METRIC_SNAPSHOT, RFL_METRIC_STRUCTURE } rfl_metric_scope;

typedef enum {
  RFL_METRIC_REAL,  /* float64 (JSON number, null when not finite) */
  RFL_METRIC_INT,   /* int32 */
  RFL_METRIC_COUNT, /* int64 */
  RFL_METRIC_FOUND, /* uint8 0/1 (JSON true/false) */
  RFL_METRIC_TEXT   /* a word (JSON string, fixed-length HDF5 string) */
} rfl_metric_type;

/* Terminal lines a metric can be printed on (postproc/summary_print.c lays them out). */
typedef enum {
  RFL_TERM_NONE,      /* not printed: named in the descriptor's `terminal_note` */
  RFL_TERM_SNAPSHOT,  /* the snapshot's heading "(t = ... s)" */
  RFL_TERM_LESION,    /* the Omega >= 1 lesion line of a snapshot */
  RFL_TERM_ISOTHERM,  /* the isotherm lesion line of a snapshot */
  RFL_TERM_LABEL,     /* the isotherm line's label */
  RFL_TERM_GENERATOR, /* "Generator at the end of RF: ..." */
  RFL_TERM_PEAK,      /* "Peak tissue temperature: ..." */
  RFL_TERM_ENERGY,    /* "Energy (J): ..." */
  RFL_TERM_STRUCTURE, /* "Structure 'NAME' (ROLE): ..." */
  RFL_TERM_COST,      /* "Grid ... cells, ..." */
  RFL_TERM_COURSE     /* "  along its course of ...", after a tube structure's line */
} rfl_term_line;

/* Where a metric's value is read: the summary, and for the narrower scopes the snapshot
 * (with its index in the error estimate: 0 end of RF, 1 after the cool-down, -1 none) or
 * the structure's index. */
typedef struct {
  const rfl_summary *summary;
  const rfl_lesion_snapshot *snapshot;
  int snapshot_index;
  int structure;
} rfl_metric_source;

typedef struct rfl_metric rfl_metric;
struct rfl_metric {
  const char *json;        /* key path inside the scope's JSON object: "generator.power_W" */
  const char *column;      /* HDF5 record member and sweep column: "power_W" */
  const char *sweep;       /* sweep column when it differs from `column`; "" = not in the sweep */
  const char *unit;        /* "mm", "mm^3", "C", "s", "V", "A", "W", "ohm", "J", "min", "1", "-" */
  const char *description; /* for docs/json-summary.md (Markdown) */
  rfl_metric_scope scope;
  rfl_metric_type type;
  double (*value)(const rfl_metric_source *src);     /* in `unit`; NAN when it does not exist */
  const char *(*text)(const rfl_metric_source *src); /* RFL_METRIC_TEXT */
  int error;               /* index of its discretisation error within its scope (see
                              rfl_metric_error), -1 without one */
  /* Terminal: printed on `line` as `before`, printf(`format`, value * scale), the error
   * "+- ..." when estimated, then `after`; `nan_text` instead of all that when the value
   * is NAN (NULL: print the phrase anyway). */
  rfl_term_line line;
  const char *before, *format, *after;
  double scale;
  const char *nan_text;
  const char *terminal_note; /* why the terminal does not print it (line RFL_TERM_NONE) */
};

/* The table, in output order. */
const rfl_metric *rfl_metrics(int *n);

/* The metric whose JSON path (within its scope) is `json`, or NULL. */
const rfl_metric *rfl_metric_find(rfl_metric_scope scope, const char *json);

/* The value, NAN for an absent one (a text metric: NAN). */
double rfl_metric_value(const rfl_metric *m, const rfl_metric_source *src);

/* A text metric's word ("" for other types). */
const char *rfl_metric_text(const rfl_metric *m, const rfl_metric_source *src);

/* The discretisation error of the value in the metric's unit, NAN when not estimated. */
double rfl_metric_error(const rfl_metric *m, const rfl_metric_source *src);

/* The sweep column name of a metric for structure k (NAME.COLUMN) or of the run/a snapshot
 * (prefix "final_" for the cool-down); "" when the metric is not in the sweep. */
void rfl_metric_sweep_name(const rfl_metric *m, const char *prefix, const char *structure, char *buf, size_t size);

/* Sources of the run, of a snapshot and of a structure. */
rfl_metric_source rfl_metric_run(const rfl_summary *s);
rfl_metric_source rfl_metric_snapshot(const rfl_summary *s, const rfl_lesion_snapshot *snap, int error_index);
rfl_metric_source rfl_metric_structure(const rfl_summary *s, int k);

/* The two snapshots that are also columns of the run: end of RF and after the cool-down. */
typedef struct {
  const char *json_prefix;   /* "" and "after_cooldown." */
  const char *column_prefix; /* "" and "final_" */
} rfl_snapshot_place;
extern const rfl_snapshot_place rfl_snapshot_places[2];
const rfl_lesion_snapshot *rfl_snapshot_at(const rfl_summary *s, int place);

/* ---- flags, findings and roles ---------------------------------------------------------- */

typedef enum {
  RFL_FLAG_OVERLAP,          /* protected_overlap */
  RFL_FLAG_WITHIN_MARGIN,    /* protected_within_margin */
  RFL_FLAG_OVER_THRESHOLD,   /* protected_over_threshold */
  RFL_FLAG_NOT_COVERED,      /* target_not_covered (a finding) */
  RFL_FLAG_WITHIN_ERROR,     /* margin_within_error */
  RFL_FLAG_KINDS
} rfl_flag_kind;

/* "protected_overlap", ...: the identifier before ":structure". */
const char *rfl_flag_name(rfl_flag_kind kind);

/* 1 when the kind is an effectiveness finding rather than a safety flag. */
int rfl_flag_is_finding(rfl_flag_kind kind);

/* The structure report's flag of that kind (0/1). */
int rfl_flag_raised(const rfl_structure_report *r, rfl_flag_kind kind);

/* Raised flags and findings of one kind in the summary's lists. */
int rfl_flag_count(const rfl_summary *s, rfl_flag_kind kind);

/* "KIND1,KIND2" (sep ",") or "KIND1", "KIND2" (sep "\", \"") of a structure's raised flags. */
void rfl_flag_list(const rfl_structure_report *r, const char *sep, char *buf, size_t size);

/* A structure's role as stored in the outputs ("protected", "target", "none") and in
 * words on the terminal ("protected", "target", "region"). */
const char *rfl_role_name(rfl_structure_role role);
const char *rfl_role_words(rfl_structure_role role);

/* ---- the documentation ------------------------------------------------------------------ */

/* The metric tables of docs/json-summary.md, each after its marker line
 * "<!-- metrics: SCOPE -->" (run, snapshot, structure). */
void rfl_metrics_write_markdown(FILE *f);

/* One line per metric, tab-separated, for tests: scope, json, column, sweep column ("" when
 * not in the sweep), unit, type, terminal line (0: not printed), the terminal phrase's
 * before, format and after, its scale, and "=" and its nan_text when it has one. */
void rfl_metrics_write_tsv(FILE *f);

#endif
