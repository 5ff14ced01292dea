/*
 * aj_bench - ajsearch's in-process benchmark driver, the counterpart of
 * bench/peers/fts5_bench and xapian_bench (same command lines, same
 * output), so all three engines are measured the same way.
 *
 *   aj_bench build INDEX_DIR CORPUS_DIR [THREADS [MEMORY_MB]]
 *       {"engine":"ajsearch","seconds":S,"paragraphs":N,"bytes_in":B}
 *   aj_bench query INDEX_DIR QUERIES_FILE K [REPEAT [MODE]]
 *       one line per query and timed pass:
 *       {"i":N,"class":C,"us":T,"hits":TOTAL,"top":[ids],"decoded":P}
 *
 * QUERIES_FILE lines are CLASS<TAB>OP<TAB>WORDS (see bench/README.md);
 * the op becomes ajsearch syntax: term w; and a b; or a OR b; phrase
 * "a b"; not a -b; prefix abc* [x ...]; long a OR b OR ...
 * A query is timed from the call to aj_search to having the top K ids and
 * scores.  MODE is a comma-separated list: "prune" (default) lets the
 * search skip what cannot reach the top K (dynamic pruning), as the peers
 * do with LIMIT; "exact" scores every match.  The ranking is textbook
 * BM25 over the matches (--rank=bm25), the same work the peers do, unless
 * MODE has "full" (the default ranking of the command line: proximity,
 * heading, partial matches) and then "nopartial" turns the partial
 * matches off, and "noexpand" turns query expansion (compounds,
 * acronyms) off; "chrome" searches the page chrome too.  The total
 * count comes from a separate, untimed counting call, as for the peers.
 * One untimed warm-up pass runs first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/ajsearch.h"
#include "bench.h"

typedef struct {
    char cls[64];
    char *q;
    size_t len;
} query;

static void die(const char *what, const aj_ctx *c) {
    fprintf(stderr, "aj_bench: %s: %s\n", what, c ? c->msg : "");
    exit(2);
}

/* Appends s to buf (grown as needed). */
static void put(char **buf, size_t *len, size_t *cap, const char *s) {
    size_t n = strlen(s);
    if (*len + n + 1 > *cap) {
        *cap = (*len + n + 1) * 2;
        *buf = realloc(*buf, *cap);
        if (!*buf) die("out of memory", NULL);
    }
    memcpy(*buf + *len, s, n + 1);
    *len += n;
}

/* Builds the ajsearch query for one CLASS<TAB>OP<TAB>WORDS line. */
static char *translate(const char *op, char *words, size_t *qlen) {
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int i = 0;
    for (char *w = strtok(words, " "); w; w = strtok(NULL, " "), i++) {
        if (!strcmp(op, "phrase")) {
            put(&buf, &len, &cap, i ? " " : "\"");
            put(&buf, &len, &cap, w);
        } else if (!strcmp(op, "or") || !strcmp(op, "long")) {
            if (i) put(&buf, &len, &cap, " OR ");
            put(&buf, &len, &cap, w);
        } else if (!strcmp(op, "not")) {
            put(&buf, &len, &cap, i ? " -" : "");
            put(&buf, &len, &cap, w);
        } else { /* term, and, prefix */
            if (i) put(&buf, &len, &cap, " ");
            put(&buf, &len, &cap, w);
            if (i == 0 && !strcmp(op, "prefix")) put(&buf, &len, &cap, "*");
        }
    }
    if (!strcmp(op, "phrase")) put(&buf, &len, &cap, "\"");
    if (!buf) put(&buf, &len, &cap, "");
    *qlen = len;
    return buf;
}

static query *load_queries(const char *path, size_t *n) {
    FILE *f = fopen(path, "r");
    if (!f) die(path, NULL);
    query *v = NULL;
    size_t nv = 0, cap = 0;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t k;
    while ((k = getline(&line, &lcap, f)) >= 0) {
        if (k && line[k - 1] == '\n') line[--k] = 0;
        char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (!t2) continue;
        *t1 = *t2 = 0;
        if (nv == cap) {
            cap = cap ? cap * 2 : 256;
            v = realloc(v, cap * sizeof *v);
            if (!v) die("out of memory", NULL);
        }
        snprintf(v[nv].cls, sizeof v[nv].cls, "%s", line);
        v[nv].q = translate(t1 + 1, t2 + 1, &v[nv].len);
        nv++;
    }
    free(line);
    fclose(f);
    *n = nv;
    return v;
}

