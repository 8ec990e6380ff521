/* Internal to the reporters: what kind of failure a check is, the texts
 * cfn-guard derives from it, and the nesting of a rule's checks. */
#ifndef GV_REPORT_INT_H
#define GV_REPORT_INT_H

#include "report/report.h"
#include "util/arena.h"

/* How cfn-guard classifies a failed check (its ClauseReport variants). */
typedef enum gv_shape {
    GV_SHAPE_BINARY,        /* Binary / Resolved: value vs value */
    GV_SHAPE_IN,            /* Binary / InResolved: value vs a list of values */
    GV_SHAPE_BINARY_MISSING,/* Binary / UnResolved: a side's query stopped short */
    GV_SHAPE_UNARY,         /* Unary / Resolved */
    GV_SHAPE_UNARY_MISSING, /* Unary / UnResolved */
    GV_SHAPE_BLOCK_MISSING, /* Block: the block's query stopped short */
    GV_SHAPE_RULE_REF,      /* Unary / UnResolvedContext: a named rule did not pass */
    GV_SHAPE_NO_VALUES,     /* Unary / UnResolvedContext: `not empty` found no values */
} gv_shape;

gv_shape gv_check_shape(const gv_report_item *it, const gv_check *c);
/* Checks the VM records that cfn-guard does not report. */
int gv_check_hidden(const gv_report_item *it, const gv_check *c);
const gv_insn *gv_check_insn(const gv_report_item *it, const gv_check *c);
/* The value a failure is located at: the value compared, or where an
 * unresolved query stopped. */
const gv_val *gv_check_at(const gv_report_item *it, const gv_check *c);
/* What the check compared with, as cfn-guard shows it: == [x] against a
 * single value compares with x, at path /0 (path0 is storage for that). */
gv_val gv_check_rhs(const gv_check *c, gv_path *path0);
/* The check compared values of types that cannot be compared, as reports
 * tell it: a key test of a [keys == q] filter fails without saying so
 * (probed: `[ keys == 7 ]`, `[ keys == %list ]`). */
int gv_check_incomparable(const gv_report_item *it, const gv_check *c);

/* The clause's context text (" q EQUALS  4", Rule(...), GuardBlockAccessClause#...). */
void gv_msg_context(gv_buf *out, const gv_report_item *it, const gv_check *c);
/* The context when it is the clause's own text, which lives as long as the
 * rules (NULL for rule references and blocks: made per check). */
const char *gv_msg_context_fixed(const gv_report_item *it, const gv_check *c);
/* cfn-guard's "error_message" for the check. */
void gv_msg_error(gv_buf *out, const gv_report_item *it, const gv_check *c);
/* gv_msg_error, and where in it (offsets from out's length on entry)
 * stands what gv_msg_value_at writes for the check's left-hand value when
 * that is the only part of the message the value changes; else at[0] ==
 * at[1] == 0 (see key_clauses in structured.c). */
void gv_msg_error_split(gv_buf *out, const gv_report_item *it, const gv_check *c, size_t at[2]);
/* A value's location and display as messages show them after its path:
 * "[L:1,C:2] Value=1". */
void gv_msg_value_at(gv_buf *out, const gv_report_item *it, const gv_val *v);
/* Why the values of c (rhs: its right-hand value as reported) could not be
 * compared, in cfn-guard's words: "PathAwareValues are not comparable
 * int, String" and the like. */
void gv_msg_incomparable(gv_buf *out, const gv_report_item *it, const gv_check *c, const gv_val *rhs);
/* Unresolved checks: the query left to resolve, and why it stopped. */
void gv_msg_remaining(gv_buf *out, const gv_report_item *it, const gv_check *c);
void gv_msg_reason(gv_buf *out, const gv_report_item *it, const gv_check *c);
/* Why the values of c (lhs, and rhs as the report shows it) could not be
 * compared, as cfn-guard words it: "PathAwareValues
 * are not comparable int, String"; IN against one value that is not a list
 * has words of its own (probed): "Type not comparable, Path=.. Value=..,
 * Path=.. Value=.." for anything but a string against a string (a list
 * from the data is compared item by item with it), "Can not compare type
 * ..." for a list against anything else, and for a variable bound to a
 * literal list against a string. Nothing when a side has no value. */
