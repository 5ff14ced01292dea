/*
 * store.h - paragraph texts, compressed with zstd in small blocks that
 * share a dictionary (stor.aj).
 *
 * Texts are appended in paragraph order into blocks of about
 * AJ_STORE_BLOCK raw bytes (a paragraph never straddles two blocks; a
 * larger one gets a block of its own).  Each block is one zstd frame with
 * its content size (no content checksum: the file's page checksums cover
 * the bytes), so reading a paragraph decompresses one small block.  Small
 * blocks compress poorly on their own; a dictionary trained at build time
 * from samples of the corpus's paragraphs (aj_store_train) gives each
 * frame the common words and phrases, and is stored once in the file.
 *
 * Building happens in three steps so that indexing threads can compress
 * in parallel: the coordinator trains the dictionary before the workers
 * start (from samples that depend only on the corpus, so the bytes are the
 * same for any thread count); a packer (one per worker segment) cuts a run
 * of paragraphs into frames with it; the writer appends frames in
 * paragraph order.
 *
 * stor.aj's sections, the block table's entries and the frames:
 * FORMAT.md "stor.aj".
 */
#ifndef AJ_STORE_H
#define AJ_STORE_H

#include <pthread.h>
#include <stdint.h>
#include <stddef.h>

#include "common/error.h"
#include "format/file.h"

/* Block size, chosen by measurement on KJV (README "Index"): with the
 * dictionary, 3 KiB blocks take 36% of the text (32 KiB blocks without one
 * took 34%, 2 KiB 37%, 4 KiB 35%), and one decompresses in about 5 us on
 * this machine kind, where a 32 KiB block took tens. */
#define AJ_STORE_BLOCK (3u * 1024)
#define AJ_STORE_LEVEL 3
/* The dictionary's size at most, and the sample bytes it is trained on
 * (about 16 times its size: more costs training time, serially, before the
 * workers start, for little gain). */
#define AJ_STORE_DICT (64u * 1024)
#define AJ_STORE_SAMPLE (1u << 20)
/* Room after a reader's copy of the dictionary: blocks up to this size
 * (all but those of a single long paragraph) are decompressed there
 * (store.c, load_block). */
#define AJ_STORE_ROOM (4u * AJ_STORE_BLOCK)
/* Decompressed blocks a reader keeps. */
#define AJ_STORE_CACHE 8

/* ---- the dictionary (build side) ---- */

typedef struct aj_store_dict {
    uint8_t *bytes;          /* the dictionary, or NULL */
    size_t len;
    void *cdict;             /* ZSTD_CDict digested from it, or NULL;
                                read-only, shared by every packer */
} aj_store_dict;

/* Trains a dictionary from n samples (sizes[i] bytes each, back to back
 * in samples).  Training is single-threaded with fixed parameters, so the
 * same samples in the same order give the same bytes.  Too few samples to
 * learn from give an empty dictionary (d->len 0), not an error.
 * Errors: AJ_ENOMEM.  Free with aj_store_dict_free. */
aj_err aj_store_train(aj_ctx *c, const char *samples, const size_t *sizes,
                      size_t n, aj_store_dict *d);
void aj_store_dict_free(aj_store_dict *d);

/* ---- packing texts into frames (per thread) ---- */

typedef struct aj_store_frame {
    uint64_t off;            /* in the packer's frame bytes */
    uint32_t zlen, raw;
    uint32_t first;          /* its first text, counted from the packer's first */
} aj_store_frame;

typedef struct aj_store_packer {
    void *cctx;              /* ZSTD_CCtx */
    char *raw;               /* the block being filled */
    size_t nraw, capraw;
    uint8_t *bytes;          /* finished frames, back to back */
    size_t nbytes, capbytes;
    aj_store_frame *frames;
    size_t nframes, capframes;
    uint32_t ntexts;         /* texts packed */
    uint32_t block_first;    /* first text of the block being filled */
} aj_store_packer;

/* d may be NULL or empty: frames are then compressed without a
 * dictionary.  d must outlive the packer. */
