#include "vm/disasm.h"

#include "doc/doc_print.h"
#include "lang/ast.h"

static void operand(gv_buf *out, const gv_program *p, uint32_t o)
{
    if (o == GV_NONE || o >= p->noperands) {
        gv_buf_puts(out, "?");
        return;
    }
    const gv_operand *op = &p->operands[o];
    switch (op->kind) {
    case GV_OPND_LITERAL: {
        const gv_node *n = p->literals[op->idx];
        if (n->kind == GV_REGEX)
            gv_buf_printf(out, "/%.*s/", (int)n->len, n->u.s);
        else if (n->kind == GV_RANGE)
            gv_buf_puts(out, "range");
        else
            gv_node_print_json(out, n, 0);
        break;
    }
    case GV_OPND_QUERY: gv_buf_printf(out, "query#%u", op->idx); break;
    default:
        gv_buf_printf(out, "%s(", p->strings[op->idx].s);
        for (uint32_t i = 0; i < op->nargs; i++) {
            if (i)
                gv_buf_puts(out, ", ");
            operand(out, p, p->args[op->args_start + i]);
        }
        gv_buf_putc(out, ')');
    }
}

static void insn_line(gv_buf *out, const gv_program *p, uint32_t ip)
{
    const gv_insn *in = &p->code[ip];
    gv_buf_printf(out, "  %5u  %-14s", ip, gv_opcode_name((gv_opcode)in->op));
    switch (in->op) {
    case GV_I_Q_KEY: gv_buf_printf(out, "'%s'", p->strings[in->b].s); break;
    case GV_I_Q_CAPTURE: gv_buf_printf(out, "%%%s", p->strings[in->b].s); break;
    case GV_I_Q_VAR:
    case GV_I_Q_VAR_KEY:
        if (in->flags == GV_VAR_UNBOUND)
            gv_buf_printf(out, "unbound %%%s", p->strings[in->a].s);
        else
            gv_buf_printf(out, "%s %u", in->flags == GV_VAR_PARAM ? "param" : "slot", in->a);
        break;
    case GV_I_Q_INDEX: gv_buf_printf(out, "%d", (int32_t)in->b); break;
    case GV_I_Q_FILTER:
    case GV_I_Q_SELECT:
    case GV_I_Q_ALL_FILTER:
    case GV_I_Q_KEYS_FILTER: gv_buf_printf(out, "block#%u", in->b); break;
    case GV_I_C_UNARY:
    case GV_I_C_BINARY:
        gv_buf_printf(out, "query#%u %s%s%s", in->a, (in->flags & GV_FLAG_SOME) ? "some " : "",
                      (in->flags & GV_FLAG_OPNOT) ? "not " : "",
                      gv_cmp_op_name((gv_cmp_op)(in->flags & GV_FLAG_OP_MASK)));
        if (in->op == GV_I_C_BINARY) {
            gv_buf_putc(out, ' ');
            operand(out, p, in->b);
        }
        break;
    case GV_I_C_BLOCK: gv_buf_printf(out, "query#%u block#%u%s", in->a, in->b, (in->flags & GV_FLAG_SOME) ? " some" : ""); break;
    case GV_I_C_WHEN: gv_buf_printf(out, "block#%u then block#%u", in->a, in->b); break;
    case GV_I_C_RULE: gv_buf_printf(out, "%s%s", (in->flags & GV_FLAG_NOT) ? "not " : "", p->strings[p->refs[in->a].name].s); break;
    case GV_I_C_CALL:
        gv_buf_printf(out, "%s%s(", (in->flags & GV_FLAG_NOT) ? "not " : "", p->strings[p->refs[in->a].name].s);
        for (uint32_t i = 0; i < in->c; i++) {
            if (i)
                gv_buf_puts(out, ", ");
            operand(out, p, p->args[in->b + i]);
        }
        gv_buf_putc(out, ')');
        break;
    case GV_I_C_LET:
        gv_buf_printf(out, "slot %u = ", in->a);
        operand(out, p, in->b);
        break;
    case GV_I_C_AND:
    case GV_I_C_OR: gv_buf_printf(out, "%u", in->a); break;
    default: break;
    }
    if (p->locs[ip].line)
        gv_buf_printf(out, "    ; %u:%u", p->locs[ip].line, p->locs[ip].col);
    gv_buf_putc(out, '\n');
}

void gv_disassemble(gv_buf *out, const gv_program *p)
{
    gv_buf_printf(out, "; program %s: %u instructions, %u blocks, %u rules, %u let slots\n", p->source,
                  p->ncode, p->nblocks, p->nrules, p->nslots);
    for (uint32_t i = 0; i < p->nslots; i++)
        if (p->global_operand[i] != GV_NONE) {
            gv_buf_printf(out, "let slot %u = ", i);
            operand(out, p, p->global_operand[i]);
            gv_buf_putc(out, '\n');
        }
    for (uint32_t r = 0; r < p->nrules; r++) {
        const gv_rule_decl *d = &p->rules[r];
        gv_buf_printf(out, "rule %s%s", p->strings[d->name].s, d->parameterised ? "(...)" : "");
        if (d->when_block != GV_NONE)
            gv_buf_printf(out, " when block#%u", d->when_block);
        gv_buf_printf(out, " body block#%u\n", d->body_block);
    }
    for (uint32_t b = 0; b < p->nblocks; b++) {
        gv_buf_printf(out, "block#%u:\n", b);
        for (uint32_t ip = p->blocks[b]; ip < p->ncode; ip++) {
            insn_line(out, p, ip);
            if (p->code[ip].op == GV_I_END)
                break;
        }
    }
}
