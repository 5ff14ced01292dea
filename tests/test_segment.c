/*
 * test_segment.c - the segmenter: rules on small inputs, the real corpus,
 * byte-range invariants, huge and hostile inputs, and a random property
 * test.  Runs with the repository root as working directory.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/segment.h"

/* ---- collecting paragraphs -------------------------------------------- */

typedef struct para {
    uint64_t start, end;
    char *text;
    size_t len;
    char label[16];
    int has_label, kind, mark, head;
} para;

typedef struct paras {
    para *v;
    size_t n, cap;
    size_t stop_after; /* 0: never stop */
} paras;

static int collect(void *arg, const aj_seg_para *p) {
    paras *ps = arg;
    cr_assert_not_null(p->text);
    cr_assert_eq(p->text[p->text_len], '\0', "text is NUL-terminated");
    if (ps->n == ps->cap) {
        ps->cap = ps->cap ? ps->cap * 2 : 64;
        ps->v = realloc(ps->v, ps->cap * sizeof *ps->v);
        cr_assert_not_null(ps->v);
    }
    para *q = &ps->v[ps->n++];
    q->start = p->start;
    q->end = p->end;
    q->len = p->text_len;
    q->text = malloc(p->text_len + 1);
    cr_assert_not_null(q->text);
    memcpy(q->text, p->text, p->text_len + 1);
    q->has_label = p->label != NULL;
    q->label[0] = '\0';
    if (p->label) {
        cr_assert_lt(strlen(p->label), sizeof q->label);
        strcpy(q->label, p->label);
    }
    q->kind = p->kind;
    q->mark = p->mark;
    q->head = p->head;
    cr_assert(p->kind == AJ_PARA_HEADING || !p->head, "only headings say where they came from");
    cr_assert(p->label || p->mark == AJ_MARK_NONE || p->mark == AJ_MARK_BULLET,
              "a mark needs a label");
    return ps->stop_after && ps->n >= ps->stop_after;
}

static paras seg_n(const char *src, size_t len) {
    paras ps = {0};
    aj_ctx c = {0};
    aj_err e = aj_segment(&c, src, len, collect, &ps);
    cr_assert_eq(e, AJ_OK, "aj_segment: %s", c.msg);
    return ps;
}

static paras seg(const char *src) { return seg_n(src, strlen(src)); }

static void drop(paras *ps) {
    for (size_t i = 0; i < ps->n; i++) free(ps->v[i].text);
    free(ps->v);
    memset(ps, 0, sizeof *ps);
}

static const para *with_label(const paras *ps, const char *label) {
    for (size_t i = 0; i < ps->n; i++)
        if (ps->v[i].has_label && !strcmp(ps->v[i].label, label))
            return &ps->v[i];
    return NULL;
}

static const para *with_text(const paras *ps, const char *text) {
    for (size_t i = 0; i < ps->n; i++)
        if (!strcmp(ps->v[i].text, text)) return &ps->v[i];
    return NULL;
}

static const para *starting(const paras *ps, const char *prefix) {
    for (size_t i = 0; i < ps->n; i++)
        if (!strncmp(ps->v[i].text, prefix, strlen(prefix)))
            return &ps->v[i];
    return NULL;
}

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "open %s (run from the repository root)", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    cr_assert_not_null(buf);
    cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    buf[n] = '\0';
    *len = (size_t)n;
    return buf;
}

#define CHAIRMAN "corpus/2020-11-12-chairmans-statement-23rd-asean-japan-summit.txt"
#define VISION "corpus/2023-12-17-joint-vision-statement-trusted-partners.txt"
#define MINISTERS "corpus/2024-07-26-asean-japan-foreign-ministers-meeting-vientiane.txt"
#define OVERVIEW "corpus/2024-overview-asean-japan-comprehensive-strategic-partnership.txt"
#define SUMMIT28 "corpus/2025-10-26-28th-asean-japan-summit-kuala-lumpur.txt"

static const char *const corpus_files[] = {CHAIRMAN, VISION, MINISTERS,
                                           OVERVIEW, SUMMIT28};

/* ---- invariants every output must satisfy ----------------------------- */

static int valid_label(const para *p) {
    if (!p->has_label) return 1;
    size_t n = strlen(p->label);
    if (n == 0 || n > 7) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = p->label[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) return 0;
    }
    return 1;
}

static int content(const char *t, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)t[i];
        if ((b >= '0' && b <= '9') || ((b | 32) >= 'a' && (b | 32) <= 'z') ||
            b >= 0x80)
            return 1;
    }
    return 0;
}

/* Checks what holds for any input: ranges inside the source, in order,
 * non-overlapping except a merged paragraph around the footnotes after
 * it; clean, trimmed text that starts and ends with the source's bytes. */
static void check_invariants(const char *src, size_t len, const paras *ps) {
    uint64_t outer_start = 0, outer_end = 0, inner_end = 0;
    for (size_t i = 0; i < ps->n; i++) {
        const para *p = &ps->v[i];
        cr_assert_lt(p->start, p->end, "paragraph %zu: empty range", i);
        cr_assert_leq(p->end, len, "paragraph %zu: past the end", i);
        cr_assert_leq(p->end - p->start, AJ_MAX_PARA_BYTES,
                      "paragraph %zu: too long a source", i);
        cr_assert_gt(p->len, 0);
        cr_assert_leq(p->len, p->end - p->start,
                      "paragraph %zu: text longer than its source", i);
        cr_assert_eq(strlen(p->text), p->len, "no NUL inside text");
        cr_assert(content(p->text, p->len), "paragraph %zu has content", i);
        cr_assert_neq(p->text[0], ' ');
        cr_assert_neq(p->text[p->len - 1], ' ');
        for (size_t k = 0; k < p->len; k++) {
            unsigned char b = (unsigned char)p->text[k];
            cr_assert(b >= 0x20, "paragraph %zu: control byte %u", i, b);
            if (k) cr_assert(!(b == ' ' && p->text[k - 1] == ' '));
        }
        cr_assert(p->kind == AJ_PARA_BODY || p->kind == AJ_PARA_HEADING ||
                  p->kind == AJ_PARA_ITEM);
        cr_assert(valid_label(p), "paragraph %zu: label '%s'", i, p->label);
        /* text begins and ends with the source's bytes (entities aside) */
        if (src[p->start] != '&')
            cr_assert_eq(p->text[0], src[p->start],
                         "paragraph %zu starts at its text", i);
        if (src[p->end - 1] != ';')
            cr_assert_eq(p->text[p->len - 1], src[p->end - 1],
                         "paragraph %zu ends at its text", i);
        /* order and overlap */
        if (i == 0 || p->start >= outer_end) {
            cr_assert(i == 0 || p->start >= outer_start);
            outer_start = p->start;
            outer_end = p->end;
            inner_end = p->start;
        } else {
            cr_assert_gt(p->start, outer_start, "in order of start");
            cr_assert_leq(p->end, outer_end, "paragraph %zu overlaps", i);
            cr_assert_geq(p->start, inner_end, "footnotes do not overlap");
            inner_end = p->end;
        }
    }
}

/* ---- the real corpus -------------------------------------------------- */

Test(corpus, paragraph_counts_and_invariants) {
    static const size_t counts[] = {32, 112, 26, 48, 56};
    for (size_t f = 0; f < 5; f++) {
        size_t len;
        char *src = slurp(corpus_files[f], &len);
        paras ps = seg_n(src, len);
        cr_expect_eq(ps.n, counts[f], "%s: %zu paragraphs", corpus_files[f],
                     ps.n);
        check_invariants(src, len, &ps);
        drop(&ps);
        free(src);
    }
}

/* Where the source has no markup and no line break, the text is exactly
 * the source bytes of its range. */
