// SPDX-License-Identifier: BSD-3-Clause
/* /grid: coordinates and the labels of every cell. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h5out_internal.h"

/* ---- /grid --------------------------------------------------------------------------------- */

/* /grid/structure: which structure owns each cell (its centre), for telling the nerves
 * apart in ParaView; names[0] = "none", names[s + 1] = structure s. */
static rfl_status write_structures(const rfl_h5out *o, hid_t g, const rfl_grid *grid,
                                   const rfl_geometry *geo, const rfl_case *c) {
  rfl_status st = RFL_OK;
  hid_t dset = H5I_INVALID_HID;
  uint8_t *owner = o->buf;
  h5o_dataset_spec d = {"structure", "-",
                        "1 + row of /case/structures owning the cell (the last one containing "
                        "its centre), 0 none or electrode (names: attribute names)",
                        H5T_STD_U8LE, H5T_NATIVE_UINT8, 3,
                        {(hsize_t)o->n[2], (hsize_t)o->n[1], (hsize_t)o->n[0]}, 1};
  for (int k = 0; k < grid->n[2]; ++k)
    for (int j = 0; j < grid->n[1]; ++j)
      for (int i = 0; i < grid->n[0]; ++i) {
        size_t n = rfl_grid_index(grid, i, j, k);
        rfl_vec3 p = rfl_vec3_make(grid->xc[0][i], grid->xc[1][j], grid->xc[2][k]);
        owner[n] = geo->label[n].part != RFL_PART_TISSUE ? 0 : (uint8_t)rfl_geometry_structure_at(c, p);
      }
  if ((st = h5o_dataset_write(o, g, "/grid", &d, owner, &dset)) != RFL_OK) goto cleanup;
  char names[RFL_MAX_STRUCTURES + 1][RFL_NAME_MAX];
  memset(names, 0, sizeof names);
  int ns = c->nstructures > RFL_MAX_STRUCTURES ? RFL_MAX_STRUCTURES : c->nstructures;
  snprintf(names[0], sizeof names[0], "none");
  for (int s = 0; s < ns; ++s) snprintf(names[s + 1], sizeof names[s + 1], "%s", c->structures[s].name);
  if ((st = h5o_attr_strv(o, dset, "/grid/structure", "names", names[0], sizeof names[0],
                          (size_t)ns + 1)) != RFL_OK)
    goto cleanup;
  st = h5o_close_dataset(o, &dset, "/grid/structure");
cleanup:
  H5E_BEGIN_TRY {
    if (dset >= 0) H5Dclose(dset);
  }
  H5E_END_TRY;
  return st;
}

static rfl_status write_labels(const rfl_h5out *o, hid_t g, const rfl_geometry *geo,
                               const rfl_case *c) {
  rfl_status st = RFL_OK;
  hid_t dset = H5I_INVALID_HID;
  uint8_t *lab = o->buf;
  h5o_dataset_spec d = {NULL, "-", NULL, H5T_STD_U8LE, H5T_NATIVE_UINT8, 3,
                    {(hsize_t)o->n[2], (hsize_t)o->n[1], (hsize_t)o->n[0]}, 1};

  for (size_t i = 0; i < o->ncells; ++i) lab[i] = geo->label[i].material;
  d.name = "material";
  d.description = "material index per cell (names: attribute names; /case/materials)";
  if ((st = h5o_dataset_write(o, g, "/grid", &d, lab, &dset)) != RFL_OK) goto cleanup;
  char names[RFL_MAX_MATERIALS][RFL_NAME_MAX], kinds[RFL_MAX_MATERIALS][8];
  memset(names, 0, sizeof names);
  memset(kinds, 0, sizeof kinds);
  int nm = c->nmaterials > RFL_MAX_MATERIALS ? RFL_MAX_MATERIALS : c->nmaterials;
  for (int m = 0; m < nm; ++m) {
    snprintf(names[m], sizeof names[m], "%s", c->materials[m].name);
    snprintf(kinds[m], sizeof kinds[m], "%s",
             c->materials[m].kind == RFL_MATERIAL_METAL ? "metal" : "tissue");
  }
  if ((st = h5o_attr_strv(o, dset, "/grid/material", "names", names[0], sizeof names[0], (size_t)nm)) != RFL_OK ||
      (st = h5o_attr_strv(o, dset, "/grid/material", "kinds", kinds[0], sizeof kinds[0], (size_t)nm)) != RFL_OK)
    goto cleanup;
  if ((st = h5o_close_dataset(o, &dset, "/grid/material")) != RFL_OK) goto cleanup;

  for (size_t i = 0; i < o->ncells; ++i) lab[i] = geo->label[i].part;
  d.name = "part";
  d.description = "0 tissue, 1 active electrode tip, 2 insulated shaft";
  if ((st = h5o_dataset_write(o, g, "/grid", &d, lab, &dset)) != RFL_OK) goto cleanup;
  const char parts[3][8] = {"tissue", "active", "shaft"};
  if ((st = h5o_attr_strv(o, dset, "/grid/part", "names", parts[0], sizeof parts[0], 3)) != RFL_OK)
    goto cleanup;
  if ((st = h5o_close_dataset(o, &dset, "/grid/part")) != RFL_OK) goto cleanup;

  int8_t *probe = o->buf;
  for (size_t i = 0; i < o->ncells; ++i)
    probe[i] = geo->label[i].part != RFL_PART_TISSUE ? (int8_t)geo->label[i].probe : -1;
  d.name = "probe";
  d.description = "probe index (row of /case/probes) of electrode cells (part > 0), -1 elsewhere";
  d.filetype = H5T_STD_I8LE;
  d.memtype = H5T_NATIVE_INT8;
  st = h5o_dataset_write(o, g, "/grid", &d, probe, NULL);
cleanup:
  H5E_BEGIN_TRY {
    if (dset >= 0) H5Dclose(dset);
  }
  H5E_END_TRY;
  return st;
}

