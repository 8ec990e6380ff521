/* gavel validate: cfn-guard's validate command line, same outputs and exit
 * codes: 0 all rules pass or skip, 19 a rule failed, 5 a rules file could
 * not be loaded (the others still run), 255 the data could not be loaded
 * or the rules could not be evaluated on it, 2 a bad command line, 101
 * where cfn-guard 3.1.1 panics (while evaluating, or reporting: see
 * report/panic.c), with the output it wrote before.
 *
 * All data is loaded before anything is evaluated. Output is built in a
 * buffer and written a megabyte at a time (within a text detail block, or
 * at the end of a report), so memory stays bounded however long the output
 * (gigabytes, when many references dangle); when an evaluation fails, the
 * reports before it are still written (cfn-guard prints them before giving
 * up) but never part of one: a report is written only once its
 * evaluation is done. -z evaluates everything first and then streams the one record
 * list: an evaluation error must leave no half-written list behind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/validate_opts.h"
#include "report/report.h"
#include "run/inputs.h"
#include "vm/disasm.h"

typedef struct run_state {
    const gv_validate_opts *o;
    gv_inputs in;
    gv_buf out;
    int any_fail;
    int write_rc; /* gv_cli_flush's last nonzero answer: stop */
    int panic;    /* stopped where cfn-guard panics: exit 101 */
} run_state;

/* Writes what has gathered; remembers why it cannot go on. */
static int flush_out(void *ctx, gv_buf *out)
{
    run_state *s = ctx;
    int rc = gv_cli_flush(out);
    if (rc != 0)
        s->write_rc = rc;
    return rc != 0 ? -1 : 0;
}

static void report_rules_error(const gv_error *e)
{
    gv_cli_error(e);
}

/* cfn-guard reports the default rule (clauses outside any rule) first. */
static void default_rule_first(gv_eval_result *res, const gv_program *p)
{
    for (uint32_t i = 1; i < res->nrules; i++) {
        if (!p->rules[res->rules[i].rule].is_default)
            continue;
        gv_rule_result d = res->rules[i];
        memmove(&res->rules[1], &res->rules[0], i * sizeof *res->rules);
        res->rules[0] = d;
        return;
    }
}

/* The memo of a data file's parameterised-rule statuses, shared by every
 * rules file evaluated on it; made on first use (NULL: none, memory ran
 * out, which only costs time). */
static gv_memo *memo_of(gv_memo **slot, const gv_data_input *d)
{
    if (!*slot && d->doc)
        *slot = gv_memo_new(d->doc, d->root);
    return *slot;
}

/* cfn-guard cannot put an infinity or a NaN into its report ("Could not
 * convert float inf to serde::Value::Number") and aborts with exit 255 when
 * a failing check shows one (probed: the value of a failing comparison or
 * type check, on either side, also inside a list or map; one in a passing
 * clause or a passing `or` alternative is harmless). gavel follows, so the
 * exit code is the same; the text summary before the details still goes
 * out, as cfn-guard prints it first. */
static void say_unreportable(const char *data_name, const char *what)
{
    gv_error err;
    gv_error_clear(&err);
    gv_error_set(&err, GV_E_EVAL, data_name, (gv_loc){ 0, 0 },
                 "%s shows an infinity or NaN, which cfn-guard cannot report (it aborts here too)", what);
    gv_cli_error(&err);
}

static const gv_node *shown_node(const gv_val *v)
{
    return v->node ? v->node : v->reached;
}

static int check_reportable(const gv_eval_result *res, const char *data_name)
{
    for (uint32_t i = 0; i < res->nrules; i++) {
        const gv_rule_result *rr = &res->rules[i];
        if (rr->status != GV_RS_FAIL)
            continue;
        for (uint32_t c = 0; c < rr->nchecks; c++) {
            const gv_check *k = &rr->checks[c];
            /* a bulk entry of key tests shows the keys, not the map; an
             * unresolved value shows where its query stopped (probed: `zz
             * exists` on {"a": inf} aborts) */
            int bad = (k->kind != GV_CHECK_KEYS_BULK && gv_node_has_nonfinite(shown_node(&k->lhs))) ||
                      gv_node_has_nonfinite(shown_node(&k->rhs));
            for (uint32_t j = 0; !bad && j < k->nrhs; j++)
                bad = gv_node_has_nonfinite(k->rhs_all[j].node);
            if (bad) {
                say_unreportable(data_name, "a failing check");
                return -1;
            }
        }
    }
    return 0;
}

