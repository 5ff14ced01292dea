/*
 * facet.h - matching paragraphs counted by a document's year, month,
 * date, path or source (aj_search_opts.facets; the orders are in
 * ajsearch.h, aj_facet).  The counts come from the search's matches per
 * document, so a facet costs a pass over the documents, not the matches.
 */
#ifndef AJ_FACET_H
#define AJ_FACET_H

#include <stddef.h>
#include <stdint.h>

#include "ajsearch.h"

/* The facets' memory, kept by a searcher from one search to the next. */
typedef struct aj_facet_buf {
    aj_facet facets[5];
    aj_facet_value *values;
    size_t capvalues;
    void *items;             /* scratch: one entry per document */
    size_t capitems;
    char *pool;              /* the values that are parts of dates */
    size_t cappool;
} aj_facet_buf;

/* Fills b->facets for each AJ_FACET_* bit of kinds, in bit order, from
 * counts[d], the matching paragraphs of document d (ndocs of them), and
 * sets *out and *n.  AJ_ENOMEM, AJ_ECORRUPT from the index. */
aj_err aj_facets_count(aj_ctx *c, const aj_index *ix, const uint32_t *counts, unsigned kinds,
                       aj_facet_buf *b, const aj_facet **out, size_t *n);

void aj_facet_buf_free(aj_facet_buf *b);

#endif
