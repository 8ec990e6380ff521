/* The compiler: resolved AST to bytecode. Each block (a query, or a list of
 * clauses in conjunctive normal form) becomes one contiguous range of code
 * ending in END. Nested blocks are compiled first into their own ranges, so
 * a block under construction collects its instructions in a local buffer. */
#include "vm/compile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/blob.h"
#include "util/hash.h"
#include "vm/functions.h"
#include "vm/memo.h"
#include "vm/regex.h"

typedef struct emit_buf {
    gv_insn *code;
    gv_loc *locs;
    uint32_t *msgs;
    uint32_t n, cap;
} emit_buf;

#define SPARE_BUFS 8

typedef struct compiler {
    gv_program *p;
    gv_error *err;
    const gv_rules_file *f;
    uint32_t code_cap, blocks_cap, lits_cap, strs_cap, opnd_cap, args_cap, refs_cap, rdecl_cap;
    int failed;
    /* Every query and clause list is a block with its own buffer: finished
     * buffers are kept for the next block rather than freed and malloc'd. */
    emit_buf spare[SPARE_BUFS];
    uint32_t nspare;
} compiler;

/* Grows an arena array to hold n+1 elements (old copies stay in the arena:
 * at most as much again as the final size). */
static int reserve(compiler *c, void **arr, uint32_t *cap, uint32_t n, size_t elem)
{
    if (n < *cap)
        return 1;
    uint32_t ncap = *cap ? *cap * 2 : 16;
    void *p = gv_arena_alloc(&c->p->arena, (size_t)ncap * elem);
    if (!p) {
        c->failed = 1;
        gv_error_set(c->err, GV_E_NOMEM, c->f->filename, (gv_loc){ 0, 0 }, "out of memory compiling rules");
        return 0;
    }
    if (n)
        memcpy(p, *arr, (size_t)n * elem);
    *arr = p;
    *cap = ncap;
    return 1;
}

#define PUSH(c, arr, n, cap, val) \
    (reserve((c), (void **)&(arr), &(cap), (n), sizeof *(arr)) ? ((arr)[(n)] = (val), (n)++, 1) : 0)

static void emit(compiler *c, emit_buf *b, gv_insn in, gv_loc loc, uint32_t msg)
{
    if (b->cap == 0 && c->nspare)
        *b = c->spare[--c->nspare];
    if (b->n == b->cap) {
        uint32_t cap = b->cap ? b->cap * 2 : 16;
        gv_insn *code = realloc(b->code, cap * sizeof *code);
        if (code)
            b->code = code;
        gv_loc *locs = realloc(b->locs, cap * sizeof *locs);
        if (locs)
            b->locs = locs;
        uint32_t *msgs = realloc(b->msgs, cap * sizeof *msgs);
        if (msgs)
            b->msgs = msgs;
        if (!code || !locs || !msgs) {
            c->failed = 1;
            gv_error_set(c->err, GV_E_NOMEM, c->f->filename, (gv_loc){ 0, 0 }, "out of memory compiling rules");
            return;
        }
        b->cap = cap;
    }
    b->code[b->n] = in;
    b->locs[b->n] = loc;
    b->msgs[b->n] = msg;
    b->n++;
}

static gv_insn insn(gv_opcode op, uint8_t flags, uint32_t a, uint32_t bb, uint32_t cc)
{
    gv_insn in = { (uint8_t)op, flags, 0, a, bb, cc };
    return in;
}

