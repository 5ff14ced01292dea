/*
 * serve.c - ajsearch-serve, the HTTP server that `ajsearch serve` starts:
 * a JSON API over one index, mapped once and shared by libmicrohttpd's
 * worker threads (README "Server").
 *
 * The index follows its directory: at most every RELOAD_MS a request
 * reads CURRENT, and when a build has switched it to another generation
 * the server opens that one and sends the next requests to it.  Requests
 * running on the old generation finish on it (each holds a reference),
 * and its files are unmapped when the last of them ends, so no request
 * sees half of one index and half of another.
 *
 * A separate program, dynamically linked, because libmicrohttpd brings
 * GnuTLS and its libraries, which the command line (linked statically
 * for its start-up time) should not carry.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ajsearch.h"
#include "facets.h"
#include "hits.h"
#include "out.h"

#define RELOAD_MS 100           /* CURRENT read at most this often */
#define MAX_LIMIT 1000          /* n= at most */
#define MAX_OFFSET 100000       /* offset= at most */
#define MAX_CONTEXT 50          /* context= at most */
#define GROUP_HITS 3            /* best paragraphs per document, as --group */
/* A request's header and URL together: a query of AJ_MAX_QUERY_BYTES
 * percent-encoded takes three times that. */
#define CONN_MEMORY (3 * AJ_MAX_QUERY_BYTES + 64 * 1024)
#define CONN_LIMIT 1000
#define CONN_TIMEOUT_S 30
#define BODY_MAX (1024 * 1024) /* a body read (and dropped) before answering 413 */
/* Connections a worker thread may have open before the API answers 503:
 * past that, a request would wait behind so many others that an
 * immediate "try again" serves the client better. */
#define OVERLOAD_PER_THREAD 64

static const char *prog = "ajsearch serve";

/* One mapped generation and the requests using it. */
typedef struct live {
    aj_index *ix;
    char gen[64];
    int refs;                /* requests holding it, plus 1 while current */
} live;

static struct {
    const char *index_dir, *corpus_dir;
    pthread_mutex_t mu;      /* guards cur and every live's refs */
    live *cur;
    pthread_mutex_t reload;  /* one reader of CURRENT at a time */
    struct timespec checked; /* when CURRENT was last read (reload held) */
    atomic_uint open;        /* connections open now */
    unsigned overload;       /* open connections past which the API says 503 */
} srv = {.mu = PTHREAD_MUTEX_INITIALIZER, .reload = PTHREAD_MUTEX_INITIALIZER};

static void drop(live *l) {
    pthread_mutex_lock(&srv.mu);
    int last = --l->refs == 0;
    pthread_mutex_unlock(&srv.mu);
    if (last) {
        aj_index_close(l->ix);
        free(l);
    }
}

/* The index in dir as a live generation, or NULL after filling c. */
static live *open_live(aj_ctx *c) {
    live *l = calloc(1, sizeof *l);
    if (!l) {
        c->err = AJ_ENOMEM;
        snprintf(c->msg, sizeof c->msg, "out of memory");
        return NULL;
    }
    if (aj_index_open(c, srv.index_dir, &l->ix) != AJ_OK) {
        free(l);
        return NULL;
    }
    aj_index_stats st;
    aj_index_stats_get(l->ix, &st);
    snprintf(l->gen, sizeof l->gen, "%s", st.generation);
    l->refs = 1;
    return l;
}

static double since_ms(const struct timespec *t) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) * 1e3 + (double)(now.tv_nsec - t->tv_nsec) / 1e6;
}

/* CURRENT's generation name into gen (empty when it cannot be read). */
static void read_current(char gen[64]) {
    char path[PATH_MAX];
    gen[0] = 0;
    snprintf(path, sizeof path, "%s/CURRENT", srv.index_dir);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    ssize_t n = read(fd, gen, 63);
    close(fd);
    if (n <= 0) return;
    gen[n] = 0;
    gen[strcspn(gen, "\n")] = 0;
}

/* Switches to the generation CURRENT names when it is another one.  A
 * request that finds another request at it goes on with the index it
 * has: never two opens at once, never a wait. */