Test(corpus, simple_paragraphs_are_their_source) {
    size_t exact = 0;
    for (size_t f = 0; f < 5; f++) {
        size_t len;
        char *src = slurp(corpus_files[f], &len);
        paras ps = seg_n(src, len);
        for (size_t i = 0; i < ps.n; i++) {
            const para *p = &ps.v[i];
            size_t n = (size_t)(p->end - p->start);
            const char *s = src + p->start;
            int plain = 1;
            for (size_t k = 0; k < n && plain; k++)
                plain = !strchr("\n\r\t<>*&[]`_#", s[k]) &&
                        !(s[k] == ' ' && k && s[k - 1] == ' ');
            if (!plain) continue;
            cr_assert_eq(p->len, n, "%s: %s", corpus_files[f], p->text);
            cr_assert(!memcmp(p->text, s, n));
            exact++;
        }
        drop(&ps);
        free(src);
    }
    cr_assert_gt(exact, 200, "most paragraphs are plain (%zu)", exact);
}

Test(corpus, chairmans_statement) {
    size_t len;
    char *src = slurp(CHAIRMAN, &len);
    paras ps = seg_n(src, len);
    cr_assert_eq(ps.n, 32, "Final, title, date and 29 numbered paragraphs");
    cr_assert_str_eq(ps.v[0].text, "Final");
    cr_assert_eq(ps.v[0].kind, AJ_PARA_BODY);
    cr_assert_str_eq(ps.v[1].text,
                     "CHAIRMAN\u2019S STATEMENT OF THE 23rd ASEAN-JAPAN SUMMIT");
    cr_assert_eq(ps.v[1].kind, AJ_PARA_HEADING);
    cr_assert_str_eq(ps.v[2].text, "Viet Nam, 12 November 2020");
    for (int k = 1; k <= 29; k++) {
        const para *p = &ps.v[2 + k];
        char want[8];
        snprintf(want, sizeof want, "%d", k);
        cr_assert(p->has_label && !strcmp(p->label, want),
                  "paragraph %d labelled '%s'", k, p->label);
        cr_assert_eq(p->kind, AJ_PARA_ITEM);
        cr_assert_null(strchr(p->text, '\n'));
        cr_assert_gt(p->len, 300, "paragraph %d is whole (%zu bytes)", k,
                     p->len);
        cr_assert_eq(p->text[p->len - 1], '.', "paragraph %d ends", k);
        /* starts at the first text byte of the line after the number */
        cr_assert_eq(src[p->start - 1], '\n');
    }
    cr_assert(!strncmp(with_label(&ps, "8")->text,
                       "We resolved to continue enhancing cooperation in "
                       "addressing security issues of common interest and "
                       "concern, including terrorism, maritime security,",
                       136));
    cr_assert_not_null(strstr(with_label(&ps, "26")->text, "peopleto-people"));
    cr_assert_not_null(strstr(with_label(&ps, "1")->text,
                              "on 12 November 2020. The Meeting"));
    cr_assert(!strncmp(with_label(&ps, "29")->text, "We stressed", 11));
    for (size_t i = 0; i < ps.n; i++)
        cr_assert_null(strchr(ps.v[i].text, '*'), "****** is dropped");
    drop(&ps);
    free(src);
}

Test(corpus, overview_markdown) {
    size_t len;
    char *src = slurp(OVERVIEW, &len);
    paras ps = seg_n(src, len);
    cr_assert_str_eq(ps.v[0].text,
                     "Overview of ASEAN-Japan Comprehensive Strategic "
                     "Partnership");
    cr_assert_eq(ps.v[0].kind, AJ_PARA_HEADING);
    cr_assert_str_eq(ps.v[1].text, "Introduction");
    cr_assert_eq(ps.v[1].kind, AJ_PARA_HEADING);
    cr_assert_not_null(with_text(&ps, "Economic Cooperation"));
    int prev = 0;
    for (size_t i = 0; i < ps.n; i++) {
        if (ps.v[i].kind != AJ_PARA_ITEM) continue;
        cr_assert_eq(atoi(ps.v[i].label), prev + 1, "numbered in order");
        prev++;
        cr_assert_null(strchr(ps.v[i].text, '<'), "no tags in text");
    }
    cr_assert_eq(prev, 39);
    const para *p16 = with_label(&ps, "16");
    cr_assert(!strncmp(p16->text, "According to preliminary data", 29));
    cr_assert_not_null(strstr(with_label(&ps, "4")->text, "the 12th ASEAN"));
    cr_assert_not_null(strstr(with_label(&ps, "7")->text, "the 21st ASEAN"));

    /* 9 and 36: broken by a blank line */
    const para *p9 = with_label(&ps, "9");
    cr_assert_not_null(strstr(p9->text, "adopted a Joint Statement on the "
                                        "Establishment of the ASEAN-Japan"));
    cr_assert(!strncmp(src + p9->end - 6, "(CSP).", 6));
    cr_assert_not_null(strstr(with_label(&ps, "36")->text,
                              "promote inclusive and sustainable development"));
    /* 22: broken by ---, two footnotes; the footnotes come after it */
    const para *p22 = with_label(&ps, "22");
    cr_assert_not_null(strstr(p22->text, "ASEAN and Japan have been "
                                         "negotiating the ASEAN-Japan "
                                         "Regional Air Services Agreement"));
    const para *f1 = p22 + 1, *f2 = p22 + 2;
    cr_assert_str_eq(f1->text, "1 Preliminary ASEAN data for 2023");
    cr_assert_str_eq(f2->text, "2 ASEAN data for 2022");
    cr_assert_eq(f1->kind, AJ_PARA_BODY);
    cr_assert(!f1->has_label && !f2->has_label);
    cr_assert(p22->start < f1->start && f2->end < p22->end);
    cr_assert_str_eq((p22 + 3)->label, "23");
    drop(&ps);
    free(src);
}

Test(corpus, joint_vision_statement) {
    size_t len;
    char *src = slurp(VISION, &len);
    paras ps = seg_n(src, len);
    for (int i = 0; i < 64; i++) {
        cr_assert_eq(ps.v[i].kind, AJ_PARA_ITEM);
        cr_assert(!ps.v[i].has_label);
    }
    cr_assert_str_eq(ps.v[0].text, "An Giang");
    cr_assert_str_eq(ps.v[21].text, "Ha Noi");
    cr_assert_str_eq(ps.v[63].text, "Yen Bai");
    cr_assert(!memcmp(src + ps.v[1].start, "Binh Duong", 10));
    const para *i1 = starting(&ps, "Strengthening youth");
    cr_assert_str_eq(i1->label, "i");
    cr_assert_str_eq((i1 + 1)->label, "ii");
    cr_assert_str_eq((i1 + 4)->label, "v");
    /* "...energy cooperation; x. Addressing climate change" splits */
    const para *x = starting(&ps, "Addressing climate change");
    cr_assert_not_null(x);
    cr_assert_str_eq(x->label, "x");
    cr_assert_str_eq((x - 1)->label, "ix");
    const char *ix_end = "to advance energy cooperation;";
    cr_assert(!strcmp((x - 1)->text + (x - 1)->len - strlen(ix_end), ix_end),
              "the ix item ends at the split");
    cr_assert_str_eq((x + 6)->label, "xvi");
    const para *we = starting(&ps, "WE, the Member States");
    cr_assert_eq(we->kind, AJ_PARA_BODY);
    cr_assert(!we->has_label);
    drop(&ps);
    free(src);
}

