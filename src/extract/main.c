/*
 * main.c - ajsearch-extract: one document's text for the indexer.
 *
 *   ajsearch-extract [--cpu SECONDS] [--memory BYTES] FILE
 *
 * FILE "-" is standard input, which must then be a regular file (the
 * indexer passes an in-memory copy of the bytes it hashed).  extract.h states the protocol (exit status 0 and header + body on
 * standard output, or exit status 2 and one line on standard error) and
 * docs/EXTRACT.md explains it for the caller.
 *
 * The program guards itself, whatever limits it was started with: it sets
 * its own CPU time limit (RLIMIT_CPU, --cpu, default
 * AJ_EXTRACT_CPU_SECONDS) and catches the signal that limit sends, so a
 * document that keeps a parser busy fails like any other, with status 2;
 * the hard limit a few seconds later kills it if even that hangs.
 * --memory lowers its address space (RLIMIT_AS) for callers that cannot
 * set it between fork and exec (posix_spawn).  The extractors' own limits
 * (extract.h) hold in any case.
 */
#include "extract/extract.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <libxml/parser.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ASAN 1
#endif
#endif

#define CPU_GRACE 5 /* seconds between the soft and the hard CPU limit */

static char xcpu_msg[512];
static size_t xcpu_len;

static void on_xcpu(int sig) {
    (void)sig;
    ssize_t k = write(STDERR_FILENO, xcpu_msg, xcpu_len);
    (void)k;
    _exit(2);
}

/* The file's name as it goes into the one-line message: control bytes
 * would break the line, so they become '?'. */
static void printable(const char *s, char *out, size_t cap) {
    size_t n = 0;
    for (; *s && n + 1 < cap; s++)
        out[n++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
    out[n] = '\0';
}

static char shown[320]; /* the file's name for messages */

static int fail(const char *why) {
    fprintf(stderr, "ajsearch-extract: %s: %s\n", shown, why);
    return 2;
}

static int usage(void) {
    fputs("usage: ajsearch-extract [--cpu SECONDS] [--memory BYTES] FILE\n"
          "Writes the text of a PDF, HTML or DOCX file for ajsearch index "
          "(docs/EXTRACT.md).\n"
          "FILE - reads standard input, which must be a regular file.\n",
          stderr);
    return 2;
}

static void silent_log(const gchar *domain, GLogLevelFlags level,
                       const gchar *msg, gpointer data) {
    (void)domain, (void)level, (void)msg, (void)data;
}

static void silent_xml(void *ctx, const char *msg, ...) {
    (void)ctx, (void)msg;
}

/* A whole number of at most max, from an option's value. */
static int parse_count(const char *v, unsigned long long max,
                       unsigned long long *out) {
    char *end;
    if (!v || !*v || *v == '-') return 0;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (errno || *end || n == 0 || n > max) return 0;
    *out = n;
    return 1;
}

/* Lowers a resource limit to want (never raises one). */
static void lower_limit(int resource, rlim_t soft, rlim_t hard) {
    struct rlimit r;
    if (getrlimit(resource, &r) != 0) return;
    if (r.rlim_max != RLIM_INFINITY && hard > r.rlim_max) hard = r.rlim_max;
    if (soft > hard) soft = hard;
    if (r.rlim_cur != RLIM_INFINITY && soft > r.rlim_cur) soft = r.rlim_cur;
    r.rlim_cur = soft;
    r.rlim_max = hard;
    (void)setrlimit(resource, &r);
}

/* Up to cap bytes at offset at; returns how many were read, -1 on error. */
static ssize_t read_at(int fd, unsigned char *buf, size_t cap, off_t at) {
    size_t got = 0;
    while (got < cap) {
        ssize_t k = pread(fd, buf + got, cap - got, at + (off_t)got);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) return -1;
        if (k == 0) break;
        got += (size_t)k;
    }
    return (ssize_t)got;
}

