/* out.c - see out.h. */
#include "out.h"

#include <stdint.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (n bytes available), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n) {
    unsigned char b = s[0];
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
    return len;
}

void out_json_str(FILE *f, const char *str, size_t n) {
    const unsigned char *s = (const unsigned char *)str;
    fputc('"', f);
    for (size_t i = 0; i < n;) {
        unsigned char ch = s[i];
        if (ch == '"' || ch == '\\') {
            fputc('\\', f);
            fputc(ch, f);
            i++;
        } else if (ch < 0x20 || ch == 0x7f) {
            switch (ch) {
            case '\n': fputs("\\n", f); break;
            case '\t': fputs("\\t", f); break;
            case '\r': fputs("\\r", f); break;
            default: fprintf(f, "\\u%04x", ch);
            }
            i++;
        } else {
            size_t k = utf8_len(s + i, n - i);
            if (k == 0) {
                fputs("\\ufffd", f);
                i++;
            } else if (k == 2 && ch == 0xC2 && s[i + 1] < 0xA0) {
                fprintf(f, "\\u%04x", s[i + 1]); /* C1 control */
                i += 2;
            } else {
                fwrite(s + i, 1, k, f);
                i += k;
            }
        }
    }
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

void out_safe(FILE *f, const char *str, size_t n) {
    const unsigned char *s = (const unsigned char *)str;
    for (size_t i = 0; i < n;) {
        unsigned char ch = s[i];
        if (ch < 0x20 || ch == 0x7f) {
            fputs(ch == '\t' ? " " : REPLACEMENT, f);
            i++;
            continue;
        }
        size_t k = utf8_len(s + i, n - i);
        if (k == 0) {
            fputs(REPLACEMENT, f);
            i++;
        } else if (k == 2 && ch == 0xC2 && s[i + 1] < 0xA0) {
            fputs(REPLACEMENT, f); /* C1 control */
            i += 2;
        } else {
            fwrite(s + i, 1, k, f);
            i += k;
        }
    }
}

void out_safe_cstr(FILE *f, const char *s) {
    if (s) {
        size_t n = 0;
        while (s[n]) n++;
        out_safe(f, s, n);
    }
}

void out_html(FILE *f, const char *s, size_t n) {
    size_t run = 0; /* start of the bytes not yet written */
    for (size_t i = 0; i < n; i++) {
        const char *ent;
        switch (s[i]) {
        case '&': ent = "&amp;"; break;
        case '<': ent = "&lt;"; break;
        case '>': ent = "&gt;"; break;
        case '"': ent = "&quot;"; break;
        case '\'': ent = "&#39;"; break;
        default: continue;
        }
        /* The five are ASCII, so they never sit inside a UTF-8 sequence
         * and cutting the run before them keeps its characters whole. */
        out_safe(f, s + run, i - run);
        fputs(ent, f);
        run = i + 1;
    }
    out_safe(f, s + run, n - run);
}

void out_html_cstr(FILE *f, const char *s) {
    if (s) out_html(f, s, strlen(s));
}

size_t out_columns(const char *str, size_t n) {
    /* One column per character or per replaced byte, as out_safe shows
     * them (wide characters are not measured). */
    const unsigned char *s = (const unsigned char *)str;
    size_t cols = 0;
    for (size_t i = 0; i < n; cols++) {
        size_t k = s[i] < 0x80 ? 1 : utf8_len(s + i, n - i);
        i += k ? k : 1;
    }
    return cols;
}
