/* test_outline.c - headings, sections and citations: per seed document,
 * the paragraphs taken as headings; section paths; the citations of the
 * issue's examples; and on the seeds and on hostile corpora of our own
 * (repeated headings, repeated labels, no headings, deep outlines, twin
 * documents, 10,000 paragraphs), no two paragraphs that are not chrome
 * share a citation.  Also the cost of a citation in a document of a
 * million paragraphs. */
#include "helpers.h"

#include <time.h>

#include "analysis/block.h"
#include "analysis/boilerplate.h"
#include "analysis/outline.h"
#include "analysis/segment.h"

/* ---- the passes over one document, without an index ---- */

typedef struct {
    aj_block *b;
    char **text, **label;
    size_t n, cap;
    const char *src;
    size_t len;
} doc;

static int on_para(void *arg, const aj_seg_para *p) {
    doc *d = arg;
    if (d->n == d->cap) {
        d->cap = d->cap ? 2 * d->cap : 64;
        d->b = realloc(d->b, d->cap * sizeof *d->b);
        d->text = realloc(d->text, d->cap * sizeof *d->text);
        d->label = realloc(d->label, d->cap * sizeof *d->label);
        cr_assert(d->b && d->text && d->label);
    }
    aj_block_make(&d->b[d->n], p, d->src, d->len);
    d->text[d->n] = strndup(p->text, p->text_len);
    d->label[d->n++] = p->label ? strdup(p->label) : NULL;
    return 0;
}

static doc outlined(const char *src, size_t len) {
    doc d = {0};
    d.src = src;
    d.len = len;
    aj_ctx c = {0};
    cr_assert_eq(aj_segment(&c, src, len, on_para, &d), AJ_OK, "%s", c.msg);
    aj_boilerplate_mark(d.b, d.n);
    aj_outline_build(d.b, d.n);
    return d;
}

static void drop(doc *d) {
    for (size_t i = 0; i < d->n; i++) {
        free(d->text[i]);
        free(d->label[i]);
    }
    free(d->text);
    free(d->label);
    free(d->b);
}

/* Paragraph i as the page shows it ("1. ASEAN-Japan cooperation"). */
static const char *shown(const doc *d, size_t i, char *buf) {
    aj_section_heading(d->label[i], d->b[i].mark, d->text[i], strlen(d->text[i]), buf);
    return buf;
}

/* The headings of d, one a line. */
static char *headings_of(const doc *d) {
    char *out = NULL, buf[AJ_SECTION_MAX];
    size_t n = 0;
    FILE *f = open_memstream(&out, &n);
    for (size_t i = 0; i < d->n; i++)
        if (d->b[i].kind == AJ_PARA_HEADING) fprintf(f, "%s\n", shown(d, i, buf));
    fclose(f);
    return out;
}

/* The section path of paragraph i, " > " between headings. */
static char *path_of(const doc *d, size_t i) {
    size_t up[AJ_OUTLINE_DEPTH], k = 0;
    for (uint32_t p = d->b[i].parent; p != AJ_BK_NONE; p = d->b[p].parent) up[k++] = p;
    char *out = NULL, buf[AJ_SECTION_MAX];
    size_t n = 0;
    FILE *f = open_memstream(&out, &n);
    while (k-- > 0) fprintf(f, "%s%s", shown(d, up[k], buf), k ? " > " : "");
    fclose(f);
    return out;
}

static size_t find(const doc *d, const char *prefix) {
    for (size_t i = 0; i < d->n; i++)
        if (!strncmp(d->text[i], prefix, strlen(prefix))) return i;
    cr_assert_fail("no paragraph starts with '%s'", prefix);
    return 0;
}

static void expect_path(const doc *d, const char *prefix, const char *want) {
    char *got = path_of(d, find(d, prefix));
    cr_assert_str_eq(got, want, "section of '%s'", prefix);
    free(got);
}

static doc seed(const char *path, char **src) {
    size_t n = 0;
    *src = th_read_ok(path, &n);
    return outlined(*src, n);
}

static void expect_headings(const char *path, const char *want) {
    char *src;
    doc d = seed(path, &src);
    char *got = headings_of(&d);
    cr_assert_str_eq(got, want, "%s: got\n%s", path, got);
    free(got);
    drop(&d);
    free(src);
}

