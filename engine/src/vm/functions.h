/* Guard's built-in functions, as cfn-guard 3.1.1 evaluates them.
 * The behaviour (and the probes behind it) is written down at the top of
 * functions.c. In short, for the evaluator:
 *   - functions are evaluated lazily: an unknown function or a failing
 *     function in a `let` is an error only when the variable is used;
 *   - string functions map over every value of their first argument and keep
 *     each value's path; values of the wrong type and unresolved values are
 *     silently skipped, so the result set may be smaller, even empty;
 *   - count and join return one value whose path is the first argument
 *     value's path (an unresolved value's path counts) or the root;
 *   - the other arguments (regex_replace pattern/replacement, substring
 *     bounds, join separator) use the first value of their set only;
 *   - errors stop the evaluation: cfn-guard exits 255 for them. */
#ifndef GV_FUNCTIONS_H
#define GV_FUNCTIONS_H

#include <stdint.h>

#include "util/arena.h"
#include "util/error.h"
#include "vm/regex.h"
#include "vm/value.h"

/* X(id, name, min args, max args, in_oracle)
 * in_oracle 0: not a function of cfn-guard 3.1.1 (it answers "no such
 * function named now exists"); later Guard versions added it, gavel offers it
 * as an extension that gv_fn_lookup does not find. */
#define GV_FUNCTIONS(X)                              \
    X(COUNT, "count", 1, 1, 1)                       \
    X(JSON_PARSE, "json_parse", 1, 1, 1)             \
    X(REGEX_REPLACE, "regex_replace", 3, 3, 1)       \
    X(SUBSTRING, "substring", 3, 3, 1)               \
    X(TO_UPPER, "to_upper", 1, 1, 1)                 \
    X(TO_LOWER, "to_lower", 1, 1, 1)                 \
    X(JOIN, "join", 2, 2, 1)                         \
    X(URL_DECODE, "url_decode", 1, 1, 1)             \
    X(PARSE_INT, "parse_int", 1, 1, 1)               \
    X(PARSE_FLOAT, "parse_float", 1, 1, 1)           \
    X(PARSE_STRING, "parse_string", 1, 1, 1)         \
    X(PARSE_BOOLEAN, "parse_boolean", 1, 1, 1)       \
    X(PARSE_CHAR, "parse_char", 1, 1, 1)             \
    X(NOW, "now", 0, 0, 0)                           \
    X(PARSE_EPOCH, "parse_epoch", 1, 1, 0)

typedef enum gv_fn {
#define GV_FN_ENUM(id, name, lo, hi, oracle) GV_FN_##id,
    GV_FUNCTIONS(GV_FN_ENUM)
#undef GV_FN_ENUM
    GV_FN__COUNT
} gv_fn;

typedef struct gv_fn_info {
    const char *name;
    uint8_t min_args, max_args;
    uint8_t in_oracle;
} gv_fn_info;

extern const gv_fn_info gv_fn_table[GV_FN__COUNT];

/* The function named name[0..len), or -1. Only cfn-guard 3.1.1's functions. */
int gv_fn_lookup(const char *name, size_t len);
/* Same, also finding gavel's extensions (now, parse_epoch). */
int gv_fn_lookup_ext(const char *name, size_t len);
const char *gv_fn_name(int fn);

/* Checks an argument count; on a mismatch sets err (GV_E_RESOLVE) with
 * cfn-guard's text "NAME function requires N arguments be passed, but
 * received M" and returns -1. */
int gv_fn_check_arity(int fn, uint32_t nargs, gv_error *err);

/* Calls fn. args[i] is the result set of argument i (a query's results, or
 * one value for a literal). Results are appended to *out: new nodes made in
 * arena a, each with the path of the value it came from (NULL for literals
 * and for count/join over nothing). rc caches the regexes of regex_replace
 * (may be NULL: the regex is then compiled and freed on each call).
 * Returns 0, or -1 with err set (GV_E_EVAL, one line). */
int gv_fn_call(int fn, gv_arena *a, const gv_valset *args, uint32_t nargs, gv_valset *out,
               gv_regex_cache *rc, gv_error *err);

/* Pieces shared between functions*.c and useful to reporters: */

/* f64 as Rust's Display prints it: shortest round-trip digits, never an
 * exponent ("1", "0.0000001", "100000000000000000000", "-0", "inf", "NaN"). */
void gv_fmt_rust_float(gv_buf *out, double v);
/* Rust str::parse: 1 and *out on success, 0 when s is not a number. */
int gv_parse_rust_i64(const char *s, size_t len, int64_t *out);
int gv_parse_rust_f64(const char *s, size_t len, double *out);
/* Percent-decoding as Rust's urlencoding::decode: malformed escapes are kept
 * as text, '+' stays '+'. Returns 0 when the result is not valid UTF-8. */
int gv_url_decode(const char *s, size_t len, gv_buf *out);
/* Unicode case mapping as Rust's str::to_uppercase / to_lowercase. */
void gv_case_map(const char *s, size_t len, int upper, gv_buf *out);

#endif
