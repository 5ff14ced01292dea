/*
 * extract.h - text out of PDF, HTML and DOCX documents, for the indexer.
 *
 * The layer has two parts that link differently:
 *
 *   sniff.c    which format a file is, told from its bytes alone (never
 *              from its name).  Plain C and libc: it is part of the
 *              library, so the statically linked indexer can decide which
 *              documents to hand to the extractor.
 *   the rest   the program ajsearch-extract (main.c), linked dynamically
 *              against poppler-glib (pdf.c), libxml2 (html.c, docx.c) and
 *              libzip (docx.c), with the text sink they share (text.c).
 *              Debian ships no static poppler or libzip, and a separate
 *              process is also the isolation a hostile file needs: a crash
 *              or a runaway allocation takes down the extractor, not the
 *              indexer, and the indexer bounds its memory and time.
 *
 * The program's protocol (docs/EXTRACT.md says the same for a reader):
 *
 *   ajsearch-extract [--cpu SECONDS] [--memory BYTES] FILE
 *
 * Success: exit status 0 and, on standard output, a header and a body:
 *
 *   ajsearch-extract<TAB>1<LF>           magic and protocol version
 *   format<TAB>pdf|html|docx<LF>
 *   title<TAB>TEXT<LF>                   only when the document has one
 *   date<TAB>YYYY[-MM[-DD]]<LF>          only when it has a valid one
 *   pages<TAB>N<LF>                      PDF only: its page count
 *   length<TAB>N<LF>                     the body's size in bytes
 *   <LF>                                 an empty line ends the header
 *   BODY                                 exactly `length` bytes, then EOF
 *
 * Header lines are NAME<TAB>VALUE<LF>, NAME lower-case ASCII; the magic
 * line comes first, `length` last; the others may come in any order, and
 * a reader ignores names it does not know (a later version may add some).
 * A VALUE is UTF-8 with no control character (tabs, line breaks and other
 * whitespace inside a title become single spaces; ill-formed bytes
 * U+FFFD) and at most AJ_EXTRACT_MAX_TITLE bytes, cut at a character
 * boundary.  The header is never longer than AJ_EXTRACT_MAX_HEADER bytes.
 * The date is a day of the calendar (or a year, or a year and a month).
 *
 * The body is UTF-8 in the segmenter's input language (src/analysis/
 * segment.h), so that the build can segment it as it segments a .txt file:
 *
 *   - a paragraph is one line, paragraphs are separated by an empty line;
 *     a line break inside a paragraph (<br>, w:br) is a line feed;
 *   - a heading is a line "# TEXT" to "###### TEXT" (HTML h1-h6, DOCX
 *     Title and Heading1-9, the last three written as level 6);
 *   - a list item is a line "N. TEXT" (ordered), "ii. TEXT" (roman),
 *     "(a) TEXT" (letters) or "- TEXT" (bullets), forms the segmenter
 *     labels (src/analysis/lineclass.c);
 *   - PDF text keeps poppler's lines, which the segmenter joins as it
 *     joins any hard-wrapped text; pages are separated by a line holding
 *     one form feed ("\f\n"), which the segmenter reads as a blank line.
 *     A body has exactly pages - 1 form feeds, none of them in the text
 *     (a form feed in a document becomes a space), so the page of body
 *     byte o is 1 + the number of form feeds in body[0, o);
 *   - the only control bytes are LF and those form feeds; there is no NUL;
 *     a body that is not empty ends with a line feed;
 *   - a character the segmenter would read as markup is written as a
 *     character reference it decodes back: '<' before a letter, '/', '!'
 *     or '?' as "&lt;", '&' before a letter or '#' as "&amp;", '`' as
 *     "&#96;", a run of two or more '*' or '_' as "&#42;" or "&#95;" each,
 *     '(' right after ']' as "&#40;", and '#' or '>' at the start of a
 *     line of text as "&#35;" or "&gt;".  So the segmented paragraphs hold
 *     the document's characters exactly.
 *
 * Failure: exit status 2, nothing a reader may use on standard output, and
 * one line on standard error: "ajsearch-extract: FILE: WHY" (for example
 * "encrypted PDF", "zip: word/document.xml is too large when uncompressed
 * (300 MiB, the limit is 256 MiB)").  A usage error also exits 2.  Any
 * other way of ending (a signal, another status) is a crash: the caller
 * treats it as a failure of that document.
 */
