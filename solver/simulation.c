// SPDX-License-Identifier: BSD-3-Clause
/* The coupled RF time loop (see simulation.h for the scheme). Allocation happens in
 * rfl_simulation_create only; a step is assembly, four MG-PCG solves at most, and a few
 * fused per-cell loops. Everything is OpenMP-parallel with static schedules and
 * deterministic reductions, so results do not depend on the thread count. */
#include "simulation.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coefficients.h"
#include "damage.h"
#include "generator.h"
#include "mg.h"
#include "parallel.h"
#include "probe.h"
#include "return_path.h"
#include "shares.h"
#include "time_tolerance.h"
#include "thermocouple.h"
#include "tissue.h"

#define RFL_UNDERSHOOT_K 5.0    /* tolerated dip below the coldest boundary/initial value */
#define RFL_PICARD_TOLERANCE 0.05 /* relative sigma change that triggers a Picard pass */
#define RFL_PICARD_MAX 4          /* extra passes at most */
/* Largest mismatch, as a fraction of a cell's water, between the vaporised fraction a heat
 * solve assumed and the one its temperature implies; ~0.5 K of sensible heat at 1e-3. */
#define RFL_VAPOUR_TOLERANCE 1e-3
#define RFL_VAPOUR_PASS_MAX 4     /* extra passes at most while cells start or stop boiling;
                                     the settled state conserves energy if they run out */

struct rfl_simulation {
  const rfl_case *kase;
  const rfl_grid *grid;
  const rfl_geometry *geo;
  size_t n;
  rfl_assembler *as;
  rfl_sysmat *Ap, *Ah;      /* potential and heat operators */
  rfl_mg *mgp, *mgh;
  double *T, *Tprev, *Tpeak;
  double *dose[RFL_DAMAGE_COUNT]; /* per damage model (damage.h): Omega, CEM43 minutes */
  double *phi;              /* unit potential */
  float *phi_start, *TB_start; /* phi and TB at the start of the last step, for the next
                               one's first guesses (single precision: they only shape them) */
  int phi_start_ok, TB_start_ok; /* they hold them and the last step solved for them */
  double *q1;               /* unit-voltage Joule heat per cell, W */
  double *b;                /* right-hand side (potential, then heat) */
  double *TA, *TB;          /* heat step parts: T = TA + V^2 TB */
  double *Tstar;            /* temperature the step's conductivities are evaluated at */
  double *bg;               /* outer-boundary conductance per cell, W/K */
  double *vapour;           /* vaporised water fraction at t (NULL: no latent heat) */
  double *vapour_iter;      /* ... at t + dt, the current pass's linearisation point */
  rfl_thermocouple tc;      /* thermocouple functional */
  double cool_coef[RFL_MAX_PROBES]; /* coolant sink per active-tip volume, W/(m^3 K) */
  rfl_generator_state gen;
  double t, dt_prev;
  double V_last;            /* voltage over the last accepted step (0: generator off) */
  int have_prev;
  int rf_prev;              /* generator on over the previous step */
  double G;                 /* tissue conductance of the last solved potential, A/V */
  rfl_sample *samples;
  size_t nsamples, capacity;
  rfl_energy_budget energy;
  double stored0;           /* heat content at t = 0 relative to 0 C, J */
};

static double cell_volume(const rfl_grid *g, size_t c) {
  size_t i = c % (size_t)g->n[0], j = (c / (size_t)g->n[0]) % (size_t)g->n[1],
         k = c / ((size_t)g->n[0] * (size_t)g->n[1]);
  return g->dx[0][i] * g->dx[1][j] * g->dx[2][k];
}

/* The materials of a cell with their volume shares (shares.h): its label's, and the second
 * one where an interface cuts the cell. `tissue` marks a share that perfuses and makes
 * metabolic heat (tissue material in a tissue cell: not the electrode's steel, nor a share
 * of tissue inside an electrode cell, which has no damage to stop its perfusion). */
typedef struct {
  const rfl_material *m[2];
  double w[2];
  int tissue[2];
  int n;
} cell_mix;

static inline cell_mix cell_materials(const rfl_simulation *s, size_t c) {
  const rfl_case *k = s->kase;
  const rfl_label l = s->geo->label[c];
  cell_mix x;
  x.n = 1;
  x.m[0] = &k->materials[l.material];
  x.w[0] = 1.0;
  x.tissue[0] = l.part == RFL_PART_TISSUE && x.m[0]->kind == RFL_MATERIAL_TISSUE;
  const rfl_cell_share *sh = rfl_shares_cell(s->geo, c);
  if (sh) {
    x.n = 2;
    x.m[1] = &k->materials[sh->other.material];
    x.w[1] = sh->share;
    x.w[0] = 1.0 - x.w[1];
    x.tissue[1] = x.tissue[0] && sh->other.part == RFL_PART_TISSUE &&
                  x.m[1]->kind == RFL_MATERIAL_TISSUE;
  }
  return x;
}

static inline double cell_rho_c(const rfl_simulation *s, size_t c) {
  return rfl_cell_rho_c(s->kase, s->geo, c);
}

/* Latent heat of a cell's water, J/m^3: tissue cells only, and only with vaporisation on. */
static inline double cell_latent(const rfl_simulation *s, size_t c) {
  rfl_label l = s->geo->label[c];
  const rfl_material *m = &s->kase->materials[l.material];
  return (s->vapour && l.part == RFL_PART_TISSUE && m->kind == RFL_MATERIAL_TISSUE)
             ? s->kase->physics.latent_heat_J_m3
             : 0.0;
}

