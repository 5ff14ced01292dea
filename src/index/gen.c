/* gen.c - see gen.h. */
#include "common/io.h"
#include "index/gen.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ajsearch.h"
#include "index/index.h"

#define BUILD_PREFIX ".build-"
#define WAIT_POLL_MS 50           /* --wait: how often the lock is tried */

/* Deletes the files in directory name (relative to dirfd), then it. */
/* Removes directory name and what it holds: files, and the directories of
 * a sharded generation's shards (one level down, no further). */
static void remove_dir_at(int dfd, const char *name, int depth) {
    int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
        DIR *d = fdopendir(fd);
        if (d) {
            struct dirent *de;
            while ((de = readdir(d)) != NULL)
                if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
                    unlinkat(dirfd(d), de->d_name, 0) != 0 && errno == EISDIR && depth == 0)
                    remove_dir_at(dirfd(d), de->d_name, 1);
            closedir(d);
        } else {
            close(fd);
        }
    }
    unlinkat(dfd, name, AT_REMOVEDIR);
}

static void remove_dir(int dfd, const char *name) { remove_dir_at(dfd, name, 0); }

static int is_gen_name(const char *s, uint64_t *n) {
    size_t k = strlen(AJ_GEN_PREFIX);
    if (strncmp(s, AJ_GEN_PREFIX, k) != 0 || !s[k]) return 0;
    uint64_t v = 0;
    for (const char *p = s + k; *p; p++) {
        if (*p < '0' || *p > '9' || v > UINT64_MAX / 10 - 10) return 0;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    *n = v;
    return 1;
}

/* Creates dir and any missing parents (like mkdir -p); 0 or -1. */
static int mkdir_p(const char *dir) {
    char path[1024];
    snprintf(path, sizeof path, "%s", dir);
    for (char *p = path + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (aj_io_mkdirat(AT_FDCWD, path, 0755) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (aj_io_mkdirat(AT_FDCWD, path, 0755) != 0 && errno != EEXIST)
        return -1;
    return 0;
}

aj_err aj_gen_begin(aj_ctx *c, const char *index_dir, int wait,
                    const volatile sig_atomic_t *cancel, aj_gen *g) {
    memset(g, 0, sizeof *g);
    g->dirfd = g->lockfd = g->tmpfd = -1;
    snprintf(g->dir, sizeof g->dir, "%s", index_dir);
    if (mkdir_p(g->dir) != 0)
        return aj_fail(c, AJ_EIO, "%s: cannot create index directory: %s",
                       index_dir, strerror(errno));
    g->dirfd = open(index_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (g->dirfd < 0)
        return aj_fail(c, AJ_EIO, "%s: %s", index_dir, strerror(errno));
    g->lockfd = aj_io_openat(g->dirfd, AJ_LOCK, O_RDWR | O_CREAT | O_CLOEXEC,
                             0644);
    if (g->lockfd < 0) {
        aj_err e = aj_fail(c, AJ_EIO, "%s/%s: %s", index_dir, AJ_LOCK,
                           strerror(errno));
        aj_gen_end(g);
        return e;
    }
    /* Waiting polls the lock, so that a request to stop (cancel) is seen
     * within WAIT_POLL_MS: a blocking flock would sleep through it. */
    int locked;
    while ((locked = flock(g->lockfd, LOCK_EX | LOCK_NB)) != 0 && wait &&
           (errno == EWOULDBLOCK || errno == EINTR) && !(cancel && *cancel)) {
        struct timespec ts = {0, WAIT_POLL_MS * 1000000L};
        nanosleep(&ts, NULL);
    }
    if (locked != 0 && wait && cancel && *cancel) {
        aj_gen_end(g);
        return aj_fail(c, AJ_ECANCELED, "stopped while waiting for another build "
                       "to release %s/%s", index_dir, AJ_LOCK);
    }
    if (locked != 0) {
        aj_err e = errno == EWOULDBLOCK
                       ? aj_fail(c, AJ_EBUSY,
                                 "%s: another build is running (it holds "
                                 "%s/%s); try again when it has finished",
                                 index_dir, index_dir, AJ_LOCK)
                       : aj_fail(c, AJ_EIO, "%s/%s: %s", index_dir, AJ_LOCK,
                                 strerror(errno));
        aj_gen_end(g);
        return e;
    }
    /* We hold the lock, so any build directory here is a dead build's, and
     * so is a CURRENT.<pid> file (left by a build killed between creating
     * it and renaming it over CURRENT). */
    DIR *d = opendir(index_dir);
    if (d) {
        struct dirent *de;
        char names[64][64];
        int is_dir[64], n = 0;
        size_t kb = strlen(BUILD_PREFIX), kc = strlen(AJ_CURRENT);
        while ((de = readdir(d)) != NULL && n < 64) {
            const char *s = de->d_name;
            int build = strncmp(s, BUILD_PREFIX, kb) == 0;
            int link = strncmp(s, AJ_CURRENT, kc) == 0 && s[kc] == '.';
            if ((build || link) && strlen(s) < 64) {
                is_dir[n] = build;
                snprintf(names[n++], 64, "%s", s);
            }
        }
        closedir(d);
        for (int i = 0; i < n; i++) {
            if (is_dir[i]) remove_dir(g->dirfd, names[i]);
            else unlinkat(g->dirfd, names[i], 0);
        }
    }
    snprintf(g->tmpname, sizeof g->tmpname, BUILD_PREFIX "%ld", (long)getpid());
    if (aj_io_mkdirat(g->dirfd, g->tmpname, 0755) != 0) {
        aj_err e = aj_fail(c, AJ_EIO, "%s/%s: %s", index_dir, g->tmpname,
                           strerror(errno));
        g->tmpname[0] = 0;
        aj_gen_end(g);
        return e;
    }
    g->tmpfd = openat(g->dirfd, g->tmpname, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (g->tmpfd < 0) {
        aj_err e = aj_fail(c, AJ_EIO, "%s/%s: %s", index_dir, g->tmpname,
                           strerror(errno));
        aj_gen_end(g);
        return e;
    }
    return AJ_OK;
}

void aj_gen_path(const aj_gen *g, const char *name, char *buf, size_t cap) {
    snprintf(buf, cap, "%s/%s/%s", g->dir, g->tmpname, name);
}

static int by_number_desc(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* Keeps the new generation and the `keep` newest others (the one just
 * replaced first of all: readers may have resolved CURRENT a moment ago),
 * and removes the rest. */
static void prune(aj_gen *g, const char *gen, const char *old, int keep) {
    uint64_t nums[256], n, newest = 0, replaced = 0;
    size_t m = 0;
    int have_old = is_gen_name(old, &replaced);
    (void)is_gen_name(gen, &newest);
    DIR *d = opendir(g->dir);
    if (!d) return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL && m < sizeof nums / sizeof *nums)
        if (is_gen_name(de->d_name, &n) && n != newest &&
            !(have_old && n == replaced))
            nums[m++] = n;
    closedir(d);
    qsort(nums, m, sizeof *nums, by_number_desc);
    size_t left = keep > 0 ? (size_t)keep : 0;
    if (have_old && left > 0) left--;             /* the replaced one */
    else if (have_old) {
        char name[64];
        snprintf(name, sizeof name, AJ_GEN_PREFIX "%010" PRIu64, replaced);
        remove_dir(g->dirfd, name);
    }
    for (size_t i = left < m ? left : m; i < m; i++) {
        char name[64];
        snprintf(name, sizeof name, AJ_GEN_PREFIX "%010" PRIu64, nums[i]);
        remove_dir(g->dirfd, name);
    }
}

aj_err aj_gen_commit(aj_ctx *c, aj_gen *g, int keep) {
    if (aj_io_fsync(g->tmpfd) != 0)
        return aj_fail(c, AJ_EIO, "%s/%s: fsync: %s", g->dir, g->tmpname,
                       strerror(errno));
    /* Next generation number, and the one CURRENT names now. */
    uint64_t max = 0, n;
    DIR *d = opendir(g->dir);
    if (!d) return aj_fail(c, AJ_EIO, "%s: %s", g->dir, strerror(errno));
    struct dirent *de;
    while ((de = readdir(d)) != NULL)
        if (is_gen_name(de->d_name, &n) && n > max) max = n;
    closedir(d);
    char old[64] = "";
    aj_ctx ignored = {0};
    if (aj_index_current(&ignored, g->dirfd, g->dir, old) != AJ_OK) old[0] = 0;

    if (!strcmp(old, AJ_CURRENT)) {
        /* CURRENT is a directory: a copy of an index from when CURRENT was
         * a link, made by a tool that followed it.  It becomes a
         * generation like any other, so that a file can take its name. */
        snprintf(old, sizeof old, AJ_GEN_PREFIX "%010" PRIu64, ++max);
        if (aj_io_renameat(g->dirfd, AJ_CURRENT, g->dirfd, old) != 0)
            return aj_fail(c, AJ_EIO, "%s: rename %s to %s: %s", g->dir,
                           AJ_CURRENT, old, strerror(errno));
    }
    char gen[64], link_tmp[64];
    snprintf(gen, sizeof gen, AJ_GEN_PREFIX "%010" PRIu64, max + 1);
    snprintf(link_tmp, sizeof link_tmp, "%s.%ld", AJ_CURRENT, (long)getpid());
    if (aj_io_renameat(g->dirfd, g->tmpname, g->dirfd, gen) != 0)
        return aj_fail(c, AJ_EIO, "%s: rename %s to %s: %s", g->dir,
                       g->tmpname, gen, strerror(errno));
    /* Until CURRENT names it, the new generation is still this build's to
     * remove (aj_gen_end does) should the switch fail. */
    snprintf(g->tmpname, sizeof g->tmpname, "%s", gen);
    /* CURRENT is a regular file, so that tools which copy an index
     * directory without preserving links (cp -r, zip, artifact uploads)
     * copy it as it is.  It is written beside CURRENT, synced, and renamed
     * over it: the switch is that one rename. */
    unlinkat(g->dirfd, link_tmp, 0);
    char line[72];
    int len = snprintf(line, sizeof line, "%s\n", gen);
    int fd = aj_io_openat(g->dirfd, link_tmp,
                          O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return aj_fail(c, AJ_EIO, "%s/%s: %s", g->dir, link_tmp,
                       strerror(errno));
    int err = 0;
    for (int off = 0; off < len && !err;) {
        ssize_t w = aj_io_write(fd, line + off, (size_t)(len - off), off);
        if (w > 0) off += (int)w;
        else if (w == 0) err = ENOSPC;
        else if (errno != EINTR) err = errno;
    }
    if (!err && aj_io_fsync(fd) != 0) err = errno;
    close(fd);
    if (err) {
        unlinkat(g->dirfd, link_tmp, 0);
        return aj_fail(c, AJ_EIO, "%s/%s: %s", g->dir, link_tmp, strerror(err));
    }
    if (aj_io_renameat(g->dirfd, link_tmp, g->dirfd, AJ_CURRENT) != 0) {
        aj_err e = aj_fail(c, AJ_EIO, "%s: rename %s to %s: %s", g->dir,
                           link_tmp, AJ_CURRENT, strerror(errno));
        unlinkat(g->dirfd, link_tmp, 0);
        return e;
    }
    g->tmpname[0] = 0;
    /* The switch is made.  Should the directory not reach the disk, a crash
     * brings back the previous CURRENT, whose generation is kept intact
     * below, so a failure here has nothing to undo and is not reported. */
    (void)aj_io_fsync(g->dirfd);
    prune(g, gen, old, keep);
    return AJ_OK;
}

void aj_gen_end(aj_gen *g) {
    if (g->tmpfd >= 0) close(g->tmpfd);
    if (g->tmpname[0] && g->dirfd >= 0) remove_dir(g->dirfd, g->tmpname);
    if (g->lockfd >= 0) close(g->lockfd); /* releases the flock */
    if (g->dirfd >= 0) close(g->dirfd);
    g->tmpfd = g->lockfd = g->dirfd = -1;
    g->tmpname[0] = 0;
}

/* ---- leftovers ---- */

/* The process id at the end of name after prefix ("1234" of ".build-1234"),
 * or 0 when the rest of the name is not a number. */
static long name_pid(const char *name, const char *prefix) {
    size_t k = strlen(prefix);
    if (strncmp(name, prefix, k) != 0 || !name[k]) return 0;
    long v = 0;
    for (const char *p = name + k; *p; p++) {
        if (*p < '0' || *p > '9' || v > 99999999) return 0;
        v = v * 10 + (*p - '0');
    }
    return v;
}

/* The sizes of the files in directory name (builds write no
 * subdirectories). */
static uint64_t dir_bytes(int dfd, const char *name) {
    uint64_t n = 0;
    int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return 0;
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return 0;
    }
    struct dirent *de;
    struct stat st;
    while ((de = readdir(d)) != NULL)
        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISREG(st.st_mode))
            n += (uint64_t)st.st_size;
    closedir(d);
    return n;
}

static int cmp_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

aj_err aj_index_leftovers(aj_ctx *c, const char *dir, aj_leftover_fn fn, void *arg) {
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return aj_fail(c, errno == ENOENT ? AJ_ENOTFOUND : AJ_EIO, "%s: %s", dir,
                       strerror(errno));
    /* The generation CURRENT names; a newer one was never switched in. */
    char cur[64] = "";
    aj_ctx ignored = {0};
    if (aj_index_current(&ignored, dfd, dir, cur) != AJ_OK) cur[0] = 0;
    uint64_t live = 0, n;
    if (!is_gen_name(cur, &live)) live = 0;
    DIR *d = fdopendir(dfd);
    if (!d) {
        aj_err e = aj_fail(c, AJ_EIO, "%s: %s", dir, strerror(errno));
        close(dfd);
        return e;
    }
    char **names = NULL;
    size_t nn = 0, cap = 0;
    aj_err e = AJ_OK;
    struct dirent *de;
    while (!e && (de = readdir(d)) != NULL) {
        const char *s = de->d_name;
        if (!name_pid(s, BUILD_PREFIX) && !name_pid(s, AJ_CURRENT ".") &&
            !(is_gen_name(s, &n) && n > live))
            continue;
        if (nn == cap) {
            size_t nc = cap ? 2 * cap : 8;
            char **v = realloc(names, nc * sizeof *v);
            if (!v) {
                e = aj_fail(c, AJ_ENOMEM, "leftovers");
                break;
            }
            names = v;
            cap = nc;
        }
        if (!(names[nn] = strdup(s))) e = aj_fail(c, AJ_ENOMEM, "leftovers");
        else nn++;
    }
    if (nn) qsort(names, nn, sizeof *names, cmp_names);
    for (size_t i = 0; !e && i < nn; i++) {
        aj_leftover l = {.name = names[i]};
        if ((l.pid = name_pid(names[i], BUILD_PREFIX)) != 0) {
            l.kind = AJ_LEFTOVER_BUILD;
            l.bytes = dir_bytes(dirfd(d), names[i]);
        } else if ((l.pid = name_pid(names[i], AJ_CURRENT ".")) != 0) {
            l.kind = AJ_LEFTOVER_CURRENT;
        } else {
            l.kind = AJ_LEFTOVER_GEN;
            l.bytes = dir_bytes(dirfd(d), names[i]);
        }
        /* EPERM: the process exists but belongs to someone else. */
        l.running = l.pid > 0 && (kill((pid_t)l.pid, 0) == 0 || errno == EPERM);
        fn(arg, &l);
    }
    for (size_t i = 0; i < nn; i++) free(names[i]);
    free(names);
    closedir(d);
    return e;
}
