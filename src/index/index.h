/*
 * index.h - the open index (internal): the five mapped files of one
 * generation, and meta.aj's section ids and record sizes.
 *
 * meta.aj's sections, their records and fields: FORMAT.md "meta.aj".  The
 * AJ_SEC_* ids below are its section numbers and the *_BYTES its record
 * sizes (tests/cli/docs.py format checks that they agree).  A paragraph's
 * record does not name its document or where its text lies: they come
 * from DOCS' ranges and from stor.aj's block table and the lengths of the
 * texts before it in its block.
 */
#ifndef AJ_INDEX_H
#define AJ_INDEX_H

#include <pthread.h>

#include "ajsearch.h"
#include "format/dict.h"
#include "format/file.h"
#include "format/pairs.h"
#include "format/postings.h"
#include "index/source.h"
#include "format/store.h"

enum {
    AJ_SEC_SUPER = 1,
    AJ_SEC_DOCS = 2,
    AJ_SEC_PARAS = 3,
    AJ_SEC_LENS = 4,
    AJ_SEC_STRINGS = 5,
    AJ_SEC_ACRONYMS = 6,
    AJ_SEC_CHROME = 7,
    AJ_SEC_CHROMEDF = 8,
    AJ_SEC_COMMON = 9,
    AJ_SEC_PAGES = 10
};
#define AJ_SUPER_BYTES 80u
/* SUPER's flags (bytes 52..55): an unsharded index built with sharding
 * turned off (`--shard-size off`), which later builds keep. */
#define AJ_SUPER_SHARDING_OFF 1u
#define AJ_DOC_BYTES 44u
#define AJ_PARA_BYTES 32u
#define AJ_CITE_BYTES 12u     /* the outline part of a PARAS record */
#define AJ_NO_LABEL 0x3FFFFFFFu
#define AJ_ACRO_BYTES 16u
#define AJ_RUN_BYTES 8u       /* CHROME, CHROMEDF and PAGES records */

/* DOCS flags (FORMAT.md "meta.aj", DOCS): another document has the same
 * title and date, so citations name this one's path (CITE_PATH); the
 * format its text was read in (bits 1-2, aj_docfmt: text, PDF, HTML,
 * DOCX); its title and its date are the document's own, extracted, not
 * metadata.tsv's (OWN_TITLE, OWN_DATE); its text could not be extracted,
 * and it has no paragraph (FAILED). */
#define AJ_DOC_CITE_PATH 1u
#define AJ_DOC_FORMAT_SHIFT 1
#define AJ_DOC_FORMAT_MASK 6u
#define AJ_DOC_OWN_TITLE 8u
#define AJ_DOC_OWN_DATE 16u
#define AJ_DOC_FAILED 32u
#define AJ_DOC_FLAGS 63u

/* The cite info of a PARAS record (its bits: FORMAT.md "meta.aj", below
 * the table) from the chrome kind (AJ_CHROME_*), how the label is written
 * (AJ_MARK_*), how many enclosing headings the citation names (q) and
 * whether it is cited by its number in the document. */
static inline uint32_t aj_cite_info(unsigned chrome, unsigned mark, unsigned q,
                                    unsigned by_number) {
    return (chrome & 0xFu) | (mark & 0x7u) << 4 | (by_number & 1u) << 7 | (q & 0xFFu) << 8;
}
#define AJ_CI_CHROME(i) ((i) & 0xFu)
#define AJ_CI_MARK(i) (((i) >> 4) & 0x7u)
#define AJ_CI_BY_NUMBER(i) (((i) >> 7) & 1u)
#define AJ_CI_Q(i) (((i) >> 8) & 0xFFu)
#define AJ_CI_UNUSED 0xFFFF0000u

/* A sharded generation (FORMAT.md "Shards"): lex.aj, the index's own
 * tables, and a directory per shard named AJ_SHARD_PREFIX and the shard's
 * 16 hexadecimal digits, holding the five files of an index of its own.
 * lex.aj's sections besides its two dictionaries (ids 1 to 6, as in
 * dict.aj) and the size of a SHARDS record. */
#define AJ_LEX_FILE "lex.aj"
#define AJ_SHARD_PREFIX "s-"
enum {
    AJ_LEX_SUPER = 10,
    AJ_LEX_SHARDS = 11,
    AJ_LEX_CHROMEDF = 12,
    AJ_LEX_COMMON = 13,
    AJ_LEX_ACRONYMS = 14,
    AJ_LEX_STRINGS = 15,
    AJ_LEX_CITEPATH = 16
};
#define AJ_SHARD_REC_BYTES 16u

