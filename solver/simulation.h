// SPDX-License-Identifier: BSD-3-Clause
/* The coupled time loop: quasi-static potential, Pennes bioheat, generator control and
 * thermal damage, over the RF application and an optional cool-down.
 *
 * Per step (t -> t + dt), in the phases of step() in simulation.c (choose_scheme, predict,
 * solve_heat, update_temperature, update_damage, check_state, accept_step):
 *  1. conductivities at the extrapolated temperature T* (BDF2: T^n + w (T^n - T^{n-1}),
 *     w = dt_n / dt_{n-1}; backward Euler: T^n);
 *  2. unit-voltage potential (MG-PCG, warm-started), Joule heat q1 and tissue conductance G;
 *  3. the heat step is linear in P = V^2: T^{n+1} = T_A + V^2 T_B with
 *       (a0 C/dt + L + W) T_A = C/dt (-a1 T^n - a2 T^{n-1}) + boundary + perfusion + q_met
 *       (a0 C/dt + L + W) T_B = q1
 *     (BDF2 with variable step; a0 = 1, a1 = -1, a2 = 0 for backward Euler and the first step),
 *     so the thermocouple reads a + b V^2 and the generator picks V in closed form (the
 *     implicit PI law exactly, no coupling iteration);
 *     Boiling: tissue water boils off over the desiccation window, irreversibly, absorbing
 *     [physics] latent_heat_J_m3; the heat step carries L (f^{n+1} - f^n) / dt (backward
 *     Euler) with the vaporised fraction f^{n+1} linearised per pass (source-based
 *     enthalpy method), and passes repeat until it matches the new temperature;
 *  4. every damage model's dose (models/damage.h: Arrhenius Omega, CEM43) and the peak
 *     temperature per cell (trapezoid in time), perfusion shut-off where Omega >= 1
 *     (lagged one step), energy budget, sanity checks.
 * When the generator is off (cool-down, between pulses) steps 2 and T_B are skipped.
 * Steps end on the generator mode's events (burst edges, end of the ramp, end of RF) and
 * requested output times, with the mode's step inside bursts; the step grows by at most a
 * factor 2 after short steps (BDF2 zero-stability).
 *
 * The thermocouple is the electrode temperature at the probe's distal tip point, taken as
 * the interface temperature (flux-continuity weighted mean of the electrode and tissue cell
 * temperatures) on the grid faces crossing the electrode surface within 1.5 cells of the
 * point, averaged with inverse-square-distance weights (a fixed linear functional of T). */
#ifndef RFL_SIMULATION_H
#define RFL_SIMULATION_H

#include <stddef.h>

#include "case.h"
#include "geometry.h"
#include "grid.h"
#include "status.h"

/* Generator and thermal state at the end of one step. */
typedef struct {
  double t;              /* s */
  double voltage;        /* tip voltage, V */
  double current;        /* A */
  double power;          /* W */
  double impedance;      /* the tissue's, ohm (INFINITY with no current path; 0 V steps
                            repeat the last) */
  double output_voltage; /* the generator's output: the tip voltage plus the drop over the
                            return path, V */
  double output_power;   /* the generator's output power (tissue and return path), W */
  double reading_ohm;    /* the impedance the generator reads: tissue plus return path, ohm */
  double thermocouple_C; /* C */
  double setpoint_C;     /* C */
  double tissue_max_C;   /* hottest tissue cell, C */
  int rf_on;             /* 1 if RF was applied over the step */
  int iterations;        /* linear-solver iterations of the step (all solves) */
  int iterations_potential; /* ... of the potential solves */
  int iterations_heat;   /* ... of the heat solves (both parts) */
  int passes;            /* coefficient passes (1 + Picard repeats) */
  int unconverged;       /* 1 if the passes ran out before the conductivities (5 %) or the
                            boiled fractions (1e-3) stopped moving; the step is kept */
} rfl_sample;

/* Read-only view of the fields for postproc (valid until the next step). */
typedef struct {
  const rfl_case *kase;
  const rfl_grid *grid;
  const rfl_geometry *geometry;
  double t;                       /* s */
  const double *temperature;      /* C */
  const double *peak_temperature; /* C */
  const double *omega;            /* Arrhenius damage integral */
  const double *cem43;            /* minutes */
  const double *unit_potential;   /* potential at 1 V on the active tip (scale by V) */
  double voltage;                 /* V of the last step */
} rfl_field_view;

/* Energy budget since t = 0, J. electrical + metabolic = stored + boundary + perfusion +
 * cooling, to time-discretisation accuracy (BDF2 telescopes up to a small end term);
 * stored includes the latent heat of the water boiled off. */
typedef struct {
  double electrical, metabolic;
  double stored, boundary, perfusion, cooling;
} rfl_energy_budget;

typedef struct rfl_simulation rfl_simulation;

/* Called after every step; a nonzero return stops the run (treated as success). */
typedef int (*rfl_step_observer)(const rfl_field_view *view, const rfl_sample *sample, void *ctx);

rfl_status rfl_simulation_create(const rfl_case *c, const rfl_grid *g, const rfl_geometry *geo,
                                 rfl_simulation **out);
void rfl_simulation_free(rfl_simulation *sim);

/* Run to the end (RF duration + cool-down). */
rfl_status rfl_simulation_run(rfl_simulation *sim, rfl_step_observer observer, void *ctx);

/* Number of steps the run will take (known in advance from the step schedule). */
size_t rfl_simulation_step_count(const rfl_simulation *sim);

/* Bytes rfl_simulation_create allocates for a case on ncells cells, apart from the
 * operators and multigrid (rfl_sysmat, rfl_mg_plan_hierarchy): the fields, the vapour
 * fractions when the tissue boils, the assembler's scratch and the time samples. */
double rfl_simulation_bytes(const rfl_case *c, size_t ncells);

rfl_field_view rfl_simulation_view(const rfl_simulation *sim);
const rfl_sample *rfl_simulation_samples(const rfl_simulation *sim, size_t *count);
rfl_energy_budget rfl_simulation_energy(const rfl_simulation *sim);

/* Thermocouple reading of a temperature field (the functional described above). */
double rfl_simulation_thermocouple(const rfl_simulation *sim, const double *T);

/* Generator figures at the current temperature: solves the potential with sigma(T) now,
 * so P = V^2 G uses the end-of-step conductivities (what the reference cases report). */
rfl_status rfl_simulation_generator_now(rfl_simulation *sim, double voltage, rfl_sample *out);

#endif
