/* Map members: building from the loader's scratch stack, the hash index for
 * large maps, and lookup. */
#include <stdlib.h>
#include <string.h>

#include "doc/doc_build.h"
#include "util/hash.h"

void gv_builder_init(gv_builder *b, gv_doc *d)
{
    memset(b, 0, sizeof *b);
    b->doc = d;
}

void gv_builder_free(gv_builder *b)
{
    free(b->mstack);
    free(b->istack);
    free(b->slots);
    memset(b, 0, sizeof *b);
}

int gv_builder_push_item(gv_builder *b, gv_node *item)
{
    if (b->ilen == b->icap) {
        size_t cap = b->icap ? b->icap * 2 : 64;
        gv_node **p = realloc(b->istack, cap * sizeof *p);
        if (!p)
            return 0;
        b->istack = p;
        b->icap = cap;
    }
    b->istack[b->ilen++] = item;
    return 1;
}

int gv_builder_push_member(gv_builder *b, const gv_key *key, gv_node *value,
                           uint32_t line, uint32_t col)
{
    if (b->mlen == b->mcap) {
        size_t cap = b->mcap ? b->mcap * 2 : 64;
        gv_member *p = realloc(b->mstack, cap * sizeof *p);
        if (!p)
            return 0;
        b->mstack = p;
        b->mcap = cap;
    }
    gv_member *m = &b->mstack[b->mlen++];
    m->key = key;
    m->value = value;
    m->line = line;
    m->col = col;
    return 1;
}

int gv_builder_finish_list(gv_builder *b, gv_node *list, size_t mark)
{
    size_t n = b->ilen - mark;
    if (n > UINT32_MAX)
        return 0;
    list->len = (uint32_t)n;
    list->u.items = gv_arena_memdup(&b->doc->arena, b->istack + mark, n * sizeof(gv_node *));
    b->ilen = mark;
    return list->u.items != NULL;
}

/* A large map's index follows its members in the same block (the node
 * stays small): the mask, then open-addressing slots holding member + 1. */
static uint32_t *index_of(const gv_node *map)
{
    return (uint32_t *)(void *)(map->u.members + map->len);
}

static uint32_t index_cap(uint32_t len)
{
    uint32_t cap = 16;
    while (cap < len * 2)
        cap *= 2;
    return cap;
}

size_t gv_map_block_size(const gv_node *map)
{
    size_t n = (size_t)map->len * sizeof(gv_member);
    return map->indexed ? n + (1 + (size_t)index_of(map)[0] + 1) * sizeof(uint32_t) : n;
}

/* Slot of key in the index, or of the empty slot where it would go. */
static uint32_t *index_slot(const gv_node *map, const gv_key *key)
{
    uint32_t *ix = index_of(map), mask = ix[0], j = (uint32_t)key->hash & mask;
    for (;;) {
        uint32_t *s = &ix[1 + j];
        if (*s == 0 || map->u.members[*s - 1].key == key)
            return s;
        j = (j + 1) & mask;
    }
}

/* Members are unique and followed by room for the index. */
static void map_build_index(gv_node *map, uint32_t cap)
{
    uint32_t *ix = index_of(map);
    memset(ix, 0, (1 + (size_t)cap) * sizeof *ix);
    ix[0] = cap - 1;
    map->indexed = 1;
    for (uint32_t i = 0; i < map->len; i++)
        *index_slot(map, map->u.members[i].key) = i + 1;
}

/* Keys are interned, so equal keys are the same pointer. Small maps (the
 * common case) compare pairwise; larger ones go through a scratch index
 * kept in the builder, so a map of n members costs O(n) either way. */
#define DEDUPE_PAIRWISE_MAX 16

static size_t find_first(const gv_member *m, size_t out, const gv_key *key)
{
    for (size_t k = 0; k < out; k++)
        if (m[k].key == key)
            return k;
    return out;
}

