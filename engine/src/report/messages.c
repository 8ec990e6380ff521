/* The texts cfn-guard derives from a failed check: its error message, the
 * query left unresolved and why, operator names. Shared by every reporter
 * so that they agree. */
#include <stdlib.h>
#include <string.h>

#include "report/fmt.h"
#include "report/report_int.h"
#include "vm/compare.h"

/* Function results carry the path of what they were computed from but no
 * location of their own: cfn-guard shows that path's location; below a
 * json_parse result (whose path goes on past the string parsed), the
 * string's (probed). */
const gv_node *gv_msg_located(const gv_report_item *it, const gv_val *v)
{
    const gv_node *n = v->node ? v->node : v->reached;
    if (v->literal || (n && n->located) || !v->path)
        return n;
    const gv_path *steps[256];
    uint32_t depth = 0;
    for (const gv_path *p = v->path; p && depth < 256; p = p->parent)
        steps[depth++] = p;
    const gv_node *at = it->root, *last = NULL;
    while (depth-- > 0 && at) {
        const gv_path *p = steps[depth];
        if (p->key)
            at = at->kind == GV_MAP ? gv_map_get_str(at, p->key) : NULL;
        else
            at = at->kind == GV_LIST && p->index < at->len ? at->u.items[p->index] : NULL;
        if (at && at->located)
            last = at;
    }
    return at && at->located ? at : last ? last : n;
}

static void loc(gv_buf *out, const gv_report_item *it, const gv_val *v)
{
    gv_fmt_loc(out, v->literal || it->unlocated ? NULL : gv_msg_located(it, v));
}

static void path_loc(gv_buf *out, const gv_report_item *it, const gv_val *v)
{
    gv_fmt_path(out, v);
    loc(out, it, v);
}

const gv_insn *gv_check_insn(const gv_report_item *it, const gv_check *c)
{
    return &it->prog->code[c->ip];
}

static gv_cmp_op check_op(const gv_insn *in)
{
    return (gv_cmp_op)(in->flags & GV_FLAG_OP_MASK);
}

static int rhs_literal(const gv_check *c)
{
    if (c->nrhs == 0)
        return 0;
    for (uint32_t i = 0; i < c->nrhs; i++)
        if (!c->rhs_all[i].literal)
            return 0;
    return 1;
}

/* The key test of a `[ keys OP x ]` filter. */
static int in_keys_filter(const gv_report_item *it, const gv_check *c)
{
    const gv_step_text *st = gv_step_texts_find(it->texts, it->prog->locs[c->ip]);
    return st && st->q->parts[st->part].kind == GV_STEP_KEYS_FILTER;
}

int gv_check_incomparable(const gv_report_item *it, const gv_check *c)
{
    return c->incomparable && !in_keys_filter(it, c);
}

/* A [keys == q] filter whose q stopped short: cfn-guard reports that,
 * but not the key against the empty rest (as it does for ==, probed). */
int gv_check_hidden(const gv_report_item *it, const gv_check *c)
{
    return c->kind == GV_CHECK_COMPARE && c->nrhs == 0 && !c->rhs.node && in_keys_filter(it, c);
}

