/* suggest.c - "did you mean"; the rule is in suggest.h. */
#include "suggest.h"

#include <stdlib.h>
#include <string.h>

#include "fuzzy.h"
#include "query.h"

typedef struct {
    aj_ctx *c;
    aj_analyzer *an;
    const char *own_term;     /* the query word's term */
    uint32_t min_df;          /* a candidate must be in this many paragraphs */
    /* best so far */
    int found, edits;
    uint32_t df;
    char word[AJ_MAX_WORD + 1];
    aj_err err;
} pick;

static int on_candidate(void *arg, const aj_dict_iter *it, int dist) {
    pick *p = arg;
    if (dist == 0 || it->info.df < p->min_df) return 0;
    /* The scan runs in byte order, so on a tie the first one stays. */
    if (p->found && (dist > p->edits || (dist == p->edits && it->info.df <= p->df)))
        return 0;
    const char *term;
    size_t tlen;
    p->err = aj_analyzer_term(p->c, p->an, it->buf, it->len, &term, &tlen);
    if (p->err) return 1;
    /* Another form of the same term ("changes" for "change") would find
     * what the word already finds. */
    if (strlen(p->own_term) == tlen && memcmp(term, p->own_term, tlen) == 0) return 0;
    p->found = 1;
    p->edits = dist;
    p->df = it->info.df;
    memcpy(p->word, it->buf, it->len);
    p->word[it->len] = 0;
    return 0;
}

typedef struct {
    int n;
    aj_token copy;
    char word[AJ_MAX_WORD + 1];
} first_token;

static int on_first(void *arg, const aj_token *t) {
    first_token *f = arg;
    f->copy = *t;
    memcpy(f->word, t->word, t->word_len);
    f->word[t->word_len] = 0;
    f->n++;
    return 1;
}

/* Gives word the case of the original bytes o[0..n): all capitals when
 * the original has two or more letters and all are ASCII capitals, a
 * capital first letter when it has one. */
static void match_case(char *word, const char *o, size_t n) {
    int upper = 0, lower = 0;
    for (size_t i = 0; i < n; i++) {
        upper += o[i] >= 'A' && o[i] <= 'Z';
        lower += o[i] >= 'a' && o[i] <= 'z';
    }
    if (upper >= 2 && lower == 0) {
        for (char *w = word; *w; w++)
            if (*w >= 'a' && *w <= 'z') *w = (char)(*w - 32);
    } else if (n && o[0] >= 'A' && o[0] <= 'Z' && word[0] >= 'a' && word[0] <= 'z') {
        word[0] = (char)(word[0] - 32);
    }
}

typedef struct {
    aj_ctx *c;
    aj_index *ix;
    aj_analyzer *an;
    const char *q;
    aj_correction *fixes;
    size_t n, cap;
    uint32_t scans;           /* dictionary scans so far */
} walk;

