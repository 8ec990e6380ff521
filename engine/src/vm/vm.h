/* Internal to the VM: the evaluation state shared by the interpreter
 * (interp.c), query traversal (query.c) and comparisons (compare.c). */
#ifndef GV_VM_H
#define GV_VM_H

#include "vm/program.h"
#include "vm/eval.h"
#include "vm/value.h"
#include "vm/trace.h"

typedef enum gv_status { GV_SKIP = 0, GV_PASS = 1, GV_FAIL = 2 } gv_status;

/* A `let` inside a rule is evaluated when first used, as cfn-guard does
 * (a let nothing uses never runs, so it cannot abort the run). */
typedef struct gv_pending_let {
    gv_val self;               /* `this` where the let stands */
    uint32_t operand;
    uint32_t ip;               /* the let instruction, for errors */
    uint8_t state;             /* 0 evaluated (or none), 1 pending, 2 evaluating */
    uint8_t recording;         /* vm->recording where the let stands */
} gv_pending_let;

/* Variables of one activation: a rule body or a parameterised call. */
typedef struct gv_frame {
    gv_valset *slots;          /* let slots (file-wide numbering) */
    const gv_valset *params;   /* parameterised rule: its arguments */
    uint32_t nparams;
    gv_pending_let *pending;   /* per slot */
} gv_frame;

/* A clause being evaluated around the current one (see gv_check_ctx): on
 * the C stack, copied to the scratch arena only when a check is recorded
 * inside it. */
typedef struct gv_ctx_frame {
    uint32_t ip;
    struct gv_ctx_frame *up;
    gv_check_ctx *copy;
} gv_ctx_frame;

/* The keys `[ name ]` steps captured so far into %name (see gv_vm_capture). */
typedef struct gv_capture {
    const gv_kconst *name;
    gv_valset keys;
} gv_capture;

typedef struct gv_vm {
    const gv_program *p;
    gv_val root;
    gv_arena *scratch;
    gv_valset *globals;
    gv_val *global_first;      /* per slot: room for a file-level let's first value */
    uint8_t *global_state;     /* 0 not yet, 1 computing, 2 done */
    uint8_t *rule_state;       /* per declaration: 0 not yet, 1 running, 2 done */
    gv_status *rule_status;
    uint32_t depth;
    uint32_t ip;               /* clause or let being evaluated: where errors point */
    gv_error *err;
    int recording;             /* failing checks are kept (not in filters, conditions, lets) */
    struct gv_check *checks;
    uint32_t nchecks, cap_checks;
    gv_ctx_frame *ctx;         /* innermost enclosing clause frame, for reports */
    int keys_recording;        /* inside a query: whether [keys == x] filters record
                                  their failures (cfn-guard reports them, probed) */
    /* clause statuses of every active block, each block above its caller's
     * (grown in the scratch arena; no limit on clauses per block) */
    int *stack;
    uint32_t *marks;           /* checks recorded before each pushed status */
    uint32_t sp, stack_cap;
    int local_lets;            /* some let stands inside a rule: frames need slots */
    /* the slot blocks of active frames, one per nesting level, reused by
     * the next frame at that level (frames end in the order they began) */
    void **frame_blocks;
    uint32_t nframes, frame_blocks_cap;
    struct gv_trace *trace;    /* -v / -p: the evaluation is recorded (NULL: not) */
    uint32_t nfailures;        /* checks recorded or traced (counts while not recording) */
    struct gv_memo *memo;      /* statuses of calls shared with other programs (NULL: none) */
    uint32_t in_filter;        /* filter blocks being evaluated around the current clause */
    uint32_t lit_fail;         /* 1 + the first failing unary check on a variable bound to a
                                  literal in the rule being evaluated (see gv_rule_result) */
    struct gv_respell *respell; /* spellings of missing written keys, made once per
                                   evaluation (query_key.c; NULL until one is missing) */
    /* only when the program has `[ name ]` steps (NULL otherwise): */
    gv_capture *caps;          /* per name captured, up to p->ncaptures */
    uint32_t ncaps;
    uint8_t *ref_done;         /* per declaration: a reference evaluated it (ref_status holds it) */
    gv_status *ref_status;
} gv_vm;

/* Values a clause keeps on the C stack for its left-hand query: nearly
 * always one or two (a set grows into the scratch arena past that). Only
 * for sets no recorded check points into (checks copy the values, but keep
 * rhs_all as a pointer). */
#define GV_SMALL_SET 4

/* Nesting of blocks and rule references, bounded so that deep rules end
 * with an error instead of overflowing the C stack. */
#define GV_MAX_EVAL_DEPTH 4096
/* Skippable clauses (vm/pure.c) nest at most 32 levels of filters and
 * lets, each a few evaluation levels: below this depth, leaving one out
 * cannot hide the limit. */
#define GV_SKIP_DEPTH (GV_MAX_EVAL_DEPTH - 256)

/* Runs query block `block` with `self` as this; appends results to out.
 * Returns 0, or -1 with vm->err set. */
