/*
 * fuzz_index.c - damaged index files.  The first input byte picks one of
 * the five files of a real (small) index and a mode; the rest of the input
 * replaces that file.  Mode 0 opens the damaged index as it is, so the
 * checksums stand guard.  Mode 1 first repairs the container (page
 * checksums, checksum-table hash and header hash recomputed whenever the
 * header's lengths fit the file) and turns lazy verification off, so the
 * decoders behind the checksums see the damaged bytes themselves.
 *
 * Promises checked: opening, searching, reading paragraphs and `check`
 * either succeed or fail with a message naming a file; nothing reads out
 * of bounds (ASan), and results stay in range.
 */
#include <xxhash.h>

#include "fuzz_common.h"
#include "file.h"

static const char *const files[] = {"meta.aj", "dict.aj", "post.aj", "posn.aj", "stor.aj"};
static char index_dir[600], gen_dir[800];
static uint8_t *orig[5];
static size_t orig_len[5];

static int write_file(const char *path, const uint8_t *p, size_t n) {
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    int bad = n && fwrite(p, 1, n, f) != n;
    return fclose(f) || bad ? -1 : 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    char dir[512];
    snprintf(dir, sizeof dir, "%s/index", fuzz_scratch());
    if (fuzz_make_index(dir)) abort();
    snprintf(index_dir, sizeof index_dir, "%s/index", dir);
    char link[700], target[128];
    snprintf(link, sizeof link, "%s/CURRENT", index_dir);
    ssize_t k = readlink(link, target, sizeof target - 1);
    if (k <= 0) abort();
    target[k] = 0;
    snprintf(gen_dir, sizeof gen_dir, "%s/%s", index_dir, target);
    for (int i = 0; i < 5; i++) {
        char path[900];
        snprintf(path, sizeof path, "%s/%s", gen_dir, files[i]);
        FILE *f = fopen(path, "rb");
        if (!f) abort();
        fseek(f, 0, SEEK_END);
        orig_len[i] = (size_t)ftell(f);
        fseek(f, 0, SEEK_SET);
        orig[i] = malloc(orig_len[i]);
        if (fread(orig[i], 1, orig_len[i], f) != orig_len[i]) abort();
        fclose(f);
    }
    /* AJ_FUZZ_WRITE_SEEDS=dir writes the intact files as seed inputs. */
    const char *seeds = getenv("AJ_FUZZ_WRITE_SEEDS");
    if (seeds) {
        for (int m = 0; m < 2; m++)
            for (int i = 0; i < 5; i++) {
                char path[900];
                snprintf(path, sizeof path, "%s/%s-mode%d", seeds, files[i], m);
                uint8_t *buf = malloc(orig_len[i] + 1);
                buf[0] = (uint8_t)(i + 5 * m);
                memcpy(buf + 1, orig[i], orig_len[i]);
                write_file(path, buf, orig_len[i] + 1);
                free(buf);
            }
    }
    return 0;
}

static uint32_t get32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t get64(const uint8_t *p) { return get32(p) | (uint64_t)get32(p + 4) << 32; }
static void put32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static void put64(uint8_t *p, uint64_t v) {
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* Makes every checksum of the container agree with the (damaged) bytes. */
static void repair(uint8_t *f, size_t n) {
    if (n < AJ_HEADER_BYTES) return;
    uint64_t plen = get64(f + 16);
    uint64_t npages = get32(f + 36);
    if (plen > n || npages > n || AJ_HEADER_BYTES + plen + 4 * npages != n) return;
    uint8_t *payload = f + AJ_HEADER_BYTES, *table = payload + plen;
    for (uint64_t pg = 0; pg < npages; pg++) {
        uint64_t off = pg * AJ_PAGE_BYTES;
        if (off > plen) break;
        uint64_t len = plen - off < AJ_PAGE_BYTES ? plen - off : AJ_PAGE_BYTES;
        put32(table + 4 * pg, (uint32_t)XXH3_64bits(payload + off, len));
    }
    put64(f + 40, XXH3_64bits(table, 4 * npages));
    put64(f + 56, XXH3_64bits(f, 56));
}

static void exercise(int verify) {
    aj_ctx c = {0};
    aj_index *ix;
    aj_err e = aj_index_open(&c, index_dir, &ix);
    if (e) {
        FUZZ_ASSERT(c.msg[0]);
        return;
    }
    if (!verify) aj_index_set_verify(ix, 0);
    aj_index_stats st;
    aj_index_stats_get(ix, &st);
    aj_searcher *s;
    if (aj_searcher_new(&c, ix, &s) == AJ_OK) {
        static const char *const qs[] = {"maritime", "asean japan", "sea OR law",
                                         "\"the people of\"", "coop*", "s*",
                                         "security NOT trade", "2023", "defens"};
        for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
            for (int exact = 0; exact < 2; exact++) {
                aj_search_opts o;
                aj_search_opts_init(&o);
                o.exact_total = exact;
                o.explain = 1;
                const aj_results *r;
                aj_ctx qc = {0};
                if (aj_search(&qc, s, qs[i], strlen(qs[i]), &o, &r) != AJ_OK) {
                    FUZZ_ASSERT(qc.msg[0]);
                    continue;
                }
                for (size_t h = 0; h < r->nhits; h++) FUZZ_ASSERT(r->hits[h].id < st.nparas);
            }
        }
        aj_searcher_free(s);
    }
    for (uint32_t d = 0; d < st.ndocs && d < 16; d++) {
        aj_doc_info di;
        aj_ctx dc = {0};
        if (aj_doc_get(&dc, ix, d, &di) == AJ_OK)
            FUZZ_ASSERT(di.path && di.title && di.date && di.source);
    }
    for (uint32_t p = 0; p < st.nparas && p < 64; p++) {
        aj_para_info pi;
        aj_ctx pc = {0};
        (void)aj_para_get(&pc, ix, p, &pi);
        char *text;
        size_t len;
        aj_ctx tc = {0};
        if (aj_para_text(&tc, ix, p, &text, &len) == AJ_OK) {
            FUZZ_ASSERT(text[len] == 0);
            free(text);
        }
    }
    aj_ctx kc = {0};
    if (aj_index_check(&kc, ix) != AJ_OK) FUZZ_ASSERT(kc.msg[0]);
    aj_index_close(ix);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1 || size > (1u << 20)) return 0;
    int which = data[0] % 5, mode = (data[0] / 5) % 2;
    size_t n = size - 1;
    uint8_t *buf = malloc(n ? n : 1);
    memcpy(buf, data + 1, n);
    if (mode) repair(buf, n);
    char path[900];
    snprintf(path, sizeof path, "%s/%s", gen_dir, files[which]);
    if (write_file(path, buf, n)) abort();
    exercise(!mode);
    if (write_file(path, orig[which], orig_len[which])) abort();
    free(buf);
    return 0;
}