/* Makes room for n more instructions (with their locations and messages). */
static int reserve_code(compiler *c, uint32_t n)
{
    gv_program *p = c->p;
    if (p->ncode + n <= c->code_cap && p->locs)
        return 1;
    uint32_t cap = c->code_cap ? c->code_cap : 64;
    while (cap < p->ncode + n)
        cap *= 2;
    gv_insn *code = gv_arena_alloc(&p->arena, cap * sizeof *code);
    gv_loc *l = gv_arena_alloc(&p->arena, cap * sizeof *l);
    uint32_t *m = gv_arena_alloc(&p->arena, cap * sizeof *m);
    if (!code || !l || !m) {
        c->failed = 1;
        return 0;
    }
    if (p->ncode) {
        memcpy(code, p->code, p->ncode * sizeof *code);
        memcpy(l, p->locs, p->ncode * sizeof *l);
        memcpy(m, p->messages, p->ncode * sizeof *m);
    }
    p->code = code;
    p->locs = l;
    p->messages = m;
    c->code_cap = cap;
    return 1;
}

static void release_buf(compiler *c, emit_buf *b)
{
    if (c->nspare < SPARE_BUFS && b->cap) {
        b->n = 0;
        c->spare[c->nspare++] = *b;
    } else {
        free(b->code);
        free(b->locs);
        free(b->msgs);
    }
    memset(b, 0, sizeof *b);
}

/* Appends the finished local buffer to the program; returns its block id. */
static uint32_t finish_block(compiler *c, emit_buf *b, gv_loc loc)
{
    emit(c, b, insn(GV_I_END, 0, 0, 0, 0), loc, GV_NONE);
    gv_program *p = c->p;
    uint32_t id = GV_NONE;
    if (!c->failed && PUSH(c, p->blocks, p->nblocks, c->blocks_cap, p->ncode) && reserve_code(c, b->n)) {
        id = p->nblocks - 1;
        memcpy(p->code + p->ncode, b->code, b->n * sizeof *b->code);
        memcpy(p->locs + p->ncode, b->locs, b->n * sizeof *b->locs);
        memcpy(p->messages + p->ncode, b->msgs, b->n * sizeof *b->msgs);
        p->ncode += b->n;
    }
    release_buf(c, b);
    return c->failed ? GV_NONE : id;
}

/* Strings are copied: the program outlives the AST it came from. */
static uint32_t add_string(compiler *c, const char *s, uint32_t len)
{
    const char *copy = gv_arena_strndup(&c->p->arena, s, len);
    if (!copy) {
        c->failed = 1;
        return GV_NONE;
    }
    gv_kconst k = { copy, len, gv_hash(s, len) };
    return PUSH(c, c->p->strings, c->p->nstrings, c->strs_cap, k) ? c->p->nstrings - 1 : GV_NONE;
}

static gv_node *make_literal(compiler *c, const gv_literal *l);

static gv_node *new_node(compiler *c, size_t size, gv_kind kind, gv_loc loc)
{
    gv_node *n = gv_arena_zalloc(&c->p->arena, size);
    if (!n) {
        c->failed = 1;
        return NULL;
    }
    n->kind = (uint8_t)kind;
    n->line = loc.line;
    n->col = loc.col;
    n->located = 0; /* line:col are in the rules file; reports place literals at [L:0,C:0] */
    return n;
}

static gv_node *make_regex(compiler *c, const gv_literal *l)
{
    gv_regex_node *r = (gv_regex_node *)new_node(c, sizeof *r, GV_REGEX, l->loc);
    if (!r)
        return NULL;
    r->node.u.s = gv_arena_strndup(&c->p->arena, l->u.str.s, l->u.str.len);
    r->node.len = l->u.str.len;
    r->cache = c->p->regexes;
    r->re = gv_regex_cache_get(c->p->regexes, l->u.str.s, l->u.str.len, c->err);
    if (!r->re) {
        c->err->loc = l->loc;
        snprintf(c->err->file, sizeof c->err->file, "%s", c->f->filename);
        c->failed = 1;
        return NULL;
    }
    return &r->node;
}

