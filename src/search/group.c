/*
 * group.c - results by document; the method is in group.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "search/group.h"
#include "common/grow.h"
#include "index/index.h"
#include "search/topk.h"

void aj_grouping_free(aj_grouping *g) {
    free(g->m);
    free(g->d);
    free(g->rescored);
    free(g->hits);
    free(g->groups);
    free(g->order);
    free(g->least);
    memset(g, 0, sizeof *g);
}

#define GROW(c, g, arr, cap, need, what) \
    aj_grow(c, (void **)&(g)->arr, &(g)->cap, (need), sizeof *(g)->arr, what)

/* The pass over every match: BM25, document, counts. */
static aj_err collect(aj_ctx *c, aj_grouping *g, aj_index *ix, aj_eval *ev,
                      uint32_t *counts, aj_results *r) {
    uint32_t doc_end = 0;
    aj_err e = AJ_OK;
    g->nm = g->nd = g->nres = 0;
    while (!e && aj_eval_doc(ev) != AJ_DOC_END) {
        uint32_t id = aj_eval_doc(ev), dl;
        if (g->nd == 0 || id >= doc_end) {
            uint32_t doc, first;
            aj_doc_info di;
            e = aj_index_para_doc(c, ix, id, &doc, &first);
            if (!e) e = aj_doc_get(c, ix, doc, &di);
            if (!e) e = GROW(c, g, d, capd, g->nd + 1, "groups");
            if (e) break;
            doc_end = di.first_para + di.nparas;
            g->d[g->nd++] = (aj_gdoc){.doc = doc, .first = (uint32_t)g->nm,
                                      .best = (uint32_t)g->nm, .score = -INFINITY};
        }
        e = aj_index_len(c, ix, id, &dl);
        if (!e) e = GROW(c, g, m, capm, g->nm + 1, "groups");
        if (e) break;
        aj_gdoc *d = &g->d[g->nd - 1];
        double bm25 = aj_eval_score(ev, dl);
        g->m[g->nm] = (aj_gmatch){id, -1, bm25};
        if (bm25 > g->m[d->best].bm25) d->best = (uint32_t)g->nm;
        d->n++;
        g->nm++;
        counts[d->doc]++;
        r->total++;
        e = aj_eval_next(c, ev);
    }
    return e;
}

/* Scores match i exactly, once: through rs under the default ranking,
 * else its BM25 is its score. */
static aj_err score(aj_ctx *c, aj_grouping *g, aj_rescorer *rs, uint32_t clauses, size_t i) {
    if (g->m[i].hit >= 0) return AJ_OK;
    aj_err e = GROW(c, g, rescored, capres, g->nres + 1, "groups");
    if (e) return e;
    aj_hit h = {.id = g->m[i].id, .bm25 = g->m[i].bm25, .kind = 1.0, .share = 1.0,
                .matched = clauses, .clauses = clauses};
    if (rs) {
        int keep;
        e = aj_rescore(c, rs, &h, -INFINITY, &keep);
        if (e) return e;
    } else {
        h.score = h.bm25;
    }
    g->rescored[g->nres] = h;
    g->m[i].hit = (int32_t)g->nres++;
    return AJ_OK;
}

static double exact(const aj_grouping *g, uint32_t i) { return g->rescored[g->m[i].hit].score; }

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_desc(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x > y ? -1 : x < y;
}

/* Documents by bound, highest first (the lower document first among
 * equals, so the choice does not depend on qsort). */
static int by_bound(const void *a, const void *b, void *arg) {
    const aj_grouping *g = arg;
    const aj_gdoc *x = &g->d[*(const uint32_t *)a], *y = &g->d[*(const uint32_t *)b];
    if (x->bound != y->bound) return x->bound > y->bound ? -1 : 1;
    return x->first < y->first ? -1 : x->first > y->first;
}

/* Documents by best score, then by their best paragraph's id: the order
 * their best paragraphs have in the flat ranking. */
static int by_score(const void *a, const void *b, void *arg) {
    const aj_grouping *g = arg;
    const aj_gdoc *x = &g->d[*(const uint32_t *)a], *y = &g->d[*(const uint32_t *)b];
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    uint32_t i = g->m[x->best].id, j = g->m[y->best].id;
    return i < j ? -1 : i > j;
}

/* Matches of one document by exact score, then id (unscored ones last). */
static int by_exact(const void *a, const void *b, void *arg) {
    const aj_grouping *g = arg;
    uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
    int si = g->m[i].hit >= 0, sj = g->m[j].hit >= 0;
    if (si != sj) return si ? -1 : 1;
    if (si) {
        double x = exact(g, i), y = exact(g, j);
        if (x != y) return x > y ? -1 : 1;
    }
    return i < j ? -1 : i > j;
}

/* Stage 1 (group.h): theta, a score that k documents are sure to reach,
 * or -infinity when there are no more than k documents. */
static aj_err threshold(aj_ctx *c, aj_grouping *g, aj_rescorer *rs, uint32_t clauses,
                        size_t k, double *theta) {
    *theta = -INFINITY;
    if (g->nd <= k) return AJ_OK;
    aj_err e = GROW(c, g, order, caporder, g->nd, "groups");
    if (!e) e = GROW(c, g, least, capleast, k, "groups");
    if (e) return e;
    for (size_t i = 0; i < g->nd; i++) g->order[i] = (uint32_t)i;
    qsort_r(g->order, g->nd, sizeof *g->order, by_bound, g);
    /* Their best-BM25 paragraphs, scored in id order (the rescorer's
     * cursors move forward). */
    for (size_t i = 0; i < k; i++) g->order[i] = g->d[g->order[i]].best;
    qsort(g->order, k, sizeof *g->order, cmp_u32);
    for (size_t i = 0; !e && i < k; i++) {
        e = score(c, g, rs, clauses, g->order[i]);
        if (!e) g->least[i] = exact(g, g->order[i]);
    }
    if (e) return e;
    qsort(g->least, k, sizeof *g->least, cmp_desc);
    *theta = g->least[k - 1];
    return AJ_OK;
}