/* The generic reporter's trace of a failing evaluation (see
 * gv_report_item): the rules evaluated again with tracing on, only for
 * the reports that need it, so that evaluation without reports stays
 * untraced. NULL when it cannot be made (memory ran out). */
static const gv_trace *retrace(const gv_report_item *it, gv_arena *a)
{
    gv_trace *t = gv_trace_new_for_lines(a);
    gv_eval_result res;
    gv_error err;
    gv_error_clear(&err);
    gv_eval_opts eo = { 1, t, NULL }; /* only the trace is read: checks stay in bulk */
    if (!t || gv_eval_with(it->prog, it->root, a, &eo, &res, &err) < 0 || gv_trace_oom(t))
        return NULL;
    return t;
}

/* 0; -1 when the rules could not be evaluated (said); -2 when cfn-guard
 * panics on them (said). */
static int evaluate(const gv_rules_input *r, const gv_data_input *d, int lazy, gv_memo *memo, gv_arena *scratch,
                    gv_eval_result *res, gv_report_item *it, gv_trace *trace)
{
    gv_error err;
    gv_error_clear(&err);
    gv_eval_opts eo = { lazy, trace, memo };
    int rc = gv_eval_with(r->prog, d->root, scratch, &eo, res, &err);
    if (rc < 0) {
        gv_cli_error(&err);
        return err.code == GV_E_PANIC ? -2 : -1;
    }
    default_rule_first(res, r->prog);
    if (trace && res->nrules && r->prog->rules[res->rules[0].rule].is_default)
        gv_trace_move_first(trace, res->rules[0].rule);
    *it = (gv_report_item){ d->name, d->lines, d->root, r->name, r->prog,
                            r->texts, res, 0, 0, trace, retrace, NULL };
    return 0;
}

/* What follows a pair's summary: its details or record, then -v / -p. */
static int report_after_summary(run_state *s, const gv_report_item *it, const gv_trace *trace)
{
    const gv_validate_opts *o = s->o;
    gv_error err;
    int panic = 0;
    if (o->format == GV_OUT_SUMMARY)
        panic = gv_report_details(&s->out, it, o->show, &err);
    else if (gv_report_record(&s->out, it, o->format) < 0)
        s->out.oom = 1;
    if (panic) {
        gv_cli_error(&err);
        s->panic = 1;
        return -1;
    }
    /* -v / -p: cfn-guard then prints its evaluation tree, as text, then
     * as JSON when both are asked for */
    if (!trace)
        return 0;
    if (o->verbose)
        gv_report_eval_tree(&s->out, it, trace);
    int rc = o->print_json ? gv_report_eval_tree_json(&s->out, it, trace) : 0;
    if (rc == -2) { /* cfn-guard serialises the -p tree whole, passes too (probed): nothing of it was written */
        say_unreportable(it->data_name, "the evaluation tree (-p)");
        return -1;
    }
    if (rc < 0)
        s->out.oom = 1;
    return 0;
}

/* One rules x data pair in the unstructured formats. Returns -1 where
 * cfn-guard panics after the summary block, or cannot report the details
 * (check_reportable; said), else 0. */
static int report_pair(run_state *s, const gv_report_item *it, const gv_trace *trace)
{
    const gv_validate_opts *o = s->o;
    gv_report_summary(&s->out, it, o->show);
    gv_error err;
    if (gv_report_panic(it, 0, &err)) {
        gv_cli_error(&err);
        s->panic = 1;
        return -1;
    }
    if (check_reportable(it->res, it->data_name) < 0)
        return -1;
    /* the detail block, the JSON and YAML records and the evaluation trees
     * only append (the summary does not: it pads by measuring), so they
     * may go out while they are written: one rules file's details run to
     * gigabytes at 100,000 resources */
    s->out.spill = flush_out;
    s->out.spill_ctx = s;
    s->out.spill_at = GV_REPORT_SINK_CHUNK;
    int rc = report_after_summary(s, it, trace);
    s->out.spill = NULL;
    return rc;
}

