/* block.c - see block.h. */
#include "analysis/block.h"

#include <string.h>
#include <xxhash.h>

#include "analysis/outline.h"

/* Links are counted in the source only for paragraphs up to this long:
 * link-dense blocks (navigation bars, lists of documents) are short. */
#define LINK_SCAN_MAX 4096
/* Link text from this share of the text up makes a paragraph link-dense. */
#define LINK_SHARE 0.6
/* The longest block the page-chrome and outline rules look at for
 * dates, captions, navigation phrases and titles (boilerplate.c and
 * outline.c stay below it). */
#define SHORT_WORDS (AJ_BK_WORDS - 1)
/* Lines whose words are compared (navigation labels, contents lines,
 * titles) are at most this long, and navigation phrases this. */
#define KEY_WORDS 12
#define NAV_PHRASE_WORDS 4

static int is_upper(unsigned b) { return b >= 'A' && b <= 'Z'; }
static int is_lower(unsigned b) { return b >= 'a' && b <= 'z'; }
static int is_digit(unsigned b) { return b >= '0' && b <= '9'; }
static int is_alpha(unsigned b) { return is_upper(b) || is_lower(b); }
/* A byte of a word: an ASCII letter or digit, or any non-ASCII byte (the
 * letters of other scripts; punctuation there is rare in these tests). */
static int is_wordb(unsigned b) { return is_alpha(b) || is_digit(b) || b >= 0x80; }
static unsigned lower(unsigned b) { return is_upper(b) ? b + 32 : b; }

/* U+201C “, U+201D ”, U+2018 ‘, U+2019 ’ and ASCII quotes. */
static size_t open_quote(const unsigned char *t, size_t n) {
    if (n && (t[0] == '"' || t[0] == '\'')) return 1;
    if (n >= 3 && t[0] == 0xe2 && t[1] == 0x80 && (t[2] == 0x9c || t[2] == 0x98)) return 3;
    return 0;
}

static size_t close_quote_at_end(const unsigned char *t, size_t n) {
    if (n && (t[n - 1] == '"' || t[n - 1] == '\'')) return 1;
    if (n >= 3 && t[n - 3] == 0xe2 && t[n - 2] == 0x80 && (t[n - 1] == 0x9d || t[n - 1] == 0x99))
        return 3;
    return 0;
}

uint64_t aj_label_pack(const char *label) {
    uint64_t v = 0;
    for (size_t i = 0; label && label[i] && i < 7; i++)
        v |= (uint64_t)(unsigned char)label[i] << (8 * i);
    return v;
}

static int roman_digit(char ch) {
    switch (ch) {
    case 'i': return 1;
    case 'v': return 5;
    case 'x': return 10;
    case 'l': return 50;
    case 'c': return 100;
    default: return 0;
    }
}

void aj_label_number(const char *label, int *numeral, uint32_t *value) {
    *numeral = AJ_NUM_NONE;
    *value = 0;
    if (!label || !*label) return;
    size_t n = strlen(label), i;
    for (i = 0; i < n && is_digit((unsigned char)label[i]); i++) *value = *value * 10 + (uint32_t)(label[i] - '0');
    if (i == n) {
        *numeral = AJ_NUM_ARABIC;
        return;
    }
    *value = 0;
    /* The segmenter takes i, v, x (and their runs) as roman numerals. */
    int roman = 1;
    for (i = 0; i < n; i++)
        if (label[i] != 'i' && label[i] != 'v' && label[i] != 'x') roman = 0;
    if (roman) {
        uint32_t v = 0;
        for (i = 0; i < n; i++) {
            int d = roman_digit(label[i]);
            int next = i + 1 < n ? roman_digit(label[i + 1]) : 0;
            v = d < next ? v - (uint32_t)d : v + (uint32_t)d;
        }
        *numeral = AJ_NUM_ROMAN;
        *value = v;
        return;
    }
    if (n == 1 && is_alpha((unsigned char)label[0])) {
        *numeral = AJ_NUM_LETTER;
        *value = lower((unsigned char)label[0]) - 'a' + 1;
    }
}

/* ---- words ---- */

typedef struct {
    const unsigned char *t;
    size_t n, i;
} wcur;

/* The next word [*ws, *we) (a run of word bytes), or 0 at the end. */
static int next_word(wcur *w, size_t *ws, size_t *we) {
    while (w->i < w->n && !is_wordb(w->t[w->i])) w->i++;
    if (w->i >= w->n) return 0;
    *ws = w->i;
    while (w->i < w->n && is_wordb(w->t[w->i])) w->i++;
    *we = w->i;
    return 1;
}

