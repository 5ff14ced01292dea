/*
 * fts5_bench - the SQLite FTS5 peer of the ajsearch benchmark.
 *
 *   fts5_bench build DBPATH PARAS_FILE
 *   fts5_bench query DBPATH QUERIES_FILE K [REPEAT [MODE]]
 *
 * PARAS_FILE has lines "ID<TAB>TEXT"; QUERIES_FILE has lines
 * "CLASS<TAB>OP<TAB>WORDS" (see bench/peers/README.md).
 *
 * Engine configuration (fixed by the benchmark spec):
 *   - one table p(body) with tokenize='porter unicode61 remove_diacritics 2';
 *   - default pragmas; CREATE, every INSERT (rowid = paragraph id, one
 *     prepared statement) and the final 'optimize' run in ONE transaction;
 *   - ranking with FTS5's bm25() (k1 = 1.2, b = 0.75; the value is negated,
 *     so ORDER BY bm25(p) puts the best first), LIMIT K;
 *   - the exact number of matches comes from a separate, untimed
 *     SELECT count(*) (MODE ids only; "hits" is -1 in MODE snippets);
 *   - MODE "ids" (the default) times the top K rowids and scores; MODE
 *     "snippets" also selects snippet(p, 0, '[[', ']]', '...', 48) and the
 *     row's text, and writes id, score, snippet and text of each hit into
 *     an output buffer (the work of a search page; see README.md).
 *
 * Errors: a message on stderr and exit status 2.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static double mono_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void fail(const char *fmt, ...) {
    va_list ap;
    fputs("fts5_bench: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(2);
}

static void *xrealloc(void *p, size_t n) {
    void *q = realloc(p, n ? n : 1);
    if (!q) fail("out of memory");
    return q;
}

static void run_sql(sqlite3 *db, const char *sql) {
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail("%s: %s", sql, msg ? msg : sqlite3_errmsg(db));
}

/* ------------------------------------------------------------------ */
/* build                                                                */

static int do_build(const char *dbpath, const char *paras_path) {
    struct stat st;
    if (stat(dbpath, &st) == 0) fail("%s already exists (build needs a new path)", dbpath);

    FILE *in = fopen(paras_path, "r");
    if (!in) fail("cannot open %s: %s", paras_path, strerror(errno));

    double t0 = mono_seconds();

    sqlite3 *db = NULL;
    if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK)
        fail("cannot create %s: %s", dbpath, db ? sqlite3_errmsg(db) : "out of memory");

    run_sql(db, "BEGIN");
    run_sql(db, "CREATE VIRTUAL TABLE p USING fts5(body, "
                "tokenize='porter unicode61 remove_diacritics 2')");

    sqlite3_stmt *ins = NULL;
    if (sqlite3_prepare_v2(db, "INSERT INTO p(rowid, body) VALUES(?1, ?2)", -1, &ins, NULL) !=
        SQLITE_OK)
        fail("prepare INSERT: %s", sqlite3_errmsg(db));

    char *line = NULL;
    size_t linecap = 0;
    ssize_t len;
    long long lineno = 0, paragraphs = 0, bytes_in = 0;
    while ((len = getline(&line, &linecap, in)) >= 0) {
        lineno++;
        if (len > 0 && line[len - 1] == '\n') line[--len] = '\0';
        if (len == 0) continue; /* tolerate a blank line (e.g. at the end) */
        char *tab = memchr(line, '\t', (size_t)len);
        if (!tab || tab == line) fail("%s:%lld: expected ID<TAB>TEXT", paras_path, lineno);
        *tab = '\0';
        char *end;
        errno = 0;
        long long id = strtoll(line, &end, 10);
        if (errno || *end || id < 0)
            fail("%s:%lld: bad paragraph id '%s'", paras_path, lineno, line);
        const char *text = tab + 1;
        int text_len = (int)(len - (text - line));

        sqlite3_bind_int64(ins, 1, id);
        sqlite3_bind_text(ins, 2, text, text_len, SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE)
            fail("%s:%lld: insert of id %lld: %s", paras_path, lineno, id, sqlite3_errmsg(db));
        sqlite3_reset(ins);
        sqlite3_clear_bindings(ins);
        paragraphs++;
        bytes_in += text_len;
    }
    if (ferror(in)) fail("reading %s: %s", paras_path, strerror(errno));
    sqlite3_finalize(ins);

    run_sql(db, "INSERT INTO p(p) VALUES('optimize')");
    run_sql(db, "COMMIT");
    if (sqlite3_close(db) != SQLITE_OK) fail("closing %s: %s", dbpath, sqlite3_errmsg(db));

    double seconds = mono_seconds() - t0;
    free(line);
    fclose(in);
    printf("{\"engine\":\"fts5\",\"seconds\":%.6f,\"paragraphs\":%lld,\"bytes_in\":%lld}\n",
           seconds, paragraphs, bytes_in);
    return 0;
}

