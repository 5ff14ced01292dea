/* test_utf8.c - the UTF-8 decoder and encoder: well-formed input, every
 * kind of ill-formed input, and the maximal-subpart rule that decides how
 * many bytes one U+FFFD covers. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"

#define FFFD AJ_UTF8_REPLACEMENT

/* Decodes all of s[0..n) into cps[]; returns the number of code points.
 * lens[] gets the bytes each one covered. */
static size_t decode_all(const char *s, size_t n, uint32_t *cps,
                         size_t *lens) {
    size_t i = 0, k = 0;
    while (i < n) {
        size_t m = aj_utf8_decode((const uint8_t *)s + i, n - i, &cps[k]);
        cr_assert(m >= 1 && m <= 4 && i + m <= n, "bad length %zu", m);
        lens[k++] = m;
        i += m;
    }
    return k;
}

/* Decodes s and checks the code points against want[0..nwant). */
static void expect(const char *s, size_t n, const uint32_t *want,
                   size_t nwant) {
    uint32_t cps[64];
    size_t lens[64];
    size_t k = decode_all(s, n, cps, lens);
    cr_assert_eq(k, nwant, "%zu code points, want %zu", k, nwant);
    for (size_t i = 0; i < k; i++)
        cr_assert_eq(cps[i], want[i], "code point %zu: U+%04X, want U+%04X",
                     i, cps[i], want[i]);
}

Test(utf8, ascii_is_one_byte_each) {
    for (uint32_t b = 0; b < 0x80; b++) {
        uint8_t s[1] = {(uint8_t)b};
        uint32_t cp;
        cr_assert_eq(aj_utf8_decode(s, 1, &cp), 1);
        cr_assert_eq(cp, b);
    }
}

Test(utf8, valid_multibyte) {
    uint32_t cp;
    cr_assert_eq(aj_utf8_decode((const uint8_t *)"\xC3\xA9", 2, &cp), 2);
    cr_assert_eq(cp, 0xE9);
    cr_assert_eq(aj_utf8_decode((const uint8_t *)"\xE1\xBB\x85", 3, &cp), 3);
    cr_assert_eq(cp, 0x1EC5);
    cr_assert_eq(aj_utf8_decode((const uint8_t *)"\xF0\x9F\x98\x80", 4, &cp),
                 4);
    cr_assert_eq(cp, 0x1F600);
    /* The extremes of each length. */
    cr_assert_eq(aj_utf8_decode((const uint8_t *)"\xC2\x80", 2, &cp), 2);
    cr_assert_eq(cp, 0x80);
    cr_assert_eq(aj_utf8_decode((const uint8_t *)"\xEF\xBF\xBF", 3, &cp), 3);
    cr_assert_eq(cp, 0xFFFF);
    cr_assert_eq(aj_utf8_decode((const uint8_t *)"\xF4\x8F\xBF\xBF", 4, &cp),
                 4);
    cr_assert_eq(cp, 0x10FFFF);
}

Test(utf8, bad_lead_bytes_cover_one_byte) {
    static const uint8_t bad[] = {0xC0, 0xC1, 0xF5, 0xF6, 0xF7, 0xF8,
                                  0xFB, 0xFC, 0xFD, 0xFE, 0xFF};
    for (size_t i = 0; i < sizeof bad; i++) {
        uint8_t s[2] = {bad[i], 0x80};
        uint32_t cp;
        cr_assert_eq(aj_utf8_decode(s, 2, &cp), 1, "lead %02X", bad[i]);
        cr_assert_eq(cp, FFFD);
    }
}

Test(utf8, stray_continuation_bytes) {
    for (uint32_t b = 0x80; b <= 0xBF; b++) {
        uint8_t s[2] = {(uint8_t)b, 'a'};
        uint32_t cp;
        cr_assert_eq(aj_utf8_decode(s, 2, &cp), 1);
        cr_assert_eq(cp, FFFD);
    }
    const uint32_t want[] = {'a', FFFD, FFFD, 'b'};
    expect("a\x80\xBF" "b", 4, want, 4);
}

