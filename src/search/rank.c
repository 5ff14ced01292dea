/* rank.c - the default ranking's factors, computed for matches visited
 * in id order; see rank.h. */
#include "search/rank.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "search/eval.h"
#include "format/postings.h"
#include "analysis/segment.h"

/* ---- clauses ---- */

static void mark_leaves(const aj_qnode *n, uint32_t clause, uint32_t *of) {
    if (n->kind == Q_NOT) return;
    if (!n->nkids || aj_qleaf(n->kind)) {
        of[n->leaf] = clause;
        return;
    }
    for (uint32_t i = 0; i < n->nkids; i++) mark_leaves(n->kids[i], clause, of);
}

aj_err aj_rank_open(aj_ctx *c, aj_rank *r, const aj_query *q) {
    memset(r, 0, sizeof *r);
    r->q = q;
    if (!q->root) return AJ_OK;
    const aj_qnode *root = q->root;
    uint32_t cap = root->kind == Q_AND ? root->nkids : 1;
    r->clauses = calloc(cap + 1, sizeof *r->clauses);
    r->unit_of_leaf = malloc((q->nleaves + 1) * sizeof *r->unit_of_leaf);
    r->weight = calloc(cap + 1, sizeof *r->weight);
    r->common = calloc(cap + 1, sizeof *r->common);
    r->can_occur = calloc(cap + 1, sizeof *r->can_occur);
    if (!r->clauses || !r->unit_of_leaf || !r->weight || !r->common || !r->can_occur)
        return aj_fail(c, AJ_ENOMEM, "ranking");
    for (uint32_t l = 0; l < q->nleaves; l++) r->unit_of_leaf[l] = UINT32_MAX;
    if (root->kind == Q_AND) {
        for (uint32_t i = 0; i < root->nkids; i++) {
            if (root->kids[i]->kind == Q_NOT) continue;
            mark_leaves(root->kids[i], r->nclauses, r->unit_of_leaf);
            r->clauses[r->nclauses++] = root->kids[i];
        }
    } else if (root->kind != Q_NOT) {
        mark_leaves(root, 0, r->unit_of_leaf);
        r->clauses[r->nclauses++] = root;
    }
    for (uint32_t l = 0; l < q->nleaves; l++) {
        uint32_t u = r->unit_of_leaf[l];
        aj_qkind k = q->leaves[l]->kind;
        if (u != UINT32_MAX && (k == Q_TERM || k == Q_PHRASE) && !r->can_occur[u]) {
            r->can_occur[u] = 1;
            r->ncan_occur++;
        }
    }
    return AJ_OK;
}

void aj_rank_close(aj_rank *r) {
    free(r->clauses);
    free(r->unit_of_leaf);
    free(r->weight);
    free(r->common);
    free(r->can_occur);
    memset(r, 0, sizeof *r);
}

/* ---- weights: what a partial match shares ---- */

/* A clause's weight is its idf.  A group's df is not known without
 * evaluating it, but bounded by its parts': an OR is at least as common
 * as its most common branch, an AND at most as common as its rarest
 * part, and the weight is that bound. */
static double node_weight(const aj_qnode *n, const uint32_t *df, uint64_t nparas) {
    if (aj_qleaf(n->kind)) return aj_bm25_idf(nparas, df[n->leaf]);
    double w = n->kind == Q_OR ? INFINITY : 0.0;
    for (uint32_t i = 0; i < n->nkids; i++) {
        if (n->kids[i]->kind == Q_NOT) continue;
        double k = node_weight(n->kids[i], df, nparas);
        if (n->kind == Q_OR ? k < w : k > w) w = k;
    }
    return isfinite(w) ? w : 0.0;
}

/* Common: in more than 1/AJ_RANK_COMMON_DIV of the paragraphs; an OR
 * when one of its branches is, an AND when all its parts are (the same
 * bounds as the weight). */
static int node_common(const aj_qnode *n, const uint32_t *df, uint64_t nparas) {
    if (aj_qleaf(n->kind)) return (uint64_t)df[n->leaf] * AJ_RANK_COMMON_DIV > nparas;
    int any = 0, all = 1;
    for (uint32_t i = 0; i < n->nkids; i++) {
        if (n->kids[i]->kind == Q_NOT) continue;
        int k = node_common(n->kids[i], df, nparas);
        any |= k;
        all &= k;
    }
    return n->kind == Q_OR ? any : all;
}