/* ------------------------------------------------------------------ */
/* queries                                                              */

typedef struct {
    char *buf;
    size_t len, cap;
} strbuf;

static void sb_add(strbuf *sb, const char *s) {
    size_t n = strlen(s);
    if (sb->len + n + 1 > sb->cap) {
        sb->cap = 2 * (sb->len + n + 1);
        sb->buf = xrealloc(sb->buf, sb->cap);
    }
    memcpy(sb->buf + sb->len, s, n + 1);
    sb->len += n;
}

static int is_keyword(const char *w) {
    static const char *const kw[] = {"and", "or", "not", "near"};
    for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++) {
        const char *a = w, *b = kw[i];
        while (*a && *b && (*a | 0x20) == *b) a++, b++;
        if (!*a && !*b) return 1;
    }
    return 0;
}

static int is_plain(const char *w) {
    if (!*w) return 0;
    for (; *w; w++)
        if (!((*w >= 'a' && *w <= 'z') || (*w >= '0' && *w <= '9'))) return 0;
    return 1;
}

/* Appends one word as an FTS5 string: bare when it is plain [a-z0-9]+ and
 * not an operator keyword, otherwise in double quotes ("" inside). */
static void add_word(strbuf *sb, const char *w) {
    if (is_plain(w) && !is_keyword(w)) {
        sb_add(sb, w);
        return;
    }
    sb_add(sb, "\"");
    for (const char *p = w; *p; p++) sb_add(sb, *p == '"' ? "\"\"" : (char[]){*p, 0});
    sb_add(sb, "\"");
}

typedef struct {
    char *cls;   /* JSON-escaped class label */
    char *match; /* FTS5 MATCH expression */
} query;

static char *json_escape(const char *s) {
    strbuf sb = {0};
    sb_add(&sb, "");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        char tmp[8];
        if (c == '"' || c == '\\') {
            tmp[0] = '\\', tmp[1] = (char)c, tmp[2] = 0;
        } else if (c < 0x20) {
            snprintf(tmp, sizeof tmp, "\\u%04x", c);
        } else {
            tmp[0] = (char)c, tmp[1] = 0;
        }
        sb_add(&sb, tmp);
    }
    return sb.buf;
}

/* Builds the MATCH string for OP over the words; NULL and *why on error. */
static char *make_match(const char *op, char **w, int n, const char **why) {
    strbuf sb = {0};
    sb_add(&sb, "");
    if (n < 1) {
        *why = "no words";
        goto bad;
    }
    if (!strcmp(op, "term")) {
        if (n != 1) {
            *why = "'term' takes one word";
            goto bad;
        }
        add_word(&sb, w[0]);
    } else if (!strcmp(op, "and") || !strcmp(op, "or") || !strcmp(op, "long")) {
        const char *sep = !strcmp(op, "and") ? " AND " : " OR ";
        for (int i = 0; i < n; i++) {
            if (i) sb_add(&sb, sep);
            add_word(&sb, w[i]);
        }
    } else if (!strcmp(op, "phrase")) {
        /* One FTS5 string: the tokenizer splits it into the phrase's tokens. */
        sb_add(&sb, "\"");
        for (int i = 0; i < n; i++) {
            if (i) sb_add(&sb, " ");
            for (const char *p = w[i]; *p; p++)
                sb_add(&sb, *p == '"' ? "\"\"" : (char[]){*p, 0});
        }
        sb_add(&sb, "\"");
    } else if (!strcmp(op, "not")) {
        if (n != 2) {
            *why = "'not' takes two words";
            goto bad;
        }
        add_word(&sb, w[0]);
        sb_add(&sb, " NOT ");
        add_word(&sb, w[1]);
    } else if (!strcmp(op, "prefix")) {
        add_word(&sb, w[0]);
        sb_add(&sb, "*");
        for (int i = 1; i < n; i++) {
            sb_add(&sb, " AND ");
            add_word(&sb, w[i]);
        }
    } else {
        *why = "unknown OP (term, and, or, phrase, not, prefix, long)";
        goto bad;
    }
    return sb.buf;
bad:
    free(sb.buf);
    return NULL;
}

