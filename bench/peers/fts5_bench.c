/*
 * fts5_bench - SQLite FTS5 driver for the benchmark, with the same command
 * lines and output as bench/aj_bench (see bench/README.md).
 *
 *   fts5_bench build DB PARAS_TSV
 *   fts5_bench query DB QUERIES_TSV K [REPEAT]
 *
 * Configuration (fixed by the benchmark): one FTS5 table
 * p(body, tokenize='porter unicode61 remove_diacritics 2'), rows inserted in
 * one transaction with rowid = paragraph id, then 'optimize'.  Ranking is
 * FTS5's bm25() (k1 = 1.2, b = 0.75), ORDER BY bm25 LIMIT K.  The total
 * number of matches is counted separately and not timed.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(sqlite3 *db, const char *what) {
    fprintf(stderr, "fts5_bench: %s: %s\n", what, db ? sqlite3_errmsg(db) : "");
    exit(2);
}

static void exec(sqlite3 *db, const char *sql) {
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "fts5_bench: %s: %s\n", sql, err ? err : "?");
        exit(2);
    }
}

static int cmd_build(const char *path, const char *paras) {
    sqlite3 *db;
    FILE *f = fopen(paras, "r");
    if (!f) die(NULL, paras);
    double t0 = now();
    if (sqlite3_open(path, &db) != SQLITE_OK) die(db, path);
    exec(db, "CREATE VIRTUAL TABLE p USING fts5(body, tokenize='porter unicode61 "
             "remove_diacritics 2')");
    exec(db, "BEGIN");
    sqlite3_stmt *ins;
    if (sqlite3_prepare_v2(db, "INSERT INTO p(rowid, body) VALUES(?1, ?2)", -1, &ins,
                           NULL) != SQLITE_OK)
        die(db, "prepare");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long long rows = 0, bytes = 0;
    while ((n = getline(&line, &cap, f)) > 0) {
        if (line[n - 1] == '\n') line[--n] = 0;
        char *tab = strchr(line, '\t');
        if (!tab) continue;
        *tab = 0;
        sqlite3_bind_int64(ins, 1, atoll(line));
        sqlite3_bind_text(ins, 2, tab + 1, (int)(n - (tab + 1 - line)), SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE) die(db, "insert");
        sqlite3_reset(ins);
        rows++;
        bytes += n - (tab + 1 - line);
    }
    sqlite3_finalize(ins);
    exec(db, "COMMIT");
    exec(db, "INSERT INTO p(p) VALUES('optimize')");
    sqlite3_close(db);
    double t = now() - t0;
    free(line);
    fclose(f);
    printf("{\"engine\":\"fts5\",\"seconds\":%.6f,\"paragraphs\":%lld,\"bytes_in\":%lld}\n",
           t, rows, bytes);
    return 0;
}

typedef struct {
    char cls[64];
    char *match;
} query;

static void put(char **buf, size_t *len, size_t *cap, const char *s) {
    size_t n = strlen(s);
    if (*len + n + 1 > *cap) {
        *cap = (*len + n + 1) * 2;
        *buf = realloc(*buf, *cap);
        if (!*buf) exit(2);
    }
    memcpy(*buf + *len, s, n + 1);
    *len += n;
}

/* FTS5 MATCH syntax for CLASS<TAB>OP<TAB>WORDS.  Words are lowercase
 * letters and digits, so none is an FTS5 keyword (those are upper case). */
static char *translate(const char *op, char *words) {
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
            if (i) put(&buf, &len, &cap, " NOT ");
            put(&buf, &len, &cap, w);
        } else { /* term, and, prefix */
            if (i) put(&buf, &len, &cap, " AND ");
            put(&buf, &len, &cap, w);
            if (i == 0 && !strcmp(op, "prefix")) put(&buf, &len, &cap, "*");
        }
    }
    if (!strcmp(op, "phrase")) put(&buf, &len, &cap, "\"");
    if (!buf) put(&buf, &len, &cap, "");
    return buf;
}

static query *load(const char *path, size_t *n) {
    FILE *f = fopen(path, "r");
    if (!f) die(NULL, path);
    query *v = NULL;
    size_t nv = 0, cap = 0, lcap = 0;
    char *line = NULL;
    ssize_t k;
    while ((k = getline(&line, &lcap, f)) >= 0) {
        if (k && line[k - 1] == '\n') line[--k] = 0;
        char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (!t2) continue;
        *t1 = *t2 = 0;
        if (nv == cap) {
            cap = cap ? cap * 2 : 256;
            v = realloc(v, cap * sizeof *v);
            if (!v) exit(2);
        }
        snprintf(v[nv].cls, sizeof v[nv].cls, "%s", line);
        v[nv].match = translate(t1 + 1, t2 + 1);
        nv++;
    }
    free(line);
    fclose(f);
    *n = nv;
    return v;
}

static int cmd_query(const char *path, const char *qfile, int k, int repeat) {
    sqlite3 *db;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) die(db, path);
    sqlite3_stmt *top, *count;
    if (sqlite3_prepare_v2(db,
                           "SELECT rowid, bm25(p) FROM p WHERE p MATCH ?1 "
                           "ORDER BY bm25(p) LIMIT ?2",
                           -1, &top, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT count(*) FROM p WHERE p MATCH ?1", -1, &count,
                           NULL) != SQLITE_OK)
        die(db, "prepare");
    size_t nq;
    query *qs = load(qfile, &nq);
    long long *ids = malloc((size_t)(k + 1) * sizeof *ids);
    for (int pass = -1; pass < repeat; pass++) {
        for (size_t i = 0; i < nq; i++) {
            int nids = 0, rc;
            double t0 = now();
            sqlite3_bind_text(top, 1, qs[i].match, -1, SQLITE_STATIC);
            sqlite3_bind_int(top, 2, k);
            while ((rc = sqlite3_step(top)) == SQLITE_ROW)
                if (nids < k) ids[nids++] = sqlite3_column_int64(top, 0);
            sqlite3_reset(top);
            double t = now() - t0;
            if (rc != SQLITE_DONE) {
                fprintf(stderr, "fts5_bench: query %zu '%s': %s\n", i, qs[i].match,
                        sqlite3_errmsg(db));
                printf("{\"i\":%zu,\"class\":\"%s\",\"error\":true}\n", i, qs[i].cls);
                continue;
            }
            if (pass < 0) continue;
            long long total = 0;
            sqlite3_bind_text(count, 1, qs[i].match, -1, SQLITE_STATIC);
            if (sqlite3_step(count) == SQLITE_ROW) total = sqlite3_column_int64(count, 0);
            sqlite3_reset(count);
            printf("{\"i\":%zu,\"class\":\"%s\",\"us\":%.3f,\"hits\":%lld,\"top\":[", i,
                   qs[i].cls, t * 1e6, total);
            for (int h = 0; h < nids; h++) printf("%s%lld", h ? "," : "", ids[h]);
            printf("]}\n");
        }
    }
    sqlite3_finalize(top);
    sqlite3_finalize(count);
    sqlite3_close(db);
    for (size_t i = 0; i < nq; i++) free(qs[i].match);
    free(qs);
    free(ids);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 4 && !strcmp(argv[1], "build")) return cmd_build(argv[2], argv[3]);
    if (argc >= 5 && !strcmp(argv[1], "query"))
        return cmd_query(argv[2], argv[3], atoi(argv[4]), argc > 5 ? atoi(argv[5]) : 1);
    fprintf(stderr, "usage: fts5_bench build DB PARAS | fts5_bench query DB QUERIES K "
                    "[REPEAT]\n");
    return 2;
}
