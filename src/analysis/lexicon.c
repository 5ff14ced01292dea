/* lexicon.c - look-ups in the compiled English word table; the layout is
 * described in lexicon.h. */
#include "analysis/lexicon.h"

#include <string.h>

#include "analysis/analyzer.h"

/* Compares key[0..len) with the NUL-terminated s, as strcmp would if key
 * were NUL-terminated. */
static int cmp_key(const char *key, size_t len, const char *s) {
    for (size_t i = 0; i < len; i++) {
        unsigned char a = (unsigned char)key[i], b = (unsigned char)s[i];
        if (b == 0 || a != b) return b == 0 ? 1 : (a < b ? -1 : 1);
    }
    return s[len] == 0 ? 0 : -1;
}

static int find(const char *w, size_t len) {
    uint32_t nb = aj_lexicon_nblocks;
    if (nb == 0) return 0;
    /* The last block whose first word is <= w. */
    uint32_t lo = 0, hi = nb;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (cmp_key(w, len, aj_lexicon_bytes + aj_lexicon_block_off[mid]) >= 0)
            lo = mid;
        else
            hi = mid;
    }
    const char *p = aj_lexicon_bytes + aj_lexicon_block_off[lo];
    const char *end = aj_lexicon_bytes + aj_lexicon_block_off[lo + 1];
    char cur[AJ_MAX_WORD + 1];
    size_t n = strlen(p);
    if (n > AJ_MAX_WORD) return 0;
    memcpy(cur, p, n + 1);
    p += n + 1;
    for (;;) {
        int k = cmp_key(w, len, cur);
        if (k <= 0) return k == 0;
        if (p >= end) return 0;
        size_t shared = (unsigned char)*p++;
        size_t rest = strlen(p);
        if (shared > n || shared + rest > AJ_MAX_WORD) return 0;
        memcpy(cur + shared, p, rest + 1);
        n = shared + rest;
        p += rest + 1;
    }
}

int aj_lexicon_has(const char *w, size_t len) {
    if (len == 0 || len > AJ_MAX_WORD) return 0;
    if (find(w, len)) return 1;
    return len > 2 && w[len - 2] == '\'' && w[len - 1] == 's' && find(w, len - 2);
}

uint32_t aj_lexicon_size(void) { return aj_lexicon_nwords; }
