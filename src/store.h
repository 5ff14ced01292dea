/*
 * store.h - paragraph texts, compressed with zstd in blocks (stor.aj).
 *
 * Texts are appended in paragraph order into blocks of about
 * AJ_STORE_BLOCK raw bytes (a paragraph never straddles two blocks; a
 * larger one gets a block of its own).  Each block is one zstd frame with
 * a content checksum, so reading a paragraph decompresses one block only.
 *
 * Sections: 1 = frames, 2 = block table of 16-byte entries
 * (u64 frame offset in the frames section, u32 frame length, u32 raw length).
 */
#ifndef AJ_STORE_H
#define AJ_STORE_H

#include <stdint.h>
#include <stddef.h>

#include "error.h"
#include "file.h"

#define AJ_STORE_BLOCK (32u * 1024)
#define AJ_STORE_LEVEL 9

typedef struct aj_store_writer aj_store_writer;

aj_err aj_store_writer_new(aj_ctx *c, aj_fwriter *w, aj_store_writer **out);
/* Appends a paragraph text; *block and *off say where it went. */
aj_err aj_store_add(aj_ctx *c, aj_store_writer *s, const char *text,
                    size_t len, uint32_t *block, uint32_t *off);
/* Flushes the last block and writes the block table; frees s. */
aj_err aj_store_finish(aj_ctx *c, aj_store_writer *s);
void aj_store_writer_free(aj_store_writer *s);

typedef struct aj_store {
    aj_mfile *f;
    uint64_t frames_off, frames_len;
    uint64_t table_off;
    uint32_t nblocks;
} aj_store;

aj_err aj_store_open(aj_ctx *c, aj_mfile *f, aj_store *s);
/* Decompresses block b into a malloc'ed buffer (*out, *len), which the
 * caller frees. */
aj_err aj_store_block(aj_ctx *c, const aj_store *s, uint32_t b, char **out,
                      size_t *len);

#endif
