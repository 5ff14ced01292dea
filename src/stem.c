/* stem.c - see stem.h. */
#include "stem.h"

#include <libstemmer.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define SLOTS 8192           /* power of two */
#define SLOT_WORD 22         /* longest cached word; longer ones bypass */

typedef struct {
    uint8_t wlen, slen;      /* wlen 0 = empty slot */
    char word[SLOT_WORD];
    char stem[SLOT_WORD];
} slot;

struct aj_stemmer {
    struct sb_stemmer *sb;
    slot *slots;
};

aj_err aj_stemmer_new(aj_ctx *c, aj_stemmer **out) {
    aj_stemmer *s = calloc(1, sizeof *s);
    if (!s) return aj_fail(c, AJ_ENOMEM, "stemmer");
    s->sb = sb_stemmer_new("english", "UTF_8");
    s->slots = calloc(SLOTS, sizeof *s->slots);
    if (!s->sb || !s->slots) {
        aj_stemmer_free(s);
        return aj_fail(c, AJ_ENOMEM, "stemmer (libstemmer english)");
    }
    *out = s;
    return AJ_OK;
}

void aj_stemmer_free(aj_stemmer *s) {
    if (!s) return;
    if (s->sb) sb_stemmer_delete(s->sb);
    free(s->slots);
    free(s);
}

const char *aj_stem(aj_stemmer *s, const char *w, size_t n, size_t *len) {
    slot *sl = NULL;
    if (n <= SLOT_WORD) {
        sl = &s->slots[XXH3_64bits(w, n) & (SLOTS - 1)];
        if (sl->wlen == n && memcmp(sl->word, w, n) == 0) {
            *len = sl->slen;
            return sl->stem;
        }
    }
    const sb_symbol *r = sb_stemmer_stem(s->sb, (const sb_symbol *)w, (int)n);
    if (!r) return NULL;
    int k = sb_stemmer_length(s->sb);
    if (sl && k >= 0 && k <= SLOT_WORD) {
        sl->wlen = (uint8_t)n;
        sl->slen = (uint8_t)k;
        memcpy(sl->word, w, n);
        memcpy(sl->stem, r, (size_t)k);
    }
    *len = (size_t)k;
    return (const char *)r;
}
