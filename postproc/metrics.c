// SPDX-License-Identifier: BSD-3-Clause
/* The metric table (metrics.h): every figure of a run with its names, unit, meaning and
 * source, the flag kinds and the role words. The writers in summary_print.c,
 * summary_json.c, h5out_records.c and results_table.c only walk this table. */
#include "metrics.h"

#include <math.h>
#include <string.h>

#include "error_estimate.h"
#include "generator.h"

/* ---- where the values come from ------------------------------------------------------- */

#define RUN(fn, expr)                                   \
  static double fn(const rfl_metric_source *src) {      \
    const rfl_summary *s = src->summary;                \
    return (double)(expr);                              \
  }
#define STRUCT(fn, expr)                                       \
  static double fn(const rfl_metric_source *src) {             \
    const rfl_structure_report *r = &src->summary->structures[src->structure]; \
    const rfl_structure *st = r->structure;                    \
    (void)st;                                                  \
    return (double)(expr);                                     \
  }
/* A lesion figure as the outputs report it: sizes 0 and no distal projection (NAN)
 * without a lesion. */
#define LESION(fn, which, field, scale, absent)                          \
  static double fn(const rfl_metric_source *src) {                      \
    const rfl_lesion_metrics *l = &src->snapshot->which;                \
    return l->found ? (scale) * l->field : (absent);                     \
  }

RUN(voltage, s->generator_end.voltage)
RUN(current, s->generator_end.current)
RUN(power, s->generator_end.power)
RUN(impedance, s->generator_end.impedance)
RUN(reading, s->generator_end.reading_ohm)
RUN(output_voltage, s->generator_end.output_voltage)
RUN(output_power, s->generator_end.output_power)
RUN(return_path, s->generator_end.reading_ohm - s->generator_end.impedance)
RUN(thermocouple, s->generator_end.thermocouple_C)
RUN(thermocouple_max, s->thermocouple_max_C)
RUN(peak_end, s->peak_tissue_end_C)
RUN(peak_run, s->peak_tissue_run_C)
RUN(peak_run_time, s->peak_tissue_run_time_s)
RUN(energy_electrical, s->energy.electrical)
RUN(energy_metabolic, s->energy.metabolic)
RUN(energy_stored, s->energy.stored)
RUN(energy_boundary, s->energy.boundary)
RUN(energy_perfusion, s->energy.perfusion)
RUN(energy_cooling, s->energy.cooling)
RUN(nflags, s->nflags)
RUN(count_overlap, rfl_flag_count(s, RFL_FLAG_OVERLAP))
RUN(count_within_margin, rfl_flag_count(s, RFL_FLAG_WITHIN_MARGIN))
RUN(count_over_threshold, rfl_flag_count(s, RFL_FLAG_OVER_THRESHOLD))
RUN(count_not_covered, rfl_flag_count(s, RFL_FLAG_NOT_COVERED))
RUN(count_within_error, rfl_flag_count(s, RFL_FLAG_WITHIN_ERROR))
RUN(cells, s->cells)
RUN(steps, s->steps)
RUN(unconverged_steps, s->unconverged_steps)
RUN(threads, s->threads)
RUN(wall, s->wall_s)
RUN(setup, s->setup_s)

static const char *generator_mode(const rfl_metric_source *src) {
  return src->summary->kase ? rfl_generator_mode_name(src->summary->kase->generator.mode) : "";
}

static double set_temperature(const rfl_metric_source *src) {
  const rfl_case *c = src->summary->kase;
  return c && c->generator.mode == RFL_GEN_TEMPERATURE ? c->generator.set_temperature_C : NAN;
}

static double set_power(const rfl_metric_source *src) {
  const rfl_case *c = src->summary->kase;
  return c && c->generator.mode == RFL_GEN_POWER ? c->generator.power_W : NAN;
}

