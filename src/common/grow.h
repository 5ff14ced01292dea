/*
 * grow.h - growing an array to hold n elements, the one way the library
 * does it: capacity doubles (from 16), so appending one element at a time
 * costs amortized constant time, and a failure leaves the array as it was.
 */
#ifndef AJ_GROW_H
#define AJ_GROW_H

#include <stddef.h>

#include "common/error.h"

/* Makes *p (an array of *cap elements of `size` bytes) hold at least need
 * elements.  On failure *p and *cap are unchanged and the error is
 * AJ_ENOMEM, described in c with `what` (c may be NULL for a caller that
 * reports the failure itself). */
aj_err aj_grow(aj_ctx *c, void **p, size_t *cap, size_t need, size_t size, const char *what);

#endif