/* Heat content relative to 0 C, J: sensible rho c T plus the latent heat of the water
 * boiled off (computed part of the domain only). */
static double heat_content(const rfl_simulation *s) {
  double stored = 0.0;
  for (size_t c = 0; c < s->n; ++c) {
    double vol = cell_volume(s->grid, c);
    stored += cell_rho_c(s, c) * vol * s->T[c];
    double L = cell_latent(s, c);
    if (L > 0.0) stored += L * vol * s->vapour[c];
  }
  return stored;
}

/* The vaporised fraction in a heat solve is linear about the pass's iterate f, as in
 * Voller & Swaminathan's source-based enthalpy method: f + slope (T - T_f), with T_f the
 * temperature at which the fraction is f. The slope is 1 / window width while the cell
 * boils: strictly inside, or at an end of the window with the temperature pushing into
 * it; 0 otherwise (a cell below its boiling front, or dry). `done` is the fraction boiled
 * off before the step, which never comes back. */
static inline double vapour_slope(const rfl_physics *ph, double f, double done, double T) {
  double width = ph->desiccation_end_C - ph->desiccation_start_C;
  double Tf = ph->desiccation_start_C + f * width;
  int boiling = f < 1.0 && (f > done || T >= Tf);
  if (f >= 1.0 && done < 1.0 && T <= Tf) boiling = 1;
  return boiling ? 1.0 / width : 0.0;
}

static double end_time(const rfl_case *c) {
  return c->generator.duration_s + c->generator.cooldown_s;
}

/* ---- step schedule ------------------------------------------------------------------- */

static double next_event_time(const rfl_case *c, double t) {
  const double eps = RFL_TIME_SAME_S;
  double next = end_time(c);
  double g = rfl_generator_next_event(&c->generator, t);
  if (g < next) next = g;
  for (int i = 0; i < c->output.ntimes; ++i) {
    double to = c->output.times_s[i];
    if (to > t + eps && to < next) next = to;
  }
  return next;
}

/* Length of the step starting at t; *lands is set when the step ends on an event. The run
 * starts with dt/8 and doubles (the factor-2 growth limit): the abrupt start of heating is
 * then resolved, and the start-up error of BDF2 (its first step is backward Euler, and its
 * discrete heat content differs from C T by C (dT_last - dT_first) / 2) stays small. */
#define RFL_STARTUP_FRACTION 0.125
static double step_length(const rfl_case *c, double t, double dt_prev, int *lands, double *t_next) {
  double dt = rfl_generator_step_dt(&c->generator, &c->solver, t);
  if (dt_prev <= 0.0) dt *= RFL_STARTUP_FRACTION;
  if (dt_prev > 0.0 && dt > 2.0 * dt_prev) dt = 2.0 * dt_prev;
  double next = next_event_time(c, t), remaining = next - t;
  *lands = 0;
  if (dt >= remaining * (1.0 - RFL_TIME_LANDS_FRACTION)) {
    dt = remaining;
    *lands = 1;
  } else if (dt > 0.5 * remaining) {
    dt = 0.5 * remaining; /* two equal steps rather than a long one and a sliver */
  }
  *t_next = *lands ? next : t + dt;
  return dt;
}

static size_t count_steps(const rfl_case *c) {
  double t = 0.0, dt_prev = 0.0, t_end = end_time(c);
  size_t n = 0;
  while (t < t_end - RFL_TIME_SAME_S) {
    int lands;
    double t_next;
    dt_prev = step_length(c, t, dt_prev, &lands, &t_next);
    t = t_next;
    ++n;
  }
  return n;
}

double rfl_simulation_thermocouple(const rfl_simulation *s, const double *T) {
  return rfl_thermocouple_read(&s->tc, T);
}

/* ---- set-up ---------------------------------------------------------------------------- */

/* The per-cell fields of a simulation (one double each), besides the damage doses. */
#define SIMULATION_FIELDS(s)                                                                  \
  {&(s)->T, &(s)->Tprev, &(s)->Tpeak, &(s)->phi, &(s)->q1, &(s)->b, &(s)->TA, &(s)->TB,      \
   &(s)->bg, &(s)->Tstar}

void rfl_simulation_free(rfl_simulation *s) {
  if (!s) return;
  rfl_assembler_free(s->as);
  rfl_sysmat_free(s->Ap);
  rfl_sysmat_free(s->Ah);
  rfl_mg_free(s->mgh); /* borrows the scratch of mgp */
  rfl_mg_free(s->mgp);
  double **fields[] = SIMULATION_FIELDS(s);
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; ++i) free(*fields[i]);
  for (int d = 0; d < RFL_DAMAGE_COUNT; ++d) free(s->dose[d]);
  free(s->vapour);
  free(s->vapour_iter);
  free(s->phi_start);
  free(s->TB_start);
  rfl_thermocouple_free(&s->tc);
  free(s->samples);
  free(s);
}