void aj_rank_weigh(aj_rank *r, const uint32_t *df, uint64_t nparas) {
    r->total_weight = 0;
    for (uint32_t u = 0; u < r->nclauses; u++) {
        r->weight[u] = (uint64_t)llround(node_weight(r->clauses[u], df, nparas) *
                                         AJ_RANK_WEIGHT_SCALE);
        r->common[u] = (uint8_t)node_common(r->clauses[u], df, nparas);
        r->total_weight += r->weight[u];
    }
}

double aj_rank_share_of(const aj_rank *r, uint64_t weight) {
    if (weight >= r->total_weight) return 1.0;
    return (double)weight / (double)r->total_weight;
}

double aj_rank_share(const aj_rank *r, const uint8_t *matched) {
    uint64_t w = 0;
    uint32_t m = 0;
    for (uint32_t u = 0; u < r->nclauses; u++)
        if (matched[u]) {
            w += r->weight[u];
            m++;
        }
    return m == r->nclauses ? 1.0 : aj_rank_share_of(r, w);
}

/* The largest proximity of a paragraph holding `occurring` clauses that
 * can occur. */
static double max_proximity(const aj_rank *r, uint32_t occurring) {
    return occurring >= 2 && r->nclauses ? (double)occurring / (double)r->nclauses : 0.0;
}

double aj_rank_max_factor(const aj_rank *r, const aj_search_opts *o, uint32_t occurring) {
    return (1.0 + o->w_prox * max_proximity(r, occurring)) * (1.0 + o->w_head);
}

uint32_t aj_rank_occurring(const aj_rank *r, const uint8_t *held) {
    if (!held) return r->ncan_occur;
    uint32_t n = 0;
    for (uint32_t u = 0; u < r->nclauses; u++) n += held[u] && r->can_occur[u];
    return n;
}

double aj_rank_score(const aj_hit *h, const aj_search_opts *o) {
    return h->bm25 * (1.0 + o->w_prox * h->proximity) * (1.0 + o->w_head * h->heading) *
           h->kind * h->share;
}

/* ---- proximity over occurrence lists ---- */

typedef struct {
    uint32_t pos, len, clause;
} occ_t;

static int cmp_occ(const void *a, const void *b) {
    const occ_t *x = a, *y = b;
    if (x->pos != y->pos) return x->pos < y->pos ? -1 : 1;
    if (x->clause != y->clause) return x->clause < y->clause ? -1 : 1;
    return x->len < y->len ? -1 : x->len > y->len;
}

/* The best run of v[0..n) (sorted) holding every clause that occurs (see
 * rank.h): for each end r, l moves up as far as the run stays whole, so
 * the first (l, r) reaching the smallest span is the earliest-ending one,
 * and of those with that end the one starting last comes after it.
 * npresent clauses occur; count[] is scratch of nclauses zeros. */
static double window(const occ_t *v, size_t n, uint32_t nclauses,
                     uint32_t npresent, uint32_t *count, uint32_t *first) {
    uint64_t best = UINT64_MAX;
    size_t bl = 0, br = 0;
    uint32_t have = 0;
    for (size_t l = 0, r = 0; r < n; r++) {
        if (count[v[r].clause]++ == 0) have++;
        while (have == npresent) {
            uint64_t span = (uint64_t)v[r].pos + v[r].len - v[l].pos;
            if (span < best || (span == best && r == br)) {
                best = span;
                bl = l;
                br = r;
            }
            if (--count[v[l].clause] == 0) have--;
            l++;
        }
    }
    /* Each clause's first occurrence in the best window: its length and
     * whether the clauses come in query order. */
    for (uint32_t u = 0; u < nclauses; u++) first[u] = UINT32_MAX;
    uint64_t len = 0;
    int ordered = 1;
    uint32_t last = 0, seen = 0;
    for (size_t i = bl; i <= br; i++) {
        if (first[v[i].clause] != UINT32_MAX) continue;
        first[v[i].clause] = v[i].pos;
        len += v[i].len;
        if (seen++ && v[i].clause < last) ordered = 0;
        last = v[i].clause;
    }
    double close = best ? (double)len / (double)best : 0.0;
    if (close > 1.0) close = 1.0;
    return close * (ordered ? 1.0 : 0.5) * (double)npresent / (double)nclauses;
}

