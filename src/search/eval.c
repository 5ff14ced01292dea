/*
 * eval.c - the cursor tree of a query (eval.h): building it, opening,
 * closing and rewinding it, driving its root, and BM25.
 *
 * The tree's nodes are cursors (struct aj_cur, eval_impl.h).  A term
 * leaf reads its postings as the tree moves; a phrase, NEAR, prefix or
 * typo-tolerant word is gathered into a list first, by eval_phrase.c,
 * eval_near.c and eval_prefix.c, because BM25 needs its df before any
 * score.  Seeking a target is eval_bool.c's; here are the step to the
 * next match, the skip over page chrome, the scores, the bounds and the
 * leaf access of the top k's pruning (topk.c).
 */
#include "search/eval_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double aj_bm25_idf(uint64_t n, uint64_t df) {
    return log(1.0 + ((double)n - (double)df + 0.5) / ((double)df + 0.5));
}

double aj_bm25(double idf, uint32_t tf, uint32_t dl, double avgdl, double k1,
               double b) {
    double norm = k1 * (1.0 - b + b * (avgdl > 0 ? dl / avgdl : 0.0));
    return idf * (tf * (k1 + 1.0)) / (tf + norm);
}

static void cur_free(aj_cur *k) {
    if (!k) return;
    aj_pcursor_free(&k->pc);
    free(k->ldocs);
    free(k->ltfs);
    free(k->lt1);
    free(k->lt2);
    for (uint32_t i = 0; i < k->nkids; i++) cur_free(k->kids[i]);
    for (uint32_t i = 0; i < k->nneg; i++) cur_free(k->neg[i]);
    free(k->kids);
    free(k->neg);
    free(k);
}

/* Moves k to its next match: a leaf steps in its postings or list, a
 * boolean cursor seeks past its current id (eval_bool.c). */
static aj_err cur_step(aj_ctx *c, aj_cur *k) {
    if (k->doc == AJ_DOC_END) return AJ_OK;
    switch (k->kind) {
    case C_TERM: {
        aj_err e = aj_pcursor_next(c, &k->pc);
        k->doc = k->pc.doc;
        return e;
    }
    case C_LIST:
        k->li++;
        k->doc = k->li < k->ln ? k->ldocs[k->li] : AJ_DOC_END;
        return AJ_OK;
    default:
        return aj_cur_advance(c, k, k->doc + 1);
    }
}

/* ---- what the gathered leaves share ---- */

static aj_err open_term_id(aj_ctx *c, aj_eval *ev, const char *term,
                           aj_pcursor *pc, int *found, int64_t *tid) {
    aj_index *ix = ev->ix;
    int64_t id;
    *found = 0;
    *tid = -1;
    memset(pc, 0, sizeof *pc);
    pc->doc = AJ_DOC_END;
    aj_term_info info;
    aj_err e = aj_dict_find(c, &ix->terms, term, strlen(term), &id, &info);
    if (e || id < 0) return e;
    e = aj_index_cursor(c, ix, AJ_DICT_TERMS, term, strlen(term), &info, 1, pc);
    *found = !e;
    *tid = id;
    return e;
}

aj_err aj_eval_open_term(aj_ctx *c, aj_eval *ev, const char *term,
                         aj_pcursor *pc, int *found) {
    int64_t id;
    return open_term_id(c, ev, term, pc, found, &id);
}

aj_err aj_match_list_push(aj_ctx *c, aj_match_list *l, uint32_t doc, uint32_t tf) {
    if (l->n == l->cap) {
        uint32_t cap = l->cap ? l->cap * 2 : 64;
        uint32_t *d = realloc(l->docs, cap * sizeof *d);
        if (d) l->docs = d;
        uint32_t *t = realloc(l->tfs, cap * sizeof *t);
        if (t) l->tfs = t;
        if (!d || !t) return aj_fail(c, AJ_ENOMEM, "match list");
        l->cap = cap;
    }
    l->docs[l->n] = doc;
    l->tfs[l->n++] = tf;
    return AJ_OK;
}