rfl_status rfl_simulation_create(const rfl_case *c, const rfl_grid *g, const rfl_geometry *geo,
                                 rfl_simulation **out) {
  *out = NULL;
  rfl_simulation *s = calloc(1, sizeof *s);
  if (!s) return RFL_ERROR(RFL_ENOMEM, "out of memory for the simulation");
  s->kase = c;
  s->grid = g;
  s->geo = geo;
  s->n = g->ncells;
  rfl_status st = RFL_OK;
  double **fields[] = SIMULATION_FIELDS(s);
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; ++i) {
    *fields[i] = calloc(s->n, sizeof(double));
    if (!*fields[i]) {
      rfl_simulation_free(s);
      return RFL_ERROR(RFL_ENOMEM, "out of memory for the fields (%zu cells)", s->n);
    }
  }
  for (int d = 0; d < RFL_DAMAGE_COUNT; ++d) {
    s->dose[d] = calloc(s->n, sizeof(double));
    if (!s->dose[d]) {
      rfl_simulation_free(s);
      return RFL_ERROR(RFL_ENOMEM, "out of memory for the fields (%zu cells)", s->n);
    }
  }
  s->phi_start = calloc(s->n, sizeof(float));
  s->TB_start = calloc(s->n, sizeof(float));
  if (!s->phi_start || !s->TB_start) {
    rfl_simulation_free(s);
    return RFL_ERROR(RFL_ENOMEM, "out of memory for the fields (%zu cells)", s->n);
  }
  if ((st = rfl_assembler_create(c, geo, &s->as)) != RFL_OK ||
      (st = rfl_sysmat_create(g, &s->Ap)) != RFL_OK || (st = rfl_sysmat_create(g, &s->Ah)) != RFL_OK ||
      (st = rfl_mg_create(g, &s->mgp)) != RFL_OK ||
      (st = rfl_mg_create_sharing(s->mgp, &s->mgh)) != RFL_OK || /* never solved at once */
      (st = rfl_thermocouple_create(c, g, geo, &s->tc)) != RFL_OK) {
    rfl_simulation_free(s);
    return st;
  }
  if (c->physics.latent_heat_J_m3 > 0.0) {
    s->vapour = calloc(s->n, sizeof(double));
    s->vapour_iter = calloc(s->n, sizeof(double));
    if (!s->vapour || !s->vapour_iter) {
      rfl_simulation_free(s);
      return RFL_ERROR(RFL_ENOMEM, "out of memory for the vapour fractions (%zu cells)", s->n);
    }
  }
  s->as->vapour = s->vapour_iter; /* NULL without boiling */
  s->capacity = count_steps(c) + 1;
  s->samples = calloc(s->capacity, sizeof *s->samples);
  if (!s->samples) {
    rfl_simulation_free(s);
    return RFL_ERROR(RFL_ENOMEM, "out of memory for %zu time samples", s->capacity);
  }
  /* Coolant sink: h times the exact inner wall area, spread over the voxelised tip volume. */
  size_t active_cells[RFL_MAX_PROBES] = {0};
  double active_volume[RFL_MAX_PROBES] = {0};
  for (size_t cc = 0; cc < s->n; ++cc)
    if (geo->label[cc].part == RFL_PART_ACTIVE) {
      active_cells[geo->label[cc].probe]++;
      active_volume[geo->label[cc].probe] += cell_volume(g, cc);
    }
  for (int p = 0; p < c->nprobes; ++p) {
    const rfl_probe *pr = &c->probes[p];
    s->cool_coef[p] = (pr->cooled && active_cells[p] > 0)
                          ? pr->cooling_h * rfl_probe_active_area(pr) / active_volume[p]
                          : 0.0;
  }
  const double T0 = c->physics.initial_C;
  for (size_t cc = 0; cc < s->n; ++cc) {
    s->T[cc] = s->Tprev[cc] = s->Tpeak[cc] = T0;
    if (cell_latent(s, cc) > 0.0) s->vapour[cc] = rfl_tissue_vapour_fraction(&c->physics, T0, 0.0);
  }
  s->stored0 = heat_content(s);
  s->gen.integral = 0.0;
  s->gen.voltage = 0.0;
  s->gen.output_voltage = 0.0;
  s->gen.series_ohm = rfl_return_path_ohm(c, g);
  *out = s;
  return RFL_OK;
}

size_t rfl_simulation_step_count(const rfl_simulation *s) { return s->capacity - 1; }

double rfl_simulation_bytes(const rfl_case *c, size_t ncells) {
  const rfl_simulation *s = NULL; /* sizeof does not evaluate: only the count is taken */
  const double fields = (double)(sizeof((double *const *[])SIMULATION_FIELDS(s)) / sizeof(double **)) +
                        RFL_DAMAGE_COUNT;
  const double vapour = c->physics.latent_heat_J_m3 > 0.0 ? 2.0 : 0.0;
  const double assembler = 1.0; /* rfl_assembler.prop */
  const double guesses = 2.0 * sizeof(float); /* phi_start, TB_start */
  return (double)ncells * ((fields + vapour + assembler) * sizeof(double) + guesses) +
         (double)(count_steps(c) + 1) * sizeof(rfl_sample);
}

/* ---- one step -------------------------------------------------------------------------- */

/* Solve to [solver] rtol relative to ||b||, or to the absolute residual atol (0: none). */
static rfl_status solve(rfl_mg *mg, const double *b, double *x, double atol, const rfl_case *c,
                        const char *what, double t, int *iterations) {
  rfl_mg_info info;
  rfl_status st = rfl_mg_solve(mg, b, x, c->solver.rtol, atol, c->solver.max_iterations, &info);
  *iterations += info.iterations;
  if (st == RFL_ENUMERIC)
    return RFL_ERROR(RFL_ENUMERIC, "%s solve produced a non-finite value at t = %.4g s", what, t);
  if (st != RFL_OK) return st;
  if (!info.converged)
    return RFL_ERROR(RFL_ENOCONV,
                     "%s solve did not converge at t = %.4g s: residual %.3g (from %.3g) after %d "
                     "iterations; [solver] max_iterations = %d, rtol = %.3g",
                     what, t, info.residual_norm, info.residual_norm0, info.iterations,
                     c->solver.max_iterations, c->solver.rtol);
  return RFL_OK;
}

