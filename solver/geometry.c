// SPDX-License-Identifier: BSD-3-Clause
/* Voxelising a case on the grid (geometry.h).
 *
 * Classification of a point: background material, then the voxel volume's label mapped
 * through [grid] voxel_labels (unmapped labels and points outside the volume keep what
 * is below), then each structure in file order (later ones override), then each probe
 * (part ACTIVE or SHAFT, the probe's material; a later probe overrides an earlier one).
 * A cell takes the classification of its centre, so a body's voxelised volume (cells whose
 * centre is inside, times their volumes) is the midpoint rule for its indicator function:
 * its error averages out to second order in h for a smooth surface that sits at random
 * with respect to the cells.
 *
 * Interface cuts: on a face whose two cells differ (material, part or probe), the segment
 * between the centres is sampled at 7 interior points; the first sub-interval where the
 * classification leaves cell c's is bisected to 1e-9 of the segment, so with several
 * interfaces on one segment the crossing nearest cell c is the one recorded. Interfaces
 * thinner than 1/8 of the segment between two samples can be missed; such features are
 * not resolved by the grid anyway. Cuts are stored as float (relative precision 6e-8 of
 * the segment).
 *
 * Labelling and cuts run over cells in parallel (static schedules; every cell's result
 * depends on that cell only, so the outcome does not depend on the thread count); the
 * counts are summed serially. The voxel volume is read once here and freed before return.
 * The material shares of the cells and faces the interfaces cut come from shares.c, once
 * the labels and cuts are known. Not done here: material properties, coefficients. */
#include "geometry.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parallel.h"
#include "probe.h"
#include "shares.h"
#include "voxels.h"

#define PI 3.14159265358979323846
#define CUT_SAMPLES 8       /* sub-intervals scanned before bisection */
#define CUT_TOL 1e-9        /* bisection stops at this fraction of the segment */
#define MIN_CELLS_PER_RADIUS 3.0
#define MIN_CELLS_COARSE_SOLUTION 1.9 /* an error estimate's coarse solution: 3 / 1.5, rounded */

int rfl_geometry_structure_at(const rfl_case *c, rfl_vec3 p) {
  int owner = 0;
  for (int s = 0; s < c->nstructures; ++s)
    if (rfl_shape_contains(&c->structures[s].shape, p)) owner = s + 1;
  return owner;
}

rfl_label rfl_geometry_classify(const rfl_case *c, const void *voxels, rfl_vec3 p) {
  rfl_label l = {(uint8_t)c->background_material, RFL_PART_TISSUE, 0};
  if (voxels) {
    int v = rfl_voxels_label_at((const rfl_voxels *)voxels, p);
    if (v >= 0 && c->grid.voxel_material[v] >= 0) l.material = (uint8_t)c->grid.voxel_material[v];
  }
  int s = rfl_geometry_structure_at(c, p);
  if (s > 0) l.material = (uint8_t)c->structures[s - 1].material;
  for (int q = 0; q < c->nprobes; ++q) {
    rfl_probe_part part = rfl_probe_part_at(&c->probes[q], p);
    if (part == RFL_PROBE_PART_NONE) continue;
    l.material = (uint8_t)c->probes[q].material;
    l.part = part == RFL_PROBE_PART_ACTIVE ? RFL_PART_ACTIVE : RFL_PART_SHAFT;
    l.probe = (uint8_t)q;
  }
  return l;
}

static inline int label_equal(rfl_label a, rfl_label b) {
  return a.material == b.material && a.part == b.part && a.probe == b.probe;
}

static rfl_vec3 cell_centre(const rfl_grid *g, int i, int j, int k) {
  return rfl_vec3_make(g->xc[0][i], g->xc[1][j], g->xc[2][k]);
}

