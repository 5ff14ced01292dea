/* rank.c - proximity and heading evidence for the best candidates; see
 * rank.h. */
#include "rank.h"

#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "postings.h"
#include "segment.h"

/* ---- units ---- */

static void mark_leaves(const aj_qnode *n, uint32_t unit, uint32_t *of) {
    if (n->kind == Q_NOT) return;
    if (!n->nkids) {
        of[n->leaf] = unit;
        return;
    }
    for (uint32_t i = 0; i < n->nkids; i++) mark_leaves(n->kids[i], unit, of);
}

aj_err aj_rank_open(aj_ctx *c, aj_rank *r, const aj_query *q) {
    memset(r, 0, sizeof *r);
    r->q = q;
    if (!q->root) return AJ_OK;
    const aj_qnode *root = q->root;
    uint32_t cap = root->kind == Q_AND ? root->nkids : 1;
    r->units = calloc(cap + 1, sizeof *r->units);
    r->unit_of_leaf = malloc((q->nleaves + 1) * sizeof *r->unit_of_leaf);
    if (!r->units || !r->unit_of_leaf) return aj_fail(c, AJ_ENOMEM, "ranking");
    for (uint32_t l = 0; l < q->nleaves; l++) r->unit_of_leaf[l] = UINT32_MAX;
    if (root->kind == Q_AND) {
        for (uint32_t i = 0; i < root->nkids; i++) {
            if (root->kids[i]->kind == Q_NOT) continue;
            mark_leaves(root->kids[i], r->nunits, r->unit_of_leaf);
            r->units[r->nunits++] = root->kids[i];
        }
    } else if (root->kind != Q_NOT) {
        mark_leaves(root, 0, r->unit_of_leaf);
        r->units[r->nunits++] = root;
    }
    return AJ_OK;
}

void aj_rank_close(aj_rank *r) {
    free(r->units);
    free(r->unit_of_leaf);
    memset(r, 0, sizeof *r);
}

/* ---- proximity over occurrence lists ---- */

typedef struct {
    uint32_t pos, len, unit;
} occ_t;

static int cmp_occ(const void *a, const void *b) {
    const occ_t *x = a, *y = b;
    if (x->pos != y->pos) return x->pos < y->pos ? -1 : 1;
    return x->unit < y->unit ? -1 : x->unit > y->unit;
}

/* Minimal window over v[0..n) (sorted) holding every unit that occurs.
 * npresent units occur; count[] is scratch of nunits zeros. */
static double window(const occ_t *v, size_t n, uint32_t nunits,
                     uint32_t npresent, uint32_t *count, uint32_t *first) {
    uint64_t best = UINT64_MAX;
    size_t bl = 0, br = 0;
    uint32_t have = 0;
    for (size_t l = 0, r = 0; r < n; r++) {
        if (count[v[r].unit]++ == 0) have++;
        while (have == npresent) {
            uint64_t span = (uint64_t)v[r].pos + v[r].len - v[l].pos;
            if (span < best) {
                best = span;
                bl = l;
                br = r;
            }
            if (--count[v[l].unit] == 0) have--;
            l++;
        }
    }
    /* Each unit's first occurrence in the best window: its length and
     * whether the units come in query order. */
    for (uint32_t u = 0; u < nunits; u++) first[u] = UINT32_MAX;
    uint64_t len = 0;
    int ordered = 1;
    uint32_t last = 0, seen = 0;
    for (size_t i = bl; i <= br; i++) {
        if (first[v[i].unit] != UINT32_MAX) continue;
        first[v[i].unit] = v[i].pos;
        len += v[i].len;
        if (seen++ && v[i].unit < last) ordered = 0;
        last = v[i].unit;
    }
    double close = best ? (double)len / (double)best : 0.0;
    if (close > 1.0) close = 1.0;
    return close * (ordered ? 1.0 : 0.5) * (double)npresent / (double)nunits;
}

static double proximity(occ_t *v, size_t n, uint32_t nunits, uint32_t *scratch) {
    if (nunits < 2 || n < 2) return 0.0;
    qsort(v, n, sizeof *v, cmp_occ);
    uint32_t *count = scratch, *first = scratch + nunits;
    memset(count, 0, nunits * sizeof *count);
    uint32_t npresent = 0;
    for (size_t i = 0; i < n; i++)
        if (count[v[i].unit]++ == 0) npresent++;
    if (npresent < 2) return 0.0;
    memset(count, 0, nunits * sizeof *count);
    return window(v, n, nunits, npresent, count, first);
}

