/* xrun.c - see xrun.h. */
#include "build/xrun.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#ifndef AJ_EXTRACT_PATH
#define AJ_EXTRACT_PATH "/usr/local/bin/ajsearch-extract"
#endif

#define PROGRAM "ajsearch-extract"
/* The most a well-behaved extractor writes: the header and the body. */
#define MAX_OUT ((size_t)AJ_EXTRACT_MAX_HEADER + AJ_EXTRACT_MAX_TEXT)
#define MAX_ERR 1024

static int executable(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

int aj_xrun_find(const char *given, char *out, size_t cap) {
    if (given && *given) {
        snprintf(out, cap, "%s", given);
        if (executable(out)) return 0;
        snprintf(out, cap, "%s is not an executable file", given);
        return -1;
    }
    const char *env = getenv("AJSEARCH_EXTRACT");
    if (env && *env) {
        snprintf(out, cap, "%s", env);
        if (executable(out)) return 0;
        snprintf(out, cap, "AJSEARCH_EXTRACT=%s is not an executable file", env);
        return -1;
    }
    /* Beside the running program: the build directory, or the bin
     * directory of an installation. */
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        if (slash && (size_t)(slash - self) + sizeof PROGRAM + 1 < cap) {
            snprintf(out, cap, "%.*s/%s", (int)(slash - self), self, PROGRAM);
            if (executable(out)) return 0;
        }
    }
    snprintf(out, cap, "%s", AJ_EXTRACT_PATH);
    if (executable(out)) return 0;
    const char *path = getenv("PATH");
    while (path && *path) {
        const char *end = strchr(path, ':');
        size_t len = end ? (size_t)(end - path) : strlen(path);
        if (len && len + sizeof PROGRAM + 1 < cap) {
            snprintf(out, cap, "%.*s/%s", (int)len, path, PROGRAM);
            if (executable(out)) return 0;
        }
        path = end ? end + 1 : NULL;
    }
    snprintf(out, cap, "no " PROGRAM " beside this program, at " AJ_EXTRACT_PATH
             " or on PATH (set AJSEARCH_EXTRACT)");
    return -1;
}

void aj_xresult_free(aj_xresult *r) {
    free(r->text);
    r->text = NULL;
    r->len = 0;
}

static int fail(aj_xresult *r, const char *fmt, const char *arg) {
    snprintf(r->why, sizeof r->why, fmt, arg);
    aj_xresult_free(r);
    return -1;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The document as a file the child can read and seek: an in-memory file,
 * so that what it reads is what the build hashed. */
static int doc_file(const void *data, size_t n) {
    int fd = memfd_create("ajsearch-document", MFD_CLOEXEC);
    if (fd < 0) return -1;
    const char *p = data;
    size_t done = 0;
    while (done < n) {
        ssize_t k = write(fd, p + done, n - done);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) {
            close(fd);
            return -1;
        }
        done += (size_t)k;
    }
    if (lseek(fd, 0, SEEK_SET) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* The value of header line `name`, or NULL; sets *vlen. */
static const char *header(const char *h, size_t hn, const char *name, size_t *vlen) {
    size_t nl = strlen(name);
    const char *p = h, *end = h + hn;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol) break;
        if ((size_t)(eol - p) > nl && !memcmp(p, name, nl) && p[nl] == '\t') {
            *vlen = (size_t)(eol - p - (ptrdiff_t)nl - 1);
            return p + nl + 1;
        }
        p = eol + 1;
    }
    return NULL;
}

static int copy_value(const char *h, size_t hn, const char *name, char *out, size_t cap) {
    size_t n;
    const char *v = header(h, hn, name, &n);
    out[0] = '\0';
    if (!v) return 0;
    if (n >= cap) return -1;
    memcpy(out, v, n);
    out[n] = '\0';
    return 1;
}

