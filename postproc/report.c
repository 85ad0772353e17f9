// SPDX-License-Identifier: BSD-3-Clause
/* The HTML report (report.h). The page is built in two passes: the figures are drawn first
 * by the figure code (figures.h) into a private temporary directory and read back as data
 * URIs, then the page is written through one atomic file, so a failure leaves neither a
 * partial page nor stray figures. Every piece of text that comes from the case or the file goes through
 * rfl_html_escape; numbers carry their full value in a data-value attribute, so scripts and
 * tests read what the page rounds. */
#include "report.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "case_reader.h"
#include "figures.h"
#include "generator.h"
#include "metrics.h"
#include "provenance.h"
#include "result_reader.h"
#include "temp_registry.h"

/* ---- text ------------------------------------------------------------------------------ */

void rfl_html_escape(FILE *f, const char *s) {
  for (; *s; ++s) switch (*s) {
      case '&': fputs("&amp;", f); break;
      case '<': fputs("&lt;", f); break;
      case '>': fputs("&gt;", f); break;
      case '"': fputs("&quot;", f); break;
      case '\'': fputs("&#39;", f); break;
      default: fputc(*s, f);
    }
}

/* Formatted text, escaped. */
static void textf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void textf(FILE *f, const char *fmt, ...) {
  char buf[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  rfl_html_escape(f, buf);
}

/* A number rounded to `decimals` with its unit, its full value in data-value; an em dash
 * for a missing (non-finite) one. */
static void num(FILE *f, double v, int decimals, const char *unit) {
  if (!isfinite(v)) {
    fputs("<span class=\"num missing\">&mdash;</span>", f);
    return;
  }
  fprintf(f, "<span class=\"num\" data-value=\"%.17g\">%.*f", v, decimals, v);
  if (unit && unit[0]) {
    fputs("&nbsp;", f);
    rfl_html_escape(f, unit);
  }
  fputs("</span>", f);
}

/* A number to three significant digits (thermal doses span many decades). */
static void num3(FILE *f, double v, const char *unit) {
  if (!isfinite(v) || fabs(v) < 1000) {
    num(f, v, isfinite(v) && fabs(v) >= 100 ? 0 : isfinite(v) && fabs(v) >= 10 ? 1 : 2, unit);
    return;
  }
  fprintf(f, "<span class=\"num\" data-value=\"%.17g\">%.3g&nbsp;", v, v);
  rfl_html_escape(f, unit);
  fputs("</span>", f);
}

/* A discretisation error bar, only when the file records one. */
static void error_bar(FILE *f, double e, int decimals) {
  if (isfinite(e)) fprintf(f, " <span class=\"error-bar\" data-value=\"%.17g\">&plusmn;&nbsp;%.*f</span>", e, decimals, e);
}

/* A structure's name for prose: underscores as spaces ("ventral_ramus" -> "ventral ramus"). */
static void prose_name(const char *name, char *buf, size_t size) {
  snprintf(buf, size, "%s", name);
  for (char *p = buf; *p; ++p)
    if (*p == '_') *p = ' ';
}

size_t rfl_base64_encode(const unsigned char *in, size_t n, char *out) {
  static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t o = 0;
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = (uint32_t)in[i] << 16;
    if (i + 1 < n) v |= (uint32_t)in[i + 1] << 8;
    if (i + 2 < n) v |= in[i + 2];
    out[o++] = tab[(v >> 18) & 63];
    out[o++] = tab[(v >> 12) & 63];
    out[o++] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
    out[o++] = i + 2 < n ? tab[v & 63] : '=';
  }
  out[o] = '\0';
  return o;
}

/* ---- figures as data URIs ----------------------------------------------------------------- */

typedef struct {
  char *uri;          /* data:image/...;base64,... (malloc'ed) */
  char id[48];        /* element id */
  char caption[256];
} embedded;

