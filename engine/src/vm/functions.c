/* Guard's built-in functions.
 *
 * SPEC — what cfn-guard 3.1.1 does, each point probed with
 *   let x = FN(...)            rule r { %x == "QQQ" }
 * and `validate -z -S none -o json` (the failing checks list every value of
 * %x with its path; an empty %x makes the rule SKIP).
 *
 * General
 *  - The functions of 3.1.1 are exactly: count json_parse regex_replace
 *    substring to_upper to_lower join url_decode parse_int parse_float
 *    parse_string parse_boolean parse_char (symbols cfn_guard::rules::
 *    functions::{collections,strings,converters}::* in the binary).
 *    `now(1)`, `parse_epoch("...")`: "no such function named now exists",
 *    exit 255; `now()` does not even parse (exit 5). gavel has both as
 *    extensions (gv_fn_lookup_ext), as later Guard versions define them.
 *  - Lazy: `let x = parse_int("abc")` or `let x = foo(1)` never used -> PASS,
 *    no error. A let in a rule whose `when` fails is never evaluated.
 *  - Function calls nest (`to_upper(to_lower("A"))` = "A") and stand on the
 *    right of a comparison (`n == parse_int("5")` PASS).
 *  - Every error below ends the run: exit 255, "Error occurred <message>".
 *  - Wrong argument count: "join function requires 2 arguments be passed,
 *    but received 1" (exit 255, at evaluation).
 *  - Mapping functions (to_upper, to_lower, url_decode, json_parse,
 *    regex_replace, substring, parse_*) give one result per input value, in
 *    order, each keeping the input value's path (to_upper over l[*] gives
 *    /l/0 "AB", /l/1 "CD", /l/2 "EF"); literal inputs have the root path "".
 *    Input values of other types and unresolved values give nothing (no
 *    error): to_upper over ["x",1,true,null,{..},[..]] gives only "X";
 *    to_upper of a missing key or of a list value (not [*]) gives nothing.
 *
 * count(q): one int = number of resolved values (unresolved ones count 0);
 *    path = the first value's path, for an unresolved value the path it got
 *    to: count(missing) = 0 at /Resources/A/Properties; count(e[*]) of an
 *    empty list = 0 at /…/e; a filter with no match = 0 at "" (root);
 *    count(l) (the list itself) = 1; count("abc") = 1; count(nul) = 1.
 * to_upper / to_lower: Rust's full Unicode mapping: "ßtraße ǆ é" ->
 *    "SSTRASSE Ǆ É"; "ÀÉ İ Σ" -> "àé i̇ σ".
 * json_parse(s): serde_yaml parse (YAML superset of JSON), result rooted at
 *    s's path: "[1,2]" -> list at /…/arr/0 with items /…/arr/0/0.. ;
 *    "42" -> 42; "1e3" -> 1000.0; "\"hi\"" -> "hi"; "  7  " -> 7;
 *    "a: 1\nb: [x, y]" -> map; "!Ref x" -> {"Ref": "x"}; anchors resolve.
 *    Invalid -> error "Error parsing incoming YAML context <serde message>"
 *    (also: "" and "# c" "EOF while parsing a value", duplicate keys,
 *    several documents). Known loader differences (gavel loads with its own
 *    YAML loader, which follows cfn-guard's data loader, not serde_yaml):
 *    serde_yaml reads "True" as true and "0x10" as 16 and "017" as a string
 *    and wraps 12345678901234567890 to -6101065172474983726.
 * regex_replace(s, re, rep): re and rep must be strings — the first value
 *    of a query is used; otherwise "regex_replace function requires the
 *    second|third argument to be a string" (a literal regex /a/ too; an
 *    empty query panics the oracle, gavel reports the same error).
 *    The result is NOT a replace-all: it is the concatenation of the
 *    expanded replacement for every match (Rust captures_iter + expand):
 *    ("abc","b","X") -> "X"; ("abc","z","X") -> ""; ("abc","","-") -> "----";
 *    ("aaa","a*","-") -> "-"; ("baaac","a*","-") -> "---";
 *    ("a1b22c","\d+","<$0>") -> "<1><22>"; "$1x" is group "1x" -> "";
 *    "$$" -> "$"; "${2}${1}$" -> "ba$"; "$ 1 $x- ${1" -> "$ 1 - ${1".
 *    Bad regex -> "Regex expression parse error ..." (exit 255), only when
 *    there is a string to apply it to (missing input: no error).
 * substring(s, from, to): byte offsets; from/to: first value, int or float
 *    (float truncated: 1.5 -> 1, 2.99 -> 2), else "substring function
 *    requires the second|third argument to be a number" (also for a missing
 *    query, "1", true). No result when from >= to or to > len: (1,1), (0,0),
 *    (0,4) on "abc", negative ints. ("héllo",1,3) = "é"; a cut inside a
 *    character panics the oracle: gavel reports an error.
 * join(q, sep): sep = first value, a string (else "join function requires
 *    the second argument to be either a char or string"). One string, path of
 *    the first value: l[*] with "," -> "ab,Cd,eF" at /l/0; a single string
 *    -> itself; no values -> "" at root. Any non-string value -> error
 *    "Joining non string values Path=… Value=…" (the list itself too); any
 *    unresolved value -> "Joining unresolved values is not allowed …".
 * url_decode: %XX with two hex digits decoded (either case), anything else
 *    kept ("%zz", "%4", "100%"), '+' kept; a result that is not UTF-8
 *    ("%FF", "%C3") gives no value; "a%00b" gives a NUL inside.
 * parse_int: string by Rust i64 FromStr ([+-]digits: "+4" 4, "007" 7;
 *    " 3", "12abc", "1.5", "0x10", "", "1_0", overflow -> error "failed to
 *    convert a string: <s> into an integer at <path>"); int as is; float
 *    truncated (2.7 -> 2, -2.7 -> -2); bool/null/list/map: nothing.
 * parse_float: Rust f64 FromStr ("1.", ".5", "1e3", "-0", "inf", "NaN" ok;
 *    " 2", "abc" -> "failed to convert a string: <s> into a float at
 *    <path>"); int -> float; float as is; others nothing.
 * parse_string: string as is; int decimal; float by Rust Display (1.0 "1",
 *    1e20 "100000000000000000000", 1e-7 "0.0000001", -0.0 "-0"); bool
 *    "true"/"false"; null/list/map nothing.
 * parse_boolean: bool as is; string "true"/"false" in any case ("tRuE");
 *    other strings ("yes", "1", "") -> "failed to convert a string: <s>
 *    into a boolean at <path>"; numbers/null nothing.
 * parse_char: string of one byte -> that char; "" -> nothing; longer
 *    (including "é") -> "failed to convert an string: <s> into a char at
 *    <path>"; int 0..9 -> the digit; other ints (65, -3) -> "failed to
 *    convert an int: <n> into a char at <path>"; float/bool nothing. The
 *    result is a char (GV_CHAR), not a string: `%c == "a"` FAILs,
 *    `%c == %c2` PASSes, `%c is_string` FAILs. A char given to parse_char
 *    comes back as a one-character *string*.
 * Chars elsewhere: parse_string gives the string, parse_int/parse_float
 *    take a digit ('5' gives 5 / 5.0; 'a' -> "failed to convert a character:
 *    a into an integer|a float at <path>"), join takes a char separator but
 *    not char values ("Joining non string values"), the other functions
 *    skip chars (all probed).
 */
