/*
 * file.c - index file container: header, payload, page checksums.
 *
 * The header's fields, the checksum table and the section directory:
 * FORMAT.md "Container".
 */
#include "common/io.h"
#include "format/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "common/bytes.h"

#define WBUF_BYTES (1u << 20)

typedef struct {
    uint32_t id;
    uint64_t off, len;
} section;

struct aj_fwriter {
    int fd;
    char *path;
    uint32_t kind;
    uint64_t payload;      /* bytes of payload written (incl. buffered) */
    uint8_t *buf;          /* write buffer */
    size_t nbuf;
    XXH3_state_t *page;    /* hash of the page being filled */
    uint64_t page_fill;    /* bytes in the current page */
    uint32_t *sums;        /* finished page checksums */
    size_t nsums, capsums;
    section sec[AJ_MAX_SECTIONS];
    uint32_t nsec;
};

static aj_err write_all(aj_ctx *c, int fd, const char *path,
                        const uint8_t *p, size_t n, int64_t at) {
    while (n > 0) {
        ssize_t k = aj_io_write(fd, p, n, at);
        if (k < 0) {
            if (errno == EINTR) continue;
            return aj_fail(c, AJ_EIO, "%s: write failed: %s", path,
                           strerror(errno));
        }
        if (k == 0)
            return aj_fail(c, AJ_EIO, "%s: write made no progress", path);
        p += k;
        n -= (size_t)k;
        if (at >= 0) at += k;
    }
    return AJ_OK;
}

static aj_err flush_buf(aj_ctx *c, aj_fwriter *w) {
    aj_err e = write_all(c, w->fd, w->path, w->buf, w->nbuf, -1);
    w->nbuf = 0;
    return e;
}

static aj_err push_sum(aj_ctx *c, aj_fwriter *w) {
    if (w->nsums == w->capsums) {
        size_t cap = w->capsums ? w->capsums * 2 : 64;
        uint32_t *s = realloc(w->sums, cap * sizeof *s);
        if (!s) return aj_fail(c, AJ_ENOMEM, "page checksum table");
        w->sums = s;
        w->capsums = cap;
    }
    w->sums[w->nsums++] = (uint32_t)XXH3_64bits_digest(w->page);
    XXH3_64bits_reset(w->page);
    w->page_fill = 0;
    return AJ_OK;
}

