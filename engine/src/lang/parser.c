/* Recursive-descent parser for Guard 3: file, rules, blocks, clauses.
 * Queries, values and literals are in parser_expr.c. The grammar mirrors
 * cfn-guard 3.1.1 (probed with `cfn-guard parse-tree`); see NOTES.md for the
 * few places where gavel is deliberately stricter or more lenient. */
#include "lang/parser.h"

#include <stdio.h>
#include <string.h>

#include "lang/parser_int.h"

/* ---- token plumbing ---- */

void gv_p_oom(gv_parser *p)
{
    if (p->failed)
        return;
    p->failed = 1;
    gv_error_set(p->err, GV_E_NOMEM, p->file, p->tok.loc, "out of memory while parsing");
}

void gv_p_error_at(gv_parser *p, gv_loc loc, const char *msg)
{
    if (p->failed)
        return;
    p->failed = 1;
    gv_error_set(p->err, GV_E_SYNTAX, p->file, loc, "%s", msg);
}

/* A lexer error token reports its own reason; anything else gets
 * "expected X, found Y". */
void gv_p_error_expected(gv_parser *p, const char *what)
{
    if (p->failed)
        return;
    if (p->tok.kind == GV_TOK_ERROR) {
        gv_p_error_at(p, p->tok.loc, p->tok.text);
        return;
    }
    const char *found = gv_tok_describe(p->a, &p->tok);
    p->failed = 1;
    gv_error_set(p->err, GV_E_SYNTAX, p->file, p->tok.loc, "expected %s, found %s", what,
                 found ? found : "token");
}

void gv_p_advance(gv_parser *p)
{
    if (p->tok.kind == GV_TOK_EOF)
        return;
    p->prev_end = p->tok.end;
    if (p->has_peek) {
        p->tok = p->peeked;
        p->lx = p->after_peek;
        p->has_peek = 0;
        return;
    }
    p->tok = gv_lex_next(&p->lx);
}

gv_token gv_p_peek(gv_parser *p)
{
    if (!p->has_peek) {
        p->after_peek = p->lx;
        p->peeked = gv_lex_next(&p->after_peek);
        p->has_peek = 1;
    }
    return p->peeked;
}

int gv_p_adjacent(const gv_parser *p)
{
    return p->tok.start == p->prev_end;
}

int gv_p_accept(gv_parser *p, gv_tok_kind k)
{
    if (p->tok.kind != k)
        return 0;
    gv_p_advance(p);
    return 1;
}

int gv_p_expect(gv_parser *p, gv_tok_kind k, const char *what)
{
    if (gv_p_accept(p, k))
        return 1;
    gv_p_error_expected(p, what);
    return 0;
}

int gv_p_is_kw(const gv_parser *p, gv_kw kw)
{
    return p->tok.kind == GV_TOK_IDENT && p->tok.kw == kw;
}

int gv_p_enter(gv_parser *p)
{
    if (++p->depth <= GV_PARSE_MAX_DEPTH)
        return 1;
    char msg[96];
    snprintf(msg, sizeof msg, "nesting deeper than %d levels", GV_PARSE_MAX_DEPTH);
    gv_p_error_at(p, p->tok.loc, msg);
    return 0;
}

void gv_p_leave(gv_parser *p)
{
    p->depth--;
}

gv_str gv_p_str(const gv_token *t)
{
    gv_str s = {t->text ? t->text : "", (uint32_t)t->len};
    return s;
}

void *gv_vec_push(gv_parser *p, gv_vec *v)
{
    if (v->n == v->cap) {
        uint32_t cap = v->cap ? v->cap * 2 : 4;
        void *d = gv_arena_alloc(p->a, v->elem * cap);
        if (!d) {
            gv_p_oom(p);
            return NULL;
        }
        if (v->n)
            memcpy(d, v->data, v->elem * v->n);
        v->data = d;
        v->cap = cap;
    }
    char *slot = (char *)v->data + v->elem * v->n++;
    memset(slot, 0, v->elem);
    return slot;
}

static int push_ptr(gv_parser *p, gv_vec *v, void *ptr)
{
    void **slot = gv_vec_push(p, v);
    if (!slot)
        return 0;
    *slot = ptr;
    return 1;
}

/* ---- clauses ---- */

static gv_clause *new_clause(gv_parser *p, gv_clause_kind k, gv_loc loc)
{
    gv_clause *c = GV_NEW(p->a, gv_clause);
    if (!c) {
        gv_p_oom(p);
        return NULL;
    }
    c->kind = k;
    c->loc = loc;
    return c;
}

