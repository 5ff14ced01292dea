/* test_boilerplate.c - page chrome: the five seed documents, paragraph by
 * paragraph, and cases of our own where short lines are content (a list
 * inside the text, real headings, a roster) or chrome (a table of
 * contents, a caption in the middle, a markdown navigation bar). */
#include "helpers.h"

#include "analysis/block.h"
#include "analysis/boilerplate.h"
#include "analysis/segment.h"

typedef struct {
    aj_block *b;
    char **text;
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
        cr_assert(d->b && d->text);
    }
    aj_block_make(&d->b[d->n], p, d->src, d->len);
    d->text[d->n++] = strndup(p->text, p->text_len);
    return 0;
}

/* Segments src and marks its chrome. */
static doc marked(const char *src, size_t len) {
    doc d = {0};
    d.src = src;
    d.len = len;
    aj_ctx c = {0};
    cr_assert_eq(aj_segment(&c, src, len, on_para, &d), AJ_OK, "%s", c.msg);
    aj_boilerplate_mark(d.b, d.n);
    return d;
}

static doc marked_str(const char *s) { return marked(s, strlen(s)); }

static void drop(doc *d) {
    for (size_t i = 0; i < d->n; i++) free(d->text[i]);
    free(d->text);
    free(d->b);
}

static const char *sub(int k) {
    return aj_para_kind_name(AJ_PARA_CHROME, k) + strlen("chrome:");
}

/* The chrome of d, one "kind: text" line each. */
static char *chrome_of(const doc *d) {
    char *out = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&out, &n);
    for (size_t i = 0; i < d->n; i++)
        if (d->b[i].kind == AJ_PARA_CHROME) fprintf(f, "%s: %s\n", sub(d->b[i].chrome), d->text[i]);
    fclose(f);
    return out;
}

static void expect_chrome(const char *src, const char *want) {
    doc d = marked_str(src);
    char *got = chrome_of(&d);
    cr_assert_str_eq(got, want, "chrome of:\n%s\ngot:\n%s\nwant:\n%s", src, got, want);
    free(got);
    drop(&d);
}

static doc seed(const char *path, char **src) {
    size_t n = 0;
    *src = th_read_ok(path, &n);
    return marked(*src, n);
}

static void expect_seed(const char *path, const char *want) {
    char *src;
    doc d = seed(path, &src);
    char *got = chrome_of(&d);
    cr_assert_str_eq(got, want, "%s: got\n%s", path, got);
    free(got);
    drop(&d);
    free(src);
}

/* ---- the seed documents ---- */

Test(boilerplate, seed_chairmans_statement) {
    /* a "Final" stamp above the title; the dateline stays */
    expect_seed("corpus/2020-11-12-chairmans-statement-23rd-asean-japan-summit.txt",
                "navigation: Final\n");
}

Test(boilerplate, seed_foreign_ministers) {
    expect_seed("corpus/2024-07-26-asean-japan-foreign-ministers-meeting-vientiane.txt",
                "navigation: Japan-ASEAN Relations\n"
                "date: July 26, 2024\n"
                "caption: Photo session, Japan ASEAN Foreign Ministers on the stage, crossing "
                "their hands each other\n"
                "caption: Japan ASEAN Foreign Ministers under meeting\n"
                "caption: Foreign Minister Ms. Kamikawa is talking to the other participants\n"
                "navigation: Back to Japan-ASEAN Relations\n");
}

Test(boilerplate, seed_overview_has_none) {
    expect_seed("corpus/2024-overview-asean-japan-comprehensive-strategic-partnership.txt", "");
}

Test(boilerplate, seed_28th_summit) {
    expect_seed("corpus/2025-10-26-28th-asean-japan-summit-kuala-lumpur.txt",
                "navigation: Japan-ASEAN Relations\n"
                "caption: (Photo: Cabinet Public Affairs Office)\n"
                "caption: (Photo: Cabinet Public Affairs Office)\n"
                "caption: (Photo: Cabinet Public Affairs Office)\n"
                "links: (Reference)\n"
                "links: Joint Statement of the 28th ASEAN-Japan Summit (English (PDF)\n"
                "links: / Japanese (PDF)\n");
}

