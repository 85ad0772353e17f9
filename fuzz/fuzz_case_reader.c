// SPDX-License-Identifier: BSD-3-Clause
/* libFuzzer target for the case reader: every input is a case file, read from memory with
 * a memory check of 150 bytes per cell against a fixed 1 GiB budget. An input whose first line starts with
 * "#set " also passes the rest of that line as one --set override. Whenever a case reads
 * successfully, the resolved case is written and read back, and the second write must
 * equal the first (the writer's output must always be a valid case describing the same
 * case). Any other outcome than RFL_OK or RFL_EINPUT (with a message) aborts.
 * Debian's libinih is not instrumented; the reader's own code is. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static rfl_case first, second;

/* The memory check with a stand-in estimate (the solver's needs the solver library). */
static double estimate_150(const rfl_case *c, void *ctx) {
  int n[3];
  (void)ctx;
  return 150.0 * rfl_case_estimate_cells(&c->grid, n);
}

static char *write_case(const rfl_case *c, size_t *len) {
  char *text = NULL;
  FILE *f = open_memstream(&text, len);
  if (!f || rfl_case_write(f, c) != RFL_OK) abort();
  fclose(f);
  return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char set[RFL_CASE_MAX_LINE + 1];
  const char *sets[1] = {set};
  rfl_case_warnings warnings;
  rfl_case_read_options opt = {.memory_estimate = estimate_150,
                               .memory_limit = 1024.0 * 1024.0 * 1024.0,
                               .memory_limit_source = "fuzz",
                               .warnings = &warnings};
  if (size > 5 && memcmp(data, "#set ", 5) == 0) {
    size_t n = 0;
    while (5 + n < size && data[5 + n] != '\n' && n < RFL_CASE_MAX_LINE) n++;
    memcpy(set, data + 5, n);
    set[n] = '\0';
    opt.sets = sets;
    opt.nsets = 1;
  }
  rfl_error_clear();
  rfl_status st = rfl_case_read_buffer("fuzz.ini", (const char *)data, size, &opt, &first);
  if (st == RFL_EINPUT) {
    if (rfl_error_message()[0] == '\0') abort(); /* every error has a message */
    return 0;
  }
  if (st != RFL_OK) abort();

  size_t len1 = 0, len2 = 0;
  char *text1 = write_case(&first, &len1);
  rfl_case_read_options again = {.memory_estimate = NULL};
  if (rfl_case_read_buffer("fuzz.ini", text1, len1, &again, &second) != RFL_OK) {
    fprintf(stderr, "written case does not read back: %s\n%s\n", rfl_error_message(), text1);
    abort();
  }
  char *text2 = write_case(&second, &len2);
  if (len1 != len2 || memcmp(text1, text2, len1) != 0) {
    fprintf(stderr, "written case changes on a second round:\n%s\n---\n%s\n", text1, text2);
    abort();
  }
  free(text1);
  free(text2);
  return 0;
}