static void parse_message(gv_parser *p, gv_clause *c)
{
    if (p->tok.kind != GV_TOK_MESSAGE)
        return;
    c->has_message = 1;
    c->message = gv_p_str(&p->tok);
    gv_p_advance(p);
}

static gv_let *parse_let(gv_parser *p)
{
    gv_let *l = GV_NEW(p->a, gv_let);
    if (!l) {
        gv_p_oom(p);
        return NULL;
    }
    l->loc = p->tok.loc;
    gv_p_advance(p);                      /* let */
    if (p->tok.kind != GV_TOK_IDENT) {
        gv_p_error_expected(p, "a variable name after 'let'");
        return NULL;
    }
    l->name = gv_p_str(&p->tok);
    gv_p_advance(p);
    if (!gv_p_expect(p, GV_TOK_ASSIGN, "'=' after the variable name"))
        return NULL;
    l->value = gv_p_parse_value(p);
    return l->value ? l : NULL;
}

/* `let NAME` starts an assignment; a bare `let` is a query key. */
static int at_let(gv_parser *p)
{
    return gv_p_is_kw(p, GV_KW_LET) && gv_p_peek(p).kind == GV_TOK_IDENT;
}

static int parse_disjunction(gv_parser *p, gv_disj *out, int ctx);

/* Lets and clauses up to '}' (consumed). At least one clause. */
static int parse_block(gv_parser *p, gv_block *b, int ctx)
{
    if (!gv_p_expect(p, GV_TOK_LBRACE, "'{'") || !gv_p_enter(p))
        return 0;
    gv_vec lets = {.elem = sizeof(gv_let *)};
    gv_vec disj = {.elem = sizeof(gv_disj)};
    while (!p->failed && p->tok.kind != GV_TOK_RBRACE) {
        if (at_let(p)) {
            gv_let *l = parse_let(p);
            if (!l || !push_ptr(p, &lets, l))
                break;
            continue;
        }
        if (p->tok.kind == GV_TOK_EOF) {
            gv_p_error_expected(p, "'}'");
            break;
        }
        gv_disj *d = gv_vec_push(p, &disj);
        if (!d || !parse_disjunction(p, d, ctx))
            break;
    }
    gv_p_leave(p);
    if (p->failed)
        return 0;
    /* cfn-guard accepts a block of lets alone (it evaluates to SKIP), but
     * not an empty one (probed) */
    if (disj.n == 0 && lets.n == 0) {
        gv_p_error_expected(p, "a clause");
        return 0;
    }
    gv_p_advance(p);                      /* } */
    b->lets = lets.data;
    b->nlets = lets.n;
    b->body.items = disj.data;
    b->body.n = disj.n;
    return 1;
}

/* The context of a `when` body. cfn-guard parses the body of a `when` in a
 * rule body (or at file level) with a clause parser that takes rule
 * references but no type blocks, and a `when` inside that with one that
 * takes neither; in blocks and filters nothing changes (probed). */
static int when_body_ctx(int ctx)
{
    switch (ctx) {
    case GV_CTX_RULE:
    case GV_CTX_FILE:
        return GV_CTX_WHEN;
    case GV_CTX_WHEN:
    case GV_CTX_WHEN_NESTED:
        return GV_CTX_WHEN_NESTED;
    default:
        return GV_CTX_BLOCK;
    }
}

static gv_clause *parse_when(gv_parser *p, int ctx)
{
    gv_clause *c = new_clause(p, GV_CL_WHEN, p->tok.loc);
    if (!c)
        return NULL;
    gv_p_advance(p);                      /* when */
    if (!gv_p_parse_cnf(p, &c->u.when.conds, GV_CTX_COND, GV_TOK_LBRACE))
        return NULL;
    return parse_block(p, &c->u.when.body, when_body_ctx(ctx)) ? c : NULL;
}

static gv_clause *parse_type_block(gv_parser *p)
{
    gv_clause *c = new_clause(p, GV_CL_TYPE_BLOCK, p->tok.loc);
    if (!c)
        return NULL;
    /* cfn-guard accepts two or three '::'-separated parts (probed) */
    int parts = 1;
    for (size_t i = 0; i + 1 < p->tok.len; i++)
        if (p->tok.text[i] == ':' && p->tok.text[i + 1] == ':')
            parts++;
    if (parts > 3) {
        gv_p_error_at(p, p->tok.loc, "resource type names have two or three '::'-separated parts");
        return NULL;
    }
    c->u.type.type_name = gv_p_str(&p->tok);
    gv_p_advance(p);
    if (gv_p_is_kw(p, GV_KW_WHEN)) {
        gv_p_advance(p);
        if (!gv_p_parse_cnf(p, &c->u.type.conds, GV_CTX_COND, GV_TOK_LBRACE))
            return NULL;
    }
    return parse_block(p, &c->u.type.body, GV_CTX_BLOCK) ? c : NULL;
}