#define CHAIRMAN "corpus/2020-11-12-chairmans-statement-23rd-asean-japan-summit.txt"
#define VISION "corpus/2023-12-17-joint-vision-statement-trusted-partners.txt"
#define MINISTERS "corpus/2024-07-26-asean-japan-foreign-ministers-meeting-vientiane.txt"
#define OVERVIEW "corpus/2024-overview-asean-japan-comprehensive-strategic-partnership.txt"
#define SUMMIT28 "corpus/2025-10-26-28th-asean-japan-summit-kuala-lumpur.txt"

/* ---- headings of the seed documents ---- */

Test(outline, seed_headings) {
    expect_headings(CHAIRMAN, "CHAIRMAN’S STATEMENT OF THE 23rd ASEAN-JAPAN SUMMIT\n");
    /* the pillar titles are headings, the preamble paragraphs are not */
    expect_headings(VISION,
                    "ASEAN, Japan adopt Joint Vision Statement on friendship and partnership\n"
                    "Trusted Partners\n"
                    "Heart-to-Heart Partners across Generations\n"
                    "Partners for Co-creation of Economy and Society of the Future\n"
                    "Partners for Peace and Stability\n");
    expect_headings(MINISTERS,
                    "1 Review of ASEAN-Japan Cooperation and its Future Direction\n"
                    "(i) “Heart-to-Heart Partners across Generation”\n"
                    "(ii) “Partners for Co-creation of Economy and Society of the Future”\n"
                    "(iii) “Partners for Peace and Stability.”\n"
                    "2 Regional and international issues\n");
    expect_headings(OVERVIEW,
                    "Overview of ASEAN-Japan Comprehensive Strategic Partnership\n"
                    "Introduction\n"
                    "Political and Security Cooperation\n"
                    "Economic Cooperation\n"
                    "Socio-Cultural Cooperation\n"
                    "Connectivity and Narrowing Development Gap\n"
                    "Japan's Support to Development Cooperation\n");
    /* the quoted pillar titles and the labelled short titles followed by
     * text are headings; the numbered remarks (sentences) are not */
    expect_headings(SUMMIT28,
                    "The 28th ASEAN Japan Summit\n"
                    "1. ASEAN-Japan cooperation\n"
                    "i. “Partners for Peace and Stability”\n"
                    "ii. “Partners for Co-creation of Economy and Society of the Future”\n"
                    "iii. “Heart-to-Heart Partners across Generation”\n"
                    "2. Regional and International Issues\n"
                    "i. General principles\n"
                    "ii. The East China Sea, the South China Sea, Taiwan:\n"
                    "iii. North Korea\n"
                    "iv. Situation in Myanmar\n"
                    "v. Middle East Situation:\n"
                    "vi. Russia's aggression against Ukraine\n"
                    "3. Closing Remarks:\n");
}

Test(outline, seed_sections) {
    char *src;
    doc d = seed(SUMMIT28, &src);
    expect_path(&d, "Japan has been supporting the strengthening",
                "The 28th ASEAN Japan Summit > 1. ASEAN-Japan cooperation > "
                "i. “Partners for Peace and Stability”");
    /* (3) continues (2): the pillar titles inside (2) are closed */
    expect_path(&d, "The ASEAN Member States successively",
                "The 28th ASEAN Japan Summit > 1. ASEAN-Japan cooperation");
    expect_path(&d, "They also praised", "The 28th ASEAN Japan Summit > 1. ASEAN-Japan cooperation");
    expect_path(&d, "In the East China Sea",
                "The 28th ASEAN Japan Summit > 2. Regional and International Issues > "
                "ii. The East China Sea, the South China Sea, Taiwan:");
    expect_path(&d, "Going forward", "The 28th ASEAN Japan Summit > 3. Closing Remarks:");
    drop(&d);
    free(src);
    d = seed(MINISTERS, &src);
    expect_path(&d, "Japan would like to continue",
                "1 Review of ASEAN-Japan Cooperation and its Future Direction > "
                "(iii) “Partners for Peace and Stability.”");
    expect_path(&d, "The Foreign Ministers of ASEAN Member States",
                "1 Review of ASEAN-Japan Cooperation and its Future Direction");
    expect_path(&d, "She further stated", "2 Regional and international issues");
    drop(&d);
    free(src);
    d = seed(OVERVIEW, &src);
    /* paragraph numbers running through the document do not close a
     * markdown section */
    expect_path(&d, "ASEAN and Japan place emphasis",
                "Economic Cooperation > Socio-Cultural Cooperation");
    expect_path(&d, "ASEAN and Japan conduct their dialogue",
                "Overview of ASEAN-Japan Comprehensive Strategic Partnership > "
                "Political and Security Cooperation");
    drop(&d);
    free(src);
}

