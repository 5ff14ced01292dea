/*
 * rank.h - the second stage of ranking: evidence BM25 cannot see.
 *
 * BM25 scores each query clause alone.  An analyst's sense of a good
 * paragraph also depends on where the clauses sit: "supply chain
 * resilience" in one sentence beats the three words scattered over a long
 * paragraph, and a paragraph under the heading "Maritime Cooperation" is
 * more likely about maritime cooperation than one that mentions it in
 * passing.  This stage looks at the best BM25 candidates only (positions
 * are read for them and nothing else) and multiplies their scores:
 *
 *   score = bm25 * (1 + w_prox * proximity) * (1 + w_head * heading)
 *
 * Units.  The query's units are the positive clauses of its top-level AND
 * (the whole query when it is not an AND): "supply chain resilience" has
 * three, `"south china sea" disputes` two.  A unit's occurrences in a
 * paragraph are those of its terms (one word long) and of its phrases
 * (as long as the phrase); OR alternatives inside a unit pool theirs.
 * Prefix and other clauses without stored positions have no occurrences.
 *
 * proximity (0..1): 0 when fewer than two units occur.  Otherwise take the
 * smallest window of the paragraph holding an occurrence of every unit
 * that occurs, of span S words, while the units' own lengths add up to L:
 *   proximity = coverage * (L / S) * (in query order ? 1 : 1/2)
 * where coverage is the fraction of the query's units that occur.  Words
 * side by side in query order give 1.
 *
 * heading (0..1): the fraction of units that occur in the paragraph's
 * section heading: the nearest heading paragraph before it in its
 * document, looked for at most AJ_RANK_HEADING_SCAN paragraphs back.  A
 * unit occurs there when one of its terms does, or all the words of one of
 * its phrases (in any order: headings are short).  The terms' postings
 * answer that, so no heading text is read.
 */
#ifndef AJ_RANK_H
#define AJ_RANK_H

#include "ajsearch.h"
#include "query.h"

/* Candidates reranked when the caller wants fewer. */
#define AJ_RANK_DEPTH 50
#define AJ_RANK_HEADING_SCAN 64

typedef struct aj_rank {
    const aj_query *q;
    uint32_t nunits;
    const aj_qnode **units;     /* positive top-level clauses */
    uint32_t *unit_of_leaf;     /* leaf -> unit, or UINT32_MAX */
} aj_rank;

/* Finds q's units.  Free with aj_rank_close. */
aj_err aj_rank_open(aj_ctx *c, aj_rank *r, const aj_query *q);
void aj_rank_close(aj_rank *r);

/* Sets hits[i].proximity and .heading for n hits, from the positions
 * and postings of ix. */
aj_err aj_rank_features(aj_ctx *c, const aj_rank *r, aj_index *ix,
                        aj_hit *hits, size_t n);

/* The smallest window over per-unit occurrence lists (exposed for tests).
 * occ[u] holds nocc[u] increasing start positions of unit u, each ulen[u]
 * words long.  Returns the proximity formula above for nunits units. */
double aj_rank_proximity(uint32_t nunits, const uint32_t *const *occ,
                         const uint32_t *nocc, const uint32_t *ulen);

#endif
