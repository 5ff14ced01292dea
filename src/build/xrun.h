/*
 * xrun.h - running ajsearch-extract on one document's bytes.
 *
 * A PDF, HTML or DOCX document is read by the build like any other (its
 * bytes hashed and kept, docmap.c) and then handed to the extractor
 * program (src/extract/, docs/EXTRACT.md) on its standard input, as an
 * in-memory file: the text the index holds is the text of exactly the
 * bytes whose size and checksum it records, even if the file changes on
 * disk meanwhile.  The program runs under limits the caller chooses (its
 * address space and CPU time, set by the program itself from its options,
 * and a wall-clock deadline enforced here with SIGKILL) and whatever it
 * does, the build gets either the text or one line saying why not.
 */
#ifndef AJ_XRUN_H
#define AJ_XRUN_H

#include <stddef.h>
#include <stdint.h>

#include "extract/extract.h"

/* The defaults of aj_build_opts.extract_memory and .extract_seconds. */
#define AJ_XRUN_MEMORY (2ull << 30)
#define AJ_XRUN_SECONDS 60

typedef struct aj_xrun_opts {
    const char *program;     /* the extractor's path (aj_xrun_find), or
                                NULL when there is none: */
    const char *missing;     /* then why (aj_xrun_find's message) */
    uint64_t memory;         /* its address space, bytes; 0 = no limit */
    unsigned seconds;        /* its CPU time; the wall clock gets twice
                                that plus ten seconds */
} aj_xrun_opts;

/* What the extractor made of a document. */
typedef struct aj_xresult {
    char *text;              /* the body (malloc'd, NUL-terminated), or NULL */
    size_t len;
    aj_docfmt format;
    long pages;              /* PDF: its page count; -1 otherwise */
    char title[AJ_EXTRACT_MAX_TITLE + 1];  /* "" when it has none */
    char date[16];           /* YYYY[-MM[-DD]] or "" */
    char why[240];           /* on failure: the reason, one line */
} aj_xresult;

/* Finds the extractor: `given` when not NULL, else $AJSEARCH_EXTRACT,
 * else ajsearch-extract beside the running program (/proc/self/exe),
 * else the installed one (AJ_EXTRACT_PATH, set by the Makefile), else
 * the first on $PATH.  Writes its path into out and returns 0, or -1 with
 * the places looked in written into out instead. */
int aj_xrun_find(const char *given, char *out, size_t cap);

/* Extracts the text of the n bytes at data, of format fmt.  Returns 0 and
 * fills r (the caller frees r->text), or -1 with r->why set: the program
 * failed on the document (its own message), crashed, ran out of time,
 * broke the protocol, or could not be started. */
int aj_xrun(const aj_xrun_opts *o, const void *data, size_t n, aj_docfmt fmt,
            aj_xresult *r);
/* The same for a document in a regular file open as fd (read from its
 * start; the caller keeps fd). */
int aj_xrun_fd(const aj_xrun_opts *o, int fd, aj_docfmt fmt, aj_xresult *r);

void aj_xresult_free(aj_xresult *r);

#endif
