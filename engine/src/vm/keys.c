/* Map keys as values: the key nodes a `[ keys ... ]` filter tests, the
 * keys `[ name ]` captures into %name, and the expansion of the failed key
 * tests recorded in bulk by the `[ keys == %x ]` lookup (vm/query.c). */
#include <string.h>

#include "vm/vm.h"

gv_node *gv_key_node(gv_arena *a, const gv_member *m)
{
    gv_node *key = gv_make_string(a, m->key->str, m->key->len);
    if (key) {
        key->line = m->line;
        key->col = m->col;
        key->located = m->line != 0;
    }
    return key;
}

/* ---- [ name ]: cfn-guard's hidden %name ----
 * Each time cfn-guard evaluates `[ name ]` on a non-empty map it appends
 * the map's keys to a list %name that every clause evaluated later in the
 * same (rules file, data file) evaluation can read (probed: the list grows,
 * starts empty per document, is not shared between rules files). The keys
 * carry the map's path and their own location, as in its reports. */

static gv_capture *capture_of(const gv_vm *vm, const gv_kconst *name)
{
    for (uint32_t i = 0; i < vm->ncaps; i++) {
        const gv_kconst *c = vm->caps[i].name;
        if (c->hash == name->hash && c->len == name->len && memcmp(c->s, name->s, name->len) == 0)
            return &vm->caps[i];
    }
    return NULL;
}

const gv_valset *gv_vm_captured(const gv_vm *vm, const gv_kconst *name)
{
    const gv_capture *c = vm->caps ? capture_of(vm, name) : NULL;
    return c && c->keys.n ? &c->keys : NULL;
}

int gv_vm_capture(gv_vm *vm, const gv_insn *in, const gv_val *v)
{
    const gv_node *n = v->node;
    if (!n || n->kind != GV_MAP || n->len == 0)
        return 0;
    const gv_kconst *name = &vm->p->strings[in->b];
    gv_capture *c = capture_of(vm, name);
    if (!c) { /* at most one per Q_CAPTURE instruction: caps has room */
        c = &vm->caps[vm->ncaps++];
        c->name = name;
    }
    for (uint32_t i = 0; i < n->len; i++) {
        gv_node *key = gv_key_node(vm->scratch, &n->u.members[i]);
        if (!key || !gv_valset_push(vm->scratch, &c->keys, (gv_val){ key, v->path, NULL, NULL, 0, 0, 0 }))
            return gv_vm_nomem(vm);
    }
    return 0;
}

gv_node gv_key_string(const gv_member *m)
{
    gv_node key = { .kind = GV_STRING, .located = m->line != 0, .len = m->key->len, .line = m->line,
                    .col = m->col };
    key.u.s = m->key->str;
    return key;
}

static gv_check key_check(const gv_check *bulk, const gv_node *key)
{
    gv_check c = *bulk;
    c.kind = GV_CHECK_COMPARE;
    c.lhs = (gv_val){ key, bulk->lhs.path, NULL, NULL, 0, 0, 0 };
    return c;
}

/* Member stop - 1 of a bulk entry is the key that passed. */
static int skipped(const gv_check *bulk, uint32_t m)
{
    return m + 1 == bulk->lhs.stop;
}

int gv_key_check_next(const gv_check *bulk, uint32_t *m, gv_node *key, gv_check *test)
{
    const gv_node *map = bulk->lhs.node;
    if (*m < map->len && skipped(bulk, *m))
        ++*m;
    if (*m >= map->len)
        return 0;
    *key = gv_key_string(&map->u.members[(*m)++]);
    *test = key_check(bulk, key);
    return 1;
}

/* The keys of map as string nodes, made once per map (a document's
 * Resources map is expanded for every dangling reference: thousands of
 * times per rule in a large template). The bytes stay the document's. */
static const gv_node *map_keys(gv_arena *a, gv_keys_cache *kc, const gv_node *map)
{
    if (kc->map == map)
        return kc->keys;
    gv_node *keys = gv_arena_alloc(a, (map->len ? map->len : 1) * sizeof *keys);
    if (!keys)
        return NULL;
    for (uint32_t i = 0; i < map->len; i++)
        keys[i] = gv_key_string(&map->u.members[i]);
    kc->map = map;
    kc->keys = keys;
    return keys;
}

int gv_expand_key_checks(gv_arena *a, gv_keys_cache *kc, gv_check **checks, uint32_t *n)
{
    uint32_t total = 0, bulk = 0;
    for (uint32_t i = 0; i < *n; i++) {
        const gv_check *c = &(*checks)[i];
        if (c->kind != GV_CHECK_KEYS_BULK) {
            total++;
            continue;
        }
        bulk = 1;
        total += c->lhs.node->len - (c->lhs.stop ? 1 : 0);
    }
    if (!bulk)
        return 0;
    gv_check *out = gv_arena_alloc(a, (total ? total : 1) * sizeof *out);
    if (!out)
        return -1;
    uint32_t k = 0;
    for (uint32_t i = 0; i < *n; i++) {
        const gv_check *c = &(*checks)[i];
        if (c->kind != GV_CHECK_KEYS_BULK) {
            out[k++] = *c;
            continue;
        }
        const gv_node *map = c->lhs.node, *keys = map_keys(a, kc, map);
        if (!keys)
            return -1;
        for (uint32_t m = 0; m < map->len; m++)
            if (!skipped(c, m))
                out[k++] = key_check(c, &keys[m]);
    }
    *checks = out;
    *n = k;
    return 0;
}

int gv_rule_expand_checks(gv_arena *a, const gv_rule_result *r, gv_rule_result *view)
{
    gv_keys_cache kc = { NULL, NULL };
    *view = *r;
    return gv_expand_key_checks(a, &kc, &view->checks, &view->nchecks);
}
