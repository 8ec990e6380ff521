/* Queries, values (literal | query | function call), literals and
 * comparison operators. */
#include <string.h>

#include "lang/parser_int.h"

/* ---- operators ---- */

static int kw_unary_op(gv_kw kw, gv_cmp_op *op)
{
    switch (kw) {
    case GV_KW_EXISTS: *op = GV_OP_EXISTS; return 1;
    case GV_KW_EMPTY: *op = GV_OP_EMPTY; return 1;
    case GV_KW_IS_STRING: *op = GV_OP_IS_STRING; return 1;
    case GV_KW_IS_LIST: *op = GV_OP_IS_LIST; return 1;
    case GV_KW_IS_STRUCT: *op = GV_OP_IS_STRUCT; return 1;
    case GV_KW_IS_BOOL: *op = GV_OP_IS_BOOL; return 1;
    case GV_KW_IS_INT: *op = GV_OP_IS_INT; return 1;
    case GV_KW_IS_FLOAT: *op = GV_OP_IS_FLOAT; return 1;
    case GV_KW_IS_NULL: *op = GV_OP_IS_NULL; return 1;
    case GV_KW_IN: *op = GV_OP_IN; return 1;
    default: return 0;
    }
}

static int tok_op(const gv_token *t, gv_cmp_op *op, uint8_t *neg)
{
    *neg = 0;
    switch (t->kind) {
    case GV_TOK_EQ: *op = GV_OP_EQ; return 1;
    case GV_TOK_NE: *op = GV_OP_EQ; *neg = 1; return 1;
    case GV_TOK_LT: *op = GV_OP_LT; return 1;
    case GV_TOK_LE: *op = GV_OP_LE; return 1;
    case GV_TOK_GT: *op = GV_OP_GT; return 1;
    case GV_TOK_GE: *op = GV_OP_GE; return 1;
    case GV_TOK_IDENT: return kw_unary_op(t->kw, op);
    default: return 0;
    }
}

/* cfn-guard matches an operator keyword as a prefix, with no word
 * boundary: `a existsx` is `a exists` followed by the clause `x` (a rule
 * reference), `a inl` is `a in l`, and even `a` + newline + `input exists`
 * reads as `a in put` + the rule reference `exists` (all probed). So an
 * identifier in operator position that starts with one of these keywords
 * (and is longer) is split there. The keywords here are the spellings
 * gv_keyword() accepts; none is a prefix of another. */
static const char *const op_prefixes[] = {
    "exists", "EXISTS", "empty", "EMPTY", "in", "IN",
    "is_string", "IS_STRING", "is_list", "IS_LIST", "is_struct", "IS_STRUCT",
    "is_bool", "IS_BOOL", "is_int", "IS_INT", "is_float", "IS_FLOAT", "is_null", "IS_NULL",
};

static size_t op_prefix_len(const gv_token *t)
{
    if (t->kind != GV_TOK_IDENT || t->kw != GV_KW_NONE)
        return 0;
    for (size_t i = 0; i < sizeof op_prefixes / sizeof op_prefixes[0]; i++) {
        size_t n = strlen(op_prefixes[i]);
        if (n < t->len && memcmp(t->text, op_prefixes[i], n) == 0)
            return n;
    }
    return 0;
}

/* Cuts the current identifier token to its first n bytes (an operator
 * keyword) and puts the lexer back so the rest is scanned as the next
 * token. Identifiers are ASCII, so the column moves by n. */
static void split_tok(gv_parser *p, size_t n)
{
    gv_token *t = &p->tok;
    p->has_peek = 0; /* the lexer goes back: a kept peek is void */
    p->lx.pos = t->start + n;
    p->lx.line = t->loc.line;
    p->lx.col = t->loc.col + (uint32_t)n;
    t->end = t->start + n;
    t->len = n;
    t->text = gv_arena_strndup(p->a, t->text, n);
    if (!t->text)
        gv_p_oom(p);
    t->kw = gv_keyword(p->lx.src + t->start, n);
}

/* Whether the blanks between two offsets hold a line break or a comment. */
int gv_p_gap_breaks(const gv_parser *p, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (p->lx.src[i] == '\n' || p->lx.src[i] == '#')
            return 1;
    return 0;
}