static gv_node *make_range(compiler *c, const gv_literal *l)
{
    gv_range_node *r = (gv_range_node *)new_node(c, sizeof *r, GV_RANGE, l->loc);
    if (!r)
        return NULL;
    r->kind = l->u.range.kind == GV_RANGE_FLOAT ? GV_RANGE_RT_FLOAT
            : l->u.range.kind == GV_RANGE_CHAR ? GV_RANGE_RT_CHAR : GV_RANGE_RT_INT;
    r->lo_i = l->u.range.lo_i;
    r->hi_i = l->u.range.hi_i;
    r->lo_f = l->u.range.lo_f;
    r->hi_f = l->u.range.hi_f;
    r->lo_incl = l->u.range.lo_incl;
    r->hi_incl = l->u.range.hi_incl;
    return &r->node;
}

static gv_node *make_list_or_map(compiler *c, const gv_literal *l)
{
    int is_map = l->kind == GV_LIT_MAP;
    gv_node *n = new_node(c, sizeof *n, is_map ? GV_MAP : GV_LIST, l->loc);
    if (!n)
        return NULL;
    uint32_t count = is_map ? l->u.map.n : l->u.list.n;
    n->len = count;
    if (!is_map) {
        n->u.items = gv_arena_alloc(&c->p->arena, (count ? count : 1) * sizeof(gv_node *));
        for (uint32_t i = 0; n->u.items && i < count; i++)
            if (!(n->u.items[i] = make_literal(c, l->u.list.items[i])))
                return NULL;
        return n->u.items ? n : NULL;
    }
    n->u.members = gv_arena_alloc(&c->p->arena, (count ? count : 1) * sizeof(gv_member));
    for (uint32_t i = 0; n->u.members && i < count; i++) {
        const gv_map_entry *e = &l->u.map.items[i];
        gv_key *k = gv_arena_alloc(&c->p->arena, sizeof *k + e->key.len + 1);
        gv_node *v = make_literal(c, e->value);
        if (!k || !v)
            return NULL;
        k->hash = gv_hash(e->key.s, e->key.len);
        k->len = e->key.len;
        memcpy(k->str, e->key.s, e->key.len);
        k->str[e->key.len] = '\0';
        n->u.members[i] = (gv_member){ k, v, e->loc.line, e->loc.col };
    }
    return n->u.members ? n : NULL;
}

static gv_node *make_literal(compiler *c, const gv_literal *l)
{
    gv_node *n;
    switch (l->kind) {
    case GV_LIT_STRING:
        if (!(n = new_node(c, sizeof *n, GV_STRING, l->loc)))
            return NULL;
        n->u.s = gv_arena_strndup(&c->p->arena, l->u.str.s, l->u.str.len);
        n->len = l->u.str.len;
        return n;
    case GV_LIT_REGEX: return make_regex(c, l);
    case GV_LIT_INT:
        if ((n = new_node(c, sizeof *n, GV_INT, l->loc)))
            n->u.i = l->u.i;
        return n;
    case GV_LIT_FLOAT:
        if ((n = new_node(c, sizeof *n, GV_FLOAT, l->loc)))
            n->u.f = l->u.f;
        return n;
    case GV_LIT_BOOL:
        if ((n = new_node(c, sizeof *n, GV_BOOL, l->loc)))
            n->u.b = l->u.b != 0;
        return n;
    case GV_LIT_NULL: return new_node(c, sizeof(gv_node), GV_NULL, l->loc);
    case GV_LIT_RANGE: return make_range(c, l);
    case GV_LIT_LIST:
    case GV_LIT_MAP: return make_list_or_map(c, l);
    }
    return NULL;
}

static uint32_t compile_cnf(compiler *c, const gv_cnf *cnf, gv_let *const *lets, uint32_t nlets, gv_loc loc);

static uint32_t compile_block(compiler *c, const gv_block *b, gv_loc loc)
{
    return compile_cnf(c, &b->body, b->lets, b->nlets, loc);
}

static uint8_t var_flags(const gv_step *s)
{
    if (s->bind.kind == GV_BIND_PARAM)
        return GV_VAR_PARAM;
    if (s->bind.kind == GV_BIND_NONE)
        return GV_VAR_UNBOUND;
    return GV_VAR_LOCAL; /* globals are told apart at run time by global_operand */
}