static double snapshot_time(const rfl_metric_source *src) { return src->snapshot->t; }
static double lesion_found(const rfl_metric_source *src) { return src->snapshot->lesion.found != 0; }
static double isotherm_found(const rfl_metric_source *src) { return src->snapshot->isotherm.found != 0; }
static double isotherm_threshold(const rfl_metric_source *src) {
  return src->summary->kase ? src->summary->kase->damage.isotherm_C : NAN;
}
LESION(lesion_width, lesion, width, 1e3, 0.0)
LESION(lesion_length, lesion, length, 1e3, 0.0)
LESION(lesion_distal, lesion, distal, 1e3, NAN)
LESION(lesion_volume, lesion, volume, 1e9, 0.0)
LESION(isotherm_width, isotherm, width, 1e3, 0.0)
LESION(isotherm_length, isotherm, length, 1e3, 0.0)
LESION(isotherm_distal, isotherm, distal, 1e3, NAN)
LESION(isotherm_volume, isotherm, volume, 1e9, 0.0)

STRUCT(margin, 1e3 * r->margin)
STRUCT(isotherm_margin, 1e3 * r->isotherm_margin)
STRUCT(required_margin, st ? 1e3 * st->margin : NAN)
STRUCT(structure_peak, r->peak_C)
STRUCT(structure_peak_time, r->peak_time_s)
STRUCT(max_omega, r->max_omega)
STRUCT(max_cem43, r->max_cem43_min)
STRUCT(damaged_fraction, r->damaged_fraction)
STRUCT(threshold, st ? st->threshold_C : NAN)
STRUCT(threshold_crossed, r->threshold_crossed_s)
STRUCT(course_length, 1e3 * r->course_length)
STRUCT(margin_at, 1e3 * r->margin_at)
STRUCT(margin_point_x, 1e3 * r->margin_point.x)
STRUCT(margin_point_y, 1e3 * r->margin_point.y)
STRUCT(margin_point_z, 1e3 * r->margin_point.z)
STRUCT(peak_at, 1e3 * r->peak_at)
STRUCT(max_omega_at, 1e3 * r->max_omega_at)
STRUCT(max_cem43_at, 1e3 * r->max_cem43_at)
STRUCT(coagulated_length, 1e3 * r->coagulated_length)
STRUCT(captured_length, 1e3 * r->captured_length)
STRUCT(exposed_length, 1e3 * r->exposed_length)

/* ---- the table ------------------------------------------------------------------------- */

#define SNAP RFL_METRIC_SNAPSHOT
#define STRU RFL_METRIC_STRUCTURE
#define REAL RFL_METRIC_REAL
#define NO_TERM(why) RFL_TERM_NONE, NULL, NULL, NULL, 1.0, NULL, why
#define TERM(line, before, format, after, scale) line, before, format, after, scale, NULL, NULL

