/*
 * error.h - reporting errors inside the library (the codes and the
 * context are public: ajsearch.h).
 *
 * Every library function that can fail returns an aj_err and, on failure,
 * writes a one-line human-readable reason into the caller's aj_ctx.  The
 * library never prints and never exits; the command line shows ctx->msg.
 * The first error wins: once ctx->err is set, later aj_fail() calls keep
 * the original message (the root cause is more useful than its echoes).
 */
#ifndef AJ_ERROR_H
#define AJ_ERROR_H

#include <stddef.h>
#include <stdint.h>

#include "ajsearch.h" /* aj_err, aj_ctx: the public part */

/* Records error e with a printf-style message (unless an error is already
 * recorded) and returns e, so callers can write `return aj_fail(...)`. */
aj_err aj_fail(aj_ctx *c, aj_err e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like aj_fail() but also records a query position. */
aj_err aj_fail_at(aj_ctx *c, aj_err e, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
