/* Internal to the query traversal (vm/query.c, vm/query_key.c): the value
 * set helpers every step uses, and the key steps query_key.c holds. */
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

#endif
