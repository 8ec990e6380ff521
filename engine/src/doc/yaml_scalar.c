#include "doc/yaml_scalar.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int is_digits(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* [-+]?[0-9]+ : decimal, leading zeros allowed (017 is 17). */
static int is_int(const char *s, size_t n)
{
    if (n && (s[0] == '-' || s[0] == '+'))
        s++, n--;
    return is_digits(s, n);
}

/* [-+]? ( [0-9]+ (. [0-9]*)? | . [0-9]+ ) ([eE] [-+]? [0-9]+)? */
static int is_float(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        i++;
    size_t int_start = i;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    size_t int_digits = i - int_start, frac_digits = 0;
    if (i < n && s[i] == '.') {
        i++;
        size_t f = i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        frac_digits = i - f;
    }
    if (int_digits == 0 && frac_digits == 0)
        return 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '-' || s[i] == '+'))
            i++;
        size_t e = i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == e)
            return 0;
    }
    return i == n;
}

static int equals(const char *s, size_t n, const char *lit)
{
    return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

gv_node *gv_yaml_plain_scalar(gv_doc *d, const char *s, size_t len, uint32_t line, uint32_t col)
{
    if (len == 0 || equals(s, len, "~") || equals(s, len, "null") || equals(s, len, "NULL") ||
        equals(s, len, "Null"))
        return gv_node_new(d, GV_NULL, line, col);
    if (equals(s, len, "true") || equals(s, len, "false")) {
        gv_node *n = gv_node_new(d, GV_BOOL, line, col);
        if (n)
            n->u.b = s[0] == 't';
        return n;
    }
    if (len < 64 && (is_int(s, len) || is_float(s, len))) {
        char tmp[64];
        memcpy(tmp, s, len);
        tmp[len] = '\0';
        if (is_int(s, len)) {
            errno = 0;
            long long v = strtoll(tmp, NULL, 10);
            if (errno != ERANGE) {
                gv_node *n = gv_node_new(d, GV_INT, line, col);
                if (n)
                    n->u.i = v;
                return n;
            }
        }
        gv_node *n = gv_node_new(d, GV_FLOAT, line, col);
        if (n)
            n->u.f = strtod(tmp, NULL);
        return n;
    }
    return gv_node_new_string(d, s, len, line, col);
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
    { "ForEach", "Fn::ForEach", 0 },
};

gv_tag_action gv_yaml_tag_action(const char *tag, gv_tag_shape shape, gv_shortform mode,
                                 const char **key)
{
    if (!tag || tag[0] != '!' || tag[1] == '!')
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
