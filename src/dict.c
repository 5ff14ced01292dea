/*
 * dict.c - term dictionary writer and mapped reader.
 *
 * Sections of one dictionary (ids from AJ_SEC_DICT_BASE):
 *   info    n records of 32 bytes: u64 post_off, u64 pos_off, u32 df,
 *           u32 max_tf, u32 min_len, u32 zero
 *   index   one u32 per block: offset of the block in the strings section
 *   strings blocks of up to 16 terms; the first term of a block is stored
 *           whole (u8 length, bytes), each next one as u8 shared-prefix
 *           length, u8 suffix length, suffix bytes
 */
#include "dict.h"

#include <stdlib.h>
#include <string.h>

#include "bytes.h"

aj_err aj_dict_write(aj_ctx *c, aj_fwriter *w, int which, uint64_t n,
                     const char *const *terms, const uint8_t *lens,
                     const aj_term_info *infos) {
    uint32_t base = AJ_SEC_DICT_BASE(which);
    aj_err e = aj_fw_align(c, w, 8);
    uint64_t off = aj_fw_tell(w);
    for (uint64_t i = 0; !e && i < n; i++) {
        uint8_t r[AJ_DICT_INFO_BYTES] = {0};
        aj_put_u64le(r, infos[i].post_off);
        aj_put_u64le(r + 8, infos[i].pos_off);
        aj_put_u32le(r + 16, infos[i].df);
        aj_put_u32le(r + 20, infos[i].max_tf);
        aj_put_u32le(r + 24, infos[i].min_len);
        e = aj_fw_write(c, w, r, sizeof r);
    }
    if (!e) e = aj_fw_section(c, w, base, off, n * AJ_DICT_INFO_BYTES);
    if (e) return e;

    uint64_t nblocks = (n + AJ_DICT_BLOCK - 1) / AJ_DICT_BLOCK;
    uint32_t *index = malloc((nblocks + 1) * sizeof *index);
    if (!index) return aj_fail(c, AJ_ENOMEM, "dictionary block index");
    uint64_t str_off = aj_fw_tell(w);
    for (uint64_t i = 0; !e && i < n; i++) {
        uint8_t hdr[2];
        uint64_t at = aj_fw_tell(w) - str_off;
        if (i % AJ_DICT_BLOCK == 0) {
            if (at > UINT32_MAX) {
                e = aj_fail(c, AJ_ELIMIT, "dictionary strings exceed 4 GiB");
                break;
            }
            index[i / AJ_DICT_BLOCK] = (uint32_t)at;
            hdr[0] = lens[i];
            e = aj_fw_write(c, w, hdr, 1);
            if (!e) e = aj_fw_write(c, w, terms[i], lens[i]);
        } else {
            size_t shared = 0, max = lens[i] < lens[i - 1] ? lens[i]
                                                              : lens[i - 1];
            while (shared < max && terms[i][shared] == terms[i - 1][shared])
                shared++;
            hdr[0] = (uint8_t)shared;
            hdr[1] = (uint8_t)(lens[i] - shared);
            e = aj_fw_write(c, w, hdr, 2);
            if (!e) e = aj_fw_write(c, w, terms[i] + shared, hdr[1]);
        }
    }
    uint64_t str_len = aj_fw_tell(w) - str_off;
    if (!e) e = aj_fw_section(c, w, base + 2, str_off, str_len);
    if (!e) e = aj_fw_align(c, w, 4);
    uint64_t idx_off = aj_fw_tell(w);
    for (uint64_t b = 0; !e && b < nblocks; b++) {
        uint8_t v[4];
        aj_put_u32le(v, index[b]);
        e = aj_fw_write(c, w, v, 4);
    }
    if (!e) e = aj_fw_section(c, w, base + 1, idx_off, nblocks * 4);
    free(index);
    return e;
}

aj_err aj_dict_open(aj_ctx *c, aj_mfile *f, int which, aj_dict *d) {
    uint32_t base = AJ_SEC_DICT_BASE(which);
    uint64_t info_len, idx_len;
    memset(d, 0, sizeof *d);
    d->f = f;
    aj_err e = aj_mfile_section(c, f, base, &d->info_off, &info_len);
    if (!e) e = aj_mfile_section(c, f, base + 1, &d->index_off, &idx_len);
    if (!e) e = aj_mfile_section(c, f, base + 2, &d->str_off, &d->str_len);
    if (e) return e;
    if (info_len % AJ_DICT_INFO_BYTES || idx_len % 4)
        return aj_fail(c, AJ_ECORRUPT, "%s: dictionary section sizes",
                       aj_mfile_name(f));
    d->nterms = info_len / AJ_DICT_INFO_BYTES;
    d->nblocks = idx_len / 4;
    if (d->nblocks != (d->nterms + AJ_DICT_BLOCK - 1) / AJ_DICT_BLOCK)
        return aj_fail(c, AJ_ECORRUPT,
                       "%s: dictionary block count %llu does not fit %llu "
                       "terms",
                       aj_mfile_name(f), (unsigned long long)d->nblocks,
                       (unsigned long long)d->nterms);
    return AJ_OK;
}

