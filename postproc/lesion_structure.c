// SPDX-License-Identifier: BSD-3-Clause
/* Figures of a structure from a field (lesion.h): the field's maximum over it, the share of
 * it the lesion holds, and whether the lesion cuts through it, read at its cells and at
 * sample points inside it and on its surface (see "sample points of a structure"). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lesion_field.h"
#include "parallel.h"

/* ---- sample points of a structure ------------------------------------------------------- */

/* Points inside a structure and on its surface, read through the interpolated field so that
 * a structure thinner than a cell, or lying between cell centres, is still seen. Tubes
 * (capsule, cylinder): cross-sections ("stations") normal to each axis segment, at most half
 * a cell apart along it, each with the axis point, RING_IN points at half the radius and
 * RING_OUT on the surface; each end cap of a capsule adds its pole and a ring at 45 degrees
 * on the surface and a point at half depth. Sphere: the centre, 6 points at half the radius
 * and 14 on the surface. Box: a lattice of at most 9 points per axis, faces included, at
 * most half a cell apart where 9 suffice. Half-space: none (it always holds whole cells).
 * Only the part within the grid's box (grown by the radius) is sampled. */
enum { RING_IN = 8, RING_OUT = 16, CAP_RING = 8, BOX_MAX = 9, MAX_STATIONS = 1 << 16 };

typedef struct {
  rfl_vec3 p;
  int station; /* cross-section of a tube it belongs to, -1 for the other points */
  int surface; /* 1 on the structure's surface */
} shape_sample;

typedef struct {
  shape_sample *s;
  size_t n, cap;
  int nstations;
  int failed; /* an allocation failed */
} sample_set;

static void sample_add(sample_set *ss, rfl_vec3 p, int station, int surface) {
  if (ss->failed) return;
  if (ss->n == ss->cap) {
    size_t cap = ss->cap ? 2 * ss->cap : 256;
    shape_sample *s = realloc(ss->s, cap * sizeof *s);
    if (!s) {
      ss->failed = 1;
      return;
    }
    ss->s = s;
    ss->cap = cap;
  }
  ss->s[ss->n++] = (shape_sample){p, station, surface};
}

/* The cross-section of radius r about c normal to the unit vector d, as one station. */
static void add_disc(sample_set *ss, rfl_vec3 c, rfl_vec3 d, double r) {
  rfl_vec3 t1, t2;
  rfl_lesion_orthonormal_pair(d, axis_unit(0), &t1, &t2);
  const int st = ss->nstations++;
  sample_add(ss, c, st, 0);
  for (int m = 0; m < RING_IN; ++m)
    sample_add(ss, on_circle(c, t1, t2, 0.5 * r, 2.0 * RFL_PI * m / RING_IN), st, 0);
  for (int m = 0; m < RING_OUT; ++m)
    sample_add(ss, on_circle(c, t1, t2, r, 2.0 * RFL_PI * m / RING_OUT), st, 1);
}

/* Hemispherical cap of radius r on e, bulging along the unit vector u. */
static void add_cap(sample_set *ss, rfl_vec3 e, rfl_vec3 u, double r) {
  rfl_vec3 t1, t2;
  rfl_lesion_orthonormal_pair(u, axis_unit(0), &t1, &t2);
  sample_add(ss, axpy(e, 0.5 * r, u), -1, 0);
  sample_add(ss, axpy(e, r, u), -1, 1);
  const double c45 = sqrt(0.5);
  const rfl_vec3 ring = axpy(e, r * c45, u);
  for (int m = 0; m < CAP_RING; ++m)
    sample_add(ss, on_circle(ring, t1, t2, r * c45, 2.0 * RFL_PI * m / CAP_RING), -1, 1);
}

/* Parameter range [t0, t1] of a + t d (|d| = 1, t in [0, len]) inside the grid's box grown
 * by pad; 0 if the segment misses it. */
