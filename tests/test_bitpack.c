/* test_bitpack.c - bit packing: every width and block size, the pinned
 * byte layout, exact-size buffers (so ASan sees any over-read), and a
 * property test against a bit-by-bit reference decoder. */
#include "helpers.h"

#include "bitpack.h"

/* The layout, one bit at a time: value i is bits [i*w, (i+1)*w). */
static uint32_t ref_get(const uint8_t *p, size_t i, unsigned w) {
    uint32_t v = 0;
    for (unsigned k = 0; k < w; k++) {
        size_t bit = i * w + k;
        v |= (uint32_t)((p[bit / 8] >> (bit % 8)) & 1) << k;
    }
    return v;
}

static void round_trip(const uint32_t *in, size_t n, unsigned w) {
    size_t nb = aj_bitpack_bytes(n, w);
    uint8_t *buf = malloc(nb ? nb : 1);
    cr_assert_eq(aj_bitpack_encode(in, n, w, buf), nb, "n=%zu w=%u", n, w);
    if (nb && (n * w) % 8)
        cr_assert_eq(buf[nb - 1] >> ((n * w) % 8), 0, "unused high bits are 0");
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(ref_get(buf, i, w), in[i], "layout n=%zu w=%u i=%zu", n, w, i);
    /* Decode from a copy allocated to exactly nb bytes. */
    uint8_t *exact = malloc(nb ? nb : 1);
    memcpy(exact, buf, nb);
    uint32_t out[AJ_BLOCK];
    aj_bitpack_decode(exact, n, w, out);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(out[i], in[i], "decode n=%zu w=%u i=%zu", n, w, i);
    free(buf);
    free(exact);
}

Test(bitpack, every_width_and_size) {
    size_t sizes[] = {0, 1, 2, 7, 8, 31, 32, 33, 63, 64, 65, 127, 128};
    uint64_t s = 1;
    for (unsigned w = 0; w <= 32; w++)
        for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
            size_t n = sizes[k];
            uint32_t in[AJ_BLOCK];
            uint32_t mask = w == 32 ? 0xFFFFFFFFu : (1u << w) - 1;
            for (size_t i = 0; i < n; i++) in[i] = (uint32_t)th_rand(&s) & mask;
            if (n && w) in[n / 2] |= w == 32 ? 0x80000000u : 1u << (w - 1);
            round_trip(in, n, w);
            if (n) cr_assert_eq(aj_bitpack_width(in, n), w, "width n=%zu w=%u", n, w);
            for (size_t i = 0; i < n; i++) in[i] = mask;
            round_trip(in, n, w);
            for (size_t i = 0; i < n; i++) in[i] = 0;
            round_trip(in, n, w);
        }
}

Test(bitpack, pinned_layout) {
    /* 1, 2, 3 at width 2: bits 01 10 11 -> 0b00111001 */
    uint32_t in[] = {1, 2, 3};
    uint8_t out[1];
    cr_assert_eq(aj_bitpack_encode(in, 3, 2, out), 1);
    cr_assert_eq(out[0], 0x39);
    /* width 8 is plain bytes, width 16 little-endian u16 */
    uint32_t b[] = {0xAB, 0x01};
    uint8_t o8[2], o16[4];
    aj_bitpack_encode(b, 2, 8, o8);
    cr_assert(o8[0] == 0xAB && o8[1] == 0x01);
    uint32_t h[] = {0x1234, 0xBEEF};
    aj_bitpack_encode(h, 2, 16, o16);
    cr_assert(o16[0] == 0x34 && o16[1] == 0x12 && o16[2] == 0xEF && o16[3] == 0xBE);
    /* width 0 writes nothing and decodes zeros */
    uint32_t z[4] = {7, 7, 7, 7};
    cr_assert_eq(aj_bitpack_encode(z, 4, 0, out), 0);
    aj_bitpack_decode(out, 4, 0, z);
    cr_assert(z[0] == 0 && z[3] == 0);
}

Test(bitpack, width_edges) {
    uint32_t v[3] = {0, 0, 0};
    cr_assert_eq(aj_bitpack_width(v, 3), 0);
    cr_assert_eq(aj_bitpack_width(v, 0), 0);
    v[1] = 1;
    cr_assert_eq(aj_bitpack_width(v, 3), 1);
    v[2] = 255;
    cr_assert_eq(aj_bitpack_width(v, 3), 8);
    v[0] = 256;
    cr_assert_eq(aj_bitpack_width(v, 3), 9);
    v[0] = 0xFFFFFFFFu;
    cr_assert_eq(aj_bitpack_width(v, 3), 32);
}

Test(bitpack, delta_round_trip) {
    uint32_t v[6] = {5, 5, 9, 100, 100000, 0xFFFFFFF0u};
    uint32_t w[6];
    memcpy(w, v, sizeof v);
    aj_delta_encode(w, 6, 3);
    cr_assert_eq(w[0], 2);
    cr_assert_eq(w[1], 0);
    cr_assert_eq(w[2], 4);
    aj_delta_decode(w, 6, 3);
    cr_assert_arr_eq(w, v, sizeof v);
    /* wrap-around is defined, modulo 2^32 */
    uint32_t x[2] = {0xFFFFFFFFu, 2};
    aj_delta_decode(x, 2, 1);
    cr_assert_eq(x[0], 0);
    cr_assert_eq(x[1], 2);
}

Test(bitpack, random_property) {
    uint64_t s = 99;
    for (int t = 0; t < 5000; t++) {
        size_t n = (size_t)(th_rand(&s) % (AJ_BLOCK + 1));
        unsigned w = (unsigned)(th_rand(&s) % 33);
        uint32_t in[AJ_BLOCK];
        uint32_t mask = w == 32 ? 0xFFFFFFFFu : (1u << w) - 1;
        for (size_t i = 0; i < n; i++) in[i] = (uint32_t)th_rand(&s) & mask;
        round_trip(in, n, w);
    }
}
