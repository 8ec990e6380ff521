/* Verification of a program read from a bundle: the VM trusts indexes, so
 * every one is checked against the table it points into before the program
 * may run. Checksums catch accidents; this catches crafted files. */
#include "vm/bundle.h"

#include <stdlib.h>

#include "vm/functions.h"

typedef struct vctx {
    const gv_program *p;
    const char *what; /* the first problem found */
    uint32_t ncaptures; /* Q_CAPTURE instructions seen */
} vctx;

static int bad(vctx *v, const char *what)
{
    if (!v->what)
        v->what = what;
    return 0;
}

static int in_range(uint32_t i, uint32_t n)
{
    return i < n;
}

static int opt_range(uint32_t i, uint32_t n)
{
    return i == GV_NONE || i < n;
}

static int check_var(vctx *v, const gv_insn *in)
{
    const gv_program *p = v->p;
    switch (in->flags) {
    case GV_VAR_LOCAL:
    case GV_VAR_GLOBAL: return in_range(in->a, p->nslots) || bad(v, "variable slot out of range");
    case GV_VAR_PARAM: return in_range(in->a, p->max_params) || bad(v, "parameter out of range");
    case GV_VAR_UNBOUND: return in_range(in->a, p->nstrings) || bad(v, "variable name out of range");
    default: return bad(v, "bad variable kind");
    }
}

/* A call with a memo key (vm/memo.c) is answered from the memo before
 * its rule is looked up (vm/interp.c), so the key must be one the
 * compiler makes: for a call that names a declaration, the last of which
 * is keyed and takes as many parameters as the call passes. */
static int check_call_key(vctx *v, const gv_insn *in)
{
    const gv_program *p = v->p;
    const gv_rule_key *ck = &p->call_keys[in->a];
    if (!(ck->lo | ck->hi))
        return 1;
    const gv_ref *r = &p->refs[in->a];
    if (r->n == 0 || r->start > p->nref_decls || r->n > p->nref_decls - r->start)
        return bad(v, "call key without a rule");
    uint32_t d = p->ref_decls[r->start + r->n - 1];
    if (!in_range(d, p->nrules) || !(p->rule_keys[d].lo | p->rule_keys[d].hi) || p->rules[d].nparams != in->c)
        return bad(v, "call key of another rule");
    return 1;
}

static int check_insn(vctx *v, const gv_insn *in)
{
    const gv_program *p = v->p;
    switch ((gv_opcode)in->op) {
    case GV_I_Q_ROOT:
    case GV_I_Q_THIS:
    case GV_I_Q_ALL:
    case GV_I_Q_INDEX:
    case GV_I_C_AND:
    case GV_I_C_OR:
    case GV_I_END: return 1;
    case GV_I_Q_VAR:
    case GV_I_Q_VAR_KEY: return check_var(v, in);
    case GV_I_Q_KEY: return in_range(in->b, p->nstrings) || bad(v, "key constant out of range");
    case GV_I_Q_CAPTURE:
        v->ncaptures++;
        return in_range(in->b, p->nstrings) || bad(v, "capture name out of range");
    case GV_I_Q_FILTER:
    case GV_I_Q_ALL_FILTER:
    case GV_I_Q_SELECT:
    case GV_I_Q_KEYS_FILTER: return in_range(in->b, p->nblocks) || bad(v, "filter block out of range");
    case GV_I_C_UNARY: return in_range(in->a, p->nblocks) || bad(v, "query block out of range");
    case GV_I_C_BINARY:
        return (in_range(in->a, p->nblocks) && in_range(in->b, p->noperands)) ||
               bad(v, "comparison operand out of range");
    case GV_I_C_BLOCK:
        if ((in->flags & GV_FLAG_TYPE_BLOCK) && !in_range(in->c, p->nstrings))
            return bad(v, "type name out of range");
        /* fall through */
    case GV_I_C_WHEN:
        return (in_range(in->a, p->nblocks) && in_range(in->b, p->nblocks)) ||
               bad(v, "block out of range");
    case GV_I_C_RULE: return in_range(in->a, p->nrefs) || bad(v, "rule reference out of range");
    case GV_I_C_CALL:
        return ((in_range(in->a, p->nrefs) && in->b <= p->nargs && in->c <= p->nargs - in->b) ||
                bad(v, "rule call out of range")) &&
               check_call_key(v, in);
    case GV_I_C_LET:
        return (in_range(in->a, p->nslots) && in_range(in->b, p->noperands)) ||
               bad(v, "let out of range");
    default: return bad(v, "unknown instruction");
    }
}

/* ---- no cycles ----
 * The compiler finishes nested blocks and operands before what uses them,
 * so a block only refers to blocks with lower ids, and a call to argument
 * operands with lower indexes. Checking that order keeps a crafted bundle
 * from sending evaluation round in circles outside the VM's depth limit
 * (rule references are left to that limit: rules may refer forward). */
#define NO_BLOCK UINT32_MAX

static uint32_t max_u32(uint32_t a, uint32_t b)
{
    return a == NO_BLOCK ? b : b == NO_BLOCK ? a : a > b ? a : b;
}

