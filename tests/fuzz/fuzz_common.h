/*
 * fuzz_common.h - helpers shared by the libFuzzer harnesses: a small real
 * corpus and an index built from it once per fuzzing process.
 *
 * A harness aborts (which libFuzzer reports as a crash and saves the input)
 * when the library breaks a promise: a result out of range, an error
 * without a message, an answer that changed.  Sanitizers catch the rest.
 */
#ifndef AJ_FUZZ_COMMON_H
#define AJ_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ajsearch.h"

#define FUZZ_ASSERT(cond)                                                  \
    do {                                                                   \
        if (!(cond)) {                                                     \
            fprintf(stderr, "%s:%d: broken promise: %s\n", __FILE__,       \
                    __LINE__, #cond);                                      \
            abort();                                                       \
        }                                                                  \
    } while (0)

static const char *const fuzz_docs[][2] = {
    {"a.txt",
     "Maritime Security in the Region\n\n"
     "1. The leaders welcomed maritime cooperation and the safety of "
     "navigation in the South China Sea.\n\n"
     "2. They reaffirmed the importance of UNCLOS and the code of conduct.\n\n"
     "(ii) Cooperation on disaster management continued.\n"},
    {"b.md",
     "# Economic Partnership\n\n"
     "Trade and investment between ASEAN and Japan grew; the ASEAN-Japan "
     "Comprehensive Economic Partnership was upgraded in 2023.\n\n"
     "- Digital economy, COVID-19 recovery and cybersecurity.\n"
     "- People-to-people exchanges with Viet Nam and Thái Lan.\n"},
    {"c.txt",
     "The lord of the harvest gave security to the people of the sea.\n\n"
     "Japan supports ASEAN centrality and unity, and the rule of law at "
     "sea; defence and defense, organisation and organization.\n"},
};

/* Writes the corpus under dir/corpus and builds dir/index; returns 0. */
static inline int fuzz_make_index(const char *dir) {
    char path[4096];
    snprintf(path, sizeof path, "%s/corpus", dir);
    mkdir(dir, 0755);
    mkdir(path, 0755);
    for (size_t i = 0; i < sizeof fuzz_docs / sizeof *fuzz_docs; i++) {
        snprintf(path, sizeof path, "%s/corpus/%s", dir, fuzz_docs[i][0]);
        FILE *f = fopen(path, "wb");
        if (!f) return -1;
        fputs(fuzz_docs[i][1], f);
        fclose(f);
    }
    char corpus[4096], index[4096];
    snprintf(corpus, sizeof corpus, "%s/corpus", dir);
    snprintf(index, sizeof index, "%s/index", dir);
    aj_ctx c = {0};
    aj_build_opts o = {.corpus_dir = corpus, .index_dir = index, .threads = 1};
    if (aj_build(&c, &o, NULL) != AJ_OK) {
        fprintf(stderr, "fuzz: cannot build the index: %s\n", c.msg);
        return -1;
    }
    return 0;
}

static char fuzz_dir[256];

static inline int fuzz_rm_one(const char *path, const struct stat *st, int type,
                              struct FTW *ftw) {
    (void)st;
    (void)type;
    (void)ftw;
    remove(path);
    return 0;
}

static inline void fuzz_cleanup(void) {
    if (fuzz_dir[0]) nftw(fuzz_dir, fuzz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A scratch directory for this process, in memory when possible, removed
 * when the process exits normally. */
static inline const char *fuzz_scratch(void) {
    if (!fuzz_dir[0]) {
        const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        snprintf(fuzz_dir, sizeof fuzz_dir, "%s/ajfuzz-%ld", base, (long)getpid());
        mkdir(fuzz_dir, 0755);
        atexit(fuzz_cleanup);
    }
    return fuzz_dir;
}

#endif
