/* Evaluating a program against a document: per-rule statuses and, for each
 * failing clause, what a report needs. */
#ifndef GV_EVAL_H
#define GV_EVAL_H

#include "vm/program.h"
#include "vm/value.h"

typedef enum gv_rstatus { GV_RS_SKIP = 0, GV_RS_PASS = 1, GV_RS_FAIL = 2 } gv_rstatus;

/* A clause a check was recorded inside, innermost first: a block clause
 * (one frame per value it ran on), a when block or a parameterised call.
 * Reports rebuild cfn-guard's nesting (called rules, disjunctions) from it. */
typedef struct gv_check_ctx {
    uint32_t ip;                    /* the C_BLOCK / C_WHEN / C_CALL instruction */
    const struct gv_check_ctx *up;  /* the frame around it, NULL at the rule body */
} gv_check_ctx;

typedef enum gv_check_kind {
    GV_CHECK_COMPARE,        /* a comparison failed */
    GV_CHECK_UNRESOLVED,     /* the query did not reach a value */
    GV_CHECK_RULE,           /* a referenced rule did not pass */
    GV_CHECK_UNRESOLVED_RHS, /* the right-hand query did not reach a value (lhs holds it) */
    GV_CHECK_NO_VALUES,      /* `not empty` on a query without values */
} gv_check_kind;

/* One failing check inside a rule. */
typedef struct gv_check {
    uint32_t ip;             /* the clause instruction (program->code[ip]) */
    uint8_t kind;            /* gv_check_kind */
    uint8_t incomparable;    /* the values have types cfn-guard cannot compare */
    uint8_t rhs_unmatched;   /* == against a query: no left-hand value equals rhs */
    gv_val lhs;              /* the value that failed (or unresolved) */
    gv_val rhs;              /* what it was compared with (node NULL: nothing) */
    const gv_val *rhs_all;   /* every right-hand value (IN lists, query right-hand sides) */
    uint32_t nrhs;
    const gv_check_ctx *ctx; /* enclosing clauses, NULL directly in the rule body */
} gv_check;

typedef struct gv_rule_result {
    uint32_t rule;         /* index into program->rules */
    gv_rstatus status;
    gv_check *checks;
    uint32_t nchecks;
    /* 1 + the instruction of the first unary check (not `empty`) that
     * failed on a bare variable bound to a literal (`let g = 1`, `%g
     * is_list`; through `let h = %g` or a parameter given `%g` too), outside
     * filters and referenced rules; 0 none. cfn-guard 3.1.1 panics
     * reporting such a rule when it FAILs (see gv_report_panic). */
    uint32_t lit_fail;
} gv_rule_result;

typedef struct gv_eval_result {
    gv_rule_result *rules; /* one per reported (non-parameterised) rule, declaration order */
    uint32_t nrules;
    gv_rstatus status;     /* FAIL if any rule failed, else PASS if any passed, else SKIP */
} gv_eval_result;

/* Evaluates p on the document rooted at root. Everything allocated lives in
 * scratch (reset it between documents). Returns 0, or -1 with err set when
 * the rules cannot be evaluated on this data (as cfn-guard aborts). */
int gv_eval(const gv_program *p, const gv_node *root, gv_arena *scratch, gv_eval_result *out,
            gv_error *err);

/* gv_eval, but the failed key tests of a `[ keys == q ]` filter (one per
 * member of the map: thousands per dangling reference in a large template)
 * stay one GV_CHECK_KEYS_BULK entry each in the rules' checks, expanded by
 * the reader, one rule at a time, with gv_rule_expand_checks. */
int gv_eval_lazy(const gv_program *p, const gv_node *root, gv_arena *scratch, gv_eval_result *out,
                 gv_error *err);

/* Statuses of parameterised rules shared by the programs evaluated against
 * one document (the Control Tower files all call the same is_cfn_hook on
 * it). root is the document as evaluated (doc's root, or doc merged with
 * parameters); the memo must not outlive doc. NULL when memory ran out. */
typedef struct gv_memo gv_memo;
gv_memo *gv_memo_new(const gv_doc *doc, const gv_node *root);
void gv_memo_free(gv_memo *m);

struct gv_trace;
/* How gv_eval_with evaluates: lazy as gv_eval_lazy; trace as
 * gv_eval_traced (NULL: none); memo (NULL: none) shared with other
 * programs' evaluations of the same document. */
typedef struct gv_eval_opts {
    int lazy;
    struct gv_trace *trace;
    gv_memo *memo;
} gv_eval_opts;
int gv_eval_with(const gv_program *p, const gv_node *root, gv_arena *scratch, const gv_eval_opts *o,
                 gv_eval_result *out, gv_error *err);

/* Copies what res holds in scratch (its rules, checks, their values,
 * paths and contexts, nodes made at run time) into dst, so that scratch
 * can be freed while res is kept. Returns 0, or -1 (res unchanged, still
 * needing scratch) when memory ran out or res holds something it cannot
 * copy. */
int gv_eval_result_retain(gv_eval_result *res, const gv_arena *scratch, gv_arena *dst);

/* *view = *r with its bulk entries expanded (memory from a; r itself when
 * there are none). Returns 0, or -1 when memory ran out. */
int gv_rule_expand_checks(gv_arena *a, const gv_rule_result *r, gv_rule_result *view);

#endif
