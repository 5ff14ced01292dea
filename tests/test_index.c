/* test_index.c - building and searching small corpora through the library:
 * BM25 arithmetic, boolean/phrase/prefix answers, determinism, atomic
 * replacement, and corruption detection by check. */
#include "helpers.h"

#include "build/build.h"

#include <math.h>
#include <sys/file.h>

#include "ajsearch.h"
#include "search/eval.h"
#include "analysis/segment.h"

typedef struct {
    char *root, corpus[4200], index[4200];
} tree;

static tree make_tree(void) {
    tree t;
    t.root = th_tmpdir();
    snprintf(t.corpus, sizeof t.corpus, "%s/corpus", t.root);
    snprintf(t.index, sizeof t.index, "%s/index", t.root);
    mkdir(t.corpus, 0755);
    return t;
}

static void drop_tree(tree *t) {
    th_rmtree(t->root);
    free(t->root);
}

static void build(const tree *t) {
    aj_ctx c = {0};
    aj_build_opts o = {.corpus_dir = t->corpus, .index_dir = t->index};
    aj_build_stats st;
    cr_assert_eq(aj_build(&c, &o, &st), AJ_OK, "build: %s", c.msg);
}

typedef struct {
    uint64_t total;
    size_t n;
    uint32_t ids[64];
    double scores[64];
} answer;

static answer search(const tree *t, const char *q, uint32_t limit) {
    aj_ctx c = {0};
    aj_index *ix;
    aj_searcher *s;
    cr_assert_eq(aj_index_open(&c, t->index, &ix), AJ_OK, "%s", c.msg);
    cr_assert_eq(aj_searcher_new(&c, ix, &s), AJ_OK);
    aj_search_opts o;
    aj_search_opts_init(&o);
    o.rank = AJ_RANK_BM25; /* these tests check the textbook scores */
    o.limit = limit;
    const aj_results *r;
    cr_assert_eq(aj_search(&c, s, q, strlen(q), &o, &r), AJ_OK, "'%s': %s", q,
                 c.msg);
    answer a = {r->total, r->nhits < 64 ? r->nhits : 64, {0}, {0}};
    for (size_t i = 0; i < a.n; i++) {
        a.ids[i] = r->hits[i].id;
        a.scores[i] = r->hits[i].score;
    }
    aj_searcher_free(s);
    aj_index_close(ix);
    return a;
}

Test(bm25, formula_by_hand) {
    /* N = 10, df = 2: idf = ln(1 + 8.5 / 2.5) = ln(4.4) */
    cr_assert_float_eq(aj_bm25_idf(10, 2), log(4.4), 1e-12);
    /* tf 3, dl = avgdl: norm = k1, score = idf * 3 * 2.2 / (3 + 1.2) */
    double idf = log(4.4);
    cr_assert_float_eq(aj_bm25(idf, 3, 20, 20.0, 1.2, 0.75), idf * 6.6 / 4.2,
                       1e-12);
    /* b = 0: length does not matter. */
    cr_assert_float_eq(aj_bm25(idf, 1, 1000, 10.0, 1.2, 0.0),
                       aj_bm25(idf, 1, 1, 10.0, 1.2, 0.0), 1e-12);
    /* Longer paragraphs score lower with b > 0; more tf scores higher. */
    cr_assert_gt(aj_bm25(idf, 1, 5, 10.0, 1.2, 0.75), aj_bm25(idf, 1, 50, 10.0, 1.2, 0.75));
    cr_assert_gt(aj_bm25(idf, 2, 10, 10.0, 1.2, 0.75), aj_bm25(idf, 1, 10, 10.0, 1.2, 0.75));
    /* Rare terms weigh more; idf stays positive even when df = N. */
    cr_assert_gt(aj_bm25_idf(100, 1), aj_bm25_idf(100, 50));
    cr_assert_gt(aj_bm25_idf(100, 100), 0.0);
}

static const char doc_a[] =
    "Maritime security matters.\n\n"
    "Security of the sea and maritime law.\n\n"
    "Cooperation on cybersecurity and cooperative research.\n";
static const char doc_b[] =
    "The South China Sea is large.\n\n"
    "China and the sea south of it.\n\n"
    "Nguyễn Xuân Phúc spoke.\n";

