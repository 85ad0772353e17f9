// SPDX-License-Identifier: BSD-3-Clause
/* Lesion metrics, structure proximity and structure statistics (postproc/lesion.h) on
 * fields whose lesion is known exactly: ellipsoids of revolution about the probe axis,
 * phi = 1 - rho^2 (quadratic) or phi = beta (1 - rho) (the shape of ln Omega, linear in
 * the distance across the front), rho^2 = r^2 / a^2 + (s - s0)^2 / c^2, with the probe
 * along z or tilted, an excluded electrode (capsule of radius 0.635 mm from the tip
 * upwards) inside, on a uniform grid and on a smoothly stretched (sinh) graded grid.
 * Tolerances: widths, lengths, distal projections and distances within 0.1 h (h = the
 * largest cell width around the lesion), volumes and structure volume fractions within 1 %
 * (relative); each test prints what it observed (widths and distal projections within
 * 0.003 h, lengths 0.05 h, distances 1e-4 h, volumes 0.05 %, fractions 0.5 %). Grids are built here from face coordinates, independently of solver/grid.c. */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <stdlib.h>
#include <string.h>

#include "lesion.h"
#include "parallel.h"
#include "summary.h"
#include "test_support.h"

#define MM 1e-3
#define PI 3.14159265358979323846

/* ---- grids ----------------------------------------------------------------------------- */

typedef struct {
  int n;          /* cells */
  double lo, hi;  /* domain, m */
  double focus;   /* graded only: where cells are finest, as a fraction of [lo, hi] in
                     [0, 1] */
  double alpha;   /* sinh stretching strength, 0 = uniform */
} axis_spec;

/* Faces x(xi) = lo + (hi - lo) (F(xi) - F(0)) / (F(1) - F(0)), F(xi) = sinh(alpha (xi -
 * focus)): smooth, widest cells cosh(alpha)-ish times the finest. */
static rfl_grid *grid_make(const axis_spec spec[3]) {
  rfl_grid *g = calloc(1, sizeof *g);
  assert_non_null(g);
  g->ncells = 1;
  for (int a = 0; a < 3; ++a) {
    const axis_spec *s = &spec[a];
    g->n[a] = s->n;
    g->xf[a] = malloc((size_t)(s->n + 1) * sizeof(double));
    g->xc[a] = malloc((size_t)s->n * sizeof(double));
    g->dx[a] = malloc((size_t)s->n * sizeof(double));
    assert_true(g->xf[a] && g->xc[a] && g->dx[a]);
    for (int i = 0; i <= s->n; ++i) {
      double xi = (double)i / s->n, u = xi;
      if (s->alpha > 0.0) {
        double f0 = sinh(-s->alpha * s->focus), f1 = sinh(s->alpha * (1.0 - s->focus));
        u = (sinh(s->alpha * (xi - s->focus)) - f0) / (f1 - f0);
      }
      g->xf[a][i] = s->lo + (s->hi - s->lo) * u;
    }
    g->xf[a][s->n] = s->hi;
    for (int i = 0; i < s->n; ++i) {
      g->xc[a][i] = 0.5 * (g->xf[a][i] + g->xf[a][i + 1]);
      g->dx[a][i] = g->xf[a][i + 1] - g->xf[a][i];
    }
    g->ncells *= (size_t)s->n;
  }
  return g;
}

static void grid_drop(rfl_grid *g) {
  for (int a = 0; a < 3; ++a) {
    free(g->xf[a]);
    free(g->xc[a]);
    free(g->dx[a]);
  }
  free(g);
}

/* A cube [-L, L]^3 mm with n cells per axis, uniform or graded (finest off-centre, at a
 * different place on each axis, cells growing about 2.4x towards the far faces). */
static rfl_grid *grid_cube(int n, double L_mm, int graded) {
  axis_spec s[3];
  const double focus[3] = {0.46, 0.53, 0.41};
  for (int a = 0; a < 3; ++a) {
    s[a].n = n + 2 * a;
    s[a].lo = -L_mm * MM;
    s[a].hi = L_mm * MM;
    s[a].focus = focus[a];
    s[a].alpha = graded ? 1.6 : 0.0;
  }
  return grid_make(s);
}

static rfl_vec3 centre_of(const rfl_grid *g, int i, int j, int k) {
  return rfl_vec3_make(g->xc[0][i], g->xc[1][j], g->xc[2][k]);
}

/* ---- exact lesions ---------------------------------------------------------------------- */

typedef enum { PROFILE_QUADRATIC, PROFILE_LN_OMEGA } profile;

typedef struct {
  const char *name;
  rfl_vec3 tip;       /* m */
  rfl_vec3 dir;       /* probe direction (normalised here) */
  double a, c;        /* radial and axial semi-axes, m */
  double s0;          /* lesion centre on the axis, from the tip, m */
  profile prof;
  double electrode_r; /* excluded capsule radius, m (0: none) */
} lesion_case;

static rfl_vec3 unit(rfl_vec3 v) { return rfl_vec3_scale(v, 1.0 / rfl_vec3_norm(v)); }

/* rho of point p for the case (1 on the lesion surface). */
static double case_rho(const lesion_case *lc, rfl_vec3 p) {
  rfl_vec3 d = unit(lc->dir), q = rfl_vec3_sub(p, lc->tip);
  double s = rfl_vec3_dot(q, d);
  double r = rfl_vec3_norm(rfl_vec3_sub(q, rfl_vec3_scale(d, s)));
  return sqrt(r * r / (lc->a * lc->a) + (s - lc->s0) * (s - lc->s0) / (lc->c * lc->c));
}

static double case_phi(const lesion_case *lc, rfl_vec3 p) {
  double rho = case_rho(lc, p);
  return lc->prof == PROFILE_QUADRATIC ? 1.0 - rho * rho : log(exp(23.0 * (1.0 - rho)));
}

