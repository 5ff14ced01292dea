/* expand_rules.c - which alternatives a clause of the query gets: the
 * rules of expand.h, one function each, and the dictionary look-ups
 * behind them.  Every alternative is something the index has (a word of
 * its word dictionary, a definition of its acronym table) or a country
 * form of country.h's table that the index has; nothing comes from a word
 * list. */
#include "query/expand_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ajsearch.h"
#include "analysis/country.h"
#include "format/dict.h"

#define MAX_LONG_FORMS 3     /* long forms one acronym gets */
#define MIN_HALF 3           /* bytes of each half of a split word */
#define MIN_GLUE 2           /* bytes of each word glued to another */
#define MIN_TAIL 4           /* bytes of a word found glued after another
                                (shorter tails are mostly suffixes: -est) */
#define SPLIT_MAX_DF 10      /* words in more paragraphs than this and */
#define SPLIT_SHARE 1000     /* than 1/1000 of them are not split */
#define MAX_GLUED_DF 2       /* a word in at most this many paragraphs may
                                be two glued by a lost line end */
#define MIN_TAIL_DF 3        /* paragraphs of the other half of such a
                                word when one half is a small word */
#define MAX_SCAN 256         /* dictionary words looked at for words glued
                                to the next one */
#define GLUED_SHARE 20       /* a word is this many times as frequent as a
                                glued form of it: the form is not worth it */
#define MIN_GLUED_HEAD 4     /* bytes of a query word looked for glued to
                                the next one */
#define MAX_GLUED_ALTS 3     /* such glued words one query word gets */

/* ---- the dictionaries ---- */

/* Paragraphs holding word w[0..len) as written (folded); 0 when none. */
static aj_err word_df(aj_ctx *c, aj_expander *x, const char *w, size_t len, uint32_t *df) {
    int64_t id;
    aj_term_info info;
    *df = 0;
    if (len == 0 || len > AJ_MAX_WORD) return AJ_OK;
    aj_err e = aj_dict_find(c, &x->ix->words, w, len, &id, &info);
    if (!e && id >= 0) *df = info.df;
    return e;
}

/* Paragraphs holding term t; 0 when none. */
static aj_err term_df(aj_ctx *c, aj_expander *x, const char *t, uint32_t *df) {
    int64_t id;
    aj_term_info info;
    *df = 0;
    aj_err e = aj_dict_find(c, &x->ix->terms, t, strlen(t), &id, &info);
    if (!e && id >= 0) *df = info.df;
    return e;
}

/* The term of folded word w[0..len), copied into the per-query arena. */
static aj_err term_of_word(aj_ctx *c, aj_expander *x, aj_analyzer *an, const char *w,
                           size_t len, const char **out) {
    const char *t;
    size_t tl;
    aj_err e = aj_analyzer_term(c, an, w, len, &t, &tl);
    if (e) return e;
    *out = aj_xp_strndup(&x->tmp, t, tl);
    return *out ? AJ_OK : aj_fail(c, AJ_ENOMEM, "query expansion");
}

/* ---- compounds ---- */

/* Words a and b written as one, when that is a word of the corpus: *out
 * (in the arena), else NULL. */
static aj_err glued_word(aj_ctx *c, aj_expander *x, const char *a, const char *b,
                         char **out) {
    size_t la = strlen(a), lb = strlen(b);
    *out = NULL;
    if (la < MIN_GLUE || lb < MIN_GLUE || la + lb > AJ_MAX_WORD) return AJ_OK;
    char g[2 * AJ_MAX_WORD + 1];
    memcpy(g, a, la);
    memcpy(g + la, b, lb);
    g[la + lb] = 0;
    uint32_t df;
    aj_err e = word_df(c, x, g, la + lb, &df);
    if (e || !df) return e;
    *out = aj_xp_strndup(&x->tmp, g, la + lb);
    return *out ? AJ_OK : aj_fail(c, AJ_ENOMEM, "query expansion");
}