/* ---- headings and sections of our own ---- */

#define TEXT "This paragraph has enough words and a full stop to be text.\n\n"

static void expect_doc_headings(const char *src, const char *want) {
    doc d = outlined(src, strlen(src));
    char *got = headings_of(&d);
    cr_assert_str_eq(got, want, "headings of:\n%s\ngot:\n%s", src, got);
    free(got);
    drop(&d);
}

Test(outline, title_lines) {
    /* a short line between paragraphs of text is a title */
    expect_doc_headings(TEXT "Regional Issues\n\n" TEXT, "Regional Issues\n");
    /* not a lead-in's list item, a dateline, a sentence, a clause */
    expect_doc_headings(TEXT "The items were:\n\nApples and pears\n\n" TEXT, "");
    expect_doc_headings(TEXT "Viet Nam, 12 November 2020\n\n" TEXT, "");
    expect_doc_headings(TEXT "It was agreed.\n\n" TEXT, "");
    expect_doc_headings(TEXT "strengthening cooperation in the region\n\n" TEXT, "");
    /* a list of short lines is no run of titles */
    expect_doc_headings(TEXT "Apples\n\nPears\n\n" TEXT, "");
    /* a quoted title may end with its own full stop */
    expect_doc_headings(TEXT "“Partners for Peace.”\n\n" TEXT, "“Partners for Peace.”\n");
}

Test(outline, numbered_titles) {
    expect_doc_headings("i. General principles\n" TEXT "ii. The sea, the air:\n" TEXT,
                        "i. General principles\nii. The sea, the air:\n");
    /* short numbered items of a list stay items, the last one too */
    expect_doc_headings(TEXT "1. Apples\n2. Pears\n3. Plums\n" TEXT, "");
    /* a numbered sentence is an item */
    expect_doc_headings("1. The ministers agreed on this.\n" TEXT, "");
    /* lower case is no title */
    expect_doc_headings("(a) for the purposes of this act\n" TEXT, "");
}

Test(outline, nesting) {
    const char *md = "# A\n\n" TEXT "## B\n\n" TEXT "### C\n\n" TEXT "## D\n\n" TEXT
                     "1. Numbered title\n" TEXT;
    doc d = outlined(md, strlen(md));
    cr_assert_eq(d.n, 10);
    char *p = path_of(&d, 5);
    cr_assert_str_eq(p, "A > B > C");
    free(p);
    p = path_of(&d, 7);
    cr_assert_str_eq(p, "A > D");
    free(p);
    p = path_of(&d, 9);
    cr_assert_str_eq(p, "A > D > 1. Numbered title");
    free(p);
    drop(&d);
    /* numbering kinds nest in the order met; "2." closes "(a)" */
    const char *num = "1. First part\n" TEXT "(a) Sub part\n" TEXT "2. Second part\n" TEXT;
    d = outlined(num, strlen(num));
    p = path_of(&d, 3);
    cr_assert_str_eq(p, "1. First part > (a) Sub part");
    free(p);
    p = path_of(&d, 5);
    cr_assert_str_eq(p, "2. Second part");
    free(p);
    drop(&d);
}

/* ---- citations through an index ---- */

typedef struct {
    char *root, corpus[4200], index[4200];
    aj_index *ix;
} built;

static built build_dir(const char *corpus) {
    built t = {0};
    t.root = th_tmpdir();
    snprintf(t.corpus, sizeof t.corpus, "%s", corpus ? corpus : "");
    snprintf(t.index, sizeof t.index, "%s/index", t.root);
    if (!corpus) {
        snprintf(t.corpus, sizeof t.corpus, "%s/corpus", t.root);
        mkdir(t.corpus, 0755);
    }
    return t;
}

