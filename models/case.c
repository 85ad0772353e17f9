// SPDX-License-Identifier: BSD-3-Clause
/* Built-in defaults of a case and material lookup (see case.h).
 *
 * Every default carries a comment with its reason or source; docs/case-format.md lists the
 * same values. rfl_case_defaults() describes a complete, runnable case: one 18 gauge probe
 * with a 10 mm round active tip at the origin pointing +z (shaft towards +z), in perfused
 * muscle, temperature-controlled at 80 C for 90 s, in a uniform 40 mm box. It does not read
 * files or validate; case_reader.c does both. */
#include "case.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "generator.h"
#include "material_library.h"
#include "probe.h"

static void copy_name(char *dst, size_t size, const char *src) {
  size_t n = strlen(src);
  if (n >= size) n = size - 1;
  memcpy(dst, src, n);
  dst[n] = '\0';
}

static void add_library_material(rfl_case *c, const char *name) {
  const rfl_material *m = rfl_material_library_find(name);
  if (m && c->nmaterials < RFL_MAX_MATERIALS) c->materials[c->nmaterials++] = *m;
}

static void default_grid(rfl_grid_spec *g) {
  /* grid: 40 mm box (lesions of 18G-16G probes end ~15 mm from the centre), uniform
     0.2 mm cells (3.2 cells per 18G radius) */
  g->domain_min = rfl_vec3_make(-0.020, -0.020, -0.020);
  g->domain_max = rfl_vec3_make(0.020, 0.020, 0.020);
  g->spacing = 0.2e-3;
  g->fine_min = g->domain_min;
  g->fine_max = g->domain_max;
  g->growth = 1.0;
  copy_name(g->voxel_dataset, sizeof g->voxel_dataset, "/labels");
  for (int i = 0; i < 256; i++) g->voxel_material[i] = -1;
}

static void default_probe(rfl_probe *p) {
  /* probe: 18G (the common lumbar medial-branch cannula), 10 mm round active tip */
  copy_name(p->name, sizeof p->name, "probe");
  p->role = RFL_PROBE_ACTIVE;
  p->gauge = 18;
  p->radius = rfl_probe_gauge_radius(18);
  p->tip_length = 10e-3;
  p->tip_shape = RFL_TIP_ROUND;
  p->tip = rfl_vec3_make(0.0, 0.0, 0.0);
  p->direction = rfl_vec3_make(0.0, 0.0, 1.0);
  p->shaft_length = 0.0;        /* to the domain boundary */
  p->material = 1;              /* steel */
  p->cooled = 0;
  p->coolant_C = 20.0;          /* room-temperature water */
  p->cooling_h = 3000.0;        /* W/(m^2 K), order of forced water flow in a needle lumen */
}

static void default_generator(rfl_generator *g) {
  /* generator: temperature control, 80 C for 90 s (clinical_presets.csv, Provenzano 2010)
     with the RC-1 PI gains and limits */
  g->mode = RFL_GEN_TEMPERATURE;
  g->set_temperature_C = 80.0;
  g->ramp_s = 10.0;
  g->duration_s = 90.0;
  g->cooldown_s = 0.0;
  g->max_voltage_V = 100.0;
  g->max_power_W = 50.0;
  g->kp_V_per_K = 2.0;
  g->ki_V_per_Ks = 1.0;
  g->power_W = 0.0;             /* power mode requires it explicitly */
  /* pulsed RF: 45 V, 20 ms bursts at 2 Hz, 42 C limit (clinical_presets.csv, PRF of DRG) */
  g->pulse_voltage_V = 45.0;
  g->pulse_width_s = 20e-3;
  g->pulse_frequency_Hz = 2.0;
  g->pulse_limit_C = 42.0;
  g->return_path_ohm = RFL_RETURN_PATH_OHM;
  g->auto_return_path = 1;
}

static void default_physics(rfl_physics *ph) {
  /* physics: body temperature everywhere; blood rho c = 1050 * 3617 (RC-2) */
  ph->initial_C = 37.0;
  ph->boundary_C = 37.0;
  ph->arterial_C = 37.0;
  ph->blood_rho_c = 1050.0 * 3617.0;
  ph->desiccation_start_C = 99.0;
  ph->desiccation_end_C = 100.0;
  ph->desiccation_factor = 0.01;   /* sigma drops ~2 orders of magnitude */
  /* water density 1000 kg/m^3 x latent heat 2.257 MJ/kg x water content 0.75 (Abraham &
     Sparrow 2007; Zhu et al. 2013): boiling off the water takes ~470 K of sensible heat */
  ph->latent_heat_J_m3 = 1000.0 * 2.257e6 * 0.75;
  ph->perfusion_shutoff = 1;
}