/* File names inside a generation directory, in a fixed order. */
enum { AJ_F_META, AJ_F_DICT, AJ_F_POST, AJ_F_POSN, AJ_F_STOR, AJ_NFILES };
extern const char *const aj_file_names[AJ_NFILES];
extern const uint32_t aj_file_kinds[AJ_NFILES];

#define AJ_CURRENT "CURRENT"
#define AJ_LOCK "LOCK"
#define AJ_GEN_PREFIX "gen-"
/* The generation name of an index whose files lie in the index directory
 * itself (what `ajsearch export` writes). */
#define AJ_FLAT_GEN "."

/* The live generation of the index directory dirfd (named dir in
 * messages): CURRENT is a regular file holding a generation's name and a
 * newline; a symbolic link naming it (what builds wrote before) is read
 * too, and so is a directory in its place (a copy that followed the link).
 * Without CURRENT, a directory holding meta.aj is a flat index, and gen is
 * AJ_FLAT_GEN.  gen gets the name (at most 63 bytes), "CURRENT" for a
 * followed copy.  AJ_ENOTFOUND when there is no index, AJ_ECORRUPT for a
 * CURRENT that names no generation, AJ_EIO. */
aj_err aj_index_current(aj_ctx *c, int dirfd, const char *dir, char gen[64]);

/* One part of a generation: the five files of an index over a run of
 * documents.  An unsharded generation is one part; a sharded one
 * (FORMAT.md "Shards") has a part per shard, each an index of its own
 * with ids counted from zero, which the index offsets by the part's first
 * document and paragraph. */
typedef struct aj_part {
    aj_mfile *files[AJ_NFILES];
    uint32_t doc0, para0;    /* the index's ids of its first document and paragraph */
    uint32_t ndocs, nparas;
    uint64_t ntokens, nterms, nwords, npostings, nword_postings, npairs, npair_postings;
    uint32_t nchrome;
    uint64_t chrome_tokens;
    uint32_t super_flags;    /* SUPER's flags (AJ_SUPER_SHARDING_OFF) */
    uint64_t chrome_off, chromedf_off;  /* first records (payload offsets) */
    uint32_t nchrome_runs, nchromedf;
    uint64_t pages_off;      /* PAGES records (payload offset) */
    uint32_t npages;
    uint64_t docs_off, paras_off, lens_off, strings_off, strings_len;
    uint64_t acro_off;       /* ACRONYMS records (payload offset) */
    uint32_t nacros;
    aj_dict terms, words;    /* its own dictionaries */
    aj_store store;
    char name[24];           /* a shard's directory, "" for an unsharded index */
} aj_part;

/* Paragraph ids are looked up in buckets of 2^AJ_PART_BUCKET_BITS. */
#define AJ_PART_BUCKET_BITS 12

struct aj_index {
    char gen[64];
    aj_part *parts;          /* nparts of them, in document order */
    uint32_t nparts;
    aj_part one;             /* the part of an unsharded index */
    uint32_t *bucket_part;   /* sharded: the part holding each bucket's
                                first paragraph (AJ_PART_BUCKET_BITS) */
    aj_mfile *lex;           /* lex.aj of a sharded index, else NULL */
    int borrowed;            /* its files are another index's (aj_index_part_view) */
    aj_mfile *files[AJ_NFILES]; /* an unsharded index's files (one.files) */
    uint32_t ndocs, nparas;
    uint64_t ntokens, nterms, nwords, npostings, nword_postings;
    double avgdl;            /* over every paragraph */
    uint32_t nchrome;        /* chrome paragraphs */
    uint64_t chrome_tokens;
    /* the runs of chrome paragraphs with the index's ids: CHROME's
     * records, or for a sharded index the parts' joined (chrome_own) */
    const uint8_t *chrome_runs;
    uint8_t *chrome_own;
    uint32_t nchrome_runs;
    aj_mfile *chromedf_file; /* CHROMEDF: meta.aj's, or lex.aj's */
    uint64_t chromedf_off;
    uint32_t nchromedf;
    aj_dict terms, words;    /* the index's dictionaries: the part's, or lex.aj's */
    aj_mfile *acro_file;     /* ACRONYMS and the strings they name */
    uint64_t acro_off, acro_strings_off, acro_strings_len;
    uint32_t nacros;
    uint64_t cite_off;       /* CITEPATH of a sharded index (payload offset) */
    uint32_t ncite;
    aj_pairs common;         /* the terms paired at build time (COMMON) */
    uint64_t npairs;         /* pair terms among nterms */
    uint64_t npair_postings; /* their postings, among npostings */
    /* aj_para_text's decompression context and cache of blocks, shared
     * under a lock (a searcher has its own: aj_search_para_text) */
    pthread_mutex_t cache_lock;
    aj_store_reader text;
    /* source files kept open for aj_source_ranges (source.h) */
    aj_source_files sources;
};