#ifndef AJ_EXTRACT_H
#define AJ_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

#define AJ_EXTRACT_PROTOCOL 1

/* ---- limits (enforced by the program itself, whatever its rlimits) ---- */

#define AJ_EXTRACT_MAX_TEXT (64u << 20)    /* body bytes; more is an error */
#define AJ_EXTRACT_MAX_ENTRY (256u << 20)  /* a DOCX part, uncompressed */
#define AJ_EXTRACT_MAX_RATIO 100           /* uncompressed / compressed */
/* Parts smaller than this are never refused for their ratio: they cannot
 * be bombs, and a small XML part of repeated markup compresses well. */
#define AJ_EXTRACT_RATIO_FLOOR (1u << 20)
#define AJ_EXTRACT_MAX_XML_DEPTH 256       /* DOCX parts (libxml2's own) */
#define AJ_EXTRACT_MAX_HTML_DEPTH 512      /* open HTML elements */
#define AJ_EXTRACT_MAX_PAGES 100000        /* PDF pages */
#define AJ_EXTRACT_CPU_SECONDS 60          /* RLIMIT_CPU, the default */
#define AJ_EXTRACT_MAX_TITLE 1024          /* a header value, in bytes */
#define AJ_EXTRACT_MAX_HEADER 4096

/* ---- sniffing (sniff.c, in the library) -------------------------------- */

typedef enum aj_docfmt {
    AJ_DOCFMT_TEXT = 0, /* anything else: the indexer reads it as text */
    AJ_DOCFMT_PDF,
    AJ_DOCFMT_HTML,
    AJ_DOCFMT_DOCX
} aj_docfmt;

/* How many bytes of each end of a file the sniffer wants: the head for the
 * PDF and HTML signatures and a ZIP's local headers, the tail for a ZIP's
 * central directory (its end record is within the last 65,557 bytes). */
#define AJ_SNIFF_HEAD (64u << 10)
#define AJ_SNIFF_TAIL (256u << 10)

/* The format of a file from its bytes:
 *   PDF   "%PDF-" and a digit within the first 1 KiB (anywhere but at 0
 *         only if "%%EOF" is in the last 1 KiB too, so that a text file
 *         that mentions "%PDF-1.7" stays text);
 *   DOCX  a ZIP archive (starting "PK\3\4") with an entry named
 *         "word/document.xml", found in its central directory, or, when
 *         that cannot be read from the bytes given, in a local file
 *         header within the head;
 *   HTML  after an optional UTF-8 byte order mark and any whitespace,
 *         comments, "<?...?>" declarations, within the first 16 KiB: a
 *         doctype "<!DOCTYPE html" or a tag "<html", "<head" or "<body"
 *         (any case, followed by whitespace, '>' or '/');
 *   TEXT  everything else, binary files included.
 * aj_extract_sniff takes the whole file; aj_extract_sniff_ends its first
 * head_len and last tail_len bytes (they may overlap, or be the same
 * bytes) and its size.  Never fails and reads nothing outside the bytes
 * given: at most the first 64 KiB, the last 64 KiB and a central
 * directory of at most 65,535 entries. */
aj_docfmt aj_extract_sniff(const void *data, size_t len);
aj_docfmt aj_extract_sniff_ends(const void *head, size_t head_len,
                                const void *tail, size_t tail_len,
                                uint64_t size);

/* "text", "pdf", "html" or "docx". */
const char *aj_docfmt_name(aj_docfmt f);

/* ---- the program's parts (not in the library) ------------------------- */

/* The body being written (text.c).  Text goes in through aj_xt_text,
 * structure through the break, prefix and page calls; the sink collapses
 * whitespace, repairs UTF-8, escapes what the segmenter would take for
 * markup, and puts exactly one line feed or one empty line between lines
 * and paragraphs.  The first failure (AJ_ELIMIT past AJ_EXTRACT_MAX_TEXT,
 * AJ_ENOMEM) sticks in err, and later calls do nothing. */
