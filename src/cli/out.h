/*
 * out.h - output helpers of the command line: JSON strings that stay
 * valid whatever bytes a document holds, and terminal text that cannot
 * carry escape sequences from a document to the user's terminal.
 */
#ifndef AJ_CLI_OUT_H
#define AJ_CLI_OUT_H

#include <stdio.h>
#include <stddef.h>

/* Writes s[0..n) as a JSON string literal with quotes: control
 * characters escaped, invalid UTF-8 replaced by U+FFFD. */
void out_json_str(FILE *f, const char *s, size_t n);
/* Same for a NUL-terminated string; NULL is written as null. */
void out_json_cstr(FILE *f, const char *s);

/* Writes s[0..n) for a terminal: C0/C1 control characters and DEL become
 * '?', invalid UTF-8 becomes U+FFFD. */
void out_safe(FILE *f, const char *s, size_t n);

/* Number of display columns (code points) of s[0..n). */
size_t out_columns(const char *s, size_t n);

#endif
