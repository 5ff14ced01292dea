/* partial.c - the best partial matches, exactly; see partial.h. */
#include "search/partial.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "search/eval.h"
#include "search/topk.h"

/* See topk.c: bounds and scores are sums taken in different orders. */
#define MARGIN (1.0 - 1e-12)

/* One clause of the query, evaluated alone. */
typedef struct {
    aj_query q;              /* the clause's subtree, q's leaf numbering */
    aj_eval ev;
    int open;
    double bound;            /* the largest BM25 it can give a paragraph */
    aj_cur *leaf;            /* a single word: its cursor, */
    aj_pcursor *pc;          /*   and its postings, for block-max */
    double idf;              /*   and its idf */
    uint32_t open_block;     /* a block found worth reading, */
    double open_share, open_score; /* against this worst kept hit */
} clause;

typedef struct {
    aj_ctx *c;
    aj_index *ix;
    const aj_rank *rk;
    const aj_search_opts *o;
    const aj_runs *skip;     /* a filter's runs (eval.h), or NULL */
    clause *u;                 /* by clause */
    uint32_t *ord;           /* rare clauses by weight, then bound, ascending */
    uint32_t nrare;
    uint64_t *pw;            /* pw[i], pb[i]: the weights and bounds of the */
    double *pb;              /*   common clauses and ord[0..i) */
    uint64_t common_weight;  /* the common clauses' weights and bounds, */
    double common_bound;     /*   which never bring candidates */
    uint32_t ncommon;
    aj_query negq;           /* OR of the negated clauses, if any */
    aj_qnode neg_or;
    aj_eval negev;
    int neg_open;
    aj_topk top;
} search;