typedef struct aj_xtext {
    char *buf;
    size_t len, cap;
    aj_err err;
    int brk;          /* wanted before the next text: 0, 1 line, 2 paragraph */
    int space;        /* a space is wanted before the next text */
    int nl;           /* line feeds that end buf (an FF line counts as 2) */
    int lines;        /* a line feed in text is a line break (PDF, <pre>) */
    int heading;      /* the current line is a heading: breaks are spaces */
    char prefix[24];  /* written before the next text: "## ", "3. ", "- " */
    size_t mark;      /* where the last byte that may need escaping is */
    size_t num_at;    /* 1 + where a line of HTML or DOCX text began with
                         a digit ("1 Title"?), or 0 */
    char last;        /* that byte ('&', '<', '*', '_', ']'), or 0 */
} aj_xtext;

void aj_xt_init(aj_xtext *t);
void aj_xt_free(aj_xtext *t);
void aj_xt_text(aj_xtext *t, const char *s, size_t n);
/* A line break (1) or a paragraph break (2) before the next text; none
 * is written at the start of the body, and none twice. */
void aj_xt_break(aj_xtext *t, int kind);
/* Starts a paragraph whose first line begins with prefix ("# " for a
 * heading, "3. " for an item); written only if text follows. */
void aj_xt_prefix(aj_xtext *t, const char *prefix, int heading);
/* Ends the paragraph that a prefix started: a prefix not yet written is
 * dropped (its element was empty), and a paragraph break is wanted. */
void aj_xt_end(aj_xtext *t);
/* Ends a PDF page: its last line, then the "\f\n" line. */
void aj_xt_page(aj_xtext *t);
/* Ends the body: its last line gets its line feed. */
void aj_xt_finish(aj_xtext *t);
/* An item's label in the form the segmenter reads: "3. " (decimal),
 * "iii. " (roman, 1-39), "(c) " (letters, 1-26), else decimal. */
enum { AJ_XT_DECIMAL, AJ_XT_ROMAN, AJ_XT_LETTER };
void aj_xt_item_prefix(aj_xtext *t, long n, int style);

/* Metadata: the date YYYY[-MM[-DD]] at the start of s (ISO 8601, W3CDTF,
 * "D:YYYYMMDD" of PDF), checked against the calendar, into out; returns
 * its length (4, 7 or 10) or 0 when s starts with no valid date. */
size_t aj_xt_date(const char *s, size_t n, char out[11]);
/* A header value: s cleaned (UTF-8 repaired, whitespace and controls
 * collapsed to single spaces, trimmed) and cut at a character boundary
 * to fit out[cap].  Returns the length. */
size_t aj_xt_meta(const char *s, size_t n, char *out, size_t cap);

/* A document as extracted: the body and the header's values. */
typedef struct aj_xdoc {
    aj_docfmt format;
    aj_xtext body;
    char title[AJ_EXTRACT_MAX_TITLE + 1];  /* "" when none */
    char date[11];                         /* "" when none */
    long pages;                            /* PDF; -1 for other formats */
} aj_xdoc;

/* Each reads the open regular file fd (from any position; it is not
 * closed) into d.  Errors: AJ_ECORRUPT (damaged, encrypted, not the
 * format), AJ_ELIMIT (a limit above), AJ_EIO, AJ_ENOMEM, with the reason
 * in c->msg.  The tail is the file's last bytes (PDF: its end marker). */
aj_err aj_extract_pdf(aj_ctx *c, int fd, const unsigned char *tail,
                      size_t tail_len, aj_xdoc *d);
aj_err aj_extract_html(aj_ctx *c, int fd, aj_xdoc *d);
aj_err aj_extract_docx(aj_ctx *c, int fd, aj_xdoc *d);

/* Writes the header and the body (the protocol above) to fd.  AJ_EIO. */
aj_err aj_extract_write(aj_ctx *c, const aj_xdoc *d, int fd);

#endif
