// SPDX-License-Identifier: BSD-3-Clause
/* Built-in material properties for RF lesion modelling (see material_library.h).
 *
 * Tissue rows come from the project's curated table data/tissue_properties.csv:
 * density, heat capacity, thermal conductivity, perfusion (column
 * perfusion_omega_1_s_derived) and metabolic heat (heat_generation_W_kg times density)
 * from the IT'IS Foundation tissue database v4.0-v5.0 (Hasgall et al., DOI
 * 10.13099/VIP21000-04-0); electrical conductivity at 500 kHz (column sigma_500kHz_S_m)
 * computed from the Gabriel, Lau & Gabriel 1996 (Phys Med Biol 41:2271) Cole-Cole
 * parameters. Where the CSV has no 500 kHz value (intervertebral disc, connective tissue,
 * skin) the IT'IS low-frequency value (column sigma_LF_itis_S_m) stands in; it is a lower
 * bound of the RF value and is flagged in the note. The temperature coefficient of sigma is
 * the CSV's "generic soft tissue (model default)" row, 1.5 %/C, except liver (1.82 %/C,
 * the CSV's ex vivo bovine liver row, measured at 915 MHz). The Arrhenius pair 7.39e39 1/s,
 * 2.577e5 J/mol is the RF-ablation default row of data/damage_models.csv (attributed
 * to Chang & Nguyen 2004); the CSV has no bone- or fluid-specific pair, so every tissue
 * uses it. No temperature slope of k is in the data: dk_dT = 0 for all entries.
 *
 * Steel (the electrode body) uses the RC-1 reference values (8000 kg/m^3, 500 J/(kg K),
 * 15 W/(m K)), which match handbook data for AISI 304 stainless steel (about 8000 kg/m^3,
 * 500 J/(kg K), 16.2 W/(m K) at 100 C). Its electrical role is set by the probe part
 * (equipotential tip or insulated shaft), so its sigma is unused.
 *
 * Not done here: temperature dependence beyond the linear slopes, species differences,
 * anisotropy (muscle, nerve), damage-dependent properties. */
#include "material_library.h"

#include <string.h>

#define ARR_A 7.39e39   /* 1/s, damage_models.csv RF-ablation default */
#define ARR_EA 2.577e5  /* J/mol, same row */
#define DSIG 0.015      /* 1/K, tissue_properties.csv generic soft tissue model default */

#define TISSUE(nm, rho_, c_, k_, w_, qkg_, sig_, dsig_)                                      \
  {                                                                                          \
    .name = nm, .kind = RFL_MATERIAL_TISSUE, .rho = (rho_), .c = (c_), .k = (k_),            \
    .dk_dT = 0.0, .sigma = (sig_), .dsigma_dT = (dsig_), .perfusion = (w_),                  \
    .q_met = (qkg_) * (rho_), .arrhenius_A = ARR_A, .arrhenius_Ea = ARR_EA                   \
  }