Test(corpus, foreign_ministers_meeting) {
    size_t len;
    char *src = slurp(MINISTERS, &len);
    paras ps = seg_n(src, len);
    cr_assert_str_eq(ps.v[2].text, "Photo session, Japan ASEAN Foreign "
                                   "Ministers on the stage, crossing their "
                                   "hands each other");
    cr_assert_str_eq(ps.v[3].text, "Japan ASEAN Foreign Ministers under "
                                   "meeting");
    const para *h = with_text(&ps, "Review of ASEAN-Japan Cooperation and its "
                                   "Future Direction");
    cr_assert_not_null(h);
    cr_assert_eq(h->kind, AJ_PARA_HEADING);
    cr_assert_str_eq(h->label, "1");
    const para *h2 = with_text(&ps, "Regional and international issues");
    cr_assert_eq(h2->kind, AJ_PARA_HEADING);
    cr_assert_str_eq(h2->label, "2");
    cr_assert_str_eq((h + 1)->label, "1");
    cr_assert_str_eq((h + 1)->text, "Minister Kamikawa made the following "
                                    "remarks on ASEAN-Japan cooperation.");
    cr_assert_eq((h + 1)->kind, AJ_PARA_ITEM);
    const para *i1 = with_label(&ps, "i");
    cr_assert_str_eq(i1->text, "\u201cHeart-to-Heart Partners across "
                               "Generation\u201d");
    cr_assert_str_eq(with_label(&ps, "iii")->text,
                     "\u201cPartners for Peace and Stability.\u201d");
    const para *first = starting(&ps, "First, she mentioned");
    cr_assert_eq(first->kind, AJ_PARA_BODY);
    cr_assert_eq(src[first->start - 1], ' ', "indentation is not text");
    drop(&ps);
    free(src);
}

Test(corpus, summit_28th) {
    size_t len;
    char *src = slurp(SUMMIT28, &len);
    paras ps = seg_n(src, len);
    const para *m = starting(&ps, "The meeting began");
    cr_assert_eq(m->kind, AJ_PARA_ITEM);
    cr_assert(!m->has_label);
    cr_assert_str_eq((m - 1)->label, "1");
    cr_assert_str_eq((m - 1)->text, "ASEAN-Japan cooperation");
    cr_assert_str_eq((m + 1)->label, "i");
    cr_assert(!strncmp((m + 1)->text, "I would like", 12));
    cr_assert_str_eq(starting(&ps, "Prime Minister Takaichi then shared")->label,
                     "2");
    /* run together: "...organized fraud. ii. “Partners for Co-creation" */
    const para *fraud = starting(&ps, "We will also strengthen our efforts");
    cr_assert(!strcmp(fraud->text + fraud->len - 16, "organized fraud."));
    cr_assert_str_eq((fraud + 1)->label, "ii");
    cr_assert_str_eq((fraud + 1)->text, "\u201cPartners for Co-creation of "
                                        "Economy and Society of the "
                                        "Future\u201d");
    cr_assert_lt(fraud->end, (fraud + 1)->start);
    /* "...anywhere in the world.ii. The East China Sea..." */
    const para *ecs = starting(&ps, "The East China Sea, the South");
    cr_assert_str_eq(ecs->label, "ii");
    cr_assert_str_eq(ecs->text, "The East China Sea, the South China Sea, "
                                "Taiwan:");
    cr_assert(!strcmp((ecs - 1)->text + (ecs - 1)->len - 10, "the world."));
    cr_assert_str_eq(starting(&ps, "North Korea")->label, "iii");
    cr_assert_str_eq(with_text(&ps, "Situation in Myanmar")->label, "iv");
    const para *me = with_text(&ps, "Middle East Situation:");
    cr_assert_str_eq(me->label, "v");
    cr_assert(!strcmp((me - 1)->text + (me - 1)->len - 19,
                      "political dialogue."));
    cr_assert_str_eq(starting(&ps, "Russia's aggression")->label, "vi");
    cr_assert_null(with_text(&ps, ")"), "a lone bracket is dropped");
    drop(&ps);
    free(src);
}

Test(corpus, titles) {
    static const char *const want[] = {
        "Final", "An Giang", "Japan-ASEAN Relations",
        "Overview of ASEAN-Japan Comprehensive Strategic Partnership",
        "Japan-ASEAN Relations"};
    for (size_t f = 0; f < 5; f++) {
        size_t len;
        char *src = slurp(corpus_files[f], &len);
        char out[128];
        size_t n = aj_segment_title(src, len, out, sizeof out);
        cr_assert_str_eq(out, want[f]);
        cr_assert_eq(n, strlen(want[f]));
        free(src);
    }
}

/* ---- lines, blocks and modes ------------------------------------------ */

Test(rules, blank_lines_and_unwrapped_lines) {
    paras ps = seg("First line.\nSecond line.\n \t\n\n\xc2\xa0\nThird.\n");
    cr_assert_eq(ps.n, 3);
    cr_assert_str_eq(ps.v[0].text, "First line.");
    cr_assert_str_eq(ps.v[1].text, "Second line.");
    cr_assert_str_eq(ps.v[2].text, "Third.");
    cr_assert_eq(ps.v[2].start, 32);
    drop(&ps);
}

Test(rules, crlf) {
    const char *src = "Alpha beta.\r\nGamma delta.\r\n\r\n- item one\r\n";
    paras ps = seg(src);
    cr_assert_eq(ps.n, 3);
    cr_assert_str_eq(ps.v[0].text, "Alpha beta.");
    cr_assert_eq(ps.v[0].end, 11);
    cr_assert_str_eq(ps.v[1].text, "Gamma delta.");
    cr_assert_str_eq(ps.v[2].text, "item one");
    cr_assert_eq(ps.v[2].kind, AJ_PARA_ITEM);
    check_invariants(src, strlen(src), &ps);
    drop(&ps);
}

/* A synthetic hard-wrapped document: lines of 60-80 characters. */
static const char wrapped_doc[] =
    "ANNUAL REPORT OF THE JOINT COMMITTEE\n"
    "1.\n"
    "The committee met four times during the year and reviewed the people-to-\n"
    "people programmes, the scholarship scheme and the new exchange of young\n"
    "officials between the member states and the partner country. It thanked\n"
    "the secretariat.\n"
    "2.\n"
    "The committee noted that the budget for the coming year was prepared in\n"
    "time and agreed that the figures would be published before the summit\n"
    "meeting in the autumn, together with the COVID-\n"
    "19 recovery plan and its annexes, as requested by the ministers during\n"
    "their meeting.\n"
    "A short closing line.\n"
    "Another short line.\n";

Test(rules, wrapped_document) {
    paras ps = seg(wrapped_doc);
    check_invariants(wrapped_doc, strlen(wrapped_doc), &ps);
    cr_assert_eq(ps.n, 5);
    cr_assert_eq(ps.v[0].kind, AJ_PARA_HEADING);
    cr_assert_str_eq(ps.v[1].label, "1");
    cr_assert_str_eq(ps.v[1].text,
                     "The committee met four times during the year and "
                     "reviewed the people-to-people programmes, the "
                     "scholarship scheme and the new exchange of young "
                     "officials between the member states and the partner "
                     "country. It thanked the secretariat.");
    cr_assert_str_eq(ps.v[2].label, "2");
    cr_assert_not_null(strstr(ps.v[2].text, "the COVID- 19 recovery plan"),
                       "a hyphen before a digit keeps the space");
    cr_assert(!strcmp(ps.v[2].text + ps.v[2].len - 14, "their meeting."));
    cr_assert_str_eq(ps.v[3].text, "A short closing line.");
    cr_assert_str_eq(ps.v[4].text, "Another short line.");
    drop(&ps);
}

static const char hyphenated_doc[] =
    "The committee met four times during the year and reviewed the develop-\n"
    "ment of the scholarship scheme, the transfer of know-\n"
    "ledge between the member states, a well-\n"
    "known programme of young officials and the partner country's people-to-\n"
    "people ties. It asked for the co-\n"
    "operation of all the agencies and welcomed a ASEAN-\n"
    "wide plan, the Nguy\xe1\xbb\x85n-\n"
    "era archive and the budget of the coming year, which was prepared in\n"
    "time and agreed by the ministers during their meeting in the autumn.\n";