static int clip_to_grid(const rfl_grid *g, rfl_vec3 a, rfl_vec3 d, double len, double pad,
                        double *t0, double *t1) {
  double lo = 0.0, hi = len;
  for (int ax = 0; ax < 3; ++ax) {
    const double x = vec_component(a, ax), dx = vec_component(d, ax);
    const double blo = g->xf[ax][0] - pad, bhi = g->xf[ax][g->n[ax]] + pad;
    if (fabs(dx) < 1e-300) {
      if (x < blo || x > bhi) return 0;
      continue;
    }
    double ta = (blo - x) / dx, tb = (bhi - x) / dx;
    if (ta > tb) {
      double t = ta;
      ta = tb;
      tb = t;
    }
    if (ta > lo) lo = ta;
    if (tb < hi) hi = tb;
  }
  *t0 = lo;
  *t1 = hi;
  return lo <= hi;
}

/* Stations along the tube segment [a, b] of radius r, at most half a cell apart. */
static void add_tube_segment(sample_set *ss, const rfl_grid *g, rfl_vec3 a, rfl_vec3 b, double r) {
  const double len = rfl_vec3_norm(rfl_vec3_sub(b, a));
  if (!(len > 0.0)) return;
  const rfl_vec3 d = rfl_vec3_scale(rfl_vec3_sub(b, a), 1.0 / len);
  double t, t1;
  if (!clip_to_grid(g, a, d, len, r, &t, &t1)) return;
  for (int k = 0; k < MAX_STATIONS && !ss->failed; ++k) {
    rfl_vec3 c = axpy(a, t, d);
    add_disc(ss, c, d, r);
    if (t >= t1) break;
    t = fmin(t + 0.5 * rfl_lesion_cell_size_at(g, c), t1);
  }
}

/* A ball of radius r about c: centre, 6 points at half the radius, 14 on the surface. */
static void add_ball(sample_set *ss, rfl_vec3 c, double r) {
  sample_add(ss, c, -1, 0);
  for (int a = 0; a < 3; ++a)
    for (int side = -1; side <= 1; side += 2) {
      sample_add(ss, axpy(c, side * 0.5 * r, axis_unit(a)), -1, 0);
      sample_add(ss, axpy(c, side * r, axis_unit(a)), -1, 1);
    }
  for (int m = 0; m < 8; ++m) {
    rfl_vec3 dg = rfl_vec3_make(m & 1 ? 1.0 : -1.0, m & 2 ? 1.0 : -1.0, m & 4 ? 1.0 : -1.0);
    sample_add(ss, axpy(c, r / sqrt(3.0), dg), -1, 1);
  }
}

static void collect_samples(const rfl_grid *g, const rfl_shape *s, sample_set *ss) {
  const double r = s->radius;
  switch (s->kind) {
    case RFL_SHAPE_CAPSULE:
      if (s->npoints < 2) { /* one point: a ball */
        add_ball(ss, s->points[0], r);
        break;
      }
      for (int i = 0; i + 1 < s->npoints; ++i)
        add_tube_segment(ss, g, s->points[i], s->points[i + 1], r);
      for (int end = 0; end < 2; ++end) {
        rfl_vec3 e = s->points[end ? s->npoints - 1 : 0], f = s->points[end ? s->npoints - 2 : 1];
        rfl_vec3 u = rfl_vec3_sub(e, f);
        double len = rfl_vec3_norm(u);
        if (len > 0.0) add_cap(ss, e, rfl_vec3_scale(u, 1.0 / len), r);
      }
      break;
    case RFL_SHAPE_CYLINDER:
      add_tube_segment(ss, g, s->points[0], s->points[1], r);
      break;
    case RFL_SHAPE_SPHERE:
      add_ball(ss, s->centre, r);
      break;
    case RFL_SHAPE_BOX: {
      double lo[3], hi[3];
      int m[3];
      const double h = rfl_lesion_cell_size_at(g, rfl_vec3_scale(rfl_vec3_add(s->lo, s->hi), 0.5));
      for (int a = 0; a < 3; ++a) {
        lo[a] = fmax(vec_component(s->lo, a), g->xf[a][0]);
        hi[a] = fmin(vec_component(s->hi, a), g->xf[a][g->n[a]]);
        if (!(lo[a] <= hi[a])) return;
        double cnt = 1.0 + ceil((hi[a] - lo[a]) / (0.5 * h));
        m[a] = cnt < 2.0 ? 2 : cnt > BOX_MAX ? BOX_MAX : (int)cnt;
      }
      for (int k = 0; k < m[2]; ++k)
        for (int j = 0; j < m[1]; ++j)
          for (int i = 0; i < m[0]; ++i) {
            const int idx[3] = {i, j, k};
            rfl_vec3 p = rfl_vec3_make(0.0, 0.0, 0.0);
            int face = 0;
            for (int a = 0; a < 3; ++a) {
              vec_set(&p, a, lo[a] + (hi[a] - lo[a]) * idx[a] / (m[a] - 1));
              face |= idx[a] == 0 || idx[a] == m[a] - 1;
            }
            sample_add(ss, p, -1, face);
          }
      break;
    }
    case RFL_SHAPE_HALFSPACE:
      break;
  }
}