aj_err aj_store_packer_init(aj_ctx *c, aj_store_packer *p, const aj_store_dict *d);
void aj_store_packer_free(aj_store_packer *p);
/* Adds a paragraph text; *block (index among this packer's frames) and
 * *off say where it will be. */
aj_err aj_store_pack(aj_ctx *c, aj_store_packer *p, const char *text,
                     size_t len, uint32_t *block, uint32_t *off);
/* Compresses the block being filled, if any. */
aj_err aj_store_pack_flush(aj_ctx *c, aj_store_packer *p);

/* ---- writing stor.aj ---- */

typedef struct aj_store_writer aj_store_writer;

/* Writes the dictionary section (d may be NULL: empty) first. */
aj_err aj_store_writer_new(aj_ctx *c, aj_fwriter *w, const aj_store_dict *d,
                           aj_store_writer **out);
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
    uint64_t dict_off, dict_len;
    uint32_t nblocks;
} aj_store;

/* The size of a block table entry (FORMAT.md "stor.aj", section 2). */
#define AJ_STORE_ENTRY 20u
/* A block's raw length at most (a paragraph is at most AJ_MAX_PARA_BYTES,
 * ajsearch.h): a larger length in the table is damage. */
#define AJ_STORE_MAX_RAW (16u << 20)

/* Block b's table entry: its frame's offset in FRAMES and length, its
 * raw length and first paragraph (unchecked: aj_index_check_text). */
aj_err aj_store_entry(aj_ctx *c, const aj_store *s, uint32_t b, uint64_t *off,
                      uint32_t *zlen, uint32_t *raw, uint32_t *first);

/* The block holding paragraph id and that block's first paragraph. */
aj_err aj_store_find(aj_ctx *c, const aj_store *s, uint32_t id, uint32_t *block,
                     uint32_t *first);

/* Locates the sections and checks the dictionary's header. */
aj_err aj_store_open(aj_ctx *c, aj_mfile *f, aj_store *s);

/* A reader decompresses blocks for one thread: its zstd context, the
 * dictionaries of the last AJ_STORE_DICTS stores it read (a sharded index
 * has one per shard) digested once, and the last AJ_STORE_CACHE blocks, in
 * buffers that are reused, so that a warm reader allocates nothing per
 * text. */
#define AJ_STORE_DICTS 4
typedef struct aj_store_slot {
    const aj_store *s;       /* the store of the block held */
    uint32_t block;          /* UINT32_MAX: empty */
    uint64_t used;           /* when last used (reader's clock) */
    char *buf;
    size_t len, cap;
} aj_store_slot;

typedef struct aj_store_dslot {
    const aj_store *s;       /* NULL: empty */
    void *ddict;             /* ZSTD_DDict over area; NULL without a dictionary */
    char *area;              /* the dictionary, then room for one block
                                decompressed right after it (store.c,
                                load_block); NULL without a dictionary */
    size_t area_dict;        /* the dictionary's bytes at its start */
    uint64_t used;
} aj_store_dslot;

typedef struct aj_store_reader {
    void *dctx;              /* ZSTD_DCtx, made on first use */
    const aj_store *bound;   /* the store whose dictionary dctx refers to */
    aj_store_dslot dict[AJ_STORE_DICTS];
    uint64_t clock;
    aj_store_slot slot[AJ_STORE_CACHE];
} aj_store_reader;

void aj_store_reader_init(aj_store_reader *r);
void aj_store_reader_free(aj_store_reader *r);

/* Block b, decompressed: *out points into the reader (len bytes, then a
 * NUL), valid until the reader's next AJ_STORE_CACHE calls or its free.
 * Errors: AJ_ECORRUPT for a frame that is out of bounds or does not
 * decompress to its recorded length, AJ_ENOMEM. */
aj_err aj_store_block(aj_ctx *c, const aj_store *s, aj_store_reader *r, uint32_t b,
                      const char **out, size_t *len);

#endif
