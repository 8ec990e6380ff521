/* Runtime values of the VM. A query yields a set of results; each result is
 * either a node (of the document, or a literal of the program: both are
 * gv_node) or "unresolved": the place where the query's path stopped. Paths
 * are parent-linked steps allocated in the evaluation's scratch arena, so
 * extending a path costs one small bump allocation and is only turned into
 * text ("/Resources/A/Properties/x") when a report needs it. */
#ifndef GV_VALUE_H
#define GV_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "doc/doc.h"
#include "util/arena.h"
#include "util/buf.h"

typedef struct gv_path gv_path;
struct gv_path {
    const gv_path *parent;
    const char *key;  /* map step, or NULL for a list step */
    uint32_t len;     /* key length */
    uint32_t index;   /* list step */
};

typedef struct gv_val {
    const gv_node *node;     /* NULL: unresolved */
    const gv_path *path;     /* to node; or to the last node reached when unresolved */
    const gv_node *reached;  /* unresolved: the last node reached */
    const char *missing;     /* unresolved: what could not be found (key text), or NULL */
    uint8_t literal;         /* came from a literal (directly or through a let):
                                cfn-guard compares literals and query results differently */
    uint8_t key_item;        /* unresolved: missing is the text of a gv_key_item (1, a key
                                taken from an item of a list a variable holds) or of a
                                gv_var_miss (2) */
    uint32_t stop;           /* unresolved: 1 + the query instruction it stopped at
                                (0 unknown), for reports */
} gv_val;

/* A key named by an item of a list that a variable holds (`m.%ks`, `let
 * ks = ["z", "a"]`) and missing from the map: cfn-guard's message names
 * the item's path, not the map's (probed). Made only for such misses, so
 * that values stay small: the unresolved value's missing points at text
 * and its key_item is set (gv_val_key_item finds the rest). */
typedef struct gv_key_item {
    const gv_path *path;     /* the item's: "/0" in a literal list */
    const gv_node *node;     /* the item, for its location */
    uint8_t literal;         /* the list is a literal: no location */
    char text[];             /* the key, NUL-terminated */
} gv_key_item;

static inline const gv_key_item *gv_val_key_item(const gv_val *v)
{
    return v->key_item == 1 && v->missing
               ? (const gv_key_item *)(const void *)(v->missing - offsetof(gv_key_item, text))
               : NULL;
}

/* A key step `.%v` on a map where a value of %v did not resolve: cfn-guard
 * tells where %v's query stopped (probed: "Keys returned for variable u
 * could not completely resolve. Path traversed until ..."). The unresolved
 * value's missing points at the empty text and its key_item is 2. */
typedef struct gv_var_miss {
    gv_val var;              /* the variable's value that did not resolve */
    char text[1];            /* "" */
} gv_var_miss;

static inline const gv_var_miss *gv_val_var_miss(const gv_val *v)
{
    return v->key_item == 2 && v->missing
               ? (const gv_var_miss *)(const void *)(v->missing - offsetof(gv_var_miss, text))
               : NULL;
}

/* A growable array of results in an arena. */
typedef struct gv_valset {
    gv_val *v;
    uint32_t n, cap;
    uint8_t cut;    /* a query step before the last left no values */
    uint8_t filtered; /* the last step was a filter: `empty` asks whether it kept any */
} gv_valset;

int gv_valset_grow(gv_arena *a, gv_valset *s);
/* Appends v, growing the set into a (a set may start in caller-owned
 * storage: it is copied out when full). 0 when memory ran out. */
static inline int gv_valset_push(gv_arena *a, gv_valset *s, gv_val v)
{
    if (s->n == s->cap && !gv_valset_grow(a, s))
        return 0;
    s->v[s->n++] = v;
    return 1;
}
const gv_path *gv_path_key(gv_arena *a, const gv_path *parent, const char *key, uint32_t len);
const gv_path *gv_path_index(gv_arena *a, const gv_path *parent, uint32_t index);
/* "/Resources/A/Properties/x" ("" for the root). */
void gv_path_print(gv_buf *out, const gv_path *p);

/* A gv_check kind only the VM sees (vm/query.c): the failed key tests of a
 * `[ keys == q ]` filter over the map lhs.node (at lhs.path), one per member
 * except member lhs.stop - 1 (lhs.stop 0: every member), each the key
 * against rhs. gv_expand_key_checks turns them into those checks. */
#define GV_CHECK_KEYS_BULK 0xF0
struct gv_check;
/* The key nodes of the last map expanded (zero it per evaluation). */
typedef struct gv_keys_cache {
    const gv_node *map;
    const gv_node *keys;
} gv_keys_cache;
/* Expands the bulk entries of checks[0..n) in place order into a new array
 * (in a) when there are any. Returns 0, or -1 when memory ran out. */
int gv_expand_key_checks(gv_arena *a, gv_keys_cache *kc, struct gv_check **checks, uint32_t *n);
/* Walks the failed key tests a bulk entry stands for without expanding
 * it: from member *m on (start at 0), the next one's key as a string node
 * of the document in *key and its test in *test (whose lhs points to
 * *key); 0 when none is left. */
int gv_key_check_next(const struct gv_check *bulk, uint32_t *m, gv_node *key, struct gv_check *test);
/* Member m's key as a string node of the document (its bytes stay the
 * document's), located where the key stands. */
gv_node gv_key_string(const gv_member *m);

/* New scalar nodes made at run time (function results), in the scratch arena. */
gv_node *gv_make_string(gv_arena *a, const char *s, size_t len);
gv_node *gv_make_int(gv_arena *a, int64_t i);
gv_node *gv_make_float(gv_arena *a, double f);
gv_node *gv_make_bool(gv_arena *a, bool b);
gv_node *gv_make_null(gv_arena *a);
gv_node *gv_make_char(gv_arena *a, char c);

#endif
