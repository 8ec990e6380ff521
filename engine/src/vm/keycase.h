/* The other spellings cfn-guard tries for a query key a map lacks. */
#ifndef GV_KEYCASE_H
#define GV_KEYCASE_H

#include <stddef.h>
#include <stdint.h>

#define GV_KEY_VARIANTS 7

typedef struct gv_key_variant {
    const char *s;
    uint32_t len;
} gv_key_variant;

/* Fills v (room for GV_KEY_VARIANTS) with the camelCase, ClassCase,
 * kebab-case, PascalCase, snake_case, Title Case and Train-Case spellings
 * of key that differ from it, in the order cfn-guard tries them, writing
 * their bytes to buf. Returns how many. */
uint32_t gv_key_variants(const char *key, uint32_t len, char *buf, size_t cap, gv_key_variant *v);

#endif