gv_shape gv_check_shape(const gv_report_item *it, const gv_check *c)
{
    const gv_insn *in = &it->prog->code[c->ip];
    if (c->kind == GV_CHECK_RULE)
        return GV_SHAPE_RULE_REF;
    if (c->kind == GV_CHECK_NO_VALUES)
        return GV_SHAPE_NO_VALUES;
    if (in->op == GV_I_C_BLOCK)
        return GV_SHAPE_BLOCK_MISSING;
    if (in->op == GV_I_C_UNARY)
        return c->kind == GV_CHECK_UNRESOLVED ? GV_SHAPE_UNARY_MISSING : GV_SHAPE_UNARY;
    if (c->kind == GV_CHECK_UNRESOLVED || c->kind == GV_CHECK_UNRESOLVED_RHS)
        return GV_SHAPE_BINARY_MISSING;
    gv_cmp_op op = check_op(in);
    int literal = rhs_literal(c);
    /* a key is compared with IN, against the right-hand values as a set,
     * also for == when they are several (probed) */
    if (in_keys_filter(it, c))
        return op == GV_OP_IN || (op == GV_OP_EQ && c->nrhs > 1) ? GV_SHAPE_IN : GV_SHAPE_BINARY;
    /* a variable bound to a literal is compared with each value of a query
     * on its own (vm/pair_trace.c), and reported so: a plain comparison,
     * but for IN with a list on either side (probed) */
    if ((op == GV_OP_IN || op == GV_OP_EQ) && !literal && c->lhs.literal && c->lhs.node && c->rhs.node &&
        (op == GV_OP_EQ || (c->lhs.node->kind != GV_LIST && c->rhs.node->kind != GV_LIST)))
        return GV_SHAPE_BINARY;
    if (op == GV_OP_IN && (!literal || (c->rhs.node && c->rhs.node->kind == GV_LIST)))
        return GV_SHAPE_IN;
    if (op == GV_OP_EQ && !literal)
        return GV_SHAPE_IN; /* == against a query: a set comparison */
    return GV_SHAPE_BINARY;
}

/* The value a failure is reported at: the left-hand value, but for ==
 * against a query the right-hand value no left-hand one matched. */
const gv_val *gv_check_at(const gv_report_item *it, const gv_check *c)
{
    return c->rhs_unmatched && gv_check_shape(it, c) == GV_SHAPE_IN ? &c->rhs : &c->lhs;
}

/* The right-hand value a failure names: a literal list of one value is
 * that value against a scalar of the data; against a map, or a variable
 * bound to a literal (compared pair by pair), it stays a list (probed:
 * `m == [7]` is "not comparable map, array", `%t == ["T"]` "String,
 * array"). */
gv_val gv_check_rhs(const gv_check *c, gv_path *path0)
{
    gv_val v = c->rhs;
    const gv_node *r = v.node, *l = c->lhs.node;
    if (v.literal && r && r->kind == GV_LIST && r->len == 1 && l && l->kind != GV_LIST && l->kind != GV_MAP &&
        !c->lhs.literal) {
        *path0 = (gv_path){ NULL, NULL, 0, 0 };
        v.node = r->u.items[0];
        v.path = path0;
    }
    return v;
}

static const char *rule_ref_name(const gv_report_item *it, const gv_check *c)
{
    const gv_program *p = it->prog;
    return p->strings[p->refs[p->code[c->ip].a].name].s;
}

static const gv_clause_text *clause_text(const gv_report_item *it, const gv_check *c)
{
    return gv_clause_texts_find(it->texts, it->prog->locs[c->ip]);
}

static const char *clause_context(const gv_report_item *it, const gv_check *c)
{
    const gv_clause_text *t = clause_text(it, c);
    return t ? t->context : "";
}

const char *gv_msg_context_fixed(const gv_report_item *it, const gv_check *c)
{
    gv_shape shape = gv_check_shape(it, c);
    return shape == GV_SHAPE_RULE_REF || shape == GV_SHAPE_BLOCK_MISSING ? NULL : clause_context(it, c);
}

void gv_msg_context(gv_buf *out, const gv_report_item *it, const gv_check *c)
{
    gv_loc loc = it->prog->locs[c->ip];
    switch (gv_check_shape(it, c)) {
    case GV_SHAPE_RULE_REF:
        gv_buf_printf(out, "Rule(%s@Location[file:%s, line:%u, column:%u])", rule_ref_name(it, c),
                      it->rules_name, loc.line, loc.col);
        return;
    case GV_SHAPE_BLOCK_MISSING:
        gv_buf_printf(out, "GuardBlockAccessClause#Location[file:%s, line:%u, column:%u]", it->rules_name,
                      loc.line, loc.col);
        return;
    default: gv_buf_puts(out, clause_context(it, c));
    }
}


