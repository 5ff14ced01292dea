/*
 * test_api.c - the public header, ajsearch.h, as a C programmer meets it:
 * alone in a directory (no project header beside it to include), it
 * compiles with -std=c99 -Wall -Wextra -Werror -pedantic, under gcc and
 * under clang when it is installed, in a program that uses its error
 * codes, its context and its limits.
 */
#include <stdio.h>
#include <stdlib.h>

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
