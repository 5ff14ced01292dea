/* postings.c - see postings.h; the bytes are FORMAT.md's "post.aj" and
 * "posn.aj". */
#include "format/postings.h"
#include "analysis/segment.h"

#include <stdlib.h>
#include <string.h>

#include "common/bytes.h"

/* Writes one chunk of k <= 128 bit-packed position values. */
static aj_err write_pos_chunk(aj_ctx *c, aj_fwriter *w, const uint32_t *values,
                              size_t k) {
    uint8_t buf[1 + 4 * AJ_BLOCK];
    unsigned width = aj_bitpack_width(values, k);
    buf[0] = (uint8_t)width;
    size_t len = aj_bitpack_encode(values, k, width, buf + 1);
    return aj_fw_write(c, w, buf, 1 + len);
}

typedef struct {
    const uint32_t *positions;
    size_t at;
} pos_array;

static aj_err next_from_array(aj_ctx *c, void *arg, uint32_t tf, uint32_t *out) {
    (void)c;
    pos_array *a = arg;
    memcpy(out, a->positions + a->at, (size_t)tf * sizeof *out);
    a->at += tf;
    return AJ_OK;
}

aj_err aj_postings_write(aj_ctx *c, aj_fwriter *post, aj_fwriter *posn,
                         const uint32_t *docs, const uint32_t *tfs,
                         const uint32_t *positions, uint32_t n,
                         const uint32_t *lens, aj_term_info *info) {
    pos_array a = {positions, 0};
    return aj_postings_write_fn(c, post, posn, docs, tfs,
                                positions ? next_from_array : NULL, &a, n, lens,
                                info);
}

