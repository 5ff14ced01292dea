/*
 * lineclass.c - what a line is, told from its first bytes and its shape
 * before any of its text is cleaned.
 *
 * The driver (segment.c) asks once per non-blank line: is it a separator
 * with no letter or digit, a heading (markdown "#", a wholly **bold**
 * line, an upper-case line in hard-wrapped text, "1 Title" in web text),
 * a list item ("-", "•", "8.", "(ii)", "(a)"), a number alone on its line
 * ("8.", whose text follows), a footnote ("<sup>3</sup>", "[^3]:", "^3"),
 * or plain text.  The answer (aj_seg_line) says where the text starts and
 * ends and which label and mark it carries.  The same markers serve the
 * fallback title (aj_seg_title_span) and the roman numerals of items run
 * together on one line (clean.c).
 *
 * Everything here reads the line and nothing else: no state of the run,
 * so a line's class does not depend on what came before it except
 * through the document's shape (hard-wrapped or not), which is given.
 */
#include "analysis/segment_impl.h"

#include <string.h>

#define TITLE_LINE_MAX 80     /* "1 Title" headings are shorter than this */

size_t aj_seg_roman_len(const unsigned char *s, size_t i, size_t q) {
    size_t j = i;
    while (j < q && s[j] == 'x' && j - i < 3) j++;
    if (j + 1 < q && s[j] == 'i' && (s[j + 1] == 'x' || s[j + 1] == 'v')) {
        j += 2;
    } else {
        if (j < q && s[j] == 'v') j++;
        for (int k = 0; k < 3 && j < q && s[j] == 'i'; k++) j++;
    }
    return j - i;
}

static size_t digits_end(const unsigned char *s, size_t i, size_t q,
                         size_t max) {
    size_t j = i;
    while (j < q && j - i < max && is_digit(s[j])) j++;
    return j;
}

/* A list marker at s[i]: a bullet, "N." "N)" "(N)" with 1-3 digits, a
 * roman numeral with "." or ")" or in parentheses, or "(a)".  Returns the
 * index just past it (whitespace not checked), or 0.  label gets the
 * number or letter, or "" for a bullet; *mark how it was written. */
static size_t marker_at(const unsigned char *s, size_t i, size_t q,
                        char *label, int *mark) {
    static const unsigned char bullets[][3] = {
        {0xe2, 0x80, 0xa2}, /* • */
        {0xe2, 0x97, 0x8f}, /* ● */
        {0xe2, 0x96, 0xaa}, /* ▪ */
        {0xe2, 0x97, 0xa6}, /* ◦ */
        {0xe2, 0x80, 0xa3}, /* ‣ */
        {0xe2, 0x80, 0x93}, /* – */
    };
    unsigned b = s[i];
    label[0] = '\0';
    *mark = AJ_MARK_BULLET;
    if (b == '-' || b == '*' || b == '+') return i + 1;
    if (b == 0xe2 && q - i >= 3) {
        for (size_t k = 0; k < sizeof bullets / sizeof bullets[0]; k++)
            if (!memcmp(s + i, bullets[k], 3)) return i + 3;
        return 0;
    }
    int paren = b == '(';
    size_t j = i + (size_t)paren, e = digits_end(s, j, q, 4), n;
    if (e > j) {
        if (e - j > 3) return 0;
        n = e - j;
    } else if ((n = aj_seg_roman_len(s, j, q)) != 0) {
    } else if (paren && j < q && is_lower(s[j])) {
        n = 1;
    } else {
        return 0;
    }
    e = j + n;
    if (e >= q) return 0;
    if (paren ? s[e] != ')' : s[e] != '.' && s[e] != ')') return 0;
    *mark = paren ? AJ_MARK_PARENS : s[e] == '.' ? AJ_MARK_DOT : AJ_MARK_CLOSE;
    memcpy(label, s + j, n);
    label[n] = '\0';
    return e + 1;
}

/* "#".."######" then whitespace or the end: returns the index after the
 * marks, or 0. */