/* The file at path as a data URI (PNG or SVG by its extension). */
static rfl_status embed_file(const char *path, embedded *e) {
  const char *dot = strrchr(path, '.');
  const char *mime = dot && strcasecmp(dot, ".svg") == 0 ? "image/svg+xml" : "image/png";
  FILE *f = fopen(path, "rb");
  if (!f) return RFL_ERROR(RFL_EIO, "%s: cannot read the figure: %s", path, strerror(errno));
  unsigned char *data = NULL;
  size_t n = 0, cap = 0;
  rfl_status st = RFL_OK;
  for (;;) {
    if (n == cap) {
      unsigned char *p = realloc(data, cap = cap ? 2 * cap : 65536);
      if (!p) {
        st = RFL_ERROR(RFL_ENOMEM, "%s: out of memory for the figure", path);
        break;
      }
      data = p;
    }
    size_t got = fread(data + n, 1, cap - n, f);
    n += got;
    if (got == 0) break;
  }
  if (st == RFL_OK && ferror(f)) st = RFL_ERROR(RFL_EIO, "%s: cannot read the figure", path);
  fclose(f);
  size_t head = strlen("data:;base64,") + strlen(mime);
  if (st == RFL_OK && !(e->uri = malloc(head + 4 * ((n + 2) / 3) + 1)))
    st = RFL_ERROR(RFL_ENOMEM, "%s: out of memory for the figure", path);
  if (st == RFL_OK) {
    snprintf(e->uri, head + 1, "data:%s;base64,", mime);
    rfl_base64_encode(data, n, e->uri + head);
  }
  free(data);
  return st;
}

static void embedded_free(embedded *e, int n) {
  for (int i = 0; i < n; ++i) free(e[i].uri);
}

static void figure_html(FILE *f, const embedded *e) {
  fprintf(f, "<figure id=\"%s\"><img src=\"%s\" alt=\"", e->id, e->uri);
  rfl_html_escape(f, e->caption);
  fputs("\"><figcaption>", f);
  rfl_html_escape(f, e->caption);
  fputs("</figcaption></figure>\n", f);
}

/* A private directory for drawing (removed with its files by scratch_remove). */
typedef struct {
  char dir[RFL_PATH_MAX];
  char files[4][RFL_PATH_MAX + 32];
  int nfiles;
} scratch;

static rfl_status scratch_create(scratch *s) {
  memset(s, 0, sizeof *s);
  const char *tmp = getenv("TMPDIR");
  snprintf(s->dir, sizeof s->dir, "%s/rflesion-report.XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
  if (!mkdtemp(s->dir)) return RFL_ERROR(RFL_EIO, "%s: cannot create a directory for the figures: %s", s->dir, strerror(errno));
  return RFL_OK;
}

/* Path of a new figure file in the scratch directory; registered so SIGINT removes it. */
static const char *scratch_file(scratch *s, const char *name) {
  char path[sizeof s->files[0]];
  snprintf(path, sizeof path, "%s/%s", s->dir, name);
  char *p = s->files[s->nfiles++];
  memcpy(p, path, sizeof path);
  rfl_temp_register(p);
  return p;
}

static void scratch_remove(scratch *s) {
  for (int i = 0; i < s->nfiles; ++i) {
    unlink(s->files[i]);
    rfl_temp_unregister(s->files[i]);
  }
  rmdir(s->dir);
}

/* ---- page frame ----------------------------------------------------------------------------- */

static const char page_style[] =
    "body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:1100px;margin:1.5em auto;padding:0 1em;"
    "color:#1a1a1a;line-height:1.45}\n"
    "h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.2em;border-bottom:1px solid #ccc;margin-top:1.6em}\n"
    "table{border-collapse:collapse;margin:.6em 0}th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;"
    "vertical-align:top}th{background:#f2f2f2}\n"
    ".num{white-space:nowrap}.missing{color:#888}.error-bar{color:#555;font-size:.9em;white-space:nowrap}\n"
    ".flagged{background:#fde2e1;border-left:4px solid #c62828}li.flagged{padding-left:.4em}\n"
    ".verdict{padding:.6em 1em;border-radius:4px;margin:1em 0;font-weight:bold}\n"
    ".verdict.flagged{color:#8e0000}.verdict.clear{background:#e3f4e6;border-left:4px solid #2e7d32;color:#1b5e20}\n"
    ".flag-list{color:#8e0000;font-weight:bold}\n"
    "figure{margin:1em 0}figure img{max-width:100%;height:auto;border:1px solid #ddd}\n"
    "figcaption{color:#444;font-size:.9em}.wide{overflow-x:auto}pre{background:#f7f7f7;padding:.6em;"
    "overflow-x:auto;font-size:.85em}\n"
    ".note{color:#555;font-size:.9em}\n";

static void page_head(FILE *f, const char *title, const char *kind) {
  fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<link rel=\"icon\" href=\"data:,\">\n<title>",
        f);
  rfl_html_escape(f, title);
  fprintf(f, "</title>\n<meta name=\"generator\" content=\"rflesion report\">\n<style>\n%s</style>\n</head>\n"
             "<body data-report=\"%s\">\n<h1>",
          page_style, kind);
  rfl_html_escape(f, title);
  fputs("</h1>\n", f);
}