static int word_is(const unsigned char *t, size_t ws, size_t we, const char *w) {
    size_t k = 0;
    for (; ws + k < we && w[k]; k++)
        if (lower(t[ws + k]) != (unsigned char)w[k]) return 0;
    return ws + k == we && !w[k];
}

/* Lists of words are only ever a few letters long: a longer word is in
 * none, and is turned away before any comparison. */
#define LIST_WORD_MAX 12

static int word_in(const unsigned char *t, size_t ws, size_t we, const char *const *list) {
    if (we - ws > LIST_WORD_MAX) return 0;
    for (size_t k = 0; list[k]; k++)
        if ((unsigned char)list[k][0] == lower(t[ws]) && word_is(t, ws, we, list[k])) return 1;
    return 0;
}

/* The folded words of t[0..n) hashed: letters lower-cased, every run of
 * other bytes one separator.  Only short lines are ever compared by key,
 * so a long text is keyed by its first KEY_BYTES folded bytes. */
#define KEY_BYTES 1024
static uint64_t key_of(const unsigned char *t, size_t n) {
    unsigned char buf[KEY_BYTES];
    size_t m = 0;
    wcur w = {t, n, 0};
    size_t ws, we;
    while (m < sizeof buf && next_word(&w, &ws, &we)) {
        if (m) buf[m++] = ' ';
        for (; ws < we && m < sizeof buf; ws++) buf[m++] = (unsigned char)lower(t[ws]);
    }
    return XXH3_64bits(buf, m);
}

/* ---- dates ---- */

