/* eval.c - cursor tree over a parsed query; see eval.h. */
#include "eval.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { C_TERM, C_LIST, C_AND, C_OR };

struct aj_cur {
    int kind;
    uint32_t doc;
    uint32_t leaf;           /* leaves only */
    uint64_t cost;           /* upper bound of matches, orders AND kids */
    aj_pcursor pc;           /* C_TERM */
    uint32_t *ldocs, *ltfs;  /* C_LIST */
    uint32_t ln, li;
    uint32_t lmaxtf;         /* C_LIST: largest tf in the list */
    aj_cur **kids;           /* C_AND (positive) and C_OR */
    uint32_t nkids;
    aj_cur **neg;            /* C_AND: clauses a match must not have */
    uint32_t nneg;
};

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
    for (uint32_t i = 0; i < k->nkids; i++) cur_free(k->kids[i]);
    for (uint32_t i = 0; i < k->nneg; i++) cur_free(k->neg[i]);
    free(k->kids);
    free(k->neg);
    free(k);
}

static aj_err cur_advance(aj_ctx *c, aj_cur *k, uint32_t target);

static aj_err cur_next(aj_ctx *c, aj_cur *k) {
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
        return cur_advance(c, k, k->doc + 1);
    }
}

/* AND: the first id >= target that every positive child has and no
 * negative child has. */
static aj_err and_find(aj_ctx *c, aj_cur *k, uint32_t target) {
    uint32_t d = target;
again:
    for (uint32_t i = 0; i < k->nkids; i++) {
        aj_cur *kid = k->kids[i];
        aj_err e = cur_advance(c, kid, d);
        if (e) return e;
        if (kid->doc == AJ_DOC_END) {
            k->doc = AJ_DOC_END;
            return AJ_OK;
        }
        if (kid->doc > d) {
            d = kid->doc;
            goto again;
        }
    }
    for (uint32_t i = 0; i < k->nneg; i++) {
        aj_err e = cur_advance(c, k->neg[i], d);
        if (e) return e;
        if (k->neg[i]->doc == d) {
            d++;
            goto again;
        }
    }
    k->doc = d;
    return AJ_OK;
}

static aj_err cur_advance(aj_ctx *c, aj_cur *k, uint32_t target) {
    if (k->doc >= target) return AJ_OK;
    switch (k->kind) {
    case C_TERM: {
        aj_err e = aj_pcursor_advance(c, &k->pc, target);
        k->doc = k->pc.doc;
        return e;
    }
    case C_LIST: {
        /* Gallop, then binary search. */
        uint32_t lo = k->li, step = 1, hi;
        while (lo + step < k->ln && k->ldocs[lo + step] < target) {
            lo += step;
            step *= 2;
        }
        hi = lo + step < k->ln ? lo + step : k->ln;
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (k->ldocs[mid] < target)
                lo = mid + 1;
            else
                hi = mid;
        }
        k->li = lo;
        k->doc = lo < k->ln ? k->ldocs[lo] : AJ_DOC_END;
        return AJ_OK;
    }
    case C_AND:
        return and_find(c, k, target);
    default: { /* C_OR */
        uint32_t m = AJ_DOC_END;
        for (uint32_t i = 0; i < k->nkids; i++) {
            aj_err e = cur_advance(c, k->kids[i], target);
            if (e) return e;
            if (k->kids[i]->doc < m) m = k->kids[i]->doc;
        }
        k->doc = m;
        return AJ_OK;
    }
    }
}

/* ---- building leaves ---- */

static aj_err open_term(aj_ctx *c, aj_eval *ev, const char *term,
                        aj_pcursor *pc, int *found) {
    aj_index *ix = ev->ix;
    int64_t id;
    *found = 0;
    memset(pc, 0, sizeof *pc);
    pc->doc = AJ_DOC_END;
    aj_term_info info;
    aj_err e = aj_dict_find(c, &ix->terms, term, strlen(term), &id, &info);
    if (e || id < 0) return e;
    e = aj_pcursor_open(c, pc, ix->files[AJ_F_POST], ix->files[AJ_F_POSN],
                            &info, ix->nparas);
    *found = !e;
    return e;
}

