// SPDX-License-Identifier: BSD-3-Clause
/* The case-file reader: INI text -> validated rfl_case in SI units (see case_reader.h and
 * docs/case-format.md).
 *
 * Three passes. (1) Lines are fed to Debian's inih (r55) through a line reader of our own,
 * which checks every line first (size, NUL and control bytes, UTF-8, length), parses the
 * [section] headers itself (inih reports no header events and truncates long names) and
 * counts lines, so every key knows its line. Each key is looked up in a const table (type,
 * unit, accepted range, SI scale, offset into the target struct), its value parsed and
 * range-checked at once, so value errors come out in file order. (2) --set overrides are
 * applied to the same entries, replacing file values. (3) Entries are copied into the
 * case, material names resolved, defaults that depend on other keys filled in, and
 * cross-key rules checked (fine box inside the domain, probe inside the domain, cells per
 * electrode radius, memory, ...).
 *
 * Assumptions: inih's runtime globals (a Debian build choice) exist; they are set on every
 * read to the same values, so concurrent reads are harmless. The first error wins and is
 * the only one reported. Not done here: voxelisation, the exact grid (solver/grid.c),
 * reading the voxel file: it is checked to be a readable file with the HDF5 signature, and
 * its header through the caller's rfl_case_voxel_check when one is given. */
#define _XOPEN_SOURCE 700 /* realpath() */
#include "case_reader.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "discretisation.h"
#include "case_key_docs.h"
#include "generator.h"
#include "ini_text.h"
#include "material_library.h"
#include "probe.h"

/* ==== key tables ====================================================================== */

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

#define ENUM_ACCESS(fn, type, field, etype)                                     \
  static int fn##_get(const void *t) { return (int)((const type *)t)->field; }  \
  static void fn##_set(void *t, int v) { ((type *)t)->field = (etype)v; }

ENUM_ACCESS(tip_shape, rfl_probe, tip_shape, rfl_tip_shape)
ENUM_ACCESS(gen_mode, rfl_generator, mode, rfl_generator_mode)
ENUM_ACCESS(mat_kind, rfl_material, kind, rfl_material_kind)
ENUM_ACCESS(shape_kind, rfl_structure, shape.kind, rfl_shape_kind)
ENUM_ACCESS(role, rfl_structure, role, rfl_structure_role)
ENUM_ACCESS(scheme, rfl_solver_settings, scheme, rfl_time_scheme)
ENUM_ACCESS(symmetry, rfl_grid_spec, symmetry, rfl_symmetry)

static const char *const tip_shape_words[] = {"round", "flat", NULL};
static const char *const kind_words[] = {"tissue", "metal", NULL};
static const char *const shape_words[] = {"box", "sphere", "cylinder", "capsule", "halfspace",
                                          NULL};
static const char *const role_words[] = {"none", "target", "protected", NULL};
static const char *const scheme_words[] = {"euler", "bdf2", NULL};
static const char *const symmetry_words[] = {"none", "x", "y", "xy", NULL};

#define TEMP_MIN -50.0
#define TEMP_MAX 150.0
#define COORD_MAX 1000.0

#define REAL(nm, u, lo, hi, sc, T, f) {nm, KT_REAL, u, lo, hi, sc, offsetof(T, f), 0, 0, NULL, NULL, NULL}
#define SREAL(nm, u, lo, hi, sc, f, sh) {nm, KT_REAL, u, lo, hi, sc, offsetof(rfl_structure, f), 0, sh, NULL, NULL, NULL}
#define INT(nm, u, lo, hi, T, f) {nm, KT_INT, u, lo, hi, 1.0, offsetof(T, f), 0, 0, NULL, NULL, NULL}
#define BOOL(nm, T, f) {nm, KT_BOOL, "", 0, 1, 1.0, offsetof(T, f), 0, 0, NULL, NULL, NULL}
#define ENUM(nm, words, fn) {nm, KT_ENUM, "", 0, 0, 1.0, 0, 0, 0, words, fn##_get, fn##_set}
#define TEXT(nm, T, f) {nm, KT_TEXT, "", 0, 0, 1.0, offsetof(T, f), sizeof(((T *)0)->f), 0, NULL, NULL, NULL}
#define PATH(nm, T, f) {nm, KT_PATH, "", 0, 0, 1.0, offsetof(T, f), sizeof(((T *)0)->f), 0, NULL, NULL, NULL}
#define VEC(nm, T, f) {nm, KT_VEC3, "mm", -COORD_MAX, COORD_MAX, 1e-3, offsetof(T, f), 0, 0, NULL, NULL, NULL}
#define SVEC(nm, f, sh) {nm, KT_VEC3, "mm", -COORD_MAX, COORD_MAX, 1e-3, offsetof(rfl_structure, f), 0, sh, NULL, NULL, NULL}
#define DIR(nm, T, f, sh) {nm, KT_DIR, "", -1e6, 1e6, 1.0, offsetof(T, f), 0, sh, NULL, NULL, NULL}
#define MAT(nm, T, f) {nm, KT_MATERIAL, "", 0, 0, 1.0, offsetof(T, f), 0, 0, NULL, NULL, NULL}
#define TEMP(nm, T, f) REAL(nm, "C", TEMP_MIN, TEMP_MAX, 1.0, T, f)
#define END {NULL, KT_REAL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL}

static const key_spec case_keys[] = {TEXT("title", rfl_case, title), END};

static const key_spec grid_keys[] = {
    VEC("domain_min_mm", rfl_grid_spec, domain_min),
    VEC("domain_max_mm", rfl_grid_spec, domain_max),
    REAL("spacing_mm", "mm", 0.01, 5.0, 1e-3, rfl_grid_spec, spacing),
    VEC("fine_min_mm", rfl_grid_spec, fine_min),
    VEC("fine_max_mm", rfl_grid_spec, fine_max),
    REAL("growth", "", 1.0, 1.5, 1.0, rfl_grid_spec, growth),
    ENUM("symmetry", symmetry_words, symmetry),
    PATH("voxel_file", rfl_grid_spec, voxel_file),
    TEXT("voxel_dataset", rfl_grid_spec, voxel_dataset),
    {"voxel_labels", KT_LABELS, "", 0, 255, 1.0, 0, 0, 0, NULL, NULL, NULL},
    END};

static const key_spec probe_keys[] = {
    INT("gauge", "G", 10, 30, rfl_probe, gauge),
    REAL("diameter_mm", "mm", 0.1, 5.0, 0.5e-3, rfl_probe, radius),
    REAL("tip_length_mm", "mm", 0.5, 100.0, 1e-3, rfl_probe, tip_length),
    ENUM("tip_shape", tip_shape_words, tip_shape),
    VEC("tip_mm", rfl_probe, tip),
    DIR("direction", rfl_probe, direction, 0),
    REAL("shaft_length_mm", "mm", 0.0, 1000.0, 1e-3, rfl_probe, shaft_length),
    MAT("material", rfl_probe, material),
    BOOL("cooled", rfl_probe, cooled),
    TEMP("coolant_C", rfl_probe, coolant_C),
    REAL("cooling_h_W_m2K", "W/(m^2 K)", 1.0, 1e6, 1.0, rfl_probe, cooling_h),
    END};

static const key_spec generator_keys[] = {
    ENUM("mode", rfl_generator_mode_words, gen_mode),
    TEMP("set_temperature_C", rfl_generator, set_temperature_C),
    REAL("ramp_s", "s", 0.0, 600.0, 1.0, rfl_generator, ramp_s),
    REAL("duration_s", "s", 0.1, 7200.0, 1.0, rfl_generator, duration_s),
    REAL("cooldown_s", "s", 0.0, 7200.0, 1.0, rfl_generator, cooldown_s),
    REAL("max_voltage_V", "V", 1.0, 500.0, 1.0, rfl_generator, max_voltage_V),
    REAL("max_power_W", "W", 0.1, 500.0, 1.0, rfl_generator, max_power_W),
    REAL("kp_V_per_K", "V/K", 0.0, 100.0, 1.0, rfl_generator, kp_V_per_K),
    REAL("ki_V_per_Ks", "V/(K s)", 0.0, 100.0, 1.0, rfl_generator, ki_V_per_Ks),
    REAL("power_W", "W", 0.01, 500.0, 1.0, rfl_generator, power_W),
    REAL("pulse_voltage_V", "V", 1.0, 500.0, 1.0, rfl_generator, pulse_voltage_V),
    REAL("pulse_width_ms", "ms", 0.1, 1000.0, 1e-3, rfl_generator, pulse_width_s),
    REAL("pulse_frequency_Hz", "Hz", 0.1, 1000.0, 1.0, rfl_generator, pulse_frequency_Hz),
    TEMP("pulse_limit_C", rfl_generator, pulse_limit_C),
    END};

static const key_spec tissue_keys[] = {MAT("background", rfl_case, background_material), END};

static const key_spec physics_keys[] = {
    TEMP("initial_C", rfl_physics, initial_C),
    TEMP("boundary_C", rfl_physics, boundary_C),
    TEMP("arterial_C", rfl_physics, arterial_C),
    REAL("blood_rho_c_J_m3K", "J/(m^3 K)", 1e5, 1e7, 1.0, rfl_physics, blood_rho_c),
    BOOL("perfusion_shutoff", rfl_physics, perfusion_shutoff),
    TEMP("desiccation_start_C", rfl_physics, desiccation_start_C),
    TEMP("desiccation_end_C", rfl_physics, desiccation_end_C),
    REAL("desiccation_factor", "", 1e-6, 1.0, 1.0, rfl_physics, desiccation_factor),
    REAL("latent_heat_J_m3", "J/m^3", 0.0, 1e10, 1.0, rfl_physics, latent_heat_J_m3),
    END};

/* The first five are what a new metal needs; a new tissue needs all of them. */
#define MATERIAL_METAL_KEYS 5
static const key_spec material_keys[] = {
    ENUM("kind", kind_words, mat_kind),
    REAL("rho_kg_m3", "kg/m^3", 100.0, 25000.0, 1.0, rfl_material, rho),
    REAL("c_J_kgK", "J/(kg K)", 100.0, 10000.0, 1.0, rfl_material, c),
    REAL("k_W_mK", "W/(m K)", 0.01, 500.0, 1.0, rfl_material, k),
    REAL("dk_dT_percent_per_C", "%/C", -5.0, 5.0, 0.01, rfl_material, dk_dT),
    REAL("sigma_S_m", "S/m", 1e-4, 10.0, 1.0, rfl_material, sigma),
    REAL("dsigma_dT_percent_per_C", "%/C", -5.0, 10.0, 0.01, rfl_material, dsigma_dT),
    REAL("perfusion_1_s", "1/s", 0.0, 0.1, 1.0, rfl_material, perfusion),
    REAL("q_met_W_m3", "W/m^3", 0.0, 1e6, 1.0, rfl_material, q_met),
    REAL("arrhenius_A_1_s", "1/s", 1.0, 1e200, 1.0, rfl_material, arrhenius_A),
    REAL("arrhenius_Ea_J_mol", "J/mol", 1e4, 2e6, 1.0, rfl_material, arrhenius_Ea),
    END};

static const key_spec structure_keys[] = {
    ENUM("shape", shape_words, shape_kind),
    SVEC("min_mm", shape.lo, SH_BOX),
    SVEC("max_mm", shape.hi, SH_BOX),
    SVEC("centre_mm", shape.centre, SH_SPHERE),
    SREAL("radius_mm", "mm", 0.01, 1000.0, 1e-3, shape.radius, SH_SPHERE | SH_CYL | SH_CAPS),
    {"points_mm", KT_POINTS, "mm", -COORD_MAX, COORD_MAX, 1e-3, offsetof(rfl_structure, shape),
     0, SH_CYL | SH_CAPS, NULL, NULL, NULL},
    SVEC("point_mm", shape.point, SH_HALF),
    DIR("normal", rfl_structure, shape.normal, SH_HALF),
    MAT("material", rfl_structure, material),
    ENUM("role", role_words, role),
    SREAL("threshold_C", "C", TEMP_MIN, TEMP_MAX, 1.0, threshold_C, 0),
    SREAL("margin_mm", "mm", 0.0, 50.0, 1e-3, margin, 0),
    END};

static const key_spec damage_keys[] = {
    TEMP("isotherm_C", rfl_damage_settings, isotherm_C),
    REAL("cem43_R_above", "", 0.01, 1.0, 1.0, rfl_damage_settings, cem43_R_above),
    REAL("cem43_R_below", "", 0.01, 1.0, 1.0, rfl_damage_settings, cem43_R_below),
    TEMP("nerve_threshold_C", rfl_damage_settings, default_threshold_C),
    REAL("margin_mm", "mm", 0.0, 50.0, 1e-3, rfl_damage_settings, default_margin),
    END};

static const key_spec solver_keys[] = {
    REAL("dt_s", "s", 1e-4, 60.0, 1.0, rfl_solver_settings, dt_s),
    REAL("pulse_dt_ms", "ms", 0.01, 1000.0, 1e-3, rfl_solver_settings, pulse_dt_s),
    ENUM("scheme", scheme_words, scheme),
    REAL("rtol", "", 1e-14, 1e-2, 1.0, rfl_solver_settings, rtol),
    INT("max_iterations", "", 1, 100000, rfl_solver_settings, max_iterations),
    REAL("max_temperature_C", "C", 50.0, 500.0, 1.0, rfl_solver_settings, max_temperature_C),
    INT("threads", "", 0, 4096, rfl_solver_settings, threads),
    REAL("accuracy_mm", "mm", 0.005, 2.0, 1e-3, rfl_solver_settings, accuracy),
    BOOL("error_estimate", rfl_solver_settings, error_estimate),
    END};

static const key_spec output_keys[] = {
    {"times_s", KT_LIST, "s", 0.0, 1e5, 1.0, offsetof(rfl_output_settings, times_s), 0, 0,
     NULL, NULL, NULL},
    TEXT("directory", rfl_output_settings, directory),
    END};

typedef struct {
  const char *word;        /* header word */
  int named;               /* 1: [word NAME] */
  const key_spec *keys;
} section_spec;

static const section_spec sections_table[S_COUNT] = {
    [S_CASE] = {"case", 0, case_keys},
    [S_GRID] = {"grid", 0, grid_keys},
    [S_PROBE] = {"probe", 0, probe_keys},
    [S_RETURN_PROBE] = {"return_probe", 0, probe_keys},
    [S_GENERATOR] = {"generator", 0, generator_keys},
    [S_TISSUE] = {"tissue", 0, tissue_keys},
    [S_PHYSICS] = {"physics", 0, physics_keys},
    [S_MATERIAL] = {"material", 1, material_keys},
    [S_STRUCTURE] = {"structure", 1, structure_keys},
    [S_DAMAGE] = {"damage", 0, damage_keys},
    [S_SOLVER] = {"solver", 0, solver_keys},
    [S_OUTPUT] = {"output", 0, output_keys},
};

