// SPDX-License-Identifier: BSD-3-Clause
/* Voxelised geometry.
 *
 * Verification: the voxelised volume (cells whose centre is inside, times their volumes)
 * of a sphere, a tilted cylinder, a bent capsule and a tilted probe's active tip converges
 * to the exact volume as h halves (h = R/4 .. R/32) with an observed order >= 1.5, fitted
 * by least squares to the mean absolute error over randomly offset placements (GSL
 * mt19937, fixed seed), on uniform and on graded grids (growth - 1 halved with h so that
 * the graded cells halve too). Unit: cut fractions locate a sphere's surface along the
 * axes, the override order, the RC-1 electrode report, thread invariance and the errors. */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>

#include "geometry.h"
#include "parallel.h"
#include "probe.h"
#include "shares.h"
#include "test_support.h"

#define PI 3.14159265358979323846
#define MM 1e-3

enum { MUSCLE = 0, BONE = 1, STEEL = 2, NERVE = 3 };

static rfl_case *case_new(void) {
  rfl_case *c = calloc(1, sizeof *c);
  assert_non_null(c);
  const char *names[] = {"muscle", "bone", "steel", "nerve"};
  for (int m = 0; m < 4; ++m) strcpy(c->materials[m].name, names[m]);
  c->materials[STEEL].kind = RFL_MATERIAL_METAL;
  c->nmaterials = 4;
  c->background_material = MUSCLE;
  for (int l = 0; l < 256; ++l) c->grid.voxel_material[l] = -1;
  return c;
}

static rfl_probe probe_make(rfl_vec3 tip, rfl_vec3 dir, double L) {
  rfl_probe p;
  memset(&p, 0, sizeof p);
  strcpy(p.name, "probe");
  p.radius = 0.635 * MM;
  p.gauge = 18;
  p.tip_length = L;
  p.tip_shape = RFL_TIP_ROUND;
  p.tip = tip;
  p.direction = rfl_vec3_scale(dir, 1.0 / rfl_vec3_norm(dir));
  p.material = STEEL;
  return p;
}

/* ---- convergence of voxelised volumes --------------------------------------------- */

typedef enum { BODY_SPHERE, BODY_CYLINDER, BODY_CAPSULE, BODY_PROBE } body_kind;

typedef struct {
  const char *name;
  body_kind kind;
  double R; /* characteristic radius: h = R / 4, R / 8, ... */
} body;

/* Puts the body, shifted by `offset`, into case c; returns its exact volume and sets the
 * bounding box. */
static double place_body(rfl_case *c, const body *b, rfl_vec3 offset, rfl_vec3 *lo, rfl_vec3 *hi) {
  c->nstructures = 0;
  c->nprobes = 0;
  rfl_shape *s = &c->structures[0].shape;
  memset(s, 0, sizeof *s);
  /* irrational directions: a flat face whose normal is a lattice direction would meet
   * whole planes of cell centres at once and converge at first order only */
  rfl_vec3 u = rfl_vec3_make(1.0, sqrt(2.0), PI);
  u = rfl_vec3_scale(u, 1.0 / rfl_vec3_norm(u));
  switch (b->kind) {
    case BODY_SPHERE:
      s->kind = RFL_SHAPE_SPHERE;
      s->centre = offset;
      s->radius = b->R;
      break;
    case BODY_CYLINDER:
      s->kind = RFL_SHAPE_CYLINDER;
      s->radius = b->R;
      s->npoints = 2;
      s->points[0] = rfl_vec3_sub(offset, rfl_vec3_scale(u, 1.55 * b->R));
      s->points[1] = rfl_vec3_add(offset, rfl_vec3_scale(u, 1.55 * b->R));
      break;
    case BODY_CAPSULE:
      s->kind = RFL_SHAPE_CAPSULE;
      s->radius = b->R;
      s->npoints = 3;
      /* two segments of about 2.6 R and 2.5 R meeting at 59 degrees */
      s->points[0] = rfl_vec3_add(offset, rfl_vec3_scale(rfl_vec3_make(-2.1, -0.4 * sqrt(2.0),
                                                                       0.3 * sqrt(3.0)), b->R));
      s->points[1] = rfl_vec3_add(offset, rfl_vec3_scale(rfl_vec3_make(0.2 * sqrt(2.0),
                                                                       0.1 * sqrt(5.0),
                                                                       -0.2 * PI / 3.0), b->R));
      s->points[2] = rfl_vec3_add(offset, rfl_vec3_scale(rfl_vec3_make(1.1 * sqrt(1.5), 2.3,
                                                                       0.3 * sqrt(7.0)), b->R));
      break;
    case BODY_PROBE: {
      rfl_vec3 dir = rfl_vec3_make(sqrt(0.1), -sqrt(0.05), 1.0);
      dir = rfl_vec3_scale(dir, 1.0 / rfl_vec3_norm(dir));
      double L = 4.0 * b->R;
      c->probes[0] = probe_make(rfl_vec3_sub(offset, rfl_vec3_scale(dir, 0.5 * L)), dir, L);
      c->probes[0].shaft_length = 1.0 * b->R;
      c->nprobes = 1;
      rfl_shape active = {.kind = RFL_SHAPE_CYLINDER, .radius = b->R, .npoints = 2};
      active.points[0] = c->probes[0].tip;
      active.points[1] = rfl_vec3_add(c->probes[0].tip, rfl_vec3_scale(dir, L));
      rfl_shape_bounds(&active, lo, hi);
      return rfl_probe_active_volume(&c->probes[0]);
    }
  }
  c->structures[0].material = BONE;
  strcpy(c->structures[0].name, b->name);
  c->nstructures = 1;
  rfl_shape_bounds(s, lo, hi);
  return rfl_shape_volume(s);
}

