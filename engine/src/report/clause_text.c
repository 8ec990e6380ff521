#include "report/clause_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/fmt.h"

static const char *op_word(gv_cmp_op op)
{
    static const char *const words[GV_OP__COUNT] = {
        [GV_OP_EQ] = "EQUALS", [GV_OP_IN] = "IN", [GV_OP_LT] = "LESS THAN",
        [GV_OP_LE] = "LESS THAN EQUALS", [GV_OP_GT] = "GREATER THAN",
        [GV_OP_GE] = "GREATER THAN EQUALS", [GV_OP_EXISTS] = "EXISTS", [GV_OP_EMPTY] = "EMPTY",
        [GV_OP_IS_STRING] = "IS STRING", [GV_OP_IS_LIST] = "IS LIST", [GV_OP_IS_STRUCT] = "IS MAP",
        [GV_OP_IS_BOOL] = "IS BOOL", [GV_OP_IS_INT] = "IS INT", [GV_OP_IS_FLOAT] = "IS FLOAT",
        [GV_OP_IS_NULL] = "IS NULL",
    };
    return (unsigned)op < GV_OP__COUNT ? words[op] : "?";
}

static const char *keep(gv_clause_texts *t, const gv_buf *b)
{
    const char *s = gv_arena_strndup(&t->arena, b->data ? b->data : "", b->len);
    if (!s || b->oom)
        t->oom = 1;
    return s ? s : "";
}

static void literal_text(gv_buf *out, const gv_literal *l)
{
    switch (l->kind) {
    case GV_LIT_STRING: gv_buf_printf(out, "\"%.*s\"", (int)l->u.str.len, l->u.str.s); break;
    case GV_LIT_REGEX: gv_buf_printf(out, "\"/%.*s/\"", (int)l->u.str.len, l->u.str.s); break;
    case GV_LIT_INT: gv_buf_printf(out, "%lld", (long long)l->u.i); break;
    case GV_LIT_FLOAT: gv_fmt_float_display(out, l->u.f); break;
    case GV_LIT_BOOL: gv_buf_puts(out, l->u.b ? "true" : "false"); break;
    case GV_LIT_NULL: gv_buf_puts(out, "\"NULL\""); break;
    case GV_LIT_RANGE:
        gv_buf_putc(out, l->u.range.lo_incl ? '[' : '(');
        if (l->u.range.kind == GV_RANGE_FLOAT) {
            gv_fmt_float_display(out, l->u.range.lo_f);
            gv_buf_putc(out, ',');
            gv_fmt_float_display(out, l->u.range.hi_f);
        } else if (l->u.range.kind == GV_RANGE_CHAR) {
            gv_buf_printf(out, "%c,%c", (char)l->u.range.lo_i, (char)l->u.range.hi_i);
        } else {
            gv_buf_printf(out, "%lld,%lld", (long long)l->u.range.lo_i, (long long)l->u.range.hi_i);
        }
        gv_buf_putc(out, l->u.range.hi_incl ? ']' : ')');
        break;
    case GV_LIT_LIST:
        gv_buf_putc(out, '[');
        for (uint32_t i = 0; i < l->u.list.n; i++) {
            if (i)
                gv_buf_putc(out, ',');
            literal_text(out, l->u.list.items[i]);
        }
        gv_buf_putc(out, ']');
        break;
    case GV_LIT_MAP:
        gv_buf_putc(out, '{');
        for (uint32_t i = 0; i < l->u.map.n; i++) {
            const gv_map_entry *e = &l->u.map.items[i];
            gv_buf_printf(out, "%s\"%.*s\":", i ? "," : "", (int)e->key.len, e->key.s);
            literal_text(out, e->value);
        }
        gv_buf_putc(out, '}');
        break;
    }
}

static void step_text(gv_buf *out, const gv_step *s)
{
    switch (s->kind) {
    case GV_STEP_KEY: gv_buf_append(out, s->name.s, s->name.len); break;
    case GV_STEP_VAR: gv_buf_printf(out, "%%%.*s", (int)s->name.len, s->name.s); break;
    case GV_STEP_THIS: gv_buf_putc(out, '_'); break;
    case GV_STEP_ALL_VALUES: gv_buf_putc(out, '*'); break;
    case GV_STEP_ALL_INDICES: gv_buf_puts(out, "[*]"); break;
    case GV_STEP_INDEX: gv_buf_printf(out, "%lld", (long long)s->index); break;
    case GV_STEP_FILTER: gv_buf_puts(out, " (filter-clauses)"); break;
    case GV_STEP_KEYS_FILTER: gv_buf_puts(out, " (map-key-filter-clauses)"); break;
    }
}

