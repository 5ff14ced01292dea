/* test_segment.c - the segmenter on the real corpus (labels, joined
 * lines, headings, markup, footer-broken paragraphs, run-together items)
 * and on hostile input (CRLF, NUL, invalid UTF-8, huge lines, random
 * bytes). */
#include "helpers.h"

#include "segment.h"

typedef struct {
    char *text;
    char label[16];
    int has_label, kind;
    uint64_t start, end;
} para;

typedef struct {
    para *v;
    size_t n, cap;
    const char *src;
    size_t len;
} paras;

static int keep(void *arg, const aj_seg_para *p) {
    paras *ps = arg;
    if (ps->n == ps->cap) {
        ps->cap = ps->cap ? ps->cap * 2 : 64;
        ps->v = realloc(ps->v, ps->cap * sizeof *ps->v);
    }
    para *q = &ps->v[ps->n++];
    memset(q, 0, sizeof *q);
    q->text = malloc(p->text_len + 1);
    memcpy(q->text, p->text, p->text_len);
    q->text[p->text_len] = 0;
    cr_assert_eq(strlen(p->text), p->text_len, "NUL-terminated, no inner NUL");
    if (p->label) {
        snprintf(q->label, sizeof q->label, "%s", p->label);
        q->has_label = 1;
    }
    q->kind = p->kind;
    q->start = p->start;
    q->end = p->end;
    return 0;
}

static paras segment(const char *src, size_t len) {
    paras ps = {0};
    ps.src = src;
    ps.len = len;
    aj_ctx c = {0};
    cr_assert_eq(aj_segment(&c, src, len, keep, &ps), AJ_OK);
    for (size_t i = 0; i < ps.n; i++) {
        cr_assert_lt(ps.v[i].start, ps.v[i].end, "paragraph %zu range", i);
        cr_assert_leq(ps.v[i].end, len);
        if (i) cr_assert_geq(ps.v[i].start, ps.v[i - 1].start, "in order");
    }
    return ps;
}

static paras segment_file(const char *name, char **buf) {
    char path[512];
    size_t n = 0;
    snprintf(path, sizeof path, "corpus/%s", name);
    *buf = th_read(path, &n);
    cr_assert_not_null(*buf, "cannot read %s (run from the repository root)", path);
    return segment(*buf, n);
}

static void drop(paras *ps) {
    for (size_t i = 0; i < ps->n; i++) free(ps->v[i].text);
    free(ps->v);
}

static const para *by_label(const paras *ps, const char *label, int nth) {
    for (size_t i = 0; i < ps->n; i++)
        if (ps->v[i].has_label && !strcmp(ps->v[i].label, label) && nth-- == 0)
            return &ps->v[i];
    return NULL;
}