Test(rules, hyphenated_line_ends) {
    /* wrapped text: the hyphen goes where the halves make an English word */
    paras ps = seg(hyphenated_doc);
    check_invariants(hyphenated_doc, strlen(hyphenated_doc), &ps);
    cr_assert_eq(ps.n, 1);
    const char *t = ps.v[0].text;
    cr_assert(strstr(t, "reviewed the development of the scholarship"), "%s", t);
    cr_assert(strstr(t, "transfer of knowledge between"), "%s", t);
    cr_assert(strstr(t, "a well-known programme"), "a compound keeps its hyphen: %s", t);
    cr_assert(strstr(t, "people-to-people ties"), "%s", t);
    cr_assert(strstr(t, "the cooperation of all"), "%s", t);
    cr_assert(strstr(t, "a ASEAN-wide plan"), "%s", t);
    cr_assert(strstr(t, "Nguy\xe1\xbb\x85n-era archive"), "letters outside ASCII: kept: %s", t);
    drop(&ps);
    /* short text, a line a paragraph: joined back by the page join, also
     * across a page break (a form feed line) */
    ps = seg("We stressed the develop-\nment of the region.\n");
    cr_assert_eq(ps.n, 1);
    cr_assert_str_eq(ps.v[0].text, "We stressed the development of the region.");
    drop(&ps);
    ps = seg("We stressed the importance of the regional infrastructure and the develop-\n"
             "\f\nment of the region.\n");
    cr_assert_eq(ps.n, 1);
    cr_assert_str_eq(ps.v[0].text, "We stressed the importance of the regional "
                                   "infrastructure and the development of the region.");
    drop(&ps);
}

Test(rules, unwrapped_document_keeps_lines) {
    /* the same lines, fewer than 8: not wrapped, each line a paragraph */
    paras ps = seg("The committee met four times during the year and reviewed "
                   "the\nProgrammes of the year.\n");
    cr_assert_eq(ps.n, 2);
    drop(&ps);
}

/* ---- cleaning ---------------------------------------------------------- */

static void expect_text(const char *src, const char *want) {
    paras ps = seg(src);
    cr_assert_eq(ps.n, 1, "'%s' gives one paragraph, not %zu", src, ps.n);
    cr_assert_str_eq(ps.v[0].text, want, "from '%s'", src);
    check_invariants(src, strlen(src), &ps);
    drop(&ps);
}

Test(clean, tags) {
    expect_text("the 12<sup>th</sup> Summit", "the 12th Summit");
    expect_text("<b>bold</b> <i>it</i> <em>em</em> <strong>s</strong> <u>u</u>",
                "bold it em s u");
    expect_text("<span class=\"x\" id='y'>styled</span> text", "styled text");
    expect_text("<p>para</p>", "para");
    expect_text("one<br>two<br/>three<BR />four", "one two three four");
    expect_text("H<sub>2</sub>O", "H2O");
    expect_text("a < b and c > d", "a < b and c > d");
    expect_text("I <3 it", "I <3 it");
    expect_text("mail <user@example.org> now", "mail <user@example.org> now");
    expect_text("unterminated <sup tag here", "unterminated <sup tag here");
    expect_text("broken <sup", "broken <sup");
}

Test(clean, long_tag_is_text) {
    char src[400];
    strcpy(src, "x <span ");
    memset(src + 8, 'a', 250);
    strcpy(src + 258, "> y");
    paras ps = seg(src);
    cr_assert_eq(ps.n, 1);
    cr_assert_not_null(strstr(ps.v[0].text, "<span aaa"));
    drop(&ps);
}

Test(clean, emphasis_code_quotes) {
    expect_text("some **bold** and __strong__ words", "some bold and strong "
                                                       "words");
    expect_text("snake__case stays", "snake__case stays");
    expect_text("a single * star and _under_", "a single * star and _under_");
    expect_text("unbalanced **bold here", "unbalanced bold here");
    expect_text("run `code` here", "run code here");
    expect_text("> quoted line", "quoted line");
    expect_text("> > nested **quote**", "nested quote");
}

Test(clean, links) {
    expect_text("see [the site](http://x.org/a) now", "see the site now");
    expect_text("![a photo](img.png) caption", "a photo caption");
    expect_text("[**bold link**](u)", "bold link");
    expect_text("[not a link] (u)", "[not a link] (u)");
    expect_text("[open bracket only", "[open bracket only");
    expect_text("[a](unclosed", "[a](unclosed");
}

Test(clean, entities) {
    expect_text("A &amp; B &lt;c&gt; &quot;d&quot; &apos;e&#39;",
                "A & B <c> \"d\" 'e'");
    expect_text("x&nbsp;y &#8220;q&#8221; &#x2019;", "x y \u201cq\u201d \u2019");
    expect_text("&amp;lt; stays once", "&lt; stays once");
    expect_text("&bogus; &#; &#xZZ; &#99999999;", "&bogus; &#; &#xZZ; &#99999999;");
    expect_text("&#xD800; surrogate", "&#xD800; surrogate");
}

Test(clean, whitespace_and_controls) {
    const char src[] = "a\0b\x01\x1f c\t\td\x0b" "e  \r f";
    paras ps = seg_n(src, sizeof src - 1);
    cr_assert_eq(ps.n, 1);
    cr_assert_str_eq(ps.v[0].text, "a b c d e f");
    drop(&ps);
}

/* DEL is a control byte like the others (found by fuzz_segment). */
Test(clean, del_is_a_control_byte) {
    const char src[] = "a\x7f" "b &#127;c\x7f";
    paras ps = seg_n(src, sizeof src - 1);
    cr_assert_eq(ps.n, 1);
    cr_assert_str_eq(ps.v[0].text, "a b c");
    drop(&ps);
}

Test(clean, invalid_utf8_passes_through) {
    const char src[] = "ok \xff\xfe bytes \xc3 and \xe2\x80 end";
    paras ps = seg_n(src, sizeof src - 1);
    cr_assert_eq(ps.n, 1);
    cr_assert_str_eq(ps.v[0].text, src);
    drop(&ps);
}

Test(clean, markup_only_paragraphs_are_dropped) {
    paras ps = seg("---\n\n******\n\n* * *\n\n___\n\n<b></b>\n\n)\n\n\xe2\x80\xa2\n");
    cr_assert_eq(ps.n, 0);
    drop(&ps);
}

/* ---- headings ---------------------------------------------------------- */

Test(headings, markdown_and_bold) {
    paras ps = seg("## **Overview of It**\nBody text.\n### Closed ###\n"
                   "**All bold line**\n####### not a heading\n#tag\n");
    cr_assert_eq(ps.n, 6);
    cr_assert_str_eq(ps.v[0].text, "Overview of It");
    cr_assert_eq(ps.v[0].kind, AJ_PARA_HEADING);
    cr_assert_eq(ps.v[0].start, 5);
    cr_assert_eq(ps.v[1].kind, AJ_PARA_BODY);
    cr_assert_str_eq(ps.v[2].text, "Closed");
    cr_assert_eq(ps.v[2].kind, AJ_PARA_HEADING);
    cr_assert_str_eq(ps.v[3].text, "All bold line");
    cr_assert_eq(ps.v[3].kind, AJ_PARA_HEADING);
    cr_assert_eq(ps.v[4].kind, AJ_PARA_BODY);
    cr_assert_eq(ps.v[5].kind, AJ_PARA_BODY);
    cr_assert_str_eq(ps.v[5].text, "#tag");
    drop(&ps);
}

/* Where a heading came from and how a label was written, for the
 * outline (outline.h). */