aj_err aj_postings_write_fn(aj_ctx *c, aj_fwriter *post, aj_fwriter *posn,
                            const uint32_t *docs, const uint32_t *tfs,
                            aj_pos_fn next_pos, void *pos_arg, uint32_t n,
                            const uint32_t *lens, aj_term_info *info) {
    uint32_t nblocks = (n + AJ_BLOCK - 1) / AJ_BLOCK;
    uint8_t *skip = NULL;
    aj_err e = AJ_OK;

    memset(info, 0, sizeof *info);
    info->df = n;
    info->min_len = UINT32_MAX;
    info->post_off = aj_fw_tell(post);
    info->pos_off = posn ? aj_fw_tell(posn) : UINT64_MAX;
    if (nblocks > 1) {
        skip = calloc(nblocks, AJ_SKIP_BYTES);
        if (!skip) return aj_fail(c, AJ_ENOMEM, "skip table");
        /* Reserve the skip table; it is rewritten in place below, which
         * the append-only writer cannot do, so the blocks are first
         * encoded into memory. */
    }
    /* Encode blocks into a memory buffer so the skip table can precede
     * them. Worst case per block: 2 + 2 * 4 * 128 bytes. */
    size_t cap = (size_t)nblocks * (2 + 8 * AJ_BLOCK);
    uint8_t *data = malloc(cap ? cap : 1);
    if (!data) {
        free(skip);
        return aj_fail(c, AJ_ENOMEM, "postings buffer");
    }
    size_t dlen = 0;
    uint64_t pos_rel = 0;
    uint32_t *one = NULL;   /* one posting's positions */
    size_t capone = 0;
    uint32_t prev = 0;
    for (uint32_t b = 0; !e && b < nblocks; b++) {
        uint32_t k = n - b * AJ_BLOCK < AJ_BLOCK ? n - b * AJ_BLOCK : AJ_BLOCK;
        const uint32_t *d = docs + (size_t)b * AJ_BLOCK;
        const uint32_t *t = tfs + (size_t)b * AJ_BLOCK;
        uint32_t gaps[AJ_BLOCK], tf1[AJ_BLOCK];
        uint32_t bmax_tf = 0, bmin_len = UINT32_MAX;
        for (uint32_t i = 0; i < k; i++) {
            gaps[i] = d[i] - prev;
            prev = d[i];
            tf1[i] = t[i] - 1;
            if (t[i] > bmax_tf) bmax_tf = t[i];
            if (lens[d[i]] < bmin_len) bmin_len = lens[d[i]];
        }
        if (bmax_tf > info->max_tf) info->max_tf = bmax_tf;
        if (bmin_len < info->min_len) info->min_len = bmin_len;
        if (skip) {
            uint8_t *s = skip + (size_t)b * AJ_SKIP_BYTES;
            aj_put_u32le(s, d[k - 1]);
            aj_put_u32le(s + 4, bmax_tf);
            aj_put_u32le(s + 8, bmin_len);
            aj_put_u32le(s + 12, (uint32_t)dlen);
            aj_put_u32le(s + 16, (uint32_t)pos_rel);
            if (dlen > UINT32_MAX || pos_rel > UINT32_MAX)
                e = aj_fail(c, AJ_ELIMIT, "posting list exceeds 4 GiB");
        }
        unsigned dw = aj_bitpack_width(gaps, k);
        unsigned tw = aj_bitpack_width(tf1, k);
        data[dlen++] = (uint8_t)dw;
        data[dlen++] = (uint8_t)tw;
        dlen += aj_bitpack_encode(gaps, k, dw, data + dlen);
        dlen += aj_bitpack_encode(tf1, k, tw, data + dlen);
        if (posn && next_pos && !e) {
            /* The block's positions (first of each paragraph absolute, the
             * rest gaps) go out in chunks of 128 values as they are made:
             * a block of paragraphs with millions of positions each needs
             * no buffer for them. */
            uint32_t chunk[AJ_BLOCK];
            size_t m = 0;
            uint64_t before = aj_fw_tell(posn);
            for (uint32_t i = 0; !e && i < k; i++) {
                uint32_t last = 0;
                if (t[i] > capone) {
                    free(one);
                    capone = t[i];
                    if (!(one = malloc(capone * sizeof *one))) {
                        e = aj_fail(c, AJ_ENOMEM, "positions buffer");
                        break;
                    }
                }
                e = next_pos(c, pos_arg, t[i], one);
                for (uint32_t j = 0; !e && j < t[i]; j++) {
                    uint32_t p = one[j];
                    chunk[m++] = j == 0 ? p : p - last;
                    last = p;
                    if (m == AJ_BLOCK) {
                        e = write_pos_chunk(c, posn, chunk, m);
                        m = 0;
                    }
                }
            }
            if (!e && m) e = write_pos_chunk(c, posn, chunk, m);
            pos_rel += aj_fw_tell(posn) - before;
        }
    }
    if (!e && skip) e = aj_fw_write(c, post, skip, (size_t)nblocks * AJ_SKIP_BYTES);
    if (!e) e = aj_fw_write(c, post, data, dlen);
    if (n == 0) info->min_len = 0;
    free(data);
    free(skip);
    free(one);
    return e;
}

/* ------------------------------------------------------------------ */

static aj_err corrupt(aj_ctx *c, const aj_pcursor *pc, const char *what) {
    return aj_fail(c, AJ_ECORRUPT,
                   "%s: postings at offset %llu: %s (block %u)",
                   aj_mfile_name(pc->post),
                   (unsigned long long)pc->info.post_off, what, pc->block - pc->pblock0);
}

/* Makes piece `s` of a chained list the current one: its files, its
 * entry's offsets, its ids and blocks.  A list of one piece (segs NULL)
 * is set up once, by aj_pcursor_open. */
static void enter_seg(aj_pcursor *pc, uint32_t s) {
    const aj_pseg *g = &pc->segs[s];
    pc->seg = s;
    pc->post = g->post;
    pc->posn = g->posn;
    pc->info.post_off = g->info.post_off;
    pc->info.pos_off = g->info.pos_off;
    pc->pbase = g->base;
    pc->pn = g->nparas;
    pc->pdf = g->info.df;
    pc->pblock0 = pc->seg_block0[s];
    pc->pnblocks = (g->info.df + AJ_BLOCK - 1) / AJ_BLOCK;
    pc->skip_off = pc->data_off = g->info.post_off;
    if (pc->pnblocks > 1) pc->data_off += (uint64_t)pc->pnblocks * AJ_SKIP_BYTES;
    pc->pos_block = -1;
}