Test(index, boolean_phrase_prefix_answers) {
    tree t = make_tree();
    char dir[4300];
    th_write_str(t.corpus, "a.txt", doc_a);
    th_write_str(t.corpus, "b.md", doc_b);
    snprintf(dir, sizeof dir, "%s/sub", t.corpus);
    mkdir(dir, 0755);
    th_write_str(dir, "c.txt", "Another maritime note.\n");
    /* told by its bytes: a binary file, whatever its name, is skipped */
    th_write(t.corpus, "ignored.txt", "maritime\0maritime\n", 18);
    build(&t);
    /* ids: a.txt 0..2, b.md 3..5, sub/c.txt 6 */
    answer a = search(&t, "maritime", 10);
    cr_assert_eq(a.total, 3);
    a = search(&t, "maritime security", 10);
    cr_assert_eq(a.total, 2);
    a = search(&t, "maritime OR china", 10);
    cr_assert_eq(a.total, 5);
    a = search(&t, "maritime NOT law", 10);
    cr_assert_eq(a.total, 2);
    a = search(&t, "maritime -security", 10);
    cr_assert_eq(a.total, 1);
    cr_assert_eq(a.ids[0], 6);
    a = search(&t, "\"south china sea\"", 10);
    cr_assert_eq(a.total, 1);
    cr_assert_eq(a.ids[0], 3);
    a = search(&t, "\"sea south\"", 10);
    cr_assert_eq(a.total, 1);
    cr_assert_eq(a.ids[0], 4);
    a = search(&t, "cooperat*", 10);
    cr_assert_eq(a.total, 1);
    a = search(&t, "nguyen xuan phuc", 10);
    cr_assert_eq(a.total, 1);
    cr_assert_eq(a.ids[0], 5);
    a = search(&t, "absentword", 10);
    cr_assert_eq(a.total, 0);
    /* Ties are broken by id: 'sea' appears once in 3 equal-length
     * paragraphs? Not quite; just check ordering is by score then id. */
    a = search(&t, "sea OR maritime", 10);
    for (size_t i = 1; i < a.n; i++)
        cr_assert(a.scores[i - 1] > a.scores[i] ||
                      (a.scores[i - 1] == a.scores[i] && a.ids[i - 1] < a.ids[i]),
                  "order at %zu", i);
    drop_tree(&t);
}

Test(index, scores_are_bm25) {
    tree t = make_tree();
    /* Three paragraphs: lengths 2, 3, 1. */
    th_write_str(t.corpus, "d.txt", "alpha beta\n\nalpha alpha gamma\n\ndelta\n");
    build(&t);
    answer a = search(&t, "alpha", 10);
    cr_assert_eq(a.total, 2);
    double avgdl = 6.0 / 3.0, idf = log(1 + (3 - 2 + 0.5) / (2 + 0.5));
    double s0 = idf * 1 * 2.2 / (1 + 1.2 * (0.25 + 0.75 * 2 / avgdl));
    double s1 = idf * 2 * 2.2 / (2 + 1.2 * (0.25 + 0.75 * 3 / avgdl));
    cr_assert_eq(a.ids[0], 1);
    cr_assert_float_eq(a.scores[0], s1, 1e-9);
    cr_assert_float_eq(a.scores[1], s0, 1e-9);
    drop_tree(&t);
}

static char *slurp_index(const tree *t, const char *name, size_t *n) {
    char path[4400];
    char gen[256] = {0};
    cr_assert_gt(th_current(t->index, gen, sizeof gen), 0);
    snprintf(path, sizeof path, "%s/%s/%s", t->index, gen, name);
    return th_read(path, n);
}

Test(index, deterministic_builds) {
    tree t = make_tree();
    th_write_str(t.corpus, "a.txt", doc_a);
    th_write_str(t.corpus, "b.txt", doc_b);
    const char *files[] = {"meta.aj", "dict.aj", "post.aj", "posn.aj", "stor.aj"};
    build(&t);
    char *first[5];
    size_t n1[5];
    for (int i = 0; i < 5; i++) first[i] = slurp_index(&t, files[i], &n1[i]);
    build(&t);
    for (int i = 0; i < 5; i++) {
        size_t n2;
        char *again = slurp_index(&t, files[i], &n2);
        cr_assert_not_null(again);
        cr_assert_not_null(first[i]);
        cr_assert_eq(n1[i], n2, "%s size differs", files[i]);
        cr_assert_eq(memcmp(first[i], again, n2), 0, "%s differs", files[i]);
        free(again);
        free(first[i]);
    }
    drop_tree(&t);
}

Test(index, failed_build_keeps_old_index) {
    tree t = make_tree();
    th_write_str(t.corpus, "a.txt", doc_a);
    build(&t);
    answer before = search(&t, "maritime", 10);
    /* A build from a corpus that does not exist fails and changes nothing. */
    aj_ctx c = {0};
    char missing[4300];
    snprintf(missing, sizeof missing, "%s/nope", t.root);
    aj_build_opts o = {.corpus_dir = missing, .index_dir = t.index};
    cr_assert_neq(aj_build(&c, &o, NULL), AJ_OK);
    answer after = search(&t, "maritime", 10);
    cr_assert_eq(after.total, before.total);
    /* Leftovers of a killed build do not matter and are cleaned. */
    char junk[4400];
    snprintf(junk, sizeof junk, "%s/.build-99999", t.index);
    mkdir(junk, 0755);
    th_write_str(junk, "post.aj", "half written");
    after = search(&t, "maritime", 10);
    cr_assert_eq(after.total, before.total);
    build(&t);
    struct stat st;
    cr_assert_neq(stat(junk, &st), 0, "stale build directory removed");
    drop_tree(&t);
}

