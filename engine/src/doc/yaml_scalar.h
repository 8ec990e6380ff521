/* Internal: how the YAML loader types plain scalars and treats tags. */
#ifndef GV_YAML_SCALAR_H
#define GV_YAML_SCALAR_H

#include "doc/doc_build.h"

/* Builds the node for a plain (unquoted, untagged) scalar the way cfn-guard
 * 3.1.1 types it: see docs/oracle-notes/loading.md. */
gv_node *gv_yaml_plain_scalar(gv_doc *d, const char *s, size_t len, uint32_t line, uint32_t col);

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
