/*
 * search.c - the public query entry point: parse, evaluate, keep the top
 * k by BM25 in a min-heap, and explain and highlight on request.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ajsearch.h"
#include "eval.h"
#include "expand.h"
#include "index.h"
#include "query.h"
#include "topk.h"

struct aj_searcher {
    aj_index *ix;
    aj_analyzer *an;
    aj_query *q;              /* last query, kept for highlighting */
    aj_results res;
    aj_hit *hits;
    size_t caphits;
    aj_explain *ex;           /* explanations of all hits */
    size_t capex;
    aj_expander *exp;         /* compound and acronym rewriting */
    const char **also;        /* results.also */
    size_t capalso;
};

void aj_search_opts_init(aj_search_opts *o) {
    memset(o, 0, sizeof *o);
    o->k1 = 1.2;
    o->b = 0.75;
    o->limit = 10;
    o->exact_total = 1;
    o->expand = 1;
}

aj_err aj_searcher_new(aj_ctx *c, aj_index *ix, aj_searcher **out) {
    aj_searcher *s = calloc(1, sizeof *s);
    if (!s) return aj_fail(c, AJ_ENOMEM, "searcher");
    s->ix = ix;
    aj_err e = aj_analyzer_new(c, &s->an);
    if (!e) e = aj_expander_new(c, ix, &s->exp);
    if (e) {
        aj_analyzer_free(s->an);
        free(s);
        return e;
    }
    *out = s;
    return AJ_OK;
}