/* Unbound variables carry their name (a string constant) for the error. */
static uint32_t var_index(compiler *c, const gv_step *s)
{
    switch (s->bind.kind) {
    case GV_BIND_PARAM: return s->bind.param;
    case GV_BIND_LET: return s->bind.let->slot;
    default: return add_string(c, s->name.s, s->name.len);
    }
}

static uint32_t compile_keys_filter(compiler *c, const gv_step *s);
static uint32_t compile_value(compiler *c, const gv_value *v);

/* An optional '-' and decimal digits that fit an index. */
static int parse_index(const char *s, uint32_t len, int64_t *out)
{
    uint32_t i = len && s[0] == '-';
    if (i == len || len - i > 9)
        return 0;
    int64_t v = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = s[0] == '-' ? -v : v;
    return 1;
}

static uint32_t compile_query(compiler *c, const gv_query *q)
{
    emit_buf b = { 0 };
    uint32_t first = 0;
    const gv_step *s0 = &q->steps[0];
    if (s0->kind == GV_STEP_VAR) {
        /* cfn-guard iterates a variable's values implicitly: `%v[*].a` is
         * `%v.a`, and neither flattens a list the variable holds (probed);
         * c marks the dropped `[*]`, which still counts as a step when the
         * variable is empty (see gv_vm_query) */
        int star = q->n > 1 && q->steps[1].kind == GV_STEP_ALL_INDICES;
        emit(c, &b, insn(GV_I_Q_VAR, var_flags(s0), var_index(c, s0), 0, (uint32_t)star), s0->loc, GV_NONE);
        first = star ? 2 : 1;
        /* and a filter right after the variable tests its values themselves */
        if (q->n > first && q->steps[first].kind == GV_STEP_FILTER) {
            uint32_t blk = compile_cnf(c, &q->steps[first].filter, NULL, 0, q->steps[first].loc);
            emit(c, &b, insn(GV_I_Q_SELECT, 0, 0, blk, 0), q->steps[first].loc, GV_NONE);
            first++;
        }
    } else if (s0->kind == GV_STEP_THIS) {
        emit(c, &b, insn(GV_I_Q_THIS, 0, 0, 0, 0), s0->loc, GV_NONE);
        first = 1;
    } else {
        /* a query starting with a key is relative to `this` */
        emit(c, &b, insn(GV_I_Q_THIS, 0, 0, 0, 0), s0->loc, GV_NONE);
    }
    for (uint32_t i = first; i < q->n && !c->failed; i++) {
        const gv_step *s = &q->steps[i];
        const gv_step *next = i + 1 < q->n ? &q->steps[i + 1] : NULL;
        switch (s->kind) {
        case GV_STEP_KEY: {
            int64_t idx;
            /* cfn-guard reads a quoted key that spells an integer as an
             * index: m.'0' and m['0'] are m[0] (probed) */
            if (s->quoted && parse_index(s->name.s, s->name.len, &idx))
                emit(c, &b, insn(GV_I_Q_INDEX, GV_FLAG_INDEX_KEY, 0, (uint32_t)(int32_t)idx, 0), s->loc, GV_NONE);
            else
                emit(c, &b, insn(GV_I_Q_KEY, 0, 0, add_string(c, s->name.s, s->name.len), 0), s->loc,
                     GV_NONE);
            break;
        }
        case GV_STEP_VAR:
            emit(c, &b, insn(GV_I_Q_VAR_KEY, var_flags(s), var_index(c, s), 0, 0), s->loc, GV_NONE);
            break;
        case GV_STEP_THIS:
            break; /* `x.this` is x */
        case GV_STEP_ALL_VALUES:
        case GV_STEP_ALL_INDICES:
            /* `[ name ]` selects like `[*]` and, in cfn-guard, also appends
             * each map's keys to a hidden %name: a step of its own, so that
             * programs without one pay nothing and memo.c can refuse it */
            if (s->kind == GV_STEP_ALL_VALUES && s->name.len) {
                emit(c, &b, insn(GV_I_Q_CAPTURE, 0, 0, add_string(c, s->name.s, s->name.len), 0), s->loc,
                     GV_NONE);
                c->p->ncaptures++;
            }
            if (next && next->kind == GV_STEP_FILTER) {
                uint32_t blk = compile_cnf(c, &next->filter, NULL, 0, next->loc);
                uint8_t fl = s->kind == GV_STEP_ALL_INDICES ? GV_FLAG_ALL_INDICES : 0;
                emit(c, &b, insn(GV_I_Q_ALL_FILTER, fl, 0, blk, 0), s->loc, GV_NONE);
                i++;
            } else {
                uint8_t fl = s->kind == GV_STEP_ALL_INDICES ? GV_FLAG_ALL_INDICES : 0;
                emit(c, &b, insn(GV_I_Q_ALL, fl, 0, 0, 0), s->loc, GV_NONE);
            }
            break;
        case GV_STEP_INDEX:
            emit(c, &b, insn(GV_I_Q_INDEX, 0, 0, (uint32_t)(int32_t)s->index, 0), s->loc, GV_NONE);
            break;
        case GV_STEP_FILTER: {
            uint32_t blk = compile_cnf(c, &s->filter, NULL, 0, s->loc);
            emit(c, &b, insn(GV_I_Q_FILTER, 0, 0, blk, 0), s->loc, GV_NONE);
            break;
        }
        case GV_STEP_KEYS_FILTER: {
            uint32_t blk = compile_keys_filter(c, s);
            emit(c, &b, insn(GV_I_Q_KEYS_FILTER, 0, 0, blk, 0), s->loc, GV_NONE);
            break;
        }
        }
    }
    return finish_block(c, &b, q->loc);
}

