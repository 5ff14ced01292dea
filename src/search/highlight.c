/*
 * highlight.c - which bytes of a paragraph satisfied the query (the rules
 * are in highlight.h).
 *
 * A highlighter turns the query's positive leaves and NEAR items into
 * matchers, one per distinct clause (a term, a phrase, a prefix, a set of
 * terms), and the terms they use into a sorted key table.  For each
 * paragraph the text is analyzed into tokens tagged with their key (a
 * binary search each); one pass over the tokens counts and a second fills
 * every matcher's occurrences, as start positions in increasing order;
 * phrases are found from their rarest word's occurrences; every leaf then
 * records intervals of positions, the longest per start position; and one
 * sweep merges the intervals into byte spans.  So a paragraph costs one
 * analysis plus time linear in its tokens and in the occurrences of the
 * clauses, however many clauses the query has (a per-token walk over the
 * clauses once made a 1000-clause query take 31 s on a 60,000-word
 * paragraph).
 */
#include "search/highlight.h"

#include <stdlib.h>
#include <string.h>

#include "search/eval.h"

#define NONE UINT32_MAX

enum {
    M_TERM,   /* tokens with one term */
    M_PHRASE, /* runs of tokens with the phrase's terms, in order */
    M_WORDS,  /* tokens whose folded word starts with a prefix */
    M_SET     /* tokens with a term of a set: a typo-tolerant word, or a
                 prefix inside a NEAR (there the evaluator reads the terms
                 of the words, since positions are kept per term) */
};

typedef struct {
    int kind;
    const aj_qnode *n;       /* the first leaf or NEAR item it stands for */
    const char *s;           /* M_TERM: its term; M_WORDS: the prefix */
    char *canon;             /* equal for clauses that match alike */
    uint32_t leaf_uses;      /* positive leaves it is */
    uint32_t weak_uses;      /* of them, common words (highlight.h) */
    uint32_t key;            /* M_TERM */
    uint32_t kfirst;         /* M_PHRASE: keys h->pkeys[kfirst..+n->nterms) */
    aj_termset set;          /* M_SET */
    /* per paragraph: occurrences (start positions) h->occ[ofirst..+on) */
    uint32_t ofirst, on;
} matcher;

typedef struct {
    const char *s;
    size_t len;
    uint32_t id;             /* keys: unused; prefixes: the matcher */
} str;

typedef struct {
    uint32_t first, n;       /* items h->items[first..+n): matchers */
    uint32_t near;
} hnear;

typedef struct {
    int64_t lo, hi;
} ival;

struct aj_highlighter {
    aj_analyzer *an;
    matcher *m;
    uint32_t nm;
    int any_weak;            /* a positive leaf is a common word */
    hnear *nears;
    uint32_t nnears;
    uint32_t *items;
    str *keys;               /* every term of every matcher, sorted */
    uint32_t nkeys;
    uint32_t *kterm;         /* key -> its M_TERM matcher, or NONE */
    uint32_t *koff, *kown;   /* key -> the M_TERM and M_SET matchers
                                with it: kown[koff[k]..koff[k+1]) */
    uint32_t *pkeys;         /* phrases' keys */
    str *prefixes;           /* M_WORDS, sorted */
    uint32_t nprefixes;
    uint64_t prefix_lens;    /* bit l-1: some prefix is l bytes long */

    /* per paragraph, kept for the next one */
    int oom;
    uint32_t *tkey, *tstart, *tend;
    size_t ntok, captok;
    uint32_t *whits;         /* (position, M_WORDS matcher) pairs */
    size_t nwhits, capwhits;
    uint32_t *occ;
    size_t capocc;
    uint32_t *bend, *blab;   /* per start position: the longest interval
                                recorded [p, bend[p]) and its matcher */
    size_t nstarts;          /* positions with an interval */
    uint32_t *weak;          /* per position: 1 + a common word's matcher */
    uint8_t *cover;          /* per position: inside a marked interval */
    size_t cappos;
    ival *g, *x, *t;         /* NEAR windows */
    size_t capg, capx, capt;
};

/* ---- the common words ---- */

