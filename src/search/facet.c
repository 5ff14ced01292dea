/* facet.c - see facet.h. */
#include "search/facet.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/grow.h"

/* A document's value for one kind: len bytes at s (not always
 * NUL-terminated: a year is the start of a date). */
typedef struct {
    const char *s;
    size_t len;
    uint64_t count;
} item;

void aj_facet_buf_free(aj_facet_buf *b) {
    free(b->values);
    free(b->items);
    free(b->pool);
    memset(b, 0, sizeof *b);
}

static int cmp_value(const void *a, const void *b) {
    const item *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int r = memcmp(x->s, y->s, n);
    return r ? r : (x->len > y->len) - (x->len < y->len);
}

/* Dates in increasing order, with "" (no date) last. */
static int cmp_date(const void *a, const void *b) {
    const item *x = a, *y = b;
    if (!x->len || !y->len) return (x->len == 0) - (y->len == 0);
    return cmp_value(a, b);
}

static int cmp_count(const void *a, const void *b) {
    const item *x = a, *y = b;
    if (x->count != y->count) return x->count > y->count ? -1 : 1;
    return cmp_value(a, b);
}

/* The part of a document's values that a kind counts by. */
static void value_of(unsigned kind, const aj_doc_info *d, const char **s, size_t *len) {
    size_t dl = strlen(d->date);
    switch (kind) {
    case AJ_FACET_YEAR: *s = d->date, *len = dl < 4 ? dl : 4; break;
    case AJ_FACET_MONTH: *s = d->date, *len = dl >= 7 ? 7 : dl < 4 ? dl : 4; break;
    case AJ_FACET_DATE: *s = d->date, *len = dl; break;
    case AJ_FACET_DOC: *s = d->path, *len = strlen(d->path); break;
    default: *s = d->source, *len = strlen(d->source); break;
    }
}

aj_err aj_facets_count(aj_ctx *c, const aj_index *ix, const uint32_t *counts, unsigned kinds,
                       aj_facet_buf *b, const aj_facet **out, size_t *n) {
    aj_index_stats st;
    aj_index_stats_get(ix, &st);
    *n = 0;
    *out = b->facets;
    /* Every kind's values, merged, into values[], and the date parts'
     * bytes into the pool, before any pointer is taken into it. */
    size_t nvalues = 0, npool = 0, start[5] = {0}, count[5] = {0};
    unsigned kind_of[5] = {0};
    aj_err e = AJ_OK;
    for (unsigned bit = 0, k = 0; !e && bit < 5; bit++) {
        unsigned kind = 1u << bit;
        if (!(kinds & kind)) continue;
        e = aj_grow(c, &b->items, &b->capitems, (size_t)st.ndocs + 1, sizeof(item), "facets");
        item *it = b->items;
        size_t m = 0;
        for (uint32_t d = 0; !e && d < st.ndocs; d++) {
            if (!counts[d]) continue;
            aj_doc_info di;
            e = aj_doc_get(c, ix, d, &di);
            if (e) break;
            value_of(kind, &di, &it[m].s, &it[m].len);
            it[m++].count = counts[d];
        }
        if (e) break;
        qsort(it, m, sizeof *it, cmp_value);
        size_t u = 0;
        for (size_t i = 0; i < m; i++) {
            if (u && !cmp_value(&it[u - 1], &it[i])) it[u - 1].count += it[i].count;
            else it[u++] = it[i];
        }
        qsort(it, u, sizeof *it, kind <= AJ_FACET_DATE ? cmp_date : cmp_count);
        e = aj_grow(c, (void **)&b->values, &b->capvalues, nvalues + u + 1,
                    sizeof *b->values, "facets");
        if (!e && kind <= AJ_FACET_MONTH) {
            size_t need = npool;
            for (size_t i = 0; i < u; i++) need += it[i].len + 1;
            e = aj_grow(c, (void **)&b->pool, &b->cappool, need + 1, 1, "facets");
        }
        for (size_t i = 0; !e && i < u; i++) {
            aj_facet_value *v = &b->values[nvalues + i];
            v->count = it[i].count;
            if (kind <= AJ_FACET_MONTH) {
                /* an offset into the pool for now: it may still move */
                memcpy(b->pool + npool, it[i].s, it[i].len);
                b->pool[npool + it[i].len] = 0;
                v->value = (const char *)(uintptr_t)(npool + 1);
                npool += it[i].len + 1;
            } else {
                v->value = it[i].s; /* a whole string of the index */
            }
        }
        start[k] = nvalues;
        count[k] = u;
        kind_of[k++] = kind;
        nvalues += u;
        *n = k;
    }
    if (e) return e;
    for (size_t k = 0; k < *n; k++) {
        for (size_t i = 0; i < count[k]; i++) {
            aj_facet_value *v = &b->values[start[k] + i];
            if (kind_of[k] <= AJ_FACET_MONTH) v->value = b->pool + ((uintptr_t)v->value - 1);
        }
        b->facets[k] = (aj_facet){kind_of[k], count[k] ? b->values + start[k] : NULL, count[k]};
    }
    return AJ_OK;
}