Test(index, concurrent_build_is_refused) {
    tree t = make_tree();
    th_write_str(t.corpus, "a.txt", doc_a);
    build(&t);
    char lock[4400];
    snprintf(lock, sizeof lock, "%s/LOCK", t.index);
    int fd = open(lock, O_RDWR);
    cr_assert(fd >= 0);
    cr_assert_eq(flock(fd, LOCK_EX), 0);
    aj_ctx c = {0};
    aj_build_opts o = {.corpus_dir = t.corpus, .index_dir = t.index};
    cr_assert_eq(aj_build(&c, &o, NULL), AJ_EBUSY);
    cr_assert(strstr(c.msg, "another build") != NULL, "%s", c.msg);
    close(fd);
    build(&t);
    drop_tree(&t);
}

Test(index, check_detects_damage) {
    tree t = make_tree();
    th_write_str(t.corpus, "a.txt", doc_a);
    th_write_str(t.corpus, "b.txt", doc_b);
    build(&t);
    aj_ctx c = {0};
    aj_index *ix;
    cr_assert_eq(aj_index_open(&c, t.index, &ix), AJ_OK);
    cr_assert_eq(aj_index_check(&c, ix), AJ_OK, "%s", c.msg);
    aj_index_close(ix);
    /* Flip one byte of the postings payload. */
    char path[4400], gen[256] = {0};
    cr_assert_gt(th_current(t.index, gen, sizeof gen), 0);
    snprintf(path, sizeof path, "%s/%s/post.aj", t.index, gen);
    int fd = open(path, O_RDWR);
    uint8_t b;
    cr_assert_eq(pread(fd, &b, 1, 70), 1);
    b ^= 1;
    cr_assert_eq(pwrite(fd, &b, 1, 70), 1);
    close(fd);
    /* Detected when opening (the page holds the section directory) or by
     * check; either way the message names the file. */
    aj_ctx c2 = {0};
    aj_err e = aj_index_open(&c2, t.index, &ix);
    if (e == AJ_OK) {
        e = aj_index_check(&c2, ix);
        aj_index_close(ix);
    }
    cr_assert_eq(e, AJ_ECORRUPT);
    cr_assert(strstr(c2.msg, "post.aj") != NULL, "%s", c2.msg);
    drop_tree(&t);
}

/* A corpus of n documents of random words (some long documents). */
/* Random documents; with chrome, each opens with a menu of eight short
 * lines of the same words (page chrome) and ends with "Back to top". */
static void random_corpus_chrome(const tree *t, int ndocs, uint64_t seed, int chrome);

static void random_corpus(const tree *t, int ndocs, uint64_t seed) {
    random_corpus_chrome(t, ndocs, seed, 0);
}

static void random_corpus_chrome(const tree *t, int ndocs, uint64_t seed, int chrome) {
    static const char *words[] = {"alpha", "beta", "gamma", "delta", "sea", "south",
                                  "china", "maritime", "security", "cooperation",
                                  "cooperative", "the", "of", "and", "Nguyễn", "x1",
                                  "241.1", "ASEAN-Japan", "covid19", "lord"};
    uint64_t s = seed;
    for (int d = 0; d < ndocs; d++) {
        size_t cap = 1 << 16, n = 0;
        char *buf = malloc(cap);
        if (chrome) {
            static const char menu[] = "Alpha\nSea\nThe lord\nBeta\nMaritime\nGamma\n"
                                       "Security\nDelta of\n\n";
            memcpy(buf, menu, sizeof menu - 1);
            n = sizeof menu - 1;
        }
        int paras = 1 + (int)(th_rand(&s) % (d % 7 == 0 ? 300 : 30));
        for (int p = 0; p < paras; p++) {
            int nw = 1 + (int)(th_rand(&s) % 40);
            for (int w = 0; w < nw; w++) {
                const char *x = words[th_rand(&s) % 20];
                size_t k = strlen(x);
                if (n + k + 4 > cap) buf = realloc(buf, cap *= 2);
                memcpy(buf + n, x, k);
                n += k;
                buf[n++] = ' ';
            }
            buf[n - 1] = '.';
            buf[n++] = '\n';
            buf[n++] = '\n';
        }
        if (chrome) {
            if (n + 16 > cap) buf = realloc(buf, cap *= 2);
            memcpy(buf + n, "Back to top\n", 12);
            n += 12;
        }
        char name[64];
        snprintf(name, sizeof name, "d%03d.txt", d);
        th_write(t->corpus, name, buf, n);
        free(buf);
    }
}

