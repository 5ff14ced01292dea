/* eval.c - cursor tree over a parsed query; see eval.h. */
#include "search/eval.h"

#include "common/grow.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query/fuzzy.h"

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
    uint32_t *lt1, *lt2;     /* C_LIST of a typo-tolerant word: tf of the
                                terms 1 and 2 edits away (ltfs: 0 edits) */
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
    free(k->lt1);
    free(k->lt2);
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
    e = aj_pcursor_open(c, pc, ix->files[AJ_F_POST], ix->files[AJ_F_POSN],
                            &info, ix->nparas);
    *found = !e;
    *tid = id;
    return e;
}

static aj_err open_term(aj_ctx *c, aj_eval *ev, const char *term,
                        aj_pcursor *pc, int *found) {
    int64_t id;
    return open_term_id(c, ev, term, pc, found, &id);
}

/* Drops the chrome paragraphs from a materialized list (its df must not
 * count them). */
static void drop_chrome(aj_eval *ev, aj_cur *k) {
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
                      "the prefixes, phrases, NEARs and typo-tolerant words of "
                      "the query read more than %u postings, paragraphs and "
                      "words in all; make them more specific",
                      AJ_MAX_QUERY_EXPANSION);
}

/* Counts the start positions of a phrase of m units in one paragraph,
 * given the positions pos[u] (np[u] of them) of each distinct term u,
 * slot[i], the distinct term of unit i, and off[i], the unit's place in
 * the phrase (i when off is NULL: one unit per word); writes them to
 * starts when not NULL (room for the anchor's count).  at holds m
 * counters. */
static uint32_t match_phrase(const uint32_t **pos, const uint32_t *np,
                             const uint32_t *slot, const uint32_t *off,
                             uint32_t m, uint32_t *at, uint32_t *starts) {
    uint32_t anchor = 0;
    for (uint32_t i = 1; i < m; i++)
        if (np[slot[i]] < np[slot[anchor]]) anchor = i;
    uint32_t tf = 0, aoff = off ? off[anchor] : anchor;
    const uint32_t *ap = pos[slot[anchor]];
    /* The anchor's positions rise, so each phrase position's target
     * does too: one forward pointer per phrase position walks its
     * term's positions once per paragraph, where a binary search per
     * anchor took minutes on paragraphs of one repeated word. */
    for (uint32_t i = 0; i < m; i++) at[i] = 0;
    for (uint32_t j = 0; j < np[slot[anchor]]; j++) {
        uint32_t q = ap[j];
        if (q < aoff) continue;
        uint32_t start = q - aoff, i;
        for (i = 0; i < m; i++) {
            if (i == anchor) continue;
            const uint32_t *v = pos[slot[i]];
            uint32_t n = np[slot[i]], want = start + (off ? off[i] : i);
            while (at[i] < n && v[at[i]] < want) at[i]++;
            if (at[i] == n || v[at[i]] != want) break;
        }
        if (i == m) {
            if (starts) starts[tf] = start;
            tf++;
        }
    }
    return tf;
}

/* The units a phrase of m terms is read as, each a term or a pair term
 * (pairs.h) and its place in the phrase: every pair of adjacent words
 * that is pairable (one common, the other common or a partner), less a
 * pair whose two words its neighbours already cover ("the heaven and
 * heaven" reads "the heaven" and "and heaven"), and each word no pair
 * covers.  A pair's list is a subset of
 * each of its words' lists, usually a far smaller one, and its positions
 * are only those where the two words are adjacent.  At most m units
 * (each pair kept covers a word no earlier one does); keys holds m keys
 * of AJ_MAX_WORD + 1 bytes, chosen m zeroed bytes.  Returns the number of units. */
static uint32_t phrase_units(const aj_index *ix, const aj_qnode *n, char *keys,
                             uint32_t *off, uint8_t *chosen) {
    uint32_t m = n->nterms, nu = 0;
    int paired = ix->common.n > 0;
    for (uint32_t i = 0; paired && i + 1 < m; i++) {
        const char *a = n->terms[i], *b = n->terms[i + 1];
        size_t al = strlen(a), bl = strlen(b);
        chosen[i] = aj_pairs_terms_pairable(&ix->common, a, al, b, bl) &&
                    al + 1 + bl <= AJ_MAX_WORD;
    }
    for (uint32_t i = 1; paired && i + 2 < m; i++)
        if (chosen[i - 1] && chosen[i + 1]) chosen[i] = 0;
    for (uint32_t i = 0; i < m; i++) {
        char *k = keys + (size_t)nu * (AJ_MAX_WORD + 1);
        if (paired && i + 1 < m && chosen[i]) {
            aj_pair_key(n->terms[i], strlen(n->terms[i]), n->terms[i + 1],
                        strlen(n->terms[i + 1]), k);
        } else if (!paired || !((i > 0 && chosen[i - 1]) || (i + 1 < m && chosen[i]))) {
            snprintf(k, AJ_MAX_WORD + 1, "%s", n->terms[i]);
        } else {
            continue;
        }
        off[nu++] = i;
    }
    return nu;
}