Test(headings, heading_sources_and_marks) {
    paras ps = seg("### Three\n**Bold line**\n1 Numbered Title\n12 March 2021\n"
                   "1. one\n2) two\n(3) three\n- bullet\n\nplain\n8.\nEight.\n");
    cr_assert_eq(ps.n, 10);
    cr_assert_eq(ps.v[0].head, 3);
    cr_assert_eq(ps.v[1].head, AJ_HEAD_BOLD);
    cr_assert_eq(ps.v[2].head, AJ_HEAD_NUMBERED);
    cr_assert_eq(ps.v[2].mark, AJ_MARK_BARE);
    /* a day and month is a date, not heading 12 */
    cr_assert_eq(ps.v[3].kind, AJ_PARA_BODY);
    cr_assert_str_eq(ps.v[3].text, "12 March 2021");
    cr_assert_eq(ps.v[4].mark, AJ_MARK_DOT);
    cr_assert_eq(ps.v[5].mark, AJ_MARK_CLOSE);
    cr_assert_eq(ps.v[6].mark, AJ_MARK_PARENS);
    cr_assert_eq(ps.v[7].mark, AJ_MARK_BULLET);
    cr_assert_eq(ps.v[8].mark, AJ_MARK_NONE);
    cr_assert_str_eq(ps.v[9].label, "8");
    cr_assert_eq(ps.v[9].mark, AJ_MARK_DOT, "a number alone on its line keeps its mark");
    drop(&ps);
    ps = seg("CHAIRMAN'S STATEMENT OF THE SUMMIT\n"
             "The 23rd Summit was held via video conference on 12 November 2020 and\n"
             "the Meeting was chaired by the Prime Minister of the Socialist Republic\n"
             "of Viet Nam, and attended by Heads of State and Government of ASEAN and\n"
             "Japan; the Secretary-General of ASEAN was also in attendance at it too.\n"
             "We noted with satisfaction the progress of ASEAN-Japan friendship and\n"
             "cooperation over the last year and reaffirmed the commitment to further\n"
             "strengthening the ASEAN-Japan Strategic Partnership, including through\n"
             "continued effective implementation of the Revised Implementation Plan.\n"
             "done. ii. The next item of the list here\n");
    cr_assert_eq(ps.v[0].head, AJ_HEAD_CAPS);
    cr_assert_str_eq(ps.v[ps.n - 1].label, "ii");
    cr_assert_eq(ps.v[ps.n - 1].mark, AJ_MARK_DOT, "a run-on roman item");
    drop(&ps);
}

Test(headings, numbered_title_in_unwrapped_text) {
    paras ps = seg("1 Review of Cooperation\n12 Other Matters\n"
                   "3 people came.\n100 Years Later\n4 Title ends.\n");
    cr_assert_eq(ps.n, 5);
    cr_assert_eq(ps.v[0].kind, AJ_PARA_HEADING);
    cr_assert_str_eq(ps.v[0].label, "1");
    cr_assert_str_eq(ps.v[0].text, "Review of Cooperation");
    cr_assert_str_eq(ps.v[1].label, "12");
    for (int i = 2; i < 5; i++) {
        cr_assert_eq(ps.v[i].kind, AJ_PARA_BODY);
        cr_assert(!ps.v[i].has_label);
    }
    drop(&ps);
}

/* ---- list items and labels -------------------------------------------- */

Test(items, bullets) {
    paras ps = seg("\xe2\x80\xa2 a\n\xe2\x97\x8f b\n\xe2\x96\xaa c\n"
                   "\xe2\x97\xa6 d\n\xe2\x80\xa3 e\n- f\n* g\n+ h\n"
                   "\xe2\x80\x93 i\n-no\n");
    cr_assert_eq(ps.n, 10);
    const char *want = "abcdefghi";
    for (int k = 0; k < 9; k++) {
        cr_assert_eq(ps.v[k].kind, AJ_PARA_ITEM);
        cr_assert(!ps.v[k].has_label);
        cr_assert_eq(ps.v[k].text[0], want[k]);
    }
    cr_assert_eq(ps.v[9].kind, AJ_PARA_BODY);
    cr_assert_str_eq(ps.v[9].text, "-no");
    drop(&ps);
}

Test(items, numbers_letters_romans) {
    static const char *const labels[] = {"1", "22", "333", "4", "5", "ii",
                                         "iv", "xxxix", "ix", "c", "x"};
    paras ps = seg("1. one\n22) two\n333. three\n(4) four\n  5. five\n"
                   "ii. six\niv) seven\nxxxix. eight\n(ix) nine\n(c) ten\n"
                   "(x) eleven\n");
    cr_assert_eq(ps.n, 11);
    for (int k = 0; k < 11; k++) {
        cr_assert_eq(ps.v[k].kind, AJ_PARA_ITEM);
        cr_assert_str_eq(ps.v[k].label, labels[k]);
        cr_assert(ps.v[k].text[0] >= 'a' && ps.v[k].text[0] <= 'z');
    }
    cr_assert_eq(ps.v[4].start, 40, "start after the marker");
    drop(&ps);
}

Test(items, not_markers) {
    static const char *const lines[] = {
        "1234. Four digits",  "xl. Forty is not", "iiii. Four i",
        "(ab) two letters",   "1.5 million",      "2020. A year",
        "(2018-2022) range",  "ix.Nothing after", "v.",
    };
    for (size_t k = 0; k < sizeof lines / sizeof lines[0] - 1; k++) {
        paras ps = seg(lines[k]);
        cr_assert_eq(ps.n, 1);
        cr_assert(!ps.v[0].has_label, "'%s' has no label", lines[k]);
        cr_assert_eq(ps.v[0].kind, AJ_PARA_BODY, "%s", lines[k]);
        drop(&ps);
    }
}

Test(items, number_alone_on_its_line) {
    const char *src = "8.\nWe resolved to act.\n 29.\n\nThe last one.\n"
                      "3.\n- a bullet\n7.\n";
    paras ps = seg(src);
    check_invariants(src, strlen(src), &ps);
    cr_assert_eq(ps.n, 5);
    cr_assert_str_eq(ps.v[0].label, "8");
    cr_assert_str_eq(ps.v[0].text, "We resolved to act.");
    cr_assert_eq(ps.v[0].start, 3);
    cr_assert_eq(ps.v[0].kind, AJ_PARA_ITEM);
    cr_assert_str_eq(ps.v[1].label, "29", "blank lines between are fine");
    cr_assert_str_eq(ps.v[1].text, "The last one.");
    /* a number with no text of its own stays a paragraph */
    cr_assert_str_eq(ps.v[2].text, "3.");
    cr_assert(!ps.v[2].has_label);
    cr_assert_str_eq(ps.v[3].text, "a bullet");
    cr_assert_str_eq(ps.v[4].text, "7.");
    drop(&ps);
}

/* ---- items run together (rule 7) --------------------------------------- */

Test(runon, splits) {
    const char *src = "Done here. ii. \xe2\x80\x9cQuoted\xe2\x80\x9d next; "
                      "iii. (paren) and!iv. Four? v. Five:vi. Six.\xe2\x80\x9d "
                      "vii. Seven";
    paras ps = seg(src);
    check_invariants(src, strlen(src), &ps);
    static const char *const labels[] = {"", "ii", "iii", "iv", "v", "vi",
                                         "vii"};
    cr_assert_eq(ps.n, 7);
    cr_assert_str_eq(ps.v[0].text, "Done here.");
    for (int k = 1; k < 7; k++) {
        cr_assert_eq(ps.v[k].kind, AJ_PARA_ITEM);
        cr_assert_str_eq(ps.v[k].label, labels[k]);
    }
    cr_assert_str_eq(ps.v[1].text, "\xe2\x80\x9cQuoted\xe2\x80\x9d next;");
    cr_assert_str_eq(ps.v[2].text, "(paren) and!");
    cr_assert_str_eq(ps.v[6].text, "Seven");
    drop(&ps);
}

