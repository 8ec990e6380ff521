/* Internal to the query traversal (vm/query.c, vm/query_key.c,
 * vm/query_dfs.c): the value set helpers every step uses, the key steps
 * query_key.c holds, and the depth-first traversal query_dfs.c holds. */
#ifndef GV_QUERY_INT_H
#define GV_QUERY_INT_H

#include "vm/vm.h"

static inline int gv_q_nomem(gv_vm *vm)
{
    gv_error_set(vm->err, GV_E_NOMEM, vm->p->source, (gv_loc){ 0, 0 }, "out of memory evaluating rules");
    return -1;
}

static inline int gv_q_push(gv_vm *vm, gv_valset *out, gv_val v)
{
    return gv_valset_push(vm->scratch, out, v) ? 0 : gv_q_nomem(vm);
}

/* An unresolved value where from stopped; missing: the key text not found. */
static inline int gv_q_unresolved(gv_vm *vm, gv_valset *out, const gv_val *from, const char *missing)
{
    gv_val u = { NULL, from->path, from->node, missing, 0, 0, 0 };
    return gv_q_push(vm, out, u);
}

/* `.key` on v: the member, looked up again in other spellings when missing
 * and respell is set (a key written in the rules); else unresolved. */
int gv_q_step_key(gv_vm *vm, const gv_val *v, const char *key, uint32_t len, uint64_t hash, int respell,
                  gv_valset *out);
/* `.%v` on v, keys being what %v holds. */
int gv_q_step_var_key(gv_vm *vm, const gv_insn *in, const gv_val *v, const gv_valset *keys, gv_valset *out);

/* Whether in is the `[*][f]` of `.*[*][f]`. */
int gv_q_star_all_filter_at(const gv_insn *in);
/* Whether the query starting at first tests maps with a `this` other than
 * the clause's own (see the contexts in vm/query.c). */
int gv_q_tracks_ctx(const gv_insn *first);
/* How many parts step in on v is taken in: a filter over the items of a
 * list or a map one per item (cfn-guard goes on with an item before it
 * tests the next), any other step one. */
uint32_t gv_q_parts(const gv_insn *in, const gv_val *v);
/* Part i of step in on v (of parts, as gv_q_parts gives them). */
int gv_q_apply_part(gv_vm *vm, const gv_insn *in, const gv_val *self, const gv_val *v, uint32_t i, uint32_t parts,
                    const gv_frame *f, gv_valset *out);

/* vm/query_dfs.c: whether the query whose first instruction is first is
 * resolved depth first (traced, with two filters or more), and doing so
 * from its start values cur. */
int gv_q_depth_first_wanted(const gv_vm *vm, const gv_insn *first);
int gv_q_depth_first(gv_vm *vm, const gv_insn *first, const gv_val *self, const gv_valset *cur, const gv_frame *f,
                     gv_valset *out);

#endif