#include "vm/functions.h"

#include <limits.h>
#include <stdarg.h>
#include <strings.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "doc/doc_print.h"
#include "util/buf.h"

const gv_fn_info gv_fn_table[GV_FN__COUNT] = {
#define GV_FN_INFO(id, nm, lo, hi, oracle) {nm, lo, hi, oracle},
    GV_FUNCTIONS(GV_FN_INFO)
#undef GV_FN_INFO
};

static int lookup(const char *name, size_t len, int ext)
{
    for (int i = 0; i < GV_FN__COUNT; i++) {
        const char *n = gv_fn_table[i].name;
        if (strlen(n) == len && memcmp(n, name, len) == 0)
            return gv_fn_table[i].in_oracle || ext ? i : -1;
    }
    return -1;
}

int gv_fn_lookup(const char *name, size_t len) { return lookup(name, len, 0); }
int gv_fn_lookup_ext(const char *name, size_t len) { return lookup(name, len, 1); }

const char *gv_fn_name(int fn)
{
    return fn >= 0 && fn < GV_FN__COUNT ? gv_fn_table[fn].name : "?";
}

int gv_fn_check_arity(int fn, uint32_t nargs, gv_error *err)
{
    const gv_fn_info *f = &gv_fn_table[fn];
    if (nargs >= f->min_args && nargs <= f->max_args)
        return 0;
    gv_error_set(err, GV_E_RESOLVE, NULL, (gv_loc){0, 0},
                 "%s function requires %u arguments be passed, but received %u", f->name,
                 (unsigned)f->min_args, (unsigned)nargs);
    return -1;
}

