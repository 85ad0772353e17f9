// SPDX-License-Identifier: BSD-3-Clause
/* /fields: the field snapshots and the lesion mask. */
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h5out_internal.h"

/* ---- /fields ------------------------------------------------------------------------------- */

/* The field (times scale) into the scratch buffer in the stored precision. */
static void to_buffer(rfl_h5out *o, const double *src, double scale) {
  if (o->opt.double_precision) {
    double *d = o->buf;
    for (size_t i = 0; i < o->ncells; ++i) d[i] = scale * src[i];
  } else {
    float *d = o->buf;
    for (size_t i = 0; i < o->ncells; ++i) {
      double x = scale * src[i];
      d[i] = x > FLT_MAX ? FLT_MAX : x < -FLT_MAX ? -FLT_MAX : (float)x; /* NaN passes */
    }
  }
}

/* The lesion mask into the scratch buffer: 1 in tissue cells with Omega >= 1; an electrode
 * cell takes the value of the nearest tissue cell (breadth-first over face neighbours, from
 * the electrode's surface inwards), so that the needle inside the lesion is inside the
 * mask, and an iso-surface at 0.5 follows the lesion without ringing the electrode (whose
 * Omega is 0). */
static void lesion_mask(rfl_h5out *o, const double *omega) {
  enum { UNSET = 255 };
  uint8_t *m = o->buf;
  const size_t nx = (size_t)o->n[0], nxy = nx * (size_t)o->n[1];
  size_t head = 0, tail = 0;
  for (size_t i = 0; i < o->ncells; ++i) m[i] = o->part[i] == RFL_PART_TISSUE ? omega[i] >= 1.0 : UNSET;
  for (int pass = 0; pass < 2; ++pass) {
    /* pass 0 seeds the electrode cells next to tissue; pass 1 spreads inwards */
    size_t end = pass ? o->nelectrode : o->ncells;
    for (size_t q = 0; q < end && (pass == 0 || head < tail); ++q) {
      size_t i = pass ? o->queue[head++] : q;
      if (!pass && m[i] != UNSET) continue;
      const int ijk[3] = {(int)(i % nx), (int)(i / nx % (size_t)o->n[1]), (int)(i / nxy)};
      const size_t stride[3] = {1, nx, nxy};
      int seen = 0, value = 0;
      for (int a = 0; a < 3; ++a)
        for (int dir = -1; dir <= 1; dir += 2) {
          if (ijk[a] + dir < 0 || ijk[a] + dir >= o->n[a]) continue;
          size_t j = dir < 0 ? i - stride[a] : i + stride[a];
          if (!pass && o->part[j] == RFL_PART_TISSUE) seen = 1, value |= m[j];
          if (pass && m[j] == UNSET) m[j] = m[i], o->queue[tail++] = j;
        }
      if (!pass && seen) m[i] = (uint8_t)value, o->queue[tail++] = i;
    }
  }
  for (size_t i = 0; i < o->ncells; ++i)
    if (m[i] == UNSET) m[i] = 0; /* an electrode without tissue around it */
}

