#include "cli/output.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int gv_cli_write_file(const char *path, const gv_buf *b)
{
    if (b->oom) {
        fprintf(stderr, "gavel: %s: cannot write: out of memory\n", path);
        return -1;
    }
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp) {
        fprintf(stderr, "gavel: %s: cannot write: out of memory\n", path);
        return -1;
    }
    snprintf(tmp, n, "%s.tmp~", path);
    FILE *f = fopen(tmp, "wb");
    int ok = f && (b->len == 0 || fwrite(b->data, 1, b->len, f) == b->len);
    int saved = errno;
    if (f && fclose(f) != 0 && ok) {
        ok = 0;
        saved = errno;
    }
    if (ok && rename(tmp, path) != 0) {
        ok = 0;
        saved = errno;
    }
    if (!ok) {
        fprintf(stderr, "gavel: %s: cannot write: %s\n", path, strerror(saved));
        remove(tmp);
    }
    free(tmp);
    return ok ? 0 : -1;
}