/* scratch: one arena for every pair, emptied before each (its memory is
 * reused: fresh memory is the dearest part of a run, util/pages.h). */
static int run_pairs_with(run_state *s, gv_memo **memos, gv_arena *scratch)
{
    gv_arena_mark empty = gv_arena_save(scratch);
    /* the text, JSON and YAML reporters read failed key tests in bulk (a
     * dangling reference in a large template stands for one per resource) */
    int lazy = s->o->format == GV_OUT_SUMMARY || s->o->format == GV_OUT_JSON || s->o->format == GV_OUT_YAML;
    for (size_t r = 0; r < s->in.nrules; r++) {
        const gv_rules_input *ri = &s->in.rules[r];
        /* a file without rules (empty, comments, lets) reports nothing */
        if (!ri->prog || ri->prog->nrules == 0)
            continue;
        for (size_t d = 0; d < s->in.ndata; d++) {
            gv_arena_reset(scratch, empty);
            gv_eval_result res;
            gv_report_item it;
            gv_trace *trace = s->o->verbose || s->o->print_json ? gv_trace_new(scratch) : NULL;
            gv_memo *memo = memos ? memo_of(&memos[d], &s->in.data[d]) : NULL;
            int rc = evaluate(ri, &s->in.data[d], lazy, memo, scratch, &res, &it, trace);
            if (rc == -2)
                s->panic = 1;
            if (rc == 0) {
                s->any_fail |= res.status == GV_RS_FAIL;
                it.scratch = scratch;
                if (report_pair(s, &it, trace) < 0)
                    rc = -1; /* cfn-guard panics or aborts here */
                else if (s->write_rc)
                    rc = -1; /* a spill could not be written */
                else if (s->out.len >= GV_REPORT_SINK_CHUNK && !s->out.oom)
                    rc = flush_out(s, &s->out);
            }
            gv_lines_release(s->in.data[d].lines); /* one data file open at a time */
            if (rc < 0)
                return -1;
        }
    }
    return 0;
}

/* For each rules file, for each data file, as cfn-guard loops. */
static int run_pairs(run_state *s)
{
    gv_memo **memos = calloc(s->in.ndata ? s->in.ndata : 1, sizeof *memos);
    gv_arena scratch;
    gv_arena_init(&scratch, 256 * 1024);
    int rc = run_pairs_with(s, memos, &scratch);
    gv_arena_free(&scratch);
    for (size_t d = 0; memos && d < s->in.ndata; d++)
        gv_memo_free(memos[d]);
    free(memos);
    return rc;
}

/* -z keeps at most this much of the evaluations' results for the
 * report; the evaluations after that keep their rules' statuses only and
 * are run again while the report is written (cfn-guard prints nothing when
 * any evaluation fails, so every one runs before the first byte). The
 * results share the memory allowance (4 x the input + 20 MB, issue #5)
 * with the documents, which take about 4 x their size: the larger the
 * input, the less is kept (1,000 resources keep all of theirs, ~2.3 MB;
 * 10,000 resources replay). GAVEL_RETAIN_BUDGET (bytes) overrides it:
 * tests replay everything with 0. */
#define RETAIN_BUDGET (12u << 20)

/* A data file larger than this keeps only its lines' index once loaded,
 * and its snippets' lines are read again from the file (its text would be
 * a fifth of a large run's memory). GAVEL_KEEP_TEXT_MAX (bytes) overrides
 * it: tests read every snippet again with 0. */
#define KEEP_TEXT_MAX ((size_t)8 << 20)

/* A byte count from the environment (the tests' knobs above), else dflt. */
static size_t env_bytes(const char *name, size_t dflt)
{
    const char *e = getenv(name);
    char *end;
    unsigned long long v = e && *e ? strtoull(e, &end, 10) : 0;
    return e && *e && !*end ? (size_t)v : dflt;
}