static const key_spec *find_key(int kind, const char *name) {
  for (const key_spec *k = sections_table[kind].keys; k->name; k++)
    if (strcmp(k->name, name) == 0) return k;
  return NULL;
}

/* ==== reader state ==================================================================== */

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
} reader;

/* ==== messages ======================================================================== */

/* "FILE:LINE: ", "--set TEXT: " or "FILE: " */
static void origin_text(const reader *r, int line, const char *set, char *buf, size_t size) {
  if (set)
    snprintf(buf, size, "--set %s: ", set);
  else if (line > 0)
    snprintf(buf, size, "%s:%d: ", r->name, line);
  else
    snprintf(buf, size, "%s: ", r->name);
}

static rfl_status failv(reader *r, int line, const char *set, const char *fmt, va_list ap) {
  if (r->failed) return r->status;
  char where[RFL_PATH_MAX + 64], what[1536], after[RFL_CASE_MAX_LINE + 32] = "";
  origin_text(r, line, set, where, sizeof where);
  vsnprintf(what, sizeof what, fmt, ap);
  if (r->after && !set) snprintf(after, sizeof after, " (after --set %s)", r->after);
  r->failed = 1;
  r->status = RFL_ERROR(RFL_EINPUT, "%s%s%s", where, what, after);
  return r->status;
}

static rfl_status fail(reader *r, int line, const char *set, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static rfl_status fail(reader *r, int line, const char *set, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  rfl_status s = failv(r, line, set, fmt, ap);
  va_end(ap);
  return s;
}

static void warn(reader *r, int line, const char *set, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void warn(reader *r, int line, const char *set, const char *fmt, ...) {
  rfl_case_warnings *w = r->warnings;
  if (!w) return;
  if (w->count < RFL_CASE_MAX_WARNINGS) {
    char where[RFL_PATH_MAX + 64], what[RFL_CASE_WARNING_LEN];
    origin_text(r, line, set, where, sizeof where);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    size_t nw = strlen(where), nt = strlen(what);
    if (nw > RFL_CASE_WARNING_LEN - 1) nw = RFL_CASE_WARNING_LEN - 1;
    if (nt > RFL_CASE_WARNING_LEN - 1 - nw) nt = RFL_CASE_WARNING_LEN - 1 - nw;
    memcpy(w->text[w->count], where, nw);
    memcpy(w->text[w->count] + nw, what, nt);
    w->text[w->count][nw + nt] = '\0';
  }
  w->count++;
}

/* "[probe]" or "[structure root]" */
static const char *sec_label(const reader *r, int sec, char *buf, size_t size) {
  const section_rec *s = &r->sections[sec];
  if (sections_table[s->kind].named)
    snprintf(buf, size, "[%s %s]", sections_table[s->kind].word, s->name);
  else
    snprintf(buf, size, "[%s]", sections_table[s->kind].word);
  return buf;
}

/* Error on an entry: "[section] key: <message>" at the entry's origin. */
static rfl_status fail_entry(reader *r, const entry_rec *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static rfl_status fail_entry(reader *r, const entry_rec *e, const char *fmt, ...) {
  char label[RFL_NAME_MAX + 32], what[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  return fail(r, e->line, e->set, "%s %s: %s", sec_label(r, e->sec, label, sizeof label),
              e->spec->name, what);
}

static rfl_status fail_expected(reader *r, const entry_rec *e, const char *expected) {
  char buf[96];
  return fail_entry(r, e, "expected %s, found '%s'", expected, rfl_ini_shown(e->text, buf, sizeof buf));
}

/* Optimal string alignment distance (edits, adjacent transpositions count 1), capped. */
static int edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 63 || lb > 63) return 99;
  int d[64][64];
  for (size_t i = 0; i <= la; i++) d[i][0] = (int)i;
  for (size_t j = 0; j <= lb; j++) d[0][j] = (int)j;
  for (size_t i = 1; i <= la; i++)
    for (size_t j = 1; j <= lb; j++) {
      int cost = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]) ? 0 : 1;
      int v = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
      if (d[i - 1][j - 1] + cost < v) v = d[i - 1][j - 1] + cost;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
          d[i - 2][j - 2] + 1 < v)
        v = d[i - 2][j - 2] + 1;
      d[i][j] = v;
    }
  return d[la][lb];
}

/* Best candidate within a small distance of word, or NULL. */
typedef struct {
  const char *best;
  int dist;
  const char *word;
} near_miss;

static void near_consider(near_miss *n, const char *candidate) {
  size_t len = strlen(candidate);
  int limit = len <= 4 ? 1 : (len <= 9 ? 2 : 3);
  int d = edit_distance(n->word, candidate);
  if (d <= limit && (!n->best || d < n->dist)) {
    n->best = candidate;
    n->dist = d;
  }
}

/* ==== value parsing =================================================================== */

static int is_name_char(int ch) { return isalnum(ch) || ch == '_' || ch == '-'; }

static int valid_name(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n >= RFL_NAME_MAX) return 0;
  for (size_t i = 0; i < n; i++)
    if (!is_name_char((unsigned char)s[i])) return 0;
  return 1;
}

/* Strip a trailing comment (';' or '#' after whitespace; in points values ';' separates
 * points, so only '#' starts a comment) and surrounding double quotes. Returns 0 when a
 * quoted value has text after its closing quote. */
static int clean_value(const char *raw, int semicolon_is_data, char *out, size_t size) {
  size_t n = strlen(raw);
  if (n >= size) n = size - 1;
  memcpy(out, raw, n);
  out[n] = '\0';
  char *s = rfl_ini_trim(out);
  if (*s == '"') {
    char *close = strrchr(s + 1, '"');
    if (!close) return 0;
    char *rest = close + 1;
    while (*rest == ' ' || *rest == '\t') rest++;
    if (*rest && *rest != ';' && *rest != '#') return 0;
    *close = '\0';
    memmove(out, s + 1, strlen(s + 1) + 1);
    return 1;
  }
  for (char *p = s; *p; p++) {
    if ((*p == '#' || (*p == ';' && !semicolon_is_data)) &&
        (p == s || p[-1] == ' ' || p[-1] == '\t')) {
      *p = '\0';
      break;
    }
  }
  s = rfl_ini_trim(s);
  memmove(out, s, strlen(s) + 1);
  return 1;
}

/* Split s at sep into at most max trimmed pieces (s is modified). Returns the count, or
 * max + 1 when there are more. */
static int split(char *s, char sep, char **parts, int max) {
  int n = rfl_ini_split(s, sep, 0, parts, max);
  if (n < 0) return max + 1;
  for (int i = 0; i < n; i++) parts[i] = rfl_ini_trim(parts[i]);
  return n;
}
/* "a number of mm in [0.01, 5]" */
static void describe_number(const key_spec *k, const char *kind, char *buf, size_t size) {
  if (k->unit[0])
    snprintf(buf, size, "%s of %s in [%g, %g]", kind, k->unit, k->min, k->max);
  else
    snprintf(buf, size, "%s in [%g, %g]", kind, k->min, k->max);
}

static int parse_vec3(const char *text, double lo, double hi, double *out) {
  char tmp[RFL_CASE_MAX_LINE + 1];
  snprintf(tmp, sizeof tmp, "%s", text);
  char *parts[4];
  if (split(tmp, ',', parts, 3) != 3) return 0;
  for (int i = 0; i < 3; i++)
    if (!rfl_ini_parse_number(parts[i], &out[i]) || out[i] < lo || out[i] > hi) return 0;
  return 1;
}

static const char *words_list(const char *const *words, char *buf, size_t size) {
  buf[0] = '\0';
  for (int i = 0; words[i]; i++) {
    size_t n = strlen(buf);
    snprintf(buf + n, size - n, "%s%s", i ? ", " : "", words[i]);
  }
  return buf;
}

/* Parse e->text according to e->spec into e's value fields. */
static rfl_status parse_entry(reader *r, entry_rec *e) {
  const key_spec *k = e->spec;
  char what[256];
  switch (k->type) {
    case KT_REAL: {
      double v;
      describe_number(k, "a number", what, sizeof what);
      if (!rfl_ini_parse_number(e->text, &v) || v < k->min || v > k->max)
        return fail_expected(r, e, what);
      e->num = v * k->scale;
      return RFL_OK;
    }
    case KT_INT: {
      long v;
      describe_number(k, "an integer", what, sizeof what);
      if (!rfl_ini_parse_int(e->text, &v) || v < k->min || v > k->max) return fail_expected(r, e, what);
      e->num = (double)v;
      return RFL_OK;
    }
    case KT_BOOL: {
      static const char *const yes[] = {"yes", "true", "1"}, *const no[] = {"no", "false", "0"};
      for (int i = 0; i < 3; i++) {
        if (strcmp(e->text, yes[i]) == 0) return e->num = 1, RFL_OK;
        if (strcmp(e->text, no[i]) == 0) return e->num = 0, RFL_OK;
      }
      return fail_expected(r, e, "yes, no, true, false, 1 or 0");
    }
    case KT_ENUM: {
      for (int i = 0; k->choices[i]; i++)
        if (strcmp(e->text, k->choices[i]) == 0) return e->num = i, RFL_OK;
      char list[128];
      snprintf(what, sizeof what, "one of %s", words_list(k->choices, list, sizeof list));
      return fail_expected(r, e, what);
    }
    case KT_TEXT:
    case KT_PATH:
      if (strlen(e->text) >= k->size) {
        snprintf(what, sizeof what, "a text of at most %zu bytes", k->size - 1);
        return fail_expected(r, e, what);
      }
      if (k->type == KT_PATH && e->text[0] == '\0')
        return fail_expected(r, e, "a file name");
      return RFL_OK;
    case KT_VEC3: {
      double v[3];
      snprintf(what, sizeof what, "3 comma-separated numbers x, y, z of %s, each in [%g, %g]",
               k->unit, k->min, k->max);
      if (!parse_vec3(e->text, k->min, k->max, v)) return fail_expected(r, e, what);
      e->vec = rfl_vec3_make(v[0] * k->scale, v[1] * k->scale, v[2] * k->scale);
      return RFL_OK;
    }
    case KT_DIR: {
      double v[3];
      const char *dir_what = "3 comma-separated numbers x, y, z of a nonzero direction";
      if (!parse_vec3(e->text, k->min, k->max, v)) return fail_expected(r, e, dir_what);
      double norm = sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
      if (!(norm > 1e-12) || !isfinite(norm)) return fail_expected(r, e, dir_what);
      /* A direction already unit to within what a written case can carry (10 digits) is
       * kept as given, so that writing a case and reading it back is a fixed point. */
      if (fabs(norm - 1.0) < 1e-9) norm = 1.0;
      e->vec = rfl_vec3_make(v[0] / norm, v[1] / norm, v[2] / norm);
      return RFL_OK;
    }
    case KT_POINTS: {
      char tmp[RFL_CASE_MAX_LINE + 1];
      char *parts[RFL_MAX_POLYLINE + 1];
      snprintf(tmp, sizeof tmp, "%s", e->text);
      snprintf(what, sizeof what,
               "1 to %d points 'x, y, z; x, y, z; ...' of mm, each coordinate in [%g, %g]",
               RFL_MAX_POLYLINE, k->min, k->max);
      int n = split(tmp, ';', parts, RFL_MAX_POLYLINE);
      if (n > RFL_MAX_POLYLINE) return fail_expected(r, e, what);
      for (int i = 0; i < n; i++) {
        double v[3];
        if (!parse_vec3(parts[i], k->min, k->max, v)) return fail_expected(r, e, what);
        e->points[i] = rfl_vec3_make(v[0] * k->scale, v[1] * k->scale, v[2] * k->scale);
      }
      e->count = n;
      return RFL_OK;
    }
    case KT_LIST: {
      char tmp[RFL_CASE_MAX_LINE + 1];
      char *parts[RFL_MAX_OUTPUT_TIMES + 1];
      snprintf(tmp, sizeof tmp, "%s", e->text);
      snprintf(what, sizeof what,
               "1 to %d comma-separated increasing times: seconds in [%g, %g], rf_end, end "
               "or a fraction such as 0.5*rf_end or rf_end/3",
               RFL_MAX_OUTPUT_TIMES, k->min, k->max);
      int n = split(tmp, ',', parts, RFL_MAX_OUTPUT_TIMES);
      if (n > RFL_MAX_OUTPUT_TIMES) return fail_expected(r, e, what);
      for (int i = 0; i < n; i++) {
        rfl_output_time *t = &e->list[i];
        if (rfl_ini_parse_number(parts[i], &t->num))
          *t = (rfl_output_time){RFL_TIME_SECONDS, t->num, 1.0};
        else if (!rfl_output_time_parse(parts[i], t))
          return fail_expected(r, e, what);
        const rfl_output_time *prev = i > 0 ? &e->list[i - 1] : NULL;
        if ((t->anchor == RFL_TIME_SECONDS && (t->num < k->min || t->num > k->max)) ||
            (prev && prev->anchor == RFL_TIME_SECONDS && t->anchor == RFL_TIME_SECONDS &&
             !(t->num > prev->num)))
          return fail_expected(r, e, what);
      }
      e->count = n;
      return RFL_OK;
    }
    case KT_MATERIAL:
      if (!valid_name(e->text))
        return fail_expected(r, e, "a material name (letters, digits, '_', '-')");
      return RFL_OK;
    case KT_LABELS: {
      char tmp[RFL_CASE_MAX_LINE + 1];
      char *parts[257];
      int seen[256] = {0};
      const char *lab_what = "a list 'label:material, ...' with labels 0 to 255, each once";
      snprintf(tmp, sizeof tmp, "%s", e->text);
      int n = split(tmp, ',', parts, 256);
      if (n > 256) return fail_expected(r, e, lab_what);
      for (int i = 0; i < n; i++) {
        char *colon = strchr(parts[i], ':');
        long v;
        if (!colon) return fail_expected(r, e, lab_what);
        *colon = '\0';
        if (!rfl_ini_parse_int(rfl_ini_trim(parts[i]), &v) || v < 0 || v > 255 || seen[v] ||
            !valid_name(rfl_ini_trim(colon + 1)))
          return fail_expected(r, e, lab_what);
        seen[v] = 1;
      }
      return RFL_OK;
    }
  }
  return RFL_OK;
}

/* ==== sections and entries ============================================================ */

static int find_section(const reader *r, int kind, const char *name) {
  for (int i = 0; i < r->nsections; i++)
    if (r->sections[i].kind == kind &&
        (!sections_table[kind].named || strcmp(r->sections[i].name, name) == 0))
      return i;
  return -1;
}

static int count_sections(const reader *r, int kind) {
  int n = 0;
  for (int i = 0; i < r->nsections; i++) n += r->sections[i].kind == kind;
  return n;
}

