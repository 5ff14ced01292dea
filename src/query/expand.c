/* expand.c - query rewriting for compounds and acronyms (expand.h): the
 * expander, and where alternatives go in the query tree.  Which
 * alternatives a clause gets is decided in expand_rules.c. */
#include "query/expand.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ajsearch.h"
#include "query/expand_internal.h"

#define MAX_ALTS 64          /* alternatives one query may get */

/* ---- arenas ---- */

void *aj_xp_alloc(arena_block **a, size_t n) {
    n = (n + 7) & ~(size_t)7;
    if (!*a || (*a)->cap - (*a)->used < n) {
        size_t cap = n > 4000 ? n : 4000;
        arena_block *b = malloc(sizeof *b + cap);
        if (!b) return NULL;
        b->next = *a;
        b->used = 0;
        b->cap = cap;
        *a = b;
    }
    void *p = (*a)->data + (*a)->used;
    (*a)->used += n;
    return p;
}

char *aj_xp_strndup(arena_block **a, const char *s, size_t n) {
    char *p = aj_xp_alloc(a, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = 0;
    }
    return p;
}

static void arena_free(arena_block **a) {
    while (*a) {
        arena_block *n = (*a)->next;
        free(*a);
        *a = n;
    }
}

/* Empties a for reuse but keeps its newest block: a query's strings
 * usually fit in one, so most queries allocate nothing here. */
static void arena_reset(arena_block **a) {
    if (!*a) return;
    arena_block *keep = *a;
    *a = keep->next;
    arena_free(a);
    keep->next = NULL;
    keep->used = 0;
    *a = keep;
}

/* ---- the words of a text ---- */

typedef struct {
    arena_block **a;
    word_list *w;
    uint32_t cap;
    int nomem;
} word_collector;

/* aj_analyze's callback: copies the token's word and term into the list,
 * doubling its arrays when full (the old ones stay in the arena). */
static int collect_word(void *arg, const aj_token *t) {
    word_collector *wc = arg;
    word_list *w = wc->w;
    if (w->n == wc->cap) {
        uint32_t cap = wc->cap ? wc->cap * 2 : 8;
        char **nw = aj_xp_alloc(wc->a, cap * sizeof *nw);
        char **nt = aj_xp_alloc(wc->a, cap * sizeof *nt);
        if (!nw || !nt) {
            wc->nomem = 1;
            return 1;
        }
        if (w->n) {
            memcpy(nw, w->words, w->n * sizeof *nw);
            memcpy(nt, w->terms, w->n * sizeof *nt);
        }
        w->words = nw;
        w->terms = nt;
        wc->cap = cap;
    }
    w->words[w->n] = aj_xp_strndup(wc->a, t->word, t->word_len);
    w->terms[w->n] = aj_xp_strndup(wc->a, t->term, t->term_len);
    if (!w->words[w->n] || !w->terms[w->n]) {
        wc->nomem = 1;
        return 1;
    }
    w->n++;
    return 0;
}

aj_err aj_xp_analyze_words(aj_ctx *c, aj_analyzer *an, arena_block **a, const char *s,
                           size_t n, word_list *w) {
    word_collector wc = {a, w, 0, 0};
    memset(w, 0, sizeof *w);
    aj_err e = aj_analyze(c, an, s, n, 0, collect_word, &wc);
    if (!e && wc.nomem) e = aj_fail(c, AJ_ENOMEM, "query expansion");
    return e;
}

char *aj_xp_join_words(arena_block **a, const word_list *w, uint32_t from, uint32_t to) {
    size_t n = 0;
    for (uint32_t i = from; i < to; i++) n += strlen(w->words[i]) + 1;
    char *s = aj_xp_alloc(a, n + 1), *p = s;
    if (!s) return NULL;
    for (uint32_t i = from; i < to; i++) {
        if (i > from) *p++ = ' ';
        size_t k = strlen(w->words[i]);
        memcpy(p, w->words[i], k);
        p += k;
    }
    *p = 0;
    return s;
}

int aj_xp_is_small_word(const char *w) {
    static const char *const small[] = {"a", "an", "and", "at", "by", "for", "in",
                                        "of", "on", "or", "the", "to", "with"};
    for (size_t i = 0; i < sizeof small / sizeof *small; i++)
        if (!strcmp(w, small[i])) return 1;
    return 0;
}

/* ---- the expander ---- */