static rfl_status solve_potential(rfl_simulation *s, const double *T, double t, int *iterations) {
  rfl_assembler_potential(s->as, T, s->Ap, s->b, s->phi);
  RFL_CHECK(rfl_mg_setup(s->mgp, s->Ap));
  RFL_CHECK(solve(s->mgp, s->b, s->phi, 0.0, s->kase, "potential", t, iterations));
  s->G = rfl_assembler_joule(s->as, T, s->phi, s->q1);
  return RFL_OK;
}

/* A cell's volume terms at the start of a step, from its material shares (one look-up):
 * rho c (J/(m^3 K)), perfusion and coolant sink coefficients (W/K), metabolic heat (W). */
typedef struct {
  double rho_c, perf, cool, qmet;
} cell_terms;

static inline cell_terms cell_terms_of(const rfl_simulation *s, size_t c, double vol) {
  const rfl_case *k = s->kase;
  const rfl_label l = s->geo->label[c];
  const cell_mix x = cell_materials(s, c);
  cell_terms t = {0.0, 0.0, 0.0, 0.0};
  double w = 0.0;
  for (int i = 0; i < x.n; ++i) {
    t.rho_c += x.w[i] * x.m[i]->rho * x.m[i]->c;
    if (!x.tissue[i]) continue;
    w += x.w[i] * x.m[i]->perfusion;
    t.qmet += x.w[i] * x.m[i]->q_met * vol;
  }
  if (w > 0.0 && !(k->physics.perfusion_shutoff && s->dose[RFL_DAMAGE_ARRHENIUS][c] >= 1.0))
    t.perf = w * k->physics.blood_rho_c * vol;
  if (l.part == RFL_PART_ACTIVE) t.cool = s->cool_coef[l.probe] * vol;
  return t;
}

static rfl_status check_state(const rfl_simulation *s, double t, double tmin, double tmax) {
  const rfl_case *k = s->kase;
  double lower = fmin(k->physics.initial_C, fmin(k->physics.boundary_C, k->physics.arterial_C));
  for (int p = 0; p < k->nprobes; ++p)
    if (k->probes[p].cooled) lower = fmin(lower, k->probes[p].coolant_C);
  if (!isfinite(tmin) || !isfinite(tmax))
    return RFL_ERROR(RFL_ENUMERIC, "non-finite temperature at t = %.4g s", t);
  if (tmax > k->solver.max_temperature_C)
    return RFL_ERROR(RFL_ENUMERIC,
                     "temperature %.1f C at t = %.4g s exceeds the sanity bound [solver] "
                     "max_temperature_C = %.1f C (runaway heating: check the generator limits)",
                     tmax, t, k->solver.max_temperature_C);
  if (tmin < lower - RFL_UNDERSHOOT_K)
    return RFL_ERROR(RFL_ENUMERIC,
                     "temperature %.2f C at t = %.4g s is below the coldest boundary, initial or "
                     "coolant temperature (%.2f C): non-physical undershoot; reduce [solver] dt_s",
                     tmin, t, lower);
  return RFL_OK;
}

/* Largest relative change of the electrical conductivity between the temperature the
 * step's coefficients used (Tstar) and the new one, over tissue cells. */
static double sigma_change(const rfl_simulation *s, double V2) {
  const rfl_case *k = s->kase;
  const rfl_label *lab = s->geo->label;
  double worst = 0.0;
  RFL_PRAGMA(omp parallel for schedule(static) reduction(max : worst))
  for (size_t c = 0; c < s->n; ++c) {
    const rfl_material *m = &k->materials[lab[c].material];
    if (lab[c].part != RFL_PART_TISSUE || m->kind != RFL_MATERIAL_TISSUE) continue;
    double Tn1 = s->TA[c] + V2 * s->TB[c];
    double a, b;
    if (s->vapour) {
      a = rfl_tissue_sigma_vapour(m, &k->physics, s->Tstar[c], s->vapour_iter[c]);
      b = rfl_tissue_sigma_vapour(m, &k->physics, Tn1,
                                  rfl_tissue_vapour_fraction(&k->physics, Tn1, s->vapour[c]));
    } else {
      a = rfl_tissue_sigma(m, &k->physics, s->Tstar[c]);
      b = rfl_tissue_sigma(m, &k->physics, Tn1);
    }
    double d = fabs(b / a - 1.0);
    if (d > worst) worst = d;
  }
  return worst;
}

/* The vaporised fraction the last heat solve assumed for a tissue cell at its new
 * temperature Tn1 (the linearisation of vapour_slope about the pass's iterate). */
static inline double vapour_linear(const rfl_simulation *s, size_t c, double Tn1) {
  const rfl_physics *ph = &s->kase->physics;
  double f = s->vapour_iter[c];
  double slope = vapour_slope(ph, f, s->vapour[c], s->Tstar[c]);
  return f + slope * (Tn1 - (ph->desiccation_start_C + f * (ph->desiccation_end_C - ph->desiccation_start_C)));
}

/* After a pass: the largest mismatch between the vaporised fraction the solve assumed and
 * the one its temperature implies (0 when every boiling cell stayed in the window and no
 * other cell entered it). */
