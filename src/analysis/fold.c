/*
 * fold.c - see fold.h.
 *
 * utf8proc does the Unicode part in one call per code point: CASEFOLD
 * (full folding), DECOMPOSE + STRIPMARK (canonical decomposition, then
 * the combining marks removed) and COMPAT (compatibility mappings).  It
 * applies the mappings recursively and case-folds what a compatibility
 * mapping yields, so ㎒ gives "mhz", not "MHz".
 *
 * What it cannot do is the handful of letters with a stroke, a ligature
 * or a distinct shape that have no decomposition; those get a small table
 * applied to its output.  The table lists upper-case forms too, although
 * case folding already lowered them, so it does not depend on that.
 */
#include "analysis/fold.h"

#include <utf8proc.h>

#define FOLD_OPTIONS                                                     \
    (UTF8PROC_CASEFOLD | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE |          \
     UTF8PROC_STRIPMARK)

/* The Latin letters that fold by hand.  Returns the number of code
 * points written to out (1 or 2), or 0 when cp is not one of them. */
static int fold_by_hand(uint32_t cp, uint32_t *out) {
    switch (cp) {
    case 0x0110: case 0x0111: /* Đ đ: Vietnamese, Croatian */
    case 0x00D0: case 0x00F0: /* Ð ð: Icelandic eth */
        out[0] = 'd';
        return 1;
    case 0x00D8: case 0x00F8: /* Ø ø */
        out[0] = 'o';
        return 1;
    case 0x0141: case 0x0142: /* Ł ł */
        out[0] = 'l';
        return 1;
    case 0x0131: /* ı, Turkish dotless i */
        out[0] = 'i';
        return 1;
    case 0x00C6: case 0x00E6: /* Æ æ */
        out[0] = 'a';
        out[1] = 'e';
        return 2;
    case 0x0152: case 0x0153: /* Œ œ */
        out[0] = 'o';
        out[1] = 'e';
        return 2;
    case 0x00DE: case 0x00FE: /* Þ þ */
        out[0] = 't';
        out[1] = 'h';
        return 2;
    case 0x00DF: case 0x1E9E: /* ß ẞ: case folding does this already */
        out[0] = 's';
        out[1] = 's';
        return 2;
    default:
        return 0;
    }
}

int aj_fold(uint32_t cp, uint32_t *out) {
    if (cp < 0x80) {
        out[0] = cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp;
        return 1;
    }
    if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
        out[0] = 0xFFFD;
        return 1;
    }
    utf8proc_int32_t buf[AJ_FOLD_MAX];
    int last_boundclass = 0; /* grapheme state; unused, but required */
    utf8proc_ssize_t n = utf8proc_decompose_char(
        (utf8proc_int32_t)cp, buf, AJ_FOLD_MAX, FOLD_OPTIONS,
        &last_boundclass);
    if (n < 0 || n > AJ_FOLD_MAX) {
        /* Not expected for a scalar value with this utf8proc; should a
         * future table grow past AJ_FOLD_MAX, a separator is the safe
         * answer (a bounds-checked buffer, never a partial word). */
        out[0] = 0xFFFD;
        return 1;
    }
    int m = 0;
    for (utf8proc_ssize_t i = 0; i < n; i++) {
        uint32_t c = (uint32_t)buf[i];
        uint32_t hand[2];
        int k = c >= 0xC0 ? fold_by_hand(c, hand) : 0;
        if (k == 0) {
            hand[0] = c;
            k = 1;
        }
        if (m + k > AJ_FOLD_MAX) break; /* cannot happen; see the test */
        for (int j = 0; j < k; j++) out[m++] = hand[j];
    }
    return m;
}

int aj_fold_class(uint32_t cp) {
    if (cp < 0x80) {
        if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') return AJ_FOLD_LETTER;
        if (cp >= '0' && cp <= '9') return AJ_FOLD_DIGIT;
        return AJ_FOLD_SEP;
    }
    if (cp > 0x10FFFF) return AJ_FOLD_SEP;
    switch (utf8proc_category((utf8proc_int32_t)cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
        return AJ_FOLD_LETTER;
    case UTF8PROC_CATEGORY_ND:
        return AJ_FOLD_DIGIT;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        return AJ_FOLD_MARK;
    default:
        return AJ_FOLD_SEP;
    }
}