/* The 64 province names are navigation, the title under them and the
 * preamble are not; the publication time is a date. */
Test(boilerplate, seed_joint_vision_statement) {
    char *src;
    doc d = seed("corpus/2023-12-17-joint-vision-statement-trusted-partners.txt", &src);
    size_t nav = 0, other = 0;
    for (size_t i = 0; i < d.n; i++) {
        if (d.b[i].kind != AJ_PARA_CHROME) continue;
        if (d.b[i].chrome == AJ_CHROME_NAVIGATION) {
            cr_assert_eq(i, nav, "navigation at %zu: %s", i, d.text[i]);
            nav++;
        } else {
            cr_assert_eq(d.b[i].chrome, AJ_CHROME_DATE, "%s", d.text[i]);
            cr_assert_str_eq(d.text[i], "December 18, 2023 10:57 AM GMT+7");
            other++;
        }
    }
    cr_assert_eq(nav, 64);
    cr_assert_eq(other, 1);
    cr_assert_str_eq(d.text[0], "An Giang");
    cr_assert_str_eq(d.text[63], "Yen Bai");
    cr_assert_str_eq(d.text[64], "ASEAN, Japan adopt Joint Vision Statement on friendship and partnership");
    drop(&d);
    free(src);
}

/* ---- content that looks short ---- */

/* Paragraphs of text.  The blank line after each keeps the segmenter from
 * joining the next line to them, as it would in text it takes for
 * hard-wrapped. */
#define TEXT1 "The ministers reviewed the progress of their cooperation over the past year in detail.\n\n"
#define TEXT2 "They agreed to meet again next year in Tokyo to review what has been done since.\n\n"

Test(boilerplate, list_inside_the_text_is_content) {
    /* introduced by a colon */
    expect_chrome(TEXT1 "The meeting covered these topics of common interest:\n"
                  "- Maritime security\n- Climate change\n- Digital economy\n- Public health\n"
                  "- Energy\n- Food\n- Tourism\n- Education\n- Culture\n" TEXT2,
                  "");
    /* not introduced, but between paragraphs of text */
    expect_chrome(TEXT1 "Japan\nViet Nam\nThailand\nMalaysia\nIndonesia\nSingapore\nCambodia\n"
                  "Lao PDR\nMyanmar\nBrunei\n" TEXT2,
                  "");
}

Test(boilerplate, short_headings_and_numbered_items_are_content) {
    expect_chrome("Introduction\n" TEXT1 "Background\n" TEXT2 "Findings\n" TEXT1, "");
    /* a run of short numbered items at the top is a list, not navigation */
    expect_chrome("1. Apples\n2. Pears\n3. Plums\n4. Figs\n5. Dates\n6. Limes\n7. Kiwis\n"
                  "8. Grapes\n9. Mangos\n" TEXT1,
                  "");
}

Test(boilerplate, a_document_without_text_is_all_content) {
    /* a roster: nothing around it to call a page */
    expect_chrome("Ana\nBen\nCai\nDan\nEva\nFay\nGus\nHal\nIda\nJon\n", "");
}

Test(boilerplate, a_diary_date_in_the_middle_is_content) {
    expect_chrome(TEXT1 "12 March 2021\n" TEXT2, "");
    /* a timestamp is the page's, wherever it stands */
    expect_chrome(TEXT1 "12 March 2021 10:15 GMT\n" TEXT2, "date: 12 March 2021 10:15 GMT\n");
}

/* ---- chrome of our own ---- */

