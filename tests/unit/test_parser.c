/* Parser: every construct of the Guard 3 language as cfn-guard 3.1.1 parses
 * it (probed with `cfn-guard parse-tree`), and syntax errors with their
 * exact one-line text and line:col. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/parser.h"

static gv_arena arena;
static gv_error err;
static char errbuf[1024];

static gv_rules_file *parse(const char *src)
{
    gv_arena_free(&arena);
    gv_arena_init(&arena, 0);
    gv_error_clear(&err);
    errbuf[0] = '\0';
    gv_rules_file *f = gv_parse_rules(&arena, "t.guard", src, strlen(src), &err);
    if (!f)
        gv_error_format(&err, errbuf, sizeof errbuf);
    return f;
}

static gv_rules_file *parse_ok(const char *src)
{
    gv_rules_file *f = parse(src);
    ck_assert_msg(f != NULL, "unexpected error: %s", errbuf);
    return f;
}

static void parse_fails(const char *src, const char *want)
{
    ck_assert_ptr_null(parse(src));
    ck_assert_int_eq(err.code, GV_E_SYNTAX);
    ck_assert_str_eq(errbuf, want);
}

static void teardown(void)
{
    gv_arena_free(&arena);
}

/* First clause of the body of rule 0. */
static gv_clause *body0(gv_rules_file *f, uint32_t conj, uint32_t disj)
{
    ck_assert_uint_gt(f->nrules, 0);
    ck_assert_uint_gt(f->rules[0]->body.body.n, conj);
    ck_assert_uint_gt(f->rules[0]->body.body.items[conj].n, disj);
    return f->rules[0]->body.body.items[conj].items[disj];
}

static gv_literal *let_lit(gv_rules_file *f, uint32_t i)
{
    ck_assert_uint_gt(f->nlets, i);
    ck_assert_int_eq(f->lets[i]->value->kind, GV_VAL_LITERAL);
    return f->lets[i]->value->u.lit;
}

START_TEST(let_scalars)
{
    gv_rules_file *f = parse_ok("let s = \"x\"\nlet r = /a\\/b/\nlet i = -2\nlet d = 3.5\n"
                                "let t = True\nlet n = NULL\nlet q = 'it\\'s'");
    ck_assert_uint_eq(f->nlets, 7);
    ck_assert_int_eq(let_lit(f, 0)->kind, GV_LIT_STRING);
    ck_assert_str_eq(let_lit(f, 0)->u.str.s, "x");
    ck_assert_int_eq(let_lit(f, 1)->kind, GV_LIT_REGEX);
    ck_assert_str_eq(let_lit(f, 1)->u.str.s, "a/b");
    ck_assert_int_eq(let_lit(f, 2)->u.i, -2);
    ck_assert_double_eq(let_lit(f, 3)->u.f, 3.5);
    ck_assert_int_eq(let_lit(f, 4)->kind, GV_LIT_BOOL);
    ck_assert_int_eq(let_lit(f, 4)->u.b, 1);
    ck_assert_int_eq(let_lit(f, 5)->kind, GV_LIT_NULL);
    ck_assert_str_eq(let_lit(f, 6)->u.str.s, "it's");
    ck_assert_uint_eq(f->lets[3]->loc.line, 4);
    ck_assert_uint_eq(f->lets[3]->loc.col, 1);
}
END_TEST

START_TEST(let_list_and_map)
{
    gv_rules_file *f = parse_ok("let l = [1, \"a\", [2], {k: 1}]\nlet m = {a-b: 1, \"c d\": [r[1,2]], 'e': {}}\nlet e = []");
    gv_literal *l = let_lit(f, 0);
    ck_assert_int_eq(l->kind, GV_LIT_LIST);
    ck_assert_uint_eq(l->u.list.n, 4);
    ck_assert_int_eq(l->u.list.items[2]->kind, GV_LIT_LIST);
    ck_assert_int_eq(l->u.list.items[3]->kind, GV_LIT_MAP);
    gv_literal *m = let_lit(f, 1);
    ck_assert_uint_eq(m->u.map.n, 3);
    ck_assert_str_eq(m->u.map.items[0].key.s, "a-b");
    ck_assert_str_eq(m->u.map.items[1].key.s, "c d");
    ck_assert_int_eq(m->u.map.items[1].value->u.list.items[0]->kind, GV_LIT_RANGE);
    ck_assert_int_eq(m->u.map.items[2].value->u.map.n, 0);
    ck_assert_uint_eq(let_lit(f, 2)->u.list.n, 0);
}
END_TEST