/* ---- helpers ---- */

typedef struct fctx {
    gv_arena *a;
    gv_valset *out;
    gv_error *err;
    gv_buf tmp; /* scratch text; freed by gv_fn_call */
} fctx;

static int fail(fctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(fctx *c, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    gv_error_set(c->err, GV_E_EVAL, NULL, (gv_loc){0, 0}, "%s", msg);
    return -1;
}

static int oom(fctx *c)
{
    gv_error_set(c->err, GV_E_NOMEM, NULL, (gv_loc){0, 0}, "out of memory in a function");
    return -1;
}

static int emit(fctx *c, gv_node *n, const gv_path *path)
{
    if (!n)
        return oom(c);
    gv_val v = {.node = n, .path = path};
    return gv_valset_push(c->a, c->out, v) ? 0 : oom(c);
}

static int emit_str(fctx *c, const char *s, size_t len, const gv_path *path)
{
    return emit(c, gv_make_string(c->a, s ? s : "", len), path);
}

/* "<path>" for messages ("" for the root). */
static const char *path_text(fctx *c, const gv_path *p, gv_buf *b)
{
    gv_buf_clear(b);
    gv_path_print(b, p);
    (void)c;
    return b->data ? b->data : "";
}

static int is_str(const gv_val *v)
{
    return v->node && v->node->kind == GV_STRING;
}

/* ---- count, join ---- */

static int fn_count(fctx *c, const gv_valset *q)
{
    int64_t n = 0;
    for (uint32_t i = 0; i < q->n; i++)
        n += q->v[i].node != NULL;
    return emit(c, gv_make_int(c->a, n), q->n ? q->v[0].path : NULL);
}

static int fn_join(fctx *c, const gv_valset *q, const gv_valset *sep)
{
    if (!sep->n || !sep->v[0].node || (sep->v[0].node->kind != GV_STRING && sep->v[0].node->kind != GV_CHAR))
        return fail(c, "join function requires the second argument to be either a char or string");
    const gv_node *s = sep->v[0].node;
    gv_buf pb, vb;
    gv_buf_init(&pb);
    gv_buf_init(&vb);
    int rc = 0;
    for (uint32_t i = 0; i < q->n && rc == 0; i++) {
        const gv_val *v = &q->v[i];
        if (!v->node) {
            if (v->reached)
                gv_node_print_json(&vb, v->reached, 0);
            rc = fail(c, "Joining unresolved values is not allowed Path=%s Value=%s, unsatisfied part %s",
                      path_text(c, v->path, &pb), vb.data ? vb.data : "",
                      v->missing ? v->missing : "");
        } else if (v->node->kind != GV_STRING) {
            gv_node_print_json(&vb, v->node, 0);
            rc = fail(c, "Joining non string values Path=%s Value=%s", path_text(c, v->path, &pb),
                      vb.data ? vb.data : "");
        } else {
            if (i)
                gv_buf_append(&c->tmp, s->u.s, s->len);
            gv_buf_append(&c->tmp, v->node->u.s, v->node->len);
        }
    }
    gv_buf_free(&pb);
    gv_buf_free(&vb);
    if (rc)
        return rc;
    return emit_str(c, c->tmp.data, c->tmp.len, q->n ? q->v[0].path : NULL);
}

/* ---- string mapping ---- */

static int fn_case(fctx *c, const gv_valset *q, int upper)
{
    for (uint32_t i = 0; i < q->n; i++) {
        if (!is_str(&q->v[i]))
            continue;
        gv_buf_clear(&c->tmp);
        gv_case_map(q->v[i].node->u.s, q->v[i].node->len, upper, &c->tmp);
        if (c->tmp.oom || emit_str(c, c->tmp.data, c->tmp.len, q->v[i].path))
            return oom(c);
    }
    return 0;
}

static int fn_url_decode(fctx *c, const gv_valset *q)
{
    for (uint32_t i = 0; i < q->n; i++) {
        if (!is_str(&q->v[i]))
            continue;
        gv_buf_clear(&c->tmp);
        if (!gv_url_decode(q->v[i].node->u.s, q->v[i].node->len, &c->tmp))
            continue; /* not UTF-8 once decoded: the oracle yields nothing */
        if (c->tmp.oom || emit_str(c, c->tmp.data, c->tmp.len, q->v[i].path))
            return oom(c);
    }
    return 0;
}

static int fn_regex_replace(fctx *c, const gv_valset *q, const gv_valset *pat,
                            const gv_valset *rep, gv_regex_cache *rc)
{
    if (!pat->n || !is_str(&pat->v[0]))
        return fail(c, "regex_replace function requires the second argument to be a string");
    if (!rep->n || !is_str(&rep->v[0]))
        return fail(c, "regex_replace function requires the third argument to be a string");
    const gv_node *p = pat->v[0].node, *r = rep->v[0].node;
    const gv_regex *re = NULL;
    gv_regex *owned = NULL;
    gv_arena tmp_arena;
    int have_arena = 0, status = 0;
    for (uint32_t i = 0; i < q->n && status == 0; i++) {
        if (!is_str(&q->v[i]))
            continue;
        if (!re) { /* compiled only once there is a string: as the oracle */
            if (rc) {
                re = gv_regex_cache_get(rc, p->u.s, p->len, c->err);
            } else {
                gv_arena_init(&tmp_arena, 512);
                have_arena = 1;
                re = owned = gv_regex_compile(&tmp_arena, p->u.s, p->len, c->err);
            }
            if (!re) {
                char m[sizeof c->err->msg];
                snprintf(m, sizeof m, "%s", c->err->msg);
                status = fail(c, "Regex expression parse error: %s", m);
                break;
            }
        }
        gv_buf_clear(&c->tmp);
        if (gv_regex_replace(re, q->v[i].node->u.s, q->v[i].node->len, r->u.s, r->len, 0, &c->tmp,
                             c->err) != 0) {
            c->err->code = GV_E_EVAL;
            status = -1;
            break;
        }
        status = emit_str(c, c->tmp.data, c->tmp.len, q->v[i].path);
    }
    gv_regex_free(owned);
    if (have_arena)
        gv_arena_free(&tmp_arena);
    return status;
}

/* A substring bound: Rust `n as usize` — ints wrap (negative is huge),
 * floats truncate and saturate (negative and NaN are 0). */
static int bound(fctx *c, const gv_valset *s, const char *which, uint64_t *out)
{
    const gv_node *n = s->n ? s->v[0].node : NULL;
    if (n && n->kind == GV_INT) {
        *out = (uint64_t)n->u.i;
        return 0;
    }
    if (n && n->kind == GV_FLOAT) {
        double f = n->u.f;
        *out = !(f > 0) ? 0 : f >= 18446744073709551615.0 ? UINT64_MAX : (uint64_t)f;
        return 0;
    }
    return fail(c, "substring function requires the %s argument to be a number", which);
}

static int fn_substring(fctx *c, const gv_valset *q, const gv_valset *from, const gv_valset *to)
{
    uint64_t lo, hi;
    if (bound(c, from, "second", &lo) || bound(c, to, "third", &hi))
        return -1;
    for (uint32_t i = 0; i < q->n; i++) {
        if (!is_str(&q->v[i]))
            continue;
        const gv_node *n = q->v[i].node;
        if (lo >= hi || hi > n->len)
            continue;
        /* Rust slices strings on characters; the oracle panics otherwise,
         * and so do we (exit 101) */
        if (((unsigned char)n->u.s[lo] & 0xC0) == 0x80 ||
            (hi < n->len && ((unsigned char)n->u.s[hi] & 0xC0) == 0x80)) {
            fail(c, "substring(%llu, %llu) cuts a character of \"%.*s\": cfn-guard 3.1.1 panics here; "
                    "stopping with its exit code 101",
                 (unsigned long long)lo, (unsigned long long)hi, (int)(n->len > 100 ? 100 : n->len), n->u.s);
            c->err->code = GV_E_PANIC;
            return -1;
        }
        if (emit_str(c, n->u.s + lo, (size_t)(hi - lo), q->v[i].path))
            return -1;
    }
    return 0;
}

/* ---- json_parse ---- */

static gv_node *copy_node(gv_arena *a, const gv_node *n)
{
    gv_node *m = gv_arena_memdup(a, n, sizeof *n);
    if (!m)
        return NULL;
    m->located = 0; /* positions were in the parsed string, not the data file */
    m->line = m->col = 0;
    switch (n->kind) {
    case GV_STRING:
        if (!(m->u.s = gv_arena_strndup(a, n->u.s, n->len)))
            return NULL;
        break;
    case GV_LIST:
        if (n->len) {
            gv_node **items = GV_NEW_N(a, gv_node *, n->len);
            if (!items)
                return NULL;
            for (uint32_t i = 0; i < n->len; i++)
                if (!(items[i] = copy_node(a, n->u.items[i])))
                    return NULL;
            m->u.items = items;
        }
        break;
    case GV_MAP:
        if (n->len) {
            gv_member *mem = gv_arena_memdup(a, n->u.members, gv_map_block_size(n)); /* the index holds positions */
            if (!mem)
                return NULL;
            for (uint32_t i = 0; i < n->len; i++) {
                const gv_key *k = n->u.members[i].key;
                gv_key *kc = gv_arena_memdup(a, k, sizeof *k + k->len + 1);
                if (!kc)
                    return NULL;
                mem[i].key = kc;
                mem[i].line = mem[i].col = 0;
                if (!(mem[i].value = copy_node(a, n->u.members[i].value)))
                    return NULL;
            }
            m->u.members = mem;
        }
        break;
    default:
        break;
    }
    return m;
}

static int blank_yaml(const char *s, size_t len)
{
    /* only blanks and comments: serde_yaml says "EOF while parsing a value" */
    int in_comment = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        if (ch == '\n')
            in_comment = 0;
        else if (ch == '#')
            in_comment = 1;
        else if (!in_comment && ch != ' ' && ch != '\t' && ch != '\r')
            return 0;
    }
    return 1;
}

