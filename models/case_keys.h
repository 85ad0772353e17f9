// SPDX-License-Identifier: BSD-3-Clause
/* The case reader's key table, shared by the files of the reader (not an interface of
 * models/): every key's section, type, unit, accepted range, SI scale and place in the
 * case. The reader parses with it (case_values.c), the writer writes the case and the
 * docs from it (case_writer.c). */
#ifndef RFL_CASE_KEYS_H
#define RFL_CASE_KEYS_H

#include <stddef.h>

#include "case.h"

typedef enum {
  KT_REAL,     /* double, file units x scale */
  KT_INT,      /* int */
  KT_BOOL,     /* int 0/1 */
  KT_ENUM,     /* one of choices, stored through set_enum */
  KT_TEXT,     /* char[size] */
  KT_PATH,     /* char[size], relative to the case file's directory */
  KT_VEC3,     /* rfl_vec3, each component x scale */
  KT_DIR,      /* rfl_vec3, nonzero, normalised */
  KT_POINTS,   /* polyline of 1..RFL_MAX_POLYLINE points (structure shape) */
  KT_LIST,     /* output times */
  KT_MATERIAL, /* material name, resolved to an index after all sections are read */
  KT_LABELS    /* voxel label -> material name list */
} key_type;

enum {
  S_CASE, S_GRID, S_PROBE, S_RETURN_PROBE, S_GENERATOR, S_TISSUE, S_PHYSICS, S_MATERIAL,
  S_STRUCTURE, S_DAMAGE, S_SOLVER, S_OUTPUT, S_COUNT
};

#define SH(k) (1u << (k))
#define SH_BOX SH(RFL_SHAPE_BOX)
#define SH_SPHERE SH(RFL_SHAPE_SPHERE)
#define SH_CYL SH(RFL_SHAPE_CYLINDER)
#define SH_CAPS SH(RFL_SHAPE_CAPSULE)
#define SH_HALF SH(RFL_SHAPE_HALFSPACE)

typedef struct {
  const char *name;
  key_type type;
  const char *unit;          /* shown in messages ("" for plain numbers) */
  double min, max;           /* accepted range, file units (numbers, components, items) */
  double scale;              /* file units -> SI */
  size_t offset;             /* into the section's target struct */
  size_t size;               /* KT_TEXT / KT_PATH buffer size */
  unsigned shapes;           /* structure keys: shapes it belongs to (0 = every shape) */
  const char *const *choices;/* KT_ENUM words, in enum order, NULL-terminated */
  int (*get_enum)(const void *target);
  void (*set_enum)(void *target, int value);
} key_spec;

typedef struct {
  const char *word;        /* header word */
  int named;               /* 1: [word NAME] */
  const key_spec *keys;
} section_spec;

/* The first five material keys are what a new metal needs; a new tissue needs all. */
#define MATERIAL_METAL_KEYS 5
/* The last material keys have defaults: a new tissue need not give them (law). */
#define MATERIAL_OPTIONAL_KEYS 1

/* The sections in S_* order, and the tables they use. */
extern const key_spec case_keys[];
extern const key_spec grid_keys[];
extern const key_spec probe_keys[];
extern const key_spec generator_keys[];
extern const key_spec tissue_keys[];
extern const key_spec physics_keys[];
extern const key_spec material_keys[];
extern const key_spec structure_keys[];
extern const key_spec damage_keys[];
extern const key_spec solver_keys[];
extern const key_spec output_keys[];
extern const char *const shape_words[];
extern const section_spec sections_table[S_COUNT];

/* The key `name` of section kind `kind`, or NULL. */
const key_spec *case_keys_find(int kind, const char *name);

/* Number of keys in a table. */
int case_keys_count(const key_spec *keys);

/* The struct of the case a section kind's keys are stored in (NULL for named sections). */
void *case_keys_target(rfl_case *c, int kind);

#endif