static void follow_current(void) {
    if (pthread_mutex_trylock(&srv.reload) != 0) return;
    if (since_ms(&srv.checked) >= RELOAD_MS) {
        clock_gettime(CLOCK_MONOTONIC, &srv.checked);
        char gen[64];
        read_current(gen);
        pthread_mutex_lock(&srv.mu);
        int same = !gen[0] || !strcmp(gen, srv.cur->gen);
        pthread_mutex_unlock(&srv.mu);
        aj_ctx c = {0};
        live *l = same ? NULL : open_live(&c);
        if (l) {
            pthread_mutex_lock(&srv.mu);
            live *old = srv.cur;
            srv.cur = l;
            pthread_mutex_unlock(&srv.mu);
            fprintf(stderr, "%s: now serving %s\n", prog, l->gen);
            drop(old);
        } else if (!same) {
            /* the generation may have gone already: the next look finds
             * the one after it */
            fprintf(stderr, "%s: %s: %s (still serving the previous generation)\n", prog,
                    gen, c.msg);
        }
    }
    pthread_mutex_unlock(&srv.reload);
}

static live *acquire(void) {
    follow_current();
    pthread_mutex_lock(&srv.mu);
    live *l = srv.cur;
    l->refs++;
    pthread_mutex_unlock(&srv.mu);
    return l;
}

/* ---- responses ---- */

typedef struct {
    char *buf;
    size_t len;
    FILE *f;
} body;

static int body_open(body *b) {
    b->buf = NULL;
    b->len = 0;
    b->f = open_memstream(&b->buf, &b->len);
    return b->f != NULL;
}

static enum MHD_Result send_body(struct MHD_Connection *conn, unsigned status, body *b,
                                 const char *type) {
    if (fclose(b->f) != 0) {
        free(b->buf);
        return MHD_NO;
    }
    struct MHD_Response *r =
        MHD_create_response_from_buffer(b->len, b->buf, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(b->buf);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    if (status == MHD_HTTP_SERVICE_UNAVAILABLE)
        MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "1");
    enum MHD_Result ok = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ok;
}

#define JSON_TYPE "application/json; charset=utf-8"

/* The page and what it loads (src/cli/web/, embedded by tools/embed.c). */
extern const unsigned char web_index_html[], web_app_js[], web_app_css[];
extern const unsigned long web_index_html_len, web_app_js_len, web_app_css_len;

/* Script and style only from this server, none written inline in the
 * page or injected into it; requests only to this server; no frames. */
#define CSP "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; " \
            "img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

static enum MHD_Result send_asset(struct MHD_Connection *conn, const unsigned char *data,
                                  unsigned long len, const char *type) {
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_PERSISTENT);
    if (!r) return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(r, "Content-Security-Policy", CSP);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
    enum MHD_Result ok = MHD_queue_response(conn, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ok;
}

/* {"error":msg,"status":N} (and "position" when pos is not SIZE_MAX: the
 * byte of the query where the error is, as the command line's caret). */
static enum MHD_Result send_error(struct MHD_Connection *conn, unsigned status,
                                  const char *msg, size_t pos) {
    body b;
    if (!body_open(&b)) return MHD_NO;
    fputs("{\"error\":", b.f);
    out_json_cstr(b.f, msg);
    if (pos != SIZE_MAX) fprintf(b.f, ",\"position\":%zu", pos);
    fprintf(b.f, ",\"status\":%u}\n", status);
    return send_body(conn, status, &b, JSON_TYPE);
}

/* ---- parameters ---- */

static const char *arg(struct MHD_Connection *conn, const char *name) {
    return MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, name);
}

/* A whole number in [0, max] from parameter name (def when absent);
 * -1 after writing what is wrong into err. */
static long num_arg(struct MHD_Connection *conn, const char *name, long def, long max,
                    char *err, size_t cap) {
    const char *v = arg(conn, name);
    if (!v) return def;
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (!*v || *end || errno || n < 0 || n > max) {
        snprintf(err, cap, "%s must be a whole number from 0 to %ld", name, max);
        return -1;
    }
    return n;
}

/* facet=year,doc,...: AJ_FACET_* bits, or -1 naming the unknown one. */
static long facet_arg(const char *v, char *err, size_t cap) {
    static const struct { const char *name; unsigned bit; } names[] = {
        {"year", AJ_FACET_YEAR}, {"month", AJ_FACET_MONTH}, {"date", AJ_FACET_DATE},
        {"doc", AJ_FACET_DOC}, {"source", AJ_FACET_SOURCE}};
    long bits = 0;
    while (v && *v) {
        size_t n = strcspn(v, ",");
        size_t k = 0;
        while (k < sizeof names / sizeof *names &&
               (strlen(names[k].name) != n || strncmp(names[k].name, v, n) != 0))
            k++;
        if (k == sizeof names / sizeof *names) {
            snprintf(err, cap, "facet: '%.*s' is none of year, month, date, doc, source",
                     (int)(n > 40 ? 40 : n), v);
            return -1;
        }
        bits |= names[k].bit;
        v += n + (v[n] == ',');
    }
    return bits;
}

