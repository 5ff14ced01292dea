/* out.c - see out.h. */
#include "out.h"

#include <stdint.h>
#include <string.h>
#include <utf8proc.h>

/* Length of the valid UTF-8 sequence at s (n bytes available), or 0; its
 * code point in *cpp. */
static size_t utf8_dec(const unsigned char *s, size_t n, uint32_t *cpp) {
    unsigned char b = s[0];
    *cpp = b;
    if (b < 0x80) return 1;
    size_t len;
    uint32_t cp;
    if (b >= 0xC2 && b <= 0xDF) len = 2, cp = b & 0x1F;
    else if (b >= 0xE0 && b <= 0xEF) len = 3, cp = b & 0x0F;
    else if (b >= 0xF0 && b <= 0xF4) len = 4, cp = b & 0x07;
    else return 0;
    if (len > n) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    *cpp = cp;
    return len;
}

/* Does cp change what a reader sees without being seen: a format character
 * (Unicode general category Cf: the bidirectional embeddings, overrides,
 * isolates and marks, zero-width spaces and joiners, the BOM, the soft
 * hyphen, invisible operators, tags) or a line or paragraph separator
 * (Zl, Zp)?  Such characters from a document could reorder a line on the
 * screen ("Trojan Source") or hide a word boundary. */
static int is_invisible(uint32_t cp) {
    if (cp < 0xA0 || cp > 0x10FFFF) return 0;
    utf8proc_category_t k = utf8proc_category((utf8proc_int32_t)cp);
    return k == UTF8PROC_CATEGORY_CF || k == UTF8PROC_CATEGORY_ZL ||
           k == UTF8PROC_CATEGORY_ZP;
}

/* How the terminal and HTML show an invisible character: <U+202E>. */
#define INVISIBLE_FMT "<U+%04X>"
#define INVISIBLE_HTML_FMT "&lt;U+%04X&gt;"

static size_t invisible_columns(uint32_t cp) {
    char buf[16];
    return (size_t)snprintf(buf, sizeof buf, INVISIBLE_FMT, cp);
}

void out_json_str(FILE *f, const char *str, size_t n) {
    const unsigned char *s = (const unsigned char *)str;
    size_t run = 0; /* start of the bytes copied as they are, not yet written */
    fputc('"', f);
    for (size_t i = 0; i < n;) {
        unsigned char ch = s[i];
        /* Most text is printable ASCII, written as it is: one fwrite per
         * run rather than per character (a call per byte was the largest
         * cost of --json output). */
        if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\') {
            i++;
            continue;
        }
        size_t k = 1;
        uint32_t cp = 0;
        if (ch >= 0x80) {
            k = utf8_dec(s + i, n - i, &cp);
            if (k && !(k == 2 && ch == 0xC2 && s[i + 1] < 0xA0) && !is_invisible(cp)) {
                i += k;
                continue;
            }
        }
        if (i > run) fwrite(s + run, 1, i - run, f);
        if (ch == '"' || ch == '\\') {
            fputc('\\', f);
            fputc(ch, f);
        } else if (ch < 0x80) {
            switch (ch) {
            case '\n': fputs("\\n", f); break;
            case '\t': fputs("\\t", f); break;
            case '\r': fputs("\\r", f); break;
            default: fprintf(f, "\\u%04x", ch);
            }
        } else if (k == 0) {
            fputs("\\ufffd", f);
            k = 1;
        } else if (k == 2 && ch == 0xC2 && s[i + 1] < 0xA0) {
            fprintf(f, "\\u%04x", s[i + 1]); /* C1 control */
        } else if (cp > 0xFFFF) {
            /* Invisible: exact, yet harmless when JSON is read on a
             * terminal. */
            fprintf(f, "\\u%04x\\u%04x", 0xD800 + ((cp - 0x10000) >> 10),
                    0xDC00 + ((cp - 0x10000) & 0x3FF));
        } else {
            fprintf(f, "\\u%04x", cp);
        }
        i += k;
        run = i;
    }
    if (n > run) fwrite(s + run, 1, n - run, f);
    fputc('"', f);
}

void out_json_cstr(FILE *f, const char *s) {
    if (!s) {
        fputs("null", f);
        return;
    }
    size_t n = 0;
    while (s[n]) n++;
    out_json_str(f, s, n);
}

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */

/* The entity out_html writes for ch, or NULL. */
static const char *entity(unsigned char ch) {
    switch (ch) {
    case '&': return "&amp;";
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '"': return "&quot;";
    case '\'': return "&#39;";
    default: return NULL;
    }
}

/* out_safe, and with html set out_html.  Bytes shown as they are go out
 * in runs, one fwrite each (a call per character cost more than the rest
 * of the formatting). */
static void write_safe(FILE *f, const char *str, size_t n, int html) {
    const unsigned char *s = (const unsigned char *)str;
    size_t run = 0; /* start of the bytes copied as they are, not yet written */
    for (size_t i = 0; i < n;) {
        unsigned char ch = s[i];
        const char *ent = html ? entity(ch) : NULL;
        if (ch >= 0x20 && ch < 0x7f && !ent) {
            i++;
            continue;
        }
        uint32_t cp = 0;
        size_t k = ch >= 0x80 ? utf8_dec(s + i, n - i, &cp) : 1;
        int c1 = k == 2 && ch == 0xC2 && s[i + 1] < 0xA0;
        if (ch >= 0x80 && k && !c1 && !is_invisible(cp)) {
            i += k;
            continue;
        }
        if (i > run) fwrite(s + run, 1, i - run, f);
        if (ch < 0x80) {
            fputs(ent ? ent : ch == '\t' ? " " : REPLACEMENT, f);
        } else if (k == 0) {
            fputs(REPLACEMENT, f);
            k = 1;
        } else if (c1) {
            fputs(REPLACEMENT, f); /* C1 control */
        } else {
            fprintf(f, html ? INVISIBLE_HTML_FMT : INVISIBLE_FMT, cp);
        }
        i += k;
        run = i;
    }
    if (n > run) fwrite(s + run, 1, n - run, f);
}

void out_safe(FILE *f, const char *str, size_t n) { write_safe(f, str, n, 0); }

void out_safe_cstr(FILE *f, const char *s) {
    if (s) write_safe(f, s, strlen(s), 0);
}

void out_html(FILE *f, const char *s, size_t n) { write_safe(f, s, n, 1); }

void out_html_cstr(FILE *f, const char *s) {
    if (s) write_safe(f, s, strlen(s), 1);
}

size_t out_columns(const char *str, size_t n) {
    /* One column per character or per replaced byte, as out_safe shows
     * them (wide characters are not measured), and the width of the
     * escape of an invisible character. */
    const unsigned char *s = (const unsigned char *)str;
    size_t cols = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = s[i] < 0x80 ? 1 : utf8_dec(s + i, n - i, &cp);
        cols += k && s[i] >= 0x80 && is_invisible(cp) ? invisible_columns(cp) : 1;
        i += k ? k : 1;
    }
    return cols;
}
