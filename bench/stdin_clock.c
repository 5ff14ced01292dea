/*
 * stdin_clock.c - per-query times of `ajsearch search --stdin`, from inside
 * the very binary users run.
 *
 *   make build/bench/ajsearch-clocked
 *   AJ_STDIN_CLOCK=FILE build/bench/ajsearch-clocked search --stdin < queries > out
 *
 * bench/run.py measures the command line's own path this way: `search
 * --stdin` reads a query line, searches, prints the answer (into stdio's
 * buffer, written out whenever it fills), then reads the next line. The
 * moment the program finishes reading a line of standard input is the
 * moment its previous query's answer is complete, so the time between two
 * such moments is one query's whole cost in the process: parsing,
 * searching, snippets, citations, formatting and its share of the write()
 * calls. At exit the stamps are written to FILE, one CLOCK_MONOTONIC
 * nanosecond count per line: one per line read (at its newline) and a last
 * one when standard input ends. N queries give N + 1 stamps, N intervals.
 *
 * The command line is linked statically (no dynamic loader, so no
 * LD_PRELOAD): build/bench/ajsearch-clocked is the same objects and the
 * same static link as build/ajsearch, plus this file, with the linker
 * redirecting the CLI's calls of the stdio line readers (getc, fgetc,
 * getline, getdelim, fgets: -Wl,--wrap=NAME) to the __wrap_ functions
 * here; each calls the real one and, on stdin at a newline or end of input,
 * reads the clock (a vDSO call, tens of nanoseconds once per query). A
 * reader that uses none of them leaves FILE short, and the runner then
 * reports no percentiles rather than wrong ones.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

static uint64_t *stamps;
static size_t nstamps, cap;

static void stamp(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    if (nstamps == cap) {
        size_t ncap = cap ? 2 * cap : 4096;
        uint64_t *p = realloc(stamps, ncap * sizeof *p);
        if (!p) return; /* the runner sees too few stamps and says so */
        stamps = p;
        cap = ncap;
    }
    stamps[nstamps++] = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int __real_getc(FILE *f);
int __real_fgetc(FILE *f);
ssize_t __real_getdelim(char **buf, size_t *n, int delim, FILE *f);
ssize_t __real_getline(char **buf, size_t *n, FILE *f);
char *__real_fgets(char *s, int size, FILE *f);

int __wrap_getc(FILE *f);
int __wrap_fgetc(FILE *f);
ssize_t __wrap_getdelim(char **buf, size_t *n, int delim, FILE *f);
ssize_t __wrap_getline(char **buf, size_t *n, FILE *f);
char *__wrap_fgets(char *s, int size, FILE *f);

static int after_char(FILE *f, int ch) {
    if (f == stdin && (ch == '\n' || ch == EOF)) stamp();
    return ch;
}

int __wrap_getc(FILE *f) { return after_char(f, __real_getc(f)); }

int __wrap_fgetc(FILE *f) { return after_char(f, __real_fgetc(f)); }

ssize_t __wrap_getdelim(char **buf, size_t *n, int delim, FILE *f) {
    ssize_t r = __real_getdelim(buf, n, delim, f);
    if (f == stdin) stamp();
    return r;
}

ssize_t __wrap_getline(char **buf, size_t *n, FILE *f) {
    ssize_t r = __real_getline(buf, n, f);
    if (f == stdin) stamp();
    return r;
}

char *__wrap_fgets(char *s, int size, FILE *f) {
    char *r = __real_fgets(s, size, f);
    /* A line longer than the buffer comes in pieces; only its end counts. */
    if (f == stdin && (!r || strchr(s, '\n'))) stamp();
    return r;
}

__attribute__((destructor)) static void write_stamps(void) {
    const char *path = getenv("AJ_STDIN_CLOCK");
    if (!path || !*path) return;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return;
    char line[32];
    for (size_t i = 0; i < nstamps; i++) {
        int n = snprintf(line, sizeof line, "%llu\n", (unsigned long long)stamps[i]);
        if (write(fd, line, (size_t)n) != n) break;
    }
    close(fd);
}