static size_t atx_marks_end(const unsigned char *s, size_t t, size_t q) {
    size_t k = t;
    while (k < q && s[k] == '#' && k - t < 7) k++;
    if (k == t || k - t > 6) return 0;
    if (k < q && s[k] != ' ' && s[k] != '\t') return 0;
    return k;
}

/* End of a markdown heading's text without its optional closing "##". */
static size_t atx_text_end(const unsigned char *s, size_t t, size_t q) {
    size_t k = q;
    while (k > t && s[k - 1] == '#') k--;
    if (k == q) return q;
    if (k == t) return t;
    if (s[k - 1] != ' ' && s[k - 1] != '\t') return q;
    while (k > t && (s[k - 1] == ' ' || s[k - 1] == '\t')) k--;
    return k;
}

/* The whole line is one **bold** (or __bold__) span. */
static int is_bold_line(const unsigned char *s, size_t t, size_t q) {
    if (q - t < 5) return 0;
    unsigned m = s[t];
    if ((m != '*' && m != '_') || s[t + 1] != m || s[q - 1] != m ||
        s[q - 2] != m)
        return 0;
    for (size_t k = t + 2; k + 1 < q - 2; k++)
        if (s[k] == m && s[k + 1] == m) return 0;
    return 1;
}

/* At least 3 words and at least 80% of the ASCII letters upper-case. */
static int is_caps_line(const unsigned char *s, size_t t, size_t q) {
    size_t up = 0, low = 0, words = 0, letters = 0;
    for (size_t k = t; k <= q; k++) {
        unsigned b = k < q ? s[k] : ' ';
        if (b == ' ' || b == '\t') {
            words += letters;
            letters = 0;
        } else if (is_upper(b)) {
            up++;
            letters = 1;
        } else if (is_lower(b)) {
            /* up >= 4 * low needs 5 * low letters at least: past that,
             * no need to read on (a line of prose or code stops early) */
            if (5 * ++low > q - t) return 0;
            letters = 1;
        }
    }
    return words >= 3 && up * 5 >= (up + low) * 4;
}

/* A month's name (or its three-letter short form) as a whole word at
 * s[i]: "12 March 2021" is a date, not heading 12. */
static int is_month_at(const unsigned char *s, size_t i, size_t q) {
    static const char *const names[] = {"january", "february", "march", "april", "may",
                                        "june", "july", "august", "september", "october",
                                        "november", "december"};
    size_t e = i;
    while (e < q && is_letter(s[e])) e++;
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        size_t n = strlen(names[k]);
        if (e - i != n && e - i != 3) continue;
        if (e - i > n) continue;
        size_t m = 0;
        while (m < e - i && lower(s[i + m]) == (unsigned char)names[k][m]) m++;
        if (m == e - i) return 1;
    }
    return 0;
}

/* "1 Review of ..." in unwrapped text: a short line, one or two digits, a
 * space, an upper-case letter, no final '.'.  Returns where the title
 * starts, or 0. */
static size_t numbered_title(const unsigned char *s, size_t t, size_t q,
                             char *label) {
    if (q - t >= TITLE_LINE_MAX || s[q - 1] == '.') return 0;
    size_t d = digits_end(s, t, q, 3);
    if (d == t || d - t > 2 || d + 1 >= q || s[d] != ' ' ||
        !is_upper(s[d + 1]) || is_month_at(s, d + 1, q))
        return 0;
    memcpy(label, s + t, d - t);
    label[d - t] = '\0';
    return d + 1;
}

static int has_prefix_ci(const unsigned char *s, size_t i, size_t q,
                         const char *word) {
    size_t n = strlen(word);
    if (q - i < n) return 0;
    for (size_t k = 0; k < n; k++)
        if (lower(s[i + k]) != (unsigned char)word[k]) return 0;
    return 1;
}

/* A footnote line: "<sup>N</sup>", "[^N]" (maybe with ':') or "^N" and
 * whitespace. */
