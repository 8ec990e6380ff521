/* A rules text evaluated against a JSON text, as a report item: the
 * fixture of the tests that check what reports make of an evaluation.
 * Static functions: each test binary includes it once. */
#ifndef GV_TEST_EVAL_FIXTURE_H
#define GV_TEST_EVAL_FIXTURE_H

#include <check.h>
#include <string.h>

#include "doc/doc.h"
#include "report/report.h"
#include "run/ruleset.h"
#include "vm/eval.h"

typedef struct run {
    gv_program *p;
    gv_doc *d;
    gv_arena scratch;
    gv_eval_result res;
    gv_report_item it;
    gv_error err;
    int rc; /* gv_eval's */
} run;

/* Loads both (they must load), evaluates, and fills r->it as the CLI
 * would for rules file r.guard and data file d.json. */
static void start(run *r, const char *rules, const char *data)
{
    memset(r, 0, sizeof *r);
    gv_error_clear(&r->err);
    r->p = gv_ruleset_load("r.guard", rules, strlen(rules), &r->err);
    ck_assert_msg(r->p != NULL, "%s", r->err.msg);
    gv_load_opts o;
    gv_load_opts_default(&o);
    r->d = gv_doc_load_mem("d.json", data, strlen(data), &o, &r->err);
    ck_assert_ptr_nonnull(r->d);
    gv_arena_init(&r->scratch, 0);
    r->rc = gv_eval(r->p, gv_doc_root(r->d), &r->scratch, &r->res, &r->err);
    r->it = (gv_report_item){ .data_name = "d.json", .root = gv_doc_root(r->d), .rules_name = "r.guard",
                              .prog = r->p, .res = &r->res };
}

static void finish(run *r)
{
    gv_arena_free(&r->scratch);
    gv_doc_free(r->d);
    gv_program_free(r->p);
}

#endif