static size_t retain_budget(const gv_inputs *in)
{
    size_t docs = 0;
    for (size_t d = 0; d < in->ndata; d++)
        docs += in->data[d].len;
    return env_bytes("GAVEL_RETAIN_BUDGET", docs < RETAIN_BUDGET / 4 ? RETAIN_BUDGET - 4 * docs : 0);
}

static int replay(void *ctx, const gv_report_item *it, gv_arena *a, gv_eval_result *res)
{
    (void)ctx;
    gv_error err;
    gv_error_clear(&err);
    gv_eval_opts eo = { 1, NULL, NULL };
    if (gv_eval_with(it->prog, it->root, a, &eo, res, &err) < 0) {
        gv_cli_error(&err);
        return -1;
    }
    default_rule_first(res, it->prog);
    return 0;
}

/* res without its checks, in a (the rules array copied). */
static int keep_statuses(gv_eval_result *res, gv_arena *a)
{
    gv_rule_result *rules = gv_arena_alloc(a, (res->nrules ? res->nrules : 1) * sizeof *rules);
    if (!rules)
        return -1;
    for (uint32_t i = 0; i < res->nrules; i++) {
        rules[i] = res->rules[i];
        rules[i].checks = NULL;
        rules[i].nchecks = 0;
    }
    res->rules = rules;
    return 0;
}

/* -z: each data file against every rules file, one record per data file. */
static int run_structured(run_state *s)
{
    size_t nd = s->in.ndata, nr = s->in.nrules;
    gv_arena scratch, keep;
    gv_arena_init(&scratch, 256 * 1024);
    gv_arena_init(&keep, 1 << 20); /* huge pages (util/pages.h): it only grows */
    gv_arena eval; /* one rules file's evaluation at a time */
    gv_arena_init(&eval, 256 * 1024);
    const gv_arena_mark empty = gv_arena_save(&eval);
    gv_report_file *files = gv_arena_zalloc(&scratch, (nd ? nd : 1) * sizeof *files);
    gv_report_item *items = gv_arena_zalloc(&scratch, (nd * nr > 0 ? nd * nr : 1) * sizeof *items);
    gv_eval_result *res = gv_arena_zalloc(&scratch, (nd * nr > 0 ? nd * nr : 1) * sizeof *res);
    gv_arena *kept = gv_arena_zalloc(&scratch, (nd * nr > 0 ? nd * nr : 1) * sizeof *kept);
    size_t nkept = 0;
    size_t budget = retain_budget(&s->in);
    int rc = files && items && res && kept ? 0 : -1;
    if (rc < 0)
        fputs("gavel validate: out of memory\n", stderr);
    for (size_t d = 0; rc == 0 && d < nd; d++) {
        files[d] = (gv_report_file){ s->in.data[d].name, items + d * nr, 0 };
        gv_memo *memo = NULL;
        for (size_t r = 0; rc == 0 && r < nr; r++) {
            if (!s->in.rules[r].prog)
                continue;
            gv_report_item *it = &items[d * nr + files[d].n];
            gv_eval_result *er = &res[d * nr + files[d].n];
            /* every rules file's results wait for the report: kept compact
             * (the writers read bulk key tests, or expand a rule's at a time) */
            rc = evaluate(&s->in.rules[r], &s->in.data[d], 1, memo_of(&memo, &s->in.data[d]), &eval, er, it,
                          NULL);
            if (rc == -2)
                s->panic = 1;
            gv_error err;
            if (rc == 0 && gv_report_panic(it, 1, &err)) {
                gv_cli_error(&err);
                s->panic = 1;
                rc = -1;
            }
            /* the JUnit and SARIF writers print values as text: no abort (probed) */
            if (rc == 0 && s->o->format != GV_OUT_JUNIT && s->o->format != GV_OUT_SARIF)
                rc = check_reportable(er, s->in.data[d].name);
            if (rc == 0) {
                s->any_fail |= it->res->status == GV_RS_FAIL;
                files[d].n++;
            }
            /* the results outlive the evaluation's temporaries, within the
             * budget; past it, the writers replay them */
            int done = rc != 0;
            if (!done && keep.total + eval.total > budget) {
                done = keep_statuses(er, &scratch) == 0;
                it->replay = (uint8_t)done;
            } else if (!done)
                done = gv_eval_result_retain(er, &eval, &keep) == 0;
            if (done) {
                gv_arena_reset(&eval, empty); /* its memory serves the next file */
            } else {
                kept[nkept++] = eval;
                gv_arena_init(&eval, 256 * 1024);
            }
        }
        gv_memo_free(memo);
    }
    gv_arena_free(&eval); /* its memory goes back before the report is made */
    gv_report_sink sink = { flush_out, s, replay };
    int wr = rc == 0 ? gv_report_structured(&s->out, files, nd, s->o->format, &sink) : 0;
    if (wr == -1)
        s->out.oom = 1; /* said, and the exit code set, by the last flush */
    else if (wr < 0)
        rc = -1;
    while (nkept)
        gv_arena_free(&kept[--nkept]);
    gv_arena_free(&keep);
    gv_arena_free(&scratch);
    return rc;
}

