/* boilerplate.c - see boilerplate.h.
 *
 * The rules, in the order they run (each looks only at paragraphs the
 * earlier ones left as content):
 *
 *   1. what a block says: a caption ("(Photo: ...)"), a navigation phrase
 *      ("Back to top", "Home"), "Back to X", a file link ("(PDF)"), a
 *      link-dense block, a timestamp ("December 18, 2023 10:57 AM
 *      GMT+7"), a contents line with a dot leader;
 *   2. the X of a "Back to X" wherever it stands alone: a navigation label;
 *   3. a run of AJ_NAV_RUN or more short lines (AJ_NAV_WORDS words, no
 *      sentence punctuation, no number) that reaches the top or the bottom
 *      of the page (with only chrome between) and that no line ending in
 *      ':' introduces, in a document that has paragraphs of text:
 *      navigation;
 *   4. a run of three or more short lines most of which name headings
 *      that come later in the document, with the label above them: a
 *      table of contents;
 *   5. the lead-in, the blocks before the first paragraph of text: its
 *      dates are the page's date; the short lines after a date or a
 *      caption are captions; the short labels above the page's title
 *      (its first marked heading, else its last title line before any
 *      date or caption) are navigation ("Japan-ASEAN Relations" above
 *      "The 28th ASEAN Japan Summit", a "Final" stamp), when there are
 *      at most MAX_LABELS of them;
 *   6. after the last paragraph of text, a label in parentheses or ending
 *      with ':' next to chrome takes its kind ("(Reference)" above a list
 *      of files).
 */
#include "analysis/boilerplate.h"

#include <stdlib.h>

#include "ajsearch.h"

/* A caption, a file link and a contents line are at most this long. */
#define CAPTION_WORDS 25
/* Title lines and the short lines of rule 5. */
#define TITLE_WORDS 12
/* Labels above a title: at most this many, of this many words. */
#define MAX_LABELS 3
#define LABEL_WORDS 6
/* A paragraph of text has sentence punctuation and this many words. */
#define TEXT_WORDS 8

static const uint32_t SENTENCE =
    AJ_BK_END_SENTENCE | AJ_BK_INNER_SENTENCE | AJ_BK_END_CLAUSE | AJ_BK_END_COLON;

static int is_chrome(const aj_block *b) { return b->kind == AJ_PARA_CHROME; }

static void mark(aj_block *b, int sub) {
    b->kind = AJ_PARA_CHROME;
    b->chrome = (uint8_t)sub;
}

/* A heading the document marked up (markdown, bold, capitals, "1 Title"). */
static int marked_heading(const aj_block *b) {
    return b->kind == AJ_PARA_HEADING && b->head != 0;
}

/* Short, no sentence punctuation, no number: what navigation, captions
 * and titles look like. */
static int short_line(const aj_block *b, unsigned words) {
    return b->words >= 1 && b->words <= words && !(b->flags & SENTENCE) &&
           b->numeral == AJ_NUM_NONE;
}

/* A paragraph of text: its sentences end it as content's do. */
static int text(const aj_block *b) {
    return !is_chrome(b) && b->kind != AJ_PARA_HEADING && (b->flags & SENTENCE) &&
           b->words >= TEXT_WORDS;
}

