/*
 * expand_internal.h - what the files of query expansion share; expand.h is
 * the interface the rest of the library uses, and nothing here is part of
 * it.
 *
 *   expand.c          the expander and its per-query memory, and where
 *                     alternatives go in the query tree: runs of words in
 *                     an AND first, then every word or phrase on its own
 *   expand_rules.c    which alternatives a run or a leaf gets, one
 *                     function per rule of expand.h, and the dictionary
 *                     look-ups behind them
 *   expand_acronym.c  the index's acronym table, analyzed on first use
 *   expand_form.c     how the corpus writes an alternative, for the user
 *
 * The functions are not static, so they start with aj_xp_: a program that
 * links the static library must not meet them under a common name.
 */
#ifndef AJ_EXPAND_INTERNAL_H
#define AJ_EXPAND_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "query/expand.h"

#define MAX_RUN 12           /* query words a long form may span */
#define MAX_RUN_TERMS (MAX_RUN * 4) /* terms of such a run, or of an
                                       alternative whose written form is
                                       looked up */
#define WCACHE 32            /* leaves whose words a query remembers */
#define FORM_CACHE 64        /* written forms an expander remembers */

/* ---- memory for strings that live as long as their owner ---- */

/* A bump allocator: a list of blocks, the newest first, freed together. */
typedef struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    char data[];
} arena_block;

/* n bytes (8-aligned) from arena *a; NULL when out of memory. */
void *aj_xp_alloc(arena_block **a, size_t n);
/* s[0..n) and a terminating NUL, copied into arena *a; NULL when out of
 * memory. */
char *aj_xp_strndup(arena_block **a, const char *s, size_t n);

/* ---- the words of a text ---- */

/* A text's words as written (folded) and their terms (stemmed), in order;
 * the strings live in an arena. */
typedef struct {
    char **words, **terms;
    uint32_t n;
} word_list;

/* Analyzes s[0..n) with an into *w, its strings in arena *a.  AJ_ENOMEM,
 * or the analyzer's error. */
aj_err aj_xp_analyze_words(aj_ctx *c, aj_analyzer *an, arena_block **a, const char *s,
                           size_t n, word_list *w);

/* Words [from, to) of w joined by single spaces, in arena *a; NULL when
 * out of memory. */
char *aj_xp_join_words(arena_block **a, const word_list *w, uint32_t from, uint32_t to);

/* Whether w is one of the small words a long form may have or lack
 * without naming something else ("ASEAN Outlook on the Indo-Pacific"),
 * and that a split may not make of a word unless it looks damaged. */
int aj_xp_is_small_word(const char *w);

/* ---- the expander ---- */

/* One definition from the index's acronym table, analyzed. */
typedef struct {
    const char *key;         /* folded words of the acronym, space-separated */
    const char *shown, *long_shown; /* acronym and long form as defined */
    word_list acr, lf;       /* analyzed acronym and long form */
    const char **content;    /* long-form terms without the small words */
    uint32_t ncontent;
    uint32_t count;          /* paragraphs that define it */
} acronym_def;

/* The tables below are analyzed the first time a query needs them, not
 * when the expander is made: analyzing every long form took three
 * quarters of a cold search's expansion (0.75 of 1 ms on the seed
 * corpus), and most queries use none of it.  The first content term of
 * each long form (heads) tells cheaply that no long form starts with a
 * query word; the whole table is analyzed only when one might (or for a
 * word in capitals). */
