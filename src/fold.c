/* fold.c - see fold.h. */
#include "fold.h"

#include <utf8proc.h>

/* Letters with no canonical decomposition, folded by hand so that, for
 * example, the Vietnamese đ matches a plain d.  Applied after case
 * folding, so only lower-case forms appear. */
static int fold_extra(uint32_t cp, uint32_t *out) {
    switch (cp) {
    case 0x0111: out[0] = 'd'; return 1;               /* đ */
    case 0x00F0: out[0] = 'd'; return 1;               /* ð */
    case 0x00F8: out[0] = 'o'; return 1;               /* ø */
    case 0x0142: out[0] = 'l'; return 1;               /* ł */
    case 0x0131: out[0] = 'i'; return 1;               /* ı */
    case 0x00E6: out[0] = 'a'; out[1] = 'e'; return 2; /* æ */
    case 0x0153: out[0] = 'o'; out[1] = 'e'; return 2; /* œ */
    case 0x00FE: out[0] = 't'; out[1] = 'h'; return 2; /* þ */
    default: return 0;
    }
}

int aj_fold(uint32_t cp, uint32_t *out) {
    if (cp < 0x80) {
        out[0] = cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
        return 1;
    }
    utf8proc_int32_t buf[AJ_FOLD_MAX];
    int boundclass = 0;
    utf8proc_ssize_t n = utf8proc_decompose_char(
        (utf8proc_int32_t)cp, buf, AJ_FOLD_MAX,
        UTF8PROC_CASEFOLD | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE |
            UTF8PROC_STRIPMARK,
        &boundclass);
    if (n < 0 || n > AJ_FOLD_MAX) {
        out[0] = cp; /* unassigned or too long: keep it as it is */
        return 1;
    }
    int m = 0;
    for (utf8proc_ssize_t i = 0; i < n && m < AJ_FOLD_MAX - 1; i++) {
        uint32_t c = (uint32_t)buf[i];
        int k = c >= 0x80 ? fold_extra(c, out + m) : 0;
        if (k)
            m += k;
        else
            out[m++] = c;
    }
    return m;
}

int aj_class(uint32_t cp) {
    if (cp < 0x80) {
        if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
            return AJ_CL_LETTER;
        if (cp >= '0' && cp <= '9') return AJ_CL_DIGIT;
        return AJ_CL_SEP;
    }
    switch (utf8proc_category((utf8proc_int32_t)cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
        return AJ_CL_LETTER;
    case UTF8PROC_CATEGORY_ND:
        return AJ_CL_DIGIT;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        return AJ_CL_MARK;
    default:
        return AJ_CL_SEP;
    }
}