START_TEST(ranges)
{
    gv_rules_file *f = parse_ok("let a = r[1, 5)\nlet b = r(1.5, 3.0]\nlet c = r[a,z]\nlet d = r(-1,2)");
    gv_literal *a = let_lit(f, 0);
    ck_assert_int_eq(a->u.range.kind, GV_RANGE_INT);
    ck_assert_int_eq(a->u.range.lo_i, 1);
    ck_assert_int_eq(a->u.range.hi_i, 5);
    ck_assert_int_eq(a->u.range.lo_incl, 1);
    ck_assert_int_eq(a->u.range.hi_incl, 0);
    gv_literal *b = let_lit(f, 1);
    ck_assert_int_eq(b->u.range.kind, GV_RANGE_FLOAT);
    ck_assert_int_eq(b->u.range.lo_incl, 0);
    ck_assert_int_eq(b->u.range.hi_incl, 1);
    ck_assert_double_eq(b->u.range.hi_f, 3.0);
    gv_literal *c = let_lit(f, 2);
    ck_assert_int_eq(c->u.range.kind, GV_RANGE_CHAR);
    ck_assert_int_eq(c->u.range.lo_i, 'a');
    ck_assert_int_eq(let_lit(f, 3)->u.range.lo_i, -1);
}
END_TEST

START_TEST(let_query_and_call)
{
    gv_rules_file *f = parse_ok("let d = this\nlet b = Resources.*[ Type == %T ]\n"
                                "let c = count(Resources.*)\nlet j = regex_replace(%x, \"a\", \"b\")");
    ck_assert_int_eq(f->lets[0]->value->kind, GV_VAL_QUERY);
    ck_assert_int_eq(f->lets[0]->value->u.query->steps[0].kind, GV_STEP_THIS);
    gv_query *q = f->lets[1]->value->u.query;
    ck_assert_uint_eq(q->n, 3);
    ck_assert_int_eq(q->steps[1].kind, GV_STEP_ALL_VALUES);
    ck_assert_int_eq(q->steps[2].kind, GV_STEP_FILTER);
    gv_call *c = f->lets[2]->value->u.call;
    ck_assert_int_eq(f->lets[2]->value->kind, GV_VAL_CALL);
    ck_assert_str_eq(c->name.s, "count");
    ck_assert_uint_eq(c->nargs, 1);
    ck_assert_uint_eq(f->lets[3]->value->u.call->nargs, 3);
}
END_TEST

START_TEST(rule_with_when_cnf)
{
    gv_rules_file *f = parse_ok("rule r when a exists\n  b exists or c exists {\n  d exists\n}");
    gv_rule *r = f->rules[0];
    ck_assert_str_eq(r->name.s, "r");
    ck_assert_int_eq(r->parameterised, 0);
    ck_assert_uint_eq(r->conds.n, 2);
    ck_assert_uint_eq(r->conds.items[1].n, 2);
    ck_assert_uint_eq(r->body.body.n, 1);
}
END_TEST

START_TEST(parameterised_rule)
{
    gv_rules_file *f = parse_ok("rule check(doc, TYPE) {\n  %doc.%TYPE.resourceProperties exists\n}");
    gv_rule *r = f->rules[0];
    ck_assert_int_eq(r->parameterised, 1);
    ck_assert_uint_eq(r->nparams, 2);
    ck_assert_str_eq(r->params[1].s, "TYPE");
    gv_query *q = body0(f, 0, 0)->u.cmp.lhs;
    ck_assert_int_eq(q->steps[0].kind, GV_STEP_VAR);
    ck_assert_int_eq(q->steps[1].kind, GV_STEP_VAR);
    ck_assert_str_eq(q->steps[1].name.s, "TYPE");
}
END_TEST

