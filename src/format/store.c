/* store.c - see store.h. */
#include "format/store.h"

#include <stdlib.h>
#include <string.h>
#define ZDICT_STATIC_LINKING_ONLY
#include <zdict.h>
/* For ZSTD_createDDict_byReference (load_block says why), part of zstd's
 * advanced API since 1.3 and unchanged since. */
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>

#include "common/bytes.h"

/* stor.aj's section ids (FORMAT.md "stor.aj"). */
enum { SEC_FRAMES = 1, SEC_TABLE = 2, SEC_DICT = 3 };

/* A zstd dictionary starts with this magic (little-endian), then its id. */
#define DICT_MAGIC 0xEC30A437u

/* ---- dictionary ---- */

aj_err aj_store_train(aj_ctx *c, const char *samples, const size_t *sizes,
                      size_t n, aj_store_dict *d) {
    memset(d, 0, sizeof *d);
    size_t total = 0;
    for (size_t i = 0; i < n; i++) total += sizes[i];
    /* Below this the trainer has too little to learn from (it fails or
     * learns noise): the frames go without a dictionary. */
    if (n < 64 || total < 8 * 1024 || n > UINT32_MAX) return AJ_OK;
    size_t cap = total / 16 < AJ_STORE_DICT ? total / 16 : AJ_STORE_DICT;
    if (cap < 1024) cap = 1024;
    d->bytes = malloc(cap);
    if (!d->bytes) return aj_fail(c, AJ_ENOMEM, "text dictionary");
    /* fastCover with fixed parameters: one pass over the samples,
     * single-threaded, so the same samples give the same bytes.
     * ZDICT_trainFromBuffer tries four segment sizes k, training on three
     * quarters of the samples and compressing the rest with each, and
     * keeps the best: 0.14 s of CPU on KJV's samples, serially, before the
     * workers start (a fifth of a one-thread build), to choose k = 50.
     * One pass at k = 200 takes 0.04 s and stores KJV in 1,461,100 bytes
     * instead of 1,465,012, the seed in 27,484 instead of 27,796 and
     * synth-100M in 46,583,436 instead of 46,439,524 (2026-12-06).
     * Finalizing evenly spread samples as the content
     * (ZDICT_finalizeDictionary) is cheaper still but stored KJV in 36.5%
     * of its text instead of 35.7%. */
    ZDICT_fastCover_params_t fp;
    memset(&fp, 0, sizeof fp);
    fp.k = 200;
    fp.d = 8;
    fp.f = 20;
    fp.accel = 1;
    fp.splitPoint = 1.0;
    size_t got = ZDICT_trainFromBuffer_fastCover(d->bytes, cap, samples, sizes, (unsigned)n, fp);
    if (ZDICT_isError(got)) {
        /* Not enough variety to build a dictionary from: none. */
        free(d->bytes);
        d->bytes = NULL;
        return AJ_OK;
    }
    d->len = got;
    d->cdict = ZSTD_createCDict(d->bytes, d->len, AJ_STORE_LEVEL);
    if (!d->cdict) {
        aj_store_dict_free(d);
        return aj_fail(c, AJ_ENOMEM, "text dictionary");
    }
    return AJ_OK;
}

void aj_store_dict_free(aj_store_dict *d) {
    ZSTD_freeCDict(d->cdict);
    free(d->bytes);
    memset(d, 0, sizeof *d);
}

/* ---- packer ---- */