/* Rule 1. */
static void by_content(aj_block *b) {
    uint32_t f = b->flags;
    int brief = b->words <= CAPTION_WORDS && !(f & AJ_BK_INNER_SENTENCE);
    if ((f & AJ_BK_CAPTION) && brief)
        mark(b, AJ_CHROME_CAPTION);
    else if ((f & (AJ_BK_NAV_PHRASE | AJ_BK_BACK)) && !(f & AJ_BK_INNER_SENTENCE))
        mark(b, AJ_CHROME_NAVIGATION);
    else if (((f & AJ_BK_FILE_LINK) && brief) || (f & AJ_BK_LINKS))
        mark(b, AJ_CHROME_LINKS);
    else if ((f & AJ_BK_DATE_ONLY) && (f & AJ_BK_TIME))
        mark(b, AJ_CHROME_DATE);
    else if ((f & AJ_BK_DOT_LEADER) && brief)
        mark(b, AJ_CHROME_CONTENTS);
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Rule 2: the targets of "Back to X".  Out of memory, the rule is
 * skipped: less chrome is found, nothing else goes wrong. */
static void back_targets(aj_block *b, size_t n) {
    size_t nb = 0;
    for (size_t i = 0; i < n; i++) nb += (b[i].flags & AJ_BK_BACK) != 0;
    if (!nb) return;
    uint64_t *keys = malloc(nb * sizeof *keys);
    if (!keys) return;
    nb = 0;
    for (size_t i = 0; i < n; i++)
        if (b[i].flags & AJ_BK_BACK) keys[nb++] = b[i].key;
    qsort(keys, nb, sizeof *keys, cmp_u64);
    for (size_t i = 0; i < n; i++)
        if (!is_chrome(&b[i]) && short_line(&b[i], LABEL_WORDS) &&
            bsearch(&b[i].key, keys, nb, sizeof *keys, cmp_u64))
            mark(&b[i], AJ_CHROME_NAVIGATION);
    free(keys);
}

static int nav_item(const aj_block *b) {
    return !is_chrome(b) && b->kind != AJ_PARA_HEADING && short_line(b, AJ_NAV_WORDS) &&
           !(b->flags & AJ_BK_DATE_ONLY);
}

/* A line of a navigation run: a short line, or one rule 1 or 2 already
 * found to be navigation ("Home" in "Home / News / ..."). */
static int in_nav_run(const aj_block *b) {
    return nav_item(b) || (is_chrome(b) && b->chrome == AJ_CHROME_NAVIGATION);
}

/* Rule 3. */
static void nav_runs(aj_block *b, size_t n) {
    for (size_t i = 0; i < n;) {
        if (!in_nav_run(&b[i])) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < n && in_nav_run(&b[j])) j++;
        size_t before = i, after = j;
        while (before > 0 && is_chrome(&b[before - 1])) before--;
        while (after < n && is_chrome(&b[after])) after++;
        int edge = before == 0 || after == n;
        int introduced = before > 0 && (b[before - 1].flags & AJ_BK_END_COLON);
        if (j - i >= AJ_NAV_RUN && edge && !introduced)
            for (size_t k = i; k < j; k++)
                if (!is_chrome(&b[k])) mark(&b[k], AJ_CHROME_NAVIGATION);
        i = j;
    }
}

typedef struct {
    uint64_t key;
    size_t first, last;      /* the first and last short lines with it */
} keypos;

static int cmp_keypos(const void *a, const void *b) {
    const keypos *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return x->last < y->last ? -1 : x->last > y->last;
}

/* The entry of key (present) in v[0..u), sorted by key. */
static const keypos *find_key(const keypos *v, size_t u, uint64_t key) {
    size_t lo = 0, hi = u;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].key < key) lo = mid + 1; else hi = mid;
    }
    return &v[lo];
}

static int toc_line(const aj_block *b) {
    return !is_chrome(b) && b->words >= 1 && b->words <= TITLE_WORDS &&
           !(b->flags & (AJ_BK_END_SENTENCE | AJ_BK_INNER_SENTENCE | AJ_BK_END_CLAUSE));
}

/* Rule 4: a run of toc_lines, most of whose keys come back as short
 * lines (the headings) after the run. */
static void contents(aj_block *b, size_t n) {
    size_t m = 0;
    for (size_t i = 0; i < n; i++) m += toc_line(&b[i]);
    if (m < 6) return; /* three entries and the three headings they name */
    keypos *v = malloc(m * sizeof *v);
    if (!v) return;
    m = 0;
    for (size_t i = 0; i < n; i++)
        if (toc_line(&b[i])) v[m++] = (keypos){b[i].key, i, i};
    qsort(v, m, sizeof *v, cmp_keypos);
    /* one entry per key: its first and last occurrences */
    size_t u = 0;
    for (size_t i = 0; i < m; i++) {
        if (u && v[u - 1].key == v[i].key)
            v[u - 1].last = v[i].last;
        else
            v[u++] = v[i];
    }
    for (size_t i = 0; i < n;) {
        if (!toc_line(&b[i])) {
            i++;
            continue;
        }
        /* the run ends where a line repeats one of the run's own: the
         * headings the contents name have begun */
        size_t j = i, named = 0;
        while (j < n && toc_line(&b[j])) {
            const keypos *kp = find_key(v, u, b[j].key);
            if (kp->first >= i && kp->first < j) break;
            j++;
        }
        /* the contents: from the first line that names a later one (and
         * the one before it, its "Contents" label) to the last */
        size_t first = j, last = i;
        for (size_t k = i; k < j; k++)
            if (find_key(v, u, b[k].key)->last >= j) {
                named++;
                if (first == j) first = k;
                last = k + 1;
            }
        if (first > i) first--;
        if (named >= 3 && named * 5 >= (last - first) * 3)
            for (size_t k = first; k < last; k++) mark(&b[k], AJ_CHROME_CONTENTS);
        i = j > i ? j : i + 1;
    }
    free(v);
}