/* The sample points of a structure (none for a half-space); on failure nothing is left to
 * free and the error names the caller fn. */
static rfl_status shape_samples(const rfl_grid *g, const rfl_shape *s, const char *fn,
                                sample_set *ss) {
  memset(ss, 0, sizeof *ss);
  collect_samples(g, s, ss);
  if (!ss->failed) return RFL_OK;
  free(ss->s);
  ss->s = NULL;
  return RFL_ERROR(RFL_ENOMEM, "%s: cannot allocate the structure's sample points", fn);
}

/* Width of the thinnest part of a shape, m (INFINITY for a half-space). */
static double shape_thickness(const rfl_shape *s) {
  if (s->kind == RFL_SHAPE_HALFSPACE) return INFINITY;
  if (s->kind != RFL_SHAPE_BOX) return 2.0 * s->radius;
  rfl_vec3 e = rfl_vec3_sub(s->hi, s->lo);
  return fmin(e.x, fmin(e.y, e.z));
}

static void shape_cell_range(const rfl_grid *g, const rfl_shape *s, int lo[3], int hi[3]) {
  rfl_vec3 blo, bhi;
  rfl_shape_bounds(s, &blo, &bhi);
  for (int a = 0; a < 3; ++a) {
    int n = g->n[a];
    int l = rfl_lesion_locate_interval(g->xf[a], n + 1, vec_component(blo, a)) - 1;
    int u = rfl_lesion_locate_interval(g->xf[a], n + 1, vec_component(bhi, a)) + 1;
    lo[a] = l < 0 ? 0 : l;
    hi[a] = u > n - 1 ? n - 1 : u;
  }
}

/* ---- walks over a structure ------------------------------------------------------------- */

/* What a walk over a structure's cells visits: the tissue cells of the bounding box of the
 * shape plus one cell (box), z-plane by z-plane in parallel; each plane adds into its own
 * accumulator, and the caller combines them in plane order. */
typedef struct {
  const work_field *w;
  const rfl_shape *shape;
  int lo[3], hi[3];
} structure_cells;

typedef void (*cell_visit)(const structure_cells *sc, int i, int j, int k, size_t c, void *acc);

/* Runs visit over the cells; *planes gets one zeroed accumulator of acc_size bytes per
 * plane (*nplanes of them; the caller frees it). */
static rfl_status walk_structure_cells(const structure_cells *sc, const char *fn, size_t acc_size, cell_visit visit,
                                       unsigned char **planes, int *nplanes) {
  const rfl_grid *g = sc->w->g;
  const int nk = sc->hi[2] - sc->lo[2] + 1;
  unsigned char *acc = calloc((size_t)nk, acc_size);
  if (!acc) return RFL_ERROR(RFL_ENOMEM, "%s: cannot allocate %d plane results", fn, nk);
  RFL_OMP_FOR
  for (int kk = 0; kk < nk; ++kk) {
    const int k = sc->lo[2] + kk;
    for (int j = sc->lo[1]; j <= sc->hi[1]; ++j)
      for (int i = sc->lo[0]; i <= sc->hi[0]; ++i) {
        size_t c = rfl_grid_index(g, i, j, k);
        if (sc->w->state[c] == CELL_TISSUE) visit(sc, i, j, k, c, acc + (size_t)kk * acc_size);
      }
  }
  *planes = acc;
  *nplanes = nk;
  return RFL_OK;
}

