/* fields.c - see fields.h. */
#include "query/fields.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/error.h"

static int is_space(unsigned char ch) {
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
}

static unsigned digits(const char *s, size_t n) {
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) v = v * 10 + (unsigned)(s[i] - '0');
    return v;
}

static int all_digits(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return n > 0;
}

static unsigned days_in(unsigned y, unsigned m) {
    static const unsigned d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : d[m - 1];
}

int aj_date_span(const char *s, size_t len, unsigned *lo, unsigned *hi) {
    if (len != 4 && len != 7 && len != 10) return 0;
    if (!all_digits(s, 4)) return 0;
    unsigned y = digits(s, 4), m1 = 1, m2 = 12, d1 = 1, d2 = 31;
    if (len >= 7) {
        if (s[4] != '-' || !all_digits(s + 5, 2)) return 0;
        m1 = m2 = digits(s + 5, 2);
        if (m1 < 1 || m1 > 12) return 0;
        d2 = days_in(y, m1);
    }
    if (len == 10) {
        if (s[7] != '-' || !all_digits(s + 8, 2)) return 0;
        d1 = d2 = digits(s + 8, 2);
        if (d1 < 1 || d1 > days_in(y, m1)) return 0;
    }
    *lo = y * 10000 + m1 * 100 + d1;
    *hi = y * 10000 + m2 * 100 + d2;
    return 1;
}

void aj_fields_free(aj_fields *f) {
    free(f->since);
    free(f->until);
    free(f->doc);
    free(f->source);
    memset(f, 0, sizeof *f);
}

static const char *const NAMES[] = {"date", "doc", "source"};

/* The field name at q + i (followed by ':' and a value), as an index in
 * NAMES, or -1. */
static int field_at(const char *q, size_t len, size_t i) {
    for (int k = 0; k < 3; k++) {
        size_t n = strlen(NAMES[k]);
        if (i + n + 1 < len && !strncasecmp(q + i, NAMES[k], n) && q[i + n] == ':' &&
            !is_space((unsigned char)q[i + n + 1]) && q[i + n + 1] != ')')
            return k;
    }
    return -1;
}

/* Whether the word that ends just before i (after white space) is NOT. */
static int after_not(const char *q, size_t i) {
    while (i > 0 && is_space((unsigned char)q[i - 1])) i--;
    return i >= 3 && !memcmp(q + i - 3, "NOT", 3) &&
           (i == 3 || is_space((unsigned char)q[i - 4]) || q[i - 4] == '(');
}

static aj_err set_date(aj_ctx *c, aj_fields *f, const char *v, size_t n, size_t pos) {
    const char *dots = NULL;
    for (size_t i = 0; i + 1 < n; i++)
        if (v[i] == '.' && v[i + 1] == '.') {
            dots = v + i;
            break;
        }
    size_t na = dots ? (size_t)(dots - v) : n;
    const char *b = dots ? dots + 2 : NULL;
    size_t nb = dots ? n - na - 2 : 0;
    unsigned lo, hi;
    if ((na && !aj_date_span(v, na, &lo, &hi)) || (!dots && !na))
        return aj_fail_at(c, AJ_ESYNTAX, pos,
                          "date: '%.*s' is not a date YYYY, YYYY-MM or YYYY-MM-DD, or a range "
                          "of them (2024..2025, 2024-03.., ..2023)", (int)n, v);
    if (dots && nb && !aj_date_span(b, nb, &lo, &hi))
        return aj_fail_at(c, AJ_ESYNTAX, pos + na + 2,
                          "date: '%.*s' is not a date YYYY, YYYY-MM or YYYY-MM-DD", (int)nb, b);
    if (dots && !na && !nb)
        return aj_fail_at(c, AJ_ESYNTAX, pos, "date: '..' needs a date on one side at least");
    if (na) f->since = strndup(v, na);
    if (!dots) f->until = strndup(v, na);
    else if (nb) f->until = strndup(b, nb);
    if ((na && !f->since) || ((!dots || nb) && !f->until))
        return aj_fail(c, AJ_ENOMEM, "query fields");
    return AJ_OK;
}

aj_err aj_fields_take(aj_ctx *c, const char *q, size_t len, char **out, aj_fields *f) {
    memset(f, 0, sizeof *f);
    char *s = malloc(len + 1);
    if (!s) return aj_fail(c, AJ_ENOMEM, "query fields");
    if (len) memcpy(s, q, len);
    s[len] = 0;
    *out = s;
    int depth = 0, quoted = 0, seen[3] = {0};
    for (size_t i = 0; i < len; i++) {
        char ch = q[i];
        if (quoted) {
            if (ch == '"') quoted = 0;
            continue;
        }
        if (ch == '"') {
            quoted = 1;
            continue;
        }
        if (ch == '(') depth++;
        if (ch == ')' && depth > 0) depth--;
        int start = i == 0 || is_space((unsigned char)q[i - 1]) || q[i - 1] == '(';
        if (!start) continue;
        size_t t = i, at = ch == '-' ? i + 1 : i;
        int k = field_at(q, len, at);
        if (k < 0) continue;
        const char *name = NAMES[k];
        if (at != t || after_not(q, t))
            return aj_fail_at(c, AJ_ESYNTAX, t, "%s: a filter cannot be negated", name);
        if (depth > 0)
            return aj_fail_at(c, AJ_ESYNTAX, t,
                              "%s: a filter applies to the whole query, not inside parentheses",
                              name);
        if (seen[k]++)
            return aj_fail_at(c, AJ_ESYNTAX, t, "%s: given twice", name);
        size_t v = at + strlen(name) + 1, end, vlen, vpos = v;
        if (q[v] == '"') {
            const char *z = memchr(q + v + 1, '"', len - v - 1);
            if (!z) return aj_fail_at(c, AJ_ESYNTAX, v, "%s: unterminated quote", name);
            vpos = v + 1;
            vlen = (size_t)(z - (q + v + 1));
            end = (size_t)(z - q) + 1;
        } else {
            end = v;
            while (end < len && !is_space((unsigned char)q[end]) && q[end] != ')') end++;
            vlen = end - v;
        }
        if (!vlen) return aj_fail_at(c, AJ_ESYNTAX, vpos, "%s: empty value", name);
        if (memchr(q + vpos, 0, vlen))
            return aj_fail_at(c, AJ_ESYNTAX, vpos, "%s: a NUL byte in the value", name);
        aj_err e = AJ_OK;
        if (k == 0) {
            e = set_date(c, f, q + vpos, vlen, vpos);
        } else {
            char **dst = k == 1 ? &f->doc : &f->source;
            *dst = strndup(q + vpos, vlen);
            if (!*dst) e = aj_fail(c, AJ_ENOMEM, "query fields");
        }
        if (e) return e;
        memset(s + t, ' ', end - t);
        f->any = 1;
        i = end - 1;
    }
    return AJ_OK;
}