/* [ keys OP rhs ]: a one-clause block whose query is `this` (the key). */
static uint32_t compile_keys_filter(compiler *c, const gv_step *s)
{
    emit_buf q = { 0 };
    emit(c, &q, insn(GV_I_Q_THIS, 0, 0, 0, 0), s->loc, GV_NONE);
    uint32_t qb = finish_block(c, &q, s->loc);
    uint32_t rhs = compile_value(c, s->keys.rhs);
    emit_buf b = { 0 };
    uint8_t flags = (uint8_t)(s->keys.op | (s->keys.op_negated ? GV_FLAG_OPNOT : 0));
    emit(c, &b, insn(GV_I_C_BINARY, flags, qb, rhs, GV_BINARY_KEYS), s->loc, GV_NONE);
    return finish_block(c, &b, s->loc);
}

static uint32_t add_operand(compiler *c, gv_operand o)
{
    return PUSH(c, c->p->operands, c->p->noperands, c->opnd_cap, o) ? c->p->noperands - 1 : GV_NONE;
}

static uint32_t compile_value(compiler *c, const gv_value *v)
{
    gv_operand o = { 0 };
    switch (v->kind) {
    case GV_VAL_LITERAL: {
        gv_node *n = make_literal(c, v->u.lit);
        if (!n || !PUSH(c, c->p->literals, c->p->nliterals, c->lits_cap, n))
            return GV_NONE;
        o.kind = GV_OPND_LITERAL;
        o.idx = c->p->nliterals - 1;
        break;
    }
    case GV_VAL_QUERY:
        o.kind = GV_OPND_QUERY;
        o.idx = compile_query(c, v->u.query);
        break;
    case GV_VAL_CALL: {
        const gv_call *call = v->u.call;
        uint32_t *ops = malloc((call->nargs ? call->nargs : 1) * sizeof *ops);
        if (!ops) {
            c->failed = 1;
            return GV_NONE;
        }
        for (uint32_t i = 0; i < call->nargs; i++)
            ops[i] = compile_value(c, call->args[i]);
        o.kind = GV_OPND_CALL;
        o.fn = (int16_t)gv_fn_lookup(call->name.s, call->name.len);
        o.nargs = call->nargs;
        o.args_start = c->p->nargs;
        for (uint32_t i = 0; i < call->nargs; i++)
            PUSH(c, c->p->args, c->p->nargs, c->args_cap, ops[i]);
        o.idx = add_string(c, call->name.s, call->name.len);
        free(ops);
        break;
    }
    }
    return add_operand(c, o);
}

