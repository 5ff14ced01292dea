/* query.c - query parser; the grammar is in query.h. */
#include "query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ajsearch.h"

typedef enum { T_END, T_LP, T_RP, T_LEAF, T_AND, T_OR, T_NOT, T_NEG } tkind;

typedef struct {
    aj_ctx *c;
    aj_analyzer *an;
    const char *q;
    size_t len, at;
    /* current token */
    tkind kind;
    size_t tpos;
    aj_qnode *leaf;            /* for T_LEAF, owned until consumed */
    int depth;
    uint32_t nclauses;
    aj_query *query;
} parser;

static int is_space(unsigned char ch) {
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' ||
           ch == '\f' || ch == '\v';
}

static int is_delim(unsigned char ch) {
    return is_space(ch) || ch == '(' || ch == ')' || ch == '"';
}

static void node_free(aj_qnode *n) {
    if (!n) return;
    for (uint32_t i = 0; i < n->nterms; i++) free(n->terms[i]);
    free(n->terms);
    free(n->text);
    for (uint32_t i = 0; i < n->nkids; i++) node_free(n->kids[i]);
    free(n->kids);
    free(n);
}

static aj_qnode *node_new(parser *p, aj_qkind kind, size_t pos) {
    aj_qnode *n = calloc(1, sizeof *n);
    if (!n) {
        aj_fail(p->c, AJ_ENOMEM, "query node");
        return NULL;
    }
    n->kind = kind;
    n->pos = pos;
    return n;
}

typedef struct {
    parser *p;
    aj_qnode *n;
    aj_err err;
} collect;

static int on_token(void *arg, const aj_token *t) {
    collect *cl = arg;
    aj_qnode *n = cl->n;
    parser *p = cl->p;
    if (++p->nclauses > AJ_MAX_QUERY_CLAUSES) {
        cl->err = aj_fail_at(p->c, AJ_ELIMIT, p->tpos,
                             "more than %u terms in the query",
                             AJ_MAX_QUERY_CLAUSES);
        return 1;
    }
    char **v = realloc(n->terms, (n->nterms + 1) * sizeof *v);
    if (!v) {
        cl->err = aj_fail(p->c, AJ_ENOMEM, "query terms");
        return 1;
    }
    n->terms = v;
    n->terms[n->nterms] = strndup(t->term, t->term_len);
    if (!n->terms[n->nterms]) {
        cl->err = aj_fail(p->c, AJ_ENOMEM, "query terms");
        return 1;
    }
    n->nterms++;
    return 0;
}

/* Builds a leaf from text s[0..n) (a word or a phrase's inside); sets
 * *out to NULL when it has no tokens. */
static aj_err make_leaf(parser *p, const char *s, size_t n, size_t pos,
                        const char *shown, size_t shown_len, aj_qnode **out) {
    *out = NULL;
    aj_qnode *leaf = node_new(p, Q_TERM, pos);
    if (!leaf) return p->c->err;
    collect cl = {p, leaf, AJ_OK};
    aj_err e = aj_analyze(p->c, p->an, s, n, 0, on_token, &cl);
    if (!e) e = cl.err;
    if (!e && leaf->nterms > 0) {
        leaf->kind = leaf->nterms > 1 ? Q_PHRASE : Q_TERM;
        leaf->text = strndup(shown, shown_len);
        if (!leaf->text) e = aj_fail(p->c, AJ_ENOMEM, "query text");
    }
    if (e || leaf->nterms == 0) {
        node_free(leaf);
        return e;
    }
    *out = leaf;
    return AJ_OK;
}

