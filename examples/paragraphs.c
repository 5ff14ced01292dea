/*
 * paragraphs - list every paragraph of an ajsearch index.
 *
 *     paragraphs INDEX_DIR
 *
 * One line per paragraph, in id order (page chrome included, as
 * `ajsearch dump` lists them), tab-separated: id, document path, kind,
 * label ("-" when the document gives none) and the first 60 bytes of the
 * text, cut back to a whole UTF-8 character.
 *
 * Exit status: 0, or 2 on an error with the library's message.
 */
#include <ajsearch.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PREVIEW 60

/* The length of text[0..len) cut to at most max bytes without splitting a
 * UTF-8 sequence: never stop before a continuation byte (10xxxxxx). */
static size_t preview_len(const char *text, size_t len, size_t max)
{
    if (len <= max)
        return len;
    while (max > 0 && ((unsigned char)text[max] & 0xC0) == 0x80)
        max--;
    return max;
}

int main(int argc, char **argv)
{
    aj_ctx c;
    aj_index *ix = NULL;
    aj_index_stats st;
    aj_doc_info doc;
    uint32_t id, cur = UINT32_MAX;
    int status = 0;

    if (argc != 2) {
        fprintf(stderr, "usage: paragraphs INDEX_DIR\n");
        return 2;
    }
    memset(&c, 0, sizeof c);
    if (aj_index_open(&c, argv[1], &ix) != AJ_OK) {
        fprintf(stderr, "paragraphs: %s: %s\n", argv[1], c.msg);
        return 2;
    }

    aj_index_stats_get(ix, &st);
    memset(&doc, 0, sizeof doc);
    for (id = 0; id < st.nparas && status == 0; id++) {
        aj_para_info p;
        char *text;
        size_t len;

        if (aj_para_get(&c, ix, id, &p) != AJ_OK) {
            status = 2;
            break;
        }
        /* Paragraphs are numbered in document order: look the document
         * up only when it changes. */
        if (p.doc != cur) {
            if (aj_doc_get(&c, ix, p.doc, &doc) != AJ_OK) {
                status = 2;
                break;
            }
            cur = p.doc;
        }
        /* aj_para_text hands over a malloc'ed copy; the searcher's
         * aj_search_para_text is the allocation-free way inside a search. */
        if (aj_para_text(&c, ix, id, &text, &len) != AJ_OK) {
            status = 2;
            break;
        }
        printf("%lu\t%s\t%s\t%s\t", (unsigned long)p.id, doc.path,
               aj_para_kind_name(p.kind, p.chrome), p.label ? p.label : "-");
        fwrite(text, 1, preview_len(text, len, PREVIEW), stdout);
        putchar('\n');
        free(text);
    }
    if (status)
        fprintf(stderr, "paragraphs: paragraph %lu: %s\n", (unsigned long)id, c.msg);
    aj_index_close(ix);
    if (fflush(stdout) != 0)
        status = 2;
    return status;
}