/* Inside the electrode: a capsule of radius electrode_r whose distal point is the tip. */
static int case_electrode(const lesion_case *lc, rfl_vec3 p) {
  if (!(lc->electrode_r > 0.0)) return 0;
  rfl_vec3 d = unit(lc->dir);
  rfl_vec3 q = rfl_vec3_sub(p, rfl_vec3_add(lc->tip, rfl_vec3_scale(d, lc->electrode_r)));
  double s = rfl_vec3_dot(q, d);
  if (s < 0.0) return rfl_vec3_norm(q) <= lc->electrode_r;
  return rfl_vec3_norm(rfl_vec3_sub(q, rfl_vec3_scale(d, s))) <= lc->electrode_r;
}

typedef struct {
  rfl_grid *g;
  double *phi;
  uint8_t *exclude;
  rfl_lesion_input in;
  double h;               /* largest cell width among cells with rho <= 1.25, m */
  double excluded_lesion; /* electrode cells' volume inside the exact lesion, m^3 */
} lesion_field;

static void field_fill(lesion_field *f, const lesion_case *lc, rfl_grid *g) {
  f->g = g;
  f->phi = malloc(g->ncells * sizeof *f->phi);
  f->exclude = malloc(g->ncells);
  assert_true(f->phi && f->exclude);
  f->h = 0.0;
  f->excluded_lesion = 0.0;
  for (int k = 0; k < g->n[2]; ++k)
    for (int j = 0; j < g->n[1]; ++j)
      for (int i = 0; i < g->n[0]; ++i) {
        size_t c = (size_t)i + (size_t)g->n[0] * ((size_t)j + (size_t)g->n[1] * k);
        rfl_vec3 p = centre_of(g, i, j, k);
        f->phi[c] = case_phi(lc, p);
        f->exclude[c] = (uint8_t)case_electrode(lc, p);
        if (case_rho(lc, p) <= 1.25)
          for (int a = 0; a < 3; ++a) {
            int idx = a == 0 ? i : a == 1 ? j : k;
            if (g->dx[a][idx] > f->h) f->h = g->dx[a][idx];
          }
        if (f->exclude[c]) {
          /* exact lesion volume inside this cell: whole if its corners are (the lesion is
             convex), else 24^3 midpoint samples */
          int corners = 0;
          for (int m = 0; m < 8; ++m)
            corners += case_rho(lc, rfl_vec3_make(g->xf[0][i + (m & 1)], g->xf[1][j + (m >> 1 & 1)],
                                                  g->xf[2][k + (m >> 2)])) <= 1.0;
          if (corners == 8) {
            f->excluded_lesion += g->dx[0][i] * g->dx[1][j] * g->dx[2][k];
            continue;
          }
          enum { NS = 24 };
          int inside = 0;
          for (int sk = 0; sk < NS; ++sk)
            for (int sj = 0; sj < NS; ++sj)
              for (int si = 0; si < NS; ++si) {
                rfl_vec3 s = rfl_vec3_make(g->xf[0][i] + (si + 0.5) / NS * g->dx[0][i],
                                           g->xf[1][j] + (sj + 0.5) / NS * g->dx[1][j],
                                           g->xf[2][k] + (sk + 0.5) / NS * g->dx[2][k]);
                inside += case_rho(lc, s) <= 1.0;
              }
          f->excluded_lesion += g->dx[0][i] * g->dx[1][j] * g->dx[2][k] * inside / (NS * NS * NS);
        }
      }
  f->in.grid = g;
  f->in.phi = f->phi;
  f->in.exclude = f->exclude;
  f->in.tip = lc->tip;
  f->in.direction = lc->dir;
  f->in.probes = NULL; /* lesion points are tissue cells' points (the reference below) */
  f->in.nprobes = 0;
}

/* The lesion's largest s over tissue: the shaft runs out through the proximal pole, so the
 * tissue lesion ends on the (voxelised) electrode's surface. Max of s over the exact lesion
 * inside each tissue cell near that pole, sampled on a 17^3 lattice including the cell's
 * faces, then on a 33^3 lattice over a quarter of the cell around the best sample (low by
 * about sqrt(3) h / 128 = 0.014 h); cells are visited by decreasing upper
 * bound of s (box extent, and the ellipsoid at the cell's smallest r) until none can win. */
typedef struct {
  double bound; /* upper bound of s over the lesion inside the cell, m */
  int i, j, k;
} smax_cell;

static int by_bound_descending(const void *x, const void *y) {
  double bx = ((const smax_cell *)x)->bound, by = ((const smax_cell *)y)->bound;
  return (bx < by) - (bx > by);
}

static double reference_smax(const lesion_case *lc, const lesion_field *f) {
  const rfl_grid *g = f->g;
  const rfl_vec3 d = unit(lc->dir);
  smax_cell *cells = malloc(g->ncells * sizeof *cells);
  assert_non_null(cells);
  size_t nc = 0;
  for (int k = 0; k < g->n[2]; ++k)
    for (int j = 0; j < g->n[1]; ++j)
      for (int i = 0; i < g->n[0]; ++i) {
        size_t c = (size_t)i + (size_t)g->n[0] * ((size_t)j + (size_t)g->n[1] * k);
        rfl_vec3 q = rfl_vec3_sub(centre_of(g, i, j, k), lc->tip);
        double s = rfl_vec3_dot(q, d), r = rfl_vec3_norm(rfl_vec3_sub(q, rfl_vec3_scale(d, s)));
        double hx = 0.5 * g->dx[0][i], hy = 0.5 * g->dx[1][j], hz = 0.5 * g->dx[2][k];
        double half_diag = sqrt(hx * hx + hy * hy + hz * hz);
        double rmin = r > half_diag ? r - half_diag : 0.0;
        if (f->exclude[c] || rmin >= lc->a) continue;
        double box = s + fabs(d.x) * hx + fabs(d.y) * hy + fabs(d.z) * hz;
        double ell = lc->s0 + lc->c * sqrt(1.0 - rmin * rmin / (lc->a * lc->a));
        cells[nc++] = (smax_cell){box < ell ? box : ell, i, j, k};
      }
  qsort(cells, nc, sizeof *cells, by_bound_descending);
  double smax = -INFINITY;
  for (size_t m = 0; m < nc && cells[m].bound > smax; ++m) {
    const int ijk[3] = {cells[m].i, cells[m].j, cells[m].k};
    double lo[3], width[3];
    for (int a = 0; a < 3; ++a) {
      lo[a] = g->xf[a][ijk[a]];
      width[a] = g->dx[a][ijk[a]];
    }
    for (int level = 0; level < 2; ++level) {
      enum { NS = 32 };
      const int ns = level == 0 ? NS / 2 : NS;
      double best = -INFINITY;
      rfl_vec3 at = rfl_vec3_make(0.0, 0.0, 0.0);
      for (int sk = 0; sk <= ns; ++sk)
        for (int sj = 0; sj <= ns; ++sj)
          for (int si = 0; si <= ns; ++si) {
            rfl_vec3 p = rfl_vec3_make(lo[0] + (double)si / ns * width[0],
                                       lo[1] + (double)sj / ns * width[1],
                                       lo[2] + (double)sk / ns * width[2]);
            double sp = rfl_vec3_dot(rfl_vec3_sub(p, lc->tip), d);
            if (sp > best && case_rho(lc, p) <= 1.0) {
              best = sp;
              at = p;
            }
          }
      if (best > smax) smax = best;
      if (!(best > -INFINITY)) break;
      /* second level: a box of a quarter of the cell around the best sample, in the cell */
      for (int a = 0; a < 3; ++a) {
        const double cell_lo = g->xf[a][ijk[a]], cell_hi = g->xf[a][ijk[a] + 1];
        double l = rfl_vec3_get(at, a) - width[a] / 8.0, u = rfl_vec3_get(at, a) + width[a] / 8.0;
        lo[a] = l < cell_lo ? cell_lo : l;
        width[a] = (u > cell_hi ? cell_hi : u) - lo[a];
      }
    }
  }
  free(cells);
  return smax;
}

