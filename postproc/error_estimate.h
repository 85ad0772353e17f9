// SPDX-License-Identifier: BSD-3-Clause
/* The discretisation error of every reported figure, from the run's solution and a second
 * one on a grid and time step r times coarser (ASME V&V 20-2009, section 2.4: Richardson
 * extrapolation with the grid convergence index):
 *
 *   error(f) = max(F_s |f_fine - f_coarse| / (r^p - 1), floor)
 *
 * with the formal order p = 2 of the scheme (observed ~2 on the lesion figures,
 * docs/verification.md), safety factor F_s = RFL_ERROR_SAFETY and, for lengths, a floor:
 * RFL_ERROR_FLOOR_CELLS fine cells (a contour located to sub-cell accuracy still carries a
 * fraction of a cell of interpolation noise that the two solutions can share by chance),
 * RFL_ERROR_AXIAL_FLOOR_CELLS for a lesion's distal projection, and for its length
 * RFL_ERROR_LENGTH_FLOOR_CELLS cells of the grid the run started on: the proximal end lies
 * beyond the tip/shaft junction, where the current density is singular, and moves with the
 * cell size non-monotonically and slowly (RC-1's length is 16.67, 16.68, 16.75, 16.66, 16.64,
 * 16.68, 16.77 and 16.78 mm at 0.208, 0.200, 0.192, 0.179, 0.167, 0.159, 0.133 and 0.105 mm
 * cells against 16.748 mm from the reference). Two solutions cannot see that, and one
 * refinement round by 1.25-1.6 does not shrink it: runs refined from 0.200 to 0.159 mm were
 * still 0.08-0.11 mm from solutions 1.5 times finer. A volume's floor is the
 * general length floor swept over its surface (at least a sphere's area for that volume).
 * The evidence for the
 * constants, and what is not shown yet, is in docs/error-estimates.md.
 *
 * The figures form one flat list (rfl_error_figures), in the order of rfl_error_index:
 * the lesion and isotherm at the end of RF and after the cool-down (width, length,
 * distal, volume), then per structure its margin, isotherm margin and peak temperature,
 * then the peak tissue temperature at the end of RF. */
#ifndef RFL_ERROR_ESTIMATE_H
#define RFL_ERROR_ESTIMATE_H

#include "case.h"
#include "discretisation.h"

#define RFL_ERROR_RATIO 1.5       /* coarse cells / fine ones */
#define RFL_ERROR_TIME_RATIO 2.0  /* coarse steps / fine ones: the time step's share of the
                                     error is small (RC-1: < 0.01 mm from 2 s to 0.5 s), so
                                     the coarse solution saves steps where it costs nothing */
#define RFL_ERROR_ORDER 2.0       /* p */
#define RFL_ERROR_SAFETY 3.0      /* F_s: ASME V&V 20 for two grids */
#define RFL_ERROR_FLOOR_CELLS 0.05 /* floor of a length's error, in fine cells */
#define RFL_ERROR_AXIAL_FLOOR_CELLS 0.35 /* floor of a lesion's distal projection: it wanders
                                            by +-0.3 cells with where the electrode surface
                                            falls in its cells (docs/error-estimates.md) */
#define RFL_ERROR_LENGTH_FLOOR_CELLS RFL_LENGTH_FLOOR_CELLS /* floor of a lesion's length, in
                                            cells of the grid the run started on (before a
                                            refinement round; models/discretisation.h) */

#define RFL_ERROR_LESION_FIGURES 16 /* 2 times x (lesion, isotherm) x 4 */
#define RFL_ERROR_MAX_FIGURES (RFL_ERROR_LESION_FIGURES + 3 * RFL_MAX_STRUCTURES + 1)

typedef enum { RFL_ERROR_OF_LENGTH = 0, RFL_ERROR_OF_VOLUME = 1, RFL_ERROR_OF_TEMPERATURE = 2 } rfl_error_quantity;

typedef struct {
  double value[RFL_ERROR_MAX_FIGURES];
  int n;
} rfl_error_figures;

typedef struct {
  int estimated;              /* 0: no second solution (error_estimate = no, or it failed) */
  char note[256];             /* why not, or what the estimate could not do ("" if nothing) */
  double ratio;               /* r of the last pair of solutions */
  double spacing, coarse_spacing; /* cell size at the tip of the two solutions, m */
  double dt, coarse_dt;           /* time steps, s */
  int refinements;            /* grids refined to meet the accuracy target */
  double accuracy;            /* the target, m */
  double start_spacing;       /* cell size of the run's first grid (before refinement), m */
  double largest_length;      /* largest error of a lesion length or a margin, m */
  rfl_error_figures error;    /* per figure, SI (m, m^3, C); NAN where not estimated */
} rfl_error_estimate;

/* Index of a figure in the flat list. snapshot 0 = end of RF, 1 = after the cool-down;
 * lesion 0 = Omega >= 1, 1 = isotherm; metric 0 width, 1 length, 2 distal, 3 volume. */
static inline int rfl_error_lesion_index(int snapshot, int lesion, int metric) {
  return (snapshot * 2 + lesion) * 4 + metric;
}
/* what 0 = margin, 1 = isotherm margin, 2 = peak temperature */
static inline int rfl_error_structure_index(int structure, int what) {
  return RFL_ERROR_LESION_FIGURES + 3 * structure + what;
}
static inline int rfl_error_peak_index(int nstructures) {
  return RFL_ERROR_LESION_FIGURES + 3 * nstructures;
}

rfl_error_quantity rfl_error_figure_kind(int index, int nstructures);

/* error = max(F_s |fine - coarse| / (ratio^p - 1), floor) (spacing = the fine cell size,
 * start_spacing = the cells the run started on before any refinement round, m). */
void rfl_error_estimate_compute(const rfl_error_figures *fine, const rfl_error_figures *coarse,
                                double ratio, double spacing, double start_spacing, int nstructures,
                                rfl_error_estimate *out);

/* After a refinement round: no figure's error falls below the earlier pair's estimate carried
 * to the finer cells at order p, (h / h_earlier)^p times it. The refined pair of grids is
 * close (r = 1.25-1.6) and can agree by chance where the wider pair saw the trend (16G:
 * widths refined from 0.200 to 0.147 mm agreed within 0.003 mm and were 0.017 mm from a
 * solution 1.5 times finer). Both estimates must have the same figures; the largest length
 * error is taken again. By the refinement's choice of cells (1.1 sqrt(error / target) times
 * finer) the carried estimate alone stays under the target. */
void rfl_error_estimate_carry(rfl_error_estimate *e, const rfl_error_estimate *earlier, int nstructures);

/* Whether every length's error is within the target (to rounding: a floor of half a
 * 0.2 mm cell meets a 0.1 mm target). */
int rfl_error_estimate_met(const rfl_error_estimate *e);

#endif
