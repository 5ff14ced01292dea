/* test_highlight.c - aj_search_highlight (highlight.c): the spans each
 * kind of clause marks, the common-word rule, the spans' invariants, and
 * the cost for large queries on large paragraphs (found while fuzzing);
 * the snippet window; what output needs beside them (the heading a
 * paragraph falls under, matches counted per document, source ranges). */
#include "helpers.h"

#include <time.h>

#include "ajsearch.h"
#include "search/highlight.h"

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
    cr_log_info("1001 clauses x 40,000 words: %.3f s\n", secs);
    free(text);
    free(q);
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
    char *src = th_read_ok(path, &slen);
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
    aj_source_hit hs[3] = {{6, text, len, sp, n, r6, 0, 0}, {0, t0, l0, &s0, 1, &r0, 0, 0},
                           {3, t3, l3, &s3, 1, &r3, 0, 0}};
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

/* ---- what each kind of clause marks (highlight.h) ---- */

/* An index whose words dictionary holds what typo-tolerant words and
 * NEAR prefixes expand to, and which defines UNCLOS, so the acronym
 * expansion runs.  The texts highlighted below need not be in it. */
static fixture open_marks_fixture(void) {
    fixture f;
    f.root = th_tmpdir();
    char corpus[1024], index[1024];
    snprintf(corpus, sizeof corpus, "%s/corpus", f.root);
    snprintf(index, sizeof index, "%s/index", f.root);
    mkdir(corpus, 0755);
    th_write_str(corpus, "law.txt",
                 "We uphold the United Nations Convention on the Law of the Sea "
                 "(UNCLOS) and the rule of law.\n\n"
                 "Maritime security, cooperation and cooperative defence in the "
                 "South China Sea.\n\n"
                 "Piracy and smuggling at sea.\n");
    aj_ctx c = {0};
    aj_build_opts o = {.corpus_dir = corpus, .index_dir = index, .threads = 1};
    cr_assert_eq(aj_build(&c, &o, NULL), AJ_OK, "build: %s", c.msg);
    cr_assert_eq(aj_index_open(&c, index, &f.ix), AJ_OK, "%s", c.msg);
    cr_assert_eq(aj_searcher_new(&c, f.ix, &f.s), AJ_OK);
    return f;
}

/* Checks that the spans lie inside text, sorted and disjoint. */
static void check_spans(const char *q, const char *text, const aj_span *sp, size_t n) {
    size_t len = strlen(text);
    for (size_t i = 0; i < n; i++) {
        cr_assert(sp[i].start < sp[i].end && sp[i].end <= len, "%s: span %zu [%u, %u)", q,
                  i, sp[i].start, sp[i].end);
        cr_assert(i == 0 || sp[i].start >= sp[i - 1].end, "%s: spans %zu and %zu overlap",
                  q, i - 1, i);
    }
}

/* Runs q, highlights text and returns it with [[ ]] around each span, as
 * --mark shows it (a static buffer). */
static const char *marks(fixture *f, const char *q, const char *text) {
    static char buf[8192];
    aj_span sp[128];
    size_t n = highlight(f, q, text, sp, 128), k = 0, at = 0;
    cr_assert_leq(n, 128);
    check_spans(q, text, sp, n);
    for (size_t i = 0; i < n; i++) {
        k += (size_t)snprintf(buf + k, sizeof buf - k, "%.*s[[%.*s]]",
                              (int)(sp[i].start - at), text + at,
                              (int)(sp[i].end - sp[i].start), text + sp[i].start);
        at = sp[i].end;
    }
    snprintf(buf + k, sizeof buf - k, "%s", text + at);
    return buf;
}

#define EXPECT_MARKS(f, q, text, want)                                          \
    do {                                                                        \
        const char *got_ = marks(f, q, text);                                   \
        cr_assert_str_eq(got_, want, "%s\n  got:  %s\n  want: %s", q, got_, want); \
    } while (0)