static int body_contains(const body *b, rfl_label l) {
  return b->kind == BODY_PROBE ? l.part == RFL_PART_ACTIVE : l.material == BONE;
}

/* Voxelised volume: the cells (inside the bounding box [lo, hi]) whose centre the
 * classifier puts inside the body, times their volumes. */
static double body_volume_on_grid(const rfl_case *c, const body *b, const rfl_grid *g,
                                  rfl_vec3 lo, rfl_vec3 hi) {
  int first[3], last[3];
  for (int a = 0; a < 3; ++a) {
    first[a] = rfl_grid_locate(g, a, rfl_vec3_get(lo, a));
    last[a] = rfl_grid_locate(g, a, rfl_vec3_get(hi, a));
  }
  double v = 0.0;
  for (int k = first[2]; k <= last[2]; ++k)
    for (int j = first[1]; j <= last[1]; ++j)
      for (int i = first[0]; i <= last[0]; ++i) {
        rfl_vec3 x = rfl_vec3_make(g->xc[0][i], g->xc[1][j], g->xc[2][k]);
        if (body_contains(b, rfl_geometry_classify(c, NULL, x))) v += rfl_grid_volume(g, i, j, k);
      }
  return v;
}

/* The same volume from rfl_geometry_create's labels (all cells). */
static double body_volume_from_geometry(const rfl_case *c, const body *b, const rfl_grid *g) {
  rfl_geometry *geo = NULL;
  if (rfl_geometry_create(c, g, &geo) != RFL_OK) fail_msg("%s: %s", b->name, rfl_error_message());
  double v = 0.0;
  for (int k = 0; k < g->n[2]; ++k)
    for (int j = 0; j < g->n[1]; ++j)
      for (int i = 0; i < g->n[0]; ++i)
        if (body_contains(b, geo->label[rfl_grid_index(g, i, j, k)]))
          v += rfl_grid_volume(g, i, j, k);
  rfl_geometry_free(geo);
  return v;
}

#define LEVELS 4
#define PLACEMENTS 12
#define PIPELINE_LEVELS 3 /* levels at which rfl_geometry_create is compared too */
#define SEED 20261128

/* Least-squares slope of log2(err) against log2(1/h) over the levels. */
static double fitted_order(const double err[LEVELS]) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (int l = 0; l < LEVELS; ++l) {
    double x = l, y = -log2(err[l]);
    sx += x, sy += y, sxx += x * x, sxy += x * y;
  }
  return (LEVELS * sxy - sx * sy) / (LEVELS * sxx - sx * sx);
}