/* The best cut of word w into two words of the corpus, the one whose
 * rarer half is the most frequent: *cut = the length of the first half,
 * 0 when there is none.  Cuts fall between code points.  damaged: w is
 * rare enough (in at most MAX_GLUED_DF paragraphs) to be two words glued
 * by a lost line end, so one half may be a small word ("peopleto" is
 * "people to") when the other is in at least MIN_TAIL_DF paragraphs. */
static aj_err best_split(aj_ctx *c, aj_expander *x, const char *w, int damaged,
                         size_t *cut) {
    size_t len = strlen(w);
    uint32_t best = 0;
    *cut = 0;
    for (size_t i = 1; i < len; i++) {
        if (((unsigned char)w[i] & 0xC0) == 0x80) continue;
        uint32_t d1, d2;
        /* "errand" is not "err and": a small word is no half unless the
         * word looks damaged, and a half shorter than MIN_HALF must be a
         * small word. */
        char head[AJ_MAX_WORD + 1];
        memcpy(head, w, i);
        head[i] = 0;
        int sh = aj_xp_is_small_word(head), st = aj_xp_is_small_word(w + i);
        if ((i < MIN_HALF && !sh) || (len - i < MIN_HALF && !st)) continue;
        if ((sh || st) && (!damaged || (sh && st))) continue;
        aj_err e = word_df(c, x, w, i, &d1);
        if (!e && d1) e = word_df(c, x, w + i, len - i, &d2);
        else d2 = 0;
        if (e) return e;
        uint32_t m = d1 < d2 ? d1 : d2;
        if ((sh || st) && (sh ? d2 : d1) < MIN_TAIL_DF) continue;
        if (m > best) {
            best = m;
            *cut = i;
        }
    }
    return AJ_OK;
}

/* Words of the corpus that are a form of term t glued to a following word
 * ("transition" in "transitionsthrough", a line-end hyphen lost): rare
 * words (df <= MAX_GLUED_DF) that start with t and cut into a word whose
 * term is t (whether or not the corpus has that word alone) and a common
 * word (df >= MIN_TAIL_DF), when t's own df (tdf) is less than
 * GLUED_SHARE times the glued word's.  Up to cap of them go to out[] (in
 * the arena); *n their number. */
static aj_err words_glued_to_next(aj_ctx *c, aj_expander *x, aj_analyzer *an, const char *t,
                                  uint32_t tdf, char **out, uint32_t cap, uint32_t *n) {
    size_t tl = strlen(t);
    uint64_t id;
    aj_dict_iter it;
    *n = 0;
    /* Beside a word that frequent, no glued form could be worth adding:
     * the dictionary is not scanned. */
    if (tdf >= GLUED_SHARE * MAX_GLUED_DF) return AJ_OK;
    aj_err e = aj_dict_lower_bound(c, &x->ix->words, t, tl, &id);
    if (!e) e = aj_dict_iter_seek(c, &x->ix->words, id, &it);
    for (int k = 0; !e && k < MAX_SCAN && *n < cap && it.id < x->ix->words.nterms &&
                    it.len >= tl && !memcmp(it.buf, t, tl);
         k++, e = e ? e : aj_dict_iter_next(c, &it)) {
        /* A common word loses little to a few glued forms, and its long
         * look-alikes are more often true compounds ("without"). */
        if (it.info.df > MAX_GLUED_DF || it.len < tl + MIN_HALF ||
            tdf >= GLUED_SHARE * it.info.df)
            continue;
        char g[AJ_MAX_WORD + 1];
        memcpy(g, it.buf, it.len);
        g[it.len] = 0;
        /* A word whose term is t ("unchangeable" for unchang) is matched
         * by t already. */
        const char *gt;
        size_t gtl;
        e = aj_analyzer_term(c, an, g, it.len, &gt, &gtl);
        if (e || (gtl == tl && !memcmp(gt, t, tl))) continue;
        for (size_t p = tl; !e && p + MIN_TAIL <= it.len; p++) {
            if (((unsigned char)g[p] & 0xC0) == 0x80) continue;
            const char *xt;
            size_t xl;
            uint32_t dy;
            e = aj_analyzer_term(c, an, g, p, &xt, &xl);
            if (e || xl != tl || memcmp(xt, t, tl)) continue;
            e = word_df(c, x, g + p, it.len - p, &dy);
            if (e || dy < MIN_TAIL_DF) continue;
            out[*n] = aj_xp_strndup(&x->tmp, g, it.len);
            if (!out[*n]) return aj_fail(c, AJ_ENOMEM, "query expansion");
            ++*n;
            break;
        }
    }
    return e;
}

