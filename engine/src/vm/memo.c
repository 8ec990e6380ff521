/* Statuses of parameterised rules shared by every program evaluated against
 * one document.
 *
 * The Control Tower files each declare the same helpers (is_cfn_template,
 * is_cfn_hook) and call them in their `when` conditions with the same
 * document: a hook evaluates the same few bodies 237 times. A rule body
 * that reads nothing but its arguments, `this`, the document and literals
 * has a status that depends on those alone, so a structural key of the
 * body (computed when the program is built, equal across files that
 * declare the same rule) plus the arguments' identities decides it. The
 * arguments are nearly always file-level lets of the same content in
 * every file (`let INPUT_DOCUMENT = this`, `let TYPE = "AWS::S3::Bucket"`):
 * lets get content keys too, and a call whose arguments are all such lets
 * a key of its own, so that the call is answered without evaluating them.
 *
 * Only statuses are kept, so only calls that record nothing use the memo:
 * outside conditions and filters the checks of the call are needed. */
#include "vm/memo.h"

#include "vm/keyindex.h"

#include <stdlib.h>
#include <string.h>
/* inlined, as in util/hash.c */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "vm/vm.h"

/* Keys are serialised into a bounded buffer before hashing: a body or an
 * argument list that does not fit is simply not memoised. */
#define KEY_MAX 4096
#define BODY_DEPTH_MAX 64
#define MEMO_MAX_ENTRIES (1u << 20)

typedef struct keybuf {
    unsigned char *p, *end;
    int bad;  /* overflow, or something that cannot be keyed */
    int lets; /* keying a file-level let: what it may read differs (put_var) */
    unsigned char b[KEY_MAX];
} keybuf;

static void key_init(keybuf *k, int lets)
{
    k->p = k->b;
    k->end = k->b + KEY_MAX;
    k->bad = 0;
    k->lets = lets;
}

static inline void put(keybuf *k, const void *p, size_t n)
{
    if ((size_t)(k->end - k->p) < n) {
        k->bad = 1;
        k->p = k->end;
        return;
    }
    memcpy(k->p, p, n);
    k->p += n;
}

static inline void put_u32(keybuf *k, uint32_t v)
{
    put(k, &v, sizeof v);
}

static inline void put_u8(keybuf *k, uint8_t v)
{
    put(k, &v, 1);
}

/* Scalars by content: the same literal in two programs is two nodes. */
static int put_scalar(keybuf *k, const gv_node *n)
{
    put_u8(k, n->kind);
    switch ((gv_kind)n->kind) {
    case GV_NULL: return 1;
    case GV_BOOL: put_u8(k, n->u.b); return 1;
    case GV_INT: put(k, &n->u.i, sizeof n->u.i); return 1;
    case GV_FLOAT: put(k, &n->u.f, sizeof n->u.f); return 1;
    case GV_STRING:
    case GV_REGEX:
    case GV_CHAR:
        put_u32(k, n->len);
        put(k, n->u.s, n->len);
        return 1;
    case GV_RANGE: {
        const gv_range_node *r = (const gv_range_node *)n;
        put_u8(k, r->kind);
        put_u8(k, r->lo_incl);
        put_u8(k, r->hi_incl);
        put(k, &r->lo_i, sizeof r->lo_i);
        put(k, &r->hi_i, sizeof r->hi_i);
        put(k, &r->lo_f, sizeof r->lo_f);
        put(k, &r->hi_f, sizeof r->hi_f);
        return 1;
    }
    default: return 0;
    }
}

static void put_literal(keybuf *k, const gv_node *n)
{
    if (put_scalar(k, n))
        return;
    put_u32(k, n->len);
    for (uint32_t i = 0; i < n->len; i++) {
        if (n->kind == GV_MAP) {
            put_u32(k, n->u.members[i].key->len);
            put(k, n->u.members[i].key->str, n->u.members[i].key->len);
            put_literal(k, n->u.members[i].value);
        } else
            put_literal(k, n->u.items[i]);
    }
}

static void put_string(keybuf *k, const gv_program *p, uint32_t s)
{
    put_u32(k, p->strings[s].len);
    put(k, p->strings[s].s, p->strings[s].len);
}

static void put_block(keybuf *k, const gv_program *p, uint32_t block, int depth);