static void convergence_study(int graded) {
  const body bodies[] = {
      {"sphere", BODY_SPHERE, 1.37 * MM},
      {"tilted cylinder", BODY_CYLINDER, 0.93 * MM},
      {"bent capsule", BODY_CAPSULE, 0.71 * MM},
      {"probe active tip", BODY_PROBE, 0.635 * MM},
  };
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  assert_non_null(rng);
  gsl_rng_set(rng, SEED);
  rfl_case *c = case_new();
  for (size_t b = 0; b < sizeof bodies / sizeof bodies[0]; ++b) {
    double err[LEVELS] = {0};
    double h0 = bodies[b].R / 4.0;
    for (int p = 0; p < PLACEMENTS; ++p) {
      rfl_vec3 offset = rfl_vec3_make(h0 * gsl_rng_uniform(rng), h0 * gsl_rng_uniform(rng),
                                      h0 * gsl_rng_uniform(rng));
      /* the fine box ends at a random point inside the body (graded runs) */
      rfl_vec3 fine_cut = rfl_vec3_make(bodies[b].R * (gsl_rng_uniform(rng) - 0.5),
                                        bodies[b].R * (gsl_rng_uniform(rng) - 0.5),
                                        bodies[b].R * (gsl_rng_uniform(rng) - 0.5));
      for (int l = 0; l < LEVELS; ++l) {
        double h = h0 / (1 << l);
        rfl_vec3 lo, hi;
        double exact = place_body(c, &bodies[b], offset, &lo, &hi);
        rfl_grid *g = NULL;
        if (!graded) {
          /* a box of whole coarse cells around the body (fixed across levels) */
          int n[3];
          double l0[3], l1[3];
          for (int a = 0; a < 3; ++a) {
            l0[a] = h0 * (floor(rfl_vec3_get(lo, a) / h0) - 2);
            l1[a] = h0 * (ceil(rfl_vec3_get(hi, a) / h0) + 2);
            n[a] = (int)lround((l1[a] - l0[a]) / h0) << l;
          }
          assert_int_equal(rfl_grid_create_uniform(n, rfl_vec3_make(l0[0], l0[1], l0[2]),
                                                   rfl_vec3_make(l1[0], l1[1], l1[2]), &g),
                           RFL_OK);
        } else {
          rfl_grid_spec s;
          memset(&s, 0, sizeof s);
          double margin = 3.0 * bodies[b].R;
          s.domain_min = rfl_vec3_sub(lo, rfl_vec3_make(margin, margin, margin));
          s.domain_max = rfl_vec3_add(hi, rfl_vec3_make(margin, margin, margin));
          s.fine_min = rfl_vec3_sub(lo, rfl_vec3_make(h0, h0, h0));
          s.fine_max = rfl_vec3_add(offset, fine_cut);
          if (bodies[b].kind == BODY_PROBE) { /* keep the tip itself in the fine box */
            rfl_vec3 t = rfl_vec3_add(c->probes[0].tip, rfl_vec3_make(h0, h0, h0));
            s.fine_max = rfl_vec3_make(fmax(s.fine_max.x, t.x), fmax(s.fine_max.y, t.y),
                                       fmax(s.fine_max.z, t.z));
          }
          s.spacing = h;
          s.growth = 1.0 + 0.3 / (1 << l);
          if (rfl_grid_create(&s, &g) != RFL_OK) fail_msg("%s", rfl_error_message());
        }
        double v = body_volume_on_grid(c, &bodies[b], g, lo, hi);
        if (p == 0 && l < PIPELINE_LEVELS)
          assert_close(body_volume_from_geometry(c, &bodies[b], g), v, 1e-12 * v);
        err[l] += fabs(v - exact) / exact / PLACEMENTS;
        rfl_grid_free(g);
      }
    }
    double order = fitted_order(err);
    char line[160];
    int len = snprintf(line, sizeof line, "%-8s %-17s mean rel. volume error, h = R/4 ..:",
                       graded ? "graded" : "uniform", bodies[b].name);
    for (int l = 0; l < LEVELS; ++l)
      len += snprintf(line + len, sizeof line - (size_t)len, " %.2e", err[l]);
    print_message("%s, order %.2f\n", line, order);
    if (!(order >= 1.5))
      fail_msg("%s (%s grid): observed order %.3f < 1.5", bodies[b].name,
               graded ? "graded" : "uniform", order);
    assert_true(err[LEVELS - 1] < 3e-3);
  }
  free(c);
  gsl_rng_free(rng);
}