/* ---- countries ---- */

/* country.h's forms as the analyzer makes them, with their row and
 * spelling. */
static aj_err load_countries(aj_ctx *c, aj_expander *x, aj_analyzer *an) {
    uint32_t n = 0;
    x->cloaded = 1;
    for (size_t i = 0; i < aj_country_count(); i++)
        for (const char *const *f = aj_country_forms(i); *f; f++) n++;
    x->cforms = calloc(n, sizeof *x->cforms);
    x->crow = calloc(n, sizeof *x->crow);
    x->cnames = calloc(n, sizeof *x->cnames);
    if (!x->cforms || !x->crow || !x->cnames) return aj_fail(c, AJ_ENOMEM, "countries");
    for (size_t i = 0; i < aj_country_count(); i++)
        for (const char *const *f = aj_country_forms(i); *f; f++) {
            aj_err e = aj_xp_analyze_words(c, an, &x->keep, *f, strlen(*f),
                                           &x->cforms[x->ncforms]);
            if (e) return e;
            x->cnames[x->ncforms] = *f;
            x->crow[x->ncforms++] = (uint32_t)i;
        }
    return AJ_OK;
}

/* Whether out has an alternative of terms t[0..n) already. */
static int has_alt_terms(const node_list *out, const char *const *t, uint32_t n) {
    for (uint32_t i = 0; i < out->n; i++) {
        const aj_qnode *a = out->v[i];
        uint32_t k = 0;
        while (a->nterms == n && k < n && !strcmp(a->terms[k], t[k])) k++;
        if (a->nterms == n && k == n) return 1;
    }
    return 0;
}

/* ---- adding an alternative ---- */

/* Makes a's leaf as an alternative of leaf l and adds it to out (unless
 * the query may get no more). */
static aj_err add_alt(aj_ctx *c, aj_expander *x, const aj_qnode *l, const pending_alt *a,
                      node_list *out) {
    aj_qnode *leaf;
    aj_err e = aj_xp_make_alt(c, x, l->text, a, l->pos, &leaf);
    if (!e && leaf) e = aj_xp_push_node(c, out, leaf);
    return e;
}

/* add_alt for terms[0..n), shown as the corpus writes them. */
static aj_err add_alt_as_written(aj_ctx *c, aj_expander *x, aj_analyzer *an,
                                 const aj_qnode *l, const char *const *terms, uint32_t n,
                                 node_list *out) {
    pending_alt a;
    a.terms = terms;
    a.n = n;
    aj_err e = aj_xp_show_as_written(c, x, an, &a);
    return e ? e : add_alt(c, x, l, &a, out);
}

/* The alternative that is acronym r, shown as its definition writes it. */
static void alt_of_acronym(pending_alt *a, const acronym_def *r) {
    a->terms = (const char *const *)r->acr.terms;
    a->n = r->acr.n;
    snprintf(a->shown, sizeof a->shown, "%s", r->shown);
    snprintf(a->text, sizeof a->text, "%s", r->shown);
}

/* ---- the rules for one word or phrase ---- */

static int count_capitals(const char *s) {
    int n = 0;
    for (; *s; s++) n += *s >= 'A' && *s <= 'Z';
    return n;
}

/* Acronym -> long forms: a word (or phrase) written with at least two
 * capitals that the corpus defines as an acronym also matches the phrase
 * of each of its long forms, the MAX_LONG_FORMS most frequent.  Capitals
 * are required because a common word may be an acronym too: "some" is
 * not SOME, the Senior Officials Meeting on Energy. */
