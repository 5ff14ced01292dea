/*
 * micro_store - what fetching one hit's stored text costs: aj_para_text
 * of random paragraphs (a fixed seed, so every run and every library
 * version fetches the same ones), on an index opened once, its pages
 * already verified by a first pass (the cost measured is decompression
 * and look-up, not first-touch checksums).  Prints the median and p99 of
 * batches of 1000 fetches, per fetch (wall time and the process's CPU
 * time), and the stored text's size against
 * the text's.
 *
 *   build/bench/micro_store [INDEX_DIR]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

#include "../src/ajsearch.h"

#define BATCH 1000

/* The process's CPU time: on a shared machine, wall time also counts
 * the other processes' turns. */
static double cpu_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}
#define BATCHES 201

int main(int argc, char **argv) {
    const char *dir = argc > 1 ? argv[1] : "index";
    aj_ctx c = {0};
    aj_index *ix;
    if (aj_index_open(&c, dir, &ix)) {
        fprintf(stderr, "%s\n", c.msg);
        return 2;
    }
    aj_index_stats st;
    aj_index_stats_get(ix, &st);
    if (!st.nparas) {
        fprintf(stderr, "%s: empty index\n", dir);
        return 2;
    }
    uint64_t text = 0, stor = 0;
    for (uint32_t id = 0; id < st.nparas; id++) { /* every page verified once */
        char *t;
        size_t n;
        if (aj_para_text(&c, ix, id, &t, &n)) {
            fprintf(stderr, "%s\n", c.msg);
            return 2;
        }
        text += n;
        free(t);
    }
    for (size_t i = 0; i < st.nfiles; i++)
        if (!strcmp(st.files[i].name, "stor.aj")) stor = st.files[i].nbytes;
    double per[BATCHES], cpu[BATCHES];
    uint64_t seed = 1, sum = 0;
    for (int b = 0; b < BATCHES; b++) {
        double t0 = bench_now(), c0 = cpu_now();
        for (int k = 0; k < BATCH; k++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            uint32_t id = (uint32_t)((seed >> 33) % st.nparas);
            char *t;
            size_t n;
            if (aj_para_text(&c, ix, id, &t, &n)) {
                fprintf(stderr, "%s\n", c.msg);
                return 2;
            }
            sum += n;
            free(t);
        }
        per[b] = (bench_now() - t0) / BATCH * 1e6;
        cpu[b] = (cpu_now() - c0) / BATCH * 1e6;
    }
    double p99 = bench_quantile(per, BATCHES, 0.99), p50 = bench_quantile(per, BATCHES, 0.5);
    double cpu50 = bench_quantile(cpu, BATCHES, 0.5);
    printf("%s: %u paragraphs, text %llu bytes, stor.aj %llu bytes (%.1f%%); "
           "random fetch: median %.2f us (CPU %.2f us), p99 %.2f us (batches of %d; %llu bytes)\n",
           dir, st.nparas, (unsigned long long)text, (unsigned long long)stor,
           100.0 * (double)stor / (double)(text ? text : 1), p50, cpu50, p99, BATCH,
           (unsigned long long)sum);
    aj_index_close(ix);
    return 0;
}