static void build_open(built *t) {
    aj_ctx c = {0};
    aj_build_opts o = {.corpus_dir = t->corpus, .index_dir = t->index, .threads = 2};
    cr_assert_eq(aj_build(&c, &o, NULL), AJ_OK, "build: %s", c.msg);
    cr_assert_eq(aj_index_open(&c, t->index, &t->ix), AJ_OK, "%s", c.msg);
    cr_assert_eq(aj_index_check(&c, t->ix), AJ_OK, "%s", c.msg);
}

static void drop_built(built *t) {
    aj_index_close(t->ix);
    th_rmtree(t->root);
    free(t->root);
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every citation of the index's paragraphs that are not chrome is
 * distinct; returns how many there are. */
static size_t all_distinct(aj_index *ix) {
    aj_ctx c = {0};
    aj_index_stats st;
    aj_index_stats_get(ix, &st);
    char **v = calloc(st.nparas + 1, sizeof *v);
    size_t n = 0;
    for (uint32_t id = 0; id < st.nparas; id++) {
        aj_para_info p;
        aj_cite ct;
        cr_assert_eq(aj_para_get(&c, ix, id, &p), AJ_OK, "%s", c.msg);
        cr_assert_eq(aj_para_cite(&c, ix, id, &ct), AJ_OK, "%s", c.msg);
        if (p.kind != AJ_PARA_CHROME) v[n++] = strdup(ct.cite);
        aj_cite_free(&ct);
    }
    qsort(v, n, sizeof *v, cmp_str);
    for (size_t i = 1; i < n; i++)
        cr_assert(strcmp(v[i - 1], v[i]), "two paragraphs cited \"%s\"", v[i]);
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
    return n;
}

/* The citation of the paragraph whose text starts with prefix (the n-th
 * such paragraph, from 0). */
static char *cite_of(aj_index *ix, const char *prefix, int nth) {
    aj_ctx c = {0};
    aj_index_stats st;
    aj_index_stats_get(ix, &st);
    for (uint32_t id = 0; id < st.nparas; id++) {
        char *t;
        size_t len;
        cr_assert_eq(aj_para_text(&c, ix, id, &t, &len), AJ_OK);
        int hit = !strncmp(t, prefix, strlen(prefix));
        free(t);
        if (hit && nth-- == 0) {
            aj_cite ct;
            cr_assert_eq(aj_para_cite(&c, ix, id, &ct), AJ_OK, "%s", c.msg);
            char *s = strdup(ct.cite);
            aj_cite_free(&ct);
            return s;
        }
    }
    cr_assert_fail("no paragraph '%s'", prefix);
    return NULL;
}

static void expect_cite(aj_index *ix, const char *prefix, int nth, const char *want) {
    char *got = cite_of(ix, prefix, nth);
    cr_assert_str_eq(got, want, "'%s'", prefix);
    free(got);
}

#define T28 "The 28th ASEAN-Japan Summit (Kuala Lumpur) · 2025-10-26 · "
#define TFM "ASEAN-Japan Foreign Ministers' Meeting (Vientiane) · 2024-07-26 · "
#define TJV "ASEAN, Japan adopt Joint Vision Statement on friendship and partnership " \
            "(Joint Vision Statement \"Trusted Partners\") · 2023-12-18 · "
#define TOV "Overview of ASEAN-Japan Comprehensive Strategic Partnership · 2024 · "
#define TCS "Chairman's Statement of the 23rd ASEAN-Japan Summit · 2020-11-12 · "

Test(cite, seed_examples, .timeout = 60) {
    built t = build_dir("corpus");
    build_open(&t);
    size_t n = all_distinct(t.ix);
    cr_assert_eq(n, 195, "%zu paragraphs are not chrome", n);
    aj_index *ix = t.ix;
    /* FOIP's two "¶ iv" of the 28th summit */
    expect_cite(ix, "Next year marks the 10th anniversary", 0,
                T28 "under 1. “ASEAN-Japan cooperation”, ¶ iv");
    expect_cite(ix, "Going forward, we will continue", 0,
                T28 "under 3. “Closing Remarks”, ¶ iv");
    /* ¶ 1 in each of the Foreign Ministers' two sections */
    expect_cite(ix, "Minister Kamikawa made the following", 0,
                TFM "under 1 “Review of ASEAN-Japan Cooperation and its Future Direction”, ¶ 1");
    expect_cite(ix, "The Foreign Ministers of ASEAN countries", 0,
                TFM "under 2 “Regional and international issues”, ¶ 1");
    /* the preamble counts from its heading, not after 64 province names */
    expect_cite(ix, "Our vision is for a world", 0, TJV "under “Trusted Partners”, paragraph 7");
    expect_cite(ix, "WE, the Member States", 0, TJV "under “Trusted Partners”, paragraph 1");
    /* headings are cited as headings */
    expect_cite(ix, "Political and Security Cooperation", 0,
                TOV "heading “Political and Security Cooperation”");
    expect_cite(ix, "Partners for Peace and Stability", 0,
                TJV "heading “Partners for Peace and Stability”");
    expect_cite(ix, "The East China Sea, the South China Sea, Taiwan", 0,
                T28 "heading ii. “The East China Sea, the South China Sea, Taiwan”");
    /* captions no longer shift the 28th summit's numbers */
    expect_cite(ix, "On October 26, commencing", 0,
                T28 "under “The 28th ASEAN Japan Summit”, paragraph 1");
    /* labels unique in their document stay bare */
    expect_cite(ix, "We discussed international and regional issues", 0, TCS "¶ 28");
    expect_cite(ix, "ASEAN and Japan conduct their dialogue", 0, TOV "¶ 11");
    /* the pillars' repeated roman numerals */
    expect_cite(ix, "Strengthening security cooperation", 0,
                TJV "under “Partners for Peace and Stability”, ¶ i");
    /* chrome is cited as what it is */
    expect_cite(ix, "Lao Cai", 0, TJV "page chrome (navigation), block 37");
    /* aj_para_cite's pieces */
    aj_ctx c = {0};
    aj_cite ct;
    uint32_t id = 0;
    for (;; id++) {
        char *txt;
        size_t len;
        cr_assert_eq(aj_para_text(&c, ix, id, &txt, &len), AJ_OK);
        int hit = !strncmp(txt, "Japan has been supporting the strengthening", 40);
        free(txt);
        if (hit) break;
    }
    cr_assert_eq(aj_para_cite(&c, ix, id, &ct), AJ_OK);
    cr_assert_str_eq(ct.place, "under i. “Partners for Peace and Stability”, paragraph 1");
    cr_assert_eq(ct.position, 1);
    cr_assert_eq(ct.nsection, 3);
    cr_assert_str_eq(ct.section[0], "The 28th ASEAN Japan Summit");
    cr_assert_str_eq(ct.section[1], "1. ASEAN-Japan cooperation");
    cr_assert_str_eq(ct.section[2], "i. “Partners for Peace and Stability”");
    cr_assert_str_eq(ct.heading, "“Partners for Peace and Stability”");
    cr_assert_null(ct.path);
    uint32_t h;
    cr_assert_eq(aj_para_heading(&c, ix, id, &h), AJ_OK);
    cr_assert_eq(h, ct.section_ids[2]);
    aj_cite_free(&ct);
    cr_assert_eq(aj_para_cite(&c, ix, 1u << 30, &ct), AJ_EINVAL);
    drop_built(&t);
}

/* Hostile corpora: whatever repeats, citations do not. */
Test(cite, hostile_corpora_are_cited_uniquely, .timeout = 120) {
    built t = build_dir(NULL);
    /* the same headings under the same and under different parents, the
     * same labels under each; numbering restarting without headings;
     * nothing but unlabelled lines; headings that look like citations */
    th_write_str(t.corpus, "repeats.md",
                 "# Part A\n\n## Notes\n\n1. one.\n\n2. two.\n\nText.\n\n## Notes\n\n1. one.\n\n"
                 "2. two.\n\nText.\n\n# Part B\n\n## Notes\n\n1. one.\n\n2. two.\n\nText.\n\n"
                 "# Part A\n\n## Notes\n\n1. one.\n\nText.\n\n# Notes\n\n1. one.\n");
    th_write_str(t.corpus, "restarts.txt",
                 "1. First list, first item.\n2. First list, second item.\n"
                 "1. Second list, first item.\n2. Second list, second item.\n");
    th_write_str(t.corpus, "plain.txt", "Alpha.\nBeta.\nAlpha.\nBeta.\nAlpha.\n");
    th_write_str(t.corpus, "tricky.md",
                 "# A” › “B\n\n1. x.\n\n# A\n\n## B\n\n1. x.\n\n# “A”\n\n1. x.\n\n"
                 "# A:\n\n1. x.\n\n## paragraph 1\n\nText.\n");
    /* twins: same first line (their title), no metadata, no date */
    mkdir(strcat(strcpy((char[4300]){0}, t.corpus), "/twin"), 0755);
    char twin[4300];
    snprintf(twin, sizeof twin, "%s/twin", t.corpus);
    th_write_str(t.corpus, "minutes.txt", "Minutes\n\nWe met.\n");
    th_write_str(twin, "minutes.txt", "Minutes\n\nWe met.\n");
    /* deep: every markdown level and numbering kind nested */
    th_write_str(t.corpus, "deep.md",
                 "# L1\n\n## L2\n\n### L3\n\n#### L4\n\n##### L5\n\n###### L6\n\n"
                 "1. Num one\n\n(a) Letter a\n\n(i) Roman i\n\n1) Close one\n\nText.\n\n"
                 "# L1\n\n## L2\n\n### L3\n\n#### L4\n\n##### L5\n\n###### L6\n\n"
                 "1. Num one\n\n(a) Letter a\n\n(i) Roman i\n\n1) Close one\n\nText.\n");
    build_open(&t);
    all_distinct(t.ix);
    /* the twins name their paths */
    char *a = cite_of(t.ix, "We met.", 0), *b = cite_of(t.ix, "We met.", 1);
    cr_assert_str_eq(a, "Minutes · minutes.txt · under “Minutes”, paragraph 1");
    cr_assert_str_eq(b, "Minutes · twin/minutes.txt · under “Minutes”, paragraph 1");
    free(a);
    free(b);
    /* what nothing tells apart is cited by its number */
    expect_cite(t.ix, "Alpha.", 1, "Alpha. · paragraph 3");
    expect_cite(t.ix, "First list, second item.", 0, "First list, first item. · paragraph 2");
    drop_built(&t);
}

/* 10,000 paragraphs: 100 sections, half of their titles twice, labels
 * 1..99 in each. */
Test(cite, ten_thousand_paragraphs, .timeout = 120) {
    built t = build_dir(NULL);
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    for (int sec = 0; sec < 100; sec++) {
        fprintf(f, "## Section %d\n\n", sec % 50);
        for (int k = 1; k < 100; k++) fprintf(f, "%d. Item %d.\n\n", k, k);
    }
    fclose(f);
    th_write_str(t.corpus, "big.md", s);
    free(s);
    build_open(&t);
    cr_assert_eq(all_distinct(t.ix), 10000);
    /* sections whose titles repeat cannot tell their items apart: those
     * are cited by their numbers; the others by section and label */
    expect_cite(t.ix, "Item 5.", 0, "Section 0 · paragraph 6");
    drop_built(&t);
}

/* A citation costs the same in a document of a million paragraphs: it
 * reads the paragraph's record, its headings' records and texts. */
Test(cite, cost_does_not_grow_with_the_document, .timeout = 600) {
#if defined(__SANITIZE_ADDRESS__)
    const int parts = 2000; /* 200,000 paragraphs under the sanitizers */
    const double limit = 5e-3;
#else
    const int parts = 10000; /* 1,000,000 paragraphs */
    const double limit = 1e-3;
#endif
    built t = build_dir(NULL);
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    for (int sec = 0; sec < parts; sec++) {
        fprintf(f, "## Part %d\n", sec);
        for (int k = 1; k < 100; k++) fprintf(f, "%d. Item %d of part %d.\n", k, k, sec);
    }
    fclose(f);
    th_write_str(t.corpus, "big.md", s);
    free(s);
    build_open(&t);
    aj_ctx c = {0};
    uint64_t r = 42;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    const int tries = 2000;
    for (int i = 0; i < tries; i++) {
        aj_cite ct;
        uint32_t id = (uint32_t)(th_rand(&r) % ((uint64_t)parts * 100));
        cr_assert_eq(aj_para_cite(&c, t.ix, id, &ct), AJ_OK, "%s", c.msg);
        aj_cite_free(&ct);
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double each = ((double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9) / tries;
    cr_log_info("%d paragraphs: %.1f us a citation", parts * 100, each * 1e6);
    cr_assert_lt(each, limit, "%.1f us a citation", each * 1e6);
    expect_cite(t.ix, "Item 7 of part 9.", 0, "Part 0 · under “Part 9”, ¶ 7");
    drop_built(&t);
}