/* Reads the protocol of extract.h out of the program's standard output. */
static int parse(char *buf, size_t n, aj_docfmt fmt, aj_xresult *r) {
    static const char magic[] = PROGRAM "\t1\n";
    if (n < sizeof magic - 1 || memcmp(buf, magic, sizeof magic - 1))
        return fail(r, "the extractor broke its protocol (%s)", "no magic line");
    char *sep = memmem(buf, n < AJ_EXTRACT_MAX_HEADER + 1 ? n : AJ_EXTRACT_MAX_HEADER + 1,
                       "\n\n", 2);
    if (!sep) return fail(r, "the extractor broke its protocol (%s)", "no end of header");
    size_t hn = (size_t)(sep - buf) + 1;
    char fmtname[16], len[24], pages[24];
    if (copy_value(buf, hn, "format", fmtname, sizeof fmtname) != 1 ||
        strcmp(fmtname, aj_docfmt_name(fmt)))
        return fail(r, "the extractor broke its protocol (%s)", "wrong format");
    if (copy_value(buf, hn, "title", r->title, sizeof r->title) < 0 ||
        copy_value(buf, hn, "date", r->date, sizeof r->date) < 0)
        return fail(r, "the extractor broke its protocol (%s)", "a value too long");
    r->pages = -1;
    int hp = copy_value(buf, hn, "pages", pages, sizeof pages);
    if (hp < 0) return fail(r, "the extractor broke its protocol (%s)", "pages");
    if (hp) {
        char *e;
        long v = strtol(pages, &e, 10);
        if (*e || v < 0 || v > AJ_EXTRACT_MAX_PAGES)
            return fail(r, "the extractor broke its protocol (%s)", "pages");
        r->pages = v;
    }
    if (copy_value(buf, hn, "length", len, sizeof len) != 1)
        return fail(r, "the extractor broke its protocol (%s)", "no length");
    char *e;
    unsigned long long body = strtoull(len, &e, 10);
    size_t at = hn + 1;
    if (*e || body != n - at)
        return fail(r, "the extractor broke its protocol (%s)", "length");
    /* The segmenter reads text without NUL bytes (docmap.c treats one as
     * binary); the protocol promises none. */
    if (memchr(buf + at, 0, (size_t)body))
        return fail(r, "the extractor broke its protocol (%s)", "a NUL byte");
    memmove(buf, buf + at, (size_t)body);
    buf[body] = '\0';
    r->text = buf;
    r->len = (size_t)body;
    return 0;
}

/* Appends up to k bytes read from fd to *buf (at most max in all).
 * Returns bytes read, 0 at end of file, -1 on error, -2 over max. */
static ssize_t take(int fd, char **buf, size_t *n, size_t *cap, size_t max) {
    if (*n == max) {
        char c;
        ssize_t k = read(fd, &c, 1);
        return k > 0 ? -2 : k;
    }
    if (*n + 1 >= *cap) {
        size_t nc = *cap ? *cap * 2 : 65536;
        if (nc > max + 1) nc = max + 1;
        char *b = realloc(*buf, nc);
        if (!b) return -1;
        *buf = b;
        *cap = nc;
    }
    size_t room = *cap - 1 - *n;
    if (*n + room > max) room = max - *n;
    ssize_t k = read(fd, *buf + *n, room);
    if (k > 0) *n += (size_t)k;
    return k;
}

int aj_xrun(const aj_xrun_opts *o, const void *data, size_t n, aj_docfmt fmt,
            aj_xresult *r) {
    int doc = doc_file(data, n);
    if (doc < 0) {
        memset(r, 0, sizeof *r);
        return fail(r, "cannot hand the document to the extractor: %s", strerror(errno));
    }
    int rc = aj_xrun_fd(o, doc, fmt, r);
    close(doc);
    return rc;
}