/* `not`/`!` only negate the keyword operators (exists, empty, is_*, in):
 * cfn-guard rejects `not ==` (probed). A `not` followed by anything else is
 * left alone: it starts the next clause. cfn-guard also wants `!` to touch
 * the keyword (`a ! exists` is a syntax error) and `not` to be followed by
 * blanks on the same line (`not` + newline or a comment is an error). */
int gv_p_parse_op(gv_parser *p, gv_cmp_op *op, uint8_t *negated)
{
    if (gv_p_is_kw(p, GV_KW_NOT) || p->tok.kind == GV_TOK_BANG) {
        gv_token next = gv_p_peek(p);
        size_t cut = 0;
        if (next.kind != GV_TOK_IDENT)
            return 0;
        if (!kw_unary_op(next.kw, op)) {
            if (!(cut = op_prefix_len(&next)))
                return 0;
            kw_unary_op(gv_keyword(next.text, cut), op);
        }
        if (p->tok.kind == GV_TOK_BANG && next.start != p->tok.end) {
            gv_p_error_at(p, p->tok.loc, "'!' must be followed directly by the operator (no blank)");
            return 0;
        }
        if (p->tok.kind != GV_TOK_BANG && gv_p_gap_breaks(p, p->tok.end, next.start)) {
            gv_p_error_at(p, p->tok.loc, "'not' and its operator must be on the same line, with no comment between");
            return 0;
        }
        gv_p_advance(p);
        if (cut)
            split_tok(p, cut);
        gv_p_advance(p);
        *negated = 1;
        return 1;
    }
    size_t cut = op_prefix_len(&p->tok);
    if (cut) {
        *negated = 0;
        split_tok(p, cut);
        kw_unary_op(p->tok.kw, op);
        gv_p_advance(p);
        return 1;
    }
    if (!tok_op(&p->tok, op, negated))
        return 0;
    gv_p_advance(p);
    return 1;
}

/* ---- queries ---- */

static gv_step *push_step(gv_parser *p, gv_vec *v, gv_step_kind k, gv_loc loc)
{
    gv_step *s = gv_vec_push(p, v);
    if (s) {
        s->kind = k;
        s->loc = loc;
    }
    return s;
}

/* The first step: a key, a quoted key, %var or `this`. */
static int parse_head(gv_parser *p, gv_vec *steps)
{
    gv_token t = p->tok;
    gv_step *s;
    switch (t.kind) {
    case GV_TOK_IDENT:
        s = push_step(p, steps, t.kw == GV_KW_THIS ? GV_STEP_THIS : GV_STEP_KEY, t.loc);
        break;
    case GV_TOK_STRING:
        s = push_step(p, steps, GV_STEP_KEY, t.loc);
        if (s)
            s->quoted = 1;
        break;
    case GV_TOK_VAR:
        s = push_step(p, steps, GV_STEP_VAR, t.loc);
        break;
    default:
        gv_p_error_expected(p, "a query (a property name, %variable or 'this')");
        return 0;
    }
    if (!s)
        return 0;
    if (s->kind != GV_STEP_THIS)
        s->name = gv_p_str(&t);
    gv_p_advance(p);
    return 1;
}

/* After '.': key, quoted key, %var, index or '*'. `this` here is a key. */
static int parse_dot_step(gv_parser *p, gv_vec *steps)
{
    gv_token t = p->tok;
    gv_step *s;
    if (!gv_p_adjacent(p)) {
        gv_p_error_expected(p, "a property name right after '.'");
        return 0;
    }
    switch (t.kind) {
    case GV_TOK_IDENT: s = push_step(p, steps, GV_STEP_KEY, t.loc); break;
    case GV_TOK_STRING: s = push_step(p, steps, GV_STEP_KEY, t.loc); if (s) s->quoted = 1; break;
    case GV_TOK_VAR: s = push_step(p, steps, GV_STEP_VAR, t.loc); break;
    case GV_TOK_STAR: s = push_step(p, steps, GV_STEP_ALL_VALUES, t.loc); break;
    case GV_TOK_INT: s = push_step(p, steps, GV_STEP_INDEX, t.loc); if (s) s->index = t.ival; break;
    default:
        gv_p_error_expected(p, "a property name, %variable, index or '*' after '.'");
        return 0;
    }
    if (!s)
        return 0;
    if (s->kind == GV_STEP_KEY || s->kind == GV_STEP_VAR)
        s->name = gv_p_str(&t);
    gv_p_advance(p);
    return 1;
}

