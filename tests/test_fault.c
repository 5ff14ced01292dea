/* test_fault.c - builds that fail part-way: a full disk (ENOSPC) or an I/O
 * error at every single write, sync, rename and create of a build, short
 * writes everywhere, SIGKILL at every operation, and a cancel (what
 * SIGINT does) at every operation.  Each time the index that was there
 * must keep giving exactly its answers, the temporary files of the failed
 * build must be gone (removed by the failed or canceled build itself, or
 * for a killed one by the next build, after check has reported them), and
 * the next build must succeed.
 *
 * Figures (2026-12-06): a build of this corpus makes 306 hooked
 * operations; ENOSPC and EIO are each injected at every one but the last
 * (610 failed builds), SIGKILL and the cancel at every one (306 builds
 * each); the old index answered the same every time.  A corpus of random
 * words, whose hand-overs go to runs of their own, makes 264,558: 60 of
 * them fail in turn (fault::straight_runs_fail_cleanly). */
#include "helpers.h"

#include "build/build.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/wait.h>

#include "ajsearch.h"
#include "common/io.h"

static const char *const OLD_DOCS[][2] = {
    {"a.txt", "Maritime security and the safety of navigation.\n\n"
              "1. Leaders welcomed cooperation on disaster relief.\n"},
    {"b.md", "# Trade\n\nASEAN and Japan expanded trade and investment.\n"},
};
static const char *const NEW_DOCS[][2] = {
    {"c.txt", "A new document about fisheries, maritime law and the sea.\n\n"
              "Another paragraph on cybersecurity cooperation.\n\n"
              "A third paragraph: people-to-people exchanges.\n"},
    {"d.txt", "The lord of the harvest and the people of the islands.\n"},
};
static const char *const QUERIES[] = {"maritime", "japan trade", "sea OR trade",
                                      "\"safety of navigation\"", "coop*",
                                      "maritime NOT law", "people"};

typedef struct {
    char *root, corpus[4200], index[4200];
} tree;

/* Everything the index answers, as one string. */
static char *answers(const char *dir, aj_ctx *c) {
    aj_index *ix;
    if (aj_index_open(c, dir, &ix)) return NULL;
    aj_searcher *s;
    cr_assert_eq(aj_searcher_new(c, ix, &s), AJ_OK);
    size_t cap = 1 << 21, n = 0;
    char *out = malloc(cap);
    out[0] = 0;
#define ADD(...) n += (size_t)snprintf(out + n, cap - n, __VA_ARGS__)
    aj_search_opts o;
    aj_search_opts_init(&o);
    for (size_t q = 0; q < sizeof QUERIES / sizeof *QUERIES; q++) {
        const aj_results *r;
        cr_assert_eq(aj_search(c, s, QUERIES[q], strlen(QUERIES[q]), &o, &r), AJ_OK,
                     "%s", c->msg);
        ADD("%s: %llu", QUERIES[q], (unsigned long long)r->total);
        for (size_t i = 0; i < r->nhits; i++)
            ADD(" %u/%.9g", r->hits[i].id, r->hits[i].score);
        ADD("\n");
    }
    aj_index_stats st;
    aj_index_stats_get(ix, &st);
    for (uint32_t p = 0; p < st.nparas; p++) {
        char *text;
        size_t len;
        cr_assert_eq(aj_para_text(c, ix, p, &text, &len), AJ_OK, "%s", c->msg);
        ADD("%u %.*s\n", p, (int)len, text);
        free(text);
    }
#undef ADD
    cr_assert_lt(n, cap);
    cr_assert_eq(aj_index_check(c, ix), AJ_OK, "%s", c->msg);
    aj_searcher_free(s);
    aj_index_close(ix);
    return out;
}

/* The shard size of the builds (0: the default, which leaves this small
 * corpus unsharded); a test of the sharded, incremental builds sets it
 * small enough that every document is a shard of its own. */