static aj_err make_prefix(parser *p, const char *s, size_t n, size_t pos,
                          aj_qnode **out) {
    char word[AJ_MAX_WORD + 1];
    size_t wlen;
    aj_ctx tmp = {0};
    *out = NULL;
    if (n == 0)
        return aj_fail_at(p->c, AJ_ESYNTAX, pos,
                          "'*' needs the beginning of a word before it");
    if (aj_fold_word(&tmp, p->an, s, n, word, sizeof word, &wlen) != AJ_OK)
        return aj_fail_at(p->c, AJ_ESYNTAX, pos,
                          "a prefix must be one word of letters or digits "
                          "before '*'");
    if (++p->nclauses > AJ_MAX_QUERY_CLAUSES)
        return aj_fail_at(p->c, AJ_ELIMIT, pos,
                          "more than %u terms in the query",
                          AJ_MAX_QUERY_CLAUSES);
    aj_qnode *leaf = node_new(p, Q_PREFIX, pos);
    if (!leaf) return p->c->err;
    leaf->terms = malloc(sizeof *leaf->terms);
    leaf->text = strndup(s, n + 1); /* with its '*' */
    if (leaf->terms) leaf->terms[0] = strndup(word, wlen);
    if (!leaf->terms || !leaf->terms[0] || !leaf->text) {
        if (leaf->terms && !leaf->terms[0]) leaf->nterms = 0;
        else if (leaf->terms) leaf->nterms = 1;
        node_free(leaf);
        return aj_fail(p->c, AJ_ENOMEM, "query prefix");
    }
    leaf->nterms = 1;
    *out = leaf;
    return AJ_OK;
}

static int count_token(void *arg, const aj_token *t) {
    (void)t;
    ++*(int *)arg;
    return 1;
}

/* Does the word or phrase starting at q[i] (just after a '-') analyze to
 * no token at all?  If so, advances p->at past it and returns 1.  Prefixes,
 * groups and unterminated phrases are left for the parser to judge. */
static int attached_is_empty(parser *p, size_t i) {
    const char *s;
    size_t n, end;
    if (p->q[i] == '(') return 0;
    if (p->q[i] == '"') {
        const char *close = memchr(p->q + i + 1, '"', p->len - i - 1);
        if (!close) return 0;
        s = p->q + i + 1;
        n = (size_t)(close - s);
        end = (size_t)(close - p->q) + 1;
        if (memchr(s, '*', n)) return 0;
    } else {
        end = i;
        while (end < p->len && !is_delim((unsigned char)p->q[end])) end++;
        s = p->q + i;
        n = end - i;
        if (memchr(s, '*', n)) return 0;
    }
    int count = 0;
    aj_ctx tmp = {0};
    aj_analyze(&tmp, p->an, s, n, 0, count_token, &count);
    if (count) return 0;
    p->at = end;
    return 1;
}

/* Reads the next token into p->kind; words that analyze to nothing are
 * skipped here, as if they were not in the query. */
static aj_err next(parser *p) {
    for (;;) {
        while (p->at < p->len && is_space((unsigned char)p->q[p->at])) p->at++;
        p->tpos = p->at;
        if (p->at >= p->len) {
            p->kind = T_END;
            return AJ_OK;
        }
        char ch = p->q[p->at];
        if (ch == '(') {
            p->at++;
            p->kind = T_LP;
            return AJ_OK;
        }
        if (ch == ')') {
            p->at++;
            p->kind = T_RP;
            return AJ_OK;
        }
        if (ch == '-' && p->at + 1 < p->len &&
            !is_space((unsigned char)p->q[p->at + 1])) {
            /* A dash attached to a word or phrase with nothing to search
             * for ("-&", "-\"\"") is ignored with it, like the word alone. */
            if (attached_is_empty(p, p->at + 1)) continue;
            p->at++;
            p->kind = T_NEG;
            return AJ_OK;
        }
        if (ch == '"') {
            const char *s = p->q + p->at + 1;
            const char *end = memchr(s, '"', p->len - p->at - 1);
            if (!end)
                return aj_fail_at(p->c, AJ_ESYNTAX, p->tpos,
                                  "unterminated phrase: '\"' without a "
                                  "closing '\"'");
            const char *star = memchr(s, '*', (size_t)(end - s));
            if (star)
                return aj_fail_at(p->c, AJ_ESYNTAX, (size_t)(star - p->q),
                                  "'*' is not allowed inside a phrase");
            p->at = (size_t)(end - p->q) + 1;
            aj_err e = make_leaf(p, s, (size_t)(end - s), p->tpos,
                                 p->q + p->tpos, p->at - p->tpos, &p->leaf);
            if (e) return e;
            if (!p->leaf) continue;
            p->kind = T_LEAF;
            return AJ_OK;
        }
        size_t start = p->at;
        while (p->at < p->len && !is_delim((unsigned char)p->q[p->at])) p->at++;
        const char *w = p->q + start;
        size_t n = p->at - start;
        if (n == 3 && memcmp(w, "AND", 3) == 0) {
            p->kind = T_AND;
            return AJ_OK;
        }
        if (n == 2 && memcmp(w, "OR", 2) == 0) {
            p->kind = T_OR;
            return AJ_OK;
        }
        if (n == 3 && memcmp(w, "NOT", 3) == 0) {
            p->kind = T_NOT;
            return AJ_OK;
        }
        const char *star = memchr(w, '*', n);
        aj_err e;
        if (star && star != w + n - 1)
            return aj_fail_at(p->c, AJ_ESYNTAX, (size_t)(star - p->q),
                              "'*' is only allowed at the end of a word");
        if (star)
            e = make_prefix(p, w, n - 1, start, &p->leaf);
        else
            e = make_leaf(p, w, n, start, w, n, &p->leaf);
        if (e) return e;
        if (!p->leaf) continue;
        p->kind = T_LEAF;
        return AJ_OK;
    }
}

