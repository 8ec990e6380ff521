/* Internal: the two loaders behind gv_doc_load_mem. Each fills a fresh
 * document and returns its root, or NULL with err set. */
#ifndef GV_LOADERS_H
#define GV_LOADERS_H

#include "doc/doc_build.h"

/* cfn-guard keeps one value per key; see docs/oracle-notes/loading.md. */
#define GV_JSON_DUPKEYS GV_DUP_LAST_WINS
#define GV_YAML_DUPKEYS GV_DUP_LAST_WINS

gv_node *gv_json_load(gv_doc *d, const char *text, size_t len, const gv_load_opts *o,
                      gv_error *err);
gv_node *gv_yaml_load(gv_doc *d, const char *text, size_t len, const gv_load_opts *o,
                      gv_error *err);

#endif