static int fn_json_parse(fctx *c, const gv_valset *q)
{
    gv_load_opts o;
    gv_load_opts_default(&o);
    o.scalars = GV_SCALARS_SERDE; /* json_parse types scalars as serde_yaml does */
    for (uint32_t i = 0; i < q->n; i++) {
        if (!is_str(&q->v[i]))
            continue;
        const gv_node *n = q->v[i].node;
        if (blank_yaml(n->u.s, n->len))
            return fail(c, "Error parsing incoming YAML context EOF while parsing a value");
        gv_error e;
        gv_error_clear(&e);
        gv_doc *d = gv_doc_load_mem("json_parse", n->u.s, n->len, &o, &e);
        if (!d)
            return fail(c, "Error parsing incoming YAML context %s", e.msg);
        gv_node *copy = copy_node(c->a, gv_doc_root(d));
        gv_doc_free(d);
        if (emit(c, copy, q->v[i].path))
            return -1;
    }
    return 0;
}

/* ---- converters ---- */

static int fn_parse_int(fctx *c, const gv_valset *q, gv_buf *pb)
{
    for (uint32_t i = 0; i < q->n; i++) {
        const gv_node *n = q->v[i].node;
        int64_t v;
        if (!n)
            continue;
        if (n->kind == GV_INT) {
            v = n->u.i;
        } else if (n->kind == GV_FLOAT) { /* Rust `as i64`: truncate, saturate, NaN 0 */
            double f = n->u.f;
            v = isnan(f) ? 0 : f >= 9223372036854775807.0 ? INT64_MAX
                : f <= -9223372036854775808.0 ? INT64_MIN : (int64_t)f;
        } else if (n->kind == GV_STRING) {
            if (!gv_parse_rust_i64(n->u.s, n->len, &v))
                return fail(c, "failed to convert a string: %.*s into an integer at %s",
                            (int)(n->len > 200 ? 200 : n->len), n->u.s, path_text(c, q->v[i].path, pb));
        } else if (n->kind == GV_CHAR) {
            if (n->u.s[0] < '0' || n->u.s[0] > '9')
                return fail(c, "failed to convert a character: %c into an integer at %s", n->u.s[0],
                            path_text(c, q->v[i].path, pb));
            v = n->u.s[0] - '0';
        } else {
            continue;
        }
        if (emit(c, gv_make_int(c->a, v), q->v[i].path))
            return -1;
    }
    return 0;
}

