/*
 * eval_prefix.c - prefixes and typo-tolerant words: the terms they stand
 * for, and their postings gathered up front into a list.
 *
 * Both are a word of the query that matches many words of the words
 * dictionary.  aj_eval_expand (eval.h) lists the terms of those words
 * (NEAR items and the highlighter use it too); a prefix's list is the
 * union of its words' postings with tf summed, a typo-tolerant word's
 * keeps one tf per number of edits for its score (AJ_FUZZY_WEIGHT).
 * Everything read counts against the query's expansion budget.
 */
#include "search/eval_impl.h"

#include <stdlib.h>
#include <string.h>

#include "common/grow.h"
#include "query/fuzzy.h"

/* Adds tf to a counter, saturating at UINT32_MAX. */
static void add_tf_saturating(uint32_t *at, uint32_t tf) {
    *at = *at > UINT32_MAX - tf ? UINT32_MAX : *at + tf;
}

/* Orders postings packed as doc << 32 | tf, by paragraph first. */
static int cmp_packed_doc_tf(const void *a, const void *b) {
    const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Prefix: the union of the postings of every word in the prefix's range
 * of the word dictionary, tf summed per paragraph.  The postings are
 * gathered as (paragraph, tf) pairs and sorted while they take less room
 * than one counter per paragraph; beyond that they are summed into such
 * counters, so a prefix that matches most of the index needs 4 bytes per
 * paragraph rather than 8 per posting. */
aj_err aj_eval_gather_prefix(aj_ctx *c, aj_eval *ev, const aj_qnode *n,
                             aj_match_list *out) {
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
        e = aj_index_cursor(c, ix, AJ_DICT_WORDS, it.buf, it.len, &it.info, 0, &pc);
        while (!e && pc.doc != AJ_DOC_END) {
            if (++ev->expanded > AJ_MAX_QUERY_EXPANSION) {
                e = aj_eval_budget_error(c, n);
                break;
            }
            if (!sum && npairs == cap && cap >= ix->nparas / 2) {
                sum = calloc(ix->nparas, sizeof *sum);
                if (!sum) {
                    e = aj_fail(c, AJ_ENOMEM, "prefix matches");
                    break;
                }
                for (size_t i = 0; i < npairs; i++)
                    add_tf_saturating(&sum[pairs[i] >> 32], (uint32_t)pairs[i]);
                free(pairs);
                pairs = NULL;
                npairs = cap = 0;
            }
            if (sum) {
                add_tf_saturating(&sum[pc.doc], aj_pcursor_tf(&pc));
                e = aj_pcursor_next(c, &pc);
                continue;
            }
            if (npairs == cap &&
                (e = aj_grow(c, (void **)&pairs, &cap, cap + 1, sizeof *pairs, "prefix matches")))
                break;
            pairs[npairs++] = (uint64_t)pc.doc << 32 | aj_pcursor_tf(&pc);
            e = aj_pcursor_next(c, &pc);
        }
        ev->decoded += pc.decoded;
        aj_pcursor_free(&pc);
        if (!e) e = aj_dict_iter_next(c, &it);
    }
    for (uint32_t d = 0; !e && sum && d < ix->nparas; d++)
        if (sum[d]) e = aj_match_list_push(c, out, d, sum[d]);
    free(sum);
    if (!e && npairs) qsort(pairs, npairs, sizeof *pairs, cmp_packed_doc_tf);
    for (size_t i = 0; !e && i < npairs;) {
        uint32_t doc = (uint32_t)(pairs[i] >> 32);
        uint64_t tf = 0;
        for (; i < npairs && (uint32_t)(pairs[i] >> 32) == doc; i++)
            tf += (uint32_t)pairs[i];
        e = aj_match_list_push(c, out, doc, tf > UINT32_MAX ? UINT32_MAX : (uint32_t)tf);
    }
    free(pairs);
    return e;
}

/* ---- prefixes and typo-tolerant words as sets of terms ---- */

void aj_termset_free(aj_termset *t) {
    for (uint32_t i = 0; i < t->n; i++) free(t->terms[i]);
    free(t->terms);
    free(t->dist);
    memset(t, 0, sizeof *t);
}

