/*
 * expand.h - query rewriting between parsing and evaluation: compounds
 * and acronyms, decided from the index itself.
 *
 * A clause that has an equivalent form in the corpus is replaced by
 * OR(clause, alternatives), so every paragraph the query matched before
 * still matches, with the same clauses scoring it, and the alternatives
 * only add paragraphs (or add their own score).  The rules:
 *
 *  - split: a rare query word (in at most 10 paragraphs, or 1/1000 of
 *    them) that is two words of the corpus glued together (each half at
 *    least 3 bytes and not a small word; of all the cuts, the one whose
 *    rarer half is the most frequent) also matches the phrase of the
 *    halves: cybersecurity -> "cyber security", ASEANJapan -> "asean japan";
 *  - glue: two adjacent query words (juxtaposed or inside a phrase, such
 *    as the parts of people-to-people) whose concatenation is a word of the
 *    corpus also match that word: cyber security -> cybersecurity, "people
 *    to people" -> "peopleto people";
 *  - glued to the next word: a query word also matches rare words of the
 *    corpus that are a form of it followed by a common word of at least 4
 *    bytes (a line-end hyphen lost): transition -> transitionsthrough;
 *  - acronym: a word written with at least two capitals that the corpus
 *    defines as an acronym (acronym.h) also matches the phrase of each of
 *    its long forms (at most 3, most frequent first), and a run of query
 *    words that is a long form (compared without the small words of, the,
 *    and, ...; or its first 3 or more content words) also matches the
 *    acronym;
 *  - country: a word that is a country's name or adjective in country.h's
 *    table also matches the country's other forms the corpus has: Korea ->
 *    Korean, Burma -> Myanmar.
 *
 * Halves and glued words must be words of the index's word dictionary, so
 * the corpus decides; nothing depends on a word list.
 *
 * Each alternative is described to the user as the corpus writes it (the
 * most frequent written form in the first paragraphs of its rarest term,
 * read from the stored text), never in the folded form the index keeps.
 */
#ifndef AJ_EXPAND_H
#define AJ_EXPAND_H

#include <stddef.h>

#include "analysis/analyzer.h"
#include "common/error.h"
#include "index/index.h"
#include "query/query.h"

typedef struct aj_expander aj_expander;

/* One alternative added to a query: a readable description, the query's
 * text, " = " and the alternative as the corpus writes it ("UNCLOS =
 * \"United Nations Convention on the Law of the Sea\"", "Mekong =
 * MekongJapan"; NULL when an earlier expansion of the same query has it),
 * and the leaf that searches it, in the rewritten query. */
typedef struct aj_expansion {
    char *desc;
    const aj_qnode *alt;
} aj_expansion;

/* An expander for ix; it reads the index's acronyms the first time it is
 * used.  The caller owns *out (aj_expander_free).  AJ_ENOMEM. */
aj_err aj_expander_new(aj_ctx *c, aj_index *ix, aj_expander **out);
void aj_expander_free(aj_expander *x);

/* Rewrites q in place (an, the query's analyzer, folds and stems the
 * alternatives) and renumbers its leaves.  The expansions made are listed
 * by aj_expand_list() until the next call.  Errors: AJ_ENOMEM, or
 * AJ_ECORRUPT from the dictionaries; q stays a valid tree either way. */
aj_err aj_expand(aj_ctx *c, aj_expander *x, aj_analyzer *an, aj_query *q);

/* The expansions of the last aj_expand(), owned by x. */
size_t aj_expand_list(const aj_expander *x, const aj_expansion **out);

#endif
