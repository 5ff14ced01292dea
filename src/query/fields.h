/*
 * fields.h - filters written in the query, for a search box: `date:2024`,
 * `date:2024-03..2025`, `date:..2023`, `doc:2025-*`, `source:MOFA`,
 * `source:"Ministry of Foreign Affairs"`.
 *
 * A field is a word of the query's top level that starts with one of the
 * names date, doc or source (any case), a colon and, at once, a value: a
 * run of bytes up to white space or a closing parenthesis, or a quoted
 * string.  It is taken out of the query (its bytes blanked, so that every
 * other byte keeps its offset for error messages and corrections) and
 * applies to the whole query, like the command line's --since, --until,
 * --doc and --source.  "source:" followed by a space is a word, not a
 * field.  A field inside parentheses, after NOT or '-', or given twice is
 * a syntax error at its position, as is a date that is not YYYY, YYYY-MM
 * or YYYY-MM-DD.
 */
#ifndef AJ_FIELDS_H
#define AJ_FIELDS_H

#include <stddef.h>

#include "ajsearch.h"

typedef struct aj_fields {
    char *since, *until;     /* date bounds, or NULL */
    char *doc;               /* path glob, or NULL */
    char *source;            /* source text, or NULL */
    int any;                 /* some field was found */
} aj_fields;

/* Copies q[0..len) into *out (len bytes and a NUL, malloc'ed, the
 * caller's) with the fields blanked, and fills *f (the caller frees it
 * with aj_fields_free, also after a failure).  AJ_ESYNTAX with ctx->pos
 * for a misplaced or malformed field, AJ_ENOMEM. */
aj_err aj_fields_take(aj_ctx *c, const char *q, size_t len, char **out, aj_fields *f);
void aj_fields_free(aj_fields *f);

/* Whether s is a date of the form YYYY, YYYY-MM or YYYY-MM-DD naming a
 * real month and day; *lo and *hi get the first and last day it covers
 * as YYYYMMDD.  Shared with the options' filters (filter.h). */
int aj_date_span(const char *s, size_t len, unsigned *lo, unsigned *hi);

#endif
