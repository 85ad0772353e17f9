// SPDX-License-Identifier: BSD-3-Clause
/* A fingerprint of a resolved case: every output states it (provenance), and a sweep's
 * manifest and records use it to tell one case from another. */
#ifndef RFL_CASE_HASH_H
#define RFL_CASE_HASH_H

#include <stdint.h>

#include "case.h"
#include "status.h"

/* 64-bit FNV-1a of the resolved case as a case file (rfl_case_write) without its comment
 * lines, so a comment, the case file's name or a key written with its default does not
 * change it, and any value that changes the run does. */
rfl_status rfl_case_hash(const rfl_case *k, uint64_t *hash);

/* The hash as 16 lower-case hex digits (the form outputs and manifests use). */
void rfl_case_hash_text(uint64_t hash, char text[17]);

#endif
