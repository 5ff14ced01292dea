/* test_highlight.c - aj_search_highlight: which clauses are highlighted,
 * and its cost for queries with many clauses (found while fuzzing); the
 * snippet window; what output needs beside them (the heading a paragraph
 * falls under, matches counted per document).
 * The tests sit in the query suite: one more suite makes libcriterion
 * (2.4) leak 48 bytes at exit, which fails the sanitizer pass. */
#include "helpers.h"

#include <time.h>

#include "ajsearch.h"

typedef th_search fixture;

static fixture open_fixture(void) {
    fixture f;
    f.root = th_tmpdir();
    char corpus[1024], index[1024];
    snprintf(corpus, sizeof corpus, "%s/corpus", f.root);
    snprintf(index, sizeof index, "%s/index", f.root);
    mkdir(corpus, 0755);
    th_write_str(corpus, "a.txt",
                 "Maritime security in the South China Sea.\n\n"
                 "Trade and maritime law.\n");
    th_write_str(corpus, "b.md",
                 "# Introduction\n\n"
                 "Cooperation on maritime organisation.\n\n"
                 "1. Numbered paragraph about maritime law.\n\n"
                 "## Defence\n\n"
                 "Second section on **defence** &amp; the maritime centre.\n");
    aj_ctx c = {0};
    aj_build_opts o = {.corpus_dir = corpus, .index_dir = index, .threads = 1};
    cr_assert_eq(aj_build(&c, &o, NULL), AJ_OK, "build: %s", c.msg);
    cr_assert_eq(aj_index_open(&c, index, &f.ix), AJ_OK, "%s", c.msg);
    cr_assert_eq(aj_searcher_new(&c, f.ix, &f.s), AJ_OK);
    return f;
}

static void close_fixture(fixture *f) { th_search_close(f); }

static void run(fixture *f, const char *q) {
    aj_ctx c = {0};
    aj_search_opts o;
    aj_search_opts_init(&o);
    const aj_results *r;
    cr_assert_eq(aj_search(&c, f->s, q, strlen(q), &o, &r), AJ_OK, "%s", c.msg);
}

/* Runs q, then highlights text with it. */
static size_t highlight(fixture *f, const char *q, const char *text, aj_span *sp,
                        size_t cap) {
    run(f, q);
    return aj_search_highlight(f->s, text, strlen(text), sp, cap);
}

Test(query, highlight_skips_negated_clauses) {
    fixture f = open_fixture();
    const char *text = "Maritime security in the South China Sea.";
    aj_span sp[8];
    size_t n = highlight(&f, "maritime -(china OR trade) NOT law", text, sp, 8);
    cr_assert_eq(n, 1);
    cr_assert_eq(sp[0].start, 0);
    cr_assert_eq(sp[0].end, 8);
    n = highlight(&f, "(security OR sea) -china", text, sp, 8);
    cr_assert_eq(n, 2, "security and sea, not china: %zu", n);
    close_fixture(&f);
}

/* Each token used to look up, for every clause, whether a NOT was above
 * it by walking the tree again: quadratic in the clauses for each token
 * (31 s for 1000 clauses on a 60,000-word paragraph). */