/* Calls visit for every sample point of the structure where the interpolated field has a
 * value (sample_value finite). */
typedef void (*sample_visit)(void *ctx, const shape_sample *s, double v);

static rfl_status walk_structure_samples(const work_field *w, const rfl_shape *shape, const char *fn,
                                         sample_visit visit, void *ctx) {
  sample_set ss;
  RFL_CHECK(shape_samples(w->g, shape, fn, &ss));
  for (size_t m = 0; m < ss.n; ++m) {
    double v = rfl_work_field_sample(w, ss.s[m].p);
    if (isfinite(v)) visit(ctx, &ss.s[m], v);
  }
  free(ss.s);
  return RFL_OK;
}

static structure_cells structure_cells_of(const work_field *w, const rfl_shape *shape) {
  structure_cells sc = {w, shape, {0, 0, 0}, {0, 0, 0}};
  shape_cell_range(w->g, shape, sc.lo, sc.hi);
  return sc;
}

/* ---- the maximum of a field over a structure ---------------------------------------------- */

/* Minus the field at the centres inside the structure (inner) and where the segments to the
 * next centres cross its surface (surf), interpolated along the segment. */
static void max_visit(const structure_cells *sc, int i, int j, int k, size_t c, void *acc) {
  const work_field *w = sc->w;
  const rfl_grid *grid = w->g;
  best_point *inner = acc, *surf = inner + 1;
  rfl_vec3 p0 = cell_centre(grid, i, j, k);
  double d0 = rfl_shape_distance(sc->shape, p0);
  if (d0 <= 0.0) best_update(inner, -w->v[c], p0);
  const int ijk[3] = {i, j, k};
  for (int a = 0; a < 3; ++a) {
    if (ijk[a] + 1 > sc->hi[a]) continue;
    size_t c1 = c + (a == 0 ? 1 : a == 1 ? (size_t)grid->n[0] : (size_t)grid->n[0] * grid->n[1]);
    if (w->state[c1] != CELL_TISSUE) continue;
    rfl_vec3 p1 = axpy(p0, grid->xc[a][ijk[a] + 1] - grid->xc[a][ijk[a]], axis_unit(a));
    double d1 = rfl_shape_distance(sc->shape, p1);
    if ((d0 <= 0.0) == (d1 <= 0.0)) continue;
    double len = grid->xc[a][ijk[a] + 1] - grid->xc[a][ijk[a]];
    double t = rfl_lesion_line_root(level_inside_shape, sc->shape, p0, axis_unit(a), 0.0, -d0, len, -d1);
    double v = w->v[c] + (w->v[c1] - w->v[c]) * t / len;
    best_update(surf, -v, axpy(p0, t, axis_unit(a)));
  }
}

/* best[0] inside, best[1] on the surface. */
static void max_sample(void *ctx, const shape_sample *s, double v) {
  best_point *best = ctx;
  best_update(s->surface ? &best[1] : &best[0], -v, s->p);
}

/* The surface maximum refined on the interpolated surface. */
static void refine_surface_max(const work_field *w, const rfl_shape *shape, best_point *surf) {
  const double hc = rfl_lesion_cell_size_at(w->g, surf->p), thick = shape_thickness(shape);
  surface_problem sp = {level_inside_shape, shape, rfl_work_field_minus, w, w};
  if (thick >= hc) {
    rfl_lesion_refine_on_surface(&sp, rfl_lesion_shape_normal(shape, surf->p, 1e-4 * hc), axis_unit(0), hc, surf);
    return;
  }
  /* lines across a structure thinner than a cell must stay within it, so each pass moves at
     most about its thickness: repeat while it improves (the best sample lies within a
     quarter of a cell of a local maximum along the structure) */
  for (int pass = 0; pass < 64; ++pass) {
    const double before = surf->f;
    rfl_vec3 n = rfl_lesion_shape_normal(shape, surf->p, 1e-4 * thick);
    rfl_lesion_refine_on_surface(&sp, n, axis_unit(0), thick, surf);
    if (!(surf->f < before - 1e-12 * fabs(before))) break;
  }
}

