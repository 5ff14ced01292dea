/*
 * eval_phrase.c - phrases, gathered up front into a list of
 * (paragraph, tf).
 *
 * A phrase is read as units: words, and the pair terms of adjacent
 * common words the index keeps (format/pairs.h), whose lists are far
 * shorter than their words'.  Its paragraphs are those that hold every
 * unit, checked position by position.  The position check is shared
 * with NEAR (eval_near.c), whose items may be phrases; a phrase of one
 * pair term is no list at all but a term leaf (eval.c asks
 * aj_phrase_single_pair).
 */
#include "search/eval_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/pairs.h"

uint32_t aj_phrase_starts(const uint32_t **pos, const uint32_t *np,
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
 * covers.  A pair's list is a subset of each of its words' lists,
 * usually a far smaller one, and its positions are only those where the
 * two words are adjacent.  At most m units (each pair kept covers a word
 * no earlier one does); keys holds m keys of AJ_MAX_WORD + 1 bytes,
 * chosen m zeroed bytes.  Returns the number of units. */
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

/* A pair's postings are the phrase's, tf for tf, so a phrase of one
 * pair term can be a term leaf: nothing is gathered up front, and the
 * top k's pruning (block-max, MaxScore) applies to it as to a word. */
int aj_phrase_single_pair(const aj_index *ix, const aj_qnode *n, char *key) {
    if (n->nterms != 2 || !ix->common.n) return 0;
    char keys[2 * (AJ_MAX_WORD + 1)];
    uint32_t off[2];
    uint8_t chosen[2] = {0};
    if (phrase_units(ix, n, keys, off, chosen) != 1) return 0;
    memcpy(key, keys, AJ_MAX_WORD + 1);
    return 1;
}

/* Phrase: paragraphs holding all its units (phrase_units), found by
 * leapfrogging from the rarest, then a position check anchored on the
 * unit with the fewest positions in that paragraph.  A unit repeated in
 * the phrase ("the lord of the") is read once. */
aj_err aj_eval_gather_phrase(aj_ctx *c, aj_eval *ev, const aj_qnode *n,
                             aj_match_list *out) {
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
        e = aj_eval_open_term(c, ev, key, &pcs[nu], &found);
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
            e = aj_eval_budget_error(c, n);
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
            tf = aj_phrase_starts(pos, np, slot, off, m, at, NULL);
        }
        if (tf) e = aj_match_list_push(c, out, d, tf);
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
