// SPDX-License-Identifier: BSD-3-Clause
/* HDF5's automatic error printing off and back on (hdf5_quiet.h). */
#include "hdf5_quiet.h"

void rfl_hdf5_quiet_begin(rfl_hdf5_quiet *q) {
  q->func = NULL;
  q->data = NULL;
  q->restore = H5Eget_auto2(H5E_DEFAULT, &q->func, &q->data) >= 0;
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

void rfl_hdf5_quiet_end(const rfl_hdf5_quiet *q) {
  if (q->restore) H5Eset_auto2(H5E_DEFAULT, q->func, q->data);
}