static void field_drop(lesion_field *f) {
  free(f->phi);
  free(f->exclude);
}

/* ---- lesion metrics ----------------------------------------------------------------------- */

static const lesion_case metric_cases[] = {
    /* RF-like: tip at the distal end, lesion centred 5.9 mm up the active tip */
    {"z axis, quadratic", {0.13 * MM, -0.21 * MM, -5.53 * MM}, {0, 0, 1}, 4.62 * MM, 8.1 * MM,
     5.9 * MM, PROFILE_QUADRATIC, 0.635 * MM},
    {"z axis, ln Omega", {0.13 * MM, -0.21 * MM, -5.53 * MM}, {0, 0, 1}, 4.62 * MM, 8.1 * MM,
     5.9 * MM, PROFILE_LN_OMEGA, 0.635 * MM},
    {"tilted, quadratic", {-2.1 * MM, 3.4 * MM, -4.3 * MM}, {0.31, -0.52, 0.8}, 4.62 * MM,
     8.1 * MM, 5.9 * MM, PROFILE_QUADRATIC, 0.635 * MM},
    {"tilted, ln Omega", {-2.1 * MM, 3.4 * MM, -4.3 * MM}, {0.31, -0.52, 0.8}, 4.62 * MM,
     8.1 * MM, 5.9 * MM, PROFILE_LN_OMEGA, 0.635 * MM},
    {"tilted sphere, ln Omega", {0.7 * MM, -0.4 * MM, -2.2 * MM}, {-0.6, 0.2, 0.7}, 4.62 * MM,
     4.62 * MM, 3.1 * MM, PROFILE_LN_OMEGA, 0.635 * MM},
};
#define NMETRIC_CASES ((int)(sizeof metric_cases / sizeof metric_cases[0]))

static void check_metrics(int graded) {
  for (int m = 0; m < NMETRIC_CASES; ++m) {
    const lesion_case *lc = &metric_cases[m];
    rfl_grid *g = grid_cube(44, 11.0, graded);
    lesion_field f;
    field_fill(&f, lc, g);
    rfl_lesion_metrics out;
    assert_int_equal(rfl_lesion_measure(&f.in, &out), RFL_OK);
    assert_int_equal(out.found, 1);
    const double width = 2.0 * lc->a, distal = lc->c - lc->s0;
    const double length = reference_smax(lc, &f) + distal;
    const double volume = 4.0 / 3.0 * PI * lc->a * lc->a * lc->c - f.excluded_lesion;
    printf("  %-8s %-24s h = %.3f mm: width %+.4f h, length %+.4f h, distal %+.4f h, "
           "volume %+.4f %%\n", graded ? "graded" : "uniform", lc->name, f.h / MM,
           (out.width - width) / f.h, (out.length - length) / f.h, (out.distal - distal) / f.h,
           100.0 * (out.volume / volume - 1.0));
    assert_close(out.width, width, 0.1 * f.h);
    assert_close(out.length, length, 0.1 * f.h);
    assert_close(out.distal, distal, 0.1 * f.h);
    assert_rel_close(out.volume, volume, 0.01);
    field_drop(&f);
    grid_drop(g);
  }
}

static void metrics_on_uniform_grid(void **state) {
  (void)state;
  check_metrics(0);
}

static void metrics_on_graded_grid(void **state) {
  (void)state;
  check_metrics(1);
}

/* Without refinement the diagonal extreme of a lesion is sampled only on grid lines; a
 * coarse grid (h = a / 4) still gives the width of a tilted sphere within 0.1 h. */
static void coarse_tilted_sphere(void **state) {
  (void)state;
  const lesion_case lc = {"coarse sphere", {0.21 * MM, 0.33 * MM, -3.0 * MM}, {1, 1, 1},
                          4.0 * MM, 4.0 * MM, 3.3 * MM, PROFILE_LN_OMEGA, 0.0};
  rfl_grid *g = grid_cube(16, 8.0, 0);
  lesion_field f;
  field_fill(&f, &lc, g);
  rfl_lesion_metrics out;
  assert_int_equal(rfl_lesion_measure(&f.in, &out), RFL_OK);
  printf("  coarse sphere, h = %.2f mm: width %+.4f h, length %+.4f h, distal %+.4f h, "
         "volume %+.3f %%\n", f.h / MM, (out.width - 8.0 * MM) / f.h,
         (out.length - 8.0 * MM) / f.h, (out.distal - 0.7 * MM) / f.h,
         100.0 * (out.volume / (4.0 / 3.0 * PI * 64.0 * MM * MM * MM) - 1.0));
  assert_close(out.width, 8.0 * MM, 0.1 * f.h);
  assert_close(out.length, 8.0 * MM, 0.1 * f.h);
  assert_close(out.distal, 0.7 * MM, 0.1 * f.h);
  assert_rel_close(out.volume, 4.0 / 3.0 * PI * 64.0 * MM * MM * MM, 0.01);
  field_drop(&f);
  grid_drop(g);
}

