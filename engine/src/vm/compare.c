/* Comparisons. What cfn-guard 3.1.1 does, probed (docs/oracle-notes):
 *  - values of different types never compare: 1 == 1.0, 1 == "1" and their
 *    negations all fail (INCOMPARABLE), and so do < > on them;
 *  - a regex on the right of == searches a string (case-sensitive);
 *  - list == list is element-wise in order; map == map by keys and values;
 *  - scalar == [a] compares with a; scalar == [a, b] is INCOMPARABLE;
 *  - list == scalar (or regex) holds when every element equals (matches)
 *    it, list != scalar when none does;
 *  - ordering on lists compares every element, on either side;
 *  - IN: membership in a list (a list on the left: see list_in_list), a
 *    substring of a string, a range (character ranges match nothing). */
#include "vm/compare.h"

#include <math.h>
#include <string.h>

#include "vm/program.h"
#include "vm/regex.h"

static int contains(const char *hay, size_t n, const char *needle, size_t m)
{
    if (m == 0)
        return 1;
    for (size_t i = 0; i + m <= n; i++)
        if (hay[i] == needle[0] && memcmp(hay + i, needle, m) == 0)
            return 1;
    return 0;
}

int gv_node_equal(const gv_node *a, const gv_node *b)
{
    if (a->kind != b->kind)
        return 0;
    switch (a->kind) {
    case GV_NULL: return 1;
    case GV_BOOL: return a->u.b == b->u.b;
    case GV_INT: return a->u.i == b->u.i;
    case GV_FLOAT: return a->u.f == b->u.f || (isnan(a->u.f) && isnan(b->u.f));
    case GV_STRING:
    case GV_CHAR:
    case GV_REGEX: return a->len == b->len && memcmp(a->u.s, b->u.s, a->len) == 0;
    case GV_LIST:
        if (a->len != b->len)
            return 0;
        for (uint32_t i = 0; i < a->len; i++)
            if (!gv_node_equal(a->u.items[i], b->u.items[i]))
                return 0;
        return 1;
    case GV_MAP:
        if (a->len != b->len)
            return 0;
        for (uint32_t i = 0; i < a->len; i++) {
            const gv_member *m = &a->u.members[i];
            const gv_node *o = gv_map_get(b, m->key->str, m->key->len, m->key->hash);
            if (!o || !gv_node_equal(m->value, o))
                return 0;
        }
        return 1;
    default: return 0;
    }
}

static gv_cmp_result from_bool(int b)
{
    return b ? GV_CMP_TRUE : GV_CMP_FALSE;
}

/* Bundles leave regexes uncompiled until a comparison needs one (loading
 * stays cheap); the compiled form is then memoised in the literal. */
static const gv_regex *regex_of(const gv_node *n, gv_error *err)
{
    gv_regex_node *x = (gv_regex_node *)n;
    if (!x->re)
        x->re = gv_regex_cache_get(x->cache, n->u.s, n->len, err);
    return x->re;
}

static gv_cmp_result regex_search(const gv_node *s, const gv_node *re, gv_error *err)
{
    if (s->kind != GV_STRING)
        return GV_CMP_INCOMPARABLE;
    const gv_regex *compiled = regex_of(re, err);
    if (!compiled)
        return GV_CMP_ERROR;
    int r = gv_regex_search(compiled, s->u.s, s->len, err);
    return r < 0 ? GV_CMP_ERROR : from_bool(r);
}

/* Equality of two values of one kind as cfn-guard compares lists and maps:
 * item by item in order (maps in the left map's order, a key the right one
 * lacks is a difference); the first pair that differs decides, and a pair
 * of kinds that cannot be compared (1 and "a", 1 and 1.0) is INCOMPARABLE,
 * so `[1, false] != [1, "x"]` fails while `[1, false] != [2, "x"]` holds.
 * A regex inside a list or map matches a string (probed). */
static gv_cmp_result in_range(const gv_node *l, const gv_range_node *rg);