static void page_foot(FILE *f) {
  rfl_provenance p;
  rfl_provenance_get(&p);
  fputs("<p class=\"note\">Page made by ", f);
  textf(f, "rflesion %s (commit %s)", p.version_full, p.commit);
  fputs(". It is self-contained: no part of it is fetched from the network.</p>\n</body>\n</html>\n", f);
}

/* ---- a run: the case in words ---------------------------------------------------------------- */

static void probe_words(FILE *f, const rfl_case *c, const rfl_probe *p) {
  fputs("<li>", f);
  textf(f, "%s: ", p->role == RFL_PROBE_ACTIVE ? "Active electrode" : "Return electrode (bipolar)");
  if (p->gauge > 0) textf(f, "%dG needle (%.2f mm diameter)", p->gauge, 2e3 * p->radius);
  else textf(f, "needle of %.2f mm diameter", 2e3 * p->radius);
  textf(f, " with a %.1f mm active tip, %s end, tip at (%.1f, %.1f, %.1f) mm, shaft towards (%.2f, %.2f, %.2f)",
        1e3 * p->tip_length, p->tip_shape == RFL_TIP_ROUND ? "rounded" : "flat", 1e3 * p->tip.x, 1e3 * p->tip.y,
        1e3 * p->tip.z, p->direction.x, p->direction.y, p->direction.z);
  if (p->cooled) textf(f, "; internally cooled with coolant at %.0f \u00b0C", p->coolant_C);
  textf(f, "; electrode of %s.", c->materials[p->material].name);
  fputs("</li>\n", f);
}

static void generator_words(FILE *f, const rfl_case *c) {
  const rfl_generator *g = &c->generator;
  fputs("<li id=\"generator-words\">", f);
  char words[2048];
  rfl_generator_describe(g, c->physics.initial_C, RFL_GENERATOR_TEXT_SENTENCE, words, sizeof words);
  textf(f, "%s", words);
  if (g->cooldown_s > 0) textf(f, " Then %.0f s of cool-down with the generator off (the run ends at %.0f s).",
                               g->cooldown_s, g->duration_s + g->cooldown_s);
  else textf(f, " No cool-down is simulated: the run ends when RF stops.");
  fputs("</li>\n", f);
}

/* "target nerve", "protected nerve" or "region" (the role's words from the metric table) */
static const char *role_words(rfl_structure_role r) {
  static char words[3][24];
  snprintf(words[r], sizeof words[r], r == RFL_ROLE_NONE ? "%s" : "%s nerve", rfl_role_words(r));
  return words[r];
}

static void case_section(FILE *f, const rfl_result *r) {
  const rfl_case *c = &r->kase;
  char settings[RFL_CASE_TITLE_MAX];
  rfl_case_settings_text(c, settings, sizeof settings);
  fputs("<section id=\"case\">\n<h2>The case</h2>\n<ul>\n<li id=\"procedure\">Procedure: ", f);
  textf(f, "%s (%s).", c->title[0] ? c->title : "untitled", settings);
  fputs("</li>\n", f);
  for (int p = 0; p < c->nprobes; ++p) probe_words(f, c, &c->probes[p]);
  generator_words(f, c);
  fputs("<li>", f);
  textf(f, "Tissue: %s, starting at %.1f \u00b0C; lesion edge by the Arrhenius damage \u03a9 \u2265 1 and by the "
           "peak-temperature isotherm at %.0f \u00b0C.",
        c->materials[c->background_material].name, c->physics.initial_C, c->damage.isotherm_C);
  fputs("</li>\n", f);
  for (int k = 0; k < c->nstructures; ++k) {
    const rfl_structure *s = &c->structures[k];
    fputs("<li>", f);
    textf(f, "Structure %s: %s of %s", s->name, role_words(s->role), c->materials[s->material].name);
    if (s->role == RFL_ROLE_PROTECTED)
      textf(f, ", limit %.0f \u00b0C, required gap %.1f mm from the lesion", s->threshold_C, 1e3 * s->margin);
    fputs(".</li>\n", f);
  }
  fputs("<li>", f);
  textf(f, "Computed on %zu cells (%.2f mm in the fine region) in %zu time steps, %.1f s on %d thread%s.",
        r->summary.cells, 1e3 * c->grid.spacing, r->summary.steps, r->summary.wall_s, r->summary.threads,
        r->summary.threads == 1 ? "" : "s");
  fputs("</li>\n</ul>\n</section>\n", f);
}

/* ---- a run: the lesion ------------------------------------------------------------------------ */

