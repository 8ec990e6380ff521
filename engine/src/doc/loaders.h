/* Internal: the loaders behind gv_doc_load_mem. Every file is YAML to
 * cfn-guard (JSON is read as YAML flow syntax), so the YAML loader is the
 * reference; the JSON loader is a fast path for plain JSON that gives up,
 * rather than guess, on anything where YAML could read it differently. */
#ifndef GV_LOADERS_H
#define GV_LOADERS_H

#include "doc/doc_build.h"

/* cfn-guard keeps one value per key: the last one, in the first one's place. */
#define GV_YAML_DUPKEYS GV_DUP_LAST_WINS

/* Fills a fresh document and returns its root, or NULL with err set. */
gv_node *gv_yaml_load(gv_doc *d, const char *text, size_t len, const gv_load_opts *o,
                      gv_error *err);

typedef enum gv_json_result {
    GV_JSON_OK,
    GV_JSON_DECLINED, /* not plain JSON: load it with gv_yaml_load (into a fresh document) */
    GV_JSON_FAILED,   /* out of memory; err is set */
} gv_json_result;

/* The fast path: text whose first token is '{' or '['. */
gv_json_result gv_json_load(gv_doc *d, const char *text, size_t len, const gv_load_opts *o,
                            gv_node **root, gv_error *err);

#endif
