#include "grow.h"

#include <stdint.h>
#include <stdlib.h>

aj_err aj_grow(aj_ctx *c, void **p, size_t *cap, size_t need, size_t size, const char *what) {
    if (need <= *cap) return AJ_OK;
    size_t n = *cap ? *cap : 16;
    while (n < need) {
        if (n > SIZE_MAX / 2) return aj_fail(c, AJ_ENOMEM, "%s: too many", what);
        n *= 2;
    }
    if (n > SIZE_MAX / size) return aj_fail(c, AJ_ENOMEM, "%s: too many", what);
    void *v = realloc(*p, n * size);
    if (!v) return aj_fail(c, AJ_ENOMEM, "%s", what);
    *p = v;
    *cap = n;
    return AJ_OK;
}
