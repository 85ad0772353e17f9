// SPDX-License-Identifier: BSD-3-Clause
/* Figures (postproc/figures.h) from a synthetic run built here: an 18G probe with a 10 mm
 * active tip along +z (tip off the grid's symmetry planes), a spherical hot spot centred
 * 3.1 mm up the active tip, T = 37 + 52.4 exp(-r^2 / (2 (3.85 mm)^2)), with
 * ln Omega = 4.2/mm (R - r), R = 5.35 mm (so the Omega = 1 contour is the circle r = R), a
 * protected capsule nerve and a target capsule crossing the slice plane, on a uniform
 * and on a graded grid (fine 0.25 mm core, cells growing 1.3x to 1.3 mm). The figures are
 * read back (PNG signature, cairo reads them, size) and checked where their content is
 * known: the hot colour beside the tip, the cold colour far away, white Omega = 1 contour
 * pixels within 2 px of r = R on four rays and none well inside it, the nerve's outline
 * where the capsule cuts the plane. SVG output is well formed; a tilted probe, the time
 * series and every error path (unwritable directory, unknown extension, bad options) are
 * exercised. Sample figures stay in the build tree under figures-test/. */
#include <cairo.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>

#include "figures.h"
#include "geometry.h"
#include "grid.h"
#include "probe.h"
#include "test_support.h"

#define MM 1e-3

static const double hot_centre_s = 3.1 * MM, hot_sigma = 3.85 * MM, omega_R = 5.35 * MM, omega_k = 4.2 / MM;

static char out_dir[1024];

static void out_path(char *buf, size_t len, const char *name) {
  snprintf(buf, len, "%s/%s", out_dir, name);
}

/* ---- the synthetic run -------------------------------------------------------------- */

typedef struct {
  rfl_case kase;
  rfl_grid *grid;
  rfl_geometry geo;
  double *T, *Tpeak, *omega, *cem, *phi;
  rfl_field_view view;
  rfl_summary summary;
} synthetic;

/* Faces: uniform 0.25 mm in [-6, 16] mm (z) or [-7, 7] mm (x, y), growing 1.3x outside
 * up to 1.3 mm cells, to +-20 mm (graded); uniform 0.3 mm otherwise. */
static int axis_faces(double *f, double lo, double hi, double flo, double fhi, int graded) {
  if (!graded) {
    int n = (int)lround((hi - lo) / (0.3 * MM));
    for (int i = 0; i <= n; ++i) f[i] = lo + (hi - lo) * i / n;
    return n;
  }
  double tmp[400];
  int nl = 0;
  double x = flo, h = 0.25 * MM;
  while (x > lo + 1e-12) {
    h = fmin(1.3 * h, 1.3 * MM);
    x = fmax(x - h, lo);
    if (x - lo < 0.3 * h) x = lo;
    tmp[nl++] = x;
  }
  int n = 0;
  for (int i = nl - 1; i >= 0; --i) f[n++] = tmp[i];
  int nf = (int)lround((fhi - flo) / (0.25 * MM));
  for (int i = 0; i <= nf; ++i) f[n++] = flo + (fhi - flo) * i / nf;
  x = fhi, h = 0.25 * MM;
  while (x < hi - 1e-12) {
    h = fmin(1.3 * h, 1.3 * MM);
    x = fmin(x + h, hi);
    if (hi - x < 0.3 * h) x = hi;
    f[n++] = x;
  }
  return n - 1;
}

static rfl_vec3 hot_centre(const rfl_case *c) {
  const rfl_probe *p = &c->probes[0];
  return rfl_vec3_add(p->tip, rfl_vec3_scale(p->direction, hot_centre_s));
}