static entry_rec *find_entry(reader *r, int sec, const char *key) {
  for (int i = 0; i < r->nentries; i++)
    if (r->entries[i].sec == sec && strcmp(r->entries[i].spec->name, key) == 0)
      return &r->entries[i];
  return NULL;
}

/* Entry of key in the first section of kind, or NULL. */
static entry_rec *find_entry_kind(reader *r, int kind, const char *key) {
  int sec = find_section(r, kind, "");
  return sec < 0 ? NULL : find_entry(r, sec, key);
}

static void remove_entry(reader *r, entry_rec *e) {
  free(e->text);
  size_t i = (size_t)(e - r->entries);
  memmove(e, e + 1, (size_t)(r->nentries - (int)i - 1) * sizeof *e);
  r->nentries--;
}

/* The [sweep] section belongs to `rflesion sweep` (models/sweep_spec.h), which reads it
 * itself: the case reader accepts it once and skips its keys. */
#define SWEEP_SECTION (-2)

/* Parse a header "[word name]" (text between the brackets, trimmed) into a new section. */
static rfl_status open_section(reader *r, char *inside, int line, const char *set) {
  char *word = rfl_ini_trim(inside);
  char *name = word;
  while (*name && *name != ' ' && *name != '\t') name++;
  if (*name) *name++ = '\0';
  name = rfl_ini_trim(name);

  if (strcmp(word, "sweep") == 0 && !set) {
    if (*name)
      return fail(r, line, set, "[sweep %s]: expected [sweep] without a name, found '%s'", name, name);
    if (r->sweep_line > 0)
      return fail(r, line, set, "[sweep]: duplicate section (first on line %d)", r->sweep_line);
    r->sweep_line = line;
    r->cur = SWEEP_SECTION;
    return RFL_OK;
  }

  int kind = -1;
  for (int s = 0; s < S_COUNT; s++)
    if (strcmp(sections_table[s].word, word) == 0) kind = s;
  if (kind < 0) {
    near_miss nm = {NULL, 0, word};
    for (int s = 0; s < S_COUNT; s++) near_consider(&nm, sections_table[s].word);
    if (nm.best)
      return fail(r, line, set, "[%s]: unknown section, did you mean '[%s%s]'?", word, nm.best,
                  (strcmp(nm.best, "material") == 0 || strcmp(nm.best, "structure") == 0)
                      ? " NAME"
                      : "");
    return fail(r, line, set,
                "[%s]: unknown section (known: case, grid, probe, return_probe, generator, "
                "tissue, physics, material NAME, structure NAME, damage, solver, output, sweep)",
                word);
  }
  const section_spec *ss = &sections_table[kind];
  if (ss->named && !valid_name(name))
    return fail(r, line, set,
                "[%s %s]: expected a name of letters, digits, '_' or '-' (at most %d "
                "characters) after '%s', found '%s'",
                word, name, RFL_NAME_MAX - 1, word, name);
  if (!ss->named && *name)
    return fail(r, line, set, "[%s %s]: expected [%s] without a name, found '%s'", word, name,
                word, name);
  int prev = find_section(r, kind, name);
  if (prev >= 0) {
    char label[RFL_NAME_MAX + 32];
    sec_label(r, prev, label, sizeof label);
    if (r->sections[prev].line > 0)
      return fail(r, line, set, "%s: duplicate section (first on line %d)", label,
                  r->sections[prev].line);
    return fail(r, line, set, "%s: duplicate section", label);
  }
  if (kind == S_STRUCTURE && count_sections(r, S_STRUCTURE) >= RFL_MAX_STRUCTURES)
    return fail(r, line, set, "[structure %s]: expected at most %d structures, found more", name,
                RFL_MAX_STRUCTURES);
  if (kind == S_MATERIAL && count_sections(r, S_MATERIAL) >= RFL_MAX_MATERIALS)
    return fail(r, line, set, "[material %s]: expected at most %d [material] sections, found more",
                name, RFL_MAX_MATERIALS);
  section_rec *s = &r->sections[r->nsections];
  memset(s, 0, sizeof *s);
  s->kind = kind;
  snprintf(s->name, sizeof s->name, "%s", ss->named ? name : "");
  s->line = line;
  s->set = set;
  r->cur = r->nsections++;
  return RFL_OK;
}

/* Add (or, for a --set, replace) key = raw in section sec. */
static rfl_status add_entry(reader *r, int sec, const char *key, const char *raw, int line,
                            const char *set) {
  char label[RFL_NAME_MAX + 32];
  const section_rec *s = &r->sections[sec];
  const key_spec *k = find_key(s->kind, key);
  if (!k) {
    near_miss nm = {NULL, 0, key};
    for (const key_spec *q = sections_table[s->kind].keys; q->name; q++) near_consider(&nm, q->name);
    sec_label(r, sec, label, sizeof label);
    if (nm.best) return fail(r, line, set, "%s %s: unknown key, did you mean '%s'?", label, key, nm.best);
    char known[512] = "";
    for (const key_spec *q = sections_table[s->kind].keys; q->name; q++) {
      size_t n = strlen(known);
      snprintf(known + n, sizeof known - n, "%s%s", n ? ", " : "", q->name);
    }
    return fail(r, line, set, "%s %s: unknown key (known keys: %s)", label, key, known);
  }
  entry_rec *prev = find_entry(r, sec, key);
  if (prev && !set) {
    sec_label(r, sec, label, sizeof label);
    return fail(r, line, set, "%s %s: duplicate key (first given on line %d)", label, key,
                prev->line);
  }
  if (prev) remove_entry(r, prev);
  if (set && (strcmp(key, "gauge") == 0 || strcmp(key, "diameter_mm") == 0)) {
    /* an override of the probe size replaces the file's other way of giving it */
    entry_rec *other = find_entry(r, sec, strcmp(key, "gauge") == 0 ? "diameter_mm" : "gauge");
    if (other && !other->set) remove_entry(r, other);
  }
  if (r->nentries == r->capentries) {
    int cap = r->capentries ? 2 * r->capentries : 64;
    entry_rec *grown = realloc(r->entries, (size_t)cap * sizeof *grown);
    if (!grown) {
      r->failed = 1;
      return r->status = RFL_ERROR(RFL_ENOMEM, "%s: out of memory reading the case", r->name);
    }
    r->entries = grown;
    r->capentries = cap;
  }
  entry_rec *e = &r->entries[r->nentries];
  memset(e, 0, sizeof *e);
  e->sec = sec;
  e->spec = k;
  e->line = line;
  e->set = set;
  size_t n = strlen(raw);
  e->text = malloc(n + 1);
  if (!e->text) {
    r->failed = 1;
    return r->status = RFL_ERROR(RFL_ENOMEM, "%s: out of memory reading the case", r->name);
  }
  r->nentries++;
  if (!clean_value(raw, k->type == KT_POINTS, e->text, n + 1)) {
    snprintf(e->text, n + 1, "%s", raw);
    return fail_expected(r, e, "a value with nothing but a comment after its closing quote");
  }
  return parse_entry(r, e);
}

/* ==== the line reader fed to inih ===================================================== */

/* Length of a valid UTF-8 sequence at s (n bytes available), or 0. */
static int utf8_len(const unsigned char *s, size_t n) {
  unsigned char c = s[0];
  int len;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) len = 2;
  else if (c == 0xE0) len = 3, lo = 0xA0;
  else if (c >= 0xE1 && c <= 0xEC) len = 3;
  else if (c == 0xED) len = 3, hi = 0x9F;
  else if (c >= 0xEE && c <= 0xEF) len = 3;
  else if (c == 0xF0) len = 4, lo = 0x90;
  else if (c >= 0xF1 && c <= 0xF3) len = 4;
  else if (c == 0xF4) len = 4, hi = 0x8F;
  else return 0;
  if ((size_t)len > n) return 0;
  if (s[1] < lo || s[1] > hi) return 0;
  for (int i = 2; i < len; i++)
    if (s[i] < 0x80 || s[i] > 0xBF) return 0;
  return len;
}

/* Checks one line (bytes [0, n)); returns 0 and fails the read when it is not text. */
static int check_line(reader *r, const unsigned char *s, size_t n, const char *set) {
  int line = set ? 0 : r->lineno;
  if (n > RFL_CASE_MAX_LINE) {
    fail(r, line, set, "expected lines of at most %d characters, found one of %zu",
         RFL_CASE_MAX_LINE, n);
    return 0;
  }
  for (size_t i = 0; i < n;) {
    if (s[i] == 0) {
      fail(r, line, set, "expected a text file, found a NUL byte at column %zu (binary data?)",
           i + 1);
      return 0;
    }
    if ((s[i] < 0x20 && s[i] != '\t' && s[i] != '\r') || s[i] == 0x7F) {
      fail(r, line, set, "expected text, found control byte 0x%02x at column %zu", s[i],
           i + 1);
      return 0;
    }
    int len = utf8_len(s + i, n - i);
    if (!len) {
      fail(r, line, set, "expected UTF-8 text, found byte 0x%02x at column %zu", s[i], i + 1);
      return 0;
    }
    i += (size_t)len;
  }
  return 1;
}

/* A header line "[...]" (leading blanks skipped): opens the section. */
static void header_line(reader *r, char *line) {
  char *p = line;
  while (*p == ' ' || *p == '\t') p++;
  if (*p != '[') return;
  char *close = strchr(p, ']');
  if (!close) {
    fail(r, r->lineno, NULL, "expected a section header '[name]', found '%s'", rfl_ini_trim(p));
    return;
  }
  char *rest = close + 1;
  while (*rest == ' ' || *rest == '\t' || *rest == '\r') rest++;
  if (*rest && *rest != ';' && *rest != '#') {
    fail(r, r->lineno, NULL, "expected nothing but a comment after ']', found '%s'", rest);
    return;
  }
  char inside[RFL_CASE_MAX_LINE + 1];
  size_t n = (size_t)(close - p - 1);
  memcpy(inside, p + 1, n);
  inside[n] = '\0';
  open_section(r, inside, r->lineno, NULL);
}

static char *line_reader(char *str, int num, void *stream) {
  reader *r = stream;
  if (r->failed || r->pos >= r->len) return NULL;
  const char *start = r->data + r->pos;
  const char *nl = memchr(start, '\n', r->len - r->pos);
  size_t n = nl ? (size_t)(nl - start) : r->len - r->pos;
  r->pos += n + (nl ? 1 : 0);
  r->lineno++;
  if (!check_line(r, (const unsigned char *)start, n, NULL)) return NULL;
  if (num < 3 || n + 2 > (size_t)num) {
    fail(r, r->lineno, NULL, "expected lines of at most %d characters, found one of %zu",
         num - 3, n);
    return NULL;
  }
  memcpy(str, start, n);
  str[n] = '\0';
  header_line(r, str);
  if (r->failed) return NULL;
  memcpy(str, start, n);
  str[n] = '\0';
  return str;
}

static int key_handler(void *user, const char *section, const char *name, const char *value) {
  reader *r = user;
  (void)section; /* inih truncates long names; the line reader tracks the real one */
  if (r->failed) return 0;
  if (r->cur == SWEEP_SECTION) return 1; /* read by the sweep module */
  if (r->cur < 0) {
    fail(r, r->lineno, NULL, "%s: expected a [section] header before the first key, found '%s'",
         name, name);
    return 0;
  }
  return add_entry(r, r->cur, name, value ? value : "", r->lineno, NULL) == RFL_OK;
}

/* Text of line number `line` (1-based) of the buffer, for syntax-error messages. */
static void line_text(const reader *r, int line, char *buf, size_t size) {
  size_t pos = 0;
  for (int l = 1; l < line && pos < r->len; l++) {
    const char *nl = memchr(r->data + pos, '\n', r->len - pos);
    pos = nl ? (size_t)(nl - r->data) + 1 : r->len;
  }
  const char *nl = memchr(r->data + pos, '\n', r->len - pos);
  size_t n = nl ? (size_t)(nl - r->data) - pos : r->len - pos;
  if (n >= size) n = size - 1;
  memcpy(buf, r->data + pos, n);
  buf[n] = '\0';
}

/* ==== --set overrides ================================================================= */

static rfl_status apply_set(reader *r, const char *set) {
  char tmp[RFL_CASE_MAX_LINE + 1];
  const char *form = "expected SECTION.KEY=VALUE (a named section as structure:NAME.KEY=VALUE)";
  if (!set || strlen(set) > RFL_CASE_MAX_LINE) return fail(r, 0, set ? "(too long)" : "(null)", "%s", form);
  snprintf(tmp, sizeof tmp, "%s", set);
  char *eq = strchr(tmp, '=');
  char *dot = strchr(tmp, '.');
  if (!eq || !dot || dot > eq) return fail(r, 0, set, "%s, found '%s'", form, set);
  *eq = '\0';
  *dot = '\0';
  char *sec = rfl_ini_trim(tmp), *key = rfl_ini_trim(dot + 1), *value = eq + 1;
  if (!check_line(r, (const unsigned char *)set, strlen(set), set)) return r->status;
  char *colon = strchr(sec, ':');
  if (colon) *colon = ' ';
  char header[RFL_CASE_MAX_LINE + 1];
  snprintf(header, sizeof header, "%s", sec);
  /* find the section, or create it as the file would */
  char word[RFL_CASE_MAX_LINE + 1];
  snprintf(word, sizeof word, "%s", sec);
  char *name = word;
  while (*name && *name != ' ') name++;
  if (*name) *name++ = '\0';
  if (strcmp(word, "sweep") == 0)
    return fail(r, 0, set,
                "expected a case key, found a [sweep] key (sweeps are varied with rflesion sweep "
                "--vary KEY=VALUES)");
  int idx = -1;
  for (int s = 0; s < S_COUNT; s++)
    if (strcmp(sections_table[s].word, word) == 0) idx = find_section(r, s, name);
  if (idx < 0) {
    if (r->nsections >= MAX_SECTIONS) return fail(r, 0, set, "expected fewer sections");
    rfl_status st = open_section(r, header, 0, set);
    if (st != RFL_OK) return st;
    idx = r->nsections - 1;
  }
  return add_entry(r, idx, key, value, 0, set);
}

/* ==== grid estimate =================================================================== */

/* Cells along one axis: uniform in [flo, fhi], growing by g per cell outside. A uniform
 * axis (g = 1, or a fine box as wide as the domain) has round(L / h) cells, as the grid
 * builds it. */
static double axis_cells(double lo, double hi, double flo, double fhi, double h, double g) {
  if (g <= 1.0 + 1e-12 || (flo - lo <= 1e-12 && hi - fhi <= 1e-12))
    return fmax(1.0, round((hi - lo) / h));
  double n = ceil((fhi - flo) / h - 1e-6);
  if (n < 1) n = 1;
  double side[2] = {flo - lo, hi - fhi};
  for (int s = 0; s < 2; s++) {
    if (!(side[s] > 1e-12)) continue;
    if (g <= 1.0 + 1e-12) {
      n += ceil(side[s] / h - 1e-6);
      continue;
    }
    double size = h, covered = 0.0;
    while (covered < side[s] * (1.0 - 1e-9) && n < 1e9) {
      size *= g;
      covered += size;
      n += 1;
    }
  }
  return n;
}