/* "Path=/a[L:1,C:2] Value=1" */
void gv_msg_value_at(gv_buf *out, const gv_report_item *it, const gv_val *v)
{
    loc(out, it, v);
    gv_buf_puts(out, " Value=");
    const gv_node *n = v->node ? v->node : v->reached;
    if (n)
        gv_fmt_value_display(out, n);
}

static void bare_path_value(gv_buf *out, const gv_report_item *it, const gv_val *v)
{
    gv_buf_puts(out, "Path=");
    gv_fmt_path(out, v);
    gv_msg_value_at(out, it, v);
}

/* "[Path=/a[L:1,C:2] Value=1]" */
static void path_value(gv_buf *out, const gv_report_item *it, const gv_val *v)
{
    gv_buf_putc(out, '[');
    bare_path_value(out, it, v);
    gv_buf_putc(out, ']');
}

static const char *binary_word(gv_cmp_op op, int opnot)
{
    switch (op) {
    case GV_OP_EQ: return opnot ? "equal to" : "not equal to";
    case GV_OP_IN: return opnot ? "in" : "not in";
    case GV_OP_LT: return opnot ? "less than" : "not less than";
    case GV_OP_LE: return opnot ? "less than equal to" : "not less than equal to";
    case GV_OP_GT: return opnot ? "greater than" : "not greater than";
    case GV_OP_GE: return opnot ? "greater than equal" : "not greater than equal";
    default: return "not compliant with";
    }
}

/* "was not empty", "was a list " ...: cfn-guard's words, spacing included. */
static const char *unary_word(gv_cmp_op op, int opnot)
{
    static const char *const words[GV_OP__COUNT][2] = {
        [GV_OP_EXISTS] = { "did not exist", "existed" }, [GV_OP_EMPTY] = { "was not empty", "was empty" },
        [GV_OP_IS_STRING] = { "was not string", "was a string " }, [GV_OP_IS_LIST] = { "was not list", "was a list " },
        [GV_OP_IS_STRUCT] = { "was not struct", "was a struct" }, [GV_OP_IS_BOOL] = { "was not bool", "was bool" },
        [GV_OP_IS_INT] = { "was not int", "was int" }, [GV_OP_IS_FLOAT] = { "was not float", "was float" },
        [GV_OP_IS_NULL] = { "was not null", "was null" },
    };
    const char *w = (unsigned)op < GV_OP__COUNT ? words[op][opnot != 0] : NULL;
    return w ? w : "was not compliant";
}

static void in_items(gv_buf *out, const gv_report_item *it, const gv_check *c)
{
    for (uint32_t i = 0; i < c->nrhs; i++) {
        gv_buf_puts(out, i ? ".(resolved, Path=" : "(resolved, Path=");
        path_loc(out, it, &c->rhs_all[i]);
        gv_buf_puts(out, " Value=");
        gv_fmt_value_display(out, c->rhs_all[i].node);
        gv_buf_putc(out, ')');
    }
}


void gv_msg_incomparable(gv_buf *out, const gv_report_item *it, const gv_check *c, const gv_val *rhs)
{
    const gv_node *l = c->lhs.node, *r = rhs->node;
    if (!l || !r)
        return;
    int in = check_op(&it->prog->code[c->ip]) == GV_OP_IN;
    /* a list IN a literal that is no list, or a value IN a literal string
     * (a substring test; a list IN one is compared item by item, see
     * spreads in vm/check.c): cfn-guard names the values (probed) */
    int list_in = l->kind == GV_LIST && r->kind != GV_LIST;
    if (in && rhs->literal && (list_in || r->kind == GV_STRING)) {
        /* a list IN a literal string is compared item by item (spreads in
         * vm/check.c): an item that is a list is "not comparable"; a
         * variable bound to a literal list is compared whole (probed) */
        int whole = list_in && (r->kind != GV_STRING || c->lhs.literal);
        gv_buf_puts(out, whole ? "Can not compare type " : "Type not comparable, ");
        bare_path_value(out, it, &c->lhs);
        gv_buf_puts(out, ", ");
        bare_path_value(out, it, rhs);
        return;
    }
    gv_compare_incomparable_pair(&l, &r);
    gv_buf_printf(out, "PathAwareValues are not comparable %s, %s", gv_fmt_type_name(l), gv_fmt_type_name(r));
}