static uint32_t add_ref(compiler *c, const gv_clause *cl)
{
    gv_program *p = c->p;
    gv_ref r = { add_string(c, cl->u.ref.name.s, cl->u.ref.name.len), p->nref_decls, cl->u.ref.ndecls };
    for (uint32_t i = 0; i < cl->u.ref.ndecls; i++)
        PUSH(c, p->ref_decls, p->nref_decls, c->rdecl_cap, cl->u.ref.decls[i]->index);
    return PUSH(c, p->refs, p->nrefs, c->refs_cap, r) ? p->nrefs - 1 : GV_NONE;
}

static uint32_t message_of(compiler *c, const gv_clause *cl)
{
    return cl->has_message ? add_string(c, cl->message.s, cl->message.len) : GV_NONE;
}

/* The query of a type block: Resources.*[ Type == "T" ]; its clauses see
 * each resource itself, not its Properties (probed). */
static uint32_t type_query(compiler *c, const gv_clause *cl)
{
    gv_loc loc = cl->loc;
    emit_buf f = { 0 }, fq = { 0 };
    emit(c, &fq, insn(GV_I_Q_THIS, 0, 0, 0, 0), loc, GV_NONE);
    emit(c, &fq, insn(GV_I_Q_KEY, 0, 0, add_string(c, "Type", 4), 0), loc, GV_NONE);
    uint32_t tq = finish_block(c, &fq, loc);
    gv_node *tn = new_node(c, sizeof *tn, GV_STRING, loc);
    if (!tn)
        return GV_NONE;
    tn->u.s = gv_arena_strndup(&c->p->arena, cl->u.type.type_name.s, cl->u.type.type_name.len);
    tn->len = cl->u.type.type_name.len;
    PUSH(c, c->p->literals, c->p->nliterals, c->lits_cap, tn);
    gv_operand o = { GV_OPND_LITERAL, 0, c->p->nliterals - 1, 0, 0 };
    emit(c, &f, insn(GV_I_C_BINARY, GV_OP_EQ, tq, add_operand(c, o), 0), loc, GV_NONE);
    uint32_t filter = finish_block(c, &f, loc);
    emit_buf q = { 0 };
    emit(c, &q, insn(GV_I_Q_ROOT, 0, 0, 0, 0), loc, GV_NONE);
    emit(c, &q, insn(GV_I_Q_KEY, 0, 0, add_string(c, "Resources", 9), 0), loc, GV_NONE);
    emit(c, &q, insn(GV_I_Q_ALL_FILTER, 0, 0, filter, 0), loc, GV_NONE);
    return finish_block(c, &q, loc);
}

