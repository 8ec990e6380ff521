/* Running one test case: evaluate the rules on its input, gather every
 * status each rule name got (a name declared twice gets two), and hold
 * them against the expectations. */
#include <string.h>

#include "run/testspec.h"
#include "vm/trace.h"

/* cfn-guard's test: SKIP is met only when every declaration skipped;
 * PASS or FAIL when any declaration (skips aside) has it. */
static int expectation_met(gv_rstatus expected, const uint8_t *st, uint32_t n)
{
    int any_other = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (st[i] != GV_RS_SKIP)
            any_other = 1;
        if (st[i] == expected && expected != GV_RS_SKIP)
            return 1;
    }
    return expected == GV_RS_SKIP && !any_other;
}

/* Rule results in report order: the default rule first. */
static void order_records(const gv_test_names *n, const gv_eval_result *res, gv_test_result *out)
{
    uint32_t k = 0;
    for (int pass = 0; pass < 2; pass++)
        for (uint32_t i = 0; i < res->nrules; i++) {
            const gv_rule_result *rr = &res->rules[i];
            if ((n->prog->rules[rr->rule].is_default != 0) != (pass == 0) || n->of_rule[rr->rule] == UINT32_MAX)
                continue;
            out->rec_rule[k] = n->of_rule[rr->rule];
            out->rec_status[k++] = (uint8_t)rr->status;
        }
    out->nrecs = k;
}

static int build_outcomes(const gv_test_names *n, const gv_test_case *c, gv_arena *a, gv_test_result *out)
{
    uint32_t *count = gv_arena_zalloc(a, (n->nnames + 1) * sizeof *count);
    out->rules = gv_arena_zalloc(a, (n->nnames + 1) * sizeof *out->rules);
    if (!count || !out->rules)
        return -1;
    for (uint32_t i = 0; i < out->nrecs; i++)
        count[out->rec_rule[i]]++;
    uint32_t *slot_of = count; /* reused: name index -> outcome index + 1 */
    for (uint32_t name = 0; name < n->nnames; name++) {
        if (!count[name])
            continue;
        gv_test_outcome *o = &out->rules[out->nrules];
        o->rule = name;
        o->expected = -1;
        if (!(o->statuses = gv_arena_alloc(a, count[name])))
            return -1;
        slot_of[name] = ++out->nrules;
    }
    for (uint32_t i = 0; i < out->nrecs; i++) {
        gv_test_outcome *o = &out->rules[slot_of[out->rec_rule[i]] - 1];
        o->statuses[o->nstatuses++] = out->rec_status[i];
    }
    /* the last expectation for a name wins, as in a map read twice */
    for (uint32_t i = 0; i < c->nexpects; i++) {
        uint32_t s = slot_of[c->expects[i].rule];
        if (s)
            out->rules[s - 1].expected = (int8_t)c->expects[i].status;
    }
    for (uint32_t i = 0; i < out->nrules; i++) {
        gv_test_outcome *o = &out->rules[i];
        if (o->expected < 0)
            continue;
        o->met = (uint8_t)expectation_met((gv_rstatus)o->expected, o->statuses, o->nstatuses);
        if (o->met)
            out->npassed++;
        else
            out->nfailed++;
    }
    return 0;
}

/* cfn-guard's tree shows the default rule first, as its reports do. */
static void default_first(const gv_test_names *n, const gv_eval_result *res, gv_trace *trace)
{
    for (uint32_t i = 0; i < res->nrules; i++)
        if (n->prog->rules[res->rules[i].rule].is_default) {
            gv_trace_move_first(trace, res->rules[i].rule);
            return;
        }
}

int gv_test_run_case(const gv_test_names *n, const gv_test_case *c, uint32_t number, gv_arena *scratch,
                     gv_arena *out_arena, gv_trace *trace, gv_eval_result *res_out, gv_test_result *out,
                     gv_error *err)
{
    memset(out, 0, sizeof *out);
    out->number = number;
    /* copied: a structured report outlives the spec's document */
    if (c->name && !(out->name = gv_arena_strdup(out_arena, c->name))) {
        gv_error_set(err, GV_E_NOMEM, NULL, (gv_loc){ 0, 0 }, "out of memory running a test case");
        return -1;
    }
    gv_eval_result res;
    if ((trace ? gv_eval_traced(n->prog, c->input, scratch, &res, trace, err)
               : gv_eval(n->prog, c->input, scratch, &res, err)) < 0)
        return -1;
    if (trace)
        default_first(n, &res, trace);
    if (res_out)
        *res_out = res;
    out->status = res.status;
    out->rec_rule = gv_arena_alloc(out_arena, (res.nrules + 1) * sizeof *out->rec_rule);
    out->rec_status = gv_arena_alloc(out_arena, res.nrules + 1);
    if (out->rec_rule && out->rec_status) {
        order_records(n, &res, out);
        if (build_outcomes(n, c, out_arena, out) == 0)
            return 0;
    }
    gv_error_set(err, GV_E_NOMEM, NULL, (gv_loc){ 0, 0 }, "out of memory running a test case");
    return -1;
}