static double vapour_mismatch(const rfl_simulation *s, double V2) {
  const rfl_physics *ph = &s->kase->physics;
  double worst = 0.0;
  RFL_PRAGMA(omp parallel for schedule(static) reduction(max : worst))
  for (size_t c = 0; c < s->n; ++c) {
    if (cell_latent(s, c) <= 0.0) continue;
    double Tn1 = s->TA[c] + V2 * s->TB[c];
    double d = fabs(rfl_tissue_vapour_fraction(ph, Tn1, s->vapour[c]) - vapour_linear(s, c, Tn1));
    if (d > worst) worst = d;
  }
  return worst;
}

/* The end-of-step state of a boiling-capable cell from the step's energy: the solve
 * balanced C T + L f (C = a0 rho c, the weight the time scheme gives T^{n+1}) with the
 * assumed fraction f; if the passes stopped before f matched T, the same C T + L f is
 * split again between sensible and latent heat along the equilibrium curve (heat up to
 * the boiling front, boil, then heat the dry tissue), so no energy is lost or created. */
static inline void vapour_settle(const rfl_physics *ph, double C, double L, double done,
                                 double linear, double *T, double *f) {
  const double T1 = ph->desiccation_start_C, width = ph->desiccation_end_C - T1;
  /* a fraction outside [done, 1] is an artefact of the linearisation (water cannot come
     back, nor more than all of it boil), not energy the cell holds */
  if (linear < done) linear = done;
  if (linear > 1.0) linear = 1.0;
  double H = C * *T + L * linear;
  double Tfront = T1 + done * width;
  if (H <= C * Tfront + L * done) {
    *f = done;
    *T = (H - L * done) / C;
  } else if (H >= C * (T1 + width) + L) {
    *f = 1.0;
    *T = (H - L) / C;
  } else {
    *f = (H - C * T1) / (C * width + L);
    *T = T1 + *f * width;
  }
}

/* The next pass's linearisation point: the solved temperature, where a cell can boil
 * settled on the equilibrium curve from the solve's energy (temperature recovery), so the
 * next linearisation starts from a consistent state. */
static void next_iterate(rfl_simulation *s, double a0, double V2) {
  const rfl_case *k = s->kase;
  RFL_OMP_FOR
  for (size_t c = 0; c < s->n; ++c) {
    double T = s->TA[c] + V2 * s->TB[c], L = cell_latent(s, c);
    if (L > 0.0) {
      vapour_settle(&k->physics, a0 * cell_rho_c(s, c), L, s->vapour[c], vapour_linear(s, c, T), &T,
                    &s->vapour_iter[c]);
    }
    s->Tstar[c] = T;
  }
}

/* ---- the step's phases (step() below calls them in order, as CVODE's CVStep does) ------ */

/* The time scheme of a step: BDF2, or backward Euler where BDF2 restarts. */
typedef struct {
  int rf_on;   /* generator on over the step */
  int bdf2;    /* 1: BDF2 with the previous step; 0: backward Euler */
  double w;    /* dt / dt_prev (BDF2), 0 otherwise */
  double a[3]; /* weights of T^{n+1}, T^n, T^{n-1} in dT/dt, times dt */
} step_scheme;

/* BDF2 restarts with a backward Euler step where the generator switches on or off: its
 * extrapolation across the jump in heating would overshoot (and, with boiling cells, cost
 * up to a few % of the energy budget). */
static step_scheme choose_scheme(const rfl_simulation *s, double dt) {
  const rfl_case *k = s->kase;
  step_scheme sc;
  sc.rf_on = rfl_generator_is_on(&k->generator, s->t + RFL_TIME_AFTER_S);
  sc.bdf2 = k->solver.scheme == RFL_SCHEME_BDF2 && s->have_prev && sc.rf_on == s->rf_prev;
  sc.w = sc.bdf2 ? dt / s->dt_prev : 0.0;
  const double w = sc.w;
  sc.a[0] = sc.bdf2 ? (1.0 + 2.0 * w) / (1.0 + w) : 1.0;
  sc.a[1] = sc.bdf2 ? -(1.0 + w) : -1.0;
  sc.a[2] = sc.bdf2 ? w * w / (1.0 + w) : 0.0;
  return sc;
}

/* x <- x + w (x - start), start <- x (as it was): a linear extrapolation in time from the
 * last two steps' solutions, w = dt / dt_prev (0: none); the start is kept for the next. */
static void extrapolate(size_t n, double *x, float *start, double w) {
  RFL_OMP_FOR
  for (size_t c = 0; c < n; ++c) {
    const double p = x[c];
    x[c] = p + w * (p - (double)start[c]);
    start[c] = (float)p;
  }
}

/* The first pass's guesses, where the last two steps solved for them: the potential
 * extrapolated in time (the conductivities drift smoothly with the temperature), and the
 * Joule-heat response TB too where the step repeats the last one's scheme and length (TB
 * depends on dt itself). */
static void extrapolate_guesses(rfl_simulation *s, double dt, const step_scheme *sc) {
  const int rf_both = s->rf_prev && sc->rf_on;
  extrapolate(s->n, s->phi, s->phi_start, rf_both && s->phi_start_ok ? dt / s->dt_prev : 0.0);
  s->phi_start_ok = 1;
  const int same_step = sc->bdf2 && fabs(sc->w - 1.0) < 1e-9;
  extrapolate(s->n, s->TB, s->TB_start, rf_both && same_step && s->TB_start_ok ? 1.0 : 0.0);
  s->TB_start_ok = same_step;
}

