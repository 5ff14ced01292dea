/*
 * test_docmap.c - reading a corpus document (src/build/docmap.c) while
 * another process changes it.
 *
 * The read hook (aj_docmap_set_read_hook) runs before each read(2) of a
 * document and truncates or extends the file at that moment, as a writer
 * racing the build would; the document must come out as the bytes that
 * were read, never a crash, with `changed` set, and a build must warn
 * (AJ_WARN_CHANGED) and leave an index that checks.  Both ways of reading
 * are covered: whole into memory, and a large file's copy in the build's
 * directory.
 */
#include "helpers.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "build/docmap.h"

typedef struct {
    const char *path;        /* the file to change */
    uint64_t at;             /* when this many bytes are read */
    off_t truncate_to;       /* -1: append instead */
    int opens;               /* readings of the file to let pass first */
    int seen;                /* readings begun (reads at byte 0) */
    int done;
} change;

static void on_read(void *arg, const char *path, uint64_t done) {
    change *c = arg;
    if (c->done || strcmp(path, c->path)) return;
    if (done == 0) c->seen++;
    if (c->seen <= c->opens || done < c->at) return;
    c->done = 1;
    if (c->truncate_to >= 0) {
        cr_assert_eq(truncate(path, c->truncate_to), 0);
    } else {
        int fd = open(path, O_WRONLY | O_APPEND);
        cr_assert(fd >= 0);
        cr_assert_eq(write(fd, "grown!", 6), 6);
        close(fd);
    }
}

/* A file of n bytes of text lines; its bytes in *data. */
static char *make_doc(const char *dir, const char *name, size_t n) {
    char *data = malloc(n);
    cr_assert(data);
    for (size_t i = 0; i < n; i++) data[i] = (i % 61 == 60) ? '\n' : (char)('a' + i % 23);
    th_write(dir, name, data, n);
    return data;
}

static void read_changed(size_t size, uint64_t at, off_t truncate_to, int spill) {
    char *dir = th_tmpdir();
    char *data = make_doc(dir, "doc.txt", size);
    char path[4200];
    snprintf(path, sizeof path, "%s/doc.txt", dir);
    change c = {path, at, truncate_to, 0, 0, 0};
    aj_docmap_set_read_hook(on_read, &c);
    aj_corpus_doc d = {.rel = "doc.txt"};
    int spill_fd = open(dir, O_RDONLY | O_DIRECTORY);
    aj_docmap_opts o = {NULL, spill_fd};
    aj_docmap m;
    aj_docmap_open(dir, &d, spill ? &o : NULL, &m);
    aj_docmap_set_read_hook(NULL, NULL);
    cr_assert(c.done, "the hook never ran");
    cr_assert(!m.skipped, "%s", m.why);
    cr_assert(m.changed, "a file changed while read is not flagged");
    uint64_t want = truncate_to >= 0 && (uint64_t)truncate_to < size
                        ? (truncate_to > (off_t)at ? (uint64_t)truncate_to : at)
                        : size;
    if (truncate_to >= 0) {
        /* what was read before the cut, and no more */
        cr_assert(m.size >= (uint64_t)truncate_to && m.size <= want, "size %llu",
                  (unsigned long long)m.size);
    } else {
        cr_assert_eq(m.size, size, "a grown file is read as it was opened");
    }
    cr_assert_eq(m.xxh3, XXH3_64bits(data, (size_t)m.size),
                 "the checksum is not that of the bytes read");
    if (spill) {
        cr_assert_eq(m.len, m.size);
        cr_assert(!memcmp(m.src, data, m.len), "the text is not the bytes read");
        cr_assert(strstr(m.changed_why, "changed while it was read"), "%s", m.changed_why);
    }
    aj_docmap_close(&m);
    close(spill_fd);
    free(data);
    th_rmtree(dir);
    free(dir);
}

Test(docmap, truncated_while_read_whole) {
    read_changed(200000, 0, 50000, 1);
}

Test(docmap, grown_while_read_whole) {
    read_changed(200000, 0, -1, 1);
}

Test(docmap, truncated_while_copied, .timeout = 120) {
    /* over AJ_READ_WHOLE: copied a MiB at a time; cut after 3 MiB */
    read_changed(AJ_READ_WHOLE + (3u << 20), 3u << 20, 3u << 20, 1);
}

Test(docmap, truncated_while_hashed_for_status, .timeout = 120) {
    read_changed(AJ_READ_WHOLE + (3u << 20), 2u << 20, 2u << 20, 0);
}

static int warned_changed;
static void on_warn(void *arg, int kind, const char *path, const char *why) {
    (void)arg;
    if (kind == AJ_WARN_CHANGED && !strcmp(path, "b.txt") &&
        strstr(why, "changed while it was read"))
        warned_changed++;
}

Test(docmap, a_build_warns_and_checks) {
    char *root = th_tmpdir();
    char corpus[4200], index[4200], path[4300];
    snprintf(corpus, sizeof corpus, "%s/corpus", root);
    snprintf(index, sizeof index, "%s/index", root);
    mkdir(corpus, 0755);
    th_write_str(corpus, "a.txt", "Zebras graze.\n\nThe okapi hides.\n");
    free(make_doc(corpus, "b.txt", 300000));
    snprintf(path, sizeof path, "%s/b.txt", corpus);
    /* the second reading of b.txt: the first is the sampling's for the
     * texts' dictionary, the second the indexing's */
    change c = {path, 0, 1000, 1, 0, 0};
    aj_docmap_set_read_hook(on_read, &c);
    aj_build_opts o = {.corpus_dir = corpus, .index_dir = index, .warn = on_warn, .threads = 2};
    aj_ctx ctx = {0};
    aj_build_stats st;
    warned_changed = 0;
    aj_err e = aj_build(&ctx, &o, &st);
    aj_docmap_set_read_hook(NULL, NULL);
    cr_assert_eq(e, AJ_OK, "%s", ctx.msg);
    cr_assert_eq(warned_changed, 1, "no AJ_WARN_CHANGED for b.txt");
    cr_assert_eq(st.warnings[AJ_WARN_CHANGED], 1);
    aj_index *ix;
    cr_assert_eq(aj_index_open(&ctx, index, &ix), AJ_OK, "%s", ctx.msg);
    cr_assert_eq(aj_index_check(&ctx, ix), AJ_OK, "%s", ctx.msg);
    aj_doc_info d;
    cr_assert_eq(aj_doc_get(&ctx, ix, 1, &d), AJ_OK);
    cr_assert_str_eq(d.path, "b.txt");
    cr_assert_eq(d.size, 1000, "b.txt recorded as %llu bytes, 1000 were read",
                 (unsigned long long)d.size);
    aj_index_close(ix);
    th_rmtree(root);
    free(root);
}
