/* Guard (Rust fancy-regex syntax) regexes on PCRE2. See regex.h for the
 * dialect differences this file bridges; each was probed on cfn-guard 3.1.1
 * (tests/unit/test_regex.c records the probes). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "vm/regex.h"

#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "util/hash.h"

/* What a search needs besides the pattern: the match data (ovector, and
 * the interpreter's backtracking frames, allocated by its first search)
 * and the match limits. The regexes of a cache share one, so a run pays
 * for those frames once instead of once per pattern. */
typedef struct scratch {
    pcre2_match_data *md;      /* room for the most groups of its regexes */
    uint32_t pairs;
    pcre2_match_context *mc;
} scratch;

struct gv_regex {
    pcre2_code *code;
    scratch *sc;               /* &own, or the cache's */
    scratch own;
    const char *pattern;       /* as written, in the arena */
    size_t len;
    uint32_t ngroups;
    int jit;                   /* 1 JIT compiled, 0 JIT unavailable, -1 not tried yet */
    uint32_t uses;             /* searches before the JIT is tried */
};

/* JIT compiling a pattern costs as much as some thousands of interpreted
 * searches of the short strings rules test (a tenth of a 100-resource run
 * of the Control Tower rules went into it): a pattern is interpreted until
 * it has been used this often. Both matchers give the same answers under
 * the same limits. */
#define JIT_AFTER_USES 64

/* ---- translation: Rust regex syntax -> PCRE2 ---- */

typedef struct xlate {
    const char *p;
    size_t n;
    gv_buf *out;
    size_t bad;        /* offset of the construct that is rejected */
    const char *why;
} xlate;

static int is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int reject(xlate *x, size_t at, const char *why)
{
    x->bad = at;
    x->why = why;
    return -1;
}

/* \u and \U: Rust code-point escapes PCRE2 does not know. Returns the
 * number of pattern bytes consumed, or 0 when malformed. */
static size_t xlate_codepoint(xlate *x, size_t i)
{
    const char *p = x->p;
    size_t j = i + 2, digits = 0;
    size_t want = p[i + 1] == 'u' ? 4 : 8;
    if (j < x->n && p[j] == '{') {
        j++;
        size_t start = j;
        while (j < x->n && is_hex(p[j]))
            j++;
        if (j == start || j >= x->n || p[j] != '}' || j - start > 8)
            return 0;
        gv_buf_puts(x->out, "\\x{");
        gv_buf_append(x->out, p + start, j - start);
        gv_buf_putc(x->out, '}');
        return j + 1 - i;
    }
    while (j < x->n && digits < want && is_hex(p[j])) {
        j++;
        digits++;
    }
    if (digits != want)
        return 0;
    gv_buf_puts(x->out, "\\x{");
    gv_buf_append(x->out, p + i + 2, want);
    gv_buf_putc(x->out, '}');
    return j - i;
}