static int parse_keys_filter(gv_parser *p, gv_step *s)
{
    gv_p_advance(p);                      /* keys */
    gv_token op = p->tok;
    if (!gv_p_parse_op(p, &s->keys.op, &s->keys.op_negated)) {
        gv_p_error_expected(p, "a comparison operator after 'keys'");
        return 0;
    }
    if (GV_OP_IS_UNARY(s->keys.op)) { /* at the operator, as cfn-guard (probed: `[ keys exists ]`) */
        gv_p_error_at(p, op.loc, "expected a comparison operator after 'keys', found a unary operator");
        return 0;
    }
    return (s->keys.rhs = gv_p_parse_value(p)) != NULL;
}

static int parse_filter_step(gv_parser *p, gv_vec *steps, gv_loc loc)
{
    gv_step *s = push_step(p, steps, GV_STEP_FILTER, loc);
    if (!s || !gv_p_parse_cnf(p, &s->filter, GV_CTX_FILTER, GV_TOK_RBRACKET))
        return 0;
    return gv_p_expect(p, GV_TOK_RBRACKET, "']'");
}

/* [keys OP value]. When more than the ']' follows the value, cfn-guard
 * reads the brackets again as a filter of clauses, in which `keys` is a
 * key name (probed: `[ keys != "A" keys != "B" ]` is such a filter); when
 * that fails too, the error is the ']' expected after the value. */
static int parse_keys_step(gv_parser *p, gv_vec *steps, gv_loc loc)
{
    gv_parser saved = *p;
    gv_error saved_err = *p->err;
    uint32_t n = steps->n;
    gv_step *s = push_step(p, steps, GV_STEP_KEYS_FILTER, loc);
    if (!s || !parse_keys_filter(p, s))
        return 0;
    if (p->tok.kind == GV_TOK_RBRACKET) {
        gv_p_advance(p);
        return 1;
    }
    gv_parser after = *p;
    *p = saved;
    steps->n = n;
    if (parse_filter_step(p, steps, loc))
        return 1;
    if (p->err->code == GV_E_NOMEM)
        return 0;
    *p = after; /* the first reading's error */
    *p->err = saved_err;
    steps->n = n + 1;
    return gv_p_expect(p, GV_TOK_RBRACKET, "']'");
}

/* [*], [N], ["key"], [name], [keys OP value] or [ clauses ]. */
static int parse_bracket_step(gv_parser *p, gv_vec *steps)
{
    gv_loc loc = p->tok.loc;
    gv_p_advance(p);                      /* [ */
    gv_token t = p->tok;
    gv_token next = gv_p_peek(p);
    gv_step *s;
    int simple = next.kind == GV_TOK_RBRACKET;
    /* cfn-guard reads an index or a quoted key only right after the '['
     * (`l[0 ]` is fine, `l[ 0 ]` and `m[ "k" ]` are syntax errors; `[ * ]`
     * is accepted): probed */
    if (simple && (t.kind == GV_TOK_INT || t.kind == GV_TOK_STRING) && !gv_p_adjacent(p)) {
        gv_p_error_at(p, t.loc, t.kind == GV_TOK_INT
                                    ? "an index must follow '[' directly (no blank before it)"
                                    : "a quoted key must follow '[' directly (no blank before it)");
        return 0;
    }
    if (simple && t.kind == GV_TOK_STAR) {
        s = push_step(p, steps, GV_STEP_ALL_INDICES, loc);
    } else if (simple && t.kind == GV_TOK_INT) {
        if ((s = push_step(p, steps, GV_STEP_INDEX, loc)))
            s->index = t.ival;
    } else if (simple && t.kind == GV_TOK_STRING) {
        if ((s = push_step(p, steps, GV_STEP_KEY, loc))) {
            s->quoted = 1;
            s->name = gv_p_str(&t);
        }
    } else if (simple && t.kind == GV_TOK_IDENT) {
        if ((s = push_step(p, steps, GV_STEP_ALL_VALUES, loc)))
            s->name = gv_p_str(&t);
    } else if (t.kind == GV_TOK_IDENT && t.kw == GV_KW_KEYS && next.kind != GV_TOK_DOT &&
               next.kind != GV_TOK_LBRACKET) {
        return parse_keys_step(p, steps, loc);
    } else {
        return parse_filter_step(p, steps, loc);
    }
    if (!s)
        return 0;
    gv_p_advance(p);
    gv_p_advance(p);                      /* ] */
    return 1;
}

