/*
 * error.h - error codes and the context that carries error messages.
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

typedef enum {
    AJ_OK = 0,
    AJ_ENOMEM,    /* allocation failed */
    AJ_EIO,       /* a system call failed (open, read, write, mmap, rename) */
    AJ_ECORRUPT,  /* index bytes fail a checksum or a structural check */
    AJ_EVERSION,  /* index file from another format version or program */
    AJ_ESYNTAX,   /* query syntax error; ctx->pos holds the byte offset */
    AJ_ELIMIT,    /* a documented limit was exceeded (query length, depth) */
    AJ_EINVAL,    /* bad argument or bad input file */
    AJ_ENOTFOUND, /* no index where one was expected */
    AJ_EBUSY,     /* another build holds the index lock */
    AJ_EWARN,     /* a strict build had warnings (aj_build_opts.strict) */
    AJ_ECANCELED, /* the caller asked a build to stop (aj_build_opts.cancel) */
    AJ_ERR_COUNT
} aj_err;

typedef struct aj_ctx {
    aj_err err;
    size_t pos;      /* query byte offset for AJ_ESYNTAX/AJ_ELIMIT, else 0 */
    char msg[512];
} aj_ctx;

/* Records error e with a printf-style message (unless an error is already
 * recorded) and returns e, so callers can write `return aj_fail(...)`. */
aj_err aj_fail(aj_ctx *c, aj_err e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like aj_fail() but also records a query position. */
aj_err aj_fail_at(aj_ctx *c, aj_err e, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Clears a context so it can be reused. */
void aj_ctx_reset(aj_ctx *c);

/* A static, never-NULL name for an error code. */
const char *aj_strerror(aj_err e);

#endif
