/* Guard regexes on PCRE2 (8-bit, UTF, JIT).
 *
 * Guard 3.1.1 compiles regexes with the Rust crate fancy-regex (which hands
 * plain patterns to the `regex` crate). gv_regex_compile translates that
 * dialect into PCRE2 and rejects what the oracle rejects, so `/.../` literals
 * and regex_replace patterns mean the same thing in both engines:
 *   - \d \w \s \b are Unicode (PCRE2_UCP); POSIX classes [[:alpha:]] are ASCII;
 *   - `$` is the end of the text only (no "before a final newline");
 *   - \h / \H are hex digit / not hex digit (fancy-regex), \v is U+000B;
 *   - \uXXXX, \u{X..}, \UXXXXXXXX, \U{X..} are code points; {,n} is {0,n};
 *   - inline flag `u` is accepted and ignored, (?-u) is an error;
 *   - PCRE2-only syntax is an error: \Z \Q \E \R \N \X \c \o \g \C,
 *     (?| (?R) (?1) (?& (?J) (?n) (?^ (*VERB) and unknown letter escapes.
 * Searches are bounded: a match limit, a depth limit and a heap limit; a
 * search that hits the backtracking limit is retried with PCRE2's DFA matcher
 * (no backtracking, like Rust's), and only if that fails too is it an error
 * "regex match limit exceeded".
 *
 * Ownership: a gv_regex holds PCRE2 memory and must be released with
 * gv_regex_free. A gv_regex_cache owns any number of regexes, finds them by
 * pattern and frees them all at once; a program keeps one cache.
 * A gv_regex carries its own match scratch, so one regex (and one cache) must
 * not be used by two threads at the same time. */
#ifndef GV_REGEX_H
#define GV_REGEX_H

#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/error.h"

typedef struct gv_regex gv_regex;
typedef struct gv_regex_cache gv_regex_cache;

/* Bounds on one search (PCRE2 match/depth/heap limits). */
#define GV_REGEX_MATCH_LIMIT 1000000u
#define GV_REGEX_DEPTH_LIMIT 10000u
#define GV_REGEX_HEAP_LIMIT_KIB 65536u

/* Compiles a Guard (Rust-syntax) regex. The gv_regex struct lives in arena a;
 * the PCRE2 code it points to must be released with gv_regex_free.
 * On error returns NULL with err set (GV_E_SYNTAX, message names the pattern,
 * the problem and its byte offset). */
gv_regex *gv_regex_compile(gv_arena *a, const char *pattern, size_t len, gv_error *err);
void gv_regex_free(gv_regex *re);

/* The pattern as written (not translated). */
const char *gv_regex_pattern(const gv_regex *re, size_t *len);

/* Searches s anywhere (not a full match, as Guard's `==` does).
 * Returns 1 match, 0 no match, -1 error (GV_E_LIMIT "regex match limit
 * exceeded", or GV_E_EVAL for a subject that is not valid UTF-8). */
int gv_regex_search(const gv_regex *re, const char *s, size_t len, gv_error *err);

/* Iterates the matches of re in s the way Rust's captures_iter does
 * (leftmost-first, non-overlapping, an empty match right after the previous
 * match is skipped) and appends, for each match, the replacement template
 * `rep` expanded with Rust syntax: $N, $name, ${name}, $$; an unknown group
 * expands to nothing, and a `$` not followed by a name is literal.
 * keep_unmatched = 0 appends only the expansions (what Guard's regex_replace
 * returns); 1 also keeps the text between matches (a true replace-all).
 * Returns 0, or -1 with err set. */
int gv_regex_replace(const gv_regex *re, const char *s, size_t len,
                     const char *rep, size_t rlen, int keep_unmatched,
                     gv_buf *out, gv_error *err);

/* A set of compiled regexes, keyed by pattern text, sharing one match
 * scratch (a search must not start another search of the same cache while
 * it runs: none does). One reference, held by the caller. */
gv_regex_cache *gv_regex_cache_new(void);
/* Another holder: the programs of a bundle share one cache. */
gv_regex_cache *gv_regex_cache_retain(gv_regex_cache *rc);
/* Drops a reference; the last frees every regex of the cache and the cache
 * itself (NULL is fine). */
void gv_regex_cache_free(gv_regex_cache *rc);
/* The regex for pattern: found in the cache, or compiled and added.
 * NULL with err set when the pattern does not compile (errors are not cached). */
gv_regex *gv_regex_cache_get(gv_regex_cache *rc, const char *pattern, size_t len,
                             gv_error *err);
/* Only a lookup: NULL when the pattern has not been compiled into rc. */
const gv_regex *gv_regex_cache_lookup(const gv_regex_cache *rc, const char *pattern, size_t len);
uint32_t gv_regex_cache_count(const gv_regex_cache *rc);

#endif