static uint64_t shard_bytes;

static aj_err build(const tree *t, aj_ctx *c) {
    /* A tiny memory budget makes the build spill runs, so run files are
     * written, read back and removed as they would be on a big corpus. */
    aj_build_opts o = {.corpus_dir = t->corpus, .index_dir = t->index,
                       .threads = 2, .memory = 1024, .shard_bytes = shard_bytes};
    return aj_build(c, &o, NULL);
}

static tree make(void) {
    tree t;
    t.root = th_tmpdir();
    snprintf(t.corpus, sizeof t.corpus, "%s/corpus", t.root);
    snprintf(t.index, sizeof t.index, "%s/index", t.root);
    mkdir(t.corpus, 0755);
    for (size_t i = 0; i < 2; i++) th_write_str(t.corpus, OLD_DOCS[i][0], OLD_DOCS[i][1]);
    aj_ctx c = {0};
    cr_assert_eq(build(&t, &c), AJ_OK, "%s", c.msg);
    /* The corpus changes: the next builds would make a different index. */
    for (size_t i = 0; i < 2; i++) th_write_str(t.corpus, NEW_DOCS[i][0], NEW_DOCS[i][1]);
    return t;
}

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The index directory's entries, sorted, one string: what a failed build
 * may have added (temporary files, build directories, a stray CURRENT.pid
 * link, a generation that never became current) shows as a difference. */
static void listing(const tree *t, char *out, size_t cap) {
    DIR *d = opendir(t->index);
    cr_assert_not_null(d);
    char *names[64];
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && n < 64)
            names[n++] = strdup(de->d_name);
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    out[0] = 0;
    for (size_t i = 0; i < n; i++) {
        strncat(out, names[i], cap - strlen(out) - 2);
        strncat(out, " ", cap - strlen(out) - 1);
        free(names[i]);
    }
}

/* After a build that succeeded: the lock, CURRENT, the generation it names
 * and at most the one before it (kept for readers), nothing else. */
static void assert_clean(const tree *t) {
    char all[2048], target[256];
    listing(t, all, sizeof all);
    cr_assert_gt(th_current(t->index, target, sizeof target), 0);
    int gens = 0;
    for (char *s = strtok(all, " "); s; s = strtok(NULL, " ")) {
        if (!strncmp(s, "gen-", 4)) {
            gens++;
            continue;
        }
        cr_assert(!strcmp(s, "LOCK") || !strcmp(s, "CURRENT"), "left behind: %s", s);
    }
    cr_assert(gens >= 1 && gens <= 2, "%d generations", gens);
}

/* ---- hooks ---- */

typedef struct {
    long count;      /* operations seen */
    long fail_at;    /* 1-based operation to fail (0: none) */
    int err;         /* errno to fail with */
    int kill;        /* raise SIGKILL instead of failing */
    int shorten;     /* let writes through a third at a time */
    aj_io_op failed_op;
} plan;

static long hook(void *arg, aj_io_op op, size_t n) {
    plan *p = arg;
    long k = __atomic_add_fetch(&p->count, 1, __ATOMIC_SEQ_CST);
    if (k == p->fail_at) {
        p->failed_op = op;
        if (p->kill) raise(SIGKILL);
        return -p->err;
    }
    if (p->shorten && op == AJ_IO_WRITE && n > 1) return (long)(n / 3 ? n / 3 : 1);
    return 0;
}