/* The piece holding block b of a chained list. */
static uint32_t seg_of_block(const aj_pcursor *pc, uint32_t b) {
    uint32_t lo = 0, hi = pc->nsegs - 1;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo + 1) / 2;
        if (pc->seg_block0[mid] <= b)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

/* Reads the current piece's skip entry for its block lb into its
 * fields. */
static aj_err skip_entry(aj_ctx *c, aj_pcursor *pc, uint32_t lb,
                         uint32_t *last, uint32_t *data_rel) {
    const uint8_t *s;
    aj_err e = aj_mfile_get(c, pc->post, pc->skip_off + (uint64_t)lb * AJ_SKIP_BYTES,
                            AJ_SKIP_BYTES, &s);
    if (e) return e;
    *last = aj_get_u32le(s);
    if (data_rel) *data_rel = aj_get_u32le(s + 12);
    return AJ_OK;
}

/* Decodes block b (of the whole list) into docs/tfs and positions the
 * cursor on its first posting. */
static aj_err load_block(aj_ctx *c, aj_pcursor *pc, uint32_t b) {
    if (pc->segs && (b < pc->pblock0 || b - pc->pblock0 >= pc->pnblocks))
        enter_seg(pc, seg_of_block(pc, b));
    uint32_t lb = b - pc->pblock0;
    uint32_t rel = 0, base = 0, last = 0;
    aj_err e;
    if (pc->pnblocks > 1) {
        e = skip_entry(c, pc, lb, &last, &rel);
        if (!e && lb > 0) e = skip_entry(c, pc, lb - 1, &base, NULL);
        if (e) return e;
    }
    uint32_t k = pc->pdf - lb * AJ_BLOCK;
    if (k > AJ_BLOCK) k = AJ_BLOCK;
    const uint8_t *p;
    uint64_t at = pc->data_off + rel;
    e = aj_mfile_get(c, pc->post, at, 2, &p);
    if (e) return e;
    unsigned dw = p[0], tw = p[1];
    if (dw > 32 || tw > 32) return corrupt(c, pc, "bad bit width");
    size_t dbytes = aj_bitpack_bytes(k, dw), tbytes = aj_bitpack_bytes(k, tw);
    e = aj_mfile_get(c, pc->post, at + 2, dbytes + tbytes, &p);
    if (e) return e;
    aj_bitpack_decode(p, k, dw, pc->docs);
    /* ids are the piece's own plus its base (0 for a list of one piece) */
    aj_delta_decode(pc->docs, k, base + pc->pbase);
    aj_bitpack_decode(p + dbytes, k, tw, pc->tfs);
    uint32_t bad = 0;
    for (uint32_t i = 0; i < k; i++) {
        bad |= pc->docs[i] - pc->pbase >= pc->pn;
        pc->tfs[i] += 1;
        bad |= pc->tfs[i] == 0;
    }
    if (bad) return corrupt(c, pc, "paragraph id or tf out of range");
    if (pc->pnblocks > 1 && pc->docs[k - 1] != last + pc->pbase)
        return corrupt(c, pc, "block does not end at its skip entry");
    pc->block = b;
    pc->n = k;
    pc->i = 0;
    pc->doc = pc->docs[0];
    pc->decoded += k;
    return AJ_OK;
}

aj_err aj_pcursor_block_bounds(aj_ctx *c, aj_pcursor *pc, uint32_t b,
                               uint32_t *last, uint32_t *max_tf,
                               uint32_t *min_len) {
    if (!pc->segs && pc->nblocks <= 1) {
        *last = pc->nblocks ? pc->docs[pc->n - 1] : AJ_DOC_END;
        *max_tf = pc->info.max_tf;
        *min_len = pc->info.min_len;
        return AJ_OK;
    }
    const aj_pseg *g = NULL;
    uint64_t skip_off = pc->skip_off;
    aj_mfile *post = pc->post;
    uint32_t lb = b, base = 0;
    if (pc->segs) {
        uint32_t s = seg_of_block(pc, b);
        g = &pc->segs[s];
        lb = b - pc->seg_block0[s];
        base = g->base;
        post = g->post;
        skip_off = g->info.post_off;
        if (g->info.df <= AJ_BLOCK) {
            /* a piece of one block has no skip entry: its own bounds, and
             * the end of its ids for the last one */
            *last = g->base + g->nparas - 1;
            *max_tf = g->info.max_tf;
            *min_len = g->info.min_len;
            return AJ_OK;
        }
    }
    const uint8_t *s;
    aj_err e = aj_mfile_get(c, post, skip_off + (uint64_t)lb * AJ_SKIP_BYTES,
                            AJ_SKIP_BYTES, &s);
    if (e) return e;
    *last = aj_get_u32le(s) + base;
    *max_tf = aj_get_u32le(s + 4);
    *min_len = aj_get_u32le(s + 8);
    return AJ_OK;
}