/* Phrase: paragraphs holding all its units (phrase_units), found by
 * leapfrogging from the rarest, then a position check anchored on the
 * unit with the fewest positions in that paragraph.  A unit repeated in
 * the phrase ("the lord of the") is read once. */
static aj_err eval_phrase(aj_ctx *c, aj_eval *ev, const aj_qnode *n,
                          list_buf *out) {
    uint32_t m = n->nterms, nu = 0;
    aj_pcursor *pcs = calloc(m, sizeof *pcs);
    uint32_t *slot = calloc(m, sizeof *slot); /* unit -> cursor */
    uint32_t *off = calloc(m, sizeof *off);   /* unit -> place in the phrase */
    char *keys = calloc(m, AJ_MAX_WORD + 1);
    uint8_t *chosen = calloc(m, 1);
    uint32_t *ord = calloc(m, sizeof *ord);   /* cursors, rarest first */
    const uint32_t **pos = calloc(m, sizeof *pos);
    uint32_t *np = calloc(m, sizeof *np);
    uint32_t *at = calloc(m, sizeof *at);   /* per unit */
    aj_err e = (!pcs || !slot || !off || !keys || !chosen || !ord || !pos || !np || !at)
                   ? aj_fail(c, AJ_ENOMEM, "phrase")
                   : AJ_OK;
    int all = 1;
    if (!e) m = phrase_units(ev->ix, n, keys, off, chosen);
    for (uint32_t i = 0; !e && i < m; i++) {
        const char *key = keys + (size_t)i * (AJ_MAX_WORD + 1);
        uint32_t j = 0;
        while (j < i && strcmp(keys + (size_t)j * (AJ_MAX_WORD + 1), key)) j++;
        if (j < i) {
            slot[i] = slot[j];
            continue;
        }
        int found;
        slot[i] = nu;
        e = open_term(c, ev, key, &pcs[nu], &found);
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
        uint32_t tf;
        if (m == 1) {
            /* one unit spans the phrase (a word, or a pair such as "of
             * the"): its occurrences are the phrase's, no positions read */
            tf = aj_pcursor_tf(&pcs[0]);
        } else {
            for (uint32_t i = 0; !e && i < nu; i++)
                e = aj_pcursor_positions(c, &pcs[i], &pos[i], &np[i]);
            if (e) break;
            tf = match_phrase(pos, np, slot, off, m, at, NULL);
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
    free(off);
    free(keys);
    free(chosen);
    free(ord);
    free(pos);
    free(np);
    free(at);
    return e;
}

/* Doubles the capacity of the array *p of elements of size bytes. */

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

/* A typo-tolerant word reads the whole words dictionary: each word read
 * counts against the query's expansion budget, so that a query of a
 * thousand of them cannot take minutes on a large vocabulary. */
static aj_err charge_scan(aj_ctx *c, aj_eval *ev, const aj_qnode *n) {
    if (n->kind != Q_FUZZY) return AJ_OK;
    ev->expanded += ev->ix->words.nterms;
    return ev->expanded > AJ_MAX_QUERY_EXPANSION ? expansion_limit(c, n) : AJ_OK;
}

typedef struct {
    uint32_t doc, tf, cls;
} fz_hit;

static int cmp_fz(const void *a, const void *b) {
    const fz_hit *x = a, *y = b;
    if (x->doc != y->doc) return x->doc < y->doc ? -1 : 1;
    return (x->cls > y->cls) - (x->cls < y->cls);
}

/* Typo-tolerant word: the postings of every term of its set, summed per
 * paragraph and per number of edits into the list's three tf arrays. */
static aj_err eval_fuzzy(aj_ctx *c, aj_eval *ev, const aj_qnode *n, aj_cur *k) {
    aj_termset set;
    aj_err e = charge_scan(c, ev, n);
    if (!e) e = aj_eval_expand(c, ev->ix, ev->an, n, &set);
    if (e) return e;
    fz_hit *h = NULL;
    size_t nh = 0, cap = 0;
    for (uint32_t t = 0; !e && t < set.n; t++) {
        aj_pcursor pc;
        int found;
        e = open_term(c, ev, set.terms[t], &pc, &found);
        while (!e && found && pc.doc != AJ_DOC_END) {
            if (++ev->expanded > AJ_MAX_QUERY_EXPANSION) {
                e = expansion_limit(c, n);
                break;
            }
            if (nh == cap && (e = aj_grow(c, (void **)&h, &cap, cap + 1, sizeof *h, "fuzzy matches")))
                break;
            h[nh++] = (fz_hit){pc.doc, aj_pcursor_tf(&pc), set.dist[t]};
            e = aj_pcursor_next(c, &pc);
        }
        ev->decoded += pc.decoded;
        aj_pcursor_free(&pc);
    }
    aj_termset_free(&set);
    if (!e && nh) qsort(h, nh, sizeof *h, cmp_fz);
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
        add_tf(&v[j], h[i].tf);
        if (v[j] > k->lmaxtf) k->lmaxtf = v[j];
    }
    free(h);
    k->ln = e ? 0 : (uint32_t)ndocs;
    return e;
}

/* ---- NEAR ---- */

/* One item of a NEAR: a term or a phrase (all of its terms at
 * consecutive positions), or a prefix or typo-tolerant word (any of its
 * terms: the index keeps positions per term, not per word). */
typedef struct {
    int phrase;
    aj_pcursor *pcs;
    uint32_t npcs;
    uint32_t *slot, m;        /* phrase: term of each phrase position */
    uint32_t len;             /* positions an occurrence covers */
    uint32_t *pos;            /* start positions in the current paragraph */
    uint32_t npos, cappos;
    const uint32_t **tpos;    /* phrase: positions of each distinct term */
    uint32_t *tnp, *at;
} near_item;

static aj_err near_item_open(aj_ctx *c, aj_eval *ev, const aj_qnode *n,
                             near_item *it) {
    memset(it, 0, sizeof *it);
    aj_termset set = {0};
    aj_err e = AJ_OK;
    const char *const *terms;
    uint32_t nt;
    if (n->kind == Q_PREFIX || n->kind == Q_FUZZY) {
        e = charge_scan(c, ev, n);
        if (!e) e = aj_eval_expand(c, ev->ix, ev->an, n, &set);
        terms = (const char *const *)set.terms;
        nt = set.n;
        it->len = 1;
    } else {
        terms = (const char *const *)n->terms;
        nt = n->nterms;
        it->phrase = n->kind == Q_PHRASE;
        it->len = nt;
    }
    it->pcs = calloc(nt ? nt : 1, sizeof *it->pcs);
    it->slot = calloc(nt ? nt : 1, sizeof *it->slot);
    it->tpos = calloc(nt ? nt : 1, sizeof *it->tpos);
    it->tnp = calloc(nt ? nt : 1, sizeof *it->tnp);
    it->at = calloc(nt ? nt : 1, sizeof *it->at);
    if (!e && (!it->pcs || !it->slot || !it->tpos || !it->tnp || !it->at))
        e = aj_fail(c, AJ_ENOMEM, "NEAR");
    it->m = nt;
    for (uint32_t i = 0; !e && i < nt; i++) {
        uint32_t j = 0;
        while (it->phrase && j < i && strcmp(terms[j], terms[i])) j++;
        if (it->phrase && j < i) { /* a repeated phrase term is read once */
            it->slot[i] = it->slot[j];
            continue;
        }
        int found;
        it->slot[i] = it->npcs;
        e = open_term(c, ev, terms[i], &it->pcs[it->npcs++], &found);
    }
    aj_termset_free(&set);
    return e;
}

static void near_item_free(aj_eval *ev, near_item *it) {
    for (uint32_t i = 0; it->pcs && i < it->npcs; i++) {
        ev->decoded += it->pcs[i].decoded;
        aj_pcursor_free(&it->pcs[i]);
    }
    free(it->pcs);
    free(it->slot);
    free(it->pos);
    free(it->tpos);
    free(it->tnp);
    free(it->at);
}

/* The first paragraph >= target that may hold the item: one where every
 * term of a phrase, or any term of the others, occurs. */
static aj_err near_item_advance(aj_ctx *c, near_item *it, uint32_t target,
                                uint32_t *doc) {
    aj_err e = AJ_OK;
    if (!it->phrase) {
        uint32_t m = AJ_DOC_END;
        for (uint32_t i = 0; !e && i < it->npcs; i++) {
            e = aj_pcursor_advance(c, &it->pcs[i], target);
            if (it->pcs[i].doc < m) m = it->pcs[i].doc;
        }
        *doc = m;
        return e;
    }
    uint32_t d = target;
again:
    for (uint32_t i = 0; i < it->npcs; i++) {
        e = aj_pcursor_advance(c, &it->pcs[i], d);
        if (e || it->pcs[i].doc == AJ_DOC_END) {
            *doc = AJ_DOC_END;
            return e;
        }
        if (it->pcs[i].doc > d) {
            d = it->pcs[i].doc;
            goto again;
        }
    }
    *doc = d;
    return AJ_OK;
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Fills it->pos with the item's start positions in paragraph d, which
 * its cursors sit on (near_item_advance returned d). */
static aj_err near_item_positions(aj_ctx *c, near_item *it, uint32_t d) {
    uint32_t need = 0;
    aj_err e = AJ_OK;
    for (uint32_t i = 0; !e && i < it->npcs; i++) {
        it->tnp[i] = 0;
        it->tpos[i] = NULL;
        if (it->pcs[i].doc != d) continue;
        e = aj_pcursor_positions(c, &it->pcs[i], &it->tpos[i], &it->tnp[i]);
        if (!e && (it->phrase ? (need == 0 || it->tnp[i] < need) : 1))
            need = it->phrase ? it->tnp[i] : need + it->tnp[i];
    }
    if (e) return e;
    if (need > it->cappos) {
        uint32_t *v = realloc(it->pos, need * sizeof *v);
        if (!v) return aj_fail(c, AJ_ENOMEM, "NEAR positions");
        it->pos = v;
        it->cappos = need;
    }
    if (it->phrase) {
        it->npos = match_phrase(it->tpos, it->tnp, it->slot, NULL, it->m, it->at, it->pos);
        return AJ_OK;
    }
    uint32_t n = 0, from = 0;
    for (uint32_t i = 0; i < it->npcs; i++) {
        if (!it->tnp[i]) continue; /* the term is not in this paragraph */
        memcpy(it->pos + n, it->tpos[i], it->tnp[i] * sizeof *it->pos);
        n += it->tnp[i];
        from += it->tnp[i] > 0;
    }
    /* Terms of one set never share a position (a token has one term). */
    if (from > 1) qsort(it->pos, n, sizeof *it->pos, cmp_u32);
    it->npos = n;
    return AJ_OK;
}

/* The NEAR's tf in a paragraph: the number of positions s at which one
 * occurrence of an item starts and, taking for every item its first
 * occurrence starting at s or later, the window from s to the last
 * position they cover holds at most `near` positions besides the
 * items' own (its width is at most near + the items' lengths). */
static uint32_t near_count(near_item *items, uint32_t ni, uint32_t near,
                           uint32_t *ptr) {
    uint64_t width = near;
    for (uint32_t i = 0; i < ni; i++) {
        width += items[i].len;
        ptr[i] = 0;
    }
    uint32_t tf = 0;
    for (;;) {
        uint64_t s = UINT64_MAX, end = 0;
        for (uint32_t i = 0; i < ni; i++) {
            uint64_t p = items[i].pos[ptr[i]];
            if (p < s) s = p;
            if (p + items[i].len - 1 > end) end = p + items[i].len - 1;
        }
        if (end - s + 1 <= width) tf++;
        for (uint32_t i = 0; i < ni; i++)
            if (items[i].pos[ptr[i]] == s && ++ptr[i] == items[i].npos) return tf;
    }
}

static aj_err eval_near(aj_ctx *c, aj_eval *ev, const aj_qnode *n,
                        list_buf *out) {
    uint32_t ni = n->nkids;
    near_item *items = calloc(ni, sizeof *items);
    uint32_t *ptr = calloc(ni, sizeof *ptr);
    aj_err e = items && ptr ? AJ_OK : aj_fail(c, AJ_ENOMEM, "NEAR");
    uint32_t opened = 0;
    for (; !e && opened < ni; opened++)
        e = near_item_open(c, ev, n->kids[opened], &items[opened]);
    uint32_t d = 0;
    while (!e) {
        /* Leapfrog to a paragraph that may hold every item. */
        uint32_t i = 0, x = 0;
        while (!e && i < ni) {
            /* Each step moves every cursor of the item: a prefix item may
             * have thousands, and the budget counts them all. */
            ev->expanded += items[i].npcs;
            if (ev->expanded > AJ_MAX_QUERY_EXPANSION) {
                e = expansion_limit(c, n);
                break;
            }
            e = near_item_advance(c, &items[i], d, &x);
            if (e || x == AJ_DOC_END) break;
            if (x > d) {
                d = x;
                i = 0;
            } else {
                i++;
            }
        }
        if (e || x == AJ_DOC_END) break;
        if (++ev->expanded > AJ_MAX_QUERY_EXPANSION) {
            e = expansion_limit(c, n);
            break;
        }
        int all = 1;
        for (i = 0; !e && all && i < ni; i++) {
            e = near_item_positions(c, &items[i], d);
            all = items[i].npos > 0;
        }
        if (!e && all) {
            uint32_t tf = near_count(items, ni, n->near, ptr);
            if (tf) e = list_push(c, out, d, tf);
        }
        if (d == AJ_DOC_END - 1) break;
        d++;
    }
    for (uint32_t i = 0; items && i < opened; i++) near_item_free(ev, &items[i]);
    free(items);
    free(ptr);
    return e;
}

static aj_err build(aj_ctx *c, aj_eval *ev, const aj_qnode *n, aj_cur **out);

/* A leaf read straight from the postings of one term of the index. */
static aj_err term_leaf(aj_ctx *c, aj_eval *ev, const aj_qnode *n,
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

/* When the phrase is one pair term (pairs.h: "of the"), that term's
 * key in *key (AJ_MAX_WORD + 1 bytes) and 1; else 0.  A pair's postings
 * are the phrase's, tf for tf, so the phrase can be a term leaf: nothing
 * is gathered up front, and the top k's pruning (block-max, MaxScore)
 * applies to it as to a word. */
static int one_pair(const aj_index *ix, const aj_qnode *n, char *key) {
    if (n->nterms != 2 || !ix->common.n) return 0;
    char keys[2 * (AJ_MAX_WORD + 1)];
    uint32_t off[2];
    uint8_t chosen[2] = {0};
    if (phrase_units(ix, n, keys, off, chosen) != 1) return 0;
    memcpy(key, keys, AJ_MAX_WORD + 1);
    return 1;
}

static aj_err build_leaf(aj_ctx *c, aj_eval *ev, const aj_qnode *n,
                         aj_cur *k) {
    k->leaf = n->leaf;
    if (n->kind == Q_TERM) return term_leaf(c, ev, n, n->terms[0], k);
    char pair[AJ_MAX_WORD + 1];
    if (n->kind == Q_PHRASE && one_pair(ev->ix, n, pair)) return term_leaf(c, ev, n, pair, k);
    aj_err e;
    if (n->kind == Q_FUZZY) {
        e = eval_fuzzy(c, ev, n, k);
    } else {
        list_buf l = {0};
        e = n->kind == Q_PHRASE ? eval_phrase(c, ev, n, &l)
            : n->kind == Q_NEAR ? eval_near(c, ev, n, &l)
                                : eval_prefix(c, ev, n, &l);
        k->kind = C_LIST;
        k->ldocs = l.docs;
        k->ltfs = l.tfs;
        k->ln = l.n;
        for (uint32_t i = 0; i < l.n; i++)
            if (l.tfs[i] > k->lmaxtf) k->lmaxtf = l.tfs[i];
    }
    if (!e && ev->chrome) drop_chrome(ev, k);
    k->li = 0;
    k->doc = k->ln ? k->ldocs[0] : AJ_DOC_END;
    k->cost = k->ln;
    ev->df[n->leaf] = k->ln;
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
    if (aj_qleaf(n->kind)) return build_leaf(c, ev, n, k);
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

/* Moves the root off chrome paragraphs. */
static aj_err skip_chrome(aj_ctx *c, aj_eval *ev) {
    while (ev->chrome && ev->root->doc != AJ_DOC_END) {
        uint32_t d = ev->root->doc;
        uint32_t to = aj_chrome_skip(ev->chrome, ev->nchrome, &ev->chrome_at, d);
        if (to == d) break;
        aj_err e = cur_advance(c, ev->root, to);
        if (e) return e;
    }
    return AJ_OK;
}

aj_err aj_eval_open(aj_ctx *c, aj_eval *ev, aj_index *ix, aj_analyzer *an,
                    aj_query *q, double k1, double b, int chrome) {
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
    ev->n = n;
    ev->idf = calloc(q->nleaves + 1, sizeof *ev->idf);
    ev->df = calloc(q->nleaves + 1, sizeof *ev->df);
    if (!ev->idf || !ev->df) return aj_fail(c, AJ_ENOMEM, "query state");
    e = build(c, ev, q->root, &ev->root);
    if (!e) e = skip_chrome(c, ev);
    for (uint32_t i = 0; !e && i < q->nleaves; i++)
        ev->idf[i] = aj_bm25_idf(n, ev->df[i]);
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

aj_err aj_eval_next(aj_ctx *c, aj_eval *ev) {
    aj_err e = cur_next(c, ev->root);
    return e ? e : skip_chrome(c, ev);
}

aj_err aj_eval_advance(aj_ctx *c, aj_eval *ev, uint32_t target) {
    aj_err e = cur_advance(c, ev->root, target);
    return e ? e : skip_chrome(c, ev);
}

static aj_err rewind_cur(aj_ctx *c, aj_eval *ev, aj_cur *k) {
    aj_err e = AJ_OK;
    switch (k->kind) {
    case C_TERM:
        if (!k->pc.post) return AJ_OK; /* a word the index lacks */
        {
            aj_pcursor old = k->pc;
            ev->decoded += old.decoded;
            aj_pcursor_free(&k->pc);
            memset(&k->pc, 0, sizeof k->pc);
            e = aj_pcursor_open(c, &k->pc, old.post, old.posn, &old.info, old.nparas);
            k->doc = e ? AJ_DOC_END : k->pc.doc;
        }
        return e;
    case C_LIST:
        k->li = 0;
        k->doc = k->ln ? k->ldocs[0] : AJ_DOC_END;
        return AJ_OK;
    default:
        for (uint32_t i = 0; !e && i < k->nkids; i++) e = rewind_cur(c, ev, k->kids[i]);
        for (uint32_t i = 0; !e && i < k->nneg; i++) e = rewind_cur(c, ev, k->neg[i]);
        if (e) return e;
        if (k->kind == C_AND) {
            k->doc = 0;
            return and_find(c, k, 0);
        }
        k->doc = AJ_DOC_END;
        for (uint32_t i = 0; i < k->nkids; i++)
            if (k->kids[i]->doc < k->doc) k->doc = k->kids[i]->doc;
        return AJ_OK;
    }
}

aj_err aj_eval_rewind(aj_ctx *c, aj_eval *ev) {
    aj_err e = rewind_cur(c, ev, ev->root);
    ev->chrome_at = 0;
    return e ? e : skip_chrome(c, ev);
}

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

static double score(const aj_eval *ev, const aj_cur *k, uint32_t d,
                    uint32_t dl) {
    if (k->doc != d) return 0.0;
    uint32_t tf;
    if (k->kind == C_TERM || k->kind == C_LIST) return leaf_score(ev, k, dl, &tf);
    double s = 0.0;
    for (uint32_t i = 0; i < k->nkids; i++) s += score(ev, k->kids[i], d, dl);
    return s;
}

double aj_eval_score(const aj_eval *ev, uint32_t dl) {
    return score(ev, ev->root, ev->root->doc, dl);
}

static void leaf_tfs(const aj_eval *ev, const aj_cur *k, uint32_t d,
                     uint32_t dl, uint32_t *tf, double *sc) {
    if (k->doc != d) return;
    if (k->kind == C_TERM || k->kind == C_LIST) {
        uint32_t t;
        double s = leaf_score(ev, k, dl, &t);
        tf[k->leaf] += t;
        sc[k->leaf] += s;
        return;
    }
    for (uint32_t i = 0; i < k->nkids; i++) leaf_tfs(ev, k->kids[i], d, dl, tf, sc);
}

void aj_eval_leaf_tfs(const aj_eval *ev, uint32_t dl, uint32_t *tf,
                      double *sc) {
    memset(tf, 0, ev->q->nleaves * sizeof *tf);
    memset(sc, 0, ev->q->nleaves * sizeof *sc);
    leaf_tfs(ev, ev->root, ev->root->doc, dl, tf, sc);
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
