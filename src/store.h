/*
 * store.h - paragraph texts, compressed with zstd in blocks (stor.aj).
 *
 * Texts are appended in paragraph order into blocks of about
 * AJ_STORE_BLOCK raw bytes (a paragraph never straddles two blocks; a
 * larger one gets a block of its own).  Each block is one zstd frame with
 * its content size and a content checksum, so reading a paragraph
 * decompresses one block only.
 *
 * Building happens in two steps so that indexing threads can compress in
 * parallel: a packer (one per thread) cuts a run of paragraphs into
 * compressed frames; the writer appends frames in paragraph order.
 *
 * Sections: 1 = frames, 2 = block table of 20-byte entries
 * (u64 frame offset in the frames section, u32 frame length, u32 raw
 * length, u32 id of the block's first paragraph).
 */
#ifndef AJ_STORE_H
#define AJ_STORE_H

#include <stdint.h>
#include <stddef.h>

#include "error.h"
#include "file.h"

#define AJ_STORE_BLOCK (32u * 1024)
#define AJ_STORE_LEVEL 3

/* ---- packing texts into frames (per thread) ---- */

typedef struct aj_store_frame {
    uint64_t off;            /* in the packer's frame bytes */
    uint32_t zlen, raw;
    uint32_t first;          /* its first text, counted since the reset */
} aj_store_frame;

typedef struct aj_store_packer {
    void *cctx;              /* ZSTD_CCtx */
    char *raw;               /* the block being filled */
    size_t nraw, capraw;
    uint8_t *bytes;          /* finished frames, back to back */
    size_t nbytes, capbytes;
    aj_store_frame *frames;
    size_t nframes, capframes;
    uint32_t ntexts;         /* texts packed since the reset */
    uint32_t block_first;    /* first text of the block being filled */
} aj_store_packer;

aj_err aj_store_packer_init(aj_ctx *c, aj_store_packer *p);
void aj_store_packer_free(aj_store_packer *p);
/* Forgets the frames made so far (keeps buffers and the zstd context). */
void aj_store_packer_reset(aj_store_packer *p);
/* Adds a paragraph text; *block (index among this packer's frames since
 * the last reset) and *off say where it will be. */
aj_err aj_store_pack(aj_ctx *c, aj_store_packer *p, const char *text,
                     size_t len, uint32_t *block, uint32_t *off);
/* Compresses the block being filled, if any. */
aj_err aj_store_pack_flush(aj_ctx *c, aj_store_packer *p);

/* ---- writing stor.aj ---- */

typedef struct aj_store_writer aj_store_writer;

aj_err aj_store_writer_new(aj_ctx *c, aj_fwriter *w, aj_store_writer **out);
/* Appends the frames of a flushed packer whose first text is paragraph
 * first_para. */
aj_err aj_store_append(aj_ctx *c, aj_store_writer *s,
                       const aj_store_packer *p, uint32_t first_para);
/* Writes the block table; frees s. */
aj_err aj_store_finish(aj_ctx *c, aj_store_writer *s);
void aj_store_writer_free(aj_store_writer *s);

/* ---- reading ---- */

typedef struct aj_store {
    aj_mfile *f;
    uint64_t frames_off, frames_len;
    uint64_t table_off;
    uint32_t nblocks;
} aj_store;

#define AJ_STORE_ENTRY 20u

/* The block holding paragraph id and that block's first paragraph. */
aj_err aj_store_find(aj_ctx *c, const aj_store *s, uint32_t id, uint32_t *block,
                     uint32_t *first);

aj_err aj_store_open(aj_ctx *c, aj_mfile *f, aj_store *s);
/* Decompresses block b into a malloc'ed buffer (*out, *len), which the
 * caller frees. */
aj_err aj_store_block(aj_ctx *c, const aj_store *s, uint32_t b, char **out,
                      size_t *len);

#endif