/* The end of the sorted run of v[0..n) that starts at i. */
static size_t run_end(const occ_t *v, size_t n, size_t i) {
    while (i + 1 < n && cmp_occ(&v[i], &v[i + 1]) <= 0) i++;
    return i + 1;
}

/* Sorts v[0..n) into cmp_occ order.  It is a few sorted runs (each leaf's
 * occurrences come in position order), so runs are merged pairwise
 * through tmp (room for n), a pass per doubling: cheaper than a general
 * sort for the few clauses of a query. */
static void sort_occ(occ_t *v, size_t n, occ_t *tmp) {
    while (run_end(v, n, 0) < n) {
        size_t o = 0;
        for (size_t a = 0; a < n;) {
            size_t ae = run_end(v, n, a), be = ae < n ? run_end(v, n, ae) : n;
            size_t i = a, j = ae;
            while (i < ae && j < be) tmp[o++] = cmp_occ(&v[j], &v[i]) < 0 ? v[j++] : v[i++];
            while (i < ae) tmp[o++] = v[i++];
            while (j < be) tmp[o++] = v[j++];
            a = be;
        }
        memcpy(v, tmp, n * sizeof *v);
    }
}

static double proximity(occ_t *v, size_t n, uint32_t nclauses, uint32_t *scratch,
                        occ_t *tmp) {
    if (nclauses < 2 || n < 2) return 0.0;
    sort_occ(v, n, tmp);
    uint32_t *count = scratch, *first = scratch + nclauses;
    memset(count, 0, nclauses * sizeof *count);
    uint32_t npresent = 0;
    for (size_t i = 0; i < n; i++)
        if (count[v[i].clause]++ == 0) npresent++;
    if (npresent < 2) return 0.0;
    memset(count, 0, nclauses * sizeof *count);
    return window(v, n, nclauses, npresent, count, first);
}

double aj_rank_proximity(uint32_t nclauses, const uint32_t *const *occ,
                         const uint32_t *nocc, const uint32_t *ulen) {
    size_t n = 0;
    for (uint32_t u = 0; u < nclauses; u++) n += nocc[u];
    occ_t *v = malloc((n + 1) * sizeof *v), *tmp = malloc((n + 1) * sizeof *tmp);
    uint32_t *scratch = malloc((2 * (size_t)nclauses + 1) * sizeof *scratch);
    double p = 0.0;
    if (v && tmp && scratch) {
        size_t k = 0;
        for (uint32_t u = 0; u < nclauses; u++)
            for (uint32_t i = 0; i < nocc[u]; i++)
                v[k++] = (occ_t){occ[u][i], ulen[u], u};
        p = proximity(v, n, nclauses, scratch, tmp);
    }
    free(v);
    free(tmp);
    free(scratch);
    return p;
}

/* ---- reading positions of the candidates ---- */

/* One distinct term of the clauses' terms and phrases, with a cursor that
 * walks the candidates in id order. */
typedef struct {
    const char *term;
    aj_term_info info;       /* from the dictionary, when found */
    int found;
    aj_pcursor pc;
    int open;
    int here;                /* the term is in the current paragraph */
    const uint32_t *pos;     /* its positions there, when asked for */
    uint32_t npos;
} rterm;

typedef struct {
    rterm *t;
    uint32_t nt;
    uint32_t **slot;         /* by leaf: the rterm index of each leaf term */
} rterms;

static uint32_t term_slot(rterms *rt, const char *term) {
    for (uint32_t i = 0; i < rt->nt; i++)
        if (!strcmp(rt->t[i].term, term)) return i;
    rt->t[rt->nt].term = term;
    return rt->nt++;
}

/* Opens every term's cursor on its first posting. */
static aj_err rterms_start(aj_ctx *c, aj_index *ix, rterms *rt) {
    for (uint32_t i = 0; i < rt->nt; i++) {
        rterm *t = &rt->t[i];
        if (t->open) aj_pcursor_free(&t->pc);
        t->open = 0;
        t->pc.doc = AJ_DOC_END;
        if (!t->found) continue;
        aj_err e = aj_index_cursor(c, ix, AJ_DICT_TERMS, t->term, strlen(t->term), &t->info,
                                   1, &t->pc);
        if (e) return e;
        t->open = 1;
    }
    return AJ_OK;
}

/* The terms of r's clauses; their dictionary entries are looked up, or
 * copied from `from` (a set made for the same query) when not NULL. */