Test(utf8, truncated_at_end_never_reads_past) {
    /* Exactly-sized heap copies, so ASan catches any read past the end. */
    static const char *cases[] = {"\xC3", "\xE2\x82", "\xE2", "\xF0\x9F\x98",
                                  "\xF0\x9F", "\xF0"};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t n = strlen(cases[i]);
        uint8_t *s = malloc(n);
        memcpy(s, cases[i], n);
        uint32_t cp;
        cr_assert_eq(aj_utf8_decode(s, n, &cp), n, "case %zu", i);
        cr_assert_eq(cp, FFFD);
        free(s);
    }
}

Test(utf8, broken_sequence_keeps_next_character) {
    const uint32_t want1[] = {FFFD, 'A'};
    expect("\xE2\x82\x41", 3, want1, 2);
    /* A valid lead byte after a truncated sequence starts anew. */
    const uint32_t want2[] = {FFFD, 0xE9};
    expect("\xE2\x82\xC3\xA9", 4, want2, 2);
    const uint32_t want3[] = {FFFD, 0x1F600};
    expect("\xF0\x9F\x98\xF0\x9F\x98\x80", 7, want3, 2);
    uint32_t cp;
    cr_assert_eq(aj_utf8_decode((const uint8_t *)"\xE2\x82\x41", 3, &cp), 2);
}

Test(utf8, overlong_forms) {
    /* C0 and C1 can never lead; E0 and F0 reject the second byte that
     * would make the form overlong, so each byte is its own U+FFFD. */
    const uint32_t want2[] = {FFFD, FFFD};
    expect("\xC0\xAF", 2, want2, 2);
    const uint32_t want3[] = {FFFD, FFFD, FFFD};
    expect("\xE0\x80\xAF", 3, want3, 3);
    const uint32_t want4[] = {FFFD, FFFD, FFFD, FFFD};
    expect("\xF0\x80\x80\xAF", 4, want4, 4);
    expect("\xF0\x8F\xBF\xBF", 4, want4, 4);
}

Test(utf8, surrogates_rejected) {
    const uint32_t want[] = {FFFD, FFFD, FFFD};
    expect("\xED\xA0\x80", 3, want, 3);
    expect("\xED\xBF\xBF", 3, want, 3);
    /* Just below the surrogates is fine. */
    uint32_t cp;
    cr_assert_eq(aj_utf8_decode((const uint8_t *)"\xED\x9F\xBF", 3, &cp), 3);
    cr_assert_eq(cp, 0xD7FF);
}

Test(utf8, above_max_rejected) {
    const uint32_t want[] = {FFFD, FFFD, FFFD, FFFD};
    expect("\xF4\x90\x80\x80", 4, want, 4);
    expect("\xF7\xBF\xBF\xBF", 4, want, 4);
}

/* The worked example of Unicode chapter 3 (U+FFFD substitution of maximal
 * subparts): 61 F1 80 80 E1 80 C2 62 80 63 80 BF 64. */
Test(utf8, unicode_standard_example) {
    const uint32_t want[] = {'a', FFFD, FFFD, FFFD, 'b',  FFFD,
                             'c', FFFD, FFFD, 'd'};
    expect("\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64", 13, want,
           10);
}

/* An independent reference for the maximal-subpart rule, built from the
 * encoder: prefix[p][x] says whether the p-byte string x (big-endian) is
 * a prefix of the encoding of some scalar value. */
typedef struct {
    uint8_t *prefix[4]; /* bitmaps for p = 1, 2, 3 */
} prefixes;

static int bit(const uint8_t *map, uint32_t x) { return map[x >> 3] >> (x & 7) & 1; }

static prefixes build_prefixes(void) {
    prefixes t;
    for (int p = 1; p <= 3; p++) t.prefix[p] = calloc((1u << (8 * p)) / 8 + 1, 1);
    for (uint32_t v = 0; v <= 0x10FFFF; v++) {
        if (v >= 0xD800 && v <= 0xDFFF) continue;
        char e[4];
        size_t k = aj_utf8_encode(v, e);
        uint32_t x = 0;
        for (size_t p = 1; p <= k && p <= 3; p++) {
            x = x << 8 | (uint8_t)e[p - 1];
            t.prefix[p][x >> 3] |= (uint8_t)(1u << (x & 7));
        }
    }
    return t;
}

/* The length a lead byte announces, 0 if it cannot lead. */
static size_t announced(uint8_t b) {
    if (b < 0x80) return 1;
    if (b >= 0xC2 && b <= 0xDF) return 2;
    if (b >= 0xE0 && b <= 0xEF) return 3;
    if (b >= 0xF0 && b <= 0xF4) return 4;
    return 0;
}

