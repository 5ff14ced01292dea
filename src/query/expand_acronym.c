/* expand_acronym.c - the index's acronym definitions (analysis/acronym.h,
 * FORMAT.md ACRONYMS) as expansion looks them up: by acronym, and by the
 * content words of a long form.  Both tables are analyzed the first time
 * a query can use them (see struct aj_expander). */
#include "query/expand_internal.h"

#include <stdlib.h>
#include <string.h>

#include "ajsearch.h"

/* Definitions of one acronym: the most frequent first, then by long form
 * and acronym as written, so that equal counts come out in one order on
 * every platform (qsort is not stable). */
static int cmp_def_by_count(const acronym_def *x, const acronym_def *y) {
    if (x->count != y->count) return x->count > y->count ? -1 : 1;
    int k = strcmp(x->long_shown, y->long_shown);
    return k ? k : strcmp(x->shown, y->shown);
}

/* x->acros's order: by key, then as cmp_def_by_count. */
static int cmp_def_by_key(const void *a, const void *b) {
    const acronym_def *x = a, *y = b;
    int k = strcmp(x->key, y->key);
    return k ? k : cmp_def_by_count(x, y);
}

/* x->bylong's order: by first content term, then as cmp_def_by_count,
 * then by key. */
static int cmp_def_by_first_content(const void *a, const void *b) {
    const acronym_def *x = *(const acronym_def *const *)a;
    const acronym_def *y = *(const acronym_def *const *)b;
    int k = strcmp(x->content[0], y->content[0]);
    if (k) return k;
    k = cmp_def_by_count(x, y);
    return k ? k : strcmp(x->key, y->key);
}

/* Keeps the definitions that can be looked up both ways: an acronym with
 * words (its key) and a long form of at least two words, one of them not
 * small (its content terms). */
aj_err aj_xp_load_acronyms(aj_ctx *c, aj_expander *x, aj_analyzer *an) {
    uint32_t n = aj_acronym_count(x->ix);
    x->loaded = 1;
    if (!n) return AJ_OK;
    x->acros = calloc(n, sizeof *x->acros);
    x->bylong = calloc(n, sizeof *x->bylong);
    if (!x->acros || !x->bylong) return aj_fail(c, AJ_ENOMEM, "acronyms");
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++) {
        aj_acronym d;
        aj_err e = aj_acronym_get(c, x->ix, i, &d);
        if (e) return e;
        acronym_def *r = &x->acros[k];
        r->shown = d.acronym;
        r->long_shown = d.long_form;
        r->count = d.count;
        e = aj_xp_analyze_words(c, an, &x->keep, d.acronym, strlen(d.acronym), &r->acr);
        if (!e)
            e = aj_xp_analyze_words(c, an, &x->keep, d.long_form, strlen(d.long_form), &r->lf);
        if (e) return e;
        if (!r->acr.n || r->lf.n < 2) continue;
        r->key = aj_xp_join_words(&x->keep, &r->acr, 0, r->acr.n);
        r->content = aj_xp_alloc(&x->keep, r->lf.n * sizeof *r->content);
        if (!r->key || !r->content) return aj_fail(c, AJ_ENOMEM, "acronyms");
        for (uint32_t j = 0; j < r->lf.n; j++)
            if (!aj_xp_is_small_word(r->lf.words[j])) r->content[r->ncontent++] = r->lf.terms[j];
        if (!r->ncontent) continue;
        k++;
    }
    x->nacros = k;
    qsort(x->acros, k, sizeof *x->acros, cmp_def_by_key);
    for (uint32_t i = 0; i < k; i++) x->bylong[i] = &x->acros[i];
    qsort(x->bylong, k, sizeof *x->bylong, cmp_def_by_first_content);
    return AJ_OK;
}

/* The term of a long form's first word that is not small, which is what
 * aj_xp_load_acronyms makes its content[0].  The token's buffers do not
 * outlive the callback, so the term is copied. */
typedef struct {
    char term[AJ_MAX_WORD + 1];
    size_t len;
} head_term;

/* aj_analyze's callback: takes the first content term and stops. */
static int take_head_term(void *arg, const aj_token *t) {
    head_term *h = arg;
    if (aj_xp_is_small_word(t->word)) return 0;
    memcpy(h->term, t->term, t->term_len);
    h->len = t->term_len;
    return 1;
}

static int cmp_strings(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* x->heads: one term per long form, each analyzed only up to its first
 * content word.  It may hold more than the content[0] of x->bylong, since
 * it keeps long forms that aj_xp_load_acronyms drops: a false "maybe"
 * costs a load, never a missed acronym. */
static aj_err load_long_form_heads(aj_ctx *c, aj_expander *x, aj_analyzer *an) {
    uint32_t n = aj_acronym_count(x->ix);
    x->headed = 1;
    if (!n) return AJ_OK;
    x->heads = calloc(n, sizeof *x->heads);
    if (!x->heads) return aj_fail(c, AJ_ENOMEM, "acronyms");
    for (uint32_t i = 0; i < n; i++) {
        aj_acronym d;
        head_term h = {.len = 0};
        aj_err e = aj_acronym_get(c, x->ix, i, &d);
        if (!e) e = aj_analyze(c, an, d.long_form, strlen(d.long_form), 0, take_head_term, &h);
        if (e) return e;
        if (!h.len) continue;
        x->heads[x->nheads] = aj_xp_strndup(&x->keep, h.term, h.len);
        if (!x->heads[x->nheads++]) return aj_fail(c, AJ_ENOMEM, "acronyms");
    }
    qsort(x->heads, x->nheads, sizeof *x->heads, cmp_strings);
    return AJ_OK;
}

aj_err aj_xp_long_form_may_start(aj_ctx *c, aj_expander *x, aj_analyzer *an,
                                 const char *t, int *maybe) {
    aj_err e = x->headed ? AJ_OK : load_long_form_heads(c, x, an);
    *maybe = 0;
    if (e) return e;
    *maybe = bsearch(&t, x->heads, x->nheads, sizeof *x->heads, cmp_strings) != NULL;
    if (*maybe && !x->loaded) e = aj_xp_load_acronyms(c, x, an);
    return e;
}

void aj_xp_acronyms_with_key(const aj_expander *x, const char *key, uint32_t *lo,
                             uint32_t *hi) {
    uint32_t a = 0, b = x->nacros;
    while (a < b) {
        uint32_t m = a + (b - a) / 2;
        if (strcmp(x->acros[m].key, key) < 0) a = m + 1;
        else b = m;
    }
    *lo = a;
    while (a < x->nacros && !strcmp(x->acros[a].key, key)) a++;
    *hi = a;
}

/* Fewer than 3 content words must be the whole long form: two words are
 * too little of a name to stand for it. */
const acronym_def *aj_xp_acronym_of_long_form(const aj_expander *x, const char *const *t,
                                              uint32_t n) {
    if (!n) return NULL;
    uint32_t a = 0, b = x->nacros;
    while (a < b) {
        uint32_t m = a + (b - a) / 2;
        if (strcmp(x->bylong[m]->content[0], t[0]) < 0) a = m + 1;
        else b = m;
    }
    const acronym_def *best = NULL;
    for (; a < x->nacros && !strcmp(x->bylong[a]->content[0], t[0]); a++) {
        const acronym_def *r = x->bylong[a];
        if (n > r->ncontent || (n < r->ncontent && n < 3)) continue;
        uint32_t i = 1;
        while (i < n && !strcmp(r->content[i], t[i])) i++;
        if (i == n && (!best || r->count > best->count)) best = r;
    }
    return best;
}
