// SPDX-License-Identifier: BSD-3-Clause
/* /series: the generator and thermal time series. */
#include <stdlib.h>
#include <string.h>

#include "h5out_internal.h"

/* ---- /series ------------------------------------------------------------------------------- */

static rfl_status write_series(rfl_h5out *o, const rfl_sample *smp, size_t n) {
  rfl_status st = RFL_OK;
  hid_t g = H5I_INVALID_HID;
  double *v = malloc((n ? n : 1) * sizeof *v);
  int32_t *iv = malloc((n ? n : 1) * sizeof *iv);
  if (!v || !iv) {
    st = RFL_ERROR(RFL_ENOMEM, "%s: out of memory for %zu samples", o->path, n);
    goto cleanup;
  }
  if ((st = h5o_group_create(o, o->file, "series", "/series", &g)) != RFL_OK ||
      (st = h5o_attr_str(o, g, "/series", "description", "one value per time step, at its end")) != RFL_OK)
    goto cleanup;
  const struct {
    const char *name, *units, *desc;
    size_t offset;
  } cols[] = {
      {"t_s", "s", "time at the end of the step", offsetof(rfl_sample, t)},
      {"voltage_V", "V", "tip voltage", offsetof(rfl_sample, voltage)},
      {"current_A", "A", "current", offsetof(rfl_sample, current)},
      {"power_W", "W", "power into the tissue", offsetof(rfl_sample, power)},
      {"impedance_ohm", "ohm", "the tissue's impedance (inf without a current path)", offsetof(rfl_sample, impedance)},
      {"reading_ohm", "ohm", "the impedance the generator reads: tissue plus return path", offsetof(rfl_sample, reading_ohm)},
      {"output_voltage_V", "V", "the generator's output voltage", offsetof(rfl_sample, output_voltage)},
      {"output_power_W", "W", "the generator's output power", offsetof(rfl_sample, output_power)},
      {"thermocouple_C", "C", "tip thermocouple reading", offsetof(rfl_sample, thermocouple_C)},
      {"setpoint_C", "C", "generator set point", offsetof(rfl_sample, setpoint_C)},
      {"tissue_max_C", "C", "hottest tissue cell", offsetof(rfl_sample, tissue_max_C)},
  };
  for (size_t k = 0; k < sizeof cols / sizeof cols[0]; ++k) {
    for (size_t i = 0; i < n; ++i) memcpy(&v[i], (const char *)&smp[i] + cols[k].offset, sizeof(double));
    if ((st = h5o_write_f64_1d(o, g, "/series", cols[k].name, v, n, cols[k].units, cols[k].desc)) != RFL_OK)
      goto cleanup;
  }
  h5o_dataset_spec d = {"rf_on", "-", "1 if RF was applied over the step", H5T_STD_U8LE,
                    H5T_NATIVE_UINT8, 1, {n, 0, 0}, n > 4096};
  uint8_t *u = (uint8_t *)iv;
  for (size_t i = 0; i < n; ++i) u[i] = (uint8_t)(smp[i].rf_on != 0);
  if ((st = h5o_dataset_write(o, g, "/series", &d, u, NULL)) != RFL_OK) goto cleanup;
  for (size_t i = 0; i < n; ++i) iv[i] = smp[i].iterations;
  h5o_dataset_spec di = {"iterations", "-", "linear-solver iterations of the step", H5T_STD_I32LE,
                     H5T_NATIVE_INT32, 1, {n, 0, 0}, n > 4096};
  st = h5o_dataset_write(o, g, "/series", &di, iv, NULL);
cleanup:
  h5o_close_group(&g);
  free(v);
  free(iv);
  return st;
}

rfl_status rfl_h5out_write_series(rfl_h5out *out, const rfl_sample *samples, size_t n) {
  if (out->status != RFL_OK) return h5o_reraise(out);
  if (out->have_series) return RFL_ERROR(RFL_EUSAGE, "%s: the series was already written", out->path);
  if (n > 0 && !samples) return RFL_ERROR(RFL_EUSAGE, "%s: no samples", out->path);
  rfl_hdf5_quiet q;
  rfl_hdf5_quiet_begin(&q);
  rfl_status st = write_series(out, samples, n);
  rfl_hdf5_quiet_end(&q);
  if (st == RFL_OK) out->have_series = 1;
  return h5o_poison(out, st);
}

