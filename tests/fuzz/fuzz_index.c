/*
 * fuzz_index.c - damaged index files: open, search, read texts and check
 * an index in which one file has been replaced by the fuzz input.
 *
 * Input: byte 0 picks the file (meta, dict, post, posn, stor), byte 1 is
 * the mode, the rest is the file.  The seeds are the real files of the
 * tiny index built here, so the fuzzer starts from valid files.
 *
 *  mode bit 0 clear, checksums on: the bytes are written as they are.
 *    Whatever they hold, nothing may crash or read out of bounds, every
 *    failure is a clean error, and every answer that does succeed is the
 *    answer of the intact index (each page a search touches is verified,
 *    so a wrong answer would mean damage went unnoticed).
 *  mode bit 0 set, checksums bypassed: the harness rewrites the header
 *    (magic, version, kind, payload length, page count), recomputes every
 *    page checksum, the table hash and the header hash, keeping only the
 *    section directory offset from the input.  The file then passes every
 *    container check, page verification is also turned off, and the
 *    decoders of the dictionary, postings, positions and stored text see
 *    the damaged bytes directly.  They must reject them or answer without
 *    crashing; aj_index_check must not crash either.
 *
 * With AJ_FUZZ_WRITE_SEEDS=dir in the environment, the initializer writes
 * the seed inputs (each file in both modes) into dir.
 */
#include <math.h>
#include <xxhash.h>

#include "fuzz_common.h"

#include "format/file.h"
#include "index/index.h"

#define NFILES 5
static const char *const names[NFILES] = {"meta.aj", "dict.aj", "post.aj",
                                          "posn.aj", "stor.aj"};
static const char kinds[NFILES][5] = {"meta", "dict", "post", "posn", "stor"};

static char gendir[600], indexdir[600], *rootdir;

static void remove_root(void) { fz_rmtree(rootdir); }
static uint8_t *orig[NFILES];
static size_t orig_len[NFILES];

static const char *const queries[] = {
    "the",
    "maritime security",
    "\"south china sea\"",
    "cooperat*",
    "japan OR asean -covid",
    "the NOT trade",
    "\"the 19\" OR 3,000",
    "c* s*",
    "(digital OR energy) AND (people OR supply)",
    "japan's caf\xc3\xa9",
};
#define NQ (sizeof queries / sizeof queries[0])
#define NOPT 4

typedef struct {
    int ok;
    uint64_t total;
    size_t nhits;
    uint32_t ids[10];
    double scores[10];
} answer;

static answer pristine[NQ][NOPT];
static uint32_t pristine_nparas;
static char *pristine_text[8];   /* texts of the paragraphs para_id() picks */
static char *pristine_cite[8];   /* and their citations */
static size_t pristine_len[8];

/* The j-th paragraph the harness reads: the first four and the last four. */
static uint32_t para_id(uint32_t j, uint32_t n) {
    return j < 4 ? j : n - 1 - (j - 4);
}

static void opts_for(int k, aj_search_opts *o) {
    aj_search_opts_init(o);
    if (k == 1) {
        o->exact_total = 0;
    } else if (k == 2) {
        o->explain = 1;
        o->offset = 2;
        o->limit = 4;
    } else if (k == 3) {
        o->chrome = 1; /* the page chrome searched too */
    }
}

/* Runs query q; fills *a.  Returns the error. */
static aj_err ask(aj_searcher *s, int q, int k, answer *a, aj_ctx *c) {
    aj_search_opts o;
    opts_for(k, &o);
    const aj_results *r;
    memset(a, 0, sizeof *a);
    aj_err e = aj_search(c, s, queries[q], strlen(queries[q]), &o, &r);
    if (e) return e;
    a->ok = 1;
    a->total = r->total;
    a->nhits = r->nhits;
    for (size_t i = 0; i < r->nhits && i < 10; i++) {
        a->ids[i] = r->hits[i].id;
        a->scores[i] = r->hits[i].score;
    }
    return AJ_OK;
}

