/* Bundle writing and reading. A program is written as its tables in a fixed
 * order; everything read back goes into the new program's arena, and the
 * only work on load besides copying is compiling the regex literals. */
#include "vm/bundle.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "util/blob.h"
#include "util/hash.h"
#include "util/varint.h"
#include "vm/regex.h"

static const char magic[8] = { 'G', 'A', 'V', 'E', 'L', 'B', 'C', '\n' };
#define HEADER_SIZE 40
#define MAX_LITERAL_DEPTH 256

/* The instruction set a bundle was compiled for: opcode names in order.
 * Renumbered or changed opcodes make old bundles foreign. */
static uint32_t isa_hash(void)
{
    gv_buf b;
    gv_buf_init(&b);
    for (int op = 0; op < GV_I__COUNT; op++) {
        gv_buf_puts(&b, gv_opcode_name((gv_opcode)op));
        gv_buf_putc(&b, ' ');
    }
    uint32_t h = b.data ? (uint32_t)gv_hash(b.data, b.len) : 0;
    gv_buf_free(&b);
    return h;
}

/* ---- writing ---- */

static void put_u32(gv_buf *b, uint32_t v)
{
    unsigned char s[4] = { (unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                           (unsigned char)(v >> 24) };
    gv_buf_append(b, s, 4);
}

static void put_u64(gv_buf *b, uint64_t v)
{
    put_u32(b, (uint32_t)v);
    put_u32(b, (uint32_t)(v >> 32));
}


/* Length, bytes and a NUL: a reader that keeps the bundle's memory points
 * at the bytes where they are instead of copying them out. */
static void put_bytes(gv_buf *b, const char *s, uint32_t len)
{
    gv_buf_varint(b, len);
    gv_buf_append(b, s, len);
    gv_buf_putc(b, '\0');
}

static void put_f64(gv_buf *b, double f)
{
    uint64_t u;
    memcpy(&u, &f, sizeof u);
    put_u64(b, u);
}

static void put_loc(gv_buf *b, gv_loc l)
{
    gv_buf_varint(b, l.line);
    gv_buf_varint(b, l.col);
}

static void put_node(gv_buf *b, const gv_node *n)
{
    gv_buf_putc(b, (char)n->kind);
    gv_buf_varint(b, n->line);
    gv_buf_varint(b, n->col);
    switch (n->kind) {
    case GV_BOOL: gv_buf_putc(b, (char)n->u.b); break;
    case GV_INT: put_u64(b, (uint64_t)n->u.i); break;
    case GV_FLOAT: put_f64(b, n->u.f); break;
    case GV_STRING:
    case GV_REGEX: put_bytes(b, n->u.s, n->len); break;
    case GV_LIST:
        gv_buf_varint(b, n->len);
        for (uint32_t i = 0; i < n->len; i++)
            put_node(b, n->u.items[i]);
        break;
    case GV_MAP:
        gv_buf_varint(b, n->len);
        for (uint32_t i = 0; i < n->len; i++) {
            const gv_member *m = &n->u.members[i];
            put_bytes(b, m->key->str, m->key->len);
            gv_buf_varint(b, m->line);
            gv_buf_varint(b, m->col);
            put_node(b, m->value);
        }
        break;
    case GV_RANGE: {
        const gv_range_node *r = (const gv_range_node *)n;
        gv_buf_putc(b, (char)r->kind);
        gv_buf_putc(b, (char)r->lo_incl);
        gv_buf_putc(b, (char)r->hi_incl);
        put_u64(b, (uint64_t)r->lo_i);
        put_u64(b, (uint64_t)r->hi_i);
        put_f64(b, r->lo_f);
        put_f64(b, r->hi_f);
        break;
    }
    default: break; /* null */
    }
}

static void put_u32s(gv_buf *b, const uint32_t *v, uint32_t n)
{
    gv_buf_varint(b, n);
    for (uint32_t i = 0; i < n; i++)
        gv_buf_varint(b, v[i]);
}

/* The code, its locations and messages as fixed-width arrays laid out as
 * gv_insn, gv_loc and uint32_t are in memory (little-endian), 8-aligned in
 * the payload: a bundle read into memory is used where it lies. Zero bytes
 * pad. */
static void put_code(gv_buf *b, const gv_program *p)
{
    gv_buf_varint(b, p->ncode);
    gv_buf_fill(b, '\0', -b->len & 7);
    for (uint32_t i = 0; i < p->ncode; i++) {
        const gv_insn *in = &p->code[i];
        gv_buf_putc(b, (char)in->op);
        gv_buf_putc(b, (char)in->flags);
        gv_buf_fill(b, '\0', 2);
        put_u32(b, in->a);
        put_u32(b, in->b);
        put_u32(b, in->c);
    }
    for (uint32_t i = 0; i < p->ncode; i++) {
        put_u32(b, p->locs[i].line);
        put_u32(b, p->locs[i].col);
    }
    for (uint32_t i = 0; i < p->ncode; i++)
        put_u32(b, p->messages[i]);
    gv_buf_fill(b, '\0', -b->len & 7);
    for (uint32_t i = 0; i < p->ncode; i++)
        gv_buf_putc(b, (char)(p->skippable[i] != 0));
}

static void put_program(gv_buf *b, const gv_program *p)
{
    put_bytes(b, p->source, (uint32_t)strlen(p->source));
    put_code(b, p);
    put_u32s(b, p->blocks, p->nblocks);
    gv_buf_varint(b, p->nstrings);
    for (uint32_t i = 0; i < p->nstrings; i++) { /* with the key hash: no hashing on load */
        put_bytes(b, p->strings[i].s, p->strings[i].len);
        put_u64(b, p->strings[i].hash);
    }
    gv_buf_varint(b, p->nliterals);
    for (uint32_t i = 0; i < p->nliterals; i++)
        put_node(b, p->literals[i]);
    gv_buf_varint(b, p->noperands);
    for (uint32_t i = 0; i < p->noperands; i++) {
        const gv_operand *o = &p->operands[i];
        gv_buf_putc(b, (char)o->kind);
        gv_buf_varint(b, (uint32_t)(int32_t)o->fn);
        gv_buf_varint(b, o->idx);
        gv_buf_varint(b, o->nargs);
        gv_buf_varint(b, o->args_start);
    }
    put_u32s(b, p->args, p->nargs);
    gv_buf_varint(b, p->nrules);
    for (uint32_t i = 0; i < p->nrules; i++) {
        const gv_rule_decl *d = &p->rules[i];
        gv_buf_varint(b, d->name);
        gv_buf_varint(b, d->when_block);
        gv_buf_varint(b, d->body_block);
        gv_buf_varint(b, d->nparams);
        gv_buf_putc(b, (char)d->parameterised);
        gv_buf_putc(b, (char)d->is_default);
        gv_buf_varint(b, d->message);
        put_loc(b, d->loc);
        put_u64(b, p->rule_keys[i].lo); /* the memo key (vm/memo.c), not recomputed on load */
        put_u64(b, p->rule_keys[i].hi);
    }
    gv_buf_varint(b, p->nrefs);
    for (uint32_t i = 0; i < p->nrefs; i++) {
        gv_buf_varint(b, p->refs[i].name);
        gv_buf_varint(b, p->refs[i].start);
        gv_buf_varint(b, p->refs[i].n);
        put_u64(b, p->call_keys[i].lo);
        put_u64(b, p->call_keys[i].hi);
    }
    put_u32s(b, p->ref_decls, p->nref_decls);
    put_u32s(b, p->global_operand, p->nslots);
    for (uint32_t i = 0; i < p->nslots; i++) { /* the lets' memo keys, as the rules' */
        put_u64(b, p->let_keys[i].lo);
        put_u64(b, p->let_keys[i].hi);
    }
    gv_buf_varint(b, p->max_params);
    gv_buf_varint(b, p->ncaptures);
}

int gv_bundle_write(gv_buf *out, gv_program *const *progs, const gv_bundle_blob *blobs, uint32_t n)
{
    gv_buf payload;
    gv_buf_init(&payload);
    for (uint32_t i = 0; i < n; i++) {
        put_program(&payload, progs[i]);
        put_bytes(&payload, blobs ? blobs[i].data : "", blobs ? blobs[i].len : 0);
    }
    int ok = !payload.oom;
    gv_buf_append(out, magic, sizeof magic);
    put_u32(out, GV_BUNDLE_VERSION);
    put_u32(out, isa_hash());
    put_u32(out, n);
    put_u32(out, 0);
    put_u64(out, payload.len);
    put_u64(out, payload.len ? gv_hash(payload.data, payload.len) : gv_hash("", 0));
    if (payload.len)
        gv_buf_append(out, payload.data, payload.len);
    gv_buf_free(&payload);
    return ok && !out->oom ? 0 : -1;
}

/* ---- reading ---- */

typedef struct reader {
    const unsigned char *p, *end;
    gv_program *prog;
    int bad;
    int depth;
    int borrow;        /* the bytes outlive the programs: point into them */
    gv_blob *keep;     /* what each program then holds a reference to */
    gv_arena *arena;   /* the program's, or with keep the one of keep shared by all */
    const unsigned char *base; /* the payload's first byte: fixed arrays align to it */
    gv_regex_cache *regexes;   /* shared by the bundle's programs: the same patterns
                                  recur across files, compiled once */
} reader;

static inline int need(reader *r, size_t n)
{
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = 1;
        return 0;
    }
    return 1;
}

