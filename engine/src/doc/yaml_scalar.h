/* Internal: how scalars are typed and what tags do, as cfn-guard 3.1.1
 * reads them (docs/oracle-notes/loading.md §1, §2). Shared by the YAML
 * loader and the JSON fast path, so both type a scalar the same way. */
#ifndef GV_YAML_SCALAR_H
#define GV_YAML_SCALAR_H

#include "doc/doc_build.h"

/* Rust i64::from_str: [+-]?[0-9]+. Returns 1 and sets *out, 0 when the
 * text is not of that form, -1 when it is but overflows 64 bits. */
int gv_parse_i64(const char *s, size_t n, int64_t *out);
/* Rust f64::from_str: decimal with optional fraction and exponent, or
 * inf / infinity / nan in any case, each with an optional sign. */
int gv_parse_f64(const char *s, size_t n, double *out);

/* Builds the node for a plain, untagged scalar: i64, else f64, else
 * true/false, else null (any case) or ~, else a string ("" when empty). */
gv_node *gv_yaml_plain_scalar(gv_doc *d, const char *s, size_t len, uint32_t line, uint32_t col);

typedef enum gv_scalar_status {
    GV_SCALAR_OK,
    GV_SCALAR_NOMEM,
    GV_SCALAR_BAD_INT,   /* !!int on text that is not an i64 */
    GV_SCALAR_BAD_FLOAT, /* !!float on text that is not an f64 */
    GV_SCALAR_BAD_NUMBER, /* json_parse typing: an integer beyond 64 bits, or a core
                             tag on text it does not take (!!null x, !!bool yes) */
} gv_scalar_status;

/* Leading zero(s) followed by digits only, after an optional sign ("017",
 * "-08"): serde_yaml (YAML 1.2) reads those as strings, not numbers. */
int gv_scalar_zero_padded(const char *s, size_t n);
/* The plain, untagged scalar as json_parse (serde_yaml) types it: see
 * serde_scalar.c. NULL with *st set when it cannot be built. */
gv_node *gv_serde_plain_scalar(gv_doc *d, const char *s, size_t len, uint32_t line, uint32_t col,
                               gv_scalar_status *st);
/* A scalar with a core tag (type is what follows "tag:yaml.org,2002:") as
 * json_parse (serde_yaml) reads it. */
gv_scalar_status gv_serde_core_scalar(gv_doc *d, const char *type, const char *s, size_t len,
                                      uint32_t line, uint32_t col, gv_node **out);

/* Builds the node for any scalar event: tag is libyaml's resolved tag (NULL
 * when there is none), plain whether the scalar was unquoted and not a
 * block scalar. Core tags type it; any other tag makes it a string. */
gv_scalar_status gv_yaml_scalar(gv_doc *d, gv_scalar_typing typing, const char *tag, int plain,
                                const char *s, size_t len, uint32_t line, uint32_t col, gv_node **out);

/* What a short-form tag does to the node it is on. */
typedef enum gv_tag_action {
    GV_TAG_KEEP,      /* drop the tag, keep the plain value */
    GV_TAG_WRAP,      /* {"<key>": value} */
    GV_TAG_WRAP_SPLIT /* {"Fn::GetAtt": ["a", "b.c"]} from the scalar "a.b.c" */
} gv_tag_action;

typedef enum gv_tag_shape { GV_SHAPE_SCALAR, GV_SHAPE_SEQ, GV_SHAPE_MAP } gv_tag_shape;

/* For tag (e.g. "!GetAtt") on a node of the given shape, returns the action
 * and sets *key to the wrapping key ("Fn::GetAtt", "Ref", ...). */
gv_tag_action gv_yaml_tag_action(const char *tag, gv_tag_shape shape, gv_shortform mode,
                                 const char **key);

#endif
