/* query.c - query parser; the grammar is in query.h. */
#include "query/query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ajsearch.h"
#include "analysis/fold.h"
#include "query/fuzzy.h"
#include "common/utf8.h"

typedef enum { T_END, T_LP, T_RP, T_LEAF, T_AND, T_OR, T_NOT, T_NEG, T_NEAR } tkind;

typedef struct {
    aj_ctx *c;
    aj_analyzer *an;
    const char *q;
    size_t len, at;
    /* current token */
    tkind kind;
    size_t tpos;
    aj_qnode *leaf;            /* for T_LEAF, owned until consumed */
    uint32_t near;             /* for T_NEAR: its distance */
    int depth;
    uint32_t nclauses;
    aj_query *query;
    /* The first closing single mark at or after sq_from is at sq_found
     * (SIZE_MAX: none): tokens are read left to right, so the query is
     * scanned for closing marks once, not once per opening mark. */
    size_t sq_from, sq_found;
} parser;

static int is_space(unsigned char ch) {
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' ||
           ch == '\f' || ch == '\v';
}

/* ---- quotation marks ----
 *
 * Queries are often pasted from word processors and PDFs, whose quotation
 * marks are typographic.  Double marks (" “ ” „ « ») are never part of a
 * word, so each of them opens or closes a phrase exactly as '"' does, and
 * any of them closes a phrase any of them opened: “…”, „…“, «…», »…«,
 * ”…” and a phrase opened with one and closed with another all read
 * alike.  Single marks are also apostrophes (Japan’s, ’90s, students’), so
 * a single mark delimits only by where it stands: ‘ or ‚ opens a phrase
 * at the start of a token when a letter or digit follows it, and the
 * phrase ends at the first ’ or ‘ after it that follows something other
 * than a space and is not followed by a letter or digit.  Without such a
 * closing mark, the opening one is only punctuation, as before. */

/* UTF-8 of the marks: “ ” „ are E2 80 9C/9D/9E, « » are C2 AB/BB, ‘ ’ ‚
 * are E2 80 98/99/9A. */
#define MARK_SINGLE_OPEN1 0x98   /* ‘, also a closing mark („…“'s single) */
#define MARK_SINGLE_CLOSE 0x99   /* ’ */
#define MARK_SINGLE_OPEN2 0x9A   /* ‚ */

/* Length of the double quotation mark at q[i], or 0.  Lead bytes 0xC2 and
 * 0xE2 are never continuation bytes, so a match cannot start inside
 * another character. */
static size_t dquote_len(const char *q, size_t len, size_t i) {
    const unsigned char *s = (const unsigned char *)q + i;
    size_t n = len - i;
    if (s[0] == '"') return 1;
    if (n >= 2 && s[0] == 0xC2 && (s[1] == 0xAB || s[1] == 0xBB)) return 2;
    if (n >= 3 && s[0] == 0xE2 && s[1] == 0x80 && s[2] >= 0x9C && s[2] <= 0x9E)
        return 3;
    return 0;
}

/* The last byte of the single quotation mark at q[i] (0x98, 0x99, 0x9A),
 * or 0 when there is none. */
static unsigned squote_at(const char *q, size_t len, size_t i) {
    const unsigned char *s = (const unsigned char *)q + i;
    if (len - i >= 3 && s[0] == 0xE2 && s[1] == 0x80 && s[2] >= 0x98 && s[2] <= 0x9A)
        return s[2];
    return 0;
}

/* Does a letter or digit start at q[i]? */
static int word_char_at(const char *q, size_t len, size_t i) {
    if (i >= len) return 0;
    uint32_t cp;
    aj_utf8_decode((const uint8_t *)q + i, len - i, &cp);
    int k = aj_fold_class(cp);
    return k == AJ_FOLD_LETTER || k == AJ_FOLD_DIGIT;
}

/* When a single mark at p->q[open] opens a phrase (see above), the offset
 * of its closing mark; else SIZE_MAX.  Whether a mark can close does not
 * depend on the opening one, so the answer is the first closing mark at
 * or after open + 4 (one character inside, at least). */
