/* Where cfn-guard 3.1.1 panics while reporting (exit 101), gavel stops
 * too: a failing unary check on a variable bound to a literal (`let g =
 * 1`, `%g is_list`) reaches code cfn-guard marks unreachable. Probed:
 *  - the text reporters (single-line-summary, json, yaml without -z) panic
 *    after the summary block of an evaluation with a FAIL rule in which
 *    such a check failed anywhere (also in a `when` condition or inside an
 *    `or` that passed; not in filters or referenced rules);
 *  - -z panics, before anything is written, only when such a check is
 *    among the failures the FAIL rule reports.
 * The VM marks the rules (gv_rule_result.lit_fail); this only reads. */
#include "lang/ast.h"
#include "report/report.h"

static int set(gv_error *err, const gv_report_item *it, uint32_t ip)
{
    gv_error_set(err, GV_E_PANIC, it->prog->source, it->prog->locs[ip],
                 "cfn-guard 3.1.1 panics reporting a failed check on a variable bound to a literal; "
                 "stopping with its exit code 101");
    return 1;
}

/* The check is the unary check the VM marked rules for (`empty` only
 * after `%v[*]`, vm/check.c). */
static int literal_unary(const gv_program *p, const gv_check *c)
{
    const gv_insn *in = &p->code[c->ip];
    if (c->kind != GV_CHECK_COMPARE || in->op != GV_I_C_UNARY || !c->lhs.literal)
        return 0;
    const gv_insn *q = &p->code[p->blocks[in->a]];
    return q[0].op == GV_I_Q_VAR && q[1].op == GV_I_END &&
           ((in->flags & GV_FLAG_OP_MASK) != GV_OP_EMPTY || q[0].c);
}

int gv_report_panic(const gv_report_item *it, int structured, gv_error *err)
{
    for (uint32_t i = 0; i < it->res->nrules; i++) {
        const gv_rule_result *r = &it->res->rules[i];
        if (r->status != GV_RS_FAIL || !r->lit_fail)
            continue;
        if (!structured)
            return set(err, it, r->lit_fail - 1);
        for (uint32_t k = 0; k < r->nchecks; k++)
            if (literal_unary(it->prog, &r->checks[k]))
                return set(err, it, r->checks[k].ip);
    }
    return 0;
}