static gv_clause *parse_rule_call(gv_parser *p, gv_loc loc, int negated)
{
    gv_clause *c = new_clause(p, GV_CL_RULE_CALL, loc);
    if (!c)
        return NULL;
    c->negated = (uint8_t)negated;
    c->u.ref.name = gv_p_str(&p->tok);
    gv_p_advance(p);                      /* name; tok is '(' */
    if (!gv_p_parse_args(p, &c->u.ref.args, &c->u.ref.nargs))
        return NULL;
    parse_message(p, c);
    return c;
}

/* Whether a bare name just parsed may be a rule reference here. cfn-guard
 * also wants it to end its line: only a comment, `or`, a << message or
 * (in `when` conditions) the '{' may follow on the same line (probed). */
static int ref_allowed(const gv_parser *p, int ctx)
{
    if (ctx != GV_CTX_RULE && ctx != GV_CTX_COND && ctx != GV_CTX_WHEN && ctx != GV_CTX_WHEN_NESTED)
        return 0;
    for (size_t i = p->prev_end; i < p->tok.start; i++)
        if (p->lx.src[i] == '\n' || p->lx.src[i] == '#')
            return 1;
    return p->tok.kind == GV_TOK_MESSAGE || p->tok.kind == GV_TOK_PIPE_OR || gv_p_is_kw(p, GV_KW_OR) ||
           (ctx == GV_CTX_COND && p->tok.kind == GV_TOK_LBRACE);
}

/* After a query: an operator (comparison), '{' (block clause) or nothing
 * (a bare identifier is a reference to a named rule). */
static gv_clause *parse_query_clause(gv_parser *p, gv_loc loc, int negated, int some, int ctx)
{
    gv_query *q = gv_p_parse_query(p, some);
    if (!q)
        return NULL;
    gv_cmp_op op;
    uint8_t opneg;
    if (gv_p_parse_op(p, &op, &opneg)) {
        gv_clause *c = new_clause(p, GV_OP_IS_UNARY(op) ? GV_CL_UNARY : GV_CL_BINARY, loc);
        if (!c)
            return NULL;
        c->negated = (uint8_t)negated;
        c->u.cmp.lhs = q;
        c->u.cmp.op = op;
        c->u.cmp.op_negated = opneg;
        if (!GV_OP_IS_UNARY(op) && !(c->u.cmp.rhs = gv_p_parse_value(p)))
            return NULL;
        parse_message(p, c);
        return c;
    }
    if (p->tok.kind == GV_TOK_LBRACE && ctx != GV_CTX_COND && !negated) {
        gv_clause *c = new_clause(p, GV_CL_BLOCK, loc);
        if (!c)
            return NULL;
        c->u.block.query = q;
        return parse_block(p, &c->u.block.body, GV_CTX_BLOCK) ? c : NULL;
    }
    if (q->n == 1 && q->steps[0].kind == GV_STEP_KEY && !q->steps[0].quoted && !some &&
        ref_allowed(p, ctx)) {
        if (ctx == GV_CTX_WHEN_NESTED) {
            gv_p_error_at(p, loc, "a rule reference is not allowed in a 'when' block nested in "
                                  "another 'when' block (cfn-guard rejects it)");
            return NULL;
        }
        gv_clause *c = new_clause(p, GV_CL_RULE_REF, loc);
        if (!c)
            return NULL;
        c->negated = (uint8_t)negated;
        c->u.ref.name = q->steps[0].name;
        parse_message(p, c);
        return c;
    }
    if (q->n == 1 && q->steps[0].kind == GV_STEP_KEY && !q->steps[0].quoted && q->steps[0].name.len == 2 &&
        gv_keyword(q->steps[0].name.s, 2) == GV_KW_OR) {
        /* a dangling `or`: read as a rule name, which did not end its line */
        gv_p_error_expected(p, "a clause after 'or' (or the end of the line after a rule named 'or')");
        return NULL;
    }
    gv_p_error_expected(p, ctx == GV_CTX_COND || negated
                               ? "an operator (==, !=, in, exists, empty, is_string, ...)"
                               : "an operator (==, !=, in, exists, empty, is_string, ...) or '{'");
    return NULL;
}

