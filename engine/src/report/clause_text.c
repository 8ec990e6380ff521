#include "report/clause_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/fmt.h"
#include "util/hash.h"
#include "util/varint.h"

const char *gv_clause_op_word(gv_cmp_op op)
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

static void put_int(gv_buf *out, long long v)
{
    char d[24];
    int n = 0;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do
        d[sizeof d - ++n] = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (v < 0)
        d[sizeof d - ++n] = '-';
    gv_buf_append(out, d + sizeof d - n, (size_t)n);
}

static void literal_text(gv_buf *out, const gv_literal *l)
{
    switch (l->kind) {
    case GV_LIT_STRING:
    case GV_LIT_REGEX:
        gv_buf_puts(out, l->kind == GV_LIT_REGEX ? "\"/" : "\"");
        gv_buf_append(out, l->u.str.s, l->u.str.len);
        gv_buf_puts(out, l->kind == GV_LIT_REGEX ? "/\"" : "\"");
        break;
    case GV_LIT_INT: put_int(out, (long long)l->u.i); break;
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

/* Printed parts are built for every step of every file loaded, so no
 * printf here (it dominated loading). */
static void step_text(gv_buf *out, const gv_step *s)
{
    switch (s->kind) {
    case GV_STEP_KEY: gv_buf_append(out, s->name.s, s->name.len); break;
    case GV_STEP_VAR:
        gv_buf_putc(out, '%');
        gv_buf_append(out, s->name.s, s->name.len);
        break;
    case GV_STEP_THIS: gv_buf_putc(out, '_'); break;
    case GV_STEP_ALL_VALUES: gv_buf_putc(out, '*'); break;
    case GV_STEP_ALL_INDICES: gv_buf_puts(out, "[*]"); break;
    case GV_STEP_INDEX: put_int(out, (long long)s->index); break;
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
static gv_qtext *new_qtext(gv_clause_texts *t)
{
    gv_qtext *qt = gv_arena_alloc(&t->arena, sizeof *qt);
    if (qt && t->nqs == t->cap_qs) {
        uint32_t cap = t->cap_qs ? t->cap_qs * 2 : 32;
        const gv_qtext **p = realloc(t->qs, cap * sizeof *p);
        if (!p)
            qt = NULL;
        else
            t->qs = p, t->cap_qs = cap;
    }
    if (!qt) {
        t->oom = 1;
        return NULL;
    }
    *qt = (gv_qtext){ NULL, 0, t->nqs };
    t->qs[t->nqs++] = qt;
    return qt;
}

static gv_qtext query_parts(gv_clause_texts *t, const gv_query *q)
{
    gv_qtext r = { NULL, 0, 0 };
    gv_qtext *qt = new_qtext(t);
    gv_qpart *parts = gv_arena_alloc(&t->arena, (q->n + 1) * sizeof *parts);
    if (!parts || !qt) {
        t->oom = 1;
        return r;
    }
    uint32_t n = 0;
    for (uint32_t i = 0; i < q->n; i++) {
        const gv_step *st = &q->steps[i];
        gv_buf *b = &t->scratch;
        gv_buf_clear(b);
        step_text(b, st);
        add_step(t, st->loc, qt, n);
        parts[n++] = (gv_qpart){ keep(t, b), (uint8_t)st->kind };
        if (i == 0 && st->kind == GV_STEP_VAR && q->n > 1 && q->steps[1].kind != GV_STEP_ALL_INDICES)
            parts[n++] = (gv_qpart){ "[*]", GV_STEP_ALL_INDICES };
        if (st->kind == GV_STEP_FILTER)
            walk_cnf(t, &st->filter);
        if (st->kind == GV_STEP_KEYS_FILTER && st->keys.rhs)
            walk_value(t, st->keys.rhs);
    }
    qt->parts = parts;
    qt->n = n;
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

/* The index of a new item (UINT32_MAX when memory ran out). Callers keep
 * the index, not a pointer: walking the clause's filters adds items and
 * may move the array. */
static uint32_t new_item(gv_clause_texts *t, gv_loc loc)
{
    if (t->n == t->cap) {
        uint32_t cap = t->cap ? t->cap * 2 : 32;
        gv_clause_text *p = realloc(t->items, cap * sizeof *p);
        if (!p) {
            t->oom = 1;
            return UINT32_MAX;
        }
        t->items = p;
        t->cap = cap;
    }
    gv_clause_text *c = &t->items[t->n];
    memset(c, 0, sizeof *c);
    c->loc = loc;
    c->context = "";
    return t->n++;
}

static void comparison(gv_clause_texts *t, uint32_t item, const gv_clause *cl)
{
    gv_buf b;
    gv_buf_init(&b);
    gv_qtext lhs = query_parts(t, cl->u.cmp.lhs);
    t->items[item].lhs = lhs;
    gv_buf_puts(&b, cl->negated ? "not " : " ");
    gv_qtext_print(&b, &lhs, 0);
    gv_buf_puts(&b, cl->u.cmp.op_negated ? " not " : " ");
    gv_buf_puts(&b, gv_clause_op_word(cl->u.cmp.op));
    gv_buf_puts(&b, "  ");
    if (cl->u.cmp.rhs) {
        if (cl->u.cmp.rhs->kind == GV_VAL_QUERY) {
            gv_qtext rhs = query_parts(t, cl->u.cmp.rhs->u.query);
            t->items[item].rhs = rhs;
            gv_qtext_print(&b, &rhs, 0);
        } else {
            value_text(t, &b, cl->u.cmp.rhs); /* registers the steps of call arguments */
        }
    }
    t->items[item].context = keep(t, &b);
    gv_buf_free(&b);
}

static void walk_clause(gv_clause_texts *t, const gv_clause *cl)
{
    uint32_t item = new_item(t, cl->loc);
    if (item == UINT32_MAX)
        return;
    switch (cl->kind) {
    case GV_CL_UNARY:
    case GV_CL_BINARY: comparison(t, item, cl); break;
    case GV_CL_BLOCK: {
        gv_qtext q = query_parts(t, cl->u.block.query);
        t->items[item].lhs = q;
        walk_block(t, &cl->u.block.body);
        break;
    }
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

static const gv_clause_texts *ready(const gv_clause_texts *t);

const gv_step_text *gv_step_texts_find(const gv_clause_texts *t, gv_loc loc)
{
    if (!(t = ready(t)) || !t->nsteps)
        return NULL;
    gv_step_text key = { loc, NULL, 0 };
    return bsearch(&key, t->steps, t->nsteps, sizeof *t->steps, cmp_step_loc);
}

static int sorted(const void *base, uint32_t n, size_t size, int (*cmp)(const void *, const void *))
{
    const char *b = base;
    for (uint32_t i = 1; i < n; i++)
        if (cmp(b + (i - 1) * size, b + i * size) > 0)
            return 0;
    return 1;
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
    /* walked mostly in source order: often nothing to sort */
    if (!sorted(t->items, t->n, sizeof *t->items, cmp_loc))
        qsort(t->items, t->n, sizeof *t->items, cmp_loc);
    if (!sorted(t->steps, t->nsteps, sizeof *t->steps, cmp_step_loc))
        qsort(t->steps, t->nsteps, sizeof *t->steps, cmp_step_loc);
    return t;
}

void gv_clause_texts_free(gv_clause_texts *t)
{
    if (!t)
        return;
    if (!t->in_arena) {
        free(t->items);
        free(t->steps);
        free(t->qs);
    }
    gv_buf_free(&t->scratch);
    gv_arena_free(&t->arena);
    gv_blob_release(t->backing);
    free(t);
}

const gv_clause_text *gv_clause_texts_find(const gv_clause_texts *t, gv_loc loc)
{
    if (!(t = ready(t)) || !t->n)
        return NULL;
    gv_clause_text key = { 0 };
    key.loc = loc;
    return bsearch(&key, t->items, t->n, sizeof *t->items, cmp_loc);
}

/* ---- bundle blobs ----
 * Integers are LEB128 varints of v + 1 (GV_QTEXT_NONE wraps to 0). The
 * same few strings ("Resources", "Properties", ...) recur in every query,
 * so the blob starts with a table of distinct strings (length, bytes, NUL)
 * that the rest refers to by index:
 *   nstr, strings
 *   nqs, per query: nparts, per part: kind, string
 *   n, per clause: line, col, context string, lhs query, rhs query
 *   nsteps, per step: line, col, query, part
 * Reading copies the blob once into the arena and points into the copy. */
#define GV_QTEXT_NONE UINT32_MAX


/* Distinct strings of a blob being written, by open addressing. */
typedef struct str_table {
    const char **strs;   /* by id */
    uint32_t *slots;     /* id + 1, 0 empty */
    uint32_t n, cap;     /* cap: a power of two, twice the strings at least */
    int oom;
} str_table;

static uint32_t str_slot(const str_table *st, const char *s)
{
    uint32_t mask = st->cap - 1;
    for (uint32_t i = (uint32_t)gv_hash(s, strlen(s)) & mask;; i = (i + 1) & mask)
        if (!st->slots[i] || strcmp(st->strs[st->slots[i] - 1], s) == 0)
            return i;
}

static void str_add(str_table *st, const char *s)
{
    uint32_t i = str_slot(st, s);
    if (!st->slots[i]) {
        st->strs[st->n++] = s;
        st->slots[i] = st->n;
    }
}

static uint32_t str_id(const str_table *st, const char *s)
{
    return st->slots[str_slot(st, s)] - 1;
}

static int str_table_build(str_table *st, const gv_clause_texts *t)
{
    size_t most = t->n + 1;
    for (uint32_t i = 0; i < t->nqs; i++)
        most += t->qs[i]->n;
    st->cap = 16;
    while (st->cap < 2 * most)
        st->cap *= 2;
    st->strs = malloc(most * sizeof *st->strs);
    st->slots = calloc(st->cap, sizeof *st->slots);
    st->n = 0;
    if (!st->strs || !st->slots)
        return -1;
    for (uint32_t i = 0; i < t->nqs; i++)
        for (uint32_t j = 0; j < t->qs[i]->n; j++)
            str_add(st, t->qs[i]->parts[j].text);
    for (uint32_t i = 0; i < t->n; i++)
        str_add(st, t->items[i].context);
    return 0;
}

static uint32_t qtext_id(const gv_qtext *q)
{
    return q->parts ? q->id : GV_QTEXT_NONE;
}

static void write_tables(const gv_clause_texts *t, const str_table *st, gv_buf *out)
{
    gv_buf_varint(out, st->n);
    for (uint32_t i = 0; i < st->n; i++) {
        size_t n = strlen(st->strs[i]);
        gv_buf_varint(out, (uint32_t)n);
        gv_buf_append(out, st->strs[i], n + 1);
    }
    gv_buf_varint(out, t->nqs);
    for (uint32_t i = 0; i < t->nqs; i++) {
        gv_buf_varint(out, t->qs[i]->n);
        for (uint32_t j = 0; j < t->qs[i]->n; j++) {
            gv_buf_putc(out, (char)t->qs[i]->parts[j].kind);
            gv_buf_varint(out, str_id(st, t->qs[i]->parts[j].text));
        }
    }
    gv_buf_varint(out, t->n);
    for (uint32_t i = 0; i < t->n; i++) {
        const gv_clause_text *c = &t->items[i];
        gv_buf_varint(out, c->loc.line);
        gv_buf_varint(out, c->loc.col);
        gv_buf_varint(out, str_id(st, c->context));
        gv_buf_varint(out, qtext_id(&c->lhs));
        gv_buf_varint(out, qtext_id(&c->rhs));
    }
    gv_buf_varint(out, t->nsteps);
    for (uint32_t i = 0; i < t->nsteps; i++) {
        gv_buf_varint(out, t->steps[i].loc.line);
        gv_buf_varint(out, t->steps[i].loc.col);
        gv_buf_varint(out, t->steps[i].q->id);
        gv_buf_varint(out, t->steps[i].part);
    }
}

void gv_clause_texts_write(const gv_clause_texts *t, gv_buf *out)
{
    str_table st = { 0 };
    if (str_table_build(&st, t) == 0)
        write_tables(t, &st, out);
    else
        out->oom = 1;
    free(st.strs);
    free(st.slots);
}

typedef struct blob_reader {
    const char *p, *end;
    gv_arena *a;       /* where the tables go: the texts' own, or their bundle's */
    int bad;
    const char **strs;
    uint32_t nstrs;
} blob_reader;

static uint32_t get_v(blob_reader *r)
{
    uint32_t v = 0;
    if (!r->bad && !gv_varint_read(&r->p, r->end, &v))
        r->bad = 1;
    return r->bad ? 0 : v;
}

/* A count of elements each taking at least min bytes of what is left. */
static uint32_t get_count(blob_reader *r, size_t min)
{
    uint32_t n = get_v(r);
    if ((size_t)(r->end - r->p) / min < n)
        r->bad = 1;
    return r->bad ? 0 : n;
}

static const char *str_ref(blob_reader *r)
{
    uint32_t i = get_v(r);
    if (r->bad || i >= r->nstrs) {
        r->bad = 1;
        return "";
    }
    return r->strs[i];
}

static void read_strings(blob_reader *r, gv_clause_texts *t)
{
    r->nstrs = get_count(r, 2);
    r->strs = gv_arena_alloc(r->a, (r->nstrs ? r->nstrs : 1) * sizeof *r->strs);
    if (!r->strs)
        r->bad = 1;
    for (uint32_t i = 0; !r->bad && i < r->nstrs; i++) {
        uint32_t n = get_v(r);
        if (r->bad || (size_t)(r->end - r->p) <= n || r->p[n] != '\0') {
            r->bad = 1;
            return;
        }
        r->strs[i] = r->p;
        r->p += n + 1;
    }
}

static void read_queries(blob_reader *r, gv_clause_texts *t)
{
    t->nqs = t->cap_qs = get_count(r, 1);
    t->qs = gv_arena_alloc(r->a, (t->nqs ? t->nqs : 1) * sizeof *t->qs);
    gv_qtext *q = gv_arena_alloc(r->a, (t->nqs ? t->nqs : 1) * sizeof *q);
    if (!t->qs || !q) {
        r->bad = 1;
        return;
    }
    for (uint32_t i = 0; !r->bad && i < t->nqs; i++) {
        uint32_t n = get_count(r, 2);
        gv_qpart *parts = gv_arena_alloc(r->a, (n ? n : 1) * sizeof *parts);
        if (!parts)
            r->bad = 1;
        for (uint32_t j = 0; !r->bad && j < n; j++) {
            parts[j].kind = (uint8_t)*r->p++; /* get_count saw 2 bytes a part */
            parts[j].text = str_ref(r);
        }
        q[i] = (gv_qtext){ parts, n, i };
        t->qs[i] = &q[i];
    }
}

static gv_qtext query_ref(blob_reader *r, const gv_clause_texts *t)
{
    uint32_t id = get_v(r);
    if (id == GV_QTEXT_NONE || r->bad)
        return (gv_qtext){ NULL, 0, 0 };
    if (id >= t->nqs) {
        r->bad = 1;
        return (gv_qtext){ NULL, 0, 0 };
    }
    return *t->qs[id];
}

static void read_items(blob_reader *r, gv_clause_texts *t)
{
    t->n = t->cap = get_count(r, 5);
    t->items = gv_arena_alloc(r->a, (t->n ? t->n : 1) * sizeof *t->items);
    if (!t->items)
        r->bad = 1;
    for (uint32_t i = 0; !r->bad && i < t->n; i++) {
        gv_clause_text *c = &t->items[i];
        c->loc.line = get_v(r);
        c->loc.col = get_v(r);
        c->context = str_ref(r);
        c->lhs = query_ref(r, t);
        c->rhs = query_ref(r, t);
    }
}

static void read_steps(blob_reader *r, gv_clause_texts *t)
{
    t->nsteps = t->cap_steps = get_count(r, 4);
    t->steps = gv_arena_alloc(r->a, (t->nsteps ? t->nsteps : 1) * sizeof *t->steps);
    if (!t->steps)
        r->bad = 1;
    for (uint32_t i = 0; !r->bad && i < t->nsteps; i++) {
        gv_step_text *s = &t->steps[i];
        s->loc.line = get_v(r);
        s->loc.col = get_v(r);
        uint32_t q = get_v(r), part = get_v(r);
        if (r->bad || q >= t->nqs || part >= t->qs[q]->n) {
            r->bad = 1;
            return;
        }
        s->q = t->qs[q];
        s->part = part;
    }
}

/* Fills t from a blob whose bytes outlive t, its tables in arena a (which
 * outlives t too: they are not freed with it); 0, or -1 with t emptied. */
static int decode(gv_clause_texts *t, gv_arena *a, const char *data, size_t len)
{
    blob_reader r = { data, data + len, a, data == NULL, NULL, 0 };
    t->in_arena = 1;
    read_strings(&r, t);
    read_queries(&r, t);
    read_items(&r, t);
    read_steps(&r, t);
    if (!r.bad && r.p == r.end)
        return 0;
    t->items = NULL;
    t->steps = NULL;
    t->qs = NULL;
    t->n = t->nsteps = t->nqs = 0;
    return -1;
}

gv_clause_texts *gv_clause_texts_read(const char *data, size_t len)
{
    gv_clause_texts *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    gv_arena_init(&t->arena, 4096);
    char *copy = gv_arena_alloc_bytes(&t->arena, len ? len : 1);
    if (copy && len)
        memcpy(copy, data, len);
    if (!copy || decode(t, &t->arena, copy, len) < 0) {
        gv_clause_texts_free(t);
        return NULL;
    }
    return t;
}

gv_clause_texts *gv_clause_texts_read_lazily(const char *data, size_t len, gv_blob *keep)
{
    gv_clause_texts *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    gv_arena_init(&t->arena, 4096); /* nothing allocated unless it has no backing */
    t->pending = data;
    t->pending_len = len;
    t->backing = gv_blob_retain(keep);
    return t;
}

/* Lookups are const, but the first one on a lazily read blob decodes it
 * (like a regex JIT-compiled on first use). A blob that does not decode
 * leaves the texts empty: reports then lack clause contexts, as for a
 * bundle written without texts. */
static const gv_clause_texts *ready(const gv_clause_texts *t)
{
    if (t && t->pending) {
        gv_clause_texts *w = (gv_clause_texts *)t;
        const char *data = w->pending;
        w->pending = NULL;
        /* decoded into the bundle's arena, shared by all its programs'
         * texts: a chunk of its own would be a fresh page or two each */
        decode(w, w->backing ? gv_blob_arena(w->backing) : &w->arena, data, w->pending_len);
    }
    return t;
}
