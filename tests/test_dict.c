/* test_dict.c - term dictionary: exact look-ups, lower bounds, iteration
 * and prefix ranges straight from the mapped file. */
#include "helpers.h"

#include "format/dict.h"

typedef struct {
    char *dir;
    aj_mfile *f;
    aj_dict d;
    char **terms;
    uint64_t n;
} fixture;

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Builds a dictionary of n distinct random lowercase terms. */
static void make(fixture *fx, uint64_t n, uint64_t seed) {
    fx->dir = th_tmpdir();
    fx->terms = calloc(n + 1, sizeof *fx->terms);
    uint64_t s = seed, k = 0;
    while (k < n) {
        char buf[16];
        int len = 1 + (int)(th_rand(&s) % 10);
        for (int i = 0; i < len; i++) buf[i] = (char)('a' + th_rand(&s) % 6);
        buf[len] = 0;
        int dup = 0;
        for (uint64_t j = 0; j < k && !dup; j++) dup = !strcmp(fx->terms[j], buf);
        if (!dup) fx->terms[k++] = strdup(buf);
    }
    qsort(fx->terms, n, sizeof *fx->terms, cmp_str);
    fx->n = n;
    uint8_t *lens = malloc(n + 1);
    aj_term_info *infos = calloc(n + 1, sizeof *infos);
    for (uint64_t i = 0; i < n; i++) {
        lens[i] = (uint8_t)strlen(fx->terms[i]);
        infos[i].post_off = i * 3;
        infos[i].pos_off = i * 5;
        infos[i].df = (uint32_t)i + 1;
        infos[i].max_tf = 7;
        infos[i].min_len = 2;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/dict.aj", fx->dir);
    aj_ctx c = {0};
    aj_fwriter *w;
    cr_assert_eq(aj_fw_open(&c, path, AJ_KIND_DICT, &w), AJ_OK);
    cr_assert_eq(aj_dict_write(&c, w, AJ_DICT_TERMS, n,
                               (const char *const *)fx->terms, lens, infos),
                 AJ_OK, "%s", c.msg);
    cr_assert_eq(aj_dict_write(&c, w, AJ_DICT_WORDS, 0, NULL, NULL, NULL),
                 AJ_OK, "%s", c.msg);
    cr_assert_eq(aj_fw_close(&c, w, NULL), AJ_OK);
    int fd = open(fx->dir, O_RDONLY | O_DIRECTORY);
    cr_assert_eq(aj_mfile_open(&c, fd, "dict.aj", AJ_KIND_DICT, &fx->f), AJ_OK,
                 "%s", c.msg);
    close(fd);
    cr_assert_eq(aj_dict_open(&c, fx->f, AJ_DICT_TERMS, &fx->d), AJ_OK, "%s",
                 c.msg);
    free(lens);
    free(infos);
}

static void unmake(fixture *fx) {
    aj_mfile_close(fx->f);
    for (uint64_t i = 0; i < fx->n; i++) free(fx->terms[i]);
    free(fx->terms);
    th_rmtree(fx->dir);
    free(fx->dir);
}

Test(dict, exact_lookup_every_term) {
    uint64_t sizes[] = {1, 15, 16, 17, 33, 500};
    for (size_t t = 0; t < sizeof sizes / sizeof *sizes; t++) {
        fixture fx;
        make(&fx, sizes[t], 42 + t);
        cr_assert_eq(fx.d.nterms, sizes[t]);
        aj_ctx c = {0};
        for (uint64_t i = 0; i < fx.n; i++) {
            int64_t id;
            aj_term_info via_find;
            cr_assert_eq(aj_dict_find(&c, &fx.d, fx.terms[i],
                                      strlen(fx.terms[i]), &id, &via_find),
                         AJ_OK);
            cr_assert_eq(via_find.df, i + 1);
            cr_assert_eq(via_find.post_off, i * 3);
            cr_assert_eq(id, (int64_t)i, "term %s", fx.terms[i]);
            aj_term_info info;
            cr_assert_eq(aj_dict_info(&c, &fx.d, (uint64_t)id, &info), AJ_OK);
            cr_assert_eq(info.df, i + 1);
            cr_assert_eq(info.post_off, i * 3);
            cr_assert_eq(info.pos_off, i * 5);
        }
        unmake(&fx);
    }
}

Test(dict, absent_terms_and_lower_bound) {
    fixture fx;
    make(&fx, 300, 7);
    aj_ctx c = {0};
    /* Letters beyond 'f' never occur. */
    const char *absent[] = {"z", "g", "aaaaaaaaaaaz", "abcdefg", ""};
    for (size_t i = 0; i < sizeof absent / sizeof *absent; i++) {
        int64_t id;
        cr_assert_eq(aj_dict_find(&c, &fx.d, absent[i], strlen(absent[i]), &id, NULL),
                     AJ_OK);
        if (id >= 0) cr_assert_str_eq(fx.terms[id], absent[i]);
    }
    /* lower_bound agrees with a linear scan for many keys. */
    uint64_t s = 99;
    for (int k = 0; k < 2000; k++) {
        char key[16];
        int len = (int)(th_rand(&s) % 8);
        for (int i = 0; i < len; i++) key[i] = (char)('a' + th_rand(&s) % 7);
        key[len] = 0;
        uint64_t want = 0;
        while (want < fx.n && strcmp(fx.terms[want], key) < 0) want++;
        uint64_t got;
        cr_assert_eq(aj_dict_lower_bound(&c, &fx.d, key, (size_t)len, &got), AJ_OK);
        cr_assert_eq(got, want, "key '%s'", key);
    }
    unmake(&fx);
}

Test(dict, iteration_and_prefix_range) {
    fixture fx;
    make(&fx, 400, 3);
    aj_ctx c = {0};
    aj_dict_iter it;
    cr_assert_eq(aj_dict_iter_seek(&c, &fx.d, 0, &it), AJ_OK);
    for (uint64_t i = 0; i < fx.n; i++) {
        cr_assert_eq(it.id, i);
        cr_assert_str_eq(it.buf, fx.terms[i]);
        cr_assert_eq(aj_dict_iter_next(&c, &it), AJ_OK);
    }
    cr_assert_eq(it.id, fx.n);
    /* The terms starting with "ab" form one id range. */
    uint64_t first;
    cr_assert_eq(aj_dict_lower_bound(&c, &fx.d, "ab", 2, &first), AJ_OK);
    cr_assert_eq(aj_dict_iter_seek(&c, &fx.d, first, &it), AJ_OK);
    uint64_t n = 0;
    while (it.id < fx.n && strncmp(it.buf, "ab", 2) == 0) {
        n++;
        aj_dict_iter_next(&c, &it);
    }
    uint64_t want = 0;
    for (uint64_t i = 0; i < fx.n; i++) want += strncmp(fx.terms[i], "ab", 2) == 0;
    cr_assert_eq(n, want);
    cr_assert_gt(want, 0);
    unmake(&fx);
}