Test(query, highlight_many_clauses_linear_time, .timeout = 60) {
    fixture f = open_fixture();
    size_t qcap = 16384, qn = 0;
    char *q = malloc(qcap);
    qn += (size_t)snprintf(q, qcap, "maritime");
    for (int i = 0; i < 1000; i++) {
        /* letter-only words: each is one clause */
        qn += (size_t)snprintf(q + qn, qcap - qn, " OR zq%c%c%c",
                               'a' + i % 26, 'a' + i / 26 % 26, 'a' + i / 676);
    }
    run(&f, q);
    size_t tn = 0, tcap = 40000 * 9;
    char *text = malloc(tcap);
    for (int i = 0; i < 40000; i++)
        tn += (size_t)snprintf(text + tn, tcap - tn, "%s ",
                               i % 7 ? "harbour" : "maritime");
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    size_t n = aj_search_highlight(f.s, text, tn, NULL, 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    cr_assert_eq(n, 40000 / 7 + 1);
    cr_assert_lt(secs, 5.0, "highlighting took %.2f s", secs);
    free(text);
    free(q);
    close_fixture(&f);
}

/* Every kind of positive leaf is highlighted: a phrase's words, a British
 * spelling for an American query word and back, a prefix; and spans of the
 * same query word share a term number, spans of different ones do not. */
Test(query, highlight_covers_phrases_variants_prefixes) {
    fixture f = open_fixture();
    const char *text = "Maritime organisation and defense law at the centre; maritime law.";
    aj_span sp[16];
    size_t n = highlight(&f, "organization defence centr* \"maritime law\"", text, sp, 16);
    static const char *want[] = {"Maritime", "organisation", "defense", "law",
                                 "centre", "maritime", "law"};
    cr_assert_eq(n, 7, "%zu spans", n);
    for (size_t i = 0; i < n; i++) {
        size_t len = sp[i].end - sp[i].start;
        cr_assert(len == strlen(want[i]) && !memcmp(text + sp[i].start, want[i], len),
                  "span %zu is '%.*s'", i, (int)len, text + sp[i].start);
    }
    cr_assert_eq(sp[0].term, sp[5].term, "Maritime and maritime: one word");
    cr_assert_eq(sp[3].term, sp[6].term);
    for (size_t i = 0; i < 5; i++)
        for (size_t j = i + 1; j < 5; j++)
            cr_assert_neq(sp[i].term, sp[j].term, "spans %zu and %zu", i, j);
    close_fixture(&f);
}

/* A window with two different matched words beats one with more matches
 * of a single word. */
Test(query, snippet_prefers_distinct_words) {
    char text[2000];
    aj_span sp[16];
    size_t n = 0, len = 0;
    memset(text, 'x', sizeof text);
    for (size_t i = 0; i < sizeof text; i += 10) text[i] = ' ';
    /* ten matches of word 0 near the start, then words 0 and 1 far on */
    for (size_t i = 0; i < 10; i++) sp[n++] = (aj_span){(uint32_t)(21 + 20 * i), (uint32_t)(29 + 20 * i), 0};
    sp[n++] = (aj_span){1501, 1509, 0};
    sp[n++] = (aj_span){1541, 1549, 1};
    len = sizeof text;
    size_t ws, we;
    aj_snippet_window(text, len, sp, n, 300, &ws, &we);
    cr_assert(ws <= 1501 && we >= 1549, "window [%zu, %zu)", ws, we);
    /* with one word only, the most matches win */
    sp[11].term = 0;
    aj_snippet_window(text, len, sp, n, 300, &ws, &we);
    cr_assert(ws <= 21 && we >= 209, "window [%zu, %zu)", ws, we);
}

Test(query, heading_of_a_paragraph) {
    fixture f = open_fixture();
    aj_ctx c = {0};
    /* a.txt: 0, 1 (no headings); b.md: 2 "Introduction", 3, 4 "1.",
     * 5 "Defence", 6 */
    static const uint32_t want[] = {AJ_NO_PARA, AJ_NO_PARA, AJ_NO_PARA, 2, 2, 2, 5};
    for (uint32_t id = 0; id < 7; id++) {
        uint32_t h = 12345;
        cr_assert_eq(aj_para_heading(&c, f.ix, id, &h), AJ_OK, "%s", c.msg);
        cr_assert_eq(h, want[id], "paragraph %u: heading %u, want %u", id, h, want[id]);
    }
    aj_para_info p;
    cr_assert_eq(aj_para_get(&c, f.ix, 4, &p), AJ_OK);
    cr_assert_str_eq(p.label, "1");
    uint32_t h;
    cr_assert_eq(aj_para_heading(&c, f.ix, 7, &h), AJ_EINVAL);
    close_fixture(&f);
}

/* doc_counts counts every match, not only the returned ones, even when
 * the caller allowed pruning. */
Test(query, doc_counts_cover_all_matches) {
    fixture f = open_fixture();
    aj_ctx c = {0};
    aj_search_opts o;
    aj_search_opts_init(&o);
    o.limit = 1;
    o.exact_total = 0;
    o.doc_counts = 1;
    const aj_results *r;
    cr_assert_eq(aj_search(&c, f.s, "maritime", 8, &o, &r), AJ_OK, "%s", c.msg);
    cr_assert_eq(r->nhits, 1);
    cr_assert_eq(r->total, 5);
    cr_assert_not_null(r->doc_matches);
    cr_assert_eq(r->doc_matches[0], 2);
    cr_assert_eq(r->doc_matches[1], 3);
    cr_assert_eq(aj_search(&c, f.s, "law", 3, &o, &r), AJ_OK, "%s", c.msg);
    cr_assert_eq(r->doc_matches[0], 1, "counts start again at zero");
    cr_assert_eq(r->doc_matches[1], 1);
    o.doc_counts = 0;
    cr_assert_eq(aj_search(&c, f.s, "law", 3, &o, &r), AJ_OK, "%s", c.msg);
    cr_assert_null(r->doc_matches);
    close_fixture(&f);
}

/* Matches map back to the source file's bytes through markup and
 * entities; a changed or missing file is AJ_ENOTFOUND, never wrong
 * offsets. */
Test(query, source_ranges_of_matches) {
    fixture f = open_fixture();
    aj_ctx c = {0};
    char corpus[1024], path[1100];
    snprintf(corpus, sizeof corpus, "%s/corpus", f.root);
    snprintf(path, sizeof path, "%s/b.md", corpus);
    char *text;
    size_t len;
    cr_assert_eq(aj_para_text(&c, f.ix, 6, &text, &len), AJ_OK, "%s", c.msg);
    cr_assert_str_eq(text, "Second section on defence & the maritime centre.");
    aj_span sp[8];
    size_t n = highlight(&f, "defense maritime", text, sp, 8);
    cr_assert_eq(n, 2);
    aj_range r[8];
    cr_assert_eq(aj_para_source_ranges(&c, f.ix, corpus, 6, text, len, sp, n, r), AJ_OK,
                 "%s", c.msg);
    size_t slen;
    char *src = th_read(path, &slen);
    cr_assert_not_null(src);
    const char *want[] = {"defence", "maritime"};
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(r[i].end - r[i].start, strlen(want[i]));
        cr_assert(!memcmp(src + r[i].start, want[i], strlen(want[i])),
                  "match %zu at [%llu, %llu)", i, (unsigned long long)r[i].start,
                  (unsigned long long)r[i].end);
    }
    cr_assert_gt(r[1].start, (uint64_t)(strstr(src, "&amp;") - src), "offsets are the file's");
    /* several hits of two documents at once, then with one file gone */
    char *t0, *t3;
    size_t l0, l3;
    cr_assert_eq(aj_para_text(&c, f.ix, 0, &t0, &l0), AJ_OK);
    cr_assert_eq(aj_para_text(&c, f.ix, 3, &t3, &l3), AJ_OK);
    aj_span s0 = {0, 8, 0}, s3 = {15, 23, 0}; /* "Maritime", "maritime" */
    aj_range r0, r3, r6[8];
    aj_source_hit hs[3] = {{6, text, len, sp, n, r6, 0}, {0, t0, l0, &s0, 1, &r0, 0},
                           {3, t3, l3, &s3, 1, &r3, 0}};
    cr_assert_eq(aj_source_ranges(&c, f.ix, corpus, hs, 3), AJ_OK, "%s", c.msg);
    cr_assert(hs[0].found && hs[1].found && hs[2].found);
    cr_assert(r6[1].start == r[1].start && r6[1].end == r[1].end, "same as one at a time");
    cr_assert_eq(r0.start, 0);
    cr_assert_eq(r0.end, 8);
    cr_assert(!memcmp(src + r3.start, "maritime", 8) && r3.end - r3.start == 8);
    char gone[1200];
    snprintf(gone, sizeof gone, "%s.gone", path);
    cr_assert_eq(rename(path, gone), 0);
    cr_assert_eq(aj_source_ranges(&c, f.ix, corpus, hs, 3), AJ_OK, "%s", c.msg);
    cr_assert(!hs[0].found && hs[1].found && !hs[2].found, "%d %d %d", hs[0].found,
              hs[1].found, hs[2].found);
    cr_assert_eq(rename(gone, path), 0);
    free(t0);
    free(t3);
    /* the same length, another word: the stored text is no longer there */
    char *d = strstr(src, "defence");
    memcpy(d, "defense", 7);
    th_write(corpus, "b.md", src, slen);
    c = (aj_ctx){0};
    cr_assert_eq(aj_para_source_ranges(&c, f.ix, corpus, 6, text, len, sp, n, r),
                 AJ_ENOTFOUND);
    cr_assert(strstr(c.msg, "changed"), "%s", c.msg);
    unlink(path);
    c = (aj_ctx){0};
    cr_assert_eq(aj_para_source_ranges(&c, f.ix, corpus, 6, text, len, sp, n, r),
                 AJ_ENOTFOUND);
    free(src);
    free(text);
    close_fixture(&f);
}

Test(query, highlight_near_items_and_fuzzy_matches) {
    fixture f = open_fixture();
    const char *text = "Maritime security in the South China Sea.";
    aj_span sp[8];
    run(&f, "NEAR(maritime \"china sea\", 5)");
    size_t n = aj_search_highlight(f.s, text, strlen(text), sp, 8);
    cr_assert_eq(n, 3, "maritime, china, sea: %zu", n);
    run(&f, "securty~1 OR trade");
    n = aj_search_highlight(f.s, text, strlen(text), sp, 8);
    cr_assert_eq(n, 1);
    cr_assert_eq(sp[0].start, 9);
    cr_assert_eq(sp[0].end, 17);
    run(&f, "law -securty~1");
    n = aj_search_highlight(f.s, text, strlen(text), sp, 8);
    cr_assert_eq(n, 0, "a negated fuzzy word is not highlighted");
    close_fixture(&f);
}