/* An escape at p[i] == '\\'. Returns bytes consumed or 0 on rejection. */
static size_t xlate_escape(xlate *x, size_t i, int in_class)
{
    const char *p = x->p;
    if (i + 1 >= x->n) {
        gv_buf_putc(x->out, '\\'); /* PCRE2 reports the dangling backslash */
        return 1;
    }
    char e = p[i + 1];
    switch (e) {
    case 'h': /* fancy-regex: hex digit (probe: "x y" does not match /\h/) */
        gv_buf_puts(x->out, in_class ? "0-9A-Fa-f" : "[0-9A-Fa-f]");
        return 2;
    case 'H':
        if (in_class)
            { reject(x, i, "\\H inside a character class is not supported"); return 0; }
        gv_buf_puts(x->out, "[^0-9A-Fa-f]");
        return 2;
    case 'v': /* Rust: vertical tab only; PCRE2: any vertical space */
        gv_buf_puts(x->out, "\\x{0B}");
        return 2;
    case 'u':
    case 'U': {
        size_t k = xlate_codepoint(x, i);
        if (!k)
            reject(x, i, "malformed unicode escape");
        return k;
    }
    case '0': /* PCRE2 would read following digits as octal */
        gv_buf_puts(x->out, "\\x{00}");
        return 2;
    case 'a': case 'f': case 'n': case 'r': case 't': case 'e':
    case 'z': case 'A': case 'b': case 'B': case 'G': case 'K':
    case 'd': case 'D': case 's': case 'S': case 'w': case 'W':
    case 'k':
        gv_buf_append(x->out, p + i, 2);
        return 2;
    case 'p': case 'P': case 'x': {
        /* copy a braced argument whole so '{' is not seen as a quantifier */
        size_t j = i + 2;
        if (j < x->n && p[j] == '{') {
            while (j < x->n && p[j] != '}')
                j++;
            if (j < x->n)
                j++;
        }
        gv_buf_append(x->out, p + i, j - i);
        return j - i;
    }
    default:
        break;
    }
    if (e >= '1' && e <= '9') {
        /* a backreference; \g{N} so a missing group is an error, never octal */
        if (in_class)
            { reject(x, i, "backreference inside a character class"); return 0; }
        size_t j = i + 1;
        while (j < x->n && is_digit(p[j]))
            j++;
        gv_buf_puts(x->out, "\\g{");
        gv_buf_append(x->out, p + i + 1, j - i - 1);
        gv_buf_putc(x->out, '}');
        return j - i;
    }
    if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z'))
        { reject(x, i, "unsupported escape sequence"); return 0; }
    gv_buf_append(x->out, p + i, 2); /* escaped punctuation: a literal */
    return 2;
}

/* POSIX classes are ASCII in Rust; PCRE2_UCP would make them Unicode.
 * Only the positive forms are rewritten ([:^x:] keeps PCRE2's meaning). */
static const char *posix_ascii(const char *name, size_t len)
{
    static const struct { const char *name; const char *set; } map[] = {
        {"alpha", "A-Za-z"}, {"digit", "0-9"}, {"alnum", "0-9A-Za-z"},
        {"upper", "A-Z"}, {"lower", "a-z"}, {"word", "0-9A-Za-z_"},
        {"xdigit", "0-9A-Fa-f"}, {"space", "\\t\\n\\x{0B}\\f\\r "},
        {"blank", "\\t "}, {"cntrl", "\\x{00}-\\x{1F}\\x{7F}"},
        {"print", "\\x{20}-\\x{7E}"}, {"graph", "!-~"},
        {"punct", "!-/:-@\\[-`{-~"}, {"ascii", "\\x{00}-\\x{7F}"},
    };
    for (size_t k = 0; k < sizeof map / sizeof map[0]; k++)
        if (strlen(map[k].name) == len && memcmp(map[k].name, name, len) == 0)
            return map[k].set;
    return NULL;
}

/* "(?" at p[i]: groups, assertions and inline flags. Returns bytes consumed
 * (the part copied so far) or 0 on rejection. */
