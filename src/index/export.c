/*
 * export.c - copying the live generation of an index into a directory of
 * its own, flat: the five files (a sharded index: lex.aj and its shards'
 * directories) and nothing else, no CURRENT, no LOCK.
 *
 * That directory is what one publishes (an artifact, a tarball, a web
 * server's folder): any copy tool keeps it whole, and aj_index_open reads
 * it as it is (index.c, AJ_FLAT_GEN).  The copy is made in a sibling
 * directory and renamed into place, so the destination is either absent
 * or complete, and it is verified page by page before that rename.
 */
#include "ajsearch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index/index.h"
#include "common/io.h"

#define COPY_BYTES (1u << 20)

static aj_err copy_file(aj_ctx *c, int from_dir, int to_dir, const char *name,
                        const char *dest, char *buf, uint64_t *bytes) {
    int in = openat(from_dir, name, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return aj_fail(c, AJ_EIO, "%s: %s", name, strerror(errno));
    int out = aj_io_openat(to_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (out < 0) {
        aj_err e = aj_fail(c, AJ_EIO, "%s/%s: %s", dest, name, strerror(errno));
        close(in);
        return e;
    }
    aj_err e = AJ_OK;
    for (;;) {
        ssize_t n = read(in, buf, COPY_BYTES);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            e = aj_fail(c, AJ_EIO, "%s: read: %s", name, strerror(errno));
            break;
        }
        if (n == 0) break;
        for (ssize_t off = 0; off < n;) {
            ssize_t w = aj_io_write(out, buf + off, (size_t)(n - off), -1);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) {
                e = aj_fail(c, AJ_EIO, "%s/%s: write: %s", dest, name,
                            w < 0 ? strerror(errno) : "no space left");
                break;
            }
            off += w;
        }
        if (e) break;
        *bytes += (uint64_t)n;
    }
    if (!e && aj_io_fsync(out) != 0)
        e = aj_fail(c, AJ_EIO, "%s/%s: fsync: %s", dest, name, strerror(errno));
    close(out);
    close(in);
    return e;
}

/* Removes the files a failed export wrote (and its shards' directories,
 * named in shards[0..n)), then its directory. */
static void remove_partial(const char *tmp, char (*shards)[24], uint32_t n) {
    int fd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        for (int i = 0; i < AJ_NFILES; i++) unlinkat(fd, aj_file_names[i], 0);
        unlinkat(fd, AJ_LEX_FILE, 0);
        for (uint32_t k = 0; k < n; k++) {
            int sfd = openat(fd, shards[k], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            for (int i = 0; sfd >= 0 && i < AJ_NFILES; i++) unlinkat(sfd, aj_file_names[i], 0);
            if (sfd >= 0) close(sfd);
            unlinkat(fd, shards[k], AT_REMOVEDIR);
        }
        close(fd);
    }
    rmdir(tmp);
}

/* The five files of directory name under from into a new directory name
 * under to, synced. */