static void lesion_cells(FILE *f, const char *criterion, const rfl_lesion_metrics *m, int row,
                         const rfl_result_lesion_error *e) {
  double v[4] = {1e3 * m->width, 1e3 * m->length, 1e3 * m->distal, 1e9 * m->volume};
  double err[4] = {NAN, NAN, NAN, NAN};
  if (e) err[0] = e->width_mm, err[1] = e->length_mm, err[2] = e->distal_mm, err[3] = e->volume_mm3;
  fprintf(f, "<td data-criterion=\"%s\">", criterion);
  if (!m->found && row != 2) num(f, 0.0, row == 3 ? 0 : 1, row == 3 ? "mm\u00b3" : "mm");
  else num(f, v[row], row == 3 ? 0 : 1, row == 3 ? "mm\u00b3" : "mm");
  error_bar(f, err[row], row == 3 ? 0 : 2);
  fputs("</td>", f);
}

static void lesion_section(FILE *f, const rfl_result *r) {
  const rfl_summary *s = &r->summary;
  int cool = r->kase.generator.cooldown_s > 0;
  static const char *const rows[4] = {"width", "length", "distal", "volume"};
  static const char *const words[4] = {"Width (across the needle)", "Length (along the needle)",
                                       "Distal projection beyond the tip", "Volume"};
  fputs("<section id=\"lesion\">\n<h2>The lesion</h2>\n", f);
  if (!s->end_of_rf.lesion.found) fputs("<p>No tissue reached \u03a9 \u2265 1: there is no lesion.</p>\n", f);
  fputs("<table id=\"lesion-table\">\n<tr><th></th>", f);
  fputs("<th>", f);
  textf(f, "\u03a9 \u2265 1, end of RF (%.0f s)", s->end_of_rf.t);
  fputs("</th><th>", f);
  textf(f, "T peak \u2265 %.0f \u00b0C, end of RF", r->kase.damage.isotherm_C);
  fputs("</th>", f);
  if (cool) {
    fputs("<th>", f);
    textf(f, "\u03a9 \u2265 1, after the cool-down (%.0f s)", s->final.t);
    fputs("</th>", f);
  }
  fputs("</tr>\n", f);
  for (int i = 0; i < 4; ++i) {
    fprintf(f, "<tr data-figure=\"%s\"><th>%s</th>", rows[i], words[i]);
    lesion_cells(f, "omega", &s->end_of_rf.lesion, i, &r->lesion_error);
    lesion_cells(f, "isotherm", &s->end_of_rf.isotherm, i, &r->isotherm_error);
    if (cool) lesion_cells(f, "omega_final", &s->final.lesion, i, NULL);
    fputs("</tr>\n", f);
  }
  fputs("</table>\n<p class=\"note\">Width: twice the largest distance of the lesion's edge from the needle axis; "
        "distal projection: how far it reaches beyond the needle tip. Discretisation error bars (&plusmn;) appear "
        "beside the figures when the result file records them.</p>\n</section>\n",
        f);
}

/* ---- a run: the structures -------------------------------------------------------------------- */

static int is_flagged(const rfl_structure_report *sr) {
  return sr->flag_overlap || sr->flag_within_margin || sr->flag_threshold || sr->flag_not_covered ||
         sr->flag_within_error;
}

static void flag_words(FILE *f, const rfl_structure_report *sr) {
  static const char *const words[5] = {"the lesion overlaps it", "closer to the lesion than required",
                                       "over its temperature limit", "target not covered",
                                       "too close to its limit to call within the estimated error"};
  static const char *const ids[5] = {"protected_overlap", "protected_within_margin", "protected_over_threshold",
                                     "target_not_covered", "margin_within_error"};
  const int on[5] = {sr->flag_overlap, sr->flag_within_margin, sr->flag_threshold, sr->flag_not_covered,
                     sr->flag_within_error};
  int n = 0;
  for (int i = 0; i < 5; ++i)
    if (on[i]) {
      fprintf(f, "%s<span class=\"flag\" data-flag=\"%s\">", n++ ? "; " : "", ids[i]);
      rfl_html_escape(f, words[i]);
      fputs("</span>", f);
    }
  if (!n) fputs("none", f);
}