struct aj_expander {
    aj_index *ix;
    int loaded;              /* acros and bylong (aj_xp_load_acronyms) */
    int headed;              /* heads (expand_acronym.c) */
    int cloaded;             /* the country forms (expand_rules.c) */
    arena_block *keep;       /* strings of the tables, for the expander's life */
    acronym_def *acros;      /* sorted by key, then count descending */
    const acronym_def **bylong; /* sorted by first content term */
    uint32_t nacros;
    const char **heads;      /* first content term of each long form, sorted */
    uint32_t nheads;
    word_list *cforms;       /* country.h's forms, analyzed */
    uint32_t *crow;          /* the country of each */
    const char **cnames;     /* and its spelling in the table */
    uint32_t ncforms;
    struct {
        char *key, *form;    /* terms joined by \x1f; the form or NULL */
    } fcache[FORM_CACHE];
    uint32_t nfcache;        /* entries made, the oldest replaced first */
    /* per query */
    arena_block *tmp;
    aj_expansion *list;
    size_t nlist;
    uint32_t budget;         /* terms the query may still gain */
    /* Words of the leaves analyzed so far: runs and leaves both need
     * them, and analyzing twice was a visible part of a query's cost. */
    const aj_qnode *wnode[WCACHE];
    word_list wcache[WCACHE];
    uint32_t nwcache;
};

/* ---- alternatives ---- */

/* An alternative before it becomes a leaf: its terms and how it is shown. */
typedef struct {
    const char *const *terms;
    uint32_t n;
    char shown[512];         /* the alternative as the header shows it */
    char text[512];          /* the alternative as a clause (--explain) */
} pending_alt;

/* Makes the leaf of a at query position pos and lists the expansion
 * "from = shown".  *leaf is NULL, and nothing is listed, when the query
 * has all the alternatives or terms it may get.  AJ_ENOMEM. */
aj_err aj_xp_make_alt(aj_ctx *c, aj_expander *x, const char *from, const pending_alt *a,
                      size_t pos, aj_qnode **leaf);

/* A growing list of nodes (a leaf's alternatives). */
typedef struct {
    aj_qnode **v;
    uint32_t n, cap;
} node_list;

/* Appends n to ns.  AJ_ENOMEM (n is not freed). */
aj_err aj_xp_push_node(aj_ctx *c, node_list *ns, aj_qnode *n);

/* ---- expand_form.c ---- */

/* Fills a->shown and a->text with a's terms as the corpus writes them (in
 * quotes when there are several).  AJ_ENOMEM, AJ_ECORRUPT. */
aj_err aj_xp_show_as_written(aj_ctx *c, aj_expander *x, aj_analyzer *an, pending_alt *a);

/* ---- expand_acronym.c ---- */

/* Analyzes the whole acronym table (x->acros, x->bylong) and sets
 * x->loaded.  AJ_ENOMEM, AJ_ECORRUPT. */
aj_err aj_xp_load_acronyms(aj_ctx *c, aj_expander *x, aj_analyzer *an);

/* *maybe = whether some long form may start with content term t; when
 * it may, the whole table is loaded as well, for
 * aj_xp_acronym_of_long_form. */
aj_err aj_xp_long_form_may_start(aj_ctx *c, aj_expander *x, aj_analyzer *an,
                                 const char *t, int *maybe);

/* The definitions of the acronym whose folded words are key: x->acros[*lo,
 * *hi), the most frequent first. */
void aj_xp_acronyms_with_key(const aj_expander *x, const char *key, uint32_t *lo,
                             uint32_t *hi);

/* The acronym whose long form is the content terms t[0..n), all of them or
 * its first 3 or more (the most frequent such definition); NULL if none. */
const acronym_def *aj_xp_acronym_of_long_form(const aj_expander *x, const char *const *t,
                                              uint32_t n);

/* ---- expand_rules.c ---- */

/* Adds the alternatives of word or phrase leaf l (its words w) to out;
 * negated: l is inside a NOT.  AJ_ENOMEM, AJ_ECORRUPT. */
aj_err aj_xp_leaf_alts(aj_ctx *c, aj_expander *x, aj_analyzer *an, const aj_qnode *l,
                       const word_list *w, int negated, node_list *out);

/* The alternative of a run of kids of AND node n that starts at kid i (ws:
 * the words of every kid): *leaf (NULL when there is none) stands for kids
 * [i, *last].  AJ_ENOMEM, AJ_ECORRUPT. */
aj_err aj_xp_run_alt(aj_ctx *c, aj_expander *x, aj_analyzer *an, const aj_qnode *n,
                     const word_list *ws, uint32_t i, uint32_t *last, aj_qnode **leaf);

#endif
