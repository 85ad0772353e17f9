// SPDX-License-Identifier: BSD-3-Clause
#include "provenance.h"

#include <hdf5.h>

#include "rfl_version.h"

void rfl_provenance_get(rfl_provenance *p) {
  p->version = RFL_VERSION;
  p->version_full = RFL_VERSION_FULL;
  p->commit = RFL_COMMIT;
  p->build_type = RFL_BUILD_TYPE;
  p->mpi = RFL_BUILT_WITH_MPI;
  p->openmp = RFL_BUILT_WITH_OPENMP;
  unsigned maj = 0, min = 0, rel = 0;
  if (H5get_libversion(&maj, &min, &rel) < 0) snprintf(p->hdf5, sizeof p->hdf5, "unknown");
  else snprintf(p->hdf5, sizeof p->hdf5, "%u.%u.%u", maj, min, rel);
}

void rfl_provenance_print(FILE *f) {
  rfl_provenance p;
  rfl_provenance_get(&p);
  fprintf(f, "rflesion %s\ncommit: %s\nbuild: %s, MPI %s, OpenMP %s\nHDF5: %s\n", p.version_full, p.commit,
          p.build_type, p.mpi ? "on" : "off", p.openmp ? "on" : "off", p.hdf5);
}