/* English function words: articles, pronouns and determiners,
 * prepositions, conjunctions and the forms of be, have and do.  Left out
 * on purpose, because they are also names or content words in this kind
 * of text: it and its (IT), us (US), may (May), will, can, no (No.). */
static const char *const common_words[] = {
    "a", "about", "after", "all", "am", "an", "and", "any", "are", "as", "at",
    "be", "been", "before", "being", "both", "but", "by", "could", "did",
    "do", "does", "each", "for", "from", "had", "has", "have", "he", "her",
    "his", "i", "if", "in", "into", "is", "me", "my", "nor", "not", "of",
    "on", "onto", "or", "other", "our", "per", "shall", "she", "should",
    "so", "some", "such", "than", "that", "the", "their", "them", "these",
    "they", "this", "those", "to", "upon", "via", "was", "we", "were", "what",
    "which", "while", "who", "whom", "whose", "with", "would", "you", "your"};

int aj_highlight_common_word(const char *w, size_t len) {
    size_t lo = 0, hi = sizeof common_words / sizeof *common_words;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *c = common_words[mid];
        size_t clen = strlen(c);
        int r = memcmp(c, w, clen < len ? clen : len);
        if (!r) r = (clen > len) - (clen < len);
        if (!r) return 1;
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* A plain word of the query that is a common word (its text folded). */
static int is_weak_leaf(aj_analyzer *an, const aj_qnode *n) {
    char w[AJ_MAX_WORD + 1];
    size_t wlen;
    aj_ctx c = {0};
    if (n->kind != Q_TERM || !n->text) return 0;
    if (aj_fold_word(&c, an, n->text, strlen(n->text), w, sizeof w, &wlen)) return 0;
    return aj_highlight_common_word(w, wlen);
}

/* ---- building ---- */

static int cmp_str(const void *a, const void *b) {
    const str *x = a, *y = b;
    int c = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);
    if (c) return c;
    return (x->len > y->len) - (x->len < y->len);
}

static const str *find_str(const str *v, size_t n, const char *s, size_t len) {
    str k = {s, len, 0};
    return n ? bsearch(&k, v, n, sizeof k, cmp_str) : NULL;
}

static uint32_t find_key(const aj_highlighter *h, const char *s, size_t len) {
    const str *k = find_str(h->keys, h->nkeys, s, len);
    return k ? (uint32_t)(k - h->keys) : NONE;
}

/* Doubles *cap until it holds need elements of size bytes. */
static int reserve(void **p, size_t *cap, size_t need, size_t size) {
    if (need <= *cap) return 0;
    size_t nc = *cap ? *cap : 16;
    while (nc < need) nc *= 2;
    void *v = realloc(*p, nc * size);
    if (!v) return -1;
    *p = v;
    *cap = nc;
    return 0;
}

/* The query walk's output: matchers before merging (raw), and NEARs
 * whose items are raw matcher numbers. */
typedef struct {
    aj_ctx *c;
    aj_analyzer *an;
    matcher *raw;
    size_t nraw, capraw;
    hnear *nears;
    size_t nnears, capnears;
    uint32_t *items;
    size_t nitems, capitems;
} builder;

static char *canon_of(int kind, const aj_qnode *n, const char *s) {
    size_t need = 8;
    if (kind == M_PHRASE)
        for (uint32_t i = 0; i < n->nterms; i++) need += strlen(n->terms[i]) + 1;
    else
        need += strlen(s);
    char *out = malloc(need), *p = out;
    if (!out) return NULL;
    static const char tag[] = {'t', 'p', 'w', 's'};
    *p++ = tag[kind];
    if (kind == M_SET) *p++ = n->kind == Q_FUZZY ? (char)('0' + n->edits) : '*';
    *p++ = ':';
    if (kind == M_PHRASE) {
        for (uint32_t i = 0; i < n->nterms; i++) {
            size_t l = strlen(n->terms[i]);
            memcpy(p, n->terms[i], l);
            p += l;
            *p++ = ' ';
        }
        *p = 0;
    } else {
        strcpy(p, s);
    }
    return out;
}

