/* suggest.c - missing words and "did you mean"; the rule is in suggest.h. */
#include "query/suggest.h"

#include <stdlib.h>
#include <string.h>

#include "query/fuzzy.h"
#include "analysis/lexicon.h"

/* ---- rule 1 and 2: which plain words found nothing ---- */

typedef struct {
    const aj_suggest_in *in;
    const aj_qnode **covered; /* word nodes an alternative found */
    size_t ncovered, capcovered;
    int nomem;
} cover;

static int is_alt(const aj_suggest_in *in, const aj_qnode *n) {
    for (size_t i = 0; i < in->nalts; i++)
        if (in->alts[i].alt == n) return 1;
    return 0;
}

static uint32_t leaf_df(const aj_suggest_in *in, const aj_qnode *n) {
    const aj_query *q = in->query;
    return n->leaf < q->nleaves && q->leaves[n->leaf] == n ? in->leaf_df[n->leaf] : 0;
}

static void mark_words(cover *cv, const aj_qnode *n) {
    if (n->kind == Q_TERM) {
        if (cv->ncovered == cv->capcovered) {
            size_t cap = cv->capcovered ? cv->capcovered * 2 : 8;
            const aj_qnode **v = realloc(cv->covered, cap * sizeof *v);
            if (!v) {
                cv->nomem = 1;
                return;
            }
            cv->covered = v;
            cv->capcovered = cap;
        }
        cv->covered[cv->ncovered++] = n;
    }
    for (uint32_t i = 0; i < n->nkids; i++) mark_words(cv, n->kids[i]);
}

/* Expansion puts an alternative beside what it stands for, under one OR
 * and at the same query position: OR(word, alternatives) for a word,
 * OR(AND(words), alternative) for a run of words, or a sibling in an OR
 * the user wrote.  An alternative that matched covers those words. */
static void find_covered(cover *cv, const aj_qnode *n) {
    if (n->kind == Q_OR) {
        for (uint32_t i = 0; i < n->nkids; i++) {
            const aj_qnode *a = n->kids[i];
            if (!is_alt(cv->in, a) || leaf_df(cv->in, a) == 0) continue;
            for (uint32_t j = 0; j < n->nkids; j++)
                if (j != i && n->kids[j]->pos == a->pos && !is_alt(cv->in, n->kids[j]))
                    mark_words(cv, n->kids[j]);
        }
    }
    for (uint32_t i = 0; i < n->nkids; i++) find_covered(cv, n->kids[i]);
}

typedef struct {
    int n;
    uint32_t start, end;
    int digit;
    int english;              /* the folded word is in the lexicon */
} first_token;

static int on_first(void *arg, const aj_token *t) {
    first_token *f = arg;
    f->start = t->start;
    f->end = t->end;
    f->digit = t->word[0] >= '0' && t->word[0] <= '9';
    f->english = aj_lexicon_has(t->word, t->word_len);
    f->n++;
    return 1;
}

typedef struct {
    aj_ctx *c;
    aj_index *ix;
    aj_analyzer *an;
    cover *cv;
    aj_qword **out;
    size_t *n, *cap;
} collect;

static aj_err consider(collect *w, const aj_qnode *n, int neg) {
    if (is_alt(w->cv->in, n) || n->quoted) return AJ_OK;
    for (size_t i = 0; i < w->cv->ncovered; i++)
        if (w->cv->covered[i] == n) return AJ_OK;
    const aj_query *q = w->cv->in->query;
    uint32_t df;
    if (n->leaf < q->nleaves && q->leaves[n->leaf] == n) {
        df = w->cv->in->leaf_df[n->leaf];
    } else {
        /* A NEAR item is not a leaf of its own: ask the dictionary. */
        int64_t id;
        aj_term_info info;
        aj_err e = aj_dict_find(w->c, &w->ix->terms, n->terms[0], strlen(n->terms[0]),
                                &id, &info);
        if (e) return e;
        df = id < 0 ? 0 : info.df;
    }
    if (df) return AJ_OK;
    /* Absent from the paragraphs searched, yet a term of the index: it
     * occurs only in the page chrome the search left out. */
    int64_t tid;
    aj_term_info tinfo;
    aj_err e = aj_dict_find(w->c, &w->ix->terms, n->terms[0], strlen(n->terms[0]), &tid,
                            &tinfo);
    if (e) return e;
    int chrome = tid >= 0 && tinfo.df > 0;
    first_token f = {0};
    aj_ctx tmp = {0};
    aj_analyze(&tmp, w->an, n->text, strlen(n->text), 0, on_first, &f);
    if (f.n == 0 || f.digit) return AJ_OK;
    /* An excluded word that is a word (of the chrome or of English)
     * excludes nothing here, as meant; only an excluded misspelling, which
     * silently excludes nothing, is worth a word. */
    if (neg && (chrome || f.english)) return AJ_OK;
    if (*w->n == *w->cap) {
        size_t cap = *w->cap ? *w->cap * 2 : 4;
        aj_qword *v = realloc(*w->out, cap * sizeof *v);
        if (!v) return aj_fail(w->c, AJ_ENOMEM, "missing words");
        *w->out = v;
        *w->cap = cap;
    }
    (*w->out)[(*w->n)++] = (aj_qword){n->pos + f.start, f.end - f.start, chrome};
    return AJ_OK;
}

