/*
 * eval_near.c - NEAR, gathered up front into a list of (paragraph, tf).
 *
 * A NEAR's items are terms, phrases, prefixes and typo-tolerant words;
 * its paragraphs are those where every item occurs, and its tf there is
 * the number of places where one occurrence of each fits in the window.
 * It has cursors and positions of its own, per item, rather than the
 * tree's: an item's positions matter, not just its paragraphs.  It
 * borrows the phrase's position check (eval_phrase.c) and the terms a
 * prefix or typo-tolerant word stands for (eval_prefix.c).
 */
#include "search/eval_impl.h"

#include <stdlib.h>
#include <string.h>

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
        e = aj_eval_charge_fuzzy_scan(c, ev, n);
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
        e = aj_eval_open_term(c, ev, terms[i], &it->pcs[it->npcs++], &found);
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
        it->npos = aj_phrase_starts(it->tpos, it->tnp, it->slot, NULL, it->m, it->at, it->pos);
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
static uint32_t near_window_count(near_item *items, uint32_t ni, uint32_t near,
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

aj_err aj_eval_gather_near(aj_ctx *c, aj_eval *ev, const aj_qnode *n,
                           aj_match_list *out) {
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
                e = aj_eval_budget_error(c, n);
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
            e = aj_eval_budget_error(c, n);
            break;
        }
        int all = 1;
        for (i = 0; !e && all && i < ni; i++) {
            e = near_item_positions(c, &items[i], d);
            all = items[i].npos > 0;
        }
        if (!e && all) {
            uint32_t tf = near_window_count(items, ni, n->near, ptr);
            if (tf) e = aj_match_list_push(c, out, d, tf);
        }
        if (d == AJ_DOC_END - 1) break;
        d++;
    }
    for (uint32_t i = 0; items && i < opened; i++) near_item_free(ev, &items[i]);
    free(items);
    free(ptr);
    return e;
}
