/* expand.c - query rewriting for compounds and acronyms; see expand.h. */
#include "query/expand.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ajsearch.h"
#include "analysis/country.h"
#include "format/dict.h"
#include "format/postings.h"

#define MAX_ALTS 64          /* alternatives one query may get */
#define MAX_LONG_FORMS 3     /* long forms tried for one acronym */
#define MAX_RUN 12           /* query words a long form may span */
#define MIN_HALF 3           /* bytes of each half of a split word */
#define WCACHE 32            /* leaves whose words are remembered */
#define MIN_GLUE 2           /* bytes of each word glued to another */
#define MIN_TAIL 4           /* bytes of a word found glued after another
                                (shorter tails are mostly suffixes: -est) */
#define SPLIT_MAX_DF 10      /* words in more paragraphs than this and */
#define SPLIT_SHARE 1000     /* than 1/1000 of them are not split */
#define FORM_CACHE 64        /* written forms an expander remembers */

/* ---- a bump allocator for strings that live as long as their owner ---- */

typedef struct blk {
    struct blk *next;
    size_t used, cap;
    char data[];
} blk;

static void *arena_alloc(blk **a, size_t n) {
    n = (n + 7) & ~(size_t)7;
    if (!*a || (*a)->cap - (*a)->used < n) {
        size_t cap = n > 4000 ? n : 4000;
        blk *b = malloc(sizeof *b + cap);
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

static char *arena_str(blk **a, const char *s, size_t n) {
    char *p = arena_alloc(a, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = 0;
    }
    return p;
}

static void arena_free(blk **a) {
    while (*a) {
        blk *n = (*a)->next;
        free(*a);
        *a = n;
    }
}

/* Empties a for reuse, keeping its newest block (a query's strings
 * usually fit in one, so a typical query allocates nothing here). */
static void arena_reset(blk **a) {
    if (!*a) return;
    blk *keep = *a;
    *a = keep->next;
    arena_free(a);
    keep->next = NULL;
    keep->used = 0;
    *a = keep;
}

/* ---- the words and terms of a text ---- */

typedef struct {
    char **words, **terms;
    uint32_t n;
} wlist;

typedef struct {
    blk **a;
    aj_analyzer *an;
    wlist *w;
    uint32_t cap;
    int nomem;
} wcollect;

static int on_word(void *arg, const aj_token *t) {
    wcollect *wc = arg;
    wlist *w = wc->w;
    if (w->n == wc->cap) {
        uint32_t cap = wc->cap ? wc->cap * 2 : 8;
        char **nw = arena_alloc(wc->a, cap * sizeof *nw);
        char **nt = arena_alloc(wc->a, cap * sizeof *nt);
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
    w->words[w->n] = arena_str(wc->a, t->word, t->word_len);
    w->terms[w->n] = arena_str(wc->a, t->term, t->term_len);
    if (!w->words[w->n] || !w->terms[w->n]) {
        wc->nomem = 1;
        return 1;
    }
    w->n++;
    return 0;
}

/* Analyzes s[0..n) into w (strings in arena a). */
static aj_err words_of(aj_ctx *c, aj_analyzer *an, blk **a, const char *s,
                       size_t n, wlist *w) {
    wcollect wc = {a, an, w, 0, 0};
    memset(w, 0, sizeof *w);
    aj_err e = aj_analyze(c, an, s, n, 0, on_word, &wc);
    if (!e && wc.nomem) e = aj_fail(c, AJ_ENOMEM, "query expansion");
    return e;
}

/* The small words a long form may have or lack without changing what it
 * names ("ASEAN Outlook on the Indo-Pacific"). */
static int is_small(const char *w) {
    static const char *const small[] = {"a", "an", "and", "at", "by", "for", "in",
                                        "of", "on", "or", "the", "to", "with"};
    for (size_t i = 0; i < sizeof small / sizeof *small; i++)
        if (!strcmp(w, small[i])) return 1;
    return 0;
}

/* ---- the acronym table ---- */

typedef struct {
    const char *key;         /* folded words of the acronym, space-separated */
    const char *shown, *long_shown;
    wlist acr, lf;           /* analyzed acronym and long form */
    const char **content;    /* long-form terms without the small words */
    uint32_t ncontent;
    uint32_t count;
} acro;

/* The tables below are analyzed on first use, not when the expander is
 * made: analyzing every long form was three quarters of a cold search's
 * expansion (0.75 of 1 ms on the seed corpus), and most queries need
 * none of it.  The first content term of each long form (heads) is enough
 * to tell that no long form starts with a query word; the whole table is
 * analyzed only when one might (or for a word in capitals). */
struct aj_expander {
    aj_index *ix;
    int loaded;              /* the acronym table (load_acros) */
    int headed;              /* heads (load_heads) */
    int cloaded;             /* the country forms (load_countries) */
    blk *keep;               /* the acronym table's strings */
    acro *acros;             /* sorted by key, then count descending */
    const acro **bylong;     /* sorted by first content term */
    uint32_t nacros;
    const char **heads;      /* first content term of each long form, sorted */
    uint32_t nheads;
    wlist *cforms;           /* country.h's forms, analyzed */
    uint32_t *crow;          /* the country of each */
    const char **cnames;     /* and its spelling in the table */
    uint32_t ncforms;
    struct {
        char *key, *form;    /* terms joined by \x1f; the form or NULL */
    } fcache[FORM_CACHE];
    uint32_t nfcache;        /* entries made, the oldest replaced first */
    /* per query */
    blk *tmp;
    aj_expansion *list;
    size_t nlist;
    uint32_t budget;         /* terms the query may still gain */
    /* Words of the leaves analyzed so far: runs and leaves both need
     * them, and analyzing twice was a visible part of a query's cost. */
    const aj_qnode *wnode[WCACHE];
    wlist wcache[WCACHE];
    uint32_t nwcache;
};

/* Definitions of one acronym: the most frequent first, then by long form
 * and acronym as written, so that equal counts give one order on every
 * platform (qsort is not stable). */
static int cmp_count_text(const acro *x, const acro *y) {
    if (x->count != y->count) return x->count > y->count ? -1 : 1;
    int k = strcmp(x->long_shown, y->long_shown);
    return k ? k : strcmp(x->shown, y->shown);
}

static int cmp_key(const void *a, const void *b) {
    const acro *x = a, *y = b;
    int k = strcmp(x->key, y->key);
    return k ? k : cmp_count_text(x, y);
}

/* By first content term; among equal ones as cmp_key orders them. */
static int cmp_first(const void *a, const void *b) {
    const acro *x = *(const acro *const *)a, *y = *(const acro *const *)b;
    int k = strcmp(x->content[0], y->content[0]);
    if (k) return k;
    k = cmp_count_text(x, y);
    return k ? k : strcmp(x->key, y->key);
}

static char *join_words(blk **a, const wlist *w, uint32_t from, uint32_t to) {
    size_t n = 0;
    for (uint32_t i = from; i < to; i++) n += strlen(w->words[i]) + 1;
    char *s = arena_alloc(a, n + 1), *p = s;
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

/* The country table's forms as the analyzer makes them. */
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
            aj_err e = words_of(c, an, &x->keep, *f, strlen(*f), &x->cforms[x->ncforms]);
            if (e) return e;
            x->cnames[x->ncforms] = *f;
            x->crow[x->ncforms++] = (uint32_t)i;
        }
    return AJ_OK;
}

static aj_err load_acros(aj_ctx *c, aj_expander *x, aj_analyzer *an) {
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
        acro *r = &x->acros[k];
        r->shown = d.acronym;
        r->long_shown = d.long_form;
        r->count = d.count;
        e = words_of(c, an, &x->keep, d.acronym, strlen(d.acronym), &r->acr);
        if (!e) e = words_of(c, an, &x->keep, d.long_form, strlen(d.long_form), &r->lf);
        if (e) return e;
        if (!r->acr.n || r->lf.n < 2) continue;
        r->key = join_words(&x->keep, &r->acr, 0, r->acr.n);
        r->content = arena_alloc(&x->keep, r->lf.n * sizeof *r->content);
        if (!r->key || !r->content) return aj_fail(c, AJ_ENOMEM, "acronyms");
        for (uint32_t j = 0; j < r->lf.n; j++)
            if (!is_small(r->lf.words[j])) r->content[r->ncontent++] = r->lf.terms[j];
        if (!r->ncontent) continue;
        k++;
    }
    x->nacros = k;
    qsort(x->acros, k, sizeof *x->acros, cmp_key);
    for (uint32_t i = 0; i < k; i++) x->bylong[i] = &x->acros[i];
    qsort(x->bylong, k, sizeof *x->bylong, cmp_first);
    return AJ_OK;
}

/* Copies the term of the first word that is not small (the long form's
 * content[0], as load_acros makes it) and stops; the token's buffers do
 * not outlive the callback. */
typedef struct {
    char term[AJ_MAX_WORD + 1];
    size_t len;
} head_term;

static int on_head(void *arg, const aj_token *t) {
    head_term *h = arg;
    if (is_small(t->word)) return 0;
    memcpy(h->term, t->term, t->term_len);
    h->len = t->term_len;
    return 1;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* x->heads: one term per long form, analyzed up to its first content
 * word only.  A superset of the content[0] of load_acros's entries, since
 * it keeps long forms that load_acros may find unusable. */
static aj_err load_heads(aj_ctx *c, aj_expander *x, aj_analyzer *an) {
    uint32_t n = aj_acronym_count(x->ix);
    x->headed = 1;
    if (!n) return AJ_OK;
    x->heads = calloc(n, sizeof *x->heads);
    if (!x->heads) return aj_fail(c, AJ_ENOMEM, "acronyms");
    for (uint32_t i = 0; i < n; i++) {
        aj_acronym d;
        head_term h = {.len = 0};
        aj_err e = aj_acronym_get(c, x->ix, i, &d);
        if (!e) e = aj_analyze(c, an, d.long_form, strlen(d.long_form), 0, on_head, &h);
        if (e) return e;
        if (!h.len) continue;
        x->heads[x->nheads] = arena_str(&x->keep, h.term, h.len);
        if (!x->heads[x->nheads++]) return aj_fail(c, AJ_ENOMEM, "acronyms");
    }
    qsort(x->heads, x->nheads, sizeof *x->heads, cmp_str);
    return AJ_OK;
}

/* *maybe = whether some long form starts with content term t; if so, the
 * acronym table is loaded for find_long. */
static aj_err long_form_may_start(aj_ctx *c, aj_expander *x, aj_analyzer *an,
                                  const char *t, int *maybe) {
    aj_err e = x->headed ? AJ_OK : load_heads(c, x, an);
    *maybe = 0;
    if (e) return e;
    *maybe = bsearch(&t, x->heads, x->nheads, sizeof *x->heads, cmp_str) != NULL;
    if (*maybe && !x->loaded) e = load_acros(c, x, an);
    return e;
}

aj_err aj_expander_new(aj_ctx *c, aj_index *ix, aj_expander **out) {
    aj_expander *x = calloc(1, sizeof *x);
    if (!x) return aj_fail(c, AJ_ENOMEM, "expander");
    x->ix = ix;
    *out = x;
    return AJ_OK;
}

static void clear_list(aj_expander *x) {
    for (size_t i = 0; i < x->nlist; i++) free(x->list[i].desc);
    x->nlist = 0;
}

void aj_expander_free(aj_expander *x) {
    if (!x) return;
    clear_list(x);
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

/* ---- building nodes ---- */

static aj_qnode *new_leaf(const char *const *terms, uint32_t n, const char *text,
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

static aj_qnode *new_inner(aj_qkind kind, size_t pos, uint32_t cap) {
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

static int is_alt(const aj_expander *x, const aj_qnode *n) {
    for (size_t i = 0; i < x->nlist; i++)
        if (x->list[i].alt == n) return 1;
    return 0;
}

/* A pending alternative: its terms and how it is shown. */
typedef struct {
    const char *const *terms;
    uint32_t n;
    char shown[512];         /* the alternative as the header shows it */
    char text[512];          /* the alternative as a clause (--explain) */
} alt;

/* Makes the leaf of a and records "from = shown".  *leaf is NULL when the
 * budget is spent or the same alternative was already added. */
static aj_err make_alt(aj_ctx *c, aj_expander *x, const char *from, const alt *a,
                       size_t pos, aj_qnode **leaf) {
    *leaf = NULL;
    if (x->nlist >= MAX_ALTS || a->n > x->budget) return AJ_OK;
    char desc[1200];
    snprintf(desc, sizeof desc, "%s = %s", from, a->shown);
    /* A word repeated in the query gets its alternatives each time, but
     * they are described once. */
    int seen = 0;
    for (size_t i = 0; i < x->nlist && !seen; i++)
        seen = x->list[i].desc && !strcmp(x->list[i].desc, desc);
    aj_expansion *v = realloc(x->list, (x->nlist + 1) * sizeof *v);
    if (!v) return aj_fail(c, AJ_ENOMEM, "query expansion");
    x->list = v;
    aj_qnode *l = new_leaf(a->terms, a->n, a->text, pos);
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

/* ---- corpus statistics ---- */

static aj_err word_df(aj_ctx *c, aj_expander *x, const char *w, size_t len,
                      uint32_t *df) {
    int64_t id;
    aj_term_info info;
    *df = 0;
    if (len == 0 || len > AJ_MAX_WORD) return AJ_OK;
    aj_err e = aj_dict_find(c, &x->ix->words, w, len, &id, &info);
    if (!e && id >= 0) *df = info.df;
    return e;
}

static aj_err term_df(aj_ctx *c, aj_expander *x, const char *t, uint32_t *df) {
    int64_t id;
    aj_term_info info;
    *df = 0;
    aj_err e = aj_dict_find(c, &x->ix->terms, t, strlen(t), &id, &info);
    if (!e && id >= 0) *df = info.df;
    return e;
}

/* The term of a folded word, copied into the per-query arena. */
static aj_err term_of(aj_ctx *c, aj_expander *x, aj_analyzer *an, const char *w,
                      size_t len, const char **out) {
    const char *t;
    size_t tl;
    aj_err e = aj_analyzer_term(c, an, w, len, &t, &tl);
    if (e) return e;
    *out = arena_str(&x->tmp, t, tl);
    return *out ? AJ_OK : aj_fail(c, AJ_ENOMEM, "query expansion");
}

/* ---- how the corpus writes an alternative ---- */

/* What users read never shows the folded forms the index keeps
 * ("mekongjapan"): an alternative is shown as the corpus writes it, the
 * most frequent of its written forms (the first on ties) in the first
 * FORM_PARAS paragraphs of its rarest term, so a heading in capitals does
 * not decide how "ASEAN Japan" reads.  Reading them costs a few hundred
 * microseconds, so the expander remembers the last FORM_CACHE forms. */
#define FORM_PARAS 8
#define FORMS 8              /* distinct written forms counted */
#define FORM_BYTES 256

typedef struct {
    const char *const *terms;
    uint32_t n;
    const char *text;
    /* the last n tokens seen: their terms (a ring) and where they start */
    char ring[MAX_RUN * 4][AJ_MAX_WORD + 1];
    uint32_t start[MAX_RUN * 4];
    uint32_t seen;
    char form[FORMS][FORM_BYTES];
    uint32_t count[FORMS], nforms;
} form_scan;

/* Counts text[from, to), blanks collapsed to one space, as a form. */
static void count_form(form_scan *f, uint32_t from, uint32_t to) {
    char buf[FORM_BYTES];
    size_t k = 0;
    for (uint32_t i = from; i < to && k + 1 < sizeof buf; i++) {
        unsigned char ch = (unsigned char)f->text[i];
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
            if (k && buf[k - 1] != ' ') buf[k++] = ' ';
        } else {
            buf[k++] = (char)ch;
        }
    }
    buf[k] = 0;
    for (uint32_t i = 0; i < f->nforms; i++)
        if (!strcmp(f->form[i], buf)) {
            f->count[i]++;
            return;
        }
    if (f->nforms < FORMS) {
        memcpy(f->form[f->nforms], buf, k + 1);
        f->count[f->nforms++] = 1;
    }
}

static int on_form_token(void *arg, const aj_token *t) {
    form_scan *f = arg;
    uint32_t r = f->seen % f->n;
    memcpy(f->ring[r], t->term, t->term_len + 1);
    f->start[r] = t->start;
    f->seen++;
    if (f->seen < f->n) return 0;
    for (uint32_t i = 0; i < f->n; i++)
        if (strcmp(f->ring[(f->seen - f->n + i) % f->n], f->terms[i])) return 0;
    count_form(f, f->start[(f->seen - f->n) % f->n], t->end);
    return 0;
}

/* The most frequent written form of terms[0..n) in sequence, into the
 * arena (*out); NULL when they are not in sequence in the paragraphs
 * looked at. */
static aj_err read_form(aj_ctx *c, aj_expander *x, aj_analyzer *an,
                        const char *const *terms, uint32_t n, const char **out) {
    *out = NULL;
    if (!n || n > MAX_RUN * 4) return AJ_OK;
    aj_term_info rare = {0};
    for (uint32_t i = 0; i < n; i++) {
        int64_t id;
        aj_term_info info;
        aj_err e = aj_dict_find(c, &x->ix->terms, terms[i], strlen(terms[i]), &id, &info);
        if (e) return e;
        if (id < 0) return AJ_OK;
        if (i == 0 || info.df < rare.df) rare = info;
    }
    form_scan *f = arena_alloc(&x->tmp, sizeof *f);
    if (!f) return aj_fail(c, AJ_ENOMEM, "query expansion");
    f->terms = terms;
    f->n = n;
    f->nforms = 0;
    aj_pcursor pc;
    aj_err e = aj_pcursor_open(c, &pc, x->ix->files[AJ_F_POST], NULL, &rare, x->ix->nparas);
    for (int k = 0; !e && k < FORM_PARAS && pc.doc != AJ_DOC_END;
         k++, e = e ? e : aj_pcursor_next(c, &pc)) {
        char *text;
        size_t len;
        e = aj_para_text(c, x->ix, pc.doc, &text, &len);
        if (e) break;
        f->text = text;
        f->seen = 0;
        e = aj_analyze(c, an, text, len, 0, on_form_token, f);
        free(text);
    }
    aj_pcursor_free(&pc);
    uint32_t best = 0;
    for (uint32_t i = 1; i < f->nforms; i++)
        if (f->count[i] > f->count[best]) best = i;
    if (!e && f->nforms) {
        *out = arena_str(&x->tmp, f->form[best], strlen(f->form[best]));
        if (!*out) e = aj_fail(c, AJ_ENOMEM, "query expansion");
    }
    return e;
}

/* read_form, remembered by the expander. */
static aj_err corpus_form(aj_ctx *c, aj_expander *x, aj_analyzer *an,
                          const char *const *terms, uint32_t n, const char **out) {
    size_t k = 0;
    for (uint32_t i = 0; i < n; i++) k += strlen(terms[i]) + 1;
    char *key = arena_alloc(&x->tmp, k + 1), *p = key;
    if (!key) return aj_fail(c, AJ_ENOMEM, "query expansion");
    for (uint32_t i = 0; i < n; i++) {
        size_t m = strlen(terms[i]);
        memcpy(p, terms[i], m);
        p += m;
        *p++ = '\x1f';
    }
    *p = 0;
    uint32_t have = x->nfcache < FORM_CACHE ? x->nfcache : FORM_CACHE;
    for (uint32_t i = 0; i < have; i++)
        if (!strcmp(x->fcache[i].key, key)) {
            const char *f = x->fcache[i].form;
            *out = f ? arena_str(&x->tmp, f, strlen(f)) : NULL;
            return f && !*out ? aj_fail(c, AJ_ENOMEM, "query expansion") : AJ_OK;
        }
    aj_err e = read_form(c, x, an, terms, n, out);
    if (e) return e;
    uint32_t slot = x->nfcache++ % FORM_CACHE;
    free(x->fcache[slot].key);
    free(x->fcache[slot].form);
    x->fcache[slot].key = strdup(key);
    x->fcache[slot].form = *out ? strdup(*out) : NULL;
    if (!x->fcache[slot].key || (*out && !x->fcache[slot].form)) {
        free(x->fcache[slot].key);
        free(x->fcache[slot].form);
        x->fcache[slot].key = x->fcache[slot].form = NULL;
        x->nfcache = slot;   /* the slot is empty again */
        return aj_fail(c, AJ_ENOMEM, "query expansion");
    }
    return AJ_OK;
}

/* Shows alternative a as the corpus writes it: its first occurrence, else
 * each of its terms' (every term of an alternative is in the corpus), as
 * a phrase when it has several. */
static aj_err show_as_written(aj_ctx *c, aj_expander *x, aj_analyzer *an, alt *a) {
    const char *form;
    aj_err e = corpus_form(c, x, an, a->terms, a->n, &form);
    size_t k = 0;
    const char *q = a->n > 1 ? "\"" : "";
    k += (size_t)snprintf(a->shown, sizeof a->shown, "%s", q);
    if (!e && form) {
        k += (size_t)snprintf(a->shown + k, sizeof a->shown - k, "%s", form);
    } else {
        for (uint32_t i = 0; !e && i < a->n && k < sizeof a->shown; i++) {
            e = corpus_form(c, x, an, &a->terms[i], 1, &form);
            if (!e)
                k += (size_t)snprintf(a->shown + k, sizeof a->shown - k, "%s%s", i ? " " : "",
                                      form ? form : a->terms[i]);
        }
    }
    if (k < sizeof a->shown) snprintf(a->shown + k, sizeof a->shown - k, "%s", q);
    snprintf(a->text, sizeof a->text, "%s", a->shown);
    return e;
}

/* The glued form of words a and b when the corpus has it: *out (in the
 * arena) or NULL. */
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
    *out = arena_str(&x->tmp, g, la + lb);
    return *out ? AJ_OK : aj_fail(c, AJ_ENOMEM, "query expansion");
}

/* The best cut of word w into two words of the corpus: *cut = length of
 * the first half, 0 when there is none.  Cuts fall between code points.
 * damaged: w is rare enough (in at most MAX_GLUED_DF paragraphs) to be two
 * words glued by a lost line end, so one half may be a small word
 * ("peopleto" is "people to"), the other then in at least MIN_TAIL_DF
 * paragraphs. */
#define MAX_GLUED_DF 2
#define MIN_TAIL_DF 3
static aj_err best_split(aj_ctx *c, aj_expander *x, const char *w, int damaged,
                         size_t *cut) {
    size_t len = strlen(w);
    uint32_t best = 0;
    *cut = 0;
    for (size_t i = 1; i < len; i++) {
        if (((unsigned char)w[i] & 0xC0) == 0x80) continue;
        uint32_t d1, d2;
        /* "errand" is not "err and": a small word is no half, unless the
         * word looks damaged; a short half must be a small word. */
        char head[AJ_MAX_WORD + 1];
        memcpy(head, w, i);
        head[i] = 0;
        int sh = is_small(head), st = is_small(w + i);
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

/* Words of the corpus that are word w (term t) glued to a following word
 * ("transition" in "transitionsthrough", a line-end hyphen lost): rare
 * words (df <= MAX_GLUED_DF) that start with t and cut into a word whose
 * term is t (the query's word, whether or not the corpus has it alone)
 * and a common word (df >= MIN_TAIL_DF), when the word's own df is less
 * than GLUED_SHARE times the glued word's.  Up to cap of them go
 * to out[] (in the arena); *n their number. */
#define MAX_SCAN 256
#define GLUED_SHARE 20
static aj_err glued_into(aj_ctx *c, aj_expander *x, aj_analyzer *an, const char *t,
                         uint32_t tdf, char **out, uint32_t cap, uint32_t *n) {
    size_t tl = strlen(t);
    uint64_t id;
    aj_dict_iter it;
    *n = 0;
    /* No glued word could be frequent enough beside it: skip the scan. */
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
        /* Another form of the same word ("unchangeable" for unchang) is
         * already what the term matches. */
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
            out[*n] = arena_str(&x->tmp, g, it.len);
            if (!out[*n]) return aj_fail(c, AJ_ENOMEM, "query expansion");
            ++*n;
            break;
        }
    }
    return e;
}

/* ---- acronym look-ups ---- */

static int count_upper(const char *s) {
    int n = 0;
    for (; *s; s++) n += *s >= 'A' && *s <= 'Z';
    return n;
}

/* The acronyms whose key is key: [*lo, *hi) of x->acros. */
static void find_key(const aj_expander *x, const char *key, uint32_t *lo,
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

/* An acronym whose long form is the content terms t[0..n): all of them,
 * or their first 3 or more.  NULL if none. */
static const acro *find_long(const aj_expander *x, const char *const *t,
                             uint32_t n) {
    if (!n) return NULL;
    uint32_t a = 0, b = x->nacros;
    while (a < b) {
        uint32_t m = a + (b - a) / 2;
        if (strcmp(x->bylong[m]->content[0], t[0]) < 0) a = m + 1;
        else b = m;
    }
    const acro *best = NULL;
    for (; a < x->nacros && !strcmp(x->bylong[a]->content[0], t[0]); a++) {
        const acro *r = x->bylong[a];
        if (n > r->ncontent || (n < r->ncontent && n < 3)) continue;
        uint32_t i = 1;
        while (i < n && !strcmp(r->content[i], t[i])) i++;
        if (i == n && (!best || r->count > best->count)) best = r;
    }
    return best;
}

static void acro_alt(alt *a, const acro *r) {
    a->terms = (const char *const *)r->acr.terms;
    a->n = r->acr.n;
    snprintf(a->shown, sizeof a->shown, "%s", r->shown);
    snprintf(a->text, sizeof a->text, "%s", r->shown);
}

/* ---- leaves ---- */

/* The words of a term or phrase leaf as the analyzer makes them from its
 * text; n = 0 when they do not line up with its terms. */
static aj_err leaf_words(aj_ctx *c, aj_expander *x, aj_analyzer *an,
                         const aj_qnode *l, wlist *w) {
    memset(w, 0, sizeof *w);
    if ((l->kind != Q_TERM && l->kind != Q_PHRASE) || !l->text) return AJ_OK;
    for (uint32_t i = 0; i < x->nwcache; i++)
        if (x->wnode[i] == l) {
            *w = x->wcache[i];
            return AJ_OK;
        }
    aj_err e = words_of(c, an, &x->tmp, l->text, strlen(l->text), w);
    if (!e && w->n != l->nterms) w->n = 0;
    for (uint32_t i = 0; !e && i < w->n; i++)
        if (strcmp(w->terms[i], l->terms[i])) w->n = 0;
    if (!e && x->nwcache < WCACHE) {
        x->wnode[x->nwcache] = l;
        x->wcache[x->nwcache++] = *w;
    }
    return e;
}

typedef struct {
    aj_qnode **v;
    uint32_t n, cap;
} nodes;

static aj_err push(aj_ctx *c, nodes *ns, aj_qnode *n) {
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

/* Is there an alternative of terms t[0..n) in out already? */
static int has_alt(const nodes *out, const char *const *t, uint32_t n) {
    for (uint32_t i = 0; i < out->n; i++) {
        const aj_qnode *a = out->v[i];
        uint32_t k = 0;
        while (a->nterms == n && k < n && !strcmp(a->terms[k], t[k])) k++;
        if (a->nterms == n && k == n) return 1;
    }
    return 0;
}

/* The other forms of the country whose name or adjective has term t
 * (country.h): each one the corpus has, unless out has it already, shown
 * as the table writes it. */
static aj_err country_alts(aj_ctx *c, aj_expander *x, aj_analyzer *an, const aj_qnode *l,
                           const char *t, nodes *out) {
    aj_err e = x->cloaded ? AJ_OK : load_countries(c, x, an);
    if (e) return e;
    uint32_t f = 0;
    while (f < x->ncforms && !(x->cforms[f].n == 1 && !strcmp(x->cforms[f].terms[0], t))) f++;
    if (f == x->ncforms) return AJ_OK;
    for (uint32_t g = 0; !e && g < x->ncforms; g++) {
        const wlist *v = &x->cforms[g];
        if (x->crow[g] != x->crow[f] || !v->n) continue;
        if (v->n == 1 && !strcmp(v->terms[0], t)) continue;
        if (has_alt(out, (const char *const *)v->terms, v->n)) continue;
        uint32_t df = 1;
        for (uint32_t i = 0; !e && df && i < v->n; i++) e = term_df(c, x, v->terms[i], &df);
        if (e || !df) continue;
        alt a;
        aj_qnode *leaf;
        a.terms = (const char *const *)v->terms;
        a.n = v->n;
        /* The table's own spelling: a name as every reader writes it. */
        const char *name = x->cnames[g];
        snprintf(a.shown, sizeof a.shown, "%s%s%s", v->n > 1 ? "\"" : "", name,
                 v->n > 1 ? "\"" : "");
        snprintf(a.text, sizeof a.text, "%s", a.shown);
        e = make_alt(c, x, l->text, &a, l->pos, &leaf);
        if (!e && leaf) e = push(c, out, leaf);
    }
    return e;
}

/* Adds the alternatives of leaf l (words w) to out; negated: l is inside
 * a NOT. */
static aj_err leaf_alts(aj_ctx *c, aj_expander *x, aj_analyzer *an,
                        const aj_qnode *l, const wlist *w, int negated, nodes *out) {
    alt a;
    aj_qnode *leaf;
    aj_err e = AJ_OK;
    if (!w->n) return AJ_OK;
    /* An acronym written with capitals: its long forms. */
    if (count_upper(l->text) >= 2 && aj_acronym_count(x->ix) && !x->loaded)
        e = load_acros(c, x, an);
    if (!e && count_upper(l->text) >= 2 && x->nacros) {
        char *key = join_words(&x->tmp, w, 0, w->n);
        if (!key) return aj_fail(c, AJ_ENOMEM, "query expansion");
        uint32_t lo, hi;
        find_key(x, key, &lo, &hi);
        for (uint32_t i = lo; !e && i < hi && i < lo + MAX_LONG_FORMS; i++) {
            const acro *r = &x->acros[i];
            a.terms = (const char *const *)r->lf.terms;
            a.n = r->lf.n;
            snprintf(a.shown, sizeof a.shown, "\"%s\"", r->long_shown);
            snprintf(a.text, sizeof a.text, "\"%s\"", r->long_shown);
            e = make_alt(c, x, l->text, &a, l->pos, &leaf);
            if (!e && leaf) e = push(c, out, leaf);
        }
    }
    /* A phrase that is a long form: its acronym. */
    if (!e && l->kind == Q_PHRASE && aj_acronym_count(x->ix)) {
        const char **ct = arena_alloc(&x->tmp, w->n * sizeof *ct);
        uint32_t nc = 0;
        int maybe = 0;
        if (!ct) return aj_fail(c, AJ_ENOMEM, "query expansion");
        for (uint32_t i = 0; i < w->n; i++)
            if (!is_small(w->words[i])) ct[nc++] = w->terms[i];
        if (nc >= 2) e = long_form_may_start(c, x, an, ct[0], &maybe);
        const acro *r = !e && maybe ? find_long(x, ct, nc) : NULL;
        if (r) {
            acro_alt(&a, r);
            e = make_alt(c, x, l->text, &a, l->pos, &leaf);
            if (!e && leaf) e = push(c, out, leaf);
        }
    }
    /* The two rules below matter for words the corpus has few of; the
     * term's df (one look-up) spares the others their dictionary scans,
     * which would otherwise double the cost of a typical query. */
    uint32_t tdf = 0;
    if (!e && l->kind == Q_TERM) e = term_df(c, x, w->terms[0], &tdf);
    /* A glued word: the phrase of its halves. */
    if (!e && l->kind == Q_TERM && (tdf <= SPLIT_MAX_DF || tdf <= x->ix->nparas / SPLIT_SHARE)) {
        size_t cut;
        const char *t[2];
        const char *wd = w->words[0];
        if (wd[0] >= '0' && wd[0] <= '9') return AJ_OK;
        e = best_split(c, x, wd, tdf <= MAX_GLUED_DF, &cut);
        if (!e && cut) e = term_of(c, x, an, wd, cut, &t[0]);
        if (!e && cut) e = term_of(c, x, an, wd + cut, strlen(wd) - cut, &t[1]);
        if (!e && cut) {
            a.terms = t;
            a.n = 2;
            e = show_as_written(c, x, an, &a);
            if (!e) e = make_alt(c, x, l->text, &a, l->pos, &leaf);
            if (!e && leaf) e = push(c, out, leaf);
        }
    }
    /* A word the corpus has glued to the next one. */
    if (!e && l->kind == Q_TERM && strlen(w->words[0]) >= 4) {
        char *g[3];
        uint32_t ng;
        e = glued_into(c, x, an, w->terms[0], tdf, g, 3, &ng);
        for (uint32_t i = 0; !e && i < ng; i++) {
            const char *t;
            e = term_of(c, x, an, g[i], strlen(g[i]), &t);
            if (e) break;
            a.terms = &t;
            a.n = 1;
            e = show_as_written(c, x, an, &a);
            if (!e) e = make_alt(c, x, l->text, &a, l->pos, &leaf);
            if (!e && leaf) e = push(c, out, leaf);
        }
    }
    /* A country's name or adjective: its other forms.  Not in a NOT: an
     * acronym and its long form, a glued and a split word are one name
     * excluded together, but an adjective is another word ("denuclear*
     * NOT Korea" keeps the Korean Peninsula). */
    if (!e && l->kind == Q_TERM && !negated) e = country_alts(c, x, an, l, w->terms[0], out);
    /* A phrase with a damaged word in it ("peopleto-people"): the phrase
     * with that word's halves. */
    for (uint32_t i = 0; !e && l->kind == Q_PHRASE && i < w->n; i++) {
        const char *wd = w->words[i];
        uint32_t df;
        size_t cut;
        if (wd[0] >= '0' && wd[0] <= '9') continue;
        e = word_df(c, x, wd, strlen(wd), &df);
        if (e || df > MAX_GLUED_DF) continue;
        e = best_split(c, x, wd, 1, &cut);
        if (e || !cut) continue;
        const char **t = arena_alloc(&x->tmp, (w->n + 1) * sizeof *t);
        if (!t) return aj_fail(c, AJ_ENOMEM, "query expansion");
        uint32_t n = 0;
        for (uint32_t j = 0; !e && j < w->n; j++) {
            if (j != i) {
                t[n++] = w->terms[j];
                continue;
            }
            e = term_of(c, x, an, wd, cut, &t[n++]);
            if (!e) e = term_of(c, x, an, wd + cut, strlen(wd) - cut, &t[n++]);
        }
        if (e) break;
        a.terms = t;
        a.n = n;
        e = show_as_written(c, x, an, &a);
        if (!e) e = make_alt(c, x, l->text, &a, l->pos, &leaf);
        if (!e && leaf) e = push(c, out, leaf);
    }
    /* A phrase with two neighbours the corpus writes glued. */
    for (uint32_t i = 0; !e && l->kind == Q_PHRASE && i + 1 < w->n; i++) {
        char *g;
        e = glued_word(c, x, w->words[i], w->words[i + 1], &g);
        if (e || !g) continue;
        const char **t = arena_alloc(&x->tmp, w->n * sizeof *t);
        if (!t) return aj_fail(c, AJ_ENOMEM, "query expansion");
        uint32_t n = 0;
        for (uint32_t j = 0; !e && j < w->n; j++) {
            if (j == i) {
                e = term_of(c, x, an, g, strlen(g), &t[n++]);
                j++;
            } else {
                t[n++] = w->terms[j];
            }
        }
        if (e) break;
        a.terms = t;
        a.n = n;
        e = show_as_written(c, x, an, &a);
        if (!e) e = make_alt(c, x, l->text, &a, l->pos, &leaf);
        if (!e && leaf) e = push(c, out, leaf);
    }
    return e;
}

static int is_wordleaf(const aj_qnode *n) {
    return n->kind == Q_TERM || n->kind == Q_PHRASE;
}

/* Rewrites the leaves under *np: a leaf with alternatives becomes
 * OR(leaf, alternatives), or, under an OR, gets them as siblings;
 * negated: *np is inside a NOT. */
static aj_err do_leaves(aj_ctx *c, aj_expander *x, aj_analyzer *an,
                        aj_qnode **np, nodes *siblings, int negated) {
    aj_qnode *n = *np;
    if (is_wordleaf(n)) {
        if (is_alt(x, n)) return AJ_OK;
        wlist w;
        nodes alts = {0};
        aj_err e = leaf_words(c, x, an, n, &w);
        if (!e) e = leaf_alts(c, x, an, n, &w, negated, &alts);
        for (uint32_t i = 0; !e && siblings && i < alts.n; i++)
            e = push(c, siblings, alts.v[i]);
        if (!e && !siblings && alts.n) {
            aj_qnode *o = new_inner(Q_OR, n->pos, alts.n + 1);
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
    if (n->kind != Q_AND && n->kind != Q_OR && n->kind != Q_NOT) return AJ_OK;
    nodes more = {0};
    aj_err e = AJ_OK;
    uint32_t m = n->nkids;
    for (uint32_t i = 0; !e && i < m; i++)
        e = do_leaves(c, x, an, &n->kids[i], n->kind == Q_OR ? &more : NULL,
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

/* Replaces kids [i, j] of AND node n by OR(AND(kids), alternative). */
static aj_err group(aj_ctx *c, aj_qnode *n, uint32_t i, uint32_t j,
                    aj_qnode *leaf) {
    aj_qnode *g = new_inner(Q_AND, n->kids[i]->pos, j - i + 1);
    aj_qnode *o = new_inner(Q_OR, n->kids[i]->pos, 2);
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

/* The query text of kids [i, j], as the user wrote each. */
static void run_text(const aj_qnode *n, uint32_t i, uint32_t j, char *buf,
                     size_t cap) {
    size_t k = 0;
    buf[0] = 0;
    for (uint32_t t = i; t <= j && k < cap; t++)
        k += (size_t)snprintf(buf + k, cap - k, "%s%s", t > i ? " " : "",
                              n->kids[t]->text);
}

/* Looks for a long form starting at kid i; *j = its last kid. */
static aj_err long_run(aj_ctx *c, aj_expander *x, aj_analyzer *an, const aj_qnode *n,
                       const wlist *ws, uint32_t i, uint32_t *j,
                       const acro **found) {
    const char *ct[MAX_RUN * 4];
    uint32_t nc = 0;
    int maybe;
    *found = NULL;
    if (!ws[i].n || is_small(ws[i].words[0])) return AJ_OK;
    /* A run needs a second word; its first content term is ws[i]'s. */
    if (i + 1 >= n->nkids || !ws[i + 1].n) return AJ_OK;
    aj_err e = long_form_may_start(c, x, an, ws[i].terms[0], &maybe);
    if (e || !maybe) return e;
    for (uint32_t k = i; k < n->nkids && k < i + MAX_RUN; k++) {
        const wlist *w = &ws[k];
        if (!w->n || nc + w->n > sizeof ct / sizeof *ct) break;
        for (uint32_t t = 0; t < w->n; t++)
            if (!is_small(w->words[t])) ct[nc++] = w->terms[t];
        if (k == i || is_small(w->words[w->n - 1])) continue;
        const acro *r = find_long(x, ct, nc);
        if (r && nc >= 2) {
            *found = r;
            *j = k;
        }
    }
    return AJ_OK;
}

static aj_err do_runs(aj_ctx *c, aj_expander *x, aj_analyzer *an, aj_qnode **np);

static aj_err runs_in_and(aj_ctx *c, aj_expander *x, aj_analyzer *an,
                          aj_qnode *n) {
    wlist *ws = arena_alloc(&x->tmp, n->nkids * sizeof *ws);
    if (!ws) return aj_fail(c, AJ_ENOMEM, "query expansion");
    aj_err e = AJ_OK;
    for (uint32_t i = 0; !e && i < n->nkids; i++)
        e = leaf_words(c, x, an, n->kids[i], &ws[i]);
    for (uint32_t i = 0; !e && i < n->nkids; i++) {
        if (!ws[i].n) continue;
        char from[1200];
        alt a;
        aj_qnode *leaf = NULL;
        uint32_t j;
        const acro *r = NULL;
        if (aj_acronym_count(x->ix)) e = long_run(c, x, an, n, ws, i, &j, &r);
        if (!e && r) {
            acro_alt(&a, r);
            run_text(n, i, j, from, sizeof from);
            e = make_alt(c, x, from, &a, n->kids[i]->pos, &leaf);
        } else if (!e && i + 1 < n->nkids && ws[i].n == 1 && ws[i + 1].n == 1) {
            char *g;
            const char *t;
            j = i + 1;
            e = glued_word(c, x, ws[i].words[0], ws[j].words[0], &g);
            if (!e && g) e = term_of(c, x, an, g, strlen(g), &t);
            if (!e && g) {
                a.terms = &t;
                a.n = 1;
                e = show_as_written(c, x, an, &a);
                run_text(n, i, j, from, sizeof from);
                if (!e) e = make_alt(c, x, from, &a, n->kids[i]->pos, &leaf);
            }
        }
        if (!e && leaf) {
            e = group(c, n, i, j, leaf);
            /* The grouped kids' words move with them. */
            if (!e) memmove(ws + i + 1, ws + j + 1, (n->nkids - i - 1) * sizeof *ws);
            ws[i].n = 0;
        }
    }
    for (uint32_t i = 0; !e && i < n->nkids; i++) {
        const aj_qnode *k = n->kids[i];
        if (k->kind == Q_OR && k->nkids == 2 && is_alt(x, k->kids[1])) continue;
        e = do_runs(c, x, an, &n->kids[i]);
    }
    return e;
}

/* Finds runs in every AND under *np (and collapses an AND left with one
 * kid). */
static aj_err do_runs(aj_ctx *c, aj_expander *x, aj_analyzer *an, aj_qnode **np) {
    aj_qnode *n = *np;
    if (n->kind == Q_AND) {
        aj_err e = runs_in_and(c, x, an, n);
        if (!e && n->nkids == 1) {
            *np = n->kids[0];
            n->nkids = 0;
            aj_qnode_free(n);
        }
        return e;
    }
    if (n->kind != Q_OR && n->kind != Q_NOT) return AJ_OK;
    for (uint32_t i = 0; i < n->nkids; i++) {
        if (is_alt(x, n->kids[i])) continue;
        aj_err e = do_runs(c, x, an, &n->kids[i]);
        if (e) return e;
    }
    return AJ_OK;
}

static uint32_t count_terms(const aj_qnode *n) {
    uint32_t t = n->nterms;
    for (uint32_t i = 0; i < n->nkids; i++) t += count_terms(n->kids[i]);
    return t;
}

aj_err aj_expand(aj_ctx *c, aj_expander *x, aj_analyzer *an, aj_query *q) {
    clear_list(x);
    arena_reset(&x->tmp);
    x->nwcache = 0;
    if (!q->root) return AJ_OK;
    uint32_t have = count_terms(q->root);
    x->budget = have < AJ_MAX_QUERY_CLAUSES ? AJ_MAX_QUERY_CLAUSES - have : 0;
    aj_err e = do_runs(c, x, an, &q->root);
    if (!e) e = do_leaves(c, x, an, &q->root, NULL, 0);
    aj_err e2 = aj_query_renumber(c, q);
    return e ? e : e2;
}