/* Adds a raw matcher for n (a leaf when leaf, else a NEAR item, or with
 * internal set a phrase word whose positions anchor the phrase). */
static aj_err add_raw(builder *b, int kind, const aj_qnode *n, const char *s,
                      int leaf, uint32_t *id) {
    if (reserve((void **)&b->raw, &b->capraw, b->nraw + 1, sizeof *b->raw))
        return aj_fail(b->c, AJ_ENOMEM, "highlighting");
    matcher *m = &b->raw[b->nraw];
    memset(m, 0, sizeof *m);
    m->kind = kind;
    m->n = n;
    m->s = s;
    m->canon = canon_of(kind, n, s);
    if (!m->canon) return aj_fail(b->c, AJ_ENOMEM, "highlighting");
    m->leaf_uses = leaf != 0;
    m->weak_uses = leaf && is_weak_leaf(b->an, n);
    *id = (uint32_t)b->nraw++;
    if (kind != M_PHRASE) return AJ_OK;
    /* Each phrase word gets a term matcher: the phrase is found from
     * the occurrences of its rarest word. */
    for (uint32_t i = 0; i < n->nterms; i++) {
        uint32_t t;
        aj_err e = add_raw(b, M_TERM, n, n->terms[i], 0, &t);
        if (e) return e;
    }
    return AJ_OK;
}

/* The matcher of a leaf or NEAR item n.  A leaf of a kind without its
 * own rule is matched by its terms, as a word or a phrase, rather than
 * silently never marked. */
static aj_err add_node(builder *b, const aj_qnode *n, int leaf, uint32_t *id) {
    *id = NONE;
    switch (n->kind) {
    case Q_PREFIX:
        return add_raw(b, leaf ? M_WORDS : M_SET, n, n->terms[0], leaf, id);
    case Q_FUZZY:
        return add_raw(b, M_SET, n, n->terms[0], leaf, id);
    default:
        if (n->nterms == 1) return add_raw(b, M_TERM, n, n->terms[0], leaf, id);
        if (n->nterms > 1) return add_raw(b, M_PHRASE, n, NULL, leaf, id);
        return AJ_OK;
    }
}

static aj_err add_near(builder *b, const aj_qnode *n) {
    if (reserve((void **)&b->nears, &b->capnears, b->nnears + 1, sizeof *b->nears) ||
        reserve((void **)&b->items, &b->capitems, b->nitems + n->nkids, sizeof *b->items))
        return aj_fail(b->c, AJ_ENOMEM, "highlighting");
    hnear *nr = &b->nears[b->nnears++];
    *nr = (hnear){(uint32_t)b->nitems, 0, n->near};
    for (uint32_t i = 0; i < n->nkids; i++) {
        uint32_t id;
        aj_err e = add_node(b, n->kids[i], 0, &id);
        if (e) return e;
        if (id == NONE) { /* an item without terms matches nothing */
            b->nnears--;
            b->nitems = nr->first;
            return AJ_OK;
        }
        b->items[b->nitems++] = id;
        nr->n++;
    }
    return AJ_OK;
}

/* Collects the positive leaves under n: nothing under a NOT. */
static aj_err walk(builder *b, const aj_qnode *n) {
    if (n->kind == Q_NOT) return AJ_OK;
    if (n->kind == Q_NEAR) return add_near(b, n);
    if (aj_qleaf(n->kind) || n->nkids == 0) {
        uint32_t id;
        return add_node(b, n, 1, &id);
    }
    for (uint32_t i = 0; i < n->nkids; i++) {
        aj_err e = walk(b, n->kids[i]);
        if (e) return e;
    }
    return AJ_OK;
}

static int cmp_canon(const void *a, const void *b) {
    const matcher *x = *(matcher *const *)a, *y = *(matcher *const *)b;
    int c = strcmp(x->canon, y->canon);
    return c ? c : (x > y) - (x < y);
}

