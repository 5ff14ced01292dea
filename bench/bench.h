/*
 * bench.h - timing helpers shared by the benchmark programs: a monotonic
 * clock and the median of a set of samples (medians, because the machines
 * are shared and noisy).
 */
#ifndef AJ_BENCH_H
#define AJ_BENCH_H

#include <stdlib.h>
#include <time.h>

static inline double bench_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int bench_cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Sorts v[0..n) and returns its value at quantile q (0.5 = median). */
static inline double bench_quantile(double *v, size_t n, double q) {
    qsort(v, n, sizeof *v, bench_cmp_double);
    size_t i = (size_t)(q * (double)(n - 1) + 0.5);
    return v[i < n ? i : n - 1];
}

#endif
