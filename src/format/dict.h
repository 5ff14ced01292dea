/*
 * dict.h - sorted term dictionaries read straight from the mapped file.
 *
 * An index has two dictionaries in dict.aj: TERMS (stemmed forms, with
 * positions) and WORDS (folded surface forms for prefix queries).  Term ids
 * are ranks in byte order, so a prefix is a contiguous id range.  Strings
 * are front-coded in blocks of AJ_DICT_BLOCK, each term followed by its
 * info (df, bounds, and offsets as differences from the previous term's);
 * a fixed-width block index allows binary search without loading anything.
 * The bytes: FORMAT.md "dict.aj".
 */
#ifndef AJ_DICT_H
#define AJ_DICT_H

#include <stdint.h>
#include <stdio.h>

#include "analysis/analyzer.h"
#include "common/error.h"
#include "format/file.h"

#define AJ_DICT_BLOCK 16u

enum { AJ_DICT_TERMS = 0, AJ_DICT_WORDS = 1 };

/* The first of dictionary `which`'s three section ids in dict.aj (COUNT;
 * INDEX and BLOCKS follow): FORMAT.md "dict.aj". */
#define AJ_SEC_DICT_BASE(which) (1u + 3u * (uint32_t)(which))

typedef struct aj_term_info {
    uint64_t post_off;   /* payload offset of the postings in post.aj */
    uint64_t pos_off;    /* payload offset of the positions in posn.aj */
    uint32_t df;         /* paragraphs containing the term */
    uint32_t max_tf;     /* largest tf over all its postings */
    uint32_t min_len;    /* shortest paragraph containing it */
} aj_term_info;

typedef struct aj_dict {
    aj_mfile *f;
    int which;
    uint64_t nterms;
    uint64_t index_off;
    uint64_t nblocks;
    uint64_t str_off, str_len;
} aj_dict;

/* ---- writing ---- */

/* Writes dictionary `which` from terms sorted in strictly increasing byte
 * order (terms[i], lens[i], each at most AJ_MAX_WORD bytes) and their info
 * records. */
aj_err aj_dict_write(aj_ctx *c, aj_fwriter *w, int which, uint64_t n,
                     const char *const *terms, const uint8_t *lens,
                     const aj_term_info *infos);

/* The same, a term at a time, so that a build never holds its whole
 * vocabulary: the blocks go to the file as they fill; the block index (20
 * bytes per 16 terms), which follows them, goes to `spill` (a temporary
 * file the caller made, empty, and closes; NULL keeps it in memory) and is
 * copied after the blocks by aj_dict_writer_end (spill_name, its path, is
 * for messages; the writer does not own either).  Nothing else may be
 * written to w in between. */
typedef struct aj_dict_writer {
    aj_fwriter *w;
    int which;
    uint64_t n;              /* terms so far */
    uint64_t blk_off;
    FILE *spill;
    const char *spill_name;  /* its path, for messages */
    uint8_t *index;          /* when not spilled */
    size_t nindex, capindex;
    char prev[256];
    uint32_t prevlen;
    aj_term_info prev_info;
} aj_dict_writer;

aj_err aj_dict_writer_begin(aj_ctx *c, aj_dict_writer *d, aj_fwriter *w, int which,
                            FILE *spill, const char *spill_name);
/* Adds the next term (strictly greater in byte order than the last; at
 * most AJ_MAX_WORD bytes). */
aj_err aj_dict_writer_add(aj_ctx *c, aj_dict_writer *d, const char *term, uint32_t len,
                          const aj_term_info *info);
/* Writes the index and the count; frees what the writer holds. */
aj_err aj_dict_writer_end(aj_ctx *c, aj_dict_writer *d);
/* Frees what the writer holds after a failure (no-op after end). */
void aj_dict_writer_free(aj_dict_writer *d);

/* ---- reading ---- */

aj_err aj_dict_open(aj_ctx *c, aj_mfile *f, int which, aj_dict *d);

/* Finds term (exact); *id = its id, or -1 when absent; *info (may be
 * NULL) gets its info when found. */
aj_err aj_dict_find(aj_ctx *c, const aj_dict *d, const char *term,
                    size_t len, int64_t *id, aj_term_info *info);

/* *id = the first term id whose string is >= key (nterms if none). */
aj_err aj_dict_lower_bound(aj_ctx *c, const aj_dict *d, const char *key,
                           size_t len, uint64_t *id);

aj_err aj_dict_info(aj_ctx *c, const aj_dict *d, uint64_t id,
                    aj_term_info *out);

/* Sequential access to term strings from any id. */
typedef struct aj_dict_iter {
    const aj_dict *d;
    uint64_t id;             /* id of the term in buf (valid if id < nterms) */
    char buf[AJ_MAX_WORD + 1];
    uint32_t len;
    aj_term_info info;       /* of the term in buf */
    const uint8_t *p, *end;  /* rest of the current block */
} aj_dict_iter;

/* Positions it at term id (decoding from its block start). */
aj_err aj_dict_iter_seek(aj_ctx *c, const aj_dict *d, uint64_t id,
                         aj_dict_iter *it);
/* Moves to the next id; it->id == nterms at the end. */
aj_err aj_dict_iter_next(aj_ctx *c, aj_dict_iter *it);

#endif
