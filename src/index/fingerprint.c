/* fingerprint.c - see fingerprint.h. */
#include "index/fingerprint.h"

#include <string.h>

#include "index/index.h"

int aj_fp_init(aj_fp *fp) {
    fp->st = XXH3_createState();
    if (!fp->st) return -1;
    XXH3_64bits_reset(fp->st);
    /* The format version first: another format is another index. */
    uint8_t head[16] = "ajsearch-corpus";
    uint32_t v = AJ_FORMAT_VERSION;
    XXH3_64bits_update(fp->st, head, sizeof head);
    uint8_t le[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    XXH3_64bits_update(fp->st, le, sizeof le);
    return 0;
}

static void put_str(aj_fp *fp, const char *s) {
    /* with its NUL, so that ("ab", "c") and ("a", "bc") differ */
    XXH3_64bits_update(fp->st, s, strlen(s) + 1);
}

static void put_u64(aj_fp *fp, uint64_t v) {
    uint8_t le[8];
    for (int i = 0; i < 8; i++) le[i] = (uint8_t)(v >> (8 * i));
    XXH3_64bits_update(fp->st, le, sizeof le);
}

void aj_fp_doc(aj_fp *fp, const char *path, const char *title,
               const char *date, const char *source, uint64_t size,
               uint64_t xxh3) {
    put_str(fp, path);
    put_str(fp, title);
    put_str(fp, date);
    put_str(fp, source);
    put_u64(fp, size);
    put_u64(fp, xxh3);
}

uint64_t aj_fp_value(const aj_fp *fp) { return XXH3_64bits_digest(fp->st); }

void aj_fp_free(aj_fp *fp) {
    if (fp->st) XXH3_freeState(fp->st);
    fp->st = NULL;
}

aj_err aj_fp_of_index(aj_ctx *c, const aj_index *ix, uint64_t *out) {
    aj_fp fp;
    if (aj_fp_init(&fp) != 0) return aj_fail(c, AJ_ENOMEM, "fingerprint");
    aj_err e = AJ_OK;
    for (uint32_t i = 0; !e && i < ix->ndocs; i++) {
        aj_doc_info di;
        e = aj_doc_get(c, ix, i, &di);
        if (!e)
            aj_fp_doc(&fp, di.path, di.own_title ? "" : di.title, di.own_date ? "" : di.date,
                      di.source, di.size, di.xxh3);
    }
    if (!e) *out = aj_fp_value(&fp);
    aj_fp_free(&fp);
    return e;
}
