/* When a map has no member named exactly as a query key, cfn-guard 3.1.1
 * looks the key up again converted to camelCase, ClassCase, kebab-case,
 * PascalCase, snake_case, Title Case and Train-Case, in that order (probed:
 * `bucket_name` finds BucketName, `users` finds User, `IDs` finds Ids and
 * Id, `Tags` does not find tag). ClassCase is PascalCase with the last word
 * made singular. This file produces those spellings. */
#include "vm/keycase.h"

#include <string.h>

typedef struct word {
    uint32_t start, len;
} word;

static int is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static int is_lower(char c) { return c >= 'a' && c <= 'z'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_alnum(char c) { return is_upper(c) || is_lower(c) || is_digit(c); }
static char lower(char c) { return is_upper(c) ? (char)(c - 'A' + 'a') : c; }
static char upper(char c) { return is_lower(c) ? (char)(c - 'a' + 'A') : c; }

/* Words: runs of letters and digits, split where a capital follows a
 * lower-case letter or a digit (a run of capitals stays one word). */
static uint32_t split_words(const char *k, uint32_t len, word *w, uint32_t cap)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < len;) {
        while (i < len && !is_alnum(k[i]))
            i++;
        if (i == len)
            break;
        uint32_t s = i++;
        while (i < len && is_alnum(k[i]) && !(is_upper(k[i]) && (is_lower(k[i - 1]) || is_digit(k[i - 1]))))
            i++;
        if (n == cap)
            return 0;
        w[n++] = (word){ s, i - s };
    }
    return n;
}

static int ends_with(const char *s, uint32_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len > n && memcmp(s + len - n, suffix, n) == 0;
}

/* The singular of a lower-case word as cfn-guard's converter makes it
 * (probed: policies policy, boxes box, statuses statuse, heroes her, data
 * daum; children and people stay). Words in -ves lose the letter before
 * the ending too: natives na, archives arc (-tives, -hives dropped when
 * something is left), wolves wof, calves caf (l or r + ves: f), leaves
 * lefe, knives knfe (another letter + ves: fe); `ves` alone is ve.
 * Words ending in databases or parentheses never find their -s-less form
 * (what they turn into is unknown; kept whole, they find nothing new).
 * Returns the kept prefix length and the suffix to add through *add. */
static uint32_t singular(const char *w, uint32_t len, const char **add)
{
    *add = "";
    if (ends_with(w, len, "databases") || ends_with(w, len, "parentheses") ||
        (len == 9 && memcmp(w, "databases", 9) == 0) || (len == 11 && memcmp(w, "parentheses", 11) == 0))
        return len;
    if ((ends_with(w, len, "tives") || ends_with(w, len, "hives")) && len > 5)
        return len - 5;
    if (ends_with(w, len, "ves") && len > 3 && w[len - 4] != 'f') {
        *add = w[len - 4] == 'l' || w[len - 4] == 'r' ? "f" : "fe";
        return len - 4;
    }
    if (ends_with(w, len, "ies")) {
        *add = "y";
        return len - 3;
    }
    if (ends_with(w, len, "xes") || ends_with(w, len, "ches") || ends_with(w, len, "sses") ||
        ends_with(w, len, "shes"))
        return len - 2;
    if (ends_with(w, len, "oes"))
        return len - 3;
    if (ends_with(w, len, "ta") || ends_with(w, len, "ia")) {
        *add = "um";
        return len - 2;
    }
    if (ends_with(w, len, "s") && !ends_with(w, len, "ss"))
        return len - 1;
    return len;
}

typedef enum style { CAMEL, CLASS, KEBAB, PASCAL, SNAKE, TITLE, TRAIN, STYLES } style;

typedef struct out {
    char *buf;
    size_t cap, len;
    int full;
} out;

static void put(out *o, char c)
{
    if (o->len < o->cap)
        o->buf[o->len++] = c;
    else
        o->full = 1;
}

static void put_word(out *o, const char *w, uint32_t len, int capital, int last, style st)
{
    char lw[64];
    const char *add = "";
    uint32_t n = len;
    if (st == CLASS && last && len < sizeof lw) {
        for (uint32_t i = 0; i < len; i++)
            lw[i] = lower(w[i]);
        n = singular(lw, len, &add);
    }
    for (uint32_t i = 0; i < n; i++)
        put(o, i == 0 && capital ? upper(w[i]) : lower(w[i]));
    for (const char *a = add; *a; a++)
        put(o, *a);
}

static void render(out *o, const char *k, const word *w, uint32_t n, style st)
{
    static const char sep[STYLES] = { 0, 0, '-', 0, '_', ' ', '-' };
    for (uint32_t i = 0; i < n; i++) {
        if (i && sep[st])
            put(o, sep[st]);
        int capital = st == CLASS || st == PASCAL || st == TITLE || st == TRAIN || (st == CAMEL && i > 0);
        put_word(o, k + w[i].start, w[i].len, capital, i + 1 == n, st);
    }
}

uint32_t gv_key_variants(const char *key, uint32_t len, char *buf, size_t cap, gv_key_variant *v)
{
    word w[32];
    uint32_t nw = split_words(key, len, w, 32), nv = 0;
    if (nw == 0)
        return 0;
    size_t used = 0;
    for (int st = 0; st < STYLES; st++) {
        out o = { buf + used, cap - used, 0, 0 };
        render(&o, key, w, nw, (style)st);
        if (o.full || o.len == 0 || (o.len == len && memcmp(o.buf, key, len) == 0))
            continue;
        v[nv].s = o.buf;
        v[nv].len = (uint32_t)o.len;
        nv++;
        used += o.len;
    }
    return nv;
}
