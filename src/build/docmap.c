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

#include "analysis/segment.h"

void aj_docmap_open(const char *root, const aj_corpus_doc *d, aj_docmap *m) {
    memset(m, 0, sizeof *m);
    m->src = "";
    m->skip_kind = AJ_WARN_UNREADABLE;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", root, d->rel);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(m->why, sizeof m->why, "cannot read: %s, skipped", strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        snprintf(m->why, sizeof m->why, "not a regular file, skipped");
        m->skip_kind = AJ_WARN_NOT_FILE;
    } else if (st.st_size > 0) {
        void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            snprintf(m->why, sizeof m->why, "cannot map: %s, skipped", strerror(errno));
        } else {
            m->map = p;
            m->src = p;
            m->len = (size_t)st.st_size;
        }
    }
    if (fd >= 0) close(fd);
    if (!*m->why) {
        const char *nul = memchr(m->src, 0, m->len < AJ_SNIFF_BYTES ? m->len : AJ_SNIFF_BYTES);
        if (nul) {
            snprintf(m->why, sizeof m->why, "binary file (NUL byte at offset %zu), skipped",
                     (size_t)(nul - m->src));
            m->skip_kind = AJ_WARN_BINARY;
        }
    }
    if (*m->why) {
        aj_docmap_close(m);
        m->skipped = 1;
        return;
    }
    if (m->map) madvise(m->map, m->len, MADV_SEQUENTIAL);
}

void aj_docmap_close(aj_docmap *m) {
    if (m->map) munmap(m->map, m->len);
    m->map = NULL;
    m->src = "";
    m->len = 0;
}

char *aj_docmap_title(const aj_corpus_doc *d, const aj_docmap *m) {
    if (d->title) return strdup(d->title);
    /* Looked for in the first AJ_TITLE_SCAN bytes only, so that a huge
     * file with no newline is not read whole for it. */
    char buf[AJ_TITLE_BYTES];
    aj_segment_title(m->src, m->len < AJ_TITLE_SCAN ? m->len : AJ_TITLE_SCAN, buf, sizeof buf);
    return strdup(buf);
}