static int truthy(const char *v) {
    return v && (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes") || !*v);
}

/* ---- the API ---- */

static void json_group(FILE *f, aj_index *ix, const aj_group *g, size_t rank,
                       const hitview *v) {
    aj_ctx c = {0};
    aj_doc_info d = {0};
    if (aj_doc_get(&c, ix, g->doc, &d) != AJ_OK) d = (aj_doc_info){0}; /* nulls */
    fputc('{', f);
    json_group_head(f, rank, &d, g);
    for (size_t k = 0; k < g->nhits; k++) {
        if (k) fputc(',', f);
        json_hit(f, 0, &v[k], &g->hits[k], k + 1, 0);
    }
    fputs("]}", f);
}

/* GET /api/search?q=&n=&offset=&since=&until=&doc=&source=&facet=&group= */
static enum MHD_Result api_search(struct MHD_Connection *conn) {
    char err[160];
    const char *q = arg(conn, "q");
    if (!q) return send_error(conn, MHD_HTTP_BAD_REQUEST, "missing parameter q", SIZE_MAX);
    long n = num_arg(conn, "n", 10, MAX_LIMIT, err, sizeof err);
    long off = n < 0 ? -1 : num_arg(conn, "offset", 0, MAX_OFFSET, err, sizeof err);
    long facets = off < 0 ? -1 : facet_arg(arg(conn, "facet"), err, sizeof err);
    if (facets < 0) return send_error(conn, MHD_HTTP_BAD_REQUEST, err, SIZE_MAX);
    aj_search_opts so;
    aj_search_opts_init(&so);
    so.limit = (uint32_t)n;
    so.offset = (uint32_t)off;
    so.since = arg(conn, "since");
    so.until = arg(conn, "until");
    so.doc = arg(conn, "doc");
    so.source = arg(conn, "source");
    so.facets = (unsigned)facets;
    int group = truthy(arg(conn, "group"));
    if (group) so.group = GROUP_HITS;

    live *l = acquire();
    aj_ctx c = {0};
    aj_searcher *s = NULL;
    const aj_results *r = NULL;
    enum MHD_Result ok;
    if (aj_searcher_new(&c, l->ix, &s) != AJ_OK ||
        aj_search(&c, s, q, strlen(q), &so, &r) != AJ_OK) {
        int user = c.err == AJ_ESYNTAX || c.err == AJ_ELIMIT || c.err == AJ_EINVAL;
        ok = send_error(conn, user ? MHD_HTTP_BAD_REQUEST : MHD_HTTP_INTERNAL_SERVER_ERROR,
                        c.msg, c.err == AJ_ESYNTAX || c.err == AJ_ELIMIT ? c.pos : SIZE_MAX);
        aj_searcher_free(s);
        drop(l);
        return ok;
    }
    hitview *v = calloc(r->nhits + 1, sizeof *v);
    aj_ctx hc = {0};
    if (!v || hits_load(&hc, l->ix, s, r->hits, NULL, r->nhits, v, srv.corpus_dir, NULL)) {
        ok = send_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, v ? hc.msg : "out of memory",
                        SIZE_MAX);
        free(v);
        aj_searcher_free(s);
        drop(l);
        return ok;
    }
    body b;
    if (!body_open(&b)) {
        for (size_t i = 0; i < r->nhits; i++) hit_free(&v[i]);
        free(v);
        aj_searcher_free(s);
        drop(l);
        return MHD_NO;
    }
    FILE *f = b.f;
    fputs("{\"query\":", f);
    out_json_str(f, r->query, r->query_len);
    fputs(",\"given\":", f);
    out_json_str(f, r->given, r->given_len);
    fprintf(f, ",\"total\":%llu,\"total_exact\":%s,\"listed\":%zu,\"partial\":%zu,"
               "\"clauses\":%u,\"corrected\":%s,\"suggestion\":",
            (unsigned long long)r->total, r->total_exact ? "true" : "false", r->nhits,
            r->npartial, r->clauses, r->corrected ? "true" : "false");
    if (r->suggestion) out_json_str(f, r->suggestion->query, r->suggestion->query_len);
    else fputs("null", f);
    fputs(",\"missing\":", f);
    json_missing(f, r);
    fputc(',', f);
    json_also(f, r, 0);
    fprintf(f, "\"took_us\":%.0f,\"generation\":", r->seconds * 1e6);
    out_json_cstr(f, l->gen);
    if (group) {
        fprintf(f, ",\"total_groups\":%llu,\"groups\":[", (unsigned long long)r->total_groups);
        for (size_t i = 0; i < r->ngroups; i++) {
            if (i) fputc(',', f);
            const aj_group *g = &r->groups[i];
            json_group(f, l->ix, g, so.offset + i + 1, v + (g->hits - r->hits));
        }
        fputc(']', f);
    } else {
        fputs(",\"hits\":[", f);
        for (size_t i = 0; i < r->nhits; i++) {
            if (i) fputc(',', f);
            json_hit(f, 0, &v[i], &r->hits[i], so.offset + i + 1, 0);
        }
        fputc(']', f);
    }
    if (r->nfacets) {
        fputc(',', f);
        facets_json(f, r);
    }
    fputs("}\n", f);
    for (size_t i = 0; i < r->nhits; i++) hit_free(&v[i]);
    free(v);
    aj_searcher_free(s);
    drop(l);
    return send_body(conn, MHD_HTTP_OK, &b, JSON_TYPE);
}

