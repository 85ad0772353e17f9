// SPDX-License-Identifier: BSD-3-Clause
/* A field along the course of a tube structure (lesion.h, rfl_lesion_course_profile): per
 * cross-section ("station") the smallest and largest interpolated value, then the lengths
 * over which they reach the level and where the largest value lies. */
#include <math.h>
#include <stdlib.h>

#include "course.h"
#include "lesion_field.h"

enum { COURSE_RINGS = 3, STATION_POINTS = 1 + 8 + 16 + 24, MAX_COURSE_STATIONS = 1 << 16 };
static const int ring_points[COURSE_RINGS] = {8, 16, 24};

typedef struct {
  double arc;      /* from the course's first point, m */
  double lo, hi;   /* smallest and largest value at its points (NaN: none valued) */
} station;

/* Smallest and largest value over the cross-section of radius r about c normal to d. */
static void station_range(const work_field *w, rfl_vec3 c, rfl_vec3 d, double r, double *lo, double *hi) {
  rfl_vec3 t1, t2;
  rfl_lesion_orthonormal_pair(d, axis_unit(0), &t1, &t2);
  *lo = INFINITY;
  *hi = -INFINITY;
  for (int ring = 0; ring <= COURSE_RINGS; ++ring) {
    const int m = ring == 0 ? 1 : ring_points[ring - 1];
    for (int q = 0; q < m; ++q) {
      rfl_vec3 p = ring == 0 ? c : on_circle(c, t1, t2, r * ring / COURSE_RINGS, 2.0 * RFL_PI * q / m);
      double v = rfl_work_field_sample(w, p);
      if (!isfinite(v)) continue;
      *lo = fmin(*lo, v);
      *hi = fmax(*hi, v);
    }
  }
  if (*lo > *hi) *lo = *hi = NAN;
}

/* The stations of every segment, in arc-length order; NULL when out of memory. */
static station *course_stations(const work_field *w, const rfl_shape *s, int *count) {
  const int npts = s->kind == RFL_SHAPE_CYLINDER ? 2 : s->npoints;
  size_t cap = 256, n = 0;
  station *st = malloc(cap * sizeof *st);
  double walked = 0.0;
  for (int i = 0; st && i + 1 < npts; ++i) {
    const rfl_vec3 a = s->points[i];
    const double len = rfl_vec3_norm(rfl_vec3_sub(s->points[i + 1], a));
    if (!(len > 0.0)) continue;
    const rfl_vec3 d = rfl_vec3_scale(rfl_vec3_sub(s->points[i + 1], a), 1.0 / len);
    for (double t = 0.0; n < MAX_COURSE_STATIONS;) {
      if (n == cap) {
        station *more = realloc(st, 2 * cap * sizeof *st);
        if (!more) {
          free(st);
          return NULL;
        }
        st = more;
        cap *= 2;
      }
      const rfl_vec3 c = axpy(a, t, d);
      st[n].arc = walked + t;
      station_range(w, c, d, s->radius, &st[n].lo, &st[n].hi);
      ++n;
      if (t >= len) break;
      t = fmin(t + 0.25 * rfl_lesion_cell_size_at(w->g, c), len);
    }
    walked += len;
  }
  *count = (int)n;
  return st;
}

/* Length of {arc : f(arc) >= 0} on [a0, a1] for f linear from f0 to f1. */
static double length_at_or_above(double a0, double f0, double a1, double f1) {
  if (!isfinite(f0) || !isfinite(f1)) return 0.0;
  const double len = a1 - a0;
  if (f0 >= 0.0 && f1 >= 0.0) return len;
  if (f0 < 0.0 && f1 < 0.0) return 0.0;
  const double pos = f0 >= 0.0 ? f0 : f1, neg = f0 >= 0.0 ? f1 : f0;
  return len * pos / (pos - neg);
}

/* Arc length of the largest value near station i: the vertex of the parabola through it and
 * its neighbours when they are valued, apart along one segment and bend down, else its own. */
static double refine_max_at(const station *st, int n, int i) {
  if (i == 0 || i + 1 >= n) return st[i].arc;
  const double x0 = st[i - 1].arc, x1 = st[i].arc, x2 = st[i + 1].arc;
  const double y0 = st[i - 1].hi, y1 = st[i].hi, y2 = st[i + 1].hi;
  if (!(x1 > x0 && x2 > x1) || !isfinite(y0) || !isfinite(y2)) return st[i].arc;
  const double s1 = (y1 - y0) / (x1 - x0), s2 = (y2 - y1) / (x2 - x1); /* slopes at the midpoints */
  if (!(s1 > s2)) return st[i].arc;
  const double m1 = 0.5 * (x0 + x1), m2 = 0.5 * (x1 + x2);
  return fmin(fmax(m1 + s1 * (m2 - m1) / (s1 - s2), x0), x2);
}

rfl_status rfl_lesion_course_profile(const rfl_grid *grid, const double *field, const uint8_t *exclude,
                                     const rfl_shape *shape, double level, rfl_course_profile *out) {
  static const char fn[] = "rfl_lesion_course_profile";
  if (!out || !shape || !field) return RFL_ERROR(RFL_EINPUT, "%s: no %s given", fn, !out ? "output" : !shape ? "shape" : "field");
  *out = (rfl_course_profile){0.0, 0.0, -INFINITY, NAN};
  if (!rfl_course_exists(shape)) return RFL_ERROR(RFL_EINPUT, "%s: the structure has no course (not a tube)", fn);
  RFL_CHECK(rfl_lesion_check_grid(grid, fn));
  work_field w;
  RFL_CHECK(rfl_work_field_init(&w, grid, field, exclude, "the field"));
  int n = 0;
  station *st = course_stations(&w, shape, &n);
  rfl_work_field_free(&w);
  if (!st) return RFL_ERROR(RFL_ENOMEM, "%s: cannot allocate the course's stations", fn);
  int best = -1;
  for (int i = 0; i < n; ++i) {
    if (st[i].hi > out->max) {
      out->max = st[i].hi;
      best = i;
    }
    if (i + 1 < n) {
      out->any_length += length_at_or_above(st[i].arc, st[i].hi - level, st[i + 1].arc, st[i + 1].hi - level);
      out->all_length += length_at_or_above(st[i].arc, st[i].lo - level, st[i + 1].arc, st[i + 1].lo - level);
    }
  }
  if (best >= 0) out->max_at = refine_max_at(st, n, best);
  free(st);
  return RFL_OK;
}