/* Size of the cell at x along one axis of the estimated grid. */
static double axis_spacing(double x, double flo, double fhi, double h, double g) {
  double d = x < flo ? flo - x : (x > fhi ? x - fhi : 0.0);
  if (d <= 0.0 || g <= 1.0 + 1e-12) return h;
  double size = h, covered = 0.0;
  for (int k = 0; covered < d && k < 100000; k++) {
    size *= g;
    covered += size;
  }
  return size;
}

static double axis_estimate(const rfl_grid_spec *g, int a) {
  return axis_cells(rfl_vec3_get(g->domain_min, a), rfl_vec3_get(g->domain_max, a),
                    rfl_vec3_get(g->fine_min, a), rfl_vec3_get(g->fine_max, a), g->spacing,
                    g->growth);
}

double rfl_case_estimate_cells(const rfl_grid_spec *g, int n[3]) {
  double total = 1.0;
  for (int a = 0; a < 3; a++) {
    double na = axis_estimate(g, a);
    if (n) n[a] = na > 2e9 ? -1 : (int)na;
    total *= na;
  }
  return isfinite(total) ? total : 0.0;
}

double rfl_case_local_spacing(const rfl_grid_spec *g, rfl_vec3 p) {
  double h = 0.0;
  for (int a = 0; a < 3; a++) {
    double s = axis_spacing(rfl_vec3_get(p, a), rfl_vec3_get(g->fine_min, a),
                            rfl_vec3_get(g->fine_max, a), g->spacing, g->growth);
    if (s > h) h = s;
  }
  return h;
}

/* ==== building the case =============================================================== */

static void apply_entry(const entry_rec *e, void *target) {
  const key_spec *k = e->spec;
  char *field = (char *)target + k->offset;
  switch (k->type) {
    case KT_REAL:
      memcpy(field, &e->num, sizeof(double));
      break;
    case KT_INT:
    case KT_BOOL: {
      int v = (int)e->num;
      memcpy(field, &v, sizeof v);
      break;
    }
    case KT_ENUM:
      k->set_enum(target, (int)e->num);
      break;
    case KT_TEXT:
    case KT_PATH:
      snprintf(field, k->size, "%s", e->text);
      break;
    case KT_VEC3:
    case KT_DIR:
      memcpy(field, &e->vec, sizeof e->vec);
      break;
    case KT_POINTS: {
      rfl_shape *s = (rfl_shape *)(void *)field;
      for (int i = 0; i < e->count; i++) s->points[i] = e->points[i];
      s->npoints = e->count;
      break;
    }
    case KT_LIST: {
      rfl_output_settings *o = target;
      for (int i = 0; i < e->count; i++) o->items[i] = e->list[i];
      o->nitems = e->count; /* resolved once the generator is known (check_output) */
      break;
    }
    case KT_MATERIAL:
    case KT_LABELS:
      break; /* resolved by name later */
  }
}

/* The struct an unnamed section's keys are stored in (NULL for named sections). */
static void *case_section_target(rfl_case *c, int kind) {
  switch (kind) {
    case S_CASE:
    case S_TISSUE: return c;
    case S_GRID: return &c->grid;
    case S_PROBE: return &c->probes[0];
    case S_RETURN_PROBE: return &c->probes[1];
    case S_GENERATOR: return &c->generator;
    case S_PHYSICS: return &c->physics;
    case S_DAMAGE: return &c->damage;
    case S_SOLVER: return &c->solver;
    case S_OUTPUT: return &c->output;
    default: return NULL;
  }
}

static void *section_target(reader *r, int kind) { return case_section_target(&r->c, kind); }

/* Where a key is (or would be) given: its entry, else its section header, else the file. */
static void key_origin(reader *r, int sec, const char *key, int *line, const char **set) {
  entry_rec *e = sec >= 0 ? find_entry(r, sec, key) : NULL;
  *line = e ? e->line : (sec >= 0 ? r->sections[sec].line : 0);
  *set = e ? e->set : (sec >= 0 ? r->sections[sec].set : NULL);
}