static void build_with(const tree *t, const char *index, int threads,
                       uint64_t memory, uint32_t chunk, uint32_t seg, uint32_t *nruns) {
    aj_ctx c = {0};
    aj_build_opts o = {.corpus_dir = t->corpus, .index_dir = index, .threads = threads,
                       .memory = memory};
    aj_build_stats st;
    cr_assert_eq(aj_build_units(&c, &o, chunk, seg, &st), AJ_OK, "build: %s", c.msg);
    if (nruns) *nruns = st.nruns;
}

static char *gen_file(const char *index, const char *name, size_t *n) {
    char path[4400], gen[256] = {0};
    cr_assert_gt(th_current(index, gen, sizeof gen), 0);
    snprintf(path, sizeof path, "%s/%s/%s", index, gen, name);
    return th_read(path, n);
}

/* Asserts that the live generations of indexes a and b hold the same five
 * files, byte for byte; how: what b's build did differently. */
static void assert_same_files(const char *a, const char *b, const char *how) {
    static const char *const files[] = {"meta.aj", "dict.aj", "post.aj", "posn.aj", "stor.aj"};
    for (int i = 0; i < 5; i++) {
        size_t na, nb;
        char *fa = gen_file(a, files[i], &na), *fb = gen_file(b, files[i], &nb);
        cr_assert(na == nb && !memcmp(fa, fb, na), "%s differs %s", files[i], how);
        free(fa);
        free(fb);
    }
}

/* Checks an index's every checksum and invariant. */
static void assert_checks(const char *index) {
    aj_ctx c = {0};
    aj_index *ix;
    cr_assert_eq(aj_index_open(&c, index, &ix), AJ_OK);
    cr_assert_eq(aj_index_check(&c, ix), AJ_OK, "%s", c.msg);
    aj_index_close(ix);
}

/* A vocabulary that does not repeat (random tokens, with words that do
 * recur among them): past the first, large segments of new keys go to
 * runs of their own without the global table, even with a budget that
 * nothing fills, and the files are those of one export in memory. */
Test(index, same_bytes_when_exports_go_straight_to_runs) {
    tree t = make_tree();
    uint64_t s = 2718;
    static const char *common[] = {"sea", "seas", "running", "runs", "security",
                                   "maritime", "cooperation"};
    static const char *ends[] = {"", "s", "ing", "ed", "ation"};
    for (int d = 0; d < 2; d++) {
        size_t cap = 1u << 22, n = 0;
        char *buf = malloc(cap);
        cr_assert(buf);
        for (int p = 0; p < 300; p++) {
            for (int w = 0; w < 200; w++) {
                if (th_rand(&s) % 8 == 0) {
                    n += (size_t)sprintf(buf + n, "%s ", common[th_rand(&s) % 7]);
                    continue;
                }
                int len = 5 + (int)(th_rand(&s) % 6);
                for (int k = 0; k < len; k++) buf[n++] = (char)('a' + th_rand(&s) % 26);
                n += (size_t)sprintf(buf + n, "%s ", ends[th_rand(&s) % 5]);
            }
            /* a sentence ends it (else the segmenter takes the next
             * paragraph for its continuation, as of a hard-wrapped page) */
            n += (size_t)sprintf(buf + n, "end.\n\n");
            cr_assert(n + 8192 < cap);
        }
        char name[64];
        snprintf(name, sizeof name, "r%d.txt", d);
        th_write(t.corpus, name, buf, n);
        free(buf);
    }
    char a[4200], b[4200], d[4200];
    snprintf(a, sizeof a, "%s/a", t.root);
    snprintf(b, sizeof b, "%s/b", t.root);
    snprintf(d, sizeof d, "%s/d", t.root);
    uint32_t runs_a = 0, runs_b = 0, runs_d = 0;
    /* one chunk, one segment, one export (a budget large enough for the
     * worker to keep every key): all in memory */
    build_with(&t, a, 1, 8ull << 30, 1u << 30, 0, &runs_a);
    cr_assert_eq(runs_a, 0);
    /* segments of 24,000 tokens, about 21,000 new keys each */
    build_with(&t, b, 1, 0, 1u << 30, 24000, &runs_b);
    cr_assert_gt(runs_b, 2, "segments of new keys went to runs of their own (%u runs)", runs_b);
    build_with(&t, d, 2, 0, 65536, 24000, &runs_d);
    cr_assert_gt(runs_d, 2, "%u runs with two threads", runs_d);
    assert_same_files(a, b, "with straight runs");
    assert_same_files(a, d, "with two threads");
    assert_checks(b);
    snprintf(t.index, sizeof t.index, "%s", b);
    cr_assert_gt(search(&t, "maritime security", 10).total, 0);
    cr_assert_eq(search(&t, "runs", 10).total, search(&t, "running", 10).total);
    drop_tree(&t);
}