/* Stage 2 for document d: scores every paragraph that can be among its
 * n best, then sets its best score and best paragraph. */
static aj_err score_doc(aj_ctx *c, aj_grouping *g, aj_rescorer *rs, uint32_t clauses,
                        double maxf, size_t n, aj_gdoc *d) {
    double floor = -INFINITY;
    aj_err e = AJ_OK;
    if (d->n > n) {
        e = GROW(c, g, least, capleast, d->n, "groups");
        for (uint32_t j = 0; !e && j < d->n; j++) {
            const aj_gmatch *m = &g->m[d->first + j];
            aj_hit h = {.id = m->id, .bm25 = m->bm25, .score = m->bm25};
            if (rs) e = aj_rescore_least(c, rs, &h);
            g->least[j] = h.score;
        }
        if (e) return e;
        qsort(g->least, d->n, sizeof *g->least, cmp_desc);
        floor = g->least[n - 1];
    }
    d->score = -INFINITY;
    for (uint32_t j = 0; !e && j < d->n; j++) {
        uint32_t i = d->first + j;
        if (aj_topk_prunable(maxf * g->m[i].bm25, floor)) continue;
        e = score(c, g, rs, clauses, i);
        if (!e && exact(g, i) > d->score) {
            d->score = exact(g, i);
            d->best = i;
        }
    }
    return e;
}

aj_err aj_group_rank(aj_ctx *c, aj_grouping *g, aj_index *ix, aj_eval *ev,
                     const aj_rank *rk, const aj_search_opts *o, int full,
                     uint32_t *counts, aj_results *r) {
    aj_err e = collect(c, g, ix, ev, counts, r);
    r->total_exact = 1;
    r->total_groups = e ? 0 : g->nd;
    uint64_t k64 = (uint64_t)o->offset + o->limit;
    size_t k = k64 < g->nd ? (size_t)k64 : g->nd;
    if (e || k <= o->offset) return e;
    size_t n = o->group;
    uint32_t clauses = rk->nclauses;
    double maxf = full ? aj_rank_max_factor(rk, o, rk->ncan_occur) : 1.0;
    aj_rescorer *rs = NULL;
    if (full) e = aj_rescorer_new(c, rk, ix, o, &rs);
    for (size_t i = 0; !e && i < g->nd; i++) g->d[i].bound = maxf * g->m[g->d[i].best].bm25;
    double theta;
    if (!e) e = threshold(c, g, rs, clauses, k, &theta);
    /* The candidates, in document order: that is id order, as the
     * rescorer needs. */
    size_t ncand = 0;
    if (!e) e = GROW(c, g, order, caporder, g->nd, "groups");
    for (size_t i = 0; !e && i < g->nd; i++) {
        aj_gdoc *d = &g->d[i];
        if (aj_topk_prunable(d->bound, theta)) continue;
        e = score_doc(c, g, rs, clauses, maxf, n, d);
        g->order[ncand++] = (uint32_t)i;
    }
    if (e) {
        aj_rescorer_free(rs);
        return e;
    }
    /* k documents reach theta and those left out cannot: k <= ncand. */
    qsort_r(g->order, ncand, sizeof *g->order, by_score, g);
    size_t ngroups = k - o->offset, nhits = 0;
    const uint32_t *page = g->order + o->offset;
    for (size_t i = 0; i < ngroups; i++) nhits += g->d[page[i]].n < n ? g->d[page[i]].n : n;
    e = GROW(c, g, groups, capgroups, ngroups, "groups");
    if (!e) e = GROW(c, g, hits, caphits, nhits, "groups");
    /* One document's matches are sorted at a time, after the page's
     * documents at the front of order[]. */
    size_t most = 0;
    for (size_t i = 0; i < ngroups; i++) most = g->d[page[i]].n > most ? g->d[page[i]].n : most;
    if (!e) e = GROW(c, g, order, caporder, g->nd + most, "groups");
    page = g->order + o->offset;
    size_t at = 0;
    for (size_t i = 0; !e && i < ngroups; i++) {
        const aj_gdoc *d = &g->d[page[i]];
        uint32_t *mi = g->order + g->nd;
        for (uint32_t j = 0; j < d->n; j++) mi[j] = d->first + j;
        qsort_r(mi, d->n, sizeof *mi, by_exact, g);
        size_t take = d->n < n ? d->n : n;
        g->groups[i] = (aj_group){.doc = d->doc, .matches = d->n, .score = d->score,
                                  .hits = g->hits + at, .nhits = take};
        for (size_t j = 0; j < take; j++) {
            aj_hit *h = &g->hits[at++];
            *h = g->rescored[g->m[mi[j]].hit];
            if (!full) {
                h->proximity = h->heading = 0.0;
                h->kind = h->share = 1.0;
            }
        }
    }
    aj_rescorer_free(rs);
    if (e) return e;
    r->hits = at ? g->hits : NULL;
    r->nhits = at;
    r->npartial = 0;
    r->groups = g->groups;
    r->ngroups = ngroups;
    return AJ_OK;
}
