/*
 * dict.c - term dictionary writer and mapped reader.
 *
 * The sections of one dictionary (COUNT, INDEX, BLOCKS, ids from
 * AJ_SEC_DICT_BASE) and its entries: FORMAT.md "dict.aj".  Offsets are
 * stored as differences from the previous term's: those of consecutive
 * terms differ by the size of one posting list, so an entry takes about a
 * dozen bytes.  WORDS have no positions (pos_off reads as UINT64_MAX).
 */
#include "format/dict.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/bytes.h"
#include "common/io.h"

/* The size of an INDEX entry (FORMAT.md "dict.aj"). */
#define INDEX_BYTES 20u

static uint64_t zigzag(int64_t v) { return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); }
static int64_t unzigzag(uint64_t v) { return (int64_t)(v >> 1) ^ -(int64_t)(v & 1); }

aj_err aj_dict_writer_begin(aj_ctx *c, aj_dict_writer *d, aj_fwriter *w, int which,
                            FILE *spill, const char *spill_name) {
    (void)c;
    memset(d, 0, sizeof *d);
    d->w = w;
    d->which = which;
    d->spill = spill;
    d->spill_name = spill_name ? spill_name : "dictionary index";
    d->blk_off = aj_fw_tell(w);
    return AJ_OK;
}

void aj_dict_writer_free(aj_dict_writer *d) {
    free(d->index);
    d->index = NULL;
    d->nindex = d->capindex = 0;
}

/* Keeps a block's index entry. */
static aj_err index_entry(aj_ctx *c, aj_dict_writer *d, const uint8_t *x) {
    if (d->spill) {
        if (aj_io_fwrite(x, 1, INDEX_BYTES, d->spill) != INDEX_BYTES)
            return aj_fail(c, AJ_EIO, "%s: write failed: %s", d->spill_name, strerror(errno));
        return AJ_OK;
    }
    if (d->nindex + INDEX_BYTES > d->capindex) {
        size_t cap = d->capindex ? d->capindex * 2 : 64 * INDEX_BYTES;
        uint8_t *v = realloc(d->index, cap);
        if (!v) return aj_fail(c, AJ_ENOMEM, "dictionary block index");
        d->index = v;
        d->capindex = cap;
    }
    memcpy(d->index + d->nindex, x, INDEX_BYTES);
    d->nindex += INDEX_BYTES;
    return AJ_OK;
}

aj_err aj_dict_writer_add(aj_ctx *c, aj_dict_writer *d, const char *term, uint32_t len,
                          const aj_term_info *in) {
    uint8_t buf[2 + 255 + 5 * 10];
    size_t k = 0;
    aj_err e = AJ_OK;
    if (len == 0 || len > 255) return aj_fail(c, AJ_EINVAL, "dictionary term length %u", len);
    if (d->n % AJ_DICT_BLOCK == 0) {
        uint64_t at = aj_fw_tell(d->w) - d->blk_off;
        if (at > UINT32_MAX) return aj_fail(c, AJ_ELIMIT, "dictionary exceeds 4 GiB");
        uint8_t x[INDEX_BYTES];
        aj_put_u32le(x, (uint32_t)at);
        aj_put_u64le(x + 4, in->post_off);
        aj_put_u64le(x + 12, d->which == AJ_DICT_TERMS ? in->pos_off : 0);
        e = index_entry(c, d, x);
        if (e) return e;
        buf[k++] = (uint8_t)len;
        memcpy(buf + k, term, len);
        k += len;
    } else {
        uint32_t shared = 0, max = len < d->prevlen ? len : d->prevlen;
        while (shared < max && term[shared] == d->prev[shared]) shared++;
        buf[k++] = (uint8_t)shared;
        buf[k++] = (uint8_t)(len - shared);
        memcpy(buf + k, term + shared, len - shared);
        k += len - shared;
    }
    k += aj_put_varint(buf + k, in->df);
    k += aj_put_varint(buf + k, in->max_tf);
    k += aj_put_varint(buf + k, in->min_len);
    if (d->n % AJ_DICT_BLOCK != 0) {
        k += aj_put_varint(buf + k, zigzag((int64_t)(in->post_off - d->prev_info.post_off)));
        if (d->which == AJ_DICT_TERMS)
            k += aj_put_varint(buf + k, in->pos_off - d->prev_info.pos_off);
    }
    memcpy(d->prev, term, len);
    d->prevlen = len;
    d->prev_info = *in;
    d->n++;
    return aj_fw_write(c, d->w, buf, k);
}