static int fn_parse_float(fctx *c, const gv_valset *q, gv_buf *pb)
{
    for (uint32_t i = 0; i < q->n; i++) {
        const gv_node *n = q->v[i].node;
        double v;
        if (!n)
            continue;
        if (n->kind == GV_INT) {
            v = (double)n->u.i;
        } else if (n->kind == GV_FLOAT) {
            v = n->u.f;
        } else if (n->kind == GV_STRING) {
            if (!gv_parse_rust_f64(n->u.s, n->len, &v))
                return fail(c, "failed to convert a string: %.*s into a float at %s",
                            (int)(n->len > 200 ? 200 : n->len), n->u.s, path_text(c, q->v[i].path, pb));
        } else if (n->kind == GV_CHAR) {
            if (n->u.s[0] < '0' || n->u.s[0] > '9')
                return fail(c, "failed to convert a character: %c into a float at %s", n->u.s[0],
                            path_text(c, q->v[i].path, pb));
            v = n->u.s[0] - '0';
        } else {
            continue;
        }
        if (emit(c, gv_make_float(c->a, v), q->v[i].path))
            return -1;
    }
    return 0;
}

static int fn_parse_string(fctx *c, const gv_valset *q)
{
    for (uint32_t i = 0; i < q->n; i++) {
        const gv_node *n = q->v[i].node;
        if (!n)
            continue;
        gv_buf_clear(&c->tmp);
        switch (n->kind) {
        case GV_STRING:
        case GV_CHAR: gv_buf_append(&c->tmp, n->u.s, n->len); break;
        case GV_INT: gv_buf_printf(&c->tmp, "%lld", (long long)n->u.i); break;
        case GV_FLOAT: gv_fmt_rust_float(&c->tmp, n->u.f); break;
        case GV_BOOL: gv_buf_puts(&c->tmp, n->u.b ? "true" : "false"); break;
        default: continue;
        }
        if (c->tmp.oom || emit_str(c, c->tmp.data, c->tmp.len, q->v[i].path))
            return oom(c);
    }
    return 0;
}