aj_err aj_pcursor_seek_block(aj_ctx *c, aj_pcursor *pc, uint32_t b) {
    if (b >= pc->nblocks) {
        pc->doc = AJ_DOC_END;
        return AJ_OK;
    }
    if (b == pc->block && pc->n && pc->doc != AJ_DOC_END) {
        pc->i = 0;
        pc->doc = pc->docs[0];
        return AJ_OK;
    }
    return load_block(c, pc, b);
}

aj_err aj_pcursor_open(aj_ctx *c, aj_pcursor *pc, aj_mfile *post,
                       aj_mfile *posn, const aj_term_info *info,
                       uint32_t nparas) {
    memset(pc, 0, sizeof *pc);
    pc->post = post;
    pc->posn = posn;
    pc->info = *info;
    pc->nparas = pc->pn = nparas;
    pc->pdf = info->df;
    pc->pos_block = -1;
    pc->doc = AJ_DOC_END;
    if (info->df == 0) return AJ_OK;
    if (info->df > nparas)
        return aj_fail(c, AJ_ECORRUPT, "%s: term df %u exceeds paragraphs",
                       aj_mfile_name(post), info->df);
    pc->nblocks = pc->pnblocks = (info->df + AJ_BLOCK - 1) / AJ_BLOCK;
    pc->skip_off = info->post_off;
    pc->data_off = info->post_off;
    if (pc->nblocks > 1) pc->data_off += (uint64_t)pc->nblocks * AJ_SKIP_BYTES;
    return load_block(c, pc, 0);
}

aj_err aj_pcursor_open_chain(aj_ctx *c, aj_pcursor *pc, const aj_pseg *segs,
                             uint32_t n, const aj_term_info *info, uint32_t nparas) {
    if (n == 1 && segs[0].base == 0)
        return aj_pcursor_open(c, pc, segs[0].post, segs[0].posn, &segs[0].info,
                               segs[0].nparas);
    memset(pc, 0, sizeof *pc);
    pc->info = *info;
    pc->nparas = nparas;
    pc->pos_block = -1;
    pc->doc = AJ_DOC_END;
    if (n == 0) {
        if (info->df)
            return aj_fail(c, AJ_ECORRUPT, "term df %u, and no shard holds it", info->df);
        return AJ_OK;
    }
    pc->segs = malloc(n * sizeof *pc->segs);
    pc->seg_block0 = malloc(n * sizeof *pc->seg_block0);
    if (!pc->segs || !pc->seg_block0) {
        aj_pcursor_free(pc);
        return aj_fail(c, AJ_ENOMEM, "posting list");
    }
    memcpy(pc->segs, segs, n * sizeof *segs);
    pc->nsegs = n;
    uint64_t blocks = 0, df = 0, end = 0;
    for (uint32_t s = 0; s < n; s++) {
        const aj_pseg *g = &segs[s];
        if (g->info.df == 0 || g->info.df > g->nparas || g->base < end ||
            (uint64_t)g->base + g->nparas > nparas) {
            aj_pcursor_free(pc);
            return aj_fail(c, AJ_ECORRUPT, "%s: term df %u in a shard of %u paragraphs",
                           aj_mfile_name(g->post), g->info.df, g->nparas);
        }
        end = (uint64_t)g->base + g->nparas;
        pc->seg_block0[s] = (uint32_t)blocks;
        blocks += (g->info.df + AJ_BLOCK - 1) / AJ_BLOCK;
        df += g->info.df;
    }
    if (df != info->df) {
        aj_pcursor_free(pc);
        return aj_fail(c, AJ_ECORRUPT, "%s: term df %u, %llu in its shards",
                       aj_mfile_name(segs[0].post), info->df, (unsigned long long)df);
    }
    pc->nblocks = (uint32_t)blocks;
    enter_seg(pc, 0);
    return load_block(c, pc, 0);
}

