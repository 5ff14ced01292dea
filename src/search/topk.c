/* topk.c - see topk.h. */
#include "search/topk.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "index/index.h"

/* A bound must be below the threshold by this relative margin to prune:
 * scores are sums of doubles, and the sum of bounds is taken in another
 * order than the sum of contributions. */
#define MARGIN (1.0 - 1e-12)

void aj_topk_init(aj_topk *t, aj_hit *buf, size_t k) {
    t->h = buf;
    t->n = 0;
    t->k = k;
    t->maxf = 1.0;
    t->clauses = 0;
    t->floor = -INFINITY;
    t->rescore = NULL;
    t->arg = NULL;
}

void aj_topk_rescoring(aj_topk *t, double maxf, uint32_t clauses, aj_rescore_fn fn,
                       void *arg) {
    t->maxf = maxf;
    t->clauses = clauses;
    t->rescore = fn;
    t->arg = arg;
}

/* a ranks before b: larger share, higher score, then lower id. */
static int better(const aj_hit *a, const aj_hit *b) {
    if (a->share != b->share) return a->share > b->share;
    if (a->score != b->score) return a->score > b->score;
    return a->id < b->id;
}

static void sift_down(aj_hit *h, size_t n, size_t i) {
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, w = i;
        if (l < n && better(&h[w], &h[l])) w = l;
        if (r < n && better(&h[w], &h[r])) w = r;
        if (w == i) return;
        aj_hit x = h[i];
        h[i] = h[w];
        h[w] = x;
        i = w;
    }
}

static void sift_up(aj_hit *h, size_t i) {
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!better(&h[p], &h[i])) return;
        aj_hit x = h[i];
        h[i] = h[p];
        h[p] = x;
        i = p;
    }
}

void aj_topk_push(aj_topk *t, const aj_hit *hit) {
    if (t->n < t->k) {
        t->h[t->n] = *hit;
        sift_up(t->h, t->n++);
    } else if (t->k && better(hit, &t->h[0])) {
        t->h[0] = *hit;
        sift_down(t->h, t->n, 0);
    }
}

double aj_topk_threshold(const aj_topk *t) {
    if (t->n < t->k || t->k == 0) return t->floor;
    return t->h[0].score > t->floor ? t->h[0].score : t->floor;
}

static int cmp_rank(const void *a, const void *b) {
    const aj_hit *x = a, *y = b;
    return better(x, y) ? -1 : better(y, x) ? 1 : 0;
}

void aj_topk_sort(aj_topk *t) {
    if (t->n) qsort(t->h, t->n, sizeof *t->h, cmp_rank);
}

static int prunable(double bound, double threshold) {
    return threshold > -INFINITY && bound <= threshold * MARGIN;
}

int aj_topk_prunable(double bound, double threshold) { return prunable(bound, threshold); }

aj_err aj_topk_offer(aj_ctx *c, aj_topk *t, const aj_hit *cand) {
    if (!t->k) return AJ_OK;
    /* The floor holds for full matches (share 1), where it is used. */
    if (prunable(cand->score, t->floor)) return AJ_OK;
    double floor = t->floor > -INFINITY ? t->floor * MARGIN : -INFINITY;
    if (t->n == t->k) {
        /* Matches come in id order, so one that can at best tie the worst
         * kept hit ranks below it. */
        const aj_hit *w = &t->h[0];
        if (cand->share < w->share) return AJ_OK;
        if (cand->share == w->share) {
            if (prunable(cand->score, w->score)) return AJ_OK;
            floor = w->score * MARGIN;
        }
    }
    aj_hit h = *cand;
    h.explain = NULL;
    h.nexplain = 0;
    if (t->rescore) {
        int keep = 1;
        aj_err e = t->rescore(c, t->arg, &h, floor, &keep);
        if (e || !keep) return e;
    } else {
        h.score = h.bm25;
    }
    aj_topk_push(t, &h);
    return AJ_OK;
}

/* A full match of id with BM25 score s. */
static aj_err offer_full(aj_ctx *c, aj_topk *t, uint32_t id, double s) {
    if (prunable(s * t->maxf, aj_topk_threshold(t))) return AJ_OK; /* most of them */
    aj_hit h = {.id = id, .bm25 = s, .score = s * t->maxf, .share = 1.0,
                .matched = t->clauses, .clauses = t->clauses};
    return aj_topk_offer(c, t, &h);
}