static long count_ops(const tree *t, char **new_answers) {
    /* Build into a scratch copy of the index directory's role: a fresh
     * directory, so counting does not switch the real one. */
    tree scratch = *t;
    snprintf(scratch.index, sizeof scratch.index, "%s/count-index", t->root);
    if (shard_bytes) {
        /* an incremental build needs the index in place: a copy of it */
        char cmd[9000];
        snprintf(cmd, sizeof cmd, "cp -a '%s' '%s'", t->index, scratch.index);
        cr_assert_eq(system(cmd), 0);
    }
    plan p = {0};
    aj_ctx c = {0};
    aj_err e;
    if (!shard_bytes) {
        /* A first build creates the directory and has no old generation
         * to keep, so it can differ by a few operations; count a second
         * one.  (An incremental build is counted on the copy: a second
         * one would index nothing.) */
        aj_io_set_hook(hook, &p);
        e = build(&scratch, &c);
        aj_io_set_hook(NULL, NULL);
        cr_assert_eq(e, AJ_OK, "%s", c.msg);
    }
    p.count = 0;
    aj_io_set_hook(hook, &p);
    e = build(&scratch, &c);
    aj_io_set_hook(NULL, NULL);
    cr_assert_eq(e, AJ_OK, "%s", c.msg);
    *new_answers = answers(scratch.index, &c);
    return p.count;
}

static const char *const ERRNO_NAMES[] = {"No space left on device",
                                          "Input/output error"};

static void every_operation(void);

Test(fault, every_operation_fails_cleanly, .timeout = 600) { every_operation(); }

/* The same of an incremental build: the index in place is sharded, and the
 * build links its two unchanged shards and indexes the two new ones. */
Test(fault, incremental_every_operation_fails_cleanly, .timeout = 600) {
    shard_bytes = 16;
    every_operation();
}

static void every_operation(void) {
    tree t = make();
    aj_ctx c = {0};
    char *old = answers(t.index, &c);
    cr_assert_not_null(old, "%s", c.msg);
    char *new;
    long total = count_ops(&t, &new);
    cr_assert_gt(total, 20, "a build does a fair number of operations");
    long tried = 0;
    char before[2048];
    listing(&t, before, sizeof before);
    for (int which = 0; which < 2; which++) {
        int err = which ? EIO : ENOSPC;
        /* The last operation syncs the directory after the switch; its
         * failure is not reported (see gen.c), so stop before it. */
        for (long n = 1; n < total; n++) {
            plan p = {.fail_at = n, .err = err};
            aj_ctx bc = {0};
            aj_io_set_hook(hook, &p);
            aj_err e = build(&t, &bc);
            aj_io_set_hook(NULL, NULL);
            tried++;
            cr_assert_eq(e, AJ_EIO, "operation %ld of %ld (kind %d): %d %s", n, total,
                         p.failed_op, e, bc.msg);
            cr_assert(strstr(bc.msg, ERRNO_NAMES[which]) != NULL,
                      "operation %ld: message gives the reason: %s", n, bc.msg);
            cr_assert(strstr(bc.msg, t.root) != NULL,
                      "operation %ld: message names the file: %s", n, bc.msg);
            char after[2048];
            listing(&t, after, sizeof after);
            cr_assert_str_eq(after, before, "operation %ld (kind %d): the directory changed",
                             n, p.failed_op);
            aj_ctx ac = {0};
            char *now = answers(t.index, &ac);
            cr_assert_not_null(now, "operation %ld: old index unusable: %s", n, ac.msg);
            cr_assert_str_eq(now, old, "operation %ld: answers changed", n);
            free(now);
        }
    }
    /* And then a build that works switches to the new corpus. */
    cr_assert_eq(build(&t, &c), AJ_OK, "%s", c.msg);
    char *fresh = answers(t.index, &c);
    cr_assert_str_eq(fresh, new);
    free(new);
    cr_log_info("fault: %ld operations per build, %ld failed builds (ENOSPC and EIO at "
                "each), old index intact every time", total, tried);
    free(fresh);
    free(old);
    th_rmtree(t.root);
    free(t.root);
}

static char *slurp_gen(const char *index, const char *file, size_t *n) {
    char target[256], path[4600];
    cr_assert_gt(th_current(index, target, sizeof target), 0);
    snprintf(path, sizeof path, "%s/%s/%s", index, target, file);
    return th_read(path, n);
}