/* best[0] the inner and best[1] the surface extreme of minus the field: cells, then the
 * sample points (a structure between centres has no centre inside and may cross no
 * segment). */
static rfl_status structure_extremes(const work_field *w, const rfl_shape *shape, const char *fn, best_point best[2]) {
  const structure_cells sc = structure_cells_of(w, shape);
  unsigned char *acc = NULL;
  int nk = 0;
  RFL_CHECK(walk_structure_cells(&sc, fn, 2 * sizeof(best_point), max_visit, &acc, &nk));
  const best_point *plane = (const best_point *)(const void *)acc;
  for (int kk = 0; kk < nk; ++kk)
    for (int q = 0; q < 2; ++q)
      if (plane[2 * kk + q].set) best_update(&best[q], plane[2 * kk + q].f, plane[2 * kk + q].p);
  free(acc);
  return walk_structure_samples(w, shape, fn, max_sample, best);
}

rfl_status rfl_lesion_structure_max(const rfl_grid *grid, const double *field,
                                    const uint8_t *exclude, const rfl_shape *shape,
                                    double *max) {
  static const char fn[] = "rfl_lesion_structure_max";
  if (!max || !shape || !field)
    return RFL_ERROR(RFL_EINPUT, "%s: no %s given", fn,
                     !max ? "output" : !shape ? "shape" : "field");
  *max = -INFINITY;
  RFL_CHECK(rfl_lesion_check_grid(grid, fn));
  work_field w;
  RFL_CHECK(rfl_work_field_init(&w, grid, field, exclude, "the field"));
  best_point best[2];
  memset(best, 0, sizeof best);
  rfl_status st = structure_extremes(&w, shape, fn, best);
  const best_point *inner = &best[0], *surf = &best[1];
  if (st == RFL_OK && !inner->set && !surf->set)
    st = RFL_ERROR(RFL_EINPUT, "%s: no point of the structure lies in tissue inside the grid", fn);
  if (st == RFL_OK) {
    if (surf->set) refine_surface_max(&w, shape, &best[1]);
    *max = -(inner->set && (!surf->set || inner->f < surf->f) ? inner->f : surf->f);
  }
  rfl_work_field_free(&w);
  return st;
}

/* ---- the damaged fraction of a structure -------------------------------------------------- */

/* acc[0] += the cell's volume inside the structure, acc[1] += the part also in the lesion:
 * whole cells inside, else 8^3 (16^3 in a mixed cell) sub-cell points. */
static void fraction_visit(const structure_cells *sc, int i, int j, int k, size_t c, void *acc_v) {
  const work_field *w = sc->w;
  const rfl_grid *g = w->g;
  double *acc = acc_v;
  const double dx = g->dx[0][i], dy = g->dx[1][j], dz = g->dx[2][k];
  const double vol = dx * dy * dz, half_diag = 0.5 * sqrt(dx * dx + dy * dy + dz * dz);
  const double d = rfl_shape_distance(sc->shape, cell_centre(g, i, j, k));
  if (d >= half_diag) return;
  const int mixed = cell_is_mixed(w, i, j, k), in0 = w->v[c] >= 0.0;
  if (d <= -half_diag) {
    acc[0] += vol;
    acc[1] += mixed ? vol * rfl_work_field_cell_fraction(w, i, j, k) : (in0 ? vol : 0.0);
    return;
  }
  const int ns = mixed ? 16 : 8;
  int n_shape = 0, n_both = 0;
  for (int sk = 0; sk < ns; ++sk)
    for (int sj = 0; sj < ns; ++sj)
      for (int si = 0; si < ns; ++si) {
        rfl_vec3 p = rfl_vec3_make(g->xf[0][i] + (si + 0.5) / ns * dx, g->xf[1][j] + (sj + 0.5) / ns * dy,
                                   g->xf[2][k] + (sk + 0.5) / ns * dz);
        if (!rfl_shape_contains(sc->shape, p)) continue;
        ++n_shape;
        int les = in0;
        if (mixed) {
          double v = rfl_work_field_eval(w, p);
          if (isfinite(v)) les = v >= 0.0;
        }
        n_both += les;
      }
  acc[0] += vol * n_shape / ((double)ns * ns * ns);
  acc[1] += vol * n_both / ((double)ns * ns * ns);
}