void aj_searcher_free(aj_searcher *s) {
    if (!s) return;
    aj_analyzer_free(s->an);
    aj_expander_free(s->exp);
    free(s->also);
    aj_query_free(s->q);
    free(s->hits);
    free(s->ex);
    free(s);
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_id(const void *a, const void *b) {
    const aj_hit *x = *(aj_hit *const *)a, *y = *(aj_hit *const *)b;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Fills hit->explain for every returned hit, walking a fresh cursor tree
 * to the hits in id order. */
static aj_err explain(aj_ctx *c, aj_searcher *s, const aj_search_opts *o) {
    aj_results *r = &s->res;
    aj_query *q = s->q;
    size_t need = r->nhits * q->nleaves;
    if (need > s->capex) {
        aj_explain *ex = realloc(s->ex, need * sizeof *ex);
        if (!ex) return aj_fail(c, AJ_ENOMEM, "explanations");
        s->ex = ex;
        s->capex = need;
    }
    aj_hit **byid = malloc((r->nhits + 1) * sizeof *byid);
    uint32_t *tf = malloc((q->nleaves + 1) * sizeof *tf);
    aj_eval ev;
    aj_err e = (!byid || !tf) ? aj_fail(c, AJ_ENOMEM, "explanations") : AJ_OK;
    if (!e) e = aj_eval_open(c, &ev, s->ix, q, o->k1, o->b);
    for (size_t i = 0; !e && i < r->nhits; i++) byid[i] = &r->hits[i];
    if (!e) qsort(byid, r->nhits, sizeof *byid, cmp_id);
    size_t used = 0;
    for (size_t i = 0; !e && i < r->nhits; i++) {
        aj_hit *h = byid[i];
        uint32_t dl = 0;
        e = aj_eval_advance(c, &ev, h->id);
        if (!e) e = aj_index_len(c, s->ix, h->id, &dl);
        if (e) break;
        h->explain = s->ex + used;
        h->nexplain = 0;
        if (aj_eval_doc(&ev) != h->id) continue;
        aj_eval_leaf_tfs(&ev, tf);
        for (uint32_t l = 0; l < q->nleaves; l++) {
            if (!tf[l]) continue;
            aj_explain *x = &s->ex[used++];
            x->clause = q->leaves[l]->text;
            x->tf = tf[l];
            x->df = ev.df[l];
            x->dl = dl;
            x->idf = ev.idf[l];
            x->score = aj_bm25(x->idf, tf[l], dl, ev.avgdl, o->k1, o->b);
            h->nexplain++;
        }
    }
    aj_eval_close(&ev);
    free(byid);
    free(tf);
    return e;
}

aj_err aj_search(aj_ctx *c, aj_searcher *s, const char *qs, size_t qlen,
                 const aj_search_opts *o, const aj_results **out) {
    double t0 = now();
    aj_results *r = &s->res;
    memset(r, 0, sizeof *r);
    aj_query_free(s->q);
    s->q = NULL;
    if (!(o->k1 >= 0) || !(o->b >= 0 && o->b <= 1))
        return aj_fail(c, AJ_EINVAL, "BM25 needs k1 >= 0 and 0 <= b <= 1");
    aj_err e = aj_query_parse(c, s->an, qs, qlen, &s->q);
    const aj_expansion *xs = NULL;
    size_t nx = 0;
    if (!e && o->expand) {
        e = aj_expand(c, s->exp, s->an, s->q);
        nx = aj_expand_list(s->exp, &xs);
    }
    if (!e && nx > s->capalso) {
        const char **a = realloc(s->also, nx * sizeof *a);
        if (a) {
            s->also = a;
            s->capalso = nx;
        } else {
            e = aj_fail(c, AJ_ENOMEM, "expansions");
        }
    }
    if (e) return e;
    uint64_t k64 = (uint64_t)o->offset + o->limit;
    size_t k = k64 > s->ix->nparas ? s->ix->nparas : (size_t)k64;
    if (k > s->caphits) {
        aj_hit *h = realloc(s->hits, k * sizeof *h);
        if (!h) return aj_fail(c, AJ_ENOMEM, "hits");
        s->hits = h;
        s->caphits = k;
    }
    aj_eval ev;
    aj_topk top;
    aj_topk_init(&top, s->hits, k);
    e = aj_eval_open(c, &ev, s->ix, s->q, o->k1, o->b);
    /* Only the alternatives the corpus has are worth reporting. */
    for (size_t i = 0; !e && i < nx; i++)
        if (xs[i].desc && ev.df[xs[i].alt->leaf]) s->also[r->nalso++] = xs[i].desc;
    r->also = s->also;
    aj_cur **leaves;
    uint32_t nleaves;
    if (!e && !o->exact_total && k > 0 && aj_eval_flat(&ev, &leaves, &nleaves)) {
        e = aj_topk_pruned(c, &ev, s->ix, &top, &r->total);
    } else {
        r->total_exact = 1;
        while (!e && aj_eval_doc(&ev) != AJ_DOC_END) {
            uint32_t id = aj_eval_doc(&ev), dl;
            r->total++;
            if (k > 0) {
                e = aj_index_len(c, s->ix, id, &dl);
                if (e) break;
                aj_topk_push(&top, id, aj_eval_score(&ev, dl));
            }
            e = aj_eval_next(c, &ev);
        }
    }
    aj_eval_close(&ev);
    r->decoded = ev.decoded;
    if (e) return e;
    aj_topk_sort(&top);
    size_t n = top.n;
    size_t skip = o->offset < n ? o->offset : n;
    r->hits = n ? s->hits + skip : NULL;
    r->nhits = n - skip;
    if (o->explain && r->nhits) e = explain(c, s, o);
    r->seconds = now() - t0;
    if (e) return e;
    *out = r;
    return AJ_OK;
}

/* ---- highlighting ---- */

/* The words a token may match: the terms of the positive (not negated)
 * term and phrase clauses, and the positive prefixes, each sorted so that
 * a token costs a few binary searches rather than a pass over up to 1024
 * clauses (a 1 MiB paragraph has some 200,000 tokens). */
typedef struct {
    const char *s;
    size_t len;
} hkey;

typedef struct {
    hkey *terms, *prefixes;
    size_t nterms, nprefixes;
    aj_span *out;
    size_t cap, n;
} hl;

static int cmp_hkey(const void *a, const void *b) {
    const hkey *x = a, *y = b;
    int c = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);
    if (c) return c;
    return x->len < y->len ? -1 : x->len > y->len;
}

static int has_key(const hkey *v, size_t n, const char *s, size_t len) {
    hkey k = {s, len};
    return n && bsearch(&k, v, n, sizeof k, cmp_hkey) != NULL;
}

/* Collects the keys of the positive leaves under n (excluded words are
 * not highlighted). */
static void collect_keys(const aj_qnode *n, int neg, hl *h) {
    if (n->kind == Q_PREFIX) {
        if (!neg) h->prefixes[h->nprefixes++] = (hkey){n->terms[0], strlen(n->terms[0])};
    } else if (n->kind == Q_TERM || n->kind == Q_PHRASE) {
        for (uint32_t i = 0; !neg && i < n->nterms; i++)
            h->terms[h->nterms++] = (hkey){n->terms[i], strlen(n->terms[i])};
    } else {
        for (uint32_t i = 0; i < n->nkids; i++)
            collect_keys(n->kids[i], neg || n->kind == Q_NOT, h);
    }
}

static int on_hl_token(void *arg, const aj_token *t) {
    hl *h = arg;
    int hit = has_key(h->terms, h->nterms, t->term, t->term_len);
    /* A word starts with a prefix clause if one of its own prefixes is
     * one (words are at most AJ_MAX_WORD bytes). */
    for (size_t k = 1; !hit && h->nprefixes && k <= t->word_len; k++)
        hit = has_key(h->prefixes, h->nprefixes, t->word, k);
    if (hit) {
        if (h->n < h->cap) h->out[h->n] = (aj_span){t->start, t->end};
        h->n++;
    }
    return 0;
}

size_t aj_search_highlight(aj_searcher *s, const char *text, size_t len,
                           aj_span *out, size_t cap) {
    if (!s->q || !s->q->root) return 0;
    size_t nkeys = 0;
    for (uint32_t l = 0; l < s->q->nleaves; l++) nkeys += s->q->leaves[l]->nterms;
    hl h = {calloc(nkeys + 1, sizeof *h.terms), calloc(nkeys + 1, sizeof *h.prefixes),
            0, 0, out, cap, 0};
    if (h.terms && h.prefixes) { /* else no highlighting, a safe answer */
        collect_keys(s->q->root, 0, &h);
        qsort(h.terms, h.nterms, sizeof *h.terms, cmp_hkey);
        qsort(h.prefixes, h.nprefixes, sizeof *h.prefixes, cmp_hkey);
        aj_ctx c = {0};
        aj_analyze(&c, s->an, text, len, 0, on_hl_token, &h);
    }
    free(h.terms);
    free(h.prefixes);
    return h.n;
}