Test(runon, no_split) {
    static const char *const lines[] = {
        "That is, i.e. The rest stays.",
        "For example, e.g. Something.",
        "The U.S. v. Nixon case.",
        "Start talks. v. not followed by a capital.",
        "Word.ii.Nothing",
        "Plain text xii. Not after a sentence end",
        "Ends now.vii.",
        "Mixed. iiii. Four i",
    };
    for (size_t k = 0; k < sizeof lines / sizeof lines[0]; k++) {
        paras ps = seg(lines[k]);
        cr_assert_eq(ps.n, 1, "'%s' stays one paragraph", lines[k]);
        cr_assert_str_eq(ps.v[0].text, lines[k]);
        drop(&ps);
    }
}

/* ---- footer joins (rule 8) --------------------------------------------- */

Test(footer, joins_across_blank_rule_and_footnotes) {
    const char *src = "12. The first part of a paragraph long enough to be held open across the footer and the\n\n---\n\n<sup>1</sup> A note\n\n"
                      "[^2]: Another note\n\n^3 Third note\n\n"
                      "second part ends here.\n\nNext one.\n";
    paras ps = seg(src);
    check_invariants(src, strlen(src), &ps);
    cr_assert_eq(ps.n, 5);
    cr_assert_str_eq(ps.v[0].label, "12");
    cr_assert_str_eq(ps.v[0].text, "The first part of a paragraph long enough to be held open across the footer and the second part ends "
                                   "here.");
    cr_assert_eq(ps.v[0].start, 4);
    cr_assert(!strncmp(src + ps.v[0].end - 6, "here.\n", 6) ||
              src[ps.v[0].end - 1] == '.');
    cr_assert_str_eq(ps.v[1].text, "1 A note");
    cr_assert_str_eq(ps.v[2].text, "2 Another note");
    cr_assert_str_eq(ps.v[3].text, "3 Third note");
    cr_assert(!ps.v[1].has_label);
    cr_assert_str_eq(ps.v[4].text, "Next one.");
    drop(&ps);
    /* "[^3]x" reads "3 x"; "^4." is no footnote and gains no space */
    ps = seg("[^3]x\n\n^4.\n");
    cr_assert_eq(ps.n, 2);
    cr_assert_str_eq(ps.v[0].text, "3 x");
    cr_assert_str_eq(ps.v[1].text, "^4.");
    drop(&ps);
}

Test(footer, closed_or_interrupted) {
    /* the first part ends a sentence: no join */
    paras ps = seg("A sentence.\n\nlower start.\n");
    cr_assert_eq(ps.n, 2);
    drop(&ps);
    /* ends with a closing quote after the full stop: closed */
    ps = seg("He said \xe2\x80\x9cyes.\xe2\x80\x9d\n\nand more.\n");
    cr_assert_eq(ps.n, 2);
    drop(&ps);
    /* a heading in between closes it */
    ps = seg("An open part of a paragraph that is long enough to stay open across a page break and\n\n# Heading\n\nlower start.\n");
    cr_assert_eq(ps.n, 3);
    drop(&ps);
    /* a list item does not continue */
    ps = seg("An open part of a paragraph that is long enough to stay open across a page break and\n- lower item\n");
    cr_assert_eq(ps.n, 2);
    drop(&ps);
    /* an ordinary paragraph in between closes it */
    ps = seg("An open part of a paragraph that is long enough to stay open across a page break and\n\nAnother open part of a paragraph long enough to stay open across a page break and\n\nlower start.\n");
    cr_assert_eq(ps.n, 2);
    cr_assert_str_eq(ps.v[1].text, "Another open part of a paragraph long enough to stay open across a page break and lower start.");
    drop(&ps);
    /* unwrapped lines join the same way */
    ps = seg("The meeting was held in\nthe capital.\n");
    cr_assert_eq(ps.n, 1);
    cr_assert_str_eq(ps.v[0].text, "The meeting was held in the capital.");
    drop(&ps);
}

Test(footer, lookahead_is_bounded) {
    char src[512];
    for (int skipped = 7; skipped <= 9; skipped++) {
        strcpy(src, "An open part of a paragraph that is long enough to stay open across a page break and\n\n");
        for (int k = 0; k < skipped; k++)
            strcat(src, k % 2 ? "---\n\n" : "<sup>1</sup> note\n\n");
        strcat(src, "rest of it.\n");
        paras ps = seg(src);
        check_invariants(src, strlen(src), &ps);
        int joined = !strcmp(ps.v[0].text, "An open part of a paragraph that is long enough to stay open across a page break and rest of it.");
        cr_assert_eq(joined, skipped <= 8, "%d paragraphs between",
                     skipped);
        drop(&ps);
    }
}

/* ---- robustness -------------------------------------------------------- */

Test(robust, empty_and_blank) {
    paras ps = seg("");
    cr_assert_eq(ps.n, 0);
    ps = seg_n(NULL, 0);
    cr_assert_eq(ps.n, 0);
    ps = seg(" \n\t\n\r\n\f\v\n\xc2\xa0\n\n");
    cr_assert_eq(ps.n, 0);
    aj_ctx c = {0};
    cr_assert_eq(aj_segment(&c, "x", 1, NULL, NULL), AJ_EINVAL);
    aj_ctx_reset(&c);
    cr_assert_eq(aj_segment(&c, NULL, 3, collect, NULL), AJ_EINVAL);
}

Test(robust, stop_early) {
    size_t len;
    char *src = slurp(CHAIRMAN, &len);
    paras ps = {0};
    ps.stop_after = 3;
    aj_ctx c = {0};
    cr_assert_eq(aj_segment(&c, src, len, collect, &ps), AJ_OK);
    cr_assert_eq(ps.n, 3);
    drop(&ps);
    free(src);
}

Test(robust, huge_line_of_words) {
    size_t len = 3u << 20;
    char *src = malloc(len);
    for (size_t i = 0; i < len; i++) src[i] = i % 7 == 6 ? ' ' : 'a' + i % 7;
    src[len - 1] = 'z';
    memcpy(src, "7. ", 3);
    paras ps = seg_n(src, len);
    check_invariants(src, len, &ps);
    cr_assert_geq(ps.n, 3);
    cr_assert_str_eq(ps.v[0].label, "7");
    cr_assert_eq(ps.v[0].start, 3);
    for (size_t i = 1; i < ps.n; i++) {
        cr_assert(!ps.v[i].has_label, "only the first piece is labelled");
        cr_assert_eq(ps.v[i].kind, AJ_PARA_ITEM);
        cr_assert_eq(ps.v[i].start, ps.v[i - 1].end + 1, "cut at a space");
        cr_assert_eq(src[ps.v[i - 1].end], ' ');
        cr_assert_gt(ps.v[i - 1].end - ps.v[i - 1].start,
                     AJ_MAX_PARA_BYTES - 8, "cut at the last space");
        cr_assert(!memcmp(ps.v[i].text, src + ps.v[i].start, ps.v[i].len));
    }
    cr_assert_eq(ps.v[ps.n - 1].end, len);
    drop(&ps);
    free(src);
}