/* The first character in [from, to) that is not a space, tab or CR. */
static int first_nonblank(const gv_parser *p, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (p->lx.src[i] != ' ' && p->lx.src[i] != '\t' && p->lx.src[i] != '\r')
            return (unsigned char)p->lx.src[i];
    return 0;
}

static gv_clause *parse_clause(gv_parser *p, int ctx)
{
    if (ctx != GV_CTX_COND && gv_p_is_kw(p, GV_KW_WHEN))
        return parse_when(p, ctx);
    if ((ctx == GV_CTX_RULE || ctx == GV_CTX_FILE) && p->tok.kind == GV_TOK_TYPENAME)
        return parse_type_block(p);
    if (ctx != GV_CTX_COND && p->tok.kind == GV_TOK_TYPENAME) {
        gv_p_error_at(p, p->tok.loc, "a type block is allowed only in a rule body or at file level");
        return NULL;
    }
    gv_loc loc = p->tok.loc;
    int negated = 0;
    /* cfn-guard's prefix `!` must touch what it negates (`! a exists` is a
     * syntax error); a `not` followed by a comment is an error, and one
     * that ends its line is not a prefix at all but a reference to a rule
     * named `not` (probed) */
    if (p->tok.kind == GV_TOK_BANG) {
        if (gv_p_peek(p).start != p->tok.end) {
            gv_p_error_at(p, p->tok.loc, "'!' must be followed directly by what it negates");
            return NULL;
        }
        negated = 1;
        gv_p_advance(p);
    } else if (gv_p_is_kw(p, GV_KW_NOT)) {
        gv_token next = gv_p_peek(p);
        if (!gv_p_gap_breaks(p, p->tok.end, next.start)) {
            negated = 1;
            gv_p_advance(p);
        } else if (first_nonblank(p, p->tok.end, next.start) == '#') {
            gv_p_error_at(p, p->tok.loc, "'not' must be followed by what it negates on the same line");
            return NULL;
        }
    }
    if (p->tok.kind == GV_TOK_IDENT && gv_p_peek(p).kind == GV_TOK_LPAREN &&
        gv_p_peek(p).start == p->tok.end)
        return parse_rule_call(p, loc, negated);
    int some = 0;
    if (gv_p_is_kw(p, GV_KW_SOME)) {
        some = 1;
        gv_p_advance(p);
    }
    if (p->tok.kind != GV_TOK_IDENT && p->tok.kind != GV_TOK_VAR && p->tok.kind != GV_TOK_STRING) {
        gv_p_error_expected(p, "a clause (a query, a rule name or 'when')");
        return NULL;
    }
    return parse_query_clause(p, loc, negated, some, ctx);
}

/* Whether a clause can start at token t. */
static int starts_clause(const gv_token *t)
{
    switch (t->kind) {
    case GV_TOK_IDENT:
    case GV_TOK_VAR:
    case GV_TOK_STRING:
    case GV_TOK_TYPENAME:
    case GV_TOK_BANG:
        return 1;
    default:
        return 0;
    }
}

/* An `or` with no clause after it (`a exists or` + newline + '}') is not a
 * disjunction in cfn-guard: it is the next clause, a reference to a rule
 * named `or` (probed); `||` has no such reading. */
static int at_or(gv_parser *p)
{
    if (p->tok.kind == GV_TOK_PIPE_OR)
        return 1;
    if (!gv_p_is_kw(p, GV_KW_OR))
        return 0;
    gv_token next = gv_p_peek(p);
    return starts_clause(&next);
}

static int parse_disjunction(gv_parser *p, gv_disj *out, int ctx)
{
    gv_vec v = {.elem = sizeof(gv_clause *)};
    do {
        gv_clause *c = parse_clause(p, ctx);
        if (!c || !push_ptr(p, &v, c))
            return 0;
    } while (at_or(p) && (gv_p_advance(p), 1));
    out->items = v.data;
    out->n = v.n;
    return 1;
}

/* Disjunctions up to (not including) `stop`: `when` conditions (stop '{')
 * and filters (stop ']'). At least one. */