/* GET /api/paragraph/ID?context=N: the paragraph and up to N neighbours
 * each side within its document, as `ajsearch show --json`. */
static enum MHD_Result api_paragraph(struct MHD_Connection *conn, const char *idstr) {
    char err[160];
    char *end;
    errno = 0;
    unsigned long id = strtoul(idstr, &end, 10);
    if (!*idstr || *end || errno || idstr[0] == '-' || id > UINT32_MAX)
        return send_error(conn, MHD_HTTP_NOT_FOUND, "no such paragraph: the id is a number",
                          SIZE_MAX);
    long ctx = num_arg(conn, "context", 1, MAX_CONTEXT, err, sizeof err);
    if (ctx < 0) return send_error(conn, MHD_HTTP_BAD_REQUEST, err, SIZE_MAX);
    live *l = acquire();
    aj_index_stats st;
    aj_index_stats_get(l->ix, &st);
    if (id >= st.nparas) {
        drop(l);
        snprintf(err, sizeof err, "no paragraph %lu: ids run from 0 to %u", id,
                 st.nparas ? st.nparas - 1 : 0);
        return send_error(conn, MHD_HTTP_NOT_FOUND, err, SIZE_MAX);
    }
    aj_ctx c = {0};
    aj_searcher *s = NULL;
    aj_para_info p;
    aj_doc_info d;
    body b = {0};
    if (aj_para_get(&c, l->ix, (uint32_t)id, &p) || aj_doc_get(&c, l->ix, p.doc, &d) ||
        aj_searcher_new(&c, l->ix, &s) || !body_open(&b)) {
        enum MHD_Result ok = send_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
                                        c.err ? c.msg : "out of memory", SIZE_MAX);
        aj_searcher_free(s);
        drop(l);
        return ok;
    }
    uint32_t from, to;
    hit_context(&d, (uint32_t)id, (uint32_t)ctx, &from, &to);
    fprintf(b.f, "{\"id\":%lu,\"generation\":", id);
    out_json_cstr(b.f, l->gen);
    fputs(",\"paragraphs\":[", b.f);
    aj_err e = AJ_OK;
    for (uint32_t k = from; k <= to && !e; k++) {
        hitview v;
        if ((e = hit_load(&c, l->ix, s, k, &v)) != AJ_OK) break;
        fputs(k == from ? "{" : ",{", b.f);
        json_para(b.f, &v);
        fprintf(b.f, ",\"target\":%s}", k == id ? "true" : "false");
        hit_free(&v);
    }
    fputs("]}\n", b.f);
    aj_searcher_free(s);
    drop(l);
    if (e) {
        fclose(b.f);
        free(b.buf);
        return send_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, c.msg, SIZE_MAX);
    }
    return send_body(conn, MHD_HTTP_OK, &b, JSON_TYPE);
}