Test(robust, huge_line_without_spaces) {
    /* "é" repeated: cuts must fall between characters */
    size_t len = 3u << 20;
    char *src = malloc(len);
    for (size_t i = 0; i + 1 < len; i += 2) {
        src[i] = (char)0xc3;
        src[i + 1] = (char)0xa9;
    }
    src[0] = 'x'; /* shifts the characters by one byte */
    src[len - 1] = 'y';
    paras ps = seg_n(src, len);
    check_invariants(src, len, &ps);
    cr_assert_geq(ps.n, 3);
    uint64_t at = 0;
    for (size_t i = 0; i < ps.n; i++) {
        cr_assert_eq(ps.v[i].start, at, "pieces cover the line");
        cr_assert_leq(ps.v[i].end - ps.v[i].start, AJ_MAX_PARA_BYTES);
        cr_assert(!memcmp(ps.v[i].text, src + at, ps.v[i].len));
        if (ps.v[i].end < len) /* the next piece starts a character */
            cr_assert_neq((unsigned char)src[ps.v[i].end] & 0xc0, 0x80);
        at = ps.v[i].end;
    }
    cr_assert_eq(at, len);
    drop(&ps);
    free(src);
}

/* Inputs that would be quadratic for a naive scanner. */
Test(robust, hostile_patterns_run_in_linear_time) {
    static const char *const units[] = {"<a ", "[", "[a](", "&#", "](",
                                        "<sup", "i. ", ". ii. x", "**",
                                        "__", "`", "<b>", "!["};
    size_t len = 2u << 20;
    char *src = malloc(len);
    for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
        size_t n = strlen(units[u]);
        for (size_t i = 0; i < len; i++) src[i] = units[u][i % n];
        paras ps = seg_n(src, len);
        check_invariants(src, len, &ps);
        drop(&ps);
        char title[64];
        aj_segment_title(src, len, title, sizeof title);
    }
    free(src);
}

typedef struct {
    paras ps;
    size_t len;
    size_t nhints;
} hinted;

static int collect_hinted(void *arg, const aj_seg_para *p) {
    return collect(&((hinted *)arg)->ps, p);
}

static void on_done(void *arg, uint64_t from, uint64_t below) {
    hinted *h = arg;
    cr_assert_lt(from, below, "a hint names a non-empty range");
    cr_assert_leq(below, h->len, "a hint lies within the source");
    h->nhints++;
}

/* aj_segment_ex gives the same paragraphs as aj_segment and reports the
 * source it leaves behind in both passes, also inside a line with no
 * newline, which is what lets a caller keep a huge file's pages out of
 * memory. */
Test(robust, done_hints_leave_paragraphs_unchanged) {
    size_t len = 5u * AJ_SEG_DONE_STEP / 2;
    char *src = malloc(len);
    for (size_t i = 0; i < len; i++) src[i] = i % 7 == 6 ? ' ' : 'a' + i % 7;
    /* the first half hard-wrapped, the rest one line */
    for (size_t i = 80; i < len / 2; i += 81) src[i] = '\n';
    paras plain = seg_n(src, len);
    hinted h = {{0}, len, 0};
    aj_ctx c = {0};
    cr_assert_eq(aj_segment_ex(&c, src, len, collect_hinted, &h, on_done), AJ_OK);
    cr_assert_eq(h.ps.n, plain.n);
    for (size_t i = 0; i < plain.n; i++) {
        cr_assert_eq(h.ps.v[i].start, plain.v[i].start);
        cr_assert_eq(h.ps.v[i].end, plain.v[i].end);
        cr_assert_str_eq(h.ps.v[i].text, plain.v[i].text);
    }
    cr_assert_geq(h.nhints, 3, "%zu hints", h.nhints);
    drop(&plain);
    drop(&h.ps);
    free(src);
}

Test(robust, many_short_lines) {
    size_t len = 4u << 20;
    char *src = malloc(len);
    for (size_t i = 0; i < len; i++) src[i] = i % 16 == 15 ? '\n' : i % 16 ? 'k' : 'K';
    paras ps = seg_n(src, len);
    cr_assert_eq(ps.n, len / 16);
    drop(&ps);
    free(src);
}

/* ---- random inputs ----------------------------------------------------- */

