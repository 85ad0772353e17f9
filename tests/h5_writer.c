// SPDX-License-Identifier: BSD-3-Clause
/* Writes the synthetic run of h5out_fixture.h through the HDF5 writer, for the checks that
 * read the result with other tools (tests/h5_readback.py with h5py, tests/xdmf_paraview.py
 * with ParaView). Usage: h5_writer OUT.h5 [--graded] [--double]. Exit 0 on success, 4 on
 * a writer error (message on stderr), 2 on bad usage. It checks nothing itself. */
#include <stdio.h>
#include <string.h>

#include "h5out.h"
#include "h5out_fixture.h"

int main(int argc, char **argv) {
  int graded = 0;
  rfl_h5out_options opt = {0};
  const char *path = NULL;
  for (int a = 1; a < argc; ++a) {
    if (strcmp(argv[a], "--graded") == 0)
      graded = 1;
    else if (strcmp(argv[a], "--double") == 0)
      opt.double_precision = 1;
    else if (!path && argv[a][0] != '-')
      path = argv[a];
    else {
      fprintf(stderr, "h5_writer: unexpected argument '%s'\n", argv[a]);
      return 2;
    }
  }
  if (!path) {
    fprintf(stderr, "usage: h5_writer OUT.h5 [--graded] [--double]\n");
    return 2;
  }
  h5fix *f = fix_create(graded);
  if (!f) {
    fprintf(stderr, "h5_writer: cannot build the fixture\n");
    return 4;
  }
  rfl_h5out *out = NULL;
  rfl_status st = rfl_h5out_open(path, &opt, &out);
  if (st == RFL_OK) st = rfl_h5out_write_grid(out, f->grid, &f->geo, &f->kase);
  for (int s = 0; s < f->kase.output.ntimes && st == RFL_OK; ++s) {
    rfl_field_view v = fix_view(f, f->kase.output.times_s[s]);
    st = rfl_h5out_write_fields(out, &v);
  }
  if (st == RFL_OK) st = rfl_h5out_write_series(out, f->samples, FIX_NSAMPLES);
  if (st == RFL_OK) st = rfl_h5out_write_summary(out, &f->summary);
  rfl_status cst = rfl_h5out_close(out, st == RFL_OK);
  if (st == RFL_OK) st = cst;
  if (st != RFL_OK) fprintf(stderr, "h5_writer: %s\n", rfl_error_message());
  fix_free(f);
  return st == RFL_OK ? 0 : 4;
}