aj_err aj_expander_new(aj_ctx *c, aj_index *ix, aj_expander **out) {
    aj_expander *x = calloc(1, sizeof *x);
    if (!x) return aj_fail(c, AJ_ENOMEM, "expander");
    x->ix = ix;
    *out = x;
    return AJ_OK;
}

/* Forgets the last query's expansions (their leaves belong to its tree). */
static void clear_expansions(aj_expander *x) {
    for (size_t i = 0; i < x->nlist; i++) free(x->list[i].desc);
    x->nlist = 0;
}

void aj_expander_free(aj_expander *x) {
    if (!x) return;
    clear_expansions(x);
    free(x->list);
    free(x->acros);
    free(x->bylong);
    free(x->heads);
    free(x->cforms);
    free(x->crow);
    free(x->cnames);
    for (uint32_t i = 0; i < FORM_CACHE; i++) {
        free(x->fcache[i].key);
        free(x->fcache[i].form);
    }
    arena_free(&x->keep);
    arena_free(&x->tmp);
    free(x);
}

size_t aj_expand_list(const aj_expander *x, const aj_expansion **out) {
    *out = x->list;
    return x->nlist;
}

/* ---- the nodes of alternatives ---- */

/* A term leaf, or a phrase leaf when there are several terms. */
static aj_qnode *new_word_leaf(const char *const *terms, uint32_t n, const char *text,
                               size_t pos) {
    aj_qnode *l = calloc(1, sizeof *l);
    if (!l) return NULL;
    l->kind = n > 1 ? Q_PHRASE : Q_TERM;
    l->pos = pos;
    l->terms = calloc(n, sizeof *l->terms);
    l->text = strdup(text);
    if (!l->terms || !l->text) {
        aj_qnode_free(l);
        return NULL;
    }
    for (; l->nterms < n; l->nterms++) {
        l->terms[l->nterms] = strdup(terms[l->nterms]);
        if (!l->terms[l->nterms]) {
            aj_qnode_free(l);
            return NULL;
        }
    }
    return l;
}

/* An AND or OR node with room for cap kids. */
static aj_qnode *new_inner_node(aj_qkind kind, size_t pos, uint32_t cap) {
    aj_qnode *n = calloc(1, sizeof *n);
    if (n) n->kids = calloc(cap, sizeof *n->kids);
    if (n && !n->kids) {
        free(n);
        return NULL;
    }
    if (n) {
        n->kind = kind;
        n->pos = pos;
    }
    return n;
}

/* Whether n is an alternative this query added (it gets none of its own). */
static int is_added_alt(const aj_expander *x, const aj_qnode *n) {
    for (size_t i = 0; i < x->nlist; i++)
        if (x->list[i].alt == n) return 1;
    return 0;
}

aj_err aj_xp_make_alt(aj_ctx *c, aj_expander *x, const char *from, const pending_alt *a,
                      size_t pos, aj_qnode **leaf) {
    *leaf = NULL;
    if (x->nlist >= MAX_ALTS || a->n > x->budget) return AJ_OK;
    char desc[1200];
    snprintf(desc, sizeof desc, "%s = %s", from, a->shown);
    /* A word that occurs twice in the query gets its alternatives twice,
     * but the user reads them once. */
    int seen = 0;
    for (size_t i = 0; i < x->nlist && !seen; i++)
        seen = x->list[i].desc && !strcmp(x->list[i].desc, desc);
    aj_expansion *v = realloc(x->list, (x->nlist + 1) * sizeof *v);
    if (!v) return aj_fail(c, AJ_ENOMEM, "query expansion");
    x->list = v;
    aj_qnode *l = new_word_leaf(a->terms, a->n, a->text, pos);
    char *d = seen ? NULL : strdup(desc);
    if (!l || (!seen && !d)) {
        aj_qnode_free(l);
        free(d);
        return aj_fail(c, AJ_ENOMEM, "query expansion");
    }
    x->list[x->nlist++] = (aj_expansion){d, l};
    x->budget -= a->n;
    *leaf = l;
    return AJ_OK;
}

aj_err aj_xp_push_node(aj_ctx *c, node_list *ns, aj_qnode *n) {
    if (ns->n == ns->cap) {
        uint32_t cap = ns->cap ? ns->cap * 2 : 8;
        aj_qnode **v = realloc(ns->v, cap * sizeof *v);
        if (!v) return aj_fail(c, AJ_ENOMEM, "query expansion");
        ns->v = v;
        ns->cap = cap;
    }
    ns->v[ns->n++] = n;
    return AJ_OK;
}

/* ---- the words of a query's leaves ---- */

