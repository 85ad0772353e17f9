// SPDX-License-Identifier: BSD-3-Clause
/* The resolved case: everything one rflesion run needs, in SI units (m, s, W, V, S/m) and
 * degrees Celsius for temperatures. The case file speaks mm and unit-suffixed keys
 * (docs/case-format.md); the reader converts once, here nothing carries a unit but SI.
 *
 * This is plain data (the interface between models/, solver/ and postproc/): every field
 * says its unit. Defaults are filled by rfl_case_defaults(); rfl_case_read() overrides them
 * from a file and --set options and validates the result. */
#ifndef RFL_CASE_H
#define RFL_CASE_H

#include <stddef.h>

#include "generator_modes.h"
#include "material.h"
#include "output_times.h"
#include "probe.h"
#include "shape.h"
#include "status.h"
#include "vec3.h"

#define RFL_MAX_MATERIALS 24 /* material labels fit in a uint8_t with room to spare */
#define RFL_MAX_STRUCTURES 32
#define RFL_MAX_PROBES 2     /* active + (bipolar) return probe */
#define RFL_MAX_OUTPUT_TIMES 32
#define RFL_PATH_MAX 1024

/* ---- generator ---------------------------------------------------------------------- */
#define RFL_GENERATOR_MODE_ENUM(word, NAME) RFL_GEN_##NAME,
typedef enum { RFL_GENERATOR_MODE_LIST(RFL_GENERATOR_MODE_ENUM) RFL_GEN_COUNT } rfl_generator_mode;
#undef RFL_GENERATOR_MODE_ENUM

typedef struct {
  rfl_generator_mode mode;
  double set_temperature_C;  /* target thermocouple temperature, C */
  double ramp_s;             /* set point rises linearly from the initial temperature, s */
  double duration_s;         /* RF on time, s */
  double cooldown_s;         /* simulated time after RF stops, s */
  double max_voltage_V;      /* voltage limit, V */
  double max_power_W;        /* power limit, W */
  double kp_V_per_K;         /* PI proportional gain, V/K */
  double ki_V_per_Ks;        /* PI integral gain, V/(K s) */
  double power_W;            /* power-controlled mode: delivered power, W */
  double pulse_voltage_V;    /* pulsed mode: burst voltage, V */
  double pulse_width_s;      /* pulsed mode: burst width, s */
  double pulse_frequency_Hz; /* pulsed mode: bursts per second, Hz */
  double pulse_limit_C;      /* pulsed mode: thermocouple limit; bursts are scaled down
                                when the thermocouple exceeds it, C */
  double return_path_ohm;    /* resistance in series with the modelled tissue: dispersive
                                pad, skin and cables, ohm (see generator.h) */
  int auto_return_path;      /* 1: return_path_ohm not given: the body beyond the domain is
                                added to it (monopolar) */
} rfl_generator;

/* ---- structures (anatomy) ----------------------------------------------------------- */
typedef enum {
  RFL_ROLE_NONE = 0,     /* a region of a material (bone, fat, ...) */
  RFL_ROLE_TARGET = 1,   /* nerve that should be inside the lesion */
  RFL_ROLE_PROTECTED = 2 /* nerve that must stay outside the lesion and below threshold */
} rfl_structure_role;

typedef struct {
  char name[RFL_NAME_MAX];
  rfl_shape shape;         /* geometry, SI (see shape.h) */
  int material;            /* material index */
  rfl_structure_role role;
  double threshold_C;      /* injury threshold temperature, C (protected/target) */
  double margin;           /* required gap from the Omega >= 1 lesion, m */
  int line;                /* line of the section header in the case file (messages) */
} rfl_structure;

/* ---- grid --------------------------------------------------------------------------- */
/* Mirror planes: the lower domain face of each flagged axis is a plane of symmetry of the
 * whole case (probe axis in the plane, structures mirrored), so only the half or quarter
 * on the positive side is computed; no heat or current crosses the plane. */
typedef enum {
  RFL_SYMMETRY_NONE = 0,
  RFL_SYMMETRY_X = 1, /* bit 0: the plane x = domain_min.x */
  RFL_SYMMETRY_Y = 2, /* bit 1: the plane y = domain_min.y */
  RFL_SYMMETRY_XY = 3
} rfl_symmetry;

typedef struct {
  rfl_vec3 domain_min, domain_max; /* computational box, m */
  double spacing;                  /* cell size in the fine region, m */
  rfl_vec3 fine_min, fine_max;     /* box with uniform fine spacing, m (= domain: uniform) */
  double growth;                   /* max ratio of neighbouring cell sizes outside the fine
                                      region (1 = uniform everywhere) */
  rfl_symmetry symmetry;           /* mirror planes at the lower x / y domain faces */
  int auto_spacing;                /* 1: spacing chosen by rflesion (no spacing_mm given) */
  int auto_fine_box;               /* 1: fine box chosen by rflesion (no fine_min/max_mm) */
  int auto_growth;                 /* 1: growth chosen by rflesion (no growth given) */
  int coarse_solution;             /* 1: the error estimate's coarse solution, which may
                                      have 2 cells per electrode radius instead of 3 */
  char voxel_file[RFL_PATH_MAX];   /* optional labelled volume (HDF5), "" if none */
  char voxel_dataset[RFL_NAME_MAX * 2]; /* dataset path inside voxel_file */
  int voxel_material[256];         /* label value -> material index (-1 = not mapped) */
} rfl_grid_spec;

