/* serde_yaml's forms (render_yaml.c) for a writer that emits YAML as it
 * is given the values (report/jwrite_yaml.c) instead of from a tree. */
#ifndef GV_YAML_EMIT_H
#define GV_YAML_EMIT_H

#include "doc/doc.h"
#include "util/buf.h"

/* A string scalar in the style serde_yaml gives it (key: as a mapping's
 * key); ind is where a literal block's lines are indented. Returns 1 when
 * it wrote a literal block, which ends its own line. */
int gv_yaml_string(gv_buf *out, const char *s, size_t n, int key, int ind);
/* A document value after "key:" (after_dash 0) or "- " (1) in a
 * collection indented by ind, its last line ended. */
void gv_yaml_doc_entry(gv_buf *out, const gv_node *n, int ind, int after_dash);
/* A document value as the whole YAML document. */
void gv_yaml_doc_root(gv_buf *out, const gv_node *n);

#endif
