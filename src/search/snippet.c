/*
 * snippet.c - choosing the passage of a long paragraph to show: the window
 * of bounded size that holds the most distinct matched words (then the
 * most matches), with a little context before the first one, cut at
 * spaces and never inside a UTF-8 sequence.
 */
#include "ajsearch.h"

static int is_cont(unsigned char ch) { return (ch & 0xC0) == 0x80; }

/* Distinct aj_span.term values among spans[0..n).  A window of a few
 * hundred bytes holds a few dozen spans, so the quadratic count is cheap. */
static size_t distinct_terms(const aj_span *spans, size_t n) {
    size_t d = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < i && spans[j].term != spans[i].term) j++;
        d += j == i;
    }
    return d;
}

void aj_snippet_window(const char *text, size_t len, const aj_span *spans,
                       size_t nspans, size_t max_bytes, size_t *ws,
                       size_t *we) {
    *ws = 0;
    *we = len;
    if (len <= max_bytes) return;
    size_t best_start = 0, best_count = 0, best_distinct = 0;
    size_t lead = max_bytes / 5; /* context shown before the first match */
    for (size_t i = 0; i < nspans; i++) {
        size_t s = spans[i].start > lead ? spans[i].start - lead : 0;
        size_t count = 0;
        for (size_t j = i; j < nspans && spans[j].end <= s + max_bytes; j++)
            count++;
        size_t distinct = distinct_terms(spans + i, count);
        if (distinct > best_distinct ||
            (distinct == best_distinct && count > best_count)) {
            best_distinct = distinct;
            best_count = count;
            best_start = s;
        }
    }
    size_t s = best_start, e = s + max_bytes;
    if (e > len) {
        e = len;
        s = len > max_bytes ? len - max_bytes : 0;
    }
    /* Start after a space (unless at 0), end before one (unless at len). */
    if (s > 0) {
        size_t t = s;
        while (t < e && text[t - 1] != ' ') t++;
        if (t < e) s = t;
    }
    if (e < len) {
        size_t t = e;
        while (t > s && text[t] != ' ') t--;
        if (t > s) e = t;
    }
    while (s < e && is_cont((unsigned char)text[s])) s++;
    while (e > s && e < len && is_cont((unsigned char)text[e])) e--;
    *ws = s;
    *we = e;
}