/* A data file whose snippets were to be read again but had changed: its
 * report went out without them. */
static int changed_data(const gv_inputs *in)
{
    int any = 0;
    for (size_t d = 0; d < in->ndata; d++)
        if (in->data[d].lines && gv_lines_changed(in->data[d].lines)) {
            fprintf(stderr, "gavel validate: %s: the file changed while it was validated; its code snippets are "
                            "left out\n", in->data[d].name);
            any = 1;
        }
    return any;
}

static int disassemble(run_state *s)
{
    for (size_t i = 0; i < s->in.nrules; i++)
        if (s->in.rules[i].prog)
            gv_disassemble(&s->out, s->in.rules[i].prog);
    gv_cli_flush(&s->out);
    return s->in.rules_failed ? GV_EXIT_BAD_INPUT : GV_EXIT_OK;
}

static int parse_exit(int r)
{
    return r == 0 ? GV_EXIT_OK : r == -1 ? GV_EXIT_USAGE : GV_EXIT_DATA;
}

int gv_cmd_validate(int argc, char **argv)
{
    gv_validate_opts o;
    int r = gv_validate_parse_opts(argc, argv, &o);
    if (r <= 0) {
        gv_validate_opts_free(&o);
        return parse_exit(r);
    }
    run_state s = { &o, { 0 }, { 0 }, 0, 0, 0 };
    gv_buf_init(&s.out);
    gv_input_opts io = { &o.rules, &o.data, &o.params, o.payload, o.last_modified, &o.load,
                         env_bytes("GAVEL_KEEP_TEXT_MAX", KEEP_TEXT_MAX) };
    gv_error err;
    gv_error_clear(&err);
    int status = GV_EXIT_OK;
    if (o.disassemble) {
        gv_strlist none = { 0 };
        io.data = &none;
        io.params = &none;
        io.payload = 0;
    }
    if (o.disassemble ? gv_inputs_load_rules(&s.in, &io, report_rules_error, &err) < 0
                      : gv_inputs_load(&s.in, &io, report_rules_error, &err) < 0) {
        gv_cli_error(&err);
        status = err.code == GV_E_PANIC ? GV_EXIT_PANIC : GV_EXIT_DATA;
    } else if (o.disassemble) {
        status = disassemble(&s);
    } else {
        int rc = o.structured ? run_structured(&s) : run_pairs(&s);
        if (rc < 0)
            status = s.panic ? GV_EXIT_PANIC : GV_EXIT_DATA;
        else if (s.in.rules_failed)
            status = GV_EXIT_BAD_INPUT;
        else if (s.any_fail)
            status = GV_EXIT_FAILED;
        if (s.write_rc == 0 && gv_cli_flush(&s.out) != 0)
            status = GV_EXIT_DATA;
        if (changed_data(&s.in))
            status = GV_EXIT_DATA;
    }
    gv_inputs_free(&s.in);
    gv_buf_free(&s.out);
    gv_validate_opts_free(&o);
    return status;
}
