/* An optional record of how rules were evaluated, for `validate -v` and
 * `-p`: cfn-guard prints its evaluation tree (rules, when conditions,
 * clauses, the check of each value). The VM keeps one only when asked
 * (gv_eval_traced); without it, each hook is one NULL test. */
#ifndef GV_TRACE_H
#define GV_TRACE_H

#include "vm/eval.h"
#include "vm/value.h"

typedef enum gv_tkind {
    GV_T_RULE,       /* a rule declaration (ip: its index in program->rules) */
    GV_T_RULE_WHEN,  /* the when conditions of a rule */
    GV_T_CLAUSE,     /* a unary or binary clause (ip) */
    GV_T_VALUE,      /* one value of a clause checked */
    GV_T_BLOCK,      /* a block clause `q { ... }` (ip), every value's body inside */
    GV_T_WHEN,       /* `when c { ... }` inside a rule (ip) */
    GV_T_WHEN_COND,  /* its conditions */
    GV_T_OR,         /* a disjunction of the clauses inside */
    GV_T_RULE_REF,   /* a rule referenced as a clause (ip) */
    GV_T_HIDDEN,     /* an alternative of an `or` not evaluated: not printed */
    GV_T_FILTER,     /* a query filter on one item (ip: the filter's block; aux: 1 map, 0 list) */
    GV_T_TYPE_VALUE, /* a type block's body on one resource (ip: its index) */
    GV_T_KEY,        /* one key tested by a `keys` filter (ip: the filter's clause;
                        check.lhs the key, check.rhs_all what it was compared with) */
    GV_T_KEYS,       /* every key of a `[ keys == x ]` filter tested at once (ip: the
                        filter's clause; check: a GV_CHECK_KEYS_BULK entry, lhs.stop 1 +
                        the member that passed or 0): shown as one GV_T_KEY per key
                        (gv_trace_keys_at), made only when read */
} gv_tkind;

typedef struct gv_tnode {
    uint8_t kind;      /* gv_tkind */
    uint8_t status;    /* gv_rstatus */
    uint8_t failed;    /* GV_T_VALUE: check holds the failure (else lhs passed) */
    uint8_t aux;       /* GV_T_FILTER: what was filtered is a map (2: its keys, `[ keys == x ]`); GV_T_HIDDEN: 2
                          for the key tests of `[ keys == x ]` (not printed, reports list their failures);
                          GV_T_RULE: 1 for a parameterised call, whose C_CALL instruction is call;
                          GV_T_CLAUSE: its query gave nothing */
    uint32_t lost;     /* opens under this node that memory ran out for */
    uint32_t ip;
    uint32_t call;     /* GV_T_RULE with aux 1: the C_CALL instruction */
    /* GV_T_VALUE, GV_T_KEY, GV_T_KEYS only (NULL otherwise: most nodes are
     * rules, clauses, filters and disjunctions, and a trace of a large
     * template holds a hundred thousand): a value's as recorded for
     * reports (a pass: ip and lhs) */
    gv_check *check;
    struct gv_tnode *parent, *first, *last, *next;
} gv_tnode;

typedef struct gv_trace gv_trace;

/* A trace allocating in a (which must outlive it). NULL when out of memory. */
gv_trace *gv_trace_new(gv_arena *a);
/* A trace read only for the generic reporter's lines (report/details_generic.c),
 * never printed as a tree: the failed key tests of a `[ keys == q ]` filter
 * are one GV_T_VALUE whose check is a GV_CHECK_KEYS_BULK entry (a template's
 * dangling reference would otherwise trace several nodes per resource), and
 * no GV_T_KEY nodes are made. */
gv_trace *gv_trace_new_for_lines(gv_arena *a);
int gv_trace_for_lines(const gv_trace *t);
/* The evaluated rules, in evaluation order, as children of one root. */
const gv_tnode *gv_trace_root(const gv_trace *t);
/* Whether memory ran out while tracing (the tree is then incomplete). */
int gv_trace_oom(const gv_trace *t);

/* Moves the evaluation of rule declaration d to the front (cfn-guard
 * reports the default rule first). */
void gv_trace_move_first(gv_trace *t, uint32_t d);

/* Recording, used by the VM. open adds a node under the current one and
 * makes it current; close sets its status and returns to its parent. */
void gv_trace_open(gv_trace *t, gv_tkind kind, uint32_t ip);
void gv_trace_close(gv_trace *t, int status);
/* A value that passed clause ip, and a failure the VM records (every one
 * is traced, also where reports keep none: conditions, filters). */
void gv_trace_pass(gv_trace *t, uint32_t ip, const gv_val *lhs);
void gv_trace_fail(gv_trace *t, const gv_check *c);
/* A key of a `keys` filter (clause ip) with status (GV_RS_PASS or GV_RS_FAIL) against
 * the right-hand values rhs[0..nrhs) (which must outlive the trace). */
void gv_trace_key(gv_trace *t, uint32_t ip, int status, const gv_val *key, const gv_val *rhs, uint32_t nrhs);
/* The keys of a map tested at once against one string: bulk as for
 * GV_T_KEYS. A template's dangling reference is tested against every
 * resource: a node per key made a 10,000-resource trace quadratic. */
void gv_trace_keys(gv_trace *t, const gv_check *bulk);
/* The GV_T_KEY node that key m of GV_T_KEYS node keys stands for, in *out
 * (its key in *key and its check in *check, which out points to); 0 past
 * the last key. */
int gv_trace_keys_at(const gv_tnode *keys, uint32_t m, gv_node *key, gv_check *check, gv_tnode *out);
/* Whether rule declaration d (of nrules) is referenced for the first time:
 * cfn-guard shows a referenced rule's evaluation under its first
 * reference only. */
int gv_trace_first_ref(gv_trace *t, uint32_t d, uint32_t nrules);
void gv_trace_set_aux(gv_trace *t, uint8_t aux);
/* Marks the current GV_T_RULE node as the call of a parameterised rule at
 * instruction ip (reports name the call's message). */
void gv_trace_set_call(gv_trace *t, uint32_t ip);
/* Moves the last n children of the current node under a new node of kind
 * (a disjunction is known only after its alternatives ran). */
void gv_trace_wrap(gv_trace *t, uint32_t n, gv_tkind kind, int status);

/* Where a clause's nodes will go (the current node and its last child),
 * and, once the clause is done, its nodes that point into from[0..n) (a
 * right-hand set on the C stack) pointed at a copy in the trace's arena:
 * most clauses record nothing, so their sets need not outlive them (a
 * 10,000-resource trace kept ~8 MB of them). -1 when memory ran out. */
typedef struct gv_tmark {
    gv_tnode *at, *last;
} gv_tmark;
gv_tmark gv_trace_mark(const gv_trace *t);
int gv_trace_keep_rhs(gv_trace *t, gv_tmark m, const gv_val *from, uint32_t n);

/* gv_eval, also recording the evaluation in trace. */
int gv_eval_traced(const gv_program *p, const gv_node *root, gv_arena *scratch, gv_eval_result *out,
                   gv_trace *trace, gv_error *err);

#endif