static void protected_sentence(FILE *f, const rfl_result *r, const rfl_structure_report *sr, const char *name,
                               double over_s) {
  const rfl_structure *st = sr->structure;
  double stop = r->kase.generator.duration_s;
  if (!isnan(sr->threshold_crossed_s)) {
    textf(f, "%s reached %.1f \u00b0C (limit %.0f \u00b0C) at %.1f s", name, sr->peak_C, st->threshold_C,
          sr->peak_time_s);
    if (sr->peak_time_s > stop + 1e-6) textf(f, ", %.1f s after RF stopped", sr->peak_time_s - stop);
    textf(f, "; it was at or above %.0f \u00b0C from %.1f s", st->threshold_C, sr->threshold_crossed_s);
    if (isfinite(over_s)) textf(f, ", for %.1f s in all", over_s);
    textf(f, ". ");
  } else {
    textf(f, "%s stayed below its limit: at most %.1f \u00b0C (limit %.0f \u00b0C), at %.1f s. ", name, sr->peak_C,
          st->threshold_C, sr->peak_time_s);
  }
  if (sr->margin < 0) textf(f, "The lesion reaches %.1f mm into it. ", -1e3 * sr->margin);
  else textf(f, "The lesion stops %.1f mm from it (required gap %.1f mm). ", 1e3 * sr->margin, 1e3 * st->margin);
}

static void structure_sentence(FILE *f, const rfl_result *r, int k) {
  const rfl_structure_report *sr = &r->summary.structures[k];
  const rfl_structure *st = sr->structure;
  char name[RFL_NAME_MAX];
  prose_name(st->name, name, sizeof name);
  if (name[0] >= 'a' && name[0] <= 'z') name[0] = (char)(name[0] - 'a' + 'A');
  fprintf(f, "<li class=\"structure-words%s\" data-structure=\"", is_flagged(sr) ? " flagged" : "");
  rfl_html_escape(f, st->name);
  fputs("\">", f);
  if (st->role == RFL_ROLE_PROTECTED) {
    protected_sentence(f, r, sr, name, rfl_result_time_over(r, k, st->threshold_C));
  } else if (st->role == RFL_ROLE_TARGET) {
    if (sr->covered) textf(f, "%s (target) is covered: the lesion encloses a whole cross-section of it. ", name);
    else if (sr->margin < 0)
      textf(f, "%s (target) is not covered: the lesion reaches %.1f mm into it but leaves part of every "
               "cross-section intact. ", name, -1e3 * sr->margin);
    else textf(f, "%s (target) is not covered: the lesion stops %.1f mm short of it. ", name, 1e3 * sr->margin);
    textf(f, "Its hottest point reached %.1f \u00b0C at %.1f s. ", sr->peak_C, sr->peak_time_s);
  } else {
    textf(f, "%s (%s): at most %.1f \u00b0C, %.1f mm from the lesion. ", name,
          r->kase.materials[st->material].name, sr->peak_C, 1e3 * sr->margin);
  }
  if (st->role != RFL_ROLE_NONE)
    textf(f, "Thermal dose up to %.3g CEM43 min; %.1f %% of it coagulated (\u03a9 \u2265 1).", sr->max_cem43_min,
          100.0 * sr->damaged_fraction);
  if (is_flagged(sr)) {
    fputs(" <span class=\"flag-list\">Flags: ", f);
    flag_words(f, sr);
    fputs(".</span>", f);
  }
  fputs("</li>\n", f);
}

static void structure_row(FILE *f, const rfl_result *r, int k) {
  const rfl_structure_report *sr = &r->summary.structures[k];
  const rfl_structure *st = sr->structure;
  const rfl_result_structure_error *e = &r->structure_error[k];
  fprintf(f, "<tr class=\"structure%s\" data-structure=\"", is_flagged(sr) ? " flagged" : "");
  rfl_html_escape(f, st->name);
  fputs("\"><td>", f);
  rfl_html_escape(f, st->name);
  fputs("</td><td>", f);
  rfl_html_escape(f, role_words(st->role));
  fputs("</td><td data-column=\"margin_mm\">", f);
  num(f, 1e3 * sr->margin, 1, "mm");
  error_bar(f, e->margin_mm, 2);
  fputs("</td><td data-column=\"isotherm_margin_mm\">", f);
  num(f, 1e3 * sr->isotherm_margin, 1, "mm");
  error_bar(f, e->isotherm_margin_mm, 2);
  fputs("</td><td data-column=\"peak_C\">", f);
  num(f, sr->peak_C, 1, "\u00b0C");
  error_bar(f, e->peak_C, 2);
  fputs(" at ", f);
  num(f, sr->peak_time_s, 1, "s");
  fputs("</td><td data-column=\"time_over_threshold_s\">", f);
  if (st->role != RFL_ROLE_NONE) {
    num(f, rfl_result_time_over(r, k, st->threshold_C), 1, "s");
    textf(f, " over %.0f \u00b0C", st->threshold_C);
  }
  fputs("</td><td data-column=\"max_cem43_min\">", f);
  num3(f, sr->max_cem43_min, "min");
  fputs("</td><td data-column=\"flags\">", f);
  flag_words(f, sr);
  fputs("</td></tr>\n", f);
}