/* Fraction of the segment a -> b on a's side of the first interface from a. */
static float locate_cut(const rfl_case *c, const void *vox, rfl_vec3 a, rfl_vec3 b,
                        rfl_label la) {
  rfl_vec3 d = rfl_vec3_sub(b, a);
  double lo = 0.0, hi = 1.0;
  for (int s = 1; s < CUT_SAMPLES; ++s) {
    double t = (double)s / CUT_SAMPLES;
    if (!label_equal(rfl_geometry_classify(c, vox, rfl_vec3_add(a, rfl_vec3_scale(d, t))), la)) {
      hi = t;
      break;
    }
    lo = t;
  }
  while (hi - lo > CUT_TOL) {
    double t = 0.5 * (lo + hi);
    if (label_equal(rfl_geometry_classify(c, vox, rfl_vec3_add(a, rfl_vec3_scale(d, t))), la))
      lo = t;
    else
      hi = t;
  }
  return (float)(0.5 * (lo + hi));
}

/* "file:line: " when the case came from a file and the line is known, else "". */
static void where(const rfl_case *c, int line, char *buf, size_t size) {
  if (c->path[0] && line > 0)
    snprintf(buf, size, "%s:%d: ", c->path, line);
  else
    buf[0] = '\0';
}

static int point_in_grid(const rfl_grid *g, rfl_vec3 p) {
  for (int a = 0; a < 3; ++a) {
    double x = rfl_vec3_get(p, a);
    if (!(x >= g->xf[a][0] && x <= g->xf[a][g->n[a]])) return 0;
  }
  return 1;
}

/* Largest width of the cell that contains p. */
static double local_width(const rfl_grid *g, rfl_vec3 p) {
  double w = 0.0;
  for (int a = 0; a < 3; ++a) w = fmax(w, g->dx[a][rfl_grid_locate(g, a, rfl_vec3_get(p, a))]);
  return w;
}

static int shape_misses_domain(const rfl_shape *s, const rfl_grid *g) {
  if (s->kind == RFL_SHAPE_HALFSPACE) {
    for (int corner = 0; corner < 8; ++corner) {
      rfl_vec3 q = rfl_vec3_make(g->xf[0][(corner & 1) ? g->n[0] : 0],
                                 g->xf[1][(corner & 2) ? g->n[1] : 0],
                                 g->xf[2][(corner & 4) ? g->n[2] : 0]);
      if (rfl_shape_distance(s, q) <= 0.0) return 0;
    }
    return 1;
  }
  rfl_vec3 lo, hi;
  rfl_shape_bounds(s, &lo, &hi);
  for (int a = 0; a < 3; ++a)
    if (rfl_vec3_get(hi, a) < g->xf[a][0] || rfl_vec3_get(lo, a) > g->xf[a][g->n[a]]) return 1;
  return 0;
}

static rfl_status check_material(const rfl_case *c, int m, const char *what) {
  if (m < 0 || m >= c->nmaterials || m >= RFL_MAX_MATERIALS)
    return RFL_ERROR(RFL_EINPUT, "%s: material index %d is not one of the %d materials", what, m,
                     c->nmaterials);
  return RFL_OK;
}

