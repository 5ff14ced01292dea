/*
 * stdin_clock.so - per-query times of a line-at-a-time batch program,
 * without changing the program.
 *
 *   LD_PRELOAD=build/bench/stdin_clock.so AJ_STDIN_CLOCK=FILE \
 *       ajsearch search --stdin < queries > out
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
 * The calls watched are the stdio ones a line reader uses: getc, fgetc,
 * _IO_getc, getline, getdelim and fgets, on stdin only; each wrapper calls
 * the real function and, on a newline or end of input, reads the clock
 * (a vDSO call, tens of nanoseconds once per query). A reader that uses
 * none of them (read(2) on fd 0, getc_unlocked) leaves FILE empty, and
 * the runner then reports no percentiles rather than wrong ones.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
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

/* The real function of that name, found once. */
static void *real(const char *name) {
    void *f = dlsym(RTLD_NEXT, name);
    if (!f) {
        static const char msg[] = "stdin_clock: a libc function is missing\n";
        (void)!write(2, msg, sizeof msg - 1);
        _exit(2);
    }
    return f;
}

static int after_char(FILE *f, int ch) {
    if (f == stdin && (ch == '\n' || ch == EOF)) stamp();
    return ch;
}

int getc(FILE *f) {
    static int (*fn)(FILE *);
    if (!fn) fn = (int (*)(FILE *))real("getc");
    return after_char(f, fn(f));
}

int fgetc(FILE *f) {
    static int (*fn)(FILE *);
    if (!fn) fn = (int (*)(FILE *))real("fgetc");
    return after_char(f, fn(f));
}

int _IO_getc(FILE *f) {
    static int (*fn)(FILE *);
    if (!fn) fn = (int (*)(FILE *))real("_IO_getc");
    return after_char(f, fn(f));
}

ssize_t getdelim(char **buf, size_t *n, int delim, FILE *f) {
    static ssize_t (*fn)(char **, size_t *, int, FILE *);
    if (!fn) fn = (ssize_t(*)(char **, size_t *, int, FILE *))real("getdelim");
    ssize_t r = fn(buf, n, delim, f);
    if (f == stdin) stamp();
    return r;
}

ssize_t getline(char **buf, size_t *n, FILE *f) {
    return getdelim(buf, n, '\n', f);
}

char *fgets(char *s, int size, FILE *f) {
    static char *(*fn)(char *, int, FILE *);
    if (!fn) fn = (char *(*)(char *, int, FILE *))real("fgets");
    char *r = fn(s, size, f);
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