static void make_case(rfl_case *c, rfl_vec3 direction) {
  rfl_case_defaults(c);
  snprintf(c->title, sizeof c->title, "L3 medial branch, 18G 10 mm, synthetic field");
  rfl_probe *p = &c->probes[0];
  p->tip = rfl_vec3_make(0.13 * MM, -0.21 * MM, 0.07 * MM);
  double dn = rfl_vec3_norm(direction);
  p->direction = rfl_vec3_scale(direction, 1.0 / dn);
  c->generator.cooldown_s = 30.0;
  /* protected nerve: along y at x = 6.4 mm, z = 2.6 mm, radius 1.1 mm */
  rfl_structure *s = &c->structures[c->nstructures++];
  snprintf(s->name, sizeof s->name, "L3 ventral ramus");
  s->shape.kind = RFL_SHAPE_CAPSULE;
  s->shape.npoints = 2;
  s->shape.points[0] = rfl_vec3_make(6.4 * MM, -25 * MM, 2.6 * MM);
  s->shape.points[1] = rfl_vec3_make(6.4 * MM, 25 * MM, 2.6 * MM);
  s->shape.radius = 1.1 * MM;
  s->role = RFL_ROLE_PROTECTED;
  s->threshold_C = 45.0;
  s->margin = 1e-3;
  /* target: thin branch along y at x = -2.9 mm, z = 1.4 mm */
  s = &c->structures[c->nstructures++];
  snprintf(s->name, sizeof s->name, "medial branch");
  s->shape = c->structures[0].shape;
  s->shape.points[0] = rfl_vec3_make(-2.9 * MM, -25 * MM, 1.4 * MM);
  s->shape.points[1] = rfl_vec3_make(-2.9 * MM, 25 * MM, 1.4 * MM);
  s->shape.radius = 0.45 * MM;
  s->role = RFL_ROLE_TARGET;
  s->threshold_C = 45.0;
  /* bone below the tip: half-space z < -5.2 mm */
  s = &c->structures[c->nstructures++];
  snprintf(s->name, sizeof s->name, "L4 transverse process");
  s->shape.kind = RFL_SHAPE_HALFSPACE;
  s->shape.point = rfl_vec3_make(0, 0, -5.2 * MM);
  s->shape.normal = rfl_vec3_make(0, 0, 1);
  s->role = RFL_ROLE_NONE;
}

static void make_synthetic(synthetic *sy, int graded, rfl_vec3 direction) {
  memset(sy, 0, sizeof *sy);
  make_case(&sy->kase, direction);
  double fx[400], fy[400], fz[400];
  int n[3];
  n[0] = axis_faces(fx, -20 * MM, 20 * MM, -7 * MM, 7 * MM, graded);
  n[1] = axis_faces(fy, -20 * MM, 20 * MM, -7 * MM, 7 * MM, graded);
  n[2] = axis_faces(fz, -20 * MM, 25 * MM, -6 * MM, 16 * MM, graded);
  const double *faces[3] = {fx, fy, fz};
  assert_int_equal(rfl_grid_create_from_faces(n, faces, &sy->grid), RFL_OK);
  const rfl_grid *g = sy->grid;
  sy->T = malloc(g->ncells * sizeof(double));
  sy->Tpeak = malloc(g->ncells * sizeof(double));
  sy->omega = malloc(g->ncells * sizeof(double));
  sy->cem = calloc(g->ncells, sizeof(double));
  sy->geo.label = calloc(g->ncells, sizeof(rfl_label));
  assert_true(sy->T && sy->Tpeak && sy->omega && sy->cem && sy->geo.label);
  sy->geo.grid = g;
  rfl_vec3 c0 = hot_centre(&sy->kase);
  const rfl_probe *p = &sy->kase.probes[0];
  for (int k = 0; k < g->n[2]; ++k)
    for (int j = 0; j < g->n[1]; ++j)
      for (int i = 0; i < g->n[0]; ++i) {
        size_t q = rfl_grid_index(g, i, j, k);
        rfl_vec3 x = rfl_vec3_make(g->xc[0][i], g->xc[1][j], g->xc[2][k]);
        double r = rfl_vec3_norm(rfl_vec3_sub(x, c0));
        sy->T[q] = 37.0 + 52.4 * exp(-r * r / (2 * hot_sigma * hot_sigma));
        sy->Tpeak[q] = sy->T[q] + 0.8;
        sy->omega[q] = exp(omega_k * (omega_R - r));
        rfl_probe_part part = rfl_probe_part_at(p, x);
        if (part != RFL_PROBE_PART_NONE) {
          sy->geo.label[q].part = part == RFL_PROBE_PART_ACTIVE ? RFL_PART_ACTIVE : RFL_PART_SHAFT;
          sy->geo.label[q].material = (uint8_t)p->material;
          sy->omega[q] = 0.0; /* electrode cells carry no damage */
        }
      }
  sy->view.kase = &sy->kase;
  sy->view.grid = g;
  sy->view.geometry = &sy->geo;
  sy->view.t = sy->kase.generator.duration_s;
  sy->view.temperature = sy->T;
  sy->view.peak_temperature = sy->Tpeak;
  sy->view.omega = sy->omega;
  sy->view.cem43 = sy->cem;
  sy->summary.kase = &sy->kase;
  sy->summary.end_of_rf.t = 90.0;
  sy->summary.end_of_rf.lesion.found = 1;
  sy->summary.end_of_rf.lesion.width = 2 * omega_R;
  sy->summary.end_of_rf.lesion.length = 2 * omega_R;
  sy->summary.end_of_rf.lesion.distal = omega_R - hot_centre_s;
  sy->summary.end_of_rf.lesion.volume = 4.0 / 3.0 * RFL_PI * pow(omega_R, 3);
  sy->summary.nstructures = sy->kase.nstructures;
  for (int k = 0; k < sy->kase.nstructures; ++k) {
    sy->summary.structures[k].structure = &sy->kase.structures[k];
    sy->summary.structures[k].threshold_crossed_s = NAN;
  }
  /* as after rfl_monitor_finish: final snapshot and structure figures */
  sy->summary.final = sy->summary.end_of_rf;
  sy->summary.final.t = 120.0;
  sy->summary.structures[0].margin = -0.15 * MM;
  sy->summary.structures[0].flag_overlap = 1; /* as rfl_summary_set_flags would set it */
  sy->summary.structures[0].peak_C = 61.3;
  sy->summary.structures[1].margin = -3.2 * MM;
  sy->summary.structures[1].covered = 1; /* the target is cut through */
  sy->summary.structures[1].peak_C = 72.4;
}

