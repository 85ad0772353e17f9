// SPDX-License-Identifier: BSD-3-Clause
/* Marching squares (figure_contour.h): each cell of four nodes gives at most two segments,
 * whose ends are identified by the raster edge they lie on; ends sharing an edge are
 * linked, and the links are walked into chains. */
#include "figure_contour.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  size_t edge[2];
  pt2 p[2];
} ms_segment;

typedef struct {
  ms_segment *seg;
  size_t n, cap;
} ms_segments;

typedef struct {
  size_t edge;
  size_t end; /* segment * 2 + which end */
} ms_end;

static const size_t NO_END = (size_t)-1;

void rfl_contour_free(contour_set *c) {
  free(c->pts);
  free(c->start);
  free(c->closed);
  memset(c, 0, sizeof *c);
}

static int cmp_end(const void *a, const void *b) {
  const ms_end *x = a, *y = b;
  if (x->edge != y->edge) return x->edge < y->edge ? -1 : 1;
  return x->end < y->end ? -1 : x->end > y->end;
}

/* The corner pairs (k, k + 1 mod 4 being the edge after corner k) each segment of a cell
 * with inside-code `code` crosses; returns how many segments (1 or 2). */
static int cell_pairs(const double c[4], const int in[4], int code, int pairs[2][2]) {
  if (code == 5 || code == 10) {
    int centre_in = 0.25 * (c[0] + c[1] + c[2] + c[3]) >= 0.0;
    /* cut off the two corners that are not connected through the centre */
    int first = (code == 5) == centre_in ? 1 : 0; /* corners first and first + 2 */
    pairs[0][0] = (first + 3) % 4, pairs[0][1] = first;
    pairs[1][0] = (first + 1) % 4, pairs[1][1] = (first + 2) % 4;
    return 2;
  }
  int e[2], ne = 0;
  for (int k = 0; k < 4; ++k)
    if (in[k] != in[(k + 1) % 4]) e[ne++] = k;
  pairs[0][0] = e[0], pairs[0][1] = e[1];
  return 1;
}

static rfl_status segments_grow(ms_segments *s) {
  if (s->n < s->cap) return RFL_OK;
  size_t cap = s->cap ? 2 * s->cap : 256;
  ms_segment *grown = realloc(s->seg, cap * sizeof *s->seg);
  if (!grown) return RFL_ERROR(RFL_ENOMEM, "out of memory for a contour");
  s->seg = grown;
  s->cap = cap;
  return RFL_OK;
}

/* The segments of cell (i, j): corners 0 (i,j), 1 (i+1,j), 2 (i+1,j+1), 3 (i,j+1); edge k
 * joins corners k and k + 1; horizontal edges are numbered first. */
static rfl_status cell_segments(const double *v, int w, int h, int i, int j, ms_segments *s) {
  const double c[4] = {v[(size_t)j * w + i], v[(size_t)j * w + i + 1], v[(size_t)(j + 1) * w + i + 1],
                       v[(size_t)(j + 1) * w + i]};
  if (isnan(c[0]) || isnan(c[1]) || isnan(c[2]) || isnan(c[3])) return RFL_OK;
  int in[4], code = 0;
  for (int k = 0; k < 4; ++k) {
    in[k] = c[k] >= 0.0;
    code |= in[k] << k;
  }
  if (code == 0 || code == 15) return RFL_OK;
  const size_t nh = (size_t)h * (size_t)(w - 1);
  const pt2 corner[4] = {{i, j}, {i + 1, j}, {i + 1, j + 1}, {i, j + 1}};
  const size_t edge_id[4] = {(size_t)j * (w - 1) + i, nh + (size_t)j * w + i + 1, (size_t)(j + 1) * (w - 1) + i,
                             nh + (size_t)j * w + i};
  int pairs[2][2];
  const int npairs = cell_pairs(c, in, code, pairs);
  for (int q = 0; q < npairs; ++q) {
    RFL_CHECK(segments_grow(s));
    ms_segment *sg = &s->seg[s->n++];
    for (int m = 0; m < 2; ++m) {
      int k = pairs[q][m], k1 = (k + 1) % 4;
      double t = c[k] / (c[k] - c[k1]);
      sg->edge[m] = edge_id[k];
      sg->p[m].x = corner[k].x + t * (corner[k1].x - corner[k].x);
      sg->p[m].y = corner[k].y + t * (corner[k1].y - corner[k].y);
    }
  }
  return RFL_OK;
}

