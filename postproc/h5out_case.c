// SPDX-License-Identifier: BSD-3-Clause
/* /case: the resolved case as INI text, one attribute per key (the reader's key table
 * drives the names) and the tables of materials, probes and structures. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h5out_internal.h"
#include "case_hash.h"
#include "case_reader.h"
#include "metrics.h"
#include "rfl_version.h"

/* ---- /case --------------------------------------------------------------------------------- */

typedef struct {
  int32_t index;
  char name[RFL_NAME_MAX];
  char kind[8];
  double rho_kg_per_m3, c_J_per_kg_K, k_W_per_m_K, dk_dT_per_K, sigma_S_per_m, dsigma_dT_per_K,
      perfusion_per_s, q_met_W_per_m3, arrhenius_A_per_s, arrhenius_Ea_J_per_mol;
} material_rec;

static const h5o_column material_cols[] = {
    H5O_COL(material_rec, index, H5O_COL_I32, "-"),
    H5O_COL(material_rec, name, H5O_COL_STR, "-"),
    H5O_COL(material_rec, kind, H5O_COL_STR, "-"),
    H5O_COL(material_rec, rho_kg_per_m3, H5O_COL_F64, "kg/m^3"),
    H5O_COL(material_rec, c_J_per_kg_K, H5O_COL_F64, "J/(kg K)"),
    H5O_COL(material_rec, k_W_per_m_K, H5O_COL_F64, "W/(m K)"),
    H5O_COL(material_rec, dk_dT_per_K, H5O_COL_F64, "1/K"),
    H5O_COL(material_rec, sigma_S_per_m, H5O_COL_F64, "S/m"),
    H5O_COL(material_rec, dsigma_dT_per_K, H5O_COL_F64, "1/K"),
    H5O_COL(material_rec, perfusion_per_s, H5O_COL_F64, "1/s"),
    H5O_COL(material_rec, q_met_W_per_m3, H5O_COL_F64, "W/m^3"),
    H5O_COL(material_rec, arrhenius_A_per_s, H5O_COL_F64, "1/s"),
    H5O_COL(material_rec, arrhenius_Ea_J_per_mol, H5O_COL_F64, "J/mol"),
};

typedef struct {
  char name[RFL_NAME_MAX];
  char role[8];
  int32_t gauge;
  double radius_mm, tip_length_mm;
  char tip_shape[8];
  double tip_x_mm, tip_y_mm, tip_z_mm, direction_x, direction_y, direction_z, shaft_length_mm;
  char material[RFL_NAME_MAX];
  uint8_t cooled;
  double coolant_C, cooling_h_W_per_m2_K;
} probe_rec;

static const h5o_column probe_cols[] = {
    H5O_COL(probe_rec, name, H5O_COL_STR, "-"),
    H5O_COL(probe_rec, role, H5O_COL_STR, "-"),
    H5O_COL(probe_rec, gauge, H5O_COL_I32, "-"),
    H5O_COL(probe_rec, radius_mm, H5O_COL_F64, "mm"),
    H5O_COL(probe_rec, tip_length_mm, H5O_COL_F64, "mm"),
    H5O_COL(probe_rec, tip_shape, H5O_COL_STR, "-"),
    H5O_COL(probe_rec, tip_x_mm, H5O_COL_F64, "mm"),
    H5O_COL(probe_rec, tip_y_mm, H5O_COL_F64, "mm"),
    H5O_COL(probe_rec, tip_z_mm, H5O_COL_F64, "mm"),
    H5O_COL(probe_rec, direction_x, H5O_COL_F64, "1"),
    H5O_COL(probe_rec, direction_y, H5O_COL_F64, "1"),
    H5O_COL(probe_rec, direction_z, H5O_COL_F64, "1"),
    H5O_COL(probe_rec, shaft_length_mm, H5O_COL_F64, "mm"),
    H5O_COL(probe_rec, material, H5O_COL_STR, "-"),
    H5O_COL(probe_rec, cooled, H5O_COL_U8, "-"),
    H5O_COL(probe_rec, coolant_C, H5O_COL_F64, "C"),
    H5O_COL(probe_rec, cooling_h_W_per_m2_K, H5O_COL_F64, "W/(m^2 K)"),
};

typedef struct {
  char name[RFL_NAME_MAX];
  char shape[16];
  char material[RFL_NAME_MAX];
  char role[16];
  double threshold_C, required_margin_mm;
  int32_t line;
} case_structure_rec;

