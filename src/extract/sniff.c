/*
 * sniff.c - a file's format from its bytes (extract.h).
 *
 * Only libc: the statically linked indexer uses this to decide which
 * documents go to ajsearch-extract.  Every read is bounded by the bytes
 * the caller gives, which may be a prefix and a suffix of a large file;
 * nothing here trusts a length or an offset it reads.
 *
 * The ZIP layout (APPNOTE.TXT, section 4.3), little-endian throughout:
 *
 *   local file header  "PK\3\4", version, flags, method, time, date,
 *                      crc32, sizes (compressed, uncompressed), name
 *                      length (offset 26), extra length (28), name (30)
 *   ...file data, optional data descriptor...
 *   central directory  per entry "PK\1\2" ... name length (offset 28),
 *                      extra length (30), comment length (32), name (46)
 *   end record         "PK\5\6" ... entries (offset 10), directory size
 *                      (12), directory offset (16), comment length (20)
 *
 * The end record is found by searching back from the end of the file for
 * its signature (it is followed only by a comment of at most 65,535
 * bytes); the directory it points to is read if it lies within the bytes
 * given.  When it does not (a prefix only, a huge directory, ZIP64, a
 * truncated file), the head is searched for local headers instead: every
 * "PK\3\4" is looked at, whatever the sizes before it say, since an entry
 * written with a data descriptor has no sizes in its local header.
 */
#include "extract/extract.h"

#include <string.h>

#define PDF_WINDOW 1024       /* "%PDF-" within the first KiB */
#define EOF_WINDOW 1024       /* "%%EOF" within the last KiB */
#define HTML_WINDOW (16u << 10)
#define ZIP_EOCD_BYTES 22
#define ZIP_CDH_BYTES 46
#define ZIP_LFH_BYTES 30

static const char DOCX_MAIN[] = "word/document.xml";
#define DOCX_MAIN_LEN (sizeof DOCX_MAIN - 1)

static unsigned get16(const unsigned char *p) {
    return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static uint32_t get32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

/* The first occurrence of needle in s[0..n), or NULL. */
static const unsigned char *find(const unsigned char *s, size_t n,
                                 const char *needle, size_t k) {
    if (k == 0 || n < k) return NULL;
    return memmem(s, n, needle, k);
}

/* ---- PDF -------------------------------------------------------------- */

static int is_pdf(const unsigned char *head, size_t hn,
                  const unsigned char *tail, size_t tn) {
    size_t w = hn < PDF_WINDOW ? hn : PDF_WINDOW;
    const unsigned char *p = head, *end = head + w;
    while ((p = find(p, (size_t)(end - p), "%PDF-", 5)) != NULL) {
        if (p + 5 < end && p[5] >= '0' && p[5] <= '9') break;
        p++;
    }
    if (!p) return 0;
    if (p == head) return 1;
    /* Junk before the signature is allowed (readers accept it), but then
     * the file must also end like a PDF. */
    size_t e = tn < EOF_WINDOW ? tn : EOF_WINDOW;
    return tail && find(tail + tn - e, e, "%%EOF", 5) != NULL;
}

/* ---- ZIP and DOCX ----------------------------------------------------- */

/* Looks for DOCX_MAIN in the central directory whose end record is in
 * the tail.  Returns 1 found, 0 not there, -1 cannot tell from these
 * bytes.  tail covers file bytes [size - tn, size); head [0, hn). */
static int docx_by_directory(const unsigned char *head, size_t hn,
                             const unsigned char *tail, size_t tn,
                             uint64_t size) {
    if (!tail || tn < ZIP_EOCD_BYTES) return -1;
    /* The last end record: searching back over the comment's reach. */
    size_t lo = tn > 65535 + ZIP_EOCD_BYTES ? tn - 65535 - ZIP_EOCD_BYTES : 0;
    const unsigned char *eocd = NULL;
    for (size_t i = tn - ZIP_EOCD_BYTES + 1; i-- > lo;) {
        const unsigned char *p = tail + i;
        if (p[0] == 'P' && p[1] == 'K' && p[2] == 5 && p[3] == 6 &&
            i + ZIP_EOCD_BYTES + get16(p + 20) <= tn) {
            eocd = p;
            break;
        }
    }
    if (!eocd) return -1;
    unsigned entries = get16(eocd + 10);
    uint64_t cd_size = get32(eocd + 12), cd_off = get32(eocd + 16);
    if (entries == 0xffff || cd_size == 0xffffffffu || cd_off == 0xffffffffu)
        return -1; /* ZIP64: not worth reading here */
    if (cd_off + cd_size > size) return -1;
    /* The directory, from whichever of the two buffers holds all of it. */
    const unsigned char *cd;
    uint64_t tail_at = size - tn;
    if (cd_off >= tail_at)
        cd = tail + (cd_off - tail_at);
    else if (cd_off + cd_size <= hn)
        cd = head + cd_off;
    else
        return -1;
    const unsigned char *p = cd, *end = cd + cd_size;
    for (unsigned k = 0; k < entries; k++) {
        if ((size_t)(end - p) < ZIP_CDH_BYTES || get32(p) != 0x02014b50u)
            return -1;
        size_t name = get16(p + 28), extra = get16(p + 30),
               comment = get16(p + 32);
        if ((size_t)(end - p) - ZIP_CDH_BYTES < name + extra + comment)
            return -1;
        if (name == DOCX_MAIN_LEN &&
            !memcmp(p + ZIP_CDH_BYTES, DOCX_MAIN, DOCX_MAIN_LEN))
            return 1;
        p += ZIP_CDH_BYTES + name + extra + comment;
    }
    return 0;
}

/* Looks for a local header named DOCX_MAIN anywhere in the head. */
static int docx_by_local_headers(const unsigned char *head, size_t hn) {
    const unsigned char *p = head, *end = head + hn;
    while ((p = find(p, (size_t)(end - p), "PK\3\4", 4)) != NULL) {
        if ((size_t)(end - p) >= ZIP_LFH_BYTES + DOCX_MAIN_LEN &&
            get16(p + 26) == DOCX_MAIN_LEN &&
            !memcmp(p + ZIP_LFH_BYTES, DOCX_MAIN, DOCX_MAIN_LEN))
            return 1;
        p += 4;
    }
    return 0;
}

static int is_docx(const unsigned char *head, size_t hn,
                   const unsigned char *tail, size_t tn, uint64_t size) {
    if (hn < 4 || memcmp(head, "PK\3\4", 4) != 0) return 0;
    int r = docx_by_directory(head, hn, tail, tn, size);
    if (r >= 0) return r;
    return docx_by_local_headers(head, hn);
}

/* ---- HTML ------------------------------------------------------------- */

static int lower(int b) { return b >= 'A' && b <= 'Z' ? b + 32 : b; }

/* s[0..n) starts with word, in any case. */
static int starts_ci(const unsigned char *s, size_t n, const char *word) {
    size_t k = strlen(word);
    if (n < k) return 0;
    for (size_t i = 0; i < k; i++)
        if (lower(s[i]) != word[i]) return 0;
    return 1;
}

static int ends_name(const unsigned char *s, size_t n, size_t at) {
    if (at >= n) return 0; /* the tag is cut off: cannot tell */
    unsigned b = s[at];
    return b == '>' || b == '/' || b == ' ' || b == '\t' || b == '\n' ||
           b == '\r' || b == '\f';
}

/* "<!DOCTYPE html", any whitespace between the two words. */
static int is_html_doctype(const unsigned char *s, size_t n) {
    if (!ends_name(s, n, 9)) return 0;
    size_t j = 9;
    while (j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' ||
                     s[j] == '\r' || s[j] == '\f'))
        j++;
    return starts_ci(s + j, n - j, "html") && ends_name(s, n, j + 4);
}