static gv_cmp_result deep_eq(const gv_node *l, const gv_node *r, gv_error *err)
{
    if (r->kind == GV_REGEX && l->kind != GV_REGEX)
        return regex_search(l, r, err);
    /* a range equals what is in it, and no range is comparable with a
     * range, in a list too (probed: `[1] == [r[1, 2]]` holds, `%g != %g`
     * fails for `let g = [r[1, 2]]`) */
    if (l->kind == GV_RANGE || r->kind == GV_RANGE)
        return l->kind == GV_RANGE ? GV_CMP_INCOMPARABLE : in_range(l, (const gv_range_node *)r);
    if (l->kind != r->kind)
        return GV_CMP_INCOMPARABLE;
    if (l->kind == GV_LIST || l->kind == GV_MAP) {
        if (l->len != r->len)
            return GV_CMP_FALSE;
        for (uint32_t i = 0; i < l->len; i++) {
            const gv_node *a = l->kind == GV_LIST ? l->u.items[i] : l->u.members[i].value, *b = r->u.items[i];
            if (l->kind == GV_MAP) {
                const gv_key *k = l->u.members[i].key;
                b = gv_map_get(r, k->str, k->len, k->hash);
                if (!b)
                    return GV_CMP_FALSE;
            }
            gv_cmp_result e = deep_eq(a, b, err);
            if (e != GV_CMP_TRUE)
                return e;
        }
        return GV_CMP_TRUE;
    }
    /* NaN (json_parse of .nan, or nan in data) equals NaN but is not
     * comparable with another float: == and != both fail (probed) */
    if (l->kind == GV_FLOAT && isnan(l->u.f) != isnan(r->u.f))
        return GV_CMP_INCOMPARABLE;
    return from_bool(gv_node_equal(l, r));
}

void gv_compare_incomparable_pair(const gv_node **l, const gv_node **r)
{
    gv_error err;
    const gv_node *a = *l, *b = *r;
    while (a->kind == b->kind && (a->kind == GV_LIST || a->kind == GV_MAP) && a->len == b->len) {
        const gv_node *x = NULL, *y = NULL;
        for (uint32_t i = 0; i < a->len && !x; i++) {
            const gv_node *p = a->kind == GV_LIST ? a->u.items[i] : a->u.members[i].value, *q = b->u.items[i];
            if (a->kind == GV_MAP) {
                const gv_key *k = a->u.members[i].key;
                if (!(q = gv_map_get(b, k->str, k->len, k->hash)))
                    return;
            }
            gv_error_clear(&err);
            gv_cmp_result e = deep_eq(p, q, &err);
            if (e == GV_CMP_INCOMPARABLE) {
                x = p;
                y = q;
            } else if (e != GV_CMP_TRUE)
                return;
        }
        if (!x)
            return;
        *l = a = x;
        *r = b = y;
    }
}

static gv_cmp_result compare_eq(const gv_node *l, const gv_node *r, gv_error *err)
{
    /* == against a range is IN it, != NOT IN (probed: `x != r(3, 4)`
     * holds for 100; a list on the left is taken item by item below) */
    if (r->kind == GV_RANGE && l->kind != GV_LIST)
        return in_range(l, (const gv_range_node *)r);
    if (r->kind == GV_REGEX && l->kind != GV_LIST && l->kind != GV_REGEX)
        return regex_search(l, r, err);
    if (l->kind == GV_REGEX && r->kind == GV_STRING)
        return regex_search(r, l, err); /* a parameter's regex argument (probed) */
    if (r->kind == GV_LIST && l->kind != GV_LIST) {
        /* a scalar against a list of one is against its item, one level
         * deep; a map is not comparable with a list (probed: `m == [{}]`
         * and `m != [{}]` both fail on m = {}, `s == [["a"]]` on "a") */
        if (r->len != 1 || l->kind == GV_MAP || r->u.items[0]->kind == GV_LIST)
            return GV_CMP_INCOMPARABLE;
        return compare_eq(l, r->u.items[0], err);
    }
    if (l->kind == GV_LIST && r->kind != GV_LIST) {
        /* all equal: TRUE; none: FALSE; some: neither == nor != holds;
         * an empty list: both hold (probed) */
        if (l->len == 0)
            return GV_CMP_VACUOUS;
        uint32_t equal = 0;
        for (uint32_t i = 0; i < l->len; i++) {
            if (l->u.items[i]->kind == GV_LIST)
                return GV_CMP_INCOMPARABLE; /* one level only: [[a]] == a fails both ways */
            gv_cmp_result e = compare_eq(l->u.items[i], r, err);
            if (e == GV_CMP_ERROR || e == GV_CMP_INCOMPARABLE)
                return e;
            equal += e == GV_CMP_TRUE;
        }
        return equal == l->len ? GV_CMP_TRUE : equal == 0 ? GV_CMP_FALSE : GV_CMP_INCOMPARABLE;
    }
    return deep_eq(l, r, err);
}

