/* Renders the gv_pn tree of a rules file as pretty JSON or block YAML.
 * Strings are written as JSON string literals in both formats (a JSON
 * string is a valid YAML double-quoted scalar), so no YAML quoting rules
 * need to be reimplemented. */
#include "lang/ast_print.h"

#include <math.h>
#include <string.h>

#include "lang/ast_tree.h"

static void indent(gv_buf *b, int n)
{
    for (int i = 0; i < n; i++)
        gv_buf_putc(b, ' ');
}

static void scalar(gv_buf *b, const gv_pn *n)
{
    switch (n->kind) {
    case GV_PN_STR: gv_buf_json_string(b, n->s.s, n->s.len); break;
    case GV_PN_INT: gv_buf_printf(b, "%lld", (long long)n->i); break;
    case GV_PN_BOOL: gv_buf_puts(b, n->i ? "true" : "false"); break;
    case GV_PN_FLOAT:
        /* keep a '.' or exponent so the reader sees a float, as Guard does */
        if (!isfinite(n->f))
            gv_buf_puts(b, "null");
        else if (n->f == floor(n->f) && fabs(n->f) < 1e15)
            gv_buf_printf(b, "%.1f", n->f);
        else
            gv_buf_printf(b, "%.17g", n->f);
        break;
    default: gv_buf_puts(b, "null"); break;
    }
}

static int is_container(const gv_pn *n)
{
    return n->kind == GV_PN_OBJ || n->kind == GV_PN_ARR;
}

static void json(gv_buf *b, const gv_pn *n, int depth)
{
    if (!is_container(n)) {
        scalar(b, n);
        return;
    }
    int obj = n->kind == GV_PN_OBJ;
    if (!n->first) {
        gv_buf_puts(b, obj ? "{}" : "[]");
        return;
    }
    gv_buf_putc(b, obj ? '{' : '[');
    for (const gv_pn *c = n->first; c; c = c->next) {
        gv_buf_putc(b, '\n');
        indent(b, 2 * (depth + 1));
        if (obj) {
            gv_buf_json_string(b, c->key.s, c->key.len);
            gv_buf_puts(b, ": ");
        }
        json(b, c, depth + 1);
        if (c->next)
            gv_buf_putc(b, ',');
    }
    gv_buf_putc(b, '\n');
    indent(b, 2 * depth);
    gv_buf_putc(b, obj ? '}' : ']');
}

static void yaml_node(gv_buf *b, const gv_pn *n, int ind, int inline_first);

/* Plain keys stay unquoted; anything else (map literal keys) is quoted. */
static void yaml_key(gv_buf *b, gv_str k)
{
    int plain = k.len > 0 && !(k.s[0] >= '0' && k.s[0] <= '9');
    for (uint32_t i = 0; i < k.len && plain; i++) {
        char c = k.s[i];
        plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_';
    }
    if (plain && !(k.len == 4 && (!memcmp(k.s, "true", 4) || !memcmp(k.s, "null", 4))) &&
        !(k.len == 5 && !memcmp(k.s, "false", 5)))
        gv_buf_append(b, k.s, k.len);
    else
        gv_buf_json_string(b, k.s, k.len);
}

/* Lists of scalars (locations, parameter names) read better in flow style. */
static int yaml_flow_list(gv_buf *b, const gv_pn *n)
{
    if (n->kind != GV_PN_ARR)
        return 0;
    for (const gv_pn *c = n->first; c; c = c->next)
        if (is_container(c))
            return 0;
    gv_buf_puts(b, " [");
    for (const gv_pn *c = n->first; c; c = c->next) {
        scalar(b, c);
        if (c->next)
            gv_buf_puts(b, ", ");
    }
    gv_buf_puts(b, "]\n");
    return 1;
}

/* What follows "key:" or "-": a scalar or empty container on the same line,
 * otherwise a nested block. */
static void yaml_after_marker(gv_buf *b, const gv_pn *c, int ind, int is_item)
{
    if (yaml_flow_list(b, c))
        return;
    if (!is_container(c) || !c->first) {
        gv_buf_putc(b, ' ');
        if (is_container(c))
            gv_buf_puts(b, c->kind == GV_PN_OBJ ? "{}" : "[]");
        else
            scalar(b, c);
        gv_buf_putc(b, '\n');
    } else if (is_item && c->kind == GV_PN_OBJ) {
        gv_buf_putc(b, ' ');
        yaml_node(b, c, ind + 2, 1);
    } else {
        gv_buf_putc(b, '\n');
        yaml_node(b, c, ind + 2, 0);
    }
}

static void yaml_node(gv_buf *b, const gv_pn *n, int ind, int inline_first)
{
    for (const gv_pn *c = n->first; c; c = c->next) {
        if (!(inline_first && c == n->first))
            indent(b, ind);
        if (n->kind == GV_PN_OBJ) {
            yaml_key(b, c->key);
            gv_buf_putc(b, ':');
        } else {
            gv_buf_putc(b, '-');
        }
        yaml_after_marker(b, c, ind, n->kind == GV_PN_ARR);
    }
}

static int render(gv_buf *out, const gv_rules_file *f, int yaml)
{
    gv_arena a;
    gv_arena_init(&a, 0);
    gv_pn *root = gv_ast_tree(&a, f);
    if (root) {
        if (yaml)
            yaml_node(out, root, 0, 0);
        else {
            json(out, root, 0);
            gv_buf_putc(out, '\n');
        }
    } else {
        out->oom = 1;
    }
    gv_arena_free(&a);
    return root != NULL;
}

void gv_ast_print_json(gv_buf *out, const gv_rules_file *f)
{
    render(out, f, 0);
}

void gv_ast_print_yaml(gv_buf *out, const gv_rules_file *f)
{
    render(out, f, 1);
}
