// SPDX-License-Identifier: BSD-3-Clause
/* Finite-volume assembly of the potential and heat-conduction operators (see
 * coefficients.h for the formulas). Every cell computes its own row from its six faces, so
 * the loops are race-free under OpenMP and the result does not depend on the thread count;
 * a face's conductance is evaluated by both of its cells (cheap, and it keeps the code to one
 * shape). The face geometry (neighbour, distance, area, interface fraction, boundary) comes
 * from one helper used by every kernel. */
#include "coefficients.h"

#include <stdlib.h>
#include <string.h>

#include "parallel.h"
#include "shares.h"
#include "tissue.h"

typedef enum { CELL_UNKNOWN = 0, CELL_DIRICHLET = 1, CELL_EXCLUDED = 2 } cell_kind;

typedef struct {
  int boundary;    /* 1: the face lies on the outer boundary (a mirror plane included) */
  int mirror;      /* 1: that boundary is a mirror plane: no flux crosses it */
  size_t n;        /* neighbour index (valid when !boundary) */
  double d;        /* centre-to-centre distance (boundary: half the cell width), m */
  double area;     /* face area, m^2 */
  double theta;    /* fraction of d on the cell's own side of the material interface */
} face;

static rfl_symmetry geo_symmetry(const rfl_geometry *geo) { return geo->symmetry; }

/* Face of cell (i, j, k) = c along axis a on side s (+1 upper, -1 lower). */
static face face_of(const rfl_geometry *geo, int i, int j, int k, size_t c, int a, int s) {
  const rfl_grid *g = geo->grid;
  const int ijk[3] = {i, j, k};
  const size_t stride[3] = {1, (size_t)g->n[0], (size_t)g->n[0] * (size_t)g->n[1]};
  const int b1 = (a + 1) % 3, b2 = (a + 2) % 3;
  face f;
  f.area = g->dx[b1][ijk[b1]] * g->dx[b2][ijk[b2]];
  int ia = ijk[a];
  f.mirror = 0;
  if ((s > 0 && ia == g->n[a] - 1) || (s < 0 && ia == 0)) {
    f.boundary = 1;
    f.mirror = s < 0 && a < 2 && (geo_symmetry(geo) & (a == 0 ? RFL_SYMMETRY_X : RFL_SYMMETRY_Y));
    f.n = c;
    f.d = 0.5 * g->dx[a][ia];
    f.theta = 1.0;
    return f;
  }
  f.boundary = 0;
  if (s > 0) {
    f.n = c + stride[a];
    f.d = g->xc[a][ia + 1] - g->xc[a][ia];
    f.theta = geo->cut[a][c];
  } else {
    f.n = c - stride[a];
    f.d = g->xc[a][ia] - g->xc[a][ia - 1];
    f.theta = 1.0 - geo->cut[a][f.n];
  }
  return f;
}

static cell_kind potential_kind(const rfl_case *kase, rfl_label l) {
  if (l.part == RFL_PART_ACTIVE) return CELL_DIRICHLET;
  if (l.part == RFL_PART_SHAFT) return CELL_EXCLUDED;
  if (kase->materials[l.material].kind == RFL_MATERIAL_METAL) return CELL_EXCLUDED;
  return CELL_UNKNOWN;
}

/* Monopolar: the dispersive pad is far away, so the outer boundary is the return (V = 0).
 * Bipolar: the return probe is the only return; no current leaves through the boundary. */
static int outer_boundary_grounded(const rfl_case *kase) { return rfl_case_monopolar(kase); }

static double dirichlet_value(const rfl_case *kase, rfl_label l) {
  return kase->probes[l.probe].role == RFL_PROBE_ACTIVE ? 1.0 : 0.0;
}

/* Distance from a cell centre to a Dirichlet surface, floored (see RFL_MIN_FACE_FRACTION). */
static double dirichlet_distance(const face *f) {
  double th = f->theta < RFL_MIN_FACE_FRACTION ? RFL_MIN_FACE_FRACTION : f->theta;
  return th * f->d;
}

