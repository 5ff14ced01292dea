/* store.c - see store.h. */
#include "store.h"

#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "bytes.h"

enum { SEC_FRAMES = 1, SEC_TABLE = 2 };

/* ---- packer ---- */

aj_err aj_store_packer_init(aj_ctx *c, aj_store_packer *p) {
    memset(p, 0, sizeof *p);
    ZSTD_CCtx *z = ZSTD_createCCtx();
    if (!z) return aj_fail(c, AJ_ENOMEM, "zstd context");
    ZSTD_CCtx_setParameter(z, ZSTD_c_compressionLevel, AJ_STORE_LEVEL);
    ZSTD_CCtx_setParameter(z, ZSTD_c_checksumFlag, 1);
    ZSTD_CCtx_setParameter(z, ZSTD_c_contentSizeFlag, 1);
    p->cctx = z;
    return AJ_OK;
}

void aj_store_packer_free(aj_store_packer *p) {
    ZSTD_freeCCtx(p->cctx);
    free(p->raw);
    free(p->bytes);
    free(p->frames);
    memset(p, 0, sizeof *p);
}

void aj_store_packer_reset(aj_store_packer *p) {
    p->nraw = 0;
    p->nbytes = 0;
    p->nframes = 0;
    p->ntexts = 0;
    p->block_first = 0;
}

aj_err aj_store_pack_flush(aj_ctx *c, aj_store_packer *p) {
    if (p->nraw == 0) return AJ_OK;
    size_t bound = ZSTD_compressBound(p->nraw);
    if (p->nbytes + bound > p->capbytes) {
        size_t cap = p->capbytes ? p->capbytes * 2 : 1 << 20;
        while (cap < p->nbytes + bound) cap *= 2;
        uint8_t *b = realloc(p->bytes, cap);
        if (!b) return aj_fail(c, AJ_ENOMEM, "store frames");
        p->bytes = b;
        p->capbytes = cap;
    }
    if (p->nframes == p->capframes) {
        size_t cap = p->capframes ? p->capframes * 2 : 64;
        aj_store_frame *f = realloc(p->frames, cap * sizeof *f);
        if (!f) return aj_fail(c, AJ_ENOMEM, "store frames");
        p->frames = f;
        p->capframes = cap;
    }
    size_t z = ZSTD_compress2(p->cctx, p->bytes + p->nbytes,
                              p->capbytes - p->nbytes, p->raw, p->nraw);
    if (ZSTD_isError(z))
        return aj_fail(c, AJ_EIO, "zstd compression failed: %s",
                       ZSTD_getErrorName(z));
    p->frames[p->nframes++] = (aj_store_frame){p->nbytes, (uint32_t)z,
                                               (uint32_t)p->nraw, p->block_first};
    p->nbytes += z;
    p->nraw = 0;
    return AJ_OK;
}

aj_err aj_store_pack(aj_ctx *c, aj_store_packer *p, const char *text,
                     size_t len, uint32_t *block, uint32_t *off) {
    if (len > UINT32_MAX / 2)
        return aj_fail(c, AJ_ELIMIT, "paragraph text too large to store");
    if (p->nraw > 0 && p->nraw + len > AJ_STORE_BLOCK) {
        aj_err e = aj_store_pack_flush(c, p);
        if (e) return e;
    }
    if (p->nraw + len > p->capraw) {
        size_t cap = p->nraw + len;
        if (cap < AJ_STORE_BLOCK) cap = AJ_STORE_BLOCK;
        char *r = realloc(p->raw, cap);
        if (!r) return aj_fail(c, AJ_ENOMEM, "store block");
        p->raw = r;
        p->capraw = cap;
    }
    if (p->nraw == 0) p->block_first = p->ntexts;
    *block = (uint32_t)p->nframes;
    *off = (uint32_t)p->nraw;
    if (len) memcpy(p->raw + p->nraw, text, len);
    p->nraw += len;
    p->ntexts++;
    return AJ_OK;
}

/* ---- writer ---- */

struct aj_store_writer {
    aj_fwriter *w;
    uint8_t *table;          /* 16 bytes per block */
    size_t nblocks, captable;
    uint64_t frames_off;
};

aj_err aj_store_writer_new(aj_ctx *c, aj_fwriter *w, aj_store_writer **out) {
    aj_store_writer *s = calloc(1, sizeof *s);
    if (!s) return aj_fail(c, AJ_ENOMEM, "store writer");
    s->w = w;
    s->frames_off = aj_fw_tell(w);
    *out = s;
    return AJ_OK;
}

aj_err aj_store_append(aj_ctx *c, aj_store_writer *s,
                       const aj_store_packer *p, uint32_t first_para) {
    if (s->nblocks + p->nframes > UINT32_MAX)
        return aj_fail(c, AJ_ELIMIT, "more than 4 billion text blocks");
    if (s->nblocks + p->nframes > s->captable) {
        size_t cap = s->captable ? s->captable * 2 : 64;
        while (cap < s->nblocks + p->nframes) cap *= 2;
        uint8_t *t = realloc(s->table, cap * AJ_STORE_ENTRY);
        if (!t) return aj_fail(c, AJ_ENOMEM, "store table");
        s->table = t;
        s->captable = cap;
    }
    uint64_t base = aj_fw_tell(s->w) - s->frames_off;
    for (size_t i = 0; i < p->nframes; i++) {
        uint8_t *e = s->table + AJ_STORE_ENTRY * s->nblocks++;
        aj_put_u64le(e, base + p->frames[i].off);
        aj_put_u32le(e + 8, p->frames[i].zlen);
        aj_put_u32le(e + 12, p->frames[i].raw);
        aj_put_u32le(e + 16, first_para + p->frames[i].first);
    }
    return aj_fw_write(c, s->w, p->bytes, p->nbytes);
}