static void free_synthetic(synthetic *sy) {
  free(sy->T), free(sy->Tpeak), free(sy->omega), free(sy->cem), free(sy->geo.label);
  rfl_grid_free(sy->grid);
}

/* ---- reading figures back ------------------------------------------------------------ */

typedef struct {
  cairo_surface_t *s;
  int w, h, stride;
  const unsigned char *data;
} image;

static image read_png(const char *path) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  unsigned char sig[8];
  assert_int_equal(fread(sig, 1, 8, f), 8);
  fclose(f);
  static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  assert_memory_equal(sig, png_sig, 8);
  image im;
  im.s = cairo_image_surface_create_from_png(path);
  assert_int_equal(cairo_surface_status(im.s), CAIRO_STATUS_SUCCESS);
  assert_true(cairo_image_surface_get_format(im.s) == CAIRO_FORMAT_RGB24 ||
              cairo_image_surface_get_format(im.s) == CAIRO_FORMAT_ARGB32);
  im.w = cairo_image_surface_get_width(im.s);
  im.h = cairo_image_surface_get_height(im.s);
  im.stride = cairo_image_surface_get_stride(im.s);
  im.data = cairo_image_surface_get_data(im.s);
  return im;
}

static void pixel(const image *im, int x, int y, int rgb[3]) {
  assert_true(x >= 0 && y >= 0 && x < im->w && y < im->h);
  uint32_t v;
  memcpy(&v, im->data + (size_t)y * (size_t)im->stride + 4 * (size_t)x, 4);
  rgb[0] = (int)(v >> 16 & 255), rgb[1] = (int)(v >> 8 & 255), rgb[2] = (int)(v & 255);
}

static int is_white(const int c[3]) { return c[0] >= 235 && c[1] >= 235 && c[2] >= 235; }

static void no_temporaries_left(void) {
  DIR *d = opendir(out_dir);
  assert_non_null(d);
  struct dirent *e;
  while ((e = readdir(d)) != NULL)
    if (strstr(e->d_name, ".tmp.")) fail_msg("temporary file left behind: %s", e->d_name);
  closedir(d);
}

/* ---- slice --------------------------------------------------------------------------- */