rfl_status rfl_assembler_create(const rfl_case *c, const rfl_geometry *geo, rfl_assembler **out) {
  *out = NULL;
  rfl_assembler *as = calloc(1, sizeof *as);
  if (!as) return RFL_ERROR(RFL_ENOMEM, "out of memory for the assembler");
  as->kase = c;
  as->geo = geo;
  as->prop = malloc(geo->grid->ncells * sizeof *as->prop);
  if (!as->prop) {
    free(as);
    return RFL_ERROR(RFL_ENOMEM, "out of memory for the assembler (%zu cells)", geo->grid->ncells);
  }
  *out = as;
  return RFL_OK;
}

void rfl_assembler_free(rfl_assembler *as) {
  if (!as) return;
  free(as->prop);
  free(as);
}

static void fill_sigma(rfl_assembler *as, const double *T) {
  const rfl_case *kase = as->kase;
  const rfl_label *lab = as->geo->label;
  const size_t n = as->geo->grid->ncells;
  RFL_OMP_FOR
  for (size_t c = 0; c < n; ++c) {
    const rfl_material *m = &kase->materials[lab[c].material];
    if (m->kind != RFL_MATERIAL_TISSUE)
      as->prop[c] = 0.0;
    else if (as->vapour)
      as->prop[c] = rfl_tissue_sigma_vapour(m, &kase->physics, T[c], as->vapour[c]);
    else
      as->prop[c] = rfl_tissue_sigma(m, &kase->physics, T[c]);
  }
}

static void fill_k(rfl_assembler *as, const double *T) {
  const rfl_case *kase = as->kase;
  const rfl_label *lab = as->geo->label;
  const size_t n = as->geo->grid->ncells;
  RFL_OMP_FOR
  for (size_t c = 0; c < n; ++c) as->prop[c] = rfl_tissue_k(&kase->materials[lab[c].material], T[c]);
}

double rfl_cell_rho_c(const rfl_case *k, const rfl_geometry *geo, size_t c) {
  const rfl_material *m = &k->materials[geo->label[c].material];
  const rfl_cell_share *sh = rfl_shares_cell(geo, c);
  if (!sh) return m->rho * m->c;
  const rfl_material *o = &k->materials[sh->other.material];
  return (1.0 - sh->share) * m->rho * m->c + sh->share * o->rho * o->c;
}

/* Conductance of an interior face between two cells with properties pc (own) and pn. */
static inline double series_conductance(const face *f, double pc, double pn) {
  return f->area / (f->theta * f->d / pc + (1.0 - f->theta) * f->d / pn);
}

/* ---- faces an interface cuts (shares.h) ---------------------------------------------- */

/* 1 if the face entry takes part in the problem: in the potential, only faces of unknowns
 * whose second material conducts too (the electrode's share of a tissue face is a
 * boundary, handled by the Dirichlet faces at the true surface distance), and boundary
 * faces only where the boundary is grounded; in the heat problem, every face but those on
 * a mirror plane. */
static int share_applies(const rfl_assembler *as, const rfl_face_share *e, const face *f,
                         int potential) {
  if (f->mirror) return 0;
  if (!potential) return 1;
  const rfl_geometry *geo = as->geo;
  return (!f->boundary || outer_boundary_grounded(as->kase)) &&
         potential_kind(as->kase, geo->label[e->cell]) == CELL_UNKNOWN &&
         potential_kind(as->kase, geo->label[f->n]) == CELL_UNKNOWN &&
         potential_kind(as->kase, e->other) == CELL_UNKNOWN;
}

static face share_face(const rfl_geometry *geo, const rfl_face_share *e) {
  const rfl_grid *g = geo->grid;
  const size_t c = e->cell, nx = (size_t)g->n[0], ny = (size_t)g->n[1];
  return face_of(geo, (int)(c % nx), (int)((c / nx) % ny), (int)(c / (nx * ny)), c, e->axis,
                 e->lower ? -1 : 1);
}

/* The conductances of a face entry with and without the share of the second material
 * (evaluated at the mean temperature, and boiled fraction, of the two cells), and the
 * entry cell's fraction of the face's resistance (1 on the boundary). */
