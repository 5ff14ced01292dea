/*
 * io.h - the system calls by which a build changes the disk, in one place,
 * so that tests can make any of them fail the way a full disk, a failing
 * device or a crash would.
 *
 * Each wrapper behaves exactly like the call it wraps.  When a test has
 * installed a hook, the hook is asked first and may let the call proceed,
 * make it fail with an errno of its choice, or (for raw writes) let only
 * part of the bytes through, which callers must treat as a short write.
 * A hook that wants a crash simply raises SIGKILL itself.  Without a hook
 * the cost is one predictable branch.  Not part of the public API.
 */
#ifndef AJ_IO_H
#define AJ_IO_H

#include <stdio.h>
#include <sys/types.h>

typedef enum {
    AJ_IO_WRITE,    /* write/pwrite of an index file (may be shortened) */
    AJ_IO_FWRITE,   /* fwrite to a temporary file */
    AJ_IO_FSYNC,
    AJ_IO_MKDIR,
    AJ_IO_RENAME,
    AJ_IO_SYMLINK,
    AJ_IO_CREATE,   /* creating a file */
    AJ_IO_FLUSH     /* fflush/fclose of a temporary file (stdio writes its
                       buffer then, so that is where a full disk shows) */
} aj_io_op;

/* Asked before every operation: returns 0 to let it proceed, a positive
 * count to let a write through only that many bytes (fewer than asked),
 * or minus an errno value to make it fail with that errno. */
typedef long (*aj_io_hook)(void *arg, aj_io_op op, size_t nbytes);

/* Installs fn (NULL removes the hook).  Process-wide; for tests. */
void aj_io_set_hook(aj_io_hook fn, void *arg);

ssize_t aj_io_write(int fd, const void *p, size_t n, off_t at); /* at < 0: write() */
size_t aj_io_fwrite(const void *p, size_t size, size_t n, FILE *f);
int aj_io_fsync(int fd);
int aj_io_mkdirat(int dirfd, const char *path, mode_t mode);
int aj_io_renameat(int olddirfd, const char *oldpath, int newdirfd,
                   const char *newpath);
int aj_io_symlinkat(const char *target, int dirfd, const char *linkpath);
int aj_io_openat(int dirfd, const char *path, int flags, mode_t mode);
FILE *aj_io_fopen(const char *path, const char *mode);
int aj_io_fflush(FILE *f);
/* Closes f in every case; fails (EOF, errno set) if the hook says so. */
int aj_io_fclose(FILE *f);

#endif