/* ---- distance to a nerve ------------------------------------------------------------------ */

/* A nerve cylinder of radius 1.5 mm along x through (0, y, 0), longer than the domain. */
static rfl_shape nerve_along_x(double y) {
  rfl_shape s;
  memset(&s, 0, sizeof s);
  s.kind = RFL_SHAPE_CYLINDER;
  s.points[0] = rfl_vec3_make(-1.0, y, 0.0);
  s.points[1] = rfl_vec3_make(1.0, y, 0.0);
  s.npoints = 2;
  s.radius = 1.5 * MM;
  return s;
}

/* Sphere lesion R = 4.62 mm about the origin (the probe along z, tip 3.3 mm below). */
static const lesion_case sphere_case = {"sphere", {0.0, 0.0, -3.3 * MM}, {0, 0, 1}, 4.62 * MM,
                                        4.62 * MM, 3.3 * MM, PROFILE_LN_OMEGA, 0.635 * MM};

static void check_distances(int graded) {
  /* nerve axis y, expected signed distance: gap, overlap, axis swallowed */
  const double cases[][2] = {{7.5, 1.38}, {5.5, -0.62}, {3.0, -1.5}, {6.2, 0.08}};
  rfl_grid *g = grid_cube(50, 10.0, graded);
  lesion_field f;
  field_fill(&f, &sphere_case, g);
  for (int c = 0; c < 4; ++c) {
    rfl_shape nerve = nerve_along_x(cases[c][0] * MM);
    double d = 0.0;
    assert_int_equal(rfl_lesion_distance_to_shape(&f.in, &nerve, &d), RFL_OK);
    printf("  %-8s nerve at %.1f mm: distance %+.5f mm, expected %+.2f (off %+.4f h, "
           "h = %.3f mm)\n", graded ? "graded" : "uniform", cases[c][0], d / MM, cases[c][1],
           (d - cases[c][1] * MM) / f.h, f.h / MM);
    assert_close(d, cases[c][1] * MM, 0.1 * f.h);
  }
  field_drop(&f);
  grid_drop(g);
}

static void distance_to_nerve_uniform(void **state) {
  (void)state;
  check_distances(0);
}

static void distance_to_nerve_graded(void **state) {
  (void)state;
  check_distances(1);
}

/* A capsule nerve pointing away from the lesion along a direction u off the grid axes: its
 * hemispherical cap, centred D from the lesion's centre, is its part nearest the lesion.
 * The signed distance is max(D - R, 0) - r (the deepest lesion point inside the nerve lies
 * on its axis once the lesion reaches the cap's centre). */
static void check_capsule_distances(int graded) {
  const double D_mm[] = {7.1, 5.9, 5.5, 3.0};
  const double r = 1.2 * MM;
  const rfl_vec3 u = unit(rfl_vec3_make(0.8, 0.5, -0.33));
  rfl_grid *g = grid_cube(50, 10.0, graded);
  lesion_field f;
  field_fill(&f, &sphere_case, g);
  for (int c = 0; c < 4; ++c) {
    const double D = D_mm[c] * MM;
    rfl_shape nerve;
    memset(&nerve, 0, sizeof nerve);
    nerve.kind = RFL_SHAPE_CAPSULE;
    nerve.points[0] = rfl_vec3_scale(u, D);
    nerve.points[1] = rfl_vec3_scale(u, D + 8.0 * MM);
    nerve.npoints = 2;
    nerve.radius = r;
    const double expected = fmax(D - sphere_case.a, 0.0) - r;
    double d = 0.0;
    assert_int_equal(rfl_lesion_distance_to_shape(&f.in, &nerve, &d), RFL_OK);
    printf("  %-8s capsule cap at %.1f mm: distance %+.5f mm, expected %+.5f (off %+.4f h, "
           "h = %.3f mm)\n", graded ? "graded" : "uniform", D_mm[c], d / MM, expected / MM,
           (d - expected) / f.h, f.h / MM);
    assert_close(d, expected, 0.1 * f.h);
  }
  field_drop(&f);
  grid_drop(g);
}

static void distance_to_capsule_cap_uniform(void **state) {
  (void)state;
  check_capsule_distances(0);
}

static void distance_to_capsule_cap_graded(void **state) {
  (void)state;
  check_capsule_distances(1);
}

/* ---- structure statistics ------------------------------------------------------------------ */

/* A linear field's maximum over a tilted capsule lies on a cap: max over the ends of
 * g . P, plus R |g|. A Gaussian hot spot outside a nerve peaks at the nearest surface point. */