static aj_err parse_or(parser *p, aj_qnode **out);

static const char *tname(tkind k) {
    switch (k) {
    case T_END: return "the end of the query";
    case T_LP: return "'('";
    case T_RP: return "')'";
    case T_AND: return "AND";
    case T_OR: return "OR";
    case T_NOT: return "NOT";
    case T_NEG: return "'-'";
    default: return "a term";
    }
}

static aj_err parse_primary(parser *p, aj_qnode **out) {
    *out = NULL;
    if (p->kind == T_LEAF) {
        *out = p->leaf;
        p->leaf = NULL;
        aj_err e = next(p);
        if (e) {
            node_free(*out);
            *out = NULL;
        }
        return e;
    }
    if (p->kind == T_LP) {
        size_t open = p->tpos;
        if (++p->depth > AJ_MAX_QUERY_DEPTH)
            return aj_fail_at(p->c, AJ_ELIMIT, open,
                              "parentheses nested deeper than %d",
                              AJ_MAX_QUERY_DEPTH);
        aj_err e = next(p);
        if (!e) e = parse_or(p, out);
        if (e) return e;
        if (p->kind != T_RP) {
            node_free(*out);
            *out = NULL;
            return aj_fail_at(p->c, AJ_ESYNTAX, open,
                              "'(' is never closed");
        }
        if (!*out)
            return aj_fail_at(p->c, AJ_ESYNTAX, open,
                              "nothing to search for inside '( )'");
        p->depth--;
        e = next(p);
        if (e) {
            node_free(*out);
            *out = NULL;
        }
        return e;
    }
    return aj_fail_at(p->c, AJ_ESYNTAX, p->tpos, "expected a term, found %s",
                      tname(p->kind));
}

static aj_err parse_unary(parser *p, aj_qnode **out) {
    *out = NULL;
    if (p->kind == T_NOT || p->kind == T_NEG) {
        size_t pos = p->tpos;
        int dash = p->kind == T_NEG;
        aj_err e = next(p);
        if (e) return e;
        if (p->kind == T_NOT || p->kind == T_NEG)
            return aj_fail_at(p->c, AJ_ESYNTAX, p->tpos,
                              "double negation is not supported");
        if (p->kind != T_LEAF && p->kind != T_LP)
            return aj_fail_at(p->c, AJ_ESYNTAX, pos, "%s needs a term after it",
                              dash ? "'-'" : "NOT");
        aj_qnode *kid;
        e = parse_primary(p, &kid);
        if (e) return e;
        aj_qnode *n = node_new(p, Q_NOT, pos);
        if (!n) {
            node_free(kid);
            return p->c->err;
        }
        n->kids = malloc(sizeof *n->kids);
        if (!n->kids) {
            node_free(kid);
            node_free(n);
            return aj_fail(p->c, AJ_ENOMEM, "query node");
        }
        n->kids[0] = kid;
        n->nkids = 1;
        *out = n;
        return AJ_OK;
    }
    return parse_primary(p, out);
}

