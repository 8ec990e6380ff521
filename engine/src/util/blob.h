/* A file's bytes shared by what is read from them: programs and clause
 * texts read from a bundle keep pointing into it instead of copying every
 * string out. Each holder takes a reference; the last release frees. */
#ifndef GV_BLOB_H
#define GV_BLOB_H

#include <stddef.h>

#include "error.h"

typedef struct gv_blob gv_blob;

/* path ("-" is stdin) read into memory, NUL-terminated. One reference,
 * held by the caller. Fails as gv_read_file does. */
gv_blob *gv_blob_open(const char *path, size_t max_size, gv_error *err);
const char *gv_blob_data(const gv_blob *b);
size_t gv_blob_len(const gv_blob *b);
/* An arena that lives as long as b: what is decoded from b's bytes for
 * holders that share them (one arena for a bundle's programs instead of a
 * partly used chunk each). */
struct gv_arena *gv_blob_arena(gv_blob *b);
gv_blob *gv_blob_retain(gv_blob *b);
void gv_blob_release(gv_blob *b);

#endif