static rfl_status check_case(const rfl_case *c, const rfl_grid *g) {
  char at[RFL_PATH_MAX + 32], what[RFL_PATH_MAX + 128];
  if (c->nprobes < 0 || c->nprobes > RFL_MAX_PROBES)
    return RFL_ERROR(RFL_EINPUT, "geometry: expected 0..%d probes, found %d", RFL_MAX_PROBES,
                     c->nprobes);
  if (c->nstructures < 0 || c->nstructures > RFL_MAX_STRUCTURES)
    return RFL_ERROR(RFL_EINPUT, "geometry: expected 0..%d structures, found %d",
                     RFL_MAX_STRUCTURES, c->nstructures);
  RFL_CHECK(check_material(c, c->background_material, "background material"));
  for (int s = 0; s < c->nstructures; ++s) {
    const rfl_structure *st = &c->structures[s];
    where(c, st->line, at, sizeof at);
    snprintf(what, sizeof what, "%s[structure %s]", at, st->name);
    RFL_CHECK(check_material(c, st->material, what));
    if (shape_misses_domain(&st->shape, g))
      return RFL_ERROR(RFL_EINPUT, "%s: the %s lies entirely outside the domain", what,
                       rfl_shape_kind_name(st->shape.kind));
  }
  for (int q = 0; q < c->nprobes; ++q) {
    const rfl_probe *p = &c->probes[q];
    snprintf(what, sizeof what, "[%s]", p->name);
    RFL_CHECK(check_material(c, p->material, what));
    if (!(p->radius > 0.0))
      return RFL_ERROR(RFL_EINPUT, "[%s] radius: expected > 0, found %g mm", p->name,
                       1e3 * p->radius);
    if (!point_in_grid(g, p->tip))
      return RFL_ERROR(RFL_EINPUT,
                       "[%s] tip_mm: the tip (%.6g, %.6g, %.6g) mm is outside the domain "
                       "[%.6g, %.6g] x [%.6g, %.6g] x [%.6g, %.6g] mm",
                       p->name, 1e3 * p->tip.x, 1e3 * p->tip.y, 1e3 * p->tip.z, 1e3 * g->xf[0][0],
                       1e3 * g->xf[0][g->n[0]], 1e3 * g->xf[1][0], 1e3 * g->xf[1][g->n[1]],
                       1e3 * g->xf[2][0], 1e3 * g->xf[2][g->n[2]]);
    double w = local_width(g, p->tip), cpr = p->radius / w;
    if (cpr < (c->grid.coarse_solution ? MIN_CELLS_COARSE_SOLUTION : MIN_CELLS_PER_RADIUS))
      return RFL_ERROR(RFL_EINPUT,
                       "[%s] radius: the electrode radius %.4g mm spans only %.2f cells at the tip "
                       "(local cell width %.4g mm); at least %.0f are needed: set [grid] "
                       "spacing_mm <= %.4g",
                       p->name, 1e3 * p->radius, cpr, 1e3 * w, MIN_CELLS_PER_RADIUS,
                       1e3 * p->radius / MIN_CELLS_PER_RADIUS);
  }
  return RFL_OK;
}

/* A NIfTI image's label rule (the case reader checks it first, at the line of the key,
 * with the coverage of the probes; this is the backstop): every label but 0 has a
 * material. */
static rfl_status check_image_use(const rfl_case *c, const rfl_voxels *v, const char *path) {
  if (!v->affine) return RFL_OK;
  for (int l = 1; l < 256; ++l)
    if (v->label_present[l] && c->grid.voxel_material[l] < 0)
      return RFL_ERROR(RFL_EINPUT, "%s%s[grid] voxel_labels: expected a material for every "
                       "label of %s but 0, found label %d with none", c->path,
                       c->path[0] ? ": " : "", path, l);
  return RFL_OK;
}

/* Reads the case's voxel volume, if any; relative paths are taken from the case file's
 * directory. Errors are re-raised under the case file's name and [grid] voxel_file (the
 * case reader reports them with the line first when the caller checks the header; this is
 * the backstop). */
static rfl_status load_voxels(const rfl_case *c, rfl_voxels **out) {
  *out = NULL;
  if (!c->grid.voxel_file[0]) return RFL_OK;
  char path[2 * RFL_PATH_MAX + 2];
  const char *slash = strrchr(c->path, '/');
  if (c->grid.voxel_file[0] != '/' && slash)
    snprintf(path, sizeof path, "%.*s/%s", (int)(slash - c->path), c->path, c->grid.voxel_file);
  else
    snprintf(path, sizeof path, "%s", c->grid.voxel_file);
  rfl_status st = rfl_voxels_read(path, c->grid.voxel_dataset, out);
  if (st != RFL_OK) {
    char msg[2048];
    snprintf(msg, sizeof msg, "%s", rfl_error_message());
    return RFL_ERROR(st, "%s%s[grid] voxel_file: %s", c->path, c->path[0] ? ": " : "", msg);
  }
  for (int l = 0; l < 256; ++l) {
    int m = c->grid.voxel_material[l];
    if (m >= c->nmaterials || m >= RFL_MAX_MATERIALS) {
      rfl_voxels_free(*out);
      *out = NULL;
      return RFL_ERROR(RFL_EINPUT, "[grid] voxel_labels: label %d maps to material %d, but "
                       "there are %d materials", l, m, c->nmaterials);
    }
  }
  st = check_image_use(c, *out, path);
  if (st != RFL_OK) {
    rfl_voxels_free(*out);
    *out = NULL;
  }
  return st;
}