static aj_err rterms_open(aj_ctx *c, const aj_rank *r, aj_index *ix, rterms *rt,
                          const rterms *from) {
    const aj_query *q = r->q;
    size_t total = 0;
    for (uint32_t l = 0; l < q->nleaves; l++) total += q->leaves[l]->nterms;
    rt->t = calloc(total + 1, sizeof *rt->t);
    rt->slot = calloc(q->nleaves + 1, sizeof *rt->slot);
    if (!rt->t || !rt->slot) return aj_fail(c, AJ_ENOMEM, "ranking");
    for (uint32_t l = 0; l < q->nleaves; l++) {
        const aj_qnode *n = q->leaves[l];
        if (r->unit_of_leaf[l] == UINT32_MAX) continue;
        if (n->kind != Q_TERM && n->kind != Q_PHRASE) continue;
        rt->slot[l] = malloc(n->nterms * sizeof **rt->slot);
        if (!rt->slot[l]) return aj_fail(c, AJ_ENOMEM, "ranking");
        for (uint32_t i = 0; i < n->nterms; i++)
            rt->slot[l][i] = term_slot(rt, n->terms[i]);
    }
    for (uint32_t i = 0; i < rt->nt; i++) {
        rterm *t = &rt->t[i];
        if (from) {
            t->info = from->t[i].info;
            t->found = from->t[i].found;
            continue;
        }
        int64_t id;
        aj_err e = aj_dict_find(c, &ix->terms, t->term, strlen(t->term), &id, &t->info);
        if (e) return e;
        t->found = id >= 0;
    }
    return rterms_start(c, ix, rt);
}

static void rterms_close(const aj_query *q, rterms *rt) {
    for (uint32_t i = 0; rt->t && i < rt->nt; i++)
        if (rt->t[i].open) aj_pcursor_free(&rt->t[i].pc);
    for (uint32_t l = 0; rt->slot && l < q->nleaves; l++) free(rt->slot[l]);
    free(rt->t);
    free(rt->slot);
}

/* Positions every term's cursor on paragraph id (never backwards), and
 * reads its positions there when want_pos. */
static aj_err rterms_seek(aj_ctx *c, rterms *rt, uint32_t id, int want_pos) {
    for (uint32_t i = 0; i < rt->nt; i++) {
        rterm *t = &rt->t[i];
        t->npos = 0;
        t->here = 0;
        if (!t->open) continue;
        aj_err e = aj_pcursor_advance(c, &t->pc, id);
        if (e) return e;
        if (t->pc.doc != id) continue;
        t->here = 1;
        if (want_pos) e = aj_pcursor_positions(c, &t->pc, &t->pos, &t->npos);
        if (e) return e;
    }
    return AJ_OK;
}

static int has_pos(const uint32_t *v, uint32_t n, uint32_t x) {
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t m = lo + (hi - lo) / 2;
        if (v[m] < x) lo = m + 1; else hi = m;
    }
    return lo < n && v[lo] == x;
}

typedef struct {
    occ_t *v, *tmp;          /* tmp: room to sort v */
    size_t n, cap;
} occbuf;

static aj_err occ_push(aj_ctx *c, occbuf *b, uint32_t pos, uint32_t len, uint32_t clause) {
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 64;
        occ_t *v = realloc(b->v, cap * sizeof *v);
        if (v) b->v = v;
        occ_t *t = v ? realloc(b->tmp, cap * sizeof *t) : NULL;
        if (t) b->tmp = t;
        if (!v || !t) return aj_fail(c, AJ_ENOMEM, "ranking");
        b->cap = cap;
    }
    b->v[b->n++] = (occ_t){pos, len, clause};
    return AJ_OK;
}

/* The occurrences in the current candidate of every clause it holds
 * (held NULL: all of them). */
static aj_err collect_occ(aj_ctx *c, const aj_rank *r, rterms *rt, const uint8_t *held,
                          occbuf *b) {
    const aj_query *q = r->q;
    b->n = 0;
    for (uint32_t l = 0; l < q->nleaves; l++) {
        if (!rt->slot[l]) continue;
        const aj_qnode *n = q->leaves[l];
        uint32_t u = r->unit_of_leaf[l];
        if (held && !held[u]) continue;
        const rterm *t0 = &rt->t[rt->slot[l][0]];
        for (uint32_t i = 0; i < t0->npos; i++) {
            uint32_t p = t0->pos[i], j = 1;
            for (; j < n->nterms; j++) {
                const rterm *tj = &rt->t[rt->slot[l][j]];
                if (p > UINT32_MAX - j || !has_pos(tj->pos, tj->npos, p + j)) break;
            }
            if (j < n->nterms) continue;
            aj_err e = occ_push(c, b, p, n->nterms, u);
            if (e) return e;
        }
    }
    return AJ_OK;
}