/* ---- solver ------------------------------------------------------------------------- */
typedef enum { RFL_SCHEME_BACKWARD_EULER = 0, RFL_SCHEME_BDF2 = 1 } rfl_time_scheme;

typedef struct {
  double dt_s;             /* time step, s */
  double pulse_dt_s;       /* time step inside RF bursts (pulsed mode), s */
  rfl_time_scheme scheme;
  double rtol;             /* relative residual reduction for the linear solves */
  int max_iterations;      /* per linear solve */
  double max_temperature_C;/* sanity bound: stop with a numerical failure above this */
  int threads;             /* OpenMP threads, 0 = runtime default */
  int auto_dt;             /* 1: dt_s chosen by rflesion (no dt_s given) */
  double accuracy;         /* target discretisation error of lengths, m (accuracy_mm) */
  int error_estimate;      /* 1: estimate every figure's discretisation error from a
                              second, coarser solution (error_estimate = yes) */
} rfl_solver_settings;

/* ---- physics (global) --------------------------------------------------------------- */
typedef struct {
  double initial_C;        /* initial tissue temperature, C */
  double boundary_C;       /* outer boundary temperature, C */
  double arterial_C;       /* arterial blood temperature, C */
  double blood_rho_c;      /* rho_b c_b of blood, J/(m^3 K) */
  double desiccation_start_C; /* sigma starts collapsing here, C */
  double desiccation_end_C;   /* ... and reaches desiccation_factor here, C */
  double desiccation_factor;  /* sigma multiplier of fully desiccated tissue */
  double latent_heat_J_m3;    /* heat that boils the tissue water off over the desiccation
                                 window, J/m^3 (0: no vaporisation enthalpy) */
  int perfusion_shutoff;      /* 1: perfusion stops where Omega >= 1 */
} rfl_physics;

/* ---- damage and output -------------------------------------------------------------- */
typedef struct {
  double isotherm_C;       /* peak-temperature lesion edge, C (50 by convention) */
  double cem43_R_above;    /* CEM43 base for T >= 43 C */
  double cem43_R_below;    /* CEM43 base for T < 43 C */
  double default_threshold_C; /* injury threshold for protected structures, C */
  double default_margin;   /* safety margin for protected structures, m */
} rfl_damage_settings;

typedef struct {
  rfl_output_time items[RFL_MAX_OUTPUT_TIMES]; /* [output] times_s as written (rf_end, ...) */
  int nitems;
  double times_s[RFL_MAX_OUTPUT_TIMES]; /* field snapshots, s: the items resolved against
                                           the generator's schedule, increasing */
  int ntimes;
  char directory[RFL_PATH_MAX];  /* where outputs go ("" = next to the case file) */
} rfl_output_settings;

/* ---- the case ----------------------------------------------------------------------- */
typedef struct {
  char path[RFL_PATH_MAX];       /* case file it came from ("" if built in code) */
  char title[128];
  rfl_grid_spec grid;
  rfl_probe probes[RFL_MAX_PROBES];
  int nprobes;
  rfl_generator generator;
  rfl_material materials[RFL_MAX_MATERIALS];
  int nmaterials;
  int background_material;       /* material filling the domain before structures */
  rfl_structure structures[RFL_MAX_STRUCTURES];
  int nstructures;
  rfl_physics physics;
  rfl_damage_settings damage;
  rfl_solver_settings solver;
  rfl_output_settings output;
} rfl_case;

/* Fill a case with the built-in defaults (an 18G 10 mm probe at the origin pointing +z,
 * muscle, 80 C for 90 s, 40 mm box). */
void rfl_case_defaults(rfl_case *c);

/* 1 for a monopolar case: no return probe, so the current returns through the outer
 * boundary (the dispersive pad far away), which is held at 0 V. */
static inline int rfl_case_monopolar(const rfl_case *c) {
  for (int p = 0; p < c->nprobes; ++p)
    if (c->probes[p].role == RFL_PROBE_RETURN) return 0;
  return 1;
}

/* Factor from the computed part of the domain to the whole: 2 per mirror plane. */
static inline double rfl_case_mirror_factor(const rfl_case *c) {
  return (c->grid.symmetry & RFL_SYMMETRY_X ? 2.0 : 1.0) * (c->grid.symmetry & RFL_SYMMETRY_Y ? 2.0 : 1.0);
}

/* Index of a material by name, or -1. */
int rfl_case_find_material(const rfl_case *c, const char *name);

/* The settings of the case as run, from the resolved values: probe(s), generator and
 * schedule, e.g. "18G 10 mm, 80 C, 90 s + 30 s cool-down" or "2 x 18G 10 mm, ...". */
void rfl_case_settings_text(const rfl_case *c, char *buf, size_t size);

/* The title for reports and figures: the [case] title as a free-text name followed by the
 * settings in parentheses ("RC-1 (18G 10 mm, 80 C, 90 s)"), or the settings alone when the
 * case has no title. Written after every --set, so it never goes stale. */
#define RFL_CASE_TITLE_MAX 400 /* room for any display title */
void rfl_case_display_title(const rfl_case *c, char *buf, size_t size);

#endif