static aj_err push_kid(parser *p, aj_qnode *n, aj_qnode *kid) {
    aj_qnode **k = realloc(n->kids, (n->nkids + 1) * sizeof *k);
    if (!k) {
        node_free(kid);
        return aj_fail(p->c, AJ_ENOMEM, "query node");
    }
    n->kids = k;
    n->kids[n->nkids++] = kid;
    return AJ_OK;
}

/* Returns the only child of a one-child node instead of the node. */
static aj_qnode *collapse(aj_qnode *n) {
    if (n && n->nkids == 1 && n->kind != Q_NOT) {
        aj_qnode *k = n->kids[0];
        n->nkids = 0;
        node_free(n);
        return k;
    }
    return n;
}

static aj_err parse_and(parser *p, aj_qnode **out) {
    *out = NULL;
    aj_qnode *n = node_new(p, Q_AND, p->tpos);
    if (!n) return p->c->err;
    aj_err e = AJ_OK;
    for (;;) {
        if (p->kind == T_END || p->kind == T_RP || p->kind == T_OR) break;
        if (p->kind == T_AND) {
            size_t pos = p->tpos;
            if (n->nkids == 0) {
                e = aj_fail_at(p->c, AJ_ESYNTAX, pos,
                               "AND needs a term before it");
                break;
            }
            e = next(p);
            if (e) break;
            if (p->kind == T_END || p->kind == T_RP || p->kind == T_OR ||
                p->kind == T_AND) {
                e = aj_fail_at(p->c, AJ_ESYNTAX, pos,
                               "AND needs a term after it");
                break;
            }
        }
        aj_qnode *kid;
        e = parse_unary(p, &kid);
        if (!e) e = push_kid(p, n, kid);
        if (e) break;
    }
    if (e) {
        node_free(n);
        return e;
    }
    if (n->nkids == 0) {
        node_free(n);
        return AJ_OK;
    }
    *out = collapse(n);
    return AJ_OK;
}

static aj_err parse_or(parser *p, aj_qnode **out) {
    *out = NULL;
    aj_qnode *n = node_new(p, Q_OR, p->tpos);
    if (!n) return p->c->err;
    aj_qnode *kid;
    aj_err e = parse_and(p, &kid);
    if (!e && !kid && p->kind == T_OR)
        e = aj_fail_at(p->c, AJ_ESYNTAX, p->tpos, "OR needs a term before it");
    if (!e && kid) e = push_kid(p, n, kid);
    while (!e && p->kind == T_OR) {
        size_t pos = p->tpos;
        e = next(p);
        if (!e) e = parse_and(p, &kid);
        if (!e && !kid)
            e = aj_fail_at(p->c, AJ_ESYNTAX, pos, "OR needs a term after it");
        if (!e) e = push_kid(p, n, kid);
    }
    if (e || n->nkids == 0) {
        node_free(n);
        return e;
    }
    *out = collapse(n);
    return AJ_OK;
}

/* A NOT may only appear as a child of an AND that has a positive child. */
static aj_err check_negation(parser *p, const aj_qnode *n, int parent_and) {
    if (n->kind == Q_NOT && !parent_and)
        return aj_fail_at(p->c, AJ_ESYNTAX, n->pos,
                          "a negated clause needs a positive term to be "
                          "combined with by AND (e.g. 'a -b', 'a NOT b')");
    if (n->kind == Q_AND) {
        int positive = 0;
        for (uint32_t i = 0; i < n->nkids; i++)
            positive |= n->kids[i]->kind != Q_NOT;
        if (!positive)
            return aj_fail_at(p->c, AJ_ESYNTAX, n->pos,
                              "only negated clauses: add a term to search "
                              "for");
    }
    for (uint32_t i = 0; i < n->nkids; i++) {
        const aj_qnode *k = n->kids[i];
        if (n->kind == Q_NOT) {
            if (k->kind == Q_NOT)
                return aj_fail_at(p->c, AJ_ESYNTAX, k->pos,
                                  "double negation is not supported");
            /* What a NOT excludes may be any positive query. */
            aj_err e = check_negation(p, k, 0);
            if (e) return e;
            continue;
        }
        aj_err e = check_negation(p, k, n->kind == Q_AND);
        if (e) return e;
    }
    return AJ_OK;
}

