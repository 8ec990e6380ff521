/* Key steps of queries: a key written in the rules (`.Key`, looked up
 * again in other spellings when missing) and a key taken from a variable
 * (`.%v`, looked up as written). Part of vm/query.c's traversal. */
#include <string.h>

#include "util/hash.h"
#include "vm/keycase.h"
#include "vm/query_int.h"

static char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

static int is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Whether k could be one of vm/keycase.c's spellings of a key starting
 * (lower-cased) with letter or digit c: those are made of the key's words
 * (letters and digits) joined by nothing, '-', '_' or ' ', and start with
 * the first word's first character, upper- or lower-cased (it is always
 * kept). */
static int respelling_shape(const gv_key *k, char c)
{
    if (!k->len || ascii_lower(k->str[0]) != c)
        return 0;
    for (uint32_t i = 1; i < k->len; i++)
        if (!is_alnum(k->str[i]) && k->str[i] != '-' && k->str[i] != '_' && k->str[i] != ' ')
            return 0;
    return 1;
}

/* Whether some member of a small map could be a respelling of key. Most
 * missing keys (`Resources`, `AWS::EC2::Instance` on a hook document) fail
 * this at once, without making the seven spellings. Large maps are not
 * scanned. */
static int may_respell(const gv_node *map, const char *key, uint32_t len)
{
    if (map->indexed)
        return 1;
    uint32_t i = 0;
    while (i < len && !is_alnum(key[i]))
        i++;
    if (i == len)
        return 0; /* no word: no spelling */
    char c = ascii_lower(key[i]);
    for (uint32_t m = 0; m < map->len; m++)
        if (respelling_shape(map->u.members[m].key, c))
            return 1;
    return 0;
}

/* The spellings of a written key, made the first time it is missing in
 * an evaluation and kept (a key missing from one resource is usually
 * missing from the next): a few entries, by the key's address, which is
 * the program's string. */
#define RESPELL_CACHE 16

typedef struct gv_respell {
    const char *key; /* NULL: empty */
    uint32_t len, n;
    gv_kconst v[GV_KEY_VARIANTS];
} gv_respell;

static const gv_respell *respellings(gv_vm *vm, const char *key, uint32_t len)
{
    if (!vm->respell && !(vm->respell = gv_arena_zalloc(vm->scratch, RESPELL_CACHE * sizeof *vm->respell)))
        return NULL;
    gv_respell *r = &vm->respell[((uintptr_t)key >> 3) % RESPELL_CACHE];
    if (r->key == key && r->len == len)
        return r;
    char buf[GV_KEY_VARIANTS * 160];
    gv_key_variant v[GV_KEY_VARIANTS];
    uint32_t n = len < 128 ? gv_key_variants(key, len, buf, sizeof buf, v) : 0;
    for (uint32_t i = 0; i < n; i++) {
        char *s = gv_arena_strndup(vm->scratch, v[i].s, v[i].len);
        if (!s)
            return NULL;
        r->v[i] = (gv_kconst){ s, v[i].len, gv_hash(s, v[i].len) };
    }
    r->key = key;
    r->len = len;
    r->n = n;
    return r;
}

/* A missing key is looked up again in the other spellings cfn-guard tries
 * (vm/keycase.c); *key and *len become the spelling found, which the
 * value's path names (probed: `m.Type` on {"type": 1} is at /m/type). */
static const gv_node *lookup_key(gv_vm *vm, const gv_node *map, const char **key, uint32_t *len, uint64_t hash)
{
    const gv_node *child = gv_map_get(map, *key, *len, hash);
    if (child || map->len == 0 || !may_respell(map, *key, *len))
        return child;
    const gv_respell *r = respellings(vm, *key, *len);
    for (uint32_t i = 0; r && i < r->n; i++) {
        int64_t m = gv_map_find(map, r->v[i].s, r->v[i].len, r->v[i].hash);
        if (m >= 0) { /* the document's key: a path outlives the scratch arena */
            *key = map->u.members[m].key->str;
            *len = map->u.members[m].key->len;
            return map->u.members[m].value;
        }
    }
    return NULL;
}

/* respell: a key written in the rule (a program string: its spellings are
 * kept by its address) is looked up in its other spellings too, a
 * %variable key is not (probed: `let g = "a"`, `Resources.%g` does
 * not find `A`, `Resources.a` does). */