/* Whether the blank-separated list `words` holds `word`. */
static int has_word(const char *words, const char *word) {
  size_t n = strlen(word);
  for (const char *p = strstr(words, word); p; p = strstr(p + 1, word))
    if ((p == words || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0')) return 1;
  return 0;
}

/* Before a cross-key error: names the last --set among the keys the check reads, `deps`
 * ("section.key" words of unnamed sections) and every key of section sec (-1: none), so
 * that an error blamed on a file line says which override broke it (see failv). */
static void blame_sets(reader *r, int sec, const char *deps) {
  r->after = NULL;
  for (int i = 0; i < r->nentries; i++) {
    const entry_rec *e = &r->entries[i];
    if (!e->set) continue;
    const section_spec *ss = &sections_table[r->sections[e->sec].kind];
    char word[96];
    snprintf(word, sizeof word, "%s.%s", ss->word, e->spec->name);
    if (e->sec == sec || (!ss->named && has_word(deps, word))) r->after = e->set;
  }
}

/* blame_sets for a check of probe section `kind` that reads its `keys` and `others`. */
static void blame_probe(reader *r, int kind, const char *keys, const char *others) {
  char deps[768], tmp[256], *save = NULL;
  snprintf(deps, sizeof deps, "%s", others);
  snprintf(tmp, sizeof tmp, "%s", keys);
  for (char *k = strtok_r(tmp, " ", &save); k; k = strtok_r(NULL, " ", &save)) {
    size_t n = strlen(deps);
    snprintf(deps + n, sizeof deps - n, " %s.%s", sections_table[kind].word, k);
  }
  blame_sets(r, -1, deps);
}

/* The keys the grid's size depends on. */
#define GRID_DEPS "grid.domain_min_mm grid.domain_max_mm grid.spacing_mm grid.fine_min_mm " \
                  "grid.fine_max_mm grid.growth"

/* Error about key of section sec (unnamed kinds), whether or not the key was written. */
static rfl_status fail_key(reader *r, int kind, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static rfl_status fail_key(reader *r, int kind, const char *key, const char *fmt, ...) {
  int sec = find_section(r, kind, ""), line;
  const char *set;
  key_origin(r, sec, key, &line, &set);
  char what[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  return fail(r, line, set, "[%s] %s: %s", sections_table[kind].word, key, what);
}

static rfl_status missing_key(reader *r, int sec, const char *key, const char *why) {
  char label[RFL_NAME_MAX + 32];
  return fail(r, r->sections[sec].line, r->sections[sec].set, "%s: missing required key '%s'%s",
              sec_label(r, sec, label, sizeof label), key, why);
}

static const char *vec_text(rfl_vec3 v, double scale, char *buf, size_t size) {
  snprintf(buf, size, "%.10g, %.10g, %.10g", v.x / scale, v.y / scale, v.z / scale);
  return buf;
}

/* Text of a key's value for messages: as written, or the default. */
static const char *found_text(reader *r, int kind, const char *key, const char *dflt) {
  entry_rec *e = find_entry_kind(r, kind, key);
  return e ? e->text : dflt;
}

static int find_work(const reader *r, const char *name) {
  for (int i = 0; i < r->nwork; i++)
    if (strcmp(r->work[i].name, name) == 0) return i;
  return -1;
}

static rfl_status build_materials(reader *r) {
  r->nwork = 0;
  for (int i = 0; i < rfl_material_library_count(); i++) {
    r->work[r->nwork] = *rfl_material_library_get(i);
    r->work_user[r->nwork] = -1;
    r->work_used[r->nwork++] = 0;
  }
  for (int s = 0; s < r->nsections; s++) {
    if (r->sections[s].kind != S_MATERIAL) continue;
    int w = find_work(r, r->sections[s].name);
    if (w < 0) {
      w = r->nwork++;
      memset(&r->work[w], 0, sizeof r->work[w]);
      snprintf(r->work[w].name, sizeof r->work[w].name, "%s", r->sections[s].name);
      r->work_used[w] = 0;
      entry_rec *kind = find_entry(r, s, "kind");
      if (!kind) return missing_key(r, s, "kind", " (a material not in the library needs every property)");
      int metal = (int)kind->num == RFL_MATERIAL_METAL;
      int nreq = metal ? MATERIAL_METAL_KEYS : (int)(sizeof material_keys / sizeof material_keys[0]) - 1;
      for (int k = 0; k < nreq; k++)
        if (!find_entry(r, s, material_keys[k].name))
          return missing_key(r, s, material_keys[k].name,
                             metal ? " (a new metal needs kind, rho_kg_m3, c_J_kgK, k_W_mK, "
                                     "dk_dT_percent_per_C)"
                                   : " (a material not in the library needs every property)");
    }
    r->work_user[w] = s;
    for (int i = 0; i < r->nentries; i++)
      if (r->entries[i].sec == s) apply_entry(&r->entries[i], &r->work[w]);
  }
  return RFL_OK;
}

/* Index in the case of the material called name, adding it on first use. e may be NULL
 * (a default name). */
static rfl_status use_material(reader *r, const char *name, const entry_rec *e, int *out) {
  rfl_case *c = &r->c;
  int w = find_work(r, name);
  if (w < 0) {
    near_miss nm = {NULL, 0, name};
    for (int i = 0; i < r->nwork; i++) near_consider(&nm, r->work[i].name);
    char what[512];
    if (nm.best)
      snprintf(what, sizeof what, "a known material (did you mean '%s'?)", nm.best);
    else
      snprintf(what, sizeof what,
               "a built-in material (muscle, fat, nerve, bone_cortical, bone_cancellous, "
               "intervertebral_disc, cerebrospinal_fluid, tendon, cartilage, liver, "
               "connective_tissue, skin, dura, blood, steel) or one defined in a "
               "[material NAME] section");
    return e ? fail_expected(r, e, what) : fail(r, 0, NULL, "unknown material '%s'", name);
  }
  if (!r->work_used[w]) {
    if (c->nmaterials >= RFL_MAX_MATERIALS) {
      if (e) return fail_entry(r, e, "expected at most %d materials in use, found more ('%s')",
                               RFL_MAX_MATERIALS, name);
      return fail(r, 0, NULL, "expected at most %d materials in use, found more", RFL_MAX_MATERIALS);
    }
    c->materials[c->nmaterials] = r->work[w];
    r->work_used[w] = ++c->nmaterials;
  }
  *out = r->work_used[w] - 1;
  return RFL_OK;
}

static rfl_status resolve_materials(reader *r) {
  rfl_case *c = &r->c;
  c->nmaterials = 0;
  entry_rec *bg = find_entry_kind(r, S_TISSUE, "background");
  RFL_CHECK(use_material(r, bg ? bg->text : "muscle", bg, &c->background_material));
  if (c->materials[c->background_material].kind != RFL_MATERIAL_TISSUE)
    return bg ? fail_expected(r, bg, "a tissue material (not a metal)")
              : fail_key(r, S_TISSUE, "background",
                         "expected a tissue material, found 'muscle' (default, a metal here)");
  for (int p = 0; p < c->nprobes; p++) {
    entry_rec *m = find_entry_kind(r, p == 0 ? S_PROBE : S_RETURN_PROBE, "material");
    RFL_CHECK(use_material(r, m ? m->text : "steel", m, &c->probes[p].material));
    if (c->materials[c->probes[p].material].kind != RFL_MATERIAL_METAL)
      return m ? fail_expected(r, m, "a metal material for the electrode body")
               : fail_key(r, p == 0 ? S_PROBE : S_RETURN_PROBE, "material",
                          "expected a metal material, found 'steel' (default, a tissue here)");
  }
  int n = 0;
  for (int s = 0; s < r->nsections; s++) {
    if (r->sections[s].kind != S_STRUCTURE) continue;
    entry_rec *m = find_entry(r, s, "material");
    RFL_CHECK(use_material(r, m->text, m, &c->structures[n].material));
    if (c->materials[c->structures[n].material].kind == RFL_MATERIAL_METAL)
      warn(r, m->line, m->set, "[structure %s] material: '%s' is a metal; it conducts heat but "
           "carries no current of its own", r->sections[s].name, m->text);
    n++;
  }
  entry_rec *labels = find_entry_kind(r, S_GRID, "voxel_labels");
  if (labels) {
    char tmp[RFL_CASE_MAX_LINE + 1];
    char *parts[257];
    snprintf(tmp, sizeof tmp, "%s", labels->text);
    int np = split(tmp, ',', parts, 256);
    for (int i = 0; i < np && i <= 256; i++) {
      char *colon = strchr(parts[i], ':');
      *colon = '\0';
      long v = strtol(rfl_ini_trim(parts[i]), NULL, 10);
      RFL_CHECK(use_material(r, rfl_ini_trim(colon + 1), labels, &c->grid.voxel_material[v]));
    }
  }
  for (int w = 0; w < r->nwork; w++)
    if (r->work_user[w] >= 0 && !r->work_used[w]) {
      const section_rec *s = &r->sections[r->work_user[w]];
      warn(r, s->line, s->set, "[material %s]: defined but not used", s->name);
    }
  return RFL_OK;
}

static const char *shape_keys_text(unsigned shape, char *buf, size_t size) {
  buf[0] = '\0';
  for (const key_spec *k = structure_keys; k->name; k++)
    if (k->shapes & SH(shape)) {
      size_t n = strlen(buf);
      snprintf(buf + n, size - n, "%s%s", n ? ", " : "", k->name);
    }
  return buf;
}

static rfl_status build_structures(reader *r) {
  rfl_case *c = &r->c;
  c->nstructures = 0;
  for (int s = 0; s < r->nsections; s++) {
    if (r->sections[s].kind != S_STRUCTURE) continue;
    rfl_structure *st = &c->structures[c->nstructures];
    memset(st, 0, sizeof *st);
    snprintf(st->name, sizeof st->name, "%s", r->sections[s].name);
    st->line = r->sections[s].line;
    st->role = RFL_ROLE_NONE;
    st->threshold_C = c->damage.default_threshold_C;
    st->margin = c->damage.default_margin;
    entry_rec *shape = find_entry(r, s, "shape");
    if (!shape) return missing_key(r, s, "shape", "");
    unsigned kind = (unsigned)shape->num;
    char list[256];
    for (int i = 0; i < r->nentries; i++) {
      entry_rec *e = &r->entries[i];
      if (e->sec != s) continue;
      if (e->spec->shapes && !(e->spec->shapes & SH(kind))) {
        char what[400];
        snprintf(what, sizeof what, "a key of shape '%s' (%s) or of any structure (material, "
                 "role, threshold_C, margin_mm), found '%s'", shape_words[kind],
                 shape_keys_text(kind, list, sizeof list), e->spec->name);
        char label[RFL_NAME_MAX + 32];
        return fail(r, e->line, e->set, "%s %s: expected %s", sec_label(r, s, label, sizeof label),
                    e->spec->name, what);
      }
      apply_entry(e, st);
    }
    for (const key_spec *k = structure_keys; k->name; k++)
      if ((k->shapes & SH(kind)) && !find_entry(r, s, k->name)) {
        char why[64];
        snprintf(why, sizeof why, " (shape = %s)", shape_words[kind]);
        return missing_key(r, s, k->name, why);
      }
    if (!find_entry(r, s, "material")) return missing_key(r, s, "material", "");
    entry_rec *pts = find_entry(r, s, "points_mm");
    if (kind == RFL_SHAPE_CYLINDER &&
        (pts->count != 2 || rfl_vec3_norm(rfl_vec3_sub(pts->points[1], pts->points[0])) < 1e-9))
      return fail_expected(r, pts, "2 distinct points 'x, y, z; x, y, z' of mm (the axis ends)");
    if (kind == RFL_SHAPE_CAPSULE && pts->count < 2)
      return fail_expected(r, pts, "2 to 16 points 'x, y, z; x, y, z; ...' of mm");
    if (kind == RFL_SHAPE_BOX) {
      rfl_vec3 lo = st->shape.lo, hi = st->shape.hi;
      char buf[96];
      if (!(hi.x > lo.x && hi.y > lo.y && hi.z > lo.z))
        return fail_entry(r, find_entry(r, s, "max_mm"),
                          "expected each coordinate greater than min_mm (%s), found '%s'",
                          vec_text(lo, 1e-3, buf, sizeof buf), find_entry(r, s, "max_mm")->text);
    }
    if (st->role == RFL_ROLE_NONE) {
      entry_rec *t = find_entry(r, s, "threshold_C");
      if (!t) t = find_entry(r, s, "margin_mm");
      if (t)
        warn(r, t->line, t->set, "[structure %s] %s: ignored for role = none", st->name,
             t->spec->name);
    }
    c->nstructures++;
  }
  return RFL_OK;
}

/* Bounding box of a (finite) structure shape. */
static void shape_box(const rfl_shape *s, rfl_vec3 *lo, rfl_vec3 *hi) {
  double r = s->radius;
  switch (s->kind) {
    case RFL_SHAPE_BOX:
      *lo = s->lo;
      *hi = s->hi;
      return;
    case RFL_SHAPE_SPHERE:
      *lo = rfl_vec3_sub(s->centre, rfl_vec3_make(r, r, r));
      *hi = rfl_vec3_add(s->centre, rfl_vec3_make(r, r, r));
      return;
    default: {
      *lo = rfl_vec3_make(INFINITY, INFINITY, INFINITY);
      *hi = rfl_vec3_make(-INFINITY, -INFINITY, -INFINITY);
      for (int i = 0; i < s->npoints; i++) {
        rfl_vec3 p = s->points[i];
        lo->x = fmin(lo->x, p.x - r), lo->y = fmin(lo->y, p.y - r), lo->z = fmin(lo->z, p.z - r);
        hi->x = fmax(hi->x, p.x + r), hi->y = fmax(hi->y, p.y + r), hi->z = fmax(hi->z, p.z + r);
      }
      return;
    }
  }
}

static int structure_meets_domain(const rfl_shape *s, const rfl_grid_spec *g) {
  if (s->kind == RFL_SHAPE_HALFSPACE) {
    for (int corner = 0; corner < 8; corner++) {
      rfl_vec3 p = rfl_vec3_make(corner & 1 ? g->domain_max.x : g->domain_min.x,
                                 corner & 2 ? g->domain_max.y : g->domain_min.y,
                                 corner & 4 ? g->domain_max.z : g->domain_min.z);
      if (rfl_vec3_dot(rfl_vec3_sub(p, s->point), s->normal) < 0.0) return 1;
    }
    return 0;
  }
  rfl_vec3 lo, hi;
  shape_box(s, &lo, &hi);
  return lo.x < g->domain_max.x && hi.x > g->domain_min.x && lo.y < g->domain_max.y &&
         hi.y > g->domain_min.y && lo.z < g->domain_max.z && hi.z > g->domain_min.z;
}

static int inside_box(rfl_vec3 p, rfl_vec3 lo, rfl_vec3 hi) {
  return p.x > lo.x && p.x < hi.x && p.y > lo.y && p.y < hi.y && p.z > lo.z && p.z < hi.z;
}

/* Inside, or on a mirror plane of the domain (a probe axis lies there under symmetry). */
static int inside_domain(rfl_vec3 p, const rfl_grid_spec *g) {
  rfl_vec3 lo = g->domain_min;
  const double eps = 1e-9;
  if (g->symmetry & RFL_SYMMETRY_X) lo.x -= eps;
  if (g->symmetry & RFL_SYMMETRY_Y) lo.y -= eps;
  return inside_box(p, lo, g->domain_max);
}

static const char *domain_text(const rfl_grid_spec *g, char *buf, size_t size) {
  snprintf(buf, size, "[%g, %g] x [%g, %g] x [%g, %g] mm", g->domain_min.x * 1e3,
           g->domain_max.x * 1e3, g->domain_min.y * 1e3, g->domain_max.y * 1e3,
           g->domain_min.z * 1e3, g->domain_max.z * 1e3);
  return buf;
}

/* Whether f (size bytes) carries the HDF5 signature where HDF5 looks for it: at offset 0,
 * 512, 1024, 2048, ... (a user block may precede the superblock). */
static int has_hdf5_signature(FILE *f, double size) {
  static const unsigned char sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  unsigned char buf[8];
  for (double off = 0.0; off + 8.0 <= size; off = off > 0.0 ? 2.0 * off : 512.0) {
    if (fseeko(f, (off_t)off, SEEK_SET) != 0 || fread(buf, 1, 8, f) != 8) return 0;
    if (memcmp(buf, sig, 8) == 0) return 1;
  }
  return 0;
}

/* The cell counts the grid builder accepts (the estimate is the builder's count to within
 * a cell or two of graded rounding per side). */
static rfl_status check_grid_size(reader *r) {
  const rfl_grid_spec *g = &r->c.grid;
  double n[3], cells = 1.0;
  for (int a = 0; a < 3; a++) cells *= n[a] = axis_estimate(g, a);
  for (int a = 0; a < 3; a++)
    if (n[a] > RFL_CASE_MAX_CELLS_PER_AXIS) {
      blame_sets(r, -1, GRID_DEPS);
      return fail_key(r, S_GRID, "spacing_mm",
                      "expected at most %d cells along each axis, found '%s' giving %.0f cells "
                      "along %c%s", RFL_CASE_MAX_CELLS_PER_AXIS,
                      found_text(r, S_GRID, "spacing_mm", "0.2"), n[a], "xyz"[a],
                      g->growth > 1.0 ? " (fine box and graded cells)" : "");
    }
  if (cells > RFL_CASE_MAX_CELLS) {
    blame_sets(r, -1, GRID_DEPS);
    return fail_key(r, S_GRID, "spacing_mm",
                    "expected a grid of at most %.0g cells, found '%s' giving %.0f x %.0f x %.0f "
                    "= %.3g cells", RFL_CASE_MAX_CELLS, found_text(r, S_GRID, "spacing_mm", "0.2"),
                    n[0], n[1], n[2], cells);
  }
  return RFL_OK;
}

/* [grid] voxel_file: a readable HDF5 file, its header checked by the caller's
 * rfl_case_voxel_check when there is one; stored as an absolute path. */
static rfl_status check_voxel_file(reader *r) {
  rfl_grid_spec *g = &r->c.grid;
  char buf[128], buf2[128];
  entry_rec *vf = find_entry_kind(r, S_GRID, "voxel_file");
  entry_rec *vl = find_entry_kind(r, S_GRID, "voxel_labels");
  if (vl && !vf) return fail_key(r, S_GRID, "voxel_file", "expected a voxel file for voxel_labels, found none");
  if (vf && !vl) return fail_key(r, S_GRID, "voxel_labels", "expected 'label:material, ...' for voxel_file, found none");
  if (!vf) return RFL_OK;
  char path[2 * RFL_PATH_MAX];
  if (vf->text[0] == '/' || r->dir[0] == '\0')
    snprintf(path, sizeof path, "%s", vf->text);
  else
    snprintf(path, sizeof path, "%s/%s", r->dir, vf->text);
  if (strlen(path) >= sizeof g->voxel_file)
    return fail_expected(r, vf, "a shorter path");
  struct stat st;
  if (stat(path, &st) != 0)
    return fail_entry(r, vf, "expected a readable file, found '%s' (%s)", vf->text, strerror(errno));
  if (!S_ISREG(st.st_mode))
    return fail_entry(r, vf, "expected a readable file, found '%s' (not a regular file)", vf->text);
  FILE *f = fopen(path, "rb");
  if (!f)
    return fail_entry(r, vf, "expected a readable file, found '%s' (%s)", vf->text, strerror(errno));
  int hdf5 = has_hdf5_signature(f, (double)st.st_size);
  fclose(f);
  if (!hdf5)
    return fail_entry(r, vf, "expected an HDF5 file, found '%s' (no HDF5 signature)", vf->text);
  if (r->opt && r->opt->voxel_check) {
    rfl_case_voxel_header h;
    char problem[RFL_PATH_MAX + 256];
    int bad = r->opt->voxel_check(path, g->voxel_dataset, &h, problem, sizeof problem);
    entry_rec *ds = find_entry_kind(r, S_GRID, "voxel_dataset");
    blame_sets(r, -1, "grid.voxel_file grid.voxel_dataset");
    if (bad == RFL_CASE_VOXEL_BAD_DATASET)
      return fail_entry(r, ds ? ds : vf, "expected a dataset of '%s', found '%s' (no such dataset)",
                        vf->text, g->voxel_dataset);
    if (bad != RFL_CASE_VOXEL_OK) return fail_entry(r, vf, "%s", problem);
    r->after = NULL;
    rfl_vec3 lo = h.origin;
    rfl_vec3 hi = rfl_vec3_make(lo.x + h.n[0] * h.spacing.x, lo.y + h.n[1] * h.spacing.y,
                                lo.z + h.n[2] * h.spacing.z);
    if (!(lo.x < g->domain_max.x && hi.x > g->domain_min.x && lo.y < g->domain_max.y &&
          hi.y > g->domain_min.y && lo.z < g->domain_max.z && hi.z > g->domain_min.z)) {
      rfl_grid_spec vol = *g;
      vol.domain_min = lo;
      vol.domain_max = hi;
      warn(r, vf->line, vf->set, "[grid] voxel_file: the volume %s does not overlap the domain "
           "%s; no cell takes a voxel label", domain_text(&vol, buf, sizeof buf),
           domain_text(g, buf2, sizeof buf2));
    }
  }
  char *abs = realpath(path, NULL); /* absolute, so a written case reads back anywhere */
  const char *keep = abs && strlen(abs) < sizeof g->voxel_file ? abs : path;
  memcpy(g->voxel_file, keep, strlen(keep) + 1);
  free(abs);
  return RFL_OK;
}

static rfl_status check_grid(reader *r) {
  rfl_grid_spec *g = &r->c.grid;
  char buf[128], buf2[128];
  int fine_given = find_entry_kind(r, S_GRID, "fine_min_mm") || find_entry_kind(r, S_GRID, "fine_max_mm");
  if (!g->auto_fine_box && !find_entry_kind(r, S_GRID, "fine_min_mm")) g->fine_min = g->domain_min;
  if (!g->auto_fine_box && !find_entry_kind(r, S_GRID, "fine_max_mm")) g->fine_max = g->domain_max;
  blame_sets(r, -1, GRID_DEPS);
  for (int a = 0; a < 3; a++)
    if (!(rfl_vec3_get(g->domain_max, a) > rfl_vec3_get(g->domain_min, a)))
      return fail_key(r, S_GRID, find_entry_kind(r, S_GRID, "domain_max_mm") ? "domain_max_mm" : "domain_min_mm",
                      "expected domain_max_mm greater than domain_min_mm in each coordinate, "
                      "found '%s' and '%s'",
                      vec_text(g->domain_min, 1e-3, buf, sizeof buf),
                      vec_text(g->domain_max, 1e-3, buf2, sizeof buf2));
  double extent = INFINITY;
  for (int a = 0; a < 3; a++)
    extent = fmin(extent, rfl_vec3_get(g->domain_max, a) - rfl_vec3_get(g->domain_min, a));
  if (g->spacing > extent / 4.0)
    return fail_key(r, S_GRID, "spacing_mm",
                    "expected at most a quarter of the smallest domain extent (%g mm), found '%s'",
                    extent * 1e3 / 4.0, found_text(r, S_GRID, "spacing_mm", "0.2"));
  for (int a = 0; a < 3; a++) {
    double lo = rfl_vec3_get(g->domain_min, a), hi = rfl_vec3_get(g->domain_max, a);
    double flo = rfl_vec3_get(g->fine_min, a), fhi = rfl_vec3_get(g->fine_max, a);
    const char *key = (flo < lo - 1e-12 || flo >= fhi) ? "fine_min_mm" : "fine_max_mm";
    if (flo < lo - 1e-12 || fhi > hi + 1e-12 || !(fhi > flo)) {
      rfl_vec3 dflt = strcmp(key, "fine_min_mm") == 0 ? g->fine_min : g->fine_max;
      return fail_key(r, S_GRID, key,
                      "expected a fine box inside the domain %s with fine_min_mm < fine_max_mm, "
                      "found '%s'",
                      domain_text(g, buf, sizeof buf),
                      found_text(r, S_GRID, key, vec_text(dflt, 1e-3, buf2, sizeof buf2)));
    }
  }
  int smaller = 0;
  for (int a = 0; a < 3; a++)
    smaller |= rfl_vec3_get(g->fine_min, a) > rfl_vec3_get(g->domain_min, a) + 1e-12 ||
               rfl_vec3_get(g->fine_max, a) < rfl_vec3_get(g->domain_max, a) - 1e-12;
  if (g->growth > 1.0 && !smaller)
    return fail_key(r, S_GRID, "growth",
                    "expected 1 (uniform) unless fine_min_mm and fine_max_mm give a fine box "
                    "smaller than the domain, found '%s'", found_text(r, S_GRID, "growth", "1"));
  r->after = NULL;
  if (fine_given && smaller && g->growth <= 1.0) {
    entry_rec *e = find_entry_kind(r, S_GRID, "fine_min_mm");
    if (!e) e = find_entry_kind(r, S_GRID, "fine_max_mm");
    warn(r, e->line, e->set, "[grid] %s: the fine box has no effect with growth = 1 (the grid "
         "is uniform)", e->spec->name);
  }
  for (int a = 0; a < 3; a++) {
    double w = (rfl_vec3_get(g->fine_max, a) - rfl_vec3_get(g->fine_min, a)) / g->spacing;
    if (smaller && !g->auto_fine_box && fabs(w - floor(w + 0.5)) > 1e-6) {
      int line;
      const char *set;
      key_origin(r, find_section(r, S_GRID, ""), "fine_max_mm", &line, &set);
      warn(r, line, set, "[grid] fine_max_mm: the fine box is not a whole number of cells "
           "(%.6g cells along %c); the grid will adjust it", w, "xyz"[a]);
      break;
    }
  }
  RFL_CHECK(check_grid_size(r));
  return check_voxel_file(r);
}

static rfl_status check_probes(reader *r) {
  rfl_case *c = &r->c;
  char buf[128], buf2[128];
  for (int p = 0; p < c->nprobes; p++) {
    int kind = p == 0 ? S_PROBE : S_RETURN_PROBE;
    int sec = find_section(r, kind, "");
    rfl_probe *pr = &c->probes[p];
    entry_rec *gauge = find_entry(r, sec, "gauge"), *diam = find_entry(r, sec, "diameter_mm");
    if (gauge && diam) {
      entry_rec *later = diam->line > gauge->line || diam->set ? diam : gauge;
      entry_rec *other = later == diam ? gauge : diam;
      if (other->set)
        return fail_entry(r, later, "expected either gauge or diameter_mm, found both (%s by --set %s)",
                          other->spec->name, other->set);
      return fail_entry(r, later, "expected either gauge or diameter_mm, found both (%s on line %d)",
                        other->spec->name, other->line);
    }
    if (!gauge && !diam) return missing_key(r, sec, "gauge", " (or 'diameter_mm')");
    if (gauge) {
      pr->radius = rfl_probe_gauge_radius(pr->gauge);
      if (!(pr->radius > 0.0)) return fail_expected(r, gauge, "a gauge of the needle table (10 to 30)");
    } else {
      pr->gauge = 0;
    }
    if (!find_entry(r, sec, "tip_length_mm")) return missing_key(r, sec, "tip_length_mm", "");
    blame_probe(r, kind, "gauge diameter_mm tip_shape", "");
    if (pr->tip_shape == RFL_TIP_ROUND && pr->tip_length < pr->radius)
      return fail_entry(r, find_entry(r, sec, "tip_length_mm"),
                        "expected at least the probe radius (%g mm) for a round tip, found '%s'",
                        pr->radius * 1e3, find_entry(r, sec, "tip_length_mm")->text);
    blame_probe(r, kind, "tip_mm", "grid.domain_min_mm grid.domain_max_mm grid.symmetry");
    if (!inside_domain(pr->tip, &c->grid)) {
      entry_rec *t = find_entry(r, sec, "tip_mm");
      return fail_key(r, kind, "tip_mm", "expected a point inside the domain %s, found '%s'",
                      domain_text(&c->grid, buf, sizeof buf),
                      t ? t->text : vec_text(pr->tip, 1e-3, buf2, sizeof buf2));
    }
    rfl_vec3 end = rfl_vec3_add(pr->tip, rfl_vec3_scale(pr->direction, pr->tip_length));
    if (!inside_domain(end, &c->grid)) {
      int line;
      const char *set;
      key_origin(r, sec, "tip_mm", &line, &set);
      warn(r, line, set, "[%s] tip_mm: the active tip leaves the domain", sections_table[kind].word);
    }
    blame_probe(r, kind, "tip_mm direction", "grid.symmetry grid.domain_min_mm");
    for (int a = 0; a < 2; ++a) {
      if (!(c->grid.symmetry & (a == 0 ? RFL_SYMMETRY_X : RFL_SYMMETRY_Y))) continue;
      double plane = rfl_vec3_get(c->grid.domain_min, a);
      if (fabs(rfl_vec3_get(pr->tip, a) - plane) > 1e-9 || fabs(rfl_vec3_get(pr->direction, a)) > 1e-9)
        return fail_key(r, S_GRID, "symmetry",
                        "expected the axis of [%s] to lie in the mirror plane %c = %g mm (tip %c and "
                        "direction %c component), found '%s' with tip_mm %s",
                        sections_table[kind].word, "xy"[a], plane * 1e3, "xy"[a], "xy"[a],
                        found_text(r, S_GRID, "symmetry", "none"),
                        vec_text(pr->tip, 1e-3, buf2, sizeof buf2));
    }
    blame_probe(r, kind, "gauge diameter_mm tip_mm", GRID_DEPS);
    double h = rfl_case_local_spacing(&c->grid, pr->tip);
    double cpr = pr->radius / h;
    if (cpr < 3.0 - 1e-9) {
      /* a tip in the fine box needs a finer spacing: say exactly which one to type */
      char advice[96] = "";
      if (h <= c->grid.spacing * (1.0 + 1e-9)) {
        double most = pr->radius * 1e3 / 3.0, step = pow(10.0, floor(log10(most)) - 2.0);
        snprintf(advice, sizeof advice, "; for this probe type --set grid.spacing_mm=%.3g",
                 floor(most / step) * step);
      }
      return fail_key(r, S_GRID, "spacing_mm",
                      "expected cells of at most %.4g mm at the tip of [%s] (3 cells per radius "
                      "%g mm), found '%s' (%.3g cells per radius; cell at the tip %.4g mm)%s",
                      pr->radius * 1e3 / 3.0, sections_table[kind].word, pr->radius * 1e3,
                      found_text(r, S_GRID, "spacing_mm", "0.2"), cpr, h * 1e3, advice);
    }
    r->after = NULL;
    static const char *const cooling_keys[] = {"coolant_C", "cooling_h_W_m2K"};
    for (int i = 0; i < 2 && !pr->cooled; i++) {
      entry_rec *e = find_entry(r, sec, cooling_keys[i]);
      if (e)
        warn(r, e->line, e->set, "[%s] %s: ignored because cooled = no", sections_table[kind].word,
             cooling_keys[i]);
    }
  }
  if (c->nprobes == 2) {
    double d = rfl_vec3_norm(rfl_vec3_sub(c->probes[0].tip, c->probes[1].tip));
    if (d < c->probes[0].radius + c->probes[1].radius) {
      int line;
      const char *set;
      key_origin(r, find_section(r, S_RETURN_PROBE, ""), "tip_mm", &line, &set);
      warn(r, line, set, "[return_probe] tip_mm: the return probe's tip touches the active probe");
    }
  }
  return RFL_OK;
}

static rfl_status check_structures(reader *r) {
  rfl_case *c = &r->c;
  char buf[128];
  int n = 0;
  for (int s = 0; s < r->nsections; s++) {
    if (r->sections[s].kind != S_STRUCTURE) continue;
    const rfl_structure *st = &c->structures[n++];
    if (!structure_meets_domain(&st->shape, &c->grid)) {
      blame_sets(r, s, "grid.domain_min_mm grid.domain_max_mm");
      static const char *const key[] = {"min_mm", "centre_mm", "points_mm", "points_mm", "point_mm"};
      entry_rec *e = find_entry(r, s, key[st->shape.kind]);
      return fail_entry(r, e, "expected a structure overlapping the domain %s, found '%s' "
                        "(entirely outside)", domain_text(&c->grid, buf, sizeof buf), e->text);
    }
  }
  return RFL_OK;
}

static rfl_status check_physics(reader *r) {
  rfl_case *c = &r->c;
  rfl_generator *g = &c->generator;
  if (!(c->physics.desiccation_end_C > c->physics.desiccation_start_C)) {
    blame_sets(r, -1, "physics.desiccation_start_C");
    return fail_key(r, S_PHYSICS, "desiccation_end_C",
                    "expected a temperature above desiccation_start_C (%g C), found '%s'",
                    c->physics.desiccation_start_C,
                    found_text(r, S_PHYSICS, "desiccation_end_C", "100"));
  }
  int gsec = find_section(r, S_GENERATOR, "");
  const rfl_generator_type *mode = rfl_generator_type_of(g);
  if (mode->required && !find_entry_kind(r, S_GENERATOR, mode->required)) {
    char why[64];
    snprintf(why, sizeof why, " (mode = %s)", mode->name);
    blame_sets(r, -1, "generator.mode");
    if (gsec >= 0) return missing_key(r, gsec, mode->required, why);
    return fail(r, 0, NULL, "[generator]: missing required key '%s'%s", mode->required, why);
  }
  for (const key_spec *k = generator_keys; k->name; k++) {
    entry_rec *e = find_entry_kind(r, S_GENERATOR, k->name);
    const rfl_generator_type *owner = rfl_generator_key_owner(k->name);
    if (e && owner && owner != mode)
      warn(r, e->line, e->set, "[generator] %s: ignored in mode = %s", k->name, mode->name);
  }
  if (g->mode == RFL_GEN_PULSED && !(g->pulse_width_s < 1.0 / g->pulse_frequency_Hz)) {
    blame_sets(r, -1, "generator.mode generator.pulse_frequency_Hz");
    return fail_key(r, S_GENERATOR, "pulse_width_ms",
                    "expected less than the pulse period %g ms (pulse_frequency_Hz = %g), found '%s'",
                    1e3 / g->pulse_frequency_Hz, g->pulse_frequency_Hz,
                    found_text(r, S_GENERATOR, "pulse_width_ms", "20"));
  }
  int line;
  const char *set;
  if (g->mode == RFL_GEN_TEMPERATURE) {
    key_origin(r, gsec, "set_temperature_C", &line, &set);
    if (g->set_temperature_C <= c->physics.initial_C)
      warn(r, line, set, "[generator] set_temperature_C: %g C is not above the initial %g C; "
           "the generator will deliver no power", g->set_temperature_C, c->physics.initial_C);
    if (g->set_temperature_C >= c->physics.desiccation_start_C)
      warn(r, line, set, "[generator] set_temperature_C: %g C reaches desiccation (%g C); expect "
           "impedance roll-off", g->set_temperature_C, c->physics.desiccation_start_C);
    if (g->ramp_s > g->duration_s) {
      key_origin(r, gsec, "ramp_s", &line, &set);
      warn(r, line, set, "[generator] ramp_s: the ramp (%g s) is longer than duration_s (%g s)",
           g->ramp_s, g->duration_s);
    }
  }
  if (g->mode == RFL_GEN_PULSED && c->solver.pulse_dt_s >= g->pulse_width_s) {
    key_origin(r, find_section(r, S_SOLVER, ""), "pulse_dt_ms", &line, &set);
    warn(r, line, set, "[solver] pulse_dt_ms: %g ms does not resolve %g ms bursts",
         c->solver.pulse_dt_s * 1e3, g->pulse_width_s * 1e3);
  }
  if (c->solver.dt_s > g->duration_s) {
    key_origin(r, find_section(r, S_SOLVER, ""), "dt_s", &line, &set);
    warn(r, line, set, "[solver] dt_s: %g s is longer than the whole RF duration (%g s)",
         c->solver.dt_s, g->duration_s);
  }
  return RFL_OK;
}

/* Resolve [output] times_s against the generator's schedule; a time past the run says
 * what to type instead. */
static rfl_status check_output(reader *r) {
  rfl_output_settings *o = &r->c.output;
  const rfl_generator *g = &r->c.generator;
  const double end = g->duration_s + g->cooldown_s;
  entry_rec *e = find_entry_kind(r, S_OUTPUT, "times_s");
  int n = rfl_output_times_resolve(o->items, o->nitems, g->duration_s, g->cooldown_s, o->times_s);
  if (n < 0 && e) {
    char item[64], prev[64];
    rfl_output_time_text(&o->items[-n - 1], item, sizeof item);
    rfl_output_time_text(&o->items[-n - 2], prev, sizeof prev);
    blame_sets(r, -1, "generator.duration_s generator.cooldown_s");
    return fail_entry(r, e, "expected increasing times, found '%s' (%s = %g s comes after %s = %g s)",
                      e->text, item, rfl_output_time_seconds(&o->items[-n - 1], g->duration_s, g->cooldown_s),
                      prev, rfl_output_time_seconds(&o->items[-n - 2], g->duration_s, g->cooldown_s));
  }
  o->ntimes = n < 0 ? 0 : n;
  for (int i = 0; e && i < o->ntimes; i++)
    if (o->times_s[i] > end * (1.0 + 1e-12)) {
      blame_sets(r, -1, "generator.duration_s generator.cooldown_s");
      return fail_entry(r, e,
                        "expected times in [0, %g] s (duration_s + cooldown_s), found '%s'; for "
                        "times that follow the run type --set output.times_s=%s (or fractions "
                        "such as 0.5*rf_end)",
                        end, e->text, g->cooldown_s > 0.0 ? "rf_end,end" : "rf_end");
    }
  return RFL_OK;
}

/* The finest spacing (mm, 3 digits) from the current one up to coarsest_mm whose run fits
 * in limit, found by bisection on the estimate; 0 when not even coarsest_mm fits. */
static double fits_spacing(reader *r, double coarsest_mm, double limit) {
  const rfl_case_read_options *opt = r->opt;
  rfl_case *trial = malloc(sizeof *trial);
  if (!trial) return 0.0;
  *trial = r->c;
  double lo = r->c.grid.spacing * 1e3, hi = coarsest_mm, need;
  trial->grid.spacing = hi * 1e-3;
  need = opt->memory_estimate(trial, opt->memory_ctx);
  if (!(need > 0.0 && need <= limit) || !(hi > lo)) hi = 0.0;
  while (hi > 0.0 && hi - lo > 0.0015) { /* lo does not fit, hi does */
    double mid = 0.5 * (lo + hi);
    trial->grid.spacing = mid * 1e-3;
    need = opt->memory_estimate(trial, opt->memory_ctx);
    if (need > 0.0 && need <= limit) hi = mid;
    else lo = mid;
  }
  free(trial);
  if (hi <= 0.0) return 0.0;
  double rounded = ceil(hi * 1e3 - 1e-9) / 1e3; /* whole micrometres, still fits if coarser */
  return rounded <= coarsest_mm ? rounded : coarsest_mm;
}

/* "1.5 GiB" or "300 MiB" */
static const char *bytes_text(double bytes, char *buf, size_t size) {
  const double mib = 1024.0 * 1024.0;
  if (bytes >= 1024.0 * mib)
    snprintf(buf, size, "%.3g GiB", bytes / (1024.0 * mib));
  else
    snprintf(buf, size, "%.0f MiB", bytes / mib);
  return buf;
}

/* The run's estimated memory against the limit that applies; the message says both, where
 * the limit comes from, and what to change (a spacing that fits, found by asking the
 * estimate again, unless the electrode needs finer cells than that). */
static rfl_status check_memory(reader *r) {
  const rfl_case_read_options *opt = r->opt;
  if (!opt || !opt->memory_estimate || !(opt->memory_limit > 0.0)) return RFL_OK;
  const double limit = opt->memory_limit, need = opt->memory_estimate(&r->c, opt->memory_ctx);
  if (!(need > limit)) return RFL_OK;
  char advice[256];
  double finest = r->c.probes[0].radius / 3.0; /* cells the electrode needs at its tip */
  for (int p = 1; p < r->c.nprobes; p++)
    if (r->c.probes[p].radius / 3.0 < finest) finest = r->c.probes[p].radius / 3.0;
  /* a spacing that fits, no coarser than the electrode allows */
  double fits_mm = fits_spacing(r, floor(finest * 1e6) / 1e3, limit);
  if (fits_mm > 0.0)
    snprintf(advice, sizeof advice, "type --set grid.spacing_mm=%.3g, or shrink the fine box or "
             "the domain", fits_mm);
  else
    snprintf(advice, sizeof advice, "shrink the fine box or the domain (the electrode needs cells "
             "of at most %.3g mm at its tip), or run with more memory", finest * 1e3);
  int n[3];
  double cells = rfl_case_estimate_cells(&r->c.grid, n);
  char need_text[32], limit_text[32];
  if (r->c.grid.auto_spacing) {
    /* the grid follows the accuracy target: name the finest target that fits */
    blame_sets(r, S_SOLVER, GRID_DEPS);
    entry_rec *acc = find_entry_kind(r, S_SOLVER, "accuracy_mm");
    char found[64];
    snprintf(found, sizeof found, "%s", acc ? acc->text : "0.1");
    if (fits_mm > 0.0) {
      /* in whole micrometres, rounded up: the target typed back must fit */
      double fits_acc = ceil(rfl_discretisation_accuracy_for_spacing(&r->c, fits_mm * 1e-3) * 1e6) / 1e3;
      snprintf(advice, sizeof advice, "the finest accuracy that fits is %.3g mm (--accuracy %.3g)",
               fits_acc, fits_acc);
    }
    return fail_key(r, S_SOLVER, "accuracy_mm",
                    "expected an accuracy target whose grid fits in memory, found '%s' giving "
                    "%.3g mm cells, %.3g cells and an estimated %s, over the limit of %s (%s); %s",
                    found, r->c.grid.spacing * 1e3, cells, bytes_text(need, need_text, sizeof need_text),
                    bytes_text(limit, limit_text, sizeof limit_text),
                    opt->memory_limit_source ? opt->memory_limit_source : "given", advice);
  }
  blame_sets(r, -1, GRID_DEPS);
  return fail_key(r, S_GRID, "spacing_mm",
                  "expected a grid whose run fits in memory, found '%s' giving %.3g cells and an "
                  "estimated %s, over the limit of %s (%s); %s",
                  found_text(r, S_GRID, "spacing_mm", "0.2"), cells,
                  bytes_text(need, need_text, sizeof need_text),
                  bytes_text(limit, limit_text, sizeof limit_text),
                  opt->memory_limit_source ? opt->memory_limit_source : "given", advice);
}

/* The discretisation the case leaves open, chosen for its accuracy target
 * (discretisation.h): the cell size without spacing_mm, the fine box without fine_min_mm
 * and fine_max_mm (unless growth = 1 asks for a uniform grid), the growth without growth,
 * the time step without dt_s. An explicit spacing coarser than the target needs is kept
 * with a warning: the run's error estimate then says how far off its figures are. */
static void choose_discretisation(reader *r) {
  rfl_case *c = &r->c;
  rfl_grid_spec *g = &c->grid;
  entry_rec *spacing = find_entry_kind(r, S_GRID, "spacing_mm");
  entry_rec *growth = find_entry_kind(r, S_GRID, "growth");
  g->auto_spacing = !spacing;
  g->auto_growth = !growth;
  g->auto_fine_box = !find_entry_kind(r, S_GRID, "fine_min_mm") &&
                     !find_entry_kind(r, S_GRID, "fine_max_mm") && !(growth && g->growth <= 1.0);
  c->solver.auto_dt = !find_entry_kind(r, S_SOLVER, "dt_s");
  /* the electrode's radius as check_probes will settle it: a diameter given wins over the
   * default gauge (both given is an error reported there) */
  for (int p = 0; p < c->nprobes; p++) {
    int sec = find_section(r, p == 0 ? S_PROBE : S_RETURN_PROBE, "");
    if (sec >= 0 && find_entry(r, sec, "diameter_mm") && !find_entry(r, sec, "gauge")) c->probes[p].gauge = 0;
  }
  rfl_discretisation_apply(c);
  double need = rfl_discretisation_spacing(c, c->solver.accuracy);
  if (spacing && g->spacing > need * 1.05)
    warn(r, spacing->line, spacing->set, "[grid] spacing_mm: %g mm is coarser than the %.3g mm "
         "the accuracy target of %g mm needs (remove spacing_mm to let rflesion choose); the "
         "error estimate says how far off the figures are", g->spacing * 1e3, need * 1e3,
         c->solver.accuracy * 1e3);
}

static rfl_status build(reader *r) {
  rfl_case *c = &r->c;
  if (find_section(r, S_PROBE, "") < 0) return fail(r, 0, NULL, "missing required section [probe]");
  RFL_CHECK(build_materials(r));
  c->nprobes = find_section(r, S_RETURN_PROBE, "") >= 0 ? 2 : 1;
  c->probes[1] = c->probes[0];
  snprintf(c->probes[1].name, sizeof c->probes[1].name, "return_probe");
  c->probes[1].role = RFL_PROBE_RETURN;
  for (int i = 0; i < r->nentries; i++) {
    const entry_rec *e = &r->entries[i];
    void *target = section_target(r, r->sections[e->sec].kind);
    if (target) apply_entry(e, target);
  }
  RFL_CHECK(build_structures(r));
  RFL_CHECK(resolve_materials(r));
  choose_discretisation(r);
  RFL_CHECK(check_grid(r));
  RFL_CHECK(check_probes(r));
  RFL_CHECK(check_structures(r));
  RFL_CHECK(check_physics(r));
  RFL_CHECK(check_output(r));
  RFL_CHECK(check_memory(r));
  return RFL_OK;
}

/* ==== entry points ==================================================================== */

static void set_dir(reader *r, const char *name) {
  const char *slash = strrchr(name, '/');
  r->dir[0] = '\0';
  if (!slash) return;
  size_t n = (size_t)(slash - name);
  if (n == 0) n = 1; /* "/case.ini" */
  if (n >= sizeof r->dir) n = sizeof r->dir - 1;
  memcpy(r->dir, name, n);
  r->dir[n] = '\0';
}

static rfl_status read_text(reader *r) {
  if (r->len == 0)
    return fail(r, 0, NULL, "expected a case file with a [probe] section, found an empty file");
  if (r->len > RFL_CASE_MAX_BYTES)
    return fail(r, 0, NULL, "expected a case file of at most %d bytes, found %zu bytes",
                RFL_CASE_MAX_BYTES, r->len);
  if (r->len >= 3 && memcmp(r->data, "\xEF\xBB\xBF", 3) == 0) r->pos = 3; /* UTF-8 BOM */

  /* Debian's inih r55 runtime settings (see the file comment) */
  ini_max_line = 4096;
  ini_allow_multiline = false;
  ini_allow_inline_comments = false; /* comments inside lines are handled by clean_value */
  ini_stop_on_first_error = true;
  ini_allow_bom = false;
  ini_allow_no_value = false;

  int rc = ini_parse_stream(line_reader, r, key_handler, r);
  if (r->failed) return r->status;
  if (rc == -2) return RFL_ERROR(RFL_ENOMEM, "%s: out of memory reading the case", r->name);
  if (rc != 0) {
    char text[RFL_CASE_MAX_LINE + 1], buf[96];
    line_text(r, rc, text, sizeof text);
    return fail(r, rc, NULL, "expected 'key = value', '[section]' or a comment, found '%s'",
                rfl_ini_shown(rfl_ini_trim(text), buf, sizeof buf));
  }
  if (r->nsections == 0)
    return fail(r, 0, NULL, "expected a case file with a [probe] section, found no section");
  return RFL_OK;
}

static void reader_free(reader *r) {
  if (!r) return;
  for (int i = 0; i < r->nentries; i++) free(r->entries[i].text);
  free(r->entries);
  free(r);
}

rfl_status rfl_case_read_buffer(const char *name, const char *data, size_t len,
                                const rfl_case_read_options *opt, rfl_case *out) {
  if (!out) return RFL_ERROR(RFL_EINTERNAL, "rfl_case_read_buffer: no output case");
  if (!name) name = "(case)";
  if (!data) len = 0;
  reader *r = calloc(1, sizeof *r);
  if (!r) return RFL_ERROR(RFL_ENOMEM, "%s: out of memory reading the case", name);
  r->name = name;
  set_dir(r, name);
  r->data = data;
  r->len = len;
  r->cur = -1;
  r->opt = opt;
  r->warnings = opt ? opt->warnings : NULL;
  if (r->warnings) r->warnings->count = 0;
  rfl_case_defaults(&r->c);
  snprintf(r->c.path, sizeof r->c.path, "%s", name);

  rfl_status st = read_text(r);
  for (int i = 0; st == RFL_OK && opt && i < opt->nsets; i++) st = apply_set(r, opt->sets[i]);
  if (st == RFL_OK) st = build(r);
  if (st == RFL_OK) *out = r->c;
  reader_free(r);
  return st;
}

rfl_status rfl_case_read(const char *path, const rfl_case_read_options *opt, rfl_case *out) {
  if (!path) return RFL_ERROR(RFL_EINPUT, "no case file given");
  struct stat st;
  if (stat(path, &st) != 0)
    return RFL_ERROR(RFL_EINPUT, "%s: expected a readable case file, found an error: %s", path,
                     strerror(errno));
  if (S_ISDIR(st.st_mode))
    return RFL_ERROR(RFL_EINPUT, "%s: expected a case file, found a directory", path);
  if (!S_ISREG(st.st_mode))
    return RFL_ERROR(RFL_EINPUT, "%s: expected a regular case file, found a device, pipe or socket",
                     path);
  if (st.st_size > RFL_CASE_MAX_BYTES)
    return RFL_ERROR(RFL_EINPUT, "%s: expected a case file of at most %d bytes, found %lld bytes",
                     path, RFL_CASE_MAX_BYTES, (long long)st.st_size);
  FILE *f = fopen(path, "rb");
  if (!f)
    return RFL_ERROR(RFL_EINPUT, "%s: expected a readable case file, found an error: %s", path,
                     strerror(errno));
  char *data = malloc(RFL_CASE_MAX_BYTES + 1);
  if (!data) {
    fclose(f);
    return RFL_ERROR(RFL_ENOMEM, "%s: out of memory reading the case", path);
  }
  size_t len = fread(data, 1, RFL_CASE_MAX_BYTES + 1, f);
  int err = ferror(f);
  fclose(f);
  rfl_status s;
  if (err)
    s = RFL_ERROR(RFL_EINPUT, "%s: expected a readable case file, found a read error", path);
  else
    s = rfl_case_read_buffer(path, data, len, opt, out);
  free(data);
  return s;
}

/* ==== writing ========================================================================= */

/* [output] times_s as written (rf_end, ...), and the seconds they stand for as a comment;
 * a case built in code whose times no longer match its items is written in seconds. */
static void write_output_times(FILE *f, const rfl_output_settings *o, const rfl_case *c) {
  double t[RFL_MAX_OUTPUT_TIMES];
  const rfl_generator *g = &c->generator;
  int n = rfl_output_times_resolve(o->items, o->nitems, g->duration_s, g->cooldown_s, t);
  int same = n == o->ntimes, symbolic = 0;
  for (int i = 0; same && i < n; i++) same = t[i] == o->times_s[i];
  for (int i = 0; same && i < o->nitems; i++) symbolic |= o->items[i].anchor != RFL_TIME_SECONDS;
  if (same) {
    char buf[RFL_MAX_OUTPUT_TIMES * 40];
    rfl_output_times_text(o->items, o->nitems, buf, sizeof buf);
    fputs(buf, f);
  }
  if (same && !symbolic) return;
  if (same) fputs("   ; =", f);
  for (int i = 0; i < o->ntimes; i++) fprintf(f, "%s%.10g", i ? ", " : same ? " " : "", o->times_s[i]);
  if (same) fputs(" s", f);
}

static void write_value(FILE *f, const key_spec *k, const void *target, const rfl_case *c) {
  const char *field = (const char *)target + k->offset;
  switch (k->type) {
    case KT_REAL: {
      double v;
      memcpy(&v, field, sizeof v);
      fprintf(f, "%.10g", v / k->scale);
      break;
    }
    case KT_INT: {
      int v;
      memcpy(&v, field, sizeof v);
      fprintf(f, "%d", v);
      break;
    }
    case KT_BOOL: {
      int v;
      memcpy(&v, field, sizeof v);
      fputs(v ? "yes" : "no", f);
      break;
    }
    case KT_ENUM:
      fputs(k->choices[k->get_enum(target)], f);
      break;
    case KT_TEXT:
    case KT_PATH:
      fprintf(f, "\"%s\"", field);
      break;
    case KT_VEC3:
    case KT_DIR: {
      rfl_vec3 v;
      char buf[96];
      memcpy(&v, field, sizeof v);
      fputs(vec_text(v, k->scale, buf, sizeof buf), f);
      break;
    }
    case KT_POINTS: {
      const rfl_shape *s = (const rfl_shape *)(const void *)field;
      char buf[96];
      for (int i = 0; i < s->npoints; i++)
        fprintf(f, "%s%s", i ? "; " : "", vec_text(s->points[i], k->scale, buf, sizeof buf));
      break;
    }
    case KT_LIST: {
      write_output_times(f, target, c);
      break;
    }
    case KT_MATERIAL: {
      int m;
      memcpy(&m, field, sizeof m);
      fputs(m >= 0 && m < c->nmaterials ? c->materials[m].name : "?", f);
      break;
    }
    case KT_LABELS: {
      int first = 1;
      for (int v = 0; v < 256; v++) {
        int m = c->grid.voxel_material[v];
        if (m < 0 || m >= c->nmaterials) continue;
        fprintf(f, "%s%d:%s", first ? "" : ", ", v, c->materials[m].name);
        first = 0;
      }
      break;
    }
  }
}

/* A skip rule says how to write a key: NULL = as a key, "" = not at all, any other text =
 * as a comment ending in that text. A comment "used ..." marks a key the case does not use
 * now (the reader warned and ignored it): it shows the default that would apply, not a
 * value the user gave, so that a written case read back writes the same text. */
typedef const char *(*skip_rule)(const key_spec *k, const void *target, const rfl_case *c);

static void write_section(FILE *f, const char *header, const key_spec *keys, const void *target,
                          const void *defaults, const rfl_case *c, skip_rule skip) {
  fprintf(f, "\n[%s]\n", header);
  for (const key_spec *k = keys; k->name; k++) {
    const char *why = skip ? skip(k, target, c) : NULL;
    if (why && !why[0]) continue;
    const int unused = why && defaults && strncmp(why, "used ", 5) == 0;
    fprintf(f, "%s%s = ", why ? "; " : "", k->name);
    write_value(f, k, unused ? defaults : target, c);
    if (why) fprintf(f, "   (%s)", why);
    fputc('\n', f);
  }
}

static const char *skip_grid(const key_spec *k, const void *t, const rfl_case *c) {
  const rfl_grid_spec *g = t;
  (void)c;
  if (g->voxel_file[0] == '\0' && (k->type == KT_PATH || k->type == KT_LABELS ||
                                   strcmp(k->name, "voxel_dataset") == 0))
    return "";
  /* automatic choices are written as comments: read back, the case chooses them again */
  if ((g->auto_spacing && strcmp(k->name, "spacing_mm") == 0) ||
      (g->auto_fine_box && strncmp(k->name, "fine_m", 6) == 0) ||
      (g->auto_growth && strcmp(k->name, "growth") == 0))
    return "automatic";
  return NULL;
}

static const char *skip_solver(const key_spec *k, const void *t, const rfl_case *c) {
  const rfl_solver_settings *s = t;
  (void)c;
  return s->auto_dt && strcmp(k->name, "dt_s") == 0 ? "automatic" : NULL;
}

static const char *skip_probe(const key_spec *k, const void *t, const rfl_case *c) {
  const rfl_probe *p = t;
  (void)c;
  if (strcmp(k->name, "gauge") == 0) return p->gauge > 0 ? NULL : "";
  if (strcmp(k->name, "diameter_mm") == 0) return p->gauge > 0 ? "from the gauge" : NULL;
  if (!p->cooled && (strcmp(k->name, "coolant_C") == 0 || strcmp(k->name, "cooling_h_W_m2K") == 0))
    return "used when cooled = yes";
  return NULL;
}

static const char *skip_generator(const key_spec *k, const void *t, const rfl_case *c) {
  const rfl_generator *g = t;
  (void)c;
  const rfl_generator_type *owner = rfl_generator_key_owner(k->name);
  return owner && owner != rfl_generator_type_of(g) ? owner->unused_note : NULL;
}

static const char *skip_material(const key_spec *k, const void *t, const rfl_case *c) {
  const rfl_material *m = t;
  (void)c;
  return m->kind == RFL_MATERIAL_METAL && (int)(k - material_keys) >= MATERIAL_METAL_KEYS ? "" : NULL;
}

static const char *skip_structure(const key_spec *k, const void *t, const rfl_case *c) {
  const rfl_structure *s = t;
  (void)c;
  if (k->shapes && !(k->shapes & SH(s->shape.kind))) return "";
  if (s->role == RFL_ROLE_NONE && k->type == KT_REAL && !k->shapes)
    return "used for role = target or protected"; /* threshold_C, margin_mm */
  return NULL;
}

rfl_status rfl_case_write(FILE *f, const rfl_case *c) {
  if (!f || !c) return RFL_ERROR(RFL_EINTERNAL, "rfl_case_write: no file or case");
  char header[RFL_NAME_MAX + 16];
  fprintf(f, "; resolved case%s%s: every key, defaults filled in, in the file's units\n",
          c->path[0] ? " from " : "", c->path);
  rfl_case *d = malloc(sizeof *d); /* the defaults, for keys the case does not use */
  if (!d) return RFL_ERROR(RFL_ENOMEM, "out of memory writing the resolved case");
  rfl_case_defaults(d);
  write_section(f, "case", case_keys, c, NULL, c, NULL);
  write_section(f, "grid", grid_keys, &c->grid, NULL, c, skip_grid);
  for (int p = 0; p < c->nprobes && p < RFL_MAX_PROBES; p++)
    write_section(f, p == 0 ? "probe" : "return_probe", probe_keys, &c->probes[p], &d->probes[0], c,
                  skip_probe);
  write_section(f, "generator", generator_keys, &c->generator, &d->generator, c, skip_generator);
  write_section(f, "tissue", tissue_keys, c, NULL, c, NULL);
  write_section(f, "physics", physics_keys, &c->physics, NULL, c, NULL);
  write_section(f, "damage", damage_keys, &c->damage, NULL, c, NULL);
  write_section(f, "solver", solver_keys, &c->solver, NULL, c, skip_solver);
  write_section(f, "output", output_keys, &c->output, NULL, c, NULL);
  for (int m = 0; m < c->nmaterials && m < RFL_MAX_MATERIALS; m++) {
    snprintf(header, sizeof header, "material %s", c->materials[m].name);
    write_section(f, header, material_keys, &c->materials[m], NULL, c, skip_material);
  }
  for (int s = 0; s < c->nstructures && s < RFL_MAX_STRUCTURES; s++) {
    rfl_structure sd = c->structures[s]; /* a structure's defaults come from [damage] */
    sd.threshold_C = c->damage.default_threshold_C;
    sd.margin = c->damage.default_margin;
    snprintf(header, sizeof header, "structure %s", c->structures[s].name);
    write_section(f, header, structure_keys, &c->structures[s], &sd, c, skip_structure);
  }
  free(d);
  if (ferror(f)) return RFL_ERROR(RFL_EIO, "writing the resolved case failed");
  return RFL_OK;
}

/* ==== the key table for other writers ================================================= */

const char *const rfl_case_unnamed_sections[] = {"case",   "grid",    "probe",  "return_probe",
                                                 "generator", "tissue", "physics", "damage",
                                                 "solver", "output",  NULL};

static int section_kind(const char *word) {
  for (int k = 0; k < S_COUNT; k++)
    if (strcmp(sections_table[k].word, word) == 0) return k;
  return -1;
}

int rfl_case_key_accepted(const char *section, const char *key) {
  int kind = section && key ? section_kind(section) : -1;
  return kind >= 0 && find_key(kind, key) != NULL;
}

/* The numbers of a key's value in the case file's units; text kinds have none. */
static rfl_case_value_kind value_numbers(const key_spec *k, const void *target, const rfl_case *c,
                                         rfl_case_value *v) {
  const char *field = (const char *)target + k->offset;
  v->count = 0;
  switch (k->type) {
    case KT_REAL:
      memcpy(&v->number[0], field, sizeof(double));
      v->number[0] /= k->scale;
      v->count = 1;
      return RFL_CASE_VALUE_NUMBER;
    case KT_INT:
    case KT_BOOL: {
      int i;
      memcpy(&i, field, sizeof i);
      v->number[0] = i;
      v->count = 1;
      return RFL_CASE_VALUE_INTEGER;
    }
    case KT_VEC3:
    case KT_DIR: {
      rfl_vec3 p;
      memcpy(&p, field, sizeof p);
      v->number[0] = p.x / k->scale;
      v->number[1] = p.y / k->scale;
      v->number[2] = p.z / k->scale;
      v->count = 3;
      return RFL_CASE_VALUE_VECTOR;
    }
    case KT_LIST: {
      const rfl_output_settings *o = target;
      for (int i = 0; i < o->ntimes && i < RFL_MAX_OUTPUT_TIMES; i++) v->number[v->count++] = o->times_s[i];
      (void)c;
      return RFL_CASE_VALUE_NUMBERS;
    }
    default:
      return RFL_CASE_VALUE_TEXT;
  }
}

/* The value as the case file writes it; text and paths without their quotes. */
static char *value_text(const key_spec *k, const void *target, const rfl_case *c) {
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  if (!f) return NULL;
  if (k->type == KT_TEXT || k->type == KT_PATH)
    fputs((const char *)target + k->offset, f);
  else
    write_value(f, k, target, c);
  if (fclose(f) != 0) {
    free(text);
    return NULL;
  }
  return text;
}

rfl_status rfl_case_section_values(const rfl_case *c, const char *section, rfl_case_value_fn fn,
                                   void *ctx) {
  int kind = c && section && fn ? section_kind(section) : -1;
  if (kind < 0 || sections_table[kind].named)
    return RFL_ERROR(RFL_EUSAGE, "rfl_case_section_values: no unnamed section '%s'",
                     section ? section : "(null)");
  if (kind == S_RETURN_PROBE && c->nprobes < 2) return RFL_OK;
  const void *target = case_section_target((rfl_case *)c, kind);
  rfl_case_value v;
  rfl_status st = RFL_OK;
  for (const key_spec *k = sections_table[kind].keys; k->name && st == RFL_OK; k++) {
    memset(&v, 0, sizeof v);
    v.section = section;
    v.key = k->name;
    v.unit = k->unit;
    v.kind = value_numbers(k, target, c, &v);
    char *text = value_text(k, target, c);
    if (!text) return RFL_ERROR(RFL_ENOMEM, "out of memory writing the case's [%s] %s", section, k->name);
    v.text = text;
    st = fn(&v, ctx);
    free(text);
  }
  return st;
}

/* ---- the key tables of docs/case-format.md ---- */

/* A range bound as the docs write it: 1e5, not 100000; 0.0001 as 1e-4. */
static void doc_number(double x, char *buf, size_t size) {
  double a = fabs(x);
  if (a != 0.0 && (a >= 1e5 || a < 1e-3)) {
    int e = (int)floor(log10(a));
    snprintf(buf, size, "%.6ge%d", x / pow(10.0, e), e);
  } else {
    snprintf(buf, size, "%.10g", x);
  }
}

static void doc_unit(FILE *f, const key_spec *k) {
  switch (k->type) {
    case KT_REAL: fputs(k->unit, f); break;
    case KT_INT: fprintf(f, "%s%sinteger%s", k->unit, k->unit[0] ? " (" : "", k->unit[0] ? ")" : ""); break;
    case KT_BOOL: fputs("boolean", f); break;
    case KT_ENUM:
      for (const char *const *w = k->choices; *w; w++) fprintf(f, "%s`%s`", w == k->choices ? "" : "/", *w);
      break;
    case KT_TEXT: fputs("text", f); break;
    case KT_PATH: fputs("path", f); break;
    case KT_VEC3: fprintf(f, "%s, vector", k->unit); break;
    case KT_DIR: fputs("vector", f); break;
    case KT_POINTS: fprintf(f, "%s, points `x, y, z; x, y, z; ...`", k->unit); break;
    case KT_LIST: fprintf(f, "list, %s", k->unit); break;
    case KT_MATERIAL: fputs("material", f); break;
    case KT_LABELS: fputs("list", f); break;
  }
}

/* The range the reader checks by itself; the rules across keys come from the docs table. */
static void doc_range(FILE *f, const key_spec *k, const char *more) {
  char lo[32], hi[32];
  const char *sep = "";
  doc_number(k->min, lo, sizeof lo);
  doc_number(k->max, hi, sizeof hi);
  switch (k->type) {
    case KT_REAL: fprintf(f, "[%s, %s]", lo, hi), sep = ", "; break;
    case KT_INT: fprintf(f, "[%.0f, %.0f]", k->min, k->max), sep = ", "; break;
    case KT_VEC3:
    case KT_POINTS: fprintf(f, "each in [%s, %s]", lo, hi), sep = ", "; break;
    case KT_DIR: fputs("nonzero", f), sep = ", "; break;
    case KT_TEXT: fprintf(f, "at most %zu bytes", k->size - 1), sep = ", "; break;
    default: break;
  }
  if (more && more[0]) fprintf(f, "%s%s", sep, more);
}

static void doc_default(FILE *f, const key_spec *k, const void *target, const rfl_case *c,
                        const char *text) {
  if (text) {
    fputs(text, f);
    return;
  }
  fputc('`', f);
  write_value(f, k, target, c);
  fputc('`', f);
}

/* The shapes a structure key belongs to, "all" for every shape. */
static void doc_shapes(FILE *f, const key_spec *k) {
  if (!k->shapes) {
    fputs("all", f);
    return;
  }
  const char *sep = "";
  for (int s = 0; shape_words[s]; s++)
    if (k->shapes & SH(s)) fprintf(f, "%s%s", sep, shape_words[s]), sep = ", ";
}

static rfl_status doc_section(FILE *f, int kind, const rfl_case *d) {
  const section_spec *sec = &sections_table[kind];
  const int material = kind == S_MATERIAL, structure = kind == S_STRUCTURE;
  const void *target = material ? (const void *)&d->materials[0]
                       : structure ? (const void *)&d->structures[0]
                                   : case_section_target((rfl_case *)d, kind);
  fprintf(f, "<!-- keys: %s -->\n", sec->word);
  fputs(material    ? "| key | unit | range | meaning |\n|---|---|---|---|\n"
        : structure ? "| key | unit | default | shapes | range | meaning |\n|---|---|---|---|---|---|\n"
                    : "| key | unit | default | range | meaning |\n|---|---|---|---|---|\n",
        f);
  for (const key_spec *k = sec->keys; k->name; k++) {
    const rfl_case_key_doc *doc = rfl_case_key_doc_find(sec->word, k->name);
    if (!doc) return RFL_ERROR(RFL_EINTERNAL, "[%s] %s has no description in models/case_key_docs.c",
                               sec->word, k->name);
    fprintf(f, "| `%s` | ", k->name);
    doc_unit(f, k);
    fputs(" | ", f);
    if (!material) {
      doc_default(f, k, target, d, doc->default_text);
      fputs(" | ", f);
    }
    if (structure) {
      doc_shapes(f, k);
      fputs(" | ", f);
    }
    doc_range(f, k, doc->range_text);
    fprintf(f, " | %s |\n", doc->meaning);
  }
  return RFL_OK;
}

rfl_status rfl_case_keys_markdown(FILE *f) {
  for (const rfl_case_key_doc *doc = rfl_case_key_docs; doc->section; doc++)
    if (!rfl_case_key_accepted(doc->section, doc->key))
      return RFL_ERROR(RFL_EINTERNAL, "models/case_key_docs.c describes [%s] %s, which the reader "
                       "does not accept", doc->section, doc->key);
  rfl_case *d = malloc(sizeof *d);
  if (!d) return RFL_ERROR(RFL_ENOMEM, "out of memory for the default case");
  rfl_case_defaults(d);
  d->structures[0].threshold_C = d->damage.default_threshold_C;
  d->structures[0].margin = d->damage.default_margin;
  rfl_status st = RFL_OK;
  for (int kind = 0; kind < S_COUNT && st == RFL_OK; kind++) {
    if (kind == S_RETURN_PROBE) continue; /* the same keys as [probe], one table */
    if (kind > 0) fputc('\n', f);
    st = doc_section(f, kind, d);
  }
  free(d);
  if (st == RFL_OK && ferror(f)) st = RFL_ERROR(RFL_EIO, "writing the key tables failed");
  return st;
}
