/*
 * segment.h - source document -> the paragraphs a reader would see.
 *
 * Handles blank-line paragraphs, hard-wrapped PDF text (wrapped lines are
 * joined; a line holding only "8." starts paragraph 8), list items and
 * numbered paragraphs (their number becomes the label), headings, items
 * run together on one line, paragraphs broken by a page footer, and markup
 * (HTML-like tags, markdown emphasis, links, entities) that must not reach
 * terms or snippets.  The rules are listed in README.md ("Corpus and
 * paragraphs") and at each function below.
 */
#ifndef AJ_SEGMENT_H
#define AJ_SEGMENT_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define AJ_MAX_PARA_BYTES (1u << 20)  /* longer paragraphs are cut */

enum { AJ_PARA_BODY = 0, AJ_PARA_HEADING = 1, AJ_PARA_ITEM = 2 };

typedef struct aj_seg_para {
    uint64_t start, end;  /* source bytes [start, end) the text came from */
    const char *text;     /* cleaned text, NUL-terminated, valid during the
                             callback only */
    size_t text_len;
    const char *label;    /* the document's number for it ("8", "ii"), or
                             NULL */
    int kind;             /* AJ_PARA_BODY, AJ_PARA_HEADING or AJ_PARA_ITEM */
} aj_seg_para;

/* Returns non-zero to stop early (aj_segment then returns AJ_OK). */
typedef int (*aj_seg_fn)(void *arg, const aj_seg_para *p);

/* Calls fn for each paragraph of src[0..len) in order of start offset.
 * Any bytes are accepted; time is linear and memory bounded by a small
 * multiple of AJ_MAX_PARA_BYTES.  Fails only with AJ_ENOMEM. */
aj_err aj_segment(aj_ctx *c, const char *src, size_t len, aj_seg_fn fn,
                  void *arg);

/* Writes the document's fallback title (its first non-blank line, cleaned
 * of markup and list markers) into out, NUL-terminated, at most cap - 1
 * bytes cut at a UTF-8 boundary.  Returns its length. */
size_t aj_segment_title(const char *src, size_t len, char *out, size_t cap);

#endif