static aj_err alts_long_forms_of_acronym(aj_ctx *c, aj_expander *x, aj_analyzer *an,
                                         const aj_qnode *l, const word_list *w,
                                         node_list *out) {
    if (count_capitals(l->text) < 2) return AJ_OK;
    aj_err e = AJ_OK;
    if (aj_acronym_count(x->ix) && !x->loaded) e = aj_xp_load_acronyms(c, x, an);
    if (e || !x->nacros) return e;
    char *key = aj_xp_join_words(&x->tmp, w, 0, w->n);
    if (!key) return aj_fail(c, AJ_ENOMEM, "query expansion");
    uint32_t lo, hi;
    aj_xp_acronyms_with_key(x, key, &lo, &hi);
    for (uint32_t i = lo; !e && i < hi && i < lo + MAX_LONG_FORMS; i++) {
        const acronym_def *r = &x->acros[i];
        pending_alt a;
        a.terms = (const char *const *)r->lf.terms;
        a.n = r->lf.n;
        snprintf(a.shown, sizeof a.shown, "\"%s\"", r->long_shown);
        snprintf(a.text, sizeof a.text, "\"%s\"", r->long_shown);
        e = add_alt(c, x, l, &a, out);
    }
    return e;
}

/* Long form -> acronym, for a phrase: a phrase whose content words (the
 * small words left out, since writers add and drop them) are a long
 * form's, or its first 3 or more, also matches the acronym.  Words typed
 * one by one are the same rule over a run (run_alt_acronym). */
static aj_err alts_acronym_of_phrase(aj_ctx *c, aj_expander *x, aj_analyzer *an,
                                     const aj_qnode *l, const word_list *w, node_list *out) {
    if (!aj_acronym_count(x->ix)) return AJ_OK;
    const char **ct = aj_xp_alloc(&x->tmp, w->n * sizeof *ct);
    uint32_t nc = 0;
    int maybe = 0;
    if (!ct) return aj_fail(c, AJ_ENOMEM, "query expansion");
    for (uint32_t i = 0; i < w->n; i++)
        if (!aj_xp_is_small_word(w->words[i])) ct[nc++] = w->terms[i];
    aj_err e = nc >= 2 ? aj_xp_long_form_may_start(c, x, an, ct[0], &maybe) : AJ_OK;
    const acronym_def *r = !e && maybe ? aj_xp_acronym_of_long_form(x, ct, nc) : NULL;
    if (!r) return e;
    pending_alt a;
    alt_of_acronym(&a, r);
    return add_alt(c, x, l, &a, out);
}

/* Whether a word in tdf paragraphs is rare enough to be looked at as two
 * words glued together: glued forms are rare, and a common word is spared
 * the look-ups (one per cut). */
static int rare_enough_to_split(const aj_expander *x, uint32_t tdf) {
    return tdf <= SPLIT_MAX_DF || tdf <= x->ix->nparas / SPLIT_SHARE;
}

/* Whether word w is a number.  The analyzer makes a word of letters or
 * of digits, never both ("4IR" is 4 and ir), and folds other digits to
 * ASCII, so a word that starts with a digit is one. */
static int is_number(const char *w) {
    return w[0] >= '0' && w[0] <= '9';
}

/* Split: a word that is two words of the corpus glued together also
 * matches the phrase of its halves (cybersecurity -> "cyber security");
 * the caller has checked that it is rare enough to be glued. */
static aj_err alts_halves_of_word(aj_ctx *c, aj_expander *x, aj_analyzer *an,
                                  const aj_qnode *l, const word_list *w, uint32_t tdf,
                                  node_list *out) {
    const char *wd = w->words[0];
    const char *t[2];
    size_t cut;
    aj_err e = best_split(c, x, wd, tdf <= MAX_GLUED_DF, &cut);
    if (e || !cut) return e;
    e = term_of_word(c, x, an, wd, cut, &t[0]);
    if (!e) e = term_of_word(c, x, an, wd + cut, strlen(wd) - cut, &t[1]);
    return e ? e : add_alt_as_written(c, x, an, l, t, 2, out);
}

/* Glued to the next word: a word also matches the rare words of the
 * corpus that are a form of it followed by a common word, the remains of
 * a hyphen lost at a line end (transition -> transitionsthrough). */
