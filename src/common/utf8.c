/*
 * utf8.c - see utf8.h.
 *
 * Well-formed sequences (Unicode table 3-7) are described by the lead byte
 * alone, except that the lead byte narrows the range allowed for the
 * *second* byte: E0 needs A0..BF (else overlong), ED needs 80..9F (else a
 * surrogate), F0 needs 90..BF (overlong), F4 needs 80..8F (above
 * U+10FFFF).  Checking that range before accepting the second byte is
 * exactly what makes the replacement cover a maximal subpart: as soon as a
 * byte cannot extend a valid prefix we stop, and that byte is left for
 * the next call.
 */
#include "common/utf8.h"

/* Length of the sequence a lead byte announces, 0 if it cannot lead (a
 * continuation byte 80..BF, the overlong leads C0 C1, or F5..FF). */
static size_t lead_length(uint8_t b, uint8_t *lo, uint8_t *hi) {
    *lo = 0x80;
    *hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) return 2;
    if (b >= 0xE0 && b <= 0xEF) {
        if (b == 0xE0) *lo = 0xA0;
        if (b == 0xED) *hi = 0x9F;
        return 3;
    }
    if (b >= 0xF0 && b <= 0xF4) {
        if (b == 0xF0) *lo = 0x90;
        if (b == 0xF4) *hi = 0x8F;
        return 4;
    }
    return 0;
}

size_t aj_utf8_decode(const uint8_t *s, size_t n, uint32_t *cp) {
    uint8_t b = s[0];
    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    uint8_t lo, hi;
    size_t need = lead_length(b, &lo, &hi);
    if (need == 0) {
        *cp = AJ_UTF8_REPLACEMENT;
        return 1;
    }
    /* Payload bits of the lead: 5, 4 or 3 of them for lengths 2, 3, 4. */
    uint32_t v = b & (0x7Fu >> need);
    size_t k = 1;
    for (; k < need && k < n; k++) {
        uint8_t c = s[k];
        if (c < lo || c > hi) break;
        v = (v << 6) | (c & 0x3Fu);
        lo = 0x80; /* only the second byte has a narrowed range */
        hi = 0xBF;
    }
    if (k == need) {
        *cp = v;
        return need;
    }
    /* s[0..k) is a prefix of a valid sequence that cannot be completed
     * (a bad byte follows, or the text ends): the maximal subpart. */
    *cp = AJ_UTF8_REPLACEMENT;
    return k;
}

size_t aj_utf8_encode(uint32_t cp, char *out) {
    if (cp >= 0xD800 && (cp <= 0xDFFF || cp > 0x10FFFF))
        cp = AJ_UTF8_REPLACEMENT;
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}
