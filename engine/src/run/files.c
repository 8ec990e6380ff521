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

typedef struct timed {
    char *path;
    struct timespec mtime;
} timed;

static int cmp_mtime(const void *a, const void *b)
{
    const timed *x = a, *y = b;
    if (x->mtime.tv_sec != y->mtime.tv_sec)
        return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
    if (x->mtime.tv_nsec != y->mtime.tv_nsec)
        return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
    return strcmp(x->path, y->path);
}

/* -m: oldest first (name order breaks ties, cfn-guard leaves them open). */
static int sort_by_mtime(gv_strlist *l)
{
    timed *t = malloc((l->n ? l->n : 1) * sizeof *t);
    if (!t)
        return -1;
    for (size_t i = 0; i < l->n; i++) {
        struct stat st;
        t[i].path = l->items[i];
        t[i].mtime = stat(l->items[i], &st) == 0 ? st.st_mtim : (struct timespec){ 0, 0 };
    }
    qsort(t, l->n, sizeof *t, cmp_mtime);
    for (size_t i = 0; i < l->n; i++)
        l->items[i] = t[i].path;
    free(t);
    return 0;
}

static int walk(const char *dir, const char *const *exts, int by_mtime, gv_strlist *out, int depth,
                gv_error *err)
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
    if (by_mtime && rc == 0 && sort_by_mtime(&found) < 0)
        rc = -1;
    for (size_t i = 0; rc == 0 && i < found.n; i++) {
        struct stat st;
        if (stat(found.items[i], &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            rc = walk(found.items[i], exts, by_mtime, out, depth + 1, err);
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
    return gv_collect_files_ordered(path, exts, take_any_file, 0, out, err);
}

int gv_collect_files_ordered(const char *path, const char *const *exts, int take_any_file, int by_mtime,
                             gv_strlist *out, gv_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        gv_error_set(err, GV_E_IO, path, (gv_loc){ 0, 0 }, "%s", strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode))
        return walk(path, exts, by_mtime, out, 0, err);
    if ((take_any_file || has_ext(path, exts)) && !gv_strlist_push(out, path)) {
        gv_error_set(err, GV_E_NOMEM, path, (gv_loc){ 0, 0 }, "out of memory listing files");
        return -1;
    }
    return 0;
}