static void compile_clause(compiler *c, emit_buf *b, const gv_clause *cl)
{
    uint32_t msg = message_of(c, cl);
    uint8_t not = cl->negated ? GV_FLAG_NOT : 0;
    switch (cl->kind) {
    case GV_CL_UNARY:
    case GV_CL_BINARY: {
        uint8_t flags = (uint8_t)(cl->u.cmp.op | not | (cl->u.cmp.op_negated ? GV_FLAG_OPNOT : 0) |
                                  (cl->u.cmp.lhs->some ? GV_FLAG_SOME : 0));
        uint32_t q = compile_query(c, cl->u.cmp.lhs);
        if (cl->kind == GV_CL_UNARY)
            emit(c, b, insn(GV_I_C_UNARY, flags, q, 0, 0), cl->loc, msg);
        else
            emit(c, b, insn(GV_I_C_BINARY, flags, q, compile_value(c, cl->u.cmp.rhs), 0), cl->loc, msg);
        break;
    }
    case GV_CL_BLOCK: {
        uint32_t q = compile_query(c, cl->u.block.query);
        uint32_t body = compile_block(c, &cl->u.block.body, cl->loc);
        emit(c, b, insn(GV_I_C_BLOCK, cl->u.block.query->some ? GV_FLAG_SOME : 0, q, body, 0), cl->loc, msg);
        break;
    }
    case GV_CL_WHEN: {
        uint32_t cond = compile_cnf(c, &cl->u.when.conds, NULL, 0, cl->loc);
        uint32_t body = compile_block(c, &cl->u.when.body, cl->loc);
        emit(c, b, insn(GV_I_C_WHEN, 0, cond, body, 0), cl->loc, msg);
        break;
    }
    case GV_CL_TYPE_BLOCK: {
        /* `when` of a type block is evaluated outside, once (probed) */
        uint32_t q = type_query(c, cl);
        uint32_t body = compile_block(c, &cl->u.type.body, cl->loc);
        uint32_t type = add_string(c, cl->u.type.type_name.s, cl->u.type.type_name.len);
        gv_insn blk = insn(GV_I_C_BLOCK, GV_FLAG_TYPE_BLOCK, q, body, type);
        if (cl->u.type.conds.n == 0) {
            emit(c, b, blk, cl->loc, msg);
            break;
        }
        emit_buf inner = { 0 };
        emit(c, &inner, blk, cl->loc, msg);
        uint32_t then = finish_block(c, &inner, cl->loc);
        uint32_t cond = compile_cnf(c, &cl->u.type.conds, NULL, 0, cl->loc);
        emit(c, b, insn(GV_I_C_WHEN, 0, cond, then, 0), cl->loc, msg);
        break;
    }
    case GV_CL_RULE_REF:
        emit(c, b, insn(GV_I_C_RULE, not, add_ref(c, cl), 0, 0), cl->loc, msg);
        break;
    case GV_CL_RULE_CALL: {
        uint32_t ref = add_ref(c, cl);
        uint32_t *ops = malloc((cl->u.ref.nargs ? cl->u.ref.nargs : 1) * sizeof *ops);
        if (!ops) {
            c->failed = 1;
            return;
        }
        for (uint32_t i = 0; i < cl->u.ref.nargs; i++)
            ops[i] = compile_value(c, cl->u.ref.args[i]);
        uint32_t start = c->p->nargs;
        for (uint32_t i = 0; i < cl->u.ref.nargs; i++)
            PUSH(c, c->p->args, c->p->nargs, c->args_cap, ops[i]);
        free(ops);
        /* cfn-guard ignores `not` before a parameterised call (probed) */
        emit(c, b, insn(GV_I_C_CALL, 0, ref, start, cl->u.ref.nargs), cl->loc, msg);
        break;
    }
    }
}

static uint32_t compile_cnf(compiler *c, const gv_cnf *cnf, gv_let *const *lets, uint32_t nlets, gv_loc loc)
{
    emit_buf b = { 0 };
    for (uint32_t i = 0; i < nlets && !c->failed; i++)
        emit(c, &b, insn(GV_I_C_LET, 0, lets[i]->slot, compile_value(c, lets[i]->value), 0), lets[i]->loc, GV_NONE);
    for (uint32_t i = 0; i < cnf->n && !c->failed; i++) {
        const gv_disj *d = &cnf->items[i];
        for (uint32_t j = 0; j < d->n; j++) {
            compile_clause(c, &b, d->items[j]);
            if (j + 1 < d->n && b.n)
                b.code[b.n - 1].flags |= GV_FLAG_OR_NEXT;
        }
        if (d->n > 1)
            emit(c, &b, insn(GV_I_C_OR, 0, d->n, 0, 0), d->items[0]->loc, GV_NONE);
    }
    emit(c, &b, insn(GV_I_C_AND, 0, cnf->n, 0, 0), loc, GV_NONE);
    return finish_block(c, &b, loc);
}