/* Content checks on a slice PNG of a synthetic run with the probe along +z. */
static void check_slice_content(const synthetic *sy, const char *path, double scale) {
  rfl_figure_slice_options o;
  rfl_figure_slice_defaults(&o);
  o.scale = scale;
  rfl_figure_slice_info info;
  assert_int_equal(rfl_figure_slice_plan(&sy->view, &o, &info), RFL_OK);
  /* the plane holds the axis and points at the protected nerve: exactly x-z */
  assert_int_equal(info.plane_structure, 0);
  assert_true(info.lateral.x == 1.0 && info.lateral.y == 0.0 && info.lateral.z == 0.0);
  assert_true(info.axial.x == 0.0 && info.axial.y == 0.0 && info.axial.z == 1.0);

  image im = read_png(path);
  assert_int_equal(im.w, info.width);
  assert_int_equal(im.h, info.height);
  int c[3];
  double x, y;
  const rfl_probe *p = &sy->kase.probes[0];
  /* hot: 1.2 mm across and 1 mm up from the tip, towards the nerve (T about 80 C on a
   * 37..90 C scale: orange; below the tip the target's label may lie) */
  rfl_figure_slice_pixel(&info, rfl_vec3_add(p->tip, rfl_vec3_make(1.2 * MM, 0, 1.0 * MM)), &x, &y);
  pixel(&im, (int)x, (int)y, c);
  if (!(c[0] > 200 && c[1] > 60 && c[2] < 140)) fail_msg("tip pixel (%d, %d, %d) is not hot", c[0], c[1], c[2]);
  /* cold: 9 mm across, 4 mm distal (37 C: near black) */
  rfl_figure_slice_pixel(&info, rfl_vec3_add(p->tip, rfl_vec3_make(-9.5 * MM, 0, -4.5 * MM)), &x, &y);
  pixel(&im, (int)x, (int)y, c);
  if (!(c[0] < 40 && c[1] < 30 && c[2] < 60)) fail_msg("far pixel (%d, %d, %d) is not cold", c[0], c[1], c[2]);
  /* Omega = 1 contour: white pixels within 2 px of r = R on four rays from the hot centre
   * (left, down-left, down, and 45 degrees up-left), none between the electrode and R - 0.6 mm */
  rfl_vec3 c0 = hot_centre(&sy->kase);
  const double ang_deg[4] = {180.0, 225.0, 270.0, 135.0};
  for (int r = 0; r < 4; ++r) {
    double a = ang_deg[r] * RFL_PI / 180.0;
    rfl_vec3 dir = rfl_vec3_make(cos(a), 0, sin(a));
    double ex, ey, best = INFINITY;
    rfl_figure_slice_pixel(&info, rfl_vec3_add(c0, rfl_vec3_scale(dir, omega_R)), &ex, &ey);
    for (int dy = -2; dy <= 2; ++dy)
      for (int dx = -2; dx <= 2; ++dx) {
        pixel(&im, (int)ex + dx, (int)ey + dy, c);
        if (is_white(c)) best = fmin(best, hypot(dx, dy));
      }
    if (!isfinite(best)) fail_msg("no Omega = 1 contour pixel within 2 px of r = R at %g degrees", ang_deg[r]);
    for (double s = 1.2 * MM; s < omega_R - 0.6 * MM; s += 0.05 * MM) {
      rfl_figure_slice_pixel(&info, rfl_vec3_add(c0, rfl_vec3_scale(dir, s)), &x, &y);
      pixel(&im, (int)lround(x), (int)lround(y), c);
      if (is_white(c)) fail_msg("white pixel inside the lesion at r = %.2f mm, %g degrees", s / MM, ang_deg[r]);
    }
  }
  /* the protected nerve's outline (red) where the capsule cuts the plane: its circle of
   * radius 1.1 mm about (6.4, 2.6) mm, on its far side (u = 7.5 mm) */
  rfl_vec3 edge = rfl_vec3_make(7.5 * MM, p->tip.y, 2.6 * MM);
  rfl_figure_slice_pixel(&info, edge, &x, &y);
  int red = 0;
  for (int dy = -2; dy <= 2; ++dy)
    for (int dx = -2; dx <= 2; ++dx) {
      pixel(&im, (int)x + dx, (int)y + dy, c);
      red += c[0] > 200 && c[1] < 80 && c[2] < 80;
    }
  assert_true(red > 0);
  cairo_surface_destroy(im.s);
}

static void test_slice_uniform(void **state) {
  (void)state;
  synthetic sy;
  make_synthetic(&sy, 0, rfl_vec3_make(0, 0, 1));
  char path[1200];
  out_path(path, sizeof path, "slice_uniform.png");
  assert_int_equal(rfl_figure_slice(path, &sy.view, &sy.summary, NULL), RFL_OK);
  check_slice_content(&sy, path, 1.0);
  no_temporaries_left();
  free_synthetic(&sy);
}

static void test_slice_graded(void **state) {
  (void)state;
  synthetic sy;
  make_synthetic(&sy, 1, rfl_vec3_make(0, 0, 1));
  assert_true(sy.grid->dx[0][0] > 1.0 * MM && sy.grid->dx[0][sy.grid->n[0] / 2] < 0.26 * MM);
  char path[1200];
  out_path(path, sizeof path, "slice_graded.png");
  assert_int_equal(rfl_figure_slice(path, &sy.view, &sy.summary, NULL), RFL_OK);
  check_slice_content(&sy, path, 1.0);
  /* high-resolution: the same content at twice the pixels */
  rfl_figure_slice_options o;
  rfl_figure_slice_defaults(&o);
  o.scale = 2.0;
  out_path(path, sizeof path, "slice_graded_2x.png");
  assert_int_equal(rfl_figure_slice(path, &sy.view, &sy.summary, &o), RFL_OK);
  check_slice_content(&sy, path, 2.0);
  /* peak temperature, fixed range, and the whole domain in view (grey outside) */
  o.scale = 1.0;
  o.field = RFL_FIGURE_PEAK;
  o.t_min_C = 30.0;
  o.t_max_C = 100.0;
  o.half_width = 26 * MM;
  out_path(path, sizeof path, "slice_graded_peak_wide.png");
  assert_int_equal(rfl_figure_slice(path, &sy.view, &sy.summary, &o), RFL_OK);
  rfl_figure_slice_info info;
  assert_int_equal(rfl_figure_slice_plan(&sy.view, &o, &info), RFL_OK);
  image im = read_png(path);
  int c[3];
  double x, y;
  rfl_figure_slice_pixel(&info, rfl_vec3_make(-23 * MM, 0, 0), &x, &y); /* outside the domain */
  pixel(&im, (int)x, (int)y, c);
  assert_true(c[0] == c[1] && c[1] == c[2] && c[0] > 200);
  cairo_surface_destroy(im.s);
  free_synthetic(&sy);
}