/* Predict: the temperature the step's conductivities are evaluated at (extrapolated under
 * BDF2). The first pass assumes no water boils off beyond what has (an extrapolated T*
 * past the window would have the solve take all the latent heat out of a cell at once);
 * cells whose T* reaches their boiling front start boiling in it. */
static void predict(rfl_simulation *s, const step_scheme *sc) {
  const int bdf2 = sc->bdf2;
  const double w = sc->w;
  RFL_OMP_FOR
  for (size_t c = 0; c < s->n; ++c) s->Tstar[c] = bdf2 ? s->T[c] + w * (s->T[c] - s->Tprev[c]) : s->T[c];
  if (s->vapour) memcpy(s->vapour_iter, s->vapour, s->n * sizeof *s->vapour);
}

/* Assemble the heat step for conductivities at Tstar: operator Ah and right-hand side b of
 * the time scheme with boundary, perfusion, coolant, metabolic and latent terms. The first
 * guess of TA is the predicted end-of-step temperature less the Joule part the voltage
 * guess Vg would add with the last response TB (T = TA + V^2 TB): TA starts within the
 * prediction's error of its solution instead of a whole step's Joule heating away. */
static void assemble_heat(rfl_simulation *s, double dt, const double a[3], double Vg) {
  const double Vg2 = Vg * Vg;
  const rfl_case *k = s->kase;
  const rfl_grid *g = s->grid;
  const rfl_label *lab = s->geo->label;
  const size_t n = s->n;
  rfl_assembler_heat(s->as, s->Tstar, s->Ah, s->bg);
  const double Tb = k->physics.boundary_C, Ta = k->physics.arterial_C;
  RFL_OMP_FOR
  for (size_t c = 0; c < n; ++c) {
    const double vol = cell_volume(g, c);
    const cell_terms t = cell_terms_of(s, c, vol);
    const double perf = t.perf, cool = t.cool, qmet = t.qmet, cap = t.rho_c * vol / dt;
    double coolant = lab[c].part == RFL_PART_ACTIVE ? k->probes[lab[c].probe].coolant_C : 0.0;
    s->Ah->diag[c] += a[0] * cap + perf + cool;
    s->b[c] = cap * (-a[1] * s->T[c] - a[2] * s->Tprev[c]) + s->bg[c] * Tb + perf * Ta + cool * coolant + qmet;
    double L = cell_latent(s, c);
    if (L > 0.0) { /* L (f_lin(T) - f^n) / dt, backward Euler whatever the sensible scheme */
      double f = s->vapour_iter[c], slope = vapour_slope(&k->physics, f, s->vapour[c], s->Tstar[c]);
      double Tf = k->physics.desiccation_start_C + f * (k->physics.desiccation_end_C - k->physics.desiccation_start_C);
      s->Ah->diag[c] += L * vol / dt * slope;
      s->b[c] += L * vol / dt * (s->vapour[c] - f + slope * Tf);
    }
    s->TA[c] = s->Tstar[c] - Vg2 * s->TB[c];
  }
}

/* The outcome of a step's solve: the voltage and the thermocouple reading
 * T_tc(V) = tc_a + V^2 tc_b it was chosen for, the controller state after it, the
 * iterations (potential, heat, Joule-heat response) and the passes. */
typedef struct {
  rfl_generator_state gen;
  double V, tc_a, tc_b;
  int iterations[3];
  int passes, unconverged;
} step_solution;

/* One pass for conductivities at Tstar: potential, heat operator, the two heat solves and
 * the generator's voltage (from the controller state sol->gen, which is updated). Vg: the
 * voltage guess (the last step's, then the last pass's). */
static rfl_status solve_pass(rfl_simulation *s, double dt, double t_next, const step_scheme *sc,
                             double Vg, step_solution *sol) {
  const rfl_case *k = s->kase;
  if (sc->rf_on) RFL_CHECK(solve_potential(s, s->Tstar, t_next, &sol->iterations[0]));
  assemble_heat(s, dt, sc->a, sc->rf_on ? Vg : 0.0);
  RFL_CHECK(rfl_mg_setup(s->mgh, s->Ah));
  RFL_CHECK(solve(s->mgh, s->b, s->TA, 0.0, k, "heat", t_next, &sol->iterations[1]));
  sol->tc_a = rfl_simulation_thermocouple(s, s->TA);
  sol->tc_b = 0.0;
  if (sc->rf_on) {
    /* T = TA + V^2 TB: TB's residual, scaled by V^2 <= Vlim^2, need be no smaller than
       TA's tolerance for T to be as accurate as TA is (rtol relative to q1 alone would
       ask far more of the smaller Joule part) */
    const double Vlim = rfl_generator_voltage_limit(&k->generator, s->G);
    const double atol = Vlim > 0.0 ? k->solver.rtol * rfl_sysmat_norm(s->Ah, s->b) / (Vlim * Vlim) : 0.0;
    RFL_CHECK(solve(s->mgh, s->q1, s->TB, atol, k, "Joule-heat response", t_next, &sol->iterations[2]));
    sol->tc_b = rfl_simulation_thermocouple(s, s->TB);
  }
  double V = rfl_generator_step_voltage(&k->generator, &sol->gen, k->physics.initial_C, t_next, dt,
                                        sol->tc_a, sol->tc_b, s->G);
  sol->V = sc->rf_on ? V : 0.0;
  return RFL_OK;
}