static aj_err copy_shard(aj_ctx *c, int from, int to, const char *name, const char *dest,
                         char *buf, uint64_t *bytes) {
    int in = openat(from, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (in < 0) return aj_fail(c, AJ_EIO, "%s: %s", name, strerror(errno));
    aj_err e = AJ_OK;
    if (aj_io_mkdirat(to, name, 0755) != 0)
        e = aj_fail(c, AJ_EIO, "%s/%s: %s", dest, name, strerror(errno));
    int out = e ? -1 : openat(to, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (!e && out < 0) e = aj_fail(c, AJ_EIO, "%s/%s: %s", dest, name, strerror(errno));
    char where[256];
    snprintf(where, sizeof where, "%s/%s", dest, name);
    for (int i = 0; !e && i < AJ_NFILES; i++)
        e = copy_file(c, in, out, aj_file_names[i], where, buf, bytes);
    if (!e && aj_io_fsync(out) != 0)
        e = aj_fail(c, AJ_EIO, "%s: fsync: %s", where, strerror(errno));
    if (out >= 0) close(out);
    close(in);
    return e;
}

aj_err aj_index_export(aj_ctx *c, const char *index_dir, const char *dest,
                       aj_export_info *info) {
    aj_export_info local;
    if (!info) info = &local;
    memset(info, 0, sizeof *info);
    struct stat st;
    if (stat(dest, &st) == 0) {
        /* An empty directory may be taken (rmdir fails on any other). */
        if (!S_ISDIR(st.st_mode) || rmdir(dest) != 0)
            return aj_fail(c, AJ_EINVAL, "%s: already exists and is not an empty "
                           "directory; export writes a new one", dest);
    }
    /* Resolve the generation once and copy from it: a build switching
     * CURRENT meanwhile does not mix two generations, and it keeps the
     * generation it replaced (index --keep) while the copy runs. */
    aj_index *ix;
    aj_err e = aj_index_open(c, index_dir, &ix);
    if (e) return e;
    char gen[64];
    snprintf(gen, sizeof gen, "%s", ix->gen);
    snprintf(info->generation, sizeof info->generation, "%s", gen);
    /* a sharded generation: lex.aj and its shards' directories */
    uint32_t nshards = ix->lex ? ix->nparts : 0;
    char(*shards)[24] = calloc(nshards + 1, sizeof *shards);
    for (uint32_t k = 0; shards && k < nshards; k++)
        memcpy(shards[k], ix->parts[k].name, sizeof shards[k]);
    aj_index_close(ix);
    if (!shards) return aj_fail(c, AJ_ENOMEM, "shards");

    char gpath[4200], tmp[4200];
    snprintf(gpath, sizeof gpath, "%s/%s", index_dir, gen);
    int n = snprintf(tmp, sizeof tmp, "%s.export-%ld", dest, (long)getpid());
    int gfd = -1;
    if (n < 0 || (size_t)n >= sizeof tmp)
        e = aj_fail(c, AJ_EINVAL, "%s: path too long", dest);
    else if ((gfd = open(gpath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        e = aj_fail(c, AJ_EIO, "%s: %s", gpath, strerror(errno));
    else if (aj_io_mkdirat(AT_FDCWD, tmp, 0755) != 0)
        e = aj_fail(c, AJ_EIO, "%s: %s", tmp, strerror(errno));
    if (e) {
        if (gfd >= 0) close(gfd);
        free(shards);
        return e;
    }
    int tfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    char *buf = malloc(COPY_BYTES);
    if (tfd < 0 || !buf)
        e = tfd < 0 ? aj_fail(c, AJ_EIO, "%s: %s", tmp, strerror(errno))
                    : aj_fail(c, AJ_ENOMEM, "export buffer");
    if (nshards) {
        if (!e) e = copy_file(c, gfd, tfd, AJ_LEX_FILE, dest, buf, &info->bytes);
        for (uint32_t k = 0; !e && k < nshards; k++)
            e = copy_shard(c, gfd, tfd, shards[k], dest, buf, &info->bytes);
    } else {
        for (int i = 0; !e && i < AJ_NFILES; i++)
            e = copy_file(c, gfd, tfd, aj_file_names[i], dest, buf, &info->bytes);
    }
    free(buf);
    close(gfd);
    if (!e && aj_io_fsync(tfd) != 0)
        e = aj_fail(c, AJ_EIO, "%s: fsync: %s", tmp, strerror(errno));
    if (tfd >= 0) close(tfd);
    /* The copy is verified as a reader will see it, every page. */
    if (!e) {
        aj_index *copy;
        e = aj_index_open(c, tmp, &copy);
        if (!e) {
            e = aj_index_check(c, copy);
            aj_index_close(copy);
        }
    }
    if (!e && aj_io_renameat(AT_FDCWD, tmp, AT_FDCWD, dest) != 0)
        e = aj_fail(c, AJ_EIO, "rename %s to %s: %s", tmp, dest, strerror(errno));
    if (e) remove_partial(tmp, shards, nshards);
    free(shards);
    return e;
}