static size_t xlate_group(xlate *x, size_t i)
{
    const char *p = x->p;
    size_t j = i + 2;
    char c = j < x->n ? p[j] : '\0';
    if (c == '=' || c == '!' || c == '>' || c == '(' || c == ':') {
        gv_buf_append(x->out, p + i, 3);
        return 3;
    }
    if (c == '#') { /* comment: copied raw up to ')' */
        size_t k = j;
        while (k < x->n && p[k] != ')')
            k++;
        if (k < x->n)
            k++;
        gv_buf_append(x->out, p + i, k - i);
        return k - i;
    }
    if (c == '<') {
        gv_buf_append(x->out, p + i, 3);
        return 3;
    }
    if (c == 'P') {
        char d = j + 1 < x->n ? p[j + 1] : '\0';
        if (d == '<' || d == '=') {
            gv_buf_append(x->out, p + i, 4);
            return 4;
        }
        { reject(x, i, "unsupported group syntax"); return 0; }
    }
    /* inline flags: Rust knows i m s x U u; `u` is always on here */
    size_t k = j;
    int neg = 0;
    gv_buf_puts(x->out, "(?");
    while (k < x->n && p[k] != ')' && p[k] != ':') {
        char f = p[k];
        if (f == '-') {
            neg = 1;
            gv_buf_putc(x->out, f);
        } else if (f == 'u') {
            if (neg)
                { reject(x, k, "flag u cannot be disabled"); return 0; }
        } else if (f == 'i' || f == 'm' || f == 's' || f == 'x' || f == 'U') {
            gv_buf_putc(x->out, f);
        } else {
            { reject(x, i, "unsupported group syntax"); return 0; }
        }
        k++;
    }
    if (k >= x->n)
        { reject(x, i, "unclosed group"); return 0; }
    /* "(?-)" and "(?u-)" leave a dangling '-': PCRE2 accepts that too */
    gv_buf_putc(x->out, p[k]);
    return k + 1 - i;
}

static int translate(xlate *x)
{
    const char *p = x->p;
    int in_class = 0;
    size_t class_start = 0; /* first byte after "[" or "[^" */
    size_t i = 0;
    while (i < x->n) {
        char c = p[i];
        size_t k;
        if (c == '\\') {
            if (!(k = xlate_escape(x, i, in_class)))
                return -1;
            i += k;
            continue;
        }
        if (in_class) {
            if (c == ']' && i != class_start) {
                in_class = 0;
            } else if (c == '[' && i + 1 < x->n && p[i + 1] == ':') {
                size_t e = i + 2;
                while (e + 1 < x->n && !(p[e] == ':' && p[e + 1] == ']'))
                    e++;
                if (e + 1 < x->n) {
                    const char *set = posix_ascii(p + i + 2, e - i - 2);
                    if (set) {
                        gv_buf_puts(x->out, set);
                        i = e + 2;
                        continue;
                    }
                    gv_buf_append(x->out, p + i, e + 2 - i);
                    i = e + 2;
                    continue;
                }
            }
            gv_buf_putc(x->out, c);
            i++;
            continue;
        }
        if (c == '[') {
            in_class = 1;
            gv_buf_putc(x->out, c);
            i++;
            if (i < x->n && p[i] == '^') {
                gv_buf_putc(x->out, '^');
                i++;
            }
            class_start = i;
            continue;
        }
        if (c == '(' && i + 1 < x->n && p[i + 1] == '?') {
            if (!(k = xlate_group(x, i)))
                return -1;
            i += k;
            continue;
        }
        if (c == '(' && i + 1 < x->n && p[i + 1] == '*')
            return reject(x, i, "repetition operator missing expression");
        if (c == '{' && i + 1 < x->n && p[i + 1] == ',') {
            /* Rust {,n} is {0,n}; PCRE2 10.42 would read it literally */
            size_t e = i + 2;
            while (e < x->n && is_digit(p[e]))
                e++;
            if (e > i + 2 && e < x->n && p[e] == '}') {
                gv_buf_puts(x->out, "{0,");
                gv_buf_append(x->out, p + i + 2, e + 1 - (i + 2));
                i = e + 1;
                continue;
            }
        }
        gv_buf_putc(x->out, c);
        i++;
    }
    return 0;
}

/* ---- compile / free ---- */

static void set_bad(gv_error *err, const char *pattern, size_t len, size_t at, const char *why)
{
    gv_error_set(err, GV_E_SYNTAX, NULL, (gv_loc){0, 0},
                 "invalid regex /%.*s/: %s at offset %zu",
                 (int)(len > 200 ? 200 : len), pattern, why, at);
}