static int is_html(const unsigned char *head, size_t hn) {
    size_t n = hn < HTML_WINDOW ? hn : HTML_WINDOW, i = 0;
    if (n >= 3 && head[0] == 0xef && head[1] == 0xbb && head[2] == 0xbf)
        i = 3;
    while (i < n) {
        unsigned b = head[i];
        if (b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f') {
            i++;
            continue;
        }
        if (b != '<') return 0;
        const unsigned char *s = head + i;
        size_t left = n - i;
        if (starts_ci(s, left, "<!--")) {
            const unsigned char *e = find(s + 4, left - 4, "-->", 3);
            if (!e) return 0;
            i = (size_t)(e - head) + 3;
            continue;
        }
        if (starts_ci(s, left, "<?")) {
            const unsigned char *e = find(s + 2, left - 2, "?>", 2);
            if (!e) return 0;
            i = (size_t)(e - head) + 2;
            continue;
        }
        if (starts_ci(s, left, "<!doctype")) return is_html_doctype(s, left);
        if (starts_ci(s, left, "<html")) return ends_name(s, left, 5);
        if (starts_ci(s, left, "<head")) return ends_name(s, left, 5);
        if (starts_ci(s, left, "<body")) return ends_name(s, left, 5);
        return 0;
    }
    return 0;
}

/* ---- entry points ----------------------------------------------------- */

aj_docfmt aj_extract_sniff_ends(const void *head, size_t head_len,
                                const void *tail, size_t tail_len,
                                uint64_t size) {
    const unsigned char *h = head, *t = tail;
    if (!h) head_len = 0;
    if (!t || tail_len > size) tail_len = 0;
    if (!tail_len) t = NULL;
    if (head_len > size) head_len = (size_t)size;
    if (is_pdf(h, head_len, t, tail_len)) return AJ_DOCFMT_PDF;
    if (is_docx(h, head_len, t, tail_len, size)) return AJ_DOCFMT_DOCX;
    if (is_html(h, head_len)) return AJ_DOCFMT_HTML;
    return AJ_DOCFMT_TEXT;
}

aj_docfmt aj_extract_sniff(const void *data, size_t len) {
    if (!data) len = 0;
    size_t hn = len < AJ_SNIFF_HEAD ? len : AJ_SNIFF_HEAD;
    /* The whole file is at hand: the central directory may be anywhere. */
    return aj_extract_sniff_ends(data, hn, data, len, len);
}

const char *aj_docfmt_name(aj_docfmt f) {
    switch (f) {
    case AJ_DOCFMT_PDF: return "pdf";
    case AJ_DOCFMT_HTML: return "html";
    case AJ_DOCFMT_DOCX: return "docx";
    default: return "text";
    }
}