Test(highlight, phrase_marks_its_occurrences_as_one_span) {
    fixture f = open_marks_fixture();
    /* stop words inside: only the phrase's own "of" */
    EXPECT_MARKS(&f, "\"rule of law\"",
                 "The rule of law, the law of the sea, rules of law and of the rule.",
                 "The [[rule of law]], the law of the sea, [[rules of law]] and of the rule.");
    /* its words elsewhere are not marked */
    EXPECT_MARKS(&f, "\"South China Sea\"",
                 "The East China Sea and the South China Sea; the south china sea.",
                 "The East China Sea and the [[South China Sea]]; the [[south china sea]].");
    /* overlapping occurrences merge; others stay apart */
    EXPECT_MARKS(&f, "\"very very\"", "very very very good, very very, very",
                 "[[very very very]] good, [[very very, very]]");
    EXPECT_MARKS(&f, "\"very very\"", "very very good very very", "[[very very]] good [[very very]]");
    /* a word clause inside a phrase occurrence is part of its span */
    EXPECT_MARKS(&f, "\"South China Sea\" china", "South China Sea and China",
                 "[[South China Sea]] and [[China]]");
    /* a hyphenated query word is a phrase, and so is its mark */
    EXPECT_MARKS(&f, "ASEAN-Japan", "ASEAN-Japan and Japan-ASEAN, ASEAN Japan",
                 "[[ASEAN-Japan]] and Japan-ASEAN, [[ASEAN Japan]]");
    close_fixture(&f);
}

/* aj_span.term numbers clauses: a phrase counts once wherever it occurs,
 * and apart from the words of other clauses. */
Test(highlight, span_terms_number_clauses) {
    fixture f = open_marks_fixture();
    const char *text = "maritime South China Sea, maritime, South China Sea";
    aj_span sp[8];
    size_t n = highlight(&f, "\"South China Sea\" maritime", text, sp, 8);
    cr_assert_eq(n, 4);
    cr_assert_eq(sp[1].end - sp[1].start, strlen("South China Sea"));
    cr_assert_eq(sp[0].term, sp[2].term);
    cr_assert_eq(sp[1].term, sp[3].term);
    cr_assert_neq(sp[0].term, sp[1].term);
    /* Maritime and maritime are one word, whatever their case */
    n = highlight(&f, "maritime OR \"maritime security\"", "Maritime law and maritime security", sp, 8);
    cr_assert_eq(n, 2);
    cr_assert_eq(sp[0].end, 8);
    cr_assert_eq(sp[1].end - sp[1].start, strlen("maritime security"));
    cr_assert_neq(sp[0].term, sp[1].term, "the phrase is another clause");
    close_fixture(&f);
}

Test(highlight, near_marks_only_occurrences_in_qualifying_windows) {
    fixture f = open_marks_fixture();
    /* positions: maritime 0, law 1, ..., maritime 5, law 9, law 10,
     * maritime 12; NEAR/1 allows one other word in the window */
    EXPECT_MARKS(&f, "NEAR(maritime law, 1)",
                 "maritime law here and there. maritime x y z law. law and maritime",
                 "[[maritime]] [[law]] here and there. maritime x y z law. [[law]] and "
                 "[[maritime]]");
    EXPECT_MARKS(&f, "NEAR(maritime law, 1)", "law here maritime", "[[law]] here [[maritime]]");
    /* any choice of occurrences counts: japan 0 with asean 2 leaves one
     * other word (asean 1) in a window of NEAR/2; asean 4 is too far */
    EXPECT_MARKS(&f, "japan NEAR/2 asean", "japan asean asean x asean",
                 "[[japan]] [[asean]] [[asean]] x asean");
    /* a phrase item is one span; the same words far away are not marked */
    EXPECT_MARKS(&f, "NEAR(\"South China Sea\" navigation, 3)",
                 "navigation in the South China Sea; the East China Sea is far from "
                 "any South China Sea navigation",
                 "[[navigation]] in the [[South China Sea]]; the East China Sea is far "
                 "from any [[South China Sea]] [[navigation]]");
    /* a prefix item stands for the stems of its words (README) */
    EXPECT_MARKS(&f, "NEAR(cooperat* defence, 2)",
                 "cooperation on defence. Farming is a matter for the cooperative, "
                 "far from any talk of defence",
                 "[[cooperation]] on [[defence]]. Farming is a matter for the cooperative, "
                 "far from any talk of defence");
    /* no qualifying window: nothing */
    EXPECT_MARKS(&f, "NEAR(piracy defence, 0)", "piracy is no defence", "piracy is no defence");
    /* a common word as an item is marked as the NEAR says */
    EXPECT_MARKS(&f, "NEAR(of law, 0)", "rule of law and of course", "rule [[of]] [[law]] and of course");
    close_fixture(&f);
}

