/*
 * fuzz_http.c - ajsearch-serve's request handling: each input is sent as
 * the raw bytes of an HTTP request to the server's own code (src/cli/
 * serve.c, included here with its main renamed), listening on a port of
 * 127.0.0.1 over a small index built here.  libmicrohttpd parses the
 * request; the server decodes the query string, routes, searches and
 * writes JSON.
 *
 * Whatever the bytes, the server must not crash or leak, must close the
 * connections its clients left by its timeout (1 s here), and what it answers
 * is either nothing (a request it could not parse, or one still waiting
 * for the body its headers announced when the client stopped sending) or
 * an HTTP response whose status is not 500: a request can be refused,
 * never break the server.
 */
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "fuzz_common.h"

#define main ajsearch_serve_main
#include "cli/serve.c"
#undef main

static uint16_t port;
static char *root;

static void remove_root(void) { fz_rmtree(root); }

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    aj_index *ix = fz_build_index("http", 2, 40, &root);
    atexit(remove_root);
    aj_index_close(ix);
    static char index[600];
    snprintf(index, sizeof index, "%s/index", root);
    srv.index_dir = index;
    srv.corpus_dir = NULL;
    srv.overload = 1u << 30;
    aj_ctx c = {0};
    srv.cur = open_live(&c);
    FZ_CHECK(srv.cur != NULL, "open: %s", c.msg);
    clock_gettime(CLOCK_MONOTONIC, &srv.checked);
    signal(SIGPIPE, SIG_IGN);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, 0, NULL, NULL, on_request, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&a, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)1, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_NOTIFY_CONNECTION,
        on_connection, NULL, MHD_OPTION_END);
    FZ_CHECK(d != NULL, "the server did not start");
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    FZ_CHECK(info && info->port, "no port");
    port = info->port;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    FZ_CHECK(s >= 0, "socket");
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    /* an answer takes milliseconds; a request that waits for more bytes
     * (or for a body) never ends, and is given up after a tenth of a second */
    struct timeval tv = {0, 100000};
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    FZ_CHECK(connect(s, (struct sockaddr *)&a, sizeof a) == 0, "connect");
    /* a request ends the connection after it, so the answer ends too */
    for (size_t off = 0; off < size;) {
        ssize_t n = send(s, data + off, size - off, MSG_NOSIGNAL);
        if (n <= 0) break; /* the server closed it: allowed */
        off += (size_t)n;
    }
    shutdown(s, SHUT_WR);
    char head[16] = {0};
    size_t got = 0;
    char buf[4096];
    for (;;) {
        ssize_t n = recv(s, buf, sizeof buf, 0);
        if (n <= 0) break; /* closed, reset, or still waiting for a body */
        for (ssize_t i = 0; i < n && got < sizeof head - 1; i++) head[got++] = buf[i];
    }
    close(s);
    /* The server closes what its clients left, by its timeout at the
     * latest: connections do not pile up (a few hundred inputs a second,
     * each left open at most a second). */
    FZ_CHECK(atomic_load(&srv.open) < 2000, "%u connections open",
             (unsigned)atomic_load(&srv.open));
    if (got) {
        FZ_CHECK(!strncmp(head, "HTTP/1.", 7), "not an HTTP answer: %.15s", head);
        FZ_CHECK(strncmp(head + 8, " 500", 4) != 0, "the server failed: %.15s", head);
    }
    return 0;
}