aj_err aj_dict_info(aj_ctx *c, const aj_dict *d, uint64_t id,
                    aj_term_info *out) {
    const uint8_t *r;
    if (id >= d->nterms)
        return aj_fail(c, AJ_ECORRUPT, "term id %llu out of range",
                       (unsigned long long)id);
    aj_err e = aj_mfile_get(c, d->f, d->info_off + id * AJ_DICT_INFO_BYTES,
                            AJ_DICT_INFO_BYTES, &r);
    if (e) return e;
    out->post_off = aj_get_u64le(r);
    out->pos_off = aj_get_u64le(r + 8);
    out->df = aj_get_u32le(r + 16);
    out->max_tf = aj_get_u32le(r + 20);
    out->min_len = aj_get_u32le(r + 24);
    return AJ_OK;
}

/* Points it at the start of block b, with the block's first term in buf. */
static aj_err load_block(aj_ctx *c, const aj_dict *d, uint64_t b,
                         aj_dict_iter *it) {
    const uint8_t *v;
    aj_err e = aj_mfile_get(c, d->f, d->index_off + 4 * b, 4, &v);
    if (e) return e;
    uint64_t start = aj_get_u32le(v), end = d->str_len;
    if (b + 1 < d->nblocks) {
        e = aj_mfile_get(c, d->f, d->index_off + 4 * (b + 1), 4, &v);
        if (e) return e;
        end = aj_get_u32le(v);
    }
    if (start >= end || end > d->str_len)
        return aj_fail(c, AJ_ECORRUPT, "%s: dictionary block %llu bounds",
                       aj_mfile_name(d->f), (unsigned long long)b);
    const uint8_t *p;
    e = aj_mfile_get(c, d->f, d->str_off + start, end - start, &p);
    if (e) return e;
    it->d = d;
    it->p = p;
    it->end = p + (end - start);
    uint8_t n = *it->p++;
    if (n == 0 || n > AJ_MAX_WORD || n > it->end - it->p)
        return aj_fail(c, AJ_ECORRUPT, "%s: dictionary block %llu entry 0",
                       aj_mfile_name(d->f), (unsigned long long)b);
    memcpy(it->buf, it->p, n);
    it->buf[n] = 0;
    it->len = n;
    it->p += n;
    it->id = b * AJ_DICT_BLOCK;
    return AJ_OK;
}

aj_err aj_dict_iter_next(aj_ctx *c, aj_dict_iter *it) {
    const aj_dict *d = it->d;
    it->id++;
    if (it->id >= d->nterms) {
        it->id = d->nterms;
        return AJ_OK;
    }
    if (it->id % AJ_DICT_BLOCK == 0)
        return load_block(c, d, it->id / AJ_DICT_BLOCK, it);
    if (it->end - it->p < 2) goto bad;
    uint8_t shared = it->p[0], suffix = it->p[1];
    it->p += 2;
    if (shared > it->len || shared + suffix > AJ_MAX_WORD || suffix == 0 ||
        suffix > it->end - it->p)
        goto bad;
    memcpy(it->buf + shared, it->p, suffix);
    it->p += suffix;
    it->len = shared + suffix;
    it->buf[it->len] = 0;
    return AJ_OK;
bad:
    return aj_fail(c, AJ_ECORRUPT, "%s: dictionary entry of term %llu",
                   aj_mfile_name(d->f), (unsigned long long)it->id);
}

aj_err aj_dict_iter_seek(aj_ctx *c, const aj_dict *d, uint64_t id,
                         aj_dict_iter *it) {
    if (id >= d->nterms) {
        it->d = d;
        it->id = d->nterms;
        it->len = 0;
        return AJ_OK;
    }
    aj_err e = load_block(c, d, id / AJ_DICT_BLOCK, it);
    while (!e && it->id < id) e = aj_dict_iter_next(c, it);
    return e;
}

static int cmp_key(const char *a, size_t alen, const char *b, size_t blen) {
    size_t n = alen < blen ? alen : blen;
    int r = memcmp(a, b, n);
    if (r) return r;
    return alen < blen ? -1 : alen > blen;
}

aj_err aj_dict_lower_bound(aj_ctx *c, const aj_dict *d, const char *key,
                           size_t len, uint64_t *id) {
    if (d->nterms == 0) {
        *id = 0;
        return AJ_OK;
    }
    /* Find the last block whose first term is <= key. */
    uint64_t lo = 0, hi = d->nblocks;
    aj_dict_iter it;
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        aj_err e = load_block(c, d, mid, &it);
        if (e) return e;
        if (cmp_key(it.buf, it.len, key, len) <= 0)
            lo = mid;
        else
            hi = mid;
    }
    aj_err e = load_block(c, d, lo, &it);
    uint64_t stop = (lo + 1) * AJ_DICT_BLOCK;
    while (!e && it.id < d->nterms && it.id < stop &&
           cmp_key(it.buf, it.len, key, len) < 0)
        e = aj_dict_iter_next(c, &it);
    if (e) return e;
    *id = it.id < stop ? it.id : stop;
    if (*id > d->nterms) *id = d->nterms;
    return AJ_OK;
}

aj_err aj_dict_find(aj_ctx *c, const aj_dict *d, const char *term,
                    size_t len, int64_t *id) {
    uint64_t at;
    *id = -1;
    aj_err e = aj_dict_lower_bound(c, d, term, len, &at);
    if (e || at >= d->nterms) return e;
    aj_dict_iter it;
    e = aj_dict_iter_seek(c, d, at, &it);
    if (e) return e;
    if (cmp_key(it.buf, it.len, term, len) == 0) *id = (int64_t)at;
    return AJ_OK;
}