static aj_err alts_words_glued_to_next(aj_ctx *c, aj_expander *x, aj_analyzer *an,
                                       const aj_qnode *l, const word_list *w, uint32_t tdf,
                                       node_list *out) {
    if (strlen(w->words[0]) < MIN_GLUED_HEAD) return AJ_OK;
    char *g[MAX_GLUED_ALTS];
    uint32_t ng;
    aj_err e = words_glued_to_next(c, x, an, w->terms[0], tdf, g, MAX_GLUED_ALTS, &ng);
    for (uint32_t i = 0; !e && i < ng; i++) {
        const char *t;
        e = term_of_word(c, x, an, g[i], strlen(g[i]), &t);
        if (!e) e = add_alt_as_written(c, x, an, l, &t, 1, out);
    }
    return e;
}

/* Country: a word that is a country's name or adjective in country.h's
 * table (term t) also matches the country's other forms that the corpus
 * has, each once and spelled as the table spells it, since a name is
 * written one way by every reader (Korea -> Korean, Burma -> Myanmar). */
static aj_err alts_country_forms(aj_ctx *c, aj_expander *x, aj_analyzer *an,
                                 const aj_qnode *l, const char *t, node_list *out) {
    aj_err e = x->cloaded ? AJ_OK : load_countries(c, x, an);
    if (e) return e;
    uint32_t f = 0;
    while (f < x->ncforms && !(x->cforms[f].n == 1 && !strcmp(x->cforms[f].terms[0], t))) f++;
    if (f == x->ncforms) return AJ_OK;
    for (uint32_t g = 0; !e && g < x->ncforms; g++) {
        const word_list *v = &x->cforms[g];
        if (x->crow[g] != x->crow[f] || !v->n) continue;
        if (v->n == 1 && !strcmp(v->terms[0], t)) continue;
        if (has_alt_terms(out, (const char *const *)v->terms, v->n)) continue;
        uint32_t df = 1;
        for (uint32_t i = 0; !e && df && i < v->n; i++) e = term_df(c, x, v->terms[i], &df);
        if (e || !df) continue;
        pending_alt a;
        a.terms = (const char *const *)v->terms;
        a.n = v->n;
        const char *name = x->cnames[g];
        snprintf(a.shown, sizeof a.shown, "%s%s%s", v->n > 1 ? "\"" : "", name,
                 v->n > 1 ? "\"" : "");
        snprintf(a.text, sizeof a.text, "%s", a.shown);
        e = add_alt(c, x, l, &a, out);
    }
    return e;
}

/* The terms of phrase w with word i replaced by the terms of its halves,
 * cut bytes and the rest, into the arena (*terms, *n). */
static aj_err terms_with_word_split(aj_ctx *c, aj_expander *x, aj_analyzer *an,
                                    const word_list *w, uint32_t i, size_t cut,
                                    const char ***terms, uint32_t *n) {
    const char *wd = w->words[i];
    const char **t = aj_xp_alloc(&x->tmp, (w->n + 1) * sizeof *t);
    *terms = t;
    *n = 0;
    if (!t) return aj_fail(c, AJ_ENOMEM, "query expansion");
    aj_err e = AJ_OK;
    for (uint32_t j = 0; !e && j < w->n; j++) {
        if (j != i) {
            t[(*n)++] = w->terms[j];
            continue;
        }
        e = term_of_word(c, x, an, wd, cut, &t[(*n)++]);
        if (!e) e = term_of_word(c, x, an, wd + cut, strlen(wd) - cut, &t[(*n)++]);
    }
    return e;
}

/* Split inside a phrase: a word of a phrase (or of a hyphenated word)
 * that looks damaged, in at most MAX_GLUED_DF paragraphs, is split as a
 * damaged word is, and the phrase with its halves is an alternative
 * (peopleto-people -> "people to people").  Numbers are left whole: the
 * digits of one are not two numbers written together. */
