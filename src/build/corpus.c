/* corpus.c - see corpus.h. */
#include "build/corpus.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.h"

#define MAX_DEPTH 32

typedef struct {
    aj_corpus *cp;
    size_t cap;
    aj_warn_fn warn;
    void *warn_arg;
} scan;

const char *aj_warn_kind_name(int kind) {
    static const char *const names[AJ_WARN_NKINDS] = {
        "unreadable", "binary", "link", "not_a_file", "path", "not_indexed",
        "metadata", "empty_corpus", "extract", "changed"};
    return kind >= 0 && kind < AJ_WARN_NKINDS ? names[kind] : "other";
}

static void warn(scan *s, int kind, const char *path, const char *why) {
    s->cp->nskipped++;
    if (s->warn) s->warn(s->warn_arg, kind, path, why);
}

static aj_err add_doc(aj_ctx *c, scan *s, const char *rel) {
    aj_corpus *cp = s->cp;
    if (cp->ndocs == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        aj_corpus_doc *d = realloc(cp->docs, cap * sizeof *d);
        if (!d) return aj_fail(c, AJ_ENOMEM, "document list");
        cp->docs = d;
        s->cap = cap;
    }
    aj_corpus_doc *d = &cp->docs[cp->ndocs];
    memset(d, 0, sizeof *d);
    d->rel = strdup(rel);
    if (!d->rel) return aj_fail(c, AJ_ENOMEM, "document list");
    cp->ndocs++;
    return AJ_OK;
}

/* Walks dirfd (path rel from the root).  Symbolic links to regular files
 * are followed; links to directories are not, which rules out loops. */