/* GET /api/stats: what `ajsearch stats --json` tells of the index. */
static enum MHD_Result api_stats(struct MHD_Connection *conn) {
    live *l = acquire();
    aj_index_stats st;
    aj_index_stats_get(l->ix, &st);
    body b;
    if (!body_open(&b)) {
        drop(l);
        return MHD_NO;
    }
    uint64_t total = 0;
    for (size_t i = 0; i < st.nfiles; i++) total += st.files[i].nbytes;
    fputs("{\"index\":", b.f);
    out_json_cstr(b.f, srv.index_dir);
    fputs(",\"generation\":", b.f);
    out_json_cstr(b.f, l->gen);
    fprintf(b.f, ",\"documents\":%u,\"paragraphs\":%u,\"terms\":%llu,\"words\":%llu,"
                 "\"postings\":%llu,\"positions\":%llu,\"avgdl\":%.6f,\"acronyms\":%u,"
                 "\"bytes\":%llu}\n",
            st.ndocs, st.nparas, (unsigned long long)st.nterms, (unsigned long long)st.nwords,
            (unsigned long long)st.npostings, (unsigned long long)st.ntokens, st.avgdl,
            st.nacronyms, (unsigned long long)total);
    drop(l);
    return send_body(conn, MHD_HTTP_OK, &b, JSON_TYPE);
}

static enum MHD_Result healthz(struct MHD_Connection *conn) {
    live *l = acquire();
    body b;
    if (!body_open(&b)) {
        drop(l);
        return MHD_NO;
    }
    fputs("{\"status\":\"ok\",\"generation\":", b.f);
    out_json_cstr(b.f, l->gen);
    fputs("}\n", b.f);
    drop(l);
    return send_body(conn, MHD_HTTP_OK, &b, JSON_TYPE);
}

static enum MHD_Result route(struct MHD_Connection *conn, const char *url);

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_size, void **state) {
    (void)cls, (void)version, (void)upload;
    int get = !strcmp(method, MHD_HTTP_METHOD_GET) || !strcmp(method, MHD_HTTP_METHOD_HEAD);
    if (*state == NULL) {
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
        int has_body = (cl && strcmp(cl, "0")) ||
                       MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                   MHD_HTTP_HEADER_TRANSFER_ENCODING);
        if (!has_body && get) return route(conn, url);
        if (!has_body)
            return send_error(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
                              "only GET and HEAD are served", SIZE_MAX);
        /* MHD answers only once the body is in: it is read and dropped,
         * up to BODY_MAX, past which the connection is closed. */
        *state = calloc(1, sizeof(size_t));
        return *state ? MHD_YES : MHD_NO;
    }
    size_t *seen = *state;
    if (*upload_size) {
        *seen += *upload_size;
        *upload_size = 0;
        return *seen > BODY_MAX ? MHD_NO : MHD_YES;
    }
    if (!get)
        return send_error(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD are served",
                          SIZE_MAX);
    return send_error(conn, MHD_HTTP_CONTENT_TOO_LARGE,
                      "request bodies are not accepted: the API takes GET requests", SIZE_MAX);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **state,
                         enum MHD_RequestTerminationCode why) {
    (void)cls, (void)conn, (void)why;
    free(*state);
    *state = NULL;
}

static enum MHD_Result route(struct MHD_Connection *conn, const char *url) {
    unsigned open = atomic_load(&srv.open);
    if (!strncmp(url, "/api/", 5) && open > srv.overload) {
        char msg[160];
        snprintf(msg, sizeof msg, "overloaded: %u connections open, more than the %u this "
                 "server takes at once; try again shortly", open, srv.overload);
        return send_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, msg, SIZE_MAX);
    }
    if (!strcmp(url, "/"))
        return send_asset(conn, web_index_html, web_index_html_len, "text/html; charset=utf-8");
    if (!strcmp(url, "/app.js"))
        return send_asset(conn, web_app_js, web_app_js_len, "text/javascript; charset=utf-8");
    if (!strcmp(url, "/app.css"))
        return send_asset(conn, web_app_css, web_app_css_len, "text/css; charset=utf-8");
    if (!strcmp(url, "/favicon.ico")) { /* none: said without an error */
        struct MHD_Response *r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
        if (!r) return MHD_NO;
        enum MHD_Result ok = MHD_queue_response(conn, MHD_HTTP_NO_CONTENT, r);
        MHD_destroy_response(r);
        return ok;
    }
    if (!strcmp(url, "/api/search")) return api_search(conn);
    if (!strncmp(url, "/api/paragraph/", 15)) return api_paragraph(conn, url + 15);
    if (!strcmp(url, "/api/stats")) return api_stats(conn);
    if (!strcmp(url, "/healthz")) return healthz(conn);
    return send_error(conn, MHD_HTTP_NOT_FOUND, "no such page", SIZE_MAX);
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_state,
                          enum MHD_ConnectionNotificationCode what) {
    (void)cls, (void)conn, (void)socket_state;
    if (what == MHD_CONNECTION_NOTIFY_STARTED) atomic_fetch_add(&srv.open, 1);
    else atomic_fetch_sub(&srv.open, 1);
}