static gv_cmp_result order_scalars(gv_cmp_op op, const gv_node *l, const gv_node *r)
{
    int c;
    if (l->kind == GV_INT && r->kind == GV_INT)
        c = (l->u.i > r->u.i) - (l->u.i < r->u.i);
    else if (l->kind == GV_FLOAT && r->kind == GV_FLOAT) {
        if (isnan(l->u.f) || isnan(r->u.f))
            return GV_CMP_INCOMPARABLE; /* NaN is not ordered: < <= > >= all fail (probed) */
        c = (l->u.f > r->u.f) - (l->u.f < r->u.f);
    }
    else if (l->kind == GV_NULL && r->kind == GV_NULL)
        c = 0; /* null <= null holds, null < null does not (probed) */
    else if ((l->kind == GV_STRING && r->kind == GV_STRING) || (l->kind == GV_CHAR && r->kind == GV_CHAR)) {
        uint32_t n = l->len < r->len ? l->len : r->len;
        c = memcmp(l->u.s, r->u.s, n);
        if (c == 0)
            c = (l->len > r->len) - (l->len < r->len);
    } else
        return GV_CMP_INCOMPARABLE;
    switch (op) {
    case GV_OP_LT: return from_bool(c < 0);
    case GV_OP_LE: return from_bool(c <= 0);
    case GV_OP_GT: return from_bool(c > 0);
    default: return from_bool(c >= 0);
    }
}

/* Ordering distributes over lists on either side: every pair must hold. */
static uint32_t items_of(const gv_node *v, const gv_node *const **items);

/* Every item of the left side (a list's elements, else the value) against
 * every item of the right side, one level deep on each: an item that is a
 * list is not comparable (probed: `[1] <= [1]` holds, `[[]] <= [[]]` and
 * `1 <= [[1]]` fail). No items on a side: it holds. */
static gv_cmp_result compare_order(gv_cmp_op op, const gv_node *l, const gv_node *r)
{
    const gv_node *const *li, *const *ri;
    uint32_t nl = items_of(l, &li), nr = items_of(r, &ri);
    gv_cmp_result all = GV_CMP_TRUE;
    for (uint32_t i = 0; i < nl; i++) {
        for (uint32_t j = 0; j < nr; j++) {
            gv_cmp_result e = order_scalars(op, li ? li[i] : l, ri ? ri[j] : r);
            if (e == GV_CMP_INCOMPARABLE)
                return e;
            if (e == GV_CMP_FALSE)
                all = GV_CMP_FALSE;
        }
    }
    return all;
}

static gv_cmp_result in_range(const gv_node *l, const gv_range_node *rg)
{
    int lo, hi;
    if (rg->kind == GV_RANGE_RT_INT && l->kind == GV_INT) {
        lo = rg->lo_incl ? l->u.i >= rg->lo_i : l->u.i > rg->lo_i;
        hi = rg->hi_incl ? l->u.i <= rg->hi_i : l->u.i < rg->hi_i;
    } else if (rg->kind == GV_RANGE_RT_FLOAT && l->kind == GV_FLOAT) {
        lo = rg->lo_incl ? l->u.f >= rg->lo_f : l->u.f > rg->lo_f;
        hi = rg->hi_incl ? l->u.f <= rg->hi_f : l->u.f < rg->hi_f;
    } else if (rg->kind == GV_RANGE_RT_CHAR && l->kind == GV_CHAR) {
        int64_t ch = (unsigned char)l->u.s[0];
        lo = rg->lo_incl ? ch >= rg->lo_i : ch > rg->lo_i;
        hi = rg->hi_incl ? ch <= rg->hi_i : ch < rg->hi_i;
    } else {
        /* cfn-guard compares no other value with a character range (a
         * string is not a char): `in` and `not in` both fail (probed) */
        return GV_CMP_INCOMPARABLE;
    }
    return from_bool(lo && hi);
}