static int same_answer(const answer *a, const answer *b) {
    if (a->total != b->total || a->nhits != b->nhits) return 0;
    for (size_t i = 0; i < a->nhits && i < 10; i++)
        if (a->ids[i] != b->ids[i] || a->scores[i] != b->scores[i]) return 0;
    return 1;
}

static void write_seeds(const char *dir) {
    for (int f = 0; f < NFILES; f++)
        for (int m = 0; m < 2; m++) {
            char path[800];
            snprintf(path, sizeof path, "%s/%s-%s", dir, kinds[f],
                     m ? "bypass" : "checked");
            uint8_t *buf = malloc(orig_len[f] + 2);
            buf[0] = (uint8_t)f;
            buf[1] = (uint8_t)m;
            memcpy(buf + 2, orig[f], orig_len[f]);
            fz_write(path, buf, orig_len[f] + 2);
            free(buf);
        }
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    char *root;
    /* 2 documents of 70 paragraphs: "the" has 144 postings (two blocks,
     * a skip table); the files stay a few KiB. */
    aj_index *ix = fz_build_index("index", 2, 70, &root);
    aj_index_stats st;
    aj_index_stats_get(ix, &st);
    pristine_nparas = st.nparas;
    snprintf(indexdir, sizeof indexdir, "%s/index", root);
    snprintf(gendir, sizeof gendir, "%s/%s", indexdir, st.generation);
    for (int f = 0; f < NFILES; f++) {
        char path[700];
        snprintf(path, sizeof path, "%s/%s", gendir, names[f]);
        orig[f] = fz_read(path, &orig_len[f]);
        FZ_CHECK(orig[f] != NULL, "cannot read %s", path);
    }
    aj_searcher *s;
    aj_ctx c = {0};
    FZ_CHECK(aj_searcher_new(&c, ix, &s) == AJ_OK, "%s", c.msg);
    for (size_t q = 0; q < NQ; q++)
        for (int k = 0; k < NOPT; k++) {
            aj_ctx qc = {0};
            FZ_CHECK(ask(s, (int)q, k, &pristine[q][k], &qc) == AJ_OK,
                     "pristine query %zu: %s", q, qc.msg);
        }
    aj_searcher_free(s);
    for (uint32_t j = 0; j < 8; j++) {
        aj_ctx tc = {0};
        FZ_CHECK(aj_para_text(&tc, ix, para_id(j, st.nparas), &pristine_text[j],
                              &pristine_len[j]) == AJ_OK,
                 "pristine text: %s", tc.msg);
        aj_cite ct;
        FZ_CHECK(aj_para_cite(&tc, ix, para_id(j, st.nparas), &ct) == AJ_OK,
                 "pristine citation: %s", tc.msg);
        pristine_cite[j] = strdup(ct.cite);
        aj_cite_free(&ct);
    }
    aj_index_close(ix);
    const char *seeds = getenv("AJ_FUZZ_WRITE_SEEDS");
    if (seeds) write_seeds(seeds);
    rootdir = root;
    atexit(remove_root);
    return 0;
}

/* Builds a container around the input's payload that passes every check
 * the reader makes at open and on page verification. */