static rfl_status write_fields(rfl_h5out *o, const rfl_field_view *v, const char *name) {
  rfl_status st = RFL_OK;
  hid_t g = H5I_INVALID_HID;
  char where[64];
  snprintf(where, sizeof where, "/fields/%s", name);
  if ((st = h5o_group_create(o, o->file, where, where, &g)) != RFL_OK ||
      (st = h5o_attr_f64(o, g, where, "time_s", v->t)) != RFL_OK ||
      (st = h5o_attr_f64(o, g, where, "voltage_V", v->voltage)) != RFL_OK)
    goto cleanup;
  const struct {
    const char *name, *units, *desc;
    const double *data;
    double scale;
  } fields[] = {
      {"temperature_C", "C", "temperature", v->temperature, 1.0},
      {"peak_temperature_C", "C", "highest temperature so far", v->peak_temperature, 1.0},
      {"omega", "1", "Arrhenius damage integral (lesion where >= 1)", v->omega, 1.0},
      {"cem43_min", "min", "cumulative equivalent minutes at 43 C", v->cem43, 1.0},
      {"potential_V", "V", "electric potential (unit potential x tip voltage)", v->unit_potential,
       v->voltage},
  };
  hid_t ft = o->opt.double_precision ? H5T_IEEE_F64LE : H5T_IEEE_F32LE;
  hid_t mt = o->opt.double_precision ? H5T_NATIVE_DOUBLE : H5T_NATIVE_FLOAT;
  for (size_t k = 0; k < sizeof fields / sizeof fields[0]; ++k) {
    to_buffer(o, fields[k].data, fields[k].scale);
    h5o_dataset_spec d = {fields[k].name, fields[k].units, fields[k].desc, ft, mt, 3,
                      {(hsize_t)o->n[2], (hsize_t)o->n[1], (hsize_t)o->n[0]}, 1};
    if ((st = h5o_dataset_write(o, g, where, &d, o->buf, NULL)) != RFL_OK) goto cleanup;
  }
  lesion_mask(o, v->omega);
  h5o_dataset_spec d = {"lesion", "-",
                    "1 in the lesion (tissue with omega >= 1; electrode cells take the value of "
                    "the nearest tissue cell), 0 elsewhere",
                    H5T_STD_U8LE, H5T_NATIVE_UINT8, 3,
                    {(hsize_t)o->n[2], (hsize_t)o->n[1], (hsize_t)o->n[0]}, 1};
  st = h5o_dataset_write(o, g, where, &d, o->buf, NULL);
cleanup:
  h5o_close_group(&g);
  return st;
}

rfl_status rfl_h5out_write_fields(rfl_h5out *out, const rfl_field_view *view) {
  if (out->status != RFL_OK) return h5o_reraise(out);
  if (!out->have_grid)
    return RFL_ERROR(RFL_EUSAGE, "%s: write the grid before the fields", out->path);
  if (!view || !view->grid || !view->temperature || !view->peak_temperature || !view->omega ||
      !view->cem43 || !view->unit_potential)
    return RFL_ERROR(RFL_EUSAGE, "%s: incomplete field view", out->path);
  for (int a = 0; a < 3; ++a)
    if (view->grid->n[a] != out->n[a])
      return RFL_ERROR(RFL_EUSAGE, "%s: field view on a %d x %d x %d grid, file grid %d x %d x %d",
                       out->path, view->grid->n[0], view->grid->n[1], view->grid->n[2], out->n[0],
                       out->n[1], out->n[2]);
  if (!(view->t >= 0.0 && view->t < 1e9))
    return RFL_ERROR(RFL_EUSAGE, "%s: field time %g s out of range", out->path, view->t);
  snapshot s;
  s.t = view->t;
  snprintf(s.name, sizeof s.name, "t_%07.3f", view->t);
  for (size_t i = 0; i < out->nsnaps; ++i)
    if (strcmp(out->snaps[i].name, s.name) == 0)
      return RFL_ERROR(RFL_EUSAGE, "%s: fields at t = %.3f s were already written (%s)", out->path,
                       view->t, s.name);
  if (out->nsnaps == out->capsnaps) {
    size_t cap = out->capsnaps ? 2 * out->capsnaps : 16;
    snapshot *p = realloc(out->snaps, cap * sizeof *p);
    if (!p) return h5o_poison(out, RFL_ERROR(RFL_ENOMEM, "%s: out of memory", out->path));
    out->snaps = p;
    out->capsnaps = cap;
  }
  rfl_hdf5_quiet q;
  rfl_hdf5_quiet_begin(&q);
  rfl_status st = write_fields(out, view, s.name);
  rfl_hdf5_quiet_end(&q);
  if (st == RFL_OK) out->snaps[out->nsnaps++] = s;
  return h5o_poison(out, st);
}