Test(highlight, prefixes_typo_tolerant_words_and_variants) {
    fixture f = open_marks_fixture();
    /* a prefix matches words as written, not their stems */
    EXPECT_MARKS(&f, "cooperat*", "Cooperation, cooperative and co-operation; cooper.",
                 "[[Cooperation]], [[cooperative]] and co-operation; cooper.");
    /* securty~1 reaches "security" in the index, so its stem, as the
     * search does: "secure" shares it, "insecurity" does not */
    EXPECT_MARKS(&f, "securty~1", "Security, secure and insecurity",
                 "[[Security]], [[secure]] and insecurity");
    /* both spellings of a British/American pair, either way round */
    EXPECT_MARKS(&f, "defense", "Defence and defense; defended",
                 "[[Defence]] and [[defense]]; defended");
    EXPECT_MARKS(&f, "organisation", "organization, organisations",
                 "[[organization]], [[organisations]]");
    close_fixture(&f);
}

Test(highlight, acronym_expansion_marks_long_form_and_acronym) {
    fixture f = open_marks_fixture();
    EXPECT_MARKS(&f, "UNCLOS",
                 "We uphold the United Nations Convention on the Law of the Sea (UNCLOS), "
                 "the law of the sea and the United Nations; unclos.",
                 "We uphold the [[United Nations Convention on the Law of the Sea]] "
                 "([[UNCLOS]]), the law of the sea and the United Nations; [[unclos]].");
    close_fixture(&f);
}

Test(highlight, negated_clauses_and_or_branches) {
    fixture f = open_marks_fixture();
    EXPECT_MARKS(&f, "maritime -law", "maritime law", "[[maritime]] law");
    EXPECT_MARKS(&f, "security NOT \"South China Sea\"", "security in the South China Sea",
                 "[[security]] in the South China Sea");
    EXPECT_MARKS(&f, "sea -(piracy OR smuggling~1)", "Piracy and smugling at sea",
                 "Piracy and smugling at [[sea]]");
    /* a positive word inside a negated phrase is still that word */
    EXPECT_MARKS(&f, "china -\"South China Sea\"", "South China Sea and China",
                 "South [[China]] Sea and [[China]]");
    /* every branch of an OR marks where it occurs */
    EXPECT_MARKS(&f, "(piracy OR smuggling) sea", "Piracy and smuggling at sea; piracy.",
                 "[[Piracy]] and [[smuggling]] at [[sea]]; [[piracy]].");
    EXPECT_MARKS(&f, "\"rule of law\" OR \"law of the sea\"", "the law of the sea and rule of law",
                 "the [[law of the sea]] and [[rule of law]]");
    close_fixture(&f);
}

/* A common word marks only where it joins two marks; in a paragraph with
 * no other mark, everywhere. */
Test(highlight, common_words_mark_only_where_they_join_marks) {
    fixture f = open_marks_fixture();
    EXPECT_MARKS(&f, "rule of law",
                 "The rule of law is one of the pillars of law, and of the rule.",
                 "The [[rule]] [[of]] [[law]] is one of the pillars of [[law]], and of the [[rule]].");
    EXPECT_MARKS(&f, "Code of Conduct", "the conduct of parties and a code of conduct",
                 "the [[conduct]] of parties and a [[code]] [[of]] [[conduct]]");
    /* a run of them joins too, through spaces and hyphens, not punctuation */
    EXPECT_MARKS(&f, "head of the state",
                 "head of the state; the state of the head-of-the-state",
                 "[[head]] [[of]] [[the]] [[state]]; the [[state]] [[of]] [[the]] "
                 "[[head]]-[[of]]-[[the]]-[[state]]");
    EXPECT_MARKS(&f, "rule of law", "rule, of law", "[[rule]], of [[law]]");
    /* joining a phrase's span */
    EXPECT_MARKS(&f, "disputes in \"South China Sea\"", "disputes in South China Sea, in it",
                 "[[disputes]] [[in]] [[South China Sea]], in it");
    /* where nothing else is marked, common words are what matched: a
     * query of such words only, or a paragraph with only them */
    EXPECT_MARKS(&f, "the", "the sea and the law", "[[the]] sea and [[the]] law");
    EXPECT_MARKS(&f, "Code of Conduct", "one of the rules of the game",
                 "one [[of]] the rules [[of]] the game");
    EXPECT_MARKS(&f, "the OR maritime", "the sea and the maritime law",
                 "the sea and the [[maritime]] law");
    EXPECT_MARKS(&f, "of OR the", "law of the sea, of course", "law [[of]] [[the]] sea, [[of]] course");
    EXPECT_MARKS(&f, "\"of\" -sea", "rule of law", "rule [[of]] law");
    /* "US" is not one: a name */
    EXPECT_MARKS(&f, "US law", "the US and its law", "the [[US]] and its [[law]]");
    /* the list as README gives it, each found (the table is searched by
     * halves, so one out of order would be lost) */
    static const char readme[] =
        "a about after all am an and any are as at be been before being both but by "
        "could did do does each for from had has have he her his i if in into is me "
        "my nor not of on onto or other our per shall she should so some such than "
        "that the their them these they this those to upon via was we were what "
        "which while who whom whose with would you your";
    for (const char *w = readme; *w;) {
        size_t len = strcspn(w, " ");
        cr_assert(aj_highlight_common_word(w, len), "%.*s", (int)len, w);
        w += len + (w[len] == ' ');
    }
    cr_assert(!aj_highlight_common_word("us", 2) && !aj_highlight_common_word("law", 3));
    cr_assert(!aj_highlight_common_word("o", 1) && !aj_highlight_common_word("ofs", 3));
    close_fixture(&f);
}