static int starts(const char *s, const char *prefix) {
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

Test(segment, chairmans_statement_pdf) {
    char *src;
    paras ps = segment_file("2020-11-12-chairmans-statement-23rd-asean-japan-summit.txt", &src);
    cr_assert_str_eq(ps.v[0].text, "Final");
    cr_assert_eq(ps.v[1].kind, AJ_PARA_HEADING);
    cr_assert(starts(ps.v[1].text, "CHAIRMAN"));
    cr_assert_str_eq(ps.v[2].text, "Viet Nam, 12 November 2020");
    for (int n = 1; n <= 29; n++) {
        char l[8];
        snprintf(l, sizeof l, "%d", n);
        const para *p = by_label(&ps, l, 0);
        cr_assert_not_null(p, "paragraph %d", n);
        cr_assert_eq(p->kind, AJ_PARA_ITEM);
        cr_assert_null(strchr(p->text, '\n'));
        cr_assert_eq(p->start < p->end, 1);
    }
    cr_assert_eq(ps.n, 32, "Final, title, date and 29 numbered paragraphs");
    const para *p8 = by_label(&ps, "8", 0);
    cr_assert(starts(p8->text, "We resolved to continue enhancing cooperation in addressing "
                               "security issues of common interest and concern, including "
                               "terrorism, maritime security,"),
              "%s", p8->text);
    cr_assert(strstr(src + p8->start, "We resolved") == src + p8->start, "range starts at text");
    cr_assert(strstr(by_label(&ps, "26", 0)->text, "peopleto-people") != NULL);
    cr_assert(strstr(by_label(&ps, "29", 0)->text, "abductions issue.") != NULL);
    drop(&ps);
    free(src);
}

Test(segment, asean_overview_markdown) {
    char *src;
    paras ps = segment_file("2024-overview-asean-japan-comprehensive-strategic-partnership.txt", &src);
    cr_assert_eq(ps.v[0].kind, AJ_PARA_HEADING);
    cr_assert_str_eq(ps.v[0].text, "Overview of ASEAN-Japan Comprehensive Strategic Partnership");
    cr_assert_str_eq(ps.v[1].text, "Introduction");
    for (int n = 1; n <= 39; n++) {
        char l[8];
        snprintf(l, sizeof l, "%d", n);
        cr_assert_not_null(by_label(&ps, l, 0), "paragraph %d", n);
    }
    const para *p4 = by_label(&ps, "4", 0);
    cr_assert(strstr(p4->text, "12th ASEAN-Japan Summit") != NULL, "%s", p4->text);
    cr_assert_null(strstr(p4->text, "<sup>"));
    const para *p16 = by_label(&ps, "16", 0);
    cr_assert(starts(p16->text, "According to preliminary data"));
    /* Paragraphs broken by a blank line or a page footer are joined. */
    cr_assert(strstr(by_label(&ps, "9", 0)->text,
                     "adopted a Joint Statement on the Establishment of the ASEAN-Japan") != NULL);
    const para *p22 = by_label(&ps, "22", 0);
    cr_assert(strstr(p22->text, "have been negotiating the ASEAN-Japan Regional Air Services") != NULL,
              "%s", p22->text);
    cr_assert(strstr(by_label(&ps, "36", 0)->text, "Initiative for ASEAN Integration to promote "
                                                   "inclusive and sustainable development") != NULL);
    /* The footnotes survive as their own paragraphs. */
    int found = 0;
    for (size_t i = 0; i < ps.n; i++)
        found += !strcmp(ps.v[i].text, "1 Preliminary ASEAN data for 2023");
    cr_assert_eq(found, 1);
    for (size_t i = 0; i < ps.n; i++) {
        cr_assert_null(strstr(ps.v[i].text, "**"), "%s", ps.v[i].text);
        cr_assert_null(strstr(ps.v[i].text, "---"), "%s", ps.v[i].text);
    }
    drop(&ps);
    free(src);
}

Test(segment, joint_vision_bullets_and_roman) {
    char *src;
    paras ps = segment_file("2023-12-17-joint-vision-statement-trusted-partners.txt", &src);
    cr_assert_str_eq(ps.v[0].text, "An Giang");
    cr_assert_eq(ps.v[0].kind, AJ_PARA_ITEM);
    cr_assert_eq(ps.v[0].has_label, 0);
    const para *i1 = by_label(&ps, "i", 0);
    cr_assert(starts(i1->text, "Strengthening youth and people-to-people"));
    cr_assert(starts(by_label(&ps, "xvi", 0)->text, "Utilising effective"));
    drop(&ps);
    free(src);
}

Test(segment, foreign_ministers_web_page) {
    char *src;
    paras ps = segment_file("2024-07-26-asean-japan-foreign-ministers-meeting-vientiane.txt", &src);
    int captions = 0;
    for (size_t i = 0; i < ps.n; i++)
        captions += starts(ps.v[i].text, "Photo session") ||
                    starts(ps.v[i].text, "Japan ASEAN Foreign Ministers under");
    cr_assert_eq(captions, 2, "captions are separate paragraphs");
    const para *h = by_label(&ps, "1", 0);
    cr_assert_eq(h->kind, AJ_PARA_HEADING);
    cr_assert(starts(h->text, "Review of ASEAN-Japan Cooperation"));
    cr_assert(starts(by_label(&ps, "1", 1)->text, "Minister Kamikawa made"));
    cr_assert(starts(by_label(&ps, "i", 0)->text, "“Heart-to-Heart"));
    drop(&ps);
    free(src);
}

Test(segment, summit_run_together_items) {
    char *src;
    paras ps = segment_file("2025-10-26-28th-asean-japan-summit-kuala-lumpur.txt", &src);
    cr_assert(starts(by_label(&ps, "2", 0)->text, "Prime Minister Takaichi then shared"));
    int bullet = 0;
    for (size_t i = 0; i < ps.n; i++)
        bullet |= starts(ps.v[i].text, "The meeting began") && ps.v[i].kind == AJ_PARA_ITEM &&
                  !ps.v[i].has_label;
    cr_assert(bullet);
    /* "...organized fraud. ii. “Partners for Co-creation..." */
    const para *ii = by_label(&ps, "ii", 1);
    cr_assert(starts(ii->text, "“Partners for Co-creation"), "%s", ii->text);
    const para *ii2 = by_label(&ps, "ii", 2);
    cr_assert(starts(ii2->text, "The East China Sea"), "%s", ii2->text);
    const para *v = by_label(&ps, "v", 0);
    cr_assert(starts(v->text, "Middle East Situation"), "%s", v->text);
    for (size_t i = 0; i < ps.n; i++)
        cr_assert_null(strstr(ps.v[i].text, "fraud. ii."));
    drop(&ps);
    free(src);
}

Test(segment, byte_ranges_hold_the_text) {
    const char *names[] = {
        "2020-11-12-chairmans-statement-23rd-asean-japan-summit.txt",
        "2023-12-17-joint-vision-statement-trusted-partners.txt",
        "2024-07-26-asean-japan-foreign-ministers-meeting-vientiane.txt",
        "2024-overview-asean-japan-comprehensive-strategic-partnership.txt",
        "2025-10-26-28th-asean-japan-summit-kuala-lumpur.txt"};
    for (int f = 0; f < 5; f++) {
        char *src;
        paras ps = segment_file(names[f], &src);
        for (size_t i = 0; i < ps.n; i++) {
            const para *p = &ps.v[i];
            /* The text's first 3 bytes appear at start (modulo markup). */
            if (p->text[0] != src[p->start])
                cr_assert(src[p->start] == '*' || src[p->start] == '<',
                          "%s para %zu starts with '%c' not '%c'", names[f], i,
                          src[p->start], p->text[0]);
            cr_assert_neq(src[p->end - 1], ' ', "range trimmed");
        }
        drop(&ps);
        free(src);
    }
}

Test(segment, plain_text_rules) {
    const char *s = "First paragraph\nsecond line of the same document\n\n"
                    "- item one\n- item two\n\n"
                    "(a) lettered\n\n1) numbered\n\n"
                    "Tom &amp; Jerry <b>bold</b> [link](http://x) `code`\n";
    paras ps = segment(s, strlen(s));
    cr_assert_str_eq(ps.v[0].text, "First paragraph");
    cr_assert_str_eq(ps.v[1].text, "second line of the same document");
    cr_assert_str_eq(ps.v[2].text, "item one");
    cr_assert_str_eq(ps.v[3].text, "item two");
    cr_assert_str_eq(ps.v[4].label, "a");
    cr_assert_str_eq(ps.v[5].label, "1");
    cr_assert_str_eq(ps.v[6].text, "Tom & Jerry bold link code");
    cr_assert_eq(ps.n, 7);
    drop(&ps);
    /* Short lowercase lines after blank lines are not "continuations". */
    const char *t = "alpha beta\n\nalpha alpha gamma\n\ndelta\n";
    ps = segment(t, strlen(t));
    cr_assert_eq(ps.n, 3);
    drop(&ps);
}

Test(segment, hostile_input) {
    paras ps = segment("", 0);
    cr_assert_eq(ps.n, 0);
    drop(&ps);
    ps = segment("\n\n  \n\t\n", 6);
    cr_assert_eq(ps.n, 0);
    drop(&ps);
    ps = segment("one\r\n\r\ntwo\r\n", 12);
    cr_assert_eq(ps.n, 2);
    cr_assert_str_eq(ps.v[0].text, "one");
    cr_assert_eq(ps.v[0].end, 3);
    drop(&ps);
    ps = segment("a\0b\n\nc\xff\xfe", 8);
    cr_assert_eq(ps.n, 2);
    cr_assert_str_eq(ps.v[0].text, "a b");
    drop(&ps);
    ps = segment("12<sup unterminated and **unbalanced", 36);
    cr_assert_eq(ps.n, 1);
    drop(&ps);
    ps = segment("---\n\n******\n\n* * *\n", 20);
    cr_assert_eq(ps.n, 0, "rules are dropped");
    drop(&ps);
}

Test(segment, huge_line_is_cut_in_bounded_pieces) {
    size_t n = 3u << 20;
    char *s = malloc(n);
    for (size_t i = 0; i < n; i++) s[i] = i % 7 == 6 ? ' ' : 'x';
    paras ps = segment(s, n);
    cr_assert_geq(ps.n, 3);
    uint64_t covered = 0;
    for (size_t i = 0; i < ps.n; i++) {
        cr_assert_leq(ps.v[i].end - ps.v[i].start, AJ_MAX_PARA_BYTES);
        covered += ps.v[i].end - ps.v[i].start;
    }
    cr_assert_geq(covered, n - 4 * ps.n, "pieces cover the line");
    drop(&ps);
    /* No spaces at all: cut at the limit. */
    memset(s, 'y', n);
    ps = segment(s, n);
    cr_assert_eq(ps.n, 3);
    drop(&ps);
    free(s);
}

Test(segment, random_bytes_property) {
    uint64_t st = 11;
    static const char *frags[] = {"\n", "\n\n", "8.\n", "- ", "• ", "ii. ", "<sup>", "</sup>",
                                  "**", "# ", "&amp;", "\xC3\xA9", "abc ", "Word. ", "\xE2\x80",
                                  "[x](y)", "\r\n", "(2) ", "\0"};
    for (int t = 0; t < 3000; t++) {
        char buf[800];
        size_t n = 0, target = (size_t)(th_rand(&st) % 600);
        while (n < target) {
            if (th_rand(&st) % 3 == 0) {
                buf[n++] = (char)th_rand(&st);
            } else {
                const char *f = frags[th_rand(&st) % 19];
                size_t k = *f ? strlen(f) : 1;
                memcpy(buf + n, f, k);
                n += k;
            }
        }
        char *exact = malloc(n ? n : 1);
        memcpy(exact, buf, n);
        paras ps = segment(exact, n);
        drop(&ps);
        free(exact);
    }
}
