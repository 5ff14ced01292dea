/* docmap.c - see docmap.h. */
#include "build/docmap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "analysis/segment.h"

static void skip(aj_docmap *m, int kind, const char *why) {
    m->skipped = 1;
    m->skip_kind = kind;
    snprintf(m->why, sizeof m->why, "%s", why);
}

static int same_file(const struct stat *a, const struct stat *b) {
    return a->st_size == b->st_size && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
           a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static void note_change(aj_docmap *m, int fd, const struct stat *st, uint64_t got) {
    struct stat after;
    if (got != (uint64_t)st->st_size || fstat(fd, &after) != 0 || !same_file(st, &after))
        m->changed = 1;
    if (m->changed)
        snprintf(m->changed_why, sizeof m->changed_why,
                 "changed while it was read (%llu bytes when opened, %llu read): "
                 "indexed as read",
                 (unsigned long long)st->st_size, (unsigned long long)got);
}

static void cannot_read(aj_docmap *m, const char *what) {
    char why[200];
    snprintf(why, sizeof why, "cannot read: %s, skipped", what);
    skip(m, AJ_WARN_UNREADABLE, why);
}

static aj_docmap_read_hook read_hook;
static void *read_hook_arg;
static __thread const char *reading; /* the path being read, for the hook */
static __thread uint64_t reading_done;

void aj_docmap_set_read_hook(aj_docmap_read_hook fn, void *arg) {
    read_hook = fn;
    read_hook_arg = arg;
}

/* Reads up to want bytes from fd at its offset; returns how many (fewer at
 * the end of the file), or -1. */
static ssize_t read_full(int fd, char *p, size_t want) {
    size_t got = 0;
    while (got < want) {
        if (read_hook) read_hook(read_hook_arg, reading, reading_done + got);
        ssize_t k = read(fd, p + got, want - got);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) return -1;
        if (k == 0) break;
        got += (size_t)k;
    }
    return (ssize_t)got;
}

/* Reads the whole file into an anonymous mapping.  One byte more than its
 * size is asked for, to notice a file that grew (what a build sees is its
 * size when opened). */
static void read_whole(aj_docmap *m, int fd, const struct stat *st) {
    size_t want = (size_t)st->st_size + 1;
    void *p = mmap(NULL, want, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        cannot_read(m, "no memory for it");
        return;
    }
    m->buf = p;
    m->buf_len = want;
    ssize_t got = read_full(fd, p, want);
    if (got < 0) {
        cannot_read(m, strerror(errno));
        return;
    }
    if ((size_t)got == want) {
        got--;
        m->changed = 1;
    }
    note_change(m, fd, st, (uint64_t)got);
    m->src = p;
    m->len = (size_t)got;
    m->size = (uint64_t)got;
    m->xxh3 = XXH3_64bits(p, (size_t)got);
}

/* An unnamed file in dirfd: O_TMPFILE, else a name removed at once. */
static int spill_file(int dirfd) {
    int fd = openat(dirfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)) return fd;
    char name[64];
    snprintf(name, sizeof name, "doc-%ld-%p.tmp", (long)getpid(), (void *)&name);
    fd = openat(dirfd, name, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0) unlinkat(dirfd, name, 0);
    return fd;
}

#define STEP (1u << 20)

/* A large file: copied (and hashed) a step at a time into a file of the
 * build's own, then mapped from it; or, for status (spill_dirfd < 0), only
 * hashed, its head kept for the title and the sniffers (and its tail read
 * for the ZIP directory). */
