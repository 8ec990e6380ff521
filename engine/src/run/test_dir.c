/* `test -d DIR`: which spec files test which rules file, by cfn-guard's
 * convention (probed): every .guard / .ruleset file under DIR is a rules
 * file, and a .yaml/.yml/.json/.jsn file whose directory is named `tests`
 * tests the first rules file (in walk order) in the directory above it
 * whose name without extension starts its own name: for x.guard,
 * tests/x_tests.yaml, tests/x.json and tests/xyz.yml alike. Rules files are
 * grouped by directory, directories in byte order of their path. */
#include <stdlib.h>
#include <string.h>

#include "run/testspec.h"

const char *const gv_test_exts[] = { ".yaml", ".yml", ".json", ".jsn", NULL };

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Rust's Path::parent as displayed: up to the last separator, without
 * trailing separators ("" for a bare name). */
static char *parent_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 0;
    while (n > 1 && path[n - 1] == '/')
        n--;
    if (slash && n == 0)
        n = 1; /* "/x" -> "/" */
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, path, n);
        p[n] = '\0';
    }
    return p;
}

static char *prefix_of(const char *path)
{
    const char *base = base_name(path);
    size_t n = strlen(base);
    size_t ext = n >= 6 && strcmp(base + n - 6, ".guard") == 0       ? 6
                 : n >= 8 && strcmp(base + n - 8, ".ruleset") == 0 ? 8
                                                                   : 0;
    char *p = malloc(n - ext + 1);
    if (p) {
        memcpy(p, base, n - ext);
        p[n - ext] = '\0';
    }
    return p;
}

typedef struct keyed {
    gv_test_guard g;
    char *parent;
    size_t order;
} keyed;

/* Directories in byte order, walk order inside one. */
static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    int c = strcmp(x->parent, y->parent);
    return c ? c : x->order < y->order ? -1 : x->order > y->order;
}

/* The spec file's rules file, or NULL. */
static keyed *owner_of(keyed *k, size_t n, const char *spec)
{
    char *dir = parent_of(spec);
    char *grand = dir && strcmp(base_name(dir), "tests") == 0 ? parent_of(dir) : NULL;
    keyed *found = NULL;
    const char *name = base_name(spec);
    for (size_t i = 0; grand && i < n && !found; i++)
        if (strcmp(k[i].parent, grand) == 0 && strncmp(name, k[i].g.prefix, strlen(k[i].g.prefix)) == 0)
            found = &k[i];
    free(dir);
    free(grand);
    return found;
}

static int build(gv_test_tree *t, const gv_strlist *rules, const gv_strlist *specs)
{
    keyed *k = calloc(rules->n ? rules->n : 1, sizeof *k);
    int ok = k != NULL;
    for (size_t i = 0; ok && i < rules->n; i++) {
        k[i].order = i;
        k[i].g.path = strdup(rules->items[i]);
        k[i].g.prefix = prefix_of(rules->items[i]);
        k[i].parent = parent_of(rules->items[i]);
        ok = k[i].g.path && k[i].g.prefix && k[i].parent;
    }
    if (ok)
        qsort(k, rules->n, sizeof *k, cmp_keyed);
    for (size_t i = 0; ok && i < specs->n; i++) {
        keyed *o = owner_of(k, rules->n, specs->items[i]);
        ok = !o || gv_strlist_push(&o->g.tests, specs->items[i]);
    }
    t->guards = calloc(rules->n ? rules->n : 1, sizeof *t->guards);
    ok = ok && t->guards;
    for (size_t i = 0; k && i < rules->n; i++) {
        free(k[i].parent);
        if (ok)
            t->guards[t->n++] = k[i].g;
        else {
            free(k[i].g.path);
            free(k[i].g.prefix);
            gv_strlist_free(&k[i].g.tests);
        }
    }
    free(k);
    return ok ? 0 : -1;
}

int gv_test_find(gv_test_tree *t, const char *dir, int by_mtime, gv_error *err)
{
    gv_strlist rules = { 0 }, specs = { 0 };
    memset(t, 0, sizeof *t);
    int rc = gv_collect_files_ordered(dir, gv_rule_exts, 0, by_mtime, &rules, err);
    if (rc == 0)
        rc = gv_collect_files_ordered(dir, gv_test_exts, 0, by_mtime, &specs, err);
    if (rc == 0 && build(t, &rules, &specs) < 0) {
        gv_error_set(err, GV_E_NOMEM, dir, (gv_loc){ 0, 0 }, "out of memory listing files");
        rc = -1;
    }
    gv_strlist_free(&rules);
    gv_strlist_free(&specs);
    if (rc < 0)
        gv_test_tree_free(t);
    return rc;
}

void gv_test_tree_free(gv_test_tree *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->guards[i].path);
        free(t->guards[i].prefix);
        gv_strlist_free(&t->guards[i].tests);
    }
    free(t->guards);
    memset(t, 0, sizeof *t);
}
