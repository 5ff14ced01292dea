/*
 * fuzz_query.c - any bytes as a query, parsed and evaluated against a real
 * index with several option sets; then highlighting and snippet windows
 * on the hits.  Promises checked: success or an error with a message and a
 * position inside the query; hits sorted, in range, within the limit;
 * the pruned top-k equal to the exhaustive one.
 */
#include <math.h>

#include "fuzz_common.h"

static aj_index *ix;
static aj_searcher *s;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    char dir[512];
    snprintf(dir, sizeof dir, "%s/query", fuzz_scratch());
    if (fuzz_make_index(dir)) abort();
    char index[600];
    snprintf(index, sizeof index, "%s/index", dir);
    aj_ctx c = {0};
    if (aj_index_open(&c, index, &ix) || aj_searcher_new(&c, ix, &s)) abort();
    return 0;
}

typedef struct {
    uint32_t id;
    double score;
} hit;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *q = (const char *)data;
    aj_index_stats st;
    aj_index_stats_get(ix, &st);
    hit exact[25];
    size_t nexact = 0;
    for (int round = 0; round < 3; round++) {
        aj_search_opts o;
        aj_search_opts_init(&o);
        o.limit = 25;
        o.exact_total = round != 1;
        o.explain = round == 2;
        if (round == 2) {
            o.offset = 3;
            o.limit = 5;
            o.k1 = 2.0;
            o.b = 0.3;
        }
        aj_ctx c = {0};
        const aj_results *r;
        aj_err e = aj_search(&c, s, q, size, &o, &r);
        if (e) {
            FUZZ_ASSERT(e == AJ_ESYNTAX || e == AJ_ELIMIT);
            FUZZ_ASSERT(c.msg[0] != 0);
            FUZZ_ASSERT(c.pos <= size);
            return 0;
        }
        FUZZ_ASSERT(r->nhits <= o.limit);
        FUZZ_ASSERT(r->total <= st.nparas);
        FUZZ_ASSERT(r->nhits + o.offset <= r->total || r->nhits == 0);
        for (size_t i = 0; i < r->nhits; i++) {
            FUZZ_ASSERT(r->hits[i].id < st.nparas);
            FUZZ_ASSERT(isfinite(r->hits[i].score));
            if (i)
                FUZZ_ASSERT(r->hits[i - 1].score > r->hits[i].score ||
                            (r->hits[i - 1].score == r->hits[i].score &&
                             r->hits[i - 1].id < r->hits[i].id));
        }
        if (round == 0) {
            nexact = r->nhits;
            for (size_t i = 0; i < nexact; i++)
                exact[i] = (hit){r->hits[i].id, r->hits[i].score};
        } else if (round == 1) {
            /* Pruning may skip paragraphs, never change the top k. */
            FUZZ_ASSERT(r->nhits == nexact);
            for (size_t i = 0; i < nexact; i++) {
                FUZZ_ASSERT(r->hits[i].id == exact[i].id);
                FUZZ_ASSERT(fabs(r->hits[i].score - exact[i].score) < 1e-9);
            }
        }
        /* Highlight and window the text of the first hits. */
        for (size_t i = 0; i < r->nhits && i < 3; i++) {
            char *text;
            size_t len;
            if (aj_para_text(&c, ix, r->hits[i].id, &text, &len)) abort();
            aj_span spans[64];
            size_t n = aj_search_highlight(s, text, len, spans, 64);
            size_t got = n < 64 ? n : 64;
            for (size_t k = 0; k < got; k++) {
                FUZZ_ASSERT(spans[k].start < spans[k].end && spans[k].end <= len);
                if (k) FUZZ_ASSERT(spans[k - 1].start <= spans[k].start);
            }
            size_t ws, we;
            aj_snippet_window(text, len, spans, got, 120, &ws, &we);
            FUZZ_ASSERT(ws <= we && we <= len);
            free(text);
        }
    }
    return 0;
}