START_TEST(duplicate_rule_names_kept)
{
    gv_rules_file *f = parse_ok("rule a { x == 2 }\nrule b { y exists }\nrule a { x == 1 }");
    ck_assert_uint_eq(f->nrules, 3);
    ck_assert_str_eq(f->rules[2]->name.s, "a");
    ck_assert_uint_eq(f->rules[2]->index, 2);
}
END_TEST

START_TEST(default_rule_and_type_blocks)
{
    gv_rules_file *f = parse_ok("AWS::S3::Bucket when a exists { b exists }\nc exists\n"
                                "rule r { d exists }\nlet x = 1\ne exists");
    ck_assert_uint_eq(f->default_rule.n, 3);
    gv_clause *t = f->default_rule.items[0].items[0];
    ck_assert_int_eq(t->kind, GV_CL_TYPE_BLOCK);
    ck_assert_str_eq(t->u.type.type_name.s, "AWS::S3::Bucket");
    ck_assert_uint_eq(t->u.type.conds.n, 1);
    ck_assert_uint_eq(f->nlets, 1);
    ck_assert_uint_eq(f->nrules, 1);
    ck_assert_uint_eq(f->default_loc.line, 1);
}
END_TEST

START_TEST(or_spellings)
{
    gv_rules_file *f = parse_ok("rule r {\n a exists or b exists OR c exists |OR| d exists\n"
                                " e exists\n or f exists\n}");
    ck_assert_uint_eq(f->rules[0]->body.body.n, 2);
    ck_assert_uint_eq(f->rules[0]->body.body.items[0].n, 4);
    ck_assert_uint_eq(f->rules[0]->body.body.items[1].n, 2);
}
END_TEST

START_TEST(unary_operators_and_negation)
{
    gv_rules_file *f = parse_ok("rule r {\n a exists\n a not exists\n a !empty\n not a is_string\n"
                                " !a IS_LIST\n a NOT is_struct\n a is_bool\n a is_int\n"
                                " a is_float\n a is_null\n a EMPTY\n}");
    gv_cmp_op ops[] = {GV_OP_EXISTS, GV_OP_EXISTS, GV_OP_EMPTY, GV_OP_IS_STRING, GV_OP_IS_LIST,
                       GV_OP_IS_STRUCT, GV_OP_IS_BOOL, GV_OP_IS_INT, GV_OP_IS_FLOAT,
                       GV_OP_IS_NULL, GV_OP_EMPTY};
    int opneg[] = {0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0};
    int neg[] = {0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0};
    for (uint32_t i = 0; i < 11; i++) {
        gv_clause *c = body0(f, i, 0);
        ck_assert_int_eq(c->kind, GV_CL_UNARY);
        ck_assert_int_eq(c->u.cmp.op, ops[i]);
        ck_assert_int_eq(c->u.cmp.op_negated, opneg[i]);
        ck_assert_int_eq(c->negated, neg[i]);
        ck_assert_ptr_null(c->u.cmp.rhs);
    }
}
END_TEST

START_TEST(binary_operators)
{
    gv_rules_file *f = parse_ok("rule r {\n a == 1\n a != 1\n a < 1\n a <= 1\n a > 1\n a >= 1\n"
                                " a IN [1]\n a not in [1]\n a !in %x\n a==1\n}");
    gv_cmp_op ops[] = {GV_OP_EQ, GV_OP_EQ, GV_OP_LT, GV_OP_LE, GV_OP_GT, GV_OP_GE,
                       GV_OP_IN, GV_OP_IN, GV_OP_IN, GV_OP_EQ};
    int opneg[] = {0, 1, 0, 0, 0, 0, 0, 1, 1, 0};
    for (uint32_t i = 0; i < 10; i++) {
        gv_clause *c = body0(f, i, 0);
        ck_assert_int_eq(c->kind, GV_CL_BINARY);
        ck_assert_int_eq(c->u.cmp.op, ops[i]);
        ck_assert_int_eq(c->u.cmp.op_negated, opneg[i]);
        ck_assert_ptr_nonnull(c->u.cmp.rhs);
    }
    ck_assert_int_eq(body0(f, 8, 0)->u.cmp.rhs->kind, GV_VAL_QUERY);
}
END_TEST