static int scratch_index(gv_builder *b, size_t n, size_t *cap_out)
{
    size_t cap = 16;
    while (cap < n * 2)
        cap *= 2;
    if (cap > b->scap) {
        uint32_t *p = realloc(b->slots, cap * sizeof *p);
        if (!p)
            return 0;
        b->slots = p;
        b->scap = cap;
    }
    memset(b->slots, 0, cap * sizeof *b->slots);
    *cap_out = cap;
    return 1;
}

static int dedupe(gv_builder *b, size_t mark, gv_dupkeys policy, const gv_member **dup)
{
    size_t n = b->mlen - mark, cap = 0, out = 0;
    if (n < 2)
        return 1;
    if (n > DEDUPE_PAIRWISE_MAX && !scratch_index(b, n, &cap))
        return 0;
    gv_member *m = b->mstack + mark;
    for (size_t i = 0; i < n; i++) {
        size_t first, j = 0;
        if (cap) {
            j = (size_t)m[i].key->hash & (cap - 1);
            while (b->slots[j] && m[b->slots[j] - 1].key != m[i].key)
                j = (j + 1) & (cap - 1);
            first = b->slots[j] ? b->slots[j] - 1 : out;
        } else {
            first = find_first(m, out, m[i].key);
        }
        if (first == out) {
            m[out++] = m[i];
            if (cap)
                b->slots[j] = (uint32_t)out;
            continue;
        }
        if (policy == GV_DUP_ERROR) {
            *dup = &m[i];
            return -1;
        }
        if (policy == GV_DUP_LAST_WINS)
            m[first].value = m[i].value; /* first position, last value */
    }
    b->mlen = mark + out;
    return 1;
}

int gv_builder_finish_map(gv_builder *b, gv_node *map, size_t mark, gv_dupkeys policy,
                          const gv_member **dup)
{
    int r = dedupe(b, mark, policy, dup);
    if (r <= 0)
        return r;
    size_t n = b->mlen - mark;
    if (n > UINT32_MAX)
        return 0;
    map->len = (uint32_t)n;
    uint32_t cap = n >= GV_MAP_INDEX_MIN ? index_cap((uint32_t)n) : 0;
    size_t bytes = n * sizeof(gv_member) + (cap ? (1 + (size_t)cap) * sizeof(uint32_t) : 0);
    map->u.members = gv_arena_alloc(&b->doc->arena, bytes ? bytes : 1);
    if (!map->u.members)
        return 0;
    if (n) /* an empty map's stack may never have been made */
        memcpy(map->u.members, b->mstack + mark, n * sizeof(gv_member));
    b->mlen = mark;
    if (cap)
        map_build_index(map, cap);
    return 1;
}

int64_t gv_map_find(const gv_node *map, const char *key, size_t len, uint64_t hash)
{
    if (!map || map->kind != GV_MAP)
        return -1;
    if (map->indexed) {
        const uint32_t *ix = index_of(map);
        uint32_t mask = ix[0], j = (uint32_t)hash & mask;
        for (uint32_t s; (s = ix[1 + j]) != 0; j = (j + 1) & mask) {
            const gv_member *m = &map->u.members[s - 1];
            if (m->key->hash == hash && m->key->len == len && memcmp(m->key->str, key, len) == 0)
                return s - 1;
        }
        return -1;
    }
    for (uint32_t i = 0; i < map->len; i++) {
        const gv_member *m = &map->u.members[i];
        if (m->key->hash == hash && m->key->len == len && memcmp(m->key->str, key, len) == 0)
            return i;
    }
    return -1;
}

gv_node *gv_map_get(const gv_node *map, const char *key, size_t len, uint64_t hash)
{
    int64_t i = gv_map_find(map, key, len, hash);
    return i < 0 ? NULL : map->u.members[i].value;
}

gv_node *gv_map_get_str(const gv_node *map, const char *key)
{
    size_t len = strlen(key);
    return gv_map_get(map, key, len, gv_hash(key, len));
}
