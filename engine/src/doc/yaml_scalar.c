#include "doc/yaml_scalar.h"

#include <stdlib.h>
#include <string.h>

#define CORE_TAG "tag:yaml.org,2002:"

int gv_parse_i64(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    int neg = 0;
    if (n && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        i = 1;
    }
    if (i == n)
        return 0;
    uint64_t lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, v = 0;
    int overflow = 0;
    for (; i < n; i++) {
        unsigned d = (unsigned)((unsigned char)s[i] - '0');
        if (d > 9)
            return 0;
        if (v > (lim - d) / 10)
            overflow = 1; /* keep going: a later non-digit still makes it "not an int" */
        else
            v = v * 10 + d;
    }
    if (overflow)
        return -1;
    *out = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) : (int64_t)v;
    return 1;
}

static int equals_ci(const char *s, size_t n, const char *lit)
{
    if (strlen(lit) != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != lit[i])
            return 0;
    }
    return 1;
}

static size_t skip_digits(const char *s, size_t i, size_t n)
{
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    return i;
}

/* Rust's grammar: Number ::= Digit* ('.' Digit*)? Exp? with at least one
 * digit before the exponent; Exp ::= [eE] [+-]? Digit+. */
static int is_f64_text(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    if (equals_ci(s + i, n - i, "inf") || equals_ci(s + i, n - i, "infinity") ||
        equals_ci(s + i, n - i, "nan"))
        return 1;
    size_t start = i;
    i = skip_digits(s, i, n);
    size_t digits = i - start;
    if (i < n && s[i] == '.') {
        size_t f = i + 1;
        i = skip_digits(s, f, n);
        digits += i - f;
    }
    if (digits == 0)
        return 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t e = i;
        i = skip_digits(s, i, n);
        if (i == e)
            return 0;
    }
    return i == n;
}

int gv_parse_f64(const char *s, size_t n, double *out)
{
    if (!is_f64_text(s, n))
        return 0;
    /* strtod needs a terminated copy; long numerals are rare enough for malloc */
    char tmp[128];
    char *buf = n < sizeof tmp ? tmp : malloc(n + 1);
    if (!buf)
        return 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    *out = strtod(buf, NULL); /* glibc rounds correctly, as Rust does */
    if (buf != tmp)
        free(buf);
    return 1;
}

static int may_be_number(char c)
{
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'i' ||
           c == 'I' || c == 'n' || c == 'N';
}

static gv_node *new_int(gv_doc *d, int64_t v, uint32_t line, uint32_t col)
{
    gv_node *n = gv_node_new(d, GV_INT, line, col);
    if (n)
        n->u.i = v;
    return n;
}

static gv_node *new_float(gv_doc *d, double v, uint32_t line, uint32_t col)
{
    gv_node *n = gv_node_new(d, GV_FLOAT, line, col);
    if (n)
        n->u.f = v;
    return n;
}

static gv_node *new_bool(gv_doc *d, bool v, uint32_t line, uint32_t col)
{
    gv_node *n = gv_node_new(d, GV_BOOL, line, col);
    if (n)
        n->u.b = v;
    return n;
}

static int is_true(const char *s, size_t len)
{
    return len == 4 && memcmp(s, "true", 4) == 0;
}

static int is_false(const char *s, size_t len)
{
    return len == 5 && memcmp(s, "false", 5) == 0;
}

gv_node *gv_yaml_plain_scalar(gv_doc *d, const char *s, size_t len, uint32_t line, uint32_t col)
{
    if (len && may_be_number(s[0])) {
        int64_t i;
        double f;
        if (gv_parse_i64(s, len, &i) > 0)
            return new_int(d, i, line, col);
        if (gv_parse_f64(s, len, &f))
            return new_float(d, f, line, col);
    }
    if (is_true(s, len) || is_false(s, len))
        return new_bool(d, s[0] == 't', line, col);
    if (equals_ci(s, len, "null") || (len == 1 && s[0] == '~'))
        return gv_node_new(d, GV_NULL, line, col);
    return gv_node_new_string(d, s, len, line, col);
}

static gv_scalar_status core_scalar(gv_doc *d, const char *type, const char *s, size_t len,
                                    uint32_t line, uint32_t col, gv_node **out)
{
    int64_t i;
    double f;
    if (strcmp(type, "int") == 0) {
        if (gv_parse_i64(s, len, &i) <= 0)
            return GV_SCALAR_BAD_INT;
        *out = new_int(d, i, line, col);
    } else if (strcmp(type, "float") == 0) {
        if (!gv_parse_f64(s, len, &f))
            return GV_SCALAR_BAD_FLOAT;
        *out = new_float(d, f, line, col);
    } else if (strcmp(type, "bool") == 0 && (is_true(s, len) || is_false(s, len))) {
        *out = new_bool(d, s[0] == 't', line, col);
    } else if (strcmp(type, "null") == 0) {
        *out = gv_node_new(d, GV_NULL, line, col); /* whatever the content says */
    } else {
        *out = gv_node_new_string(d, s, len, line, col); /* !!str, !!binary, !!bool yes, ... */
    }
    return *out ? GV_SCALAR_OK : GV_SCALAR_NOMEM;
}