static void volume_converges_on_uniform_grids(void **state) {
  (void)state;
  convergence_study(0);
}

static void volume_converges_on_graded_grids(void **state) {
  (void)state;
  convergence_study(1);
}

/* ---- cut fractions ------------------------------------------------------------------ */

static void cuts_locate_a_sphere_surface(void **state) {
  (void)state;
  rfl_case *c = case_new();
  rfl_shape *s = &c->structures[0].shape;
  s->kind = RFL_SHAPE_SPHERE;
  s->centre = rfl_vec3_make(0.1234 * MM, -0.0567 * MM, 0.0891 * MM);
  s->radius = 1.37 * MM;
  c->structures[0].material = BONE;
  c->nstructures = 1;
  const double h = 1.37 * MM / 8;
  int n[3] = {24, 24, 24};
  rfl_grid *g = NULL;
  assert_int_equal(rfl_grid_create_uniform(n, rfl_vec3_make(-12 * h, -12 * h, -12 * h),
                                           rfl_vec3_make(12 * h, 12 * h, 12 * h), &g),
                   RFL_OK);
  rfl_geometry *geo = NULL;
  assert_int_equal(rfl_geometry_create(c, g, &geo), RFL_OK);
  int ncut = 0;
  double worst = 0.0;
  for (int k = 0; k < n[2]; ++k)
    for (int j = 0; j < n[1]; ++j)
      for (int i = 0; i < n[0]; ++i) {
        size_t idx = rfl_grid_index(g, i, j, k);
        const int ijk[3] = {i, j, k};
        rfl_vec3 a = rfl_vec3_make(g->xc[0][i], g->xc[1][j], g->xc[2][k]);
        for (int ax = 0; ax < 3; ++ax) {
          if (ijk[ax] + 1 >= n[ax]) continue;
          size_t nb = idx + (ax == 0 ? 1 : ax == 1 ? (size_t)n[0] : (size_t)n[0] * n[1]);
          int in_a = geo->label[idx].material == BONE, in_b = geo->label[nb].material == BONE;
          if (in_a == in_b) {
            assert_true(geo->cut[ax][idx] == 0.5f);
            continue;
          }
          /* |a + t d - centre| = R along the axis, d = h e_ax: the root in (0, 1) */
          rfl_vec3 q = rfl_vec3_sub(a, s->centre);
          double qa = rfl_vec3_get(q, ax), q2 = rfl_vec3_dot(q, q);
          double disc = qa * qa - (q2 - s->radius * s->radius);
          double t1 = (-qa - sqrt(disc)) / h, t2 = (-qa + sqrt(disc)) / h;
          double t = (t1 > 0.0 && t1 < 1.0) ? t1 : t2;
          worst = fmax(worst, fabs(geo->cut[ax][idx] - t));
          ++ncut;
        }
      }
  print_message("%d interface faces, worst cut error %.2e of h\n", ncut, worst);
  assert_true(ncut > 500);
  if (!(worst <= 1e-6)) fail_msg("cut fraction off by %.3g of h", worst);
  rfl_geometry_free(geo);
  rfl_grid_free(g);
  free(c);
}

/* ---- override order ----------------------------------------------------------------- */

