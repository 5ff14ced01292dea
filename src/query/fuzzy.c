/* fuzzy.c - OSA edit distance and the dictionary scan; see fuzzy.h. */
#include "query/fuzzy.h"

#include <string.h>

#include "common/utf8.h"

int aj_fuzzy_cap(size_t ncp) {
    return ncp <= 2 ? 0 : ncp <= 5 ? 1 : 2;
}

size_t aj_fuzzy_decode(const char *s, size_t n, uint32_t *out, size_t cap) {
    size_t k = 0;
    for (size_t i = 0; i < n && k < cap;) {
        i += aj_utf8_decode((const uint8_t *)s + i, n - i, &out[k]);
        k++;
    }
    return k;
}

/* The table: row r describes the first r code points of the candidate
 * against every prefix of the query word (columns 0..m).  Rows only ever
 * depend on the two above them, so when the next candidate shares its
 * first p code points with the last, rows 0..p are still right. */
typedef struct {
    const uint32_t *q;
    size_t m;
    int k;
    int row[AJ_MAX_WORD + 1][AJ_MAX_WORD + 1];
    int rmin[AJ_MAX_WORD + 1];  /* smallest value of each row */
} table;

static void table_init(table *t, const uint32_t *q, size_t m, int k) {
    t->q = q;
    t->m = m;
    t->k = k;
    for (size_t j = 0; j <= m; j++) t->row[0][j] = (int)j;
    t->rmin[0] = 0;
}

/* Fills row r (1-based) for candidate code points b[0..r). */
static void table_row(table *t, const uint32_t *b, size_t r) {
    int *cur = t->row[r];
    const int *up = t->row[r - 1];
    const int *up2 = r >= 2 ? t->row[r - 2] : NULL;
    uint32_t ch = b[r - 1];
    cur[0] = (int)r;
    int mn = cur[0];
    for (size_t j = 1; j <= t->m; j++) {
        int v = up[j - 1] + (ch != t->q[j - 1]);
        if (up[j] + 1 < v) v = up[j] + 1;
        if (cur[j - 1] + 1 < v) v = cur[j - 1] + 1;
        if (up2 && j >= 2 && ch == t->q[j - 2] && b[r - 2] == t->q[j - 1] &&
            up2[j - 2] + 1 < v)
            v = up2[j - 2] + 1;
        cur[j] = v;
        if (v < mn) mn = v;
    }
    t->rmin[r] = mn;
}

/* Distance of candidate b[0..n) given that rows 0..*valid already hold
 * for it; leaves *valid at the last row computed.  Every way into row r
 * passes through a cell of row r - 1 at no lower cost (a transposition
 * from row r - 2 costs at least the diagonal through r - 1), so row
 * minima never decrease and a row above k ends the candidate and every
 * candidate sharing that prefix. */
static int table_distance(table *t, const uint32_t *b, size_t n, size_t *valid) {
    size_t r = *valid;
    if (t->rmin[r] > t->k) return t->k + 1;
    while (r < n) {
        table_row(t, b, ++r);
        *valid = r;
        if (t->rmin[r] > t->k) return t->k + 1;
    }
    int d = t->row[n][t->m];
    return d > t->k ? t->k + 1 : d;
}

int aj_fuzzy_distance(const uint32_t *a, size_t na, const uint32_t *b,
                      size_t nb, int k) {
    if (na > AJ_MAX_WORD) na = AJ_MAX_WORD;
    if (nb > AJ_MAX_WORD) nb = AJ_MAX_WORD;
    if ((na > nb ? na - nb : nb - na) > (size_t)k) return k + 1;
    table t;
    size_t valid = 0;
    table_init(&t, a, na, k);
    return table_distance(&t, b, nb, &valid);
}

aj_err aj_fuzzy_scan(aj_ctx *c, const aj_dict *d, const char *word,
                     size_t len, int k, aj_fuzzy_fn fn, void *arg) {
    uint32_t q[AJ_MAX_WORD], prev[AJ_MAX_WORD], cur[AJ_MAX_WORD];
    size_t m = aj_fuzzy_decode(word, len, q, AJ_MAX_WORD), nprev = 0;
    size_t valid = 0;
    table t;
    if (d->nterms == 0) return AJ_OK;
    table_init(&t, q, m, k);
    aj_dict_iter it;
    aj_err e = aj_dict_iter_seek(c, d, 0, &it);
    while (!e && it.id < d->nterms) {
        size_t n = aj_fuzzy_decode(it.buf, it.len, cur, AJ_MAX_WORD), p = 0;
        while (p < n && p < nprev && cur[p] == prev[p]) p++;
        if (valid > p) valid = p;
        memcpy(prev, cur, n * sizeof *cur);
        nprev = n;
        /* A length difference above k needs more than k insertions or
         * deletions: no need to fill the table. */
        if ((n > m ? n - m : m - n) <= (size_t)k) {
            int dist = table_distance(&t, cur, n, &valid);
            if (dist <= k && fn(arg, &it, dist)) break;
        }
        e = aj_dict_iter_next(c, &it);
    }
    return e;
}