Test(boilerplate, navigation_runs_at_the_edges) {
    expect_chrome("Home\nNews\nSports\nWeather\nTravel\nMusic\nFilm\nBooks\n" TEXT1 TEXT2,
                  "navigation: Home\nnavigation: News\nnavigation: Sports\n"
                  "navigation: Weather\nnavigation: Travel\nnavigation: Music\n"
                  "navigation: Film\nnavigation: Books\n");
    /* at the bottom, below a "Back to top" */
    expect_chrome(TEXT1 TEXT2 "Back to top\nAbout\nContact\nPrivacy\nTerms\nCareers\nPress\n"
                  "Help\nSitemap\n",
                  "navigation: Back to top\nnavigation: About\nnavigation: Contact\n"
                  "navigation: Privacy\nnavigation: Terms\nnavigation: Careers\n"
                  "navigation: Press\nnavigation: Help\nnavigation: Sitemap\n");
    /* seven are not enough to call a run navigation */
    expect_chrome("Home\nNews\nSports\nWeather\nTravel\nMusic\nFilm\n" TEXT1 TEXT2,
                  "navigation: Home\n");
}

Test(boilerplate, back_to_names_its_label) {
    expect_chrome("Foreign Policy\n" TEXT1 TEXT2 "Back to Foreign Policy\n",
                  "navigation: Foreign Policy\nnavigation: Back to Foreign Policy\n");
}

Test(boilerplate, caption_in_the_middle) {
    expect_chrome(TEXT1 "(Photo: Reuters)\n" TEXT2 "Photo by Jane Doe\n" TEXT1
                  "Photographs show the damage done by the storm to the coast.\n",
                  "caption: (Photo: Reuters)\ncaption: Photo by Jane Doe\n");
}

Test(boilerplate, markdown_navigation_bar) {
    expect_chrome("[Home](/) | [News](/news) | [About us](/about)\n\n"
                  "# Annual report\n\n" TEXT1 "\nRead [the full statement](s.pdf) for the details of it.\n",
                  "links: Home | News | About us\n");
}

Test(boilerplate, table_of_contents) {
    /* (the lines' lengths make the segmenter take this for hard-wrapped
     * text, so "1 Introduction" is no numbered heading and keeps its
     * number) */
    expect_chrome("Contents\n1 Introduction\n2 Background\n3 Findings\n\n"
                  "1 Introduction\n" TEXT1 "2 Background\n" TEXT2 "3 Findings\n" TEXT1,
                  "contents: Contents\ncontents: 1 Introduction\ncontents: 2 Background\n"
                  "contents: 3 Findings\n");
    /* markdown headings after a markdown list of them */
    expect_chrome("# Report\n\n## Contents\n\n- Introduction\n- Background\n- Findings\n\n"
                  "## Introduction\n\n" TEXT1 "\n## Background\n\n" TEXT2 "\n## Findings\n\n" TEXT1,
                  "contents: Contents\ncontents: Introduction\ncontents: Background\n"
                  "contents: Findings\n");
    /* with dot leaders and page numbers */
    expect_chrome(TEXT1 "Introduction ........ 3\nBackground ......... 7\n" TEXT2,
                  "contents: Introduction ........ 3\ncontents: Background ......... 7\n");
}

Test(boilerplate, files_below_the_text) {
    expect_chrome(TEXT1 TEXT2 "Attachments:\nAnnual report (PDF)\nBudget (PDF: 1.2MB)\n",
                  "links: Attachments:\nlinks: Annual report (PDF)\nlinks: Budget (PDF: 1.2MB)\n");
}

Test(boilerplate, lead_in_labels_and_captions) {
    /* a section label above the title, a date, photo descriptions */
    expect_chrome("World News\nStorm hits the coast\nMay 3, 2024\nWaves over the harbour wall\n"
                  "The storm reached the coast on Friday night and flooded the old harbour.\n"
                  TEXT2,
                  "navigation: World News\ndate: May 3, 2024\n"
                  "caption: Waves over the harbour wall\n");
    /* a marked-up title keeps plain lines under it */
    expect_chrome("# Storm report\nCoastal office\n"
                  "The storm reached the coast on Friday night and flooded the old harbour.\n",
                  "");
}