/* A '.' step must touch the previous token (cfn-guard rejects `a . b`); a
 * '[' step may follow blanks (`%x [ ... ]` is common in Control Tower). */
gv_query *gv_p_parse_query(gv_parser *p, int some)
{
    gv_query *q = GV_NEW(p->a, gv_query);
    if (!q) {
        gv_p_oom(p);
        return NULL;
    }
    q->loc = p->tok.loc;
    q->some = (uint8_t)some;
    gv_vec steps = {.elem = sizeof(gv_step)};
    if (!gv_p_enter(p))
        return NULL;
    int ok = parse_head(p, &steps);
    while (ok) {
        if (p->tok.kind == GV_TOK_DOT && gv_p_adjacent(p)) {
            gv_p_advance(p);
            ok = parse_dot_step(p, &steps);
        } else if (p->tok.kind == GV_TOK_LBRACKET) {
            ok = parse_bracket_step(p, &steps);
        } else {
            break;
        }
    }
    gv_p_leave(p);
    q->steps = steps.data;
    q->n = steps.n;
    return ok && !p->failed ? q : NULL;
}

/* ---- literals ---- */

static gv_literal *new_lit(gv_parser *p, gv_lit_kind k, gv_loc loc)
{
    gv_literal *l = GV_NEW(p->a, gv_literal);
    if (!l)
        gv_p_oom(p);
    else {
        l->kind = k;
        l->loc = loc;
    }
    return l;
}

static gv_literal *parse_list(gv_parser *p)
{
    gv_literal *l = new_lit(p, GV_LIT_LIST, p->tok.loc);
    gv_vec v = {.elem = sizeof(gv_literal *)};
    if (!l)
        return NULL;
    gv_p_advance(p);                      /* [ */
    if (p->tok.kind != GV_TOK_RBRACKET) {
        do {
            gv_literal *item = gv_p_parse_literal(p);
            gv_literal **slot = item ? gv_vec_push(p, &v) : NULL;
            if (!slot)
                return NULL;
            *slot = item;
        } while (gv_p_accept(p, GV_TOK_COMMA));
    }
    if (!gv_p_expect(p, GV_TOK_RBRACKET, "',' or ']'"))
        return NULL;
    l->u.list.items = v.data;
    l->u.list.n = v.n;
    return l;
}

/* Map keys are strings or runs of [A-Za-z0-9_-] (cfn-guard accepts
 * {a-b: 1} and {1: 2}), so they are re-scanned with the map-key lexer. */
static int relex_map_key(gv_parser *p)
{
    p->has_peek = 0; /* the lexer goes back: a kept peek is void */
    p->lx.pos = p->tok.start;
    p->lx.line = p->tok.loc.line;
    p->lx.col = p->tok.loc.col;
    p->tok = gv_lex_map_key(&p->lx);
    return p->tok.kind == GV_TOK_STRING;
}