static void default_damage(rfl_damage_settings *d) {
  /* damage: 50 C isotherm convention; Sapareto-Dewey CEM43 bases; 45 C nerve threshold
     (damage_models.csv nerve rows); 1 mm margin (see docs/case-format.md) */
  d->isotherm_C = 50.0;
  d->cem43_R_above = 0.5;
  d->cem43_R_below = 0.25;
  d->default_threshold_C = 45.0;
  d->default_margin = 1.0e-3;
}

static void default_solver(rfl_solver_settings *s) {
  s->dt_s = 0.5;
  s->pulse_dt_s = 2e-3;
  s->scheme = RFL_SCHEME_BDF2;
  s->rtol = 1e-8;
  s->max_iterations = 200;
  s->max_temperature_C = 150.0;
  s->threads = 0;
  s->accuracy = 0.1e-3;
  s->error_estimate = 1;
}

void rfl_case_defaults(rfl_case *c) {
  memset(c, 0, sizeof *c);
  copy_name(c->title, sizeof c->title, "untitled");

  /* materials: the background and the electrode body */
  add_library_material(c, "muscle");
  add_library_material(c, "steel");
  c->background_material = 0;

  default_grid(&c->grid);
  default_probe(&c->probes[0]);
  c->nprobes = 1;
  default_generator(&c->generator);
  default_physics(&c->physics);
  default_damage(&c->damage);
  default_solver(&c->solver);

  /* output: fields at the end of RF and at the end of the cool-down (one time without) */
  c->output.items[0] = (rfl_output_time){RFL_TIME_RF_END, 1.0, 1.0};
  c->output.items[1] = (rfl_output_time){RFL_TIME_END, 1.0, 1.0};
  c->output.nitems = 2;
  c->output.ntimes = rfl_output_times_resolve(c->output.items, 2, c->generator.duration_s,
                                              c->generator.cooldown_s, c->output.times_s);
}

int rfl_case_find_material(const rfl_case *c, const char *name) {
  if (!c || !name) return -1;
  for (int i = 0; i < c->nmaterials && i < RFL_MAX_MATERIALS; i++)
    if (strcmp(c->materials[i].name, name) == 0) return i;
  return -1;
}

/* "18G 10 mm" (or "1.2 mm 10 mm" without a gauge), "cooled" when it is. */
static int probe_text(const rfl_probe *p, char *buf, size_t size) {
  char gauge[32];
  int g = p->gauge;
  for (int k = 10; k <= 30 && g <= 0; k++) /* a diameter that is a gauge's says so */
    if (fabs(rfl_probe_gauge_radius(k) - p->radius) <= 5e-3 * p->radius) g = k;
  if (g > 0)
    snprintf(gauge, sizeof gauge, "%dG", g);
  else
    return snprintf(buf, size, "%.3g mm diameter, %.3g mm tip%s", 2e3 * p->radius,
                    p->tip_length * 1e3, p->cooled ? " cooled" : "");
  return snprintf(buf, size, "%s %.3g mm%s", gauge, p->tip_length * 1e3, p->cooled ? " cooled" : "");
}

void rfl_case_settings_text(const rfl_case *c, char *buf, size_t size) {
  char probe[96], other[96] = "", gen[128];
  probe_text(&c->probes[0], probe, sizeof probe);
  if (c->nprobes == 2) {
    probe_text(&c->probes[1], other, sizeof other);
  }
  const char *pair = other[0] && strcmp(other, probe) == 0 ? "2 x " : "";
  if (pair[0]) other[0] = '\0';
  const rfl_generator *g = &c->generator;
  rfl_generator_describe(g, c->physics.initial_C, RFL_GENERATOR_TEXT_SETTINGS, gen, sizeof gen);
  char cool[48] = "";
  if (g->cooldown_s > 0.0) snprintf(cool, sizeof cool, " + %.4g s cool-down", g->cooldown_s);
  snprintf(buf, size, "%s%s%s%s, %s, %.4g s%s", pair, probe, other[0] ? " and " : "", other, gen,
           g->duration_s, cool);
}

void rfl_case_display_title(const rfl_case *c, char *buf, size_t size) {
  char settings[256];
  rfl_case_settings_text(c, settings, sizeof settings);
  if (c->title[0] && strcmp(c->title, "untitled") != 0)
    snprintf(buf, size, "%s (%s)", c->title, settings);
  else
    snprintf(buf, size, "%s", settings);
}