static void walk_cnf(gv_clause_texts *t, const gv_cnf *cnf);
static void walk_value(gv_clause_texts *t, const gv_value *v);

static void add_step(gv_clause_texts *t, gv_loc loc, const gv_qtext *q, uint32_t part)
{
    if (t->nsteps == t->cap_steps) {
        uint32_t cap = t->cap_steps ? t->cap_steps * 2 : 64;
        gv_step_text *p = realloc(t->steps, cap * sizeof *p);
        if (!p) {
            t->oom = 1;
            return;
        }
        t->steps = p;
        t->cap_steps = cap;
    }
    t->steps[t->nsteps++] = (gv_step_text){ loc, q, part };
}

/* cfn-guard's parser puts [*] after a variable that more steps follow.
 * Registers every step's part and walks the clauses of filters. */
static gv_qtext query_parts(gv_clause_texts *t, const gv_query *q)
{
    gv_qtext r = { NULL, 0 };
    gv_qtext *qt = gv_arena_alloc(&t->arena, sizeof *qt);
    gv_qpart *parts = gv_arena_alloc(&t->arena, (q->n + 1) * sizeof *parts);
    if (!parts || !qt) {
        t->oom = 1;
        return r;
    }
    uint32_t n = 0;
    for (uint32_t i = 0; i < q->n; i++) {
        const gv_step *st = &q->steps[i];
        gv_buf b;
        gv_buf_init(&b);
        step_text(&b, st);
        add_step(t, st->loc, qt, n);
        parts[n++] = (gv_qpart){ keep(t, &b), (uint8_t)st->kind };
        gv_buf_free(&b);
        if (i == 0 && st->kind == GV_STEP_VAR && q->n > 1 && q->steps[1].kind != GV_STEP_ALL_INDICES)
            parts[n++] = (gv_qpart){ "[*]", GV_STEP_ALL_INDICES };
        if (st->kind == GV_STEP_FILTER)
            walk_cnf(t, &st->filter);
        if (st->kind == GV_STEP_KEYS_FILTER && st->keys.rhs)
            walk_value(t, st->keys.rhs);
    }
    *qt = (gv_qtext){ parts, n };
    return *qt;
}

void gv_qtext_print(gv_buf *out, const gv_qtext *q, uint32_t from)
{
    for (uint32_t i = from; i < q->n; i++) {
        if (i > from && q->parts[i].kind != GV_STEP_ALL_INDICES)
            gv_buf_putc(out, '.');
        gv_buf_puts(out, q->parts[i].text);
    }
}

static void value_text(gv_clause_texts *t, gv_buf *out, const gv_value *v)
{
    if (v->kind == GV_VAL_LITERAL) {
        literal_text(out, v->u.lit);
    } else if (v->kind == GV_VAL_QUERY) {
        gv_qtext q = query_parts(t, v->u.query);
        gv_qtext_print(out, &q, 0);
    } else {
        const gv_call *c = v->u.call;
        gv_buf_printf(out, "%.*s(", (int)c->name.len, c->name.s);
        for (uint32_t i = 0; i < c->nargs; i++) {
            if (i)
                gv_buf_puts(out, ", ");
            value_text(t, out, c->args[i]);
        }
        gv_buf_putc(out, ')');
    }
}

static void walk_value(gv_clause_texts *t, const gv_value *v)
{
    if (v->kind == GV_VAL_QUERY)
        query_parts(t, v->u.query);
    else if (v->kind == GV_VAL_CALL)
        for (uint32_t i = 0; i < v->u.call->nargs; i++)
            walk_value(t, v->u.call->args[i]);
}

static void walk_block(gv_clause_texts *t, const gv_block *b)
{
    for (uint32_t i = 0; i < b->nlets; i++)
        walk_value(t, b->lets[i]->value);
    walk_cnf(t, &b->body);
}

static gv_clause_text *new_item(gv_clause_texts *t, gv_loc loc)
{
    if (t->n == t->cap) {
        uint32_t cap = t->cap ? t->cap * 2 : 32;
        gv_clause_text *p = realloc(t->items, cap * sizeof *p);
        if (!p) {
            t->oom = 1;
            return NULL;
        }
        t->items = p;
        t->cap = cap;
    }
    gv_clause_text *c = &t->items[t->n++];
    memset(c, 0, sizeof *c);
    c->loc = loc;
    c->context = "";
    return c;
}