static const h5o_column case_structure_cols[] = {
    H5O_COL(case_structure_rec, name, H5O_COL_STR, "-"),
    H5O_COL(case_structure_rec, shape, H5O_COL_STR, "-"),
    H5O_COL(case_structure_rec, material, H5O_COL_STR, "-"),
    H5O_COL(case_structure_rec, role, H5O_COL_STR, "-"),
    H5O_COL(case_structure_rec, threshold_C, H5O_COL_F64, "C"),
    H5O_COL(case_structure_rec, required_margin_mm, H5O_COL_F64, "mm"),
    H5O_COL(case_structure_rec, line, H5O_COL_I32, "-"),
};

static const char *material_name(const rfl_case *c, int m) {
  return m >= 0 && m < c->nmaterials ? c->materials[m].name : "";
}

static rfl_status case_ini_text(const rfl_case *c, char **text) {
  size_t len = 0;
  *text = NULL;
  FILE *f = open_memstream(text, &len);
  if (!f) return RFL_ERROR(RFL_ENOMEM, "out of memory for the resolved case text");
  rfl_status st = rfl_case_write(f, c);
  if (fclose(f) != 0 && st == RFL_OK)
    st = RFL_ERROR(RFL_ENOMEM, "out of memory for the resolved case text");
  if (st != RFL_OK) {
    free(*text);
    *text = NULL;
  }
  return st;
}

static rfl_status write_case_tables(const rfl_h5out *o, hid_t g, const rfl_case *c) {
  rfl_status st;
  material_rec mats[RFL_MAX_MATERIALS];
  memset(mats, 0, sizeof mats);
  for (int m = 0; m < c->nmaterials && m < RFL_MAX_MATERIALS; ++m) {
    const rfl_material *s = &c->materials[m];
    material_rec *r = &mats[m];
    r->index = m;
    snprintf(r->name, sizeof r->name, "%s", s->name);
    snprintf(r->kind, sizeof r->kind, "%s", s->kind == RFL_MATERIAL_METAL ? "metal" : "tissue");
    r->rho_kg_per_m3 = s->rho;
    r->c_J_per_kg_K = s->c;
    r->k_W_per_m_K = s->k;
    r->dk_dT_per_K = s->dk_dT;
    r->sigma_S_per_m = s->sigma;
    r->dsigma_dT_per_K = s->dsigma_dT;
    r->perfusion_per_s = s->perfusion;
    r->q_met_W_per_m3 = s->q_met;
    r->arrhenius_A_per_s = s->arrhenius_A;
    r->arrhenius_Ea_J_per_mol = s->arrhenius_Ea;
  }
  if ((st = h5o_table_write(o, g, "/case", "materials", material_cols, H5O_NCOLS(material_cols),
                        sizeof mats[0], mats, (size_t)c->nmaterials,
                        "materials of the case, indexed by the /grid/material label")) != RFL_OK)
    return st;

  probe_rec probes[RFL_MAX_PROBES];
  memset(probes, 0, sizeof probes);
  for (int p = 0; p < c->nprobes && p < RFL_MAX_PROBES; ++p) {
    const rfl_probe *s = &c->probes[p];
    probe_rec *r = &probes[p];
    snprintf(r->name, sizeof r->name, "%s", s->name);
    snprintf(r->role, sizeof r->role, "%s", s->role == RFL_PROBE_RETURN ? "return" : "active");
    r->gauge = s->gauge;
    r->radius_mm = 1e3 * s->radius;
    r->tip_length_mm = 1e3 * s->tip_length;
    snprintf(r->tip_shape, sizeof r->tip_shape, "%s", s->tip_shape == RFL_TIP_FLAT ? "flat" : "round");
    r->tip_x_mm = 1e3 * s->tip.x;
    r->tip_y_mm = 1e3 * s->tip.y;
    r->tip_z_mm = 1e3 * s->tip.z;
    r->direction_x = s->direction.x;
    r->direction_y = s->direction.y;
    r->direction_z = s->direction.z;
    r->shaft_length_mm = 1e3 * s->shaft_length;
    snprintf(r->material, sizeof r->material, "%s", material_name(c, s->material));
    r->cooled = (uint8_t)(s->cooled != 0);
    r->coolant_C = s->coolant_C;
    r->cooling_h_W_per_m2_K = s->cooling_h;
  }
  if ((st = h5o_table_write(o, g, "/case", "probes", probe_cols, H5O_NCOLS(probe_cols), sizeof probes[0],
                        probes, (size_t)c->nprobes,
                        "probes: index = /grid/probe label of their electrode cells")) != RFL_OK)
    return st;

  case_structure_rec *rs = calloc(RFL_MAX_STRUCTURES, sizeof *rs);
  if (!rs) return RFL_ERROR(RFL_ENOMEM, "%s: out of memory for the structure table", o->path);
  for (int k = 0; k < c->nstructures && k < RFL_MAX_STRUCTURES; ++k) {
    const rfl_structure *s = &c->structures[k];
    snprintf(rs[k].name, sizeof rs[k].name, "%s", s->name);
    snprintf(rs[k].shape, sizeof rs[k].shape, "%s", rfl_shape_kind_name(s->shape.kind));
    snprintf(rs[k].material, sizeof rs[k].material, "%s", material_name(c, s->material));
    snprintf(rs[k].role, sizeof rs[k].role, "%s", rfl_role_name(s->role));
    rs[k].threshold_C = s->threshold_C;
    rs[k].required_margin_mm = 1e3 * s->margin;
    rs[k].line = s->line;
  }
  st = h5o_table_write(o, g, "/case", "structures", case_structure_cols, H5O_NCOLS(case_structure_cols),
                   sizeof rs[0], rs, (size_t)c->nstructures,
                   "structures in file order (geometry: see the ini attribute of /case)");
  free(rs);
  return st;
}

