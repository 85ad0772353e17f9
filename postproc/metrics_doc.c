// SPDX-License-Identifier: BSD-3-Clause
/* The metric table written out for people (the tables of docs/json-summary.md) and for
 * tests (one tab-separated line per metric); see metrics.h. */
#include <string.h>

#include "metrics.h"

static const char *const scope_names[] = {"run", "snapshot", "structure"};
static const char *const type_names[] = {"real", "int", "count", "found", "text"};

static void markdown_columns(FILE *f, const rfl_metric *m) {
  const char *sweep = m->sweep ? m->sweep : m->column;
  if (m->scope == RFL_METRIC_STRUCTURE)
    fprintf(f, "`%s` (sweep `NAME.%s`)", m->column, sweep);
  else if (!sweep[0])
    fprintf(f, "`%s` (not in the sweep)", m->column);
  else if (strcmp(sweep, m->column) != 0)
    fprintf(f, "`%s` (sweep `%s`)", m->column, sweep);
  else
    fprintf(f, "`%s`", m->column);
}

static void markdown_scope(FILE *f, rfl_metric_scope scope) {
  int n;
  const rfl_metric *t = rfl_metrics(&n);
  fprintf(f, "<!-- metrics: %s -->\n", scope_names[scope]);
  fprintf(f, "| JSON key | HDF5 column | unit | meaning |\n|---|---|---|---|\n");
  for (int i = 0; i < n; ++i) {
    const rfl_metric *m = &t[i];
    if (m->scope != scope) continue;
    fprintf(f, "| `%s` | ", m->json);
    markdown_columns(f, m);
    fprintf(f, " | %s | %s", m->unit, m->description);
    if (m->line == RFL_TERM_NONE) fprintf(f, "; not on the terminal: %s", m->terminal_note);
    fprintf(f, " |\n");
  }
  fputc('\n', f);
}

void rfl_metrics_write_markdown(FILE *f) {
  for (int s = RFL_METRIC_RUN; s <= RFL_METRIC_STRUCTURE; ++s) markdown_scope(f, (rfl_metric_scope)s);
}

void rfl_metrics_write_tsv(FILE *f) {
  int n;
  const rfl_metric *t = rfl_metrics(&n);
  for (int i = 0; i < n; ++i) {
    const rfl_metric *m = &t[i];
    char sweep[RFL_NAME_MAX + 64];
    rfl_metric_sweep_name(m, "", NULL, sweep, sizeof sweep);
    fprintf(f, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%.17g\t%s%s\n", scope_names[m->scope], m->json, m->column, sweep,
            m->unit, type_names[m->type], (int)m->line, m->line ? m->before : "", m->line ? m->format : "",
            m->line ? m->after : "", m->scale, m->nan_text ? "=" : "", m->nan_text ? m->nan_text : "");
  }
}
