/* Test spec files: the rule names expectations may use, and reading a spec
 * into cases, checked whole before any case runs so a bad file is never
 * half-reported. */
#include "run/testspec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/file.h"
#include "util/hash.h"

/* ---- rule names ---- */

static uint32_t *name_slot(const gv_test_names *n, const char *s, size_t len)
{
    uint32_t j = (uint32_t)gv_hash(s, len) & n->mask;
    for (;; j = (j + 1) & n->mask) {
        uint32_t v = n->slots[j];
        if (!v || (strlen(n->names[v - 1]) == len && memcmp(n->names[v - 1], s, len) == 0))
            return &n->slots[j];
    }
}

uint32_t gv_test_names_find(const gv_test_names *n, const char *name, size_t len)
{
    uint32_t v = *name_slot(n, name, len);
    return v ? v - 1 : UINT32_MAX;
}

/* Copied: a structured report outlives the program. */
static const char *display_name(gv_test_names *n, const gv_rule_decl *d, const char *label)
{
    const char *raw = n->prog->strings[d->name].s;
    return d->is_default ? gv_arena_sprintf(n->arena, "%s/%s", label, raw) : gv_arena_strdup(n->arena, raw);
}

/* Report order: the default rule first, as cfn-guard evaluates it. */
static int add_rule(gv_test_names *n, uint32_t i, const char *label)
{
    const gv_rule_decl *d = &n->prog->rules[i];
    if (d->parameterised)
        return 1;
    const char *name = display_name(n, d, label);
    if (!name)
        return 0;
    uint32_t *slot = name_slot(n, name, strlen(name));
    if (!*slot) {
        n->names[n->nnames++] = name;
        *slot = n->nnames;
    }
    n->of_rule[i] = *slot - 1;
    return 1;
}

int gv_test_names_init(gv_test_names *n, const gv_program *p, const char *label, gv_arena *a)
{
    memset(n, 0, sizeof *n);
    n->prog = p;
    n->arena = a;
    uint32_t cap = 16;
    while (cap < p->nrules * 2 + 2)
        cap *= 2;
    n->mask = cap - 1;
    n->slots = gv_arena_zalloc(a, cap * sizeof *n->slots);
    n->names = gv_arena_zalloc(a, (p->nrules + 1) * sizeof *n->names);
    n->of_rule = gv_arena_alloc(a, (p->nrules + 1) * sizeof *n->of_rule);
    if (!n->slots || !n->names || !n->of_rule)
        return -1;
    for (uint32_t i = 0; i < p->nrules; i++)
        n->of_rule[i] = UINT32_MAX;
    for (uint32_t i = 0; i < p->nrules; i++)
        if (p->rules[i].is_default && !add_rule(n, i, label))
            return -1;
    for (uint32_t i = 0; i < p->nrules; i++)
        if (!p->rules[i].is_default && !add_rule(n, i, label))
            return -1;
    return 0;
}

/* ---- reading a spec ---- */

typedef struct checker {
    gv_test_spec *s;
    const gv_test_names *names;
    const char *path;
    gv_error *err;
    int rank;            /* of the problem kept so far (0: none) */
} checker;

/* Which problem is reported: serde rejects a wrong shape before anything
 * runs (exit 1); cfn-guard aborts on an unknown status once it reaches it
 * (exit 255); an unknown rule name is gavel's own check (exit 1). */
enum { RANK_UNKNOWN_RULE = 1, RANK_STATUS = 2, RANK_SHAPE = 3 };

static const char *kind_phrase(const gv_node *n)
{
    switch (n->kind) {
    case GV_NULL: return "null";
    case GV_BOOL: return "a boolean";
    case GV_INT: return "an integer";
    case GV_FLOAT: return "a float";
    case GV_LIST: return "a sequence";
    case GV_MAP: return "a mapping";
    default: return "a string";
    }
}

/* "test case 2 ("name")": the case's place in its file, its name shown
 * short and on one line. */
