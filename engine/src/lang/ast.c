#include "lang/ast.h"

const char *gv_cmp_op_name(gv_cmp_op op)
{
    static const char *names[GV_OP__COUNT] = {
        [GV_OP_EQ] = "==", [GV_OP_IN] = "in", [GV_OP_LT] = "<", [GV_OP_LE] = "<=",
        [GV_OP_GT] = ">", [GV_OP_GE] = ">=", [GV_OP_EXISTS] = "exists",
        [GV_OP_EMPTY] = "empty", [GV_OP_IS_STRING] = "is_string",
        [GV_OP_IS_LIST] = "is_list", [GV_OP_IS_STRUCT] = "is_struct",
        [GV_OP_IS_BOOL] = "is_bool", [GV_OP_IS_INT] = "is_int",
        [GV_OP_IS_FLOAT] = "is_float", [GV_OP_IS_NULL] = "is_null",
    };
    return (unsigned)op < GV_OP__COUNT ? names[op] : "?";
}

/* Names and argument counts of cfn-guard 3.1.1's functions, probed with
 * 1..4 arguments each (zero arguments do not even parse). */
static const struct { const char *name; int arity; } builtins[GV_BUILTIN__COUNT] = {
    [GV_BUILTIN_UNKNOWN] = {"?", -1},
    [GV_BUILTIN_COUNT] = {"count", 1},
    [GV_BUILTIN_JSON_PARSE] = {"json_parse", 1},
    [GV_BUILTIN_REGEX_REPLACE] = {"regex_replace", 3},
    [GV_BUILTIN_SUBSTRING] = {"substring", 3},
    [GV_BUILTIN_TO_UPPER] = {"to_upper", 1},
    [GV_BUILTIN_TO_LOWER] = {"to_lower", 1},
    [GV_BUILTIN_JOIN] = {"join", 2},
    [GV_BUILTIN_URL_DECODE] = {"url_decode", 1},
    [GV_BUILTIN_PARSE_INT] = {"parse_int", 1},
    [GV_BUILTIN_PARSE_FLOAT] = {"parse_float", 1},
    [GV_BUILTIN_PARSE_STRING] = {"parse_string", 1},
    [GV_BUILTIN_PARSE_BOOLEAN] = {"parse_boolean", 1},
    [GV_BUILTIN_PARSE_CHAR] = {"parse_char", 1},
};

const char *gv_builtin_name(gv_builtin fn)
{
    return (unsigned)fn < GV_BUILTIN__COUNT ? builtins[fn].name : "?";
}

int gv_builtin_arity(gv_builtin fn)
{
    return (unsigned)fn < GV_BUILTIN__COUNT ? builtins[fn].arity : -1;
}