/* total[0] one per valued sample point, total[1] one per point in the lesion. */
static void fraction_sample(void *ctx, const shape_sample *s, double v) {
  (void)s;
  double *total = ctx;
  total[0] += 1.0;
  total[1] += v >= 0.0;
}

/* total[0] the structure's tissue volume, total[1] its part in the lesion; from the sample
 * points when the structure is thinner than the sampling lattice. */
static rfl_status structure_volumes(const work_field *w, const rfl_shape *shape, const char *fn, double total[2]) {
  const structure_cells sc = structure_cells_of(w, shape);
  unsigned char *acc = NULL;
  int nk = 0;
  RFL_CHECK(walk_structure_cells(&sc, fn, 2 * sizeof(double), fraction_visit, &acc, &nk));
  const double *plane = (const double *)(const void *)acc;
  for (int kk = 0; kk < nk; ++kk) {
    total[0] += plane[2 * kk];
    total[1] += plane[2 * kk + 1];
  }
  free(acc);
  if (total[0] > 0.0) return RFL_OK;
  return walk_structure_samples(w, shape, fn, fraction_sample, total);
}

rfl_status rfl_lesion_structure_fraction(const rfl_lesion_input *in, const rfl_shape *shape,
                                         double *fraction) {
  static const char fn[] = "rfl_lesion_structure_fraction";
  probe_frame frame;
  if (!fraction || !shape)
    return RFL_ERROR(RFL_EINPUT, "%s: no %s given", fn, shape ? "output" : "shape");
  *fraction = 0.0;
  work_field w;
  RFL_CHECK(rfl_lesion_phi_field(in, fn, &frame, &w));
  double total[2] = {0.0, 0.0};
  rfl_status st = rfl_work_field_mark_signs(&w);
  if (st == RFL_OK) st = structure_volumes(&w, shape, fn, total);
  rfl_work_field_free(&w);
  RFL_CHECK(st);
  if (!(total[0] > 0.0))
    return RFL_ERROR(RFL_EINPUT, "%s: the structure holds no tissue of the grid", fn);
  *fraction = total[1] / total[0];
  return RFL_OK;
}

rfl_status rfl_lesion_structure_covered(const rfl_lesion_input *in, const rfl_shape *shape,
                                        int *covered) {
  static const char fn[] = "rfl_lesion_structure_covered";
  probe_frame frame;
  if (!covered || !shape)
    return RFL_ERROR(RFL_EINPUT, "%s: no %s given", fn, shape ? "output" : "shape");
  *covered = 0;
  work_field w;
  RFL_CHECK(rfl_lesion_phi_field(in, fn, &frame, &w));
  sample_set ss;
  rfl_status st = shape_samples(in->grid, shape, fn, &ss);
  if (st != RFL_OK) {
    rfl_work_field_free(&w);
    return st;
  }
  const int tube = shape->kind == RFL_SHAPE_CYLINDER ||
                   (shape->kind == RFL_SHAPE_CAPSULE && shape->npoints >= 2);
  /* a tube: some station with every valued point in the lesion; else every valued point */
  size_t seen = 0, inside = 0;
  for (size_t m = 0; m < ss.n && !*covered; ++m) {
    const shape_sample *p = &ss.s[m];
    if (tube && p->station < 0) continue;
    double v = rfl_work_field_sample(&w, p->p);
    if (isfinite(v)) {
      ++seen;
      inside += v >= 0.0;
    }
    /* stations are consecutive; the other points all carry -1 */
    if (m + 1 == ss.n || ss.s[m + 1].station != p->station) {
      if (seen > 0 && inside == seen) *covered = 1;
      seen = inside = 0;
    }
  }
  free(ss.s);
  rfl_work_field_free(&w);
  return RFL_OK;
}