/* Copies the spilled index into the file. */
static aj_err copy_spill(aj_ctx *c, aj_dict_writer *d) {
    uint8_t buf[1 << 14];
    size_t n;
    if (aj_io_fflush(d->spill) != 0 || fseek(d->spill, 0, SEEK_SET) != 0)
        return aj_fail(c, AJ_EIO, "%s: write failed: %s", d->spill_name, strerror(errno));
    while ((n = fread(buf, 1, sizeof buf, d->spill)) > 0) {
        aj_err e = aj_fw_write(c, d->w, buf, n);
        if (e) return e;
    }
    if (ferror(d->spill))
        return aj_fail(c, AJ_EIO, "%s: read failed: %s", d->spill_name, strerror(errno));
    return AJ_OK;
}

aj_err aj_dict_writer_end(aj_ctx *c, aj_dict_writer *d) {
    uint32_t base = AJ_SEC_DICT_BASE(d->which);
    uint64_t nblocks = (d->n + AJ_DICT_BLOCK - 1) / AJ_DICT_BLOCK;
    aj_fwriter *w = d->w;
    uint64_t blk_len = aj_fw_tell(w) - d->blk_off;
    aj_err e = aj_fw_section(c, w, base + 2, d->blk_off, blk_len);
    if (!e) e = aj_fw_align(c, w, 4);
    uint64_t idx_off = aj_fw_tell(w);
    if (!e && nblocks)
        e = d->spill ? copy_spill(c, d) : aj_fw_write(c, w, d->index, d->nindex);
    if (!e && aj_fw_tell(w) - idx_off != nblocks * INDEX_BYTES)
        e = aj_fail(c, AJ_EIO, "dictionary index: %llu bytes for %llu blocks",
                    (unsigned long long)(aj_fw_tell(w) - idx_off),
                    (unsigned long long)nblocks);
    if (!e) e = aj_fw_section(c, w, base + 1, idx_off, nblocks * INDEX_BYTES);
    /* COUNT, section base + 0 (FORMAT.md "dict.aj"). */
    uint8_t cnt[8];
    aj_put_u64le(cnt, d->n);
    uint64_t cnt_off = aj_fw_tell(w);
    if (!e) e = aj_fw_write(c, w, cnt, 8);
    if (!e) e = aj_fw_section(c, w, base, cnt_off, 8);
    aj_dict_writer_free(d);
    return e;
}

aj_err aj_dict_write(aj_ctx *c, aj_fwriter *w, int which, uint64_t n,
                     const char *const *terms, const uint8_t *lens,
                     const aj_term_info *infos) {
    aj_dict_writer d;
    aj_err e = aj_dict_writer_begin(c, &d, w, which, NULL, NULL);
    for (uint64_t i = 0; !e && i < n; i++) e = aj_dict_writer_add(c, &d, terms[i], lens[i], &infos[i]);
    if (e) {
        aj_dict_writer_free(&d);
        return e;
    }
    return aj_dict_writer_end(c, &d);
}

aj_err aj_dict_open(aj_ctx *c, aj_mfile *f, int which, aj_dict *d) {
    uint32_t base = AJ_SEC_DICT_BASE(which);
    uint64_t cnt_off, cnt_len, idx_len;
    const uint8_t *p;
    memset(d, 0, sizeof *d);
    d->f = f;
    d->which = which;
    aj_err e = aj_mfile_section(c, f, base, &cnt_off, &cnt_len);
    if (!e) e = aj_mfile_section(c, f, base + 1, &d->index_off, &idx_len);
    if (!e) e = aj_mfile_section(c, f, base + 2, &d->str_off, &d->str_len);
    if (!e && cnt_len != 8)
        e = aj_fail(c, AJ_ECORRUPT, "%s: dictionary count section", aj_mfile_name(f));
    if (!e) e = aj_mfile_get(c, f, cnt_off, 8, &p);
    if (e) return e;
    d->nterms = aj_get_u64le(p);
    if (idx_len % INDEX_BYTES)
        return aj_fail(c, AJ_ECORRUPT, "%s: dictionary index size", aj_mfile_name(f));
    d->nblocks = idx_len / INDEX_BYTES;
    if (d->nblocks != (d->nterms + AJ_DICT_BLOCK - 1) / AJ_DICT_BLOCK)
        return aj_fail(c, AJ_ECORRUPT,
                       "%s: dictionary block count %llu does not fit %llu terms",
                       aj_mfile_name(f), (unsigned long long)d->nblocks,
                       (unsigned long long)d->nterms);
    return AJ_OK;
}