static void put_operand(keybuf *k, const gv_program *p, uint32_t o, int depth)
{
    const gv_operand *op = &p->operands[o];
    put_u8(k, op->kind);
    switch ((gv_operand_kind)op->kind) {
    case GV_OPND_LITERAL: put_literal(k, p->literals[op->idx]); return;
    case GV_OPND_QUERY: put_block(k, p, op->idx, depth); return;
    case GV_OPND_CALL:
        if (k->lets) { /* now() differs from one program to the next */
            k->bad = 1;
            return;
        }
        put(k, &op->fn, sizeof op->fn);
        put_u32(k, op->nargs);
        for (uint32_t i = 0; i < op->nargs; i++)
            put_operand(k, p, p->args[op->args_start + i], depth);
        return;
    }
    k->bad = 1;
}

/* Variables other than the rule's parameters and its own lets (slots are
 * numbered file-wide; a slot with a file-level operand is the file's let)
 * come from the program around it: such a body is not keyed. A file-level
 * let may read other file-level lets bound to a literal, keyed by that
 * literal: those evaluate to it wherever they are declared, with no effect
 * on the evaluation (another let's evaluation could move vm->ip, which a
 * function's error shows, or fail). */
static void put_var(keybuf *k, const gv_program *p, const gv_insn *in)
{
    if (k->lets) {
        uint32_t o = in->flags == GV_VAR_LOCAL && in->a < p->nslots ? p->global_operand[in->a] : GV_NONE;
        if (o == GV_NONE || p->operands[o].kind != GV_OPND_LITERAL) {
            k->bad = 1;
            return;
        }
        put_literal(k, p->literals[p->operands[o].idx]);
        return;
    }
    if (in->flags != GV_VAR_PARAM &&
        (in->flags != GV_VAR_LOCAL || in->a >= p->nslots || p->global_operand[in->a] != GV_NONE))
        k->bad = 1;
    put_u32(k, in->a);
}

/* Every field an instruction reads, constants by content. */
static void put_insn(keybuf *k, const gv_program *p, const gv_insn *in, int depth)
{
    put_u8(k, in->op);
    put_u8(k, in->flags);
    switch ((gv_opcode)in->op) {
    case GV_I_Q_ROOT:
    case GV_I_Q_THIS:
    case GV_I_Q_ALL:
    case GV_I_END: return;
    case GV_I_Q_VAR: put_var(k, p, in); put_u32(k, in->c); return;
    case GV_I_Q_VAR_KEY: put_var(k, p, in); return;
    case GV_I_Q_KEY: put_string(k, p, in->b); return;
    case GV_I_Q_INDEX: put_u32(k, in->b); return;
    case GV_I_Q_FILTER:
    case GV_I_Q_ALL_FILTER:
    case GV_I_Q_SELECT:
    case GV_I_Q_KEYS_FILTER: put_block(k, p, in->b, depth); return;
    case GV_I_C_UNARY: put_block(k, p, in->a, depth); return;
    case GV_I_C_BINARY:
        put_block(k, p, in->a, depth);
        put_operand(k, p, in->b, depth);
        put_u32(k, in->c);
        return;
    case GV_I_C_BLOCK:
        put_block(k, p, in->a, depth);
        put_block(k, p, in->b, depth);
        if (in->flags & GV_FLAG_TYPE_BLOCK)
            put_string(k, p, in->c);
        return;
    case GV_I_C_WHEN:
        put_block(k, p, in->a, depth);
        put_block(k, p, in->b, depth);
        return;
    case GV_I_C_LET:
        if (k->lets) /* a let in a filter of a file-level let: it has no frame to live in */
            k->bad = 1;
        put_u32(k, in->a);
        put_operand(k, p, in->b, depth);
        return;
    case GV_I_C_AND:
    case GV_I_C_OR: put_u32(k, in->a); return;
    case GV_I_Q_CAPTURE: /* `[ name ]` appends to %name: a side effect, the call must run */
    case GV_I_C_RULE: /* other rules of the program: not keyed */
    case GV_I_C_CALL:
    default: k->bad = 1; return;
    }
}

static void put_block(keybuf *k, const gv_program *p, uint32_t block, int depth)
{
    if (depth > BODY_DEPTH_MAX) {
        k->bad = 1;
        return;
    }
    put_u8(k, '(');
    for (uint32_t ip = p->blocks[block]; !k->bad; ip++) {
        put_insn(k, p, &p->code[ip], depth + 1);
        if (p->code[ip].op == GV_I_END)
            break;
    }
}

/* The key of the file-level let an argument is written as (a bare `%v`,
 * which the interpreter passes as the let's own set), or NULL. */
