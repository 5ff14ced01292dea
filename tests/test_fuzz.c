/* test_fuzz.c - the libFuzzer harnesses of tests/fuzz/ as part of the test
 * run: each replays its committed seeds and regression inputs (every crash
 * ever found), then fuzzes for $AJ_FUZZ_SECONDS seconds (default 30) from
 * a scratch copy of its corpus (0: replay only).  A crash, a leak, a broken promise, an
 * input slower than 10 s or a process over 2 GiB fails the test; the
 * offending input is saved as build-fuzz/crashes/NAME-* for the record. */
#include "helpers.h"

static void run_fuzzer(const char *name) {
    const char *secs = getenv("AJ_FUZZ_SECONDS");
    if (!secs || !*secs) secs = "30";
    char *scratch = th_tmpdir();
    char cmd[4096];
    /* Replay first: seeds and regressions, no mutation. */
    snprintf(cmd, sizeof cmd,
             "mkdir -p build-fuzz/crashes && build-fuzz/fuzz_%s -runs=0 -timeout=10 "
             "-rss_limit_mb=2048 -artifact_prefix=build-fuzz/crashes/%s- "
             "tests/fuzz/regress/%s tests/fuzz/seeds/%s > %s/replay.log 2>&1",
             name, name, name, name, scratch);
    int rc = system(cmd);
    if (rc != 0) {
        snprintf(cmd, sizeof cmd, "tail -30 %s/replay.log >&2", scratch);
        (void)system(cmd);
    }
    cr_assert_eq(rc, 0, "%s: replaying seeds and regressions failed", name);
    if (atoi(secs) <= 0) { /* replay only (the sanitizer pass of make test) */
        th_rmtree(scratch);
        free(scratch);
        return;
    }
    snprintf(cmd, sizeof cmd,
             "build-fuzz/fuzz_%s -max_total_time=%s -timeout=10 -rss_limit_mb=2048 "
             "-max_len=4096 -dict=tests/fuzz/%s.dict "
             "-artifact_prefix=build-fuzz/crashes/%s- -print_final_stats=1 "
             "%s tests/fuzz/seeds/%s > %s/fuzz.log 2>&1",
             name, secs, name, name, scratch, name, scratch);
    rc = system(cmd);
    /* The figures (and on failure the report) go to the test's output. */
    snprintf(cmd, sizeof cmd,
             "grep -h -E 'number_of_executed_units|ERROR|SUMMARY|broken promise|Test unit' "
             "%s/fuzz.log | sed 's/^/fuzz %s: /' >&2",
             scratch, name);
    (void)system(cmd);
    if (rc != 0) {
        snprintf(cmd, sizeof cmd, "tail -40 %s/fuzz.log >&2", scratch);
        (void)system(cmd);
    }
    cr_assert_eq(rc, 0, "%s: the fuzzer found a failing input (see build-fuzz/crashes/)", name);
    th_rmtree(scratch);
    free(scratch);
}

Test(fuzz, query_parser_and_evaluator, .timeout = 900) { run_fuzzer("query"); }
Test(fuzz, analyzer, .timeout = 900) { run_fuzzer("analyzer"); }
Test(fuzz, paragraph_splitter, .timeout = 900) { run_fuzzer("segment"); }
Test(fuzz, index_reader, .timeout = 900) { run_fuzzer("index"); }
/* ajsearch-extract's HTML and DOCX readers (tests/fuzz/fuzz_extract.c) */
Test(fuzz, extract_html_docx, .timeout = 900) { run_fuzzer("extract"); }
/* ajsearch-serve's request handling (tests/fuzz/fuzz_http.c) */
Test(fuzz, http_requests, .timeout = 900) { run_fuzzer("http"); }