aj_err aj_pcursor_rewind(aj_ctx *c, aj_pcursor *pc) {
    if (pc->nblocks == 0) return AJ_OK;
    pc->pos_block = -1;
    return load_block(c, pc, 0);
}

void aj_pcursor_free(aj_pcursor *pc) {
    free(pc->posbuf);
    free(pc->segs);
    free(pc->seg_block0);
    pc->posbuf = NULL;
    pc->segs = NULL;
    pc->seg_block0 = NULL;
    pc->poscap = 0;
}

aj_err aj_pcursor_next(aj_ctx *c, aj_pcursor *pc) {
    if (pc->doc == AJ_DOC_END) return AJ_OK;
    if (++pc->i < pc->n) {
        pc->doc = pc->docs[pc->i];
        return AJ_OK;
    }
    if (pc->block + 1 >= pc->nblocks) {
        pc->doc = AJ_DOC_END;
        return AJ_OK;
    }
    return load_block(c, pc, pc->block + 1);
}

/* Loads the first block from lo on (a block of the current piece) whose
 * last id is at least target, found by galloping then binary search over
 * the piece's skip entries; *none when the piece has none. */
static aj_err seek_in_piece(aj_ctx *c, aj_pcursor *pc, uint32_t lo, uint32_t target,
                            int *none) {
    uint32_t end = pc->pblock0 + pc->pnblocks, hi, step = 1, last;
    /* the target in the piece's own ids (a piece that starts past it:
     * its first block) */
    uint32_t ltarget = target > pc->pbase ? target - pc->pbase : 0;
    *none = lo >= end;
    if (*none) return AJ_OK;
    for (;;) {
        hi = lo + step - 1;
        if (hi >= end - 1) {
            hi = end - 1;
            break;
        }
        aj_err e = skip_entry(c, pc, hi - pc->pblock0, &last, NULL);
        if (e) return e;
        if (last >= ltarget) break;
        lo = hi + 1;
        step *= 2;
    }
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        aj_err e = skip_entry(c, pc, mid - pc->pblock0, &last, NULL);
        if (e) return e;
        if (last >= ltarget)
            hi = mid;
        else
            lo = mid + 1;
    }
    aj_err e = load_block(c, pc, lo);
    if (!e && pc->docs[pc->n - 1] < target) *none = 1;
    return e;
}

aj_err aj_pcursor_advance(aj_ctx *c, aj_pcursor *pc, uint32_t target) {
    if (pc->doc >= target) return AJ_OK;
    if (pc->docs[pc->n - 1] < target) {
        /* Skip whole blocks of this piece, then (a chained list) go to
         * the first later piece whose ids reach the target, and skip
         * blocks there: no block is decoded on the way. */
        int none;
        aj_err e = target - pc->pbase < pc->pn || !pc->segs
                       ? seek_in_piece(c, pc, pc->block + 1, target, &none)
                       : (none = 1, AJ_OK);
        for (uint32_t s = pc->seg + 1; !e && none && pc->segs; s++) {
            while (s < pc->nsegs && pc->segs[s].base + pc->segs[s].nparas <= target) s++;
            if (s >= pc->nsegs) break;
            enter_seg(pc, s);
            e = seek_in_piece(c, pc, pc->pblock0, target, &none);
        }
        if (e) return e;
        if (none) {
            pc->doc = AJ_DOC_END;
            return AJ_OK;
        }
    }
    while (pc->docs[pc->i] < target) pc->i++;
    pc->doc = pc->docs[pc->i];
    return AJ_OK;
}

/* Decodes the positions of the current posting into posbuf, turning its
 * gaps into absolute positions.  They lie in the block's run of 128-value
 * chunks; the chunks before them are stepped over by their width bytes,
 * and a walk through the block resumes where the last one stopped.  So
 * the memory is one paragraph's positions, not the whole block's (128
 * paragraphs of a repeated word held 268 MB). */