static uint8_t get_u8(reader *r)
{
    return need(r, 1) ? *r->p++ : 0;
}

static inline uint32_t get_u32(reader *r)
{
    if (!need(r, 4))
        return 0;
    uint32_t v;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(&v, r->p, 4); /* the format is little-endian: one load */
#else
    v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 | (uint32_t)r->p[3] << 24;
#endif
    r->p += 4;
    return v;
}

static inline uint32_t get_v(reader *r)
{
    uint32_t v = 0;
    const char *p = (const char *)r->p;
    if (!r->bad && !gv_varint_read(&p, (const char *)r->end, &v))
        r->bad = 1; /* cut short, or longer than any u32 */
    r->p = (const unsigned char *)p;
    return r->bad ? 0 : v;
}

static uint64_t get_u64(reader *r)
{
    uint64_t lo = get_u32(r);
    return lo | (uint64_t)get_u32(r) << 32;
}

static double get_f64(reader *r)
{
    uint64_t u = get_u64(r);
    double f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static gv_loc get_loc(reader *r)
{
    gv_loc l;
    l.line = get_v(r);
    l.col = get_v(r);
    return l;
}

/* Allocates n elements of size elem in the program arena; a count larger
 * than what is left of the input cannot be genuine (each element takes at
 * least min bytes there). */
static void *get_array(reader *r, uint32_t n, size_t elem, size_t min)
{
    if (r->bad || (min && (size_t)(r->end - r->p) / min < n)) {
        r->bad = 1;
        return NULL;
    }
    /* not zeroed: every caller fills all n elements or fails the read */
    void *a = gv_arena_alloc(r->arena, (n ? n : 1) * elem);
    if (!a)
        r->bad = 1;
    return a;
}

static const char *get_bytes(reader *r, uint32_t *len)
{
    *len = get_v(r);
    if (!need(r, (size_t)*len + 1) || r->p[*len] != '\0') {
        r->bad = 1;
        return NULL;
    }
    const char *s = (const char *)r->p;
    if (!r->borrow && !(s = gv_arena_strndup(r->arena, s, *len)))
        r->bad = 1;
    r->p += *len + 1;
    return s;
}

static uint32_t *get_u32s(reader *r, uint32_t *n)
{
    *n = get_v(r);
    uint32_t *v = get_array(r, *n, sizeof *v, 1);
    for (uint32_t i = 0; v && i < *n; i++)
        v[i] = get_v(r);
    return v;
}

static gv_node *get_node(reader *r, gv_error *err);

static int get_map(reader *r, gv_node *n, gv_error *err)
{
    n->len = get_v(r);
    n->u.members = get_array(r, n->len, sizeof(gv_member), 6);
    for (uint32_t i = 0; n->u.members && i < n->len; i++) {
        uint32_t klen;
        const char *ks = get_bytes(r, &klen);
        gv_key *k = ks ? gv_arena_alloc(r->arena, sizeof *k + klen + 1) : NULL;
        if (!k) {
            r->bad = 1;
            return 0;
        }
        k->hash = gv_hash(ks, klen);
        k->len = klen;
        memcpy(k->str, ks, klen);
        k->str[klen] = '\0';
        gv_member *m = &n->u.members[i];
        m->key = k;
        m->line = get_v(r);
        m->col = get_v(r);
        if (!(m->value = get_node(r, err)))
            return 0;
    }
    return !r->bad;
}

static int get_payload(reader *r, gv_node *n, gv_error *err)
{
    switch (n->kind) {
    case GV_NULL: return 1;
    case GV_BOOL: n->u.b = get_u8(r) != 0; return 1;
    case GV_INT: n->u.i = (int64_t)get_u64(r); return 1;
    case GV_FLOAT: n->u.f = get_f64(r); return 1;
    case GV_STRING: return (n->u.s = get_bytes(r, &n->len)) != NULL;
    case GV_REGEX: {
        gv_regex_node *x = (gv_regex_node *)n;
        if (!(n->u.s = get_bytes(r, &n->len)))
            return 0;
        x->cache = r->prog->regexes; /* compiled on first use */
        return 1;
    }
    case GV_LIST:
        n->len = get_v(r);
        n->u.items = get_array(r, n->len, sizeof(gv_node *), 3);
        for (uint32_t i = 0; n->u.items && i < n->len; i++)
            if (!(n->u.items[i] = get_node(r, err)))
                return 0;
        return !r->bad;
    case GV_MAP: return get_map(r, n, err);
    case GV_RANGE: {
        gv_range_node *g = (gv_range_node *)n;
        g->kind = get_u8(r);
        g->lo_incl = get_u8(r);
        g->hi_incl = get_u8(r);
        g->lo_i = (int64_t)get_u64(r);
        g->hi_i = (int64_t)get_u64(r);
        g->lo_f = get_f64(r);
        g->hi_f = get_f64(r);
        return g->kind <= GV_RANGE_RT_CHAR;
    }
    default: return 0;
    }
}

static gv_node *get_node(reader *r, gv_error *err)
{
    uint8_t kind = get_u8(r);
    if (r->bad || kind > GV_RANGE || ++r->depth > MAX_LITERAL_DEPTH) {
        r->bad = 1;
        return NULL;
    }
    size_t size = kind == GV_REGEX ? sizeof(gv_regex_node)
                : kind == GV_RANGE ? sizeof(gv_range_node) : sizeof(gv_node);
    gv_node *n = gv_arena_zalloc(r->arena, size);
    if (!n) {
        r->bad = 1;
        return NULL;
    }
    n->kind = kind;
    n->line = get_v(r);
    n->col = get_v(r);
    n->located = 0; /* as compile.c: a literal's line:col are in the rules file */
    int ok = get_payload(r, n, err);
    r->depth--;
    if (!ok || r->bad) {
        r->bad = 1;
        return NULL;
    }
    return n;
}

_Static_assert(sizeof(gv_insn) == 16 && offsetof(gv_insn, a) == 4 && offsetof(gv_insn, c) == 12,
               "gv_insn is laid out as bundles store it");
_Static_assert(sizeof(gv_loc) == 8, "gv_loc is two u32 as bundles store it");

/* An array of n fixed-width elements at the reader, 8-aligned in the
 * payload: used in place when borrowing on a little-endian machine and the
 * bytes are aligned for it, else copied into the arena. */
static void *get_fixed(reader *r, uint32_t n, size_t elem)
{
    size_t pad = (size_t)(-(r->p - r->base) & 7);
    if (!need(r, pad))
        return NULL;
    for (size_t i = 0; i < pad; i++)
        if (r->p[i])
            r->bad = 1;
    r->p += pad;
    if (r->bad || (size_t)(r->end - r->p) / elem < n) {
        r->bad = 1;
        return NULL;
    }
    void *a = (void *)r->p;
    int in_place = r->borrow && ((uintptr_t)a & 7) == 0;
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
    in_place = 0;
#endif
    if (!in_place && (a = gv_arena_alloc(r->arena, (n ? n : 1) * elem)) != NULL)
        memcpy(a, r->p, n * elem);
    if (!a)
        r->bad = 1;
    r->p += n * elem;
    return a;
}

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
static uint32_t from_le(uint32_t v)
{
    const unsigned char *b = (const unsigned char *)&v;
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* The arrays were copied as stored: their u32 fields are little-endian. */
static void code_from_le(gv_program *p)
{
    for (uint32_t i = 0; i < p->ncode; i++) {
        p->code[i].a = from_le(p->code[i].a);
        p->code[i].b = from_le(p->code[i].b);
        p->code[i].c = from_le(p->code[i].c);
        p->locs[i].line = from_le(p->locs[i].line);
        p->locs[i].col = from_le(p->locs[i].col);
        p->messages[i] = from_le(p->messages[i]);
    }
}
#endif

static void get_code(reader *r, gv_program *p)
{
    p->ncode = get_v(r);
    p->code = get_fixed(r, p->ncode, sizeof *p->code);
    p->locs = get_fixed(r, p->ncode, sizeof *p->locs);
    p->messages = get_fixed(r, p->ncode, sizeof *p->messages);
    /* trusted as the code is: leaving a clause out only ever omits work */
    p->skippable = get_fixed(r, p->ncode, 1);
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
    if (!r->bad)
        code_from_le(p);
#endif
}

static void get_tables(reader *r, gv_program *p, gv_error *err)
{
    p->blocks = get_u32s(r, &p->nblocks);
    p->nstrings = get_v(r);
    p->strings = get_array(r, p->nstrings, sizeof *p->strings, 10);
    for (uint32_t i = 0; !r->bad && i < p->nstrings; i++) {
        gv_kconst *k = &p->strings[i];
        k->s = get_bytes(r, &k->len);
        k->hash = get_u64(r);
    }
    p->nliterals = get_v(r);
    p->literals = get_array(r, p->nliterals, sizeof *p->literals, 3);
    for (uint32_t i = 0; !r->bad && i < p->nliterals; i++)
        p->literals[i] = get_node(r, err);
    p->noperands = get_v(r);
    p->operands = get_array(r, p->noperands, sizeof *p->operands, 5);
    for (uint32_t i = 0; !r->bad && i < p->noperands; i++) {
        gv_operand *o = &p->operands[i];
        o->kind = get_u8(r);
        int32_t fn = (int32_t)get_v(r);
        o->fn = (int16_t)(fn < -1 || fn >= 32767 ? -2 : fn);
        o->idx = get_v(r);
        o->nargs = get_v(r);
        o->args_start = get_v(r);
    }
    p->args = get_u32s(r, &p->nargs);
}

static void get_rules(reader *r, gv_program *p)
{
    p->nrules = get_v(r);
    p->rules = get_array(r, p->nrules, sizeof *p->rules, 25);
    p->rule_keys = get_array(r, p->nrules, sizeof *p->rule_keys, 0);
    for (uint32_t i = 0; !r->bad && i < p->nrules; i++) {
        gv_rule_decl *d = &p->rules[i];
        d->name = get_v(r);
        d->when_block = get_v(r);
        d->body_block = get_v(r);
        d->nparams = get_v(r);
        d->parameterised = get_u8(r);
        d->is_default = get_u8(r);
        d->message = get_v(r);
        d->loc = get_loc(r);
        p->rule_keys[i].lo = get_u64(r);
        p->rule_keys[i].hi = get_u64(r);
    }
    p->nrefs = get_v(r);
    p->refs = get_array(r, p->nrefs, sizeof *p->refs, 19);
    p->call_keys = get_array(r, p->nrefs, sizeof *p->call_keys, 0);
    for (uint32_t i = 0; !r->bad && i < p->nrefs; i++) {
        p->refs[i].name = get_v(r);
        p->refs[i].start = get_v(r);
        p->refs[i].n = get_v(r);
        p->call_keys[i].lo = get_u64(r);
        p->call_keys[i].hi = get_u64(r);
    }
    p->ref_decls = get_u32s(r, &p->nref_decls);
    p->global_operand = get_u32s(r, &p->nslots);
    p->local_lets = r->bad ? 0 : gv_program_local_lets(p);
    p->let_keys = get_array(r, p->nslots, sizeof *p->let_keys, 16);
    for (uint32_t i = 0; !r->bad && i < p->nslots; i++) {
        p->let_keys[i].lo = get_u64(r);
        p->let_keys[i].hi = get_u64(r);
    }
    p->max_params = get_v(r);
    p->ncaptures = get_v(r);
}

static gv_program *get_program(reader *r, const char *name, gv_bundle_blob *blob, gv_error *err)
{
    gv_program *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    gv_arena_init(&p->arena, 16 * 1024);
    p->regexes = gv_regex_cache_retain(r->regexes);
    r->prog = p;
    r->arena = &p->arena;
    if (r->borrow) {
        p->backing = gv_blob_retain(r->keep);
        r->arena = gv_blob_arena(r->keep);
    }
    uint32_t len;
    p->source = p->regexes ? get_bytes(r, &len) : NULL;
    if (!p->source)
        r->bad = 1;
    get_code(r, p);
    get_tables(r, p, err);
    get_rules(r, p);
    blob->data = get_bytes(r, &blob->len);
    if (r->bad || gv_program_verify(p, name, err) < 0) {
        gv_program_free(p);
        return NULL;
    }
    return p;
}

int gv_bundle_sniff(const char *data, size_t len)
{
    return len >= sizeof magic && memcmp(data, magic, sizeof magic) == 0;
}

static int check_header(const char *name, const unsigned char *d, size_t len, uint32_t *n,
                        gv_error *err)
{
    reader h = { d, d + len, NULL, 0, 0, 0, NULL, NULL, d, NULL };
    if (len < HEADER_SIZE || !gv_bundle_sniff((const char *)d, len)) {
        gv_error_set(err, GV_E_BUNDLE, name, (gv_loc){ 0, 0 },
                     len < HEADER_SIZE && gv_bundle_sniff((const char *)d, len)
                         ? "truncated bundle: the header is incomplete"
                         : "not a gavel bundle (bad magic number)");
        return -1;
    }
    h.p += sizeof magic;
    uint32_t version = get_u32(&h), isa = get_u32(&h);
    *n = get_u32(&h);
    (void)get_u32(&h);
    uint64_t plen = get_u64(&h), sum = get_u64(&h);
    if (version != GV_BUNDLE_VERSION || isa != isa_hash()) {
        gv_error_set(err, GV_E_BUNDLE, name, (gv_loc){ 0, 0 },
                     "bundle format version %u (instruction set %08x) cannot be read by this gavel, "
                     "which reads version %u (instruction set %08x): recompile it with `gavel compile`",
                     version, isa, GV_BUNDLE_VERSION, isa_hash());
        return -1;
    }
    if (plen != len - HEADER_SIZE) {
        gv_error_set(err, GV_E_BUNDLE, name, (gv_loc){ 0, 0 },
                     "%s bundle: the header announces %llu bytes of programs, the file has %llu",
                     plen > len - HEADER_SIZE ? "truncated" : "corrupt", (unsigned long long)plen,
                     (unsigned long long)(len - HEADER_SIZE));
        return -1;
    }
    if (gv_hash(d + HEADER_SIZE, (size_t)plen) != sum) {
        gv_error_set(err, GV_E_BUNDLE, name, (gv_loc){ 0, 0 }, "corrupt bundle: checksum mismatch");
        return -1;
    }
    return 0;
}

static void free_programs(gv_program **progs, uint32_t n, gv_bundle_blob *blobs)
{
    for (uint32_t j = 0; j < n; j++)
        gv_program_free(progs[j]);
    free(progs);
    free(blobs);
}

static gv_program **read_programs(reader *r, const char *name, uint32_t n, gv_bundle_blob **blobs_out,
                                  gv_error *err)
{
    gv_program **progs = calloc(n ? n : 1, sizeof *progs);
    gv_bundle_blob *blobs = calloc(n ? n : 1, sizeof *blobs);
    if (!progs || !blobs || !r->regexes) {
        free(progs);
        free(blobs);
        gv_error_set(err, GV_E_NOMEM, name, (gv_loc){ 0, 0 }, "out of memory reading bundle");
        return NULL;
    }
    for (uint32_t i = 0; i < n; i++) {
        if (!(progs[i] = get_program(r, name, &blobs[i], err))) {
            if (err->code == GV_OK || err->code == GV_E_NOMEM)
                gv_error_set(err, GV_E_BUNDLE, name, (gv_loc){ 0, 0 },
                             "corrupt bundle: program %u is malformed", i + 1);
            free_programs(progs, i, blobs);
            return NULL;
        }
    }
    if (r->p != r->end) {
        gv_error_set(err, GV_E_BUNDLE, name, (gv_loc){ 0, 0 }, "corrupt bundle: trailing bytes");
        free_programs(progs, n, blobs);
        return NULL;
    }
    if (blobs_out)
        *blobs_out = blobs;
    else
        free(blobs);
    return progs;
}

gv_program **gv_bundle_read(const char *name, const char *data, size_t len, uint32_t *n,
                            gv_bundle_blob **blobs_out, gv_blob *keep, gv_error *err)
{
    const unsigned char *d = (const unsigned char *)data;
    if (check_header(name, d, len, n, err) < 0)
        return NULL;
    if (*n > len / 8) {
        gv_error_set(err, GV_E_BUNDLE, name, (gv_loc){ 0, 0 }, "corrupt bundle: bad program count");
        return NULL;
    }
    reader r = { d + HEADER_SIZE, d + len, NULL, 0, 0, keep != NULL, keep, NULL, d + HEADER_SIZE,
                 gv_regex_cache_new() };
    gv_program **progs = read_programs(&r, name, *n, blobs_out, err);
    gv_regex_cache_free(r.regexes); /* the programs hold their own references */
    return progs;
}