static void comparison(gv_clause_texts *t, gv_clause_text *ct, const gv_clause *cl)
{
    gv_buf b;
    gv_buf_init(&b);
    ct->lhs = query_parts(t, cl->u.cmp.lhs);
    gv_buf_puts(&b, cl->negated ? "not " : " ");
    gv_qtext_print(&b, &ct->lhs, 0);
    gv_buf_printf(&b, " %s%s  ", cl->u.cmp.op_negated ? "not " : "", op_word(cl->u.cmp.op));
    if (cl->u.cmp.rhs) {
        if (cl->u.cmp.rhs->kind == GV_VAL_QUERY) {
            ct->rhs = query_parts(t, cl->u.cmp.rhs->u.query);
            gv_qtext_print(&b, &ct->rhs, 0);
        } else {
            value_text(t, &b, cl->u.cmp.rhs); /* registers the steps of call arguments */
        }
    }
    ct->context = keep(t, &b);
    gv_buf_free(&b);
}

static void walk_clause(gv_clause_texts *t, const gv_clause *cl)
{
    gv_clause_text *ct = new_item(t, cl->loc);
    if (!ct)
        return;
    switch (cl->kind) {
    case GV_CL_UNARY:
    case GV_CL_BINARY: comparison(t, ct, cl); break;
    case GV_CL_BLOCK:
        ct->lhs = query_parts(t, cl->u.block.query);
        walk_block(t, &cl->u.block.body);
        break;
    case GV_CL_WHEN:
        walk_cnf(t, &cl->u.when.conds);
        walk_block(t, &cl->u.when.body);
        break;
    case GV_CL_TYPE_BLOCK:
        walk_cnf(t, &cl->u.type.conds);
        walk_block(t, &cl->u.type.body);
        break;
    case GV_CL_RULE_CALL:
        for (uint32_t i = 0; i < cl->u.ref.nargs; i++)
            walk_value(t, cl->u.ref.args[i]);
        break;
    default: break;
    }
}

static void walk_cnf(gv_clause_texts *t, const gv_cnf *cnf)
{
    for (uint32_t i = 0; i < cnf->n; i++)
        for (uint32_t j = 0; j < cnf->items[i].n; j++)
            walk_clause(t, cnf->items[i].items[j]);
}

static int cmp_loc(const void *a, const void *b)
{
    const gv_clause_text *x = a, *y = b;
    if (x->loc.line != y->loc.line)
        return x->loc.line < y->loc.line ? -1 : 1;
    return x->loc.col < y->loc.col ? -1 : x->loc.col > y->loc.col;
}

static int cmp_step_loc(const void *a, const void *b)
{
    const gv_step_text *x = a, *y = b;
    if (x->loc.line != y->loc.line)
        return x->loc.line < y->loc.line ? -1 : 1;
    return x->loc.col < y->loc.col ? -1 : x->loc.col > y->loc.col;
}

const gv_step_text *gv_step_texts_find(const gv_clause_texts *t, gv_loc loc)
{
    if (!t || !t->nsteps)
        return NULL;
    gv_step_text key = { loc, NULL, 0 };
    return bsearch(&key, t->steps, t->nsteps, sizeof *t->steps, cmp_step_loc);
}

gv_clause_texts *gv_clause_texts_build(const gv_rules_file *f)
{
    gv_clause_texts *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    gv_arena_init(&t->arena, 16 * 1024);
    for (uint32_t i = 0; i < f->nlets; i++)
        walk_value(t, f->lets[i]->value);
    for (uint32_t i = 0; i < f->nrules; i++) {
        walk_cnf(t, &f->rules[i]->conds);
        walk_block(t, &f->rules[i]->body);
    }
    walk_cnf(t, &f->default_rule);
    if (t->oom) {
        gv_clause_texts_free(t);
        return NULL;
    }
    if (t->n)
        qsort(t->items, t->n, sizeof *t->items, cmp_loc);
    if (t->nsteps)
        qsort(t->steps, t->nsteps, sizeof *t->steps, cmp_step_loc);
    return t;
}

void gv_clause_texts_free(gv_clause_texts *t)
{
    if (!t)
        return;
    free(t->items);
    free(t->steps);
    gv_arena_free(&t->arena);
    free(t);
}

const gv_clause_text *gv_clause_texts_find(const gv_clause_texts *t, gv_loc loc)
{
    if (!t || !t->n)
        return NULL;
    gv_clause_text key = { 0 };
    key.loc = loc;
    return bsearch(&key, t->items, t->n, sizeof *t->items, cmp_loc);
}
