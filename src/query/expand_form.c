/* expand_form.c - how the corpus writes an alternative.
 *
 * The user never reads the folded forms the index keeps ("mekongjapan"):
 * an alternative is shown as the corpus writes it, the most frequent of
 * its written forms (the first on ties) in the first FORM_PARAS paragraphs
 * of its rarest term, so that one heading in capitals does not decide how
 * "ASEAN Japan" reads.  Reading those paragraphs costs a few hundred
 * microseconds, so the expander remembers the last FORM_CACHE forms. */
#include "query/expand_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ajsearch.h"
#include "format/dict.h"
#include "format/postings.h"

#define FORM_PARAS 8         /* paragraphs read for one alternative */
#define FORMS 8              /* distinct written forms counted */
#define FORM_BYTES 256       /* bytes kept of each */

/* A scan of paragraphs for terms[0..n) in sequence, and the written forms
 * found. */
typedef struct {
    const char *const *terms;
    uint32_t n;
    const char *text;        /* the paragraph being scanned */
    /* the last n tokens seen: their terms (a ring) and where they start */
    char ring[MAX_RUN_TERMS][AJ_MAX_WORD + 1];
    uint32_t start[MAX_RUN_TERMS];
    uint32_t seen;
    char form[FORMS][FORM_BYTES];
    uint32_t count[FORMS], nforms;
} form_scan;

/* Counts text[from, to), its blanks collapsed to one space, as one
 * occurrence of a written form; forms beyond the first FORMS are not
 * counted. */
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

/* aj_analyze's callback: when the last n tokens are the terms sought,
 * counts the text they span. */
static int match_form_token(void *arg, const aj_token *t) {
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

/* The most frequent written form of terms[0..n) in sequence, read from
 * the paragraphs of the rarest of them, into the per-query arena (*out);
 * NULL when a term is not in the index or the terms are not in sequence
 * in the paragraphs read. */
static aj_err read_written_form(aj_ctx *c, aj_expander *x, aj_analyzer *an,
                                const char *const *terms, uint32_t n, const char **out) {
    *out = NULL;
    if (!n || n > MAX_RUN_TERMS) return AJ_OK;
    aj_term_info rare = {0};
    uint32_t rarest = 0;
    for (uint32_t i = 0; i < n; i++) {
        int64_t id;
        aj_term_info info;
        aj_err e = aj_dict_find(c, &x->ix->terms, terms[i], strlen(terms[i]), &id, &info);
        if (e) return e;
        if (id < 0) return AJ_OK;
        if (i == 0 || info.df < rare.df) rare = info, rarest = i;
    }
    form_scan *f = aj_xp_alloc(&x->tmp, sizeof *f);
    if (!f) return aj_fail(c, AJ_ENOMEM, "query expansion");
    f->terms = terms;
    f->n = n;
    f->nforms = 0;
    aj_pcursor pc;
    aj_err e = aj_index_cursor(c, x->ix, AJ_DICT_TERMS, terms[rarest], strlen(terms[rarest]),
                               &rare, 0, &pc);
    for (int k = 0; !e && k < FORM_PARAS && pc.doc != AJ_DOC_END;
         k++, e = e ? e : aj_pcursor_next(c, &pc)) {
        char *text;
        size_t len;
        e = aj_para_text(c, x->ix, pc.doc, &text, &len);
        if (e) break;
        f->text = text;
        f->seen = 0;
        e = aj_analyze(c, an, text, len, 0, match_form_token, f);
        free(text);
    }
    aj_pcursor_free(&pc);
    uint32_t best = 0;
    for (uint32_t i = 1; i < f->nforms; i++)
        if (f->count[i] > f->count[best]) best = i;
    if (!e && f->nforms) {
        *out = aj_xp_strndup(&x->tmp, f->form[best], strlen(f->form[best]));
        if (!*out) e = aj_fail(c, AJ_ENOMEM, "query expansion");
    }
    return e;
}

/* read_written_form through the expander's cache of the last FORM_CACHE
 * answers (a NULL answer is remembered too). */
static aj_err cached_written_form(aj_ctx *c, aj_expander *x, aj_analyzer *an,
                                  const char *const *terms, uint32_t n, const char **out) {
    size_t k = 0;
    for (uint32_t i = 0; i < n; i++) k += strlen(terms[i]) + 1;
    char *key = aj_xp_alloc(&x->tmp, k + 1), *p = key;
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
            *out = f ? aj_xp_strndup(&x->tmp, f, strlen(f)) : NULL;
            return f && !*out ? aj_fail(c, AJ_ENOMEM, "query expansion") : AJ_OK;
        }
    aj_err e = read_written_form(c, x, an, terms, n, out);
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

/* The form of the whole alternative when the corpus has its terms in
 * sequence, else the form of each term (every term of an alternative is
 * in the corpus, though not always next to the others). */
aj_err aj_xp_show_as_written(aj_ctx *c, aj_expander *x, aj_analyzer *an, pending_alt *a) {
    const char *form;
    aj_err e = cached_written_form(c, x, an, a->terms, a->n, &form);
    size_t k = 0;
    const char *q = a->n > 1 ? "\"" : "";
    k += (size_t)snprintf(a->shown, sizeof a->shown, "%s", q);
    if (!e && form) {
        k += (size_t)snprintf(a->shown + k, sizeof a->shown - k, "%s", form);
    } else {
        for (uint32_t i = 0; !e && i < a->n && k < sizeof a->shown; i++) {
            e = cached_written_form(c, x, an, &a->terms[i], 1, &form);
            if (!e)
                k += (size_t)snprintf(a->shown + k, sizeof a->shown - k, "%s%s", i ? " " : "",
                                      form ? form : a->terms[i]);
        }
    }
    if (k < sizeof a->shown) snprintf(a->shown + k, sizeof a->shown - k, "%s", q);
    snprintf(a->text, sizeof a->text, "%s", a->shown);
    return e;
}
