// SPDX-License-Identifier: BSD-3-Clause
/* The built-in material library: tissue and electrode materials a case can name without
 * defining them. Values are in SI units at 37 C (see rfl_material in material.h); each entry
 * carries a one-line note of its sources, and docs/case-format.md lists them in full.
 *
 * A case file's [material NAME] section starts from the library entry of the same name
 * (when there is one) and overrides single properties. */
#ifndef RFL_MATERIAL_LIBRARY_H
#define RFL_MATERIAL_LIBRARY_H

#include "material.h"

/* Number of built-in materials. */
int rfl_material_library_count(void);

/* Entry i (0 <= i < count), or NULL when out of range. */
const rfl_material *rfl_material_library_get(int i);

/* Entry by exact name, or NULL. */
const rfl_material *rfl_material_library_find(const char *name);

/* Short provenance note of entry i ("" when out of range). */
const char *rfl_material_library_source(int i);

#endif