static int by_weight(const void *a, const void *b, void *arg) {
    const search *s = arg;
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    uint64_t wx = s->rk->weight[x], wy = s->rk->weight[y];
    if (wx != wy) return wx < wy ? -1 : 1;
    if (s->u[x].bound != s->u[y].bound) return s->u[x].bound < s->u[y].bound ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* Could a paragraph whose share is at most `share` and final score at
 * most `score` enter the kept hits?  Shares are exact (rank.h), scores
 * need the margin. */
static int can_enter(const aj_topk *t, double share, double score) {
    if (t->n < t->k) return 1;
    const aj_hit *w = &t->h[0];
    if (share != w->share) return share > w->share;
    return score > w->score * MARGIN;
}

/* Could a paragraph that holds clauses of weight w with BM25 b, m of
 * them, and maybe also the common clauses and ord[0..ne), enter? */
static int could_enter(const search *s, uint64_t w, double b, uint32_t m, uint32_t ne) {
    w += s->pw[ne];
    b += s->pb[ne];
    m += s->ncommon + ne;
    if (m >= s->rk->nclauses) m = s->rk->nclauses - 1; /* partial: one is missing */
    double share = aj_rank_share_of(s->rk, w);
    return can_enter(&s->top, share, b * aj_rank_max_factor(s->rk, s->o, m) * share);
}

/* Skips the blocks of the only clause bringing candidates, ord[ne], that
 * cannot hold a hit, but never past `limit` (the next paragraph another
 * clause brings, or the end). */
static aj_err skip_blocks(search *s, uint32_t ne, uint32_t limit) {
    clause *e = &s->u[s->ord[ne]];
    if (!e->pc || s->top.n < s->top.k) return AJ_OK;
    uint64_t w = s->rk->weight[s->ord[ne]];
    aj_pcursor *pc = e->pc;
    const aj_hit *worst = &s->top.h[0];
    while (pc->doc != AJ_DOC_END && pc->doc < limit) {
        /* A block found worth reading stays so until the worst kept hit
         * changes. */
        if (pc->block == e->open_block && worst->share == e->open_share &&
            worst->score == e->open_score)
            break;
        uint32_t last, max_tf, min_len;
        aj_err err = aj_pcursor_block_bounds(s->c, pc, pc->block, &last, &max_tf, &min_len);
        if (err) return err;
        double bb = aj_bm25(e->idf, max_tf, min_len, e->ev.avgdl, e->ev.k1, e->ev.b);
        if (could_enter(s, w, bb, 1, ne)) {
            e->open_block = pc->block;
            e->open_share = worst->share;
            e->open_score = worst->score;
            break;
        }
        uint32_t target = last < limit ? last + 1 : limit;
        if (last == UINT32_MAX) target = limit;
        if (target <= pc->doc) break;
        err = aj_eval_advance(s->c, &e->ev, target);
        if (err) return err;
    }
    return AJ_OK;
}

static aj_err open_units(search *s, const aj_query *q, aj_analyzer *an) {
    const aj_rank *rk = s->rk;
    aj_err e = AJ_OK;
    for (uint32_t i = 0; !e && i < rk->nclauses; i++) {
        clause *u = &s->u[i];
        u->q = (aj_query){(aj_qnode *)rk->clauses[i], q->nleaves, q->leaves};
        u->open = 1;
        e = aj_eval_open_skip(s->c, &u->ev, s->ix, an, &u->q, s->o->k1, s->o->b, s->o->chrome,
                              s->skip);
        if (e) break;
        u->bound = aj_eval_bound(&u->ev);
        u->open_block = UINT32_MAX;
        aj_cur **lv;
        uint32_t nl;
        if (aj_eval_flat(&u->ev, &lv, &nl) && nl == 1 && aj_cur_postings(lv[0])) {
            u->leaf = lv[0];
            u->pc = aj_cur_postings(lv[0]);
            u->idf = u->ev.idf[aj_cur_leaf(lv[0])];
        }
        if (rk->common[i]) {
            s->common_weight += rk->weight[i];
            s->common_bound += u->bound;
            s->ncommon++;
        } else {
            s->ord[s->nrare++] = i;
        }
    }
    if (!e) qsort_r(s->ord, s->nrare, sizeof *s->ord, by_weight, s);
    s->pw = malloc((s->nrare + 1) * sizeof *s->pw);
    s->pb = malloc((s->nrare + 1) * sizeof *s->pb);
    if (!e && (!s->pw || !s->pb)) e = aj_fail(s->c, AJ_ENOMEM, "partial matches");
    for (uint32_t i = 0; !e && i <= s->nrare; i++) {
        s->pw[i] = i ? s->pw[i - 1] + rk->weight[s->ord[i - 1]] : s->common_weight;
        s->pb[i] = i ? s->pb[i - 1] + s->u[s->ord[i - 1]].bound : s->common_bound;
    }
    /* The negated clauses, as one OR. */
    const aj_qnode *root = q->root;
    uint32_t nneg = 0;
    for (uint32_t i = 0; i < root->nkids; i++) nneg += root->kids[i]->kind == Q_NOT;
    if (!e && nneg) {
        s->neg_or.kind = Q_OR;
        s->neg_or.kids = calloc(nneg, sizeof *s->neg_or.kids);
        if (!s->neg_or.kids) return aj_fail(s->c, AJ_ENOMEM, "partial matches");
        for (uint32_t i = 0; i < root->nkids; i++)
            if (root->kids[i]->kind == Q_NOT)
                s->neg_or.kids[s->neg_or.nkids++] = root->kids[i]->kids[0];
        s->negq = (aj_query){&s->neg_or, q->nleaves, q->leaves};
        s->neg_open = 1;
        e = aj_eval_open_skip(s->c, &s->negev, s->ix, an, &s->negq, s->o->k1, s->o->b,
                              s->o->chrome, s->skip);
    }
    return e;
}

static void close_units(search *s, uint64_t *decoded) {
    for (uint32_t i = 0; s->u && i < s->rk->nclauses; i++) {
        if (!s->u[i].open) continue;
        aj_eval_close(&s->u[i].ev);
        *decoded += s->u[i].ev.decoded;
    }
    if (s->neg_open) {
        aj_eval_close(&s->negev);
        *decoded += s->negev.decoded;
    }
    free(s->neg_or.kids);
    free(s->u);
    free(s->ord);
    free(s->pw);
    free(s->pb);
}

/* The candidate d, brought by some of ord[ne..): first its bound from
 * the clauses that brought it (MaxScore: most candidates stop here), then
 * which other clauses it holds, whether a negated clause excludes it, and
 * its offer to the kept hits. */
static aj_err consider(search *s, uint32_t d, uint32_t ne, uint8_t *matched,
                       double *score) {
    const aj_rank *rk = s->rk;
    uint32_t dl;
    aj_err e = aj_index_len(s->c, s->ix, d, &dl);
    if (e) return e;
    uint64_t w = 0;
    double b = 0.0;
    uint32_t m = 0;
    memset(matched, 0, rk->nclauses);
    for (uint32_t i = ne; i < s->nrare; i++) {
        uint32_t u = s->ord[i];
        if (aj_eval_doc(&s->u[u].ev) != d) continue;
        matched[u] = 1;
        score[u] = aj_eval_score(&s->u[u].ev, dl);
        w += rk->weight[u];
        b += score[u];
        m++;
    }
    if (!could_enter(s, w, b, m, ne)) return AJ_OK;
    for (uint32_t u = 0; !e && u < rk->nclauses; u++) {
        if (matched[u]) continue;
        e = aj_eval_advance(s->c, &s->u[u].ev, d);
        if (e || aj_eval_doc(&s->u[u].ev) != d) continue;
        matched[u] = 1;
        score[u] = aj_eval_score(&s->u[u].ev, dl);
        m++;
    }
    if (e || m == rk->nclauses) return e; /* a full match is listed already */
    if (s->neg_open) {
        e = aj_eval_advance(s->c, &s->negev, d);
        if (e || aj_eval_doc(&s->negev) == d) return e;
    }
    double bm25 = 0.0;
    for (uint32_t u = 0; u < rk->nclauses; u++)
        if (matched[u]) bm25 += score[u];
    aj_hit h = {.id = d, .bm25 = bm25, .share = aj_rank_share(rk, matched),
                .matched = m, .clauses = rk->nclauses};
    h.score = bm25 * aj_rank_max_factor(rk, s->o, aj_rank_occurring(rk, matched)) * h.share;
    return aj_topk_offer(s->c, &s->top, &h);
}

/* The BM25 a paragraph brought by ord[ne] alone must exceed to be worth
 * considering, against the worst kept hit (-infinity while the hits are
 * not all found yet). */
static double single_cut(const search *s, uint32_t ne) {
    if (s->top.n < s->top.k) return -INFINITY;
    const aj_hit *w = &s->top.h[0];
    uint32_t m = s->ncommon + ne + 1;
    if (m >= s->rk->nclauses) m = s->rk->nclauses - 1;
    double share = aj_rank_share_of(s->rk, s->pw[ne] + s->rk->weight[s->ord[ne]]);
    if (share != w->share) return share > w->share ? -INFINITY : INFINITY;
    return w->score * MARGIN / (aj_rank_max_factor(s->rk, s->o, m) * share) - s->pb[ne];
}

/* The paragraphs only ord[ne], a single word, brings before `limit`: a
 * loop over its decoded blocks like block-max's, each posting scored
 * alone against a cut (the bound test of consider() solved for its
 * BM25) and considered only when it passes. */
static aj_err single_run(search *s, uint32_t ne, uint32_t limit, uint8_t *matched,
                         double *score) {
    clause *e = &s->u[s->ord[ne]];
    aj_pcursor *pc = e->pc;
    double cut = single_cut(s, ne);
    aj_err err = AJ_OK;
    int stop = 0;
    while (!err && !stop && pc->doc < limit) {
        err = skip_blocks(s, ne, limit);
        if (err || pc->doc >= limit) break;
        uint32_t i = pc->i;
        for (; i < pc->n && pc->docs[i] < limit; i++) {
            uint32_t d = pc->docs[i], dl;
            /* the postings are read directly here: what the search leaves
             * out (page chrome, a filter) is skipped as the evaluator
             * skips it */
            if (e->ev.skip && aj_chrome_skip(e->ev.skip, e->ev.nskip, &e->ev.skip_at, d) != d)
                continue;
            err = aj_index_len(s->c, s->ix, d, &dl);
            if (err) break;
            if (aj_bm25(e->idf, pc->tfs[i], dl, e->ev.avgdl, e->ev.k1, e->ev.b) <= cut)
                continue;
            pc->i = i; /* the cursor on d, for consider() */
            pc->doc = d;
            aj_cur_sync(e->leaf);
            err = consider(s, d, ne, matched, score);
            if (err) break;
            cut = single_cut(s, ne);
            if (!could_enter(s, 0, 0.0, 0, ne + 1)) { /* it stops bringing them */
                stop = 1;
                i++;
                break;
            }
        }
        if (err) break;
        if (i < pc->n) { /* stopped inside the block */
            pc->i = i;
            pc->doc = pc->docs[i];
            aj_cur_sync(e->leaf);
        } else { /* on to the next block */
            pc->i = pc->n - 1;
            pc->doc = pc->docs[pc->i];
            err = aj_eval_next(s->c, &e->ev);
        }
    }
    return err;
}

static aj_err rescore_hit(aj_ctx *c, void *rs, aj_hit *h, double floor, int *keep) {
    return aj_rescore(c, rs, h, floor, keep);
}

aj_err aj_partial_find(aj_ctx *c, aj_index *ix, aj_analyzer *an, const aj_query *q,
                       const aj_rank *rk, const aj_search_opts *o, const aj_runs *skip,
                       aj_rescorer *rs, aj_hit *out, size_t need, size_t *got,
                       uint64_t *decoded) {
    *got = 0;
    search s = {.c = c, .ix = ix, .rk = rk, .o = o, .skip = skip};
    s.u = calloc(rk->nclauses + 1, sizeof *s.u);
    s.ord = calloc(rk->nclauses + 1, sizeof *s.ord);
    uint8_t *matched = calloc(rk->nclauses + 1, 1);
    double *score = calloc(rk->nclauses + 1, sizeof *score);
    aj_err e = (!s.u || !s.ord || !matched || !score) ? aj_fail(c, AJ_ENOMEM, "partial matches")
                                            : open_units(&s, q, an);
    aj_topk_init(&s.top, out, need);
    if (rs) aj_rescorer_held(rs, matched);
    if (!e) aj_topk_rescoring(&s.top, aj_rank_max_factor(rk, o, rk->ncan_occur), rk->nclauses,
                              rescore_hit, rs);
    uint32_t ne = 0; /* ord[0..ne) only looked up, ord[ne..) bring candidates */
    double seen_share = -1.0, seen_score = -1.0; /* the worst kept hit ne was set for */
    while (!e && s.nrare) {
        if (s.top.n == s.top.k && (s.top.h[0].share != seen_share ||
                                   s.top.h[0].score != seen_score)) {
            seen_share = s.top.h[0].share;
            seen_score = s.top.h[0].score;
            while (ne < s.nrare && !could_enter(&s, 0, 0.0, 0, ne + 1)) ne++;
        }
        if (ne == s.nrare) break;
        uint32_t d = AJ_DOC_END, others = AJ_DOC_END;
        for (uint32_t i = ne; i < s.nrare; i++) {
            uint32_t x = aj_eval_doc(&s.u[s.ord[i]].ev);
            if (x < d) d = x;
            if (i > ne && x < others) others = x;
        }
        if (d == AJ_DOC_END) break;
        if (d < others && s.u[s.ord[ne]].pc) {
            /* ord[ne] alone brings what comes before others. */
            e = single_run(&s, ne, others, matched, score);
            continue;
        }
        e = consider(&s, d, ne, matched, score);
        for (uint32_t i = ne; !e && i < s.nrare; i++)
            if (aj_eval_doc(&s.u[s.ord[i]].ev) == d) e = aj_eval_next(c, &s.u[s.ord[i]].ev);
    }
    if (rs) aj_rescorer_held(rs, NULL);
    close_units(&s, decoded);
    free(matched);
    free(score);
    if (e) return e;
    aj_topk_sort(&s.top);
    *got = s.top.n;
    return AJ_OK;
}
