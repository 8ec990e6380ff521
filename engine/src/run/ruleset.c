#include "run/ruleset.h"

#include <stdlib.h>

#include "lang/parser.h"
#include "lang/resolver.h"
#include "util/file.h"
#include "vm/compile.h"

gv_program *gv_ruleset_load_texts(const char *path, const char *text, size_t len, gv_clause_texts **texts,
                                  gv_error *err)
{
    char *owned = NULL;
    if (texts)
        *texts = NULL;
    if (!text) {
        owned = gv_read_file(path, (size_t)64 << 20, &len, err);
        if (!owned)
            return NULL;
        text = owned;
    }
    gv_arena ast;
    gv_arena_init(&ast, 64 * 1024);
    gv_program *p = NULL;
    gv_rules_file *f = gv_parse_rules(&ast, path, text, len, err);
    if (f && gv_resolve_rules_opts(&ast, f, GV_RESOLVE_LENIENT, err) == 0)
        p = gv_compile(f, err);
    if (p && texts)
        *texts = gv_clause_texts_build(f);
    gv_arena_free(&ast);
    free(owned);
    return p;
}

gv_program *gv_ruleset_load(const char *path, const char *text, size_t len, gv_error *err)
{
    return gv_ruleset_load_texts(path, text, len, NULL, err);
}
