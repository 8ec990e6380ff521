/* Internal to the loaders: building a document. A loader pushes the items
 * of the container it is reading onto a scratch stack and copies them into
 * the arena, exactly sized, when the container closes: no per-node malloc. */
#ifndef GV_DOC_BUILD_H
#define GV_DOC_BUILD_H

#include "doc/doc.h"

typedef enum gv_dupkeys {
    GV_DUP_LAST_WINS,
    GV_DUP_FIRST_WINS,
    GV_DUP_ERROR,
} gv_dupkeys;

struct gv_doc {
    gv_arena arena;
    gv_node *root;
    char *name;
    bool json;
    /* intern table: open addressing over gv_key pointers */
    const gv_key **keys;
    size_t keys_cap;
    size_t keys_len;
};

typedef struct gv_builder {
    gv_doc *doc;
    gv_member *mstack; /* members of the maps being read */
    size_t mlen, mcap;
    gv_node **istack;  /* items of the lists being read */
    size_t ilen, icap;
    uint32_t *slots;   /* scratch index for finding duplicate keys */
    size_t scap;
    bool failed_alloc;
} gv_builder;

gv_doc *gv_doc_new(const char *name);
const gv_key *gv_doc_intern(gv_doc *d, const char *s, size_t len);
gv_node *gv_node_new(gv_doc *d, gv_kind kind, uint32_t line, uint32_t col);
gv_node *gv_node_new_string(gv_doc *d, const char *s, size_t len, uint32_t line, uint32_t col);

void gv_builder_init(gv_builder *b, gv_doc *d);
void gv_builder_free(gv_builder *b);
int gv_builder_push_item(gv_builder *b, gv_node *item);
int gv_builder_push_member(gv_builder *b, const gv_key *key, gv_node *value,
                           uint32_t line, uint32_t col);
/* Moves the items pushed since mark into list; returns 0 when out of memory. */
int gv_builder_finish_list(gv_builder *b, gv_node *list, size_t mark);
/* Moves the members pushed since mark into map, resolving duplicate keys by
 * policy; on GV_DUP_ERROR sets *dup to the second occurrence. */
int gv_builder_finish_map(gv_builder *b, gv_node *map, size_t mark, gv_dupkeys policy,
                          const gv_member **dup);

#endif
