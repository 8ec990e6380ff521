#include "vm/keyindex.h"

#include <stdlib.h>
#include <string.h>

#include "util/hash.h"

typedef struct group {
    const gv_node *value; /* NULL: empty slot */
    uint64_t hash;
    uint32_t start, n;    /* in members */
} group;

struct gv_key_index {
    const gv_node *map;
    const gv_kconst *key;
    uint32_t first_regular;
    uint32_t *irregular, nirregular;
    uint8_t *is_irregular; /* per member */
    group *groups;         /* open addressing by value hash */
    uint32_t cap;
    uint32_t *members;     /* regular members grouped by value, each group ascending */
};

/* The member's value under key when the member is regular, else NULL. */
static const gv_node *regular_value(const gv_node *c, const gv_kconst *key)
{
    if (c->kind != GV_MAP)
        return NULL;
    int64_t k = gv_map_find(c, key->s, key->len, key->hash);
    const gv_node *t = k >= 0 ? c->u.members[k].value : NULL;
    return t && t->kind == GV_STRING ? t : NULL;
}

static group *slot(const gv_key_index *x, const char *s, uint32_t len, uint64_t h)
{
    uint32_t mask = x->cap - 1;
    for (uint32_t i = (uint32_t)h & mask;; i = (i + 1) & mask) {
        group *g = &x->groups[i];
        if (!g->value || (g->hash == h && g->value->len == len && memcmp(g->value->u.s, s, len) == 0))
            return g;
    }
}

/* Counts each value's members, then places them: two passes, no growth;
 * each value hashed once (hashes[i]). */
static void fill(gv_key_index *x, const gv_node **vals, const uint64_t *hashes)
{
    const gv_node *map = x->map;
    for (uint32_t i = 0; i < map->len; i++) {
        if (!vals[i])
            continue;
        group *g = slot(x, vals[i]->u.s, vals[i]->len, hashes[i]);
        if (!g->value)
            *g = (group){ vals[i], hashes[i], 0, 0 };
        g->n++;
    }
    uint32_t at = 0;
    for (uint32_t i = 0; i < x->cap; i++)
        if (x->groups[i].value) {
            x->groups[i].start = at;
            at += x->groups[i].n;
            x->groups[i].n = 0;
        }
    for (uint32_t i = 0; i < map->len; i++) {
        if (!vals[i])
            continue;
        group *g = slot(x, vals[i]->u.s, vals[i]->len, hashes[i]);
        x->members[g->start + g->n++] = i;
    }
}

/* vals and hashes: one per member, needed while building only (the index
 * lives as long as the document: at 100,000 resources they were 1.6 MB of
 * every index's 2.1 MB). */
static gv_key_index *build(gv_arena *a, const gv_node *map, const gv_kconst *key, const gv_node **vals,
                           uint64_t *hashes)
{
    gv_key_index *x = gv_arena_zalloc(a, sizeof *x);
    if (!x)
        return NULL;
    x->map = map;
    x->key = key;
    x->first_regular = map->len;
    uint32_t nregular = 0;
    for (uint32_t i = 0; i < map->len; i++) {
        vals[i] = regular_value(map->u.members[i].value, key);
        if (vals[i])
            hashes[i] = gv_hash(vals[i]->u.s, vals[i]->len);
        if (vals[i] && x->first_regular == map->len)
            x->first_regular = i;
        nregular += vals[i] != NULL;
    }
    x->nirregular = map->len - nregular;
    x->cap = 16;
    while (x->cap < 2 * nregular)
        x->cap *= 2;
    x->irregular = gv_arena_alloc(a, (x->nirregular ? x->nirregular : 1) * sizeof *x->irregular);
    x->is_irregular = gv_arena_zalloc(a, map->len ? map->len : 1);
    x->groups = gv_arena_zalloc(a, x->cap * sizeof *x->groups);
    x->members = gv_arena_alloc(a, (nregular ? nregular : 1) * sizeof *x->members);
    if (!x->irregular || !x->is_irregular || !x->groups || !x->members)
        return NULL;
    for (uint32_t i = 0, j = 0; i < map->len; i++)
        if (!vals[i]) {
            x->irregular[j++] = i;
            x->is_irregular[i] = 1;
        }
    fill(x, vals, hashes);
    return x;
}

gv_key_index *gv_key_index_build(gv_arena *a, const gv_node *map, const gv_kconst *key)
{
    size_t n = map->len ? map->len : 1;
    const gv_node **vals = malloc(n * sizeof *vals);
    uint64_t *hashes = malloc(n * sizeof *hashes);
    gv_key_index *x = vals && hashes ? build(a, map, key, vals, hashes) : NULL;
    free(vals);
    free(hashes);
    return x;
}

uint32_t gv_key_index_first_regular(const gv_key_index *x)
{
    return x->first_regular;
}

const uint32_t *gv_key_index_irregular(const gv_key_index *x, uint32_t *n)
{
    *n = x->nirregular;
    return x->irregular;
}

int gv_key_index_is_irregular(const gv_key_index *x, uint32_t member)
{
    return x->is_irregular[member];
}

const uint32_t *gv_key_index_find(const gv_key_index *x, const char *s, uint32_t len, uint32_t *n)
{
    const group *g = slot(x, s, len, gv_hash(s, len));
    *n = g->value ? g->n : 0;
    return g->value ? x->members + g->start : NULL;
}