static size_t squote_close(parser *p, size_t open) {
    const char *q = p->q;
    size_t len = p->len, from = open + 4;
    unsigned m = squote_at(q, len, open);
    if ((m != MARK_SINGLE_OPEN1 && m != MARK_SINGLE_OPEN2) || !word_char_at(q, len, open + 3))
        return SIZE_MAX;
    if (p->sq_from <= from && (p->sq_found == SIZE_MAX || p->sq_found >= from))
        return p->sq_found;
    size_t found = SIZE_MAX;
    for (size_t i = from; i + 3 <= len; i++) {
        unsigned c = squote_at(q, len, i);
        if ((c == MARK_SINGLE_CLOSE || c == MARK_SINGLE_OPEN1) &&
            !is_space((unsigned char)q[i - 1]) && !word_char_at(q, len, i + 3)) {
            found = i;
            break;
        }
    }
    p->sq_from = from;
    p->sq_found = found;
    return found;
}

/* Does the byte at p->q[i] end a word?  Spaces, parentheses and double
 * quotation marks do. */
static int delim_at(const parser *p, size_t i) {
    unsigned char ch = (unsigned char)p->q[i];
    return is_space(ch) || ch == '(' || ch == ')' || dquote_len(p->q, p->len, i) > 0;
}

/* Does a phrase open at p->q[i]: a double mark, or a single one that has
 * its closing mark? */
static int phrase_at(parser *p, size_t i) {
    return dquote_len(p->q, p->len, i) > 0 || squote_close(p, i) != SIZE_MAX;
}

/* The phrase opening at p->q[open] (phrase_at is true there): its inside
 * q[*from..*to) and the offset just after its closing mark in *end.
 * Returns 0 when it is never closed (only a double mark can be left
 * open). */
static int phrase_span(parser *p, size_t open, size_t *from, size_t *to, size_t *end) {
    size_t olen = dquote_len(p->q, p->len, open);
    if (olen) {
        *from = open + olen;
        for (size_t i = *from; i < p->len; i++) {
            size_t k = dquote_len(p->q, p->len, i);
            if (k) {
                *to = i;
                *end = i + k;
                return 1;
            }
        }
        return 0;
    }
    size_t close = squote_close(p, open);
    *from = open + 3;
    *to = close;
    *end = close + 3;
    return 1;
}

/* The end of the run of '-' at q[i], and whether that run stands alone:
 * followed by a space, ')' or the end of the query, so that it is attached
 * to nothing it could negate. */
static int lone_dash(const char *q, size_t len, size_t i) {
    while (i < len && q[i] == '-') i++;
    return i == len || is_space((unsigned char)q[i]) || q[i] == ')';
}

