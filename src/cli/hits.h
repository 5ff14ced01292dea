/*
 * hits.h - what the front ends show of a hit, gathered once, and its JSON
 * (the objects of `ajsearch --json` and of the server's API alike).
 *
 * Nothing here prints to a fixed stream or exits: JSON goes to the FILE
 * given, and errors come back in the aj_ctx for the caller to report.
 */
#ifndef AJ_CLI_HITS_H
#define AJ_CLI_HITS_H

#include <stdio.h>

#include "ajsearch.h"

/* Matches of a hit kept in the hit itself: a paragraph rarely has more,
 * so a hit costs no allocation for them (and hitviews are never moved). */
#define HIT_SPANS 16

#define MID_DOT " \xC2\xB7 "

/* Everything shown about one hit, gathered once for every output format
 * (terminal, --json, --html, --group, the server). */
typedef struct {
    aj_para_info p;
    aj_doc_info d;
    char *text;
    size_t len;
    aj_span *spans;         /* every match in text, sorted: span_buf or,
                               when they are more, allocated */
    size_t nspans;
    aj_range *src;          /* their bytes in the source file (JSON):
                               src_buf or allocated likewise; NULL when the
                               source is missing or changed */
    aj_span span_buf[HIT_SPANS];
    aj_range src_buf[HIT_SPANS];
    int src_changed;        /* src is NULL because the file's size or
                               checksum differs from the index's */
    aj_cite ct;             /* its citation (aj_para_cite) */
    const char *place;      /* ct.place: "¶ 28", "under “Heading”,
                               paragraph 3", "paragraph 3" */
    const char *where;      /* ct.cite after the title: date (when known),
                               path (when needed) and place */
} hitview;

void hit_free(hitview *v);

/* Gathers what is shown of paragraph id (but v->src), its matches
 * highlighted by s's last query.  On error v holds nothing to free. */
aj_err hit_load(aj_ctx *c, aj_index *ix, aj_searcher *s, uint32_t id, hitview *v);

/* Loads the hits h[idx[i]] (idx NULL: h[i]), i < n, into v[0..n); when
 * corpus_dir is not NULL also the source bytes of their matches, one pass
 * per document (a missing or changed source file is not an error: v->src
 * stays NULL; nor is failing to find them, which *warn tells when it is
 * not NULL).  On error none of v is left to free. */
aj_err hits_load(aj_ctx *c, aj_index *ix, aj_searcher *s, const aj_hit *h,
                 const size_t *idx, size_t n, hitview *v, const char *corpus_dir,
                 aj_ctx *warn);

/* [[start,end],...]: the spans sp, or the source ranges r when not NULL. */
void json_ranges(FILE *f, const aj_span *sp, const aj_range *r, size_t n);

/* ,"section":[...]: the enclosing headings of a citation, outermost
 * first. */
void json_section(FILE *f, const aj_cite *ct);

/* The fields of a paragraph in a JSON object, from "id" to "section"
 * (hits and show print these alike). */
void json_para(FILE *f, const hitview *v);

/* One hit as a JSON object, without the opening brace when opened (batch
 * mode has written {"query":N, already) and without a newline; explain
 * adds its factors and clauses. */
void json_hit(FILE *f, int explain, const hitview *v, const aj_hit *h, size_t rank,
              int opened);

/* The paragraphs [*from, *to] shown around paragraph id of document d:
 * up to context each side, within the document (show, the server). */
void hit_context(const aj_doc_info *d, uint32_t id, uint32_t context, uint32_t *from,
                 uint32_t *to);

/* A group's head, "group":rank,"doc",...,"score":S,"hits":[ (no opening
 * brace: the caller may have opened the object already), its hits to
 * follow and "]}" to close it (--group --json, the server's groups). */
void json_group_head(FILE *f, size_t rank, const aj_doc_info *d, const aj_group *g);

/* "also":[...], after an opening brace when open, followed by a comma. */
void json_also(FILE *f, const aj_results *r, int open);

/* The missing words as typed: ["a","b"]. */
void json_missing(FILE *f, const aj_results *r);

/* "in_chrome":[...]: the missing words that occur only in page chrome
 * (none: nothing is written and 0 returned). */
int json_in_chrome(FILE *f, const aj_results *r);

/* "missing":[...] (the words as typed), and "suggestion" and "corrected"
 * when there is a proposal, each followed by a comma; after an opening
 * brace when open. */
void json_spelling(FILE *f, const aj_results *r, int open);

#endif