/* One group of /case attributes: a section's keys, named and in the units of the case file
 * (the reader's key table drives it; [case] keys go on /case itself). */
typedef struct {
  const rfl_h5out *o;
  hid_t parent, group;       /* group: created at the section's first key */
  char where[64];
} case_section_writer;

static rfl_status case_key_attr(const rfl_case_value *v, void *ctx) {
  case_section_writer *w = ctx;
  rfl_status st;
  if (w->group < 0) {
    if (strcmp(v->section, "case") == 0) {
      snprintf(w->where, sizeof w->where, "/case");
      w->group = w->parent;
    } else {
      snprintf(w->where, sizeof w->where, "/case/%s", v->section);
      if ((st = h5o_group_create(w->o, w->parent, v->section, w->where, &w->group)) != RFL_OK) return st;
    }
  }
  switch (v->kind) {
    case RFL_CASE_VALUE_NUMBER: return h5o_attr_f64(w->o, w->group, w->where, v->key, v->number[0]);
    case RFL_CASE_VALUE_INTEGER: return h5o_attr_i32(w->o, w->group, w->where, v->key, (int)v->number[0]);
    case RFL_CASE_VALUE_VECTOR:
    case RFL_CASE_VALUE_NUMBERS:
      return h5o_attr_f64v(w->o, w->group, w->where, v->key, v->number, (size_t)v->count);
    case RFL_CASE_VALUE_TEXT: break;
  }
  return h5o_attr_str(w->o, w->group, w->where, v->key, v->text);
}

static rfl_status write_case_sections(const rfl_h5out *o, hid_t g, const rfl_case *c) {
  rfl_status st = RFL_OK;
  for (int i = 0; rfl_case_unnamed_sections[i] && st == RFL_OK; ++i) {
    case_section_writer w = {o, g, H5I_INVALID_HID, ""};
    st = rfl_case_section_values(c, rfl_case_unnamed_sections[i], case_key_attr, &w);
    if (w.group != g) h5o_close_group(&w.group);
  }
  return st;
}

rfl_status h5o_write_case(const rfl_h5out *o, const rfl_case *c) {
  rfl_status st = RFL_OK;
  hid_t g = H5I_INVALID_HID;
  char *ini = NULL;
  uint64_t h = 0;
  char hash[17];
  if ((st = rfl_case_hash(c, &h)) != RFL_OK) return st;
  rfl_case_hash_text(h, hash);
  if ((st = case_ini_text(c, &ini)) != RFL_OK) goto cleanup;
  if ((st = h5o_group_create(o, o->file, "case", "/case", &g)) != RFL_OK ||
      (st = h5o_attr_str(o, g, "/case", "ini", ini)) != RFL_OK ||
      (st = h5o_attr_str(o, g, "/case", "path", c->path)) != RFL_OK ||
      (st = h5o_attr_str(o, g, "/case", "rflesion_version", RFL_VERSION_FULL)) != RFL_OK ||
      (st = h5o_attr_str(o, o->file, "/", "case_hash", hash)) != RFL_OK ||
      (st = write_case_sections(o, g, c)) != RFL_OK || (st = write_case_tables(o, g, c)) != RFL_OK)
    goto cleanup;
cleanup:
  h5o_close_group(&g);
  free(ini);
  return st;
}

