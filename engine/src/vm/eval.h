/* Evaluating a program against a document: per-rule statuses and, for each
 * failing clause, what a report needs. */
#ifndef GV_EVAL_H
#define GV_EVAL_H

#include "vm/program.h"
#include "vm/value.h"

typedef enum gv_rstatus { GV_RS_SKIP = 0, GV_RS_PASS = 1, GV_RS_FAIL = 2 } gv_rstatus;

/* One failing check inside a rule. */
typedef struct gv_check {
    uint32_t ip;           /* the clause instruction (program->code[ip]) */
    gv_val lhs;            /* the value that failed (or unresolved) */
    const gv_node *rhs;    /* what it was compared with, or NULL */
    uint8_t kind;          /* gv_check_kind */
} gv_check;

typedef enum gv_check_kind {
    GV_CHECK_COMPARE,      /* a comparison failed */
    GV_CHECK_UNRESOLVED,   /* the query did not reach a value */
    GV_CHECK_RULE,         /* a referenced rule did not pass */
} gv_check_kind;

typedef struct gv_rule_result {
    uint32_t rule;         /* index into program->rules */
    gv_rstatus status;
    gv_check *checks;
    uint32_t nchecks;
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

#endif
