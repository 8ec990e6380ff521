/* Rebuilds the nesting cfn-guard reports a rule's failures in. Each check
 * carries the clause frames it was recorded in (block clauses per value,
 * when blocks, parameterised calls); which clauses form a disjunction is
 * read from the code itself: C_OR n combines the statuses of the n
 * clauses before it in its block. */
#include <string.h>

#include "report/report_int.h"

/* The C_OR instruction whose disjunction contains clause ip, or GV_NONE. */
static uint32_t or_group(const gv_program *p, uint32_t ip)
{
    uint32_t lo = 0, hi = p->nblocks;
    while (hi - lo > 1) { /* last block starting at or before ip */
        uint32_t mid = (lo + hi) / 2;
        if (p->blocks[mid] <= ip)
            lo = mid;
        else
            hi = mid;
    }
    uint32_t stack[256], sp = 0;
    for (uint32_t i = p->blocks[lo]; i < p->ncode && p->code[i].op != GV_I_END; i++) {
        uint8_t op = p->code[i].op;
        if (op == GV_I_C_LET)
            continue;
        if (op == GV_I_C_OR || op == GV_I_C_AND) {
            uint32_t n = p->code[i].a <= sp ? p->code[i].a : sp;
            for (uint32_t k = sp - n; op == GV_I_C_OR && k < sp; k++)
                if (stack[k] == ip)
                    return i;
            sp -= n;
            stack[sp++] = GV_NONE;
        } else if (sp < 256) {
            stack[sp++] = i;
        }
    }
    return GV_NONE;
}

#define MEMO 64

typedef struct builder {
    gv_arena *a;
    int *oom;
    /* or_group rescans a block from its start: a rule's checks come from a
     * few clauses, each asked about once per check and nesting level */
    uint32_t memo_ip[MEMO], memo_group[MEMO];
    /* The previous check's frames, outermost first, and the node each led
     * to: consecutive checks mostly share their outer frames, and a shared
     * frame leads to the same node (it is still its parent's last child),
     * so a check starts below the frames it shares with the one before. */
    const gv_check_ctx *prev[GV_MAX_CTX_DEPTH];
    gv_cnode *below[GV_MAX_CTX_DEPTH];
    uint32_t nprev;
} builder;

static uint32_t or_group_memo(builder *b, const gv_program *p, uint32_t ip)
{
    uint32_t k = ip % MEMO;
    if (b->memo_ip[k] != ip) {
        b->memo_ip[k] = ip;
        b->memo_group[k] = or_group(p, ip);
    }
    return b->memo_group[k];
}

static gv_cnode *add(builder *b, gv_cnode *parent, gv_cnode_kind kind, const void *key, uint32_t key_ip)
{
    gv_cnode *last = parent->last;
    if (kind != GV_CN_CHECK && last && last->kind == kind && last->key == key && last->key_ip == key_ip)
        return last;
    gv_cnode *n = gv_arena_alloc(b->a, sizeof *n);
    if (!n) {
        *b->oom = 1;
        return NULL;
    }
    *n = (gv_cnode){ .kind = (uint8_t)kind, .key = key, .key_ip = key_ip };
    if (last)
        last->next = n;
    else
        parent->first = n;
    parent->last = n;
    return n;
}

/* The callee of a C_CALL: its first declaration (cfn-guard names the rule). */
static uint32_t callee(const gv_program *p, uint32_t ip)
{
    const gv_ref *r = &p->refs[p->code[ip].a];
    return r->n ? p->ref_decls[r->start] : 0;
}

static int insert(builder *b, const gv_program *p, gv_cnode *root, const gv_check *c)
{
    const gv_check_ctx *chain[GV_MAX_CTX_DEPTH];
    uint32_t depth = 0;
    for (const gv_check_ctx *x = c->ctx; x && depth < GV_MAX_CTX_DEPTH; x = x->up)
        chain[depth++] = x;
    /* frames shared with the previous check (chain[depth - 1 - r] is the
     * r-th outermost) */
    uint32_t shared = 0;
    while (shared < depth && shared < b->nprev && b->prev[shared] == chain[depth - 1 - shared])
        shared++;
    gv_cnode *node = shared ? b->below[shared - 1] : root;
    const void *enclosing = shared ? chain[depth - shared] : NULL;
    b->nprev = shared;
    for (uint32_t level = depth - shared + 1; level-- > 0 && node;) {
        uint32_t ip = level ? chain[level - 1]->ip : c->ip;
        uint32_t group = or_group_memo(b, p, ip);
        if (group != GV_NONE)
            node = add(b, node, GV_CN_ANY, enclosing, group);
        if (!node)
            return -1;
        if (!level) {
            gv_cnode *leaf = add(b, node, GV_CN_CHECK, c, c->ip);
            if (!leaf)
                return -1;
            leaf->check = c;
            return 0;
        }
        const gv_check_ctx *frame = chain[level - 1];
        if (p->code[ip].op == GV_I_C_CALL) {
            node = add(b, node, GV_CN_RULE, frame, ip);
            if (node)
                node->rule = callee(p, ip);
        }
        enclosing = frame;
        b->prev[b->nprev] = frame;
        b->below[b->nprev++] = node;
    }
    return node ? 0 : -1;
}

gv_cnode *gv_check_tree(gv_arena *a, const gv_report_item *it, const gv_rule_result *r, const uint32_t *subset,
                        uint32_t nsubset, int *oom)
{
    builder b; /* not zeroed whole: prev and below are read only below nprev */
    b.a = a;
    b.oom = oom;
    b.nprev = 0;
    memset(b.memo_ip, 0xff, sizeof b.memo_ip); /* GV_NONE: no instruction */
    gv_cnode *root = gv_arena_zalloc(a, sizeof *root);
    if (!root) {
        *oom = 1;
        return NULL;
    }
    root->kind = GV_CN_RULE;
    root->rule = r->rule;
    uint32_t n = subset ? nsubset : r->nchecks;
    for (uint32_t k = 0; k < n; k++) {
        const gv_check *c = &r->checks[subset ? subset[k] : k];
        if (!gv_check_hidden(it, c) && insert(&b, it->prog, root, c) < 0)
            return NULL;
    }
    return root->first ? root : NULL;
}
