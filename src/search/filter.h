/*
 * filter.h - which documents a filtered search keeps (aj_search_opts
 * since, until, doc, source, and the same as query fields: fields.h).
 *
 * A filter is applied inside the evaluation, not to the hits afterwards:
 * the paragraphs of the documents it rejects are merged into the runs the
 * evaluator leaves out (with page chrome), so totals, pages, groups and
 * facets count only what passes, exactly.  BM25's statistics stay those
 * of the whole index: a filter never changes a paragraph's score, and a
 * filtered list is the unfiltered one with the rejected documents taken
 * out.
 *
 * The rules: a date denotes the span of days it names (2024 is the whole
 * year); a document passes since/until when its date's span meets
 * [since, until], and never when it has no date.  doc is a glob matched
 * against the whole path as the index records it (fnmatch(3) without
 * FNM_PATHNAME, so '*' crosses '/').  source passes a document whose
 * source contains it, ignoring ASCII case.
 */
#ifndef AJ_FILTER_H
#define AJ_FILTER_H

#include <stdint.h>

#include "ajsearch.h"
#include "index/index.h"
#include "search/eval.h"

/* One filter: every part NULL passes everything. */
typedef struct aj_filter {
    const char *since, *until, *doc, *source;
} aj_filter;

/* The runs' buffer, kept by a searcher from one search to the next. */
typedef struct aj_filter_buf {
    uint8_t *runs;
    size_t cap;              /* in runs */
} aj_filter_buf;

/* Whether document d passes every filter of f[0..n).  AJ_EINVAL for a
 * bad date (with which), AJ_ECORRUPT from the index. */
aj_err aj_filter_doc(aj_ctx *c, const aj_index *ix, const aj_filter *f, size_t n, uint32_t d,
                     int *pass);

/* *out: the runs a search with filters f[0..n) leaves out: the chrome
 * runs (unless chrome) merged with the paragraphs of every document that
 * fails one of them.  *active is 0 when no filter is set (then *out is
 * untouched: the evaluator's own chrome runs serve).  The runs live in
 * buf. */
aj_err aj_filter_runs(aj_ctx *c, aj_index *ix, const aj_filter *f, size_t n, int chrome,
                      aj_filter_buf *buf, aj_runs *out, int *active);

void aj_filter_buf_free(aj_filter_buf *b);

#endif
