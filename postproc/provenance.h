// SPDX-License-Identifier: BSD-3-Clause
/* Provenance: what produced a result. Every output (HDF5 root attributes, the JSON summary's
 * "provenance" object, the sweep tables) and `rflesion --version` state the same fields, so
 * a published number can be traced to the model revision, the build and the case. */
#ifndef RFL_PROVENANCE_H
#define RFL_PROVENANCE_H

#include <stdio.h>

typedef struct {
  const char *version;      /* release number, e.g. "0.1.0" */
  const char *version_full; /* release + git describe ("0.1.0+g1a2b3c4"), or the release alone */
  const char *commit;       /* full commit hash, "none" for a build outside git */
  const char *build_type;   /* CMake build type */
  int mpi, openmp;          /* built with the MPI task farm / with OpenMP */
  char hdf5[32];            /* HDF5 library version in use ("1.10.8") */
} rfl_provenance;

/* The build's provenance (the HDF5 version asked of the library at run time). */
void rfl_provenance_get(rfl_provenance *p);

/* The multi-line text of `rflesion --version`. */
void rfl_provenance_print(FILE *f);

#endif