static void structures_section(FILE *f, const rfl_result *r) {
  const rfl_summary *s = &r->summary;
  fputs("<section id=\"structures\">\n<h2>Nerves and other structures</h2>\n", f);
  if (s->nflags > 0) {
    fprintf(f, "<p class=\"verdict flagged\" id=\"verdict\">%d safety flag%s raised: ", s->nflags,
            s->nflags == 1 ? "" : "s");
    for (int i = 0; i < s->nflags; ++i) {
      if (i) fputs(", ", f);
      rfl_html_escape(f, s->flags[i]);
    }
    fputs("</p>\n", f);
  } else {
    fputs("<p class=\"verdict clear\" id=\"verdict\">No safety flag raised.</p>\n", f);
  }
  if (s->nstructures == 0) {
    fputs("<p>The case has no structures.</p>\n</section>\n", f);
    return;
  }
  fputs("<ul id=\"structure-words\">\n", f);
  for (int k = 0; k < s->nstructures; ++k) structure_sentence(f, r, k);
  fputs("</ul>\n<div class=\"wide\"><table id=\"structure-table\">\n<tr><th>Structure</th><th>Role</th>"
        "<th>Gap to the lesion (\u03a9 \u2265 1; negative: overlap)</th><th>Gap to the isotherm lesion</th>"
        "<th>Peak temperature</th><th>Time at or over its limit</th><th>Thermal dose (CEM43)</th><th>Flags</th></tr>\n",
        f);
  for (int k = 0; k < s->nstructures; ++k) structure_row(f, r, k);
  fputs("</table></div>\n</section>\n", f);
}

/* ---- a run: generator, figures, provenance ---------------------------------------------------- */

static void generator_section(FILE *f, const rfl_result *r, const embedded *ts) {
  const rfl_summary *s = &r->summary;
  fputs("<section id=\"generator\">\n<h2>Generator</h2>\n<table id=\"generator-table\">\n", f);
  fputs("<tr><th>At the end of RF</th><th>Tip voltage</th><th>Current</th><th>Power into the tissue</th>"
        "<th>Tissue impedance</th><th>Generator reads</th><th>Thermocouple</th><th>Highest thermocouple</th>"
        "</tr>\n<tr><td>",
        f);
  num(f, s->end_of_rf.t, 1, "s");
  fputs("</td><td>", f);
  num(f, s->generator_end.voltage, 1, "V");
  fputs("</td><td>", f);
  num(f, 1e3 * s->generator_end.current, 0, "mA");
  fputs("</td><td>", f);
  num(f, s->generator_end.power, 2, "W");
  fputs("</td><td>", f);
  num(f, s->generator_end.impedance, 0, "\u03a9");
  fputs("</td><td>", f);
  num(f, s->generator_end.reading_ohm, 0, "\u03a9");
  fputs("</td><td>", f);
  num(f, s->generator_end.thermocouple_C, 1, "\u00b0C");
  fputs("</td><td>", f);
  num(f, s->thermocouple_max_C, 1, "\u00b0C");
  fputs("</td></tr>\n</table>\n", f);
  if (ts) figure_html(f, ts);
  fputs("</section>\n", f);
}

static void provenance_section(FILE *f, const rfl_result *r) {
  const rfl_result_provenance *p = &r->provenance;
  const char *rows[][2] = {{"Result file", r->path},     {"rflesion version", p->version},
                           {"Commit", p->commit},        {"Build type", p->build_type},
                           {"HDF5 library", p->hdf5},    {"Case hash", p->case_hash}};
  fputs("<section id=\"provenance\">\n<h2>Provenance</h2>\n<table id=\"provenance-table\">\n", f);
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; ++i) {
    fputs("<tr><th>", f);
    rfl_html_escape(f, rows[i][0]);
    fputs("</th><td>", f);
    rfl_html_escape(f, rows[i][1][0] ? rows[i][1] : "not recorded");
    fputs("</td></tr>\n", f);
  }
  fputs("<tr><th>Built with</th><td>", f);
  textf(f, "MPI %s, OpenMP %s", p->mpi > 0 ? "on" : p->mpi == 0 ? "off" : "not recorded",
        p->openmp > 0 ? "on" : p->openmp == 0 ? "off" : "not recorded");
  fputs("</td></tr>\n</table>\n<details><summary>The resolved case (case file text)</summary>\n<pre>", f);
  FILE *mem = tmpfile();
  if (mem && rfl_case_write(mem, &r->kase) == RFL_OK) {
    rewind(mem);
    char line[1100];
    while (fgets(line, sizeof line, mem)) rfl_html_escape(f, line);
  }
  if (mem) fclose(mem);
  fputs("</pre></details>\n</section>\n", f);
}