static uint8_t *fix_container(int f, const uint8_t *d, size_t n,
                              size_t *out_len) {
    uint8_t h[AJ_HEADER_BYTES] = {0};
    memcpy(h, d, n < AJ_HEADER_BYTES ? n : AJ_HEADER_BYTES);
    const uint8_t *pay = n > AJ_HEADER_BYTES ? d + AJ_HEADER_BYTES : d + n;
    uint64_t plen = n > AJ_HEADER_BYTES ? n - AJ_HEADER_BYTES : 0;
    /* A whole file (as in the seeds) keeps its payload and drops its old
     * checksum table. */
    uint64_t hp = 0;
    memcpy(&hp, h + 16, 8);
    uint64_t hpages = (hp + AJ_PAGE_BYTES - 1) / AJ_PAGE_BYTES;
    if (hp <= plen && plen - hp == 4 * hpages) plen = hp;
    uint32_t npages = (uint32_t)((plen + AJ_PAGE_BYTES - 1) / AJ_PAGE_BYTES);
    size_t total = AJ_HEADER_BYTES + plen + 4 * (size_t)npages;
    uint8_t *out = malloc(total ? total : 1);
    memcpy(out + AJ_HEADER_BYTES, pay, plen);
    uint8_t *table = out + AJ_HEADER_BYTES + plen;
    for (uint32_t pg = 0; pg < npages; pg++) {
        uint64_t off = (uint64_t)pg * AJ_PAGE_BYTES;
        uint64_t len = plen - off < AJ_PAGE_BYTES ? plen - off : AJ_PAGE_BYTES;
        uint32_t sum = (uint32_t)XXH3_64bits(pay + off, len);
        memcpy(table + 4 * pg, &sum, 4);
    }
    uint32_t version = AJ_FORMAT_VERSION, pagesz = AJ_PAGE_BYTES;
    memcpy(h, AJ_MAGIC, 8);
    memcpy(h + 8, &version, 4);
    memcpy(h + 12, kinds[f], 4);
    memcpy(h + 16, &plen, 8);
    /* h + 24: the section directory offset, as the input has it */
    memcpy(h + 32, &pagesz, 4);
    memcpy(h + 36, &npages, 4);
    uint64_t th = XXH3_64bits(table, 4 * (size_t)npages);
    memcpy(h + 40, &th, 8);
    memset(h + 48, 0, 8);
    uint64_t hh = XXH3_64bits(h, 56);
    memcpy(h + 56, &hh, 8);
    memcpy(out, h, AJ_HEADER_BYTES);
    *out_len = total;
    return out;
}

/* Do the file's own checksums all hold?  (In checked mode the fuzzer can
 * learn a checksum from a comparison and write it in; such a file is
 * valid as a container, so its answers need not be the intact ones.) */
static int container_valid(const uint8_t *d, size_t n) {
    if (n < AJ_HEADER_BYTES) return 0;
    uint64_t hh, th, plen;
    uint32_t npages;
    memcpy(&hh, d + 56, 8);
    if (hh != XXH3_64bits(d, 56)) return 0;
    memcpy(&plen, d + 16, 8);
    memcpy(&npages, d + 36, 4);
    if (plen > n || (uint64_t)npages * 4 > n - AJ_HEADER_BYTES ||
        AJ_HEADER_BYTES + plen + 4 * (uint64_t)npages != n)
        return 0;
    memcpy(&th, d + 40, 8);
    const uint8_t *table = d + AJ_HEADER_BYTES + plen;
    if (th != XXH3_64bits(table, 4 * (size_t)npages)) return 0;
    for (uint32_t pg = 0; pg < npages; pg++) {
        uint64_t off = (uint64_t)pg * AJ_PAGE_BYTES;
        uint64_t len = plen - off < AJ_PAGE_BYTES ? plen - off : AJ_PAGE_BYTES;
        uint32_t want;
        memcpy(&want, table + 4 * pg, 4);
        if ((uint32_t)XXH3_64bits(d + AJ_HEADER_BYTES + off, len) != want)
            return 0;
    }
    return 1;
}

static void expect_clean_error(aj_err e, const aj_ctx *c, const char *what) {
    FZ_CHECK(e == AJ_ECORRUPT || e == AJ_EVERSION,
             "%s: error %s (%s), expected a corruption report", what,
             aj_strerror(e), c->msg);
    FZ_CHECK(c->msg[0] != 0, "%s: error without a message", what);
}

