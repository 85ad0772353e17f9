// SPDX-License-Identifier: BSD-3-Clause
/* What the slice figure draws around and over its field (figure_slice.h): the scale bar,
 * the structures' labels (placed clear of each other, of the outlines and of the
 * electrodes), the frame and axes in mm, the title, the colour bar and the legend with the
 * lesion's size and each structure's verdict once the run is finished. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "figure_slice.h"
#include "metrics.h"

static const rgb c_protected = {0.95, 0.15, 0.15};
static const rgb c_clear = {0.30, 0.62, 1.0};
static const rgb c_not_covered = {1.0, 0.62, 0.10};
static const rgb c_region = {0.80, 0.80, 0.80};

/* ---- how a structure looks ---------------------------------------------------------------- */

static const struct {
  const char *word;   /* after the role in the label, or NULL */
  const char *legend;
} look_text[NLOOKS] = {{NULL, "protected structure"}, {"flagged", "protected, safety flag"},
                       {"clear", "protected, clear"},   {NULL, "target structure"},
                       {"covered", "target, covered"},  {"not covered", "target, not covered"},
                       {NULL, "other region"}};

look rfl_slice_look(const rfl_summary *sum, int k, const rfl_structure *st) {
  int finished = sum && sum->final.t > 0.0 && k < sum->nstructures;
  const rfl_structure_report *r = finished ? &sum->structures[k] : NULL;
  if (st->role == RFL_ROLE_PROTECTED)
    return !r ? LOOK_PROTECTED : r->flag_overlap || r->flag_within_margin || r->flag_threshold ? LOOK_FLAGGED : LOOK_CLEAR;
  if (st->role == RFL_ROLE_TARGET) return !r ? LOOK_TARGET : r->covered ? LOOK_COVERED : LOOK_NOT_COVERED;
  return LOOK_REGION;
}

rgb rfl_slice_look_colour(look l) {
  switch (l) {
    case LOOK_PROTECTED: case LOOK_FLAGGED: return c_protected;
    case LOOK_CLEAR: return c_clear;
    case LOOK_TARGET: case LOOK_COVERED: return c_target;
    case LOOK_NOT_COVERED: return c_not_covered;
    default: return c_region;
  }
}

/* The label text's colour: a darker shade of the outline's. */
static rgb look_text_colour(look l) {
  switch (l) {
    case LOOK_PROTECTED: case LOOK_FLAGGED: return (rgb){0.70, 0.05, 0.05};
    case LOOK_CLEAR: return (rgb){0.05, 0.30, 0.70};
    case LOOK_TARGET: case LOOK_COVERED: return (rgb){0.05, 0.45, 0.15};
    case LOOK_NOT_COVERED: return (rgb){0.62, 0.33, 0.0};
    default: return (rgb){0.25, 0.25, 0.25};
  }
}

/* ---- structure labels --------------------------------------------------------------------- */

typedef struct {
  double x, y, w, h;
} box;

enum { MAX_PLACED = RFL_MAX_STRUCTURES + 4 };

static int boxes_overlap(box a, box b, double pad) {
  return a.x < b.x + b.w + pad && b.x < a.x + a.w + pad && a.y < b.y + b.h + pad && b.y < a.y + a.h + pad;
}

/* A label's text: the name, then the verdict (the colour and the legend give the role) or
 * the role; an other region's name alone. */
static void label_text(const rfl_structure *st, look lk, char *label, size_t size) {
  if (st->role == RFL_ROLE_NONE)
    snprintf(label, size, "%s", st->name);
  else if (look_text[lk].word)
    snprintf(label, size, "%s (%s)", st->name, look_text[lk].word);
  else
    snprintf(label, size, "%s (%s)", st->name, rfl_role_words(st->role));
}

/* score lowered for each outline point under box b (grown by 3): the structures' more than
 * the lesion contours'. */
