// SPDX-License-Identifier: BSD-3-Clause
#include "case_hash.h"

#include <stdio.h>
#include <stdlib.h>

#include "case_reader.h"

rfl_status rfl_case_hash(const rfl_case *k, uint64_t *hash) {
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  if (!f) return RFL_ERROR(RFL_ENOMEM, "out of memory hashing a case");
  rfl_status st = rfl_case_write(f, k);
  fclose(f);
  if (!text) return RFL_ERROR(RFL_ENOMEM, "out of memory hashing a case");
  uint64_t h = 1469598103934665603ULL; /* FNV-1a offset basis and prime */
  int comment = 0, bol = 1;
  for (size_t i = 0; i < len; i++) {
    if (bol) comment = text[i] == ';';
    bol = text[i] == '\n';
    if (comment) continue;
    h = (h ^ (unsigned char)text[i]) * 1099511628211ULL;
  }
  free(text);
  *hash = h;
  return st;
}

void rfl_case_hash_text(uint64_t hash, char text[17]) { snprintf(text, 17, "%016llx", (unsigned long long)hash); }