static void free_scratch(scratch *sc)
{
    pcre2_match_data_free(sc->md);
    pcre2_match_context_free(sc->mc);
    *sc = (scratch){ NULL, 0, NULL };
}

/* Makes sc able to serve a pattern of ngroups groups. */
static int fit_scratch(scratch *sc, uint32_t ngroups)
{
    if (!sc->mc) {
        if (!(sc->mc = pcre2_match_context_create(NULL)))
            return -1;
        pcre2_set_match_limit(sc->mc, GV_REGEX_MATCH_LIMIT);
        pcre2_set_depth_limit(sc->mc, GV_REGEX_DEPTH_LIMIT);
        pcre2_set_heap_limit(sc->mc, GV_REGEX_HEAP_LIMIT_KIB);
    }
    if (sc->md && sc->pairs > ngroups)
        return 0;
    pcre2_match_data *md = pcre2_match_data_create(ngroups + 1, NULL);
    if (!md)
        return -1;
    pcre2_match_data_free(sc->md);
    sc->md = md;
    sc->pairs = ngroups + 1;
    return 0;
}

/* sc NULL: the regex gets a scratch of its own. */
static gv_regex *compile_with(gv_arena *a, scratch *sc, const char *pattern, size_t len, gv_error *err)
{
    gv_buf b;
    gv_buf_init(&b);
    xlate x = {pattern, len, &b, 0, NULL};
    if (translate(&x) != 0) {
        set_bad(err, pattern, len, x.bad, x.why);
        gv_buf_free(&b);
        return NULL;
    }
    if (b.oom) {
        gv_buf_free(&b);
        gv_error_set(err, GV_E_NOMEM, NULL, (gv_loc){0, 0}, "out of memory compiling a regex");
        return NULL;
    }
    pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
    if (cc)
        pcre2_set_newline(cc, PCRE2_NEWLINE_LF); /* Rust: only \n is a line end */
    int ecode = 0;
    PCRE2_SIZE eoff = 0;
    uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_DOLLAR_ENDONLY | PCRE2_NEVER_BACKSLASH_C;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)(b.data ? b.data : ""), b.len, opts,
                                     &ecode, &eoff, cc);
    pcre2_compile_context_free(cc);
    gv_buf_free(&b);
    if (!code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(ecode, msg, sizeof msg);
        /* eoff is in the translated pattern; close enough for a message */
        set_bad(err, pattern, len, eoff > len ? len : eoff, (const char *)msg);
        return NULL;
    }
    gv_regex *re = GV_NEW(a, gv_regex);
    char *copy = re ? gv_arena_strndup(a, pattern, len) : NULL;
    uint32_t cap = 0;
    pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &cap);
    if (!re || !copy || fit_scratch(sc ? sc : &re->own, cap) < 0) {
        if (re)
            free_scratch(&re->own);
        pcre2_code_free(code);
        gv_error_set(err, GV_E_NOMEM, NULL, (gv_loc){0, 0}, "out of memory compiling a regex");
        return NULL;
    }
    re->code = code;
    re->sc = sc ? sc : &re->own;
    re->pattern = copy;
    re->len = len;
    re->ngroups = cap;
    /* JIT compiling costs far more than parsing the pattern, and most
     * patterns of a rules file are never used on a given input, or only a
     * few times: it waits (JIT_AFTER_USES) */
    re->jit = -1;
    return re;
}

gv_regex *gv_regex_compile(gv_arena *a, const char *pattern, size_t len, gv_error *err)
{
    return compile_with(a, NULL, pattern, len, err);
}

void gv_regex_free(gv_regex *re)
{
    if (!re)
        return;
    free_scratch(&re->own);
    pcre2_code_free(re->code);
    re->sc = NULL;
    re->code = NULL;
}

const char *gv_regex_pattern(const gv_regex *re, size_t *len)
{
    if (len)
        *len = re->len;
    return re->pattern;
}

/* ---- matching ---- */

static int is_limit(int rc)
{
    return rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
           rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT;
}

