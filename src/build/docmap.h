/*
 * docmap.h - reading one document of the corpus, the one way a build
 * reads them: its bytes read whole into memory, its format told from them
 * (extract/sniff.c), the text of a PDF, HTML or DOCX document extracted
 * (xrun.h), or the reason it is skipped.
 *
 * The bytes are read with read(2), never mapped from the document's own
 * file: a file truncated while a build reads a mapping of it would kill
 * the build with SIGBUS.  A document of at most AJ_READ_WHOLE bytes is
 * read into memory; a larger one is copied into an unnamed file of the
 * build's directory (aj_docmap_opts.spill_dirfd), which nothing else can
 * change, and mapped from there, so that the pages the segmenter has left
 * behind can leave memory and a huge file is never resident whole.  What
 * is read is what is indexed, hashed and recorded; when the file's size or
 * modification time changes during the read, the document is indexed as
 * read and `changed` says so (the build warns, and `ajsearch status` then
 * sees a changed file).
 */
#ifndef AJ_DOCMAP_H
#define AJ_DOCMAP_H

#include <stddef.h>
#include <stdint.h>

#include "build/corpus.h"
#include "build/xrun.h"
#include "extract/extract.h"

/* A text document is binary, and skipped, when its first AJ_SNIFF_BYTES
 * hold a NUL; without a title in metadata.tsv it gets one of at most
 * AJ_TITLE_BYTES found in its first AJ_TITLE_SCAN bytes (aj_docmap). */
#define AJ_SNIFF_BYTES 65536
#define AJ_TITLE_BYTES 256
#define AJ_TITLE_SCAN (1u << 20)
#define AJ_READ_WHOLE (64u << 20)

/* How a build reads documents: xrun extracts the text of PDF, HTML and
 * DOCX; documents over AJ_READ_WHOLE bytes are copied into an unnamed file
 * in directory spill_dirfd. */
typedef struct aj_docmap_opts {
    const aj_xrun_opts *xrun;
    int spill_dirfd;
} aj_docmap_opts;

typedef struct aj_docmap {
    const char *src;         /* the text to segment ("" when empty) */
    size_t len;
    uint64_t size, xxh3;     /* of the file's bytes as read */
    aj_docfmt format;
    uint32_t pages;          /* PDF: its page count; 0 otherwise */
    uint64_t *feeds;         /* PDF: offsets in src of its form feeds, which
                                separate pages (pages - 1 of them) */
    char title[AJ_EXTRACT_MAX_TITLE + 1];  /* the document's own (extracted) */
    char date[16];
    int skipped;
    int skip_kind;           /* AJ_WARN_* when skipped */
    char why[320];
    int changed;             /* read while it changed: indexed as read */
    char changed_why[160];
    void *buf;               /* the bytes read (anonymous mapping), or NULL */
    size_t buf_len;
    void *map;               /* or the mapping of their copy (spill), */
    size_t map_len;
    int spill_fd;            /* ... that copy, or -1 */
    char *text;              /* extracted text, or NULL */
} aj_docmap;

/* Reads document d under root.  With o NULL the bytes are only hashed
 * (status.c, which needs no text: src then holds at most the first
 * AJ_TITLE_SCAN bytes, size and xxh3 are the whole file's); otherwise a
 * PDF, HTML or DOCX document is extracted with o->xrun, and a failure of
 * that makes it skipped with kind AJ_WARN_EXTRACT.  A text document with
 * a NUL in its first AJ_SNIFF_BYTES is skipped as binary either way. */
void aj_docmap_open(const char *root, const aj_corpus_doc *d,
                    const aj_docmap_opts *o, aj_docmap *m);
void aj_docmap_close(aj_docmap *m);
/* d's title: metadata.tsv's, else the document's own (extracted), else,
 * for text, one found in the first AJ_TITLE_SCAN bytes of its text.
 * Allocated; NULL when out of memory. */
char *aj_docmap_title(const aj_corpus_doc *d, const aj_docmap *m);
/* The title that goes into the corpus fingerprint (fingerprint.h):
 * metadata.tsv's, else for text the one found in its first lines, else
 * "" (an extracted document's own title follows from its bytes).
 * Allocated; NULL when out of memory. */
char *aj_docmap_fp_title(const aj_corpus_doc *d, const aj_docmap *m);
/* The page (1-based) of text offset off of a PDF; 0 for other formats. */
uint32_t aj_docmap_page(const aj_docmap *m, uint64_t off);

/* For tests: fn is called before each read(2) of a document, with its
 * path and the bytes read from it so far, and may change the file (truncate
 * it, append to it) as another process could at that moment.  Process-wide;
 * NULL removes it. */
typedef void (*aj_docmap_read_hook)(void *arg, const char *path, uint64_t done);
void aj_docmap_set_read_hook(aj_docmap_read_hook fn, void *arg);

#endif
