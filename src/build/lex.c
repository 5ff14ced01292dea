/* lex.c - see lex.h. */
#include "build/lex.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xxhash.h>

#include "analysis/acronym.h"
#include "common/bytes.h"
#include "common/grow.h"
#include "format/dict.h"
#include "format/file.h"
#include "format/pairs.h"
#include "index/fingerprint.h"
#include "index/index.h"

typedef struct {
    aj_ctx *c;
    aj_index **sh;           /* the shards, opened */
    uint32_t n;
    /* a build that reuses shards: the live generation (its lex.aj), its
     * shards the new one lacks, and the new one's shards it lacks */
    aj_index *base;
    aj_index **drop;
    uint32_t ndrop;
    uint32_t *add;
    uint32_t nadd;
    aj_fwriter *w;
    uint8_t *sup;            /* SUPER, filled as the parts are written */
    uint8_t *cdf;            /* CHROMEDF records */
    aj_fp fp;                /* the corpus fingerprint, from the documents */
    size_t ncdf, capcdf;
} lexw;

/* ---- the dictionaries: the shards' merged, term by term ---- */

/* A dictionary the merge reads: a shard of the new generation (ADD), or,
 * for a build that reuses shards, the live generation's lex.aj (BASE) and
 * its shards that the new generation lacks (DROP). */
enum { ADD, BASE, DROP };

typedef struct {
    aj_dict_iter it;
    const aj_index *ix;      /* its index (CHROMEDF) */
    int role;
    uint32_t order;          /* ties: in this order */
    uint32_t cdf_at;         /* its next CHROMEDF record */
    uint64_t key;            /* the term's first 8 bytes, big-endian */
} src_t;

static uint64_t key8(const char *s, uint32_t len) {
    uint64_t k = 0;
    for (uint32_t i = 0; i < 8; i++) k = k << 8 | (i < len ? (uint8_t)s[i] : 0);
    return k;
}

static int src_less(const src_t *a, const src_t *b) {
    if (a->key != b->key) return a->key < b->key;
    size_t m = a->it.len < b->it.len ? a->it.len : b->it.len;
    int r = m > 8 ? memcmp(a->it.buf + 8, b->it.buf + 8, m - 8) : 0;
    if (r) return r < 0;
    if (a->it.len != b->it.len) return a->it.len < b->it.len;
    return a->order < b->order;
}

