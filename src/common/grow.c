#include "common/grow.h"

#include <stdint.h>
#include <stdlib.h>

aj_err aj_grow(aj_ctx *c, void **p, size_t *cap, size_t need, size_t size, const char *what) {
    if (need <= *cap) return AJ_OK;
    size_t n = *cap ? *cap : 16;
    while (n < need && n <= SIZE_MAX / 2) n *= 2;
    void *v = n >= need && n <= SIZE_MAX / size ? realloc(*p, n * size) : NULL;
    if (!v) return c ? aj_fail(c, AJ_ENOMEM, "%s", what ? what : "memory") : AJ_ENOMEM;
    *p = v;
    *cap = n;
    return AJ_OK;
}

/* Public (ajsearch.h): what the library mallocs for a caller, freed by
 * the same C library. */
void aj_free(void *p) { free(p); }