static void share_conductance(const rfl_assembler *as, const rfl_face_share *e, const face *f,
                              const double *T, int potential, double *g_own, double *g_mixed,
                              double *w_cell) {
  const size_t c = e->cell;
  const double pc = as->prop[c], pn = as->prop[f->n];
  const double rc = f->theta * f->d / pc, rn = f->boundary ? 0.0 : (1.0 - f->theta) * f->d / pn;
  *g_own = f->area / (rc + rn);
  *w_cell = rc / (rc + rn);
  const rfl_material *m = &as->kase->materials[e->other.material];
  const double Tm = 0.5 * (T[c] + T[f->n]);
  double p_other;
  if (!potential)
    p_other = rfl_tissue_k(m, Tm);
  else if (as->vapour)
    p_other = rfl_tissue_sigma_vapour(m, &as->kase->physics, Tm, 0.5 * (as->vapour[c] + as->vapour[f->n]));
  else
    p_other = rfl_tissue_sigma(m, &as->kase->physics, Tm);
  const double p_own = *g_own * f->d / f->area;
  *g_mixed = f->area / f->d * rfl_shares_blend(p_own, p_other, e->share, e->normal2);
}

/* Replaces the conductance of every face an interface cuts; on the outer boundary, the
 * boundary conductance in diag (and in boundary_g when given). Serial: two boundary
 * entries can share a cell, and there are only as many entries as cut faces. */
static void apply_face_shares(const rfl_assembler *as, const double *T, int potential,
                              rfl_sysmat *A, double *boundary_g) {
  const rfl_geometry *geo = as->geo;
  for (size_t i = 0; i < geo->nface_shares; ++i) {
    const rfl_face_share *e = &geo->face_shares[i];
    const face f = share_face(geo, e);
    if (!share_applies(as, e, &f, potential)) continue;
    double g_own, g_mixed, w;
    share_conductance(as, e, &f, T, potential, &g_own, &g_mixed, &w);
    if (!f.boundary) {
      A->g[e->axis][e->cell] = g_mixed;
      continue;
    }
    A->diag[e->cell] += g_mixed - g_own;
    A->dirichlet[e->cell] += g_mixed - g_own;
    if (boundary_g) boundary_g[e->cell] += g_mixed - g_own;
  }
}

void rfl_assembler_potential(rfl_assembler *as, const double *T, rfl_sysmat *A, double *b,
                             double *x) {
  fill_sigma(as, T);
  const rfl_case *kase = as->kase;
  const rfl_geometry *geo = as->geo;
  const rfl_grid *g = geo->grid;
  const double *sigma = as->prop;
  const int grounded = outer_boundary_grounded(kase);
  RFL_OMP_FOR
  for (int k = 0; k < g->n[2]; ++k)
    for (int j = 0; j < g->n[1]; ++j)
      for (int i = 0; i < g->n[0]; ++i) {
        size_t c = rfl_grid_index(g, i, j, k);
        cell_kind kind = potential_kind(kase, geo->label[c]);
        A->g[0][c] = A->g[1][c] = A->g[2][c] = 0.0;
        A->diag[c] = 0.0;
        A->dirichlet[c] = 0.0;
        b[c] = 0.0;
        if (kind != CELL_UNKNOWN) {
          A->fixed[c] = kind == CELL_DIRICHLET ? RFL_FIXED_DIRICHLET : RFL_FIXED_EXCLUDED;
          x[c] = kind == CELL_DIRICHLET ? dirichlet_value(kase, geo->label[c]) : 0.0;
          continue;
        }
        A->fixed[c] = RFL_UNKNOWN;
        for (int a = 0; a < 3; ++a)
          for (int s = -1; s <= 1; s += 2) {
            face f = face_of(geo, i, j, k, c, a, s);
            if (f.boundary) {
              if (grounded && !f.mirror) A->diag[c] += f.area * sigma[c] / f.d; /* V = 0 outside */
              continue;
            }
            cell_kind nk = potential_kind(kase, geo->label[f.n]);
            if (nk == CELL_UNKNOWN) {
              if (s > 0) A->g[a][c] = series_conductance(&f, sigma[c], sigma[f.n]);
            } else if (nk == CELL_DIRICHLET) {
              double G = f.area * sigma[c] / dirichlet_distance(&f);
              A->diag[c] += G;
              b[c] += G * dirichlet_value(kase, geo->label[f.n]);
            } /* excluded (insulated) neighbours carry no current */
          }
        A->dirichlet[c] = A->diag[c]; /* all of it is coupling to known values */
      }
  apply_face_shares(as, T, 1, A, NULL);
}