START_TEST(rhs_kinds)
{
    gv_rules_file *f = parse_ok("rule r {\n a == b.c\n a == count(b[*])\n a == /re/\n"
                                " a IN r[1,3)\n a == {x: [1]}\n a == true\n}");
    ck_assert_int_eq(body0(f, 0, 0)->u.cmp.rhs->kind, GV_VAL_QUERY);
    ck_assert_uint_eq(body0(f, 0, 0)->u.cmp.rhs->u.query->n, 2);
    ck_assert_int_eq(body0(f, 1, 0)->u.cmp.rhs->kind, GV_VAL_CALL);
    ck_assert_int_eq(body0(f, 2, 0)->u.cmp.rhs->u.lit->kind, GV_LIT_REGEX);
    ck_assert_int_eq(body0(f, 3, 0)->u.cmp.rhs->u.lit->kind, GV_LIT_RANGE);
    ck_assert_int_eq(body0(f, 4, 0)->u.cmp.rhs->u.lit->kind, GV_LIT_MAP);
    ck_assert_int_eq(body0(f, 5, 0)->u.cmp.rhs->u.lit->kind, GV_LIT_BOOL);
}
END_TEST

START_TEST(block_clauses)
{
    gv_rules_file *f = parse_ok("rule r {\n  some Tags[*] {\n    let k = Key\n    %k == \"x\"\n  }\n"
                                "  Props { a exists } or b exists\n}");
    gv_clause *c = body0(f, 0, 0);
    ck_assert_int_eq(c->kind, GV_CL_BLOCK);
    ck_assert_int_eq(c->u.block.query->some, 1);
    ck_assert_uint_eq(c->u.block.body.nlets, 1);
    ck_assert_str_eq(c->u.block.body.lets[0]->name.s, "k");
    ck_assert_uint_eq(c->loc.line, 2);
    ck_assert_uint_eq(c->loc.col, 3);
    ck_assert_int_eq(body0(f, 1, 0)->kind, GV_CL_BLOCK);
    ck_assert_int_eq(body0(f, 1, 1)->kind, GV_CL_UNARY);
}
END_TEST

START_TEST(when_block_in_rule)
{
    gv_rules_file *f = parse_ok("rule r {\n when a exists { b exists }\n"
                                " when check(%x, this[0]) { this not exists }\n}");
    gv_clause *c = body0(f, 0, 0);
    ck_assert_int_eq(c->kind, GV_CL_WHEN);
    ck_assert_uint_eq(c->u.when.conds.n, 1);
    ck_assert_uint_eq(c->u.when.body.body.n, 1);
    gv_clause *cond = body0(f, 1, 0)->u.when.conds.items[0].items[0];
    ck_assert_int_eq(cond->kind, GV_CL_RULE_CALL);
    ck_assert_uint_eq(cond->u.ref.nargs, 2);
}
END_TEST

START_TEST(type_block_in_rule)
{
    gv_rules_file *f = parse_ok("rule r { AWS::EC2::Volume { Encrypted == true } }");
    gv_clause *c = body0(f, 0, 0);
    ck_assert_int_eq(c->kind, GV_CL_TYPE_BLOCK);
    ck_assert_uint_eq(c->u.type.conds.n, 0);
}
END_TEST