double aj_rank_proximity(uint32_t nunits, const uint32_t *const *occ,
                         const uint32_t *nocc, const uint32_t *ulen) {
    size_t n = 0;
    for (uint32_t u = 0; u < nunits; u++) n += nocc[u];
    occ_t *v = malloc((n + 1) * sizeof *v);
    uint32_t *scratch = malloc((2 * (size_t)nunits + 1) * sizeof *scratch);
    double p = 0.0;
    if (v && scratch) {
        size_t k = 0;
        for (uint32_t u = 0; u < nunits; u++)
            for (uint32_t i = 0; i < nocc[u]; i++)
                v[k++] = (occ_t){occ[u][i], ulen[u], u};
        p = proximity(v, n, nunits, scratch);
    }
    free(v);
    free(scratch);
    return p;
}

/* ---- reading positions of the candidates ---- */

/* One distinct term of the units' terms and phrases, with a cursor that
 * walks the candidates in id order. */
typedef struct {
    const char *term;
    aj_pcursor pc;
    int open;
    const uint32_t *pos;     /* positions in the current candidate */
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

static aj_err rterms_open(aj_ctx *c, const aj_rank *r, aj_index *ix, rterms *rt) {
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
        int64_t id;
        aj_term_info info;
        t->pc.doc = AJ_DOC_END;
        aj_err e = aj_dict_find(c, &ix->terms, t->term, strlen(t->term), &id, &info);
        if (e) return e;
        if (id < 0) continue;
        e = aj_pcursor_open(c, &t->pc, ix->files[AJ_F_POST], ix->files[AJ_F_POSN],
                            &info, ix->nparas);
        if (e) return e;
        t->open = 1;
    }
    return AJ_OK;
}

static void rterms_close(const aj_query *q, rterms *rt) {
    for (uint32_t i = 0; rt->t && i < rt->nt; i++)
        if (rt->t[i].open) aj_pcursor_free(&rt->t[i].pc);
    for (uint32_t l = 0; rt->slot && l < q->nleaves; l++) free(rt->slot[l]);
    free(rt->t);
    free(rt->slot);
}

/* Positions every term's cursor on paragraph id. */
static aj_err rterms_seek(aj_ctx *c, rterms *rt, uint32_t id) {
    for (uint32_t i = 0; i < rt->nt; i++) {
        rterm *t = &rt->t[i];
        t->npos = 0;
        if (!t->open) continue;
        aj_err e = aj_pcursor_advance(c, &t->pc, id);
        if (e) return e;
        if (t->pc.doc != id) continue;
        e = aj_pcursor_positions(c, &t->pc, &t->pos, &t->npos);
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
    occ_t *v;
    size_t n, cap;
} occbuf;

static aj_err occ_push(aj_ctx *c, occbuf *b, uint32_t pos, uint32_t len, uint32_t unit) {
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 64;
        occ_t *v = realloc(b->v, cap * sizeof *v);
        if (!v) return aj_fail(c, AJ_ENOMEM, "ranking");
        b->v = v;
        b->cap = cap;
    }
    b->v[b->n++] = (occ_t){pos, len, unit};
    return AJ_OK;
}