static void exercise(aj_index *ix, int oracle) {
    aj_index_stats st;
    aj_index_stats_get(ix, &st);
    aj_searcher *s;
    aj_ctx c = {0};
    FZ_CHECK(aj_searcher_new(&c, ix, &s) == AJ_OK, "%s", c.msg);
    for (size_t q = 0; q < NQ; q++)
        for (int k = 0; k < NOPT; k++) {
            aj_ctx qc = {0};
            answer a;
            aj_err e = ask(s, (int)q, k, &a, &qc);
            if (e) {
                expect_clean_error(e, &qc, queries[q]);
                continue;
            }
            FZ_CHECK(a.total <= st.nparas, "total %llu above %u paragraphs",
                     (unsigned long long)a.total, st.nparas);
            for (size_t i = 0; i < a.nhits && i < 10; i++)
                FZ_CHECK(a.ids[i] < st.nparas, "hit %u of %u paragraphs",
                         a.ids[i], st.nparas);
            if (oracle)
                FZ_CHECK(same_answer(&a, &pristine[q][k]),
                         "query '%s' (options %d) answered wrongly: total "
                         "%llu, intact %llu",
                         queries[q], k, (unsigned long long)a.total,
                         (unsigned long long)pristine[q][k].total);
        }
    aj_searcher_free(s);

    /* Paragraph records and texts: the first few, the last few. */
    uint32_t n = st.nparas;
    for (uint32_t j = 0; j < 8 && j < n; j++) {
        uint32_t id = para_id(j, n);
        aj_ctx pc = {0};
        aj_para_info pi;
        aj_err e = aj_para_get(&pc, ix, id, &pi);
        if (e) expect_clean_error(e, &pc, "aj_para_get");
        aj_ctx tc = {0};
        char *text = NULL;
        size_t len = 0;
        e = aj_para_text(&tc, ix, id, &text, &len);
        if (e) {
            expect_clean_error(e, &tc, "aj_para_text");
        } else {
            FZ_CHECK(text[len] == 0, "text not terminated");
            if (oracle)
                FZ_CHECK(n == pristine_nparas && len == pristine_len[j] &&
                             memcmp(text, pristine_text[j], len) == 0,
                         "paragraph %u text differs from the intact index", id);
        }
        free(text);
        aj_ctx cc = {0};
        aj_cite ct;
        e = aj_para_cite(&cc, ix, id, &ct);
        if (e) {
            expect_clean_error(e, &cc, "aj_para_cite");
        } else {
            if (oracle)
                FZ_CHECK(n == pristine_nparas && !strcmp(ct.cite, pristine_cite[j]),
                         "paragraph %u citation differs from the intact index", id);
            aj_cite_free(&ct);
        }
    }
    for (uint32_t d = 0; d < st.ndocs && d < 4; d++) {
        aj_ctx dc = {0};
        aj_doc_info di;
        aj_err e = aj_doc_get(&dc, ix, d, &di);
        if (e) expect_clean_error(e, &dc, "aj_doc_get");
    }
    aj_ctx kc = {0};
    aj_err e = aj_index_check(&kc, ix);
    if (e) expect_clean_error(e, &kc, "aj_index_check");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2) return 0;
    int f = data[0] % NFILES, bypass = data[1] & 1;
    const uint8_t *body = data + 2;
    size_t n = size - 2;
    uint8_t *fixed = NULL;
    if (bypass) {
        fixed = fix_container(f, body, n, &n);
        body = fixed;
    }
    char path[700];
    snprintf(path, sizeof path, "%s/%s", gendir, names[f]);
    fz_write(path, body, n);

    /* Answers must be the intact ones when checksums are on, unless the
     * file is itself a valid container with other contents. */
    int oracle = !bypass && (n != orig_len[f] || memcmp(body, orig[f], n) != 0)
                     ? !container_valid(body, n)
                     : !bypass;
    aj_ctx c = {0};
    aj_index *ix = NULL;
    aj_err e = aj_index_open(&c, indexdir, &ix);
    if (e) {
        expect_clean_error(e, &c, "aj_index_open");
    } else {
        if (bypass) aj_index_set_verify(ix, 0);
        exercise(ix, oracle);
        aj_index_close(ix);
    }
    fz_write(path, orig[f], orig_len[f]);
    free(fixed);
    return 0;
}