/* at: where the left-hand value's gv_msg_value_at stands, when nothing
 * else names that value */
static void error_binary(gv_buf *out, const gv_report_item *it, const gv_check *c, const gv_insn *in,
                         size_t at[2])
{
    size_t start = out->len;
    gv_buf_puts(out, "Check was not compliant as property value [Path=");
    gv_fmt_path(out, &c->lhs);
    at[0] = out->len - start;
    gv_msg_value_at(out, it, &c->lhs);
    at[1] = out->len - start;
    gv_buf_putc(out, ']');
    /* no printf in the three messages of nearly every failed check */
    gv_buf_putc(out, ' ');
    gv_buf_puts(out, binary_word(check_op(in), (in->flags & GV_FLAG_OPNOT) != 0));
    gv_buf_puts(out, " value ");
    gv_path p0;
    gv_val rhs = gv_check_rhs(c, &p0);
    path_value(out, it, &rhs);
    gv_buf_putc(out, '.');
    if (gv_check_incomparable(it, c) && c->lhs.node && rhs.node) {
        at[0] = at[1] = 0; /* it may name the left-hand value again */
        gv_buf_puts(out, " Error = [");
        gv_msg_incomparable(out, it, c, &rhs);
        gv_buf_putc(out, ']');
    }
}

static void error_unary(gv_buf *out, const gv_report_item *it, const gv_check *c, const gv_insn *in)
{
    gv_buf_puts(out, "Check was not compliant as property [");
    path_loc(out, it, &c->lhs);
    gv_buf_puts(out, "] ");
    gv_buf_puts(out, unary_word(check_op(in), (in->flags & GV_FLAG_OPNOT) != 0));
    gv_buf_putc(out, '.');
}

static void error_missing(gv_buf *out, const gv_report_item *it, const gv_check *c, const char *what)
{
    gv_buf_puts(out, "Check was not compliant as property [");
    gv_msg_remaining(out, it, c);
    gv_buf_puts(out, "] ");
    gv_buf_puts(out, what);
    gv_buf_puts(out, ". Value traversed to ");
    path_value(out, it, &c->lhs);
}

void gv_msg_error(gv_buf *out, const gv_report_item *it, const gv_check *c)
{
    size_t at[2];
    gv_msg_error_split(out, it, c, at);
}

void gv_msg_error_split(gv_buf *out, const gv_report_item *it, const gv_check *c, size_t at[2])
{
    const gv_insn *in = gv_check_insn(it, c);
    at[0] = at[1] = 0;
    switch (gv_check_shape(it, c)) {
    case GV_SHAPE_BINARY: error_binary(out, it, c, in, at); break;
    case GV_SHAPE_IN:
        gv_buf_puts(out, "Check was not compliant as property [");
        path_loc(out, it, gv_check_at(it, c));
        gv_buf_puts(out, "] was not present in [");
        in_items(out, it, c);
        gv_buf_putc(out, ']');
        break;
    case GV_SHAPE_BINARY_MISSING:
        error_missing(out, it, c, c->kind == GV_CHECK_UNRESOLVED_RHS ? "to compare to is missing"
                                                                      : "to compare from is missing");
        gv_buf_putc(out, '.');
        break;
    case GV_SHAPE_UNARY: error_unary(out, it, c, in); break;
    case GV_SHAPE_UNARY_MISSING:
        error_missing(out, it, c, "is missing");
        gv_buf_putc(out, '.');
        break;
    case GV_SHAPE_BLOCK_MISSING: error_missing(out, it, c, "is missing"); break;
    case GV_SHAPE_RULE_REF:
        gv_buf_printf(out, "Check was not compliant as dependent rule [%s] did not PASS. Context [",
                      rule_ref_name(it, c));
        gv_msg_context(out, it, c);
        gv_buf_putc(out, ']');
        break;
    case GV_SHAPE_NO_VALUES:
        gv_buf_puts(out, "Check was not compliant as variable in context [");
        gv_msg_context(out, it, c);
        gv_buf_puts(out, "] was not empty");
        break;
    }
}

