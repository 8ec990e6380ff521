/* Clauses that need not run. Once a clause of a plain conjunction has
 * failed, the conjunction fails whatever its other clauses give; cfn-guard
 * evaluates them anyway, and gavel must too wherever that could show: in a
 * report (a failed clause is recorded), in a trace (-v, -p), in an error
 * (a clause may abort the run: `empty` on a number, a filter cfn-guard
 * panics on, a %variable key that is no string, a function's error, a
 * regex past its match limit) or in a later clause (a `[ name ]` capture
 * feeds %name). Where none of that can happen the clause is marked
 * skippable and gv_vm_block leaves it out while nothing records or traces.
 *
 * The hook case is the reason: each Control Tower file's first rule is
 * `when is_cfn_template(%INPUT_DOCUMENT) %resources not empty`, and on a
 * hook document the call fails, so `%resources` (a Resources.*[ Type ==
 * ... ] let) need not be computed: a quarter of the evaluation.
 *
 * The test is conservative: a clause is skippable when it is a unary or
 * binary comparison whose queries step only by keys, indexes, `*` and
 * filters made of such clauses, read only file-level lets made so, and
 * hold no regex; `empty` only where its values come out of a filter or a
 * bare %variable (which never abort); a check on a bare %variable only
 * when it holds the document's values (a failing check on a literal one
 * marks its rule, see literal_free); nesting at most MAX_HEIGHT deep.
 * Found once per program, when it is compiled or read from a bundle
 * (after verification). */
#include <stdlib.h>

#include "vm/compare.h"
#include "vm/vm.h"

/* How deep a skippable clause's evaluation may nest (filters in queries,
 * lets read): past this the analysis says no, so that leaving a clause out
 * never hides the evaluation-depth limit (GV_SKIP_DEPTH in vm.h). */
#define MAX_HEIGHT 32

/* Memo entries: 0 not yet seen, BUSY while being looked at (a let
 * defined in terms of itself is an error), IMPURE, else 1 + height. */
#define BUSY 0xfe
#define IMPURE 0xff

typedef struct purity {
    const gv_program *p;
    uint8_t *block; /* per block (filter blocks) */
    uint8_t *slot;  /* per let slot */
    int depth;      /* of the analysis' own recursion */
} purity;

/* Each returns how deep the evaluation nests, or -1 when it is not pure. */
static int pure_query(purity *s, uint32_t block);
static int pure_operand(purity *s, uint32_t operand);

static int higher(int a, int b)
{
    return a < 0 || b < 0 ? -1 : a > b ? a : b;
}

static int regex_free(const gv_node *n, int depth)
{
    if (!n)
        return 1;
    if (n->kind == GV_REGEX || depth > MAX_HEIGHT)
        return 0;
    if (n->kind == GV_LIST) {
        for (uint32_t i = 0; i < n->len; i++)
            if (!regex_free(n->u.items[i], depth + 1))
                return 0;
    } else if (n->kind == GV_MAP) {
        for (uint32_t i = 0; i < n->len; i++)
            if (!regex_free(n->u.members[i].value, depth + 1))
                return 0;
    }
    return 1;
}

static int memo(uint8_t *m, int h)
{
    *m = h < 0 || h > MAX_HEIGHT ? IMPURE : (uint8_t)(h + 1);
    return *m == IMPURE ? -1 : h;
}

static int recall(uint8_t m)
{
    return m == BUSY || m == IMPURE ? -1 : m - 1;
}

/* A file-level let: computed with nothing recording, once per document. */
static int pure_let(purity *s, uint32_t slot)
{
    const gv_program *p = s->p;
    if (p->global_operand[slot] == GV_NONE)
        return -1; /* a let inside a rule records what its rule records */
    if (s->slot[slot])
        return recall(s->slot[slot]);
    if (s->depth > MAX_HEIGHT)
        return -1;
    s->slot[slot] = BUSY;
    s->depth++;
    int h = pure_operand(s, p->global_operand[slot]);
    s->depth--;
    return memo(&s->slot[slot], h < 0 ? -1 : h + 1);
}

static int pure_operand(purity *s, uint32_t operand)
{
    const gv_operand *o = &s->p->operands[operand];
    if (o->kind == GV_OPND_LITERAL)
        return regex_free(s->p->literals[o->idx], 0) ? 0 : -1;
    return o->kind == GV_OPND_QUERY ? pure_query(s, o->idx) : -1;
}

/* `empty` aborts on a number or null unless its values are a filter's or
 * a bare %variable's (vm/check_unary.c, mark_var in vm/query.c). */
static int empty_safe(const gv_insn *q)
{
    if (q[0].op == GV_I_Q_VAR && q[0].c == 0 && q[1].op == GV_I_END)
        return 1;
    const gv_insn *last = q;
    while (last[1].op != GV_I_END)
        last++;
    return last != q && (last->op == GV_I_Q_FILTER || last->op == GV_I_Q_ALL_FILTER);
}