aj_err aj_eval_budget_error(aj_ctx *c, const aj_qnode *n) {
    return aj_fail_at(c, AJ_ELIMIT, n->pos,
                      "the prefixes, phrases, NEARs and typo-tolerant words of "
                      "the query read more than %u postings, paragraphs and "
                      "words in all; make them more specific",
                      AJ_MAX_QUERY_EXPANSION);
}

/* Drops the chrome paragraphs from a gathered list (its df must not
 * count them). */
static void list_drop_chrome(aj_eval *ev, aj_cur *k) {
    uint32_t at = 0, n = 0;
    k->lmaxtf = 0;
    for (uint32_t i = 0; i < k->ln; i++) {
        if (ev->chrome && aj_chrome_skip(ev->chrome, ev->nchrome, &at, k->ldocs[i]) != k->ldocs[i])
            continue;
        k->ldocs[n] = k->ldocs[i];
        k->ltfs[n] = k->ltfs[i];
        if (k->lt1) k->lt1[n] = k->lt1[i];
        if (k->lt2) k->lt2[n] = k->lt2[i];
        uint32_t m = k->ltfs[n];
        if (k->lt1 && k->lt1[n] > m) m = k->lt1[n];
        if (k->lt2 && k->lt2[n] > m) m = k->lt2[n];
        if (m > k->lmaxtf) k->lmaxtf = m;
        n++;
    }
    k->ln = n;
}

/* ---- building the tree ---- */

/* A leaf read straight from the postings of one term of the index. */
static aj_err open_term_leaf(aj_ctx *c, aj_eval *ev, const aj_qnode *n,
                             const char *term, aj_cur *k) {
    int found;
    int64_t tid;
    uint32_t in_chrome = 0;
    k->kind = C_TERM;
    aj_err e = open_term_id(c, ev, term, &k->pc, &found, &tid);
    if (!e && ev->chrome && found) e = aj_index_chrome_df(c, ev->ix, (uint64_t)tid, &in_chrome);
    if (e) return e;
    if (in_chrome > k->pc.info.df)
        return aj_fail(c, AJ_ECORRUPT, "meta.aj: chrome count of '%s' above its df", term);
    k->doc = k->pc.doc;
    k->cost = k->pc.info.df;
    ev->df[n->leaf] = k->pc.info.df - in_chrome;
    return AJ_OK;
}

static aj_err build_leaf(aj_ctx *c, aj_eval *ev, const aj_qnode *n,
                         aj_cur *k) {
    k->leaf = n->leaf;
    if (n->kind == Q_TERM) return open_term_leaf(c, ev, n, n->terms[0], k);
    char pair[AJ_MAX_WORD + 1];
    if (n->kind == Q_PHRASE && aj_phrase_single_pair(ev->ix, n, pair))
        return open_term_leaf(c, ev, n, pair, k);
    aj_err e;
    if (n->kind == Q_FUZZY) {
        e = aj_eval_gather_fuzzy(c, ev, n, k);
    } else {
        aj_match_list l = {0};
        e = n->kind == Q_PHRASE ? aj_eval_gather_phrase(c, ev, n, &l)
            : n->kind == Q_NEAR ? aj_eval_gather_near(c, ev, n, &l)
                                : aj_eval_gather_prefix(c, ev, n, &l);
        k->kind = C_LIST;
        k->ldocs = l.docs;
        k->ltfs = l.tfs;
        k->ln = l.n;
        for (uint32_t i = 0; i < l.n; i++)
            if (l.tfs[i] > k->lmaxtf) k->lmaxtf = l.tfs[i];
    }
    if (!e && ev->chrome) list_drop_chrome(ev, k);
    k->li = 0;
    k->doc = k->ln ? k->ldocs[0] : AJ_DOC_END;
    k->cost = k->ln;
    ev->df[n->leaf] = k->ln;
    return e;
}

static int cmp_cursor_cost(const void *a, const void *b) {
    const aj_cur *x = *(aj_cur *const *)a, *y = *(aj_cur *const *)b;
    return x->cost < y->cost ? -1 : x->cost > y->cost;
}