gv_scalar_status gv_yaml_scalar(gv_doc *d, gv_scalar_typing typing, const char *tag, int plain,
                                const char *s, size_t len, uint32_t line, uint32_t col, gv_node **out)
{
    if (tag && strncmp(tag, CORE_TAG, sizeof CORE_TAG - 1) == 0)
        return typing == GV_SCALARS_SERDE ? gv_serde_core_scalar(d, tag + sizeof CORE_TAG - 1, s, len, line, col, out)
                                          : core_scalar(d, tag + sizeof CORE_TAG - 1, s, len, line, col, out);
    if (plain && !tag && typing == GV_SCALARS_SERDE) {
        gv_scalar_status st;
        *out = gv_serde_plain_scalar(d, s, len, line, col, &st);
        return st;
    }
    if (plain && !tag)
        *out = gv_yaml_plain_scalar(d, s, len, line, col);
    else
        *out = gv_node_new_string(d, s, len, line, col); /* quoted, block, or !Anything */
    return *out ? GV_SCALAR_OK : GV_SCALAR_NOMEM;
}

typedef struct tag_rule {
    const char *name;    /* tag without the leading '!' */
    const char *key;     /* wrapping key */
    unsigned guard;      /* shapes wrapped in cfn-guard mode: bit per gv_tag_shape */
} tag_rule;

#define SC (1u << GV_SHAPE_SCALAR)
#define SQ (1u << GV_SHAPE_SEQ)

/* cfn-guard 3.1.1 wraps only these tag/shape pairs; CloudFormation mode
 * wraps every intrinsic whatever its shape. */
static const tag_rule tag_rules[] = {
    { "Ref", "Ref", SC },
    { "Condition", "Condition", SC },
    { "GetAtt", "Fn::GetAtt", SC | SQ },
    { "Sub", "Fn::Sub", SC | SQ },
    { "Base64", "Fn::Base64", SC },
    { "GetAZs", "Fn::GetAZs", SC },
    { "ImportValue", "Fn::ImportValue", SC },
    { "If", "Fn::If", SQ },
    { "Join", "Fn::Join", SQ },
    { "Select", "Fn::Select", SQ },
    { "Split", "Fn::Split", SQ },
    { "FindInMap", "Fn::FindInMap", SQ },
    { "Equals", "Fn::Equals", SQ },
    { "And", "Fn::And", SQ },
    { "Or", "Fn::Or", SQ },
    { "Not", "Fn::Not", SQ },
    { "Cidr", "Fn::Cidr", 0 },
    { "Transform", "Fn::Transform", 0 },
    { "ToJsonString", "Fn::ToJsonString", 0 },
    { "Length", "Fn::Length", 0 },
    /* rule functions of a template's Rules section (probed: cfn-guard wraps
     * these too, though the notes on loading list only the intrinsics) */
    { "RefAll", "Fn::RefAll", SC },
    { "Contains", "Fn::Contains", SQ },
    { "EachMemberEquals", "Fn::EachMemberEquals", SQ },
    { "EachMemberIn", "Fn::EachMemberIn", SQ },
    { "ValueOf", "Fn::ValueOf", SQ },
    { "ValueOfAll", "Fn::ValueOfAll", 0 },
};

gv_tag_action gv_yaml_tag_action(const char *tag, gv_tag_shape shape, gv_shortform mode,
                                 const char **key)
{
    /* libyaml hands over resolved tags: "!Ref" for !Ref, !<!Ref> and %TAG
     * aliases of '!'; core tags arrive as tag:yaml.org,2002:... */
    if (!tag || tag[0] != '!')
        return GV_TAG_KEEP;
    for (size_t i = 0; i < sizeof tag_rules / sizeof *tag_rules; i++) {
        const tag_rule *r = &tag_rules[i];
        if (strcmp(tag + 1, r->name) != 0)
            continue;
        *key = r->key;
        if (mode == GV_SHORTFORM_CFN)
            return shape == GV_SHAPE_SCALAR && strcmp(r->name, "GetAtt") == 0 ? GV_TAG_WRAP_SPLIT
                                                                               : GV_TAG_WRAP;
        return (r->guard & (1u << shape)) ? GV_TAG_WRAP : GV_TAG_KEEP;
    }
    return GV_TAG_KEEP;
}
