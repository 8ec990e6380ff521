#include "file.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pages.h"

#define BIG_FILE ((size_t)256 << 10)

static void open_error(gv_error *err, const char *path, int e)
{
    gv_loc none = { 0, 0 };
    if (e == ENOENT || e == ENOTDIR)
        gv_error_set(err, GV_E_IO, path, none, "expected an existing file, found no such file");
    else
        gv_error_set(err, GV_E_IO, path, none, "expected a readable file, found: %s", strerror(e));
}

static void too_large(gv_error *err, const char *path, size_t max_size)
{
    gv_error_set(err, GV_E_LIMIT, path, (gv_loc){ 0, 0 },
                 "expected at most %zu bytes (--max-file-size), found a larger file", max_size);
}

/* Reads f to the end into buf (capacity *cap, growing); returns the length,
 * or (size_t)-1 with err set. A regular file's size is known up front, so
 * it is read with one allocation; pipes grow by doubling. */
static size_t read_all(FILE *f, const char *path, size_t max_size, char **buf, size_t *cap,
                       gv_error *err)
{
    size_t n = 0;
    for (;;) {
        if (n + 1 >= *cap) {
            size_t ncap = *cap * 2;
            char *p = realloc(*buf, ncap);
            if (!p) {
                gv_error_set(err, GV_E_NOMEM, path, (gv_loc){ 0, 0 }, "out of memory reading the file");
                return (size_t)-1;
            }
            *buf = p;
            *cap = ncap;
        }
        size_t r = fread(*buf + n, 1, *cap - n - 1, f);
        n += r;
        if (max_size && n > max_size) {
            too_large(err, path, max_size);
            return (size_t)-1;
        }
        if (r == 0)
            break;
    }
    if (ferror(f)) {
        gv_error_set(err, GV_E_IO, path, (gv_loc){ 0, 0 }, "expected a readable file, found a read error");
        return (size_t)-1;
    }
    return n;
}

char *gv_read_file(const char *path, size_t max_size, size_t *len, gv_error *err)
{
    struct stat st;
    return gv_read_file_stat(path, max_size, len, &st, err);
}

char *gv_read_file_stat(const char *path, size_t max_size, size_t *len, struct stat *stp, gv_error *err)
{
    int is_stdin = strcmp(path, "-") == 0;
    memset(stp, 0, sizeof *stp);
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) {
        open_error(err, path, errno);
        return NULL;
    }
    struct stat st;
    size_t cap = 64 * 1024;
    if (!is_stdin && fstat(fileno(f), &st) == 0) {
        *stp = st;
        if (S_ISDIR(st.st_mode)) {
            fclose(f);
            gv_error_set(err, GV_E_IO, path, (gv_loc){ 0, 0 }, "expected a file, found a directory");
            return NULL;
        }
        if (S_ISREG(st.st_mode)) {
            if (max_size && (uintmax_t)st.st_size > max_size) { /* fail before reading */
                fclose(f);
                too_large(err, path, max_size);
                return NULL;
            }
            cap = (size_t)st.st_size + 2; /* +1 NUL, +1 to see the end at once */
        }
    }
    /* a large file's text is touched once, whole: huge pages (util/pages.h) */
    char *buf = cap >= BIG_FILE ? gv_pages_alloc(&cap) : malloc(cap);
    size_t n = buf ? read_all(f, path, max_size, &buf, &cap, err) : (size_t)-1;
    if (!buf)
        gv_error_set(err, GV_E_NOMEM, path, (gv_loc){ 0, 0 }, "out of memory reading the file");
    if (!is_stdin)
        fclose(f);
    if (n == (size_t)-1) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}