/* ---- headings ---- */

/* Finds section headings for matches visited in increasing id order,
 * remembering the last answer: the scan from a match stops at the
 * previous match of the same document, whose heading is then also this
 * one's, so the matches of a query cost one pass over the paragraphs
 * between them (at most AJ_RANK_HEADING_SCAN each).  The document's range
 * is remembered too, so consecutive matches in one document cost no
 * search of the document table. */
typedef struct {
    uint32_t id, doc, first, end, heading;
    int valid;
} hmemo;

/* The section heading of paragraph id: the nearest heading paragraph
 * before it in its document, or UINT32_MAX; and id's own kind, from the
 * same records. */
static aj_err section_heading(aj_ctx *c, aj_index *ix, hmemo *m, uint32_t id,
                              uint32_t *h, int *kind) {
    *h = UINT32_MAX;
    uint32_t doc = m->doc, first = m->first, end = m->end;
    if (!m->valid || id < first || id >= end) {
        aj_doc_info d;
        aj_err e = aj_index_para_doc(c, ix, id, &doc, &first);
        if (!e) e = aj_doc_get(c, ix, doc, &d);
        if (e) return e;
        end = first + d.nparas;
        m->valid = 0;
    }
    uint32_t lo = id - first > AJ_RANK_HEADING_SCAN ? id - AJ_RANK_HEADING_SCAN : first;
    /* From the previous match of the same document on, its answer holds:
     * only the paragraphs after it need looking at. */
    int memo = m->valid && m->id < id && m->id >= lo;
    aj_err e = aj_index_heading_kind(c, ix, id, memo ? m->id : lo, h, kind);
    if (!e && *h == UINT32_MAX && memo && m->heading != UINT32_MAX && m->heading >= lo)
        *h = m->heading;
    *m = (hmemo){id, doc, first, end, *h, !e};
    return e;
}

/* Does clause u occur in the paragraph the cursors stand on?  A
 * term leaf needs its term, a phrase all of its terms (in any order: a
 * heading is short). */
static int unit_here(const aj_rank *r, const rterms *rt, uint32_t u) {
    const aj_query *q = r->q;
    for (uint32_t l = 0; l < q->nleaves; l++) {
        if (r->unit_of_leaf[l] != u || !rt->slot[l]) continue;
        uint32_t i = 0, n = q->leaves[l]->nterms;
        while (i < n && rt->t[rt->slot[l][i]].here) i++;
        if (i == n) return 1;
    }
    return 0;
}

/* ---- the rescorer ---- */

struct aj_rescorer {
    const aj_rank *r;
    aj_index *ix;
    aj_search_opts o;
    rterms at;               /* the matches' positions */
    rterms heads;            /* the section headings' terms */
    occbuf ob;
    uint32_t *scratch;
    hmemo memo;
    uint32_t last_head;      /* the heading whose factor is last_factor */
    double last_factor;
    uint32_t last_id;        /* the last paragraph re-scored */
    int started;
    const uint8_t *held;     /* the clauses the matches hold, NULL: all */
};

void aj_rescorer_held(aj_rescorer *rs, const uint8_t *held) { rs->held = held; }

aj_err aj_rescorer_new(aj_ctx *c, const aj_rank *r, aj_index *ix,
                       const aj_search_opts *o, aj_rescorer **out) {
    aj_rescorer *rs = calloc(1, sizeof *rs);
    *out = rs;
    if (!rs) return aj_fail(c, AJ_ENOMEM, "ranking");
    rs->r = r;
    rs->ix = ix;
    rs->o = *o;
    rs->last_head = UINT32_MAX;
    rs->scratch = malloc((2 * (size_t)r->nclauses + 1) * sizeof *rs->scratch);
    if (!rs->scratch) return aj_fail(c, AJ_ENOMEM, "ranking");
    int at = r->nclauses >= 2 && o->w_prox > 0;
    aj_err e = at ? rterms_open(c, r, ix, &rs->at, NULL) : AJ_OK;
    if (!e && o->w_head > 0) e = rterms_open(c, r, ix, &rs->heads, at ? &rs->at : NULL);
    return e;
}