static const rfl_material library[] = {
    /* IT'IS "Muscle"; Gabriel 1996 muscle at 500 kHz */
    TISSUE("muscle", 1090.4, 3421.2, 0.494969, 6.677e-4, 0.906125, 0.4459, DSIG),
    /* IT'IS "Fat"; Gabriel 1996 fat (average infiltrated) at 500 kHz */
    TISSUE("fat", 911.0, 2348.33, 0.21145, 4.966e-4, 0.506566, 0.04376, DSIG),
    /* IT'IS "Nerve"; Gabriel 1996 nerve at 500 kHz */
    TISSUE("nerve", 1075.0, 3613.0, 0.49, 2.873e-3, 2.48307, 0.1109, DSIG),
    /* IT'IS "Bone (Cortical)"; Gabriel 1996 cortical bone at 500 kHz */
    TISSUE("bone_cortical", 1908.0, 1312.83, 0.32, 3.180e-4, 0.154869, 0.02217, DSIG),
    /* IT'IS "Bone (Cancellous)"; Gabriel 1996 cancellous bone at 500 kHz */
    TISSUE("bone_cancellous", 1178.33, 2274.0, 0.3125, 5.892e-4, 0.464607, 0.08673, DSIG),
    /* IT'IS "Intervertebral Disc"; sigma = IT'IS low-frequency value (no RF value found) */
    TISSUE("intervertebral_disc", 1099.5, 3568.0, 0.487, 6.414e-4, 0.542041, 0.83, DSIG),
    /* IT'IS "Cerebrospinal Fluid" (no perfusion); Gabriel 1996 CSF, 2.0 S/m below 1 MHz */
    TISSUE("cerebrospinal_fluid", 1007.0, 4095.5, 0.573333, 0.0, 0.0, 2.0, DSIG),
    /* IT'IS "Tendon\Ligament"; Gabriel 1996 tendon at 500 kHz */
    TISSUE("tendon", 1142.0, 3432.0, 0.469, 5.520e-4, 0.44912, 0.3908, DSIG),
    /* IT'IS "Cartilage"; Gabriel 1996 cartilage at 500 kHz */
    TISSUE("cartilage", 1099.5, 3568.0, 0.487, 6.414e-4, 0.542041, 0.2008, DSIG),
    /* IT'IS "Liver"; Gabriel 1996 liver at 500 kHz; dsigma/dT 1.82 %/C (ex vivo bovine
       liver at 915 MHz, tissue_properties.csv temperature-coefficient row) */
    TISSUE("liver", 1078.75, 3540.2, 0.519111, 1.547e-2, 9.93084, 0.1481, 0.0182),
    /* IT'IS "Connective Tissue"; sigma = IT'IS low-frequency value (no RF value found) */
    TISSUE("connective_tissue", 1026.5, 2372.42, 0.3945, 6.364e-4, 0.576112, 0.25, DSIG),
    /* IT'IS "Skin"; sigma = IT'IS low-frequency value (dry skin; no RF value chosen) */
    TISSUE("skin", 1109.0, 3390.5, 0.372184, 1.966e-3, 1.64752, 0.0002, DSIG),
    /* IT'IS "Dura"; Gabriel 1996 dura at 500 kHz */
    TISSUE("dura", 1174.0, 3364.0, 0.44, 7.435e-3, 5.88502, 0.5026, DSIG),
    /* IT'IS "Blood" (its perfusion entry is a placeholder, so 0; no metabolic heat);
       Gabriel 1996 blood at 500 kHz */
    TISSUE("blood", 1049.75, 3617.0, 0.516857, 0.0, 0.0, 0.7482, DSIG),
    /* Electrode body: RC-1 reference values, AISI 304 stainless steel handbook data */
    {.name = "steel", .kind = RFL_MATERIAL_METAL, .rho = 8000.0, .c = 500.0, .k = 15.0},
};

static const char *const sources[] = {
    "IT'IS v4.0 Muscle; sigma Gabriel 1996 at 500 kHz",
    "IT'IS v4.0 Fat; sigma Gabriel 1996 at 500 kHz",
    "IT'IS v4.0 Nerve; sigma Gabriel 1996 at 500 kHz",
    "IT'IS v4.0 Bone (Cortical); sigma Gabriel 1996 at 500 kHz",
    "IT'IS v4.0 Bone (Cancellous); sigma Gabriel 1996 at 500 kHz",
    "IT'IS v4.0 Intervertebral Disc; sigma IT'IS low-frequency value (no RF value)",
    "IT'IS v4.0 Cerebrospinal Fluid; sigma Gabriel 1996 (2.0 S/m below 1 MHz)",
    "IT'IS v4.0 Tendon/Ligament; sigma Gabriel 1996 tendon at 500 kHz",
    "IT'IS v4.0 Cartilage; sigma Gabriel 1996 at 500 kHz",
    "IT'IS v4.0 Liver; sigma Gabriel 1996 at 500 kHz; dsigma/dT ex vivo bovine liver",
    "IT'IS v4.0 Connective Tissue; sigma IT'IS low-frequency value (no RF value)",
    "IT'IS v4.0 Skin; sigma IT'IS low-frequency value (no RF value)",
    "IT'IS v4.0 Dura; sigma Gabriel 1996 at 500 kHz",
    "IT'IS v4.0 Blood (no perfusion); sigma Gabriel 1996 at 500 kHz",
    "RC-1 reference steel; AISI 304 stainless steel handbook values",
};

#define LIBRARY_COUNT ((int)(sizeof library / sizeof library[0]))

_Static_assert(sizeof sources / sizeof sources[0] == sizeof library / sizeof library[0],
               "one source note per library entry");

int rfl_material_library_count(void) { return LIBRARY_COUNT; }

const rfl_material *rfl_material_library_get(int i) {
  return (i >= 0 && i < LIBRARY_COUNT) ? &library[i] : NULL;
}

const rfl_material *rfl_material_library_find(const char *name) {
  if (!name) return NULL;
  for (int i = 0; i < LIBRARY_COUNT; i++)
    if (strcmp(library[i].name, name) == 0) return &library[i];
  return NULL;
}

const char *rfl_material_library_source(int i) {
  return (i >= 0 && i < LIBRARY_COUNT) ? sources[i] : "";
}
