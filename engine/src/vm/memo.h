/* Statuses of parameterised rules shared across the programs evaluated
 * against one document (vm/memo.c). Internal to the VM; the public side
 * (gv_memo_new, gv_memo_free) is in vm/eval.h. */
#ifndef GV_MEMO_H
#define GV_MEMO_H

#include "vm/eval.h"

/* The key of one call whose status is not known yet (keep 0: it is
 * not to be kept): 64-bit words (vm/memo.c says which). */
typedef struct gv_memo_key {
    uint64_t hash;
    const uint64_t *words;
    uint32_t n;
    int keep;
} gv_memo_key;

/* Computes p->rule_keys, p->let_keys and p->call_keys, allocated in arena (p's or one
 * p shares): 0 when memory ran out, else 1. */
int gv_program_key_rules(gv_program *p, gv_arena *arena);

/* The status memoised for calling the rule keyed rk with this and args
 * (>= 0); -2 when not yet known (key is then set for gv_memo_put); -1 when
 * the call cannot be keyed (another document, unresolved or run-time
 * arguments). */
int gv_memo_find(gv_memo *m, const gv_node *root, const gv_rule_key *rk, const gv_val *self,
                 const gv_valset *args, uint32_t nargs, gv_memo_key *key);
/* The same for a call keyed ck (p->call_keys: its arguments are keyed
 * file-level lets, which have the same values in the program that put the
 * status, so they need not be evaluated). */
int gv_memo_find_call(gv_memo *m, const gv_node *root, const gv_rule_key *ck, const gv_val *self,
                      gv_memo_key *key);
void gv_memo_put(gv_memo *m, const gv_memo_key *key, int status);

/* The index of a document map's members by key (vm/keyindex.h), built
 * the second time it is asked for; NULL while not built, for maps too
 * small to gain from one or not of the document, and past
 * GV_MEMO_KEY_INDEXES (map, key) pairs. */
#define GV_MEMO_KEY_INDEXES 32
#define GV_MEMO_KEY_INDEX_MIN 8
struct gv_key_index;
const struct gv_key_index *gv_memo_key_index(gv_memo *m, const gv_node *map, const gv_kconst *key);

#endif
