#include "doc/doc_build.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/hash.h"

_Static_assert(sizeof(gv_node) == 24, "a document holds about one node per 35 bytes of JSON");

void gv_load_opts_default(gv_load_opts *o)
{
    o->max_depth = 512;
    o->max_alias_nodes = 1000000;
    o->max_file_size = (size_t)512 << 20;
    o->shortform = GV_SHORTFORM_GUARD;
    o->scalars = GV_SCALARS_LOADER;
}

gv_doc *gv_doc_new(const char *name)
{
    gv_doc *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    gv_arena_init(&d->arena, 64 * 1024);
    d->name = strdup(name ? name : "");
    if (!d->name) {
        free(d);
        return NULL;
    }
    return d;
}

void gv_doc_free(gv_doc *d)
{
    if (!d)
        return;
    gv_arena_free(&d->arena);
    free(d->keys);
    free(d->name);
    free(d);
}

gv_node *gv_doc_root(const gv_doc *d) { return d->root; }
const char *gv_doc_name(const gv_doc *d) { return d->name; }
bool gv_doc_is_json(const gv_doc *d) { return d->json; }
gv_arena *gv_doc_arena(gv_doc *d) { return &d->arena; }

void gv_doc_locate(gv_doc *d)
{
    (void)d; /* both loaders place every node while loading */
}

static int intern_grow(gv_doc *d)
{
    size_t cap = d->keys_cap ? d->keys_cap * 2 : 256;
    const gv_key **t = calloc(cap, sizeof *t);
    if (!t)
        return 0;
    for (size_t i = 0; i < d->keys_cap; i++) {
        const gv_key *k = d->keys[i];
        if (!k)
            continue;
        size_t j = (size_t)k->hash & (cap - 1);
        while (t[j])
            j = (j + 1) & (cap - 1);
        t[j] = k;
    }
    free(d->keys);
    d->keys = t;
    d->keys_cap = cap;
    return 1;
}

const gv_key *gv_doc_intern(gv_doc *d, const char *s, size_t len)
{
    if (len > UINT32_MAX)
        return NULL;
    if ((d->keys_len + 1) * 2 > d->keys_cap && !intern_grow(d))
        return NULL;
    uint64_t h = gv_hash(s, len);
    size_t mask = d->keys_cap - 1, j = (size_t)h & mask;
    for (const gv_key *k; (k = d->keys[j]) != NULL; j = (j + 1) & mask)
        if (k->hash == h && k->len == len && memcmp(k->str, s, len) == 0)
            return k;
    gv_key *k = gv_arena_alloc(&d->arena, sizeof *k + len + 1);
    if (!k)
        return NULL;
    k->hash = h;
    k->len = (uint32_t)len;
    memcpy(k->str, s, len);
    k->str[len] = '\0';
    d->keys[j] = k;
    d->keys_len++;
    return k;
}

gv_node *gv_node_new(gv_doc *d, gv_kind kind, uint32_t line, uint32_t col)
{
    gv_node *n = gv_arena_alloc(&d->arena, sizeof *n);
    if (!n)
        return NULL;
    /* a compound literal, not memset: this runs once per node */
    *n = (gv_node){ .kind = (uint8_t)kind, .located = line != 0, .line = line, .col = col };
    return n;
}

gv_node *gv_node_new_string(gv_doc *d, const char *s, size_t len, uint32_t line, uint32_t col)
{
    if (len > UINT32_MAX)
        return NULL;
    gv_node *n = gv_node_new(d, GV_STRING, line, col);
    if (!n)
        return NULL;
    n->u.s = gv_arena_strndup(&d->arena, s, len);
    n->len = (uint32_t)len;
    return n->u.s ? n : NULL;
}

static const char *kind_names[] = { "null", "bool", "int", "float", "string", "list", "map",
                                    "regex", "range", "char" };

const char *gv_kind_name(gv_kind k)
{
    return (unsigned)k < sizeof kind_names / sizeof *kind_names ? kind_names[k] : "?";
}

static int has_nonfinite(const gv_node *n, unsigned depth)
{
    if (!n || depth > 1024)
        return 0;
    if (n->kind == GV_FLOAT)
        return !isfinite(n->u.f);
    if (n->kind == GV_LIST) {
        for (uint32_t i = 0; i < n->len; i++)
            if (has_nonfinite(n->u.items[i], depth + 1))
                return 1;
    } else if (n->kind == GV_MAP) {
        for (uint32_t i = 0; i < n->len; i++)
            if (has_nonfinite(n->u.members[i].value, depth + 1))
                return 1;
    }
    return 0;
}

int gv_node_has_nonfinite(const gv_node *n)
{
    return has_nonfinite(n, 0);
}