static const gv_rule_key *let_arg_key(const gv_program *p, uint32_t operand)
{
    const gv_operand *o = &p->operands[operand];
    if (o->kind != GV_OPND_QUERY)
        return NULL;
    const gv_insn *q = &p->code[p->blocks[o->idx]];
    if (q[0].op != GV_I_Q_VAR || q[1].op != GV_I_END || q[0].flags != GV_VAR_LOCAL || q[0].a >= p->nslots ||
        p->global_operand[q[0].a] == GV_NONE)
        return NULL;
    const gv_rule_key *lk = &p->let_keys[q[0].a];
    return lk->lo | lk->hi ? lk : NULL;
}

static gv_rule_key key_of(const keybuf *k)
{
    if (k->bad)
        return (gv_rule_key){ 0, 0 };
    XXH128_hash_t h = XXH3_128bits(k->b, (size_t)(k->p - k->b));
    return (gv_rule_key){ h.low64, h.high64 | 1 }; /* {0, 0}: not keyed */
}

int gv_program_key_rules(gv_program *p, gv_arena *arena)
{
    p->rule_keys = gv_arena_zalloc(arena, (p->nrules ? p->nrules : 1) * sizeof *p->rule_keys);
    p->let_keys = gv_arena_zalloc(arena, (p->nslots ? p->nslots : 1) * sizeof *p->let_keys);
    p->call_keys = gv_arena_zalloc(arena, (p->nrefs ? p->nrefs : 1) * sizeof *p->call_keys);
    keybuf *k = p->rule_keys && p->let_keys && p->call_keys ? malloc(sizeof *k) : NULL;
    if (!k)
        return 0;
    for (uint32_t i = 0; i < p->nrules; i++) {
        const gv_rule_decl *d = &p->rules[i];
        if (!d->parameterised)
            continue;
        key_init(k, 0);
        put_u32(k, d->nparams);
        put_block(k, p, d->body_block, 0);
        p->rule_keys[i] = key_of(k);
    }
    /* a file-level let's value depends on its operand and the document
     * alone (it is evaluated from the root, recording nothing): equal keys,
     * equal values on one document */
    for (uint32_t i = 0; i < p->nslots; i++) {
        if (p->global_operand[i] == GV_NONE)
            continue;
        key_init(k, 1);
        put_u8(k, 'L');
        put_operand(k, p, p->global_operand[i], 0);
        p->let_keys[i] = key_of(k);
    }
    /* a call whose arguments are all such lets (`is_cfn_hook(%INPUT_DOCUMENT,
     * %TYPE)`) is the rule's key and the lets' (refs are one per call,
     * compile.c); starting with 'C', no call key is a rule's */
    for (uint32_t ip = 0; ip < p->ncode; ip++) {
        const gv_insn *in = &p->code[ip];
        if (in->op != GV_I_C_CALL || in->a >= p->nrefs || p->refs[in->a].n == 0)
            continue;
        const gv_ref *r = &p->refs[in->a];
        uint32_t d = p->ref_decls[r->start + r->n - 1];
        if (!(p->rule_keys[d].lo | p->rule_keys[d].hi) || p->rules[d].nparams != in->c)
            continue;
        key_init(k, 0);
        put_u8(k, 'C');
        put(k, &p->rule_keys[d], sizeof p->rule_keys[d]);
        put_u32(k, in->c);
        for (uint32_t i = 0; i < in->c && !k->bad; i++) {
            const gv_rule_key *lk = let_arg_key(p, p->args[in->b + i]);
            if (lk)
                put(k, lk, sizeof *lk);
            else
                k->bad = 1;
        }
        p->call_keys[in->a] = key_of(k);
    }
    free(k);
    return 1;
}

/* ---- the memo ---- */

/* A call's key is kept whole and compared on a hit: the hash only finds
 * the slot, so no two different calls can ever share a status. */
typedef struct memo_entry {
    uint64_t hash;
    const uint64_t *words; /* NULL: empty */
    uint32_t n;
    uint8_t status;
} memo_entry;

/* A map and key a filter asked about: indexed when asked a second time
 * (the first ask visits the members anyway). */
typedef struct kx_entry {
    const gv_node *map;
    gv_kconst key;          /* copied: the memo may outlive the asking program */
    gv_key_index *index;    /* NULL until built */
    uint32_t asks;
} kx_entry;

struct gv_memo {
    const gv_node *root;
    kx_entry kx[GV_MEMO_KEY_INDEXES];
    uint32_t nkx;
    gv_arena arena;       /* the keys */
    gv_arena_span *spans; /* the document's memory: its nodes stay put while the memo lives */
    size_t nspans;
    memo_entry *tab;
    uint32_t cap, n;
};