static aj_err load_positions(aj_ctx *c, aj_pcursor *pc) {
    if (!pc->posn || pc->info.pos_off == UINT64_MAX)
        return aj_fail(c, AJ_EINVAL, "positions are not indexed for this term");
    if (pc->pos_block != (int)pc->block) {
        uint32_t rel = 0;
        if (pc->pnblocks > 1) {
            const uint8_t *s;
            aj_err e = aj_mfile_get(c, pc->post,
                                    pc->skip_off + (uint64_t)(pc->block - pc->pblock0) *
                                                       AJ_SKIP_BYTES,
                                    AJ_SKIP_BYTES, &s);
            if (e) return e;
            rel = aj_get_u32le(s + 16);
        }
        uint64_t total = 0;
        pc->posidx[0] = 0;
        for (uint32_t i = 0; i < pc->n; i++) {
            total += pc->tfs[i];
            if (total > UINT32_MAX) return corrupt(c, pc, "positions overflow");
            pc->posidx[i + 1] = (uint32_t)total;
        }
        pc->pos_first = pc->pos_at = pc->info.pos_off + rel;
        pc->pos_done = 0;
        pc->pos_block = (int)pc->block;
    }
    uint32_t lo = pc->posidx[pc->i], hi = pc->posidx[pc->i + 1];
    uint32_t total = pc->posidx[pc->n];
    /* A token takes at least a byte of its paragraph's source, so no term
     * occurs more often in one paragraph than it has bytes: a larger tf
     * is damage, and must not size the buffer below. */
    if (hi - lo > AJ_MAX_PARA_BYTES)
        return corrupt(c, pc, "term frequency beyond a paragraph's length");
    if (hi - lo > pc->poscap) {
        size_t cap = hi - lo < 256 ? 256 : (size_t)(hi - lo);
        uint32_t *nb = realloc(pc->posbuf, cap * sizeof *nb);
        if (!nb) return aj_fail(c, AJ_ENOMEM, "positions buffer");
        pc->posbuf = nb;
        pc->poscap = cap;
    }
    if (lo < pc->pos_done) { /* behind the walk: start the block again */
        pc->pos_at = pc->pos_first;
        pc->pos_done = 0;
    }
    uint64_t at = pc->pos_at;
    uint32_t done = pc->pos_done;
    uint32_t chunk[AJ_BLOCK];
    while (done < hi) {
        uint32_t k = total - done < AJ_BLOCK ? total - done : AJ_BLOCK;
        const uint8_t *p;
        aj_err e = aj_mfile_get(c, pc->posn, at, 1, &p);
        if (e) return e;
        unsigned w = p[0];
        if (w > 32)
            return aj_fail(c, AJ_ECORRUPT, "%s: positions at offset %llu: bad width",
                           aj_mfile_name(pc->posn), (unsigned long long)at);
        size_t nb = aj_bitpack_bytes(k, w);
        if (done + k > lo) {
            e = aj_mfile_get(c, pc->posn, at + 1, nb, &p);
            if (e) return e;
            aj_bitpack_decode(p, k, w, chunk);
            uint32_t from = lo > done ? lo - done : 0;
            uint32_t to = hi - done < k ? hi - done : k;
            memcpy(pc->posbuf + (done + from - lo), chunk + from,
                   (to - from) * sizeof *chunk);
            /* A chunk that runs into the next posting is where the walk
             * resumes. */
            if (done + k > hi) break;
        }
        at += 1 + nb;
        done += k;
    }
    pc->pos_at = at;
    pc->pos_done = done;
    for (uint32_t j = 1; j < hi - lo; j++) pc->posbuf[j] += pc->posbuf[j - 1];
    pc->pos_para = pc->i;
    return AJ_OK;
}

aj_err aj_pcursor_positions(aj_ctx *c, aj_pcursor *pc, const uint32_t **pos,
                            uint32_t *n) {
    if (pc->doc == AJ_DOC_END) {
        *n = 0;
        *pos = NULL;
        return AJ_OK;
    }
    if (pc->pos_block != (int)pc->block || pc->pos_para != pc->i) {
        aj_err e = load_positions(c, pc);
        if (e) return e;
    }
    *pos = pc->posbuf;
    *n = pc->tfs[pc->i];
    return AJ_OK;
}
