/*
 * embed.c - writes files into a C source as byte arrays, so that a program
 * carries them (ajsearch-serve's page, its script and its style sheet).
 *
 *   embed OUT.c NAME FILE [NAME FILE ...]
 *
 * For each pair: `const unsigned char NAME[]` holding FILE's bytes and a
 * NUL after them, and `const unsigned long NAME_len`, their number.
 */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    if (argc < 4 || argc % 2) {
        fprintf(stderr, "usage: embed OUT.c NAME FILE [NAME FILE ...]\n");
        return 2;
    }
    FILE *out = fopen(argv[1], "w");
    if (!out) {
        perror(argv[1]);
        return 2;
    }
    fprintf(out, "/* Made by tools/embed.c from the files named below; do not edit. */\n");
    for (int i = 2; i < argc; i += 2) {
        FILE *in = fopen(argv[i + 1], "rb");
        if (!in) {
            perror(argv[i + 1]);
            return 2;
        }
        fprintf(out, "\n/* %s */\nconst unsigned char %s[] = {", argv[i + 1], argv[i]);
        unsigned long n = 0;
        int c;
        while ((c = getc(in)) != EOF) fprintf(out, "%s%d,", n++ % 24 ? "" : "\n", c);
        fprintf(out, "\n0};\nconst unsigned long %s_len = %lu;\n", argv[i], n);
        if (ferror(in)) {
            perror(argv[i + 1]);
            return 2;
        }
        fclose(in);
    }
    if (fclose(out) != 0) {
        perror(argv[1]);
        return 2;
    }
    return 0;
}