aj_err aj_store_packer_init(aj_ctx *c, aj_store_packer *p, const aj_store_dict *d) {
    memset(p, 0, sizeof *p);
    ZSTD_CCtx *z = ZSTD_createCCtx();
    if (!z) return aj_fail(c, AJ_ENOMEM, "zstd context");
    ZSTD_CCtx_setParameter(z, ZSTD_c_compressionLevel, AJ_STORE_LEVEL);
    /* Page checksums already cover these bytes; the dictionary is the
     * file's only one, so its id need not be repeated in every frame. */
    ZSTD_CCtx_setParameter(z, ZSTD_c_checksumFlag, 0);
    ZSTD_CCtx_setParameter(z, ZSTD_c_dictIDFlag, 0);
    ZSTD_CCtx_setParameter(z, ZSTD_c_contentSizeFlag, 1);
    if (d && d->cdict) {
        size_t r = ZSTD_CCtx_refCDict(z, d->cdict);
        if (ZSTD_isError(r)) {
            ZSTD_freeCCtx(z);
            return aj_fail(c, AJ_EIO, "zstd dictionary: %s", ZSTD_getErrorName(r));
        }
    }
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

aj_err aj_store_pack_flush(aj_ctx *c, aj_store_packer *p) {
    if (p->nraw == 0) return AJ_OK;
    size_t bound = ZSTD_compressBound(p->nraw);
    if (p->nbytes + bound > p->capbytes) {
        size_t cap = p->capbytes ? p->capbytes * 2 : 1 << 16;
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
    if (len > AJ_STORE_MAX_RAW)
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
    uint8_t *table;          /* AJ_STORE_ENTRY bytes per block */
    size_t nblocks, captable;
    uint64_t frames_off;
};

/* stor.aj's sections, in file order DICT, FRAMES, TABLE: FORMAT.md
 * "stor.aj".  That is the order in which an append-only writer has them:
 * the dictionary is made before the workers start, their frames arrive
 * while the build runs, and the table is complete only at its end. */
aj_err aj_store_writer_new(aj_ctx *c, aj_fwriter *w, const aj_store_dict *d,
                           aj_store_writer **out) {
    aj_store_writer *s = calloc(1, sizeof *s);
    if (!s) return aj_fail(c, AJ_ENOMEM, "store writer");
    s->w = w;
    uint64_t doff = aj_fw_tell(w);
    size_t dlen = d ? d->len : 0;
    aj_err e = dlen ? aj_fw_write(c, w, d->bytes, dlen) : AJ_OK;
    if (!e) e = aj_fw_section(c, w, SEC_DICT, doff, dlen);
    if (e) {
        free(s);
        return e;
    }
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

/* ---- reading ---- */

aj_err aj_store_open(aj_ctx *c, aj_mfile *f, aj_store *s) {
    uint64_t tlen;
    memset(s, 0, sizeof *s);
    s->f = f;
    aj_err e = aj_mfile_section(c, f, SEC_FRAMES, &s->frames_off,
                                &s->frames_len);
    if (!e) e = aj_mfile_section(c, f, SEC_TABLE, &s->table_off, &tlen);
    if (!e) e = aj_mfile_section(c, f, SEC_DICT, &s->dict_off, &s->dict_len);
    if (e) return e;
    if (tlen % AJ_STORE_ENTRY || tlen / AJ_STORE_ENTRY > UINT32_MAX)
        return aj_fail(c, AJ_ECORRUPT, "%s: block table size",
                       aj_mfile_name(f));
    s->nblocks = (uint32_t)(tlen / AJ_STORE_ENTRY);
    /* The dictionary's header is checked here, its tables when a reader
     * first digests it (the bytes are read lazily, like every page). */
    if (s->dict_len && (s->dict_len < 8 || s->dict_len > 16 * (uint64_t)AJ_STORE_DICT))
        return aj_fail(c, AJ_ECORRUPT, "%s: text dictionary size %llu",
                       aj_mfile_name(f), (unsigned long long)s->dict_len);
    return AJ_OK;
}

aj_err aj_store_entry(aj_ctx *c, const aj_store *s, uint32_t b, uint64_t *off,
                      uint32_t *zlen, uint32_t *raw, uint32_t *first) {
    const uint8_t *t;
    if (b >= s->nblocks)
        return aj_fail(c, AJ_ECORRUPT, "%s: text block %u out of range",
                       aj_mfile_name(s->f), b);
    aj_err e = aj_mfile_get(c, s->f, s->table_off + AJ_STORE_ENTRY * (uint64_t)b,
                            AJ_STORE_ENTRY, &t);
    if (e) return e;
    *off = aj_get_u64le(t);
    *zlen = aj_get_u32le(t + 8);
    *raw = aj_get_u32le(t + 12);
    *first = aj_get_u32le(t + 16);
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

void aj_store_reader_init(aj_store_reader *r) {
    memset(r, 0, sizeof *r);
    for (int i = 0; i < AJ_STORE_CACHE; i++) r->slot[i].block = UINT32_MAX;
}

static void dslot_free(aj_store_dslot *d) {
    ZSTD_freeDDict(d->ddict);
    free(d->area);
    memset(d, 0, sizeof *d);
}

void aj_store_reader_free(aj_store_reader *r) {
    ZSTD_freeDCtx(r->dctx);
    for (int i = 0; i < AJ_STORE_DICTS; i++) dslot_free(&r->dict[i]);
    for (int i = 0; i < AJ_STORE_CACHE; i++) free(r->slot[i].buf);
    aj_store_reader_init(r);
}

/* Digests store s's dictionary into slot d. */
static aj_err dslot_load(aj_ctx *c, const aj_store *s, aj_store_dslot *d) {
    ZSTD_DDict *dd = NULL;
    char *area = NULL;
    if (s->dict_len) {
        const uint8_t *p;
        aj_err e = aj_mfile_get(c, s->f, s->dict_off, s->dict_len, &p);
        if (e) return e;
        /* A zstd dictionary: the magic, then a non-zero id (the format
         * admits no raw-content dictionary here). */
        if (aj_get_u32le(p) != DICT_MAGIC || ZDICT_getDictID(p, (size_t)s->dict_len) == 0)
            return aj_fail(c, AJ_ECORRUPT, "%s: text dictionary header",
                           aj_mfile_name(s->f));
        /* A copy of the dictionary with room after it (load_block). */
        area = malloc((size_t)s->dict_len + AJ_STORE_ROOM);
        if (!area) return aj_fail(c, AJ_ENOMEM, "text dictionary");
        memcpy(area, p, (size_t)s->dict_len);
        dd = ZSTD_createDDict_byReference(area, (size_t)s->dict_len);
        /* It fails on damaged entropy tables as well as on no memory;
         * the page checksums make the first far less likely. */
        if (!dd) {
            free(area);
            return aj_fail(c, AJ_ECORRUPT, "%s: text dictionary does not load",
                           aj_mfile_name(s->f));
        }
    }
    d->s = s;
    d->ddict = dd;
    d->area = area;
    d->area_dict = area ? (size_t)s->dict_len : 0;
    return AJ_OK;
}

/* The reader's zstd context, referring to store s's dictionary, digested
 * the first time (or again, once AJ_STORE_DICTS other stores were read):
 * *d gets its slot. */
static aj_err reader_ready(aj_ctx *c, const aj_store *s, aj_store_reader *r,
                           aj_store_dslot **d) {
    if (!r->dctx && !(r->dctx = ZSTD_createDCtx())) return aj_fail(c, AJ_ENOMEM, "zstd context");
    aj_store_dslot *t = &r->dict[0];
    for (int i = 0; i < AJ_STORE_DICTS; i++) {
        if (r->dict[i].s == s) {
            t = &r->dict[i];
            goto found;
        }
        if (r->dict[i].used < t->used) t = &r->dict[i];
    }
    if (t->s == r->bound) r->bound = NULL;
    dslot_free(t);
    aj_err e = dslot_load(c, s, t);
    if (e) return e;
found:
    t->used = ++r->clock;
    if (r->bound != s) {
        /* a NULL dictionary makes the context use none */
        if (ZSTD_isError(ZSTD_DCtx_refDDict(r->dctx, t->ddict)))
            return aj_fail(c, AJ_ENOMEM, "zstd context");
        r->bound = s;
    }
    *d = t;
    return AJ_OK;
}

/* Decompresses block b into slot t (its buffer reused when large enough). */
static aj_err load_block(aj_ctx *c, const aj_store *s, aj_store_reader *r,
                         const aj_store_dslot *d, uint32_t b, aj_store_slot *t) {
    const uint8_t *e, *z;
    aj_err err = aj_mfile_get(c, s->f, s->table_off + AJ_STORE_ENTRY * (uint64_t)b,
                              AJ_STORE_ENTRY, &e);
    if (err) return err;
    uint64_t off = aj_get_u64le(e);
    uint32_t zlen = aj_get_u32le(e + 8), raw = aj_get_u32le(e + 12);
    if (off > s->frames_len || zlen > s->frames_len - off || raw > AJ_STORE_MAX_RAW)
        return aj_fail(c, AJ_ECORRUPT, "%s: text block %u outside its section",
                       aj_mfile_name(s->f), b);
    err = aj_mfile_get(c, s->f, s->frames_off + off, zlen, &z);
    if (err) return err;
    if (ZSTD_getFrameContentSize(z, zlen) != raw)
        return aj_fail(c, AJ_ECORRUPT, "%s: text block %u size mismatch",
                       aj_mfile_name(s->f), b);
    if (t->cap < (size_t)raw + 1) {
        size_t cap = (size_t)raw + 1 < AJ_STORE_BLOCK + 1 ? AJ_STORE_BLOCK + 1 : (size_t)raw + 1;
        char *buf = realloc(t->buf, cap);
        if (!buf) return aj_fail(c, AJ_ENOMEM, "text block");
        t->buf = buf;
        t->cap = cap;
    }
    t->block = UINT32_MAX; /* until it holds b */
    /* Decompressed right after the dictionary's content, a block's
     * matches into the dictionary are matches into what precedes it, which
     * zstd copies as it copies any match; decompressed elsewhere, each
     * such match is a separate copy from the dictionary, and the block
     * took 1.7 times as long (4.1 against 2.4 us on KJV, the copy into
     * the slot included; 2026-12-06).  The bytes are the same either way. */
    int after_dict = d->area && raw <= AJ_STORE_ROOM;
    char *dst = after_dict ? d->area + d->area_dict : t->buf;
    size_t got = ZSTD_decompressDCtx(r->dctx, dst, raw, z, zlen);
    if (ZSTD_isError(got) || got != raw) {
        /* A failed frame may leave the context mid-way: start afresh. */
        ZSTD_DCtx_reset(r->dctx, ZSTD_reset_session_only);
        return aj_fail(c, AJ_ECORRUPT, "%s: text block %u does not decompress%s%s",
                       aj_mfile_name(s->f), b, ZSTD_isError(got) ? ": " : "",
                       ZSTD_isError(got) ? ZSTD_getErrorName(got) : "");
    }
    if (after_dict) memcpy(t->buf, dst, raw);
    t->buf[raw] = 0;
    t->len = raw;
    t->block = b;
    t->s = s;
    return AJ_OK;
}

aj_err aj_store_block(aj_ctx *c, const aj_store *s, aj_store_reader *r, uint32_t b,
                      const char **out, size_t *len) {
    if (b >= s->nblocks)
        return aj_fail(c, AJ_ECORRUPT, "%s: text block %u out of range",
                       aj_mfile_name(s->f), b);
    aj_store_slot *t = &r->slot[0];
    for (int i = 0; i < AJ_STORE_CACHE; i++) {
        if (r->slot[i].block == b && r->slot[i].s == s) {
            t = &r->slot[i];
            goto hit;
        }
        if (r->slot[i].used < t->used) t = &r->slot[i];
    }
    aj_store_dslot *d = NULL;
    aj_err e = reader_ready(c, s, r, &d);
    if (!e) e = load_block(c, s, r, d, b, t);
    if (e) return e;
hit:
    t->used = ++r->clock;
    *out = t->buf;
    *len = t->len;
    return AJ_OK;
}