/* A large query of every clause kind on a large paragraph of the words it
 * matches: dense phrases, NEARs, prefixes and common words everywhere. */
Test(highlight, large_query_on_large_paragraph_stays_fast, .timeout = 120) {
    fixture f = open_marks_fixture();
    size_t qcap = 65536, qn = 0;
    char *q = malloc(qcap);
    static const char *const dense[] = {
        "\"maritime security\"", "\"security of\"", "\"of the\"", "\"the law\"",
        "\"law maritime\"", "\"maritime security of the\"", "\"the law maritime security\"",
        "NEAR(maritime law, 2)", "NEAR(\"of the\" security, 0)", "NEAR(mar* law~1, 1)",
        "marit*", "secur*", "of", "the", "law", "securty~1"};
    qn += (size_t)snprintf(q, qcap, "sea");
    for (size_t i = 0; i < sizeof dense / sizeof *dense; i++)
        qn += (size_t)snprintf(q + qn, qcap - qn, " OR %s", dense[i]);
    for (int i = 0; i < 590; i++) {
        char w[4] = {(char)('a' + i % 26), (char)('a' + i / 26 % 26), 0, 0};
        switch (i % 5) {
        case 0: qn += (size_t)snprintf(q + qn, qcap - qn, " OR \"zq%s maritime\"", w); break;
        case 1: qn += (size_t)snprintf(q + qn, qcap - qn, " OR NEAR(zq%s law, 3)", w); break;
        case 2: qn += (size_t)snprintf(q + qn, qcap - qn, " OR zq%s*", w); break;
        case 3: qn += (size_t)snprintf(q + qn, qcap - qn, " OR \"law zq%s\"", w); break;
        default: qn += (size_t)snprintf(q + qn, qcap - qn, " OR zq%s", w); break;
        }
    }
    run(&f, q);
    size_t tn = 0, tcap = 60000 * 10;
    char *text = malloc(tcap);
    static const char *const words[] = {"maritime", "security", "of", "the", "law"};
    for (int i = 0; i < 60000; i++)
        tn += (size_t)snprintf(text + tn, tcap - tn, "%s ", words[i % 5]);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    size_t n = aj_search_highlight(f.s, text, tn, NULL, 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    /* The dense phrases chain every position into one span. */
    cr_assert_eq(n, 1, "%zu spans", n);
    aj_span sp[2];
    cr_assert_eq(aj_search_highlight(f.s, text, tn, sp, 2), 1);
    cr_assert_eq(sp[0].start, 0);
    cr_assert_eq(sp[0].end, tn - 1);
    cr_assert_lt(secs, 2.0, "highlighting took %.2f s", secs);
    cr_log_info("large query x 60,000 words: %.3f s\n", secs);
    /* And without the dense clauses: 12,000 separate words. */
    run(&f, "sea OR law OR zqaa OR \"zqab law\"");
    n = aj_search_highlight(f.s, text, tn, NULL, 0);
    cr_assert_eq(n, 12000);
    free(text);
    free(q);
    close_fixture(&f);
}