static aj_err lone_dash_error(aj_ctx *c, size_t pos) {
    return aj_fail_at(c, AJ_ESYNTAX, pos,
                      "'-' stands alone: to leave a word out, write the dash "
                      "against it (-word or NOT word); otherwise remove the dash");
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

/* A leaf made of one folded word: a prefix ("cooperat*", text n + 1
 * bytes with the star) or a typo-tolerant word ("chnage~1", shown_len
 * bytes with its suffix).  what names the syntax in messages. */
static aj_err make_word(parser *p, aj_qkind kind, const char *s, size_t n,
                        size_t pos, size_t shown_len, uint32_t edits,
                        aj_qnode **out) {
    char word[AJ_MAX_WORD + 1];
    size_t wlen;
    aj_ctx tmp = {0};
    const char *mark = kind == Q_PREFIX ? "'*'" : "'~'";
    const char *what = kind == Q_PREFIX ? "a prefix" : "a typo-tolerant word";
    *out = NULL;
    if (n == 0)
        return aj_fail_at(p->c, AJ_ESYNTAX, pos,
                          "%s needs the beginning of a word before it", mark);
    if (aj_fold_word(&tmp, p->an, s, n, word, sizeof word, &wlen) != AJ_OK)
        return aj_fail_at(p->c, AJ_ESYNTAX, pos,
                          "%s must be one word of letters or digits before %s",
                          what, mark);
    if (++p->nclauses > AJ_MAX_QUERY_CLAUSES)
        return aj_fail_at(p->c, AJ_ELIMIT, pos,
                          "more than %u terms in the query",
                          AJ_MAX_QUERY_CLAUSES);
    aj_qnode *leaf = node_new(p, kind, pos);
    if (!leaf) return p->c->err;
    uint32_t need = kind == Q_FUZZY ? 2 : 1;
    leaf->terms = calloc(need, sizeof *leaf->terms);
    leaf->text = strndup(s, shown_len);
    aj_err e = leaf->terms && leaf->text ? AJ_OK : aj_fail(p->c, AJ_ENOMEM, "query word");
    if (!e) {
        leaf->nterms = need;
        leaf->terms[0] = strndup(word, wlen);
        if (!leaf->terms[0]) e = aj_fail(p->c, AJ_ENOMEM, "query word");
    }
    if (!e && kind == Q_FUZZY) {
        /* The word's own term: what the word matches without a typo. */
        const char *term;
        size_t tlen;
        uint32_t cps[AJ_MAX_WORD];
        e = aj_analyzer_term(p->c, p->an, word, wlen, &term, &tlen);
        if (!e && !(leaf->terms[1] = strndup(term, tlen)))
            e = aj_fail(p->c, AJ_ENOMEM, "query word");
        size_t ncp = aj_fuzzy_decode(word, wlen, cps, AJ_MAX_WORD);
        uint32_t cap = (uint32_t)aj_fuzzy_cap(ncp);
        leaf->edits = edits < cap ? edits : cap;
    }
    if (e) {
        node_free(leaf);
        return e;
    }
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
    if (phrase_at(p, i)) {
        size_t from, to;
        if (!phrase_span(p, i, &from, &to, &end)) return 0;
        s = p->q + from;
        n = to - from;
        if (memchr(s, '*', n)) return 0;
    } else {
        end = i;
        while (end < p->len && !delim_at(p, end)) end++;
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

/* The phrase whose opening mark is at p->at (phrase_at is true there);
 * *out is NULL when it holds no word. */
static aj_err lex_phrase(parser *p, aj_qnode **out) {
    size_t open = p->at, from, to, end;
    *out = NULL;
    if (!phrase_span(p, open, &from, &to, &end)) {
        size_t olen = dquote_len(p->q, p->len, open);
        return aj_fail_at(p->c, AJ_ESYNTAX, open,
                          "unterminated phrase: '%.*s' without a closing %s", (int)olen,
                          p->q + open, olen == 1 ? "'\"'" : "quotation mark");
    }
    const char *s = p->q + from;
    const char *star = memchr(s, '*', to - from);
    if (star)
        return aj_fail_at(p->c, AJ_ESYNTAX, (size_t)(star - p->q),
                          "'*' is not allowed inside a phrase");
    p->at = end;
    aj_err e = make_leaf(p, s, to - from, open, p->q + open, end - open, out);
    if (!e && *out) (*out)->quoted = 1;
    return e;
}

/* The word q[start..end): a prefix, a typo-tolerant word or a plain word
 * (NULL when it holds nothing to search for). */
static aj_err lex_word(parser *p, size_t start, size_t end, aj_qnode **out) {
    const char *w = p->q + start;
    size_t n = end - start;
    *out = NULL;
    const char *star = memchr(w, '*', n);
    if (star && star != w + n - 1)
        return aj_fail_at(p->c, AJ_ESYNTAX, (size_t)(star - p->q),
                          "'*' is only allowed at the end of a word");
    if (star) return make_word(p, Q_PREFIX, w, n - 1, start, n, 0, out);
    /* "word~", "word~1", "word~2"; elsewhere a '~' separates words as it
     * always did ("a~b" is the phrase "a b", "~2" the number 2). */
    const char *tilde = memrchr(w, '~', n);
    if (tilde) {
        size_t t = (size_t)(tilde - w), i = t + 1;
        while (i < n && w[i] >= '0' && w[i] <= '9') i++;
        if (i == n && t > 0) {
            if (n - t > 2 || (n - t == 2 && w[t + 1] != '1' && w[t + 1] != '2'))
                return aj_fail_at(p->c, AJ_ESYNTAX, start + t + 1,
                                  "'~' allows 1 or 2 edits (word~1, word~2)");
            uint32_t edits = n - t == 2 ? (uint32_t)(w[t + 1] - '0') : 1;
            return make_word(p, Q_FUZZY, w, t, start, n, edits, out);
        }
    }
    return make_leaf(p, w, n, start, w, n, out);
}

/* Reads the digits of a NEAR distance at *at (below end), leaving *at
 * after them. */
static aj_err near_distance(parser *p, size_t *at, size_t end, uint32_t *n) {
    size_t first = *at;
    uint64_t v = 0;
    while (*at < end && p->q[*at] >= '0' && p->q[*at] <= '9') {
        if (v <= AJ_NEAR_MAX) v = v * 10 + (uint64_t)(p->q[*at] - '0');
        (*at)++;
    }
    if (*at == first)
        return aj_fail_at(p->c, AJ_ESYNTAX, first,
                          "NEAR needs a whole number of words here");
    if (v > AJ_NEAR_MAX)
        return aj_fail_at(p->c, AJ_ESYNTAX, first,
                          "NEAR allows at most %u words between its items",
                          AJ_NEAR_MAX);
    *n = (uint32_t)v;
    return AJ_OK;
}

static aj_err push_kid(parser *p, aj_qnode *n, aj_qnode *kid);

/* NEAR(item item ... [, N]) starting at q[start], its '(' at p->at. */
static aj_err lex_near_group(parser *p, size_t start, aj_qnode **out) {
    size_t open = p->at++;
    aj_qnode *n = node_new(p, Q_NEAR, start);
    aj_err e = n ? AJ_OK : p->c->err;
    *out = NULL;
    if (n) n->near = AJ_NEAR_DEFAULT;
    while (!e) {
        while (p->at < p->len && is_space((unsigned char)p->q[p->at])) p->at++;
        if (p->at >= p->len) {
            e = aj_fail_at(p->c, AJ_ESYNTAX, open, "'NEAR(' is never closed");
            break;
        }
        char ch = p->q[p->at];
        if (ch == ')') {
            p->at++;
            break;
        }
        if (ch == ',') {
            p->at++;
            while (p->at < p->len && is_space((unsigned char)p->q[p->at])) p->at++;
            e = near_distance(p, &p->at, p->len, &n->near);
            while (!e && p->at < p->len && is_space((unsigned char)p->q[p->at])) p->at++;
            if (!e && p->at >= p->len)
                e = aj_fail_at(p->c, AJ_ESYNTAX, open, "'NEAR(' is never closed");
            else if (!e && p->q[p->at] != ')')
                e = aj_fail_at(p->c, AJ_ESYNTAX, p->at,
                               "expected ')' after the NEAR distance");
            else if (!e)
                p->at++;
            break;
        }
        aj_qnode *item = NULL;
        if (phrase_at(p, p->at)) {
            e = lex_phrase(p, &item);
        } else if (ch == '(') {
            e = aj_fail_at(p->c, AJ_ESYNTAX, p->at,
                           "NEAR( ) takes words, phrases and prefixes, not groups");
        } else if (ch == '-' && lone_dash(p->q, p->len, p->at)) {
            e = lone_dash_error(p->c, p->at);
        } else {
            size_t w = p->at;
            while (p->at < p->len && !delim_at(p, p->at) && p->q[p->at] != ',')
                p->at++;
            size_t len = p->at - w;
            const char *s = p->q + w;
            if ((len == 3 && (!memcmp(s, "AND", 3) || !memcmp(s, "NOT", 3))) ||
                (len == 2 && !memcmp(s, "OR", 2)) ||
                (len >= 4 && !memcmp(s, "NEAR", 4) && (len == 4 || s[4] == '/')) ||
                (s[0] == '-' && len > 1))
                e = aj_fail_at(p->c, AJ_ESYNTAX, w,
                               "NEAR( ) takes words, phrases and prefixes, not "
                               "operators");
            else
                e = lex_word(p, w, p->at, &item);
        }
        if (!e && item) e = push_kid(p, n, item);
    }
    if (!e && n->nkids < 2)
        e = aj_fail_at(p->c, AJ_ESYNTAX, start,
                       "NEAR needs at least two words or phrases");
    if (!e && !(n->text = strndup(p->q + start, p->at - start)))
        e = aj_fail(p->c, AJ_ENOMEM, "query text");
    if (e) {
        node_free(n);
        return e;
    }
    *out = n;
    return AJ_OK;
}

/* Reads the next token into p->kind; words that analyze to nothing are
 * skipped here, as if they were not in the query. */
static aj_err read_token(parser *p) {
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
        if (ch == '-') {
            /* A dash standing alone ("security - maritime") could mean NOT
             * or be punctuation pasted with a title; guessing either way
             * would answer another question, so it is an error. */
            if (lone_dash(p->q, p->len, p->at)) return lone_dash_error(p->c, p->at);
            /* A dash attached to a word or phrase with nothing to search
             * for ("-&", "-\"\"") is ignored with it, like the word alone. */
            if (attached_is_empty(p, p->at + 1)) continue;
            p->at++;
            p->kind = T_NEG;
            return AJ_OK;
        }
        if (phrase_at(p, p->at)) {
            aj_err e = lex_phrase(p, &p->leaf);
            if (e) return e;
            if (!p->leaf) continue;
            p->kind = T_LEAF;
            return AJ_OK;
        }
        size_t start = p->at;
        while (p->at < p->len && !delim_at(p, p->at)) p->at++;
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
        if (n >= 4 && memcmp(w, "NEAR", 4) == 0 &&
            (n == 4 || w[4] == '/')) {
            if (n == 4 && p->at < p->len && p->q[p->at] == '(') {
                aj_err e = lex_near_group(p, start, &p->leaf);
                if (e) return e;
                p->kind = T_LEAF;
                return AJ_OK;
            }
            p->near = AJ_NEAR_DEFAULT;
            if (n > 4) {
                size_t at = start + 5;
                aj_err e = near_distance(p, &at, start + n, &p->near);
                if (e) return e;
                if (at < start + n)
                    return aj_fail_at(p->c, AJ_ESYNTAX, at,
                                      "NEAR/ needs a whole number of words "
                                      "(NEAR/5)");
            }
            p->kind = T_NEAR;
            return AJ_OK;
        }
        aj_err e = lex_word(p, start, p->at, &p->leaf);
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
    case T_NEAR: return "NEAR";
    default: return "a term";
    }
}

/* a NEAR/N b NEAR/N c ...: *out holds a, which ended at byte end; on
 * success it is the NEAR node. */
static aj_err parse_near_chain(parser *p, aj_qnode **out, size_t end) {
    aj_qnode *first = *out;
    if (first->kind == Q_NEAR)
        return aj_fail_at(p->c, AJ_ESYNTAX, p->tpos,
                          "NEAR( ) cannot be an item of NEAR");
    aj_qnode *n = node_new(p, Q_NEAR, first->pos);
    if (!n) return p->c->err;
    n->near = p->near;
    aj_err e = push_kid(p, n, first);
    *out = n; /* freed by the caller on error, with the items */
    while (!e && p->kind == T_NEAR) {
        size_t at = p->tpos;
        if (p->near != n->near)
            return aj_fail_at(p->c, AJ_ESYNTAX, at,
                              "a chain of NEARs needs one distance; write "
                              "NEAR(a b c, N)");
        e = read_token(p);
        if (e) return e;
        if (p->kind != T_LEAF || p->leaf->kind == Q_NEAR)
            return aj_fail_at(p->c, AJ_ESYNTAX, at,
                              "NEAR needs a word, phrase or prefix after it");
        e = push_kid(p, n, p->leaf);
        p->leaf = NULL;
        end = p->at;
        if (!e) e = read_token(p);
    }
    if (!e && !(n->text = strndup(p->q + first->pos, end - first->pos)))
        e = aj_fail(p->c, AJ_ENOMEM, "query text");
    return e;
}

static aj_err parse_primary(parser *p, aj_qnode **out) {
    *out = NULL;
    if (p->kind == T_LEAF) {
        *out = p->leaf;
        p->leaf = NULL;
        size_t end = p->at;
        aj_err e = read_token(p);
        if (!e && p->kind == T_NEAR) e = parse_near_chain(p, out, end);
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
        aj_err e = read_token(p);
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
        e = read_token(p);
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
        aj_err e = read_token(p);
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
            e = read_token(p);
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
        e = read_token(p);
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
    if (aj_qleaf(n->kind)) {
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
    parser p = {.c = c, .an = an, .q = q, .len = len, .query = query,
                .sq_from = SIZE_MAX};
    aj_qnode *root = NULL;
    aj_err e = read_token(&p);
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
    case Q_FUZZY: PUT("%s~%u", n->terms[0], n->edits); break;
    case Q_NEAR:
        PUT("(NEAR/%u", n->near);
        for (uint32_t i = 0; i < n->nkids; i++) {
            PUT(" ");
            fmt(n->kids[i], buf, cap, at);
        }
        PUT(")");
        break;
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