static const rfl_metric table[] = {
    /* snapshots: the end of RF at the top level, the cool-down under after_cooldown */
    {"time_s", "time_s", NULL, "s", "the time the snapshot's figures refer to (the top level: the end of RF)",
     SNAP, REAL, snapshot_time, NULL, -1, TERM(RFL_TERM_SNAPSHOT, "(t = ", "%.1f", " s)", 1.0)},
    {"lesion.found", "lesion_found", NULL, "-", "whether there is an Omega >= 1 lesion", SNAP, RFL_METRIC_FOUND,
     lesion_found, NULL, -1, NO_TERM("\"none\" in place of the figures without a lesion")},
    {"lesion.width_mm", "lesion_width_mm", NULL, "mm",
     "the Omega >= 1 lesion: width = 2 x largest distance from the probe axis (0 without a lesion)", SNAP, REAL,
     lesion_width, NULL, 0, TERM(RFL_TERM_LESION, "width ", "%.2f", " mm", 1.0)},
    {"lesion.length_mm", "lesion_length_mm", NULL, "mm",
     "length along the probe axis, including any part along the shaft", SNAP, REAL, lesion_length, NULL, 1,
     TERM(RFL_TERM_LESION, ", length ", "%.2f", " mm", 1.0)},
    {"lesion.distal_mm", "lesion_distal_mm", NULL, "mm", "distal projection beyond the tip (null without a lesion)",
     SNAP, REAL, lesion_distal, NULL, 2, TERM(RFL_TERM_LESION, ", distal ", "%.2f", " mm", 1.0)},
    {"lesion.volume_mm3", "lesion_volume_mm3", NULL, "mm^3", "tissue volume, the electrode excluded", SNAP, REAL,
     lesion_volume, NULL, 3, TERM(RFL_TERM_LESION, ", volume ", "%.1f", " mm3", 1.0)},
    {"isotherm.threshold_C", "isotherm_C", NULL, "C",
     "the peak-temperature isotherm that bounds the isotherm lesion ([damage] isotherm_C)", SNAP, REAL,
     isotherm_threshold, NULL, -1, TERM(RFL_TERM_LABEL, "", "%.0f", " C isotherm:", 1.0)},
    {"isotherm.found", "isotherm_found", NULL, "-", "whether there is an isotherm lesion", SNAP, RFL_METRIC_FOUND,
     isotherm_found, NULL, -1, NO_TERM("\"none\" in place of the figures without a lesion")},
    {"isotherm.width_mm", "isotherm_width_mm", NULL, "mm", "the isotherm lesion's width, as the lesion's", SNAP,
     REAL, isotherm_width, NULL, 4, TERM(RFL_TERM_ISOTHERM, "width ", "%.2f", " mm", 1.0)},
    {"isotherm.length_mm", "isotherm_length_mm", NULL, "mm", "its length", SNAP, REAL, isotherm_length, NULL, 5,
     TERM(RFL_TERM_ISOTHERM, ", length ", "%.2f", " mm", 1.0)},
    {"isotherm.distal_mm", "isotherm_distal_mm", NULL, "mm", "its distal projection", SNAP, REAL, isotherm_distal,
     NULL, 6, TERM(RFL_TERM_ISOTHERM, ", distal ", "%.2f", " mm", 1.0)},
    {"isotherm.volume_mm3", "isotherm_volume_mm3", NULL, "mm^3", "its volume", SNAP, REAL, isotherm_volume, NULL, 7,
     TERM(RFL_TERM_ISOTHERM, ", volume ", "%.1f", " mm3", 1.0)},

    /* the run */
    {"generator.mode", "generator_mode", NULL, "-", "`temperature`, `power` or `pulsed`", RFL_METRIC_RUN,
     RFL_METRIC_TEXT, NULL, generator_mode, -1, NO_TERM("a setting of the case (rflesion check prints it)")},
    {"generator.voltage_V", "voltage_V", NULL, "V",
     "at the end of RF, as the current, power and impedance; P = V^2 G and Z = 1/G with the tissue "
     "conductance G from sigma at the end-of-RF temperature",
     RFL_METRIC_RUN, REAL, voltage, NULL, -1, TERM(RFL_TERM_GENERATOR, "tip ", "%.2f", " V", 1.0)},
    {"generator.current_A", "current_A", NULL, "A", "current at the end of RF", RFL_METRIC_RUN, REAL, current, NULL,
     -1, TERM(RFL_TERM_GENERATOR, ", ", "%.1f", " mA", 1e3)},
    {"generator.power_W", "power_W", NULL, "W", "power into the tissue at the end of RF", RFL_METRIC_RUN, REAL, power, NULL, -1,
     TERM(RFL_TERM_GENERATOR, ", ", "%.2f", " W into the tissue", 1.0)},
    {"generator.impedance_ohm", "impedance_ohm", NULL, "ohm", "the tissue's impedance at the end of RF (the modelled domain)",
     RFL_METRIC_RUN, REAL, impedance, NULL, -1, TERM(RFL_TERM_GENERATOR, ", tissue ", "%.1f", " ohm", 1.0)},
    {"generator.reading_ohm", "reading_ohm", NULL, "ohm",
     "the impedance the generator reads at the end of RF: the tissue's plus the return path",
     RFL_METRIC_RUN, REAL, reading, NULL, -1, TERM(RFL_TERM_GENERATOR, ", generator reads ", "%.1f", " ohm", 1.0)},
    {"generator.return_path_ohm", "return_path_ohm", NULL, "ohm",
     "resistance in series with the tissue: the body beyond the domain (monopolar, unless "
     "`return_path_ohm` is given), the dispersive pad, skin and cables",
     RFL_METRIC_RUN, REAL, return_path, NULL, -1, TERM(RFL_TERM_GENERATOR, " (return path ", "%.1f", " ohm)", 1.0)},
    {"generator.output_voltage_V", "output_voltage_V", NULL, "V",
     "the generator's output voltage at the end of RF: the tip voltage plus the drop over the return path",
     RFL_METRIC_RUN, REAL, output_voltage, NULL, -1, TERM(RFL_TERM_GENERATOR, " at ", "%.2f", " V", 1.0)},
    {"generator.output_power_W", "output_power_W", NULL, "W",
     "the generator's output power at the end of RF (tissue and return path)",
     RFL_METRIC_RUN, REAL, output_power, NULL, -1, TERM(RFL_TERM_GENERATOR, " and ", "%.2f", " W output", 1.0)},
    {"generator.thermocouple_C", "thermocouple_C", NULL, "C", "thermocouple reading at the end of RF",
     RFL_METRIC_RUN, REAL, thermocouple, NULL, -1, TERM(RFL_TERM_GENERATOR, ", thermocouple ", "%.2f", " C", 1.0)},
    {"generator.thermocouple_max_C", "thermocouple_max_C", NULL, "C",
     "highest thermocouple reading of the run (pulsed RF: compare with `peak_tissue_C.run`)", RFL_METRIC_RUN, REAL,
     thermocouple_max, NULL, -1, TERM(RFL_TERM_GENERATOR, " (highest ", "%.2f", " C)", 1.0)},
    {"generator.set_temperature_C", "set_temperature_C", NULL, "C",
     "the thermocouple's set temperature as run (after every `--set`); null unless the mode is `temperature`",
     RFL_METRIC_RUN, REAL, set_temperature, NULL, -1, RFL_TERM_GENERATOR, ", set ", "%.1f", " C", 1.0, "", NULL},
    {"generator.set_power_W", "set_power_W", NULL, "W",
     "the power set as run (after every `--set`); null unless the mode is `power`", RFL_METRIC_RUN, REAL,
     set_power, NULL, -1, RFL_TERM_GENERATOR, ", set ", "%.2f", " W", 1.0, "", NULL},
    {"peak_tissue_C.end", "peak_tissue_end_C", NULL, "C",
     "hottest tissue (the active electrode's surface included) at the end of RF", RFL_METRIC_RUN, REAL, peak_end,
     NULL, 0, TERM(RFL_TERM_PEAK, "", "%.2f", " C at the end of RF", 1.0)},
    {"peak_tissue_C.run", "peak_tissue_run_C", "peak_tissue_C", "C",
     "hottest tissue over the run. It sits at the corner where the active tip meets the insulated shaft, early "
     "in the ramp, and converges slowly with the grid: RC-1 gives 87.3 / 86.0 / 85.1 C at 0.21 / 0.17 / 0.13 mm "
     "cells against 83.5 C from the independent reference ([verification.md](verification.md)); read it as an "
     "indication, not to the degree",
     RFL_METRIC_RUN, REAL, peak_run, NULL, -1, TERM(RFL_TERM_PEAK, ", ", "%.2f", " C over the run", 1.0)},
    {"peak_tissue_C.run_time_s", "peak_tissue_run_time_s", NULL, "s", "when the run's hottest tissue was reached",
     RFL_METRIC_RUN, REAL, peak_run_time, NULL, -1, TERM(RFL_TERM_PEAK, " (t = ", "%.1f", " s)", 1.0)},
    {"energy_J.electrical", "energy_electrical_J", "energy_J", "J",
     "energy budget since t = 0: electrical + metabolic = stored + boundary + perfusion + cooling to "
     "discretisation accuracy. Electrical: delivered by the generator",
     RFL_METRIC_RUN, REAL, energy_electrical, NULL, -1, TERM(RFL_TERM_ENERGY, "electrical ", "%.4g", "", 1.0)},
    {"energy_J.metabolic", "energy_metabolic_J", NULL, "J", "metabolic heat", RFL_METRIC_RUN, REAL,
     energy_metabolic, NULL, -1, TERM(RFL_TERM_ENERGY, ", metabolic ", "%.4g", "", 1.0)},
    {"energy_J.stored", "energy_stored_J", NULL, "J", "stored in the tissue, the latent heat of the water boiled "
     "off included", RFL_METRIC_RUN, REAL, energy_stored, NULL, -1,
     TERM(RFL_TERM_ENERGY, ", stored ", "%.4g", "", 1.0)},
    {"energy_J.boundary", "energy_boundary_J", NULL, "J", "lost through the domain's boundary", RFL_METRIC_RUN, REAL,
     energy_boundary, NULL, -1, TERM(RFL_TERM_ENERGY, ", boundary ", "%.4g", "", 1.0)},
    {"energy_J.perfusion", "energy_perfusion_J", NULL, "J", "carried away by perfusion", RFL_METRIC_RUN, REAL,
     energy_perfusion, NULL, -1, TERM(RFL_TERM_ENERGY, ", perfusion ", "%.4g", "", 1.0)},
    {"energy_J.cooling", "energy_cooling_J", NULL, "J", "removed by electrode cooling", RFL_METRIC_RUN, REAL,
     energy_cooling, NULL, -1, TERM(RFL_TERM_ENERGY, ", cooling ", "%.4g", "", 1.0)},
    {"flag_counts.total", "nflags", NULL, "-", "raised safety flags (the exit code is 1 when not 0)",
     RFL_METRIC_RUN, RFL_METRIC_INT, nflags, NULL, -1, NO_TERM("the flags are printed one per line")},
    {"flag_counts.protected_overlap", "protected_overlap", NULL, "-", "raised flags of this kind (see below)",
     RFL_METRIC_RUN, RFL_METRIC_INT, count_overlap, NULL, -1, NO_TERM("the flags are printed one per line")},
    {"flag_counts.protected_within_margin", "protected_within_margin", NULL, "-", "likewise", RFL_METRIC_RUN,
     RFL_METRIC_INT, count_within_margin, NULL, -1, NO_TERM("the flags are printed one per line")},
    {"flag_counts.protected_over_threshold", "protected_over_threshold", NULL, "-", "likewise", RFL_METRIC_RUN,
     RFL_METRIC_INT, count_over_threshold, NULL, -1, NO_TERM("the flags are printed one per line")},
    {"flag_counts.target_not_covered", "target_not_covered", NULL, "-", "findings of this kind", RFL_METRIC_RUN,
     RFL_METRIC_INT, count_not_covered, NULL, -1, NO_TERM("the findings are printed one per line")},
    {"flag_counts.margin_within_error", "margin_within_error", NULL, "-", "likewise", RFL_METRIC_RUN,
     RFL_METRIC_INT, count_within_error, NULL, -1, NO_TERM("the flags are printed one per line")},
    {"grid.cells", "cells", NULL, "-", "grid cells", RFL_METRIC_RUN, RFL_METRIC_COUNT, cells, NULL, -1,
     TERM(RFL_TERM_COST, "Grid ", "%.0f", " cells", 1.0)},
    {"steps", "steps", NULL, "-", "time steps", RFL_METRIC_RUN, RFL_METRIC_COUNT, steps, NULL, -1,
     TERM(RFL_TERM_COST, ", ", "%.0f", " steps", 1.0)},
    {"unconverged_steps", "unconverged_steps", NULL, "-",
     "time steps kept although their coefficient passes ran out before the conductivities (5 %) or the boiled "
     "water fractions (1e-3) settled; energy is still conserved (boiling cells are settled from the step's "
     "energy); a smaller `[solver] dt_s` removes them",
     RFL_METRIC_RUN, RFL_METRIC_COUNT, unconverged_steps, NULL, -1, NO_TERM("a note line when not 0")},
    {"threads", "threads", NULL, "-", "OpenMP threads", RFL_METRIC_RUN, RFL_METRIC_INT, threads, NULL, -1,
     TERM(RFL_TERM_COST, ", ", "%.0f", " thread(s)", 1.0)},
    {"wall_s", "wall_s", "", "s",
     "wall time of the time loop and measurements, set-up excluded (the sweep's `wall_s` is the whole case's)",
     RFL_METRIC_RUN, REAL, wall, NULL, -1, TERM(RFL_TERM_COST, ", ", "%.2f", " s wall", 1.0)},
    {"setup_s", "setup_s", "", "s",
     "wall time of the set-up (a timing: not in the sweep, whose rows must not depend on it)", RFL_METRIC_RUN, REAL, setup, NULL, -1,
     TERM(RFL_TERM_COST, " (set-up ", "%.2f", " s)", 1.0)},

    /* each structure */
    {"margin_mm", "margin_mm", NULL, "mm",
     "signed distance from the Omega >= 1 lesion to the structure's surface: positive = gap, negative = the "
     "lesion overlaps the structure by that depth",
     STRU, REAL, margin, NULL, 0, TERM(RFL_TERM_STRUCTURE, "lesion margin ", "%+.2f", " mm", 1.0)},
    {"isotherm_margin_mm", "isotherm_margin_mm", NULL, "mm", "the same for the isotherm lesion", STRU, REAL,
     isotherm_margin, NULL, 1, TERM(RFL_TERM_STRUCTURE, " (isotherm ", "%+.2f", " mm", 1.0)},
    {"required_margin_mm", "required_margin_mm", NULL, "mm", "the structure's required gap (`margin_mm`)", STRU,
     REAL, required_margin, NULL, -1, TERM(RFL_TERM_STRUCTURE, ", required ", "%.2f", " mm)", 1.0)},
    {"peak_C", "peak_C", NULL, "C", "hottest point of the structure, its surface included, over the run", STRU,
     REAL, structure_peak, NULL, 2, TERM(RFL_TERM_STRUCTURE, ", peak ", "%.2f", " C", 1.0)},
    {"peak_time_s", "peak_time_s", NULL, "s", "when", STRU, REAL, structure_peak_time, NULL, -1,
     TERM(RFL_TERM_STRUCTURE, " at ", "%.1f", " s", 1.0)},
    {"max_omega", "max_omega", NULL, "1", "largest damage integral Omega in the structure", STRU, REAL, max_omega,
     NULL, -1, TERM(RFL_TERM_STRUCTURE, ", max Omega ", "%.3g", "", 1.0)},
    {"max_cem43_min", "max_cem43_min", NULL, "min", "largest thermal dose, cumulative equivalent minutes at 43 C",
     STRU, REAL, max_cem43, NULL, -1, TERM(RFL_TERM_STRUCTURE, ", CEM43 ", "%.3g", " min", 1.0)},
    {"damaged_fraction", "damaged_fraction", NULL, "1",
     "volume fraction with Omega >= 1 of the structure's part inside the domain", STRU, REAL, damaged_fraction,
     NULL, -1, TERM(RFL_TERM_STRUCTURE, ", ", "%.2f", " % coagulated", 100.0)},
    {"threshold_C", "threshold_C", NULL, "C", "the structure's injury threshold", STRU, REAL, threshold, NULL, -1,
     TERM(RFL_TERM_STRUCTURE, ", threshold ", "%.1f", " C", 1.0)},
    {"threshold_crossed_s", "threshold_crossed_s", NULL, "s",
     "first time any point reached the threshold, interpolated between steps; `null` if never", STRU, REAL,
     threshold_crossed, NULL, -1, RFL_TERM_STRUCTURE, " reached at ", "%.1f", " s", 1.0, " never reached", NULL},

    /* along the course of a tube structure (capsule, cylinder): null for the other shapes */
    {"course_length_mm", "course_length_mm", NULL, "mm",
     "length of the structure's course (the axis of a capsule or cylinder), from which the `*_at_mm` arc "
     "lengths are measured from its first point; null, as every figure below, for a structure without a course",
     STRU, REAL, course_length, NULL, -1, RFL_TERM_COURSE, "  along its course of ", "%.2f", " mm:", 1.0, "", NULL},
    {"margin_at_mm", "margin_at_mm", NULL, "mm",
     "where along the course the lesion comes closest (its point of `margin_mm`, projected on the course); a "
     "protected structure's closest point to the lesion. Null without a lesion",
     STRU, REAL, margin_at, NULL, -1, RFL_TERM_COURSE, " closest to the lesion at ", "%.2f", " mm", 1.0,
     " no lesion", NULL},
    {"margin_point_x_mm", "margin_point_x_mm", NULL, "mm", "that point of the course in case coordinates: x", STRU,
     REAL, margin_point_x, NULL, -1, RFL_TERM_COURSE, " (x ", "%.2f", " mm", 1.0, "", NULL},
    {"margin_point_y_mm", "margin_point_y_mm", NULL, "mm", "y", STRU, REAL, margin_point_y, NULL, -1,
     RFL_TERM_COURSE, ", y ", "%.2f", " mm", 1.0, "", NULL},
    {"margin_point_z_mm", "margin_point_z_mm", NULL, "mm", "z", STRU, REAL, margin_point_z, NULL, -1,
     RFL_TERM_COURSE, ", z ", "%.2f", " mm)", 1.0, "", NULL},
    {"peak_at_mm", "peak_at_mm", NULL, "mm",
     "where along the course the cross-section is hottest (the peak temperature over the run)", STRU, REAL,
     peak_at, NULL, -1, RFL_TERM_COURSE, ", hottest at ", "%.2f", " mm", 1.0, "", NULL},
    {"max_omega_at_mm", "max_omega_at_mm", NULL, "mm", "where Omega is largest", STRU, REAL, max_omega_at, NULL,
     -1, RFL_TERM_COURSE, ", largest Omega at ", "%.2f", " mm", 1.0, "", NULL},
    {"max_cem43_at_mm", "max_cem43_at_mm", NULL, "mm", "where the thermal dose CEM43 is largest", STRU, REAL,
     max_cem43_at, NULL, -1, RFL_TERM_COURSE, ", largest CEM43 at ", "%.2f", " mm", 1.0, "", NULL},
    {"coagulated_length_mm", "coagulated_length_mm", NULL, "mm",
     "the coagulated length: arc length over which some part of the cross-section has Omega >= 1", STRU, REAL,
     coagulated_length, NULL, -1, RFL_TERM_COURSE, "; coagulated over ", "%.2f", " mm", 1.0, "", NULL},
    {"captured_length_mm", "captured_length_mm", NULL, "mm",
     "the captured length: arc length over which the whole cross-section has Omega >= 1 (a target is captured "
     "where this is not 0)",
     STRU, REAL, captured_length, NULL, -1, RFL_TERM_COURSE, ", whole cross-section over ", "%.2f", " mm", 1.0,
     "", NULL},
    {"exposed_45C_length_mm", "exposed_45C_length_mm", NULL, "mm",
     "the 45 C exposure: arc length over which some part of the cross-section reached 45 C at some time of the "
     "run (peak temperature field)",
     STRU, REAL, exposed_length, NULL, -1, RFL_TERM_COURSE, ", 45 C reached over ", "%.2f", " mm", 1.0, "", NULL},
};

