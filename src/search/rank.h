/*
 * rank.h - the default ranking's evidence beyond BM25, and the rules that
 * keep it exact.
 *
 * BM25 scores each query clause alone.  An analyst's sense of a good
 * paragraph also depends on where the clauses sit: "supply chain
 * resilience" in one sentence beats the three words scattered over a long
 * paragraph, and a paragraph under the heading "Maritime Cooperation" is
 * more likely about maritime cooperation than one that mentions it in
 * passing.  A heading line that merely names the topic, on the other hand,
 * is short, so BM25 and proximity both favour it over the paragraph that
 * discusses the topic.  So every hit's BM25 is multiplied:
 *
 *   score = bm25 * (1 + w_prox * proximity) * (1 + w_head * heading)
 *                * kind * share
 *
 * Clauses.  What the ranking calls the query's clauses are the positive
 * clauses of its top-level AND (the whole query when it is not an AND;
 * aj_hit.clauses, aj_results.clauses): "supply chain resilience" has
 * three, `"south china sea" disputes` two.  A clause's occurrences in a
 * paragraph are those of its terms (one word long) and of its phrases
 * (as long as the phrase); OR alternatives inside a clause pool theirs.
 * Prefix and other clauses without stored positions have no occurrences,
 * and a partial match has none of the clauses it does not hold.
 *
 * proximity (0..1): 0 when fewer than two clauses occur.  Otherwise sort the
 * occurrences by position, then clause, then length.  A run is a stretch of
 * consecutive occurrences in that order holding every clause that occurs;
 * its span is from its first occurrence's start to its last occurrence's
 * end.  The best run has the smallest span, then ends first, then starts
 * last.  With L the sum of the lengths of each clause's first occurrence in
 * the best run:
 *   proximity = min(1, L / span) * (in query order ? 1 : 1/2) * coverage
 * where "in query order" means those first occurrences come in increasing
 * clause order and coverage is the fraction of the query's clauses that occur.
 * Words side by side in query order give 1.
 *
 * heading (0..1): the fraction of clauses that occur in the paragraph's
 * section heading: the nearest heading paragraph before it in its
 * document, looked for at most AJ_RANK_HEADING_SCAN paragraphs back.  A
 * clause occurs there when one of its terms does, or all the words of one of
 * its phrases (in any order: headings are short).  The terms' postings
 * answer that, so no heading text is read.
 *
 * kind: heading_hit (0..1) for a paragraph that is itself a heading, else 1.
 *
 * share (0..1]: 1 for a full match.  A partial match (some clauses but not
 * all) shares the idf-weighted fraction of the query: the sum of the
 * weights of the clauses it matches over the sum of all clauses' weights.  A
 * clause's weight is its idf; a group's is that of its most common branch
 * for an OR (the group is at least that common) and of its rarest part
 * for an AND.  A clause is common when it is in more than
 * 1/AJ_RANK_COMMON_DIV of the paragraphs (an OR when one of its branches
 * is, an AND when all its parts are); a paragraph matching only common
 * clauses is not a partial match at all.
 *
 * Exactness.  Every factor but BM25 is at most 1 + its weight, and kind
 * and share at most 1, so a paragraph's score is at most its BM25 times
 * aj_rank_max_factor().  The search keeps the best k by final score and
 * re-scores a match only when that bound can still beat the k-th best,
 * which keeps the top k exact for every k while most matches cost one
 * multiplication (topk.h).
 */
#ifndef AJ_RANK_H
#define AJ_RANK_H

#include "ajsearch.h"
#include "index/index.h"
#include "query/query.h"

#define AJ_RANK_HEADING_SCAN 64
/* The first pass of the default ranking keeps this many best matches by
 * BM25 and re-scores them; a second pass is needed only when they cannot
 * be shown to hold the answer (search.c).  It changes no result, only how
 * soon it is found. */
#define AJ_RANK_DEPTH 50
/* A clause in more than 1/AJ_RANK_COMMON_DIV of the paragraphs is common. */
#define AJ_RANK_COMMON_DIV 4