/* Merges raw matchers with equal canon into h->m; map[raw] = merged. */
static aj_err merge_matchers(aj_ctx *c, aj_highlighter *h, builder *b, uint32_t *map) {
    matcher **by = malloc((b->nraw + 1) * sizeof *by);
    h->m = calloc(b->nraw + 1, sizeof *h->m);
    if (!by || !h->m) {
        free(by);
        return aj_fail(c, AJ_ENOMEM, "highlighting");
    }
    for (size_t i = 0; i < b->nraw; i++) by[i] = &b->raw[i];
    qsort(by, b->nraw, sizeof *by, cmp_canon);
    for (size_t i = 0; i < b->nraw; i++) {
        matcher *r = by[i];
        if (!h->nm || strcmp(h->m[h->nm - 1].canon, r->canon)) {
            h->m[h->nm++] = *r;
            r->canon = NULL; /* moved */
        } else {
            h->m[h->nm - 1].leaf_uses += r->leaf_uses;
            h->m[h->nm - 1].weak_uses += r->weak_uses;
        }
        map[r - b->raw] = h->nm - 1;
    }
    free(by);
    return AJ_OK;
}

/* The terms of every M_SET; a set that cannot be expanded stays empty. */
static aj_err expand_sets(aj_ctx *c, aj_highlighter *h, aj_index *ix) {
    for (uint32_t i = 0; i < h->nm; i++) {
        matcher *m = &h->m[i];
        if (m->kind != M_SET) continue;
        aj_ctx tmp = {0};
        aj_err e = aj_eval_expand(&tmp, ix, h->an, m->n, &m->set);
        if (e == AJ_ENOMEM) return aj_fail(c, AJ_ENOMEM, "highlighting");
        if (e) memset(&m->set, 0, sizeof m->set);
    }
    return AJ_OK;
}

typedef struct {
    uint32_t key, m;
} owner;

static int cmp_owner(const void *a, const void *b) {
    const owner *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return (x->m > y->m) - (x->m < y->m);
}

/* The key table, each matcher's keys, and key -> matchers. */
static aj_err build_keys(aj_ctx *c, aj_highlighter *h) {
    size_t nk = 0, nown = 0, npk = 0;
    for (uint32_t i = 0; i < h->nm; i++) {
        const matcher *m = &h->m[i];
        if (m->kind == M_TERM) {
            nk++;
            nown++;
        } else if (m->kind == M_PHRASE) {
            nk += m->n->nterms;
            npk += m->n->nterms;
        } else if (m->kind == M_SET) {
            nk += m->set.n;
            nown += m->set.n;
        }
    }
    h->keys = malloc((nk + 1) * sizeof *h->keys);
    owner *ow = malloc((nown + 1) * sizeof *ow);
    h->pkeys = malloc((npk + 1) * sizeof *h->pkeys);
    aj_err e = h->keys && ow && h->pkeys ? AJ_OK : aj_fail(c, AJ_ENOMEM, "highlighting");
    nk = 0;
    for (uint32_t i = 0; !e && i < h->nm; i++) {
        const matcher *m = &h->m[i];
        if (m->kind == M_TERM) h->keys[nk++] = (str){m->s, strlen(m->s), 0};
        for (uint32_t j = 0; m->kind == M_PHRASE && j < m->n->nterms; j++)
            h->keys[nk++] = (str){m->n->terms[j], strlen(m->n->terms[j]), 0};
        for (uint32_t j = 0; m->kind == M_SET && j < m->set.n; j++)
            h->keys[nk++] = (str){m->set.terms[j], strlen(m->set.terms[j]), 0};
    }
    if (!e) {
        qsort(h->keys, nk, sizeof *h->keys, cmp_str);
        for (size_t i = 0; i < nk; i++)
            if (!h->nkeys || cmp_str(&h->keys[h->nkeys - 1], &h->keys[i]))
                h->keys[h->nkeys++] = h->keys[i];
        h->kterm = malloc((h->nkeys + 1) * sizeof *h->kterm);
        h->koff = calloc(h->nkeys + 2, sizeof *h->koff);
        h->kown = malloc((nown + 1) * sizeof *h->kown);
        if (!h->kterm || !h->koff || !h->kown) e = aj_fail(c, AJ_ENOMEM, "highlighting");
    }
    nown = npk = 0;
    for (uint32_t k = 0; !e && k < h->nkeys; k++) h->kterm[k] = NONE;
    for (uint32_t i = 0; !e && i < h->nm; i++) {
        matcher *m = &h->m[i];
        if (m->kind == M_TERM) {
            m->key = find_key(h, m->s, strlen(m->s));
            h->kterm[m->key] = i;
            ow[nown++] = (owner){m->key, i};
        }
        if (m->kind == M_PHRASE) {
            m->kfirst = (uint32_t)npk;
            for (uint32_t j = 0; j < m->n->nterms; j++)
                h->pkeys[npk++] = find_key(h, m->n->terms[j], strlen(m->n->terms[j]));
        }
        for (uint32_t j = 0; m->kind == M_SET && j < m->set.n; j++)
            ow[nown++] = (owner){find_key(h, m->set.terms[j], strlen(m->set.terms[j])), i};
    }
    if (!e) {
        qsort(ow, nown, sizeof *ow, cmp_owner);
        for (size_t i = 0; i < nown; i++) {
            h->kown[i] = ow[i].m;
            h->koff[ow[i].key + 1]++;
        }
        for (uint32_t k = 0; k < h->nkeys; k++) h->koff[k + 1] += h->koff[k];
    }
    free(ow);
    return e;
}

