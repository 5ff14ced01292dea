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
 * characters and invisible ones (see out_safe) escaped as \uXXXX, so the
 * text stays exact and a terminal showing the JSON cannot be fooled;
 * invalid UTF-8 replaced by U+FFFD. */
void out_json_str(FILE *f, const char *s, size_t n);
/* Same for a NUL-terminated string; NULL is written as null. */
void out_json_cstr(FILE *f, const char *s);

/* Writes s[0..n) for a terminal: a tab becomes a space; every other C0
 * control character (ESC, BEL, BS, CR, LF, ...), DEL, every C1 control
 * (U+0080..U+009F) and every byte that is not part of valid UTF-8 becomes
 * U+FFFD, one per character or bad byte; every invisible character (the
 * format characters of Unicode category Cf, such as the bidirectional
 * overrides U+202A..U+202E and isolates U+2066..U+2069, zero-width spaces
 * and joiners, the BOM, and the separators U+2028, U+2029) is shown as
 * <U+202E>.  So no byte sequence from a document, a file name or a query
 * can move the cursor, recolour the terminal, end a line or reorder what
 * the reader sees. */
void out_safe(FILE *f, const char *s, size_t n);
/* Same for a NUL-terminated string (nothing for NULL). */
void out_safe_cstr(FILE *f, const char *s);

/* Writes s[0..n) as HTML text, safe in element content and in quoted
 * attribute values: & < > " ' become entities, and everything out_safe
 * replaces is replaced the same way (an invisible character as the text
 * <U+202E>, since a browser would obey it as a terminal does). */
void out_html(FILE *f, const char *s, size_t n);
/* Same for a NUL-terminated string (nothing for NULL). */
void out_html_cstr(FILE *f, const char *s);

/* Number of display columns of s[0..n) as out_safe shows it. */
size_t out_columns(const char *s, size_t n);

#endif