static void later_structures_and_probes_override(void **state) {
  (void)state;
  rfl_case *c = case_new();
  rfl_shape box = {.kind = RFL_SHAPE_BOX, .lo = {-3 * MM, -3 * MM, -3 * MM},
                   .hi = {3 * MM, 3 * MM, 1 * MM}};
  rfl_shape ball = {.kind = RFL_SHAPE_SPHERE, .centre = {1.5 * MM, 0, 0}, .radius = 2.2 * MM};
  c->structures[0].shape = box;
  c->structures[0].material = BONE;
  c->structures[1].shape = ball;
  c->structures[1].material = NERVE;
  c->nstructures = 2;
  c->probes[0] = probe_make(rfl_vec3_make(0.4 * MM, 0, -1.0 * MM), rfl_vec3_make(0, 0, 1), 2 * MM);
  c->nprobes = 1;
  rfl_label l;
  l = rfl_geometry_classify(c, NULL, rfl_vec3_make(2.0 * MM, 0.5 * MM, 0.0)); /* box + ball */
  assert_int_equal(l.material, NERVE);
  assert_int_equal(l.part, RFL_PART_TISSUE);
  l = rfl_geometry_classify(c, NULL, rfl_vec3_make(-2.5 * MM, 2.5 * MM, 0.0)); /* box only */
  assert_int_equal(l.material, BONE);
  l = rfl_geometry_classify(c, NULL, rfl_vec3_make(1.5 * MM, 0.0, 1.8 * MM)); /* ball only */
  assert_int_equal(l.material, NERVE);
  l = rfl_geometry_classify(c, NULL, rfl_vec3_make(0.4 * MM, 0.1 * MM, 0.0)); /* all three */
  assert_int_equal(l.material, STEEL);
  assert_int_equal(l.part, RFL_PART_ACTIVE);
  l = rfl_geometry_classify(c, NULL, rfl_vec3_make(0.4 * MM, 0.1 * MM, 1.5 * MM)); /* shaft */
  assert_int_equal(l.material, STEEL);
  assert_int_equal(l.part, RFL_PART_SHAFT);
  l = rfl_geometry_classify(c, NULL, rfl_vec3_make(-5 * MM, 0, 0)); /* background */
  assert_int_equal(l.material, MUSCLE);
  /* swap the structures: the box now wins where they overlap */
  c->structures[0].shape = ball;
  c->structures[0].material = NERVE;
  c->structures[1].shape = box;
  c->structures[1].material = BONE;
  l = rfl_geometry_classify(c, NULL, rfl_vec3_make(2.0 * MM, 0.5 * MM, 0.0));
  assert_int_equal(l.material, BONE);

  /* on a grid: counts add up and agree with the classifier at every centre */
  int n[3] = {50, 45, 55}; /* 0.2 mm */
  rfl_grid *g = NULL;
  assert_int_equal(rfl_grid_create_uniform(n, rfl_vec3_make(-5 * MM, -4.5 * MM, -5.5 * MM),
                                           rfl_vec3_make(5 * MM, 4.5 * MM, 5.5 * MM), &g),
                   RFL_OK);
  rfl_geometry *geo = NULL;
  assert_int_equal(rfl_geometry_create(c, g, &geo), RFL_OK);
  size_t total = 0, parts = 0;
  for (int m = 0; m < RFL_MAX_MATERIALS; ++m) total += geo->material_cells[m];
  for (int p = 0; p < 3; ++p) parts += geo->part_cells[p];
  assert_true(total == g->ncells && parts == g->ncells);
  assert_true(geo->material_cells[BONE] > 0 && geo->material_cells[NERVE] > 0);
  assert_true(geo->part_cells[RFL_PART_ACTIVE] > 0 && geo->part_cells[RFL_PART_SHAFT] > 0);
  assert_true(geo->material_cells[STEEL] ==
              geo->part_cells[RFL_PART_ACTIVE] + geo->part_cells[RFL_PART_SHAFT]);
  size_t nbone = 0;
  for (int k = 0; k < n[2]; ++k)
    for (int j = 0; j < n[1]; ++j)
      for (int i = 0; i < n[0]; ++i) {
        rfl_label want = rfl_geometry_classify(
            c, NULL, rfl_vec3_make(g->xc[0][i], g->xc[1][j], g->xc[2][k]));
        rfl_label got = geo->label[rfl_grid_index(g, i, j, k)];
        assert_int_equal(got.material, want.material);
        assert_int_equal(got.part, want.part);
        nbone += got.material == BONE;
      }
  assert_true(nbone == geo->material_cells[BONE]);
  assert_close(geo->thermocouple[0].z, -1.0 * MM, 0.0);
  rfl_geometry_free(geo);
  rfl_grid_free(g);
  free(c);
}

/* ---- the RC-1 electrode ------------------------------------------------------------- */

static rfl_case *rc1_case(double h, rfl_grid **g) {
  rfl_case *c = case_new();
  c->probes[0] = probe_make(rfl_vec3_make(0, 0, -5 * MM), rfl_vec3_make(0, 0, 1), 10 * MM);
  c->nprobes = 1;
  rfl_grid_spec *s = &c->grid;
  s->domain_min = rfl_vec3_make(-20 * MM, -20 * MM, -20 * MM);
  s->domain_max = rfl_vec3_make(20 * MM, 20 * MM, 20 * MM);
  s->fine_min = rfl_vec3_make(-3 * MM, -3 * MM, -7 * MM);
  s->fine_max = rfl_vec3_make(3 * MM, 3 * MM, 7 * MM);
  s->spacing = h;
  s->growth = 1.1;
  if (rfl_grid_create(s, g) != RFL_OK) fail_msg("%s", rfl_error_message());
  return c;
}