/* Regex items search a string; a regex on the left (a parameter's literal
 * argument) searches the string items too (probed). */
static gv_cmp_result member_of(const gv_node *l, const gv_node *list, gv_error *err)
{
    for (uint32_t i = 0; i < list->len; i++) {
        const gv_node *e = list->u.items[i];
        gv_cmp_result r = l->kind == GV_REGEX && e->kind == GV_STRING ? regex_search(e, l, err)
                          : e->kind == GV_REGEX && l->kind != GV_REGEX  ? regex_search(l, e, err)
                                                                          : from_bool(gv_node_equal(l, e));
        if (r == GV_CMP_ERROR || r == GV_CMP_TRUE)
            return r;
    }
    return GV_CMP_FALSE;
}

/* A list on the left of IN (probed against cfn-guard, see
 * tests/conformance/probes): the right-hand list's first item picks the
 * reading. If it is a list, the left list must be one of the items as a
 * whole, and `not in` holds only for an empty left list that is not one;
 * otherwise each left item is looked up: all found is TRUE, none found is
 * FALSE, some found is neither (both `in` and `not in` fail). */
static gv_cmp_result list_in_list(const gv_node *l, const gv_node *r, gv_error *err)
{
    if (r->len == 0)
        return from_bool(l->len == 0);
    if (r->u.items[0]->kind == GV_LIST) {
        gv_cmp_result whole = member_of(l, r, err);
        if (whole == GV_CMP_ERROR || l->len == 0)
            return whole;
        return whole == GV_CMP_TRUE ? GV_CMP_TRUE : GV_CMP_INCOMPARABLE;
    }
    uint32_t found = 0;
    for (uint32_t i = 0; i < l->len; i++) {
        gv_cmp_result e = member_of(l->u.items[i], r, err);
        if (e == GV_CMP_ERROR)
            return e;
        found += e == GV_CMP_TRUE;
    }
    if (found == l->len)
        return GV_CMP_TRUE;
    return found == 0 ? GV_CMP_FALSE : GV_CMP_INCOMPARABLE;
}

/* A list IN a string: each element must be a substring (all: TRUE, none:
 * FALSE, some: neither; an empty list: both hold; probed). */
static gv_cmp_result list_in_string(const gv_node *l, const gv_node *r)
{
    if (l->len == 0)
        return GV_CMP_VACUOUS;
    uint32_t found = 0;
    for (uint32_t i = 0; i < l->len; i++) {
        const gv_node *e = l->u.items[i];
        if (e->kind != GV_STRING)
            return GV_CMP_INCOMPARABLE;
        found += contains(r->u.s, r->len, e->u.s, e->len);
    }
    return found == l->len ? GV_CMP_TRUE : found == 0 ? GV_CMP_FALSE : GV_CMP_INCOMPARABLE;
}

static gv_cmp_result compare_in(const gv_node *l, const gv_node *r, gv_error *err)
{
    if (l->kind == GV_LIST && r->kind == GV_REGEX)
        return GV_CMP_INCOMPARABLE; /* a list IN a regex fails both ways (probed) */
    if (r->kind == GV_RANGE)
        return in_range(l, (const gv_range_node *)r);
    if (l->kind == GV_REGEX && r->kind == GV_STRING)
        return GV_CMP_INCOMPARABLE; /* a parameter's regex argument: `in` and `not in` fail (probed) */
    if (r->kind == GV_STRING && l->kind == GV_STRING)
        return from_bool(contains(r->u.s, r->len, l->u.s, l->len));
    if (l->kind == GV_LIST && r->kind == GV_STRING)
        return list_in_string(l, r);
    if (l->kind == GV_LIST && r->kind != GV_LIST)
        return GV_CMP_INCOMPARABLE; /* [1] IN 1 and [2] NOT IN 1 both fail (probed) */
    if (r->kind != GV_LIST)
        return compare_eq(l, r, err);
    if (l->kind != GV_LIST)
        return member_of(l, r, err);
    return list_in_list(l, r, err);
}