typedef struct {
    uint32_t *docs, *tfs;
    uint32_t n, cap;
} list_buf;

static aj_err list_push(aj_ctx *c, list_buf *l, uint32_t doc, uint32_t tf) {
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

static aj_err expansion_limit(aj_ctx *c, const aj_qnode *n) {
    return aj_fail_at(c, AJ_ELIMIT, n->pos,
                      "the prefixes and phrases of the query match more than "
                      "%u postings in all; make them more specific",
                      AJ_MAX_QUERY_EXPANSION);
}

/* Phrase: paragraphs holding all its terms, found by leapfrogging from
 * the rarest term, then a position check anchored on the term with the
 * fewest positions in that paragraph.  A term repeated in the phrase
 * ("the lord of the") is read once. */
static aj_err eval_phrase(aj_ctx *c, aj_eval *ev, const aj_qnode *n,
                          list_buf *out) {
    uint32_t m = n->nterms, nu = 0;
    aj_pcursor *pcs = calloc(m, sizeof *pcs);
    uint32_t *slot = calloc(m, sizeof *slot); /* phrase position -> cursor */
    uint32_t *ord = calloc(m, sizeof *ord);   /* cursors, rarest first */
    const uint32_t **pos = calloc(m, sizeof *pos);
    uint32_t *np = calloc(m, sizeof *np);
    uint32_t *at = calloc(m, sizeof *at);   /* per phrase position */
    aj_err e = (!pcs || !slot || !ord || !pos || !np || !at) ? aj_fail(c, AJ_ENOMEM, "phrase")
                                                      : AJ_OK;
    int all = 1;
    for (uint32_t i = 0; !e && i < m; i++) {
        uint32_t j = 0;
        while (j < i && strcmp(n->terms[j], n->terms[i])) j++;
        if (j < i) {
            slot[i] = slot[j];
            continue;
        }
        int found;
        slot[i] = nu;
        e = open_term(c, ev, n->terms[i], &pcs[nu], &found);
        nu++;
        all &= found;
    }
    for (uint32_t i = 0; i < nu; i++) ord[i] = i;
    for (uint32_t i = 1; i < nu; i++) /* insertion sort by df: nu is tiny */
        for (uint32_t j = i; j > 0 && pcs[ord[j]].info.df < pcs[ord[j - 1]].info.df; j--) {
            uint32_t t = ord[j];
            ord[j] = ord[j - 1];
            ord[j - 1] = t;
        }
    uint32_t d = 0;
    while (!e && all) {
        /* Leapfrog to a paragraph that has every term. */
        int moved;
        do {
            moved = 0;
            for (uint32_t i = 0; !e && i < nu; i++) {
                aj_pcursor *pc = &pcs[ord[i]];
                e = aj_pcursor_advance(c, pc, d);
                if (pc->doc == AJ_DOC_END) {
                    all = 0;
                    break;
                }
                if (pc->doc > d) {
                    d = pc->doc;
                    moved = 1;
                    break;
                }
            }
        } while (!e && all && moved);
        if (e || !all) break;
        if (++ev->expanded > AJ_MAX_QUERY_EXPANSION) {
            e = expansion_limit(c, n);
            break;
        }
        for (uint32_t i = 0; !e && i < nu; i++)
            e = aj_pcursor_positions(c, &pcs[i], &pos[i], &np[i]);
        if (e) break;
        uint32_t anchor = 0;
        for (uint32_t i = 1; i < m; i++)
            if (np[slot[i]] < np[slot[anchor]]) anchor = i;
        uint32_t tf = 0;
        const uint32_t *ap = pos[slot[anchor]];
        /* The anchor's positions rise, so each phrase position's target
         * does too: one forward pointer per phrase position walks its
         * term's positions once per paragraph, where a binary search per
         * anchor took minutes on paragraphs of one repeated word. */
        for (uint32_t i = 0; i < m; i++) at[i] = 0;
        for (uint32_t j = 0; j < np[slot[anchor]]; j++) {
            uint32_t q = ap[j];
            if (q < anchor) continue;
            uint32_t start = q - anchor, i;
            for (i = 0; i < m; i++) {
                if (i == anchor) continue;
                const uint32_t *v = pos[slot[i]];
                uint32_t n = np[slot[i]];
                while (at[i] < n && v[at[i]] < start + i) at[i]++;
                if (at[i] == n || v[at[i]] != start + i) break;
            }
            if (i == m) tf++;
        }
        if (tf) e = list_push(c, out, d, tf);
        d++;
    }
    for (uint32_t i = 0; pcs && i < nu; i++) {
        ev->decoded += pcs[i].decoded;
        aj_pcursor_free(&pcs[i]);
    }
    free(pcs);
    free(slot);
    free(ord);
    free(pos);
    free(np);
    free(at);
    return e;
}

/* Adds tf to a counter, saturating as the pair path does. */
static void add_tf(uint32_t *at, uint32_t tf) {
    *at = *at > UINT32_MAX - tf ? UINT32_MAX : *at + tf;
}

static int cmp_pair(const void *a, const void *b) {
    const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Prefix: the union of the postings of every word in the prefix's range
 * of the word dictionary, tf summed per paragraph.  The postings are
 * gathered as (paragraph, tf) pairs and sorted while they take less room
 * than one counter per paragraph; beyond that they are summed into such
 * counters, so a prefix that matches most of the index needs 4 bytes per
 * paragraph rather than 8 per posting. */
static aj_err eval_prefix(aj_ctx *c, aj_eval *ev, const aj_qnode *n,
                          list_buf *out) {
    aj_index *ix = ev->ix;
    const char *pre = n->terms[0];
    size_t plen = strlen(pre);
    uint64_t id;
    aj_dict_iter it;
    aj_err e = aj_dict_lower_bound(c, &ix->words, pre, plen, &id);
    if (!e) e = aj_dict_iter_seek(c, &ix->words, id, &it);
    uint64_t *pairs = NULL; /* doc << 32 | tf */
    size_t npairs = 0, cap = 0;
    uint32_t *sum = NULL;   /* tf by paragraph, once pairs grow large */
    uint32_t nwords = 0;
    while (!e && it.id < ix->words.nterms && it.len >= plen &&
           memcmp(it.buf, pre, plen) == 0) {
        if (++nwords > AJ_MAX_PREFIX_TERMS) {
            e = aj_fail_at(c, AJ_ELIMIT, n->pos,
                           "prefix '%s*' matches more than %u words; make "
                           "it longer",
                           pre, AJ_MAX_PREFIX_TERMS);
            break;
        }
        aj_pcursor pc;
        e = aj_pcursor_open(c, &pc, ix->files[AJ_F_POST], NULL, &it.info, ix->nparas);
        while (!e && pc.doc != AJ_DOC_END) {
            if (++ev->expanded > AJ_MAX_QUERY_EXPANSION) {
                e = expansion_limit(c, n);
                break;
            }
            if (!sum && npairs == cap && cap >= ix->nparas / 2) {
                sum = calloc(ix->nparas, sizeof *sum);
                if (!sum) {
                    e = aj_fail(c, AJ_ENOMEM, "prefix matches");
                    break;
                }
                for (size_t i = 0; i < npairs; i++)
                    add_tf(&sum[pairs[i] >> 32], (uint32_t)pairs[i]);
                free(pairs);
                pairs = NULL;
                npairs = cap = 0;
            }
            if (sum) {
                add_tf(&sum[pc.doc], aj_pcursor_tf(&pc));
                e = aj_pcursor_next(c, &pc);
                continue;
            }
            if (npairs == cap) {
                size_t nc = cap ? cap * 2 : 256;
                uint64_t *p = realloc(pairs, nc * sizeof *p);
                if (!p) {
                    e = aj_fail(c, AJ_ENOMEM, "prefix matches");
                    break;
                }
                pairs = p;
                cap = nc;
            }
            pairs[npairs++] = (uint64_t)pc.doc << 32 | aj_pcursor_tf(&pc);
            e = aj_pcursor_next(c, &pc);
        }
        ev->decoded += pc.decoded;
        aj_pcursor_free(&pc);
        if (!e) e = aj_dict_iter_next(c, &it);
    }
    for (uint32_t d = 0; !e && sum && d < ix->nparas; d++)
        if (sum[d]) e = list_push(c, out, d, sum[d]);
    free(sum);
    if (!e && npairs) qsort(pairs, npairs, sizeof *pairs, cmp_pair);
    for (size_t i = 0; !e && i < npairs;) {
        uint32_t doc = (uint32_t)(pairs[i] >> 32);
        uint64_t tf = 0;
        for (; i < npairs && (uint32_t)(pairs[i] >> 32) == doc; i++)
            tf += (uint32_t)pairs[i];
        e = list_push(c, out, doc, tf > UINT32_MAX ? UINT32_MAX : (uint32_t)tf);
    }
    free(pairs);
    return e;
}

static aj_err build(aj_ctx *c, aj_eval *ev, const aj_qnode *n, aj_cur **out);

static aj_err build_leaf(aj_ctx *c, aj_eval *ev, const aj_qnode *n,
                         aj_cur *k) {
    k->leaf = n->leaf;
    if (n->kind == Q_TERM) {
        int found;
        k->kind = C_TERM;
        aj_err e = open_term(c, ev, n->terms[0], &k->pc, &found);
        if (e) return e;
        k->doc = k->pc.doc;
        k->cost = k->pc.info.df;
        ev->df[n->leaf] = k->pc.info.df;
        return AJ_OK;
    }
    list_buf l = {0};
    aj_err e = n->kind == Q_PHRASE ? eval_phrase(c, ev, n, &l)
                                   : eval_prefix(c, ev, n, &l);
    k->kind = C_LIST;
    k->ldocs = l.docs;
    k->ltfs = l.tfs;
    k->ln = l.n;
    for (uint32_t i = 0; i < l.n; i++)
        if (l.tfs[i] > k->lmaxtf) k->lmaxtf = l.tfs[i];
    k->li = 0;
    k->doc = l.n ? l.docs[0] : AJ_DOC_END;
    k->cost = l.n;
    ev->df[n->leaf] = l.n;
    return e;
}

static int cmp_cost(const void *a, const void *b) {
    const aj_cur *x = *(aj_cur *const *)a, *y = *(aj_cur *const *)b;
    return x->cost < y->cost ? -1 : x->cost > y->cost;
}

static aj_err build(aj_ctx *c, aj_eval *ev, const aj_qnode *n, aj_cur **out) {
    aj_cur *k = calloc(1, sizeof *k);
    if (!k) return aj_fail(c, AJ_ENOMEM, "cursor");
    *out = k;
    k->doc = AJ_DOC_END;
    if (n->kind == Q_TERM || n->kind == Q_PHRASE || n->kind == Q_PREFIX)
        return build_leaf(c, ev, n, k);
    k->kind = n->kind == Q_OR ? C_OR : C_AND;
    k->kids = calloc(n->nkids, sizeof *k->kids);
    k->neg = calloc(n->nkids, sizeof *k->neg);
    if (!k->kids || !k->neg) return aj_fail(c, AJ_ENOMEM, "cursor");
    aj_err e = AJ_OK;
    for (uint32_t i = 0; !e && i < n->nkids; i++) {
        const aj_qnode *kid = n->kids[i];
        if (kid->kind == Q_NOT)
            e = build(c, ev, kid->kids[0], &k->neg[k->nneg++]);
        else
            e = build(c, ev, kid, &k->kids[k->nkids++]);
    }
    if (e) return e;
    if (k->kind == C_AND) {
        qsort(k->kids, k->nkids, sizeof *k->kids, cmp_cost);
        k->cost = k->nkids ? k->kids[0]->cost : 0;
        k->doc = 0;
        /* Position on the first match. */
        k->doc = 0;
        return and_find(c, k, 0);
    }
    uint32_t m = AJ_DOC_END;
    for (uint32_t i = 0; i < k->nkids; i++) {
        k->cost += k->kids[i]->cost;
        if (k->kids[i]->doc < m) m = k->kids[i]->doc;
    }
    k->doc = m;
    return AJ_OK;
}

aj_err aj_eval_open(aj_ctx *c, aj_eval *ev, aj_index *ix, aj_query *q,
                    double k1, double b) {
    memset(ev, 0, sizeof *ev);
    ev->ix = ix;
    ev->q = q;
    ev->k1 = k1;
    ev->b = b;
    ev->avgdl = ix->avgdl;
    ev->idf = calloc(q->nleaves + 1, sizeof *ev->idf);
    ev->df = calloc(q->nleaves + 1, sizeof *ev->df);
    if (!ev->idf || !ev->df) return aj_fail(c, AJ_ENOMEM, "query state");
    aj_err e = build(c, ev, q->root, &ev->root);
    for (uint32_t i = 0; !e && i < q->nleaves; i++)
        ev->idf[i] = aj_bm25_idf(ix->nparas, ev->df[i]);
    return e;
}

static void sum_decoded(aj_eval *ev, const aj_cur *k) {
    if (!k) return;
    ev->decoded += k->pc.decoded;
    for (uint32_t i = 0; i < k->nkids; i++) sum_decoded(ev, k->kids[i]);
    for (uint32_t i = 0; i < k->nneg; i++) sum_decoded(ev, k->neg[i]);
}

void aj_eval_close(aj_eval *ev) {
    sum_decoded(ev, ev->root);
    cur_free(ev->root);
    free(ev->idf);
    free(ev->df);
    ev->root = NULL;
    ev->idf = NULL;
    ev->df = NULL;
}

uint32_t aj_eval_doc(const aj_eval *ev) { return ev->root->doc; }

aj_err aj_eval_next(aj_ctx *c, aj_eval *ev) { return cur_next(c, ev->root); }

aj_err aj_eval_advance(aj_ctx *c, aj_eval *ev, uint32_t target) {
    return cur_advance(c, ev->root, target);
}

static uint32_t leaf_tf(const aj_cur *k) {
    return k->kind == C_TERM ? aj_pcursor_tf(&k->pc) : k->ltfs[k->li];
}

static double score(const aj_eval *ev, const aj_cur *k, uint32_t d,
                    uint32_t dl) {
    if (k->doc != d) return 0.0;
    if (k->kind == C_TERM || k->kind == C_LIST)
        return aj_bm25(ev->idf[k->leaf], leaf_tf(k), dl, ev->avgdl, ev->k1,
                       ev->b);
    double s = 0.0;
    for (uint32_t i = 0; i < k->nkids; i++) s += score(ev, k->kids[i], d, dl);
    return s;
}

double aj_eval_score(const aj_eval *ev, uint32_t dl) {
    return score(ev, ev->root, ev->root->doc, dl);
}

static void leaf_tfs(const aj_cur *k, uint32_t d, uint32_t *tf) {
    if (k->doc != d) return;
    if (k->kind == C_TERM || k->kind == C_LIST) {
        tf[k->leaf] += leaf_tf(k);
        return;
    }
    for (uint32_t i = 0; i < k->nkids; i++) leaf_tfs(k->kids[i], d, tf);
}

void aj_eval_leaf_tfs(const aj_eval *ev, uint32_t *tf) {
    memset(tf, 0, ev->q->nleaves * sizeof *tf);
    leaf_tfs(ev->root, ev->root->doc, tf);
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
uint32_t aj_cur_tf(const aj_cur *k) { return leaf_tf(k); }
aj_err aj_cur_next(aj_ctx *c, aj_cur *k) { return cur_next(c, k); }
aj_err aj_cur_advance(aj_ctx *c, aj_cur *k, uint32_t target) {
    return cur_advance(c, k, target);
}
aj_pcursor *aj_cur_postings(aj_cur *k) { return k->kind == C_TERM ? &k->pc : NULL; }

/* BM25 grows with tf and shrinks with dl, so (largest tf, shortest
 * paragraph) bounds every contribution of the leaf. */
double aj_cur_bound(const aj_eval *ev, const aj_cur *k) {
    uint32_t tf = k->kind == C_TERM ? k->pc.info.max_tf : k->lmaxtf;
    uint32_t dl = k->kind == C_TERM ? k->pc.info.min_len : 0;
    return aj_bm25(ev->idf[k->leaf], tf, dl, ev->avgdl, ev->k1, ev->b);
}

void aj_cur_sync(aj_cur *k) {
    if (k->kind == C_TERM) k->doc = k->pc.doc;
}