void gv_msg_incomparable(gv_buf *out, const gv_report_item *it, const gv_check *c, const gv_val *rhs);
/* "Query q did not resolve to correct value, reason ...": a block clause
 * whose query stopped short (the evaluation tree, the generic reporter). */
void gv_msg_block_missing(gv_buf *out, const gv_report_item *it, const gv_check *c);
/* The << >> message of the clause, or NULL. */
const char *gv_msg_custom(const gv_report_item *it, const gv_check *c);
/* Operator as the CFN reporter names it: EQUAL, NOT IN, IS INT ... */
const char *gv_msg_operator(const gv_report_item *it, const gv_check *c);
/* comparison names of the structured output: Eq, In, Empty, IsInt ... */
const char *gv_msg_comparison(const gv_report_item *it, const gv_check *c, int *negated);

/* The nesting of a rule's failed checks, as cfn-guard reports it: called
 * parameterised rules and disjunctions become nodes, block and when
 * clauses are transparent. */
#define GV_MAX_CTX_DEPTH 600 /* above the evaluation depth limit */

typedef enum gv_cnode_kind { GV_CN_RULE, GV_CN_ANY, GV_CN_CHECK } gv_cnode_kind;

typedef struct gv_cnode {
    uint8_t kind;
    uint32_t rule;            /* RULE: declaration of the rule (or the callee) */
    const gv_check *check;    /* CHECK */
    const void *key;          /* identity of the evaluation it stands for */
    uint32_t key_ip;
    struct gv_cnode *first, *last, *next;
} gv_cnode;

/* Over the checks of r, or only those whose indexes subset lists (in
 * increasing order). NULL when there is no check to show, or memory ran
 * out (*oom then set). */
gv_cnode *gv_check_tree(gv_arena *a, const gv_report_item *it, const gv_rule_result *r, const uint32_t *subset,
                        uint32_t nsubset, int *oom);

/* The node of v with a location (found through its path if need be). */
const gv_node *gv_msg_located(const gv_report_item *it, const gv_val *v);
/* Code snippet lines around the 0-based line of a located node. */
void gv_snippet(gv_buf *out, const gv_report_item *it, const gv_node *at, int indent);
void gv_indent(gv_buf *out, int n);

/* The failing rules of an item with their checks (bulk key tests in
 * bulk), one at a time, for the structured writers: an item marked replay
 * is evaluated again first (into an arena of its own, dropped after). fn
 * gets the item as evaluated and the rule; what it allocates in a goes
 * after each rule. 0, or -1 when the replay failed (said). */
typedef void (*gv_failing_rule_fn)(void *ctx, const gv_report_item *it, const gv_rule_result *rule);
int gv_report_failing_rules(gv_arena *a, const gv_report_item *item, const gv_report_sink *sink,
                            gv_failing_rule_fn fn, void *ctx);

/* -z -o junit / -o sarif, written as they are walked. */
int gv_report_junit(gv_buf *out, gv_arena *a, const gv_report_file *files, size_t n, const gv_report_sink *sink);
int gv_report_sarif(gv_buf *out, gv_arena *a, const gv_report_file *files, size_t n, const gv_report_sink *sink);

/* A detail reporter's temporaries: in the item's scratch arena past a
 * mark when it has one, else in an arena of their own. */
typedef struct gv_report_tmp {
    gv_arena own, *a;
    gv_arena_mark mark;
} gv_report_tmp;

static inline gv_arena *gv_report_tmp_open(gv_report_tmp *t, const gv_report_item *it, size_t chunk)
{
    if (it->scratch) {
        t->a = it->scratch;
        t->mark = gv_arena_save(t->a);
    } else {
        gv_arena_init(&t->own, chunk);
        t->a = &t->own;
    }
    return t->a;
}

static inline void gv_report_tmp_close(gv_report_tmp *t)
{
    if (t->a == &t->own)
        gv_arena_free(&t->own);
    else
        gv_arena_reset(t->a, t->mark);
}

#endif