int aj_xrun_fd(const aj_xrun_opts *o, int doc, aj_docfmt fmt, aj_xresult *r) {
    memset(r, 0, sizeof *r);
    r->format = fmt;
    r->pages = -1;
    if (lseek(doc, 0, SEEK_SET) != 0)
        return fail(r, "cannot hand the document to the extractor: %s", strerror(errno));
    int out[2] = {-1, -1}, err[2] = {-1, -1};
    if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
        int en = errno;
        for (int i = 0; i < 2; i++) {
            if (out[i] >= 0) close(out[i]);
            if (err[i] >= 0) close(err[i]);
        }
        return fail(r, "cannot start the extractor: %s", strerror(en));
    }
    unsigned secs = o->seconds ? o->seconds : AJ_XRUN_SECONDS;
    char cpu[24], mem[24];
    snprintf(cpu, sizeof cpu, "%u", secs);
    snprintf(mem, sizeof mem, "%llu", (unsigned long long)o->memory);
    char *argv[8];
    int a = 0;
    argv[a++] = (char *)o->program;
    argv[a++] = "--cpu";
    argv[a++] = cpu;
    if (o->memory) {
        argv[a++] = "--memory";
        argv[a++] = mem;
    }
    argv[a++] = "-";
    argv[a] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, doc, 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err[1], 2);
    posix_spawnattr_init(&at);
    /* The child starts with default signal dispositions and an empty mask,
     * whatever the indexing thread blocks or ignores. */
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &all);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t pid;
    int se = posix_spawn(&pid, o->program, &fa, &at, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    close(out[1]);
    close(err[1]);
    if (se != 0) {
        close(out[0]);
        close(err[0]);
        return fail(r, "cannot start the extractor: %s", strerror(se));
    }

    char *obuf = NULL, *ebuf = NULL;
    size_t on = 0, ocap = 0, en = 0, ecap = 0;
    int oopen = 1, eopen = 1, over = 0, timed_out = 0, ioerr = 0;
    double deadline = now() + 2.0 * secs + 10;
    while (oopen || eopen) {
        struct pollfd p[2];
        int np = 0, io = -1, ie = -1;
        if (oopen) io = np, p[np++] = (struct pollfd){out[0], POLLIN, 0};
        if (eopen) ie = np, p[np++] = (struct pollfd){err[0], POLLIN, 0};
        double left = deadline - now();
        if (left <= 0) {
            timed_out = 1;
            break;
        }
        int k = poll(p, (nfds_t)np, (int)(left * 1000) + 1);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) {
            ioerr = 1;
            break;
        }
        if (io >= 0 && p[io].revents) {
            ssize_t g = take(out[0], &obuf, &on, &ocap, MAX_OUT);
            if (g == -2) {
                over = 1;
                break;
            }
            if (g == 0 || (g < 0 && errno != EINTR && errno != EAGAIN)) oopen = 0;
        }
        if (ie >= 0 && p[ie].revents) {
            ssize_t g = take(err[0], &ebuf, &en, &ecap, MAX_ERR);
            if (g == -2) {
                en = MAX_ERR; /* the first line is all that is kept */
            } else if (g == 0 || (g < 0 && errno != EINTR && errno != EAGAIN)) {
                eopen = 0;
            }
        }
    }
    if (timed_out || over || ioerr) kill(pid, SIGKILL);
    close(out[0]);
    close(err[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    int rc = -1;
    if (timed_out) {
        snprintf(r->why, sizeof r->why, "the extractor took more than %u s", 2 * secs + 10);
    } else if (over) {
        snprintf(r->why, sizeof r->why, "the extractor wrote more than %zu bytes", MAX_OUT);
    } else if (ioerr) {
        snprintf(r->why, sizeof r->why, "cannot read the extractor's output");
    } else if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        snprintf(r->why, sizeof r->why, "the extractor %s (signal %d, %s)",
                 sig == SIGKILL || sig == SIGXCPU ? "was killed" : "crashed", sig,
                 strsignal(sig));
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == 2) {
        /* Its one line, "ajsearch-extract: -: WHY", reduced to WHY. */
        const char *msg = ebuf ? ebuf : "";
        if (ebuf) ebuf[en < MAX_ERR ? en : MAX_ERR - 1] = '\0';
        static const char pre[] = PROGRAM ": -: ";
        if (!strncmp(msg, pre, sizeof pre - 1)) msg += sizeof pre - 1;
        size_t l = strcspn(msg, "\n");
        snprintf(r->why, sizeof r->why, "%.*s", (int)(l < 200 ? l : 200),
                 *msg ? msg : "the extractor failed without a message");
    } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
        snprintf(r->why, sizeof r->why, "the extractor exited with status %d",
                 WEXITSTATUS(status));
    } else {
        rc = parse(obuf ? obuf : (obuf = calloc(1, 1)), on, fmt, r);
        if (rc == 0) obuf = NULL; /* now r->text */
    }
    free(obuf);
    free(ebuf);
    if (rc) aj_xresult_free(r);
    return rc;
}