/* Solve the step: passes of solve_pass, each from the same controller state, again with
 * the conductivities at the new temperature (Picard) where they moved by more than
 * RFL_PICARD_TOLERANCE (fast heating, desiccation near 100 C), or with the vaporised
 * fractions the new temperature implies while cells start or stop boiling. Out of passes,
 * the last is accepted and counted as unconverged. */
static rfl_status solve_heat(rfl_simulation *s, double dt, double t_next, const step_scheme *sc,
                             step_solution *sol) {
  memset(sol, 0, sizeof *sol);
  for (int pass = 0;; ++pass) {
    const double Vg = pass ? sol->V : s->V_last;
    if (pass == 0 && sc->rf_on) extrapolate_guesses(s, dt, sc);
    sol->gen = s->gen;
    sol->passes = pass + 1;
    RFL_CHECK(solve_pass(s, dt, t_next, sc, Vg, sol));
    const double V2 = sol->V * sol->V;
    int sigma_moved = sc->rf_on && sigma_change(s, V2) > RFL_PICARD_TOLERANCE;
    int boiling_moved = s->vapour && vapour_mismatch(s, V2) > RFL_VAPOUR_TOLERANCE;
    if ((sigma_moved && pass < RFL_PICARD_MAX) || (boiling_moved && pass < RFL_VAPOUR_PASS_MAX)) {
      next_iterate(s, sc->a[0], V2);
      continue;
    }
    sol->unconverged = sigma_moved || boiling_moved;
    return RFL_OK;
  }
}

/* What the cell pass of a step adds up: the temperature range (sanity check), the hottest
 * tissue, and the heat flows out through the boundary, perfusion and coolant and in from
 * metabolism, W (computed part of the domain). */
typedef struct {
  double tmin, tmax, tissue_max;
  double boundary, perfusion, cooling, metabolic;
} step_totals;

/* Update the temperature of every cell from the solve (T = TA + V^2 TB, settled where a
 * cell can boil), keep T^n in Tprev, raise the peak, and add up the step's totals. */
static void update_temperature(rfl_simulation *s, const step_scheme *sc, double V2,
                               step_totals *out) {
  const rfl_case *k = s->kase;
  const rfl_grid *g = s->grid;
  const rfl_label *lab = s->geo->label;
  const size_t n = s->n;
  const double Tb = k->physics.boundary_C, Ta = k->physics.arterial_C, a0 = sc->a[0];
  double tmin = INFINITY, tmax = -INFINITY, tissue_max = -INFINITY;
  double e_boundary = 0.0, e_perf = 0.0, e_cool = 0.0, e_met = 0.0;
  RFL_PRAGMA(omp parallel for schedule(static) reduction(min : tmin) reduction(max : tmax, tissue_max) \
                 reduction(+ : e_boundary, e_perf, e_cool, e_met))
  for (size_t c = 0; c < n; ++c) {
    const rfl_material *m = &k->materials[lab[c].material];
    const double vol = cell_volume(g, c);
    const cell_terms t = cell_terms_of(s, c, vol);
    double Tn = s->T[c], Tn1 = s->TA[c] + V2 * s->TB[c];
    double coolant = lab[c].part == RFL_PART_ACTIVE ? k->probes[lab[c].probe].coolant_C : 0.0;
    e_boundary += s->bg[c] * (Tn1 - Tb);
    e_perf += t.perf * (Tn1 - Ta);
    e_cool += t.cool * (Tn1 - coolant);
    double L = cell_latent(s, c);
    if (L > 0.0) /* energy terms above are the solve's; the state is settled from them */
      vapour_settle(&k->physics, a0 * t.rho_c, L, s->vapour[c], vapour_linear(s, c, Tn1), &Tn1,
                    &s->vapour[c]);
    if (lab[c].part == RFL_PART_TISSUE && m->kind == RFL_MATERIAL_TISSUE) {
      e_met += t.qmet;
      if (Tn1 > tissue_max) tissue_max = Tn1;
    }
    if (Tn1 > s->Tpeak[c]) s->Tpeak[c] = Tn1;
    s->Tprev[c] = Tn;
    s->T[c] = Tn1;
    if (!(Tn1 >= tmin)) tmin = isnan(Tn1) ? -INFINITY : Tn1; /* NaN poisons the min */
    if (Tn1 > tmax) tmax = Tn1;
  }
  *out = (step_totals){tmin, tmax, tissue_max, e_boundary, e_perf, e_cool, e_met};
}

/* Update the damage integrals of every tissue cell along its step from Tprev to T. */
static void update_damage(rfl_simulation *s, double dt) {
  const rfl_case *k = s->kase;
  const rfl_label *lab = s->geo->label;
  RFL_OMP_FOR
  for (size_t c = 0; c < s->n; ++c) {
    const rfl_material *m = &k->materials[lab[c].material];
    if (lab[c].part != RFL_PART_TISSUE || m->kind != RFL_MATERIAL_TISSUE) continue;
    for (int d = 0; d < RFL_DAMAGE_COUNT; ++d)
      s->dose[d][c] += rfl_damage_types[d]->increment(m, &k->damage, s->Tprev[c], s->T[c], dt);
  }
}

/* The tissue's impedance and what the generator reads through the return path, from the
 * sample's tip voltage and current. */
static void circuit_reading(const rfl_simulation *s, rfl_sample *smp) {
  const double R = s->gen.series_ohm;
  smp->impedance = s->G > 0.0 ? 1.0 / s->G : INFINITY;
  smp->reading_ohm = smp->impedance + R;
  smp->output_voltage = smp->voltage + smp->current * R;
  smp->output_power = smp->output_voltage * smp->current;
}