/* Draws the run's figures into the scratch directory and embeds them: the time series, the
 * temperature at the end of RF and the peak temperature of the last snapshot. */
static rfl_status run_figures(rfl_result *r, scratch *sc, embedded fig[3], int *nfig) {
  *nfig = 0;
  const char *path = scratch_file(sc, "timeseries.png");
  RFL_CHECK(rfl_figure_timeseries(path, r->samples, r->nsamples, &r->summary, &r->kase, NULL));
  RFL_CHECK(embed_file(path, &fig[0]));
  snprintf(fig[0].id, sizeof fig[0].id, "figure-timeseries");
  snprintf(fig[0].caption, sizeof fig[0].caption,
           "Thermocouple, set point and hottest tissue; each nerve's hottest point against its limit; power, "
           "voltage and impedance, against time");
  *nfig = 1;
  int end = rfl_result_snapshot_at(r, r->kase.generator.duration_s), last = r->nsnapshots - 1;
  for (int k = 0; k < 2; ++k) {
    int snap = k == 0 ? end : last;
    if (snap < 0) continue;
    rfl_field_view view;
    rfl_figure_slice_options o;
    rfl_figure_slice_defaults(&o);
    o.field = k == 0 ? RFL_FIGURE_TEMPERATURE : RFL_FIGURE_PEAK;
    RFL_CHECK(rfl_result_view(r, snap, &view));
    path = scratch_file(sc, k == 0 ? "slice_end_of_rf.png" : "slice_peak.png");
    RFL_CHECK(rfl_figure_slice(path, &view, &r->summary, &o));
    embedded *e = &fig[(*nfig)++];
    RFL_CHECK(embed_file(path, e));
    snprintf(e->id, sizeof e->id, k == 0 ? "figure-slice-end-of-rf" : "figure-slice-peak");
    snprintf(e->caption, sizeof e->caption,
             k == 0 ? "Temperature at the end of RF (t = %.1f s) on a plane through the needle"
                    : "Peak temperature up to t = %.1f s on the same plane",
             r->snapshots[snap].t);
  }
  return RFL_OK;
}

static void slices_section(FILE *f, const rfl_result *r, const embedded *fig, int nfig) {
  fputs("<section id=\"slices\">\n<h2>Slices</h2>\n", f);
  for (int i = 1; i < nfig; ++i) figure_html(f, &fig[i]);
  if (nfig < 2)
    fputs("<p class=\"note\">The result file holds no field snapshots ([output] times_s) to draw a slice "
          "from.</p>\n", f);
  else if (rfl_result_snapshot_at(r, r->kase.generator.duration_s) < 0)
    fputs("<p class=\"note\">No snapshot was saved at the end of RF ([output] times_s = rf_end draws it).</p>\n", f);
  fputs("</section>\n", f);
}

static rfl_status write_run_page(const char *html_path, const rfl_result *r, const embedded *fig, int nfig) {
  rfl_atomic_file a;
  RFL_CHECK(rfl_atomic_open(&a, html_path));
  FILE *f = a.f;
  char title[RFL_CASE_TITLE_MAX];
  rfl_case_display_title(&r->kase, title, sizeof title);
  page_head(f, title, "run");
  fputs("<p class=\"note\">Report of the result file ", f);
  rfl_html_escape(f, r->path);
  fputs(". A simulation, not a measurement: read it with the model's limits in docs/physics-and-numerics.md "
        "and its validation in docs/validation.md.</p>\n",
        f);
  case_section(f, r);
  lesion_section(f, r);
  structures_section(f, r);
  generator_section(f, r, nfig > 0 ? &fig[0] : NULL);
  slices_section(f, r, fig, nfig);
  provenance_section(f, r);
  page_foot(f);
  return rfl_atomic_commit(&a);
}