aj_err aj_fw_open(aj_ctx *c, const char *path, uint32_t kind,
                  aj_fwriter **out) {
    aj_fwriter *w = calloc(1, sizeof *w);
    if (!w) return aj_fail(c, AJ_ENOMEM, "file writer");
    w->fd = -1;
    w->kind = kind;
    w->path = strdup(path);
    w->buf = malloc(WBUF_BYTES);
    w->page = XXH3_createState();
    if (!w->path || !w->buf || !w->page) {
        aj_fw_abort(w);
        return aj_fail(c, AJ_ENOMEM, "file writer");
    }
    XXH3_64bits_reset(w->page);
    w->fd = aj_io_openat(AT_FDCWD, path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (w->fd < 0) {
        aj_err e = aj_fail(c, AJ_EIO, "%s: cannot create: %s", path,
                           strerror(errno));
        aj_fw_abort(w);
        return e;
    }
    /* Placeholder header; the real one is written by aj_fw_close(). */
    memset(w->buf, 0, AJ_HEADER_BYTES);
    w->nbuf = AJ_HEADER_BYTES;
    *out = w;
    return AJ_OK;
}

aj_err aj_fw_write(aj_ctx *c, aj_fwriter *w, const void *data, size_t n) {
    const uint8_t *p = data;
    while (n > 0) {
        size_t room = WBUF_BYTES - w->nbuf;
        size_t in_page = (size_t)(AJ_PAGE_BYTES - w->page_fill);
        size_t k = n < room ? n : room;
        if (k > in_page) k = in_page;
        memcpy(w->buf + w->nbuf, p, k);
        XXH3_64bits_update(w->page, p, k);
        w->nbuf += k;
        w->page_fill += k;
        w->payload += k;
        p += k;
        n -= k;
        if (w->page_fill == AJ_PAGE_BYTES) {
            aj_err e = push_sum(c, w);
            if (e) return e;
        }
        if (w->nbuf == WBUF_BYTES) {
            aj_err e = flush_buf(c, w);
            if (e) return e;
        }
    }
    return AJ_OK;
}

aj_err aj_fw_align(aj_ctx *c, aj_fwriter *w, size_t align) {
    static const uint8_t zeros[64];
    while (w->payload % align) {
        size_t k = align - (size_t)(w->payload % align);
        if (k > sizeof zeros) k = sizeof zeros;
        aj_err e = aj_fw_write(c, w, zeros, k);
        if (e) return e;
    }
    return AJ_OK;
}

uint64_t aj_fw_tell(const aj_fwriter *w) { return w->payload; }

aj_err aj_fw_section(aj_ctx *c, aj_fwriter *w, uint32_t id, uint64_t off,
                     uint64_t len) {
    if (w->nsec == AJ_MAX_SECTIONS)
        return aj_fail(c, AJ_EINVAL, "%s: too many sections", w->path);
    w->sec[w->nsec++] = (section){id, off, len};
    return AJ_OK;
}

aj_err aj_fw_close(aj_ctx *c, aj_fwriter *w, uint64_t *nbytes) {
    aj_err e = aj_fw_align(c, w, 8);
    uint64_t dir_off = w->payload;
    uint8_t ent[24];
    if (!e) {
        aj_put_u32le(ent, w->nsec);
        aj_put_u32le(ent + 4, 0);
        e = aj_fw_write(c, w, ent, 8);
    }
    for (uint32_t i = 0; !e && i < w->nsec; i++) {
        aj_put_u32le(ent, w->sec[i].id);
        aj_put_u32le(ent + 4, 0);
        aj_put_u64le(ent + 8, w->sec[i].off);
        aj_put_u64le(ent + 16, w->sec[i].len);
        e = aj_fw_write(c, w, ent, 24);
    }
    if (!e && w->page_fill > 0) e = push_sum(c, w);
    if (!e) e = flush_buf(c, w);
    /* Checksum table, written straight from memory. */
    uint8_t *table = NULL;
    if (!e) {
        table = malloc(w->nsums * 4 + 1);
        if (!table) e = aj_fail(c, AJ_ENOMEM, "checksum table");
    }
    if (!e) {
        for (size_t i = 0; i < w->nsums; i++)
            aj_put_u32le(table + 4 * i, w->sums[i]);
        e = write_all(c, w->fd, w->path, table, w->nsums * 4, -1);
    }
    if (!e) {
        uint8_t h[AJ_HEADER_BYTES] = {0};
        memcpy(h, AJ_MAGIC, 8);
        aj_put_u32le(h + 8, AJ_FORMAT_VERSION);
        aj_put_u32le(h + 12, w->kind);
        aj_put_u64le(h + 16, w->payload);
        aj_put_u64le(h + 24, dir_off);
        aj_put_u32le(h + 32, AJ_PAGE_BYTES);
        aj_put_u32le(h + 36, (uint32_t)w->nsums);
        aj_put_u64le(h + 40, XXH3_64bits(table, w->nsums * 4));
        aj_put_u64le(h + 56, XXH3_64bits(h, 56));
        e = write_all(c, w->fd, w->path, h, sizeof h, 0);
    }
    free(table);
    if (!e && aj_io_fsync(w->fd) != 0)
        e = aj_fail(c, AJ_EIO, "%s: fsync failed: %s", w->path,
                    strerror(errno));
    if (!e && nbytes)
        *nbytes = AJ_HEADER_BYTES + w->payload + 4 * (uint64_t)w->nsums;
    if (close(w->fd) != 0 && !e)
        e = aj_fail(c, AJ_EIO, "%s: close failed: %s", w->path,
                    strerror(errno));
    w->fd = -1;
    aj_fw_abort(w);
    return e;
}

void aj_fw_abort(aj_fwriter *w) {
    if (!w) return;
    if (w->fd >= 0) close(w->fd);
    free(w->path);
    free(w->buf);
    free(w->sums);
    if (w->page) XXH3_freeState(w->page);
    free(w);
}

aj_err aj_fw_append_payload(aj_ctx *c, aj_fwriter *dst, aj_fwriter *src) {
    aj_err e = flush_buf(c, src);
    int fd = e ? -1 : open(src->path, O_RDONLY | O_CLOEXEC);
    if (!e && fd < 0)
        e = aj_fail(c, AJ_EIO, "%s: cannot open: %s", src->path, strerror(errno));
    uint8_t *buf = e ? NULL : malloc(WBUF_BYTES);
    if (!e && !buf) e = aj_fail(c, AJ_ENOMEM, "file copy");
    for (uint64_t off = 0; !e && off < src->payload;) {
        size_t want = src->payload - off < WBUF_BYTES ? (size_t)(src->payload - off)
                                                      : WBUF_BYTES;
        ssize_t k = pread(fd, buf, want, (off_t)(AJ_HEADER_BYTES + off));
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) {
            e = aj_fail(c, AJ_EIO, "%s: read failed: %s", src->path,
                        k < 0 ? strerror(errno) : "file ends early");
            break;
        }
        e = aj_fw_write(c, dst, buf, (size_t)k);
        off += (uint64_t)k;
    }
    free(buf);
    if (fd >= 0) close(fd);
    aj_fw_abort(src);
    return e;
}

/* ------------------------------------------------------------------ */