static double outline_penalty(const slice_ctx *s, const slice_marks *mk, box b, double score) {
  const int ns = s->kase->nstructures;
  for (int m = 0; m < ns + 2; ++m) {
    const contour_set *o = &mk->outlines[m];
    size_t ostride = o->npts / 400 + 1;
    for (size_t r = 0; r < o->npts; r += ostride) {
      double ox, oy;
      rfl_slice_node_to_layout(s, o->pts[r], &ox, &oy);
      if (ox > b.x - 3 && ox < b.x + b.w + 3 && oy > b.y - 3 && oy < b.y + b.h + 3) score -= m < ns ? 40.0 : 15.0;
    }
  }
  return score;
}

/* score lowered for each point of an electrode's axis (every 0.25 mm) under box b, grown by
 * the electrode's radius. */
static double electrode_penalty(const slice_ctx *s, box b, double score) {
  for (int pi = 0; pi < s->kase->nprobes; ++pi) {
    const rfl_probe *p = &s->kase->probes[pi];
    rfl_vec3 d = slice_unit(p->direction);
    double pad = p->radius * s->ppm + 3.0;
    for (double t = 0.0; t < 4.0 * s->hw; t += 0.25 * MM) {
      rfl_vec3 r = rfl_vec3_sub(rfl_vec3_add(p->tip, rfl_vec3_scale(d, t)), s->info.origin);
      double ox, oy;
      rfl_slice_plane_to_layout(s, rfl_vec3_dot(r, s->info.lateral), rfl_vec3_dot(r, s->info.axial), &ox, &oy);
      if (ox > b.x - pad && ox < b.x + b.w + pad && oy > b.y - pad && oy < b.y + b.h + pad) score -= 40.0;
    }
  }
  return score;
}

/* How good box b (centre bx, by; `gap` from its anchor) is for a label: far from the plot
 * centre (the lesion), near its anchor, inside the plot and clear of the placed labels, the
 * outlines and the electrodes. */
static double label_score(const slice_ctx *s, const slice_marks *mk, box b, double bx, double by, double gap,
                          const box *placed, int nplaced) {
  const double cx = SL_PX + 0.5 * SL_P, cy = SL_PY + 0.5 * SL_P;
  double score = hypot(bx - cx, by - cy) - (gap > 12.0 ? 30.0 : 0.0);
  if (b.x < SL_PX + 6 || b.y < SL_PY + 6 || b.x + b.w > SL_PX + SL_P - 6 || b.y + b.h > SL_PY + SL_P - 6)
    score -= 1e5;
  for (int m = 0; m < nplaced; ++m)
    if (boxes_overlap(b, placed[m], 4.0)) score -= 1e5;
  score = outline_penalty(s, mk, b, score);
  return electrode_penalty(s, b, score);
}

/* The label box with a leader line to its anchor (ax, ay). */
static void draw_label(cairo_t *cr, box bb, double ax, double ay, look lk, const char *label, double fs) {
  rgb col = rfl_slice_look_colour(lk);
  cairo_save(cr);
  double bx = fmin(fmax(ax, bb.x), bb.x + bb.w), by = fmin(fmax(ay, bb.y), bb.y + bb.h);
  cairo_move_to(cr, ax, ay);
  cairo_line_to(cr, bx, by);
  rfl_canvas_set_rgb(cr, col);
  cairo_set_line_width(cr, 1.5);
  cairo_stroke(cr);
  cairo_arc(cr, ax, ay, 2.5, 0, 2 * RFL_PI);
  cairo_fill(cr);
  rfl_canvas_rounded_rect(cr, bb.x, bb.y, bb.w, bb.h, 5.0);
  cairo_set_source_rgba(cr, 1, 1, 1, 0.92);
  cairo_fill_preserve(cr);
  rfl_canvas_set_rgb(cr, col);
  cairo_set_line_width(cr, 1.5);
  cairo_stroke(cr);
  rfl_canvas_set_rgb(cr, look_text_colour(lk));
  rfl_canvas_text(cr, bb.x + 8.0, bb.y + 0.5 * bb.h, label, fs, 1, 0.0, 0.5);
  cairo_restore(cr);
}