/* The occurrences of every unit in the current candidate. */
static aj_err collect_occ(aj_ctx *c, const aj_rank *r, rterms *rt, occbuf *b) {
    const aj_query *q = r->q;
    b->n = 0;
    for (uint32_t l = 0; l < q->nleaves; l++) {
        if (!rt->slot[l]) continue;
        const aj_qnode *n = q->leaves[l];
        uint32_t u = r->unit_of_leaf[l];
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

/* Finds section headings for candidates visited in increasing id order,
 * remembering the last answer: the scan from a candidate stops at the
 * previous candidate of the same document, whose heading is then also
 * this one's, so the candidates of a query cost one pass over the
 * paragraphs between them (at most AJ_RANK_HEADING_SCAN each). */
typedef struct {
    uint32_t id, doc, heading;
    int valid;
} hmemo;

/* The section heading of paragraph id: the nearest heading paragraph
 * before it in its document, or UINT32_MAX. */
static aj_err section_heading(aj_ctx *c, aj_index *ix, hmemo *m, uint32_t id,
                              uint32_t *h) {
    uint32_t doc, first;
    *h = UINT32_MAX;
    aj_err e = aj_index_para_doc(c, ix, id, &doc, &first);
    if (e) return e;
    uint32_t lo = id - first > AJ_RANK_HEADING_SCAN ? id - AJ_RANK_HEADING_SCAN : first;
    /* From the previous candidate of the same document on, its answer
     * holds: only the paragraphs after it need looking at. */
    int memo = m->valid && m->doc == doc && m->id < id && m->id >= lo;
    e = aj_index_prev_heading(c, ix, id, memo ? m->id : lo, h);
    if (!e && *h == UINT32_MAX && memo && m->heading != UINT32_MAX && m->heading >= lo)
        *h = m->heading;
    *m = (hmemo){id, doc, *h, !e};
    return e;
}

/* Does unit u's clause occur in the paragraph the cursors stand on?  A
 * term leaf needs its term, a phrase all of its terms (in any order: a
 * heading is short). */
static int unit_here(const aj_rank *r, const rterms *rt, uint32_t u) {
    const aj_query *q = r->q;
    for (uint32_t l = 0; l < q->nleaves; l++) {
        if (r->unit_of_leaf[l] != u || !rt->slot[l]) continue;
        uint32_t i = 0, n = q->leaves[l]->nterms;
        while (i < n && rt->t[rt->slot[l][i]].npos) i++;
        if (i == n) return 1;
    }
    return 0;
}

typedef struct {
    uint32_t heading;        /* heading paragraph id */
    aj_hit *hit;
} hpair;

static int cmp_hpair(const void *a, const void *b) {
    const hpair *x = a, *y = b;
    return x->heading < y->heading ? -1 : x->heading > y->heading;
}

/* Sets the heading factor of the hits in v[0..n) (sorted by heading id):
 * the terms' postings say which units each heading holds, without
 * reading its text. */
static aj_err heading_factors(aj_ctx *c, const aj_rank *r, aj_index *ix,
                              hpair *v, size_t n) {
    rterms rt = {0};
    aj_err e = rterms_open(c, r, ix, &rt);
    double f = 0.0;
    for (size_t i = 0; !e && i < n; i++) {
        if (!i || v[i].heading != v[i - 1].heading) {
            e = rterms_seek(c, &rt, v[i].heading);
            if (e) break;
            uint32_t in = 0;
            for (uint32_t u = 0; u < r->nunits; u++) in += unit_here(r, &rt, u);
            f = (double)in / (double)r->nunits;
        }
        v[i].hit->heading = f;
    }
    rterms_close(r->q, &rt);
    return e;
}

/* ---- all together ---- */

static int cmp_hit_id(const void *a, const void *b) {
    const aj_hit *x = *(aj_hit *const *)a, *y = *(aj_hit *const *)b;
    return x->id < y->id ? -1 : x->id > y->id;
}

aj_err aj_rank_features(aj_ctx *c, const aj_rank *r, aj_index *ix,
                        aj_hit *hits, size_t n) {
    for (size_t i = 0; i < n; i++) {
        hits[i].proximity = 0.0;
        hits[i].heading = 0.0;
    }
    if (!n || !r->nunits) return AJ_OK;
    rterms rt = {0};
    occbuf ob = {0};
    aj_hit **byid = malloc(n * sizeof *byid);
    hpair *hp = malloc(n * sizeof *hp);
    uint32_t *scratch = malloc((2 * (size_t)r->nunits + 1) * sizeof *scratch);
    aj_err e = (!byid || !hp || !scratch) ? aj_fail(c, AJ_ENOMEM, "ranking")
                                          : rterms_open(c, r, ix, &rt);
    for (size_t i = 0; !e && i < n; i++) byid[i] = &hits[i];
    if (!e) qsort(byid, n, sizeof *byid, cmp_hit_id);
    size_t nh = 0;
    hmemo memo = {0};
    for (size_t i = 0; !e && i < n; i++) {
        aj_hit *h = byid[i];
        if (r->nunits >= 2) { /* one unit has no proximity to measure */
            e = rterms_seek(c, &rt, h->id);
            if (!e) e = collect_occ(c, r, &rt, &ob);
            if (e) break;
            h->proximity = proximity(ob.v, ob.n, r->nunits, scratch);
        }
        uint32_t head;
        e = section_heading(c, ix, &memo, h->id, &head);
        if (!e && head != UINT32_MAX) hp[nh++] = (hpair){head, h};
    }
    rterms_close(r->q, &rt);
    if (!e && nh) {
        qsort(hp, nh, sizeof *hp, cmp_hpair);
        e = heading_factors(c, r, ix, hp, nh);
    }
    free(ob.v);
    free(byid);
    free(hp);
    free(scratch);
    return e;
}