static void sift_down(src_t **h, uint32_t n, uint32_t i) {
    for (;;) {
        uint32_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && src_less(h[l], h[m])) m = l;
        if (r < n && src_less(h[r], h[m])) m = r;
        if (m == i) return;
        src_t *t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

/* The chrome paragraphs of s's current term (its CHROMEDF records are in
 * term order, and the merge asks in that order). */
static aj_err src_cdf(aj_ctx *c, src_t *s, uint32_t *k) {
    const aj_index *ix = s->ix;
    *k = 0;
    while (s->cdf_at < ix->nchromedf) {
        const uint8_t *p;
        aj_err e = aj_mfile_get(c, ix->chromedf_file,
                                ix->chromedf_off + (uint64_t)s->cdf_at * AJ_RUN_BYTES,
                                AJ_RUN_BYTES, &p);
        if (e) return e;
        uint32_t t = aj_get_u32le(p);
        if (t > s->it.id) return AJ_OK;
        s->cdf_at++;
        if (t == s->it.id) {
            *k = aj_get_u32le(p + 4);
            return AJ_OK;
        }
    }
    return AJ_OK;
}

/* A term's largest tf and shortest paragraph over every shard, looked up
 * in each (when a shard that held the old bound is gone). */
static aj_err exact_bounds(lexw *L, int which, const char *term, uint32_t len,
                           aj_term_info *info) {
    info->max_tf = 0;
    info->min_len = UINT32_MAX;
    for (uint32_t i = 0; i < L->n; i++) {
        const aj_dict *d = which == AJ_DICT_TERMS ? &L->sh[i]->terms : &L->sh[i]->words;
        int64_t id;
        aj_term_info t;
        aj_err e = aj_dict_find(L->c, d, term, len, &id, &t);
        if (e) return e;
        if (id < 0) continue;
        if (t.max_tf > info->max_tf) info->max_tf = t.max_tf;
        if (t.min_len < info->min_len) info->min_len = t.min_len;
    }
    return AJ_OK;
}

/* Writes dictionary `which`: every term of the shards once, its df their
 * sum, its largest tf and shortest paragraph theirs; TERMS also gathers
 * the chrome counts (CHROMEDF) and the pair terms' counts.  With the live
 * generation's lex.aj (L->base), the sums are its own less those of its
 * shards that are gone plus those of the new ones, which reads a few
 * dictionaries instead of all of them; the bytes are the same. */
static aj_err merge_dict(lexw *L, int which, uint64_t *nterms, uint64_t *npost,
                         uint64_t *npairs, uint64_t *npair_post) {
    aj_ctx *c = L->c;
    uint32_t ns = 0, cap = L->base ? 1 + L->nadd + L->ndrop : L->n;
    src_t *srcs = calloc(cap + 1, sizeof *srcs);
    src_t **heap = calloc(cap + 1, sizeof *heap);
    aj_dict_writer dw;
    memset(&dw, 0, sizeof dw);
    aj_err e = !srcs || !heap ? aj_fail(c, AJ_ENOMEM, "dictionary merge") : AJ_OK;
    if (!e) {
        if (L->base) {
            srcs[ns++] = (src_t){.ix = L->base, .role = BASE};
            for (uint32_t i = 0; i < L->nadd; i++)
                srcs[ns++] = (src_t){.ix = L->sh[L->add[i]], .role = ADD};
            for (uint32_t i = 0; i < L->ndrop; i++)
                srcs[ns++] = (src_t){.ix = L->drop[i], .role = DROP};
        } else {
            for (uint32_t i = 0; i < L->n; i++) srcs[ns++] = (src_t){.ix = L->sh[i], .role = ADD};
        }
    }
    uint32_t nh = 0;
    for (uint32_t i = 0; !e && i < ns; i++) {
        const aj_dict *d = which == AJ_DICT_TERMS ? &srcs[i].ix->terms : &srcs[i].ix->words;
        srcs[i].order = i;
        e = aj_dict_iter_seek(c, d, 0, &srcs[i].it);
        if (!e && srcs[i].it.id < d->nterms) {
            srcs[i].key = key8(srcs[i].it.buf, srcs[i].it.len);
            heap[nh++] = &srcs[i];
        }
    }
    for (uint32_t i = nh / 2; i-- > 0;) sift_down(heap, nh, i);
    if (!e) e = aj_dict_writer_begin(c, &dw, L->w, which, NULL, "lex.aj");
    *nterms = *npost = 0;
    char term[AJ_MAX_WORD + 1];
    while (!e && nh) {
        src_t *top = heap[0];
        uint32_t len = top->it.len;
        uint64_t key = top->key;
        memcpy(term, top->it.buf, len + 1);
        aj_term_info info = {0}, base = {0};
        uint32_t add_max = 0, add_min = UINT32_MAX, drop_max = 0, drop_min = UINT32_MAX;
        int64_t df = 0, cdf = 0;
        int have_base = 0;
        /* every dictionary holding the term */
        while (!e && nh && heap[0]->key == key && heap[0]->it.len == len &&
               !memcmp(heap[0]->it.buf, term, len)) {
            src_t *s = heap[0];
            const aj_term_info *t = &s->it.info;
            uint32_t k = 0;
            if (which == AJ_DICT_TERMS) e = src_cdf(c, s, &k);
            if (s->role == DROP) {
                df -= t->df;
                cdf -= k;
                if (t->max_tf > drop_max) drop_max = t->max_tf;
                if (t->min_len < drop_min) drop_min = t->min_len;
            } else if (s->role == BASE) {
                df += t->df;
                cdf += k;
                base = *t;
                have_base = 1;
            } else {
                df += t->df;
                cdf += k;
                if (t->max_tf > add_max) add_max = t->max_tf;
                if (t->min_len < add_min) add_min = t->min_len;
            }
            const aj_dict *d = s->it.d;
            if (!e) e = aj_dict_iter_next(c, &s->it);
            if (!e && s->it.id >= d->nterms)
                heap[0] = heap[--nh];
            else
                s->key = key8(s->it.buf, s->it.len);
            sift_down(heap, nh, 0);
        }
        if (e) break;
        if (df < 0 || cdf < 0 || df > UINT32_MAX) {
            e = aj_fail(c, df > UINT32_MAX ? AJ_ELIMIT : AJ_ECORRUPT,
                        "term '%s': %lld paragraphs by the shards' counts", term, (long long)df);
            break;
        }
        if (df == 0) continue; /* only in shards that are gone */
        info.max_tf = add_max;
        info.min_len = add_min;
        if (have_base) {
            /* The old bound holds unless a shard that is gone reached it
             * and no new one does: then it is found again over every
             * shard (rarely: a changed shard is gone and comes back with
             * its documents, and their bounds). */
            if (drop_max < base.max_tf || add_max >= base.max_tf)
                info.max_tf = base.max_tf > add_max ? base.max_tf : add_max;
            else
                info.max_tf = 0;
            if (drop_min > base.min_len || add_min <= base.min_len)
                info.min_len = base.min_len < add_min ? base.min_len : add_min;
            else
                info.min_len = 0;
            if (!info.max_tf || !info.min_len) e = exact_bounds(L, which, term, len, &info);
        }
        if (e) break;
        info.df = (uint32_t)df;
        if (cdf) {
            e = aj_grow(c, (void **)&L->cdf, &L->capcdf, L->ncdf + 1, AJ_RUN_BYTES,
                        "chrome terms");
            if (e) break;
            aj_put_u32le(L->cdf + L->ncdf * AJ_RUN_BYTES, (uint32_t)*nterms);
            aj_put_u32le(L->cdf + L->ncdf * AJ_RUN_BYTES + 4, (uint32_t)cdf);
            L->ncdf++;
        }
        if (which == AJ_DICT_TERMS && memchr(term, ' ', len)) {
            (*npairs)++;
            *npair_post += (uint64_t)df;
        }
        e = aj_dict_writer_add(c, &dw, term, len, &info);
        (*nterms)++;
        *npost += (uint64_t)df;
    }
    if (!e) e = aj_dict_writer_end(c, &dw);
    aj_dict_writer_free(&dw);
    free(srcs);
    free(heap);
    return e;
}

/* ---- common terms: those every shard pairs ---- */

/* Whether every shard has term t among its common terms (want_common), or
 * among its common or partner terms. */
static int in_every(const lexw *L, const char *t, size_t len, unsigned want) {
    for (uint32_t i = 0; i < L->n; i++)
        if (!(aj_pairs_class(&L->sh[i]->common, t, len) & want)) return 0;
    return 1;
}

/* COMMON: a term is common when it is common in every shard, and a
 * partner when it is common or a partner in every shard without being
 * common in all.  Then a pair pairable by these lists is pairable in
 * every shard, so each shard indexed it, and a search reading its list
 * misses no paragraph. */
static aj_err write_common(lexw *L) {
    aj_ctx *c = L->c;
    const aj_pairs *p0 = &L->sh[0]->common;
    uint32_t total = p0->n + p0->np, n = 0, np = 0;
    const char **keys = calloc(total + 1, sizeof *keys);
    uint32_t *lens = calloc(total + 1, sizeof *lens);
    char **part = calloc(total + 1, sizeof *part);
    uint32_t *plens = calloc(total + 1, sizeof *plens);
    aj_err e = !keys || !lens || !part || !plens ? aj_fail(c, AJ_ENOMEM, "common terms")
                                                : AJ_OK;
    /* shard 0's lists are sorted by bytes, each: a term common everywhere
     * is among its common terms, a partner among either list */
    for (uint32_t i = 0; !e && i < total; i++) {
        const char *t = p0->terms[i];
        size_t len = p0->lens[i];
        if (in_every(L, t, len, AJ_PAIR_IS_COMMON)) {
            keys[n] = t;
            lens[n++] = (uint32_t)len;
        } else if (in_every(L, t, len, AJ_PAIR_IS_PARTNER)) {
            part[np] = (char *)t;
            plens[np++] = (uint32_t)len;
        }
    }
    /* the partners, sorted by bytes: two sorted runs of shard 0 merged */
    for (uint32_t i = 1; i < np; i++)
        for (uint32_t j = i; j > 0; j--) {
            size_t m = plens[j] < plens[j - 1] ? plens[j] : plens[j - 1];
            int r = memcmp(part[j], part[j - 1], m);
            if (r > 0 || (r == 0 && plens[j] > plens[j - 1])) break;
            char *t = part[j];
            uint32_t l = plens[j];
            part[j] = part[j - 1], plens[j] = plens[j - 1];
            part[j - 1] = t, plens[j - 1] = l;
        }
    for (uint32_t i = 0; i < np; i++) keys[n + i] = part[i], lens[n + i] = plens[i];
    aj_pairs g;
    memset(&g, 0, sizeof g);
    if (!e) e = aj_pairs_make(c, keys, lens, n, np, &g);
    uint8_t *buf = NULL;
    if (!e && !(buf = malloc(aj_pairs_size(&g)))) e = aj_fail(c, AJ_ENOMEM, "common terms");
    if (!e) {
        aj_pairs_encode(&g, buf);
        uint64_t off = aj_fw_tell(L->w);
        e = aj_fw_write(c, L->w, buf, aj_pairs_size(&g));
        if (!e) e = aj_fw_section(c, L->w, AJ_LEX_COMMON, off, aj_pairs_size(&g));
    }
    free(buf);
    aj_pairs_free(&g);
    free(keys);
    free(lens);
    free(part);
    free(plens);
    return e;
}

/* ---- acronyms: the shards' definitions counted together ---- */

typedef struct {
    char *akey, *lkey;       /* the grouping keys (acronym.h) */
    const char *acr, *lf;    /* the earliest definition's spelling */
    uint64_t count;
    uint32_t first;          /* its paragraph, the index's id */
} acro_t;

static int cmp_keys(const void *a, const void *b) {
    const acro_t *x = a, *y = b;
    int k = strcmp(x->akey, y->akey);
    if (!k) k = strcmp(x->lkey, y->lkey);
    if (!k) k = x->first < y->first ? -1 : x->first > y->first;
    return k;
}

/* The order of ACRONYMS (FORMAT.md "meta.aj", section 6): by acronym,
 * the most frequent long form first. */
static int cmp_order(const void *a, const void *b) {
    const acro_t *x = a, *y = b;
    int k = strcmp(x->akey, y->akey);
    if (!k) k = x->count > y->count ? -1 : x->count < y->count;
    if (!k) k = strcmp(x->lkey, y->lkey);
    return k;
}

static aj_err write_acronyms(lexw *L) {
    aj_ctx *c = L->c;
    size_t total = 0;
    for (uint32_t i = 0; i < L->n; i++) total += L->sh[i]->nacros;
    acro_t *v = calloc(total + 1, sizeof *v);
    aj_err e = v ? AJ_OK : aj_fail(c, AJ_ENOMEM, "acronyms");
    size_t n = 0;
    uint32_t base = 0; /* the paragraphs of the shards before this one */
    for (uint32_t i = 0; !e && i < L->n; base += L->sh[i]->nparas, i++)
        for (uint32_t k = 0; !e && k < L->sh[i]->nacros; k++) {
            aj_acronym a;
            e = aj_acronym_get(c, L->sh[i], k, &a);
            if (e) break;
            size_t la = strlen(a.acronym) + 1, ll = strlen(a.long_form) + 1;
            char *m = malloc(la + ll);
            if (!m) {
                e = aj_fail(c, AJ_ENOMEM, "acronyms");
                break;
            }
            acro_t *d = &v[n++];
            d->akey = m;
            d->lkey = aj_acronym_key(a.acronym, m);
            aj_acronym_key(a.long_form, d->lkey);
            d->acr = a.acronym;
            d->lf = a.long_form;
            d->count = a.count;
            d->first = a.first_para + base;
        }
    if (!e && n) qsort(v, n, sizeof *v, cmp_keys);
    size_t g = 0; /* groups, in place: the earliest definition of each */
    for (size_t i = 0; !e && i < n; i++) {
        if (g && !strcmp(v[g - 1].akey, v[i].akey) && !strcmp(v[g - 1].lkey, v[i].lkey)) {
            v[g - 1].count += v[i].count;
            free(v[i].akey);
            continue;
        }
        v[g++] = v[i];
    }
    if (!e && g) qsort(v, g, sizeof *v, cmp_order);
    /* the records, then their strings in a section of their own */
    uint8_t head[8] = {0};
    aj_put_u32le(head, (uint32_t)g);
    uint64_t off = aj_fw_tell(L->w), soff = 0;
    if (!e) e = aj_fw_write(c, L->w, head, sizeof head);
    for (size_t i = 0; !e && i < g; i++) {
        uint8_t r[AJ_ACRO_BYTES];
        uint64_t la = strlen(v[i].acr) + 1, ll = strlen(v[i].lf) + 1;
        if (v[i].count > UINT32_MAX) v[i].count = UINT32_MAX;
        aj_put_u32le(r, (uint32_t)soff);
        aj_put_u32le(r + 4, (uint32_t)(soff + la));
        aj_put_u32le(r + 8, (uint32_t)v[i].count);
        aj_put_u32le(r + 12, v[i].first);
        soff += la + ll;
        e = aj_fw_write(c, L->w, r, sizeof r);
    }
    if (!e) e = aj_fw_section(c, L->w, AJ_LEX_ACRONYMS, off, 8 + g * AJ_ACRO_BYTES);
    off = aj_fw_tell(L->w);
    for (size_t i = 0; !e && i < g; i++) {
        e = aj_fw_write(c, L->w, v[i].acr, strlen(v[i].acr) + 1);
        if (!e) e = aj_fw_write(c, L->w, v[i].lf, strlen(v[i].lf) + 1);
    }
    if (!e) e = aj_fw_section(c, L->w, AJ_LEX_STRINGS, off, soff);
    for (size_t i = 0; i < (e ? n : g); i++) free(v[i].akey);
    free(v);
    return e;
}

/* ---- documents cited by path ---- */

typedef struct {
    uint64_t cited_as;
    uint32_t doc;
} cited_t;

static int cmp_cited(const void *a, const void *b) {
    const cited_t *x = a, *y = b;
    if (x->cited_as != y->cited_as) return x->cited_as < y->cited_as ? -1 : 1;
    return x->doc < y->doc ? -1 : x->doc > y->doc;
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* CITEPATH: the documents whose title and date another document has too
 * (build.c cites them with their paths), by the index's ids; and, from
 * the same walk over the documents, the fingerprint (fingerprint.h). */
static aj_err write_cited(lexw *L, uint32_t ndocs) {
    aj_ctx *c = L->c;
    cited_t *v = calloc((size_t)ndocs + 1, sizeof *v);
    uint32_t *out = calloc((size_t)ndocs + 1, sizeof *out);
    aj_err e = !v || !out ? aj_fail(c, AJ_ENOMEM, "document table") : AJ_OK;
    uint32_t doc = 0, n = 0;
    for (uint32_t i = 0; !e && i < L->n; i++)
        for (uint32_t k = 0; !e && k < L->sh[i]->ndocs; k++, doc++) {
            aj_doc_info d;
            e = aj_doc_get(c, L->sh[i], k, &d);
            if (e) break;
            aj_fp_doc(&L->fp, d.path, d.own_title ? "" : d.title, d.own_date ? "" : d.date,
                      d.source, d.size, d.xxh3);
            v[doc].cited_as = XXH3_64bits_withSeed(d.date, strlen(d.date) + 1,
                                                   XXH3_64bits(d.title, strlen(d.title) + 1));
            v[doc].doc = doc;
        }
    if (!e && ndocs) qsort(v, ndocs, sizeof *v, cmp_cited);
    for (uint32_t i = 0; !e && i < ndocs; i++)
        if ((i > 0 && v[i].cited_as == v[i - 1].cited_as) ||
            (i + 1 < ndocs && v[i].cited_as == v[i + 1].cited_as))
            out[n++] = v[i].doc;
    if (!e && n) qsort(out, n, sizeof *out, cmp_u32);
    uint8_t head[8] = {0};
    aj_put_u32le(head, n);
    uint64_t off = aj_fw_tell(L->w);
    if (!e) e = aj_fw_write(c, L->w, head, sizeof head);
    for (uint32_t i = 0; !e && i < n; i++) {
        uint8_t r[4];
        aj_put_u32le(r, out[i]);
        e = aj_fw_write(c, L->w, r, 4);
    }
    if (!e) e = aj_fw_section(c, L->w, AJ_LEX_CITEPATH, off, 8 + 4 * (uint64_t)n);
    free(v);
    free(out);
    return e;
}

/* ---- the file ---- */

/* The live generation prev (a sharded one, else nothing is done): it is
 * the base of the sums, and its shards that ids lack are taken off. */
static aj_err open_base(lexw *L, const char *prev, const uint64_t *ids) {
    aj_ctx ignored = {0};
    if (!prev || aj_index_open(&ignored, prev, &L->base) != AJ_OK) return AJ_OK;
    /* what the sums start from must be sound: else they start from
     * nothing (a damaged live index costs time, never a wrong index) */
    if (L->base->lex && aj_mfile_verify_all(&ignored, L->base->lex) != AJ_OK) {
        aj_index_close(L->base);
        L->base = NULL;
        return AJ_OK;
    }
    if (!L->base->lex) {
        aj_index_close(L->base);
        L->base = NULL;
        return AJ_OK;
    }
    aj_index *b = L->base;
    uint64_t *old = calloc(b->nparts + 1, sizeof *old);
    L->drop = calloc(b->nparts + 1, sizeof *L->drop);
    L->add = calloc(L->n + 1, sizeof *L->add);
    if (!old || !L->drop || !L->add) {
        free(old);
        return aj_fail(L->c, AJ_ENOMEM, "shards");
    }
    for (uint32_t i = 0; i < b->nparts; i++)
        old[i] = strtoull(b->parts[i].name + strlen(AJ_SHARD_PREFIX), NULL, 16);
    aj_err e = AJ_OK;
    int sound = 1;
    for (uint32_t i = 0; !e && sound && i < b->nparts; i++) {
        int kept = 0;
        for (uint32_t k = 0; k < L->n && !kept; k++) kept = ids[k] == old[i];
        if (kept) continue;
        /* a shard that is gone is read (its dictionaries and chrome
         * terms): sound, or the sums start from nothing */
        for (int f = 0; sound && f < AJ_NFILES; f++)
            if ((f == AJ_F_DICT || f == AJ_F_META) &&
                aj_mfile_verify_all(&ignored, b->parts[i].files[f]) != AJ_OK)
                sound = 0;
        if (sound) e = aj_index_part_view(L->c, b, i, &L->drop[L->ndrop++]);
        if (e) L->ndrop--;
    }
    if (!e && !sound) {
        free(old);
        for (uint32_t i = 0; i < L->ndrop; i++) aj_index_close(L->drop[i]);
        L->ndrop = 0;
        aj_index_close(L->base);
        L->base = NULL;
        return AJ_OK;
    }
    for (uint32_t k = 0; k < L->n; k++) {
        int had = 0;
        for (uint32_t i = 0; i < b->nparts && !had; i++) had = ids[k] == old[i];
        if (!had) L->add[L->nadd++] = k;
    }
    free(old);
    return e;
}

uint64_t aj_lex_shard_bytes(const char *gen_dir) {
    aj_ctx ignored = {0};
    int fd = open(gen_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    aj_mfile *m = NULL;
    uint64_t off, len, size = 0;
    const uint8_t *p;
    if (fd < 0) return 0;
    if (aj_mfile_open(&ignored, fd, AJ_LEX_FILE, AJ_KIND_LEX, &m) == AJ_OK) {
        if (aj_mfile_section(&ignored, m, AJ_LEX_SHARDS, &off, &len) == AJ_OK && len >= 16 &&
            aj_mfile_get(&ignored, m, off, 16, &p) == AJ_OK)
            size = aj_get_u64le(p + 8);
    } else if (aj_mfile_open(&ignored, fd, aj_file_names[AJ_F_META], AJ_KIND_META, &m) ==
                   AJ_OK &&
               aj_mfile_section(&ignored, m, AJ_SEC_SUPER, &off, &len) == AJ_OK &&
               len == AJ_SUPER_BYTES && aj_mfile_get(&ignored, m, off, len, &p) == AJ_OK &&
               (aj_get_u32le(p + 52) & AJ_SUPER_SHARDING_OFF)) {
        size = UINT64_MAX;
    }
    aj_mfile_close(m);
    close(fd);
    return size;
}

aj_err aj_lex_write(aj_ctx *c, const char *gen_dir, const uint64_t *ids, uint32_t n,
                    uint64_t shard_bytes, const char *prev, aj_build_stats *st) {
    lexw L = {.c = c, .n = n};
    uint8_t sup[AJ_SUPER_BYTES] = {0};
    L.sup = sup;
    L.sh = calloc(n + 1, sizeof *L.sh);
    aj_err e = L.sh && aj_fp_init(&L.fp) == 0 ? AJ_OK : aj_fail(c, AJ_ENOMEM, "shards");
    if (!e && n == 0) e = aj_fail(c, AJ_EINVAL, "lex.aj: no shard");
    char path[4200];
    uint64_t docs = 0, paras = 0, tokens = 0, chrome = 0, chrome_tokens = 0;
    for (uint32_t i = 0; !e && i < n; i++) {
        snprintf(path, sizeof path, "%s/%s%016llx", gen_dir, AJ_SHARD_PREFIX,
                 (unsigned long long)ids[i]);
        e = aj_index_open(c, path, &L.sh[i]);
        if (e) break;
        docs += L.sh[i]->ndocs;
        paras += L.sh[i]->nparas;
        tokens += L.sh[i]->ntokens;
        chrome += L.sh[i]->nchrome;
        chrome_tokens += L.sh[i]->chrome_tokens;
    }
    if (!e && (docs > UINT32_MAX || paras > UINT32_MAX))
        e = aj_fail(c, AJ_ELIMIT, "more than 2^32 - 1 documents or paragraphs");
    if (!e) e = open_base(&L, prev, ids);
    snprintf(path, sizeof path, "%s/%s", gen_dir, AJ_LEX_FILE);
    if (!e) e = aj_fw_open(c, path, AJ_KIND_LEX, &L.w);
    uint64_t nterms = 0, npost = 0, nwords = 0, nwpost = 0, npairs = 0, npair_post = 0, unused;
    if (!e) e = merge_dict(&L, AJ_DICT_TERMS, &nterms, &npost, &npairs, &npair_post);
    if (!e) e = merge_dict(&L, AJ_DICT_WORDS, &nwords, &nwpost, &unused, &unused);
    /* SUPER: meta.aj's layout, for the whole corpus */
    aj_put_u32le(sup, (uint32_t)docs);
    aj_put_u32le(sup + 4, (uint32_t)paras);
    aj_put_u64le(sup + 8, tokens);
    aj_put_u64le(sup + 16, nterms);
    aj_put_u64le(sup + 24, nwords);
    aj_put_u64le(sup + 32, npost);
    aj_put_u64le(sup + 40, nwpost);
    aj_put_u32le(sup + 48, (uint32_t)chrome);
    aj_put_u64le(sup + 56, chrome_tokens);
    aj_put_u64le(sup + 64, npairs);
    aj_put_u64le(sup + 72, npair_post);
    uint64_t off = L.w ? aj_fw_tell(L.w) : 0;
    if (!e) e = aj_fw_write(c, L.w, sup, sizeof sup);
    if (!e) e = aj_fw_section(c, L.w, AJ_LEX_SUPER, off, sizeof sup);
    /* SHARDS, after its head: the count, a zero and the shard size */
    uint8_t head[8] = {0}, shead[16] = {0};
    aj_put_u32le(shead, n);
    aj_put_u64le(shead + 8, shard_bytes);
    off = L.w ? aj_fw_tell(L.w) : 0;
    if (!e) e = aj_fw_write(c, L.w, shead, sizeof shead);
    for (uint32_t i = 0; !e && i < n; i++) {
        uint8_t r[AJ_SHARD_REC_BYTES];
        aj_put_u64le(r, ids[i]);
        aj_put_u32le(r + 8, L.sh[i]->ndocs);
        aj_put_u32le(r + 12, L.sh[i]->nparas);
        e = aj_fw_write(c, L.w, r, sizeof r);
    }
    if (!e) e = aj_fw_section(c, L.w, AJ_LEX_SHARDS, off, 16 + (uint64_t)n * AJ_SHARD_REC_BYTES);
    /* CHROMEDF */
    aj_put_u32le(head, (uint32_t)L.ncdf);
    off = L.w ? aj_fw_tell(L.w) : 0;
    if (!e) e = aj_fw_write(c, L.w, head, sizeof head);
    if (!e && L.ncdf) e = aj_fw_write(c, L.w, L.cdf, L.ncdf * AJ_RUN_BYTES);
    if (!e) e = aj_fw_section(c, L.w, AJ_LEX_CHROMEDF, off, 8 + L.ncdf * AJ_RUN_BYTES);
    if (!e) e = write_common(&L);
    if (!e) e = write_acronyms(&L);
    if (!e) e = write_cited(&L, (uint32_t)docs);
    uint64_t bytes = 0;
    if (!e) {
        e = aj_fw_close(c, L.w, &bytes);
        L.w = NULL;
    }
    if (!e) {
        /* the build's figures: the whole index's */
        st->ndocs = (uint32_t)docs;
        st->nparas = (uint32_t)paras;
        st->ntokens = tokens;
        st->nterms = nterms - npairs;
        st->nwords = nwords;
        st->npostings = npost - npair_post;
        st->fingerprint = aj_fp_value(&L.fp);
        st->bytes_out += bytes;
    }
    aj_fp_free(&L.fp);
    aj_fw_abort(L.w);
    for (uint32_t i = 0; L.sh && i < n; i++) aj_index_close(L.sh[i]);
    for (uint32_t i = 0; i < L.ndrop; i++) aj_index_close(L.drop[i]);
    aj_index_close(L.base);
    free(L.drop);
    free(L.add);
    free(L.sh);
    free(L.cdf);
    return e;
}
