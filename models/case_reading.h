// SPDX-License-Identifier: BSD-3-Clause
/* The state of one case read, shared by the files of the reader (not an interface of
 * models/): the sections and entries as read, the working material list and the case
 * being built, and the functions the reader's files call across their seams. */
#ifndef RFL_CASE_READING_H
#define RFL_CASE_READING_H

#include <stddef.h>

#include "case_keys.h"
#include "case_reader.h"

typedef struct {
  int kind;                  /* S_* */
  char name[RFL_NAME_MAX];   /* named sections */
  int line;                  /* header line; 0 when created by --set */
  const char *set;           /* the --set that created it, or NULL */
} section_rec;

typedef struct {
  int sec;                   /* index into sections */
  const key_spec *spec;
  int line;                  /* 0 when from --set */
  const char *set;           /* the --set text, or NULL */
  char *text;                /* value as written (comments and quotes removed) */
  double num;                /* KT_REAL (SI), KT_INT, KT_BOOL, KT_ENUM */
  rfl_vec3 vec;              /* KT_VEC3 (SI), KT_DIR (unit) */
  int count;                 /* KT_POINTS, KT_LIST items */
  rfl_vec3 points[RFL_MAX_POLYLINE]; /* SI */
  rfl_output_time list[RFL_MAX_OUTPUT_TIMES]; /* KT_LIST items */
} entry_rec;

#define MAX_SECTIONS (S_COUNT + RFL_MAX_MATERIALS + RFL_MAX_STRUCTURES)
#define MAX_WORK_MATERIALS (RFL_MAX_MATERIALS + 16)

typedef struct {
  const char *name;          /* file name for messages */
  char dir[RFL_PATH_MAX];    /* directory of the case file ("" = current) */
  const char *data;
  size_t len, pos;
  int lineno;
  int failed;
  rfl_status status;
  const rfl_case_read_options *opt;
  rfl_case_warnings *warnings;
  const char *after;         /* --set named after a cross-key error at a file line */

  section_rec sections[MAX_SECTIONS];
  int nsections;
  int cur;                   /* current section index, -1 before the first header,
                                SWEEP_SECTION inside [sweep] */
  int sweep_line;            /* line of the [sweep] header, 0 if none */
  entry_rec *entries;
  int nentries, capentries;

  rfl_material work[MAX_WORK_MATERIALS]; /* library + [material] sections */
  int nwork;
  int work_used[MAX_WORK_MATERIALS];     /* 1 + index in the case, 0 = unused */
  int work_user[MAX_WORK_MATERIALS];     /* section index that defined/overrode it, -1 */
  rfl_case c;
  rfl_case_voxel_header voxel; /* what the voxel file's check found (voxel_known = 1) */
  int voxel_known;
} reader;

/* Best candidate within a small distance of word, or NULL. */
typedef struct {
  const char *best;
  int dist;
  const char *word;
} near_miss;

/* ---- messages (case_messages.c): the first error wins; --set origins and blame ---- */
rfl_status reader_fail(reader *r, int line, const char *set, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void reader_warn(reader *r, int line, const char *set, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
const char *reader_sec_label(const reader *r, int sec, char *buf, size_t size);
rfl_status reader_fail_entry(reader *r, const entry_rec *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
rfl_status reader_fail_expected(reader *r, const entry_rec *e, const char *expected);
/* "expected either EITHER, found both (OTHER on line N)" at the later of two entries. */
rfl_status reader_fail_both(reader *r, const entry_rec *a, const entry_rec *b, const char *either);
void reader_near_consider(near_miss *n, const char *candidate);
void reader_key_origin(reader *r, int sec, const char *key, int *line, const char **set);
void reader_blame_sets(reader *r, int sec, const char *deps);
void reader_blame_probe(reader *r, int kind, const char *keys, const char *others);
rfl_status reader_fail_key(reader *r, int kind, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
const char *reader_vec_text(rfl_vec3 v, double scale, char *buf, size_t size);
const char *reader_found_text(reader *r, int kind, const char *key, const char *dflt);

/* ---- sections and entries (case_reader.c) ---- */
int reader_find_section(const reader *r, int kind, const char *name);
entry_rec *reader_find_entry(reader *r, int sec, const char *key);
entry_rec *reader_find_entry_kind(reader *r, int kind, const char *key);
void *reader_section_target(reader *r, int kind);

/* ---- values (case_values.c) ---- */
int reader_valid_name(const char *s);
int reader_clean_value(const char *raw, int semicolon_is_data, char *out, size_t size);
int reader_split(char *s, char sep, char **parts, int max);
rfl_status reader_parse_entry(reader *r, entry_rec *e);
void reader_apply_entry(const entry_rec *e, void *target);

/* ---- building the case (case_build.c) and the checks across keys (case_checks.c) ---- */
rfl_status reader_build_materials(reader *r);
rfl_status reader_resolve_materials(reader *r);
rfl_status reader_build_structures(reader *r);
/* Probes placed by trajectory (case_placement.c); 1 if key is one of its keys. */
rfl_status reader_place_probes(reader *r);
int reader_trajectory_key(const char *key);
rfl_status reader_check_grid(reader *r);
rfl_status reader_check_probes(reader *r);
rfl_status reader_check_structures(reader *r);
rfl_status reader_check_voxel_image(reader *r);
rfl_status reader_check_physics(reader *r);
rfl_status reader_check_output(reader *r);
rfl_status reader_check_memory(reader *r);

rfl_status reader_missing_key(reader *r, int sec, const char *key, const char *why);

#endif