Test(fault, short_writes_give_the_same_files) {
    tree t = make();
    aj_ctx c = {0};
    tree a = t, b = t;
    snprintf(a.index, sizeof a.index, "%s/plain", t.root);
    snprintf(b.index, sizeof b.index, "%s/short", t.root);
    cr_assert_eq(build(&a, &c), AJ_OK, "%s", c.msg);
    plan p = {.shorten = 1};
    aj_io_set_hook(hook, &p);
    aj_err e = build(&b, &c);
    aj_io_set_hook(NULL, NULL);
    cr_assert_eq(e, AJ_OK, "%s", c.msg);
    static const char *const files[] = {"meta.aj", "dict.aj", "post.aj", "posn.aj",
                                        "stor.aj"};
    for (size_t i = 0; i < 5; i++) {
        size_t n1, n2;
        char *x = slurp_gen(a.index, files[i], &n1), *y = slurp_gen(b.index, files[i], &n2);
        cr_assert(x && y && n1 == n2 && !memcmp(x, y, n1), "%s differs", files[i]);
        free(x);
        free(y);
    }
    th_rmtree(t.root);
    free(t.root);
}

/* What aj_index_leftovers reports, as "name:kind " strings in order. */
typedef struct {
    char names[1024];
    int kinds[3], running;
} left;

static void on_left(void *arg, const aj_leftover *l) {
    left *x = arg;
    char one[96];
    snprintf(one, sizeof one, "%s:%d ", l->name, l->kind);
    strncat(x->names, one, sizeof x->names - strlen(x->names) - 1);
    x->kinds[l->kind]++;
    x->running += l->running;
    if (l->kind == AJ_LEFTOVER_BUILD)
        cr_assert_eq(l->pid, strtol(l->name + strlen(".build-"), NULL, 10));
    else if (l->kind == AJ_LEFTOVER_CURRENT)
        cr_assert_eq(l->pid, strtol(l->name + strlen("CURRENT."), NULL, 10));
}

/* The same, worked out from the directory's listing: build directories,
 * CURRENT.<pid> files, generations newer than CURRENT's. */
static void expected_leftovers(const tree *t, char *out, size_t cap) {
    char all[2048], cur[256] = "";
    listing(t, all, sizeof all);
    if (th_current(t->index, cur, sizeof cur) < 0) cur[0] = 0;
    out[0] = 0;
    for (char *s = strtok(all, " "); s; s = strtok(NULL, " ")) {
        int kind = !strncmp(s, ".build-", 7) ? AJ_LEFTOVER_BUILD
                   : !strncmp(s, "CURRENT.", 8) ? AJ_LEFTOVER_CURRENT
                   : !strncmp(s, "gen-", 4) && (!cur[0] || strcmp(s, cur) > 0) ? AJ_LEFTOVER_GEN
                   : -1;
        if (kind < 0) continue;
        char one[96];
        snprintf(one, sizeof one, "%s:%d ", s, kind);
        strncat(out, one, cap - strlen(out) - 1);
    }
}

static void killed_at_every(void);

Test(fault, killed_at_every_operation, .timeout = 600) { killed_at_every(); }

/* The same of an incremental build (a sharded index in place). */
Test(fault, incremental_killed_at_every_operation, .timeout = 600) {
    shard_bytes = 16;
    killed_at_every();
}