static aj_err termset_add(aj_ctx *c, aj_termset *t, const char *s, size_t n,
                          int dist) {
    if (t->n == t->cap) {
        uint32_t cap = t->cap ? t->cap * 2 : 16;
        char **v = realloc(t->terms, cap * sizeof *v);
        if (v) t->terms = v;
        uint8_t *d = realloc(t->dist, cap * sizeof *d);
        if (d) t->dist = d;
        if (!v || !d) return aj_fail(c, AJ_ENOMEM, "query terms");
        t->cap = cap;
    }
    if (!(t->terms[t->n] = strndup(s, n))) return aj_fail(c, AJ_ENOMEM, "query terms");
    t->dist[t->n++] = (uint8_t)dist;
    return AJ_OK;
}

typedef struct {
    aj_ctx *c;
    aj_analyzer *an;
    const aj_qnode *n;
    aj_termset *t;
    uint32_t nwords;
    aj_err err;
} expand_state;

/* One matching word: its term joins the set (duplicates go at the end). */
static int on_expand_word(void *arg, const aj_dict_iter *it, int dist) {
    expand_state *x = arg;
    if (++x->nwords > AJ_MAX_PREFIX_TERMS) {
        x->err = aj_fail_at(x->c, AJ_ELIMIT, x->n->pos,
                            "'%s' matches more than %u words; make it %s",
                            x->n->text, AJ_MAX_PREFIX_TERMS,
                            x->n->kind == Q_PREFIX ? "longer" : "allow fewer edits");
        return 1;
    }
    const char *term;
    size_t tlen;
    x->err = aj_analyzer_term(x->c, x->an, it->buf, it->len, &term, &tlen);
    if (!x->err) x->err = termset_add(x->c, x->t, term, tlen, dist);
    return x->err != AJ_OK;
}

typedef struct {
    char *term;
    uint8_t dist;
} term_dist;

static int cmp_term_dist(const void *a, const void *b) {
    const term_dist *x = a, *y = b;
    int r = strcmp(x->term, y->term);
    return r ? r : (x->dist > y->dist) - (x->dist < y->dist);
}

/* Sorts the set and keeps each term once, with its fewest edits. */
static aj_err termset_unique(aj_ctx *c, aj_termset *t) {
    if (t->n < 2) return AJ_OK;
    term_dist *v = malloc(t->n * sizeof *v);
    if (!v) return aj_fail(c, AJ_ENOMEM, "query terms");
    for (uint32_t i = 0; i < t->n; i++) v[i] = (term_dist){t->terms[i], t->dist[i]};
    qsort(v, t->n, sizeof *v, cmp_term_dist);
    uint32_t n = 0;
    for (uint32_t i = 0; i < t->n; i++) {
        if (n && strcmp(t->terms[n - 1], v[i].term) == 0) {
            free(v[i].term);
            continue;
        }
        t->terms[n] = v[i].term;
        t->dist[n++] = v[i].dist;
    }
    free(v);
    t->n = n;
    return AJ_OK;
}

aj_err aj_eval_expand(aj_ctx *c, aj_index *ix, aj_analyzer *an,
                      const aj_qnode *n, aj_termset *out) {
    memset(out, 0, sizeof *out);
    expand_state x = {c, an, n, out, 0, AJ_OK};
    const char *w = n->terms[0];
    size_t wlen = strlen(w);
    aj_err e = AJ_OK;
    if (n->kind == Q_FUZZY) {
        e = termset_add(c, out, n->terms[1], strlen(n->terms[1]), 0);
        if (!e) e = aj_fuzzy_scan(c, &ix->words, w, wlen, (int)n->edits, on_expand_word, &x);
    } else {
        uint64_t id;
        aj_dict_iter it;
        e = aj_dict_lower_bound(c, &ix->words, w, wlen, &id);
        if (!e) e = aj_dict_iter_seek(c, &ix->words, id, &it);
        while (!e && it.id < ix->words.nterms && it.len >= wlen &&
               memcmp(it.buf, w, wlen) == 0) {
            if (on_expand_word(&x, &it, 0)) break;
            e = aj_dict_iter_next(c, &it);
        }
    }
    if (!e) e = x.err;
    if (!e) e = termset_unique(c, out);
    if (e) aj_termset_free(out);
    return e;
}