static const char *const months[] = {
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", NULL};
static const char *const weekdays[] = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", NULL};
static const char *const clock_words[] = {
    "am", "pm", "a", "p", "m", "gmt", "utc", "jst", "ict", "est", "edt", "cet",
    "cest", "bst", "pst", "pdt", "wib", "sgt", "hrs", "h", NULL};
static const char *const ordinal_ends[] = {"st", "nd", "rd", "th", NULL};

/* Dates and times in t[0..n): which of AJ_BK_DATE_ONLY, _TIME, _HAS_DATE
 * hold.  Words are split at letter/digit changes ("26th" is "26" "th"). */
static uint32_t date_flags(const unsigned char *t, size_t n) {
    /* every flag here needs a number: most text has none, and is done */
    size_t d = 0;
    while (d < n && !is_digit(t[d])) d++;
    if (d == n) return 0;
    int only = 1, number = 0, month = 0, clock = 0, numeric_date = 0, near = 0;
    size_t last_num_end = SIZE_MAX, last_month_end = SIZE_MAX;
    for (size_t i = 0; i < n;) {
        unsigned b = t[i];
        if (is_digit(b)) {
            size_t j = i;
            while (j < n && is_digit(t[j])) j++;
            number = 1;
            if (j - i > 4) only = 0;
            /* 10:57, 2024-07-26, 26/07/2024 */
            if (j < n && t[j] == ':' && j + 1 < n && is_digit(t[j + 1])) clock = 1;
            if (j < n && (t[j] == '-' || t[j] == '/' || t[j] == '.') && j + 1 < n &&
                is_digit(t[j + 1])) {
                size_t k = j + 1, m = k;
                while (m < n && is_digit(t[m])) m++;
                if (m < n && t[m] == t[j] && m + 1 < n && is_digit(t[m + 1]) &&
                    (j - i == 4 || m + 1 + 4 <= n))
                    numeric_date = 1;
            }
            if (last_month_end != SIZE_MAX && i - last_month_end <= 2) near = 1;
            last_num_end = j;
            i = j;
        } else if (is_alpha(b)) {
            size_t j = i;
            while (j < n && is_alpha(t[j])) j++;
            if (word_in(t, i, j, months)) {
                month = 1;
                if (last_num_end != SIZE_MAX && i - last_num_end <= 2) near = 1;
                last_month_end = j;
            } else if (word_in(t, i, j, clock_words)) {
                if (!word_is(t, i, j, "a") && !word_is(t, i, j, "p") && !word_is(t, i, j, "m") &&
                    !word_is(t, i, j, "h"))
                    clock = 1;
            } else if (!(word_in(t, i, j, weekdays) ||
                         (word_in(t, i, j, ordinal_ends) && i == last_num_end) ||
                         word_is(t, i, j, "of"))) {
                only = 0;
            }
            i = j;
        } else if (b >= 0x80 || !(b == ' ' || b == ',' || b == '.' || b == ':' || b == '/' ||
                                  b == '-' || b == '+' || b == '(' || b == ')' || b == '|')) {
            only = 0;
            i++;
        } else {
            i++;
        }
    }
    uint32_t f = 0;
    if (near || numeric_date) f |= AJ_BK_HAS_DATE;
    if (clock) f |= AJ_BK_TIME;
    if (only && number && (month || numeric_date)) f |= AJ_BK_DATE_ONLY;
    return f;
}

/* ---- sentences ---- */

static const char *const abbreviations[] = {
    "mr", "ms", "mrs", "dr", "prof", "st", "no", "nos", "art", "vol", "fig", "jr",
    "sr", "co", "inc", "ltd", "vs", "etc", "approx", "dept", "gen", "gov", "hon", NULL};

/* Drops closing quotation marks and brackets from the end of t[0..n). */
static size_t strip_closers(const unsigned char *t, size_t n) {
    for (int k = 0; k < 3 && n; k++) {
        size_t q = close_quote_at_end(t, n);
        if (q) n -= q;
        else if (t[n - 1] == ')' || t[n - 1] == ']') n--;
        else break;
    }
    return n;
}

/* Is the '.' at t[i] the end of a sentence, rather than of "Ms." or
 * "U.S."?  The word before it decides. */
static int period_ends(const unsigned char *t, size_t i) {
    if (i > 0 && t[i - 1] == '.') return 0; /* the end of "..." or "....." */
    size_t s = i;
    while (s > 0 && is_alpha(t[s - 1])) s--;
    if (s == i) return 1; /* after a number or a quote */
    if (i - s == 1) return 0; /* "U.S.", "p.m.", "J." */
    return !word_in(t, s, i, abbreviations);
}

static uint32_t sentence_flags(const unsigned char *t, size_t n) {
    uint32_t f = 0;
    size_t end = strip_closers(t, n);
    for (size_t i = 0; i < end; i++) {
        unsigned b = t[i];
        if (b != '.' && b != '!' && b != '?') continue;
        size_t j = i + 1;
        while (j < n && (t[j] == '"' || t[j] == '\'' || t[j] == ')' ||
                         (t[j] == 0xe2 && j + 2 < n && t[j + 1] == 0x80 &&
                          (t[j + 2] == 0x9d || t[j + 2] == 0x99))))
            j += t[j] == 0xe2 ? 3 : 1;
        if (j < n && t[j] != ' ') continue; /* 241.1, a.m., "U.S." */
        if (b == '.' && !period_ends(t, i)) continue;
        if (i + 1 < end) {
            /* the one flag the loop sets: the rest of a long paragraph
             * cannot change it */
            f |= AJ_BK_INNER_SENTENCE;
            break;
        }
    }
    if (end) {
        unsigned last = t[end - 1];
        if ((last == '.' && period_ends(t, end - 1)) || last == '!' || last == '?')
            f |= AJ_BK_END_SENTENCE;
        else if (last == ';' || last == ',')
            f |= AJ_BK_END_CLAUSE;
        else if (last == ':')
            f |= AJ_BK_END_COLON;
    }
    return f;
}

/* ---- captions, navigation, files ---- */

static const char *const caption_words[] = {
    "photo", "photos", "photograph", "photographs", "image", "images", "picture",
    "pictures", "video", "credit", "credits", "courtesy", "caption", NULL};
static const char *const caption_links[] = {"by", "credit", "courtesy", "source", "from", NULL};

/* "(Photo: Cabinet Public Affairs Office)", "Photo by ...", "Image: ...". */
static int caption(const unsigned char *t, size_t n) {
    size_t i = 0;
    if (n && (t[0] == '(' || t[0] == '[')) i = 1;
    wcur w = {t, n, i};
    size_t ws, we, ns, ne;
    if (!next_word(&w, &ws, &we) || ws != i || !word_in(t, ws, we, caption_words)) return 0;
    size_t k = we;
    while (k < n && t[k] == ' ') k++;
    if (k < n && (t[k] == ':' || t[k] == '/' || t[k] == ')')) return 1;
    return next_word(&w, &ns, &ne) && ns == k && word_in(t, ns, ne, caption_links);
}

static const char *const nav_phrases[] = {
    "back to top", "return to top", "go to top", "top of page", "page top", "to top",
    "back", "top", "home", "menu", "sitemap", "site map", "skip to content",
    "skip to main content", "print", "print this page", "share", "share this page",
    "next", "previous", "next page", "previous page", NULL};

/* The words of t, folded, equal to one of the phrases? */
static int phrase_in(const unsigned char *t, size_t n, const char *const *list) {
    char buf[40];
    size_t m = 0;
    wcur w = {t, n, 0};
    size_t ws, we;
    while (next_word(&w, &ws, &we)) {
        if (m && m < sizeof buf) buf[m++] = ' ';
        for (; ws < we && m < sizeof buf; ws++) buf[m++] = (char)lower(t[ws]);
        if (m >= sizeof buf) return 0;
    }
    for (size_t k = 0; list[k]; k++)
        if (strlen(list[k]) == m && !memcmp(list[k], buf, m)) return 1;
    return 0;
}

/* "Back to X" / "Return to X" / "Go back to X": sets *x to where X
 * starts, or returns 0. */
static int back_to(const unsigned char *t, size_t n, size_t *x) {
    wcur w = {t, n, 0};
    size_t a, b, c, d;
    if (!next_word(&w, &a, &b) || a != 0) return 0;
    if (word_is(t, a, b, "go") && !next_word(&w, &a, &b)) return 0;
    if (!word_is(t, a, b, "back") && !word_is(t, a, b, "return")) return 0;
    if (!next_word(&w, &c, &d) || !word_is(t, c, d, "to")) return 0;
    if (!next_word(&w, x, &d)) return 0;
    return 1;
}

/* "(PDF)", "[PDF]", "(English (PDF)", "report.pdf", "(PDF: 1.2MB)". */
static int file_link(const unsigned char *t, size_t n) {
    for (size_t i = 0; i + 3 <= n; i++) {
        if ((t[i] | 32) != 'p' || (t[i + 1] | 32) != 'd' || (t[i + 2] | 32) != 'f') continue;
        if (memcmp(t + i, "PDF", 3) != 0 && memcmp(t + i, "pdf", 3) != 0) continue;
        int before = i > 0 && (t[i - 1] == '(' || t[i - 1] == '[' || t[i - 1] == '.');
        int after = i + 3 == n || t[i + 3] == ')' || t[i + 3] == ']' || t[i + 3] == ':' ||
                    t[i + 3] == ',';
        if (before && after) return 1;
    }
    return 0;
}

/* The bytes of link text in the source span [a, b): "[text](url)" and
 * "<a ...>text</a>".  *nlinks counts the links. */
static size_t link_text(const unsigned char *s, size_t a, size_t b, uint32_t *nlinks) {
    size_t bytes = 0;
    /* most source lines hold no link at all: two vectorized scans say so */
    if (a >= b || (!memchr(s + a, '[', b - a) && !memchr(s + a, '<', b - a))) return 0;
    for (size_t i = a; i < b; i++) {
        if (s[i] == '[') {
            size_t j = i + 1;
            while (j < b && s[j] != ']' && s[j] != '[' && s[j] != '\n') j++;
            if (j + 1 < b && s[j] == ']' && s[j + 1] == '(') {
                size_t k = j + 2;
                while (k < b && s[k] != ')' && s[k] != ' ' && s[k] != '\n') k++;
                if (k < b && s[k] == ')') {
                    bytes += j - i - 1;
                    (*nlinks)++;
                    i = k;
                }
            }
        } else if (s[i] == '<' && i + 2 < b && (s[i + 1] == 'a' || s[i + 1] == 'A') &&
                   (s[i + 2] == ' ' || s[i + 2] == '>')) {
            size_t j = i + 2;
            while (j < b && s[j] != '>') j++;
            size_t k = j;
            while (k + 3 < b && !(s[k] == '<' && s[k + 1] == '/' && lower(s[k + 2]) == 'a' &&
                                   s[k + 3] == '>'))
                k++;
            if (j < b && k + 3 < b) {
                bytes += k - j - 1;
                (*nlinks)++;
                i = k + 3;
            }
        }
    }
    return bytes;
}

/* "Introduction ........ 3": a run of dots (or an ellipsis) before a
 * final page number.  Returns where the run starts, or n. */
static size_t dot_leader(const unsigned char *t, size_t n) {
    size_t e = n;
    while (e > 0 && is_digit(t[e - 1])) e--;
    if (e == n) return n;
    while (e > 0 && t[e - 1] == ' ') e--;
    size_t dots = 0, k = e;
    while (k > 0 && (t[k - 1] == '.' || t[k - 1] == ' ' ||
                     (k >= 3 && t[k - 3] == 0xe2 && t[k - 2] == 0x80 && t[k - 1] == 0xa6))) {
        if (t[k - 1] == '.') dots++;
        else if (t[k - 1] == 0xa6) { dots += 3; k -= 2; }
        k--;
    }
    return dots >= 3 ? k : n;
}

void aj_block_make(aj_block *b, const aj_seg_para *p, const char *src, size_t len) {
    const unsigned char *t = (const unsigned char *)p->text;
    size_t n = p->text_len;
    memset(b, 0, sizeof *b);
    b->kind = (uint8_t)p->kind;
    b->mark = (uint8_t)p->mark;
    b->head = (uint8_t)p->head;
    b->parent = AJ_BK_NONE;
    b->label = aj_label_pack(p->label);
    int numeral;
    uint32_t value;
    aj_label_number(p->label, &numeral, &value);
    b->numeral = (uint8_t)numeral;
    b->value = (uint16_t)(value > UINT16_MAX ? UINT16_MAX : value); /* labels have 3 digits */

    /* words are counted as far as the rules look (AJ_BK_WORDS) */
    size_t words = 0;
    for (size_t i = 0; i < n && words < AJ_BK_WORDS; i++)
        words += is_wordb(t[i]) && (i == 0 || !is_wordb(t[i - 1]));
    b->words = (uint8_t)words;

    uint32_t f = sentence_flags(t, n);
    size_t oq = open_quote(t, n);
    if (oq) {
        size_t e = n;
        while (e > oq && (t[e - 1] == '.' || t[e - 1] == ':' || t[e - 1] == ',')) e--;
        if (e > oq && close_quote_at_end(t, e)) f |= AJ_BK_QUOTED;
    }
    if (n >= 2 && t[0] == '(' && t[n - 1] == ')' && !memchr(t + 1, ')', n - 2)) f |= AJ_BK_PARENS;
    if (n && (is_upper(t[0]) || is_digit(t[0]) || t[0] >= 0x80 || oq)) f |= AJ_BK_UPPER_START;
    /* What follows matters to short blocks only (titles, captions, dates,
     * navigation: the passes look at no longer ones for these), and
     * costs a look at every word: longer paragraphs skip it. */
    size_t lead = n, x;
    if (words <= SHORT_WORDS) {
        f |= date_flags(t, n);
        if (caption(t, n)) f |= AJ_BK_CAPTION;
        if (file_link(t, n)) f |= AJ_BK_FILE_LINK;
        if (words <= NAV_PHRASE_WORDS && phrase_in(t, n, nav_phrases)) f |= AJ_BK_NAV_PHRASE;
        lead = dot_leader(t, n);
        if (lead < n) f |= AJ_BK_DOT_LEADER;
    }
    /* keys are compared for navigation labels and contents lines: short
     * lines that end no sentence */
    int titlish = words <= KEY_WORDS &&
                  !(f & (AJ_BK_END_SENTENCE | AJ_BK_INNER_SENTENCE | AJ_BK_END_CLAUSE));
    if (words <= KEY_WORDS && back_to(t, n, &x)) {
        f |= AJ_BK_BACK;
        b->key = key_of(t + x, n - x);
    } else if (titlish || (f & AJ_BK_DOT_LEADER)) {
        b->key = key_of(t, lead);
    }
    if (src && p->end <= len && p->end - p->start <= LINK_SCAN_MAX && n) {
        /* the text starts inside a link's brackets and may end before its
         * "](url)": look at the whole source lines */
        size_t a = (size_t)p->start, z = (size_t)p->end;
        while (a > 0 && src[a - 1] != '\n' && p->start - a < 256) a--;
        size_t zmax = len - z < LINK_SCAN_MAX ? len : z + LINK_SCAN_MAX;
        const char *nl = memchr(src + z, '\n', zmax - z);
        z = nl ? (size_t)(nl - src) : zmax;
        uint32_t links = 0;
        size_t lt = link_text((const unsigned char *)src, a, z, &links);
        if (links && (double)lt >= LINK_SHARE * (double)n &&
            (links >= 3 || !(f & (AJ_BK_END_SENTENCE | AJ_BK_INNER_SENTENCE))))
            f |= AJ_BK_LINKS;
    }
    b->flags = (uint16_t)f;
    /* only headings are cited by their text: the segmenter's, and title
     * lines (short, ending no sentence unless quoted; outline.h) */
    if (p->kind == AJ_PARA_HEADING || titlish || ((f & AJ_BK_QUOTED) && words <= KEY_WORDS)) {
        char buf[AJ_CITE_HEADING_MAX];
        size_t hl = aj_cite_heading(p->label, p->mark, p->text, p->text_len, buf);
        b->cite = XXH3_64bits(buf, hl);
    }
}