struct aj_mfile {
    char name[32];
    const uint8_t *map;      /* whole file */
    uint64_t size;
    const uint8_t *payload;
    uint64_t payload_len;
    const uint8_t *table;    /* page checksums */
    uint32_t npages;
    uint32_t nsec;
    section sec[AJ_MAX_SECTIONS];
    int verify;
    _Atomic uint64_t *verified;  /* one bit per page */
};

static aj_err corrupt(aj_ctx *c, const aj_mfile *f, const char *what) {
    return aj_fail(c, AJ_ECORRUPT, "%s: %s", f->name, what);
}

static aj_err verify_page(aj_ctx *c, aj_mfile *f, uint32_t pg) {
    uint64_t bit = (uint64_t)1 << (pg & 63);
    if (atomic_load_explicit(&f->verified[pg >> 6], memory_order_relaxed) &
        bit)
        return AJ_OK;
    uint64_t off = (uint64_t)pg * AJ_PAGE_BYTES;
    uint64_t n = f->payload_len - off;
    if (n > AJ_PAGE_BYTES) n = AJ_PAGE_BYTES;
    uint32_t want = aj_get_u32le(f->table + 4 * (uint64_t)pg);
    if ((uint32_t)XXH3_64bits(f->payload + off, n) != want)
        return aj_fail(c, AJ_ECORRUPT,
                       "%s: checksum mismatch in page %u (payload bytes "
                       "%llu..%llu, file offset %llu)",
                       f->name, pg, (unsigned long long)off,
                       (unsigned long long)(off + n),
                       (unsigned long long)(off + AJ_HEADER_BYTES));
    atomic_fetch_or_explicit(&f->verified[pg >> 6], bit,
                             memory_order_relaxed);
    return AJ_OK;
}

aj_err aj_mfile_get(aj_ctx *c, aj_mfile *f, uint64_t off, uint64_t len,
                    const uint8_t **p) {
    if (off > f->payload_len || len > f->payload_len - off)
        return aj_fail(c, AJ_ECORRUPT,
                       "%s: reference to bytes %llu..%llu past the payload "
                       "end %llu",
                       f->name, (unsigned long long)off,
                       (unsigned long long)(off + len),
                       (unsigned long long)f->payload_len);
    if (f->verify && len > 0) {
        uint32_t first = (uint32_t)(off / AJ_PAGE_BYTES);
        uint32_t last = (uint32_t)((off + len - 1) / AJ_PAGE_BYTES);
        for (uint32_t pg = first; pg <= last; pg++) {
            aj_err e = verify_page(c, f, pg);
            if (e) return e;
        }
    }
    *p = f->payload + off;
    return AJ_OK;
}

static aj_err read_header(aj_ctx *c, aj_mfile *f, uint32_t kind) {
    const uint8_t *h = f->map;
    if (f->size < AJ_HEADER_BYTES || memcmp(h, AJ_MAGIC, 8) != 0)
        return aj_fail(c, AJ_EVERSION,
                       "%s: not an ajsearch index file (bad magic)", f->name);
    uint32_t version = aj_get_u32le(h + 8);
    if (version != AJ_FORMAT_VERSION) {
        /* Another version may lay out its header differently, so a
         * checksum that fails does not prove damage; but when it fails,
         * a damaged version field is as likely as a newer file, and the
         * message says so rather than only asking for a rebuild. */
        int sealed = aj_get_u64le(h + 56) == XXH3_64bits(h, 56);
        return aj_fail(c, AJ_EVERSION,
                       "%s: index format version %u, this program reads "
                       "version %u; rebuild the index with `ajsearch index`%s",
                       f->name, version, AJ_FORMAT_VERSION,
                       sealed ? "" : " (or the header is damaged: its "
                                     "checksum at offset 56 does not match)");
    }
    if (aj_get_u64le(h + 56) != XXH3_64bits(h, 56))
        return corrupt(c, f, "header checksum mismatch (file offset 0..64)");
    if (aj_get_u32le(h + 12) != kind)
        return corrupt(c, f, "wrong file kind in header (offset 12)");
    uint64_t plen = aj_get_u64le(h + 16);
    uint32_t pagesz = aj_get_u32le(h + 32);
    uint32_t npages = aj_get_u32le(h + 36);
    if (pagesz != AJ_PAGE_BYTES)
        return corrupt(c, f, "unsupported page size (offset 32)");
    if (plen > f->size || npages != (plen + AJ_PAGE_BYTES - 1) / AJ_PAGE_BYTES)
        return corrupt(c, f, "payload length and page count disagree");
    uint64_t want = AJ_HEADER_BYTES + plen + 4 * (uint64_t)npages;
    if (f->size != want)
        return aj_fail(c, AJ_ECORRUPT,
                       "%s: file is %llu bytes, header says %llu "
                       "(truncated or extended)",
                       f->name, (unsigned long long)f->size,
                       (unsigned long long)want);
    f->payload = f->map + AJ_HEADER_BYTES;
    f->payload_len = plen;
    f->table = f->payload + plen;
    f->npages = npages;
    if (aj_get_u64le(h + 40) != XXH3_64bits(f->table, 4 * (size_t)npages))
        return aj_fail(c, AJ_ECORRUPT,
                       "%s: checksum table mismatch (file offset %llu)",
                       f->name,
                       (unsigned long long)(AJ_HEADER_BYTES + plen));
    /* Section directory. */
    uint64_t dir = aj_get_u64le(h + 24);
    const uint8_t *d;
    aj_err e = aj_mfile_get(c, f, dir, 8, &d);
    if (e) return e;
    uint32_t n = aj_get_u32le(d);
    if (n > AJ_MAX_SECTIONS) return corrupt(c, f, "too many sections");
    e = aj_mfile_get(c, f, dir + 8, 24 * (uint64_t)n, &d);
    if (e) return e;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *s = d + 24 * i;
        section x = {aj_get_u32le(s), aj_get_u64le(s + 8),
                     aj_get_u64le(s + 16)};
        if (x.off > dir || x.len > dir - x.off)
            return corrupt(c, f, "section outside the payload");
        f->sec[i] = x;
    }
    f->nsec = n;
    return AJ_OK;
}