/* ---- the program ---- */

static void usage(void) {
    fprintf(stderr, "usage: %s --index DIR [--corpus DIR] [--bind ADDR] [--port N] "
                    "[--threads N]\n", prog);
    exit(2);
}

int main(int argc, char **argv) {
    const char *bind_to = "127.0.0.1";
    long port = 8080, threads = sysconf(_SC_NPROCESSORS_ONLN);
    for (int i = 1; i < argc; i += 2) {
        /* options come in pairs: a name and its value */
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        char *end;
        if (!v) usage();
        if (!strcmp(a, "--index")) srv.index_dir = v;
        else if (!strcmp(a, "--corpus")) srv.corpus_dir = v;
        else if (!strcmp(a, "--bind")) bind_to = v;
        else if (!strcmp(a, "--port") && (port = strtol(v, &end, 10), !*end && port >= 0 &&
                                            port <= 65535)) {
        } else if (!strcmp(a, "--threads") &&
                   (threads = strtol(v, &end, 10), !*end && threads >= 1 && threads <= 256)) {
        } else {
            fprintf(stderr, "%s: bad option %s %s\n", prog, a, v);
            usage();
        }
    }
    if (!srv.index_dir) usage();
    if (threads < 1) threads = 1;
    srv.overload = (unsigned)threads * OVERLOAD_PER_THREAD;
    struct sockaddr_in6 a6 = {0};
    struct sockaddr_in a4 = {0};
    const struct sockaddr *sa;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
    if (inet_pton(AF_INET, bind_to, &a4.sin_addr) == 1) {
        a4.sin_family = AF_INET;
        a4.sin_port = htons((uint16_t)port);
        sa = (const struct sockaddr *)&a4;
    } else if (inet_pton(AF_INET6, bind_to, &a6.sin6_addr) == 1) {
        a6.sin6_family = AF_INET6;
        a6.sin6_port = htons((uint16_t)port);
        sa = (const struct sockaddr *)&a6;
        flags |= MHD_USE_IPv6;
    } else {
        fprintf(stderr, "%s: --bind %s: not an IPv4 or IPv6 address\n", prog, bind_to);
        return 2;
    }
    aj_ctx c = {0};
    if (!(srv.cur = open_live(&c))) {
        fprintf(stderr, "%s: %s\n", prog, c.msg);
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &srv.checked);
    signal(SIGPIPE, SIG_IGN);
    /* SIGINT and SIGTERM blocked in every thread (MHD's inherit the
     * mask), and waited for here: delivered to a worker, they would not
     * wake this thread. */
    sigset_t stops;
    sigemptyset(&stops);
    sigaddset(&stops, SIGINT);
    sigaddset(&stops, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stops, NULL);
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, sa,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)CONN_LIMIT, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONN_TIMEOUT_S,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, NULL, MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "%s: cannot listen on %s port %ld: %s\n", prog, bind_to, port,
                strerror(errno));
        return 2;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    unsigned bound = info ? info->port : (unsigned)port;
    const char *br = sa->sa_family == AF_INET6 ? "[" : "", *ket = sa->sa_family == AF_INET6 ? "]" : "";
    printf("ajsearch: serving %s (%s) at http://%s%s%s:%u/ with %ld threads\n", srv.index_dir,
           srv.cur->gen, br, bind_to, ket, bound, threads);
    fflush(stdout);
    int sig;
    while (sigwait(&stops, &sig) != 0) {
    }
    MHD_stop_daemon(d);
    drop(srv.cur);
    fprintf(stderr, "%s: stopped\n", prog);
    return 0;
}
