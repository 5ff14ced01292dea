/* test_cli.c - end-to-end tests of the ajsearch binary on the real corpus
 * (tests/cli/e2e.py) and the brute-force reference comparison
 * (tests/reference/), run as Criterion tests so that `make test` ends with
 * one summary line. */
#include "helpers.h"

/* Runs a shell command from the repository root; fails the test with its
 * output unless it exits 0. */
static void run_ok(const char *cmd) {
    char full[2048];
    snprintf(full, sizeof full, "%s 2>&1", cmd);
    FILE *p = popen(full, "r");
    cr_assert_not_null(p, "cannot run %s", cmd);
    size_t cap = 1 << 16, n = 0;
    char *out = malloc(cap);
    size_t k;
    while ((k = fread(out + n, 1, cap - n - 1, p)) > 0) {
        n += k;
        if (n + 1 == cap) {
            cap *= 2;
            out = realloc(out, cap);
        }
    }
    out[n] = 0;
    int rc = pclose(p);
    /* Keep the failure message readable: the last 3000 bytes. */
    const char *tail = n > 3000 ? out + n - 3000 : out;
    cr_assert_eq(rc, 0, "%s failed:\n%s", cmd, tail);
    free(out);
}

#define E2E(name)                                                        \
    Test(cli, name, .timeout = 300) { run_ok("python3 tests/cli/e2e.py " #name); }

E2E(maritime)
E2E(done_when_queries)
E2E(json_valid)
E2E(exit_status)
E2E(check_detects)
E2E(killed_build)
E2E(deterministic)
E2E(new_document)
E2E(search_during_build)
E2E(batch_stdin)
E2E(did_you_mean)
E2E(near_and_fuzzy)
E2E(hostile_queries)
E2E(hostile_corpus)
E2E(random_tokens)
E2E(output_safety)
E2E(output_formats)
E2E(html_escaping)
E2E(expansion)

/* The command line's own rules: options, commands, quotes and dashes,
 * finding the index, invisible characters, wrapping, --full, show;
 * interrupted builds, what builds leave behind, metadata warnings. */
#define E2E_CLI(name)                                                    \
    Test(cli_rules, name, .timeout = 300) { run_ok("python3 tests/cli/e2e_cli.py " #name); }

E2E_CLI(options)
E2E_CLI(commands)
E2E_CLI(quotes)
E2E_CLI(lone_dash)
E2E_CLI(locate)
E2E_CLI(bidi)
E2E_CLI(wrap)
E2E_CLI(show)
E2E_CLI(interrupted_build)
E2E_CLI(leftovers)
E2E_CLI(metadata_warnings)

/* As a CI pipeline uses it: the index as an artifact (CURRENT a file,
 * copies, --keep, export), index --json, --strict, a busy index, the
 * progress line, status. */
#define E2E_CI(name)                                                     \
    Test(cli_ci, name, .timeout = 300) { run_ok("python3 tests/cli/e2e_ci.py " #name); }

E2E_CI(artifact)
E2E_CI(keep)
E2E_CI(export)
E2E_CI(index_json)
E2E_CI(strict)
E2E_CI(busy)
E2E_CI(progress)
E2E_CI(status)

/* README "Using ajsearch in CI": the jobs' steps, run as a CI service would
 * (cold build, cache hit, rebuild on a change, failure on a warning). */
Test(cli_ci, pipeline, .timeout = 300) { run_ok("sh tests/ci/pipeline.sh"); }

/* Highlighting: the marks against a brute-force statement of the rule,
 * each clause kind on the corpus, and --mark, --html, JSON and source
 * ranges agreeing. */
#define E2E_HIGHLIGHT(name)                                              \
    Test(cli_highlight, name, .timeout = 300) {                          \
        run_ok("python3 tests/cli/e2e_highlight.py " #name);             \
    }

E2E_HIGHLIGHT(reference)
E2E_HIGHLIGHT(marks)
E2E_HIGHLIGHT(formats)

/* Acronyms mined and alternatives shown as written (tests/cli/e2e_acronyms.py). */
#define E2E_ACRONYMS(name)                                               \
    Test(cli_acronyms, name, .timeout = 300) {                           \
        run_ok("python3 tests/cli/e2e_acronyms.py " #name);              \
    }

E2E_ACRONYMS(acronyms_judged)
E2E_ACRONYMS(also_as_written)
E2E_ACRONYMS(countries)

/* JSON matches from each hit's own lines, on a large file
 * (tests/cli/e2e_source.py). */
Test(cli_source, big_file, .timeout = 300) {
    run_ok("python3 tests/cli/e2e_source.py big_file");
}

/* search --stdin answers as single searches do; a paragraph with more
 * matches than a hit holds inline (tests/cli/e2e_userpath.py). */
#define E2E_USERPATH(name)                                               \
    Test(cli_userpath, name, .timeout = 300) {                           \
        run_ok("python3 tests/cli/e2e_userpath.py " #name);              \
    }

E2E_USERPATH(batch_same_as_single)
E2E_USERPATH(many_matches)

/* make eval as a guard: ajsearch's nDCG@10 over the judged needs may not
 * fall more than 0.01 below the figure committed in
 * tests/relevance/baseline.json (ajsearch alone, a few seconds). */
Test(relevance, ndcg_guard, .timeout = 300) {
    run_ok("python3 tests/relevance/eval.py --guard --bin \"${AJSEARCH_BIN:-./ajsearch}\"");
}

/* Every example output in README.md is what the binary prints
 * (tests/cli/readme.py; timings and what the README elides with "..."
 * excepted). */
Test(readme, examples_are_real_output, .timeout = 300) {
    run_ok("python3 tests/cli/readme.py");
}

/* The man page (docs/ajsearch.1), --help and README.md name the same
 * commands, options and exit statuses as src/cli/main.c (tests/cli/docs.py). */
Test(readme, docs_agree, .timeout = 60) { run_ok("python3 tests/cli/docs.py"); }

/* Spelling correction, missing words, the header and the exit status,
 * across every output format. */
#define E2E_CORRECT(name)                                                \
    Test(cli_correct, name, .timeout = 300) { run_ok("python3 tests/cli/e2e_correct.py " #name); }

E2E_CORRECT(issue_examples)
E2E_CORRECT(own_cases)
E2E_CORRECT(header_numbers)

/* Page chrome and citations (tests/cli/e2e_struct.py). */
#define E2E_STRUCT(name)                                                 \
    Test(cli_struct, name, .timeout = 300) {                             \
        run_ok("python3 tests/cli/e2e_struct.py " #name);                \
    }

E2E_STRUCT(page_chrome)
E2E_STRUCT(citations)
E2E_STRUCT(old_format)

/* Phrases read through common-word pairs (tests/cli/e2e_phrase.py). */
Test(cli_phrase, pairs_equal_reference, .timeout = 300) {
    run_ok("python3 tests/cli/e2e_phrase.py pairs_equal_reference");
}

/* The default ranking is one ranking whatever page is asked for
 * (tests/cli/metamorphic.py): random queries on corpus/ and on the KJV
 * verses, and the cases that showed it depending on the page. */
#define METAMORPHIC(name, args)                                          \
    Test(cli_metamorphic, name, .timeout = 900) {                        \
        run_ok("python3 tests/cli/metamorphic.py " args);                 \
    }

METAMORPHIC(corpus, "corpus --queries 20 --seed 1")
METAMORPHIC(kjv, "kjv --queries 20 --seed 2")
METAMORPHIC(issue, "issue")

Test(reference, brute_force_equals_engine, .timeout = 600) {
    run_ok("python3 tests/reference/self_test.py && "
           "python3 tests/reference/test_reference.py --bin \"${AJSEARCH_BIN:-./ajsearch}\" "
           "--corpus corpus --count 400 --seed 1");
}

/* Expansion on: the reference expands the query itself (refexpand.py) from
 * the dump, the analyzer, `acronyms --json` and the country table. */
Test(reference, expansion_equals_engine, .timeout = 900) {
    run_ok("python3 tests/reference/refexpand.py --self-test && "
           "python3 tests/reference/test_reference.py --bin \"${AJSEARCH_BIN:-./ajsearch}\" "
           "--corpus corpus --expand --count 50 --expand-count 120 --seed 3");
}

/* With --chrome the page chrome is searched and counted like any
 * paragraph (without it, the two tests above leave it out). */
Test(reference, page_chrome_searched, .timeout = 600) {
    run_ok("python3 tests/reference/test_reference.py --bin \"${AJSEARCH_BIN:-./ajsearch}\" "
           "--corpus corpus --count 100 --seed 3 --chrome");
}

/* The default ranking against refrank.py: factors, partial matches and
 * order, at the default weights and at strong ones. */
Test(reference, default_ranking, .timeout = 600) {
    run_ok("python3 tests/reference/test_reference.py --bin \"${AJSEARCH_BIN:-./ajsearch}\" "
           "--corpus corpus --rank full --count 150 --seed 1");
}

Test(reference, default_ranking_other_weights, .timeout = 600) {
    run_ok("python3 tests/reference/test_reference.py --bin \"${AJSEARCH_BIN:-./ajsearch}\" "
           "--corpus corpus --rank full --count 60 --seed 3 --proximity 2 --heading 1 "
           "--heading-hit 0.25");
}

/* What users get: the default ranking of the expanded query (only the
 * spelling stage is off, --no-correct). */
Test(reference, default_ranking_with_expansion, .timeout = 900) {
    run_ok("python3 tests/reference/test_reference.py --bin \"${AJSEARCH_BIN:-./ajsearch}\" "
           "--corpus corpus --rank full --expand --count 30 --expand-count 60 --seed 4");
}

Test(reference, other_bm25_parameters, .timeout = 600) {
    run_ok("python3 tests/reference/test_reference.py --bin \"${AJSEARCH_BIN:-./ajsearch}\" "
           "--corpus corpus --count 150 --seed 2 --k1 2.0 --b 0.3");
}

/* The benchmark's regression gate (bench/gate.py) on made-up results:
 * it fails a confirmed 20% regression, clears a noisy one, and never
 * passes a run it cannot judge. */
Test(bench, gate, .timeout = 120) { run_ok("python3 tests/bench/gate.py"); }

/* bench/run.py's shortcuts for large corpora: a peer's database reused
 * only for the very paragraphs it was built from; the user's path run on
 * the faster peer per class. */
Test(bench, run_shortcuts, .timeout = 60) { run_ok("python3 tests/bench/run.py"); }

/* The suite as someone else runs it (issue 13): a corpus and a query file
 * of their own, output only in the ignored bench/out/, quick runs marked,
 * the load recorded and a loaded corpus measured again, the spread over
 * repetitions, publishing that refuses to mix runs; an unknown corpus is a
 * one-line error. */
Test(bench, suite, .timeout = 300) { run_ok("python3 tests/bench/suite.py"); }

/* As a C programmer meets the library: make install into a staging
 * directory, the examples built against that copy with pkg-config, run,
 * then make uninstall (tests/cli/e2e_install.py). */
Test(install, install_examples, .timeout = 300) {
    run_ok("python3 tests/cli/e2e_install.py install_examples");
}

/* The Python package (python/), installed with pip into a fresh virtual
 * environment, offline, and its tests run against this build's shared
 * object.  The sanitizer pass skips it: an instrumented shared object
 * does not load into an uninstrumented Python; the normal pass runs it. */
Test(python, package, .timeout = 300) {
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "case \"$AJSEARCH_BUILD\" in *build-san) echo 'skipped under the sanitizers';; "
             "*) AJSEARCH_LIB=\"$AJSEARCH_BUILD/libajsearch.so.%d\" sh python/tests/run.sh;; esac",
             AJ_VERSION_MAJOR);
    run_ok(cmd);
}

/* The shell completions offer exactly what each command's --help lists;
 * the manual pages render without warnings and libajsearch(3) names every
 * function of ajsearch.h (tests/cli/e2e_completion.py).  make test
 * installs zsh, so its completion is required. */
#define E2E_COMPLETION(name)                                                         \
    Test(completion, name, .timeout = 300) {                                         \
        run_ok("AJ_REQUIRE_ZSH=1 python3 tests/cli/e2e_completion.py " #name);         \
    }

E2E_COMPLETION(bash_completion)
E2E_COMPLETION(zsh_completion)
E2E_COMPLETION(man_pages)

/* What leaves ajsearch for other tools (tests/cli/e2e_export.py): show by
 * citation (DOCUMENT#PLACE, the whole citation, short places) and its
 * errors, --csv read back with Python's csv module against --json,
 * --cite-list rendered as CommonMark, both with --stdin and --group, and
 * the output formats that exclude each other. */
Test(cli_export, show_citation, .timeout = 300) { run_ok("python3 tests/cli/e2e_export.py show_citation"); }
Test(cli_export, show_errors, .timeout = 300) { run_ok("python3 tests/cli/e2e_export.py show_errors"); }
Test(cli_export, show_hostile, .timeout = 300) { run_ok("python3 tests/cli/e2e_export.py show_hostile"); }
Test(cli_export, csv_fields, .timeout = 300) { run_ok("python3 tests/cli/e2e_export.py csv_fields"); }
Test(cli_export, cite_list, .timeout = 300) { run_ok("python3 tests/cli/e2e_export.py cite_list"); }
Test(cli_export, stdin, .timeout = 300) { run_ok("python3 tests/cli/e2e_export.py stdin"); }
Test(cli_export, exclusive, .timeout = 300) { run_ok("python3 tests/cli/e2e_export.py exclusive"); }

/* Filters, facets and the timeline on the seed corpus
 * (tests/cli/e2e_filter.py). */
#define E2E_FILTER(name)                                                 \
    Test(cli_filter, name, .timeout = 300) { run_ok("python3 tests/cli/e2e_filter.py " #name); }

E2E_FILTER(filters)
E2E_FILTER(facets)
E2E_FILTER(timeline)
E2E_FILTER(errors)

/* PDF, HTML and DOCX documents, told by content and read through
 * ajsearch-extract (tests/cli/e2e_formats.py). */
#define E2E_FORMATS(name)                                                \
    Test(cli_formats, name, .timeout = 600) { run_ok("python3 tests/cli/e2e_formats.py " #name); }

/* Sharded indexes and incremental builds (tests/cli/e2e_incremental.py). */
#define E2E_INCREMENTAL(name)                                            \
    Test(cli_incremental, name, .timeout = 600) {                        \
        run_ok("python3 tests/cli/e2e_incremental.py " #name);           \
    }

E2E_INCREMENTAL(random_edits)
E2E_INCREMENTAL(searches)
E2E_INCREMENTAL(builds_at_once)
E2E_INCREMENTAL(keeps_size)
E2E_INCREMENTAL(damaged)
E2E_INCREMENTAL(export)
E2E_INCREMENTAL(default_size)

/* The HTTP server (tests/cli/e2e_serve.py). */
#define E2E_SERVE(name)                                                  \
    Test(cli_serve, name, .timeout = 600) { run_ok("python3 tests/cli/e2e_serve.py " #name); }

E2E_SERVE(api)
E2E_SERVE(errors)
E2E_SERVE(follows)
E2E_SERVE(overload)
E2E_SERVE(faults)
E2E_SERVE(load)

/* Two replicas behind nginx (tests/cli/e2e_nginx.py). */
Test(cli_nginx, replicas, .timeout = 600) { run_ok("python3 tests/cli/e2e_nginx.py replicas"); }

/* The search page in headless Chromium (tests/cli/e2e_browser.py). */
Test(cli_browser, page, .timeout = 600) { run_ok("python3 tests/cli/e2e_browser.py page"); }

E2E_FORMATS(same_answers)
E2E_FORMATS(by_content)
E2E_FORMATS(failures)
E2E_FORMATS(changing)