/* The cursor of the query node n and its subtree, on its first match. */
static aj_err build_cursor(aj_ctx *c, aj_eval *ev, const aj_qnode *n, aj_cur **out) {
    aj_cur *k = calloc(1, sizeof *k);
    if (!k) return aj_fail(c, AJ_ENOMEM, "cursor");
    *out = k;
    k->doc = AJ_DOC_END;
    if (aj_qleaf(n->kind)) return build_leaf(c, ev, n, k);
    k->kind = n->kind == Q_OR ? C_OR : C_AND;
    k->kids = calloc(n->nkids, sizeof *k->kids);
    k->neg = calloc(n->nkids, sizeof *k->neg);
    if (!k->kids || !k->neg) return aj_fail(c, AJ_ENOMEM, "cursor");
    aj_err e = AJ_OK;
    for (uint32_t i = 0; !e && i < n->nkids; i++) {
        const aj_qnode *kid = n->kids[i];
        if (kid->kind == Q_NOT)
            e = build_cursor(c, ev, kid->kids[0], &k->neg[k->nneg++]);
        else
            e = build_cursor(c, ev, kid, &k->kids[k->nkids++]);
    }
    if (e) return e;
    if (k->kind == C_AND) {
        qsort(k->kids, k->nkids, sizeof *k->kids, cmp_cursor_cost);
        k->cost = k->nkids ? k->kids[0]->cost : 0;
        /* Position on the first match. */
        k->doc = 0;
        return aj_cur_and_seek(c, k, 0);
    }
    uint32_t m = AJ_DOC_END;
    for (uint32_t i = 0; i < k->nkids; i++) {
        k->cost += k->kids[i]->cost;
        if (k->kids[i]->doc < m) m = k->kids[i]->doc;
    }
    k->doc = m;
    return AJ_OK;
}

/* ---- opening, driving, closing ---- */

/* Moves the root off the paragraphs left out (chrome, filtered). */
static aj_err root_skip_chrome(aj_ctx *c, aj_eval *ev) {
    while (ev->skip && ev->root->doc != AJ_DOC_END) {
        uint32_t d = ev->root->doc;
        uint32_t to = aj_chrome_skip(ev->skip, ev->nskip, &ev->skip_at, d);
        if (to == d) break;
        aj_err e = aj_cur_advance(c, ev->root, to);
        if (e) return e;
    }
    return AJ_OK;
}

aj_err aj_eval_open(aj_ctx *c, aj_eval *ev, aj_index *ix, aj_analyzer *an,
                    aj_query *q, double k1, double b, int chrome) {
    return aj_eval_open_skip(c, ev, ix, an, q, k1, b, chrome, NULL);
}

aj_err aj_eval_open_skip(aj_ctx *c, aj_eval *ev, aj_index *ix, aj_analyzer *an,
                         aj_query *q, double k1, double b, int chrome, const aj_runs *skip) {
    memset(ev, 0, sizeof *ev);
    ev->ix = ix;
    ev->an = an;
    ev->q = q;
    ev->k1 = k1;
    ev->b = b;
    ev->avgdl = ix->avgdl;
    uint64_t n = ix->nparas;
    aj_err e = AJ_OK;
    if (!chrome && ix->nchrome) {
        /* the collection BM25 sees is the paragraphs that are not chrome */
        e = aj_index_chrome_runs(c, ix, &ev->chrome, &ev->nchrome);
        if (e) return e;
        n = ix->nparas - ix->nchrome;
        ev->avgdl = n ? (double)(ix->ntokens - ix->chrome_tokens) / (double)n : 0.0;
    }
    ev->skip = ev->chrome;
    ev->nskip = ev->nchrome;
    if (skip) {
        ev->skip = skip->runs;
        ev->nskip = skip->n;
    }
    ev->n = n;
    ev->idf = calloc(q->nleaves + 1, sizeof *ev->idf);
    ev->df = calloc(q->nleaves + 1, sizeof *ev->df);
    if (!ev->idf || !ev->df) return aj_fail(c, AJ_ENOMEM, "query state");
    e = build_cursor(c, ev, q->root, &ev->root);
    if (!e) e = root_skip_chrome(c, ev);
    for (uint32_t i = 0; !e && i < q->nleaves; i++)
        ev->idf[i] = aj_bm25_idf(n, ev->df[i]);
    return e;
}