static aj_err number_leaves(parser *p, aj_qnode *n) {
    if (n->kind == Q_TERM || n->kind == Q_PHRASE || n->kind == Q_PREFIX) {
        aj_query *q = p->query;
        aj_qnode **v = realloc(q->leaves, (q->nleaves + 1) * sizeof *v);
        if (!v) return aj_fail(p->c, AJ_ENOMEM, "query leaves");
        q->leaves = v;
        n->leaf = q->nleaves;
        q->leaves[q->nleaves++] = n;
        return AJ_OK;
    }
    for (uint32_t i = 0; i < n->nkids; i++) {
        aj_err e = number_leaves(p, n->kids[i]);
        if (e) return e;
    }
    return AJ_OK;
}

aj_err aj_query_parse(aj_ctx *c, aj_analyzer *an, const char *q, size_t len,
                      aj_query **out) {
    *out = NULL;
    if (len > AJ_MAX_QUERY_BYTES)
        return aj_fail_at(c, AJ_ELIMIT, AJ_MAX_QUERY_BYTES,
                          "query longer than %u bytes", AJ_MAX_QUERY_BYTES);
    aj_query *query = calloc(1, sizeof *query);
    if (!query) return aj_fail(c, AJ_ENOMEM, "query");
    parser p = {.c = c, .an = an, .q = q, .len = len, .query = query};
    aj_qnode *root = NULL;
    aj_err e = next(&p);
    if (!e) e = parse_or(&p, &root);
    if (!e && p.kind == T_RP)
        e = aj_fail_at(c, AJ_ESYNTAX, p.tpos, "')' without a matching '('");
    else if (!e && p.kind != T_END)
        e = aj_fail_at(c, AJ_ESYNTAX, p.tpos, "unexpected %s", tname(p.kind));
    if (!e && !root)
        e = aj_fail_at(c, AJ_ESYNTAX, 0,
                       "empty query: nothing to search for");
    if (!e) e = check_negation(&p, root, 0);
    query->root = root;
    if (!e) e = number_leaves(&p, root);
    node_free(p.leaf);
    if (e) {
        aj_query_free(query);
        return e;
    }
    *out = query;
    return AJ_OK;
}

void aj_query_free(aj_query *q) {
    if (!q) return;
    node_free(q->root);
    free(q->leaves);
    free(q);
}

void aj_qnode_free(aj_qnode *n) { node_free(n); }

aj_err aj_query_renumber(aj_ctx *c, aj_query *q) {
    parser p = {.c = c, .query = q};
    free(q->leaves);
    q->leaves = NULL;
    q->nleaves = 0;
    return q->root ? number_leaves(&p, q->root) : AJ_OK;
}

static void fmt(const aj_qnode *n, char *buf, size_t cap, size_t *at) {
#define PUT(...)                                                         \
    do {                                                                 \
        int k_ = snprintf(buf + (*at < cap ? *at : cap),                 \
                          *at < cap ? cap - *at : 0, __VA_ARGS__);       \
        if (k_ > 0) *at += (size_t)k_;                                   \
    } while (0)
    switch (n->kind) {
    case Q_TERM: PUT("%s", n->terms[0]); break;
    case Q_PREFIX: PUT("%s*", n->terms[0]); break;
    case Q_PHRASE:
        PUT("\"");
        for (uint32_t i = 0; i < n->nterms; i++)
            PUT("%s%s", i ? " " : "", n->terms[i]);
        PUT("\"");
        break;
    default:
        PUT("(%s", n->kind == Q_AND ? "AND" : n->kind == Q_OR ? "OR" : "NOT");
        for (uint32_t i = 0; i < n->nkids; i++) {
            PUT(" ");
            fmt(n->kids[i], buf, cap, at);
        }
        PUT(")");
    }
#undef PUT
}

size_t aj_query_format(const aj_query *q, char *buf, size_t cap) {
    size_t at = 0;
    if (cap) buf[0] = 0;
    if (q->root) fmt(q->root, buf, cap, &at);
    return at;
}