typedef struct aj_rank {
    const aj_query *q;
    uint32_t nclauses;
    const aj_qnode **clauses;     /* positive top-level clauses */
    uint32_t *unit_of_leaf;     /* leaf -> clause, or UINT32_MAX */
    uint64_t *weight;           /* by clause, set by aj_rank_weigh: its idf
                                   in clauses of 1/AJ_RANK_WEIGHT_SCALE */
    uint8_t *common;            /* by clause, set by aj_rank_weigh */
    uint64_t total_weight;      /* sum of weight */
    uint8_t *can_occur;         /* by clause: it has a word or a phrase, so it
                                   can have occurrences (proximity) */
    uint32_t ncan_occur;
} aj_rank;

/* Weights are whole multiples of 2^-20, so that sums of them are exact and
 * two partial matches' shares compare the same however they were summed
 * (the ranking and its pruning must agree on every tie). */
#define AJ_RANK_WEIGHT_SCALE 1048576.0

/* Finds q's clauses.  Free with aj_rank_close, also after a failure. */
aj_err aj_rank_open(aj_ctx *c, aj_rank *r, const aj_query *q);
void aj_rank_close(aj_rank *r);

/* Sets the clauses' weights and common flags from the leaves' df (as an
 * aj_eval of the query has them) in an index of nparas paragraphs. */
void aj_rank_weigh(aj_rank *r, const uint32_t *df, uint64_t nparas);

/* The share of the query held by the clauses u with matched[u] != 0: the
 * sum of their weights over the total. */
double aj_rank_share(const aj_rank *r, const uint8_t *matched);
/* The share of a sum of weights (the same division). */
double aj_rank_share_of(const aj_rank *r, uint64_t weight);

/* The largest factor the BM25 of a paragraph can be multiplied by under
 * opts, share aside, when it holds `occurring` clauses that can occur (see
 * can_occur; rk->ncan_occur for a full match): proximity is at most the
 * fraction of clauses that occur, and 0 below two. */
double aj_rank_max_factor(const aj_rank *r, const aj_search_opts *o, uint32_t occurring);

/* How many of the clauses with held[u] != 0 can occur. */
uint32_t aj_rank_occurring(const aj_rank *r, const uint8_t *held);

/* The final score from the factors of h (bm25, proximity, heading, kind,
 * share), multiplied in the order the bound above assumes. */
double aj_rank_score(const aj_hit *h, const aj_search_opts *o);

/* Computes the factors of matches visited in increasing id order. */
typedef struct aj_rescorer aj_rescorer;

/* Opens cursors over the clauses' terms.  The caller owns *out and frees
 * it with aj_rescorer_free (also after a failure, *out may be NULL). */
aj_err aj_rescorer_new(aj_ctx *c, const aj_rank *r, aj_index *ix,
                       const aj_search_opts *o, aj_rescorer **out);
void aj_rescorer_free(aj_rescorer *rs);

/* The clauses the next matches hold (held[u] != 0), whose occurrences
 * alone count for proximity; NULL (the default) for full matches, which
 * hold them all.  held is the caller's and must stay valid meanwhile. */
void aj_rescorer_held(aj_rescorer *rs, const uint8_t *held);

/* Sets h->proximity, h->heading, h->kind and h->score from h->id, h->bm25,
 * h->share and h->matched.  Calls come in increasing h->id (a smaller id
 * starts the cursors over, for a second walk over the index).  The
 * cheap factors come first: when, with them, the score cannot exceed
 * floor whatever the proximity, the positions are not read and *keep is
 * set to 0 (else 1). */
aj_err aj_rescore(aj_ctx *c, aj_rescorer *rs, aj_hit *h, double floor, int *keep);

/* Sets h->score to the least final score h can get: its BM25 times the
 * factors known without positions or headings (kind; share 1), which
 * proximity and heading can only raise.  Any order of ids. */
aj_err aj_rescore_least(aj_ctx *c, aj_rescorer *rs, aj_hit *h);

/* The proximity of occurrence lists (exposed for tests).  occ[u] holds
 * nocc[u] increasing start positions of clause u, each ulen[u] words long.
 * Returns the proximity formula above for nclauses clauses. */
double aj_rank_proximity(uint32_t nclauses, const uint32_t *const *occ,
                         const uint32_t *nocc, const uint32_t *ulen);

#endif