static void structure_max_of_known_fields(void **state) {
  (void)state;
  rfl_grid *g = grid_cube(40, 10.0, 1);
  double *field = malloc(g->ncells * sizeof *field);
  uint8_t *exclude = calloc(g->ncells, 1);
  assert_true(field && exclude);
  const rfl_vec3 grad = rfl_vec3_make(1.7e3, 2.3e3, -0.9e3); /* K/m */
  rfl_shape capsule;
  memset(&capsule, 0, sizeof capsule);
  capsule.kind = RFL_SHAPE_CAPSULE;
  capsule.points[0] = rfl_vec3_make(-4.1 * MM, -2.3 * MM, 1.9 * MM);
  capsule.points[1] = rfl_vec3_make(3.7 * MM, 2.9 * MM, -0.4 * MM);
  capsule.npoints = 2;
  capsule.radius = 1.5 * MM;
  for (int k = 0; k < g->n[2]; ++k)
    for (int j = 0; j < g->n[1]; ++j)
      for (int i = 0; i < g->n[0]; ++i) {
        size_t c = (size_t)i + (size_t)g->n[0] * ((size_t)j + (size_t)g->n[1] * k);
        rfl_vec3 p = centre_of(g, i, j, k);
        field[c] = 37.0 + rfl_vec3_dot(grad, p);
        exclude[c] = p.x < -7.0 * MM; /* excluded cells away from the structure */
      }
  double max = 0.0;
  assert_int_equal(rfl_lesion_structure_max(g, field, exclude, &capsule, &max), RFL_OK);
  double e0 = rfl_vec3_dot(grad, capsule.points[0]), e1 = rfl_vec3_dot(grad, capsule.points[1]);
  double expected = 37.0 + (e0 > e1 ? e0 : e1) + capsule.radius * rfl_vec3_norm(grad);
  printf("  linear field over a capsule: max %.8f C, expected %.8f (off %.2e C)\n", max,
         expected, max - expected);
  assert_close(max, expected, 1e-6);

  /* Gaussian hot spot at distance D = 3.1 mm from the axis of a nerve along x */
  const rfl_vec3 hot = rfl_vec3_make(0.37 * MM, 0.2 * MM, -0.15 * MM);
  const double sigma = 2.0 * MM, D = 3.1 * MM;
  rfl_shape nerve = nerve_along_x(hot.y + D);
  nerve.points[0].z = nerve.points[1].z = hot.z;
  for (int k = 0; k < g->n[2]; ++k)
    for (int j = 0; j < g->n[1]; ++j)
      for (int i = 0; i < g->n[0]; ++i) {
        size_t c = (size_t)i + (size_t)g->n[0] * ((size_t)j + (size_t)g->n[1] * k);
        rfl_vec3 q = rfl_vec3_sub(centre_of(g, i, j, k), hot);
        field[c] = 37.0 + 20.0 * exp(-rfl_vec3_dot(q, q) / (2.0 * sigma * sigma));
      }
  assert_int_equal(rfl_lesion_structure_max(g, field, NULL, &nerve, &max), RFL_OK);
  const double gap = D - nerve.radius;
  expected = 37.0 + 20.0 * exp(-gap * gap / (2.0 * sigma * sigma));
  printf("  Gaussian near a nerve: max %.6f C, expected %.6f (off %.2e C)\n", max, expected,
         max - expected);
  assert_close(max, expected, 0.01);
  free(field);
  free(exclude);
  grid_drop(g);
}

/* Area of the intersection of two discs with radii r1, r2 and centre distance D. */
static double lens_area(double r1, double r2, double D) {
  if (D >= r1 + r2) return 0.0;
  double rmin = r1 < r2 ? r1 : r2;
  if (D <= fabs(r1 - r2)) return PI * rmin * rmin;
  double a1 = acos((D * D + r1 * r1 - r2 * r2) / (2.0 * D * r1));
  double a2 = acos((D * D + r2 * r2 - r1 * r1) / (2.0 * D * r2));
  return r1 * r1 * a1 + r2 * r2 * a2 -
         0.5 * sqrt((-D + r1 + r2) * (D + r1 - r2) * (D - r1 + r2) * (D + r1 + r2));
}

typedef struct {
  double R, a, D; /* sphere radius, nerve radius, axis distance, m */
} lens_params;

static double lens_integrand(double x, void *params) {
  const lens_params *lp = params;
  double rho2 = lp->R * lp->R - x * x;
  return rho2 > 0.0 ? lens_area(sqrt(rho2), lp->a, lp->D) : 0.0;
}

/* Volume of sphere (R, at the origin) ∩ infinite cylinder (a, axis along x at distance D):
 * the integral over x of the area where the sphere's cross-section disc meets the nerve's,
 * by adaptive Gauss-Kronrod quadrature (QAGS) to 1e-12 relative. */
static double sphere_cylinder_volume(double R, double a, double D) {
  gsl_integration_workspace *ws = gsl_integration_workspace_alloc(200);
  assert_non_null(ws);
  lens_params lp = {R, a, D};
  gsl_function fn = {lens_integrand, &lp};
  double xm = sqrt(R * R - (D - a) * (D - a)), v = 0.0, err = 0.0;
  assert_int_equal(gsl_integration_qags(&fn, -xm, xm, 0.0, 1e-12, 200, ws, &v, &err), GSL_SUCCESS);
  gsl_integration_workspace_free(ws);
  return v;
}

static void structure_fraction_of_a_lens(void **state) {
  (void)state;
  for (int graded = 0; graded <= 1; ++graded) {
    rfl_grid *g = grid_cube(50, 10.0, graded);
    lesion_field f;
    field_fill(&f, &sphere_case, g);
    const double depths[] = {5.5, 4.9};
    for (int c = 0; c < 2; ++c) {
      rfl_shape nerve = nerve_along_x(depths[c] * MM);
      double fraction = 0.0;
      assert_int_equal(rfl_lesion_structure_fraction(&f.in, &nerve, &fraction), RFL_OK);
      const double L = g->xf[0][g->n[0]] - g->xf[0][0];
      const double lens = sphere_cylinder_volume(sphere_case.a, nerve.radius, depths[c] * MM);
      const double expected = lens / (PI * nerve.radius * nerve.radius * L);
      printf("  %-8s nerve at %.1f mm: fraction %.5f %%, expected %.5f %% (off %+.2f %% of "
             "it)\n", graded ? "graded" : "uniform", depths[c], 100.0 * fraction,
             100.0 * expected, 100.0 * (fraction / expected - 1.0));
      assert_rel_close(fraction, expected, 0.01);
    }
    field_drop(&f);
    grid_drop(g);
  }
}

/* ---- structures between cell centres ------------------------------------------------------ */

/* A uniform grid of 1 mm cells over [0, 20]^3 mm (centres at 0.5, 1.5, ...). */
static rfl_grid *grid_unit_cells(void) {
  axis_spec s[3];
  for (int a = 0; a < 3; ++a) s[a] = (axis_spec){20, 0.0, 20.0 * MM, 0.5, 0.0};
  return grid_make(s);
}

/* A capsule of radius r along z through (10, 10) mm, z from 5 to 15 mm: its axis runs along
 * cell corners, so no cell centre lies inside it and no segment between neighbouring
 * centres crosses its surface. */
static rfl_shape thin_capsule(double r) {
  rfl_shape s;
  memset(&s, 0, sizeof s);
  s.kind = RFL_SHAPE_CAPSULE;
  s.points[0] = rfl_vec3_make(10.0 * MM, 10.0 * MM, 5.0 * MM);
  s.points[1] = rfl_vec3_make(10.0 * MM, 10.0 * MM, 15.0 * MM);
  s.npoints = 2;
  s.radius = r;
  return s;
}