/* One backtracking match from `start`; JIT when available, the interpreter
 * when the JIT stack is too small (it has its own heap-based limits). */
static int run(const gv_regex *re, const char *s, size_t len, size_t start, uint32_t opts)
{
    int rc;
    if (re->jit < 0) {
        gv_regex *w = (gv_regex *)re; /* memoised like the match scratch md */
        if (w->uses++ >= JIT_AFTER_USES)
            w->jit = pcre2_jit_compile(w->code, PCRE2_JIT_COMPLETE) == 0;
    }
    if (re->jit > 0) {
        rc = pcre2_jit_match(re->code, (PCRE2_SPTR)s, len, start, opts, re->sc->md, re->sc->mc);
        if (rc != PCRE2_ERROR_JIT_STACKLIMIT)
            return rc;
    }
    return pcre2_match(re->code, (PCRE2_SPTR)s, len, start, opts | PCRE2_NO_JIT, re->sc->md, re->sc->mc);
}

/* Rust's regex engine never backtracks; PCRE2's DFA matcher does not
 * either, so a pattern that blows the backtracking budget on a long subject
 * can still be answered (only yes/no: the DFA gives no captures). */
static int run_dfa(const gv_regex *re, const char *s, size_t len)
{
    int ws_small[2000];
    int rc = pcre2_dfa_match(re->code, (PCRE2_SPTR)s, len, 0, PCRE2_NO_UTF_CHECK, re->sc->md,
                             re->sc->mc, ws_small, sizeof ws_small / sizeof ws_small[0]);
    if (rc != PCRE2_ERROR_DFA_WSSIZE)
        return rc;
    size_t wn = 200000;
    int *ws = malloc(wn * sizeof *ws);
    if (!ws)
        return rc;
    rc = pcre2_dfa_match(re->code, (PCRE2_SPTR)s, len, 0, PCRE2_NO_UTF_CHECK, re->sc->md, re->sc->mc,
                         ws, wn);
    free(ws);
    return rc;
}

static int match_error(int rc, gv_error *err)
{
    if (is_limit(rc) || rc == PCRE2_ERROR_DFA_WSSIZE || rc == PCRE2_ERROR_DFA_RECURSE) {
        gv_error_set(err, GV_E_LIMIT, NULL, (gv_loc){0, 0}, "regex match limit exceeded");
        return -1;
    }
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(rc, msg, sizeof msg);
    gv_error_set(err, GV_E_EVAL, NULL, (gv_loc){0, 0}, "regex match failed: %s", (const char *)msg);
    return -1;
}

int gv_regex_search(const gv_regex *re, const char *s, size_t len, gv_error *err)
{
    if (!s)
        s = "";
    int rc = run(re, s, len, 0, 0);
    if (rc >= 0)
        return 1;
    if (rc == PCRE2_ERROR_NOMATCH)
        return 0;
    if (is_limit(rc)) {
        int d = run_dfa(re, s, len);
        if (d >= 0)
            return 1;
        if (d == PCRE2_ERROR_NOMATCH)
            return 0;
        /* DFA cannot do backreferences or the like: the budget stands */
        return match_error(rc, err);
    }
    return match_error(rc, err);
}

/* ---- replacement (Rust Captures::expand) ---- */