static void rc1_electrode_report(void **state) {
  (void)state;
  rfl_grid *g = NULL;
  rfl_case *c = rc1_case(0.2 * MM, &g);
  rfl_geometry *geo = NULL;
  assert_int_equal(rfl_geometry_create(c, g, &geo), RFL_OK);
  rfl_electrode_report r;
  assert_int_equal(rfl_geometry_electrode_report(c, geo, 0, &r), RFL_OK);
  const double a = 0.635 * MM;
  /* exact: active tip (10 mm) + shaft from z = 5 mm to the +z face at 20 mm */
  double v_exact = PI * a * a * (10 * MM - a) + 2.0 / 3.0 * PI * a * a * a + PI * a * a * 15 * MM;
  double s_exact = 2.0 * PI * a * 25 * MM;
  assert_close(r.volume_exact, v_exact, 1e-15 * v_exact);
  assert_close(r.area_exact, s_exact, 1e-12 * s_exact);
  assert_close(r.active_area_exact, 2.0 * PI * a * 10 * MM, 1e-18);
  assert_close(r.cells_per_radius, 3.175, 1e-9);
  print_message("RC-1 at h = 0.2 mm: %d x %d x %d cells; volume %.4g / %.4g mm3 (%+.2f %%), "
                "area %.4g / %.4g mm2 (ratio %.3f)\n",
                g->n[0], g->n[1], g->n[2], r.volume_grid * 1e9, r.volume_exact * 1e9,
                100.0 * (r.volume_grid / r.volume_exact - 1.0), r.area_grid * 1e6,
                r.area_exact * 1e6, r.area_grid / r.area_exact);
  assert_rel_close(r.volume_grid, r.volume_exact, 0.03);
  /* staircase area: about 4/pi of the exact area for the cylinder (1.5 for the hemisphere),
   * 1.2 at this coarse 6-cells-across resolution */
  double ratio = r.area_grid / r.area_exact;
  assert_true(ratio > 1.1 && ratio < 4.0 / PI + 0.05);
  assert_int_equal(rfl_geometry_electrode_report(c, geo, 1, &r), RFL_EINPUT);
  rfl_geometry_free(geo);
  rfl_grid_free(g);
  free(c);
}

static void labels_do_not_depend_on_threads(void **state) {
  (void)state;
#ifdef _OPENMP
  rfl_grid *g = NULL;
  rfl_case *c = rc1_case(0.2 * MM, &g);
  rfl_shape *s = &c->structures[0].shape;
  s->kind = RFL_SHAPE_CAPSULE;
  s->radius = 1.5 * MM;
  s->npoints = 2;
  s->points[0] = rfl_vec3_make(-20 * MM, 7.5 * MM, 0);
  s->points[1] = rfl_vec3_make(20 * MM, 7.5 * MM, 0);
  c->structures[0].material = NERVE;
  c->nstructures = 1;
  int saved = omp_get_max_threads();
  rfl_geometry *one = NULL, *two = NULL;
  omp_set_num_threads(1);
  assert_int_equal(rfl_geometry_create(c, g, &one), RFL_OK);
  omp_set_num_threads(2);
  assert_int_equal(rfl_geometry_create(c, g, &two), RFL_OK);
  omp_set_num_threads(saved);
  assert_memory_equal(one->label, two->label, g->ncells * sizeof *one->label);
  for (int a = 0; a < 3; ++a) assert_memory_equal(one->cut[a], two->cut[a], g->ncells * sizeof(float));
  rfl_geometry_free(one);
  rfl_geometry_free(two);
  rfl_grid_free(g);
  free(c);
#else
  skip();
#endif
}

/* ---- errors ------------------------------------------------------------------------- */

