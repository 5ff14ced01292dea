/*
 * segdump - prints the paragraphs the segmenter finds in a file:
 * ordinal, kind, label, byte range and text.  For inspecting how a new
 * kind of document is split.  Usage: segdump FILE...
 */
#include <stdio.h>
#include <stdlib.h>

#include "../src/segment.h"

static int show(void *arg, const aj_seg_para *p) {
    unsigned *n = arg;
    static const char *kinds[] = {"body", "head", "item"};
    printf("%4u %s %-5s [%llu,%llu) %s\n", ++*n, kinds[p->kind],
           p->label ? p->label : "-", (unsigned long long)p->start,
           (unsigned long long)p->end, p->text);
    return 0;
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            perror(argv[i]);
            return 2;
        }
        fseek(f, 0, SEEK_END);
        long n = ftell(f);
        fseek(f, 0, SEEK_SET);
        char *buf = malloc((size_t)n + 1);
        if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) return 2;
        fclose(f);
        aj_ctx c = {0};
        unsigned count = 0;
        printf("== %s\n", argv[i]);
        if (aj_segment(&c, buf, (size_t)n, show, &count)) {
            fprintf(stderr, "%s: %s\n", argv[i], c.msg);
            return 2;
        }
        free(buf);
    }
    return 0;
}