/* A line that may be a page's title, a label above it or a caption. */
static int plain_line(const aj_block *b, unsigned words) {
    return !is_chrome(b) && b->kind == AJ_PARA_BODY && b->mark == AJ_MARK_NONE &&
           short_line(b, words) && !(b->flags & (AJ_BK_DATE_ONLY | AJ_BK_HAS_DATE));
}

/* Rule 5. */
static void lead_in(aj_block *b, size_t n) {
    size_t s = 0;
    while (s < n && !text(&b[s])) s++;
    if (s == n) return; /* no text at all: nothing to tell the lead-in by */
    for (size_t i = 0; i < s; i++)
        if (!is_chrome(&b[i]) && (b[i].flags & AJ_BK_DATE_ONLY)) mark(&b[i], AJ_CHROME_DATE);
    size_t title = SIZE_MAX, stop = s;
    for (size_t i = 0; i < s && title == SIZE_MAX; i++)
        if (marked_heading(&b[i])) title = i;
    for (size_t i = 0; i < s; i++)
        if (is_chrome(&b[i]) && (b[i].chrome == AJ_CHROME_DATE || b[i].chrome == AJ_CHROME_CAPTION)) {
            stop = i;
            break;
        }
    for (size_t i = 0; i < stop && title == SIZE_MAX; i++)
        if (plain_line(&b[stop - 1 - i], TITLE_WORDS) && (b[stop - 1 - i].flags & AJ_BK_UPPER_START))
            title = stop - 1 - i;
    /* a label or two above a title (a breadcrumb, a site section, a
     * stamp); more short lines there are something else, left alone */
    size_t above = 0;
    for (size_t i = 0; title != SIZE_MAX && i < title; i++) above += !is_chrome(&b[i]);
    for (size_t i = 0; title != SIZE_MAX && above <= MAX_LABELS && i < title; i++)
        if (plain_line(&b[i], LABEL_WORDS)) mark(&b[i], AJ_CHROME_NAVIGATION);
    for (size_t i = stop; i < s; i++)
        if (plain_line(&b[i], CAPTION_WORDS) && i != title) mark(&b[i], AJ_CHROME_CAPTION);
}

static int trailing_label(const aj_block *b) {
    return !is_chrome(b) && b->kind != AJ_PARA_HEADING && b->words <= LABEL_WORDS &&
           b->numeral == AJ_NUM_NONE &&
           ((b->flags & AJ_BK_PARENS) ||
            ((b->flags & AJ_BK_END_COLON) && !(b->flags & AJ_BK_INNER_SENTENCE)));
}

/* Rule 6. */
static void trailer(aj_block *b, size_t n) {
    size_t e = n;
    while (e > 0 && !text(&b[e - 1])) e--;
    for (int pass = 0; pass < 2; pass++) /* a label above, then below */
        for (size_t i = e; i < n; i++) {
            if (!trailing_label(&b[i])) continue;
            const aj_block *nb = i + 1 < n && is_chrome(&b[i + 1]) ? &b[i + 1]
                                 : i > e && is_chrome(&b[i - 1]) ? &b[i - 1]
                                                                 : NULL;
            if (nb) mark(&b[i], nb->chrome);
        }
}

void aj_boilerplate_mark(aj_block *b, size_t n) {
    size_t texts = 0;
    for (size_t i = 0; i < n; i++) texts += text(&b[i]);
    for (size_t i = 0; i < n; i++) by_content(&b[i]);
    back_targets(b, n);
    /* a document without a paragraph of text (a list of names, a
     * glossary) has no page around content to tell apart: its runs of
     * short lines are the document */
    if (texts) nav_runs(b, n);
    contents(b, n);
    lead_in(b, n);
    trailer(b, n);
}