void gv_test_case_label(char *buf, size_t n, uint32_t index, const char *name)
{
    int w = snprintf(buf, n, "test case %u", index + 1);
    if (!name || w < 0 || (size_t)w + 8 >= n)
        return;
    size_t at = (size_t)w;
    at += (size_t)snprintf(buf + at, n - at, " (\"");
    for (const char *p = name; *p && at + 6 < n; p++) {
        if (p - name >= 60) {
            at += (size_t)snprintf(buf + at, n - at, "...");
            break;
        }
        buf[at++] = (*p == '\n' || *p == '\r' || *p == '\t') ? ' ' : *p;
    }
    snprintf(buf + at, n - at, "\")");
}

/* Records a problem: the first of the highest rank is kept. */
static void problem(checker *c, int rank, const gv_node *at, uint32_t index, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static void problem(checker *c, int rank, const gv_node *at, uint32_t index, const char *name, const char *fmt, ...)
{
    if (rank <= c->rank)
        return;
    char label[128], msg[400];
    gv_test_case_label(label, sizeof label, index, name);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    gv_loc loc = at ? (gv_loc){ at->line, at->col } : (gv_loc){ 0, 0 };
    gv_error_set(c->err, GV_E_SPEC, c->path, loc, "%s: %s", label, msg);
    c->rank = rank;
}

static const gv_node *field(const gv_node *map, const char *key, gv_loc *key_loc)
{
    for (uint32_t i = 0; i < map->len; i++)
        if (strcmp(map->u.members[i].key->str, key) == 0) {
            *key_loc = (gv_loc){ map->u.members[i].line, map->u.members[i].col };
            return map->u.members[i].value;
        }
    return NULL;
}

static int parse_status(const gv_node *v, gv_rstatus *out)
{
    static const char *const words[] = { "SKIP", "PASS", "FAIL" };
    for (int k = 0; k < 3; k++)
        if (v->len == strlen(words[k]) && memcmp(v->u.s, words[k], v->len) == 0) {
            *out = (gv_rstatus)k;
            return 1;
        }
    return 0;
}

/* A status node that serde could read as a string (any scalar). */
static void check_expect(checker *c, const gv_member *m, uint32_t index, const char *name, gv_test_expect *out)
{
    char shown[96];
    const gv_node *v = m->value;
    gv_node at = { .line = m->line, .col = m->col };
    if (v->kind != GV_STRING) {
        problem(c, RANK_SHAPE, v, index, name, "the status of rule '%s' must be PASS, FAIL or SKIP, found %s",
                m->key->str, kind_phrase(v));
        return;
    }
    out->rule = gv_test_names_find(c->names, m->key->str, m->key->len);
    if (out->rule == UINT32_MAX) {
        problem(c, RANK_UNKNOWN_RULE, &at, index, name, "no rule named '%s' is reported by the rules file",
                m->key->str);
        return;
    }
    if (!parse_status(v, &out->status)) {
        snprintf(shown, sizeof shown, "%.60s", v->u.s);
        problem(c, RANK_STATUS, v, index, name, "unknown status '%s' for rule '%s' (expected PASS, FAIL or SKIP)",
                shown, m->key->str);
    }
}

static void check_rules(checker *c, const gv_node *rules, uint32_t index, gv_test_case *tc)
{
    tc->expects = gv_arena_alloc(&c->s->arena, (rules->len ? rules->len : 1) * sizeof *tc->expects);
    if (!tc->expects) {
        problem(c, RANK_SHAPE, NULL, index, tc->name, "out of memory");
        return;
    }
    for (uint32_t i = 0; i < rules->len; i++)
        check_expect(c, &rules->u.members[i], index, tc->name, &tc->expects[tc->nexpects++]);
}

static void check_expectations(checker *c, const gv_node *map, const gv_node *ex, gv_loc ex_loc, uint32_t index,
                               gv_test_case *tc)
{
    gv_loc rules_loc;
    if (!ex) {
        problem(c, RANK_SHAPE, map, index, tc->name, "missing 'expectations'");
        return;
    }
    if (ex->kind != GV_MAP) {
        gv_node at = { .line = ex_loc.line, .col = ex_loc.col };
        problem(c, RANK_SHAPE, &at, index, tc->name, "'expectations' must be a mapping with 'rules', found %s",
                kind_phrase(ex));
        return;
    }
    const gv_node *rules = field(ex, "rules", &rules_loc);
    if (!rules) {
        problem(c, RANK_SHAPE, ex, index, tc->name, "missing 'rules' in 'expectations'");
        return;
    }
    if (rules->kind != GV_MAP) {
        gv_node at = { .line = rules_loc.line, .col = rules_loc.col };
        problem(c, RANK_SHAPE, &at, index, tc->name, "'rules' must map rule names to PASS, FAIL or SKIP, found %s",
                kind_phrase(rules));
        return;
    }
    check_rules(c, rules, index, tc);
}

static void check_case(checker *c, const gv_node *item, uint32_t index, gv_test_case *tc)
{
    gv_loc loc;
    memset(tc, 0, sizeof *tc);
    tc->loc = (gv_loc){ item->line, item->col };
    if (item->kind != GV_MAP) {
        problem(c, RANK_SHAPE, item, index, NULL,
                "expected a mapping with 'name', 'input' and 'expectations', found %s", kind_phrase(item));
        return;
    }
    const gv_node *name = field(item, "name", &loc);
    if (name && name->kind == GV_STRING)
        tc->name = name->u.s;
    else if (name && name->kind != GV_NULL)
        problem(c, RANK_SHAPE, name, index, NULL, "'name' must be a string, found %s", kind_phrase(name));
    tc->input = field(item, "input", &loc);
    if (!tc->input)
        problem(c, RANK_SHAPE, item, index, tc->name, "missing 'input'");
    const gv_node *ex = field(item, "expectations", &loc);
    check_expectations(c, item, ex, loc, index, tc);
}

static gv_spec_status check_spec(checker *c)
{
    gv_test_spec *s = c->s;
    const gv_node *root = gv_doc_root(s->doc);
    if (!root)
        return GV_SPEC_OK; /* no document: no cases, as cfn-guard */
    if (root->kind != GV_LIST) {
        gv_error_set(c->err, GV_E_SPEC, c->path, (gv_loc){ root->line, root->col },
                     "expected a list of test cases, found %s", kind_phrase(root));
        return GV_SPEC_BAD;
    }
    s->cases = gv_arena_alloc(&s->arena, (root->len ? root->len : 1) * sizeof *s->cases);
    if (!s->cases) {
        gv_error_set(c->err, GV_E_NOMEM, c->path, (gv_loc){ 0, 0 }, "out of memory");
        return GV_SPEC_ABORT;
    }
    for (uint32_t i = 0; i < root->len; i++)
        check_case(c, root->u.items[i], i, &s->cases[s->ncases++]);
    return c->rank == RANK_STATUS ? GV_SPEC_ABORT : c->rank ? GV_SPEC_BAD : GV_SPEC_OK;
}

gv_spec_status gv_testspec_load(gv_test_spec *s, const char *path, const gv_test_names *names,
                                const gv_load_opts *o, gv_error *err)
{
    memset(s, 0, sizeof *s);
    gv_arena_init(&s->arena, 4096);
    size_t len;
    char *text = gv_read_file(path, o->max_file_size, &len, err);
    if (!text)
        return GV_SPEC_BAD;
    gv_spec_status st;
    s->doc = gv_testspec_parse(path, text, len, o, &st, err);
    free(text);
    if (!s->doc)
        return st;
    checker c = { s, names, path, err, 0 };
    return check_spec(&c);
}

void gv_testspec_free(gv_test_spec *s)
{
    gv_doc_free(s->doc);
    gv_arena_free(&s->arena);
    memset(s, 0, sizeof *s);
}