static aj_err build_prefixes(aj_ctx *c, aj_highlighter *h) {
    h->prefixes = malloc((h->nm + 1) * sizeof *h->prefixes);
    if (!h->prefixes) return aj_fail(c, AJ_ENOMEM, "highlighting");
    for (uint32_t i = 0; i < h->nm; i++) {
        const matcher *m = &h->m[i];
        size_t len = m->kind == M_WORDS ? strlen(m->s) : 0;
        if (!len || len > AJ_MAX_WORD) continue;
        h->prefixes[h->nprefixes++] = (str){m->s, len, i};
        h->prefix_lens |= (uint64_t)1 << (len - 1);
    }
    /* Merged matchers are distinct, so no two prefixes are equal. */
    qsort(h->prefixes, h->nprefixes, sizeof *h->prefixes, cmp_str);
    return AJ_OK;
}

aj_err aj_highlighter_new(aj_ctx *c, aj_index *ix, aj_analyzer *an,
                          const aj_query *q, aj_highlighter **out) {
    *out = NULL;
    aj_highlighter *h = calloc(1, sizeof *h);
    if (!h) return aj_fail(c, AJ_ENOMEM, "highlighting");
    h->an = an;
    builder b = {.c = c, .an = an};
    aj_err e = q && q->root ? walk(&b, q->root) : AJ_OK;
    uint32_t *map = e ? NULL : malloc((b.nraw + 1) * sizeof *map);
    if (!e && !map) e = aj_fail(c, AJ_ENOMEM, "highlighting");
    if (!e) e = merge_matchers(c, h, &b, map);
    for (size_t i = 0; !e && i < b.nitems; i++) b.items[i] = map[b.items[i]];
    h->nears = b.nears;
    h->nnears = (uint32_t)b.nnears;
    h->items = b.items;
    for (size_t i = 0; i < b.nraw; i++) free(b.raw[i].canon);
    free(b.raw);
    free(map);
    if (!e) e = expand_sets(c, h, ix);
    if (!e) e = build_keys(c, h);
    if (!e) e = build_prefixes(c, h);
    for (uint32_t i = 0; !e && i < h->nm; i++)
        if (h->m[i].leaf_uses && h->m[i].weak_uses == h->m[i].leaf_uses) h->any_weak = 1;
    if (e) {
        aj_highlighter_free(h);
        return e;
    }
    *out = h;
    return AJ_OK;
}

void aj_highlighter_free(aj_highlighter *h) {
    if (!h) return;
    for (uint32_t i = 0; i < h->nm; i++) {
        free(h->m[i].canon);
        aj_termset_free(&h->m[i].set);
    }
    free(h->m);
    free(h->nears);
    free(h->items);
    free(h->keys);
    free(h->kterm);
    free(h->koff);
    free(h->kown);
    free(h->pkeys);
    free(h->prefixes);
    free(h->tkey);
    free(h->tstart);
    free(h->tend);
    free(h->whits);
    free(h->occ);
    free(h->bend);
    free(h->blab);
    free(h->weak);
    free(h->cover);
    free(h->g);
    free(h->x);
    free(h->t);
    free(h);
}