/* The words of a term or phrase leaf, analyzed from its text as the user
 * wrote it; w->n = 0 when they are not its terms one for one (the rules
 * need both).  Remembered for the query's first WCACHE leaves. */
static aj_err leaf_words(aj_ctx *c, aj_expander *x, aj_analyzer *an, const aj_qnode *l,
                         word_list *w) {
    memset(w, 0, sizeof *w);
    if ((l->kind != Q_TERM && l->kind != Q_PHRASE) || !l->text) return AJ_OK;
    for (uint32_t i = 0; i < x->nwcache; i++)
        if (x->wnode[i] == l) {
            *w = x->wcache[i];
            return AJ_OK;
        }
    aj_err e = aj_xp_analyze_words(c, an, &x->tmp, l->text, strlen(l->text), w);
    if (!e && w->n != l->nterms) w->n = 0;
    for (uint32_t i = 0; !e && i < w->n; i++)
        if (strcmp(w->terms[i], l->terms[i])) w->n = 0;
    if (!e && x->nwcache < WCACHE) {
        x->wnode[x->nwcache] = l;
        x->wcache[x->nwcache++] = *w;
    }
    return e;
}

/* ---- every word and phrase ---- */

static int is_word_leaf(const aj_qnode *n) {
    return n->kind == Q_TERM || n->kind == Q_PHRASE;
}

/* Gives word or phrase leaf *np its alternatives: under an OR they join
 * siblings (the OR's kids), elsewhere *np becomes OR(leaf, alternatives),
 * so whatever the leaf matched still matches. */
static aj_err expand_word_leaf(aj_ctx *c, aj_expander *x, aj_analyzer *an, aj_qnode **np,
                               node_list *siblings, int negated) {
    aj_qnode *n = *np;
    word_list w;
    node_list alts = {0};
    aj_err e = leaf_words(c, x, an, n, &w);
    if (!e) e = aj_xp_leaf_alts(c, x, an, n, &w, negated, &alts);
    for (uint32_t i = 0; !e && siblings && i < alts.n; i++)
        e = aj_xp_push_node(c, siblings, alts.v[i]);
    if (!e && !siblings && alts.n) {
        aj_qnode *o = new_inner_node(Q_OR, n->pos, alts.n + 1);
        if (!o) {
            e = aj_fail(c, AJ_ENOMEM, "query expansion");
        } else {
            o->kids[o->nkids++] = n;
            for (uint32_t i = 0; i < alts.n; i++) o->kids[o->nkids++] = alts.v[i];
            *np = o;
            alts.n = 0;
        }
    }
    if (e || siblings) alts.n = 0;
    for (uint32_t i = 0; i < alts.n; i++) aj_qnode_free(alts.v[i]);
    free(alts.v);
    return e;
}

/* Expands every word and phrase under *np that is not itself an added
 * alternative; siblings: the kids of the OR *np is in, else NULL;
 * negated: *np is inside a NOT. */
static aj_err expand_leaves(aj_ctx *c, aj_expander *x, aj_analyzer *an, aj_qnode **np,
                            node_list *siblings, int negated) {
    aj_qnode *n = *np;
    if (is_word_leaf(n))
        return is_added_alt(x, n) ? AJ_OK : expand_word_leaf(c, x, an, np, siblings, negated);
    if (n->kind != Q_AND && n->kind != Q_OR && n->kind != Q_NOT) return AJ_OK;
    node_list more = {0};
    aj_err e = AJ_OK;
    uint32_t m = n->nkids;
    for (uint32_t i = 0; !e && i < m; i++)
        e = expand_leaves(c, x, an, &n->kids[i], n->kind == Q_OR ? &more : NULL,
                          negated || n->kind == Q_NOT);
    if (!e && more.n) {
        aj_qnode **k = realloc(n->kids, (n->nkids + more.n) * sizeof *k);
        if (!k) {
            e = aj_fail(c, AJ_ENOMEM, "query expansion");
        } else {
            n->kids = k;
            for (uint32_t i = 0; i < more.n; i++) n->kids[n->nkids++] = more.v[i];
            more.n = 0;
        }
    }
    for (uint32_t i = 0; i < more.n; i++) aj_qnode_free(more.v[i]);
    free(more.v);
    return e;
}

/* ---- runs of words in an AND ---- */