static void compile_rule(compiler *c, const gv_rule *r, gv_rule_decl *d)
{
    d->name = add_string(c, r->name.s, r->name.len);
    d->when_block = r->conds.n ? compile_cnf(c, &r->conds, NULL, 0, r->loc) : GV_NONE;
    d->body_block = compile_block(c, &r->body, r->loc);
    d->nparams = r->nparams;
    d->parameterised = r->parameterised;
    d->message = GV_NONE;
    d->loc = r->loc;
    if (r->nparams > c->p->max_params)
        c->p->max_params = r->nparams;
}

gv_program *gv_compile(const gv_rules_file *f, gv_error *err)
{
    gv_program *p = calloc(1, sizeof *p);
    if (!p) {
        gv_error_set(err, GV_E_NOMEM, f->filename, (gv_loc){ 0, 0 }, "out of memory compiling rules");
        return NULL;
    }
    gv_arena_init(&p->arena, 64 * 1024);
    compiler c;
    memset(&c, 0, sizeof c);
    c.p = p;
    c.err = err;
    c.f = f;
    p->source = gv_arena_strdup(&p->arena, f->filename);
    p->regexes = gv_regex_cache_new();
    p->nslots = f->nslots;
    p->global_operand = gv_arena_alloc(&p->arena, (f->nslots ? f->nslots : 1) * sizeof(uint32_t));
    if (!p->source || !p->regexes || !p->global_operand) {
        gv_error_set(err, GV_E_NOMEM, f->filename, (gv_loc){ 0, 0 }, "out of memory compiling rules");
        gv_program_free(p);
        return NULL;
    }
    for (uint32_t i = 0; i < f->nslots; i++)
        p->global_operand[i] = GV_NONE;
    for (uint32_t i = 0; i < f->nlets && !c.failed; i++)
        p->global_operand[f->lets[i]->slot] = compile_value(&c, f->lets[i]->value);
    p->local_lets = gv_program_local_lets(p);
    uint32_t nrules = f->nrules + (f->default_rule.n ? 1 : 0);
    p->rules = gv_arena_zalloc(&p->arena, (nrules ? nrules : 1) * sizeof *p->rules);
    for (uint32_t i = 0; p->rules && i < f->nrules && !c.failed; i++)
        compile_rule(&c, f->rules[i], &p->rules[i]);
    if (p->rules && f->default_rule.n && !c.failed) {
        gv_rule_decl *d = &p->rules[f->nrules];
        d->name = add_string(&c, "default", 7);
        d->when_block = GV_NONE;
        d->body_block = compile_cnf(&c, &f->default_rule, NULL, 0, f->default_loc);
        d->is_default = 1;
        d->message = GV_NONE;
        d->loc = f->default_loc;
    }
    p->nrules = nrules;
    for (uint32_t i = 0; i < c.nspare; i++) {
        free(c.spare[i].code);
        free(c.spare[i].locs);
        free(c.spare[i].msgs);
    }
    if (c.failed || !p->rules || !gv_program_key_rules(p, &p->arena) ||
        gv_program_mark_skippable(p, &p->arena) < 0) {
        if (err->code == GV_OK)
            gv_error_set(err, GV_E_NOMEM, f->filename, (gv_loc){ 0, 0 }, "out of memory compiling rules");
        gv_program_free(p);
        return NULL;
    }
    return p;
}

void gv_program_free(gv_program *p)
{
    if (!p)
        return;
    gv_regex_cache_free(p->regexes);
    gv_arena_free(&p->arena);
    gv_blob_release(p->backing);
    free(p);
}
