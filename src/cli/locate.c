/* locate.c - see locate.h. */
#include "locate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Does dir/index/CURRENT exist (a file, or a link as builds wrote it
 * before)? */
static int holds_index(const char *dir) {
    size_t n = strlen(dir);
    char *path = malloc(n + sizeof "/index/CURRENT");
    if (!path) return 0;
    /* "/" + "/index" would read "//index": the root adds no slash. */
    snprintf(path, n + sizeof "/index/CURRENT", "%s/index/CURRENT", n == 1 ? "" : dir);
    struct stat st;
    int ok = lstat(path, &st) == 0 && (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode) ||
                                        S_ISDIR(st.st_mode));
    free(path);
    return ok;
}

int aj_locate_index(char **index, char **corpus) {
    *index = *corpus = NULL;
    char *dir = getcwd(NULL, 0);
    if (!dir) return -1;
    for (int here = 1;; here = 0) {
        if (holds_index(dir)) {
            size_t n = strlen(dir) + sizeof "/corpus";
            *index = here ? strdup("index") : malloc(n);
            *corpus = here ? strdup("corpus") : malloc(n);
            if (*index && *corpus && !here) {
                const char *base = strcmp(dir, "/") ? dir : "";
                snprintf(*index, n, "%s/index", base);
                snprintf(*corpus, n, "%s/corpus", base);
            }
            free(dir);
            if (*index && *corpus) return 0;
            free(*index);
            free(*corpus);
            *index = *corpus = NULL;
            return -1;
        }
        char *slash = strrchr(dir, '/');
        if (!slash || !strcmp(dir, "/")) break;
        slash[slash == dir] = '\0'; /* the parent; "/x" becomes "/" */
    }
    free(dir);
    return -1;
}
