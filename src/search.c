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
#include "rank.h"
#include "suggest.h"
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
    uint32_t *doc_counts;     /* opts.doc_counts: matches per document */
    /* The terms the last query's typo-tolerant words matched, found on
     * the first highlight after the search (most searches never
     * highlight, and those that do, do it for every hit). */
    aj_termset fz;
    int fz_ready;
    aj_expander *exp;         /* compound and acronym rewriting */
    const char **also;        /* results.also */
    size_t capalso;
};

void aj_search_opts_init(aj_search_opts *o) {
    memset(o, 0, sizeof *o);
    o->k1 = -1;
    o->b = -1;
    o->limit = 10;
    o->exact_total = 1;
    o->rank = AJ_RANK_FULL;
    o->w_prox = AJ_W_PROX;
    o->w_head = AJ_W_HEAD;
    o->heading_hit = AJ_HEADING_HIT;
    o->partial = 1;
    o->expand = 1;
}

double aj_search_k1(const aj_search_opts *o) {
    if (o->k1 >= 0) return o->k1;
    return o->rank == AJ_RANK_BM25 ? AJ_BM25_K1 : AJ_FULL_K1;
}

double aj_search_b(const aj_search_opts *o) {
    if (o->b >= 0) return o->b;
    return o->rank == AJ_RANK_BM25 ? AJ_BM25_B : AJ_FULL_B;
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
    aj_termset_free(&s->fz);
    free(s->hits);
    free(s->ex);
    free(s->doc_counts);
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

/* Fills hit->explain for hits[0..n), walking a fresh cursor tree of q to
 * the hits in id order; *used counts the entries of s->ex taken. */
static aj_err explain_hits(aj_ctx *c, aj_searcher *s, const aj_search_opts *o,
                           aj_query *q, aj_hit *hits, size_t n, size_t *used) {
    if (!n) return AJ_OK;
    aj_hit **byid = malloc((n + 1) * sizeof *byid);
    uint32_t *tf = malloc((q->nleaves + 1) * sizeof *tf);
    double *sc = malloc((q->nleaves + 1) * sizeof *sc);
    aj_eval ev;
    aj_err e = (!byid || !tf || !sc) ? aj_fail(c, AJ_ENOMEM, "explanations") : AJ_OK;
    if (!e) e = aj_eval_open(c, &ev, s->ix, s->an, q, o->k1, o->b);
    for (size_t i = 0; !e && i < n; i++) byid[i] = &hits[i];
    if (!e) qsort(byid, n, sizeof *byid, cmp_id);
    for (size_t i = 0; !e && i < n; i++) {
        aj_hit *h = byid[i];
        uint32_t dl = 0;
        e = aj_eval_advance(c, &ev, h->id);
        if (!e) e = aj_index_len(c, s->ix, h->id, &dl);
        if (e) break;
        h->explain = s->ex + *used;
        h->nexplain = 0;
        if (aj_eval_doc(&ev) != h->id) continue;
        aj_eval_leaf_tfs(&ev, dl, tf, sc);
        for (uint32_t l = 0; l < q->nleaves; l++) {
            if (!tf[l]) continue;
            aj_explain *x = &s->ex[(*used)++];
            x->clause = q->leaves[l]->text;
            x->tf = tf[l];
            x->df = ev.df[l];
            x->dl = dl;
            x->idf = ev.idf[l];
            x->score = sc[l];
            h->nexplain++;
        }
    }
    aj_eval_close(&ev);
    free(byid);
    free(tf);
    free(sc);
    return e;
}

/* A query made of q's top-level AND: OR(some of its positive clauses),
 * and, with negs, AND NOT each of its negated ones.  It borrows q's
 * nodes and leaf numbering.  sel[u] picks unit u (positive clause u in
 * order); NULL picks them all. */
typedef struct {
    aj_query q;
    aj_qnode and_node, or_node;
    aj_qnode **and_kids, **or_kids;
} partial_query;

static aj_err partial_open(aj_ctx *c, const aj_query *q, const uint8_t *sel, int negs,
                           partial_query *p) {
    memset(p, 0, sizeof *p);
    const aj_qnode *root = q->root;
    p->and_kids = calloc(root->nkids + 1, sizeof *p->and_kids);
    p->or_kids = calloc(root->nkids + 1, sizeof *p->or_kids);
    if (!p->and_kids || !p->or_kids) return aj_fail(c, AJ_ENOMEM, "partial matches");
    p->or_node.kind = Q_OR;
    p->or_node.kids = p->or_kids;
    p->and_node.kind = Q_AND;
    p->and_node.kids = p->and_kids;
    p->and_kids[p->and_node.nkids++] = &p->or_node;
    for (uint32_t i = 0, u = 0; i < root->nkids; i++) {
        aj_qnode *k = root->kids[i];
        if (k->kind == Q_NOT) {
            if (negs) p->and_kids[p->and_node.nkids++] = k;
        } else if (!sel || sel[u++]) {
            p->or_kids[p->or_node.nkids++] = k;
        }
    }
    p->q.root = &p->and_node;
    p->q.nleaves = q->nleaves;
    p->q.leaves = q->leaves;
    return AJ_OK;
}

static void partial_close(partial_query *p) {
    free(p->and_kids);
    free(p->or_kids);
}

static aj_err rescore_hit(aj_ctx *c, void *rs, aj_hit *h) {
    return aj_rescore(c, rs, h);
}

/* Appends to s->hits[nfull..nfull+need) the best paragraphs that match
 * some but not all of the units of rk and none of the query's negated
 * clauses, best first: the largest share, then the highest final score
 * (rank.h).  A paragraph holding only common units is not one, so the
 * candidates are the paragraphs of the other units, and the common units
 * are only looked up in them: a common word costs skips, not a pass over
 * its postings.  Every candidate is scored, so the list is exact. */
static aj_err find_partial(aj_ctx *c, aj_searcher *s, const aj_search_opts *o,
                           const aj_rank *rk, size_t nfull, size_t need,
                           size_t *got) {
    *got = 0;
    uint32_t nl = s->q->nleaves, nrare = 0;
    uint8_t *rare = calloc(rk->nunits + 1, 1), *common = calloc(rk->nunits + 1, 1);
    uint8_t *matched = calloc(rk->nunits + 1, 1);
    uint32_t *tf = malloc((2 * (size_t)nl + 1) * sizeof *tf);
    double *sc = malloc((2 * (size_t)nl + 1) * sizeof *sc);
    aj_err e = (!rare || !common || !matched || !tf || !sc)
                   ? aj_fail(c, AJ_ENOMEM, "partial matches") : AJ_OK;
    for (uint32_t u = 0; !e && u < rk->nunits; u++) {
        rare[u] = !rk->common[u];
        common[u] = rk->common[u];
        nrare += rare[u];
    }
    /* dq drives: the rare units, and no negated clause; cq answers for
     * the common units. */
    partial_query dq, cq;
    int dq_open = 0, cq_open = 0, dv_open = 0, cv_open = 0;
    aj_eval dv, cv;
    aj_rescorer *rs = NULL;
    if (!e && nrare) {
        dq_open = 1;
        e = partial_open(c, s->q, rare, 1, &dq);
        dv_open = !e;
        if (!e) e = aj_eval_open(c, &dv, s->ix, s->an, &dq.q, o->k1, o->b);
    }
    if (!e && dv_open && nrare < rk->nunits) {
        cq_open = 1;
        e = partial_open(c, s->q, common, 0, &cq);
        cv_open = !e;
        if (!e) e = aj_eval_open(c, &cv, s->ix, s->an, &cq.q, o->k1, o->b);
    }
    aj_topk top;
    aj_topk_init(&top, s->hits + nfull, need);
    if (!e && dv_open) {
        e = aj_rescorer_new(c, rk, s->ix, o, &rs);
        aj_topk_rescoring(&top, aj_rank_max_factor(rk, o), rescore_hit, rs);
    }
    uint32_t *tfc = tf + nl;
    double *scc = sc + nl;
    while (!e && dv_open && aj_eval_doc(&dv) != AJ_DOC_END) {
        uint32_t id = aj_eval_doc(&dv), dl;
        e = aj_index_len(c, s->ix, id, &dl);
        if (e) break;
        aj_eval_leaf_tfs(&dv, dl, tf, sc);
        if (cv_open) {
            e = aj_eval_advance(c, &cv, id);
            if (e) break;
            if (aj_eval_doc(&cv) == id) {
                aj_eval_leaf_tfs(&cv, dl, tfc, scc);
                for (uint32_t l = 0; l < nl; l++) {
                    tf[l] += tfc[l];
                    sc[l] += scc[l];
                }
            }
        }
        memset(matched, 0, rk->nunits);
        uint32_t m = 0;
        double bm25 = 0.0;
        for (uint32_t l = 0; l < nl; l++) {
            uint32_t u = rk->unit_of_leaf[l];
            if (!tf[l] || u == UINT32_MAX) continue;
            bm25 += sc[l];
            if (!matched[u]) m++;
            matched[u] = 1;
        }
        if (m < rk->nunits) { /* else a full match, listed already */
            aj_hit h = {.id = id, .bm25 = bm25, .share = aj_rank_share(rk, matched),
                        .matched = m, .units = rk->nunits};
            e = aj_topk_offer(c, &top, &h);
        }
        if (!e) e = aj_eval_next(c, &dv);
    }
    if (dv_open) {
        aj_eval_close(&dv);
        s->res.decoded += dv.decoded;
    }
    if (cv_open) {
        aj_eval_close(&cv);
        s->res.decoded += cv.decoded;
    }
    if (dq_open) partial_close(&dq);
    if (cq_open) partial_close(&cq);
    aj_rescorer_free(rs);
    if (!e) {
        aj_topk_sort(&top);
        *got = top.n;
    }
    free(rare);
    free(common);
    free(matched);
    free(tf);
    free(sc);
    return e;
}

static aj_err reserve_hits(aj_ctx *c, aj_searcher *s, size_t n) {
    if (n <= s->caphits) return AJ_OK;
    aj_hit *h = realloc(s->hits, n * sizeof *h);
    if (!h) return aj_fail(c, AJ_ENOMEM, "hits");
    s->hits = h;
    s->caphits = n;
    return AJ_OK;
}

/* opts.doc_counts: a zeroed count per document, kept by the searcher. */
static aj_err clear_doc_counts(aj_ctx *c, aj_searcher *s, uint32_t **out) {
    uint32_t ndocs = s->ix->ndocs;
    if (!s->doc_counts) {
        s->doc_counts = malloc(((size_t)ndocs + 1) * sizeof *s->doc_counts);
        if (!s->doc_counts) return aj_fail(c, AJ_ENOMEM, "document counts");
    }
    memset(s->doc_counts, 0, ((size_t)ndocs + 1) * sizeof *s->doc_counts);
    *out = s->doc_counts;
    return AJ_OK;
}

/* Counts match id for its document.  Matches come in id order and a
 * document's paragraphs are consecutive, so the document is looked up
 * only when id leaves [first paragraph of *doc, *doc_end). */
static aj_err count_doc(aj_ctx *c, aj_index *ix, uint32_t id, uint32_t *counts,
                        uint32_t *doc, uint32_t *doc_end) {
    if (id >= *doc_end || *doc_end == 0) {
        aj_doc_info d;
        uint32_t first;
        aj_err e = aj_index_para_doc(c, ix, id, doc, &first);
        if (!e) e = aj_doc_get(c, ix, *doc, &d);
        if (e) return e;
        *doc_end = d.first_para + d.nparas;
    }
    counts[*doc]++;
    return AJ_OK;
}

aj_err aj_search(aj_ctx *c, aj_searcher *s, const char *qs, size_t qlen,
                 const aj_search_opts *opts, const aj_results **out) {
    double t0 = now();
    aj_search_opts resolved = *opts, *o = &resolved;
    o->k1 = aj_search_k1(opts);
    o->b = aj_search_b(opts);
    aj_results *r = &s->res;
    memset(r, 0, sizeof *r);
    aj_query_free(s->q);
    s->q = NULL;
    aj_termset_free(&s->fz);
    s->fz_ready = 0;
    if (!(o->k1 >= 0 && o->k1 <= 1e6) || !(o->b >= 0 && o->b <= 1))
        return aj_fail(c, AJ_EINVAL, "BM25 needs k1 >= 0 and 0 <= b <= 1");
    if (o->rank != AJ_RANK_FULL && o->rank != AJ_RANK_BM25)
        return aj_fail(c, AJ_EINVAL, "unknown ranking mode %d", (int)o->rank);
    if (!(o->w_prox >= 0 && o->w_prox <= 100) || !(o->w_head >= 0 && o->w_head <= 100))
        return aj_fail(c, AJ_EINVAL, "ranking weights must be between 0 and 100");
    if (!(o->heading_hit >= 0 && o->heading_hit <= 1))
        return aj_fail(c, AJ_EINVAL, "the factor of a heading hit must be between 0 and 1");
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
    int full = o->rank == AJ_RANK_FULL;
    uint64_t k64 = (uint64_t)o->offset + o->limit;
    size_t k = k64 > s->ix->nparas ? s->ix->nparas : (size_t)k64;
    e = reserve_hits(c, s, k + 1);
    if (e) return e;
    aj_rank rk;
    e = aj_rank_open(c, &rk, s->q);
    if (e) {
        aj_rank_close(&rk);
        return e;
    }
    aj_eval ev;
    aj_topk top;
    aj_rescorer *rs = NULL;
    aj_topk_init(&top, s->hits, k);
    e = aj_eval_open(c, &ev, s->ix, s->an, s->q, o->k1, o->b);
    if (!e) aj_rank_weigh(&rk, ev.df, s->ix->nparas);
    /* The default ranking keeps the k best by final score, re-scoring only
     * the matches whose BM25 bound can still make it (rank.h). */
    if (!e && full && k > 0) {
        e = aj_rescorer_new(c, &rk, s->ix, o, &rs);
        aj_topk_rescoring(&top, aj_rank_max_factor(&rk, o), rescore_hit, rs);
    }
    /* Only the alternatives the corpus has are worth reporting. */
    for (size_t i = 0; !e && i < nx; i++)
        if (xs[i].desc && ev.df[xs[i].alt->leaf]) s->also[r->nalso++] = xs[i].desc;
    r->also = s->also;
    aj_cur **leaves;
    uint32_t nleaves;
    uint32_t *counts = NULL, doc = 0, doc_end = 0;
    if (!e && o->doc_counts) e = clear_doc_counts(c, s, &counts);
    if (!e && !o->exact_total && !counts && k > 0 &&
        aj_eval_flat(&ev, &leaves, &nleaves)) {
        e = aj_topk_pruned(c, &ev, s->ix, &top, &r->total);
    } else {
        r->total_exact = 1;
        while (!e && aj_eval_doc(&ev) != AJ_DOC_END) {
            uint32_t id = aj_eval_doc(&ev), dl;
            r->total++;
            if (counts) e = count_doc(c, s->ix, id, counts, &doc, &doc_end);
            if (!e && k > 0) {
                e = aj_index_len(c, s->ix, id, &dl);
                if (e) break;
                double bm25 = aj_eval_score(&ev, dl);
                aj_hit h = {.id = id, .bm25 = bm25, .score = bm25, .share = 1.0};
                e = aj_topk_offer(c, &top, &h);
            }
            if (!e) e = aj_eval_next(c, &ev);
        }
    }
    aj_eval_close(&ev);
    aj_rescorer_free(rs);
    r->decoded = ev.decoded;
    if (!e) {
        r->doc_matches = counts;
        aj_topk_sort(&top);
    }
    size_t n = top.n;
    for (size_t i = 0; !e && i < n; i++) {
        aj_hit *h = &s->hits[i];
        h->matched = h->units = rk.nunits;
        if (!full) {
            h->proximity = h->heading = 0.0;
            h->kind = h->share = 1.0;
        }
    }
    size_t npartial = 0;
    /* n < k means the heap never filled, so every full match is among the
     * n, pruning or not, and partial matches follow them. */
    if (!e && full && o->partial && rk.nunits >= 2 && s->q->root->kind == Q_AND &&
        n < k)
        e = find_partial(c, s, o, &rk, n, k - n, &npartial);
    size_t all = n + npartial;
    size_t skip = o->offset < all ? o->offset : all;
    r->hits = all > skip ? s->hits + skip : NULL;
    r->nhits = all - skip;
    r->npartial = npartial - (skip > n ? skip - n : 0);
    if (!e && o->explain && r->nhits) {
        size_t need = r->nhits * s->q->nleaves, used = 0;
        if (need > s->capex) {
            aj_explain *ex = realloc(s->ex, need * sizeof *ex);
            if (!ex) e = aj_fail(c, AJ_ENOMEM, "explanations");
            else {
                s->ex = ex;
                s->capex = need;
            }
        }
        size_t nf = r->nhits - r->npartial;
        if (!e) e = explain_hits(c, s, o, s->q, r->hits, nf, &used);
        if (!e && r->npartial) {
            partial_query pq;
            e = partial_open(c, s->q, NULL, 1, &pq);
            if (!e) e = explain_hits(c, s, o, &pq.q, r->hits + nf, r->npartial, &used);
            partial_close(&pq);
        }
    }
    aj_rank_close(&rk);
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
    uint32_t id;  /* the same for equal keys: aj_span.term */
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

/* The key equal to s[0..len), or NULL. */
static const hkey *find_key(const hkey *v, size_t n, const char *s, size_t len) {
    hkey k = {s, len, 0};
    return n ? bsearch(&k, v, n, sizeof k, cmp_hkey) : NULL;
}

/* Sorts keys and numbers them from base, equal keys alike, so that the
 * same word in two clauses counts once in a snippet. */
static void sort_keys(hkey *v, size_t n, uint32_t base) {
    qsort(v, n, sizeof *v, cmp_hkey);
    for (size_t i = 0; i < n; i++)
        v[i].id = i && !cmp_hkey(&v[i - 1], &v[i]) ? v[i - 1].id : base + (uint32_t)i;
}

/* Collects the keys of the positive leaves under n (excluded words are
 * not highlighted); a NEAR highlights its items, a typo-tolerant word
 * every term it matched (gathered in fz beforehand).  Any other node
 * without children is a leaf whose terms match: a leaf kind added later
 * is highlighted by its terms rather than silently skipped. */
static void collect_keys(const aj_qnode *n, int neg, hl *h) {
    if (n->kind == Q_FUZZY) {
        return;
    } else if (n->kind == Q_PREFIX) {
        if (!neg) h->prefixes[h->nprefixes++] = (hkey){n->terms[0], strlen(n->terms[0]), 0};
    } else if (n->kind == Q_TERM || n->kind == Q_PHRASE || n->nkids == 0) {
        for (uint32_t i = 0; !neg && i < n->nterms; i++)
            h->terms[h->nterms++] = (hkey){n->terms[i], strlen(n->terms[i]), 0};
    } else {
        for (uint32_t i = 0; i < n->nkids; i++)
            collect_keys(n->kids[i], neg || n->kind == Q_NOT, h);
    }
}

static int on_hl_token(void *arg, const aj_token *t) {
    hl *h = arg;
    const hkey *hit = find_key(h->terms, h->nterms, t->term, t->term_len);
    /* A word starts with a prefix clause if one of its own prefixes is
     * one (words are at most AJ_MAX_WORD bytes). */
    for (size_t k = 1; !hit && h->nprefixes && k <= t->word_len; k++)
        hit = find_key(h->prefixes, h->nprefixes, t->word, k);
    if (hit) {
        if (h->n < h->cap) h->out[h->n] = (aj_span){t->start, t->end, hit->id};
        h->n++;
    }
    return 0;
}

static size_t count_keys(const aj_qnode *n) {
    size_t k = n->nterms;
    for (uint32_t i = 0; i < n->nkids; i++) k += count_keys(n->kids[i]);
    return k;
}

/* Adds the terms of the positive typo-tolerant words under n to s->fz.
 * One that fails to expand (a limit) is simply not highlighted: the
 * search itself reported the error. */
static void gather_fuzzy(aj_searcher *s, const aj_qnode *n) {
    if (n->kind == Q_NOT) return;
    if (n->kind == Q_FUZZY) {
        aj_ctx c = {0};
        aj_termset t;
        if (aj_eval_expand(&c, s->ix, s->an, n, &t) != AJ_OK) return;
        char **v = realloc(s->fz.terms, (s->fz.n + t.n + 1) * sizeof *v);
        if (v) {
            s->fz.terms = v;
            for (uint32_t i = 0; i < t.n; i++) {
                v[s->fz.n++] = t.terms[i];
                t.terms[i] = NULL;
            }
        }
        for (uint32_t i = 0; i < t.n; i++) free(t.terms[i]);
        t.n = 0;
        aj_termset_free(&t);
        return;
    }
    for (uint32_t i = 0; i < n->nkids; i++) gather_fuzzy(s, n->kids[i]);
}

size_t aj_search_highlight(aj_searcher *s, const char *text, size_t len,
                           aj_span *out, size_t cap) {
    if (!s->q || !s->q->root) return 0;
    if (!s->fz_ready) {
        gather_fuzzy(s, s->q->root);
        s->fz_ready = 1;
    }
    size_t nkeys = count_keys(s->q->root) + s->fz.n;
    hl h = {calloc(nkeys + 1, sizeof *h.terms), calloc(nkeys + 1, sizeof *h.prefixes),
            0, 0, out, cap, 0};
    if (h.terms && h.prefixes) { /* else no highlighting, a safe answer */
        collect_keys(s->q->root, 0, &h);
        for (uint32_t i = 0; i < s->fz.n; i++)
            h.terms[h.nterms++] = (hkey){s->fz.terms[i], strlen(s->fz.terms[i]), 0};
        sort_keys(h.terms, h.nterms, 0);
        sort_keys(h.prefixes, h.nprefixes, (uint32_t)h.nterms);
        aj_ctx c = {0};
        aj_analyze(&c, s->an, text, len, 0, on_hl_token, &h);
    }
    free(h.terms);
    free(h.prefixes);
    return h.n;
}

aj_err aj_suggest(aj_ctx *c, aj_searcher *s, const char *q, size_t q_len,
                  aj_suggestion **out) {
    return aj_suggest_run(c, s->ix, s->an, q, q_len, out);
}