static aj_err walk(aj_ctx *c, scan *s, int dfd, const char *rel,
                   int depth) {
    DIR *d = fdopendir(dfd);
    if (!d) {
        char why[160];
        snprintf(why, sizeof why, "cannot read directory: %s, skipped",
                 strerror(errno));
        close(dfd);
        warn(s, AJ_WARN_UNREADABLE, rel, why);
        return AJ_OK;
    }
    aj_err e = AJ_OK;
    struct dirent *de;
    while (!e && (de = readdir(d)) != NULL) {
        const char *name = de->d_name;
        if (name[0] == '.') continue;
        char path[4096];
        int n = snprintf(path, sizeof path, "%s%s%s", rel, *rel ? "/" : "",
                         name);
        if (n < 0 || (size_t)n >= sizeof path) {
            warn(s, AJ_WARN_PATH, name, "path too long, skipped");
            continue;
        }
        struct stat lst, st;
        char why[160];
        if (fstatat(dirfd(d), name, &lst, AT_SYMLINK_NOFOLLOW) != 0) {
            snprintf(why, sizeof why, "cannot stat: %s, skipped", strerror(errno));
            warn(s, AJ_WARN_UNREADABLE, path, why);
            continue;
        }
        if (S_ISDIR(lst.st_mode)) {
            if (depth >= MAX_DEPTH) {
                warn(s, AJ_WARN_PATH, path, "directory nested too deeply, skipped");
                continue;
            }
            int fd = openat(dirfd(d), name,
                            O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (fd < 0) {
                snprintf(why, sizeof why, "cannot read directory: %s, skipped",
                         strerror(errno));
                warn(s, AJ_WARN_UNREADABLE, path, why);
                continue;
            }
            e = walk(c, s, fd, path, depth + 1);
            continue;
        }
        if (S_ISLNK(lst.st_mode) && fstatat(dirfd(d), name, &st, 0) == 0 &&
            S_ISDIR(st.st_mode)) {
            /* Not followed, whatever its name: following links to
             * directories could loop or leave the corpus. */
            warn(s, AJ_WARN_LINK, path,
                 "symbolic link to a directory (not followed), skipped");
            continue;
        }
        /* Every other file is a document, of the format its bytes tell
         * (docmap.h), whatever its name. */
        if (depth == 0 && strcmp(name, AJ_METADATA_FILE) == 0) continue;
        if (S_ISLNK(lst.st_mode)) {
            if (fstatat(dirfd(d), name, &st, 0) != 0) {
                /* ENOENT: a dangling link; ELOOP: a loop of links. */
                snprintf(why, sizeof why, "symbolic link cannot be followed: "
                         "%s, skipped", strerror(errno));
                warn(s, AJ_WARN_LINK, path, why);
                continue;
            }
            if (!S_ISREG(st.st_mode)) {
                warn(s, AJ_WARN_LINK, path, "symbolic link to a non-file, skipped");
                continue;
            }
        } else if (!S_ISREG(lst.st_mode)) {
            warn(s, AJ_WARN_NOT_FILE, path, "not a regular file, skipped");
            continue;
        }
        e = add_doc(c, s, path);
    }
    closedir(d);
    return e;
}

static int cmp_doc(const void *a, const void *b) {
    return strcmp(((const aj_corpus_doc *)a)->rel,
                  ((const aj_corpus_doc *)b)->rel);
}

static aj_corpus_doc *find_doc(aj_corpus *cp, const char *rel) {
    aj_corpus_doc key = {.rel = (char *)rel};
    return bsearch(&key, cp->docs, cp->ndocs, sizeof key, cmp_doc);
}

/* Copies a field, trimming spaces; NULL for an empty field. */
static char *field(const char *p, size_t n) {
    while (n && (*p == ' ' || *p == '\r')) p++, n--;
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\r')) n--;
    if (!n) return NULL;
    return strndup(p, n);
}

/* Reads a line of metadata (without its newline) into buf, keeping at
 * most cap - 1 bytes and discarding the rest, so that a metadata file
 * with no newline costs bounded memory.  Returns 0 at the end of the
 * file; *over is set when the line was longer. */
static int meta_line(FILE *f, char *buf, size_t cap, size_t *len, int *over) {
    size_t n = 0;
    int ch, any = 0;
    *over = 0;
    while ((ch = getc(f)) != EOF) {
        any = 1;
        if (ch == '\n') break;
        if (n + 1 < cap)
            buf[n++] = (char)ch;
        else
            *over = 1;
    }
    buf[n] = 0;
    *len = n;
    return any;
}

/* What is wrong with a metadata date, or NULL when it is one the index
 * accepts: YYYY, YYYY-MM or YYYY-MM-DD, the month 01-12 and the day one
 * that month has (29 February only in a leap year of the Gregorian
 * calendar).  Dates are shown as written, in citations and in --json, so
 * anything else is dropped rather than passed on. */
static const char *date_problem(const char *d) {
    static const char *const form = "is not YYYY, YYYY-MM or YYYY-MM-DD";
    size_t n = strlen(d);
    if (n != 4 && n != 7 && n != 10) return form;
    for (size_t i = 0; i < n; i++)
        if ((i == 4 || i == 7) ? d[i] != '-' : (d[i] < '0' || d[i] > '9')) return form;
    if (n == 4) return NULL;
    int year = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
    int month = (d[5] - '0') * 10 + (d[6] - '0');
    if (month < 1 || month > 12) return "has no month of that number";
    if (n == 7) return NULL;
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    int day = (d[8] - '0') * 10 + (d[9] - '0');
    if (day < 1 || day > days[month - 1] + (month == 2 && leap))
        return "is not a day of the calendar";
    return NULL;
}

static void meta_warn(scan *s, const char *why) {
    if (s->warn) s->warn(s->warn_arg, AJ_WARN_METADATA, AJ_METADATA_FILE, why);
}

static aj_err read_metadata(aj_ctx *c, scan *s, int rootfd) {
    int fd = openat(rootfd, AJ_METADATA_FILE, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return AJ_OK; /* metadata is optional */
    FILE *f = fdopen(fd, "r");
    if (!f) {
        close(fd);
        return aj_fail(c, AJ_ENOMEM, "metadata");
    }
    char *line = malloc(AJ_METADATA_LINE_MAX + 1);
    size_t n;
    int over;
    unsigned lineno = 0;
    aj_err e = line ? AJ_OK : aj_fail(c, AJ_ENOMEM, "metadata");
    while (!e && meta_line(f, line, AJ_METADATA_LINE_MAX + 1, &n, &over)) {
        lineno++;
        if (over) {
            char why[128];
            snprintf(why, sizeof why, "line %u is longer than %u bytes, ignored",
                     lineno, AJ_METADATA_LINE_MAX);
            meta_warn(s, why);
            continue;
        }
        while (n > 0 && line[n - 1] == '\r') line[--n] = 0;
        if (n == 0 || line[0] == '#') continue;
        const char *fields[4] = {0};
        size_t lens[4] = {0};
        const char *p = line;
        for (int i = 0; i < 4; i++) {
            const char *tab = i < 3 ? strchr(p, '\t') : NULL;
            fields[i] = p;
            lens[i] = tab ? (size_t)(tab - p) : strlen(p);
            if (!tab) break;
            p = tab + 1;
        }
        char *rel = field(fields[0], lens[0]);
        if (!rel) continue;
        aj_corpus_doc *d = find_doc(s->cp, rel);
        if (!d) {
            char why[128];
            snprintf(why, sizeof why,
                     "%s line %u names a document that is not in the corpus",
                     AJ_METADATA_FILE, lineno);
            if (s->warn) s->warn(s->warn_arg, AJ_WARN_METADATA, rel, why);
            free(rel);
            continue;
        }
        if (d->meta_line) {
            /* The later line wins, as when a line is appended to correct
             * an earlier one. */
            char why[400];
            snprintf(why, sizeof why,
                     "line %u repeats the document of line %u (%.300s); line %u is used",
                     lineno, d->meta_line, d->rel, lineno);
            meta_warn(s, why);
        }
        free(rel);
        free(d->date);
        free(d->source);
        free(d->title);
        d->meta_line = lineno;
        d->date = fields[1] ? field(fields[1], lens[1]) : NULL;
        d->source = fields[2] ? field(fields[2], lens[2]) : NULL;
        d->title = fields[3] ? field(fields[3], lens[3]) : NULL;
        const char *bad = d->date ? date_problem(d->date) : NULL;
        if (bad) {
            char why[512];
            snprintf(why, sizeof why,
                     "line %u: the date '%.64s%s' %s; %.300s is indexed without a date",
                     lineno, d->date, strlen(d->date) > 64 ? "..." : "", bad, d->rel);
            meta_warn(s, why);
            free(d->date);
            d->date = NULL;
        }
    }
    free(line);
    fclose(f);
    return e;
}

aj_err aj_corpus_scan(aj_ctx *c, const char *dir, aj_warn_fn warnfn,
                      void *warn_arg, aj_corpus *out) {
    memset(out, 0, sizeof *out);
    scan s = {.cp = out, .warn = warnfn, .warn_arg = warn_arg};
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return aj_fail(c, errno == ENOENT ? AJ_ENOTFOUND : AJ_EIO,
                       "%s: cannot open corpus directory: %s", dir,
                       strerror(errno));
    int rootfd = dup(fd);
    aj_err e = walk(c, &s, fd, "", 0);
    if (!e && out->ndocs)
        qsort(out->docs, out->ndocs, sizeof *out->docs, cmp_doc);
    if (!e && rootfd >= 0) e = read_metadata(c, &s, rootfd);
    if (rootfd >= 0) close(rootfd);
    if (!e && out->ndocs == 0 && warnfn)
        warnfn(warn_arg, AJ_WARN_EMPTY, "",
               "the corpus has no document; the index is empty");
    if (e) aj_corpus_free(out);
    return e;
}

void aj_corpus_free(aj_corpus *cp) {
    for (size_t i = 0; i < cp->ndocs; i++) {
        free(cp->docs[i].rel);
        free(cp->docs[i].date);
        free(cp->docs[i].source);
        free(cp->docs[i].title);
    }
    free(cp->docs);
    memset(cp, 0, sizeof *cp);
}