gv_cmp_result gv_compare_in_values(const gv_node *x, const gv_node *set, gv_error *err)
{
    /* x is in when it equals one of the values, or is in one that is a
     * list as it would be in a literal list, but no substring search and
     * no list spread over several values; a list only so, never by being
     * equal to a value (probed: "a" IN {"b", ["a"]} and [1] IN {[1, 2],
     * [3]} hold, "a" IN {"ab", "c"}, [1, 3] IN {[1, 2], [3]} and [[]] IN
     * {[], [[]]} do not) */
    for (uint32_t i = 0; i < set->len; i++) {
        const gv_node *v = set->u.items[i];
        if (!v)
            continue;
        gv_cmp_result c = v->kind == GV_REGEX && x->kind != GV_REGEX   ? regex_search(x, v, err)
                          : x->kind == GV_REGEX && v->kind == GV_STRING ? regex_search(v, x, err)
                          : x->kind != GV_LIST && gv_node_equal(x, v)   ? GV_CMP_TRUE
                          : v->kind != GV_LIST                        ? GV_CMP_FALSE
                          : x->kind == GV_LIST                        ? list_in_list(x, v, err)
                                                                      : member_of(x, v, err);
        if (c == GV_CMP_ERROR || c == GV_CMP_TRUE)
            return c;
    }
    return GV_CMP_FALSE;
}

/* A scalar literal against a list value: every element (all: TRUE, none:
 * FALSE, some: neither; no elements: both hold), as a list on the left of a
 * comparison with a literal is read the other way round. */
static gv_cmp_result literal_vs_elements(const gv_node *lit, const gv_node *list, gv_error *err)
{
    if (list->len == 0)
        return GV_CMP_VACUOUS;
    uint32_t equal = 0;
    for (uint32_t i = 0; i < list->len; i++) {
        if (list->u.items[i]->kind == GV_LIST)
            return GV_CMP_INCOMPARABLE;
        gv_cmp_result e = compare_eq(list->u.items[i], lit, err);
        if (e == GV_CMP_ERROR || e == GV_CMP_INCOMPARABLE)
            return e;
        equal += e == GV_CMP_TRUE;
    }
    return equal == list->len ? GV_CMP_TRUE : equal == 0 ? GV_CMP_FALSE : GV_CMP_INCOMPARABLE;
}

/* A regex bound to a variable, IN r: it searches a string, equals a regex,
 * and is in a list when it is so with one of its items (other items are
 * not); against anything else it is not comparable (probed: `let g =
 * /./`, `%g IN "p"` and `%g IN [1, "p"]` hold, `%g IN 1` and `%g NOT IN 1`
 * both fail). */
static gv_cmp_result regex_in(const gv_node *re, const gv_node *r, gv_error *err)
{
    if (r->kind == GV_STRING)
        return regex_search(r, re, err);
    if (r->kind == GV_REGEX)
        return from_bool(gv_node_equal(re, r));
    if (r->kind != GV_LIST)
        return GV_CMP_INCOMPARABLE;
    for (uint32_t i = 0; i < r->len; i++) {
        const gv_node *e = r->u.items[i];
        gv_cmp_result c = e->kind == GV_STRING || e->kind == GV_REGEX ? regex_in(re, e, err) : GV_CMP_FALSE;
        if (c == GV_CMP_ERROR || c == GV_CMP_TRUE)
            return c;
    }
    return GV_CMP_FALSE;
}