void rfl_geometry_free(rfl_geometry *geo) {
  if (!geo) return;
  free(geo->label);
  for (int a = 0; a < 3; ++a) free(geo->cut[a]);
  free(geo->cell_shares);
  free(geo->face_shares);
  free(geo->share_bits);
  free(geo);
}

rfl_status rfl_geometry_create(const rfl_case *c, const rfl_grid *g, rfl_geometry **out) {
  *out = NULL;
  RFL_CHECK(check_case(c, g));
  rfl_voxels *vox = NULL;
  RFL_CHECK(load_voxels(c, &vox));
  rfl_geometry *geo = calloc(1, sizeof *geo);
  if (geo) {
    geo->grid = g;
    geo->label = malloc(g->ncells * sizeof *geo->label);
    for (int a = 0; a < 3; ++a) geo->cut[a] = malloc(g->ncells * sizeof(float));
  }
  if (!geo || !geo->label || !geo->cut[0] || !geo->cut[1] || !geo->cut[2]) {
    rfl_geometry_free(geo);
    rfl_voxels_free(vox);
    return RFL_ERROR(RFL_ENOMEM, "geometry: out of memory for %zu cells", g->ncells);
  }
  const int nx = g->n[0], ny = g->n[1], nz = g->n[2];
  rfl_label *label = geo->label;
  geo->symmetry = c->grid.symmetry;

  RFL_OMP_FOR_COLLAPSE2
  for (int k = 0; k < nz; ++k)
    for (int j = 0; j < ny; ++j)
      for (int i = 0; i < nx; ++i)
        label[rfl_grid_index(g, i, j, k)] = rfl_geometry_classify(c, vox, cell_centre(g, i, j, k));

  for (size_t n = 0; n < g->ncells; ++n) {
    geo->material_cells[label[n].material]++;
    geo->part_cells[label[n].part]++;
  }

  const size_t stride[3] = {1, (size_t)nx, (size_t)nx * (size_t)ny};
  RFL_OMP_FOR_COLLAPSE2
  for (int k = 0; k < nz; ++k)
    for (int j = 0; j < ny; ++j)
      for (int i = 0; i < nx; ++i) {
        const int ijk[3] = {i, j, k};
        size_t n = rfl_grid_index(g, i, j, k);
        for (int a = 0; a < 3; ++a) {
          geo->cut[a][n] = 0.5f;
          if (ijk[a] + 1 >= g->n[a] || label_equal(label[n], label[n + stride[a]])) continue;
          rfl_vec3 from = cell_centre(g, i, j, k);
          rfl_vec3 to = cell_centre(g, i + (a == 0), j + (a == 1), k + (a == 2));
          geo->cut[a][n] = locate_cut(c, vox, from, to, label[n]);
        }
      }

  for (int q = 0; q < c->nprobes; ++q) geo->thermocouple[q] = c->probes[q].tip;
  rfl_voxels_free(vox);
  rfl_status st = rfl_shares_build(geo);
  if (st != RFL_OK) {
    rfl_geometry_free(geo);
    return st;
  }
  *out = geo;
  return RFL_OK;
}

/* Parameter interval [tin, tout] of the line tip + t u inside the domain box (slab
 * method); tin > tout when the line misses the box. */
static void line_in_box(const rfl_grid *g, rfl_vec3 o, rfl_vec3 u, double *tin, double *tout) {
  double t0 = -INFINITY, t1 = INFINITY;
  for (int a = 0; a < 3; ++a) {
    double lo = g->xf[a][0], hi = g->xf[a][g->n[a]], x = rfl_vec3_get(o, a);
    double d = rfl_vec3_get(u, a);
    if (d == 0.0) {
      if (x < lo || x > hi) t0 = INFINITY, t1 = -INFINITY;
      continue;
    }
    double ta = (lo - x) / d, tb = (hi - x) / d;
    t0 = fmax(t0, fmin(ta, tb));
    t1 = fmin(t1, fmax(ta, tb));
  }
  *tin = t0;
  *tout = t1;
}