aj_err aj_store_finish(aj_ctx *c, aj_store_writer *s) {
    uint64_t frames_len = aj_fw_tell(s->w) - s->frames_off;
    aj_err e = aj_fw_section(c, s->w, SEC_FRAMES, s->frames_off, frames_len);
    if (!e) e = aj_fw_align(c, s->w, 8);
    uint64_t toff = aj_fw_tell(s->w);
    if (!e && s->nblocks) e = aj_fw_write(c, s->w, s->table, AJ_STORE_ENTRY * s->nblocks);
    if (!e) e = aj_fw_section(c, s->w, SEC_TABLE, toff, AJ_STORE_ENTRY * s->nblocks);
    aj_store_writer_free(s);
    return e;
}

void aj_store_writer_free(aj_store_writer *s) {
    if (!s) return;
    free(s->table);
    free(s);
}

aj_err aj_store_open(aj_ctx *c, aj_mfile *f, aj_store *s) {
    uint64_t tlen;
    memset(s, 0, sizeof *s);
    s->f = f;
    aj_err e = aj_mfile_section(c, f, SEC_FRAMES, &s->frames_off,
                                &s->frames_len);
    if (!e) e = aj_mfile_section(c, f, SEC_TABLE, &s->table_off, &tlen);
    if (e) return e;
    if (tlen % AJ_STORE_ENTRY || tlen / AJ_STORE_ENTRY > UINT32_MAX)
        return aj_fail(c, AJ_ECORRUPT, "%s: block table size",
                       aj_mfile_name(f));
    s->nblocks = (uint32_t)(tlen / AJ_STORE_ENTRY);
    return AJ_OK;
}

static aj_err entry_first(aj_ctx *c, const aj_store *s, uint32_t b, uint32_t *first) {
    const uint8_t *t;
    aj_err e = aj_mfile_get(c, s->f, s->table_off + AJ_STORE_ENTRY * (uint64_t)b + 16, 4, &t);
    if (!e) *first = aj_get_u32le(t);
    return e;
}

aj_err aj_store_find(aj_ctx *c, const aj_store *s, uint32_t id, uint32_t *block,
                     uint32_t *first) {
    /* The last block whose first paragraph is <= id. */
    uint32_t lo = 0, hi = s->nblocks;
    if (hi == 0)
        return aj_fail(c, AJ_ECORRUPT, "%s: no text blocks", aj_mfile_name(s->f));
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2, f;
        aj_err e = entry_first(c, s, mid, &f);
        if (e) return e;
        if (f <= id)
            lo = mid;
        else
            hi = mid;
    }
    aj_err e = entry_first(c, s, lo, first);
    if (!e && *first > id)
        e = aj_fail(c, AJ_ECORRUPT, "%s: block table does not cover paragraph %u",
                    aj_mfile_name(s->f), id);
    *block = lo;
    return e;
}

aj_err aj_store_block(aj_ctx *c, const aj_store *s, uint32_t b, char **out,
                      size_t *len) {
    const uint8_t *t, *z;
    if (b >= s->nblocks)
        return aj_fail(c, AJ_ECORRUPT, "%s: text block %u out of range",
                       aj_mfile_name(s->f), b);
    aj_err e = aj_mfile_get(c, s->f, s->table_off + AJ_STORE_ENTRY * (uint64_t)b, 16, &t);
    if (e) return e;
    uint64_t off = aj_get_u64le(t);
    uint32_t zlen = aj_get_u32le(t + 8), raw = aj_get_u32le(t + 12);
    if (off > s->frames_len || zlen > s->frames_len - off)
        return aj_fail(c, AJ_ECORRUPT, "%s: text block %u outside its section",
                       aj_mfile_name(s->f), b);
    e = aj_mfile_get(c, s->f, s->frames_off + off, zlen, &z);
    if (e) return e;
    unsigned long long want = ZSTD_getFrameContentSize(z, zlen);
    if (want != raw)
        return aj_fail(c, AJ_ECORRUPT, "%s: text block %u size mismatch",
                       aj_mfile_name(s->f), b);
    char *buf = malloc((size_t)raw + 1);
    if (!buf) return aj_fail(c, AJ_ENOMEM, "text block");
    size_t got = ZSTD_decompress(buf, raw, z, zlen);
    if (ZSTD_isError(got) || got != raw) {
        free(buf);
        return aj_fail(c, AJ_ECORRUPT, "%s: text block %u does not decompress%s%s",
                       aj_mfile_name(s->f), b, ZSTD_isError(got) ? ": " : "",
                       ZSTD_isError(got) ? ZSTD_getErrorName(got) : "");
    }
    buf[raw] = 0;
    *out = buf;
    *len = raw;
    return AJ_OK;
}