static aj_err consider(walk *w, const aj_qnode *n) {
    /* Only a word as written: not a phrase in quotes. */
    if (n->quoted) return AJ_OK;
    first_token f = {0};
    aj_ctx tmp = {0};
    aj_analyze(&tmp, w->an, n->text, strlen(n->text), 0, on_first, &f);
    if (f.n == 0 || (f.word[0] >= '0' && f.word[0] <= '9')) return AJ_OK;
    int64_t id;
    aj_term_info info;
    aj_err e = aj_dict_find(w->c, &w->ix->terms, n->terms[0], strlen(n->terms[0]), &id, &info);
    if (e) return e;
    uint32_t df = id < 0 ? 0 : info.df;
    if (df > AJ_SUGGEST_RARE_DF) return AJ_OK;
    uint32_t cps[AJ_MAX_WORD];
    size_t wlen = strlen(f.word);
    int k = aj_fuzzy_cap(aj_fuzzy_decode(f.word, wlen, cps, AJ_MAX_WORD));
    /* A word the index has is more likely meant: it is questioned only
     * when it is long and one edit from a far more frequent word. */
    if (df > 0) k = k == 2 ? 1 : 0;
    if (k == 0 || ++w->scans > AJ_SUGGEST_MAX_SCANS) return AJ_OK;
    pick p = {.c = w->c, .an = w->an, .own_term = n->terms[0],
              .min_df = df ? df * AJ_SUGGEST_RATIO : 1};
    e = aj_fuzzy_scan(w->c, &w->ix->words, f.word, wlen, k, on_candidate, &p);
    if (!e) e = p.err;
    if (e || !p.found) return e;
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 4;
        aj_correction *v = realloc(w->fixes, cap * sizeof *v);
        if (!v) return aj_fail(w->c, AJ_ENOMEM, "suggestion");
        w->fixes = v;
        w->cap = cap;
    }
    aj_correction *x = &w->fixes[w->n];
    memset(x, 0, sizeof *x);
    x->pos = n->pos + f.copy.start;
    x->len = f.copy.end - f.copy.start;
    x->original = strndup(w->q + x->pos, x->len);
    match_case(p.word, w->q + x->pos, x->len);
    x->word = strdup(p.word);
    x->df_original = df;
    x->df_word = p.df;
    x->edits = p.edits;
    w->n++;
    if (!x->original || !x->word) return aj_fail(w->c, AJ_ENOMEM, "suggestion");
    return AJ_OK;
}

/* Visits the plain words of the tree, NEAR items included. */
static aj_err visit(walk *w, const aj_qnode *n) {
    if (n->kind == Q_TERM) return consider(w, n);
    for (uint32_t i = 0; i < n->nkids; i++) {
        aj_err e = visit(w, n->kids[i]);
        if (e) return e;
    }
    return AJ_OK;
}

static int cmp_pos(const void *a, const void *b) {
    const aj_correction *x = a, *y = b;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

void aj_suggestion_free(aj_suggestion *sg) {
    if (!sg) return;
    for (size_t i = 0; i < sg->nfixes; i++) {
        free(sg->fixes[i].original);
        free(sg->fixes[i].word);
    }
    free(sg->fixes);
    free(sg->query);
    free(sg);
}

aj_err aj_suggest_run(aj_ctx *c, aj_index *ix, aj_analyzer *an, const char *q,
                      size_t len, aj_suggestion **out) {
    *out = NULL;
    aj_query *query;
    aj_err e = aj_query_parse(c, an, q, len, &query);
    if (e) return e;
    walk w = {c, ix, an, q, NULL, 0, 0, 0};
    e = visit(&w, query->root);
    aj_query_free(query);
    aj_suggestion *sg = NULL;
    if (!e && w.n) {
        sg = calloc(1, sizeof *sg);
        if (!sg) e = aj_fail(c, AJ_ENOMEM, "suggestion");
    }
    if (sg) {
        sg->fixes = w.fixes;
        sg->nfixes = w.n;
        w.fixes = NULL;
        qsort(sg->fixes, sg->nfixes, sizeof *sg->fixes, cmp_pos);
        size_t need = len + 1;
        for (size_t i = 0; i < sg->nfixes; i++) need += strlen(sg->fixes[i].word);
        sg->query = malloc(need);
        if (!sg->query) e = aj_fail(c, AJ_ENOMEM, "suggestion");
        size_t at = 0, from = 0;
        for (size_t i = 0; !e && i < sg->nfixes; i++) {
            const aj_correction *x = &sg->fixes[i];
            memcpy(sg->query + at, q + from, x->pos - from);
            at += x->pos - from;
            size_t wl = strlen(x->word);
            memcpy(sg->query + at, x->word, wl);
            at += wl;
            from = x->pos + x->len;
        }
        if (!e) {
            memcpy(sg->query + at, q + from, len - from);
            at += len - from;
            sg->query[at] = 0;
            sg->query_len = at;
        }
    }
    for (size_t i = 0; i < w.n && w.fixes; i++) {
        free(w.fixes[i].original);
        free(w.fixes[i].word);
    }
    free(w.fixes);
    if (e) {
        aj_suggestion_free(sg);
        return e;
    }
    *out = sg;
    return AJ_OK;
}