/* ---- typo-tolerant words ---- */

/* A typo-tolerant word reads the whole words dictionary: each word read
 * counts against the query's expansion budget, so that a query of a
 * thousand of them cannot take minutes on a large vocabulary. */
aj_err aj_eval_charge_fuzzy_scan(aj_ctx *c, aj_eval *ev, const aj_qnode *n) {
    if (n->kind != Q_FUZZY) return AJ_OK;
    ev->expanded += ev->ix->words.nterms;
    return ev->expanded > AJ_MAX_QUERY_EXPANSION ? aj_eval_budget_error(c, n) : AJ_OK;
}

typedef struct {
    uint32_t doc, tf, cls;
} fuzzy_hit;

/* By paragraph, then by number of edits. */
static int cmp_fuzzy_hit(const void *a, const void *b) {
    const fuzzy_hit *x = a, *y = b;
    if (x->doc != y->doc) return x->doc < y->doc ? -1 : 1;
    return (x->cls > y->cls) - (x->cls < y->cls);
}

/* Typo-tolerant word: the postings of every term of its set, summed per
 * paragraph and per number of edits into the list's three tf arrays. */
aj_err aj_eval_gather_fuzzy(aj_ctx *c, aj_eval *ev, const aj_qnode *n, aj_cur *k) {
    aj_termset set;
    aj_err e = aj_eval_charge_fuzzy_scan(c, ev, n);
    if (!e) e = aj_eval_expand(c, ev->ix, ev->an, n, &set);
    if (e) return e;
    fuzzy_hit *h = NULL;
    size_t nh = 0, cap = 0;
    for (uint32_t t = 0; !e && t < set.n; t++) {
        aj_pcursor pc;
        int found;
        e = aj_eval_open_term(c, ev, set.terms[t], &pc, &found);
        while (!e && found && pc.doc != AJ_DOC_END) {
            if (++ev->expanded > AJ_MAX_QUERY_EXPANSION) {
                e = aj_eval_budget_error(c, n);
                break;
            }
            if (nh == cap && (e = aj_grow(c, (void **)&h, &cap, cap + 1, sizeof *h, "fuzzy matches")))
                break;
            h[nh++] = (fuzzy_hit){pc.doc, aj_pcursor_tf(&pc), set.dist[t]};
            e = aj_pcursor_next(c, &pc);
        }
        ev->decoded += pc.decoded;
        aj_pcursor_free(&pc);
    }
    aj_termset_free(&set);
    if (!e && nh) qsort(h, nh, sizeof *h, cmp_fuzzy_hit);
    size_t ndocs = 0;
    for (size_t i = 0; i < nh; i++) ndocs += i == 0 || h[i].doc != h[i - 1].doc;
    k->kind = C_LIST;
    if (!e && ndocs) {
        k->ldocs = malloc(ndocs * sizeof *k->ldocs);
        k->ltfs = calloc(ndocs, sizeof *k->ltfs);
        k->lt1 = calloc(ndocs, sizeof *k->lt1);
        k->lt2 = calloc(ndocs, sizeof *k->lt2);
        if (!k->ldocs || !k->ltfs || !k->lt1 || !k->lt2)
            e = aj_fail(c, AJ_ENOMEM, "fuzzy matches");
    }
    uint32_t j = 0;
    for (size_t i = 0; !e && i < nh; i++) {
        if (i && h[i].doc != h[i - 1].doc) j++;
        k->ldocs[j] = h[i].doc;
        uint32_t *v = h[i].cls == 0 ? k->ltfs : h[i].cls == 1 ? k->lt1 : k->lt2;
        add_tf_saturating(&v[j], h[i].tf);
        if (v[j] > k->lmaxtf) k->lmaxtf = v[j];
    }
    free(h);
    k->ln = e ? 0 : (uint32_t)ndocs;
    return e;
}
