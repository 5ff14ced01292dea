/* test_file.c - the index file container: round trip, and detection of
 * truncation, flipped bytes, foreign files and other versions. */
#include "helpers.h"

#include "common/bytes.h"
#include "format/file.h"

/* Writes a file of `n` payload bytes (a counter pattern) with two
 * sections, and returns its directory. */
static char *make_file(size_t n) {
    char *dir = th_tmpdir();
    char path[4096];
    snprintf(path, sizeof path, "%s/f.aj", dir);
    aj_ctx c = {0};
    aj_fwriter *w;
    cr_assert_eq(aj_fw_open(&c, path, AJ_KIND_POST, &w), AJ_OK, "%s", c.msg);
    uint8_t buf[1000];
    size_t done = 0;
    while (done < n) {
        size_t k = n - done < sizeof buf ? n - done : sizeof buf;
        for (size_t i = 0; i < k; i++) buf[i] = (uint8_t)((done + i) * 7);
        cr_assert_eq(aj_fw_write(&c, w, buf, k), AJ_OK);
        done += k;
    }
    cr_assert_eq(aj_fw_section(&c, w, 1, 0, n / 2), AJ_OK);
    cr_assert_eq(aj_fw_section(&c, w, 2, n / 2, n - n / 2), AJ_OK);
    uint64_t size;
    cr_assert_eq(aj_fw_close(&c, w, &size), AJ_OK, "%s", c.msg);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq((uint64_t)st.st_size, size);
    return dir;
}

static aj_err open_file(const char *dir, aj_ctx *c, aj_mfile **f) {
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    cr_assert(fd >= 0);
    aj_err e = aj_mfile_open(c, fd, "f.aj", AJ_KIND_POST, f);
    close(fd);
    return e;
}

Test(file, round_trip_sizes) {
    size_t sizes[] = {0, 1, 65535, 65536, 65537, 200000};
    for (size_t t = 0; t < sizeof sizes / sizeof *sizes; t++) {
        size_t n = sizes[t];
        char *dir = make_file(n);
        aj_ctx c = {0};
        aj_mfile *f;
        cr_assert_eq(open_file(dir, &c, &f), AJ_OK, "size %zu: %s", n, c.msg);
        cr_assert_geq(aj_mfile_payload_len(f), n);
        const uint8_t *p;
        cr_assert_eq(aj_mfile_get(&c, f, 0, n, &p), AJ_OK, "%s", c.msg);
        for (size_t i = 0; i < n; i++)
            cr_assert_eq(p[i], (uint8_t)(i * 7), "byte %zu", i);
        uint64_t off, len;
        cr_assert_eq(aj_mfile_section(&c, f, 2, &off, &len), AJ_OK);
        cr_assert_eq(off, n / 2);
        cr_assert_eq(len, n - n / 2);
        cr_assert_eq(aj_mfile_section(&c, f, 3, &off, &len), AJ_ECORRUPT);
        aj_ctx c2 = {0};
        cr_assert_eq(aj_mfile_get(&c2, f, aj_mfile_payload_len(f), 1, &p),
                     AJ_ECORRUPT, "a read past the end must fail");
        aj_ctx c3 = {0};
        cr_assert_eq(aj_mfile_verify_all(&c3, f), AJ_OK, "%s", c3.msg);
        aj_mfile_close(f);
        th_rmtree(dir);
        free(dir);
    }
}

Test(file, truncation_detected_at_open) {
    char *dir = make_file(150000);
    char path[4096];
    snprintf(path, sizeof path, "%s/f.aj", dir);
    struct stat st;
    stat(path, &st);
    off_t cuts[] = {0, 1, 63, 64, 1000, 65600, st.st_size - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++) {
        cr_assert_eq(truncate(path, cuts[i]), 0);
        aj_ctx c = {0};
        aj_mfile *f = NULL;
        aj_err e = open_file(dir, &c, &f);
        cr_assert(e == AJ_ECORRUPT || e == AJ_EVERSION,
                  "cut at %lld not detected (%d)", (long long)cuts[i], e);
        cr_assert(strstr(c.msg, "f.aj") != NULL, "message names the file: %s",
                  c.msg);
    }
    th_rmtree(dir);
    free(dir);
}

static void flip(const char *path, off_t at) {
    int fd = open(path, O_RDWR);
    uint8_t b;
    cr_assert_eq(pread(fd, &b, 1, at), 1);
    b ^= 0x10;
    cr_assert_eq(pwrite(fd, &b, 1, at), 1);
    close(fd);
}

Test(file, flipped_payload_byte_detected_on_touch) {
    char *dir = make_file(200000);
    char path[4096];
    snprintf(path, sizeof path, "%s/f.aj", dir);
    flip(path, AJ_HEADER_BYTES + 70000); /* page 1 */
    aj_ctx c = {0};
    aj_mfile *f;
    cr_assert_eq(open_file(dir, &c, &f), AJ_OK, "%s", c.msg);
    const uint8_t *p;
    /* Page 0 is intact and readable. */
    cr_assert_eq(aj_mfile_get(&c, f, 10, 100, &p), AJ_OK);
    /* Page 1 fails, naming the page. */
    cr_assert_eq(aj_mfile_get(&c, f, 69000, 2000, &p), AJ_ECORRUPT);
    cr_assert(strstr(c.msg, "page 1") != NULL, "%s", c.msg);
    /* With verification off the decoders can be reached (fuzzing). */
    aj_mfile_set_verify(f, 0);
    aj_ctx c2 = {0};
    cr_assert_eq(aj_mfile_get(&c2, f, 69000, 2000, &p), AJ_OK);
    aj_mfile_close(f);
    th_rmtree(dir);
    free(dir);
}

Test(file, header_damage_and_versions) {
    char *dir = make_file(1000);
    char path[4096];
    snprintf(path, sizeof path, "%s/f.aj", dir);
    /* Another format version: clear message, AJ_EVERSION. */
    int fd = open(path, O_RDWR);
    uint8_t v[4];
    aj_put_u32le(v, AJ_FORMAT_VERSION + 1);
    cr_assert_eq(pwrite(fd, v, 4, 8), 4);
    close(fd);
    aj_ctx c = {0};
    aj_mfile *f;
    cr_assert_eq(open_file(dir, &c, &f), AJ_EVERSION);
    cr_assert(strstr(c.msg, "version") != NULL, "%s", c.msg);
    /* Every other header byte flipped is caught. */
    for (off_t at = 12; at < AJ_HEADER_BYTES; at++) {
        th_rmtree(dir);
        free(dir);
        dir = make_file(1000);
        snprintf(path, sizeof path, "%s/f.aj", dir);
        flip(path, at);
        aj_ctx c2 = {0};
        aj_mfile *g = NULL;
        aj_err e = open_file(dir, &c2, &g);
        cr_assert(e == AJ_ECORRUPT || e == AJ_EVERSION,
                  "flip at header byte %lld not detected", (long long)at);
    }
    /* A file from another program. */
    th_write_str(dir, "f.aj", "this is not an index file at all, sorry....."
                              "........................................");
    aj_ctx c3 = {0};
    cr_assert_eq(open_file(dir, &c3, &f), AJ_EVERSION);
    th_rmtree(dir);
    free(dir);
}
