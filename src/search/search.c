/*
 * search.c - the public query entry point: parse, evaluate, keep the top
 * k by BM25 in a min-heap, and explain on request; highlighting is
 * highlight.c's.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ajsearch.h"
#include "common/bytes.h"
#include "search/eval.h"
#include "query/expand.h"
#include "query/fields.h"
#include "search/facet.h"
#include "search/filter.h"
#include "search/group.h"
#include "search/highlight.h"
#include "index/index.h"
#include "search/partial.h"
#include "query/query.h"
#include "search/rank.h"
#include "query/suggest.h"
#include "search/topk.h"

/* A match and its BM25, as the first pass of the default ranking saw it. */
typedef struct {
    uint32_t id;
    double bm25;
} seen_match;

/* Matches a first pass keeps for the second (16 bytes each); a query
 * with more is evaluated again instead. */
#define SEEN_MAX (1u << 20)

struct aj_searcher {
    aj_index *ix;
    aj_analyzer *an;
    aj_query *q;              /* last query, kept for highlighting */
    aj_results res;
    aj_hit *hits;
    size_t caphits;
    aj_hit *cand;             /* the default ranking's first-pass candidates */
    size_t capcand;
    seen_match *seen;         /* every match of a first pass that visits all, */
    size_t nseen, capseen;    /*   for its second pass (rank_full) */
    int seen_all;
    aj_explain *ex;           /* explanations of all hits */
    size_t capex;
    uint32_t *doc_counts;     /* opts.doc_counts: matches per document */
    aj_highlighter *hl;       /* for the last query, made on demand */
    int hl_ready;
    aj_expander *exp;         /* compound and acronym rewriting */
    const char **also;        /* results.also */
    size_t capalso;
    /* Spelling (README "Did you mean"): the last query's leaf dfs, its
     * missing words and the proposals for them. */
    uint32_t *leaf_df;
    size_t capdf;
    aj_qword *missing;
    size_t nmissing, capmissing;
    aj_suggestion *sg;
    aj_expander *sexp;        /* aj_suggest's own, to leave results alone */
    aj_store_reader text;     /* aj_search_para_text's blocks (store.h) */
    uint64_t *bits;           /* a bit per paragraph, for counting (count_flat) */
    aj_grouping grouping;     /* opts.group's buffers */
    char *stripped;           /* the query with its fields blanked (fields.h) */
    const char *ran;          /* the text search_once ran: stripped, or the
                                 query itself when it has no field */
    aj_fields fields;         /*   and those fields */
    aj_filter_buf skip;       /* the runs a filtered search leaves out */
    aj_facet_buf facets;      /* opts.facets' counts */
    size_t capbits;           /*   in words */
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
    o->correct = AJ_CORRECT_AUTO;
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
    aj_store_reader_init(&s->text);
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
    aj_expander_free(s->sexp);
    free(s->also);
    free(s->leaf_df);
    free(s->missing);
    aj_suggestion_free(s->sg);
    aj_query_free(s->q);
    aj_highlighter_free(s->hl);
    free(s->hits);
    free(s->cand);
    free(s->seen);
    free(s->ex);
    free(s->doc_counts);
    free(s->bits);
    aj_grouping_free(&s->grouping);
    free(s->stripped);
    aj_fields_free(&s->fields);
    aj_filter_buf_free(&s->skip);
    aj_facet_buf_free(&s->facets);
    aj_store_reader_free(&s->text);
    free(s);
}

