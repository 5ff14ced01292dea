/*
 * fuzz_segment.c - any bytes through the paragraph splitter and the title
 * finder.  Promises checked (segment.h): paragraphs in order of start,
 * byte ranges inside the input, text NUL-terminated, no longer than
 * AJ_MAX_PARA_BYTES, kinds known, labels short; the title fits its buffer
 * and is NUL-terminated.
 */
#include "fuzz_common.h"
#include "segment.h"

typedef struct {
    size_t len;
    uint64_t last_start;
    int n;
} state;

static int on_para(void *arg, const aj_seg_para *p) {
    state *st = arg;
    FUZZ_ASSERT(p->start <= p->end && p->end <= st->len);
    FUZZ_ASSERT(p->start >= st->last_start);
    st->last_start = p->start;
    FUZZ_ASSERT(p->text && p->text[p->text_len] == 0);
    FUZZ_ASSERT(p->text_len > 0 && p->text_len <= AJ_MAX_PARA_BYTES);
    FUZZ_ASSERT(strlen(p->text) == p->text_len);
    FUZZ_ASSERT(p->kind == AJ_PARA_BODY || p->kind == AJ_PARA_HEADING ||
                p->kind == AJ_PARA_ITEM);
    FUZZ_ASSERT(!p->label || strlen(p->label) < 32);
    st->n++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    aj_ctx c = {0};
    state st = {size, 0, 0};
    FUZZ_ASSERT(aj_segment(&c, (const char *)data, size, on_para, &st) == AJ_OK);
    char title[200];
    memset(title, 'x', sizeof title);
    size_t n = aj_segment_title((const char *)data, size, title, sizeof title);
    FUZZ_ASSERT(n < sizeof title && title[n] == 0 && strlen(title) == n);
    return 0;
}