/* T = 40 + G (x - 10 mm) - Q (z - z0)^2 (reproduced exactly by the interpolant) peaks over
 * the capsule at x = 10 mm + r, z = z0: 40 + G r. The lesion x <= xl: whole for xl beyond
 * the capsule, a cut through its axis otherwise. */
static void structure_between_cell_centres(void **state) {
  (void)state;
  rfl_grid *g = grid_unit_cells();
  double *field = malloc(g->ncells * sizeof *field), *phi = malloc(g->ncells * sizeof *phi);
  assert_true(field && phi);
  const double G = 2.0e3, Q = 5.0e5, z0 = 9.3 * MM; /* K/m, K/m^2, m */
  const double radii[] = {0.3 * MM, 0.02 * MM};
  for (int c = 0; c < 2; ++c) {
    const rfl_shape nerve = thin_capsule(radii[c]);
    for (int k = 0; k < g->n[2]; ++k)
      for (int j = 0; j < g->n[1]; ++j)
        for (int i = 0; i < g->n[0]; ++i) {
          size_t m = (size_t)i + (size_t)g->n[0] * ((size_t)j + (size_t)g->n[1] * k);
          rfl_vec3 p = centre_of(g, i, j, k);
          assert_true(rfl_shape_distance(&nerve, p) > 0.0);
          field[m] = 40.0 + G * (p.x - 10.0 * MM) - Q * (p.z - z0) * (p.z - z0);
        }
    double max = 0.0;
    assert_int_equal(rfl_lesion_structure_max(g, field, NULL, &nerve, &max), RFL_OK);
    const double expected = 40.0 + G * nerve.radius;
    printf("  capsule r = %.2f mm between centres: max %.8f C, expected %.8f (off %.2e C)\n",
           nerve.radius / MM, max, expected, max - expected);
    assert_close(max, expected, 1e-4);

    rfl_lesion_input in = {g, phi, NULL, rfl_vec3_make(10.0 * MM, 10.0 * MM, 0.0),
                           rfl_vec3_make(0.0, 0.0, 1.0), NULL, 0};
    const double xl_mm[] = {10.5, 10.0};
    for (int l = 0; l < 2; ++l) {
      for (int k = 0; k < g->n[2]; ++k)
        for (int j = 0; j < g->n[1]; ++j)
          for (int i = 0; i < g->n[0]; ++i) {
            size_t m = (size_t)i + (size_t)g->n[0] * ((size_t)j + (size_t)g->n[1] * k);
            phi[m] = (xl_mm[l] * MM - g->xc[0][i]) / MM;
          }
      double fraction = -1.0, d = 0.0;
      int covered = -1;
      assert_int_equal(rfl_lesion_structure_fraction(&in, &nerve, &fraction), RFL_OK);
      assert_int_equal(rfl_lesion_structure_covered(&in, &nerve, &covered), RFL_OK);
      assert_int_equal(rfl_lesion_distance_to_shape(&in, &nerve, &d), RFL_OK);
      printf("    lesion x <= %.1f mm: fraction %.4f, covered %d, distance %+.4f mm\n", xl_mm[l],
             fraction, covered, d / MM);
      /* whole: every part of it; through the axis: half of it, its axis the deepest point */
      assert_close(fraction, l == 0 ? 1.0 : 0.5, l == 0 ? 0.0 : 0.1);
      assert_int_equal(covered, l == 0);
      assert_close(d, -nerve.radius, 0.1 * MM);
    }
  }
  free(field);
  free(phi);
  grid_drop(g);
}

/* ---- figures along a course ------------------------------------------------------------------ */

/* Fields the interpolant reproduces exactly, along an L-shaped nerve of radius 1 mm: 8 mm
 * along +x from (2, 10, 10) mm, then 8 mm along +y. */
static void course_profile_of_known_fields(void **state) {
  (void)state;
  rfl_grid *g = grid_unit_cells();
  double *field = malloc(g->ncells * sizeof *field);
  assert_non_null(field);
  rfl_shape nerve;
  memset(&nerve, 0, sizeof nerve);
  nerve.kind = RFL_SHAPE_CAPSULE;
  nerve.points[0] = rfl_vec3_make(2.0 * MM, 10.0 * MM, 10.0 * MM);
  nerve.points[1] = rfl_vec3_make(10.0 * MM, 10.0 * MM, 10.0 * MM);
  nerve.points[2] = rfl_vec3_make(10.0 * MM, 18.0 * MM, 10.0 * MM);
  nerve.npoints = 3;
  nerve.radius = 1.0 * MM;
  enum { SLAB, SIDE, BUMP };
  for (int which = SLAB; which <= BUMP; ++which) {
    for (int k = 0; k < g->n[2]; ++k)
      for (int j = 0; j < g->n[1]; ++j)
        for (int i = 0; i < g->n[0]; ++i) {
          rfl_vec3 p = centre_of(g, i, j, k);
          size_t m = (size_t)i + (size_t)g->n[0] * ((size_t)j + (size_t)g->n[1] * k);
          field[m] = which == SLAB ? (6.0 * MM - p.x) / MM
                     : which == SIDE ? (p.y - 9.5 * MM) / MM
                                     : -(p.x - 5.1 * MM) * (p.x - 5.1 * MM) / (MM * MM);
        }
    rfl_course_profile pr;
    assert_int_equal(rfl_lesion_course_profile(g, field, NULL, &nerve, 0.0, &pr), RFL_OK);
    printf("  course profile %d: any %.6f mm, all %.6f mm, max %.6f at %.6f mm\n", which, pr.any_length / MM,
           pr.all_length / MM, pr.max, pr.max_at / MM);
    if (which == SLAB) { /* x <= 6 mm: the first 4 mm, whole cross-sections */
      assert_close(pr.any_length, 4.0 * MM, 1e-9 * MM);
      assert_close(pr.all_length, 4.0 * MM, 1e-9 * MM);
      assert_close(pr.max_at, 0.0, 0.0);
    } else if (which == SIDE) { /* y >= 9.5 mm: part of every cross-section of the first arm,
                                   the whole of every one of the second */
      assert_close(pr.any_length, 16.0 * MM, 1e-9 * MM);
      assert_close(pr.all_length, 8.0 * MM, 1e-9 * MM);
      assert_close(pr.max, 8.5, 1e-9);
      assert_close(pr.max_at, 16.0 * MM, 1e-12);
    } else { /* largest at x = 5.1 mm, between stations: found by the parabola */
      assert_close(pr.max, -0.01, 1e-9); /* the best station's, at x = 5 mm */
      assert_close(pr.max_at, 3.1 * MM, 1e-9 * MM);
      assert_close(pr.any_length, 0.0, 1e-6 * MM);
    }
  }
  /* a sphere has no course */
  rfl_shape ball;
  memset(&ball, 0, sizeof ball);
  ball.kind = RFL_SHAPE_SPHERE;
  ball.centre = rfl_vec3_make(10.0 * MM, 10.0 * MM, 10.0 * MM);
  ball.radius = 1.0 * MM;
  rfl_course_profile pr;
  assert_int_equal(rfl_lesion_course_profile(g, field, NULL, &ball, 0.0, &pr), RFL_EINPUT);
  assert_string_equal(rfl_error_message(), "rfl_lesion_course_profile: the structure has no course (not a tube)");
  free(field);
  grid_drop(g);
}