/* Labels structure k's outline. Candidates: boxes 12 or 40 units from points of the
 * outline, in eight directions; the best by label_score. */
static void label_structure(cairo_t *cr, const slice_ctx *s, const slice_marks *mk, int k, box *placed,
                            int *nplaced) {
  const contour_set *cs = &mk->outlines[k];
  if (cs->npts == 0) return;
  char label[RFL_NAME_MAX + 32];
  label_text(&s->kase->structures[k], mk->looks[k], label, sizeof label);
  const double fs = 14.0, bw = rfl_canvas_text_width(cr, label, fs, 1) + 16.0, bh = 24.0;
  double best = -INFINITY;
  box bb = {0, 0, 0, 0};
  double ax = 0, ay = 0;
  size_t stride = cs->npts / 60 + 1;
  for (size_t q = 0; q < cs->npts; q += stride) {
    double x, y;
    rfl_slice_node_to_layout(s, cs->pts[q], &x, &y);
    if (x < SL_PX || y < SL_PY || x > SL_PX + SL_P || y > SL_PY + SL_P) continue;
    for (int cand = 0; cand < 16; ++cand) {
      double ang = (cand % 8) * 0.25 * RFL_PI, ux = cos(ang), uy = sin(ang), gap = cand < 8 ? 12.0 : 40.0;
      /* box centre so that the box edge is `gap` from the anchor along (ux, uy) */
      double ext = fmin(fabs(ux) > 1e-9 ? 0.5 * bw / fabs(ux) : INFINITY, fabs(uy) > 1e-9 ? 0.5 * bh / fabs(uy) : INFINITY);
      double bx = x + ux * (gap + ext), by = y + uy * (gap + ext);
      box b = {bx - 0.5 * bw, by - 0.5 * bh, bw, bh};
      double score = label_score(s, mk, b, bx, by, gap, placed, *nplaced);
      if (score > best) best = score, bb = b, ax = x, ay = y;
    }
  }
  if (best == -INFINITY) return;
  draw_label(cr, bb, ax, ay, mk->looks[k], label, fs);
  if (*nplaced < MAX_PLACED) placed[(*nplaced)++] = bb;
}

/* Nerves first, then other regions, clear of the scale bar; clipped to the plot. */
static void structure_labels(cairo_t *cr, const slice_ctx *s, const slice_marks *mk, box bar) {
  const rfl_case *c = s->kase;
  box placed[MAX_PLACED];
  int nplaced = 0;
  placed[nplaced++] = bar;
  cairo_save(cr);
  cairo_rectangle(cr, SL_PX, SL_PY, SL_P, SL_P);
  cairo_clip(cr);
  for (int pass = 0; pass < 2; ++pass)
    for (int k = 0; k < c->nstructures; ++k)
      if ((c->structures[k].role == RFL_ROLE_NONE) == pass) label_structure(cr, s, mk, k, placed, &nplaced);
  cairo_restore(cr);
}

/* ---- scale bar, frame, axes, title -------------------------------------------------------- */

/* The scale bar, bottom left inside the plot; returns its box. */
static box scale_bar(cairo_t *cr, const slice_ctx *s) {
  const double w_mm = 2.0 * s->hw / MM;
  double bar_mm = w_mm > 30 ? 10.0 : w_mm > 12 ? 5.0 : w_mm > 5 ? 2.0 : 1.0;
  double bx = SL_PX + 18, by = SL_PY + SL_P - 22, bl = bar_mm * MM * s->ppm;
  char buf[32];
  cairo_rectangle(cr, bx - 8, by - 26, bl + 16, 38);
  cairo_set_source_rgba(cr, 0, 0, 0, 0.45);
  cairo_fill(cr);
  cairo_rectangle(cr, bx, by, bl, 5);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_fill(cr);
  snprintf(buf, sizeof buf, "%g mm", bar_mm);
  rfl_canvas_text(cr, bx + 0.5 * bl, by - 7, buf, 14, 1, 0.5, 0.0);
  return (box){bx - 8, by - 26, bl + 16, 38};
}