static int is_footnote_line(const unsigned char *s, size_t t, size_t q,
                            aj_seg_line *li) {
    size_t d, e;
    if (has_prefix_ci(s, t, q, "<sup>")) {
        d = t + 5;
        e = digits_end(s, d, q, 4);
        if (e > d && has_prefix_ci(s, e, q, "</sup>")) {
            li->footnote = 1;
            return 1;
        }
    }
    if (q - t > 3 && s[t] == '[' && s[t + 1] == '^') {
        d = t + 2;
        e = digits_end(s, d, q, 4);
        if (e > d && e < q && s[e] == ']') {
            li->footnote = 2;
            li->note = d;
            li->note_end = e;
            li->text = e + 1 + (e + 1 < q && s[e + 1] == ':');
            return 1;
        }
    }
    if (s[t] == '^') {
        d = t + 1;
        e = digits_end(s, d, q, 4);
        if (e > d && (e == q || space_at(s, e, q))) {
            li->footnote = 3;
            li->note = d;
            li->note_end = e;
            li->text = e;
            return 1;
        }
    }
    return 0;
}

void aj_seg_classify_line(const unsigned char *s, size_t p, size_t q,
                          int wrapped, aj_seg_line *li) {
    size_t t = p, k;
    memset(li, 0, sizeof *li);
    while (t < q && s[t] == '>') { /* quote marks */
        t++;
        while (t < q && (s[t] == ' ' || s[t] == '\t')) t++;
    }
    li->text = t;
    li->end = q;
    li->type = LINE_PLAIN;
    if (!has_content(s, t, q)) {
        li->type = LINE_SEP;
        return;
    }
    if ((k = atx_marks_end(s, t, q)) != 0) {
        li->type = LINE_HEAD;
        li->head = (int)(k - t);
        li->text = skip_space(s, k, q);
        li->end = atx_text_end(s, li->text, q);
        /* A numbered heading ("## 2. Economic Cooperation", "### (ii)
         * Trade", "## 1 Review"; HTML's <h2>1. ...</h2> comes this way)
         * has its number as its label, as the same line without "#" has. */
        size_t m = li->end > li->text ? marker_at(s, li->text, li->end, li->label, &li->mark) : 0;
        if (m && li->label[0] && m < li->end && space_at(s, m, li->end)) {
            li->text = skip_space(s, m, li->end);
        } else if ((m = li->end > li->text ? numbered_title(s, li->text, li->end, li->label)
                                           : 0) != 0) {
            li->mark = AJ_MARK_BARE;
            li->text = m;
        } else {
            li->label[0] = '\0';
            li->mark = AJ_MARK_NONE;
        }
        return;
    }
    if (is_footnote_line(s, t, q, li)) return;
    if ((k = marker_at(s, t, q, li->label, &li->mark)) != 0) {
        if (k == q) { /* "8." alone, or a bullet with nothing after it */
            li->type = li->label[0] ? LINE_NUMBER : LINE_ITEM;
            if (li->type == LINE_ITEM) li->text = q;
            return;
        }
        if (space_at(s, k, q)) {
            li->type = LINE_ITEM;
            li->text = skip_space(s, k, q);
            return;
        }
        li->label[0] = '\0';
        li->mark = AJ_MARK_NONE;
    }
    if (is_bold_line(s, t, q) || (wrapped && is_caps_line(s, t, q))) {
        li->type = LINE_HEAD;
        li->head = is_bold_line(s, t, q) ? AJ_HEAD_BOLD : AJ_HEAD_CAPS;
        return;
    }
    if (!wrapped && (k = numbered_title(s, t, q, li->label)) != 0) {
        li->type = LINE_HEAD;
        li->head = AJ_HEAD_NUMBERED;
        li->mark = AJ_MARK_BARE;
        li->text = k;
    }
}

int aj_seg_title_span(const unsigned char *s, size_t *p, size_t *q) {
    size_t t = *p, e = *q, k;
    char label[LABEL_CAP];
    int mark;
    while (t < e && s[t] == '>') t = skip_space(s, t + 1, e);
    if (t == e || !has_content(s, t, e)) return 0;
    if ((k = atx_marks_end(s, t, e)) != 0) {
        t = skip_space(s, k, e);
        e = atx_text_end(s, t, e);
    } else if ((k = marker_at(s, t, e, label, &mark)) != 0 && k < e &&
               space_at(s, k, e)) {
        t = skip_space(s, k, e);
    }
    *p = t;
    *q = e;
    return 1;
}