START_TEST(rule_references)
{
    gv_rules_file *f = parse_ok("rule r {\n s\n not s\n !s << m >>\n s or t\n}");
    gv_clause *c = body0(f, 0, 0);
    ck_assert_int_eq(c->kind, GV_CL_RULE_REF);
    ck_assert_str_eq(c->u.ref.name.s, "s");
    ck_assert_int_eq(body0(f, 1, 0)->negated, 1);
    c = body0(f, 2, 0);
    ck_assert_int_eq(c->negated, 1);
    ck_assert_int_eq(c->has_message, 1);
    ck_assert_str_eq(c->message.s, " m ");
    ck_assert_int_eq(body0(f, 3, 1)->kind, GV_CL_RULE_REF);
}
END_TEST

START_TEST(rule_calls)
{
    gv_rules_file *f = parse_ok("rule r {\n check(%x.Properties, \"a\", 1, [1], count(y))\n"
                                "     <<\n  [CT.X]: msg\n  >>\n not check(this)\n}");
    gv_clause *c = body0(f, 0, 0);
    ck_assert_int_eq(c->kind, GV_CL_RULE_CALL);
    ck_assert_uint_eq(c->u.ref.nargs, 5);
    ck_assert_int_eq(c->u.ref.args[0]->kind, GV_VAL_QUERY);
    ck_assert_int_eq(c->u.ref.args[1]->kind, GV_VAL_LITERAL);
    ck_assert_int_eq(c->u.ref.args[4]->kind, GV_VAL_CALL);
    ck_assert_str_eq(c->message.s, "\n  [CT.X]: msg\n  ");
    ck_assert_int_eq(body0(f, 1, 0)->negated, 1);
}
END_TEST

START_TEST(query_steps)
{
    gv_rules_file *f = parse_ok("rule r { a.'Fn::GetAtt'[0].b[*].*.-1[-2][ keys == /x/ ][\"k\"][ n ].this exists }");
    gv_query *q = body0(f, 0, 0)->u.cmp.lhs;
    gv_step_kind want[] = {GV_STEP_KEY, GV_STEP_KEY, GV_STEP_INDEX, GV_STEP_KEY,
                           GV_STEP_ALL_INDICES, GV_STEP_ALL_VALUES, GV_STEP_INDEX,
                           GV_STEP_INDEX, GV_STEP_KEYS_FILTER, GV_STEP_KEY,
                           GV_STEP_ALL_VALUES, GV_STEP_KEY};
    ck_assert_uint_eq(q->n, 12);
    for (uint32_t i = 0; i < 12; i++)
        ck_assert_int_eq(q->steps[i].kind, want[i]);
    ck_assert_int_eq(q->steps[1].quoted, 1);
    ck_assert_str_eq(q->steps[1].name.s, "Fn::GetAtt");
    ck_assert_int_eq(q->steps[6].index, -1);
    ck_assert_int_eq(q->steps[7].index, -2);
    ck_assert_int_eq(q->steps[8].keys.op, GV_OP_EQ);
    ck_assert_str_eq(q->steps[9].name.s, "k");
    ck_assert_str_eq(q->steps[10].name.s, "n");
    ck_assert_str_eq(q->steps[11].name.s, "this");
}
END_TEST

START_TEST(filters)
{
    gv_rules_file *f = parse_ok("let x = Resources.*[\n  Type == \"A\" or Type == \"B\"\n  some Tags[*].Key in [\"k\"]\n"
                                "  check(this)\n]\nlet y = %x [ keys not in [\"a\"] ]");
    gv_step *s = &f->lets[0]->value->u.query->steps[2];
    ck_assert_int_eq(s->kind, GV_STEP_FILTER);
    ck_assert_uint_eq(s->filter.n, 3);
    ck_assert_uint_eq(s->filter.items[0].n, 2);
    ck_assert_int_eq(s->filter.items[1].items[0]->u.cmp.lhs->some, 1);
    ck_assert_int_eq(s->filter.items[2].items[0]->kind, GV_CL_RULE_CALL);
    gv_step *k = &f->lets[1]->value->u.query->steps[1];
    ck_assert_int_eq(k->kind, GV_STEP_KEYS_FILTER);
    ck_assert_int_eq(k->keys.op, GV_OP_IN);
    ck_assert_int_eq(k->keys.op_negated, 1);
}
END_TEST