/* The frame and the ticks, in mm from the tip. */
static void frame_and_ticks(cairo_t *cr, const slice_ctx *s) {
  char buf[64];
  cairo_rectangle(cr, SL_PX, SL_PY, SL_P, SL_P);
  cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
  cairo_set_line_width(cr, 1.2);
  cairo_stroke(cr);
  double step = rfl_axes_nice_step(2.0 * s->hw / MM, 5.0);
  double umin = s->info.u_min / MM, umax = umin + 2.0 * s->hw / MM;
  double vmax = s->info.v_max / MM, vmin = vmax - 2.0 * s->hw / MM;
  cairo_set_line_width(cr, 1.0);
  for (double u = ceil(umin / step - 1e-9) * step; u <= umax + 1e-9; u += step) {
    double x, y;
    rfl_slice_plane_to_layout(s, u * MM, vmin * MM, &x, &y);
    cairo_move_to(cr, x, y);
    cairo_line_to(cr, x, y + 5);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_stroke(cr);
    rfl_axes_tick_label(buf, sizeof buf, u, step);
    rfl_canvas_text(cr, x, y + 20, buf, 13, 0, 0.5, 0.0);
  }
  for (double v = ceil(vmin / step - 1e-9) * step; v <= vmax + 1e-9; v += step) {
    double x, y;
    rfl_slice_plane_to_layout(s, umin * MM, v * MM, &x, &y);
    cairo_move_to(cr, x, y);
    cairo_line_to(cr, x - 5, y);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_stroke(cr);
    rfl_axes_tick_label(buf, sizeof buf, v, step);
    rfl_canvas_text(cr, x - 8, y, buf, 13, 0, 1.0, 0.5);
  }
}

/* "+x" for a grid axis, else "" */
static void axis_words(rfl_vec3 e, char *buf, size_t size) {
  int a = fabs(e.x) == 1.0 ? 0 : fabs(e.y) == 1.0 ? 1 : fabs(e.z) == 1.0 ? 2 : -1;
  if (a >= 0)
    snprintf(buf, size, ", along %c%c", rfl_vec3_get(e, a) > 0 ? '+' : '-', "xyz"[a]);
  else
    buf[0] = '\0';
}

static void draw_colour_bar(cairo_t *cr, double x, double y, double w, double h, double tmin, double tmax,
                            const char *title, double iso_C) {
  cairo_pattern_t *pat = cairo_pattern_create_linear(0, y + h, 0, y);
  for (int k = 0; k <= 10; ++k) cairo_pattern_add_color_stop_rgb(pat, k / 10.0, inferno[k].r, inferno[k].g, inferno[k].b);
  cairo_rectangle(cr, x, y, w, h);
  cairo_set_source(cr, pat);
  cairo_fill(cr);
  cairo_pattern_destroy(pat);
  cairo_rectangle(cr, x, y, w, h);
  cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
  cairo_set_line_width(cr, 1.0);
  cairo_stroke(cr);
  double step = rfl_axes_nice_step(tmax - tmin, 6.0);
  char buf[32];
  for (double t = ceil(tmin / step - 1e-9) * step; t <= tmax + 1e-9 * step; t += step) {
    double ty = y + h - (t - tmin) / (tmax - tmin) * h;
    cairo_move_to(cr, x + w, ty);
    cairo_line_to(cr, x + w + 5, ty);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_stroke(cr);
    rfl_axes_tick_label(buf, sizeof buf, t, step);
    rfl_canvas_text(cr, x + w + 8, ty, buf, 13, 0, 0.0, 0.5);
  }
  if (iso_C > tmin && iso_C < tmax) {
    double ty = y + h - (iso_C - tmin) / (tmax - tmin) * h;
    const double dash[] = {4.0, 3.0};
    cairo_save(cr);
    cairo_set_dash(cr, dash, 2, 0);
    cairo_move_to(cr, x, ty);
    cairo_line_to(cr, x + w, ty);
    rfl_canvas_set_rgb(cr, c_iso);
    cairo_set_line_width(cr, 2.0);
    cairo_stroke(cr);
    cairo_restore(cr);
  }
  cairo_set_source_rgb(cr, 0, 0, 0);
  rfl_canvas_text(cr, x, y - 12, title, 14, 1, 0.0, 0.0);
}