static int fn_parse_boolean(fctx *c, const gv_valset *q, gv_buf *pb)
{
    for (uint32_t i = 0; i < q->n; i++) {
        const gv_node *n = q->v[i].node;
        bool v;
        if (!n)
            continue;
        if (n->kind == GV_BOOL) {
            v = n->u.b;
        } else if (n->kind == GV_STRING) {
            if (n->len == 4 && strncasecmp(n->u.s, "true", 4) == 0)
                v = true;
            else if (n->len == 5 && strncasecmp(n->u.s, "false", 5) == 0)
                v = false;
            else
                return fail(c, "failed to convert a string: %.*s into a boolean at %s",
                            (int)(n->len > 200 ? 200 : n->len), n->u.s, path_text(c, q->v[i].path, pb));
        } else {
            continue;
        }
        if (emit(c, gv_make_bool(c->a, v), q->v[i].path))
            return -1;
    }
    return 0;
}

static int fn_parse_char(fctx *c, const gv_valset *q, gv_buf *pb)
{
    for (uint32_t i = 0; i < q->n; i++) {
        const gv_node *n = q->v[i].node;
        char ch;
        if (!n)
            continue;
        if (n->kind == GV_INT) {
            if (n->u.i < 0 || n->u.i > 9) /* Rust char::from_digit(n, 10) */
                return fail(c, "failed to convert an int: %lld into a char at %s",
                            (long long)n->u.i, path_text(c, q->v[i].path, pb));
            ch = (char)('0' + n->u.i);
        } else if (n->kind == GV_CHAR) {
            if (emit_str(c, n->u.s, 1, q->v[i].path)) /* a char in: a string out (probed) */
                return -1;
            continue;
        } else if (n->kind == GV_STRING) {
            if (n->len == 0)
                continue;
            if (n->len > 1) /* bytes, not characters: "é" fails too */
                return fail(c, "failed to convert an string: %.*s into a char at %s",
                            (int)(n->len > 200 ? 200 : n->len), n->u.s, path_text(c, q->v[i].path, pb));
            ch = n->u.s[0];
        } else {
            continue;
        }
        if (emit(c, gv_make_char(c->a, ch), q->v[i].path))
            return -1;
    }
    return 0;
}