static rfl_status write_grid(rfl_h5out *o, const rfl_grid *grid, const rfl_geometry *geo,
                             const rfl_case *c) {
  rfl_status st = RFL_OK;
  hid_t g = H5I_INVALID_HID, f = H5I_INVALID_HID;
  double *v = NULL;
  int nmax = grid->n[0] > grid->n[1] ? grid->n[0] : grid->n[1];
  if (grid->n[2] > nmax) nmax = grid->n[2];
  if (!(v = malloc(((size_t)nmax + 1) * sizeof *v)) ||
      !(o->buf = malloc(grid->ncells * sizeof(double)))) {
    st = RFL_ERROR(RFL_ENOMEM, "%s: out of memory for %zu cells", o->path, grid->ncells);
    goto cleanup;
  }
  for (int a = 0; a < 3; ++a) o->n[a] = grid->n[a];
  o->ncells = grid->ncells;
  o->nelectrode = 0;
  for (size_t i = 0; i < grid->ncells; ++i) o->nelectrode += geo->label[i].part != RFL_PART_TISSUE;
  if (!(o->part = malloc(grid->ncells)) ||
      !(o->queue = malloc((o->nelectrode ? o->nelectrode : 1) * sizeof *o->queue))) {
    st = RFL_ERROR(RFL_ENOMEM, "%s: out of memory for %zu cells", o->path, grid->ncells);
    goto cleanup;
  }
  for (size_t i = 0; i < grid->ncells; ++i) o->part[i] = geo->label[i].part;

  if ((st = h5o_group_create(o, o->file, "grid", "/grid", &g)) != RFL_OK) goto cleanup;
  int32_t cells[3] = {grid->n[0], grid->n[1], grid->n[2]};
  if ((st = h5o_attr_i32v(o, g, "/grid", "cells_xyz", cells, 3)) != RFL_OK ||
      (st = h5o_attr_str(o, g, "/grid", "order",
                     "cell arrays are (nz, ny, nx), x fastest; cell (i, j, k) spans "
                     "[x_mm[i], x_mm[i+1]] x [y_mm[j], y_mm[j+1]] x [z_mm[k], z_mm[k+1]]")) != RFL_OK)
    goto cleanup;
  static const char *const face_names[3] = {"x_mm", "y_mm", "z_mm"};
  static const char *const centre_names[3] = {"xc_mm", "yc_mm", "zc_mm"};
  static const char *const width_names[3] = {"dx_mm", "dy_mm", "dz_mm"};
  for (int a = 0; a < 3; ++a) {
    int n = grid->n[a];
    for (int i = 0; i <= n; ++i) v[i] = 1e3 * grid->xf[a][i];
    if ((st = h5o_write_f64_1d(o, g, "/grid", face_names[a], v, (size_t)n + 1, "mm",
                           "face (node) coordinates, n + 1")) != RFL_OK)
      goto cleanup;
    for (int i = 0; i < n; ++i) v[i] = 1e3 * grid->xc[a][i];
    if ((st = h5o_write_f64_1d(o, g, "/grid", centre_names[a], v, (size_t)n, "mm",
                           "cell-centre coordinates, n")) != RFL_OK)
      goto cleanup;
    for (int i = 0; i < n; ++i) v[i] = 1e3 * grid->dx[a][i];
    if ((st = h5o_write_f64_1d(o, g, "/grid", width_names[a], v, (size_t)n, "mm", "cell widths, n")) != RFL_OK)
      goto cleanup;
  }
  if ((st = write_labels(o, g, geo, c)) != RFL_OK ||
      (st = write_structures(o, g, grid, geo, c)) != RFL_OK)
    goto cleanup;
  if ((st = h5o_group_create(o, o->file, "fields", "/fields", &f)) != RFL_OK) goto cleanup;
  st = h5o_write_case(o, c);
cleanup:
  h5o_close_group(&f);
  h5o_close_group(&g);
  free(v);
  return st;
}

rfl_status rfl_h5out_write_grid(rfl_h5out *out, const rfl_grid *grid, const rfl_geometry *geo,
                                const rfl_case *c) {
  if (out->status != RFL_OK) return h5o_reraise(out);
  if (out->have_grid)
    return RFL_ERROR(RFL_EUSAGE, "%s: the grid was already written", out->path);
  if (!grid || !geo || !c || grid->ncells == 0)
    return RFL_ERROR(RFL_EUSAGE, "%s: write_grid needs a grid, its geometry and the case", out->path);
  rfl_hdf5_quiet q;
  rfl_hdf5_quiet_begin(&q);
  rfl_status st = write_grid(out, grid, geo, c);
  rfl_hdf5_quiet_end(&q);
  if (st == RFL_OK) out->have_grid = 1;
  return h5o_poison(out, st);
}