/* ---- safety flags ------------------------------------------------------------------------------ */

/* Structures around the sphere lesion (R = 4.62 mm), their figures measured by this module
 * and the flags set from them: a protected nerve with a gap below its margin, one clear of
 * it, one the lesion reaches into and one that passed its threshold; a target the lesion
 * only grazes (it reaches 0.62 mm into it, not through it) and targets it cuts through. */
static void flags_from_known_lesion(void **state) {
  (void)state;
  rfl_grid *g = grid_cube(50, 10.0, 0);
  lesion_field f;
  field_fill(&f, &sphere_case, g);
  static rfl_case kase;
  memset(&kase, 0, sizeof kase);
  const struct {
    const char *name;
    rfl_structure_role role;
    double y_mm, margin_mm, crossed_s;
  } spec[] = {{"near", RFL_ROLE_PROTECTED, 7.5, 2.0, NAN},  {"clear", RFL_ROLE_PROTECTED, 8.5, 2.0, NAN},
              {"inside", RFL_ROLE_PROTECTED, 5.5, 1.0, NAN}, {"hot", RFL_ROLE_PROTECTED, 9.0, 1.0, 42.5},
              {"grazed", RFL_ROLE_TARGET, 5.5, 0.0, NAN},    {"through", RFL_ROLE_TARGET, 2.5, 0.0, NAN},
              {"ball", RFL_ROLE_TARGET, -2.0, 0.0, NAN}};
  const int n = (int)(sizeof spec / sizeof spec[0]);
  rfl_summary sum;
  memset(&sum, 0, sizeof sum);
  sum.kase = &kase;
  sum.nstructures = n;
  for (int k = 0; k < n; ++k) {
    rfl_structure *st = &kase.structures[k];
    snprintf(st->name, sizeof st->name, "%s", spec[k].name);
    st->role = spec[k].role;
    st->margin = spec[k].margin_mm * MM;
    st->threshold_C = 45.0;
    if (k + 1 < n) {
      st->shape = nerve_along_x(spec[k].y_mm * MM);
      st->shape.kind = RFL_SHAPE_CAPSULE;
    } else { /* a ball of radius 1 mm well inside the lesion, clear of the electrode */
      st->shape.kind = RFL_SHAPE_SPHERE;
      st->shape.centre = rfl_vec3_make(1.5 * MM, spec[k].y_mm * MM, 0.5 * MM);
      st->shape.radius = 1.0 * MM;
    }
    rfl_structure_report *r = &sum.structures[k];
    r->structure = st;
    r->threshold_crossed_s = spec[k].crossed_s;
    assert_int_equal(rfl_lesion_distance_to_shape(&f.in, &st->shape, &r->margin), RFL_OK);
    assert_int_equal(rfl_lesion_structure_covered(&f.in, &st->shape, &r->covered), RFL_OK);
    printf("  %-8s margin %+.3f mm, covered %d\n", st->name, r->margin / MM, r->covered);
  }
  kase.nstructures = n;
  kase.generator.duration_s = 60.0;
  sum.structures[3].peak_C = 46.7; /* "hot": its peak came after RF stopped */
  sum.structures[3].peak_time_s = 67.6;
  rfl_summary_set_flags(&sum);
  /* safety flags (exit code 1), each in words; the grazed target is a finding, not a flag */
  const char *expected[] = {"protected_within_margin:near", "protected_overlap:inside",
                            "protected_over_threshold:hot"};
  const int nexp = (int)(sizeof expected / sizeof expected[0]);
  for (int i = 0; i < sum.nflags; ++i) printf("    flag %s: %s\n", sum.flags[i], sum.flag_text[i]);
  assert_int_equal(sum.nflags, nexp);
  for (int i = 0; i < nexp; ++i) assert_string_equal(sum.flags[i], expected[i]);
  char words[RFL_FLAG_TEXT_MAX];
  snprintf(words, sizeof words, "near is %.2f mm from the lesion (Omega >= 1), inside its required margin of 2 mm",
           sum.structures[0].margin / MM);
  assert_string_equal(sum.flag_text[0], words);
  snprintf(words, sizeof words, "the lesion (Omega >= 1) reaches %.2f mm into inside", -sum.structures[2].margin / MM);
  assert_string_equal(sum.flag_text[1], words);
  assert_string_equal(sum.flag_text[2],
                      "hot reached 46.7 C (limit 45 C) at 67.6 s, 7.6 s after RF stopped (first over the limit at 42.5 s)");
  assert_int_equal(sum.flag_structure[2], 3);
  assert_int_equal(sum.nfindings, 1);
  assert_string_equal(sum.findings[0], "target_not_covered:grazed");
  assert_int_equal(sum.finding_structure[0], 4);
  snprintf(words, sizeof words,
           "the lesion (Omega >= 1) does not cut through the whole thickness of grazed (it reaches %.2f mm into it)",
           -sum.structures[4].margin / MM);
  assert_string_equal(sum.finding_text[0], words);
  assert_true(sum.structures[0].flag_within_margin && !sum.structures[0].flag_overlap);
  assert_true(sum.structures[4].margin < 0.0 && sum.structures[4].flag_not_covered);
  assert_true(sum.structures[5].covered && !sum.structures[5].flag_not_covered);
  assert_true(sum.structures[6].covered);
  /* flags are rebuilt, not appended: the same figures give the same list */
  rfl_summary_set_flags(&sum);
  assert_int_equal(sum.nflags, nexp);
  assert_int_equal(sum.nfindings, 1);
  field_drop(&f);
  grid_drop(g);
}