/* ---- one paragraph ---- */

static int on_token(void *arg, const aj_token *t) {
    aj_highlighter *h = arg;
    size_t p = h->ntok;
    if (p == h->captok) {
        size_t cap = h->captok;
        if (reserve((void **)&h->tkey, &cap, p + 1, sizeof *h->tkey) ||
            reserve((void **)&h->tstart, &(size_t){h->captok}, cap, sizeof *h->tstart) ||
            reserve((void **)&h->tend, &(size_t){h->captok}, cap, sizeof *h->tend)) {
            h->oom = 1;
            return 1;
        }
        h->captok = cap;
    }
    h->tstart[p] = t->start;
    h->tend[p] = t->end;
    h->tkey[p] = find_key(h, t->term, t->term_len);
    /* A word starts with a prefix clause if one of its own prefixes, of a
     * length some prefix has, is one (words are at most AJ_MAX_WORD). */
    for (uint32_t k = 1; k <= t->word_len && h->prefix_lens >> (k - 1); k++) {
        if (!(h->prefix_lens >> (k - 1) & 1)) continue;
        const str *f = find_str(h->prefixes, h->nprefixes, t->word, k);
        if (!f) continue;
        if (reserve((void **)&h->whits, &h->capwhits, h->nwhits + 2, sizeof *h->whits)) {
            h->oom = 1;
            return 1;
        }
        h->whits[h->nwhits++] = (uint32_t)p;
        h->whits[h->nwhits++] = f->id;
    }
    h->ntok++;
    return 0;
}

/* Positions an occurrence of m covers. */
static uint32_t mlen(const matcher *m) { return m->kind == M_PHRASE ? m->n->nterms : 1; }

/* Fills every matcher's occurrences (but phrases'): two passes over the
 * tokens, counting, then writing each in position order. */
static int fill_tokens(aj_highlighter *h) {
    for (uint32_t i = 0; i < h->nm; i++) h->m[i].on = 0;
    for (int pass = 0; pass < 2; pass++) {
        size_t w = 0;
        for (size_t p = 0; p < h->ntok; p++) {
            uint32_t k = h->tkey[p];
            for (uint32_t j = k == NONE ? 0 : h->koff[k]; k != NONE && j < h->koff[k + 1]; j++) {
                matcher *m = &h->m[h->kown[j]];
                if (pass) h->occ[m->ofirst + m->on] = (uint32_t)p;
                m->on++;
            }
            for (; w < h->nwhits && h->whits[w] == p; w += 2) {
                matcher *m = &h->m[h->whits[w + 1]];
                if (pass) h->occ[m->ofirst + m->on] = (uint32_t)p;
                m->on++;
            }
        }
        if (pass) break;
        size_t total = 0;
        for (uint32_t i = 0; i < h->nm; i++) {
            matcher *m = &h->m[i];
            m->ofirst = (uint32_t)total;
            total += m->on;
            m->on = 0;
        }
        if (total > UINT32_MAX || reserve((void **)&h->occ, &h->capocc, total + 1, sizeof *h->occ))
            return -1;
    }
    return 0;
}

/* Each phrase's occurrences, anchored on its word with the fewest. */
static int fill_phrases(aj_highlighter *h) {
    size_t total = 0;
    for (uint32_t i = 0; i < h->nm; i++)
        if (h->m[i].kind != M_PHRASE) total += h->m[i].on;
    for (uint32_t i = 0; i < h->nm; i++) {
        matcher *m = &h->m[i];
        if (m->kind != M_PHRASE) continue;
        const uint32_t *keys = h->pkeys + m->kfirst;
        uint32_t len = m->n->nterms, anchor = 0;
        for (uint32_t j = 1; j < len; j++)
            if (h->m[h->kterm[keys[j]]].on < h->m[h->kterm[keys[anchor]]].on) anchor = j;
        const matcher *a = &h->m[h->kterm[keys[anchor]]];
        if (reserve((void **)&h->occ, &h->capocc, total + a->on + 1, sizeof *h->occ))
            return -1;
        m->ofirst = (uint32_t)total;
        m->on = 0;
        for (uint32_t j = 0; j < a->on; j++) {
            uint32_t at = h->occ[a->ofirst + j];
            if (at < anchor || at - anchor + (size_t)len > h->ntok) continue;
            uint32_t p = at - anchor, k = 0;
            while (k < len && h->tkey[p + k] == keys[k]) k++;
            if (k == len) h->occ[total + m->on++] = p;
        }
        total += m->on;
    }
    return 0;
}