/* Accept the step: the energy budget, the time sample, and the state the next step starts
 * from. */
static void accept_step(rfl_simulation *s, double dt, double t_next, const step_scheme *sc,
                        const step_solution *sol, const step_totals *tot) {
  const rfl_case *k = s->kase;
  const double V = sol->V, V2 = V * V;
  /* the assembler reads the iterate: between steps it is the settled fraction */
  if (s->vapour) memcpy(s->vapour_iter, s->vapour, s->n * sizeof *s->vapour);
  const double mirror = rfl_case_mirror_factor(k); /* cell sums cover the computed part only */
  s->energy.electrical += dt * V2 * s->G;
  s->energy.boundary += mirror * dt * tot->boundary;
  s->energy.perfusion += mirror * dt * tot->perfusion;
  s->energy.cooling += mirror * dt * tot->cooling;
  s->energy.metabolic += mirror * dt * tot->metabolic;

  rfl_sample *smp = &s->samples[s->nsamples < s->capacity ? s->nsamples : s->capacity - 1];
  smp->t = t_next;
  smp->voltage = sc->rf_on ? V : 0.0;
  smp->current = smp->voltage * s->G;
  smp->power = smp->voltage * smp->voltage * s->G;
  circuit_reading(s, smp);
  smp->thermocouple_C = sol->tc_a + V2 * sol->tc_b;
  smp->setpoint_C = rfl_generator_setpoint(&k->generator, k->physics.initial_C, t_next);
  smp->tissue_max_C = tot->tissue_max;
  smp->rf_on = sc->rf_on;
  smp->iterations = sol->iterations[0] + sol->iterations[1] + sol->iterations[2];
  smp->iterations_potential = sol->iterations[0];
  smp->iterations_heat = sol->iterations[1] + sol->iterations[2];
  smp->passes = sol->passes;
  smp->unconverged = sol->unconverged;
  if (s->nsamples < s->capacity) s->nsamples++;

  s->gen = sol->gen;
  s->t = t_next;
  s->dt_prev = dt;
  s->V_last = smp->voltage;
  s->phi_start_ok = s->phi_start_ok && sc->rf_on;
  s->TB_start_ok = s->TB_start_ok && sc->rf_on;
  s->have_prev = 1;
  s->rf_prev = sc->rf_on;
}

/* One time step: predict, solve (potential, heat and generator, with passes), update the
 * temperature and the damage, check, accept. */
static rfl_status step(rfl_simulation *s, double dt, double t_next) {
  const step_scheme sc = choose_scheme(s, dt);
  predict(s, &sc);
  step_solution sol;
  RFL_CHECK(solve_heat(s, dt, t_next, &sc, &sol));
  step_totals tot;
  update_temperature(s, &sc, sol.V * sol.V, &tot);
  update_damage(s, dt);
  /* The minimum/maximum reductions are exact, so the check is thread-independent. */
  RFL_CHECK(check_state(s, t_next, tot.tmin, tot.tmax));
  accept_step(s, dt, t_next, &sc, &sol, &tot);
  return RFL_OK;
}

rfl_status rfl_simulation_run(rfl_simulation *s, rfl_step_observer observer, void *ctx) {
  const double t_end = end_time(s->kase);
  while (s->t < t_end - RFL_TIME_SAME_S) {
    int lands;
    double t_next;
    double dt = step_length(s->kase, s->t, s->have_prev ? s->dt_prev : 0.0, &lands, &t_next);
    RFL_CHECK(step(s, dt, t_next));
    if (observer) {
      rfl_field_view view = rfl_simulation_view(s);
      if (observer(&view, &s->samples[s->nsamples - 1], ctx)) break;
    }
  }
  return RFL_OK;
}

rfl_field_view rfl_simulation_view(const rfl_simulation *s) {
  rfl_field_view v;
  v.kase = s->kase;
  v.grid = s->grid;
  v.geometry = s->geo;
  v.t = s->t;
  v.temperature = s->T;
  v.peak_temperature = s->Tpeak;
  v.omega = s->dose[RFL_DAMAGE_ARRHENIUS];
  v.cem43 = s->dose[RFL_DAMAGE_CEM43];
  v.unit_potential = s->phi;
  v.voltage = s->gen.voltage;
  return v;
}

const rfl_sample *rfl_simulation_samples(const rfl_simulation *s, size_t *count) {
  *count = s->nsamples;
  return s->samples;
}

rfl_energy_budget rfl_simulation_energy(const rfl_simulation *s) {
  rfl_energy_budget e = s->energy;
  e.stored = rfl_case_mirror_factor(s->kase) * (heat_content(s) - s->stored0);
  return e;
}

rfl_status rfl_simulation_generator_now(rfl_simulation *s, double voltage, rfl_sample *out) {
  int iterations = 0;
  s->phi_start_ok = 0; /* phi is no longer the last step's */
  RFL_CHECK(solve_potential(s, s->T, s->t, &iterations));
  memset(out, 0, sizeof *out);
  out->t = s->t;
  out->voltage = voltage;
  out->current = voltage * s->G;
  out->power = voltage * voltage * s->G;
  circuit_reading(s, out);
  out->thermocouple_C = rfl_simulation_thermocouple(s, s->T);
  out->setpoint_C = rfl_generator_setpoint(&s->kase->generator, s->kase->physics.initial_C, s->t);
  out->iterations = iterations;
  return RFL_OK;
}