/* One large document among small ones: its worker gets an analysis
 * thread (build.c, pool_workers) and the others wait for none; the files
 * are those of one thread, with and without runs. */
Test(index, same_bytes_with_one_large_document_among_small_ones) {
    tree t = make_tree();
    uint64_t s = 31337;
    size_t cap = 1u << 22, n = 0;
    char *buf = malloc(cap);
    cr_assert(buf);
    for (int p = 0; p < 1500; p++) {
        for (int w = 0; w < 60; w++) {
            int len = 2 + (int)(th_rand(&s) % 8);
            for (int k = 0; k < len; k++) buf[n++] = (char)('a' + th_rand(&s) % 26);
            n += (size_t)sprintf(buf + n, "%s ", w % 9 ? "" : " the sea");
        }
        n += (size_t)sprintf(buf + n, "end.\n\n");
        cr_assert(n + 4096 < cap);
    }
    th_write(t.corpus, "big.txt", buf, n);
    free(buf);
    th_write_str(t.corpus, "a.txt", "Maritime security in the region.\n");
    th_write_str(t.corpus, "b.txt", "Cooperation on the sea lanes.\n");
    char a[4200], b[4200], d[4200];
    snprintf(a, sizeof a, "%s/a", t.root);
    snprintf(b, sizeof b, "%s/b", t.root);
    snprintf(d, sizeof d, "%s/d", t.root);
    uint32_t runs = 0;
    build_with(&t, a, 1, 0, 65536, 20000, NULL);
    build_with(&t, b, 2, 0, 65536, 20000, NULL);
    build_with(&t, d, 2, 20u << 20, 65536, 20000, &runs);
    cr_assert_gt(runs, 0, "the small budget spilled runs");
    assert_same_files(a, b, "with two threads");
    assert_same_files(a, d, "with two threads and runs");
    drop_tree(&t);
}

/* A large vocabulary that repeats (40,000 words drawn at random): the
 * worker forgets its keys again and again, and its hand-overs, though
 * new to its tables, are no vocabulary that never repeats: they go to
 * the coordinator's table, and a budget it does not fill writes no run. */
Test(index, a_vocabulary_that_repeats_is_not_taken_for_new) {
    tree t = make_tree();
    uint64_t s = 4141;
    size_t cap = 1u << 23, n = 0;
    char *buf = malloc(cap);
    cr_assert(buf);
    for (int p = 0; p < 2000; p++) {
        for (int w = 0; w < 200; w++) {
            uint64_t v = th_rand(&s) % 40000;
            buf[n++] = 'q';
            for (int k = 0; k < 4; k++, v /= 26) buf[n++] = (char)('a' + v % 26);
            buf[n++] = ' ';
        }
        n += (size_t)sprintf(buf + n, "end.\n\n");
        cr_assert(n + 4096 < cap);
    }
    th_write(t.corpus, "zipf.txt", buf, n);
    free(buf);
    char a[4200], b[4200];
    snprintf(a, sizeof a, "%s/a", t.root);
    snprintf(b, sizeof b, "%s/b", t.root);
    uint32_t runs = 0;
    /* a worker's share of 128 MiB is 16 MiB: it forgets about every
     * 30,000 keys, and its hand-overs are over 16,384 keys */
    build_with(&t, a, 1, 128ull << 20, 1u << 30, 0, &runs);
    cr_assert_eq(runs, 0, "%u runs for a vocabulary that repeats", runs);
    build_with(&t, b, 1, 8ull << 30, 1u << 30, 0, NULL);
    assert_same_files(a, b, "when the worker forgets");
    drop_tree(&t);
}

Test(index, same_bytes_for_any_threads_and_memory) {
    tree t = make_tree();
    random_corpus(&t, 60, 77);
    char a[4400], b[4400], d[4400];
    snprintf(a, sizeof a, "%s/a", t.root);
    snprintf(b, sizeof b, "%s/b", t.root);
    snprintf(d, sizeof d, "%s/d", t.root);
    uint32_t runs = 0;
    /* Small chunks and segments so several threads really share the work
     * and long documents are cut; a tiny memory budget forces many runs. */
    build_with(&t, a, 1, 0, 4096, 500, NULL);
    build_with(&t, b, 4, 0, 4096, 500, NULL);
    build_with(&t, d, 3, 20000, 4096, 500, &runs);
    cr_assert_gt(runs, 3, "the small budget spilled runs (%u)", runs);
    assert_same_files(a, b, "with 4 threads");
    assert_same_files(a, d, "with runs");
    assert_checks(d);
    drop_tree(&t);
}

/* Dynamic pruning returns exactly the hits and scores of scoring every
 * match, for single terms (block-max) and ORs (MaxScore), at every k. */
static void pruning_is_exact_on(int chrome_pages, int search_chrome);

Test(index, pruning_is_exact) { pruning_is_exact_on(0, 0); }

