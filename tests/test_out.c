/* test_out.c - the command line's output escapes (src/cli/out.c): every
 * kind of byte a document may hold, alone and inside runs of plain text,
 * since plain runs are written in one piece and the escapes between them. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/out.h"

typedef void (*writer)(FILE *, const char *, size_t);

/* What w writes for s[0..n), as a NUL-terminated string (caller frees). */
static char *written(writer w, const char *s, size_t n) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert(f);
    w(f, s, n);
    fclose(f);
    return buf;
}

static void expect(writer w, const char *in, size_t n, const char *want) {
    char *got = written(w, in, n);
    cr_expect_str_eq(got, want, "input of %zu bytes", n);
    free(got);
}

#define EXPECT(w, lit, want) expect(w, lit, sizeof lit - 1, want)

/* Tricky bytes, each between plain text (a run before and after). */
Test(out, json_escapes) {
    EXPECT(out_json_str, "", "\"\"");
    EXPECT(out_json_str, "plain text", "\"plain text\"");
    EXPECT(out_json_str, "a\"b\\c", "\"a\\\"b\\\\c\"");
    EXPECT(out_json_str, "a\nb\tc\rd", "\"a\\nb\\tc\\rd\"");
    EXPECT(out_json_str, "a\x01" "b\x7f" "c", "\"a\\u0001b\\u007fc\"");
    EXPECT(out_json_str, "a\0b", "\"a\\u0000b\"");
    EXPECT(out_json_str, "caf\xC3\xA9 \xF0\x9F\x98\x80!", "\"caf\xC3\xA9 \xF0\x9F\x98\x80!\"");
    EXPECT(out_json_str, "x\xC2\x85y", "\"x\\u0085y\"");           /* C1 NEL */
    EXPECT(out_json_str, "x\xFFy\xE2\x80", "\"x\\ufffdy\\ufffd\\ufffd\""); /* bad, cut */
    EXPECT(out_json_str, "x\xE2\x80\xAEy", "\"x\\u202ey\"");       /* RLO */
    EXPECT(out_json_str, "x\xF3\xA0\x80\x81y", "\"x\\udb40\\udc01y\""); /* tag */
    EXPECT(out_json_str, "\xC2\xA0nbsp\xC2\xAD", "\"\xC2\xA0nbsp\\u00ad\""); /* soft hyphen */
}

Test(out, terminal_escapes) {
    EXPECT(out_safe, "plain text", "plain text");
    EXPECT(out_safe, "a\tb", "a b");
    EXPECT(out_safe, "a\x1b[31mb\nc\x7f", "a\xEF\xBF\xBD[31mb\xEF\xBF\xBD" "c\xEF\xBF\xBD");
    EXPECT(out_safe, "x\xC2\x9By", "x\xEF\xBF\xBDy");                /* C1 CSI */
    EXPECT(out_safe, "x\xFF\xFEy", "x\xEF\xBF\xBD\xEF\xBF\xBDy");
    EXPECT(out_safe, "x\xE2\x80\xAEy\xE2\x81\xA6", "x<U+202E>y<U+2066>");
    EXPECT(out_safe, "\xF3\xA0\x80\x81", "<U+E0001>");
    EXPECT(out_safe, "caf\xC3\xA9 \xE2\x80\x94 <a&b>", "caf\xC3\xA9 \xE2\x80\x94 <a&b>");
    EXPECT(out_safe, "end\xE2\x80", "end\xEF\xBF\xBD\xEF\xBF\xBD");
}

Test(out, html_escapes) {
    EXPECT(out_html, "<a href=\"x\">'&'</a>",
           "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    EXPECT(out_html, "x\xE2\x80\xAEy\x01", "x&lt;U+202E&gt;y\xEF\xBF\xBD");
    EXPECT(out_html, "caf\xC3\xA9", "caf\xC3\xA9");
}

/* Long inputs: the escapes land at run borders and at the very ends. */
Test(out, runs_at_every_position) {
    for (size_t at = 0; at < 40; at++) {
        char in[41], want[64];
        memset(in, 'w', 40);
        in[40] = 0;
        in[at] = '"';
        snprintf(want, sizeof want, "\"%.*s\\\"%s\"", (int)at, in, in + at + 1);
        expect(out_json_str, in, 40, want);
        in[at] = '\x07';
        snprintf(want, sizeof want, "%.*s\xEF\xBF\xBD%s", (int)at, in, in + at + 1);
        expect(out_safe, in, 40, want);
    }
}
