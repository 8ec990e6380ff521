/* Precompiled bundles: compiled programs written to a file and read back
 * without parsing any rule text (`gavel compile`, `-r FILE.gvb`).
 *
 * Layout (integers little-endian):
 *   "GAVELBC\n"  u32 format version  u32 instruction-set hash
 *   u32 program count  u32 reserved  u64 payload bytes  u64 XXH3 of payload
 *   payload: the programs, one after another (see bundle.c).
 * A bundle is rejected with a GV_E_BUNDLE error when it is truncated, its
 * checksum does not match, it comes from another format version or another
 * instruction set, or any index in it points outside its tables. */
#ifndef GV_BUNDLE_H
#define GV_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/error.h"
#include "vm/program.h"

/* 2: blobs hold clause texts; 3: programs count their captures; 4: every
 * byte string ends with a NUL, so it can be used where it lies; 5: the
 * file-level lets' memo keys; 6: which clauses are skippable (vm/pure.c) */
#define GV_BUNDLE_VERSION 6

/* Whether data starts like a bundle (decides how `-r FILE` is read). */
int gv_bundle_sniff(const char *data, size_t len);

/* Bytes a layer above the VM keeps with a program (reports keep clause
 * texts there); opaque to the bundle. */
typedef struct gv_bundle_blob {
    const char *data;
    uint32_t len;
} gv_bundle_blob;

/* Appends the bundle of progs[0..n) to out, each with blobs[i] (blobs may
 * be NULL). 0, or -1 when out ran out of memory. */
int gv_bundle_write(gv_buf *out, gv_program *const *progs, const gv_bundle_blob *blobs, uint32_t n);

/* Reads a bundle; name is used in errors. Returns a malloc'd array of *n
 * programs (free each with gv_program_free, then the array), or NULL with
 * err set. When blobs is not NULL it receives a malloc'd array of *n blobs.
 * With keep (the blob data lies in), the programs point into data and each
 * holds a reference to keep, as do the blobs' bytes; without, everything is
 * copied into the programs' arenas (the blobs' bytes too). */
gv_program **gv_bundle_read(const char *name, const char *data, size_t len, uint32_t *n,
                            gv_bundle_blob **blobs, struct gv_blob *keep, gv_error *err);

/* Checks every index of p against its tables, so that evaluating p cannot
 * read outside them. 0, or -1 with err set. */
int gv_program_verify(const gv_program *p, const char *name, gv_error *err);

#endif