/* top[i]: the highest block operand i evaluates, NO_BLOCK for none. */
static int operand_tops(vctx *v, uint32_t *top)
{
    const gv_program *p = v->p;
    for (uint32_t i = 0; i < p->noperands; i++) {
        const gv_operand *o = &p->operands[i];
        top[i] = o->kind == GV_OPND_QUERY ? o->idx : NO_BLOCK;
        for (uint32_t j = 0; o->kind == GV_OPND_CALL && j < o->nargs; j++) {
            uint32_t arg = p->args[o->args_start + j];
            if (arg >= i)
                return bad(v, "function argument compiled after its call");
            top[i] = max_u32(top[i], top[arg]);
        }
    }
    return 1;
}

static uint32_t insn_top(const gv_program *p, const gv_insn *in, const uint32_t *top)
{
    switch ((gv_opcode)in->op) {
    case GV_I_Q_FILTER:
    case GV_I_Q_ALL_FILTER:
    case GV_I_Q_SELECT:
    case GV_I_Q_KEYS_FILTER: return in->b;
    case GV_I_C_UNARY: return in->a;
    case GV_I_C_BINARY: return max_u32(in->a, top[in->b]);
    case GV_I_C_BLOCK:
    case GV_I_C_WHEN: return max_u32(in->a, in->b);
    case GV_I_C_LET: return top[in->b];
    case GV_I_C_CALL: {
        uint32_t t = NO_BLOCK;
        for (uint32_t j = 0; j < in->c; j++)
            t = max_u32(t, top[p->args[in->b + j]]);
        return t;
    }
    default: return NO_BLOCK;
    }
}

/* One pass over the code, block by block: blocks lie as the compiler lays
 * them (one after another from the first instruction, each ending in its
 * only END; a file of lets alone has none), every index is in range, and
 * a block refers only to blocks before it. top: operand_tops'. */
static int check_blocks(vctx *v, const uint32_t *top)
{
    const gv_program *p = v->p;
    uint32_t ip = 0;
    for (uint32_t b = 0; b < p->nblocks; b++, ip++) {
        if (p->blocks[b] != ip)
            return bad(v, "blocks out of order");
        for (;; ip++) {
            if (ip == p->ncode)
                return bad(v, "code does not end with END");
            const gv_insn *in = &p->code[ip];
            if (!check_insn(v, in))
                return 0;
            if (!opt_range(p->messages[ip], p->nstrings))
                return bad(v, "message out of range");
            if (in->op == GV_I_END)
                break;
            uint32_t t = insn_top(p, in, top);
            if (t != NO_BLOCK && t >= b)
                return bad(v, "a block refers to itself or to a later block");
        }
    }
    if (ip != p->ncode)
        return bad(v, "code outside any block");
    /* the VM sizes its capture state by the count */
    return v->ncaptures == p->ncaptures || bad(v, "capture count does not match the code");
}

static int check_operands(vctx *v)
{
    const gv_program *p = v->p;
    for (uint32_t i = 0; i < p->noperands; i++) {
        const gv_operand *o = &p->operands[i];
        switch (o->kind) {
        case GV_OPND_LITERAL:
            if (!in_range(o->idx, p->nliterals))
                return bad(v, "literal out of range");
            break;
        case GV_OPND_QUERY:
            if (!in_range(o->idx, p->nblocks))
                return bad(v, "query block out of range");
            break;
        case GV_OPND_CALL:
            if (o->fn < -1 || o->fn >= GV_FN__COUNT || o->args_start > p->nargs ||
                o->nargs > p->nargs - o->args_start)
                return bad(v, "function call out of range");
            if (o->fn < 0 && !in_range(o->idx, p->nstrings))
                return bad(v, "function name out of range");
            break;
        default: return bad(v, "bad operand kind");
        }
    }
    for (uint32_t i = 0; i < p->nargs; i++)
        if (!in_range(p->args[i], p->noperands))
            return bad(v, "argument out of range");
    for (uint32_t i = 0; i < p->nslots; i++)
        if (!opt_range(p->global_operand[i], p->noperands))
            return bad(v, "global operand out of range");
    return 1;
}

static int check_rules(vctx *v)
{
    const gv_program *p = v->p;
    for (uint32_t i = 0; i < p->nrules; i++) {
        const gv_rule_decl *d = &p->rules[i];
        if (!in_range(d->name, p->nstrings) || !opt_range(d->when_block, p->nblocks) ||
            !in_range(d->body_block, p->nblocks) || !opt_range(d->message, p->nstrings))
            return bad(v, "rule out of range");
    }
    for (uint32_t i = 0; i < p->nrefs; i++) {
        const gv_ref *r = &p->refs[i];
        if (!in_range(r->name, p->nstrings) || r->start > p->nref_decls || r->n > p->nref_decls - r->start)
            return bad(v, "rule reference out of range");
    }
    for (uint32_t i = 0; i < p->nref_decls; i++)
        if (!in_range(p->ref_decls[i], p->nrules))
            return bad(v, "rule declaration out of range");
    return 1;
}

int gv_program_verify(const gv_program *p, const char *name, gv_error *err)
{
    vctx v = { p, NULL, 0 };
    /* operands first: the code's check reads what they evaluate */
    uint32_t *top = malloc((p->noperands ? p->noperands : 1) * sizeof *top);
    int ok = top ? check_operands(&v) && operand_tops(&v, top) && check_rules(&v) && check_blocks(&v, top)
                 : bad(&v, "out of memory verifying");
    free(top);
    if (ok)
        return 0;
    gv_error_set(err, GV_E_BUNDLE, name, (gv_loc){ 0, 0 }, "corrupt bundle: %s (in %s)", v.what,
                 p->source ? p->source : "?");
    return -1;
}