/* One term: skip whole blocks whose bound cannot beat the threshold. */
static aj_err block_max(aj_ctx *c, aj_eval *ev, aj_index *ix, aj_cur *leaf,
                        aj_topk *t, uint64_t *matched) {
    aj_pcursor *pc = aj_cur_postings(leaf);
    double idf = ev->idf[aj_cur_leaf(leaf)];
    uint32_t at = 0; /* place in the runs left out (ev->skip) */
    aj_err e = AJ_OK;
    for (uint32_t b = 0; !e && b < aj_pcursor_nblocks(pc); b++) {
        uint32_t last, max_tf, min_len;
        double th = aj_topk_threshold(t);
        if (th > -INFINITY) {
            e = aj_pcursor_block_bounds(c, pc, b, &last, &max_tf, &min_len);
            if (e) break;
            if (prunable(aj_bm25(idf, max_tf, min_len, ev->avgdl, ev->k1, ev->b) * t->maxf,
                         th))
                continue;
        }
        e = aj_pcursor_seek_block(c, pc, b);
        for (uint32_t i = 0; !e && i < pc->n; i++) {
            uint32_t doc = pc->docs[i], dl;
            if (ev->skip && aj_chrome_skip(ev->skip, ev->nskip, &at, doc) != doc) continue;
            e = aj_index_len(c, ix, doc, &dl);
            if (e) break;
            e = offer_full(c, t, doc, aj_bm25(idf, pc->tfs[i], dl, ev->avgdl, ev->k1, ev->b));
            (*matched)++;
        }
    }
    return e;
}

typedef struct {
    aj_cur *k;
    double bound;
    uint32_t slot;           /* its place in the query (summation order) */
} ms_leaf;

static int by_bound(const void *a, const void *b) {
    const ms_leaf *x = a, *y = b;
    if (x->bound != y->bound) return x->bound < y->bound ? -1 : 1;
    return x->slot < y->slot ? -1 : x->slot > y->slot;
}

/* MaxScore over the leaves of an OR. */
static aj_err maxscore(aj_ctx *c, aj_eval *ev, aj_index *ix, aj_cur **leaves,
                       uint32_t n, aj_topk *t, uint64_t *matched) {
    ms_leaf *L = calloc(n, sizeof *L);
    double *cum = calloc(n, sizeof *cum), *contrib = calloc(n, sizeof *contrib);
    if (!L || !cum || !contrib) {
        free(L);
        free(cum);
        free(contrib);
        return aj_fail(c, AJ_ENOMEM, "query state");
    }
    for (uint32_t i = 0; i < n; i++) L[i] = (ms_leaf){leaves[i], aj_cur_bound(ev, leaves[i]), i};
    qsort(L, n, sizeof *L, by_bound);
    for (uint32_t i = 0; i < n; i++) cum[i] = (i ? cum[i - 1] : 0.0) + L[i].bound;
    uint32_t fe = 0; /* L[0..fe) are non-essential */
    uint32_t at = 0; /* place in the runs left out (ev->skip) */
    aj_err e = AJ_OK;
    for (;;) {
        uint32_t d = AJ_DOC_END;
        for (uint32_t j = fe; j < n; j++)
            if (aj_cur_doc(L[j].k) < d) d = aj_cur_doc(L[j].k);
        if (d == AJ_DOC_END) break;
        uint32_t to = ev->skip ? aj_chrome_skip(ev->skip, ev->nskip, &at, d) : d;
        if (to != d) { /* a paragraph left out: the essential leaves skip its run */
            for (uint32_t j = fe; !e && j < n; j++) e = aj_cur_advance(c, L[j].k, to);
            if (e) break;
            continue;
        }
        uint32_t dl;
        e = aj_index_len(c, ix, d, &dl);
        if (e) break;
        memset(contrib, 0, n * sizeof *contrib);
        double partial = 0, th = aj_topk_threshold(t);
        for (uint32_t j = fe; j < n; j++) {
            aj_cur *k = L[j].k;
            if (aj_cur_doc(k) != d) continue;
            double s = aj_cur_score(ev, k, dl);
            contrib[L[j].slot] = s;
            partial += s;
        }
        int pruned = 0;
        for (uint32_t j = fe; j-- > 0;) {
            if (prunable((partial + cum[j]) * t->maxf, th)) {
                pruned = 1;
                break;
            }
            aj_cur *k = L[j].k;
            e = aj_cur_advance(c, k, d);
            if (e) break;
            if (aj_cur_doc(k) != d) continue;
            double s = aj_cur_score(ev, k, dl);
            contrib[L[j].slot] = s;
            partial += s;
        }
        if (e) break;
        if (!pruned) {
            /* Sum in query order, exactly as the exhaustive evaluation. */
            double score = 0;
            for (uint32_t i = 0; i < n; i++) score += contrib[i];
            e = offer_full(c, t, d, score);
            (*matched)++;
            th = aj_topk_threshold(t);
            while (fe < n && prunable(cum[fe] * t->maxf, th)) fe++;
        }
        if (e) break;
        for (uint32_t j = fe; !e && j < n; j++)
            if (aj_cur_doc(L[j].k) == d) e = aj_cur_next(c, L[j].k);
        if (e) break;
    }
    free(L);
    free(cum);
    free(contrib);
    return e;
}

aj_err aj_topk_pruned(aj_ctx *c, aj_eval *ev, aj_index *ix, aj_topk *t,
                      uint64_t *matched) {
    aj_cur **leaves;
    uint32_t n;
    *matched = 0;
    if (!aj_eval_flat(ev, &leaves, &n))
        return aj_fail(c, AJ_EINVAL, "query is not flat");
    if (n == 1 && aj_cur_postings(leaves[0])) {
        aj_err e = block_max(c, ev, ix, leaves[0], t, matched);
        aj_cur_sync(leaves[0]);
        return e;
    }
    return maxscore(c, ev, ix, leaves, n, t, matched);
}