static uint64_t rng_next(uint64_t *x) {
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

Test(robust, random_inputs_keep_invariants) {
    static const char *const pieces[] = {
        "\n", "\n", "\n\n", "\r\n", " ", " ", "  ", "\t", "word ", "Word ",
        "lower ", "UPPER CASE WORDS ", ".", ". ", "; ", ": ", "ii. ",
        "iv. ", "v.", "x) ", "(iii) ", "(b) ", "12. ", "8.\n", "(3) ",
        "1 Title\n", "- ", "* ", "\xe2\x80\xa2 ", "\xe2\x80\x93 ", "#", "## ",
        "**", "__", "`", "<sup>", "</sup>", "<sup>1</sup> ", "<br>", "<b",
        ">", "<", "&amp;", "&#39;", "&#x1F600;", "&nbsp;", "&", "[a](b)",
        "![i](j)", "[", "]", "(", ")", "---", "[^1]: ", "^2 ", "^3.", "^", "people-",
        "\xe2\x80\x9c", "\xe2\x80\x9d", "\xc3\xa9", "\xc2\xa0", "\xff",
        "\xc3", "\xe2\x80", "\x00", "\x01", "\x7f", "U.S. ", "e.g. ",
        "The committee met and agreed on the long line of wrapped text to ",
    };
    const size_t npieces = sizeof pieces / sizeof pieces[0];
    uint64_t x = 0x9e3779b97f4a7c15ull;
    char *src = malloc(4096);
    for (int round = 0; round < 4000; round++) {
        size_t len = 0, want = rng_next(&x) % 1500;
        while (len < want) {
            uint64_t r = rng_next(&x);
            if (r % 8 == 0) {
                src[len++] = (char)(r >> 8);
            } else {
                const char *p = pieces[(r >> 8) % npieces];
                size_t n = p[0] ? strlen(p) : 1; /* "\x00" is one NUL */
                if (len + n > 4000) break;
                memcpy(src + len, p, n);
                len += n;
            }
        }
        paras ps = seg_n(src, len);
        check_invariants(src, len, &ps);
        drop(&ps);

        char title[24];
        size_t cap = 1 + rng_next(&x) % sizeof title;
        memset(title, 'Z', sizeof title);
        size_t n = aj_segment_title(src, len, title, cap);
        cr_assert_lt(n, cap);
        cr_assert_eq(title[n], '\0');
        cr_assert_eq(strlen(title), n);
    }
    free(src);
}

/* ---- titles ------------------------------------------------------------ */

Test(title, markup_and_cuts) {
    char out[64];
    const char *doc = "\n  \n## **Overview** of <i>it</i> &amp; more ##\nx\n";
    cr_assert_eq(aj_segment_title(doc, strlen(doc), out, sizeof out), 21);
    cr_assert_str_eq(out, "Overview of it & more");
    doc = "---\n\n- Viet   Nam\n";
    aj_segment_title(doc, strlen(doc), out, sizeof out);
    cr_assert_str_eq(out, "Viet Nam");
    /* "Việt": V i \xe1\xbb\x87 t; a cap of 5 holds "Vi" and not half of ệ */
    doc = "Vi\xe1\xbb\x87t Nam";
    cr_assert_eq(aj_segment_title(doc, strlen(doc), out, 5), 2);
    cr_assert_str_eq(out, "Vi");
    cr_assert_eq(aj_segment_title(doc, strlen(doc), out, 6), 5);
    cr_assert_eq(aj_segment_title(doc, strlen(doc), out, 1), 0);
    cr_assert_str_eq(out, "");
    out[0] = 'Q';
    cr_assert_eq(aj_segment_title(doc, strlen(doc), out, 0), 0);
    cr_assert_eq(out[0], 'Q', "cap 0 writes nothing");
    cr_assert_eq(aj_segment_title(" \n\n", 3, out, sizeof out), 0);
    cr_assert_str_eq(out, "");
    cr_assert_eq(aj_segment_title(NULL, 0, out, sizeof out), 0);
}

/* Whether a line has content is decided on the whole cleaned line, not on
 * what fits: a short buffer must not accept a line of punctuation that a
 * long one skips (found by fuzz_segment: "&quot;&&"). */
Test(title, cap_does_not_choose_the_line) {
    char out[64];
    const char *doc = "&quot;&&\nReal title\n";
    cr_assert_eq(aj_segment_title(doc, strlen(doc), out, sizeof out), 10);
    cr_assert_str_eq(out, "Real title");
    cr_assert_eq(aj_segment_title(doc, strlen(doc), out, 2), 1);
    cr_assert_str_eq(out, "R");
    /* A line whose content comes after the cut is still the title. */
    doc = "&quot;&quot;&quot; x\nother\n";
    cr_assert_eq(aj_segment_title(doc, strlen(doc), out, 3), 2);
    cr_assert_str_eq(out, "\"\"");
}

/* Short lower-case lines are separate paragraphs: only a paragraph of some
 * length that stops mid-sentence may be continued across a blank line. */
Test(segment, short_lines_are_not_footer_joins) {
    const char *t = "alpha beta\n\nalpha alpha gamma\n\ndelta\n";
    paras r = seg(t);
    cr_assert_eq(r.n, 3, "got %zu paragraphs", (size_t)r.n);
    drop(&r);
}

/* ---- source maps (aj_segment_map) ------------------------------------- */

/* What a mapped run saw: every paragraph's text and map, checked on the
 * way in against the source. */
typedef struct mapped {
    const char *src;
    size_t n;
    paras ps;            /* the texts, as collect() keeps them */
    uint64_t *ms[64], *me[64]; /* maps of the first 64 paragraphs */
} mapped;

static int collect_mapped(void *arg, const aj_seg_para *p) {
    mapped *m = arg;
    cr_assert(p->src_start && p->src_end, "a mapped run fills the maps");
    for (size_t i = 0; i < p->text_len; i++) {
        uint64_t s = p->src_start[i], e = p->src_end[i];
        cr_assert(p->start <= s && s <= e && e <= p->end,
                  "byte %zu maps to [%llu, %llu) outside [%llu, %llu)", i,
                  (unsigned long long)s, (unsigned long long)e,
                  (unsigned long long)p->start, (unsigned long long)p->end);
        if (i) cr_assert(s >= p->src_start[i - 1] && e >= p->src_end[i - 1],
                         "the map of byte %zu goes backwards", i);
        if (e - s == 1 && p->text[i] != ' ')
            cr_assert_eq(m->src[s], p->text[i], "byte %zu is not its source", i);
    }
    if (m->ps.n < 64) {
        size_t k = m->ps.n, bytes = (p->text_len + 1) * sizeof(uint64_t);
        m->ms[k] = malloc(bytes);
        m->me[k] = malloc(bytes);
        memcpy(m->ms[k], p->src_start, p->text_len * sizeof(uint64_t));
        memcpy(m->me[k], p->src_end, p->text_len * sizeof(uint64_t));
    }
    return collect(&m->ps, p);
}

/* Segments src with and without maps: the paragraphs must be the same. */
static mapped seg_map(const char *src, size_t len) {
    mapped m = {src, len, {0}, {0}, {0}};
    aj_ctx c = {0};
    cr_assert_eq(aj_segment_map(&c, src, len, collect_mapped, &m), AJ_OK, "%s", c.msg);
    paras plain = seg_n(src, len);
    cr_assert_eq(plain.n, m.ps.n, "%zu paragraphs mapped, %zu plain", m.ps.n, plain.n);
    for (size_t i = 0; i < plain.n; i++) {
        cr_assert(plain.v[i].len == m.ps.v[i].len &&
                  !memcmp(plain.v[i].text, m.ps.v[i].text, plain.v[i].len),
                  "paragraph %zu differs", i);
        cr_assert(plain.v[i].start == m.ps.v[i].start && plain.v[i].end == m.ps.v[i].end);
    }
    drop(&plain);
    return m;
}

static void drop_mapped(mapped *m) {
    for (size_t k = 0; k < m->ps.n && k < 64; k++) {
        free(m->ms[k]);
        free(m->me[k]);
    }
    drop(&m->ps);
}

/* The source bytes of the first occurrence of word in paragraph k. */
static void source_of(const mapped *m, size_t k, const char *word, const char *want) {
    const para *p = &m->ps.v[k];
    const char *at = strstr(p->text, word);
    cr_assert_not_null(at, "'%s' not in '%s'", word, p->text);
    size_t s = (size_t)(at - p->text), e = s + strlen(word);
    uint64_t a = m->ms[k][s], b = m->me[k][e - 1];
    cr_assert(b - a == strlen(want) && !memcmp(m->src + a, want, b - a),
              "'%s' maps to '%.*s', want '%s'", word, (int)(b - a), m->src + a, want);
}

Test(segment, source_map_of_markup_and_entities) {
    const char *src = "The **key** point of the 12<sup>th</sup> summit &amp; "
                      "[its text](http://x.y/z) &#x2019;here&quot; end.\n"
                      "\n"
                      "# Heading &lt;one&gt;\n";
    mapped m = seg_map(src, strlen(src));
    cr_assert_eq(m.ps.n, 2);
    cr_assert_str_eq(m.ps.v[0].text,
                     "The key point of the 12th summit & its text \xE2\x80\x99here\" end.");
    source_of(&m, 0, "key", "key");
    source_of(&m, 0, "12th", "12<sup>th");
    source_of(&m, 0, "&", "&amp;");
    source_of(&m, 0, "its text", "its text");
    source_of(&m, 0, "\xE2\x80\x99here\"", "&#x2019;here&quot;");
    source_of(&m, 0, "text \xE2\x80\x99", "text](http://x.y/z) &#x2019;");
    source_of(&m, 1, "<one>", "&lt;one&gt;");
    drop_mapped(&m);
}

Test(segment, source_map_of_joined_lines_and_footers) {
    mapped m = seg_map(wrapped_doc, strlen(wrapped_doc));
    source_of(&m, 1, "people-to-people", "people-to-\npeople");
    source_of(&m, 1, "young officials", "young\nofficials");
    source_of(&m, 2, "COVID- 19", "COVID-\n19");
    drop_mapped(&m);
    const char *src = "12. The first part of a paragraph long enough to be held open across the footer and the\n\n---\n\n<sup>1</sup> A note\n\n"
                      "[^2]: Another note\n\n^3 Third note\n\n"
                      "second part ends here.\n\nNext one.\n";
    m = seg_map(src, strlen(src));
    source_of(&m, 0, "the second",
              "the\n\n---\n\n<sup>1</sup> A note\n\n[^2]: Another note\n\n^3 Third note\n\nsecond");
    source_of(&m, 1, "1 A note", "1</sup> A note");
    source_of(&m, 2, "2 Another", "2]: Another");
    drop_mapped(&m);
}

/* Every real document and a paragraph cut at the length limit (its rest
 * moves to the front of the buffer, and its map with it). */
Test(segment, source_map_on_corpus_and_long_paragraphs) {
    for (size_t i = 0; i < sizeof corpus_files / sizeof *corpus_files; i++) {
        size_t len;
        char *src = slurp(corpus_files[i], &len);
        mapped m = seg_map(src, len);
        cr_assert_gt(m.ps.n, 10);
        drop_mapped(&m);
        free(src);
    }
    size_t len = AJ_MAX_PARA_BYTES + AJ_MAX_PARA_BYTES / 2;
    char *src = malloc(len + 1);
    for (size_t i = 0; i < len; i++) src[i] = i % 9 == 8 ? ' ' : i % 9 == 4 ? '&' : 'a';
    memcpy(src + len - 12, "&amp; last z", 12);
    src[len] = 0;
    mapped m = seg_map(src, len);
    cr_assert_eq(m.ps.n, 2);
    source_of(&m, 1, "& last", "&amp; last");
    drop_mapped(&m);
    free(src);
}