/* ---- determinism, empty lesions, bad input --------------------------------------------------- */

static void same_numbers_for_any_thread_count(void **state) {
  (void)state;
  rfl_grid *g = grid_cube(44, 11.0, 1);
  lesion_field f;
  field_fill(&f, &metric_cases[3], g);
  rfl_shape nerve = nerve_along_x(5.5 * MM);
  rfl_lesion_metrics m[2];
  double d[2], fr[2];
  for (int t = 0; t < 2; ++t) {
#ifdef _OPENMP
    omp_set_num_threads(t == 0 ? 1 : 3);
#endif
    assert_int_equal(rfl_lesion_measure(&f.in, &m[t]), RFL_OK);
    assert_int_equal(rfl_lesion_distance_to_shape(&f.in, &nerve, &d[t]), RFL_OK);
    assert_int_equal(rfl_lesion_structure_fraction(&f.in, &nerve, &fr[t]), RFL_OK);
  }
#ifdef _OPENMP
  omp_set_num_threads(2);
#endif
  assert_close(m[1].width, m[0].width, 0.0);
  assert_close(m[1].length, m[0].length, 0.0);
  assert_close(m[1].distal, m[0].distal, 0.0);
  assert_close(m[1].volume, m[0].volume, 0.0);
  assert_close(d[1], d[0], 0.0);
  assert_close(fr[1], fr[0], 0.0);
  field_drop(&f);
  grid_drop(g);
}

static void no_lesion_is_reported_as_such(void **state) {
  (void)state;
  rfl_grid *g = grid_cube(12, 5.0, 0);
  lesion_field f;
  field_fill(&f, &sphere_case, g);
  for (size_t c = 0; c < g->ncells; ++c) f.phi[c] = -2.385;
  rfl_lesion_metrics out;
  assert_int_equal(rfl_lesion_measure(&f.in, &out), RFL_OK);
  assert_int_equal(out.found, 0);
  assert_close(out.volume, 0.0, 0.0);
  rfl_shape nerve = nerve_along_x(2.0 * MM);
  double d = 0.0, fraction = 1.0;
  assert_int_equal(rfl_lesion_distance_to_shape(&f.in, &nerve, &d), RFL_OK);
  assert_true(isinf(d) && d > 0.0);
  assert_int_equal(rfl_lesion_structure_fraction(&f.in, &nerve, &fraction), RFL_OK);
  assert_close(fraction, 0.0, 0.0);
  field_drop(&f);
  grid_drop(g);
}

static void bad_input_is_named(void **state) {
  (void)state;
  rfl_grid *g = grid_cube(12, 5.0, 0);
  lesion_field f;
  field_fill(&f, &sphere_case, g);
  rfl_lesion_metrics out;
  size_t bad = 3 + 12 * (5 + 14 * 7);
  f.exclude[bad] = 0;
  f.phi[bad] = NAN;
  assert_int_equal(rfl_lesion_measure(&f.in, &out), RFL_EINPUT);
  assert_string_equal(rfl_error_message(),
                      "lesion: phi must be finite in tissue, found nan in cell (3, 5, 7)");
  f.phi[bad] = 0.5;
  f.in.direction = rfl_vec3_make(0.0, 0.0, 0.0);
  assert_int_equal(rfl_lesion_measure(&f.in, &out), RFL_EINPUT);
  assert_string_equal(rfl_error_message(), "rfl_lesion_measure: probe direction must be a "
                                           "non-zero vector, found (0, 0, 0)");
  f.in.direction = rfl_vec3_make(0.0, 0.0, 1.0);
  f.in.phi = NULL;
  assert_int_equal(rfl_lesion_measure(&f.in, &out), RFL_EINPUT);
  assert_string_equal(rfl_error_message(), "rfl_lesion_measure: no level function phi given");
  f.in.phi = f.phi;
  rfl_shape far_away = nerve_along_x(0.5);
  double max = 0.0, fraction = 0.0;
  assert_int_equal(rfl_lesion_structure_max(g, f.phi, NULL, &far_away, &max), RFL_EINPUT);
  assert_string_equal(rfl_error_message(),
                      "rfl_lesion_structure_max: no point of the structure lies in tissue "
                      "inside the grid");
  assert_int_equal(rfl_lesion_structure_fraction(&f.in, &far_away, &fraction), RFL_EINPUT);
  assert_string_equal(rfl_error_message(),
                      "rfl_lesion_structure_fraction: the structure holds no tissue of the grid");
  field_drop(&f);
  grid_drop(g);
}

int main(void) {
  gsl_set_error_handler_off();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(metrics_on_uniform_grid),
      cmocka_unit_test(course_profile_of_known_fields),
      cmocka_unit_test(metrics_on_graded_grid),
      cmocka_unit_test(coarse_tilted_sphere),
      cmocka_unit_test(distance_to_nerve_uniform),
      cmocka_unit_test(distance_to_nerve_graded),
      cmocka_unit_test(distance_to_capsule_cap_uniform),
      cmocka_unit_test(distance_to_capsule_cap_graded),
      cmocka_unit_test(structure_max_of_known_fields),
      cmocka_unit_test(structure_fraction_of_a_lens),
      cmocka_unit_test(structure_between_cell_centres),
      cmocka_unit_test(flags_from_known_lesion),
      cmocka_unit_test(same_numbers_for_any_thread_count),
      cmocka_unit_test(no_lesion_is_reported_as_such),
      cmocka_unit_test(bad_input_is_named),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
