// SPDX-License-Identifier: BSD-3-Clause
/* A material: its thermal and electrical properties at 37 C with their temperature slopes,
 * perfusion, metabolic heat and Arrhenius constants, in SI units. Plain data, shared by the
 * case (case.h), the library (material_library.h) and the property laws (tissue.h). */
#ifndef RFL_MATERIAL_H
#define RFL_MATERIAL_H

#define RFL_NAME_MAX 48 /* names of materials, sections, structures, with the NUL */

typedef enum {
  RFL_MATERIAL_TISSUE = 0, /* conducts, perfused, can be damaged */
  RFL_MATERIAL_METAL = 1   /* electrode body: thermal conductor, electrically handled by
                              the probe part (equipotential tip or insulated shaft) */
} rfl_material_kind;

typedef struct {
  char name[RFL_NAME_MAX];
  rfl_material_kind kind;
  double rho;              /* density, kg/m^3 */
  double c;                /* specific heat, J/(kg K) */
  double k;                /* thermal conductivity at 37 C, W/(m K) */
  double dk_dT;            /* relative slope of k, 1/K: k(T) = k (1 + dk_dT (T - 37)) */
  double sigma;            /* electrical conductivity at 37 C, S/m (metal: unused) */
  double dsigma_dT;        /* relative slope of sigma, 1/K (0.015 = 1.5 %/C) */
  double perfusion;        /* volumetric blood perfusion omega_b, 1/s (0 = ex vivo) */
  double q_met;            /* metabolic heat, W/m^3 */
  double arrhenius_A;      /* frequency factor, 1/s */
  double arrhenius_Ea;     /* activation energy, J/mol */
  int law;                 /* temperature law of sigma and k: its index in rfl_tissue_laws
                              (tissue.h); 0 = linear, the default */
} rfl_material;

#endif
