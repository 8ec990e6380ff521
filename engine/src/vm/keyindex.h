/* The members of a document map indexed by the string one key holds in
 * each of them: what `Resources.*[ Type == "AWS::S3::Bucket" ]` asks of
 * the same Resources map once per rules file (421 times over the Control
 * Tower files). Built once per document and key (kept in the document's
 * memo, vm/memo.c); a filter then visits its matches and the members the
 * index cannot answer, instead of every member. */
#ifndef GV_KEYINDEX_H
#define GV_KEYINDEX_H

#include <stdint.h>

#include "doc/doc.h"
#include "util/arena.h"
#include "vm/program.h"

typedef struct gv_key_index gv_key_index;

/* Indexes map (a GV_MAP) by key (kept: it must live as long as the
 * index), in arena a. A member is regular when it
 * is a map holding key exactly (no respelling) with a string value; the
 * others are irregular. NULL when memory runs out. */
gv_key_index *gv_key_index_build(gv_arena *a, const gv_node *map, const gv_kconst *key);

/* The first regular member's index (the map's length when none). */
uint32_t gv_key_index_first_regular(const gv_key_index *x);
/* The irregular members' indexes, ascending. */
const uint32_t *gv_key_index_irregular(const gv_key_index *x, uint32_t *n);
int gv_key_index_is_irregular(const gv_key_index *x, uint32_t member);
/* The regular members whose value is the string s, ascending. */
const uint32_t *gv_key_index_find(const gv_key_index *x, const char *s, uint32_t len, uint32_t *n);

#endif