static void killed_at_every(void) {
    tree t = make();
    aj_ctx c = {0};
    char *old = answers(t.index, &c);
    char *new;
    long total = count_ops(&t, &new);
    long survived = 0, after_switch = 0, kinds[3] = {0};
    for (long n = 1; n <= total; n++) {
        pid_t pid = fork();
        cr_assert_geq(pid, 0);
        if (pid == 0) {
            plan p = {.fail_at = n, .kill = 1};
            aj_io_set_hook(hook, &p);
            aj_ctx bc = {0};
            build(&t, &bc);
            _exit(0); /* the last operations (after the switch) may not kill */
        }
        int status;
        cr_assert_eq(waitpid(pid, &status, 0), pid);
        aj_ctx ac = {0};
        char *now = answers(t.index, &ac);
        cr_assert_not_null(now, "killed at %ld: index unusable: %s", n, ac.msg);
        cr_assert(WIFSIGNALED(status), "operation %ld of %ld was reached", n, total);
        /* What the killed build left is what check reports, each as the
         * leftover of a process that is gone. */
        left got = {{0}, {0}, 0};
        char want[1024];
        cr_assert_eq(aj_index_leftovers(&ac, t.index, on_left, &got), AJ_OK, "%s", ac.msg);
        expected_leftovers(&t, want, sizeof want);
        cr_assert_str_eq(got.names, want, "killed at %ld", n);
        cr_assert_eq(got.running, 0, "killed at %ld: a dead build reported running", n);
        for (int k = 0; k < 3; k++) kinds[k] += got.kinds[k] > 0;
        if (strcmp(now, old)) {
            /* Only a kill after CURRENT was switched may show the new
             * index, and then it must be the whole new index. */
            cr_assert_str_eq(now, new, "killed at operation %ld of %ld: answers changed", n,
                             total);
            after_switch++;
        } else {
            survived++;
        }
        free(now);
    }
    cr_assert_leq(after_switch, 1, "only the final directory sync follows the switch");
    /* A build directory (most kills), a generation renamed but not
     * switched in, a CURRENT.<pid> link not yet renamed over CURRENT. */
    cr_assert(kinds[AJ_LEFTOVER_BUILD] && kinds[AJ_LEFTOVER_GEN] && kinds[AJ_LEFTOVER_CURRENT],
              "leftovers of each kind: %ld %ld %ld", kinds[0], kinds[1], kinds[2]);
    /* The next build cleans up what the killed ones left and succeeds. */
    cr_assert_eq(build(&t, &c), AJ_OK, "%s", c.msg);
    assert_clean(&t);
    char *fresh = answers(t.index, &c);
    cr_assert_str_eq(fresh, new);
    free(new);
    cr_log_info("fault: killed a build at each of its %ld operations; old index intact "
                "each time", total);
    free(fresh);
    free(old);
    th_rmtree(t.root);
    free(t.root);
}

/* ---- canceled builds ---- */

/* Sets the build's cancel flag at operation `at`, as a signal handler
 * would at that moment. */
typedef struct {
    long count, at;
    volatile sig_atomic_t *flag;
} cancel_plan;

static long cancel_hook(void *arg, aj_io_op op, size_t n) {
    (void)op;
    (void)n;
    cancel_plan *p = arg;
    if (__atomic_add_fetch(&p->count, 1, __ATOMIC_SEQ_CST) == p->at) *p->flag = SIGINT;
    return 0;
}

static aj_err build_cancelable(const tree *t, aj_ctx *c, volatile sig_atomic_t *flag) {
    aj_build_opts o = {.corpus_dir = t->corpus, .index_dir = t->index,
                       .threads = 2, .memory = 1024, .cancel = flag,
                       .shard_bytes = shard_bytes};
    return aj_build(c, &o, NULL);
}

static void canceled_at_every(void);

Test(fault, canceled_at_every_operation, .timeout = 600) { canceled_at_every(); }

/* The same of an incremental build (a sharded index in place). */
Test(fault, incremental_canceled_at_every_operation, .timeout = 600) {
    shard_bytes = 16;
    canceled_at_every();
}