/* Adds the postings the term leaves of the subtree k decoded to
 * ev->decoded. */
static void add_decoded(aj_eval *ev, const aj_cur *k) {
    if (!k) return;
    ev->decoded += k->pc.decoded;
    for (uint32_t i = 0; i < k->nkids; i++) add_decoded(ev, k->kids[i]);
    for (uint32_t i = 0; i < k->nneg; i++) add_decoded(ev, k->neg[i]);
}

void aj_eval_close(aj_eval *ev) {
    add_decoded(ev, ev->root);
    cur_free(ev->root);
    free(ev->idf);
    free(ev->df);
    ev->root = NULL;
    ev->idf = NULL;
    ev->df = NULL;
}

uint32_t aj_eval_doc(const aj_eval *ev) { return ev->root->doc; }

aj_err aj_eval_next(aj_ctx *c, aj_eval *ev) {
    aj_err e = cur_step(c, ev->root);
    return e ? e : root_skip_chrome(c, ev);
}

aj_err aj_eval_advance(aj_ctx *c, aj_eval *ev, uint32_t target) {
    aj_err e = aj_cur_advance(c, ev->root, target);
    return e ? e : root_skip_chrome(c, ev);
}

/* Puts the subtree k back on its first match: term leaves open their
 * postings again, gathered lists go back to their start. */
static aj_err cur_rewind(aj_ctx *c, aj_eval *ev, aj_cur *k) {
    aj_err e = AJ_OK;
    switch (k->kind) {
    case C_TERM:
        if (!k->pc.post) return AJ_OK; /* a word the index lacks */
        ev->decoded += k->pc.decoded;
        k->pc.decoded = 0;
        e = aj_pcursor_rewind(c, &k->pc);
        k->doc = e ? AJ_DOC_END : k->pc.doc;
        return e;
    case C_LIST:
        k->li = 0;
        k->doc = k->ln ? k->ldocs[0] : AJ_DOC_END;
        return AJ_OK;
    default:
        for (uint32_t i = 0; !e && i < k->nkids; i++) e = cur_rewind(c, ev, k->kids[i]);
        for (uint32_t i = 0; !e && i < k->nneg; i++) e = cur_rewind(c, ev, k->neg[i]);
        if (e) return e;
        if (k->kind == C_AND) {
            k->doc = 0;
            return aj_cur_and_seek(c, k, 0);
        }
        k->doc = AJ_DOC_END;
        for (uint32_t i = 0; i < k->nkids; i++)
            if (k->kids[i]->doc < k->doc) k->doc = k->kids[i]->doc;
        return AJ_OK;
    }
}

aj_err aj_eval_rewind(aj_ctx *c, aj_eval *ev) {
    aj_err e = cur_rewind(c, ev, ev->root);
    ev->skip_at = 0;
    return e ? e : root_skip_chrome(c, ev);
}

/* ---- scores ---- */

/* A leaf's tf and score in its current paragraph; a typo-tolerant word
 * takes its best class of matches (see AJ_FUZZY_WEIGHT). */
static double leaf_score(const aj_eval *ev, const aj_cur *k, uint32_t dl,
                         uint32_t *tf) {
    double idf = ev->idf[k->leaf];
    if (k->kind == C_TERM) {
        *tf = aj_pcursor_tf(&k->pc);
        return aj_bm25(idf, *tf, dl, ev->avgdl, ev->k1, ev->b);
    }
    *tf = k->ltfs[k->li];
    double best = *tf ? aj_bm25(idf, *tf, dl, ev->avgdl, ev->k1, ev->b) : 0.0;
    for (int d = 1; k->lt1 && d <= 2; d++) {
        uint32_t t = (d == 1 ? k->lt1 : k->lt2)[k->li];
        double s = t ? AJ_FUZZY_WEIGHT(d) * aj_bm25(idf, t, dl, ev->avgdl, ev->k1, ev->b)
                     : 0.0;
        if (s > best) {
            best = s;
            *tf = t;
        }
    }
    return best;
}