static void test_slice_svg_and_tilted(void **state) {
  (void)state;
  synthetic sy;
  make_synthetic(&sy, 1, rfl_vec3_make(0.35, 0.2, 1.0));
  char path[1200];
  out_path(path, sizeof path, "slice_tilted.svg");
  assert_int_equal(rfl_figure_slice(path, &sy.view, &sy.summary, NULL), RFL_OK);
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  static char buf[1 << 16];
  size_t len = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[len] = '\0';
  assert_true(len > 1000);
  assert_true(strncmp(buf, "<?xml", 5) == 0);
  assert_contains(buf, "<svg");
  struct stat stt;
  assert_int_equal(stat(path, &stt), 0);
  f = fopen(path, "rb");
  assert_int_equal(fseek(f, -16, SEEK_END), 0);
  len = fread(buf, 1, 16, f);
  fclose(f);
  buf[len] = '\0';
  assert_contains(buf, "</svg>");

  /* tilted probe, PNG: the plane still holds the axis; hot beside the tip, lesion edge at R */
  out_path(path, sizeof path, "slice_tilted.png");
  assert_int_equal(rfl_figure_slice(path, &sy.view, &sy.summary, NULL), RFL_OK);
  rfl_figure_slice_info info;
  assert_int_equal(rfl_figure_slice_plan(&sy.view, NULL, &info), RFL_OK);
  assert_close(rfl_vec3_dot(info.lateral, info.axial), 0.0, 1e-12);
  assert_close(rfl_vec3_dot(info.axial, sy.kase.probes[0].direction), 1.0, 1e-12);
  assert_true(info.lateral.x > 0.8); /* towards the nerve at +x */
  image im = read_png(path);
  int c[3];
  double x, y;
  const rfl_probe *p = &sy.kase.probes[0];
  rfl_figure_slice_pixel(&info, rfl_vec3_sub(p->tip, rfl_vec3_scale(p->direction, 0.5 * MM)), &x, &y);
  pixel(&im, (int)x, (int)y, c);
  assert_true(c[0] > 200 && c[2] < 140);
  rfl_vec3 c0 = hot_centre(&sy.kase);
  rfl_vec3 away = rfl_vec3_scale(info.lateral, -1.0);
  rfl_figure_slice_pixel(&info, rfl_vec3_add(c0, rfl_vec3_scale(away, omega_R)), &x, &y);
  int found = 0;
  for (int dy = -2; dy <= 2; ++dy)
    for (int dx = -2; dx <= 2; ++dx) {
      pixel(&im, (int)x + dx, (int)y + dy, c);
      found += is_white(c);
    }
  assert_true(found > 0);
  cairo_surface_destroy(im.s);
  free_synthetic(&sy);
}

static void test_slice_without_structures(void **state) {
  (void)state;
  synthetic sy;
  make_synthetic(&sy, 0, rfl_vec3_make(0, 1, 0)); /* along +y */
  sy.kase.nstructures = 0;
  sy.summary.nstructures = 0;
  rfl_figure_slice_info info;
  assert_int_equal(rfl_figure_slice_plan(&sy.view, NULL, &info), RFL_OK);
  assert_int_equal(info.plane_structure, -1);
  /* the grid axis least aligned with +y is x */
  assert_true(info.lateral.x == 1.0 && info.lateral.y == 0.0 && info.lateral.z == 0.0);
  char path[1200];
  out_path(path, sizeof path, "slice_plain.PNG");
  assert_int_equal(rfl_figure_slice(path, &sy.view, NULL, NULL), RFL_OK);
  image im = read_png(path);
  assert_int_equal(im.w, info.width);
  cairo_surface_destroy(im.s);
  free_synthetic(&sy);
}

