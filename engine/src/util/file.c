#include "file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

char *gv_read_file(const char *path, size_t max_size, size_t *len, gv_error *err)
{
    gv_loc none = { 0, 0 };
    int is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) {
        gv_error_set(err, GV_E_IO, path, none, "cannot open file: %s", strerror(errno));
        return NULL;
    }
    struct stat st;
    if (!is_stdin && fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        gv_error_set(err, GV_E_IO, path, none, "expected a file, found a directory");
        return NULL;
    }
    size_t cap = 64 * 1024, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n + 1 >= cap) {
            char *p = realloc(buf, cap * 2);
            if (!p) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = p;
            cap *= 2;
        }
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (max_size && n > max_size) {
            free(buf);
            if (!is_stdin)
                fclose(f);
            gv_error_set(err, GV_E_LIMIT, path, none,
                         "file is larger than the limit of %zu bytes", max_size);
            return NULL;
        }
        if (r == 0)
            break;
    }
    int failed = !buf || ferror(f);
    if (!is_stdin)
        fclose(f);
    if (failed) {
        int nomem = !buf;
        free(buf);
        gv_error_set(err, nomem ? GV_E_NOMEM : GV_E_IO, path, none,
                     nomem ? "out of memory reading file" : "read error");
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}