/* The part holding paragraph id (id < ix->nparas), and the one holding
 * document doc. */
static inline const aj_part *aj_index_para_part(const aj_index *ix, uint32_t id) {
    if (ix->nparts == 1) return ix->parts;
    /* the part holding the bucket's first id, then the few after it that
     * begin within the bucket (a scored posting asks this: no search) */
    uint32_t p = ix->bucket_part[id >> AJ_PART_BUCKET_BITS];
    while (p + 1 < ix->nparts && ix->parts[p + 1].para0 <= id) p++;
    return &ix->parts[p];
}
const aj_part *aj_index_doc_part(const aj_index *ix, uint32_t doc);

/* Part p of a sharded index as an index of its own, with its own ids (for
 * `ajsearch check`): it borrows the part's files, and must be closed
 * (aj_index_close) before ix is. */
aj_err aj_index_part_view(aj_ctx *c, const aj_index *ix, uint32_t p, aj_index **out);

/* Opens a cursor on the postings of term (which: AJ_DICT_TERMS or
 * AJ_DICT_WORDS), whose entry in the index's dictionary is info, with
 * positions when asked (TERMS only): over the index's one part, or
 * chained over the parts that hold it. */
aj_err aj_index_cursor(aj_ctx *c, const aj_index *ix, int which, const char *term,
                       size_t len, const aj_term_info *info, int positions,
                       aj_pcursor *pc);

/* Verifies stor.aj whole (ajsearch check): the block table's entries in
 * order, frames back to back filling FRAMES, first paragraphs strictly
 * increasing from 0, each block's raw length the sum of its paragraphs'
 * text lengths, the dictionary loading, and every frame decompressing to
 * its length.  AJ_ECORRUPT naming the first block that fails. */
aj_err aj_index_check_text(aj_ctx *c, aj_index *ix);

/* The page paragraph id begins on (PDF documents), else 0: PAGES. */
aj_err aj_index_para_page(aj_ctx *c, const aj_index *ix, uint32_t id, uint32_t *page);

/* Paragraph id's text through reader r (one thread's; the index's own,
 * ix->text, only under ix->cache_lock): *text points into the reader's
 * cache, len bytes (not NUL-terminated: the next text follows), valid
 * until the reader's next AJ_STORE_CACHE look-ups of other blocks. */
aj_err aj_index_text(aj_ctx *c, aj_index *ix, aj_store_reader *r, uint32_t id,
                     const char **text, size_t *len);

/* Paragraph length (dl) of id, bounds- and checksum-checked. */
aj_err aj_index_len(aj_ctx *c, aj_index *ix, uint32_t id, uint32_t *len);

/* The raw PARAS record of paragraph id (its section field counts in its
 * part's ids: aj_para_get gives the index's). */
aj_err aj_index_para_record(aj_ctx *c, const aj_index *ix, uint32_t id,
                            const uint8_t **p);

/* The last heading paragraph among [lo, id), or *h = UINT32_MAX: one
 * mapped range for all the records, so a scan of 64 costs about as much
 * as reading one. */
aj_err aj_index_prev_heading(aj_ctx *c, const aj_index *ix, uint32_t id, uint32_t lo,
                             uint32_t *h);

/* The kind of paragraph id (AJ_PARA_BODY, _HEADING, _ITEM, ...): one
 * record read, for the ranking, which needs no more of it. */
aj_err aj_index_para_kind(aj_ctx *c, const aj_index *ix, uint32_t id, int *kind);

/* aj_index_prev_heading and aj_index_para_kind of id at once (one mapped
 * range for the records of [lo, id]). */
aj_err aj_index_heading_kind(aj_ctx *c, const aj_index *ix, uint32_t id, uint32_t lo,
                             uint32_t *h, int *kind);

/* The document holding paragraph id (binary search over DOCS). */
aj_err aj_index_para_doc(aj_ctx *c, const aj_index *ix, uint32_t id,
                         uint32_t *doc, uint32_t *first);

/* The runs of chrome paragraphs: *runs points at the n records of CHROME
 * (FORMAT.md "meta.aj", section 7; n may be 0, *runs then NULL).  The
 * pointer is valid while the index is open. */
aj_err aj_index_chrome_runs(aj_ctx *c, const aj_index *ix, const uint8_t **runs,
                            uint32_t *n);

/* Chrome paragraphs that hold term `term` (its id in TERMS), 0 for most. */
aj_err aj_index_chrome_df(aj_ctx *c, const aj_index *ix, uint64_t term, uint32_t *df);

/* Turns off lazy page verification (used by fuzzers and tests to reach the
 * decoders behind the checksums; structural checks stay on).  Internal:
 * the shared object does not export it; static linking reaches it. */
void aj_index_set_verify(aj_index *ix, int on);

#endif