aj_err aj_mfile_open(aj_ctx *c, int dirfd, const char *name, uint32_t kind,
                     aj_mfile **out) {
    aj_mfile *f = calloc(1, sizeof *f);
    if (!f) return aj_fail(c, AJ_ENOMEM, "mapped file");
    snprintf(f->name, sizeof f->name, "%s", name);
    f->verify = 1;
    int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        aj_err e = aj_fail(c, errno == ENOENT ? AJ_ENOTFOUND : AJ_EIO,
                           "%s: cannot open: %s", name, strerror(errno));
        free(f);
        return e;
    }
    struct stat st;
    aj_err e = AJ_OK;
    if (fstat(fd, &st) != 0)
        e = aj_fail(c, AJ_EIO, "%s: stat failed: %s", name, strerror(errno));
    else if (!S_ISREG(st.st_mode))
        e = aj_fail(c, AJ_ECORRUPT, "%s: not a regular file", name);
    if (!e) {
        f->size = (uint64_t)st.st_size;
        if (f->size == 0) {
            e = aj_fail(c, AJ_ECORRUPT, "%s: empty file", name);
        } else {
            void *m = mmap(NULL, f->size, PROT_READ, MAP_SHARED, fd, 0);
            if (m == MAP_FAILED)
                e = aj_fail(c, AJ_EIO, "%s: mmap failed: %s", name,
                            strerror(errno));
            else
                f->map = m;
        }
    }
    close(fd);
    if (!e) {
        /* The bitmap must exist before read_header reads the directory. */
        uint64_t hdr_pages = 0;
        if (f->size >= AJ_HEADER_BYTES)
            hdr_pages = aj_get_u32le(f->map + 36);
        size_t words = (size_t)((hdr_pages + 63) / 64) + 1;
        if (hdr_pages > f->size / AJ_PAGE_BYTES + 1)
            words = 1; /* header garbage: read_header rejects it */
        f->verified = calloc(words, sizeof *f->verified);
        if (!f->verified) e = aj_fail(c, AJ_ENOMEM, "page bitmap");
    }
    if (!e) e = read_header(c, f, kind);
    if (e) {
        aj_mfile_close(f);
        return e;
    }
    *out = f;
    return AJ_OK;
}

void aj_mfile_close(aj_mfile *f) {
    if (!f) return;
    if (f->map) munmap((void *)f->map, f->size);
    free((void *)f->verified);
    free(f);
}

aj_err aj_mfile_section(aj_ctx *c, const aj_mfile *f, uint32_t id,
                        uint64_t *off, uint64_t *len) {
    for (uint32_t i = 0; i < f->nsec; i++)
        if (f->sec[i].id == id) {
            *off = f->sec[i].off;
            *len = f->sec[i].len;
            return AJ_OK;
        }
    return aj_fail(c, AJ_ECORRUPT, "%s: section %u missing", f->name, id);
}

aj_err aj_mfile_verify_all(aj_ctx *c, aj_mfile *f) {
    for (uint32_t pg = 0; pg < f->npages; pg++) {
        aj_err e = verify_page(c, f, pg);
        if (e) return e;
    }
    return AJ_OK;
}

void aj_mfile_set_verify(aj_mfile *f, int on) { f->verify = on; }
uint64_t aj_mfile_payload_len(const aj_mfile *f) { return f->payload_len; }
uint64_t aj_mfile_size(const aj_mfile *f) { return f->size; }
const char *aj_mfile_name(const aj_mfile *f) { return f->name; }