/* The pruned paths leave page chrome out themselves (or take it in with
 * aj_search_opts.chrome) and stay exact. */
Test(index, pruning_is_exact_with_page_chrome) {
    pruning_is_exact_on(1, 0);
    pruning_is_exact_on(1, 1);
}

static void pruning_is_exact_on(int chrome_pages, int search_chrome) {
    tree t = make_tree();
    random_corpus_chrome(&t, 40, 5, chrome_pages);
    build(&t);
    aj_ctx c = {0};
    aj_index *ix;
    aj_searcher *s;
    cr_assert_eq(aj_index_open(&c, t.index, &ix), AJ_OK);
    cr_assert_eq(aj_searcher_new(&c, ix, &s), AJ_OK);
    aj_index_stats st;
    aj_index_stats_get(ix, &st);
    cr_assert_eq(st.nchrome, chrome_pages ? 40u * 9 : 0u, "%u chrome paragraphs", st.nchrome);
    static const char *clauses[] = {"alpha", "beta", "the", "of", "sea", "lord",
                                    "\"south china\"", "coop*", "nguyen", "x1",
                                    "maritime", "security", "zzzz"};
    uint64_t rs = 9;
    uint32_t ks[] = {1, 3, 10, 50};
    for (int q = 0; q < 300; q++) {
        char query[256] = "";
        int n = 1 + (int)(th_rand(&rs) % 5);
        for (int i = 0; i < n; i++) {
            if (i) strcat(query, " OR ");
            strcat(query, clauses[th_rand(&rs) % 13]);
        }
        uint32_t k = ks[q % 4];
        aj_search_opts o;
        aj_search_opts_init(&o);
        o.limit = k;
        o.chrome = search_chrome;
        const aj_results *r;
        cr_assert_eq(aj_search(&c, s, query, strlen(query), &o, &r), AJ_OK, "%s", c.msg);
        size_t nh = r->nhits;
        for (size_t i = 0; chrome_pages && !search_chrome && i < nh; i++) {
            aj_para_info p;
            cr_assert_eq(aj_para_get(&c, ix, r->hits[i].id, &p), AJ_OK);
            cr_assert_neq(p.kind, AJ_PARA_CHROME, "'%s': chrome paragraph %u found", query,
                          p.id);
        }
        uint32_t ids[64];
        double sc[64];
        for (size_t i = 0; i < nh; i++) ids[i] = r->hits[i].id, sc[i] = r->hits[i].score;
        o.exact_total = 0;
        cr_assert_eq(aj_search(&c, s, query, strlen(query), &o, &r), AJ_OK, "%s", c.msg);
        cr_assert_eq(r->nhits, nh, "'%s' k=%u: %zu hits pruned, %zu exact", query, k,
                     r->nhits, nh);
        for (size_t i = 0; i < nh; i++) {
            cr_assert_eq(r->hits[i].id, ids[i], "'%s' k=%u rank %zu", query, k, i);
            cr_assert_eq(r->hits[i].score, sc[i], "'%s' k=%u rank %zu score", query, k, i);
        }
    }
    aj_searcher_free(s);
    aj_index_close(ix);
    drop_tree(&t);
}

/* The build's word table keeps words of up to 19 bytes inline and sends
 * longer ones to the inverter's table, and it grows as the vocabulary
 * does: words on both sides of the limit that share their first 19 bytes,
 * among 30,000 others, must each keep their own paragraphs. */
Test(index, words_at_the_word_table_limit) {
    tree t = make_tree();
    const char *w19 = "qzxjqzxjqzxjqzxjqzx", *w20a = "qzxjqzxjqzxjqzxjqzxj",
               *w20b = "qzxjqzxjqzxjqzxjqzxk";
    size_t cap = 4u << 20, n = 0;
    char *text = malloc(cap);
    cr_assert(text);
    for (int i = 0; i < 300; i++) {
        if (i % 2 == 0) n += (size_t)sprintf(text + n, "%s ", w19);
        if (i % 3 == 0) n += (size_t)sprintf(text + n, "%s ", w20a);
        if (i % 5 == 0) n += (size_t)sprintf(text + n, "%s ", w20b);
        for (int j = 0; j < 100; j++) {
            /* a distinct filler word: the number i * 100 + j in letters */
            unsigned v = (unsigned)(i * 100 + j);
            char w[16];
            int k = 0;
            w[k++] = 'f';
            do w[k++] = (char)('a' + v % 26), v /= 26;
            while (v);
            w[k] = 0;
            n += (size_t)sprintf(text + n, "%s ", w);
        }
        n += (size_t)sprintf(text + n, "end.\n\n");
        cr_assert(n + 4096 < cap);
    }
    text[n] = 0;
    th_write_str(t.corpus, "words.txt", text);
    free(text);
    build(&t);
    cr_assert_eq(search(&t, w19, 10).total, 150);
    cr_assert_eq(search(&t, w20a, 10).total, 100);
    cr_assert_eq(search(&t, w20b, 10).total, 60);
    /* w20a's prefix is itself; w19's matches all three words */
    cr_assert_eq(search(&t, "qzxjqzxjqzxjqzxjqzxj*", 10).total, 100);
    cr_assert_eq(search(&t, "qzxjqzxjqzxjqzxjqzx*", 10).total, 220);
    /* fillers from the middle and the end of the vocabulary */
    cr_assert_eq(search(&t, "fyew", 10).total, 1);   /* 15,000 */
    cr_assert_eq(search(&t, "fvjsb", 10).total, 1);   /* 29,999 */
    drop_tree(&t);
}

