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

#include "../src/ajsearch.h"

#define RUNS 201

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    const char *dir = argc > 1 ? argv[1] : "index";
    const char *q = argc > 2 ? argv[2] : "maritime security";
    double open_t[RUNS], query_t[RUNS];
    for (int r = 0; r < RUNS; r++) {
        aj_ctx c = {0};
        aj_index *ix;
        double t0 = now();
        if (aj_index_open(&c, dir, &ix)) {
            fprintf(stderr, "%s\n", c.msg);
            return 2;
        }
        double t1 = now();
        aj_searcher *s;
        aj_search_opts o;
        aj_search_opts_init(&o);
        const aj_results *res;
        if (aj_searcher_new(&c, ix, &s) || aj_search(&c, s, q, strlen(q), &o, &res)) {
            fprintf(stderr, "%s\n", c.msg);
            return 2;
        }
        double t2 = now();
        aj_searcher_free(s);
        aj_index_close(ix);
        open_t[r] = t1 - t0;
        query_t[r] = t2 - t1;
    }
    qsort(open_t, RUNS, sizeof *open_t, cmp_d);
    qsort(query_t, RUNS, sizeof *query_t, cmp_d);
    printf("index %s, %d runs (warm page cache)\n", dir, RUNS);
    printf("open+close:            median %.1f us, p90 %.1f us\n", open_t[RUNS / 2] * 1e6,
           open_t[RUNS * 9 / 10] * 1e6);
    printf("first query '%s': median %.1f us, p90 %.1f us\n", q, query_t[RUNS / 2] * 1e6,
           query_t[RUNS * 9 / 10] * 1e6);
    return 0;
}
