// SPDX-License-Identifier: BSD-3-Clause
/* The return path in series with the modelled tissue (see return_path.h). */
#include "return_path.h"

#include <gsl/gsl_math.h> /* M_PI */
#include <math.h>

#include "tissue.h"

double rfl_return_path_beyond_domain(const rfl_case *c, const rfl_grid *g) {
  if (!rfl_case_monopolar(c)) return 0.0;
  const rfl_material *bg = &c->materials[c->background_material];
  if (bg->kind != RFL_MATERIAL_TISSUE) return 0.0;
  double sigma = rfl_tissue_sigma(bg, &c->physics, c->physics.initial_C);
  double volume = rfl_case_mirror_factor(c);
  for (int a = 0; a < 3; ++a) volume *= g->xf[a][g->n[a]] - g->xf[a][0];
  if (!(sigma > 0.0) || !(volume > 0.0)) return 0.0;
  double r_eq = cbrt(3.0 * volume / (4.0 * M_PI));
  return 1.0 / (4.0 * M_PI * sigma * r_eq);
}

double rfl_return_path_ohm(const rfl_case *c, const rfl_grid *g) {
  const rfl_generator *gen = &c->generator;
  return gen->return_path_ohm + (gen->auto_return_path ? rfl_return_path_beyond_domain(c, g) : 0.0);
}
