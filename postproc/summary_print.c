// SPDX-License-Identifier: BSD-3-Clause
/* The human summary (summary.h): the lines are laid out here, their figures come from the
 * metric table (metrics.h), each printed as its descriptor's phrase. */
#include <math.h>
#include <string.h>

#include "generator.h"
#include "metrics.h"

/* The error of a figure is printed like the figure, without its sign. */
static void error_format(const char *format, char *buf, size_t size) {
  size_t n = 0;
  for (const char *p = format; *p && n + 1 < size; ++p)
    if (*p != '+') buf[n++] = *p;
  buf[n] = '\0';
}

/* before, the value, " +- error" when estimated, after; nan_text for a value that does
 * not exist when the metric has one. */
static void phrase(FILE *f, const rfl_metric *m, const rfl_metric_source *src) {
  double v = rfl_metric_value(m, src);
  if (isnan(v) && m->nan_text) {
    fputs(m->nan_text, f);
    return;
  }
  fputs(m->before, f);
  fprintf(f, m->format, m->scale * v);
  double e = rfl_metric_error(m, src);
  if (isfinite(e)) {
    char ef[16];
    error_format(m->format, ef, sizeof ef);
    fputs(" +- ", f);
    fprintf(f, ef, m->scale * e);
  }
  fputs(m->after, f);
}

/* Every metric of the source's scope printed on `line`, in table order. */
static void phrases(FILE *f, rfl_term_line line, rfl_metric_scope scope, const rfl_metric_source *src) {
  int n;
  const rfl_metric *t = rfl_metrics(&n);
  for (int i = 0; i < n; ++i)
    if (t[i].line == line && t[i].scope == scope) phrase(f, &t[i], src);
}

static void phrases_to(char *buf, size_t size, rfl_term_line line, rfl_metric_scope scope,
                       const rfl_metric_source *src) {
  FILE *f = fmemopen(buf, size, "w");
  buf[0] = '\0';
  if (!f) return;
  phrases(f, line, scope, src);
  fclose(f);
}

static void print_lesion(FILE *f, const char *label, int found, rfl_term_line line, const rfl_metric_source *src) {
  fprintf(f, "  %-22s ", label);
  if (!found)
    fputs("none", f);
  else
    phrases(f, line, RFL_METRIC_SNAPSHOT, src);
  fputc('\n', f);
}

static void print_snapshot(FILE *f, const char *heading, const rfl_summary *s, int place) {
  const rfl_lesion_snapshot *snap = rfl_snapshot_at(s, place);
  rfl_metric_source src = rfl_metric_snapshot(s, snap, place);
  fprintf(f, "%s ", heading);
  phrases(f, RFL_TERM_SNAPSHOT, RFL_METRIC_SNAPSHOT, &src);
  fputs(":\n", f);
  char label[64];
  phrases_to(label, sizeof label, RFL_TERM_LABEL, RFL_METRIC_SNAPSHOT, &src);
  print_lesion(f, "Omega >= 1:", snap->lesion.found, RFL_TERM_LESION, &src);
  print_lesion(f, label, snap->isotherm.found, RFL_TERM_ISOTHERM, &src);
}

static void print_run_line(FILE *f, const char *head, rfl_term_line line, const rfl_summary *s) {
  rfl_metric_source src = rfl_metric_run(s);
  fputs(head, f);
  phrases(f, line, RFL_METRIC_RUN, &src);
  fputc('\n', f);
}

static void print_structure(FILE *f, const rfl_summary *s, int k) {
  const rfl_structure_report *r = &s->structures[k];
  const rfl_structure *st = r->structure;
  rfl_metric_source src = rfl_metric_structure(s, k);
  fprintf(f, "Structure '%s' (%s): ", st->name, rfl_role_words(st->role));
  phrases(f, RFL_TERM_STRUCTURE, RFL_METRIC_STRUCTURE, &src);
  if (st->role == RFL_ROLE_TARGET)
    fputs(r->covered ? ", covered through its thickness" : ", not covered through its thickness", f);
  fputc('\n', f);
  if (!isfinite(r->course_length)) return;
  phrases(f, RFL_TERM_COURSE, RFL_METRIC_STRUCTURE, &src);
  fputc('\n', f);
}

/* The error estimate in one line: how it was made and whether the target was met. */
static void print_error_estimate(FILE *f, const rfl_summary *s) {
  const rfl_error_estimate *e = &s->errors;
  if (!e->estimated) {
    if (e->note[0]) fprintf(f, "Discretisation error: not estimated (%s)\n", e->note);
    return;
  }
  fprintf(f, "Discretisation error (+-): from a second solution with %.3g mm cells and %.3g s steps "
             "beside %.3g mm and %.3g s; largest on a length %.3f mm, target %.3g mm %s%s%s\n",
          e->coarse_spacing * 1e3, e->coarse_dt, e->spacing * 1e3, e->dt, e->largest_length * 1e3,
          e->accuracy * 1e3, rfl_error_estimate_met(e) ? "met" : "NOT met",
          e->note[0] ? "; " : "", e->note);
}

void rfl_summary_print(FILE *f, const rfl_summary *s) {
  const rfl_case *c = s->kase;
  print_snapshot(f, "Lesion at the end of RF", s, 0);
  if (c->generator.cooldown_s > 0.0) print_snapshot(f, "After the cool-down", s, 1);
  print_run_line(f, "Generator at the end of RF: ", RFL_TERM_GENERATOR, s);
  print_run_line(f, "Peak tissue temperature: ", RFL_TERM_PEAK, s);
  if (rfl_generator_type_of(&c->generator)->bursts) /* the thermocouple reads below the tissue's peaks */
    fprintf(f, "Pulsed RF: highest thermocouple reading %.2f C, hottest tissue %.2f C\n",
            s->thermocouple_max_C, s->peak_tissue_run_C);
  print_run_line(f, "Energy (J): ", RFL_TERM_ENERGY, s);
  for (int k = 0; k < s->nstructures; ++k) print_structure(f, s, k);
  rfl_summary_print_flags(f, s);
  print_error_estimate(f, s);
  print_run_line(f, "", RFL_TERM_COST, s);
  if (s->unconverged_steps > 0)
    fprintf(f, "Note: %zu step(s) kept with conductivity or boiling passes unconverged (energy is "
               "conserved; a smaller [solver] dt_s resolves them)\n", s->unconverged_steps);
}

void rfl_summary_print_flags(FILE *f, const rfl_summary *s) {
  if (s->nflags == 0) fprintf(f, "Safety flags: none\n");
  for (int i = 0; i < s->nflags; ++i) fprintf(f, "SAFETY FLAG: %s [%s]\n", s->flag_text[i], s->flags[i]);
  for (int i = 0; i < s->nfindings; ++i)
    fprintf(f, "Finding (effectiveness, not a safety flag): %s [%s]\n", s->finding_text[i], s->findings[i]);
}