START_TEST(keywords_as_names)
{
    gv_rules_file *f = parse_ok("let let = 1\nrule rule { keys exists\n a.when == %let }");
    ck_assert_str_eq(f->lets[0]->name.s, "let");
    ck_assert_str_eq(f->rules[0]->name.s, "rule");
    ck_assert_str_eq(body0(f, 0, 0)->u.cmp.lhs->steps[0].name.s, "keys");
}
END_TEST

START_TEST(clause_locations)
{
    gv_rules_file *f = parse_ok("rule r {\n    some x[*] == 1 << m >>\n  not y exists\n}");
    ck_assert_uint_eq(body0(f, 0, 0)->loc.line, 2);
    ck_assert_uint_eq(body0(f, 0, 0)->loc.col, 5);
    ck_assert_uint_eq(body0(f, 1, 0)->loc.line, 3);
    ck_assert_uint_eq(body0(f, 1, 0)->loc.col, 3);
    ck_assert_uint_eq(f->rules[0]->loc.line, 1);
}
END_TEST

START_TEST(empty_file)
{
    gv_rules_file *f = parse_ok("# only a comment\n\n");
    ck_assert_uint_eq(f->nrules, 0);
    ck_assert_uint_eq(f->nlets, 0);
    ck_assert_uint_eq(f->default_rule.n, 0);
    ck_assert_str_eq(f->filename, "t.guard");
}
END_TEST

/* ---- syntax errors ---- */

START_TEST(error_empty_rule)
{
    parse_fails("rule r { }", "t.guard:1:10: expected a clause, found '}'");
}
END_TEST

START_TEST(error_empty_params)
{
    parse_fails("rule r() { a exists }", "t.guard:1:8: expected a parameter name, found ')'");
}
END_TEST

START_TEST(error_when_on_parameterised_rule)
{
    parse_fails("rule r(x) when %x exists { %x exists }", "t.guard:1:11: expected '{', found 'when'");
}
END_TEST

START_TEST(error_missing_rhs)
{
    parse_fails("rule r {\n  a ==\n}", "t.guard:3:1: expected a value, query or function call, found '}'");
}
END_TEST

START_TEST(error_query_without_operator)
{
    parse_fails("rule r {\n  a.b\n}",
                "t.guard:3:1: expected an operator (==, !=, in, exists, empty, is_string, ...) or '{', found '}'");
}
END_TEST

START_TEST(error_message_on_block)
{
    parse_fails("rule r { a { b exists } << m >> }", "t.guard:1:25: expected a clause (a query, a rule name or 'when'), found custom message");
}
END_TEST

START_TEST(error_let_without_assign)
{
    parse_fails("let x 1", "t.guard:1:7: expected '=' after the variable name, found integer 1");
}
END_TEST

START_TEST(error_dangling_or)
{
    /* cfn-guard reads a dangling `or` as a rule name, which must end its line */
    parse_fails("rule r { a exists or }",
                "t.guard:1:22: expected a clause after 'or' (or the end of the line after a rule named 'or'), found '}'");
}
END_TEST

START_TEST(error_unclosed_rule)
{
    parse_fails("rule r {\n  a exists\n", "t.guard:3:1: expected '}', found end of file");
}
END_TEST

START_TEST(error_not_eq)
{
    /* a bare name followed by more on its line is not a rule reference
     * (cfn-guard also stops at column 12) */
    parse_fails("rule r { a not == 1 }",
                "t.guard:1:12: expected an operator (==, !=, in, exists, empty, is_string, ...) or '{', found 'not'");
}
END_TEST

START_TEST(error_mixed_range)
{
    parse_fails("let a = r[1, 2.5]", "t.guard:1:14: range bounds must both be integers, floats or characters");
}
END_TEST

START_TEST(error_long_type_name)
{
    parse_fails("A::B::C::D { a exists }", "t.guard:1:1: resource type names have two or three '::'-separated parts");
}
END_TEST