static void canceled_at_every(void) {
    tree t = make();
    aj_ctx c = {0};
    char *old = answers(t.index, &c);
    char *new;
    long total = count_ops(&t, &new);
    char before[2048], after[2048];
    /* Asked to stop before it starts: nothing is written. */
    volatile sig_atomic_t flag = SIGTERM;
    listing(&t, before, sizeof before);
    cr_assert_eq(build_cancelable(&t, &c, &flag), AJ_ECANCELED, "%s", c.msg);
    cr_assert(strstr(c.msg, "stopped before writing anything; the index there is "
                            "unchanged (gen-") != NULL, "%s", c.msg);
    listing(&t, after, sizeof after);
    cr_assert_str_eq(after, before);
    /* Asked at each operation: the build stops, removes what it wrote and
     * leaves the old index as it was; asked once the switch has begun, it
     * completes (and so do the builds asked later still). */
    long canceled = 0, completed = 0;
    for (long n = 1; n <= total; n++) {
        flag = 0;
        cancel_plan p = {.at = n, .flag = &flag};
        aj_ctx bc = {0};
        listing(&t, before, sizeof before);
        aj_io_set_hook(cancel_hook, &p);
        aj_err e = build_cancelable(&t, &bc, &flag);
        aj_io_set_hook(NULL, NULL);
        cr_assert_eq(flag, SIGINT, "operation %ld of %ld was reached", n, total);
        aj_ctx ac = {0};
        char *now = answers(t.index, &ac);
        cr_assert_not_null(now, "canceled at %ld: index unusable: %s", n, ac.msg);
        if (e == AJ_OK) {
            completed++;
            cr_assert_str_eq(now, new, "completed at %ld", n);
            /* an incremental build after this one reuses every shard, and
             * has fewer operations: the later ones are the switch too */
            if (shard_bytes) {
                free(now);
                break;
            }
        } else {
            cr_assert_eq(e, AJ_ECANCELED, "operation %ld: %s", n, bc.msg);
            cr_assert_eq(completed, 0, "operation %ld: canceled after a later one completed", n);
            canceled++;
            cr_assert(strstr(bc.msg, "removed the unfinished build ") != NULL &&
                          strstr(bc.msg, t.index) != NULL && strstr(bc.msg, "/.build-") &&
                          strstr(bc.msg, "; the index there is unchanged (gen-") != NULL,
                      "operation %ld: %s", n, bc.msg);
            listing(&t, after, sizeof after);
            cr_assert_str_eq(after, before, "operation %ld: the directory changed", n);
            cr_assert_str_eq(now, old, "operation %ld: answers changed", n);
        }
        free(now);
    }
    /* The switch: fsync, the generation's rename, CURRENT.PID's create,
     * write and fsync, its rename over CURRENT and the directory's fsync. */
    cr_assert_leq(completed, 7, "%ld of %ld operations too late to cancel", completed, total);
    assert_clean(&t);
    cr_log_info("fault: canceled a build at each of its %ld operations: %ld stopped and "
                "left the old index as it was, %ld (the switch) completed",
                total, canceled, completed);
    free(new);
    free(old);
    th_rmtree(t.root);
    free(t.root);
}

/* ---- runs written straight from a worker's hand-over ---- */

/* Writes a document of random words (and a few of the queries' words):
 * a vocabulary that never repeats, whose hand-overs the coordinator
 * writes to runs of their own (build.c, absorb_export). */
static void random_doc(const char *dir, const char *name, uint64_t seed) {
    static const char *const known[] = {"maritime", "japan", "trade", "sea", "people"};
    size_t cap = 1u << 20, n = 0;
    char *buf = malloc(cap);
    cr_assert(buf);
    uint64_t s = seed;
    for (int p = 0; p < 220; p++) {
        for (int w = 0; w < 100; w++) {
            if (th_rand(&s) % 10 == 0) {
                n += (size_t)sprintf(buf + n, "%s ", known[th_rand(&s) % 5]);
                continue;
            }
            for (int k = 0, len = 6 + (int)(th_rand(&s) % 5); k < len; k++)
                buf[n++] = (char)('a' + th_rand(&s) % 26);
            buf[n++] = ' ';
        }
        n += (size_t)sprintf(buf + n, "end.\n\n");
    }
    th_write(dir, name, buf, n);
    free(buf);
}