/* Replaces kids [i, j] of AND node n by OR(AND(those kids), leaf). */
static aj_err group_run(aj_ctx *c, aj_qnode *n, uint32_t i, uint32_t j, aj_qnode *leaf) {
    aj_qnode *g = new_inner_node(Q_AND, n->kids[i]->pos, j - i + 1);
    aj_qnode *o = new_inner_node(Q_OR, n->kids[i]->pos, 2);
    if (!g || !o) {
        aj_qnode_free(g);
        aj_qnode_free(o);
        aj_qnode_free(leaf);
        return aj_fail(c, AJ_ENOMEM, "query expansion");
    }
    for (uint32_t k = i; k <= j; k++) g->kids[g->nkids++] = n->kids[k];
    o->kids[o->nkids++] = g;
    o->kids[o->nkids++] = leaf;
    n->kids[i] = o;
    memmove(n->kids + i + 1, n->kids + j + 1, (n->nkids - j - 1) * sizeof *n->kids);
    n->nkids -= j - i;
    return AJ_OK;
}

static aj_err expand_runs(aj_ctx *c, aj_expander *x, aj_analyzer *an, aj_qnode **np);

/* Groups each run of AND node n's kids that has an alternative (left to
 * right, a grouped kid in no other run), then looks for runs inside the
 * kids left as they were. */
static aj_err expand_runs_in_and(aj_ctx *c, aj_expander *x, aj_analyzer *an, aj_qnode *n) {
    word_list *ws = aj_xp_alloc(&x->tmp, n->nkids * sizeof *ws);
    if (!ws) return aj_fail(c, AJ_ENOMEM, "query expansion");
    aj_err e = AJ_OK;
    for (uint32_t i = 0; !e && i < n->nkids; i++)
        e = leaf_words(c, x, an, n->kids[i], &ws[i]);
    for (uint32_t i = 0; !e && i < n->nkids; i++) {
        if (!ws[i].n) continue;
        aj_qnode *leaf;
        uint32_t j = i;
        e = aj_xp_run_alt(c, x, an, n, ws, i, &j, &leaf);
        if (!e && leaf) {
            e = group_run(c, n, i, j, leaf);
            /* The words of the kids after the group move down with them;
             * the group itself starts no other run. */
            if (!e) memmove(ws + i + 1, ws + j + 1, (n->nkids - i - 1) * sizeof *ws);
            ws[i].n = 0;
        }
    }
    for (uint32_t i = 0; !e && i < n->nkids; i++) {
        const aj_qnode *k = n->kids[i];
        if (k->kind == Q_OR && k->nkids == 2 && is_added_alt(x, k->kids[1])) continue;
        e = expand_runs(c, x, an, &n->kids[i]);
    }
    return e;
}

/* Finds runs in every AND under *np, and puts the only kid of an AND
 * that grouping left with one in its place. */
static aj_err expand_runs(aj_ctx *c, aj_expander *x, aj_analyzer *an, aj_qnode **np) {
    aj_qnode *n = *np;
    if (n->kind == Q_AND) {
        aj_err e = expand_runs_in_and(c, x, an, n);
        if (!e && n->nkids == 1) {
            *np = n->kids[0];
            n->nkids = 0;
            aj_qnode_free(n);
        }
        return e;
    }
    if (n->kind != Q_OR && n->kind != Q_NOT) return AJ_OK;
    for (uint32_t i = 0; i < n->nkids; i++) {
        if (is_added_alt(x, n->kids[i])) continue;
        aj_err e = expand_runs(c, x, an, &n->kids[i]);
        if (e) return e;
    }
    return AJ_OK;
}

/* ---- a query ---- */

static uint32_t count_terms(const aj_qnode *n) {
    uint32_t t = n->nterms;
    for (uint32_t i = 0; i < n->nkids; i++) t += count_terms(n->kids[i]);
    return t;
}

/* Runs are looked for first, while an AND's kids are still the leaves the
 * user wrote: once every leaf is expanded, many of them are ORs. */
aj_err aj_expand(aj_ctx *c, aj_expander *x, aj_analyzer *an, aj_query *q) {
    clear_expansions(x);
    arena_reset(&x->tmp);
    x->nwcache = 0;
    if (!q->root) return AJ_OK;
    uint32_t have = count_terms(q->root);
    x->budget = have < AJ_MAX_QUERY_CLAUSES ? AJ_MAX_QUERY_CLAUSES - have : 0;
    aj_err e = expand_runs(c, x, an, &q->root);
    if (!e) e = expand_leaves(c, x, an, &q->root, NULL, 0);
    aj_err e2 = aj_query_renumber(c, q);
    return e ? e : e2;
}