/* Legend swatches: a dark square, then a short line (dashed: 0 solid, 1 dashed, 2 dotted)
 * or a filled bar on it, then the text. */
static void swatch(cairo_t *cr, double x, double y) {
  rfl_canvas_rounded_rect(cr, x, y - 9, 34, 18, 3);
  rfl_canvas_set_rgb(cr, inferno[2]);
  cairo_fill(cr);
}

static double legend_line(cairo_t *cr, double x, double y, rgb colour, int dashed, const char *label) {
  swatch(cr, x, y);
  rfl_axes_legend_stroke(cr, x + 4, x + 30, y, colour, dashed, x + 44, label);
  return 23.0;
}

static double legend_fill(cairo_t *cr, double x, double y, rgb fill, rgb line, const char *label) {
  swatch(cr, x, y);
  cairo_rectangle(cr, x + 3, y - 4, 28, 8);
  rfl_canvas_set_rgb(cr, fill);
  cairo_fill_preserve(cr);
  rfl_canvas_set_rgb(cr, line);
  cairo_set_line_width(cr, 1.5);
  cairo_stroke(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
  rfl_canvas_text(cr, x + 44, y, label, 13, 0, 0.0, 0.5);
  return 23.0;
}


/* The axes' titles: across the probe (towards the structure that turned the plane) and
 * along it, or the two in-plane directions of a cross-section. */
static void axis_titles(cairo_t *cr, const slice_ctx *s, int across) {
  const rfl_case *c = s->kase;
  char buf[RFL_CASE_TITLE_MAX], along[32];
  cairo_set_source_rgb(cr, 0, 0, 0);
  axis_words(s->info.lateral, along, sizeof along);
  if (s->info.plane_structure >= 0 && !across)
    snprintf(buf, sizeof buf, "across the probe, towards %s (mm)", c->structures[s->info.plane_structure].name);
  else
    snprintf(buf, sizeof buf, "across the probe%s (mm)", along);
  rfl_canvas_text(cr, SL_PX + 0.5 * SL_P, SL_PY + SL_P + 44, buf, 14, 0, 0.5, 0.0);
  axis_words(s->info.axial, along, sizeof along);
  if (across)
    snprintf(buf, sizeof buf, "across the probe%s (mm)", along);
  else
    snprintf(buf, sizeof buf, "along the probe from its tip (mm)");
  cairo_save(cr);
  cairo_translate(cr, SL_PX - 46, SL_PY + 0.5 * SL_P);
  cairo_rotate(cr, -0.5 * RFL_PI);
  rfl_canvas_text(cr, 0, 0, buf, 14, 0, 0.5, 0.0);
  cairo_restore(cr);
}

/* The title block: the case, then the field, its time, the generator and the plane. */
static void slice_title(cairo_t *cr, const slice_ctx *s, const rfl_figure_slice_options *o) {
  const rfl_case *c = s->kase;
  const rfl_field_view *view = s->view;
  char buf[RFL_CASE_TITLE_MAX], gen[96], plane[RFL_NAME_MAX + 64] = "";
  rfl_canvas_generator_text(c, gen, sizeof gen);
  int end_of_rf = fabs(view->t - c->generator.duration_s) <= 1e-6, across = o->plane == RFL_SLICE_ACROSS;
  if (across && s->info.plane_structure >= 0)
    snprintf(plane, sizeof plane, "  \u00b7  cross-section %.1f mm from the tip, through %s", s->info.across_s / MM,
             c->structures[s->info.plane_structure].name);
  else if (across)
    snprintf(plane, sizeof plane, "  \u00b7  cross-section %.1f mm from the tip", s->info.across_s / MM);
  if (o->field == RFL_FIGURE_PEAK)
    snprintf(buf, sizeof buf, "Peak temperature up to t = %.1f s  \u00b7  %s%s", view->t, gen, plane);
  else
    snprintf(buf, sizeof buf, "Temperature %s t = %.1f s  \u00b7  %s%s", end_of_rf ? "at the end of RF," : "at",
             view->t, gen, plane);
  rfl_canvas_title(cr, SL_PX, SL_W - SL_PX - 30, c, buf);
}

/* ---- the legend ---------------------------------------------------------------------------- */

/* The summary's lesion snapshot taken at time t (end of RF, final, growth), or NULL. */
static const rfl_lesion_snapshot *snapshot_at(const rfl_summary *sum, double t) {
  if (!sum || !(t > 0.0)) return NULL;
  const double eps = 1e-6;
  if (fabs(sum->end_of_rf.t - t) <= eps) return &sum->end_of_rf;
  if (fabs(sum->final.t - t) <= eps) return &sum->final;
  for (int k = 0; k < sum->ngrowth && k < RFL_MAX_OUTPUT_TIMES; ++k)
    if (fabs(sum->growth[k].t - t) <= eps) return &sum->growth[k];
  return NULL;
}

/* The keys of what is drawn, then the nerves the plane misses. Returns the next line's y. */
static double legend_keys(cairo_t *cr, const slice_ctx *s, const slice_marks *mk, double lx, double ly) {
  const rfl_case *c = s->kase;
  const int ns = c->nstructures;
  char buf[RFL_CASE_TITLE_MAX];
  cairo_set_source_rgb(cr, 0, 0, 0);
  rfl_canvas_text(cr, lx, ly, "Legend", 14, 1, 0.0, 0.0);
  ly += 22;
  if (mk->outlines[ns + 1].nchains) ly += legend_line(cr, lx, ly, c_omega, 0, "\u03a9 = 1 (lesion edge)");
  if (mk->outlines[ns].nchains) {
    snprintf(buf, sizeof buf, "T peak = %.0f \u00b0C", c->damage.isotherm_C);
    ly += legend_line(cr, lx, ly, c_iso, 1, buf);
  }
  for (int q = 0; q < mk->nthr; ++q) {
    snprintf(buf, sizeof buf, "T peak = %g \u00b0C (nerve limit)", mk->thresholds[q]);
    ly += legend_line(cr, lx, ly, c_threshold, 2, buf);
  }
  ly += legend_fill(cr, lx, ly, c_active, c_active_line, "active tip");
  ly += legend_fill(cr, lx, ly, c_shaft, c_shaft_line, "insulated shaft");
  for (int l = 0; l < NLOOKS; ++l)
    if (mk->have_look[l])
      ly += legend_line(cr, lx, ly, rfl_slice_look_colour((look)l), l == LOOK_REGION, look_text[l].legend);
  for (int k = 0; k < ns; ++k)
    if (c->structures[k].role != RFL_ROLE_NONE && mk->outlines[k].nchains == 0) {
      snprintf(buf, sizeof buf, "%s: not in this plane", c->structures[k].name);
      cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
      rfl_canvas_text(cr, lx, ly, buf, 12, 0, 0.0, 0.5);
      ly += 19;
    }
  return ly;
}

/* The lesion's size from the snapshot taken at time t, when the summary has one. */
static double legend_lesion(cairo_t *cr, const rfl_summary *summary, double t, double lx, double ly) {
  const rfl_lesion_snapshot *snap = snapshot_at(summary, t);
  if (!snap || !snap->lesion.found) return ly;
  const rfl_lesion_metrics *l = &snap->lesion;
  char buf[RFL_CASE_TITLE_MAX];
  ly += 14;
  cairo_set_source_rgb(cr, 0, 0, 0);
  snprintf(buf, sizeof buf, "Lesion (\u03a9 \u2265 1), t = %.0f s", snap->t);
  rfl_canvas_text(cr, lx, ly, buf, 13, 1, 0.0, 0.5);
  ly += 20;
  snprintf(buf, sizeof buf, "width %.1f mm, length %.1f mm", l->width / MM, l->length / MM);
  rfl_canvas_text(cr, lx, ly, buf, 13, 0, 0.0, 0.5);
  ly += 20;
  snprintf(buf, sizeof buf, "distal %.1f mm, volume %.0f mm\u00b3", l->distal / MM, l->volume / (MM * MM * MM));
  rfl_canvas_text(cr, lx, ly, buf, 13, 0, 0.0, 0.5);
  ly += 20;
  return ly;
}

/* One structure's verdict in the legend: its name, gap or overlap and peak, and when it
 * reached its threshold. Returns the next line's y. */
static double legend_structure(cairo_t *cr, const rfl_structure_report *r, look lk, double lx, double ly) {
  char buf[RFL_CASE_TITLE_MAX];
  rfl_canvas_set_rgb(cr, look_text_colour(lk));
  rfl_canvas_text(cr, lx, ly, r->structure->name, 13, 1, 0.0, 0.5);
  ly += 19;
  int target = r->structure->role == RFL_ROLE_TARGET;
  if (target && r->covered)
    snprintf(buf, sizeof buf, "covered, peak %.1f \u00b0C", r->peak_C);
  else if (r->margin < 0.0)
    snprintf(buf, sizeof buf, target ? "not covered, %.1f mm in, peak %.1f \u00b0C" : "overlap %.1f mm, peak %.1f \u00b0C",
             -r->margin / MM, r->peak_C);
  else
    snprintf(buf, sizeof buf, "%s %.1f mm, peak %.1f \u00b0C", target ? "not covered, gap" : "gap", r->margin / MM,
             r->peak_C);
  cairo_set_source_rgb(cr, 0, 0, 0);
  rfl_canvas_text(cr, lx, ly, buf, 13, 0, 0.0, 0.5);
  ly += 19;
  if (!target && !isnan(r->threshold_crossed_s)) {
    snprintf(buf, sizeof buf, "reached %.0f \u00b0C at %.1f s", r->structure->threshold_C, r->threshold_crossed_s);
    rfl_canvas_set_rgb(cr, (rgb){0.70, 0.05, 0.05});
    rfl_canvas_text(cr, lx, ly, buf, 13, 0, 0.0, 0.5);
    ly += 19;
  }
  return ly + 3;
}

/* The first three nerves' verdicts once the run is finished (the final snapshot is set
 * last). */
static void legend_structures(cairo_t *cr, const rfl_summary *summary, const slice_marks *mk, double lx, double ly) {
  if (!summary || !(summary->final.t > 0.0)) return;
  int listed = 0;
  for (int k = 0; k < summary->nstructures && listed < 3; ++k) {
    const rfl_structure_report *r = &summary->structures[k];
    if (!r->structure || r->structure->role == RFL_ROLE_NONE) continue;
    if (listed++ == 0) ly += 6;
    ly = legend_structure(cr, r, mk->looks[k], lx, ly);
  }
}

void rfl_slice_annotate(cairo_t *cr, const slice_ctx *s, const rfl_summary *summary,
                        const rfl_figure_slice_options *o, const slice_marks *mk) {
  const rfl_case *c = s->kase;
  structure_labels(cr, s, mk, scale_bar(cr, s));
  frame_and_ticks(cr, s);
  axis_titles(cr, s, o->plane == RFL_SLICE_ACROSS);
  slice_title(cr, s, o);
  const double cbx = SL_PX + SL_P + 34, cby = SL_PY + 28, cbh = 250;
  draw_colour_bar(cr, cbx, cby, 24, cbh, mk->t0, mk->t1, o->field == RFL_FIGURE_PEAK ? "T peak (\u00b0C)" : "T (\u00b0C)",
                  c->damage.isotherm_C);
  double ly = legend_keys(cr, s, mk, cbx, cby + cbh + 40);
  ly = legend_lesion(cr, summary, s->view->t, cbx, ly);
  legend_structures(cr, summary, mk, cbx, ly);
}
