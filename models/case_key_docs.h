// SPDX-License-Identifier: BSD-3-Clause
/* What each case key means, for the key tables of docs/case-format.md (written by
 * rfl_case_keys_markdown from the reader's key table: the unit, the range the reader
 * checks and the default come from there; the words from here). */
#ifndef RFL_CASE_KEY_DOCS_H
#define RFL_CASE_KEY_DOCS_H

typedef struct {
  const char *section;      /* section word: "grid", "material", "structure", ... */
  const char *key;
  const char *default_text; /* the default column when the default case cannot show it
                               ("required", "domain low corner"); NULL: from the defaults */
  const char *range_text;   /* rules beyond the reader's own range check, appended */
  const char *meaning;
} rfl_case_key_doc;

/* Every key of every section ([return_probe] shares [probe]'s), ended by a NULL section. */
extern const rfl_case_key_doc rfl_case_key_docs[];

/* The entry of [section] key, or NULL. */
const rfl_case_key_doc *rfl_case_key_doc_find(const char *section, const char *key);

#endif