#define NMETRICS ((int)(sizeof table / sizeof table[0]))

const rfl_metric *rfl_metrics(int *n) {
  *n = NMETRICS;
  return table;
}

const rfl_metric *rfl_metric_find(rfl_metric_scope scope, const char *json) {
  for (int i = 0; i < NMETRICS; i++)
    if (table[i].scope == scope && strcmp(table[i].json, json) == 0) return &table[i];
  return NULL;
}

double rfl_metric_value(const rfl_metric *m, const rfl_metric_source *src) {
  if (!src->summary || !m->value) return NAN;
  if (m->scope == RFL_METRIC_SNAPSHOT && !src->snapshot) return NAN;
  return m->value(src);
}

const char *rfl_metric_text(const rfl_metric *m, const rfl_metric_source *src) {
  return src->summary && m->text ? m->text(src) : "";
}

/* SI -> the metric's unit, for its error (kept in SI by the estimate). */
static double unit_scale(const char *unit) {
  return strcmp(unit, "mm") == 0 ? 1e3 : strcmp(unit, "mm^3") == 0 ? 1e9 : 1.0;
}

double rfl_metric_error(const rfl_metric *m, const rfl_metric_source *src) {
  const rfl_summary *s = src->summary;
  if (!s || m->error < 0 || !s->errors.estimated) return NAN;
  int i;
  if (m->scope == RFL_METRIC_SNAPSHOT) {
    if (src->snapshot_index < 0) return NAN;
    i = rfl_error_lesion_index(src->snapshot_index, m->error / 4, m->error % 4);
  } else if (m->scope == RFL_METRIC_STRUCTURE) {
    i = rfl_error_structure_index(src->structure, m->error);
  } else {
    i = rfl_error_peak_index(s->nstructures);
  }
  return i < s->errors.error.n ? unit_scale(m->unit) * s->errors.error.value[i] : NAN;
}