/* A unary check failing on a bare %variable's literal value marks its rule
 * (gv_rule_result.lit_fail, whatever records): only a let of a query that
 * starts from the document is sure to hold none. */
static int literal_free(const gv_program *p, const gv_insn *q)
{
    if (q[0].op != GV_I_Q_VAR || q[1].op != GV_I_END)
        return 1;
    uint32_t o = (q[0].flags == GV_VAR_LOCAL || q[0].flags == GV_VAR_GLOBAL) ? p->global_operand[q[0].a] : GV_NONE;
    if (o == GV_NONE || p->operands[o].kind != GV_OPND_QUERY)
        return 0;
    gv_opcode first = (gv_opcode)p->code[p->blocks[p->operands[o].idx]].op;
    return first == GV_I_Q_ROOT || first == GV_I_Q_THIS;
}

static int pure_clause(purity *s, const gv_insn *in)
{
    const gv_program *p = s->p;
    if (in->op == GV_I_C_UNARY) {
        const gv_insn *q = &p->code[p->blocks[in->a]];
        if (((in->flags & GV_FLAG_OP_MASK) == GV_OP_EMPTY && !empty_safe(q)) || !literal_free(p, q))
            return -1;
        return pure_query(s, in->a);
    }
    if (in->op != GV_I_C_BINARY || in->c == GV_BINARY_KEYS)
        return -1;
    return higher(pure_query(s, in->a), pure_operand(s, in->b));
}

/* A filter's block: clauses combined, nothing else. */
static int pure_filter(purity *s, uint32_t block)
{
    if (s->block[block])
        return recall(s->block[block]);
    if (s->depth > MAX_HEIGHT)
        return -1;
    s->block[block] = BUSY;
    s->depth++;
    int h = 0;
    for (const gv_insn *in = &s->p->code[s->p->blocks[block]]; h >= 0 && in->op != GV_I_END; in++)
        if (in->op != GV_I_C_AND && in->op != GV_I_C_OR)
            h = higher(h, pure_clause(s, in));
    s->depth--;
    return memo(&s->block[block], h < 0 ? -1 : h + 1);
}

static int pure_query(purity *s, uint32_t block)
{
    const gv_program *p = s->p;
    const gv_insn *first = &p->code[p->blocks[block]];
    int h = 0;
    for (const gv_insn *in = first; h >= 0 && in->op != GV_I_END; in++) {
        switch ((gv_opcode)in->op) {
        case GV_I_Q_ROOT:
        case GV_I_Q_THIS:
        case GV_I_Q_KEY:
        case GV_I_Q_INDEX:
        case GV_I_Q_ALL: break;
        case GV_I_Q_VAR:
            h = in->flags == GV_VAR_LOCAL || in->flags == GV_VAR_GLOBAL ? higher(h, pure_let(s, in->a)) : -1;
            break;
        case GV_I_Q_FILTER: /* cfn-guard panics on a map filtered after anything but a key */
            if (in == first ||
                !(in[-1].op == GV_I_Q_KEY || (in[-1].op == GV_I_Q_INDEX && (in[-1].flags & GV_FLAG_INDEX_KEY))))
                h = -1;
            else
                h = higher(h, pure_filter(s, in->b));
            break;
        case GV_I_Q_ALL_FILTER: h = higher(h, pure_filter(s, in->b)); break;
        default: h = -1; /* %variable keys, selections, keys filters, captures */
        }
    }
    return h;
}

/* A block whose statuses all go into one conjunction: clauses and lets,
 * no `or`, then one C_AND of every clause's status and END. */
static int plain_conjunction(const gv_insn *in)
{
    uint32_t clauses = 0;
    for (; in->op != GV_I_C_AND; in++) {
        if (in->op == GV_I_END || in->op == GV_I_C_OR || (in->flags & GV_FLAG_OR_NEXT))
            return 0;
        clauses += in->op != GV_I_C_LET;
    }
    return in->a == clauses && in[1].op == GV_I_END;
}

int gv_program_mark_skippable(gv_program *p, gv_arena *a)
{
    p->skippable = gv_arena_zalloc(a, p->ncode ? p->ncode : 1);
    purity s = { p, calloc(p->nblocks ? p->nblocks : 1, 1), calloc(p->nslots ? p->nslots : 1, 1), 0 };
    int ok = p->skippable && s.block && s.slot;
    for (uint32_t b = 0; ok && b < p->nblocks; b++) {
        const gv_insn *first = &p->code[p->blocks[b]];
        if (first->op < GV_I_C_UNARY || !plain_conjunction(first))
            continue; /* query code (its opcodes come first), or statuses combined otherwise */
        for (const gv_insn *in = first; in->op != GV_I_C_AND; in++)
            if (in->op != GV_I_C_LET && pure_clause(&s, in) >= 0)
                p->skippable[in - p->code] = 1;
    }
    free(s.block);
    free(s.slot);
    return ok ? 0 : -1;
}
