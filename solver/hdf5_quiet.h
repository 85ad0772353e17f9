// SPDX-License-Identifier: BSD-3-Clause
/* HDF5's automatic error printing, switched off around a call whose failures rflesion
 * reports itself (in its own words, with the file named), and switched back to whatever the
 * caller had. Used by every module that opens HDF5 files. */
#ifndef RFL_HDF5_QUIET_H
#define RFL_HDF5_QUIET_H

#include <hdf5.h>

typedef struct {
  H5E_auto2_t func;
  void *data;
  int restore;
} rfl_hdf5_quiet;

void rfl_hdf5_quiet_begin(rfl_hdf5_quiet *q);
void rfl_hdf5_quiet_end(const rfl_hdf5_quiet *q);

#endif