void rfl_metric_sweep_name(const rfl_metric *m, const char *prefix, const char *structure, char *buf, size_t size) {
  const char *name = m->sweep ? m->sweep : m->column;
  if (!name[0])
    buf[0] = '\0';
  else if (structure)
    snprintf(buf, size, "%s.%s", structure, name);
  else
    snprintf(buf, size, "%s%s", prefix ? prefix : "", name);
}

rfl_metric_source rfl_metric_run(const rfl_summary *s) {
  return (rfl_metric_source){s, NULL, -1, -1};
}

rfl_metric_source rfl_metric_snapshot(const rfl_summary *s, const rfl_lesion_snapshot *snap, int error_index) {
  return (rfl_metric_source){s, snap, error_index, -1};
}

rfl_metric_source rfl_metric_structure(const rfl_summary *s, int k) {
  return (rfl_metric_source){s, NULL, -1, k};
}

const rfl_snapshot_place rfl_snapshot_places[2] = {{"", ""}, {"after_cooldown.", "final_"}};

const rfl_lesion_snapshot *rfl_snapshot_at(const rfl_summary *s, int place) {
  return place == 0 ? &s->end_of_rf : &s->final;
}

/* ---- flags and roles ------------------------------------------------------------------- */

static const char *const flag_names[RFL_FLAG_KINDS] = {"protected_overlap", "protected_within_margin",
                                                       "protected_over_threshold", "target_not_covered",
                                                       "margin_within_error"};

