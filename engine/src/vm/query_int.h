/* Internal to the query traversal (vm/query.c, vm/query_key.c,
 * vm/query_keys.c, vm/query_dfs.c): the value set helpers every step
 * uses, the key steps query_key.c holds, the `[ keys ... ]` filters
 * query_keys.c holds, and the depth-first traversal query_dfs.c holds. */
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

/* The i-th child of a list or map, with its path. */
static inline gv_val gv_q_child_at(gv_vm *vm, const gv_val *v, uint32_t i)
{
    const gv_node *n = v->node;
    gv_val r = { 0 };
    if (n->kind == GV_LIST) {
        r.node = n->u.items[i];
        r.path = gv_path_index(vm->scratch, v->path, i);
    } else {
        const gv_member *m = &n->u.members[i];
        r.node = m->value;
        r.path = gv_path_key(vm->scratch, v->path, m->key->str, m->key->len);
    }
    return r;
}

/* A filter's block on one item c, traced as query.c says (in_map: 1 a
 * map's member, 2 a map's key, 0 a list's item, -1 no node). */
int gv_q_filter_block(gv_vm *vm, uint32_t block, const gv_val *c, const gv_frame *f, int in_map);

/* ---- vm/query_keys.c ---- */
/* The operand q of a filter block that is exactly `this == q` (*lhs_key
 * NULL) or `K == q` (*lhs_key set to K), q a literal or a bare variable:
 * neither can depend on the value filtered. Else GV_NONE. */
uint32_t gv_q_eq_filter_operand(const gv_program *p, uint32_t block, const gv_kconst **lhs_key);
/* Evaluates q where the clause would: same recording, one level deeper,
 * vm->ip on the clause. 1 with *rhs set when it is one resolved string,
 * 0 when the general path must run, -1 on error. */
int gv_q_eq_filter_rhs(gv_vm *vm, uint32_t block, int recording, const gv_val *v, const gv_frame *f,
                       gv_valset *rhs);
/* [ keys OP q ] on v. */
int gv_q_step_keys_filter(gv_vm *vm, const gv_val *v, uint32_t block, const gv_frame *f, gv_valset *out);

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
