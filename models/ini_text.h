// SPDX-License-Identifier: BSD-3-Clause
/* The text rules shared by the case reader and the [sweep] reader: trimming, numbers as a
 * case file writes them, and splitting a value into items. Pure functions on strings (the
 * splitters modify their string in place); no messages: the readers say what was wrong. */
#ifndef RFL_INI_TEXT_H
#define RFL_INI_TEXT_H

/* s without leading and trailing blanks (space, tab, CR); the end is cut in place. */
char *rfl_ini_trim(char *s);

/* A decimal number: optional sign, digits with an optional point, optional exponent,
 * blanks around it allowed. No hex, inf or nan. 1 and *v set when s is one, else 0. */
int rfl_ini_parse_number(const char *s, double *v);

/* An integer of at most 9 digits with an optional sign, nothing else. */
int rfl_ini_parse_int(const char *s, long *v);

/* Splits s in place at the sep characters (outside double quotes when `quoted`) into at
 * most max parts, untrimmed. Returns the number of parts, or -1 when there are more. */
int rfl_ini_split(char *s, char sep, int quoted, char **parts, int max);

/* 1 if c occurs in s outside double quotes. */
int rfl_ini_has_outside_quotes(const char *s, char c);

/* 1 if the blank-separated list `words` holds `word`. */
int rfl_ini_has_word(const char *words, const char *word);

/* The text as shown in messages: one of 64 characters or more is cut to 60 and "..." in
 * buf (size >= 80), else the text itself. */
const char *rfl_ini_shown(const char *text, char *buf, size_t size);

#endif