static gv_literal *parse_map(gv_parser *p)
{
    gv_literal *l = new_lit(p, GV_LIT_MAP, p->tok.loc);
    gv_vec v = {.elem = sizeof(gv_map_entry)};
    if (!l)
        return NULL;
    gv_p_advance(p);                      /* { */
    if (p->tok.kind != GV_TOK_RBRACE) {
        do {
            if (p->tok.kind == GV_TOK_RBRACE || !relex_map_key(p)) {
                gv_p_error_expected(p, "a map key");
                return NULL;
            }
            gv_map_entry *e = gv_vec_push(p, &v);
            if (!e)
                return NULL;
            e->key = gv_p_str(&p->tok);
            e->loc = p->tok.loc;
            gv_p_advance(p);
            if (!gv_p_expect(p, GV_TOK_COLON, "':' after the map key") ||
                !(e->value = gv_p_parse_literal(p)))
                return NULL;
        } while (gv_p_accept(p, GV_TOK_COMMA));
    }
    if (!gv_p_expect(p, GV_TOK_RBRACE, "',' or '}'"))
        return NULL;
    l->u.map.items = v.data;
    l->u.map.n = v.n;
    return l;
}

static int is_range_bound(const gv_token *t)
{
    return t->kind == GV_TOK_INT || t->kind == GV_TOK_FLOAT ||
           (t->kind == GV_TOK_IDENT && t->len == 1);
}

/* r[ / r( directly followed by BOUND ',' : a range, not a query on key r. */
static int at_range(gv_parser *p)
{
    if (p->tok.kind != GV_TOK_IDENT || p->tok.len != 1 || p->tok.text[0] != 'r')
        return 0;
    gv_lexer copy = p->lx;
    gv_token open = gv_lex_next(&copy);
    if ((open.kind != GV_TOK_LBRACKET && open.kind != GV_TOK_LPAREN) || open.start != p->tok.end)
        return 0;
    gv_token lo = gv_lex_next(&copy);
    gv_token comma = gv_lex_next(&copy);
    return is_range_bound(&lo) && comma.kind == GV_TOK_COMMA;
}

static gv_range_kind bound_kind(const gv_token *t)
{
    return t->kind == GV_TOK_INT ? GV_RANGE_INT : t->kind == GV_TOK_FLOAT ? GV_RANGE_FLOAT
                                                                          : GV_RANGE_CHAR;
}

static void set_bound(gv_literal *l, const gv_token *t, int hi)
{
    int64_t i = t->kind == GV_TOK_IDENT ? (unsigned char)t->text[0] : t->ival;
    if (hi) {
        l->u.range.hi_i = i;
        l->u.range.hi_f = t->fval;
    } else {
        l->u.range.lo_i = i;
        l->u.range.lo_f = t->fval;
    }
}

static gv_literal *parse_range(gv_parser *p)
{
    gv_literal *l = new_lit(p, GV_LIT_RANGE, p->tok.loc);
    if (!l)
        return NULL;
    gv_p_advance(p);                      /* r */
    l->u.range.lo_incl = p->tok.kind == GV_TOK_LBRACKET;
    gv_p_advance(p);
    gv_token lo = p->tok;
    gv_p_advance(p);
    gv_p_advance(p);                      /* , */
    gv_token hi = p->tok;
    if (!is_range_bound(&hi)) {
        gv_p_error_expected(p, "a range bound (integer, float or single character)");
        return NULL;
    }
    if (bound_kind(&lo) != bound_kind(&hi)) {
        gv_p_error_at(p, hi.loc, "range bounds must both be integers, floats or characters");
        return NULL;
    }
    l->u.range.kind = bound_kind(&lo);
    set_bound(l, &lo, 0);
    set_bound(l, &hi, 1);
    gv_p_advance(p);
    if (p->tok.kind != GV_TOK_RBRACKET && p->tok.kind != GV_TOK_RPAREN) {
        gv_p_error_expected(p, "']' or ')' to close the range");
        return NULL;
    }
    l->u.range.hi_incl = p->tok.kind == GV_TOK_RBRACKET;
    gv_p_advance(p);
    return l;
}