/* cfn-guard parses a nested `when` body without rule references and any
 * `when` body without type blocks (probed); calls and refs in conditions
 * stay legal. */
START_TEST(error_clause_placement)
{
    parse_fails("rule r {\n  when a exists {\n    when b exists {\n      p\n    }\n  }\n}\n",
                "t.guard:4:7: a rule reference is not allowed in a 'when' block nested in another 'when' block (cfn-guard rejects it)");
    parse_fails("when a exists {\n  when b exists {\n    c exists or not p\n  }\n}\n",
                "t.guard:3:17: a rule reference is not allowed in a 'when' block nested in another 'when' block (cfn-guard rejects it)");
    parse_fails("rule r {\n  when a exists {\n    A::B::C { c exists }\n  }\n}\n",
                "t.guard:3:5: a type block is allowed only in a rule body or at file level");
    parse_fails("rule r {\n  A::B::C {\n    A::B::C { c exists }\n  }\n}\n",
                "t.guard:3:5: a type block is allowed only in a rule body or at file level");
    parse_ok("rule r {\n  when a exists {\n    when p {\n      q(1)\n    }\n    p\n  }\n}\n");
    parse_ok("when a exists {\n  p\n}\nA::B::C { c exists }\n");
    parse_ok("rule r {\n  a[ when b exists { c exists } ] exists\n}\n");
}
END_TEST

START_TEST(error_spaced_dot)
{
    parse_fails("rule r { a . b exists }",
                "t.guard:1:12: expected an operator (==, !=, in, exists, empty, is_string, ...) or '{', found '.'");
    parse_fails("rule r { a.b . c exists }", "t.guard:1:14: expected an operator (==, !=, in, exists, empty, is_string, ...) or '{', found '.'");
}
END_TEST

START_TEST(error_lexer_reason_reported)
{
    parse_fails("let a = \"abc", "t.guard:1:9: unterminated string literal");
    parse_fails("let a = -4.5", "t.guard:1:9: negative float literals are not supported (cfn-guard 3.1.1 rejects them)");
}
END_TEST

START_TEST(error_zero_arg_call)
{
    parse_fails("let a = count()", "t.guard:1:15: expected a value, query or function call, found ')'");
}
END_TEST

START_TEST(error_trailing_comma)
{
    parse_fails("let a = [1,]", "t.guard:1:12: expected a value (string, number, regex, bool, null, range, list or map), found ']'");
    parse_fails("let a = {a: 1,}", "t.guard:1:15: expected a map key, found '}'");
}
END_TEST

START_TEST(error_query_in_list)
{
    parse_fails("rule r { a in [%x] }", "t.guard:1:16: expected a value (string, number, regex, bool, null, range, list or map), found '%x'");
}
END_TEST

static char *nest(const char *open, const char *mid, const char *close, int n)
{
    size_t lo = strlen(open), lm = strlen(mid), lc = strlen(close);
    char *s = malloc(lo * n + lm + lc * n + 1), *p = s;
    for (int i = 0; i < n; i++, p += lo)
        memcpy(p, open, lo);
    memcpy(p, mid, lm);
    p += lm;
    for (int i = 0; i < n; i++, p += lc)
        memcpy(p, close, lc);
    *p = '\0';
    return s;
}

START_TEST(nesting_limit_blocks)
{
    char *ok = nest("a {\n", "b exists\n", "}\n", 100);
    ck_assert_ptr_nonnull(parse(ok));
    free(ok);
    char *deep = nest("a { ", "b exists", " }", 300);
    ck_assert_ptr_null(parse(deep));
    ck_assert_int_eq(err.code, GV_E_SYNTAX);
    ck_assert_ptr_nonnull(strstr(errbuf, "nesting deeper than 256 levels"));
    free(deep);
}
END_TEST

