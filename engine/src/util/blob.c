#include "blob.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "file.h"

struct gv_blob {
    const char *data;
    size_t len;
    size_t maplen;     /* 0: data is malloc'd */
    unsigned refs;
    gv_arena arena;    /* chunk_size 0 until first asked for */
};

static gv_blob *wrap(const char *data, size_t len, size_t maplen)
{
    gv_blob *b = malloc(sizeof *b);
    if (b)
        *b = (gv_blob){ .data = data, .len = len, .maplen = maplen, .refs = 1 };
    return b;
}

/* A regular file whose last page has room for the NUL the kernel fills the
 * rest of a mapped page with; NULL means "read it instead" (stdin, pipes,
 * empty files, sizes on a page boundary, mmap refusing). */
static gv_blob *try_map(const char *path, size_t max_size)
{
    if (strcmp(path, "-") == 0)
        return NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    gv_blob *b = NULL;
    long page = sysconf(_SC_PAGESIZE);
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 && page > 0 &&
        (uintmax_t)st.st_size <= SIZE_MAX / 2 && (!max_size || (uintmax_t)st.st_size <= max_size) &&
        st.st_size % page != 0) {
        size_t len = (size_t)st.st_size;
        void *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p != MAP_FAILED && !(b = wrap(p, len, len)))
            munmap(p, len);
    }
    close(fd);
    return b;
}

gv_blob *gv_blob_open(const char *path, size_t max_size, gv_error *err)
{
    gv_blob *b = try_map(path, max_size);
    if (b)
        return b;
    size_t len = 0;
    char *text = gv_read_file(path, max_size, &len, err);
    if (!text)
        return NULL;
    if (!(b = wrap(text, len, 0))) {
        free(text);
        gv_error_set(err, GV_E_NOMEM, path, (gv_loc){ 0, 0 }, "out of memory reading the file");
    }
    return b;
}

const char *gv_blob_data(const gv_blob *b)
{
    return b->data;
}

size_t gv_blob_len(const gv_blob *b)
{
    return b->len;
}

gv_arena *gv_blob_arena(gv_blob *b)
{
    if (!b->arena.chunk_size)
        gv_arena_init(&b->arena, 1 << 20); /* one huge page (util/pages.h) */
    return &b->arena;
}

gv_blob *gv_blob_retain(gv_blob *b)
{
    if (b)
        b->refs++;
    return b;
}

void gv_blob_release(gv_blob *b)
{
    if (!b || --b->refs)
        return;
    if (b->arena.chunk_size)
        gv_arena_free(&b->arena);
    if (b->maplen)
        munmap((void *)b->data, b->maplen);
    else
        free((void *)b->data);
    free(b);
}