static void test_slice_errors(void **state) {
  (void)state;
  synthetic sy;
  make_synthetic(&sy, 0, rfl_vec3_make(0, 0, 1));
  rfl_error_clear();
  assert_int_equal(rfl_figure_slice("/nonexistent-rfl-dir/slice.png", &sy.view, &sy.summary, NULL), RFL_EIO);
  assert_contains(rfl_error_message(), "/nonexistent-rfl-dir/slice.png: cannot create the figure");
  assert_contains(rfl_error_message(), strerror(ENOENT));
  assert_int_equal(rfl_figure_slice("/nonexistent-rfl-dir/slice.svg", &sy.view, &sy.summary, NULL), RFL_EIO);
  char path[1200];
  out_path(path, sizeof path, "slice.jpg");
  assert_int_equal(rfl_figure_slice(path, &sy.view, &sy.summary, NULL), RFL_EINPUT);
  assert_contains(rfl_error_message(), "expected a .png, .svg or .pdf file name, found '.jpg'");
  out_path(path, sizeof path, "slice");
  assert_int_equal(rfl_figure_slice(path, &sy.view, &sy.summary, NULL), RFL_EINPUT);
  assert_contains(rfl_error_message(), "found 'no extension'");
  /* a directory under the name: refused before drawing (only regular files are replaced) */
  out_path(path, sizeof path, "a_directory.png");
  mkdir(path, 0755);
  assert_int_equal(rfl_figure_slice(path, &sy.view, &sy.summary, NULL), RFL_EUSAGE);
  assert_contains(rfl_error_message(), "a_directory.png: expected a regular file or a new name to write, found a "
                                       "directory");
  no_temporaries_left();
  rfl_figure_slice_options o;
  rfl_figure_slice_defaults(&o);
  o.lateral = rfl_vec3_make(0, 0, -2.0);
  out_path(path, sizeof path, "slice_bad.png");
  assert_int_equal(rfl_figure_slice(path, &sy.view, &sy.summary, &o), RFL_EINPUT);
  assert_contains(rfl_error_message(), "parallel to the probe axis");
  rfl_figure_slice_defaults(&o);
  o.half_width = -1.0;
  assert_int_equal(rfl_figure_slice(path, &sy.view, &sy.summary, &o), RFL_EINPUT);
  assert_contains(rfl_error_message(), "half-width");
  rfl_figure_slice_defaults(&o);
  o.lateral = rfl_vec3_make(0, 1, 0); /* explicit plane y-z */
  rfl_figure_slice_info info;
  assert_int_equal(rfl_figure_slice_plan(&sy.view, &o, &info), RFL_OK);
  assert_true(info.lateral.y == 1.0 && info.plane_structure == -1);
  sy.kase.nprobes = 0;
  assert_int_equal(rfl_figure_slice(path, &sy.view, &sy.summary, NULL), RFL_EINPUT);
  assert_contains(rfl_error_message(), "no probe");
  free_synthetic(&sy);
}

/* Pixels of a colour (within 12 per channel) in a 9 x 9 square about (x, y). */
static int colour_near(const image *im, double x, double y, const int want[3]) {
  int n = 0, c[3];
  for (int dy = -4; dy <= 4; ++dy)
    for (int dx = -4; dx <= 4; ++dx) {
      pixel(im, (int)x + dx, (int)y + dy, c);
      n += abs(c[0] - want[0]) <= 12 && abs(c[1] - want[1]) <= 12 && abs(c[2] - want[2]) <= 12;
    }
  return n;
}

/* A flagged protected nerve is red, a clear one blue; the legend says which. */
static void test_slice_flagged_and_clear(void **state) {
  (void)state;
  synthetic sy;
  make_synthetic(&sy, 0, rfl_vec3_make(0, 0, 1));
  rfl_figure_slice_info info;
  assert_int_equal(rfl_figure_slice_plan(&sy.view, NULL, &info), RFL_OK);
  double x, y;
  rfl_figure_slice_pixel(&info, rfl_vec3_make(7.5 * MM, sy.kase.probes[0].tip.y, 2.6 * MM), &x, &y);
  static const int red[3] = {242, 38, 38}, blue[3] = {77, 158, 255};
  char path[1200];
  out_path(path, sizeof path, "slice_flagged.png");
  assert_int_equal(rfl_figure_slice(path, &sy.view, &sy.summary, NULL), RFL_OK);
  image im = read_png(path);
  int flagged_red = colour_near(&im, x, y, red), flagged_blue = colour_near(&im, x, y, blue);
  cairo_surface_destroy(im.s);
  sy.summary.structures[0].flag_overlap = 0;
  out_path(path, sizeof path, "slice_clear.png");
  assert_int_equal(rfl_figure_slice(path, &sy.view, &sy.summary, NULL), RFL_OK);
  im = read_png(path);
  int clear_red = colour_near(&im, x, y, red), clear_blue = colour_near(&im, x, y, blue);
  cairo_surface_destroy(im.s);
  printf("  outline pixels: flagged %d red %d blue, clear %d red %d blue\n", flagged_red, flagged_blue, clear_red,
         clear_blue);
  assert_true(flagged_red > 3 && flagged_blue == 0);
  assert_true(clear_blue > 3 && clear_red == 0);
  free_synthetic(&sy);
}

/* The cross-section: normal to the probe through the target, x right and y up, the
 * electrode a grey disc in the middle and the target in green. */
