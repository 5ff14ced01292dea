/* corpus.c - see corpus.h. */
#include "corpus.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DEPTH 32

typedef struct {
    aj_corpus *cp;
    size_t cap;
    aj_warn_fn warn;
    void *warn_arg;
} scan;

static void warn(scan *s, const char *path, const char *why) {
    s->cp->nskipped++;
    if (s->warn) s->warn(s->warn_arg, path, why);
}

static int is_doc_name(const char *name) {
    size_t n = strlen(name);
    return (n > 4 && strcasecmp(name + n - 4, ".txt") == 0) ||
           (n > 3 && strcasecmp(name + n - 3, ".md") == 0);
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
        warn(s, rel, why);
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
            warn(s, name, "path too long, skipped");
            continue;
        }
        struct stat lst, st;
        char why[160];
        if (fstatat(dirfd(d), name, &lst, AT_SYMLINK_NOFOLLOW) != 0) {
            snprintf(why, sizeof why, "cannot stat: %s, skipped", strerror(errno));
            warn(s, path, why);
            continue;
        }
        if (S_ISDIR(lst.st_mode)) {
            if (depth >= MAX_DEPTH) {
                warn(s, path, "directory nested too deeply, skipped");
                continue;
            }
            int fd = openat(dirfd(d), name,
                            O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (fd < 0) {
                snprintf(why, sizeof why, "cannot read directory: %s, skipped",
                         strerror(errno));
                warn(s, path, why);
                continue;
            }
            e = walk(c, s, fd, path, depth + 1);
            continue;
        }
        if (!is_doc_name(name)) continue;
        if (S_ISLNK(lst.st_mode)) {
            if (fstatat(dirfd(d), name, &st, 0) != 0) {
                /* ENOENT: a dangling link; ELOOP: a loop of links. */
                snprintf(why, sizeof why, "symbolic link cannot be followed: "
                         "%s, skipped", strerror(errno));
                warn(s, path, why);
                continue;
            }
            if (!S_ISREG(st.st_mode)) {
                warn(s, path, "symbolic link to a non-file, skipped");
                continue;
            }
        } else if (!S_ISREG(lst.st_mode)) {
            warn(s, path, "not a regular file, skipped");
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
            if (s->warn) s->warn(s->warn_arg, AJ_METADATA_FILE, why);
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
            if (s->warn) s->warn(s->warn_arg, rel, why);
            free(rel);
            continue;
        }
        free(rel);
        free(d->date);
        free(d->source);
        free(d->title);
        d->date = fields[1] ? field(fields[1], lens[1]) : NULL;
        d->source = fields[2] ? field(fields[2], lens[2]) : NULL;
        d->title = fields[3] ? field(fields[3], lens[3]) : NULL;
    }
    free(line);
    fclose(f);
    return e;
}

aj_err aj_corpus_scan(aj_ctx *c, const char *dir, aj_warn_fn warnfn,
                      void *warn_arg, aj_corpus *out) {
    memset(out, 0, sizeof *out);
    scan s = {out, 0, warnfn, warn_arg};
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