/* ---- unresolved queries ---- */

/* The query an unresolved value stopped in and the printed part it
 * stopped at: from the step the VM noted, else guessed from the clause. */
typedef struct stop_at {
    const gv_qtext *q;
    uint32_t part;
    int index_oob;   /* an index past the end: cfn-guard then shows the whole query */
} stop_at;

static int is_empty_collection(const gv_node *n)
{
    return n && (n->kind == GV_LIST || n->kind == GV_MAP) && n->len == 0;
}

static uint32_t guess_part(const gv_qtext *q, const gv_check *c)
{
    const char *missing = c->lhs.missing;
    const gv_node *at = c->lhs.reached;
    uint32_t found = UINT32_MAX;
    for (uint32_t i = 0; i < q->n; i++) {
        uint8_t k = q->parts[i].kind;
        if (missing && (k == GV_STEP_KEY || k == GV_STEP_VAR) && strcmp(q->parts[i].text, missing) == 0)
            found = i;
        else if (!missing && is_empty_collection(at) && (k == GV_STEP_ALL_VALUES || k == GV_STEP_ALL_INDICES))
            found = i;
        else if (!missing && !is_empty_collection(at) && k == GV_STEP_INDEX && found == UINT32_MAX)
            found = i;
    }
    return found == UINT32_MAX ? 0 : found;
}

static stop_at stop_of(const gv_report_item *it, const gv_check *c)
{
    stop_at s = { NULL, 0, 0 };
    const gv_step_text *st = c->lhs.stop ? gv_step_texts_find(it->texts, it->prog->locs[c->lhs.stop - 1]) : NULL;
    if (st) {
        s.q = st->q;
        s.part = st->part;
    } else {
        const gv_clause_text *t = clause_text(it, c);
        s.q = !t ? NULL : c->kind == GV_CHECK_UNRESOLVED_RHS ? &t->rhs : &t->lhs;
        s.part = s.q ? guess_part(s.q, c) : 0;
    }
    const gv_node *at = c->lhs.reached;
    /* `.*[ f ]` is one instruction standing at the `*`; a scalar among the
     * values stops at the filter in cfn-guard ("Filter on value type that
     * was not a struct or array", remaining " (filter-clauses)"; probed) */
    if (st && s.part + 1 < s.q->n && s.q->parts[s.part].kind == GV_STEP_ALL_VALUES &&
        s.q->parts[s.part + 1].kind == GV_STEP_FILTER && it->prog->code[c->lhs.stop - 1].op == GV_I_Q_ALL_FILTER &&
        !c->lhs.missing && at && at->kind != GV_LIST && at->kind != GV_MAP)
        s.part++;
    s.index_oob = s.q && s.part < s.q->n && s.q->parts[s.part].kind == GV_STEP_INDEX && !c->lhs.missing && at &&
                  at->kind == GV_LIST;
    return s;
}

/* A quoted key of digits (`m.'0'`), which cfn-guard reads as an index,
 * stopped the query on something that is no list: cfn-guard then reports
 * the whole query, and the index without the type (probed). */
static int quoted_index_stop(const gv_report_item *it, const gv_check *c, const stop_at *s)
{
    const gv_node *at = c->lhs.reached;
    return c->lhs.stop && it->prog->code[c->lhs.stop - 1].op == GV_I_Q_INDEX && s->q && s->part < s->q->n &&
           s->q->parts[s->part].kind == GV_STEP_KEY && !c->lhs.missing && (!at || at->kind != GV_LIST);
}

