// SPDX-License-Identifier: BSD-3-Clause
/* The XDMF sidecar that ParaView and VisIt open. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "h5out_internal.h"
#include "rfl_version.h"

/* ---- XDMF sidecar ---------------------------------------------------------------------------- */

static void xml_escaped(FILE *f, const char *s) {
  for (; *s; ++s) switch (*s) {
      case '&': fputs("&amp;", f); break;
      case '<': fputs("&lt;", f); break;
      case '>': fputs("&gt;", f); break;
      case '"': fputs("&quot;", f); break;
      default: fputc(*s, f);
    }
}

static void xdmf_item(FILE *f, const char *indent, const char *dims, const char *type, int prec,
                      const char *h5, const char *dataset) {
  fprintf(f, "%s<DataItem Dimensions=\"%s\" NumberType=\"%s\" Precision=\"%d\" Format=\"HDF\">", indent,
          dims, type, prec);
  xml_escaped(f, h5);
  fprintf(f, ":%s</DataItem>\n", dataset);
}

static void xdmf_grid(FILE *f, const rfl_h5out *o, const char *h5, const snapshot *s) {
  char nodes[64], cells[64], len[3][24], path[96];
  snprintf(nodes, sizeof nodes, "%d %d %d", o->n[2] + 1, o->n[1] + 1, o->n[0] + 1);
  snprintf(cells, sizeof cells, "%d %d %d", o->n[2], o->n[1], o->n[0]);
  for (int a = 0; a < 3; ++a) snprintf(len[a], sizeof len[a], "%d", o->n[a] + 1);
  const char *in = s ? "      " : "    ";
  fprintf(f, "%s<Grid Name=\"%s\" GridType=\"Uniform\">\n", in, s ? s->name : "grid");
  if (s) fprintf(f, "%s  <Time Value=\"%.17g\"/>\n", in, s->t);
  fprintf(f, "%s  <Topology TopologyType=\"3DRectMesh\" Dimensions=\"%s\"/>\n", in, nodes);
  fprintf(f, "%s  <Geometry GeometryType=\"VXVYVZ\">\n", in);
  char in2[16];
  snprintf(in2, sizeof in2, "%s    ", in);
  xdmf_item(f, in2, len[0], "Float", 8, h5, "/grid/x_mm");
  xdmf_item(f, in2, len[1], "Float", 8, h5, "/grid/y_mm");
  xdmf_item(f, in2, len[2], "Float", 8, h5, "/grid/z_mm");
  fprintf(f, "%s  </Geometry>\n", in);
  static const char *const fields[] = {"temperature_C", "peak_temperature_C", "omega", "cem43_min",
                                       "potential_V"};
  int prec = o->opt.double_precision ? 8 : 4;
  if (s)
    for (size_t k = 0; k < sizeof fields / sizeof fields[0]; ++k) {
      fprintf(f, "%s  <Attribute Name=\"%s\" AttributeType=\"Scalar\" Center=\"Cell\">\n", in, fields[k]);
      snprintf(path, sizeof path, "/fields/%s/%s", s->name, fields[k]);
      xdmf_item(f, in2, cells, "Float", prec, h5, path);
      fprintf(f, "%s  </Attribute>\n", in);
    }
  if (s) {
    fprintf(f, "%s  <Attribute Name=\"lesion\" AttributeType=\"Scalar\" Center=\"Cell\">\n", in);
    snprintf(path, sizeof path, "/fields/%s/lesion", s->name);
    xdmf_item(f, in2, cells, "UChar", 1, h5, path);
    fprintf(f, "%s  </Attribute>\n", in);
  }
  static const char *const labels[] = {"material", "part", "probe", "structure"};
  for (size_t k = 0; k < sizeof labels / sizeof labels[0]; ++k) {
    fprintf(f, "%s  <Attribute Name=\"%s\" AttributeType=\"Scalar\" Center=\"Cell\">\n", in, labels[k]);
    snprintf(path, sizeof path, "/grid/%s", labels[k]);
    xdmf_item(f, in2, cells, k == 2 ? "Char" : "UChar", 1, h5, path);
    fprintf(f, "%s  </Attribute>\n", in);
  }
  fprintf(f, "%s</Grid>\n", in);
}

/* The sidecar into its temporary name; references the final .h5 by its base name. */
rfl_status h5o_write_xdmf(const rfl_h5out *o) {
  const char *slash = strrchr(o->path, '/');
  const char *h5 = slash ? slash + 1 : o->path;
  FILE *f = fopen(o->xmf_tmp, "w");
  if (!f)
    return RFL_ERROR(RFL_EIO, "%s: cannot create the temporary file %s: %s", o->xmf, o->xmf_tmp,
                     strerror(errno));
  fprintf(f, "<?xml version=\"1.0\" ?>\n<!-- rflesion %s: cell-centred fields of ", RFL_VERSION_FULL);
  xml_escaped(f, h5);
  fprintf(f, ", coordinates in mm -->\n<Xdmf Version=\"3.0\">\n  <Domain>\n");
  if (o->nsnaps == 0) {
    xdmf_grid(f, o, h5, NULL);
  } else {
    fprintf(f, "    <Grid Name=\"fields\" GridType=\"Collection\" CollectionType=\"Temporal\">\n");
    for (size_t i = 0; i < o->nsnaps; ++i) xdmf_grid(f, o, h5, &o->snaps[i]);
    fprintf(f, "    </Grid>\n");
  }
  fprintf(f, "  </Domain>\n</Xdmf>\n");
  int bad = ferror(f);
  if (fflush(f) != 0 || fsync(fileno(f)) != 0) bad = 1;
  int e = errno;
  if (fclose(f) != 0) bad = 1, e = errno;
  if (bad) {
    remove(o->xmf_tmp);
    return RFL_ERROR(RFL_EIO, "%s: write failed: %s", o->xmf, strerror(e));
  }
  return RFL_OK;
}