static void read_large(aj_docmap *m, int fd, const struct stat *st, int spill_dirfd) {
    XXH3_state_t *h = XXH3_createState();
    char *step = malloc(STEP);
    m->buf_len = AJ_TITLE_SCAN;
    void *head = mmap(NULL, m->buf_len, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (head != MAP_FAILED) m->buf = head;
    int out = spill_dirfd >= 0 ? spill_file(spill_dirfd) : -1;
    if (!h || !step || !m->buf || (spill_dirfd >= 0 && out < 0)) {
        cannot_read(m, out < 0 && spill_dirfd >= 0 ? "no room for a copy" : "no memory");
        goto done;
    }
    XXH3_64bits_reset(h);
    uint64_t got = 0;
    size_t head_len = 0;
    for (;;) {
        ssize_t k = read_full(fd, step, STEP);
        if (k < 0) {
            cannot_read(m, strerror(errno));
            goto done;
        }
        if (k == 0) break;
        reading_done += (uint64_t)k;
        if (got + (uint64_t)k > (uint64_t)st->st_size) {
            k = (ssize_t)((uint64_t)st->st_size - got); /* it grew */
            m->changed = 1;
        }
        XXH3_64bits_update(h, step, (size_t)k);
        if (head_len < AJ_TITLE_SCAN) {
            size_t take = AJ_TITLE_SCAN - head_len < (size_t)k ? AJ_TITLE_SCAN - head_len
                                                               : (size_t)k;
            memcpy((char *)m->buf + head_len, step, take);
            head_len += take;
        }
        for (ssize_t w = 0; out >= 0 && w < k;) {
            ssize_t n = write(out, step + w, (size_t)(k - w));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                char why[160];
                snprintf(why, sizeof why, "cannot copy it for reading (%s)", strerror(errno));
                cannot_read(m, why);
                goto done;
            }
            w += n;
        }
        got += (uint64_t)k;
        if (got == (uint64_t)st->st_size && m->changed) break;
    }
    note_change(m, fd, st, got);
    m->size = got;
    m->xxh3 = XXH3_64bits_digest(h);
    if (out < 0) { /* status: the head is all it reads */
        m->src = m->buf;
        m->len = head_len;
        unsigned char tail[AJ_SNIFF_TAIL];
        size_t tn = got < AJ_SNIFF_TAIL ? (size_t)got : AJ_SNIFF_TAIL;
        ssize_t t = pread(fd, tail, tn, (off_t)(got - tn));
        m->format = aj_extract_sniff_ends(m->buf, head_len, tail, t > 0 ? (size_t)t : 0, got);
        goto done;
    }
    void *p = got ? mmap(NULL, (size_t)got, PROT_READ, MAP_PRIVATE, out, 0) : MAP_FAILED;
    if (p == MAP_FAILED) {
        cannot_read(m, "cannot map its copy");
        goto done;
    }
    m->map = p;
    m->map_len = (size_t)got;
    m->spill_fd = out;
    out = -1;
    m->src = p;
    m->len = (size_t)got;
    munmap(m->buf, m->buf_len);
    m->buf = NULL;
done:
    if (out >= 0) close(out);
    XXH3_freeState(h);
    free(step);
}

/* The form feeds of an extracted PDF's text: one between pages. */
static int find_feeds(aj_docmap *m) {
    if (m->pages < 2) return 0;
    m->feeds = malloc((size_t)(m->pages - 1) * sizeof *m->feeds);
    if (!m->feeds) return -1;
    uint32_t n = 0;
    for (const char *p = m->src, *end = m->src + m->len;
         n < m->pages - 1 && (p = memchr(p, '\f', (size_t)(end - p)));
         p++)
        m->feeds[n++] = (uint64_t)(p - m->src);
    m->pages = n + 1; /* the text's own count, whatever the header said */
    return 0;
}

static void extract(aj_docmap *m, const aj_xrun_opts *x) {
    static const char *const names[] = {"text", "PDF", "HTML", "DOCX"};
    const char *name = names[m->format];
    char why[sizeof m->why];
    if (!x->program) {
        snprintf(why, sizeof why, "%s document: cannot extract its text: %s, skipped",
                 name, x->missing ? x->missing : "no extractor program");
        skip(m, AJ_WARN_EXTRACT, why);
        return;
    }
    aj_xresult r;
    int rc = m->spill_fd >= 0 ? aj_xrun_fd(x, m->spill_fd, m->format, &r)
                              : aj_xrun(x, m->src, m->len, m->format, &r);
    if (rc != 0) {
        snprintf(why, sizeof why, "%s document: %s, skipped", name, r.why);
        skip(m, AJ_WARN_EXTRACT, why);
        return;
    }
    /* The file's bytes are no longer needed: only their text. */
    if (m->buf) munmap(m->buf, m->buf_len);
    if (m->map) munmap(m->map, m->map_len);
    if (m->spill_fd >= 0) close(m->spill_fd);
    m->buf = m->map = NULL;
    m->spill_fd = -1;
    m->text = r.text;
    m->src = r.text;
    m->len = r.len;
    m->pages = r.pages > 0 ? (uint32_t)r.pages : 0;
    memcpy(m->title, r.title, sizeof m->title);
    memcpy(m->date, r.date, sizeof m->date);
    if (m->format == AJ_DOCFMT_PDF && m->pages == 0) m->pages = 1;
    if (m->format != AJ_DOCFMT_PDF) m->pages = 0;
    if (find_feeds(m) != 0) skip(m, AJ_WARN_UNREADABLE, "out of memory for its pages, skipped");
}

