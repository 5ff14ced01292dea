/*
 * micro_open - what opening an index costs: median wall time of
 * aj_index_open + aj_index_close, and of a first query on a freshly opened
 * index (which verifies the checksums of the pages it touches).
 *
 *   build/bench/micro_open [INDEX_DIR] [QUERY]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

#include "../src/ajsearch.h"

#define RUNS 201


int main(int argc, char **argv) {
    const char *dir = argc > 1 ? argv[1] : "index";
    const char *q = argc > 2 ? argv[2] : "maritime security";
    double open_t[RUNS], query_t[RUNS];
    for (int r = 0; r < RUNS; r++) {
        aj_ctx c = {0};
        aj_index *ix;
        double t0 = bench_now();
        if (aj_index_open(&c, dir, &ix)) {
            fprintf(stderr, "%s\n", c.msg);
            return 2;
        }
        double t1 = bench_now();
        aj_searcher *s;
        aj_search_opts o;
        aj_search_opts_init(&o);
        const aj_results *res;
        if (aj_searcher_new(&c, ix, &s) || aj_search(&c, s, q, strlen(q), &o, &res)) {
            fprintf(stderr, "%s\n", c.msg);
            return 2;
        }
        double t2 = bench_now();
        aj_searcher_free(s);
        aj_index_close(ix);
        open_t[r] = t1 - t0;
        query_t[r] = t2 - t1;
    }
    printf("index %s, %d runs (warm page cache)\n", dir, RUNS);
    double o50 = bench_quantile(open_t, RUNS, 0.5), o90 = bench_quantile(open_t, RUNS, 0.9);
    double q50 = bench_quantile(query_t, RUNS, 0.5), q90 = bench_quantile(query_t, RUNS, 0.9);
    printf("open+close:            median %.1f us, p90 %.1f us\n", o50 * 1e6, o90 * 1e6);
    printf("first query '%s': median %.1f us, p90 %.1f us\n", q, q50 * 1e6, q90 * 1e6);
    return 0;
}