/* ---- metadata.tsv: repeated documents and invalid dates ---- */

typedef struct {
    int n;
    int kinds[16];
    char paths[16][64], reasons[16][400];
} warnings;

static void collect_warning(void *arg, int kind, const char *path, const char *reason) {
    warnings *w = arg;
    if (w->n == 16) return;
    w->kinds[w->n] = kind;
    snprintf(w->paths[w->n], sizeof w->paths[0], "%s", path);
    snprintf(w->reasons[w->n], sizeof w->reasons[0], "%s", reason);
    w->n++;
}

/* The document of ix at path (its strings live as long as ix). */
static aj_doc_info doc_at(aj_index *ix, const char *path) {
    aj_ctx c = {0};
    aj_index_stats st;
    aj_index_stats_get(ix, &st);
    for (uint32_t i = 0; i < st.ndocs; i++) {
        aj_doc_info d;
        cr_assert_eq(aj_doc_get(&c, ix, i, &d), AJ_OK, "%s", c.msg);
        if (!strcmp(d.path, path)) return d;
    }
    cr_assert_fail("no document %s", path);
    return (aj_doc_info){0};
}

static const char *doc_date(aj_index *ix, const char *path) { return doc_at(ix, path).date; }
static const char *doc_title(aj_index *ix, const char *path) { return doc_at(ix, path).title; }

