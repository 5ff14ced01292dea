/*
 * file.h - the container every index file shares: a 64-byte header, a
 * payload, and a table of page checksums (FORMAT.md, "Container").
 *
 * Writing is append-only and buffered; page checksums are computed as the
 * payload streams past, so the writer never rereads what it wrote.
 * Reading maps the file read-only.  Opening checks the header and the
 * checksum table only; each 4 KiB page of payload is verified against its checksum the first time any byte
 * of it is requested through aj_mfile_get().
 */
#ifndef AJ_FILE_H
#define AJ_FILE_H

#include <stdint.h>
#include <stddef.h>

#include "common/error.h"

#define AJ_FORMAT_VERSION 11u
#define AJ_MAGIC "AJSEARCH"
#define AJ_HEADER_BYTES 64u
#define AJ_PAGE_BYTES 4096u
#define AJ_MAX_SECTIONS 16u

/* File kinds: four ASCII bytes read as a little-endian u32. */
#define AJ_FOURCC(a, b, c, d)                                             \
    ((uint32_t)(a) | ((uint32_t)(b) << 8) | ((uint32_t)(c) << 16) |     \
     ((uint32_t)(d) << 24))
#define AJ_KIND_META AJ_FOURCC('m', 'e', 't', 'a')
#define AJ_KIND_DICT AJ_FOURCC('d', 'i', 'c', 't')
#define AJ_KIND_POST AJ_FOURCC('p', 'o', 's', 't')
#define AJ_KIND_POSN AJ_FOURCC('p', 'o', 's', 'n')
#define AJ_KIND_STOR AJ_FOURCC('s', 't', 'o', 'r')
#define AJ_KIND_LEX AJ_FOURCC('l', 'e', 'x', 'i')

/* ---- writing ---- */

typedef struct aj_fwriter aj_fwriter;

/* Creates path (which must not exist) for a file of the given kind. */
aj_err aj_fw_open(aj_ctx *c, const char *path, uint32_t kind,
                  aj_fwriter **out);
/* Appends n bytes to the payload. */
aj_err aj_fw_write(aj_ctx *c, aj_fwriter *w, const void *p, size_t n);
/* Appends zero bytes until the payload offset is a multiple of align. */
aj_err aj_fw_align(aj_ctx *c, aj_fwriter *w, size_t align);
/* Current payload offset (bytes written so far). */
uint64_t aj_fw_tell(const aj_fwriter *w);
/* Records that section id spans payload [off, off+len). */
aj_err aj_fw_section(aj_ctx *c, aj_fwriter *w, uint32_t id, uint64_t off,
                     uint64_t len);
/* Writes the section directory, checksum table and header, fsyncs and
 * closes; frees w in every case.  *nbytes (may be NULL) gets the size. */
aj_err aj_fw_close(aj_ctx *c, aj_fwriter *w, uint64_t *nbytes);
/* Abandons a file being written (closes and frees; the caller deletes). */
void aj_fw_abort(aj_fwriter *w);
/* Appends src's payload bytes (not its sections) to dst, then abandons
 * src as aj_fw_abort does: a part of a file written apart, by another
 * thread, joins the file without a sync of its own. */
aj_err aj_fw_append_payload(aj_ctx *c, aj_fwriter *dst, aj_fwriter *src);

/* ---- reading ---- */

typedef struct aj_mfile aj_mfile;

/* Maps file `name` relative to directory fd dirfd and validates its header
 * and checksum table.  `label` (the file's name) prefixes error messages. */
aj_err aj_mfile_open(aj_ctx *c, int dirfd, const char *name, uint32_t kind,
                     aj_mfile **out);
void aj_mfile_close(aj_mfile *f);

/* Returns in *p a pointer to payload bytes [off, off+len) after checking
 * bounds and verifying the pages they lie on (unless verification is off).
 * The pointer is valid until aj_mfile_close(). */
aj_err aj_mfile_get(aj_ctx *c, aj_mfile *f, uint64_t off, uint64_t len,
                    const uint8_t **p);

/* Finds section id; AJ_ECORRUPT if absent. */
aj_err aj_mfile_section(aj_ctx *c, const aj_mfile *f, uint32_t id,
                        uint64_t *off, uint64_t *len);

/* Verifies every page (for `check`). */
aj_err aj_mfile_verify_all(aj_ctx *c, aj_mfile *f);

void aj_mfile_set_verify(aj_mfile *f, int on);
uint64_t aj_mfile_payload_len(const aj_mfile *f);
uint64_t aj_mfile_size(const aj_mfile *f);
const char *aj_mfile_name(const aj_mfile *f);

#endif