void gv_msg_remaining(gv_buf *out, const gv_report_item *it, const gv_check *c)
{
    stop_at s = stop_of(it, c);
    size_t len = out->len;
    if (s.q)
        gv_qtext_print(out, s.q, s.index_oob || quoted_index_stop(it, c, &s) ? 0 : s.part);
    if (out->len == len && c->lhs.missing) /* a query not written in the rules (a type block's `Type`) */
        gv_buf_puts(out, c->lhs.missing);
}

static void debug_of(gv_buf *out, const gv_report_item *it, const gv_val *v, const gv_node *n)
{
    gv_buf p;
    gv_buf_init(&p);
    gv_fmt_path(&p, v);
    gv_fmt_debug_from(out, n, p.data ? p.data : "", p.len, it->unlocated ? NULL : gv_msg_located(it, v));
    gv_buf_free(&p);
}

/* The step `%v` where a query stopped, when it stopped at a variable used
 * as a key: cfn-guard words those misses its own way (probed). */
static const char *var_key_step(const gv_report_item *it, const gv_check *c)
{
    if (!c->lhs.stop || it->prog->code[c->lhs.stop - 1].op != GV_I_Q_VAR_KEY)
        return NULL;
    stop_at s = stop_of(it, c);
    return s.q && s.part < s.q->n && s.q->parts[s.part].kind == GV_STEP_VAR ? s.q->parts[s.part].text : NULL;
}

static void reason_no_key(gv_buf *out, const gv_report_item *it, const gv_check *c)
{
    const gv_node *at = c->lhs.reached;
    const char *var = var_key_step(it, c);
    if (at && at->kind == GV_MAP) {
        gv_buf_printf(out,
                      var ? "Could not locate key = %s inside struct at path = "
                          : "Could not find key %s inside struct at path ",
                      c->lhs.missing);
        const gv_key_item *ki = gv_val_key_item(&c->lhs);
        gv_val item = { 0 };
        if (ki) /* a key from a list a variable holds: where the item is (probed) */
            item = (gv_val){ .node = ki->node, .path = ki->path, .literal = ki->literal };
        path_loc(out, it, ki ? &item : &c->lhs);
        return;
    }
    gv_buf_printf(out, "Attempting to retrieve from key %s but type is not an struct type at path ",
                  var ? var : c->lhs.missing);
    path_loc(out, it, &c->lhs);
    if (at) {
        gv_buf_printf(out, ", Type = %s, Value = ", gv_fmt_type_name(at));
        debug_of(out, it, &c->lhs, at);
    }
}

static void reason_index(gv_buf *out, const gv_report_item *it, const gv_check *c, const char *index)
{
    const gv_node *at = c->lhs.reached;
    if (at && at->kind == GV_LIST) {
        gv_buf_puts(out, "Array Index out of bounds for path = ");
        path_loc(out, it, &c->lhs);
        gv_buf_printf(out, " on index = %s inside Array = [", index);
        gv_buf p;
        gv_buf_init(&p);
        gv_fmt_path(&p, &c->lhs);
        for (uint32_t i = 0; i < at->len; i++) {
            size_t mark = p.len;
            gv_buf_printf(&p, "/%u", i);
            if (i)
                gv_buf_puts(out, ", ");
            gv_fmt_debug_from(out, at->u.items[i], p.data, p.len, it->unlocated ? NULL : gv_msg_located(it, &c->lhs));
            p.len = mark;
        }
        gv_buf_free(&p);
        gv_buf_puts(out, "], remaining query = ");
        return;
    }
    gv_buf_printf(out, "Attempting to retrieve from index %s but type is not an array at path ", index);
    path_loc(out, it, &c->lhs);
    gv_buf_printf(out, ", type %s", at ? gv_fmt_type_name(at) : "null");
}