int gv_p_parse_cnf(gv_parser *p, gv_cnf *out, int ctx, gv_tok_kind stop)
{
    gv_vec v = {.elem = sizeof(gv_disj)};
    if (!gv_p_enter(p))
        return 0;
    do {
        if (p->tok.kind == stop || p->tok.kind == GV_TOK_EOF) {
            gv_p_error_expected(p, "a clause");
            break;
        }
        gv_disj *d = gv_vec_push(p, &v);
        if (!d || !parse_disjunction(p, d, ctx))
            break;
    } while (p->tok.kind != stop && p->tok.kind != GV_TOK_EOF);
    gv_p_leave(p);
    out->items = v.data;
    out->n = v.n;
    return !p->failed;
}

/* ---- rules and the file ---- */

static int parse_params(gv_parser *p, gv_rule *r)
{
    gv_vec names = {.elem = sizeof(gv_str)};
    gv_vec locs = {.elem = sizeof(gv_loc)};
    gv_p_advance(p);                      /* ( */
    do {
        if (p->tok.kind != GV_TOK_IDENT) {
            gv_p_error_expected(p, "a parameter name");
            return 0;
        }
        gv_str *s = gv_vec_push(p, &names);
        gv_loc *l = gv_vec_push(p, &locs);
        if (!s || !l)
            return 0;
        *s = gv_p_str(&p->tok);
        *l = p->tok.loc;
        gv_p_advance(p);
    } while (gv_p_accept(p, GV_TOK_COMMA));
    if (!gv_p_expect(p, GV_TOK_RPAREN, "',' or ')'"))
        return 0;
    r->parameterised = 1;
    r->params = names.data;
    r->param_locs = locs.data;
    r->nparams = names.n;
    return 1;
}

static gv_rule *parse_rule(gv_parser *p, uint32_t index)
{
    gv_rule *r = GV_NEW(p->a, gv_rule);
    if (!r) {
        gv_p_oom(p);
        return NULL;
    }
    r->loc = p->tok.loc;
    r->index = index;
    gv_p_advance(p);                      /* rule */
    r->name = gv_p_str(&p->tok);
    gv_p_advance(p);
    if (p->tok.kind == GV_TOK_LPAREN && !parse_params(p, r))
        return NULL;
    /* cfn-guard rejects `when` on parameterised rules (probed) */
    if (!r->parameterised && gv_p_is_kw(p, GV_KW_WHEN)) {
        gv_p_advance(p);
        if (!gv_p_parse_cnf(p, &r->conds, GV_CTX_COND, GV_TOK_LBRACE))
            return NULL;
    }
    if (p->tok.kind != GV_TOK_LBRACE) {
        gv_p_error_expected(p, r->parameterised ? "'{'" : "'{' or 'when'");
        return NULL;
    }
    return parse_block(p, &r->body, GV_CTX_RULE) ? r : NULL;
}

static void parse_file_items(gv_parser *p, gv_rules_file *f)
{
    gv_vec lets = {.elem = sizeof(gv_let *)};
    gv_vec rules = {.elem = sizeof(gv_rule *)};
    gv_vec dflt = {.elem = sizeof(gv_disj)};
    while (!p->failed && p->tok.kind != GV_TOK_EOF) {
        if (at_let(p)) {
            gv_let *l = parse_let(p);
            if (l)
                push_ptr(p, &lets, l);
        } else if (gv_p_is_kw(p, GV_KW_RULE) && gv_p_peek(p).kind == GV_TOK_IDENT) {
            gv_rule *r = parse_rule(p, rules.n);
            if (r)
                push_ptr(p, &rules, r);
        } else {
            if (dflt.n == 0)
                f->default_loc = p->tok.loc;
            gv_disj *d = gv_vec_push(p, &dflt);
            if (d)
                parse_disjunction(p, d, GV_CTX_FILE);
        }
    }
    f->lets = lets.data;
    f->nlets = lets.n;
    f->rules = rules.data;
    f->nrules = rules.n;
    f->default_rule.items = dflt.data;
    f->default_rule.n = dflt.n;
}

gv_rules_file *gv_parse_rules(gv_arena *a, const char *filename, const char *text,
                              size_t len, gv_error *err)
{
    gv_parser p;
    memset(&p, 0, sizeof p);
    p.a = a;
    p.file = filename ? filename : "";
    p.err = err;
    gv_lexer_init(&p.lx, a, text, len);
    p.tok = gv_lex_next(&p.lx);
    gv_rules_file *f = GV_NEW(a, gv_rules_file);
    if (!f || !(f->filename = gv_arena_strdup(a, p.file))) {
        gv_p_oom(&p);
        return NULL;
    }
    parse_file_items(&p, f);
    return p.failed ? NULL : f;
}
