/*
 * test_api.c - the public header, ajsearch.h, as a C programmer meets it:
 * alone in a directory (no project header beside it to include), it
 * compiles with -std=c99 -Wall -Wextra -Werror -pedantic, under gcc and
 * under clang when it is installed, in a program that uses its error
 * codes, its context and its limits.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "helpers.h"

static const char *PROGRAM =
    "#include \"ajsearch.h\"\n"
    "#include <stdio.h>\n"
    "int main(void) {\n"
    "    aj_ctx c = {0};\n"
    "    aj_err e = AJ_ESYNTAX;\n"
    "    char word[AJ_MAX_WORD + 1];\n"
    "    int kinds[] = {AJ_PARA_BODY, AJ_PARA_HEADING, AJ_PARA_ITEM, AJ_PARA_CHROME};\n"
    "    aj_ctx_reset(&c);\n"
    "    word[0] = 0;\n"
    "    printf(\"%s %u %d %s\\n\", aj_strerror(e), aj_format_version(), kinds[3], word);\n"
    "    return c.err != AJ_OK;\n"
    "}\n";

static void compile_alone(const char *cc) {
    char *dir = th_tmpdir(), cmd[8192];
    size_t n;
    char *h = th_read("src/ajsearch.h", &n);
    cr_assert_not_null(h, "src/ajsearch.h (the tests run from the top directory)");
    th_write(dir, "ajsearch.h", h, n);
    free(h);
    th_write_str(dir, "t.c", PROGRAM);
    snprintf(cmd, sizeof cmd,
             "cd '%s' && %s -std=c99 -Wall -Wextra -Werror -pedantic -c t.c -o t.o > out.txt 2>&1",
             dir, cc);
    int rc = system(cmd);
    char path[4200];
    snprintf(path, sizeof path, "%s/out.txt", dir);
    char *out = th_read(path, &n);
    cr_assert_eq(rc, 0, "%s: ajsearch.h alone does not compile:\n%s", cc, out ? out : "");
    free(out);
    th_rmtree(dir);
    free(dir);
}

Test(api, the_header_stands_alone) {
    compile_alone("gcc");
    if (system("command -v clang > /dev/null 2>&1") == 0) compile_alone("clang");
}

Test(api, every_error_has_a_name) {
    for (int e = AJ_OK; e < AJ_ERR_COUNT; e++) {
        const char *s = aj_strerror((aj_err)e);
        cr_assert(s && *s && strcmp(s, "unknown error") != 0, "error %d has no name", e);
    }
    cr_assert_str_eq(aj_strerror(AJ_ERR_COUNT), "unknown error");
}

/* The functions the header declares, one per line: every declaration at
 * the start of a line (not a typedef, a macro, a comment or a member),
 * each of which must be marked AJ_API. */
static char *header_api(void) {
    size_t n;
    char *h = th_read("src/ajsearch.h", &n);
    cr_assert_not_null(h);
    size_t cap = 1 << 16, len = 0;
    char *out = calloc(cap, 1);
    cr_assert_not_null(out);
    for (char *line = h; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (!isalpha((unsigned char)*line) || !strncmp(line, "typedef", 7) ||
            !strncmp(line, "enum", 4) || !strncmp(line, "struct", 6))
            continue;
        char *end = strchr(line, '\n'), *paren = strchr(line, '(');
        if (!paren || (end && paren > end)) continue;
        cr_assert(!strncmp(line, "AJ_API ", 7), "a declaration without AJ_API: %.*s",
                  (int)(end ? end - line : 80), line);
        char *name = paren;
        while (name > line && (isalnum((unsigned char)name[-1]) || name[-1] == '_')) name--;
        cr_assert_lt(len + (size_t)(paren - name) + 2, cap);
        memcpy(out + len, name, (size_t)(paren - name));
        len += (size_t)(paren - name);
        out[len++] = '\n';
    }
    free(h);
    return out;
}

/* The shared object exports exactly the functions the header declares:
 * the library was built with -fvisibility=hidden and the header marks
 * each public function AJ_API. */
Test(api, the_shared_object_exports_the_header) {
    const char *build = getenv("AJSEARCH_BUILD");
    char *dir = th_tmpdir(), cmd[8192], path[4200];
    snprintf(path, sizeof path, "%s/api.txt", dir);
    char *api = header_api();
    th_write_str(dir, "api.txt", api);
    free(api);
    /* the build directory (a relative one is under the top directory,
     * where the tests run) */
    char so[4400], top[4096];
    cr_assert_not_null(getcwd(top, sizeof top));
    if (build && *build == '/') snprintf(so, sizeof so, "%s/libajsearch.so.%d", build, AJ_VERSION_MAJOR);
    else snprintf(so, sizeof so, "%s/%s/libajsearch.so.%d", top, build && *build ? build : "build", AJ_VERSION_MAJOR);
    snprintf(cmd, sizeof cmd,
             "cd '%s' && sort -o api.txt api.txt && nm -D --defined-only '%s' > nm.txt && "
             "awk '{print $NF}' nm.txt | sort > so.txt && diff api.txt so.txt > diff.txt",
             dir, so);
    int rc = system(cmd);
    size_t n;
    snprintf(path, sizeof path, "%s/diff.txt", dir);
    char *diff = th_read(path, &n);
    snprintf(path, sizeof path, "%s/api.txt", dir);
    char *mine = th_read(path, &n);
    cr_assert_gt(n, 300, "the header's functions were found: %s", mine ? mine : "");
    cr_assert_eq(rc, 0, "the header (<) and the shared object's exports (>) differ:\n%s",
                 diff ? diff : "(no diff: nm failed?)");
    free(diff);
    free(mine);
    th_rmtree(dir);
    free(dir);
}

/* The layers include downward only (tools/layers.py, ARCHITECTURE.md). */
Test(api, layers_include_downward) {
    int rc = system("python3 tools/layers.py . > /dev/null");
    cr_assert_eq(rc, 0, "an include goes up a layer: run python3 tools/layers.py");
}

/* ... and the check sees an include that goes up. */
Test(api, layers_check_finds_an_upward_include) {
    char *dir = th_tmpdir(), path[4200], cmd[8400];
    snprintf(path, sizeof path, "%s/src", dir);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/src/format", dir);
    mkdir(path, 0755);
    th_write_str(path, "ok.c", "#include \"ajsearch.h\"\n#include \"common/error.h\"\n");
    th_write_str(path, "up.c", "#include \"format/file.h\"\n\n#include \"search/eval.h\"\n");
    snprintf(cmd, sizeof cmd, "python3 tools/layers.py '%s' > '%s/out.txt'", dir, dir);
    int rc = system(cmd);
    snprintf(path, sizeof path, "%s/out.txt", dir);
    size_t n;
    char *out = th_read(path, &n);
    cr_assert_neq(rc, 0, "the check passed an upward include");
    cr_assert(out && strstr(out, "src/format/up.c:3:") && !strstr(out, "ok.c"), "%s",
              out ? out : "");
    free(out);
    th_rmtree(dir);
    free(dir);
}
