/*
 * postings.h - posting lists: paragraph ids and term frequencies in packed
 * blocks of 128 with per-block skip entries (post.aj), and positions in a
 * separate stream (posn.aj) that only phrase queries touch.
 *
 * One term's postings at aj_term_info.post_off, its positions at
 * aj_term_info.pos_off: FORMAT.md "post.aj" and "posn.aj".  The skip
 * entries' bounds (last id, largest tf, shortest paragraph) let a query
 * pass over whole blocks without decoding them.
 */
#ifndef AJ_POSTINGS_H
#define AJ_POSTINGS_H

#include <stdint.h>

#include "format/bitpack.h"
#include "format/dict.h"
#include "common/error.h"
#include "format/file.h"

#define AJ_DOC_END UINT32_MAX
/* The size of a skip entry (FORMAT.md "post.aj"). */
#define AJ_SKIP_BYTES 20u

/* ---- writing ---- */

/* Writes one term's postings: n paragraphs docs[] (strictly increasing)
 * with tfs[] and, if pos != NULL, their positions (sum(tfs) values,
 * absolute and increasing within each paragraph).  lens[] gives every
 * paragraph's length (for the per-block min_len).  Fills info's offsets,
 * df, max_tf and min_len. */
aj_err aj_postings_write(aj_ctx *c, aj_fwriter *post, aj_fwriter *posn,
                         const uint32_t *docs, const uint32_t *tfs,
                         const uint32_t *positions, uint32_t n,
                         const uint32_t *lens, aj_term_info *info);

/* The same with the positions supplied a posting at a time, in order:
 * pos(c, arg, tf, out) fills out[0..tf) with the next posting's positions.
 * Only one posting's positions are ever held, however long the list. */
typedef aj_err (*aj_pos_fn)(aj_ctx *c, void *arg, uint32_t tf, uint32_t *out);
aj_err aj_postings_write_fn(aj_ctx *c, aj_fwriter *post, aj_fwriter *posn,
                            const uint32_t *docs, const uint32_t *tfs,
                            aj_pos_fn pos, void *pos_arg, uint32_t n,
                            const uint32_t *lens, aj_term_info *info);

/* ---- reading ---- */

/* One piece of a list chained across the shards of an index (index.h):
 * the term's postings in one shard, whose paragraphs have the ids
 * [base, base + nparas). */
typedef struct aj_pseg {
    aj_mfile *post, *posn;
    aj_term_info info;       /* the shard's own entry for the term */
    uint32_t base, nparas;
} aj_pseg;

typedef struct aj_pcursor {
    aj_mfile *post, *posn;   /* the current piece's files */
    aj_term_info info;       /* the whole list's df, max_tf and min_len
                                (its offsets: the current piece's) */
    uint32_t nparas;         /* ids must be below this */
    uint32_t nblocks;        /* the whole list's blocks */
    /* the current piece: its ids [pbase, pbase + pn), blocks [pblock0,
     * pblock0 + pnblocks) of the list, and where they lie */
    uint32_t pbase, pn, pblock0, pnblocks, pdf;
    uint64_t skip_off;       /* payload offset of the skip table */
    uint64_t data_off;       /* payload offset of block data */
    aj_pseg *segs;           /* the pieces of a chained list, else NULL */
    uint32_t *seg_block0;    /*   and the number of each one's first block */
    uint32_t nsegs, seg;
    uint32_t block;          /* current block */
    uint32_t n, i;           /* postings in the block, current index */
    uint32_t doc;            /* current id or AJ_DOC_END */
    uint32_t docs[AJ_BLOCK], tfs[AJ_BLOCK];
    uint64_t decoded;        /* postings decoded so far (for statistics) */
    /* positions of the current posting, decoded on demand */
    int pos_block;           /* block the fields below describe, or -1 */
    uint32_t pos_para;       /* index in it of the posting in posbuf */
    uint32_t *posbuf;
    size_t poscap;
    uint32_t posidx[AJ_BLOCK + 1];  /* prefix sums of tfs */
    uint64_t pos_first;      /* offset of the block's first chunk */
    uint64_t pos_at;         /* a chunk of the block and the index of */
    uint32_t pos_done;       /*   its first value: where a walk resumes */
} aj_pcursor;

/* Opens a cursor on the term's postings, positioned on its first posting.
 * posn may be NULL (no positions available).  Free with aj_pcursor_free. */
aj_err aj_pcursor_open(aj_ctx *c, aj_pcursor *pc, aj_mfile *post,
                       aj_mfile *posn, const aj_term_info *info,
                       uint32_t nparas);
void aj_pcursor_free(aj_pcursor *pc);

/* Opens a cursor on a list made of n pieces (n >= 1, in increasing order
 * of base, their id ranges apart), one after the other as if they were
 * one list of their summed df: ids are the pieces' own plus their base,
 * blocks are numbered across them.  info gives the whole list's bounds
 * (its df must be the pieces' sum); nparas bounds every id.  The cursor
 * copies segs. */
aj_err aj_pcursor_open_chain(aj_ctx *c, aj_pcursor *pc, const aj_pseg *segs,
                             uint32_t n, const aj_term_info *info, uint32_t nparas);

/* Puts the cursor back on its first posting. */
aj_err aj_pcursor_rewind(aj_ctx *c, aj_pcursor *pc);

/* Moves to the next posting (doc becomes AJ_DOC_END after the last). */
aj_err aj_pcursor_next(aj_ctx *c, aj_pcursor *pc);
/* Moves to the first posting with id >= target; never moves backwards. */
aj_err aj_pcursor_advance(aj_ctx *c, aj_pcursor *pc, uint32_t target);

static inline uint32_t aj_pcursor_tf(const aj_pcursor *pc) {
    return pc->tfs[pc->i];
}

/* Block-level access for dynamic pruning: the number of blocks, the
 * bounds of block b read from its skip entry without decoding it (its last
 * id, largest tf and shortest paragraph; for a single-block list, the
 * list's own values), and decoding block b to sit on its first posting. */
static inline uint32_t aj_pcursor_nblocks(const aj_pcursor *pc) {
    return pc->nblocks;
}
aj_err aj_pcursor_block_bounds(aj_ctx *c, aj_pcursor *pc, uint32_t b,
                               uint32_t *last, uint32_t *max_tf,
                               uint32_t *min_len);
aj_err aj_pcursor_seek_block(aj_ctx *c, aj_pcursor *pc, uint32_t b);

/* Positions of the current posting: *pos points to tf increasing values,
 * owned by the cursor, valid until it moves. */
aj_err aj_pcursor_positions(aj_ctx *c, aj_pcursor *pc, const uint32_t **pos,
                            uint32_t *n);

#endif