static void test_slice_across(void **state) {
  (void)state;
  synthetic sy;
  make_synthetic(&sy, 0, rfl_vec3_make(0, 0, 1));
  rfl_figure_slice_options o;
  rfl_figure_slice_defaults(&o);
  o.plane = RFL_SLICE_ACROSS;
  rfl_figure_slice_info info;
  assert_int_equal(rfl_figure_slice_plan(&sy.view, &o, &info), RFL_OK);
  assert_int_equal(info.plane_structure, 1);
  assert_true(info.lateral.x == 1.0 && info.lateral.y == 0.0 && info.lateral.z == 0.0);
  assert_true(info.axial.x == 0.0 && info.axial.y == 1.0 && info.axial.z == 0.0);
  /* the target's axis is at z = 1.4 mm, the tip at z = 0.07 mm: cut 1.33 mm up (to a 40th of the tip) */
  assert_true(fabs(info.across_s - 1.33 * MM) <= 0.25 * MM + 1e-12);
  char path[1200];
  out_path(path, sizeof path, "slice_across.png");
  assert_int_equal(rfl_figure_slice(path, &sy.view, &sy.summary, &o), RFL_OK);
  image im = read_png(path);
  double x, y;
  static const int active[3] = {217, 219, 224}, green[3] = {51, 217, 89};
  rfl_figure_slice_pixel(&info, info.origin, &x, &y);
  assert_true(colour_near(&im, x, y, active) > 40);
  /* the target runs along y at x = -2.9 mm (radius 0.45 mm): its outline at x = -3.35 mm */
  rfl_figure_slice_pixel(&info, rfl_vec3_make(-3.35 * MM, 6.0 * MM, info.origin.z), &x, &y);
  assert_true(colour_near(&im, x, y, green) > 3);
  cairo_surface_destroy(im.s);
  o.structure = 7;
  assert_int_equal(rfl_figure_slice_plan(&sy.view, &o, &info), RFL_EINPUT);
  assert_contains(rfl_error_message(), "slice figure: structure: expected -1..2, found 7");
  no_temporaries_left();
  free_synthetic(&sy);
}

/* ---- sweep figure ------------------------------------------------------------------------ */

/* Columns in words with their units; a sweep figure without groups uses the whole width. */
static void test_sweep_figure_words_and_layout(void **state) {
  (void)state;
  char label[160], unit[16];
  const struct {
    const char *column, *label, *unit;
  } cases[] = {{"lesion_width_mm", "lesion width, \u03a9 \u2265 1", "mm"},
               {"root.margin_mm", "root: gap to the lesion", "mm"},
               {"ventral_ramus.peak_C", "ventral_ramus: peak temperature", "\u00b0C"},
               {"generator.set_temperature_C", "set temperature", "\u00b0C"},
               {"structure:root.radius_mm", "root radius", "mm"},
               {"probe.gauge", "gauge", ""},
               {"lesion_volume_mm3", "lesion volume, \u03a9 \u2265 1", "mm\u00b3"},
               {"impedance_ohm", "impedance at the end of RF", "\u03a9"}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
    rfl_results_column_describe(cases[i].column, label, sizeof label, unit, sizeof unit);
    assert_string_equal(label, cases[i].label);
    assert_string_equal(unit, cases[i].unit);
  }
  rfl_results_table t;
  rfl_results_table_init(&t);
  for (int r = 0; r < 4; ++r) {
    rfl_results_row row;
    rfl_results_row_init(&row, r);
    assert_int_equal(rfl_results_row_add_text(&row, "status", "ok"), RFL_OK);
    assert_int_equal(rfl_results_row_add_real(&row, "generator.set_temperature_C", 60.0 + 10.0 * r), RFL_OK);
    assert_int_equal(rfl_results_row_add_real(&row, "lesion_width_mm", 6.0 + 1.5 * r), RFL_OK);
    assert_int_equal(rfl_results_table_add(&t, &row), RFL_OK);
  }
  assert_int_equal(rfl_results_table_finish(&t), RFL_OK);
  char path[1200];
  out_path(path, sizeof path, "sweep.png");
  assert_int_equal(rfl_figure_sweep(path, &t, "lesion_width_mm", "generator.set_temperature_C", NULL), RFL_OK);
  image im = read_png(path);
  assert_int_equal(im.w, 1000);
  /* the plot frame's right edge is 40 units from the image's (no legend column) */
  int c[3], frame = 0;
  for (int x = 955; x <= 965; ++x) {
    pixel(&im, x, 320, c);
    frame += c[0] < 160 && c[1] < 160 && c[2] < 160;
  }
  assert_true(frame > 0);
  for (int x = 970; x < 1000; ++x) {
    pixel(&im, x, 320, c);
    assert_true(is_white(c));
  }
  cairo_surface_destroy(im.s);
  rfl_results_table_free(&t);
  no_temporaries_left();
}

/* ---- time series --------------------------------------------------------------------- */

