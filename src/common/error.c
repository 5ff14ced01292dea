/* error.c - see error.h. */
#include "common/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static aj_err vfail(aj_ctx *c, aj_err e, size_t pos, const char *fmt,
                    va_list ap) {
    if (!c || c->err != AJ_OK) return e;
    c->err = e;
    c->pos = pos;
    vsnprintf(c->msg, sizeof c->msg, fmt, ap);
    return e;
}

aj_err aj_fail(aj_ctx *c, aj_err e, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vfail(c, e, 0, fmt, ap);
    va_end(ap);
    return e;
}

aj_err aj_fail_at(aj_ctx *c, aj_err e, size_t pos, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vfail(c, e, pos, fmt, ap);
    va_end(ap);
    return e;
}

void aj_ctx_reset(aj_ctx *c) { memset(c, 0, sizeof *c); }

const char *aj_strerror(aj_err e) {
    static const char *const names[AJ_ERR_COUNT] = {
        [AJ_OK] = "ok",
        [AJ_ENOMEM] = "out of memory",
        [AJ_EIO] = "I/O error",
        [AJ_ECORRUPT] = "corrupt index",
        [AJ_EVERSION] = "wrong index format version",
        [AJ_ESYNTAX] = "query syntax error",
        [AJ_ELIMIT] = "limit exceeded",
        [AJ_EINVAL] = "invalid input",
        [AJ_ENOTFOUND] = "not found",
        [AJ_EBUSY] = "index busy",
        [AJ_EWARN] = "warnings",
        [AJ_ECANCELED] = "canceled",
    };
    if ((unsigned)e >= AJ_ERR_COUNT || !names[e]) return "unknown error";
    return names[e];
}