/* Starts the walk over again, for matches from the first paragraph on. */
static aj_err rescorer_rewind(aj_ctx *c, aj_rescorer *rs) {
    aj_err e = rterms_start(c, rs->ix, &rs->at);
    if (!e) e = rterms_start(c, rs->ix, &rs->heads);
    memset(&rs->memo, 0, sizeof rs->memo);
    rs->last_head = UINT32_MAX;
    return e;
}

void aj_rescorer_free(aj_rescorer *rs) {
    if (!rs) return;
    rterms_close(rs->r->q, &rs->at);
    rterms_close(rs->r->q, &rs->heads);
    free(rs->ob.v);
    free(rs->ob.tmp);
    free(rs->scratch);
    free(rs);
}

/* The heading factor of paragraph id.  Headings come in increasing order
 * as ids do (a later paragraph's heading is the same or a later one), so
 * the heading cursors never move back; if they had to, they are opened
 * again rather than give a wrong answer. */
static aj_err heading_factor(aj_ctx *c, aj_rescorer *rs, uint32_t id, double *f,
                             int *kind) {
    uint32_t head;
    *f = 0.0;
    aj_err e = section_heading(c, rs->ix, &rs->memo, id, &head, kind);
    if (e || head == UINT32_MAX) return e;
    if (head == rs->last_head) {
        *f = rs->last_factor;
        return AJ_OK;
    }
    if (rs->last_head != UINT32_MAX && head < rs->last_head) {
        e = rterms_start(c, rs->ix, &rs->heads);
        if (e) return e;
    }
    e = rterms_seek(c, &rs->heads, head, 0);
    if (e) return e;
    uint32_t in = 0;
    for (uint32_t u = 0; u < rs->r->nclauses; u++) in += unit_here(rs->r, &rs->heads, u);
    *f = (double)in / (double)rs->r->nclauses;
    rs->last_head = head;
    rs->last_factor = *f;
    return AJ_OK;
}

aj_err aj_rescore(aj_ctx *c, aj_rescorer *rs, aj_hit *h, double floor, int *keep) {
    const aj_rank *r = rs->r;
    *keep = 1;
    /* A second walk (the partial matches after the full ones) starts the
     * cursors again. */
    if (rs->started && h->id < rs->last_id) {
        aj_err e = rescorer_rewind(c, rs);
        if (e) return e;
    }
    rs->started = 1;
    rs->last_id = h->id;
    h->proximity = h->heading = 0.0;
    h->kind = 1.0;
    aj_err e = AJ_OK;
    int kind = AJ_PARA_BODY;
    if (r->nclauses && rs->o.w_head > 0)
        e = heading_factor(c, rs, h->id, &h->heading, &kind);
    else if (rs->o.heading_hit < 1.0)
        e = aj_index_para_kind(c, rs->ix, h->id, &kind);
    if (e) return e;
    if (kind == AJ_PARA_HEADING) h->kind = rs->o.heading_hit;
    double pmax = max_proximity(r, aj_rank_occurring(r, rs->held));
    if (pmax > 0 && rs->o.w_prox > 0) {
        /* The positions are the dear part: only when they can matter. */
        h->proximity = pmax;
        if (aj_rank_score(h, &rs->o) <= floor) {
            *keep = 0;
            return AJ_OK;
        }
        e = rterms_seek(c, &rs->at, h->id, 1);
        if (!e) e = collect_occ(c, r, &rs->at, rs->held, &rs->ob);
        if (e) return e;
        h->proximity = proximity(rs->ob.v, rs->ob.n, r->nclauses, rs->scratch, rs->ob.tmp);
    }
    h->score = aj_rank_score(h, &rs->o);
    return AJ_OK;
}

aj_err aj_rescore_least(aj_ctx *c, aj_rescorer *rs, aj_hit *h) {
    int kind = AJ_PARA_BODY;
    aj_hit least = *h;
    least.proximity = least.heading = 0.0;
    least.kind = 1.0;
    least.share = 1.0;
    if (rs->o.heading_hit < 1.0) {
        aj_err e = aj_index_para_kind(c, rs->ix, h->id, &kind);
        if (e) return e;
    }
    if (kind == AJ_PARA_HEADING) least.kind = rs->o.heading_hit;
    /* The same products as aj_rank_score, so the bound is never above a
     * score computed there (rounding is monotone). */
    h->score = aj_rank_score(&least, &rs->o);
    return AJ_OK;
}