static aj_err bad_entry(aj_ctx *c, const aj_dict_iter *it) {
    return aj_fail(c, AJ_ECORRUPT, "%s: dictionary entry of term %llu",
                   aj_mfile_name(it->d->f), (unsigned long long)it->id);
}

/* Reads the info part of the entry at it->p. */
static aj_err read_info(aj_ctx *c, aj_dict_iter *it, int first) {
    aj_slice s = {it->p, it->end};
    uint32_t df, max_tf, min_len;
    if (aj_get_varint32(&s, &df) || aj_get_varint32(&s, &max_tf) ||
        aj_get_varint32(&s, &min_len))
        return bad_entry(c, it);
    if (!first) {
        uint64_t zz, dp = 0;
        if (aj_get_varint64(&s, &zz)) return bad_entry(c, it);
        if (it->d->which == AJ_DICT_TERMS && aj_get_varint64(&s, &dp)) return bad_entry(c, it);
        it->info.post_off += (uint64_t)unzigzag(zz);
        it->info.pos_off += dp;
    }
    it->info.df = df;
    it->info.max_tf = max_tf;
    it->info.min_len = min_len;
    it->p = s.p;
    return AJ_OK;
}

/* Points it at the start of block b, decoded up to its first entry. */
static aj_err load_block(aj_ctx *c, const aj_dict *d, uint64_t b,
                         aj_dict_iter *it) {
    const uint8_t *v;
    aj_err e = aj_mfile_get(c, d->f, d->index_off + INDEX_BYTES * b, INDEX_BYTES, &v);
    if (e) return e;
    uint64_t start = aj_get_u32le(v), end = d->str_len;
    it->info.post_off = aj_get_u64le(v + 4);
    it->info.pos_off = d->which == AJ_DICT_TERMS ? aj_get_u64le(v + 12) : UINT64_MAX;
    if (b + 1 < d->nblocks) {
        const uint8_t *w;
        e = aj_mfile_get(c, d->f, d->index_off + INDEX_BYTES * (b + 1), 4, &w);
        if (e) return e;
        end = aj_get_u32le(w);
    }
    it->d = d;
    it->id = b * AJ_DICT_BLOCK;
    if (start >= end || end > d->str_len)
        return aj_fail(c, AJ_ECORRUPT, "%s: dictionary block %llu bounds",
                       aj_mfile_name(d->f), (unsigned long long)b);
    const uint8_t *p;
    e = aj_mfile_get(c, d->f, d->str_off + start, end - start, &p);
    if (e) return e;
    it->p = p;
    it->end = p + (end - start);
    uint8_t n = *it->p++;
    if (n == 0 || n > AJ_MAX_WORD || n > it->end - it->p) return bad_entry(c, it);
    memcpy(it->buf, it->p, n);
    it->buf[n] = 0;
    it->len = n;
    it->p += n;
    return read_info(c, it, 1);
}

aj_err aj_dict_iter_next(aj_ctx *c, aj_dict_iter *it) {
    const aj_dict *d = it->d;
    it->id++;
    if (it->id >= d->nterms) {
        it->id = d->nterms;
        return AJ_OK;
    }
    if (it->id % AJ_DICT_BLOCK == 0) return load_block(c, d, it->id / AJ_DICT_BLOCK, it);
    if (it->end - it->p < 2) return bad_entry(c, it);
    uint8_t shared = it->p[0], suffix = it->p[1];
    it->p += 2;
    if (shared > it->len || shared + suffix > AJ_MAX_WORD || suffix == 0 ||
        suffix > it->end - it->p)
        return bad_entry(c, it);
    memcpy(it->buf + shared, it->p, suffix);
    it->p += suffix;
    it->len = shared + suffix;
    it->buf[it->len] = 0;
    return read_info(c, it, 0);
}