aj_err aj_search_para_text(aj_ctx *c, aj_searcher *s, uint32_t id, const char **text,
                           size_t *len) {
    return aj_index_text(c, s->ix, &s->text, id, text, len);
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
    if (!e) e = aj_eval_open(c, &ev, s->ix, s->an, q, o->k1, o->b, o->chrome);
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

/* A query that matches the paragraphs holding at least one positive
 * clause of q's top-level AND and none of its negated ones: OR(positive)
 * AND NOT (negated).  It borrows q's nodes and leaf numbering. */
typedef struct {
    aj_query q;
    aj_qnode and_node, or_node;
    aj_qnode **and_kids, **or_kids;
} partial_query;

static aj_err partial_open(aj_ctx *c, const aj_query *q, partial_query *p) {
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
    for (uint32_t i = 0; i < root->nkids; i++) {
        aj_qnode *k = root->kids[i];
        if (k->kind == Q_NOT)
            p->and_kids[p->and_node.nkids++] = k;
        else
            p->or_kids[p->or_node.nkids++] = k;
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

static aj_err rescore_hit(aj_ctx *c, void *rs, aj_hit *h, double floor, int *keep) {
    return aj_rescore(c, rs, h, floor, keep);
}

/* The second pass of rank_full(): matches the first pass re-scored are
 * kept already; the others are re-scored.  Matches come in id order, as
 * do the first pass's (sorted), so one walk skips them. */
typedef struct {
    aj_rescorer *rs;
    const aj_hit *done;
    size_t n, at;
} second_pass;

static aj_err rescore_new(aj_ctx *c, void *arg, aj_hit *h, double floor, int *keep) {
    second_pass *p = arg;
    while (p->at < p->n && p->done[p->at].id < h->id) p->at++;
    if (p->at < p->n && p->done[p->at].id == h->id) {
        *keep = 0;
        return AJ_OK;
    }
    return aj_rescore(c, p->rs, h, floor, keep);
}

/* Makes room for n hits in *v (capacity *cap), keeping what it holds:
 * the searcher's hit buffers grow to the largest page asked for and stay. */
static aj_err reserve(aj_ctx *c, aj_hit **v, size_t *cap, size_t n) {
    if (n <= *cap) return AJ_OK;
    aj_hit *h = realloc(*v, n * sizeof *h);
    if (!h) return aj_fail(c, AJ_ENOMEM, "hits");
    *v = h;
    *cap = n;
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

/* Remembers a match for the second pass, while there is room. */
static void see(aj_searcher *s, uint32_t id, double bm25) {
    if (!s->seen_all) return;
    if (s->nseen == s->capseen) {
        size_t cap = s->capseen ? 2 * s->capseen : 1024;
        seen_match *v = cap <= SEEN_MAX ? realloc(s->seen, cap * sizeof *v) : NULL;
        if (!v) { /* no room: the second pass evaluates the query again */
            s->seen_all = 0;
            return;
        }
        s->seen = v;
        s->capseen = cap;
    }
    s->seen[s->nseen++] = (seen_match){id, bm25};
}

/* Offers every match of ev (from where it stands) to t as a full match,
 * counting them into s->res and counts when count is set, and remembering
 * them (see()) when remember is set. */
static aj_err offer_all(aj_ctx *c, aj_searcher *s, aj_eval *ev, aj_topk *t,
                        int count, uint32_t *counts, int remember) {
    aj_results *r = &s->res;
    uint32_t doc = 0, doc_end = 0;
    aj_err e = AJ_OK;
    while (!e && aj_eval_doc(ev) != AJ_DOC_END) {
        uint32_t id = aj_eval_doc(ev), dl;
        if (count) r->total++;
        if (count && counts) e = count_doc(c, s->ix, id, counts, &doc, &doc_end);
        if (!e && t->k > 0) {
            e = aj_index_len(c, s->ix, id, &dl);
            if (e) break;
            double bm25 = aj_eval_score(ev, dl);
            if (remember) see(s, id, bm25);
            aj_hit h = {.id = id, .bm25 = bm25, .score = bm25 * t->maxf, .share = 1.0,
                        .matched = t->clauses, .clauses = t->clauses};
            if (!aj_topk_prunable(h.score, aj_topk_threshold(t))) e = aj_topk_offer(c, t, &h);
        }
        if (!e) e = aj_eval_next(c, ev);
    }
    return e;
}

/* The first pass over the matches: the best t->k by BM25 alone, with
 * every match counted, or, when an exact total is not asked for, with
 * dynamic pruning where the query allows it. */
static aj_err first_pass(aj_ctx *c, aj_searcher *s, const aj_search_opts *o, aj_eval *ev,
                         aj_topk *t, uint32_t *counts) {
    aj_cur **leaves;
    uint32_t nleaves;
    if (!o->exact_total && !counts && t->k > 0 && aj_eval_flat(ev, &leaves, &nleaves)) {
        s->seen_all = 0;
        return aj_topk_pruned(c, ev, s->ix, t, &s->res.total);
    }
    s->res.total_exact = 1;
    return offer_all(c, s, ev, t, 1, counts, 1);
}

static int cmp_hit_id(const void *a, const void *b) {
    const aj_hit *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Whether no match outside the first pass's candidates, whose BM25 is
 * at most last, can enter top.  Its score is at most last * maxf: if
 * that cannot beat the k-th best, none can.  Without factors above 1
 * (maxf 1: one clause, no heading factor), a tie is settled too when the
 * k-th best is a candidate with that very BM25: an outside match with the
 * same BM25 has a higher id (the first pass kept the lower ones). */
static int settled(const aj_topk *top, double last, double maxf) {
    if (top->n < top->k) return 0;
    if (aj_topk_prunable(last * maxf, aj_topk_threshold(top))) return 1;
    const aj_hit *w = &top->h[0];
    return maxf == 1.0 && (last < w->score || (last == w->score && w->bm25 == last));
}

static int cmp_desc(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x > y ? -1 : x < y;
}

/* A score that k of the candidates cand[0..n) are sure to reach: the
 * k-th largest of their least final scores (aj_rescore_least), or
 * -infinity when there are fewer than k.  As a floor it spares reading
 * the positions of every candidate whose bound cannot reach it, which
 * without it are read for each candidate until k hits are kept. */
static aj_err candidate_floor(aj_ctx *c, aj_rescorer *rs, const aj_hit *cand, size_t n,
                              size_t k, double maxf, double *floor) {
    *floor = -INFINITY;
    if (k == 0 || n < k) return AJ_OK;
    double *least = malloc(n * sizeof *least);
    if (!least) return aj_fail(c, AJ_ENOMEM, "ranking");
    /* The floor is at most the k-th best BM25: when the least bound is
     * above that (BM25 scores close together, as for verses of similar
     * length), it would prune nothing and is not worth its look-ups. */
    double lowest = INFINITY;
    for (size_t i = 0; i < n; i++) {
        least[i] = cand[i].bm25;
        if (least[i] < lowest) lowest = least[i];
    }
    qsort(least, n, sizeof *least, cmp_desc);
    if (!aj_topk_prunable(lowest * maxf, least[k - 1])) {
        free(least);
        return AJ_OK;
    }
    aj_err e = AJ_OK;
    for (size_t i = 0; !e && i < n; i++) {
        aj_hit h = cand[i];
        e = aj_rescore_least(c, rs, &h);
        least[i] = h.score;
    }
    if (!e) {
        qsort(least, n, sizeof *least, cmp_desc);
        *floor = least[k - 1];
    }
    free(least);
    return e;
}

/* The default ranking's k best full matches into s->hits, exactly.
 *
 * The first pass kept the best cand->k matches by BM25.  They are
 * re-scored (in id order: the rescorer's cursors only move forward), and
 * the k-th best final score among them, t0, is one that k paragraphs
 * reach.  Any other match has a BM25 of at most the last candidate's, so
 * when that times the largest factor cannot beat t0, the candidates hold
 * the answer: most queries stop here, as BM25 and the final order mostly
 * agree.  Else a second pass re-scores every other match whose bound
 * beats the k-th best final score so far, with t0 as the pruning
 * threshold from the start. */
static aj_err rank_full(aj_ctx *c, aj_searcher *s, const aj_search_opts *o, aj_eval *ev,
                        const aj_rank *rk, aj_rescorer *rs, aj_topk *cand, aj_topk *top,
                        size_t k, uint32_t *counts) {
    double maxf = aj_rank_max_factor(rk, o, rk->ncan_occur);
    int complete = cand->n < cand->k;     /* every match is among them */
    double last = cand->n ? cand->h[0].bm25 : 0.0;
    qsort(cand->h, cand->n, sizeof *cand->h, cmp_hit_id);
    aj_topk_init(top, s->hits, k);
    aj_topk_rescoring(top, maxf, rk->nclauses, rescore_hit, rs);
    aj_err e = candidate_floor(c, rs, cand->h, cand->n, k, maxf, &top->floor);
    for (size_t i = 0; !e && i < cand->n; i++) {
        aj_hit h = cand->h[i];
        h.score = h.bm25 * maxf;
        h.share = 1.0;
        h.matched = h.clauses = rk->nclauses;
        e = aj_topk_offer(c, top, &h);
    }
    if (!e && !complete && !settled(top, last, maxf)) {
        aj_cur **leaves;
        uint32_t nleaves;
        uint64_t seen;
        second_pass p = {rs, cand->h, cand->n, 0};
        aj_topk_rescoring(top, maxf, rk->nclauses, rescore_new, &p);
        if (s->seen_all) { /* the first pass saw every match: no evaluation */
            for (size_t i = 0; !e && i < s->nseen; i++) {
                aj_hit h = {.id = s->seen[i].id, .bm25 = s->seen[i].bm25, .share = 1.0,
                            .matched = rk->nclauses, .clauses = rk->nclauses};
                h.score = h.bm25 * maxf;
                if (!aj_topk_prunable(h.score, aj_topk_threshold(top)))
                    e = aj_topk_offer(c, top, &h);
            }
        } else {
            e = aj_eval_rewind(c, ev);
            if (!e && !o->exact_total && !counts && aj_eval_flat(ev, &leaves, &nleaves))
                e = aj_topk_pruned(c, ev, s->ix, top, &seen);
            else if (!e)
                e = offer_all(c, s, ev, top, 0, NULL, 0);
        }
    }
    if (!e) aj_topk_sort(top);
    return e;
}

/* The number of matches of a flat query (aj_eval_flat), counted apart
 * from the ranking: a single clause's df is its count (the evaluator
 * leaves page chrome out of both); an OR's clauses are walked one after
 * the other into a bitmap of the paragraphs (a merge of the clauses costs
 * a comparison per clause and match: about 9 times the top 10 of a long
 * pasted query on KJV), the runs left out (chrome, a filter's) cleared and
 * its bits counted; so is a single clause under a filter.
 * Leaves ev rewound to its first match. */
static aj_err count_flat(aj_ctx *c, aj_searcher *s, aj_eval *ev, uint64_t *total) {
    aj_cur **leaves;
    uint32_t nleaves;
    *total = 0;
    aj_eval_flat(ev, &leaves, &nleaves);
    if (nleaves == 1 && ev->skip == ev->chrome) { /* a filter: count them */
        *total = ev->df[aj_cur_leaf(leaves[0])];
        return AJ_OK;
    }
    size_t nwords = ((size_t)s->ix->nparas + 63) / 64;
    if (nwords > s->capbits) {
        uint64_t *v = realloc(s->bits, nwords * sizeof *v);
        if (!v) return aj_fail(c, AJ_ENOMEM, "match count");
        s->bits = v;
        s->capbits = nwords;
    }
    uint64_t *bits = s->bits;
    memset(bits, 0, nwords * sizeof *bits);
    aj_err e = AJ_OK;
    for (uint32_t i = 0; !e && i < nleaves; i++) {
        aj_cur *k = leaves[i];
        for (uint32_t d; !e && (d = aj_cur_doc(k)) < s->ix->nparas; e = aj_cur_next(c, k))
            bits[d >> 6] |= (uint64_t)1 << (d & 63);
    }
    for (uint32_t r = 0; !e && r < ev->nskip; r++) {
        const uint8_t *run = ev->skip + (uint64_t)r * AJ_RUN_BYTES;
        uint64_t from = aj_get_u32le(run), to = from + aj_get_u32le(run + 4);
        for (uint64_t d = from; d < to && d < s->ix->nparas; d++)
            bits[d >> 6] &= ~((uint64_t)1 << (d & 63));
    }
    for (size_t w = 0; !e && w < nwords; w++) *total += (uint64_t)__builtin_popcountll(bits[w]);
    return e ? e : aj_eval_rewind(c, ev);
}

/* The default ranking's k best matches of a flat query (aj_eval_flat)
 * into s->hits, exactly.  Its pruning needs no first pass by BM25, as it
 * can prune against the k-th best final score directly, re-scoring only
 * the matches whose bound can beat it; scoring every match only to count
 * it would cost more than all the rest, so an exact total is counted
 * apart (count_flat).  Else s->res.total gets the matches scored (a lower
 * bound). */
static aj_err rank_pruned(aj_ctx *c, aj_searcher *s, const aj_search_opts *o, aj_eval *ev,
                          const aj_rank *rk, aj_rescorer **rs, aj_topk *top, size_t k) {
    uint64_t total = 0;
    aj_err e = o->exact_total ? count_flat(c, s, ev, &total) : AJ_OK;
    if (!e) e = aj_rescorer_new(c, rk, s->ix, o, rs);
    if (e) return e;
    aj_topk_init(top, s->hits, k);
    aj_topk_rescoring(top, aj_rank_max_factor(rk, o, rk->ncan_occur), rk->nclauses,
                      rescore_hit, *rs);
    e = aj_topk_pruned(c, ev, s->ix, top, &s->res.total);
    if (!e) aj_topk_sort(top);
    if (o->exact_total) {
        s->res.total = total;
        s->res.total_exact = 1;
    }
    return e;
}

/* Keeps the dfs of ev's leaves for the spelling stage. */
static aj_err keep_leaf_dfs(aj_ctx *c, aj_searcher *s, const aj_eval *ev) {
    size_t n = ev->q->nleaves;
    if (n > s->capdf) {
        uint32_t *v = realloc(s->leaf_df, n * sizeof *v);
        if (!v) return aj_fail(c, AJ_ENOMEM, "query");
        s->leaf_df = v;
        s->capdf = n;
    }
    if (n) memcpy(s->leaf_df, ev->df, n * sizeof *s->leaf_df);
    return AJ_OK;
}

/* Options out of their documented ranges are AJ_EINVAL (k1 and b already
 * resolved). */
static aj_err check_opts(aj_ctx *c, const aj_search_opts *o) {
    if (!(o->k1 >= 0 && o->k1 <= 1e6) || !(o->b >= 0 && o->b <= 1))
        return aj_fail(c, AJ_EINVAL, "BM25 needs k1 >= 0 and 0 <= b <= 1");
    if (o->rank != AJ_RANK_FULL && o->rank != AJ_RANK_BM25)
        return aj_fail(c, AJ_EINVAL, "unknown ranking mode %d", (int)o->rank);
    if (!(o->w_prox >= 0 && o->w_prox <= 100) || !(o->w_head >= 0 && o->w_head <= 100))
        return aj_fail(c, AJ_EINVAL, "ranking weights must be between 0 and 100");
    if (!(o->heading_hit >= 0 && o->heading_hit <= 1))
        return aj_fail(c, AJ_EINVAL, "the factor of a heading hit must be between 0 and 1");
    return AJ_OK;
}

/* The explanations of the page's hits (opts.explain): full matches
 * against the query, partial ones against the OR of its clauses. */
static aj_err explain_page(aj_ctx *c, aj_searcher *s, const aj_search_opts *o) {
    aj_results *r = &s->res;
    size_t need = r->nhits * s->q->nleaves, used = 0;
    if (need > s->capex) {
        aj_explain *ex = realloc(s->ex, need * sizeof *ex);
        if (!ex) return aj_fail(c, AJ_ENOMEM, "explanations");
        s->ex = ex;
        s->capex = need;
    }
    size_t nf = r->nhits - r->npartial;
    aj_err e = explain_hits(c, s, o, s->q, r->hits, nf, &used);
    if (!e && r->npartial) {
        partial_query pq;
        e = partial_open(c, s->q, &pq);
        if (!e) e = explain_hits(c, s, o, &pq.q, r->hits + nf, r->npartial, &used);
        partial_close(&pq);
    }
    return e;
}

/* The first stage of a search: the query's tree (s->q), with the
 * alternatives of compounds and acronyms added when o->expand; *xs lists
 * those (nx of them), and s->also has room for their descriptions. */
static aj_err parse_and_expand(aj_ctx *c, aj_searcher *s, const aj_search_opts *o,
                               const char *qs, size_t qlen, const aj_expansion **xs,
                               size_t *nx) {
    aj_err e = aj_query_parse(c, s->an, qs, qlen, &s->q);
    if (!e && o->expand) {
        e = aj_expand(c, s->exp, s->an, s->q);
        *nx = aj_expand_list(s->exp, xs);
    }
    if (!e && *nx > s->capalso) {
        const char **a = realloc(s->also, *nx * sizeof *a);
        if (!a) return aj_fail(c, AJ_ENOMEM, "expansions");
        s->also = a;
        s->capalso = *nx;
    }
    return e;
}

/* The ranking stage of a search whose hits are paragraphs: the best
 * offset + limit matches of ev (opened, at its first match) into s->hits,
 * then partial matches when the page has room, and the page into
 * s->res. */
static aj_err rank_hits(aj_ctx *c, aj_searcher *s, const aj_search_opts *o, aj_eval *ev,
                        aj_rank *rk, const aj_runs *left_out, uint32_t *counts) {
    aj_results *r = &s->res;
    int full = o->rank == AJ_RANK_FULL;
    uint64_t k64 = (uint64_t)o->offset + o->limit;
    size_t k = k64 > s->ix->nparas ? s->ix->nparas : (size_t)k64;
    /* The default ranking's first pass keeps the best `depth` by BM25
     * (rank_full()). */
    size_t depth = full && k > 0 && k < AJ_RANK_DEPTH ? AJ_RANK_DEPTH : k;
    if (depth > s->ix->nparas) depth = s->ix->nparas;
    aj_err e = reserve(c, &s->hits, &s->caphits, k + 1);
    aj_topk cand, top;
    aj_rescorer *rs = NULL;
    aj_topk_init(&top, s->hits, 0);
    if (!e && full) e = reserve(c, &s->cand, &s->capcand, depth + 1);
    if (e) return e;
    aj_topk_init(&cand, full ? s->cand : s->hits, full ? depth : k);
    s->nseen = 0;
    s->seen_all = full && k > 0; /* until a pass visits fewer, or too many */
    aj_cur **leaves;
    uint32_t nleaves;
    int one_pass = full && k > 0 && !counts && aj_eval_flat(ev, &leaves, &nleaves);
    if (one_pass)
        e = rank_pruned(c, s, o, ev, rk, &rs, &top, k);
    else
        e = first_pass(c, s, o, ev, &cand, counts);
    size_t n = one_pass ? top.n : cand.n;
    if (!e && !one_pass && full && k > 0) {
        e = aj_rescorer_new(c, rk, s->ix, o, &rs);
        if (!e) e = rank_full(c, s, o, ev, rk, rs, &cand, &top, k, counts);
        n = top.n;
    } else if (!e && !one_pass) {
        aj_topk_sort(&cand);
    }
    for (size_t i = 0; !e && i < n; i++) {
        aj_hit *h = &s->hits[i];
        h->matched = h->clauses = rk->nclauses;
        if (!full) {
            h->proximity = h->heading = 0.0;
            h->kind = h->share = 1.0;
        }
    }
    size_t npartial = 0;
    /* n < k means the heap never filled, so every full match is among the
     * n, pruning or not, and partial matches follow them. */
    if (!e && full && o->partial && rk->nclauses >= 2 && s->q->root->kind == Q_AND &&
        n < k)
        e = aj_partial_find(c, s->ix, s->an, s->q, rk, o, left_out, rs, s->hits + n, k - n,
                            &npartial, &r->decoded);
    aj_rescorer_free(rs);
    if (e) return e;
    size_t all = n + npartial;
    size_t skip = o->offset < all ? o->offset : all;
    r->hits = all > skip ? s->hits + skip : NULL;
    r->nhits = all - skip;
    r->npartial = npartial - (skip > n ? skip - n : 0);
    return AJ_OK;
}

/* Parses, expands, evaluates and ranks one query: everything aj_search
 * does but spelling.  The stages: check_opts, parse_and_expand, the
 * cursor tree (eval.h), the ranking (rank_hits, or aj_group_rank for
 * results by document), explain_page. */
static aj_err search_once(aj_ctx *c, aj_searcher *s, const char *qs, size_t qlen,
                          const aj_search_opts *opts, const aj_results **out) {
    double t0 = now();
    aj_search_opts resolved = *opts, *o = &resolved;
    o->k1 = aj_search_k1(opts);
    o->b = aj_search_b(opts);
    aj_results *r = &s->res;
    memset(r, 0, sizeof *r);
    aj_query_free(s->q);
    s->q = NULL;
    aj_highlighter_free(s->hl);
    s->hl = NULL;
    s->hl_ready = 0;
    const aj_expansion *xs = NULL;
    size_t nx = 0;
    aj_err e = check_opts(c, o);
    if (!e) e = parse_and_expand(c, s, o, qs, qlen, &xs, &nx);
    if (e) return e;
    int full = o->rank == AJ_RANK_FULL;
    aj_rank rk;
    e = aj_rank_open(c, &rk, s->q);
    if (e) {
        aj_rank_close(&rk);
        return e;
    }
    /* The filters of the options and of the query's fields, both. */
    aj_filter f[2] = {{o->since, o->until, o->doc, o->source},
                      {s->fields.since, s->fields.until, s->fields.doc, s->fields.source}};
    aj_runs skip = {0};
    int filtered = 0;
    e = aj_filter_runs(c, s->ix, f, 2, o->chrome, &s->skip, &skip, &filtered);
    if (e) {
        aj_rank_close(&rk);
        return e;
    }
    r->filtered = filtered;
    aj_eval ev;
    e = aj_eval_open_skip(c, &ev, s->ix, s->an, s->q, o->k1, o->b, o->chrome,
                          filtered ? &skip : NULL);
    if (!e) e = keep_leaf_dfs(c, s, &ev);
    if (!e) aj_rank_weigh(&rk, ev.df, ev.n);
    /* Only the alternatives the corpus has are worth reporting. */
    for (size_t i = 0; !e && i < nx; i++)
        if (xs[i].desc && ev.df[xs[i].alt->leaf]) s->also[r->nalso++] = xs[i].desc;
    r->also = s->also;
    uint32_t *counts = NULL;
    if (!e && (o->doc_counts || o->group || o->facets)) e = clear_doc_counts(c, s, &counts);
    if (!e && o->group)
        e = aj_group_rank(c, &s->grouping, s->ix, &ev, &rk, o, full, counts, r);
    else if (!e)
        e = rank_hits(c, s, o, &ev, &rk, filtered ? &skip : NULL, counts);
    aj_eval_close(&ev);
    r->decoded += ev.decoded;
    if (!e) r->doc_matches = counts;
    if (!e && o->facets)
        e = aj_facets_count(c, s->ix, counts, o->facets, &s->facets, &r->facets, &r->nfacets);
    if (!e && o->explain && r->nhits) e = explain_page(c, s, o);
    r->clauses = s->q->root && s->q->root->kind == Q_AND && rk.nclauses >= 2 ? rk.nclauses : 1;
    aj_rank_close(&rk);
    r->seconds = now() - t0;
    if (e) return e;
    *out = r;
    return AJ_OK;
}

/* search_once for a query that may carry filters as fields: they are
 * taken out (s->stripped, s->fields) and applied with the options'. */
static aj_err search_fields(aj_ctx *c, aj_searcher *s, const char *qs, size_t qlen,
                            const aj_search_opts *opts, const aj_results **out) {
    free(s->stripped);
    s->stripped = NULL;
    aj_fields_free(&s->fields);
    memset(&s->res, 0, sizeof s->res);
    /* A field needs a colon: most queries have none and are run as they
     * are, without a copy. */
    s->ran = qs;
    if (!memchr(qs, ':', qlen)) return search_once(c, s, qs, qlen, opts, out);
    aj_err e = aj_fields_take(c, qs, qlen, &s->stripped, &s->fields);
    s->ran = s->stripped;
    return e ? e : search_once(c, s, s->stripped, qlen, opts, out);
}

/* ---- spelling ---- */

/* s->missing: the missing words of the query just run (suggest.h), each
 * written form once. */
static aj_err find_missing(aj_ctx *c, aj_searcher *s, const char *qs, size_t qlen) {
    const aj_expansion *xs = NULL;
    size_t nx = aj_expand_list(s->exp, &xs);
    aj_suggest_in in = {qs, qlen, s->q, s->leaf_df, xs, nx};
    s->nmissing = 0;
    return aj_suggest_missing(c, s->ix, s->an, &in, &s->missing, &s->nmissing,
                              &s->capmissing);
}

static void unique_words(const char *q, aj_qword *v, size_t *n) {
    size_t m = 0;
    for (size_t i = 0; i < *n; i++) {
        int seen = 0;
        for (size_t j = 0; j < m && !seen; j++)
            seen = v[j].len == v[i].len && !memcmp(q + v[j].pos, q + v[i].pos, v[i].len);
        if (!seen) v[m++] = v[i];
    }
    *n = m;
}

/* The search, then the spelling stage: the words no paragraph contains
 * are listed, and only when there are some (a query whose words are all
 * found pays nothing more) they get proposals.  With AJ_CORRECT_AUTO the
 * corrected query runs in place of the query as given when no paragraph
 * matches the latter and every missing word has an automatic correction;
 * the decision depends on the query and the index only, never on offset,
 * limit or the ranking, so every page and format tells the same story. */
aj_err aj_search(aj_ctx *c, aj_searcher *s, const char *qs, size_t qlen,
                 const aj_search_opts *opts, const aj_results **out) {
    double t0 = now();
    aj_suggestion_free(s->sg);
    s->sg = NULL;
    s->nmissing = 0;
    const aj_results *r;
    aj_err e = search_fields(c, s, qs, qlen, opts, &r);
    if (e) return e;
    e = find_missing(c, s, s->ran, qlen);
    int all_auto = 0;
    if (!e && s->nmissing && opts->correct != AJ_CORRECT_OFF)
        e = aj_suggest_words(c, s->ix, s->an, qs, qlen, s->missing, s->nmissing, &s->sg,
                             &all_auto);
    if (e) return e;
    unique_words(qs, s->missing, &s->nmissing);
    int corrected = opts->correct == AJ_CORRECT_AUTO && all_auto && r->total == 0;
    if (corrected) {
        e = search_fields(c, s, s->sg->query, s->sg->query_len, opts, &r);
        if (e) return e;
    }
    aj_results *res = &s->res;
    res->missing = s->missing;
    res->nmissing = s->nmissing;
    res->suggestion = s->sg;
    res->corrected = corrected;
    res->given = qs;
    res->given_len = qlen;
    res->query = corrected ? s->sg->query : qs;
    res->query_len = corrected ? s->sg->query_len : qlen;
    res->seconds = now() - t0;
    *out = res;
    return AJ_OK;
}

/* ---- highlighting (highlight.c) ---- */

size_t aj_search_highlight(aj_searcher *s, const char *text, size_t len,
                           aj_span *out, size_t cap) {
    if (!s->q || !s->q->root) return 0;
    /* Built on the first highlight after a search: most searches never
     * highlight, and those that do, do it for every hit. */
    if (!s->hl_ready) {
        aj_ctx c = {0};
        s->hl_ready = 1;
        if (aj_highlighter_new(&c, s->ix, s->an, s->q, &s->hl)) s->hl = NULL;
    }
    return s->hl ? aj_highlighter_spans(s->hl, text, len, out, cap) : 0;
}

aj_err aj_suggest(aj_ctx *c, aj_searcher *s, const char *q, size_t q_len,
                  aj_suggestion **out) {
    *out = NULL;
    aj_query *query = NULL;
    aj_eval ev;
    int opened = 0;
    aj_qword *miss = NULL;
    size_t nmiss = 0, cap = 0;
    char *stripped = NULL;
    aj_fields fields;
    aj_err e = aj_fields_take(c, q, q_len, &stripped, &fields);
    aj_fields_free(&fields);
    if (!e && !s->sexp) e = aj_expander_new(c, s->ix, &s->sexp);
    if (!e) e = aj_query_parse(c, s->an, stripped, q_len, &query);
    if (!e) e = aj_expand(c, s->sexp, s->an, query);
    if (!e) {
        /* Only the leaves' dfs are wanted; k1 and b do not matter. */
        e = aj_eval_open(c, &ev, s->ix, s->an, query, AJ_FULL_K1, AJ_FULL_B, 0);
        opened = 1;
    }
    if (!e) {
        const aj_expansion *xs = NULL;
        size_t nx = aj_expand_list(s->sexp, &xs);
        aj_suggest_in in = {stripped, q_len, query, ev.df, xs, nx};
        e = aj_suggest_missing(c, s->ix, s->an, &in, &miss, &nmiss, &cap);
    }
    int all_auto;
    if (!e && nmiss) e = aj_suggest_words(c, s->ix, s->an, q, q_len, miss, nmiss, out, &all_auto);
    if (opened) aj_eval_close(&ev);
    aj_query_free(query);
    free(miss);
    free(stripped);
    return e;
}