const char *rfl_flag_name(rfl_flag_kind kind) { return flag_names[kind]; }

int rfl_flag_is_finding(rfl_flag_kind kind) { return kind == RFL_FLAG_NOT_COVERED; }

int rfl_flag_raised(const rfl_structure_report *r, rfl_flag_kind kind) {
  switch (kind) {
    case RFL_FLAG_OVERLAP: return r->flag_overlap != 0;
    case RFL_FLAG_WITHIN_MARGIN: return r->flag_within_margin != 0;
    case RFL_FLAG_OVER_THRESHOLD: return r->flag_threshold != 0;
    case RFL_FLAG_NOT_COVERED: return r->flag_not_covered != 0;
    default: return r->flag_within_error != 0;
  }
}

/* Entries "KIND:structure" of one kind in a list of n. */
static int count_in(const char (*ids)[96], int n, const char *kind) {
  int count = 0;
  size_t len = strlen(kind);
  for (int i = 0; i < n && i < RFL_MAX_FLAGS; ++i) count += strncmp(ids[i], kind, len) == 0 && ids[i][len] == ':';
  return count;
}

int rfl_flag_count(const rfl_summary *s, rfl_flag_kind kind) {
  return count_in(s->flags, s->nflags, flag_names[kind]) + count_in(s->findings, s->nfindings, flag_names[kind]);
}

void rfl_flag_list(const rfl_structure_report *r, const char *sep, char *buf, size_t size) {
  size_t len = 0;
  buf[0] = '\0';
  for (int k = 0; k < RFL_FLAG_KINDS; ++k)
    if (rfl_flag_raised(r, (rfl_flag_kind)k) && len < size)
      len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? sep : "", flag_names[k]);
}

const char *rfl_role_name(rfl_structure_role role) {
  return role == RFL_ROLE_PROTECTED ? "protected" : role == RFL_ROLE_TARGET ? "target" : "none";
}

const char *rfl_role_words(rfl_structure_role role) {
  return role == RFL_ROLE_NONE ? "region" : rfl_role_name(role);
}