static void record(aj_highlighter *h, uint32_t p, uint32_t end, uint32_t label) {
    h->nstarts += !h->bend[p];
    if (end > h->bend[p]) {
        h->bend[p] = end;
        h->blab[p] = label;
    }
}

/* The window starts x from which item m has an occurrence a inside
 * [x, x + w): x in [a + len - w, a], merged into disjoint intervals. */
static size_t windows_of(const aj_highlighter *h, const matcher *m, int64_t w, ival *out) {
    size_t n = 0;
    int64_t len = mlen(m);
    for (uint32_t j = 0; j < m->on; j++) {
        int64_t a = h->occ[m->ofirst + j];
        if (n && a + len - w <= out[n - 1].hi + 1)
            out[n - 1].hi = a;
        else
            out[n++] = (ival){a + len - w, a};
    }
    return n;
}

/* Marks the item occurrences of a NEAR that lie in a window of w
 * positions holding an occurrence of every item: the windows that hold
 * one of item i start in windows_of(i), so the qualifying ones in the
 * intersection over the items.  -1 when memory runs out. */
static int mark_near(aj_highlighter *h, const hnear *nr) {
    const uint32_t *it = h->items + nr->first;
    int64_t w = nr->near;
    for (uint32_t i = 0; i < nr->n; i++) {
        if (!h->m[it[i]].on) return 0;
        w += mlen(&h->m[it[i]]);
    }
    if (!nr->n) return 0;
    if (reserve((void **)&h->g, &h->capg, h->m[it[0]].on, sizeof *h->g)) return -1;
    size_t ng = windows_of(h, &h->m[it[0]], w, h->g);
    for (uint32_t i = 1; i < nr->n && ng; i++) {
        const matcher *m = &h->m[it[i]];
        if (reserve((void **)&h->x, &h->capx, m->on, sizeof *h->x) ||
            reserve((void **)&h->t, &h->capt, ng + m->on, sizeof *h->t))
            return -1;
        size_t nx = windows_of(h, m, w, h->x), nt = 0, a = 0, b = 0;
        while (a < ng && b < nx) {
            int64_t lo = h->g[a].lo > h->x[b].lo ? h->g[a].lo : h->x[b].lo;
            int64_t hi = h->g[a].hi < h->x[b].hi ? h->g[a].hi : h->x[b].hi;
            if (lo <= hi) h->t[nt++] = (ival){lo, hi};
            if (h->g[a].hi < h->x[b].hi) a++;
            else b++;
        }
        ival *sw = h->g;
        h->g = h->t;
        h->t = sw;
        size_t sc = h->capg;
        h->capg = h->capt;
        h->capt = sc;
        ng = nt;
    }
    /* An occurrence a of length len is in a qualifying window if one
     * starts in [a + len - w, a]. */
    for (uint32_t i = 0; i < nr->n && ng; i++) {
        const matcher *m = &h->m[it[i]];
        uint32_t len = mlen(m);
        size_t g = 0;
        for (uint32_t j = 0; j < m->on; j++) {
            int64_t a = h->occ[m->ofirst + j];
            while (g < ng && h->g[g].hi < a + len - w) g++;
            if (g == ng) break;
            if (h->g[g].lo <= a) record(h, (uint32_t)a, (uint32_t)(a + len), it[i]);
        }
    }
    return 0;
}

/* 1 if nothing but spaces and hyphens lies between tokens p and p + 1. */
static int joined(const aj_highlighter *h, const char *text, size_t p) {
    for (uint32_t i = h->tend[p]; i < h->tstart[p + 1]; i++)
        if (!strchr(" \t\r\n-", text[i]) || !text[i]) return 0;
    return 1;
}