int gv_q_step_key(gv_vm *vm, const gv_val *v, const char *key, uint32_t len, uint64_t hash, int respell,
                  gv_valset *out)
{
    const gv_node *n = v->node;
    const gv_node *child = !n || n->kind != GV_MAP ? NULL
                           : respell              ? lookup_key(vm, n, &key, &len, hash)
                                                  : gv_map_get(n, key, len, hash);
    if (!child)
        return gv_q_unresolved(vm, out, v, key);
    gv_val r = { child, gv_path_key(vm->scratch, v->path, key, len), NULL, NULL, 0, 0, 0 };
    return gv_q_push(vm, out, r);
}

/* The unresolved value just pushed for a key taken from item i of the
 * list a variable holds: cfn-guard names the item's path (gv_key_item). */
static int name_key_item(gv_vm *vm, gv_valset *out, const gv_val *list, uint32_t i)
{
    const gv_node *item = list->node->u.items[i];
    gv_key_item *k = gv_arena_alloc(vm->scratch, sizeof *k + item->len + 1);
    const gv_path *path = gv_path_index(vm->scratch, list->path, i);
    if (!k || !path)
        return gv_q_nomem(vm);
    k->path = path;
    k->node = item;
    k->literal = list->literal;
    memcpy(k->text, item->u.s, item->len);
    k->text[item->len] = '\0';
    gv_val *u = &out->v[out->n - 1];
    u->missing = k->text;
    u->key_item = 1;
    return 0;
}

/* The unresolved value just pushed for the key step: the variable's value
 * kv did not resolve (gv_var_miss). */
static int name_var_miss(gv_vm *vm, gv_valset *out, const gv_val *kv)
{
    gv_var_miss *m = gv_arena_alloc(vm->scratch, sizeof *m);
    if (!m)
        return gv_q_nomem(vm);
    m->var = *kv;
    m->text[0] = '\0';
    gv_val *u = &out->v[out->n - 1];
    u->missing = m->text;
    u->key_item = 2;
    return 0;
}

/* One key on a map. A key that is not a string (a number, a bool, null, a
 * map, a list inside the list) aborts the run in cfn-guard ("Variable
 * projections inside Query ... is returning a non-string value";
 * probed). */
static int step_var_key_node(gv_vm *vm, const gv_insn *in, const gv_val *v, const gv_node *key, gv_valset *out)
{
    if (key && key->kind != GV_STRING) {
        const gv_program *p = vm->p;
        gv_error_set(vm->err, GV_E_EVAL, p->source, p->locs[in - p->code],
                     "a %%variable key is a %s, not a string (cfn-guard aborts here too)",
                     gv_kind_name((gv_kind)key->kind));
        return -1;
    }
    if (!key)
        return gv_q_unresolved(vm, out, v, NULL);
    return gv_q_step_key(vm, v, key->u.s, key->len, gv_hash(key->u.s, key->len), 0, out);
}

/* The text of the first string the variable holds, for the message of a
 * step that stopped ("" when none: the message names the variable). */
static const char *first_key_text(const gv_valset *keys)
{
    for (uint32_t k = 0; k < keys->n; k++) {
        const gv_node *n = keys->v[k].node;
        if (n && n->kind == GV_LIST && n->len)
            n = n->u.items[0];
        if (n && n->kind == GV_STRING)
            return n->u.s;
    }
    return "";
}

/* `%v` as a key: each string v holds names a member (each item, when it
 * holds a list). On anything but a map the step stops once, whatever the
 * variable holds, even nothing (probed). */
int gv_q_step_var_key(gv_vm *vm, const gv_insn *in, const gv_val *v, const gv_valset *keys, gv_valset *out)
{
    if (!v->node || v->node->kind != GV_MAP)
        return gv_q_unresolved(vm, out, v, first_key_text(keys));
    for (uint32_t k = 0; k < keys->n; k++) {
        const gv_val *kv = &keys->v[k];
        if (!kv->node) {
            if (step_var_key_node(vm, in, v, NULL, out) < 0 || name_var_miss(vm, out, kv) < 0)
                return -1;
            continue;
        }
        if (kv->node->kind != GV_LIST) {
            if (step_var_key_node(vm, in, v, kv->node, out) < 0)
                return -1;
            continue;
        }
        for (uint32_t i = 0; i < kv->node->len; i++) {
            uint32_t n = out->n;
            if (step_var_key_node(vm, in, v, kv->node->u.items[i], out) < 0)
                return -1;
            if (out->n > n && !out->v[n].node && name_key_item(vm, out, kv, i) < 0)
                return -1;
        }
    }
    return 0;
}