rfl_status rfl_geometry_electrode_report(const rfl_case *c, const rfl_geometry *geo, int p,
                                         rfl_electrode_report *out) {
  memset(out, 0, sizeof *out);
  if (p < 0 || p >= c->nprobes)
    return RFL_ERROR(RFL_EINPUT, "electrode report: probe %d does not exist (%d probes)", p,
                     c->nprobes);
  const rfl_grid *g = geo->grid;
  const rfl_probe *pr = &c->probes[p];
  const int nx = g->n[0], ny = g->n[1], nz = g->n[2];
  const size_t stride[3] = {1, (size_t)nx, (size_t)nx * (size_t)ny};
  double vol = 0.0, area = 0.0;
  for (int k = 0; k < nz; ++k)
    for (int j = 0; j < ny; ++j)
      for (int i = 0; i < nx; ++i) {
        size_t n = rfl_grid_index(g, i, j, k);
        const int ijk[3] = {i, j, k};
        rfl_label l = geo->label[n];
        int e = l.part != RFL_PART_TISSUE && l.probe == p;
        if (e) vol += rfl_grid_volume(g, i, j, k);
        for (int a = 0; a < 3; ++a) {
          if (ijk[a] + 1 >= g->n[a]) continue;
          rfl_label m = geo->label[n + stride[a]];
          int em = m.part != RFL_PART_TISSUE && m.probe == p;
          if (e == em) continue;
          int b = (a + 1) % 3, d = (a + 2) % 3;
          area += g->dx[b][ijk[b]] * g->dx[d][ijk[d]];
        }
      }
  out->volume_grid = vol;
  out->area_grid = area;

  /* Exact values of the electrode clipped to the domain where its axis leaves the box:
   * exact for an axis parallel to a grid axis whose cross-section lies inside the domain
   * (RC-1's shaft running to the +z face). For a tilted electrode that leaves the domain
   * the oblique cut of the boundary through it is not resolved (an error of order the
   * radius times the tangent of the tilt in length). The cross-section at the domain face
   * is not surface and counts in neither area. */
  double a = pr->radius, L = pr->tip_length;
  double un = rfl_vec3_norm(pr->direction);
  rfl_vec3 u = un > 0.0 ? rfl_vec3_scale(pr->direction, 1.0 / un) : rfl_vec3_make(0.0, 0.0, 1.0);
  double tend = pr->shaft_length > 0.0 ? L + pr->shaft_length : INFINITY;
  double tin, tout;
  line_in_box(g, pr->tip, u, &tin, &tout);
  double t0 = fmax(0.0, tin), t1 = fmin(tend, tout);
  int round = pr->tip_shape == RFL_TIP_ROUND;
  if (t1 > t0) {
    double tcap = round ? fmin(a, L) : 0.0; /* hemispherical cap: cross-section pi(2at - t^2) */
    double v = PI * a * a * (t1 - t0);
    if (t0 < tcap) {
      double tm = fmin(t1, tcap);
      v -= PI * (pow(a - t0, 3) - pow(a - tm, 3)) / 3.0;
    }
    double s = 2.0 * PI * a * (t1 - t0); /* zone of a sphere: 2 pi a per unit height too */
    if (!round && t0 <= 0.0) s += PI * a * a;                         /* flat distal disc */
    if (round && L < a && t0 <= L && L < t1) s += PI * (a - L) * (a - L); /* shoulder */
    if (tend < tout) s += PI * a * a;                                 /* proximal end disc */
    out->volume_exact = v;
    out->area_exact = s;
  }
  out->active_area_exact = rfl_probe_active_area(pr);
  out->cells_per_radius = a / local_width(g, pr->tip);
  return RFL_OK;
}