static void test_timeseries(void **state) {
  (void)state;
  synthetic sy;
  make_synthetic(&sy, 0, rfl_vec3_make(0, 0, 1));
  const rfl_case *c = &sy.kase;
  const size_t n = 240; /* 90 s RF + 30 s cool-down at 0.5 s */
  rfl_sample *smp = calloc(n, sizeof *smp);
  double *hist = malloc(n * (size_t)c->nstructures * sizeof *hist);
  assert_true(smp && hist);
  for (size_t i = 0; i < n; ++i) {
    double t = 0.5 * (double)(i + 1);
    int on = t <= 90.0 + 1e-9;
    double set = t < 10.0 ? 37.0 + 4.3 * t : 80.0;
    double tc = on ? set - 2.1 * exp(-t / 4.0) : 37.0 + 43.0 * exp(-(t - 90.0) / 6.0);
    smp[i].t = t;
    smp[i].rf_on = on;
    smp[i].setpoint_C = set;
    smp[i].thermocouple_C = tc;
    smp[i].tissue_max_C = tc + (on ? 6.5 : 1.0);
    smp[i].impedance = on ? 210.0 - 35.0 * (1 - exp(-t / 20.0)) : 175.0;
    smp[i].voltage = on ? 11.0 + 9.0 * exp(-t / 15.0) * (t > 10 ? 1 : t / 10.0) : 0.0;
    smp[i].power = smp[i].voltage * smp[i].voltage / smp[i].impedance;
    smp[i].current = smp[i].voltage / smp[i].impedance;
    /* nerve warms to 47.6 C (threshold 45 C crossed), target to 62 C, region not shown */
    double w = on ? 1.0 - exp(-t / 35.0) : (1.0 - exp(-90.0 / 35.0)) * exp(-(t - 90.0) / 40.0);
    hist[i * 3 + 0] = 37.0 + 12.2 * w;
    hist[i * 3 + 1] = 37.0 + 31.0 * w;
    hist[i * 3 + 2] = 37.0 + 0.5 * w;
  }
  sy.summary.history_peak_C = hist;
  sy.summary.history_steps = n;
  sy.summary.structures[0].threshold_crossed_s = 53.6;
  char path[1200];
  out_path(path, sizeof path, "timeseries.png");
  assert_int_equal(rfl_figure_timeseries(path, smp, n, &sy.summary, c, NULL), RFL_OK);
  image im = read_png(path);
  assert_int_equal(im.w, 1000);
  assert_true(im.h > 800);
  /* the thermocouple's blue is drawn */
  int blue = 0, col[3];
  for (int y = 0; y < im.h; ++y)
    for (int x = 0; x < im.w; ++x) {
      pixel(&im, x, y, col);
      blue += abs(col[0] - 31) < 10 && abs(col[1] - 120) < 10 && abs(col[2] - 181) < 10;
    }
  assert_true(blue > 300);
  out_path(path, sizeof path, "timeseries.svg");
  assert_int_equal(rfl_figure_timeseries(path, smp, n, &sy.summary, c, NULL), RFL_OK);
  /* without a summary: no structure panel, a shorter figure */
  out_path(path, sizeof path, "timeseries_plain.png");
  assert_int_equal(rfl_figure_timeseries(path, smp, n, NULL, c, NULL), RFL_OK);
  image im2 = read_png(path);
  assert_true(im2.h < im.h - 100);
  cairo_surface_destroy(im2.s);
  cairo_surface_destroy(im.s);
  /* errors */
  assert_int_equal(rfl_figure_timeseries("/nonexistent-rfl-dir/ts.png", smp, n, &sy.summary, c, NULL), RFL_EIO);
  assert_contains(rfl_error_message(), "/nonexistent-rfl-dir/ts.png");
  assert_int_equal(rfl_figure_timeseries(path, smp, 0, &sy.summary, c, NULL), RFL_EINPUT);
  assert_contains(rfl_error_message(), "no samples");
  assert_int_equal(rfl_figure_timeseries("ts.gif", smp, n, &sy.summary, c, NULL), RFL_EINPUT);
  no_temporaries_left();
  free(smp);
  free(hist);
  free_synthetic(&sy);
}

int main(void) {
  snprintf(out_dir, sizeof out_dir, "%s/figures-test", RFL_BINARY_DIR);
  if (mkdir(out_dir, 0755) != 0 && errno != EEXIST) {
    fprintf(stderr, "cannot create %s: %s\n", out_dir, strerror(errno));
    return 1;
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_slice_uniform),        cmocka_unit_test(test_slice_graded),
      cmocka_unit_test(test_slice_svg_and_tilted), cmocka_unit_test(test_slice_without_structures),
      cmocka_unit_test(test_slice_errors),         cmocka_unit_test(test_timeseries),
      cmocka_unit_test(test_slice_flagged_and_clear), cmocka_unit_test(test_slice_across),
      cmocka_unit_test(test_sweep_figure_words_and_layout),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  cairo_debug_reset_static_data();
  return rc;
}
