/*
 * test_fuzz.c - the libFuzzer harnesses of tests/fuzz/ as Criterion tests,
 * so that `make test` keeps its one summary line at the end:
 *
 *   fuzz.<name>_regressions  replays every committed seed and regression
 *                            input once (no fuzzing): each crash found so
 *                            far stays fixed;
 *   fuzz.<name>_smoke        fuzzes for FUZZ_SMOKE_SECONDS (default 30;
 *                            0 skips) from the seeds, with the dictionary,
 *                            into a scratch corpus.
 *
 * Both fail on anything libFuzzer reports: a crash, a sanitizer error, a
 * broken harness invariant (abort), a leak, a timeout (-timeout) or a
 * memory blow-up (-rss_limit_mb, which also bounds single allocations).
 * Crash inputs are kept as $AJSEARCH_FUZZ/artifacts/fuzz_<name>-crash-*.
 * The binaries come from `make fuzz-build` (clang) in $AJSEARCH_FUZZ,
 * default build-fuzz; the tests run from the repository root.
 */
#include <dirent.h>

#include "helpers.h"

#define LIMITS "-timeout=10 -rss_limit_mb=1024"

static const char *fuzz_dir(void) {
    const char *d = getenv("AJSEARCH_FUZZ");
    return d && *d ? d : "build-fuzz";
}

/* Runs cmd (with stderr), returns its exit status and its output. */
static int run_capture(const char *cmd, char **out) {
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p, "cannot run %s", cmd);
    size_t cap = 1 << 16, n = 0, k;
    char *buf = malloc(cap);
    cr_assert_not_null(buf);
    while ((k = fread(buf + n, 1, cap - n - 1, p)) > 0) {
        n += k;
        if (n + 1 == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            cr_assert_not_null(buf);
        }
    }
    buf[n] = 0;
    *out = buf;
    return pclose(p);
}

static void fail_with_output(const char *what, int rc, const char *out) {
    size_t n = strlen(out);
    /* The end of libFuzzer's report names the failure and the input. */
    const char *tail = n > 4000 ? out + n - 4000 : out;
    cr_assert_fail("%s failed (status %d):\n%s", what, rc, tail);
}

/* Appends the regular files of dir to the command line in cmd. */
static size_t add_files(char *cmd, size_t cap, const char *dir) {
    DIR *d = opendir(dir);
    size_t count = 0;
    if (!d) return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        size_t len = strlen(cmd);
        int k = snprintf(cmd + len, cap - len, " '%s/%s'", dir, e->d_name);
        cr_assert(k > 0 && (size_t)k < cap - len, "command line too long");
        count++;
    }
    closedir(d);
    return count;
}

static void replay(const char *name) {
    static char cmd[1 << 17];
    char seeds[256], regress[256];
    snprintf(seeds, sizeof seeds, "tests/fuzz/seeds/fuzz_%s", name);
    snprintf(regress, sizeof regress, "tests/fuzz/regress/fuzz_%s", name);
    snprintf(cmd, sizeof cmd, "%s/fuzz_%s " LIMITS, fuzz_dir(), name);
    size_t n = add_files(cmd, sizeof cmd, seeds);
    n += add_files(cmd, sizeof cmd, regress);
    cr_assert_gt(n, 0, "no seeds in %s", seeds);
    size_t len = strlen(cmd);
    snprintf(cmd + len, sizeof cmd - len, " 2>&1");
    char *out;
    int rc = run_capture(cmd, &out);
    if (rc != 0) fail_with_output(name, rc, out);
    free(out);
}

static void smoke(const char *name) {
    const char *env = getenv("FUZZ_SMOKE_SECONDS");
    int secs = env && *env ? atoi(env) : 30;
    if (secs <= 0) cr_skip_test("FUZZ_SMOKE_SECONDS=0");
    char *scratch = th_tmpdir();
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "mkdir -p '%1$s/artifacts' && '%1$s/fuzz_%2$s' " LIMITS
             " -max_total_time=%3$d -print_final_stats=1"
             " -dict=tests/fuzz/fuzz_%2$s.dict"
             " -artifact_prefix='%1$s/artifacts/fuzz_%2$s-'"
             " '%4$s' tests/fuzz/seeds/fuzz_%2$s 2>&1",
             fuzz_dir(), name, secs, scratch);
    char *out;
    int rc = run_capture(cmd, &out);
    th_rmtree(scratch);
    free(scratch);
    if (rc != 0) fail_with_output(name, rc, out);
    /* One line of figures for the log: "Done N runs in S second(s)". */
    const char *done = strstr(out, "Done ");
    if (done) {
        unsigned long long runs = 0;
        int s = 0;
        if (sscanf(done, "Done %llu runs in %d", &runs, &s) == 2)
            fprintf(stderr, "fuzz_%s: %llu inputs in %d s\n", name, runs, s);
    }
    free(out);
}

#define HARNESS(name)                                                    \
    Test(fuzz, name##_regressions, .timeout = 300) { replay(#name); }    \
    Test(fuzz, name##_smoke, .timeout = 600) { smoke(#name); }

HARNESS(query)
HARNESS(analyzer)
HARNESS(segment)
HARNESS(index)