int gv_vm_query(gv_vm *vm, uint32_t block, const gv_val *self, const gv_frame *f, gv_valset *out);
/* Evaluates an operand (literal, query, call) into out. */
int gv_vm_operand(gv_vm *vm, uint32_t operand, const gv_val *self, const gv_frame *f, gv_valset *out);
/* Runs clause block `block` with `self` as this; returns its status or -1. */
int gv_vm_block(gv_vm *vm, uint32_t block, const gv_val *self, const gv_frame *f);
/* Looks up a variable for Q_VAR / Q_VAR_KEY. */
const gv_valset *gv_vm_var(gv_vm *vm, const gv_insn *in, const gv_frame *f);
/* vm/frame.c: a rule body's or a call's frame (params: a call's arguments;
 * slots zeroed, made once per nesting level), given back when it ends
 * (frames end in the order they began); a `let` inside a rule, recorded
 * to be evaluated where it stands when first used. */
gv_frame gv_vm_new_frame_slots(gv_vm *vm, const gv_valset *params, uint32_t nparams);
static inline gv_frame gv_vm_new_frame(gv_vm *vm, const gv_valset *params, uint32_t nparams)
{
    if (!vm->local_lets) { /* no let inside a rule: no slot is ever read or written through a frame */
        gv_frame none = { NULL, params, nparams, NULL };
        return none;
    }
    return gv_vm_new_frame_slots(vm, params, nparams);
}
/* Nothing outlives a frame's block: lets' values are in the arena and
 * what reads a slot copies the set. */
static inline void gv_vm_end_frame(gv_vm *vm, const gv_frame *f)
{
    if (f->pending)
        vm->nframes--;
}
int gv_vm_let(gv_vm *vm, const gv_insn *in, const gv_val *self, const gv_frame *f);

/* Runs a query whose filters record nothing: filters run as clause
 * blocks, and what fails in a filter only filters, it is not a failure of
 * the rule to report. Inline: every clause runs one. */
static inline int gv_vm_quiet_query(gv_vm *vm, uint32_t block, const gv_val *self, const gv_frame *f,
                                    gv_valset *out)
{
    int saved = vm->recording, saved_keys = vm->keys_recording;
    vm->keys_recording = vm->recording;
    vm->recording = 0;
    int r = gv_vm_query(vm, block, self, f, out);
    vm->recording = saved;
    vm->keys_recording = saved_keys;
    return r;
}

/* The values of variable instruction in, looked up as a query would
 * (recording off, a let's key filters recording as the clause does);
 * NULL with vm->err set. */
static inline const gv_valset *gv_vm_quiet_var(gv_vm *vm, const gv_insn *in, const gv_frame *f)
{
    int saved = vm->recording, saved_keys = vm->keys_recording;
    vm->keys_recording = vm->recording;
    vm->recording = 0;
    const gv_valset *var = gv_vm_var(vm, in, f);
    vm->recording = saved;
    vm->keys_recording = saved_keys;
    return var;
}

/* A query that is a bare `%v`: *view is the variable's own values, to be
 * read only, with the marks gv_vm_quiet_query would give them, and 1 is
 * returned; 0 for any other query (run it), -1 with vm->err set. Saves
 * copying the values of the most common query of conditions. */
int gv_vm_quiet_view(gv_vm *vm, uint32_t block, const gv_frame *f, gv_valset *view);

/* Q_CAPTURE on one value: appends the keys of a non-empty map to %name
 * (keys.c). Returns 0, or -1 when memory ran out. */
int gv_vm_capture(gv_vm *vm, const gv_insn *in, const gv_val *v);
/* The key of member m as a string node located where the key stands
 * (reports show it there), in a. NULL when memory ran out. */
gv_node *gv_key_node(gv_arena *a, const gv_member *m);
/* The keys captured into %name, or NULL when none were (keys.c). */
const gv_valset *gv_vm_captured(const gv_vm *vm, const gv_kconst *name);

/* Unary and binary clauses (check.c): push nothing, return the status or -1. */
/* A clause's status from its values' results: with `some` one pass is
 * enough, without it one failure fails it. */
static inline gv_status gv_vm_finish_values(int any_pass, int any_fail, int some)
{
    if (some)
        return any_pass ? GV_PASS : GV_FAIL;
    return any_fail ? GV_FAIL : GV_PASS;
}

int gv_vm_unary(gv_vm *vm, uint32_t ip, const gv_val *self, const gv_frame *f);
int gv_vm_binary(gv_vm *vm, uint32_t ip, const gv_val *self, const gv_frame *f);
/* Trace clause ip on the left-hand values l against r the way cfn-guard's
 * tree shows it, pair by pair (pair_trace.c): an ordering, and a left-hand
 * variable bound to a literal. 0, or -1 with vm->err set. */
int gv_vm_trace_order(gv_vm *vm, uint32_t ip, const gv_valset *l, const gv_valset *r);
int gv_vm_trace_literal(gv_vm *vm, uint32_t ip, const gv_valset *l, const gv_valset *r, int rhs_literal);

/* Errors and kept checks (record.c). The error helpers set vm->err and
 * return -1; the record helpers return 0, or -1 when memory ran out. */
int gv_vm_nomem(gv_vm *vm);
int gv_vm_fail_at(gv_vm *vm, uint32_t ip, const char *msg, const char *arg);
int gv_vm_record_check(gv_vm *vm, gv_check c);
int gv_vm_record(gv_vm *vm, uint32_t ip, const gv_val *lhs, const gv_val *rhs, uint8_t kind);
/* A failed comparison, with every right-hand value: reports show IN lists
 * and query right-hand sides whole. */
int gv_vm_record_compare(gv_vm *vm, uint32_t ip, const gv_val *lhs, const gv_val *against,
                         const gv_valset *r, int incomparable);

#endif