static aj_err visit(collect *w, const aj_qnode *n, int neg) {
    if (n->kind == Q_TERM) return consider(w, n, neg);
    for (uint32_t i = 0; i < n->nkids; i++) {
        aj_err e = visit(w, n->kids[i], neg || n->kind == Q_NOT);
        if (e) return e;
    }
    return AJ_OK;
}

static int cmp_qword(const void *a, const void *b) {
    const aj_qword *x = a, *y = b;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

aj_err aj_suggest_missing(aj_ctx *c, aj_index *ix, aj_analyzer *an,
                          const aj_suggest_in *in, aj_qword **out, size_t *n,
                          size_t *cap) {
    if (!in->query->root) return AJ_OK;
    cover cv = {.in = in};
    find_covered(&cv, in->query->root);
    aj_err e = cv.nomem ? aj_fail(c, AJ_ENOMEM, "missing words") : AJ_OK;
    size_t from = *n;
    collect w = {c, ix, an, &cv, out, n, cap};
    if (!e) e = visit(&w, in->query->root, 0);
    free(cv.covered);
    /* Expansion may have moved words around (a run becomes a group). */
    if (!e && *n > from) qsort(*out + from, *n - from, sizeof **out, cmp_qword);
    return e;
}

/* ---- rules 3-7: proposals ---- */

typedef struct {
    aj_ctx *c;
    aj_analyzer *an;
    const char *own_term;     /* the missing word's term */
    /* best so far, and the df of the most frequent other term at the same
     * distance (rule 5's "clearly") */
    int found, edits;
    uint32_t df, rival_df;
    char word[AJ_MAX_WORD + 1];
    char term[AJ_MAX_WORD + 1];
    aj_err err;
} pick;

static int on_candidate(void *arg, const aj_dict_iter *it, int dist) {
    pick *p = arg;
    if (dist == 0 || it->info.df == 0) return 0;
    if (p->found && dist > p->edits) return 0;
    const char *term;
    size_t tlen;
    p->err = aj_analyzer_term(p->c, p->an, it->buf, it->len, &term, &tlen);
    if (p->err) return 1;
    /* Another form of the same term ("changes" for "change") would find
     * what the word already finds. */
    if (strlen(p->own_term) == tlen && memcmp(term, p->own_term, tlen) == 0) return 0;
    int same = p->found && dist == p->edits && strlen(p->term) == tlen &&
               memcmp(term, p->term, tlen) == 0;
    if (p->found && dist == p->edits && !same && it->info.df <= p->df) {
        if (it->info.df > p->rival_df) p->rival_df = it->info.df;
        return 0;
    }
    /* The scan runs in byte order, so on a tie the first one stays. */
    if (same && it->info.df <= p->df) return 0;
    if (p->found && dist == p->edits && !same) p->rival_df = p->df;
    if (!p->found || dist < p->edits) p->rival_df = 0;
    p->found = 1;
    p->edits = dist;
    p->df = it->info.df;
    memcpy(p->word, it->buf, it->len);
    p->word[it->len] = 0;
    memcpy(p->term, term, tlen);
    p->term[tlen] = 0;
    return 0;
}

typedef struct {
    int n;
    char word[AJ_MAX_WORD + 1];
    char term[AJ_MAX_WORD + 1];
    size_t word_len;
} token_copy;

static int on_copy(void *arg, const aj_token *t) {
    token_copy *f = arg;
    memcpy(f->word, t->word, t->word_len);
    f->word[t->word_len] = 0;
    f->word_len = t->word_len;
    memcpy(f->term, t->term, t->term_len);
    f->term[t->term_len] = 0;
    f->n++;
    return 1;
}

/* Counts the ASCII capitals and lower-case letters of o[0..n). */
static void count_case(const char *o, size_t n, int *upper, int *lower) {
    *upper = *lower = 0;
    for (size_t i = 0; i < n; i++) {
        *upper += o[i] >= 'A' && o[i] <= 'Z';
        *lower += o[i] >= 'a' && o[i] <= 'z';
    }
}

/* Gives word the case of the original bytes o[0..n): all capitals when
 * the original has two or more letters and all are ASCII capitals, a
 * capital first letter when it has one. */
static void match_case(char *word, const char *o, size_t n) {
    int upper, lower;
    count_case(o, n, &upper, &lower);
    if (upper >= 2 && lower == 0) {
        for (char *w = word; *w; w++)
            if (*w >= 'a' && *w <= 'z') *w = (char)(*w - 32);
    } else if (n && o[0] >= 'A' && o[0] <= 'Z' && word[0] >= 'a' && word[0] <= 'z') {
        word[0] = (char)(word[0] - 32);
    }
}

/* Rule 5. */
static int is_close(size_t ncp, const pick *p) {
    if (ncp < 5 || p->edits > (ncp >= 8 ? 2 : 1)) return 0;
    return p->rival_df == 0 || (uint64_t)p->df >= (uint64_t)AJ_SUGGEST_CLEAR * p->rival_df;
}

/* The proposal for the missing word q[w->pos, +len), if any, into x;
 * *scans counts the dictionary scans of the query so far. */
static aj_err propose(aj_ctx *c, aj_index *ix, aj_analyzer *an, const char *q,
                      const aj_qword *w, aj_correction *x, int *got, uint32_t *scans) {
    *got = 0;
    token_copy f = {0};
    aj_ctx tmp = {0};
    aj_analyze(&tmp, an, q + w->pos, w->len, 0, on_copy, &f);
    if (f.n == 0) return AJ_OK;
    /* rule 3: a word of the page chrome is there, only not searched */
    if (w->chrome) return AJ_OK;
    int upper, lower;
    count_case(q + w->pos, w->len, &upper, &lower);
    /* rules 3 and 6: an English word or an acronym was typed on purpose */
    int meant = (upper >= 2 && lower == 0) || aj_lexicon_has(f.word, f.word_len);
    uint32_t cps[AJ_MAX_WORD];
    size_t ncp = aj_fuzzy_decode(f.word, f.word_len, cps, AJ_MAX_WORD);
    int k = aj_fuzzy_cap(ncp);
    /* a word typed on purpose keeps only a close proposal (rule 5): a
     * short one needs no scan, a longer one no scan past the close cap */
    if (meant) k = ncp < 5 ? 0 : (ncp >= 8 ? 2 : 1);
    if (k == 0 || ++*scans > AJ_SUGGEST_MAX_SCANS) return AJ_OK;
    pick p = {.c = c, .an = an, .own_term = f.term};
    aj_err e = aj_fuzzy_scan(c, &ix->words, f.word, f.word_len, k, on_candidate, &p);
    if (!e) e = p.err;
    if (e || !p.found) return e;
    int close = is_close(ncp, &p);
    if (meant && !close) return AJ_OK;                       /* rules 3, 6 */
    memset(x, 0, sizeof *x);
    x->pos = w->pos;
    x->len = w->len;
    x->original = strndup(q + w->pos, w->len);
    match_case(p.word, q + w->pos, w->len);
    x->word = strdup(p.word);
    x->df_original = 0;
    x->df_word = p.df;
    x->edits = p.edits;
    x->automatic = close && !meant;                          /* rule 7 */
    *got = 1;
    if (!x->original || !x->word) return aj_fail(c, AJ_ENOMEM, "suggestion");
    return AJ_OK;
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

/* sg->query: q with every fix's bytes replaced by its word. */
static aj_err rewrite(aj_ctx *c, aj_suggestion *sg, const char *q, size_t len) {
    size_t need = len + 1;
    for (size_t i = 0; i < sg->nfixes; i++) need += strlen(sg->fixes[i].word);
    sg->query = malloc(need);
    if (!sg->query) return aj_fail(c, AJ_ENOMEM, "suggestion");
    size_t at = 0, from = 0;
    for (size_t i = 0; i < sg->nfixes; i++) {
        const aj_correction *x = &sg->fixes[i];
        memcpy(sg->query + at, q + from, x->pos - from);
        at += x->pos - from;
        size_t wl = strlen(x->word);
        memcpy(sg->query + at, x->word, wl);
        at += wl;
        from = x->pos + x->len;
    }
    memcpy(sg->query + at, q + from, len - from);
    at += len - from;
    sg->query[at] = 0;
    sg->query_len = at;
    return AJ_OK;
}

aj_err aj_suggest_words(aj_ctx *c, aj_index *ix, aj_analyzer *an, const char *q,
                        size_t len, const aj_qword *miss, size_t n,
                        aj_suggestion **out, int *all_auto) {
    *out = NULL;
    *all_auto = n > 0;
    aj_suggestion *sg = calloc(1, sizeof *sg);
    if (!sg) return aj_fail(c, AJ_ENOMEM, "suggestion");
    if (n) sg->fixes = calloc(n, sizeof *sg->fixes);
    aj_err e = n && !sg->fixes ? aj_fail(c, AJ_ENOMEM, "suggestion") : AJ_OK;
    uint32_t scans = 0;
    for (size_t i = 0; !e && i < n; i++) {
        int got = 0;
        e = propose(c, ix, an, q, &miss[i], &sg->fixes[sg->nfixes], &got, &scans);
        if (got) sg->nfixes++;
        if (!got || !sg->fixes[sg->nfixes - 1].automatic) *all_auto = 0;
    }
    if (!e && sg->nfixes) e = rewrite(c, sg, q, len);
    if (e || !sg->nfixes) {
        aj_suggestion_free(sg);
        if (e) *all_auto = 0;
        return e;
    }
    *out = sg;
    return AJ_OK;
}
