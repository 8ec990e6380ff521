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
    case GV_STRING: gv_buf_json_string(out, n->u.s, n->len); break;
    default: break;
    }
}

static void print_node(gv_buf *out, const gv_node *n, unsigned flags, int level);

static void print_value(gv_buf *out, const gv_node *n, unsigned flags, int level)
{
    if (n->kind == GV_LIST) {
        if (n->len == 0) {
            gv_buf_puts(out, "[]");
            return;
        }
        gv_buf_putc(out, '[');
        for (uint32_t i = 0; i < n->len; i++) {
            if (i)
                gv_buf_putc(out, ',');
            indent(out, flags, level + 1);
            print_node(out, n->u.items[i], flags, level + 1);
        }
        indent(out, flags, level);
        gv_buf_putc(out, ']');
    } else if (n->kind == GV_MAP) {
        if (n->len == 0) {
            gv_buf_puts(out, "{}");
            return;
        }
        gv_buf_putc(out, '{');
        for (uint32_t i = 0; i < n->len; i++) {
            if (i)
                gv_buf_putc(out, ',');
            indent(out, flags, level + 1);
            const gv_member *m = &n->u.members[i];
            gv_buf_json_string(out, m->key->str, m->key->len);
            gv_buf_puts(out, (flags & GV_PRINT_PRETTY) ? ": " : ":");
            print_node(out, m->value, flags, level + 1);
        }
        indent(out, flags, level);
        gv_buf_putc(out, '}');
    } else {
        gv_scalar_print_json(out, n);
    }
}

static void print_node(gv_buf *out, const gv_node *n, unsigned flags, int level)
{
    if (!(flags & GV_PRINT_LOCATIONS)) {
        print_value(out, n, flags, level);
        return;
    }
    const char *sep = (flags & GV_PRINT_PRETTY) ? ", " : ",";
    gv_buf_printf(out, "{\"line\":%u%s\"column\":%u%s\"value\":", n->line, sep, n->col, sep);
    print_value(out, n, flags, level);
    gv_buf_putc(out, '}');
}

void gv_node_print_json(gv_buf *out, const gv_node *n, unsigned flags)
{
    print_node(out, n, flags, 0);
}
