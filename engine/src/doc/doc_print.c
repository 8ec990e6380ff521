#include "doc/doc_print.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void indent(gv_buf *out, unsigned flags, int level)
{
    if (!(flags & GV_PRINT_PRETTY))
        return;
    gv_buf_putc(out, '\n');
    for (int i = 0; i < level; i++)
        gv_buf_puts(out, "  ");
}

void gv_scalar_print_json(gv_buf *out, const gv_node *n)
{
    switch (n->kind) {
    case GV_NULL: gv_buf_puts(out, "null"); break;
    case GV_BOOL: gv_buf_puts(out, n->u.b ? "true" : "false"); break;
    case GV_INT: gv_buf_printf(out, "%lld", (long long)n->u.i); break;
    case GV_FLOAT: {
        if (!isfinite(n->u.f)) { /* JSON has no spelling for these */
            gv_buf_puts(out, "null");
            break;
        }
        char tmp[40];
        if (n->u.f == floor(n->u.f) && fabs(n->u.f) < 1e15) {
            snprintf(tmp, sizeof tmp, "%.1f", n->u.f);
            gv_buf_puts(out, tmp);
            break;
        }
        /* shortest text that reads back the same */
        for (int p = 1; p <= 17; p++) {
            snprintf(tmp, sizeof tmp, "%.*g", p, n->u.f);
            if (strtod(tmp, NULL) == n->u.f)
                break;
        }
        gv_buf_puts(out, tmp);
        if (!strpbrk(tmp, ".eEn"))
            gv_buf_puts(out, ".0");
        break;
    }
    case GV_STRING:
    case GV_CHAR: gv_buf_json_string(out, n->u.s, n->len); break;
    default: break;
    }
}

/* An explicit stack rather than recursion: alias expansion and
 * --max-depth can make documents deeper than the C stack would like. */
typedef struct pframe {
    const gv_node *n;
    uint32_t i; /* next child */
} pframe;

typedef struct printer {
    gv_buf *out;
    unsigned flags;
    pframe *stack;
    size_t depth, cap;
    pframe small[64];
} printer;

static void close_located(printer *p)
{
    if (p->flags & GV_PRINT_LOCATIONS)
        gv_buf_putc(p->out, '}');
}

/* Prints the start of n; a non-empty collection is pushed to be continued. */
static int open_node(printer *p, const gv_node *n)
{
    gv_buf *out = p->out;
    if (p->flags & GV_PRINT_LOCATIONS) {
        const char *sep = (p->flags & GV_PRINT_PRETTY) ? ", " : ",";
        gv_buf_printf(out, "{\"line\":%u%s\"column\":%u%s\"value\":", n->line, sep, n->col, sep);
    }
    int is_coll = n->kind == GV_LIST || n->kind == GV_MAP;
    if (!is_coll || n->len == 0) {
        if (is_coll)
            gv_buf_puts(out, n->kind == GV_LIST ? "[]" : "{}");
        else
            gv_scalar_print_json(out, n);
        close_located(p);
        return 1;
    }
    if (p->depth == p->cap) {
        size_t cap = p->cap * 2;
        pframe *s = p->stack == p->small ? malloc(cap * sizeof *s) : realloc(p->stack, cap * sizeof *s);
        if (!s) {
            out->oom = 1;
            return 0;
        }
        if (p->stack == p->small)
            memcpy(s, p->small, sizeof p->small);
        p->stack = s;
        p->cap = cap;
    }
    gv_buf_putc(out, n->kind == GV_LIST ? '[' : '{');
    p->stack[p->depth++] = (pframe){ n, 0 };
    return 1;
}

void gv_node_print_json(gv_buf *out, const gv_node *root, unsigned flags)
{
    printer p = { .out = out, .flags = flags, .cap = 64 };
    p.stack = p.small;
    int ok = open_node(&p, root);
    while (ok && p.depth) {
        pframe *f = &p.stack[p.depth - 1];
        const gv_node *n = f->n;
        if (f->i == n->len) {
            indent(out, flags, (int)p.depth - 1);
            gv_buf_putc(out, n->kind == GV_LIST ? ']' : '}');
            p.depth--;
            close_located(&p);
            continue;
        }
        if (f->i)
            gv_buf_putc(out, ',');
        indent(out, flags, (int)p.depth);
        const gv_node *child;
        if (n->kind == GV_MAP) {
            const gv_member *m = &n->u.members[f->i];
            gv_buf_json_string(out, m->key->str, m->key->len);
            gv_buf_puts(out, (flags & GV_PRINT_PRETTY) ? ": " : ":");
            child = m->value;
        } else {
            child = n->u.items[f->i];
        }
        f->i++;
        ok = open_node(&p, child);
    }
    if (p.stack != p.small)
        free(p.stack);
}