/* partner[end] = the other segment end on the same pixel edge (at most two per edge), or
 * NO_END. */
static void link_ends(const ms_segment *seg, size_t nseg, ms_end *ends, size_t *partner) {
  for (size_t s = 0; s < nseg; ++s)
    for (int m = 0; m < 2; ++m) {
      ends[2 * s + m].edge = seg[s].edge[m];
      ends[2 * s + m].end = 2 * s + m;
      partner[2 * s + m] = NO_END;
    }
  qsort(ends, 2 * nseg, sizeof *ends, cmp_end);
  for (size_t k = 0; k + 1 < 2 * nseg; ++k)
    if (ends[k].edge == ends[k + 1].edge) {
      partner[ends[k].end] = ends[k + 1].end;
      partner[ends[k + 1].end] = ends[k].end;
      ++k;
    }
}

/* Walks the links into chains: open chains first (each starts at a free end), then closed
 * loops. */
static void walk_chains(const ms_segment *seg, size_t nseg, const size_t *partner, unsigned char *used,
                        contour_set *out) {
  for (int pass = 0; pass < 2; ++pass)
    for (size_t s0 = 0; s0 < nseg; ++s0) {
      if (used[s0]) continue;
      int m0 = 0;
      if (pass == 0) {
        if (partner[2 * s0] == NO_END)
          m0 = 0;
        else if (partner[2 * s0 + 1] == NO_END)
          m0 = 1;
        else
          continue;
      }
      out->start[out->nchains] = out->npts;
      out->closed[out->nchains] = pass == 1;
      out->nchains++;
      size_t s = s0;
      int m = m0;
      out->pts[out->npts++] = seg[s].p[m];
      for (;;) {
        used[s] = 1;
        out->pts[out->npts++] = seg[s].p[1 - m];
        size_t next = partner[2 * s + (size_t)(1 - m)];
        if (next == NO_END || used[next / 2]) break;
        s = next / 2;
        m = (int)(next % 2);
      }
    }
  out->start[out->nchains] = out->npts;
}

static rfl_status chain_segments(const ms_segment *seg, size_t nseg, contour_set *out) {
  ms_end *ends = malloc(2 * nseg * sizeof *ends);
  size_t *partner = malloc(2 * nseg * sizeof *partner);
  unsigned char *used = calloc(nseg, 1);
  out->pts = malloc((nseg + 2 * nseg) * sizeof *out->pts);
  out->start = malloc((nseg + 1) * sizeof *out->start);
  out->closed = malloc(nseg * sizeof *out->closed);
  rfl_status st = RFL_OK;
  if (!ends || !partner || !used || !out->pts || !out->start || !out->closed) {
    rfl_contour_free(out);
    st = RFL_ERROR(RFL_ENOMEM, "out of memory for a contour (%zu segments)", nseg);
  } else {
    link_ends(seg, nseg, ends, partner);
    walk_chains(seg, nseg, partner, used, out);
  }
  free(ends), free(partner), free(used);
  return st;
}

rfl_status rfl_contour_build(const double *v, int w, int h, contour_set *out) {
  memset(out, 0, sizeof *out);
  ms_segments s = {NULL, 0, 0};
  rfl_status st = RFL_OK;
  for (int j = 0; j + 1 < h && st == RFL_OK; ++j)
    for (int i = 0; i + 1 < w && st == RFL_OK; ++i) st = cell_segments(v, w, h, i, j, &s);
  if (st == RFL_OK && s.n > 0) st = chain_segments(s.seg, s.n, out);
  free(s.seg);
  return st;
}
