/*
 * io.c - hookable wrappers of the system calls a build writes with.
 */
#include "common/io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static aj_io_hook hook;
static void *hook_arg;

void aj_io_set_hook(aj_io_hook fn, void *arg) {
    hook = fn;
    hook_arg = arg;
}

/* Asks the hook; returns 0 to go on, -1 with errno set to fail, or a
 * positive byte count to shorten a write. */
static long ask(aj_io_op op, size_t n) {
    if (!hook) return 0;
    long r = hook(hook_arg, op, n);
    if (r < 0) {
        errno = (int)-r;
        return -1;
    }
    return r;
}

ssize_t aj_io_write(int fd, const void *p, size_t n, off_t at) {
    long r = ask(AJ_IO_WRITE, n);
    if (r < 0) return -1;
    if (r > 0 && (size_t)r < n) n = (size_t)r;
    return at >= 0 ? pwrite(fd, p, n, at) : write(fd, p, n);
}

size_t aj_io_fwrite(const void *p, size_t size, size_t n, FILE *f) {
    /* stdio reports a failed write as a short item count with errno set;
     * a hooked failure looks the same. */
    if (ask(AJ_IO_FWRITE, size * n) != 0) return 0;
    return fwrite(p, size, n, f);
}

int aj_io_fsync(int fd) {
    if (ask(AJ_IO_FSYNC, 0) != 0) return -1;
    return fsync(fd);
}

int aj_io_mkdirat(int dirfd, const char *path, mode_t mode) {
    if (ask(AJ_IO_MKDIR, 0) != 0) return -1;
    return mkdirat(dirfd, path, mode);
}

int aj_io_renameat(int olddirfd, const char *oldpath, int newdirfd,
                   const char *newpath) {
    if (ask(AJ_IO_RENAME, 0) != 0) return -1;
    return renameat(olddirfd, oldpath, newdirfd, newpath);
}

int aj_io_symlinkat(const char *target, int dirfd, const char *linkpath) {
    if (ask(AJ_IO_SYMLINK, 0) != 0) return -1;
    return symlinkat(target, dirfd, linkpath);
}

int aj_io_openat(int dirfd, const char *path, int flags, mode_t mode) {
    if (ask(AJ_IO_CREATE, 0) != 0) return -1;
    return openat(dirfd, path, flags, mode);
}

FILE *aj_io_fopen(const char *path, const char *mode) {
    if (ask(AJ_IO_CREATE, 0) != 0) return NULL;
    return fopen(path, mode);
}

int aj_io_fflush(FILE *f) {
    if (ask(AJ_IO_FLUSH, 0) != 0) return EOF;
    return fflush(f);
}

int aj_io_fclose(FILE *f) {
    if (ask(AJ_IO_FLUSH, 0) != 0) {
        /* The stream must go anyway; keep the injected errno. */
        int err = errno;
        fclose(f);
        errno = err;
        return EOF;
    }
    return fclose(f);
}