gv_memo *gv_memo_new(const gv_doc *doc, const gv_node *root)
{
    gv_memo *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    gv_arena_init(&m->arena, 4096);
    m->root = root;
    m->spans = gv_arena_spans(gv_doc_arena((gv_doc *)doc), &m->arena, &m->nspans);
    m->cap = 256; /* a hook document meets ~100 distinct calls: no growth */
    m->tab = calloc(m->cap, sizeof *m->tab);
    if ((!m->spans && m->nspans) || !m->tab) {
        gv_memo_free(m);
        return NULL;
    }
    return m;
}

void gv_memo_free(gv_memo *m)
{
    if (!m)
        return;
    gv_arena_free(&m->arena);
    free(m->tab);
    free(m);
}

/* A call's key is a few 64-bit words, built and compared without
 * serialising: the call's key and `this` when its arguments are all
 * keyed file-level lets (gv_program_key_rules), else the rule's key, then
 * `this`, then each argument: a word with its count and cut/filtered
 * marks, then its values. A value is one word when it is the root or a list or map of the document
 * (its address, which stays put while the memo lives: nodes are never
 * dereferenced through a key), or a scalar by content (a word with its
 * kind and length, then its bytes): the same literal in two programs is two
 * nodes. The low two bits of a value's first word say which (addresses are
 * 8-aligned), bit 2 holds the value's literal mark. Anything else
 * (unresolved, a list or map made at run time or written in the rules, a
 * range) is not keyed. */
#define CALL_WORDS 64
enum { W_ADDR = 0, W_SCALAR = 1, W_ARG = 2 };

typedef struct callkey {
    uint64_t w[CALL_WORDS];
    uint32_t n;
} callkey;

/* The one word of v, whose node n is the root or a list or map of the
 * document. */
static inline uint64_t addr_word(const gv_node *n, const gv_val *v)
{
    return (uint64_t)(uintptr_t)n | (uint64_t)(v->literal != 0) << 2 | W_ADDR;
}

/* 0 when v cannot be keyed or the key is full. */
static inline int put_value(callkey *k, const gv_memo *m, const gv_val *v)
{
    const gv_node *n = v->node;
    if (!n || k->n == CALL_WORDS)
        return 0;
    uint64_t lit = (uint64_t)(v->literal != 0) << 2;
    if (n == m->root) {
        k->w[k->n++] = addr_word(n, v);
        return 1;
    }
    uint64_t head = W_SCALAR | lit | (uint64_t)n->kind << 8;
    switch ((gv_kind)n->kind) {
    case GV_STRING:
    case GV_REGEX:
    case GV_CHAR: {
        uint32_t words = (n->len + 7) / 8;
        if (words >= CALL_WORDS - k->n)
            return 0;
        k->w[k->n + words] = 0; /* the last word's padding (the head itself when empty) */
        k->w[k->n] = head | (uint64_t)n->len << 32;
        memcpy(&k->w[k->n + 1], n->u.s, n->len);
        k->n += 1 + words;
        return 1;
    }
    case GV_NULL:
        k->w[k->n++] = head;
        return 1;
    case GV_BOOL:
    case GV_INT:
    case GV_FLOAT: {
        if (k->n + 2 > CALL_WORDS)
            return 0;
        uint64_t bits = 0;
        if (n->kind == GV_BOOL)
            bits = n->u.b;
        else
            memcpy(&bits, &n->u, sizeof bits);
        k->w[k->n] = head;
        k->w[k->n + 1] = bits;
        k->n += 2;
        return 1;
    }
    case GV_LIST:
    case GV_MAP:
        if (!gv_arena_spans_hold(m->spans, m->nspans, n))
            return 0;
        k->w[k->n++] = addr_word(n, v);
        return 1;
    default: return 0;
    }
}

/* Only finds the slot (keys are compared whole): one multiply a word. */
static inline uint64_t hash_words(const uint64_t *w, uint32_t n)
{
    uint64_t h = n;
    for (uint32_t i = 0; i < n; i++)
        h = (h + w[i]) * 0x9E3779B97F4A7C15ull;
    return h ^ h >> 29;
}