START_TEST(nesting_limit_lists_and_filters)
{
    char *deep = nest("[", "1", "]", 100000);
    char *src = malloc(strlen(deep) + 16);
    sprintf(src, "let a = %s", deep);
    ck_assert_ptr_null(parse(src));
    ck_assert_ptr_nonnull(strstr(errbuf, "nesting deeper than 256 levels"));
    free(deep);
    free(src);
    deep = nest("a[ ", "b exists", " ]", 5000);
    src = malloc(strlen(deep) + 32);
    sprintf(src, "let a = %s", deep);
    ck_assert_ptr_null(parse(src));
    ck_assert_ptr_nonnull(strstr(errbuf, "nesting deeper than 256 levels"));
    free(deep);
    free(src);
}
END_TEST

/* Every prefix of a realistic file either parses or fails cleanly. */
START_TEST(prefixes_never_crash)
{
    const char *src =
        "let T = \"AWS::S3::Bucket\"\nlet b = Resources.*[ Type == %T ]\n"
        "rule r when %b not empty {\n  %b.Properties {\n    some Tags[*] { Key == /^a/ or Value IN [\"x\", 1] }\n"
        "    check(this, r[1,2)) << msg >>\n  }\n}\nrule check(x, y) { %x[ keys == 'k' ] !exists }\n";
    size_t n = strlen(src);
    for (size_t i = 0; i <= n; i++) {
        char *prefix = malloc(i + 1);
        memcpy(prefix, src, i);
        prefix[i] = '\0';
        gv_rules_file *f = parse(prefix);
        ck_assert(f != NULL || (err.code == GV_E_SYNTAX && errbuf[0]));
        free(prefix);
    }
    ck_assert_ptr_nonnull(parse(src));
}
END_TEST

Suite *gv_test_suite(void)
{
    Suite *s = suite_create("parser");
    TCase *tc = tcase_create("constructs");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, let_scalars);
    tcase_add_test(tc, let_list_and_map);
    tcase_add_test(tc, ranges);
    tcase_add_test(tc, let_query_and_call);
    tcase_add_test(tc, rule_with_when_cnf);
    tcase_add_test(tc, parameterised_rule);
    tcase_add_test(tc, duplicate_rule_names_kept);
    tcase_add_test(tc, default_rule_and_type_blocks);
    tcase_add_test(tc, or_spellings);
    tcase_add_test(tc, unary_operators_and_negation);
    tcase_add_test(tc, binary_operators);
    tcase_add_test(tc, rhs_kinds);
    tcase_add_test(tc, block_clauses);
    tcase_add_test(tc, when_block_in_rule);
    tcase_add_test(tc, type_block_in_rule);
    tcase_add_test(tc, rule_references);
    tcase_add_test(tc, rule_calls);
    tcase_add_test(tc, query_steps);
    tcase_add_test(tc, filters);
    tcase_add_test(tc, keywords_as_names);
    tcase_add_test(tc, clause_locations);
    tcase_add_test(tc, empty_file);
    suite_add_tcase(s, tc);

    TCase *te = tcase_create("errors");
    tcase_add_checked_fixture(te, NULL, teardown);
    tcase_add_test(te, error_empty_rule);
    tcase_add_test(te, error_empty_params);
    tcase_add_test(te, error_when_on_parameterised_rule);
    tcase_add_test(te, error_missing_rhs);
    tcase_add_test(te, error_query_without_operator);
    tcase_add_test(te, error_message_on_block);
    tcase_add_test(te, error_let_without_assign);
    tcase_add_test(te, error_dangling_or);
    tcase_add_test(te, error_unclosed_rule);
    tcase_add_test(te, error_not_eq);
    tcase_add_test(te, error_mixed_range);
    tcase_add_test(te, error_long_type_name);
    tcase_add_test(te, error_spaced_dot);
    tcase_add_test(te, error_clause_placement);
    tcase_add_test(te, error_lexer_reason_reported);
    tcase_add_test(te, error_zero_arg_call);
    tcase_add_test(te, error_trailing_comma);
    tcase_add_test(te, error_query_in_list);
    tcase_add_test(te, nesting_limit_blocks);
    tcase_add_test(te, nesting_limit_lists_and_filters);
    tcase_add_test(te, prefixes_never_crash);
    suite_add_tcase(s, te);
    return s;
}