/* Common words: a run of consecutive occurrences (not already marked) is
 * marked when the positions just before and just after it both are, with
 * only spaces or hyphens between: it joins two marks, as "of" in "rule of
 * law" for the query rule of law, but not in "the conduct of parties" for
 * Code of Conduct, nor "the" in "state; the state".  In a paragraph with
 * no other mark, they are what it matched: every occurrence is marked. */
static void mark_weak(aj_highlighter *h, const char *text) {
    size_t n = h->ntok;
    int alone = !h->nstarts;
    uint32_t reach = 0;
    for (size_t p = 0; p < n; p++) {
        if (h->bend[p] > reach) reach = h->bend[p];
        h->cover[p] = p < reach;
        h->weak[p] = 0;
    }
    for (uint32_t i = 0; i < h->nm; i++) {
        const matcher *m = &h->m[i];
        if (!m->leaf_uses || m->weak_uses != m->leaf_uses) continue;
        for (uint32_t j = 0; j < m->on; j++) {
            uint32_t p = h->occ[m->ofirst + j];
            h->weak[p] = i + 1;
            if (alone) record(h, p, p + 1, i);
        }
    }
    if (alone) return;
    for (size_t p = 0; p < n;) {
        if (!h->weak[p] || h->cover[p]) {
            p++;
            continue;
        }
        size_t a = p;
        while (p < n && h->weak[p] && !h->cover[p]) p++;
        int join = a > 0 && h->cover[a - 1] && p < n && h->cover[p];
        for (size_t q = a - (a > 0); join && q < p; q++) join = joined(h, text, q);
        if (join)
            for (size_t q = a; q < p; q++) record(h, (uint32_t)q, (uint32_t)q + 1, h->weak[q] - 1);
    }
}

size_t aj_highlighter_spans(aj_highlighter *h, const char *text, size_t len,
                            aj_span *out, size_t cap) {
    h->ntok = h->nwhits = 0;
    h->oom = 0;
    if (!h->nm) return 0;
    aj_ctx c = {0};
    if (aj_analyze(&c, h->an, text, len, 0, on_token, h) || h->oom) return 0;
    size_t n = h->ntok, cp = h->cappos;
    if (reserve((void **)&h->bend, &cp, n + 1, sizeof *h->bend) ||
        reserve((void **)&h->blab, &(size_t){h->cappos}, cp, sizeof *h->blab) ||
        reserve((void **)&h->weak, &(size_t){h->cappos}, cp, sizeof *h->weak) ||
        reserve((void **)&h->cover, &(size_t){h->cappos}, cp, sizeof *h->cover))
        return 0;
    h->cappos = cp;
    memset(h->bend, 0, n * sizeof *h->bend);
    h->nstarts = 0;
    if (fill_tokens(h) || fill_phrases(h)) return 0;
    for (uint32_t i = 0; i < h->nm; i++) {
        const matcher *m = &h->m[i];
        if (!m->leaf_uses || m->weak_uses == m->leaf_uses) continue;
        for (uint32_t j = 0; j < m->on; j++) {
            uint32_t p = h->occ[m->ofirst + j];
            record(h, p, p + mlen(m), i);
        }
    }
    for (uint32_t i = 0; i < h->nnears; i++)
        if (mark_near(h, &h->nears[i])) return 0;
    if (h->any_weak) mark_weak(h, text);
    /* Merge: a span runs while the next interval starts inside it. */
    size_t ns = 0;
    uint32_t s = 0, e = 0, label = 0;
    for (size_t p = 0; p <= n; p++) {
        if (p < n && !h->bend[p]) continue;
        if (p < n && p < e) {
            if (h->bend[p] > e) e = h->bend[p];
            continue;
        }
        if (e) {
            if (ns < cap) out[ns] = (aj_span){h->tstart[s], h->tend[e - 1], label};
            ns++;
        }
        if (p < n) {
            s = (uint32_t)p;
            e = h->bend[p];
            label = h->blab[p];
        }
    }
    return ns;
}
