// SPDX-License-Identifier: BSD-3-Clause
/* The key table of case files (see case_keys.h and docs/case-format.md): each key with
 * its section, type, unit, accepted range, scale to SI and place in rfl_case. */
#include "case_keys.h"

#include <string.h>

#include "generator.h"
#include "tissue.h"

#define ENUM_ACCESS(fn, type, field, etype)                                     \
  static int fn##_get(const void *t) { return (int)((const type *)t)->field; }  \
  static void fn##_set(void *t, int v) { ((type *)t)->field = (etype)v; }

ENUM_ACCESS(tip_shape, rfl_probe, tip_shape, rfl_tip_shape)
ENUM_ACCESS(approach, rfl_probe, trajectory.approach, rfl_approach)
ENUM_ACCESS(gen_mode, rfl_generator, mode, rfl_generator_mode)
ENUM_ACCESS(mat_kind, rfl_material, kind, rfl_material_kind)
ENUM_ACCESS(mat_law, rfl_material, law, int)
ENUM_ACCESS(shape_kind, rfl_structure, shape.kind, rfl_shape_kind)
ENUM_ACCESS(role, rfl_structure, role, rfl_structure_role)
ENUM_ACCESS(scheme, rfl_solver_settings, scheme, rfl_time_scheme)
ENUM_ACCESS(symmetry, rfl_grid_spec, symmetry, rfl_symmetry)

static const char *const tip_shape_words[] = {"round", "flat", NULL};
static const char *const approach_words[] = {"target", "parallel", "perpendicular", NULL};
static const char *const kind_words[] = {"tissue", "metal", NULL};
const char *const shape_words[] = {"box", "sphere", "cylinder", "capsule", "halfspace",
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

const key_spec case_keys[] = {TEXT("title", rfl_case, title), END};

const key_spec grid_keys[] = {
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

const key_spec probe_keys[] = {
    INT("gauge", "G", 10, 30, rfl_probe, gauge),
    REAL("diameter_mm", "mm", 0.1, 5.0, 0.5e-3, rfl_probe, radius),
    REAL("tip_length_mm", "mm", 0.5, 100.0, 1e-3, rfl_probe, tip_length),
    ENUM("tip_shape", tip_shape_words, tip_shape),
    VEC("tip_mm", rfl_probe, tip),
    DIR("direction", rfl_probe, direction, 0),
    REAL("shaft_length_mm", "mm", 0.0, 1000.0, 1e-3, rfl_probe, shaft_length),
    VEC("entry_mm", rfl_probe, trajectory.entry),
    VEC("target_mm", rfl_probe, trajectory.target),
    ENUM("approach", approach_words, approach),
    TEXT("course", rfl_probe, trajectory.course),
    REAL("course_at_mm", "mm", 0.0, 1000.0, 1e-3, rfl_probe, trajectory.course_at),
    REAL("offset_mm", "mm", 0.0, 50.0, 1e-3, rfl_probe, trajectory.offset),
    REAL("overshoot_mm", "mm", -50.0, 50.0, 1e-3, rfl_probe, trajectory.overshoot),
    MAT("material", rfl_probe, material),
    BOOL("cooled", rfl_probe, cooled),
    TEMP("coolant_C", rfl_probe, coolant_C),
    REAL("cooling_h_W_m2K", "W/(m^2 K)", 1.0, 1e6, 1.0, rfl_probe, cooling_h),
    END};

const key_spec generator_keys[] = {
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
    REAL("return_path_ohm", "ohm", 0.0, 10000.0, 1.0, rfl_generator, return_path_ohm),
    END};

const key_spec tissue_keys[] = {MAT("background", rfl_case, background_material), END};

const key_spec physics_keys[] = {
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

const key_spec material_keys[] = {
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
    ENUM("law", rfl_tissue_law_words, mat_law), /* optional: the last MATERIAL_OPTIONAL_KEYS */
    END};

const key_spec structure_keys[] = {
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

const key_spec damage_keys[] = {
    TEMP("isotherm_C", rfl_damage_settings, isotherm_C),
    REAL("cem43_R_above", "", 0.01, 1.0, 1.0, rfl_damage_settings, cem43_R_above),
    REAL("cem43_R_below", "", 0.01, 1.0, 1.0, rfl_damage_settings, cem43_R_below),
    TEMP("nerve_threshold_C", rfl_damage_settings, default_threshold_C),
    REAL("margin_mm", "mm", 0.0, 50.0, 1e-3, rfl_damage_settings, default_margin),
    END};

const key_spec solver_keys[] = {
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

const key_spec output_keys[] = {
    {"times_s", KT_LIST, "s", 0.0, 1e5, 1.0, offsetof(rfl_output_settings, times_s), 0, 0,
     NULL, NULL, NULL},
    TEXT("directory", rfl_output_settings, directory),
    END};

const section_spec sections_table[S_COUNT] = {
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

const key_spec *case_keys_find(int kind, const char *name) {
  for (const key_spec *k = sections_table[kind].keys; k->name; k++)
    if (strcmp(k->name, name) == 0) return k;
  return NULL;
}

void *case_keys_target(rfl_case *c, int kind) {
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

int case_keys_count(const key_spec *keys) {
  int n = 0;
  while (keys[n].name) n++;
  return n;
}