static aj_err alts_phrase_with_word_split(aj_ctx *c, aj_expander *x, aj_analyzer *an,
                                          const aj_qnode *l, const word_list *w,
                                          node_list *out) {
    aj_err e = AJ_OK;
    for (uint32_t i = 0; !e && i < w->n; i++) {
        const char *wd = w->words[i];
        uint32_t df, n;
        size_t cut;
        const char **t;
        if (is_number(wd)) continue;
        e = word_df(c, x, wd, strlen(wd), &df);
        if (e || df > MAX_GLUED_DF) continue;
        e = best_split(c, x, wd, 1, &cut);
        if (e || !cut) continue;
        e = terms_with_word_split(c, x, an, w, i, cut, &t, &n);
        if (!e) e = add_alt_as_written(c, x, an, l, t, n, out);
    }
    return e;
}

/* Glue inside a phrase: two neighbours of a phrase (or parts of a
 * hyphenated word) that the corpus also writes as one word give the
 * phrase with that word ("people to people" -> "peopleto people"). */
static aj_err alts_phrase_with_neighbours_glued(aj_ctx *c, aj_expander *x, aj_analyzer *an,
                                                const aj_qnode *l, const word_list *w,
                                                node_list *out) {
    aj_err e = AJ_OK;
    for (uint32_t i = 0; !e && i + 1 < w->n; i++) {
        char *g;
        e = glued_word(c, x, w->words[i], w->words[i + 1], &g);
        if (e || !g) continue;
        const char **t = aj_xp_alloc(&x->tmp, w->n * sizeof *t);
        if (!t) return aj_fail(c, AJ_ENOMEM, "query expansion");
        uint32_t n = 0;
        for (uint32_t j = 0; !e && j < w->n; j++) {
            if (j == i) {
                e = term_of_word(c, x, an, g, strlen(g), &t[n++]);
                j++;
            } else {
                t[n++] = w->terms[j];
            }
        }
        if (!e) e = add_alt_as_written(c, x, an, l, t, n, out);
    }
    return e;
}

/* The rules in the order their alternatives are listed: the acronym ones,
 * then for a word split, glued to the next word and country, for a phrase
 * its split and glued words.  The order decides which alternatives a
 * query gets when it reaches MAX_ALTS or its budget of terms. */
aj_err aj_xp_leaf_alts(aj_ctx *c, aj_expander *x, aj_analyzer *an, const aj_qnode *l,
                       const word_list *w, int negated, node_list *out) {
    if (!w->n) return AJ_OK;
    aj_err e = alts_long_forms_of_acronym(c, x, an, l, w, out);
    if (e) return e;
    if (l->kind == Q_PHRASE) {
        e = alts_acronym_of_phrase(c, x, an, l, w, out);
        if (!e) e = alts_phrase_with_word_split(c, x, an, l, w, out);
        if (!e) e = alts_phrase_with_neighbours_glued(c, x, an, l, w, out);
        return e;
    }
    /* A single word.  Its df (one look-up) spares the two compound rules
     * their dictionary scans for the many words they cannot apply to;
     * without it a typical query cost twice as much. */
    uint32_t tdf;
    e = term_df(c, x, w->terms[0], &tdf);
    if (e) return e;
    if (rare_enough_to_split(x, tdf)) {
        /* A number is not split, as in a phrase: the digits of one are
         * not two numbers written together.  The rules below still apply
         * to it (a number glued to the next word is as findable as a
         * word). */
        if (!is_number(w->words[0])) e = alts_halves_of_word(c, x, an, l, w, tdf, out);
    }
    if (!e) e = alts_words_glued_to_next(c, x, an, l, w, tdf, out);
    /* Not inside a NOT: an acronym and its long form, or a glued and a
     * split word, are one name excluded together, but an adjective is
     * another word ("denuclear* NOT Korea" keeps the Korean Peninsula). */
    if (!e && !negated) e = alts_country_forms(c, x, an, l, w->terms[0], out);
    return e;
}

/* ---- the rules for a run of words in an AND ---- */

/* The query text of kids [i, j] of n, as the user wrote each. */
static void run_text(const aj_qnode *n, uint32_t i, uint32_t j, char *buf, size_t cap) {
    size_t k = 0;
    buf[0] = 0;
    for (uint32_t t = i; t <= j && k < cap; t++)
        k += (size_t)snprintf(buf + k, cap - k, "%s%s", t > i ? " " : "", n->kids[t]->text);
}