gv_cmp_result gv_compare_literal_lhs(gv_cmp_op op, const gv_node *lit, const gv_node *r, int rhs_literal,
                                     gv_error *err)
{
    if (op == GV_OP_IN && lit->kind == GV_REGEX)
        return regex_in(lit, r, err);
    if (op == GV_OP_EQ && lit->kind == GV_REGEX && r->kind == GV_REGEX)
        return from_bool(gv_node_equal(lit, r)); /* `%re == %re` holds (probed) */
    if (op == GV_OP_IN && !rhs_literal && r->kind != GV_LIST) {
        if (r->kind == GV_MAP && lit->kind != GV_MAP)
            return GV_CMP_INCOMPARABLE; /* `in` and `not in` a map both fail */
        /* a query's scalar is a one-element set: no substring search, and
         * a value of another kind is not comparable with it, so `in` and
         * `not in` both fail; a literal list is in it when every item
         * equals it, and is never `not in` it (probed) */
        if (lit->kind == GV_LIST) {
            for (uint32_t i = 0; i < lit->len; i++)
                if (!gv_node_equal(lit->u.items[i], r))
                    return GV_CMP_INCOMPARABLE;
            return GV_CMP_TRUE;
        }
        if (lit->kind != GV_REGEX && r->kind != GV_REGEX)
            return deep_eq(lit, r, err);
        gv_node *item = (gv_node *)r;
        gv_node one = { .kind = GV_LIST, .len = 1, .u.items = &item };
        return compare_in(lit, &one, err);
    }
    if (op == GV_OP_IN && lit->kind == GV_LIST && r->kind != GV_LIST && r->kind != GV_MAP)
        return GV_CMP_INCOMPARABLE; /* a literal list is not spread over a scalar */
    if (op != GV_OP_EQ)
        return gv_compare(op, lit, r, err);
    if (lit->kind == GV_REGEX && r->kind != GV_LIST)
        return regex_search(r, lit, err);
    if (lit->kind == GV_LIST && r->kind != GV_LIST)
        return GV_CMP_INCOMPARABLE;
    if (lit->kind != GV_LIST && r->kind == GV_LIST)
        return rhs_literal ? GV_CMP_INCOMPARABLE : literal_vs_elements(lit, r, err);
    return compare_eq(lit, r, err);
}

int gv_compare_list_in_values(uint8_t flags, int rhs_literal, const gv_node *lit, const gv_valset *r)
{
    if ((flags & GV_FLAG_OP_MASK) != GV_OP_IN || (flags & (GV_FLAG_OPNOT | GV_FLAG_SOME)) || rhs_literal ||
        lit->kind != GV_LIST || r->n < 2)
        return 0;
    for (uint32_t i = 0; i < lit->len; i++) {
        int found = 0;
        for (uint32_t j = 0; !found && j < r->n; j++)
            found = r->v[j].node && gv_node_equal(lit->u.items[i], r->v[j].node);
        if (!found)
            return 0;
    }
    return 1;
}

/* The items of v taken one level deep: a list's elements, else v itself. */
static uint32_t items_of(const gv_node *v, const gv_node *const **items)
{
    if (v->kind == GV_LIST) {
        *items = (const gv_node *const *)v->u.items;
        return v->len;
    }
    *items = NULL;
    return 1;
}

gv_cmp_result gv_compare_some_order(gv_cmp_op op, const gv_node *l, const gv_node *r)
{
    const gv_node *const *li, *const *ri;
    uint32_t nl = items_of(l, &li), nr = items_of(r, &ri);
    for (uint32_t i = 0; i < nl; i++)
        for (uint32_t j = 0; j < nr; j++)
            if (order_scalars(op, li ? li[i] : l, ri ? ri[j] : r) == GV_CMP_TRUE)
                return GV_CMP_VACUOUS; /* holds */
    return GV_CMP_INCOMPARABLE; /* fails */
}

gv_cmp_result gv_compare(gv_cmp_op op, const gv_node *lhs, const gv_node *rhs, gv_error *err)
{
    switch (op) {
    case GV_OP_EQ: return compare_eq(lhs, rhs, err);
    case GV_OP_IN: return compare_in(lhs, rhs, err);
    case GV_OP_LT:
    case GV_OP_LE:
    case GV_OP_GT:
    case GV_OP_GE: return compare_order(op, lhs, rhs);
    default: return GV_CMP_INCOMPARABLE;
    }
}
