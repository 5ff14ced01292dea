/*
 * segdump - shows how the segmenter splits files into paragraphs.
 *
 * Usage: segdump FILE...
 *
 * For each file it prints a header with the fallback title, then one line
 * per paragraph:
 *
 *     ORDINAL KIND LABEL [START,END) TEXT
 *
 * KIND is body, head or item; LABEL is "-" when the paragraph has none.
 * Useful when a new kind of document is added to the corpus, and to check
 * what a search hit's byte range points at.
 *
 * Build: cc -std=c11 -O2 -D_GNU_SOURCE -Isrc src/common/error.c src/analysis/segment.c \
 *           src/analysis/lineclass.c src/analysis/clean.c src/analysis/parabuf.c \
 *           src/analysis/pagejoin.c src/analysis/srcmap.c tools/segdump.c -o segdump
 */
#include <stdio.h>
#include <stdlib.h>

#include "../src/common/error.h"
#include "../src/analysis/segment.h"

static int print_para(void *arg, const aj_seg_para *p) {
    static const char *const kinds[] = {"body", "head", "item"};
    unsigned long *ordinal = arg;
    const char *kind = p->kind >= 0 && p->kind <= 2 ? kinds[p->kind] : "?";
    printf("%4lu %s %-5s [%llu,%llu) %s\n", ++*ordinal, kind,
           p->label ? p->label : "-", (unsigned long long)p->start,
           (unsigned long long)p->end, p->text);
    return 0;
}

/* Reads a whole file; returns NULL (and says why) on failure. */
static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap) break;
        char *bigger = realloc(buf, cap * 2);
        if (!bigger) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    if (!buf || ferror(f)) {
        fprintf(stderr, "%s: cannot read\n", path);
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = n;
    return buf;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE...\n", argv[0]);
        return 2;
    }
    int status = 0;
    for (int i = 1; i < argc; i++) {
        size_t len;
        char *src = slurp(argv[i], &len);
        if (!src) {
            status = 1;
            continue;
        }
        char title[256];
        aj_segment_title(src, len, title, sizeof title);
        printf("== %s\n== title: %s\n", argv[i], title);
        aj_ctx c = {0};
        unsigned long ordinal = 0;
        if (aj_segment(&c, src, len, print_para, &ordinal) != AJ_OK) {
            fprintf(stderr, "%s: %s\n", argv[i], c.msg);
            status = 1;
        }
        free(src);
    }
    return status;
}