static query *load_queries(const char *path, size_t *count) {
    FILE *in = fopen(path, "r");
    if (!in) fail("cannot open %s: %s", path, strerror(errno));
    query *qs = NULL;
    size_t nq = 0, qcap = 0;
    char *line = NULL;
    size_t linecap = 0;
    ssize_t len;
    long long lineno = 0;
    char **words = NULL;
    size_t wcap = 0;
    while ((len = getline(&line, &linecap, in)) >= 0) {
        lineno++;
        if (len > 0 && line[len - 1] == '\n') line[--len] = '\0';
        if (len == 0) continue;
        char *t1 = strchr(line, '\t');
        char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (!t2) fail("%s:%lld: expected CLASS<TAB>OP<TAB>WORDS", path, lineno);
        *t1 = *t2 = '\0';
        const char *op = t1 + 1;
        int n = 0;
        for (char *save = NULL, *tok = strtok_r(t2 + 1, " ", &save); tok;
             tok = strtok_r(NULL, " ", &save)) {
            if ((size_t)n == wcap) {
                wcap = wcap ? 2 * wcap : 16;
                words = xrealloc(words, wcap * sizeof *words);
            }
            words[n++] = tok;
        }
        const char *why = NULL;
        char *match = make_match(op, words, n, &why);
        if (!match) fail("%s:%lld: op '%s': %s", path, lineno, op, why);
        if (nq == qcap) {
            qcap = qcap ? 2 * qcap : 256;
            qs = xrealloc(qs, qcap * sizeof *qs);
        }
        qs[nq].cls = json_escape(line);
        qs[nq].match = match;
        nq++;
    }
    if (ferror(in)) fail("reading %s: %s", path, strerror(errno));
    free(words);
    free(line);
    fclose(in);
    *count = nq;
    return qs;
}

static int parse_int(const char *s, const char *what, long min) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || end == s || v < min || v > 1000000000L)
        fail("bad %s '%s' (an integer >= %ld)", what, s, min);
    return (int)v;
}

/* The top-K statements of the two modes. snippet()'s last argument is
 * its length in tokens (at most 64): 48 tokens are about the 320 bytes of
 * ajsearch's snippet window. */
static const char *const top_sql[2] = {
    "SELECT rowid, bm25(p) FROM p WHERE p MATCH ?1 ORDER BY bm25(p) LIMIT ?2",
    "SELECT rowid, bm25(p), snippet(p, 0, '[[', ']]', '...', 48), body FROM p "
    "WHERE p MATCH ?1 ORDER BY bm25(p) LIMIT ?2",
};

/* Appends one hit as a search page prints it: id and score, the snippet,
 * the whole text. The buffer is in memory, so no I/O is timed. */
static void print_hit(strbuf *out, sqlite3_stmt *top) {
    char head[64];
    snprintf(head, sizeof head, "%lld. [%.3f] ", (long long)sqlite3_column_int64(top, 0),
             -sqlite3_column_double(top, 1));
    sb_add(out, head);
    const char *snip = (const char *)sqlite3_column_text(top, 2);
    sb_add(out, snip ? snip : "");
    sb_add(out, "\n");
    const char *text = (const char *)sqlite3_column_text(top, 3);
    sb_add(out, text ? text : "");
    sb_add(out, "\n");
}