/* The sum of the scores of the leaves of the subtree k that are on d. */
static double tree_score(const aj_eval *ev, const aj_cur *k, uint32_t d,
                         uint32_t dl) {
    if (k->doc != d) return 0.0;
    uint32_t tf;
    if (k->kind == C_TERM || k->kind == C_LIST) return leaf_score(ev, k, dl, &tf);
    double s = 0.0;
    for (uint32_t i = 0; i < k->nkids; i++) s += tree_score(ev, k->kids[i], d, dl);
    return s;
}

double aj_eval_score(const aj_eval *ev, uint32_t dl) {
    return tree_score(ev, ev->root, ev->root->doc, dl);
}

/* Adds the tf and score of each leaf of the subtree k that is on d to
 * tf[leaf] and sc[leaf]. */
static void tree_leaf_tfs(const aj_eval *ev, const aj_cur *k, uint32_t d,
                          uint32_t dl, uint32_t *tf, double *sc) {
    if (k->doc != d) return;
    if (k->kind == C_TERM || k->kind == C_LIST) {
        uint32_t t;
        double s = leaf_score(ev, k, dl, &t);
        tf[k->leaf] += t;
        sc[k->leaf] += s;
        return;
    }
    for (uint32_t i = 0; i < k->nkids; i++) tree_leaf_tfs(ev, k->kids[i], d, dl, tf, sc);
}

void aj_eval_leaf_tfs(const aj_eval *ev, uint32_t dl, uint32_t *tf,
                      double *sc) {
    memset(tf, 0, ev->q->nleaves * sizeof *tf);
    memset(sc, 0, ev->q->nleaves * sizeof *sc);
    tree_leaf_tfs(ev, ev->root, ev->root->doc, dl, tf, sc);
}

/* ---- leaf access for dynamic pruning (topk.c) ---- */

int aj_eval_flat(aj_eval *ev, aj_cur ***leaves, uint32_t *n) {
    aj_cur *r = ev->root;
    if (r->kind == C_TERM || r->kind == C_LIST) {
        *leaves = &ev->root;
        *n = 1;
        return 1;
    }
    if (r->kind != C_OR) return 0;
    for (uint32_t i = 0; i < r->nkids; i++)
        if (r->kids[i]->kind != C_TERM && r->kids[i]->kind != C_LIST) return 0;
    *leaves = r->kids;
    *n = r->nkids;
    return 1;
}

uint32_t aj_cur_doc(const aj_cur *k) { return k->doc; }
uint32_t aj_cur_leaf(const aj_cur *k) { return k->leaf; }
double aj_cur_score(const aj_eval *ev, const aj_cur *k, uint32_t dl) {
    uint32_t tf;
    return leaf_score(ev, k, dl, &tf);
}
aj_err aj_cur_next(aj_ctx *c, aj_cur *k) { return cur_step(c, k); }
/* (aj_cur_advance is eval_bool.c's) */
aj_pcursor *aj_cur_postings(aj_cur *k) { return k->kind == C_TERM ? &k->pc : NULL; }

/* BM25 grows with tf and shrinks with dl, so (largest tf, shortest
 * paragraph) bounds every contribution of the leaf. */
double aj_cur_bound(const aj_eval *ev, const aj_cur *k) {
    uint32_t tf = k->kind == C_TERM ? k->pc.info.max_tf : k->lmaxtf;
    uint32_t dl = k->kind == C_TERM ? k->pc.info.min_len : 0;
    return aj_bm25(ev->idf[k->leaf], tf, dl, ev->avgdl, ev->k1, ev->b);
}

static double tree_bound(const aj_eval *ev, const aj_cur *k) {
    if (k->kind == C_TERM || k->kind == C_LIST) return aj_cur_bound(ev, k);
    double b = 0.0;
    for (uint32_t i = 0; i < k->nkids; i++) b += tree_bound(ev, k->kids[i]);
    return b;
}

double aj_eval_bound(const aj_eval *ev) { return tree_bound(ev, ev->root); }

void aj_cur_sync(aj_cur *k) {
    if (k->kind == C_TERM) k->doc = k->pc.doc;
}
