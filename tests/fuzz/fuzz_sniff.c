/*
 * fuzz_sniff.c - any bytes as a file through the format sniffer
 * (src/extract/sniff.c), checking what extract.h promises:
 *  - an answer among the four formats, the same every time;
 *  - nothing read outside the bytes given: the sniffer is also called on
 *    exact-size copies of a head and a tail of the input (of sizes drawn
 *    from the input), so AddressSanitizer sees any read past either;
 *  - each answer has its evidence: PDF the signature within the first
 *    KiB, DOCX the ZIP signature first and the entry's name somewhere,
 *    HTML a '<' within the first 16 KiB;
 *  - given the whole file as head and tail, aj_extract_sniff_ends answers
 *    as aj_extract_sniff does.
 * (tests/test_extract.c runs it in make test; tests/fuzz/README.md says
 * how the harnesses are run.)
 */
#include "fuzz_common.h"

#include "extract/extract.h"

static size_t min_size(size_t a, size_t b) { return a < b ? a : b; }

static aj_docfmt sniff_copies(const uint8_t *data, size_t size, size_t hn,
                              size_t tn) {
    uint8_t *head = malloc(hn ? hn : 1), *tail = malloc(tn ? tn : 1);
    FZ_CHECK(head && tail, "malloc");
    memcpy(head, data, hn);
    memcpy(tail, data + size - tn, tn);
    aj_docfmt f = aj_extract_sniff_ends(head, hn, tn ? tail : NULL, tn, size);
    free(head);
    free(tail);
    FZ_CHECK(f >= AJ_DOCFMT_TEXT && f <= AJ_DOCFMT_DOCX, "format %d", (int)f);
    return f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    aj_docfmt f = aj_extract_sniff(data, size);
    FZ_CHECK(f >= AJ_DOCFMT_TEXT && f <= AJ_DOCFMT_DOCX, "format %d", (int)f);
    FZ_CHECK(aj_extract_sniff(data, size) == f, "two answers");
    if (f == AJ_DOCFMT_PDF)
        FZ_CHECK(memmem(data, min_size(size, 1024), "%PDF-", 5), "PDF without %%PDF-");
    if (f == AJ_DOCFMT_DOCX)
        FZ_CHECK(size >= 4 && !memcmp(data, "PK\3\4", 4) &&
                     memmem(data, size, "word/document.xml", 17),
                 "DOCX without a ZIP signature or the entry's name");
    if (f == AJ_DOCFMT_HTML)
        FZ_CHECK(memchr(data, '<', min_size(size, 16 << 10)), "HTML without a tag");

    /* The same file as head and tail, whole. */
    size_t h = min_size(size, AJ_SNIFF_HEAD);
    FZ_CHECK(sniff_copies(data, size, h, size) == f, "whole file as its ends");

    /* Ends of sizes drawn from the input. */
    if (size >= 2) {
        size_t hn = min_size(size, (size_t)data[0] * 37 + data[size - 1]);
        size_t tn = min_size(size, (size_t)data[1] * 41 + data[size / 2]);
        aj_docfmt g = sniff_copies(data, size, hn, tn);
        /* PDF and HTML are told from the head (and a PDF's tail): a head
         * as large as the window decides them as the whole file does. */
        if (hn >= min_size(size, 16 << 10) && tn == size && f != AJ_DOCFMT_DOCX)
            FZ_CHECK(g == f, "head of %zu, tail of %zu: %d, whole file %d", hn, tn,
                     (int)g, (int)f);
    }
    sniff_copies(data, size, 0, 0);
    return 0;
}