int main(int argc, char **argv) {
    unsigned long long cpu = AJ_EXTRACT_CPU_SECONDS, memory = 0;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage();
            return 0;
        } else if (!strcmp(a, "--cpu") && i + 1 < argc) {
            if (!parse_count(argv[++i], 86400, &cpu)) return usage();
        } else if (!strcmp(a, "--memory") && i + 1 < argc) {
            if (!parse_count(argv[++i], ~0ull, &memory)) return usage();
        } else if (!strcmp(a, "--") && i + 2 == argc) {
            path = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            return usage();
        } else if (!path) {
            path = a;
        } else {
            return usage();
        }
    }
    if (!path) return usage();
    printable(path, shown, sizeof shown);

    /* Limits first: nothing below runs without them. */
    xcpu_len = (size_t)snprintf(xcpu_msg, sizeof xcpu_msg,
                                "ajsearch-extract: %s: CPU time limit of %llu s "
                                "reached\n",
                                shown, cpu);
    if (xcpu_len >= sizeof xcpu_msg) xcpu_len = sizeof xcpu_msg - 1;
    signal(SIGXCPU, on_xcpu);
    signal(SIGPIPE, SIG_IGN); /* a reader gone away is a write error */
    lower_limit(RLIMIT_CPU, (rlim_t)cpu, (rlim_t)(cpu + CPU_GRACE));
#ifdef ASAN
    /* AddressSanitizer's shadow memory needs terabytes of address space:
     * under it, its own RSS limit (ASAN_OPTIONS) stands in for --memory. */
    (void)memory;
#else
    if (memory) lower_limit(RLIMIT_AS, (rlim_t)memory, (rlim_t)memory);
#endif

    /* The libraries' own messages would be lines on standard error that
     * are not ours. */
    g_log_set_default_handler(silent_log, NULL);
    xmlInitParser();
    xmlSetGenericErrorFunc(NULL, silent_xml);

    /* "-": standard input, which must be a file (the indexer hands over
     * the document's bytes as an in-memory one). */
    int fd = !strcmp(path, "-") ? dup(STDIN_FILENO)
                                : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) return fail(strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) return fail(strerror(errno));
    if (!S_ISREG(st.st_mode)) return fail("not a regular file");
    (void)fcntl(fd, F_SETFL, 0);

    /* The two ends of the file, for the sniffer and the PDF end marker. */
    static unsigned char head[AJ_SNIFF_HEAD], tail[AJ_SNIFF_TAIL];
    uint64_t size = (uint64_t)st.st_size;
    size_t tn = size < AJ_SNIFF_TAIL ? (size_t)size : AJ_SNIFF_TAIL;
    ssize_t hn = read_at(fd, head, sizeof head, 0);
    ssize_t tk = read_at(fd, tail, tn, (off_t)(size - tn));
    if (hn < 0 || tk < 0) return fail(strerror(errno));
    if ((size_t)tk != tn) return fail("the file changed while it was read");

    aj_xdoc *d = calloc(1, sizeof *d);
    if (!d) return fail("out of memory");
    aj_xt_init(&d->body);
    d->pages = -1;
    d->format = aj_extract_sniff_ends(head, (size_t)hn, tail, tn, size);
    aj_ctx c = {0};
    aj_err e = AJ_OK;
    switch (d->format) {
    case AJ_DOCFMT_PDF:
        e = aj_extract_pdf(&c, fd, tail, tn, d);
        break;
    case AJ_DOCFMT_HTML:
        e = aj_extract_html(&c, fd, d);
        break;
    case AJ_DOCFMT_DOCX:
        e = aj_extract_docx(&c, fd, d);
        break;
    default:
        if (size == 0)
            e = aj_fail(&c, AJ_EINVAL, "empty file");
        else if (hn >= 8 && !memcmp(head, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8))
            e = aj_fail(&c, AJ_EINVAL,
                        "an OLE compound file (an encrypted Office document or "
                        "a .doc), not a PDF, HTML or DOCX document");
        else
            e = aj_fail(&c, AJ_EINVAL,
                        "not a PDF, HTML or DOCX document (text is read by "
                        "the indexer itself)");
        break;
    }
    close(fd);
    aj_xt_finish(&d->body);
    if (!e && d->body.err) e = aj_fail(&c, d->body.err, "more than 64 MiB of text");
    if (!e) e = aj_extract_write(&c, d, STDOUT_FILENO);
    aj_xt_free(&d->body);
    free(d);
    xmlCleanupParser();
    if (e) return fail(c.msg[0] ? c.msg : aj_strerror(e));
    return 0;
}