static int is_name_byte(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

/* Rust's name.parse::<usize>(): optional '+', then only digits. */
static int parse_group_number(const char *s, size_t n, size_t *out)
{
    size_t i = 0, v = 0;
    if (i < n && s[i] == '+')
        i++;
    if (i == n)
        return 0;
    for (; i < n; i++) {
        if (!is_digit(s[i]))
            return 0;
        if (v > (SIZE_MAX - 9) / 10)
            v = SIZE_MAX; /* absurdly large: no such group */
        else
            v = v * 10 + (size_t)(s[i] - '0');
    }
    *out = v;
    return 1;
}

static void append_group(const gv_regex *re, const char *s, const PCRE2_SIZE *ov,
                         const char *name, size_t nlen, gv_buf *out)
{
    size_t g;
    if (!parse_group_number(name, nlen, &g)) {
        char tmp[128];
        if (nlen >= sizeof tmp)
            return;
        memcpy(tmp, name, nlen);
        tmp[nlen] = '\0';
        int r = pcre2_substring_number_from_name(re->code, (PCRE2_SPTR)tmp);
        if (r < 0)
            return; /* unknown name: expands to nothing */
        g = (size_t)r;
    }
    if (g > re->ngroups || ov[2 * g] == PCRE2_UNSET)
        return;
    gv_buf_append(out, s + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
}

static void expand(const gv_regex *re, const char *s, const PCRE2_SIZE *ov,
                   const char *rep, size_t rlen, gv_buf *out)
{
    size_t i = 0;
    while (i < rlen) {
        const char *d = memchr(rep + i, '$', rlen - i);
        if (!d) {
            gv_buf_append(out, rep + i, rlen - i);
            return;
        }
        size_t at = (size_t)(d - rep);
        gv_buf_append(out, rep + i, at - i);
        i = at;
        if (i + 1 < rlen && rep[i + 1] == '$') {
            gv_buf_putc(out, '$');
            i += 2;
            continue;
        }
        if (i + 1 < rlen && rep[i + 1] == '{') {
            const char *close = memchr(rep + i + 2, '}', rlen - i - 2);
            if (!close) {
                gv_buf_putc(out, '$');
                i++;
                continue;
            }
            size_t ns = i + 2, ne = (size_t)(close - rep);
            append_group(re, s, ov, rep + ns, ne - ns, out);
            i = ne + 1;
            continue;
        }
        size_t e = i + 1;
        while (e < rlen && is_name_byte(rep[e]))
            e++;
        if (e == i + 1) {
            gv_buf_putc(out, '$'); /* not a reference: literal */
            i++;
            continue;
        }
        append_group(re, s, ov, rep + i + 1, e - i - 1, out);
        i = e;
    }
}

static size_t utf8_len(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0)
        return 2;
    if ((c & 0xF0) == 0xE0)
        return 3;
    if ((c & 0xF8) == 0xF0)
        return 4;
    return 1;
}

int gv_regex_replace(const gv_regex *re, const char *s, size_t len,
                     const char *rep, size_t rlen, int keep_unmatched,
                     gv_buf *out, gv_error *err)
{
    if (!s)
        s = "";
    size_t pos = 0, copied = 0;
    size_t last_match = SIZE_MAX; /* end of the previous accepted match */
    uint32_t opts = 0;
    while (pos <= len) {
        int rc = run(re, s, len, pos, opts);
        opts = PCRE2_NO_UTF_CHECK; /* checked once on the first search */
        if (rc == PCRE2_ERROR_NOMATCH)
            break;
        if (rc < 0)
            return match_error(rc, err);
        const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(re->sc->md);
        size_t ms = ov[0], me = ov[1];
        if (ms > me) /* \K games; Rust has no such match */
            ms = me;
        if (ms == me) {
            /* empty match: the next search starts one character later, and an
             * empty match where the last one ended is not a match at all */
            pos = me < len ? me + utf8_len((unsigned char)s[me]) : len + 1;
            if (me == last_match)
                continue;
        } else {
            pos = me;
        }
        last_match = me;
        if (keep_unmatched) {
            gv_buf_append(out, s + copied, ms - copied);
            copied = me;
        }
        expand(re, s, ov, rep, rlen, out);
    }
    if (keep_unmatched && copied < len)
        gv_buf_append(out, s + copied, len - copied);
    if (out->oom) {
        gv_error_set(err, GV_E_NOMEM, NULL, (gv_loc){0, 0}, "out of memory in regex replace");
        return -1;
    }
    return 0;
}

/* ---- cache ---- */

struct gv_regex_cache {
    gv_arena arena;    /* the gv_regex structs and pattern copies */
    gv_regex **slots;  /* open addressing by pattern hash; malloc'd */
    uint64_t *hashes;
    uint32_t cap, n;
    unsigned refs;
    scratch sc;        /* shared by the cache's regexes */
};

gv_regex_cache *gv_regex_cache_new(void)
{
    gv_regex_cache *rc = calloc(1, sizeof *rc);
    if (!rc)
        return NULL;
    gv_arena_init(&rc->arena, 4096);
    rc->refs = 1;
    return rc;
}

gv_regex_cache *gv_regex_cache_retain(gv_regex_cache *rc)
{
    if (rc)
        rc->refs++;
    return rc;
}

void gv_regex_cache_free(gv_regex_cache *rc)
{
    if (!rc || --rc->refs)
        return;
    free_scratch(&rc->sc);
    for (uint32_t i = 0; i < rc->cap; i++)
        if (rc->slots[i])
            gv_regex_free(rc->slots[i]);
    free(rc->slots);
    free(rc->hashes);
    gv_arena_free(&rc->arena);
    free(rc);
}

static uint32_t find_slot(const gv_regex_cache *rc, const char *p, size_t len, uint64_t h)
{
    uint32_t mask = rc->cap - 1;
    for (uint32_t i = (uint32_t)h & mask;; i = (i + 1) & mask) {
        const gv_regex *re = rc->slots[i];
        if (!re || (rc->hashes[i] == h && re->len == len && memcmp(re->pattern, p, len) == 0))
            return i;
    }
}

static int grow(gv_regex_cache *rc)
{
    uint32_t ncap = rc->cap ? rc->cap * 2 : 16;
    gv_regex **slots = calloc(ncap, sizeof *slots);
    uint64_t *hashes = calloc(ncap, sizeof *hashes);
    if (!slots || !hashes) {
        free(slots);
        free(hashes);
        return -1;
    }
    gv_regex_cache old = *rc;
    rc->slots = slots;
    rc->hashes = hashes;
    rc->cap = ncap;
    for (uint32_t i = 0; i < old.cap; i++) {
        if (!old.slots[i])
            continue;
        uint32_t j = find_slot(rc, old.slots[i]->pattern, old.slots[i]->len, old.hashes[i]);
        rc->slots[j] = old.slots[i];
        rc->hashes[j] = old.hashes[i];
    }
    free(old.slots);
    free(old.hashes);
    return 0;
}

const gv_regex *gv_regex_cache_lookup(const gv_regex_cache *rc, const char *pattern, size_t len)
{
    if (!rc || !rc->cap)
        return NULL;
    uint64_t h = gv_hash(pattern, len);
    return rc->slots[find_slot(rc, pattern, len, h)];
}

gv_regex *gv_regex_cache_get(gv_regex_cache *rc, const char *pattern, size_t len,
                             gv_error *err)
{
    uint64_t h = gv_hash(pattern, len);
    if (rc->cap) {
        uint32_t i = find_slot(rc, pattern, len, h);
        if (rc->slots[i])
            return rc->slots[i];
    }
    if ((rc->n + 1) * 4 > rc->cap * 3 && grow(rc) != 0) {
        gv_error_set(err, GV_E_NOMEM, NULL, (gv_loc){0, 0}, "out of memory in the regex cache");
        return NULL;
    }
    gv_regex *re = compile_with(&rc->arena, &rc->sc, pattern, len, err);
    if (!re)
        return NULL;
    uint32_t i = find_slot(rc, pattern, len, h);
    rc->slots[i] = re;
    rc->hashes[i] = h;
    rc->n++;
    return re;
}

uint32_t gv_regex_cache_count(const gv_regex_cache *rc)
{
    return rc ? rc->n : 0;
}