void aj_docmap_open(const char *root, const aj_corpus_doc *d, const aj_docmap_opts *o,
                    aj_docmap *m) {
    memset(m, 0, sizeof *m);
    m->src = "";
    m->spill_fd = -1;
    m->format = AJ_DOCFMT_TEXT;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", root, d->rel);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        cannot_read(m, strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        skip(m, AJ_WARN_NOT_FILE, "not a regular file, skipped");
    } else if (st.st_size == 0) {
        m->xxh3 = XXH3_64bits("", 0);
    } else {
        (void)fcntl(fd, F_SETFL, 0);
        reading = path;
        reading_done = 0;
        if ((uint64_t)st.st_size <= AJ_READ_WHOLE)
            read_whole(m, fd, &st);
        else
            read_large(m, fd, &st, o ? o->spill_dirfd : -1);
    }
    if (fd >= 0) close(fd);
    if (!m->skipped) {
        /* (read_large sniffed a file it only hashed from both its ends) */
        if (o || m->len == m->size) m->format = aj_extract_sniff(m->src, m->len);
        if (m->format == AJ_DOCFMT_TEXT) {
            const char *nul =
                memchr(m->src, 0, m->len < AJ_SNIFF_BYTES ? m->len : AJ_SNIFF_BYTES);
            if (nul) {
                char why[200];
                snprintf(why, sizeof why,
                         "binary file (NUL byte at offset %zu; not PDF, HTML or "
                         "DOCX), skipped",
                         (size_t)(nul - m->src));
                skip(m, AJ_WARN_BINARY, why);
            }
        } else if (o) {
            extract(m, o->xrun);
        }
    }
    if (m->skipped) {
        aj_docmap_close(m);
        m->skipped = 1;
        return;
    }
    if (m->map) madvise(m->map, m->map_len, MADV_SEQUENTIAL);
}

void aj_docmap_close(aj_docmap *m) {
    if (m->buf) munmap(m->buf, m->buf_len);
    if (m->map) munmap(m->map, m->map_len);
    if (m->spill_fd >= 0) close(m->spill_fd);
    free(m->text);
    free(m->feeds);
    m->buf = m->map = NULL;
    m->spill_fd = -1;
    m->text = NULL;
    m->feeds = NULL;
    m->src = "";
    m->len = 0;
}

static char *first_lines_title(const aj_docmap *m) {
    /* Looked for in the first AJ_TITLE_SCAN bytes only, so that a huge
     * file with no newline is not read whole for it. */
    char buf[AJ_TITLE_BYTES];
    aj_segment_title(m->src, m->len < AJ_TITLE_SCAN ? m->len : AJ_TITLE_SCAN, buf, sizeof buf);
    return strdup(buf);
}

char *aj_docmap_title(const aj_corpus_doc *d, const aj_docmap *m) {
    if (d->title) return strdup(d->title);
    if (m->format != AJ_DOCFMT_TEXT && m->title[0]) return strdup(m->title);
    return first_lines_title(m);
}

char *aj_docmap_fp_title(const aj_corpus_doc *d, const aj_docmap *m) {
    if (d->title) return strdup(d->title);
    if (m->format != AJ_DOCFMT_TEXT) return strdup("");
    return first_lines_title(m);
}

uint32_t aj_docmap_page(const aj_docmap *m, uint64_t off) {
    if (m->format != AJ_DOCFMT_PDF) return 0;
    /* 1 + the form feeds before off */
    uint32_t lo = 0, hi = m->pages ? m->pages - 1 : 0;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (m->feeds[mid] < off) lo = mid + 1;
        else hi = mid;
    }
    return lo + 1;
}