static int cmd_build(int argc, char **argv) {
    aj_ctx c = {0};
    aj_build_opts o = {.corpus_dir = argv[3], .index_dir = argv[2]};
    if (argc > 4) o.threads = atoi(argv[4]);
    if (argc > 5) o.memory = (uint64_t)atoll(argv[5]) << 20;
    aj_build_stats st;
    double t0 = bench_now();
    if (aj_build(&c, &o, &st)) die("build", &c);
    double t = bench_now() - t0;
    printf("{\"engine\":\"ajsearch\",\"seconds\":%.6f,\"paragraphs\":%u,"
           "\"bytes_in\":%llu,\"threads\":%u,\"runs\":%u}\n",
           t, st.nparas, (unsigned long long)st.bytes_in, st.threads, st.nruns);
    return 0;
}

/* Is w one of the comma-separated words of list? */
static int has_word(const char *list, const char *w) {
    size_t n = strlen(w);
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && !memcmp(p, w, n)) return 1;
        p += len + (e != NULL);
    }
    return 0;
}

static int cmd_query(int argc, char **argv) {
    aj_ctx c = {0};
    aj_index *ix;
    aj_searcher *s;
    size_t nq;
    int k = atoi(argv[4]), repeat = argc > 5 ? atoi(argv[5]) : 1;
    aj_search_opts o;
    aj_search_opts_init(&o);
    o.limit = (uint32_t)k;
    const char *mode = argc > 6 ? argv[6] : "prune";
    o.exact_total = has_word(mode, "exact");
    o.rank = has_word(mode, "full") ? AJ_RANK_FULL : AJ_RANK_BM25;
    o.partial = !has_word(mode, "nopartial");
    o.expand = !has_word(mode, "noexpand");
    o.chrome = has_word(mode, "chrome");
    aj_search_opts co;
    aj_search_opts_init(&co);
    co.limit = 0;
    if (aj_index_open(&c, argv[2], &ix)) die("open", &c);
    if (aj_searcher_new(&c, ix, &s)) die("searcher", &c);
    query *qs = load_queries(argv[3], &nq);
    for (int pass = -1; pass < repeat; pass++) {
        for (size_t i = 0; i < nq; i++) {
            const aj_results *r;
            aj_ctx qc = {0};
            double t0 = bench_now();
            aj_err e = aj_search(&qc, s, qs[i].q, qs[i].len, &o, &r);
            double t = bench_now() - t0;
            if (e) {
                fprintf(stderr, "aj_bench: query %zu '%s': %s\n", i, qs[i].q, qc.msg);
                printf("{\"i\":%zu,\"class\":\"%s\",\"error\":true}\n", i, qs[i].cls);
                continue;
            }
            if (pass < 0) continue;
            printf("{\"i\":%zu,\"class\":\"%s\",\"us\":%.3f,\"decoded\":%llu,"
                   "\"top\":[",
                   i, qs[i].cls, t * 1e6, (unsigned long long)r->decoded);
            for (size_t h = 0; h < r->nhits; h++)
                printf("%s%u", h ? "," : "", r->hits[h].id);
            const aj_results *cr;
            if (aj_search(&qc, s, qs[i].q, qs[i].len, &co, &cr)) die("count", &qc);
            printf("],\"hits\":%llu}\n", (unsigned long long)cr->total);
        }
    }
    for (size_t i = 0; i < nq; i++) free(qs[i].q);
    free(qs);
    aj_searcher_free(s);
    aj_index_close(ix);
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 4 && !strcmp(argv[1], "build")) return cmd_build(argc, argv);
    if (argc >= 5 && !strcmp(argv[1], "query")) return cmd_query(argc, argv);
    fprintf(stderr, "usage: aj_bench build INDEX CORPUS | aj_bench query INDEX "
                    "QUERIES K [REPEAT [MODE]]  (MODE: prune|exact, full, nopartial, noexpand, chrome; comma-separated)\n");
    return 2;
}