aj_err aj_dict_iter_seek(aj_ctx *c, const aj_dict *d, uint64_t id,
                         aj_dict_iter *it) {
    if (id >= d->nterms) {
        memset(it, 0, sizeof *it);
        it->d = d;
        it->id = d->nterms;
        return AJ_OK;
    }
    aj_err e = load_block(c, d, id / AJ_DICT_BLOCK, it);
    while (!e && it->id < id) e = aj_dict_iter_next(c, it);
    return e;
}

aj_err aj_dict_info(aj_ctx *c, const aj_dict *d, uint64_t id, aj_term_info *out) {
    aj_dict_iter it;
    if (id >= d->nterms)
        return aj_fail(c, AJ_ECORRUPT, "term id %llu out of range", (unsigned long long)id);
    aj_err e = aj_dict_iter_seek(c, d, id, &it);
    if (!e) *out = it.info;
    return e;
}

static int cmp_key(const char *a, size_t alen, const char *b, size_t blen) {
    size_t n = alen < blen ? alen : blen;
    int r = memcmp(a, b, n);
    if (r) return r;
    return alen < blen ? -1 : alen > blen;
}

/* The first term of block b (from the block's header, no info decoded). */
static aj_err block_first(aj_ctx *c, const aj_dict *d, uint64_t b, const char **s,
                          size_t *n) {
    const uint8_t *v, *p;
    aj_err e = aj_mfile_get(c, d->f, d->index_off + INDEX_BYTES * b, 4, &v);
    if (e) return e;
    uint64_t start = aj_get_u32le(v);
    if (start >= d->str_len)
        return aj_fail(c, AJ_ECORRUPT, "%s: dictionary block %llu bounds",
                       aj_mfile_name(d->f), (unsigned long long)b);
    uint64_t room = d->str_len - start;
    e = aj_mfile_get(c, d->f, d->str_off + start, room < 1 + AJ_MAX_WORD ? room : 1 + AJ_MAX_WORD,
                     &p);
    if (e) return e;
    if (p[0] == 0 || p[0] > AJ_MAX_WORD || p[0] >= room)
        return aj_fail(c, AJ_ECORRUPT, "%s: dictionary block %llu first term",
                       aj_mfile_name(d->f), (unsigned long long)b);
    *s = (const char *)p + 1;
    *n = p[0];
    return AJ_OK;
}

/* Positions it at the first term >= key (it->id == nterms if none). */
static aj_err lower_bound(aj_ctx *c, const aj_dict *d, const char *key, size_t len,
                          aj_dict_iter *it) {
    memset(it, 0, sizeof *it);
    it->d = d;
    it->id = d->nterms;
    if (d->nterms == 0) return AJ_OK;
    /* The last block whose first term is <= key. */
    uint64_t lo = 0, hi = d->nblocks;
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        const char *s = NULL;
        size_t n = 0;
        aj_err e = block_first(c, d, mid, &s, &n);
        if (e) return e;
        if (cmp_key(s, n, key, len) <= 0)
            lo = mid;
        else
            hi = mid;
    }
    aj_err e = load_block(c, d, lo, it);
    while (!e && it->id < d->nterms && cmp_key(it->buf, it->len, key, len) < 0)
        e = aj_dict_iter_next(c, it);
    return e;
}

aj_err aj_dict_lower_bound(aj_ctx *c, const aj_dict *d, const char *key,
                           size_t len, uint64_t *id) {
    aj_dict_iter it;
    aj_err e = lower_bound(c, d, key, len, &it);
    *id = it.id;
    return e;
}

aj_err aj_dict_find(aj_ctx *c, const aj_dict *d, const char *term, size_t len,
                    int64_t *id, aj_term_info *info) {
    aj_dict_iter it;
    *id = -1;
    aj_err e = lower_bound(c, d, term, len, &it);
    if (e || it.id >= d->nterms) return e;
    if (cmp_key(it.buf, it.len, term, len) == 0) {
        *id = (int64_t)it.id;
        if (info) *info = it.info;
    }
    return AJ_OK;
}