/* What the decoder should consume from s[0..n), n <= 4: the whole
 * sequence if it is well-formed (*valid = 1), else the longest prefix of
 * a well-formed sequence, at least one byte. */
static size_t reference_length(const prefixes *t, const uint8_t *s, size_t n,
                               int *valid) {
    size_t longest = 0;
    uint32_t x = 0;
    for (size_t p = 1; p <= n && p <= 3; p++) {
        x = x << 8 | s[p - 1];
        if (!bit(t->prefix[p], x)) break;
        longest = p;
    }
    size_t need = announced(s[0]);
    *valid = 1;
    if (need && longest == need) return need;
    if (need == 4 && longest == 3 && n == 4 && s[3] >= 0x80 && s[3] <= 0xBF)
        return 4;
    *valid = 0;
    return longest ? longest : 1;
}

/* A valid decode must re-encode to the bytes it consumed. */
static void check_value(const uint8_t *s, size_t m, uint32_t cp, int valid) {
    if (!valid) {
        cr_assert_eq(cp, AJ_UTF8_REPLACEMENT);
        return;
    }
    char e[4];
    cr_assert_eq(aj_utf8_encode(cp, e), m);
    cr_assert_eq(memcmp(e, s, m), 0);
}

/* Every 3-byte string, and random 4-byte ones, against the reference. */
Test(utf8, maximal_subparts_against_reference) {
    prefixes t = build_prefixes();
    for (uint32_t x = 0; x < (1u << 24); x++) {
        uint8_t s[3] = {(uint8_t)(x >> 16), (uint8_t)(x >> 8), (uint8_t)x};
        uint32_t cp;
        int valid;
        size_t m = aj_utf8_decode(s, 3, &cp);
        size_t want = reference_length(&t, s, 3, &valid);
        cr_assert_eq(m, want, "%06X: %zu bytes, want %zu", x, m, want);
        check_value(s, m, cp, valid);
    }
    uint64_t r = 88172645463325252ull;
    for (int i = 0; i < 2000000; i++) {
        r ^= r << 13;
        r ^= r >> 7;
        r ^= r << 17;
        /* Mostly F0..F4 leads with continuation-range bytes. */
        uint8_t s[4] = {(uint8_t)(0xF0 + (r & 7)), (uint8_t)(0x80 + (r >> 8 & 0x3F)),
                        (uint8_t)(r >> 16), (uint8_t)(r >> 24)};
        if (r >> 40 & 1) s[2] = (uint8_t)(0x80 | (s[2] & 0x3F));
        if (r >> 41 & 1) s[3] = (uint8_t)(0x80 | (s[3] & 0x3F));
        if (r >> 42 & 1) s[1] = (uint8_t)(r >> 48);
        uint32_t cp;
        int valid;
        size_t m = aj_utf8_decode(s, 4, &cp);
        size_t want = reference_length(&t, s, 4, &valid);
        cr_assert_eq(m, want, "%02X %02X %02X %02X: %zu, want %zu", s[0], s[1],
                     s[2], s[3], m, want);
        check_value(s, m, cp, valid);
    }
    for (int p = 1; p <= 3; p++) free(t.prefix[p]);
}

Test(utf8, encode_decode_round_trip_all_scalars) {
    for (uint32_t v = 0; v <= 0x10FFFF; v++) {
        if (v >= 0xD800 && v <= 0xDFFF) continue;
        char e[4];
        size_t k = aj_utf8_encode(v, e);
        cr_assert_eq(k, v < 0x80 ? 1u : v < 0x800 ? 2u : v < 0x10000 ? 3u : 4u);
        uint32_t cp;
        cr_assert_eq(aj_utf8_decode((const uint8_t *)e, k, &cp), k);
        cr_assert_eq(cp, v);
    }
}

Test(utf8, encode_replaces_non_scalars) {
    char e[4];
    uint32_t cp;
    cr_assert_eq(aj_utf8_encode(0xD800, e), 3);
    aj_utf8_decode((const uint8_t *)e, 3, &cp);
    cr_assert_eq(cp, FFFD);
    cr_assert_eq(aj_utf8_encode(0x110000, e), 3);
    aj_utf8_decode((const uint8_t *)e, 3, &cp);
    cr_assert_eq(cp, FFFD);
}