Test(index, metadata_repeats_and_dates_warn) {
    tree t = make_tree();
    const char *names[] = {"a.txt", "b.txt", "c.txt", "d.txt", "e.txt", "f.txt", "g.txt",
                           "h.txt"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        th_write_str(t.corpus, names[i], "Some maritime text.\n");
    th_write_str(t.corpus, "metadata.tsv",
                 "# file\tdate\tsource\ttitle\n"   /* 1 */
                 "a.txt\t2024\tsrc\tFirst A\n"      /* 2 */
                 "b.txt\tnot-a-date\tsrc\tB\n"      /* 3 */
                 "a.txt\t2023-12\tsrc\tSecond A\n"  /* 4: repeats line 2, wins */
                 "c.txt\t2024-02-29\t\tC\n"         /* 5: a leap day */
                 "d.txt\t2023-02-29\t\tD\n"         /* 6: not a leap year */
                 "e.txt\t1900-02-29\t\tE\n"         /* 7: nor is 1900 */
                 "f.txt\t2024-13\t\tF\n"            /* 8 */
                 "g.txt\t2024-04-31\t\tG\n"         /* 9 */
                 "h.txt\t\t\tH\n"                   /* 10: no date is fine */
                 "c.txt\t2000-02-29\t\tC2\n");      /* 11: repeats line 5 */
    warnings w = {0};
    aj_ctx c = {0};
    aj_build_opts o = {.corpus_dir = t.corpus, .index_dir = t.index,
                       .warn = collect_warning, .warn_arg = &w};
    aj_build_stats st;
    cr_assert_eq(aj_build(&c, &o, &st), AJ_OK, "%s", c.msg);
    cr_assert_eq(st.nskipped, 0, "metadata warnings skip no file");
    static const char *const want[] = {
        "line 3: the date 'not-a-date' is not YYYY, YYYY-MM or YYYY-MM-DD; b.txt is "
        "indexed without a date",
        "line 4 repeats the document of line 2 (a.txt); line 4 is used",
        "line 6: the date '2023-02-29' is not a day of the calendar; d.txt is indexed "
        "without a date",
        "line 7: the date '1900-02-29' is not a day of the calendar; e.txt is indexed "
        "without a date",
        "line 8: the date '2024-13' has no month of that number; f.txt is indexed "
        "without a date",
        "line 9: the date '2024-04-31' is not a day of the calendar; g.txt is indexed "
        "without a date",
        "line 11 repeats the document of line 5 (c.txt); line 11 is used",
    };
    size_t nwant = sizeof want / sizeof *want;
    cr_assert_eq(w.n, (int)nwant, "%d warnings, the first: %s", w.n, w.reasons[0]);
    for (size_t i = 0; i < nwant; i++) {
        cr_assert_eq(w.kinds[i], AJ_WARN_METADATA, "warning %zu: kind %d", i, w.kinds[i]);
        cr_assert_str_eq(w.paths[i], "metadata.tsv");
        cr_assert_str_eq(w.reasons[i], want[i]);
    }
    aj_index *ix;
    cr_assert_eq(aj_index_open(&c, t.index, &ix), AJ_OK, "%s", c.msg);
    cr_assert_str_eq(doc_date(ix, "a.txt"), "2023-12");
    cr_assert_str_eq(doc_title(ix, "a.txt"), "Second A");
    cr_assert_str_eq(doc_date(ix, "b.txt"), "");
    cr_assert_str_eq(doc_title(ix, "b.txt"), "B", "an invalid date drops only the date");
    cr_assert_str_eq(doc_date(ix, "c.txt"), "2000-02-29");
    cr_assert_str_eq(doc_title(ix, "c.txt"), "C2");
    cr_assert_str_eq(doc_date(ix, "d.txt"), "");
    cr_assert_str_eq(doc_date(ix, "h.txt"), "");
    aj_index_close(ix);
    drop_tree(&t);
}

/* A vocabulary of tens of thousands of words, nearly all distinct, with
 * words that are their own term and the only word of it, words that share
 * a term with others (run, runs, running) and terms no word is spelled
 * as: with a budget of a few kilobytes the global inversion spills its
 * keys to runs again and again and every worker forgets its keys many
 * times over, and the files stay those of one thread in memory. */
Test(index, same_bytes_for_a_vocabulary_of_any_size) {
    tree t = make_tree();
    uint64_t s = 1313;
    static const char *stems[] = {"run", "runs", "running", "connect", "connected",
                                  "connection", "happy", "happiness", "sea"};
    for (int d = 0; d < 6; d++) {
        size_t cap = 1u << 20, n = 0;
        char *buf = malloc(cap);
        cr_assert(buf);
        for (int p = 0; p < 200; p++) {
            for (int w = 0; w < 60; w++) {
                if (th_rand(&s) % 8 == 0) {
                    n += (size_t)sprintf(buf + n, "%s ", stems[th_rand(&s) % 9]);
                    continue;
                }
                int len = 3 + (int)(th_rand(&s) % 9);
                for (int k = 0; k < len; k++) buf[n++] = (char)('a' + th_rand(&s) % 26);
                buf[n++] = ' ';
            }
            buf[n++] = '\n';
            buf[n++] = '\n';
            cr_assert(n + 4096 < cap);
        }
        char name[64];
        snprintf(name, sizeof name, "v%d.txt", d);
        th_write(t.corpus, name, buf, n);
        free(buf);
    }
    char a[4200], b[4200];
    snprintf(a, sizeof a, "%s/a", t.root);
    snprintf(b, sizeof b, "%s/b", t.root);
    uint32_t runs = 0;
    build_with(&t, a, 1, 0, 0, 0, NULL);
    build_with(&t, b, 3, 20000, 4096, 500, &runs);
    cr_assert_gt(runs, 10, "the small budget spilled keys to runs (%u)", runs);
    assert_same_files(a, b, "with runs");
    assert_checks(b);
    /* runs, runs* and run find the words of the term as ever */
    snprintf(t.index, sizeof t.index, "%s", b);
    cr_assert_gt(search(&t, "running", 10).total, 0);
    cr_assert_eq(search(&t, "runs", 10).total, search(&t, "running", 10).total);
    drop_tree(&t);
}

/* A title from metadata.tsv longer than a page of STRINGS (up to the
 * line limit) is stored and read back whole, and the index checks clean:
 * the reader once looked only 4 KiB ahead for a string's end. */
Test(index, long_metadata_title_reads_back) {
    tree t = make_tree();
    th_write_str(t.corpus, "a.txt", "Some maritime text.\n");
    th_write_str(t.corpus, "b.txt", "Other maritime words.\n");
    size_t n = 20000;
    char *line = malloc(n + 64), *title = malloc(n + 1);
    for (size_t i = 0; i < n; i++) title[i] = (char)('a' + i % 26);
    title[n] = 0;
    snprintf(line, n + 64, "a.txt\t2024\tsrc\t%s\nb.txt\t2024\tsrc\tB\n", title);
    th_write_str(t.corpus, "metadata.tsv", line);
    build(&t);
    aj_ctx c = {0};
    aj_index *ix;
    cr_assert_eq(aj_index_open(&c, t.index, &ix), AJ_OK, "%s", c.msg);
    cr_assert_str_eq(doc_title(ix, "a.txt"), title);
    cr_assert_str_eq(doc_title(ix, "b.txt"), "B");
    cr_assert_eq(aj_index_check(&c, ix), AJ_OK, "%s", c.msg);
    aj_index_close(ix);
    free(line);
    free(title);
    drop_tree(&t);
}
