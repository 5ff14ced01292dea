/*
 * query.h - the query language: parser from bytes to a tree of clauses.
 *
 *   query   := or
 *   or      := and ( "OR" and )*
 *   and     := unary ( ["AND"] unary )*          juxtaposition is AND
 *   unary   := "NOT" unary | "-" primary | primary
 *   primary := "(" or ")" | near | item ( NEARop item )*
 *   near    := "NEAR(" item item+ [ "," N ] ")"      N in 0..1000, default 10
 *   NEARop  := "NEAR" | "NEAR/" N                    every N of a chain equal
 *   item    := quote words quote | word | word"*" | word"~" | word"~1" | word"~2"
 *   quote   := '"' | “ | ” | „ | « | »       any of them closes any of them
 *            | ‘ or ‚ opening, ’ or ‘ closing, by position (query.c)
 *
 * Operators are the upper-case words AND, OR, NOT; `(`, `)` and the double
 * quotation marks always delimit; other bytes up to whitespace form a
 * word, which goes through the analyzer: no token -> dropped, one token ->
 * a term, several (as in ASEAN-Japan or COVID19) -> a phrase.  A '-' (or a
 * run of them) attached to what follows negates it; standing alone (before
 * a space, ')' or the end) it is an error, never silently dropped.  A NOT
 * must sit in an AND that has at least one positive clause.  Every error
 * carries the byte offset of the offending token in ctx->pos.
 */
#ifndef AJ_QUERY_H
#define AJ_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/analyzer.h"
#include "common/error.h"

typedef enum {
    Q_TERM, Q_PHRASE, Q_PREFIX, Q_FUZZY, Q_NEAR, Q_AND, Q_OR, Q_NOT
} aj_qkind;

#define AJ_NEAR_DEFAULT 10
#define AJ_NEAR_MAX 1000

/* A leaf is a scored clause of its own: a NEAR is one, and its items (its
 * kids) are not leaves. */
static inline int aj_qleaf(aj_qkind k) {
    return k == Q_TERM || k == Q_PHRASE || k == Q_PREFIX || k == Q_FUZZY ||
           k == Q_NEAR;
}

typedef struct aj_qnode {
    aj_qkind kind;
    size_t pos;               /* byte offset in the query */
    /* leaves: TERM (1 term), PHRASE (nterms >= 2), PREFIX (1 folded word),
     * FUZZY (the folded word, then its own term) */
    char **terms;
    uint32_t nterms;
    uint32_t edits;           /* FUZZY: edits allowed, after aj_fuzzy_cap */
    uint32_t near;            /* NEAR: at most this many other words in the
                                 window holding one match of every item */
    char *text;               /* the clause as written, for --explain */
    int quoted;               /* written in quotation marks (a phrase, or a
                                 quoted word), which suggestions leave alone */
    uint32_t leaf;            /* leaf number, in query order */
    /* inner nodes, and the items of a NEAR */
    struct aj_qnode **kids;
    uint32_t nkids;
} aj_qnode;

typedef struct aj_query {
    aj_qnode *root;
    uint32_t nleaves;
    aj_qnode **leaves;        /* by leaf number */
} aj_query;

/* Parses q[0..len).  On success *out is owned by the caller
 * (aj_query_free).  Errors: AJ_ESYNTAX or AJ_ELIMIT with ctx->pos. */
aj_err aj_query_parse(aj_ctx *c, aj_analyzer *an, const char *q, size_t len,
                      aj_query **out);
void aj_query_free(aj_query *q);

/* Frees one node and its subtree (for code that rewrites trees). */
void aj_qnode_free(aj_qnode *n);

/* Numbers the leaves again, in query order, after the tree was rewritten
 * (expand.c adds alternatives).  AJ_ENOMEM. */
aj_err aj_query_renumber(aj_ctx *c, aj_query *q);

/* Writes a readable form of the tree (for tests): (AND a (OR b "c d")) */
size_t aj_query_format(const aj_query *q, char *buf, size_t cap);

#endif