static void input_errors(void **state) {
  (void)state;
  rfl_grid *g = NULL;
  rfl_case *c = rc1_case(0.2 * MM, &g);
  rfl_geometry *geo = NULL;

  c->probes[0].tip = rfl_vec3_make(0, 21.5 * MM, -5 * MM);
  assert_int_equal(rfl_geometry_create(c, g, &geo), RFL_EINPUT);
  assert_null(geo);
  assert_string_equal(rfl_error_message(),
                      "[probe] tip_mm: the tip (0, 21.5, -5) mm is outside the domain "
                      "[-20, 20] x [-20, 20] x [-20, 20] mm");
  c->probes[0].tip = rfl_vec3_make(0, 0, -5 * MM);

  rfl_grid_free(g);
  free(c);
  c = rc1_case(0.25 * MM, &g);
  assert_int_equal(rfl_geometry_create(c, g, &geo), RFL_EINPUT);
  assert_string_equal(rfl_error_message(),
                      "[probe] radius: the electrode radius 0.635 mm spans only 2.54 cells at "
                      "the tip (local cell width 0.25 mm); at least 3 are needed: set [grid] "
                      "spacing_mm <= 0.2117");

  c->probes[0].radius = 0.8255 * MM; /* 16G resolves at 0.25 mm */
  rfl_shape far = {.kind = RFL_SHAPE_SPHERE, .centre = {0, 0, 30 * MM}, .radius = 4 * MM};
  c->structures[0].shape = far;
  c->structures[0].material = BONE;
  strcpy(c->structures[0].name, "L4_root");
  c->structures[0].line = 31;
  strcpy(c->path, "cases/l4.ini");
  c->nstructures = 1;
  assert_int_equal(rfl_geometry_create(c, g, &geo), RFL_EINPUT);
  assert_string_equal(rfl_error_message(), "cases/l4.ini:31: [structure L4_root]: the sphere "
                                           "lies entirely outside the domain");
  c->structures[0].shape.centre.z = 15 * MM;
  c->structures[0].material = 7;
  assert_int_equal(rfl_geometry_create(c, g, &geo), RFL_EINPUT);
  assert_contains(rfl_error_message(), "material index 7 is not one of the 4 materials");
  c->structures[0].material = BONE;
  assert_int_equal(rfl_geometry_create(c, g, &geo), RFL_OK);
  rfl_geometry_free(geo);
  rfl_geometry_free(NULL);
  rfl_grid_free(g);
  free(c);
}

/* Box fractions beyond a plane (shares.c) against exact volumes: axis-parallel, oblique in
 * two and in three axes, the far corner clipped, a plane through the centre (a half by
 * symmetry), one outside the box, and a plane with a tiny tilt (no cancellation). */
static void box_fraction_is_exact(void **state) {
  (void)state;
  const double lo[3] = {0.0, 0.0, 0.0}, hi[3] = {1.0, 2.0, 0.5};
  const struct {
    double n[3], p[3], want;
  } cases[] = {
      {{1, 0, 0}, {0.3, 0, 0}, 0.7},
      {{0, -1, 0}, {0, 0.5, 0}, 0.25},
      {{1, 0.5, 0}, {0.5, 0, 0}, 1.0 - 0.5 * 0.5 * 1.0 / 2.0},
      {{2, 1, 4}, {0.5, 1.0, 0.25}, 0.5},
      {{1, 0.5, 2}, {1.0, 0.0, 0.0}, 1.0 - 1.0 / 6.0},
      {{1, 1, 1}, {0.9, 1.9, 0.4}, (0.3 * 0.3 * 0.3 / 6.0) / 1.0},
      {{0, 0, 1}, {0, 0, 2.0}, 0.0},
      {{1, 1e-9, 0}, {0.5, 0.0, 0.0}, 0.5 + 1e-9},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
    double got = rfl_shares_box_fraction(lo, hi, cases[i].n, cases[i].p);
    if (fabs(got - cases[i].want) > 1e-12)
      fail_msg("case %zu: fraction %.15g, expected %.15g", i, got, cases[i].want);
  }
}

int main(void) {
  gsl_set_error_handler_off();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(cuts_locate_a_sphere_surface),
      cmocka_unit_test(later_structures_and_probes_override),
      cmocka_unit_test(rc1_electrode_report),
      cmocka_unit_test(labels_do_not_depend_on_threads),
      cmocka_unit_test(input_errors),
      cmocka_unit_test(volume_converges_on_uniform_grids),
      cmocka_unit_test(volume_converges_on_graded_grids),
      cmocka_unit_test(box_fraction_is_exact),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