/* The longest run of kids from kid i whose content terms are a long form
 * (all of it, or its first 3 or more): *found, and *last its last kid.  A
 * run starts with a content word, has at least two kids, and ends with a
 * content word. */
static aj_err find_long_form_run(aj_ctx *c, aj_expander *x, aj_analyzer *an,
                                 const aj_qnode *n, const word_list *ws, uint32_t i,
                                 uint32_t *last, const acronym_def **found) {
    const char *ct[MAX_RUN_TERMS];
    uint32_t nc = 0;
    int maybe;
    *found = NULL;
    if (!ws[i].n || aj_xp_is_small_word(ws[i].words[0])) return AJ_OK;
    /* The second kid must have words; the first content term is kid i's. */
    if (i + 1 >= n->nkids || !ws[i + 1].n) return AJ_OK;
    aj_err e = aj_xp_long_form_may_start(c, x, an, ws[i].terms[0], &maybe);
    if (e || !maybe) return e;
    for (uint32_t k = i; k < n->nkids && k < i + MAX_RUN; k++) {
        const word_list *w = &ws[k];
        if (!w->n || nc + w->n > sizeof ct / sizeof *ct) break;
        for (uint32_t t = 0; t < w->n; t++)
            if (!aj_xp_is_small_word(w->words[t])) ct[nc++] = w->terms[t];
        if (k == i || aj_xp_is_small_word(w->words[w->n - 1])) continue;
        const acronym_def *r = aj_xp_acronym_of_long_form(x, ct, nc);
        if (r && nc >= 2) {
            *found = r;
            *last = k;
        }
    }
    return AJ_OK;
}

/* Long form -> acronym, for words typed one by one: kids [i, last] of n
 * that spell long form r also match r's acronym. */
static aj_err run_alt_acronym(aj_ctx *c, aj_expander *x, const aj_qnode *n, uint32_t i,
                              uint32_t last, const acronym_def *r, aj_qnode **leaf) {
    char from[1200];
    pending_alt a;
    alt_of_acronym(&a, r);
    run_text(n, i, last, from, sizeof from);
    return aj_xp_make_alt(c, x, from, &a, n->kids[i]->pos, leaf);
}

/* Glue: two neighbouring words of an AND (words a and b) whose
 * concatenation is a word of the corpus also match that word (cyber
 * security -> cybersecurity). */
static aj_err run_alt_glued_pair(aj_ctx *c, aj_expander *x, aj_analyzer *an,
                                 const aj_qnode *n, uint32_t i, const char *a,
                                 const char *b, aj_qnode **leaf) {
    char *g;
    const char *t;
    aj_err e = glued_word(c, x, a, b, &g);
    if (e || !g) return e;
    e = term_of_word(c, x, an, g, strlen(g), &t);
    if (e) return e;
    char from[1200];
    pending_alt p;
    p.terms = &t;
    p.n = 1;
    e = aj_xp_show_as_written(c, x, an, &p);
    run_text(n, i, i + 1, from, sizeof from);
    return e ? e : aj_xp_make_alt(c, x, from, &p, n->kids[i]->pos, leaf);
}

/* A long form that starts at kid i is preferred to gluing kid i to its
 * neighbour: its acronym stands for the whole name. */
aj_err aj_xp_run_alt(aj_ctx *c, aj_expander *x, aj_analyzer *an, const aj_qnode *n,
                     const word_list *ws, uint32_t i, uint32_t *last, aj_qnode **leaf) {
    const acronym_def *r = NULL;
    *leaf = NULL;
    aj_err e = aj_acronym_count(x->ix) ? find_long_form_run(c, x, an, n, ws, i, last, &r)
                                       : AJ_OK;
    if (e) return e;
    if (r) return run_alt_acronym(c, x, n, i, *last, r, leaf);
    if (i + 1 < n->nkids && ws[i].n == 1 && ws[i + 1].n == 1) {
        *last = i + 1;
        return run_alt_glued_pair(c, x, an, n, i, ws[i].words[0], ws[i + 1].words[0], leaf);
    }
    return AJ_OK;
}