/* ---- extensions (not in cfn-guard 3.1.1) ---- */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* RFC 3339 "YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)" to epoch seconds. */
static int parse_rfc3339(const char *s, size_t len, int64_t *out)
{
    unsigned Y, M, D, h, mi, sec;
    int used = 0;
    char buf[64];
    if (len >= sizeof buf)
        return 0;
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (sscanf(buf, "%4u-%2u-%2u%*1[Tt ]%2u:%2u:%2u%n", &Y, &M, &D, &h, &mi, &sec, &used) != 6 ||
        used != 19)
        return 0;
    if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || mi > 59 || sec > 60)
        return 0;
    const char *p = buf + used;
    if (*p == '.') {
        p++;
        if (!(*p >= '0' && *p <= '9'))
            return 0;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    int64_t off = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        unsigned oh, om;
        int n2 = 0;
        if (sscanf(p + 1, "%2u:%2u%n", &oh, &om, &n2) != 2 || n2 != 5 || oh > 23 || om > 59)
            return 0;
        off = (int64_t)(oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
        p += 6;
    } else {
        return 0;
    }
    if (*p)
        return 0;
    *out = days_from_civil(Y, M, D) * 86400 + h * 3600 + mi * 60 + sec - off;
    return 1;
}

static int fn_parse_epoch(fctx *c, const gv_valset *q, gv_buf *pb)
{
    for (uint32_t i = 0; i < q->n; i++) {
        if (!is_str(&q->v[i]))
            continue;
        const gv_node *n = q->v[i].node;
        int64_t v;
        if (!parse_rfc3339(n->u.s, n->len, &v))
            return fail(c, "failed to parse \"%.*s\" as an RFC 3339 date-time at %s",
                        (int)(n->len > 200 ? 200 : n->len), n->u.s, path_text(c, q->v[i].path, pb));
        if (emit(c, gv_make_int(c->a, v), q->v[i].path))
            return -1;
    }
    return 0;
}

/* ---- dispatch ---- */

int gv_fn_call(int fn, gv_arena *a, const gv_valset *args, uint32_t nargs, gv_valset *out,
               gv_regex_cache *rc, gv_error *err)
{
    if (fn < 0 || fn >= GV_FN__COUNT) {
        gv_error_set(err, GV_E_EVAL, NULL, (gv_loc){0, 0}, "no such function (id %d)", fn);
        return -1;
    }
    if (gv_fn_check_arity(fn, nargs, err)) {
        err->code = GV_E_EVAL;
        return -1;
    }
    fctx c = {a, out, err, {0}};
    gv_buf_init(&c.tmp);
    gv_buf pb;
    gv_buf_init(&pb);
    int r;
    switch ((gv_fn)fn) {
    case GV_FN_COUNT: r = fn_count(&c, &args[0]); break;
    case GV_FN_JSON_PARSE: r = fn_json_parse(&c, &args[0]); break;
    case GV_FN_REGEX_REPLACE: r = fn_regex_replace(&c, &args[0], &args[1], &args[2], rc); break;
    case GV_FN_SUBSTRING: r = fn_substring(&c, &args[0], &args[1], &args[2]); break;
    case GV_FN_TO_UPPER: r = fn_case(&c, &args[0], 1); break;
    case GV_FN_TO_LOWER: r = fn_case(&c, &args[0], 0); break;
    case GV_FN_JOIN: r = fn_join(&c, &args[0], &args[1]); break;
    case GV_FN_URL_DECODE: r = fn_url_decode(&c, &args[0]); break;
    case GV_FN_PARSE_INT: r = fn_parse_int(&c, &args[0], &pb); break;
    case GV_FN_PARSE_FLOAT: r = fn_parse_float(&c, &args[0], &pb); break;
    case GV_FN_PARSE_STRING: r = fn_parse_string(&c, &args[0]); break;
    case GV_FN_PARSE_BOOLEAN: r = fn_parse_boolean(&c, &args[0], &pb); break;
    case GV_FN_PARSE_CHAR: r = fn_parse_char(&c, &args[0], &pb); break;
    case GV_FN_NOW: r = emit(&c, gv_make_int(a, (int64_t)time(NULL)), NULL); break;
    case GV_FN_PARSE_EPOCH: r = fn_parse_epoch(&c, &args[0], &pb); break;
    default: r = fail(&c, "no such function (id %d)", fn); break;
    }
    gv_buf_free(&c.tmp);
    gv_buf_free(&pb);
    return r;
}