static inline int same_words(const uint64_t *a, const uint64_t *b, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

static inline memo_entry *slot_of(const gv_memo *m, uint64_t hash, const uint64_t *words, uint32_t n)
{
    uint32_t mask = m->cap - 1;
    for (uint32_t i = (uint32_t)hash & mask;; i = (i + 1) & mask) {
        memo_entry *e = &m->tab[i];
        if (!e->words || (e->hash == hash && e->n == n && same_words(e->words, words, n)))
            return e;
    }
}

static int grow(gv_memo *m)
{
    memo_entry *old = m->tab;
    uint32_t oldcap = m->cap;
    memo_entry *t = calloc((size_t)oldcap * 2, sizeof *t);
    if (!t)
        return 0;
    m->tab = t;
    m->cap = oldcap * 2;
    for (uint32_t i = 0; i < oldcap; i++)
        if (old[i].words)
            *slot_of(m, old[i].hash, old[i].words, old[i].n) = old[i];
    free(old);
    return 1;
}

/* The status of the call keyed w[0..n) (>= 0), or -2 with room reserved
 * for it in key. Inline: with the three words of a call key the loops
 * unroll. */
static inline int find_words(gv_memo *m, const uint64_t *w, uint32_t n, gv_memo_key *key)
{
    uint64_t hash = hash_words(w, n);
    memo_entry *e = slot_of(m, hash, w, n);
    if (e->words)
        return e->status;
    /* room for the answer now: gv_memo_put only fills the slot in */
    if (m->n >= MEMO_MAX_ENTRIES || (m->n + 1 > m->cap / 2 && !grow(m)))
        return -2;
    uint64_t *copy = gv_arena_alloc(&m->arena, n * sizeof *copy);
    if (!copy)
        return -2;
    memcpy(copy, w, n * sizeof *copy);
    key->hash = hash;
    key->words = copy;
    key->n = n;
    key->keep = 1;
    return -2;
}

/* The rule's key (or the call's, gv_memo_find_call) then `this`. */
static int start_key(callkey *k, const gv_memo *m, const gv_rule_key *rk, const gv_val *self)
{
    k->w[0] = rk->lo;
    k->w[1] = rk->hi;
    k->n = 2;
    return put_value(k, m, self);
}

int gv_memo_find(gv_memo *m, const gv_node *root, const gv_rule_key *rk, const gv_val *self,
                 const gv_valset *args, uint32_t nargs, gv_memo_key *key)
{
    key->keep = 0;
    callkey k;
    if (m->root != root || !start_key(&k, m, rk, self))
        return -1;
    for (uint32_t i = 0; i < nargs; i++) {
        if (k.n == CALL_WORDS)
            return -1;
        k.w[k.n++] = W_ARG | (uint64_t)(args[i].cut != 0) << 2 | (uint64_t)(args[i].filtered != 0) << 3 |
                     (uint64_t)args[i].n << 32;
        for (uint32_t j = 0; j < args[i].n; j++)
            if (!put_value(&k, m, &args[i].v[j]))
                return -1;
    }
    return find_words(m, k.w, k.n, key);
}

int gv_memo_find_call(gv_memo *m, const gv_node *root, const gv_rule_key *ck, const gv_val *self,
                      gv_memo_key *key)
{
    key->keep = 0;
    if (m->root != root)
        return -1;
    if (self->node == root) { /* conditions of rules: `this` is the root */
        uint64_t w[3] = { ck->lo, ck->hi, addr_word(root, self) };
        return find_words(m, w, 3, key);
    }
    callkey k;
    if (!start_key(&k, m, ck, self))
        return -1;
    return find_words(m, k.w, k.n, key);
}

const gv_key_index *gv_memo_key_index(gv_memo *m, const gv_node *map, const gv_kconst *key)
{
    if (map->len < GV_MEMO_KEY_INDEX_MIN ||
        (map != m->root && !gv_arena_spans_hold(m->spans, m->nspans, map)))
        return NULL; /* only the document's maps stay put while the memo lives */
    kx_entry *e = NULL;
    for (uint32_t i = 0; i < m->nkx && !e; i++)
        if (m->kx[i].map == map && m->kx[i].key.len == key->len && memcmp(m->kx[i].key.s, key->s, key->len) == 0)
            e = &m->kx[i];
    if (!e) {
        char *s = m->nkx < GV_MEMO_KEY_INDEXES ? gv_arena_strndup(&m->arena, key->s, key->len) : NULL;
        if (!s)
            return NULL;
        e = &m->kx[m->nkx++];
        *e = (kx_entry){ map, { s, key->len, key->hash }, NULL, 0 };
    }
    if (!e->index && ++e->asks >= 2)
        e->index = gv_key_index_build(&m->arena, map, &e->key);
    return e->index;
}

void gv_memo_put(gv_memo *m, const gv_memo_key *key, int status)
{
    if (!key->keep)
        return;
    memo_entry *e = slot_of(m, key->hash, key->words, key->n);
    if (!e->words)
        m->n++;
    *e = (memo_entry){ key->hash, key->words, key->n, (uint8_t)status };
}