static int do_query(const char *dbpath, const char *qpath, int k, int repeat, int snippets) {
    struct stat st;
    if (stat(dbpath, &st) != 0) fail("cannot open %s: %s", dbpath, strerror(errno));
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        fail("cannot open %s: %s", dbpath, db ? sqlite3_errmsg(db) : "out of memory");

    sqlite3_stmt *top = NULL, *cnt = NULL;
    if (sqlite3_prepare_v2(db, top_sql[snippets], -1, &top, NULL) != SQLITE_OK)
        fail("prepare top-k query on %s: %s", dbpath, sqlite3_errmsg(db));
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM p WHERE p MATCH ?1", -1, &cnt, NULL) !=
        SQLITE_OK)
        fail("prepare count query: %s", sqlite3_errmsg(db));

    size_t nq;
    query *qs = load_queries(qpath, &nq);
    long long *ids = xrealloc(NULL, (size_t)(k + 1) * sizeof *ids);
    double *scores = xrealloc(NULL, (size_t)(k + 1) * sizeof *scores);
    strbuf out = {0};

    /* pass -1 is the untimed warm-up over every query */
    for (int pass = -1; pass < repeat; pass++) {
        for (size_t i = 0; i < nq; i++) {
            int nhits = 0, rc;
            out.len = 0;
            double t0 = mono_seconds();
            sqlite3_bind_text(top, 1, qs[i].match, -1, SQLITE_STATIC);
            sqlite3_bind_int(top, 2, k);
            while ((rc = sqlite3_step(top)) == SQLITE_ROW) {
                if (nhits < k) {
                    ids[nhits] = sqlite3_column_int64(top, 0);
                    scores[nhits] = sqlite3_column_double(top, 1);
                    if (snippets) print_hit(&out, top);
                    nhits++;
                }
            }
            sqlite3_reset(top);
            double us = (mono_seconds() - t0) * 1e6;
            if (rc != SQLITE_DONE)
                fail("query %zu (%s): %s", i, qs[i].match, sqlite3_errmsg(db));
            if (pass < 0) continue;

            /* The count is the ids mode's business (the runner compares
             * engines with it); a page run skips it, as it is untimed. */
            long long total = -1;
            if (!snippets) {
                sqlite3_bind_text(cnt, 1, qs[i].match, -1, SQLITE_STATIC);
                if (sqlite3_step(cnt) == SQLITE_ROW) total = sqlite3_column_int64(cnt, 0);
                if (total < 0 || sqlite3_reset(cnt) != SQLITE_OK)
                    fail("count for query %zu (%s): %s", i, qs[i].match, sqlite3_errmsg(db));
            }

            printf("{\"i\":%zu,\"class\":\"%s\",\"us\":%.3f,\"hits\":%lld,"
                   "\"out_bytes\":%zu,\"top\":[",
                   i, qs[i].cls, us, total, out.len);
            for (int h = 0; h < nhits; h++) printf(h ? ",%lld" : "%lld", ids[h]);
            fputs("]}\n", stdout);
        }
    }
    (void)scores; /* fetched as part of the timed work, not printed */
    if (fflush(stdout) != 0) fail("writing output: %s", strerror(errno));

    sqlite3_finalize(top);
    sqlite3_finalize(cnt);
    sqlite3_close(db);
    for (size_t i = 0; i < nq; i++) {
        free(qs[i].cls);
        free(qs[i].match);
    }
    free(qs);
    free(ids);
    free(scores);
    free(out.buf);
    return 0;
}

static void usage(void) {
    fprintf(stderr, "usage: fts5_bench build DBPATH PARAS_FILE\n"
                    "       fts5_bench query DBPATH QUERIES_FILE K [REPEAT [MODE]]\n"
                    "MODE: ids (the default) or snippets\n");
    exit(2);
}

int main(int argc, char **argv) {
    if (argc == 4 && !strcmp(argv[1], "build")) return do_build(argv[2], argv[3]);
    if (argc >= 5 && argc <= 7 && !strcmp(argv[1], "query")) {
        int k = parse_int(argv[4], "K", 0);
        int repeat = argc >= 6 ? parse_int(argv[5], "REPEAT", 1) : 1;
        const char *mode = argc == 7 ? argv[6] : "ids";
        if (strcmp(mode, "ids") && strcmp(mode, "snippets"))
            fail("bad MODE '%s' (ids or snippets)", mode);
        return do_query(argv[2], argv[3], k, repeat, !strcmp(mode, "snippets"));
    }
    usage();
    return 2;
}