double rfl_assembler_joule(rfl_assembler *as, const double *T, const double *x, double *q) {
  fill_sigma(as, T);
  const rfl_case *kase = as->kase;
  const rfl_geometry *geo = as->geo;
  const rfl_grid *g = geo->grid;
  const double *sigma = as->prop;
  const int grounded = outer_boundary_grounded(kase);
  RFL_OMP_FOR
  for (int k = 0; k < g->n[2]; ++k)
    for (int j = 0; j < g->n[1]; ++j)
      for (int i = 0; i < g->n[0]; ++i) {
        size_t c = rfl_grid_index(g, i, j, k);
        double sum = 0.0;
        if (potential_kind(kase, geo->label[c]) == CELL_UNKNOWN) {
          for (int a = 0; a < 3; ++a)
            for (int s = -1; s <= 1; s += 2) {
              face f = face_of(geo, i, j, k, c, a, s);
              if (f.boundary) {
                if (grounded && !f.mirror) sum += f.area * sigma[c] / f.d * x[c] * x[c];
                continue;
              }
              cell_kind nk = potential_kind(kase, geo->label[f.n]);
              double dv = x[c] - x[f.n];
              if (nk == CELL_UNKNOWN) {
                double rc = f.theta * f.d / sigma[c], rn = (1.0 - f.theta) * f.d / sigma[f.n];
                sum += f.area / (rc + rn) * dv * dv * (rc / (rc + rn));
              } else if (nk == CELL_DIRICHLET) {
                sum += f.area * sigma[c] / dirichlet_distance(&f) * dv * dv;
              }
            }
        }
        q[c] = sum;
      }
  /* faces an interface cuts: the difference their shares make, split as above (serial:
     two entries can share a cell) */
  for (size_t i = 0; i < geo->nface_shares; ++i) {
    const rfl_face_share *e = &geo->face_shares[i];
    const face f = share_face(geo, e);
    if (!share_applies(as, e, &f, 1)) continue;
    double g_own, g_mixed, w;
    share_conductance(as, e, &f, T, 1, &g_own, &g_mixed, &w);
    const size_t c = e->cell;
    const double dv = f.boundary ? x[c] : x[c] - x[f.n], extra = (g_mixed - g_own) * dv * dv;
    q[c] += extra * w;
    if (!f.boundary) q[f.n] += extra * (1.0 - w);
  }
  /* the whole electrode's conductance: the computed part times its mirror images */
  return rfl_case_mirror_factor(kase) * rfl_parallel_dot(q, NULL, NULL, g->ncells);
}

void rfl_assembler_heat(rfl_assembler *as, const double *T, rfl_sysmat *A, double *boundary_g) {
  fill_k(as, T);
  const rfl_geometry *geo = as->geo;
  const rfl_grid *g = geo->grid;
  const double *kcell = as->prop;
  RFL_OMP_FOR
  for (int k = 0; k < g->n[2]; ++k)
    for (int j = 0; j < g->n[1]; ++j)
      for (int i = 0; i < g->n[0]; ++i) {
        size_t c = rfl_grid_index(g, i, j, k);
        double bg = 0.0;
        A->fixed[c] = RFL_UNKNOWN;
        A->g[0][c] = A->g[1][c] = A->g[2][c] = 0.0;
        for (int a = 0; a < 3; ++a)
          for (int s = -1; s <= 1; s += 2) {
            face f = face_of(geo, i, j, k, c, a, s);
            if (f.boundary) {
              if (!f.mirror) bg += f.area * kcell[c] / f.d;
            }
            else if (s > 0)
              A->g[a][c] = series_conductance(&f, kcell[c], kcell[f.n]);
          }
        A->diag[c] = bg;
        A->dirichlet[c] = bg;
        boundary_g[c] = bg;
      }
  apply_face_shares(as, T, 0, A, boundary_g);
}
