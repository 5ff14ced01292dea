/*
 * eval_impl.h - the cursor tree's insides, shared by its files only.
 *
 * The evaluator that eval.h declares is cut by feature, and only the
 * eval*.c files include this header:
 *  - eval.c        the tree: building it from the query, opening, closing
 *                  and rewinding it, moving its root past page chrome,
 *                  BM25 scores and bounds, the leaf access of topk.c;
 *  - eval_bool.c   moving a cursor to a target: the seek of every kind,
 *                  AND (leapfrog, then its NOT children) and OR (merge);
 *  - eval_phrase.c phrases, read as words and common-word pairs;
 *  - eval_near.c   NEAR;
 *  - eval_prefix.c prefixes and typo-tolerant words: the terms they stand
 *                  for (aj_eval_expand) and their postings summed.
 * A phrase, NEAR, prefix or typo-tolerant word is gathered up front into
 * a list of (paragraph, tf) that the tree then reads as a C_LIST leaf.
 * What those files need of each other is declared below; every name
 * with external linkage carries the aj_ prefix, since the static archive
 * puts it beside a program's own names.
 */
#ifndef AJ_EVAL_IMPL_H
#define AJ_EVAL_IMPL_H

#include "search/eval.h"

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

/* ---- eval_bool.c (aj_cur_advance, eval.h, seeks any cursor) ---- */

/* AND: moves k to the first id >= target that every positive child has
 * and no negative child has (k->doc need not be below target, so it
 * also positions a new or rewound AND on its first match). */
aj_err aj_cur_and_seek(aj_ctx *c, aj_cur *k, uint32_t target);

/* ---- eval.c: helpers of the gathered leaves ---- */

/* A gathered leaf's matches: (paragraph, tf), paragraphs rising. */
typedef struct {
    uint32_t *docs, *tfs;
    uint32_t n, cap;
} aj_match_list;

aj_err aj_match_list_push(aj_ctx *c, aj_match_list *l, uint32_t doc, uint32_t tf);

/* Opens the postings of term in pc (*found 0, pc at AJ_DOC_END, when the
 * index lacks it). */
aj_err aj_eval_open_term(aj_ctx *c, aj_eval *ev, const char *term,
                         aj_pcursor *pc, int *found);

/* The error of a query whose gathered leaves have read more than
 * AJ_MAX_QUERY_EXPANSION postings, paragraphs and words (ev->expanded),
 * placed at the node n. */
aj_err aj_eval_budget_error(aj_ctx *c, const aj_qnode *n);

/* ---- eval_phrase.c ---- */

/* Counts the start positions of a phrase of m units in one paragraph,
 * given the positions pos[u] (np[u] of them) of each distinct term u,
 * slot[i], the distinct term of unit i, and off[i], the unit's place in
 * the phrase (i when off is NULL: one unit per word); writes them to
 * starts when not NULL (room for the anchor's count).  at holds m
 * counters. */
uint32_t aj_phrase_starts(const uint32_t **pos, const uint32_t *np,
                          const uint32_t *slot, const uint32_t *off,
                          uint32_t m, uint32_t *at, uint32_t *starts);

/* When the phrase n is one pair term (pairs.h: "of the"), that term's
 * key in *key (AJ_MAX_WORD + 1 bytes) and 1; else 0. */
int aj_phrase_single_pair(const aj_index *ix, const aj_qnode *n, char *key);

/* The paragraphs holding the phrase n, with its number of occurrences. */
aj_err aj_eval_gather_phrase(aj_ctx *c, aj_eval *ev, const aj_qnode *n,
                             aj_match_list *out);

/* ---- eval_near.c ---- */

/* The paragraphs where the items of the NEAR n occur close enough, with
 * the NEAR's tf there. */
aj_err aj_eval_gather_near(aj_ctx *c, aj_eval *ev, const aj_qnode *n,
                           aj_match_list *out);

/* ---- eval_prefix.c ---- */

/* Charges a typo-tolerant word's scan of the words dictionary to the
 * query's budget (nothing for other nodes). */
aj_err aj_eval_charge_fuzzy_scan(aj_ctx *c, aj_eval *ev, const aj_qnode *n);

/* The paragraphs holding a word of the prefix n, tf summed over them. */
aj_err aj_eval_gather_prefix(aj_ctx *c, aj_eval *ev, const aj_qnode *n,
                             aj_match_list *out);

/* Makes k the C_LIST leaf of the typo-tolerant word n, with tf by number
 * of edits (ltfs, lt1, lt2) and lmaxtf set. */
aj_err aj_eval_gather_fuzzy(aj_ctx *c, aj_eval *ev, const aj_qnode *n, aj_cur *k);

#endif