void gv_msg_reason(gv_buf *out, const gv_report_item *it, const gv_check *c)
{
    const gv_var_miss *miss = gv_val_var_miss(&c->lhs);
    const char *var = miss ? var_key_step(it, c) : NULL;
    if (var) { /* where the variable's query stopped, and why (probed) */
        gv_check inner = *c;
        inner.lhs = miss->var;
        inner.kind = GV_CHECK_UNRESOLVED;
        gv_buf_printf(out, "Keys returned for variable %s could not completely resolve. Path traversed until ",
                      var + (*var == '%'));
        path_loc(out, it, &miss->var);
        gv_msg_reason(out, it, &inner);
        return;
    }
    if (c->lhs.missing && !miss) {
        reason_no_key(out, it, c);
        return;
    }
    const gv_node *at = c->lhs.reached;
    stop_at s = stop_of(it, c);
    if (quoted_index_stop(it, c, &s)) {
        gv_buf_printf(out, "Attempting to retrieve from index %s but type is not an array at path ",
                      s.q->parts[s.part].text);
        path_loc(out, it, &c->lhs);
        return;
    }
    if (s.q && s.part < s.q->n && s.q->parts[s.part].kind == GV_STEP_INDEX) {
        reason_index(out, it, c, s.q->parts[s.part].text);
        if (s.index_oob)
            gv_qtext_print(out, s.q, 0);
        return;
    }
    /* a filter, or `.*[ f ]` (one step in the VM) on a value of the `.*` */
    int filter = s.q && s.part < s.q->n &&
                 (s.q->parts[s.part].kind == GV_STEP_FILTER ||
                  (s.q->parts[s.part].kind == GV_STEP_ALL_VALUES && s.part + 1 < s.q->n &&
                   s.q->parts[s.part + 1].kind == GV_STEP_FILTER));
    if (filter && at && at->kind != GV_LIST && at->kind != GV_MAP) {
        gv_buf_printf(out, "Filter on value type that was not a struct or array %s ", gv_fmt_type_name(at));
        path_loc(out, it, &c->lhs);
        return;
    }
    if (s.q && s.part < s.q->n && s.q->parts[s.part].kind == GV_STEP_KEYS_FILTER && at && at->kind != GV_MAP) {
        gv_buf_printf(out, "Map Filter for keys was not a struct %s ", gv_fmt_type_name(at));
        path_loc(out, it, &c->lhs);
        return;
    }
    gv_buf_puts(out, "No more entries for value at path = ");
    path_loc(out, it, &c->lhs);
    gv_buf_printf(out, " on type = %s ", at ? (at->kind == GV_MAP ? "map" : "array") : "array");
}

/* "Query q did not resolve to correct value, reason ...": a block clause
 * whose query stopped short. */
void gv_msg_block_missing(gv_buf *out, const gv_report_item *it, const gv_check *c)
{
    const gv_clause_text *t = gv_clause_texts_find(it->texts, it->prog->locs[c->ip]);
    gv_buf_puts(out, "Query ");
    if (t && t->lhs.n)
        gv_qtext_print(out, &t->lhs, 0);
    else
        gv_msg_remaining(out, it, c);
    gv_buf_puts(out, " did not resolve to correct value, reason ");
    gv_msg_reason(out, it, c);
}

const char *gv_msg_custom(const gv_report_item *it, const gv_check *c)
{
    uint32_t m = it->prog->messages[c->ip];
    return m == GV_NONE ? NULL : it->prog->strings[m].s;
}

