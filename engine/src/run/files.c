#include "run/files.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *const gv_rule_exts[] = { ".guard", ".ruleset", NULL };
const char *const gv_data_exts[] = { ".yaml", ".yml", ".json", ".jsn", ".template", NULL };

void gv_strlist_free(gv_strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

int gv_strlist_push(gv_strlist *l, const char *s)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        char **p = realloc(l->items, cap * sizeof *p);
        if (!p)
            return 0;
        l->items = p;
        l->cap = cap;
    }
    char *c = strdup(s);
    if (!c)
        return 0;
    l->items[l->n++] = c;
    return 1;
}

static int has_ext(const char *name, const char *const *exts)
{
    size_t n = strlen(name);
    for (size_t i = 0; exts[i]; i++) {
        size_t e = strlen(exts[i]);
        if (n > e && strcmp(name + n - e, exts[i]) == 0)
            return 1;
    }
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(const char *dir, const char *const *exts, gv_strlist *out, int depth, gv_error *err)
{
    if (depth > 64)
        return 0; /* a loop of links, or absurd nesting: stop quietly */
    DIR *d = opendir(dir);
    if (!d) {
        gv_error_set(err, GV_E_IO, dir, (gv_loc){ 0, 0 }, "cannot read directory: %s", strerror(errno));
        return -1;
    }
    gv_strlist found = { 0 };
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        size_t n = strlen(dir) + strlen(e->d_name) + 2;
        char *path = malloc(n);
        if (!path) {
            rc = -1;
            break;
        }
        snprintf(path, n, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", e->d_name);
        if (!gv_strlist_push(&found, path))
            rc = -1;
        free(path);
    }
    closedir(d);
    qsort(found.items, found.n, sizeof *found.items, cmp_str);
    for (size_t i = 0; rc == 0 && i < found.n; i++) {
        struct stat st;
        if (stat(found.items[i], &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            rc = walk(found.items[i], exts, out, depth + 1, err);
        else if (S_ISREG(st.st_mode) && has_ext(found.items[i], exts) && !gv_strlist_push(out, found.items[i]))
            rc = -1;
    }
    gv_strlist_free(&found);
    if (rc < 0 && err->code == GV_OK)
        gv_error_set(err, GV_E_NOMEM, dir, (gv_loc){ 0, 0 }, "out of memory listing files");
    return rc;
}

int gv_collect_files(const char *path, const char *const *exts, int take_any_file,
                     gv_strlist *out, gv_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        gv_error_set(err, GV_E_IO, path, (gv_loc){ 0, 0 }, "cannot open: %s", strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode))
        return walk(path, exts, out, 0, err);
    if ((take_any_file || has_ext(path, exts)) && !gv_strlist_push(out, path)) {
        gv_error_set(err, GV_E_NOMEM, path, (gv_loc){ 0, 0 }, "out of memory listing files");
        return -1;
    }
    return 0;
}