rfl_status rfl_report_run(const char *h5path, const char *html_path) {
  RFL_CHECK(rfl_output_check("-o", html_path));
  rfl_result *r = NULL;
  RFL_CHECK(rfl_result_open(h5path, &r));
  scratch sc;
  embedded fig[3];
  memset(fig, 0, sizeof fig);
  int nfig = 0;
  rfl_status st = scratch_create(&sc);
  if (st == RFL_OK) {
    st = run_figures(r, &sc, fig, &nfig);
    scratch_remove(&sc);
  }
  if (st == RFL_OK) st = write_run_page(html_path, r, fig, nfig);
  embedded_free(fig, 3);
  rfl_result_close(r);
  return st;
}

/* ---- a sweep ---------------------------------------------------------------------------------- */

static void sweep_table(FILE *f, const rfl_results_table *t) {
  int flags_col = rfl_results_table_column(t, "nflags");
  fputs("<div class=\"wide\"><table id=\"sweep-table\">\n<tr>", f);
  for (int c = 0; c < t->ncolumns; ++c) {
    fputs("<th>", f);
    rfl_html_escape(f, t->columns[c].name);
    fputs("</th>", f);
  }
  fputs("</tr>\n", f);
  for (size_t i = 0; i < t->nrows; ++i) {
    double nflags = flags_col >= 0 ? rfl_results_table_number(t, i, flags_col) : 0.0;
    fprintf(f, "<tr data-case=\"%lld\"%s>", t->rows[i].index, nflags > 0 ? " class=\"flagged\"" : "");
    for (int c = 0; c < t->ncolumns; ++c) {
      char buf[64];
      fputs("<td>", f);
      if (t->columns[c].type == RFL_RESULTS_REAL) {
        double v = rfl_results_table_number(t, i, c);
        int dec = fabs(v) >= 100 ? 1 : fabs(v) >= 1 ? 2 : 3;
        num(f, v, dec, "");
      } else {
        rfl_html_escape(f, rfl_results_table_text(t, i, c, buf, sizeof buf));
      }
      fputs("</td>", f);
    }
    fputs("</tr>\n", f);
  }
  fputs("</table></div>\n", f);
}

static rfl_status write_sweep_page(const char *html_path, const rfl_report_sweep_input *in, const embedded *fig) {
  rfl_atomic_file a;
  RFL_CHECK(rfl_atomic_open(&a, html_path));
  FILE *f = a.f;
  char title[RFL_PATH_MAX + 16];
  snprintf(title, sizeof title, "Sweep %s", in->dir);
  page_head(f, title, "sweep");
  const rfl_results_table *t = in->table;
  int flags_col = rfl_results_table_column(t, "nflags");
  size_t flagged = 0;
  for (size_t i = 0; flags_col >= 0 && i < t->nrows; ++i) flagged += rfl_results_table_number(t, i, flags_col) > 0;
  fputs("<section id=\"sweep-summary\">\n<p>", f);
  textf(f, "%zu of %zu cases finished; %zu raised a safety flag (rows marked in the table).", t->nrows, in->ncases,
        flagged);
  fputs("</p>\n</section>\n<section id=\"figures\">\n<h2>Figures</h2>\n", f);
  for (int i = 0; i < in->nfigures; ++i) figure_html(f, &fig[i]);
  if (in->nfigures == 0)
    fputs("<p class=\"note\">The sweep has no figures (rflesion sweep or merge with --figure METRIC:X draws "
          "them).</p>\n",
          f);
  fputs("</section>\n<section id=\"table\">\n<h2>Results</h2>\n", f);
  sweep_table(f, t);
  fputs("<p class=\"note\">Lengths in mm, volumes in mm\u00b3, temperatures in \u00b0C (columns: docs/hpc.md).</p>\n"
        "</section>\n",
        f);
  page_foot(f);
  return rfl_atomic_commit(&a);
}

rfl_status rfl_report_sweep(const rfl_report_sweep_input *in, const char *html_path) {
  RFL_CHECK(rfl_output_check("-o", html_path));
  embedded *fig = calloc(in->nfigures > 0 ? (size_t)in->nfigures : 1, sizeof *fig);
  if (!fig) return RFL_ERROR(RFL_ENOMEM, "out of memory for the figures");
  rfl_status st = RFL_OK;
  for (int i = 0; i < in->nfigures && st == RFL_OK; ++i) {
    st = embed_file(in->figures[i], &fig[i]);
    const char *base = strrchr(in->figures[i], '/');
    base = base ? base + 1 : in->figures[i];
    snprintf(fig[i].id, sizeof fig[i].id, "figure-%d", i + 1);
    snprintf(fig[i].caption, sizeof fig[i].caption, "%s", base);
  }
  if (st == RFL_OK) st = write_sweep_page(html_path, in, fig);
  embedded_free(fig, in->nfigures);
  free(fig);
  return st;
}