static gv_literal *parse_scalar(gv_parser *p)
{
    gv_token t = p->tok;
    gv_literal *l = NULL;
    switch (t.kind) {
    case GV_TOK_STRING: if ((l = new_lit(p, GV_LIT_STRING, t.loc))) l->u.str = gv_p_str(&t); break;
    case GV_TOK_REGEX: if ((l = new_lit(p, GV_LIT_REGEX, t.loc))) l->u.str = gv_p_str(&t); break;
    case GV_TOK_INT: if ((l = new_lit(p, GV_LIT_INT, t.loc))) l->u.i = t.ival; break;
    case GV_TOK_FLOAT: if ((l = new_lit(p, GV_LIT_FLOAT, t.loc))) l->u.f = t.fval; break;
    case GV_TOK_IDENT:
        if (t.kw == GV_KW_TRUE || t.kw == GV_KW_FALSE) {
            if ((l = new_lit(p, GV_LIT_BOOL, t.loc)))
                l->u.b = t.kw == GV_KW_TRUE;
        } else if (t.kw == GV_KW_NULL) {
            l = new_lit(p, GV_LIT_NULL, t.loc);
        } else {
            return NULL;
        }
        break;
    default:
        return NULL;
    }
    if (l)
        gv_p_advance(p);
    return l;
}

/* Returns NULL without an error when the current token starts no literal
 * (the caller may then try a query). */
static gv_literal *try_literal(gv_parser *p)
{
    if (at_range(p))
        return parse_range(p);
    if (p->tok.kind == GV_TOK_LBRACKET || p->tok.kind == GV_TOK_LBRACE) {
        if (!gv_p_enter(p))
            return NULL;
        gv_literal *l = p->tok.kind == GV_TOK_LBRACKET ? parse_list(p) : parse_map(p);
        gv_p_leave(p);
        return l;
    }
    return parse_scalar(p);
}

gv_literal *gv_p_parse_literal(gv_parser *p)
{
    gv_literal *l = try_literal(p);
    if (!l && !p->failed)
        gv_p_error_expected(p, "a value (string, number, regex, bool, null, range, list or map)");
    return l;
}

/* ---- values and calls ---- */

int gv_p_parse_args(gv_parser *p, gv_value ***args, uint32_t *nargs)
{
    gv_vec v = {.elem = sizeof(gv_value *)};
    gv_p_advance(p);                      /* ( */
    do {
        gv_value *arg = gv_p_parse_value(p);
        gv_value **slot = arg ? gv_vec_push(p, &v) : NULL;
        if (!slot)
            return 0;
        *slot = arg;
    } while (gv_p_accept(p, GV_TOK_COMMA));
    if (!gv_p_expect(p, GV_TOK_RPAREN, "',' or ')'"))
        return 0;
    *args = v.data;
    *nargs = v.n;
    return 1;
}

gv_call *gv_p_parse_call(gv_parser *p)
{
    gv_call *c = GV_NEW(p->a, gv_call);
    if (!c) {
        gv_p_oom(p);
        return NULL;
    }
    c->name = gv_p_str(&p->tok);
    c->loc = p->tok.loc;
    gv_p_advance(p);                      /* name; tok is '(' */
    if (!gv_p_enter(p))
        return NULL;
    int ok = gv_p_parse_args(p, &c->args, &c->nargs);
    gv_p_leave(p);
    return ok ? c : NULL;
}

static int at_call(gv_parser *p)
{
    if (p->tok.kind != GV_TOK_IDENT)
        return 0;
    gv_token next = gv_p_peek(p);
    return next.kind == GV_TOK_LPAREN && next.start == p->tok.end;
}

gv_value *gv_p_parse_value(gv_parser *p)
{
    gv_value *v = GV_NEW(p->a, gv_value);
    if (!v) {
        gv_p_oom(p);
        return NULL;
    }
    v->loc = p->tok.loc;
    if ((v->u.lit = try_literal(p))) {
        v->kind = GV_VAL_LITERAL;
        return v;
    }
    if (p->failed)
        return NULL;
    if (at_call(p)) {
        v->kind = GV_VAL_CALL;
        return (v->u.call = gv_p_parse_call(p)) ? v : NULL;
    }
    if (p->tok.kind != GV_TOK_IDENT && p->tok.kind != GV_TOK_VAR) {
        gv_p_error_expected(p, "a value, query or function call");
        return NULL;
    }
    v->kind = GV_VAL_QUERY;
    return (v->u.query = gv_p_parse_query(p, 0)) ? v : NULL;
}