static aj_err build_fresh(const tree *t, aj_ctx *c, uint32_t *nruns) {
    /* one thread, one chunk, segments of 20,000 tokens (some 17,000 new
     * terms each): every segment after the first goes to runs of its own */
    aj_build_opts o = {.corpus_dir = t->corpus, .index_dir = t->index, .threads = 1};
    aj_build_stats st;
    aj_err e = aj_build_units(c, &o, 1u << 30, 20000, &st);
    if (!e && nruns) *nruns = st.nruns;
    return e;
}

/* Each key's entry in such a run is a write of its own, so a build does
 * over a hundred thousand operations: the first 20 fail in turn, then 40
 * spread over the build (most of them in the runs' writing), each with
 * ENOSPC. */
Test(fault, straight_runs_fail_cleanly, .timeout = 600) {
    tree t;
    t.root = th_tmpdir();
    snprintf(t.corpus, sizeof t.corpus, "%s/corpus", t.root);
    snprintf(t.index, sizeof t.index, "%s/index", t.root);
    mkdir(t.corpus, 0755);
    random_doc(t.corpus, "r1.txt", 1);
    aj_ctx c = {0};
    uint32_t runs = 0;
    cr_assert_eq(build_fresh(&t, &c, &runs), AJ_OK, "%s", c.msg);
    random_doc(t.corpus, "r2.txt", 2);
    char *old = answers(t.index, &c);
    cr_assert_not_null(old, "%s", c.msg);
    /* count a build of the new corpus, in a directory of its own */
    tree scratch = t;
    snprintf(scratch.index, sizeof scratch.index, "%s/count-index", t.root);
    plan p = {0};
    aj_io_set_hook(hook, &p);
    aj_err e = build_fresh(&scratch, &c, &runs);
    aj_io_set_hook(NULL, NULL);
    cr_assert_eq(e, AJ_OK, "%s", c.msg);
    /* the default budget is never filled: every run is a hand-over's (and
     * the spill of what the coordinator held before the first) */
    cr_assert_geq(runs, 2, "hand-overs went to runs of their own (%u runs)", runs);
    long total = p.count;
    cr_assert_gt(total, 10000, "%ld operations", total);
    char before[2048];
    listing(&t, before, sizeof before);
    long tried = 0;
    for (long k = 1; k <= 60; k++) {
        long n = k <= 20 ? k : 20 + (k - 20) * (total - 21) / 40;
        plan f = {.fail_at = n, .err = ENOSPC};
        aj_ctx bc = {0};
        aj_io_set_hook(hook, &f);
        e = build_fresh(&t, &bc, NULL);
        aj_io_set_hook(NULL, NULL);
        tried++;
        cr_assert_eq(e, AJ_EIO, "operation %ld of %ld (kind %d): %d %s", n, total, f.failed_op,
                     e, bc.msg);
        cr_assert(strstr(bc.msg, ERRNO_NAMES[0]) != NULL, "operation %ld: %s", n, bc.msg);
        cr_assert(strstr(bc.msg, t.root) != NULL, "operation %ld: %s", n, bc.msg);
        char after[2048];
        listing(&t, after, sizeof after);
        cr_assert_str_eq(after, before, "operation %ld (kind %d): the directory changed", n,
                         f.failed_op);
        aj_ctx ac = {0};
        char *now = answers(t.index, &ac);
        cr_assert_not_null(now, "operation %ld: old index unusable: %s", n, ac.msg);
        cr_assert_str_eq(now, old, "operation %ld: answers changed", n);
        free(now);
    }
    cr_assert_eq(build_fresh(&t, &c, NULL), AJ_OK, "%s", c.msg);
    assert_clean(&t);
    cr_log_info("fault: straight runs, %ld operations per build, %ld failed builds", total,
                tried);
    free(old);
    th_rmtree(t.root);
    free(t.root);
}