const char *gv_msg_operator(const gv_report_item *it, const gv_check *c)
{
    static const char *const names[GV_OP__COUNT][2] = {
        [GV_OP_EQ] = { "EQUAL", "NOT EQUAL" }, [GV_OP_IN] = { "IN", "NOT IN" },
        [GV_OP_LT] = { "LESS THAN", "NOT LESS THAN" }, [GV_OP_LE] = { "LESS THAN EQUAL", "NOT LESS THAN EQUAL" },
        [GV_OP_GT] = { "GREATER THAN", "NOT GREATER THAN" },
        [GV_OP_GE] = { "GREATER THAN EQUAL", "NOT GREATER THAN EQUAL" },
        [GV_OP_EXISTS] = { "EXISTS", "NOT EXISTS" }, [GV_OP_EMPTY] = { "EMPTY", "NOT EMPTY" },
        [GV_OP_IS_STRING] = { "IS STRING", "NOT STRING" }, [GV_OP_IS_LIST] = { "IS LIST", "NOT LIST" },
        [GV_OP_IS_STRUCT] = { "IS STRUCT", "NOT STRUCT" }, [GV_OP_IS_BOOL] = { "IS BOOl", "NOT BOOL" }, /* sic */
        [GV_OP_IS_INT] = { "IS INT", "NOT INT" }, [GV_OP_IS_FLOAT] = { "IS FLOAT", "NOT FLOAT" },
        [GV_OP_IS_NULL] = { "IS NULL", "NOT NULL" },
    };
    const gv_insn *in = gv_check_insn(it, c);
    gv_cmp_op op = check_op(in);
    return (unsigned)op < GV_OP__COUNT ? names[op][(in->flags & GV_FLAG_OPNOT) != 0] : "";
}

const char *gv_msg_comparison(const gv_report_item *it, const gv_check *c, int *negated)
{
    static const char *const names[GV_OP__COUNT] = {
        [GV_OP_EQ] = "Eq", [GV_OP_IN] = "In", [GV_OP_LT] = "Lt", [GV_OP_LE] = "Le", [GV_OP_GT] = "Gt",
        [GV_OP_GE] = "Ge", [GV_OP_EXISTS] = "Exists", [GV_OP_EMPTY] = "Empty", [GV_OP_IS_STRING] = "IsString",
        [GV_OP_IS_LIST] = "IsList", [GV_OP_IS_STRUCT] = "IsMap", [GV_OP_IS_BOOL] = "IsBool",
        [GV_OP_IS_INT] = "IsInt", [GV_OP_IS_FLOAT] = "IsFloat", [GV_OP_IS_NULL] = "IsNull",
    };
    const gv_insn *in = gv_check_insn(it, c);
    gv_cmp_op op = check_op(in);
    *negated = (in->flags & GV_FLAG_OPNOT) != 0;
    if (op == GV_OP_EQ && c->nrhs > 1 && c->kind == GV_CHECK_COMPARE && in_keys_filter(it, c))
        return "In"; /* a key == several values is IN them (gv_check_shape) */
    return (unsigned)op < GV_OP__COUNT ? names[op] : "Eq";
}

/* ---- layout helpers ---- */

void gv_indent(gv_buf *out, int n)
{
    if (n > 0)
        gv_buf_fill(out, ' ', (size_t)n);
}

void gv_snippet(gv_buf *out, const gv_report_item *it, const gv_node *at, int indent)
{
    if (!at || !at->located || at->line < 3 || !it->lines)
        return;
    uint32_t line0 = at->line - 1; /* 0-based */
    uint32_t first = line0 - 2 > 1 ? line0 - 2 : 1, last = first + 5;
    uint32_t ln;
    size_t len;
    const char *s = gv_lines_at(it->lines, first, last - first, &ln, &len); /* from near the first line */
    if (!s)
        return;
    for (const char *end = s + len; s < end && ln <= last; ln++) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *eol = nl ? nl : end;
        if (ln >= first) {
            gv_indent(out, indent);
            char num[24]; /* "%7u." without printf: a line of every snippet */
            size_t k = (size_t)(gv_put_uint(num, ln) - num);
            if (k < 7)
                gv_buf_fill(out, ' ', 7 - k);
            gv_buf_append(out, num, k);
            gv_buf_putc(out, '.');
            gv_buf_append(out, s, (size_t)(eol - s));
            gv_buf_putc(out, '\n');
        }
        s = nl ? nl + 1 : end;
    }
}
